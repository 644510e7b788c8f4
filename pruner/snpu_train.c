// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Reference models, training and evaluation (see snpu_train.h).
 *
 * One training step: gather a shuffled batch into the executor's input,
 * forward, softmax cross-entropy into the output's gradient, backward,
 * then one optimizer update per trained tensor. The executor does all
 * the heavy lifting (sgemm); what is here is linear in the parameter
 * count and written to vectorise.
 *
 * Reproducibility: the shuffle and the initialisation use splitmix64
 * streams derived from the seed only, the update order is fixed, and
 * nothing depends on time or thread timing, so a run is a function of its
 * inputs (given an executor that is deterministic itself).
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "snpu_err.h"
#include "snpu_exec.h"
#include "snpu_train.h"

#define SNPU_ADAM_BETA1	0.9
#define SNPU_ADAM_BETA2	0.999
#define SNPU_ADAM_EPS	1e-8f

/* Seeds of independent streams derived from one user seed. */
#define SNPU_STREAM_INIT	0x6a09e667f3bcc908ull
#define SNPU_STREAM_SHUFFLE	0xbb67ae8584caa73bull


/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, passes BigCrush. */
static uint64_t snpu_splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, bound) without modulo bias worth the name (Lemire). */
static uint32_t snpu_rand_below(uint64_t *s, uint32_t bound)
{
	return (uint32_t)(((unsigned __int128)snpu_splitmix64(s) * bound) >> 64);
}

/* Uniform in [-1, 1): 24 random bits, exact in a float. */
static float snpu_rand_sym(uint64_t *s)
{
	return (float)(snpu_splitmix64(s) >> 40) * 0x1p-23f - 1.0f;
}

/* ---- reference models -------------------------------------------------- */

/* Builder state: the first failure sticks and later calls do nothing. */
struct snpu_model_builder {
	struct snpu_graph *g;
	uint64_t rng;
	bool failed;
};

static uint32_t snpu_mb_check(struct snpu_model_builder *b, uint32_t idx)
{
	if (idx == SNPU_GRAPH_NONE)
		b->failed = true;
	return idx;
}

/* A computed tensor, declared with its per-sample extents. */
static uint32_t snpu_mb_value(struct snpu_model_builder *b, const char *name,
			      uint32_t ndim, const int64_t *dims)
{
	if (b->failed)
		return SNPU_GRAPH_NONE;
	return snpu_mb_check(b, snpu_graph_add_tensor(b->g, name, ndim, dims,
						      NULL));
}

/*
 * A trained constant: U(-bound, bound) with bound = gain * sqrt(3 /
 * fan_in) (Kaiming/He uniform; gain sqrt(2) keeps the activation
 * variance through a Relu), or zeros when @fan_in is 0 (biases).
 */
static uint32_t snpu_mb_param(struct snpu_model_builder *b, const char *name,
			      uint32_t ndim, const int64_t *dims,
			      uint32_t fan_in, float gain)
{
	size_t numel = 1, i;
	uint32_t idx;
	float *v, bound;

	if (b->failed)
		return SNPU_GRAPH_NONE;
	for (i = 0; i < ndim; i++)
		numel *= (size_t)dims[i];
	v = calloc(numel, sizeof(*v));
	if (!v) {
		b->failed = true;
		return SNPU_GRAPH_NONE;
	}
	if (fan_in) {
		bound = gain * sqrtf(3.0f / (float)fan_in);
		for (i = 0; i < numel; i++)
			v[i] = bound * snpu_rand_sym(&b->rng);
	}
	idx = snpu_mb_check(b, snpu_graph_add_tensor(b->g, name, ndim, dims, v));
	free(v);
	return idx;
}

static struct snpu_gattr *snpu_mb_node(struct snpu_model_builder *b,
				       const char *name, enum snpu_gop op,
				       uint32_t n_in, const uint32_t *in,
				       uint32_t out)
{
	uint32_t n;

	if (b->failed)
		return NULL;
	n = snpu_mb_check(b, snpu_graph_add_node(b->g, name, op, n_in, in, out));
	return b->failed ? NULL : &b->g->nodes[n].attr;
}

/* "<layer>.<what>" */
static const char *snpu_mb_name(char *buf, size_t size, const char *layer,
				const char *what)
{
	snprintf(buf, size, "%s.%s", layer, what);
	return buf;
}

/*
 * Gemm @layer: [-1, n_in] -> [-1, n_out] (named @out_name, or
 * "<layer>.out"), followed by a Relu "<layer>.relu" when @relu.
 */
