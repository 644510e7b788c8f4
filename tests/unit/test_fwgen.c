// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests for snpu-fwgen's core (firmware_gen/fwgen_profile.c): the
 * text profile parser, line by line, and the image writer.
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

#include "fwgen_profile.h"

/* A minimal valid profile, in parts that tests recombine. */
#define P_ID	"name = t\nplatform_id = 1\nfw_version = 1.0.0\n"	/* 1-3 */
#define P_RES	"mac_units = 8\nclock_khz = 1000\nsram_bytes = 64K\n" \
		"dram_bytes = 1M\ndram_bytes_per_cycle = 1\nmax_batch = 1\n"
#define P_CAP	"ops = fc\nencodings = dense\n"
#define P_COST	"cost fc dense setup=1 row=2 eff=3\n"
/* 12 lines. */
#define BASE	P_ID P_RES P_CAP P_COST
/* 6 lines: resources missing, so a bad resource line on 7 fails first. */
#define NORES	P_ID P_CAP P_COST

static int parse_str(const char *text, struct fwgen_profile *prof,
		     struct fwgen_error *err)
{
	return fwgen_profile_parse(text, strlen(text), prof, err);
}

struct bad_case {
	const char *text;
	unsigned int line;
	const char *msg;
};

static void fwgen_profile_parse_bad_case(void **state)
{
	const struct bad_case *c = *state;
	struct fwgen_profile prof;
	struct fwgen_error err;

	assert_int_equal(parse_str(c->text, &prof, &err), -1);
	if (!strstr(err.msg, c->msg) || err.line != c->line)
		fail_msg("got line %u '%s', want line %u '%s'", err.line,
			 err.msg, c->line, c->msg);
}

#define BAD(tname, txt, ln, m) \
	{ .name = "fwgen_profile_parse_" #tname, \
	  .test_func = fwgen_profile_parse_bad_case, \
	  .initial_state = &(struct bad_case){ (txt), (ln), (m) } }

