// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests for snpu_quant.c: TFLite's QuantizeMultiplier against double
 * arithmetic; weight quantization read back from the packed, parsed blob
 * (pruned zeros exactly 0, per-channel scales, bias and requantization);
 * small random graphs lowered, packed, run through the engine and through
 * the independent reference (tests/ref/snpu_ref.c) with identical bytes,
 * and their dequantized output close to the fp32 executor's; the AUTO
 * encoding against a brute force over every encoding; and the errors for
 * graphs that cannot be lowered.
 *
 * Accuracy bound: the mean absolute difference between the dequantized
 * int8 output and the fp32 output is below 1 % of the fp32 output range
 * (max - min over the test samples). Each int8 layer adds at most half an
 * output step (half of 1 / 255 of its calibrated range, ~0.2 %) plus the
 * weights' rounding; the graphs here measure 0.1 to 0.3 %. A requantization
 * 10 % off already gives 3 to 4 %, a wrong layout several percent.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snpu_engine.h"
#include "snpu_exec.h"
#include "snpu_graph.h"
#include "snpu_model_parse.h"
#include "snpu_pack.h"
#include "snpu_quant.h"
#include "snpu_ref.h"

#define ERR_SIZE	512
#define NONE		SNPU_GRAPH_NONE

/* ---- helpers ------------------------------------------------------------- */

static uint32_t rng_state;

static uint32_t rng(void)
{
	/* xorshift32: reproducible, no libc state. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Uniform in [lo, hi). */
static float frand(float lo, float hi)
{
	return lo + (hi - lo) * (float)(rng() >> 8) / (float)(1u << 24);
}

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | le16(p + 2) << 16;
}

#define LAYER_AT(b, i) \
	((b) + le32((b) + offsetof(struct snpu_model_header, layer_offset)) + \
	 sizeof(struct snpu_model_layer) * (i))
#define LF32(b, i, f) \
	le32(LAYER_AT(b, i) + offsetof(struct snpu_model_layer, f))
#define LF16(b, i, f) \
	le16(LAYER_AT(b, i) + offsetof(struct snpu_model_layer, f))
#define TENSOR_AT(b, i) \
	((b) + le32((b) + offsetof(struct snpu_model_header, tensor_offset)) + \
	 sizeof(struct snpu_model_tensor) * (i))

