// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Packer: dense int8 graph -> packed .snpu model. See snpu_pack.h and
 * docs/model-format.md.
 *
 * Each weighted layer is first encoded into its own buffers (values and
 * metadata), so that every size is known before the blob is laid out:
 *
 *   0      header (64 bytes)
 *   64     tensor table
 *   ...    layer table
 *   ...    per layer: weights, meta, bias, requant, each 8-byte aligned
 *
 * Alignment padding is zero. The finished blob is run through
 * snpu_model_parse(): a packer that writes what the parser rejects is a
 * bug, reported as such instead of handed to the device.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_err.h"
#include "snpu_crc32.h"
#include "snpu_model_parse.h"
#include "snpu_names.h"
#include "snpu_pack.h"

#define SNPU_PACK_HDR_SIZE	sizeof(struct snpu_model_header)
#define SNPU_PACK_TENSOR_SIZE	sizeof(struct snpu_model_tensor)
#define SNPU_PACK_LAYER_SIZE	sizeof(struct snpu_model_layer)

/* A CSR delta is 4 bits: gaps above this need filler entries. */
#define SNPU_PACK_CSR_MAX_DELTA	15u

/* One layer's encoded weights, owned by the packer until assembly. */
struct snpu_pack_enc {
	uint8_t *weights;
	size_t weights_size;
	uint8_t *meta;
	size_t meta_size;
	uint32_t nnz;
	/* Offsets in the blob, set at layout time. */
	size_t weights_off, meta_off, bias_off, requant_off;
};

/* What the encoders need to know about one weight matrix. */
struct snpu_pack_matrix {
	uint32_t layer;
	const int8_t *w;
	uint32_t rows;	/* out_channels */
	uint32_t k;
};


static size_t snpu_pack_align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

/* The op's name for messages; out of range ones too. */
static const char *snpu_pack_op_name(uint32_t op)
{
	const char *name = snpu_op_name(op);

	return name ? name : "unknown op";
}

static int8_t snpu_pack_at(const struct snpu_pack_matrix *m, uint32_t r,
			   uint32_t c)
{
	if (r >= m->rows || c >= m->k)
		return 0;
	return m->w[(size_t)r * m->k + c];
}

static int snpu_pack_dense(const struct snpu_pack_matrix *m,
			   struct snpu_pack_enc *e)
{
	size_t n = (size_t)m->rows * m->k;

	e->weights = malloc(n ? n : 1);
	if (!e->weights)
		return -ENOMEM;
	memcpy(e->weights, m->w, n);
	e->weights_size = n;
	e->nnz = (uint32_t)n;
	return 0;
}

/*
 * Walks the CSR entries of @m: with @e->weights NULL it only counts them,
 * else it stores them. Entries are the nonzeros plus the fillers that
 * bridge gaps the 4-bit delta cannot span.
 */
static void snpu_pack_csr_walk(const struct snpu_pack_matrix *m,
			       struct snpu_pack_enc *e)
{
	uint8_t *deltas = e->meta ? e->meta + 4 * ((size_t)m->rows + 1) : NULL;
	size_t j = 0;
	uint32_t r, c;

	for (r = 0; r < m->rows; r++) {
		/* Column of the row's last entry, or -1 before the first. */
		int64_t prev = -1;

		if (e->meta)
			snpu_put_le32(e->meta + 4 * r, (uint32_t)j);
		for (c = 0; c < m->k; c++) {
			int8_t v = m->w[(size_t)r * m->k + c];
			uint32_t delta;

			if (!v)
				continue;
			/*
			 * The first entry's delta is its column (0..15); a
			 * first nonzero further out starts with a filler at
			 * column 15, and each filler steps 15 on.
			 */
			if (prev < 0 && c > SNPU_PACK_CSR_MAX_DELTA) {
				if (e->weights) {
					e->weights[j] = 0;
					deltas[j / 2] |= SNPU_PACK_CSR_MAX_DELTA
							 << (4 * (j % 2));
				}
				j++;
				prev = SNPU_PACK_CSR_MAX_DELTA;
			}
			while (prev >= 0 && c - prev > SNPU_PACK_CSR_MAX_DELTA) {
				if (e->weights) {
					e->weights[j] = 0;
					deltas[j / 2] |= SNPU_PACK_CSR_MAX_DELTA
							 << (4 * (j % 2));
				}
				j++;
				prev += SNPU_PACK_CSR_MAX_DELTA;
			}
			delta = prev < 0 ? c : (uint32_t)(c - prev);
			if (e->weights) {
				e->weights[j] = (uint8_t)v;
				deltas[j / 2] |= delta << (4 * (j % 2));
			}
			j++;
			prev = c;
		}
	}
	if (e->meta)
		snpu_put_le32(e->meta + 4 * (size_t)m->rows, (uint32_t)j);
	e->weights_size = j;
}

