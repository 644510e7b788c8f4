// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests for the engine (snpu_engine.h): differential tests against
 * the independent int8 reference (tests/ref/snpu_ref.c) on randomized
 * layers and graphs, for every op x encoding x variant, strides, padding,
 * dilation, groups and depthwise, batches 1, 3 and 17. Each case is packed
 * with snpu_pack(), parsed, prepared and run four ways (scalar and
 * dispatched kernels, with and without a zero-skipping platform); every
 * output must equal the reference byte for byte. Seeds are fixed: a
 * mismatch prints the case and its seed, and the case reruns the same.
 *
 * The dispatched kernels' counters must equal the scalar ones.
 *
 * The batch-1 N:M window kernel gets its own matrix (every pattern, batch
 * 1 to 7, K and rows around the window and block sizes, extreme weights
 * and activations, grouped conv) and a direct check of its int32 sums on
 * the largest magnitudes; the AVX2 requantizations are checked against
 * snpu_eng_out() directly.
 *
 * Then the counters, the cost model on the edge-mid firmware image, the
 * yield abort and the buffer-size errors.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snpu_cost.h"
#include "snpu_engine.h"
#include "snpu_engine_impl.h"
#include "snpu_fw_parse.h"
#include "snpu_model_parse.h"
#include "snpu_pack.h"
#include "snpu_ref.h"

#define MAX_T	8
#define MAX_L	8

/* ------------------------------------------------------------------ rng */

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
}

static uint32_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 16);
}

/* Uniform in [lo, hi]. */
static int32_t rnd(int32_t lo, int32_t hi)
{
	return lo + (int32_t)(rng() % (uint32_t)(hi - lo + 1));
}

/* ------------------------------------------------------ graph building */

/* A graph under construction; arrays owned here. */
struct graph {
	struct snpu_pack_tensor t[MAX_T];
	struct snpu_pack_layer l[MAX_L];
	int8_t *w[MAX_L];
	int32_t *bias[MAX_L], *mult[MAX_L], *shift[MAX_L];
	uint32_t nt, nl;
	char desc[256];
};

static void graph_free(struct graph *g)
{
	uint32_t i;

	for (i = 0; i < g->nl; i++) {
		free(g->w[i]);
		free(g->bias[i]);
		free(g->mult[i]);
		free(g->shift[i]);
	}
	memset(g, 0, sizeof(*g));
}

static uint32_t add_tensor(struct graph *g, uint32_t h, uint32_t w,
			   uint32_t c, int32_t zp)
{
	struct snpu_pack_tensor *t = &g->t[g->nt];

	t->h = h;
	t->w = w;
	t->c = c;
	t->zero_point = zp;
	t->scale = 0.05f;
	return g->nt++;
}

static void random_clamp(struct snpu_pack_layer *l, int32_t zp)
{
	switch (rng() % 4) {
	case 0:
		l->act_min = -128;
		l->act_max = 127;
		break;
	case 1:	/* ReLU */
		l->act_min = zp;
		l->act_max = 127;
		break;
	case 2:	/* ReLU6-like */
		l->act_min = zp;
		l->act_max = zp + rnd(0, 127 - zp);
		break;
	default:
		l->act_min = rnd(-128, 127);
		l->act_max = rnd(l->act_min, 127);
		break;
	}
}

/* Zero the weights the encoding's pattern does not keep. */
static void prune(int8_t *w, uint32_t oc, uint32_t k, uint32_t enc,
		  uint32_t variant)
{
	static const uint32_t nm[][2] = { { 2, 4 }, { 1, 4 }, { 2, 8 } };
	static const uint32_t blk[][2] = { { 1, 4 }, { 4, 4 }, { 1, 16 } };
	uint32_t sparsity = rng() % 96, o, c, i;

	switch (enc) {
	case SNPU_ENC_DENSE:
		sparsity = rng() % 2 ? 0 : rng() % 60;
		/* fall through */
	case SNPU_ENC_CSR:
		for (i = 0; i < oc * k; i++)
			if (rng() % 100 < sparsity)
				w[i] = 0;
		break;
	case SNPU_ENC_NM: {
		uint32_t n = nm[variant][0], m = nm[variant][1];

		for (o = 0; o < oc; o++) {
			for (c = 0; c < k; c += m) {
				uint32_t keep = 0, pos[8], np = 0, j;

				/* choose exactly n positions of the group */
				for (j = 0; j < m; j++)
					pos[np++] = j;
				for (j = 0; j < m; j++) {
					uint32_t r = j + rng() % (m - j), t = pos[j];

					pos[j] = pos[r];
					pos[r] = t;
				}
				for (j = 0; j < m; j++) {
					uint32_t col = c + pos[j];

					if (col >= k)
						continue;
					if (keep < n && rng() % 8) {
						keep++;
						continue;
					}
					w[o * k + col] = 0;
				}
			}
		}
		break;
	}
	default: {
		uint32_t br = blk[variant][0], bc = blk[variant][1], r, cc;

		for (o = 0; o < oc; o += br) {
			for (c = 0; c < k; c += bc) {
				bool drop = rng() % 100 < sparsity;

				for (r = o; r < o + br && r < oc; r++)
					for (cc = c; cc < c + bc && cc < k; cc++)
						if (drop || rng() % 10 == 0)
							w[r * k + cc] = 0;
			}
		}
		break;
	}
	}
}

/* Bias, multipliers and shifts of a weighted layer with @k columns. */
static void random_quant(struct graph *g, struct snpu_pack_layer *l,
			 uint32_t k)
{
	uint32_t i = g->nl, o;
	int32_t base_shift;

	g->bias[i] = malloc(4 * l->out_channels);
	g->mult[i] = malloc(4 * l->out_channels);
	g->shift[i] = malloc(4 * l->out_channels);
	/* Aim the typical output at a spread of about +-100. */
	base_shift = -7;
	for (o = 1; o * o < k; o *= 2)
		base_shift--;
	for (o = 0; o < l->out_channels; o++) {
		g->bias[i][o] = rnd(-20000, 20000);
		g->mult[i][o] = (int32_t)(0x40000000u + (rng() << 14 ^ rng()) %
					  0x40000000u);
		if (rng() % 16 == 0)
			g->shift[i][o] = rnd(-31, 30);
		else
			g->shift[i][o] = base_shift + rnd(-2, 2);
	}
	l->bias = g->bias[i];
	l->mult = g->mult[i];
	l->shift = g->shift[i];
}

static void random_weights(struct graph *g, struct snpu_pack_layer *l,
			   uint32_t k)
{
	uint32_t i, n = l->out_channels * k;

	g->w[g->nl] = malloc(n ? n : 1);
	for (i = 0; i < n; i++)
		g->w[g->nl][i] = (int8_t)rnd(-128, 127);
	prune(g->w[g->nl], l->out_channels, k, l->encoding, l->variant);
	l->weights = g->w[g->nl];
	random_quant(g, l, k);
}

static struct snpu_pack_layer *new_layer(struct graph *g, uint32_t op,
					 uint32_t in, uint32_t out)
{
	struct snpu_pack_layer *l = &g->l[g->nl];

	memset(l, 0, sizeof(*l));
	l->op = op;
	l->input = in;
	l->input2 = SNPU_MODEL_NONE;
	l->output = out;
	return l;
}

static uint32_t add_fc(struct graph *g, uint32_t in, uint32_t oc,
		       uint32_t enc, uint32_t variant)
{
	const struct snpu_pack_tensor *ti = &g->t[in];
	uint32_t out = add_tensor(g, 1, 1, oc, rnd(-128, 127));
	struct snpu_pack_layer *l = new_layer(g, SNPU_OP_FC, in, out);

	l->encoding = enc;
	l->variant = variant;
	l->out_channels = oc;
	random_clamp(l, g->t[out].zero_point);
	random_weights(g, l, ti->h * ti->w * ti->c);
	g->nl++;
	return out;
}

struct conv_geo {
	uint32_t kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, groups, oc;
};

