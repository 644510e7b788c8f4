// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * SparseGPT (Frantar & Alistarh, "SparseGPT: Massive Language Models Can
 * Be Accurately Pruned in One-Shot", 2023) on one weight matrix: the
 * optimal-brain-surgeon update made cheap by sharing one inverse Hessian
 * across the rows. See snpu_sparsegpt_layer() in snpu_prune.h; the
 * statistics (H = 2 X^T X / n from the graph) come from snpu_prune.c.
 *
 * Everything is in double: H of a 784-input layer spans many orders of
 * magnitude and its inverse's Cholesky factor is what every update
 * multiplies by.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "snpu_err.h"
#include "snpu_model_parse.h"
#include "snpu_prune.h"
#include "snpu_prune_priv.h"

/* Damping retries when H + damp I is still not positive definite. */
#define SNPU_SGPT_DAMP_TRIES	4


/* What one call needs, checked once and shared by the group passes. */
struct snpu_sgpt_ctx {
	const struct snpu_sgpt_opts *o;
	uint32_t rows, k, rpg, bs;
	uint32_t nm_n, nm_m;	/* N:M */
	uint32_t br, bc;	/* block shape */
	double damp;
	/* Unstructured: weights done so far, for the cumulative target. */
	uint64_t done;
	/* Block: blocks done so far. */
	uint64_t blocks_done;
	double *wd;		/* rpg x k */
	double *err1;		/* rpg x bs */
	double *hsave;		/* k x k */
	struct snpu_prune_rank *rank;	/* rpg * bs */
};

/*
 * Share of a target that falls in items [done, done + cnt) of @total:
 * rounding the running total (instead of every share) makes the shares
 * add up to exactly round(s * total).
 */
static uint64_t snpu_sgpt_share(double s, uint64_t done, uint64_t cnt)
{
	return (uint64_t)llround(s * (double)(done + cnt)) -
	       (uint64_t)llround(s * (double)done);
}

/*
 * Replace @h (k x k, upper triangle used) by the upper Cholesky factor of
 * (H + damp I)^-1. Retries with ten times the damping while LAPACK finds
 * the matrix not positive definite (round-off on a rank-deficient H).
 */
static int snpu_sgpt_hinv(struct snpu_sgpt_ctx *c, double *h, uint32_t grp,
			  char *err, size_t err_size)
{
	uint32_t k = c->k, i, j, t;
	double mean = 0, damp;
	lapack_int info = 0;

	for (j = 0; j < k; j++) {
		if (h[(size_t)j * k + j] == 0) {
			/*
			 * An input never seen in calibration: its weight
			 * contributes nothing there, so it is zeroed (and
			 * ranks first for pruning) and the column decoupled.
			 */
			h[(size_t)j * k + j] = 1;
			for (i = 0; i < c->rpg; i++)
				c->wd[(size_t)i * k + j] = 0;
		}
		mean += h[(size_t)j * k + j];
	}
	mean /= k;
	memcpy(c->hsave, h, sizeof(double) * k * k);
	damp = c->damp * mean;
	for (t = 0; t < SNPU_SGPT_DAMP_TRIES; t++, damp *= 10) {
		if (t)
			memcpy(h, c->hsave, sizeof(double) * k * k);
		for (j = 0; j < k; j++)
			h[(size_t)j * k + j] += damp;
		info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', k, h, k);
		if (info)
			continue;
		info = LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'U', k, h, k);
		if (info)
			continue;
		info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', k, h, k);
		if (!info)
			break;
	}
	if (info) {
		snpu_errf(err, err_size,
			      "sparsegpt: group %u: Hessian (k = %u) not positive definite (LAPACK info %d) even with damping %g",
			      grp, k, (int)info, damp / 10);
		return -EINVAL;
	}
	/* LAPACK leaves the other triangle as it was; only U is read. */
	for (i = 1; i < k; i++)
		for (j = 0; j < i; j++)
			h[(size_t)i * k + j] = 0;
	return 0;
}

static float snpu_sgpt_saliency(const struct snpu_sgpt_ctx *c,
				const double *u, uint32_t r, uint32_t j)
{
	double w = c->wd[(size_t)r * c->k + j];
	double d = u[(size_t)j * c->k + j];

	return (float)(w * w / (d * d));
}

