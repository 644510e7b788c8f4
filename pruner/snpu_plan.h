/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Hardware-aware plans: which encoding and sparsity each weighted layer
 * gets on one platform, so that the packed model meets a latency and size
 * budget with the least accuracy loss.
 *
 *   predict   cycles of a packed (or a candidate) layer with the device's
 *             own cost model (driver/common/snpu_cost.h) and the expected
 *             zero activations measured on calibration images
 *   sense     per layer and per candidate (dense; unstructured at several
 *             sparsities; each N:M pattern; each block shape at several
 *             sparsities; only what the platform runs), prune that layer
 *             alone and measure the accuracy it costs on validation images
 *   choose    a multiple-choice knapsack solved exactly by dynamic
 *             programming over the discretised budgets (latency and size),
 *             assuming the layers' accuracy losses add up
 *
 * Why a DP and not greedy: the candidates of a layer are not nested
 * (2:4 is not "half of" CSR 90 %) and a greedy by drop-per-cycle can
 * overshoot by a whole candidate; with at most 64 layers x 24 candidates
 * and 1000 x 200 budget cells the exact solution costs milliseconds, and
 * rounding every cost up to a cell keeps the plan inside the budget.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_PLAN_H
#define SNPU_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snpu_cost.h"
#include "snpu_dataset.h"
#include "snpu_graph.h"
#include "snpu_model.h"
#include "snpu_prune.h"
#include "snpu_quant.h"

struct snpu_platform;

#define SNPU_PLAN_MAX_CAND	24
#define SNPU_PLAN_WHY		200

/**
 * struct snpu_act_stats - expected zero activations per weight column
 * @n_layers: layers of the packed model.
 * @cols: per layer, groups * k columns (0 for layers without weights).
 * @zeros: per layer, @cols entries: over the calibration images, the mean
 *	count per sample of output positions at which that column's
 *	activation is the input zero point (padding included), i.e. what
 *	the device's zero skipping multiplies the column's stored entries
 *	with.
 * @samples: images measured.
 */
struct snpu_act_stats {
	uint32_t n_layers;
	uint32_t cols[SNPU_MODEL_MAX_LAYERS];
	double *zeros[SNPU_MODEL_MAX_LAYERS];
	uint32_t samples;
};

/**
 * snpu_act_stats_collect() - measure zero activations of a packed model
 * @q: the quantized model (input quantization).
 * @blob: its packed form.
 * @size: bytes at @blob.
 * @ds: images (float, as the dataset holds them).
 * @n: images to use (at most @ds->n).
 * @st: filled; free with snpu_act_stats_free().
 * @err: message on failure.
 * @err_size: bytes at @err.
 *
 * Runs the host engine (the device's source) and reads every weighted
 * layer's input.
 *
 * Return: 0 or -errno.
 */
int snpu_act_stats_collect(const struct snpu_qmodel *q, const void *blob,
			   size_t size, const struct snpu_dataset *ds,
			   uint32_t n, struct snpu_act_stats *st, char *err,
			   size_t err_size);
void snpu_act_stats_free(struct snpu_act_stats *st);

/**
 * snpu_plan_predict() - predicted counters of every layer of a packed model
 * @q: the quantized model @blob was packed from (weights and encodings).
 * @blob: the packed model.
 * @size: bytes at @blob.
 * @plat: the platform.
 * @st: zero activation statistics of this model, or NULL to assume none.
 * @batch: samples per job.
 * @layers: receives one entry per layer of the packed model.
 * @n_layers: entries at @layers (at least the model's layer count).
 * @err: message on failure.
 * @err_size: bytes at @err.
 *
 * Static: nothing runs. On a platform without activation zero skipping
 * this is exactly what the device counts; with it, the zero skipping is
 * the expectation from @st.
 *
 * Return: 0 or -errno (-EINVAL when the platform cannot run the model).
 */
int snpu_plan_predict(const struct snpu_qmodel *q, const void *blob,
		      size_t size, const struct snpu_platform *plat,
		      const struct snpu_act_stats *st, uint32_t batch,
		      struct snpu_counters *layers, uint32_t n_layers,
		      char *err, size_t err_size);

/**
 * struct snpu_plan_cand - one way to run one layer
 * @spec: how to prune it (@spec.skip for dense).
 * @encoding: &enum snpu_encoding it is packed with.
 * @variant: N:M pattern or block shape.
 * @sparsity: weights removed, measured on the pruned layer.
 * @cycles: predicted cycles per inference (batch 1).
 * @bytes: packed values, metadata and parameters.
 * @drop: validation accuracy points lost pruning this layer alone (fp32;
 *	at least 0).
 */
struct snpu_plan_cand {
	struct snpu_prune_spec spec;
	uint32_t encoding;
	uint32_t variant;
	double sparsity;
	uint64_t cycles;
	uint64_t bytes;
	double drop;
};