static float tensor_scale(const uint8_t *b, uint32_t i)
{
	uint32_t bits = le32(TENSOR_AT(b, i) +
			     offsetof(struct snpu_model_tensor, scale));
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

static int32_t tensor_zp(const uint8_t *b, uint32_t i)
{
	return (int32_t)le32(TENSOR_AT(b, i) +
			     offsetof(struct snpu_model_tensor, zero_point));
}

/*
 * Decodes dense and CSR weights of layer @li straight from the blob
 * (uapi/snpu_model.h), independently of the packer and the engine.
 */
static void decode_weights(const uint8_t *b, uint32_t li, uint32_t rows,
			   uint32_t k, int8_t *w)
{
	uint32_t enc = LF16(b, li, encoding);
	const uint8_t *wt = b + LF32(b, li, weights_offset);
	const uint8_t *meta = b + LF32(b, li, meta_offset);
	uint32_t r, j, col = 0;

	if (enc == SNPU_ENC_DENSE) {
		memcpy(w, wt, (size_t)rows * k);
		return;
	}
	assert_int_equal(enc, SNPU_ENC_CSR);
	memset(w, 0, (size_t)rows * k);
	for (r = 0; r < rows; r++) {
		uint32_t s = le32(meta + 4 * r), e = le32(meta + 4 * r + 4);

		for (j = s; j < e; j++) {
			uint32_t d = meta[4 * (rows + 1) + j / 2] >>
				     (4 * (j % 2)) & 15;

			col = j == s ? d : col + d;
			assert_true(col < k);
			w[(size_t)r * k + col] = (int8_t)wt[j];
		}
	}
}

static uint32_t act(struct snpu_graph *g, const char *name)
{
	uint32_t t = snpu_graph_add_tensor(g, name, 0, NULL, NULL);

	assert_int_not_equal(t, NONE);
	return t;
}

/* A constant of random values in [-a, a). */
static uint32_t cst(struct snpu_graph *g, const char *name, uint32_t ndim,
		    const int64_t *dims, float a)
{
	int64_t n = 1;
	uint32_t i, t;
	float *v;

	for (i = 0; i < ndim; i++)
		n *= dims[i];
	v = malloc((size_t)n * sizeof(*v));
	assert_non_null(v);
	for (i = 0; i < n; i++)
		v[i] = frand(-a, a);
	t = snpu_graph_add_tensor(g, name, ndim, dims, v);
	free(v);
	assert_int_not_equal(t, NONE);
	return t;
}

static struct snpu_gnode *node(struct snpu_graph *g, const char *name,
			       enum snpu_gop op, uint32_t n_in,
			       const uint32_t *in, uint32_t out)
{
	uint32_t i = snpu_graph_add_node(g, name, op, n_in, in, out);

	assert_int_not_equal(i, NONE);
	return &g->nodes[i];
}

static struct snpu_gnode *conv(struct snpu_graph *g, const char *name,
			       uint32_t x, uint32_t out, int64_t o, int64_t cg,
			       int64_t k, int64_t group, int64_t stride,
			       int64_t pad)
{
	char wn[64], bn[64];
	int64_t wd[4] = { o, cg, k, k }, bd[1] = { o };
	uint32_t in[3];
	struct snpu_gnode *n;
	float a = 1.0f / sqrtf((float)(cg * k * k));

	snprintf(wn, sizeof(wn), "%s.w", name);
	snprintf(bn, sizeof(bn), "%s.b", name);
	in[0] = x;
	in[1] = cst(g, wn, 4, wd, 2 * a);
	in[2] = cst(g, bn, 1, bd, 0.2f);
	n = node(g, name, SNPU_GOP_CONV, 3, in, out);
	n->attr.group = group;
	n->attr.strides[0] = n->attr.strides[1] = stride;
	n->attr.pads[0] = n->attr.pads[1] = pad;
	n->attr.pads[2] = n->attr.pads[3] = pad;
	return n;
}

static struct snpu_gnode *gemm(struct snpu_graph *g, const char *name,
			       uint32_t x, uint32_t out, int64_t nout,
			       int64_t k)
{
	char wn[64], bn[64];
	int64_t wd[2] = { nout, k }, bd[1] = { nout };
	uint32_t in[3];
	struct snpu_gnode *n;

	snprintf(wn, sizeof(wn), "%s.w", name);
	snprintf(bn, sizeof(bn), "%s.b", name);
	in[0] = x;
	in[1] = cst(g, wn, 2, wd, 2.0f / sqrtf((float)k));
	in[2] = cst(g, bn, 1, bd, 0.2f);
	n = node(g, name, SNPU_GOP_GEMM, 3, in, out);
	n->attr.trans_b = 1;
	return n;
}

static struct snpu_gnode *unary(struct snpu_graph *g, const char *name,
				enum snpu_gop op, uint32_t x, uint32_t out)
{
	return node(g, name, op, 1, &x, out);
}

static struct snpu_gnode *pool(struct snpu_graph *g, const char *name,
			       enum snpu_gop op, uint32_t x, uint32_t out,
			       int64_t k, int64_t stride)
{
	struct snpu_gnode *n = unary(g, name, op, x, out);

	n->attr.kernel[0] = n->attr.kernel[1] = k;
	n->attr.strides[0] = n->attr.strides[1] = stride;
	return n;
}

static struct snpu_graph *graph(const char *name, uint32_t ndim,
				const int64_t *in_dims, uint32_t *x)
{
	struct snpu_graph *g = snpu_graph_new(name);

	assert_non_null(g);
	g->opset = 13;
	*x = snpu_graph_add_tensor(g, "x", ndim, in_dims, NULL);
	assert_int_not_equal(*x, NONE);
	g->inputs[0] = *x;
	g->n_inputs = 1;
	return g;
}

/* Declare @y the output, canonicalise and infer shapes. */
static void finish(struct snpu_graph *g, uint32_t y)
{
	char err[ERR_SIZE];

	g->outputs[0] = y;
	g->n_outputs = 1;
	assert_int_equal(snpu_graph_canon(g, err, sizeof(err)), 0);
	if (snpu_graph_infer_shapes(g, 1, err, sizeof(err)))
		fail_msg("infer_shapes: %s", err);
}

static float *random_samples(uint32_t n, uint32_t per, float lo, float hi)
{
	float *x = malloc((size_t)n * per * sizeof(*x));
	size_t i;

	assert_non_null(x);
	for (i = 0; i < (size_t)n * per; i++)
		x[i] = frand(lo, hi);
	return x;
}

static uint32_t per_sample(const struct snpu_graph *g, uint32_t t)
{
	const struct snpu_gtensor *gt = &g->tensors[t];
	uint32_t n = 1, i;

	for (i = 1; i < gt->ndim; i++)
		n *= (uint32_t)gt->dims[i];
	return n;
}

/* fp32 values of tensor @t for @n samples; malloc()ed. */
static float *run_fp32(const struct snpu_graph *g, const float *x, uint32_t n,
		       uint32_t t)
{
	struct snpu_exec *ex;
	char err[ERR_SIZE];
	size_t bytes = (size_t)n * per_sample(g, t) * sizeof(float);
	float *y = malloc(bytes);

	assert_non_null(y);
	if (snpu_exec_create(g, n, 0, &ex, err, sizeof(err)))
		fail_msg("exec_create: %s", err);
	memcpy(snpu_exec_value(ex, g->inputs[0]), x,
	       (size_t)n * per_sample(g, g->inputs[0]) * sizeof(float));
	assert_int_equal(snpu_exec_forward(ex), 0);
	memcpy(y, snpu_exec_value(ex, t), bytes);
	snpu_exec_destroy(ex);
	return y;
}

static struct snpu_qmodel *quantize_ok(const struct snpu_graph *g,
				       const struct snpu_quant_opts *o,
				       const float *x, uint32_t n)
{
	struct snpu_qmodel *q;
	char err[ERR_SIZE];

	if (snpu_quantize(g, o, x, n, &q, err, sizeof(err)))
		fail_msg("snpu_quantize: %s", err);
	return q;
}

static void *pack_ok(const struct snpu_qmodel *q, size_t *size,
		     struct snpu_pack_stats *st)
{
	struct snpu_model_view *view = malloc(sizeof(*view));
	char err[ERR_SIZE];
	void *blob;

	assert_non_null(view);
	if (snpu_qmodel_pack(q, &blob, size, st, err, sizeof(err)))
		fail_msg("snpu_qmodel_pack: %s", err);
	assert_int_equal(snpu_model_parse(blob, *size, NULL, view), 0);
	free(view);
	return blob;
}

static void expect_fail(const struct snpu_graph *g,
			const struct snpu_quant_opts *o, const float *x,
			uint32_t n, const char *want1, const char *want2)
{
	struct snpu_qmodel *q = (void *)1;
	char err[ERR_SIZE] = "";

	assert_int_equal(snpu_quantize(g, o, x, n, &q, err, sizeof(err)),
			 -EINVAL);
	assert_null(q);
	if (!strstr(err, want1) || (want2 && !strstr(err, want2)))
		fail_msg("message '%s' lacks '%s' / '%s'", err, want1,
			 want2 ? want2 : "");
}

/* ---- QuantizeMultiplier -------------------------------------------------- */

static void snpu_quantize_multiplier_matches_double(void **state)
{
	int i, j;

	rng_state = 0x1234567u;
	for (i = 0; i < 20000; i++) {
		/* Log-uniform over 2^-31 .. 2^29, plus exact powers of 2. */
		double m = i % 10 ? exp2(frand(-31.0f, 29.0f)) :
				    exp2((double)(i / 10 % 60 - 31));
		int32_t mult, shift;
		double back;

		assert_int_equal(snpu_quantize_multiplier(m, &mult, &shift), 0);
		assert_true(mult >= (1 << 30));
		assert_true(shift >= -31 && shift <= 30);
		back = (double)mult * exp2(shift - 31);
		/* The Q31 mantissa rounds to within 2^-31 relative. */
		assert_true(fabs(back - m) <= m * exp2(-31) * 1.0001);

		/* The integer function agrees with x * m rounded. */
		for (j = 0; j < 8; j++) {
			/* No int32 overflow in x << shift nor in x * m. */
			double lim = fmin(2e9 / exp2(shift > 0 ? shift : 0),
					  2e9 / fmax(m, 1.0));
			int32_t x = (int32_t)frand((float)-lim, (float)lim);
			int32_t got = snpu_ref_multiply_by_quantized_multiplier(
				x, mult, shift);
			/*
			 * Two roundings: the high multiply's (half a step
			 * before the right shift) and the shift's own.
			 */
			double tol = 0.5 + 0.5 * exp2(shift < 0 ? shift : 0) +
				     fabs(x * m) * exp2(-30);

			assert_true(fabs((double)got - x * m) <= tol);
		}
	}
}

static void snpu_quantize_multiplier_out_of_range(void **state)
{
	int32_t mult, shift;

	assert_int_equal(snpu_quantize_multiplier(0.0, &mult, &shift),
			 -ERANGE);
	assert_int_equal(mult, 1 << 30);
	assert_int_equal(snpu_quantize_multiplier(-0.5, &mult, &shift),
			 -ERANGE);
	assert_int_equal(snpu_quantize_multiplier(NAN, &mult, &shift),
			 -ERANGE);
	assert_int_equal(snpu_quantize_multiplier(exp2(31), &mult, &shift),
			 -ERANGE);
	assert_int_equal(mult, INT32_MAX);
	assert_int_equal(shift, 30);
	assert_int_equal(snpu_quantize_multiplier(exp2(-40), &mult, &shift),
			 -ERANGE);
	assert_int_equal(mult, 1 << 30);
	assert_int_equal(shift, -31);
	/* Just inside both ends. */
	assert_int_equal(snpu_quantize_multiplier(exp2(-32), &mult, &shift), 0);
	assert_int_equal(shift, -31);
	assert_int_equal(snpu_quantize_multiplier(exp2(29.5), &mult, &shift),
			 0);
	assert_int_equal(shift, 30);
}

/* ---- weights ------------------------------------------------------------- */

/*
 * x[N, 20] -> fc1 (16) -> Relu -> fc2 (4). fc1 has half its weights
 * pruned (mask and value 0), row 3 entirely, and an unpruned weight tiny
 * enough to round to 0.
 */
static struct snpu_graph *mlp(void)
{
	int64_t xd[2] = { -1, 20 };
	struct snpu_gtensor *w;
	struct snpu_graph *g;
	uint32_t x, h, r, y, i;

	g = graph("mlp", 2, xd, &x);
	h = act(g, "h");
	r = act(g, "r");
	y = act(g, "y");
	gemm(g, "fc1", x, h, 16, 20);
	unary(g, "relu1", SNPU_GOP_RELU, h, r);
	gemm(g, "fc2", r, y, 4, 16);
	finish(g, y);

	w = &g->tensors[snpu_graph_find(g, "fc1.w")];
	w->mask = malloc(16 * 20);
	assert_non_null(w->mask);
	for (i = 0; i < 16 * 20; i++) {
		w->mask[i] = (rng() & 1) && i / 20 != 3;
		if (!w->mask[i])
			w->data[i] = 0;
	}
	w->mask[5 * 20 + 7] = 1;
	w->data[5 * 20 + 7] = 1e-6f;
	return g;
}

static void check_weights(const struct snpu_graph *g, const uint8_t *blob,
			  uint32_t li, const char *wname, const char *bname)
{
	const struct snpu_gtensor *w = &g->tensors[snpu_graph_find(g, wname)];
	const struct snpu_gtensor *bt = &g->tensors[snpu_graph_find(g, bname)];
	uint32_t rows = (uint32_t)w->dims[0], k = (uint32_t)w->dims[1];
	uint32_t in = LF32(blob, li, input), out = LF32(blob, li, output);
	const uint8_t *bias = blob + LF32(blob, li, bias_offset);
	const uint8_t *rq = blob + LF32(blob, li, requant_offset);
	double s_in = tensor_scale(blob, in), s_out = tensor_scale(blob, out);
	int8_t *q = malloc((size_t)rows * k);
	uint32_t r, j;

	assert_non_null(q);
	assert_int_equal(LF32(blob, li, out_channels), rows);
	decode_weights(blob, li, rows, k, q);
	for (r = 0; r < rows; r++) {
		double amax = 0, s;
		int qmax = 0;

		for (j = 0; j < k; j++)
			amax = fmax(amax, fabs(w->data[r * k + j]));
		s = amax > 0 ? amax / 127 : 1;
		for (j = 0; j < k; j++) {
			int8_t v = q[r * k + j];

			if (w->mask && !w->mask[r * k + j])
				assert_int_equal(v, 0);
			/* Round to nearest at scale max|w| / 127. */
			assert_true(fabs(v - w->data[r * k + j] / s) <= 0.5001);
			qmax = abs(v) > qmax ? abs(v) : qmax;
		}
		assert_int_equal(qmax, amax > 0 ? 127 : 0);
		/* Bias at s_in * s_w, requant at s_in * s_w / s_out. */
		assert_true(fabs((int32_t)le32(bias + 4 * r) -
				 bt->data[r] / (s_in * s)) <= 0.51);
		assert_true(fabs((double)(int32_t)le32(rq + 8 * r) *
				 exp2((int32_t)le32(rq + 8 * r + 4) - 31) /
				 (s_in * s / s_out) - 1) < 1e-6);
	}
	free(q);
}

static void snpu_quantize_pruned_zeros_stay_zero_in_blob(void **state)
{
	struct snpu_quant_layer_opts lo[2] = { { SNPU_ENC_DENSE, 0 },
					       { SNPU_ENC_DENSE, 0 } };
	struct snpu_quant_opts o = { .layers = lo, .n_layers = 2 };
	struct snpu_graph *g;
	struct snpu_qmodel *q;
	float *x;
	uint8_t *blob;
	size_t size;
	int enc;

	rng_state = 99;
	g = mlp();
	x = random_samples(40, 20, -1, 1);
	for (enc = SNPU_ENC_DENSE; enc <= SNPU_ENC_CSR; enc++) {
		lo[0].encoding = (uint32_t)enc;
		q = quantize_ok(g, &o, x, 40);
		blob = pack_ok(q, &size, NULL);
		assert_int_equal(LF16(blob, 0, encoding), enc);
		check_weights(g, blob, 0, "fc1.w", "fc1.b");
		/* relu1 is fused: fc2 is the next layer. */
		check_weights(g, blob, 1, "fc2.w", "fc2.b");
		free(blob);
		snpu_qmodel_free(q);
	}
	free(x);
	snpu_graph_free(g);
}

static void snpu_quantize_weights_count_nonzeros_per_layer(void **state)
{
	struct snpu_graph *g;
	struct snpu_qmodel *q;
	const struct snpu_gtensor *w;
	const struct snpu_qlayer_info *li;
	uint32_t i, j, kept = 0;
	double smin = INFINITY;
	float *x;

	rng_state = 7;
	g = mlp();
	x = random_samples(16, 20, -1, 1);
	q = quantize_ok(g, NULL, x, 16);
	w = &g->tensors[snpu_graph_find(g, "fc1.w")];
	/* Kept weights, less the one too small for int8. */
	for (i = 0; i < 16 * 20; i++)
		kept += w->mask[i];
	for (i = 0; i < 16; i++) {
		double amax = 0;

		for (j = 0; j < 20; j++)
			amax = fmax(amax, fabs(w->data[i * 20 + j]));
		if (amax > 0)
			smin = fmin(smin, amax / 127);
	}
	li = snpu_qmodel_layer(q, 0);
	assert_int_equal(snpu_qmodel_layer_count(q), 2);
	assert_string_equal(li->name, "fc1");
	assert_int_equal(li->op, SNPU_OP_FC);
	assert_int_equal(li->rows, 16);
	assert_int_equal(li->k, 20);
	assert_int_equal(li->nnz, kept - 1);
	assert_true(fabs(li->sparsity - (1 - (kept - 1) / 320.0)) < 1e-12);
	assert_true(fabs(li->w_scale_min - smin) <= smin * 1e-6);
	/* The fully pruned row keeps scale 1. */
	assert_true(li->w_scale_max == 1.0f);
	assert_null(snpu_qmodel_layer(q, 2));
	snpu_qmodel_free(q);
	free(x);
	snpu_graph_free(g);
}

/* ---- end to end ---------------------------------------------------------- */

/*
 * conv -> relu -> maxpool -> conv -> relu -> { depthwise conv, identity }
 * -> add -> relu -> avgpool -> flatten -> gemm, with pruned weights (60 %
 * unstructured in conv2, 2:4 on the device columns of the Gemm).
 */
static struct snpu_graph *small_cnn(void)
{
	int64_t xd[4] = { -1, 3, 12, 12 };
	struct snpu_graph *g;
	struct snpu_wview *v;
	struct snpu_gtensor *w;
	uint32_t x, t[12], i, in[2];
	char err[ERR_SIZE], name[8];
	float *m;
	uint8_t *mask;
	int n;

	g = graph("small_cnn", 4, xd, &x);
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "t%u", i);
		t[i] = act(g, name);
	}
	conv(g, "conv1", x, t[0], 8, 3, 3, 1, 1, 1);
	unary(g, "relu1", SNPU_GOP_RELU, t[0], t[1]);
	pool(g, "maxpool", SNPU_GOP_MAXPOOL, t[1], t[2], 2, 2);
	conv(g, "conv2", t[2], t[3], 8, 8, 3, 1, 1, 1);
	unary(g, "relu2", SNPU_GOP_RELU, t[3], t[4]);
	conv(g, "dwconv", t[4], t[5], 8, 1, 3, 8, 1, 1);
	in[0] = t[4];
	in[1] = t[5];
	node(g, "add", SNPU_GOP_ADD, 2, in, t[6]);
	unary(g, "relu3", SNPU_GOP_RELU, t[6], t[7]);
	pool(g, "avgpool", SNPU_GOP_AVGPOOL, t[7], t[8], 2, 2);
	unary(g, "flatten", SNPU_GOP_FLATTEN, t[8], t[9]);
	gemm(g, "fc", t[9], t[10], 10, 72);
	finish(g, t[10]);

	w = &g->tensors[snpu_graph_find(g, "conv2.w")];
	w->mask = malloc(8 * 8 * 9);
	assert_non_null(w->mask);
	for (i = 0; i < 8 * 8 * 9; i++) {
		w->mask[i] = rng() % 10 < 4;
		if (!w->mask[i])
			w->data[i] = 0;
	}

	/* 2:4 on the Gemm's device columns (h, w, c order). */
	n = snpu_graph_wviews(g, &v, err, sizeof(err));
	assert_int_equal(n, 4);
	assert_int_equal(v[3].k, 72);
	m = malloc(10 * 72 * sizeof(*m));
	mask = malloc(10 * 72);
	assert_non_null(m);
	assert_non_null(mask);
	snpu_wview_get(g, &v[3], m, mask);
	for (i = 0; i < 10 * 72; i++) {
		mask[i] = i % 4 == i / 4 % 4 || i % 4 == (i / 4 + 1) % 4;
		if (!mask[i])
			m[i] = 0;
	}
	assert_int_equal(snpu_wview_put(g, &v[3], m, mask), 0);
	free(m);
	free(mask);
	snpu_wviews_free(v, n);
	return g;
}

