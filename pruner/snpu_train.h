/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * fp32 training of the pruner's graphs: the two reference models
 * (LeNet-300-100 and a small CNN for 28 x 28 grey images), mini-batch
 * training with softmax cross-entropy through the executor's gradients
 * (snpu_exec.h), SGD with momentum or Adam, and evaluation.
 *
 * Pruning masks (struct snpu_gtensor.mask) are honoured: a pruned weight
 * gets no gradient, no update and no optimizer state, and is held at
 * exactly 0. The per-step hook lets the gradual pruner raise sparsity and
 * rewrite masks while training runs.
 *
 * Runs are reproducible: the same graph, data, options and seed give
 * bit-identical weights (the shuffle uses its own splitmix64 generator,
 * never rand()).
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_TRAIN_H
#define SNPU_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "snpu_dataset.h"
#include "snpu_graph.h"

/**
 * enum snpu_arch - reference models for 1 x 28 x 28 inputs and 10 classes
 * @SNPU_ARCH_LENET300: LeNet-300-100: Flatten -> Gemm 784->300 -> Relu ->
 *	Gemm 300->100 -> Relu -> Gemm 100->10 (266 610 parameters).
 * @SNPU_ARCH_CNN: Conv 1->8 5x5 pad 2 -> Relu -> MaxPool 2x2 -> Conv 8->16
 *	5x5 pad 2 -> Relu -> MaxPool 2x2 -> Flatten -> Gemm 784->64 -> Relu ->
 *	Gemm 64->10 (54 314 parameters).
 */
enum snpu_arch {
	SNPU_ARCH_LENET300,
	SNPU_ARCH_CNN,
};

/**
 * snpu_build_model() - a freshly initialised reference model
 * @arch: which model.
 * @seed: initialisation seed; the same seed gives the same weights.
 *
 * The graph reads "input" [-1, 1, 28, 28] and writes "logits" [-1, 10]
 * (no Softmax: that is host work). It is in canonical form (see
 * snpu_graph_canon()): Gemm weights are [out, in] with trans_b = 1, every
 * Gemm and Conv has a bias. Weights are Kaiming/He uniform, U(-b, b) with
 * b = gain * sqrt(3 / fan_in), gain sqrt(2) before a Relu and 1 for the
 * logits layer; biases are 0. Tensor names: "conv1.weight", "fc1.bias"...
 *
 * Return: the graph (free with snpu_graph_free()), or NULL for an unknown
 * @arch or when memory runs out.
 */
struct snpu_graph *snpu_build_model(enum snpu_arch arch, uint64_t seed);

/**
 * enum snpu_opt - optimizers
 * @SNPU_OPT_SGD: SGD with (heavy-ball) momentum, weight decay as L2 added
 *	to the gradient: v = momentum * v + g + wd * w; w -= lr * v.
 * @SNPU_OPT_ADAM: Adam (beta1 0.9, beta2 0.999, eps 1e-8, bias-corrected)
 *	with decoupled weight decay (AdamW): w -= lr * (m^ / (sqrt(v^) + eps)
 *	+ wd * w). @momentum is not used.
 */
enum snpu_opt {
	SNPU_OPT_SGD,
	SNPU_OPT_ADAM,
};

/**
 * enum snpu_lr_sched - learning-rate schedules
 * @SNPU_LR_CONSTANT: @lr at every step.
 * @SNPU_LR_COSINE: half a cosine from @lr at the first step down to 0
 *	after the last: lr * (1 + cos(pi * step / total_steps)) / 2.
 */
enum snpu_lr_sched {
	SNPU_LR_CONSTANT,
	SNPU_LR_COSINE,
};

/**
 * struct snpu_train_opts - how snpu_train() trains
 * @epochs: passes over the data set (0 trains nothing).
 * @batch: samples per step. Each epoch runs floor(n / batch) steps over a
 *	fresh shuffle and leaves the last n % batch samples of that shuffle
 *	out (they are in other epochs' batches); a data set smaller than
 *	@batch is trained in steps of n.
 * @opt: &enum snpu_opt.
 * @lr: learning rate, > 0.
 * @momentum: SGD momentum, 0 <= momentum < 1.
 * @weight_decay: >= 0; applied to weights (tensors of rank >= 2), never to
 *	biases.
 * @sched: &enum snpu_lr_sched (zero: constant).
 * @seed: shuffle seed.
 * @hook: when set, called before each step with the step index (0 to
 *	@total_steps - 1). It may change constants' values and masks (add,
 *	change or drop tensor->mask; masked weights are zeroed before the
 *	step) but not the graph's structure. Returns 0 to go on, > 0 to stop
 *	training early (snpu_train() returns 0), < 0 to fail (snpu_train()
 *	returns that code).
 * @hook_data: passed to @hook.
 * @progress: when set, called after each step with the 0-based epoch,
 *	the steps done so far (1 to @total), their total and the mean
 *	training loss over the current epoch's steps so far.
 * @progress_data: passed to @progress.
 */
