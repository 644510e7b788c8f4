// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests for snpu_pack(): every encoding and variant round-trips (a
 * decoder written here from uapi/snpu_model.h, independent of the packer
 * and of the parser, turns the blob back into the dense matrix), pruned
 * zeros stay zero, CSR gaps get their fillers, N:M fills groups
 * deterministically and refuses over-full ones, and the byte statistics
 * add up.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snpu_model_parse.h"
#include "snpu_pack.h"

#define ERR_SIZE	256


static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* Field of layer @i of a packed blob. */
#define LAYER_AT(b, i) \
	((b) + le32((b) + offsetof(struct snpu_model_header, layer_offset)) + \
	 sizeof(struct snpu_model_layer) * (i))
#define LF32(b, i, f) le32(LAYER_AT(b, i) + offsetof(struct snpu_model_layer, f))
#define LF16(b, i, f) le16(LAYER_AT(b, i) + offsetof(struct snpu_model_layer, f))

static void nm_of(uint32_t variant, uint32_t *n, uint32_t *m)
{
	static const uint32_t t[][2] = { { 2, 4 }, { 1, 4 }, { 2, 8 } };

	*n = t[variant][0];
	*m = t[variant][1];
}

static void block_of(uint32_t variant, uint32_t *br, uint32_t *bc)
{
	static const uint32_t t[][2] = { { 1, 4 }, { 4, 4 }, { 1, 16 } };

	*br = t[variant][0];
	*bc = t[variant][1];
}

/*
 * Decodes the weights of layer @li (@rows x @k) into @w; fails the test on
 * anything the format forbids. Padding and fillers must decode to 0.
 */
static void decode(const uint8_t *b, uint32_t li, uint32_t rows, uint32_t k,
		   int8_t *w)
{
	uint32_t enc = LF16(b, li, encoding), var = LF16(b, li, variant);
	const uint8_t *wt = b + LF32(b, li, weights_offset);
	const uint8_t *meta = b + LF32(b, li, meta_offset);
	uint32_t nnz = LF32(b, li, nnz);
	uint32_t r, j, g, p, col, vi = 0;

	memset(w, 0x55, (size_t)rows * k);
	switch (enc) {
	case SNPU_ENC_DENSE:
		assert_int_equal(nnz, rows * k);
		memcpy(w, wt, (size_t)rows * k);
		break;
	case SNPU_ENC_CSR: {
		const uint8_t *d = meta + 4 * (rows + 1);

		memset(w, 0, (size_t)rows * k);
		assert_int_equal(le32(meta), 0);
		assert_int_equal(le32(meta + 4 * rows), nnz);
		for (r = 0; r < rows; r++) {
			uint32_t s = le32(meta + 4 * r), e = le32(meta + 4 * r + 4);

			col = 0;
			for (j = s; j < e; j++) {
				uint32_t delta = d[j / 2] >> (4 * (j % 2)) & 15;

				if (j == s) {
					col = delta;
				} else {
					assert_true(delta >= 1);
					col += delta;
				}
				assert_true(col < k);
				/* A stored zero is a filler: delta 15. */
				if (!wt[j])
					assert_int_equal(delta, 15);
				w[(size_t)r * k + col] = (int8_t)wt[j];
			}
		}
		break;
	}
	case SNPU_ENC_NM: {
		uint32_t n, m, groups;

		nm_of(var, &n, &m);
		groups = (k + m - 1) / m;
		memset(w, 0, (size_t)rows * k);
		assert_int_equal(nnz, rows * groups * n);
		for (r = 0; r < rows; r++) {
			for (g = 0; g < groups; g++) {
				uint8_t mask = meta[r * groups + g];

				assert_int_equal(__builtin_popcount(mask), n);
				assert_int_equal(mask >> m, 0);
				for (p = 0; p < m; p++) {
					if (!(mask & 1u << p))
						continue;
					if (g * m + p >= k)
						assert_int_equal(wt[vi], 0);
					else
						w[(size_t)r * k + g * m + p] =
							(int8_t)wt[vi];
					vi++;
				}
			}
		}
		break;
	}
	case SNPU_ENC_BLOCK: {
		uint32_t br, bc, nbr, y, x;
		const uint8_t *cols;

		block_of(var, &br, &bc);
		nbr = (rows + br - 1) / br;
		cols = meta + 4 * (nbr + 1);
		memset(w, 0, (size_t)rows * k);
		assert_int_equal(le32(meta + 4 * nbr), nnz);
		for (r = 0; r < nbr; r++) {
			for (j = le32(meta + 4 * r); j < le32(meta + 4 * r + 4);
			     j++) {
				col = le16(cols + 2 * j);
				for (y = 0; y < br; y++) {
					for (x = 0; x < bc; x++) {
						uint32_t rr = r * br + y;
						uint32_t cc = col * bc + x;
						uint8_t v = wt[(j * br + y) * bc + x];

						if (rr >= rows || cc >= k)
							assert_int_equal(v, 0);
						else
							w[(size_t)rr * k + cc] =
								(int8_t)v;
					}
				}
			}
		}
		break;
	}
	default:
		fail_msg("unknown encoding %u", enc);
	}
}