void snpu_pack_csr_fill(uint8_t *mask, uint32_t rows, uint32_t k)
{
	for (uint32_t r = 0; r < rows; r++) {
		uint8_t *row = mask + (size_t)r * k;
		int64_t prev = -1;

		/* the same steps as snpu_pack_csr_walk() takes for fillers */
		for (uint32_t c = 0; c < k; c++) {
			if (!row[c])
				continue;
			if (prev < 0 && c > SNPU_PACK_CSR_MAX_DELTA) {
				prev = SNPU_PACK_CSR_MAX_DELTA;
				row[prev] = 1;
			}
			while (prev >= 0 && c - prev > SNPU_PACK_CSR_MAX_DELTA) {
				prev += SNPU_PACK_CSR_MAX_DELTA;
				row[prev] = 1;
			}
			prev = c;
		}
	}
}

static int snpu_pack_csr(const struct snpu_pack_matrix *m,
			 struct snpu_pack_enc *e, char *err, size_t err_size)
{
	size_t nnz;

	snpu_pack_csr_walk(m, e);
	nnz = e->weights_size;
	if (nnz > SNPU_MODEL_MAX_SIZE) {
		snpu_errf(err, err_size,
			      "layer %u: %zu CSR entries do not fit a model",
			      m->layer, nnz);
		return -EINVAL;
	}
	e->meta_size = 4 * ((size_t)m->rows + 1) + (nnz + 1) / 2;
	e->weights = malloc(nnz ? nnz : 1);
	e->meta = calloc(1, e->meta_size);
	if (!e->weights || !e->meta)
		return -ENOMEM;
	snpu_pack_csr_walk(m, e);
	e->nnz = (uint32_t)nnz;
	return 0;
}

static int snpu_pack_nm_enc(const struct snpu_pack_matrix *m, uint32_t variant,
			    struct snpu_pack_enc *e, char *err,
			    size_t err_size)
{
	uint32_t n, mm, groups, r, g, p, kept;
	uint8_t mask;
	size_t gi = 0, vi = 0;

	snpu_nm_dims(variant, &n, &mm);
	groups = (m->k + mm - 1) / mm;
	e->meta_size = (size_t)m->rows * groups;
	e->weights_size = e->meta_size * n;
	if (e->weights_size > SNPU_MODEL_MAX_SIZE) {
		snpu_errf(err, err_size,
			      "layer %u: N:M weights of %zu bytes do not fit a model",
			      m->layer, e->weights_size);
		return -EINVAL;
	}
	e->meta = malloc(e->meta_size ? e->meta_size : 1);
	e->weights = malloc(e->weights_size ? e->weights_size : 1);
	if (!e->meta || !e->weights)
		return -ENOMEM;

	for (r = 0; r < m->rows; r++) {
		for (g = 0; g < groups; g++) {
			mask = 0;
			kept = 0;
			for (p = 0; p < mm; p++) {
				if (snpu_pack_at(m, r, g * mm + p)) {
					mask |= 1u << p;
					kept++;
				}
			}
			if (kept > n) {
				snpu_errf(err, err_size,
					      "layer %u: row %u, group %u (columns %u..%u) has %u nonzero weights; N:M %u:%u keeps at most %u",
					      m->layer, r, g, g * mm,
					      g * mm + mm - 1, kept, n, mm, n);
				return -EINVAL;
			}
			/*
			 * Fill up to exactly N with kept zeros, lowest
			 * positions first, real columns before padding.
			 */
			for (p = 0; p < mm && kept < n; p++) {
				if (!(mask & (1u << p)) && g * mm + p < m->k) {
					mask |= 1u << p;
					kept++;
				}
			}
			for (p = 0; p < mm && kept < n; p++) {
				if (!(mask & (1u << p))) {
					mask |= 1u << p;
					kept++;
				}
			}
			e->meta[gi++] = mask;
			for (p = 0; p < mm; p++)
				if (mask & (1u << p))
					e->weights[vi++] = (uint8_t)
						snpu_pack_at(m, r, g * mm + p);
		}
	}
	e->nnz = (uint32_t)e->weights_size;
	return 0;
}