static uint32_t snpu_mb_gemm(struct snpu_model_builder *b, const char *layer,
			     uint32_t x, uint32_t n_in, uint32_t n_out,
			     bool relu, const char *out_name)
{
	int64_t wd[2] = { n_out, n_in }, bd[1] = { n_out }, yd[2] = { -1, n_out };
	uint32_t in[3], y, r;
	struct snpu_gattr *a;
	char name[64];

	in[0] = x;
	in[1] = snpu_mb_param(b, snpu_mb_name(name, sizeof(name), layer, "weight"),
			      2, wd, n_in, relu ? sqrtf(2.0f) : 1.0f);
	in[2] = snpu_mb_param(b, snpu_mb_name(name, sizeof(name), layer, "bias"),
			      1, bd, 0, 0.0f);
	y = snpu_mb_value(b, out_name ? out_name :
			  snpu_mb_name(name, sizeof(name), layer, "out"), 2, yd);
	a = snpu_mb_node(b, layer, SNPU_GOP_GEMM, 3, in, y);
	if (a)
		a->trans_b = 1;
	if (!relu)
		return y;
	r = snpu_mb_value(b, snpu_mb_name(name, sizeof(name), layer, "relu"),
			  2, yd);
	snpu_mb_node(b, snpu_mb_name(name, sizeof(name), layer, "relu"),
		     SNPU_GOP_RELU, 1, &y, r);
	return r;
}

/*
 * Conv @layer c_in -> c_out, k x k, "same" padding, on [-1, c_in, h, w],
 * then Relu and a 2 x 2 MaxPool: [-1, c_out, h / 2, w / 2].
 */
static uint32_t snpu_mb_conv_block(struct snpu_model_builder *b,
				   const char *layer, uint32_t x, uint32_t c_in,
				   uint32_t c_out, uint32_t k, uint32_t h,
				   uint32_t w)
{
	int64_t wd[4] = { c_out, c_in, k, k }, bd[1] = { c_out };
	int64_t yd[4] = { -1, c_out, h, w };
	int64_t pd[4] = { -1, c_out, h / 2, w / 2 };
	uint32_t in[3], y, r, p, i;
	struct snpu_gattr *a;
	char name[64];

	in[0] = x;
	in[1] = snpu_mb_param(b, snpu_mb_name(name, sizeof(name), layer, "weight"),
			      4, wd, c_in * k * k, sqrtf(2.0f));
	in[2] = snpu_mb_param(b, snpu_mb_name(name, sizeof(name), layer, "bias"),
			      1, bd, 0, 0.0f);
	y = snpu_mb_value(b, snpu_mb_name(name, sizeof(name), layer, "out"), 4, yd);
	a = snpu_mb_node(b, layer, SNPU_GOP_CONV, 3, in, y);
	for (i = 0; a && i < 4; i++)
		a->pads[i] = k / 2;	/* "same" output extent for odd k */
	r = snpu_mb_value(b, snpu_mb_name(name, sizeof(name), layer, "relu"), 4, yd);
	snpu_mb_node(b, snpu_mb_name(name, sizeof(name), layer, "relu"),
		     SNPU_GOP_RELU, 1, &y, r);
	p = snpu_mb_value(b, snpu_mb_name(name, sizeof(name), layer, "pool"), 4, pd);
	a = snpu_mb_node(b, snpu_mb_name(name, sizeof(name), layer, "pool"),
			 SNPU_GOP_MAXPOOL, 1, &r, p);
	for (i = 0; a && i < 2; i++) {
		a->kernel[i] = 2;
		a->strides[i] = 2;
	}
	return p;
}

static uint32_t snpu_mb_flatten(struct snpu_model_builder *b, uint32_t x,
				uint32_t features)
{
	int64_t fd[2] = { -1, features };
	uint32_t f = snpu_mb_value(b, "flatten.out", 2, fd);

	snpu_mb_node(b, "flatten", SNPU_GOP_FLATTEN, 1, &x, f);
	return f;
}

struct snpu_graph *snpu_build_model(enum snpu_arch arch, uint64_t seed)
{
	static const int64_t in_dims[4] = { -1, 1, 28, 28 };
	struct snpu_model_builder b = { .rng = seed ^ SNPU_STREAM_INIT };
	uint32_t x, t;
	char msg[256];

	if (arch != SNPU_ARCH_LENET300 && arch != SNPU_ARCH_CNN)
		return NULL;
	b.g = snpu_graph_new(arch == SNPU_ARCH_CNN ? "snpu_cnn" : "lenet300");
	if (!b.g)
		return NULL;
	b.g->opset = 13;

