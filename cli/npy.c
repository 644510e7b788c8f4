// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * NumPy .npy reader and writer; see npy.h.
 *
 * The header is a Python literal, so the reader is a tiny recursive
 * descent parser for the one shape numpy writes (a flat dict of a string,
 * a bool and a tuple of ints) rather than anything general: every byte it
 * reads is inside [begin, end) and every number is checked before it is
 * multiplied.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "npy.h"

static const char snpu_npy_magic[6] = { '\x93', 'N', 'U', 'M', 'P', 'Y' };

/* numpy pads the preamble (magic .. header) to this alignment. */
#define SNPU_NPY_ALIGN		64

static const char *const snpu_npy_errors[SNPU_NPY_E_COUNT] = {
	[SNPU_NPY_OK] = "ok",
	[SNPU_NPY_E_TRUNCATED] = "file too short for a .npy preamble",
	[SNPU_NPY_E_MAGIC] = "not a .npy file (no \\x93NUMPY magic)",
	[SNPU_NPY_E_VERSION] = "unsupported .npy format version (1.0 and 2.0 are supported)",
	[SNPU_NPY_E_HEADER_LEN] = "header length runs past the end of the file",
	[SNPU_NPY_E_HEADER_SYNTAX] = "malformed header (expected a dict literal)",
	[SNPU_NPY_E_KEY_UNKNOWN] = "header has a key other than descr, fortran_order, shape",
	[SNPU_NPY_E_KEY_DUPLICATE] = "header repeats a key",
	[SNPU_NPY_E_KEY_MISSING] = "header lacks descr, fortran_order or shape",
	[SNPU_NPY_E_DESCR] = "unsupported dtype (int8 '|i1', uint8 '|u1' and float32 '<f4' are supported)",
	[SNPU_NPY_E_FORTRAN_ORDER] = "fortran_order True is not supported (save a C-contiguous array)",
	[SNPU_NPY_E_SHAPE] = "malformed shape or more than 8 dimensions",
	[SNPU_NPY_E_OVERFLOW] = "shape too large (element count overflows)",
	[SNPU_NPY_E_DATA_TRUNCATED] = "data shorter than the shape says (truncated file?)",
	[SNPU_NPY_E_DATA_TRAILING] = "data longer than the shape says (trailing bytes)",
};

const char *snpu_npy_strerror(int err)
{
	if (err > 0 || -err >= SNPU_NPY_E_COUNT)
		return "unknown .npy error";
	return snpu_npy_errors[-err];
}

size_t snpu_npy_itemsize(enum snpu_npy_dtype dtype)
{
	return dtype == SNPU_NPY_F4 ? 4 : 1;
}

/* ---- reader ------------------------------------------------------------ */

struct snpu_npy_cursor {
	const char *p;
	const char *end;
};

static void snpu_npy_skip_ws(struct snpu_npy_cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

/* Consume @ch after optional whitespace; 0 or -SNPU_NPY_E_HEADER_SYNTAX. */
static int snpu_npy_expect(struct snpu_npy_cursor *c, char ch)
{
	snpu_npy_skip_ws(c);
	if (c->p >= c->end || *c->p != ch)
		return -SNPU_NPY_E_HEADER_SYNTAX;
	c->p++;
	return 0;
}

static int snpu_npy_peek(struct snpu_npy_cursor *c, char ch)
{
	snpu_npy_skip_ws(c);
	return c->p < c->end && *c->p == ch;
}

/* A quoted string without escapes, at most @size - 1 bytes. */
static int snpu_npy_string(struct snpu_npy_cursor *c, char *out, size_t size)
{
	const char *start;
	char quote;
	size_t n;

	snpu_npy_skip_ws(c);
	if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
		return -SNPU_NPY_E_HEADER_SYNTAX;
	quote = *c->p++;
	start = c->p;
	while (c->p < c->end && *c->p != quote) {
		if (*c->p == '\\' || *c->p == '\n')
			return -SNPU_NPY_E_HEADER_SYNTAX;
		c->p++;
	}
	if (c->p >= c->end)
		return -SNPU_NPY_E_HEADER_SYNTAX;
	n = c->p - start;
	c->p++;
	if (n >= size)
		return -SNPU_NPY_E_HEADER_SYNTAX;
	memcpy(out, start, n);
	out[n] = '\0';
	return 0;
}

static int snpu_npy_is_ident(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_';
}

/* The word @w as a whole identifier. */
static int snpu_npy_word(struct snpu_npy_cursor *c, const char *w)
{
	size_t n = strlen(w);

	snpu_npy_skip_ws(c);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n))
		return 0;
	if (c->p + n < c->end && snpu_npy_is_ident(c->p[n]))
		return 0;
	c->p += n;
	return 1;
}