static int snpu_pack_block_enc(const struct snpu_pack_matrix *m,
			       uint32_t variant, struct snpu_pack_enc *e,
			       char *err, size_t err_size)
{
	uint32_t br, bc, nbr, nbc, i, j, b, c, x, y;
	size_t nblocks = 0, vi = 0, ci;
	bool any;

	snpu_block_dims(variant, &br, &bc);
	nbr = (m->rows + br - 1) / br;
	nbc = (m->k + bc - 1) / bc;
	if (nbc > 0xffff) {
		snpu_errf(err, err_size,
			      "layer %u: k = %u needs %u block columns of %u; the 16-bit block index allows 65535",
			      m->layer, m->k, nbc, bc);
		return -EINVAL;
	}

	/* Count first: sizes decide the buffers. */
	for (b = 0; b < nbr; b++) {
		for (c = 0; c < nbc; c++) {
			any = false;
			for (y = 0; y < br && !any; y++)
				for (x = 0; x < bc && !any; x++)
					any = snpu_pack_at(m, b * br + y,
							   c * bc + x);
			nblocks += any;
		}
	}
	e->weights_size = nblocks * br * bc;
	e->meta_size = 4 * ((size_t)nbr + 1) + 2 * nblocks;
	if (e->weights_size > SNPU_MODEL_MAX_SIZE) {
		snpu_errf(err, err_size,
			      "layer %u: %zu blocks do not fit a model",
			      m->layer, nblocks);
		return -EINVAL;
	}
	e->meta = malloc(e->meta_size);
	e->weights = malloc(e->weights_size ? e->weights_size : 1);
	if (!e->meta || !e->weights)
		return -ENOMEM;

	ci = 4 * ((size_t)nbr + 1);
	nblocks = 0;
	for (b = 0; b < nbr; b++) {
		snpu_put_le32(e->meta + 4 * b, (uint32_t)nblocks);
		for (c = 0; c < nbc; c++) {
			any = false;
			for (y = 0; y < br && !any; y++)
				for (x = 0; x < bc && !any; x++)
					any = snpu_pack_at(m, b * br + y,
							   c * bc + x);
			if (!any)
				continue;
			snpu_put_le16(e->meta + ci, (uint16_t)c);
			ci += 2;
			for (i = 0; i < br; i++)
				for (j = 0; j < bc; j++)
					e->weights[vi++] = (uint8_t)
						snpu_pack_at(m, b * br + i,
							     c * bc + j);
			nblocks++;
		}
	}
	snpu_put_le32(e->meta + 4 * (size_t)nbr, (uint32_t)nblocks);
	e->nnz = (uint32_t)nblocks;
	return 0;
}

/*
 * Checks what the encoders rely on (indices, shapes, pointers) and
 * derives K. Everything else is left to snpu_model_parse() at the end.
 */
