// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Engine benchmark: nanoseconds per run of one layer on the snpu engine
 * (the userspace build of driver/common/, the same source snpu.ko runs),
 * next to OpenBLAS sgemm (fp32, dense) and oneDNN's u8s8s32 GEMM (int8,
 * dense) on the same shape, all single-threaded and measured in the same
 * process.
 *
 * One entry per (layer, batch, sparsity, encoding); the entry names the
 * engine kernel that ran. Method: weights and inputs random (fixed seed),
 * one warm-up run, then iterations calibrated so one repetition lasts at
 * least SNPU_BENCH_REP_NS; BENCH_REPS repetitions (>= 0.2 s in all) and
 * the median per-run time is reported. The peers run the GEMM only (no
 * im2col, no requantization): the comparison favours them.
 *
 * Output: a table on stdout and a JSON list of records (--json=FILE).
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>

#include "snpu_engine.h"
#include "snpu_engine_impl.h"
#include "snpu_model_parse.h"
#include "snpu_pack.h"

/* libgomp, which oneDNN's OpenMP runtime is. */
void omp_set_num_threads(int n);

#define BENCH_REPS		5
#define BENCH_REP_NS_DEFAULT	40000000ull	/* 5 x 40 ms = 0.2 s */

static uint64_t bench_rep_ns = BENCH_REP_NS_DEFAULT;

/* ------------------------------------------------------------ shapes */

/**
 * struct bench_layer - one benchmarked layer
 * @name: layer name in the table and the JSON.
 * @conv: 3x3 conv2d (stride 1, pad 1) instead of fully connected.
 * @h: conv: input height and width.
 * @cin: FC: K; conv: input channels.
 * @oc: output channels.
 * @batch: samples per run.
 */
struct bench_layer {
	const char *name;
	bool conv;
	uint32_t h, cin, oc, batch;
};

static const struct bench_layer bench_layers[] = {
	{ "fc_784x300", false, 1, 784, 300, 1 },
	{ "fc_784x300", false, 1, 784, 300, 64 },
	{ "fc_1024x1024", false, 1, 1024, 1024, 1 },
	{ "fc_1024x1024", false, 1, 1024, 1024, 64 },
	{ "conv3x3_64x64_28x28", true, 28, 64, 64, 1 },
};

/**
 * struct bench_enc - one weight encoding
 * @name: JSON name.
 * @enc: &enum snpu_encoding.
 * @variant: N:M pattern or block shape.
 * @sparsity: the only sparsity (percent) it applies to, or -1 for all.
 */
struct bench_enc {
	const char *name;
	uint32_t enc, variant;
	int sparsity;
};

static const struct bench_enc bench_encs[] = {
	{ "dense", SNPU_ENC_DENSE, 0, -1 },
	{ "csr", SNPU_ENC_CSR, 0, -1 },
	{ "nm_2_4", SNPU_ENC_NM, SNPU_NM_2_4, 50 },
	{ "nm_1_4", SNPU_ENC_NM, SNPU_NM_1_4, 75 },
	{ "nm_2_8", SNPU_ENC_NM, SNPU_NM_2_8, 75 },
	{ "block_1x4", SNPU_ENC_BLOCK, SNPU_BLOCK_1X4, -1 },
	{ "block_4x4", SNPU_ENC_BLOCK, SNPU_BLOCK_4X4, -1 },
	{ "block_1x16", SNPU_ENC_BLOCK, SNPU_BLOCK_1X16, -1 },
};

static const int bench_sparsities[] = { 0, 50, 75, 90, 95 };

/* ------------------------------------------------------------- utils */

static uint64_t rng_state = 0x5eed;

static uint32_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 16);
}

/* A nonzero int8 weight. */
static int8_t rnd_w(void)
{
	int v = (int)(rng() % 255) - 127;

	return (int8_t)(v ? v : 1);
}

