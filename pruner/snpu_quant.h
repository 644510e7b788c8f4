/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * int8 quantization and lowering: turns a canonical fp32 graph (ONNX
 * terms, NCHW) into the int8 device graph of the packed .snpu format
 * (NHWC per sample, TFLite int8 arithmetic; uapi/snpu_model.h and
 * docs/model-format.md), and runs packed models on the host's int8
 * engine (driver/common/snpu_engine.h) to measure their accuracy.
 *
 *   snpu_graph_canon(g); snpu_graph_infer_shapes(g, 0);
 *   snpu_quantize(g, &opts, calib_x, n_calib, &q, err, sizeof(err));
 *   snpu_qmodel_pack(q, &blob, &size, &stats, err, sizeof(err));
 *   snpu_int8_evaluate(blob, size, test_x, test_y, n, &acc, NULL, err, n);
 *
 * Lowering: Conv -> CONV2D, Gemm (activation A, constant B) -> FC, a
 * Relu or Clip right after a Conv, Gemm, Add or pool -> that layer's
 * act_min/act_max, MaxPool -> MAXPOOL, AveragePool and GlobalAveragePool
 * -> AVGPOOL, Add of two activations -> ADD, Flatten and Reshape ->
 * RESHAPE where the NHWC bytes already are in the order the consumer
 * reads, a trailing Softmax dropped (the device output is then the
 * logits; argmax is unchanged). Anything else fails naming the node.
 *
 * Quantization: activations asymmetric int8 from calibration ranges
 * (expanded to hold 0, so 0 is exact), pools and reshapes share their
 * input's parameters; weights symmetric per output channel with
 * scale = max|w| / 127 and round to nearest, so a pruned (zero) weight
 * stays exactly 0; int32 bias at scale s_in * s_w; requantization
 * multipliers as TFLite's QuantizeMultiplier.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_QUANT_H
#define SNPU_QUANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snpu_graph.h"
#include "snpu_pack.h"

struct snpu_counters;
struct snpu_platform;

/* Encoding value of struct snpu_quant_layer_opts meaning "choose". */
#define SNPU_QUANT_ENC_AUTO	UINT32_MAX

/**
 * enum snpu_quant_calib - how a calibrated activation range is chosen
 * @SNPU_QUANT_CALIB_MINMAX: the smallest and largest value seen.
 * @SNPU_QUANT_CALIB_PERCENTILE: the (100 - p) and p percentiles of the
 *	values seen (p = &snpu_quant_opts.percentile), from a 4096-bin
 *	histogram over the min/max range; outliers then saturate instead
 *	of coarsening every other value's step.
 */
enum snpu_quant_calib {
	SNPU_QUANT_CALIB_MINMAX,
	SNPU_QUANT_CALIB_PERCENTILE,
};

/**
 * struct snpu_quant_layer_opts - encoding of one weighted layer
 * @encoding: &enum snpu_encoding, or %SNPU_QUANT_ENC_AUTO for the
 *	encoding with the fewest packed bytes (values plus metadata) among
 *	those the layer's zero pattern admits and the allowed masks permit.
 * @variant: &enum snpu_nm_pattern or &enum snpu_block_shape for N:M and
 *	BLOCK; 0 otherwise (ignored for AUTO).
 */
struct snpu_quant_layer_opts {
	uint32_t encoding;
	uint32_t variant;
};

/**
 * struct snpu_quant_opts - quantization options (zero-initialised: min/max
 *	calibration, input calibrated, every layer AUTO, everything allowed)
 * @calib: &enum snpu_quant_calib.
 * @percentile: p for %SNPU_QUANT_CALIB_PERCENTILE, in (50, 100]; 0 means
 *	99.99.
 * @calib_batch: samples per executor run during calibration; 0 means 32.
 * @fix_input: use @input_scale and @input_zero_point for the model input
 *	instead of calibrating it (Fashion-MNIST pixels / 255: scale 1 / 255,
 *	zero point -128, so q = pixel - 128 exactly).
 * @input_scale: input scale when @fix_input, > 0.
 * @input_zero_point: input zero point when @fix_input, -128 to 127.
 * @layers: per weighted layer, indexed like snpu_graph_wviews(); NULL
 *	means every layer AUTO.
 * @n_layers: entries in @layers; layers past it are AUTO. At most the
 *	number of weighted layers.
 * @allowed_encodings: mask of ``1 << SNPU_ENC_*`` AUTO may pick and an
 *	explicit choice may name; 0 means all. Dense is always admitted by
 *	the pattern, so a mask without it can leave AUTO with nothing.
 * @allowed_nm: mask of ``1 << SNPU_NM_*``; 0 means all.
 * @allowed_blocks: mask of ``1 << SNPU_BLOCK_*``; 0 means all.
 * @plat: the target platform, or NULL. With one, AUTO picks the encoding
 *	with the fewest cycles on it by the device's cost model (zero
 *	activations not counted), fewest bytes breaking ties; without, the
 *	fewest bytes.
 */