/* The real value of a (Q31 multiplier, shift) pair. */
static double q31(int32_t mult, int32_t shift)
{
	return (double)mult * exp2(shift - 31);
}

/* Engine == reference byte for byte; dequantized ~ fp32. */
static void check_end_to_end(const struct snpu_graph *g,
			     struct snpu_qmodel *q, uint32_t fp_tensor,
			     const float *x, uint32_t n)
{
	const struct snpu_pack_model *pm = snpu_qmodel_pack_model(q);
	const struct snpu_pack_tensor *ti = snpu_qmodel_input(q);
	const struct snpu_pack_tensor *to = snpu_qmodel_output(q);
	uint32_t in_per = ti->h * ti->w * ti->c;
	uint32_t out_per = to->h * to->w * to->c;
	int8_t *qin = malloc((size_t)n * in_per);
	int8_t *qe = malloc((size_t)n * out_per);
	int8_t *qr = malloc((size_t)n * out_per);
	float *yq = malloc((size_t)n * out_per * sizeof(float));
	float *yf = run_fp32(g, x, n, fp_tensor);
	double mae = 0, mn = INFINITY, mx = -INFINITY;
	struct snpu_counters c;
	char err[ERR_SIZE];
	size_t size, i;
	void *blob;

	assert_non_null(qin);
	assert_non_null(qe);
	assert_non_null(qr);
	assert_non_null(yq);
	assert_int_equal(per_sample(g, fp_tensor), out_per);
	blob = pack_ok(q, &size, NULL);
	/* The blob carries the quantization the host converts with. */
	for (i = 0; i < pm->n_tensors; i++) {
		assert_int_equal(tensor_zp(blob, (uint32_t)i),
				 pm->tensors[i].zero_point);
		assert_true(tensor_scale(blob, (uint32_t)i) ==
			    pm->tensors[i].scale);
	}
	snpu_qmodel_quantize_input(q, x, n, qin);
	if (snpu_int8_run(blob, size, qin, qe, n, &c, err, sizeof(err)))
		fail_msg("snpu_int8_run: %s", err);
	assert_true(c.macs > 0);
	assert_int_equal(snpu_ref_run(pm, qin, qr, n), 0);
	assert_memory_equal(qe, qr, (size_t)n * out_per);

	snpu_qmodel_dequantize_output(q, qe, n, yq);
	for (i = 0; i < (size_t)n * out_per; i++) {
		mae += fabs((double)yq[i] - yf[i]);
		mn = fmin(mn, yf[i]);
		mx = fmax(mx, yf[i]);
	}
	mae /= (double)n * out_per;
	print_message("    mean |int8 - fp32| = %.4f of a %.3f range (%.2f %%)\n",
		      mae, mx - mn, 100 * mae / (mx - mn));
	assert_true(mx > mn);
	assert_true(mae < 0.01 * (mx - mn));
	free(blob);
	free(qin);
	free(qe);
	free(qr);
	free(yq);
	free(yf);
}

