// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests for the fp32 reference executor (snpu_exec.c) and shape
 * inference (snpu_shape.c).
 *
 * Forward: every op on random shapes (strides, pads, dilations, groups,
 * auto_pad, ceil_mode, broadcasts, transposes, batched MatMul) against
 * naive loops written here from the ONNX operator spec in double
 * precision, independent of the executor's im2col / sgemm / broadcast
 * planning. Shapes: each mismatch is rejected with a message naming the
 * node. Backward: central finite differences of a double-precision loss
 * L = sum(w * y) against snpu_exec_backward() for every graph input and
 * float constant of small graphs, one per differentiable op plus a
 * Conv -> Relu -> MaxPool -> Flatten -> Gemm chain; a batch large enough
 * for the Conv to run in several im2col chunks has its gradients checked
 * against naive loops instead. A finite difference that straddles a kink
 * (Relu at 0, a MaxPool tie) is recognised by disagreeing with itself at
 * a smaller step, and only a few may be skipped that way.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snpu_exec.h"
#include "snpu_graph.h"

#define ERR_SIZE	256
#define MAXD		SNPU_GRAPH_MAX_DIMS

/* ---- random numbers ------------------------------------------------------ */

static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	rng_state = s * 0x9e3779b97f4a7c15ull + 1;
}

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, 1). */
static double rng_unif(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

static float rng_f(double lo, double hi)
{
	return (float)(lo + (hi - lo) * rng_unif());
}

/* Uniform in [lo, hi]. */
static int64_t rng_int(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next() % (uint64_t)(hi - lo + 1));
}

static void fill_unif(float *p, size_t n, double lo, double hi)
{
	for (size_t i = 0; i < n; i++)
		p[i] = rng_f(lo, hi);
}

/*
 * Distinct values at least ~1/n apart, none within 0.05 of 0, shuffled:
 * no finite-difference step crosses a Relu kink or a MaxPool tie.
 */
static void fill_grid(float *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double f = 0.05 + 0.95 * ((double)(i / 2) + 0.5) /
			   (double)((n + 1) / 2);

		p[i] = (float)(i & 1 ? -f : f);
	}
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rng_int(0, (int64_t)i - 1);
		float t = p[i - 1];

		p[i - 1] = p[j];
		p[j] = t;
	}
}

/* ---- graph building ------------------------------------------------------ */

static int64_t numel_of(uint32_t nd, const int64_t *d)
{
	int64_t n = 1;

	for (uint32_t i = 0; i < nd; i++)
		n *= d[i];
	return n;
}

static struct snpu_graph *new_graph(void)
{
	struct snpu_graph *g = snpu_graph_new("test");

	assert_non_null(g);
	return g;
}

static uint32_t add_input(struct snpu_graph *g, const char *name, uint32_t nd,
			  const int64_t *dims)
{
	uint32_t t = snpu_graph_add_tensor(g, name, nd, dims, NULL);

	assert_int_not_equal(t, SNPU_GRAPH_NONE);
	g->inputs[g->n_inputs++] = t;
	return t;
}

/* A float constant of random values in [lo, hi]. */
static uint32_t add_const(struct snpu_graph *g, const char *name, uint32_t nd,
			  const int64_t *dims, double lo, double hi)
{
	int64_t n = numel_of(nd, dims);
	float *v = malloc(sizeof(float) * (n ? n : 1));
	uint32_t t;

	assert_non_null(v);
	fill_unif(v, n, lo, hi);
	t = snpu_graph_add_tensor(g, name, nd, dims, v);
	free(v);
	assert_int_not_equal(t, SNPU_GRAPH_NONE);
	return t;
}

static uint32_t add_value(struct snpu_graph *g, const char *name)
{
	uint32_t t = snpu_graph_add_tensor(g, name, 0, NULL, NULL);

	assert_int_not_equal(t, SNPU_GRAPH_NONE);
	return t;
}

static uint32_t add_node(struct snpu_graph *g, const char *name,
			 enum snpu_gop op, uint32_t n_in, const uint32_t *in,
			 uint32_t out)
{
	uint32_t ni = snpu_graph_add_node(g, name, op, n_in, in, out);

	assert_int_not_equal(ni, SNPU_GRAPH_NONE);
	return ni;
}

static void set_output(struct snpu_graph *g, uint32_t t)
{
	g->outputs[g->n_outputs++] = t;
}

static struct snpu_exec *create(const struct snpu_graph *g, uint32_t batch,
				unsigned int flags)
{
	struct snpu_exec *x = NULL;
	char err[ERR_SIZE] = "";
	int ret = snpu_exec_create(g, batch, flags, &x, err, sizeof(err));

	if (ret)
		print_error("snpu_exec_create: %d: %s\n", ret, err);
	assert_int_equal(ret, 0);
	assert_non_null(x);
	return x;
}

static size_t exec_numel(const struct snpu_exec *x, uint32_t t)
{
	int64_t d[MAXD];
	uint32_t nd = snpu_exec_dims(x, t, d);

	return (size_t)numel_of(nd, d);
}

/* Fill every graph input with random values (@grid: see fill_grid()). */
static void fill_inputs(struct snpu_exec *x, const struct snpu_graph *g,
			bool grid)
{
	for (uint32_t i = 0; i < g->n_inputs; i++) {
		float *v = snpu_exec_value(x, g->inputs[i]);
		size_t n = exec_numel(x, g->inputs[i]);

		assert_non_null(v);
		if (grid)
			fill_grid(v, n);
		else
			fill_unif(v, n, -1, 1);
	}
}

static void expect_dims(const struct snpu_exec *x, uint32_t t, uint32_t nd,
			const int64_t *want)
{
	int64_t d[MAXD];

	assert_int_equal(snpu_exec_dims(x, t, d), nd);
	for (uint32_t i = 0; i < nd; i++)
		assert_int_equal(d[i], want[i]);
}

/* |y - ref| <= tol * (1 + |ref|) everywhere. */
static void expect_close(const float *y, const double *ref, size_t n,
			 double tol, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		if (y[i] == ref[i] ||
		    fabs(y[i] - ref[i]) <= tol * (1 + fabs(ref[i])))
			continue;
		print_error("%s: element %zu is %.8g, expected %.8g\n", what,
			    i, y[i], ref[i]);
		fail();
	}
}

static const float *cdata(const struct snpu_graph *g, uint32_t t)
{
	return g->tensors[t].data;
}

/* ---- naive references ---------------------------------------------------- */

static void unravel(int64_t flat, uint32_t nd, const int64_t *d, int64_t *idx)
{
	for (uint32_t i = nd; i-- > 0;) {
		idx[i] = d[i] ? flat % d[i] : 0;
		flat = d[i] ? flat / d[i] : 0;
	}
}

/*
 * Offset in an operand of rank @rn and extents @rd of the element that
 * numpy broadcasting pairs with output index @idx (rank @on).
 */
static int64_t bcast_off(uint32_t on, const int64_t *idx, uint32_t rn,
			 const int64_t *rd)
{
	int64_t off = 0;

	for (uint32_t i = 0; i < rn; i++)
		off = off * rd[i] + (rd[i] == 1 ? 0 : idx[on - rn + i]);
	return off;
}

/* Broadcast extents of @a and @b; false when they do not broadcast. */
static bool bcast_dims(uint32_t ra, const int64_t *da, uint32_t rb,
		       const int64_t *db, uint32_t *ro, int64_t *dout)
{
	uint32_t r = ra > rb ? ra : rb;

	for (uint32_t i = 0; i < r; i++) {
		int64_t x = i + ra >= r ? da[i + ra - r] : 1;
		int64_t y = i + rb >= r ? db[i + rb - r] : 1;

		if (x != y && x != 1 && y != 1)
			return false;
		dout[i] = x == 1 ? y : x;
	}
	*ro = r;
	return true;
}

struct wcfg {
	bool one_d;
	int64_t n, c, h, w;
	int64_t o, kh, kw;
	int64_t sh, sw, dh, dw;
	int64_t pads[4];
	int auto_pad;
	int64_t group;
	int ceil_mode, incl;
	/* Derived: resolved pads and output extents. */
	int64_t pt, pl, pb, pr, oh, ow;
};

/* ONNX output extent of one axis; resolves SAME pads into *@rb, *@re. */
static int64_t out_extent(int64_t in, int64_t k, int64_t s, int64_t d,
			  int64_t pb, int64_t pe, int auto_pad, int ceil_mode,
			  int64_t *rb, int64_t *re)
{
	int64_t ek = (k - 1) * d + 1, out, num, total;

	if (auto_pad) {
		out = (in + s - 1) / s;
		total = (out - 1) * s + ek - in;
		if (total < 0)
			total = 0;
		*rb = auto_pad == 1 ? total / 2 : (total + 1) / 2;
		*re = total - *rb;
		return out;
	}
	*rb = pb;
	*re = pe;
	num = in + pb + pe - ek;
	if (num < 0)
		return 0;
	if (!ceil_mode)
		return num / s + 1;
	out = (num + s - 1) / s + 1;
	if ((out - 1) * s >= in + pb)
		out--;
	return out;
}

static bool wcfg_resolve(struct wcfg *c)
{
	c->oh = out_extent(c->h, c->kh, c->sh, c->dh, c->pads[0], c->pads[2],
			   c->auto_pad, c->ceil_mode, &c->pt, &c->pb);
	c->ow = out_extent(c->w, c->kw, c->sw, c->dw, c->pads[1], c->pads[3],
			   c->auto_pad, c->ceil_mode, &c->pl, &c->pr);
	return c->oh > 0 && c->ow > 0;
}

/* Every pool window covers at least one input element. */
static bool wcfg_windows_touch(const struct wcfg *c)
{
	for (int64_t oy = 0; oy < c->oh; oy++) {
		bool any = false;

		for (int64_t i = 0; i < c->kh; i++) {
			int64_t iy = oy * c->sh - c->pt + i * c->dh;

			any |= iy >= 0 && iy < c->h;
		}
		if (!any)
			return false;
	}
	for (int64_t ox = 0; ox < c->ow; ox++) {
		bool any = false;

		for (int64_t j = 0; j < c->kw; j++) {
			int64_t ix = ox * c->sw - c->pl + j * c->dw;

			any |= ix >= 0 && ix < c->w;
		}
		if (!any)
			return false;
	}
	return true;
}

/*
 * A random Conv (@conv) or pool window that fits; pool windows all cover
 * some input (ONNX leaves an all-padding window undefined).
 */
