// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * cmocka tests of SparseGPT (pruner/snpu_sparsegpt.c): the result equals
 * a plain optimal-brain-surgeon sweep written here (explicit inverses of
 * the trailing Hessian blocks, no Cholesky, no lazy batches) for every
 * granularity; it reconstructs a layer's output better than magnitude
 * pruning at the same sparsity and pattern; lazy batching changes nothing
 * for N:M; dead inputs, zero sparsity, groups and bad arguments; and
 * through the graph, the Hessians of Gemm, Conv (im2col) and grouped Conv
 * layers and the sequential use of already pruned layers' outputs.
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

#include "snpu_graph.h"
#include "snpu_model_parse.h"
#include "snpu_prune.h"

#define ERR_SIZE	512

static uint64_t rng_state = 0x13198a2e03707344ull;

static double rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0) * 2 - 1;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	assert_non_null(p);
	return p;
}

/*
 * n samples of k correlated inputs (x = z A with A = I + 0.5 * noise), so
 * that compensating through the Hessian matters.
 */
static float *make_x(uint32_t n, uint32_t k)
{
	double *a = xmalloc(sizeof(double) * k * k);
	double *z = xmalloc(sizeof(double) * k);
	float *x = xmalloc(sizeof(float) * n * k);
	uint32_t i, j, q;

	for (i = 0; i < k * k; i++)
		a[i] = 0.5 * rnd() + (i % (k + 1) == 0);
	for (i = 0; i < n; i++) {
		for (j = 0; j < k; j++)
			z[j] = rnd();
		for (j = 0; j < k; j++) {
			double s = 0;

			for (q = 0; q < k; q++)
				s += z[q] * a[q * k + j];
			x[i * k + j] = (float)s;
		}
	}
	free(a);
	free(z);
	return x;
}

static float *make_w(uint32_t rows, uint32_t k)
{
	float *w = xmalloc(sizeof(float) * rows * k);

	for (uint32_t i = 0; i < rows * k; i++)
		w[i] = (float)rnd();
	return w;
}

/* H = 2 X^T X / n in double. */
static double *hessian(const float *x, uint32_t n, uint32_t k)
{
	double *h = calloc((size_t)k * k, sizeof(double));
	uint32_t i, a, b;

	assert_non_null(h);
	for (i = 0; i < n; i++)
		for (a = 0; a < k; a++)
			for (b = 0; b < k; b++)
				h[a * k + b] += (double)x[i * k + a] *
						x[i * k + b];
	for (a = 0; a < k * k; a++)
		h[a] *= 2.0 / n;
	return h;
}

/* ||X (W - V)^T||_F^2: how far the layer's output moved. */
static double out_err(const float *x, uint32_t n, uint32_t k, const float *w,
		      const float *v, uint32_t rows)
{
	double e = 0, s;
	uint32_t i, r, j;

	for (i = 0; i < n; i++)
		for (r = 0; r < rows; r++) {
			for (j = 0, s = 0; j < k; j++)
				s += (double)x[i * k + j] *
				     ((double)w[r * k + j] - v[r * k + j]);
			e += s * s;
		}
	return e;
}

/* Inverse of the m x m matrix a (Gauss-Jordan with partial pivoting). */
static void invert(const double *a, uint32_t m, double *inv)
{
	double *t = xmalloc(sizeof(double) * m * 2 * m), p, f;
	uint32_t i, j, r, best;

	for (i = 0; i < m; i++)
		for (j = 0; j < 2 * m; j++)
			t[i * 2 * m + j] = j < m ? a[i * m + j] : (j - m == i);
	for (i = 0; i < m; i++) {
		best = i;
		for (r = i + 1; r < m; r++)
			if (fabs(t[r * 2 * m + i]) > fabs(t[best * 2 * m + i]))
				best = r;
		for (j = 0; j < 2 * m; j++) {
			p = t[i * 2 * m + j];
			t[i * 2 * m + j] = t[best * 2 * m + j];
			t[best * 2 * m + j] = p;
		}
		p = t[i * 2 * m + i];
		for (j = 0; j < 2 * m; j++)
			t[i * 2 * m + j] /= p;
		for (r = 0; r < m; r++) {
			if (r == i)
				continue;
			f = t[r * 2 * m + i];
			for (j = 0; j < 2 * m; j++)
				t[r * 2 * m + j] -= f * t[i * 2 * m + j];
		}
	}
	for (i = 0; i < m; i++)
		for (j = 0; j < m; j++)
			inv[i * m + j] = t[i * 2 * m + m + j];
	free(t);
}

