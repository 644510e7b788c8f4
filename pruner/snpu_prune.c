// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Pruning of a canonical graph: importance scores, mask selection for
 * every granularity, the global threshold, channel removal, one-shot and
 * gradual schedules. See snpu_prune.h; SparseGPT's matrix work is in
 * snpu_sparsegpt.c.
 *
 * Whatever changes the caller's graph works on a clone first and swaps it
 * in on success, so a bad option found halfway (a channel that cannot be
 * rewired, a label out of range) leaves the graph as it was.
 *
 * Calibration statistics come from the fp32 executor, one run per batch
 * of calibration samples: each weighted layer's input (im2col'ed for a
 * Conv, in device column order) feeds the Wanda column norms and the
 * SparseGPT Hessian; the loss gradient feeds GRAD and TAYLOR; the
 * post-activation output feeds the entropy histograms.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "snpu_err.h"
#include "snpu_exec.h"
#include "snpu_model_parse.h"
#include "snpu_pack.h"
#include "snpu_prune.h"
#include "snpu_prune_priv.h"
#include "snpu_train.h"


/* ---- ranking ------------------------------------------------------------- */

float snpu_prune_rank_key(float s)
{
	return isnan(s) ? -INFINITY : s;
}

static int snpu_prune_rank_cmp(const void *a, const void *b)
{
	const struct snpu_prune_rank *x = a, *y = b;

	if (x->s < y->s)
		return -1;
	if (x->s > y->s)
		return 1;
	return (x->i > y->i) - (x->i < y->i);
}

void snpu_prune_rank_sort(struct snpu_prune_rank *r, size_t n)
{
	if (n > 1)
		qsort(r, n, sizeof(*r), snpu_prune_rank_cmp);
}

void snpu_prune_nm_group(const float *s, uint32_t real, uint32_t n,
			 uint8_t *keep)
{
	uint32_t p, q, lo, drop = real > n ? real - n : 0;

	for (p = 0; p < real; p++)
		keep[p] = 1;
	/* M is at most 8: drop the lowest one at a time. */
	for (q = 0; q < drop; q++) {
		lo = real;
		for (p = 0; p < real; p++) {
			if (!keep[p])
				continue;
			if (lo == real || snpu_prune_rank_key(s[p]) <
					  snpu_prune_rank_key(s[lo]))
				lo = p;
		}
		keep[lo] = 0;
	}
}

/* ---- options ------------------------------------------------------------- */

static const char *const snpu_prune_gran_names[SNPU_GRAN_COUNT] = {
	[SNPU_GRAN_UNSTRUCTURED] = "unstructured",
	[SNPU_GRAN_NM] = "N:M",
	[SNPU_GRAN_BLOCK] = "block",
	[SNPU_GRAN_CHANNEL] = "channel",
};

static const char *const snpu_prune_crit_names[SNPU_CRIT_COUNT] = {
	[SNPU_CRIT_L1] = "L1",
	[SNPU_CRIT_L2] = "L2",
	[SNPU_CRIT_GRAD] = "gradient",
	[SNPU_CRIT_TAYLOR] = "Taylor",
	[SNPU_CRIT_ENTROPY] = "entropy",
	[SNPU_CRIT_WANDA] = "Wanda",
	[SNPU_CRIT_SPARSEGPT] = "SparseGPT",
};

static const struct snpu_prune_spec *
snpu_prune_spec_of(const struct snpu_prune_opts *o, uint32_t i)
{
	return o->specs && i < o->n_specs ? &o->specs[i] : &o->dflt;
}

static bool snpu_prune_frac_ok(float s)
{
	return s >= 0 && s <= 1;
}

static bool snpu_prune_crit_data(enum snpu_criterion c)
{
	return c != SNPU_CRIT_L1 && c != SNPU_CRIT_L2;
}

static bool snpu_prune_crit_grad(enum snpu_criterion c)
{
	return c == SNPU_CRIT_GRAD || c == SNPU_CRIT_TAYLOR;
}

/* Name of layer @v for messages and reports. */
static const char *snpu_prune_lname(const struct snpu_graph *g,
				    const struct snpu_wview *v)
{
	const char *n = g->nodes[v->node].name;

	return n && n[0] ? n : g->tensors[v->weight].name;
}

/* Everything about the options that does not need data. */
static int snpu_prune_check_opts(const struct snpu_graph *g,
				 const struct snpu_wview *views, uint32_t nv,
				 const struct snpu_prune_opts *o,
				 char *err, size_t err_size)
{
	uint32_t i, x, y;

	if ((unsigned int)o->criterion >= SNPU_CRIT_COUNT) {
		snpu_errf(err, err_size, "prune: unknown criterion %d",
			       (int)o->criterion);
		return -EINVAL;
	}
	if (o->scope != SNPU_SCOPE_LAYER && o->scope != SNPU_SCOPE_GLOBAL) {
		snpu_errf(err, err_size, "prune: unknown scope %d",
			       (int)o->scope);
		return -EINVAL;
	}
	if (o->scope == SNPU_SCOPE_GLOBAL) {
		if (!snpu_prune_frac_ok(o->global_sparsity)) {
			snpu_errf(err, err_size,
				       "prune: global sparsity %g is not in [0, 1]",
				       o->global_sparsity);
			return -EINVAL;
		}
		if (o->criterion == SNPU_CRIT_SPARSEGPT ||
		    o->criterion == SNPU_CRIT_ENTROPY) {
			snpu_errf(err, err_size,
				       "prune: the %s criterion has no global scope (prune per layer)",
				       snpu_prune_crit_names[o->criterion]);
			return -EINVAL;
		}
	}
	if (o->n_specs && !o->specs) {
		snpu_errf(err, err_size, "prune: %u specs but no array",
			       o->n_specs);
		return -EINVAL;
	}
	if (o->n_specs > nv) {
		snpu_errf(err, err_size,
			       "prune: %u layer specs for %u weighted layers",
			       o->n_specs, nv);
		return -EINVAL;
	}
	if (!(o->sgpt_damp >= 0) || !isfinite(o->sgpt_damp)) {
		snpu_errf(err, err_size,
			       "prune: SparseGPT damping %g is negative",
			       o->sgpt_damp);
		return -EINVAL;
	}
	for (i = 0; i < nv; i++) {
		const struct snpu_prune_spec *s = snpu_prune_spec_of(o, i);
		const char *name = snpu_prune_lname(g, &views[i]);

		if (s->skip)
			continue;
		if ((unsigned int)s->gran >= SNPU_GRAN_COUNT) {
			snpu_errf(err, err_size,
				       "prune: layer %u '%s': unknown granularity %d",
				       i, name, (int)s->gran);
			return -EINVAL;
		}
		if (!snpu_prune_frac_ok(s->sparsity)) {
			snpu_errf(err, err_size,
				       "prune: layer %u '%s': sparsity %g is not in [0, 1]",
				       i, name, s->sparsity);
			return -EINVAL;
		}
		if ((s->gran == SNPU_GRAN_NM &&
		     !snpu_nm_dims(s->variant, &x, &y)) ||
		    (s->gran == SNPU_GRAN_BLOCK &&
		     !snpu_block_dims(s->variant, &x, &y))) {
			snpu_errf(err, err_size,
				       "prune: layer %u '%s': unknown %s variant %u",
				       i, name, snpu_prune_gran_names[s->gran],
				       s->variant);
			return -EINVAL;
		}
		if (o->criterion == SNPU_CRIT_ENTROPY &&
		    s->gran != SNPU_GRAN_CHANNEL) {
			snpu_errf(err, err_size,
				       "prune: layer %u '%s': the entropy criterion scores channels; use channel granularity or skip the layer",
				       i, name);
			return -EINVAL;
		}
		if (o->criterion == SNPU_CRIT_SPARSEGPT &&
		    s->gran == SNPU_GRAN_CHANNEL) {
			snpu_errf(err, err_size,
				       "prune: layer %u '%s': SparseGPT does not remove channels",
				       i, name);
			return -EINVAL;
		}
	}
	return 0;
}

