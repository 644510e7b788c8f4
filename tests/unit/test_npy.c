// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests of the .npy reader and writer (cli/npy.c): round trips, each
 * malformed-header path with its exact error, shapes of 0 to 3 dims and
 * more, fortran_order True, a 2.0 header over 64 KiB, truncated and
 * trailing data, and a cheap mutation sweep (under ASan/UBSan).
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
#include <unistd.h>

#include <cmocka.h>

#include "npy.h"

/*
 * A .npy file around @dict (without padding or '\n'), version @v, with
 * @data_len bytes of @data. The caller frees *@size bytes returned.
 */
static uint8_t *mk_npy(int v, const char *dict, const void *data,
		       size_t data_len, size_t *size)
{
	size_t prefix = v == 1 ? 10 : 12, dlen = strlen(dict);
	size_t hlen = dlen + 1;
	uint8_t *b;

	b = malloc(prefix + hlen + data_len + 1);
	assert_non_null(b);
	memcpy(b, "\x93NUMPY", 6);
	b[6] = (uint8_t)v;
	b[7] = 0;
	b[8] = hlen & 0xff;
	b[9] = (hlen >> 8) & 0xff;
	if (v == 2) {
		b[10] = (hlen >> 16) & 0xff;
		b[11] = (hlen >> 24) & 0xff;
	}
	memcpy(b + prefix, dict, dlen);
	b[prefix + dlen] = '\n';
	if (data_len)
		memcpy(b + prefix + hlen, data, data_len);
	*size = prefix + hlen + data_len;
	return b;
}

/* Parse a version 1.0 file of @dict with @data_len zero bytes. */
static int parse_dict(const char *dict, size_t data_len)
{
	struct snpu_npy_array a;
	uint8_t zeros[64] = { 0 };
	size_t size;
	uint8_t *b;
	int ret;

	assert_true(data_len <= sizeof(zeros));
	b = mk_npy(1, dict, zeros, data_len, &size);
	ret = snpu_npy_parse(b, size, &a);
	free(b);
	return ret;
}

/* ---- round trips ------------------------------------------------------- */

static void roundtrip(enum snpu_npy_dtype dt, unsigned int ndim,
		      const uint64_t *shape, int version)
{
	struct snpu_npy_array a;
	size_t count = 1, bytes, size, i;
	uint8_t *data;
	void *buf;

	for (i = 0; i < ndim; i++)
		count *= shape[i];
	bytes = count * snpu_npy_itemsize(dt);
	data = malloc(bytes + 1);
	assert_non_null(data);
	for (i = 0; i < bytes; i++)
		data[i] = (uint8_t)(i * 37 + 11);

	assert_int_equal(0, snpu_npy_encode(dt, ndim, shape, data, version,
					    &buf, &size));
	/* numpy's alignment: data starts at a multiple of 64. */
	assert_int_equal(0, (size - bytes) % 64);
	assert_int_equal(0, snpu_npy_parse(buf, size, &a));
	assert_int_equal(dt, a.dtype);
	assert_int_equal(ndim, a.ndim);
	for (i = 0; i < ndim; i++)
		assert_int_equal(shape[i], a.shape[i]);
	assert_int_equal(count, a.count);
	assert_int_equal(version ? version : 1, a.version);
	assert_int_equal(bytes, a.data_bytes);
	assert_int_equal(size - bytes, a.data_offset);
	if (bytes)
		assert_memory_equal(data, a.data, bytes);
	free(buf);
	free(data);
}

static void snpu_npy_encode_roundtrip_i1_1d(void **state)
{
	uint64_t shape[] = { 96 };

	roundtrip(SNPU_NPY_I1, 1, shape, 0);
}

static void snpu_npy_encode_roundtrip_i1_2d(void **state)
{
	uint64_t shape[] = { 4, 10 };

	roundtrip(SNPU_NPY_I1, 2, shape, 0);
}

static void snpu_npy_encode_roundtrip_i1_3d(void **state)
{
	uint64_t shape[] = { 2, 3, 5 };

	roundtrip(SNPU_NPY_I1, 3, shape, 0);
}

static void snpu_npy_encode_roundtrip_f4_2d(void **state)
{
	uint64_t shape[] = { 3, 7 };

	roundtrip(SNPU_NPY_F4, 2, shape, 0);
}