static int snpu_npy_descr(struct snpu_npy_cursor *c, enum snpu_npy_dtype *dt)
{
	char s[16];
	const char *t;
	int ret;

	snpu_npy_skip_ws(c);
	/* A list is a structured dtype: valid numpy, not ours. */
	if (c->p < c->end && *c->p == '[')
		return -SNPU_NPY_E_DESCR;
	ret = snpu_npy_string(c, s, sizeof(s));
	if (ret)
		return ret == -SNPU_NPY_E_HEADER_SYNTAX && c->p < c->end ?
		       -SNPU_NPY_E_DESCR : ret;
	/* One-byte types have no byte order: '|', '<', '>', '=' or none. */
	t = s;
	if (*t == '|' || *t == '<' || *t == '>' || *t == '=')
		t++;
	if (!strcmp(t, "i1") || !strcmp(t, "b")) {
		*dt = SNPU_NPY_I1;
		return 0;
	}
	if (!strcmp(t, "u1") || !strcmp(t, "B")) {
		*dt = SNPU_NPY_U1;
		return 0;
	}
	if (!strcmp(s, "<f4")) {
		*dt = SNPU_NPY_F4;
		return 0;
	}
	return -SNPU_NPY_E_DESCR;
}

static int snpu_npy_shape(struct snpu_npy_cursor *c, struct snpu_npy_array *a)
{
	unsigned int n = 0;

	if (snpu_npy_expect(c, '('))
		return -SNPU_NPY_E_SHAPE;
	for (;;) {
		uint64_t v = 0;
		int digits = 0;

		if (snpu_npy_peek(c, ')'))
			break;
		if (n == SNPU_NPY_MAX_DIMS)
			return -SNPU_NPY_E_SHAPE;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			unsigned int d = *c->p++ - '0';

			if (v > (UINT64_MAX - d) / 10)
				return -SNPU_NPY_E_OVERFLOW;
			v = v * 10 + d;
			digits++;
		}
		if (!digits)
			return -SNPU_NPY_E_SHAPE;
		/* Python 2 wrote longs as 3L. */
		if (c->p < c->end && *c->p == 'L')
			c->p++;
		a->shape[n++] = v;
		if (snpu_npy_peek(c, ','))
			c->p++;
		else if (!snpu_npy_peek(c, ')'))
			return -SNPU_NPY_E_SHAPE;
	}
	c->p++;
	a->ndim = n;
	return 0;
}

enum {
	SNPU_NPY_KEY_DESCR = 1 << 0,
	SNPU_NPY_KEY_FORTRAN = 1 << 1,
	SNPU_NPY_KEY_SHAPE = 1 << 2,
	SNPU_NPY_KEY_ALL = 7,
};

