// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * int8 quantization, lowering to the packed .snpu device graph, and host
 * int8 evaluation. See snpu_quant.h.
 *
 * snpu_quantize() works in four passes over a const graph:
 *
 *   lower      walk the nodes in order, map every graph tensor that the
 *              device materialises to a device tensor and plan one device
 *              layer per Conv, Gemm, pool, Add and reshape (activations
 *              fused, a trailing Softmax dropped); fail on anything else
 *   calibrate  run the fp32 executor over the calibration samples and
 *              record the range of each device tensor that needs one
 *   quantize   activation parameters, then per weighted layer the int8
 *              weights, int32 bias and requantization pairs, and the
 *              fused clamps; ADD's TFLite parameters
 *   encode     choose each weighted layer's encoding and count its bytes
 *
 * The device tensors keep, besides their NHWC extents, the NCHW extents
 * whose NHWC order their bytes follow. That differs from their own
 * extents only after a Flatten of a C x H x W tensor that feeds Gemms:
 * the bytes stay in (h, w, c) order and the Gemm's weight columns are
 * permuted to match (snpu_wview), which the lowering checks.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_err.h"
#include "snpu_engine.h"
#include "snpu_exec.h"
#include "snpu_model_parse.h"
#include "snpu_names.h"
#include "snpu_quant.h"

#define SNPU_QUANT_NONE		UINT32_MAX
#define SNPU_QUANT_HIST_BINS	4096
#define SNPU_QUANT_CALIB_BATCH	32
#define SNPU_QUANT_PERCENTILE	99.99
#define SNPU_QUANT_EVAL_CHUNK	256
/* TFLite's AddElementwise left shift for int8: 20 bits of headroom. */
#define SNPU_QUANT_ADD_SHIFT	20
/* A CSR delta is 4 bits; longer gaps take filler entries. */
#define SNPU_QUANT_CSR_DELTA	15u

/* One device tensor as the lowering plans it. */
struct snpu_qtensor {
	uint32_t h, w, c;
	/* The graph tensor whose values it holds (after fused activations). */
	uint32_t gt;
	/* Planned layer writing it; SNPU_QUANT_NONE for the model input. */
	uint32_t writer;
	/* Device tensor whose quantization it shares (pools, reshapes). */
	uint32_t quant_from;
	/* Calibration record, or SNPU_QUANT_NONE. */
	uint32_t stat;
	/* NCHW extents (c, h, w) whose NHWC order the bytes follow. */
	uint32_t lc, lh, lw;
	int32_t zp;
	float scale;
};

/* One planned device layer. */
struct snpu_qplan {
	struct snpu_pack_layer pl;
	uint32_t node;
	int view;
	/* Real bounds of fused Relu/Clip; +-INFINITY when none. */
	double clip_lo, clip_hi;
};

/* Calibration record of one graph tensor. */
struct snpu_qstat {
	uint32_t gt;
	float mn, mx;
	uint64_t count;
	uint64_t *hist;
	double lo, hi;
};

struct snpu_qctx {
	const struct snpu_graph *g;
	const struct snpu_quant_opts *o;
	struct snpu_exec *x;
	uint32_t batch;
	struct snpu_wview *views;
	int n_views;
	int *node_view;
	uint32_t *g2d;
	struct snpu_qtensor t[SNPU_MODEL_MAX_TENSORS];
	uint32_t nt;
	struct snpu_qplan l[SNPU_MODEL_MAX_LAYERS];
	uint32_t nl;
	struct snpu_qstat *stats;
	uint32_t n_stats;
	bool softmax_dropped;
	char *err;
	size_t err_size;
};

/* Arrays of one weighted layer, owned by the model. */
struct snpu_qweights {
	int8_t *w;
	int32_t *bias;
	int32_t *mult;
	int32_t *shift;
	char *name;
};

struct snpu_qmodel {
	struct snpu_pack_model pm;
	struct snpu_pack_tensor tensors[SNPU_MODEL_MAX_TENSORS];
	struct snpu_pack_layer layers[SNPU_MODEL_MAX_LAYERS];
	uint32_t n_info;
	struct snpu_qlayer_info *info;
	struct snpu_qweights *qw;
	/* Graph node label of each weighted layer, for messages. */
	char (*label)[96];
	uint32_t allowed_enc, allowed_nm, allowed_blocks;
	const struct snpu_platform *plat;
	bool softmax_dropped;
};

struct snpu_int8_runner {
	struct snpu_model_view view;
	const struct snpu_platform *plat;
	void *mem;
	void *scratch;
	size_t scratch_size;
	struct snpu_pack_tensor in, out;
	int8_t *qin, *qout;
};


static void snpu_quant_label(const struct snpu_graph *g, uint32_t node,
			     char *buf, size_t n)
{
	const struct snpu_gnode *nd;

	if (node == SNPU_QUANT_NONE || node >= g->n_nodes) {
		snprintf(buf, n, "model");
		return;
	}
	nd = &g->nodes[node];
	snprintf(buf, n, "%s '%s' (node %u)", snpu_gop_name(nd->op),
		 nd->name ? nd->name : "", node);
}

