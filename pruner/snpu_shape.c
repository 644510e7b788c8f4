// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Shape inference for the pruner's graph IR: snpu_graph_infer_shapes()
 * walks the nodes in order and writes the extents of every computed
 * tensor, applying ONNX's rules for each op (numpy broadcasting, Conv and
 * pool output extents with pads / auto_pad / ceil_mode, Reshape's 0 and
 * -1, Flatten and Softmax axes).
 *
 * It is the only place that validates shapes: the executor plans its
 * buffers from what this file accepts and trusts it, so every extent a
 * kernel will index with is checked here, with a message naming the node
 * whose inputs do not agree. Tensors are limited to INT32_MAX elements
 * because BLAS takes int extents.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_graph.h"

#define SNPU_SHAPE_MAX_NUMEL	((int64_t)INT32_MAX)

/* Extents of one tensor while inferring. */
struct snpu_shape {
	uint32_t ndim;
	int64_t d[SNPU_GRAPH_MAX_DIMS];
};

/* Room for "[a,b,...]" of SNPU_GRAPH_MAX_DIMS extents. */
#define SNPU_SHAPE_STR	(SNPU_GRAPH_MAX_DIMS * 21 + 3)

static const char *snpu_shape_str(const struct snpu_shape *s,
				  char buf[SNPU_SHAPE_STR])
{
	size_t len = 0;

	buf[len++] = '[';
	buf[len] = '\0';
	for (uint32_t i = 0; i < s->ndim; i++)
		len += snprintf(buf + len, SNPU_SHAPE_STR - len, "%s%lld",
				i ? "," : "", (long long)s->d[i]);
	snprintf(buf + len, SNPU_SHAPE_STR - len, "]");
	return buf;
}

static int __attribute__((format(printf, 5, 6)))
snpu_shape_err(const struct snpu_graph *g, uint32_t ni, char *err,
	       size_t err_size, const char *fmt, ...)
{
	const struct snpu_gnode *n = &g->nodes[ni];
	char msg[384];
	va_list ap;

	if (!err || !err_size)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, err_size, "node %u '%s' (%s): %s", ni,
		 n->name ? n->name : "", snpu_gop_name(n->op), msg);
	return -EINVAL;
}

/* numel, or -1 past SNPU_SHAPE_MAX_NUMEL or with an unknown extent. */
static int64_t snpu_shape_numel(const struct snpu_shape *s)
{
	int64_t n = 1;

	for (uint32_t i = 0; i < s->ndim; i++) {
		if (s->d[i] < 0)
			return -1;
		n *= s->d[i];
		if (n > SNPU_SHAPE_MAX_NUMEL)
			return -1;
	}
	return n;
}

static int64_t snpu_shape_prod(const struct snpu_shape *s, uint32_t from,
			       uint32_t to)
{
	int64_t n = 1;

	for (uint32_t i = from; i < to; i++)
		n *= s->d[i];
	return n;
}

/*
 * numpy broadcasting of @a and @b into @out. With @uni, only @b may be
 * stretched (unidirectional, Gemm's C) and @out takes @a's extents.
 */
static bool snpu_shape_bcast(const struct snpu_shape *a,
			     const struct snpu_shape *b, bool uni,
			     struct snpu_shape *out)
{
	uint32_t r = a->ndim > b->ndim ? a->ndim : b->ndim;

	if (uni && b->ndim > a->ndim)
		return false;
	out->ndim = r;
	for (uint32_t i = 0; i < r; i++) {
		int64_t da = i < r - a->ndim ? 1 : a->d[i - (r - a->ndim)];
		int64_t db = i < r - b->ndim ? 1 : b->d[i - (r - b->ndim)];

		if (da == db || db == 1)
			out->d[i] = da;
		else if (da == 1 && !uni)
			out->d[i] = db;
		else
			return false;
	}
	return true;
}

