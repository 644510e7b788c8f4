/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The pruner's in-memory graph: one fp32 inference graph in ONNX terms
 * (NCHW activations, ONNX weight layouts and attribute meanings), which
 * every stage of the pipeline reads and rewrites:
 *
 *   snpu_onnx_import() -> snpu_graph -> exec / train / prune / quantize
 *   -> snpu_onnx_export() or snpu_lower() -> snpu_pack()
 *
 * Tensors are a flat table; nodes refer to them by index. A tensor with
 * data is a constant (an ONNX initializer); the others are graph inputs
 * or values computed by exactly one node. Nodes are kept in a topological
 * order (snpu_graph_check() proves it).
 *
 * Ownership: the graph owns every name, data, grad and mask array it
 * points to (all malloc()ed); snpu_graph_free() releases them.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_GRAPH_H
#define SNPU_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNPU_GRAPH_MAX_DIMS	8
#define SNPU_GRAPH_MAX_IO	5
#define SNPU_GRAPH_NONE		UINT32_MAX

/**
 * enum snpu_gop - graph operations (ONNX operators, opset 7 to 13 meaning)
 * @SNPU_GOP_GEMM: Gemm: Y = alpha * A' * B' + beta * C (A' = A or A^T).
 * @SNPU_GOP_MATMUL: MatMul with numpy broadcasting.
 * @SNPU_GOP_CONV: Conv (2-D; 1-D is treated as height 1 by the executor).
 * @SNPU_GOP_RELU: Relu.
 * @SNPU_GOP_CLIP: Clip with min/max (attributes or constant inputs).
 * @SNPU_GOP_MAXPOOL: MaxPool (2-D).
 * @SNPU_GOP_AVGPOOL: AveragePool (2-D).
 * @SNPU_GOP_GLOBALAVGPOOL: GlobalAveragePool.
 * @SNPU_GOP_ADD: Add with numpy broadcasting.
 * @SNPU_GOP_FLATTEN: Flatten at @axis.
 * @SNPU_GOP_RESHAPE: Reshape to a constant int64 shape (input 1).
 * @SNPU_GOP_BATCHNORM: BatchNormalization (inference form).
 * @SNPU_GOP_SOFTMAX: Softmax along @axis (runs on the host only).
 * @SNPU_GOP_COUNT: number of operations; not an operation.
 */
enum snpu_gop {
	SNPU_GOP_GEMM,
	SNPU_GOP_MATMUL,
	SNPU_GOP_CONV,
	SNPU_GOP_RELU,
	SNPU_GOP_CLIP,
	SNPU_GOP_MAXPOOL,
	SNPU_GOP_AVGPOOL,
	SNPU_GOP_GLOBALAVGPOOL,
	SNPU_GOP_ADD,
	SNPU_GOP_FLATTEN,
	SNPU_GOP_RESHAPE,
	SNPU_GOP_BATCHNORM,
	SNPU_GOP_SOFTMAX,
	SNPU_GOP_COUNT
};

/**
 * enum snpu_dtype - element types a tensor can hold
 * @SNPU_DT_FLOAT: fp32 (ONNX FLOAT); activations and weights.
 * @SNPU_DT_INT64: int64 (ONNX INT64); Reshape shapes only.
 */
enum snpu_dtype {
	SNPU_DT_FLOAT,
	SNPU_DT_INT64,
};

/**
 * struct snpu_gtensor - one tensor
 * @name: ONNX name (unique in the graph).
 * @dtype: &enum snpu_dtype.
 * @ndim: number of dimensions, 0 (scalar) to %SNPU_GRAPH_MAX_DIMS.
 * @dims: extents; -1 for an unknown extent (a symbolic batch dimension of
 *	a graph input or output).
 * @data: constant values (numel floats) or NULL for a computed value.
 * @i64: constant values (numel int64) for %SNPU_DT_INT64 constants.
 * @mask: pruning mask of a constant weight, numel bytes, 1 = kept,
 *	0 = pruned (the value is 0 and stays 0 under fine-tuning); NULL when
 *	nothing is pruned.
 * @producer: index of the node that computes it, or %SNPU_GRAPH_NONE.
 */
struct snpu_gtensor {
	char *name;
	enum snpu_dtype dtype;
	uint32_t ndim;
	int64_t dims[SNPU_GRAPH_MAX_DIMS];
	float *data;
	int64_t *i64;
	uint8_t *mask;
	uint32_t producer;
};

