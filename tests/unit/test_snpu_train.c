// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests for the reference models, the loss, evaluation and training:
 * the builders' graphs have the documented structure and Kaiming-uniform
 * weights; softmax cross-entropy and its gradient agree with a double
 * computation; evaluation agrees with an argmax count over logits this
 * test computes itself (in double, from the weights); training on real
 * Fashion-MNIST samples lifts accuracy far above chance, is bit-for-bit
 * reproducible from its seed, holds masked weights at exactly 0 (also
 * masks a hook installs mid-run), honours the hook's stop and error
 * returns, and refuses bad options and data with a message.
 *
 * SNPU_FMNIST_DIR overrides the dataset folder.
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
#include "snpu_train.h"

#define ERR_SIZE	512

/* The real data, loaded once for the whole run. */
static struct snpu_dataset train_set, test_set;

static int load_sets(void **state)
{
	const char *d = getenv("SNPU_FMNIST_DIR");
	char err[ERR_SIZE];

	if (!d || !*d)
		d = "/usr/share/datasets/fashion-mnist";
	if (snpu_dataset_load_fmnist(d, true, &train_set, err, sizeof(err)) ||
	    snpu_dataset_load_fmnist(d, false, &test_set, err, sizeof(err))) {
		fprintf(stderr, "cannot load Fashion-MNIST: %s\n", err);
		return -1;
	}
	return 0;
}

static int free_sets(void **state)
{
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

static struct snpu_gtensor *tensor(struct snpu_graph *g, const char *name)
{
	uint32_t t = snpu_graph_find(g, name);

	if (t == SNPU_GRAPH_NONE)
		fail_msg("no tensor %s", name);
	return &g->tensors[t];
}

static size_t numel(const struct snpu_gtensor *t)
{
	int64_t n = snpu_gtensor_numel(t);

	assert_true(n > 0);
	return (size_t)n;
}

/* Every float constant of @g, in tensor order, into one array. */
static float *snapshot(const struct snpu_graph *g, size_t *len)
{
	size_t n = 0, off = 0;
	uint32_t i;
	float *buf;

	for (i = 0; i < g->n_tensors; i++)
		if (g->tensors[i].data)
			n += numel(&g->tensors[i]);
	buf = malloc(n * sizeof(*buf));
	assert_non_null(buf);
	for (i = 0; i < g->n_tensors; i++) {
		const struct snpu_gtensor *t = &g->tensors[i];

		if (!t->data)
			continue;
		memcpy(buf + off, t->data, numel(t) * sizeof(*buf));
		off += numel(t);
	}
	*len = n;
	return buf;
}

static struct snpu_train_opts sgd_opts(uint32_t epochs, uint32_t batch)
{
	struct snpu_train_opts o;

	memset(&o, 0, sizeof(o));
	o.epochs = epochs;
	o.batch = batch;
	o.opt = SNPU_OPT_SGD;
	o.lr = 0.05f;
	o.momentum = 0.9f;
	o.weight_decay = 1e-4f;
	o.seed = 7;
	return o;
}

static void train_ok(struct snpu_graph *g, const struct snpu_dataset *ds,
		     const struct snpu_train_opts *o)
{
	char err[ERR_SIZE] = "";
	int ret = snpu_train(g, ds, o, err, sizeof(err));

	if (ret)
		fail_msg("snpu_train: %d: %s", ret, err);
}

static double accuracy_of(const struct snpu_graph *g,
			  const struct snpu_dataset *ds)
{
	char err[ERR_SIZE] = "";
	double acc = -1.0;
	int ret = snpu_evaluate(g, ds, 250, &acc, NULL, err, sizeof(err));

	if (ret)
		fail_msg("snpu_evaluate: %d: %s", ret, err);
	return acc;
}

/* ---- model builders ------------------------------------------------------ */

static void expect_dims(const struct snpu_gtensor *t, uint32_t ndim,
			const int64_t *dims)
{
	uint32_t i;

	assert_int_equal(t->ndim, ndim);
	for (i = 0; i < ndim; i++)
		if (t->dims[i] != dims[i])
			fail_msg("%s: extent %u is %lld, expected %lld", t->name,
				 i, (long long)t->dims[i], (long long)dims[i]);
}

/* Node @n has op @op and reads @in0 (by name) first. */
static const struct snpu_gnode *expect_node(const struct snpu_graph *g,
					    uint32_t n, enum snpu_gop op,
					    const char *in0)
{
	const struct snpu_gnode *nd = &g->nodes[n];

	assert_true(n < g->n_nodes);
	if (nd->op != op || strcmp(g->tensors[nd->in[0]].name, in0))
		fail_msg("node %u: %s reading %s, expected %s reading %s", n,
			 snpu_gop_name(nd->op), g->tensors[nd->in[0]].name,
			 snpu_gop_name(op), in0);
	return nd;
}

/* Infers shapes for @batch and checks the output is [batch, 10]. */
static void expect_logits(struct snpu_graph *g, uint32_t batch)
{
	char err[ERR_SIZE] = "";
	int64_t want[2] = { batch, 10 };

	if (snpu_graph_check(g, err, sizeof(err)))
		fail_msg("check: %s", err);
	if (snpu_graph_infer_shapes(g, batch, err, sizeof(err)))
		fail_msg("infer_shapes: %s", err);
	expect_dims(&g->tensors[g->outputs[0]], 2, want);
}

static void snpu_build_model_lenet300_structure(void **state)
{
	static const int64_t in[4] = { -1, 1, 28, 28 };
	static const int64_t w1[2] = { 300, 784 }, w2[2] = { 100, 300 },
		w3[2] = { 10, 100 };
	static const int64_t b1[1] = { 300 }, b2[1] = { 100 }, b3[1] = { 10 };
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 1);
	const struct snpu_gnode *nd;
	uint32_t i;

	assert_non_null(g);
	assert_int_equal(g->n_inputs, 1);
	assert_int_equal(g->n_outputs, 1);
	assert_string_equal(g->tensors[g->inputs[0]].name, "input");
	assert_string_equal(g->tensors[g->outputs[0]].name, "logits");
	expect_dims(&g->tensors[g->inputs[0]], 4, in);
	expect_dims(tensor(g, "fc1.weight"), 2, w1);
	expect_dims(tensor(g, "fc2.weight"), 2, w2);
	expect_dims(tensor(g, "fc3.weight"), 2, w3);
	expect_dims(tensor(g, "fc1.bias"), 1, b1);
	expect_dims(tensor(g, "fc2.bias"), 1, b2);
	expect_dims(tensor(g, "fc3.bias"), 1, b3);

	assert_int_equal(g->n_nodes, 6);
	nd = expect_node(g, 0, SNPU_GOP_FLATTEN, "input");
	assert_int_equal(nd->attr.axis, 1);
	nd = expect_node(g, 1, SNPU_GOP_GEMM, g->tensors[g->nodes[0].out[0]].name);
	expect_node(g, 2, SNPU_GOP_RELU, g->tensors[nd->out[0]].name);
	expect_node(g, 3, SNPU_GOP_GEMM, g->tensors[g->nodes[2].out[0]].name);
	expect_node(g, 4, SNPU_GOP_RELU, g->tensors[g->nodes[3].out[0]].name);
	expect_node(g, 5, SNPU_GOP_GEMM, g->tensors[g->nodes[4].out[0]].name);
	for (i = 1; i < 6; i += 2) {
		const struct snpu_gattr *a = &g->nodes[i].attr;

		/* Canonical Gemm: W [out, in], bias present. */
		assert_int_equal(g->nodes[i].n_in, 3);
		assert_int_equal(a->trans_a, 0);
		assert_int_equal(a->trans_b, 1);
		assert_true(a->alpha == 1.0f && a->beta == 1.0f);
	}
	assert_int_equal(g->nodes[5].out[0], g->outputs[0]);
	expect_logits(g, 5);
	snpu_graph_free(g);
}