static void snpu_quantize_small_cnn_engine_matches_ref_and_fp32(void **state)
{
	static const uint32_t ops[] = {
		SNPU_OP_CONV2D, SNPU_OP_MAXPOOL, SNPU_OP_CONV2D,
		SNPU_OP_CONV2D, SNPU_OP_ADD, SNPU_OP_AVGPOOL,
		SNPU_OP_RESHAPE, SNPU_OP_FC,
	};
	const struct snpu_pack_model *pm;
	const struct snpu_pack_layer *l;
	struct snpu_qmodel *q;
	struct snpu_graph *g;
	double s1, s2, so, twice;
	float *cal, *test;
	uint32_t i;

	rng_state = 2026;
	g = small_cnn();
	cal = random_samples(64, 3 * 12 * 12, 0, 1);
	test = random_samples(24, 3 * 12 * 12, 0, 1);
	q = quantize_ok(g, NULL, cal, 64);
	pm = snpu_qmodel_pack_model(q);
	assert_int_equal(pm->n_layers, sizeof(ops) / sizeof(ops[0]));
	for (i = 0; i < pm->n_layers; i++)
		assert_int_equal(pm->layers[i].op, ops[i]);
	l = pm->layers;
	/* Fused Relu: clamp from the output zero point (0 is exact). */
	assert_int_equal(l[0].act_min, pm->tensors[l[0].output].zero_point);
	assert_int_equal(l[0].act_max, 127);
	assert_int_equal(l[4].act_min, pm->tensors[l[4].output].zero_point);
	assert_int_equal(l[3].act_min, -128);
	/* Depthwise: one group per channel, K = 3 * 3. */
	assert_int_equal(l[3].groups, 8);
	assert_int_equal(snpu_qmodel_layer(q, 2)->k, 9);
	/* Pools and reshape keep their input's quantization. */
	for (i = 1; i < pm->n_layers; i++) {
		if (l[i].op != SNPU_OP_MAXPOOL && l[i].op != SNPU_OP_AVGPOOL &&
		    l[i].op != SNPU_OP_RESHAPE)
			continue;
		assert_int_equal(pm->tensors[l[i].output].zero_point,
				 pm->tensors[l[i].input].zero_point);
		assert_true(pm->tensors[l[i].output].scale ==
			    pm->tensors[l[i].input].scale);
	}
	/* ADD: TFLite's parameters, against the real ratios. */
	s1 = pm->tensors[l[4].input].scale;
	s2 = pm->tensors[l[4].input2].scale;
	so = pm->tensors[l[4].output].scale;
	twice = 2 * fmax(s1, s2);
	assert_int_equal(l[4].add_left_shift, 20);
	assert_true(fabs(q31(l[4].add_in1_mult, l[4].add_in1_shift) /
			 (s1 / twice) - 1) < 1e-8);
	assert_true(fabs(q31(l[4].add_in2_mult, l[4].add_in2_shift) /
			 (s2 / twice) - 1) < 1e-8);
	assert_true(fabs(q31(l[4].add_out_mult, l[4].add_out_shift) /
			 (twice / (exp2(20) * so)) - 1) < 1e-8);
	assert_true(l[4].add_in1_shift <= 0 && l[4].add_in2_shift <= 0 &&
		    l[4].add_out_shift <= 0);
	assert_false(snpu_qmodel_softmax_dropped(q));
	/* The 2:4 Gemm: AUTO finds the N:M pattern. */
	assert_int_equal(snpu_qmodel_layer(q, 3)->encoding, SNPU_ENC_NM);

	check_end_to_end(g, q, g->outputs[0], test, 24);
	snpu_qmodel_free(q);
	free(cal);
	free(test);
	snpu_graph_free(g);
}