static void wcfg_random(struct wcfg *c, bool conv, bool one_d)
{
	do {
		int64_t cg, og;

		memset(c, 0, sizeof(*c));
		c->one_d = one_d;
		c->n = rng_int(1, 2);
		c->group = conv ? rng_int(1, 3) : 1;
		cg = rng_int(1, 3);
		og = rng_int(1, 3);
		if (conv && rng_int(0, 3) == 0)
			cg = 1;		/* depthwise (with a multiplier) */
		c->c = c->group * cg;
		c->o = conv ? c->group * og : c->c;
		c->kh = one_d ? 1 : rng_int(1, 3);
		c->kw = rng_int(1, 3);
		c->sh = one_d ? 1 : rng_int(1, 3);
		c->sw = rng_int(1, 3);
		c->dh = one_d ? 1 : rng_int(1, 2);
		c->dw = rng_int(1, 2);
		for (int i = 0; i < 4; i++)
			c->pads[i] = (one_d && !(i & 1)) ? 0 : rng_int(0, 2);
		/* Pads must stay below the kernel for pools (ONNX). */
		if (!conv)
			for (int i = 0; i < 4; i++)
				if (c->pads[i] >= (i & 1 ? c->kw : c->kh))
					c->pads[i] = 0;
		c->auto_pad = rng_int(0, 4) == 0 ? (int)rng_int(1, 2) : 0;
		c->ceil_mode = !conv && rng_int(0, 1);
		c->incl = !conv && rng_int(0, 1);
		c->h = one_d ? 1 : rng_int(1, 7);
		c->w = rng_int(1, 7);
	} while (!wcfg_resolve(c) || (!conv && !wcfg_windows_touch(c)));
}

static void wcfg_attrs(const struct wcfg *c, struct snpu_gattr *a)
{
	a->strides[0] = c->sh;
	a->strides[1] = c->sw;
	a->dilations[0] = c->dh;
	a->dilations[1] = c->dw;
	memcpy(a->pads, c->pads, sizeof(a->pads));
	a->auto_pad = c->auto_pad;
	a->group = c->group;
	a->kernel[0] = c->kh;
	a->kernel[1] = c->kw;
	a->ceil_mode = c->ceil_mode;
	a->count_include_pad = c->incl;
}

/* X extents of a window config (rank 3 when 1-D). */
static uint32_t wcfg_xdims(const struct wcfg *c, int64_t *d)
{
	d[0] = c->n;
	d[1] = c->c;
	if (c->one_d) {
		d[2] = c->w;
		return 3;
	}
	d[2] = c->h;
	d[3] = c->w;
	return 4;
}

/*
 * Input offset of kernel tap (@i, @j) of output (@oy, @ox) in channel
 * plane @ch, or -1 in the padding.
 */
static int64_t tap_at(const struct wcfg *c, int64_t ch, int64_t oy,
		      int64_t ox, int64_t i, int64_t j)
{
	int64_t iy = oy * c->sh - c->pt + i * c->dh;
	int64_t ix = ox * c->sw - c->pl + j * c->dw;

	if (iy < 0 || iy >= c->h || ix < 0 || ix >= c->w)
		return -1;
	return (ch * c->h + iy) * c->w + ix;
}

static void ref_conv(const struct wcfg *c, const float *x, const float *w,
		     const float *b, double *y)
{
	const int64_t cg = c->c / c->group, og = c->o / c->group;
	const int64_t ny = c->n * c->o * c->oh * c->ow, kk = c->kh * c->kw;
	int64_t idx[4];

	for (int64_t q = 0; q < ny; q++) {
		double acc;

		unravel(q, 4, (const int64_t[]){ c->n, c->o, c->oh, c->ow },
			idx);
		acc = b ? b[idx[1]] : 0;
		for (int64_t t = 0; t < cg * kk; t++) {
			int64_t ch = idx[1] / og * cg + t / kk;
			int64_t e = tap_at(c, idx[0] * c->c + ch, idx[2], idx[3],
					   t % kk / c->kw, t % c->kw);

			if (e >= 0)
				acc += (double)x[e] * w[idx[1] * cg * kk + t];
		}
		y[q] = acc;
	}
}

/*
 * MaxPool or AveragePool. The AveragePool divisor with count_include_pad
 * counts the taps inside the padded input [-pads, extent + pads).
 */
static void ref_pool(const struct wcfg *c, bool max, const float *x,
		     double *y)
{
	const int64_t p = c->oh * c->ow;

	for (int64_t q = 0; q < c->n * c->c * p; q++) {
		int64_t nc = q / p, oy = q % p / c->ow, ox = q % c->ow;
		double acc = max ? -INFINITY : 0;
		int64_t cnt = 0, padded = 0;

		for (int64_t t = 0; t < c->kh * c->kw; t++) {
			int64_t i = t / c->kw, j = t % c->kw;
			int64_t iy = oy * c->sh - c->pt + i * c->dh;
			int64_t ix = ox * c->sw - c->pl + j * c->dw;
			int64_t e = tap_at(c, nc, oy, ox, i, j);

			if (iy >= -c->pt && iy < c->h + c->pb &&
			    ix >= -c->pl && ix < c->w + c->pr)
				padded++;
			if (e < 0)
				continue;
			cnt++;
			acc = max ? fmax(acc, x[e]) : acc + x[e];
		}
		if (!max)
			acc /= c->incl ? padded : cnt;
		y[q] = acc;
	}
}

/* Y = alpha * A' B' + beta * C (C of rank @rc broadcast to [M, N]). */
static void ref_gemm(int64_t m, int64_t n, int64_t k, int ta, int tb,
		     double alpha, double beta, const float *a, const float *b,
		     const float *c, uint32_t rc, const int64_t *dc, double *y)
{
	for (int64_t q = 0; q < m * n; q++) {
		int64_t idx[2] = { q / n, q % n }, i = q / n, j = q % n;
		double acc = 0;

		for (int64_t p = 0; p < k; p++)
			acc += (double)(ta ? a[p * m + i] : a[i * k + p]) *
			       (tb ? b[j * k + p] : b[p * n + j]);
		y[q] = alpha * acc +
		       (c ? beta * c[bcast_off(2, idx, rc, dc)] : 0);
	}
}

/*
 * numpy matmul; writes the output extents to *@ry, @dy and returns false
 * when the shapes do not agree.
 */
static bool ref_matmul(uint32_t ra, const int64_t *da, const float *a,
		       uint32_t rb, const int64_t *db, const float *b,
		       uint32_t *ry, int64_t *dy, double *y)
{
	int64_t pa[MAXD], pb[MAXD], bd[MAXD], bidx[MAXD];
	uint32_t na = ra, nb = rb, r;
	int64_t m, k, n, batch;

	memcpy(pa, da, sizeof(*da) * ra);
	memcpy(pb, db, sizeof(*db) * rb);
	if (ra == 1) {
		pa[0] = 1;
		pa[1] = da[0];
		na = 2;
	}
	if (rb == 1) {
		pb[1] = 1;
		nb = 2;
	}
	m = pa[na - 2];
	k = pa[na - 1];
	n = pb[nb - 1];
	if (pb[nb - 2] != k || !bcast_dims(na - 2, pa, nb - 2, pb, &r, bd))
		return false;
	memcpy(dy, bd, sizeof(*bd) * r);
	*ry = r;
	if (ra > 1)
		dy[(*ry)++] = m;
	if (rb > 1)
		dy[(*ry)++] = n;
	if (!y)
		return true;
	batch = numel_of(r, bd);
	for (int64_t bi = 0; bi < batch; bi++) {
		int64_t oa, ob;

		unravel(bi, r, bd, bidx);
		oa = bcast_off(r, bidx, na - 2, pa) * m * k;
		ob = bcast_off(r, bidx, nb - 2, pb) * k * n;
		for (int64_t q = 0; q < m * n; q++) {
			int64_t i = q / n, j = q % n;
			double acc = 0;

			for (int64_t p = 0; p < k; p++)
				acc += (double)a[oa + i * k + p] * b[ob + p * n + j];
			y[bi * m * n + q] = acc;
		}
	}
	return true;
}

/* ---- finite differences -------------------------------------------------- */

/* L = sum(w * y) over graph output 0, in double. */
static double fd_loss(struct snpu_exec *x, uint32_t out, const double *w,
		      size_t n)
{
	const float *y;
	double l = 0;

	assert_int_equal(snpu_exec_forward(x), 0);
	y = snpu_exec_value(x, out);
	for (size_t i = 0; i < n; i++)
		l += w[i] * y[i];
	return l;
}

static double fd_at(struct snpu_exec *x, uint32_t out, const double *w,
		    size_t n, float *p, double h)
{
	float save = *p, xp = (float)(save + h), xm = (float)(save - h);
	double lp, lm;

	*p = xp;
	lp = fd_loss(x, out, w, n);
	*p = xm;
	lm = fd_loss(x, out, w, n);
	*p = save;
	return (lp - lm) / ((double)xp - (double)xm);
}

/*
 * Check snpu_exec_backward() against central differences for every graph
 * input and float constant of @g. @grid fills the inputs with kink-free
 * values. Constants are perturbed in the graph itself, which also proves
 * the executor rereads them at every forward.
 */