struct ref_rank {
	double s;
	uint32_t i;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct ref_rank *x = a, *y = b;

	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* The reference sweep's state. */
struct ref {
	uint32_t rows, k;
	double *w;		/* rows x k */
	double *row0;		/* row j: first row of inv(H[j:, j:]) */
	double *d;		/* inv(H[j:, j:])[0][0] */
	uint8_t *mask;
	struct ref_rank *rk;
	uint64_t done;		/* weights or blocks ranked so far */
};

static double ref_sal(const struct ref *f, uint32_t r, uint32_t j)
{
	double w = f->w[r * f->k + j];

	return w * w / f->d[j];
}

/* After columns < j are fixed, the rest see H[j:, j:] (damped). */
static void ref_inverses(struct ref *f, const double *h0)
{
	uint32_t k = f->k, j, a, b, m;
	double *h = xmalloc(sizeof(double) * k * k), mean = 0;
	double *sub = xmalloc(sizeof(double) * k * k);
	double *inv = xmalloc(sizeof(double) * k * k);

	memcpy(h, h0, sizeof(double) * k * k);
	for (j = 0; j < k; j++)
		mean += h[j * k + j] / k;
	for (j = 0; j < k; j++)
		h[j * k + j] += 0.01 * mean;
	for (j = 0; j < k; j++) {
		m = k - j;
		for (a = 0; a < m; a++)
			for (b = 0; b < m; b++)
				sub[a * m + b] = h[(j + a) * k + j + b];
		invert(sub, m, inv);
		f->d[j] = inv[0];
		for (b = 0; b < m; b++)
			f->row0[j * k + j + b] = inv[b];
	}
	free(h);
	free(sub);
	free(inv);
}

/* Rank @n items already in f->rk and prune this batch's share of them. */
static uint32_t ref_share(struct ref *f, float sparsity, uint32_t n)
{
	uint64_t share = llround(sparsity * (double)(f->done + n)) -
			 llround(sparsity * (double)f->done);

	f->done += n;
	qsort(f->rk, n, sizeof(*f->rk), ref_cmp);
	return (uint32_t)share;
}

static void ref_mask_unstructured(struct ref *f, float sp, uint32_t i1,
				  uint32_t cnt)
{
	uint32_t r, t, share;

	for (r = 0; r < f->rows; r++) {
		for (t = 0; t < cnt; t++) {
			f->rk[r * cnt + t].s = ref_sal(f, r, i1 + t);
			f->rk[r * cnt + t].i = r * cnt + t;
		}
	}
	share = ref_share(f, sp, f->rows * cnt);
	for (t = 0; t < share; t++)
		f->mask[f->rk[t].i / cnt * f->k + i1 + f->rk[t].i % cnt] = 0;
}

/* Cell @a of block @b (of nbc per block row) as (r, j); false outside. */
static bool ref_cell(const struct ref *f, uint32_t b, uint32_t a,
		     uint32_t nbc, uint32_t br, uint32_t bc, uint32_t cnt,
		     uint32_t *r, uint32_t *j)
{
	*r = b / nbc * br + a / bc;
	*j = b % nbc * bc + a % bc;
	return *r < f->rows && *j < cnt;
}

static void ref_mask_block(struct ref *f, float sp, uint32_t br,
			   uint32_t bc, uint32_t i1, uint32_t cnt)
{
	uint32_t nbr = (f->rows + br - 1) / br, nbc = (cnt + bc - 1) / bc;
	uint32_t b, a, r, j, t, share;

	for (b = 0; b < nbr * nbc; b++) {
		f->rk[b].s = 0;
		f->rk[b].i = b;
		for (a = 0; a < br * bc; a++)
			if (ref_cell(f, b, a, nbc, br, bc, cnt, &r, &j))
				f->rk[b].s += (float)ref_sal(f, r, i1 + j);
	}
	share = ref_share(f, sp, nbr * nbc);
	for (t = 0; t < share; t++)
		for (a = 0; a < br * bc; a++)
			if (ref_cell(f, f->rk[t].i, a, nbc, br, bc, cnt, &r,
				     &j))
				f->mask[r * f->k + i1 + j] = 0;
}

/* N:M group at column j: the N best by w^2 / d stay. */
static void ref_mask_nm(struct ref *f, uint32_t nn, uint32_t mm, uint32_t j)
{
	uint32_t real = f->k - j < mm ? f->k - j : mm, r, p;

	for (r = 0; r < f->rows; r++) {
		for (p = 0; p < real; p++) {
			f->rk[p].s = ref_sal(f, r, j + p);
			f->rk[p].i = p;
		}
		qsort(f->rk, real, sizeof(*f->rk), ref_cmp);
		for (p = 0; p + nn < real; p++)
			f->mask[r * f->k + j + f->rk[p].i] = 0;
	}
}

/*
 * Optimal brain surgeon, column by column: after columns < j are fixed,
 * the rest see the Hessian H[j:, j:]; its inverse's first row gives the
 * compensation of column j and its [0][0] the saliency divisor. Masks as
 * SparseGPT chooses them: per batch of @bs columns (unstructured, blocks)
 * or per group when the sweep reaches it (N:M).
 */
static void obs_ref(float *wf, uint8_t *mask, uint32_t rows, uint32_t k,
		    const double *h0, const struct snpu_sgpt_opts *o)
{
	struct ref f = { .rows = rows, .k = k, .mask = mask };
	uint32_t bs = o->blocksize, nn = 0, mm = 1, br = 1, bc = 1;
	uint32_t i1, i2, j, t, r;
	double e, q;

	f.w = xmalloc(sizeof(double) * rows * k);
	f.row0 = xmalloc(sizeof(double) * k * k);
	f.d = xmalloc(sizeof(double) * k);
	f.rk = xmalloc(sizeof(*f.rk) * rows * k);
	if (o->gran == SNPU_GRAN_NM)
		snpu_nm_dims(o->variant, &nn, &mm);
	if (o->gran == SNPU_GRAN_BLOCK)
		snpu_block_dims(o->variant, &br, &bc);
	ref_inverses(&f, h0);
	for (t = 0; t < rows * k; t++) {
		f.w[t] = wf[t];
		mask[t] = 1;
	}
	for (i1 = 0; i1 < k; i1 += bs) {
		i2 = i1 + bs < k ? i1 + bs : k;
		if (o->gran == SNPU_GRAN_UNSTRUCTURED)
			ref_mask_unstructured(&f, o->sparsity, i1, i2 - i1);
		else if (o->gran == SNPU_GRAN_BLOCK)
			ref_mask_block(&f, o->sparsity, br, bc, i1, i2 - i1);
		for (j = i1; j < i2; j++) {
			if (o->gran == SNPU_GRAN_NM && j % mm == 0)
				ref_mask_nm(&f, nn, mm, j);
			for (r = 0; r < rows; r++) {
				double *w = f.w + r * k;

				q = mask[r * k + j] ? w[j] : 0;
				e = (w[j] - q) / f.d[j];
				for (t = j; t < k; t++)
					w[t] -= e * f.row0[j * k + t];
				w[j] = q;
			}
		}
	}
	for (t = 0; t < rows * k; t++)
		wf[t] = mask[t] ? (float)f.w[t] : 0;
	free(f.w);
	free(f.row0);
	free(f.d);
	free(f.rk);
}

static void run_sgpt(float *w, uint8_t *m, uint32_t rows, uint32_t k,
		     uint32_t groups, const double *h,
		     const struct snpu_sgpt_opts *o)
{
	double *hc = xmalloc(sizeof(double) * groups * k * k);
	char err[ERR_SIZE] = "";
	int ret;

	memcpy(hc, h, sizeof(double) * groups * k * k);
	ret = snpu_sparsegpt_layer(w, m, rows, k, groups, hc, o, err,
				   sizeof(err));
	if (ret)
		print_error("%s\n", err);
	assert_int_equal(ret, 0);
	free(hc);
}

static void snpu_sparsegpt_layer_matches_plain_obs(void **state)
{
	static const struct snpu_sgpt_opts cases[] = {
		{ SNPU_GRAN_UNSTRUCTURED, 0, 0.5f, 16, 0 },
		{ SNPU_GRAN_UNSTRUCTURED, 0, 0.3f, 16, 0 },
		{ SNPU_GRAN_NM, SNPU_NM_2_4, 0, 16, 0 },
		{ SNPU_GRAN_NM, SNPU_NM_1_4, 0, 16, 0 },
		{ SNPU_GRAN_NM, SNPU_NM_2_8, 0, 16, 0 },
		{ SNPU_GRAN_BLOCK, SNPU_BLOCK_1X4, 0.5f, 16, 0 },
		{ SNPU_GRAN_BLOCK, SNPU_BLOCK_4X4, 0.5f, 16, 0 },
		{ SNPU_GRAN_BLOCK, SNPU_BLOCK_1X16, 0.25f, 16, 0 },
	};
	uint32_t rows = 8, k = 42, n = 120, c, i;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		float *x = make_x(n, k), *w = make_w(rows, k);
		float *wr = xmalloc(sizeof(float) * rows * k);
		uint8_t *m = xmalloc(rows * k), *mr = xmalloc(rows * k);
		double *h = hessian(x, n, k);

		memcpy(wr, w, sizeof(float) * rows * k);
		run_sgpt(w, m, rows, k, 1, h, &cases[c]);
		obs_ref(wr, mr, rows, k, h, &cases[c]);
		assert_memory_equal(m, mr, rows * k);
		for (i = 0; i < rows * k; i++)
			assert_float_equal(w[i], wr[i],
					   1e-4 * (1 + fabsf(wr[i])));
		free(x);
		free(w);
		free(wr);
		free(m);
		free(mr);
		free(h);
	}
}