static int snpu_prune_check_calib(const struct snpu_graph *g,
				  const struct snpu_prune_opts *o,
				  const float *calib_x, const uint8_t *calib_y,
				  uint32_t n_calib, char *err, size_t err_size)
{
	if (!snpu_prune_crit_data(o->criterion))
		return 0;
	if (!calib_x || !n_calib) {
		snpu_errf(err, err_size,
			       "prune: the %s criterion needs calibration inputs",
			       snpu_prune_crit_names[o->criterion]);
		return -EINVAL;
	}
	if (g->n_inputs != 1) {
		snpu_errf(err, err_size,
			       "prune: calibration needs a graph with one input (it has %u)",
			       g->n_inputs);
		return -EINVAL;
	}
	if (snpu_prune_crit_grad(o->criterion)) {
		if (!calib_y) {
			snpu_errf(err, err_size,
				       "prune: the %s criterion needs calibration labels",
				       snpu_prune_crit_names[o->criterion]);
			return -EINVAL;
		}
		if (g->n_outputs != 1) {
			snpu_errf(err, err_size,
				       "prune: gradients need a graph with one output (it has %u)",
				       g->n_outputs);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- shapes and views ---------------------------------------------------- */

/*
 * Infer shapes for batch 1, keeping the declared leading extent (often -1,
 * "any batch") of graph inputs and outputs: inference writes the batch
 * into them, and the graph must still say what the caller declared.
 */
static int snpu_prune_shapes(struct snpu_graph *g, char *err,
			     size_t err_size)
{
	int64_t in0[SNPU_GRAPH_MAX_IO], out0[SNPU_GRAPH_MAX_IO];
	uint32_t i;
	int ret;

	for (i = 0; i < g->n_inputs; i++)
		in0[i] = g->tensors[g->inputs[i]].dims[0];
	for (i = 0; i < g->n_outputs; i++)
		out0[i] = g->tensors[g->outputs[i]].ndim ?
			  g->tensors[g->outputs[i]].dims[0] : 0;
	ret = snpu_graph_infer_shapes(g, 1, err, err_size);
	for (i = 0; i < g->n_inputs; i++)
		if (g->tensors[g->inputs[i]].ndim)
			g->tensors[g->inputs[i]].dims[0] = in0[i];
	/* An output declared with an unknown batch keeps it unknown. */
	for (i = 0; i < g->n_outputs; i++)
		if (g->tensors[g->outputs[i]].ndim && out0[i] < 0)
			g->tensors[g->outputs[i]].dims[0] = out0[i];
	return ret;
}

/* Shapes, then the weighted layers; returns their count or an error. */
static int snpu_prune_views(struct snpu_graph *g, struct snpu_wview **views,
			    char *err, size_t err_size)
{
	int ret = snpu_graph_check(g, err, err_size);

	*views = NULL;
	if (!ret)
		ret = snpu_prune_shapes(g, err, err_size);
	if (ret)
		return ret;
	return snpu_graph_wviews(g, views, err, err_size);
}

/* Row groups of a layer: a grouped Conv's rows each see their group. */
static uint32_t snpu_prune_groups(const struct snpu_graph *g,
				  const struct snpu_wview *v)
{
	const struct snpu_gnode *n = &g->nodes[v->node];
	int64_t grp = n->op == SNPU_GOP_CONV ? n->attr.group : 1;

	if (grp < 1 || v->rows % (uint64_t)grp)
		return 1;
	return (uint32_t)grp;
}

/* Swap the contents of two graphs (the working copy becomes the graph). */
static void snpu_prune_swap(struct snpu_graph *a, struct snpu_graph *b)
{
	struct snpu_graph t = *a;

	*a = *b;
	*b = t;
}

/* ---- calibration statistics ---------------------------------------------- */

/* Per layer: what the criterion needs from the calibration set. */
struct snpu_prune_lstat {
	bool want;
	uint32_t groups;
	uint64_t n;		/* rows of X seen (per group) */
	double *colsq;		/* Wanda: groups x k sums of x^2 */
	double *hess;		/* SparseGPT: groups x k x k, upper part */
	float *gabs;		/* GRAD/TAYLOR: rows x k, ONNX order */
	uint32_t act;		/* ENTROPY: the post-activation tensor */
	float *amin, *amax;	/* ENTROPY: range per channel */
	uint32_t *hist;		/* ENTROPY: rows x bins */
};

struct snpu_prune_stats {
	struct snpu_graph *g;
	const struct snpu_wview *views;
	uint32_t nv;
	enum snpu_criterion crit;
	struct snpu_prune_lstat *l;
	int pass;		/* ENTROPY: 0 range, 1 histogram */
	float *x;		/* a chunk of X, device order */
	size_t x_cap;
	double *xd;		/* the same in double for the Hessian */
	size_t xd_cap;
	char *err;
	size_t err_size;
};

static void snpu_prune_stats_free(struct snpu_prune_stats *st)
{
	for (uint32_t i = 0; st->l && i < st->nv; i++) {
		free(st->l[i].colsq);
		free(st->l[i].hess);
		free(st->l[i].gabs);
		free(st->l[i].amin);
		free(st->l[i].amax);
		free(st->l[i].hist);
	}
	free(st->l);
	free(st->x);
	free(st->xd);
	memset(st, 0, sizeof(*st));
}

/*
 * The tensor an output channel's activation is read from: after a Relu or
 * Clip that alone reads the layer, else the layer's output.
 */
static uint32_t snpu_prune_act_tensor(const struct snpu_graph *g,
				      uint32_t node)
{
	uint32_t out = g->nodes[node].out[0];
	uint32_t c = snpu_graph_sole_consumer(g, out);

	if (c != SNPU_GRAPH_NONE && (g->nodes[c].op == SNPU_GOP_RELU ||
				     g->nodes[c].op == SNPU_GOP_CLIP) &&
	    g->nodes[c].in[0] == out)
		return g->nodes[c].out[0];
	return out;
}

static int snpu_prune_stats_init(struct snpu_prune_stats *st,
				 struct snpu_graph *g,
				 const struct snpu_wview *views, uint32_t nv,
				 enum snpu_criterion crit, const bool *want,
				 char *err, size_t err_size)
{
	uint32_t i, grp;
	size_t rk;

	memset(st, 0, sizeof(*st));
	st->g = g;
	st->views = views;
	st->nv = nv;
	st->crit = crit;
	st->err = err;
	st->err_size = err_size;
	st->l = calloc(nv ? nv : 1, sizeof(*st->l));
	if (!st->l)
		return -ENOMEM;
	for (i = 0; i < nv; i++) {
		struct snpu_prune_lstat *l = &st->l[i];
		const struct snpu_wview *v = &views[i];

		if (!want[i])
			continue;
		l->want = true;
		grp = snpu_prune_groups(g, v);
		l->groups = grp;
		rk = (size_t)v->rows * v->k;
		switch (crit) {
		case SNPU_CRIT_WANDA:
			l->colsq = calloc((size_t)grp * v->k, sizeof(double));
			if (!l->colsq)
				return -ENOMEM;
			break;
		case SNPU_CRIT_SPARSEGPT:
			l->hess = calloc((size_t)grp * v->k * v->k,
					 sizeof(double));
			if (!l->hess)
				return -ENOMEM;
			break;
		case SNPU_CRIT_GRAD:
		case SNPU_CRIT_TAYLOR:
			l->gabs = calloc(rk, sizeof(float));
			if (!l->gabs)
				return -ENOMEM;
			break;
		case SNPU_CRIT_ENTROPY:
			l->act = snpu_prune_act_tensor(g, v->node);
			l->amin = malloc(sizeof(float) * v->rows);
			l->amax = malloc(sizeof(float) * v->rows);
			l->hist = calloc((size_t)v->rows *
					 SNPU_PRUNE_ENTROPY_BINS,
					 sizeof(uint32_t));
			if (!l->amin || !l->amax || !l->hist)
				return -ENOMEM;
			for (uint32_t r = 0; r < v->rows; r++) {
				l->amin[r] = INFINITY;
				l->amax[r] = -INFINITY;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Room for @n floats of X (and doubles for the Hessian). */
static int snpu_prune_x_room(struct snpu_prune_stats *st, size_t n)
{
	void *p;

	if (n > st->x_cap) {
		p = realloc(st->x, n * sizeof(float));
		if (!p)
			return -ENOMEM;
		st->x = p;
		st->x_cap = n;
	}
	if (st->crit == SNPU_CRIT_SPARSEGPT && n > st->xd_cap) {
		p = realloc(st->xd, n * sizeof(double));
		if (!p)
			return -ENOMEM;
		st->xd = p;
		st->xd_cap = n;
	}
	return 0;
}

/* @m rows of X (device order, k columns) seen by group @grp. */
static void snpu_prune_x_chunk(struct snpu_prune_stats *st,
			       struct snpu_prune_lstat *l, uint32_t k,
			       uint32_t grp, size_t m)
{
	const float *x = st->x;
	size_t i, j;

	if (grp == 0)
		l->n += m;
	if (l->colsq) {
		double *c = l->colsq + (size_t)grp * k;

		for (i = 0; i < m; i++)
			for (j = 0; j < k; j++)
				c[j] += (double)x[i * k + j] * x[i * k + j];
	}
	if (l->hess && m) {
		for (i = 0; i < m * k; i++)
			st->xd[i] = x[i];
		/* Upper triangle of X^T X, in double like the solver. */
		cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, k, m, 1.0,
			    st->xd, k, 1.0, l->hess + (size_t)grp * k * k, k);
	}
}

/* The layer's input X in device column order, chunk by chunk. */
static int snpu_prune_layer_x(struct snpu_prune_stats *st,
			      struct snpu_exec *ex, uint32_t li,
			      uint32_t cnt)
{
	const struct snpu_wview *v = &st->views[li];
	struct snpu_prune_lstat *l = &st->l[li];
	const struct snpu_gnode *n = &st->g->nodes[v->node];
	const struct snpu_gtensor *wt = &st->g->tensors[v->weight];
	int64_t d[SNPU_GRAPH_MAX_DIMS], od[SNPU_GRAPH_MAX_DIMS];
	int64_t in_dims[4], w_dims[4];
	uint32_t nd, ond, k = v->k, s, grp;
	const float *a = snpu_exec_value(ex, n->in[0]);
	size_t i, j, m, sample;
	int ret;

	nd = snpu_exec_dims(ex, n->in[0], d);
	if (!a) {
		snpu_errf(st->err, st->err_size,
			       "prune: layer %u '%s': no input value",
			       li, snpu_prune_lname(st->g, v));
		return -EINVAL;
	}
	if (n->op == SNPU_GOP_GEMM) {
		if (nd != 2 || d[1] != k) {
			snpu_errf(st->err, st->err_size,
				       "prune: layer %u '%s': Gemm input is not [batch, %u]",
				       li, snpu_prune_lname(st->g, v), k);
			return -EINVAL;
		}
		m = (size_t)d[0];
		ret = snpu_prune_x_room(st, m * k);
		if (ret)
			return ret;
		for (i = 0; i < m; i++)
			for (j = 0; j < k; j++)
				st->x[i * k + j] = a[i * k + v->perm[j]];
		snpu_prune_x_chunk(st, l, k, 0, m);
		return 0;
	}

	/* Conv: 1-D tensors are read as height 1, like the executor does. */
	ond = snpu_exec_dims(ex, n->out[0], od);
	if ((nd != 4 && nd != 3) || ond != nd ||
	    (wt->ndim != 4 && wt->ndim != 3)) {
		snpu_errf(st->err, st->err_size,
			       "prune: layer %u '%s': Conv input of rank %u",
			       li, snpu_prune_lname(st->g, v), nd);
		return -EINVAL;
	}
	in_dims[0] = d[0];
	in_dims[1] = d[1];
	in_dims[2] = nd == 4 ? d[2] : 1;
	in_dims[3] = d[nd - 1];
	w_dims[0] = wt->dims[0];
	w_dims[1] = wt->dims[1];
	w_dims[2] = wt->ndim == 4 ? wt->dims[2] : 1;
	w_dims[3] = wt->dims[wt->ndim - 1];
	m = (size_t)od[nd - 1] * (nd == 4 ? (size_t)od[2] : 1);
	sample = (size_t)in_dims[1] * in_dims[2] * in_dims[3];
	ret = snpu_prune_x_room(st, m * k);
	if (ret)
		return ret;
	for (s = 0; s < cnt; s++) {
		for (grp = 0; grp < l->groups; grp++) {
			snpu_exec_im2col(&n->attr, in_dims, w_dims, grp,
					 a + s * sample, st->x);
			snpu_prune_x_chunk(st, l, k, grp, m);
		}
	}
	return 0;
}

static void snpu_prune_act_batch(struct snpu_prune_stats *st,
				 struct snpu_exec *ex, uint32_t li)
{
	const struct snpu_wview *v = &st->views[li];
	struct snpu_prune_lstat *l = &st->l[li];
	int64_t d[SNPU_GRAPH_MAX_DIMS];
	uint32_t nd = snpu_exec_dims(ex, l->act, d), i, r, b;
	const float *a = snpu_exec_value(ex, l->act);
	size_t inner = 1, s, x;
	float lo, span, val;

	if (!a || nd < 2 || d[1] != v->rows)
		return;
	for (i = 2; i < nd; i++)
		inner *= (size_t)d[i];
	for (s = 0; s < (size_t)d[0]; s++) {
		for (r = 0; r < v->rows; r++) {
			const float *p = a + (s * v->rows + r) * inner;

			if (st->pass == 0) {
				for (x = 0; x < inner; x++) {
					if (p[x] < l->amin[r])
						l->amin[r] = p[x];
					if (p[x] > l->amax[r])
						l->amax[r] = p[x];
				}
				continue;
			}
			lo = l->amin[r];
			span = l->amax[r] - lo;
			for (x = 0; x < inner; x++) {
				val = span > 0 ? (p[x] - lo) / span *
						 SNPU_PRUNE_ENTROPY_BINS : 0;
				b = val >= SNPU_PRUNE_ENTROPY_BINS ?
				    SNPU_PRUNE_ENTROPY_BINS - 1 :
				    val > 0 ? (uint32_t)val : 0;
				l->hist[(size_t)r * SNPU_PRUNE_ENTROPY_BINS +
					b]++;
			}
		}
	}
}

/* After the forward pass of one batch: gather what each layer needs. */
static int snpu_prune_stats_batch(struct snpu_prune_stats *st,
				  struct snpu_exec *ex, const uint8_t *y,
				  uint32_t first, uint32_t cnt)
{
	struct snpu_graph *g = st->g;
	uint32_t i, out, classes;
	int64_t d[SNPU_GRAPH_MAX_DIMS];
	size_t j, n;
	float loss;
	int ret;

	if (snpu_prune_crit_grad(st->crit)) {
		out = g->outputs[0];
		if (snpu_exec_dims(ex, out, d) != 2 || d[0] != cnt) {
			snpu_errf(st->err, st->err_size,
				       "prune: gradients need [batch, classes] logits; output '%s' is not",
				       g->tensors[out].name);
			return -EINVAL;
		}
		classes = (uint32_t)d[1];
		for (i = 0; i < cnt; i++) {
			if (y[i] >= classes) {
				snpu_errf(st->err, st->err_size,
					       "prune: calibration label %u of sample %u is not below %u classes",
					       y[i], first + i, classes);
				return -EINVAL;
			}
		}
		/* Zeroing clears every gradient buffer, the output's too. */
		snpu_exec_zero_grad(ex);
		loss = snpu_softmax_xent(snpu_exec_value(ex, out), y, cnt,
					 classes, snpu_exec_grad(ex, out));
		if (!isfinite(loss)) {
			snpu_errf(st->err, st->err_size,
				       "prune: calibration loss is not finite (samples %u to %u)",
				       first, first + cnt - 1);
			return -EINVAL;
		}
		ret = snpu_exec_backward(ex);
		if (ret) {
			snpu_errf(st->err, st->err_size,
				       "prune: backward pass failed (%d)", ret);
			return ret;
		}
	}
	for (i = 0; i < st->nv; i++) {
		struct snpu_prune_lstat *l = &st->l[i];

		if (!l->want)
			continue;
		if (l->colsq || l->hess) {
			ret = snpu_prune_layer_x(st, ex, i, cnt);
			if (ret)
				return ret;
		}
		if (l->gabs) {
			const float *gw = snpu_exec_grad(ex,
							 st->views[i].weight);

			n = (size_t)st->views[i].rows * st->views[i].k;
			if (!gw)
				return -EINVAL;
			/* |dL/dw| per batch: sign flips across batches count. */
			for (j = 0; j < n; j++)
				l->gabs[j] += fabsf(gw[j]);
		}
		if (l->hist)
			snpu_prune_act_batch(st, ex, i);
	}
	return 0;
}

/* Run the calibration set through the graph and gather statistics. */
static int snpu_prune_stats_run(struct snpu_prune_stats *st,
				const float *cx, const uint8_t *cy,
				uint32_t n_calib, uint32_t batch)
{
	struct snpu_exec *ex[2] = { NULL, NULL }, *x;
	unsigned int flags = snpu_prune_crit_grad(st->crit) ?
			     SNPU_EXEC_GRAD : 0;
	uint32_t b = batch ? batch : SNPU_PRUNE_CALIB_BATCH, first, cnt, in;
	int64_t d[SNPU_GRAPH_MAX_DIMS];
	uint32_t nd, i, passes = st->crit == SNPU_CRIT_ENTROPY ? 2 : 1;
	size_t sample = 1;
	float *dst;
	int ret;

	if (b > n_calib)
		b = n_calib;
	in = st->g->inputs[0];
	ret = snpu_exec_create(st->g, b, flags, &ex[0], st->err,
			       st->err_size);
	if (ret)
		return ret;
	if (n_calib % b) {
		ret = snpu_exec_create(st->g, n_calib % b, flags, &ex[1],
				       st->err, st->err_size);
		if (ret)
			goto out;
	}
	nd = snpu_exec_dims(ex[0], in, d);
	for (i = 1; i < nd; i++)
		sample *= (size_t)d[i];
	for (st->pass = 0; st->pass < (int)passes; st->pass++) {
		for (first = 0; first < n_calib; first += cnt) {
			cnt = n_calib - first < b ? n_calib - first : b;
			x = cnt == b ? ex[0] : ex[1];
			dst = snpu_exec_value(x, in);
			memcpy(dst, cx + (size_t)first * sample,
			       sizeof(float) * sample * cnt);
			ret = snpu_exec_forward(x);
			if (ret) {
				snpu_errf(st->err, st->err_size,
					       "prune: forward pass on calibration samples %u to %u failed (%d)",
					       first, first + cnt - 1, ret);
				goto out;
			}
			ret = snpu_prune_stats_batch(st, x,
						     cy ? cy + first : NULL,
						     first, cnt);
			if (ret)
				goto out;
		}
	}
out:
	snpu_exec_destroy(ex[0]);
	snpu_exec_destroy(ex[1]);
	return ret;
}

/* H = 2 X^T X / n, both triangles, for snpu_sparsegpt_layer(). */
static void snpu_prune_hess_finish(struct snpu_prune_lstat *l, uint32_t k)
{
	double f = l->n ? 2.0 / (double)l->n : 0;
	size_t g, i, j;

	for (g = 0; g < l->groups; g++) {
		double *h = l->hess + g * k * k;

		for (i = 0; i < k; i++) {
			for (j = i; j < k; j++) {
				h[i * k + j] *= f;
				h[j * k + i] = h[i * k + j];
			}
		}
	}
}

/* ---- scores -------------------------------------------------------------- */

static float snpu_prune_entropy(const uint32_t *hist)
{
	uint64_t total = 0;
	double h = 0, p;
	int b;

	for (b = 0; b < SNPU_PRUNE_ENTROPY_BINS; b++)
		total += hist[b];
	for (b = 0; b < SNPU_PRUNE_ENTROPY_BINS && total; b++) {
		if (!hist[b])
			continue;
		p = (double)hist[b] / (double)total;
		h -= p * log2(p);
	}
	return (float)h;
}

static void snpu_prune_normalize(float *s, size_t n)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += (double)s[i] * s[i];
	if (!(sum > 0) || !isfinite(sum))
		return;
	sum = sqrt(sum);
	for (i = 0; i < n; i++)
		s[i] = (float)(s[i] / sum);
}

/*
 * Scores of layer @li into @out (rows x k, or rows for ENTROPY) from the
 * current weights and @l's statistics (NULL for L1 / L2).
 */
static void snpu_prune_layer_scores(const struct snpu_graph *g,
				    const struct snpu_wview *v,
				    const struct snpu_prune_lstat *l,
				    enum snpu_criterion crit, bool normalize,
				    float *w, float *out)
{
	uint32_t r, j, rpg, grp;
	size_t n = (size_t)v->rows * v->k, i;

	if (crit == SNPU_CRIT_ENTROPY) {
		for (r = 0; r < v->rows; r++)
			out[r] = snpu_prune_entropy(l->hist + (size_t)r *
						    SNPU_PRUNE_ENTROPY_BINS);
		if (normalize)
			snpu_prune_normalize(out, v->rows);
		return;
	}
	snpu_wview_get(g, v, w, NULL);
	rpg = v->rows / (l && l->groups ? l->groups : 1);
	for (r = 0; r < v->rows; r++) {
		for (j = 0; j < v->k; j++) {
			i = (size_t)r * v->k + j;
			switch (crit) {
			case SNPU_CRIT_L2:
				out[i] = w[i] * w[i];
				break;
			case SNPU_CRIT_GRAD:
				out[i] = l->gabs[(size_t)r * v->k +
						 v->perm[j]];
				break;
			case SNPU_CRIT_TAYLOR:
				out[i] = fabsf(w[i]) *
					 l->gabs[(size_t)r * v->k +
						 v->perm[j]];
				break;
			case SNPU_CRIT_WANDA:
				grp = r / rpg;
				out[i] = fabsf(w[i]) *
					 (float)sqrt(l->colsq[(size_t)grp *
							      v->k + j]);
				break;
			default:
				out[i] = fabsf(w[i]);
				break;
			}
		}
	}
	if (normalize)
		snpu_prune_normalize(out, n);
}

/* Scores of every wanted layer; @scores[i] allocated for those. */
static int snpu_prune_score_layers(struct snpu_graph *g,
				   const struct snpu_wview *views, uint32_t nv,
				   const struct snpu_prune_opts *o,
				   const bool *want, const float *cx,
				   const uint8_t *cy, uint32_t n_calib,
				   float **scores, char *err, size_t err_size)
{
	struct snpu_prune_stats st;
	size_t maxn = 1, n;
	float *w = NULL;
	uint32_t i;
	int ret;

	ret = snpu_prune_stats_init(&st, g, views, nv, o->criterion, want,
				    err, err_size);
	if (!ret && snpu_prune_crit_data(o->criterion))
		ret = snpu_prune_stats_run(&st, cx, cy, n_calib,
					   o->calib_batch);
	for (i = 0; !ret && i < nv; i++) {
		n = (size_t)views[i].rows * views[i].k;
		if (n > maxn)
			maxn = n;
	}
	if (!ret) {
		w = malloc(sizeof(float) * maxn);
		if (!w)
			ret = -ENOMEM;
	}
	for (i = 0; !ret && i < nv; i++) {
		if (!want[i])
			continue;
		n = o->criterion == SNPU_CRIT_ENTROPY ? views[i].rows :
			(size_t)views[i].rows * views[i].k;
		scores[i] = malloc(sizeof(float) * n);
		if (!scores[i]) {
			ret = -ENOMEM;
			break;
		}
		snpu_prune_layer_scores(g, &views[i], &st.l[i], o->criterion,
					o->normalize, w, scores[i]);
	}
	free(w);
	snpu_prune_stats_free(&st);
	return ret;
}

int snpu_prune_scores(const struct snpu_graph *g,
		      const struct snpu_prune_opts *o,
		      const float *calib_x, const uint8_t *calib_y,
		      uint32_t n_calib, struct snpu_prune_scores *s,
		      char *err, size_t err_size)
{
	struct snpu_wview *views = NULL;
	struct snpu_graph *c;
	float **sc = NULL;
	bool *want = NULL;
	int nv, ret;
	uint32_t i;

	if (!g || !o || !s) {
		snpu_errf(err, err_size, "prune: no graph or options");
		return -EINVAL;
	}
	memset(s, 0, sizeof(*s));
	if (o->criterion == SNPU_CRIT_SPARSEGPT) {
		snpu_errf(err, err_size,
			       "prune: SparseGPT chooses masks without scores");
		return -EINVAL;
	}
	c = snpu_graph_clone(g);
	if (!c)
		return -ENOMEM;
	nv = snpu_prune_views(c, &views, err, err_size);
	if (nv < 0) {
		ret = nv;
		goto out;
	}
	ret = snpu_prune_check_opts(c, views, (uint32_t)nv, o, err,
				    err_size);
	if (!ret)
		ret = snpu_prune_check_calib(c, o, calib_x, calib_y, n_calib,
					     err, err_size);
	if (ret)
		goto out;
	sc = calloc(nv ? nv : 1, sizeof(*sc));
	want = calloc(nv ? nv : 1, sizeof(*want));
	s->layers = calloc(nv ? nv : 1, sizeof(*s->layers));
	if (!sc || !want || !s->layers) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < (uint32_t)nv; i++)
		want[i] = !snpu_prune_spec_of(o, i)->skip;
	ret = snpu_prune_score_layers(c, views, nv, o, want, calib_x,
				      calib_y, n_calib, sc, err, err_size);
	s->n_layers = (uint32_t)nv;
	for (i = 0; i < (uint32_t)nv; i++) {
		s->layers[i].rows = views[i].rows;
		s->layers[i].k = views[i].k;
		s->layers[i].v = sc[i];
	}
out:
	if (ret)
		snpu_prune_scores_free(s);
	free(sc);
	free(want);
	snpu_wviews_free(views, nv > 0 ? nv : 0);
	snpu_graph_free(c);
	return ret;
}

void snpu_prune_scores_free(struct snpu_prune_scores *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; s->layers && i < s->n_layers; i++)
		free(s->layers[i].v);
	free(s->layers);
	memset(s, 0, sizeof(*s));
}

/* ---- selection ----------------------------------------------------------- */

static uint64_t snpu_prune_count(float s, uint64_t n)
{
	uint64_t t = (uint64_t)llround((double)s * (double)n);

	return t > n ? n : t;
}

/* Rows: round(sparsity * rows) lowest removed, one always kept. */
static int snpu_prune_select_rows(const float *rs, uint32_t rows,
				  float sparsity, uint8_t *keep)
{
	struct snpu_prune_rank *r = malloc(sizeof(*r) * rows);
	uint64_t t = snpu_prune_count(sparsity, rows);
	uint32_t i;

	if (!r)
		return -ENOMEM;
	if (t >= rows)
		t = rows - 1;
	for (i = 0; i < rows; i++) {
		r[i].s = snpu_prune_rank_key(rs[i]);
		r[i].i = i;
		keep[i] = 1;
	}
	snpu_prune_rank_sort(r, rows);
	for (i = 0; i < t; i++)
		keep[r[i].i] = 0;
	free(r);
	return 0;
}

static int snpu_prune_select_unstructured(const float *score, size_t n,
					  float sparsity, uint8_t *mask)
{
	struct snpu_prune_rank *r = malloc(sizeof(*r) * (n ? n : 1));
	uint64_t t = snpu_prune_count(sparsity, n), i;

	if (!r)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		r[i].s = snpu_prune_rank_key(score[i]);
		r[i].i = (uint32_t)i;
		mask[i] = 1;
	}
	snpu_prune_rank_sort(r, n);
	for (i = 0; i < t; i++)
		mask[r[i].i] = 0;
	free(r);
	return 0;
}

static void snpu_prune_select_nm(const float *score, uint32_t rows,
				 uint32_t k, uint32_t n, uint32_t m,
				 uint8_t *mask)
{
	uint32_t r, j, real;

	for (r = 0; r < rows; r++) {
		for (j = 0; j < k; j += m) {
			real = k - j < m ? k - j : m;
			snpu_prune_nm_group(score + (size_t)r * k + j, real, n,
					    mask + (size_t)r * k + j);
		}
	}
}

static int snpu_prune_select_block(const float *score, uint32_t rows,
				   uint32_t k, uint32_t br, uint32_t bc,
				   float sparsity, uint8_t *mask)
{
	uint32_t nbr = (rows + br - 1) / br, nbc = (k + bc - 1) / bc;
	size_t nb = (size_t)nbr * nbc, b, q;
	struct snpu_prune_rank *rk = malloc(sizeof(*rk) * (nb ? nb : 1));
	uint64_t t = snpu_prune_count(sparsity, nb);
	uint32_t y, x, r, j;
	double sum;

	if (!rk)
		return -ENOMEM;
	memset(mask, 1, (size_t)rows * k);
	for (b = 0; b < nb; b++) {
		sum = 0;
		for (y = 0; y < br; y++) {
			r = (uint32_t)(b / nbc) * br + y;
			for (x = 0; x < bc && r < rows; x++) {
				j = (uint32_t)(b % nbc) * bc + x;
				if (j < k)
					sum += score[(size_t)r * k + j];
			}
		}
		rk[b].s = snpu_prune_rank_key((float)sum);
		rk[b].i = (uint32_t)b;
	}
	snpu_prune_rank_sort(rk, nb);
	for (q = 0; q < t; q++) {
		b = rk[q].i;
		for (y = 0; y < br; y++) {
			r = (uint32_t)(b / nbc) * br + y;
			for (x = 0; x < bc && r < rows; x++) {
				j = (uint32_t)(b % nbc) * bc + x;
				if (j < k)
					mask[(size_t)r * k + j] = 0;
			}
		}
	}
	free(rk);
	return 0;
}

int snpu_prune_select(const float *score, uint32_t rows, uint32_t k,
		      enum snpu_granularity gran, uint32_t variant,
		      float sparsity, uint8_t *mask)
{
	uint32_t a, b, r, j;
	uint8_t *keep;
	float *rs;
	double sum;
	int ret;

	if (!score || !mask || !rows || !k || !snpu_prune_frac_ok(sparsity) ||
	    (size_t)rows * k > UINT32_MAX)
		return -EINVAL;
	switch (gran) {
	case SNPU_GRAN_UNSTRUCTURED:
		return snpu_prune_select_unstructured(score, (size_t)rows * k,
						      sparsity, mask);
	case SNPU_GRAN_NM:
		if (!snpu_nm_dims(variant, &a, &b))
			return -EINVAL;
		snpu_prune_select_nm(score, rows, k, a, b, mask);
		return 0;
	case SNPU_GRAN_BLOCK:
		if (!snpu_block_dims(variant, &a, &b))
			return -EINVAL;
		return snpu_prune_select_block(score, rows, k, a, b, sparsity,
					       mask);
	case SNPU_GRAN_CHANNEL:
		rs = malloc(sizeof(float) * rows);
		keep = malloc(rows);
		ret = -ENOMEM;
		if (rs && keep) {
			for (r = 0; r < rows; r++) {
				sum = 0;
				for (j = 0; j < k; j++)
					sum += score[(size_t)r * k + j];
				rs[r] = (float)sum;
			}
			ret = snpu_prune_select_rows(rs, rows, sparsity, keep);
			for (r = 0; !ret && r < rows; r++)
				memset(mask + (size_t)r * k, keep[r], k);
		}
		free(rs);
		free(keep);
		return ret;
	default:
		return -EINVAL;
	}
}

/* ---- applying masks ------------------------------------------------------ */

/*
 * Weights already pruned (mask 0) stay pruned: they rank below anything a
 * criterion says about them (a gradient can be large at a zero weight).
 */
static void snpu_prune_keep_pruned(const struct snpu_graph *g,
				   const struct snpu_wview *v, float *score)
{
	const uint8_t *m = g->tensors[v->weight].mask;
	uint32_t r, j;

	if (!m)
		return;
	for (r = 0; r < v->rows; r++)
		for (j = 0; j < v->k; j++)
			if (!m[(size_t)r * v->k + v->perm[j]])
				score[(size_t)r * v->k + j] = -INFINITY;
}

/* Zero the weights @mask drops and make it the tensor's mask. */
static int snpu_prune_apply(struct snpu_graph *g, const struct snpu_wview *v,
			    const uint8_t *mask, float *w)
{
	size_t i, n = (size_t)v->rows * v->k;

	snpu_wview_get(g, v, w, NULL);
	for (i = 0; i < n; i++)
		if (!mask[i])
			w[i] = 0;
	return snpu_wview_put(g, v, w, mask);
}

/*
 * Masks for every wanted, non-channel layer from @scores: per layer at
 * @sparsity[i], and in the global scope one threshold over the
 * unstructured layers at @global. @scores are changed (pruned weights
 * ranked lowest).
 */
static int snpu_prune_mask_layers(struct snpu_graph *g,
				  const struct snpu_wview *views, uint32_t nv,
				  const struct snpu_prune_opts *o,
				  const bool *want, const float *sparsity,
				  float global, float **scores, char *err,
				  size_t err_size)
{
	struct snpu_prune_rank *rk = NULL;
	uint8_t **mask = calloc(nv ? nv : 1, sizeof(*mask));
	size_t maxn = 1, n, total = 0, x, i;
	uint64_t t;
	float *w = NULL;
	uint32_t l;
	bool glob;
	int ret = 0;

	if (!mask)
		return -ENOMEM;
	for (l = 0; l < nv; l++) {
		const struct snpu_prune_spec *s = snpu_prune_spec_of(o, l);

		if (!want[l] || s->gran == SNPU_GRAN_CHANNEL)
			continue;
		n = (size_t)views[l].rows * views[l].k;
		if (n > maxn)
			maxn = n;
		mask[l] = malloc(n);
		if (!mask[l]) {
			ret = -ENOMEM;
			goto out;
		}
		snpu_prune_keep_pruned(g, &views[l], scores[l]);
		glob = o->scope == SNPU_SCOPE_GLOBAL &&
		       s->gran == SNPU_GRAN_UNSTRUCTURED;
		if (glob) {
			total += n;
			continue;
		}
		ret = snpu_prune_select(scores[l], views[l].rows, views[l].k,
					s->gran, s->variant, sparsity[l],
					mask[l]);
		if (ret) {
			snpu_errf(err, err_size,
				       "prune: layer %u '%s': mask selection failed (%d)",
				       l, snpu_prune_lname(g, &views[l]), ret);
			goto out;
		}
	}
	if (total) {
		if (total > UINT32_MAX) {
			snpu_errf(err, err_size,
				       "prune: %zu weights are too many for one global threshold",
				       total);
			ret = -EINVAL;
			goto out;
		}
		rk = malloc(sizeof(*rk) * total);
		if (!rk) {
			ret = -ENOMEM;
			goto out;
		}
		x = 0;
		for (l = 0; l < nv; l++) {
			if (!mask[l] || snpu_prune_spec_of(o, l)->gran !=
					SNPU_GRAN_UNSTRUCTURED)
				continue;
			n = (size_t)views[l].rows * views[l].k;
			for (i = 0; i < n; i++, x++) {
				rk[x].s = snpu_prune_rank_key(scores[l][i]);
				rk[x].i = (uint32_t)x;
				mask[l][i] = 1;
			}
		}
		snpu_prune_rank_sort(rk, total);
		t = snpu_prune_count(global, total);
		for (i = 0; i < t; i++) {
			x = rk[i].i;
			/* Find the layer the flat index falls in. */
			for (l = 0; l < nv; l++) {
				if (!mask[l] || snpu_prune_spec_of(o, l)->gran !=
						SNPU_GRAN_UNSTRUCTURED)
					continue;
				n = (size_t)views[l].rows * views[l].k;
				if (x < n) {
					mask[l][x] = 0;
					break;
				}
				x -= n;
			}
		}
	}
	w = malloc(sizeof(float) * maxn);
	if (!w) {
		ret = -ENOMEM;
		goto out;
	}
	for (l = 0; l < nv; l++) {
		if (!mask[l])
			continue;
		if (o->csr_fill &&
		    snpu_prune_spec_of(o, l)->gran == SNPU_GRAN_UNSTRUCTURED)
			snpu_pack_csr_fill(mask[l], views[l].rows, views[l].k);
		ret = snpu_prune_apply(g, &views[l], mask[l], w);
		if (ret)
			goto out;
	}
out:
	for (l = 0; l < nv; l++)
		free(mask[l]);
	free(mask);
	free(rk);
	free(w);
	return ret;
}

/* ---- channel removal ----------------------------------------------------- */

/* Replace a constant's data (and mask) by the entries @keep_el says. */
static int snpu_prune_shrink(struct snpu_gtensor *t, size_t n,
			     const uint8_t *keep_el, size_t n_new)
{
	float *d = malloc(sizeof(float) * (n_new ? n_new : 1));
	uint8_t *m = t->mask ? malloc(n_new ? n_new : 1) : NULL;
	size_t i, x = 0;

	if (!d || (t->mask && !m)) {
		free(d);
		free(m);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (!keep_el[i])
			continue;
		d[x] = t->data[i];
		if (m)
			m[x] = t->mask[i];
		x++;
	}
	free(t->data);
	t->data = d;
	if (t->mask) {
		free(t->mask);
		t->mask = m;
	}
	return 0;
}

/* Where a layer's channels end up: the consumer that must lose inputs. */
struct snpu_prune_rewire {
	uint32_t consumer;	/* Conv or Gemm node */
	uint32_t hw;		/* columns per channel for a Gemm */
	uint32_t reshape;	/* a Reshape whose shape constant changes */
};

static int snpu_prune_rewire_err(const struct snpu_graph *g, uint32_t node,
				 uint32_t at, const char *why, char *err,
				 size_t err_size)
{
	snpu_errf(err, err_size,
		       "prune: cannot remove channels of node %u '%s' (%s): %s%s%s%s",
		       node, g->nodes[node].name,
		       snpu_gop_name(g->nodes[node].op), why,
		       at != SNPU_GRAPH_NONE ? " (node '" : "",
		       at != SNPU_GRAPH_NONE ? g->nodes[at].name : "",
		       at != SNPU_GRAPH_NONE ? "')" : "");
	return -EINVAL;
}

static bool snpu_prune_is_output(const struct snpu_graph *g, uint32_t t)
{
	for (uint32_t i = 0; i < g->n_outputs; i++)
		if (g->outputs[i] == t)
			return true;
	return false;
}

/* A Gemm (canonical, private weight) reading @t as its A. */
static bool snpu_prune_gemm_reads(const struct snpu_graph *g, uint32_t c,
				  uint32_t t)
{
	const struct snpu_gnode *n = &g->nodes[c];

	return n->op == SNPU_GOP_GEMM && n->in[0] == t && n->attr.trans_b &&
	       !n->attr.trans_a && n->n_in >= 2 && g->tensors[n->in[1]].data &&
	       g->tensors[n->in[1]].ndim == 2 &&
	       snpu_graph_readers(g, n->in[1]) == 1;
}

/* Follow the layer's output to the node whose inputs are its channels. */
static int snpu_prune_find_rewire(const struct snpu_graph *g, uint32_t node,
				  struct snpu_prune_rewire *rw, char *err,
				  size_t err_size)
{
	uint32_t t = g->nodes[node].out[0], c, src;
	const struct snpu_gnode *n;
	const struct snpu_gtensor *st, *ot;
	int64_t axis, hw, i;

	rw->reshape = SNPU_GRAPH_NONE;
	rw->hw = 1;
	for (;;) {
		if (snpu_prune_is_output(g, t))
			return snpu_prune_rewire_err(g, node, SNPU_GRAPH_NONE,
				"its channels reach a graph output", err,
				err_size);
		c = snpu_graph_sole_consumer(g, t);
		if (c == SNPU_GRAPH_NONE)
			return snpu_prune_rewire_err(g, node, SNPU_GRAPH_NONE,
				snpu_graph_readers(g, t) ?
				"its output is read by several nodes" :
				"its output is not read", err, err_size);
		n = &g->nodes[c];
		if (n->in[0] != t)
			return snpu_prune_rewire_err(g, node, c,
				"its output is not the data input of the next node",
				err, err_size);
		switch (n->op) {
		case SNPU_GOP_RELU:
		case SNPU_GOP_MAXPOOL:
		case SNPU_GOP_AVGPOOL:
		case SNPU_GOP_GLOBALAVGPOOL:
			t = n->out[0];
			continue;
		case SNPU_GOP_CLIP:
			if (!(n->attr.clip_min <= 0 && n->attr.clip_max >= 0))
				return snpu_prune_rewire_err(g, node, c,
					"a Clip whose range excludes 0 turns a removed channel into a constant",
					err, err_size);
			t = n->out[0];
			continue;
		case SNPU_GOP_CONV:
			if (n->attr.group != 1 || !g->tensors[n->in[1]].data ||
			    snpu_graph_readers(g, n->in[1]) != 1)
				return snpu_prune_rewire_err(g, node, c,
					"the next Conv is grouped or its weight is shared or not constant",
					err, err_size);
			rw->consumer = c;
			return 0;
		case SNPU_GOP_GEMM:
			if (!snpu_prune_gemm_reads(g, c, t))
				return snpu_prune_rewire_err(g, node, c,
					"the next Gemm is not canonical or its weight is shared",
					err, err_size);
			rw->consumer = c;
			return 0;
		case SNPU_GOP_FLATTEN:
		case SNPU_GOP_RESHAPE:
			st = &g->tensors[t];
			ot = &g->tensors[n->out[0]];
			axis = n->attr.axis < 0 ? n->attr.axis + st->ndim :
			       n->attr.axis;
			if (st->ndim < 2 || ot->ndim != 2 ||
			    (n->op == SNPU_GOP_FLATTEN && axis != 1))
				return snpu_prune_rewire_err(g, node, c,
					"only a flatten to [batch, C * H * W] is followed",
					err, err_size);
			hw = 1;
			for (i = 2; i < st->ndim; i++)
				hw *= st->dims[i];
			if (hw < 1 || hw > UINT32_MAX ||
			    ot->dims[1] != st->dims[1] * hw)
				return snpu_prune_rewire_err(g, node, c,
					"only a flatten to [batch, C * H * W] is followed",
					err, err_size);
			if (n->op == SNPU_GOP_RESHAPE) {
				const struct snpu_gtensor *sh =
					&g->tensors[n->in[1]];

				if (!sh->i64 || snpu_gtensor_numel(sh) != 2 ||
				    sh->i64[1] == 0 ||
				    snpu_graph_readers(g, n->in[1]) != 1)
					return snpu_prune_rewire_err(g, node,
						c,
						"the Reshape's shape is not a private [batch, -1 or C * H * W]",
						err, err_size);
				rw->reshape = c;
			}
			src = n->out[0];
			if (snpu_prune_is_output(g, src))
				return snpu_prune_rewire_err(g, node, c,
					"its channels reach a graph output",
					err, err_size);
			c = snpu_graph_sole_consumer(g, src);
			if (c == SNPU_GRAPH_NONE ||
			    !snpu_prune_gemm_reads(g, c, src))
				return snpu_prune_rewire_err(g, node, c,
					"a flatten must feed one canonical Gemm",
					err, err_size);
			rw->consumer = c;
			rw->hw = (uint32_t)hw;
			return 0;
		default:
			return snpu_prune_rewire_err(g, node, c,
				"its output feeds an operation that cannot be rewired",
				err, err_size);
		}
	}
}

/* Drop the removed channels' columns / input channels of the consumer. */
static int snpu_prune_shrink_consumer(struct snpu_graph *g,
				      const struct snpu_prune_rewire *rw,
				      const uint8_t *keep, uint32_t rows,
				      uint32_t kept)
{
	struct snpu_gtensor *w = &g->tensors[g->nodes[rw->consumer].in[1]];
	size_t n = (size_t)snpu_gtensor_numel(w), i, inner, outer, cols;
	uint8_t *el = malloc(n ? n : 1);
	int ret;

	if (!el)
		return -ENOMEM;
	if (g->nodes[rw->consumer].op == SNPU_GOP_CONV) {
		/* W [O, C, kh, kw]: channel c is index 1. */
		outer = (size_t)w->dims[0];
		inner = n / (outer * rows);
		for (i = 0; i < n; i++)
			el[i] = !!keep[(i / inner) % rows];
		ret = snpu_prune_shrink(w, n, el, outer * kept * inner);
		if (!ret)
			w->dims[1] = kept;
	} else {
		/* B [N, C * hw] (trans_b): columns c * hw .. + hw - 1. */
		cols = (size_t)w->dims[1];
		for (i = 0; i < n; i++)
			el[i] = !!keep[(i % cols) / rw->hw];
		ret = snpu_prune_shrink(w, n, el,
					(size_t)w->dims[0] * kept * rw->hw);
		if (!ret)
			w->dims[1] = (int64_t)kept * rw->hw;
	}
	free(el);
	if (!ret && rw->reshape != SNPU_GRAPH_NONE) {
		struct snpu_gtensor *sh =
			&g->tensors[g->nodes[rw->reshape].in[1]];

		if (sh->i64[1] > 0)
			sh->i64[1] = (int64_t)kept * rw->hw;
	}
	return ret;
}

static int snpu_prune_remove_on(struct snpu_graph *g, uint32_t node,
				const uint8_t *keep, char *err,
				size_t err_size)
{
	struct snpu_prune_rewire rw = { 0 };
	struct snpu_gnode *n;
	struct snpu_gtensor *w, *b;
	uint32_t rows, kept = 0, r;
	size_t numel, inner, i;
	uint8_t *el;
	int ret;

	ret = snpu_graph_check(g, err, err_size);
	if (!ret)
		ret = snpu_prune_shapes(g, err, err_size);
	if (ret)
		return ret;
	if (node >= g->n_nodes) {
		snpu_errf(err, err_size,
			       "prune: cannot remove channels of node %u: the graph has %u nodes",
			       node, g->n_nodes);
		return -EINVAL;
	}
	n = &g->nodes[node];
	if ((n->op != SNPU_GOP_CONV && n->op != SNPU_GOP_GEMM) ||
	    n->n_in < 3 || n->in[2] == SNPU_GRAPH_NONE ||
	    !g->tensors[n->in[1]].data || !g->tensors[n->in[2]].data ||
	    (n->op == SNPU_GOP_GEMM && (!n->attr.trans_b || n->attr.trans_a)))
		return snpu_prune_rewire_err(g, node, SNPU_GRAPH_NONE,
			"not a canonical Conv or Gemm (run snpu_graph_canon)",
			err, err_size);
	if (n->op == SNPU_GOP_CONV && n->attr.group != 1)
		return snpu_prune_rewire_err(g, node, SNPU_GRAPH_NONE,
			"a grouped Conv's channels are tied to its input's",
			err, err_size);
	w = &g->tensors[n->in[1]];
	b = &g->tensors[n->in[2]];
	rows = (uint32_t)w->dims[0];
	if (snpu_graph_readers(g, n->in[1]) != 1 ||
	    snpu_graph_readers(g, n->in[2]) != 1 ||
	    snpu_gtensor_numel(b) != rows)
		return snpu_prune_rewire_err(g, node, SNPU_GRAPH_NONE,
			"its weight or bias is shared or the bias is not [rows]",
			err, err_size);
	for (r = 0; r < rows; r++)
		kept += !!keep[r];
	if (!kept)
		return snpu_prune_rewire_err(g, node, SNPU_GRAPH_NONE,
			"every channel would go", err, err_size);
	ret = snpu_prune_find_rewire(g, node, &rw, err, err_size);
	if (ret)
		return ret;
	if (g->tensors[g->nodes[rw.consumer].in[1]].dims[1] !=
	    (int64_t)rows * (g->nodes[rw.consumer].op == SNPU_GOP_CONV ?
			     1 : rw.hw))
		return snpu_prune_rewire_err(g, node, rw.consumer,
			"the next layer's weight does not match the channel count",
			err, err_size);
	if (kept == rows)
		return 0;

	numel = (size_t)snpu_gtensor_numel(w);
	inner = numel / rows;
	el = malloc(numel);
	if (!el)
		return -ENOMEM;
	for (i = 0; i < numel; i++)
		el[i] = !!keep[i / inner];
	ret = snpu_prune_shrink(w, numel, el, (size_t)kept * inner);
	if (!ret)
		ret = snpu_prune_shrink(b, rows, keep, kept);
	free(el);
	if (ret)
		return ret;
	w->dims[0] = kept;
	b->dims[0] = kept;
	ret = snpu_prune_shrink_consumer(g, &rw, keep, rows, kept);
	if (ret)
		return ret;
	ret = snpu_prune_shapes(g, err, err_size);
	if (ret)
		return ret;
	return snpu_graph_check(g, err, err_size);
}

int snpu_prune_remove_channels(struct snpu_graph *g, uint32_t node,
			       const uint8_t *keep, char *err,
			       size_t err_size)
{
	struct snpu_graph *c;
	int ret;

	if (!g || !keep) {
		snpu_errf(err, err_size, "prune: no graph or keep array");
		return -EINVAL;
	}
	c = snpu_graph_clone(g);
	if (!c)
		return -ENOMEM;
	ret = snpu_prune_remove_on(c, node, keep, err, err_size);
	if (!ret)
		snpu_prune_swap(g, c);
	snpu_graph_free(c);
	return ret;
}

/* ---- report -------------------------------------------------------------- */

void snpu_prune_report_free(struct snpu_prune_report *rep)
{
	if (!rep)
		return;
	for (uint32_t i = 0; rep->layers && i < rep->n_layers; i++)
		free(rep->layers[i].name);
	free(rep->layers);
	memset(rep, 0, sizeof(*rep));
}

/* Report from views already made (so the graph's shapes are current). */
static int snpu_prune_report_views(const struct snpu_graph *g,
				   const struct snpu_wview *views, uint32_t nv,
				   const struct snpu_prune_opts *o,
				   const uint32_t *rows0, const uint32_t *k0,
				   struct snpu_prune_report *rep)
{
	const struct snpu_prune_spec unstructured = { 0 };
	uint32_t i;

	memset(rep, 0, sizeof(*rep));
	rep->layers = calloc(nv ? nv : 1, sizeof(*rep->layers));
	if (!rep->layers)
		return -ENOMEM;
	rep->n_layers = nv;
	for (i = 0; i < nv; i++) {
		struct snpu_prune_layer_report *l = &rep->layers[i];
		const struct snpu_wview *v = &views[i];
		const struct snpu_gtensor *t = &g->tensors[v->weight];
		const struct snpu_prune_spec *s = o ? snpu_prune_spec_of(o, i) :
						  &unstructured;
		size_t n = (size_t)v->rows * v->k, x;
		uint64_t total0;

		l->name = strdup(snpu_prune_lname(g, v));
		if (!l->name) {
			snpu_prune_report_free(rep);
			return -ENOMEM;
		}
		l->node = v->node;
		l->rows0 = rows0 ? rows0[i] : v->rows;
		l->k0 = k0 ? k0[i] : v->k;
		l->rows = v->rows;
		l->k = v->k;
		l->kept = n;
		if (t->mask)
			for (x = 0, l->kept = 0; x < n; x++)
				l->kept += !!t->mask[x];
		total0 = (uint64_t)l->rows0 * l->k0;
		l->sparsity = total0 ? (float)(1.0 - (double)l->kept /
					       (double)total0) : 0;
		l->gran = s->gran;
		l->variant = s->variant;
		l->skipped = s->skip;
		rep->total0 += total0;
		rep->kept += l->kept;
	}
	rep->sparsity = rep->total0 ? (float)(1.0 - (double)rep->kept /
					      (double)rep->total0) : 0;
	return 0;
}

int snpu_prune_report_fill(const struct snpu_graph *g,
			   const struct snpu_prune_opts *o,
			   const uint32_t *rows0, const uint32_t *k0,
			   struct snpu_prune_report *rep, char *err,
			   size_t err_size)
{
	struct snpu_wview *views = NULL;
	int nv, ret;

	if (!g || !rep) {
		snpu_errf(err, err_size, "prune: no graph or report");
		return -EINVAL;
	}
	memset(rep, 0, sizeof(*rep));
	nv = snpu_graph_wviews(g, &views, err, err_size);
	if (nv < 0)
		return nv;
	ret = snpu_prune_report_views(g, views, (uint32_t)nv, o, rows0, k0,
				      rep);
	snpu_wviews_free(views, nv);
	return ret;
}

/* ---- one shot ------------------------------------------------------------ */

/* Remove channels of every CHANNEL layer, one at a time, in node order. */
static int snpu_prune_channels(struct snpu_graph *g,
			       struct snpu_wview **views, int *nv,
			       const struct snpu_prune_opts *o,
			       const float *cx, const uint8_t *cy,
			       uint32_t n_calib, char *err, size_t err_size)
{
	float **sc = NULL, *rs = NULL;
	uint8_t *keep = NULL;
	bool *want = NULL;
	uint32_t i, r, j;
	double sum;
	int ret = 0, n;

	sc = calloc(*nv ? *nv : 1, sizeof(*sc));
	want = calloc(*nv ? *nv : 1, sizeof(*want));
	if (!sc || !want) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < (uint32_t)*nv; i++) {
		const struct snpu_prune_spec *s = snpu_prune_spec_of(o, i);
		const struct snpu_wview *v;

		if (s->skip || s->gran != SNPU_GRAN_CHANNEL)
			continue;
		memset(want, 0, sizeof(*want) * *nv);
		want[i] = true;
		ret = snpu_prune_score_layers(g, *views, *nv, o, want, cx, cy,
					      n_calib, sc, err, err_size);
		if (ret)
			goto out;
		v = &(*views)[i];
		rs = malloc(sizeof(float) * v->rows);
		keep = malloc(v->rows);
		if (!rs || !keep) {
			ret = -ENOMEM;
			goto out;
		}
		for (r = 0; r < v->rows; r++) {
			if (o->criterion == SNPU_CRIT_ENTROPY) {
				rs[r] = sc[i][r];
				continue;
			}
			for (j = 0, sum = 0; j < v->k; j++)
				sum += sc[i][(size_t)r * v->k + j];
			rs[r] = (float)sum;
		}
		ret = snpu_prune_select_rows(rs, v->rows, s->sparsity, keep);
		/* Nothing to remove (a small sparsity): nothing to rewire. */
		if (!ret && memchr(keep, 0, v->rows))
			ret = snpu_prune_remove_on(g, v->node, keep, err,
						   err_size);
		free(sc[i]);
		sc[i] = NULL;
		free(rs);
		rs = NULL;
		free(keep);
		keep = NULL;
		if (ret)
			goto out;
		/* Shapes changed: the views (K, permutations) too. */
		snpu_wviews_free(*views, *nv);
		*views = NULL;
		n = snpu_graph_wviews(g, views, err, err_size);
		if (n < 0) {
			*nv = 0;
			ret = n;
			goto out;
		}
		*nv = n;
	}
out:
	for (i = 0; sc && i < (uint32_t)*nv; i++)
		free(sc[i]);
	free(sc);
	free(want);
	free(rs);
	free(keep);
	return ret;
}

/* SparseGPT, one layer after the other on the graph pruned so far. */
static int snpu_prune_sparsegpt(struct snpu_graph *g,
				const struct snpu_wview *views, uint32_t nv,
				const struct snpu_prune_opts *o,
				const float *cx, uint32_t n_calib, char *err,
				size_t err_size)
{
	struct snpu_sgpt_opts so = {
		.blocksize = o->sgpt_blocksize,
		.damp = o->sgpt_damp,
	};
	struct snpu_prune_stats st;
	bool *want = calloc(nv ? nv : 1, sizeof(*want));
	float *w = NULL;
	uint8_t *mask = NULL;
	uint32_t i;
	size_t n;
	int ret = 0;

	if (!want)
		return -ENOMEM;
	for (i = 0; i < nv; i++) {
		const struct snpu_prune_spec *s = snpu_prune_spec_of(o, i);
		const struct snpu_wview *v = &views[i];

		if (s->skip)
			continue;
		memset(want, 0, sizeof(*want) * nv);
		want[i] = true;
		ret = snpu_prune_stats_init(&st, g, views, nv,
					    SNPU_CRIT_SPARSEGPT, want, err,
					    err_size);
		if (!ret)
			ret = snpu_prune_stats_run(&st, cx, NULL, n_calib,
						   o->calib_batch);
		if (ret) {
			snpu_prune_stats_free(&st);
			break;
		}
		snpu_prune_hess_finish(&st.l[i], v->k);
		n = (size_t)v->rows * v->k;
		w = malloc(sizeof(float) * n);
		mask = malloc(n);
		if (!w || !mask) {
			ret = -ENOMEM;
		} else {
			snpu_wview_get(g, v, w, NULL);
			so.gran = s->gran;
			so.variant = s->variant;
			so.sparsity = s->sparsity;
			ret = snpu_sparsegpt_layer(w, mask, v->rows, v->k,
						   st.l[i].groups,
						   st.l[i].hess, &so, err,
						   err_size);
			if (ret == -EINVAL) {
				char tmp[256];

				snprintf(tmp, sizeof(tmp), "%s",
					 err ? err : "");
				snpu_errf(err, err_size,
					       "prune: layer %u '%s': %s", i,
					       snpu_prune_lname(g, v), tmp);
			}
			if (!ret)
				ret = snpu_wview_put(g, v, w, mask);
		}
		free(w);
		free(mask);
		w = NULL;
		mask = NULL;
		snpu_prune_stats_free(&st);
		if (ret)
			break;
	}
	free(want);
	return ret;
}

static int snpu_prune_oneshot_on(struct snpu_graph *g,
				 const struct snpu_prune_opts *o,
				 const float *cx, const uint8_t *cy,
				 uint32_t n_calib,
				 struct snpu_prune_report *rep, char *err,
				 size_t err_size)
{
	struct snpu_wview *views = NULL;
	uint32_t *rows0 = NULL, *k0 = NULL, i;
	float **sc = NULL, *sp = NULL;
	bool *want = NULL, any = false;
	int nv, ret;

	nv = snpu_prune_views(g, &views, err, err_size);
	if (nv < 0)
		return nv;
	ret = snpu_prune_check_opts(g, views, (uint32_t)nv, o, err,
				    err_size);
	if (!ret)
		ret = snpu_prune_check_calib(g, o, cx, cy, n_calib, err,
					     err_size);
	if (ret)
		goto out;
	rows0 = malloc(sizeof(*rows0) * (nv ? nv : 1));
	k0 = malloc(sizeof(*k0) * (nv ? nv : 1));
	if (!rows0 || !k0) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < (uint32_t)nv; i++) {
		rows0[i] = views[i].rows;
		k0[i] = views[i].k;
	}

	ret = snpu_prune_channels(g, &views, &nv, o, cx, cy, n_calib, err,
				  err_size);
	if (ret)
		goto out;

	if (o->criterion == SNPU_CRIT_SPARSEGPT) {
		ret = snpu_prune_sparsegpt(g, views, nv, o, cx, n_calib, err,
					   err_size);
		if (ret)
			goto out;
	} else {
		sc = calloc(nv ? nv : 1, sizeof(*sc));
		want = calloc(nv ? nv : 1, sizeof(*want));
		sp = calloc(nv ? nv : 1, sizeof(*sp));
		if (!sc || !want || !sp) {
			ret = -ENOMEM;
			goto out;
		}
		for (i = 0; i < (uint32_t)nv; i++) {
			const struct snpu_prune_spec *s =
				snpu_prune_spec_of(o, i);

			want[i] = !s->skip && s->gran != SNPU_GRAN_CHANNEL;
			sp[i] = s->sparsity;
			any |= want[i];
		}
		if (any)
			ret = snpu_prune_score_layers(g, views, nv, o, want,
						      cx, cy, n_calib, sc, err,
						      err_size);
		if (!ret && any)
			ret = snpu_prune_mask_layers(g, views, nv, o, want, sp,
						     o->global_sparsity, sc,
						     err, err_size);
		if (ret)
			goto out;
	}
	if (rep)
		ret = snpu_prune_report_views(g, views, nv, o, rows0, k0, rep);
out:
	for (i = 0; sc && i < (uint32_t)nv; i++)
		free(sc[i]);
	free(sc);
	free(want);
	free(sp);
	free(rows0);
	free(k0);
	snpu_wviews_free(views, nv);
	return ret;
}

