// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests for snpu_crc32(): published check values, zlib-style
 * chaining, and agreement with a bit-at-a-time reference.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snpu_crc32.h"

/* The definition, one bit at a time: the oracle for the table. */
static u32 crc32_bitwise(u32 crc, const u8 *p, size_t len)
{
	int k;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void snpu_crc32_matches_check_value(void **state)
{
	assert_int_equal(snpu_crc32(0, "123456789", 9), 0xcbf43926u);
}

static void snpu_crc32_matches_known_vectors(void **state)
{
	static const char fox[] =
		"The quick brown fox jumps over the lazy dog";
	static const u8 zeros[32];
	u8 all[256];
	unsigned int i;

	for (i = 0; i < 256; i++)
		all[i] = (u8)i;
	assert_int_equal(snpu_crc32(0, "a", 1), 0xe8b7be43u);
	assert_int_equal(snpu_crc32(0, fox, strlen(fox)), 0x414fa339u);
	assert_int_equal(snpu_crc32(0, zeros, sizeof(zeros)), 0x190a55adu);
	assert_int_equal(snpu_crc32(0, all, sizeof(all)), 0x29058c73u);
}

static void snpu_crc32_empty_input_keeps_crc(void **state)
{
	assert_int_equal(snpu_crc32(0, NULL, 0), 0);
	assert_int_equal(snpu_crc32(0xcbf43926u, NULL, 0), 0xcbf43926u);
}

static void snpu_crc32_chaining_equals_whole(void **state)
{
	static const char msg[] = "123456789";
	size_t split;
	u32 crc;

	for (split = 0; split <= 9; split++) {
		crc = snpu_crc32(0, msg, split);
		crc = snpu_crc32(crc, msg + split, 9 - split);
		assert_int_equal(crc, 0xcbf43926u);
	}
}

static void snpu_crc32_matches_bitwise_reference(void **state)
{
	u8 *data = malloc(65536);
	u32 seed = 12345;
	size_t i, len;

	assert_non_null(data);
	for (i = 0; i < 65536; i++) {
		seed = seed * 1103515245u + 12345u;
		data[i] = (u8)(seed >> 16);
	}
	for (len = 0; len < 300; len++)
		assert_int_equal(snpu_crc32(0, data, len),
				 crc32_bitwise(0, data, len));
	assert_int_equal(snpu_crc32(0, data, 65536),
			 crc32_bitwise(0, data, 65536));
	/* Chaining from a nonzero start, at an odd offset. */
	assert_int_equal(snpu_crc32(0xdeadbeef, data + 3, 1001),
			 crc32_bitwise(0xdeadbeef, data + 3, 1001));
	free(data);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_crc32_matches_check_value),
		cmocka_unit_test(snpu_crc32_matches_known_vectors),
		cmocka_unit_test(snpu_crc32_empty_input_keeps_crc),
		cmocka_unit_test(snpu_crc32_chaining_equals_whole),
		cmocka_unit_test(snpu_crc32_matches_bitwise_reference),
	};

	return cmocka_run_group_tests_name("snpu_crc32", tests, NULL, NULL);
}