/* The point of it all: a better layer output than magnitude pruning. */
static void snpu_sparsegpt_layer_beats_magnitude(void **state)
{
	static const struct snpu_sgpt_opts cases[] = {
		{ SNPU_GRAN_UNSTRUCTURED, 0, 0.5f, 0, 0 },
		{ SNPU_GRAN_NM, SNPU_NM_2_4, 0, 0, 0 },
		{ SNPU_GRAN_BLOCK, SNPU_BLOCK_1X4, 0.5f, 0, 0 },
	};
	uint32_t rows = 16, k = 160, n = 400, c, i;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		float *x = make_x(n, k), *w = make_w(rows, k);
		float *ws = xmalloc(sizeof(float) * rows * k);
		float *wm = xmalloc(sizeof(float) * rows * k);
		float *sc = xmalloc(sizeof(float) * rows * k);
		uint8_t *m = xmalloc(rows * k), *mm = xmalloc(rows * k);
		double *h = hessian(x, n, k), es, em;

		memcpy(ws, w, sizeof(float) * rows * k);
		run_sgpt(ws, m, rows, k, 1, h, &cases[c]);
		for (i = 0; i < rows * k; i++)
			sc[i] = fabsf(w[i]);
		assert_int_equal(snpu_prune_select(sc, rows, k, cases[c].gran,
						   cases[c].variant,
						   cases[c].sparsity, mm), 0);
		for (i = 0; i < rows * k; i++)
			wm[i] = mm[i] ? w[i] : 0;
		/* Same number of weights kept. */
		{
			uint32_t ks = 0, km = 0;

			for (i = 0; i < rows * k; i++) {
				ks += m[i];
				km += mm[i];
				if (!m[i])
					assert_true(ws[i] == 0);
			}
			assert_int_equal(ks, km);
		}
		es = out_err(x, n, k, w, ws, rows);
		em = out_err(x, n, k, w, wm, rows);
		print_message("case %u: |X dW| SparseGPT %.4g, magnitude %.4g (%.2fx)\n",
			      c, es, em, em / es);
		assert_true(es < 0.8 * em);
		free(x);
		free(w);
		free(ws);
		free(wm);
		free(sc);
		free(m);
		free(mm);
		free(h);
	}
}

