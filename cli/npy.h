/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * NumPy .npy files: a validating reader and a writer, pure C over byte
 * buffers (plus two file helpers), no device.
 *
 * Format (numpy.lib.format, versions 1.0 and 2.0):
 *
 *   "\x93NUMPY" major minor      8 bytes
 *   header_len                   __le16 (1.0) or __le32 (2.0)
 *   header                       header_len bytes of ASCII: a Python dict
 *                                literal {'descr': ..., 'fortran_order':
 *                                ..., 'shape': (...), } padded with spaces
 *                                and ended by '\n'
 *   data                         the elements, C order
 *
 * The reader takes exactly those three keys, fortran_order False only, the
 * dtypes int8 ('|i1'), uint8 ('|u1') and little-endian float32 ('<f4'),
 * up to SNPU_NPY_MAX_DIMS dimensions, and data of exactly the size the
 * shape gives. Every length and product is checked for overflow before
 * use; anything else is refused with its own error code.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_NPY_H
#define SNPU_NPY_H

#include <stddef.h>
#include <stdint.h>

#define SNPU_NPY_MAX_DIMS	8
/* Largest header the reader accepts (numpy's own limit is 10000 for 1.0). */
#define SNPU_NPY_MAX_HEADER	(1u << 20)

enum snpu_npy_dtype {
	SNPU_NPY_I1,		/* int8 */
	SNPU_NPY_U1,		/* uint8 */
	SNPU_NPY_F4,		/* little-endian IEEE-754 binary32 */
};

/* Reader errors: snpu_npy_parse() returns the negated value. */
enum snpu_npy_error {
	SNPU_NPY_OK = 0,
	SNPU_NPY_E_TRUNCATED,		/* shorter than the fixed preamble */
	SNPU_NPY_E_MAGIC,		/* not "\x93NUMPY" */
	SNPU_NPY_E_VERSION,		/* version other than 1.0 / 2.0 */
	SNPU_NPY_E_HEADER_LEN,		/* header runs past the end / too big */
	SNPU_NPY_E_HEADER_SYNTAX,	/* not a dict literal we can read */
	SNPU_NPY_E_KEY_UNKNOWN,		/* a key other than the three */
	SNPU_NPY_E_KEY_DUPLICATE,	/* a key given twice */
	SNPU_NPY_E_KEY_MISSING,		/* descr, fortran_order or shape absent */
	SNPU_NPY_E_DESCR,		/* dtype not i1, u1 or <f4 */
	SNPU_NPY_E_FORTRAN_ORDER,	/* fortran_order True */
	SNPU_NPY_E_SHAPE,		/* malformed shape or too many dims */
	SNPU_NPY_E_OVERFLOW,		/* element count or byte size overflows */
	SNPU_NPY_E_DATA_TRUNCATED,	/* fewer data bytes than the shape */
	SNPU_NPY_E_DATA_TRAILING,	/* more data bytes than the shape */
	SNPU_NPY_E_COUNT
};

/**
 * struct snpu_npy_array - a parsed array; @data points into the buffer
 * @dtype: element type.
 * @ndim: dimensions, 0 (a scalar) to %SNPU_NPY_MAX_DIMS.
 * @shape: extent of each dimension.
 * @count: elements (1 for a scalar).
 * @version: file format major version, 1 or 2.
 * @data_offset: offset of the first element in the buffer.
 * @data_bytes: bytes of element data.
 * @data: the elements.
 */
struct snpu_npy_array {
	enum snpu_npy_dtype dtype;
	unsigned int ndim;
	uint64_t shape[SNPU_NPY_MAX_DIMS];
	uint64_t count;
	unsigned int version;
	size_t data_offset;
	size_t data_bytes;
	const void *data;
};

/* Bytes of one element. */
size_t snpu_npy_itemsize(enum snpu_npy_dtype dtype);

/* Parse @size bytes at @buf. Returns 0 or a negative enum snpu_npy_error. */
int snpu_npy_parse(const void *buf, size_t size, struct snpu_npy_array *a);

/* One sentence for 0 or a negative enum snpu_npy_error; never NULL. */
const char *snpu_npy_strerror(int err);

/**
 * snpu_npy_encode() - build a whole .npy file in memory
 * @dtype: %SNPU_NPY_I1 or %SNPU_NPY_F4 (or %SNPU_NPY_U1).
 * @ndim: dimensions, 0 to %SNPU_NPY_MAX_DIMS.
 * @shape: extents.
 * @data: count * itemsize bytes, C order.
 * @version: 1 or 2, or 0 for 1.0 unless the header needs 2.0.
 * @out: receives a malloc()ed buffer the caller frees.
 * @out_size: its size.
 *
 * The preamble is padded to a multiple of 64 bytes, as numpy does.
 * Return: 0, -EINVAL for bad arguments, -EOVERFLOW, -ENOMEM.
 */
int snpu_npy_encode(enum snpu_npy_dtype dtype, unsigned int ndim,
		    const uint64_t *shape, const void *data, int version,
		    void **out, size_t *out_size);

/* Read a whole file into a malloc()ed buffer. 0 or -errno (-EFBIG). */
int snpu_npy_read_file(const char *path, size_t max, void **buf,
		       size_t *size);

/* snpu_npy_encode() then write @path. 0 or -errno. */
int snpu_npy_save(const char *path, enum snpu_npy_dtype dtype,
		  unsigned int ndim, const uint64_t *shape, const void *data);

/* Write @size bytes to @path (created or truncated). 0 or -errno. */
int snpu_npy_write_file(const char *path, const void *data, size_t size);

#endif /* SNPU_NPY_H */
