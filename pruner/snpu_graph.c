// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The pruner's graph IR: construction, structural checks, the canonical
 * form (BatchNormalization folded, Gemm normalized) and the device view of
 * weighted layers. Shape inference lives in snpu_shape.c.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_err.h"
#include "snpu_graph.h"

static const char *const snpu_gop_names[SNPU_GOP_COUNT] = {
	[SNPU_GOP_GEMM] = "Gemm",
	[SNPU_GOP_MATMUL] = "MatMul",
	[SNPU_GOP_CONV] = "Conv",
	[SNPU_GOP_RELU] = "Relu",
	[SNPU_GOP_CLIP] = "Clip",
	[SNPU_GOP_MAXPOOL] = "MaxPool",
	[SNPU_GOP_AVGPOOL] = "AveragePool",
	[SNPU_GOP_GLOBALAVGPOOL] = "GlobalAveragePool",
	[SNPU_GOP_ADD] = "Add",
	[SNPU_GOP_FLATTEN] = "Flatten",
	[SNPU_GOP_RESHAPE] = "Reshape",
	[SNPU_GOP_BATCHNORM] = "BatchNormalization",
	[SNPU_GOP_SOFTMAX] = "Softmax",
};

const char *snpu_gop_name(enum snpu_gop op)
{
	return (unsigned int)op < SNPU_GOP_COUNT ? snpu_gop_names[op] : "?";
}

int snpu_gop_from_name(const char *name)
{
	for (int i = 0; i < SNPU_GOP_COUNT; i++)
		if (!strcmp(snpu_gop_names[i], name))
			return i;
	return -1;
}


struct snpu_graph *snpu_graph_new(const char *name)
{
	struct snpu_graph *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->name = strdup(name ? name : "");
	if (!g->name) {
		free(g);
		return NULL;
	}
	g->opset = 13;
	return g;
}

static void snpu_gtensor_release(struct snpu_gtensor *t)
{
	free(t->name);
	free(t->data);
	free(t->i64);
	free(t->mask);
}

void snpu_graph_free(struct snpu_graph *g)
{
	if (!g)
		return;
	for (uint32_t i = 0; i < g->n_tensors; i++)
		snpu_gtensor_release(&g->tensors[i]);
	for (uint32_t i = 0; i < g->n_nodes; i++)
		free(g->nodes[i].name);
	free(g->tensors);
	free(g->nodes);
	free(g->name);
	free(g);
}

int64_t snpu_gtensor_numel(const struct snpu_gtensor *t)
{
	int64_t n = 1;

	for (uint32_t i = 0; i < t->ndim; i++) {
		if (t->dims[i] < 0)
			return -1;
		if (t->dims[i] && n > INT64_MAX / t->dims[i])
			return -1;
		n *= t->dims[i];
	}
	return n;
}

static void *snpu_dup(const void *src, size_t size)
{
	void *p;

	if (!src)
		return NULL;
	p = malloc(size ? size : 1);
	if (p)
		memcpy(p, src, size);
	return p;
}

struct snpu_graph *snpu_graph_clone(const struct snpu_graph *g)
{
	struct snpu_graph *c = snpu_graph_new(g->name);

	if (!c)
		return NULL;
	c->opset = g->opset;
	c->tensors = calloc(g->n_tensors ? g->n_tensors : 1,
			    sizeof(*c->tensors));
	c->nodes = calloc(g->n_nodes ? g->n_nodes : 1, sizeof(*c->nodes));
	if (!c->tensors || !c->nodes)
		goto err;
	c->cap_tensors = g->n_tensors ? g->n_tensors : 1;
	c->cap_nodes = g->n_nodes ? g->n_nodes : 1;
	for (uint32_t i = 0; i < g->n_tensors; i++) {
		const struct snpu_gtensor *s = &g->tensors[i];
		struct snpu_gtensor *d = &c->tensors[i];
		int64_t n = snpu_gtensor_numel(s);

		*d = *s;
		d->name = strdup(s->name);
		d->data = NULL;
		d->i64 = NULL;
		d->mask = NULL;
		c->n_tensors++;
		if (!d->name)
			goto err;
		if (n < 0 && (s->data || s->i64 || s->mask))
			goto err;
		d->data = snpu_dup(s->data, (size_t)n * sizeof(float));
		d->i64 = snpu_dup(s->i64, (size_t)n * sizeof(int64_t));
		d->mask = snpu_dup(s->mask, (size_t)n);
		if ((s->data && !d->data) || (s->i64 && !d->i64) ||
		    (s->mask && !d->mask))
			goto err;
	}
	for (uint32_t i = 0; i < g->n_nodes; i++) {
		c->nodes[i] = g->nodes[i];
		c->nodes[i].name = strdup(g->nodes[i].name);
		c->n_nodes++;
		if (!c->nodes[i].name)
			goto err;
	}
	c->n_inputs = g->n_inputs;
	memcpy(c->inputs, g->inputs, sizeof(c->inputs));
	c->n_outputs = g->n_outputs;
	memcpy(c->outputs, g->outputs, sizeof(c->outputs));
	return c;
err:
	snpu_graph_free(c);
	return NULL;
}

