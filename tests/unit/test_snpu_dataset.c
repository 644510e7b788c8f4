// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests for the Fashion-MNIST loader and dataset views: the real
 * files load with the right counts and every pixel and label equal to the
 * bytes zlib gives this test directly; damaged copies of the real files
 * (wrong magic, truncated payload, cut or corrupt gzip, extra bytes,
 * mismatched counts, bad labels and extents, a header claiming 4 billion
 * images) are each refused with their own error and message, leaving the
 * dataset empty and nothing leaked (LeakSanitizer runs at exit).
 *
 * SNPU_FMNIST_DIR overrides the dataset folder.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "snpu_dataset.h"

#define ERR_SIZE	512
/* Damaged copies hold this many of the real test images (fast to write). */
#define SUB_N		1000u

static const char *fmnist_dir(void)
{
	const char *d = getenv("SNPU_FMNIST_DIR");

	return d && *d ? d : "/usr/share/datasets/fashion-mnist";
}

/* A whole file through zlib, independent of the loader; NULL on error. */
static uint8_t *gunzip_file(const char *path, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	uint8_t *buf = malloc(cap);
	gzFile f = gzopen(path, "rb");
	int got;

	assert_non_null(f);
	assert_non_null(buf);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		got = gzread(f, buf + n, (unsigned int)(cap - n));
		assert_true(got >= 0);
		if (!got)
			break;
		n += (size_t)got;
	}
	assert_int_equal(gzclose_r(f), Z_OK);
	*len = n;
	return buf;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long sz;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	assert_true(sz > 0);
	rewind(f);
	buf = malloc((size_t)sz);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	*len = (size_t)sz;
	return buf;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Per-test state: a fresh temporary folder and the real test split. */
struct fixture {
	char dir[64];
	uint8_t *img, *lab;	/* real t10k idx bytes, uncompressed */
	size_t img_len, lab_len;
};

static int fixture_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char path[512];

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/snpu-dataset-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", fmnist_dir(),
		 SNPU_FMNIST_TEST_IMAGES);
	fx->img = gunzip_file(path, &fx->img_len);
	snprintf(path, sizeof(path), "%s/%s", fmnist_dir(),
		 SNPU_FMNIST_TEST_LABELS);
	fx->lab = gunzip_file(path, &fx->lab_len);
	*state = fx;
	return 0;
}