static int snpu_pack_check_layer(const struct snpu_pack_model *model,
				 uint32_t i, uint32_t *k, char *err,
				 size_t err_size)
{
	const struct snpu_pack_layer *l = &model->layers[i];
	const struct snpu_pack_tensor *in;
	uint64_t kk;
	uint32_t n, m;

	if (l->op >= SNPU_OP_COUNT) {
		snpu_errf(err, err_size, "layer %u: unknown op %u", i,
			      l->op);
		return -EINVAL;
	}
	if (l->input >= model->n_tensors || l->output >= model->n_tensors ||
	    (l->op == SNPU_OP_ADD && l->input2 >= model->n_tensors)) {
		snpu_errf(err, err_size,
			      "layer %u (%s): tensor index out of range (%u tensors)",
			      i, snpu_pack_op_name(l->op), model->n_tensors);
		return -EINVAL;
	}
	*k = 0;
	if (!snpu_model_op_has_weights(l->op))
		return 0;

	if (!l->weights || !l->bias || !l->mult || !l->shift) {
		snpu_errf(err, err_size,
			      "layer %u (%s): weights, bias, mult and shift are required",
			      i, snpu_pack_op_name(l->op));
		return -EINVAL;
	}
	if (!l->out_channels || l->out_channels > SNPU_MODEL_MAX_DIM) {
		snpu_errf(err, err_size,
			      "layer %u (%s): out_channels %u not in 1..%u", i,
			      snpu_pack_op_name(l->op), l->out_channels,
			      SNPU_MODEL_MAX_DIM);
		return -EINVAL;
	}
	switch (l->encoding) {
	case SNPU_ENC_DENSE:
	case SNPU_ENC_CSR:
		if (l->variant) {
			snpu_errf(err, err_size,
				      "layer %u (%s): variant %u given for an encoding without variants",
				      i, snpu_pack_op_name(l->op), l->variant);
			return -EINVAL;
		}
		break;
	case SNPU_ENC_NM:
		if (!snpu_nm_dims(l->variant, &n, &m)) {
			snpu_errf(err, err_size,
				      "layer %u (%s): unknown N:M pattern %u", i,
				      snpu_pack_op_name(l->op), l->variant);
			return -EINVAL;
		}
		break;
	case SNPU_ENC_BLOCK:
		if (!snpu_block_dims(l->variant, &n, &m)) {
			snpu_errf(err, err_size,
				      "layer %u (%s): unknown block shape %u", i,
				      snpu_pack_op_name(l->op), l->variant);
			return -EINVAL;
		}
		break;
	default:
		snpu_errf(err, err_size, "layer %u (%s): unknown encoding %u",
			      i, snpu_pack_op_name(l->op), l->encoding);
		return -EINVAL;
	}

	in = &model->tensors[l->input];
	if (l->op == SNPU_OP_FC) {
		kk = (uint64_t)in->h * in->w * in->c;
	} else {
		if (!l->groups || in->c % l->groups) {
			snpu_errf(err, err_size,
				      "layer %u (conv2d): groups %u does not divide the %u input channels",
				      i, l->groups, in->c);
			return -EINVAL;
		}
		kk = (uint64_t)l->kernel_h * l->kernel_w * (in->c / l->groups);
	}
	if (!kk || kk > SNPU_MODEL_MAX_K) {
		snpu_errf(err, err_size,
			      "layer %u (%s): weight matrix width k = %llu not in 1..%u",
			      i, snpu_pack_op_name(l->op),
			      (unsigned long long)kk,
			      (unsigned int)SNPU_MODEL_MAX_K);
		return -EINVAL;
	}
	if ((uint64_t)l->out_channels * kk > SNPU_MODEL_MAX_SIZE) {
		snpu_errf(err, err_size,
			      "layer %u (%s): %u x %llu weight matrix exceeds the %u-byte model limit",
			      i, snpu_pack_op_name(l->op), l->out_channels,
			      (unsigned long long)kk, SNPU_MODEL_MAX_SIZE);
		return -EINVAL;
	}
	*k = (uint32_t)kk;
	return 0;
}

static int snpu_pack_encode(const struct snpu_pack_layer *l, uint32_t i,
			    uint32_t k, struct snpu_pack_enc *e, char *err,
			    size_t err_size)
{
	struct snpu_pack_matrix m = {
		.layer = i, .w = l->weights, .rows = l->out_channels, .k = k,
	};
	int ret;

	switch (l->encoding) {
	case SNPU_ENC_DENSE:
		ret = snpu_pack_dense(&m, e);
		break;
	case SNPU_ENC_CSR:
		ret = snpu_pack_csr(&m, e, err, err_size);
		break;
	case SNPU_ENC_NM:
		ret = snpu_pack_nm_enc(&m, l->variant, e, err, err_size);
		break;
	default:
		ret = snpu_pack_block_enc(&m, l->variant, e, err, err_size);
		break;
	}
	if (ret == -ENOMEM)
		snpu_errf(err, err_size,
			      "layer %u (%s): out of memory encoding the weights",
			      i, snpu_pack_op_name(l->op));
	return ret;
}

