/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Pruning: which weights of a canonical graph (snpu_graph_canon()) to set
 * to zero, in the patterns the device can pack, and how.
 *
 *   importance   a score per weight (magnitude, gradient, Taylor, Wanda)
 *                or per output channel (activation entropy), optionally
 *                divided by the layer's score L2 norm ("normalized") so
 *                one threshold is fair across layers;
 *   granularity  unstructured, N:M, block, or whole output channels
 *                (which are removed: the tensors really shrink);
 *   scope        a sparsity per layer, or one global threshold over the
 *                normalized scores of every unstructured layer;
 *   schedule     one shot (snpu_prune_oneshot()) or gradual during
 *                training (snpu_prune_gradual(), Zhu & Gupta's cubic
 *                ramp);
 *   SparseGPT    layer-wise OBS reconstruction (Frantar & Alistarh 2023):
 *                chooses the mask and updates the remaining weights to
 *                compensate, layer after layer on the already pruned
 *                model (snpu_sparsegpt.c).
 *
 * Everything works on the device's view of a layer (struct snpu_wview):
 * W as rows x k with columns in the device order, where N:M groups (M
 * consecutive columns of a row, the row padded to a multiple of M) and
 * blocks (BR x BC, aligned at multiples) are defined exactly as the packer
 * (uapi/snpu_model.h) encodes them. Pruned weights are written as 0 and
 * marked 0 in the tensor's mask, which training keeps at 0.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_PRUNE_H
#define SNPU_PRUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snpu_defs.h"
#include "snpu_graph.h"

struct snpu_dataset;
struct snpu_train_opts;

/**
 * enum snpu_criterion - importance of a weight (higher is kept)
 * @SNPU_CRIT_L1: |w|.
 * @SNPU_CRIT_L2: w^2 (a group's sum is its squared L2 norm, which ranks
 *	groups as the norm does).
 * @SNPU_CRIT_GRAD: sum over calibration batches of |dL/dw|, L the mean
 *	softmax cross-entropy of the graph's single output against the
 *	calibration labels.
 * @SNPU_CRIT_TAYLOR: |w| * (sum over batches of |dL/dw|), the first-order
 *	Taylor estimate |w * dL/dw| of the loss change, accumulated like
 *	%SNPU_CRIT_GRAD.
 * @SNPU_CRIT_ENTROPY: Shannon entropy in bits of each output channel's
 *	post-activation values over the calibration set (a histogram of
 *	%SNPU_PRUNE_ENTROPY_BINS bins over the channel's observed range; 0
 *	for a constant channel). A per-channel score: with
 *	%SNPU_GRAN_CHANNEL only.
 * @SNPU_CRIT_WANDA: |w_ij| * ||x_j||_2, x_j the layer's input feeding
 *	device column j over every calibration sample (and every output
 *	position of a Conv, through its im2col).
 * @SNPU_CRIT_SPARSEGPT: OBS layer-wise reconstruction (see
 *	snpu_sparsegpt_layer()); also updates the weights it keeps. Not
 *	with %SNPU_GRAN_CHANNEL nor the global scope.
 * @SNPU_CRIT_COUNT: number of criteria; not a criterion.
 */
enum snpu_criterion {
	SNPU_CRIT_L1,
	SNPU_CRIT_L2,
	SNPU_CRIT_GRAD,
	SNPU_CRIT_TAYLOR,
	SNPU_CRIT_ENTROPY,
	SNPU_CRIT_WANDA,
	SNPU_CRIT_SPARSEGPT,
	SNPU_CRIT_COUNT
};

/**
 * enum snpu_granularity - what is pruned together
 * @SNPU_GRAN_UNSTRUCTURED: single weights; exactly round(sparsity * rows *
 *	k) of the lowest scores are pruned.
 * @SNPU_GRAN_NM: N:M (variant: &enum snpu_nm_pattern): in every group of M
 *	consecutive device columns of a row the N best are kept; a tail
 *	group with r < M real columns keeps min(N, r), since its padding
 *	counts as zeros. The sparsity of the spec is ignored (1 - N/M).
 * @SNPU_GRAN_BLOCK: BR x BC blocks (variant: &enum snpu_block_shape)
 *	aligned at multiples of BR rows and BC columns, edge blocks cut by
 *	the matrix; importance is the sum of the member scores and
 *	round(sparsity * blocks) of the lowest blocks are pruned.
 * @SNPU_GRAN_CHANNEL: output channels (rows), importance the sum of the
 *	row's scores (or the channel's entropy); round(sparsity * rows),
 *	at most rows - 1, are removed from the graph together with the
 *	inputs of the next layer that read them.
 * @SNPU_GRAN_COUNT: number of granularities; not a granularity.
 */
