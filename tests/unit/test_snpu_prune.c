// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * cmocka tests of the pruner (pruner/snpu_prune.c): every criterion's
 * scores against a computation written here from its definition (device
 * column order worked out independently of the graph's permutation),
 * every granularity's mask pattern and counts, global against per-layer
 * scope, the normalize flag, pruned weights exactly 0 under their mask,
 * masks the packer accepts, channel removal proven equivalent to zeroing
 * through the executor, refusals that leave the graph alone, the
 * polynomial schedule and gradual pruning during training.
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

#include "snpu_exec.h"
#include "snpu_graph.h"
#include "snpu_model_parse.h"
#include "snpu_pack.h"
#include "snpu_prune.h"
#include "snpu_train.h"

#define ERR_SIZE	512

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static float rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (float)((rng_state >> 11) * (1.0 / 9007199254740992.0)) * 2 - 1;
}

static float *rnd_array(size_t n, float scale)
{
	float *v = malloc(sizeof(float) * (n ? n : 1));

	assert_non_null(v);
	for (size_t i = 0; i < n; i++)
		v[i] = rnd() * scale;
	return v;
}

static uint32_t add_const(struct snpu_graph *g, const char *name,
			  uint32_t ndim, const int64_t *dims, float scale)
{
	int64_t n = 1;
	float *v;
	uint32_t t;

	for (uint32_t i = 0; i < ndim; i++)
		n *= dims[i];
	v = rnd_array((size_t)n, scale);
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

/* Append node @op reading @n_in tensors; returns its output tensor. */
static uint32_t add_op(struct snpu_graph *g, const char *name,
		       enum snpu_gop op, uint32_t n_in, const uint32_t *in)
{
	char oname[64];
	uint32_t out, node;

	snprintf(oname, sizeof(oname), "%s.out", name);
	out = add_value(g, oname);
	node = snpu_graph_add_node(g, name, op, n_in, in, out);
	assert_int_not_equal(node, SNPU_GRAPH_NONE);
	if (op == SNPU_GOP_GEMM)
		g->nodes[node].attr.trans_b = 1;
	return out;
}

static uint32_t add_gemm(struct snpu_graph *g, const char *name, uint32_t x,
			 int64_t out, int64_t in, float scale)
{
	char n[64];
	int64_t wd[2] = { out, in }, bd[1] = { out };
	uint32_t t[3];

	t[0] = x;
	snprintf(n, sizeof(n), "%s.weight", name);
	t[1] = add_const(g, n, 2, wd, scale);
	snprintf(n, sizeof(n), "%s.bias", name);
	t[2] = add_const(g, n, 1, bd, 0.1f);
	return add_op(g, name, SNPU_GOP_GEMM, 3, t);
}

static uint32_t add_conv(struct snpu_graph *g, const char *name, uint32_t x,
			 int64_t out, int64_t in, int64_t group)
{
	char n[64];
	int64_t wd[4] = { out, in / group, 3, 3 }, bd[1] = { out };
	uint32_t t[3], y;
	struct snpu_gattr *a;

	t[0] = x;
	snprintf(n, sizeof(n), "%s.weight", name);
	t[1] = add_const(g, n, 4, wd, 0.5f);
	snprintf(n, sizeof(n), "%s.bias", name);
	t[2] = add_const(g, n, 1, bd, 0.1f);
	y = add_op(g, name, SNPU_GOP_CONV, 3, t);
	a = &g->nodes[g->n_nodes - 1].attr;
	a->pads[0] = a->pads[1] = a->pads[2] = a->pads[3] = 1;
	a->group = group;
	return y;
}

static uint32_t add_input(struct snpu_graph *g, uint32_t ndim,
			  const int64_t *dims)
{
	uint32_t x = snpu_graph_add_tensor(g, "x", ndim, dims, NULL);

	assert_int_not_equal(x, SNPU_GRAPH_NONE);
	g->inputs[g->n_inputs++] = x;
	return x;
}

static void finish(struct snpu_graph *g, uint32_t y)
{
	char err[ERR_SIZE] = "";

	g->outputs[g->n_outputs++] = y;
	assert_int_equal(snpu_graph_check(g, err, sizeof(err)), 0);
	assert_int_equal(snpu_graph_canon(g, err, sizeof(err)), 0);
}

/* x[-1, k0] -> fc1 (h) -> Relu -> fc2 (c) -> y */
static struct snpu_graph *gemm_net(int64_t k0, int64_t h, int64_t c,
				   float scale2)
{
	struct snpu_graph *g = snpu_graph_new("gemm_net");
	int64_t xd[2] = { -1, k0 };
	uint32_t t;

	assert_non_null(g);
	t = add_input(g, 2, xd);
	t = add_gemm(g, "fc1", t, h, k0, 0.5f);
	t = add_op(g, "relu1", SNPU_GOP_RELU, 1, &t);
	t = add_gemm(g, "fc2", t, c, h, scale2);
	finish(g, t);
	return g;
}

/*
 * x[-1, 3, 8, 8] -> conv1 (6, 3x3, pad 1) -> Relu -> MaxPool 2x2 ->
 * conv2 (8, 3x3, pad 1) -> Relu -> Flatten -> fc (5) -> y
 */
static struct snpu_graph *conv_net(void)
{
	struct snpu_graph *g = snpu_graph_new("conv_net");
	int64_t xd[4] = { -1, 3, 8, 8 };
	uint32_t t;

	assert_non_null(g);
	t = add_input(g, 4, xd);
	t = add_conv(g, "conv1", t, 6, 3, 1);
	t = add_op(g, "relu1", SNPU_GOP_RELU, 1, &t);
	t = add_op(g, "pool1", SNPU_GOP_MAXPOOL, 1, &t);
	g->nodes[g->n_nodes - 1].attr.kernel[0] = 2;
	g->nodes[g->n_nodes - 1].attr.kernel[1] = 2;
	g->nodes[g->n_nodes - 1].attr.strides[0] = 2;
	g->nodes[g->n_nodes - 1].attr.strides[1] = 2;
	t = add_conv(g, "conv2", t, 8, 6, 1);
	t = add_op(g, "relu2", SNPU_GOP_RELU, 1, &t);
	t = add_op(g, "flat", SNPU_GOP_FLATTEN, 1, &t);
	t = add_gemm(g, "fc", t, 5, 8 * 4 * 4, 0.3f);
	finish(g, t);
	return g;
}

/* x[-1, 2, 3, 3] -> Flatten -> fc (4) -> y */
static struct snpu_graph *flat_net(void)
{
	struct snpu_graph *g = snpu_graph_new("flat_net");
	int64_t xd[4] = { -1, 2, 3, 3 };
	uint32_t t;

	assert_non_null(g);
	t = add_input(g, 4, xd);
	t = add_op(g, "flat", SNPU_GOP_FLATTEN, 1, &t);
	t = add_gemm(g, "fc", t, 4, 18, 0.5f);
	finish(g, t);
	return g;
}

static const struct snpu_gtensor *wt(const struct snpu_graph *g,
				     const char *name)
{
	uint32_t t = snpu_graph_find(g, name);

	assert_int_not_equal(t, SNPU_GRAPH_NONE);
	return &g->tensors[t];
}

/* Run @g on @batch samples of @x; @y gets the single output. */
static void run(const struct snpu_graph *g, const float *x, uint32_t batch,
		float *y, size_t ny)
{
	struct snpu_exec *ex;
	char err[ERR_SIZE] = "";
	int64_t d[SNPU_GRAPH_MAX_DIMS], n = 1;
	uint32_t nd;

	assert_int_equal(snpu_exec_create(g, batch, 0, &ex, err, sizeof(err)),
			 0);
	nd = snpu_exec_dims(ex, g->inputs[0], d);
	for (uint32_t i = 0; i < nd; i++)
		n *= d[i];
	memcpy(snpu_exec_value(ex, g->inputs[0]), x, sizeof(float) * n);
	assert_int_equal(snpu_exec_forward(ex), 0);
	nd = snpu_exec_dims(ex, g->outputs[0], d);
	n = 1;
	for (uint32_t i = 0; i < nd; i++)
		n *= d[i];
	assert_int_equal(n, (int64_t)ny);
	memcpy(y, snpu_exec_value(ex, g->outputs[0]), sizeof(float) * ny);
	snpu_exec_destroy(ex);
}

/*
 * Device index of element @e of a row-major ONNX weight [rows][C][S]
 * (a Conv's S = kh * kw, or a Gemm reading a flattened C x H x W with
 * S = H * W): device K runs (S, C), i.e. (kh, kw, c) or (h, w, c).
 */
static size_t dev_index(size_t e, uint32_t c_in, uint32_t sp)
{
	size_t k = (size_t)c_in * sp, r = e / k, c = e % k / sp, x = e % sp;

	return r * k + x * c_in + c;
}

/* sum of a[i] * b[i] in double. */
static double dot(const float *a, const float *b, uint32_t n)
{
	double s = 0;

	for (uint32_t i = 0; i < n; i++)
		s += (double)a[i] * b[i];
	return s;
}

static uint64_t lround_count(float s, uint64_t n)
{
	return (uint64_t)llround((double)s * (double)n);
}

static uint64_t count_zero(const uint8_t *m, size_t n)
{
	uint64_t z = 0;

	for (size_t i = 0; i < n; i++)
		z += !m[i];
	return z;
}

static void close_rel(double got, double want, double tol)
{
	if (fabs(got - want) > tol * (fabs(want) + 1e-6)) {
		print_error("got %.9g, want %.9g\n", got, want);
		fail();
	}
}

/* ---- snpu_prune_select --------------------------------------------------- */

static void snpu_prune_select_unstructured_prunes_exact_lowest(void **state)
{
	uint32_t rows = 7, k = 13;
	size_t n = rows * k;
	float *s = rnd_array(n, 1);
	uint8_t *m = malloc(n);
	float maxp = -INFINITY, mink = INFINITY;

	assert_non_null(m);
	s[5] = NAN;	/* ranks lowest */
	assert_int_equal(snpu_prune_select(s, rows, k, SNPU_GRAN_UNSTRUCTURED,
					   0, 0.37f, m), 0);
	assert_int_equal(count_zero(m, n), lround_count(0.37f, n));
	assert_int_equal(m[5], 0);
	for (size_t i = 0; i < n; i++) {
		if (i == 5)
			continue;
		if (m[i])
			mink = fminf(mink, s[i]);
		else
			maxp = fmaxf(maxp, s[i]);
	}
	assert_true(maxp <= mink);
	free(s);
	free(m);
}

static void snpu_prune_select_nm_keeps_n_best_per_group(void **state)
{
	uint32_t rows = 5, k = 27, v, n, mm, r, j, p, q, kept, real;

	for (v = 0; v < SNPU_NM_COUNT; v++) {
		float *s = rnd_array((size_t)rows * k, 1);
		uint8_t *m = malloc((size_t)rows * k);

		assert_non_null(m);
		snpu_nm_dims(v, &n, &mm);
		assert_int_equal(snpu_prune_select(s, rows, k, SNPU_GRAN_NM, v,
						   0.9f, m), 0);
		for (r = 0; r < rows; r++) {
			for (j = 0; j < k; j += mm) {
				const float *gs = s + (size_t)r * k + j;
				const uint8_t *gm = m + (size_t)r * k + j;

				real = k - j < mm ? k - j : mm;
				kept = 0;
				for (p = 0; p < real; p++)
					kept += gm[p];
				/* Padding counts as zeros: a short tail
				 * group keeps what it can. */
				assert_int_equal(kept, real < n ? real : n);
				for (p = 0; p < real; p++)
					for (q = 0; q < real; q++)
						if (gm[p] && !gm[q])
							assert_true(gs[p] >=
								    gs[q]);
			}
		}
		free(s);
		free(m);
	}
}

static void snpu_prune_select_block_prunes_whole_blocks(void **state)
{
	static const uint32_t shapes[][2] = { { 8, 32 }, { 10, 30 } };
	uint32_t v, br, bc, i, rows, k, nbr, nbc, b, y, x, pruned;
	float sp = 0.4f;

	for (v = 0; v < SNPU_BLOCK_COUNT; v++) {
		snpu_block_dims(v, &br, &bc);
		for (i = 0; i < 2; i++) {
			rows = shapes[i][0];
			k = shapes[i][1];
			float *s = rnd_array((size_t)rows * k, 1);
			uint8_t *m = malloc((size_t)rows * k);
			double maxp = -INFINITY, mink = INFINITY, sum;

			assert_non_null(m);
			for (size_t e = 0; e < (size_t)rows * k; e++)
				s[e] = fabsf(s[e]);
			assert_int_equal(snpu_prune_select(s, rows, k,
							   SNPU_GRAN_BLOCK, v,
							   sp, m), 0);
			nbr = (rows + br - 1) / br;
			nbc = (k + bc - 1) / bc;
			pruned = 0;
			for (b = 0; b < nbr * nbc; b++) {
				uint32_t zeros = 0, cells = 0;

				sum = 0;
				for (y = 0; y < br; y++) {
					for (x = 0; x < bc; x++) {
						uint32_t r = b / nbc * br + y;
						uint32_t c = b % nbc * bc + x;

						if (r >= rows || c >= k)
							continue;
						cells++;
						zeros += !m[r * k + c];
						sum += s[r * k + c];
					}
				}
				/* All or nothing. */
				assert_true(zeros == 0 || zeros == cells);
				if (zeros) {
					pruned++;
					maxp = fmax(maxp, sum);
				} else {
					mink = fmin(mink, sum);
				}
			}
			assert_int_equal(pruned, lround_count(sp, nbr * nbc));
			assert_true(maxp <= mink + 1e-6);
			if (rows % br == 0 && k % bc == 0)
				assert_int_equal(count_zero(m, rows * k),
						 pruned * br * bc);
			free(s);
			free(m);
		}
	}
}

static void snpu_prune_select_channel_prunes_lowest_rows(void **state)
{
	uint32_t rows = 9, k = 4, r, j, zr;
	float *s = rnd_array(rows * k, 1);
	uint8_t *m = malloc(rows * k);
	double sums[9], maxp = -INFINITY, mink = INFINITY;

	assert_non_null(m);
	for (r = 0; r < rows; r++)
		for (j = 0, sums[r] = 0; j < k; j++)
			sums[r] += s[r * k + j];
	assert_int_equal(snpu_prune_select(s, rows, k, SNPU_GRAN_CHANNEL, 0,
					   0.34f, m), 0);
	for (r = 0, zr = 0; r < rows; r++) {
		for (j = 1; j < k; j++)
			assert_int_equal(m[r * k + j], m[r * k]);
		if (!m[r * k]) {
			zr++;
			maxp = fmax(maxp, sums[r]);
		} else {
			mink = fmin(mink, sums[r]);
		}
	}
	assert_int_equal(zr, 3);
	assert_true(maxp <= mink);
	/* Sparsity 1 still keeps one channel. */
	assert_int_equal(snpu_prune_select(s, rows, k, SNPU_GRAN_CHANNEL, 0,
					   1.0f, m), 0);
	assert_int_equal(count_zero(m, rows * k), (rows - 1) * k);
	free(s);
	free(m);
}

static void snpu_prune_select_rejects_bad_arguments(void **state)
{
	float s[8] = { 0 };
	uint8_t m[8];

	assert_int_equal(snpu_prune_select(s, 2, 4, SNPU_GRAN_NM,
					   SNPU_NM_COUNT, 0, m), -EINVAL);
	assert_int_equal(snpu_prune_select(s, 2, 4, SNPU_GRAN_BLOCK,
					   SNPU_BLOCK_COUNT, 0, m), -EINVAL);
	assert_int_equal(snpu_prune_select(s, 2, 4, SNPU_GRAN_COUNT, 0, 0, m),
			 -EINVAL);
	assert_int_equal(snpu_prune_select(s, 2, 4, SNPU_GRAN_UNSTRUCTURED, 0,
					   1.5f, m), -EINVAL);
	assert_int_equal(snpu_prune_select(s, 2, 4, SNPU_GRAN_UNSTRUCTURED, 0,
					   NAN, m), -EINVAL);
	assert_int_equal(snpu_prune_select(s, 0, 4, SNPU_GRAN_UNSTRUCTURED, 0,
					   0.5f, m), -EINVAL);
}

/* ---- scores -------------------------------------------------------------- */

static struct snpu_prune_opts opts_crit(enum snpu_criterion c)
{
	struct snpu_prune_opts o = {
		.criterion = c,
		.dflt = { .sparsity = 0.5f },
		.calib_batch = 4,
	};
	return o;
}

static void snpu_prune_scores_l1_l2_use_device_order(void **state)
{
	struct snpu_graph *g = conv_net();
	struct snpu_prune_scores s;
	char err[ERR_SIZE] = "";
	const struct snpu_gtensor *w1, *w3;
	size_t e;
	float v;
	int crit;

	w1 = wt(g, "conv1.weight");
	w3 = wt(g, "fc.weight");
	for (crit = SNPU_CRIT_L1; crit <= SNPU_CRIT_L2; crit++) {
		struct snpu_prune_opts o = opts_crit(crit);

		assert_int_equal(snpu_prune_scores(g, &o, NULL, NULL, 0, &s,
						   err, sizeof(err)), 0);
		assert_int_equal(s.n_layers, 3);
		assert_int_equal(s.layers[0].rows, 6);
		assert_int_equal(s.layers[0].k, 27);
		for (e = 0; e < 6 * 27; e++) {
			v = w1->data[e];
			assert_float_equal(s.layers[0].v[dev_index(e, 3, 9)],
					   crit == SNPU_CRIT_L1 ? fabsf(v) : v * v,
					   0);
		}
		/* fc reads a flattened [8, 4, 4]: device K is (h, w, c). */
		assert_int_equal(s.layers[2].k, 128);
		for (e = 0; e < 5 * 128; e++) {
			v = w3->data[e];
			assert_float_equal(s.layers[2].v[dev_index(e, 8, 16)],
					   crit == SNPU_CRIT_L1 ? fabsf(v) : v * v,
					   0);
		}
		snpu_prune_scores_free(&s);
	}
	snpu_graph_free(g);
}

static void snpu_prune_scores_normalize_divides_by_layer_norm(void **state)
{
	struct snpu_graph *g = gemm_net(6, 5, 3, 1);
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_L1);
	struct snpu_prune_scores s;
	char err[ERR_SIZE] = "";
	const struct snpu_gtensor *w = wt(g, "fc2.weight");
	double norm = 0, ss = 0;
	uint32_t i;

	o.normalize = true;
	assert_int_equal(snpu_prune_scores(g, &o, NULL, NULL, 0, &s, err,
					   sizeof(err)), 0);
	for (i = 0; i < 15; i++)
		norm += (double)w->data[i] * w->data[i];
	norm = sqrt(norm);
	for (i = 0; i < 15; i++) {
		close_rel(s.layers[1].v[i], fabs(w->data[i]) / norm, 1e-5);
		ss += (double)s.layers[1].v[i] * s.layers[1].v[i];
	}
	close_rel(ss, 1.0, 1e-5);
	snpu_prune_scores_free(&s);
	snpu_graph_free(g);
}