/* Lazy batch updates are exact: N:M does not depend on the batch size. */
static void snpu_sparsegpt_layer_nm_independent_of_blocksize(void **state)
{
	struct snpu_sgpt_opts a = { SNPU_GRAN_NM, SNPU_NM_2_4, 0, 16, 0 };
	struct snpu_sgpt_opts b = { SNPU_GRAN_NM, SNPU_NM_2_4, 0, 0, 0 };
	uint32_t rows = 6, k = 150, n = 300, i;
	float *x = make_x(n, k), *w1 = make_w(rows, k);
	float *w2 = xmalloc(sizeof(float) * rows * k);
	uint8_t *m1 = xmalloc(rows * k), *m2 = xmalloc(rows * k);
	double *h = hessian(x, n, k);

	memcpy(w2, w1, sizeof(float) * rows * k);
	run_sgpt(w1, m1, rows, k, 1, h, &a);
	run_sgpt(w2, m2, rows, k, 1, h, &b);
	assert_memory_equal(m1, m2, rows * k);
	for (i = 0; i < rows * k; i++)
		assert_float_equal(w1[i], w2[i], 1e-5 * (1 + fabsf(w2[i])));
	free(x);
	free(w1);
	free(w2);
	free(m1);
	free(m2);
	free(h);
}

