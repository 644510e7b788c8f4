// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The host commands of snpu, a thin layer over the pruner library:
 *
 *   snpu train   build a reference model, train it, write ONNX
 *   snpu prune   ONNX in -> prune -> int8 -> pack -> report
 *   snpu eval    accuracy of an ONNX or packed model (or of the outputs
 *                a device produced for it)
 *
 * Every number the report prints is measured here on the Fashion-MNIST
 * test set: the dense model in fp32 (reference executor) and int8 (packed,
 * host engine), the pruned model in fp32 and int8.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npy.h"
#include "snpu_cli.h"
#include "snpu_dataset.h"
#include "snpu_engine.h"
#include "snpu_names.h"
#include "snpu_plan.h"
#include "snpu_model_parse.h"
#include "snpu_fw_parse.h"
#include "snpu_io.h"
#include "snpu_onnx.h"
#include "snpu_prune.h"
#include "snpu_quant.h"
#include "snpu_ref.h"
#include "snpu_report.h"
#include "snpu_train.h"

/* Samples per executor run when evaluating. */
#define SNPU_ML_EVAL_BATCH	256

#define SNPU_ML_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- progress ------------------------------------------------------------ */

/**
 * struct snpu_ml_bar - a progress bar on stderr
 * @label: what is running.
 * @quiet: print nothing.
 * @tty: redraw one line; otherwise print a line every 10 %.
 * @shown: last percentage printed.
 * @t0: start time.
 */
struct snpu_ml_bar {
	const char *label;
	int quiet;
	int tty;
	int shown;
	double t0;
};

static void snpu_ml_bar_init(struct snpu_ml_bar *b, const char *label,
			     int quiet)
{
	b->label = label;
	b->quiet = quiet;
	b->tty = isatty(STDERR_FILENO);
	b->shown = -1;
	b->t0 = snpu_cli_now();
}

static void snpu_ml_bar_show(struct snpu_ml_bar *b, uint64_t done,
			     uint64_t total, const char *extra)
{
	int pct = total ? (int)(100 * done / total) : 100;
	double t = snpu_cli_now() - b->t0;
	char bar[31];
	int fill = pct * 30 / 100;

	if (b->quiet || pct == b->shown || (!b->tty && pct % 10 &&
					    done != total))
		return;
	b->shown = pct;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(30 - fill));
	bar[30] = 0;
	fprintf(stderr, "%s%-14s [%s] %3d%% %6.1fs %s%s", b->tty ? "\r" : "",
		b->label, bar, pct, t, extra ? extra : "",
		b->tty && done != total ? "" : "\n");
	fflush(stderr);
}

static void snpu_ml_train_progress(void *data, uint32_t epoch, uint64_t step,
				   uint64_t total, float loss)
{
	char extra[64];

	snprintf(extra, sizeof(extra), "epoch %u loss %.4f", epoch + 1, loss);
	snpu_ml_bar_show(data, step, total, extra);
}

/* ---- shared helpers ------------------------------------------------------ */

static int snpu_ml_load_split(const char *dir, bool train,
			      struct snpu_dataset *ds, uint32_t limit)
{
	char err[512];
	int ret = snpu_dataset_load_fmnist(dir, train, ds, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "snpu: %s\n%s", err,
			ret == -ENOENT ?
			"Install Debian's dataset-fashion-mnist (make deps) or pass --data DIR.\n" :
			"");
		return SNPU_EXIT_INPUT;
	}
	if (limit && limit < ds->n)
		ds->n = limit;
	return 0;
}

static int snpu_ml_import(const char *path, struct snpu_graph **g)
{
	char err[512];
	int ret = snpu_onnx_import_file(path, g, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "snpu: %s: %s\n", path, err);
		return ret == -ENOMEM ? SNPU_EXIT_FAIL : SNPU_EXIT_INPUT;
	}
	return 0;
}

/* Fashion-MNIST pixels / 255 quantize exactly as q = pixel - 128. */
static void snpu_ml_quant_opts(const struct snpu_ml_args *m,
			       struct snpu_quant_opts *q)
{
	memset(q, 0, sizeof(*q));
	q->calib = !strcmp(m->calib_method ? m->calib_method : "minmax",
			   "percentile") ? SNPU_QUANT_CALIB_PERCENTILE :
		   SNPU_QUANT_CALIB_MINMAX;
	q->percentile = m->percentile;
	q->fix_input = true;
	q->input_scale = 1.0f / 255.0f;
	q->input_zero_point = -128;
}

/*
 * --encoding other than auto: that encoding for every pruned layer, with
 * the layer's own N:M pattern or block shape (2:4 and 1x4 otherwise);
 * layers left dense stay AUTO. NULL for auto (or on allocation failure,
 * reported as -ENOMEM through @ret).
 */
static struct snpu_quant_layer_opts *
snpu_ml_encodings(const struct snpu_ml_args *m,
		  const struct snpu_prune_spec *specs, int n, int *ret)
{
	struct snpu_quant_layer_opts *l;
	uint32_t enc = SNPU_QUANT_ENC_AUTO;

	*ret = 0;
	for (uint32_t i = 0; i < SNPU_ENC_COUNT; i++)
		if (!strcmp(m->encoding, snpu_enc_name(i)))
			enc = i;
	if (enc == SNPU_QUANT_ENC_AUTO)
		return NULL;
	l = calloc((size_t)n, sizeof(*l));
	if (!l) {
		*ret = -ENOMEM;
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		l[i].encoding = specs[i].skip ? SNPU_QUANT_ENC_AUTO : enc;
		if (enc == SNPU_ENC_NM)
			l[i].variant = specs[i].gran == SNPU_GRAN_NM ?
				       specs[i].variant : SNPU_NM_2_4;
		else if (enc == SNPU_ENC_BLOCK)
			l[i].variant = specs[i].gran == SNPU_GRAN_BLOCK ?
				       specs[i].variant : SNPU_BLOCK_1X4;
	}
	return l;
}

/*
 * Quantize and pack @g (canonical, shapes inferred) and measure the int8
 * accuracy on @test. *@q and *@blob are the caller's on success.
 */