/* A tiny deterministic PRNG (xorshift32) so failures reproduce. */
static uint32_t rng_state = 2463534242u;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static int8_t rnd_nonzero(void)
{
	int8_t v = (int8_t)(rnd() & 0xff);

	return v ? v : 1;
}

/* Random weights that fit @enc/@variant: density about 1/3. */
static void fill_weights(int8_t *w, uint32_t rows, uint32_t k, uint32_t enc,
			 uint32_t variant)
{
	uint32_t r, c, n, m, g, kept;

	for (r = 0; r < rows; r++)
		for (c = 0; c < k; c++)
			w[(size_t)r * k + c] = rnd() % 3 ? 0 : rnd_nonzero();
	if (enc != SNPU_ENC_NM)
		return;
	nm_of(variant, &n, &m);
	for (r = 0; r < rows; r++) {
		for (g = 0; g * m < k; g++) {
			kept = 0;
			for (c = g * m; c < g * m + m && c < k; c++) {
				if (w[(size_t)r * k + c] && ++kept > n)
					w[(size_t)r * k + c] = 0;
			}
		}
	}
}

struct fc_model {
	struct snpu_pack_tensor t[2];
	struct snpu_pack_layer l;
	struct snpu_pack_model m;
	int8_t *w;
	int32_t bias[64], mult[64], shift[64];
};

/* FC from a 1x1x@k input to @oc outputs, weights to be filled in. */
static void fc_model_init(struct fc_model *f, uint32_t oc, uint32_t k,
			  uint32_t enc, uint32_t variant)
{
	uint32_t i;

	memset(f, 0, sizeof(*f));
	f->t[0] = (struct snpu_pack_tensor){ 1, 1, k, -3, 0.5f };
	f->t[1] = (struct snpu_pack_tensor){ 1, 1, oc, 7, 0.25f };
	f->w = calloc((size_t)oc * k, 1);
	assert_non_null(f->w);
	for (i = 0; i < oc && i < 64; i++) {
		f->bias[i] = (int32_t)i * 100 - 50;
		f->mult[i] = (int32_t)(0x40000000u + i);
		f->shift[i] = -(int32_t)(i % 8);
	}
	f->l = (struct snpu_pack_layer){
		.op = SNPU_OP_FC, .encoding = enc, .variant = variant,
		.input = 0, .output = 1, .out_channels = oc, .weights = f->w,
		.bias = f->bias, .mult = f->mult, .shift = f->shift,
		.act_min = -128, .act_max = 127,
	};
	f->m = (struct snpu_pack_model){
		.n_tensors = 2, .tensors = f->t, .n_layers = 1,
		.layers = &f->l, .input = 0, .output = 1,
	};
}

static int pack(const struct snpu_pack_model *m, uint8_t **blob, size_t *size,
		struct snpu_pack_stats *st, char *err)
{
	void *b = NULL;
	int ret;

	ret = snpu_pack(m, &b, size, st, err, ERR_SIZE);
	*blob = b;
	return ret;
}