static void snpu_npy_encode_roundtrip_u1_and_scalar(void **state)
{
	uint64_t shape[] = { 5, 1, 2, 1, 3, 1, 1, 2 };

	roundtrip(SNPU_NPY_U1, 0, shape, 0);
	roundtrip(SNPU_NPY_U1, 8, shape, 0);
}

static void snpu_npy_encode_roundtrip_empty_dim(void **state)
{
	uint64_t shape[] = { 0, 10 };

	roundtrip(SNPU_NPY_I1, 2, shape, 0);
}

static void snpu_npy_encode_roundtrip_version2(void **state)
{
	uint64_t shape[] = { 2, 8 };

	roundtrip(SNPU_NPY_F4, 2, shape, 2);
}

static void snpu_npy_encode_header_text(void **state)
{
	uint64_t shape1[] = { 7 }, shape2[] = { 2, 3 };
	float d[6] = { 0 };
	size_t size;
	void *buf;

	assert_int_equal(0, snpu_npy_encode(SNPU_NPY_I1, 1, shape1, d, 0,
					    &buf, &size));
	assert_memory_equal("\x93NUMPY\x01\x00\x76\x00", buf, 10);
	assert_non_null(memmem(buf, size, "{'descr': '|i1', 'fortran_order': False, 'shape': (7,), }", 57));
	assert_int_equal('\n', ((char *)buf)[127]);
	free(buf);
	assert_int_equal(0, snpu_npy_encode(SNPU_NPY_F4, 2, shape2, d, 0,
					    &buf, &size));
	assert_non_null(memmem(buf, size, "'descr': '<f4'", 14));
	assert_non_null(memmem(buf, size, "'shape': (2, 3), }", 18));
	free(buf);
}

static void snpu_npy_encode_rejects_bad_arguments(void **state)
{
	uint64_t shape[SNPU_NPY_MAX_DIMS + 1] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	uint64_t big[] = { UINT64_MAX / 2, 4 };
	size_t size;
	void *buf;

	assert_int_equal(-EINVAL, snpu_npy_encode(SNPU_NPY_I1, 9, shape,
						  NULL, 0, &buf, &size));
	assert_int_equal(-EINVAL, snpu_npy_encode(SNPU_NPY_I1, 1, shape,
						  "x", 3, &buf, &size));
	assert_int_equal(-EINVAL, snpu_npy_encode((enum snpu_npy_dtype)9, 1,
						  shape, "x", 0, &buf, &size));
	assert_int_equal(-EOVERFLOW, snpu_npy_encode(SNPU_NPY_F4, 2, big,
						     NULL, 0, &buf, &size));
}

/* ---- headers numpy writes ---------------------------------------------- */

static void snpu_npy_parse_accepts_numpy_spellings(void **state)
{
	struct snpu_npy_array a;
	uint8_t data[12] = { 0 };
	size_t size;
	uint8_t *b;

	/* Keys in any order, double quotes, no trailing comma, 'L' dims. */
	b = mk_npy(1, "{\"shape\": (3L, 4L), \"fortran_order\": False, \"descr\": \"i1\"}",
		   data, 12, &size);
	assert_int_equal(0, snpu_npy_parse(b, size, &a));
	assert_int_equal(SNPU_NPY_I1, a.dtype);
	assert_int_equal(2, a.ndim);
	assert_int_equal(3, a.shape[0]);
	assert_int_equal(4, a.shape[1]);
	free(b);

	assert_int_equal(0, parse_dict("{'descr': '<i1', 'fortran_order': False, 'shape': (12,), }", 12));
	assert_int_equal(0, parse_dict("{'descr': '|u1', 'fortran_order': False, 'shape': (3, 4)}", 12));
	assert_int_equal(0, parse_dict("{'descr':'<f4','fortran_order':False,'shape':(3,)}", 12));
	assert_int_equal(0, parse_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 4));
	assert_int_equal(0, parse_dict("  {'descr': '|i1', 'fortran_order': False, 'shape': ( 2 , 3 , ) }   ", 6));
}

/* ---- preamble errors ---------------------------------------------------- */