static int snpu_ml_int8(const struct snpu_graph *g,
			const struct snpu_quant_opts *qo,
			const struct snpu_dataset *calib,
			const struct snpu_dataset *test,
			struct snpu_qmodel **q, void **blob, size_t *size,
			struct snpu_pack_stats *st, double *acc)
{
	char err[512];
	int ret;

	*q = NULL;
	*blob = NULL;
	ret = snpu_quantize(g, qo, calib->x, calib->n, q, err, sizeof(err));
	if (!ret)
		ret = snpu_qmodel_pack(*q, blob, size, st, err, sizeof(err));
	if (!ret)
		ret = snpu_int8_evaluate(*blob, *size, test->x, test->y,
					 test->n, acc, NULL, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "snpu: int8: %s\n", err);
		snpu_qmodel_free(*q);
		free(*blob);
		*q = NULL;
		*blob = NULL;
	}
	return ret;
}

/* Images whose batch-1 cycles are averaged for the report. */
#define SNPU_ML_CYCLE_IMAGES	100
/* Calibration images the zero statistics of a prediction come from. */
#define SNPU_ML_STATS_IMAGES	512

/*
 * Cycles per inference of a packed model on @plat: the engine with the
 * platform's cost table (the one the device counts with), one image per
 * job as an application classifying a stream would run it, averaged over
 * the first test images (zero-activation skipping makes it data
 * dependent). @layers, if not NULL, receives the same per layer
 * (SNPU_MODEL_MAX_LAYERS entries). A model the platform cannot run is an
 * error.
 */
static int snpu_ml_cycles(const struct snpu_qmodel *q, const void *blob,
			  size_t size, const struct snpu_platform *plat,
			  const struct snpu_dataset *test, double *cycles,
			  double *layers)
{
	const struct snpu_pack_tensor *in = snpu_qmodel_input(q);
	const struct snpu_pack_tensor *o = snpu_qmodel_output(q);
	uint32_t n = test->n < SNPU_ML_CYCLE_IMAGES ? test->n :
		     SNPU_ML_CYCLE_IMAGES;
	size_t in_bytes = (size_t)in->h * in->w * in->c;
	size_t sample = (size_t)test->c * test->h * test->w;
	struct snpu_counters lc[SNPU_MODEL_MAX_LAYERS];
	double sum[SNPU_MODEL_MAX_LAYERS] = { 0 };
	struct snpu_int8_runner *run = NULL;
	int8_t *x = malloc(in_bytes), *y = malloc((size_t)o->h * o->w * o->c);
	char err[512] = "out of memory";
	uint32_t nl = 0, l;
	int ret = -ENOMEM;

	if (x && y)
		ret = snpu_int8_runner_new(blob, size, plat, &run, err,
					   sizeof(err));
	if (!ret)
		nl = snpu_int8_runner_view(run)->n_layers;
	for (uint32_t i = 0; !ret && i < n; i++) {
		snpu_qmodel_quantize_input(q, test->x + i * sample, 1, x);
		ret = snpu_int8_runner_profile(run, x, y, 1, lc, nl, err,
					       sizeof(err));
		for (l = 0; !ret && l < nl; l++)
			sum[l] += (double)lc[l].cycles;
	}
	if (ret)
		fprintf(stderr, "snpu prune: on %s: %s\n", plat->name, err);
	*cycles = 0;
	for (l = 0; l < nl; l++) {
		*cycles += n ? sum[l] / n : 0;
		if (layers)
			layers[l] = n ? sum[l] / n : 0;
	}
	snpu_int8_runner_free(run);
	free(x);
	free(y);
	return ret;
}

/*
 * The packed model layer by layer on the target: cycles the cost model
 * predicts without running anything (zero statistics from calibration
 * images) next to what the engine counts on the test images.
 */
static int snpu_ml_layer_cycles(const struct snpu_qmodel *q, const void *blob,
				size_t size, const struct snpu_platform *plat,
				const struct snpu_dataset *calib,
				const struct snpu_dataset *test,
				struct snpu_report *r)
{
	struct snpu_counters pred[SNPU_MODEL_MAX_LAYERS];
	double meas[SNPU_MODEL_MAX_LAYERS];
	struct snpu_model_view *v = malloc(sizeof(*v));
	struct snpu_act_stats st;
	char err[512] = "out of memory";
	int ret = v ? 0 : -ENOMEM;

	if (!ret)
		ret = snpu_act_stats_collect(q, blob, size, calib,
					     SNPU_ML_STATS_IMAGES, &st, err,
					     sizeof(err));
	if (!ret) {
		ret = snpu_plan_predict(q, blob, size, plat, &st, 1, pred,
					SNPU_MODEL_MAX_LAYERS, err,
					sizeof(err));
		snpu_act_stats_free(&st);
	}
	if (ret)
		fprintf(stderr, "snpu prune: predicting cycles on %s: %s\n",
			plat->name, err);
	if (!ret)
		ret = snpu_ml_cycles(q, blob, size, plat, test,
				     &r->pruned_cycles, meas);
	if (!ret && snpu_model_parse(blob, size, plat, v))
		ret = -EINVAL;
	r->predicted_cycles = 0;
	for (uint32_t i = 0; !ret && i < v->n_layers; i++) {
		const struct snpu_layer_view *l = &v->layers[i];
		struct snpu_report_cycles c = {
			.predicted = (double)pred[i].cycles,
			.measured = meas[i],
		};

		snprintf(c.op, sizeof(c.op), "%s", snpu_op_name(l->op));
		snpu_encoding_label(snpu_model_op_has_weights(l->op) ?
				    l->encoding : SNPU_ENC_DENSE, l->variant,
				    c.encoding, sizeof(c.encoding));
		r->predicted_cycles += c.predicted;
		ret = snpu_report_add_cycles(r, &c);
	}
	free(v);
	return ret;
}

static int snpu_ml_fp32_accuracy(const struct snpu_graph *g,
				 const struct snpu_dataset *test, double *acc)
{
	char err[512];
	int ret = snpu_evaluate(g, test, SNPU_ML_EVAL_BATCH, acc, NULL, err,
				sizeof(err));

	if (ret)
		fprintf(stderr, "snpu: evaluate: %s\n", err);
	return ret;
}

