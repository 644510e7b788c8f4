/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * ONNX import and export for the pruner: ModelProto bytes <-> struct
 * snpu_graph, through the protobuf-c code generated from Debian's
 * onnx.proto (build/gen/onnx.pb-c.[ch]).
 *
 * Import takes the ops of enum snpu_gop at ONNX opsets 1 to 21 of the
 * default domain, fp32 tensors (int64 only for Reshape shapes) and
 * initializers stored inline (raw_data or typed fields). Whatever else a
 * model uses is refused with -EOPNOTSUPP and a message naming the node and
 * what it uses, so a caller can tell "valid ONNX we do not run" (the
 * conformance runner counts it as unsupported) from a broken file
 * (-EINVAL).
 *
 * Export writes ir_version 7 with opset 13 of the default domain, which
 * onnx.checker accepts and onnxruntime runs; import(export(g)) gives back
 * g's ops, attributes, tensors and data (pruning masks are not written:
 * pruned weights are stored as the zeros they are).
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_ONNX_H
#define SNPU_ONNX_H

#include <stddef.h>
#include <stdint.h>

#include "snpu_graph.h"

/* Newest default-domain opset whose semantics the importer knows. */
#define SNPU_ONNX_MAX_OPSET	21
/* Opset and IR version the exporter writes. */
#define SNPU_ONNX_EXPORT_OPSET	13
#define SNPU_ONNX_EXPORT_IR	7

/**
 * snpu_onnx_import() - build a graph from a serialized ONNX ModelProto
 * @buf: the bytes of a .onnx file.
 * @size: their number.
 * @out: receives the new graph (free with snpu_graph_free()); untouched on
 *	error.
 * @err: message buffer, filled on error (may be NULL when @n is 0).
 * @n: size of @err.
 *
 * The graph gets the model's default-domain opset, one tensor per
 * initializer (except those read only as Clip bounds, which become the
 * node's clip_min / clip_max), per graph input that is not an initializer
 * and per node output, in that order, and one node per ONNX node in file
 * order. Declared shapes of inputs, outputs and value_info are kept, with
 * -1 for a symbolic (dim_param) or unset extent (a shape whose extents
 * are all unset counts as no shape: rank 0, left to
 * snpu_graph_infer_shapes()); a graph input must have a shape, as
 * onnx.checker also requires. Trailing omitted optional inputs ("") are
 * dropped from the node's n_in. Attributes are
 * validated and mapped into struct snpu_gattr (1-D convolutions and pools
 * as height 1; auto_pad SAME_* resolved into pads when the input's
 * spatial extents are declared). The result passes snpu_graph_check().
 *
 * Return: 0; -EINVAL for bytes that are not a well-formed model (protobuf
 * decoding, a missing or duplicate name, an input nothing defines, a graph
 * input without a shape, a bad attribute value, a graph
 * snpu_graph_check() refuses); -EOPNOTSUPP for a
 * valid model using an op, data type, attribute value or feature
 * (external data, sparse initializers, several outputs per node) this
 * importer does not implement; -ENOMEM. Messages name the node as
 * "node 3 'conv1' (Conv): ...".
 */
int snpu_onnx_import(const void *buf, size_t size, struct snpu_graph **out,
		     char *err, size_t n);

/**
 * snpu_onnx_import_file() - snpu_onnx_import() on the contents of a file
 * @path: .onnx file.
 * @out: receives the new graph.
 * @err: message buffer; messages start with @path.
 * @n: size of @err.
 *
 * Return: as snpu_onnx_import(), or the negative errno of a failed open
 * or read.
 */
int snpu_onnx_import_file(const char *path, struct snpu_graph **out,
			  char *err, size_t n);

/**
 * snpu_onnx_export() - serialize a graph as an ONNX ModelProto
 * @g: graph; must pass snpu_graph_check().
 * @buf: receives a malloc()ed buffer (the caller frees it); untouched on
 *	error.
 * @size: receives its size.
 * @err: message buffer, filled on error.
 * @n: size of @err.
 *
 * Writes producer "snpu", ir_version %SNPU_ONNX_EXPORT_IR and opset
 * %SNPU_ONNX_EXPORT_OPSET; every node with all the attributes its op
 * reads (Clip bounds as scalar initializers "<output>_min" / "_max", as
 * opset 13 wants); every constant as an initializer in raw_data
 * (little-endian); graph inputs and outputs with their shapes (an unknown
 * extent becomes dim_param "N"; an output whose shape is not inferred
 * yet gets its rank in unset extents, which onnx.checker accepts); the
 * declared shapes of the other computed tensors as value_info.
 *
 * import(export(g)) gives g back except where opset 13 has one spelling
 * for two of ours: a pre-13 Softmax over its last axis comes back with
 * opset13 set, Reshape allowzero without a 0 in the shape comes back 0,
 * an empty graph name comes back "snpu", and g->opset becomes 13.
 *
 * Return: 0; -EINVAL when @g fails snpu_graph_check(); -EOPNOTSUPP for a
 * node opset 13 cannot express (a pre-13 Softmax over an axis other than
 * the last, Reshape allowzero with a 0 in the shape, AveragePool
 * dilations); -ENOMEM.
 */
int snpu_onnx_export(const struct snpu_graph *g, void **buf, size_t *size,
		     char *err, size_t n);

/**
 * snpu_onnx_export_file() - snpu_onnx_export() into a file
 * @g: graph.
 * @path: file to write; replaced only once the whole model is written
 *	(through a temporary file in the same folder and rename()).
 * @err: message buffer; file errors name @path.
 * @n: size of @err.
 *
 * Return: as snpu_onnx_export(), or the negative errno of a failed write.
 */
int snpu_onnx_export_file(const struct snpu_graph *g, const char *path,
			  char *err, size_t n);

/**
 * snpu_onnx_read_tensor() - read a serialized TensorProto (.pb file)
 * @path: file, such as the input_0.pb / output_0.pb of an ONNX backend
 *	test.
 * @dtype: receives %SNPU_DT_FLOAT or %SNPU_DT_INT64.
 * @ndim: receives the rank (0 for a scalar).
 * @dims: receives the extents.
 * @data: receives a malloc()ed array of numel floats or int64 values (at
 *	least one byte allocated even when numel is 0); the caller frees it.
 * @err: message buffer; messages start with @path.
 * @n: size of @err.
 *
 * Return: 0; -EINVAL for a file that is not a TensorProto or whose data
 * does not match its shape; -EOPNOTSUPP for another data type, external
 * data or more than %SNPU_GRAPH_MAX_DIMS dimensions; -ENOMEM; the
 * negative errno of a failed open or read.
 */
int snpu_onnx_read_tensor(const char *path, enum snpu_dtype *dtype,
			  uint32_t *ndim, int64_t dims[SNPU_GRAPH_MAX_DIMS],
			  void **data, char *err, size_t n);

#endif /* SNPU_ONNX_H */
