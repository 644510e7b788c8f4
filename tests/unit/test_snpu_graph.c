// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * cmocka tests of the pruner's graph IR (pruner/snpu_graph.c): building,
 * structural checks, cloning, the canonical form (checked numerically
 * through the fp32 executor) and the device view of weights.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snpu_exec.h"
#include "snpu_graph.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static float rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (float)((rng_state >> 11) * (1.0 / 9007199254740992.0)) * 2 - 1;
}

static uint32_t add_const(struct snpu_graph *g, const char *name,
			  uint32_t ndim, const int64_t *dims)
{
	int64_t n = 1;
	float *v;
	uint32_t t;

	for (uint32_t i = 0; i < ndim; i++)
		n *= dims[i];
	v = malloc((size_t)n * sizeof(float));
	assert_non_null(v);
	for (int64_t i = 0; i < n; i++)
		v[i] = rnd();
	t = snpu_graph_add_tensor(g, name, ndim, dims, v);
	free(v);
	assert_int_not_equal(t, SNPU_GRAPH_NONE);
	return t;
}

static uint32_t add_value(struct snpu_graph *g, const char *name)
{
	uint32_t t = snpu_graph_add_tensor(g, name, 0, NULL, NULL);

	assert_int_not_equal(t, SNPU_GRAPH_NONE);
	return t;
}

/*
 * x[N,3,6,6] -> Conv(4, 3x3, pad 1) -> BatchNorm -> Relu -> Flatten
 * -> MatMul(144 x 5) -> Add(bias[5]) -> y
 */
static struct snpu_graph *build_net(void)
{
	struct snpu_graph *g = snpu_graph_new("net");
	int64_t xd[4] = { -1, 3, 6, 6 }, wd[4] = { 4, 3, 3, 3 }, cd[1] = { 4 };
	int64_t md[2] = { 144, 5 }, bd[1] = { 5 };
	uint32_t x, in[5], c, bn, r, f, mm, y;
	float var[4];

	assert_non_null(g);
	x = snpu_graph_add_tensor(g, "x", 4, xd, NULL);
	g->inputs[g->n_inputs++] = x;
	in[0] = x;
	in[1] = add_const(g, "w", 4, wd);
	c = add_value(g, "c");
	assert_int_equal(snpu_graph_add_node(g, "conv", SNPU_GOP_CONV, 2, in,
					     c), 0);
	g->nodes[0].attr.pads[0] = g->nodes[0].attr.pads[1] = 1;
	g->nodes[0].attr.pads[2] = g->nodes[0].attr.pads[3] = 1;
	in[0] = c;
	in[1] = add_const(g, "scale", 1, cd);
	in[2] = add_const(g, "shift", 1, cd);
	in[3] = add_const(g, "mean", 1, cd);
	for (int i = 0; i < 4; i++)
		var[i] = 0.5f + i;
	in[4] = snpu_graph_add_tensor(g, "var", 1, cd, var);
	bn = add_value(g, "bn");
	snpu_graph_add_node(g, "bn", SNPU_GOP_BATCHNORM, 5, in, bn);
	r = add_value(g, "r");
	snpu_graph_add_node(g, "relu", SNPU_GOP_RELU, 1, &bn, r);
	f = add_value(g, "f");
	snpu_graph_add_node(g, "flat", SNPU_GOP_FLATTEN, 1, &r, f);
	in[0] = f;
	in[1] = add_const(g, "m", 2, md);
	mm = add_value(g, "mm");
	snpu_graph_add_node(g, "matmul", SNPU_GOP_MATMUL, 2, in, mm);
	in[0] = mm;
	in[1] = add_const(g, "bias", 1, bd);
	y = add_value(g, "y");
	snpu_graph_add_node(g, "add", SNPU_GOP_ADD, 2, in, y);
	g->outputs[g->n_outputs++] = y;
	return g;
}

static void run(const struct snpu_graph *g, const float *x, uint32_t batch,
		float *y, size_t ny)
{
	struct snpu_exec *ex;
	char err[256] = "";
	int64_t dims[SNPU_GRAPH_MAX_DIMS];
	int64_t n = 1;
	uint32_t nd;

	assert_int_equal(snpu_exec_create(g, batch, 0, &ex, err, sizeof(err)),
			 0);
	nd = snpu_exec_dims(ex, g->inputs[0], dims);
	for (uint32_t i = 0; i < nd; i++)
		n *= dims[i];
	memcpy(snpu_exec_value(ex, g->inputs[0]), x, (size_t)n * sizeof(*x));
	assert_int_equal(snpu_exec_forward(ex), 0);
	memcpy(y, snpu_exec_value(ex, g->outputs[0]), ny * sizeof(*y));
	snpu_exec_destroy(ex);
}