/*
 * conv (stride 2) -> Clip(0, 6) -> GlobalAveragePool -> Flatten (C x 1 x
 * 1) -> Gemm -> Softmax, calibrated with percentiles.
 */
static void snpu_quantize_gap_clip_softmax_lowered(void **state)
{
	int64_t xd[4] = { -1, 4, 9, 9 };
	struct snpu_quant_opts o = {
		.calib = SNPU_QUANT_CALIB_PERCENTILE, .percentile = 99.9,
		.calib_batch = 7,
	};
	const struct snpu_pack_model *pm;
	const struct snpu_pack_tensor *t;
	struct snpu_qmodel *q;
	struct snpu_graph *g;
	struct snpu_gnode *clip;
	uint32_t x, c, r, p, f, lg, y;
	float *cal, *test;
	int32_t want;

	rng_state = 11;
	g = graph("gap", 4, xd, &x);
	c = act(g, "c");
	r = act(g, "r");
	p = act(g, "p");
	f = act(g, "f");
	lg = act(g, "logits");
	y = act(g, "probs");
	conv(g, "conv", x, c, 6, 4, 3, 1, 2, 1);
	clip = unary(g, "relu6", SNPU_GOP_CLIP, c, r);
	clip->attr.clip_min = 0;
	clip->attr.clip_max = 0.5f;
	unary(g, "gap", SNPU_GOP_GLOBALAVGPOOL, r, p);
	unary(g, "flatten", SNPU_GOP_FLATTEN, p, f);
	gemm(g, "fc", f, lg, 5, 6);
	unary(g, "softmax", SNPU_GOP_SOFTMAX, lg, y);
	finish(g, y);

	cal = random_samples(50, 4 * 81, -1, 1);
	test = random_samples(16, 4 * 81, -1, 1);
	q = quantize_ok(g, &o, cal, 50);
	pm = snpu_qmodel_pack_model(q);
	assert_true(snpu_qmodel_softmax_dropped(q));
	assert_int_equal(pm->n_layers, 4);
	assert_int_equal(pm->layers[0].op, SNPU_OP_CONV2D);
	assert_int_equal(pm->layers[0].stride_h, 2);
	assert_int_equal(pm->layers[1].op, SNPU_OP_AVGPOOL);
	assert_int_equal(pm->layers[1].kernel_h, 5);
	assert_int_equal(pm->layers[1].kernel_w, 5);
	assert_int_equal(pm->layers[2].op, SNPU_OP_RESHAPE);
	assert_int_equal(pm->layers[3].op, SNPU_OP_FC);
	/* Clip(0, 0.5) fused: bounds in output steps. */
	t = &pm->tensors[pm->layers[0].output];
	assert_int_equal(pm->layers[0].act_min, t->zero_point);
	want = t->zero_point + (int32_t)lround(0.5 / t->scale);
	assert_int_equal(pm->layers[0].act_max, want > 127 ? 127 : want);
	/* The device output is the logits. */
	check_end_to_end(g, q, lg, test, 16);
	snpu_qmodel_free(q);
	free(cal);
	free(test);
	snpu_graph_free(g);
}

/*
 * 1-D: x[N, 3, 20] -> Conv1d (4, k 5, pad 2) -> Relu -> MaxPool (2) ->
 * Flatten of 4 x 10 -> Gemm, as height-1 device tensors.
 */
static void snpu_quantize_conv1d_lowered(void **state)
{
	int64_t xd[3] = { -1, 3, 20 }, wd[3] = { 4, 3, 5 }, bd[1] = { 4 };
	const struct snpu_pack_model *pm;
	struct snpu_qmodel *q;
	struct snpu_graph *g;
	struct snpu_gnode *n;
	uint32_t x, c, r, p, f, y, in[3];
	float *cal, *test;

	rng_state = 31;
	g = graph("conv1d", 3, xd, &x);
	c = act(g, "c");
	r = act(g, "r");
	p = act(g, "p");
	f = act(g, "f");
	y = act(g, "y");
	in[0] = x;
	in[1] = cst(g, "conv.w", 3, wd, 0.5f);
	in[2] = cst(g, "conv.b", 1, bd, 0.2f);
	n = node(g, "conv", SNPU_GOP_CONV, 3, in, c);
	n->attr.pads[1] = n->attr.pads[3] = 2;
	unary(g, "relu", SNPU_GOP_RELU, c, r);
	n = unary(g, "pool", SNPU_GOP_MAXPOOL, r, p);
	n->attr.kernel[1] = n->attr.strides[1] = 2;
	unary(g, "flatten", SNPU_GOP_FLATTEN, p, f);
	gemm(g, "fc", f, y, 3, 40);
	finish(g, y);

	cal = random_samples(20, 60, -1, 1);
	test = random_samples(12, 60, -1, 1);
	q = quantize_ok(g, NULL, cal, 20);
	pm = snpu_qmodel_pack_model(q);
	assert_int_equal(pm->n_layers, 4);
	assert_int_equal(snpu_qmodel_input(q)->h, 1);
	assert_int_equal(snpu_qmodel_input(q)->w, 20);
	assert_int_equal(snpu_qmodel_input(q)->c, 3);
	assert_int_equal(pm->layers[0].kernel_h, 1);
	assert_int_equal(pm->layers[0].kernel_w, 5);
	assert_int_equal(pm->layers[0].pad_left, 2);
	assert_int_equal(pm->layers[1].kernel_w, 2);
	check_end_to_end(g, q, y, test, 12);
	snpu_qmodel_free(q);
	free(cal);
	free(test);
	snpu_graph_free(g);
}

/* ---- encodings ----------------------------------------------------------- */

/* x[N, 32] -> fc (8), its weights exactly 2:4 (two nonzeros per group). */
static struct snpu_graph *nm_fc(void)
{
	int64_t xd[2] = { -1, 32 };
	struct snpu_gtensor *w;
	struct snpu_graph *g;
	uint32_t x, y, i;

	g = graph("nm", 2, xd, &x);
	y = act(g, "y");
	gemm(g, "fc", x, y, 8, 32);
	finish(g, y);
	w = &g->tensors[snpu_graph_find(g, "fc.w")];
	for (i = 0; i < 8 * 32; i++) {
		if ((i % 4) != (i / 4) % 4 && (i % 4) != (i / 4 + 2) % 4)
			w->data[i] = 0;
		else if (fabsf(w->data[i]) < 0.05f)
			w->data[i] = 0.3f;
	}
	return g;
}

/* Packed bytes of values + index with layer 0 forced to @enc / @var. */
static size_t packed_bytes(struct snpu_qmodel *q, uint32_t enc, uint32_t var)
{
	struct snpu_pack_stats st;
	char err[ERR_SIZE];
	size_t size;
	void *blob;

	if (snpu_qmodel_set_encoding(q, 0, enc, var, err, sizeof(err)))
		return SIZE_MAX;
	blob = pack_ok(q, &size, &st);
	free(blob);
	return st.values + st.index;
}

