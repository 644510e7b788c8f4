// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests for snpu_model_parse(): valid models of every op and
 * encoding (packed with snpu_pack()) and the view the parser derives,
 * one or more tests per error code, each asserting the exact code, the
 * platform checks against the shipped firmware images, and truncation at
 * every length.
 *
 * Most malformed models are the default model with one field patched and
 * the CRC fixed up, listed in snpu_model_patch_cases below. The default
 * model (snpu_model_default()) runs every op:
 *
 *   t0  8x8x4      input
 *   L0  conv2d 3x3 pad 1, groups 2, CSR          -> t1 8x8x8   (k 18)
 *   L1  depthwise conv2d 3x3 dilation 2, dense   -> t2 8x8x8   (k 9)
 *   L2  maxpool 2x2 stride 2                     -> t3 4x4x8
 *   L3  avgpool 3x3 pad 1                        -> t4 4x4x8
 *   L4  add t4 + t3                              -> t5 4x4x8
 *   L5  reshape                                  -> t6 1x1x128
 *   L6  fc N:M 2:4                               -> t7 1x1x12  (k 128)
 *   L7  fc block 4x4                             -> t8 1x1x6   (k 12)
 *   t9  2x2x2      unused
 *
 * With SNPU_MODEL_SEED_DIR set, the valid models are also written there
 * as the fuzzer's seed corpus.
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

#include "snpu_crc32.h"
#include "snpu_fw_parse.h"
#include "snpu_model_parse.h"
#include "snpu_pack.h"

#define N_TENSORS	10
#define N_LAYERS	8
#define TENSOR_OFF	64u
#define LAYER_OFF	(TENSOR_OFF + 32u * N_TENSORS)

#define HDR(f)		offsetof(struct snpu_model_header, f)
#define TEN(i, f)	(TENSOR_OFF + 32u * (i) + \
			 offsetof(struct snpu_model_tensor, f))
#define LAY(i, f)	(LAYER_OFF + 128u * (i) + \
			 offsetof(struct snpu_model_layer, f))

static struct snpu_model_view view;

/* ---- little-endian helpers ---------------------------------------- */

static u32 get32(const u8 *p)
{
	return snpu_get_le32(p);
}

static void put(u8 *p, u32 width, u64 v)
{
	u32 i;

	for (i = 0; i < width; i++)
		p[i] = (u8)(v >> (8 * i));
}

