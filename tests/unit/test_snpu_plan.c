// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * cmocka tests of hardware-aware planning (pruner/snpu_plan.c): the
 * knapsack against brute force, the static prediction against the engine
 * (the device's source) layer by layer and counter by counter, and plans
 * for a LeNet-300-100 trained here on real Fashion-MNIST images: budgets
 * met in predicted and engine-counted cycles, infeasible budgets with the
 * best reachable point, the fastest plan within an accuracy budget, and a
 * layer left dense where sparsity does not pay.
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

#include "snpu_fw_parse.h"
#include "snpu_model_parse.h"
#include "snpu_plan.h"
#include "snpu_train.h"

#define ERR_SIZE	512

static struct snpu_dataset train_set, test_set;
static struct snpu_fw_info fw[3];	/* edge-tiny, edge-mid, edge-max */
static struct snpu_graph *lenet;	/* trained once for every plan test */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static int load_fw(const char *dir, const char *name, struct snpu_fw_info *f)
{
	char path[512];
	unsigned char buf[1 << 16];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
	fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "cannot open %s (make firmware)\n", path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	return snpu_fw_parse(buf, n, f) ? -1 : 0;
}

static int setup(void **state)
{
	const char *d = getenv("SNPU_FMNIST_DIR");
	const char *fwd = getenv("SNPU_FW_DIR");
	struct snpu_dataset sub;
	struct snpu_train_opts t;
	char err[ERR_SIZE];

	if (!d || !*d)
		d = "/usr/share/datasets/fashion-mnist";
	if (!fwd || !*fwd)
		fwd = "build/firmware/snpu";
	if (snpu_dataset_load_fmnist(d, true, &train_set, err, sizeof(err)) ||
	    snpu_dataset_load_fmnist(d, false, &test_set, err, sizeof(err))) {
		fprintf(stderr, "cannot load Fashion-MNIST: %s\n", err);
		return -1;
	}
	if (load_fw(fwd, "edge-tiny", &fw[0]) ||
	    load_fw(fwd, "edge-mid", &fw[1]) ||
	    load_fw(fwd, "edge-max", &fw[2]))
		return -1;
	lenet = snpu_build_model(SNPU_ARCH_LENET300, 7);
	if (!lenet)
		return -1;
	snpu_train_opts_default(&t, SNPU_ARCH_LENET300);
	t.epochs = 1;
	snpu_dataset_slice(&train_set, 0, 20000, &sub);
	if (snpu_train(lenet, &sub, &t, err, sizeof(err)) ||
	    snpu_graph_canon(lenet, err, sizeof(err)) ||
	    snpu_graph_infer_shapes(lenet, 1, err, sizeof(err))) {
		fprintf(stderr, "LeNet: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	snpu_graph_free(lenet);
	snpu_dataset_free(&train_set);
	snpu_dataset_free(&test_set);
	return 0;
}

static struct snpu_dataset slice(const struct snpu_dataset *ds,
				 uint32_t first, uint32_t count)
{
	struct snpu_dataset v;

	assert_int_equal(snpu_dataset_slice(ds, first, count, &v), 0);
	return v;
}

/* ---- the knapsack ---------------------------------------------------- */

/* Exhaustive minimum over every combination; negative if none fits. */
static double brute(uint32_t n, const uint32_t *nc, const uint32_t *w1,
		    uint32_t cap1, const uint32_t *w2, uint32_t cap2,
		    const double *obj)
{
	uint32_t idx[6] = { 0 }, l;
	double best = -1;

	for (;;) {
		uint64_t a = 0, b = 0;
		double v = 0;

		for (l = 0; l < n; l++) {
			size_t k = (size_t)l * SNPU_PLAN_MAX_CAND + idx[l];

			a += w1[k];
			b += w2[k];
			v += obj[k];
		}
		if (a <= cap1 && b <= cap2 && (best < 0 || v < best))
			best = v;
		for (l = 0; l < n && ++idx[l] == nc[l]; l++)
			idx[l] = 0;
		if (l == n)
			return best;
	}
}

static void plan_solve_matches_brute_force(void **state)
{
	uint32_t w1[6 * SNPU_PLAN_MAX_CAND], w2[6 * SNPU_PLAN_MAX_CAND];
	double obj[6 * SNPU_PLAN_MAX_CAND];
	uint32_t nc[6], choice[6];
	int round, infeasible = 0;

	for (round = 0; round < 300; round++) {
		uint32_t n = 1 + rnd(5), cap1 = rnd(60), cap2 = rnd(3) ? rnd(30) : 0;
		uint64_t a = 0, b = 0;
		double want, got, sum = 0;

		for (uint32_t l = 0; l < n; l++) {
			nc[l] = 1 + rnd(6);
			for (uint32_t c = 0; c < nc[l]; c++) {
				size_t k = (size_t)l * SNPU_PLAN_MAX_CAND + c;

				w1[k] = rnd(25);
				w2[k] = cap2 ? rnd(12) : 0;
				obj[k] = rnd(1000) / 100.0;
			}
		}
		want = brute(n, nc, w1, cap1, w2, cap2, obj);
		got = snpu_plan_solve(n, nc, w1, cap1, w2, cap2, obj, choice);
		if (want < 0) {
			assert_true(got < 0);
			infeasible++;
			continue;
		}
		assert_true(fabs(want - got) < 1e-9);
		/* the choice is a real solution of that value */
		for (uint32_t l = 0; l < n; l++) {
			size_t k = (size_t)l * SNPU_PLAN_MAX_CAND + choice[l];

			assert_true(choice[l] < nc[l]);
			a += w1[k];
			b += w2[k];
			sum += obj[k];
		}
		assert_true(a <= cap1 && b <= cap2);
		assert_true(fabs(sum - got) < 1e-9);
	}
	/* both outcomes were exercised */
	assert_true(infeasible > 10 && infeasible < 290);
}

/* ---- prediction against the engine ----------------------------------- */

/* Quantize @g (AUTO for @plat) and pack it. */
static void pack_for(const struct snpu_graph *g,
		     const struct snpu_platform *plat,
		     const struct snpu_quant_layer_opts *encs, uint32_t n,
		     struct snpu_qmodel **q, void **blob, size_t *size)
{
	struct snpu_quant_opts qo;
	struct snpu_dataset calib = slice(&train_set, 0, 256);
	struct snpu_pack_stats ps;
	char err[ERR_SIZE];

	memset(&qo, 0, sizeof(qo));
	qo.plat = plat;
	qo.allowed_encodings = plat->encodings;
	qo.allowed_nm = plat->nm_patterns;
	qo.allowed_blocks = plat->block_shapes;
	qo.layers = encs;
	qo.n_layers = n;
	if (snpu_quantize(g, &qo, calib.x, calib.n, q, err, sizeof(err)) ||
	    snpu_qmodel_pack(*q, blob, size, &ps, err, sizeof(err)))
		fail_msg("%s", err);
}

/* The CNN with every weighted layer pruned to @pattern's zeros. */
static struct snpu_graph *cnn_pruned(enum snpu_granularity gran,
				     uint32_t variant, float sparsity)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_CNN, 3);
	struct snpu_dataset calib = slice(&train_set, 0, 64);
	struct snpu_prune_opts po;
	char err[ERR_SIZE];

	assert_non_null(g);
	assert_int_equal(snpu_graph_canon(g, err, sizeof(err)), 0);
	assert_int_equal(snpu_graph_infer_shapes(g, 1, err, sizeof(err)), 0);
	memset(&po, 0, sizeof(po));
	po.criterion = SNPU_CRIT_L1;
	po.dflt.gran = gran;
	po.dflt.variant = variant;
	po.dflt.sparsity = sparsity;
	if (snpu_prune_oneshot(g, &po, calib.x, calib.y, calib.n, NULL, err,
			       sizeof(err)))
		fail_msg("%s", err);
	return g;
}

/* Engine counters of every layer, summed over @n images run one by one. */
static void engine_layers(const struct snpu_qmodel *q, const void *blob,
			  size_t size, const struct snpu_platform *plat,
			  uint32_t first, uint32_t n, uint32_t batch,
			  struct snpu_counters *sum, uint32_t nl)
{
	struct snpu_int8_runner *run;
	struct snpu_counters lc[SNPU_MODEL_MAX_LAYERS];
	size_t sample = 28 * 28;
	int8_t *x = malloc(sample * batch), *y = malloc(64 * batch);
	char err[ERR_SIZE];

	assert_non_null(x);
	assert_non_null(y);
	memset(sum, 0, sizeof(*sum) * nl);
	assert_int_equal(snpu_int8_runner_new(blob, size, plat, &run, err,
					      sizeof(err)), 0);
	for (uint32_t i = 0; i < n; i += batch) {
		snpu_qmodel_quantize_input(q, test_set.x + (first + i) * sample,
					   batch, x);
		assert_int_equal(snpu_int8_runner_profile(run, x, y, batch, lc,
							  nl, err,
							  sizeof(err)), 0);
		for (uint32_t l = 0; l < nl; l++)
			snpu_counters_add(&sum[l], &lc[l]);
	}
	snpu_int8_runner_free(run);
	free(x);
	free(y);
}

static void assert_counters_equal(const struct snpu_counters *a,
				  const struct snpu_counters *b)
{
	assert_int_equal(a->cycles, b->cycles);
	assert_int_equal(a->macs, b->macs);
	assert_int_equal(a->macs_skipped_weight, b->macs_skipped_weight);
	assert_int_equal(a->macs_skipped_act, b->macs_skipped_act);
	assert_int_equal(a->bytes_read, b->bytes_read);
	assert_int_equal(a->bytes_written, b->bytes_written);
}

/*
 * Without zero skipping the prediction is exact: every counter of every
 * layer, for every encoding the platforms run, at batch 1 and 4.
 */
static void plan_predict_equals_engine_without_zero_skip(void **state)
{
	static const struct {
		enum snpu_granularity gran;
		uint32_t variant;
		float sparsity;
		uint32_t enc, encv;
	} cases[] = {
		{ SNPU_GRAN_UNSTRUCTURED, 0, 0.0f, SNPU_ENC_DENSE, 0 },
		{ SNPU_GRAN_NM, SNPU_NM_2_4, 0.5f, SNPU_ENC_NM, SNPU_NM_2_4 },
		{ SNPU_GRAN_NM, SNPU_NM_1_4, 0.75f, SNPU_ENC_NM, SNPU_NM_1_4 },
		{ SNPU_GRAN_UNSTRUCTURED, 0, 0.8f, SNPU_ENC_CSR, 0 },
		{ SNPU_GRAN_BLOCK, SNPU_BLOCK_4X4, 0.6f, SNPU_ENC_BLOCK,
		  SNPU_BLOCK_4X4 },
		{ SNPU_GRAN_BLOCK, SNPU_BLOCK_1X16, 0.6f, SNPU_ENC_BLOCK,
		  SNPU_BLOCK_1X16 },
	};
	/* edge-mid's costs, without its zero skipping */
	struct snpu_platform plat = fw[1].platform;

	plat.features &= ~SNPU_FEAT_ACT_ZERO_SKIP;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct snpu_graph *g = cnn_pruned(cases[c].gran, cases[c].variant,
						  cases[c].sparsity);
		struct snpu_quant_layer_opts encs[4];
		struct snpu_counters pred[SNPU_MODEL_MAX_LAYERS];
		struct snpu_counters meas[SNPU_MODEL_MAX_LAYERS];
		struct snpu_qmodel *q;
		char err[ERR_SIZE];
		void *blob;
		size_t size;
		uint32_t nl, b;

		for (int i = 0; i < 4; i++) {
			encs[i].encoding = cases[c].enc;
			encs[i].variant = cases[c].encv;
		}
		pack_for(g, &plat, encs, 4, &q, &blob, &size);
		nl = snpu_qmodel_pack_model(q)->n_layers;
		for (b = 1; b <= 4; b += 3) {
			assert_int_equal(snpu_plan_predict(q, blob, size, &plat,
							   NULL, b, pred,
							   SNPU_MODEL_MAX_LAYERS,
							   err, sizeof(err)),
					 0);
			engine_layers(q, blob, size, &plat, 0, b, b, meas, nl);
			for (uint32_t l = 0; l < nl; l++)
				assert_counters_equal(&pred[l], &meas[l]);
		}
		snpu_qmodel_free(q);
		free(blob);
		snpu_graph_free(g);
	}
}