static int32_t out_dim(uint32_t in, uint32_t pa, uint32_t pb, uint32_t k,
		       uint32_t s, uint32_t d)
{
	int32_t span = (int32_t)(in + pa + pb) - (int32_t)(d * (k - 1)) - 1;

	return span < 0 ? 0 : span / (int32_t)s + 1;
}

/* A conv2d; returns the output tensor or -1 when the geometry is empty. */
static int add_conv(struct graph *g, uint32_t in, const struct conv_geo *c,
		    uint32_t enc, uint32_t variant)
{
	const struct snpu_pack_tensor *ti = &g->t[in];
	int32_t oh = out_dim(ti->h, c->pt, c->pb, c->kh, c->sh, c->dh);
	int32_t ow = out_dim(ti->w, c->pl, c->pr, c->kw, c->sw, c->dw);
	struct snpu_pack_layer *l;
	uint32_t out;

	if (oh <= 0 || ow <= 0)
		return -1;
	out = add_tensor(g, oh, ow, c->oc, rnd(-128, 127));
	l = new_layer(g, SNPU_OP_CONV2D, in, out);
	l->encoding = enc;
	l->variant = variant;
	l->kernel_h = c->kh;
	l->kernel_w = c->kw;
	l->stride_h = c->sh;
	l->stride_w = c->sw;
	l->dilation_h = c->dh;
	l->dilation_w = c->dw;
	l->pad_top = c->pt;
	l->pad_left = c->pl;
	l->pad_bottom = c->pb;
	l->pad_right = c->pr;
	l->groups = c->groups;
	l->out_channels = c->oc;
	random_clamp(l, g->t[out].zero_point);
	random_weights(g, l, c->kh * c->kw * (ti->c / c->groups));
	g->nl++;
	return (int)out;
}

static int add_pool(struct graph *g, uint32_t op, uint32_t in)
{
	const struct snpu_pack_tensor *ti = &g->t[in];
	struct snpu_pack_layer *l;
	uint32_t kh = rnd(1, 3), kw = rnd(1, 3), sh = rnd(1, 3), sw = rnd(1, 3);
	uint32_t pt = rnd(0, kh - 1), pb = rnd(0, kh - 1);
	uint32_t pl = rnd(0, kw - 1), pr = rnd(0, kw - 1);
	int32_t oh = out_dim(ti->h, pt, pb, kh, sh, 1);
	int32_t ow = out_dim(ti->w, pl, pr, kw, sw, 1);
	uint32_t out;

	if (oh <= 0 || ow <= 0)
		return -1;
	out = add_tensor(g, oh, ow, ti->c, ti->zero_point);
	l = new_layer(g, op, in, out);
	l->kernel_h = kh;
	l->kernel_w = kw;
	l->stride_h = sh;
	l->stride_w = sw;
	l->pad_top = pt;
	l->pad_left = pl;
	l->pad_bottom = pb;
	l->pad_right = pr;
	random_clamp(l, ti->zero_point);
	g->nl++;
	return (int)out;
}

static uint32_t add_add(struct graph *g, uint32_t a, uint32_t b)
{
	uint32_t out = add_tensor(g, g->t[a].h, g->t[a].w, g->t[a].c,
				  rnd(-128, 127));
	struct snpu_pack_layer *l = new_layer(g, SNPU_OP_ADD, a, out);

	l->input2 = b;
	l->add_left_shift = rng() % 4 ? 20 : rnd(0, 20);
	l->add_in1_mult = (int32_t)(0x40000000u + rng() % 0x40000000u);
	l->add_in2_mult = (int32_t)(0x40000000u + rng() % 0x40000000u);
	l->add_out_mult = (int32_t)(0x40000000u + rng() % 0x40000000u);
	l->add_in1_shift = rnd(-3, 0);
	l->add_in2_shift = rnd(-3, 0);
	l->add_out_shift = rng() % 8 ? rnd(-22, -17) : rnd(-31, 0);
	random_clamp(l, g->t[out].zero_point);
	g->nl++;
	return out;
}

static uint32_t add_reshape(struct graph *g, uint32_t in, uint32_t h,
			    uint32_t w, uint32_t c)
{
	uint32_t out = add_tensor(g, h, w, c, g->t[in].zero_point);

	new_layer(g, SNPU_OP_RESHAPE, in, out);
	g->nl++;
	return out;
}

/* ------------------------------------------------------------ checking */

static struct snpu_platform zskip_plat;
static struct snpu_fw_info mid_fw;
static bool have_mid;

static int yield_calls;

static int yield_count(void *data)
{
	yield_calls++;
	return 0;
}

/* Everything needed to run a packed graph through the engine. */
struct prepared {
	void *blob;
	size_t blob_size;
	struct snpu_model_view view;
	void *mem;
	size_t mem_size;
};

static int prepare(const struct graph *g, uint32_t input, uint32_t output,
		   struct prepared *p)
{
	struct snpu_pack_model pm = {
		.n_tensors = g->nt, .tensors = g->t,
		.n_layers = g->nl, .layers = g->l,
		.input = input, .output = output,
	};
	char err[256] = "";
	int ret;

	memset(p, 0, sizeof(*p));
	ret = snpu_pack(&pm, &p->blob, &p->blob_size, NULL, err, sizeof(err));
	if (ret) {
		print_error("%s: pack failed: %s\n", g->desc, err);
		return ret;
	}
	ret = snpu_model_parse(p->blob, p->blob_size, NULL, &p->view);
	if (ret) {
		print_error("%s: parse failed: %s\n", g->desc,
			    snpu_model_strerror(ret));
		return ret;
	}
	p->mem_size = snpu_engine_prepared_size(&p->view, p->blob);
	if (!p->mem_size) {
		print_error("%s: prepared_size 0\n", g->desc);
		return -1;
	}
	p->mem = aligned_alloc(8, (p->mem_size + 7) & ~(size_t)7);
	ret = snpu_engine_prepare(&p->view, p->blob, p->mem, p->mem_size);
	if (ret)
		print_error("%s: prepare: %d\n", g->desc, ret);
	return ret;
}

static void prepared_free(struct prepared *p)
{
	free(p->blob);
	free(p->mem);
}

static uint64_t total_dense_macs(const struct snpu_model_view *v)
{
	uint64_t s = 0;
	uint32_t i;

	for (i = 0; i < v->n_layers; i++)
		s += v->layers[i].macs;
	return s;
}

static unsigned int cases_run;
/* How many reference outputs sat on a clamp: the tests must see values. */
static unsigned long outputs_seen, outputs_clamped;

/* What check_graph_in() feeds the graph. */
enum input_kind {
	IN_RANDOM,	/* uniform int8, a third at the zero point */
	IN_EXTREME,	/* -128, 127 or the zero point */
};

/*
 * Pack @g, run @batch samples of @kind through the reference and the
 * engine (scalar / dispatched x no platform / zero skipping) and compare
 * the outputs with the reference, and the dispatched kernels' counters
 * with the scalar ones.
 */