static void snpu_sparsegpt_layer_zero_sparsity_changes_nothing(void **state)
{
	struct snpu_sgpt_opts o = { SNPU_GRAN_UNSTRUCTURED, 0, 0, 0, 0 };
	uint32_t rows = 4, k = 20, n = 50;
	float *x = make_x(n, k), *w = make_w(rows, k);
	float *w0 = xmalloc(sizeof(float) * rows * k);
	uint8_t *m = xmalloc(rows * k);
	double *h = hessian(x, n, k);

	memcpy(w0, w, sizeof(float) * rows * k);
	run_sgpt(w, m, rows, k, 1, h, &o);
	assert_memory_equal(w, w0, sizeof(float) * rows * k);
	for (uint32_t i = 0; i < rows * k; i++)
		assert_int_equal(m[i], 1);
	free(x);
	free(w);
	free(w0);
	free(m);
	free(h);
}

/* An input never seen gets weight 0 and is pruned first. */
static void snpu_sparsegpt_layer_dead_input_pruned_first(void **state)
{
	struct snpu_sgpt_opts o = { SNPU_GRAN_UNSTRUCTURED, 0, 0.1f, 0, 0 };
	uint32_t rows = 4, k = 20, n = 50, i, r;
	float *x = make_x(n, k), *w = make_w(rows, k);
	uint8_t *m = xmalloc(rows * k);
	double *h;

	for (i = 0; i < n; i++) {
		x[i * k + 3] = 0;
		x[i * k + 11] = 0;
	}
	h = hessian(x, n, k);
	run_sgpt(w, m, rows, k, 1, h, &o);
	/* 8 of round(0.1 * 80) = 8 pruned: exactly the dead columns. */
	for (r = 0; r < rows; r++)
		for (i = 0; i < k; i++) {
			assert_int_equal(m[r * k + i], i != 3 && i != 11);
			if (!m[r * k + i])
				assert_true(w[r * k + i] == 0);
		}
	free(x);
	free(w);
	free(m);
	free(h);
}

/* Row groups each use their own Hessian, like separate calls. */
static void snpu_sparsegpt_layer_groups_use_own_hessian(void **state)
{
	struct snpu_sgpt_opts o = { SNPU_GRAN_NM, SNPU_NM_1_4, 0, 0, 0 };
	uint32_t rows = 6, k = 12, n = 40, i;
	float *x0 = make_x(n, k), *x1 = make_x(n, k), *w = make_w(rows, k);
	float *ws = xmalloc(sizeof(float) * rows * k);
	uint8_t *m = xmalloc(rows * k), *ms = xmalloc(rows * k);
	double *h = xmalloc(sizeof(double) * 2 * k * k);
	double *h0 = hessian(x0, n, k), *h1 = hessian(x1, n, k);

	memcpy(h, h0, sizeof(double) * k * k);
	memcpy(h + k * k, h1, sizeof(double) * k * k);
	memcpy(ws, w, sizeof(float) * rows * k);
	run_sgpt(w, m, rows, k, 2, h, &o);
	run_sgpt(ws, ms, 3, k, 1, h0, &o);
	run_sgpt(ws + 3 * k, ms + 3 * k, 3, k, 1, h1, &o);
	assert_memory_equal(m, ms, rows * k);
	for (i = 0; i < rows * k; i++)
		assert_float_equal(w[i], ws[i], 1e-6 * (1 + fabsf(ws[i])));
	free(x0);
	free(x1);
	free(w);
	free(ws);
	free(m);
	free(ms);
	free(h);
	free(h0);
	free(h1);
}

static void expect_sgpt_einval(float *w, uint32_t rows, uint32_t k,
			       uint32_t groups, double *h,
			       const struct snpu_sgpt_opts *o, const char *what)
{
	float *w0 = xmalloc(sizeof(float) * rows * k);
	uint8_t *m = xmalloc(rows * k);
	char err[ERR_SIZE] = "";

	memcpy(w0, w, sizeof(float) * rows * k);
	assert_int_equal(snpu_sparsegpt_layer(w, m, rows, k, groups, h, o,
					      err, sizeof(err)), -EINVAL);
	if (!strstr(err, what)) {
		print_error("message '%s' lacks '%s'\n", err, what);
		fail();
	}
	assert_memory_equal(w, w0, sizeof(float) * rows * k);
	free(w0);
	free(m);
}