struct snpu_quant_opts {
	enum snpu_quant_calib calib;
	double percentile;
	uint32_t calib_batch;
	bool fix_input;
	float input_scale;
	int32_t input_zero_point;
	const struct snpu_quant_layer_opts *layers;
	uint32_t n_layers;
	uint32_t allowed_encodings;
	uint32_t allowed_nm;
	uint32_t allowed_blocks;
	const struct snpu_platform *plat;
};

/**
 * struct snpu_qlayer_info - one weighted layer of a quantized model
 * @name: ONNX node name (its output tensor's name when the node has none).
 * @node: node index in the graph.
 * @layer: layer index in the packed model.
 * @op: %SNPU_OP_FC or %SNPU_OP_CONV2D.
 * @rows: output channels.
 * @k: inputs per output channel (device K).
 * @nnz: int8 weights that are not 0.
 * @sparsity: 1 - @nnz / (@rows * @k).
 * @encoding: chosen &enum snpu_encoding.
 * @variant: chosen N:M pattern or block shape (0 otherwise).
 * @automatic: the encoding was chosen by AUTO.
 * @candidates: AUTO: encodings (counting each variant) the pattern and
 *	masks admitted.
 * @values: bytes of packed weight values, 8-byte padding included (as
 *	&struct snpu_pack_stats counts them).
 * @index: bytes of encoding metadata, padding included.
 * @params: bytes of bias and requantization arrays, padding included.
 * @w_scale_min: smallest per-channel weight scale.
 * @w_scale_max: largest per-channel weight scale.
 *
 * The @values, @index and @params of every layer add up to the same
 * fields of the model's &struct snpu_pack_stats.
 */
struct snpu_qlayer_info {
	const char *name;
	uint32_t node;
	uint32_t layer;
	uint32_t op;
	uint32_t rows;
	uint32_t k;
	uint64_t nnz;
	double sparsity;
	uint32_t encoding;
	uint32_t variant;
	bool automatic;
	uint32_t candidates;
	size_t values;
	size_t index;
	size_t params;
	float w_scale_min;
	float w_scale_max;
};

struct snpu_qmodel;

/**
 * snpu_quantize() - quantize and lower a graph
 * @g: canonical graph (snpu_graph_canon()) with inferred shapes, one
 *	input and one output; not changed.
 * @o: options; NULL for the defaults.
 * @calib_x: @n_calib input samples, float, NCHW (the graph input's
 *	per-sample extents).
 * @n_calib: samples, >= 1.
 * @out: Output: the quantized model, freed with snpu_qmodel_free().
 * @err: Output: on failure, a message naming the node or layer (at most
 *	@err_size bytes); may be NULL.
 * @err_size: bytes at @err.
 *
 * Runs the fp32 executor over the calibration samples, records the range
 * of every tensor that becomes a device tensor, quantizes weights, bias
 * and requantization and chooses each layer's encoding.
 *
 * Return: 0; -EINVAL for a graph that cannot be lowered (unsupported
 * node, a Relu with no layer to fuse into, a reshape that would reorder
 * bytes, an explicit encoding the weights do not fit, a non-finite
 * calibration value, ...); -ENOMEM.
 */
int snpu_quantize(const struct snpu_graph *g, const struct snpu_quant_opts *o,
		  const float *calib_x, uint32_t n_calib,
		  struct snpu_qmodel **out, char *err, size_t err_size);

/**
 * snpu_qmodel_free() - free a quantized model
 * @q: the model; NULL is allowed.
 */
void snpu_qmodel_free(struct snpu_qmodel *q);