static void check_graph_in(struct graph *g, uint32_t input, uint32_t output,
			   uint32_t batch, uint64_t seed, enum input_kind kind)
{
	struct snpu_pack_model pm = {
		.n_tensors = g->nt, .tensors = g->t,
		.n_layers = g->nl, .layers = g->l,
		.input = input, .output = output,
	};
	const struct snpu_pack_tensor *ti = &g->t[input];
	uint32_t in_bytes = ti->h * ti->w * ti->c;
	uint32_t out_bytes = snpu_ref_output_elems(&pm);
	struct prepared p;
	int8_t *in, *ref, *out;
	struct snpu_counters cnt[4];
	void *scratch;
	size_t ss;
	uint32_t i;
	int mode;

	if (prepare(g, input, output, &p)) {
		print_error("case %s seed %llu\n", g->desc,
			    (unsigned long long)seed);
		fail();
	}
	assert_int_equal(snpu_engine_input_bytes(p.mem), in_bytes);
	assert_int_equal(snpu_engine_output_bytes(p.mem), out_bytes);
	assert_int_equal(snpu_engine_model_size(p.mem), p.mem_size);

	in = malloc((size_t)in_bytes * batch);
	ref = malloc((size_t)out_bytes * batch);
	out = malloc((size_t)out_bytes * batch);
	/* Some activations at the zero point, for zero skipping. */
	for (i = 0; i < in_bytes * batch; i++) {
		if (!(rng() % 3))
			in[i] = (int8_t)ti->zero_point;
		else if (kind == IN_EXTREME)
			in[i] = rng() % 2 ? -128 : 127;
		else
			in[i] = (int8_t)rnd(-128, 127);
	}
	assert_int_equal(snpu_ref_run(&pm, in, ref, batch), 0);
	for (i = 0; i < out_bytes * batch; i++) {
		outputs_seen++;
		outputs_clamped += ref[i] == g->l[g->nl - 1].act_min ||
				   ref[i] == g->l[g->nl - 1].act_max;
	}

	ss = snpu_engine_scratch_size(p.mem, batch);
	assert_true(ss > 0);
	scratch = aligned_alloc(8, (ss + 7) & ~(size_t)7);

	for (mode = 0; mode < 4; mode++) {
		struct snpu_engine_ctx ctx = {
			.plat = mode & 2 ? &zskip_plat : NULL,
			.yield = yield_count,
			.counters = &cnt[mode],
		};
		int ret;

		snpu_engine_force_scalar(!(mode & 1));
		memset(out, 0x5a, (size_t)out_bytes * batch);
		ret = snpu_engine_run(p.mem, in, out, batch, scratch, ss, &ctx);
		if (ret || memcmp(out, ref, (size_t)out_bytes * batch)) {
			for (i = 0; i < out_bytes * batch; i++)
				if (out[i] != ref[i])
					break;
			print_error("MISMATCH case %s batch %u seed %llu mode %s%s: ret %d, first diff at %u: engine %d ref %d\n",
				    g->desc, batch, (unsigned long long)seed,
				    mode & 1 ? "simd" : "scalar",
				    mode & 2 ? "+zskip" : "", ret, i,
				    i < out_bytes * batch ? out[i] : 0,
				    i < out_bytes * batch ? ref[i] : 0);
			fail();
		}
		/* Every dense MAC is executed or skipped for one reason. */
		assert_int_equal(cnt[mode].macs + cnt[mode].macs_skipped_weight +
				 cnt[mode].macs_skipped_act,
				 total_dense_macs(&p.view) * batch);
		if (!(mode & 2)) {
			assert_int_equal(cnt[mode].macs_skipped_act, 0);
			assert_int_equal(cnt[mode].cycles, 0);
		} else {
			assert_true(cnt[mode].cycles > 0);
		}
		assert_true(cnt[mode].bytes_read >= (uint64_t)in_bytes * batch);
		assert_true(cnt[mode].bytes_written >=
			    (uint64_t)out_bytes * batch);
		/* The model and the data define the counters, not the kernels. */
		if (mode & 1)
			assert_memory_equal(&cnt[mode], &cnt[mode - 1],
					    sizeof(cnt[mode]));
	}
	snpu_engine_force_scalar(false);
	cases_run++;
	free(scratch);
	free(in);
	free(ref);
	free(out);
	prepared_free(&p);
}

static void check_graph(struct graph *g, uint32_t input, uint32_t output,
			uint32_t batch, uint64_t seed)
{
	check_graph_in(g, input, output, batch, seed, IN_RANDOM);
}

/* ---------------------------------------------------- the test matrix */

static const uint32_t batches[] = { 1, 3, 17 };

/* (encoding, variant) pairs: every variant of every encoding. */
static const uint32_t encs[][2] = {
	{ SNPU_ENC_DENSE, 0 },
	{ SNPU_ENC_CSR, 0 },
	{ SNPU_ENC_NM, SNPU_NM_2_4 },
	{ SNPU_ENC_NM, SNPU_NM_1_4 },
	{ SNPU_ENC_NM, SNPU_NM_2_8 },
	{ SNPU_ENC_BLOCK, SNPU_BLOCK_1X4 },
	{ SNPU_ENC_BLOCK, SNPU_BLOCK_4X4 },
	{ SNPU_ENC_BLOCK, SNPU_BLOCK_1X16 },
};

static const char *const enc_names[] = { "dense", "csr", "nm", "block" };

#define SEEDS	6

static void engine_run_fc_matches_ref(void **state)
{
	uint32_t e, b, s;

	for (e = 0; e < ARRAY_SIZE(encs); e++) {
		for (b = 0; b < ARRAY_SIZE(batches); b++) {
			for (s = 0; s < SEEDS; s++) {
				uint64_t seed = 1000 + e * 100 + b * 10 + s;
				struct graph g = { 0 };
				uint32_t in, out, oc;

				rng_seed(seed);
				/* mostly small, sometimes wide K and many rows */
				if (s == SEEDS - 1)
					in = add_tensor(&g, rnd(1, 4), rnd(1, 8),
							rnd(16, 64), rnd(-128, 127));
				else
					in = add_tensor(&g, rnd(1, 3), rnd(1, 3),
							rnd(1, 40), rnd(-128, 127));
				oc = s == SEEDS - 1 ? rnd(60, 140) : rnd(1, 40);
				out = add_fc(&g, in, oc, encs[e][0], encs[e][1]);
				snprintf(g.desc, sizeof(g.desc),
					 "fc %s/%u k=%u oc=%u", enc_names[encs[e][0]],
					 encs[e][1], g.t[in].h * g.t[in].w * g.t[in].c,
					 oc);
				check_graph(&g, in, out, batches[b], seed);
				graph_free(&g);
			}
		}
	}
}

enum conv_kind { CONV_PLAIN, CONV_GROUPED, CONV_DEPTHWISE };

static void conv_matrix(enum conv_kind kind, uint64_t seed0)
{
	static const char *const kinds[] = { "plain", "grouped", "depthwise" };
	uint32_t e, b, s;

	for (e = 0; e < ARRAY_SIZE(encs); e++) {
		for (b = 0; b < ARRAY_SIZE(batches); b++) {
			for (s = 0; s < SEEDS; s++) {
				uint64_t seed = seed0 + e * 100 + b * 10 + s;
				struct graph g = { 0 };
				struct conv_geo c;
				uint32_t in, cin;
				int out;

				rng_seed(seed);
				c.kh = rnd(1, 3);
				c.kw = rnd(1, 3);
				c.sh = rnd(1, 3);
				c.sw = rnd(1, 3);
				c.dh = rnd(1, 2);
				c.dw = rnd(1, 2);
				c.pt = rnd(0, 2);
				c.pl = rnd(0, 2);
				c.pb = rnd(0, 2);
				c.pr = rnd(0, 2);
				switch (kind) {
				case CONV_PLAIN:
					c.groups = 1;
					cin = rnd(1, 12);
					c.oc = rnd(1, 24);
					break;
				case CONV_GROUPED:
					c.groups = rnd(2, 4);
					cin = c.groups * rnd(1, 5);
					c.oc = c.groups * rnd(1, 6);
					break;
				default:
					c.groups = rnd(1, 16);
					cin = c.groups;
					c.oc = cin * rnd(1, 2);
					break;
				}
				in = add_tensor(&g, rnd(1, 9), rnd(1, 9), cin,
						rnd(-128, 127));
				out = add_conv(&g, in, &c, encs[e][0],
					       encs[e][1]);
				if (out < 0) {
					graph_free(&g);
					continue;
				}
				snprintf(g.desc, sizeof(g.desc),
					 "conv %s %s/%u in=%ux%ux%u k=%ux%u s=%ux%u d=%ux%u pad=%u,%u,%u,%u groups=%u oc=%u",
					 kinds[kind], enc_names[encs[e][0]],
					 encs[e][1], g.t[in].h, g.t[in].w,
					 g.t[in].c, c.kh, c.kw, c.sh, c.sw, c.dh,
					 c.dw, c.pt, c.pl, c.pb, c.pr, c.groups,
					 c.oc);
				check_graph(&g, in, (uint32_t)out, batches[b],
					    seed);
				graph_free(&g);
			}
		}
	}
}