static int snpu_shape_gemm(const struct snpu_graph *g, uint32_t ni,
			   const struct snpu_shape *in[], struct snpu_shape *out,
			   char *err, size_t err_size)
{
	const struct snpu_gattr *a = &g->nodes[ni].attr;
	char s0[SNPU_SHAPE_STR], s1[SNPU_SHAPE_STR];
	int64_t m, k, kb, n;

	if (in[0]->ndim != 2 || in[1]->ndim != 2)
		return snpu_shape_err(g, ni, err, err_size,
				      "A %s and B %s must be 2-D",
				      snpu_shape_str(in[0], s0),
				      snpu_shape_str(in[1], s1));
	m = in[0]->d[a->trans_a ? 1 : 0];
	k = in[0]->d[a->trans_a ? 0 : 1];
	kb = in[1]->d[a->trans_b ? 1 : 0];
	n = in[1]->d[a->trans_b ? 0 : 1];
	if (k != kb)
		return snpu_shape_err(g, ni, err, err_size,
				      "A %s (transA %d) and B %s (transB %d) disagree on K: %lld != %lld",
				      snpu_shape_str(in[0], s0), a->trans_a,
				      snpu_shape_str(in[1], s1), a->trans_b,
				      (long long)k, (long long)kb);
	out->ndim = 2;
	out->d[0] = m;
	out->d[1] = n;
	if (in[2]) {
		struct snpu_shape y = *out, tmp;

		if (!snpu_shape_bcast(&y, in[2], true, &tmp))
			return snpu_shape_err(g, ni, err, err_size,
					      "C %s does not broadcast to [%lld,%lld]",
					      snpu_shape_str(in[2], s0),
					      (long long)m, (long long)n);
	}
	return 0;
}

static int snpu_shape_matmul(const struct snpu_graph *g, uint32_t ni,
			     const struct snpu_shape *in[],
			     struct snpu_shape *out, char *err, size_t err_size)
{
	struct snpu_shape a = *in[0], b = *in[1], ba, bb, batch;
	char s0[SNPU_SHAPE_STR], s1[SNPU_SHAPE_STR];
	bool a1 = a.ndim == 1, b1 = b.ndim == 1;

	if (!a.ndim || !b.ndim)
		return snpu_shape_err(g, ni, err, err_size,
				      "MatMul of a scalar");
	/* numpy: a 1-D A is a row [1, K], a 1-D B a column [K, 1]. */
	if (a1) {
		a.ndim = 2;
		a.d[1] = a.d[0];
		a.d[0] = 1;
	}
	if (b1) {
		b.ndim = 2;
		b.d[1] = 1;
	}
	if (a.d[a.ndim - 1] != b.d[b.ndim - 2])
		return snpu_shape_err(g, ni, err, err_size,
				      "A %s and B %s disagree on K",
				      snpu_shape_str(in[0], s0),
				      snpu_shape_str(in[1], s1));
	ba.ndim = a.ndim - 2;
	memcpy(ba.d, a.d, sizeof(ba.d[0]) * ba.ndim);
	bb.ndim = b.ndim - 2;
	memcpy(bb.d, b.d, sizeof(bb.d[0]) * bb.ndim);
	if (!snpu_shape_bcast(&ba, &bb, false, &batch))
		return snpu_shape_err(g, ni, err, err_size,
				      "batch extents of A %s and B %s do not broadcast",
				      snpu_shape_str(in[0], s0),
				      snpu_shape_str(in[1], s1));
	*out = batch;
	if (!a1)
		out->d[out->ndim++] = a.d[a.ndim - 2];
	if (!b1)
		out->d[out->ndim++] = b.d[b.ndim - 1];
	return 0;
}

/*
 * Output extent of one spatial axis (@ax: 0 height, 1 width) of a Conv or
 * pool with kernel extent @k over an input extent @in; 0 when the window
 * does not fit.
 */