/*
 * With zero skipping the prediction is the expectation over the images
 * the statistics came from: on those same images the skipped MACs sum to
 * the prediction times the image count (up to rounding), and cycles stay
 * within 0.1 % per layer.
 */
static void plan_predict_matches_engine_mean_with_zero_skip(void **state)
{
	const struct snpu_platform *plat = &fw[1].platform;
	struct snpu_graph *g = snpu_graph_clone(lenet);
	struct snpu_counters pred[SNPU_MODEL_MAX_LAYERS];
	struct snpu_counters meas[SNPU_MODEL_MAX_LAYERS];
	struct snpu_dataset imgs = slice(&test_set, 0, 200);
	struct snpu_act_stats st;
	struct snpu_qmodel *q;
	char err[ERR_SIZE];
	void *blob;
	size_t size;
	uint32_t nl;
	uint64_t skipped = 0;

	assert_non_null(g);
	pack_for(g, plat, NULL, 0, &q, &blob, &size);
	nl = snpu_qmodel_pack_model(q)->n_layers;
	assert_int_equal(snpu_act_stats_collect(q, blob, size, &imgs, imgs.n,
						&st, err, sizeof(err)), 0);
	assert_int_equal(st.samples, 200);
	assert_int_equal(snpu_plan_predict(q, blob, size, plat, &st, 1, pred,
					   SNPU_MODEL_MAX_LAYERS, err,
					   sizeof(err)), 0);
	engine_layers(q, blob, size, plat, 0, imgs.n, 1, meas, nl);
	for (uint32_t l = 0; l < nl; l++) {
		double want = (double)meas[l].macs_skipped_act / imgs.n;
		double cyc = (double)meas[l].cycles / imgs.n;

		assert_true(fabs((double)pred[l].macs_skipped_act - want) <= 0.5);
		assert_true(fabs((double)pred[l].cycles - cyc) <= 0.001 * cyc + 1);
		skipped += meas[l].macs_skipped_act;
	}
	/* ReLU outputs: the statistics had zeros to find */
	assert_true(skipped > 0);
	snpu_act_stats_free(&st);
	snpu_qmodel_free(q);
	free(blob);
	snpu_graph_free(g);
}