static void snpu_sparsegpt_layer_rejects_bad_input(void **state)
{
	uint32_t rows = 4, k = 8, i;
	float *w = make_w(rows, k);
	double *h = calloc(2 * k * k, sizeof(double));
	struct snpu_sgpt_opts o = { SNPU_GRAN_NM, SNPU_NM_COUNT, 0, 0, 0 };

	assert_non_null(h);
	for (i = 0; i < k; i++)
		h[i * k + i] = 1;
	expect_sgpt_einval(w, rows, k, 1, h, &o, "N:M pattern");
	o.gran = SNPU_GRAN_BLOCK;
	o.variant = SNPU_BLOCK_COUNT;
	expect_sgpt_einval(w, rows, k, 1, h, &o, "block shape");
	o.variant = SNPU_BLOCK_4X4;
	expect_sgpt_einval(w, rows, k, 2, h, &o, "2 rows per group");
	o.gran = SNPU_GRAN_CHANNEL;
	expect_sgpt_einval(w, rows, k, 1, h, &o, "granularity");
	o.gran = SNPU_GRAN_UNSTRUCTURED;
	o.sparsity = NAN;
	expect_sgpt_einval(w, rows, k, 1, h, &o, "out of range");
	o.sparsity = 0.5f;
	expect_sgpt_einval(w, rows, k, 3, h, &o, "groups 3");
	/* A negative definite H stays so whatever the damping. */
	for (i = 0; i < k; i++)
		h[i * k + i] = -1;
	expect_sgpt_einval(w, rows, k, 1, h, &o, "not positive definite");
	free(w);
	free(h);
}

/* ---- through the graph --------------------------------------------------- */

static uint32_t add_const(struct snpu_graph *g, const char *name,
			  uint32_t ndim, const int64_t *dims)
{
	int64_t n = 1;
	float *v;
	uint32_t t;

	for (uint32_t i = 0; i < ndim; i++)
		n *= dims[i];
	v = xmalloc(sizeof(float) * n);
	for (int64_t i = 0; i < n; i++)
		v[i] = (float)(rnd() * 0.5);
	t = snpu_graph_add_tensor(g, name, ndim, dims, v);
	free(v);
	assert_int_not_equal(t, SNPU_GRAPH_NONE);
	return t;
}

static uint32_t add_layer(struct snpu_graph *g, const char *name,
			  enum snpu_gop op, uint32_t x, uint32_t wdim,
			  const int64_t *wd)
{
	char n[64];
	int64_t bd[1] = { wd[0] };
	uint32_t t[3], y, node;

	t[0] = x;
	snprintf(n, sizeof(n), "%s.weight", name);
	t[1] = add_const(g, n, wdim, wd);
	snprintf(n, sizeof(n), "%s.bias", name);
	t[2] = add_const(g, n, 1, bd);
	snprintf(n, sizeof(n), "%s.out", name);
	y = snpu_graph_add_tensor(g, n, 0, NULL, NULL);
	node = snpu_graph_add_node(g, name, op, 3, t, y);
	assert_int_not_equal(node, SNPU_GRAPH_NONE);
	if (op == SNPU_GOP_GEMM)
		g->nodes[node].attr.trans_b = 1;
	return y;
}

static void finish(struct snpu_graph *g, uint32_t y)
{
	char err[ERR_SIZE] = "";

	g->outputs[g->n_outputs++] = y;
	assert_int_equal(snpu_graph_canon(g, err, sizeof(err)), 0);
}

static const struct snpu_gtensor *wt(const struct snpu_graph *g,
				     const char *name)
{
	uint32_t t = snpu_graph_find(g, name);

	assert_int_not_equal(t, SNPU_GRAPH_NONE);
	return &g->tensors[t];
}

/* Layer 0 of @g pruned through the graph equals a direct call with @h. */
static void expect_layer_equal(const struct snpu_graph *pruned,
			       const struct snpu_graph *orig, int li,
			       uint32_t groups, const double *h,
			       const struct snpu_sgpt_opts *so)
{
	struct snpu_wview *v, *v0;
	char err[ERR_SIZE] = "";
	int n, n0;
	float *w, *wd;
	uint8_t *m, *md;
	size_t e, cnt;

	n = snpu_graph_wviews(pruned, &v, err, sizeof(err));
	n0 = snpu_graph_wviews(orig, &v0, err, sizeof(err));
	assert_true(n > li && n0 > li);
	cnt = (size_t)v[li].rows * v[li].k;
	w = xmalloc(sizeof(float) * cnt);
	wd = xmalloc(sizeof(float) * cnt);
	m = xmalloc(cnt);
	md = xmalloc(cnt);
	snpu_wview_get(pruned, &v[li], w, m);
	snpu_wview_get(orig, &v0[li], wd, NULL);
	run_sgpt(wd, md, v[li].rows, v[li].k, groups, h, so);
	assert_memory_equal(m, md, cnt);
	for (e = 0; e < cnt; e++)
		assert_float_equal(w[e], wd[e], 1e-4 * (1 + fabsf(wd[e])));
	free(w);
	free(wd);
	free(m);
	free(md);
	snpu_wviews_free(v, n);
	snpu_wviews_free(v0, n0);
}