static void snpu_prune_scores_skip_leaves_layer_unscored(void **state)
{
	struct snpu_graph *g = gemm_net(6, 5, 3, 1);
	struct snpu_prune_spec specs[1] = { { .skip = true } };
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_L1);
	struct snpu_prune_scores s;
	char err[ERR_SIZE] = "";

	o.n_specs = 1;
	o.specs = specs;
	assert_int_equal(snpu_prune_scores(g, &o, NULL, NULL, 0, &s, err,
					   sizeof(err)), 0);
	assert_null(s.layers[0].v);
	assert_non_null(s.layers[1].v);
	snpu_prune_scores_free(&s);
	snpu_graph_free(g);
}

/*
 * Sum over samples and output positions of the squared input under tap
 * (y, x) of channel c of a 3x3, pad 1 Conv on C x 8 x 8 inputs.
 */
static double window_sumsq(const float *xs, uint32_t n, uint32_t cin,
			   uint32_t c, uint32_t y, uint32_t x)
{
	double sum = 0, v;
	int oy, ox, iy, ix;

	for (uint32_t i = 0; i < n; i++) {
		for (oy = 0; oy < 8; oy++) {
			for (ox = 0; ox < 8; ox++) {
				iy = oy + (int)y - 1;
				ix = ox + (int)x - 1;
				if (iy < 0 || iy >= 8 || ix < 0 || ix >= 8)
					continue;
				v = xs[((i * cin + c) * 8 + iy) * 8 + ix];
				sum += v * v;
			}
		}
	}
	return sum;
}