static void snpu_npy_parse_truncated_preamble(void **state)
{
	struct snpu_npy_array a;

	assert_int_equal(-SNPU_NPY_E_TRUNCATED, snpu_npy_parse("", 0, &a));
	assert_int_equal(-SNPU_NPY_E_TRUNCATED,
			 snpu_npy_parse("\x93NUM", 4, &a));
	assert_int_equal(-SNPU_NPY_E_TRUNCATED,
			 snpu_npy_parse("\x93NUMPY\x01", 7, &a));
	assert_int_equal(-SNPU_NPY_E_TRUNCATED,
			 snpu_npy_parse("\x93NUMPY\x01\x00\x10", 9, &a));
	assert_int_equal(-SNPU_NPY_E_TRUNCATED,
			 snpu_npy_parse("\x93NUMPY\x02\x00\x10\x00\x00", 11, &a));
}

static void snpu_npy_parse_bad_magic(void **state)
{
	struct snpu_npy_array a;

	assert_int_equal(-SNPU_NPY_E_MAGIC, snpu_npy_parse("abc", 3, &a));
	assert_int_equal(-SNPU_NPY_E_MAGIC,
			 snpu_npy_parse("\x93NUMPZ\x01\x00\x00\x00", 10, &a));
	assert_int_equal(-SNPU_NPY_E_MAGIC,
			 snpu_npy_parse("SNPM\x01\x00\x00\x00\x00\x00", 10, &a));
}

static void snpu_npy_parse_bad_version(void **state)
{
	struct snpu_npy_array a;

	assert_int_equal(-SNPU_NPY_E_VERSION,
			 snpu_npy_parse("\x93NUMPY\x03\x00\x00\x00\x00\x00", 12, &a));
	assert_int_equal(-SNPU_NPY_E_VERSION,
			 snpu_npy_parse("\x93NUMPY\x01\x01\x00\x00\x00\x00", 12, &a));
	assert_int_equal(-SNPU_NPY_E_VERSION,
			 snpu_npy_parse("\x93NUMPY\x00\x00\x00\x00\x00\x00", 12, &a));
}