static void auto_vs_brute_force(uint32_t allowed, uint32_t want_enc,
				uint32_t want_var)
{
	static const uint32_t all[][2] = {
		{ 0, 0 }, { 1, 0 }, { 2, 0 }, { 2, 1 }, { 2, 2 }, { 3, 0 },
		{ 3, 1 }, { 3, 2 },
	};
	struct snpu_quant_opts o = { .allowed_encodings = allowed };
	const struct snpu_qlayer_info *li;
	size_t best = SIZE_MAX, b, auto_bytes;
	uint32_t i, fits = 0, enc, var, cand;
	struct snpu_qmodel *q;
	struct snpu_graph *g;
	float *x;

	rng_state = 5;
	g = nm_fc();
	x = random_samples(8, 32, -1, 1);
	q = quantize_ok(g, &o, x, 8);
	li = snpu_qmodel_layer(q, 0);
	enc = li->encoding;
	var = li->variant;
	cand = li->candidates;
	assert_true(li->automatic);
	auto_bytes = packed_bytes(q, enc, var);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (allowed && !(allowed & (1u << all[i][0])))
			continue;
		b = packed_bytes(q, all[i][0], all[i][1]);
		fits += b != SIZE_MAX;
		if (b < best)
			best = b;
	}
	assert_int_equal(auto_bytes, best);
	assert_int_equal(cand, fits);
	assert_int_equal(enc, want_enc);
	assert_int_equal(var, want_var);
	snpu_qmodel_free(q);
	free(x);
	snpu_graph_free(g);
}

static void snpu_quantize_auto_picks_smallest(void **state)
{
	auto_vs_brute_force(0, SNPU_ENC_NM, SNPU_NM_2_4);
}

static void snpu_quantize_auto_honours_allowed_mask(void **state)
{
	auto_vs_brute_force(1u << SNPU_ENC_DENSE | 1u << SNPU_ENC_CSR,
			    SNPU_ENC_CSR, 0);
}

static void snpu_quantize_explicit_encoding_not_fitting_fails(void **state)
{
	struct snpu_quant_layer_opts lo = { SNPU_ENC_NM, SNPU_NM_1_4 };
	struct snpu_quant_opts o = { .layers = &lo, .n_layers = 1 };
	struct snpu_graph *g;
	float *x;

	rng_state = 5;
	g = nm_fc();
	x = random_samples(8, 32, -1, 1);
	expect_fail(g, &o, x, 8, "Gemm 'fc'", "N:M 1:4 keeps at most 1");
	/* Allowed masks bind explicit choices too. */
	lo.variant = SNPU_NM_2_4;
	o.allowed_nm = 1u << SNPU_NM_2_8;
	expect_fail(g, &o, x, 8, "Gemm 'fc'", "not an allowed encoding");
	/* More options than layers. */
	o.allowed_nm = 0;
	o.n_layers = 2;
	expect_fail(g, &o, x, 8, "2 layer options", NULL);
	free(x);
	snpu_graph_free(g);
}

static void snpu_qmodel_set_encoding_not_fitting_fails(void **state)
{
	const struct snpu_qlayer_info *li;
	struct snpu_qmodel *q;
	struct snpu_graph *g;
	char err[ERR_SIZE];
	uint32_t enc;
	float *x;

	rng_state = 5;
	g = nm_fc();
	x = random_samples(8, 32, -1, 1);
	q = quantize_ok(g, NULL, x, 8);
	li = snpu_qmodel_layer(q, 0);
	enc = li->encoding;
	assert_int_equal(snpu_qmodel_set_encoding(q, 0, SNPU_ENC_NM,
						  SNPU_NM_2_8, err,
						  sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "row 0, group 0"));
	/* The layer keeps what it had. */
	assert_int_equal(li->encoding, enc);
	assert_int_equal(snpu_qmodel_set_encoding(q, 1, SNPU_ENC_DENSE, 0, err,
						  sizeof(err)), -EINVAL);
	assert_int_equal(snpu_qmodel_set_encoding(q, 0, SNPU_ENC_DENSE, 1, err,
						  sizeof(err)), -EINVAL);
	assert_int_equal(snpu_qmodel_set_encoding(q, 0, SNPU_ENC_CSR, 0, err,
						  sizeof(err)), 0);
	assert_int_equal(li->encoding, SNPU_ENC_CSR);
	assert_false(li->automatic);
	snpu_qmodel_free(q);
	free(x);
	snpu_graph_free(g);
}

static void snpu_qmodel_layer_bytes_add_up_to_pack_stats(void **state)
{
	struct snpu_pack_stats st;
	size_t v = 0, ix = 0, p = 0, size;
	struct snpu_qmodel *q;
	struct snpu_graph *g;
	uint32_t i;
	float *x;
	void *blob;

	rng_state = 2026;
	g = small_cnn();
	x = random_samples(8, 3 * 12 * 12, 0, 1);
	q = quantize_ok(g, NULL, x, 8);
	/* Force every encoding family once. */
	assert_int_equal(snpu_qmodel_set_encoding(q, 0, SNPU_ENC_BLOCK,
						  SNPU_BLOCK_4X4, NULL, 0), 0);
	assert_int_equal(snpu_qmodel_set_encoding(q, 1, SNPU_ENC_CSR, 0,
						  NULL, 0), 0);
	blob = pack_ok(q, &size, &st);
	for (i = 0; i < snpu_qmodel_layer_count(q); i++) {
		v += snpu_qmodel_layer(q, i)->values;
		ix += snpu_qmodel_layer(q, i)->index;
		p += snpu_qmodel_layer(q, i)->params;
	}
	assert_int_equal(v, st.values);
	assert_int_equal(ix, st.index);
	assert_int_equal(p, st.params);
	assert_int_equal(st.total, size);
	free(blob);
	snpu_qmodel_free(q);
	free(x);
	snpu_graph_free(g);
}

/* ---- lowering errors ----------------------------------------------------- */

static void snpu_quantize_unsupported_node_fails(void **state)
{
	int64_t xd[2] = { -1, 4 }, pd[1] = { 4 };
	struct snpu_graph *g;
	uint32_t x, b, y, in[5], i;
	float *cal;

	rng_state = 3;
	g = graph("bn", 2, xd, &x);
	b = act(g, "b");
	y = act(g, "y");
	in[0] = x;
	in[1] = cst(g, "bn.scale", 1, pd, 1);
	in[2] = cst(g, "bn.bias", 1, pd, 1);
	in[3] = cst(g, "bn.mean", 1, pd, 1);
	in[4] = cst(g, "bn.var", 1, pd, 0.5f);
	for (i = 0; i < 4; i++)
		g->tensors[in[4]].data[i] += 1;
	node(g, "bn_in", SNPU_GOP_BATCHNORM, 5, in, b);
	gemm(g, "fc", b, y, 3, 4);
	finish(g, y);
	cal = random_samples(4, 4, -1, 1);
	expect_fail(g, NULL, cal, 4, "BatchNormalization 'bn_in' (node 0)",
		    "no device op");
	free(cal);
	snpu_graph_free(g);
}

static void snpu_quantize_relu_without_layer_fails(void **state)
{
	int64_t xd[4] = { -1, 2, 4, 4 };
	struct snpu_graph *g;
	uint32_t x, r, c, y;
	float *cal;

	rng_state = 3;
	g = graph("relu_in", 4, xd, &x);
	r = act(g, "r");
	c = act(g, "c");
	y = act(g, "y");
	unary(g, "relu_in", SNPU_GOP_RELU, x, r);
	conv(g, "conv", r, c, 2, 2, 1, 1, 1, 0);
	unary(g, "relu_out", SNPU_GOP_RELU, c, y);
	finish(g, y);
	cal = random_samples(4, 32, -1, 1);
	expect_fail(g, NULL, cal, 4, "Relu 'relu_in'", "the model input");
	free(cal);
	snpu_graph_free(g);
}