static int64_t snpu_shape_axis(const struct snpu_gattr *a, int ax,
			       int64_t in, int64_t k, bool ceil_mode)
{
	int64_t s = a->strides[ax], ek = (k - 1) * a->dilations[ax] + 1;
	int64_t span, out;

	/* SAME pads so that out = ceil(in / s), whatever ceil_mode says. */
	if (a->auto_pad == 1 || a->auto_pad == 2)
		return (in + s - 1) / s;
	span = in + a->pads[ax] + a->pads[ax + 2] - ek;
	if (span < 0)
		return 0;
	if (!ceil_mode)
		return span / s + 1;
	out = (span + s - 1) / s + 1;
	/*
	 * A last window that would start in the trailing pad covers no
	 * input: drop it, as PyTorch and later ONNX releases do.
	 */
	if ((out - 1) * s >= in + a->pads[ax])
		out--;
	return out;
}

/*
 * Attribute sanity shared by Conv and the pools, for an input of rank
 * @rank (3: 1-D, stored as height 1; 4: 2-D).
 */
static int snpu_shape_window_attrs(const struct snpu_graph *g, uint32_t ni,
				   uint32_t rank, const int64_t k[2],
				   char *err, size_t err_size)
{
	const struct snpu_gattr *a = &g->nodes[ni].attr;

	if (a->auto_pad < 0 || a->auto_pad > 2)
		return snpu_shape_err(g, ni, err, err_size,
				      "unknown auto_pad %d", a->auto_pad);
	for (int i = 0; i < 2; i++) {
		if (k[i] < 1 || a->strides[i] < 1 || a->dilations[i] < 1)
			return snpu_shape_err(g, ni, err, err_size,
					      "kernel %lldx%lld, strides %lldx%lld and dilations %lldx%lld must be >= 1",
					      (long long)k[0], (long long)k[1],
					      (long long)a->strides[0],
					      (long long)a->strides[1],
					      (long long)a->dilations[0],
					      (long long)a->dilations[1]);
	}
	for (int i = 0; i < 4; i++)
		if (a->pads[i] < 0)
			return snpu_shape_err(g, ni, err, err_size,
					      "negative pad %lld",
					      (long long)a->pads[i]);
	if (rank == 3 && (k[0] != 1 || a->strides[0] != 1 ||
			  a->dilations[0] != 1 || a->pads[0] || a->pads[2]))
		return snpu_shape_err(g, ni, err, err_size,
				      "1-D input with a 2-D window (height attributes must be neutral)");
	return 0;
}

static int snpu_shape_conv(const struct snpu_graph *g, uint32_t ni,
			   const struct snpu_shape *in[], struct snpu_shape *out,
			   char *err, size_t err_size)
{
	const struct snpu_gattr *a = &g->nodes[ni].attr;
	const struct snpu_shape *x = in[0], *w = in[1];
	char s0[SNPU_SHAPE_STR], s1[SNPU_SHAPE_STR];
	int64_t k[2], c, oh, ow;
	int ret;

	if ((x->ndim != 3 && x->ndim != 4) || w->ndim != x->ndim)
		return snpu_shape_err(g, ni, err, err_size,
				      "X %s and W %s must both be 3-D or 4-D",
				      snpu_shape_str(x, s0),
				      snpu_shape_str(w, s1));
	k[0] = x->ndim == 4 ? w->d[2] : 1;
	k[1] = w->d[x->ndim - 1];
	ret = snpu_shape_window_attrs(g, ni, x->ndim, k, err, err_size);
	if (ret)
		return ret;
	c = x->d[1];
	if (a->group < 1 || c % a->group || w->d[0] % a->group ||
	    w->d[1] * a->group != c)
		return snpu_shape_err(g, ni, err, err_size,
				      "X %s, W %s and group %lld disagree on channels",
				      snpu_shape_str(x, s0),
				      snpu_shape_str(w, s1),
				      (long long)a->group);
	if (in[2] && (in[2]->ndim != 1 || in[2]->d[0] != w->d[0]))
		return snpu_shape_err(g, ni, err, err_size,
				      "bias %s is not [%lld]",
				      snpu_shape_str(in[2], s0),
				      (long long)w->d[0]);
	oh = x->ndim == 4 ? snpu_shape_axis(a, 0, x->d[2], k[0], false) : 1;
	ow = snpu_shape_axis(a, 1, x->d[x->ndim - 1], k[1], false);
	if (oh < 1 || ow < 1)
		return snpu_shape_err(g, ni, err, err_size,
				      "kernel of W %s does not fit X %s with these pads and dilations",
				      snpu_shape_str(w, s1),
				      snpu_shape_str(x, s0));
	out->ndim = x->ndim;
	out->d[0] = x->d[0];
	out->d[1] = w->d[0];
	out->d[out->ndim - 1] = ow;
	if (x->ndim == 4)
		out->d[2] = oh;
	return 0;
}