static void engine_run_conv_matches_ref(void **state)
{
	conv_matrix(CONV_PLAIN, 20000);
}

static void engine_run_grouped_conv_matches_ref(void **state)
{
	conv_matrix(CONV_GROUPED, 30000);
}

static void engine_run_depthwise_conv_matches_ref(void **state)
{
	conv_matrix(CONV_DEPTHWISE, 40000);
}

static void pool_matrix(uint32_t op, uint64_t seed0)
{
	uint32_t b, s;

	for (b = 0; b < ARRAY_SIZE(batches); b++) {
		for (s = 0; s < 3 * SEEDS; s++) {
			uint64_t seed = seed0 + b * 100 + s;
			struct graph g = { 0 };
			uint32_t in;
			int out;

			rng_seed(seed);
			in = add_tensor(&g, rnd(1, 9), rnd(1, 9), rnd(1, 8),
					rnd(-128, 127));
			out = add_pool(&g, op, in);
			if (out < 0) {
				graph_free(&g);
				continue;
			}
			snprintf(g.desc, sizeof(g.desc),
				 "%s in=%ux%ux%u k=%ux%u s=%ux%u pad=%u,%u,%u,%u",
				 op == SNPU_OP_MAXPOOL ? "maxpool" : "avgpool",
				 g.t[in].h, g.t[in].w, g.t[in].c,
				 g.l[0].kernel_h, g.l[0].kernel_w,
				 g.l[0].stride_h, g.l[0].stride_w,
				 g.l[0].pad_top, g.l[0].pad_left,
				 g.l[0].pad_bottom, g.l[0].pad_right);
			check_graph(&g, in, (uint32_t)out, batches[b], seed);
			graph_free(&g);
		}
	}
}

static void engine_run_maxpool_matches_ref(void **state)
{
	pool_matrix(SNPU_OP_MAXPOOL, 50000);
}

static void engine_run_avgpool_matches_ref(void **state)
{
	pool_matrix(SNPU_OP_AVGPOOL, 60000);
}

static void engine_run_add_matches_ref(void **state)
{
	uint32_t b, s;

	for (b = 0; b < ARRAY_SIZE(batches); b++) {
		for (s = 0; s < 3 * SEEDS; s++) {
			uint64_t seed = 70000 + b * 100 + s;
			struct graph g = { 0 };
			uint32_t in, r, out;

			rng_seed(seed);
			in = add_tensor(&g, rnd(1, 6), rnd(1, 6), rnd(1, 8),
					rnd(-128, 127));
			/* x + x, and x + reshape(x) read the input twice */
			r = add_reshape(&g, in, 1, 1,
					g.t[in].h * g.t[in].w * g.t[in].c);
			r = add_reshape(&g, r, g.t[in].h, g.t[in].w, g.t[in].c);
			out = add_add(&g, in, s % 2 ? r : in);
			snprintf(g.desc, sizeof(g.desc), "add %ux%ux%u",
				 g.t[in].h, g.t[in].w, g.t[in].c);
			check_graph(&g, in, out, batches[b], seed);
			graph_free(&g);
		}
	}
}

static void engine_run_reshape_matches_ref(void **state)
{
	uint32_t b;

	for (b = 0; b < ARRAY_SIZE(batches); b++) {
		struct graph g = { 0 };
		uint32_t in, out;

		rng_seed(80000 + b);
		in = add_tensor(&g, 4, 3, 5, rnd(-128, 127));
		out = add_reshape(&g, in, 2, 30, 1);
		snprintf(g.desc, sizeof(g.desc), "reshape 4x3x5 -> 2x30x1");
		check_graph(&g, in, out, batches[b], 80000 + b);
		graph_free(&g);
	}
}

/* conv -> pool -> reshape -> fc, every encoding on both weighted layers. */
static void engine_run_graph_conv_pool_fc_matches_ref(void **state)
{
	uint32_t e, b, s;

	for (e = 0; e < ARRAY_SIZE(encs); e++) {
		for (b = 0; b < ARRAY_SIZE(batches); b++) {
			for (s = 0; s < 2; s++) {
				uint64_t seed = 90000 + e * 100 + b * 10 + s;
				struct conv_geo c = { 3, 3, 1, 1, 1, 1, 1, 1, 1, 1,
						      1, 0 };
				struct graph g = { 0 };
				uint32_t in, f, out;
				int t1, t2;
				const struct snpu_pack_tensor *tp;

				rng_seed(seed);
				c.oc = rnd(4, 16);
				in = add_tensor(&g, rnd(4, 10), rnd(4, 10),
						rnd(1, 4), rnd(-128, 127));
				t1 = add_conv(&g, in, &c, encs[e][0], encs[e][1]);
				t2 = add_pool(&g, s ? SNPU_OP_AVGPOOL :
					      SNPU_OP_MAXPOOL, (uint32_t)t1);
				assert_true(t1 >= 0 && t2 >= 0);
				tp = &g.t[t2];
				f = add_reshape(&g, (uint32_t)t2, 1, 1,
						tp->h * tp->w * tp->c);
				out = add_fc(&g, f, rnd(1, 20),
					     encs[(e + 3) % ARRAY_SIZE(encs)][0],
					     encs[(e + 3) % ARRAY_SIZE(encs)][1]);
				snprintf(g.desc, sizeof(g.desc),
					 "graph conv(%s/%u)->pool->reshape->fc",
					 enc_names[encs[e][0]], encs[e][1]);
				check_graph(&g, in, out, batches[b], seed);
				graph_free(&g);
			}
		}
	}
}

/* Two conv branches from one input, added, pooled, then FC. */
static void engine_run_graph_add_branches_matches_ref(void **state)
{
	uint32_t b, s;

	for (b = 0; b < ARRAY_SIZE(batches); b++) {
		for (s = 0; s < 4; s++) {
			uint64_t seed = 95000 + b * 10 + s;
			struct conv_geo c1 = { 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 };
			struct conv_geo c2 = { 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0 };
			struct graph g = { 0 };
			uint32_t in, sum, out;
			int a, bb, p;

			rng_seed(seed);
			c1.oc = c2.oc = rnd(2, 12);
			in = add_tensor(&g, rnd(3, 8), rnd(3, 8), rnd(1, 6),
					rnd(-128, 127));
			a = add_conv(&g, in, &c1, SNPU_ENC_CSR, 0);
			c2.groups = 1;
			bb = add_conv(&g, in, &c2, SNPU_ENC_DENSE, 0);
			assert_true(a >= 0 && bb >= 0);
			sum = add_add(&g, (uint32_t)a, (uint32_t)bb);
			p = add_pool(&g, SNPU_OP_AVGPOOL, sum);
			assert_true(p >= 0);
			out = add_fc(&g, (uint32_t)p, rnd(1, 10), SNPU_ENC_NM,
				     SNPU_NM_2_4);
			snprintf(g.desc, sizeof(g.desc),
				 "graph conv||conv->add->avgpool->fc");
			check_graph(&g, in, out, batches[b], seed);
			graph_free(&g);
		}
	}
}

/* FC 784x300 at 90 % CSR, as the design's benchmark, batch 1 and 64. */
static void engine_run_fc_784x300_csr_matches_ref(void **state)
{
	static const uint32_t bs[] = { 1, 64 };
	uint32_t b;

	for (b = 0; b < ARRAY_SIZE(bs); b++) {
		struct graph g = { 0 };
		uint32_t in, out;

		rng_seed(99000 + b);
		in = add_tensor(&g, 28, 28, 1, -128);
		out = add_fc(&g, in, 300, SNPU_ENC_CSR, 0);
		snprintf(g.desc, sizeof(g.desc), "fc 784x300 csr");
		check_graph(&g, in, out, bs[b], 99000 + b);
		graph_free(&g);
	}
}