/**
 * snpu_qmodel_pack_model() - the device graph, as snpu_pack() takes it
 * @q: the model.
 *
 * Return: a description owned by @q (dense int8 weights with the chosen
 * encodings), valid until @q is freed or its encodings change.
 */
const struct snpu_pack_model *
snpu_qmodel_pack_model(const struct snpu_qmodel *q);

/**
 * snpu_qmodel_pack() - pack the model into a .snpu blob
 * @q: the model.
 * @blob: Output: malloc()ed blob, freed by the caller.
 * @size: Output: bytes at *@blob.
 * @st: Output: byte breakdown; may be NULL.
 * @err: Output: message on failure; may be NULL.
 * @err_size: bytes at @err.
 *
 * Return: 0, -EINVAL (snpu_pack() refused; the message says why), -ENOMEM.
 */
int snpu_qmodel_pack(const struct snpu_qmodel *q, void **blob, size_t *size,
		     struct snpu_pack_stats *st, char *err, size_t err_size);

/**
 * snpu_qmodel_input() - the model input tensor
 * @q: the model.
 *
 * Return: extents (h, w, c), zero point and scale of the device input.
 */
const struct snpu_pack_tensor *snpu_qmodel_input(const struct snpu_qmodel *q);

/**
 * snpu_qmodel_output() - the model output tensor
 * @q: the model.
 *
 * Return: extents, zero point and scale of the device output.
 */
const struct snpu_pack_tensor *snpu_qmodel_output(const struct snpu_qmodel *q);

/**
 * snpu_qmodel_softmax_dropped() - whether the graph's trailing Softmax was
 *	left to the host
 * @q: the model.
 *
 * Return: true when the device output is the Softmax's input (logits).
 */
bool snpu_qmodel_softmax_dropped(const struct snpu_qmodel *q);

/**
 * snpu_qmodel_quantize_input() - float samples to device input bytes
 * @q: the model.
 * @x: @n samples in the graph input's NCHW order.
 * @n: samples.
 * @out: Output: @n samples, int8 in the device input's NHWC order.
 *
 * q = clamp(round(x / scale) + zero_point, -128, 127), rounding half away
 * from zero as TFLite does.
 */
void snpu_qmodel_quantize_input(const struct snpu_qmodel *q, const float *x,
				uint32_t n, int8_t *out);

/**
 * snpu_qmodel_dequantize_output() - device output bytes to float samples
 * @q: the model.
 * @in: @n samples of device output, NHWC int8.
 * @n: samples.
 * @out: Output: @n samples in the graph output's NCHW order, each value
 *	scale * (q - zero_point).
 */
void snpu_qmodel_dequantize_output(const struct snpu_qmodel *q,
				   const int8_t *in, uint32_t n, float *out);

/**
 * snpu_qmodel_layer_count() - weighted layers of the model
 * @q: the model.
 *
 * Return: the count (the number of views snpu_graph_wviews() gave).
 */
uint32_t snpu_qmodel_layer_count(const struct snpu_qmodel *q);

/**
 * snpu_qmodel_layer() - one weighted layer's description
 * @q: the model.
 * @i: weighted layer index, as in snpu_graph_wviews().
 *
 * Return: the description owned by @q, or NULL when @i is out of range.
 */
const struct snpu_qlayer_info *snpu_qmodel_layer(const struct snpu_qmodel *q,
						 uint32_t i);

/**
 * snpu_qmodel_set_encoding() - change one weighted layer's encoding
 * @q: the model.
 * @i: weighted layer index.
 * @encoding: &enum snpu_encoding or %SNPU_QUANT_ENC_AUTO.
 * @variant: N:M pattern or block shape; 0 otherwise.
 * @err: Output: message on failure; may be NULL.
 * @err_size: bytes at @err.
 *
 * The allowed masks given to snpu_quantize() still apply. On failure the
 * layer keeps its encoding.
 *
 * Return: 0, or -EINVAL (bad index, encoding not allowed, or weights
 * that do not fit it; the message names the layer, row and group).
 */
int snpu_qmodel_set_encoding(struct snpu_qmodel *q, uint32_t i,
			     uint32_t encoding, uint32_t variant, char *err,
			     size_t err_size);

