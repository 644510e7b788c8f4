// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer target for snpu_onnx_import().
 *
 * Every input is imported; an error must be one of the documented codes
 * with a message. A graph that imports must pass snpu_graph_check() and
 * survive the round trip the pruner relies on: snpu_onnx_export() either
 * refuses it with a documented code or writes bytes that import again
 * into the same graph (ops, attributes, tensors, data), up to the
 * differences the exporter documents (a pre-13 Softmax over its last axis
 * written in opset-13 form, Reshape allowzero dropped when the shape has
 * no 0, an empty graph name written as "snpu"). Anything else aborts.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_graph.h"
#include "snpu_onnx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void snpu_fuzz_check_ret(int ret, const char *err)
{
	if (ret > 0 || (ret && ret != -EINVAL && ret != -EOPNOTSUPP &&
			ret != -ENOMEM))
		abort();
	if (ret && !err[0])
		abort();
}

static const char *snpu_fuzz_in(const struct snpu_graph *g,
				const struct snpu_gnode *n, uint32_t i)
{
	return n->in[i] == SNPU_GRAPH_NONE ? "" : g->tensors[n->in[i]].name;
}

static void snpu_fuzz_same_attr(const struct snpu_gnode *x,
				const struct snpu_gnode *y)
{
	const struct snpu_gattr *a = &x->attr, *b = &y->attr;

	if (memcmp(a->kernel, b->kernel, sizeof(a->kernel)) ||
	    memcmp(a->strides, b->strides, sizeof(a->strides)) ||
	    memcmp(a->dilations, b->dilations, sizeof(a->dilations)) ||
	    memcmp(a->pads, b->pads, sizeof(a->pads)) ||
	    a->auto_pad != b->auto_pad || a->group != b->group ||
	    a->ceil_mode != b->ceil_mode ||
	    a->count_include_pad != b->count_include_pad ||
	    a->trans_a != b->trans_a || a->trans_b != b->trans_b ||
	    memcmp(&a->alpha, &b->alpha, sizeof(float)) ||
	    memcmp(&a->beta, &b->beta, sizeof(float)) ||
	    memcmp(&a->clip_min, &b->clip_min, sizeof(float)) ||
	    memcmp(&a->clip_max, &b->clip_max, sizeof(float)) ||
	    memcmp(&a->epsilon, &b->epsilon, sizeof(float)) ||
	    a->axis != b->axis)
		abort();
	if (x->op == SNPU_GOP_SOFTMAX && a->opset13 != b->opset13 &&
	    !(!a->opset13 && b->opset13))
		abort();
	if (a->allowzero != b->allowzero && !(a->allowzero && !b->allowzero))
		abort();
}

static void snpu_fuzz_same_graph(const struct snpu_graph *a,
				 const struct snpu_graph *b)
{
	uint32_t i, j;

	if (a->n_nodes != b->n_nodes || a->n_tensors != b->n_tensors ||
	    a->n_inputs != b->n_inputs || a->n_outputs != b->n_outputs ||
	    (a->name[0] && strcmp(a->name, b->name)))
		abort();
	for (i = 0; i < a->n_inputs; i++)
		if (strcmp(a->tensors[a->inputs[i]].name,
			   b->tensors[b->inputs[i]].name))
			abort();
	for (i = 0; i < a->n_outputs; i++)
		if (strcmp(a->tensors[a->outputs[i]].name,
			   b->tensors[b->outputs[i]].name))
			abort();
	for (i = 0; i < a->n_nodes; i++) {
		const struct snpu_gnode *x = &a->nodes[i], *y = &b->nodes[i];

		if (x->op != y->op || strcmp(x->name, y->name) ||
		    x->n_in != y->n_in ||
		    strcmp(a->tensors[x->out[0]].name,
			   b->tensors[y->out[0]].name))
			abort();
		for (j = 0; j < x->n_in; j++)
			if (strcmp(snpu_fuzz_in(a, x, j), snpu_fuzz_in(b, y, j)))
				abort();
		snpu_fuzz_same_attr(x, y);
	}
	for (i = 0; i < a->n_tensors; i++) {
		const struct snpu_gtensor *x = &a->tensors[i];
		uint32_t k = snpu_graph_find(b, x->name);
		const struct snpu_gtensor *y;
		int64_t n;

		if (k == SNPU_GRAPH_NONE)
			abort();
		y = &b->tensors[k];
		n = snpu_gtensor_numel(x);
		if (x->dtype != y->dtype || x->ndim != y->ndim ||
		    memcmp(x->dims, y->dims, sizeof(x->dims[0]) * x->ndim) ||
		    !x->data != !y->data || !x->i64 != !y->i64)
			abort();
		if (x->data && memcmp(x->data, y->data, (size_t)n * 4))
			abort();
		if (x->i64 && memcmp(x->i64, y->i64, (size_t)n * 8))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snpu_graph *g = NULL, *back = NULL;
	char err[256] = "";
	size_t out_size;
	void *out;
	int ret;

	ret = snpu_onnx_import(data, size, &g, err, sizeof(err));
	snpu_fuzz_check_ret(ret, err);
	if (ret) {
		if (g)
			abort();
		return 0;
	}
	if (snpu_graph_check(g, NULL, 0))
		abort();
	err[0] = 0;
	ret = snpu_onnx_export(g, &out, &out_size, err, sizeof(err));
	snpu_fuzz_check_ret(ret, err);
	if (!ret) {
		ret = snpu_onnx_import(out, out_size, &back, err, sizeof(err));
		if (ret)
			abort();
		snpu_fuzz_same_graph(g, back);
		snpu_graph_free(back);
		free(out);
	}
	snpu_graph_free(g);
	return 0;
}