/* Wanda on a Conv: the norms of the zero-padded 3x3 windows, by hand. */
static void snpu_prune_scores_wanda_conv_matches_window_norms(void **state)
{
	struct snpu_graph *g = conv_net();
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_WANDA);
	struct snpu_prune_scores s;
	char err[ERR_SIZE] = "";
	uint32_t n = 10, c, tap;
	float *xs = rnd_array((size_t)n * 3 * 64, 1);
	const struct snpu_gtensor *w1 = wt(g, "conv1.weight");
	double colsq[3][9];
	size_t e;

	assert_int_equal(snpu_prune_scores(g, &o, xs, NULL, n, &s, err,
					   sizeof(err)), 0);
	for (c = 0; c < 3; c++)
		for (tap = 0; tap < 9; tap++)
			colsq[c][tap] = window_sumsq(xs, n, 3, c, tap / 3,
						     tap % 3);
	/* ONNX element e is (r, c, tap): its norm is colsq[c][tap]. */
	for (e = 0; e < 6 * 27; e++)
		close_rel(s.layers[0].v[dev_index(e, 3, 9)],
			  fabs(w1->data[e]) * sqrt(colsq[e % 27 / 9][e % 9]),
			  1e-5);
	snpu_prune_scores_free(&s);
	snpu_graph_free(g);
	free(xs);
}

/* Wanda on Gemms: after a Flatten (device order) and after a Relu. */
static void snpu_prune_scores_wanda_gemm_matches_input_norms(void **state)
{
	struct snpu_graph *g = flat_net();
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_WANDA);
	struct snpu_prune_scores s;
	char err[ERR_SIZE] = "";
	uint32_t n = 9, i, r, j;
	float *xs = rnd_array((size_t)n * 18, 1);
	size_t e;
	const struct snpu_gtensor *b;
	double colsq[18] = { 0 }, hid;

	assert_int_equal(snpu_prune_scores(g, &o, xs, NULL, n, &s, err,
					   sizeof(err)), 0);
	b = wt(g, "fc.weight");
	/* Input element (c, h, w) feeds device column (h, w, c). */
	for (i = 0; i < n; i++)
		for (e = 0; e < 18; e++)
			colsq[dev_index(e, 2, 9)] += (double)xs[i * 18 + e] *
						     xs[i * 18 + e];
	for (e = 0; e < 4 * 18; e++) {
		j = (uint32_t)dev_index(e, 2, 9);
		close_rel(s.layers[0].v[j],
			  fabs(b->data[e]) * sqrt(colsq[j % 18]), 1e-5);
	}
	snpu_prune_scores_free(&s);
	snpu_graph_free(g);
	free(xs);

	/* Second Gemm of gemm_net: its input is relu(x W1^T + b1). */
	g = gemm_net(6, 5, 3, 1);
	xs = rnd_array((size_t)n * 6, 1);
	assert_int_equal(snpu_prune_scores(g, &o, xs, NULL, n, &s, err,
					   sizeof(err)), 0);
	{
		const struct snpu_gtensor *w1 = wt(g, "fc1.weight");
		const struct snpu_gtensor *b1 = wt(g, "fc1.bias");
		const struct snpu_gtensor *w2 = wt(g, "fc2.weight");
		double cs[5] = { 0 };

		for (i = 0; i < n; i++)
			for (j = 0; j < 5; j++) {
				hid = b1->data[j] + dot(xs + i * 6,
							w1->data + j * 6, 6);
				hid = hid > 0 ? hid : 0;
				cs[j] += hid * hid;
			}
		for (r = 0; r < 3; r++)
			for (j = 0; j < 5; j++)
				close_rel(s.layers[1].v[r * 5 + j],
					  fabs(w2->data[r * 5 + j]) * sqrt(cs[j]),
					  1e-4);
	}
	snpu_prune_scores_free(&s);
	snpu_graph_free(g);
	free(xs);
}

/*
 * GRAD and TAYLOR on one Gemm: per batch dL/dW = (softmax - onehot)^T x / B
 * (mean cross-entropy), |.| summed over the batches 4, 4, 2.
 */
static void snpu_prune_scores_grad_taylor_match_analytic(void **state)
{
	struct snpu_graph *g = snpu_graph_new("lin");
	int64_t xd[2] = { -1, 7 };
	uint32_t n = 10, K = 7, C = 4, i, c, q, first, cnt, t;
	float *xs = rnd_array((size_t)n * K, 1);
	uint8_t ys[10];
	double gabs[28] = { 0 }, z[4], mx, sum;
	const struct snpu_gtensor *w, *b;
	struct snpu_prune_scores s;
	char err[ERR_SIZE] = "";
	int crit;

	assert_non_null(g);
	t = add_input(g, 2, xd);
	t = add_gemm(g, "fc", t, C, K, 1);
	finish(g, t);
	for (i = 0; i < n; i++)
		ys[i] = (uint8_t)(i * 7 % C);
	w = wt(g, "fc.weight");
	b = wt(g, "fc.bias");
	for (first = 0; first < n; first += cnt) {
		cnt = n - first < 4 ? n - first : 4;
		double dw[28] = { 0 };

		for (i = first; i < first + cnt; i++) {
			mx = -INFINITY;
			for (c = 0; c < C; c++) {
				z[c] = b->data[c] + dot(xs + i * K,
							w->data + c * K, K);
				mx = fmax(mx, z[c]);
			}
			for (c = 0, sum = 0; c < C; c++)
				sum += exp(z[c] - mx);
			for (c = 0; c < C; c++) {
				double d = exp(z[c] - mx) / sum - (ys[i] == c);

				d /= cnt;

				for (q = 0; q < K; q++)
					dw[c * K + q] += d * xs[i * K + q];
			}
		}
		for (q = 0; q < C * K; q++)
			gabs[q] += fabs(dw[q]);
	}
	for (crit = SNPU_CRIT_GRAD; crit <= SNPU_CRIT_TAYLOR; crit++) {
		struct snpu_prune_opts o = opts_crit(crit);

		assert_int_equal(snpu_prune_scores(g, &o, xs, ys, n, &s, err,
						   sizeof(err)), 0);
		for (q = 0; q < C * K; q++)
			close_rel(s.layers[0].v[q],
				  crit == SNPU_CRIT_GRAD ? gabs[q] :
				  gabs[q] * fabs(w->data[q]), 1e-3);
		snpu_prune_scores_free(&s);
	}
	/* Labels are required and must be below the class count. */
	{
		struct snpu_prune_opts o = opts_crit(SNPU_CRIT_GRAD);

		assert_int_equal(snpu_prune_scores(g, &o, xs, NULL, n, &s, err,
						   sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "labels"));
		ys[9] = 4;
		assert_int_equal(snpu_prune_scores(g, &o, xs, ys, n, &s, err,
						   sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "label 4 of sample 9"));
	}
	snpu_graph_free(g);
	free(xs);
}

