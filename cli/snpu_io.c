// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Device-free half of snpu run and bench; see snpu_io.h.
 *
 * The model is validated here with driver/common/snpu_model_parse.c, the
 * very parser the kernel runs at MODEL_CREATE, so a bad file fails with
 * exit status 4 before any device is opened (and the CLI learns the input
 * and output sizes and the input quantization it needs for .npy files).
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "snpu_io.h"
#include "snpu_model_parse.h"

static const char *snpu_io_errstr(int err)
{
	return err == -EFBIG ? "file too large" : strerror(-err);
}

int snpu_io_model_load(const char *path, struct snpu_io_model *m, FILE *err)
{
	struct snpu_model_view *view;
	const struct snpu_tensor_view *t;
	uint32_t i;
	int ret;

	memset(m, 0, sizeof(*m));
	m->path = path;
	ret = snpu_npy_read_file(path, SNPU_MODEL_MAX_SIZE, &m->blob, &m->size);
	if (ret) {
		fprintf(err, "snpu: %s: cannot read the model: %s%s\n", path,
			snpu_io_errstr(ret), ret == -EFBIG ?
			" (a packed model is at most 64 MiB)" : "");
		return SNPU_EXIT_INPUT;
	}
	view = malloc(sizeof(*view));
	if (!view) {
		fprintf(err, "snpu: out of memory\n");
		snpu_io_model_free(m);
		return SNPU_EXIT_FAIL;
	}
	ret = snpu_model_parse(m->blob, m->size, NULL, view);
	if (ret == -SNPU_MODEL_E_FORMAT_MAJOR) {
		const uint8_t *b = m->blob;
		unsigned int major = b[4] | b[5] << 8;
		unsigned int minor = b[6] | b[7] << 8;

		fprintf(err, "snpu: %s: model format %u.%u is %s than this snpu reads (%u.x): %s\n",
			path, major, minor,
			major > SNPU_MODEL_FORMAT_MAJOR ? "newer" : "older",
			SNPU_MODEL_FORMAT_MAJOR,
			major > SNPU_MODEL_FORMAT_MAJOR ?
			"upgrade snpu, libaccel and the driver" :
			"repack it with the current pruner");
	} else if (ret) {
		fprintf(err, "snpu: %s: not a valid packed model: %s\n", path,
			snpu_model_strerror(ret));
	}
	if (ret) {
		free(view);
		snpu_io_model_free(m);
		return SNPU_EXIT_INPUT;
	}

	t = &view->tensors[view->input];
	m->in_bytes = t->bytes;
	m->out_bytes = view->tensors[view->output].bytes;
	memcpy(&m->in_scale, &t->scale_bits, sizeof(m->in_scale));
	if (!isfinite(m->in_scale) || m->in_scale <= 0.0f)
		m->in_scale = 0.0f;
	m->in_zero_point = t->zero_point;
	m->n_layers = view->n_layers;
	for (i = 0; i < view->n_layers; i++) {
		const struct snpu_layer_view *l = &view->layers[i];

		m->dense_macs += l->macs;
		m->nonzero += l->nonzero;
		m->weights += (uint64_t)l->out_channels * l->k;
	}
	free(view);
	return SNPU_EXIT_OK;
}

void snpu_io_model_free(struct snpu_io_model *m)
{
	free(m->blob);
	m->blob = NULL;
	m->size = 0;
}

int8_t snpu_io_quantize(float x, float scale, int32_t zero_point)
{
	double q = round((double)x / scale) + zero_point;

	if (q < -128.0)
		return -128;
	if (q > 127.0)
		return 127;
	return (int8_t)q;
}

static void snpu_io_shape_str(char *buf, size_t size,
			      const struct snpu_npy_array *a)
{
	size_t n;
	unsigned int i;

	n = snprintf(buf, size, "(");
	for (i = 0; i < a->ndim && n < size; i++)
		n += snprintf(buf + n, size - n, "%s%llu", i ? ", " : "",
			      (unsigned long long)a->shape[i]);
	if (n < size)
		snprintf(buf + n, size - n, "%s)", a->ndim == 1 ? "," : "");
}