/* ---- snpu train ---------------------------------------------------------- */

int snpu_cmd_train(const struct snpu_args *a)
{
	const struct snpu_ml_args *m = &a->ml;
	enum snpu_arch arch = !strcmp(m->arch, "cnn") ? SNPU_ARCH_CNN :
			      SNPU_ARCH_LENET300;
	struct snpu_dataset train, test;
	struct snpu_train_opts o;
	struct snpu_graph *g;
	struct snpu_ml_bar bar;
	char err[512];
	double acc, t0 = snpu_cli_now();
	int ret;

	ret = snpu_ml_load_split(m->data, true, &train, 0);
	if (ret)
		return ret;
	ret = snpu_ml_load_split(m->data, false, &test, 0);
	if (ret) {
		snpu_dataset_free(&train);
		return ret;
	}
	g = snpu_build_model(arch, m->seed);
	if (!g) {
		fprintf(stderr, "snpu train: out of memory\n");
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	snpu_train_opts_default(&o, arch);
	o.seed = m->seed;
	if (m->epochs)
		o.epochs = m->epochs;
	if (m->batch)
		o.batch = m->batch;
	if (m->optimizer)
		o.opt = !strcmp(m->optimizer, "sgd") ? SNPU_OPT_SGD :
			SNPU_OPT_ADAM;
	if (m->lr)
		o.lr = m->lr;
	else if (m->optimizer && o.opt == SNPU_OPT_SGD)
		o.lr = 0.05f;
	if (o.opt == SNPU_OPT_SGD && !o.momentum)
		o.momentum = 0.9f;
	snpu_ml_bar_init(&bar, "train", m->quiet);
	o.progress = snpu_ml_train_progress;
	o.progress_data = &bar;
	ret = snpu_train(g, &train, &o, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "snpu train: %s\n", err);
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	if (snpu_ml_fp32_accuracy(g, &test, &acc)) {
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	ret = snpu_onnx_export_file(g, a->output, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "snpu train: %s\n", err);
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	printf("%s: %u epochs (%s, lr %g, batch %u, seed %u) in %.1f s; test accuracy %.2f %% on %u images; wrote %s\n",
	       m->arch, o.epochs, o.opt == SNPU_OPT_SGD ? "sgd" : "adam",
	       o.lr, o.batch, m->seed, snpu_cli_now() - t0, 100 * acc,
	       test.n, a->output);
	ret = SNPU_EXIT_OK;
out:
	snpu_graph_free(g);
	snpu_dataset_free(&train);
	snpu_dataset_free(&test);
	return ret;
}

/* ---- snpu prune ---------------------------------------------------------- */

static const struct {
	const char *name;
	enum snpu_granularity gran;
	uint32_t variant;
} snpu_ml_patterns[] = {
	{ "unstructured", SNPU_GRAN_UNSTRUCTURED, 0 },
	{ "2:4", SNPU_GRAN_NM, SNPU_NM_2_4 },
	{ "1:4", SNPU_GRAN_NM, SNPU_NM_1_4 },
	{ "2:8", SNPU_GRAN_NM, SNPU_NM_2_8 },
	{ "1x4", SNPU_GRAN_BLOCK, SNPU_BLOCK_1X4 },
	{ "4x4", SNPU_GRAN_BLOCK, SNPU_BLOCK_4X4 },
	{ "1x16", SNPU_GRAN_BLOCK, SNPU_BLOCK_1X16 },
	{ "channel", SNPU_GRAN_CHANNEL, 0 },
};

static const struct {
	const char *name;
	enum snpu_criterion crit;
} snpu_ml_criteria[] = {
	{ "l1", SNPU_CRIT_L1 },
	{ "magnitude", SNPU_CRIT_L1 },
	{ "l2", SNPU_CRIT_L2 },
	{ "grad", SNPU_CRIT_GRAD },
	{ "taylor", SNPU_CRIT_TAYLOR },
	{ "entropy", SNPU_CRIT_ENTROPY },
	{ "wanda", SNPU_CRIT_WANDA },
	{ "sparsegpt", SNPU_CRIT_SPARSEGPT },
};

static int snpu_ml_pattern(const char *name, struct snpu_prune_spec *s)
{
	for (size_t i = 0; i < SNPU_ML_ARRAY_SIZE(snpu_ml_patterns); i++) {
		if (!strcmp(snpu_ml_patterns[i].name, name)) {
			s->gran = snpu_ml_patterns[i].gran;
			s->variant = snpu_ml_patterns[i].variant;
			return 0;
		}
	}
	return -EINVAL;
}

static enum snpu_criterion snpu_ml_criterion(const char *name)
{
	for (size_t i = 0; i < SNPU_ML_ARRAY_SIZE(snpu_ml_criteria); i++)
		if (!strcmp(snpu_ml_criteria[i].name, name))
			return snpu_ml_criteria[i].crit;
	return SNPU_CRIT_L1;
}

/*
 * Per-layer specs from --sparsity, --pattern and the --layer NAME=S[:P]
 * overrides (NAME: the node or its weight tensor).
 */
static int snpu_ml_specs(const struct snpu_ml_args *m,
			 const struct snpu_graph *g,
			 const struct snpu_wview *v, int n,
			 struct snpu_prune_spec *specs)
{
	struct snpu_prune_spec dflt = { .sparsity = m->sparsity };
	unsigned int i;

	snpu_ml_pattern(m->pattern, &dflt);
	for (int j = 0; j < n; j++)
		specs[j] = dflt;
	/*
	 * The last layer's output channels are the model's outputs (the
	 * classes): --pattern channel leaves them alone unless a --layer
	 * names that layer.
	 */
	if (dflt.gran == SNPU_GRAN_CHANNEL && n)
		specs[n - 1].skip = true;
	for (i = 0; i < m->n_layers; i++) {
		const char *s = m->layers[i], *eq = strchr(s, '=');
		size_t len = (size_t)(eq - s);
		int found = 0;

		for (int j = 0; j < n; j++) {
			const char *node = g->nodes[v[j].node].name;
			const char *w = g->tensors[v[j].weight].name;
			char *colon;

			if ((strlen(node) != len || strncmp(node, s, len)) &&
			    (strlen(w) != len || strncmp(w, s, len)))
				continue;
			found = 1;
			specs[j].sparsity = strtof(eq + 1, &colon);
			specs[j].skip = specs[j].sparsity == 0;
			if (*colon == ':')
				snpu_ml_pattern(colon + 1, &specs[j]);
		}
		if (!found) {
			fprintf(stderr, "snpu prune: --layer %s: no weighted layer is called '%.*s'; the layers are:",
				s, (int)len, s);
			for (int j = 0; j < n; j++)
				fprintf(stderr, " %s", g->nodes[v[j].node].name);
			fputc('\n', stderr);
			return SNPU_EXIT_USAGE;
		}
	}
	return 0;
}

/**
 * struct snpu_ml_prune - one prune run's inputs
 * @m: options.
 * @train: training set (fine-tuning, calibration).
 * @calib: the first --calib training images.
 * @test: test set.
 * @opts: pruning options (specs point at @specs).
 * @specs: per-layer specs.
 * @qo: quantization options.
 * @fw: the --target firmware image's contents.
 * @plat: &fw.platform with --target, else NULL.
 */
struct snpu_ml_prune {
	const struct snpu_ml_args *m;
	struct snpu_dataset train, calib, test;
	struct snpu_prune_opts opts;
	struct snpu_prune_spec *specs;
	struct snpu_quant_opts qo;
	struct snpu_fw_info fw;
	const struct snpu_platform *plat;
	struct snpu_plan plan;
};

/* --target: the platform of a firmware image, and only its encodings. */
static int snpu_ml_target(struct snpu_ml_prune *p, const char *path)
{
	size_t size;
	void *image;
	int ret = snpu_npy_read_file(path, 1u << 20, &image, &size);

	if (ret) {
		fprintf(stderr, "snpu prune: --target %s: %s\n", path,
			strerror(-ret));
		return SNPU_EXIT_INPUT;
	}
	ret = snpu_fw_parse(image, size, &p->fw);
	free(image);
	if (ret) {
		fprintf(stderr, "snpu prune: --target %s: not a valid snpu firmware image: %s\n",
			path, snpu_fw_strerror(ret));
		return SNPU_EXIT_INPUT;
	}
	p->plat = &p->fw.platform;
	p->qo.allowed_encodings = p->plat->encodings;
	p->qo.allowed_nm = p->plat->nm_patterns;
	p->qo.allowed_blocks = p->plat->block_shapes;
	p->qo.plat = p->plat;
	return 0;
}

/* Prune @g in place as @p says (one shot or gradual). */
static int snpu_ml_prune_graph(const struct snpu_ml_prune *p,
			       const struct snpu_prune_opts *o,
			       struct snpu_graph *g, bool gradual, int quiet)
{
	struct snpu_ml_bar bar;
	char err[512];
	int ret;

	if (!gradual) {
		ret = snpu_prune_oneshot(g, o, p->calib.x, p->calib.y,
					 p->calib.n, NULL, err, sizeof(err));
	} else {
		struct snpu_train_opts t;
		struct snpu_prune_schedule s;
		uint64_t steps;

		snpu_train_opts_default(&t, SNPU_ARCH_LENET300);
		t.epochs = p->m->epochs;
		t.seed = p->m->seed;
		t.lr = p->m->lr ? p->m->lr : 5e-4f;
		t.weight_decay = 0;
		steps = (uint64_t)t.epochs * (p->train.n / t.batch);
		memset(&s, 0, sizeof(s));
		s.begin = 0;
		s.end = steps * 2 / 3;
		s.every = steps / 100 ? steps / 100 : 1;
		snpu_ml_bar_init(&bar, "fine-tune", quiet);
		t.progress = snpu_ml_train_progress;
		t.progress_data = &bar;
		ret = snpu_prune_gradual(g, o, &p->train, &t, &s, NULL,
					 err, sizeof(err));
	}
	if (ret)
		fprintf(stderr, "snpu prune: %s\n", err);
	return ret;
}

/*
 * One one-shot curve of the plot: int8 packed accuracy of criterion @crit
 * at each --sweep sparsity.
 */
static int snpu_ml_sweep_one(const struct snpu_ml_prune *p,
			     const struct snpu_graph *dense, const char *crit,
			     struct snpu_ml_bar *bar, uint32_t *done,
			     uint32_t total, struct snpu_report *r)
{
	const struct snpu_ml_args *m = p->m;
	struct snpu_prune_opts o = p->opts;
	char buf[256], *tok, *save = NULL, series[64];
	int ret = 0;

	o.criterion = snpu_ml_criterion(crit);
	snprintf(series, sizeof(series), "%s %s one-shot", crit, m->pattern);
	snprintf(buf, sizeof(buf), "%s", m->sweep);
	for (tok = strtok_r(buf, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		struct snpu_graph *g = snpu_graph_clone(dense);
		struct snpu_prune_spec *specs;
		struct snpu_qmodel *q = NULL;
		struct snpu_pack_stats st;
		float s = strtof(tok, NULL);
		void *blob = NULL;
		size_t size;
		double acc;

		specs = malloc((o.n_specs ? o.n_specs : 1) * sizeof(*specs));
		if (!g || !specs) {
			free(specs);
			snpu_graph_free(g);
			return -ENOMEM;
		}
		for (uint32_t i = 0; i < o.n_specs; i++) {
			specs[i] = p->specs[i];
			if (!specs[i].skip)
				specs[i].sparsity = s;
		}
		o.specs = specs;
		o.global_sparsity = s;
		ret = snpu_ml_prune_graph(p, &o, g, false, 1);
		if (!ret)
			ret = snpu_ml_int8(g, &p->qo, &p->calib, &p->test, &q,
					   &blob, &size, &st, &acc);
		if (!ret)
			ret = snpu_report_add_point(r, series, s, acc);
		snpu_qmodel_free(q);
		free(blob);
		free(specs);
		snpu_graph_free(g);
		snpu_ml_bar_show(bar, ++*done, total, crit);
	}
	return ret;
}

/* The one-shot curves of the plot, one per --sweep-criteria entry. */
static int snpu_ml_sweep(const struct snpu_ml_prune *p,
			 const struct snpu_graph *dense,
			 struct snpu_report *r)
{
	const struct snpu_ml_args *m = p->m;
	const char *crits = m->sweep_criteria ? m->sweep_criteria :
			    m->criterion;
	char buf[256], *tok, *save = NULL;
	uint32_t points = 1, n = 1, done = 0;
	struct snpu_ml_bar bar;
	int ret = 0;

	for (const char *c = m->sweep; *c; c++)
		points += *c == ',';
	for (const char *c = crits; *c; c++)
		n += *c == ',';
	snpu_ml_bar_init(&bar, "sweep", m->quiet);
	snprintf(buf, sizeof(buf), "%s", crits);
	for (tok = strtok_r(buf, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save))
		ret = snpu_ml_sweep_one(p, dense, tok, &bar, &done,
					points * n, r);
	return ret;
}

/* Per-layer rows of the report from the quantized model. */
static int snpu_ml_report_layers(struct snpu_report *r,
				 const struct snpu_qmodel *q,
				 const struct snpu_wview *dense, int n_dense,
				 const char *encoding,
				 const struct snpu_plan *plan)
{
	uint32_t n = snpu_qmodel_layer_count(q);

	for (uint32_t i = 0; i < n; i++) {
		const struct snpu_qlayer_info *l = snpu_qmodel_layer(q, i);
		struct snpu_report_layer rl;
		int ret;

		memset(&rl, 0, sizeof(rl));
		snprintf(rl.name, sizeof(rl.name), "%s", l->name);
		snprintf(rl.op, sizeof(rl.op), "%s",
			 l->op == SNPU_OP_FC ? "fc" : "conv2d");
		rl.rows = l->rows;
		rl.k = l->k;
		/* sparsity counts removed channels too: against the model as given */
		rl.weights = (int)i < n_dense ?
			     (uint64_t)dense[i].rows * dense[i].k :
			     (uint64_t)l->rows * l->k;
		rl.nonzero = l->nnz;
		snpu_encoding_label(l->encoding, l->variant, rl.encoding,
				    sizeof(rl.encoding));
		if (plan && i < plan->n_layers)
			snprintf(rl.why, sizeof(rl.why), "%s",
				 plan->layers[i].why);
		else if (l->automatic && r->target[0])
			snprintf(rl.why, sizeof(rl.why),
				 "fewest cycles on %s of the %u encodings its zero pattern admits",
				 r->target, l->candidates);
		else if (l->automatic)
			snprintf(rl.why, sizeof(rl.why),
				 "fewest bytes of the %u encodings its zero pattern admits",
				 l->candidates);
		else
			snprintf(rl.why, sizeof(rl.why),
				 "asked for with --encoding %s", encoding);
		/* fp32 bytes of the layer as it was before pruning */
		if ((int)i < n_dense)
			rl.fp32_bytes = 4ull * ((uint64_t)dense[i].rows *
						dense[i].k + dense[i].rows);
		rl.value_bytes = l->values;
		rl.index_bytes = l->index;
		rl.param_bytes = l->params;
		ret = snpu_report_add_layer(r, &rl);
		if (ret)
			return ret;
	}
	return 0;
}

static int snpu_ml_write(const char *path, const char *what,
			 int (*fn)(const struct snpu_report *, FILE *),
			 const struct snpu_report *r)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f) {
		fprintf(stderr, "snpu prune: cannot write %s %s: %s\n", what,
			path, strerror(errno));
		return -errno;
	}
	ret = fn(r, f);
	if (fclose(f) || ret) {
		fprintf(stderr, "snpu prune: error writing %s\n", path);
		return -EIO;
	}
	return 0;
}

static int snpu_ml_write_svg(const struct snpu_report *r, FILE *f)
{
	return snpu_report_write_svg(r, "Fashion-MNIST top-1 accuracy (int8, packed) against weight sparsity",
				     f);
}

/*
 * --test-input / --ref-output: the quantized test images, and the outputs
 * of the independent int8 reference (tests/ref/snpu_ref.c, written from
 * the spec) for them: what the device must reproduce byte for byte.
 */
static int snpu_ml_write_test_io(const struct snpu_ml_args *m,
				 const struct snpu_qmodel *q,
				 const struct snpu_dataset *test)
{
	const struct snpu_pack_tensor *in = snpu_qmodel_input(q);
	const struct snpu_pack_model *pm = snpu_qmodel_pack_model(q);
	uint32_t in_bytes = in->h * in->w * in->c;
	uint32_t out_bytes = snpu_ref_output_elems(pm);
	int8_t *x = malloc((size_t)test->n * in_bytes);
	int8_t *y = malloc((size_t)test->n * out_bytes);
	uint64_t shape[4] = { test->n, in->h, in->w, in->c };
	uint64_t oshape[2] = { test->n, out_bytes };
	int ret = -ENOMEM;

	if (!x || !y)
		goto out;
	snpu_qmodel_quantize_input(q, test->x, test->n, x);
	ret = snpu_npy_save(m->test_input, SNPU_NPY_I1, 4, shape, x);
	if (ret) {
		fprintf(stderr, "snpu prune: cannot write %s: %s\n",
			m->test_input, strerror(-ret));
		goto out;
	}
	if (!m->ref_output)
		goto out;
	if (snpu_ref_run(pm, x, y, test->n)) {
		fprintf(stderr, "snpu prune: the int8 reference cannot run this model\n");
		ret = -EINVAL;
		goto out;
	}
	ret = snpu_npy_save(m->ref_output, SNPU_NPY_I1, 2, oshape, y);
	if (ret)
		fprintf(stderr, "snpu prune: cannot write %s: %s\n",
			m->ref_output, strerror(-ret));
out:
	if (ret == -ENOMEM)
		fprintf(stderr, "snpu prune: out of memory\n");
	free(x);
	free(y);
	return ret;
}

/*
 * Shapes were inferred for one sample; the exported model takes any batch
 * again: the leading extent of every value becomes symbolic.
 */
static int snpu_ml_export(struct snpu_graph *g, const char *path)
{
	char err[512];
	int ret;

	for (uint32_t i = 0; i < g->n_tensors; i++) {
		struct snpu_gtensor *t = &g->tensors[i];

		if (!t->data && !t->i64 && t->ndim)
			t->dims[0] = -1;
	}
	ret = snpu_onnx_export_file(g, path, err, sizeof(err));
	if (ret)
		fprintf(stderr, "snpu prune: %s\n", err);
	return ret;
}

static bool snpu_ml_has_budget(const struct snpu_ml_args *m)
{
	return m->latency_cycles || m->latency_us > 0 || m->size_budget ||
	       m->max_drop >= 0;
}

static void snpu_ml_plan_progress(void *data, uint32_t done, uint32_t total)
{
	snpu_ml_bar_show(data, done, total, "sensitivity");
}

static void snpu_ml_plan_print(const struct snpu_plan *plan, FILE *f)
{
	fprintf(f, "\n%-12s %-14s %10s %10s %8s  %s\n", "layer", "plan",
		"dense cyc", "plan cyc", "est.drop", "why");
	for (uint32_t i = 0; i < plan->n_layers; i++) {
		const struct snpu_plan_layer *l = &plan->layers[i];
		const struct snpu_plan_cand *c = &l->cand[l->chosen];
		char enc[32], what[48];

		snpu_encoding_label(c->encoding, c->variant, enc, sizeof(enc));
		if (c->encoding == SNPU_ENC_CSR || c->encoding == SNPU_ENC_BLOCK)
			snprintf(what, sizeof(what), "%s %.0f%%", enc,
				 100.0 * c->spec.sparsity);
		else
			snprintf(what, sizeof(what), "%s", enc);
		fprintf(f, "%-12.12s %-14s %10llu %10llu %8.2f  %s\n", l->name,
			what, (unsigned long long)l->cand[0].cycles,
			(unsigned long long)c->cycles, c->drop, l->why);
	}
	fprintf(f, "plan: %s\n\n", plan->verdict);
}

/*
 * Budgets: plan every layer's encoding and sparsity on the target, on
 * the last --val training images (never the test set). Sets the specs
 * and *@encs; SNPU_EXIT_BUDGET when the budgets cannot be met.
 */
static int snpu_ml_plan(struct snpu_ml_prune *p, const struct snpu_graph *g,
			int n_views, struct snpu_quant_layer_opts **encs,
			struct snpu_report *r)
{
	const struct snpu_ml_args *m = p->m;
	struct snpu_plan_opts po = { 0 };
	struct snpu_dataset val;
	struct snpu_ml_bar bar;
	uint32_t nval = m->val < p->train.n ? m->val : p->train.n;
	char err[512];
	int ret;

	snpu_dataset_slice(&p->train, p->train.n - nval, nval, &val);
	po.plat = p->plat;
	po.qo = &p->qo;
	po.calib = &p->calib;
	po.val = &val;
	po.criterion = p->opts.criterion;
	po.latency_budget = m->latency_cycles ? m->latency_cycles :
			    (uint64_t)llround(m->latency_us *
					      p->plat->clock_khz / 1e3);
	po.size_budget = m->size_budget;
	po.max_drop = m->max_drop;
	snpu_ml_bar_init(&bar, "plan", m->quiet);
	po.progress = snpu_ml_plan_progress;
	po.progress_data = &bar;
	ret = snpu_plan_make(g, &po, &p->plan, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "snpu prune: plan: %s\n", err);
		return SNPU_EXIT_FAIL;
	}
	snpu_ml_plan_print(&p->plan, stdout);
	snprintf(r->plan, sizeof(r->plan), "%s", p->plan.verdict);
	r->latency_budget = po.latency_budget;
	r->size_budget = po.size_budget;
	r->max_drop = po.max_drop;
	r->plan_drop = p->plan.drop;
	if (!p->plan.feasible) {
		fprintf(stderr, "snpu prune: %s\n", p->plan.verdict);
		return SNPU_EXIT_BUDGET;
	}
	*encs = calloc((size_t)n_views, sizeof(**encs));
	if (!*encs)
		return SNPU_EXIT_FAIL;
	snpu_plan_apply(&p->plan, p->specs, *encs);
	return 0;
}

