/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Validating parser for packed snpu models (uapi/snpu_model.h).
 *
 * A pure function over a byte buffer, like the firmware parser: it checks
 * every offset, size, count, index, shape and encoding before anything
 * reads through them, and produces a host-order view whose offsets point
 * into the same buffer. Nothing is allocated. The kernel runs it on its
 * own copy of the blob (so userspace cannot change it afterwards).
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_MODEL_PARSE_H
#define SNPU_MODEL_PARSE_H

#include "snpu_compat.h"
#include "snpu_model.h"

struct snpu_platform;

/*
 * The dimensions behind the vocabulary of snpu_defs.h, for every user of
 * the format (parser, engine, packer, tests): N and M of an N:M pattern,
 * rows and columns of a block shape. False for a value out of range,
 * which still gets 1 x 1, so callers that validated earlier need no
 * fallback.
 */
static inline bool snpu_nm_dims(u32 variant, u32 *n, u32 *m)
{
	static const u8 dims[SNPU_NM_COUNT][2] = {
		[SNPU_NM_2_4] = { 2, 4 },
		[SNPU_NM_1_4] = { 1, 4 },
		[SNPU_NM_2_8] = { 2, 8 },
	};

	*n = 1;
	*m = 1;
	if (variant >= SNPU_NM_COUNT)
		return false;
	*n = dims[variant][0];
	*m = dims[variant][1];
	return true;
}

static inline bool snpu_block_dims(u32 variant, u32 *rows, u32 *cols)
{
	static const u8 dims[SNPU_BLOCK_COUNT][2] = {
		[SNPU_BLOCK_1X4] = { 1, 4 },
		[SNPU_BLOCK_4X4] = { 4, 4 },
		[SNPU_BLOCK_1X16] = { 1, 16 },
	};

	*rows = 1;
	*cols = 1;
	if (variant >= SNPU_BLOCK_COUNT)
		return false;
	*rows = dims[variant][0];
	*cols = dims[variant][1];
	return true;
}

/* Ops with a weight matrix, bias and requantization arrays. */
static inline bool snpu_model_op_has_weights(u32 op)
{
	return op == SNPU_OP_FC || op == SNPU_OP_CONV2D;
}

/**
 * struct snpu_tensor_view - a validated tensor
 * @h: height.
 * @w: width.
 * @c: channels.
 * @zero_point: int8 zero point.
 * @scale_bits: binary32 bits of the scale (host use only).
 * @bytes: h * w * c, bytes per sample.
 */
struct snpu_tensor_view {
	u32 h;
	u32 w;
	u32 c;
	s32 zero_point;
	u32 scale_bits;
	u32 bytes;
};

/**
 * struct snpu_layer_view - a validated layer, fields in host order
 * @op: &enum snpu_op.
 * @encoding: &enum snpu_encoding of the weights.
 * @variant: N:M pattern or block shape.
 * @input: input tensor index.
 * @input2: second input of ADD, else %SNPU_MODEL_NONE.
 * @output: output tensor index.
 * @kernel_h: window height.
 * @kernel_w: window width.
 * @stride_h: vertical stride.
 * @stride_w: horizontal stride.
 * @dilation_h: vertical dilation.
 * @dilation_w: horizontal dilation.
 * @pad_top: rows of padding above.
 * @pad_left: columns of padding left.
 * @pad_bottom: rows of padding below.
 * @pad_right: columns of padding right.
 * @groups: conv2d groups.
 * @out_channels: rows of the weight matrix.
 * @nnz: stored weight entries.
 * @weights_offset: offset of the weight values in the blob.
 * @weights_size: bytes of weight values.
 * @meta_offset: offset of the encoding metadata.
 * @meta_size: bytes of metadata.
 * @bias_offset: offset of the int32 biases.
 * @requant_offset: offset of the (multiplier, shift) pairs.
 * @act_min: lower output clamp.
 * @act_max: upper output clamp.
 * @add_left_shift: ADD: input shift.
 * @add_in1_mult: ADD: multiplier of input 1.
 * @add_in1_shift: ADD: shift of input 1.
 * @add_in2_mult: ADD: multiplier of input 2.
 * @add_in2_shift: ADD: shift of input 2.
 * @add_out_mult: ADD: multiplier of the sum.
 * @add_out_shift: ADD: shift of the sum.
 * @k: columns of the weight matrix (FC, conv2d), else 0.
 * @rows: rows of the weight matrix padded for the encoding (BLOCK pads
 *	to a multiple of the block height), else 0.
 * @k_pad: @k padded for the encoding (N:M to M, BLOCK to block width).
 * @nonzero: weights that are nonzero (fillers and padding excluded).
 * @stored: entries the encoding stores inside the matrix (zero fillers
 *	included, padding excluded): what the device executes per position.
 * @macs: multiply-accumulates of one sample if the weights were dense
 *	(out_h * out_w * out_channels * k for weighted ops; window size
 *	times output elements for pools; output elements for add).
 *
 * The fields from @op to @add_out_shift mean what the same fields of
 * &struct snpu_model_layer mean; offsets are from the start of the blob
 * and their ranges are checked. @k to @macs are derived.
 */