uint32_t snpu_graph_find(const struct snpu_graph *g, const char *name)
{
	for (uint32_t i = 0; i < g->n_tensors; i++)
		if (!strcmp(g->tensors[i].name, name))
			return i;
	return SNPU_GRAPH_NONE;
}

static uint32_t snpu_graph_new_tensor(struct snpu_graph *g, const char *name,
				      uint32_t ndim, const int64_t *dims)
{
	struct snpu_gtensor *t;

	if (!name || ndim > SNPU_GRAPH_MAX_DIMS ||
	    snpu_graph_find(g, name) != SNPU_GRAPH_NONE ||
	    g->n_tensors >= SNPU_GRAPH_NONE - 1)
		return SNPU_GRAPH_NONE;
	if (g->n_tensors == g->cap_tensors) {
		uint32_t cap = g->cap_tensors ? 2 * g->cap_tensors : 16;
		void *p = realloc(g->tensors, cap * sizeof(*g->tensors));

		if (!p)
			return SNPU_GRAPH_NONE;
		g->tensors = p;
		g->cap_tensors = cap;
	}
	t = &g->tensors[g->n_tensors];
	memset(t, 0, sizeof(*t));
	t->name = strdup(name);
	if (!t->name)
		return SNPU_GRAPH_NONE;
	t->ndim = ndim;
	if (ndim)
		memcpy(t->dims, dims, ndim * sizeof(*dims));
	t->producer = SNPU_GRAPH_NONE;
	return g->n_tensors++;
}

uint32_t snpu_graph_add_tensor(struct snpu_graph *g, const char *name,
			       uint32_t ndim, const int64_t *dims,
			       const float *data)
{
	uint32_t i = snpu_graph_new_tensor(g, name, ndim, dims);
	struct snpu_gtensor *t;
	int64_t n;

	if (i == SNPU_GRAPH_NONE || !data)
		return i;
	t = &g->tensors[i];
	n = snpu_gtensor_numel(t);
	if (n >= 0)
		t->data = snpu_dup(data, (size_t)n * sizeof(float));
	if (!t->data) {
		snpu_gtensor_release(t);
		g->n_tensors--;
		return SNPU_GRAPH_NONE;
	}
	return i;
}

uint32_t snpu_graph_add_i64(struct snpu_graph *g, const char *name,
			    uint32_t ndim, const int64_t *dims,
			    const int64_t *data)
{
	uint32_t i = snpu_graph_new_tensor(g, name, ndim, dims);
	struct snpu_gtensor *t;
	int64_t n;

	if (i == SNPU_GRAPH_NONE)
		return i;
	t = &g->tensors[i];
	t->dtype = SNPU_DT_INT64;
	n = snpu_gtensor_numel(t);
	if (n >= 0 && data)
		t->i64 = snpu_dup(data, (size_t)n * sizeof(int64_t));
	if (!t->i64) {
		snpu_gtensor_release(t);
		g->n_tensors--;
		return SNPU_GRAPH_NONE;
	}
	return i;
}

void snpu_gattr_default(struct snpu_gattr *a)
{
	memset(a, 0, sizeof(*a));
	a->kernel[0] = a->kernel[1] = 1;
	a->strides[0] = a->strides[1] = 1;
	a->dilations[0] = a->dilations[1] = 1;
	a->group = 1;
	a->alpha = 1.0f;
	a->beta = 1.0f;
	a->clip_min = -INFINITY;
	a->clip_max = INFINITY;
	a->epsilon = 1e-5f;
	a->axis = 1;
	a->opset13 = 1;
}