/* Unstructured: this batch's share of the target, lowest saliency first. */
static void snpu_sgpt_mask_unstructured(struct snpu_sgpt_ctx *c,
					const double *u, uint8_t *m,
					uint32_t i1, uint32_t cnt)
{
	size_t n = (size_t)c->rpg * cnt, t, x;
	uint32_t r, i;

	for (r = 0; r < c->rpg; r++) {
		for (i = 0; i < cnt; i++) {
			float sal = snpu_sgpt_saliency(c, u, r, i1 + i);

			x = (size_t)r * cnt + i;
			c->rank[x].s = snpu_prune_rank_key(sal);
			c->rank[x].i = (uint32_t)x;
		}
	}
	t = snpu_sgpt_share(c->o->sparsity, c->done, n);
	c->done += n;
	snpu_prune_rank_sort(c->rank, n);
	for (x = 0; x < t && x < n; x++) {
		r = c->rank[x].i / cnt;
		i = c->rank[x].i % cnt;
		m[(size_t)r * c->k + i1 + i] = 0;
	}
}

/* Block: the batch's share of blocks, by summed saliency of the members. */
static void snpu_sgpt_mask_block(struct snpu_sgpt_ctx *c, const double *u,
				 uint8_t *m, uint32_t i1, uint32_t cnt)
{
	uint32_t nbr = (c->rpg + c->br - 1) / c->br;
	uint32_t nbc = (cnt + c->bc - 1) / c->bc;
	uint32_t b, y, x, r, j;
	size_t n = (size_t)nbr * nbc, t, q;
	float sum;

	for (b = 0; b < n; b++) {
		sum = 0;
		for (y = 0; y < c->br; y++) {
			r = (b / nbc) * c->br + y;
			for (x = 0; x < c->bc; x++) {
				j = (b % nbc) * c->bc + x;
				if (r < c->rpg && j < cnt)
					sum += snpu_sgpt_saliency(c, u, r,
								  i1 + j);
			}
		}
		c->rank[b].s = snpu_prune_rank_key(sum);
		c->rank[b].i = b;
	}
	t = snpu_sgpt_share(c->o->sparsity, c->blocks_done, n);
	c->blocks_done += n;
	snpu_prune_rank_sort(c->rank, n);
	for (q = 0; q < t && q < n; q++) {
		b = c->rank[q].i;
		for (y = 0; y < c->br; y++) {
			r = (b / nbc) * c->br + y;
			for (x = 0; x < c->bc; x++) {
				j = (b % nbc) * c->bc + x;
				if (r < c->rpg && j < cnt)
					m[(size_t)r * c->k + i1 + j] = 0;
			}
		}
	}
}

/* N:M: the group starting at column @j, chosen when the sweep gets there. */
static void snpu_sgpt_mask_nm(struct snpu_sgpt_ctx *c, const double *u,
			      uint8_t *m, uint32_t j)
{
	uint32_t real = c->k - j < c->nm_m ? c->k - j : c->nm_m;
	float s[8];
	uint8_t keep[8];
	uint32_t r, p;

	for (r = 0; r < c->rpg; r++) {
		for (p = 0; p < real; p++)
			s[p] = snpu_sgpt_saliency(c, u, r, j + p);
		snpu_prune_nm_group(s, real, c->nm_n, keep);
		for (p = 0; p < real; p++)
			m[(size_t)r * c->k + j + p] = keep[p];
	}
}

/* One group of rows with its own Hessian @h. */
static int snpu_sgpt_group(struct snpu_sgpt_ctx *c, float *w, uint8_t *m,
			   double *h, uint32_t grp, char *err,
			   size_t err_size)
{
	uint32_t k = c->k, i1, i2, cnt, i, j, jj, r;
	size_t x, n = (size_t)c->rpg * k;
	double wv, q, e, d, *row;
	const double *u = h;
	int ret;

	for (x = 0; x < n; x++)
		c->wd[x] = w[x];
	ret = snpu_sgpt_hinv(c, h, grp, err, err_size);
	if (ret)
		return ret;
	memset(m, 1, n);

	for (i1 = 0; i1 < k; i1 += c->bs) {
		i2 = i1 + c->bs < k ? i1 + c->bs : k;
		cnt = i2 - i1;
		if (c->o->gran == SNPU_GRAN_UNSTRUCTURED)
			snpu_sgpt_mask_unstructured(c, u, m, i1, cnt);
		else if (c->o->gran == SNPU_GRAN_BLOCK)
			snpu_sgpt_mask_block(c, u, m, i1, cnt);

		for (i = 0; i < cnt; i++) {
			j = i1 + i;
			d = u[(size_t)j * k + j];
			if (c->o->gran == SNPU_GRAN_NM && j % c->nm_m == 0)
				snpu_sgpt_mask_nm(c, u, m, j);
			for (r = 0; r < c->rpg; r++) {
				row = c->wd + (size_t)r * k;
				wv = row[j];
				q = m[(size_t)r * k + j] ? wv : 0;
				e = (wv - q) / d;
				row[j] = q;
				c->err1[(size_t)r * cnt + i] = e;
				if (e == 0)
					continue;
				for (jj = j + 1; jj < i2; jj++)
					row[jj] -= e * u[(size_t)j * k + jj];
			}
		}
		/* The lazy update: the batch's errors, at once, to the rest. */
		if (i2 < k)
			cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
				    c->rpg, k - i2, cnt, -1.0, c->err1, cnt,
				    u + (size_t)i1 * k + i2, k, 1.0,
				    c->wd + i2, k);
	}
	for (x = 0; x < n; x++)
		w[x] = m[x] ? (float)c->wd[x] : 0.0f;
	return 0;
}