static void *xmalloc(size_t n)
{
	void *p = aligned_alloc(64, (n + 63) & ~(size_t)63);

	if (!p) {
		fprintf(stderr, "bench: out of memory (%zu bytes)\n", n);
		exit(1);
	}
	return p;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------ timing */

typedef void (*bench_fn)(void *arg);

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Median nanoseconds per call of @fn: a warm-up call, iterations
 * calibrated to one repetition of bench_rep_ns, BENCH_REPS repetitions.
 */
static double bench_time(bench_fn fn, void *arg)
{
	double reps[BENCH_REPS];
	uint64_t iters = 1, t0, t;
	int r;

	fn(arg);
	for (;;) {
		uint64_t i;

		t0 = now_ns();
		for (i = 0; i < iters; i++)
			fn(arg);
		t = now_ns() - t0;
		if (t >= bench_rep_ns / 4)
			break;
		iters *= t < bench_rep_ns / 64 ? 8 : 2;
	}
	iters = iters * bench_rep_ns / (t ? t : 1) + 1;
	for (r = 0; r < BENCH_REPS; r++) {
		uint64_t i;

		t0 = now_ns();
		for (i = 0; i < iters; i++)
			fn(arg);
		reps[r] = (double)(now_ns() - t0) / (double)iters;
	}
	qsort(reps, BENCH_REPS, sizeof(reps[0]), cmp_double);
	return reps[BENCH_REPS / 2];
}

/* ------------------------------------------------------- snpu engine */

struct snpu_case {
	void *blob;
	void *model;
	int8_t *in, *out;
	void *scratch;
	size_t scratch_size;
	uint32_t batch;
};

static void snpu_run_once(void *arg)
{
	struct snpu_case *c = arg;
	int ret = snpu_engine_run(c->model, c->in, c->out, c->batch,
				  c->scratch, c->scratch_size, NULL);

	if (ret) {
		fprintf(stderr, "bench: snpu_engine_run: %d\n", ret);
		exit(1);
	}
}

/* Weights W[oc][k] at @pct % sparsity in the pattern of @e. */
static void make_weights(int8_t *w, uint32_t oc, uint32_t k,
			 const struct bench_enc *e, int pct)
{
	static const uint32_t nm[][2] = { { 2, 4 }, { 1, 4 }, { 2, 8 } };
	static const uint32_t blk[][2] = { { 1, 4 }, { 4, 4 }, { 1, 16 } };
	uint32_t o, c, i, j;

	for (i = 0; i < oc * k; i++)
		w[i] = rnd_w();
	if (e->enc == SNPU_ENC_NM) {
		uint32_t n = nm[e->variant][0], m = nm[e->variant][1];

		for (o = 0; o < oc; o++) {
			for (c = 0; c < k; c += m) {
				uint32_t pos[8];

				for (j = 0; j < m; j++)
					pos[j] = j;
				for (j = 0; j + 1 < m; j++) {
					uint32_t r = j + rng() % (m - j), t = pos[j];

					pos[j] = pos[r];
					pos[r] = t;
				}
				for (j = n; j < m; j++)
					if (c + pos[j] < k)
						w[(size_t)o * k + c + pos[j]] = 0;
			}
		}
	} else if (e->enc == SNPU_ENC_BLOCK) {
		uint32_t br = blk[e->variant][0], bc = blk[e->variant][1];
		uint32_t r, cc;

		for (o = 0; o < oc; o += br)
			for (c = 0; c < k; c += bc) {
				if (rng() % 1000 >= (uint32_t)pct * 10)
					continue;
				for (r = o; r < o + br && r < oc; r++)
					for (cc = c; cc < c + bc && cc < k; cc++)
						w[(size_t)r * k + cc] = 0;
			}
	} else {
		for (i = 0; i < oc * k; i++)
			if (rng() % 1000 < (uint32_t)pct * 10)
				w[i] = 0;
	}
}

/* Pack and prepare one layer; exits on failure (a bench bug). */
static void snpu_setup(struct snpu_case *c, const struct bench_layer *bl,
		       const struct bench_enc *e, const int8_t *w, uint32_t k)
{
	struct snpu_pack_tensor t[2] = { 0 };
	struct snpu_pack_layer l = { 0 };
	struct snpu_pack_model pm = { 0 };
	struct snpu_model_view view;
	int32_t *bias = xmalloc(4 * bl->oc), *mult = xmalloc(4 * bl->oc);
	int32_t *shift = xmalloc(4 * bl->oc);
	size_t size, msize, in_bytes;
	char err[256] = "";
	int32_t base_shift = -7;
	uint32_t o, i;

	for (o = 1; o * o < k; o *= 2)
		base_shift--;
	for (o = 0; o < bl->oc; o++) {
		bias[o] = (int32_t)(rng() % 40001) - 20000;
		mult[o] = (int32_t)(0x40000000u + rng() % 0x40000000u);
		shift[o] = base_shift;
	}
	t[0].h = bl->h;
	t[0].w = bl->h;
	t[0].c = bl->cin;
	t[0].zero_point = -3;
	t[0].scale = 0.05f;
	t[1].h = bl->h;
	t[1].w = bl->h;
	t[1].c = bl->oc;
	t[1].zero_point = -128;
	t[1].scale = 0.05f;
	l.op = bl->conv ? SNPU_OP_CONV2D : SNPU_OP_FC;
	l.encoding = e->enc;
	l.variant = e->variant;
	l.input = 0;
	l.input2 = SNPU_MODEL_NONE;
	l.output = 1;
	if (bl->conv) {
		l.kernel_h = l.kernel_w = 3;
		l.stride_h = l.stride_w = 1;
		l.dilation_h = l.dilation_w = 1;
		l.pad_top = l.pad_left = l.pad_bottom = l.pad_right = 1;
		l.groups = 1;
	}
	l.out_channels = bl->oc;
	l.weights = w;
	l.bias = bias;
	l.mult = mult;
	l.shift = shift;
	l.act_min = -128;	/* ReLU at the output zero point */
	l.act_max = 127;
	pm.n_tensors = 2;
	pm.tensors = t;
	pm.n_layers = 1;
	pm.layers = &l;
	pm.input = 0;
	pm.output = 1;
	if (snpu_pack(&pm, &c->blob, &size, NULL, err, sizeof(err)) ||
	    snpu_model_parse(c->blob, size, NULL, &view)) {
		fprintf(stderr, "bench: %s %s: cannot pack: %s\n", bl->name,
			e->name, err);
		exit(1);
	}
	msize = snpu_engine_prepared_size(&view, c->blob);
	c->model = xmalloc(msize);
	if (!msize || snpu_engine_prepare(&view, c->blob, c->model, msize)) {
		fprintf(stderr, "bench: %s %s: prepare failed\n", bl->name,
			e->name);
		exit(1);
	}
	c->batch = bl->batch;
	in_bytes = (size_t)snpu_engine_input_bytes(c->model) * bl->batch;
	c->in = xmalloc(in_bytes);
	for (i = 0; i < in_bytes; i++)
		c->in[i] = (int8_t)rng();
	c->out = xmalloc((size_t)snpu_engine_output_bytes(c->model) * bl->batch);
	c->scratch_size = snpu_engine_scratch_size(c->model, bl->batch);
	c->scratch = xmalloc(c->scratch_size);
	free(bias);
	free(mult);
	free(shift);
}

static void snpu_teardown(struct snpu_case *c)
{
	free(c->blob);
	free(c->model);
	free(c->in);
	free(c->out);
	free(c->scratch);
}

/* ------------------------------------------------------------- peers */

/* C[m][n] = A[m][k] * B[n][k]^T, the GEMM of the layer. */
struct peer_case {
	uint32_t m, n, k;
	float *af, *bf, *cf;
	uint8_t *a8;
	int8_t *b8;
	int32_t *c32;
};

static void openblas_once(void *arg)
{
	struct peer_case *p = arg;

	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)p->m,
		    (int)p->n, (int)p->k, 1.0f, p->af, (int)p->k, p->bf,
		    (int)p->k, 0.0f, p->cf, (int)p->n);
}