uint32_t snpu_graph_add_node(struct snpu_graph *g, const char *name,
			     enum snpu_gop op, uint32_t n_in,
			     const uint32_t *in, uint32_t out)
{
	struct snpu_gnode *n;

	if ((unsigned int)op >= SNPU_GOP_COUNT || n_in > SNPU_GRAPH_MAX_IO ||
	    out >= g->n_tensors || g->n_nodes >= SNPU_GRAPH_NONE - 1)
		return SNPU_GRAPH_NONE;
	if (g->n_nodes == g->cap_nodes) {
		uint32_t cap = g->cap_nodes ? 2 * g->cap_nodes : 16;
		void *p = realloc(g->nodes, cap * sizeof(*g->nodes));

		if (!p)
			return SNPU_GRAPH_NONE;
		g->nodes = p;
		g->cap_nodes = cap;
	}
	n = &g->nodes[g->n_nodes];
	memset(n, 0, sizeof(*n));
	n->name = strdup(name ? name : "");
	if (!n->name)
		return SNPU_GRAPH_NONE;
	n->op = op;
	n->n_in = n_in;
	for (uint32_t i = 0; i < SNPU_GRAPH_MAX_IO; i++)
		n->in[i] = i < n_in ? in[i] : SNPU_GRAPH_NONE;
	n->n_out = 1;
	n->out[0] = out;
	snpu_gattr_default(&n->attr);
	if (op == SNPU_GOP_SOFTMAX)
		n->attr.axis = g->opset >= 13 ? -1 : 1;
	n->attr.opset13 = g->opset >= 13;
	if (g->tensors[out].producer == SNPU_GRAPH_NONE)
		g->tensors[out].producer = g->n_nodes;
	return g->n_nodes++;
}

/*
 * Readers and consumers skip nodes marked dead (op SNPU_GOP_COUNT) by
 * snpu_graph_canon() before it compacts the node table.
 */
uint32_t snpu_graph_readers(const struct snpu_graph *g, uint32_t t)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < g->n_nodes; i++)
		for (uint32_t j = 0; g->nodes[i].op != SNPU_GOP_COUNT &&
		     j < g->nodes[i].n_in; j++)
			n += g->nodes[i].in[j] == t;
	for (uint32_t i = 0; i < g->n_outputs; i++)
		n += g->outputs[i] == t;
	return n;
}

uint32_t snpu_graph_sole_consumer(const struct snpu_graph *g, uint32_t t)
{
	uint32_t found = SNPU_GRAPH_NONE;

	if (snpu_graph_readers(g, t) != 1)
		return SNPU_GRAPH_NONE;
	for (uint32_t i = 0; i < g->n_nodes; i++)
		for (uint32_t j = 0; g->nodes[i].op != SNPU_GOP_COUNT &&
		     j < g->nodes[i].n_in; j++)
			if (g->nodes[i].in[j] == t)
				found = i;
	return found;
}

/* Inputs each op takes: minimum, maximum. */
static const uint8_t snpu_gop_inputs[SNPU_GOP_COUNT][2] = {
	[SNPU_GOP_GEMM] = { 2, 3 },
	[SNPU_GOP_MATMUL] = { 2, 2 },
	[SNPU_GOP_CONV] = { 2, 3 },
	[SNPU_GOP_RELU] = { 1, 1 },
	[SNPU_GOP_CLIP] = { 1, 1 },
	[SNPU_GOP_MAXPOOL] = { 1, 1 },
	[SNPU_GOP_AVGPOOL] = { 1, 1 },
	[SNPU_GOP_GLOBALAVGPOOL] = { 1, 1 },
	[SNPU_GOP_ADD] = { 2, 2 },
	[SNPU_GOP_FLATTEN] = { 1, 1 },
	[SNPU_GOP_RESHAPE] = { 2, 2 },
	[SNPU_GOP_BATCHNORM] = { 5, 5 },
	[SNPU_GOP_SOFTMAX] = { 1, 1 },
};

void snpu_gop_arity(enum snpu_gop op, uint32_t *min, uint32_t *max)
{
	bool ok = (unsigned int)op < SNPU_GOP_COUNT;

	*min = ok ? snpu_gop_inputs[op][0] : 0;
	*max = ok ? snpu_gop_inputs[op][1] : 0;
}

static bool snpu_graph_is_const(const struct snpu_graph *g, uint32_t t)
{
	return g->tensors[t].data || g->tensors[t].i64;
}

static bool snpu_graph_is_input(const struct snpu_graph *g, uint32_t t)
{
	for (uint32_t i = 0; i < g->n_inputs; i++)
		if (g->inputs[i] == t)
			return true;
	return false;
}