enum snpu_granularity {
	SNPU_GRAN_UNSTRUCTURED,
	SNPU_GRAN_NM,
	SNPU_GRAN_BLOCK,
	SNPU_GRAN_CHANNEL,
	SNPU_GRAN_COUNT
};

/**
 * enum snpu_prune_scope - how sparsity targets are read
 * @SNPU_SCOPE_LAYER: each layer reaches its own spec's sparsity.
 * @SNPU_SCOPE_GLOBAL: the layers with %SNPU_GRAN_UNSTRUCTURED (and not
 *	skipped) share one threshold on their (normalized, when asked)
 *	scores so that together they reach &snpu_prune_opts.global_sparsity;
 *	layers with another granularity follow their spec.
 */
enum snpu_prune_scope {
	SNPU_SCOPE_LAYER,
	SNPU_SCOPE_GLOBAL,
};

/* Histogram bins of %SNPU_CRIT_ENTROPY. */
#define SNPU_PRUNE_ENTROPY_BINS		32
/* Samples per executor run when &snpu_prune_opts.calib_batch is 0. */
#define SNPU_PRUNE_CALIB_BATCH		64
/* SparseGPT defaults: columns per lazy batch, damping of the Hessian. */
#define SNPU_SGPT_BLOCKSIZE		128
#define SNPU_SGPT_DAMP			0.01f

/**
 * struct snpu_prune_spec - how to prune one weighted layer
 * @sparsity: fraction of weights (blocks, channels) to prune, 0 to 1.
 * @gran: &enum snpu_granularity.
 * @variant: &enum snpu_nm_pattern for %SNPU_GRAN_NM, &enum
 *	snpu_block_shape for %SNPU_GRAN_BLOCK; ignored otherwise.
 * @skip: leave this layer alone (dense, untouched).
 */
struct snpu_prune_spec {
	float sparsity;
	enum snpu_granularity gran;
	uint32_t variant;
	bool skip;
};

/**
 * struct snpu_prune_opts - what to prune and how
 * @criterion: &enum snpu_criterion.
 * @normalize: divide each layer's scores by their L2 norm before any
 *	comparison (matters for the global scope; per layer it does not
 *	change the ranking).
 * @scope: &enum snpu_prune_scope.
 * @global_sparsity: %SNPU_SCOPE_GLOBAL: target over the unstructured
 *	layers, 0 to 1.
 * @dflt: spec of every layer from index @n_specs on.
 * @n_specs: entries in @specs.
 * @specs: per-layer specs, indexed like snpu_graph_wviews() (node order of
 *	the weighted layers); may be NULL when @n_specs is 0.
 * @calib_batch: samples per executor run for calibration statistics (0:
 *	%SNPU_PRUNE_CALIB_BATCH); the last run takes the remainder.
 * @sgpt_blocksize: SparseGPT columns per lazy batch (0:
 *	%SNPU_SGPT_BLOCKSIZE), rounded up to a multiple of 16 so N:M groups
 *	and blocks never straddle two batches.
 * @sgpt_damp: SparseGPT damping as a fraction of the Hessian's mean
 *	diagonal (0: %SNPU_SGPT_DAMP).
 * @csr_fill: unstructured layers also keep the weights where the CSR
 *	encoding would store a zero filler (snpu_pack_csr_fill()): free
 *	weights at the packed size of the target sparsity, so the layer
 *	ends up less sparse than its spec says. For layers packed as CSR;
 *	every criterion but %SNPU_CRIT_SPARSEGPT (whose reconstruction
 *	chooses its own mask).
 */
struct snpu_prune_opts {
	enum snpu_criterion criterion;
	bool normalize;
	enum snpu_prune_scope scope;
	float global_sparsity;
	struct snpu_prune_spec dflt;
	uint32_t n_specs;
	const struct snpu_prune_spec *specs;
	uint32_t calib_batch;
	uint32_t sgpt_blocksize;
	float sgpt_damp;
	bool csr_fill;
};