static void snpu_pack_write_header(uint8_t *b, const struct snpu_pack_model *mdl,
				   size_t size, size_t tensor_off,
				   size_t layer_off)
{
#define SNPU_PACK_HDR(bits, field, v) \
	snpu_put_le##bits(b + offsetof(struct snpu_model_header, field), (v))
	SNPU_PACK_HDR(32, magic, SNPU_MODEL_MAGIC);
	SNPU_PACK_HDR(16, format_major, SNPU_MODEL_FORMAT_MAJOR);
	SNPU_PACK_HDR(16, format_minor, SNPU_MODEL_FORMAT_MINOR);
	SNPU_PACK_HDR(32, size, (uint32_t)size);
	SNPU_PACK_HDR(32, header_size, SNPU_PACK_HDR_SIZE);
	SNPU_PACK_HDR(32, tensor_count, mdl->n_tensors);
	SNPU_PACK_HDR(32, tensor_offset, (uint32_t)tensor_off);
	SNPU_PACK_HDR(32, layer_count, mdl->n_layers);
	SNPU_PACK_HDR(32, layer_offset, (uint32_t)layer_off);
	SNPU_PACK_HDR(32, input_tensor, mdl->input);
	SNPU_PACK_HDR(32, output_tensor, mdl->output);
#undef SNPU_PACK_HDR
}

static void snpu_pack_write_tensor(uint8_t *p, const struct snpu_pack_tensor *t)
{
	uint32_t scale;

	memcpy(&scale, &t->scale, sizeof(scale));
#define SNPU_PACK_T(field, v) \
	snpu_put_le32(p + offsetof(struct snpu_model_tensor, field), (v))
	SNPU_PACK_T(height, t->h);
	SNPU_PACK_T(width, t->w);
	SNPU_PACK_T(channels, t->c);
	SNPU_PACK_T(zero_point, (uint32_t)t->zero_point);
	SNPU_PACK_T(scale, scale);
#undef SNPU_PACK_T
}

static void snpu_pack_write_layer(uint8_t *p, const struct snpu_pack_layer *l,
				  const struct snpu_pack_enc *e)
{
	bool w = snpu_model_op_has_weights(l->op);

#define SNPU_PACK_L(bits, field, v) \
	snpu_put_le##bits(p + offsetof(struct snpu_model_layer, field), (v))
	SNPU_PACK_L(16, op, (uint16_t)l->op);
	SNPU_PACK_L(16, encoding, (uint16_t)l->encoding);
	SNPU_PACK_L(16, variant, (uint16_t)l->variant);
	SNPU_PACK_L(32, input, l->input);
	SNPU_PACK_L(32, input2,
		    l->op == SNPU_OP_ADD ? l->input2 : SNPU_MODEL_NONE);
	SNPU_PACK_L(32, output, l->output);
	SNPU_PACK_L(16, kernel_h, l->kernel_h);
	SNPU_PACK_L(16, kernel_w, l->kernel_w);
	SNPU_PACK_L(16, stride_h, l->stride_h);
	SNPU_PACK_L(16, stride_w, l->stride_w);
	SNPU_PACK_L(16, dilation_h, l->dilation_h);
	SNPU_PACK_L(16, dilation_w, l->dilation_w);
	SNPU_PACK_L(16, pad_top, l->pad_top);
	SNPU_PACK_L(16, pad_left, l->pad_left);
	SNPU_PACK_L(16, pad_bottom, l->pad_bottom);
	SNPU_PACK_L(16, pad_right, l->pad_right);
	SNPU_PACK_L(32, groups, l->groups);
	SNPU_PACK_L(32, out_channels, l->out_channels);
	if (w) {
		SNPU_PACK_L(32, nnz, e->nnz);
		SNPU_PACK_L(32, weights_offset, (uint32_t)e->weights_off);
		SNPU_PACK_L(32, weights_size, (uint32_t)e->weights_size);
		SNPU_PACK_L(32, meta_offset, (uint32_t)e->meta_off);
		SNPU_PACK_L(32, meta_size, (uint32_t)e->meta_size);
		SNPU_PACK_L(32, bias_offset, (uint32_t)e->bias_off);
		SNPU_PACK_L(32, requant_offset, (uint32_t)e->requant_off);
	}
	SNPU_PACK_L(32, act_min, (uint32_t)l->act_min);
	SNPU_PACK_L(32, act_max, (uint32_t)l->act_max);
	SNPU_PACK_L(32, add_left_shift, l->add_left_shift);
	SNPU_PACK_L(32, add_in1_mult, (uint32_t)l->add_in1_mult);
	SNPU_PACK_L(32, add_in1_shift, (uint32_t)l->add_in1_shift);
	SNPU_PACK_L(32, add_in2_mult, (uint32_t)l->add_in2_mult);
	SNPU_PACK_L(32, add_in2_shift, (uint32_t)l->add_in2_shift);
	SNPU_PACK_L(32, add_out_mult, (uint32_t)l->add_out_mult);
	SNPU_PACK_L(32, add_out_shift, (uint32_t)l->add_out_shift);
#undef SNPU_PACK_L
}