int snpu_graph_check(const struct snpu_graph *g, char *err, size_t err_size)
{
	uint32_t i, j;

	if (!g->n_inputs || !g->n_outputs) {
		snpu_errf(err, err_size, "graph '%s' has no %s", g->name,
			       g->n_inputs ? "outputs" : "inputs");
		return -EINVAL;
	}
	for (i = 0; i < g->n_inputs; i++) {
		uint32_t t = g->inputs[i];

		if (t >= g->n_tensors || snpu_graph_is_const(g, t) ||
		    g->tensors[t].producer != SNPU_GRAPH_NONE ||
		    g->tensors[t].dtype != SNPU_DT_FLOAT) {
			snpu_errf(err, err_size,
				       "graph input %u is not a float value fed by the caller",
				       i);
			return -EINVAL;
		}
	}
	for (i = 0; i < g->n_tensors; i++) {
		const struct snpu_gtensor *t = &g->tensors[i];

		if (t->producer != SNPU_GRAPH_NONE &&
		    (t->producer >= g->n_nodes || snpu_graph_is_const(g, i) ||
		     g->nodes[t->producer].out[0] != i)) {
			snpu_errf(err, err_size,
				       "tensor '%s': bad producer", t->name);
			return -EINVAL;
		}
	}
	for (i = 0; i < g->n_nodes; i++) {
		const struct snpu_gnode *n = &g->nodes[i];
		const char *op = snpu_gop_name(n->op);

		if ((unsigned int)n->op >= SNPU_GOP_COUNT ||
		    n->n_in < snpu_gop_inputs[n->op][0] ||
		    n->n_in > snpu_gop_inputs[n->op][1] || n->n_out != 1) {
			snpu_errf(err, err_size,
				       "node %u '%s' (%s): wrong number of inputs (%u)",
				       i, n->name, op, n->n_in);
			return -EINVAL;
		}
		if (n->out[0] >= g->n_tensors ||
		    g->tensors[n->out[0]].producer != i) {
			snpu_errf(err, err_size,
				       "node %u '%s' (%s): output written by another node or a constant",
				       i, n->name, op);
			return -EINVAL;
		}
		for (j = 0; j < n->n_in; j++) {
			uint32_t t = n->in[j];
			bool optional = j == 2 && (n->op == SNPU_GOP_GEMM ||
						   n->op == SNPU_GOP_CONV);
			bool shape = n->op == SNPU_GOP_RESHAPE && j == 1;

			if (t == SNPU_GRAPH_NONE && optional)
				continue;
			if (t >= g->n_tensors) {
				snpu_errf(err, err_size,
					       "node %u '%s' (%s): input %u missing",
					       i, n->name, op, j);
				return -EINVAL;
			}
			if (!snpu_graph_is_const(g, t) &&
			    !snpu_graph_is_input(g, t) &&
			    (g->tensors[t].producer == SNPU_GRAPH_NONE ||
			     g->tensors[t].producer >= i)) {
				snpu_errf(err, err_size,
					       "node %u '%s' (%s): input '%s' is not computed before it",
					       i, n->name, op, g->tensors[t].name);
				return -EINVAL;
			}
			if (shape != (g->tensors[t].dtype == SNPU_DT_INT64) ||
			    (shape && !g->tensors[t].i64)) {
				snpu_errf(err, err_size,
					       "node %u '%s' (%s): input '%s' has the wrong type%s",
					       i, n->name, op, g->tensors[t].name,
					       shape ? " (the shape must be an int64 constant)" : "");
				return -EINVAL;
			}
		}
		if (n->op == SNPU_GOP_BATCHNORM)
			for (j = 1; j < 5; j++)
				if (!snpu_graph_is_const(g, n->in[j])) {
					snpu_errf(err, err_size,
						       "node %u '%s' (%s): parameter %u is not a constant",
						       i, n->name, op, j);
					return -EINVAL;
				}
	}
	for (i = 0; i < g->n_outputs; i++) {
		uint32_t t = g->outputs[i];

		if (t >= g->n_tensors ||
		    (g->tensors[t].producer == SNPU_GRAPH_NONE &&
		     !snpu_graph_is_input(g, t))) {
			snpu_errf(err, err_size,
				       "graph output %u is not computed", i);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- canonical form ------------------------------------------------------ */

/* Drop nodes marked with op == SNPU_GOP_COUNT and renumber producers. */
static void snpu_graph_compact_nodes(struct snpu_graph *g)
{
	uint32_t w = 0;

	for (uint32_t i = 0; i < g->n_nodes; i++) {
		if (g->nodes[i].op == SNPU_GOP_COUNT) {
			free(g->nodes[i].name);
			continue;
		}
		g->nodes[w++] = g->nodes[i];
	}
	g->n_nodes = w;
	for (uint32_t i = 0; i < g->n_tensors; i++)
		g->tensors[i].producer = SNPU_GRAPH_NONE;
	for (uint32_t i = 0; i < g->n_nodes; i++)
		g->tensors[g->nodes[i].out[0]].producer = i;
}

/* Drop tensors nothing refers to and renumber. */
static int snpu_graph_compact_tensors(struct snpu_graph *g)
{
	uint32_t *map = malloc((g->n_tensors ? g->n_tensors : 1) *
			       sizeof(*map));
	uint32_t w = 0, i, j;

	if (!map)
		return -ENOMEM;
	for (i = 0; i < g->n_tensors; i++)
		map[i] = SNPU_GRAPH_NONE;
	for (i = 0; i < g->n_nodes; i++) {
		for (j = 0; j < g->nodes[i].n_in; j++)
			if (g->nodes[i].in[j] != SNPU_GRAPH_NONE)
				map[g->nodes[i].in[j]] = 0;
		map[g->nodes[i].out[0]] = 0;
	}
	for (i = 0; i < g->n_inputs; i++)
		map[g->inputs[i]] = 0;
	for (i = 0; i < g->n_outputs; i++)
		map[g->outputs[i]] = 0;
	for (i = 0; i < g->n_tensors; i++) {
		if (map[i] == SNPU_GRAPH_NONE) {
			snpu_gtensor_release(&g->tensors[i]);
			continue;
		}
		map[i] = w;
		g->tensors[w++] = g->tensors[i];
	}
	g->n_tensors = w;
	for (i = 0; i < g->n_nodes; i++) {
		for (j = 0; j < g->nodes[i].n_in; j++)
			if (g->nodes[i].in[j] != SNPU_GRAPH_NONE)
				g->nodes[i].in[j] = map[g->nodes[i].in[j]];
		g->nodes[i].out[0] = map[g->nodes[i].out[0]];
	}
	for (i = 0; i < g->n_inputs; i++)
		g->inputs[i] = map[g->inputs[i]];
	for (i = 0; i < g->n_outputs; i++)
		g->outputs[i] = map[g->outputs[i]];
	free(map);
	return 0;
}

/* A zero bias of @n floats for node @node's input 2; tensor index. */
static uint32_t snpu_graph_zero_bias(struct snpu_graph *g, uint32_t node,
				     int64_t n)
{
	char name[256];
	float *zero = calloc((size_t)n, sizeof(float));
	uint32_t t;

	if (!zero)
		return SNPU_GRAPH_NONE;
	for (int k = 0;; k++) {
		snprintf(name, sizeof(name), "%s_%s_bias%.0d",
			 g->tensors[g->nodes[node].out[0]].name,
			 snpu_gop_name(g->nodes[node].op), k);
		if (snpu_graph_find(g, name) == SNPU_GRAPH_NONE)
			break;
	}
	t = snpu_graph_add_tensor(g, name, 1, &n, zero);
	free(zero);
	return t;
}

/* The weights of a constant that only this node reads, for rewriting. */
static bool snpu_graph_private_const(const struct snpu_graph *g, uint32_t t)
{
	return t < g->n_tensors && g->tensors[t].data &&
	       g->tensors[t].dtype == SNPU_DT_FLOAT &&
	       snpu_graph_readers(g, t) == 1;
}

static int snpu_canon_gemm(struct snpu_graph *g, uint32_t i, char *err,
			   size_t err_size)
{
	struct snpu_gnode *n = &g->nodes[i];
	struct snpu_gtensor *b = &g->tensors[n->in[1]];
	int64_t rows, k, nb;
	float *t;

	if (b->ndim != 2) {
		snpu_errf(err, err_size,
			       "node %u '%s' (Gemm): B must be 2-D", i,
			       n->name);
		return -EINVAL;
	}
	rows = n->attr.trans_b ? b->dims[0] : b->dims[1];
	k = n->attr.trans_b ? b->dims[1] : b->dims[0];
	if (!n->attr.trans_b) {
		t = malloc((size_t)(rows * k) * sizeof(float));
		if (!t)
			return -ENOMEM;
		for (int64_t r = 0; r < rows; r++)
			for (int64_t c = 0; c < k; c++)
				t[r * k + c] = b->data[c * rows + r];
		free(b->data);
		b->data = t;
		if (b->mask) {
			uint8_t *m = malloc((size_t)(rows * k));

			if (!m)
				return -ENOMEM;
			for (int64_t r = 0; r < rows; r++)
				for (int64_t c = 0; c < k; c++)
					m[r * k + c] = b->mask[c * rows + r];
			free(b->mask);
			b->mask = m;
		}
		b->dims[0] = rows;
		b->dims[1] = k;
		n->attr.trans_b = 1;
	}
	if (n->attr.alpha != 1.0f) {
		for (int64_t j = 0; j < rows * k; j++)
			b->data[j] *= n->attr.alpha;
		n->attr.alpha = 1.0f;
	}
	if (n->n_in < 3 || n->in[2] == SNPU_GRAPH_NONE) {
		uint32_t c = snpu_graph_zero_bias(g, i, rows);

		if (c == SNPU_GRAPH_NONE)
			return -ENOMEM;
		n = &g->nodes[i];
		n->in[2] = c;
		n->n_in = 3;
		n->attr.beta = 1.0f;
		return 0;
	}
	{
		struct snpu_gtensor *c = &g->tensors[n->in[2]];

		nb = snpu_gtensor_numel(c);
		if (!snpu_graph_private_const(g, n->in[2]) ||
		    (nb != rows && nb != 1) ||
		    (c->ndim == 2 && c->dims[0] != 1)) {
			snpu_errf(err, err_size,
				       "node %u '%s' (Gemm): C must be a constant vector of %lld values read by this node only",
				       i, n->name, (long long)rows);
			return -EINVAL;
		}
		if (nb == 1 && rows != 1) {
			float v = c->data[0];

			t = malloc((size_t)rows * sizeof(float));
			if (!t)
				return -ENOMEM;
			for (int64_t r = 0; r < rows; r++)
				t[r] = v;
			free(c->data);
			c->data = t;
		}
		c->ndim = 1;
		c->dims[0] = rows;
		for (int64_t r = 0; r < rows; r++)
			c->data[r] *= n->attr.beta;
		n->attr.beta = 1.0f;
	}
	return 0;
}

/* MatMul(x, W[k][n]) (+ Add(bias[n])) -> Gemm(x, W^T, bias), trans_b = 1. */
static int snpu_canon_matmul(struct snpu_graph *g, uint32_t i,
			     const struct snpu_graph *shapes)
{
	struct snpu_gnode *n = &g->nodes[i];
	uint32_t out = n->out[0], add, bias = SNPU_GRAPH_NONE;

	if (!snpu_graph_private_const(g, n->in[1]) ||
	    g->tensors[n->in[1]].ndim != 2 ||
	    shapes->tensors[n->in[0]].ndim != 2)
		return 0;
	add = snpu_graph_sole_consumer(g, out);
	if (add != SNPU_GRAPH_NONE && g->nodes[add].op == SNPU_GOP_ADD) {
		struct snpu_gnode *a = &g->nodes[add];
		uint32_t other = a->in[0] == out ? a->in[1] : a->in[0];
		const struct snpu_gtensor *o = &g->tensors[other];

		if (snpu_graph_private_const(g, other) &&
		    snpu_gtensor_numel(o) == g->tensors[n->in[1]].dims[1] &&
		    (o->ndim == 1 || (o->ndim == 2 && o->dims[0] == 1))) {
			bias = other;
			n->out[0] = a->out[0];
			a->op = SNPU_GOP_COUNT;
		}
	}
	n->op = SNPU_GOP_GEMM;
	n->n_in = 3;
	n->in[2] = bias;
	return 0;
}

/* Fold BatchNormalization node @bn into the Conv/Gemm node @i before it. */
static void snpu_canon_fold_bn(struct snpu_graph *g, uint32_t i, uint32_t bn)
{
	struct snpu_gnode *n = &g->nodes[i], *b = &g->nodes[bn];
	struct snpu_gtensor *w = &g->tensors[n->in[1]];
	float *bias = g->tensors[n->in[2]].data;
	const float *scale = g->tensors[b->in[1]].data;
	const float *shift = g->tensors[b->in[2]].data;
	const float *mean = g->tensors[b->in[3]].data;
	const float *var = g->tensors[b->in[4]].data;
	int64_t rows = w->dims[0];
	int64_t k = snpu_gtensor_numel(w) / rows;

	for (int64_t o = 0; o < rows; o++) {
		double f = scale[o] / sqrt((double)var[o] + b->attr.epsilon);

		for (int64_t j = 0; j < k; j++)
			w->data[o * k + j] = (float)(w->data[o * k + j] * f);
		bias[o] = (float)((bias[o] - mean[o]) * f + shift[o]);
	}
	n->out[0] = b->out[0];
	b->op = SNPU_GOP_COUNT;
}

static bool snpu_canon_bn_foldable(const struct snpu_graph *g, uint32_t i,
				   uint32_t bn)
{
	const struct snpu_gnode *b = &g->nodes[bn];
	int64_t rows = g->tensors[g->nodes[i].in[1]].dims[0];

	if (b->op != SNPU_GOP_BATCHNORM || b->in[0] != g->nodes[i].out[0])
		return false;
	for (uint32_t j = 1; j < 5; j++)
		if (!g->tensors[b->in[j]].data ||
		    snpu_gtensor_numel(&g->tensors[b->in[j]]) != rows)
			return false;
	return snpu_graph_private_const(g, g->nodes[i].in[1]) &&
	       snpu_graph_private_const(g, g->nodes[i].in[2]);
}

int snpu_graph_canon(struct snpu_graph *g, char *err, size_t err_size)
{
	struct snpu_graph *shapes;
	int ret;

	ret = snpu_graph_check(g, err, err_size);
	if (ret)
		return ret;
	shapes = snpu_graph_clone(g);
	if (!shapes)
		return -ENOMEM;
	ret = snpu_graph_infer_shapes(shapes, 1, err, err_size);
	for (uint32_t i = 0; !ret && i < g->n_nodes; i++) {
		struct snpu_gnode *n = &g->nodes[i];

		if (n->op == SNPU_GOP_MATMUL)
			ret = snpu_canon_matmul(g, i, shapes);
		n = &g->nodes[i];
		if (ret || (n->op != SNPU_GOP_GEMM && n->op != SNPU_GOP_CONV))
			continue;
		if (!g->tensors[n->in[1]].data)
			continue;
		if (n->op == SNPU_GOP_GEMM) {
			if (n->attr.trans_a) {
				snpu_errf(err, err_size,
					       "node %u '%s' (Gemm): transA is not supported",
					       i, n->name);
				ret = -EINVAL;
				break;
			}
			if (!snpu_graph_private_const(g, n->in[1])) {
				snpu_errf(err, err_size,
					       "node %u '%s' (Gemm): B is shared with another node",
					       i, n->name);
				ret = -EINVAL;
				break;
			}
			ret = snpu_canon_gemm(g, i, err, err_size);
		} else if (n->n_in < 3 || n->in[2] == SNPU_GRAPH_NONE) {
			uint32_t c = snpu_graph_zero_bias(g, i,
					g->tensors[n->in[1]].dims[0]);

			if (c == SNPU_GRAPH_NONE) {
				ret = -ENOMEM;
				break;
			}
			g->nodes[i].in[2] = c;
			g->nodes[i].n_in = 3;
		}
		if (ret)
			break;
		n = &g->nodes[i];
		{
			uint32_t bn = snpu_graph_sole_consumer(g, n->out[0]);

			if (bn != SNPU_GRAPH_NONE &&
			    snpu_canon_bn_foldable(g, i, bn))
				snpu_canon_fold_bn(g, i, bn);
		}
	}
	snpu_graph_free(shapes);
	if (ret)
		return ret;
	snpu_graph_compact_nodes(g);
	ret = snpu_graph_compact_tensors(g);
	if (ret)
		return ret;
	return snpu_graph_check(g, err, err_size);
}

/* ---- device view of weighted layers -------------------------------------- */

/* The 4-D shape [n, c, h, w] a Gemm's input was flattened from, if any. */
static bool snpu_wview_flat_source(const struct snpu_graph *g, uint32_t a,
				   int64_t *c, int64_t *h, int64_t *w)
{
	uint32_t p = g->tensors[a].producer;
	const struct snpu_gtensor *src;

	if (p == SNPU_GRAPH_NONE || (g->nodes[p].op != SNPU_GOP_FLATTEN &&
				     g->nodes[p].op != SNPU_GOP_RESHAPE))
		return false;
	src = &g->tensors[g->nodes[p].in[0]];
	if (src->ndim == 4) {
		*c = src->dims[1];
		*h = src->dims[2];
		*w = src->dims[3];
	} else if (src->ndim == 3) {
		*c = src->dims[1];
		*h = 1;
		*w = src->dims[2];
	} else {
		return false;
	}
	return *h * *w > 1;
}

static int snpu_wview_make(const struct snpu_graph *g, uint32_t i,
			   struct snpu_wview *v, char *err, size_t err_size)
{
	const struct snpu_gnode *n = &g->nodes[i];
	const struct snpu_gtensor *w = &g->tensors[n->in[1]];
	int64_t rows = w->dims[0], k, c, kh, kw, h, ww;

	if (n->n_in < 3 || n->in[2] == SNPU_GRAPH_NONE ||
	    (n->op == SNPU_GOP_GEMM && (!n->attr.trans_b || n->attr.trans_a ||
					w->ndim != 2))) {
		snpu_errf(err, err_size,
			       "node %u '%s' (%s): not in canonical form (run snpu_graph_canon)",
			       i, n->name, snpu_gop_name(n->op));
		return -EINVAL;
	}
	k = snpu_gtensor_numel(w) / (rows ? rows : 1);
	if (rows <= 0 || k <= 0 || rows > UINT32_MAX || k > UINT32_MAX) {
		snpu_errf(err, err_size, "node %u '%s': bad weight shape",
			       i, n->name);
		return -EINVAL;
	}
	v->node = i;
	v->weight = n->in[1];
	v->bias = n->in[2];
	v->rows = (uint32_t)rows;
	v->k = (uint32_t)k;
	v->perm = malloc((size_t)k * sizeof(*v->perm));
	if (!v->perm)
		return -ENOMEM;
	for (int64_t j = 0; j < k; j++)
		v->perm[j] = (uint32_t)j;
	if (n->op == SNPU_GOP_CONV) {
		c = w->dims[1];
		kh = w->ndim == 4 ? w->dims[2] : 1;
		kw = w->dims[w->ndim - 1];
		/* device (y, x, ch) <- ONNX (ch, y, x) */
		for (int64_t y = 0; y < kh; y++)
			for (int64_t x = 0; x < kw; x++)
				for (int64_t ch = 0; ch < c; ch++)
					v->perm[(y * kw + x) * c + ch] =
						(uint32_t)(ch * kh * kw +
							   y * kw + x);
	} else if (snpu_wview_flat_source(g, n->in[0], &c, &h, &ww) &&
		   c * h * ww == k) {
		for (int64_t y = 0; y < h; y++)
			for (int64_t x = 0; x < ww; x++)
				for (int64_t ch = 0; ch < c; ch++)
					v->perm[(y * ww + x) * c + ch] =
						(uint32_t)(ch * h * ww +
							   y * ww + x);
	}
	return 0;
}

int snpu_graph_wviews(const struct snpu_graph *g, struct snpu_wview **views,
		      char *err, size_t err_size)
{
	struct snpu_wview *v = NULL;
	int n = 0, ret;

	*views = NULL;
	for (uint32_t i = 0; i < g->n_nodes; i++) {
		const struct snpu_gnode *node = &g->nodes[i];
		void *p;

		if ((node->op != SNPU_GOP_GEMM && node->op != SNPU_GOP_CONV) ||
		    !g->tensors[node->in[1]].data)
			continue;
		p = realloc(v, (size_t)(n + 1) * sizeof(*v));
		if (!p) {
			snpu_wviews_free(v, n);
			return -ENOMEM;
		}
		v = p;
		ret = snpu_wview_make(g, i, &v[n], err, err_size);
		if (ret) {
			snpu_wviews_free(v, n);
			return ret;
		}
		n++;
	}
	*views = v;
	return n;
}

void snpu_wviews_free(struct snpu_wview *views, int n)
{
	for (int i = 0; views && i < n; i++)
		free(views[i].perm);
	free(views);
}

void snpu_wview_get(const struct snpu_graph *g, const struct snpu_wview *v,
		    float *w, uint8_t *mask)
{
	const struct snpu_gtensor *t = &g->tensors[v->weight];

	for (size_t r = 0; r < v->rows; r++) {
		size_t row = r * v->k;

		for (size_t j = 0; j < v->k; j++) {
			w[row + j] = t->data[row + v->perm[j]];
			if (mask)
				mask[row + j] = t->mask ?
						t->mask[row + v->perm[j]] : 1;
		}
	}
}

int snpu_wview_put(struct snpu_graph *g, const struct snpu_wview *v,
		   const float *w, const uint8_t *mask)
{
	struct snpu_gtensor *t = &g->tensors[v->weight];
	size_t n = (size_t)v->rows * v->k;

	if (mask && !t->mask) {
		t->mask = malloc(n);
		if (!t->mask)
			return -ENOMEM;
	}
	for (size_t r = 0; r < v->rows; r++) {
		size_t row = r * v->k;

		for (size_t j = 0; j < v->k; j++) {
			t->data[row + v->perm[j]] = w[row + j];
			if (mask)
				t->mask[row + v->perm[j]] = mask[row + j];
		}
	}
	return 0;
}
