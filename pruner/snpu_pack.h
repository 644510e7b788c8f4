/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Packer: turns an int8 graph with dense weight matrices into a packed
 * .snpu model (uapi/snpu_model.h), encoding each layer's weights as asked.
 * A weight of 0 is a pruned weight: it is never stored as a nonzero and
 * stays exactly 0 on the device.
 *
 * The output always passes snpu_model_parse(); a layer whose zeros do not
 * fit the requested pattern (three nonzeros in a 2:4 group, say) is an
 * error, never silently re-pruned.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_PACK_H
#define SNPU_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "snpu_model.h"

/**
 * struct snpu_pack_tensor - an activation tensor of one sample
 * @h: height.
 * @w: width.
 * @c: channels.
 * @zero_point: int8 zero point.
 * @scale: real value of one quantization step (host information).
 */
struct snpu_pack_tensor {
	uint32_t h, w, c;
	int32_t zero_point;
	float scale;
};

/**
 * struct snpu_pack_layer - one layer; fields as in struct snpu_model_layer
 * @op: &enum snpu_op.
 * @encoding: &enum snpu_encoding (FC, conv2d).
 * @variant: N:M pattern or block shape.
 * @input: input tensor index.
 * @input2: second input of ADD.
 * @output: output tensor index.
 * @kernel_h: window height.
 * @kernel_w: window width.
 * @stride_h: vertical stride.
 * @stride_w: horizontal stride.
 * @dilation_h: vertical dilation.
 * @dilation_w: horizontal dilation.
 * @pad_top: rows of padding above.
 * @pad_left: columns of padding to the left.
 * @pad_bottom: rows of padding below.
 * @pad_right: columns of padding to the right.
 * @groups: conv2d groups.
 * @out_channels: rows of the weight matrix.
 * @weights: dense W[out_channels][k] row-major (FC, conv2d), k as in
 *	snpu_model.h; the packer encodes it with @encoding / @variant.
 * @bias: int32[out_channels].
 * @mult: Q31 requantization multipliers [out_channels].
 * @shift: requantization shifts [out_channels].
 * @act_min: lower clamp of the output.
 * @act_max: upper clamp of the output.
 * @add_left_shift: ADD: input left shift.
 * @add_in1_mult: ADD: first input multiplier.
 * @add_in1_shift: ADD: first input shift.
 * @add_in2_mult: ADD: second input multiplier.
 * @add_in2_shift: ADD: second input shift.
 * @add_out_mult: ADD: output multiplier.
 * @add_out_shift: ADD: output shift.
 *
 * Unused fields must be zero (input2 is ignored unless op is ADD).
 */
struct snpu_pack_layer {
	uint32_t op;
	uint32_t encoding;
	uint32_t variant;
	uint32_t input, input2, output;
	uint16_t kernel_h, kernel_w, stride_h, stride_w;
	uint16_t dilation_h, dilation_w;
	uint16_t pad_top, pad_left, pad_bottom, pad_right;
	uint32_t groups;
	uint32_t out_channels;
	const int8_t *weights;
	const int32_t *bias;
	const int32_t *mult;
	const int32_t *shift;
	int32_t act_min, act_max;
	uint32_t add_left_shift;
	int32_t add_in1_mult, add_in1_shift;
	int32_t add_in2_mult, add_in2_shift;
	int32_t add_out_mult, add_out_shift;
};

/**
 * struct snpu_pack_model - the graph to pack
 * @n_tensors: entries in @tensors.
 * @tensors: tensor table.
 * @n_layers: entries in @layers, in execution order.
 * @layers: layer table.
 * @input: input tensor index.
 * @output: output tensor index.
 */
struct snpu_pack_model {
	uint32_t n_tensors;
	const struct snpu_pack_tensor *tensors;
	uint32_t n_layers;
	const struct snpu_pack_layer *layers;
	uint32_t input;
	uint32_t output;
};

/**
 * struct snpu_pack_stats - where the bytes of a packed model went
 * @total: the whole blob.
 * @values: weight values stored (fillers and N:M/block padding included).
 * @index: encoding metadata (CSR row pointers and deltas, N:M masks,
 *	block pointers and columns).
 * @params: bias and requantization arrays.
 * @tables: header and tables.
 */
struct snpu_pack_stats {
	size_t total;
	size_t values;
	size_t index;
	size_t params;
	size_t tables;
};

/**
 * snpu_pack() - pack a model
 * @model: the graph.
 * @blob: Output: malloc()ed blob, freed by the caller with free().
 * @size: Output: bytes at *@blob.
 * @stats: Output: byte breakdown; may be NULL.
 * @err: Output: a message naming the layer and problem on failure (at
 *	most @err_size bytes); may be NULL.
 * @err_size: bytes at @err.
 *
 * Return: 0, -EINVAL for a graph that cannot be packed as asked, -ENOMEM.
 */
int snpu_pack(const struct snpu_pack_model *model, void **blob, size_t *size,
	      struct snpu_pack_stats *stats, char *err, size_t err_size);

/**
 * snpu_pack_csr_fill() - keep the weights CSR would store as fillers
 * @mask: rows x k, nonzero = kept; changed in place.
 * @rows: rows.
 * @k: columns.
 *
 * SNPU_ENC_CSR bridges a gap of more than 15 columns with filler entries
 * of value 0 (uapi/snpu_model.h). A filler costs as many bytes as a
 * weight, so keeping the real weight at each filler position is free:
 * this marks those positions kept. The packed size of the mask's pattern
 * is unchanged (as long as every kept weight stays nonzero after
 * quantization); the model keeps more weights.
 */
void snpu_pack_csr_fill(uint8_t *mask, uint32_t rows, uint32_t k);

#endif /* SNPU_PACK_H */