static void snpu_graph_check_accepts_built_net(void **state)
{
	struct snpu_graph *g = build_net();
	char err[256] = "";

	assert_int_equal(snpu_graph_check(g, err, sizeof(err)), 0);
	assert_int_equal(g->n_nodes, 6);
	assert_string_equal(snpu_gop_name(g->nodes[1].op),
			    "BatchNormalization");
	assert_int_equal(snpu_gop_from_name("GlobalAveragePool"),
			 SNPU_GOP_GLOBALAVGPOOL);
	assert_int_equal(snpu_gop_from_name("LSTM"), -1);
	snpu_graph_free(g);
}

static void snpu_graph_add_tensor_rejects_duplicate_name(void **state)
{
	struct snpu_graph *g = snpu_graph_new("g");
	int64_t d[1] = { 2 };

	assert_int_not_equal(snpu_graph_add_tensor(g, "a", 1, d, NULL),
			     SNPU_GRAPH_NONE);
	assert_int_equal(snpu_graph_add_tensor(g, "a", 1, d, NULL),
			 SNPU_GRAPH_NONE);
	assert_int_equal(g->n_tensors, 1);
	snpu_graph_free(g);
}

static void snpu_graph_check_rejects_use_before_definition(void **state)
{
	struct snpu_graph *g = build_net();
	struct snpu_gnode tmp;
	char err[256] = "";

	/* relu now reads bn before the BatchNormalization node computes it */
	tmp = g->nodes[1];
	g->nodes[1] = g->nodes[2];
	g->nodes[2] = tmp;
	g->tensors[g->nodes[1].out[0]].producer = 1;
	g->tensors[g->nodes[2].out[0]].producer = 2;
	assert_int_equal(snpu_graph_check(g, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'relu'"));
	assert_non_null(strstr(err, "not computed before"));
	snpu_graph_free(g);
}

static void snpu_graph_check_rejects_missing_input(void **state)
{
	struct snpu_graph *g = build_net();
	char err[256] = "";

	g->nodes[4].in[1] = SNPU_GRAPH_NONE;
	assert_int_equal(snpu_graph_check(g, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'matmul' (MatMul): input 1 missing"));
	snpu_graph_free(g);
}

static void snpu_graph_check_rejects_float_reshape_shape(void **state)
{
	struct snpu_graph *g = build_net();
	int64_t d[1] = { 2 };
	uint32_t in[2], out;
	char err[256] = "";

	in[0] = g->outputs[0];
	in[1] = add_const(g, "shape", 1, d);
	out = add_value(g, "z");
	snpu_graph_add_node(g, "reshape", SNPU_GOP_RESHAPE, 2, in, out);
	g->outputs[0] = out;
	assert_int_equal(snpu_graph_check(g, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "int64 constant"));
	snpu_graph_free(g);
}

static void snpu_graph_clone_is_deep(void **state)
{
	struct snpu_graph *g = build_net(), *c = snpu_graph_clone(g);
	uint32_t w = snpu_graph_find(g, "w");

	assert_non_null(c);
	assert_int_equal(c->n_tensors, g->n_tensors);
	assert_int_equal(c->n_nodes, g->n_nodes);
	assert_ptr_not_equal(c->tensors[w].data, g->tensors[w].data);
	assert_memory_equal(c->tensors[w].data, g->tensors[w].data,
			    81 * sizeof(float));
	c->tensors[w].data[0] += 1;
	assert_true(c->tensors[w].data[0] != g->tensors[w].data[0]);
	snpu_graph_free(c);
	snpu_graph_free(g);
}

/* Canonical form computes the same function: BN folded, MatMul+Add -> Gemm. */
static void snpu_graph_canon_preserves_outputs(void **state)
{
	struct snpu_graph *g = build_net(), *c = snpu_graph_clone(g);
	float x[2 * 108], y0[10], y1[10];
	char err[256] = "";

	for (size_t i = 0; i < 2 * 108; i++)
		x[i] = rnd();
	run(g, x, 2, y0, 10);
	if (snpu_graph_canon(c, err, sizeof(err)))
		fail_msg("canon: %s", err);
	assert_int_equal(c->n_nodes, 4);
	assert_int_equal(c->nodes[0].op, SNPU_GOP_CONV);
	assert_int_equal(c->nodes[3].op, SNPU_GOP_GEMM);
	assert_int_equal(c->nodes[3].attr.trans_b, 1);
	assert_int_equal(c->tensors[c->nodes[3].in[1]].dims[0], 5);
	assert_int_equal(c->tensors[c->nodes[3].in[1]].dims[1], 144);
	assert_int_equal(snpu_graph_find(c, "scale"), SNPU_GRAPH_NONE);
	run(c, x, 2, y1, 10);
	for (int i = 0; i < 10; i++)
		assert_true(fabsf(y0[i] - y1[i]) <= 1e-4f * (1 + fabsf(y0[i])));
	snpu_graph_free(c);
	snpu_graph_free(g);
}

/* Device view: conv columns in (kh, kw, c), FC columns in (h, w, c). */
static void snpu_graph_wviews_use_device_column_order(void **state)
{
	struct snpu_graph *g = build_net();
	struct snpu_wview *v;
	char err[256] = "";
	float *w, *w2;
	uint8_t *m;
	int n;

	if (snpu_graph_canon(g, err, sizeof(err)) ||
	    snpu_graph_infer_shapes(g, 1, err, sizeof(err)))
		fail_msg("%s", err);
	n = snpu_graph_wviews(g, &v, err, sizeof(err));
	assert_int_equal(n, 2);
	assert_int_equal(v[0].rows, 4);
	assert_int_equal(v[0].k, 27);
	/* device column (y=1, x=2, c=1) is ONNX (c=1, y=1, x=2) */
	assert_int_equal(v[0].perm[(1 * 3 + 2) * 3 + 1], 1 * 9 + 1 * 3 + 2);
	assert_int_equal(v[1].rows, 5);
	assert_int_equal(v[1].k, 144);
	/* device column (h=2, w=5, c=3) is ONNX (c=3, h=2, w=5) of 4x6x6 */
	assert_int_equal(v[1].perm[(2 * 6 + 5) * 4 + 3], 3 * 36 + 2 * 6 + 5);

	w = malloc(5 * 144 * sizeof(float));
	w2 = malloc(5 * 144 * sizeof(float));
	m = malloc(5 * 144);
	snpu_wview_get(g, &v[1], w, m);
	for (int i = 0; i < 5 * 144; i++)
		assert_int_equal(m[i], 1);
	assert_true(w[(2 * 6 + 5) * 4 + 3] ==
		    g->tensors[v[1].weight].data[3 * 36 + 2 * 6 + 5]);
	/* a put of a masked matrix round-trips and sets the mask */
	for (int i = 0; i < 5 * 144; i++) {
		m[i] = i % 3 != 0;
		if (!m[i])
			w[i] = 0;
	}
	assert_int_equal(snpu_wview_put(g, &v[1], w, m), 0);
	assert_non_null(g->tensors[v[1].weight].mask);
	memset(m, 7, 5 * 144);
	snpu_wview_get(g, &v[1], w2, m);
	assert_memory_equal(w, w2, 5 * 144 * sizeof(float));
	for (int i = 0; i < 5 * 144; i++)
		assert_int_equal(m[i], i % 3 != 0);
	free(w);
	free(w2);
	free(m);
	snpu_wviews_free(v, n);
	snpu_graph_free(g);
}

static void snpu_graph_wviews_reject_non_canonical(void **state)
{
	struct snpu_graph *g = build_net();
	struct snpu_wview *v;
	char err[256] = "";
	int64_t bd[2] = { 5, 144 };
	uint32_t in[2];

	/* a Gemm without bias is not canonical */
	in[0] = snpu_graph_find(g, "f");
	in[1] = add_const(g, "b2", 2, bd);
	g->nodes[4].op = SNPU_GOP_GEMM;
	g->nodes[4].in[1] = in[1];
	g->nodes[4].attr.trans_b = 1;
	assert_int_equal(snpu_graph_wviews(g, &v, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "canonical"));
	snpu_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_graph_check_accepts_built_net),
		cmocka_unit_test(snpu_graph_add_tensor_rejects_duplicate_name),
		cmocka_unit_test(snpu_graph_check_rejects_use_before_definition),
		cmocka_unit_test(snpu_graph_check_rejects_missing_input),
		cmocka_unit_test(snpu_graph_check_rejects_float_reshape_shape),
		cmocka_unit_test(snpu_graph_clone_is_deep),
		cmocka_unit_test(snpu_graph_canon_preserves_outputs),
		cmocka_unit_test(snpu_graph_wviews_use_device_column_order),
		cmocka_unit_test(snpu_graph_wviews_reject_non_canonical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