struct snpu_train_opts {
	uint32_t epochs, batch;
	enum snpu_opt opt;
	float lr, momentum, weight_decay;
	enum snpu_lr_sched sched;
	uint64_t seed;
	int (*hook)(void *data, uint64_t step, uint64_t total_steps);
	void *hook_data;
	void (*progress)(void *data, uint32_t epoch, uint64_t step,
			 uint64_t total, float loss);
	void *progress_data;
};

/**
 * snpu_train_opts_default() - recommended options for a reference model
 * @o: filled (hooks and callbacks NULL, seed 1).
 * @arch: the model.
 *
 * LeNet-300-100: 10 epochs, batch 64, Adam lr 1e-3, cosine schedule:
 * 89.3 to 89.5 % on the 10 000 Fashion-MNIST test images, about 2.2 s of
 * CPU an epoch (one BLAS thread).
 * CNN: 4 epochs, batch 64, Adam lr 2e-3, cosine schedule: 90.2 %, about
 * 24 s of CPU an epoch.
 * No weight decay: AdamW with 0.05 measured the same on LeNet (89.3 %);
 * SGD (momentum 0.9, lr 0.05, cosine) reaches 88.9 %. The seed is 1.
 */
void snpu_train_opts_default(struct snpu_train_opts *o, enum snpu_arch arch);

/**
 * snpu_train() - train a graph's float constants on a labelled data set
 * @g: graph with one input (per-sample element count c * h * w of @ds)
 *	and one output of [batch, classes]; its constants are updated in
 *	place. Trained: Gemm B and C, Conv W and B, float constant inputs of
 *	MatMul and Add, BatchNormalization scale and B (never mean, var,
 *	Clip bounds or shapes).
 * @ds: training data.
 * @o: options.
 * @err: message buffer (names the node, the step or the option at fault).
 * @err_size: its size.
 *
 * Softmax cross-entropy on the output logits. Masked weights are zeroed
 * first and stay exactly 0 (see the file comment).
 *
 * Return: 0 (also when @o->hook stopped it); -EINVAL for bad options, a
 * graph that does not fit the data or cannot be differentiated; -ERANGE
 * when the loss stops being finite (diverged: lower @o->lr); -ENOMEM; a
 * negative value the hook returned. On failure the weights hold whatever
 * the steps before it made of them.
 */
int snpu_train(struct snpu_graph *g, const struct snpu_dataset *ds,
	       const struct snpu_train_opts *o, char *err, size_t err_size);

/**
 * snpu_evaluate() - accuracy and mean loss of a graph on a data set
 * @g: graph as for snpu_train() (not changed).
 * @ds: data; every sample counts (a last partial batch runs with an
 *	executor of its size).
 * @batch: samples per forward pass, >= 1; the executor's buffers grow
 *	linearly with it.
 * @accuracy: when not NULL, the fraction of samples whose largest logit
 *	(the first one on ties) is their label.
 * @loss: when not NULL, the mean softmax cross-entropy.
 * @err: message buffer.
 * @err_size: its size.
 *
 * Return: 0, -EINVAL (graph and data do not fit, bad label) or -ENOMEM.
 */
int snpu_evaluate(const struct snpu_graph *g, const struct snpu_dataset *ds,
		  uint32_t batch, double *accuracy, double *loss, char *err,
		  size_t err_size);

/**
 * snpu_softmax_xent() - softmax cross-entropy of a batch of logits
 * @logits: n rows of @classes.
 * @labels: n labels.
 * @n: rows, >= 1.
 * @classes: columns, >= 1.
 * @dlogits: when not NULL, receives d(mean loss)/d(logits):
 *	(softmax(row) - onehot(label)) / n.
 *
 * Stable for any finite logits (log-sum-exp around the row maximum).
 *
 * Return: the mean over rows of -log softmax(row)[label]; NaN when a
 * label is not below @classes (@dlogits is then left unspecified).
 */
float snpu_softmax_xent(const float *logits, const uint8_t *labels,
			uint32_t n, uint32_t classes, float *dlogits);

#endif /* SNPU_TRAIN_H */