/**
 * struct snpu_plan_layer - the choice for one weighted layer
 * @name: node name.
 * @op: &enum snpu_op.
 * @rows: output channels.
 * @k: columns per group.
 * @n_cand: candidates considered; [0] is dense.
 * @cand: the candidates.
 * @chosen: index into @cand.
 * @why: why this one, in a sentence.
 */
struct snpu_plan_layer {
	char name[64];
	uint32_t op;
	uint32_t rows;
	uint32_t k;
	uint32_t n_cand;
	struct snpu_plan_cand cand[SNPU_PLAN_MAX_CAND];
	uint32_t chosen;
	char why[SNPU_PLAN_WHY];
};

/**
 * struct snpu_plan_opts - what to plan for
 * @plat: the target platform.
 * @qo: quantization options (calibration; encodings are the plan's).
 * @calib: calibration images (quantization, zero statistics, data-aware
 *	criteria).
 * @val: validation images for the sensitivities (not the test set).
 * @criterion: how a layer is pruned at each candidate.
 * @latency_budget: cycles per inference at batch 1; 0 for none.
 * @size_budget: bytes of the packed model; 0 for none.
 * @max_drop: accuracy points the plan may lose; negative for none.
 * @progress: called after each sensitivity measurement; may be NULL.
 * @progress_data: passed to @progress.
 *
 * With a latency or size budget the plan loses the least accuracy within
 * them (and must stay within @max_drop when given); with only @max_drop
 * it is the fastest plan within it.
 */
struct snpu_plan_opts {
	const struct snpu_platform *plat;
	const struct snpu_quant_opts *qo;
	const struct snpu_dataset *calib;
	const struct snpu_dataset *val;
	enum snpu_criterion criterion;
	uint64_t latency_budget;
	uint64_t size_budget;
	double max_drop;
	void (*progress)(void *data, uint32_t done, uint32_t total);
	void *progress_data;
};

/**
 * struct snpu_plan - the result
 * @n_layers: weighted layers.
 * @layers: their choices (owned).
 * @fixed_cycles: predicted cycles of the layers without weights.
 * @fixed_bytes: packed bytes besides the weighted layers' (headers,
 *	tables, alignment).
 * @dense_cycles: the dense model, predicted.
 * @dense_bytes: the dense model, packed bytes.
 * @cycles: the plan, predicted.
 * @bytes: the plan, packed bytes (estimated).
 * @drop: the plan's estimated accuracy loss (sum of its layers').
 * @val_accuracy: fp32 validation accuracy of the model as given.
 * @min_latency: true when the plan minimises latency (only @max_drop
 *	given), false when it minimises the loss within budgets.
 * @feasible: the budgets can be met.
 * @verdict: one line: what was met, or why not and the best reachable
 *	point.
 */
struct snpu_plan {
	uint32_t n_layers;
	struct snpu_plan_layer *layers;
	uint64_t fixed_cycles;
	uint64_t fixed_bytes;
	uint64_t dense_cycles;
	uint64_t dense_bytes;
	uint64_t cycles;
	uint64_t bytes;
	double drop;
	double val_accuracy;
	bool min_latency;
	bool feasible;
	char verdict[320];
};

/**
 * snpu_plan_make() - sensitivity analysis and per-layer choice
 * @g: a canonical graph with inferred shapes, trained; not changed.
 * @o: what to plan for.
 * @p: filled (also when infeasible: the best reachable point is
 *	chosen); release with snpu_plan_free().
 * @err: message on failure.
 * @err_size: bytes at @err.
 *
 * Return: 0 (check @p->feasible) or -errno.
 */
int snpu_plan_make(const struct snpu_graph *g, const struct snpu_plan_opts *o,
		   struct snpu_plan *p, char *err, size_t err_size);
void snpu_plan_free(struct snpu_plan *p);

/**
 * snpu_plan_apply() - the plan as pruning specs and encodings
 * @p: the plan.
 * @specs: @p->n_layers entries, in snpu_graph_wviews() order.
 * @encs: @p->n_layers entries for &struct snpu_quant_opts @layers.
 */
void snpu_plan_apply(const struct snpu_plan *p, struct snpu_prune_spec *specs,
		     struct snpu_quant_layer_opts *encs);

/**
 * snpu_plan_solve() - the exact multiple-choice knapsack of the plan
 * @n: layers.
 * @n_cand: candidates per layer (at most %SNPU_PLAN_MAX_CAND).
 * @w1: @n x %SNPU_PLAN_MAX_CAND integer costs in the first budget.
 * @cap1: the first budget.
 * @w2: the same for the second budget.
 * @cap2: the second budget (0 with all @w2 0 for none).
 * @obj: @n x %SNPU_PLAN_MAX_CAND values to minimise the sum of.
 * @choice: receives the chosen candidate of each layer.
 *
 * Return: the minimum, or a negative value when nothing fits.
 */
double snpu_plan_solve(uint32_t n, const uint32_t *n_cand, const uint32_t *w1,
		       uint32_t cap1, const uint32_t *w2, uint32_t cap2,
		       const double *obj, uint32_t *choice);

#endif /* SNPU_PLAN_H */