int snpu_prune_oneshot(struct snpu_graph *g, const struct snpu_prune_opts *o,
		       const float *calib_x, const uint8_t *calib_y,
		       uint32_t n_calib, struct snpu_prune_report *rep,
		       char *err, size_t err_size)
{
	struct snpu_graph *c;
	int ret;

	if (rep)
		memset(rep, 0, sizeof(*rep));
	if (!g || !o) {
		snpu_errf(err, err_size, "prune: no graph or options");
		return -EINVAL;
	}
	c = snpu_graph_clone(g);
	if (!c)
		return -ENOMEM;
	ret = snpu_prune_oneshot_on(c, o, calib_x, calib_y, n_calib, rep, err,
				    err_size);
	if (!ret)
		snpu_prune_swap(g, c);
	snpu_graph_free(c);
	return ret;
}

/* ---- gradual ------------------------------------------------------------- */

float snpu_prune_poly_sparsity(float s_init, float s_final, uint64_t step,
			       uint64_t begin, uint64_t end, uint64_t every)
{
	double p, t;

	if (step < begin)
		return s_init;
	if (step >= end)
		return s_final;
	if (!every)
		every = 1;
	t = (double)((step - begin) / every * every);
	p = 1.0 - t / (double)(end - begin);
	return (float)(s_final + (s_init - s_final) * p * p * p);
}