static const struct CMUnitTest fwgen_bad_cases[] = {
	BAD(rejects_unknown_key, BASE "colour = red\n", 13,
	    "unknown key 'colour'"),
	BAD(rejects_duplicate_key, BASE "mac_units = 9\n", 13,
	    "mac_units given twice (first on line 4)"),
	BAD(rejects_line_without_equals, NORES "mac_units 8\n", 7,
	    "expected 'key = value'"),
	BAD(rejects_empty_key, NORES "= 8\n", 7, "unknown key ''"),
	BAD(rejects_missing_value, NORES "mac_units =\n", 7,
	    "mac_units: missing value"),
	BAD(rejects_trailing_garbage_in_number, NORES "mac_units = 8x\n", 7,
	    "mac_units: bad number '8x'"),
	BAD(rejects_negative_number, NORES "mac_units = -1\n", 7,
	    "bad number '-1'"),
	BAD(rejects_zero_value, NORES "mac_units = 0\n", 7,
	    "mac_units: 0 out of range"),
	BAD(rejects_u32_overflow, NORES "mac_units = 4294967296\n", 7,
	    "out of range 1..4294967295"),
	BAD(rejects_sram_of_4g, NORES "sram_bytes = 4G\n", 7,
	    "sram_bytes: 4G out of range"),
	BAD(rejects_unknown_suffix, NORES "sram_bytes = 4Q\n", 7,
	    "sram_bytes: bad number '4Q'"),
	BAD(rejects_suffix_on_plain_number, NORES "clock_khz = 1K\n", 7,
	    "clock_khz: bad number '1K'"),
	BAD(rejects_u64_overflow, NORES
	    "dram_bytes = 99999999999999999999\n", 7, "bad number"),
	BAD(rejects_suffix_overflow, NORES "dram_bytes = 17179869184G\n", 7,
	    "bad number"),
	BAD(rejects_uppercase_name, "name = Edge\n", 1,
	    "may hold only a-z, 0-9"),
	BAD(rejects_long_name, "name = abcdefghijabcdefghijabcdefghij01\n", 1,
	    "must be 1 to 31 characters"),
	BAD(rejects_two_part_version, "fw_version = 1.0\n", 1,
	    "is not MAJOR.MINOR.PATCH"),
	BAD(rejects_four_part_version, "fw_version = 1.0.0.0\n", 1,
	    "is not MAJOR.MINOR.PATCH"),
	BAD(rejects_negative_version, "fw_version = 1.-1.0\n", 1,
	    "is not MAJOR.MINOR.PATCH"),
	BAD(rejects_version_out_of_range, "fw_version = 1.256.0\n", 1,
	    "out of range"),
	BAD(rejects_unknown_op, "ops = fc, conv3d\n", 1,
	    "ops: unknown value 'conv3d' (known: fc, conv2d"),
	BAD(rejects_op_listed_twice, "ops = fc, fc\n", 1,
	    "ops: 'fc' listed twice"),
	BAD(rejects_empty_list_item, "ops = fc,,conv2d\n", 1,
	    "ops: empty list item"),
	BAD(rejects_trailing_comma, "ops = fc,\n", 1, "ops: empty list item"),
	BAD(rejects_blank_list_item, "ops = fc, ,add\n", 1,
	    "ops: empty list item"),
	BAD(rejects_unknown_nm_pattern, "nm_patterns = 3:4\n", 1,
	    "unknown value '3:4'"),
	BAD(rejects_unknown_feature, BASE "features = turbo\n", 13,
	    "features: unknown value 'turbo'"),
	BAD(rejects_duplicate_cost, NORES "cost fc dense setup=1 row=2 eff=3\n",
	    7, "cost fc dense given twice (first on line 6)"),
	BAD(rejects_cost_unknown_op, NORES
	    "cost conv3d dense setup=1 row=2 eff=3\n", 7,
	    "cost: unknown op 'conv3d'"),
	BAD(rejects_cost_unknown_encoding, NORES
	    "cost fc sparse setup=1 row=2 eff=3\n", 7,
	    "cost: unknown encoding 'sparse'"),
	BAD(rejects_cost_missing_field, NORES "cost fc csr setup=1 row=2\n", 7,
	    "cost: expected"),
	BAD(rejects_cost_unknown_field, NORES
	    "cost fc csr setup=1 row=2 speed=3\n", 7,
	    "cost: unknown field 'speed'"),
	BAD(rejects_cost_field_twice, NORES
	    "cost fc csr setup=1 setup=2 eff=3\n", 7,
	    "cost: setup given twice"),
	BAD(rejects_cost_field_without_value, NORES
	    "cost fc csr setup row=2 eff=3\n", 7,
	    "cost: 'setup' is not name=value"),
	BAD(rejects_cost_bad_number, NORES "cost fc csr setup=x row=2 eff=3\n",
	    7, "cost: setup: bad number 'x'"),
	BAD(rejects_cost_setup_over_32_bits, NORES
	    "cost fc csr setup=4294967296 row=2 eff=3\n", 7,
	    "must fit in 32 bits"),
	BAD(rejects_cost_eff_zero, NORES "cost fc csr setup=1 row=2 eff=0\n",
	    7, "eff=0 out of range 1..256"),
	BAD(rejects_cost_eff_257, NORES "cost fc csr setup=1 row=2 eff=257\n",
	    7, "eff=257 out of range 1..256"),
	BAD(rejects_cost_for_unsupported_encoding, BASE
	    "cost fc csr setup=1 row=2 eff=3\n", 13,
	    "cost fc csr: encoding not in encodings"),
	BAD(rejects_cost_for_unsupported_op, BASE
	    "cost maxpool dense setup=1 row=2 eff=3\n", 13,
	    "cost maxpool dense: op not in ops"),
	BAD(rejects_sparse_cost_for_op_without_weights, P_ID P_RES
	    "ops = fc, maxpool\nencodings = dense, csr\n" P_COST
	    "cost fc csr setup=1 row=2 eff=3\n"
	    "cost maxpool dense setup=1 row=2 eff=3\n"
	    "cost maxpool csr setup=1 row=2 eff=3\n", 15,
	    "cost maxpool csr: op has no weights: only dense"),
	BAD(rejects_missing_cost_line, P_ID P_RES
	    "ops = fc\nencodings = dense, csr\n" P_COST, 0,
	    "missing line 'cost fc csr"),
	BAD(rejects_missing_key, NORES, 0, "missing key 'mac_units'"),
	BAD(rejects_ops_without_fc, P_ID P_RES
	    "ops = conv2d\nencodings = dense\n" P_COST, 10,
	    "ops: must include fc"),
	BAD(rejects_encodings_without_dense, P_ID P_RES
	    "ops = fc\nencodings = csr\n" P_COST, 11,
	    "encodings: must include dense"),
	BAD(rejects_nm_without_patterns, P_ID P_RES
	    "ops = fc\nencodings = dense, nm\n" P_COST
	    "cost fc nm setup=1 row=2 eff=3\n", 11,
	    "nm_patterns must list at least one pattern"),
	BAD(rejects_nm_patterns_none_with_nm, P_ID P_RES
	    "ops = fc\nencodings = dense, nm\nnm_patterns = none\n" P_COST
	    "cost fc nm setup=1 row=2 eff=3\n", 12,
	    "nm_patterns must list at least one pattern"),
	BAD(rejects_nm_patterns_without_nm, BASE "nm_patterns = 2:4\n", 13,
	    "nm_patterns given but encodings do not include nm"),
	BAD(rejects_block_without_shapes, P_ID P_RES
	    "ops = fc\nencodings = dense, block\n" P_COST
	    "cost fc block setup=1 row=2 eff=3\n", 11,
	    "block_shapes must list at least one shape"),
	BAD(rejects_block_shapes_without_block, BASE "block_shapes = 4x4\n",
	    13, "block_shapes given but encodings do not include block"),
	BAD(rejects_long_line, BASE "# "
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "\n", 13, "line longer than 511 characters"),
};