struct snpu_layer_view {
	u16 op;
	u16 encoding;
	u16 variant;
	u32 input;
	u32 input2;
	u32 output;
	u16 kernel_h;
	u16 kernel_w;
	u16 stride_h;
	u16 stride_w;
	u16 dilation_h;
	u16 dilation_w;
	u16 pad_top;
	u16 pad_left;
	u16 pad_bottom;
	u16 pad_right;
	u32 groups;
	u32 out_channels;
	u32 nnz;
	u32 weights_offset;
	u32 weights_size;
	u32 meta_offset;
	u32 meta_size;
	u32 bias_offset;
	u32 requant_offset;
	s32 act_min;
	s32 act_max;
	u32 add_left_shift;
	s32 add_in1_mult;
	s32 add_in1_shift;
	s32 add_in2_mult;
	s32 add_in2_shift;
	s32 add_out_mult;
	s32 add_out_shift;

	u32 k;
	u32 rows;
	u32 k_pad;
	u64 nonzero;
	u64 stored;
	u64 macs;
};

/**
 * struct snpu_model_view - a validated model
 * @size: bytes in the blob.
 * @format_minor: format minor version of the blob.
 * @n_tensors: entries in @tensors.
 * @n_layers: entries in @layers.
 * @input: index of the input tensor.
 * @output: index of the output tensor.
 * @tensors: the tensor table.
 * @layers: the layer table, in execution order.
 * @bad_layer: after a failure, the layer the error is about, else
 *	%SNPU_MODEL_NONE; %SNPU_MODEL_NONE on success.
 */
struct snpu_model_view {
	u32 size;
	u16 format_minor;
	u32 n_tensors;
	u32 n_layers;
	u32 input;
	u32 output;
	struct snpu_tensor_view tensors[SNPU_MODEL_MAX_TENSORS];
	struct snpu_layer_view layers[SNPU_MODEL_MAX_LAYERS];
	u32 bad_layer;
};

/**
 * snpu_model_parse() - validate a packed model and describe it
 * @blob: the model bytes; any alignment.
 * @size: bytes at @blob.
 * @plat: the platform that will run it, or NULL to check the format only.
 *	With a platform, ops, encodings, N:M patterns and block shapes it
 *	does not support fail with the SNPU_MODEL_E_UNSUPPORTED_* codes, and
 *	so do a model larger than its DRAM and a layer that does not fit its
 *	SRAM (snpu_cost_tiles()).
 * @view: filled on success; on failure only @view->bad_layer is
 *	meaningful.
 *
 * Return: 0, or a negative &enum snpu_model_error.
 */
int snpu_model_parse(const void *blob, size_t size,
		     const struct snpu_platform *plat,
		     struct snpu_model_view *view);

/**
 * snpu_model_strerror() - one-line description of a model error
 * @err: 0 or a negative &enum snpu_model_error.
 *
 * Return: a static string; "unknown error" out of range.
 */
const char *snpu_model_strerror(int err);

#endif /* SNPU_MODEL_PARSE_H */