static void rm_in(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static int fixture_teardown(void **state)
{
	struct fixture *fx = *state;
	static const char *const names[] = {
		SNPU_FMNIST_TEST_IMAGES, SNPU_FMNIST_TEST_LABELS,
		"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		rm_in(fx->dir, names[i]);
	rmdir(fx->dir);
	free(fx->img);
	free(fx->lab);
	free(fx);
	return 0;
}

/* Writes @len bytes to @dir/@name, gzip-compressed when @gz. */
static void write_file(const char *dir, const char *name, const void *data,
		       size_t len, int gz)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (gz) {
		gzFile f = gzopen(path, "wb1");

		assert_non_null(f);
		if (len)
			assert_int_equal(gzwrite(f, data, (unsigned int)len),
					 (int)len);
		assert_int_equal(gzclose(f), Z_OK);
	} else {
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(data, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
	}
}

/*
 * Copies of the first @n real images / labels with their headers fixed
 * up for @n; callers damage them before writing.
 */
static uint8_t *sub_images(const struct fixture *fx, uint32_t n, size_t *len)
{
	uint8_t *b;

	*len = 16 + (size_t)n * 784;
	b = malloc(*len);
	assert_non_null(b);
	memcpy(b, fx->img, *len);
	put_be32(b + 4, n);
	return b;
}

static uint8_t *sub_labels(const struct fixture *fx, uint32_t n, size_t *len)
{
	uint8_t *b;

	*len = 8 + (size_t)n;
	b = malloc(*len);
	assert_non_null(b);
	memcpy(b, fx->lab, *len);
	put_be32(b + 4, n);
	return b;
}

/* Writes the given (or, when NULL, intact SUB_N-sample) files. */
static void write_pair(const struct fixture *fx, const uint8_t *img,
		       size_t img_len, const uint8_t *lab, size_t lab_len)
{
	uint8_t *own_img = NULL, *own_lab = NULL;

	if (!img)
		img = own_img = sub_images(fx, SUB_N, &img_len);
	if (!lab)
		lab = own_lab = sub_labels(fx, SUB_N, &lab_len);
	write_file(fx->dir, SNPU_FMNIST_TEST_IMAGES, img, img_len, 1);
	write_file(fx->dir, SNPU_FMNIST_TEST_LABELS, lab, lab_len, 1);
	free(own_img);
	free(own_lab);
}

/*
 * Loads the test split from the fixture folder expecting @want; on error
 * the dataset must be left empty and the message must name @file and
 * contain @what.
 */
static void expect_load(const struct fixture *fx, int want, const char *file,
			const char *what)
{
	struct snpu_dataset ds;
	char err[ERR_SIZE] = "";
	int ret;

	memset(&ds, 0x5a, sizeof(ds));
	ret = snpu_dataset_load_fmnist(fx->dir, false, &ds, err, sizeof(err));
	if (ret != want)
		fail_msg("load returned %d, expected %d: %s", ret, want, err);
	if (!want) {
		snpu_dataset_free(&ds);
		return;
	}
	assert_null(ds.x);
	assert_null(ds.y);
	assert_int_equal(ds.n, 0);
	if (!strstr(err, file) || !strstr(err, what))
		fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", err, file, what);
}

/* ---- real files ---------------------------------------------------------- */

static void snpu_dataset_load_fmnist_train_real(void **state)
{
	struct snpu_dataset ds;
	char err[ERR_SIZE] = "";
	uint32_t per_class[10] = { 0 }, i;
	size_t j, npix;
	float lo = 1.0f, hi = 0.0f;
	int ret;

	ret = snpu_dataset_load_fmnist(fmnist_dir(), true, &ds, err,
				       sizeof(err));
	if (ret)
		fail_msg("%s", err);
	assert_int_equal(ds.n, 60000);
	assert_int_equal(ds.c, 1);
	assert_int_equal(ds.h, 28);
	assert_int_equal(ds.w, 28);
	assert_int_equal(ds.classes, 10);
	assert_true(ds.owned);
	for (i = 0; i < ds.n; i++) {
		assert_true(ds.y[i] < 10);
		per_class[ds.y[i]]++;
	}
	/* Every class is well represented (Fashion-MNIST is balanced). */
	for (i = 0; i < 10; i++)
		assert_true(per_class[i] > ds.n / 20);
	npix = (size_t)ds.n * 784;
	for (j = 0; j < npix; j++) {
		float v = ds.x[j];
		long b = lrintf(v * 255.0f);

		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
		/* Each value is exactly some byte / 255. */
		assert_true(b >= 0 && b <= 255);
		assert_true((float)b / 255.0f == v);
	}
	assert_true(lo == 0.0f);
	assert_true(hi == 1.0f);
	snpu_dataset_free(&ds);
	assert_null(ds.x);
}

static void snpu_dataset_load_fmnist_test_matches_raw_bytes(void **state)
{
	struct fixture *fx = *state;
	struct snpu_dataset ds;
	char err[ERR_SIZE] = "";
	size_t j;
	int ret;

	ret = snpu_dataset_load_fmnist(fmnist_dir(), false, &ds, err,
				       sizeof(err));
	if (ret)
		fail_msg("%s", err);
	assert_int_equal(ds.n, 10000);
	assert_int_equal(fx->img_len, 16 + (size_t)ds.n * ds.h * ds.w);
	assert_int_equal(fx->lab_len, 8 + (size_t)ds.n);
	for (j = 0; j < (size_t)ds.n * ds.h * ds.w; j++)
		if (ds.x[j] != (float)fx->img[16 + j] / 255.0f)
			fail_msg("pixel %zu: %g, byte %u", j, (double)ds.x[j],
				 fx->img[16 + j]);
	assert_memory_equal(ds.y, fx->lab + 8, ds.n);
	snpu_dataset_free(&ds);
}

static void snpu_dataset_load_fmnist_reads_plain_files(void **state)
{
	struct fixture *fx = *state;
	struct snpu_dataset ds;
	char err[ERR_SIZE] = "";
	uint8_t *img, *lab;
	size_t il, ll, j;
	int ret;

	img = sub_images(fx, SUB_N, &il);
	lab = sub_labels(fx, SUB_N, &ll);
	write_file(fx->dir, "t10k-images-idx3-ubyte", img, il, 0);
	write_file(fx->dir, "t10k-labels-idx1-ubyte", lab, ll, 0);
	ret = snpu_dataset_load_fmnist(fx->dir, false, &ds, err, sizeof(err));
	if (ret)
		fail_msg("%s", err);
	assert_int_equal(ds.n, SUB_N);
	for (j = 0; j < (size_t)SUB_N * 784; j++)
		assert_true(ds.x[j] == (float)img[16 + j] / 255.0f);
	assert_memory_equal(ds.y, lab + 8, SUB_N);
	snpu_dataset_free(&ds);
	free(img);
	free(lab);
}

/* ---- damaged copies ------------------------------------------------------ */

static void snpu_dataset_load_fmnist_missing_file(void **state)
{
	struct fixture *fx = *state;
	size_t ll;
	uint8_t *lab = sub_labels(fx, SUB_N, &ll);

	/* Labels only: the images file is the one missing. */
	write_file(fx->dir, SNPU_FMNIST_TEST_LABELS, lab, ll, 1);
	free(lab);
	expect_load(fx, -ENOENT, SNPU_FMNIST_TEST_IMAGES, "cannot open");
}

static void snpu_dataset_load_fmnist_wrong_image_magic(void **state)
{
	struct fixture *fx = *state;
	size_t il;
	uint8_t *img = sub_images(fx, SUB_N, &il);

	img[3] = 0x01;	/* a rank-1 magic where rank 3 belongs */
	write_pair(fx, img, il, NULL, 0);
	free(img);
	expect_load(fx, -EINVAL, SNPU_FMNIST_TEST_IMAGES, "magic");
}

static void snpu_dataset_load_fmnist_wrong_label_magic(void **state)
{
	struct fixture *fx = *state;
	size_t ll;
	uint8_t *lab = sub_labels(fx, SUB_N, &ll);

	lab[2] = 0x0d;	/* int32 elements instead of unsigned bytes */
	write_pair(fx, NULL, 0, lab, ll);
	free(lab);
	expect_load(fx, -EINVAL, SNPU_FMNIST_TEST_LABELS, "magic");
}

static void snpu_dataset_load_fmnist_short_header(void **state)
{
	struct fixture *fx = *state;

	write_pair(fx, fx->img, 10, NULL, 0);
	expect_load(fx, -EINVAL, SNPU_FMNIST_TEST_IMAGES, "too short");
}

static void snpu_dataset_load_fmnist_truncated_payload(void **state)
{
	struct fixture *fx = *state;
	size_t il;
	uint8_t *img = sub_images(fx, SUB_N, &il);

	/* A complete gzip stream whose content stops 100 bytes early. */
	write_pair(fx, img, il - 100, NULL, 0);
	free(img);
	expect_load(fx, -EINVAL, SNPU_FMNIST_TEST_IMAGES, "truncated");
}

static void snpu_dataset_load_fmnist_count_mismatch(void **state)
{
	struct fixture *fx = *state;
	size_t ll;
	uint8_t *lab = sub_labels(fx, SUB_N, &ll);

	/* The labels header says one fewer than there are images. */
	put_be32(lab + 4, SUB_N - 1);
	write_pair(fx, NULL, 0, lab, ll);
	free(lab);
	expect_load(fx, -EINVAL, SNPU_FMNIST_TEST_LABELS, "labels for");
}

static void snpu_dataset_load_fmnist_extra_image_bytes(void **state)
{
	struct fixture *fx = *state;
	size_t il;
	uint8_t *img = sub_images(fx, SUB_N + 1, &il);

	/* The payload of SUB_N + 1 images behind a header for SUB_N. */
	put_be32(img + 4, SUB_N);
	write_pair(fx, img, il, NULL, 0);
	free(img);
	expect_load(fx, -EINVAL, SNPU_FMNIST_TEST_IMAGES, "extra bytes");
}

static void snpu_dataset_load_fmnist_label_out_of_range(void **state)
{
	struct fixture *fx = *state;
	size_t ll;
	uint8_t *lab = sub_labels(fx, SUB_N, &ll);

	lab[8 + 123] = 10;
	write_pair(fx, NULL, 0, lab, ll);
	free(lab);
	expect_load(fx, -EINVAL, SNPU_FMNIST_TEST_LABELS, "sample 123");
}

static void snpu_dataset_load_fmnist_bad_extents(void **state)
{
	struct fixture *fx = *state;
	size_t il;
	uint8_t *img = sub_images(fx, SUB_N, &il);

	put_be32(img + 8, 0);	/* zero rows */
	write_pair(fx, img, il, NULL, 0);
	expect_load(fx, -EINVAL, SNPU_FMNIST_TEST_IMAGES, "extents");
	put_be32(img + 8, 28);
	put_be32(img + 12, 5000);	/* absurdly wide */
	write_pair(fx, img, il, NULL, 0);
	free(img);
	expect_load(fx, -EINVAL, SNPU_FMNIST_TEST_IMAGES, "extents");
}

/*
 * A header claiming 2^32 - 1 images of 1024 x 1024 (4 PB of floats) over
 * a small payload: refused as truncated, without trying to allocate it
 * (which ASan would report).
 */
static void snpu_dataset_load_fmnist_huge_header_count(void **state)
{
	struct fixture *fx = *state;
	size_t il, ll;
	uint8_t *img = sub_images(fx, SUB_N, &il);
	uint8_t *lab = sub_labels(fx, SUB_N, &ll);

	put_be32(img + 4, UINT32_MAX);
	put_be32(img + 8, 1024);
	put_be32(img + 12, 1024);
	put_be32(lab + 4, UINT32_MAX);
	write_pair(fx, img, il, lab, ll);
	expect_load(fx, -EINVAL, SNPU_FMNIST_TEST_LABELS, "truncated");
	/* Right count, but 1024 x 1024 images: 1 GB claimed, 784 kB there. */
	put_be32(img + 4, SUB_N);
	write_pair(fx, img, il, NULL, 0);
	free(img);
	free(lab);
	expect_load(fx, -EINVAL, SNPU_FMNIST_TEST_IMAGES, "truncated");
}

static void snpu_dataset_load_fmnist_cut_gzip(void **state)
{
	struct fixture *fx = *state;
	char path[512];
	uint8_t *gz;
	size_t len;

	write_pair(fx, NULL, 0, NULL, 0);
	snprintf(path, sizeof(path), "%s/%s", fx->dir, SNPU_FMNIST_TEST_IMAGES);
	gz = read_file(path, &len);
	/* Half of the compressed stream, no trailer. */
	write_file(fx->dir, SNPU_FMNIST_TEST_IMAGES, gz, len / 2, 0);
	free(gz);
	expect_load(fx, -EIO, SNPU_FMNIST_TEST_IMAGES, "gzip");
}

static void snpu_dataset_load_fmnist_bad_gzip_crc(void **state)
{
	struct fixture *fx = *state;
	char path[512];
	uint8_t *gz;
	size_t len;

	write_pair(fx, NULL, 0, NULL, 0);
	snprintf(path, sizeof(path), "%s/%s", fx->dir, SNPU_FMNIST_TEST_LABELS);
	gz = read_file(path, &len);
	/* The trailer is CRC32 then ISIZE: the data inflates, the check fails. */
	gz[len - 8] ^= 0xff;
	write_file(fx->dir, SNPU_FMNIST_TEST_LABELS, gz, len, 0);
	free(gz);
	expect_load(fx, -EIO, SNPU_FMNIST_TEST_LABELS, "gzip");
}

static void snpu_dataset_load_fmnist_corrupt_gzip_data(void **state)
{
	struct fixture *fx = *state;
	char path[512];
	uint8_t *gz;
	size_t len, i;

	write_pair(fx, NULL, 0, NULL, 0);
	snprintf(path, sizeof(path), "%s/%s", fx->dir, SNPU_FMNIST_TEST_IMAGES);
	gz = read_file(path, &len);
	/* Garbage over a stretch of deflate data in the middle. */
	for (i = len / 2; i < len / 2 + 64; i++)
		gz[i] ^= 0xa5;
	write_file(fx->dir, SNPU_FMNIST_TEST_IMAGES, gz, len, 0);
	free(gz);
	expect_load(fx, -EIO, SNPU_FMNIST_TEST_IMAGES, "gzip");
}

static void snpu_dataset_load_fmnist_rejects_null_dir(void **state)
{
	struct snpu_dataset ds;
	char err[ERR_SIZE] = "";

	assert_int_equal(snpu_dataset_load_fmnist(NULL, true, &ds, err,
						  sizeof(err)), -EINVAL);
	assert_null(ds.x);
	assert_true(err[0] != '\0');
	assert_int_equal(snpu_dataset_load_fmnist("/", true, NULL, err,
						  sizeof(err)), -EINVAL);
}

/* ---- views --------------------------------------------------------------- */

/* A small owned dataset with recognisable contents. */
static void make_ds(struct snpu_dataset *ds, uint32_t n)
{
	uint32_t i;

	memset(ds, 0, sizeof(*ds));
	ds->n = n;
	ds->c = 2;
	ds->h = 3;
	ds->w = 4;
	ds->classes = 10;
	ds->x = malloc((size_t)n * 24 * sizeof(float));
	ds->y = malloc(n);
	assert_non_null(ds->x);
	assert_non_null(ds->y);
	for (i = 0; i < n * 24; i++)
		ds->x[i] = (float)i;
	for (i = 0; i < n; i++)
		ds->y[i] = (uint8_t)(i % 10);
	ds->owned = true;
}

static void snpu_dataset_slice_views_without_copy(void **state)
{
	struct snpu_dataset ds, v;

	make_ds(&ds, 50);
	assert_int_equal(snpu_dataset_slice(&ds, 10, 25, &v), 0);
	assert_int_equal(v.n, 25);
	assert_int_equal(v.c, 2);
	assert_int_equal(v.h, 3);
	assert_int_equal(v.w, 4);
	assert_int_equal(v.classes, 10);
	assert_false(v.owned);
	assert_ptr_equal(v.x, ds.x + 10 * 24);
	assert_ptr_equal(v.y, ds.y + 10);
	assert_true(v.x[0] == 240.0f);
	assert_int_equal(v.y[24], 34 % 10);
	/* The whole set and its last sample are valid views. */
	assert_int_equal(snpu_dataset_slice(&ds, 0, 50, &v), 0);
	assert_int_equal(snpu_dataset_slice(&ds, 49, 1, &v), 0);
	assert_ptr_equal(v.y, ds.y + 49);
	snpu_dataset_free(&ds);
}

static void snpu_dataset_slice_rejects_out_of_range(void **state)
{
	struct snpu_dataset ds, v;

	make_ds(&ds, 50);
	assert_int_equal(snpu_dataset_slice(&ds, 0, 0, &v), -EINVAL);
	assert_int_equal(snpu_dataset_slice(&ds, 50, 1, &v), -EINVAL);
	assert_int_equal(snpu_dataset_slice(&ds, 40, 11, &v), -EINVAL);
	/* first + count wraps around 2^32. */
	assert_int_equal(snpu_dataset_slice(&ds, 10, UINT32_MAX - 5, &v),
			 -EINVAL);
	assert_int_equal(snpu_dataset_slice(NULL, 0, 1, &v), -EINVAL);
	assert_int_equal(snpu_dataset_slice(&ds, 0, 1, NULL), -EINVAL);
	snpu_dataset_free(&ds);
}

static void snpu_dataset_free_of_view_releases_nothing(void **state)
{
	struct snpu_dataset ds, v;

	make_ds(&ds, 20);
	assert_int_equal(snpu_dataset_slice(&ds, 5, 5, &v), 0);
	snpu_dataset_free(&v);
	assert_null(v.x);
	assert_int_equal(v.n, 0);
	/* The parent is intact (ASan would flag a use after free). */
	assert_true(ds.x[5 * 24] == 120.0f);
	assert_int_equal(ds.y[19], 9);
	snpu_dataset_free(&ds);
	snpu_dataset_free(&ds);	/* zeroed: a second free is harmless */
	snpu_dataset_free(NULL);
}

#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, fixture_setup, \
						   fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_dataset_load_fmnist_train_real),
		FX_TEST(snpu_dataset_load_fmnist_test_matches_raw_bytes),
		FX_TEST(snpu_dataset_load_fmnist_reads_plain_files),
		FX_TEST(snpu_dataset_load_fmnist_missing_file),
		FX_TEST(snpu_dataset_load_fmnist_wrong_image_magic),
		FX_TEST(snpu_dataset_load_fmnist_wrong_label_magic),
		FX_TEST(snpu_dataset_load_fmnist_short_header),
		FX_TEST(snpu_dataset_load_fmnist_truncated_payload),
		FX_TEST(snpu_dataset_load_fmnist_count_mismatch),
		FX_TEST(snpu_dataset_load_fmnist_extra_image_bytes),
		FX_TEST(snpu_dataset_load_fmnist_label_out_of_range),
		FX_TEST(snpu_dataset_load_fmnist_bad_extents),
		FX_TEST(snpu_dataset_load_fmnist_huge_header_count),
		FX_TEST(snpu_dataset_load_fmnist_cut_gzip),
		FX_TEST(snpu_dataset_load_fmnist_bad_gzip_crc),
		FX_TEST(snpu_dataset_load_fmnist_corrupt_gzip_data),
		cmocka_unit_test(snpu_dataset_load_fmnist_rejects_null_dir),
		cmocka_unit_test(snpu_dataset_slice_views_without_copy),
		cmocka_unit_test(snpu_dataset_slice_rejects_out_of_range),
		cmocka_unit_test(snpu_dataset_free_of_view_releases_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