static void snpu_prune_oneshot_sparsegpt_gemm_uses_input_hessian(void **state)
{
	struct snpu_graph *g = snpu_graph_new("lin"), *orig;
	int64_t xd[2] = { -1, 24 }, wd[2] = { 8, 24 };
	struct snpu_prune_opts o = {
		.criterion = SNPU_CRIT_SPARSEGPT,
		.dflt = { .gran = SNPU_GRAN_NM, .variant = SNPU_NM_2_4 },
		.calib_batch = 7,
	};
	struct snpu_sgpt_opts so = { SNPU_GRAN_NM, SNPU_NM_2_4, 0, 0, 0 };
	struct snpu_prune_report rep;
	char err[ERR_SIZE] = "";
	uint32_t n = 30, x;
	float *xs = make_x(n, 24);
	double *h = hessian(xs, n, 24);

	assert_non_null(g);
	x = snpu_graph_add_tensor(g, "x", 2, xd, NULL);
	g->inputs[g->n_inputs++] = x;
	finish(g, add_layer(g, "fc", SNPU_GOP_GEMM, x, 2, wd));
	orig = snpu_graph_clone(g);
	assert_int_equal(snpu_prune_oneshot(g, &o, xs, NULL, n, &rep, err,
					    sizeof(err)), 0);
	assert_int_equal(rep.layers[0].kept, 8 * 12);
	expect_layer_equal(g, orig, 0, 1, h, &so);
	snpu_prune_report_free(&rep);
	snpu_graph_free(g);
	snpu_graph_free(orig);
	free(xs);
	free(h);
}

/*
 * The 3x3 window at output (oy, ox) of @cg channels of 5 x 5 at @x, pad 1,
 * in (ky, kx, c) order: one im2col row as the device orders K.
 */
static void window(const float *x, uint32_t cg, uint32_t oy, uint32_t ox,
		   float *cols)
{
	uint32_t tap, c;
	int iy, ix;

	for (tap = 0; tap < 9; tap++) {
		iy = (int)(oy + tap / 3) - 1;
		ix = (int)(ox + tap % 3) - 1;
		for (c = 0; c < cg; c++)
			cols[tap * cg + c] = iy < 0 || iy >= 5 || ix < 0 ||
					     ix >= 5 ? 0 :
					     x[c * 25 + iy * 5 + ix];
	}
}

/* h += v v^T (k x k). */
static void add_outer(double *h, const float *v, uint32_t k)
{
	for (uint32_t a = 0; a < k; a++)
		for (uint32_t b = 0; b < k; b++)
			h[a * k + b] += (double)v[a] * v[b];
}

/*
 * The Conv Hessian is over im2col rows, K in (kh, kw, c) order; groups
 * have their own.
 */
static void snpu_prune_oneshot_sparsegpt_conv_uses_im2col_hessian(void **state)
{
	uint32_t groups;

	for (groups = 1; groups <= 2; groups++) {
		struct snpu_graph *g = snpu_graph_new("conv"), *orig;
		int64_t xd[4] = { -1, 4, 5, 5 };
		int64_t wd[4] = { 4, 4 / groups, 3, 3 };
		struct snpu_prune_opts o = {
			.criterion = SNPU_CRIT_SPARSEGPT,
			.dflt = { .sparsity = 0.5f },
			.calib_batch = 4,
		};
		struct snpu_sgpt_opts so = { SNPU_GRAN_UNSTRUCTURED, 0, 0.5f,
					     0, 0 };
		char err[ERR_SIZE] = "";
		uint32_t n = 9, x, cg = 4 / groups, k = 9 * cg, y;
		uint32_t s, gi, pos, a;
		float *xs = make_x(n, 100);
		float *cols = xmalloc(sizeof(float) * k);
		double *h = calloc((size_t)groups * k * k, sizeof(double));
		struct snpu_gattr *at;

		assert_non_null(g);
		assert_non_null(h);
		x = snpu_graph_add_tensor(g, "x", 4, xd, NULL);
		g->inputs[g->n_inputs++] = x;
		y = add_layer(g, "conv", SNPU_GOP_CONV, x, 4, wd);
		at = &g->nodes[0].attr;
		at->pads[0] = at->pads[1] = at->pads[2] = at->pads[3] = 1;
		at->group = groups;
		finish(g, y);
		orig = snpu_graph_clone(g);
		assert_int_equal(snpu_prune_oneshot(g, &o, xs, NULL, n, NULL,
						    err, sizeof(err)), 0);
		for (s = 0; s < n; s++) {
			for (gi = 0; gi < groups; gi++) {
				for (pos = 0; pos < 25; pos++) {
					window(xs + s * 100 + gi * cg * 25, cg,
					       pos / 5, pos % 5, cols);
					add_outer(h + gi * k * k, cols, k);
				}
			}
		}
		for (a = 0; a < groups * k * k; a++)
			h[a] *= 2.0 / (n * 25);
		expect_layer_equal(g, orig, 0, groups, h, &so);
		snpu_graph_free(g);
		snpu_graph_free(orig);
		free(xs);
		free(cols);
		free(h);
	}
}

