// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Fashion-MNIST loader: idx files (http://yann.lecun.com/exdb/mnist/
 * layout, big-endian header then unsigned bytes) through zlib, so gzip
 * and plain files read the same.
 *
 * The header's counts are never trusted for allocation: the payload is
 * read into a buffer that grows as bytes actually arrive, so a corrupt
 * header claiming billions of images costs nothing but an error message.
 * Only once a payload has been read in full (and the gzip CRC checked)
 * are the floats allocated.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "snpu_err.h"
#include "snpu_dataset.h"

#define SNPU_IDX_MAGIC_U8_RANK1	0x00000801u
#define SNPU_IDX_MAGIC_U8_RANK3	0x00000803u
#define SNPU_IDX_MAX_EXTENT	1024u
/* gzread() takes an unsigned int count; read in steps well below it. */
#define SNPU_IDX_CHUNK		(4u << 20)

/* An open idx file and the name its messages use. */
struct snpu_idx_file {
	gzFile f;
	size_t pos;	/* uncompressed bytes read so far */
	char path[4096];
};


static uint32_t snpu_idx_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * Opens @dir/@name; when that does not exist and @name ends in ".gz",
 * the uncompressed name is tried too (a folder someone gunzipped).
 */
static int snpu_idx_open(struct snpu_idx_file *xf, const char *dir,
			 const char *name, char *err, size_t err_size)
{
	size_t len = strlen(name);
	int fd, ret;

	xf->f = NULL;
	xf->pos = 0;
	ret = snprintf(xf->path, sizeof(xf->path), "%s/%s", dir, name);
	if (ret < 0 || (size_t)ret >= sizeof(xf->path)) {
		snpu_errf(err, err_size, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	fd = open(xf->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && len > 3 &&
	    !strcmp(name + len - 3, ".gz")) {
		char plain[sizeof(xf->path)];

		snprintf(plain, sizeof(plain), "%s/%.*s", dir, (int)(len - 3),
			 name);
		fd = open(plain, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			memcpy(xf->path, plain, sizeof(plain));
		else
			errno = ENOENT;
	}
	if (fd < 0) {
		ret = -errno;
		snpu_errf(err, err_size, "%s: cannot open: %s",
				 xf->path, strerror(-ret));
		return ret;
	}
	xf->f = gzdopen(fd, "rb");
	if (!xf->f) {
		close(fd);
		snpu_errf(err, err_size, "%s: out of memory", xf->path);
		return -ENOMEM;
	}
	/* A larger buffer roughly halves the time inflate spends in read(). */
	gzbuffer(xf->f, 256u << 10);
	return 0;
}

/* Closes and reports a CRC or read error zlib only noticed at the end. */
static int snpu_idx_close(struct snpu_idx_file *xf, char *err, size_t err_size)
{
	int zret;

	if (!xf->f)
		return 0;
	zret = gzclose_r(xf->f);
	xf->f = NULL;
	if (zret != Z_OK) {
		snpu_errf(err, err_size, "%s: gzip stream error on close (%d)",
				 xf->path, zret);
		return -EIO;
	}
	return 0;
}

/*
 * Reads up to @len bytes; returns how many arrived (fewer only at the
 * end of the data) or -EIO with the zlib message when the stream is
 * corrupt or cut short.
 */
static ssize_t snpu_idx_read(struct snpu_idx_file *xf, void *buf, size_t len,
			     char *err, size_t err_size)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		size_t want = len - done;
		int got, zerr;

		if (want > SNPU_IDX_CHUNK)
			want = SNPU_IDX_CHUNK;
		got = gzread(xf->f, p + done, (unsigned int)want);
		if (got < 0 || (got == 0 && (gzerror(xf->f, &zerr), zerr))) {
			const char *msg = gzerror(xf->f, &zerr);
			const char *colon = strstr(msg, ": ");

			/* zlib prefixes "<fd:N>: ", which only confuses. */
			if (!strncmp(msg, "<fd:", 4) && colon)
				msg = colon + 2;
			snpu_errf(err, err_size,
					 "%s: corrupt or truncated gzip data at byte %zu of its content: %s",
					 xf->path, xf->pos + done, msg);
			return -EIO;
		}
		if (got == 0)
			break;
		done += (size_t)got;
	}
	xf->pos += done;
	return (ssize_t)done;
}

/*
 * Reads the header of an idx file: the magic must be @magic and the
 * rank's extents go to @dims.
 */
static int snpu_idx_header(struct snpu_idx_file *xf, uint32_t magic,
			   uint32_t rank, uint32_t *dims, char *err,
			   size_t err_size)
{
	uint8_t hdr[16];
	size_t len = 4 + 4 * (size_t)rank;
	ssize_t got;
	uint32_t i, m;

	got = snpu_idx_read(xf, hdr, len, err, err_size);
	if (got < 0)
		return (int)got;
	if ((size_t)got < len) {
		snpu_errf(err, err_size,
				 "%s: %zd bytes, too short for an idx header of %zu",
				 xf->path, got, len);
		return -EINVAL;
	}
	m = snpu_idx_be32(hdr);
	if (m != magic) {
		snpu_errf(err, err_size,
				 "%s: idx magic 0x%08x, expected 0x%08x (unsigned bytes, rank %u)",
				 xf->path, m, magic, rank);
		return -EINVAL;
	}
	for (i = 0; i < rank; i++)
		dims[i] = snpu_idx_be32(hdr + 4 + 4 * i);
	return 0;
}

/*
 * Reads exactly @len payload bytes into a malloc()ed *@out, growing the
 * buffer with the data actually read so that a lying header cannot make
 * us allocate more than the file holds; then checks that nothing follows.
 */
static int snpu_idx_payload(struct snpu_idx_file *xf, size_t len,
			    uint8_t **out, char *err, size_t err_size)
{
	size_t cap = 0, done = 0;
	uint8_t *buf = NULL, extra;
	ssize_t got;
	int ret;

	*out = NULL;
	while (done < len) {
		size_t step;

		if (done == cap) {
			size_t ncap = cap ? cap * 2 : SNPU_IDX_CHUNK;
			uint8_t *nbuf;

			if (ncap > len)
				ncap = len;
			nbuf = realloc(buf, ncap);
			if (!nbuf) {
				snpu_errf(err, err_size, "%s: out of memory",
						 xf->path);
				ret = -ENOMEM;
				goto err_free;
			}
			buf = nbuf;
			cap = ncap;
		}
		step = cap - done;
		got = snpu_idx_read(xf, buf + done, step, err, err_size);
		if (got < 0) {
			ret = (int)got;
			goto err_free;
		}
		done += (size_t)got;
		if ((size_t)got < step)
			break;
	}
	if (done < len) {
		snpu_errf(err, err_size,
				 "%s: truncated: %zu payload bytes, header says %zu",
				 xf->path, done, len);
		ret = -EINVAL;
		goto err_free;
	}
	/* This last read also makes zlib check the gzip trailer (CRC). */
	got = snpu_idx_read(xf, &extra, 1, err, err_size);
	if (got < 0) {
		ret = (int)got;
		goto err_free;
	}
	if (got > 0) {
		snpu_errf(err, err_size,
				 "%s: extra bytes after the %zu the header announces",
				 xf->path, len);
		ret = -EINVAL;
		goto err_free;
	}
	*out = buf;
	return 0;

err_free:
	free(buf);
	return ret;
}

int snpu_dataset_load_fmnist(const char *dir, bool train,
			     struct snpu_dataset *ds, char *err,
			     size_t err_size)
{
	struct snpu_idx_file img = { .f = NULL }, lab = { .f = NULL };
	uint8_t *pix = NULL, *labels = NULL;
	uint32_t idims[3], ldims[1], i;
	float lut[256];
	size_t npix;
	float *x;
	int ret;

	if (!ds)
		return -EINVAL;
	memset(ds, 0, sizeof(*ds));
	if (!dir) {
		snpu_errf(err, err_size, "no dataset folder given");
		return -EINVAL;
	}

	ret = snpu_idx_open(&img, dir, train ? SNPU_FMNIST_TRAIN_IMAGES :
			    SNPU_FMNIST_TEST_IMAGES, err, err_size);
	if (ret)
		return ret;
	ret = snpu_idx_open(&lab, dir, train ? SNPU_FMNIST_TRAIN_LABELS :
			    SNPU_FMNIST_TEST_LABELS, err, err_size);
	if (ret)
		goto out_close;

	/* Both headers first: a count mismatch fails before any payload. */
	ret = snpu_idx_header(&img, SNPU_IDX_MAGIC_U8_RANK3, 3, idims, err,
			      err_size);
	if (ret)
		goto out_close;
	ret = snpu_idx_header(&lab, SNPU_IDX_MAGIC_U8_RANK1, 1, ldims, err,
			      err_size);
	if (ret)
		goto out_close;
	if (!idims[0] || !idims[1] || !idims[2] ||
	    idims[1] > SNPU_IDX_MAX_EXTENT || idims[2] > SNPU_IDX_MAX_EXTENT) {
		snpu_errf(err, err_size,
				 "%s: bad extents %u x %u x %u (1 to %u each image side, at least one image)",
				 img.path, idims[0], idims[1], idims[2],
				 SNPU_IDX_MAX_EXTENT);
		ret = -EINVAL;
		goto out_close;
	}
	if (ldims[0] != idims[0]) {
		snpu_errf(err, err_size, "%s: %u labels for %u images in %s",
				 lab.path, ldims[0], idims[0], img.path);
		ret = -EINVAL;
		goto out_close;
	}

	ret = snpu_idx_payload(&lab, ldims[0], &labels, err, err_size);
	if (ret)
		goto out_close;
	for (i = 0; i < ldims[0]; i++) {
		if (labels[i] >= SNPU_FMNIST_CLASSES) {
			snpu_errf(err, err_size,
					 "%s: label %u of sample %u is not a class (0 to %u)",
					 lab.path, labels[i], i,
					 SNPU_FMNIST_CLASSES - 1);
			ret = -EINVAL;
			goto out_close;
		}
	}

	/* n <= 2^32, extents <= 2^10: the product fits in 64 bits. */
	npix = (size_t)idims[0] * idims[1] * idims[2];
	ret = snpu_idx_payload(&img, npix, &pix, err, err_size);
	if (ret)
		goto out_close;
	ret = snpu_idx_close(&img, err, err_size);
	if (!ret)
		ret = snpu_idx_close(&lab, err, err_size);
	if (ret)
		goto out_close;

	x = malloc(npix * sizeof(*x));
	if (!x) {
		snpu_errf(err, err_size, "%s: out of memory for %zu pixels",
				 img.path, npix);
		ret = -ENOMEM;
		goto out_close;
	}
	for (i = 0; i < 256; i++)
		lut[i] = (float)i / 255.0f;
	for (size_t j = 0; j < npix; j++)
		x[j] = lut[pix[j]];

	ds->n = idims[0];
	ds->c = 1;
	ds->h = idims[1];
	ds->w = idims[2];
	ds->classes = SNPU_FMNIST_CLASSES;
	ds->x = x;
	ds->y = labels;
	ds->owned = true;
	labels = NULL;

out_close:
	/* Errors on close after a failure add nothing to the first message. */
	if (img.f)
		gzclose_r(img.f);
	if (lab.f)
		gzclose_r(lab.f);
	free(pix);
	free(labels);
	return ret;
}

int snpu_dataset_slice(const struct snpu_dataset *ds, uint32_t first,
		       uint32_t count, struct snpu_dataset *view)
{
	size_t per;

	if (!ds || !view || !count || first >= ds->n ||
	    count > ds->n - first)
		return -EINVAL;
	per = (size_t)ds->c * ds->h * ds->w;
	*view = *ds;
	view->n = count;
	view->x = ds->x + (size_t)first * per;
	view->y = ds->y + first;
	view->owned = false;
	return 0;
}

void snpu_dataset_free(struct snpu_dataset *ds)
{
	if (!ds)
		return;
	if (ds->owned) {
		free(ds->x);
		free(ds->y);
	}
	memset(ds, 0, sizeof(*ds));
}