static void snpu_build_model_cnn_structure(void **state)
{
	static const int64_t c1[4] = { 8, 1, 5, 5 }, c2[4] = { 16, 8, 5, 5 };
	static const int64_t f1[2] = { 64, 784 }, f2[2] = { 10, 64 };
	static const enum snpu_gop ops[] = {
		SNPU_GOP_CONV, SNPU_GOP_RELU, SNPU_GOP_MAXPOOL,
		SNPU_GOP_CONV, SNPU_GOP_RELU, SNPU_GOP_MAXPOOL,
		SNPU_GOP_FLATTEN, SNPU_GOP_GEMM, SNPU_GOP_RELU, SNPU_GOP_GEMM,
	};
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_CNN, 1);
	int64_t pooled[4] = { 3, 16, 7, 7 };
	uint32_t i;

	assert_non_null(g);
	assert_string_equal(g->tensors[g->inputs[0]].name, "input");
	assert_string_equal(g->tensors[g->outputs[0]].name, "logits");
	expect_dims(tensor(g, "conv1.weight"), 4, c1);
	expect_dims(tensor(g, "conv2.weight"), 4, c2);
	expect_dims(tensor(g, "fc1.weight"), 2, f1);
	expect_dims(tensor(g, "fc2.weight"), 2, f2);
	assert_int_equal(g->n_nodes, sizeof(ops) / sizeof(ops[0]));
	for (i = 0; i < g->n_nodes; i++) {
		const struct snpu_gnode *nd = &g->nodes[i];

		assert_int_equal(nd->op, ops[i]);
		/* A chain: each node reads the previous one's output. */
		assert_int_equal(nd->in[0], i ? g->nodes[i - 1].out[0] :
				 g->inputs[0]);
		if (nd->op == SNPU_GOP_CONV) {
			assert_int_equal(nd->n_in, 3);
			assert_int_equal(nd->attr.pads[0], 2);
			assert_int_equal(nd->attr.pads[1], 2);
			assert_int_equal(nd->attr.pads[2], 2);
			assert_int_equal(nd->attr.pads[3], 2);
			assert_int_equal(nd->attr.strides[0], 1);
			assert_int_equal(nd->attr.group, 1);
		}
		if (nd->op == SNPU_GOP_MAXPOOL) {
			assert_int_equal(nd->attr.kernel[0], 2);
			assert_int_equal(nd->attr.kernel[1], 2);
			assert_int_equal(nd->attr.strides[0], 2);
			assert_int_equal(nd->attr.strides[1], 2);
		}
		if (nd->op == SNPU_GOP_GEMM)
			assert_int_equal(nd->attr.trans_b, 1);
	}
	expect_logits(g, 3);
	/* 28 -> pool -> 14 -> pool -> 7: 16 x 7 x 7 = 784 features. */
	expect_dims(&g->tensors[g->nodes[5].out[0]], 4, pooled);
	snpu_graph_free(g);
}

/*
 * Weights ~ U(-b, b), b = gain * sqrt(3 / fan_in) (gain sqrt(2) before a
 * Relu, 1 for the logits layer); biases 0.
 */