static void fd_check(struct snpu_graph *g, uint32_t batch, bool grid)
{
	struct snpu_exec *x = create(g, batch, SNPU_EXEC_GRAD);
	uint32_t out = g->outputs[0];
	size_t ny = exec_numel(x, out), checked = 0, skipped = 0;
	const double h = 1e-3;
	double *w = malloc(sizeof(double) * (ny ? ny : 1));
	float *gy;

	assert_non_null(w);
	fill_inputs(x, g, grid);
	assert_int_equal(snpu_exec_forward(x), 0);
	gy = snpu_exec_grad(x, out);
	assert_non_null(gy);
	for (size_t i = 0; i < ny; i++) {
		w[i] = rng_f(-1, 1);
		gy[i] = (float)w[i];
	}
	assert_int_equal(snpu_exec_backward(x), 0);
	for (uint32_t t = 0; t < g->n_tensors; t++) {
		bool is_in = false;
		float *p, *an;
		size_t n;

		for (uint32_t i = 0; i < g->n_inputs; i++)
			is_in |= g->inputs[i] == t;
		if (!is_in && !g->tensors[t].data)
			continue;
		p = is_in ? snpu_exec_value(x, t) : g->tensors[t].data;
		n = exec_numel(x, t);
		an = malloc(sizeof(float) * (n ? n : 1));
		assert_non_null(an);
		assert_non_null(snpu_exec_grad(x, t));
		memcpy(an, snpu_exec_grad(x, t), sizeof(float) * n);
		for (size_t i = 0; i < n; i++) {
			double fd = fd_at(x, out, w, ny, &p[i], h), fd2;
			double tol = 1e-2 * fmax(fabs(an[i]), fabs(fd)) + 2e-3;

			checked++;
			if (fabs(an[i] - fd) <= tol)
				continue;
			/* A kink inside the step: the difference is not stable. */
			fd2 = fd_at(x, out, w, ny, &p[i], h / 4);
			if (fabs(fd2 - fd) > tol) {
				skipped++;
				continue;
			}
			print_error("gradient of '%s'[%zu]: backward %.6g, finite difference %.6g\n",
				    g->tensors[t].name, i, an[i], fd);
			fail();
		}
		free(an);
	}
	if (skipped > 1 + checked / 50) {
		print_error("%zu of %zu finite differences straddle a kink\n",
			    skipped, checked);
		fail();
	}
	assert_true(checked > 0);
	free(w);
	snpu_exec_destroy(x);
}

/* ---- forward: Gemm and MatMul -------------------------------------------- */

/* C forms: none, [], [1], [N], [1,N], [M,1], [M,N], [1,1]. */
static uint32_t gemm_c_dims(int form, int64_t m, int64_t n, int64_t *d)
{
	/* Rank, then extents. */
	const int64_t forms[8][3] = {
		{ 0 }, { 0 }, { 1, 1 }, { 1, n },
		{ 2, 1, n }, { 2, m, 1 }, { 2, m, n }, { 2, 1, 1 },
	};

	memcpy(d, forms[form] + 1, sizeof(*d) * forms[form][0]);
	return (uint32_t)forms[form][0];
}

/* A random Gemm graph; *@a, *@b, *@c are its operands (c may be NONE). */
static struct snpu_graph *gemm_graph(int it, bool all_inputs, int64_t *mnk,
				     uint32_t *abc)
{
	struct snpu_graph *g = new_graph();
	int64_t m = rng_int(1, 6), n = rng_int(1, 6), k = rng_int(1, 8);
	int ta = it & 1, tb = (it >> 1) & 1, form = (it >> 2) % 8;
	int64_t da[2] = { ta ? k : m, ta ? m : k };
	int64_t db[2] = { tb ? n : k, tb ? k : n }, dc[2];
	uint32_t rc = form ? gemm_c_dims(form, m, n, dc) : 0, y, ni;
	struct snpu_gattr *a;

	abc[0] = add_input(g, "a", 2, da);
	abc[1] = all_inputs ? add_input(g, "b", 2, db) :
			      add_const(g, "b", 2, db, -1, 1);
	abc[2] = SNPU_GRAPH_NONE;
	if (form)
		abc[2] = all_inputs ? add_input(g, "c", rc, dc) :
				      add_const(g, "c", rc, dc, -1, 1);
	y = add_value(g, "y");
	ni = add_node(g, "gemm", SNPU_GOP_GEMM, form ? 3 : 2, abc, y);
	a = &g->nodes[ni].attr;
	a->trans_a = ta;
	a->trans_b = tb;
	a->alpha = rng_f(-2, 2);
	a->beta = rng_f(-2, 2);
	set_output(g, y);
	mnk[0] = m;
	mnk[1] = n;
	mnk[2] = k;
	return g;
}

static void snpu_exec_forward_gemm_matches_naive(void **state)
{
	rng_seed(1);
	for (int it = 0; it < 64; it++) {
		int64_t mnk[3], dc[2] = { 0, 0 };
		uint32_t abc[3];
		struct snpu_graph *g = gemm_graph(it, it & 32, mnk, abc);
		const struct snpu_gattr *a = &g->nodes[0].attr;
		struct snpu_exec *x = create(g, 0, 0);
		const float *cv = NULL;
		uint32_t rc = 0;
		double *ref = calloc(mnk[0] * mnk[1], sizeof(double));
		const float *av, *bv;

		fill_inputs(x, g, false);
		assert_int_equal(snpu_exec_forward(x), 0);
		av = snpu_exec_value(x, abc[0]);
		bv = g->tensors[abc[1]].data ? cdata(g, abc[1]) :
					       snpu_exec_value(x, abc[1]);
		if (abc[2] != SNPU_GRAPH_NONE) {
			cv = g->tensors[abc[2]].data ? cdata(g, abc[2]) :
						       snpu_exec_value(x, abc[2]);
			rc = g->tensors[abc[2]].ndim;
			memcpy(dc, g->tensors[abc[2]].dims, sizeof(int64_t) * rc);
		}
		ref_gemm(mnk[0], mnk[1], mnk[2], a->trans_a, a->trans_b,
			 a->alpha, a->beta, av, bv, cv, rc, dc, ref);
		expect_dims(x, g->outputs[0], 2, mnk);
		expect_close(snpu_exec_value(x, g->outputs[0]), ref,
			     mnk[0] * mnk[1], 1e-4, "Gemm");
		free(ref);
		snpu_exec_destroy(x);
		snpu_graph_free(g);
	}
}

/* Random MatMul operand extents that broadcast (ranks 1 to 4). */
static void matmul_dims(uint32_t *ra, int64_t *da, uint32_t *rb, int64_t *db)
{
	int64_t m = rng_int(1, 4), k = rng_int(1, 5), n = rng_int(1, 4);
	int64_t bd[2] = { rng_int(1, 3), rng_int(1, 3) };

	*ra = (uint32_t)rng_int(1, 4);
	*rb = (uint32_t)rng_int(1, 4);
	for (uint32_t i = 0; *ra > 2 && i < *ra - 2; i++)
		da[i] = rng_int(0, 2) ? bd[i + 4 - *ra] : 1;
	for (uint32_t i = 0; *rb > 2 && i < *rb - 2; i++)
		db[i] = rng_int(0, 2) ? bd[i + 4 - *rb] : 1;
	if (*ra == 1) {
		da[0] = k;
	} else {
		da[*ra - 2] = m;
		da[*ra - 1] = k;
	}
	if (*rb == 1) {
		db[0] = k;
	} else {
		db[*rb - 2] = k;
		db[*rb - 1] = n;
	}
}

static void snpu_exec_forward_matmul_matches_naive(void **state)
{
	rng_seed(2);
	for (int it = 0; it < 64; it++) {
		struct snpu_graph *g = new_graph();
		int64_t da[MAXD], db[MAXD], dy[MAXD];
		uint32_t ra, rb, ry, a, b, y;
		struct snpu_exec *x;
		double *ref;

		matmul_dims(&ra, da, &rb, db);
		a = add_input(g, "a", ra, da);
		b = it & 1 ? add_input(g, "b", rb, db) :
			     add_const(g, "b", rb, db, -1, 1);
		y = add_value(g, "y");
		add_node(g, "matmul", SNPU_GOP_MATMUL, 2,
			 (uint32_t[]){ a, b }, y);
		set_output(g, y);
		x = create(g, 0, 0);
		fill_inputs(x, g, false);
		assert_int_equal(snpu_exec_forward(x), 0);
		assert_true(ref_matmul(ra, da, NULL, rb, db, NULL, &ry, dy,
				       NULL));
		ref = calloc(numel_of(ry, dy) + 1, sizeof(double));
		ref_matmul(ra, da, snpu_exec_value(x, a), rb, db,
			   it & 1 ? snpu_exec_value(x, b) : cdata(g, b),
			   &ry, dy, ref);
		expect_dims(x, y, ry, dy);
		expect_close(snpu_exec_value(x, y), ref, numel_of(ry, dy), 1e-4,
			     "MatMul");
		free(ref);
		snpu_exec_destroy(x);
		snpu_graph_free(g);
	}
}

/* ---- forward: Conv and pools ---------------------------------------------- */

static struct snpu_graph *conv_graph(const struct wcfg *c, bool bias,
				     uint32_t *xwb)
{
	struct snpu_graph *g = new_graph();
	int64_t xd[4], wd[4] = { c->o, c->c / c->group, c->kh, c->kw };
	uint32_t nd = wcfg_xdims(c, xd), y, ni;

	if (c->one_d)
		wd[2] = c->kw;
	xwb[0] = add_input(g, "x", nd, xd);
	xwb[1] = add_const(g, "w", nd, wd, -1, 1);
	xwb[2] = bias ? add_const(g, "b", 1, &c->o, -1, 1) : SNPU_GRAPH_NONE;
	y = add_value(g, "y");
	ni = add_node(g, "conv", SNPU_GOP_CONV, bias ? 3 : 2, xwb, y);
	wcfg_attrs(c, &g->nodes[ni].attr);
	/* Conv takes its kernel from W. */
	g->nodes[ni].attr.kernel[0] = 1;
	g->nodes[ni].attr.kernel[1] = 1;
	set_output(g, y);
	return g;
}

static void conv_forward_check(const struct wcfg *c, bool bias)
{
	uint32_t xwb[3];
	struct snpu_graph *g = conv_graph(c, bias, xwb);
	struct snpu_exec *x = create(g, 0, 0);
	int64_t yd[4] = { c->n, c->o, c->oh, c->ow };
	size_t ny = (size_t)numel_of(4, yd);
	double *ref = calloc(ny, sizeof(double));

	if (c->one_d)
		yd[2] = c->ow;
	fill_inputs(x, g, false);
	assert_int_equal(snpu_exec_forward(x), 0);
	ref_conv(c, snpu_exec_value(x, xwb[0]), cdata(g, xwb[1]),
		 bias ? cdata(g, xwb[2]) : NULL, ref);
	expect_dims(x, g->outputs[0], c->one_d ? 3 : 4, yd);
	expect_close(snpu_exec_value(x, g->outputs[0]), ref, ny, 1e-4, "Conv");
	free(ref);
	snpu_exec_destroy(x);
	snpu_graph_free(g);
}

static void snpu_exec_forward_conv_matches_naive(void **state)
{
	rng_seed(3);
	for (int it = 0; it < 120; it++) {
		struct wcfg c;

		wcfg_random(&c, true, it % 4 == 3);
		conv_forward_check(&c, it & 1);
	}
}