int snpu_sparsegpt_layer(float *w, uint8_t *mask, uint32_t rows, uint32_t k,
			 uint32_t groups, double *h,
			 const struct snpu_sgpt_opts *o, char *err,
			 size_t err_size)
{
	struct snpu_sgpt_ctx c = { .o = o };
	float *wout = NULL;
	uint8_t *mout = NULL;
	uint32_t bs, g;
	size_t nrank, n;
	int ret = 0;

	if (!w || !mask || !h || !o || !rows || !k || !groups ||
	    rows % groups) {
		snpu_errf(err, err_size,
			      "sparsegpt: bad arguments (rows %u, k %u, groups %u)",
			      rows, k, groups);
		return -EINVAL;
	}
	if (!(o->sparsity >= 0 && o->sparsity <= 1) ||
	    !(o->damp >= 0) || !isfinite(o->damp)) {
		snpu_errf(err, err_size,
			      "sparsegpt: sparsity %g or damping %g out of range",
			      o->sparsity, o->damp);
		return -EINVAL;
	}
	c.rows = rows;
	c.k = k;
	c.rpg = rows / groups;
	switch (o->gran) {
	case SNPU_GRAN_UNSTRUCTURED:
		break;
	case SNPU_GRAN_NM:
		if (!snpu_nm_dims(o->variant, &c.nm_n, &c.nm_m)) {
			snpu_errf(err, err_size,
				      "sparsegpt: unknown N:M pattern %u",
				      o->variant);
			return -EINVAL;
		}
		break;
	case SNPU_GRAN_BLOCK:
		if (!snpu_block_dims(o->variant, &c.br, &c.bc)) {
			snpu_errf(err, err_size,
				      "sparsegpt: unknown block shape %u",
				      o->variant);
			return -EINVAL;
		}
		if (groups > 1 && c.rpg % c.br) {
			snpu_errf(err, err_size,
				      "sparsegpt: %u rows per group do not split into blocks of %u rows",
				      c.rpg, c.br);
			return -EINVAL;
		}
		break;
	default:
		snpu_errf(err, err_size,
			      "sparsegpt: granularity %d not supported (unstructured, N:M or block)",
			      (int)o->gran);
		return -EINVAL;
	}
	bs = o->blocksize ? o->blocksize : SNPU_SGPT_BLOCKSIZE;
	if (bs > 65536)
		bs = 65536;
	/* N:M groups (M <= 8) and blocks (BC <= 16) never straddle batches. */
	c.bs = (bs + 15) / 16 * 16;
	c.damp = o->damp > 0 ? o->damp : SNPU_SGPT_DAMP;

	nrank = (size_t)c.rpg * (c.bs < k ? c.bs : k);
	n = (size_t)rows * k;
	/* Work on copies: a failure in a later group changes nothing. */
	wout = malloc(sizeof(float) * n);
	mout = malloc(n);
	c.wd = malloc(sizeof(double) * c.rpg * k);
	c.err1 = malloc(sizeof(double) * c.rpg * c.bs);
	c.hsave = malloc(sizeof(double) * k * k);
	c.rank = malloc(sizeof(*c.rank) * (nrank ? nrank : 1));
	if (!wout || !mout || !c.wd || !c.err1 || !c.hsave || !c.rank) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(wout, w, sizeof(float) * n);
	for (g = 0; g < groups; g++) {
		ret = snpu_sgpt_group(&c, wout + (size_t)g * c.rpg * k,
				      mout + (size_t)g * c.rpg * k,
				      h + (size_t)g * k * k, g, err, err_size);
		if (ret)
			goto out;
	}
	memcpy(w, wout, sizeof(float) * n);
	memcpy(mask, mout, n);
out:
	free(wout);
	free(mout);
	free(c.wd);
	free(c.err1);
	free(c.hsave);
	free(c.rank);
	return ret;
}
