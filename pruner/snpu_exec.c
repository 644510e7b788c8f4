// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fp32 reference executor: forward and backward over a struct snpu_graph
 * (see snpu_exec.h for the API and the op list in snpu_graph.h).
 *
 * Planning, in snpu_exec_create(), does everything that can fail: the
 * graph is checked, shapes are inferred on a shallow copy of the tensor
 * table (names and data stay the caller's, only the copy's extents are
 * written), and every computed tensor gets a value buffer (plus a gradient
 * buffer with SNPU_EXEC_GRAD, also for float constants), every node its
 * geometry (Conv/pool windows, broadcast strides, MatMul batching), and
 * Conv one shared im2col scratch. Running allocates nothing.
 *
 * Gemm, MatMul and Conv go through OpenBLAS sgemm: Conv as im2col (ONNX
 * K order c, kh, kw) of a chunk of samples side by side, then one sgemm
 * per group and chunk (a product per sample is too small for BLAS to run
 * well: on the trainer's CNN the per-sample form was several times
 * slower). Backward recomputes the columns instead of keeping them from
 * forward, trading a cheap memory-bound pass for batch x K x P floats per
 * layer.
 *
 * Constants are read from the caller's graph at every run, so an optimizer
 * updating weights in place is seen by the next forward; their extents
 * are compared with the plan first so a graph edited behind the
 * executor's back fails with -EINVAL instead of overrunning a buffer.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_exec.h"

/**
 * struct snpu_exec_bcast - numpy broadcast of one or two operands onto a
 *	contiguous output, with extent-1 dims dropped and contiguous runs
 *	merged so the innermost loop is as long as possible
 * @ndim: dims left (at least 1).
 * @dims: their extents (outermost first).
 * @st: element strides of operand 0 and 1 per dim; 0 where broadcast.
 */
struct snpu_exec_bcast {
	uint32_t ndim;
	int64_t dims[SNPU_GRAPH_MAX_DIMS];
	int64_t st[2][SNPU_GRAPH_MAX_DIMS];
};

/**
 * struct snpu_exec_bciter - position in a &struct snpu_exec_bcast walk,
 *	one innermost row at a time
 * @idx: index of every outer dim.
 * @off: element offset of each operand at the start of the row.
 * @row: rows done (the output offset is @row times the inner extent).
 */
struct snpu_exec_bciter {
	int64_t idx[SNPU_GRAPH_MAX_DIMS];
	int64_t off[2];
	int64_t row;
};

/**
 * struct snpu_exec_win - Conv or pool geometry; 1-D ops have h = kh = 1
 * @n: batch.
 * @c: input channels.
 * @h: input height.
 * @w: input width.
 * @o: output channels (pools: @c).
 * @oh: output height.
 * @ow: output width.
 * @kh: kernel height.
 * @kw: kernel width.
 * @sh: vertical stride.
 * @sw: horizontal stride.
 * @dh: vertical dilation.
 * @dw: horizontal dilation.
 * @pt: top pad (auto_pad resolved).
 * @pl: left pad.
 * @pb: bottom pad.
 * @pr: right pad.
 * @group: Conv groups (pools: 1).
 * @chunk: Conv: samples whose columns go side by side into one sgemm.
 */
struct snpu_exec_win {
	int64_t n, c, h, w;
	int64_t o, oh, ow;
	int64_t kh, kw, sh, sw, dh, dw;
	int64_t pt, pl, pb, pr;
	int64_t group;
	int64_t chunk;
};

/**
 * struct snpu_exec_mm - MatMul batching
 * @m: rows of each product.
 * @k: inner extent.
 * @n: columns of each product.
 * @batch: products (prod of @bdims).
 * @flat: B has a single matrix (so the batch is A's): A folds to
 *	[@batch * @m, @k] and one sgemm does the whole node.
 * @nb: batch dims.
 * @bdims: broadcast batch extents.
 * @sa: A's stride per batch dim, in matrices (0 where broadcast).
 * @sb: B's, likewise.
 */
struct snpu_exec_mm {
	int64_t m, k, n, batch;
	bool flat;
	uint32_t nb;
	int64_t bdims[SNPU_GRAPH_MAX_DIMS];
	int64_t sa[SNPU_GRAPH_MAX_DIMS], sb[SNPU_GRAPH_MAX_DIMS];
};

/**
 * struct snpu_exec_node - one node as planned
 * @gn: copy of the graph's node (name not kept), so the plan does not
 *	depend on the caller's node table staying put.
 * @win: Conv and pool geometry.
 * @bc: Add (A, B) and Gemm (C) broadcast.
 * @mm: MatMul batching.
 * @outer: Softmax: rows before the axis; BatchNormalization and
 *	GlobalAveragePool: batch.
 * @mid: Softmax: extent reduced over; BatchNormalization and
 *	GlobalAveragePool: channels.
 * @inner: Softmax: stride of the axis; BatchNormalization and
 *	GlobalAveragePool: spatial size.
 * @argmax: MaxPool with SNPU_EXEC_GRAD: input offset (within the sample's
 *	channel plane) of each output's maximum, -1 for none.
 * @span: pools: per output row, then per output column, the kernel taps
 *	[lo, hi) that land inside the input and the number of taps inside
 *	the padded input (AveragePool's count_include_pad divisor); fixed by
 *	the geometry, so computed once instead of per element.
 */
struct snpu_exec_node {
	struct snpu_gnode gn;
	struct snpu_exec_win win;
	struct snpu_exec_bcast bc;
	struct snpu_exec_mm mm;
	int64_t outer, mid, inner;
	int32_t *argmax;
	int64_t (*span)[3];
};

/**
 * struct snpu_exec_tensor - one tensor as planned
 * @ndim: rank.
 * @dims: extents (batch applied).
 * @numel: elements.
 * @constant: data comes from the graph (float or int64 constant).
 * @planned: a computed tensor some node writes or the caller feeds; the
 *	others (unreferenced) have no buffers.
 * @val: computed tensors: the value buffer (owned).
 * @grad: gradient buffer (owned), with SNPU_EXEC_GRAD, for computed
 *	tensors and float constants.
 */
struct snpu_exec_tensor {
	uint32_t ndim;
	int64_t dims[SNPU_GRAPH_MAX_DIMS];
	size_t numel;
	bool constant;
	bool planned;
	float *val;
	float *grad;
};

/**
 * struct snpu_exec - a planned graph
 * @g: the caller's graph (constants are read from it).
 * @flags: SNPU_EXEC_* flags.
 * @n_tensors: entries in @t (the graph's count at planning).
 * @t: tensors.
 * @n_nodes: entries in @nodes.
 * @nodes: nodes.
 * @cols: Conv scratch, the largest of any Conv's columns (K x chunk * P
 *	floats) followed by its product (O / group x chunk * P).
 */
struct snpu_exec {
	const struct snpu_graph *g;
	unsigned int flags;
	uint32_t n_tensors;
	struct snpu_exec_tensor *t;
	uint32_t n_nodes;
	struct snpu_exec_node *nodes;
	float *cols;
};

/*
 * Conv scratch cap in floats (16 MiB): the im2col columns of a chunk of
 * samples side by side make one wide sgemm per group, which BLAS runs far
 * better (and on more threads) than one small product per sample.
 */
#define SNPU_EXEC_COLS_CAP	((size_t)4 << 20)

/* ---- helpers ------------------------------------------------------------- */

static const float *snpu_exec_in(const struct snpu_exec *x, uint32_t t)
{
	return x->t[t].constant ? x->g->tensors[t].data : x->t[t].val;
}

/* Gradient buffer of a node input, NULL for an omitted or int64 one. */
static float *snpu_exec_gin(const struct snpu_exec *x, uint32_t t)
{
	return t < x->n_tensors ? x->t[t].grad : NULL;
}

/*
 * Row-major sgemm, C = alpha * op(A) op(B) + beta * C, that accepts empty
 * extents (BLAS rejects leading dimensions of 0).
 */
