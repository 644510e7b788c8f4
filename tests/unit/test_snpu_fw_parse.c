// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests for snpu_fw_parse(): the valid forms an image may take, and
 * one test per way an image can be malformed, each asserting the exact
 * error. Most malformed images are the default image with one field
 * patched (and the CRC fixed up, so that the patched field is what the
 * parser trips on); they are listed in snpu_fw_patch_cases below.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fw_builder.h"

#define BUF_SIZE	4096

static u8 buf[BUF_SIZE];

static int parse(const u8 *image, size_t size)
{
	struct snpu_fw_info info;

	return snpu_fw_parse(image, size, &info);
}

/* One field of the default image set to a value, and the expected error. */
struct patch_case {
	u32 offset;
	u32 width;
	u64 value;
	int expect;
	bool keep_crc;
};

static void put(u8 *p, u32 width, u64 v)
{
	switch (width) {
	case 1:
		*p = (u8)v;
		break;
	case 2:
		fwb_put_le16(p, (u16)v);
		break;
	case 4:
		fwb_put_le32(p, (u32)v);
		break;
	default:
		fwb_put_le64(p, v);
		break;
	}
}

static void snpu_fw_parse_patch_case(void **state)
{
	const struct patch_case *c = *state;
	size_t size = fwb_default_image(buf, sizeof(buf));

	assert_int_equal(parse(buf, size), 0);
	put(buf + c->offset, c->width, c->value);
	if (!c->keep_crc)
		fwb_fix_crc(buf, size);
	assert_int_equal(parse(buf, size), c->expect);
}