/* A message about @node, prefixed with its op, name and index. */
static int __attribute__((format(printf, 3, 4)))
snpu_quant_nerr(struct snpu_qctx *cx, uint32_t node, const char *fmt, ...)
{
	char what[384], label[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snpu_quant_label(cx->g, node, label, sizeof(label));
	snpu_errf(cx->err, cx->err_size, "%s: %s", label, what);
	return -EINVAL;
}

static size_t snpu_quant_align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

static const char *snpu_quant_tname(const struct snpu_graph *g, uint32_t t)
{
	return t < g->n_tensors && g->tensors[t].name ? g->tensors[t].name : "?";
}

static bool snpu_quant_is_const(const struct snpu_graph *g, uint32_t t)
{
	return g->tensors[t].data || g->tensors[t].i64;
}

/* ---- multipliers --------------------------------------------------------- */

int snpu_quantize_multiplier(double m, int32_t *mult, int32_t *shift)
{
	int64_t q;
	double f;
	int e;

	if (!(m > 0) || !isfinite(m)) {
		*mult = 1 << 30;
		*shift = 0;
		return -ERANGE;
	}
	/* m = f * 2^e with f in [0.5, 1): Q31 f, shift e. */
	f = frexp(m, &e);
	q = (int64_t)round(f * 2147483648.0);
	if (q == (1LL << 31)) {
		q /= 2;
		e++;
	}
	if (e > 30) {
		*mult = INT32_MAX;
		*shift = 30;
		return -ERANGE;
	}
	if (e < -31) {
		*mult = 1 << 30;
		*shift = -31;
		return -ERANGE;
	}
	*mult = (int32_t)q;
	*shift = e;
	return 0;
}

/* ---- lowering ------------------------------------------------------------ */

/* Per-sample extents of graph tensor @gt as the executor planned them. */
static int snpu_quant_chw(struct snpu_qctx *cx, uint32_t node, uint32_t gt,
			  uint32_t *c, uint32_t *h, uint32_t *w)
{
	int64_t d[SNPU_GRAPH_MAX_DIMS], e[3];
	uint32_t nd = snpu_exec_dims(cx->x, gt, d), i;

	if (nd == 2) {
		e[0] = d[1];
		e[1] = 1;
		e[2] = 1;
	} else if (nd == 3) {
		e[0] = d[1];
		e[1] = 1;
		e[2] = d[2];
	} else if (nd == 4) {
		e[0] = d[1];
		e[1] = d[2];
		e[2] = d[3];
	} else {
		return snpu_quant_nerr(cx, node,
				       "tensor '%s' has rank %u; the device holds [N, F], [N, C, L] and [N, C, H, W]",
				       snpu_quant_tname(cx->g, gt), nd);
	}
	for (i = 0; i < 3; i++) {
		if (e[i] < 1 || e[i] > SNPU_MODEL_MAX_DIM)
			return snpu_quant_nerr(cx, node,
					       "tensor '%s': extent %lld not in 1..%u",
					       snpu_quant_tname(cx->g, gt),
					       (long long)e[i],
					       SNPU_MODEL_MAX_DIM);
	}
	if ((uint64_t)e[0] * e[1] * e[2] > SNPU_MODEL_MAX_TENSOR_BYTES)
		return snpu_quant_nerr(cx, node,
				       "tensor '%s' is over the %u-byte device tensor limit",
				       snpu_quant_tname(cx->g, gt),
				       SNPU_MODEL_MAX_TENSOR_BYTES);
	*c = (uint32_t)e[0];
	*h = (uint32_t)e[1];
	*w = (uint32_t)e[2];
	return 0;
}

static int snpu_quant_new_tensor(struct snpu_qctx *cx, uint32_t node,
				 uint32_t gt, uint32_t quant_from,
				 uint32_t *out)
{
	struct snpu_qtensor *t;
	int ret;

	if (cx->nt >= SNPU_MODEL_MAX_TENSORS)
		return snpu_quant_nerr(cx, node,
				       "the device model holds at most %u tensors",
				       SNPU_MODEL_MAX_TENSORS);
	t = &cx->t[cx->nt];
	memset(t, 0, sizeof(*t));
	ret = snpu_quant_chw(cx, node, gt, &t->c, &t->h, &t->w);
	if (ret)
		return ret;
	t->gt = gt;
	t->writer = SNPU_QUANT_NONE;
	t->quant_from = quant_from;
	t->stat = SNPU_QUANT_NONE;
	t->lc = t->c;
	t->lh = t->h;
	t->lw = t->w;
	cx->g2d[gt] = cx->nt;
	*out = cx->nt++;
	return 0;
}

static int snpu_quant_new_layer(struct snpu_qctx *cx, uint32_t node,
				uint32_t op, uint32_t in, uint32_t out,
				struct snpu_qplan **lp)
{
	struct snpu_qplan *l;

	if (cx->nl >= SNPU_MODEL_MAX_LAYERS)
		return snpu_quant_nerr(cx, node,
				       "the device model holds at most %u layers",
				       SNPU_MODEL_MAX_LAYERS);
	l = &cx->l[cx->nl];
	memset(l, 0, sizeof(*l));
	l->pl.op = op;
	l->pl.input = in;
	l->pl.input2 = SNPU_MODEL_NONE;
	l->pl.output = out;
	l->node = node;
	l->view = -1;
	l->clip_lo = -INFINITY;
	l->clip_hi = INFINITY;
	cx->t[out].writer = cx->nl++;
	*lp = l;
	return 0;
}

/* Device tensor of activation input @j of @node. */
static int snpu_quant_act_in(struct snpu_qctx *cx, uint32_t node, uint32_t j,
			     uint32_t *d)
{
	const struct snpu_gnode *n = &cx->g->nodes[node];
	uint32_t gt = j < n->n_in ? n->in[j] : SNPU_GRAPH_NONE;

	if (gt == SNPU_GRAPH_NONE || gt >= cx->g->n_tensors)
		return snpu_quant_nerr(cx, node, "input %u is missing", j);
	if (snpu_quant_is_const(cx->g, gt))
		return snpu_quant_nerr(cx, node,
				       "input %u ('%s') is a constant; the device takes an activation there",
				       j, snpu_quant_tname(cx->g, gt));
	if (cx->g2d[gt] == SNPU_QUANT_NONE)
		return snpu_quant_nerr(cx, node,
				       "input '%s' is not computed on the device",
				       snpu_quant_tname(cx->g, gt));
	*d = cx->g2d[gt];
	return 0;
}

/* Conv, pools and Add read their input in its own NHWC order. */
static int snpu_quant_natural(struct snpu_qctx *cx, uint32_t node, uint32_t d)
{
	const struct snpu_qtensor *t = &cx->t[d];

	if (t->lc == t->c && t->lh == t->h && t->lw == t->w)
		return 0;
	return snpu_quant_nerr(cx, node,
			       "input '%s' is a flattened %ux%ux%u tensor in NHWC byte order; only a Gemm can read it",
			       snpu_quant_tname(cx->g, t->gt), t->lc, t->lh,
			       t->lw);
}

static int snpu_quant_u16(struct snpu_qctx *cx, uint32_t node,
			  const char *what, int64_t v, int64_t lo,
			  uint16_t *out)
{
	if (v < lo || v > 0xffff)
		return snpu_quant_nerr(cx, node, "%s %lld not in %lld..65535",
				       what, (long long)v, (long long)lo);
	*out = (uint16_t)v;
	return 0;
}

/*
 * Window geometry of Conv and pools: kernel, strides, dilations and the
 * pads, SAME auto_pad resolved against the input extents the way ONNX
 * defines it (the importer resolves it when it knows the shapes).
 */
static int snpu_quant_window(struct snpu_qctx *cx, uint32_t node,
			     const struct snpu_gattr *a, uint32_t in_h,
			     uint32_t in_w, int64_t kh, int64_t kw,
			     struct snpu_pack_layer *pl)
{
	int64_t k[2] = { kh, kw }, in[2] = { in_h, in_w }, pads[4];
	int ret = 0, i;

	memcpy(pads, a->pads, sizeof(pads));
	if (a->auto_pad == 1 || a->auto_pad == 2) {
		for (i = 0; i < 2; i++) {
			int64_t s = a->strides[i] > 0 ? a->strides[i] : 1;
			int64_t out = (in[i] + s - 1) / s;
			int64_t span = (k[i] - 1) * a->dilations[i] + 1;
			int64_t total = (out - 1) * s + span - in[i];
			int64_t small;

			if (total < 0)
				total = 0;
			small = total / 2;
			pads[i] = a->auto_pad == 1 ? small : total - small;
			pads[i + 2] = total - pads[i];
		}
	}
	ret |= snpu_quant_u16(cx, node, "kernel height", kh, 1, &pl->kernel_h);
	ret |= snpu_quant_u16(cx, node, "kernel width", kw, 1, &pl->kernel_w);
	ret |= snpu_quant_u16(cx, node, "stride", a->strides[0], 1,
			      &pl->stride_h);
	ret |= snpu_quant_u16(cx, node, "stride", a->strides[1], 1,
			      &pl->stride_w);
	ret |= snpu_quant_u16(cx, node, "pad", pads[0], 0, &pl->pad_top);
	ret |= snpu_quant_u16(cx, node, "pad", pads[1], 0, &pl->pad_left);
	ret |= snpu_quant_u16(cx, node, "pad", pads[2], 0, &pl->pad_bottom);
	ret |= snpu_quant_u16(cx, node, "pad", pads[3], 0, &pl->pad_right);
	return ret ? -EINVAL : 0;
}

/* The output extents the format derives must be the graph's. */
static int snpu_quant_check_extent(struct snpu_qctx *cx, uint32_t node,
				   const struct snpu_pack_layer *pl,
				   uint32_t in, uint32_t out)
{
	const struct snpu_qtensor *ti = &cx->t[in], *to = &cx->t[out];
	uint32_t dh = pl->dilation_h ? pl->dilation_h : 1;
	uint32_t dw = pl->dilation_w ? pl->dilation_w : 1;
	int64_t nh = (int64_t)ti->h + pl->pad_top + pl->pad_bottom -
		     (int64_t)dh * (pl->kernel_h - 1) - 1;
	int64_t nw = (int64_t)ti->w + pl->pad_left + pl->pad_right -
		     (int64_t)dw * (pl->kernel_w - 1) - 1;

	if (nh < 0 || nw < 0 || nh / pl->stride_h + 1 != to->h ||
	    nw / pl->stride_w + 1 != to->w)
		return snpu_quant_nerr(cx, node,
				       "output %ux%u differs from the device's floor-mode extents%s",
				       to->h, to->w,
				       cx->g->nodes[node].attr.ceil_mode ?
				       " (ceil_mode rounds up)" : "");
	return 0;
}

/* Device column j of a weight view must be the ONNX column perm[j]. */
static int snpu_quant_check_perm(struct snpu_qctx *cx, uint32_t node,
				 const struct snpu_wview *v, uint32_t c,
				 uint32_t h, uint32_t w)
{
	uint32_t j, want;

	for (j = 0; j < c * h * w; j++) {
		/* Column j is (y, x, ch) = (j / (w c), j / c % w, j % c). */
		want = (j % c * h + j / c / w) * w + j / c % w;
		if (v->perm[j] != want)
			return snpu_quant_nerr(cx, node,
					       "weight column %u is ONNX column %u, but the device reads ONNX column %u there (column order of snpu_graph_wviews)",
					       j, v->perm[j], want);
	}
	return 0;
}

static int snpu_quant_lower_conv(struct snpu_qctx *cx, uint32_t i)
{
	const struct snpu_gnode *n = &cx->g->nodes[i];
	const struct snpu_gtensor *wt;
	const struct snpu_wview *v;
	struct snpu_qplan *l;
	int64_t o, cg, kh, kw, grp;
	uint32_t din, dout;
	int ret;

	ret = snpu_quant_act_in(cx, i, 0, &din);
	if (!ret)
		ret = snpu_quant_natural(cx, i, din);
	if (ret)
		return ret;
	if (cx->node_view[i] < 0)
		return snpu_quant_nerr(cx, i,
				       "weights are not a constant; the device multiplies by constant weights only");
	v = &cx->views[cx->node_view[i]];
	wt = &cx->g->tensors[n->in[1]];
	if (wt->ndim != 3 && wt->ndim != 4)
		return snpu_quant_nerr(cx, i, "weight '%s' has rank %u, not 3 or 4",
				       wt->name, wt->ndim);
	o = wt->dims[0];
	cg = wt->dims[1];
	kh = wt->ndim == 4 ? wt->dims[2] : 1;
	kw = wt->dims[wt->ndim - 1];
	grp = n->attr.group;
	if (grp < 1 || o % grp || (int64_t)cx->t[din].c != cg * grp)
		return snpu_quant_nerr(cx, i,
				       "group %lld does not fit %lld output and %u input channels",
				       (long long)grp, (long long)o,
				       cx->t[din].c);
	if ((int64_t)v->k != kh * kw * cg || (int64_t)v->rows != o)
		return snpu_quant_nerr(cx, i, "weight view is %ux%u, expected %lldx%lld",
				       v->rows, v->k, (long long)o,
				       (long long)(kh * kw * cg));
	/* (kh, kw, c) device order over a (c, kh, kw) ONNX row. */
	ret = snpu_quant_check_perm(cx, i, v, (uint32_t)cg, (uint32_t)kh,
				    (uint32_t)kw);
	if (ret)
		return ret;
	ret = snpu_quant_new_tensor(cx, i, n->out[0], SNPU_QUANT_NONE, &dout);
	if (ret)
		return ret;
	ret = snpu_quant_new_layer(cx, i, SNPU_OP_CONV2D, din, dout, &l);
	if (ret)
		return ret;
	l->view = cx->node_view[i];
	l->pl.groups = (uint32_t)grp;
	l->pl.out_channels = (uint32_t)o;
	ret = snpu_quant_window(cx, i, &n->attr, cx->t[din].h, cx->t[din].w,
				kh, kw, &l->pl);
	ret = ret ? ret : snpu_quant_u16(cx, i, "dilation",
					 n->attr.dilations[0], 1,
					 &l->pl.dilation_h);
	ret = ret ? ret : snpu_quant_u16(cx, i, "dilation",
					 n->attr.dilations[1], 1,
					 &l->pl.dilation_w);
	if (ret)
		return ret;
	if (cx->t[dout].c != o)
		return snpu_quant_nerr(cx, i, "output has %u channels, weights %lld",
				       cx->t[dout].c, (long long)o);
	return snpu_quant_check_extent(cx, i, &l->pl, din, dout);
}

static int snpu_quant_lower_gemm(struct snpu_qctx *cx, uint32_t i)
{
	const struct snpu_gnode *n = &cx->g->nodes[i];
	const struct snpu_qtensor *ti;
	const struct snpu_wview *v;
	struct snpu_qplan *l;
	uint32_t din, dout;
	int ret;

	if (n->attr.trans_a)
		return snpu_quant_nerr(cx, i,
				       "transA = 1: the device reads the activation as [N, K]");
	if (cx->node_view[i] < 0)
		return snpu_quant_nerr(cx, i,
				       "B is not a constant: a product of two activations has no device op");
	if (!n->attr.trans_b || n->attr.alpha != 1.0f || n->attr.beta != 1.0f)
		return snpu_quant_nerr(cx, i,
				       "not in canonical form (run snpu_graph_canon)");
	ret = snpu_quant_act_in(cx, i, 0, &din);
	if (ret)
		return ret;
	v = &cx->views[cx->node_view[i]];
	ti = &cx->t[din];
	if ((uint64_t)ti->h * ti->w * ti->c != v->k)
		return snpu_quant_nerr(cx, i, "input has %u elements, weights %u columns",
				       ti->h * ti->w * ti->c, v->k);
	/* FC's K is its input's byte order: (h, w, c) of the source layout. */
	ret = snpu_quant_check_perm(cx, i, v, ti->lc, ti->lh, ti->lw);
	if (ret)
		return ret;
	ret = snpu_quant_new_tensor(cx, i, n->out[0], SNPU_QUANT_NONE, &dout);
	if (ret)
		return ret;
	if (cx->t[dout].h != 1 || cx->t[dout].w != 1 ||
	    cx->t[dout].c != v->rows)
		return snpu_quant_nerr(cx, i, "output is not [N, %u]", v->rows);
	ret = snpu_quant_new_layer(cx, i, SNPU_OP_FC, din, dout, &l);
	if (ret)
		return ret;
	l->view = cx->node_view[i];
	l->pl.out_channels = v->rows;
	return 0;
}

static bool snpu_quant_fusable(uint32_t op)
{
	return op == SNPU_OP_FC || op == SNPU_OP_CONV2D || op == SNPU_OP_ADD ||
	       op == SNPU_OP_MAXPOOL || op == SNPU_OP_AVGPOOL;
}

/*
 * Relu and Clip become the clamp of the layer that computes their input
 * (the device clamps every FC, conv2d, pool and add output); a pool's
 * clamp is exact too, since the pool keeps its input's quantization.
 */
static int snpu_quant_lower_act(struct snpu_qctx *cx, uint32_t i)
{
	const struct snpu_gnode *n = &cx->g->nodes[i];
	uint32_t gin = n->in[0], d, w;
	double lo = 0, hi = INFINITY;
	struct snpu_qplan *l;
	char label[96];
	int ret;

	ret = snpu_quant_act_in(cx, i, 0, &d);
	if (ret)
		return ret;
	w = cx->t[d].writer;
	if (w == SNPU_QUANT_NONE || !snpu_quant_fusable(cx->l[w].pl.op) ||
	    cx->t[d].gt != gin) {
		if (w == SNPU_QUANT_NONE)
			snprintf(label, sizeof(label), "the model input");
		else
			snpu_quant_label(cx->g, cx->l[w].node, label,
					 sizeof(label));
		return snpu_quant_nerr(cx, i,
				       "an activation must directly follow a Conv, Gemm, Add or pool; its input comes from %s",
				       label);
	}
	if (snpu_graph_readers(cx->g, gin) != 1)
		return snpu_quant_nerr(cx, i,
				       "input '%s' is also read elsewhere, so the activation cannot be fused into the layer computing it",
				       snpu_quant_tname(cx->g, gin));
	if (n->op == SNPU_GOP_CLIP) {
		lo = n->attr.clip_min;
		hi = n->attr.clip_max;
		if (isnan(lo) || isnan(hi) || lo > hi)
			return snpu_quant_nerr(cx, i, "bounds %g..%g are empty",
					       lo, hi);
	}
	l = &cx->l[w];
	l->clip_lo = fmax(l->clip_lo, lo);
	l->clip_hi = fmin(l->clip_hi, hi);
	if (l->clip_lo > l->clip_hi)
		return snpu_quant_nerr(cx, i,
				       "stacked activations leave the empty range %g..%g",
				       l->clip_lo, l->clip_hi);
	cx->g2d[n->out[0]] = d;
	cx->t[d].gt = n->out[0];
	return 0;
}

static int snpu_quant_lower_pool(struct snpu_qctx *cx, uint32_t i)
{
	const struct snpu_gnode *n = &cx->g->nodes[i];
	struct snpu_gattr a = n->attr;
	const struct snpu_qtensor *ti;
	int64_t kh, kw;
	struct snpu_qplan *l;
	uint32_t din, dout, op;
	int ret;

	ret = snpu_quant_act_in(cx, i, 0, &din);
	if (!ret)
		ret = snpu_quant_natural(cx, i, din);
	if (ret)
		return ret;
	ti = &cx->t[din];
	op = n->op == SNPU_GOP_MAXPOOL ? SNPU_OP_MAXPOOL : SNPU_OP_AVGPOOL;
	if (n->op == SNPU_GOP_GLOBALAVGPOOL) {
		snpu_gattr_default(&a);
		kh = ti->h;
		kw = ti->w;
	} else {
		kh = a.kernel[0];
		kw = a.kernel[1];
		if (a.dilations[0] != 1 || a.dilations[1] != 1)
			return snpu_quant_nerr(cx, i,
					       "dilations %lldx%lld: device pools have none",
					       (long long)a.dilations[0],
					       (long long)a.dilations[1]);
	}
	ret = snpu_quant_new_tensor(cx, i, n->out[0], din, &dout);
	if (ret)
		return ret;
	ret = snpu_quant_new_layer(cx, i, op, din, dout, &l);
	if (ret)
		return ret;
	ret = snpu_quant_window(cx, i, &a, ti->h, ti->w, kh, kw, &l->pl);
	if (ret)
		return ret;
	if (l->pl.pad_top >= l->pl.kernel_h ||
	    l->pl.pad_bottom >= l->pl.kernel_h ||
	    l->pl.pad_left >= l->pl.kernel_w ||
	    l->pl.pad_right >= l->pl.kernel_w)
		return snpu_quant_nerr(cx, i,
				       "padding must be smaller than the %ux%u window",
				       l->pl.kernel_h, l->pl.kernel_w);
	if (n->op == SNPU_GOP_AVGPOOL && a.count_include_pad &&
	    (l->pl.pad_top || l->pl.pad_left || l->pl.pad_bottom ||
	     l->pl.pad_right))
		return snpu_quant_nerr(cx, i,
				       "count_include_pad = 1 with padding: the device divides by the elements inside the input");
	if (cx->t[dout].c != ti->c)
		return snpu_quant_nerr(cx, i, "output channels differ from the input's");
	return snpu_quant_check_extent(cx, i, &l->pl, din, dout);
}

static int snpu_quant_lower_add(struct snpu_qctx *cx, uint32_t i)
{
	const struct snpu_gnode *n = &cx->g->nodes[i];
	const struct snpu_qtensor *a, *b;
	struct snpu_qplan *l;
	uint32_t d1, d2, dout;
	int ret;

	ret = snpu_quant_act_in(cx, i, 0, &d1);
	ret = ret ? ret : snpu_quant_act_in(cx, i, 1, &d2);
	ret = ret ? ret : snpu_quant_natural(cx, i, d1);
	ret = ret ? ret : snpu_quant_natural(cx, i, d2);
	if (ret)
		return ret;
	ret = snpu_quant_new_tensor(cx, i, n->out[0], SNPU_QUANT_NONE, &dout);
	if (ret)
		return ret;
	a = &cx->t[d1];
	b = &cx->t[d2];
	if (a->h != b->h || a->w != b->w || a->c != b->c ||
	    cx->t[dout].h != a->h || cx->t[dout].w != a->w ||
	    cx->t[dout].c != a->c)
		return snpu_quant_nerr(cx, i,
				       "inputs %ux%ux%u and %ux%ux%u differ: the device adds without broadcasting",
				       a->c, a->h, a->w, b->c, b->h, b->w);
	ret = snpu_quant_new_layer(cx, i, SNPU_OP_ADD, d1, dout, &l);
	if (ret)
		return ret;
	l->pl.input2 = d2;
	return 0;
}

/* Same NHWC byte order for the NCHW extents (c1, h1, w1), (c2, h2, w2)? */
static bool snpu_quant_same_order(uint32_t c1, uint32_t h1, uint32_t w1,
				  uint32_t c2, uint32_t h2, uint32_t w2)
{
	uint64_t n = (uint64_t)c1 * h1 * w1, i;

	/* One channel or one pixel: NHWC order is NCHW order. */
	if ((c1 == 1 || h1 * w1 == 1) && (c2 == 1 || h2 * w2 == 1))
		return true;
	for (i = 0; i < n; i++) {
		uint64_t p1 = ((i % (h1 * w1)) * c1) + i / (h1 * w1);
		uint64_t p2 = ((i % (h2 * w2)) * c2) + i / (h2 * w2);

		if (p1 != p2)
			return false;
	}
	return true;
}

/* Every reader of @gt is a Gemm taking it as A, none a graph output. */
static bool snpu_quant_only_fc_reads(struct snpu_qctx *cx, uint32_t gt)
{
	const struct snpu_graph *g = cx->g;
	uint32_t i, j, readers = 0;

	for (i = 0; i < g->n_outputs; i++)
		if (g->outputs[i] == gt)
			return false;
	for (i = 0; i < g->n_nodes; i++) {
		for (j = 0; j < g->nodes[i].n_in; j++) {
			if (g->nodes[i].in[j] != gt)
				continue;
			if (g->nodes[i].op != SNPU_GOP_GEMM || j != 0 ||
			    cx->node_view[i] < 0)
				return false;
			readers++;
		}
	}
	return readers > 0;
}

static int snpu_quant_lower_reshape(struct snpu_qctx *cx, uint32_t i)
{
	const struct snpu_gnode *n = &cx->g->nodes[i];
	struct snpu_qtensor *ti, *to;
	struct snpu_qplan *l;
	uint32_t din, dout;
	int ret;

	ret = snpu_quant_act_in(cx, i, 0, &din);
	if (!ret)
		ret = snpu_quant_natural(cx, i, din);
	if (ret)
		return ret;
	ret = snpu_quant_new_tensor(cx, i, n->out[0], din, &dout);
	if (ret)
		return ret;
	ti = &cx->t[din];
	to = &cx->t[dout];
	if (!snpu_quant_same_order(ti->c, ti->h, ti->w, to->c, to->h, to->w)) {
		/*
		 * The bytes stay in the input's NHWC order; a Gemm reads
		 * them through its permuted weight columns, nothing else
		 * can.
		 */
		if (to->h != 1 || to->w != 1 ||
		    !snpu_quant_only_fc_reads(cx, n->out[0]))
			return snpu_quant_nerr(cx, i,
					       "reshaping %ux%ux%u (CxHxW) to %ux%ux%u reorders the NHWC bytes; only a flatten read by Gemms alone can be lowered",
					       ti->c, ti->h, ti->w, to->c,
					       to->h, to->w);
		to->lc = ti->c;
		to->lh = ti->h;
		to->lw = ti->w;
	}
	return snpu_quant_new_layer(cx, i, SNPU_OP_RESHAPE, din, dout, &l);
}

static int snpu_quant_lower_softmax(struct snpu_qctx *cx, uint32_t i)
{
	const struct snpu_gnode *n = &cx->g->nodes[i];
	uint32_t d;
	int ret;

	if (cx->g->outputs[0] != n->out[0] ||
	    snpu_graph_readers(cx->g, n->out[0]) != 1)
		return snpu_quant_nerr(cx, i,
				       "Softmax runs on the host, so it must compute the graph output and nothing else may read it");
	ret = snpu_quant_act_in(cx, i, 0, &d);
	if (ret)
		return ret;
	/* Monotonic: argmax of the logits is argmax of the softmax. */
	cx->g2d[n->out[0]] = d;
	cx->softmax_dropped = true;
	return 0;
}

static int snpu_quant_lower(struct snpu_qctx *cx)
{
	const struct snpu_graph *g = cx->g;
	uint32_t i, d;
	int ret;

	ret = snpu_quant_new_tensor(cx, SNPU_QUANT_NONE, g->inputs[0],
				    SNPU_QUANT_NONE, &d);
	if (ret)
		return ret;
	for (i = 0; i < g->n_nodes; i++) {
		switch (g->nodes[i].op) {
		case SNPU_GOP_CONV:
			ret = snpu_quant_lower_conv(cx, i);
			break;
		case SNPU_GOP_GEMM:
			ret = snpu_quant_lower_gemm(cx, i);
			break;
		case SNPU_GOP_RELU:
		case SNPU_GOP_CLIP:
			ret = snpu_quant_lower_act(cx, i);
			break;
		case SNPU_GOP_MAXPOOL:
		case SNPU_GOP_AVGPOOL:
		case SNPU_GOP_GLOBALAVGPOOL:
			ret = snpu_quant_lower_pool(cx, i);
			break;
		case SNPU_GOP_ADD:
			ret = snpu_quant_lower_add(cx, i);
			break;
		case SNPU_GOP_FLATTEN:
		case SNPU_GOP_RESHAPE:
			ret = snpu_quant_lower_reshape(cx, i);
			break;
		case SNPU_GOP_SOFTMAX:
			ret = snpu_quant_lower_softmax(cx, i);
			break;
		default:
			ret = snpu_quant_nerr(cx, i,
					      "%s has no device op (the device runs Conv, Gemm, pools, Add, Flatten/Reshape and fused Relu/Clip)",
					      snpu_gop_name(g->nodes[i].op));
			break;
		}
		if (ret)
			return ret;
	}
	d = cx->g2d[g->outputs[0]];
	if (!cx->nl || d == SNPU_QUANT_NONE || d == 0)
		return snpu_quant_nerr(cx, SNPU_QUANT_NONE,
				       "the graph output '%s' is not computed by any device layer",
				       snpu_quant_tname(g, g->outputs[0]));
	return 0;
}

/* ---- calibration --------------------------------------------------------- */

static uint64_t snpu_quant_per_sample(struct snpu_qctx *cx, uint32_t gt)
{
	int64_t d[SNPU_GRAPH_MAX_DIMS];
	uint32_t nd = snpu_exec_dims(cx->x, gt, d), i;
	uint64_t n = 1;

	for (i = 1; i < nd; i++)
		n *= (uint64_t)d[i];
	return n;
}

static int snpu_quant_nonfinite(struct snpu_qctx *cx, uint32_t gt, float f)
{
	snpu_errf(cx->err, cx->err_size,
		       "calibration: tensor '%s' holds %f",
		       snpu_quant_tname(cx->g, gt), f);
	return -EINVAL;
}

/* Pass 0: min/max; pass 1: histogram over that range. */
static int snpu_quant_scan(struct snpu_qctx *cx, uint32_t samples, int pass)
{
	uint32_t s;

	for (s = 0; s < cx->n_stats; s++) {
		struct snpu_qstat *st = &cx->stats[s];
		const float *v = snpu_exec_value(cx->x, st->gt);
		uint64_t n = snpu_quant_per_sample(cx, st->gt) * samples, j;
		double range = (double)st->mx - st->mn;

		for (j = 0; j < n; j++) {
			float f = v[j];

			if (pass == 0) {
				if (!isfinite(f))
					return snpu_quant_nonfinite(cx, st->gt,
								    f);
				st->mn = fminf(st->mn, f);
				st->mx = fmaxf(st->mx, f);
				st->count++;
			} else if (range > 0) {
				double b = ((double)f - st->mn) / range *
					   SNPU_QUANT_HIST_BINS;
				uint32_t bin = b >= SNPU_QUANT_HIST_BINS ?
					       SNPU_QUANT_HIST_BINS - 1 :
					       b > 0 ? (uint32_t)b : 0;

				st->hist[bin]++;
			}
		}
	}
	return 0;
}

static int snpu_quant_run_calib(struct snpu_qctx *cx, const float *x,
				uint32_t n, int pass)
{
	uint32_t gin = cx->g->inputs[0], done, r;
	uint64_t per = snpu_quant_per_sample(cx, gin);
	float *in = snpu_exec_value(cx->x, gin);
	int ret;

	for (done = 0; done < n; done += r) {
		r = n - done < cx->batch ? n - done : cx->batch;
		memcpy(in, x + done * per, r * per * sizeof(*in));
		/* The rest of a short batch runs on zeros, unread. */
		memset(in + r * per, 0, (cx->batch - r) * per * sizeof(*in));
		ret = snpu_exec_forward(cx->x);
		if (ret) {
			snpu_errf(cx->err, cx->err_size,
				       "calibration: the fp32 executor failed (%d) on samples %u..%u",
				       ret, done, done + r - 1);
			return ret;
		}
		ret = snpu_quant_scan(cx, r, pass);
		if (ret)
			return ret;
	}
	return 0;
}

/* The (100 - p) and p percentiles, from the histogram's bin edges. */
static void snpu_quant_percentiles(struct snpu_qstat *st, double p)
{
	double width = ((double)st->mx - st->mn) / SNPU_QUANT_HIST_BINS;
	double tail = (double)st->count * (100.0 - p) / 100.0;
	uint64_t acc = 0;
	int b;

	st->lo = st->mn;
	st->hi = st->mx;
	if (!(width > 0))
		return;
	for (b = 0; b < SNPU_QUANT_HIST_BINS; b++) {
		acc += st->hist[b];
		if ((double)acc > tail) {
			st->lo = fmax(st->mn, st->mn + width * b);
			break;
		}
	}
	acc = 0;
	for (b = SNPU_QUANT_HIST_BINS - 1; b >= 0; b--) {
		acc += st->hist[b];
		if ((double)acc > tail) {
			st->hi = fmin(st->mx, st->mn + width * (b + 1));
			break;
		}
	}
}

static int snpu_quant_calibrate(struct snpu_qctx *cx, const float *x,
				uint32_t n)
{
	const struct snpu_quant_opts *o = cx->o;
	bool pct = o->calib == SNPU_QUANT_CALIB_PERCENTILE;
	double p = o->percentile > 0 ? o->percentile : SNPU_QUANT_PERCENTILE;
	uint32_t d, s;
	int ret;

	if (pct && !(p > 50 && p <= 100)) {
		snpu_errf(cx->err, cx->err_size,
			       "percentile %g not in (50, 100]", p);
		return -EINVAL;
	}
	cx->stats = calloc(cx->nt, sizeof(*cx->stats));
	if (!cx->stats)
		return -ENOMEM;
	for (d = 0; d < cx->nt; d++) {
		struct snpu_qstat *st = &cx->stats[cx->n_stats];

		if (cx->t[d].quant_from != SNPU_QUANT_NONE ||
		    (d == 0 && o->fix_input))
			continue;
		st->gt = cx->t[d].gt;
		st->mn = INFINITY;
		st->mx = -INFINITY;
		if (pct) {
			st->hist = calloc(SNPU_QUANT_HIST_BINS,
					  sizeof(*st->hist));
			if (!st->hist)
				return -ENOMEM;
		}
		cx->t[d].stat = cx->n_stats++;
	}
	ret = snpu_quant_run_calib(cx, x, n, 0);
	/* Percentiles take a second pass, binned over the first's range. */
	if (!ret && pct)
		ret = snpu_quant_run_calib(cx, x, n, 1);
	if (ret)
		return ret;
	for (s = 0; s < cx->n_stats; s++) {
		cx->stats[s].lo = cx->stats[s].mn;
		cx->stats[s].hi = cx->stats[s].mx;
		if (pct)
			snpu_quant_percentiles(&cx->stats[s], p);
	}
	return 0;
}

/* ---- quantization -------------------------------------------------------- */

/* Asymmetric int8 over [lo, hi] widened to hold 0 (TFLite). */
static void snpu_quant_act_params(double lo, double hi, float *scale,
				  int32_t *zp)
{
	double s, z;

	lo = fmin(lo, 0);
	hi = fmax(hi, 0);
	if (!(hi - lo > 1e-30)) {
		/* A tensor that is always 0: any scale represents it. */
		*scale = 1.0f;
		*zp = -128;
		return;
	}
	s = (hi - lo) / 255.0;
	*scale = (float)s;
	z = round(-128.0 - lo / (double)*scale);
	*zp = (int32_t)fmax(-128, fmin(127, z));
}

static int8_t snpu_quant_q8(double v, double scale, int32_t zp)
{
	double q = round(v / scale) + zp;

	if (isnan(q))
		return (int8_t)zp;
	return (int8_t)fmax(-128, fmin(127, q));
}

static int32_t snpu_quant_clamp_i32(double v)
{
	if (v >= 2147483647.0)
		return INT32_MAX;
	if (v <= -2147483648.0)
		return INT32_MIN;
	return (int32_t)v;
}

/* Fused activation bounds in the output's int8 steps (TFLite). */
static int snpu_quant_act_range(struct snpu_qctx *cx, struct snpu_qplan *l)
{
	const struct snpu_qtensor *to = &cx->t[l->pl.output];
	double lo = -128, hi = 127;

	if (isfinite(l->clip_lo))
		lo = to->zp + round(l->clip_lo / to->scale);
	if (isfinite(l->clip_hi))
		hi = to->zp + round(l->clip_hi / to->scale);
	lo = fmax(-128, fmin(127, lo));
	hi = fmax(-128, fmin(127, hi));
	if (lo > hi)
		return snpu_quant_nerr(cx, l->node,
				       "the fused clamp %g..%g falls outside the output's int8 range",
				       l->clip_lo, l->clip_hi);
	l->pl.act_min = (int32_t)lo;
	l->pl.act_max = (int32_t)hi;
	return 0;
}

static void snpu_quant_tensors(struct snpu_qctx *cx)
{
	const struct snpu_quant_opts *o = cx->o;
	uint32_t d;

	for (d = 0; d < cx->nt; d++) {
		struct snpu_qtensor *t = &cx->t[d];

		if (d == 0 && o->fix_input) {
			t->scale = o->input_scale;
			t->zp = o->input_zero_point;
		} else if (t->quant_from != SNPU_QUANT_NONE) {
			t->scale = cx->t[t->quant_from].scale;
			t->zp = cx->t[t->quant_from].zp;
		} else {
			snpu_quant_act_params(cx->stats[t->stat].lo,
					      cx->stats[t->stat].hi, &t->scale,
					      &t->zp);
		}
	}
}

/*
 * TFLite's AddElementwise parameters: both inputs rescaled to twice the
 * larger input scale after a left shift of 20, the sum to the output.
 */
static int snpu_quant_add_params(struct snpu_qctx *cx, struct snpu_qplan *l)
{
	double s1 = cx->t[l->pl.input].scale, s2 = cx->t[l->pl.input2].scale;
	double so = cx->t[l->pl.output].scale;
	double twice = 2 * fmax(s1, s2);
	int ret;

	l->pl.add_left_shift = SNPU_QUANT_ADD_SHIFT;
	/* Too small a ratio saturates to 2^-32: a negligible addend. */
	snpu_quantize_multiplier(s1 / twice, &l->pl.add_in1_mult,
				 &l->pl.add_in1_shift);
	snpu_quantize_multiplier(s2 / twice, &l->pl.add_in2_mult,
				 &l->pl.add_in2_shift);
	ret = snpu_quantize_multiplier(twice / ((1 << SNPU_QUANT_ADD_SHIFT) *
						 so), &l->pl.add_out_mult,
				       &l->pl.add_out_shift);
	if ((ret && l->pl.add_out_shift > -31) || l->pl.add_out_shift > 0)
		return snpu_quant_nerr(cx, l->node,
				       "output scale %g is too small for input scales %g and %g",
				       so, s1, s2);
	return 0;
}

static int snpu_quant_weights(struct snpu_qctx *cx, struct snpu_qplan *l,
			      struct snpu_qweights *qw,
			      struct snpu_qlayer_info *info)
{
	const struct snpu_wview *v = &cx->views[l->view];
	const struct snpu_gtensor *bt = &cx->g->tensors[v->bias];
	size_t n = (size_t)v->rows * v->k, j;
	double s_in = cx->t[l->pl.input].scale;
	double s_out = cx->t[l->pl.output].scale;
	float *w = malloc(n * sizeof(*w));
	uint8_t *mask = malloc(n);
	uint32_t r;
	int ret = -ENOMEM;

	qw->w = malloc(n);
	qw->bias = malloc(v->rows * sizeof(int32_t));
	qw->mult = malloc(v->rows * sizeof(int32_t));
	qw->shift = malloc(v->rows * sizeof(int32_t));
	if (!w || !mask || !qw->w || !qw->bias || !qw->mult || !qw->shift)
		goto out;
	if (!bt->data || snpu_gtensor_numel(bt) != v->rows) {
		ret = snpu_quant_nerr(cx, l->node,
				      "bias '%s' is not a constant of %u values",
				      snpu_quant_tname(cx->g, v->bias),
				      v->rows);
		goto out;
	}
	snpu_wview_get(cx->g, v, w, mask);
	info->nnz = 0;
	info->w_scale_min = INFINITY;
	info->w_scale_max = 0;
	for (r = 0; r < v->rows; r++) {
		const float *row = w + (size_t)r * v->k;
		const uint8_t *m = mask + (size_t)r * v->k;
		int8_t *q = qw->w + (size_t)r * v->k;
		double amax = 0, s;
		float sf;

		for (j = 0; j < v->k; j++)
			if (m[j])
				amax = fmax(amax, fabs(row[j]));
		if (!isfinite(amax)) {
			ret = snpu_quant_nerr(cx, l->node,
					      "row %u of weight '%s' is not finite",
					      r,
					      snpu_quant_tname(cx->g, v->weight));
			goto out;
		}
		/* Symmetric per channel; an all-zero row keeps scale 1. */
		sf = amax > 0 ? (float)(amax / 127.0) : 1.0f;
		s = sf;
		for (j = 0; j < v->k; j++) {
			/* A pruned weight is 0, whatever the float says. */
			q[j] = m[j] ? (int8_t)fmax(-127, fmin(127,
					round(row[j] / s))) : 0;
			info->nnz += q[j] != 0;
		}
		info->w_scale_min = fminf(info->w_scale_min, sf);
		info->w_scale_max = fmaxf(info->w_scale_max, sf);
		qw->bias[r] = snpu_quant_clamp_i32(round(bt->data[r] /
							 (s_in * s)));
		if (snpu_quantize_multiplier(s_in * s / s_out, &qw->mult[r],
					     &qw->shift[r]) &&
		    qw->shift[r] > -31) {
			ret = snpu_quant_nerr(cx, l->node,
					      "row %u: requantization %g * %g / %g is beyond the format's 2^30",
					      r, s_in, s, s_out);
			goto out;
		}
	}
	ret = 0;
out:
	free(w);
	free(mask);
	return ret;
}

/* ---- encodings ----------------------------------------------------------- */

/* Count a stored entry of row @r, column @c in @colcnt (may be NULL). */
static inline void snpu_enc_store(struct snpu_enc_count *o, uint32_t *colcnt,
				  uint32_t r, uint32_t c, uint32_t rows_per_g,
				  uint32_t k)
{
	o->stored++;
	if (colcnt)
		colcnt[(size_t)(r / rows_per_g) * k + c]++;
}

int snpu_encoding_count(const int8_t *w, uint32_t rows, uint32_t k,
			uint32_t groups, uint32_t enc, uint32_t variant,
			struct snpu_enc_count *o, uint32_t *colcnt,
			char *why, size_t why_size)
{
	uint32_t r, c, g, ng, n, m, br, bc, nbr, nbc, y, x, rpg;
	size_t entries = 0, nblocks = 0;

	memset(o, 0, sizeof(*o));
	if (!groups || rows % groups) {
		snprintf(why, why_size, "%u rows do not split into %u groups",
			 rows, groups);
		return -EINVAL;
	}
	rpg = rows / groups;
	if (colcnt)
		memset(colcnt, 0, sizeof(*colcnt) * groups * (size_t)k);
	switch (enc) {
	case SNPU_ENC_DENSE:
		for (r = 0; r < rows; r++)
			for (c = 0; c < k; c++)
				snpu_enc_store(o, colcnt, r, c, rpg, k);
		o->values = (size_t)rows * k;
		return 0;
	case SNPU_ENC_CSR:
		for (r = 0; r < rows; r++) {
			int64_t prev = -1;

			for (c = 0; c < k; c++) {
				if (!w[(size_t)r * k + c])
					continue;
				/* Fillers of delta 15 bridge long gaps. */
				if (prev < 0 && c > SNPU_QUANT_CSR_DELTA) {
					prev = SNPU_QUANT_CSR_DELTA;
					snpu_enc_store(o, colcnt, r, (uint32_t)prev,
						       rpg, k);
				}
				while (prev >= 0 &&
				       c - prev > SNPU_QUANT_CSR_DELTA) {
					prev += SNPU_QUANT_CSR_DELTA;
					snpu_enc_store(o, colcnt, r, (uint32_t)prev,
						       rpg, k);
				}
				snpu_enc_store(o, colcnt, r, c, rpg, k);
				prev = c;
			}
		}
		entries = o->stored;
		o->values = entries;
		o->index = 4 * ((size_t)rows + 1) + (entries + 1) / 2;
		return 0;
	case SNPU_ENC_NM:
		if (!snpu_nm_dims(variant, &n, &m))
			break;
		ng = (k + m - 1) / m;
		for (r = 0; r < rows; r++) {
			for (g = 0; g < ng; g++) {
				uint32_t kept = 0, fill;

				for (c = g * m; c < g * m + m && c < k; c++)
					kept += w[(size_t)r * k + c] != 0;
				if (kept > n) {
					snprintf(why, why_size,
						 "row %u, group %u (columns %u..%u) has %u nonzero weights; N:M %u:%u keeps at most %u",
						 r, g, g * m, g * m + m - 1,
						 kept, n, m, n);
					return -EINVAL;
				}
				/*
				 * The packer fills up to N with zeros, lowest
				 * real columns first; padding is not stored.
				 */
				fill = n - kept;
				for (c = g * m; c < g * m + m && c < k; c++) {
					if (w[(size_t)r * k + c]) {
						snpu_enc_store(o, colcnt, r, c,
							       rpg, k);
					} else if (fill) {
						fill--;
						snpu_enc_store(o, colcnt, r, c,
							       rpg, k);
					}
				}
			}
		}
		o->values = (size_t)rows * ng * n;
		o->index = (size_t)rows * ng;
		return 0;
	case SNPU_ENC_BLOCK:
		if (!snpu_block_dims(variant, &br, &bc))
			break;
		nbr = (rows + br - 1) / br;
		nbc = (k + bc - 1) / bc;
		if (nbc > 0xffff) {
			snprintf(why, why_size,
				 "k = %u needs %u block columns of %u; the 16-bit block index allows 65535",
				 k, nbc, bc);
			return -EINVAL;
		}
		for (r = 0; r < nbr; r++) {
			for (c = 0; c < nbc; c++) {
				bool any = false;

				for (y = r * br; y < (r + 1) * br && y < rows;
				     y++)
					for (x = c * bc;
					     x < (c + 1) * bc && x < k; x++)
						any |= w[(size_t)y * k + x];
				if (!any)
					continue;
				nblocks++;
				for (y = r * br; y < (r + 1) * br && y < rows;
				     y++)
					for (x = c * bc;
					     x < (c + 1) * bc && x < k; x++)
						snpu_enc_store(o, colcnt, y, x,
							       rpg, k);
			}
		}
		o->values = nblocks * br * bc;
		o->index = 4 * ((size_t)nbr + 1) + 2 * nblocks;
		return 0;
	default:
		break;
	}
	snprintf(why, why_size, "unknown encoding %u variant %u", enc,
		 variant);
	return -EINVAL;
}

static bool snpu_quant_allowed(const struct snpu_qmodel *q, uint32_t enc,
			       uint32_t variant)
{
	if (enc >= SNPU_ENC_COUNT || !(q->allowed_enc & (1u << enc)))
		return false;
	if (enc == SNPU_ENC_NM)
		return variant < SNPU_NM_COUNT &&
		       (q->allowed_nm & (1u << variant));
	if (enc == SNPU_ENC_BLOCK)
		return variant < SNPU_BLOCK_COUNT &&
		       (q->allowed_blocks & (1u << variant));
	return variant == 0;
}

/*
 * Cycles per inference of weighted layer @i on the model's platform if it
 * were packed as @ec says with encoding @enc (zero activations not
 * counted: the quantizer has no statistics of them).
 */
static uint64_t snpu_quant_cycles(const struct snpu_qmodel *q, uint32_t i,
				  uint32_t enc, const struct snpu_enc_count *ec)
{
	const struct snpu_qlayer_info *info = &q->info[i];
	const struct snpu_pack_layer *pl = &q->layers[info->layer];
	const struct snpu_pack_tensor *ti = &q->tensors[pl->input];
	const struct snpu_pack_tensor *to = &q->tensors[pl->output];
	struct snpu_cost_shape s = {
		.op = pl->op,
		.encoding = enc,
		.in_bytes = ti->h * ti->w * ti->c,
		.out_bytes = to->h * to->w * to->c,
		.positions = pl->op == SNPU_OP_FC ? 1 : to->h * to->w,
		.rows = info->rows,
		.dense = (uint64_t)info->rows * info->k,
		.stored = ec->stored,
		.param_bytes = snpu_quant_align8(ec->values) +
			       snpu_quant_align8(ec->index) +
			       12 * (uint64_t)info->rows,
	};
	struct snpu_counters c;

	snpu_cost_count(q->plat, &s, 1, 0, &c);
	return c.cycles;
}

static int snpu_quant_choose(struct snpu_qmodel *q, uint32_t i, uint32_t enc,
			     uint32_t variant, char *err, size_t err_size)
{
	static const uint32_t cand[][2] = {
		{ SNPU_ENC_DENSE, 0 }, { SNPU_ENC_CSR, 0 },
		{ SNPU_ENC_NM, SNPU_NM_2_4 }, { SNPU_ENC_NM, SNPU_NM_1_4 },
		{ SNPU_ENC_NM, SNPU_NM_2_8 },
		{ SNPU_ENC_BLOCK, SNPU_BLOCK_1X4 },
		{ SNPU_ENC_BLOCK, SNPU_BLOCK_4X4 },
		{ SNPU_ENC_BLOCK, SNPU_BLOCK_1X16 },
	};
	struct snpu_qlayer_info *info = &q->info[i];
	struct snpu_pack_layer *pl = &q->layers[info->layer];
	size_t best = SIZE_MAX, bv = 0, bi = 0, bytes;
	uint64_t best_cyc = UINT64_MAX, cyc = 0;
	struct snpu_enc_count ec;
	uint32_t be = 0, bvar = 0, c, n = 0;
	char why[160], name[32];

	if (enc != SNPU_QUANT_ENC_AUTO) {
		if (!snpu_quant_allowed(q, enc, variant)) {
			snpu_errf(err, err_size,
				       "layer %u (%s): %s is not an allowed encoding",
				       i, q->label[i],
				       snpu_encoding_label(enc, variant, name,
							   sizeof(name)));
			return -EINVAL;
		}
		if (snpu_encoding_count(q->qw[i].w, info->rows, info->k, 1,
					enc, variant, &ec, NULL, why,
					sizeof(why))) {
			snpu_errf(err, err_size, "layer %u (%s): %s: %s",
				       i, q->label[i],
				       snpu_encoding_label(enc, variant, name,
							   sizeof(name)),
				       why);
			return -EINVAL;
		}
		be = enc;
		bvar = variant;
		bv = ec.values;
		bi = ec.index;
	} else {
		for (c = 0; c < ARRAY_SIZE(cand); c++) {
			if (!snpu_quant_allowed(q, cand[c][0], cand[c][1]) ||
			    snpu_encoding_count(q->qw[i].w, info->rows,
						info->k, 1, cand[c][0],
						cand[c][1], &ec, NULL, why,
						sizeof(why)))
				continue;
			n++;
			/*
			 * With a platform the fastest, else the smallest;
			 * ties keep the smaller, then the earlier, simpler
			 * encoding.
			 */
			bytes = snpu_quant_align8(ec.values) +
				snpu_quant_align8(ec.index);
			if (q->plat)
				cyc = snpu_quant_cycles(q, i, cand[c][0], &ec);
			if (cyc < best_cyc ||
			    (cyc == best_cyc && bytes < best)) {
				best_cyc = cyc;
				best = bytes;
				be = cand[c][0];
				bvar = cand[c][1];
				bv = ec.values;
				bi = ec.index;
			}
		}
		if (!n) {
			snpu_errf(err, err_size,
				       "layer %u (%s): no allowed encoding fits its weights",
				       i, q->label[i]);
			return -EINVAL;
		}
	}
	info->encoding = be;
	info->variant = bvar;
	info->automatic = enc == SNPU_QUANT_ENC_AUTO;
	info->candidates = n;
	info->values = snpu_quant_align8(bv);
	info->index = snpu_quant_align8(bi);
	pl->encoding = be;
	pl->variant = bvar;
	return 0;
}

int snpu_qmodel_set_encoding(struct snpu_qmodel *q, uint32_t i,
			     uint32_t encoding, uint32_t variant, char *err,
			     size_t err_size)
{
	if (!q || i >= q->n_info) {
		snpu_errf(err, err_size, "layer %u: no such weighted layer",
			       i);
		return -EINVAL;
	}
	return snpu_quant_choose(q, i, encoding, variant, err, err_size);
}

/* ---- snpu_quantize ------------------------------------------------------- */

static int snpu_quant_check_args(const struct snpu_graph *g,
				 const struct snpu_quant_opts *o,
				 const float *calib_x, uint32_t n_calib,
				 char *err, size_t err_size)
{
	if (!g || !calib_x || !n_calib) {
		snpu_errf(err, err_size,
			       "a graph and at least one calibration sample are needed");
		return -EINVAL;
	}
	if (g->n_inputs != 1 || g->n_outputs != 1) {
		snpu_errf(err, err_size,
			       "graph '%s' has %u inputs and %u outputs; the device model has one of each",
			       g->name ? g->name : "", g->n_inputs,
			       g->n_outputs);
		return -EINVAL;
	}
	if (o->fix_input &&
	    (!(o->input_scale > 0) || !isfinite(o->input_scale) ||
	     o->input_zero_point < -128 || o->input_zero_point > 127)) {
		snpu_errf(err, err_size,
			       "fixed input quantization: scale %g must be > 0 and zero point %d an int8",
			       o->input_scale, o->input_zero_point);
		return -EINVAL;
	}
	if (o->calib != SNPU_QUANT_CALIB_MINMAX &&
	    o->calib != SNPU_QUANT_CALIB_PERCENTILE) {
		snpu_errf(err, err_size, "unknown calibration method %d",
			       (int)o->calib);
		return -EINVAL;
	}
	return 0;
}

static void snpu_quant_ctx_free(struct snpu_qctx *cx)
{
	uint32_t s;

	if (!cx)
		return;
	snpu_exec_destroy(cx->x);
	snpu_wviews_free(cx->views, cx->n_views);
	free(cx->node_view);
	free(cx->g2d);
	for (s = 0; cx->stats && s < cx->nt; s++)
		free(cx->stats[s].hist);
	free(cx->stats);
	free(cx);
}

static int snpu_quant_ctx_new(const struct snpu_graph *g,
			      const struct snpu_quant_opts *o,
			      uint32_t n_calib, struct snpu_qctx **out,
			      char *err, size_t err_size)
{
	struct snpu_qctx *cx = calloc(1, sizeof(*cx));
	uint32_t i;
	int ret;

	*out = cx;
	if (!cx)
		return -ENOMEM;
	cx->g = g;
	cx->o = o;
	cx->err = err;
	cx->err_size = err_size;
	cx->batch = o->calib_batch ? o->calib_batch : SNPU_QUANT_CALIB_BATCH;
	if (cx->batch > n_calib)
		cx->batch = n_calib;
	ret = snpu_exec_create(g, cx->batch, 0, &cx->x, err, err_size);
	if (ret)
		return ret;
	cx->n_views = snpu_graph_wviews(g, &cx->views, err, err_size);
	if (cx->n_views < 0) {
		ret = cx->n_views;
		cx->n_views = 0;
		return ret;
	}
	cx->node_view = malloc((g->n_nodes + 1) * sizeof(*cx->node_view));
	cx->g2d = malloc((g->n_tensors + 1) * sizeof(*cx->g2d));
	if (!cx->node_view || !cx->g2d)
		return -ENOMEM;
	for (i = 0; i < g->n_nodes; i++)
		cx->node_view[i] = -1;
	for (i = 0; i < (uint32_t)cx->n_views; i++)
		cx->node_view[cx->views[i].node] = (int)i;
	for (i = 0; i < g->n_tensors; i++)
		cx->g2d[i] = SNPU_QUANT_NONE;
	if (o->n_layers > (uint32_t)cx->n_views) {
		snpu_errf(err, err_size,
			       "%u layer options given for %d weighted layers",
			       o->n_layers, cx->n_views);
		return -EINVAL;
	}
	return 0;
}

void snpu_qmodel_free(struct snpu_qmodel *q)
{
	uint32_t i;

	if (!q)
		return;
	for (i = 0; q->qw && i < q->n_info; i++) {
		free(q->qw[i].w);
		free(q->qw[i].bias);
		free(q->qw[i].mult);
		free(q->qw[i].shift);
		free(q->qw[i].name);
	}
	free(q->qw);
	free(q->info);
	free(q->label);
	free(q);
}

/* Quantize the weights of planned layer @i, weighted layer @wi. */
static int snpu_quant_build_weighted(struct snpu_qctx *cx,
				     struct snpu_qmodel *q, uint32_t i,
				     uint32_t wi)
{
	const struct snpu_graph *g = cx->g;
	struct snpu_qplan *l = &cx->l[i];
	struct snpu_pack_layer *pl = &q->layers[i];
	struct snpu_qlayer_info *info = &q->info[wi];
	struct snpu_qweights *qw = &q->qw[wi];
	const struct snpu_gnode *n = &g->nodes[l->node];
	int ret;

	ret = snpu_quant_weights(cx, l, qw, info);
	if (ret)
		return ret;
	qw->name = strdup(n->name && n->name[0] ? n->name :
			  snpu_quant_tname(g, n->out[0]));
	if (!qw->name)
		return -ENOMEM;
	snpu_quant_label(g, l->node, q->label[wi], sizeof(q->label[wi]));
	info->name = qw->name;
	info->node = l->node;
	info->layer = i;
	info->op = l->pl.op;
	info->rows = cx->views[wi].rows;
	info->k = cx->views[wi].k;
	info->sparsity = 1.0 - (double)info->nnz /
			       ((double)info->rows * info->k);
	info->params = snpu_quant_align8(4 * (size_t)info->rows) +
		       8 * (size_t)info->rows;
	pl->weights = qw->w;
	pl->bias = qw->bias;
	pl->mult = qw->mult;
	pl->shift = qw->shift;
	return 0;
}

/* Fill @q's tables from the plan: parameters, weights, encodings. */
static int snpu_quant_build(struct snpu_qctx *cx, struct snpu_qmodel *q)
{
	const struct snpu_quant_opts *o = cx->o;
	const struct snpu_graph *g = cx->g;
	uint32_t d, i, wi = 0;
	int ret;

	q->n_info = (uint32_t)cx->n_views;
	q->info = calloc(q->n_info + 1, sizeof(*q->info));
	q->qw = calloc(q->n_info + 1, sizeof(*q->qw));
	q->label = calloc(q->n_info + 1, sizeof(*q->label));
	if (!q->info || !q->qw || !q->label)
		return -ENOMEM;
	q->allowed_enc = o->allowed_encodings ? o->allowed_encodings :
			 (1u << SNPU_ENC_COUNT) - 1;
	q->allowed_nm = o->allowed_nm ? o->allowed_nm :
			(1u << SNPU_NM_COUNT) - 1;
	q->allowed_blocks = o->allowed_blocks ? o->allowed_blocks :
			    (1u << SNPU_BLOCK_COUNT) - 1;
	q->plat = o->plat;
	q->softmax_dropped = cx->softmax_dropped;

	for (d = 0; d < cx->nt; d++) {
		q->tensors[d].h = cx->t[d].h;
		q->tensors[d].w = cx->t[d].w;
		q->tensors[d].c = cx->t[d].c;
		q->tensors[d].zero_point = cx->t[d].zp;
		q->tensors[d].scale = cx->t[d].scale;
	}
	for (i = 0; i < cx->nl; i++) {
		struct snpu_qplan *l = &cx->l[i];
		struct snpu_pack_layer *pl = &q->layers[i];

		if (l->pl.op != SNPU_OP_RESHAPE) {
			ret = snpu_quant_act_range(cx, l);
			if (ret)
				return ret;
		}
		if (l->pl.op == SNPU_OP_ADD) {
			ret = snpu_quant_add_params(cx, l);
			if (ret)
				return ret;
		}
		*pl = l->pl;
		if (l->view < 0)
			continue;
		/* Weighted layers come in node order, as the views do. */
		if ((uint32_t)l->view != wi)
			return snpu_quant_nerr(cx, l->node,
					       "weighted layer order differs from snpu_graph_wviews");
		ret = snpu_quant_build_weighted(cx, q, i, wi++);
		if (ret)
			return ret;
	}
	for (i = 0; i < q->n_info; i++) {
		uint32_t enc = SNPU_QUANT_ENC_AUTO, var = 0;

		if (o->layers && i < o->n_layers) {
			enc = o->layers[i].encoding;
			var = o->layers[i].variant;
		}
		ret = snpu_quant_choose(q, i, enc, var, cx->err, cx->err_size);
		if (ret)
			return ret;
	}
	q->pm.n_tensors = cx->nt;
	q->pm.tensors = q->tensors;
	q->pm.n_layers = cx->nl;
	q->pm.layers = q->layers;
	q->pm.input = 0;
	q->pm.output = cx->g2d[g->outputs[0]];
	return 0;
}

int snpu_quantize(const struct snpu_graph *g, const struct snpu_quant_opts *o,
		  const float *calib_x, uint32_t n_calib,
		  struct snpu_qmodel **out, char *err, size_t err_size)
{
	static const struct snpu_quant_opts defaults;
	struct snpu_qmodel *q = NULL;
	struct snpu_qctx *cx = NULL;
	int ret;

	if (err && err_size)
		err[0] = '\0';
	*out = NULL;
	if (!o)
		o = &defaults;
	ret = snpu_quant_check_args(g, o, calib_x, n_calib, err, err_size);
	if (ret)
		return ret;
	ret = snpu_quant_ctx_new(g, o, n_calib, &cx, err, err_size);
	if (ret)
		goto out;
	ret = snpu_quant_lower(cx);
	if (ret)
		goto out;
	ret = snpu_quant_calibrate(cx, calib_x, n_calib);
	if (ret)
		goto out;
	snpu_quant_tensors(cx);
	q = calloc(1, sizeof(*q));
	if (!q) {
		ret = -ENOMEM;
		goto out;
	}
	ret = snpu_quant_build(cx, q);
	if (ret)
		goto out;
	*out = q;
	q = NULL;
out:
	if (ret == -ENOMEM && err && err_size && !err[0])
		snpu_errf(err, err_size, "quantize: out of memory");
	snpu_qmodel_free(q);
	snpu_quant_ctx_free(cx);
	return ret;
}

/* ---- model accessors ----------------------------------------------------- */

const struct snpu_pack_model *
snpu_qmodel_pack_model(const struct snpu_qmodel *q)
{
	return &q->pm;
}

int snpu_qmodel_pack(const struct snpu_qmodel *q, void **blob, size_t *size,
		     struct snpu_pack_stats *st, char *err, size_t err_size)
{
	return snpu_pack(&q->pm, blob, size, st, err, err_size);
}

const struct snpu_pack_tensor *snpu_qmodel_input(const struct snpu_qmodel *q)
{
	return &q->tensors[q->pm.input];
}

const struct snpu_pack_tensor *snpu_qmodel_output(const struct snpu_qmodel *q)
{
	return &q->tensors[q->pm.output];
}

bool snpu_qmodel_softmax_dropped(const struct snpu_qmodel *q)
{
	return q->softmax_dropped;
}

uint32_t snpu_qmodel_layer_count(const struct snpu_qmodel *q)
{
	return q->n_info;
}

const struct snpu_qlayer_info *snpu_qmodel_layer(const struct snpu_qmodel *q,
						 uint32_t i)
{
	return i < q->n_info ? &q->info[i] : NULL;
}

/* NCHW float samples -> NHWC int8 for a tensor of extents @t. */
static void snpu_quant_to_nhwc(const struct snpu_pack_tensor *t,
			       const float *x, uint32_t n, int8_t *out)
{
	size_t hw = (size_t)t->h * t->w, per = hw * t->c, s, p, c;

	for (s = 0; s < n; s++)
		for (c = 0; c < t->c; c++)
			for (p = 0; p < hw; p++)
				out[s * per + p * t->c + c] =
					snpu_quant_q8(x[s * per + c * hw + p],
						      t->scale, t->zero_point);
}

void snpu_qmodel_quantize_input(const struct snpu_qmodel *q, const float *x,
				uint32_t n, int8_t *out)
{
	snpu_quant_to_nhwc(snpu_qmodel_input(q), x, n, out);
}

void snpu_qmodel_dequantize_output(const struct snpu_qmodel *q,
				   const int8_t *in, uint32_t n, float *out)
{
	const struct snpu_pack_tensor *t = snpu_qmodel_output(q);
	size_t hw = (size_t)t->h * t->w, per = hw * t->c, s, p, c;

	for (s = 0; s < n; s++)
		for (c = 0; c < t->c; c++)
			for (p = 0; p < hw; p++)
				out[s * per + c * hw + p] = t->scale *
					(float)(in[s * per + p * t->c + c] -
						t->zero_point);
}

/* ---- host int8 runner ---------------------------------------------------- */

static void snpu_quant_tensor_of(const struct snpu_tensor_view *v,
				 struct snpu_pack_tensor *t)
{
	t->h = v->h;
	t->w = v->w;
	t->c = v->c;
	t->zero_point = v->zero_point;
	memcpy(&t->scale, &v->scale_bits, sizeof(t->scale));
}

int snpu_int8_runner_new(const void *blob, size_t size,
			 const struct snpu_platform *plat,
			 struct snpu_int8_runner **out, char *err,
			 size_t err_size)
{
	struct snpu_int8_runner *r;
	size_t n;
	int ret;

	if (err && err_size)
		err[0] = '\0';
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r) {
		snpu_errf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	ret = blob ? snpu_model_parse(blob, size, plat, &r->view) :
		     -SNPU_MODEL_E_TOO_SMALL;
	if (ret) {
		snpu_errf(err, err_size, "model rejected: %s",
			       snpu_model_strerror(ret));
		free(r);
		return -EINVAL;
	}
	r->plat = plat;
	n = snpu_engine_prepared_size(&r->view, blob);
	r->mem = aligned_alloc(8, snpu_quant_align8(n ? n : 8));
	if (!r->mem) {
		snpu_errf(err, err_size,
			       "out of memory for a %zu-byte prepared model", n);
		free(r);
		return -ENOMEM;
	}
	ret = snpu_engine_prepare(&r->view, blob, r->mem, n);
	if (ret) {
		snpu_errf(err, err_size, "engine prepare failed (%d)", ret);
		snpu_int8_runner_free(r);
		return -EINVAL;
	}
	snpu_quant_tensor_of(&r->view.tensors[r->view.input], &r->in);
	snpu_quant_tensor_of(&r->view.tensors[r->view.output], &r->out);
	*out = r;
	return 0;
}

void snpu_int8_runner_free(struct snpu_int8_runner *r)
{
	if (!r)
		return;
	free(r->mem);
	free(r->scratch);
	free(r->qin);
	free(r->qout);
	free(r);
}

const struct snpu_pack_tensor *
snpu_int8_runner_input(const struct snpu_int8_runner *r)
{
	return &r->in;
}

const struct snpu_pack_tensor *
snpu_int8_runner_output(const struct snpu_int8_runner *r)
{
	return &r->out;
}

static int snpu_int8_runner_go(struct snpu_int8_runner *r, const int8_t *in,
			       int8_t *out, uint32_t batch,
			       const struct snpu_engine_ctx *ctx, char *err,
			       size_t err_size)
{
	size_t need;
	int ret;

	if (!batch) {
		snpu_errf(err, err_size, "batch is zero");
		return -EINVAL;
	}
	need = snpu_engine_scratch_size(r->mem, batch);
	if (need > r->scratch_size) {
		/* Grows to the largest batch seen, then stays. */
		free(r->scratch);
		r->scratch_size = 0;
		r->scratch = aligned_alloc(8, snpu_quant_align8(need));
		if (!r->scratch) {
			snpu_errf(err, err_size,
				       "out of memory for %zu bytes of scratch",
				       need);
			return -ENOMEM;
		}
		r->scratch_size = snpu_quant_align8(need);
	}
	ret = snpu_engine_run(r->mem, (const s8 *)in, (s8 *)out, batch,
			      r->scratch, r->scratch_size, ctx);
	if (ret) {
		snpu_errf(err, err_size,
			       "engine run of %u samples failed (%d)", batch,
			       ret);
		return -EINVAL;
	}
	return 0;
}

int snpu_int8_runner_run(struct snpu_int8_runner *r, const int8_t *in,
			 int8_t *out, uint32_t batch, struct snpu_counters *c,
			 char *err, size_t err_size)
{
	struct snpu_engine_ctx ctx = { .plat = r->plat, .counters = c };

	return snpu_int8_runner_go(r, in, out, batch, &ctx, err, err_size);
}

int snpu_int8_runner_profile(struct snpu_int8_runner *r, const int8_t *in,
			     int8_t *out, uint32_t batch,
			     struct snpu_counters *layers, uint32_t n_layers,
			     char *err, size_t err_size)
{
	struct snpu_engine_ctx ctx = {
		.plat = r->plat, .layers = layers, .n_layers = n_layers,
	};

	return snpu_int8_runner_go(r, in, out, batch, &ctx, err, err_size);
}

const int8_t *snpu_int8_runner_tensor(const struct snpu_int8_runner *r,
				      uint32_t t, const int8_t *in,
				      const int8_t *out, uint32_t batch)
{
	return (const int8_t *)snpu_engine_tensor(r->mem, t, (const s8 *)in,
						  (const s8 *)out, r->scratch,
						  batch);
}

const struct snpu_model_view *
snpu_int8_runner_view(const struct snpu_int8_runner *r)
{
	return &r->view;
}


int snpu_int8_runner_evaluate(struct snpu_int8_runner *r, const float *x,
			      const uint8_t *y, uint32_t n, double *accuracy,
			      struct snpu_counters *c, char *err,
			      size_t err_size)
{
	size_t in_per = (size_t)r->in.h * r->in.w * r->in.c;
	size_t hw = (size_t)r->out.h * r->out.w, out_per = hw * r->out.c;
	struct snpu_counters sum = { 0 }, one;
	uint32_t done, b, s, correct = 0;
	int ret;

	if (!n || !x || !y) {
		snpu_errf(err, err_size, "no samples to evaluate");
		return -EINVAL;
	}
	if (!r->qin) {
		r->qin = malloc(SNPU_QUANT_EVAL_CHUNK * in_per);
		r->qout = malloc(SNPU_QUANT_EVAL_CHUNK * out_per);
		if (!r->qin || !r->qout) {
			free(r->qin);
			free(r->qout);
			r->qin = NULL;
			r->qout = NULL;
			snpu_errf(err, err_size, "out of memory");
			return -ENOMEM;
		}
	}
	for (done = 0; done < n; done += b) {
		b = n - done < SNPU_QUANT_EVAL_CHUNK ? n - done :
						       SNPU_QUANT_EVAL_CHUNK;
		snpu_quant_to_nhwc(&r->in, x + done * in_per, b, r->qin);
		ret = snpu_int8_runner_run(r, r->qin, r->qout, b, &one, err,
					   err_size);
		if (ret)
			return ret;
		snpu_counters_add(&sum, &one);
		for (s = 0; s < b; s++) {
			const int8_t *o = r->qout + s * out_per;
			size_t best = 0, ch, p;
			int best_v = -129;

			/* Argmax in NCHW index order, first maximum wins. */
			for (ch = 0; ch < r->out.c; ch++)
				for (p = 0; p < hw; p++)
					if (o[p * r->out.c + ch] > best_v) {
						best_v = o[p * r->out.c + ch];
						best = ch * hw + p;
					}
			correct += best == y[done + s];
		}
	}
	*accuracy = (double)correct / n;
	if (c)
		*c = sum;
	return 0;
}

int snpu_int8_run(const void *blob, size_t size, const int8_t *in,
		  int8_t *out, uint32_t batch, struct snpu_counters *c,
		  char *err, size_t err_size)
{
	struct snpu_int8_runner *r;
	int ret;

	ret = snpu_int8_runner_new(blob, size, NULL, &r, err, err_size);
	if (ret)
		return ret;
	ret = snpu_int8_runner_run(r, in, out, batch, c, err, err_size);
	snpu_int8_runner_free(r);
	return ret;
}

int snpu_int8_evaluate(const void *blob, size_t size, const float *x,
		       const uint8_t *y, uint32_t n, double *accuracy,
		       struct snpu_counters *c, char *err, size_t err_size)
{
	struct snpu_int8_runner *r;
	int ret;

	ret = snpu_int8_runner_new(blob, size, NULL, &r, err, err_size);
	if (ret)
		return ret;
	ret = snpu_int8_runner_evaluate(r, x, y, n, accuracy, c, err,
					err_size);
	snpu_int8_runner_free(r);
	return ret;
}
