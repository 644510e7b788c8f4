/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * snpu packed model format (.snpu).
 *
 * A packed model is an int8 inference graph with its weights in the
 * encodings of snpu_defs.h. The kernel copies and validates it once at
 * DRM_IOCTL_SNPU_MODEL_CREATE; the pruner writes it. docs/model-format.md
 * documents it byte by byte; this header is the reference.
 *
 * Layout (all integers little-endian, naturally aligned, no implicit
 * padding; every offset is from the start of the blob)::
 *
 *   0                     struct snpu_model_header
 *   header.tensor_offset  struct snpu_model_tensor[header.tensor_count]
 *   header.layer_offset   struct snpu_model_layer[header.layer_count]
 *   anywhere after        weight, metadata, bias and requantization arrays
 *
 * The CRC-32 (IEEE 802.3, as zlib's crc32()) covers bytes [16, size).
 *
 * Arithmetic (TFLite int8 convention): an activation tensor holds int8
 * q with real value scale * (q - zero_point); weights are symmetric int8
 * per output channel (zero point 0); bias is int32. A weighted layer
 * computes for each output channel o
 *
 *   acc = bias[o] + sum_k (x[k] - in.zero_point) * w[o][k]
 *   y = clamp(out.zero_point + requant(acc, mult[o], shift[o]),
 *             act_min, act_max)
 *
 * where requant() is TFLite's MultiplyByQuantizedMultiplier (saturating
 * rounding doubling high multiply by a Q31 multiplier, then a rounding
 * arithmetic shift), spelled out in docs/model-format.md.
 *
 * Weights of fully connected and conv2d layers are one int8 matrix
 * W[out_channels][K]. For FC, K is the input's element count in
 * (height, width, channels) order. For conv2d, K = kernel_h * kernel_w *
 * (in_channels / groups) in (kh, kw, c) order; output channel o reads
 * input channels of group o / (out_channels / groups). The encoding
 * stores that matrix:
 *
 * SNPU_ENC_DENSE  weights: W row-major, out_channels * K bytes. No meta.
 * SNPU_ENC_CSR    EIE-style rows with 4-bit relative indices.
 *                 meta: __le32 row_ptr[out_channels + 1] (row_ptr[0] = 0,
 *                 non-decreasing, row_ptr[out_channels] = nnz), then
 *                 ceil(nnz / 2) bytes of 4-bit deltas, entry j in the low
 *                 nibble of byte j / 2 when j is even. weights: nnz int8.
 *                 In a row, the first entry's column is its delta and each
 *                 next column is the previous plus its delta (1 to 15); a
 *                 gap over 15 is bridged by filler entries of value 0 and
 *                 delta 15. Columns must stay below K.
 * SNPU_ENC_NM     N:M groups along each row, the row zero-padded to
 *                 K_pad = roundup(K, M). meta: one byte per group, a
 *                 bitmask of the M positions kept, exactly N bits set.
 *                 weights: the N kept values of each group in position
 *                 order, out_channels * (K_pad / M) * N bytes. A position
 *                 at or beyond K must hold the value 0.
 * SNPU_ENC_BLOCK  block-sparse rows of BR x BC blocks over W zero-padded
 *                 to roundup(out_channels, BR) x roundup(K, BC). meta:
 *                 __le32 block_row_ptr[rows / BR + 1] then __le16
 *                 block_col[nblocks] (strictly increasing in a block row).
 *                 weights: nblocks * BR * BC bytes, each block row-major.
 *                 Values in the padding must be 0.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __UAPI_SNPU_MODEL_H__
#define __UAPI_SNPU_MODEL_H__

#include <linux/const.h>
#include <linux/types.h>

#include "snpu_defs.h"

/* "SNPM" in file byte order. */
#define SNPU_MODEL_MAGIC		0x4d504e53u
#define SNPU_MODEL_FORMAT_MAJOR		1
#define SNPU_MODEL_FORMAT_MINOR		0

#define SNPU_MODEL_CRC_START		16
#define SNPU_MODEL_MAX_SIZE		(64u << 20)
#define SNPU_MODEL_MAX_TENSORS		64
#define SNPU_MODEL_MAX_LAYERS		64
#define SNPU_MODEL_MAX_DIM		65535
/* Largest per-sample tensor, and largest K of a weight matrix. */
#define SNPU_MODEL_MAX_TENSOR_BYTES	(16u << 20)
#define SNPU_MODEL_MAX_K		_BITUL(20)
/* Tensor and layer indices that mean "none". */
#define SNPU_MODEL_NONE			0xffffffffu

