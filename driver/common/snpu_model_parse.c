// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Validating parser for packed snpu models. See snpu_model_parse.h and
 * docs/model-format.md for the rules, in the order they are checked.
 *
 * Like the firmware parser, every field is read with the byte loaders of
 * snpu_compat.h at offsetof() positions of the uapi structs, and all
 * offset and size arithmetic is done in u64 on values of at most 32 bits,
 * so none of it can wrap. The checks run in stages over the whole model:
 * header, tables, tensors, graph, then for every layer its fields, its
 * shapes, its arrays, its encoding and its requantization; a later stage
 * may rely on everything an earlier one proved. Platform limits come
 * last, so a model that is malformed is never reported as unsupported.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include "snpu_cost.h"
#include "snpu_crc32.h"
#include "snpu_fw_parse.h"
#include "snpu_model_parse.h"

#define SNPU_MODEL_HDR_SIZE	sizeof(struct snpu_model_header)
#define SNPU_MODEL_TENSOR_SIZE	sizeof(struct snpu_model_tensor)
#define SNPU_MODEL_LAYER_SIZE	sizeof(struct snpu_model_layer)

/*
 * Q31 requantization multipliers are normalised to [2^30, 2^31 - 1]: as
 * an s32, exactly the values from 2^30 up.
 */
#define SNPU_MODEL_MULT_MIN	0x40000000
#define SNPU_MODEL_ADD_MAX_LSHIFT	20

/* Loaders for a field of a uapi struct that starts at @p. */
#define SNPU_MODEL_LE16(p, type, field) \
	snpu_get_le16((p) + offsetof(struct type, field))
#define SNPU_MODEL_LE32(p, type, field) \
	snpu_get_le32((p) + offsetof(struct type, field))
#define SNPU_MODEL_HDR32(p, field) \
	SNPU_MODEL_LE32(p, snpu_model_header, field)
#define SNPU_MODEL_T32(p, field) \
	SNPU_MODEL_LE32(p, snpu_model_tensor, field)
#define SNPU_MODEL_L16(p, field) \
	SNPU_MODEL_LE16(p, snpu_model_layer, field)
#define SNPU_MODEL_L32(p, field) \
	SNPU_MODEL_LE32(p, snpu_model_layer, field)

/* Fields of &struct snpu_model_layer an op may use. */
#define SNPU_USE_WINDOW		0x01u	/* kernel, stride, padding */
#define SNPU_USE_DILATION	0x02u
#define SNPU_USE_GROUPS		0x04u
#define SNPU_USE_WEIGHTS	0x08u	/* encoding, out_channels, arrays */
#define SNPU_USE_ACT		0x10u	/* act_min, act_max */
#define SNPU_USE_ADD		0x20u	/* input2, add_* */

static const u8 snpu_model_op_uses[SNPU_OP_COUNT] = {
	[SNPU_OP_FC] = SNPU_USE_WEIGHTS | SNPU_USE_ACT,
	[SNPU_OP_CONV2D] = SNPU_USE_WINDOW | SNPU_USE_DILATION |
			   SNPU_USE_GROUPS | SNPU_USE_WEIGHTS | SNPU_USE_ACT,
	[SNPU_OP_MAXPOOL] = SNPU_USE_WINDOW | SNPU_USE_ACT,
	[SNPU_OP_AVGPOOL] = SNPU_USE_WINDOW | SNPU_USE_ACT,
	[SNPU_OP_ADD] = SNPU_USE_ADD | SNPU_USE_ACT,
	[SNPU_OP_RESHAPE] = 0,
};

/* A byte range [start, end) of the blob that arrays may not touch. */
struct snpu_model_range {
	u64 start;
	u64 end;
};