	x = snpu_mb_value(&b, "input", 4, in_dims);
	if (arch == SNPU_ARCH_LENET300) {
		t = snpu_mb_flatten(&b, x, 784);
		t = snpu_mb_gemm(&b, "fc1", t, 784, 300, true, NULL);
		t = snpu_mb_gemm(&b, "fc2", t, 300, 100, true, NULL);
		t = snpu_mb_gemm(&b, "fc3", t, 100, 10, false, "logits");
	} else {
		t = snpu_mb_conv_block(&b, "conv1", x, 1, 8, 5, 28, 28);
		t = snpu_mb_conv_block(&b, "conv2", t, 8, 16, 5, 14, 14);
		t = snpu_mb_flatten(&b, t, 16 * 7 * 7);
		t = snpu_mb_gemm(&b, "fc1", t, 784, 64, true, NULL);
		t = snpu_mb_gemm(&b, "fc2", t, 64, 10, false, "logits");
	}
	if (b.failed)
		goto err_free;
	b.g->n_inputs = 1;
	b.g->inputs[0] = x;
	b.g->n_outputs = 1;
	b.g->outputs[0] = t;
	/*
	 * The builder is fixed code: a graph it makes that fails the check
	 * is a bug here, better a NULL than a broken model.
	 */
	if (snpu_graph_check(b.g, msg, sizeof(msg)))
		goto err_free;
	return b.g;

err_free:
	snpu_graph_free(b.g);
	return NULL;
}

/* ---- loss ---------------------------------------------------------------- */

float snpu_softmax_xent(const float *logits, const uint8_t *labels,
			uint32_t n, uint32_t classes, float *dlogits)
{
	double total = 0.0;
	float inv_n = 1.0f / (float)n;
	uint32_t i, j;

	if (!n || !classes)
		return NAN;
	for (i = 0; i < n; i++) {
		const float *l = logits + (size_t)i * classes;
		float *d = dlogits ? dlogits + (size_t)i * classes : NULL;
		float max = l[0], sum = 0.0f, e, scale;

		if (labels[i] >= classes)
			return NAN;
		for (j = 1; j < classes; j++)
			if (l[j] > max)
				max = l[j];
		for (j = 0; j < classes; j++) {
			e = expf(l[j] - max);
			sum += e;
			if (d)
				d[j] = e;
		}
		/*
		 * -log softmax[y] = log(sum) + max - l[y]. The difference is
		 * taken in double and the softmax as e / sum rather than
		 * exp(l - lse): with logits of 1e4, lse rounded to a float is
		 * off by more than the probabilities' own precision.
		 */
		total += log((double)sum) + ((double)max - l[labels[i]]);
		if (!d)
			continue;
		scale = inv_n / sum;
		for (j = 0; j < classes; j++)
			d[j] *= scale;
		d[labels[i]] -= inv_n;
	}
	return (float)(total / n);
}

/* ---- shared checks ------------------------------------------------------- */

static int snpu_train_check_data(const struct snpu_dataset *ds, char *err,
				 size_t err_size)
{
	uint32_t i;

	if (!ds || !ds->n || !ds->x || !ds->y || !ds->classes || !ds->c ||
	    !ds->h || !ds->w) {
		snpu_errf(err, err_size,
			       "data set is empty or incomplete (n, shape, classes, x, y)");
		return -EINVAL;
	}
	if (ds->classes > 256) {
		snpu_errf(err, err_size, "%u classes: labels are bytes (at most 256)",
			       ds->classes);
		return -EINVAL;
	}
	for (i = 0; i < ds->n; i++) {
		if (ds->y[i] >= ds->classes) {
			snpu_errf(err, err_size,
				       "label %u of sample %u is not a class (0 to %u)",
				       ds->y[i], i, ds->classes - 1);
			return -EINVAL;
		}
	}
	return 0;
}

static int snpu_train_check_graph(const struct snpu_graph *g, char *err,
				  size_t err_size)
{
	if (!g) {
		snpu_errf(err, err_size, "no graph");
		return -EINVAL;
	}
	if (g->n_inputs != 1 || g->n_outputs != 1) {
		snpu_errf(err, err_size,
			       "graph %s has %u inputs and %u outputs; one of each needed",
			       g->name ? g->name : "", g->n_inputs, g->n_outputs);
		return -EINVAL;
	}
	return 0;
}

/*
 * Plans an executor for @batch samples and checks that it reads one of
 * @ds's samples per row and writes [batch, classes].
 */