static int snpu_shape_pool(const struct snpu_graph *g, uint32_t ni,
			   const struct snpu_shape *in[], struct snpu_shape *out,
			   char *err, size_t err_size)
{
	const struct snpu_gattr *a = &g->nodes[ni].attr;
	const struct snpu_shape *x = in[0];
	char s0[SNPU_SHAPE_STR];
	int64_t oh, ow;
	int ret;

	if (x->ndim != 3 && x->ndim != 4)
		return snpu_shape_err(g, ni, err, err_size,
				      "X %s must be 3-D or 4-D",
				      snpu_shape_str(x, s0));
	ret = snpu_shape_window_attrs(g, ni, x->ndim, a->kernel, err,
				      err_size);
	if (ret)
		return ret;
	oh = x->ndim == 4 ? snpu_shape_axis(a, 0, x->d[2], a->kernel[0],
					    a->ceil_mode) : 1;
	ow = snpu_shape_axis(a, 1, x->d[x->ndim - 1], a->kernel[1],
			     a->ceil_mode);
	if (oh < 1 || ow < 1)
		return snpu_shape_err(g, ni, err, err_size,
				      "kernel %lldx%lld does not fit X %s with these pads and dilations",
				      (long long)a->kernel[0],
				      (long long)a->kernel[1],
				      snpu_shape_str(x, s0));
	*out = *x;
	out->d[out->ndim - 1] = ow;
	if (x->ndim == 4)
		out->d[2] = oh;
	return 0;
}

static int snpu_shape_reshape(const struct snpu_graph *g, uint32_t ni,
			      const struct snpu_shape *in[],
			      struct snpu_shape *out, char *err,
			      size_t err_size)
{
	const struct snpu_gnode *n = &g->nodes[ni];
	const struct snpu_gtensor *st = &g->tensors[n->in[1]];
	const struct snpu_shape *x = in[0];
	char s0[SNPU_SHAPE_STR];
	int64_t known = 1, numel = snpu_shape_numel(x);
	int infer = -1;

	if (!st->i64 || in[1]->ndim != 1)
		return snpu_shape_err(g, ni, err, err_size,
				      "the shape is not a 1-D int64 constant");
	if (in[1]->d[0] > SNPU_GRAPH_MAX_DIMS)
		return snpu_shape_err(g, ni, err, err_size,
				      "the shape has %lld dims (at most %d)",
				      (long long)in[1]->d[0],
				      SNPU_GRAPH_MAX_DIMS);
	out->ndim = (uint32_t)in[1]->d[0];
	for (uint32_t i = 0; i < out->ndim; i++) {
		int64_t v = st->i64[i];

		if (v == 0 && !n->attr.allowzero) {
			if (i >= x->ndim)
				return snpu_shape_err(g, ni, err, err_size,
						      "shape[%u] = 0 copies a dim X %s does not have",
						      i, snpu_shape_str(x, s0));
			v = x->d[i];
		} else if (v == -1) {
			if (infer >= 0)
				return snpu_shape_err(g, ni, err, err_size,
						      "more than one -1 in the shape");
			infer = (int)i;
			continue;
		} else if (v < 0) {
			return snpu_shape_err(g, ni, err, err_size,
					      "shape[%u] = %lld", i,
					      (long long)v);
		}
		out->d[i] = v;
		known *= v;
		if (known > SNPU_SHAPE_MAX_NUMEL)
			return snpu_shape_err(g, ni, err, err_size,
					      "the shape is too large");
	}
	if (infer >= 0) {
		/* Also ONNX's rule that allowzero's 0 and -1 do not mix. */
		if (!known || numel % known)
			return snpu_shape_err(g, ni, err, err_size,
					      "cannot infer the -1 extent of %lld elements of X %s",
					      (long long)numel,
					      snpu_shape_str(x, s0));
		out->d[infer] = numel / known;
		known = numel;
	}
	if (known != numel)
		return snpu_shape_err(g, ni, err, err_size,
				      "X %s has %lld elements, the shape %s %lld",
				      snpu_shape_str(x, s0), (long long)numel,
				      "asks for", (long long)known);
	return 0;
}