static uint64_t count_nonzero(const int8_t *w, size_t n)
{
	uint64_t nz = 0;

	while (n--)
		nz += *w++ != 0;
	return nz;
}

struct rt_case {
	uint32_t enc;
	uint32_t variant;
};

/* Pack, parse, decode: the dense matrix comes back exactly. */
static void snpu_pack_roundtrip(void **state)
{
	const struct rt_case *c = *state;
	static const uint32_t shapes[][2] = {
		{ 1, 1 }, { 5, 37 }, { 8, 64 }, { 3, 100 }, { 17, 9 },
	};
	struct snpu_model_view view;
	struct snpu_pack_stats st;
	char err[ERR_SIZE];
	struct fc_model f;
	uint8_t *blob;
	int8_t *back;
	size_t size, s;
	uint32_t oc, k;

	for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		oc = shapes[s][0];
		k = shapes[s][1];
		fc_model_init(&f, oc, k, c->enc, c->variant);
		fill_weights(f.w, oc, k, c->enc, c->variant);
		assert_int_equal(pack(&f.m, &blob, &size, &st, err), 0);
		assert_int_equal(snpu_model_parse(blob, size, NULL, &view), 0);
		assert_int_equal(view.layers[0].k, k);
		assert_int_equal(view.layers[0].nonzero,
				 count_nonzero(f.w, (size_t)oc * k));
		back = malloc((size_t)oc * k);
		assert_non_null(back);
		decode(blob, 0, oc, k, back);
		assert_memory_equal(back, f.w, (size_t)oc * k);
		assert_int_equal(st.total, size);
		free(back);
		free(blob);
		free(f.w);
	}
}

#define RT(tname, e, v) \
	{ .name = "snpu_pack_roundtrips_" #tname, \
	  .test_func = snpu_pack_roundtrip, \
	  .initial_state = &(struct rt_case){ (e), (v) } }

/* A pruned (zero) weight decodes to exactly 0 in every encoding. */
static void snpu_pack_keeps_pruned_zeros_zero(void **state)
{
	static const struct rt_case cases[] = {
		{ SNPU_ENC_DENSE, 0 }, { SNPU_ENC_CSR, 0 },
		{ SNPU_ENC_NM, SNPU_NM_2_4 }, { SNPU_ENC_NM, SNPU_NM_1_4 },
		{ SNPU_ENC_NM, SNPU_NM_2_8 }, { SNPU_ENC_BLOCK, SNPU_BLOCK_1X4 },
		{ SNPU_ENC_BLOCK, SNPU_BLOCK_4X4 },
		{ SNPU_ENC_BLOCK, SNPU_BLOCK_1X16 },
	};
	char err[ERR_SIZE];
	struct fc_model f;
	uint8_t *blob;
	int8_t back[6 * 30];
	size_t size, i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fc_model_init(&f, 6, 30, cases[i].enc, cases[i].variant);
		/* One nonzero per row, the rest pruned. */
		for (j = 0; j < 6; j++)
			f.w[j * 30 + j * 5] = (int8_t)(-1 - (int)j);
		assert_int_equal(pack(&f.m, &blob, &size, NULL, err), 0);
		decode(blob, 0, 6, 30, back);
		for (j = 0; j < sizeof(back); j++)
			assert_int_equal(back[j], f.w[j]);
		free(blob);
		free(f.w);
	}
}