/**
 * struct snpu_model_header - packed model header (64 bytes)
 * @magic: %SNPU_MODEL_MAGIC.
 * @format_major: %SNPU_MODEL_FORMAT_MAJOR.
 * @format_minor: format minor; readers accept any.
 * @size: bytes in the blob.
 * @crc32: CRC-32 of bytes [%SNPU_MODEL_CRC_START, @size).
 * @header_size: bytes in this header, at least 64.
 * @flags: must be zero.
 * @tensor_count: entries in the tensor table, 2 to
 *	%SNPU_MODEL_MAX_TENSORS.
 * @tensor_offset: offset of the tensor table, 8-byte aligned.
 * @layer_count: entries in the layer table, 1 to %SNPU_MODEL_MAX_LAYERS.
 * @layer_offset: offset of the layer table, 8-byte aligned.
 * @input_tensor: index of the model input tensor.
 * @output_tensor: index of the model output tensor.
 * @reserved: must be zero.
 */
struct snpu_model_header {
	__le32 magic;
	__le16 format_major;
	__le16 format_minor;
	__le32 size;
	__le32 crc32;
	__le32 header_size;
	__le32 flags;
	__le32 tensor_count;
	__le32 tensor_offset;
	__le32 layer_count;
	__le32 layer_offset;
	__le32 input_tensor;
	__le32 output_tensor;
	__le32 reserved[4];
};

/**
 * struct snpu_model_tensor - one activation tensor of a sample (32 bytes)
 * @height: rows, 1 to %SNPU_MODEL_MAX_DIM.
 * @width: columns, 1 to %SNPU_MODEL_MAX_DIM.
 * @channels: channels, 1 to %SNPU_MODEL_MAX_DIM.
 * @zero_point: int8 zero point, -128 to 127 (as __s32 bits).
 * @scale: IEEE-754 binary32 bits of the real scale; for the host only,
 *	the device never reads it.
 * @flags: must be zero.
 * @reserved: must be zero.
 *
 * Data is int8 in (height, width, channels) order; a batch of samples is
 * stored sample after sample. At most %SNPU_MODEL_MAX_TENSOR_BYTES per
 * sample.
 */
struct snpu_model_tensor {
	__le32 height;
	__le32 width;
	__le32 channels;
	__le32 zero_point;
	__le32 scale;
	__le32 flags;
	__le32 reserved[2];
};

/**
 * struct snpu_model_layer - one layer (128 bytes)
 * @op: &enum snpu_op.
 * @encoding: &enum snpu_encoding of the weights (FC, conv2d); 0 otherwise.
 * @variant: &enum snpu_nm_pattern for %SNPU_ENC_NM, &enum
 *	snpu_block_shape for %SNPU_ENC_BLOCK; 0 otherwise.
 * @flags: must be zero.
 * @input: input tensor index.
 * @input2: second input tensor of %SNPU_OP_ADD; %SNPU_MODEL_NONE
 *	otherwise.
 * @output: output tensor index; each tensor is written by one layer only,
 *	and a layer reads only the model input or tensors written before it.
 * @kernel_h: window height (conv2d, pools); 0 otherwise.
 * @kernel_w: window width (conv2d, pools); 0 otherwise.
 * @stride_h: vertical stride (conv2d, pools), >= 1; 0 otherwise.
 * @stride_w: horizontal stride (conv2d, pools), >= 1; 0 otherwise.
 * @dilation_h: vertical dilation (conv2d), >= 1; 0 otherwise.
 * @dilation_w: horizontal dilation (conv2d), >= 1; 0 otherwise.
 * @pad_top: rows of zero point above (conv2d, pools).
 * @pad_left: columns of zero point to the left (conv2d, pools).
 * @pad_bottom: rows of zero point below (conv2d, pools).
 * @pad_right: columns of zero point to the right (conv2d, pools).
 * @groups: conv2d groups (in_channels for depthwise), >= 1; 0 otherwise.
 * @out_channels: rows of the weight matrix (FC, conv2d); 0 otherwise.
 * @nnz: stored weight entries: out_channels * K for dense, the entries
 *	(fillers included) for CSR, kept values for N:M, blocks for BLOCK.
 * @weights_offset: offset of the weight values.
 * @weights_size: bytes of weight values.
 * @meta_offset: offset of the encoding metadata; 0 when none.
 * @meta_size: bytes of metadata; 0 when none.
 * @bias_offset: offset of __le32 bias[out_channels] (int32), 4-aligned.
 * @requant_offset: offset of out_channels pairs { __le32 multiplier
 *	(Q31, 2^30 to 2^31 - 1), __le32 shift (int32, -31 to 30) }, 4-aligned.
 * @act_min: lower clamp of the output, int8 (as __s32 bits).
 * @act_max: upper clamp of the output, >= @act_min, int8.
 * @add_left_shift: ADD: shift applied to both inputs first, 0 to 20.
 * @add_in1_mult: ADD: Q31 multiplier of input 1.
 * @add_in1_shift: ADD: shift of input 1, -31 to 0.
 * @add_in2_mult: ADD: Q31 multiplier of input 2.
 * @add_in2_shift: ADD: shift of input 2, -31 to 0.
 * @add_out_mult: ADD: Q31 multiplier of the sum.
 * @add_out_shift: ADD: shift of the sum, -31 to 0.
 * @reserved: must be zero.
 *
 * Every field an op does not use must be zero. Pools and reshape need
 * input and output with the same zero point and scale. Average pooling
 * divides by the number of window elements inside the input (padding is
 * not counted), rounding half away from zero.
 */