/*
 * Shapes the SIMD kernels special-case: the batch-1 sliced-ELLPACK
 * gather kernel (many rows, a row count that is not a multiple of 8,
 * K large and odd) and the batch transposes (batch 16 and 64, K not a
 * multiple of 8).
 */
static void engine_run_fc_large_matches_ref(void **state)
{
	static const uint32_t bs[] = { 1, 16, 64 };
	static const uint32_t es[] = { 0, 1, 2, 6 };	/* rows of encs[] */
	uint32_t b, e;

	for (e = 0; e < ARRAY_SIZE(es); e++) {
		for (b = 0; b < ARRAY_SIZE(bs); b++) {
			uint64_t seed = 98000 + e * 10 + b;
			struct graph g = { 0 };
			uint32_t in, out, k = b == 1 ? 1031 : 1024;

			rng_seed(seed);
			in = add_tensor(&g, 1, 1, k, rnd(-128, 127));
			out = add_fc(&g, in, 203, encs[es[e]][0], encs[es[e]][1]);
			snprintf(g.desc, sizeof(g.desc), "fc %s/%u k=%u oc=203",
				 enc_names[encs[es[e]][0]], encs[es[e]][1], k);
			check_graph(&g, in, out, bs[b], seed);
			graph_free(&g);
		}
	}
}

/* ------------------------------------------------ the N:M gemv kernel */

static const uint32_t nm_variants[] = { SNPU_NM_2_4, SNPU_NM_1_4,
					 SNPU_NM_2_8 };

/* Nonzero weights of layer @li moved to -128, -127 or 127. */
static void extreme_weights(struct graph *g, uint32_t li, uint32_t n)
{
	static const int8_t ext[] = { -128, -127, 127 };
	uint32_t i;

	for (i = 0; i < n; i++)
		if (g->w[li][i])
			g->w[li][i] = ext[rng() % ARRAY_SIZE(ext)];
}

/*
 * Fewer than 8 vectors take the N:M window kernel: every pattern, batch
 * 1 to 7, K below, at and around multiples of the 16-column window,
 * rows around multiples of the 8-row block and of the 64-row chunk.
 */
static void engine_run_fc_nm_gemv_matches_ref(void **state)
{
	static const uint32_t ks[] = { 1, 3, 15, 16, 17, 31, 33, 100, 257,
				       784 };
	static const uint32_t ocs[] = { 1, 5, 8, 9, 16, 23, 64, 65, 130 };
	uint32_t v, b, s;

	for (v = 0; v < ARRAY_SIZE(nm_variants); v++) {
		/* 8 and more vectors take the batch kernel */
		for (b = 1; b < 8; b++) {
			for (s = 0; s < 4; s++) {
				uint64_t seed = 110000 + v * 1000 + b * 10 + s;
				uint32_t k = ks[(b * 4 + s) % ARRAY_SIZE(ks)];
				uint32_t oc = ocs[(b * 3 + s + v) % ARRAY_SIZE(ocs)];
				struct graph g = { 0 };
				uint32_t in, out;

				rng_seed(seed);
				in = add_tensor(&g, 1, 1, k, rnd(-128, 127));
				out = add_fc(&g, in, oc, SNPU_ENC_NM,
					     nm_variants[v]);
				snprintf(g.desc, sizeof(g.desc),
					 "fc nm/%u k=%u oc=%u", nm_variants[v],
					 k, oc);
				check_graph(&g, in, out, b, seed);
				graph_free(&g);
			}
		}
	}
}

/*
 * The same kernel on the extremes: weights -128, -127 and 127 only,
 * activations -128, 127 or the zero point, K long enough (4099) for the
 * kernel's partial sums to be shifted down twice and a partial window.
 * A grouped conv with one output pixel runs it per group.
 */
static void engine_run_fc_nm_extreme_matches_ref(void **state)
{
	static const uint32_t bs[] = { 1, 2, 7 };
	uint32_t v, b;

	for (v = 0; v < ARRAY_SIZE(nm_variants); v++) {
		for (b = 0; b < ARRAY_SIZE(bs); b++) {
			uint64_t seed = 120000 + v * 100 + b;
			struct conv_geo c = { 3, 3, 1, 1, 1, 1, 0, 0, 0, 0,
					      2, 0 };
			struct graph g = { 0 };
			uint32_t in, out, k;
			int co;

			rng_seed(seed);
			k = b ? rnd(40, 300) : 4099;
			in = add_tensor(&g, 1, 1, k, rnd(-128, 127));
			out = add_fc(&g, in, rnd(9, 70), SNPU_ENC_NM,
				     nm_variants[v]);
			extreme_weights(&g, 0, g.l[0].out_channels * k);
			snprintf(g.desc, sizeof(g.desc),
				 "fc nm/%u extreme k=%u oc=%u", nm_variants[v],
				 k, g.l[0].out_channels);
			check_graph_in(&g, in, out, bs[b], seed, IN_EXTREME);
			graph_free(&g);

			memset(&g, 0, sizeof(g));
			c.oc = 2 * rnd(5, 20);
			in = add_tensor(&g, 3, 3, 2 * rnd(1, 5), rnd(-128, 127));
			co = add_conv(&g, in, &c, SNPU_ENC_NM, nm_variants[v]);
			assert_true(co >= 0);
			extreme_weights(&g, 0, c.oc * 9 * g.t[in].c / 2);
			snprintf(g.desc, sizeof(g.desc),
				 "conv nm/%u extreme 3x3x%u groups=2 oc=%u",
				 nm_variants[v], g.t[in].c, c.oc);
			check_graph_in(&g, in, (uint32_t)co, bs[b], seed,
				       IN_EXTREME);
			graph_free(&g);
		}
	}
}

/*
 * The kernel's sums themselves, where outputs would only show the clamp:
 * every group keeps exactly N weights of one extreme value against
 * activations all at one extreme, K = 4099, so every window adds the
 * largest pair sum (-128 * 256 * (127 + 128) twice) and 128 windows come
 * within 0.4 % of INT32_MIN before the kernel shifts them down. acc[o]
 * must be sum (x + 128) * w modulo 2^32, and with the N:M bias the
 * folded bias plus sum x * w.
 */
static void engine_nm_kernel_sums_exactly(void **state)
{
#ifdef SNPU_ENG_X86_SIMD
	static const int8_t xs[] = { 127, -128, 127, -128, 0 };
	static const int8_t ws[] = { -128, -128, 127, 127, 0 };
	const uint32_t k = 4099, oc = 13;
	uint32_t v, e, o, c, j;

	if (!__builtin_cpu_supports("avx2"))
		skip();
	for (v = 0; v < ARRAY_SIZE(nm_variants); v++) {
		for (e = 0; e < ARRAY_SIZE(xs); e++) {
			struct graph g = { 0 };
			struct prepared p;
			const struct snpu_eng_model *m;
			const struct snpu_eng_layer *l;
			uint32_t n, mm, in, out;
			int8_t *x;
			uint8_t *xu;
			int32_t acc[16];
			const int32_t *bias, *nbias;

			rng_seed(130000 + v * 10 + e);
			assert_true(snpu_nm_dims(nm_variants[v], &n, &mm));
			in = add_tensor(&g, 1, 1, k, 0);
			out = add_fc(&g, in, oc, SNPU_ENC_NM, nm_variants[v]);
			/* N kept per group, at random places, all one value */
			memset(g.w[0], 0, (size_t)oc * k);
			for (o = 0; o < oc; o++) {
				for (c = 0; c < k; c += mm) {
					uint32_t span = k - c < mm ? k - c : mm;
					uint32_t kept = 0;

					while (kept < n) {
						j = c + rng() % span;
						if (g.w[0][(size_t)o * k + j])
							continue;
						g.w[0][(size_t)o * k + j] =
							ws[e] ? ws[e] :
							(rng() % 2 ? -128 : 127);
						kept++;
					}
				}
			}
			snprintf(g.desc, sizeof(g.desc), "nm kernel sums");
			assert_int_equal(prepare(&g, in, out, &p), 0);
			m = p.mem;
			l = &m->layers[0];
			assert_true(l->off_nm != 0);
			assert_int_equal(l->nm_windows, (k + 15) / 16);
			x = malloc(k);
			xu = malloc((size_t)l->nm_windows * 16);
			for (c = 0; c < k; c++)
				x[c] = xs[e] ? xs[e] : (rng() % 2 ? -128 : 127);
			snpu_qs8_qu8_convert_ukernel__avx2(k, l->nm_windows * 16,
							   x, xu);
			snpu_qs8_fc_nm_ukernel_8x16__avx2((oc + 7) / 8,
							  l->nm_windows,
							  l->nm_kept, xu,
							  (const uint8_t *)p.mem +
							  l->off_nm, acc);
			bias = (const int32_t *)((const uint8_t *)p.mem +
						 l->off_bias);
			nbias = (const int32_t *)((const uint8_t *)p.mem +
						  l->off_nm_bias);
			for (o = 0; o < oc; o++) {
				uint32_t su = 0, sx = 0;

				for (c = 0; c < k; c++) {
					int32_t w = g.w[0][(size_t)o * k + c];

					su += (uint32_t)((x[c] + 128) * w);
					sx += (uint32_t)(x[c] * w);
				}
				if ((uint32_t)acc[o] != su ||
				    (uint32_t)acc[o] + (uint32_t)nbias[o] !=
				    sx + (uint32_t)bias[o]) {
					print_error("nm/%u case %u row %u: acc %d want %d\n",
						    nm_variants[v], e, o, acc[o],
						    (int32_t)su);
					fail();
				}
			}
			free(x);
			free(xu);
			prepared_free(&p);
			graph_free(&g);
		}
	}
#else
	skip();
#endif
}