#define PATCH(tname, off, w, val, err) \
	{ .name = "snpu_fw_parse_" #tname, \
	  .test_func = snpu_fw_parse_patch_case, \
	  .initial_state = &(struct patch_case){ (off), (w), (val), \
						 -SNPU_FW_E_##err, false } }

#define PATCH_OK(tname, off, w, val) \
	{ .name = "snpu_fw_parse_" #tname, \
	  .test_func = snpu_fw_parse_patch_case, \
	  .initial_state = &(struct patch_case){ (off), (w), (val), 0, false } }

static const struct CMUnitTest snpu_fw_patch_cases[] = {
	/* header */
	PATCH(rejects_bad_magic, FWB_HDR(magic), 4, 0x464e5357, MAGIC),
	PATCH(rejects_zero_magic, FWB_HDR(magic), 4, 0, MAGIC),
	PATCH(rejects_format_major_2, FWB_HDR(format_major), 2, 2,
	      FORMAT_MAJOR),
	PATCH(rejects_format_major_0, FWB_HDR(format_major), 2, 0,
	      FORMAT_MAJOR),
	PATCH_OK(accepts_any_format_minor, FWB_HDR(format_minor), 2, 0xffff),
	PATCH(rejects_image_size_larger_than_buffer, FWB_HDR(image_size), 4,
	      FWB_DEFAULT_SIZE + 8, SIZE_MISMATCH),
	PATCH(rejects_image_size_smaller_than_buffer, FWB_HDR(image_size), 4,
	      FWB_DEFAULT_SIZE - 8, SIZE_MISMATCH),
	{ .name = "snpu_fw_parse_rejects_wrong_crc_field",
	  .test_func = snpu_fw_parse_patch_case,
	  .initial_state = &(struct patch_case){ FWB_HDR(crc32), 4,
						 0xdeadbeef,
						 -SNPU_FW_E_CRC, true } },
	{ .name = "snpu_fw_parse_rejects_corrupt_payload_byte",
	  .test_func = snpu_fw_parse_patch_case,
	  .initial_state = &(struct patch_case){ FWB_COST(3, setup_cycles),
						 1, 0x77,
						 -SNPU_FW_E_CRC, true } },
	PATCH(rejects_header_size_below_48, FWB_HDR(header_size), 4, 40,
	      HEADER_SIZE),
	PATCH(rejects_header_size_zero, FWB_HDR(header_size), 4, 0,
	      HEADER_SIZE),
	PATCH(rejects_header_size_past_end, FWB_HDR(header_size), 4,
	      FWB_DEFAULT_SIZE + 8, HEADER_SIZE),
	PATCH(rejects_nonzero_header_flags, FWB_HDR(flags), 4, 1,
	      HEADER_RESERVED),
	PATCH(rejects_nonzero_header_reserved0, FWB_HDR(reserved), 4,
	      0x100, HEADER_RESERVED),
	PATCH(rejects_nonzero_header_reserved2, FWB_HDR(reserved) + 8, 4,
	      0x80000000, HEADER_RESERVED),
	PATCH(rejects_zero_sections, FWB_HDR(section_count), 4, 0,
	      SECTION_COUNT),
	PATCH(rejects_17_sections, FWB_HDR(section_count), 4, 17,
	      SECTION_COUNT),
	PATCH(rejects_huge_section_count, FWB_HDR(section_count), 4,
	      0xffffffff, SECTION_COUNT),
	PATCH(rejects_misaligned_section_table, FWB_HDR(section_offset), 4,
	      52, SECTION_TABLE),
	PATCH(rejects_section_table_inside_header, FWB_HDR(section_offset),
	      4, 40, SECTION_TABLE),
	PATCH(rejects_section_table_before_header_size,
	      FWB_HDR(header_size), 4, 56, SECTION_TABLE),
	PATCH(rejects_section_table_past_end, FWB_HDR(section_offset), 4,
	      FWB_DEFAULT_SIZE - 16, SECTION_TABLE),
	PATCH(rejects_section_table_far_past_end, FWB_HDR(section_offset), 4,
	      0xfffffff8, SECTION_TABLE),

	/* section table entries */
	PATCH(rejects_unknown_section_flag, FWB_SEC(0, flags), 4, 2,
	      SECTION_FLAGS),
	PATCH(rejects_high_section_flag, FWB_SEC(1, flags), 4, 0x80000000,
	      SECTION_FLAGS),
	PATCH_OK(accepts_optional_flag_on_known_section, FWB_SEC(1, flags),
		 4, SNPU_FW_SECTION_OPTIONAL),
	PATCH(rejects_misaligned_payload, FWB_SEC(0, offset), 4,
	      FWB_PROFILE_OFF + 4, SECTION_BOUNDS),
	PATCH(rejects_payload_past_end, FWB_SEC(1, size), 4,
	      16 * FWB_NCOSTS + 16, SECTION_BOUNDS),
	PATCH(rejects_payload_offset_past_end, FWB_SEC(1, offset), 4,
	      FWB_DEFAULT_SIZE + 8, SECTION_BOUNDS),
	PATCH(rejects_payload_size_wrapping, FWB_SEC(1, size), 4,
	      0xffffffff, SECTION_BOUNDS),
	PATCH(rejects_payload_offset_wrapping, FWB_SEC(1, offset), 4,
	      0xfffffff8, SECTION_BOUNDS),
	PATCH(rejects_payload_overlapping_header, FWB_SEC(0, offset), 4, 40,
	      SECTION_OVERLAP),
	PATCH(rejects_payload_overlapping_table, FWB_SEC(0, offset), 4, 64,
	      SECTION_OVERLAP),
	PATCH(rejects_payloads_overlapping_each_other, FWB_SEC(1, offset), 4,
	      FWB_COST_OFF - 8, SECTION_OVERLAP),
	PATCH(rejects_unknown_required_section, FWB_SEC(1, type), 4, 7,
	      SECTION_UNKNOWN),
	PATCH(rejects_section_type_zero, FWB_SEC(0, type), 4, 0,
	      SECTION_UNKNOWN),
	PATCH(rejects_duplicate_profile_section, FWB_SEC(1, type), 4,
	      SNPU_FW_SECTION_PROFILE, SECTION_DUPLICATE),
	PATCH(rejects_duplicate_cost_section, FWB_SEC(0, type), 4,
	      SNPU_FW_SECTION_COST_TABLE, SECTION_DUPLICATE),
	{ .name = "snpu_fw_parse_rejects_missing_profile",
	  .test_func = snpu_fw_parse_patch_case,
	  .initial_state = &(struct patch_case){ FWB_SEC(0, type), 8,
						 7ull | (u64)1 << 32,
						 -SNPU_FW_E_NO_PROFILE,
						 false } },
	{ .name = "snpu_fw_parse_rejects_missing_cost_table",
	  .test_func = snpu_fw_parse_patch_case,
	  .initial_state = &(struct patch_case){ FWB_SEC(1, type), 8,
						 7ull | (u64)1 << 32,
						 -SNPU_FW_E_NO_COST_TABLE,
						 false } },

	/* profile */
	PATCH(rejects_profile_of_95_bytes, FWB_SEC(0, size), 4, 95,
	      PROFILE_SIZE),
	PATCH(rejects_empty_profile, FWB_SEC(0, size), 4, 0, PROFILE_SIZE),
	PATCH(rejects_empty_name, FWB_PROF(name), 1, 0, PROFILE_NAME),
	PATCH(rejects_uppercase_in_name, FWB_PROF(name), 1, 'T',
	      PROFILE_NAME),
	PATCH(rejects_space_in_name, FWB_PROF(name) + 4, 1, ' ',
	      PROFILE_NAME),
	PATCH(rejects_dot_in_name, FWB_PROF(name) + 4, 1, '.', PROFILE_NAME),
	PATCH(rejects_high_byte_in_name, FWB_PROF(name) + 1, 1, 0xc3,
	      PROFILE_NAME),
	PATCH(rejects_garbage_after_name_nul, FWB_PROF(name) + 31, 1, 'x',
	      PROFILE_NAME),
	PATCH(rejects_zero_platform_id, FWB_PROF(platform_id), 4, 0, PROFILE_VALUE),
	PATCH(rejects_zero_mac_units, FWB_PROF(mac_units), 4, 0, PROFILE_VALUE),
	PATCH(rejects_zero_clock, FWB_PROF(clock_khz), 4, 0, PROFILE_VALUE),
	PATCH(rejects_zero_sram, FWB_PROF(sram_bytes), 4, 0, PROFILE_VALUE),
	PATCH(rejects_zero_dram, FWB_PROF(dram_bytes), 8, 0, PROFILE_VALUE),
	PATCH_OK(accepts_dram_above_4g, FWB_PROF(dram_bytes), 8,
		 0x123456789abull),
	PATCH(rejects_zero_dram_bandwidth, FWB_PROF(dram_bytes_per_cycle), 4, 0,
	      PROFILE_VALUE),
	PATCH(rejects_ops_without_fc, FWB_PROF(ops), 4, 0x3e, PROFILE_VALUE),
	PATCH(rejects_unknown_op_bit, FWB_PROF(ops), 4, 0x7f, PROFILE_VALUE),
	PATCH(rejects_encodings_without_dense, FWB_PROF(encodings), 4, 0xe,
	      PROFILE_VALUE),
	PATCH(rejects_unknown_encoding_bit, FWB_PROF(encodings), 4, 0x1f,
	      PROFILE_VALUE),
	PATCH(rejects_nm_without_patterns, FWB_PROF(nm_patterns), 4, 0,
	      PROFILE_VALUE),
	PATCH(rejects_unknown_nm_pattern_bit, FWB_PROF(nm_patterns), 4, 0xf,
	      PROFILE_VALUE),
	PATCH(rejects_nm_patterns_without_nm, FWB_PROF(encodings), 4, 0xb,
	      PROFILE_VALUE),
	PATCH(rejects_block_without_shapes, FWB_PROF(block_shapes), 4, 0,
	      PROFILE_VALUE),
	PATCH(rejects_unknown_block_shape_bit, FWB_PROF(block_shapes), 4, 0x9,
	      PROFILE_VALUE),
	PATCH(rejects_block_shapes_without_block, FWB_PROF(encodings), 4, 0x7,
	      PROFILE_VALUE),
	PATCH(rejects_unknown_feature_bit, FWB_PROF(features), 4, 0x3,
	      PROFILE_VALUE),
	PATCH(rejects_zero_max_batch, FWB_PROF(max_batch), 4, 0, PROFILE_VALUE),
	PATCH(rejects_nonzero_profile_reserved0, FWB_PROF(reserved), 4, 1,
	      PROFILE_RESERVED),
	PATCH(rejects_nonzero_profile_reserved2, FWB_PROF(reserved) + 8, 4,
	      0x01000000, PROFILE_RESERVED),

	/* cost table; entries are fc x4, conv2d x4, then dense for the rest */
	PATCH(rejects_empty_cost_table, FWB_SEC(1, size), 4, 0, COST_SIZE),
	PATCH(rejects_cost_table_of_24_bytes, FWB_SEC(1, size), 4, 24,
	      COST_SIZE),
	PATCH(rejects_cost_table_not_multiple_of_16, FWB_SEC(1, size), 4,
	      16 * FWB_NCOSTS - 1, COST_SIZE),
	PATCH(rejects_cost_op_out_of_range, FWB_COST(11, op), 2,
	      SNPU_OP_COUNT, COST_ENTRY),
	PATCH(rejects_cost_encoding_out_of_range, FWB_COST(3, encoding), 2,
	      SNPU_ENC_COUNT, COST_ENTRY),
	PATCH(rejects_cost_for_unsupported_op, FWB_PROF(ops), 4, 0x1f, COST_ENTRY),
	PATCH(rejects_cost_for_unsupported_encoding, FWB_PROF(encodings), 4, 0xd,
	      COST_ENTRY),
	PATCH(rejects_sparse_cost_for_op_without_weights,
	      FWB_COST(8, encoding), 2, SNPU_ENC_CSR, COST_ENTRY),
	PATCH(rejects_zero_mac_eff, FWB_COST(0, mac_eff_q8), 4, 0,
	      COST_ENTRY),
	PATCH(rejects_mac_eff_above_256, FWB_COST(5, mac_eff_q8), 4, 257,
	      COST_ENTRY),
	PATCH_OK(accepts_mac_eff_256, FWB_COST(5, mac_eff_q8), 4, 256),
	PATCH_OK(accepts_mac_eff_1, FWB_COST(5, mac_eff_q8), 4, 1),
	PATCH(rejects_duplicate_cost_entry, FWB_COST(1, encoding), 2,
	      SNPU_ENC_DENSE, COST_DUPLICATE),
	PATCH(rejects_missing_cost_entry, FWB_SEC(1, size), 4,
	      16 * FWB_NCOSTS - 16, COST_MISSING),
};

static void snpu_fw_parse_accepts_valid(void **state)
{
	size_t size = fwb_default_image(buf, sizeof(buf));

	assert_int_equal(parse(buf, size), 0);
}

static void snpu_fw_parse_fields_extracted_correctly(void **state)
{
	struct snpu_platform want;
	struct snpu_fw_info info;
	size_t size = fwb_default_image(buf, sizeof(buf));
	unsigned int op, enc;

	fwb_default_platform(&want);
	assert_int_equal(snpu_fw_parse(buf, size, &info), 0);
	assert_int_equal(info.format_major, SNPU_FW_FORMAT_MAJOR);
	assert_int_equal(info.format_minor, 0);
	assert_int_equal(info.fw_version, SNPU_FW_VERSION(1, 2, 3));
	assert_int_equal(info.image_size, size);
	assert_int_equal(info.crc32,
			 snpu_get_le32(buf + FWB_HDR(crc32)));
	assert_string_equal(info.platform.name, FWB_NAME);
	assert_int_equal(info.platform.platform_id, want.platform_id);
	assert_int_equal(info.platform.mac_units, want.mac_units);
	assert_int_equal(info.platform.clock_khz, want.clock_khz);
	assert_int_equal(info.platform.sram_bytes, want.sram_bytes);
	assert_true(info.platform.dram_bytes == want.dram_bytes);
	assert_int_equal(info.platform.dram_bytes_per_cycle,
			 want.dram_bytes_per_cycle);
	assert_int_equal(info.platform.ops, want.ops);
	assert_int_equal(info.platform.encodings, want.encodings);
	assert_int_equal(info.platform.nm_patterns, want.nm_patterns);
	assert_int_equal(info.platform.block_shapes, want.block_shapes);
	assert_int_equal(info.platform.features, want.features);
	assert_int_equal(info.platform.max_batch, want.max_batch);
	for (op = 0; op < SNPU_OP_COUNT; op++) {
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++) {
			const struct snpu_cost *g = &info.platform.cost[op][enc];
			const struct snpu_cost *w = &want.cost[op][enc];

			assert_int_equal(g->present, w->present);
			if (!w->present)
				continue;
			assert_int_equal(g->setup_cycles, w->setup_cycles);
			assert_int_equal(g->row_cycles, w->row_cycles);
			assert_int_equal(g->mac_eff_q8, w->mac_eff_q8);
		}
	}
}

/* A newer minor: larger header and profile with unknown tails. */
static void snpu_fw_parse_accepts_newer_minor_with_larger_profile(void **state)
{
	struct snpu_platform plat;
	struct snpu_fw_info info;
	u8 profile[160];
	u8 costs[16 * FWB_NCOSTS];
	struct fwb_layout l = {
		.format_minor = 9,
		.header_size = 72,
		.fw_version = SNPU_FW_VERSION(2, 0, 1),
		.nsections = 2,
	};
	size_t size;

	fwb_default_platform(&plat);
	memset(profile, 0x5a, sizeof(profile));
	fwb_encode_profile(profile, &plat);
	l.sec[0] = (struct fwb_section){ SNPU_FW_SECTION_PROFILE, 0,
					 profile, sizeof(profile) };
	l.sec[1] = (struct fwb_section){ SNPU_FW_SECTION_COST_TABLE, 0, costs,
					 (u32)fwb_encode_costs(costs, &plat) };
	size = fwb_build(buf, sizeof(buf), &l);

	assert_int_equal(snpu_fw_parse(buf, size, &info), 0);
	assert_int_equal(info.format_minor, 9);
	assert_int_equal(info.fw_version, SNPU_FW_VERSION(2, 0, 1));
	assert_string_equal(info.platform.name, FWB_NAME);
	assert_int_equal(info.platform.max_batch, plat.max_batch);
}

static void snpu_fw_parse_skips_optional_unknown_section(void **state)
{
	struct snpu_platform plat;
	struct snpu_fw_info info;
	u8 profile[sizeof(struct snpu_fw_profile)];
	u8 costs[16 * FWB_NCOSTS];
	static const u8 blob[13] = "future stuff";
	struct fwb_layout l = {
		.header_size = 48,
		.nsections = 4,
	};
	size_t size;

	fwb_default_platform(&plat);
	fwb_encode_profile(profile, &plat);
	l.sec[0] = (struct fwb_section){ 0x1000, SNPU_FW_SECTION_OPTIONAL,
					 blob, sizeof(blob) };
	l.sec[1] = (struct fwb_section){ SNPU_FW_SECTION_COST_TABLE, 0, costs,
					 (u32)fwb_encode_costs(costs, &plat) };
	/* Two unknown optional sections of the same type are fine too. */
	l.sec[2] = (struct fwb_section){ 0x1000, SNPU_FW_SECTION_OPTIONAL,
					 blob, 0 };
	l.sec[3] = (struct fwb_section){ SNPU_FW_SECTION_PROFILE, 0,
					 profile, sizeof(profile) };
	size = fwb_build(buf, sizeof(buf), &l);

	assert_int_equal(snpu_fw_parse(buf, size, &info), 0);
	assert_string_equal(info.platform.name, FWB_NAME);

	/* The same section without the flag is an error. */
	fwb_put_le32(buf + 48 + offsetof(struct snpu_fw_section, flags), 0);
	fwb_fix_crc(buf, size);
	assert_int_equal(parse(buf, size), -SNPU_FW_E_SECTION_UNKNOWN);
}

/* The smallest platform: fc, dense, one cost entry; 16 sections max. */
static void snpu_fw_parse_accepts_minimal_platform_and_16_sections(void **state)
{
	struct snpu_platform plat;
	struct snpu_fw_info info;
	u8 profile[sizeof(struct snpu_fw_profile)];
	u8 costs[16 * FWB_NCOSTS];
	struct fwb_layout l = { .header_size = 48, .nsections = 16 };
	unsigned int i;
	size_t size;

	fwb_default_platform(&plat);
	memset(plat.cost, 0, sizeof(plat.cost));
	memset(plat.name, 0, sizeof(plat.name));
	memset(plat.name, 'z', SNPU_FW_NAME_LEN - 1);
	plat.ops = 1u << SNPU_OP_FC;
	plat.encodings = 1u << SNPU_ENC_DENSE;
	plat.nm_patterns = 0;
	plat.block_shapes = 0;
	plat.features = 0;
	plat.cost[SNPU_OP_FC][SNPU_ENC_DENSE] =
		(struct snpu_cost){ true, 0, 0, 1 };
	fwb_encode_profile(profile, &plat);
	for (i = 0; i < 14; i++)
		l.sec[i] = (struct fwb_section){ 100 + i,
						 SNPU_FW_SECTION_OPTIONAL,
						 costs, 8 };
	l.sec[14] = (struct fwb_section){ SNPU_FW_SECTION_PROFILE, 0,
					  profile, sizeof(profile) };
	l.sec[15] = (struct fwb_section){ SNPU_FW_SECTION_COST_TABLE, 0,
					  costs,
					  (u32)fwb_encode_costs(costs, &plat) };
	size = fwb_build(buf, sizeof(buf), &l);

	assert_int_equal(snpu_fw_parse(buf, size, &info), 0);
	assert_int_equal(strlen(info.platform.name), SNPU_FW_NAME_LEN - 1);
	assert_true(info.platform.cost[SNPU_OP_FC][SNPU_ENC_DENSE].present);
	assert_false(info.platform.cost[SNPU_OP_FC][SNPU_ENC_CSR].present);
}

static void snpu_fw_parse_rejects_name_without_nul(void **state)
{
	size_t size = fwb_default_image(buf, sizeof(buf));

	memset(buf + FWB_PROF(name), 'a', SNPU_FW_NAME_LEN);
	fwb_fix_crc(buf, size);
	assert_int_equal(parse(buf, size), -SNPU_FW_E_PROFILE_NAME);
}

static void snpu_fw_parse_rejects_too_small(void **state)
{
	size_t size = fwb_default_image(buf, sizeof(buf));

	(void)size;
	assert_int_equal(parse(buf, 0), -SNPU_FW_E_TOO_SMALL);
	assert_int_equal(parse(buf, sizeof(struct snpu_fw_header) - 1),
			 -SNPU_FW_E_TOO_SMALL);
}

static void snpu_fw_parse_rejects_too_large(void **state)
{
	size_t size = SNPU_FW_MAX_IMAGE_SIZE + 1;
	u8 *big = calloc(1, size);

	assert_non_null(big);
	fwb_default_image(big, FWB_DEFAULT_SIZE);
	fwb_put_le32(big + FWB_HDR(image_size), (u32)size);
	fwb_fix_crc(big, size);
	assert_int_equal(parse(big, size), -SNPU_FW_E_TOO_LARGE);
	/* One byte less is only judged by the rest of the rules. */
	fwb_put_le32(big + FWB_HDR(image_size), (u32)size - 1);
	fwb_fix_crc(big, size - 1);
	assert_int_equal(parse(big, size - 1), 0);
	free(big);
}

/* Every proper prefix of a valid image is rejected, none read past. */
static void snpu_fw_parse_rejects_every_truncation(void **state)
{
	size_t size = fwb_default_image(buf, sizeof(buf));
	size_t n;
	u8 *copy;

	for (n = 0; n < size; n++) {
		copy = malloc(n ? n : 1);
		assert_non_null(copy);
		memcpy(copy, buf, n);
		assert_int_not_equal(parse(copy, n), 0);
		free(copy);
	}
}

/* The parser takes any alignment: parse at every offset 0..7. */
static void snpu_fw_parse_accepts_unaligned_buffer(void **state)
{
	static u8 tmp[FWB_DEFAULT_SIZE + 8];
	size_t size = fwb_default_image(buf, sizeof(buf));
	unsigned int shift;

	for (shift = 0; shift < 8; shift++) {
		memcpy(tmp + shift, buf, size);
		assert_int_equal(parse(tmp + shift, size), 0);
	}
}

static void snpu_fw_strerror_covers_every_error(void **state)
{
	int e, f;

	for (e = 0; e < SNPU_FW_E_COUNT; e++) {
		const char *s = snpu_fw_strerror(-e);

		assert_non_null(s);
		assert_string_not_equal(s, "unknown error");
		for (f = 0; f < e; f++)
			assert_string_not_equal(s, snpu_fw_strerror(-f));
	}
	assert_string_equal(snpu_fw_strerror(-SNPU_FW_E_CRC),
			    "CRC-32 mismatch: image is corrupt");
	assert_string_equal(snpu_fw_strerror(-SNPU_FW_E_MAGIC),
			    "bad magic: not a snpu firmware image");
	assert_string_equal(snpu_fw_strerror(1), "unknown error");
	assert_string_equal(snpu_fw_strerror(-SNPU_FW_E_COUNT),
			    "unknown error");
	assert_string_equal(snpu_fw_strerror(-1000), "unknown error");
}

/* The images built from firmware_gen/profiles/ (make passes the folder). */
static void snpu_fw_parse_accepts_shipped_images(void **state)
{
	static const char * const names[] = {
		"edge-tiny", "edge-mid", "edge-max"
	};
	const char *dir = getenv("SNPU_FW_DIR");
	struct snpu_fw_info info;
	unsigned int i;
	char path[512];
	u8 *image;
	size_t size;
	FILE *f;

	if (!dir)
		dir = "build/firmware/snpu";
	image = malloc(SNPU_FW_MAX_IMAGE_SIZE + 1);
	assert_non_null(image);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s.bin", dir, names[i]);
		f = fopen(path, "rb");
		if (!f)
			fail_msg("%s: cannot open (run 'make firmware')", path);
		size = fread(image, 1, SNPU_FW_MAX_IMAGE_SIZE + 1, f);
		fclose(f);
		assert_int_equal(snpu_fw_parse(image, size, &info), 0);
		assert_string_equal(info.platform.name, names[i]);
		assert_int_equal(info.platform.platform_id, i + 1);
		assert_true(info.platform.cost[SNPU_OP_FC][SNPU_ENC_DENSE].present);
	}
	free(image);
}