static int snpu_npy_dict(const char *hdr, size_t len, struct snpu_npy_array *a)
{
	struct snpu_npy_cursor c = { hdr, hdr + len };
	unsigned int seen = 0;
	int fortran = 0, ret;

	if (snpu_npy_expect(&c, '{'))
		return -SNPU_NPY_E_HEADER_SYNTAX;
	while (!snpu_npy_peek(&c, '}')) {
		char key[32];
		unsigned int bit;

		ret = snpu_npy_string(&c, key, sizeof(key));
		if (ret)
			return ret;
		if (!strcmp(key, "descr"))
			bit = SNPU_NPY_KEY_DESCR;
		else if (!strcmp(key, "fortran_order"))
			bit = SNPU_NPY_KEY_FORTRAN;
		else if (!strcmp(key, "shape"))
			bit = SNPU_NPY_KEY_SHAPE;
		else
			return -SNPU_NPY_E_KEY_UNKNOWN;
		if (seen & bit)
			return -SNPU_NPY_E_KEY_DUPLICATE;
		seen |= bit;
		if (snpu_npy_expect(&c, ':'))
			return -SNPU_NPY_E_HEADER_SYNTAX;

		if (bit == SNPU_NPY_KEY_DESCR) {
			ret = snpu_npy_descr(&c, &a->dtype);
		} else if (bit == SNPU_NPY_KEY_SHAPE) {
			ret = snpu_npy_shape(&c, a);
		} else if (snpu_npy_word(&c, "False")) {
			fortran = 0;
			ret = 0;
		} else if (snpu_npy_word(&c, "True")) {
			fortran = 1;
			ret = 0;
		} else {
			ret = -SNPU_NPY_E_HEADER_SYNTAX;
		}
		if (ret)
			return ret;

		if (snpu_npy_peek(&c, ','))
			c.p++;
		else if (!snpu_npy_peek(&c, '}'))
			return -SNPU_NPY_E_HEADER_SYNTAX;
	}
	c.p++;
	snpu_npy_skip_ws(&c);
	if (c.p != c.end)
		return -SNPU_NPY_E_HEADER_SYNTAX;
	if (seen != SNPU_NPY_KEY_ALL)
		return -SNPU_NPY_E_KEY_MISSING;
	if (fortran)
		return -SNPU_NPY_E_FORTRAN_ORDER;
	return 0;
}

int snpu_npy_parse(const void *buf, size_t size, struct snpu_npy_array *a)
{
	const unsigned char *b = buf;
	size_t prefix, hlen, count, i, need;
	int ret;

	memset(a, 0, sizeof(*a));
	if (size && memcmp(b, snpu_npy_magic, size < 6 ? size : 6))
		return -SNPU_NPY_E_MAGIC;
	if (size < 8)
		return -SNPU_NPY_E_TRUNCATED;
	if ((b[6] != 1 && b[6] != 2) || b[7] != 0)
		return -SNPU_NPY_E_VERSION;
	a->version = b[6];
	prefix = a->version == 1 ? 10 : 12;
	if (size < prefix)
		return -SNPU_NPY_E_TRUNCATED;
	hlen = b[8] | (size_t)b[9] << 8;
	if (a->version == 2)
		hlen |= (size_t)b[10] << 16 | (size_t)b[11] << 24;
	if (hlen > SNPU_NPY_MAX_HEADER || hlen > size - prefix)
		return -SNPU_NPY_E_HEADER_LEN;

	ret = snpu_npy_dict((const char *)b + prefix, hlen, a);
	if (ret)
		return ret;

	count = 1;
	for (i = 0; i < a->ndim; i++) {
		if (a->shape[i] > SIZE_MAX ||
		    (a->shape[i] && count > SIZE_MAX / a->shape[i]))
			return -SNPU_NPY_E_OVERFLOW;
		count *= a->shape[i];
	}
	if (count > SIZE_MAX / snpu_npy_itemsize(a->dtype))
		return -SNPU_NPY_E_OVERFLOW;
	need = count * snpu_npy_itemsize(a->dtype);
	a->count = count;
	a->data_offset = prefix + hlen;
	if (size - a->data_offset < need)
		return -SNPU_NPY_E_DATA_TRUNCATED;
	if (size - a->data_offset > need)
		return -SNPU_NPY_E_DATA_TRAILING;
	a->data_bytes = need;
	a->data = b + a->data_offset;
	return 0;
}

/* ---- writer ------------------------------------------------------------ */

static const char *snpu_npy_descr_name(enum snpu_npy_dtype dtype)
{
	switch (dtype) {
	case SNPU_NPY_I1:
		return "|i1";
	case SNPU_NPY_U1:
		return "|u1";
	case SNPU_NPY_F4:
		return "<f4";
	}
	return NULL;
}