/*
 * Both AVX2 requantizations (per row: batch 1; per batch element: the
 * batch kernel) equal snpu_eng_out(), also where the zero point added to
 * a requantized value near +-2^31 would leave int32.
 */
static void engine_requant_kernels_match_scalar(void **state)
{
#ifdef SNPU_ENG_X86_SIMD
	static const int32_t edge[] = { 0, 1, -1, INT32_MAX, INT32_MIN,
					1 << 30, -(1 << 30), 255, -256 };
	enum { ROWS = 67 };
	int32_t acc[ROWS], bias[ROWS], mult[ROWS], shift[ROWS];
	struct snpu_eng_rq rq = { .bias = bias, .mult = mult,
				  .shift = shift };
	int8_t y[ROWS], y2[ROWS];
	uint32_t it, i;

	if (!__builtin_cpu_supports("avx2"))
		skip();
	rng_seed(8);
	for (it = 0; it < 3000; it++) {
		for (i = 0; i < ROWS; i++) {
			acc[i] = rng() % 4 ? (int32_t)(rng() << 16 ^ rng()) :
					     edge[rng() % ARRAY_SIZE(edge)];
			bias[i] = rng() % 4 ? rnd(-20000, 20000) :
					      edge[rng() % ARRAY_SIZE(edge)];
			mult[i] = rng() % 8 ? (int32_t)(0x40000000u +
					      (rng() << 15 ^ rng()) % 0x40000000u) :
					      (rng() % 2 ? INT32_MAX : 1 << 30);
			/* every shift, left and right, in every lane */
			shift[i] = (int32_t)((it + i) % 62) - 31;
		}
		rq.zp = rnd(-128, 127);
		rq.min = rnd(-128, 127);
		rq.max = rnd(rq.min, 127);
		snpu_qs8_requant_rows_ukernel__avx2(ROWS - it % 9, acc, &rq, 0,
						    y);
		/* the batch kernel: row 0's parameters for every element */
		snpu_qs8_requant_ukernel__avx2(ROWS - it % 7, acc, bias[0],
					       mult[0], shift[0], &rq, y2, 1);
		for (i = 0; i < ROWS - it % 9; i++) {
			if (y[i] != snpu_eng_out(&rq, i, acc[i])) {
				print_error("row %u acc %d bias %d mult %d shift %d: %d, want %d\n",
					    i, acc[i], bias[i], mult[i],
					    shift[i], y[i],
					    snpu_eng_out(&rq, i, acc[i]));
				fail();
			}
		}
		for (i = 0; i < ROWS - it % 7; i++) {
			if (y2[i] != snpu_eng_out(&rq, 0, acc[i])) {
				print_error("batch element %u acc %d bias %d mult %d shift %d: %d, want %d\n",
					    i, acc[i], bias[0], mult[0],
					    shift[0], y2[i],
					    snpu_eng_out(&rq, 0, acc[i]));
				fail();
			}
		}
	}
#else
	skip();
#endif
}

/* ------------------------------------------------ counters and errors */

/* One FC layer; the test owns @p afterwards. */
static void one_fc(struct prepared *p, struct graph *g, uint32_t enc,
		   uint32_t variant, uint32_t k, uint32_t oc)
{
	uint32_t in, out;

	rng_seed(4242);
	in = add_tensor(g, 1, 1, k, 3);
	out = add_fc(g, in, oc, enc, variant);
	snprintf(g->desc, sizeof(g->desc), "one fc");
	assert_int_equal(prepare(g, in, out, p), 0);
}

/* The config: the N:M kernel below 8 vectors, only with AVX2 allowed. */
static void engine_kernel_name_nm_below_batch_8(void **state)
{
	struct graph g = { 0 };
	struct prepared p;
	uint32_t b;

	one_fc(&p, &g, SNPU_ENC_NM, SNPU_NM_1_4, 64, 24);
	for (b = 1; b < 8; b++) {
		snpu_engine_force_scalar(false);
		if (__builtin_cpu_supports("avx2"))
			assert_string_equal(snpu_engine_kernel_name(p.mem, b),
					    "snpu_qs8_fc_nm_ukernel_8x16__avx2");
		snpu_engine_force_scalar(true);
		assert_string_equal(snpu_engine_kernel_name(p.mem, b),
				    "snpu_qs8_fc_csr_ukernel_1x1__scalar");
	}
	snpu_engine_force_scalar(false);
	if (__builtin_cpu_supports("avx2"))
		assert_string_equal(snpu_engine_kernel_name(p.mem, 8),
				    "snpu_qs8_spmm_ukernel_64x2__avx2");
	prepared_free(&p);
	graph_free(&g);
}

static void engine_counters_count_pruned_weights(void **state)
{
	uint32_t e;

	for (e = 0; e < ARRAY_SIZE(encs); e++) {
		struct graph g = { 0 };
		struct prepared p;
		struct snpu_counters cnt;
		struct snpu_engine_ctx ctx = { .counters = &cnt };
		int8_t in[2 * 64], out[2 * 24];
		size_t ss;
		void *scratch;
		uint64_t dense = 2ull * 64 * 24, nz = 0;
		uint32_t i;

		one_fc(&p, &g, encs[e][0], encs[e][1], 64, 24);
		for (i = 0; i < 64 * 24; i++)
			nz += g.w[0][i] != 0;
		memset(in, 3, sizeof(in));
		ss = snpu_engine_scratch_size(p.mem, 2);
		scratch = aligned_alloc(8, (ss + 7) & ~(size_t)7);
		assert_int_equal(snpu_engine_run(p.mem, in, out, 2, scratch, ss,
						 &ctx), 0);
		assert_int_equal(cnt.macs + cnt.macs_skipped_weight, dense);
		assert_int_equal(cnt.macs_skipped_act, 0);
		/* Executed MACs cover at least every nonzero weight. */
		assert_true(cnt.macs >= 2 * nz);
		if (encs[e][0] == SNPU_ENC_DENSE)
			assert_int_equal(cnt.macs, dense);
		if (encs[e][0] == SNPU_ENC_CSR || encs[e][0] == SNPU_ENC_NM)
			assert_int_equal(cnt.macs,
					 2ull * p.view.layers[0].nnz);
		assert_int_equal(cnt.bytes_written, sizeof(out));
		assert_int_equal(cnt.bytes_read,
				 sizeof(in) + p.view.layers[0].weights_size +
				 p.view.layers[0].meta_size + 12 * 24);
		free(scratch);
		prepared_free(&p);
		graph_free(&g);
	}
}