static const char * const snpu_model_errors[SNPU_MODEL_E_COUNT] = {
	[SNPU_MODEL_OK] = "success",
	[SNPU_MODEL_E_TOO_SMALL] =
		"model too small: shorter than the 64-byte header",
	[SNPU_MODEL_E_TOO_LARGE] = "model too large: over the 64 MiB limit",
	[SNPU_MODEL_E_MAGIC] = "bad magic: not a packed snpu model",
	[SNPU_MODEL_E_FORMAT_MAJOR] =
		"unsupported model format major version: repack the model for this driver",
	[SNPU_MODEL_E_SIZE_MISMATCH] =
		"header size differs from the blob size: model truncated or padded",
	[SNPU_MODEL_E_CRC] = "CRC-32 mismatch: model is corrupt",
	[SNPU_MODEL_E_HEADER] =
		"bad header: header_size out of range or flags/reserved nonzero",
	[SNPU_MODEL_E_TABLE] =
		"tensor or layer table: count out of range, misaligned, past the end or overlapping",
	[SNPU_MODEL_E_TENSOR] =
		"bad tensor: dimension, size, zero point or reserved field out of range",
	[SNPU_MODEL_E_GRAPH] =
		"bad graph: input/output tensors, or a layer reads a tensor not yet written or writes one twice",
	[SNPU_MODEL_E_LAYER] =
		"bad layer: unknown op, encoding or variant, or a field out of range or set though unused",
	[SNPU_MODEL_E_SHAPE] = "layer tensor shapes do not fit the op",
	[SNPU_MODEL_E_ARRAY_BOUNDS] =
		"layer array outside the blob, misaligned, over the tables or of the wrong size",
	[SNPU_MODEL_E_ENCODING] = "malformed weight encoding",
	[SNPU_MODEL_E_QUANT] =
		"requantization multiplier or shift out of range",
	[SNPU_MODEL_E_UNSUPPORTED_OP] =
		"the platform does not support an op of the model",
	[SNPU_MODEL_E_UNSUPPORTED_ENCODING] =
		"the platform does not support a weight encoding, N:M pattern or block shape of the model",
	[SNPU_MODEL_E_UNSUPPORTED_SIZE] =
		"the model is larger than the platform's memory",
	[SNPU_MODEL_E_UNSUPPORTED_SRAM] =
		"a layer's activations of one sample leave no room in the platform's SRAM for one output row of weights",
};

const char *snpu_model_strerror(int err)
{
	if (err > 0 || err <= -SNPU_MODEL_E_COUNT)
		return "unknown error";
	return snpu_model_errors[-err];
}