static void snpu_exec_sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
			    float alpha, const float *a, int64_t lda,
			    const float *b, int64_t ldb, float beta, float *c,
			    int64_t ldc)
{
	if (!m || !n)
		return;
	if (!k) {
		for (int64_t i = 0; i < m; i++)
			for (int64_t j = 0; j < n; j++)
				c[i * ldc + j] = beta ? beta * c[i * ldc + j] : 0;
		return;
	}
	cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
		    tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
		    alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

/*
 * Plan the broadcast of operands @a and (optional) @b onto @out, numpy
 * style (right-aligned; an extent of 1 repeats).
 */
static void snpu_exec_bcast_plan(struct snpu_exec_bcast *p,
				 const struct snpu_exec_tensor *out,
				 const struct snpu_exec_tensor *a,
				 const struct snpu_exec_tensor *b)
{
	const struct snpu_exec_tensor *ops[2] = { a, b };
	int64_t st[2][SNPU_GRAPH_MAX_DIMS], acc[2] = { 1, 1 };
	uint32_t r = out->ndim;

	for (uint32_t i = r; i-- > 0;) {
		for (int k = 0; k < 2; k++) {
			const struct snpu_exec_tensor *o = ops[k];
			int64_t ai = (int64_t)i - (int64_t)(r - (o ? o->ndim : 0));

			if (!o || ai < 0 || o->dims[ai] == 1) {
				st[k][i] = 0;
			} else {
				st[k][i] = acc[k];
				acc[k] *= o->dims[ai];
			}
		}
	}
	p->ndim = 0;
	for (uint32_t i = 0; i < r; i++) {
		uint32_t l = p->ndim - 1;

		if (out->dims[i] == 1)
			continue;
		if (p->ndim && p->st[0][l] == st[0][i] * out->dims[i] &&
		    p->st[1][l] == st[1][i] * out->dims[i]) {
			p->dims[l] *= out->dims[i];
			p->st[0][l] = st[0][i];
			p->st[1][l] = st[1][i];
			continue;
		}
		p->dims[p->ndim] = out->dims[i];
		p->st[0][p->ndim] = st[0][i];
		p->st[1][p->ndim] = st[1][i];
		p->ndim++;
	}
	if (!p->ndim) {
		p->ndim = 1;
		p->dims[0] = 1;
		p->st[0][0] = 0;
		p->st[1][0] = 0;
	}
}

/* Step @it to the next innermost row; false when the walk is over. */
static bool snpu_exec_bcast_next(const struct snpu_exec_bcast *p,
				 struct snpu_exec_bciter *it)
{
	it->row++;
	for (int d = (int)p->ndim - 2; d >= 0; d--) {
		it->idx[d]++;
		it->off[0] += p->st[0][d];
		it->off[1] += p->st[1][d];
		if (it->idx[d] < p->dims[d])
			return true;
		it->off[0] -= p->st[0][d] * p->dims[d];
		it->off[1] -= p->st[1][d] * p->dims[d];
		it->idx[d] = 0;
	}
	return false;
}

/* y = alpha * a (+ b when @b), broadcast as planned. */
static void snpu_exec_bcast_fwd(const struct snpu_exec_bcast *p, float alpha,
				const float *a, const float *b, float *y)
{
	const uint32_t l = p->ndim - 1;
	const int64_t n = p->dims[l], sa = p->st[0][l], sb = p->st[1][l];
	struct snpu_exec_bciter it = { 0 };

	do {
		const float *ar = a + it.off[0];
		float *yr = y + it.row * n;

		if (b) {
			const float *br = b + it.off[1];

			for (int64_t i = 0; i < n; i++)
				yr[i] = ar[i * sa] + br[i * sb];
		} else {
			for (int64_t i = 0; i < n; i++)
				yr[i] = alpha * ar[i * sa];
		}
	} while (snpu_exec_bcast_next(p, &it));
}

/* ga += alpha * gy summed over operand @k's broadcast dims. */
static void snpu_exec_bcast_reduce(const struct snpu_exec_bcast *p, int k,
				   float alpha, const float *gy, float *ga)
{
	const uint32_t l = p->ndim - 1;
	const int64_t n = p->dims[l], s = p->st[k][l];
	struct snpu_exec_bciter it = { 0 };

	do {
		const float *gr = gy + it.row * n;
		float *ar = ga + it.off[k];

		if (s) {
			for (int64_t i = 0; i < n; i++)
				ar[i * s] += alpha * gr[i];
		} else {
			float sum = 0;

			for (int64_t i = 0; i < n; i++)
				sum += gr[i];
			ar[0] += alpha * sum;
		}
	} while (snpu_exec_bcast_next(p, &it));
}

/* ---- planning ------------------------------------------------------------ */

/* SAME_UPPER / SAME_LOWER pads of one axis, as snpu_shape.c sized it. */
static void snpu_exec_same_pads(int auto_pad, int64_t in, int64_t out,
				int64_t s, int64_t ek, int64_t *begin,
				int64_t *end)
{
	int64_t total = (out - 1) * s + ek - in;

	if (total < 0)
		total = 0;
	*begin = auto_pad == 1 ? total / 2 : total - total / 2;
	*end = total - *begin;
}

/*
 * Window geometry of a Conv or pool from its input extents @xd (rank
 * @rank), kernel @kh x @kw and output extents @od.
 */
static void snpu_exec_win_plan(struct snpu_exec_win *v,
			       const struct snpu_gattr *a, uint32_t rank,
			       const int64_t *xd, const int64_t *od,
			       int64_t kh, int64_t kw)
{
	v->n = xd[0];
	v->c = xd[1];
	v->h = rank == 4 ? xd[2] : 1;
	v->w = xd[rank - 1];
	v->o = od[1];
	v->oh = rank == 4 ? od[2] : 1;
	v->ow = od[rank - 1];
	v->kh = kh;
	v->kw = kw;
	v->sh = a->strides[0];
	v->sw = a->strides[1];
	v->dh = a->dilations[0];
	v->dw = a->dilations[1];
	v->group = 1;
	if (a->auto_pad == 1 || a->auto_pad == 2) {
		snpu_exec_same_pads(a->auto_pad, v->h, v->oh, v->sh,
				    (kh - 1) * v->dh + 1, &v->pt, &v->pb);
		snpu_exec_same_pads(a->auto_pad, v->w, v->ow, v->sw,
				    (kw - 1) * v->dw + 1, &v->pl, &v->pr);
	} else {
		v->pt = a->pads[0];
		v->pl = a->pads[1];
		v->pb = a->pads[2];
		v->pr = a->pads[3];
	}
}

/*
 * Indices t in [0, @count) with @start + t * @step in [0, @extent): the
 * range [*lo, *hi).
 */
static void snpu_exec_span(int64_t start, int64_t step, int64_t extent,
			   int64_t count, int64_t *lo, int64_t *hi)
{
	*lo = start >= 0 ? 0 : (-start + step - 1) / step;
	*hi = start >= extent ? 0 : (extent - start + step - 1) / step;
	if (*lo > count)
		*lo = count;
	if (*hi > count)
		*hi = count;
	if (*hi < *lo)
		*hi = *lo;
}

/* Per output row and column of a pool: see &struct snpu_exec_node.span. */
static void snpu_exec_pool_spans(const struct snpu_exec_win *v,
				 int64_t (*span)[3])
{
	int64_t lo, hi;

	for (int64_t oy = 0; oy < v->oh; oy++) {
		int64_t iy0 = oy * v->sh - v->pt;

		snpu_exec_span(iy0 + v->pt, v->dh, v->h + v->pt + v->pb, v->kh,
			       &lo, &hi);
		span[oy][2] = hi - lo;
		snpu_exec_span(iy0, v->dh, v->h, v->kh, &span[oy][0],
			       &span[oy][1]);
	}
	for (int64_t ox = 0; ox < v->ow; ox++) {
		int64_t ix0 = ox * v->sw - v->pl;

		snpu_exec_span(ix0 + v->pl, v->dw, v->w + v->pl + v->pr, v->kw,
			       &lo, &hi);
		span[v->oh + ox][2] = hi - lo;
		snpu_exec_span(ix0, v->dw, v->w, v->kw, &span[v->oh + ox][0],
			       &span[v->oh + ox][1]);
	}
}

static void snpu_exec_mm_plan(struct snpu_exec_mm *mm,
			      const struct snpu_exec_tensor *a,
			      const struct snpu_exec_tensor *b)
{
	/* numpy: a 1-D A is a row [1, K], a 1-D B a column [K, 1]. */
	uint32_t ra = a->ndim > 1 ? a->ndim - 2 : 0;
	uint32_t rb = b->ndim > 1 ? b->ndim - 2 : 0;
	int64_t acc_a = 1, acc_b = 1;

	mm->m = a->ndim > 1 ? a->dims[a->ndim - 2] : 1;
	mm->k = a->dims[a->ndim - 1];
	mm->n = b->ndim > 1 ? b->dims[b->ndim - 1] : 1;
	mm->nb = ra > rb ? ra : rb;
	mm->batch = 1;
	for (uint32_t i = mm->nb; i-- > 0;) {
		int64_t ia = (int64_t)i - (mm->nb - ra);
		int64_t ib = (int64_t)i - (mm->nb - rb);
		int64_t da = ia >= 0 ? a->dims[ia] : 1;
		int64_t db = ib >= 0 ? b->dims[ib] : 1;

		mm->bdims[i] = da == 1 ? db : da;
		mm->sa[i] = da == 1 ? 0 : acc_a;
		mm->sb[i] = db == 1 ? 0 : acc_b;
		acc_a *= da;
		acc_b *= db;
		mm->batch *= mm->bdims[i];
	}
	mm->flat = acc_b == 1;
}

/* A's and B's matrix index for product @bi. */
static void snpu_exec_mm_at(const struct snpu_exec_mm *mm, int64_t bi,
			    int64_t *ia, int64_t *ib)
{
	*ia = 0;
	*ib = 0;
	for (uint32_t i = mm->nb; i-- > 0;) {
		int64_t v = bi % mm->bdims[i];

		bi /= mm->bdims[i];
		*ia += v * mm->sa[i];
		*ib += v * mm->sb[i];
	}
}

static int snpu_exec_plan_node(struct snpu_exec *x, uint32_t ni,
			       size_t *cols_size)
{
	struct snpu_exec_node *pn = &x->nodes[ni];
	const struct snpu_gnode *n = &pn->gn;
	const struct snpu_exec_tensor *in0 = &x->t[n->in[0]];
	const struct snpu_exec_tensor *out = &x->t[n->out[0]];
	const struct snpu_gattr *a = &n->attr;
	struct snpu_exec_win *v = &pn->win;
	int64_t ax;

	switch (n->op) {
	case SNPU_GOP_GEMM:
		if (n->n_in > 2 && n->in[2] != SNPU_GRAPH_NONE)
			snpu_exec_bcast_plan(&pn->bc, out, &x->t[n->in[2]],
					     NULL);
		break;
	case SNPU_GOP_MATMUL:
		snpu_exec_mm_plan(&pn->mm, in0, &x->t[n->in[1]]);
		break;
	case SNPU_GOP_ADD:
		snpu_exec_bcast_plan(&pn->bc, out, in0, &x->t[n->in[1]]);
		break;
	case SNPU_GOP_CONV: {
		const struct snpu_exec_tensor *w = &x->t[n->in[1]];
		size_t k, p, og;

		snpu_exec_win_plan(v, a, in0->ndim, in0->dims, out->dims,
				   in0->ndim == 4 ? w->dims[2] : 1,
				   w->dims[in0->ndim - 1]);
		v->group = a->group;
		k = (size_t)(v->c / v->group) * v->kh * v->kw;
		p = (size_t)v->oh * v->ow;
		og = (size_t)(v->o / v->group);
		/* Columns and the [og, chunk * P] product, within the cap. */
		v->chunk = p ? (int64_t)(SNPU_EXEC_COLS_CAP / ((k + og) * p)) : 1;
		if (v->chunk > v->n)
			v->chunk = v->n;
		if (v->chunk < 1)
			v->chunk = 1;
		if ((k + og) * p * v->chunk > *cols_size)
			*cols_size = (k + og) * p * v->chunk;
		break;
	}
	case SNPU_GOP_MAXPOOL:
	case SNPU_GOP_AVGPOOL:
		snpu_exec_win_plan(v, a, in0->ndim, in0->dims, out->dims,
				   a->kernel[0], a->kernel[1]);
		pn->span = malloc(sizeof(*pn->span) * (v->oh + v->ow));
		if (!pn->span)
			return -ENOMEM;
		snpu_exec_pool_spans(v, pn->span);
		if (n->op == SNPU_GOP_MAXPOOL && (x->flags & SNPU_EXEC_GRAD)) {
			pn->argmax = malloc(sizeof(*pn->argmax) *
					    (out->numel ? out->numel : 1));
			if (!pn->argmax)
				return -ENOMEM;
		}
		break;
	case SNPU_GOP_BATCHNORM:
	case SNPU_GOP_GLOBALAVGPOOL:
		pn->outer = in0->dims[0];
		pn->mid = in0->dims[1];
		pn->inner = pn->outer && pn->mid ?
			    (int64_t)in0->numel / (pn->outer * pn->mid) : 0;
		break;
	case SNPU_GOP_SOFTMAX:
		ax = a->axis < 0 ? a->axis + in0->ndim : a->axis;
		pn->outer = 1;
		for (int64_t i = 0; i < ax; i++)
			pn->outer *= in0->dims[i];
		pn->mid = 1;
		pn->inner = 1;
		/* Before opset 13 the input is coerced to 2-D at the axis. */
		for (int64_t i = ax; i < in0->ndim; i++) {
			if (a->opset13 && i > ax)
				pn->inner *= in0->dims[i];
			else
				pn->mid *= in0->dims[i];
		}
		break;
	default:
		break;
	}
	return 0;
}

static int snpu_exec_plan_tensors(struct snpu_exec *x,
				  const struct snpu_graph *shaped)
{
	const struct snpu_graph *g = x->g;
	bool grad = x->flags & SNPU_EXEC_GRAD;

	for (uint32_t i = 0; i < g->n_inputs; i++)
		x->t[g->inputs[i]].planned = true;
	for (uint32_t i = 0; i < g->n_nodes; i++)
		x->t[g->nodes[i].out[0]].planned = true;
	for (uint32_t i = 0; i < x->n_tensors; i++) {
		const struct snpu_gtensor *gt = &shaped->tensors[i];
		struct snpu_exec_tensor *t = &x->t[i];

		t->constant = gt->data || gt->i64;
		if (!t->constant && !t->planned)
			continue;
		t->ndim = gt->ndim;
		memcpy(t->dims, gt->dims, sizeof(t->dims));
		/* Only a constant no node reads can have unknown extents. */
		if (snpu_gtensor_numel(gt) < 0)
			continue;
		t->numel = (size_t)snpu_gtensor_numel(gt);
		if (!t->constant) {
			t->val = calloc(t->numel ? t->numel : 1, sizeof(float));
			if (!t->val)
				return -ENOMEM;
		}
		if (grad && gt->dtype == SNPU_DT_FLOAT) {
			t->grad = calloc(t->numel ? t->numel : 1, sizeof(float));
			if (!t->grad)
				return -ENOMEM;
		}
	}
	return 0;
}

/**
 * snpu_exec_create() - plan a graph for a batch
 * @g: the graph; must outlive the executor, with its structure unchanged
 *	(constants' values may change between runs).
 * @batch: leading extent of every graph input, 0 for the declared ones.
 * @flags: %SNPU_EXEC_GRAD to allow snpu_exec_backward().
 * @out: the executor, on success.
 * @err: message naming the node (or graph input) at fault.
 * @err_size: size of @err.
 *
 * Return: 0, -EINVAL (bad graph or shapes) or -ENOMEM.
 */
int snpu_exec_create(const struct snpu_graph *g, uint32_t batch,
		     unsigned int flags, struct snpu_exec **out,
		     char *err, size_t err_size)
{
	struct snpu_graph shaped;
	struct snpu_exec *x;
	size_t cols_size = 0;
	int ret;

	if (!g || !out || (flags & ~SNPU_EXEC_GRAD)) {
		if (err && err_size)
			snprintf(err, err_size, "%s: bad arguments", __func__);
		return -EINVAL;
	}
	*out = NULL;
	ret = snpu_graph_check(g, err, err_size);
	if (ret)
		return ret;
	/* A shallow copy: shape inference writes extents only. */
	shaped = *g;
	shaped.tensors = malloc(sizeof(*g->tensors) *
				(g->n_tensors ? g->n_tensors : 1));
	if (!shaped.tensors)
		goto err_nomem;
	memcpy(shaped.tensors, g->tensors, sizeof(*g->tensors) * g->n_tensors);
	ret = snpu_graph_infer_shapes(&shaped, batch, err, err_size);
	if (ret) {
		free(shaped.tensors);
		return ret;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		goto err_shaped;
	x->g = g;
	x->flags = flags;
	x->n_tensors = g->n_tensors;
	x->n_nodes = g->n_nodes;
	x->t = calloc(x->n_tensors ? x->n_tensors : 1, sizeof(*x->t));
	x->nodes = calloc(x->n_nodes ? x->n_nodes : 1, sizeof(*x->nodes));
	if (!x->t || !x->nodes)
		goto err_exec;
	if (snpu_exec_plan_tensors(x, &shaped))
		goto err_exec;
	for (uint32_t i = 0; i < x->n_nodes; i++) {
		x->nodes[i].gn = g->nodes[i];
		x->nodes[i].gn.name = NULL;
		if (snpu_exec_plan_node(x, i, &cols_size))
			goto err_exec;
	}
	if (cols_size) {
		x->cols = malloc(sizeof(float) * cols_size);
		if (!x->cols)
			goto err_exec;
	}
	free(shaped.tensors);
	*out = x;
	return 0;

err_exec:
	snpu_exec_destroy(x);
err_shaped:
	free(shaped.tensors);
err_nomem:
	if (err && err_size)
		snprintf(err, err_size, "graph '%s': out of memory planning the executor",
			 g->name ? g->name : "");
	return -ENOMEM;
}

/**
 * snpu_exec_destroy() - free an executor and its buffers
 * @x: executor, or NULL.
 */
void snpu_exec_destroy(struct snpu_exec *x)
{
	if (!x)
		return;
	for (uint32_t i = 0; x->t && i < x->n_tensors; i++) {
		free(x->t[i].val);
		free(x->t[i].grad);
	}
	for (uint32_t i = 0; x->nodes && i < x->n_nodes; i++) {
		free(x->nodes[i].argmax);
		free(x->nodes[i].span);
	}
	free(x->t);
	free(x->nodes);
	free(x->cols);
	free(x);
}

/**
 * snpu_exec_value() - value buffer of a computed tensor
 * @x: executor.
 * @t: tensor index.
 *
 * Return: numel floats (NCHW), or NULL for a constant, an unused tensor or
 * a bad index.
 */
float *snpu_exec_value(struct snpu_exec *x, uint32_t t)
{
	return x && t < x->n_tensors ? x->t[t].val : NULL;
}

/**
 * snpu_exec_dims() - extents of a tensor as planned
 * @x: executor.
 * @t: tensor index.
 * @dims: filled with the extents.
 *
 * Return: the rank; 0 (and @dims untouched) for a bad index.
 */
uint32_t snpu_exec_dims(const struct snpu_exec *x, uint32_t t,
			int64_t dims[SNPU_GRAPH_MAX_DIMS])
{
	if (!x || t >= x->n_tensors)
		return 0;
	memcpy(dims, x->t[t].dims, sizeof(x->t[t].dims[0]) * x->t[t].ndim);
	return x->t[t].ndim;
}

/**
 * snpu_exec_grad() - gradient buffer of a tensor
 * @x: executor.
 * @t: tensor index.
 *
 * Return: numel floats, or NULL without %SNPU_EXEC_GRAD, for an int64
 * constant or a bad index.
 */
float *snpu_exec_grad(struct snpu_exec *x, uint32_t t)
{
	return x && t < x->n_tensors ? x->t[t].grad : NULL;
}

/* The constants still have the data and extents the plan was made for. */
static int snpu_exec_check_consts(const struct snpu_exec *x)
{
	const struct snpu_graph *g = x->g;

	if (g->n_tensors < x->n_tensors)
		return -EINVAL;
	for (uint32_t i = 0; i < x->n_tensors; i++) {
		const struct snpu_exec_tensor *t = &x->t[i];
		const struct snpu_gtensor *gt = &g->tensors[i];

		if (!t->constant)
			continue;
		if (!(gt->dtype == SNPU_DT_FLOAT ? gt->data != NULL :
		      gt->i64 != NULL) || gt->ndim != t->ndim ||
		    memcmp(gt->dims, t->dims, sizeof(t->dims[0]) * t->ndim))
			return -EINVAL;
	}
	return 0;
}

/* ---- Conv ---------------------------------------------------------------- */

/*
 * One output row of im2col: r[ox] = s[ox * sw] on [lo, hi), 0 elsewhere.
 * Rows are short (tens of floats), so plain loops the compiler vectorizes
 * beat memset / memcpy calls.
 */
static void snpu_exec_row_gather(float *restrict r, const float *restrict s,
				 int64_t sw, int64_t lo, int64_t hi, int64_t ow)
{
	int64_t ox;

	for (ox = 0; ox < lo; ox++)
		r[ox] = 0;
	if (sw == 1)
		for (; ox < hi; ox++)
			r[ox] = s[ox];
	else
		for (; ox < hi; ox++)
			r[ox] = s[ox * sw];
	for (; ox < ow; ox++)
		r[ox] = 0;
}

/* One row of col2im: d[ox * sw] += r[ox] on [lo, hi). */
static void snpu_exec_row_scatter(float *restrict d, const float *restrict r,
				  int64_t sw, int64_t lo, int64_t hi)
{
	if (sw == 1) {
		for (int64_t ox = lo; ox < hi; ox++)
			d[ox] += r[ox];
		return;
	}
	for (int64_t ox = lo; ox < hi; ox++)
		d[ox * sw] += r[ox];
}

/*
 * im2col of the @cg channels at @src (ONNX K order c, kh, kw): P = oh * ow
 * columns, row k starting at cols + k * @ld.
 */
static void snpu_exec_im2col_chw(const struct snpu_exec_win *v, int64_t cg,
				 const float *src, float *cols, int64_t ld)
{
	for (int64_t c = 0; c < cg; c++) {
		for (int64_t i = 0; i < v->kh; i++) {
			for (int64_t j = 0; j < v->kw; j++) {
				float *row = cols + ((c * v->kh + i) * v->kw + j) * ld;
				int64_t ix0 = j * v->dw - v->pl, lo, hi;

				snpu_exec_span(ix0, v->sw, v->w, v->ow, &lo, &hi);
				for (int64_t oy = 0; oy < v->oh; oy++) {
					int64_t iy = oy * v->sh - v->pt + i * v->dh;
					float *r = row + oy * v->ow;
					const float *s;

					if (iy < 0 || iy >= v->h) {
						memset(r, 0, sizeof(*r) * v->ow);
						continue;
					}
					s = src + (c * v->h + iy) * v->w + ix0;
					snpu_exec_row_gather(r, s, v->sw, lo, hi, v->ow);
				}
			}
		}
	}
}

/* col2im: dst += the columns @cols (rows @ld apart) scattered back. */
static void snpu_exec_col2im_chw(const struct snpu_exec_win *v, int64_t cg,
				 const float *cols, int64_t ld, float *dst)
{
	for (int64_t c = 0; c < cg; c++) {
		for (int64_t i = 0; i < v->kh; i++) {
			for (int64_t j = 0; j < v->kw; j++) {
				const float *row = cols + ((c * v->kh + i) * v->kw + j) * ld;
				int64_t ix0 = j * v->dw - v->pl, lo, hi;

				snpu_exec_span(ix0, v->sw, v->w, v->ow, &lo, &hi);
				for (int64_t oy = 0; oy < v->oh; oy++) {
					int64_t iy = oy * v->sh - v->pt + i * v->dh;
					const float *r = row + oy * v->ow;
					float *d;

					if (iy < 0 || iy >= v->h)
						continue;
					d = dst + (c * v->h + iy) * v->w + ix0;
					snpu_exec_row_scatter(d, r, v->sw, lo, hi);
				}
			}
		}
	}
}

/* y = r + b over a row of @n. */
static void snpu_exec_row_bias(float *restrict y, const float *restrict r,
			       float b, int64_t n)
{
	for (int64_t i = 0; i < n; i++)
		y[i] = r[i] + b;
}

/*
 * Conv over samples [s0, s0 + ns) of group @gi: columns of every sample
 * side by side ([K][ns * P]), one sgemm into the product [og][ns * P],
 * then each sample's rows copied out after its bias.
 */
static void snpu_exec_conv_fwd_chunk(struct snpu_exec *x,
				     const struct snpu_exec_node *pn,
				     int64_t gi, int64_t s0, int64_t ns)
{
	const struct snpu_exec_win *v = &pn->win;
	const struct snpu_gnode *n = &pn->gn;
	const float *xin = snpu_exec_in(x, n->in[0]);
	const float *w = snpu_exec_in(x, n->in[1]);
	const float *b = n->n_in > 2 && n->in[2] != SNPU_GRAPH_NONE ?
			 snpu_exec_in(x, n->in[2]) : NULL;
	float *y = x->t[n->out[0]].val;
	const int64_t cg = v->c / v->group, og = v->o / v->group;
	const int64_t k = cg * v->kh * v->kw, p = v->oh * v->ow, ld = ns * p;
	float *cols = x->cols, *prod = x->cols + k * ld;

	for (int64_t s = 0; s < ns; s++)
		snpu_exec_im2col_chw(v, cg, xin + ((s0 + s) * v->c + gi * cg) *
				     v->h * v->w, cols + s * p, ld);
	snpu_exec_sgemm(false, false, og, ld, k, 1.0f, w + gi * og * k, k,
			cols, ld, 0.0f, prod, ld);
	for (int64_t s = 0; s < ns; s++)
		for (int64_t o = 0; o < og; o++)
			snpu_exec_row_bias(y + ((s0 + s) * v->o + gi * og + o) * p,
					   prod + o * ld + s * p,
					   b ? b[gi * og + o] : 0.0f, p);
}

static void snpu_exec_conv_fwd(struct snpu_exec *x, struct snpu_exec_node *pn)
{
	const struct snpu_exec_win *v = &pn->win;

	for (int64_t gi = 0; gi < v->group; gi++)
		for (int64_t s0 = 0; s0 < v->n; s0 += v->chunk)
			snpu_exec_conv_fwd_chunk(x, pn, gi, s0,
						 v->n - s0 < v->chunk ?
						 v->n - s0 : v->chunk);
}

/*
 * Backward of the Conv over samples [s0, s0 + ns) of group @gi, in the
 * forward's layout: dY gathered to [og][ns * P], dW += dY cols^T, and
 * dcols = W^T dY scattered back into dX sample by sample.
 */
static void snpu_exec_conv_bwd_chunk(struct snpu_exec *x,
				     const struct snpu_exec_node *pn,
				     int64_t gi, int64_t s0, int64_t ns)
{
	const struct snpu_exec_win *v = &pn->win;
	const struct snpu_gnode *n = &pn->gn;
	const float *xin = snpu_exec_in(x, n->in[0]);
	const float *w = snpu_exec_in(x, n->in[1]);
	const float *gy = x->t[n->out[0]].grad;
	float *gx = snpu_exec_gin(x, n->in[0]);
	float *gw = snpu_exec_gin(x, n->in[1]);
	const int64_t cg = v->c / v->group, og = v->o / v->group;
	const int64_t k = cg * v->kh * v->kw, p = v->oh * v->ow, ld = ns * p;
	const int64_t hw = v->h * v->w;
	float *cols = x->cols, *prod = x->cols + k * ld;

	for (int64_t s = 0; s < ns; s++)
		for (int64_t o = 0; o < og; o++)
			memcpy(prod + o * ld + s * p,
			       gy + ((s0 + s) * v->o + gi * og + o) * p,
			       sizeof(float) * p);
	if (gw) {
		for (int64_t s = 0; s < ns; s++)
			snpu_exec_im2col_chw(v, cg, xin + ((s0 + s) * v->c +
					     gi * cg) * hw, cols + s * p, ld);
		snpu_exec_sgemm(false, true, og, k, ld, 1.0f, prod, ld, cols,
				ld, 1.0f, gw + gi * og * k, k);
	}
	if (!gx)
		return;
	snpu_exec_sgemm(true, false, k, ld, og, 1.0f, w + gi * og * k, k,
			prod, ld, 0.0f, cols, ld);
	for (int64_t s = 0; s < ns; s++)
		snpu_exec_col2im_chw(v, cg, cols + s * p, ld,
				     gx + ((s0 + s) * v->c + gi * cg) * hw);
}

static void snpu_exec_conv_bwd(struct snpu_exec *x, struct snpu_exec_node *pn)
{
	const struct snpu_exec_win *v = &pn->win;
	const struct snpu_gnode *n = &pn->gn;
	const float *gy = x->t[n->out[0]].grad;
	float *gb = n->n_in > 2 ? snpu_exec_gin(x, n->in[2]) : NULL;
	const int64_t p = v->oh * v->ow;

	for (int64_t s = 0; gb && s < v->n; s++) {
		for (int64_t o = 0; o < v->o; o++) {
			const float *r = gy + (s * v->o + o) * p;
			float sum = 0;

			for (int64_t q = 0; q < p; q++)
				sum += r[q];
			gb[o] += sum;
		}
	}
	for (int64_t gi = 0; gi < v->group; gi++)
		for (int64_t s0 = 0; s0 < v->n; s0 += v->chunk)
			snpu_exec_conv_bwd_chunk(x, pn, gi, s0,
						 v->n - s0 < v->chunk ?
						 v->n - s0 : v->chunk);
}

/**
 * snpu_exec_im2col() - one sample's Conv columns in the device's K order
 * @a: the Conv's attributes.
 * @in_dims: input extents [N, C, H, W] (1-D: H = 1).
 * @w_dims: weight extents [O, C / group, kh, kw] (1-D: kh = 1).
 * @grp: group whose input channels to take.
 * @sample: the sample, C x H x W floats.
 * @cols: filled with [oh * ow][kh * kw * (C / group)], K in (kh, kw, c)
 *	order, padding as 0.
 */
void snpu_exec_im2col(const struct snpu_gattr *a, const int64_t in_dims[4],
		      const int64_t w_dims[4], uint32_t grp,
		      const float *sample, float *cols)
{
	struct snpu_exec_win v;
	int64_t od[4], k, cg = w_dims[1];

	/* Output extents as snpu_shape.c computes them (Conv: no ceil_mode). */
	for (int ax = 0; ax < 2; ax++) {
		int64_t in = in_dims[2 + ax], s = a->strides[ax];
		int64_t ek = (w_dims[2 + ax] - 1) * a->dilations[ax] + 1;

		if (a->auto_pad == 1 || a->auto_pad == 2)
			od[2 + ax] = (in + s - 1) / s;
		else
			od[2 + ax] = (in + a->pads[ax] + a->pads[ax + 2] - ek) /
				     s + 1;
	}
	od[0] = in_dims[0];
	od[1] = w_dims[0];
	snpu_exec_win_plan(&v, a, 4, in_dims, od, w_dims[2], w_dims[3]);
	k = v.kh * v.kw * cg;
	sample += (int64_t)grp * cg * v.h * v.w;
	for (int64_t oy = 0; oy < v.oh; oy++) {
		for (int64_t ox = 0; ox < v.ow; ox++) {
			float *r = cols + (oy * v.ow + ox) * k;

			for (int64_t i = 0; i < v.kh; i++) {
				int64_t iy = oy * v.sh - v.pt + i * v.dh;

				for (int64_t j = 0; j < v.kw; j++) {
					int64_t ix = ox * v.sw - v.pl + j * v.dw;
					float *e = r + (i * v.kw + j) * cg;
					bool in = iy >= 0 && iy < v.h &&
						  ix >= 0 && ix < v.w;

					for (int64_t c = 0; c < cg; c++)
						e[c] = in ? sample[(c * v.h + iy) *
								   v.w + ix] : 0;
				}
			}
		}
	}
}

/* ---- pools --------------------------------------------------------------- */

/*
 * One pool window: the input taps rows @r[0]..@r[1] by columns
 * @c[0]..@c[1] from offset @e0 (the window's top-left, possibly in the
 * padding) of a channel plane.
 */
static float snpu_exec_win_max(const struct snpu_exec_win *v,
			       const int64_t *r, const int64_t *c,
			       const float *xs, int64_t e0, int64_t *at)
{
	float best = -INFINITY;
	int64_t bi = -1;

	for (int64_t i = r[0]; i < r[1]; i++) {
		const int64_t e = e0 + i * v->dh * v->w;

		for (int64_t j = c[0]; j < c[1]; j++) {
			if (bi < 0 || xs[e + j * v->dw] > best) {
				best = xs[e + j * v->dw];
				bi = e + j * v->dw;
			}
		}
	}
	*at = bi;
	return best;
}

static float snpu_exec_win_sum(const struct snpu_exec_win *v,
			       const int64_t *r, const int64_t *c,
			       const float *xs, int64_t e0)
{
	float sum = 0;

	for (int64_t i = r[0]; i < r[1]; i++)
		for (int64_t j = c[0]; j < c[1]; j++)
			sum += xs[e0 + i * v->dh * v->w + j * v->dw];
	return sum;
}

static void snpu_exec_win_spread(const struct snpu_exec_win *v,
				 const int64_t *r, const int64_t *c,
				 float *gxs, int64_t e0, float g)
{
	for (int64_t i = r[0]; i < r[1]; i++)
		for (int64_t j = c[0]; j < c[1]; j++)
			gxs[e0 + i * v->dh * v->w + j * v->dw] += g;
}

static void snpu_exec_maxpool_fwd(struct snpu_exec *x,
				  struct snpu_exec_node *pn)
{
	const struct snpu_exec_win *v = &pn->win;
	const int64_t (*rs)[3] = (const int64_t (*)[3])pn->span;
	const int64_t (*cs)[3] = rs + v->oh;
	const float *xin = snpu_exec_in(x, pn->gn.in[0]);
	float *y = x->t[pn->gn.out[0]].val;
	const int64_t hw = v->h * v->w, p = v->oh * v->ow;

	for (int64_t nc = 0; nc < v->n * v->c; nc++) {
		for (int64_t oy = 0, q = nc * p; oy < v->oh; oy++) {
			for (int64_t ox = 0; ox < v->ow; ox++, q++) {
				int64_t e0 = (oy * v->sh - v->pt) * v->w +
					     ox * v->sw - v->pl, at;

				y[q] = snpu_exec_win_max(v, rs[oy], cs[ox],
							 xin + nc * hw, e0, &at);
				if (pn->argmax)
					pn->argmax[q] = (int32_t)at;
			}
		}
	}
}

static void snpu_exec_maxpool_bwd(struct snpu_exec *x,
				  struct snpu_exec_node *pn)
{
	const struct snpu_exec_win *v = &pn->win;
	const float *gy = x->t[pn->gn.out[0]].grad;
	float *gx = snpu_exec_gin(x, pn->gn.in[0]);
	const int64_t hw = v->h * v->w, p = v->oh * v->ow;

	for (int64_t nc = 0; gx && nc < v->n * v->c; nc++)
		for (int64_t q = 0; q < p; q++)
			if (pn->argmax[nc * p + q] >= 0)
				gx[nc * hw + pn->argmax[nc * p + q]] += gy[nc * p + q];
}

/*
 * Forward (@gy NULL) or backward of AveragePool. The divisor is the
 * number of input elements under the window, or with count_include_pad
 * of window taps inside the padded input (taps past the trailing pad,
 * which only ceil_mode creates, never count).
 */
static void snpu_exec_avgpool(struct snpu_exec *x, struct snpu_exec_node *pn,
			      const float *gy)
{
	const struct snpu_exec_win *v = &pn->win;
	const int64_t (*rs)[3] = (const int64_t (*)[3])pn->span;
	const int64_t (*cs)[3] = rs + v->oh;
	const bool incl = pn->gn.attr.count_include_pad;
	const float *xin = snpu_exec_in(x, pn->gn.in[0]);
	float *y = x->t[pn->gn.out[0]].val;
	float *gx = gy ? snpu_exec_gin(x, pn->gn.in[0]) : NULL;
	const int64_t hw = v->h * v->w, p = v->oh * v->ow;

	if (gy && !gx)
		return;
	for (int64_t nc = 0; nc < v->n * v->c; nc++) {
		for (int64_t oy = 0, q = nc * p; oy < v->oh; oy++) {
			for (int64_t ox = 0; ox < v->ow; ox++, q++) {
				int64_t e0 = (oy * v->sh - v->pt) * v->w +
					     ox * v->sw - v->pl;
				int64_t cnt = incl ? rs[oy][2] * cs[ox][2] :
					      (rs[oy][1] - rs[oy][0]) *
					      (cs[ox][1] - cs[ox][0]);

				if (gy && cnt)
					snpu_exec_win_spread(v, rs[oy], cs[ox],
							     gx + nc * hw, e0,
							     gy[q] / (float)cnt);
				else if (!gy)
					y[q] = cnt ? snpu_exec_win_sum(v, rs[oy], cs[ox],
								       xin + nc * hw,
								       e0) / (float)cnt :
						     0.0f;
			}
		}
	}
}

static void snpu_exec_gap(struct snpu_exec *x, struct snpu_exec_node *pn,
			  bool bwd)
{
	const int64_t rows = pn->outer * pn->mid, s = pn->inner;
	const float *xin = snpu_exec_in(x, pn->gn.in[0]);
	float *y = x->t[pn->gn.out[0]].val;
	const float *gy = x->t[pn->gn.out[0]].grad;
	float *gx = snpu_exec_gin(x, pn->gn.in[0]);

	if (bwd && !gx)
		return;
	for (int64_t r = 0; r < rows; r++) {
		float sum = 0;

		if (bwd) {
			for (int64_t i = 0; i < s; i++)
				gx[r * s + i] += gy[r] / (float)s;
			continue;
		}
		for (int64_t i = 0; i < s; i++)
			sum += xin[r * s + i];
		y[r] = s ? sum / (float)s : 0.0f;
	}
}

/* ---- dense ops ----------------------------------------------------------- */

static void snpu_exec_gemm_fwd(struct snpu_exec *x, struct snpu_exec_node *pn)
{
	const struct snpu_gnode *n = &pn->gn;
	const struct snpu_gattr *a = &n->attr;
	const struct snpu_exec_tensor *ta = &x->t[n->in[0]];
	const struct snpu_exec_tensor *tb = &x->t[n->in[1]];
	const struct snpu_exec_tensor *ty = &x->t[n->out[0]];
	const bool has_c = n->n_in > 2 && n->in[2] != SNPU_GRAPH_NONE;
	const int64_t m = ty->dims[0], nn = ty->dims[1];
	const int64_t k = ta->dims[a->trans_a ? 0 : 1];

	if (has_c && ty->numel)
		snpu_exec_bcast_fwd(&pn->bc, a->beta, snpu_exec_in(x, n->in[2]),
				    NULL, ty->val);
	snpu_exec_sgemm(a->trans_a, a->trans_b, m, nn, k, a->alpha,
			snpu_exec_in(x, n->in[0]), ta->dims[1],
			snpu_exec_in(x, n->in[1]), tb->dims[1],
			has_c ? 1.0f : 0.0f, ty->val, nn);
}

static void snpu_exec_gemm_bwd(struct snpu_exec *x, struct snpu_exec_node *pn)
{
	const struct snpu_gnode *n = &pn->gn;
	const struct snpu_gattr *a = &n->attr;
	const struct snpu_exec_tensor *ta = &x->t[n->in[0]];
	const struct snpu_exec_tensor *tb = &x->t[n->in[1]];
	const struct snpu_exec_tensor *ty = &x->t[n->out[0]];
	const float *av = snpu_exec_in(x, n->in[0]);
	const float *bv = snpu_exec_in(x, n->in[1]);
	float *ga = ta->grad, *gb = tb->grad;
	float *gc = n->n_in > 2 ? snpu_exec_gin(x, n->in[2]) : NULL;
	const int64_t m = ty->dims[0], nn = ty->dims[1];
	const int64_t k = ta->dims[a->trans_a ? 0 : 1];
	const int64_t lda = ta->dims[1], ldb = tb->dims[1];

	/* op(A) = A or A^T, dY = alpha * op(A) op(B) differentiated. */
	if (ga) {
		if (!a->trans_a)	/* dA[M,K] += alpha dY op(B)^T */
			snpu_exec_sgemm(false, !a->trans_b, m, k, nn, a->alpha,
					ty->grad, nn, bv, ldb, 1.0f, ga, lda);
		else			/* dA[K,M] += alpha op(B) dY^T */
			snpu_exec_sgemm(a->trans_b, true, k, m, nn, a->alpha,
					bv, ldb, ty->grad, nn, 1.0f, ga, lda);
	}
	if (gb) {
		if (!a->trans_b)	/* dB[K,N] += alpha op(A)^T dY */
			snpu_exec_sgemm(!a->trans_a, false, k, nn, m, a->alpha,
					av, lda, ty->grad, nn, 1.0f, gb, ldb);
		else			/* dB[N,K] += alpha dY^T op(A) */
			snpu_exec_sgemm(true, a->trans_a, nn, k, m, a->alpha,
					ty->grad, nn, av, lda, 1.0f, gb, ldb);
	}
	if (gc && ty->numel)
		snpu_exec_bcast_reduce(&pn->bc, 0, a->beta, ty->grad, gc);
}

static void snpu_exec_matmul(struct snpu_exec *x, struct snpu_exec_node *pn,
			     bool bwd)
{
	const struct snpu_exec_mm *mm = &pn->mm;
	const struct snpu_gnode *n = &pn->gn;
	const float *av = snpu_exec_in(x, n->in[0]);
	const float *bv = snpu_exec_in(x, n->in[1]);
	float *y = x->t[n->out[0]].val, *gy = x->t[n->out[0]].grad;
	float *ga = snpu_exec_gin(x, n->in[0]), *gb = snpu_exec_gin(x, n->in[1]);
	const int64_t sza = mm->m * mm->k, szb = mm->k * mm->n;
	const int64_t szy = mm->m * mm->n;
	int64_t m = mm->m, batch = mm->batch;

	if (mm->flat) {
		m *= mm->batch;
		batch = 1;
	}
	for (int64_t bi = 0; bi < batch; bi++) {
		int64_t ia = bi, ib = 0;

		if (!mm->flat)
			snpu_exec_mm_at(mm, bi, &ia, &ib);
		if (!bwd) {
			snpu_exec_sgemm(false, false, m, mm->n, mm->k, 1.0f,
					av + ia * sza, mm->k, bv + ib * szb, mm->n,
					0.0f, y + bi * szy, mm->n);
			continue;
		}
		if (ga)	/* dA += dY B^T */
			snpu_exec_sgemm(false, true, m, mm->k, mm->n, 1.0f,
					gy + bi * szy, mm->n, bv + ib * szb, mm->n,
					1.0f, ga + ia * sza, mm->k);
		if (gb)	/* dB += A^T dY */
			snpu_exec_sgemm(true, false, mm->k, mm->n, m, 1.0f,
					av + ia * sza, mm->k, gy + bi * szy, mm->n,
					1.0f, gb + ib * szb, mm->n);
	}
}

/* ---- elementwise and normalization --------------------------------------- */

/* min(max(x, lo), hi): NaN stays NaN, lo > hi gives hi (as numpy.clip). */
static void snpu_exec_clip_fwd(const float *restrict xin, float *restrict y,
			       size_t n, float lo, float hi)
{
	for (size_t i = 0; i < n; i++) {
		float v = xin[i] < lo ? lo : xin[i];

		y[i] = v > hi ? hi : v;
	}
}

/* The gradient passes where x is inside the closed interval [lo, hi]. */
static void snpu_exec_clip_bwd(const float *restrict xin,
			       const float *restrict gy, float *restrict gx,
			       size_t n, float lo, float hi)
{
	for (size_t i = 0; i < n; i++)
		gx[i] += xin[i] >= lo && xin[i] <= hi ? gy[i] : 0.0f;
}

static void snpu_exec_relu_fwd(const float *restrict xin, float *restrict y,
			       size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] = xin[i] < 0.0f ? 0.0f : xin[i];
}

static void snpu_exec_relu_bwd(const float *restrict xin,
			       const float *restrict gy, float *restrict gx,
			       size_t n)
{
	for (size_t i = 0; i < n; i++)
		gx[i] += xin[i] > 0.0f ? gy[i] : 0.0f;
}

static void snpu_exec_relu_clip(struct snpu_exec *x, struct snpu_exec_node *pn,
				bool bwd)
{
	const struct snpu_gnode *n = &pn->gn;
	const struct snpu_exec_tensor *ty = &x->t[n->out[0]];
	const float *xin = snpu_exec_in(x, n->in[0]);
	float *gx = snpu_exec_gin(x, n->in[0]);
	const float lo = n->attr.clip_min, hi = n->attr.clip_max;

	if (n->op == SNPU_GOP_RELU && !bwd)
		snpu_exec_relu_fwd(xin, ty->val, ty->numel);
	else if (n->op == SNPU_GOP_RELU && gx)
		snpu_exec_relu_bwd(xin, ty->grad, gx, ty->numel);
	else if (!bwd)
		snpu_exec_clip_fwd(xin, ty->val, ty->numel, lo, hi);
	else if (gx)
		snpu_exec_clip_bwd(xin, ty->grad, gx, ty->numel, lo, hi);
}

static void snpu_exec_add(struct snpu_exec *x, struct snpu_exec_node *pn,
			  bool bwd)
{
	const struct snpu_gnode *n = &pn->gn;
	const struct snpu_exec_tensor *ty = &x->t[n->out[0]];
	float *ga = snpu_exec_gin(x, n->in[0]), *gb = snpu_exec_gin(x, n->in[1]);

	if (!ty->numel)
		return;
	if (!bwd) {
		snpu_exec_bcast_fwd(&pn->bc, 1.0f, snpu_exec_in(x, n->in[0]),
				    snpu_exec_in(x, n->in[1]), ty->val);
		return;
	}
	if (ga)
		snpu_exec_bcast_reduce(&pn->bc, 0, 1.0f, ty->grad, ga);
	if (gb)
		snpu_exec_bcast_reduce(&pn->bc, 1, 1.0f, ty->grad, gb);
}

/* Flatten and Reshape: the same elements in the same order. */
static void snpu_exec_copy(struct snpu_exec *x, struct snpu_exec_node *pn,
			   bool bwd)
{
	const struct snpu_exec_tensor *ty = &x->t[pn->gn.out[0]];
	float *gx = snpu_exec_gin(x, pn->gn.in[0]);

	if (!bwd) {
		memcpy(ty->val, snpu_exec_in(x, pn->gn.in[0]),
		       sizeof(float) * ty->numel);
		return;
	}
	for (size_t i = 0; gx && i < ty->numel; i++)
		gx[i] += ty->grad[i];
}

static void snpu_exec_bn(struct snpu_exec *x, struct snpu_exec_node *pn,
			 bool bwd)
{
	const struct snpu_gnode *n = &pn->gn;
	const float *xin = snpu_exec_in(x, n->in[0]);
	const float *scale = snpu_exec_in(x, n->in[1]);
	const float *bias = snpu_exec_in(x, n->in[2]);
	const float *mean = snpu_exec_in(x, n->in[3]);
	const float *var = snpu_exec_in(x, n->in[4]);
	const struct snpu_exec_tensor *ty = &x->t[n->out[0]];
	float *gx = snpu_exec_gin(x, n->in[0]), *gs = snpu_exec_gin(x, n->in[1]);
	float *gbias = snpu_exec_gin(x, n->in[2]);
	float *gm = snpu_exec_gin(x, n->in[3]), *gv = snpu_exec_gin(x, n->in[4]);
	const int64_t nb = pn->outer, nc = pn->mid, s = pn->inner;

	for (int64_t c = 0; c < nc; c++) {
		double inv = 1.0 / sqrt((double)var[c] + n->attr.epsilon);
		float k = (float)(scale[c] * inv);
		double sdy = 0, sdyx = 0;

		for (int64_t i = 0; i < nb; i++) {
			const int64_t off = (i * nc + c) * s;

			for (int64_t j = 0; j < s; j++) {
				float gyv;

				if (!bwd) {
					ty->val[off + j] = (xin[off + j] - mean[c]) *
							   k + bias[c];
					continue;
				}
				gyv = ty->grad[off + j];
				sdy += gyv;
				sdyx += (double)gyv * xin[off + j];
				if (gx)
					gx[off + j] += gyv * k;
			}
		}
		if (!bwd)
			continue;
		/* d/dscale, dB, dmean, dvar of scale (x - mean) inv + B. */
		sdyx -= mean[c] * sdy;
		if (gs)
			gs[c] += (float)(sdyx * inv);
		if (gbias)
			gbias[c] += (float)sdy;
		if (gm)
			gm[c] += (float)(-scale[c] * inv * sdy);
		if (gv)
			gv[c] += (float)(-0.5 * scale[c] * inv * inv * inv * sdyx);
	}
}

static void snpu_exec_softmax(struct snpu_exec *x, struct snpu_exec_node *pn,
			      bool bwd)
{
	const struct snpu_exec_tensor *ty = &x->t[pn->gn.out[0]];
	const float *xin = snpu_exec_in(x, pn->gn.in[0]);
	float *gx = snpu_exec_gin(x, pn->gn.in[0]);
	const int64_t mid = pn->mid, inner = pn->inner;

	if (bwd && !gx)
		return;
	for (int64_t o = 0; o < pn->outer; o++) {
		for (int64_t in = 0; in < inner; in++) {
			const int64_t base = o * mid * inner + in;
			const float *xs = xin + base, *gys = ty->grad + base;
			float *ys = ty->val + base;
			float mx = -INFINITY, sum = 0, dot = 0;

			if (bwd) {
				/* dx = y (dy - sum(dy y)) */
				for (int64_t i = 0; i < mid; i++)
					dot += gys[i * inner] * ys[i * inner];
				for (int64_t i = 0; i < mid; i++)
					gx[base + i * inner] += ys[i * inner] *
						(gys[i * inner] - dot);
				continue;
			}
			for (int64_t i = 0; i < mid; i++)
				mx = xs[i * inner] > mx ? xs[i * inner] : mx;
			for (int64_t i = 0; i < mid; i++) {
				ys[i * inner] = expf(xs[i * inner] - mx);
				sum += ys[i * inner];
			}
			for (int64_t i = 0; i < mid; i++)
				ys[i * inner] /= sum;
		}
	}
}

/* ---- running ------------------------------------------------------------- */

/**
 * snpu_exec_forward() - run every node
 * @x: executor, graph inputs filled.
 *
 * Return: 0, or -EINVAL when a constant's extents no longer match the plan.
 */
int snpu_exec_forward(struct snpu_exec *x)
{
	if (!x || snpu_exec_check_consts(x))
		return -EINVAL;
	for (uint32_t i = 0; i < x->n_nodes; i++) {
		struct snpu_exec_node *pn = &x->nodes[i];

		switch (pn->gn.op) {
		case SNPU_GOP_GEMM:
			snpu_exec_gemm_fwd(x, pn);
			break;
		case SNPU_GOP_MATMUL:
			snpu_exec_matmul(x, pn, false);
			break;
		case SNPU_GOP_CONV:
			snpu_exec_conv_fwd(x, pn);
			break;
		case SNPU_GOP_RELU:
		case SNPU_GOP_CLIP:
			snpu_exec_relu_clip(x, pn, false);
			break;
		case SNPU_GOP_MAXPOOL:
			snpu_exec_maxpool_fwd(x, pn);
			break;
		case SNPU_GOP_AVGPOOL:
			snpu_exec_avgpool(x, pn, NULL);
			break;
		case SNPU_GOP_GLOBALAVGPOOL:
			snpu_exec_gap(x, pn, false);
			break;
		case SNPU_GOP_ADD:
			snpu_exec_add(x, pn, false);
			break;
		case SNPU_GOP_FLATTEN:
		case SNPU_GOP_RESHAPE:
			snpu_exec_copy(x, pn, false);
			break;
		case SNPU_GOP_BATCHNORM:
			snpu_exec_bn(x, pn, false);
			break;
		case SNPU_GOP_SOFTMAX:
			snpu_exec_softmax(x, pn, false);
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static bool snpu_exec_is_output(const struct snpu_exec *x, uint32_t t)
{
	for (uint32_t i = 0; i < x->g->n_outputs; i++)
		if (x->g->outputs[i] == t)
			return true;
	return false;
}

/**
 * snpu_exec_backward() - back-propagate from the outputs' gradients
 * @x: executor made with %SNPU_EXEC_GRAD, after snpu_exec_forward(), the
 *	graph outputs' gradient buffers holding dLoss/dOutput.
 *
 * Computed tensors' gradients are overwritten (those of the graph outputs
 * get what the nodes reading them add); float constants' accumulate.
 *
 * Return: 0, or -EINVAL without %SNPU_EXEC_GRAD or when a constant's
 * extents no longer match the plan.
 */
int snpu_exec_backward(struct snpu_exec *x)
{
	if (!x || !(x->flags & SNPU_EXEC_GRAD) || snpu_exec_check_consts(x))
		return -EINVAL;
	for (uint32_t i = 0; i < x->n_tensors; i++) {
		struct snpu_exec_tensor *t = &x->t[i];

		if (t->grad && !t->constant && !snpu_exec_is_output(x, i))
			memset(t->grad, 0, sizeof(float) * t->numel);
	}
	for (uint32_t i = x->n_nodes; i-- > 0;) {
		struct snpu_exec_node *pn = &x->nodes[i];

		switch (pn->gn.op) {
		case SNPU_GOP_GEMM:
			snpu_exec_gemm_bwd(x, pn);
			break;
		case SNPU_GOP_MATMUL:
			snpu_exec_matmul(x, pn, true);
			break;
		case SNPU_GOP_CONV:
			snpu_exec_conv_bwd(x, pn);
			break;
		case SNPU_GOP_RELU:
		case SNPU_GOP_CLIP:
			snpu_exec_relu_clip(x, pn, true);
			break;
		case SNPU_GOP_MAXPOOL:
			snpu_exec_maxpool_bwd(x, pn);
			break;
		case SNPU_GOP_AVGPOOL:
			snpu_exec_avgpool(x, pn, x->t[pn->gn.out[0]].grad);
			break;
		case SNPU_GOP_GLOBALAVGPOOL:
			snpu_exec_gap(x, pn, true);
			break;
		case SNPU_GOP_ADD:
			snpu_exec_add(x, pn, true);
			break;
		case SNPU_GOP_FLATTEN:
		case SNPU_GOP_RESHAPE:
			snpu_exec_copy(x, pn, true);
			break;
		case SNPU_GOP_BATCHNORM:
			snpu_exec_bn(x, pn, true);
			break;
		case SNPU_GOP_SOFTMAX:
			snpu_exec_softmax(x, pn, true);
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * snpu_exec_zero_grad() - clear every gradient buffer
 * @x: executor (without %SNPU_EXEC_GRAD there is nothing to clear).
 */
void snpu_exec_zero_grad(struct snpu_exec *x)
{
	for (uint32_t i = 0; x && i < x->n_tensors; i++)
		if (x->t[i].grad)
			memset(x->t[i].grad, 0, sizeof(float) * x->t[i].numel);
}