static void engine_counters_skip_zero_activations(void **state)
{
	struct graph g = { 0 };
	struct prepared p;
	struct snpu_counters cnt;
	struct snpu_engine_ctx ctx = { .plat = &zskip_plat, .counters = &cnt };
	int8_t in[64], out[24];
	size_t ss;
	void *scratch;

	one_fc(&p, &g, SNPU_ENC_DENSE, 0, 64, 24);
	/* zero point 3: a quarter of the inputs skip every row */
	memset(in, 5, sizeof(in));
	memset(in, 3, 16);
	ss = snpu_engine_scratch_size(p.mem, 1);
	scratch = aligned_alloc(8, (ss + 7) & ~(size_t)7);
	assert_int_equal(snpu_engine_run(p.mem, in, out, 1, scratch, ss, &ctx),
			 0);
	assert_int_equal(cnt.macs_skipped_act, 16 * 24);
	assert_int_equal(cnt.macs, 48 * 24);
	assert_int_equal(cnt.macs_skipped_weight, 0);
	free(scratch);
	prepared_free(&p);
	graph_free(&g);
}

static void engine_counters_cycles_match_cost_model(void **state)
{
	struct graph g = { 0 };
	struct prepared p;
	struct snpu_counters cnt;
	struct snpu_engine_ctx ctx = { .counters = &cnt };
	struct snpu_cost_work w = { .op = SNPU_OP_FC,
				    .encoding = SNPU_ENC_CSR };
	const struct snpu_cost *c;
	const struct snpu_platform *pl = &mid_fw.platform;
	int8_t in[4 * 100], out[4 * 30];
	size_t ss;
	void *scratch;
	u64 mac_cycles, mem_cycles, want, i;

	if (!have_mid)
		skip();
	ctx.plat = pl;
	one_fc(&p, &g, SNPU_ENC_CSR, 0, 100, 30);
	for (i = 0; i < sizeof(in); i++)
		in[i] = (int8_t)(i % 7);	/* 3 is the zero point */
	ss = snpu_engine_scratch_size(p.mem, 4);
	scratch = aligned_alloc(8, (ss + 7) & ~(size_t)7);
	assert_int_equal(snpu_engine_run(p.mem, in, out, 4, scratch, ss, &ctx),
			 0);
	assert_true(pl->features & SNPU_FEAT_ACT_ZERO_SKIP);
	assert_true(cnt.macs_skipped_act > 0);
	w.outputs = 4 * 30;
	w.macs = cnt.macs;
	w.bytes = cnt.bytes_read + cnt.bytes_written;
	assert_int_equal(cnt.cycles, snpu_cost_layer(pl, &w));

	/* and by hand, from the formula of snpu_cost.h */
	c = &pl->cost[SNPU_OP_FC][SNPU_ENC_CSR];
	mac_cycles = (cnt.macs * 256 + (u64)pl->mac_units * c->mac_eff_q8 - 1) /
		     ((u64)pl->mac_units * c->mac_eff_q8);
	mem_cycles = (w.bytes + pl->dram_bytes_per_cycle - 1) /
		     pl->dram_bytes_per_cycle;
	want = c->setup_cycles + 4 * 30 * (u64)c->row_cycles +
	       (mac_cycles > mem_cycles ? mac_cycles : mem_cycles);
	assert_int_equal(cnt.cycles, want);
	free(scratch);
	prepared_free(&p);
	graph_free(&g);
}

static void snpu_cost_layer_zero_without_entry(void **state)
{
	struct snpu_platform pl = zskip_plat;
	struct snpu_cost_work w = { .op = SNPU_OP_FC, .encoding = SNPU_ENC_NM,
				    .outputs = 10, .macs = 1000, .bytes = 99 };

	assert_int_equal(snpu_cost_layer(NULL, &w), 0);
	pl.cost[SNPU_OP_FC][SNPU_ENC_NM].present = false;
	assert_int_equal(snpu_cost_layer(&pl, &w), 0);
	pl.cost[SNPU_OP_FC][SNPU_ENC_NM].present = true;
	/* 7 + 10 * 2 + max(ceil(1000 * 256 / (4 * 100)), ceil(99 / 8)) */
	assert_int_equal(snpu_cost_layer(&pl, &w), 7 + 20 + 640);
	w.bytes = 8 * 700 + 1;
	assert_int_equal(snpu_cost_layer(&pl, &w), 7 + 20 + 701);
}

static int yield_abort(void *data)
{
	int *n = data;

	return ++*n >= 2;
}

static void engine_run_yield_abort_returns_aborted(void **state)
{
	int mode;

	for (mode = 0; mode < 2; mode++) {
		struct graph g = { 0 };
		struct prepared p;
		int calls = 0;
		struct snpu_engine_ctx ctx = { .yield = yield_abort,
					       .yield_data = &calls };
		int8_t *in, *out;
		size_t ss;
		void *scratch;

		snpu_engine_force_scalar(mode == 0);
		one_fc(&p, &g, SNPU_ENC_DENSE, 0, 1024, 256);
		in = calloc(64, 1024);
		out = calloc(64, 256);
		ss = snpu_engine_scratch_size(p.mem, 64);
		scratch = aligned_alloc(8, (ss + 7) & ~(size_t)7);
		assert_int_equal(snpu_engine_run(p.mem, in, out, 64, scratch, ss,
						 &ctx), -SNPU_ENGINE_E_ABORTED);
		assert_int_equal(calls, 2);
		free(scratch);
		free(in);
		free(out);
		prepared_free(&p);
		graph_free(&g);
	}
	snpu_engine_force_scalar(false);
}

static void engine_run_yields_between_units(void **state)
{
	struct graph g = { 0 };
	struct prepared p;
	struct snpu_engine_ctx ctx = { .yield = yield_count };
	int8_t *in, *out;
	size_t ss;
	void *scratch;

	one_fc(&p, &g, SNPU_ENC_DENSE, 0, 1024, 256);
	in = calloc(16, 1024);
	out = calloc(16, 256);
	ss = snpu_engine_scratch_size(p.mem, 16);
	scratch = aligned_alloc(8, (ss + 7) & ~(size_t)7);
	yield_calls = 0;
	assert_int_equal(snpu_engine_run(p.mem, in, out, 16, scratch, ss, &ctx),
			 0);
	/* 4 M MACs: a yield at least every 256 K */
	assert_true(yield_calls >= 15);
	free(scratch);
	free(in);
	free(out);
	prepared_free(&p);
	graph_free(&g);
}

static void engine_run_small_scratch_returns_space(void **state)
{
	struct graph g = { 0 };
	struct prepared p;
	int8_t in[64], out[24];
	size_t ss;
	void *scratch;

	one_fc(&p, &g, SNPU_ENC_CSR, 0, 64, 24);
	ss = snpu_engine_scratch_size(p.mem, 3);
	scratch = aligned_alloc(8, (ss + 7) & ~(size_t)7);
	assert_int_equal(snpu_engine_run(p.mem, in, out, 1, scratch, 0, NULL),
			 -SNPU_ENGINE_E_SPACE);
	assert_int_equal(snpu_engine_run(p.mem, in, out, 3, scratch, ss - 1,
					 NULL), -SNPU_ENGINE_E_SPACE);
	assert_int_equal(snpu_engine_run(p.mem, in, out, 0, scratch, ss, NULL),
			 -SNPU_ENGINE_E_BATCH);
	free(scratch);
	prepared_free(&p);
	graph_free(&g);
}