/* Exact CSR bytes of rows with gaps over 15 and late first columns. */
static void snpu_pack_csr_bridges_long_gaps_with_fillers(void **state)
{
	struct snpu_model_view view;
	char err[ERR_SIZE];
	struct fc_model f;
	const uint8_t *meta, *wt;
	uint8_t *blob;
	size_t size;

	fc_model_init(&f, 4, 50, SNPU_ENC_CSR, 0);
	/* row 0: columns 0 and 40 -> 0, filler 15, filler 30, 40 */
	f.w[0] = 5;
	f.w[40] = -6;
	/* row 1: first column 15 fits the first delta */
	f.w[50 + 15] = 7;
	/* row 2: first column 16 -> filler at 15, then 16 (delta 1) */
	f.w[100 + 16] = 8;
	/* row 3: columns 3 and 18 (gap of exactly 15, no filler) */
	f.w[150 + 3] = 9;
	f.w[150 + 18] = 10;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), 0);

	assert_int_equal(LF32(blob, 0, nnz), 9);
	assert_int_equal(LF32(blob, 0, weights_size), 9);
	assert_int_equal(LF32(blob, 0, meta_size), 4 * 5 + 5);
	meta = blob + LF32(blob, 0, meta_offset);
	wt = blob + LF32(blob, 0, weights_offset);
	assert_int_equal(le32(meta + 0), 0);
	assert_int_equal(le32(meta + 4), 4);
	assert_int_equal(le32(meta + 8), 5);
	assert_int_equal(le32(meta + 12), 7);
	assert_int_equal(le32(meta + 16), 9);
	/* deltas 0,15 | 15,10 | 15,15 | 1,3 | 15,(pad 0) */
	assert_int_equal(meta[20], 0xf0);
	assert_int_equal(meta[21], 0xaf);
	assert_int_equal(meta[22], 0xff);
	assert_int_equal(meta[23], 0x31);
	assert_int_equal(meta[24], 0x0f);
	{
		static const int8_t want[9] = { 5, 0, 0, -6, 7, 0, 8, 9, 10 };

		assert_memory_equal(wt, want, 9);
	}
	assert_int_equal(snpu_model_parse(blob, size, NULL, &view), 0);
	assert_int_equal(view.layers[0].nonzero, 6);
	free(blob);
	free(f.w);
}

/* Keeping the weights at filler positions costs no packed byte. */
static void snpu_pack_csr_fill_keeps_fillers_for_free(void **state)
{
	const uint32_t oc = 16, k = 300;
	struct snpu_pack_stats st0, st1;
	char err[ERR_SIZE];
	struct fc_model f;
	uint8_t *blob, *mask = malloc((size_t)oc * k);
	uint64_t nz0, nz1;
	size_t size0, size1, i;

	assert_non_null(mask);
	fc_model_init(&f, oc, k, SNPU_ENC_CSR, 0);
	/* about 4 % density: most gaps need fillers */
	for (i = 0; i < (size_t)oc * k; i++)
		f.w[i] = rnd() % 25 == 0 ? rnd_nonzero() : 0;
	/* row 0: only the last column; row 1: nothing */
	memset(f.w, 0, 2 * k);
	f.w[k - 1] = 3;
	nz0 = count_nonzero(f.w, (size_t)oc * k);
	assert_int_equal(pack(&f.m, &blob, &size0, &st0, err), 0);
	free(blob);

	for (i = 0; i < (size_t)oc * k; i++)
		mask[i] = f.w[i] != 0;
	snpu_pack_csr_fill(mask, oc, k);
	/* row 0: fillers at 15, 30, ... 285 become weights; row 1 stays empty */
	for (i = 0; i < k; i++)
		assert_int_equal(mask[i], i == k - 1 || (i && i % 15 == 0));
	for (i = 0; i < k; i++)
		assert_int_equal(mask[k + i], 0);
	for (i = 0; i < (size_t)oc * k; i++)
		if (mask[i] && !f.w[i])
			f.w[i] = rnd_nonzero();
	nz1 = count_nonzero(f.w, (size_t)oc * k);
	assert_true(nz1 > nz0 + nz0 / 4);
	assert_int_equal(pack(&f.m, &blob, &size1, &st1, err), 0);
	/* more weights, not one byte more */
	assert_int_equal(size1, size0);
	assert_int_equal(st1.values, st0.values);
	assert_int_equal(st1.index, st0.index);
	assert_int_equal(LF32(blob, 0, nnz), nz1);
	free(blob);
	free(mask);
	free(f.w);
}