static int snpu_train_plan(const struct snpu_graph *g,
			   const struct snpu_dataset *ds, uint32_t batch,
			   unsigned int flags, struct snpu_exec **out,
			   char *err, size_t err_size)
{
	int64_t dims[SNPU_GRAPH_MAX_DIMS];
	struct snpu_exec *x;
	uint64_t per = 1;
	uint32_t nd, i;
	int ret;

	ret = snpu_exec_create(g, batch, flags, &x, err, err_size);
	if (ret)
		return ret;
	nd = snpu_exec_dims(x, g->inputs[0], dims);
	for (i = 1; i < nd; i++)
		per *= (uint64_t)dims[i];
	if (nd && dims[0] != batch) {
		snpu_errf(err, err_size,
			       "input %s has a fixed batch extent of %lld, not -1: cannot run %u samples at a time",
			       g->tensors[g->inputs[0]].name,
			       (long long)dims[0], batch);
		goto err_destroy;
	}
	if (!nd || per != (uint64_t)ds->c * ds->h * ds->w) {
		snpu_errf(err, err_size,
			       "input %s does not take samples of %u x %u x %u per batch row",
			       g->tensors[g->inputs[0]].name, ds->c, ds->h, ds->w);
		goto err_destroy;
	}
	nd = snpu_exec_dims(x, g->outputs[0], dims);
	if (nd != 2 || dims[0] != batch || dims[1] != ds->classes) {
		snpu_errf(err, err_size,
			       "output %s is not [batch, %u] (rank %u, second extent %lld)",
			       g->tensors[g->outputs[0]].name, ds->classes, nd,
			       nd > 1 ? (long long)dims[1] : -1LL);
		goto err_destroy;
	}
	*out = x;
	return 0;

err_destroy:
	snpu_exec_destroy(x);
	return -EINVAL;
}

/* ---- evaluation ---------------------------------------------------------- */

int snpu_evaluate(const struct snpu_graph *g, const struct snpu_dataset *ds,
		  uint32_t batch, double *accuracy, double *loss, char *err,
		  size_t err_size)
{
	size_t per, correct = 0;
	struct snpu_exec *x = NULL;
	uint32_t done = 0, cur = 0, i, j;
	double total = 0.0;
	bool probs;
	int ret;

	if (accuracy)
		*accuracy = 0.0;
	if (loss)
		*loss = 0.0;
	ret = snpu_train_check_graph(g, err, err_size);
	if (!ret)
		ret = snpu_train_check_data(ds, err, err_size);
	if (ret)
		return ret;
	if (!batch) {
		snpu_errf(err, err_size, "evaluation batch is 0");
		return -EINVAL;
	}
	per = (size_t)ds->c * ds->h * ds->w;
	/* A Softmax output already holds probabilities: its loss is -log p. */
	probs = g->tensors[g->outputs[0]].producer != SNPU_GRAPH_NONE &&
		g->nodes[g->tensors[g->outputs[0]].producer].op ==
		SNPU_GOP_SOFTMAX;

	while (done < ds->n) {
		uint32_t b = ds->n - done < batch ? ds->n - done : batch;
		const uint8_t *y = ds->y + done;
		const float *logits;

		/* Only the last, partial batch needs a second plan. */
		if (b != cur) {
			snpu_exec_destroy(x);
			x = NULL;
			ret = snpu_train_plan(g, ds, b, 0, &x, err, err_size);
			if (ret)
				return ret;
			cur = b;
		}
		memcpy(snpu_exec_value(x, g->inputs[0]), ds->x + done * per,
		       b * per * sizeof(float));
		ret = snpu_exec_forward(x);
		if (ret) {
			snpu_errf(err, err_size,
				       "forward pass failed on samples %u to %u: %d",
				       done, done + b - 1, ret);
			goto out;
		}
		logits = snpu_exec_value(x, g->outputs[0]);
		for (i = 0; i < b; i++) {
			const float *l = logits + (size_t)i * ds->classes;
			uint32_t best = 0;

			for (j = 1; j < ds->classes; j++)
				if (l[j] > l[best])
					best = j;
			correct += best == y[i];
			if (probs)
				total -= log(fmax(l[y[i]], 1e-30));
		}
		if (!probs)
			total += (double)snpu_softmax_xent(logits, y, b,
							   ds->classes, NULL) * b;
		done += b;
	}
	if (accuracy)
		*accuracy = (double)correct / ds->n;
	if (loss)
		*loss = total / ds->n;
out:
	snpu_exec_destroy(x);
	return ret;
}

/* ---- training ------------------------------------------------------------ */

/* One trained tensor and its optimizer state. */
struct snpu_param {
	uint32_t t;
	size_t numel;
	bool decay;
	float *grad;	/* the executor's */
	float *s1;	/* SGD velocity or Adam first moment */
	float *s2;	/* Adam second moment */
};

struct snpu_trainer {
	struct snpu_graph *g;
	const struct snpu_train_opts *o;
	struct snpu_exec *x;
	struct snpu_param *p;
	uint32_t np;
	uint64_t adam_t;
};

/* Which inputs of a node are trainable parameters (bitmask). */
static unsigned int snpu_train_param_inputs(enum snpu_gop op)
{
	switch (op) {
	case SNPU_GOP_GEMM:
	case SNPU_GOP_CONV:
	case SNPU_GOP_BATCHNORM:
		return 0x6;	/* B/W and C/bias; BN scale and B */
	case SNPU_GOP_MATMUL:
	case SNPU_GOP_ADD:
		return 0x3;
	default:
		/* Clip bounds, Reshape shapes: settings, not parameters. */
		return 0;
	}
}