/* Normalized axis in [0, rank + extra), or -1. */
static int64_t snpu_shape_axis_norm(int64_t axis, uint32_t rank, int extra)
{
	if (axis < 0)
		axis += rank;
	return axis >= 0 && axis < (int64_t)rank + extra ? axis : -1;
}

static int snpu_shape_node(const struct snpu_graph *g, uint32_t ni,
			   const struct snpu_shape *in[],
			   struct snpu_shape *out, char *err, size_t err_size)
{
	const struct snpu_gnode *n = &g->nodes[ni];
	const struct snpu_shape *x = in[0];
	char s0[SNPU_SHAPE_STR], s1[SNPU_SHAPE_STR];
	int64_t ax;

	switch (n->op) {
	case SNPU_GOP_GEMM:
		return snpu_shape_gemm(g, ni, in, out, err, err_size);
	case SNPU_GOP_MATMUL:
		return snpu_shape_matmul(g, ni, in, out, err, err_size);
	case SNPU_GOP_CONV:
		return snpu_shape_conv(g, ni, in, out, err, err_size);
	case SNPU_GOP_MAXPOOL:
	case SNPU_GOP_AVGPOOL:
		return snpu_shape_pool(g, ni, in, out, err, err_size);
	case SNPU_GOP_RESHAPE:
		return snpu_shape_reshape(g, ni, in, out, err, err_size);
	case SNPU_GOP_RELU:
	case SNPU_GOP_CLIP:
		*out = *x;
		return 0;
	case SNPU_GOP_GLOBALAVGPOOL:
		if (x->ndim < 3)
			return snpu_shape_err(g, ni, err, err_size,
					      "X %s has no spatial dims",
					      snpu_shape_str(x, s0));
		*out = *x;
		for (uint32_t i = 2; i < x->ndim; i++)
			out->d[i] = 1;
		return 0;
	case SNPU_GOP_ADD:
		if (!snpu_shape_bcast(x, in[1], false, out))
			return snpu_shape_err(g, ni, err, err_size,
					      "A %s and B %s do not broadcast",
					      snpu_shape_str(x, s0),
					      snpu_shape_str(in[1], s1));
		return 0;
	case SNPU_GOP_FLATTEN:
		ax = snpu_shape_axis_norm(n->attr.axis, x->ndim, 1);
		if (ax < 0)
			return snpu_shape_err(g, ni, err, err_size,
					      "axis %lld out of range for X %s",
					      (long long)n->attr.axis,
					      snpu_shape_str(x, s0));
		out->ndim = 2;
		out->d[0] = snpu_shape_prod(x, 0, (uint32_t)ax);
		out->d[1] = snpu_shape_prod(x, (uint32_t)ax, x->ndim);
		return 0;
	case SNPU_GOP_BATCHNORM:
		if (x->ndim < 2)
			return snpu_shape_err(g, ni, err, err_size,
					      "X %s has no channel dim",
					      snpu_shape_str(x, s0));
		for (int i = 1; i < 5; i++)
			if (in[i]->ndim != 1 || in[i]->d[0] != x->d[1])
				return snpu_shape_err(g, ni, err, err_size,
						      "parameter %d %s is not [%lld] for X %s",
						      i, snpu_shape_str(in[i], s1),
						      (long long)x->d[1],
						      snpu_shape_str(x, s0));
		if (!(n->attr.epsilon >= 0))
			return snpu_shape_err(g, ni, err, err_size,
					      "epsilon %g", n->attr.epsilon);
		*out = *x;
		return 0;
	case SNPU_GOP_SOFTMAX:
		if (snpu_shape_axis_norm(n->attr.axis, x->ndim, 0) < 0)
			return snpu_shape_err(g, ni, err, err_size,
					      "axis %lld out of range for X %s",
					      (long long)n->attr.axis,
					      snpu_shape_str(x, s0));
		*out = *x;
		return 0;
	default:
		return snpu_shape_err(g, ni, err, err_size, "unknown op %d",
				      (int)n->op);
	}
}