/**
 * struct snpu_prune_layer_report - what pruning left of one layer
 * @name: the node's name (the weight's when the node has none); owned by
 *	the report.
 * @node: node index (in the graph after pruning).
 * @rows0: output channels before pruning.
 * @k0: device K before pruning.
 * @rows: output channels after (fewer when channels were removed).
 * @k: device K after (fewer when the layer before lost channels).
 * @kept: weights kept (mask 1, or all without a mask).
 * @sparsity: 1 - @kept / (@rows0 * @k0).
 * @gran: granularity applied.
 * @variant: its variant.
 * @skipped: the spec said skip.
 */
struct snpu_prune_layer_report {
	char *name;
	uint32_t node;
	uint32_t rows0, k0;
	uint32_t rows, k;
	uint64_t kept;
	float sparsity;
	enum snpu_granularity gran;
	uint32_t variant;
	bool skipped;
};

/**
 * struct snpu_prune_report - per layer and total
 * @n_layers: entries in @layers (one per weighted layer).
 * @layers: malloc()ed; free with snpu_prune_report_free().
 * @total0: weights of all layers before pruning.
 * @kept: weights kept in all layers.
 * @sparsity: 1 - @kept / @total0.
 */
struct snpu_prune_report {
	uint32_t n_layers;
	struct snpu_prune_layer_report *layers;
	uint64_t total0;
	uint64_t kept;
	float sparsity;
};

/**
 * struct snpu_prune_scores - importance of every weighted layer
 * @n_layers: entries in @layers.
 * @layers: per layer (snpu_graph_wviews() order): @rows, @k and @v, the
 *	scores as rows x k in device column order, or rows entries (one per
 *	output channel) for %SNPU_CRIT_ENTROPY. Skipped layers have @v NULL.
 */
struct snpu_prune_scores {
	uint32_t n_layers;
	struct {
		uint32_t rows, k;
		float *v;
	} *layers;
};

/**
 * snpu_prune_scores() - compute importance scores
 * @g: canonical graph with one input and, for gradient criteria, one
 *	output of [batch, classes] logits.
 * @o: options; the criterion, @normalize, the specs' @skip and the
 *	calibration batch are read. %SNPU_CRIT_SPARSEGPT has no scores.
 * @calib_x: @n_calib samples of the graph input (NCHW, contiguous), for
 *	the data criteria; may be NULL for L1 / L2.
 * @calib_y: @n_calib labels (GRAD, TAYLOR); may be NULL otherwise.
 * @n_calib: samples.
 * @s: Output: scores; free with snpu_prune_scores_free().
 * @err: Output: message on failure.
 * @err_size: bytes at @err.
 *
 * Works on a copy: @g is not changed.
 *
 * Return: 0, -EINVAL (bad graph, options or data; @err says which), or
 * -ENOMEM.
 */
int snpu_prune_scores(const struct snpu_graph *g,
		      const struct snpu_prune_opts *o,
		      const float *calib_x, const uint8_t *calib_y,
		      uint32_t n_calib, struct snpu_prune_scores *s,
		      char *err, size_t err_size);
void snpu_prune_scores_free(struct snpu_prune_scores *s);

/**
 * snpu_prune_select() - a mask from scores for one layer
 * @score: rows x k scores (device order); for %SNPU_GRAN_CHANNEL also
 *	accepted (row sums are used).
 * @rows: rows.
 * @k: columns.
 * @gran: &enum snpu_granularity.
 * @variant: its variant.
 * @sparsity: 0 to 1 (ignored for N:M).
 * @mask: Output: rows x k, 1 kept, 0 pruned; a removed channel is a row
 *	of zeros.
 *
 * Ties go to the lower index (earlier weights are pruned first); a NaN
 * score ranks lowest.
 *
 * Return: 0, -EINVAL for a bad granularity, variant or sparsity, -ENOMEM.
 */
int snpu_prune_select(const float *score, uint32_t rows, uint32_t k,
		      enum snpu_granularity gran, uint32_t variant,
		      float sparsity, uint8_t *mask);

