/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * fp32 reference executor over a struct snpu_graph, with OpenBLAS for
 * Gemm/MatMul/Conv (im2col + sgemm). It is the accuracy baseline of the
 * pruner, passes the ONNX backend test vectors for the graph ops, and
 * differentiates: snpu_exec_backward() gives the gradient of a scalar
 * loss with respect to every float constant (training, gradient and
 * Taylor importance) and to any activation.
 *
 * Use:
 *   snpu_exec_create(g, batch, SNPU_EXEC_GRAD, &x, err, sizeof(err));
 *   memcpy(snpu_exec_value(x, g->inputs[0]), images, ...);
 *   snpu_exec_forward(x);
 *   logits = snpu_exec_value(x, g->outputs[0]);
 *   memcpy(snpu_exec_grad(x, g->outputs[0]), dloss, ...);
 *   snpu_exec_backward(x);
 *   dw = snpu_exec_grad(x, weight_tensor);
 *
 * The executor reads constants from the graph at every forward (weights
 * updated in place by an optimizer are seen by the next run) but never
 * changes the graph. One executor is used by one thread at a time.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_EXEC_H
#define SNPU_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "snpu_graph.h"

/* Keep what backward needs and allocate gradient buffers. */
#define SNPU_EXEC_GRAD	(1u << 0)

struct snpu_exec;

/*
 * Plan a graph for @batch samples (0: the graph's declared extents):
 * checks it, infers every shape (on a private copy of the shapes) and
 * allocates every buffer. 0, -EINVAL (message in @err names the node) or
 * -ENOMEM.
 */
int snpu_exec_create(const struct snpu_graph *g, uint32_t batch,
		     unsigned int flags, struct snpu_exec **out,
		     char *err, size_t err_size);
void snpu_exec_destroy(struct snpu_exec *x);

/*
 * The buffer of computed tensor @t (a graph input: fill it before
 * forward; any other: valid after forward), numel(t) floats in NCHW
 * order; NULL for a constant or a bad index.
 */
float *snpu_exec_value(struct snpu_exec *x, uint32_t t);
/* Extents of tensor @t as planned (batch applied); returns ndim. */
uint32_t snpu_exec_dims(const struct snpu_exec *x, uint32_t t,
			int64_t dims[SNPU_GRAPH_MAX_DIMS]);

/* Run every node. 0 or -EINVAL (a Reshape or broadcast gone wrong). */
int snpu_exec_forward(struct snpu_exec *x);

/*
 * Gradient buffer of tensor @t (computed tensors and float constants),
 * same size as its value; NULL without SNPU_EXEC_GRAD. Before backward,
 * the caller writes dLoss/dOutput into the output's gradient buffer.
 */
float *snpu_exec_grad(struct snpu_exec *x, uint32_t t);

/*
 * Back-propagate from the graph outputs' gradient buffers (set by the
 * caller after forward) to every computed tensor and float constant.
 * Gradients of constants accumulate across calls until
 * snpu_exec_zero_grad(); those of computed tensors are overwritten.
 * Masks are ignored here (the trainer masks updates). 0 or -EINVAL (no
 * SNPU_EXEC_GRAD, or an op without a gradient).
 */
int snpu_exec_backward(struct snpu_exec *x);
void snpu_exec_zero_grad(struct snpu_exec *x);

/*
 * im2col of one sample for a Conv node as the device orders K:
 * cols[oh * ow][kh * kw * (c / group)] for group @grp, entries in
 * (kh, kw, c) order, padding as 0. The pruner's Wanda and SparseGPT
 * statistics use it on the layer's input.
 */
void snpu_exec_im2col(const struct snpu_gattr *a, const int64_t in_dims[4],
		      const int64_t w_dims[4], uint32_t grp,
		      const float *sample, float *cols);

#endif /* SNPU_EXEC_H */