static void expect_kaiming(struct snpu_graph *g, const char *layer,
			   uint32_t fan_in, double gain)
{
	char name[64];
	struct snpu_gtensor *w, *b;
	double bound = gain * sqrt(3.0 / fan_in), sum = 0, sq = 0, var;
	size_t i, n;

	snprintf(name, sizeof(name), "%s.weight", layer);
	w = tensor(g, name);
	snprintf(name, sizeof(name), "%s.bias", layer);
	b = tensor(g, name);
	n = numel(w);
	for (i = 0; i < n; i++) {
		double v = w->data[i];

		if (fabs(v) > bound)
			fail_msg("%s.weight[%zu] = %g outside +-%g", layer, i, v,
				 bound);
		sum += v;
		sq += v * v;
	}
	/* Mean 0 and variance b^2 / 3, within 5 standard errors. */
	var = bound * bound / 3;
	if (fabs(sum / n) > 5 * sqrt(var / n))
		fail_msg("%s: mean %g", layer, sum / n);
	if (fabs(sq / n - var) > 5 * var * sqrt(0.8 / n))
		fail_msg("%s: variance %g, expected %g", layer, sq / n, var);
	for (i = 0; i < numel(b); i++)
		assert_true(b->data[i] == 0.0f);
}

static void snpu_build_model_init_is_kaiming_uniform(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 3);

	assert_non_null(g);
	expect_kaiming(g, "fc1", 784, sqrt(2.0));
	expect_kaiming(g, "fc2", 300, sqrt(2.0));
	expect_kaiming(g, "fc3", 100, 1.0);
	snpu_graph_free(g);
	g = snpu_build_model(SNPU_ARCH_CNN, 3);
	assert_non_null(g);
	expect_kaiming(g, "conv1", 25, sqrt(2.0));
	expect_kaiming(g, "conv2", 200, sqrt(2.0));
	expect_kaiming(g, "fc1", 784, sqrt(2.0));
	expect_kaiming(g, "fc2", 64, 1.0);
	snpu_graph_free(g);
}

static void snpu_build_model_seed_determines_weights(void **state)
{
	int arch;

	for (arch = SNPU_ARCH_LENET300; arch <= SNPU_ARCH_CNN; arch++) {
		struct snpu_graph *a = snpu_build_model(arch, 42);
		struct snpu_graph *b = snpu_build_model(arch, 42);
		struct snpu_graph *c = snpu_build_model(arch, 43);
		size_t na, nb, nc;
		float *sa, *sb, *sc;

		assert_non_null(a);
		assert_non_null(b);
		assert_non_null(c);
		sa = snapshot(a, &na);
		sb = snapshot(b, &nb);
		sc = snapshot(c, &nc);
		assert_int_equal(na, nb);
		assert_int_equal(na, nc);
		assert_memory_equal(sa, sb, na * sizeof(float));
		assert_memory_not_equal(sa, sc, na * sizeof(float));
		free(sa);
		free(sb);
		free(sc);
		snpu_graph_free(a);
		snpu_graph_free(b);
		snpu_graph_free(c);
	}
}

static void snpu_build_model_unknown_arch_fails(void **state)
{
	assert_null(snpu_build_model((enum snpu_arch)7, 1));
}

/* ---- loss ---------------------------------------------------------------- */

/* Mean cross-entropy and its gradient in double, the textbook way. */
static double xent_double(const float *l, const uint8_t *y, uint32_t n,
			  uint32_t c, double *d)
{
	double total = 0;
	uint32_t i, j;

	for (i = 0; i < n; i++) {
		double max = l[i * c], sum = 0;

		for (j = 1; j < c; j++)
			max = fmax(max, l[i * c + j]);
		for (j = 0; j < c; j++)
			sum += exp((double)l[i * c + j] - max);
		total += log(sum) + max - l[i * c + y[i]];
		for (j = 0; j < c; j++)
			d[i * c + j] = (exp((double)l[i * c + j] - max) / sum -
					(j == y[i])) / n;
	}
	return total / n;
}

static void snpu_softmax_xent_matches_double(void **state)
{
	/* Logit scales from near-uniform to saturated, offsets up to 1e3. */
	static const float scale[] = { 0.01f, 1.0f, 10.0f, 40.0f };
	static const float offset[] = { 0.0f, -300.0f, 1000.0f };
	uint32_t n = 37, c = 10, s, o, i;
	uint64_t r = 12345;
	float *l = malloc(n * c * sizeof(float));
	float *d = malloc(n * c * sizeof(float));
	double *dd = malloc(n * c * sizeof(double));
	uint8_t y[37];

	assert_non_null(l);
	assert_non_null(d);
	assert_non_null(dd);
	for (s = 0; s < 4; s++) {
		for (o = 0; o < 3; o++) {
			double want;
			float got;

			for (i = 0; i < n * c; i++) {
				r = r * 6364136223846793005ull + 1442695040888963407ull;
				l[i] = offset[o] + scale[s] *
				       ((float)(r >> 40) / (float)(1 << 24) - 0.5f);
			}
			for (i = 0; i < n; i++)
				y[i] = (uint8_t)((i * 7 + s) % c);
			got = snpu_softmax_xent(l, y, n, c, d);
			want = xent_double(l, y, n, c, dd);
			if (fabs(got - want) > 1e-5 * fmax(1.0, fabs(want)))
				fail_msg("scale %g offset %g: loss %.9g, double %.9g",
					 (double)scale[s], (double)offset[o],
					 (double)got, want);
			for (i = 0; i < n * c; i++)
				if (fabs(d[i] - dd[i]) > 1e-6)
					fail_msg("scale %g: dlogit %u %.9g vs %.9g",
						 (double)scale[s], i, (double)d[i],
						 dd[i]);
		}
	}
	/* Without a gradient buffer the loss is the same. */
	assert_true(snpu_softmax_xent(l, y, n, c, NULL) ==
		    snpu_softmax_xent(l, y, n, c, d));
	free(l);
	free(d);
	free(dd);
}