struct snpu_model_layer {
	__le16 op;
	__le16 encoding;
	__le16 variant;
	__le16 flags;
	__le32 input;
	__le32 input2;
	__le32 output;
	__le16 kernel_h;
	__le16 kernel_w;
	__le16 stride_h;
	__le16 stride_w;
	__le16 dilation_h;
	__le16 dilation_w;
	__le16 pad_top;
	__le16 pad_left;
	__le16 pad_bottom;
	__le16 pad_right;
	__le32 groups;
	__le32 out_channels;
	__le32 nnz;
	__le32 weights_offset;
	__le32 weights_size;
	__le32 meta_offset;
	__le32 meta_size;
	__le32 bias_offset;
	__le32 requant_offset;
	__le32 act_min;
	__le32 act_max;
	__le32 add_left_shift;
	__le32 add_in1_mult;
	__le32 add_in1_shift;
	__le32 add_in2_mult;
	__le32 add_in2_shift;
	__le32 add_out_mult;
	__le32 add_out_shift;
	__le32 reserved[4];
};

/*
 * Why a model was rejected: MODEL_CREATE's @status, snpu_model_parse()'s
 * negated return. Append only.
 */
enum snpu_model_error {
	SNPU_MODEL_OK = 0,
	SNPU_MODEL_E_TOO_SMALL,		/* smaller than the header */
	SNPU_MODEL_E_TOO_LARGE,		/* over SNPU_MODEL_MAX_SIZE */
	SNPU_MODEL_E_MAGIC,		/* not a packed snpu model */
	SNPU_MODEL_E_FORMAT_MAJOR,	/* format major not supported */
	SNPU_MODEL_E_SIZE_MISMATCH,	/* header size != blob size */
	SNPU_MODEL_E_CRC,		/* CRC-32 mismatch */
	SNPU_MODEL_E_HEADER,		/* header_size, flags, reserved */
	SNPU_MODEL_E_TABLE,		/* tensor/layer table misplaced */
	SNPU_MODEL_E_TENSOR,		/* bad tensor entry */
	SNPU_MODEL_E_GRAPH,		/* bad input/output/ordering */
	SNPU_MODEL_E_LAYER,		/* bad layer field */
	SNPU_MODEL_E_SHAPE,		/* shapes inconsistent with the op */
	SNPU_MODEL_E_ARRAY_BOUNDS,	/* an array outside the blob */
	SNPU_MODEL_E_ENCODING,		/* malformed weight encoding */
	SNPU_MODEL_E_QUANT,		/* requantization out of range */
	SNPU_MODEL_E_UNSUPPORTED_OP,	/* platform lacks this op */
	SNPU_MODEL_E_UNSUPPORTED_ENCODING, /* platform lacks encoding */
	SNPU_MODEL_E_UNSUPPORTED_SIZE,	/* too big for the platform */
	SNPU_MODEL_E_UNSUPPORTED_SRAM,	/* a layer does not fit its SRAM */
	SNPU_MODEL_E_COUNT
};

#endif /* __UAPI_SNPU_MODEL_H__ */