static void snpu_trainer_free(struct snpu_trainer *tr)
{
	uint32_t i;

	for (i = 0; i < tr->np; i++) {
		free(tr->p[i].s1);
		free(tr->p[i].s2);
	}
	free(tr->p);
	snpu_exec_destroy(tr->x);
}

/* Lists the trained tensors (each once, in node order). */
static int snpu_trainer_params(struct snpu_trainer *tr, char *err,
			       size_t err_size)
{
	struct snpu_graph *g = tr->g;
	bool adam = tr->o->opt == SNPU_OPT_ADAM;
	uint32_t n, i;
	uint8_t *seen;

	seen = calloc(g->n_tensors, 1);
	tr->p = calloc(g->n_tensors, sizeof(*tr->p));
	if (!seen || !tr->p)
		goto err_nomem;
	for (n = 0; n < g->n_nodes; n++) {
		const struct snpu_gnode *nd = &g->nodes[n];
		unsigned int which = snpu_train_param_inputs(nd->op);

		for (i = 0; i < nd->n_in; i++) {
			uint32_t t = nd->in[i];
			const struct snpu_gtensor *gt;
			struct snpu_param *p;

			if (!(which & (1u << i)) || t >= g->n_tensors || seen[t])
				continue;
			gt = &g->tensors[t];
			if (gt->dtype != SNPU_DT_FLOAT || !gt->data)
				continue;
			seen[t] = 1;
			p = &tr->p[tr->np++];
			p->t = t;
			p->numel = (size_t)snpu_gtensor_numel(gt);
			p->decay = gt->ndim >= 2;
			p->grad = snpu_exec_grad(tr->x, t);
			if (!p->grad) {
				snpu_errf(err, err_size,
					       "node %s: the executor has no gradient for %s",
					       nd->name, gt->name);
				free(seen);
				return -EINVAL;
			}
			p->s1 = calloc(p->numel, sizeof(float));
			p->s2 = adam ? calloc(p->numel, sizeof(float)) : NULL;
			if (!p->s1 || (adam && !p->s2))
				goto err_nomem;
		}
	}
	free(seen);
	if (!tr->np) {
		snpu_errf(err, err_size, "graph %s has nothing to train",
			       g->name ? g->name : "");
		return -EINVAL;
	}
	return 0;

err_nomem:
	free(seen);
	snpu_errf(err, err_size, "out of memory for optimizer state");
	return -ENOMEM;
}

/*
 * Holds pruned weights and their optimizer state at 0. Run before the
 * first step and after every hook call, the only places masks change.
 */
static void snpu_trainer_apply_masks(struct snpu_trainer *tr)
{
	uint32_t i;
	size_t j;

	for (i = 0; i < tr->np; i++) {
		struct snpu_param *p = &tr->p[i];
		struct snpu_gtensor *gt = &tr->g->tensors[p->t];
		const uint8_t *m = gt->mask;

		if (!m)
			continue;
		for (j = 0; j < p->numel; j++) {
			if (!m[j]) {
				gt->data[j] = 0.0f;
				p->s1[j] = 0.0f;
				if (p->s2)
					p->s2[j] = 0.0f;
			}
		}
	}
}

/*
 * Optimizer kernels. Updating every weight is linear work, yet with the
 * executor's sgemm doing the rest it is a quarter of a LeNet step when
 * done one float at a time (divide and square root latency), and the
 * repo's -O2 does not vectorise loops. So there is an SSE2 kernel (every
 * x86-64 has it) doing four at a time and a scalar one for the tail and
 * other CPUs. Both do the same IEEE operations in the same order, so
 * results do not depend on which one ran (no FMA contraction at -O2
 * without -mfma).
 *
 * Masked entries: gradient and state forced to 0 and the weight to +0.0
 * (an AND with the mask, so never -0.0).
 */
struct snpu_opt_step {
	float lr, mu, wd;		/* SGD: lr, momentum, weight decay */
	float b1, b2, c1, c2, eps;	/* Adam: betas, bias corrections, eps */
};

static void snpu_f32_sgd_ukernel__scalar(float *restrict w,
					 const float *restrict g,
					 float *restrict v,
					 const uint8_t *restrict m, size_t n,
					 const struct snpu_opt_step *k)
{
	size_t i;

	for (i = 0; i < n; i++) {
		float vi = k->mu * v[i] + g[i] + k->wd * w[i];

		if (m && !m[i]) {
			v[i] = 0.0f;
			w[i] = 0.0f;
			continue;
		}
		v[i] = vi;
		w[i] = w[i] - k->lr * vi;
	}
}