static bool snpu_shape_is_const(const struct snpu_gtensor *t)
{
	return t->data || t->i64;
}

static int snpu_shape_load(const struct snpu_gtensor *t, struct snpu_shape *s)
{
	if (t->ndim > SNPU_GRAPH_MAX_DIMS)
		return -EINVAL;
	s->ndim = t->ndim;
	memcpy(s->d, t->dims, sizeof(s->d[0]) * t->ndim);
	return snpu_shape_numel(s) < 0 ? -EINVAL : 0;
}

/*
 * Gather the shapes of node @ni's inputs into @sh (NULL in @in for an
 * omitted optional one), checking each is known by now.
 */
static int snpu_shape_inputs(const struct snpu_graph *g, uint32_t ni,
			     const bool *known, struct snpu_shape *sh,
			     const struct snpu_shape **in, char *err,
			     size_t err_size)
{
	const struct snpu_gnode *n = &g->nodes[ni];
	uint32_t j, min, max;

	if ((unsigned int)n->op >= SNPU_GOP_COUNT)
		return snpu_shape_err(g, ni, err, err_size, "unknown op %d",
				      (int)n->op);
	snpu_gop_arity(n->op, &min, &max);
	if (n->n_in < min || n->n_in > max || n->n_out != 1)
		return snpu_shape_err(g, ni, err, err_size,
				      "%u inputs and %u outputs", n->n_in,
				      n->n_out);
	for (j = 0; j < SNPU_GRAPH_MAX_IO; j++)
		in[j] = NULL;
	for (j = 0; j < n->n_in; j++) {
		uint32_t t = n->in[j];
		const struct snpu_gtensor *gt;
		bool want_i64 = n->op == SNPU_GOP_RESHAPE && j == 1;

		if (t == SNPU_GRAPH_NONE && j == 2 &&
		    (n->op == SNPU_GOP_GEMM || n->op == SNPU_GOP_CONV))
			continue;
		if (t >= g->n_tensors)
			return snpu_shape_err(g, ni, err, err_size,
					      "input %u missing", j);
		gt = &g->tensors[t];
		if ((gt->dtype == SNPU_DT_INT64) != want_i64)
			return snpu_shape_err(g, ni, err, err_size,
					      "input '%s' has the wrong type",
					      gt->name);
		if (!snpu_shape_is_const(gt) && !known[t])
			return snpu_shape_err(g, ni, err, err_size,
					      "input '%s' is not computed before it",
					      gt->name);
		if (snpu_shape_load(gt, &sh[j]))
			return snpu_shape_err(g, ni, err, err_size,
					      "input '%s' has unknown or too many extents",
					      gt->name);
		if (gt->dtype == SNPU_DT_FLOAT && snpu_shape_is_const(gt) &&
		    !gt->data)
			return snpu_shape_err(g, ni, err, err_size,
					      "input '%s' has no data",
					      gt->name);
		in[j] = &sh[j];
	}
	return 0;
}