static void snpu_npy_parse_header_len_past_end(void **state)
{
	struct snpu_npy_array a;
	size_t size;
	uint8_t *b;

	b = mk_npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (1,), }",
		   "x", 1, &size);
	b[8] = 0xff;
	b[9] = 0xff;
	assert_int_equal(-SNPU_NPY_E_HEADER_LEN, snpu_npy_parse(b, size, &a));
	free(b);

	/* 2.0: a 4 GiB - 1 length must not wrap anything. */
	assert_int_equal(-SNPU_NPY_E_HEADER_LEN,
			 snpu_npy_parse("\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14, &a));
	/* Over the reader's cap even though the file would hold it. */
	b = calloc(1, SNPU_NPY_MAX_HEADER + 64);
	assert_non_null(b);
	memcpy(b, "\x93NUMPY\x02\x00\x01\x00\x10\x00", 12);
	assert_int_equal(-SNPU_NPY_E_HEADER_LEN,
			 snpu_npy_parse(b, SNPU_NPY_MAX_HEADER + 64, &a));
	free(b);
}

static void snpu_npy_parse_big_header_version2(void **state)
{
	const char *dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
	struct snpu_npy_array a;
	float data[4] = { 1.5f, -2.0f, 0.25f, 8.0f };
	size_t hlen = 70000 - 12, size, dlen = strlen(dict);
	uint8_t *b;

	/* A header over 64 KiB only fits version 2.0. */
	size = 12 + hlen + sizeof(data);
	b = malloc(size);
	assert_non_null(b);
	memcpy(b, "\x93NUMPY\x02\x00", 8);
	b[8] = hlen & 0xff;
	b[9] = (hlen >> 8) & 0xff;
	b[10] = (hlen >> 16) & 0xff;
	b[11] = 0;
	memcpy(b + 12, dict, dlen);
	memset(b + 12 + dlen, ' ', hlen - dlen - 1);
	b[12 + hlen - 1] = '\n';
	memcpy(b + 12 + hlen, data, sizeof(data));
	assert_int_equal(0, snpu_npy_parse(b, size, &a));
	assert_int_equal(2, a.version);
	assert_int_equal(SNPU_NPY_F4, a.dtype);
	assert_int_equal(4, a.count);
	assert_int_equal(70000, a.data_offset);
	assert_memory_equal(data, a.data, sizeof(data));

	/* The same header cannot be 1.0: its length field is 16 bits. */
	b[6] = 1;
	assert_int_not_equal(0, snpu_npy_parse(b, size, &a));
	free(b);
}

/* ---- dict errors -------------------------------------------------------- */

static void snpu_npy_parse_header_syntax(void **state)
{
	static const char *const bad[] = {
		"",
		"descr",
		"['descr', '|i1']",
		"{'descr' '|i1', 'fortran_order': False, 'shape': (1,)}",
		"{'descr': '|i1' 'fortran_order': False, 'shape': (1,)}",
		"{'descr': '|i1', 'fortran_order': False, 'shape': (1,)",
		"{'descr': '|i1', 'fortran_order': False, 'shape': (1,)} x",
		"{'descr': '|i1', 'fortran_order': False, 'shape': (1,)}}",
		"{'descr': '|i1', 'fortran_order': False, 'shape': (1,),,}",
		"{'descr': '|i1', 'fortran_order': Falsey, 'shape': (1,)}",
		"{'descr': '|i1', 'fortran_order': 0, 'shape': (1,)}",
		"{'desc\\r': '|i1', 'fortran_order': False, 'shape': (1,)}",
		"{descr: '|i1', 'fortran_order': False, 'shape': (1,)}",
		"{'descr",
		"{",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse_dict(bad[i], 1);

		if (ret != -SNPU_NPY_E_HEADER_SYNTAX)
			fail_msg("%s: got %d", bad[i], ret);
	}
}

static void snpu_npy_parse_key_unknown(void **state)
{
	assert_int_equal(-SNPU_NPY_E_KEY_UNKNOWN,
			 parse_dict("{'descr': '|i1', 'fortran_order': False, 'shape': (1,), 'extra': 1}", 1));
	assert_int_equal(-SNPU_NPY_E_KEY_UNKNOWN,
			 parse_dict("{'Descr': '|i1', 'fortran_order': False, 'shape': (1,)}", 1));
	/* A key longer than any known one. */
	assert_int_equal(-SNPU_NPY_E_HEADER_SYNTAX,
			 parse_dict("{'an_extremely_long_key_name_over_thirty_two': 1}", 1));
}

static void snpu_npy_parse_key_duplicate(void **state)
{
	assert_int_equal(-SNPU_NPY_E_KEY_DUPLICATE,
			 parse_dict("{'descr': '|i1', 'descr': '|i1', 'fortran_order': False, 'shape': (1,)}", 1));
	assert_int_equal(-SNPU_NPY_E_KEY_DUPLICATE,
			 parse_dict("{'shape': (1,), 'descr': '|i1', 'fortran_order': False, 'shape': (1,)}", 1));
}

static void snpu_npy_parse_key_missing(void **state)
{
	assert_int_equal(-SNPU_NPY_E_KEY_MISSING,
			 parse_dict("{'descr': '|i1', 'fortran_order': False}", 1));
	assert_int_equal(-SNPU_NPY_E_KEY_MISSING,
			 parse_dict("{'descr': '|i1', 'shape': (1,)}", 1));
	assert_int_equal(-SNPU_NPY_E_KEY_MISSING,
			 parse_dict("{'fortran_order': False, 'shape': (1,)}", 1));
	assert_int_equal(-SNPU_NPY_E_KEY_MISSING, parse_dict("{}", 1));
}

static void snpu_npy_parse_descr_unsupported(void **state)
{
	static const char *const bad[] = {
		"'<i4'", "'>f4'", "'<f8'", "'<f2'", "'|b1'", "'<u2'", "'|S4'",
		"'<c8'", "'f4'", "'O'", "''", "'|i1 '", "[('a', '<i4')]", "5",
		"'<f4<f4<f4<f4<f4<f4'",
	};
	char dict[160];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret;

		snprintf(dict, sizeof(dict),
			 "{'descr': %s, 'fortran_order': False, 'shape': (1,)}",
			 bad[i]);
		ret = parse_dict(dict, 4);
		if (ret != -SNPU_NPY_E_DESCR)
			fail_msg("%s: got %d", bad[i], ret);
	}
}