static void snpu_f32_adam_ukernel__scalar(float *restrict w,
					  const float *restrict g,
					  float *restrict m1,
					  float *restrict m2,
					  const uint8_t *restrict m, size_t n,
					  const struct snpu_opt_step *k)
{
	size_t i;

	for (i = 0; i < n; i++) {
		float gi = m && !m[i] ? 0.0f : g[i];
		float a = k->b1 * m1[i] + (1.0f - k->b1) * gi;
		float s = k->b2 * m2[i] + (1.0f - k->b2) * gi * gi;
		float step = a * k->c1 / (sqrtf(s * k->c2) + k->eps);

		m1[i] = a;
		m2[i] = s;
		w[i] = w[i] - k->lr * (step + k->wd * w[i]);
		if (m && !m[i])
			w[i] = 0.0f;
	}
}

#ifdef __SSE2__
/* All-ones lanes where the mask bytes m[0..3] are 0 (pruned). */
static __m128 snpu_f32_pruned4__sse2(const uint8_t *m)
{
	const __m128i zero = _mm_setzero_si128();
	int32_t bytes;
	__m128i b;

	memcpy(&bytes, m, sizeof(bytes));
	b = _mm_cvtsi32_si128(bytes);
	b = _mm_unpacklo_epi16(_mm_unpacklo_epi8(b, zero), zero);
	return _mm_castsi128_ps(_mm_cmpeq_epi32(b, zero));
}

static void snpu_f32_sgd_ukernel__sse2(float *restrict w,
				       const float *restrict g,
				       float *restrict v,
				       const uint8_t *restrict m, size_t n,
				       const struct snpu_opt_step *k)
{
	const __m128 lr = _mm_set1_ps(k->lr), mu = _mm_set1_ps(k->mu);
	const __m128 wd = _mm_set1_ps(k->wd);
	size_t i, n4 = n & ~(size_t)3;

	for (i = 0; i < n4; i += 4) {
		__m128 wi = _mm_loadu_ps(w + i);
		__m128 vi = _mm_add_ps(_mm_add_ps(_mm_mul_ps(mu, _mm_loadu_ps(v + i)),
						  _mm_loadu_ps(g + i)),
				       _mm_mul_ps(wd, wi));

		wi = _mm_sub_ps(wi, _mm_mul_ps(lr, vi));
		if (m) {
			__m128 pruned = snpu_f32_pruned4__sse2(m + i);

			vi = _mm_andnot_ps(pruned, vi);
			wi = _mm_andnot_ps(pruned, wi);
		}
		_mm_storeu_ps(v + i, vi);
		_mm_storeu_ps(w + i, wi);
	}
	snpu_f32_sgd_ukernel__scalar(w + n4, g + n4, v + n4, m ? m + n4 : NULL,
				     n - n4, k);
}

static void snpu_f32_adam_ukernel__sse2(float *restrict w,
					const float *restrict g,
					float *restrict m1, float *restrict m2,
					const uint8_t *restrict m, size_t n,
					const struct snpu_opt_step *k)
{
	const __m128 lr = _mm_set1_ps(k->lr), wd = _mm_set1_ps(k->wd);
	const __m128 b1 = _mm_set1_ps(k->b1), b2 = _mm_set1_ps(k->b2);
	const __m128 nb1 = _mm_set1_ps(1.0f - k->b1);
	const __m128 nb2 = _mm_set1_ps(1.0f - k->b2);
	const __m128 c1 = _mm_set1_ps(k->c1), c2 = _mm_set1_ps(k->c2);
	const __m128 eps = _mm_set1_ps(k->eps);
	size_t i, n4 = n & ~(size_t)3;

	for (i = 0; i < n4; i += 4) {
		__m128 pruned = m ? snpu_f32_pruned4__sse2(m + i) :
			_mm_setzero_ps();
		__m128 gi = _mm_andnot_ps(pruned, _mm_loadu_ps(g + i));
		__m128 a = _mm_add_ps(_mm_mul_ps(b1, _mm_loadu_ps(m1 + i)),
				      _mm_mul_ps(nb1, gi));
		__m128 s = _mm_add_ps(_mm_mul_ps(b2, _mm_loadu_ps(m2 + i)),
				      _mm_mul_ps(_mm_mul_ps(nb2, gi), gi));
		__m128 step = _mm_div_ps(_mm_mul_ps(a, c1),
					 _mm_add_ps(_mm_sqrt_ps(_mm_mul_ps(s, c2)),
						    eps));
		__m128 wi = _mm_loadu_ps(w + i);

		wi = _mm_sub_ps(wi, _mm_mul_ps(lr, _mm_add_ps(step,
							      _mm_mul_ps(wd, wi))));
		_mm_storeu_ps(m1 + i, a);
		_mm_storeu_ps(m2 + i, s);
		_mm_storeu_ps(w + i, _mm_andnot_ps(pruned, wi));
	}
	snpu_f32_adam_ukernel__scalar(w + n4, g + n4, m1 + n4, m2 + n4,
				      m ? m + n4 : NULL, n - n4, k);
}