struct snpu_prune_gradual_ctx {
	struct snpu_graph *g;
	const struct snpu_prune_opts *o;
	const struct snpu_prune_schedule *s;
	const struct snpu_train_opts *user;
	struct snpu_wview *views;
	uint32_t nv;
	bool *want;
	float *sp;
	float **sc;
	float *w;
	bool final_done;
	char *err;
	size_t err_size;
};

/* Masks from the current weights' magnitude at the schedule's @step. */
static int snpu_prune_gradual_step(struct snpu_prune_gradual_ctx *c,
				   uint64_t step)
{
	const struct snpu_prune_schedule *s = c->s;
	const struct snpu_prune_opts *o = c->o;
	float target, global;
	uint32_t i;

	for (i = 0; i < c->nv; i++) {
		if (!c->want[i])
			continue;
		target = snpu_prune_spec_of(o, i)->sparsity;
		c->sp[i] = snpu_prune_poly_sparsity(s->s_init, target, step,
						    s->begin, s->end,
						    s->every);
		snpu_prune_layer_scores(c->g, &c->views[i], NULL,
					o->criterion, o->normalize, c->w,
					c->sc[i]);
	}
	if (step >= s->end)
		c->final_done = true;
	global = snpu_prune_poly_sparsity(s->s_init, o->global_sparsity, step,
					  s->begin, s->end, s->every);
	return snpu_prune_mask_layers(c->g, c->views, c->nv, o, c->want,
				      c->sp, global, c->sc, c->err,
				      c->err_size);
}