int snpu_npy_encode(enum snpu_npy_dtype dtype, unsigned int ndim,
		    const uint64_t *shape, const void *data, int version,
		    void **out, size_t *out_size)
{
	const char *descr = snpu_npy_descr_name(dtype);
	char dict[64 + SNPU_NPY_MAX_DIMS * 24];
	size_t n, count = 1, bytes, prefix, hlen, total;
	unsigned int i;
	char *buf;

	if (!descr || ndim > SNPU_NPY_MAX_DIMS || version < 0 || version > 2)
		return -EINVAL;
	n = snprintf(dict, sizeof(dict),
		     "{'descr': '%s', 'fortran_order': False, 'shape': (",
		     descr);
	for (i = 0; i < ndim; i++) {
		if (shape[i] > SIZE_MAX ||
		    (shape[i] && count > SIZE_MAX / shape[i]))
			return -EOVERFLOW;
		count *= shape[i];
		n += snprintf(dict + n, sizeof(dict) - n, "%s%llu",
			      i ? ", " : "", (unsigned long long)shape[i]);
	}
	n += snprintf(dict + n, sizeof(dict) - n, "%s), }",
		      ndim == 1 ? "," : "");
	if (count > SIZE_MAX / snpu_npy_itemsize(dtype))
		return -EOVERFLOW;
	bytes = count * snpu_npy_itemsize(dtype);

	if (!version)
		version = 1;
	prefix = version == 1 ? 10 : 12;
	/* dict + at least the '\n', padded so data starts aligned. */
	total = (prefix + n + 1 + SNPU_NPY_ALIGN - 1) / SNPU_NPY_ALIGN *
		SNPU_NPY_ALIGN;
	hlen = total - prefix;
	if (version == 1 && hlen > 0xffff)
		return -EOVERFLOW;
	if (bytes > SIZE_MAX - total)
		return -EOVERFLOW;

	buf = malloc(total + bytes ? total + bytes : 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, snpu_npy_magic, 6);
	buf[6] = (char)version;
	buf[7] = 0;
	buf[8] = hlen & 0xff;
	buf[9] = (hlen >> 8) & 0xff;
	if (version == 2) {
		buf[10] = (hlen >> 16) & 0xff;
		buf[11] = (hlen >> 24) & 0xff;
	}
	memcpy(buf + prefix, dict, n);
	memset(buf + prefix + n, ' ', hlen - n - 1);
	buf[total - 1] = '\n';
	if (bytes)
		memcpy(buf + total, data, bytes);
	*out = buf;
	*out_size = total + bytes;
	return 0;
}

/* ---- files ------------------------------------------------------------- */

int snpu_npy_read_file(const char *path, size_t max, void **buf, size_t *size)
{
	size_t cap = 0, len = 0;
	char *p = NULL, *q;
	struct stat st;
	ssize_t r;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		ret = -EFBIG;
		goto out;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= max + 1) {
				ret = -EFBIG;
				goto out;
			}
			cap = cap ? cap * 2 : (S_ISREG(st.st_mode) ?
					       (size_t)st.st_size + 1 : 65536);
			if (cap > max + 1)
				cap = max + 1;
			q = realloc(p, cap);
			if (!q) {
				ret = -ENOMEM;
				goto out;
			}
			p = q;
		}
		r = read(fd, p + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		if (!r)
			break;
		len += r;
	}
	if (len > max) {
		ret = -EFBIG;
		goto out;
	}
	*buf = p;
	*size = len;
	p = NULL;
out:
	free(p);
	close(fd);
	return ret;
}

int snpu_npy_write_file(const char *path, const void *data, size_t size)
{
	const char *b = data;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (size) {
		ssize_t w = write(fd, b, size);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		b += w;
		size -= w;
	}
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

int snpu_npy_save(const char *path, enum snpu_npy_dtype dtype,
		  unsigned int ndim, const uint64_t *shape, const void *data)
{
	size_t size;
	void *buf;
	int ret;

	ret = snpu_npy_encode(dtype, ndim, shape, data, 0, &buf, &size);
	if (ret)
		return ret;
	ret = snpu_npy_write_file(path, buf, size);
	free(buf);
	return ret;
}