#define snpu_f32_sgd_ukernel	snpu_f32_sgd_ukernel__sse2
#define snpu_f32_adam_ukernel	snpu_f32_adam_ukernel__sse2
#else
#define snpu_f32_sgd_ukernel	snpu_f32_sgd_ukernel__scalar
#define snpu_f32_adam_ukernel	snpu_f32_adam_ukernel__scalar
#endif

static void snpu_trainer_update(struct snpu_trainer *tr, float lr)
{
	const struct snpu_train_opts *o = tr->o;
	struct snpu_opt_step k = {
		.lr = lr, .mu = o->momentum,
		.b1 = (float)SNPU_ADAM_BETA1, .b2 = (float)SNPU_ADAM_BETA2,
		.c1 = 1.0f, .c2 = 1.0f, .eps = SNPU_ADAM_EPS,
	};
	uint32_t i;

	if (o->opt == SNPU_OPT_ADAM) {
		/*
		 * Bias corrections 1 / (1 - beta^t), in double: beta2^t is
		 * within 1e-3 of 1 for the first steps.
		 */
		tr->adam_t++;
		k.c1 = (float)(1.0 / (1.0 - pow(SNPU_ADAM_BETA1, (double)tr->adam_t)));
		k.c2 = (float)(1.0 / (1.0 - pow(SNPU_ADAM_BETA2, (double)tr->adam_t)));
	}
	for (i = 0; i < tr->np; i++) {
		struct snpu_param *p = &tr->p[i];
		struct snpu_gtensor *gt = &tr->g->tensors[p->t];

		k.wd = p->decay ? o->weight_decay : 0.0f;
		if (o->opt == SNPU_OPT_SGD)
			snpu_f32_sgd_ukernel(gt->data, p->grad, p->s1, gt->mask,
					     p->numel, &k);
		else
			snpu_f32_adam_ukernel(gt->data, p->grad, p->s1, p->s2,
					      gt->mask, p->numel, &k);
	}
}

static int snpu_train_check_opts(const struct snpu_train_opts *o, char *err,
				 size_t err_size)
{
	if (!o) {
		snpu_errf(err, err_size, "no training options");
		return -EINVAL;
	}
	if (!o->batch) {
		snpu_errf(err, err_size, "batch is 0");
		return -EINVAL;
	}
	if (o->opt != SNPU_OPT_SGD && o->opt != SNPU_OPT_ADAM) {
		snpu_errf(err, err_size, "unknown optimizer %d", (int)o->opt);
		return -EINVAL;
	}
	if (o->sched != SNPU_LR_CONSTANT && o->sched != SNPU_LR_COSINE) {
		snpu_errf(err, err_size, "unknown lr schedule %d",
			       (int)o->sched);
		return -EINVAL;
	}
	if (!(o->lr > 0.0f) || !isfinite(o->lr)) {
		snpu_errf(err, err_size, "learning rate %g: must be > 0",
			       (double)o->lr);
		return -EINVAL;
	}
	if (!(o->momentum >= 0.0f && o->momentum < 1.0f)) {
		snpu_errf(err, err_size, "momentum %g: must be in [0, 1)",
			       (double)o->momentum);
		return -EINVAL;
	}
	if (!(o->weight_decay >= 0.0f) || !isfinite(o->weight_decay)) {
		snpu_errf(err, err_size, "weight decay %g: must be >= 0",
			       (double)o->weight_decay);
		return -EINVAL;
	}
	return 0;
}

/* Gathers the samples perm[first .. first + b) into the executor input. */
static void snpu_train_gather(const struct snpu_dataset *ds,
			      const uint32_t *perm, uint32_t b, float *in,
			      uint8_t *labels)
{
	size_t per = (size_t)ds->c * ds->h * ds->w;
	uint32_t i;

	for (i = 0; i < b; i++) {
		memcpy(in + i * per, ds->x + (size_t)perm[i] * per,
		       per * sizeof(float));
		labels[i] = ds->y[perm[i]];
	}
}