/* Entropy of fc1's Relu outputs, 32 bins over each neuron's range. */
static void snpu_prune_scores_entropy_matches_histogram(void **state)
{
	struct snpu_graph *g = gemm_net(6, 5, 3, 1);
	struct snpu_prune_spec specs[2] = {
		{ .gran = SNPU_GRAN_CHANNEL, .sparsity = 0.4f },
		{ .skip = true },
	};
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_ENTROPY);
	struct snpu_prune_scores s;
	char err[ERR_SIZE] = "";
	uint32_t n = 50, i, j, q, bin;
	float *xs = rnd_array((size_t)n * 6, 1);
	double act[50], lo, hi, h, p;
	uint32_t hist[32];
	struct snpu_gtensor *b1;

	b1 = (struct snpu_gtensor *)wt(g, "fc1.bias");
	b1->data[2] = -100;	/* a dead neuron: entropy 0 */
	o.n_specs = 2;
	o.specs = specs;
	assert_int_equal(snpu_prune_scores(g, &o, xs, NULL, n, &s, err,
					   sizeof(err)), 0);
	{
		const struct snpu_gtensor *w1 = wt(g, "fc1.weight");

		for (j = 0; j < 5; j++) {
			lo = INFINITY;
			hi = -INFINITY;
			for (i = 0; i < n; i++) {
				act[i] = b1->data[j] + dot(xs + i * 6,
							   w1->data + j * 6, 6);
				act[i] = act[i] > 0 ? act[i] : 0;
				lo = fmin(lo, act[i]);
				hi = fmax(hi, act[i]);
			}
			memset(hist, 0, sizeof(hist));
			for (i = 0; i < n; i++) {
				bin = 0;
				if (hi > lo)
					bin = (uint32_t)((act[i] - lo) /
							 (hi - lo) * 32);
				hist[bin > 31 ? 31 : bin]++;
			}
			for (q = 0, h = 0; q < 32; q++) {
				if (!hist[q])
					continue;
				p = (double)hist[q] / n;
				h -= p * log2(p);
			}
			assert_float_equal(s.layers[0].v[j], h, 1e-4);
		}
		assert_float_equal(s.layers[0].v[2], 0, 0);
	}
	snpu_prune_scores_free(&s);
	/* Entropy scores channels only. */
	specs[0].gran = SNPU_GRAN_UNSTRUCTURED;
	assert_int_equal(snpu_prune_scores(g, &o, xs, NULL, n, &s, err,
					   sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "fc1"));
	snpu_graph_free(g);
	free(xs);
}

/* ---- one shot ------------------------------------------------------------ */

/* Device-order weights and mask of layer @i. */
static void layer_get(const struct snpu_graph *g, int i, float **w,
		      uint8_t **m, uint32_t *rows, uint32_t *k)
{
	struct snpu_graph *c = snpu_graph_clone(g);
	struct snpu_wview *v;
	char err[ERR_SIZE] = "";
	int n;

	/* The device order of a flattened input needs its shape. */
	assert_non_null(c);
	assert_int_equal(snpu_graph_infer_shapes(c, 1, err, sizeof(err)), 0);
	n = snpu_graph_wviews(c, &v, err, sizeof(err));
	assert_true(n > i);
	*rows = v[i].rows;
	*k = v[i].k;
	*w = malloc(sizeof(float) * v[i].rows * v[i].k);
	*m = malloc((size_t)v[i].rows * v[i].k);
	assert_non_null(*w);
	assert_non_null(*m);
	snpu_wview_get(c, &v[i], *w, *m);
	snpu_wviews_free(v, n);
	snpu_graph_free(c);
}

/*
 * Pruned weights are exactly 0, kept ones unchanged from @orig (same
 * layer), and the mask says which is which. Returns the zeros.
 */
static uint64_t check_layer(const struct snpu_graph *g,
			    const struct snpu_graph *orig, int i)
{
	float *w, *w0;
	uint8_t *m, *m0;
	uint32_t rows, k, rows0, k0;
	uint64_t z = 0;

	layer_get(g, i, &w, &m, &rows, &k);
	layer_get(orig, i, &w0, &m0, &rows0, &k0);
	assert_int_equal(rows, rows0);
	assert_int_equal(k, k0);
	assert_non_null(g->tensors[g->nodes[0].in[1]].data);
	for (size_t e = 0; e < (size_t)rows * k; e++) {
		if (m[e]) {
			assert_float_equal(w[e], w0[e], 0);
		} else {
			assert_true(w[e] == 0.0f && !signbit(w[e]));
			z++;
		}
	}
	free(w);
	free(w0);
	free(m);
	free(m0);
	return z;
}

static void snpu_prune_oneshot_unstructured_exact_per_layer(void **state)
{
	struct snpu_graph *g = conv_net(), *orig = snpu_graph_clone(g);
	struct snpu_prune_spec specs[3] = {
		{ .sparsity = 0.3f }, { .sparsity = 0.6f }, { .sparsity = 0.85f },
	};
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_L1);
	struct snpu_prune_report rep;
	char err[ERR_SIZE] = "";
	uint64_t n[3] = { 6 * 27, 8 * 54, 5 * 128 }, z, kept = 0, tot = 0;

	o.n_specs = 3;
	o.specs = specs;
	assert_int_equal(snpu_prune_oneshot(g, &o, NULL, NULL, 0, &rep, err,
					    sizeof(err)), 0);
	assert_int_equal(rep.n_layers, 3);
	for (int i = 0; i < 3; i++) {
		z = check_layer(g, orig, i);
		assert_int_equal(z, lround_count(specs[i].sparsity, n[i]));
		assert_int_equal(rep.layers[i].kept, n[i] - z);
		assert_int_equal(rep.layers[i].rows0 * rep.layers[i].k0, n[i]);
		assert_float_equal(rep.layers[i].sparsity,
				   (double)z / n[i], 1e-6);
		kept += n[i] - z;
		tot += n[i];
	}
	assert_string_equal(rep.layers[1].name, "conv2");
	assert_int_equal(rep.kept, kept);
	assert_int_equal(rep.total0, tot);
	/* The graph input still declares any batch. */
	assert_int_equal(g->tensors[g->inputs[0]].dims[0], -1);
	snpu_prune_report_free(&rep);
	snpu_graph_free(g);
	snpu_graph_free(orig);
}

/* The pruned device matrix, all kept weights 1, as a one-layer FC model. */
static int pack_layer(const float *w, const uint8_t *m, uint32_t rows,
		      uint32_t k, uint32_t enc, uint32_t variant, bool extra)
{
	struct snpu_pack_tensor t[2] = {
		{ 1, 1, k, 0, 0.5f }, { 1, 1, rows, 0, 0.25f },
	};
	int8_t *q = calloc((size_t)rows * k, 1);
	int32_t *bias = calloc(rows, 4), *mult = calloc(rows, 4);
	int32_t *shift = calloc(rows, 4);
	struct snpu_pack_layer l = {
		.op = SNPU_OP_FC, .encoding = enc, .variant = variant,
		.input = 0, .output = 1, .out_channels = rows, .weights = q,
		.bias = bias, .mult = mult, .shift = shift,
		.act_min = -128, .act_max = 127,
	};
	struct snpu_pack_model pm = {
		.n_tensors = 2, .tensors = t, .n_layers = 1, .layers = &l,
		.input = 0, .output = 1,
	};
	void *blob = NULL;
	size_t size;
	char err[ERR_SIZE] = "";
	int ret;

	assert_non_null(q);
	assert_non_null(bias);
	assert_non_null(mult);
	assert_non_null(shift);
	for (size_t e = 0; e < (size_t)rows * k; e++) {
		assert_true(m[e] || w[e] == 0);
		q[e] = m[e] ? 1 : 0;
	}
	for (uint32_t r = 0; r < rows; r++)
		mult[r] = 0x40000000;
	/* A negative control: one more nonzero where the mask pruned. */
	for (size_t e = 0; extra && e < (size_t)rows * k; e++) {
		if (!q[e]) {
			q[e] = 1;
			break;
		}
	}
	ret = snpu_pack(&pm, &blob, &size, NULL, err, sizeof(err));
	free(blob);
	free(q);
	free(bias);
	free(mult);
	free(shift);
	return ret;
}