static u64 get(const u8 *p, u32 width)
{
	u64 v = 0;
	u32 i;

	for (i = 0; i < width; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

static void fix_crc(u8 *b, size_t size)
{
	put(b + HDR(crc32), 4,
	    snpu_crc32(0, b + SNPU_MODEL_CRC_START,
		       size - SNPU_MODEL_CRC_START));
}

static int parse(const u8 *b, size_t size)
{
	return snpu_model_parse(b, size, NULL, &view);
}

/* ---- models ------------------------------------------------------- */

static void write_seed(const char *name, const u8 *b, size_t size)
{
	const char *dir = getenv("SNPU_MODEL_SEED_DIR");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s.snpu", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(b, 1, size, f);
	fclose(f);
}

static int32_t req_bias[16], req_mult[16], req_shift[16];

static void init_requant(void)
{
	int i;

	for (i = 0; i < 16; i++) {
		req_bias[i] = i * 37 - 100;
		req_mult[i] = 0x40000000 + i * 0x1234567;
		req_shift[i] = -i;
	}
}

static u8 *pack_or_fail(const struct snpu_pack_model *m, size_t *size)
{
	char err[256] = "";
	void *b = NULL;
	int ret;

	ret = snpu_pack(m, &b, size, NULL, err, sizeof(err));
	if (ret)
		fail_msg("snpu_pack: %d: %s", ret, err);
	return b;
}

/* The default model described at the top; caller frees. */
static u8 *snpu_model_default(size_t *size)
{
	static const struct snpu_pack_tensor t[N_TENSORS] = {
		{ 8, 8, 4, -1, 0.5f },
		{ 8, 8, 8, 3, 0.25f },
		{ 8, 8, 8, 3, 0.25f },
		{ 4, 4, 8, 3, 0.25f },
		{ 4, 4, 8, 3, 0.25f },
		{ 4, 4, 8, -2, 0.3f },
		{ 1, 1, 128, -2, 0.3f },
		{ 1, 1, 12, 0, 0.1f },
		{ 1, 1, 6, 1, 0.2f },
		{ 2, 2, 2, 0, 1.0f },
	};
	static int8_t w0[8 * 18], w1[8 * 9], w6[12 * 128], w7[6 * 12];
	struct snpu_pack_layer l[N_LAYERS];
	struct snpu_pack_model m = {
		.n_tensors = N_TENSORS, .tensors = t,
		.n_layers = N_LAYERS, .layers = l, .input = 0, .output = 8,
	};
	int r, c;

	init_requant();
	memset(w0, 0, sizeof(w0));
	memset(w6, 0, sizeof(w6));
	memset(w7, 0, sizeof(w7));
	/* CSR: row r at columns r % 4 and r % 4 + 9; row 7 also at 17. */
	for (r = 0; r < 8; r++) {
		w0[r * 18 + r % 4] = (int8_t)(r + 1);
		w0[r * 18 + r % 4 + 9] = (int8_t)-(r + 1);
	}
	w0[7 * 18 + 17] = 5;
	for (r = 0; r < 72; r++)
		w1[r] = (int8_t)(r % 7 - 3);
	/* N:M: one nonzero per group of 4, at position r % 4. */
	for (r = 0; r < 12; r++)
		for (c = r % 4; c < 128; c += 4)
			w6[r * 128 + c] = (int8_t)(c % 2 ? c : -c - 1);
	/* block 4x4: row r at column 2r. */
	for (r = 0; r < 6; r++)
		w7[r * 12 + 2 * r] = (int8_t)(10 + r);

	memset(l, 0, sizeof(l));
	l[0] = (struct snpu_pack_layer){
		.op = SNPU_OP_CONV2D, .encoding = SNPU_ENC_CSR, .input = 0,
		.output = 1, .kernel_h = 3, .kernel_w = 3, .stride_h = 1,
		.stride_w = 1, .dilation_h = 1, .dilation_w = 1, .pad_top = 1,
		.pad_left = 1, .pad_bottom = 1, .pad_right = 1, .groups = 2,
		.out_channels = 8, .weights = w0, .bias = req_bias,
		.mult = req_mult, .shift = req_shift, .act_min = 0,
		.act_max = 127,
	};
	l[1] = (struct snpu_pack_layer){
		.op = SNPU_OP_CONV2D, .encoding = SNPU_ENC_DENSE, .input = 1,
		.output = 2, .kernel_h = 3, .kernel_w = 3, .stride_h = 1,
		.stride_w = 1, .dilation_h = 2, .dilation_w = 2, .pad_top = 2,
		.pad_left = 2, .pad_bottom = 2, .pad_right = 2, .groups = 8,
		.out_channels = 8, .weights = w1, .bias = req_bias,
		.mult = req_mult, .shift = req_shift, .act_min = -128,
		.act_max = 127,
	};
	l[2] = (struct snpu_pack_layer){
		.op = SNPU_OP_MAXPOOL, .input = 2, .output = 3, .kernel_h = 2,
		.kernel_w = 2, .stride_h = 2, .stride_w = 2, .act_min = -128,
		.act_max = 127,
	};
	l[3] = (struct snpu_pack_layer){
		.op = SNPU_OP_AVGPOOL, .input = 3, .output = 4, .kernel_h = 3,
		.kernel_w = 3, .stride_h = 1, .stride_w = 1, .pad_top = 1,
		.pad_left = 1, .pad_bottom = 1, .pad_right = 1,
		.act_min = -128, .act_max = 127,
	};
	l[4] = (struct snpu_pack_layer){
		.op = SNPU_OP_ADD, .input = 4, .input2 = 3, .output = 5,
		.act_min = -128, .act_max = 127, .add_left_shift = 20,
		.add_in1_mult = 0x40000000, .add_in1_shift = -1,
		.add_in2_mult = 0x50000000, .add_in2_shift = -2,
		.add_out_mult = 0x7fffffff, .add_out_shift = -20,
	};
	l[5] = (struct snpu_pack_layer){
		.op = SNPU_OP_RESHAPE, .input = 5, .output = 6,
	};
	l[6] = (struct snpu_pack_layer){
		.op = SNPU_OP_FC, .encoding = SNPU_ENC_NM,
		.variant = SNPU_NM_2_4, .input = 6, .output = 7,
		.out_channels = 12, .weights = w6, .bias = req_bias,
		.mult = req_mult, .shift = req_shift, .act_min = -128,
		.act_max = 127,
	};
	l[7] = (struct snpu_pack_layer){
		.op = SNPU_OP_FC, .encoding = SNPU_ENC_BLOCK,
		.variant = SNPU_BLOCK_4X4, .input = 7, .output = 8,
		.out_channels = 6, .weights = w7, .bias = req_bias,
		.mult = req_mult, .shift = req_shift, .act_min = -128,
		.act_max = 127,
	};
	return pack_or_fail(&m, size);
}

/*
 * One weighted layer: FC from 1x2x8 (k 16) to 6, or conv2d 3x3 stride 2
 * pad 1 groups 2 from 5x5x4 (k 18) to 3x3x6. Weights fit every pattern.
 */
static u8 *snpu_model_one(u32 op, u32 enc, u32 variant, size_t *size)
{
	static const struct snpu_pack_tensor tfc[] = {
		{ 1, 2, 8, 5, 1.0f }, { 1, 1, 6, -5, 2.0f },
	};
	static const struct snpu_pack_tensor tconv[] = {
		{ 5, 5, 4, 5, 1.0f }, { 3, 3, 6, -5, 2.0f },
	};
	static int8_t w[6 * 18];
	struct snpu_pack_layer l = {
		.op = op, .encoding = enc, .variant = variant, .input = 0,
		.output = 1, .out_channels = 6, .weights = w,
		.bias = req_bias, .mult = req_mult, .shift = req_shift,
		.act_min = -100, .act_max = 100,
	};
	struct snpu_pack_model m = {
		.n_tensors = 2, .tensors = op == SNPU_OP_FC ? tfc : tconv,
		.n_layers = 1, .layers = &l, .input = 0, .output = 1,
	};
	u32 k = op == SNPU_OP_FC ? 16 : 18;
	u32 r, c;

	init_requant();
	memset(w, 0, sizeof(w));
	for (r = 0; r < 6; r++)
		for (c = r % 4; c < k; c += 8)
			w[r * k + c] = (int8_t)(r * 16 + c + 1);
	if (op == SNPU_OP_CONV2D) {
		l.kernel_h = 3;
		l.kernel_w = 3;
		l.stride_h = 2;
		l.stride_w = 2;
		l.dilation_h = 1;
		l.dilation_w = 1;
		l.pad_top = 1;
		l.pad_left = 1;
		l.pad_bottom = 1;
		l.pad_right = 1;
		l.groups = 2;
	}
	return pack_or_fail(&m, size);
}

/* ---- valid models ------------------------------------------------- */

static void snpu_model_parse_accepts_default_model(void **state)
{
	const struct snpu_layer_view *l = view.layers;
	size_t size;
	u8 *b = snpu_model_default(&size);

	write_seed("default", b, size);
	assert_int_equal(parse(b, size), 0);
	assert_int_equal(view.size, size);
	assert_int_equal(view.format_minor, SNPU_MODEL_FORMAT_MINOR);
	assert_int_equal(view.n_tensors, N_TENSORS);
	assert_int_equal(view.n_layers, N_LAYERS);
	assert_int_equal(view.input, 0);
	assert_int_equal(view.output, 8);

	assert_int_equal(view.tensors[0].bytes, 256);
	assert_int_equal(view.tensors[0].zero_point, -1);
	assert_int_equal(view.tensors[6].bytes, 128);
	assert_int_equal(view.tensors[1].scale_bits, 0x3e800000);

	/* L0: conv CSR, 17 entries, no fillers. */
	assert_int_equal(l[0].op, SNPU_OP_CONV2D);
	assert_int_equal(l[0].encoding, SNPU_ENC_CSR);
	assert_int_equal(l[0].input2, SNPU_MODEL_NONE);
	assert_int_equal(l[0].k, 18);
	assert_int_equal(l[0].rows, 8);
	assert_int_equal(l[0].k_pad, 18);
	assert_int_equal(l[0].nnz, 17);
	assert_int_equal(l[0].nonzero, 17);
	assert_int_equal(l[0].macs, 8 * 8 * 8 * 18);
	assert_int_equal(l[0].groups, 2);
	assert_int_equal(l[0].act_min, 0);
	assert_int_equal(l[0].act_max, 127);
	/* L1: depthwise dense. */
	assert_int_equal(l[1].k, 9);
	assert_int_equal(l[1].nnz, 72);
	assert_int_equal(l[1].weights_size, 72);
	assert_int_equal(l[1].nonzero, 72 - 10);	/* r % 7 == 3 */
	assert_int_equal(l[1].meta_offset, 0);
	assert_int_equal(l[1].dilation_h, 2);
	/* Pools, add, reshape. */
	assert_int_equal(l[2].macs, 4 * 4 * 4 * 8);
	assert_int_equal(l[3].macs, 9 * 4 * 4 * 8);
	assert_int_equal(l[2].k, 0);
	assert_int_equal(l[2].rows, 0);
	assert_int_equal(l[4].input2, 3);
	assert_int_equal(l[4].macs, 128);
	assert_int_equal(l[4].add_left_shift, 20);
	assert_int_equal(l[4].add_in2_shift, -2);
	assert_int_equal(l[4].add_out_mult, 0x7fffffff);
	assert_int_equal(l[5].macs, 0);
	/* L6: N:M 2:4, one real nonzero per group (c = 0 is -1). */
	assert_int_equal(l[6].k, 128);
	assert_int_equal(l[6].k_pad, 128);
	assert_int_equal(l[6].nnz, 12 * 32 * 2);
	assert_int_equal(l[6].meta_size, 12 * 32);
	assert_int_equal(l[6].nonzero, 12 * 32);
	/* L7: block 4x4 over 8 x 12. */
	assert_int_equal(l[7].rows, 8);
	assert_int_equal(l[7].k_pad, 12);
	assert_int_equal(l[7].nnz, 3);
	assert_int_equal(l[7].weights_size, 48);
	assert_int_equal(l[7].meta_size, 12 + 6);
	assert_int_equal(l[7].nonzero, 6);
	assert_int_equal(l[7].macs, 6 * 12);
	free(b);
}

static void snpu_model_parse_accepts_every_encoding(void **state)
{
	static const u32 encs[][2] = {
		{ SNPU_ENC_DENSE, 0 }, { SNPU_ENC_CSR, 0 },
		{ SNPU_ENC_NM, SNPU_NM_2_4 }, { SNPU_ENC_NM, SNPU_NM_1_4 },
		{ SNPU_ENC_NM, SNPU_NM_2_8 },
		{ SNPU_ENC_BLOCK, SNPU_BLOCK_1X4 },
		{ SNPU_ENC_BLOCK, SNPU_BLOCK_4X4 },
		{ SNPU_ENC_BLOCK, SNPU_BLOCK_1X16 },
	};
	static const u32 ops[] = { SNPU_OP_FC, SNPU_OP_CONV2D };
	/* [op][encoding row]: rows, k_pad */
	static const u32 want[2][8][2] = {
		{ { 6, 16 }, { 6, 16 }, { 6, 16 }, { 6, 16 }, { 6, 16 },
		  { 6, 16 }, { 8, 16 }, { 6, 16 } },
		{ { 6, 18 }, { 6, 18 }, { 6, 20 }, { 6, 20 }, { 6, 24 },
		  { 6, 20 }, { 8, 20 }, { 6, 32 } },
	};
	const struct snpu_layer_view *l = &view.layers[0];
	char name[64];
	size_t size, e, o;
	u8 *b;

	for (o = 0; o < 2; o++) {
		for (e = 0; e < 8; e++) {
			b = snpu_model_one(ops[o], encs[e][0], encs[e][1],
					   &size);
			snprintf(name, sizeof(name), "one-%zu-%zu", o, e);
			write_seed(name, b, size);
			assert_int_equal(parse(b, size), 0);
			assert_int_equal(l->op, ops[o]);
			assert_int_equal(l->encoding, encs[e][0]);
			assert_int_equal(l->variant, encs[e][1]);
			assert_int_equal(l->k, o ? 18 : 16);
			assert_int_equal(l->rows, want[o][e][0]);
			assert_int_equal(l->k_pad, want[o][e][1]);
			/* columns r % 4 + 8j: 2 per row of k 16; k 18 adds 16, 17 */
			assert_int_equal(l->nonzero, o ? 16 : 12);
			assert_int_equal(l->macs,
					 o ? 3 * 3 * 6 * 18 : 6 * 16);
			free(b);
		}
	}
}

/* ---- one field patched -------------------------------------------- */

enum patch_base { ABS, META, WEIGHTS, REQUANT, BIAS };

struct patch_case {
	u8 base;	/* enum patch_base */
	u8 layer;	/* for the array bases */
	u32 offset;
	u32 width;
	u64 value;
	bool add;	/* add @value to the field instead of setting it */
	bool keep_crc;
	int expect;
};

static void snpu_model_parse_patch_case(void **state)
{
	const struct patch_case *c = *state;
	size_t size;
	u8 *b = snpu_model_default(&size);
	u32 off = c->offset;
	u64 v = c->value;

	assert_int_equal(parse(b, size), 0);
	switch (c->base) {
	case META:
		off += get32(b + LAY(c->layer, meta_offset));
		break;
	case WEIGHTS:
		off += get32(b + LAY(c->layer, weights_offset));
		break;
	case REQUANT:
		off += get32(b + LAY(c->layer, requant_offset));
		break;
	case BIAS:
		off += get32(b + LAY(c->layer, bias_offset));
		break;
	default:
		break;
	}
	assert_true(off + c->width <= size);
	if (c->add)
		v += get(b + off, c->width);
	put(b + off, c->width, v);
	if (!c->keep_crc)
		fix_crc(b, size);
	assert_int_equal(parse(b, size), c->expect);
	free(b);
}

#define CASE(tname, base, layer, off, w, val, add, err) \
	{ .name = "snpu_model_parse_" #tname, \
	  .test_func = snpu_model_parse_patch_case, \
	  .initial_state = &(struct patch_case){ base, layer, off, w, \
						 (u64)(val), add, false, \
						 err } }
#define PATCH(tname, off, w, val, err) \
	CASE(tname, ABS, 0, off, w, val, false, -SNPU_MODEL_E_##err)
#define PATCH_ADD(tname, off, w, val, err) \
	CASE(tname, ABS, 0, off, w, val, true, -SNPU_MODEL_E_##err)
#define PATCH_OK(tname, off, w, val) \
	CASE(tname, ABS, 0, off, w, val, false, 0)
#define PATCH_AT(tname, base, layer, off, w, val, err) \
	CASE(tname, base, layer, off, w, val, false, -SNPU_MODEL_E_##err)
#define PATCH_AT_OK(tname, base, layer, off, w, val) \
	CASE(tname, base, layer, off, w, val, false, 0)

static const struct CMUnitTest snpu_model_patch_cases[] = {
	/* header */
	PATCH(rejects_bad_magic, HDR(magic), 4, 0x4d504e54, MAGIC),
	PATCH(rejects_firmware_magic, HDR(magic), 4, 0x57464e53, MAGIC),
	PATCH(rejects_format_major_2, HDR(format_major), 2, 2, FORMAT_MAJOR),
	PATCH(rejects_format_major_0, HDR(format_major), 2, 0, FORMAT_MAJOR),
	PATCH_OK(accepts_any_format_minor, HDR(format_minor), 2, 0xffff),
	PATCH_ADD(rejects_size_field_larger, HDR(size), 4, 8, SIZE_MISMATCH),
	PATCH_ADD(rejects_size_field_smaller, HDR(size), 4, -8ll,
		  SIZE_MISMATCH),
	{ .name = "snpu_model_parse_rejects_wrong_crc",
	  .test_func = snpu_model_parse_patch_case,
	  .initial_state = &(struct patch_case){ ABS, 0, HDR(crc32), 4,
						 0xdeadbeef, false, true,
						 -SNPU_MODEL_E_CRC } },
	{ .name = "snpu_model_parse_rejects_corrupt_weight_byte",
	  .test_func = snpu_model_parse_patch_case,
	  .initial_state = &(struct patch_case){ WEIGHTS, 1, 5, 1, 0x40,
						 false, true,
						 -SNPU_MODEL_E_CRC } },
	{ .name = "snpu_model_parse_rejects_corrupt_header_size_unfixed",
	  .test_func = snpu_model_parse_patch_case,
	  .initial_state = &(struct patch_case){ ABS, 0, HDR(header_size),
						 4, 72, false, true,
						 -SNPU_MODEL_E_CRC } },
	PATCH(rejects_header_size_63, HDR(header_size), 4, 63, HEADER),
	PATCH(rejects_header_size_0, HDR(header_size), 4, 0, HEADER),
	PATCH(rejects_header_size_past_end, HDR(header_size), 4, 0x7fffffff,
	      HEADER),
	PATCH(rejects_header_flags, HDR(flags), 4, 1, HEADER),
	PATCH(rejects_header_reserved0, HDR(reserved), 4, 1, HEADER),
	PATCH(rejects_header_reserved3, HDR(reserved) + 12, 4, 0x80000000,
	      HEADER),

	/* tables */
	PATCH(rejects_one_tensor, HDR(tensor_count), 4, 1, TABLE),
	PATCH(rejects_65_tensors, HDR(tensor_count), 4, 65, TABLE),
	PATCH(rejects_huge_tensor_count, HDR(tensor_count), 4, 0xffffffff,
	      TABLE),
	PATCH(rejects_zero_layers, HDR(layer_count), 4, 0, TABLE),
	PATCH(rejects_65_layers, HDR(layer_count), 4, 65, TABLE),
	PATCH(rejects_misaligned_tensor_table, HDR(tensor_offset), 4, 68,
	      TABLE),
	PATCH(rejects_misaligned_layer_table, HDR(layer_offset), 4,
	      LAYER_OFF + 4, TABLE),
	PATCH(rejects_tensor_table_in_header, HDR(tensor_offset), 4, 32,
	      TABLE),
	PATCH(rejects_tensor_table_after_long_header, HDR(header_size), 4,
	      72, TABLE),
	PATCH(rejects_tables_overlapping, HDR(layer_offset), 4,
	      LAYER_OFF - 32, TABLE),
	PATCH(rejects_tensor_table_past_end, HDR(tensor_offset), 4,
	      0xfffffff8, TABLE),
	PATCH(rejects_layer_table_past_end, HDR(layer_offset), 4, 0x10000000,
	      TABLE),
	PATCH(rejects_layer_table_over_end, HDR(layer_count), 4, 64, TABLE),

	/* tensors: t9 is unused, so only the tensor rules see it */
	PATCH(rejects_zero_height, TEN(9, height), 4, 0, TENSOR),
	PATCH(rejects_zero_channels, TEN(9, channels), 4, 0, TENSOR),
	PATCH(rejects_width_65536, TEN(9, width), 4, 65536, TENSOR),
	PATCH(rejects_huge_width, TEN(9, width), 4, 0xffffffff, TENSOR),
	PATCH(rejects_tensor_over_16mib, TEN(9, height), 8,
	      0x0000ffff0000ffffull, TENSOR),
	PATCH_OK(accepts_tensor_of_16mib, TEN(9, height), 8,
		 0x0000080000001000ull),
	PATCH(rejects_zero_point_128, TEN(9, zero_point), 4, 128, TENSOR),
	PATCH(rejects_zero_point_minus_129, TEN(9, zero_point), 4,
	      (u32)-129, TENSOR),
	PATCH_OK(accepts_zero_point_minus_128, TEN(9, zero_point), 4,
		 (u32)-128),
	PATCH_OK(accepts_any_scale, TEN(9, scale), 4, 0x7fc00000),
	PATCH(rejects_tensor_flags, TEN(9, flags), 4, 1, TENSOR),
	PATCH(rejects_tensor_reserved, TEN(9, reserved) + 4, 4, 1, TENSOR),

	/* graph */
	PATCH(rejects_input_equal_output, HDR(input_tensor), 4, 8, GRAPH),
	PATCH(rejects_input_out_of_range, HDR(input_tensor), 4, 10, GRAPH),
	PATCH(rejects_output_out_of_range, HDR(output_tensor), 4,
	      0xffffffff, GRAPH),
	PATCH(rejects_output_never_written, HDR(output_tensor), 4, 9, GRAPH),
	PATCH(rejects_output_is_input, HDR(output_tensor), 4, 0, GRAPH),
	PATCH_OK(accepts_dead_layer, HDR(output_tensor), 4, 7),
	PATCH(rejects_read_before_write, LAY(2, input), 4, 4, GRAPH),
	PATCH(rejects_read_of_own_output, LAY(3, input), 4, 4, GRAPH),
	PATCH(rejects_layer_input_out_of_range, LAY(0, input), 4,
	      0xffffffff, GRAPH),
	PATCH(rejects_write_of_model_input, LAY(0, output), 4, 0, GRAPH),
	PATCH(rejects_tensor_written_twice, LAY(3, output), 4, 2, GRAPH),
	PATCH(rejects_layer_output_out_of_range, LAY(7, output), 4, 10,
	      GRAPH),
	PATCH(rejects_input2_on_conv, LAY(0, input2), 4, 0, GRAPH),
	PATCH(rejects_input2_out_of_range, LAY(4, input2), 4, 10, GRAPH),
	PATCH(rejects_add_of_unwritten_input2, LAY(4, input2), 4, 6, GRAPH),
	PATCH_OK(accepts_add_of_a_tensor_with_itself, LAY(4, input2), 4, 4),

	/* layer fields */
	PATCH(rejects_unknown_op, LAY(0, op), 2, SNPU_OP_COUNT, LAYER),
	PATCH(rejects_layer_flags, LAY(2, flags), 2, 1, LAYER),
	PATCH(rejects_layer_reserved, LAY(5, reserved) + 12, 4, 1, LAYER),
	PATCH(rejects_unknown_encoding, LAY(6, encoding), 2, SNPU_ENC_COUNT,
	      LAYER),
	PATCH(rejects_variant_on_dense, LAY(1, variant), 2, 1, LAYER),
	PATCH(rejects_variant_on_csr, LAY(0, variant), 2, 1, LAYER),
	PATCH(rejects_unknown_nm_pattern, LAY(6, variant), 2, SNPU_NM_COUNT,
	      LAYER),
	PATCH(rejects_unknown_block_shape, LAY(7, variant), 2,
	      SNPU_BLOCK_COUNT, LAYER),
	PATCH(rejects_encoding_on_pool, LAY(2, encoding), 2, SNPU_ENC_CSR,
	      LAYER),
	PATCH(rejects_variant_on_add, LAY(4, variant), 2, 1, LAYER),
	PATCH(rejects_fc_without_out_channels, LAY(6, out_channels), 4, 0,
	      LAYER),
	PATCH(rejects_out_channels_on_add, LAY(4, out_channels), 4, 8, LAYER),
	PATCH(rejects_conv_kernel_0, LAY(0, kernel_h), 2, 0, LAYER),
	PATCH(rejects_pool_stride_0, LAY(2, stride_w), 2, 0, LAYER),
	PATCH(rejects_conv_dilation_0, LAY(1, dilation_w), 2, 0, LAYER),
	PATCH(rejects_dilation_on_pool, LAY(2, dilation_h), 2, 1, LAYER),
	PATCH(rejects_kernel_on_fc, LAY(6, kernel_w), 2, 1, LAYER),
	PATCH(rejects_padding_on_add, LAY(4, pad_right), 2, 1, LAYER),
	PATCH(rejects_pool_pad_equal_kernel, LAY(3, pad_bottom), 2, 3, LAYER),
	PATCH(rejects_pool_pad_over_kernel, LAY(2, pad_left), 2, 2, LAYER),
	PATCH(rejects_conv_groups_0, LAY(0, groups), 4, 0, LAYER),
	PATCH(rejects_groups_on_fc, LAY(7, groups), 4, 1, LAYER),
	PATCH(rejects_groups_on_pool, LAY(2, groups), 4, 1, LAYER),
	PATCH(rejects_act_min_over_act_max, LAY(0, act_max), 4, (u32)-1,
	      LAYER),
	PATCH(rejects_act_max_128, LAY(0, act_max), 4, 128, LAYER),
	PATCH(rejects_act_min_minus_129, LAY(2, act_min), 4, (u32)-129, LAYER),
	PATCH(rejects_act_on_reshape, LAY(5, act_max), 4, 1, LAYER),
	PATCH_OK(accepts_single_value_clamp, LAY(0, act_min), 4, 127),
	PATCH(rejects_add_params_on_fc, LAY(6, add_left_shift), 4, 1, LAYER),
	PATCH(rejects_add_params_on_pool, LAY(3, add_out_mult), 4,
	      0x40000000, LAYER),

	/* shapes */
	PATCH(rejects_fc_out_channels_mismatch, LAY(6, out_channels), 4, 13,
	      SHAPE),
	PATCH(rejects_fc_output_not_flat, TEN(8, height), 4, 2, SHAPE),
	PATCH(rejects_conv_stride_mismatch, LAY(0, stride_h), 2, 2, SHAPE),
	PATCH(rejects_conv_padding_mismatch, LAY(0, pad_left), 2, 0, SHAPE),
	PATCH(rejects_conv_dilation_mismatch, LAY(1, dilation_h), 2, 3,
	      SHAPE),
	PATCH(rejects_conv_window_larger_than_input, LAY(1, kernel_h), 2, 9,
	      SHAPE),
	PATCH(rejects_groups_not_dividing_input, LAY(0, groups), 4, 3, SHAPE),
	PATCH(rejects_groups_over_channels, LAY(1, groups), 4, 16,
	      SHAPE),
	PATCH(rejects_pool_output_mismatch, LAY(2, kernel_h), 2, 3, SHAPE),
	PATCH(rejects_pool_zero_point_change, TEN(3, zero_point), 4, 4,
	      SHAPE),
	PATCH(rejects_pool_scale_change, TEN(4, scale), 4, 0x3f800000, SHAPE),
	PATCH(rejects_pool_channel_change, TEN(4, channels), 4, 4, SHAPE),
	PATCH(rejects_add_shape_mismatch, TEN(5, width), 4, 2, SHAPE),
	PATCH(rejects_reshape_count_mismatch, TEN(6, channels), 4, 127,
	      SHAPE),
	PATCH(rejects_reshape_zero_point_change, TEN(6, zero_point), 4, 0,
	      SHAPE),

	/* array bounds */
	PATCH(rejects_weights_past_end, LAY(1, weights_offset), 4,
	      0xfffffff0, ARRAY_BOUNDS),
	PATCH(rejects_weights_size_wrapping, LAY(1, weights_size), 4,
	      0xffffffff, ARRAY_BOUNDS),
	PATCH(rejects_weights_over_header, LAY(6, weights_offset), 4, 8,
	      ARRAY_BOUNDS),
	PATCH(rejects_weights_over_layer_table, LAY(6, weights_offset), 4,
	      LAYER_OFF + 8, ARRAY_BOUNDS),
	PATCH(rejects_meta_past_end, LAY(0, meta_offset), 4, 0xffffff00,
	      ARRAY_BOUNDS),
	PATCH(rejects_meta_size_past_end, LAY(7, meta_size), 4, 0x01000000,
	      ARRAY_BOUNDS),
	PATCH_ADD(rejects_misaligned_bias, LAY(0, bias_offset), 4, 2,
		  ARRAY_BOUNDS),
	PATCH_ADD(rejects_misaligned_requant, LAY(6, requant_offset), 4, 1,
		  ARRAY_BOUNDS),
	PATCH(rejects_bias_in_tensor_table, LAY(0, bias_offset), 4,
	      TENSOR_OFF, ARRAY_BOUNDS),
	PATCH(rejects_requant_past_end, LAY(7, requant_offset), 4,
	      0xfffffffc, ARRAY_BOUNDS),
	PATCH_ADD(rejects_dense_weights_size_plus_1, LAY(1, weights_size), 4,
		  1, ARRAY_BOUNDS),
	PATCH_ADD(rejects_dense_nnz_minus_1, LAY(1, nnz), 4, -1ll,
		  ARRAY_BOUNDS),
	PATCH(rejects_dense_with_meta, LAY(1, meta_size), 4, 8, ARRAY_BOUNDS),
	PATCH(rejects_nnz_on_pool, LAY(2, nnz), 4, 1, ARRAY_BOUNDS),
	PATCH(rejects_weights_on_reshape, LAY(5, weights_offset), 4, 8,
	      ARRAY_BOUNDS),
	PATCH(rejects_bias_on_add, LAY(4, bias_offset), 4, 8, ARRAY_BOUNDS),
	PATCH(rejects_requant_on_pool, LAY(3, requant_offset), 4, 8,
	      ARRAY_BOUNDS),

	/* encodings: CSR (L0: 17 entries, row 0 at columns 0 and 9) */
	PATCH_ADD(rejects_csr_meta_size, LAY(0, meta_size), 4, 1, ENCODING),
	PATCH_ADD(rejects_csr_weights_size, LAY(0, weights_size), 4, 1,
		  ENCODING),
	PATCH_AT(rejects_csr_row_ptr_0, META, 0, 0, 4, 1, ENCODING),
	PATCH_AT(rejects_csr_row_ptr_decreasing, META, 0, 4, 4, 5, ENCODING),
	PATCH_AT(rejects_csr_row_ptr_end, META, 0, 32, 4, 16, ENCODING),
	PATCH_AT(rejects_csr_column_past_k, META, 0, 36, 1, 0x9f, ENCODING),
	PATCH_AT(rejects_csr_zero_delta, META, 0, 36, 1, 0x05, ENCODING),
	PATCH_AT(rejects_csr_pad_nibble, META, 0, 44, 1, 0x15, ENCODING),
	CASE(accepts_csr_stored_zero, WEIGHTS, 0, 1, 1, 0, false, 0),
	/* N:M (L6, 2:4: masks 0x3, 0x3, 0x5, 0x9, ... per row) */
	PATCH_AT(rejects_nm_three_bits, META, 6, 0, 1, 0x7, ENCODING),
	PATCH_AT(rejects_nm_one_bit, META, 6, 0, 1, 0x1, ENCODING),
	PATCH_AT(rejects_nm_bits_past_m, META, 6, 0, 1, 0x30, ENCODING),
	PATCH_AT_OK(accepts_nm_other_positions, META, 6, 0, 1, 0x6),
	PATCH_ADD(rejects_nm_meta_size, LAY(6, meta_size), 4, 1, ENCODING),
	PATCH_ADD(rejects_nm_nnz, LAY(6, nnz), 4, 1, ENCODING),
	/* block (L7, 4x4: block_row_ptr {0, 2, 3}, block_col {0, 1, 2}) */
	PATCH_AT(rejects_block_cols_not_increasing, META, 7, 14, 2, 0,
		 ENCODING),
	PATCH_AT(rejects_block_col_past_end, META, 7, 16, 2, 3, ENCODING),
	PATCH_AT(rejects_block_row_ptr_end, META, 7, 8, 4, 2, ENCODING),
	PATCH_AT(rejects_block_row_ptr_decreasing, META, 7, 4, 4, 4,
		 ENCODING),
	PATCH_AT(rejects_block_padding_row_value, WEIGHTS, 7, 2 * 16 + 8, 1,
		 1, ENCODING),
	PATCH_ADD(rejects_block_meta_size, LAY(7, meta_size), 4, 2, ENCODING),
	PATCH_ADD(rejects_block_nnz, LAY(7, nnz), 4, 1, ENCODING),

	/* requantization */
	PATCH_AT(rejects_mult_below_2_30, REQUANT, 0, 0, 4, 0x3fffffff, QUANT),
	PATCH_AT(rejects_negative_mult, REQUANT, 7, 8, 4, 0x80000000, QUANT),
	PATCH_AT(rejects_zero_mult, REQUANT, 6, 8 * 11, 4, 0, QUANT),
	PATCH_AT(rejects_shift_31, REQUANT, 0, 4, 4, 31, QUANT),
	PATCH_AT(rejects_shift_minus_32, REQUANT, 1, 12, 4, (u32)-32, QUANT),
	PATCH_AT_OK(accepts_shift_30, REQUANT, 0, 4, 4, 30),
	PATCH_AT_OK(accepts_shift_minus_31, REQUANT, 0, 4, 4, (u32)-31),
	PATCH_AT_OK(accepts_any_bias, BIAS, 0, 0, 4, 0x80000000),
	PATCH(rejects_add_left_shift_21, LAY(4, add_left_shift), 4, 21, QUANT),
	PATCH(rejects_add_in1_mult, LAY(4, add_in1_mult), 4, 0x3fffffff,
	      QUANT),
	PATCH(rejects_add_in2_mult, LAY(4, add_in2_mult), 4, 0, QUANT),
	PATCH(rejects_add_out_mult, LAY(4, add_out_mult), 4, 0x80000000,
	      QUANT),
	PATCH(rejects_add_in1_shift_positive, LAY(4, add_in1_shift), 4, 1,
	      QUANT),
	PATCH(rejects_add_in2_shift_minus_32, LAY(4, add_in2_shift), 4,
	      (u32)-32, QUANT),
	PATCH(rejects_add_out_shift_positive, LAY(4, add_out_shift), 4, 5,
	      QUANT),
	PATCH_OK(accepts_add_left_shift_0, LAY(4, add_left_shift), 4, 0),
};

/* ---- errors that need more than one field ------------------------- */

static void snpu_model_parse_rejects_too_small(void **state)
{
	size_t size;
	u8 *b = snpu_model_default(&size);

	assert_int_equal(snpu_model_parse(b, 0, NULL, &view),
			 -SNPU_MODEL_E_TOO_SMALL);
	assert_int_equal(snpu_model_parse(b, 63, NULL, &view),
			 -SNPU_MODEL_E_TOO_SMALL);
	free(b);
}

static void snpu_model_parse_rejects_too_large(void **state)
{
	size_t size, big = SNPU_MODEL_MAX_SIZE + 1ul;
	u8 *b = snpu_model_default(&size);
	u8 *h = calloc(1, big);

	assert_non_null(h);
	memcpy(h, b, size);
	put(h + HDR(size), 4, big);
	assert_int_equal(snpu_model_parse(h, big, NULL, &view),
			 -SNPU_MODEL_E_TOO_LARGE);
	free(h);
	free(b);
}

/* A model that is exactly 64 MiB, minimal otherwise, is accepted. */
static void snpu_model_parse_accepts_max_size(void **state)
{
	size_t size, big = SNPU_MODEL_MAX_SIZE;
	u8 *b = snpu_model_one(SNPU_OP_FC, SNPU_ENC_DENSE, 0, &size);
	u8 *h = calloc(1, big);

	assert_non_null(h);
	memcpy(h, b, size);
	put(h + HDR(size), 4, big);
	fix_crc(h, big);
	assert_int_equal(snpu_model_parse(h, big, NULL, &view), 0);
	free(h);
	free(b);
}

/* k over SNPU_MODEL_MAX_K: FC over a 2^20-element input, then 2^21. */
static void snpu_model_parse_rejects_k_over_max(void **state)
{
	static const struct snpu_pack_tensor t[] = {
		{ 32, 32768, 1, 0, 1.0f }, { 1, 1, 1, 0, 1.0f },
	};
	int8_t *w = calloc(1u << 20, 1);
	struct snpu_pack_layer l = {
		.op = SNPU_OP_FC, .encoding = SNPU_ENC_CSR, .input = 0,
		.output = 1, .out_channels = 1, .weights = w,
		.bias = req_bias, .mult = req_mult, .shift = req_shift,
		.act_min = -128, .act_max = 127,
	};
	struct snpu_pack_model m = {
		.n_tensors = 2, .tensors = t, .n_layers = 1, .layers = &l,
		.input = 0, .output = 1,
	};
	size_t size;
	u8 *b;

	assert_non_null(w);
	init_requant();
	w[(1u << 20) - 1] = 1;	/* needs fillers all the way */
	b = pack_or_fail(&m, &size);
	assert_int_equal(parse(b, size), 0);
	assert_int_equal(view.layers[0].k, 1u << 20);
	assert_int_equal(view.layers[0].nonzero, 1);
	put(b + TEN(0, channels), 4, 2);
	fix_crc(b, size);
	assert_int_equal(parse(b, size), -SNPU_MODEL_E_SHAPE);
	free(b);
	free(w);
}

/* N:M values past k must be 0: FC k 10 with 2:4 (two padding columns). */
static void snpu_model_parse_rejects_nm_padding_value(void **state)
{
	static const struct snpu_pack_tensor t[] = {
		{ 1, 1, 10, 0, 1.0f }, { 1, 1, 2, 0, 1.0f },
	};
	static const int8_t w[20] = { [9] = 3, [19] = -3 };
	struct snpu_pack_layer l = {
		.op = SNPU_OP_FC, .encoding = SNPU_ENC_NM,
		.variant = SNPU_NM_2_4, .input = 0, .output = 1,
		.out_channels = 2, .weights = w, .bias = req_bias,
		.mult = req_mult, .shift = req_shift, .act_min = -128,
		.act_max = 127,
	};
	struct snpu_pack_model m = {
		.n_tensors = 2, .tensors = t, .n_layers = 1, .layers = &l,
		.input = 0, .output = 1,
	};
	size_t size;
	u8 *b, *meta, *wt;

	init_requant();
	b = pack_or_fail(&m, &size);
	meta = b + get32(b + 64 + 64 + offsetof(struct snpu_model_layer,
						 meta_offset));
	wt = b + get32(b + 64 + 64 + offsetof(struct snpu_model_layer,
					       weights_offset));
	/* Group 2 of row 0 keeps columns 8 and 9, both real. */
	assert_int_equal(meta[2], 0x3);
	assert_int_equal(parse(b, size), 0);
	assert_int_equal(view.layers[0].k_pad, 12);
	/* Keep positions 9 and 10 (padding) instead: value at 10 is 0. */
	meta[2] = 0x6;
	wt[4] = 3;
	wt[5] = 0;
	fix_crc(b, size);
	assert_int_equal(parse(b, size), 0);
	/* A nonzero at padding position 10. */
	wt[5] = 1;
	fix_crc(b, size);
	assert_int_equal(parse(b, size), -SNPU_MODEL_E_ENCODING);
	free(b);
}

/* Block columns past 16 bits: 1x4 blocks over k = 4 * 65536. */
static void snpu_model_parse_rejects_block_k_over_16_bits(void **state)
{
	size_t size;
	u8 *b = snpu_model_one(SNPU_OP_FC, SNPU_ENC_BLOCK, SNPU_BLOCK_1X16,
			       &size);
	u32 l0 = 64 + 64;

	/* input 1x2x8 -> 64x4096 (k 2^18) x 1x4: 65536 block columns. */
	assert_int_equal(parse(b, size), 0);
	put(b + 64 + offsetof(struct snpu_model_tensor, width), 4, 64);
	put(b + 64 + offsetof(struct snpu_model_tensor, channels), 4, 4096);
	put(b + l0 + offsetof(struct snpu_model_layer, variant), 2,
	    SNPU_BLOCK_1X4);
	fix_crc(b, size);
	assert_int_equal(parse(b, size), -SNPU_MODEL_E_ENCODING);
	free(b);
}

static void snpu_model_parse_truncated_at_every_length(void **state)
{
	size_t size, n;
	u8 *b = snpu_model_default(&size);
	u8 *t;

	for (n = 0; n < size; n++) {
		/* An exact-size copy, so ASan sees any read past the end. */
		t = malloc(n ? n : 1);
		assert_non_null(t);
		memcpy(t, b, n);
		assert_true(snpu_model_parse(t, n, NULL, &view) < 0);
		/* And with size and CRC made to match the short blob. */
		if (n >= sizeof(struct snpu_model_header)) {
			put(t + HDR(size), 4, n);
			fix_crc(t, n);
			assert_true(snpu_model_parse(t, n, NULL, &view) < 0);
		}
		free(t);
	}
	free(b);
}

static void snpu_model_parse_accepts_unaligned_buffer(void **state)
{
	size_t size;
	u8 *b = snpu_model_default(&size);
	u8 *u = malloc(size + 1);

	assert_non_null(u);
	memcpy(u + 1, b, size);
	assert_int_equal(snpu_model_parse(u + 1, size, NULL, &view), 0);
	assert_int_equal(view.layers[7].nonzero, 6);
	free(u);
	free(b);
}

static void snpu_model_strerror_covers_every_code(void **state)
{
	int e;

	for (e = 0; e < SNPU_MODEL_E_COUNT; e++) {
		assert_non_null(snpu_model_strerror(-e));
		assert_string_not_equal(snpu_model_strerror(-e),
					"unknown error");
	}
	assert_string_equal(snpu_model_strerror(1), "unknown error");
	assert_string_equal(snpu_model_strerror(-SNPU_MODEL_E_COUNT),
			    "unknown error");
}

/* ---- platforms ---------------------------------------------------- */

static u8 *fw_image;

static void load_platform(const char *name, struct snpu_platform *plat)
{
	const char *dir = getenv("SNPU_FW_DIR");
	struct snpu_fw_info info;
	char path[512];
	size_t size;
	FILE *f;

	if (!dir)
		dir = "build/firmware/snpu";
	if (!fw_image)
		fw_image = malloc(SNPU_FW_MAX_IMAGE_SIZE + 1);
	assert_non_null(fw_image);
	snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: cannot open (build it with make firmware)", path);
	size = fread(fw_image, 1, SNPU_FW_MAX_IMAGE_SIZE + 1, f);
	fclose(f);
	assert_int_equal(snpu_fw_parse(fw_image, size, &info), 0);
	*plat = info.platform;
}

static int parse_on(u32 op, u32 enc, u32 variant,
		    const struct snpu_platform *plat)
{
	size_t size;
	u8 *b = snpu_model_one(op, enc, variant, &size);
	int ret = snpu_model_parse(b, size, plat, &view);

	free(b);
	return ret;
}

static void snpu_model_parse_edge_tiny_lacks_csr_block_and_1_4(void **state)
{
	struct snpu_platform p;
	size_t size;
	u8 *b;

	load_platform("edge-tiny", &p);
	assert_int_equal(parse_on(SNPU_OP_FC, SNPU_ENC_DENSE, 0, &p), 0);
	assert_int_equal(parse_on(SNPU_OP_CONV2D, SNPU_ENC_NM, SNPU_NM_2_4,
				  &p), 0);
	assert_int_equal(parse_on(SNPU_OP_FC, SNPU_ENC_CSR, 0, &p),
			 -SNPU_MODEL_E_UNSUPPORTED_ENCODING);
	assert_int_equal(parse_on(SNPU_OP_CONV2D, SNPU_ENC_BLOCK,
				  SNPU_BLOCK_4X4, &p),
			 -SNPU_MODEL_E_UNSUPPORTED_ENCODING);
	assert_int_equal(parse_on(SNPU_OP_FC, SNPU_ENC_NM, SNPU_NM_1_4, &p),
			 -SNPU_MODEL_E_UNSUPPORTED_ENCODING);
	assert_int_equal(parse_on(SNPU_OP_FC, SNPU_ENC_NM, SNPU_NM_2_8, &p),
			 -SNPU_MODEL_E_UNSUPPORTED_ENCODING);
	b = snpu_model_default(&size);
	assert_int_equal(snpu_model_parse(b, size, &p, &view),
			 -SNPU_MODEL_E_UNSUPPORTED_ENCODING);
	/* Malformed stays malformed: format errors come first. */
	b[size - 1] ^= 1;
	assert_int_equal(snpu_model_parse(b, size, &p, &view),
			 -SNPU_MODEL_E_CRC);
	free(b);
}

static void snpu_model_parse_edge_mid_and_max_accept_everything(void **state)
{
	static const char *const names[] = { "edge-mid", "edge-max" };
	static const u32 encs[][2] = {
		{ SNPU_ENC_DENSE, 0 }, { SNPU_ENC_CSR, 0 },
		{ SNPU_ENC_NM, SNPU_NM_2_4 }, { SNPU_ENC_NM, SNPU_NM_1_4 },
		{ SNPU_ENC_NM, SNPU_NM_2_8 },
		{ SNPU_ENC_BLOCK, SNPU_BLOCK_1X4 },
		{ SNPU_ENC_BLOCK, SNPU_BLOCK_4X4 },
		{ SNPU_ENC_BLOCK, SNPU_BLOCK_1X16 },
	};
	struct snpu_platform p;
	size_t i, e, size;
	u8 *b;

	for (i = 0; i < 2; i++) {
		load_platform(names[i], &p);
		for (e = 0; e < 8; e++) {
			assert_int_equal(parse_on(SNPU_OP_FC, encs[e][0],
						  encs[e][1], &p), 0);
			assert_int_equal(parse_on(SNPU_OP_CONV2D, encs[e][0],
						  encs[e][1], &p), 0);
		}
		b = snpu_model_default(&size);
		assert_int_equal(snpu_model_parse(b, size, &p, &view), 0);
		free(b);
	}
}

static void snpu_model_parse_rejects_op_the_platform_lacks(void **state)
{
	struct snpu_platform p;
	size_t size;
	u8 *b = snpu_model_default(&size);

	load_platform("edge-max", &p);
	p.ops &= ~(1u << SNPU_OP_AVGPOOL);
	assert_int_equal(snpu_model_parse(b, size, &p, &view),
			 -SNPU_MODEL_E_UNSUPPORTED_OP);
	load_platform("edge-max", &p);
	p.ops &= ~(1u << SNPU_OP_RESHAPE);
	assert_int_equal(snpu_model_parse(b, size, &p, &view),
			 -SNPU_MODEL_E_UNSUPPORTED_OP);
	load_platform("edge-max", &p);
	p.block_shapes &= ~(1u << SNPU_BLOCK_4X4);
	assert_int_equal(snpu_model_parse(b, size, &p, &view),
			 -SNPU_MODEL_E_UNSUPPORTED_ENCODING);
	free(b);
}

static void snpu_model_parse_rejects_model_over_platform_memory(void **state)
{
	struct snpu_platform p;
	size_t size;
	u8 *b = snpu_model_default(&size);

	load_platform("edge-tiny", &p);
	p.encodings = (1u << SNPU_ENC_COUNT) - 1;
	p.block_shapes = (1u << SNPU_BLOCK_COUNT) - 1;
	p.dram_bytes = size;
	assert_int_equal(snpu_model_parse(b, size, &p, &view), 0);
	p.dram_bytes = size - 1;
	assert_int_equal(snpu_model_parse(b, size, &p, &view),
			 -SNPU_MODEL_E_UNSUPPORTED_SIZE);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_model_parse_accepts_default_model),
		cmocka_unit_test(snpu_model_parse_accepts_every_encoding),
		cmocka_unit_test(snpu_model_parse_rejects_too_small),
		cmocka_unit_test(snpu_model_parse_rejects_too_large),
		cmocka_unit_test(snpu_model_parse_accepts_max_size),
		cmocka_unit_test(snpu_model_parse_rejects_k_over_max),
		cmocka_unit_test(snpu_model_parse_rejects_nm_padding_value),
		cmocka_unit_test(snpu_model_parse_rejects_block_k_over_16_bits),
		cmocka_unit_test(snpu_model_parse_truncated_at_every_length),
		cmocka_unit_test(snpu_model_parse_accepts_unaligned_buffer),
		cmocka_unit_test(snpu_model_strerror_covers_every_code),
		cmocka_unit_test(snpu_model_parse_edge_tiny_lacks_csr_block_and_1_4),
		cmocka_unit_test(snpu_model_parse_edge_mid_and_max_accept_everything),
		cmocka_unit_test(snpu_model_parse_rejects_op_the_platform_lacks),
		cmocka_unit_test(snpu_model_parse_rejects_model_over_platform_memory),
	};
	int fails;

	fails = cmocka_run_group_tests_name("snpu_model_parse", tests, NULL,
					    NULL);
	fails += cmocka_run_group_tests_name("snpu_model_parse_patches",
					     snpu_model_patch_cases, NULL,
					     NULL);
	free(fw_image);
	return fails ? 1 : 0;
}