static void snpu_quantize_relu_of_shared_tensor_fails(void **state)
{
	int64_t xd[4] = { -1, 2, 4, 4 };
	struct snpu_graph *g;
	uint32_t x, c, r, y, in[2];
	float *cal;

	rng_state = 3;
	g = graph("shared", 4, xd, &x);
	c = act(g, "c");
	r = act(g, "r");
	y = act(g, "y");
	conv(g, "conv", x, c, 2, 2, 1, 1, 1, 0);
	unary(g, "relu", SNPU_GOP_RELU, c, r);
	in[0] = c;
	in[1] = r;
	node(g, "add", SNPU_GOP_ADD, 2, in, y);
	finish(g, y);
	cal = random_samples(4, 32, -1, 1);
	expect_fail(g, NULL, cal, 4, "Relu 'relu'", "also read elsewhere");
	free(cal);
	snpu_graph_free(g);
}

static void snpu_quantize_reordering_flatten_fails(void **state)
{
	int64_t xd[4] = { -1, 2, 3, 3 };
	struct snpu_graph *g;
	uint32_t x, c, y;
	float *cal;

	rng_state = 3;
	g = graph("flat", 4, xd, &x);
	c = act(g, "c");
	y = act(g, "y");
	conv(g, "conv", x, c, 2, 2, 1, 1, 1, 0);
	unary(g, "flat_out", SNPU_GOP_FLATTEN, c, y);
	finish(g, y);
	cal = random_samples(4, 18, -1, 1);
	expect_fail(g, NULL, cal, 4, "Flatten 'flat_out'", "reorders");
	free(cal);
	snpu_graph_free(g);
}

static void snpu_quantize_softmax_not_trailing_fails(void **state)
{
	int64_t xd[2] = { -1, 6 };
	struct snpu_graph *g;
	uint32_t x, a, s, y;
	float *cal;

	rng_state = 3;
	g = graph("sm", 2, xd, &x);
	a = act(g, "a");
	s = act(g, "s");
	y = act(g, "y");
	gemm(g, "fc1", x, a, 6, 6);
	unary(g, "mid_softmax", SNPU_GOP_SOFTMAX, a, s);
	gemm(g, "fc2", s, y, 3, 6);
	finish(g, y);
	cal = random_samples(4, 6, -1, 1);
	expect_fail(g, NULL, cal, 4, "Softmax 'mid_softmax'", "host");
	free(cal);
	snpu_graph_free(g);
}

static void snpu_quantize_bad_arguments_fail(void **state)
{
	struct snpu_quant_opts o = { .fix_input = true, .input_scale = 0 };
	struct snpu_graph *g;
	float *x;

	rng_state = 9;
	g = mlp();
	x = random_samples(4, 20, -1, 1);
	expect_fail(g, &o, x, 4, "fixed input", NULL);
	expect_fail(g, NULL, x, 0, "calibration sample", NULL);
	o.fix_input = false;
	o.calib = SNPU_QUANT_CALIB_PERCENTILE;
	o.percentile = 20;
	expect_fail(g, &o, x, 4, "percentile", NULL);
	x[5] = NAN;
	expect_fail(g, NULL, x, 4, "calibration: tensor 'x'", NULL);
	free(x);
	snpu_graph_free(g);
}

/* ---- input and calibration ----------------------------------------------- */