/*
 * Graph inputs get @batch as their leading extent (whatever was declared:
 * a model saved with batch 1 can still be trained in batches); then every
 * extent must be known.
 */
static int snpu_shape_graph_inputs(struct snpu_graph *g, uint32_t batch,
				   bool *known, char *err, size_t err_size)
{
	for (uint32_t i = 0; i < g->n_inputs; i++) {
		uint32_t t = g->inputs[i];
		struct snpu_gtensor *gt;
		struct snpu_shape s;

		if (t >= g->n_tensors || snpu_shape_is_const(&g->tensors[t])) {
			snprintf(err, err_size,
				 "graph input %u is not a computed tensor", i);
			return -EINVAL;
		}
		gt = &g->tensors[t];
		if (batch && gt->ndim)
			gt->dims[0] = batch;
		if (snpu_shape_load(gt, &s)) {
			snprintf(err, err_size,
				 "graph input '%s': unknown extent (give a batch) or more than %lld elements",
				 gt->name, (long long)SNPU_SHAPE_MAX_NUMEL);
			return -EINVAL;
		}
		known[t] = true;
	}
	return 0;
}

int snpu_graph_infer_shapes(struct snpu_graph *g, uint32_t batch,
			    char *err, size_t err_size)
{
	struct snpu_shape sh[SNPU_GRAPH_MAX_IO], out;
	const struct snpu_shape *in[SNPU_GRAPH_MAX_IO];
	char dummy[1];
	bool *known;
	int ret;

	if (!err || !err_size) {
		err = dummy;
		err_size = sizeof(dummy);
	}
	known = calloc(g->n_tensors ? g->n_tensors : 1, sizeof(*known));
	if (!known) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	ret = snpu_shape_graph_inputs(g, batch, known, err, err_size);
	for (uint32_t i = 0; !ret && i < g->n_nodes; i++) {
		const struct snpu_gnode *n = &g->nodes[i];
		struct snpu_gtensor *ot;

		ret = snpu_shape_inputs(g, i, known, sh, in, err, err_size);
		if (ret)
			break;
		if (n->out[0] >= g->n_tensors ||
		    snpu_shape_is_const(&g->tensors[n->out[0]]) ||
		    known[n->out[0]]) {
			ret = snpu_shape_err(g, i, err, err_size,
					     "output is a constant, a graph input or computed twice");
			break;
		}
		memset(&out, 0, sizeof(out));
		ret = snpu_shape_node(g, i, in, &out, err, err_size);
		if (ret)
			break;
		if (snpu_shape_numel(&out) < 0) {
			ret = snpu_shape_err(g, i, err, err_size,
					     "output has more than %lld elements",
					     (long long)SNPU_SHAPE_MAX_NUMEL);
			break;
		}
		ot = &g->tensors[n->out[0]];
		ot->dtype = SNPU_DT_FLOAT;
		ot->ndim = out.ndim;
		memset(ot->dims, 0, sizeof(ot->dims));
		memcpy(ot->dims, out.d, sizeof(out.d[0]) * out.ndim);
		known[n->out[0]] = true;
	}
	for (uint32_t i = 0; !ret && i < g->n_outputs; i++) {
		if (g->outputs[i] >= g->n_tensors || !known[g->outputs[i]]) {
			snprintf(err, err_size, "graph output %u is not computed",
				 i);
			ret = -EINVAL;
		}
	}
	free(known);
	return ret;
}