static void snpu_npy_parse_fortran_order_refused(void **state)
{
	assert_int_equal(-SNPU_NPY_E_FORTRAN_ORDER,
			 parse_dict("{'descr': '|i1', 'fortran_order': True, 'shape': (2, 3), }", 6));
	/* Even for one dimension, where the layouts agree: be explicit. */
	assert_int_equal(-SNPU_NPY_E_FORTRAN_ORDER,
			 parse_dict("{'descr': '|i1', 'fortran_order': True, 'shape': (6,), }", 6));
}

static void snpu_npy_parse_shape_malformed(void **state)
{
	static const char *const bad[] = {
		"[2, 3]", "2", "(2, -3)", "(a,)", "(2 3)", "(,)", "(2,,)",
		"(1, 1, 1, 1, 1, 1, 1, 1, 1)", "(2.0,)", "(", "'(2,)'",
	};
	char dict[160];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret;

		snprintf(dict, sizeof(dict),
			 "{'descr': '|i1', 'fortran_order': False, 'shape': %s}",
			 bad[i]);
		ret = parse_dict(dict, 6);
		if (ret != -SNPU_NPY_E_SHAPE)
			fail_msg("%s: got %d", bad[i], ret);
	}
}

static void snpu_npy_parse_shape_overflow(void **state)
{
	assert_int_equal(-SNPU_NPY_E_OVERFLOW,
			 parse_dict("{'descr': '|i1', 'fortran_order': False, 'shape': (99999999999999999999999,)}", 0));
	assert_int_equal(-SNPU_NPY_E_OVERFLOW,
			 parse_dict("{'descr': '|i1', 'fortran_order': False, 'shape': (4294967296, 4294967296, 2)}", 0));
	/* Elements fit, bytes do not. */
	assert_int_equal(-SNPU_NPY_E_OVERFLOW,
			 parse_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904,)}", 0));
	/* A zero dimension makes any product zero: not an overflow. */
	assert_int_equal(0,
			 parse_dict("{'descr': '|i1', 'fortran_order': False, 'shape': (0, 18446744073709551615)}", 0));
}

/* ---- data --------------------------------------------------------------- */

static void snpu_npy_parse_data_truncated(void **state)
{
	uint64_t shape[] = { 3, 4 };
	struct snpu_npy_array a;
	float d[12] = { 0 };
	size_t size, cut;
	void *buf;

	assert_int_equal(0, snpu_npy_encode(SNPU_NPY_F4, 2, shape, d, 0,
					    &buf, &size));
	for (cut = 1; cut <= sizeof(d); cut++)
		assert_int_equal(-SNPU_NPY_E_DATA_TRUNCATED,
				 snpu_npy_parse(buf, size - cut, &a));
	free(buf);
}

static void snpu_npy_parse_data_trailing(void **state)
{
	struct snpu_npy_array a;
	size_t size;
	uint8_t *b;

	b = mk_npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }",
		   "abc", 3, &size);
	assert_int_equal(-SNPU_NPY_E_DATA_TRAILING, snpu_npy_parse(b, size, &a));
	assert_int_equal(0, snpu_npy_parse(b, size - 1, &a));
	free(b);
}

/* Every prefix and every single-byte change of a good file: an error or a
 * consistent result, never a read out of bounds (ASan watches). */
static void snpu_npy_parse_mutations_stay_in_bounds(void **state)
{
	uint64_t shape[] = { 2, 3 };
	int8_t d[6] = { 1, 2, 3, 4, 5, 6 };
	struct snpu_npy_array a;
	static const uint8_t vals[] = { 0, 0xff, '(', ')', ',', '\'', '}', '9',
					' ', 0x80 };
	size_t size, i, v;
	uint8_t *b, *copy;

	assert_int_equal(0, snpu_npy_encode(SNPU_NPY_I1, 2, shape, d, 0,
					    (void **)&b, &size));
	for (i = 0; i < size; i++) {
		copy = malloc(i ? i : 1);
		memcpy(copy, b, i);
		assert_int_not_equal(0, snpu_npy_parse(copy, i, &a));
		free(copy);
	}
	copy = malloc(size);
	for (i = 0; i < size; i++) {
		for (v = 0; v < sizeof(vals); v++) {
			memcpy(copy, b, size);
			copy[i] = vals[v];
			if (!snpu_npy_parse(copy, size, &a)) {
				assert_true(a.data_offset + a.data_bytes == size);
				assert_true(a.count * snpu_npy_itemsize(a.dtype) ==
					    a.data_bytes);
			}
		}
	}
	free(copy);
	free(b);
}