static void snpu_softmax_xent_extreme_logits_stay_finite(void **state)
{
	float l[2 * 3] = { 1e4f, -1e4f, 0.0f, -3e4f, 3e4f, 3e4f };
	uint8_t y[2] = { 1, 2 };
	float d[6], loss;
	uint32_t i;

	loss = snpu_softmax_xent(l, y, 2, 3, d);
	/* Row 0: -log softmax = 2e4; row 1: log 2 (a tie at the top). */
	assert_true(isfinite(loss));
	assert_true(fabs(loss - (2e4 + log(2.0)) / 2) < 1e-2);
	for (i = 0; i < 6; i++)
		assert_true(isfinite(d[i]));
	assert_true(fabsf(d[0] - 0.5f) < 1e-6f);
	assert_true(fabsf(d[1] + 0.5f) < 1e-6f);
	assert_true(fabsf(d[4] - 0.25f) < 1e-6f);
	assert_true(fabsf(d[5] + 0.25f) < 1e-6f);
}

static void snpu_softmax_xent_bad_label_is_nan(void **state)
{
	float l[4] = { 1, 2, 3, 4 };
	uint8_t y[2] = { 0, 2 };

	assert_true(isnan(snpu_softmax_xent(l, y, 2, 2, NULL)));
	assert_true(isnan(snpu_softmax_xent(l, y, 0, 2, NULL)));
}

/* ---- evaluation ---------------------------------------------------------- */

/* LeNet-300-100 in double, straight from the weights. */
static void lenet_forward_double(struct snpu_graph *g, const float *x,
				 double *z)
{
	static const char *const layers[3] = { "fc1", "fc2", "fc3" };
	static const uint32_t dims[4] = { 784, 300, 100, 10 };
	double a[784], b[300];
	uint32_t l, i, j;
	char name[32];

	for (i = 0; i < 784; i++)
		a[i] = x[i];
	for (l = 0; l < 3; l++) {
		const float *w, *bias;

		snprintf(name, sizeof(name), "%s.weight", layers[l]);
		w = tensor(g, name)->data;
		snprintf(name, sizeof(name), "%s.bias", layers[l]);
		bias = tensor(g, name)->data;
		for (i = 0; i < dims[l + 1]; i++) {
			double s = bias[i];

			for (j = 0; j < dims[l]; j++)
				s += (double)w[(size_t)i * dims[l] + j] * a[j];
			b[i] = l < 2 ? fmax(s, 0.0) : s;
		}
		memcpy(a, b, dims[l + 1] * sizeof(double));
	}
	memcpy(z, a, 10 * sizeof(double));
}

static void snpu_evaluate_matches_manual_argmax(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 5);
	struct snpu_dataset tr = slice(&train_set, 0, 1000);
	struct snpu_dataset te = slice(&test_set, 0, 400);
	struct snpu_train_opts o = sgd_opts(1, 50);
	uint32_t i, j, correct = 0, close = 0;
	double acc, loss, total = 0;
	char err[ERR_SIZE] = "";

	assert_non_null(g);
	/* Some training, so that accuracy is neither chance nor perfect. */
	train_ok(g, &tr, &o);
	for (i = 0; i < te.n; i++) {
		double z[10], max, second = -INFINITY, sum = 0;
		uint32_t best = 0;

		lenet_forward_double(g, te.x + (size_t)i * 784, z);
		for (j = 1; j < 10; j++)
			if (z[j] > z[best])
				best = j;
		max = z[best];
		for (j = 0; j < 10; j++) {
			if (j != best)
				second = fmax(second, z[j]);
			sum += exp(z[j] - max);
		}
		correct += best == te.y[i];
		/* fp32 may order a near-tie differently. */
		close += max - second < 1e-3;
		total += log(sum) + max - z[te.y[i]];
	}
	assert_int_equal(snpu_evaluate(g, &te, 64, &acc, &loss, err,
				       sizeof(err)), 0);
	if (fabs(acc * te.n - correct) > close)
		fail_msg("evaluate: %g of %u, manual count %u (%u near-ties)",
			 acc, te.n, correct, close);
	assert_true(fabs(loss - total / te.n) < 1e-4 * fmax(1.0, total / te.n));
	assert_true(acc > 0.3 && acc < 1.0);
	snpu_graph_free(g);
}

static void snpu_evaluate_counts_partial_batch(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_CNN, 9);
	struct snpu_dataset te = slice(&test_set, 100, 203);
	double a1, l1, a2, l2, a3, l3;
	char err[ERR_SIZE] = "";

	assert_non_null(g);
	/* 203 = 29 * 7: one full pass, 203 = 2 * 100 + 3, and all at once. */
	assert_int_equal(snpu_evaluate(g, &te, 7, &a1, &l1, err, sizeof(err)), 0);
	assert_int_equal(snpu_evaluate(g, &te, 100, &a2, &l2, err, sizeof(err)), 0);
	assert_int_equal(snpu_evaluate(g, &te, 1000, &a3, &l3, err, sizeof(err)), 0);
	assert_true(a1 == a2 && a2 == a3);
	assert_true(fabs(l1 - l2) < 1e-5 && fabs(l2 - l3) < 1e-5);
	/* Only NULL for what is not wanted. */
	assert_int_equal(snpu_evaluate(g, &te, 64, NULL, NULL, err, sizeof(err)), 0);
	snpu_graph_free(g);
}