/* Each error code must be produced by at least one test above. */
static void snpu_fw_parse_tests_cover_every_error(void **state)
{
	bool hit[SNPU_FW_E_COUNT] = { false };
	unsigned int i;
	int e;

	for (i = 0; i < ARRAY_SIZE(snpu_fw_patch_cases); i++) {
		const struct patch_case *c =
			snpu_fw_patch_cases[i].initial_state;

		hit[-c->expect] = true;
	}
	/* Covered by the dedicated tests. */
	hit[SNPU_FW_E_TOO_SMALL] = true;
	hit[SNPU_FW_E_TOO_LARGE] = true;
	for (e = 1; e < SNPU_FW_E_COUNT; e++)
		if (!hit[e])
			fail_msg("no test for error %d (%s)", e,
				 snpu_fw_strerror(-e));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_fw_parse_accepts_valid),
		cmocka_unit_test(snpu_fw_parse_fields_extracted_correctly),
		cmocka_unit_test(snpu_fw_parse_accepts_newer_minor_with_larger_profile),
		cmocka_unit_test(snpu_fw_parse_skips_optional_unknown_section),
		cmocka_unit_test(snpu_fw_parse_accepts_minimal_platform_and_16_sections),
		cmocka_unit_test(snpu_fw_parse_accepts_unaligned_buffer),
		cmocka_unit_test(snpu_fw_parse_accepts_shipped_images),
		cmocka_unit_test(snpu_fw_parse_rejects_too_small),
		cmocka_unit_test(snpu_fw_parse_rejects_too_large),
		cmocka_unit_test(snpu_fw_parse_rejects_name_without_nul),
		cmocka_unit_test(snpu_fw_parse_rejects_every_truncation),
		cmocka_unit_test(snpu_fw_strerror_covers_every_error),
		cmocka_unit_test(snpu_fw_parse_tests_cover_every_error),
	};
	int failed;

	failed = cmocka_run_group_tests_name("snpu_fw_parse", tests, NULL,
					     NULL);
	failed += cmocka_run_group_tests_name("snpu_fw_parse_malformed",
					      snpu_fw_patch_cases, NULL, NULL);
	return failed ? 1 : 0;
}