/* ---- plans ------------------------------------------------------------ */

static void plan_opts(struct snpu_plan_opts *o, struct snpu_quant_opts *qo,
		      const struct snpu_platform *plat,
		      struct snpu_dataset *calib, struct snpu_dataset *val)
{
	memset(o, 0, sizeof(*o));
	memset(qo, 0, sizeof(*qo));
	*calib = slice(&train_set, 0, 256);
	*val = slice(&train_set, train_set.n - 500, 500);
	o->plat = plat;
	o->qo = qo;
	o->calib = calib;
	o->val = val;
	o->criterion = SNPU_CRIT_L1;
	o->max_drop = -1;
}

/*
 * The plan applied: prune, quantize with its encodings, pack; then the
 * engine's cycles per inference (mean over test images) and the packed
 * size.
 */
static void plan_measure(const struct snpu_plan *p,
			 const struct snpu_platform *plat, double *cycles,
			 size_t *bytes)
{
	struct snpu_graph *g = snpu_graph_clone(lenet);
	struct snpu_prune_spec specs[8];
	struct snpu_quant_layer_opts encs[8];
	struct snpu_counters meas[SNPU_MODEL_MAX_LAYERS];
	struct snpu_dataset calib = slice(&train_set, 0, 256);
	struct snpu_prune_opts po;
	struct snpu_qmodel *q;
	char err[ERR_SIZE];
	void *blob;
	uint32_t nl, n = 50;

	assert_non_null(g);
	assert_true(p->n_layers <= 8);
	snpu_plan_apply(p, specs, encs);
	memset(&po, 0, sizeof(po));
	po.criterion = SNPU_CRIT_L1;
	po.n_specs = p->n_layers;
	po.specs = specs;
	if (snpu_prune_oneshot(g, &po, calib.x, calib.y, calib.n, NULL, err,
			       sizeof(err)))
		fail_msg("%s", err);
	pack_for(g, plat, encs, p->n_layers, &q, &blob, bytes);
	nl = snpu_qmodel_pack_model(q)->n_layers;
	engine_layers(q, blob, *bytes, plat, 0, n, 1, meas, nl);
	*cycles = 0;
	for (uint32_t l = 0; l < nl; l++)
		*cycles += (double)meas[l].cycles / n;
	snpu_qmodel_free(q);
	free(blob);
	snpu_graph_free(g);
}