static void engine_prepare_small_buffer_returns_space(void **state)
{
	struct graph g = { 0 };
	struct prepared p;
	void *mem;

	one_fc(&p, &g, SNPU_ENC_NM, SNPU_NM_2_4, 64, 24);
	mem = aligned_alloc(8, p.mem_size + 8);
	assert_int_equal(snpu_engine_prepare(&p.view, p.blob, mem,
					     p.mem_size - 1),
			 -SNPU_ENGINE_E_SPACE);
	assert_int_equal(snpu_engine_prepare(&p.view, p.blob, (char *)mem + 4,
					     p.mem_size),
			 -SNPU_ENGINE_E_SPACE);
	free(mem);
	prepared_free(&p);
	graph_free(&g);
}

static void engine_run_garbage_model_returns_model(void **state)
{
	uint64_t junk[64] = { 0 };
	int8_t in[4] = { 0 }, out[4];

	assert_int_equal(snpu_engine_run(junk, in, out, 1, junk, sizeof(junk),
					 NULL), -SNPU_ENGINE_E_MODEL);
	assert_int_equal(snpu_engine_model_size(junk), 0);
	assert_int_equal(snpu_engine_scratch_size(junk, 1), 0);
}

/* The position-independent block runs after a copy to another address. */
static void engine_prepared_model_runs_after_copy(void **state)
{
	struct graph g = { 0 };
	struct prepared p;
	int8_t in[3 * 64], out1[3 * 24], out2[3 * 24];
	void *copy, *scratch;
	size_t ss;
	uint32_t i;

	one_fc(&p, &g, SNPU_ENC_BLOCK, SNPU_BLOCK_4X4, 64, 24);
	for (i = 0; i < sizeof(in); i++)
		in[i] = (int8_t)rng();
	ss = snpu_engine_scratch_size(p.mem, 3);
	scratch = aligned_alloc(8, (ss + 7) & ~(size_t)7);
	assert_int_equal(snpu_engine_run(p.mem, in, out1, 3, scratch, ss,
					 NULL), 0);
	copy = aligned_alloc(8, (p.mem_size + 7) & ~(size_t)7);
	memcpy(copy, p.mem, p.mem_size);
	memset(p.mem, 0, p.mem_size);
	assert_int_equal(snpu_engine_run(copy, in, out2, 3, scratch, ss, NULL),
			 0);
	assert_memory_equal(out1, out2, sizeof(out1));
	free(copy);
	free(scratch);
	prepared_free(&p);
	graph_free(&g);
}

static void snpu_ref_helpers_match_tflite_examples(void **state)
{
	/* values worked out from gemmlowp's definitions */
	assert_int_equal(snpu_ref_srdhm(1 << 30, 1 << 30), 1 << 29);
	assert_int_equal(snpu_ref_srdhm(INT32_MIN, INT32_MIN), INT32_MAX);
	assert_int_equal(snpu_ref_srdhm(-3, 1 << 30), -1);
	assert_int_equal(snpu_ref_rounding_divide_by_pot(5, 1), 3);
	assert_int_equal(snpu_ref_rounding_divide_by_pot(-5, 1), -3);
	assert_int_equal(snpu_ref_rounding_divide_by_pot(-6, 2), -2);
	assert_int_equal(snpu_ref_rounding_divide_by_pot(6, 2), 2);
	assert_int_equal(snpu_ref_multiply_by_quantized_multiplier(1000,
								   1 << 30, 0),
			 500);
	assert_int_equal(snpu_ref_multiply_by_quantized_multiplier(1000,
								   1 << 30, -3),
			 63);
	assert_int_equal(snpu_ref_multiply_by_quantized_multiplier(1000,
								   1 << 30, 2),
			 2000);
}

/* The engine's requant equals the reference's on edge and random values. */
static void engine_requant_matches_ref(void **state)
{
	static const int32_t xs[] = { 0, 1, -1, INT32_MAX, INT32_MIN,
				      1 << 30, -(1 << 30), 12345, -12345 };
	uint32_t i, j;

	rng_seed(7);
	for (i = 0; i < 200000; i++) {
		int32_t x = i < 9 * 62 ? xs[i % 9] : (int32_t)(rng() << 16 ^ rng());
		int32_t m = (int32_t)(0x40000000u + (rng() << 15 ^ rng()) %
				      0x40000000u);
		int32_t s = i < 9 * 62 ? (int32_t)(i / 9) - 31 : rnd(-31, 30);

		j = i;
		if (snpu_eng_requant(x, m, s) !=
		    snpu_ref_multiply_by_quantized_multiplier(x, m, s)) {
			print_error("requant x %d m %d s %d (iter %u)\n", x, m,
				    s, j);
			fail();
		}
	}
}

static int setup(void **state)
{
	const char *dir = getenv("SNPU_FW_DIR");
	char path[512];
	uint32_t op, enc;
	FILE *f;

	memset(&zskip_plat, 0, sizeof(zskip_plat));
	zskip_plat.mac_units = 4;
	zskip_plat.dram_bytes_per_cycle = 8;
	zskip_plat.features = SNPU_FEAT_ACT_ZERO_SKIP;
	for (op = 0; op < SNPU_OP_COUNT; op++) {
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++) {
			struct snpu_cost *c = &zskip_plat.cost[op][enc];

			c->present = true;
			c->setup_cycles = 7;
			c->row_cycles = 2;
			c->mac_eff_q8 = 100;
		}
	}

	snprintf(path, sizeof(path), "%s/edge-mid.bin",
		 dir ? dir : "build/firmware/snpu");
	f = fopen(path, "rb");
	if (f) {
		static uint8_t img[1 << 16];
		size_t n = fread(img, 1, sizeof(img), f);

		fclose(f);
		have_mid = snpu_fw_parse(img, n, &mid_fw) == 0;
	}
	if (!have_mid)
		fprintf(stderr, "note: %s not found or invalid\n", path);
	return 0;
}

static int teardown(void **state)
{
	fprintf(stderr, "differential cases: %u (4 engine runs each), %lu outputs, %lu%% on a clamp\n",
		cases_run, outputs_seen,
		outputs_seen ? outputs_clamped * 100 / outputs_seen : 0);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_ref_helpers_match_tflite_examples),
		cmocka_unit_test(engine_requant_matches_ref),
		cmocka_unit_test(snpu_cost_layer_zero_without_entry),
		cmocka_unit_test(engine_run_fc_matches_ref),
		cmocka_unit_test(engine_run_conv_matches_ref),
		cmocka_unit_test(engine_run_grouped_conv_matches_ref),
		cmocka_unit_test(engine_run_depthwise_conv_matches_ref),
		cmocka_unit_test(engine_run_maxpool_matches_ref),
		cmocka_unit_test(engine_run_avgpool_matches_ref),
		cmocka_unit_test(engine_run_add_matches_ref),
		cmocka_unit_test(engine_run_reshape_matches_ref),
		cmocka_unit_test(engine_run_graph_conv_pool_fc_matches_ref),
		cmocka_unit_test(engine_run_graph_add_branches_matches_ref),
		cmocka_unit_test(engine_run_fc_784x300_csr_matches_ref),
		cmocka_unit_test(engine_run_fc_large_matches_ref),
		cmocka_unit_test(engine_run_fc_nm_gemv_matches_ref),
		cmocka_unit_test(engine_run_fc_nm_extreme_matches_ref),
		cmocka_unit_test(engine_nm_kernel_sums_exactly),
		cmocka_unit_test(engine_requant_kernels_match_scalar),
		cmocka_unit_test(engine_kernel_name_nm_below_batch_8),
		cmocka_unit_test(engine_counters_count_pruned_weights),
		cmocka_unit_test(engine_counters_skip_zero_activations),
		cmocka_unit_test(engine_counters_cycles_match_cost_model),
		cmocka_unit_test(engine_run_yield_abort_returns_aborted),
		cmocka_unit_test(engine_run_yields_between_units),
		cmocka_unit_test(engine_run_small_scratch_returns_space),
		cmocka_unit_test(engine_prepare_small_buffer_returns_space),
		cmocka_unit_test(engine_run_garbage_model_returns_model),
		cmocka_unit_test(engine_prepared_model_runs_after_copy),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