static int snpu_ml_check_combination(const struct snpu_ml_args *m,
				     const struct snpu_prune_opts *o,
				     bool gradual)
{
	const char *why = NULL;

	if (gradual && o->criterion != SNPU_CRIT_L1 &&
	    o->criterion != SNPU_CRIT_L2)
		why = "--schedule gradual recomputes masks from magnitude: use --criterion l1 or l2";
	else if (gradual && o->dflt.gran == SNPU_GRAN_CHANNEL)
		why = "--schedule gradual cannot remove channels (shapes cannot change while training): use --schedule oneshot";
	else if (o->criterion == SNPU_CRIT_ENTROPY &&
		 o->dflt.gran != SNPU_GRAN_CHANNEL)
		why = "--criterion entropy scores channels: use --pattern channel";
	else if (o->criterion == SNPU_CRIT_SPARSEGPT &&
		 (o->dflt.gran == SNPU_GRAN_CHANNEL ||
		  o->scope == SNPU_SCOPE_GLOBAL))
		why = "--criterion sparsegpt works layer by layer on weights: use --scope layer and a weight pattern";
	else if (o->scope == SNPU_SCOPE_GLOBAL &&
		 o->dflt.gran != SNPU_GRAN_UNSTRUCTURED)
		why = "--scope global needs --pattern unstructured";
	if (why)
		fprintf(stderr, "snpu prune: %s\n", why);
	return why ? SNPU_EXIT_USAGE : 0;
}