static void plan_meets_latency_budget_on_the_engine(void **state)
{
	for (int f = 0; f < 3; f++) {
		const struct snpu_platform *plat = &fw[f].platform;
		struct snpu_dataset calib, val;
		struct snpu_plan_opts o;
		struct snpu_quant_opts qo;
		struct snpu_plan p;
		char err[ERR_SIZE];
		double cycles;
		size_t bytes;
		uint64_t fastest = 0, dense;

		plan_opts(&o, &qo, plat, &calib, &val);
		/* first the fastest plan, to know what is reachable */
		o.max_drop = 100;
		assert_int_equal(snpu_plan_make(lenet, &o, &p, err,
						sizeof(err)), 0);
		assert_true(p.feasible);
		assert_true(p.min_latency);
		fastest = p.cycles;
		dense = p.dense_cycles;
		assert_true(fastest < dense);
		snpu_plan_free(&p);

		/* a quarter of the way from the fastest plan to dense */
		o.max_drop = -1;
		o.latency_budget = fastest + (dense - fastest) / 4;
		assert_int_equal(snpu_plan_make(lenet, &o, &p, err,
						sizeof(err)), 0);
		assert_true(p.feasible);
		assert_false(p.min_latency);
		assert_true(p.cycles <= o.latency_budget);
		assert_non_null(strstr(p.verdict, "within the budget"));
		plan_measure(&p, plat, &cycles, &bytes);
		assert_true(cycles <= (double)o.latency_budget);
		/* something was pruned, and every layer says why */
		for (uint32_t i = 0, pruned = 0; i < p.n_layers; i++) {
			pruned += p.layers[i].chosen != 0;
			assert_true(strlen(p.layers[i].why) > 20);
			if (i == p.n_layers - 1)
				assert_true(pruned > 0);
		}
		snpu_plan_free(&p);
	}
}