/*
 * One .npy input: its samples appended to @dst (room for @max samples).
 * Returns an exit code; *n the samples it holds.
 */
static int snpu_io_npy_input(const char *path, const void *buf, size_t size,
			     const struct snpu_args *a,
			     const struct snpu_io_model *m, int8_t **dst,
			     uint64_t *n, FILE *err)
{
	struct snpu_npy_array arr;
	char shape[200];
	uint64_t samples, per;
	float scale;
	int32_t zp;
	size_t i;
	int8_t *p;
	int ret;

	ret = snpu_npy_parse(buf, size, &arr);
	if (ret) {
		fprintf(err, "snpu: %s: invalid .npy file: %s\n", path,
			snpu_npy_strerror(ret));
		return SNPU_EXIT_INPUT;
	}
	if (arr.dtype == SNPU_NPY_U1) {
		fprintf(err, "snpu: %s: uint8 input is not supported: the model takes int8; save (x - 128) as int8\n",
			path);
		return SNPU_EXIT_INPUT;
	}
	snpu_io_shape_str(shape, sizeof(shape), &arr);
	if (arr.ndim >= 2) {
		samples = arr.shape[0];
		per = samples ? arr.count / samples : 0;
	} else {
		samples = 1;
		per = arr.count;
	}
	if (!samples || per != m->in_bytes) {
		fprintf(err, "snpu: %s: shape %s does not hold samples of %u elements, the model's input (expected (batch, %u) or (%u,))\n",
			path, shape, m->in_bytes, m->in_bytes, m->in_bytes);
		return SNPU_EXIT_INPUT;
	}
	p = realloc(*dst, (size_t)(*n + samples) * m->in_bytes);
	if (!p) {
		fprintf(err, "snpu: out of memory\n");
		return SNPU_EXIT_FAIL;
	}
	*dst = p;
	p += (size_t)*n * m->in_bytes;
	if (arr.dtype == SNPU_NPY_I1) {
		memcpy(p, arr.data, arr.data_bytes);
	} else {
		scale = a->have_scale ? a->input_scale : m->in_scale;
		zp = a->have_zero_point ? a->input_zero_point :
		     m->in_zero_point;
		if (scale <= 0.0f) {
			fprintf(err, "snpu: %s: float32 input needs --input-scale (the model has no input scale)\n",
				path);
			return SNPU_EXIT_USAGE;
		}
		for (i = 0; i < arr.count; i++) {
			float x;

			memcpy(&x, (const char *)arr.data + 4 * i, 4);
			if (isnan(x)) {
				fprintf(err, "snpu: %s: element %zu is NaN\n",
					path, i);
				return SNPU_EXIT_INPUT;
			}
			p[i] = snpu_io_quantize(x, scale, zp);
		}
	}
	*n += samples;
	return SNPU_EXIT_OK;
}

static int snpu_io_raw_input(const char *path, const void *buf, size_t size,
			     const struct snpu_io_model *m, int8_t **dst,
			     uint64_t *n, FILE *err)
{
	int8_t *p;

	if (!size || size % m->in_bytes) {
		fprintf(err, "snpu: %s: raw input of %zu bytes is not a whole number of samples of %u bytes (the model's input)\n",
			path, size, m->in_bytes);
		return SNPU_EXIT_INPUT;
	}
	p = realloc(*dst, (size_t)*n * m->in_bytes + size);
	if (!p) {
		fprintf(err, "snpu: out of memory\n");
		return SNPU_EXIT_FAIL;
	}
	*dst = p;
	memcpy(p + (size_t)*n * m->in_bytes, buf, size);
	*n += size / m->in_bytes;
	return SNPU_EXIT_OK;
}