/**
 * snpu_prune_remove_channels() - remove output channels of a layer
 * @g: canonical graph.
 * @node: a Conv (group 1) or Gemm node.
 * @keep: one byte per output channel, nonzero to keep; at least one kept.
 * @err: Output: message on failure.
 * @err_size: bytes at @err.
 *
 * Shrinks W (and its mask) and the bias, then the consumer of the output
 * through Relu, Clip (with 0 in range), MaxPool, AveragePool and
 * GlobalAveragePool: a group-1 Conv loses those input channels, a Gemm
 * those columns, and after a Flatten (or a Reshape to [batch, -1]) of C x
 * H x W a Gemm loses the H * W columns of each removed channel. Shapes
 * are re-inferred. The result computes what the graph did with those
 * channels' weights and bias zeroed. The graph is changed only on
 * success, and then its arrays are new (pointers into g->tensors and
 * g->nodes taken before the call are stale).
 *
 * Return: 0, -EINVAL when the output feeds an Add, a graph output, several
 * nodes or anything else that cannot be rewired (@err names the layer and
 * the node in the way), -ENOMEM.
 */
int snpu_prune_remove_channels(struct snpu_graph *g, uint32_t node,
			       const uint8_t *keep, char *err,
			       size_t err_size);

/**
 * snpu_prune_oneshot() - prune a canonical graph once
 * @g: canonical graph (snpu_graph_canon()); changed only on success.
 * @o: options.
 * @calib_x: calibration inputs (see snpu_prune_scores()); needed by
 *	GRAD, TAYLOR, ENTROPY, WANDA and SPARSEGPT.
 * @calib_y: calibration labels (GRAD, TAYLOR).
 * @n_calib: calibration samples.
 * @rep: Output: report (free with snpu_prune_report_free()); may be NULL.
 * @err: Output: message on failure.
 * @err_size: bytes at @err.
 *
 * Channel removal runs first, one layer after the other in node order,
 * each scored on the graph as already shrunk. Then the other layers get
 * their masks: SparseGPT one layer after the other with statistics from
 * the graph pruned so far, the other criteria from one set of statistics.
 * Weights already pruned (mask 0) stay pruned. On success the computed
 * tensors' extents are inferred for a batch of 1 (graph inputs and
 * outputs keep their declared leading extent, e.g. -1), and the graph's
 * arrays are those of the pruned copy: pointers into g->tensors and
 * g->nodes taken before the call are stale.
 *
 * Return: 0, -EINVAL (options, graph or data; @err says which), -ENOMEM.
 */
int snpu_prune_oneshot(struct snpu_graph *g, const struct snpu_prune_opts *o,
		       const float *calib_x, const uint8_t *calib_y,
		       uint32_t n_calib, struct snpu_prune_report *rep,
		       char *err, size_t err_size);

/**
 * snpu_prune_report_fill() - describe a graph's weighted layers
 * @g: canonical graph with inferred shapes.
 * @o: the options used (granularity and skip per layer); may be NULL.
 * @rows0: rows before pruning per layer, or NULL (current rows).
 * @k0: device K before pruning per layer, or NULL (current K).
 * @rep: Output: report; free with snpu_prune_report_free().
 * @err: Output: message on failure.
 * @err_size: bytes at @err.
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int snpu_prune_report_fill(const struct snpu_graph *g,
			   const struct snpu_prune_opts *o,
			   const uint32_t *rows0, const uint32_t *k0,
			   struct snpu_prune_report *rep, char *err,
			   size_t err_size);
void snpu_prune_report_free(struct snpu_prune_report *rep);

/**
 * snpu_prune_poly_sparsity() - Zhu & Gupta's gradual sparsity at a step
 * @s_init: sparsity at @begin.
 * @s_final: sparsity from @end on.
 * @step: current training step.
 * @begin: first pruning step.
 * @end: last pruning step (> @begin, else @s_final from @begin on).
 * @every: pruning frequency in steps (0 is taken as 1).
 *
 * s = s_final + (s_init - s_final) * (1 - (t - begin) / (end - begin))^3
 * with t = @step rounded down to the last pruning step (begin + i *
 * every); @s_init before @begin, @s_final from @end on.
 *
 * Return: the sparsity.
 */
float snpu_prune_poly_sparsity(float s_init, float s_final, uint64_t step,
			       uint64_t begin, uint64_t end, uint64_t every);

/**
 * struct snpu_prune_schedule - gradual pruning steps
 * @s_init: sparsity at @begin (each layer's target is its spec's
 *	sparsity, or &snpu_prune_opts.global_sparsity in the global scope).
 * @begin: first pruning step.
 * @end: step from which the final sparsity holds.
 * @every: steps between mask updates (0: 1).
 */