static void snpu_evaluate_rejects_mismatched_data(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 1);
	struct snpu_dataset te = slice(&test_set, 0, 10);
	char err[ERR_SIZE] = "";
	double acc;

	assert_non_null(g);
	te.h = 14;	/* 1 x 14 x 28 samples for a 784-input model */
	assert_int_equal(snpu_evaluate(g, &te, 5, &acc, NULL, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "input"));
	te = slice(&test_set, 0, 10);
	te.classes = 5;	/* labels up to 9 */
	err[0] = '\0';
	assert_int_equal(snpu_evaluate(g, &te, 5, &acc, NULL, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "label"));
	te.classes = 12;	/* the model has 10 outputs */
	err[0] = '\0';
	assert_int_equal(snpu_evaluate(g, &te, 5, &acc, NULL, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "logits"));
	te.classes = 10;
	assert_int_equal(snpu_evaluate(g, &te, 0, &acc, NULL, err, sizeof(err)),
			 -EINVAL);
	snpu_graph_free(g);
}

/* ---- training ------------------------------------------------------------ */

static void snpu_train_short_run_beats_chance(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 11);
	struct snpu_dataset tr = slice(&train_set, 0, 2000);
	struct snpu_dataset te = slice(&test_set, 0, 1000);
	struct snpu_train_opts o = sgd_opts(3, 32);
	double before, after;

	assert_non_null(g);
	before = accuracy_of(g, &te);
	train_ok(g, &tr, &o);
	after = accuracy_of(g, &te);
	print_message("LeNet-300-100, 2000 images x 3 epochs: test accuracy %.1f %% -> %.1f %%\n",
		      100 * before, 100 * after);
	assert_true(after > 0.60);
	assert_true(after > before + 0.2);
	snpu_graph_free(g);
}

static void snpu_train_cnn_adam_beats_chance(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_CNN, 11);
	struct snpu_dataset tr = slice(&train_set, 2000, 2000);
	struct snpu_dataset te = slice(&test_set, 1000, 1000);
	struct snpu_train_opts o;
	double after;

	assert_non_null(g);
	snpu_train_opts_default(&o, SNPU_ARCH_CNN);
	/* One pass in small batches: enough steps, half the ASan time. */
	o.epochs = 1;
	o.batch = 16;
	train_ok(g, &tr, &o);
	after = accuracy_of(g, &te);
	print_message("CNN, 2000 images x 1 epoch (Adam): test accuracy %.1f %%\n",
		      100 * after);
	assert_true(after > 0.60);
	snpu_graph_free(g);
}

static void snpu_train_same_seed_bit_identical(void **state)
{
	struct snpu_dataset tr = slice(&train_set, 5000, 640);
	struct snpu_train_opts o = sgd_opts(2, 32);
	struct snpu_graph *a, *b, *c;
	size_t na, nb, nc;
	float *sa, *sb, *sc;
	int opt;

	for (opt = SNPU_OPT_SGD; opt <= SNPU_OPT_ADAM; opt++) {
		o.opt = opt;
		o.lr = opt == SNPU_OPT_ADAM ? 1e-3f : 0.05f;
		o.sched = opt == SNPU_OPT_ADAM ? SNPU_LR_COSINE : SNPU_LR_CONSTANT;
		a = snpu_build_model(SNPU_ARCH_LENET300, 1);
		b = snpu_build_model(SNPU_ARCH_LENET300, 1);
		c = snpu_build_model(SNPU_ARCH_LENET300, 1);
		assert_non_null(a);
		assert_non_null(b);
		assert_non_null(c);
		o.seed = 99;
		train_ok(a, &tr, &o);
		train_ok(b, &tr, &o);
		/* Another shuffle seed, same initial weights. */
		o.seed = 100;
		train_ok(c, &tr, &o);
		sa = snapshot(a, &na);
		sb = snapshot(b, &nb);
		sc = snapshot(c, &nc);
		assert_memory_equal(sa, sb, na * sizeof(float));
		assert_memory_not_equal(sa, sc, na * sizeof(float));
		free(sa);
		free(sb);
		free(sc);
		snpu_graph_free(a);
		snpu_graph_free(b);
		snpu_graph_free(c);
	}
}

/* A random mask keeping about @keep of the entries; returns kept count. */
static size_t set_mask(struct snpu_gtensor *t, double keep, uint64_t seed)
{
	size_t i, n = numel(t), kept = 0;

	t->mask = malloc(n);
	assert_non_null(t->mask);
	for (i = 0; i < n; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		t->mask[i] = (double)(seed >> 11) * 0x1p-53 < keep;
		kept += t->mask[i];
	}
	return kept;
}

/*
 * Masked entries of @t are exactly +0.0 (not -0.0: the bit pattern); of
 * the kept ones, at least @frac moved away from @before.
 */
static void expect_masked(const struct snpu_gtensor *t, const float *before,
			  double frac)
{
	size_t i, n = numel(t), kept = 0, moved = 0;

	for (i = 0; i < n; i++) {
		if (!t->mask[i]) {
			uint32_t bits;

			memcpy(&bits, &t->data[i], sizeof(bits));
			if (bits)
				fail_msg("%s[%zu] is %g under its mask", t->name,
					 i, (double)t->data[i]);
			continue;
		}
		kept++;
		moved += t->data[i] != before[i];
	}
	if (moved < frac * kept)
		fail_msg("%s: only %zu of %zu kept weights trained", t->name,
			 moved, kept);
}