int snpu_train(struct snpu_graph *g, const struct snpu_dataset *ds,
	       const struct snpu_train_opts *o, char *err, size_t err_size)
{
	struct snpu_trainer tr = { .g = g, .o = o };
	uint64_t rng, steps_per_epoch, total, step = 0;
	uint32_t *perm = NULL, batch, epoch, i;
	uint8_t *labels = NULL;
	float *in, *dlogits;
	const float *logits;
	int ret;

	ret = snpu_train_check_opts(o, err, err_size);
	if (!ret)
		ret = snpu_train_check_graph(g, err, err_size);
	if (!ret)
		ret = snpu_train_check_data(ds, err, err_size);
	if (ret)
		return ret;
	if (g->tensors[g->outputs[0]].producer != SNPU_GRAPH_NONE &&
	    g->nodes[g->tensors[g->outputs[0]].producer].op ==
	    SNPU_GOP_SOFTMAX) {
		snpu_errf(err, err_size,
			       "output %s is a Softmax: train the graph that outputs logits",
			       g->tensors[g->outputs[0]].name);
		return -EINVAL;
	}
	if (!o->epochs)
		return 0;

	batch = o->batch < ds->n ? o->batch : ds->n;
	steps_per_epoch = ds->n / batch;
	total = steps_per_epoch * o->epochs;

	ret = snpu_train_plan(g, ds, batch, SNPU_EXEC_GRAD, &tr.x, err, err_size);
	if (ret)
		return ret;
	ret = snpu_trainer_params(&tr, err, err_size);
	if (ret)
		goto out;
	perm = malloc((size_t)ds->n * sizeof(*perm));
	labels = malloc(batch);
	if (!perm || !labels) {
		snpu_errf(err, err_size, "out of memory for %u samples", ds->n);
		ret = -ENOMEM;
		goto out;
	}
	in = snpu_exec_value(tr.x, g->inputs[0]);
	logits = snpu_exec_value(tr.x, g->outputs[0]);
	dlogits = snpu_exec_grad(tr.x, g->outputs[0]);
	snpu_trainer_apply_masks(&tr);

	rng = o->seed ^ SNPU_STREAM_SHUFFLE;
	for (i = 0; i < ds->n; i++)
		perm[i] = i;
	for (epoch = 0; epoch < o->epochs; epoch++) {
		double epoch_loss = 0.0;
		uint64_t s;

		/* Fisher-Yates, continuing one stream across epochs. */
		for (i = ds->n - 1; i > 0; i--) {
			uint32_t j = snpu_rand_below(&rng, i + 1), tmp = perm[i];

			perm[i] = perm[j];
			perm[j] = tmp;
		}
		for (s = 0; s < steps_per_epoch; s++, step++) {
			float loss, lr = o->lr;

			if (o->hook) {
				int hret = o->hook(o->hook_data, step, total);

				if (hret > 0)
					goto out;
				if (hret < 0) {
					snpu_errf(err, err_size,
						       "training hook failed at step %llu of %llu: %d",
						       (unsigned long long)step,
						       (unsigned long long)total, hret);
					ret = hret;
					goto out;
				}
				snpu_trainer_apply_masks(&tr);
			}
			snpu_train_gather(ds, perm + s * batch, batch, in, labels);
			ret = snpu_exec_forward(tr.x);
			if (ret) {
				snpu_errf(err, err_size,
					       "forward pass failed at step %llu: %d",
					       (unsigned long long)step, ret);
				goto out;
			}
			snpu_exec_zero_grad(tr.x);
			loss = snpu_softmax_xent(logits, labels, batch,
						 ds->classes, dlogits);
			if (!isfinite(loss)) {
				snpu_errf(err, err_size,
					       "loss is %g at epoch %u step %llu: training diverged, lower the learning rate (%g)",
					       (double)loss, epoch,
					       (unsigned long long)step,
					       (double)o->lr);
				ret = -ERANGE;
				goto out;
			}
			ret = snpu_exec_backward(tr.x);
			if (ret) {
				snpu_errf(err, err_size,
					       "graph %s cannot be differentiated (backward: %d)",
					       g->name ? g->name : "", ret);
				goto out;
			}
			if (o->sched == SNPU_LR_COSINE)
				lr = (float)(o->lr * 0.5 *
					     (1.0 + cos(M_PI * (double)step /
							(double)total)));
			snpu_trainer_update(&tr, lr);
			epoch_loss += loss;
			if (o->progress)
				o->progress(o->progress_data, epoch, step + 1,
					    total, (float)(epoch_loss / (s + 1)));
		}
	}

out:
	free(labels);
	free(perm);
	snpu_trainer_free(&tr);
	return ret;
}

void snpu_train_opts_default(struct snpu_train_opts *o, enum snpu_arch arch)
{
	memset(o, 0, sizeof(*o));
	o->batch = 64;
	o->opt = SNPU_OPT_ADAM;
	o->sched = SNPU_LR_COSINE;
	o->seed = 1;
	if (arch == SNPU_ARCH_CNN) {
		o->epochs = 4;
		o->lr = 2e-3f;
	} else {
		o->epochs = 10;
		o->lr = 1e-3f;
	}
}