static void fwgen_profile_parse_accepts_minimal(void **state)
{
	struct fwgen_profile prof;
	struct fwgen_error err;
	const struct snpu_cost *c;

	assert_int_equal(parse_str(BASE, &prof, &err), 0);
	assert_string_equal(prof.plat.name, "t");
	assert_int_equal(prof.plat.platform_id, 1);
	assert_int_equal(prof.fw_version, SNPU_FW_VERSION(1, 0, 0));
	assert_int_equal(prof.plat.mac_units, 8);
	assert_int_equal(prof.plat.clock_khz, 1000);
	assert_int_equal(prof.plat.sram_bytes, 64 * 1024);
	assert_true(prof.plat.dram_bytes == 1024 * 1024);
	assert_int_equal(prof.plat.dram_bytes_per_cycle, 1);
	assert_int_equal(prof.plat.max_batch, 1);
	assert_int_equal(prof.plat.ops, 1u << SNPU_OP_FC);
	assert_int_equal(prof.plat.encodings, 1u << SNPU_ENC_DENSE);
	assert_int_equal(prof.plat.nm_patterns, 0);
	assert_int_equal(prof.plat.block_shapes, 0);
	assert_int_equal(prof.plat.features, 0);
	c = &prof.plat.cost[SNPU_OP_FC][SNPU_ENC_DENSE];
	assert_true(c->present);
	assert_int_equal(c->setup_cycles, 1);
	assert_int_equal(c->row_cycles, 2);
	assert_int_equal(c->mac_eff_q8, 3);
}

static void fwgen_profile_parse_accepts_comments_blanks_crlf(void **state)
{
	static const char text[] =
		"# a comment\r\n"
		"\r\n"
		"  name\t=\tx-y_2   # trailing comment\r\n"
		"platform_id = 0x10\n"
		"fw_version = 65535.255.255\n"
		"mac_units = 8\nclock_khz = 1000\n"
		"sram_bytes = 2KiB\ndram_bytes = 6G\n"
		"dram_bytes_per_cycle = 1\nmax_batch = 1\n"
		"ops = fc ,conv2d\n"
		"encodings = dense,nm,block\n"
		"nm_patterns = 2:8\n"
		"block_shapes = 1x16, 4x4\n"
		"features = act_zero_skip\n"
		"cost fc dense setup=0 row=0 eff=256\n"
		"cost fc nm    setup=1 row=2 eff=3\n"
		"cost fc block\tsetup=1 row=2 eff=3\n"
		"cost conv2d dense eff=4 row=5 setup=6\n"
		"cost conv2d nm setup=1 row=2 eff=3\n"
		"cost conv2d block setup=4294967295 row=2 eff=3";
	struct fwgen_profile prof;
	struct fwgen_error err;

	if (parse_str(text, &prof, &err))
		fail_msg("line %u: %s", err.line, err.msg);
	assert_string_equal(prof.plat.name, "x-y_2");
	assert_int_equal(prof.plat.platform_id, 16);
	assert_int_equal(prof.fw_version, SNPU_FW_VERSION(65535, 255, 255));
	assert_int_equal(prof.plat.sram_bytes, 2048);
	assert_true(prof.plat.dram_bytes == 6ull << 30);
	assert_int_equal(prof.plat.nm_patterns, 1u << SNPU_NM_2_8);
	assert_int_equal(prof.plat.block_shapes,
			 1u << SNPU_BLOCK_1X16 | 1u << SNPU_BLOCK_4X4);
	assert_int_equal(prof.plat.features, SNPU_FEAT_ACT_ZERO_SKIP);
	assert_int_equal(prof.plat.cost[SNPU_OP_CONV2D][SNPU_ENC_DENSE]
			 .setup_cycles, 6);
	assert_int_equal(prof.plat.cost[SNPU_OP_CONV2D][SNPU_ENC_BLOCK]
			 .setup_cycles, 0xffffffffu);
}

static void fwgen_profile_parse_rejects_nul_byte(void **state)
{
	static const char text[] = BASE "ops\0 = fc\n";
	struct fwgen_profile prof;
	struct fwgen_error err;

	assert_int_equal(fwgen_profile_parse(text, sizeof(text) - 1, &prof,
					     &err), -1);
	assert_int_equal(err.line, 13);
	assert_string_equal(err.msg, "NUL byte in text");
}