static void snpu_prune_oneshot_nm_block_masks_pack(void **state)
{
	uint32_t v, n, mm, br, bc, rows, k, r, j, p, kept, real;
	char err[ERR_SIZE] = "";
	int layer;

	for (v = 0; v < SNPU_NM_COUNT; v++) {
		struct snpu_graph *g = conv_net(), *orig = snpu_graph_clone(g);
		struct snpu_prune_opts o = opts_crit(SNPU_CRIT_L2);
		float *w;
		uint8_t *m;

		o.dflt.gran = SNPU_GRAN_NM;
		o.dflt.variant = v;
		snpu_nm_dims(v, &n, &mm);
		assert_int_equal(snpu_prune_oneshot(g, &o, NULL, NULL, 0, NULL,
						    err, sizeof(err)), 0);
		for (layer = 0; layer < 3; layer++) {
			check_layer(g, orig, layer);
			layer_get(g, layer, &w, &m, &rows, &k);
			/* conv1 has K = 27: a tail group of 3. */
			for (r = 0; r < rows; r++) {
				for (j = 0; j < k; j += mm) {
					real = k - j < mm ? k - j : mm;
					for (p = 0, kept = 0; p < real; p++)
						kept += m[r * k + j + p];
					assert_int_equal(kept, real < n ? real : n);
				}
			}
			assert_int_equal(pack_layer(w, m, rows, k, SNPU_ENC_NM,
						    v, false), 0);
			assert_int_equal(pack_layer(w, m, rows, k, SNPU_ENC_NM,
						    v, true), -EINVAL);
			free(w);
			free(m);
		}
		snpu_graph_free(g);
		snpu_graph_free(orig);
	}
	for (v = 0; v < SNPU_BLOCK_COUNT; v++) {
		struct snpu_graph *g = conv_net(), *orig = snpu_graph_clone(g);
		struct snpu_prune_opts o = opts_crit(SNPU_CRIT_L1);
		float *w;
		uint8_t *m;

		o.dflt.gran = SNPU_GRAN_BLOCK;
		o.dflt.variant = v;
		o.dflt.sparsity = 0.5f;
		snpu_block_dims(v, &br, &bc);
		assert_int_equal(snpu_prune_oneshot(g, &o, NULL, NULL, 0, NULL,
						    err, sizeof(err)), 0);
		for (layer = 0; layer < 3; layer++) {
			uint32_t nbr, nbc, b, y, x, zeros, cells, pruned = 0;

			check_layer(g, orig, layer);
			layer_get(g, layer, &w, &m, &rows, &k);
			nbr = (rows + br - 1) / br;
			nbc = (k + bc - 1) / bc;
			for (b = 0; b < nbr * nbc; b++) {
				zeros = cells = 0;
				for (y = 0; y < br; y++)
					for (x = 0; x < bc; x++) {
						r = b / nbc * br + y;
						j = b % nbc * bc + x;
						if (r < rows && j < k) {
							cells++;
							zeros += !m[r * k + j];
						}
					}
				assert_true(zeros == 0 || zeros == cells);
				pruned += zeros != 0;
			}
			assert_int_equal(pruned, lround_count(0.5f, nbr * nbc));
			assert_int_equal(pack_layer(w, m, rows, k,
						    SNPU_ENC_BLOCK, v, false),
					 0);
			free(w);
			free(m);
		}
		snpu_graph_free(g);
		snpu_graph_free(orig);
	}
}

/*
 * Global scope: one threshold. fc2's weights are 20 times larger, so raw
 * magnitudes prune fc1 far more; normalized scores compare each weight
 * with its own layer's norm.
 */
static void snpu_prune_oneshot_global_shares_one_threshold(void **state)
{
	char err[ERR_SIZE] = "";
	int norm;

	for (norm = 0; norm < 2; norm++) {
		struct snpu_graph *g = gemm_net(20, 16, 10, 20);
		struct snpu_graph *orig = snpu_graph_clone(g);
		struct snpu_prune_opts o = opts_crit(SNPU_CRIT_L1);
		struct snpu_prune_report rep;
		const struct snpu_gtensor *w[2] = {
			wt(orig, "fc1.weight"), wt(orig, "fc2.weight"),
		};
		const struct snpu_gtensor *pw[2];
		size_t n[2] = { 320, 160 };
		double l2[2] = { 0, 0 }, maxp = -INFINITY, mink = INFINITY, sc;
		uint64_t z = 0;

		o.scope = SNPU_SCOPE_GLOBAL;
		o.global_sparsity = 0.5f;
		o.normalize = norm;
		assert_int_equal(snpu_prune_oneshot(g, &o, NULL, NULL, 0, &rep,
						    err, sizeof(err)), 0);
		/* The pruned graph's tensors are new: look them up now. */
		pw[0] = wt(g, "fc1.weight");
		pw[1] = wt(g, "fc2.weight");
		for (int l = 0; l < 2; l++) {
			for (size_t i = 0; i < n[l]; i++)
				l2[l] += (double)w[l]->data[i] * w[l]->data[i];
			l2[l] = norm ? sqrt(l2[l]) : 1;
		}
		for (int l = 0; l < 2; l++) {
			z += check_layer(g, orig, l);
			for (size_t i = 0; i < n[l]; i++) {
				sc = fabs(w[l]->data[i]) / l2[l];
				if (pw[l]->mask[i])
					mink = fmin(mink, sc);
				else
					maxp = fmax(maxp, sc);
			}
		}
		assert_int_equal(z, lround_count(0.5f, 480));
		assert_true(maxp <= mink * (1 + 1e-6));
		if (norm) {
			/* Comparable scales: both layers get pruned. */
			assert_true(rep.layers[0].sparsity > 0.2f);
			assert_true(rep.layers[1].sparsity > 0.2f);
		} else {
			/* fc1 takes (nearly) all of it. */
			assert_true(rep.layers[0].sparsity > 0.7f);
			assert_true(rep.layers[1].sparsity < 0.05f);
		}
		assert_float_equal(rep.sparsity, 240.0 / 480, 1e-6);
		snpu_prune_report_free(&rep);
		snpu_graph_free(g);
		snpu_graph_free(orig);
	}
}

/* Global scope applies to unstructured layers; others follow their spec. */
static void snpu_prune_oneshot_global_with_nm_layer(void **state)
{
	struct snpu_graph *g = gemm_net(20, 16, 10, 1);
	struct snpu_prune_spec specs[2] = {
		{ .gran = SNPU_GRAN_UNSTRUCTURED },
		{ .gran = SNPU_GRAN_NM, .variant = SNPU_NM_2_4 },
	};
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_L1);
	struct snpu_prune_report rep;
	char err[ERR_SIZE] = "";

	o.scope = SNPU_SCOPE_GLOBAL;
	o.global_sparsity = 0.25f;
	o.n_specs = 2;
	o.specs = specs;
	assert_int_equal(snpu_prune_oneshot(g, &o, NULL, NULL, 0, &rep, err,
					    sizeof(err)), 0);
	assert_int_equal(rep.layers[0].kept, 320 - lround_count(0.25f, 320));
	assert_int_equal(rep.layers[1].kept, 80);
	snpu_prune_report_free(&rep);
	snpu_graph_free(g);
}

/* A second pass never revives what the first pruned. */
static void snpu_prune_oneshot_keeps_earlier_mask(void **state)
{
	struct snpu_graph *g = gemm_net(6, 8, 3, 1);
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_L1);
	struct snpu_prune_spec specs[2] = {
		{ .sparsity = 0.5f }, { .skip = true },
	};
	char err[ERR_SIZE] = "";
	uint8_t first[48];
	uint32_t n = 12, i;
	float *xs = rnd_array((size_t)n * 6, 1);
	uint8_t ys[12];

	o.n_specs = 2;
	o.specs = specs;
	for (i = 0; i < n; i++)
		ys[i] = (uint8_t)(i % 3);
	assert_int_equal(snpu_prune_oneshot(g, &o, NULL, NULL, 0, NULL, err,
					    sizeof(err)), 0);
	memcpy(first, wt(g, "fc1.weight")->mask, 48);
	/* GRAD would score a zero weight by its (nonzero) gradient. */
	o.criterion = SNPU_CRIT_GRAD;
	specs[0].sparsity = 0.75f;
	assert_int_equal(snpu_prune_oneshot(g, &o, xs, ys, n, NULL, err,
					    sizeof(err)), 0);
	for (i = 0; i < 48; i++)
		if (!first[i])
			assert_int_equal(wt(g, "fc1.weight")->mask[i], 0);
	assert_int_equal(count_zero(wt(g, "fc1.weight")->mask, 48), 36);
	assert_null(wt(g, "fc2.weight")->mask);
	snpu_graph_free(g);
	free(xs);
}