/* 1x1 stride-1 kernels (a plain product per group), grouped and not. */
static void snpu_exec_forward_conv_pointwise_matches_naive(void **state)
{
	rng_seed(4);
	for (int it = 0; it < 16; it++) {
		struct wcfg c;

		do
			wcfg_random(&c, true, it & 1);
		while (c.kh != 1 || c.kw != 1);
		c.sh = 1;
		c.sw = 1;
		c.auto_pad = 0;
		memset(c.pads, 0, sizeof(c.pads));
		assert_true(wcfg_resolve(&c));
		conv_forward_check(&c, it & 2);
	}
}

static void pool_forward_check(const struct wcfg *c, bool max)
{
	struct snpu_graph *g = new_graph();
	int64_t xd[4], yd[4] = { c->n, c->c, c->oh, c->ow };
	uint32_t nd = wcfg_xdims(c, xd), xt, y, ni;
	size_t ny = (size_t)numel_of(4, yd);
	double *ref = calloc(ny, sizeof(double));
	struct snpu_exec *x;

	xt = add_input(g, "x", nd, xd);
	y = add_value(g, "y");
	ni = add_node(g, "pool", max ? SNPU_GOP_MAXPOOL : SNPU_GOP_AVGPOOL, 1,
		      &xt, y);
	wcfg_attrs(c, &g->nodes[ni].attr);
	g->nodes[ni].attr.group = 1;
	set_output(g, y);
	x = create(g, 0, 0);
	fill_inputs(x, g, false);
	assert_int_equal(snpu_exec_forward(x), 0);
	ref_pool(c, max, snpu_exec_value(x, xt), ref);
	if (c->one_d)
		yd[2] = c->ow;
	expect_dims(x, y, nd, yd);
	expect_close(snpu_exec_value(x, y), ref, ny, 1e-5,
		     max ? "MaxPool" : "AveragePool");
	free(ref);
	snpu_exec_destroy(x);
	snpu_graph_free(g);
}

static void snpu_exec_forward_maxpool_matches_naive(void **state)
{
	rng_seed(5);
	for (int it = 0; it < 120; it++) {
		struct wcfg c;

		wcfg_random(&c, false, it % 4 == 3);
		pool_forward_check(&c, true);
	}
}

static void snpu_exec_forward_avgpool_matches_naive(void **state)
{
	rng_seed(6);
	for (int it = 0; it < 120; it++) {
		struct wcfg c;

		wcfg_random(&c, false, it % 4 == 3);
		pool_forward_check(&c, false);
	}
}

static void snpu_exec_forward_globalavgpool_matches_naive(void **state)
{
	rng_seed(7);
	for (int it = 0; it < 16; it++) {
		struct snpu_graph *g = new_graph();
		uint32_t nd = (uint32_t)rng_int(3, 5), xt, y;
		int64_t xd[MAXD], yd[MAXD];
		int64_t s = 1, rows;
		struct snpu_exec *x;
		const float *xv;
		double *ref;

		for (uint32_t i = 0; i < nd; i++) {
			xd[i] = rng_int(1, 4);
			yd[i] = i < 2 ? xd[i] : 1;
			s *= i < 2 ? 1 : xd[i];
		}
		xt = add_input(g, "x", nd, xd);
		y = add_value(g, "y");
		add_node(g, "gap", SNPU_GOP_GLOBALAVGPOOL, 1, &xt, y);
		set_output(g, y);
		x = create(g, 0, 0);
		fill_inputs(x, g, false);
		assert_int_equal(snpu_exec_forward(x), 0);
		rows = xd[0] * xd[1];
		ref = calloc(rows, sizeof(double));
		xv = snpu_exec_value(x, xt);
		for (int64_t r = 0; r < rows; r++) {
			for (int64_t i = 0; i < s; i++)
				ref[r] += xv[r * s + i];
			ref[r] /= s;
		}
		expect_dims(x, y, nd, yd);
		expect_close(snpu_exec_value(x, y), ref, rows, 1e-5,
			     "GlobalAveragePool");
		free(ref);
		snpu_exec_destroy(x);
		snpu_graph_free(g);
	}
}

/* ---- forward: elementwise, shape and normalization ops -------------------- */

static void snpu_exec_forward_relu_clip_match_naive(void **state)
{
	rng_seed(8);
	for (int it = 0; it < 8; it++) {
		struct snpu_graph *g = new_graph();
		int64_t d[3] = { rng_int(1, 4), rng_int(1, 5), rng_int(1, 6) };
		bool clip = it & 1;
		float lo = clip ? rng_f(-1, 0) : 0, hi = clip ? rng_f(0, 1) : INFINITY;
		uint32_t xt = add_input(g, "x", 3, d), y = add_value(g, "y"), ni;
		size_t n = (size_t)numel_of(3, d);
		double *ref = calloc(n, sizeof(double));
		struct snpu_exec *x;
		const float *xv;

		ni = add_node(g, "act", clip ? SNPU_GOP_CLIP : SNPU_GOP_RELU, 1,
			      &xt, y);
		if (clip && it == 7) {
			lo = 0.5f;	/* min > max: every output is max */
			hi = -0.5f;
		}
		g->nodes[ni].attr.clip_min = clip ? lo : -INFINITY;
		g->nodes[ni].attr.clip_max = clip ? hi : INFINITY;
		set_output(g, y);
		x = create(g, 0, 0);
		fill_inputs(x, g, false);
		assert_int_equal(snpu_exec_forward(x), 0);
		xv = snpu_exec_value(x, xt);
		for (size_t i = 0; i < n; i++)
			ref[i] = fmin(fmax(xv[i], lo), hi);
		expect_dims(x, y, 3, d);
		expect_close(snpu_exec_value(x, y), ref, n, 0,
			     clip ? "Clip" : "Relu");
		free(ref);
		snpu_exec_destroy(x);
		snpu_graph_free(g);
	}
}

/* Random operand extents that broadcast to a random output. */
static void add_dims(uint32_t *ra, int64_t *da, uint32_t *rb, int64_t *db)
{
	uint32_t r = (uint32_t)rng_int(0, 4);
	int64_t od[MAXD];

	for (uint32_t i = 0; i < r; i++)
		od[i] = rng_int(1, 4);
	*ra = (uint32_t)rng_int(0, r);
	*rb = r;
	if (rng_int(0, 1)) {
		uint32_t t = *ra;

		*ra = *rb;
		*rb = t;
	}
	for (uint32_t i = 0; i < *ra; i++)
		da[i] = rng_int(0, 2) ? od[r - *ra + i] : 1;
	for (uint32_t i = 0; i < *rb; i++)
		db[i] = rng_int(0, 2) ? od[r - *rb + i] : 1;
}

static void snpu_exec_forward_add_matches_naive(void **state)
{
	rng_seed(9);
	for (int it = 0; it < 64; it++) {
		struct snpu_graph *g = new_graph();
		int64_t da[MAXD], db[MAXD], dy[MAXD], idx[MAXD];
		uint32_t ra, rb, ry, a, b, y;
		struct snpu_exec *x;
		const float *av, *bv;
		double *ref;
		int64_t n;

		add_dims(&ra, da, &rb, db);
		a = add_input(g, "a", ra, da);
		b = it & 1 ? add_input(g, "b", rb, db) :
			     add_const(g, "b", rb, db, -1, 1);
		y = add_value(g, "y");
		add_node(g, "add", SNPU_GOP_ADD, 2, (uint32_t[]){ a, b }, y);
		set_output(g, y);
		x = create(g, 0, 0);
		fill_inputs(x, g, false);
		assert_int_equal(snpu_exec_forward(x), 0);
		assert_true(bcast_dims(ra, da, rb, db, &ry, dy));
		n = numel_of(ry, dy);
		ref = calloc(n, sizeof(double));
		av = snpu_exec_value(x, a);
		bv = it & 1 ? snpu_exec_value(x, b) : cdata(g, b);
		for (int64_t i = 0; i < n; i++) {
			unravel(i, ry, dy, idx);
			ref[i] = (double)av[bcast_off(ry, idx, ra, da)] +
				 bv[bcast_off(ry, idx, rb, db)];
		}
		expect_dims(x, y, ry, dy);
		expect_close(snpu_exec_value(x, y), ref, n, 1e-6, "Add");
		free(ref);
		snpu_exec_destroy(x);
		snpu_graph_free(g);
	}
}

/* Flatten or Reshape output equals the input, reshaped to @yd. */
static void expect_same_data(struct snpu_exec *x, uint32_t xt, uint32_t y,
			     uint32_t ry, const int64_t *yd)
{
	size_t n = exec_numel(x, xt);

	expect_dims(x, y, ry, yd);
	assert_int_equal(exec_numel(x, y), n);
	assert_memory_equal(snpu_exec_value(x, y), snpu_exec_value(x, xt),
			    sizeof(float) * n);
}

static void snpu_exec_forward_flatten_any_axis(void **state)
{
	rng_seed(10);
	for (int it = 0; it < 32; it++) {
		struct snpu_graph *g = new_graph();
		uint32_t r = (uint32_t)rng_int(0, 4), xt, y, ni;
		int64_t xd[MAXD], yd[2] = { 1, 1 }, axis;
		struct snpu_exec *x;

		for (uint32_t i = 0; i < r; i++)
			xd[i] = rng_int(1, 4);
		axis = rng_int(-(int64_t)r, r);
		for (uint32_t i = 0; i < r; i++)
			yd[(int64_t)i < (axis < 0 ? axis + r : axis) ? 0 : 1] *= xd[i];
		xt = add_input(g, "x", r, xd);
		y = add_value(g, "y");
		ni = add_node(g, "flatten", SNPU_GOP_FLATTEN, 1, &xt, y);
		g->nodes[ni].attr.axis = axis;
		set_output(g, y);
		x = create(g, 0, 0);
		fill_inputs(x, g, false);
		assert_int_equal(snpu_exec_forward(x), 0);
		expect_same_data(x, xt, y, 2, yd);
		snpu_exec_destroy(x);
		snpu_graph_free(g);
	}
}

/* Reshape of an input of extents @xd to the int64 @shape. */
static struct snpu_graph *reshape_graph(uint32_t rx, const int64_t *xd,
					uint32_t rs, const int64_t *shape,
					int allowzero)
{
	struct snpu_graph *g = new_graph();
	int64_t sd = rs;
	uint32_t xt = add_input(g, "x", rx, xd);
	uint32_t st = snpu_graph_add_i64(g, "shape", 1, &sd, shape);
	uint32_t y = add_value(g, "y"), ni;

	assert_int_not_equal(st, SNPU_GRAPH_NONE);
	ni = add_node(g, "reshape", SNPU_GOP_RESHAPE, 2, (uint32_t[]){ xt, st },
		      y);
	g->nodes[ni].attr.allowzero = allowzero;
	set_output(g, y);
	return g;
}