/**
 * struct snpu_enc_count - what an encoding stores for an int8 matrix
 * @values: bytes of weight values (unpadded).
 * @index: bytes of metadata (unpadded).
 * @stored: entries inside the matrix the device executes at every
 *	position: nonzeros, CSR fillers, the zeros N:M and blocks keep;
 *	padding excluded (the engine's count).
 */
struct snpu_enc_count {
	size_t values;
	size_t index;
	uint64_t stored;
};

/**
 * snpu_encoding_count() - count what an encoding stores, as snpu_pack()
 *	lays it out
 * @w: the int8 matrix, @rows x @k, row major; only its zeros matter.
 * @rows: rows (output channels).
 * @k: columns of one group.
 * @groups: row groups (conv2d groups; 1 for FC); divides @rows.
 * @enc: &enum snpu_encoding.
 * @variant: N:M pattern or block shape.
 * @o: filled.
 * @colcnt: NULL, or @groups * @k entries: stored entries per column of
 *	each group, what a zero activation in that column lets the device
 *	skip.
 * @why: why the matrix does not fit the encoding (at most @why_size
 *	bytes).
 * @why_size: bytes at @why.
 *
 * Return: 0, or -EINVAL when the zeros do not fit the encoding (an N:M
 * group with too many nonzeros, too many block columns).
 */
int snpu_encoding_count(const int8_t *w, uint32_t rows, uint32_t k,
			uint32_t groups, uint32_t enc, uint32_t variant,
			struct snpu_enc_count *o, uint32_t *colcnt,
			char *why, size_t why_size);

/**
 * snpu_quantize_multiplier() - TFLite's QuantizeMultiplier
 * @m: real multiplier, > 0.
 * @mult: Output: Q31 multiplier, 2^30 to 2^31 - 1.
 * @shift: Output: shift, -31 to 30 (positive shifts left), with
 *	m ~= @mult * 2^(@shift - 31).
 *
 * Return: 0, or -ERANGE when @m is not positive and finite (outputs
 * 2^30, 0) or outside what the format can hold: above 2^30 (outputs the
 * largest pair) or below 2^-32 (outputs 2^30, -31, the smallest pair).
 */
int snpu_quantize_multiplier(double m, int32_t *mult, int32_t *shift);

/*
 * struct snpu_int8_runner: a packed model prepared for the host engine.
 * Opaque. Holds the validated view, the prepared model and a scratch
 * buffer that grows with the largest batch run, so repeated runs (an
 * evaluation of 10 000 images) allocate nothing.
 */
struct snpu_int8_runner;

/**
 * snpu_int8_runner_new() - parse and prepare a packed model
 * @blob: the .snpu bytes (not referenced after the call).
 * @size: bytes at @blob.
 * @plat: platform whose capabilities, cost table and features apply, or
 *	NULL (format checks only, no cycle counts).
 * @out: Output: the runner, freed with snpu_int8_runner_free().
 * @err: Output: message on failure; may be NULL.
 * @err_size: bytes at @err.
 *
 * Return: 0, -EINVAL (the parser's reason in @err), -ENOMEM.
 */
int snpu_int8_runner_new(const void *blob, size_t size,
			 const struct snpu_platform *plat,
			 struct snpu_int8_runner **out, char *err,
			 size_t err_size);

/**
 * snpu_int8_runner_free() - free a runner
 * @r: the runner; NULL is allowed.
 */
void snpu_int8_runner_free(struct snpu_int8_runner *r);

/**
 * snpu_int8_runner_input() - the model input tensor of a runner
 * @r: the runner.
 *
 * Return: extents, zero point and scale read from the blob.
 */
const struct snpu_pack_tensor *
snpu_int8_runner_input(const struct snpu_int8_runner *r);

/**
 * snpu_int8_runner_output() - the model output tensor of a runner
 * @r: the runner.
 *
 * Return: extents, zero point and scale read from the blob.
 */
const struct snpu_pack_tensor *
snpu_int8_runner_output(const struct snpu_int8_runner *r);

/**
 * snpu_int8_runner_run() - run a batch
 * @r: the runner.
 * @in: @batch samples of device input (NHWC int8).
 * @out: Output: @batch samples of device output.
 * @batch: samples, >= 1.
 * @c: Output: counters of this run; may be NULL.
 * @err: Output: message on failure; may be NULL.
 * @err_size: bytes at @err.
 *
 * Return: 0, -EINVAL (zero batch, engine error), -ENOMEM.
 */