static void snpu_train_masked_weights_stay_zero(void **state)
{
	struct snpu_dataset tr = slice(&train_set, 0, 256);
	int opt;

	for (opt = SNPU_OPT_SGD; opt <= SNPU_OPT_ADAM; opt++) {
		struct snpu_graph *g = snpu_build_model(SNPU_ARCH_CNN, 4);
		struct snpu_train_opts o = sgd_opts(1, 32);
		struct snpu_gtensor *w1, *w2, *w3;
		float *b1, *b2, *b3;

		assert_non_null(g);
		o.opt = opt;
		o.lr = opt == SNPU_OPT_ADAM ? 1e-3f : 0.05f;
		o.weight_decay = 1e-2f;	/* would pull pruned weights anywhere */
		w1 = tensor(g, "conv2.weight");
		w2 = tensor(g, "fc1.weight");
		/* 10 entries: the vector kernels' scalar tail is masked too. */
		w3 = tensor(g, "fc2.bias");
		/* Weights under the mask start nonzero: training zeroes them. */
		set_mask(w1, 0.5, 1);
		set_mask(w2, 0.1, 2);
		set_mask(w3, 0.5, 3);
		for (size_t i = 0; i < numel(w3); i++)
			w3->mask[i] = i % 2 == 0;	/* tail: 8 kept, 9 pruned */
		b1 = malloc(numel(w1) * sizeof(float));
		b2 = malloc(numel(w2) * sizeof(float));
		b3 = calloc(numel(w3), sizeof(float));
		assert_non_null(b1);
		assert_non_null(b2);
		assert_non_null(b3);
		memcpy(b1, w1->data, numel(w1) * sizeof(float));
		memcpy(b2, w2->data, numel(w2) * sizeof(float));
		/* Biases start at 0: nonzero ones under the mask must go. */
		memset(w3->data, 0x3f, numel(w3) * sizeof(float));
		memcpy(b3, w3->data, numel(w3) * sizeof(float));
		train_ok(g, &tr, &o);
		w1 = tensor(g, "conv2.weight");
		w2 = tensor(g, "fc1.weight");
		w3 = tensor(g, "fc2.bias");
		expect_masked(w1, b1, 0.9);
		expect_masked(w2, b2, 0.9);
		expect_masked(w3, b3, 1.0);
		free(b1);
		free(b2);
		free(b3);
		snpu_graph_free(g);
	}
}

struct hook_log {
	struct snpu_graph *g;
	uint64_t calls, last_step, total;
	uint64_t progress_calls, last_progress;
	uint32_t last_epoch;
	uint64_t stop_at;	/* return stop_ret at this step */
	int stop_ret;
	uint64_t mask_at;	/* install a mask on fc2.weight here */
	bool ordered;
};

static int log_hook(void *data, uint64_t step, uint64_t total)
{
	struct hook_log *h = data;

	if (step != h->calls)
		h->ordered = false;
	h->calls++;
	h->last_step = step;
	h->total = total;
	if (step == h->mask_at)
		set_mask(tensor(h->g, "fc2.weight"), 0.25, 3);
	if (step == h->stop_at)
		return h->stop_ret;
	return 0;
}

static void log_progress(void *data, uint32_t epoch, uint64_t step,
			 uint64_t total, float loss)
{
	struct hook_log *h = data;

	assert_true(isfinite(loss) && loss > 0.0f);
	assert_int_equal(step, h->progress_calls + 1);
	assert_int_equal(total, h->total);
	assert_true(epoch >= h->last_epoch);
	h->progress_calls++;
	h->last_progress = step;
	h->last_epoch = epoch;
}

static void snpu_train_hook_masks_take_effect(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 8);
	struct snpu_dataset tr = slice(&train_set, 100, 300);
	struct snpu_train_opts o = sgd_opts(2, 32);
	struct hook_log h = { .g = g, .stop_at = UINT64_MAX, .mask_at = 5,
			      .ordered = true };
	struct snpu_gtensor *w;
	float *before;

	assert_non_null(g);
	o.hook = log_hook;
	o.hook_data = &h;
	o.progress = log_progress;
	o.progress_data = &h;
	w = tensor(g, "fc2.weight");
	before = malloc(numel(w) * sizeof(float));
	assert_non_null(before);
	memcpy(before, w->data, numel(w) * sizeof(float));
	train_ok(g, &tr, &o);
	/* 300 / 32: 9 steps an epoch, the last 12 samples left out. */
	assert_int_equal(h.total, 18);
	assert_int_equal(h.calls, 18);
	assert_true(h.ordered);
	assert_int_equal(h.last_step, 17);
	assert_int_equal(h.progress_calls, 18);
	assert_int_equal(h.last_epoch, 1);
	/* The mask arrived at step 5, not zeroed by the hook itself. */
	expect_masked(tensor(g, "fc2.weight"), before, 0.9);
	free(before);
	snpu_graph_free(g);
}

/* A hook that prunes all of fc1 at step @at and lifts it at @lift. */
struct prune_all_hook {
	struct snpu_graph *g;
	uint64_t at, lift;
	float *fc2_at;		/* fc2.weight when fc1 got pruned */
	bool fc2_held;		/* fc2 unchanged by the step that followed */
	bool fc1_zero_after_lift;
};

static void mask_all(struct snpu_gtensor *t, bool on)
{
	free(t->mask);
	t->mask = NULL;
	if (on) {
		t->mask = calloc(numel(t), 1);
		assert_non_null(t->mask);
	}
}