static void snpu_pack_csr_empty_matrix_has_no_entries(void **state)
{
	struct snpu_model_view view;
	char err[ERR_SIZE];
	struct fc_model f;
	uint8_t *blob;
	size_t size;

	fc_model_init(&f, 3, 20, SNPU_ENC_CSR, 0);
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), 0);
	assert_int_equal(LF32(blob, 0, nnz), 0);
	assert_int_equal(LF32(blob, 0, weights_size), 0);
	assert_int_equal(LF32(blob, 0, meta_size), 16);
	assert_int_equal(snpu_model_parse(blob, size, NULL, &view), 0);
	assert_int_equal(view.layers[0].nonzero, 0);
	free(blob);
	free(f.w);
}

/* Under-full N:M groups keep the lowest free positions, real ones first. */
static void snpu_pack_nm_fills_groups_deterministically(void **state)
{
	char err[ERR_SIZE];
	struct fc_model f;
	const uint8_t *meta;
	uint8_t *blob;
	size_t size;

	/* k = 10: groups of 4 are columns 0-3, 4-7, 8-9 + 2 padding. */
	fc_model_init(&f, 2, 10, SNPU_ENC_NM, SNPU_NM_2_4);
	f.w[2] = 4;		/* row 0 group 0: {2} + lowest free 0 */
	f.w[10 + 9] = -1;	/* row 1 group 2: {9} + 8 (< k first) */
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), 0);
	meta = blob + LF32(blob, 0, meta_offset);
	assert_int_equal(LF32(blob, 0, meta_size), 6);
	assert_int_equal(meta[0], 0x5);	/* positions 0, 2 */
	assert_int_equal(meta[1], 0x3);	/* empty group: 0, 1 */
	assert_int_equal(meta[2], 0x3);	/* 8, 9 */
	assert_int_equal(meta[5], 0x3);	/* 8, 9 */
	free(blob);
	free(f.w);

	/* k = 9 with 2:8: last group holds column 8 and padding only. */
	fc_model_init(&f, 1, 9, SNPU_ENC_NM, SNPU_NM_2_8);
	f.w[8] = 3;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), 0);
	meta = blob + LF32(blob, 0, meta_offset);
	assert_int_equal(meta[0], 0x03);
	assert_int_equal(meta[1], 0x03);	/* 8 real, 9 padding */
	free(blob);
	free(f.w);
}

static void snpu_pack_rejects_overfull_nm_group(void **state)
{
	char err[ERR_SIZE];
	struct fc_model f;
	uint8_t *blob;
	size_t size;

	fc_model_init(&f, 3, 12, SNPU_ENC_NM, SNPU_NM_2_4);
	f.w[2 * 12 + 4] = 1;
	f.w[2 * 12 + 5] = 2;
	f.w[2 * 12 + 7] = 3;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	assert_null(blob);
	assert_non_null(strstr(err, "layer 0"));
	assert_non_null(strstr(err, "row 2"));
	assert_non_null(strstr(err, "group 1"));
	free(f.w);

	fc_model_init(&f, 1, 8, SNPU_ENC_NM, SNPU_NM_1_4);
	f.w[0] = 1;
	f.w[3] = 1;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	assert_non_null(strstr(err, "group 0"));
	free(f.w);
}

static void snpu_pack_rejects_block_columns_over_16_bits(void **state)
{
	char err[ERR_SIZE];
	struct fc_model f;
	uint8_t *blob;
	size_t size;

	/* 65536 block columns of 4. */
	fc_model_init(&f, 1, 4 * 65536, SNPU_ENC_BLOCK, SNPU_BLOCK_1X4);
	f.t[0].w = 64;
	f.t[0].c = 4096;
	f.w[0] = 1;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	assert_non_null(strstr(err, "layer 0"));
	f.l.variant = SNPU_BLOCK_1X16;	/* 16384 columns: fine */
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), 0);
	free(blob);
	free(f.w);
}