static void snpu_exec_forward_reshape_zero_and_minus_one(void **state)
{
	rng_seed(11);
	for (int it = 0; it < 32; it++) {
		uint32_t rx = (uint32_t)rng_int(1, 4), rs = (uint32_t)rng_int(1, 4);
		int64_t xd[MAXD], shape[MAXD], want[MAXD], n = 1, rest;
		int minus = (int)rng_int(-1, (int64_t)rs - 1);
		struct snpu_graph *g;
		struct snpu_exec *x;

		for (uint32_t i = 0; i < rx; i++) {
			xd[i] = rng_int(1, 3);
			n *= xd[i];
		}
		/* Split n into rs factors, the last taking the rest. */
		rest = n;
		for (uint32_t i = 0; i < rs; i++) {
			int64_t f = 1;

			for (int64_t d = 2; i + 1 < rs && d <= rest; d++)
				if (rest % d == 0 && rng_int(0, 1)) {
					f = d;
					break;
				}
			want[i] = i + 1 < rs ? f : rest;
			rest /= want[i];
			shape[i] = want[i];
			/* 0 copies the input's extent at that index. */
			if (i < rx && xd[i] == want[i] && rng_int(0, 1))
				shape[i] = 0;
		}
		if (minus >= 0)
			shape[minus] = -1;
		g = reshape_graph(rx, xd, rs, shape, 0);
		x = create(g, 0, 0);
		fill_inputs(x, g, false);
		assert_int_equal(snpu_exec_forward(x), 0);
		expect_same_data(x, g->inputs[0], g->outputs[0], rs, want);
		snpu_exec_destroy(x);
		snpu_graph_free(g);
	}
}

/* allowzero: a 0 in the shape is an extent of 0, not a copy. */
static void snpu_exec_forward_reshape_allowzero(void **state)
{
	static const int64_t xd[3] = { 0, 3, 4 }, shape[3] = { 3, 4, 0 };
	struct snpu_graph *g = reshape_graph(3, xd, 3, shape, 1);
	struct snpu_exec *x = create(g, 0, 0);
	char err[ERR_SIZE] = "";

	assert_int_equal(snpu_exec_forward(x), 0);
	expect_dims(x, g->outputs[0], 3, shape);
	snpu_exec_destroy(x);
	snpu_graph_free(g);
	/* Without allowzero the 0 copies x's extent 4: 48 != 0 elements. */
	g = reshape_graph(3, xd, 3, shape, 0);
	assert_int_equal(snpu_exec_create(g, 0, 0, &x, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "reshape"));
	snpu_graph_free(g);
}

static void snpu_exec_forward_batchnorm_matches_naive(void **state)
{
	rng_seed(12);
	for (int it = 0; it < 16; it++) {
		struct snpu_graph *g = new_graph();
		uint32_t r = (uint32_t)rng_int(2, 4), in[5], y, ni;
		int64_t xd[MAXD], s = 1, c;
		struct snpu_exec *x;
		const float *xv, *p[5];
		float eps = rng_f(1e-5, 1e-2);
		double *ref;
		size_t n;

		for (uint32_t i = 0; i < r; i++) {
			xd[i] = rng_int(1, 4);
			s *= i >= 2 ? xd[i] : 1;
		}
		c = xd[1];
		in[0] = add_input(g, "x", r, xd);
		in[1] = add_const(g, "scale", 1, &c, -2, 2);
		in[2] = add_const(g, "bias", 1, &c, -1, 1);
		in[3] = add_const(g, "mean", 1, &c, -1, 1);
		in[4] = add_const(g, "var", 1, &c, 0.1, 2);
		y = add_value(g, "y");
		ni = add_node(g, "bn", SNPU_GOP_BATCHNORM, 5, in, y);
		g->nodes[ni].attr.epsilon = eps;
		set_output(g, y);
		x = create(g, 0, 0);
		fill_inputs(x, g, false);
		assert_int_equal(snpu_exec_forward(x), 0);
		n = exec_numel(x, in[0]);
		ref = calloc(n, sizeof(double));
		xv = snpu_exec_value(x, in[0]);
		for (int i = 1; i < 5; i++)
			p[i] = cdata(g, in[i]);
		for (size_t i = 0; i < n; i++) {
			int64_t ch = (int64_t)(i / s) % c;

			ref[i] = (xv[i] - p[3][ch]) / sqrt((double)p[4][ch] + eps) *
				 p[1][ch] + p[2][ch];
		}
		expect_dims(x, y, r, xd);
		expect_close(snpu_exec_value(x, y), ref, n, 1e-5,
			     "BatchNormalization");
		free(ref);
		snpu_exec_destroy(x);
		snpu_graph_free(g);
	}
}

static void snpu_exec_forward_softmax_both_opsets(void **state)
{
	rng_seed(13);
	for (int it = 0; it < 32; it++) {
		struct snpu_graph *g = new_graph();
		uint32_t r = (uint32_t)rng_int(1, 4), xt, y, ni;
		int64_t xd[MAXD], axis = rng_int(-(int64_t)r, r - 1), ax;
		int64_t outer = 1, mid = 1, inner = 1;
		bool v13 = it & 1;
		struct snpu_exec *x;
		const float *xv;
		double *ref;
		size_t n;

		for (uint32_t i = 0; i < r; i++)
			xd[i] = rng_int(1, 4);
		ax = axis < 0 ? axis + r : axis;
		for (uint32_t i = 0; i < r; i++) {
			if ((int64_t)i < ax)
				outer *= xd[i];
			else if ((int64_t)i == ax || !v13)
				mid *= xd[i];
			else
				inner *= xd[i];
		}
		xt = add_input(g, "x", r, xd);
		y = add_value(g, "y");
		ni = add_node(g, "softmax", SNPU_GOP_SOFTMAX, 1, &xt, y);
		g->nodes[ni].attr.axis = axis;
		g->nodes[ni].attr.opset13 = v13;
		set_output(g, y);
		x = create(g, 0, 0);
		fill_inputs(x, g, false);
		assert_int_equal(snpu_exec_forward(x), 0);
		n = exec_numel(x, xt);
		ref = calloc(n, sizeof(double));
		xv = snpu_exec_value(x, xt);
		for (int64_t row = 0; row < outer * inner; row++) {
			int64_t base = row / inner * mid * inner + row % inner;
			double sum = 0;

			for (int64_t i = 0; i < mid; i++)
				sum += exp(xv[base + i * inner]);
			for (int64_t i = 0; i < mid; i++)
				ref[base + i * inner] = exp(xv[base + i * inner]) / sum;
		}
		expect_dims(x, y, r, xd);
		expect_close(snpu_exec_value(x, y), ref, n, 1e-5, "Softmax");
		free(ref);
		snpu_exec_destroy(x);
		snpu_graph_free(g);
	}
}

/* ---- shape errors -------------------------------------------------------- */

/*
 * Build a graph with one bad node called "bad" and expect both
 * snpu_graph_infer_shapes() and snpu_exec_create() to refuse it with a
 * message that names it and contains @what.
 */
static void expect_shape_error(void (*build)(struct snpu_graph *g),
			       const char *what)
{
	struct snpu_graph *g = new_graph();
	struct snpu_exec *x = (struct snpu_exec *)&g;
	char err[ERR_SIZE] = "";

	build(g);
	assert_int_equal(snpu_graph_infer_shapes(g, 0, err, sizeof(err)),
			 -EINVAL);
	if (!strstr(err, "'bad'") || !strstr(err, what)) {
		print_error("message '%s' lacks 'bad' or '%s'\n", err, what);
		fail();
	}
	err[0] = '\0';
	assert_int_equal(snpu_exec_create(g, 0, 0, &x, err, sizeof(err)),
			 -EINVAL);
	assert_null(x);
	assert_non_null(strstr(err, "'bad'"));
	snpu_graph_free(g);
}

/* One node @op over inputs @in (constants where @konst bit i is set). */
static void bad_node(struct snpu_graph *g, enum snpu_gop op, uint32_t n_in,
		     const uint32_t *nds, const int64_t (*dims)[4],
		     unsigned int konst, struct snpu_gattr **attr)
{
	static const char *const names[] = { "i0", "i1", "i2", "i3", "i4" };
	uint32_t in[5], y, ni;

	for (uint32_t i = 0; i < n_in; i++)
		in[i] = konst & (1u << i) ?
			add_const(g, names[i], nds[i], dims[i], 0.5, 1) :
			add_input(g, names[i], nds[i], dims[i]);
	y = add_value(g, "y");
	ni = add_node(g, "bad", op, n_in, in, y);
	set_output(g, y);
	if (attr)
		*attr = &g->nodes[ni].attr;
}

static void build_gemm_k(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 2, 2 };
	static const int64_t d[][4] = { { 3, 4 }, { 5, 6 } };

	bad_node(g, SNPU_GOP_GEMM, 2, nd, d, 2, NULL);
}

static void build_gemm_c(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 2, 2, 1 };
	static const int64_t d[][4] = { { 3, 4 }, { 4, 6 }, { 3 } };

	bad_node(g, SNPU_GOP_GEMM, 3, nd, d, 6, NULL);
}

static void build_gemm_rank(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 3, 2 };
	static const int64_t d[][4] = { { 1, 3, 4 }, { 4, 6 } };

	bad_node(g, SNPU_GOP_GEMM, 2, nd, d, 2, NULL);
}

static void build_matmul_k(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 2, 2 };
	static const int64_t d[][4] = { { 3, 4 }, { 5, 6 } };

	bad_node(g, SNPU_GOP_MATMUL, 2, nd, d, 0, NULL);
}

static void build_matmul_batch(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 3, 3 };
	static const int64_t d[][4] = { { 2, 3, 4 }, { 3, 4, 5 } };

	bad_node(g, SNPU_GOP_MATMUL, 2, nd, d, 0, NULL);
}

static void build_conv_channels(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 4, 4 };
	static const int64_t d[][4] = { { 1, 3, 8, 8 }, { 4, 2, 3, 3 } };

	bad_node(g, SNPU_GOP_CONV, 2, nd, d, 2, NULL);
}