static void onednn_once(void *arg)
{
	struct peer_case *p = arg;
	const int32_t co = 0;
	dnnl_status_t st;

	st = dnnl_gemm_u8s8s32('N', 'T', 'F', p->m, p->n, p->k, 1.0f, p->a8,
			       p->k, 128, p->b8, p->k, 0, 0.0f, p->c32, p->n,
			       &co);
	if (st != dnnl_success) {
		fprintf(stderr, "bench: dnnl_gemm_u8s8s32: %d\n", (int)st);
		exit(1);
	}
}

static void peers_measure(const struct bench_layer *bl, double *blas_ns,
			  double *dnnl_ns)
{
	struct peer_case p;
	size_t i;

	p.m = bl->batch * bl->h * bl->h;
	p.n = bl->oc;
	p.k = bl->conv ? 9 * bl->cin : bl->cin;
	p.af = xmalloc(sizeof(float) * p.m * p.k);
	p.bf = xmalloc(sizeof(float) * p.n * p.k);
	p.cf = xmalloc(sizeof(float) * p.m * p.n);
	p.a8 = xmalloc((size_t)p.m * p.k);
	p.b8 = xmalloc((size_t)p.n * p.k);
	p.c32 = xmalloc(sizeof(int32_t) * p.m * p.n);
	for (i = 0; i < (size_t)p.m * p.k; i++) {
		p.a8[i] = (uint8_t)rng();
		p.af[i] = (float)p.a8[i] - 128.0f;
	}
	for (i = 0; i < (size_t)p.n * p.k; i++) {
		p.b8[i] = rnd_w();
		p.bf[i] = p.b8[i];
	}
	*blas_ns = bench_time(openblas_once, &p);
	*dnnl_ns = bench_time(onednn_once, &p);
	free(p.af);
	free(p.bf);
	free(p.cf);
	free(p.a8);
	free(p.b8);
	free(p.c32);
}