static void fwgen_image_build_output_parses_back(void **state)
{
	struct fwgen_profile prof;
	struct fwgen_error err;
	struct snpu_fw_info info;
	size_t size;
	u8 *image;

	assert_int_equal(parse_str(BASE, &prof, &err), 0);
	assert_int_equal(fwgen_image_build(&prof, &image, &size, &err), 0);
	assert_int_equal(snpu_fw_parse(image, size, &info), 0);
	assert_string_equal(info.platform.name, "t");
	assert_int_equal(info.fw_version, prof.fw_version);
	assert_int_equal(info.format_minor, SNPU_FW_FORMAT_MINOR);
	assert_int_equal(size, 48 + 32 + 96 + 16);
	free(image);
}

/* A profile that bypassed the parser's checks never becomes an image. */
static void fwgen_image_build_refuses_invalid_profile(void **state)
{
	struct fwgen_profile prof;
	struct fwgen_error err;
	size_t size = 0;
	u8 *image = NULL;

	assert_int_equal(parse_str(BASE, &prof, &err), 0);
	prof.plat.mac_units = 0;
	assert_int_equal(fwgen_image_build(&prof, &image, &size, &err), -1);
	assert_null(image);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "generated image rejected: platform profile value"));
}

static u8 *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	u8 *buf;

	if (!f)
		fail_msg("%s: cannot open (run make from the top folder)", path);
	buf = malloc(1 << 20);
	assert_non_null(buf);
	*size = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* The shipped profiles parse, and build the images make installed. */
static void fwgen_profile_parse_accepts_shipped_profiles(void **state)
{
	static const char * const names[] = {
		"edge-tiny", "edge-mid", "edge-max"
	};
	const char *dir = getenv("SNPU_FW_DIR");
	struct fwgen_profile prof;
	struct fwgen_error err;
	unsigned int i, op, enc;
	size_t len, size, built_size;
	u8 *text, *image, *built;
	char path[512];

	if (!dir)
		dir = "build/firmware/snpu";
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "firmware_gen/profiles/%s.txt",
			 names[i]);
		text = read_file(path, &len);
		if (fwgen_profile_parse((char *)text, len, &prof, &err))
			fail_msg("%s:%u: %s", path, err.line, err.msg);
		free(text);
		assert_string_equal(prof.plat.name, names[i]);
		assert_int_equal(prof.plat.platform_id, i + 1);
		/* Sparse encodings never beat dense on efficiency. */
		for (op = 0; op < SNPU_OP_COUNT; op++)
			for (enc = 1; enc < SNPU_ENC_COUNT; enc++)
				if (prof.plat.cost[op][enc].present)
					assert_true(prof.plat.cost[op][enc].mac_eff_q8 <
						    prof.plat.cost[op][0].mac_eff_q8);

		assert_int_equal(fwgen_image_build(&prof, &built, &built_size,
						   &err), 0);
		snprintf(path, sizeof(path), "%s/%s.bin", dir, names[i]);
		image = read_file(path, &size);
		assert_int_equal(size, built_size);
		assert_memory_equal(image, built, size);
		free(image);
		free(built);
	}
}

static void fwgen_names_cover_every_value(void **state)
{
	unsigned int i;

	for (i = 0; i < SNPU_OP_COUNT; i++)
		assert_string_not_equal(fwgen_op_name(i), "?");
	for (i = 0; i < SNPU_ENC_COUNT; i++)
		assert_string_not_equal(fwgen_enc_name(i), "?");
	for (i = 0; i < SNPU_NM_COUNT; i++)
		assert_string_not_equal(fwgen_nm_name(i), "?");
	for (i = 0; i < SNPU_BLOCK_COUNT; i++)
		assert_string_not_equal(fwgen_block_name(i), "?");
	assert_string_equal(fwgen_feature_name(0), "act_zero_skip");
	assert_string_equal(fwgen_op_name(SNPU_OP_COUNT), "?");
	assert_string_equal(fwgen_feature_name(1), "?");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(fwgen_profile_parse_accepts_minimal),
		cmocka_unit_test(fwgen_profile_parse_accepts_comments_blanks_crlf),
		cmocka_unit_test(fwgen_profile_parse_accepts_shipped_profiles),
		cmocka_unit_test(fwgen_profile_parse_rejects_nul_byte),
		cmocka_unit_test(fwgen_image_build_output_parses_back),
		cmocka_unit_test(fwgen_image_build_refuses_invalid_profile),
		cmocka_unit_test(fwgen_names_cover_every_value),
	};
	int failed;

	failed = cmocka_run_group_tests_name("fwgen", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("fwgen_profile_parse_errors",
					      fwgen_bad_cases, NULL, NULL);
	return failed ? 1 : 0;
}