static void build_conv_group(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 4, 4 };
	static const int64_t d[][4] = { { 1, 4, 8, 8 }, { 3, 2, 3, 3 } };
	struct snpu_gattr *a;

	bad_node(g, SNPU_GOP_CONV, 2, nd, d, 2, &a);
	a->group = 2;
}

static void build_conv_kernel(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 4, 4 };
	static const int64_t d[][4] = { { 1, 1, 4, 4 }, { 1, 1, 5, 3 } };

	bad_node(g, SNPU_GOP_CONV, 2, nd, d, 2, NULL);
}

static void build_conv_bias(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 4, 4, 1 };
	static const int64_t d[][4] = { { 1, 1, 4, 4 }, { 2, 1, 3, 3 }, { 3 } };

	bad_node(g, SNPU_GOP_CONV, 3, nd, d, 6, NULL);
}

static void build_conv_rank(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 4, 3 };
	static const int64_t d[][4] = { { 1, 1, 4, 4 }, { 2, 1, 3 } };

	bad_node(g, SNPU_GOP_CONV, 2, nd, d, 2, NULL);
}

static void build_pool_kernel(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 4 };
	static const int64_t d[][4] = { { 1, 2, 3, 3 } };
	struct snpu_gattr *a;

	bad_node(g, SNPU_GOP_MAXPOOL, 1, nd, d, 0, &a);
	a->kernel[0] = 4;
	a->kernel[1] = 4;
}

static void build_pool_1d_height(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 3 };
	static const int64_t d[][4] = { { 1, 2, 9 } };
	struct snpu_gattr *a;

	bad_node(g, SNPU_GOP_AVGPOOL, 1, nd, d, 0, &a);
	a->kernel[0] = 2;
	a->kernel[1] = 2;
}

static void build_pool_stride(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 4 };
	static const int64_t d[][4] = { { 1, 2, 6, 6 } };
	struct snpu_gattr *a;

	bad_node(g, SNPU_GOP_MAXPOOL, 1, nd, d, 0, &a);
	a->kernel[0] = 2;
	a->kernel[1] = 2;
	a->strides[1] = 0;
}

static void build_add(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 2, 1 };
	static const int64_t d[][4] = { { 3, 4 }, { 3 } };

	bad_node(g, SNPU_GOP_ADD, 2, nd, d, 2, NULL);
}

static void build_flatten_axis(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 2 };
	static const int64_t d[][4] = { { 3, 4 } };
	struct snpu_gattr *a;

	bad_node(g, SNPU_GOP_FLATTEN, 1, nd, d, 0, &a);
	a->axis = 3;
}

static void build_softmax_axis(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 2 };
	static const int64_t d[][4] = { { 3, 4 } };
	struct snpu_gattr *a;

	bad_node(g, SNPU_GOP_SOFTMAX, 1, nd, d, 0, &a);
	a->axis = -3;
}

static void build_batchnorm(struct snpu_graph *g)
{
	static const uint32_t nd[] = { 4, 1, 1, 1, 1 };
	static const int64_t d[][4] = { { 2, 3, 4, 4 }, { 3 }, { 3 }, { 4 }, { 3 } };

	bad_node(g, SNPU_GOP_BATCHNORM, 5, nd, d, 0x1e, NULL);
}

static void build_reshape(struct snpu_graph *g, uint32_t rs,
			  const int64_t *shape)
{
	int64_t xd[3] = { 2, 3, 4 }, sd = rs;
	uint32_t xt = add_input(g, "x", 3, xd);
	uint32_t st = snpu_graph_add_i64(g, "shape", 1, &sd, shape);
	uint32_t y = add_value(g, "y");

	add_node(g, "bad", SNPU_GOP_RESHAPE, 2, (uint32_t[]){ xt, st }, y);
	set_output(g, y);
}

static void build_reshape_numel(struct snpu_graph *g)
{
	build_reshape(g, 2, (const int64_t[]){ 5, 5 });
}

static void build_reshape_two_minus(struct snpu_graph *g)
{
	build_reshape(g, 3, (const int64_t[]){ -1, 4, -1 });
}

static void build_reshape_zero_rank(struct snpu_graph *g)
{
	build_reshape(g, 4, (const int64_t[]){ 2, 3, 4, 0 });
}

static void build_reshape_indivisible(struct snpu_graph *g)
{
	build_reshape(g, 2, (const int64_t[]){ 5, -1 });
}