static void expect_refused(struct snpu_graph *g,
			   const struct snpu_prune_opts *o, const float *xs,
			   const uint8_t *ys, uint32_t n, const char *what)
{
	struct snpu_graph *before = snpu_graph_clone(g);
	struct snpu_prune_report rep;
	char err[ERR_SIZE] = "";

	assert_non_null(before);
	assert_int_equal(snpu_prune_oneshot(g, o, xs, ys, n, &rep, err,
					    sizeof(err)), -EINVAL);
	if (!strstr(err, what)) {
		print_error("message '%s' lacks '%s'\n", err, what);
		fail();
	}
	assert_int_equal(rep.n_layers, 0);
	/* Nothing changed. */
	assert_int_equal(g->n_tensors, before->n_tensors);
	assert_int_equal(g->n_nodes, before->n_nodes);
	for (uint32_t t = 0; t < g->n_tensors; t++) {
		int64_t n_el = snpu_gtensor_numel(&g->tensors[t]);

		assert_memory_equal(g->tensors[t].dims, before->tensors[t].dims,
				    sizeof(g->tensors[t].dims));
		if (g->tensors[t].data)
			assert_memory_equal(g->tensors[t].data,
					    before->tensors[t].data,
					    sizeof(float) * n_el);
		assert_true(!g->tensors[t].mask == !before->tensors[t].mask);
	}
	snpu_graph_free(before);
}

static void snpu_prune_oneshot_rejects_bad_options(void **state)
{
	struct snpu_graph *g = conv_net();
	struct snpu_prune_spec specs[3] = {
		{ .sparsity = 0.5f }, { .sparsity = 0.5f }, { .sparsity = 0.5f },
	};
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_L1);
	float *xs = rnd_array(4 * 192, 1);
	uint8_t ys[4] = { 0, 1, 2, 9 };

	o.n_specs = 3;
	o.specs = specs;
	specs[1].sparsity = 1.5f;
	expect_refused(g, &o, NULL, NULL, 0, "conv2': sparsity 1.5");
	specs[1].sparsity = 0.5f;
	specs[2].gran = SNPU_GRAN_NM;
	specs[2].variant = 7;
	expect_refused(g, &o, NULL, NULL, 0, "unknown N:M variant 7");
	specs[2].gran = SNPU_GRAN_CHANNEL;
	/* fc writes the graph output: no consumer to rewire. */
	expect_refused(g, &o, NULL, NULL, 0, "graph output");
	specs[2].gran = SNPU_GRAN_UNSTRUCTURED;
	o.criterion = SNPU_CRIT_WANDA;
	expect_refused(g, &o, NULL, NULL, 0, "calibration inputs");
	o.criterion = SNPU_CRIT_TAYLOR;
	expect_refused(g, &o, xs, ys, 4, "label 9 of sample 3");
	o.criterion = SNPU_CRIT_SPARSEGPT;
	o.scope = SNPU_SCOPE_GLOBAL;
	expect_refused(g, &o, xs, NULL, 4, "no global scope");
	o.scope = SNPU_SCOPE_LAYER;
	specs[0].gran = SNPU_GRAN_CHANNEL;
	expect_refused(g, &o, xs, NULL, 4, "SparseGPT does not remove");
	o.criterion = SNPU_CRIT_COUNT;
	expect_refused(g, &o, xs, NULL, 4, "unknown criterion");
	snpu_graph_free(g);
	free(xs);
}

/* ---- channel removal ----------------------------------------------------- */

/*
 * Remove the channels @keep drops from layer @node of @g and check the
 * result computes exactly what @g computes with those channels' weights
 * and bias zeroed.
 */
static void check_removal(struct snpu_graph *g, const char *wname,
			  const char *bname, const uint8_t *keep,
			  uint32_t rows, uint32_t node, uint32_t batch)
{
	struct snpu_graph *zeroed = snpu_graph_clone(g);
	struct snpu_gtensor *w, *b;
	char err[ERR_SIZE] = "";
	int64_t d[SNPU_GRAPH_MAX_DIMS], nx = 1, ny;
	struct snpu_exec *ex;
	float *xs, *y0, *y1;
	uint32_t nd, kept = 0;
	size_t inner;

	assert_non_null(zeroed);
	w = (struct snpu_gtensor *)wt(zeroed, wname);
	b = (struct snpu_gtensor *)wt(zeroed, bname);
	inner = (size_t)snpu_gtensor_numel(w) / rows;
	for (uint32_t r = 0; r < rows; r++) {
		kept += !!keep[r];
		if (keep[r])
			continue;
		memset(w->data + r * inner, 0, sizeof(float) * inner);
		b->data[r] = 0;
	}
	assert_int_equal(snpu_prune_remove_channels(g, node, keep, err,
						    sizeof(err)), 0);
	assert_int_equal(wt(g, wname)->dims[0], kept);
	assert_int_equal(wt(g, bname)->dims[0], kept);

	assert_int_equal(snpu_exec_create(zeroed, batch, 0, &ex, err,
					  sizeof(err)), 0);
	nd = snpu_exec_dims(ex, zeroed->inputs[0], d);
	for (uint32_t i = 0; i < nd; i++)
		nx *= d[i];
	nd = snpu_exec_dims(ex, zeroed->outputs[0], d);
	ny = 1;
	for (uint32_t i = 0; i < nd; i++)
		ny *= d[i];
	snpu_exec_destroy(ex);
	xs = rnd_array((size_t)nx, 1);
	y0 = malloc(sizeof(float) * ny);
	y1 = malloc(sizeof(float) * ny);
	assert_non_null(y0);
	assert_non_null(y1);
	run(zeroed, xs, batch, y0, ny);
	run(g, xs, batch, y1, ny);
	/* Only the order of additions of exact zeros differs. */
	for (int64_t i = 0; i < ny; i++)
		assert_float_equal(y1[i], y0[i], 1e-5 * (1 + fabsf(y0[i])));
	free(xs);
	free(y0);
	free(y1);
	snpu_graph_free(zeroed);
}

static void snpu_prune_remove_channels_conv_conv_matches_zeroed(void **state)
{
	struct snpu_graph *g = conv_net();
	uint8_t keep[6] = { 1, 0, 1, 1, 0, 1 };

	check_removal(g, "conv1.weight", "conv1.bias", keep, 6, 0, 3);
	assert_int_equal(wt(g, "conv2.weight")->dims[1], 4);
	snpu_graph_free(g);
}

static void snpu_prune_remove_channels_conv_flatten_gemm_matches_zeroed(
	void **state)
{
	struct snpu_graph *g = conv_net();
	uint8_t keep[8] = { 0, 1, 1, 0, 1, 1, 1, 0 };
	struct snpu_wview *v;
	char err[ERR_SIZE] = "";
	int n;

	check_removal(g, "conv2.weight", "conv2.bias", keep, 8, 3, 2);
	assert_int_equal(wt(g, "fc.weight")->dims[1], 5 * 16);
	/* The device view follows the new shape. */
	n = snpu_graph_wviews(g, &v, err, sizeof(err));
	assert_int_equal(n, 3);
	assert_int_equal(v[2].k, 80);
	snpu_wviews_free(v, n);
	snpu_graph_free(g);
}

static void snpu_prune_remove_channels_gemm_gemm_matches_zeroed(void **state)
{
	struct snpu_graph *g = gemm_net(6, 7, 3, 1);
	uint8_t keep[7] = { 1, 1, 0, 1, 0, 0, 1 };

	/* With a mask on the consumer: it shrinks along. */
	{
		struct snpu_gtensor *w2 = (struct snpu_gtensor *)
			wt(g, "fc2.weight");

		w2->mask = malloc(21);
		assert_non_null(w2->mask);
		for (int i = 0; i < 21; i++)
			w2->mask[i] = (uint8_t)(i % 7 != 3);
	}
	check_removal(g, "fc1.weight", "fc1.bias", keep, 7, 0, 4);
	assert_int_equal(wt(g, "fc2.weight")->dims[1], 4);
	/* Column 3 of 7 survived as column 2 of 4, masked in every row. */
	for (int r = 0; r < 3; r++)
		for (int j = 0; j < 4; j++)
			assert_int_equal(wt(g, "fc2.weight")->mask[r * 4 + j],
					 j != 2);
	snpu_graph_free(g);
}