static void snpu_pack_rejects_bad_requests(void **state)
{
	char err[ERR_SIZE];
	struct fc_model f;
	uint8_t *blob;
	size_t size;

	fc_model_init(&f, 2, 8, SNPU_ENC_COUNT, 0);
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	assert_non_null(strstr(err, "encoding"));
	f.l.encoding = SNPU_ENC_NM;
	f.l.variant = SNPU_NM_COUNT;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	f.l.encoding = SNPU_ENC_BLOCK;
	f.l.variant = SNPU_BLOCK_COUNT;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	f.l.encoding = SNPU_ENC_CSR;
	f.l.variant = 1;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	f.l.variant = 0;
	f.l.weights = NULL;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	f.l.weights = f.w;
	f.l.input = 5;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	assert_non_null(strstr(err, "layer 0"));
	f.l.input = 0;
	f.m.n_tensors = 1;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	f.m.n_tensors = 2;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), 0);
	free(blob);
	/* err may be NULL */
	f.l.encoding = 9;
	assert_int_equal(snpu_pack(&f.m, (void **)&blob, &size, NULL, NULL, 0),
			 -EINVAL);
	free(f.w);
}

/* What only the parser knows (here a wrong output shape) is -EINVAL too. */
static void snpu_pack_reports_parser_rejection(void **state)
{
	char err[ERR_SIZE];
	struct fc_model f;
	uint8_t *blob;
	size_t size;

	fc_model_init(&f, 2, 8, SNPU_ENC_DENSE, 0);
	f.t[1].c = 3;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	assert_null(blob);
	assert_non_null(strstr(err, "layer 0 (fc)"));
	assert_non_null(strstr(err, "shape"));
	f.t[1].c = 2;
	f.mult[1] = 5;	/* not a normalised Q31 multiplier */
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	assert_non_null(strstr(err, "requantization"));
	f.mult[1] = 0x40000000;
	f.t[0].zero_point = 128;
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	assert_non_null(strstr(err, "tensor 0"));
	f.t[0].zero_point = 0;
	f.m.output = 0;	/* the output is the input: no layer to blame */
	assert_int_equal(pack(&f.m, &blob, &size, NULL, err), -EINVAL);
	assert_non_null(strstr(err, "model rejected"));
	free(f.w);
}