static void plan_infeasible_budget_gives_best_reachable_point(void **state)
{
	const struct snpu_platform *plat = &fw[0].platform;
	struct snpu_dataset calib, val;
	struct snpu_plan_opts o;
	struct snpu_quant_opts qo;
	struct snpu_plan p;
	char err[ERR_SIZE];
	uint64_t fastest = 0;

	plan_opts(&o, &qo, plat, &calib, &val);
	o.latency_budget = 1000;
	assert_int_equal(snpu_plan_make(lenet, &o, &p, err, sizeof(err)), 0);
	assert_false(p.feasible);
	assert_non_null(strstr(p.verdict, "out of reach"));
	assert_non_null(strstr(p.verdict, "fastest plan takes"));
	/* the point given is the fastest: each layer's fastest candidate */
	for (uint32_t i = 0; i < p.n_layers; i++) {
		const struct snpu_plan_layer *l = &p.layers[i];
		uint64_t m = l->cand[0].cycles;

		for (uint32_t c = 1; c < l->n_cand; c++)
			m = l->cand[c].cycles < m ? l->cand[c].cycles : m;
		assert_int_equal(l->cand[l->chosen].cycles, m);
		fastest += m;
	}
	assert_int_equal(p.cycles, p.fixed_cycles + fastest);
	fastest = p.cycles;
	snpu_plan_free(&p);

	/* reachable latency, but not within the accuracy budget */
	o.latency_budget = fastest;
	o.max_drop = 0;
	assert_int_equal(snpu_plan_make(lenet, &o, &p, err, sizeof(err)), 0);
	assert_true(p.cycles <= fastest);
	assert_true(p.drop > 0);
	assert_false(p.feasible);
	assert_non_null(strstr(p.verdict, "--max-accuracy-drop"));
	snpu_plan_free(&p);
}