static bool all_zero(const struct snpu_gtensor *t)
{
	size_t i;

	for (i = 0; i < numel(t); i++)
		if (t->data[i] != 0.0f)
			return false;
	return true;
}

static int prune_all_hook(void *data, uint64_t step, uint64_t total)
{
	struct prune_all_hook *h = data;
	struct snpu_gtensor *w2 = tensor(h->g, "fc2.weight");

	if (step == h->at) {
		mask_all(tensor(h->g, "fc1.weight"), true);
		mask_all(tensor(h->g, "fc1.bias"), true);
		h->fc2_at = malloc(numel(w2) * sizeof(float));
		assert_non_null(h->fc2_at);
		memcpy(h->fc2_at, w2->data, numel(w2) * sizeof(float));
	}
	if (step == h->at + 1)
		h->fc2_held = !memcmp(h->fc2_at, w2->data,
				      numel(w2) * sizeof(float));
	if (step == h->lift) {
		mask_all(tensor(h->g, "fc1.weight"), false);
		mask_all(tensor(h->g, "fc1.bias"), false);
	}
	if (step == h->lift + 1)
		h->fc1_zero_after_lift = all_zero(tensor(h->g, "fc1.weight")) &&
					 all_zero(tensor(h->g, "fc1.bias"));
	return 0;
}

/*
 * A mask the hook installs holds from that very step's forward pass: with
 * fc1 pruned to nothing, its Relu outputs are 0, so the step computes no
 * gradient for fc2 and (plain SGD) leaves fc2 exactly as it was. Without
 * momentum, so only the current gradient can move it.
 */
static void snpu_train_hook_mask_applies_before_forward(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 8);
	struct snpu_dataset tr = slice(&train_set, 0, 320);
	struct snpu_train_opts o = sgd_opts(1, 32);
	struct prune_all_hook h = { .g = g, .at = 4, .lift = UINT64_MAX };

	assert_non_null(g);
	o.momentum = 0.0f;
	o.weight_decay = 0.0f;
	o.hook = prune_all_hook;
	o.hook_data = &h;
	train_ok(g, &tr, &o);
	assert_true(h.fc2_held);
	assert_true(all_zero(tensor(g, "fc1.weight")));
	free(h.fc2_at);
	snpu_graph_free(g);
}

/*
 * Pruned weights keep no optimizer state: fc1 pruned for two steps, then
 * its masks lifted. Its Relu inputs are then all 0 (a dead layer: the
 * Relu passes no gradient at 0), so only left-over momentum or Adam
 * moments could move fc1 again - and there must be none.
 */
static void snpu_train_lifted_mask_leaves_no_state(void **state)
{
	struct snpu_dataset tr = slice(&train_set, 0, 320);
	int opt;

	for (opt = SNPU_OPT_SGD; opt <= SNPU_OPT_ADAM; opt++) {
		struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 8);
		struct snpu_train_opts o = sgd_opts(1, 32);
		struct prune_all_hook h = { .g = g, .at = 4, .lift = 6 };

		assert_non_null(g);
		o.opt = opt;
		o.lr = opt == SNPU_OPT_ADAM ? 1e-3f : 0.05f;
		o.weight_decay = 0.0f;
		o.hook = prune_all_hook;
		o.hook_data = &h;
		train_ok(g, &tr, &o);
		assert_true(h.fc1_zero_after_lift);
		free(h.fc2_at);
		snpu_graph_free(g);
	}
}

static void snpu_train_hook_positive_stops_early(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 8);
	struct snpu_dataset tr = slice(&train_set, 0, 256);
	struct snpu_train_opts o = sgd_opts(3, 32);
	struct hook_log h = { .g = g, .stop_at = 3, .stop_ret = 1,
			      .mask_at = UINT64_MAX, .ordered = true };

	assert_non_null(g);
	o.hook = log_hook;
	o.hook_data = &h;
	o.progress = log_progress;
	o.progress_data = &h;
	train_ok(g, &tr, &o);
	assert_int_equal(h.total, 24);
	assert_int_equal(h.calls, 4);
	assert_int_equal(h.progress_calls, 3);
	snpu_graph_free(g);
}

static void snpu_train_hook_negative_fails(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 8);
	struct snpu_dataset tr = slice(&train_set, 0, 256);
	struct snpu_train_opts o = sgd_opts(1, 32);
	struct hook_log h = { .g = g, .stop_at = 2, .stop_ret = -ECANCELED,
			      .mask_at = UINT64_MAX, .ordered = true };
	char err[ERR_SIZE] = "";

	assert_non_null(g);
	o.hook = log_hook;
	o.hook_data = &h;
	assert_int_equal(snpu_train(g, &tr, &o, err, sizeof(err)), -ECANCELED);
	assert_non_null(strstr(err, "step 2"));
	assert_int_equal(h.calls, 3);
	snpu_graph_free(g);
}

static void snpu_train_small_set_runs_one_step_per_epoch(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 8);
	struct snpu_dataset tr = slice(&train_set, 0, 10);
	struct snpu_train_opts o = sgd_opts(4, 64);
	struct hook_log h = { .g = g, .stop_at = UINT64_MAX,
			      .mask_at = UINT64_MAX, .ordered = true };
	size_t n0, n1;
	float *s0, *s1;

	assert_non_null(g);
	o.hook = log_hook;
	o.hook_data = &h;
	s0 = snapshot(g, &n0);
	train_ok(g, &tr, &o);
	s1 = snapshot(g, &n1);
	/* 10 samples, batch 64: the batch shrinks to 10. */
	assert_int_equal(h.total, 4);
	assert_memory_not_equal(s0, s1, n0 * sizeof(float));
	free(s0);
	free(s1);
	/* No epochs: nothing happens and nothing fails. */
	o.epochs = 0;
	h.calls = 0;
	train_ok(g, &tr, &o);
	assert_int_equal(h.calls, 0);
	snpu_graph_free(g);
}