static int snpu_prune_gradual_hook(void *data, uint64_t step, uint64_t total)
{
	struct snpu_prune_gradual_ctx *c = data;
	const struct snpu_prune_schedule *s = c->s;
	uint64_t every = s->every ? s->every : 1;
	int ret;

	if (step >= s->begin && !c->final_done &&
	    ((step - s->begin) % every == 0 || step >= s->end)) {
		ret = snpu_prune_gradual_step(c, step);
		if (ret)
			return ret;
	}
	if (c->user && c->user->hook)
		return c->user->hook(c->user->hook_data, step, total);
	return 0;
}

int snpu_prune_gradual(struct snpu_graph *g, const struct snpu_prune_opts *o,
		       const struct snpu_dataset *train,
		       const struct snpu_train_opts *t,
		       const struct snpu_prune_schedule *s,
		       struct snpu_prune_report *rep, char *err,
		       size_t err_size)
{
	struct snpu_prune_gradual_ctx c = { .g = g, .o = o, .s = s, .user = t,
					    .err = err,
					    .err_size = err_size };
	struct snpu_train_opts to;
	uint32_t i, *rows0 = NULL, *k0 = NULL;
	size_t maxn = 1, n;
	int nv, ret;

	if (rep)
		memset(rep, 0, sizeof(*rep));
	if (!g || !o || !train || !t || !s) {
		snpu_errf(err, err_size,
			       "prune: gradual needs a graph, options, data, training options and a schedule");
		return -EINVAL;
	}
	if (!snpu_prune_frac_ok(s->s_init) || s->end < s->begin) {
		snpu_errf(err, err_size,
			       "prune: schedule: initial sparsity %g not in [0, 1] or end %llu before begin %llu",
			       s->s_init, (unsigned long long)s->end,
			       (unsigned long long)s->begin);
		return -EINVAL;
	}
	if (o->criterion != SNPU_CRIT_L1 && o->criterion != SNPU_CRIT_L2) {
		snpu_errf(err, err_size,
			       "prune: gradual pruning recomputes masks from magnitude; use the L1 or L2 criterion");
		return -EINVAL;
	}
	nv = snpu_prune_views(g, &c.views, err, err_size);
	if (nv < 0)
		return nv;
	c.nv = (uint32_t)nv;
	ret = snpu_prune_check_opts(g, c.views, c.nv, o, err, err_size);
	if (ret)
		goto out;
	c.want = calloc(nv ? nv : 1, sizeof(*c.want));
	c.sp = calloc(nv ? nv : 1, sizeof(*c.sp));
	c.sc = calloc(nv ? nv : 1, sizeof(*c.sc));
	rows0 = malloc(sizeof(*rows0) * (nv ? nv : 1));
	k0 = malloc(sizeof(*k0) * (nv ? nv : 1));
	if (!c.want || !c.sp || !c.sc || !rows0 || !k0) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < c.nv; i++) {
		const struct snpu_prune_spec *sp = snpu_prune_spec_of(o, i);

		rows0[i] = c.views[i].rows;
		k0[i] = c.views[i].k;
		if (sp->skip)
			continue;
		if (sp->gran == SNPU_GRAN_CHANNEL) {
			snpu_errf(err, err_size,
				       "prune: layer %u '%s': channels cannot be removed while training (shapes change); prune them one-shot first",
				       i, snpu_prune_lname(g, &c.views[i]));
			ret = -EINVAL;
			goto out;
		}
		c.want[i] = true;
		n = (size_t)c.views[i].rows * c.views[i].k;
		if (n > maxn)
			maxn = n;
		c.sc[i] = malloc(sizeof(float) * n);
		if (!c.sc[i]) {
			ret = -ENOMEM;
			goto out;
		}
	}
	c.w = malloc(sizeof(float) * maxn);
	if (!c.w) {
		ret = -ENOMEM;
		goto out;
	}
	to = *t;
	to.hook = snpu_prune_gradual_hook;
	to.hook_data = &c;
	ret = snpu_train(g, train, &to, err, err_size);
	/* Training stopped before the schedule's end: finish it. */
	if (!ret && !c.final_done)
		ret = snpu_prune_gradual_step(&c, s->end);
	if (!ret && rep)
		ret = snpu_prune_report_views(g, c.views, c.nv, o, rows0, k0,
					      rep);
out:
	for (i = 0; c.sc && i < c.nv; i++)
		free(c.sc[i]);
	free(c.sc);
	free(c.sp);
	free(c.want);
	free(c.w);
	free(rows0);
	free(k0);
	snpu_wviews_free(c.views, nv);
	return ret;
}