struct snpu_prune_schedule {
	float s_init;
	uint64_t begin, end, every;
};

/**
 * snpu_prune_gradual() - prune while training
 * @g: canonical graph; trained and pruned in place.
 * @o: options; the criterion must be %SNPU_CRIT_L1 or %SNPU_CRIT_L2 (masks
 *	are recomputed from magnitude) and no layer may use
 *	%SNPU_GRAN_CHANNEL (shapes cannot change under a running trainer).
 *	N:M layers get their full pattern from @s->begin on.
 * @train: training set.
 * @t: training options; their hook, if any, is still called (after the
 *	pruner's).
 * @s: schedule.
 * @rep: Output: report; may be NULL.
 * @err: Output: message on failure.
 * @err_size: bytes at @err.
 *
 * Before every step of snpu_train() that is a pruning step (begin, begin
 * + every, ... and end) the masks are recomputed from the current
 * weights' magnitude at snpu_prune_poly_sparsity() and the pruned weights
 * set to 0; the trainer holds them there. A weight once pruned stays
 * pruned. When training ends before @s->end, a last update at the final
 * sparsity follows, so the result always has it (without recovery
 * training: make @s->end fit the training's steps). On failure the graph
 * holds whatever training and pruning made of it so far.
 *
 * Return: 0, -EINVAL, -ENOMEM, or what snpu_train() returned.
 */
int snpu_prune_gradual(struct snpu_graph *g, const struct snpu_prune_opts *o,
		       const struct snpu_dataset *train,
		       const struct snpu_train_opts *t,
		       const struct snpu_prune_schedule *s,
		       struct snpu_prune_report *rep, char *err,
		       size_t err_size);

/**
 * struct snpu_sgpt_opts - SparseGPT on one matrix
 * @gran: %SNPU_GRAN_UNSTRUCTURED, %SNPU_GRAN_NM or %SNPU_GRAN_BLOCK.
 * @variant: N:M pattern or block shape.
 * @sparsity: unstructured / block target (N:M ignores it).
 * @blocksize: columns per lazy batch (0: %SNPU_SGPT_BLOCKSIZE), rounded
 *	up to a multiple of 16.
 * @damp: damping fraction of the mean diagonal (0: %SNPU_SGPT_DAMP).
 */
struct snpu_sgpt_opts {
	enum snpu_granularity gran;
	uint32_t variant;
	float sparsity;
	uint32_t blocksize;
	float damp;
};

/**
 * snpu_sparsegpt_layer() - prune a weight matrix by OBS reconstruction
 * @w: rows x k weights in device order; on success the pruned ones are 0
 *	and the kept ones compensate for them (unchanged on failure).
 * @mask: Output: rows x k, 1 kept, 0 pruned.
 * @rows: rows; a multiple of @groups.
 * @k: columns.
 * @groups: row groups with their own Hessian (a grouped Conv); rows
 *	g * rows / groups on use @h + g * k * k.
 * @h: @groups Hessians 2 X^T X / n (k x k, row-major, double) of the
 *	layer's device-order inputs X; used as scratch (destroyed).
 * @o: options.
 * @err: Output: message on failure.
 * @err_size: bytes at @err.
 *
 * Frantar & Alistarh, "SparseGPT", 2023: H is damped by @o->damp times
 * its mean diagonal (inputs never seen, H_jj = 0, get H_jj = 1 and their
 * weights 0, as they contribute nothing), inverted through Cholesky and
 * replaced by the upper Cholesky factor U of H^-1. Columns are visited
 * left to right in batches of @o->blocksize; each batch chooses its mask
 * by w^2 / U_jj^2 (unstructured and block: the batch's share of the
 * target, lowest saliency first; N:M: the N best of each group as the
 * sweep reaches it), zeroes the pruned weights and spreads each column's
 * error over the columns to its right (within the batch at once, beyond
 * it with one lazy update per batch).
 *
 * Return: 0, -EINVAL (bad options, or a Hessian not positive definite even
 * with 1000 times the damping), -ENOMEM.
 */
int snpu_sparsegpt_layer(float *w, uint8_t *mask, uint32_t rows, uint32_t k,
			 uint32_t groups, double *h,
			 const struct snpu_sgpt_opts *o, char *err,
			 size_t err_size);

#endif /* SNPU_PRUNE_H */