/* A Reshape to [-1, C*H*W] is followed like a Flatten. */
static void snpu_prune_remove_channels_through_reshape(void **state)
{
	struct snpu_graph *g = snpu_graph_new("reshape_net");
	int64_t xd[4] = { -1, 2, 4, 4 }, sd[1] = { 2 }, shape[2] = { -1, 64 };
	uint32_t t, in[2];
	uint8_t keep[4] = { 1, 0, 0, 1 };

	assert_non_null(g);
	t = add_input(g, 4, xd);
	t = add_conv(g, "conv", t, 4, 2, 1);
	t = add_op(g, "pool", SNPU_GOP_AVGPOOL, 1, &t);
	g->nodes[g->n_nodes - 1].attr.kernel[0] = 2;
	g->nodes[g->n_nodes - 1].attr.kernel[1] = 2;
	g->nodes[g->n_nodes - 1].attr.strides[0] = 2;
	g->nodes[g->n_nodes - 1].attr.strides[1] = 2;
	in[0] = t;
	shape[1] = 16;
	in[1] = snpu_graph_add_i64(g, "shape", 1, sd, shape);
	t = add_op(g, "reshape", SNPU_GOP_RESHAPE, 2, in);
	t = add_gemm(g, "fc", t, 3, 16, 0.5f);
	finish(g, t);
	check_removal(g, "conv.weight", "conv.bias", keep, 4, 0, 2);
	assert_int_equal(wt(g, "shape")->i64[1], 8);
	snpu_graph_free(g);
}

static void expect_removal_refused(struct snpu_graph *g, uint32_t node,
				   const uint8_t *keep, const char *what)
{
	struct snpu_graph *before = snpu_graph_clone(g);
	char err[ERR_SIZE] = "";

	assert_int_equal(snpu_prune_remove_channels(g, node, keep, err,
						    sizeof(err)), -EINVAL);
	if (!strstr(err, what)) {
		print_error("message '%s' lacks '%s'\n", err, what);
		fail();
	}
	for (uint32_t t = 0; t < g->n_tensors; t++) {
		assert_memory_equal(g->tensors[t].dims, before->tensors[t].dims,
				    sizeof(g->tensors[t].dims));
		if (g->tensors[t].data)
			assert_memory_equal(g->tensors[t].data,
					    before->tensors[t].data,
					    sizeof(float) *
					    snpu_gtensor_numel(&g->tensors[t]));
	}
	snpu_graph_free(before);
}

static void snpu_prune_remove_channels_refuses_unrewirable(void **state)
{
	struct snpu_graph *g = snpu_graph_new("add_net");
	int64_t xd[4] = { -1, 4, 4, 4 };
	uint32_t x, t, in[2];
	uint8_t keep[4] = { 1, 0, 1, 1 };

	/* x -> conv -> Add(x) -> y: a residual cannot lose channels. */
	assert_non_null(g);
	x = add_input(g, 4, xd);
	t = add_conv(g, "conv", x, 4, 4, 1);
	in[0] = t;
	in[1] = x;
	t = add_op(g, "add", SNPU_GOP_ADD, 2, in);
	finish(g, t);
	expect_removal_refused(g, 0, keep, "cannot be rewired (node 'add')");
	snpu_graph_free(g);

	/* The last layer writes the graph output. */
	g = gemm_net(6, 5, 3, 1);
	expect_removal_refused(g, 2, keep, "graph output");
	expect_removal_refused(g, 9, keep, "has 3 nodes");
	expect_removal_refused(g, 1, keep, "not a canonical Conv or Gemm");
	/* Keeping nothing is refused too. */
	{
		uint8_t none[5] = { 0 };

		expect_removal_refused(g, 0, none, "every channel");
	}
	snpu_graph_free(g);

	/* A depthwise consumer ties its channels to its groups. */
	g = snpu_graph_new("dw_net");
	assert_non_null(g);
	t = add_input(g, 4, xd);
	t = add_conv(g, "conv", t, 4, 4, 1);
	t = add_conv(g, "dw", t, 4, 4, 4);
	finish(g, t);
	expect_removal_refused(g, 0, keep, "grouped");
	snpu_graph_free(g);

	/* A Clip whose range excludes 0. */
	g = snpu_graph_new("clip_net");
	assert_non_null(g);
	t = add_input(g, 4, xd);
	t = add_conv(g, "conv", t, 4, 4, 1);
	t = add_op(g, "clip", SNPU_GOP_CLIP, 1, &t);
	g->nodes[g->n_nodes - 1].attr.clip_min = 1;
	g->nodes[g->n_nodes - 1].attr.clip_max = 6;
	t = add_conv(g, "conv2", t, 4, 4, 1);
	finish(g, t);
	expect_removal_refused(g, 0, keep, "excludes 0");
	snpu_graph_free(g);
}

/* CHANNEL granularity in one shot removes the rows of lowest L1. */
static void snpu_prune_oneshot_channel_removes_lowest_rows(void **state)
{
	struct snpu_graph *g = conv_net(), *orig = snpu_graph_clone(g);
	struct snpu_prune_spec specs[3] = {
		{ .gran = SNPU_GRAN_CHANNEL, .sparsity = 0.5f },
		{ .gran = SNPU_GRAN_CHANNEL, .sparsity = 0.25f },
		{ .skip = true },
	};
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_L1);
	struct snpu_prune_report rep;
	char err[ERR_SIZE] = "";
	const struct snpu_gtensor *w0 = wt(orig, "conv1.weight");
	const struct snpu_gtensor *w1 = wt(g, "conv1.weight");
	double l1[6];
	uint32_t r, q, found;

	o.n_specs = 3;
	o.specs = specs;
	assert_int_equal(snpu_prune_oneshot(g, &o, NULL, NULL, 0, &rep, err,
					    sizeof(err)), 0);
	w1 = wt(g, "conv1.weight");
	assert_int_equal(w1->dims[0], 3);
	assert_int_equal(wt(g, "conv2.weight")->dims[0], 6);
	assert_int_equal(wt(g, "conv2.weight")->dims[1], 3);
	assert_int_equal(wt(g, "fc.weight")->dims[1], 6 * 16);
	for (r = 0; r < 6; r++)
		for (q = 0, l1[r] = 0; q < 27; q++)
			l1[r] += fabs(w0->data[r * 27 + q]);
	/* Each surviving row is one of the original rows, and no removed
	 * row has a larger L1 than a surviving one. */
	for (r = 0; r < 3; r++) {
		double s = 0;

		for (q = 0; q < 27; q++)
			s += fabs(w1->data[r * 27 + q]);
		for (q = 0, found = 0; q < 6; q++)
			found += !memcmp(w1->data + r * 27, w0->data + q * 27,
					 sizeof(float) * 27);
		assert_int_equal(found, 1);
		for (q = 0; q < 6; q++) {
			bool kept = false;

			for (uint32_t z = 0; z < 3; z++)
				kept |= !memcmp(w1->data + z * 27,
						w0->data + q * 27,
						sizeof(float) * 27);
			if (!kept)
				assert_true(l1[q] <= s);
		}
	}
	assert_int_equal(rep.layers[0].rows0, 6);
	assert_int_equal(rep.layers[0].rows, 3);
	assert_int_equal(rep.layers[1].rows, 6);
	assert_int_equal(rep.layers[1].k, 27);
	assert_int_equal(rep.layers[2].k, 96);
	assert_int_equal(rep.layers[2].kept, 5 * 96);
	assert_float_equal(rep.layers[2].sparsity, 1 - 96.0 / 128, 1e-6);
	assert_true(rep.layers[2].skipped);
	snpu_prune_report_free(&rep);
	snpu_graph_free(g);
	snpu_graph_free(orig);
}

/* Entropy in one shot: the dead neuron goes first. */
static void snpu_prune_oneshot_entropy_removes_dead_neuron(void **state)
{
	struct snpu_graph *g = gemm_net(6, 8, 3, 1);
	struct snpu_prune_spec specs[2] = {
		{ .gran = SNPU_GRAN_CHANNEL, .sparsity = 0.125f },
		{ .skip = true },
	};
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_ENTROPY);
	char err[ERR_SIZE] = "";
	float *xs = rnd_array(40 * 6, 1);
	float dead_w[6];

	((struct snpu_gtensor *)wt(g, "fc1.bias"))->data[5] = -50;
	memcpy(dead_w, wt(g, "fc1.weight")->data + 30, sizeof(dead_w));
	o.n_specs = 2;
	o.specs = specs;
	assert_int_equal(snpu_prune_oneshot(g, &o, xs, NULL, 40, NULL, err,
					    sizeof(err)), 0);
	assert_int_equal(wt(g, "fc1.weight")->dims[0], 7);
	for (int r = 0; r < 7; r++)
		assert_memory_not_equal(wt(g, "fc1.weight")->data + r * 6,
					dead_w, sizeof(dead_w));
	snpu_graph_free(g);
	free(xs);
}

/* ---- schedules ----------------------------------------------------------- */

static double poly_ref(double si, double sf, uint64_t t, uint64_t b,
		       uint64_t e, uint64_t every)
{
	double p;

	if (t < b)
		return si;
	if (t >= e)
		return sf;
	t = b + (t - b) / every * every;
	p = 1 - (double)(t - b) / (double)(e - b);
	return sf + (si - sf) * p * p * p;
}