int snpu_int8_runner_run(struct snpu_int8_runner *r, const int8_t *in,
			 int8_t *out, uint32_t batch, struct snpu_counters *c,
			 char *err, size_t err_size);

/**
 * snpu_int8_runner_profile() - run, counting every layer on its own
 * @r: the runner.
 * @in: @batch input samples.
 * @out: receives @batch output samples.
 * @batch: samples.
 * @layers: entry i receives layer i's counters (the device's
 *	DRM_SNPU_SUBMIT_LAYER_COUNTERS view), for i < @n_layers.
 * @n_layers: entries at @layers.
 * @err: message on failure.
 * @err_size: bytes at @err.
 *
 * After the run, snpu_int8_runner_tensor() reads any tensor of it.
 *
 * Return: 0 or -errno.
 */
int snpu_int8_runner_profile(struct snpu_int8_runner *r, const int8_t *in,
			     int8_t *out, uint32_t batch,
			     struct snpu_counters *layers, uint32_t n_layers,
			     char *err, size_t err_size);

/**
 * snpu_int8_runner_tensor() - a tensor of the last run
 * @r: the runner.
 * @t: tensor index of the packed model.
 * @in: the input of that run.
 * @out: the output of that run.
 * @batch: its batch.
 *
 * Return: @batch samples of tensor @t, or NULL for a bad index.
 */
const int8_t *snpu_int8_runner_tensor(const struct snpu_int8_runner *r,
				      uint32_t t, const int8_t *in,
				      const int8_t *out, uint32_t batch);

/**
 * snpu_int8_runner_view() - the parsed model a runner runs
 * @r: the runner.
 *
 * Return: the view, valid while @r is.
 */
const struct snpu_model_view *
snpu_int8_runner_view(const struct snpu_int8_runner *r);

/**
 * snpu_int8_runner_evaluate() - top-1 accuracy of a packed classifier
 * @r: the runner.
 * @x: @n float samples in NCHW order of the graph input; quantized with
 *	the input tensor's scale and zero point from the blob.
 * @y: @n labels.
 * @n: samples, >= 1.
 * @accuracy: Output: fraction of samples whose output argmax (first of
 *	equal maxima, over the output elements in NCHW order) is the label.
 * @c: Output: counters summed over the whole evaluation; may be NULL.
 * @err: Output: message on failure; may be NULL.
 * @err_size: bytes at @err.
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
int snpu_int8_runner_evaluate(struct snpu_int8_runner *r, const float *x,
			      const uint8_t *y, uint32_t n, double *accuracy,
			      struct snpu_counters *c, char *err,
			      size_t err_size);

/**
 * snpu_int8_run() - one-shot snpu_int8_runner_new() + run + free
 * @blob: the .snpu bytes.
 * @size: bytes at @blob.
 * @in: @batch samples of device input.
 * @out: Output: @batch samples of device output.
 * @batch: samples.
 * @c: Output: counters; may be NULL.
 * @err: Output: message on failure; may be NULL.
 * @err_size: bytes at @err.
 *
 * Return: as snpu_int8_runner_new() and snpu_int8_runner_run().
 */
int snpu_int8_run(const void *blob, size_t size, const int8_t *in,
		  int8_t *out, uint32_t batch, struct snpu_counters *c,
		  char *err, size_t err_size);

/**
 * snpu_int8_evaluate() - one-shot accuracy of a packed classifier
 * @blob: the .snpu bytes; the input's scale and zero point come from it.
 * @size: bytes at @blob.
 * @x: @n float samples, NCHW.
 * @y: @n labels.
 * @n: samples.
 * @accuracy: Output: top-1 accuracy, 0 to 1.
 * @c: Output: counters; may be NULL.
 * @err: Output: message on failure; may be NULL.
 * @err_size: bytes at @err.
 *
 * Return: as snpu_int8_runner_evaluate().
 */
int snpu_int8_evaluate(const void *blob, size_t size, const float *x,
		       const uint8_t *y, uint32_t n, double *accuracy,
		       struct snpu_counters *c, char *err, size_t err_size);

#endif /* SNPU_QUANT_H */