static void expect_train_einval(struct snpu_graph *g,
				const struct snpu_dataset *ds,
				const struct snpu_train_opts *o,
				const char *what)
{
	char err[ERR_SIZE] = "";
	int ret = snpu_train(g, ds, o, err, sizeof(err));

	if (ret != -EINVAL || !strstr(err, what))
		fail_msg("expected -EINVAL about \"%s\", got %d: %s", what, ret,
			 err);
}

static void snpu_train_rejects_bad_options(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 1);
	struct snpu_dataset tr = slice(&train_set, 0, 64);
	struct snpu_train_opts o;
	size_t n0, n1;
	float *s0, *s1;

	assert_non_null(g);
	s0 = snapshot(g, &n0);
	o = sgd_opts(1, 0);
	expect_train_einval(g, &tr, &o, "batch");
	o = sgd_opts(1, 8);
	o.lr = 0.0f;
	expect_train_einval(g, &tr, &o, "learning rate");
	o.lr = NAN;
	expect_train_einval(g, &tr, &o, "learning rate");
	o = sgd_opts(1, 8);
	o.momentum = 1.0f;
	expect_train_einval(g, &tr, &o, "momentum");
	o = sgd_opts(1, 8);
	o.weight_decay = -1e-4f;
	expect_train_einval(g, &tr, &o, "weight decay");
	o = sgd_opts(1, 8);
	o.opt = (enum snpu_opt)5;
	expect_train_einval(g, &tr, &o, "optimizer");
	o = sgd_opts(1, 8);
	o.sched = (enum snpu_lr_sched)9;
	expect_train_einval(g, &tr, &o, "schedule");
	/* Nothing was trained by any of them. */
	s1 = snapshot(g, &n1);
	assert_memory_equal(s0, s1, n0 * sizeof(float));
	free(s0);
	free(s1);
	snpu_graph_free(g);
}

static void snpu_train_rejects_bad_data(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_CNN, 1);
	struct snpu_dataset tr = slice(&train_set, 0, 64);
	struct snpu_train_opts o = sgd_opts(1, 8);
	uint8_t y[64];

	assert_non_null(g);
	memcpy(y, tr.y, sizeof(y));
	y[17] = 10;
	tr.y = y;
	expect_train_einval(g, &tr, &o, "sample 17");
	tr = slice(&train_set, 0, 64);
	tr.w = 27;
	expect_train_einval(g, &tr, &o, "input");
	tr.w = 28;
	tr.classes = 11;
	expect_train_einval(g, &tr, &o, "logits");
	tr.n = 0;
	expect_train_einval(g, &tr, &o, "empty");
	expect_train_einval(NULL, &tr, &o, "graph");
	snpu_graph_free(g);
}

static void snpu_train_divergence_reports_erange(void **state)
{
	struct snpu_graph *g = snpu_build_model(SNPU_ARCH_LENET300, 1);
	struct snpu_dataset tr = slice(&train_set, 0, 256);
	struct snpu_train_opts o = sgd_opts(5, 32);
	char err[ERR_SIZE] = "";

	assert_non_null(g);
	o.lr = 1e20f;
	assert_int_equal(snpu_train(g, &tr, &o, err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "diverged"));
	snpu_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_build_model_lenet300_structure),
		cmocka_unit_test(snpu_build_model_cnn_structure),
		cmocka_unit_test(snpu_build_model_init_is_kaiming_uniform),
		cmocka_unit_test(snpu_build_model_seed_determines_weights),
		cmocka_unit_test(snpu_build_model_unknown_arch_fails),
		cmocka_unit_test(snpu_softmax_xent_matches_double),
		cmocka_unit_test(snpu_softmax_xent_extreme_logits_stay_finite),
		cmocka_unit_test(snpu_softmax_xent_bad_label_is_nan),
		cmocka_unit_test(snpu_evaluate_matches_manual_argmax),
		cmocka_unit_test(snpu_evaluate_counts_partial_batch),
		cmocka_unit_test(snpu_evaluate_rejects_mismatched_data),
		cmocka_unit_test(snpu_train_short_run_beats_chance),
		cmocka_unit_test(snpu_train_cnn_adam_beats_chance),
		cmocka_unit_test(snpu_train_same_seed_bit_identical),
		cmocka_unit_test(snpu_train_masked_weights_stay_zero),
		cmocka_unit_test(snpu_train_hook_masks_take_effect),
		cmocka_unit_test(snpu_train_hook_mask_applies_before_forward),
		cmocka_unit_test(snpu_train_lifted_mask_leaves_no_state),
		cmocka_unit_test(snpu_train_hook_positive_stops_early),
		cmocka_unit_test(snpu_train_hook_negative_fails),
		cmocka_unit_test(snpu_train_small_set_runs_one_step_per_epoch),
		cmocka_unit_test(snpu_train_rejects_bad_options),
		cmocka_unit_test(snpu_train_rejects_bad_data),
		cmocka_unit_test(snpu_train_divergence_reports_erange),
	};

	return cmocka_run_group_tests(tests, load_sets, free_sets);
}