#define SHAPE_ERROR_TEST(name, what)					\
static void snpu_graph_infer_shapes_rejects_##name(void **state)	\
{									\
	expect_shape_error(build_##name, what);				\
}

SHAPE_ERROR_TEST(gemm_k, "disagree on K")
SHAPE_ERROR_TEST(gemm_c, "does not broadcast")
SHAPE_ERROR_TEST(gemm_rank, "2-D")
SHAPE_ERROR_TEST(matmul_k, "disagree on K")
SHAPE_ERROR_TEST(matmul_batch, "do not broadcast")
SHAPE_ERROR_TEST(conv_channels, "channels")
SHAPE_ERROR_TEST(conv_group, "group")
SHAPE_ERROR_TEST(conv_kernel, "does not fit")
SHAPE_ERROR_TEST(conv_bias, "bias")
SHAPE_ERROR_TEST(conv_rank, "3-D or 4-D")
SHAPE_ERROR_TEST(pool_kernel, "does not fit")
SHAPE_ERROR_TEST(pool_1d_height, "1-D")
SHAPE_ERROR_TEST(pool_stride, ">= 1")
SHAPE_ERROR_TEST(add, "do not broadcast")
SHAPE_ERROR_TEST(flatten_axis, "axis")
SHAPE_ERROR_TEST(softmax_axis, "axis")
SHAPE_ERROR_TEST(batchnorm, "parameter 3")
SHAPE_ERROR_TEST(reshape_numel, "elements")
SHAPE_ERROR_TEST(reshape_two_minus, "more than one -1")
SHAPE_ERROR_TEST(reshape_zero_rank, "copies a dim")
SHAPE_ERROR_TEST(reshape_indivisible, "cannot infer")

/* A graph input with an unknown extent needs a batch. */
static void snpu_graph_infer_shapes_rejects_unknown_batch(void **state)
{
	struct snpu_graph *g = new_graph();
	int64_t xd[2] = { -1, 4 };
	uint32_t xt = add_input(g, "pixels", 2, xd), y = add_value(g, "y");
	char err[ERR_SIZE] = "";

	add_node(g, "relu", SNPU_GOP_RELU, 1, &xt, y);
	set_output(g, y);
	assert_int_equal(snpu_graph_infer_shapes(g, 0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "pixels"));
	assert_int_equal(snpu_graph_infer_shapes(g, 5, err, sizeof(err)), 0);
	assert_int_equal(g->tensors[y].ndim, 2);
	assert_int_equal(g->tensors[y].dims[0], 5);
	assert_int_equal(g->tensors[y].dims[1], 4);
	snpu_graph_free(g);
}

/* ---- API behaviour ------------------------------------------------------- */

/* Input [-1, 6] -> Gemm(W [6, 3], C [3]) -> Relu. */
static struct snpu_graph *small_mlp(uint32_t *ids)
{
	struct snpu_graph *g = new_graph();
	int64_t xd[2] = { -1, 6 }, wd[2] = { 6, 3 }, cd = 3;
	uint32_t xt = add_input(g, "x", 2, xd);
	uint32_t w = add_const(g, "w", 2, wd, -1, 1);
	uint32_t c = add_const(g, "c", 1, &cd, -1, 1);
	uint32_t h = add_value(g, "h"), y = add_value(g, "y");

	add_node(g, "fc", SNPU_GOP_GEMM, 3, (uint32_t[]){ xt, w, c }, h);
	add_node(g, "act", SNPU_GOP_RELU, 1, &h, y);
	set_output(g, y);
	ids[0] = xt;
	ids[1] = w;
	ids[2] = c;
	ids[3] = h;
	ids[4] = y;
	return g;
}

static void snpu_exec_create_applies_batch_on_private_shapes(void **state)
{
	uint32_t id[5];
	struct snpu_graph *g = small_mlp(id);
	struct snpu_exec *x = create(g, 7, 0);
	char err[ERR_SIZE] = "";

	expect_dims(x, id[0], 2, (const int64_t[]){ 7, 6 });
	expect_dims(x, id[4], 2, (const int64_t[]){ 7, 3 });
	/* The caller's graph keeps its declared and unknown extents. */
	assert_int_equal(g->tensors[id[0]].dims[0], -1);
	assert_int_equal(g->tensors[id[4]].ndim, 0);
	snpu_exec_destroy(x);
	x = (struct snpu_exec *)&g;
	assert_int_equal(snpu_exec_create(g, 0, 0, &x, err, sizeof(err)),
			 -EINVAL);
	assert_null(x);
	assert_non_null(strstr(err, "'x'"));
	snpu_graph_free(g);
}

static void snpu_exec_value_null_for_constants_and_bad_index(void **state)
{
	uint32_t id[5];
	struct snpu_graph *g = small_mlp(id);
	struct snpu_exec *x = create(g, 2, 0);
	int64_t d[MAXD];

	assert_null(snpu_exec_value(x, id[1]));
	assert_null(snpu_exec_value(x, g->n_tensors));
	assert_non_null(snpu_exec_value(x, id[3]));
	assert_int_equal(snpu_exec_dims(x, g->n_tensors, d), 0);
	/* No gradient buffers or backward without SNPU_EXEC_GRAD. */
	assert_null(snpu_exec_grad(x, id[1]));
	assert_null(snpu_exec_grad(x, id[4]));
	fill_inputs(x, g, false);
	assert_int_equal(snpu_exec_forward(x), 0);
	assert_int_equal(snpu_exec_backward(x), -EINVAL);
	snpu_exec_destroy(x);
	x = create(g, 2, SNPU_EXEC_GRAD);
	assert_non_null(snpu_exec_grad(x, id[1]));
	assert_null(snpu_exec_grad(x, g->n_tensors));
	snpu_exec_destroy(x);
	snpu_graph_free(g);
}

/* y = relu(x W + c) computed here, for the current weights. */
static void mlp_ref(const struct snpu_graph *g, const uint32_t *id,
		    const float *xv, int64_t n, double *ref)
{
	ref_gemm(n, 3, 6, 0, 0, 1, 1, xv, cdata(g, id[1]), cdata(g, id[2]), 1,
		 (const int64_t[]){ 3 }, ref);
	for (int64_t i = 0; i < n * 3; i++)
		ref[i] = fmax(ref[i], 0);
}

static void snpu_exec_forward_sees_updated_constants(void **state)
{
	uint32_t id[5];
	struct snpu_graph *g;
	struct snpu_exec *x;
	double ref[4 * 3];

	rng_seed(20);
	g = small_mlp(id);
	x = create(g, 4, 0);
	fill_inputs(x, g, false);
	assert_int_equal(snpu_exec_forward(x), 0);
	mlp_ref(g, id, snpu_exec_value(x, id[0]), 4, ref);
	expect_close(snpu_exec_value(x, id[4]), ref, 12, 1e-5, "before");
	/* An optimizer step in place. */
	for (int i = 0; i < 18; i++)
		g->tensors[id[1]].data[i] += rng_f(-0.5, 0.5);
	g->tensors[id[2]].data[1] += 1;
	assert_int_equal(snpu_exec_forward(x), 0);
	mlp_ref(g, id, snpu_exec_value(x, id[0]), 4, ref);
	expect_close(snpu_exec_value(x, id[4]), ref, 12, 1e-5, "after");
	snpu_exec_destroy(x);
	snpu_graph_free(g);
}

static void snpu_exec_forward_rejects_resized_constant(void **state)
{
	uint32_t id[5];
	struct snpu_graph *g = small_mlp(id);
	struct snpu_exec *x = create(g, 2, SNPU_EXEC_GRAD);

	fill_inputs(x, g, false);
	g->tensors[id[2]].dims[0] = 4;
	assert_int_equal(snpu_exec_forward(x), -EINVAL);
	assert_int_equal(snpu_exec_backward(x), -EINVAL);
	g->tensors[id[2]].dims[0] = 3;
	assert_int_equal(snpu_exec_forward(x), 0);
	snpu_exec_destroy(x);
	snpu_graph_free(g);
}

/*
 * Constants' gradients add up across backward calls until zero_grad;
 * computed tensors' are recomputed each time.
 */
static void snpu_exec_backward_accumulates_constant_grads(void **state)
{
	uint32_t id[5];
	struct snpu_graph *g;
	struct snpu_exec *x;
	float gw[18], gx[12];

	rng_seed(21);
	g = small_mlp(id);
	x = create(g, 2, SNPU_EXEC_GRAD);
	fill_inputs(x, g, false);
	assert_int_equal(snpu_exec_forward(x), 0);
	fill_unif(snpu_exec_grad(x, id[4]), 6, -1, 1);
	assert_int_equal(snpu_exec_backward(x), 0);
	memcpy(gw, snpu_exec_grad(x, id[1]), sizeof(gw));
	memcpy(gx, snpu_exec_grad(x, id[0]), sizeof(gx));
	assert_int_equal(snpu_exec_backward(x), 0);
	for (int i = 0; i < 18; i++)
		assert_float_equal(snpu_exec_grad(x, id[1])[i], 2 * gw[i],
				   1e-6 * (1 + fabsf(gw[i])));
	assert_memory_equal(snpu_exec_grad(x, id[0]), gx, sizeof(gx));
	snpu_exec_zero_grad(x);
	for (int i = 0; i < 18; i++)
		assert_true(snpu_exec_grad(x, id[1])[i] == 0);
	snpu_exec_destroy(x);
	snpu_graph_free(g);
}

/* Every extent 0: planning, forward and backward still work. */
static void snpu_exec_forward_empty_batch(void **state)
{
	struct snpu_graph *g = new_graph();
	int64_t xd[4] = { 0, 2, 5, 5 }, wd[4] = { 3, 2, 3, 3 }, cd = 3;
	uint32_t xt = add_input(g, "x", 4, xd);
	uint32_t w = add_const(g, "w", 4, wd, -1, 1);
	uint32_t b = add_const(g, "b", 1, &cd, -1, 1);
	uint32_t h = add_value(g, "h"), y = add_value(g, "y");
	struct snpu_exec *x;

	add_node(g, "conv", SNPU_GOP_CONV, 3, (uint32_t[]){ xt, w, b }, h);
	add_node(g, "pool", SNPU_GOP_GLOBALAVGPOOL, 1, &h, y);
	set_output(g, y);
	x = create(g, 0, SNPU_EXEC_GRAD);
	assert_int_equal(snpu_exec_forward(x), 0);
	assert_int_equal(snpu_exec_backward(x), 0);
	expect_dims(x, y, 4, (const int64_t[]){ 0, 3, 1, 1 });
	for (int i = 0; i < 3; i++)
		assert_true(snpu_exec_grad(x, b)[i] == 0);
	snpu_exec_destroy(x);
	snpu_graph_free(g);
}

static void snpu_exec_im2col_device_order(void **state)
{
	rng_seed(22);
	for (int it = 0; it < 40; it++) {
		struct wcfg c;
		struct snpu_gattr a;
		int64_t in[4], wd[4], cg, k, p;
		float *sample, *cols;

		wcfg_random(&c, true, false);
		snpu_gattr_default(&a);
		wcfg_attrs(&c, &a);
		cg = c.c / c.group;
		in[0] = 1;
		in[1] = c.c;
		in[2] = c.h;
		in[3] = c.w;
		wd[0] = c.o;
		wd[1] = cg;
		wd[2] = c.kh;
		wd[3] = c.kw;
		k = c.kh * c.kw * cg;
		p = c.oh * c.ow;
		sample = malloc(sizeof(float) * c.c * c.h * c.w);
		cols = malloc(sizeof(float) * k * p);
		fill_unif(sample, c.c * c.h * c.w, -1, 1);
		for (int64_t grp = 0; grp < c.group; grp++) {
			snpu_exec_im2col(&a, in, wd, (uint32_t)grp, sample, cols);
			/* Entry (kh, kw, c) of row q is tap (kh, kw) of channel c. */
			for (int64_t e = 0; e < p * k; e++) {
				int64_t q = e / k, t = e % k / cg, ci = e % cg;
				int64_t at = tap_at(&c, grp * cg + ci, q / c.ow,
						    q % c.ow, t / c.kw, t % c.kw);

				assert_true(cols[e] == (at < 0 ? 0 : sample[at]));
			}
		}
		free(sample);
		free(cols);
	}
}

/*
 * A batch large enough that the executor splits it into several im2col
 * chunks (the last one partial): forward and every gradient against
 * naive loops, the gradients of the loss sum(dY * Y) for a random dY.
 */
static void snpu_exec_backward_conv_chunked_batch_matches_naive(void **state)
{
	struct wcfg c = {
		.n = 60, .c = 16, .h = 32, .w = 32, .o = 16, .kh = 3, .kw = 3,
		.sh = 1, .sw = 1, .dh = 1, .dw = 1, .pads = { 1, 1, 1, 1 },
		.group = 2,
	};
	const int64_t cg = 8, og = 8, p = 32 * 32;
	size_t nx = 60 * 16 * p, nw = 16 * cg * 9;
	double *ref = calloc(nx, sizeof(double));
	double *dx = calloc(nx, sizeof(double));
	double *dw = calloc(nw, sizeof(double)), db[16] = { 0 };
	const float *xv, *w, *gy;
	struct snpu_graph *g;
	struct snpu_exec *x;
	uint32_t xwb[3];

	rng_seed(23);
	assert_true(wcfg_resolve(&c));
	g = conv_graph(&c, true, xwb);
	x = create(g, 0, SNPU_EXEC_GRAD);
	fill_inputs(x, g, false);
	assert_int_equal(snpu_exec_forward(x), 0);
	xv = snpu_exec_value(x, xwb[0]);
	w = cdata(g, xwb[1]);
	ref_conv(&c, xv, w, cdata(g, xwb[2]), ref);
	expect_close(snpu_exec_value(x, g->outputs[0]), ref, nx, 1e-4, "Conv");
	fill_unif(snpu_exec_grad(x, g->outputs[0]), nx, -1, 1);
	assert_int_equal(snpu_exec_backward(x), 0);
	gy = snpu_exec_grad(x, g->outputs[0]);
	/* dY[n, o, oy, ox] reaches every tap the forward read for it. */
	for (size_t q = 0; q < nx; q++) {
		int64_t n = q / (16 * p), o = q / p % 16, oy = q % p / 32;
		int64_t ox = q % 32;

		db[o] += gy[q];
		for (int64_t t = 0; t < cg * 9; t++) {
			int64_t xi = tap_at(&c, n * c.c + o / og * cg + t / 9, oy,
					    ox, t % 9 / 3, t % 3);

			if (xi < 0)
				continue;
			dw[o * cg * 9 + t] += gy[q] * (double)xv[xi];
			dx[xi] += gy[q] * (double)w[o * cg * 9 + t];
		}
	}
	expect_close(snpu_exec_grad(x, xwb[0]), dx, nx, 1e-4, "dX");
	/* dW and dB sum 60 x 1024 terms: float accumulation error grows. */
	expect_close(snpu_exec_grad(x, xwb[1]), dw, nw, 1e-3, "dW");
	expect_close(snpu_exec_grad(x, xwb[2]), db, 16, 1e-3, "dB");
	free(ref);
	free(dx);
	free(dw);
	snpu_exec_destroy(x);
	snpu_graph_free(g);
}

/* ---- backward: finite differences ---------------------------------------- */

static void snpu_exec_backward_gemm_matches_finite_differences(void **state)
{
	rng_seed(30);
	for (int it = 0; it < 32; it++) {
		int64_t mnk[3];
		uint32_t abc[3];
		struct snpu_graph *g = gemm_graph(it, it & 1, mnk, abc);

		fd_check(g, 0, false);
		snpu_graph_free(g);
	}
}

static void snpu_exec_backward_matmul_matches_finite_differences(void **state)
{
	rng_seed(31);
	for (int it = 0; it < 24; it++) {
		struct snpu_graph *g = new_graph();
		int64_t da[MAXD], db[MAXD];
		uint32_t ra, rb, a, b, y;

		matmul_dims(&ra, da, &rb, db);
		a = add_input(g, "a", ra, da);
		b = it & 1 ? add_input(g, "b", rb, db) :
			     add_const(g, "b", rb, db, -1, 1);
		y = add_value(g, "y");
		add_node(g, "matmul", SNPU_GOP_MATMUL, 2,
			 (uint32_t[]){ a, b }, y);
		set_output(g, y);
		fd_check(g, 0, false);
		snpu_graph_free(g);
	}
}

static void snpu_exec_backward_conv_matches_finite_differences(void **state)
{
	rng_seed(32);
	for (int it = 0; it < 24; it++) {
		struct wcfg c;
		uint32_t xwb[3];
		struct snpu_graph *g;

		wcfg_random(&c, true, it % 4 == 3);
		if (it % 6 == 5) {	/* 1x1 kernels */
			c.kh = 1;
			c.kw = 1;
			c.sh = 1;
			c.sw = 1;
			c.auto_pad = 0;
			memset(c.pads, 0, sizeof(c.pads));
			assert_true(wcfg_resolve(&c));
		}
		g = conv_graph(&c, it & 1, xwb);
		fd_check(g, 0, false);
		snpu_graph_free(g);
	}
}

static struct snpu_graph *unary_graph(enum snpu_gop op, uint32_t nd,
				      const int64_t *xd, uint32_t *node)
{
	struct snpu_graph *g = new_graph();
	uint32_t xt = add_input(g, "x", nd, xd), y = add_value(g, "y");

	*node = add_node(g, "op", op, 1, &xt, y);
	set_output(g, y);
	return g;
}

static void snpu_exec_backward_pools_match_finite_differences(void **state)
{
	rng_seed(33);
	for (int it = 0; it < 48; it++) {
		bool max = it & 1;
		struct wcfg c;
		struct snpu_graph *g;
		int64_t xd[4];
		uint32_t nd, ni;

		wcfg_random(&c, false, it % 8 >= 6);
		nd = wcfg_xdims(&c, xd);
		g = unary_graph(max ? SNPU_GOP_MAXPOOL : SNPU_GOP_AVGPOOL, nd,
				xd, &ni);
		wcfg_attrs(&c, &g->nodes[ni].attr);
		g->nodes[ni].attr.group = 1;
		fd_check(g, 0, true);
		snpu_graph_free(g);
	}
}

static void snpu_exec_backward_unary_ops_match_finite_differences(void **state)
{
	static const enum snpu_gop ops[] = {
		SNPU_GOP_RELU, SNPU_GOP_CLIP, SNPU_GOP_GLOBALAVGPOOL,
		SNPU_GOP_FLATTEN, SNPU_GOP_SOFTMAX,
	};

	rng_seed(34);
	for (int it = 0; it < 30; it++) {
		enum snpu_gop op = ops[it % 5];
		int64_t xd[4] = { rng_int(1, 3), rng_int(1, 3), rng_int(1, 4),
				  rng_int(1, 4) };
		uint32_t ni;
		struct snpu_graph *g = unary_graph(op, 4, xd, &ni);
		struct snpu_gattr *a = &g->nodes[ni].attr;

		a->clip_min = -0.5f;
		a->clip_max = 0.6f;
		a->axis = rng_int(-4, op == SNPU_GOP_SOFTMAX ? 3 : 4);
		a->opset13 = it & 1;
		fd_check(g, 0, true);
		snpu_graph_free(g);
	}
}

static void snpu_exec_backward_add_reshape_match_finite_differences(void **state)
{
	rng_seed(35);
	for (int it = 0; it < 24; it++) {
		struct snpu_graph *g = new_graph();
		int64_t da[MAXD], db[MAXD], sd = 1, minus = -1;
		uint32_t ra, rb, a, b, s, y, z;

		add_dims(&ra, da, &rb, db);
		a = add_input(g, "a", ra, da);
		b = it & 1 ? add_input(g, "b", rb, db) :
			     add_const(g, "b", rb, db, -1, 1);
		y = add_value(g, "y");
		z = add_value(g, "z");
		add_node(g, "add", SNPU_GOP_ADD, 2, (uint32_t[]){ a, b }, y);
		s = snpu_graph_add_i64(g, "shape", 1, &sd, &minus);
		add_node(g, "reshape", SNPU_GOP_RESHAPE, 2,
			 (uint32_t[]){ y, s }, z);
		set_output(g, z);
		fd_check(g, 0, false);
		snpu_graph_free(g);
	}
}

static void snpu_exec_backward_batchnorm_matches_finite_differences(void **state)
{
	rng_seed(36);
	for (int it = 0; it < 8; it++) {
		struct snpu_graph *g = new_graph();
		uint32_t r = (uint32_t)rng_int(2, 4), in[5], y, ni;
		int64_t xd[MAXD], c;

		for (uint32_t i = 0; i < r; i++)
			xd[i] = rng_int(1, 3);
		c = xd[1];
		in[0] = add_input(g, "x", r, xd);
		in[1] = add_const(g, "scale", 1, &c, -2, 2);
		in[2] = add_const(g, "bias", 1, &c, -1, 1);
		in[3] = add_const(g, "mean", 1, &c, -1, 1);
		in[4] = add_const(g, "var", 1, &c, 0.5, 2);
		y = add_value(g, "y");
		ni = add_node(g, "bn", SNPU_GOP_BATCHNORM, 5, in, y);
		g->nodes[ni].attr.epsilon = 1e-3f;
		set_output(g, y);
		fd_check(g, 0, false);
		snpu_graph_free(g);
	}
}

/* The trainer's CNN in small: Conv -> Relu -> MaxPool -> Flatten -> Gemm. */
static void snpu_exec_backward_cnn_chain_matches_finite_differences(void **state)
{
	rng_seed(37);
	for (int it = 0; it < 4; it++) {
		struct snpu_graph *g = new_graph();
		int64_t xd[4] = { -1, 2, 6, 6 }, wd[4] = { 3, 2, 3, 3 }, bd = 3;
		int64_t fd[2] = { 4, 3 * 2 * 2 }, cd = 4;
		uint32_t xt = add_input(g, "x", 4, xd);
		uint32_t w = add_const(g, "w", 4, wd, -0.5, 0.5);
		uint32_t b = add_const(g, "b", 1, &bd, -0.2, 0.2);
		uint32_t fw = add_const(g, "fw", 2, fd, -0.5, 0.5);
		uint32_t fc = add_const(g, "fc", 1, &cd, -0.2, 0.2);
		uint32_t c1 = add_value(g, "c1"), r1 = add_value(g, "r1");
		uint32_t p1 = add_value(g, "p1"), f1 = add_value(g, "f1");
		uint32_t y = add_value(g, "logits"), ni;
		struct snpu_gattr *a;

		ni = add_node(g, "conv", SNPU_GOP_CONV, 3,
			      (uint32_t[]){ xt, w, b }, c1);
		/* Asymmetric pads: top and left only. */
		g->nodes[ni].attr.pads[0] = 1;
		g->nodes[ni].attr.pads[1] = 1;
		add_node(g, "relu", SNPU_GOP_RELU, 1, &c1, r1);
		ni = add_node(g, "pool", SNPU_GOP_MAXPOOL, 1, &r1, p1);
		a = &g->nodes[ni].attr;
		a->kernel[0] = 2;
		a->kernel[1] = 2;
		a->strides[0] = 2;
		a->strides[1] = 2;
		ni = add_node(g, "flatten", SNPU_GOP_FLATTEN, 1, &p1, f1);
		g->nodes[ni].attr.axis = 1;
		ni = add_node(g, "fc", SNPU_GOP_GEMM, 3,
			      (uint32_t[]){ f1, fw, fc }, y);
		g->nodes[ni].attr.trans_b = 1;
		set_output(g, y);
		fd_check(g, 2, false);
		snpu_graph_free(g);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_exec_forward_gemm_matches_naive),
		cmocka_unit_test(snpu_exec_forward_matmul_matches_naive),
		cmocka_unit_test(snpu_exec_forward_conv_matches_naive),
		cmocka_unit_test(snpu_exec_forward_conv_pointwise_matches_naive),
		cmocka_unit_test(snpu_exec_forward_maxpool_matches_naive),
		cmocka_unit_test(snpu_exec_forward_avgpool_matches_naive),
		cmocka_unit_test(snpu_exec_forward_globalavgpool_matches_naive),
		cmocka_unit_test(snpu_exec_forward_relu_clip_match_naive),
		cmocka_unit_test(snpu_exec_forward_add_matches_naive),
		cmocka_unit_test(snpu_exec_forward_flatten_any_axis),
		cmocka_unit_test(snpu_exec_forward_reshape_zero_and_minus_one),
		cmocka_unit_test(snpu_exec_forward_reshape_allowzero),
		cmocka_unit_test(snpu_exec_forward_batchnorm_matches_naive),
		cmocka_unit_test(snpu_exec_forward_softmax_both_opsets),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_gemm_k),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_gemm_c),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_gemm_rank),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_matmul_k),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_matmul_batch),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_conv_channels),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_conv_group),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_conv_kernel),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_conv_bias),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_conv_rank),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_pool_kernel),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_pool_1d_height),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_pool_stride),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_add),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_flatten_axis),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_softmax_axis),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_batchnorm),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_reshape_numel),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_reshape_two_minus),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_reshape_zero_rank),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_reshape_indivisible),
		cmocka_unit_test(snpu_graph_infer_shapes_rejects_unknown_batch),
		cmocka_unit_test(snpu_exec_create_applies_batch_on_private_shapes),
		cmocka_unit_test(snpu_exec_value_null_for_constants_and_bad_index),
		cmocka_unit_test(snpu_exec_forward_sees_updated_constants),
		cmocka_unit_test(snpu_exec_forward_rejects_resized_constant),
		cmocka_unit_test(snpu_exec_backward_accumulates_constant_grads),
		cmocka_unit_test(snpu_exec_forward_empty_batch),
		cmocka_unit_test(snpu_exec_im2col_device_order),
		cmocka_unit_test(snpu_exec_backward_conv_chunked_batch_matches_naive),
		cmocka_unit_test(snpu_exec_backward_gemm_matches_finite_differences),
		cmocka_unit_test(snpu_exec_backward_matmul_matches_finite_differences),
		cmocka_unit_test(snpu_exec_backward_conv_matches_finite_differences),
		cmocka_unit_test(snpu_exec_backward_pools_match_finite_differences),
		cmocka_unit_test(snpu_exec_backward_unary_ops_match_finite_differences),
		cmocka_unit_test(snpu_exec_backward_add_reshape_match_finite_differences),
		cmocka_unit_test(snpu_exec_backward_batchnorm_matches_finite_differences),
		cmocka_unit_test(snpu_exec_backward_cnn_chain_matches_finite_differences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