/*
 * Sequential: fc2's Hessian comes from the outputs of fc1 as already
 * pruned (and compensated), Relu applied.
 */
static void snpu_prune_oneshot_sparsegpt_is_sequential(void **state)
{
	struct snpu_graph *g = snpu_graph_new("mlp"), *orig;
	int64_t xd[2] = { -1, 16 }, w1d[2] = { 12, 16 }, w2d[2] = { 6, 12 };
	struct snpu_prune_opts o = {
		.criterion = SNPU_CRIT_SPARSEGPT,
		.dflt = { .sparsity = 0.6f },
	};
	struct snpu_sgpt_opts so = { SNPU_GRAN_UNSTRUCTURED, 0, 0.6f, 0, 0 };
	char err[ERR_SIZE] = "";
	uint32_t n = 40, x, t, r, i, j, node;
	float *xs = make_x(n, 16), *hid = xmalloc(sizeof(float) * n * 12);
	const struct snpu_gtensor *w1, *b1;
	double *h, s;

	assert_non_null(g);
	x = snpu_graph_add_tensor(g, "x", 2, xd, NULL);
	g->inputs[g->n_inputs++] = x;
	t = add_layer(g, "fc1", SNPU_GOP_GEMM, x, 2, w1d);
	r = snpu_graph_add_tensor(g, "r", 0, NULL, NULL);
	node = snpu_graph_add_node(g, "relu", SNPU_GOP_RELU, 1, &t, r);
	assert_int_not_equal(node, SNPU_GRAPH_NONE);
	finish(g, add_layer(g, "fc2", SNPU_GOP_GEMM, r, 2, w2d));
	orig = snpu_graph_clone(g);
	assert_int_equal(snpu_prune_oneshot(g, &o, xs, NULL, n, NULL, err,
					    sizeof(err)), 0);
	h = hessian(xs, n, 16);
	expect_layer_equal(g, orig, 0, 1, h, &so);
	free(h);
	w1 = wt(g, "fc1.weight");
	b1 = wt(g, "fc1.bias");
	for (i = 0; i < n; i++)
		for (j = 0; j < 12; j++) {
			s = b1->data[j];
			for (t = 0; t < 16; t++)
				s += (double)xs[i * 16 + t] *
				     w1->data[j * 16 + t];
			hid[i * 12 + j] = (float)(s > 0 ? s : 0);
		}
	h = hessian(hid, n, 12);
	expect_layer_equal(g, orig, 1, 1, h, &so);
	free(h);
	free(hid);
	free(xs);
	snpu_graph_free(g);
	snpu_graph_free(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_sparsegpt_layer_matches_plain_obs),
		cmocka_unit_test(snpu_sparsegpt_layer_beats_magnitude),
		cmocka_unit_test(snpu_sparsegpt_layer_nm_independent_of_blocksize),
		cmocka_unit_test(snpu_sparsegpt_layer_zero_sparsity_changes_nothing),
		cmocka_unit_test(snpu_sparsegpt_layer_dead_input_pruned_first),
		cmocka_unit_test(snpu_sparsegpt_layer_groups_use_own_hessian),
		cmocka_unit_test(snpu_sparsegpt_layer_rejects_bad_input),
		cmocka_unit_test(snpu_prune_oneshot_sparsegpt_gemm_uses_input_hessian),
		cmocka_unit_test(snpu_prune_oneshot_sparsegpt_conv_uses_im2col_hessian),
		cmocka_unit_test(snpu_prune_oneshot_sparsegpt_is_sequential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