int snpu_io_inputs_load(const struct snpu_args *a,
			const struct snpu_io_model *m, int8_t **data,
			uint32_t *batch, FILE *err)
{
	int8_t *all = NULL;
	uint64_t n = 0;
	unsigned int i;
	int ret = SNPU_EXIT_OK;

	for (i = 0; i < a->n_inputs && !ret; i++) {
		const char *path = a->inputs[i];
		size_t size;
		void *buf;

		ret = snpu_npy_read_file(path, SNPU_IO_MAX_INPUT_FILE, &buf,
					 &size);
		if (ret) {
			fprintf(err, "snpu: %s: cannot read the input: %s\n",
				path, snpu_io_errstr(ret));
			ret = SNPU_EXIT_INPUT;
			break;
		}
		/* By content, not by name: the magic makes a .npy file. */
		if (size >= 6 && !memcmp(buf, "\x93NUMPY", 6))
			ret = snpu_io_npy_input(path, buf, size, a, m, &all,
						&n, err);
		else
			ret = snpu_io_raw_input(path, buf, size, m, &all, &n,
						err);
		free(buf);
		if (!ret && n > SNPU_MAX_BATCH) {
			fprintf(err, "snpu: the inputs hold more than %u samples\n",
				SNPU_MAX_BATCH);
			ret = SNPU_EXIT_INPUT;
		}
	}
	if (!ret && a->batch && a->batch != n) {
		fprintf(err, "snpu run: --batch %u, but the inputs hold %llu samples of %u bytes\n",
			a->batch, (unsigned long long)n, m->in_bytes);
		ret = SNPU_EXIT_INPUT;
	}
	if (ret) {
		free(all);
		return ret;
	}
	*data = all;
	*batch = (uint32_t)n;
	return SNPU_EXIT_OK;
}

int snpu_io_output_write(const char *path, int raw, const int8_t *data,
			 uint32_t batch, uint32_t bytes, FILE *err)
{
	uint64_t shape[2] = { batch, bytes };
	int ret;

	if (raw)
		ret = snpu_npy_write_file(path, data, (size_t)batch * bytes);
	else
		ret = snpu_npy_save(path, SNPU_NPY_I1, 2, shape, data);
	if (ret) {
		fprintf(err, "snpu: %s: cannot write the output: %s\n", path,
			strerror(-ret));
		return SNPU_EXIT_FAIL;
	}
	return SNPU_EXIT_OK;
}

struct snpu_io_score {
	int8_t v;
	uint32_t i;
};

static int snpu_io_score_cmp(const void *pa, const void *pb)
{
	const struct snpu_io_score *a = pa, *b = pb;

	if (a->v != b->v)
		return a->v > b->v ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

uint32_t snpu_io_top_k(const int8_t *v, uint32_t n, uint32_t k,
		       uint32_t *idx)
{
	struct snpu_io_score *s;
	uint32_t i;

	if (k > n)
		k = n;
	if (!k)
		return 0;
	s = malloc((size_t)n * sizeof(*s));
	if (!s)
		return 0;
	for (i = 0; i < n; i++)
		s[i] = (struct snpu_io_score){ .v = v[i], .i = i };
	qsort(s, n, sizeof(*s), snpu_io_score_cmp);
	for (i = 0; i < k; i++)
		idx[i] = s[i].i;
	free(s);
	return k;
}

void snpu_io_top_k_print(FILE *out, const int8_t *data, uint32_t batch,
			 uint32_t bytes, uint32_t k)
{
	uint32_t *idx, s, i, n;

	if (k > bytes)
		k = bytes;
	idx = calloc(k ? k : 1, sizeof(*idx));
	if (!idx)
		return;
	for (s = 0; s < batch; s++) {
		const int8_t *v = data + (size_t)s * bytes;

		n = snpu_io_top_k(v, bytes, k, idx);
		fprintf(out, "sample %u:", s);
		for (i = 0; i < n; i++)
			fprintf(out, " %u:%d", idx[i], v[idx[i]]);
		fputc('\n', out);
	}
	free(idx);
}