/*
 * Finds the first layer the parser rejects, by parsing the prefixes of
 * the model (layers 0..i, with layer i's output as the model output).
 * Returns the layer, or -1 when every prefix passes (a model-level
 * problem such as the output tensor never being written). Rewrites the
 * blob's header: only for the error path.
 */
static int snpu_pack_blame(uint8_t *b, size_t size,
			   const struct snpu_pack_model *model,
			   struct snpu_model_view *view)
{
	uint32_t i;

	for (i = 0; i < model->n_layers; i++) {
		snpu_put_le32(b + offsetof(struct snpu_model_header,
					    layer_count), i + 1);
		snpu_put_le32(b + offsetof(struct snpu_model_header,
					    output_tensor),
			       model->layers[i].output);
		snpu_put_le32(b + offsetof(struct snpu_model_header, crc32),
			       snpu_crc32(0, b + SNPU_MODEL_CRC_START,
					  size - SNPU_MODEL_CRC_START));
		if (snpu_model_parse(b, size, NULL, view))
			return (int)i;
	}
	return -1;
}

static void snpu_pack_free_encs(struct snpu_pack_enc *encs, uint32_t n)
{
	uint32_t i;

	if (!encs)
		return;
	for (i = 0; i < n; i++) {
		free(encs[i].weights);
		free(encs[i].meta);
	}
	free(encs);
}

int snpu_pack(const struct snpu_pack_model *model, void **blob, size_t *size,
	      struct snpu_pack_stats *stats, char *err, size_t err_size)
{
	struct snpu_pack_stats st = { 0 };
	struct snpu_model_view *view = NULL;
	struct snpu_pack_enc *encs = NULL;
	const struct snpu_pack_layer *l;
	size_t tensor_off, layer_off, off, oc;
	uint8_t *b = NULL;
	uint32_t i, k;
	int ret;

	if (err && err_size)
		err[0] = '\0';
	*blob = NULL;
	*size = 0;

	if (!model || !model->tensors || !model->layers ||
	    model->n_tensors < 2 || model->n_tensors > SNPU_MODEL_MAX_TENSORS ||
	    model->n_layers < 1 || model->n_layers > SNPU_MODEL_MAX_LAYERS) {
		snpu_errf(err, err_size,
			      "model needs 2..%u tensors and 1..%u layers",
			      SNPU_MODEL_MAX_TENSORS, SNPU_MODEL_MAX_LAYERS);
		return -EINVAL;
	}
	for (i = 0; i < model->n_tensors; i++) {
		const struct snpu_pack_tensor *t = &model->tensors[i];

		if (!t->h || !t->w || !t->c || t->h > SNPU_MODEL_MAX_DIM ||
		    t->w > SNPU_MODEL_MAX_DIM || t->c > SNPU_MODEL_MAX_DIM) {
			snpu_errf(err, err_size,
				      "tensor %u: dimensions %ux%ux%u not in 1..%u",
				      i, t->h, t->w, t->c, SNPU_MODEL_MAX_DIM);
			return -EINVAL;
		}
		if ((uint64_t)t->h * t->w * t->c >
		    SNPU_MODEL_MAX_TENSOR_BYTES) {
			snpu_errf(err, err_size,
				      "tensor %u: %ux%ux%u is over the %u-byte tensor limit",
				      i, t->h, t->w, t->c,
				      SNPU_MODEL_MAX_TENSOR_BYTES);
			return -EINVAL;
		}
		if (t->zero_point < -128 || t->zero_point > 127) {
			snpu_errf(err, err_size,
				      "tensor %u: zero point %d is not an int8",
				      i, t->zero_point);
			return -EINVAL;
		}
	}

	encs = calloc(model->n_layers, sizeof(*encs));
	if (!encs) {
		snpu_errf(err, err_size, "out of memory");
		return -ENOMEM;
	}