/* A conv2d, a pool, an add and a reshape: stats add up, layout holds. */
static void snpu_pack_stats_add_up(void **state)
{
	static const struct snpu_pack_tensor t[] = {
		{ 6, 6, 3, 0, 1.0f },	/* input */
		{ 6, 6, 5, 1, 1.0f },	/* conv 3x3 pad 1 */
		{ 3, 3, 5, 1, 1.0f },	/* maxpool 2x2 s2 */
		{ 3, 3, 5, 2, 1.0f },	/* add */
		{ 1, 1, 45, 2, 1.0f },	/* reshape */
		{ 1, 1, 3, -1, 1.0f },	/* fc */
	};
	static int8_t wc[5 * 27], wf[3 * 45];
	static int32_t bias[5], mult[5], shift[5];
	struct snpu_pack_layer l[5];
	struct snpu_pack_model m = {
		.n_tensors = 6, .tensors = t, .n_layers = 5, .layers = l,
		.input = 0, .output = 5,
	};
	struct snpu_model_view view;
	struct snpu_pack_stats st;
	char err[ERR_SIZE];
	uint8_t *blob;
	size_t size, i;

	for (i = 0; i < sizeof(wc); i++)
		wc[i] = (int8_t)(i % 3 ? 0 : i);
	for (i = 0; i < sizeof(wf); i++)
		wf[i] = (int8_t)(i % 5 ? 0 : -(int)i);
	for (i = 0; i < 5; i++) {
		mult[i] = 0x50000000;
		shift[i] = -5;
		bias[i] = 10;
	}
	memset(l, 0, sizeof(l));
	l[0] = (struct snpu_pack_layer){
		.op = SNPU_OP_CONV2D, .encoding = SNPU_ENC_CSR, .input = 0,
		.output = 1, .kernel_h = 3, .kernel_w = 3, .stride_h = 1,
		.stride_w = 1, .dilation_h = 1, .dilation_w = 1, .pad_top = 1,
		.pad_left = 1, .pad_bottom = 1, .pad_right = 1, .groups = 1,
		.out_channels = 5, .weights = wc, .bias = bias, .mult = mult,
		.shift = shift, .act_min = 0, .act_max = 127,
	};
	l[1] = (struct snpu_pack_layer){
		.op = SNPU_OP_MAXPOOL, .input = 1, .output = 2, .kernel_h = 2,
		.kernel_w = 2, .stride_h = 2, .stride_w = 2, .act_min = -128,
		.act_max = 127,
	};
	l[2] = (struct snpu_pack_layer){
		.op = SNPU_OP_ADD, .input = 2, .input2 = 2, .output = 3,
		.act_min = -128, .act_max = 127, .add_left_shift = 20,
		.add_in1_mult = 0x40000000, .add_in1_shift = -1,
		.add_in2_mult = 0x40000000, .add_in2_shift = -1,
		.add_out_mult = 0x60000000, .add_out_shift = -19,
	};
	l[3] = (struct snpu_pack_layer){
		.op = SNPU_OP_RESHAPE, .input = 3, .output = 4,
	};
	l[4] = (struct snpu_pack_layer){
		.op = SNPU_OP_FC, .encoding = SNPU_ENC_BLOCK,
		.variant = SNPU_BLOCK_4X4, .input = 4, .output = 5,
		.out_channels = 3, .weights = wf, .bias = bias, .mult = mult,
		.shift = shift, .act_min = -128, .act_max = 127,
	};
	assert_int_equal(pack(&m, &blob, &size, &st, err), 0);
	assert_int_equal(st.total, size);
	assert_int_equal(st.values + st.index + st.params + st.tables,
			 st.total);
	assert_int_equal(st.tables, 64 + 6 * 32 + 5 * 128);
	assert_int_equal(snpu_model_parse(blob, size, NULL, &view), 0);
	assert_int_equal(view.layers[0].k, 27);
	assert_int_equal(view.layers[4].k, 45);
	assert_int_equal(view.layers[4].rows, 4);
	assert_int_equal(view.layers[4].k_pad, 48);
	assert_int_equal(view.layers[0].macs, 6 * 6 * 5 * 27);
	assert_int_equal(view.layers[1].macs, 4 * 45);
	for (i = 0; i < 5; i++) {
		/* Every array offset is 8-aligned. */
		assert_int_equal(LF32(blob, i, weights_offset) % 8, 0);
		assert_int_equal(LF32(blob, i, meta_offset) % 8, 0);
		assert_int_equal(LF32(blob, i, bias_offset) % 8, 0);
		assert_int_equal(LF32(blob, i, requant_offset) % 8, 0);
	}
	{
		int8_t back[5 * 27];

		decode(blob, 0, 5, 27, back);
		assert_memory_equal(back, wc, sizeof(wc));
	}
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RT(dense, SNPU_ENC_DENSE, 0),
		RT(csr, SNPU_ENC_CSR, 0),
		RT(nm_2_4, SNPU_ENC_NM, SNPU_NM_2_4),
		RT(nm_1_4, SNPU_ENC_NM, SNPU_NM_1_4),
		RT(nm_2_8, SNPU_ENC_NM, SNPU_NM_2_8),
		RT(block_1x4, SNPU_ENC_BLOCK, SNPU_BLOCK_1X4),
		RT(block_4x4, SNPU_ENC_BLOCK, SNPU_BLOCK_4X4),
		RT(block_1x16, SNPU_ENC_BLOCK, SNPU_BLOCK_1X16),
		cmocka_unit_test(snpu_pack_keeps_pruned_zeros_zero),
		cmocka_unit_test(snpu_pack_csr_bridges_long_gaps_with_fillers),
		cmocka_unit_test(snpu_pack_csr_fill_keeps_fillers_for_free),
		cmocka_unit_test(snpu_pack_csr_empty_matrix_has_no_entries),
		cmocka_unit_test(snpu_pack_nm_fills_groups_deterministically),
		cmocka_unit_test(snpu_pack_rejects_overfull_nm_group),
		cmocka_unit_test(snpu_pack_rejects_block_columns_over_16_bits),
		cmocka_unit_test(snpu_pack_rejects_bad_requests),
		cmocka_unit_test(snpu_pack_reports_parser_rejection),
		cmocka_unit_test(snpu_pack_stats_add_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
