// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Hardware-aware plans (snpu_plan.h): zero statistics, static prediction
 * with the device's cost model, per-layer sensitivities and the exact
 * multiple-choice knapsack over the budgets.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_err.h"
#include "snpu_fw_parse.h"
#include "snpu_model_parse.h"
#include "snpu_names.h"
#include "snpu_pack.h"
#include "snpu_plan.h"
#include "snpu_train.h"

/* Images per engine run while collecting statistics. */
#define SNPU_PLAN_STATS_BATCH	32
/* Cells of the discretised budgets. */
#define SNPU_PLAN_CELLS		1000
#define SNPU_PLAN_SIZE_CELLS	200
/* Accuracy points per cell when the loss is the budget. */
#define SNPU_PLAN_DROP_STEP	0.01
/* Validation batch of the fp32 sensitivities. */
#define SNPU_PLAN_EVAL_BATCH	256

/* ---- zero statistics ------------------------------------------------- */

/* Weight groups of a layer: conv2d's groups, 1 for FC. */
static uint32_t snpu_plan_groups(const struct snpu_layer_view *l)
{
	return l->op == SNPU_OP_CONV2D && l->groups ? l->groups : 1;
}

void snpu_act_stats_free(struct snpu_act_stats *st)
{
	uint32_t i;

	if (!st)
		return;
	for (i = 0; i < st->n_layers; i++)
		free(st->zeros[i]);
	memset(st, 0, sizeof(*st));
}

/*
 * Add one sample of layer @l's input @x to @zeros: for every output
 * position and every column of the layer's (im2col) patch, whether the
 * activation there is the zero point. Padding reads as the zero point,
 * as the engine's patches do.
 */
static void snpu_stats_sample(const struct snpu_model_view *v,
			      const struct snpu_layer_view *l, const int8_t *x,
			      double *zeros)
{
	const struct snpu_tensor_view *ti = &v->tensors[l->input];
	const struct snpu_tensor_view *to = &v->tensors[l->output];
	int8_t zp = (int8_t)ti->zero_point;
	uint32_t cg, g, oy, ox, ky, kx, c, col;

	if (l->op == SNPU_OP_FC) {
		for (c = 0; c < l->k; c++)
			zeros[c] += x[c] == zp;
		return;
	}
	cg = ti->c / snpu_plan_groups(l);
	for (oy = 0; oy < to->h; oy++) {
		for (ox = 0; ox < to->w; ox++) {
			for (g = 0; g < snpu_plan_groups(l); g++) {
				col = g * l->k;
				for (ky = 0; ky < l->kernel_h; ky++) {
					int64_t iy = (int64_t)oy * l->stride_h -
						     l->pad_top +
						     (int64_t)ky * l->dilation_h;

					for (kx = 0; kx < l->kernel_w; kx++) {
						int64_t ix = (int64_t)ox *
							     l->stride_w -
							     l->pad_left +
							     (int64_t)kx *
							     l->dilation_w;
						bool pad = iy < 0 ||
							   iy >= ti->h ||
							   ix < 0 ||
							   ix >= ti->w;
						const int8_t *p = x +
							((size_t)(pad ? 0 : iy) *
							 ti->w + (pad ? 0 : ix)) *
							ti->c + (size_t)g * cg;

						for (c = 0; c < cg; c++, col++)
							zeros[col] += pad ||
								      p[c] == zp;
					}
				}
			}
		}
	}
}

int snpu_act_stats_collect(const struct snpu_qmodel *q, const void *blob,
			   size_t size, const struct snpu_dataset *ds,
			   uint32_t n, struct snpu_act_stats *st, char *err,
			   size_t err_size)
{
	const struct snpu_model_view *v;
	struct snpu_int8_runner *run = NULL;
	size_t sample = (size_t)ds->c * ds->h * ds->w;
	int8_t *in = NULL, *out = NULL;
	uint32_t i, b, s, bytes_in, bytes_out;
	int ret;

	memset(st, 0, sizeof(*st));
	if (n > ds->n)
		n = ds->n;
	if (!n) {
		snpu_errf(err, err_size, "no images for zero statistics");
		return -EINVAL;
	}
	ret = snpu_int8_runner_new(blob, size, NULL, &run, err, err_size);
	if (ret)
		return ret;
	v = snpu_int8_runner_view(run);
	st->n_layers = v->n_layers;
	for (i = 0; i < v->n_layers && !ret; i++) {
		const struct snpu_layer_view *l = &v->layers[i];

		if (!snpu_model_op_has_weights(l->op))
			continue;
		st->cols[i] = snpu_plan_groups(l) * l->k;
		st->zeros[i] = calloc(st->cols[i], sizeof(double));
		if (!st->zeros[i])
			ret = -ENOMEM;
	}
	bytes_in = v->tensors[v->input].bytes;
	bytes_out = v->tensors[v->output].bytes;
	in = malloc((size_t)SNPU_PLAN_STATS_BATCH * bytes_in);
	out = malloc((size_t)SNPU_PLAN_STATS_BATCH * bytes_out);
	if (!in || !out)
		ret = -ENOMEM;
	if (ret == -ENOMEM)
		snpu_errf(err, err_size, "out of memory for zero statistics");
	for (s = 0; s < n && !ret; s += b) {
		b = n - s < SNPU_PLAN_STATS_BATCH ? n - s :
			SNPU_PLAN_STATS_BATCH;
		snpu_qmodel_quantize_input(q, ds->x + s * sample, b, in);
		ret = snpu_int8_runner_run(run, in, out, b, NULL, err,
					   err_size);
		for (i = 0; i < v->n_layers && !ret; i++) {
			const struct snpu_layer_view *l = &v->layers[i];
			const int8_t *x;
			uint32_t j;

			if (!st->zeros[i])
				continue;
			x = snpu_int8_runner_tensor(run, l->input, in, out, b);
			for (j = 0; j < b; j++)
				snpu_stats_sample(v, l, x + (size_t)j *
						  v->tensors[l->input].bytes,
						  st->zeros[i]);
		}
	}
	if (!ret) {
		st->samples = n;
		for (i = 0; i < st->n_layers; i++)
			for (s = 0; s < st->cols[i]; s++)
				st->zeros[i][s] /= n;
	}
	free(in);
	free(out);
	snpu_int8_runner_free(run);
	if (ret)
		snpu_act_stats_free(st);
	return ret;
}