/**
 * struct snpu_gattr - attributes of a node (the ones its op reads)
 *
 * Spatial attributes are 2-D (h, w). A 1-D Conv or pool (input [N, C, L],
 * Conv weight [O, C/group, k]) is stored as height 1: index 0 of each
 * pair holds the neutral value (kernel 1, stride 1, dilation 1, pads 0)
 * and the ONNX values go to the width entries; tensors keep their ONNX
 * ranks, and the executor reads [N, C, L] as [N, C, 1, L].
 *
 * @kernel: kernel_shape (h, w) of pools; conv kernel comes from W.
 * @strides: strides (h, w), default 1.
 * @dilations: dilations (h, w), default 1.
 * @pads: pads (top, left, bottom, right), default 0; already resolved from
 *	auto_pad SAME_UPPER / SAME_LOWER by the importer when the input
 *	shape is known, else see @auto_pad.
 * @auto_pad: 0 NOTSET/VALID (use @pads), 1 SAME_UPPER, 2 SAME_LOWER.
 * @group: conv groups, default 1.
 * @ceil_mode: pools: round output extent up.
 * @count_include_pad: AveragePool: count padding in the divisor.
 * @trans_a: Gemm transA.
 * @trans_b: Gemm transB.
 * @alpha: Gemm alpha, default 1.
 * @beta: Gemm beta, default 1.
 * @clip_min: Clip lower bound (-INFINITY when absent).
 * @clip_max: Clip upper bound (+INFINITY when absent).
 * @epsilon: BatchNormalization epsilon, default 1e-5.
 * @axis: Flatten (default 1) and Softmax (default -1 from opset 13, else
 *	1) axis, as given (may be negative).
 * @opset13: Softmax: opset >= 13 semantics (single axis) rather than the
 *	coerced-to-2-D form of older opsets.
 * @allowzero: Reshape allowzero.
 */
struct snpu_gattr {
	int64_t kernel[2];
	int64_t strides[2];
	int64_t dilations[2];
	int64_t pads[4];
	int auto_pad;
	int64_t group;
	int ceil_mode;
	int count_include_pad;
	int trans_a, trans_b;
	float alpha, beta;
	float clip_min, clip_max;
	float epsilon;
	int64_t axis;
	int opset13;
	int allowzero;
};

/**
 * struct snpu_gnode - one node
 * @name: ONNX node name (may be empty, never NULL).
 * @op: &enum snpu_gop.
 * @n_in: inputs used.
 * @in: input tensor indices; %SNPU_GRAPH_NONE for an omitted optional one.
 *	Gemm: A, B, C; Conv: X, W, B; BatchNormalization: X, scale, B, mean,
 *	var; Add and MatMul: A, B; Reshape: data, shape; others: X.
 * @n_out: outputs (always 1 for these ops).
 * @out: output tensor indices.
 * @attr: attributes.
 */
struct snpu_gnode {
	char *name;
	enum snpu_gop op;
	uint32_t n_in;
	uint32_t in[SNPU_GRAPH_MAX_IO];
	uint32_t n_out;
	uint32_t out[1];
	struct snpu_gattr attr;
};

/**
 * struct snpu_graph - a graph
 * @name: graph name.
 * @opset: the ONNX default-domain opset it was written for.
 * @n_tensors: entries in @tensors.
 * @cap_tensors: allocated entries of @tensors.
 * @tensors: tensor table.
 * @n_nodes: entries in @nodes (topological order).
 * @cap_nodes: allocated entries of @nodes.
 * @nodes: node table.
 * @n_inputs: graph inputs (computed tensors fed by the caller; constants
 *	are never listed).
 * @inputs: their tensor indices.
 * @n_outputs: graph outputs.
 * @outputs: their tensor indices.
 */
struct snpu_graph {
	char *name;
	int64_t opset;
	uint32_t n_tensors, cap_tensors;
	struct snpu_gtensor *tensors;
	uint32_t n_nodes, cap_nodes;
	struct snpu_gnode *nodes;
	uint32_t n_inputs;
	uint32_t inputs[SNPU_GRAPH_MAX_IO];
	uint32_t n_outputs;
	uint32_t outputs[SNPU_GRAPH_MAX_IO];
};

/* Name of an op as ONNX spells it ("Conv"). */
const char *snpu_gop_name(enum snpu_gop op);
/* The op with that ONNX name, or -1. */
int snpu_gop_from_name(const char *name);
/* Inputs @op takes: at least *@min, at most *@max (0, 0 for a bad op). */
void snpu_gop_arity(enum snpu_gop op, uint32_t *min, uint32_t *max);

struct snpu_graph *snpu_graph_new(const char *name);
void snpu_graph_free(struct snpu_graph *g);
/* A deep copy (data, masks included), or NULL on allocation failure. */
struct snpu_graph *snpu_graph_clone(const struct snpu_graph *g);

/*
 * Add a tensor and return its index, or SNPU_GRAPH_NONE on allocation
 * failure or a duplicate name. @data (numel floats) is copied when not
 * NULL. Pointers into g->tensors are invalidated by adding tensors.
 */