	tensor_off = SNPU_PACK_HDR_SIZE;
	layer_off = tensor_off + SNPU_PACK_TENSOR_SIZE * model->n_tensors;
	off = layer_off + SNPU_PACK_LAYER_SIZE * model->n_layers;
	st.tables = off;

	for (i = 0; i < model->n_layers; i++) {
		l = &model->layers[i];
		ret = snpu_pack_check_layer(model, i, &k, err, err_size);
		if (ret)
			goto out;
		if (!snpu_model_op_has_weights(l->op))
			continue;
		ret = snpu_pack_encode(l, i, k, &encs[i], err, err_size);
		if (ret)
			goto out;

		oc = l->out_channels;
		encs[i].weights_off = off;
		off = snpu_pack_align8(off + encs[i].weights_size);
		st.values += snpu_pack_align8(encs[i].weights_size);
		if (encs[i].meta_size) {
			encs[i].meta_off = off;
			off = snpu_pack_align8(off + encs[i].meta_size);
			st.index += snpu_pack_align8(encs[i].meta_size);
		}
		encs[i].bias_off = off;
		off = snpu_pack_align8(off + 4 * oc);
		encs[i].requant_off = off;
		off = snpu_pack_align8(off + 8 * oc);
		st.params += snpu_pack_align8(4 * oc) + 8 * oc;
		if (off > SNPU_MODEL_MAX_SIZE) {
			snpu_errf(err, err_size,
				      "layer %u (%s): model grows past the %u-byte limit",
				      i, snpu_pack_op_name(l->op),
				      SNPU_MODEL_MAX_SIZE);
			ret = -EINVAL;
			goto out;
		}
	}
	st.total = off;

	b = calloc(1, off);
	view = malloc(sizeof(*view));
	if (!b || !view) {
		snpu_errf(err, err_size, "out of memory for a %zu-byte model",
			      off);
		ret = -ENOMEM;
		goto out;
	}

	snpu_pack_write_header(b, model, off, tensor_off, layer_off);
	for (i = 0; i < model->n_tensors; i++)
		snpu_pack_write_tensor(b + tensor_off + SNPU_PACK_TENSOR_SIZE * i,
				       &model->tensors[i]);
	for (i = 0; i < model->n_layers; i++) {
		const struct snpu_pack_enc *e = &encs[i];
		uint32_t o;

		l = &model->layers[i];
		snpu_pack_write_layer(b + layer_off + SNPU_PACK_LAYER_SIZE * i,
				      l, e);
		if (!snpu_model_op_has_weights(l->op))
			continue;
		memcpy(b + e->weights_off, e->weights, e->weights_size);
		if (e->meta_size)
			memcpy(b + e->meta_off, e->meta, e->meta_size);
		for (o = 0; o < l->out_channels; o++) {
			snpu_put_le32(b + e->bias_off + 4 * (size_t)o,
				       (uint32_t)l->bias[o]);
			snpu_put_le32(b + e->requant_off + 8 * (size_t)o,
				       (uint32_t)l->mult[o]);
			snpu_put_le32(b + e->requant_off + 8 * (size_t)o + 4,
				       (uint32_t)l->shift[o]);
		}
	}
	snpu_put_le32(b + offsetof(struct snpu_model_header, crc32),
		       snpu_crc32(0, b + SNPU_MODEL_CRC_START,
				  off - SNPU_MODEL_CRC_START));

	/* The packer's output must be what the device accepts. */
	ret = snpu_model_parse(b, off, NULL, view);
	if (ret) {
		const char *msg = snpu_model_strerror(ret);
		int bad = ret <= -SNPU_MODEL_E_GRAPH ?
			  snpu_pack_blame(b, off, model, view) : -1;

		if (bad >= 0)
			snpu_errf(err, err_size, "layer %d (%s): %s", bad,
				      snpu_pack_op_name(model->layers[bad].op),
				      msg);
		else
			snpu_errf(err, err_size, "model rejected: %s", msg);
		ret = -EINVAL;
		goto out;
	}

	*blob = b;
	*size = off;
	b = NULL;
	if (stats)
		*stats = st;
	ret = 0;
out:
	free(b);
	free(view);
	snpu_pack_free_encs(encs, model->n_layers);
	return ret;
}