/* ---- messages and files -------------------------------------------------- */

static void snpu_npy_strerror_every_code(void **state)
{
	int i, j;

	for (i = 0; i < SNPU_NPY_E_COUNT; i++) {
		assert_non_null(snpu_npy_strerror(-i));
		for (j = 0; j < i; j++)
			assert_string_not_equal(snpu_npy_strerror(-i),
						snpu_npy_strerror(-j));
	}
	assert_string_equal("unknown .npy error",
			    snpu_npy_strerror(-SNPU_NPY_E_COUNT));
	assert_string_equal("unknown .npy error", snpu_npy_strerror(1));
	assert_non_null(strstr(snpu_npy_strerror(-SNPU_NPY_E_FORTRAN_ORDER),
			       "fortran_order"));
}

static void snpu_npy_save_and_read_file(void **state)
{
	char path[] = "/tmp/test_npy_XXXXXX";
	uint64_t shape[] = { 2, 5 };
	int8_t d[10] = { -128, -1, 0, 1, 127, 5, 6, 7, 8, 9 };
	struct snpu_npy_array a;
	size_t size;
	void *buf;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(0, snpu_npy_save(path, SNPU_NPY_I1, 2, shape, d));
	assert_int_equal(0, snpu_npy_read_file(path, 1 << 20, &buf, &size));
	assert_int_equal(0, snpu_npy_parse(buf, size, &a));
	assert_int_equal(10, a.count);
	assert_memory_equal(d, a.data, 10);
	free(buf);
	assert_int_equal(-EFBIG, snpu_npy_read_file(path, size - 1, &buf,
						    &size));
	unlink(path);
	assert_int_equal(-ENOENT, snpu_npy_read_file(path, 100, &buf, &size));
	assert_int_equal(-EISDIR, snpu_npy_read_file("/tmp", 100, &buf, &size));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_npy_encode_roundtrip_i1_1d),
		cmocka_unit_test(snpu_npy_encode_roundtrip_i1_2d),
		cmocka_unit_test(snpu_npy_encode_roundtrip_i1_3d),
		cmocka_unit_test(snpu_npy_encode_roundtrip_f4_2d),
		cmocka_unit_test(snpu_npy_encode_roundtrip_u1_and_scalar),
		cmocka_unit_test(snpu_npy_encode_roundtrip_empty_dim),
		cmocka_unit_test(snpu_npy_encode_roundtrip_version2),
		cmocka_unit_test(snpu_npy_encode_header_text),
		cmocka_unit_test(snpu_npy_encode_rejects_bad_arguments),
		cmocka_unit_test(snpu_npy_parse_accepts_numpy_spellings),
		cmocka_unit_test(snpu_npy_parse_truncated_preamble),
		cmocka_unit_test(snpu_npy_parse_bad_magic),
		cmocka_unit_test(snpu_npy_parse_bad_version),
		cmocka_unit_test(snpu_npy_parse_header_len_past_end),
		cmocka_unit_test(snpu_npy_parse_big_header_version2),
		cmocka_unit_test(snpu_npy_parse_header_syntax),
		cmocka_unit_test(snpu_npy_parse_key_unknown),
		cmocka_unit_test(snpu_npy_parse_key_duplicate),
		cmocka_unit_test(snpu_npy_parse_key_missing),
		cmocka_unit_test(snpu_npy_parse_descr_unsupported),
		cmocka_unit_test(snpu_npy_parse_fortran_order_refused),
		cmocka_unit_test(snpu_npy_parse_shape_malformed),
		cmocka_unit_test(snpu_npy_parse_shape_overflow),
		cmocka_unit_test(snpu_npy_parse_data_truncated),
		cmocka_unit_test(snpu_npy_parse_data_trailing),
		cmocka_unit_test(snpu_npy_parse_mutations_stay_in_bounds),
		cmocka_unit_test(snpu_npy_strerror_every_code),
		cmocka_unit_test(snpu_npy_save_and_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