static void snpu_qmodel_quantize_input_fixed_pixels_exact(void **state)
{
	int64_t xd[4] = { -1, 2, 16, 8 };
	struct snpu_quant_opts o = {
		.fix_input = true, .input_scale = 1.0f / 255,
		.input_zero_point = -128,
	};
	const struct snpu_pack_tensor *ti;
	struct snpu_qmodel *q;
	struct snpu_graph *g;
	uint32_t x, c, y, i, ch, p;
	int8_t out[256];
	float px[256];

	rng_state = 4;
	g = graph("pixels", 4, xd, &x);
	c = act(g, "c");
	y = act(g, "y");
	conv(g, "conv", x, c, 3, 2, 1, 1, 1, 0);
	unary(g, "relu", SNPU_GOP_RELU, c, y);
	finish(g, y);
	/* Sample 0: channel 0 holds pixels 0..127, channel 1 128..255. */
	for (i = 0; i < 256; i++)
		px[i] = (float)i / 255.0f;
	q = quantize_ok(g, &o, px, 1);
	ti = snpu_qmodel_input(q);
	assert_int_equal(ti->zero_point, -128);
	assert_true(ti->scale == 1.0f / 255);
	assert_int_equal(ti->h, 16);
	assert_int_equal(ti->w, 8);
	assert_int_equal(ti->c, 2);
	snpu_qmodel_quantize_input(q, px, 1, out);
	/* q = pixel - 128 exactly, NCHW -> NHWC. */
	for (ch = 0; ch < 2; ch++)
		for (p = 0; p < 128; p++)
			assert_int_equal(out[p * 2 + ch],
					 (int)(ch * 128 + p) - 128);
	/* Out of range saturates. */
	px[0] = -3;
	px[1] = 7;
	snpu_qmodel_quantize_input(q, px, 1, out);
	assert_int_equal(out[0], -128);
	assert_int_equal(out[2], 127);
	snpu_qmodel_free(q);
	snpu_graph_free(g);
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

static void snpu_quantize_percentile_clips_outliers(void **state)
{
	struct snpu_quant_opts o = {
		.calib = SNPU_QUANT_CALIB_PERCENTILE, .percentile = 99.5,
	};
	float *x, *sorted, want_hi, width;
	struct snpu_qmodel *qm, *qp;
	struct snpu_graph *g;
	double hi;
	uint32_t n = 50 * 20;

	rng_state = 21;
	g = mlp();
	x = random_samples(50, 20, 0, 1);
	x[123] = 1000;
	qm = quantize_ok(g, NULL, x, 50);
	qp = quantize_ok(g, &o, x, 50);
	/* min/max: the outlier sets the input range. */
	assert_true(fabs(snpu_qmodel_input(qm)->scale - 1000.0 / 255) < 1e-3);
	/* Percentile: the 99.5 % point, to one histogram bin. */
	sorted = malloc(n * sizeof(*sorted));
	assert_non_null(sorted);
	memcpy(sorted, x, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_float);
	want_hi = sorted[(size_t)ceil(n * 0.995) - 1];
	width = (sorted[n - 1] - sorted[0]) / 4096;
	hi = snpu_qmodel_input(qp)->scale * 255.0;
	assert_int_equal(snpu_qmodel_input(qp)->zero_point, -128);
	assert_true(fabs(hi - want_hi) <= width * 1.01);
	free(sorted);
	snpu_qmodel_free(qm);
	snpu_qmodel_free(qp);
	free(x);
	snpu_graph_free(g);
}

/* ---- host runner --------------------------------------------------------- */

static uint32_t argmax(const float *v, uint32_t n)
{
	uint32_t i, b = 0;

	for (i = 1; i < n; i++)
		if (v[i] > v[b])
			b = i;
	return b;
}

static void snpu_int8_evaluate_matches_ref_argmax(void **state)
{
	const uint32_t n = 300, per = 3 * 12 * 12;
	struct snpu_int8_runner *r;
	struct snpu_counters c1, c2;
	struct snpu_qmodel *q;
	struct snpu_graph *g;
	float *cal, *x, *yf, ref_out[10];
	int8_t *qin, *qr;
	uint8_t *labels;
	uint32_t i, j, hits = 0;
	char err[ERR_SIZE];
	double acc, acc2;
	size_t size;
	void *blob;

	rng_state = 77;
	g = small_cnn();
	cal = random_samples(32, per, 0, 1);
	x = random_samples(n, per, 0, 1);
	q = quantize_ok(g, NULL, cal, 32);
	blob = pack_ok(q, &size, NULL);
	/* Labels: the fp32 model's own answers. */
	yf = run_fp32(g, x, n, g->outputs[0]);
	labels = malloc(n);
	qin = malloc((size_t)n * per);
	qr = malloc((size_t)n * 10);
	assert_non_null(labels);
	assert_non_null(qin);
	assert_non_null(qr);
	for (i = 0; i < n; i++)
		labels[i] = (uint8_t)argmax(yf + i * 10, 10);
	/* Independent accuracy: the reference's int8 output's argmax. */
	snpu_qmodel_quantize_input(q, x, n, qin);
	assert_int_equal(snpu_ref_run(snpu_qmodel_pack_model(q), qin, qr, n),
			 0);
	for (i = 0; i < n; i++) {
		for (j = 0; j < 10; j++)
			ref_out[j] = qr[i * 10 + j];
		hits += argmax(ref_out, 10) == labels[i];
	}
	if (snpu_int8_evaluate(blob, size, x, labels, n, &acc, &c1, err,
			       sizeof(err)))
		fail_msg("snpu_int8_evaluate: %s", err);
	assert_true(acc == (double)hits / n);
	print_message("    int8 agrees with fp32 on %.1f %% of %u samples\n",
		      100 * acc, n);
	assert_true(acc > 0.8);
	/* A runner kept across calls gives the same answer and counters. */
	assert_int_equal(snpu_int8_runner_new(blob, size, NULL, &r, err,
					      sizeof(err)), 0);
	assert_int_equal(snpu_int8_runner_evaluate(r, x, labels, n, &acc2,
						   &c2, err, sizeof(err)), 0);
	assert_true(acc2 == acc);
	assert_int_equal(c2.macs, c1.macs);
	assert_int_equal(c2.bytes_written, c1.bytes_written);
	assert_true(c1.macs_skipped_weight > 0);
	snpu_int8_runner_free(r);
	free(blob);
	free(labels);
	free(qin);
	free(qr);
	free(yf);
	free(cal);
	free(x);
	snpu_qmodel_free(q);
	snpu_graph_free(g);
}

static void snpu_int8_runner_run_grows_scratch(void **state)
{
	const uint32_t per = 3 * 12 * 12;
	struct snpu_int8_runner *r;
	struct snpu_qmodel *q;
	struct snpu_graph *g;
	int8_t *qin, *a, *b;
	char err[ERR_SIZE];
	float *cal;
	size_t size;
	void *blob;

	rng_state = 8;
	g = small_cnn();
	cal = random_samples(40, per, 0, 1);
	q = quantize_ok(g, NULL, cal, 40);
	blob = pack_ok(q, &size, NULL);
	qin = malloc(40 * per);
	a = malloc(40 * 10);
	b = malloc(40 * 10);
	assert_non_null(qin);
	assert_non_null(a);
	assert_non_null(b);
	snpu_qmodel_quantize_input(q, cal, 40, qin);
	assert_int_equal(snpu_int8_runner_new(blob, size, NULL, &r, err,
					      sizeof(err)), 0);
	assert_int_equal(snpu_int8_runner_input(r)->c, 3);
	assert_int_equal(snpu_int8_runner_output(r)->c, 10);
	assert_int_equal(snpu_int8_runner_run(r, qin, a, 1, NULL, err,
					      sizeof(err)), 0);
	assert_int_equal(snpu_int8_runner_run(r, qin, a, 40, NULL, err,
					      sizeof(err)), 0);
	assert_int_equal(snpu_ref_run(snpu_qmodel_pack_model(q), qin, b, 40),
			 0);
	assert_memory_equal(a, b, 40 * 10);
	assert_int_equal(snpu_int8_runner_run(r, qin, a, 0, NULL, err,
					      sizeof(err)), -EINVAL);
	snpu_int8_runner_free(r);
	free(blob);
	free(qin);
	free(a);
	free(b);
	free(cal);
	snpu_qmodel_free(q);
	snpu_graph_free(g);
}

static void snpu_int8_runner_new_rejects_corrupt_blob(void **state)
{
	struct snpu_int8_runner *r = (void *)1;
	struct snpu_qmodel *q;
	struct snpu_graph *g;
	char err[ERR_SIZE];
	uint8_t *blob;
	float *cal;
	size_t size;

	rng_state = 8;
	g = mlp();
	cal = random_samples(4, 20, -1, 1);
	q = quantize_ok(g, NULL, cal, 4);
	blob = pack_ok(q, &size, NULL);
	blob[size - 1] ^= 0x40;
	assert_int_equal(snpu_int8_runner_new(blob, size, NULL, &r, err,
					      sizeof(err)), -EINVAL);
	assert_null(r);
	assert_non_null(strstr(err, "model rejected"));
	assert_int_equal(snpu_int8_run(blob, 10, (int8_t *)cal,
				       (int8_t *)cal, 1, NULL, err,
				       sizeof(err)), -EINVAL);
	free(blob);
	free(cal);
	snpu_qmodel_free(q);
	snpu_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_quantize_multiplier_matches_double),
		cmocka_unit_test(snpu_quantize_multiplier_out_of_range),
		cmocka_unit_test(snpu_quantize_pruned_zeros_stay_zero_in_blob),
		cmocka_unit_test(snpu_quantize_weights_count_nonzeros_per_layer),
		cmocka_unit_test(snpu_quantize_small_cnn_engine_matches_ref_and_fp32),
		cmocka_unit_test(snpu_quantize_gap_clip_softmax_lowered),
		cmocka_unit_test(snpu_quantize_conv1d_lowered),
		cmocka_unit_test(snpu_quantize_auto_picks_smallest),
		cmocka_unit_test(snpu_quantize_auto_honours_allowed_mask),
		cmocka_unit_test(snpu_quantize_explicit_encoding_not_fitting_fails),
		cmocka_unit_test(snpu_qmodel_set_encoding_not_fitting_fails),
		cmocka_unit_test(snpu_qmodel_layer_bytes_add_up_to_pack_stats),
		cmocka_unit_test(snpu_quantize_unsupported_node_fails),
		cmocka_unit_test(snpu_quantize_relu_without_layer_fails),
		cmocka_unit_test(snpu_quantize_relu_of_shared_tensor_fails),
		cmocka_unit_test(snpu_quantize_reordering_flatten_fails),
		cmocka_unit_test(snpu_quantize_softmax_not_trailing_fails),
		cmocka_unit_test(snpu_quantize_bad_arguments_fail),
		cmocka_unit_test(snpu_qmodel_quantize_input_fixed_pixels_exact),
		cmocka_unit_test(snpu_quantize_percentile_clips_outliers),
		cmocka_unit_test(snpu_int8_evaluate_matches_ref_argmax),
		cmocka_unit_test(snpu_int8_runner_run_grows_scratch),
		cmocka_unit_test(snpu_int8_runner_new_rejects_corrupt_blob),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
