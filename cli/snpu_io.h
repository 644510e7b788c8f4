/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The device-free half of snpu run and bench: reading and checking the
 * model file, turning input files into one int8 batch, writing outputs,
 * top-k. Every function returns an exit code of snpu_args.h after
 * printing its own message, so the unit tests see what a user sees.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_IO_H
#define SNPU_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "snpu_args.h"

/* Largest input file read (the device limits a job far below this). */
#define SNPU_IO_MAX_INPUT_FILE	(1ull << 30)

/**
 * struct snpu_io_model - a packed model file, checked offline
 * @path: where it came from.
 * @blob: the file's bytes (malloc()ed).
 * @size: bytes at @blob.
 * @in_bytes: bytes of one input sample.
 * @out_bytes: bytes of one output sample.
 * @in_scale: real scale of the input tensor (0 when unusable).
 * @in_zero_point: zero point of the input tensor.
 * @n_layers: layers of the model.
 * @dense_macs: MACs of one sample if every weight were dense.
 * @nonzero: nonzero weights.
 * @weights: weight entries counting zeros (dense equivalent).
 */
struct snpu_io_model {
	const char *path;
	void *blob;
	size_t size;
	uint32_t in_bytes;
	uint32_t out_bytes;
	float in_scale;
	int32_t in_zero_point;
	uint32_t n_layers;
	uint64_t dense_macs;
	uint64_t nonzero;
	uint64_t weights;
};

/*
 * Read @path and validate it with the same parser the driver runs (format
 * only; the device checks its platform at load). SNPU_EXIT_INPUT with a
 * message on @err for a missing, unreadable or invalid file.
 */
int snpu_io_model_load(const char *path, struct snpu_io_model *m, FILE *err);
void snpu_io_model_free(struct snpu_io_model *m);

/*
 * Read every --input of @a into one malloc()ed int8 batch for @m:
 * *batch samples of m->in_bytes. Checks dtypes, shapes, sizes and
 * --batch; quantizes float32. SNPU_EXIT_INPUT on a bad file.
 */
int snpu_io_inputs_load(const struct snpu_args *a,
			const struct snpu_io_model *m, int8_t **data,
			uint32_t *batch, FILE *err);

/* q = clamp(round(x / scale) + zero_point, -128, 127), half away from 0. */
int8_t snpu_io_quantize(float x, float scale, int32_t zero_point);

/*
 * Write @batch samples of @bytes int8 each to @path: .npy of shape
 * (batch, bytes), or raw. SNPU_EXIT_FAIL when writing fails.
 */
int snpu_io_output_write(const char *path, int raw, const int8_t *data,
			 uint32_t batch, uint32_t bytes, FILE *err);

/*
 * The @k (at most @n) largest of @v[0..n) in order, ties by lower index:
 * fills @idx, returns how many.
 */
uint32_t snpu_io_top_k(const int8_t *v, uint32_t n, uint32_t k,
		       uint32_t *idx);

/* Print "sample S: I:V I:V ..." lines for every sample. */
void snpu_io_top_k_print(FILE *out, const int8_t *data, uint32_t batch,
			 uint32_t bytes, uint32_t k);

#endif /* SNPU_IO_H */