/* Expected MACs skipped per sample: stored entries x zero frequency. */
static double snpu_plan_skip(const uint32_t *colcnt, const double *zeros,
			     uint32_t cols)
{
	double sum = 0;
	uint32_t c;

	if (!zeros)
		return 0;
	for (c = 0; c < cols; c++)
		sum += colcnt[c] * zeros[c];
	return sum;
}

/* ---- prediction ------------------------------------------------------ */

int snpu_plan_predict(const struct snpu_qmodel *q, const void *blob,
		      size_t size, const struct snpu_platform *plat,
		      const struct snpu_act_stats *st, uint32_t batch,
		      struct snpu_counters *layers, uint32_t n_layers,
		      char *err, size_t err_size)
{
	const struct snpu_pack_model *pm = snpu_qmodel_pack_model(q);
	bool zskip = plat->features & SNPU_FEAT_ACT_ZERO_SKIP;
	struct snpu_model_view *v = malloc(sizeof(*v));
	uint32_t *colcnt = NULL, i;
	char why[160];
	int ret;

	if (!v) {
		snpu_errf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	ret = snpu_model_parse(blob, size, plat, v);
	if (ret) {
		snpu_errf(err, err_size, "%s cannot run the model (layer %d): %s",
			  plat->name, (int)v->bad_layer,
			  snpu_model_strerror(ret));
		free(v);
		return -EINVAL;
	}
	if (n_layers < v->n_layers || pm->n_layers != v->n_layers) {
		snpu_errf(err, err_size, "%u layers, room for %u", v->n_layers,
			  n_layers);
		free(v);
		return -EINVAL;
	}
	for (i = 0; i < v->n_layers && !ret; i++) {
		const struct snpu_layer_view *l = &v->layers[i];
		const struct snpu_pack_layer *pl = &pm->layers[i];
		struct snpu_cost_shape s;
		struct snpu_enc_count ec;
		double skip = 0;

		snpu_cost_shape_of(v, i, &s);
		if (snpu_model_op_has_weights(l->op)) {
			uint32_t cols = snpu_plan_groups(l) * l->k;

			free(colcnt);
			colcnt = malloc(sizeof(*colcnt) * cols);
			if (!colcnt) {
				ret = -ENOMEM;
				break;
			}
			ret = snpu_encoding_count(pl->weights, l->out_channels,
						  l->k, snpu_plan_groups(l),
						  l->encoding,
						  l->variant, &ec, colcnt, why,
						  sizeof(why));
			if (!ret && ec.stored != l->stored)
				ret = -EINVAL;
			if (ret) {
				snpu_errf(err, err_size,
					  "layer %u: the packed weights do not match the model's (%s)",
					  i, ret ? why : "stored entries");
				break;
			}
			if (zskip && st && i < st->n_layers &&
			    st->cols[i] == cols)
				skip = snpu_plan_skip(colcnt, st->zeros[i],
						      cols);
		}
		snpu_cost_count(plat, &s, batch,
				(uint64_t)llround(skip * batch), &layers[i]);
	}
	free(colcnt);
	free(v);
	return ret;
}

/* ---- the knapsack ---------------------------------------------------- */

double snpu_plan_solve(uint32_t n, const uint32_t *n_cand, const uint32_t *w1,
		       uint32_t cap1, const uint32_t *w2, uint32_t cap2,
		       const double *obj, uint32_t *choice)
{
	size_t cells = ((size_t)cap1 + 1) * ((size_t)cap2 + 1);
	double *cur = malloc(cells * sizeof(double));
	double *nxt = malloc(cells * sizeof(double));
	uint8_t *pick = malloc(cells * (n ? n : 1));
	double best = -1;
	size_t cell, bc = 0;
	uint32_t l, c, a, b;

	if (!cur || !nxt || !pick)
		goto out;
	for (cell = 0; cell < cells; cell++)
		cur[cell] = INFINITY;
	cur[0] = 0;
	for (l = 0; l < n; l++) {
		for (cell = 0; cell < cells; cell++)
			nxt[cell] = INFINITY;
		for (a = 0; a <= cap1; a++) {
			for (b = 0; b <= cap2; b++) {
				double here = cur[(size_t)a * (cap2 + 1) + b];

				if (here == INFINITY)
					continue;
				for (c = 0; c < n_cand[l]; c++) {
					size_t i = (size_t)l * SNPU_PLAN_MAX_CAND + c;
					uint64_t na = (uint64_t)a + w1[i];
					uint64_t nb = (uint64_t)b + w2[i];
					double v = here + obj[i];

					if (na > cap1 || nb > cap2)
						continue;
					cell = (size_t)na * (cap2 + 1) + nb;
					if (v < nxt[cell]) {
						nxt[cell] = v;
						pick[(size_t)l * cells + cell] =
							(uint8_t)c;
					}
				}
			}
		}
		memcpy(cur, nxt, cells * sizeof(double));
	}
	for (cell = 0; cell < cells; cell++) {
		if (cur[cell] != INFINITY && (best < 0 || cur[cell] < best)) {
			best = cur[cell];
			bc = cell;
		}
	}
	/* Walk back from the best cell: each pick says which cell it came from. */
	for (l = n; best >= 0 && l-- > 0;) {
		size_t i;

		c = pick[(size_t)l * cells + bc];
		choice[l] = c;
		i = (size_t)l * SNPU_PLAN_MAX_CAND + c;
		bc -= (size_t)w1[i] * (cap2 + 1) + w2[i];
	}
out:
	free(cur);
	free(nxt);
	free(pick);
	return best;
}

/* ---- sensitivities --------------------------------------------------- */

/* The candidates @plat runs for a layer: specs with their encoding. */
static uint32_t snpu_plan_candidates(const struct snpu_platform *plat,
				     struct snpu_plan_cand *c)
{
	static const float unstructured[] = { 0.5f, 0.7f, 0.8f, 0.9f, 0.95f };
	static const float blocks[] = { 0.5f, 0.75f, 0.9f };
	uint32_t n = 0, i, v, nn, m;

	memset(c, 0, sizeof(*c) * SNPU_PLAN_MAX_CAND);
	c[n].spec.skip = true;
	c[n++].encoding = SNPU_ENC_DENSE;
	if (plat->encodings & (1u << SNPU_ENC_CSR)) {
		for (i = 0; i < ARRAY_SIZE(unstructured); i++) {
			c[n].spec.gran = SNPU_GRAN_UNSTRUCTURED;
			c[n].spec.sparsity = unstructured[i];
			c[n++].encoding = SNPU_ENC_CSR;
		}
	}
	if (plat->encodings & (1u << SNPU_ENC_NM)) {
		for (v = 0; v < SNPU_NM_COUNT; v++) {
			if (!(plat->nm_patterns & (1u << v)))
				continue;
			snpu_nm_dims(v, &nn, &m);
			c[n].spec.gran = SNPU_GRAN_NM;
			c[n].spec.variant = v;
			c[n].spec.sparsity = 1.0f - (float)nn / (float)m;
			c[n].encoding = SNPU_ENC_NM;
			c[n++].variant = v;
		}
	}
	if (plat->encodings & (1u << SNPU_ENC_BLOCK)) {
		for (v = 0; v < SNPU_BLOCK_COUNT; v++) {
			if (!(plat->block_shapes & (1u << v)))
				continue;
			for (i = 0; i < ARRAY_SIZE(blocks); i++) {
				c[n].spec.gran = SNPU_GRAN_BLOCK;
				c[n].spec.variant = v;
				c[n].spec.sparsity = blocks[i];
				c[n].encoding = SNPU_ENC_BLOCK;
				c[n++].variant = v;
			}
		}
	}
	return n;
}

/*
 * Cycles and bytes of weighted layer @pl (packed layer @li of @v) if its
 * weights had @pattern's zeros and @c's encoding.
 */
static int snpu_plan_cost(const struct snpu_plan_opts *o,
			  const struct snpu_model_view *v, uint32_t li,
			  const int8_t *pattern, const struct snpu_act_stats *st,
			  struct snpu_plan_cand *c, uint32_t *colcnt, char *err,
			  size_t err_size)
{
	const struct snpu_layer_view *l = &v->layers[li];
	struct snpu_cost_shape s;
	struct snpu_counters cnt;
	struct snpu_enc_count ec;
	char why[160];
	double skip = 0;
	int ret;

	ret = snpu_encoding_count(pattern, l->out_channels, l->k,
				  snpu_plan_groups(l),
				  c->encoding, c->variant, &ec, colcnt, why,
				  sizeof(why));
	if (ret) {
		snpu_errf(err, err_size, "layer %u: %s", li, why);
		return ret;
	}
	snpu_cost_shape_of(v, li, &s);
	s.encoding = c->encoding;
	s.stored = ec.stored;
	s.param_bytes = ((ec.values + 7) & ~(size_t)7) +
			((ec.index + 7) & ~(size_t)7) +
			12 * (uint64_t)l->out_channels;
	if (o->plat->features & SNPU_FEAT_ACT_ZERO_SKIP)
		skip = snpu_plan_skip(colcnt, st->zeros[li], st->cols[li]);
	snpu_cost_count(o->plat, &s, 1, (uint64_t)llround(skip), &cnt);
	if (!snpu_cost_tiles(o->plat, &s)) {
		snpu_errf(err, err_size,
			  "layer %u does not fit the SRAM of %s", li,
			  o->plat->name);
		return -EINVAL;
	}
	c->cycles = cnt.cycles;
	c->bytes = s.param_bytes;
	return 0;
}

/* Everything one sensitivity measurement needs, set up once. */
struct snpu_plan_work {
	const struct snpu_plan_opts *o;
	struct snpu_graph *g;
	struct snpu_wview *views;
	int n_views;
	struct snpu_prune_spec *specs;
	const struct snpu_model_view *v;
	const struct snpu_act_stats *st;
	const uint32_t *packed;		/* weighted layer -> packed layer */
	uint32_t done, total;
};

static int snpu_plan_sense_layer(struct snpu_plan_work *wk, uint32_t i,
				 struct snpu_plan_layer *pl, char *err,
				 size_t err_size)
{
	const struct snpu_wview *wv = &wk->views[i];
	size_t nw = (size_t)wv->rows * wv->k;
	float *w0 = malloc(nw * sizeof(float)), *w = malloc(nw * sizeof(float));
	uint8_t *m0 = malloc(nw), *mask = malloc(nw);
	int8_t *pattern = malloc(nw);
	uint32_t *colcnt = malloc(sizeof(uint32_t) *
				  snpu_plan_groups(&wk->v->layers[wk->packed[i]]) *
				  (size_t)wk->v->layers[wk->packed[i]].k);
	struct snpu_prune_opts po;
	uint32_t c;
	size_t j;
	int ret = 0;

	if (!w0 || !w || !m0 || !mask || !pattern || !colcnt) {
		snpu_errf(err, err_size, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	snpu_wview_get(wk->g, wv, w0, m0);
	memset(&po, 0, sizeof(po));
	po.criterion = wk->o->criterion;
	po.scope = SNPU_SCOPE_LAYER;
	po.n_specs = (uint32_t)wk->n_views;
	po.specs = wk->specs;
	for (c = 0; c < pl->n_cand && !ret; c++) {
		struct snpu_plan_cand *cand = &pl->cand[c];
		uint64_t kept = 0;
		double acc;

		if (c) {
			wk->specs[i] = cand->spec;
			po.dflt = cand->spec;
			ret = snpu_prune_oneshot(wk->g, &po, wk->o->calib->x,
						 wk->o->calib->y,
						 wk->o->calib->n, NULL, err,
						 err_size);
			wk->specs[i].skip = true;
			if (!ret)
				ret = snpu_evaluate(wk->g, wk->o->val,
						    SNPU_PLAN_EVAL_BATCH, &acc,
						    NULL, err, err_size);
			if (!ret)
				cand->drop = fmax(0.0, 100.0 *
						  (pl->cand[0].drop - acc));
		}
		if (ret)
			break;
		snpu_wview_get(wk->g, wv, w, mask);
		for (j = 0; j < nw; j++) {
			pattern[j] = w[j] != 0 && mask[j];
			kept += (uint64_t)pattern[j];
		}
		cand->sparsity = 1.0 - (double)kept / (double)nw;
		ret = snpu_plan_cost(wk->o, wk->v, wk->packed[i], pattern,
				     wk->st, cand, colcnt, err, err_size);
		if (!c)
			continue;
		if (wk->o->progress)
			wk->o->progress(wk->o->progress_data, ++wk->done,
					wk->total);
		if (ret == -EINVAL) {
			/* The layer cannot take this form: not a candidate. */
			memmove(cand, cand + 1,
				sizeof(*cand) * (pl->n_cand - c - 1));
			pl->n_cand--;
			c--;
			ret = 0;
		}
		if (!ret)
			ret = snpu_wview_put(wk->g, wv, w0, m0);
	}
out:
	free(w0);
	free(w);
	free(m0);
	free(mask);
	free(pattern);
	free(colcnt);
	return ret;
}

/* ---- the plan -------------------------------------------------------- */

static const char *snpu_plan_label(const struct snpu_plan_cand *c, char *buf,
				   size_t n)
{
	char enc[32];

	snpu_encoding_label(c->encoding, c->variant, enc, sizeof(enc));
	if (c->encoding == SNPU_ENC_DENSE || c->encoding == SNPU_ENC_NM)
		snprintf(buf, n, "%s", enc);
	else
		snprintf(buf, n, "%s %.0f%%", enc, 100.0 * c->spec.sparsity);
	return buf;
}

/* Say in one sentence why layer @pl got its candidate. */
static void snpu_plan_why(const struct snpu_plan *p, struct snpu_plan_layer *pl,
			  const struct snpu_platform *plat)
{
	const struct snpu_plan_cand *d = &pl->cand[0];
	const struct snpu_plan_cand *ch = &pl->cand[pl->chosen];
	const struct snpu_plan_cand *fast = NULL, *cheap = NULL;
	char a[48], b[48];
	uint32_t c;

	for (c = 1; c < pl->n_cand; c++) {
		const struct snpu_plan_cand *x = &pl->cand[c];

		if (!fast || x->cycles < fast->cycles)
			fast = x;
		if (x->cycles < d->cycles && (!cheap || x->drop < cheap->drop))
			cheap = x;
	}
	if (!fast) {
		snprintf(pl->why, sizeof(pl->why),
			 "dense: %s runs no sparse encoding", plat->name);
	} else if (pl->chosen == 0 && fast->cycles >= d->cycles) {
		snprintf(pl->why, sizeof(pl->why),
			 "dense: sparsity does not pay on %s: the fastest sparse form (%s) takes %llu cycles, dense %llu",
			 plat->name, snpu_plan_label(fast, a, sizeof(a)),
			 (unsigned long long)fast->cycles,
			 (unsigned long long)d->cycles);
	} else if (pl->chosen == 0) {
		snprintf(pl->why, sizeof(pl->why),
			 "dense: the budget is met without it; the least lossy saving, %s, takes %llu cycles off for an estimated %.2f points",
			 snpu_plan_label(cheap, a, sizeof(a)),
			 (unsigned long long)(d->cycles - cheap->cycles),
			 cheap->drop);
	} else if (ch->cycles >= d->cycles) {
		snprintf(pl->why, sizeof(pl->why),
			 "%s: for size (%llu of %llu bytes), not speed (%llu vs dense %llu cycles), for an estimated %.2f points",
			 snpu_plan_label(ch, a, sizeof(a)),
			 (unsigned long long)ch->bytes,
			 (unsigned long long)d->bytes,
			 (unsigned long long)ch->cycles,
			 (unsigned long long)d->cycles, ch->drop);
	} else {
		snprintf(pl->why, sizeof(pl->why),
			 "%s: %llu -> %llu cycles (-%.0f%%) for an estimated %.2f points%s%s%s",
			 snpu_plan_label(ch, a, sizeof(a)),
			 (unsigned long long)d->cycles,
			 (unsigned long long)ch->cycles,
			 100.0 * (double)(d->cycles - ch->cycles) /
			 (double)d->cycles, ch->drop,
			 fast != ch && !p->min_latency ? "; " : "",
			 fast != ch && !p->min_latency ?
			 snpu_plan_label(fast, b, sizeof(b)) : "",
			 fast != ch && !p->min_latency ?
			 " is faster but loses more" : "");
	}
}

/* Totals of the chosen candidates. */
static void snpu_plan_totals(struct snpu_plan *p)
{
	uint32_t i;

	p->cycles = p->fixed_cycles;
	p->bytes = p->fixed_bytes;
	p->drop = 0;
	for (i = 0; i < p->n_layers; i++) {
		const struct snpu_plan_cand *c =
			&p->layers[i].cand[p->layers[i].chosen];

		p->cycles += c->cycles;
		p->bytes += c->bytes;
		p->drop += c->drop;
	}
}

/* @v in cells of @cap / @cells, to the nearest; over the budget never fits. */
static uint32_t snpu_plan_cells(double v, double cap, uint32_t cells)
{
	double x = v > cap ? cells + 1.0 : floor(v * cells / cap + 0.5);

	return (uint32_t)x;
}
/* Pick, for every layer, the candidate minimising @key (ties: drop). */
static void snpu_plan_pick_min(struct snpu_plan *p, bool by_bytes)
{
	uint32_t i, c;

	for (i = 0; i < p->n_layers; i++) {
		struct snpu_plan_layer *pl = &p->layers[i];

		pl->chosen = 0;
		for (c = 1; c < pl->n_cand; c++) {
			const struct snpu_plan_cand *x = &pl->cand[c];
			const struct snpu_plan_cand *y = &pl->cand[pl->chosen];
			uint64_t kx = by_bytes ? x->bytes : x->cycles;
			uint64_t ky = by_bytes ? y->bytes : y->cycles;

			if (kx < ky || (kx == ky && x->drop < y->drop))
				pl->chosen = c;
		}
	}
	snpu_plan_totals(p);
}

static void snpu_plan_time(const struct snpu_platform *plat, uint64_t cycles,
			   char *buf, size_t n)
{
	snprintf(buf, n, "%llu cycles, %.1f us", (unsigned long long)cycles,
		 plat->clock_khz ? 1e3 * (double)cycles / plat->clock_khz :
		 0.0);
}

/*
 * Share of a latency budget kept free on platforms that skip zero
 * activations: their cycles are an expectation over calibration images
 * (measured within 0.1 % on the demo models), and the budget is a promise.
 */
#define SNPU_PLAN_ZSKIP_MARGIN	0.01

/* Sums of the chosen candidates' weighted-layer cycles and bytes. */
static void snpu_plan_sums(const struct snpu_plan *p, const uint32_t *choice,
			   double *cycles, double *bytes)
{
	uint32_t i;

	*cycles = 0;
	*bytes = 0;
	for (i = 0; i < p->n_layers; i++) {
		*cycles += (double)p->layers[i].cand[choice[i]].cycles;
		*bytes += (double)p->layers[i].cand[choice[i]].bytes;
	}
}

/*
 * Solve the knapsack for the budgets of @o; false when nothing fits.
 * Costs are rounded to the nearest cell, so a solution can overshoot a
 * budget by a fraction of a cell per layer: it is checked in exact
 * numbers, and the cell budget shrinks until it holds.
 */
static bool snpu_plan_choose(struct snpu_plan *p,
			     const struct snpu_plan_opts *o)
{
	uint32_t n = p->n_layers, i, c, cap1 = 0, cap2 = 0, cells1, try;
	uint32_t *n_cand = calloc(n, sizeof(uint32_t));
	uint32_t *w1 = calloc((size_t)n * SNPU_PLAN_MAX_CAND, sizeof(uint32_t));
	uint32_t *w2 = calloc((size_t)n * SNPU_PLAN_MAX_CAND, sizeof(uint32_t));
	double *obj = calloc((size_t)n * SNPU_PLAN_MAX_CAND, sizeof(double));
	uint32_t *choice = calloc(n, sizeof(uint32_t));
	double margin = o->plat->features & SNPU_FEAT_ACT_ZERO_SKIP ?
			SNPU_PLAN_ZSKIP_MARGIN : 0;
	double lat = (double)o->latency_budget * (1 - margin) -
		     (double)p->fixed_cycles;
	double size = (double)o->size_budget - (double)p->fixed_bytes;
	double cyc, bytes;
	bool ok = false;

	if (!n_cand || !w1 || !w2 || !obj || !choice)
		goto out;
	cells1 = o->size_budget ? SNPU_PLAN_CELLS : 20 * SNPU_PLAN_CELLS;
	if (p->min_latency) {
		cap1 = (uint32_t)floor(o->max_drop / SNPU_PLAN_DROP_STEP + 1e-9);
	} else {
		if (o->latency_budget && lat <= 0)
			goto out;
		if (o->size_budget && size <= 0)
			goto out;
		cap1 = o->latency_budget ? cells1 : 0;
		cap2 = o->size_budget ? SNPU_PLAN_SIZE_CELLS : 0;
	}
	for (i = 0; i < n; i++) {
		n_cand[i] = p->layers[i].n_cand;
		for (c = 0; c < n_cand[i]; c++) {
			const struct snpu_plan_cand *x = &p->layers[i].cand[c];
			size_t k = (size_t)i * SNPU_PLAN_MAX_CAND + c;

			if (p->min_latency) {
				w1[k] = (uint32_t)ceil(x->drop /
						       SNPU_PLAN_DROP_STEP -
						       1e-9);
				obj[k] = (double)x->cycles;
				continue;
			}
			if (o->latency_budget)
				w1[k] = snpu_plan_cells((double)x->cycles, lat,
							cells1);
			if (o->size_budget)
				w2[k] = snpu_plan_cells((double)x->bytes, size,
							SNPU_PLAN_SIZE_CELLS);
			/* Among equal losses, the faster plan. */
			obj[k] = x->drop + 1e-6 * (double)x->cycles /
					   (double)(p->dense_cycles + 1);
		}
	}
	for (try = 0; try < 200; try++) {
		if (snpu_plan_solve(n, n_cand, w1, cap1, w2, cap2, obj,
				    choice) < 0)
			break;
		snpu_plan_sums(p, choice, &cyc, &bytes);
		if (p->min_latency ||
		    ((!o->latency_budget || cyc <= lat) &&
		     (!o->size_budget || bytes <= size))) {
			ok = true;
			break;
		}
		if (o->latency_budget && cyc > lat && cap1)
			cap1--;
		if (o->size_budget && bytes > size && cap2)
			cap2--;
	}
	if (ok) {
		for (i = 0; i < n; i++)
			p->layers[i].chosen = choice[i];
		snpu_plan_totals(p);
	}
out:
	free(n_cand);
	free(w1);
	free(w2);
	free(obj);
	free(choice);
	return ok;
}

/* Choose, and say whether and how the budgets are met. */
static void snpu_plan_decide(struct snpu_plan *p, const struct snpu_plan_opts *o)
{
	const struct snpu_platform *plat = o->plat;
	char t1[64], t2[64];

	p->feasible = snpu_plan_choose(p, o);
	if (!p->feasible) {
		bool size_first = o->size_budget && !o->latency_budget;

		snpu_plan_pick_min(p, size_first);
		snpu_plan_time(plat, p->cycles, t1, sizeof(t1));
		if (size_first)
			snprintf(p->verdict, sizeof(p->verdict),
				 "size budget %llu bytes is out of reach on %s: the smallest plan takes %llu bytes (%s), estimated drop %.2f points",
				 (unsigned long long)o->size_budget,
				 plat->name, (unsigned long long)p->bytes, t1,
				 p->drop);
		else {
			snpu_plan_time(plat, o->latency_budget, t2,
				       sizeof(t2));
			snprintf(p->verdict, sizeof(p->verdict),
				 "latency budget %s%s is out of reach on %s: the fastest plan takes %s and %llu bytes, estimated drop %.2f points",
				 t2, o->size_budget ? " (with the size budget)" :
				 "", plat->name, t1,
				 (unsigned long long)p->bytes, p->drop);
		}
		return;
	}
	snpu_plan_time(plat, p->cycles, t1, sizeof(t1));
	if (!p->min_latency && o->max_drop >= 0 &&
	    p->drop > o->max_drop + 1e-9) {
		p->feasible = false;
		snprintf(p->verdict, sizeof(p->verdict),
			 "meeting the budget on %s costs an estimated %.2f points, more than --max-accuracy-drop %.2f; least lossy plan within it: %s, %llu bytes",
			 plat->name, p->drop, o->max_drop, t1,
			 (unsigned long long)p->bytes);
		return;
	}
	snpu_plan_time(plat, p->dense_cycles, t2, sizeof(t2));
	snprintf(p->verdict, sizeof(p->verdict),
		 "%s on %s: %s (dense %s), %llu bytes (dense %llu), estimated drop %.2f points",
		 p->min_latency ? "fastest plan within the accuracy budget" :
		 "least lossy plan within the budget", plat->name, t1, t2,
		 (unsigned long long)p->bytes,
		 (unsigned long long)p->dense_bytes, p->drop);
}

void snpu_plan_free(struct snpu_plan *p)
{
	if (!p)
		return;
	free(p->layers);
	memset(p, 0, sizeof(*p));
}

void snpu_plan_apply(const struct snpu_plan *p, struct snpu_prune_spec *specs,
		     struct snpu_quant_layer_opts *encs)
{
	uint32_t i;

	for (i = 0; i < p->n_layers; i++) {
		const struct snpu_plan_cand *c =
			&p->layers[i].cand[p->layers[i].chosen];

		specs[i] = c->spec;
		encs[i].encoding = c->encoding;
		encs[i].variant = c->variant;
	}
}

/*
 * The dense model packed for the platform: its shapes, fixed costs,
 * zero statistics and the map from weighted layers to packed layers.
 */
static int snpu_plan_baseline(const struct snpu_graph *g,
			      const struct snpu_plan_opts *o,
			      struct snpu_plan *p, struct snpu_model_view *v,
			      struct snpu_act_stats *st, uint32_t *packed,
			      char *err, size_t err_size)
{
	struct snpu_quant_opts qo = *o->qo;
	struct snpu_quant_layer_opts *encs;
	struct snpu_qmodel *q = NULL;
	struct snpu_counters *cnt = NULL;
	struct snpu_pack_stats ps;
	void *blob = NULL;
	size_t size = 0;
	uint64_t weighted = 0;
	uint32_t i, n;
	int ret;

	encs = calloc(p->n_layers, sizeof(*encs));
	if (!encs)
		return -ENOMEM;
	qo.layers = encs;		/* all SNPU_ENC_DENSE */
	qo.n_layers = p->n_layers;
	ret = snpu_quantize(g, &qo, o->calib->x, o->calib->n, &q, err,
			    err_size);
	if (!ret)
		ret = snpu_qmodel_pack(q, &blob, &size, &ps, err, err_size);
	if (!ret && snpu_model_parse(blob, size, o->plat, v)) {
		snpu_errf(err, err_size,
			  "%s cannot run the dense model (layer %d): %s",
			  o->plat->name, (int)v->bad_layer,
			  snpu_model_strerror(snpu_model_parse(blob, size,
							       o->plat, v)));
		ret = -EINVAL;
	}
	if (!ret)
		ret = snpu_act_stats_collect(q, blob, size, o->calib,
					     o->calib->n, st, err, err_size);
	cnt = ret ? NULL : calloc(v->n_layers, sizeof(*cnt));
	if (!ret && !cnt)
		ret = -ENOMEM;
	if (!ret)
		ret = snpu_plan_predict(q, blob, size, o->plat, st, 1, cnt,
					v->n_layers, err, err_size);
	for (i = 0, n = 0; !ret && i < v->n_layers; i++) {
		const struct snpu_layer_view *l = &v->layers[i];

		p->dense_cycles += cnt[i].cycles;
		if (!snpu_model_op_has_weights(l->op)) {
			p->fixed_cycles += cnt[i].cycles;
			continue;
		}
		if (n < p->n_layers)
			packed[n] = i;
		n++;
		weighted += (uint64_t)l->weights_size + l->meta_size +
			    12 * (uint64_t)l->out_channels;
	}
	if (!ret && n != p->n_layers) {
		snpu_errf(err, err_size,
			  "%u weighted layers in the graph, %u packed", p->n_layers,
			  n);
		ret = -EINVAL;
	}
	if (!ret) {
		p->dense_bytes = size;
		p->fixed_bytes = size - weighted;
	}
	free(cnt);
	free(encs);
	free(blob);
	snpu_qmodel_free(q);
	return ret;
}

int snpu_plan_make(const struct snpu_graph *g, const struct snpu_plan_opts *o,
		   struct snpu_plan *p, char *err, size_t err_size)
{
	struct snpu_plan_work wk = { .o = o };
	struct snpu_model_view *v = malloc(sizeof(*v));
	struct snpu_act_stats st = { 0 };
	uint32_t packed[SNPU_MODEL_MAX_LAYERS], i;
	double acc = 0;
	int ret;

	memset(p, 0, sizeof(*p));
	if (!v)
		return -ENOMEM;
	if (!o->latency_budget && !o->size_budget && o->max_drop < 0) {
		snpu_errf(err, err_size,
			  "no budget: give a latency, size or accuracy-drop budget");
		free(v);
		return -EINVAL;
	}
	p->min_latency = !o->latency_budget && !o->size_budget;
	wk.g = snpu_graph_clone(g);
	wk.n_views = wk.g ? snpu_graph_wviews(wk.g, &wk.views, err, err_size) :
		     -ENOMEM;
	if (wk.n_views <= 0 || wk.n_views > SNPU_MODEL_MAX_LAYERS) {
		ret = wk.n_views < 0 ? wk.n_views : -EINVAL;
		if (!wk.n_views || wk.n_views > SNPU_MODEL_MAX_LAYERS)
			snpu_errf(err, err_size, "%d weighted layers",
				  wk.n_views);
		goto out;
	}
	p->n_layers = (uint32_t)wk.n_views;
	p->layers = calloc(p->n_layers, sizeof(*p->layers));
	wk.specs = calloc(p->n_layers, sizeof(*wk.specs));
	if (!p->layers || !wk.specs) {
		ret = -ENOMEM;
		goto out;
	}
	ret = snpu_plan_baseline(g, o, p, v, &st, packed, err, err_size);
	if (ret)
		goto out;
	ret = snpu_evaluate(wk.g, o->val, SNPU_PLAN_EVAL_BATCH, &acc, NULL,
			    err, err_size);
	if (ret)
		goto out;
	p->val_accuracy = acc;
	wk.v = v;
	wk.st = &st;
	wk.packed = packed;
	for (i = 0; i < p->n_layers; i++) {
		const struct snpu_layer_view *l = &v->layers[packed[i]];
		const struct snpu_gnode *nd = &g->nodes[wk.views[i].node];

		wk.specs[i].skip = true;
		snprintf(p->layers[i].name, sizeof(p->layers[i].name), "%s",
			 nd->name ? nd->name : "?");
		p->layers[i].op = l->op;
		p->layers[i].rows = l->out_channels;
		p->layers[i].k = l->k;
		p->layers[i].n_cand = snpu_plan_candidates(o->plat,
							   p->layers[i].cand);
		/* cand[0].drop holds the baseline accuracy while measuring */
		p->layers[i].cand[0].drop = acc;
		wk.total += p->layers[i].n_cand - 1;
	}
	for (i = 0; i < p->n_layers && !ret; i++) {
		ret = snpu_plan_sense_layer(&wk, i, &p->layers[i], err,
					    err_size);
		p->layers[i].cand[0].drop = 0;
	}
	if (ret)
		goto out;
	snpu_plan_decide(p, o);
	for (i = 0; i < p->n_layers; i++)
		snpu_plan_why(p, &p->layers[i], o->plat);
out:
	if (ret)
		snpu_plan_free(p);
	snpu_act_stats_free(&st);
	snpu_wviews_free(wk.views, wk.n_views > 0 ? wk.n_views : 0);
	snpu_graph_free(wk.g);
	free(wk.specs);
	free(v);
	return ret;
}