static void plan_max_drop_alone_is_fastest_within_it(void **state)
{
	const struct snpu_platform *plat = &fw[1].platform;
	struct snpu_dataset calib, val;
	struct snpu_plan_opts o;
	struct snpu_quant_opts qo;
	struct snpu_plan p, q;
	char err[ERR_SIZE];

	plan_opts(&o, &qo, plat, &calib, &val);
	o.max_drop = 0.5;
	assert_int_equal(snpu_plan_make(lenet, &o, &p, err, sizeof(err)), 0);
	assert_true(p.feasible && p.min_latency);
	assert_true(p.drop <= 0.5 + 1e-9);
	o.max_drop = 3;
	assert_int_equal(snpu_plan_make(lenet, &o, &q, err, sizeof(err)), 0);
	assert_true(q.drop <= 3 + 1e-9);
	/* a looser accuracy budget never gives a slower plan */
	assert_true(q.cycles <= p.cycles);
	assert_true(p.cycles < p.dense_cycles);
	snpu_plan_free(&p);
	snpu_plan_free(&q);
}

static void plan_keeps_layer_dense_when_sparsity_does_not_pay(void **state)
{
	struct snpu_platform plat = fw[1].platform;
	struct snpu_dataset calib, val;
	struct snpu_plan_opts o;
	struct snpu_quant_opts qo;
	struct snpu_plan p;
	char err[ERR_SIZE];

	/* sparse FC streams that cost far more per MAC and per row */
	for (uint32_t e = SNPU_ENC_CSR; e < SNPU_ENC_COUNT; e++) {
		plat.cost[SNPU_OP_FC][e].mac_eff_q8 = 8;
		plat.cost[SNPU_OP_FC][e].row_cycles = 50;
	}
	plan_opts(&o, &qo, &plat, &calib, &val);
	o.max_drop = 100;
	assert_int_equal(snpu_plan_make(lenet, &o, &p, err, sizeof(err)), 0);
	for (uint32_t i = 0; i < p.n_layers; i++) {
		assert_int_equal(p.layers[i].chosen, 0);
		assert_non_null(strstr(p.layers[i].why, "does not pay"));
	}
	assert_int_equal(p.cycles, p.dense_cycles);
	snpu_plan_free(&p);
}

static void plan_meets_size_budget(void **state)
{
	const struct snpu_platform *plat = &fw[1].platform;
	struct snpu_dataset calib, val;
	struct snpu_plan_opts o;
	struct snpu_quant_opts qo;
	struct snpu_plan p;
	char err[ERR_SIZE];
	double cycles;
	size_t bytes;

	plan_opts(&o, &qo, plat, &calib, &val);
	o.size_budget = 120000;		/* the dense LeNet packs to ~270 KB */
	assert_int_equal(snpu_plan_make(lenet, &o, &p, err, sizeof(err)), 0);
	assert_true(p.feasible);
	assert_true(p.dense_bytes > 2 * o.size_budget);
	assert_true(p.bytes <= o.size_budget);
	plan_measure(&p, plat, &cycles, &bytes);
	assert_true(bytes <= o.size_budget);
	snpu_plan_free(&p);
}

static void plan_without_budget_is_refused(void **state)
{
	struct snpu_dataset calib, val;
	struct snpu_plan_opts o;
	struct snpu_quant_opts qo;
	struct snpu_plan p;
	char err[ERR_SIZE] = "";

	plan_opts(&o, &qo, &fw[0].platform, &calib, &val);
	assert_int_equal(snpu_plan_make(lenet, &o, &p, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "budget"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan_solve_matches_brute_force),
		cmocka_unit_test(plan_predict_equals_engine_without_zero_skip),
		cmocka_unit_test(plan_predict_matches_engine_mean_with_zero_skip),
		cmocka_unit_test(plan_meets_latency_budget_on_the_engine),
		cmocka_unit_test(plan_infeasible_budget_gives_best_reachable_point),
		cmocka_unit_test(plan_max_drop_alone_is_fastest_within_it),
		cmocka_unit_test(plan_keeps_layer_dense_when_sparsity_does_not_pay),
		cmocka_unit_test(plan_meets_size_budget),
		cmocka_unit_test(plan_without_budget_is_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