int snpu_cmd_prune(const struct snpu_args *a)
{
	const struct snpu_ml_args *m = &a->ml;
	bool gradual = !strcmp(m->schedule, "gradual");
	struct snpu_ml_prune p = { .m = m };
	struct snpu_graph *g = NULL, *dense = NULL;
	struct snpu_wview *views = NULL;
	struct snpu_quant_layer_opts *encs = NULL;
	struct snpu_quant_opts qo;
	struct snpu_qmodel *q = NULL;
	struct snpu_pack_stats st;
	struct snpu_report r;
	void *blob = NULL;
	size_t size = 0;
	char err[512];
	double t0 = snpu_cli_now(), acc;
	int n_views = 0, ret;

	snpu_report_init(&r);
	snprintf(r.model, sizeof(r.model), "%s", a->model);
	ret = snpu_ml_import(a->model, &g);
	if (ret)
		return ret;
	ret = snpu_ml_load_split(m->data, true, &p.train, 0);
	if (!ret)
		ret = snpu_ml_load_split(m->data, false, &p.test, m->limit);
	if (ret)
		goto out;
	snpu_dataset_slice(&p.train, 0, m->calib < p.train.n ? m->calib :
			   p.train.n, &p.calib);

	if (snpu_graph_canon(g, err, sizeof(err)) ||
	    snpu_graph_infer_shapes(g, 1, err, sizeof(err))) {
		fprintf(stderr, "snpu prune: %s: %s\n", a->model, err);
		ret = SNPU_EXIT_INPUT;
		goto out;
	}
	n_views = snpu_graph_wviews(g, &views, err, sizeof(err));
	if (n_views <= 0) {
		fprintf(stderr, "snpu prune: %s: %s\n", a->model,
			n_views ? err : "no Conv or Gemm layer to prune");
		ret = SNPU_EXIT_INPUT;
		goto out;
	}
	p.specs = calloc((size_t)n_views, sizeof(*p.specs));
	if (!p.specs) {
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	ret = snpu_ml_specs(m, g, views, n_views, p.specs);
	if (ret)
		goto out;
	p.opts.criterion = snpu_ml_criterion(m->criterion);
	p.opts.scope = !strcmp(m->scope, "global") ? SNPU_SCOPE_GLOBAL :
		       SNPU_SCOPE_LAYER;
	p.opts.normalize = p.opts.scope == SNPU_SCOPE_GLOBAL;
	p.opts.global_sparsity = m->sparsity;
	p.opts.csr_fill = m->csr_fill;
	p.opts.dflt = p.specs[0];
	snpu_ml_pattern(m->pattern, &p.opts.dflt);
	p.opts.dflt.sparsity = m->sparsity;
	p.opts.n_specs = (uint32_t)n_views;
	p.opts.specs = p.specs;
	ret = snpu_ml_check_combination(m, &p.opts, gradual);
	if (ret)
		goto out;
	snpu_ml_quant_opts(m, &p.qo);
	if (m->target) {
		ret = snpu_ml_target(&p, m->target);
		if (ret)
			goto out;
		snprintf(r.target, sizeof(r.target), "%s", p.plat->name);
	}
	qo = p.qo;
	if (snpu_ml_has_budget(m)) {
		ret = snpu_ml_plan(&p, g, n_views, &encs, &r);
		if (ret)
			goto out;
	} else {
		encs = snpu_ml_encodings(m, p.specs, n_views, &ret);
		if (ret) {
			ret = SNPU_EXIT_FAIL;
			goto out;
		}
	}
	qo.layers = encs;
	qo.n_layers = encs ? (uint32_t)n_views : 0;
	snprintf(r.method, sizeof(r.method),
		 "%s, %s%s, %s scope, %s%s, sparsity %.2f, %s calibration on %u images",
		 m->criterion, m->pattern, m->csr_fill ? " + CSR fillers" : "",
		 m->scope, m->schedule,
		 gradual ? " (masked fine-tuning)" : "", m->sparsity,
		 m->calib_method, p.calib.n);
	r.test_images = p.test.n;

	/* The baseline: the model as given, fp32 and int8. */
	ret = snpu_ml_fp32_accuracy(g, &p.test, &r.dense_fp32_accuracy);
	if (!ret)
		ret = snpu_ml_int8(g, &p.qo, &p.calib, &p.test, &q, &blob,
				   &size, &st, &r.int8_accuracy);
	if (!ret && p.plat)
		ret = snpu_ml_cycles(q, blob, size, p.plat, &p.test,
				     &r.dense_cycles, NULL);
	snpu_qmodel_free(q);
	free(blob);
	q = NULL;
	blob = NULL;
	if (ret) {
		ret = SNPU_EXIT_INPUT;
		goto out;
	}
	dense = snpu_graph_clone(g);
	if (!dense) {
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	if (m->sweep && p.opts.dflt.gran != SNPU_GRAN_NM) {
		ret = snpu_ml_sweep(&p, dense, &r);
		if (ret) {
			ret = SNPU_EXIT_FAIL;
			goto out;
		}
	}

	/* This run. */
	if (snpu_ml_prune_graph(&p, &p.opts, g, gradual, m->quiet)) {
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	ret = snpu_ml_fp32_accuracy(g, &p.test, &r.pruned_fp32_accuracy);
	if (!ret)
		ret = snpu_ml_int8(g, &qo, &p.calib, &p.test, &q, &blob,
				   &size, &st, &acc);
	if (ret) {
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	r.pruned_int8_accuracy = acc;
	r.total_bytes = size;
	if (p.plat && snpu_ml_layer_cycles(q, blob, size, p.plat, &p.calib,
					   &p.test, &r)) {
		ret = SNPU_EXIT_INPUT;
		goto out;
	}
	ret = snpu_ml_report_layers(&r, q, views, n_views, m->encoding,
				    p.plan.n_layers ? &p.plan : NULL);
	if (!ret) {
		struct snpu_report_totals t;

		snpu_report_totals(&r, &t);
		ret = snpu_report_add_point(&r, "this run (int8, packed)",
					    t.sparsity, acc);
	}
	if (ret) {
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	ret = snpu_npy_write_file(a->output, blob, size);
	if (ret) {
		fprintf(stderr, "snpu prune: cannot write %s: %s\n", a->output,
			strerror(-ret));
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	if (m->test_input && snpu_ml_write_test_io(m, q, &p.test)) {
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	r.seconds = snpu_cli_now() - t0;
	if ((m->report && snpu_ml_write(m->report, "report",
					snpu_report_write_json, &r)) ||
	    (m->plot && snpu_ml_write(m->plot, "plot", snpu_ml_write_svg,
				      &r))) {
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	/* last: it makes the graph's shapes symbolic again */
	if (m->export_onnx && snpu_ml_export(g, m->export_onnx)) {
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	snpu_report_print(&r, stdout);
	printf("wrote %s (%zu bytes)\n", a->output, size);
	ret = SNPU_EXIT_OK;
out:
	snpu_report_release(&r);
	snpu_qmodel_free(q);
	free(blob);
	free(p.specs);
	free(encs);
	snpu_plan_free(&p.plan);
	snpu_wviews_free(views, n_views > 0 ? n_views : 0);
	snpu_graph_free(dense);
	snpu_graph_free(g);
	snpu_dataset_free(&p.train);
	snpu_dataset_free(&p.test);
	return ret;
}

/* ---- snpu eval ----------------------------------------------------------- */

/* Load an int8 .npy of @n samples of @bytes each. */
static int snpu_ml_load_outputs(const char *path, uint32_t n, uint32_t bytes,
				void **buf, const int8_t **data)
{
	struct snpu_npy_array arr;
	size_t size;
	int ret = snpu_npy_read_file(path, 1u << 30, buf, &size);

	if (ret) {
		fprintf(stderr, "snpu eval: %s: %s\n", path, strerror(-ret));
		return SNPU_EXIT_INPUT;
	}
	ret = snpu_npy_parse(*buf, size, &arr);
	if (ret) {
		fprintf(stderr, "snpu eval: %s: %s\n", path,
			snpu_npy_strerror(ret));
		return SNPU_EXIT_INPUT;
	}
	if (arr.dtype != SNPU_NPY_I1 || arr.ndim < 1 || arr.shape[0] < n ||
	    arr.count != arr.shape[0] * bytes) {
		fprintf(stderr, "snpu eval: %s: expected int8 outputs of at least %u samples of %u bytes\n",
			path, n, bytes);
		return SNPU_EXIT_INPUT;
	}
	*data = arr.data;
	return 0;
}

static uint32_t snpu_ml_argmax(const int8_t *v, uint32_t n)
{
	uint32_t best = 0;

	for (uint32_t i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

static int snpu_ml_eval_packed(const struct snpu_args *a,
			       const struct snpu_dataset *test,
			       double *acc, int64_t *matches)
{
	const struct snpu_ml_args *m = &a->ml;
	struct snpu_int8_runner *run = NULL;
	const struct snpu_pack_tensor *o;
	struct snpu_io_model model;
	void *obuf = NULL, *rbuf = NULL;
	const int8_t *out, *ref;
	uint32_t out_bytes, hits = 0;
	char err[512];
	int ret;

	ret = snpu_io_model_load(a->model, &model, stderr);
	if (ret)
		return ret;
	ret = snpu_int8_runner_new(model.blob, model.size, NULL, &run, err,
				   sizeof(err));
	if (ret) {
		fprintf(stderr, "snpu eval: %s: %s\n", a->model, err);
		ret = SNPU_EXIT_INPUT;
		goto out;
	}
	if (!m->outputs) {
		ret = snpu_int8_runner_evaluate(run, test->x, test->y, test->n,
						acc, NULL, err, sizeof(err));
		if (ret)
			fprintf(stderr, "snpu eval: %s\n", err);
		ret = ret ? SNPU_EXIT_FAIL : 0;
		goto out;
	}
	o = snpu_int8_runner_output(run);
	out_bytes = o->h * o->w * o->c;
	ret = snpu_ml_load_outputs(m->outputs, test->n, out_bytes, &obuf,
				   &out);
	if (!ret && m->reference)
		ret = snpu_ml_load_outputs(m->reference, test->n, out_bytes,
					   &rbuf, &ref);
	if (ret)
		goto out;
	for (uint32_t i = 0; i < test->n; i++)
		hits += snpu_ml_argmax(out + (size_t)i * out_bytes,
				       out_bytes) == test->y[i];
	*acc = (double)hits / test->n;
	if (m->reference) {
		*matches = 0;
		for (uint32_t i = 0; i < test->n; i++)
			*matches += !memcmp(out + (size_t)i * out_bytes,
					    ref + (size_t)i * out_bytes,
					    out_bytes);
	}
out:
	free(obuf);
	free(rbuf);
	snpu_int8_runner_free(run);
	snpu_io_model_free(&model);
	return ret;
}

int snpu_cmd_eval(const struct snpu_args *a)
{
	const struct snpu_ml_args *m = &a->ml;
	size_t len = strlen(a->model);
	bool onnx = len > 5 && !strcmp(a->model + len - 5, ".onnx");
	struct snpu_dataset test;
	struct snpu_graph *g = NULL;
	int64_t matches = -1;
	double acc = 0;
	int ret;

	if (onnx && m->outputs) {
		fprintf(stderr, "snpu eval: --outputs scores a packed .snpu model's outputs, not an ONNX model's\n");
		return SNPU_EXIT_USAGE;
	}
	ret = snpu_ml_load_split(m->data, false, &test, m->limit);
	if (ret)
		return ret;
	if (onnx) {
		ret = snpu_ml_import(a->model, &g);
		if (!ret && snpu_ml_fp32_accuracy(g, &test, &acc))
			ret = SNPU_EXIT_INPUT;
	} else {
		ret = snpu_ml_eval_packed(a, &test, &acc, &matches);
	}
	if (ret)
		goto out;
	if (a->json) {
		fputs("{\"model\": ", stdout);
		snpu_report_json_str(stdout, a->model);
		printf(", \"kind\": \"%s\", \"images\": %u, \"accuracy\": %.6f",
		       onnx ? "fp32" : m->outputs ? "int8 outputs" : "int8",
		       test.n, acc);
		if (matches >= 0)
			printf(", \"matches_reference\": %lld",
			       (long long)matches);
		puts("}");
	} else {
		printf("%s: top-1 accuracy %.2f %% on %u test images (%s)\n",
		       a->model, 100 * acc, test.n,
		       onnx ? "fp32 reference executor" :
		       m->outputs ? "given outputs" : "int8 engine on the host");
		if (matches >= 0)
			printf("outputs equal to the reference on %lld of %u images\n",
			       (long long)matches, test.n);
	}
	if (matches >= 0 && matches != test.n)
		ret = SNPU_EXIT_FAIL;
out:
	snpu_graph_free(g);
	snpu_dataset_free(&test);
	return ret;
}