static bool snpu_model_zero(const u8 *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

static bool snpu_model_is_int8(s32 v)
{
	return v >= -128 && v <= 127;
}

static bool snpu_model_mult_ok(s32 mult)
{
	return mult >= SNPU_MODEL_MULT_MIN;
}

/* True when the non-empty range [start, end) meets one of @r[0..n). */
static bool snpu_model_overlaps(u64 start, u64 end,
				const struct snpu_model_range *r, u32 n)
{
	u32 i;

	if (start == end)
		return false;
	for (i = 0; i < n; i++)
		if (start < r[i].end && r[i].start < end)
			return true;
	return false;
}

static u32 snpu_model_popcount8(u8 v)
{
	u32 n = 0;

	while (v) {
		n += v & 1;
		v >>= 1;
	}
	return n;
}

static u32 snpu_model_roundup(u32 v, u32 m)
{
	return (u32)(((u64)v + m - 1) / m * m);
}

static int snpu_model_parse_tensor(const u8 *p, struct snpu_tensor_view *t)
{
	u64 bytes;

	t->h = SNPU_MODEL_T32(p, height);
	t->w = SNPU_MODEL_T32(p, width);
	t->c = SNPU_MODEL_T32(p, channels);
	t->zero_point = (s32)SNPU_MODEL_T32(p, zero_point);
	t->scale_bits = SNPU_MODEL_T32(p, scale);

	if (t->h < 1 || t->h > SNPU_MODEL_MAX_DIM ||
	    t->w < 1 || t->w > SNPU_MODEL_MAX_DIM ||
	    t->c < 1 || t->c > SNPU_MODEL_MAX_DIM)
		return -SNPU_MODEL_E_TENSOR;
	/* Each factor is below 2^16: the product fits in u64. */
	bytes = (u64)t->h * t->w * t->c;
	if (bytes > SNPU_MODEL_MAX_TENSOR_BYTES)
		return -SNPU_MODEL_E_TENSOR;
	t->bytes = (u32)bytes;
	if (!snpu_model_is_int8(t->zero_point))
		return -SNPU_MODEL_E_TENSOR;
	/* flags and reserved[] are the tail of the entry. */
	if (!snpu_model_zero(p + offsetof(struct snpu_model_tensor, flags),
			     SNPU_MODEL_TENSOR_SIZE -
			     offsetof(struct snpu_model_tensor, flags)))
		return -SNPU_MODEL_E_TENSOR;
	return 0;
}

static void snpu_model_read_layer(const u8 *p, struct snpu_layer_view *l)
{
	l->op = SNPU_MODEL_L16(p, op);
	l->encoding = SNPU_MODEL_L16(p, encoding);
	l->variant = SNPU_MODEL_L16(p, variant);
	l->input = SNPU_MODEL_L32(p, input);
	l->input2 = SNPU_MODEL_L32(p, input2);
	l->output = SNPU_MODEL_L32(p, output);
	l->kernel_h = SNPU_MODEL_L16(p, kernel_h);
	l->kernel_w = SNPU_MODEL_L16(p, kernel_w);
	l->stride_h = SNPU_MODEL_L16(p, stride_h);
	l->stride_w = SNPU_MODEL_L16(p, stride_w);
	l->dilation_h = SNPU_MODEL_L16(p, dilation_h);
	l->dilation_w = SNPU_MODEL_L16(p, dilation_w);
	l->pad_top = SNPU_MODEL_L16(p, pad_top);
	l->pad_left = SNPU_MODEL_L16(p, pad_left);
	l->pad_bottom = SNPU_MODEL_L16(p, pad_bottom);
	l->pad_right = SNPU_MODEL_L16(p, pad_right);
	l->groups = SNPU_MODEL_L32(p, groups);
	l->out_channels = SNPU_MODEL_L32(p, out_channels);
	l->nnz = SNPU_MODEL_L32(p, nnz);
	l->weights_offset = SNPU_MODEL_L32(p, weights_offset);
	l->weights_size = SNPU_MODEL_L32(p, weights_size);
	l->meta_offset = SNPU_MODEL_L32(p, meta_offset);
	l->meta_size = SNPU_MODEL_L32(p, meta_size);
	l->bias_offset = SNPU_MODEL_L32(p, bias_offset);
	l->requant_offset = SNPU_MODEL_L32(p, requant_offset);
	l->act_min = (s32)SNPU_MODEL_L32(p, act_min);
	l->act_max = (s32)SNPU_MODEL_L32(p, act_max);
	l->add_left_shift = SNPU_MODEL_L32(p, add_left_shift);
	l->add_in1_mult = (s32)SNPU_MODEL_L32(p, add_in1_mult);
	l->add_in1_shift = (s32)SNPU_MODEL_L32(p, add_in1_shift);
	l->add_in2_mult = (s32)SNPU_MODEL_L32(p, add_in2_mult);
	l->add_in2_shift = (s32)SNPU_MODEL_L32(p, add_in2_shift);
	l->add_out_mult = (s32)SNPU_MODEL_L32(p, add_out_mult);
	l->add_out_shift = (s32)SNPU_MODEL_L32(p, add_out_shift);
}

/*
 * Dataflow: the model input is available from the start, each layer reads
 * only available tensors and makes its output available; no tensor is
 * written twice and the model input is never written.
 */
static int snpu_model_check_graph(const struct snpu_model_view *v)
{
	bool avail[SNPU_MODEL_MAX_TENSORS] = { false };
	const struct snpu_layer_view *l;
	u32 i;

	if (v->input >= v->n_tensors || v->output >= v->n_tensors ||
	    v->input == v->output)
		return -SNPU_MODEL_E_GRAPH;
	avail[v->input] = true;

	for (i = 0; i < v->n_layers; i++) {
		l = &v->layers[i];
		if (l->input >= v->n_tensors || !avail[l->input])
			return -SNPU_MODEL_E_GRAPH;
		if (l->op == SNPU_OP_ADD) {
			if (l->input2 >= v->n_tensors || !avail[l->input2])
				return -SNPU_MODEL_E_GRAPH;
		} else if (l->input2 != SNPU_MODEL_NONE) {
			return -SNPU_MODEL_E_GRAPH;
		}
		/* Available already: the model input or written before. */
		if (l->output >= v->n_tensors || avail[l->output])
			return -SNPU_MODEL_E_GRAPH;
		avail[l->output] = true;
	}
	if (!avail[v->output])
		return -SNPU_MODEL_E_GRAPH;
	return 0;
}

/* Op, encoding, variant and the scalar fields, without the tensors. */
static int snpu_model_check_fields(const u8 *p, const struct snpu_layer_view *l)
{
	u32 uses, n, m;

	if (l->op >= SNPU_OP_COUNT)
		return -SNPU_MODEL_E_LAYER;
	uses = snpu_model_op_uses[l->op];

	if (SNPU_MODEL_L16(p, flags) ||
	    !snpu_model_zero(p + offsetof(struct snpu_model_layer, reserved),
			     SNPU_MODEL_LAYER_SIZE -
			     offsetof(struct snpu_model_layer, reserved)))
		return -SNPU_MODEL_E_LAYER;

	if (uses & SNPU_USE_WEIGHTS) {
		switch (l->encoding) {
		case SNPU_ENC_DENSE:
		case SNPU_ENC_CSR:
			if (l->variant)
				return -SNPU_MODEL_E_LAYER;
			break;
		case SNPU_ENC_NM:
			if (!snpu_nm_dims(l->variant, &n, &m))
				return -SNPU_MODEL_E_LAYER;
			break;
		case SNPU_ENC_BLOCK:
			if (!snpu_block_dims(l->variant, &n, &m))
				return -SNPU_MODEL_E_LAYER;
			break;
		default:
			return -SNPU_MODEL_E_LAYER;
		}
		if (!l->out_channels)
			return -SNPU_MODEL_E_LAYER;
	} else if (l->encoding || l->variant || l->out_channels) {
		return -SNPU_MODEL_E_LAYER;
	}

	if (uses & SNPU_USE_WINDOW) {
		if (!l->kernel_h || !l->kernel_w || !l->stride_h ||
		    !l->stride_w)
			return -SNPU_MODEL_E_LAYER;
	} else if (l->kernel_h || l->kernel_w || l->stride_h ||
		   l->stride_w || l->pad_top || l->pad_left ||
		   l->pad_bottom || l->pad_right) {
		return -SNPU_MODEL_E_LAYER;
	}

	if (uses & SNPU_USE_DILATION) {
		if (!l->dilation_h || !l->dilation_w)
			return -SNPU_MODEL_E_LAYER;
	} else if (l->dilation_h || l->dilation_w) {
		return -SNPU_MODEL_E_LAYER;
	}

	/*
	 * A pool window must always hold an input element (an average over
	 * nothing is undefined): padding stays below the window.
	 */
	if ((uses & SNPU_USE_WINDOW) && !(uses & SNPU_USE_WEIGHTS) &&
	    (l->pad_top >= l->kernel_h || l->pad_bottom >= l->kernel_h ||
	     l->pad_left >= l->kernel_w || l->pad_right >= l->kernel_w))
		return -SNPU_MODEL_E_LAYER;

	if (uses & SNPU_USE_GROUPS) {
		if (!l->groups)
			return -SNPU_MODEL_E_LAYER;
	} else if (l->groups) {
		return -SNPU_MODEL_E_LAYER;
	}

	if (uses & SNPU_USE_ACT) {
		if (!snpu_model_is_int8(l->act_min) ||
		    !snpu_model_is_int8(l->act_max) ||
		    l->act_min > l->act_max)
			return -SNPU_MODEL_E_LAYER;
	} else if (l->act_min || l->act_max) {
		return -SNPU_MODEL_E_LAYER;
	}

	/* The ADD parameters' ranges are the requantization stage's. */
	if (!(uses & SNPU_USE_ADD) &&
	    (l->add_left_shift || l->add_in1_mult || l->add_in1_shift ||
	     l->add_in2_mult || l->add_in2_shift || l->add_out_mult ||
	     l->add_out_shift))
		return -SNPU_MODEL_E_LAYER;
	return 0;
}

/*
 * Output extent of a window: (in + pads - dil * (kernel - 1) - 1) /
 * stride + 1, or 0 when the window does not fit even once.
 */
static u32 snpu_model_out_dim(u32 in, u32 pad_a, u32 pad_b, u32 kernel,
			      u32 dil, u32 stride)
{
	s64 span = (s64)in + pad_a + pad_b - (s64)dil * (kernel - 1) - 1;

	if (span < 0)
		return 0;
	return (u32)(span / stride + 1);
}

static bool snpu_model_same_shape(const struct snpu_tensor_view *a,
				  const struct snpu_tensor_view *b)
{
	return a->h == b->h && a->w == b->w && a->c == b->c;
}

static bool snpu_model_same_quant(const struct snpu_tensor_view *a,
				  const struct snpu_tensor_view *b)
{
	return a->zero_point == b->zero_point &&
	       a->scale_bits == b->scale_bits;
}

/* Shapes of the layer's tensors; derives k, rows, k_pad and macs. */
static int snpu_model_check_shape(const struct snpu_model_view *v,
				  struct snpu_layer_view *l)
{
	const struct snpu_tensor_view *in = &v->tensors[l->input];
	const struct snpu_tensor_view *out = &v->tensors[l->output];
	u32 dil_h = l->dilation_h ? l->dilation_h : 1;
	u32 dil_w = l->dilation_w ? l->dilation_w : 1;
	u32 br, bc, n, m;
	u64 k = 0;

	switch (l->op) {
	case SNPU_OP_FC:
		if (out->h != 1 || out->w != 1 || out->c != l->out_channels)
			return -SNPU_MODEL_E_SHAPE;
		k = in->bytes;
		l->macs = (u64)l->out_channels * k;
		break;
	case SNPU_OP_CONV2D:
	case SNPU_OP_MAXPOOL:
	case SNPU_OP_AVGPOOL:
		if (out->h != snpu_model_out_dim(in->h, l->pad_top,
						 l->pad_bottom, l->kernel_h,
						 dil_h, l->stride_h) ||
		    out->w != snpu_model_out_dim(in->w, l->pad_left,
						 l->pad_right, l->kernel_w,
						 dil_w, l->stride_w))
			return -SNPU_MODEL_E_SHAPE;
		if (l->op != SNPU_OP_CONV2D) {
			if (out->c != in->c || !snpu_model_same_quant(in, out))
				return -SNPU_MODEL_E_SHAPE;
			l->macs = (u64)l->kernel_h * l->kernel_w * out->bytes;
			break;
		}
		if (out->c != l->out_channels || in->c % l->groups ||
		    l->out_channels % l->groups)
			return -SNPU_MODEL_E_SHAPE;
		k = (u64)l->kernel_h * l->kernel_w * (in->c / l->groups);
		l->macs = (u64)out->bytes * k;
		break;
	case SNPU_OP_ADD:
		if (!snpu_model_same_shape(in, out) ||
		    !snpu_model_same_shape(&v->tensors[l->input2], out))
			return -SNPU_MODEL_E_SHAPE;
		l->macs = out->bytes;
		break;
	default:	/* SNPU_OP_RESHAPE */
		if (in->bytes != out->bytes || !snpu_model_same_quant(in, out))
			return -SNPU_MODEL_E_SHAPE;
		l->macs = 0;
		break;
	}
	if (k > SNPU_MODEL_MAX_K)
		return -SNPU_MODEL_E_SHAPE;

	l->k = (u32)k;
	l->rows = 0;
	l->k_pad = 0;
	if (!snpu_model_op_has_weights(l->op))
		return 0;
	l->rows = l->out_channels;
	l->k_pad = l->k;
	if (l->encoding == SNPU_ENC_NM) {
		snpu_nm_dims(l->variant, &n, &m);
		l->k_pad = snpu_model_roundup(l->k, m);
	} else if (l->encoding == SNPU_ENC_BLOCK) {
		snpu_block_dims(l->variant, &br, &bc);
		l->rows = snpu_model_roundup(l->out_channels, br);
		l->k_pad = snpu_model_roundup(l->k, bc);
	}
	return 0;
}

/* One array of a weighted layer: inside the blob, off the tables. */
static bool snpu_model_array_ok(u64 off, u64 len, u64 size,
				const struct snpu_model_range *tables)
{
	return snpu_range_ok(off, len, size) &&
	       !snpu_model_overlaps(off, off + len, tables, 3);
}

static int snpu_model_check_arrays(const struct snpu_layer_view *l, u64 size,
				   const struct snpu_model_range *tables)
{
	u64 oc = l->out_channels;
	u64 dense;

	if (!snpu_model_op_has_weights(l->op)) {
		if (l->nnz || l->weights_offset || l->weights_size ||
		    l->meta_offset || l->meta_size || l->bias_offset ||
		    l->requant_offset)
			return -SNPU_MODEL_E_ARRAY_BOUNDS;
		return 0;
	}

	if (!snpu_model_array_ok(l->weights_offset, l->weights_size, size,
				 tables))
		return -SNPU_MODEL_E_ARRAY_BOUNDS;
	if (l->encoding == SNPU_ENC_DENSE) {
		if (l->meta_offset || l->meta_size)
			return -SNPU_MODEL_E_ARRAY_BOUNDS;
		dense = (u64)l->rows * l->k;
		if (l->weights_size != dense || l->nnz != dense)
			return -SNPU_MODEL_E_ARRAY_BOUNDS;
	} else if (!snpu_model_array_ok(l->meta_offset, l->meta_size, size,
					tables)) {
		return -SNPU_MODEL_E_ARRAY_BOUNDS;
	}
	if (l->bias_offset % 4 || l->requant_offset % 4 ||
	    !snpu_model_array_ok(l->bias_offset, 4 * oc, size, tables) ||
	    !snpu_model_array_ok(l->requant_offset, 8 * oc, size, tables))
		return -SNPU_MODEL_E_ARRAY_BOUNDS;
	return 0;
}

static u64 snpu_model_count_nonzero(const u8 *p, u64 n)
{
	u64 nz = 0;

	while (n--)
		nz += *p++ != 0;
	return nz;
}

static int snpu_model_check_csr(const u8 *blob, struct snpu_layer_view *l)
{
	const u8 *meta = blob + l->meta_offset;
	const u8 *deltas = meta + 4 * ((u64)l->rows + 1);
	u32 r, j, start, end, col, delta;

	if (l->meta_size != 4 * ((u64)l->rows + 1) + ((u64)l->nnz + 1) / 2 ||
	    l->weights_size != l->nnz)
		return -SNPU_MODEL_E_ENCODING;
	if (snpu_get_le32(meta) != 0 ||
	    snpu_get_le32(meta + 4 * (u64)l->rows) != l->nnz)
		return -SNPU_MODEL_E_ENCODING;

	for (r = 0; r < l->rows; r++) {
		start = snpu_get_le32(meta + 4 * (u64)r);
		end = snpu_get_le32(meta + 4 * ((u64)r + 1));
		/* Bounded by nnz before any entry is read. */
		if (end < start || end > l->nnz)
			return -SNPU_MODEL_E_ENCODING;
		col = 0;
		for (j = start; j < end; j++) {
			delta = deltas[j / 2] >> (4 * (j % 2)) & 0xf;
			if (j == start) {
				col = delta;
			} else {
				if (!delta)
					return -SNPU_MODEL_E_ENCODING;
				col += delta;
			}
			if (col >= l->k)
				return -SNPU_MODEL_E_ENCODING;
		}
	}
	/* The unused high nibble of an odd count is zero. */
	if (l->nnz % 2 && deltas[l->nnz / 2] >> 4)
		return -SNPU_MODEL_E_ENCODING;
	l->nonzero = snpu_model_count_nonzero(blob + l->weights_offset,
					      l->weights_size);
	l->stored = l->nnz;
	return 0;
}

static int snpu_model_check_nm(const u8 *blob, struct snpu_layer_view *l)
{
	const u8 *meta = blob + l->meta_offset;
	const u8 *w = blob + l->weights_offset;
	u64 groups, gi, vi = 0, pos;
	u32 n, m, bit;
	u8 mask;

	snpu_nm_dims(l->variant, &n, &m);
	groups = (u64)l->rows * (l->k_pad / m);

	if (l->meta_size != groups || l->weights_size != groups * n ||
	    l->nnz != l->weights_size)
		return -SNPU_MODEL_E_ENCODING;

	l->nonzero = 0;
	l->stored = 0;
	for (gi = 0; gi < groups; gi++) {
		mask = meta[gi];
		if ((mask >> m) || snpu_model_popcount8(mask) != n)
			return -SNPU_MODEL_E_ENCODING;
		for (bit = 0; bit < m; bit++) {
			if (!(mask & (1u << bit)))
				continue;
			/* Column of this value within its row. */
			pos = gi % (l->k_pad / m) * m + bit;
			l->stored += pos < l->k;
			if (w[vi]) {
				if (pos >= l->k)
					return -SNPU_MODEL_E_ENCODING;
				l->nonzero++;
			}
			vi++;
		}
	}
	return 0;
}

static int snpu_model_check_block(const u8 *blob, struct snpu_layer_view *l)
{
	const u8 *meta = blob + l->meta_offset;
	const u8 *w = blob + l->weights_offset;
	u32 br, bc, nbr, nbc;
	const u8 *cols;
	u32 b, j, start, end, col, prev, y, x;
	u64 row, c;
	u8 val;

	snpu_block_dims(l->variant, &br, &bc);
	nbr = l->rows / br;
	nbc = l->k_pad / bc;
	cols = meta + 4 * ((u64)nbr + 1);

	/* block_col is 16 bits wide: wider matrices cannot be addressed. */
	if (nbc > 0xffff)
		return -SNPU_MODEL_E_ENCODING;
	if (l->meta_size != 4 * ((u64)nbr + 1) + 2 * (u64)l->nnz ||
	    l->weights_size != (u64)l->nnz * br * bc)
		return -SNPU_MODEL_E_ENCODING;
	if (snpu_get_le32(meta) != 0 ||
	    snpu_get_le32(meta + 4 * (u64)nbr) != l->nnz)
		return -SNPU_MODEL_E_ENCODING;

	l->nonzero = 0;
	l->stored = 0;
	for (b = 0; b < nbr; b++) {
		start = snpu_get_le32(meta + 4 * (u64)b);
		end = snpu_get_le32(meta + 4 * ((u64)b + 1));
		if (end < start || end > l->nnz)
			return -SNPU_MODEL_E_ENCODING;
		prev = 0;
		for (j = start; j < end; j++) {
			col = snpu_get_le16(cols + 2 * (u64)j);
			if (col >= nbc || (j > start && col <= prev))
				return -SNPU_MODEL_E_ENCODING;
			prev = col;
			for (y = 0; y < br; y++) {
				row = (u64)b * br + y;
				for (x = 0; x < bc; x++) {
					c = (u64)col * bc + x;
					val = w[((u64)j * br + y) * bc + x];
					l->stored += row < l->out_channels &&
						     c < l->k;
					if (!val)
						continue;
					if (row >= l->out_channels ||
					    c >= l->k)
						return -SNPU_MODEL_E_ENCODING;
					l->nonzero++;
				}
			}
		}
	}
	return 0;
}

static int snpu_model_check_encoding(const u8 *blob,
				     struct snpu_layer_view *l)
{
	switch (l->encoding) {
	case SNPU_ENC_DENSE:
		l->nonzero = snpu_model_count_nonzero(blob + l->weights_offset,
						      l->weights_size);
		l->stored = (u64)l->out_channels * l->k;
		return 0;
	case SNPU_ENC_CSR:
		return snpu_model_check_csr(blob, l);
	case SNPU_ENC_NM:
		return snpu_model_check_nm(blob, l);
	default:
		return snpu_model_check_block(blob, l);
	}
}

static int snpu_model_check_quant(const u8 *blob,
				  const struct snpu_layer_view *l)
{
	const u8 *rq = blob + l->requant_offset;
	s32 mult, shift;
	u32 o;

	if (l->op == SNPU_OP_ADD) {
		if (l->add_left_shift > SNPU_MODEL_ADD_MAX_LSHIFT ||
		    !snpu_model_mult_ok(l->add_in1_mult) ||
		    !snpu_model_mult_ok(l->add_in2_mult) ||
		    !snpu_model_mult_ok(l->add_out_mult) ||
		    l->add_in1_shift < -31 || l->add_in1_shift > 0 ||
		    l->add_in2_shift < -31 || l->add_in2_shift > 0 ||
		    l->add_out_shift < -31 || l->add_out_shift > 0)
			return -SNPU_MODEL_E_QUANT;
		return 0;
	}
	if (!snpu_model_op_has_weights(l->op))
		return 0;
	for (o = 0; o < l->out_channels; o++) {
		mult = (s32)snpu_get_le32(rq + 8 * (u64)o);
		shift = (s32)snpu_get_le32(rq + 8 * (u64)o + 4);
		if (!snpu_model_mult_ok(mult) || shift < -31 || shift > 30)
			return -SNPU_MODEL_E_QUANT;
	}
	return 0;
}

static int snpu_model_check_platform(struct snpu_model_view *v,
				     const struct snpu_platform *plat)
{
	const struct snpu_layer_view *l;
	struct snpu_cost_shape cs;
	u32 i;

	for (i = 0; i < v->n_layers; i++) {
		l = &v->layers[i];
		v->bad_layer = i;
		if (!(plat->ops & (1u << l->op)))
			return -SNPU_MODEL_E_UNSUPPORTED_OP;
		snpu_cost_shape_of(v, i, &cs);
		if (!snpu_cost_tiles(plat, &cs))
			return -SNPU_MODEL_E_UNSUPPORTED_SRAM;
		if (!snpu_model_op_has_weights(l->op))
			continue;
		if (!(plat->encodings & (1u << l->encoding)))
			return -SNPU_MODEL_E_UNSUPPORTED_ENCODING;
		if (l->encoding == SNPU_ENC_NM &&
		    !(plat->nm_patterns & (1u << l->variant)))
			return -SNPU_MODEL_E_UNSUPPORTED_ENCODING;
		if (l->encoding == SNPU_ENC_BLOCK &&
		    !(plat->block_shapes & (1u << l->variant)))
			return -SNPU_MODEL_E_UNSUPPORTED_ENCODING;
	}
	v->bad_layer = SNPU_MODEL_NONE;
	if (v->size > plat->dram_bytes)
		return -SNPU_MODEL_E_UNSUPPORTED_SIZE;
	return 0;
}

/* Header fields after the CRC, and the placement of the two tables. */
static int snpu_model_parse_tables(const u8 *img, u64 size,
				   struct snpu_model_view *v,
				   struct snpu_model_range *tables)
{
	u32 header_size = SNPU_MODEL_HDR32(img, header_size);
	u64 toff, loff, tend, lend;

	if (header_size < SNPU_MODEL_HDR_SIZE || header_size > size)
		return -SNPU_MODEL_E_HEADER;
	if (SNPU_MODEL_HDR32(img, flags) ||
	    !snpu_model_zero(img + offsetof(struct snpu_model_header,
					    reserved),
			     SNPU_MODEL_HDR_SIZE -
			     offsetof(struct snpu_model_header, reserved)))
		return -SNPU_MODEL_E_HEADER;

	v->n_tensors = SNPU_MODEL_HDR32(img, tensor_count);
	v->n_layers = SNPU_MODEL_HDR32(img, layer_count);
	if (v->n_tensors < 2 || v->n_tensors > SNPU_MODEL_MAX_TENSORS ||
	    v->n_layers < 1 || v->n_layers > SNPU_MODEL_MAX_LAYERS)
		return -SNPU_MODEL_E_TABLE;

	toff = SNPU_MODEL_HDR32(img, tensor_offset);
	loff = SNPU_MODEL_HDR32(img, layer_offset);
	tend = toff + (u64)v->n_tensors * SNPU_MODEL_TENSOR_SIZE;
	lend = loff + (u64)v->n_layers * SNPU_MODEL_LAYER_SIZE;
	if (toff % 8 || loff % 8 ||
	    !snpu_range_ok(toff, tend - toff, size) ||
	    !snpu_range_ok(loff, lend - loff, size))
		return -SNPU_MODEL_E_TABLE;

	tables[0].start = 0;
	tables[0].end = header_size;
	if (snpu_model_overlaps(toff, tend, tables, 1))
		return -SNPU_MODEL_E_TABLE;
	tables[1].start = toff;
	tables[1].end = tend;
	if (snpu_model_overlaps(loff, lend, tables, 2))
		return -SNPU_MODEL_E_TABLE;
	tables[2].start = loff;
	tables[2].end = lend;
	return 0;
}

int snpu_model_parse(const void *blob, size_t size,
		     const struct snpu_platform *plat,
		     struct snpu_model_view *view)
{
	struct snpu_model_range tables[3];
	const u8 *img = blob;
	struct snpu_layer_view *l;
	u32 i;
	int ret;

	memset(view, 0, sizeof(*view));
	view->bad_layer = SNPU_MODEL_NONE;

	if (size < SNPU_MODEL_HDR_SIZE)
		return -SNPU_MODEL_E_TOO_SMALL;
	if (size > SNPU_MODEL_MAX_SIZE)
		return -SNPU_MODEL_E_TOO_LARGE;
	if (SNPU_MODEL_HDR32(img, magic) != SNPU_MODEL_MAGIC)
		return -SNPU_MODEL_E_MAGIC;
	if (SNPU_MODEL_LE16(img, snpu_model_header, format_major) !=
	    SNPU_MODEL_FORMAT_MAJOR)
		return -SNPU_MODEL_E_FORMAT_MAJOR;
	view->format_minor = SNPU_MODEL_LE16(img, snpu_model_header,
					     format_minor);
	view->size = SNPU_MODEL_HDR32(img, size);
	if (view->size != size)
		return -SNPU_MODEL_E_SIZE_MISMATCH;
	if (snpu_crc32(0, img + SNPU_MODEL_CRC_START,
		       size - SNPU_MODEL_CRC_START) !=
	    SNPU_MODEL_HDR32(img, crc32))
		return -SNPU_MODEL_E_CRC;

	ret = snpu_model_parse_tables(img, size, view, tables);
	if (ret)
		return ret;

	for (i = 0; i < view->n_tensors; i++) {
		ret = snpu_model_parse_tensor(img + tables[1].start +
					      (u64)i * SNPU_MODEL_TENSOR_SIZE,
					      &view->tensors[i]);
		if (ret)
			return ret;
	}

	view->input = SNPU_MODEL_HDR32(img, input_tensor);
	view->output = SNPU_MODEL_HDR32(img, output_tensor);
	for (i = 0; i < view->n_layers; i++)
		snpu_model_read_layer(img + tables[2].start +
				      (u64)i * SNPU_MODEL_LAYER_SIZE,
				      &view->layers[i]);
	ret = snpu_model_check_graph(view);
	if (ret)
		return ret;

	for (i = 0; i < view->n_layers; i++) {
		view->bad_layer = i;
		ret = snpu_model_check_fields(img + tables[2].start +
					      (u64)i * SNPU_MODEL_LAYER_SIZE,
					      &view->layers[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < view->n_layers; i++) {
		view->bad_layer = i;
		ret = snpu_model_check_shape(view, &view->layers[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < view->n_layers; i++) {
		view->bad_layer = i;
		ret = snpu_model_check_arrays(&view->layers[i], size, tables);
		if (ret)
			return ret;
	}
	for (i = 0; i < view->n_layers; i++) {
		l = &view->layers[i];
		if (!snpu_model_op_has_weights(l->op))
			continue;
		view->bad_layer = i;
		ret = snpu_model_check_encoding(img, l);
		if (ret)
			return ret;
	}
	for (i = 0; i < view->n_layers; i++) {
		view->bad_layer = i;
		ret = snpu_model_check_quant(img, &view->layers[i]);
		if (ret)
			return ret;
	}

	view->bad_layer = SNPU_MODEL_NONE;
	if (plat)
		return snpu_model_check_platform(view, plat);
	return 0;
}