static void snpu_prune_poly_sparsity_follows_cubic(void **state)
{
	float prev = 0;

	assert_float_equal(snpu_prune_poly_sparsity(0.1f, 0.9f, 5, 10, 110, 10),
			   0.1f, 1e-6);
	assert_float_equal(snpu_prune_poly_sparsity(0.1f, 0.9f, 10, 10, 110, 10),
			   0.1f, 1e-6);
	/* Held between pruning steps. */
	assert_float_equal(snpu_prune_poly_sparsity(0.1f, 0.9f, 19, 10, 110, 10),
			   0.1f, 1e-6);
	/* Halfway: 0.9 - 0.8 * 0.5^3 = 0.8. */
	assert_float_equal(snpu_prune_poly_sparsity(0.1f, 0.9f, 60, 10, 110, 10),
			   0.8f, 1e-6);
	assert_float_equal(snpu_prune_poly_sparsity(0.1f, 0.9f, 110, 10, 110, 10),
			   0.9f, 1e-6);
	assert_float_equal(snpu_prune_poly_sparsity(0.1f, 0.9f, 5000, 10, 110,
						    10), 0.9f, 1e-6);
	for (uint64_t t = 0; t < 200; t++) {
		float s = snpu_prune_poly_sparsity(0, 0.75f, t, 20, 150, 7);

		assert_float_equal(s, poly_ref(0, 0.75, t, 20, 150, 7), 1e-6);
		assert_true(s >= prev);
		prev = s;
	}
	/* every = 0 is every step. */
	assert_float_equal(snpu_prune_poly_sparsity(0, 1, 3, 0, 4, 0),
			   1 - 0.25 * 0.25 * 0.25, 1e-6);
}

struct gradual_watch {
	struct snpu_graph *g;
	uint64_t steps;
	bool ok;
};

/* Runs after the pruner's hook, before each training step. */
static int gradual_watch_hook(void *data, uint64_t step, uint64_t total)
{
	struct gradual_watch *w = data;
	const struct snpu_gtensor *t = wt(w->g, "fc1.weight");
	uint64_t want = lround_count((float)poly_ref(0, 0.75, step, 2, 8, 2),
				     192), z;

	w->steps++;
	if (!t->mask) {
		w->ok &= want == 0;
		return 0;
	}
	z = count_zero(t->mask, 192);
	w->ok &= z == want;
	/* Masks hold: whatever the last update did, pruned are 0. */
	for (int i = 0; i < 192; i++)
		w->ok &= t->mask[i] || t->data[i] == 0;
	return 0;
}

static void snpu_prune_gradual_reaches_final_with_masks_held(void **state)
{
	struct snpu_graph *g = snpu_graph_new("tiny");
	int64_t xd[4] = { -1, 1, 4, 4 };
	struct snpu_prune_spec specs[2] = {
		{ .sparsity = 0.75f },
		{ .gran = SNPU_GRAN_NM, .variant = SNPU_NM_2_4 },
	};
	struct snpu_prune_opts o = opts_crit(SNPU_CRIT_L1);
	struct snpu_prune_schedule s = { .s_init = 0, .begin = 2, .end = 8,
					 .every = 2 };
	struct gradual_watch watch = { .ok = true };
	struct snpu_train_opts to = {
		.epochs = 2, .batch = 16, .opt = SNPU_OPT_SGD, .lr = 0.05f,
		.momentum = 0.9f, .seed = 3, .hook = gradual_watch_hook,
		.hook_data = &watch,
	};
	struct snpu_dataset ds = { .n = 96, .c = 1, .h = 4, .w = 4,
				   .classes = 4 };
	struct snpu_prune_report rep;
	char err[ERR_SIZE] = "";
	float teacher[64];
	uint32_t t, i, c, q, r, j, kept;
	float *w;
	uint8_t *m;

	assert_non_null(g);
	t = add_input(g, 4, xd);
	t = add_op(g, "flat", SNPU_GOP_FLATTEN, 1, &t);
	t = add_gemm(g, "fc1", t, 12, 16, 0.5f);
	t = add_op(g, "relu", SNPU_GOP_RELU, 1, &t);
	t = add_gemm(g, "fc2", t, 4, 12, 0.5f);
	finish(g, t);
	watch.g = g;
	/* Labels from a random linear teacher. */
	ds.x = rnd_array(96 * 16, 1);
	ds.y = malloc(96);
	assert_non_null(ds.y);
	for (i = 0; i < 64; i++)
		teacher[i] = rnd();
	for (i = 0; i < 96; i++) {
		float best = -INFINITY, z;

		for (c = 0; c < 4; c++) {
			for (q = 0, z = 0; q < 16; q++)
				z += teacher[c * 16 + q] * ds.x[i * 16 + q];
			if (z > best) {
				best = z;
				ds.y[i] = (uint8_t)c;
			}
		}
	}
	o.n_specs = 2;
	o.specs = specs;
	assert_int_equal(snpu_prune_gradual(g, &o, &ds, &to, &s, &rep, err,
					    sizeof(err)), 0);
	assert_int_equal(watch.steps, 12);
	assert_true(watch.ok);
	assert_int_equal(count_zero(wt(g, "fc1.weight")->mask, 192),
			 lround_count(0.75f, 192));
	for (i = 0; i < 192; i++)
		assert_true(wt(g, "fc1.weight")->mask[i] ||
			    wt(g, "fc1.weight")->data[i] == 0);
	layer_get(g, 1, &w, &m, &r, &j);
	for (r = 0; r < 4; r++)
		for (j = 0; j < 12; j += 4) {
			for (q = 0, kept = 0; q < 4; q++)
				kept += m[r * 12 + j + q];
			assert_int_equal(kept, 2);
		}
	assert_int_equal(rep.layers[0].kept, 192 - 144);
	assert_int_equal(rep.layers[1].kept, 24);
	free(w);
	free(m);
	snpu_prune_report_free(&rep);

	/* Training that ends before the schedule still ends at the target. */
	o.n_specs = 1;
	s.end = 1000;
	to.hook = NULL;
	assert_int_equal(snpu_prune_gradual(g, &o, &ds, &to, &s, NULL, err,
					    sizeof(err)), 0);
	assert_int_equal(count_zero(wt(g, "fc1.weight")->mask, 192), 144);
	assert_int_equal(count_zero(wt(g, "fc2.weight")->mask, 48), 24);

	/* Data criteria and channel removal are refused. */
	o.criterion = SNPU_CRIT_WANDA;
	assert_int_equal(snpu_prune_gradual(g, &o, &ds, &to, &s, NULL, err,
					    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "magnitude"));
	o.criterion = SNPU_CRIT_L1;
	specs[0].gran = SNPU_GRAN_CHANNEL;
	assert_int_equal(snpu_prune_gradual(g, &o, &ds, &to, &s, NULL, err,
					    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "fc1"));
	free(ds.x);
	free(ds.y);
	snpu_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_prune_select_unstructured_prunes_exact_lowest),
		cmocka_unit_test(snpu_prune_select_nm_keeps_n_best_per_group),
		cmocka_unit_test(snpu_prune_select_block_prunes_whole_blocks),
		cmocka_unit_test(snpu_prune_select_channel_prunes_lowest_rows),
		cmocka_unit_test(snpu_prune_select_rejects_bad_arguments),
		cmocka_unit_test(snpu_prune_scores_l1_l2_use_device_order),
		cmocka_unit_test(snpu_prune_scores_normalize_divides_by_layer_norm),
		cmocka_unit_test(snpu_prune_scores_skip_leaves_layer_unscored),
		cmocka_unit_test(snpu_prune_scores_wanda_conv_matches_window_norms),
		cmocka_unit_test(snpu_prune_scores_wanda_gemm_matches_input_norms),
		cmocka_unit_test(snpu_prune_scores_grad_taylor_match_analytic),
		cmocka_unit_test(snpu_prune_scores_entropy_matches_histogram),
		cmocka_unit_test(snpu_prune_oneshot_unstructured_exact_per_layer),
		cmocka_unit_test(snpu_prune_oneshot_nm_block_masks_pack),
		cmocka_unit_test(snpu_prune_oneshot_global_shares_one_threshold),
		cmocka_unit_test(snpu_prune_oneshot_global_with_nm_layer),
		cmocka_unit_test(snpu_prune_oneshot_keeps_earlier_mask),
		cmocka_unit_test(snpu_prune_oneshot_rejects_bad_options),
		cmocka_unit_test(snpu_prune_remove_channels_conv_conv_matches_zeroed),
		cmocka_unit_test(snpu_prune_remove_channels_conv_flatten_gemm_matches_zeroed),
		cmocka_unit_test(snpu_prune_remove_channels_gemm_gemm_matches_zeroed),
		cmocka_unit_test(snpu_prune_remove_channels_through_reshape),
		cmocka_unit_test(snpu_prune_remove_channels_refuses_unrewirable),
		cmocka_unit_test(snpu_prune_oneshot_channel_removes_lowest_rows),
		cmocka_unit_test(snpu_prune_oneshot_entropy_removes_dead_neuron),
		cmocka_unit_test(snpu_prune_poly_sparsity_follows_cubic),
		cmocka_unit_test(snpu_prune_gradual_reaches_final_with_masks_held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