/* -------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_engine [--json=FILE] [--filter=SUBSTR] [--quick]\n"
		"  --json=FILE     write the records as JSON to FILE\n"
		"  --filter=SUBSTR only layers whose name contains SUBSTR\n"
		"  --quick         10 ms repetitions instead of 40 ms\n");
}

int main(int argc, char **argv)
{
	const char *json_path = NULL, *filter = NULL;
	FILE *json = NULL;
	bool first = true;
	uint64_t t_start = now_ns();
	size_t li, ei, si;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strncmp(argv[a], "--json=", 7)) {
			json_path = argv[a] + 7;
		} else if (!strncmp(argv[a], "--filter=", 9)) {
			filter = argv[a] + 9;
		} else if (!strcmp(argv[a], "--quick")) {
			bench_rep_ns = BENCH_REP_NS_DEFAULT / 4;
		} else {
			usage();
			return 2;
		}
	}
	/* One thread everywhere. */
	openblas_set_num_threads(1);
	omp_set_num_threads(1);

	if (json_path) {
		json = fopen(json_path, "w");
		if (!json) {
			fprintf(stderr, "bench: %s: %s\n", json_path,
				strerror(errno));
			return 1;
		}
		fprintf(json, "[");
	}
	printf("%-20s %5s %5s %-10s %-36s %12s %12s %12s %8s %8s\n", "layer",
	       "batch", "spars", "encoding", "kernel", "snpu_ns",
	       "openblas_ns", "onednn_ns", "dnnl/snpu", "GMAC/s");

	for (li = 0; li < sizeof(bench_layers) / sizeof(bench_layers[0]); li++) {
		const struct bench_layer *bl = &bench_layers[li];
		uint32_t k = bl->conv ? 9 * bl->cin : bl->cin;
		uint64_t pos = (uint64_t)bl->batch * bl->h * bl->h;
		double blas_ns, dnnl_ns;
		int8_t *w;

		if (filter && !strstr(bl->name, filter))
			continue;
		peers_measure(bl, &blas_ns, &dnnl_ns);
		w = xmalloc((size_t)bl->oc * k);
		for (si = 0; si < sizeof(bench_sparsities) / sizeof(int); si++) {
			int pct = bench_sparsities[si];

			for (ei = 0; ei < sizeof(bench_encs) / sizeof(bench_encs[0]); ei++) {
				const struct bench_enc *e = &bench_encs[ei];
				struct snpu_case c;
				const char *kname;
				uint64_t nnz = 0, i;
				double ns, gmacs;

				if (e->sparsity >= 0 && e->sparsity != pct)
					continue;
				make_weights(w, bl->oc, k, e, pct);
				for (i = 0; i < (uint64_t)bl->oc * k; i++)
					nnz += w[i] != 0;
				snpu_setup(&c, bl, e, w, k);
				kname = snpu_engine_kernel_name(c.model, bl->batch);
				ns = bench_time(snpu_run_once, &c);
				/* Useful MACs (nonzero weights) per second. */
				gmacs = (double)nnz * (double)pos / ns;
				printf("%-20s %5u %4d%% %-10s %-36s %12.0f %12.0f %12.0f %8.2f %8.2f\n",
				       bl->name, bl->batch, pct, e->name, kname,
				       ns, blas_ns, dnnl_ns, dnnl_ns / ns, gmacs);
				fflush(stdout);
				if (json) {
					fprintf(json,
						"%s\n  {\"layer\": \"%s\", \"batch\": %u, \"sparsity\": %.2f, \"encoding\": \"%s\", \"kernel\": \"%s\", \"m\": %llu, \"n\": %u, \"k\": %u, \"nnz\": %llu, \"snpu_ns\": %.1f, \"openblas_ns\": %.1f, \"onednn_ns\": %.1f, \"onednn_over_snpu\": %.3f, \"snpu_gmacs\": %.3f}",
						first ? "" : ",", bl->name,
						bl->batch, pct / 100.0, e->name,
						kname, (unsigned long long)pos,
						bl->oc, k,
						(unsigned long long)nnz, ns,
						blas_ns, dnnl_ns, dnnl_ns / ns,
						gmacs);
					first = false;
				}
				snpu_teardown(&c);
			}
		}
		free(w);
	}
	if (json) {
		fprintf(json, "\n]\n");
		fclose(json);
		printf("wrote %s\n", json_path);
	}
	printf("bench: %.1f s\n", (double)(now_ns() - t_start) / 1e9);
	return 0;
}