uint32_t snpu_graph_add_tensor(struct snpu_graph *g, const char *name,
			       uint32_t ndim, const int64_t *dims,
			       const float *data);
/* Add an int64 constant (copied); index or SNPU_GRAPH_NONE. */
uint32_t snpu_graph_add_i64(struct snpu_graph *g, const char *name,
			    uint32_t ndim, const int64_t *dims,
			    const int64_t *data);
/* Index of the tensor called @name, or SNPU_GRAPH_NONE. */
uint32_t snpu_graph_find(const struct snpu_graph *g, const char *name);

/*
 * Append a node with default attributes (snpu_gattr_default()); sets the
 * producer of its outputs. Returns its index or SNPU_GRAPH_NONE.
 * Pointers into g->nodes are invalidated by adding nodes.
 */
uint32_t snpu_graph_add_node(struct snpu_graph *g, const char *name,
			     enum snpu_gop op, uint32_t n_in,
			     const uint32_t *in, uint32_t out);
void snpu_gattr_default(struct snpu_gattr *a);

/* Elements of a tensor whose extents are all known (else -1). */
int64_t snpu_gtensor_numel(const struct snpu_gtensor *t);

/*
 * Check the graph's structure: indices in range, every computed tensor
 * produced once and before it is read, every node's input count and
 * constant-ness right for its op (weights constant, etc.). 0 or -EINVAL
 * with a message naming the node.
 */
int snpu_graph_check(const struct snpu_graph *g, char *err, size_t err_size);

/*
 * Fill in the extents of every computed tensor for a batch of @batch
 * (replacing each graph input's unknown leading extent; 0 keeps the
 * declared extents). 0 or -EINVAL with a message naming the node whose
 * shapes do not agree.
 */
int snpu_graph_infer_shapes(struct snpu_graph *g, uint32_t batch,
			    char *err, size_t err_size);

/* Index of the single node reading tensor @t, or SNPU_GRAPH_NONE when
 * none or several read it. */
uint32_t snpu_graph_sole_consumer(const struct snpu_graph *g, uint32_t t);
/* How many node inputs and graph outputs read tensor @t. */
uint32_t snpu_graph_readers(const struct snpu_graph *g, uint32_t t);

/*
 * Canonical form the pruner and the lowering work on; snpu_graph_canon()
 * rewrites in place:
 *  - BatchNormalization after a Conv or Gemm whose output it alone reads
 *    is folded into that layer's weights and bias;
 *  - MatMul by a constant 2-D matrix (with an Add of a constant vector
 *    after it, when present) becomes Gemm;
 *  - every Gemm with a constant B gets trans_b = 1, alpha = beta = 1 and a
 *    bias C of shape [N] (zeros when absent);
 *  - every Conv gets a bias (zeros when absent).
 * Unreferenced tensors are dropped. 0 or -EINVAL with a message.
 */
int snpu_graph_canon(struct snpu_graph *g, char *err, size_t err_size);

/**
 * struct snpu_wview - a weighted layer seen as the device sees it
 * @node: node index (Gemm or Conv in canonical form).
 * @weight: tensor index of W.
 * @bias: tensor index of the bias.
 * @rows: output channels (out features).
 * @k: inputs per output channel (device K).
 * @perm: perm[j] is the index within an ONNX row of W (offset from the
 *	row's start) of device column j: Conv (c, kh, kw) -> (kh, kw, c);
 *	a Gemm reading a flattened C x H x W tensor (c, h, w) -> (h, w, c).
 *	N:M and block patterns are defined on device columns.
 */
struct snpu_wview {
	uint32_t node;
	uint32_t weight;
	uint32_t bias;
	uint32_t rows;
	uint32_t k;
	uint32_t *perm;
};

/*
 * The weighted layers of a canonical graph with inferred shapes, in node
 * order: *views is malloc()ed (free with snpu_wviews_free()). Returns the
 * count or -EINVAL / -ENOMEM.
 */
int snpu_graph_wviews(const struct snpu_graph *g, struct snpu_wview **views,
		      char *err, size_t err_size);
void snpu_wviews_free(struct snpu_wview *views, int n);

/*
 * Copy a layer's weights to a device-order matrix w[rows][k] (applying
 * v->perm per row) and, when @mask is not NULL, its mask likewise (all 1
 * when the tensor has none).
 */
void snpu_wview_get(const struct snpu_graph *g, const struct snpu_wview *v,
		    float *w, uint8_t *mask);
/*
 * Store a device-order matrix back; when @mask is not NULL it becomes the
 * tensor's mask (allocated on first use). 0 or -ENOMEM.
 */
int snpu_wview_put(struct snpu_graph *g, const struct snpu_wview *v,
		   const float *w, const uint8_t *mask);

#endif /* SNPU_GRAPH_H */
