/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * What a pruning run did, for people and for scripts: a readable table,
 * JSON (snpu prune --report) and an SVG plot of accuracy against sparsity.
 * The report only describes; it computes nothing but totals and ratios.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_REPORT_H
#define SNPU_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SNPU_REPORT_NAME	64

/**
 * struct snpu_report_layer - one weighted layer of the packed model
 * @name: node name.
 * @op: "fc" or "conv2d".
 * @rows: output channels.
 * @k: inputs per output channel.
 * @weights: rows * k.
 * @nonzero: weights that are not 0 after pruning.
 * @encoding: the packed encoding ("dense", "csr", "nm 2:4", "block 4x4").
 * @why: why that encoding (a sentence; with a plan, why this choice).
 * @fp32_bytes: bytes of the fp32 weights and bias in the dense model.
 * @value_bytes: packed weight values (fillers and padding included).
 * @index_bytes: packed encoding metadata.
 * @param_bytes: bias and requantization parameters.
 */
struct snpu_report_layer {
	char name[SNPU_REPORT_NAME];
	char op[16];
	uint32_t rows, k;
	uint64_t weights, nonzero;
	char encoding[24];
	char why[200];
	uint64_t fp32_bytes;
	uint64_t value_bytes, index_bytes, param_bytes;
};

/**
 * struct snpu_report_cycles - one layer of the packed model on the target
 * @op: "fc", "conv2d", "maxpool", ...
 * @encoding: the layer's encoding ("dense" without weights).
 * @predicted: cycles per inference the cost model predicts statically
 *	(expected zero skipping from calibration images).
 * @measured: cycles per inference the host engine (the device's source)
 *	counted, mean over the measured test images, batch 1.
 */
struct snpu_report_cycles {
	char op[16];
	char encoding[24];
	double predicted;
	double measured;
};

/**
 * struct snpu_report_point - one point of an accuracy/sparsity curve
 * @series: curve name ("magnitude", "wanda", "sparsegpt", "this run").
 * @sparsity: weight sparsity, 0 to 1.
 * @accuracy: top-1 accuracy, 0 to 1.
 */
struct snpu_report_point {
	char series[SNPU_REPORT_NAME];
	double sparsity;
	double accuracy;
};

/**
 * struct snpu_report - one run
 * @model: input model file.
 * @method: criterion, pattern and schedule in words.
 * @layers: per-layer rows (owned, malloc()ed).
 * @n_layers: entries in @layers.
 * @points: the accuracy/sparsity curve(s) (owned, malloc()ed).
 * @n_points: entries in @points.
 * @test_images: images the accuracies were measured on.
 * @dense_fp32_accuracy: the model as given, fp32.
 * @int8_accuracy: the dense model quantized to int8.
 * @pruned_fp32_accuracy: the pruned model, fp32.
 * @pruned_int8_accuracy: the pruned, quantized, packed model on the
 *	host's int8 engine.
 * @device_accuracy: the packed model on the device; negative when not run.
 * @device_matches: test images whose device output equals the int8
 *	reference's byte for byte; negative when not run.
 * @total_bytes: the packed .snpu file, headers and tables included.
 * @target: platform the model was packed for ("" for any).
 * @dense_cycles: cycles per inference of the dense int8 model on @target
 *	(cost model, batch 1, mean over the measured images); 0 if none.
 * @pruned_cycles: the same for the packed pruned model.
 * @cycles: per layer of the packed pruned model on @target (owned).
 * @n_cycles: entries in @cycles.
 * @plan: the plan's verdict ("" without budgets).
 * @latency_budget: cycles per inference; 0 for none.
 * @size_budget: packed bytes; 0 for none.
 * @max_drop: accuracy points; negative for none.
 * @plan_drop: the plan's estimated accuracy loss in points.
 * @predicted_cycles: the plan's predicted cycles per inference.
 * @seconds: wall time of the run.
 *
 * Accuracies are 0 to 1; a negative accuracy means "not measured".
 */
struct snpu_report {
	char model[256];
	char method[160];
	struct snpu_report_layer *layers;
	uint32_t n_layers;
	struct snpu_report_point *points;
	uint32_t n_points;
	uint32_t test_images;
	double dense_fp32_accuracy;
	double int8_accuracy;
	double pruned_fp32_accuracy;
	double pruned_int8_accuracy;
	double device_accuracy;
	int64_t device_matches;
	uint64_t total_bytes;
	char target[32];
	double dense_cycles;
	double pruned_cycles;
	struct snpu_report_cycles *cycles;
	uint32_t n_cycles;
	char plan[320];
	uint64_t latency_budget;
	uint64_t size_budget;
	double max_drop;
	double plan_drop;
	double predicted_cycles;
	double seconds;
};

/* Empty report: every accuracy "not measured". */
void snpu_report_init(struct snpu_report *r);
void snpu_report_release(struct snpu_report *r);

/* Append a layer / a curve point (copied). 0 or -ENOMEM. */
int snpu_report_add_layer(struct snpu_report *r,
			  const struct snpu_report_layer *l);
int snpu_report_add_point(struct snpu_report *r, const char *series,
			  double sparsity, double accuracy);
int snpu_report_add_cycles(struct snpu_report *r,
			   const struct snpu_report_cycles *c);

/**
 * struct snpu_report_totals - sums over the layers
 * @weights: weights in all layers.
 * @nonzero: weights kept.
 * @sparsity: 1 - nonzero / weights.
 * @fp32_bytes: fp32 weights and bias.
 * @value_bytes: packed values.
 * @index_bytes: packed metadata.
 * @param_bytes: bias and requantization.
 * @packed_bytes: the whole packed file (report total_bytes).
 * @compression: fp32_bytes / packed_bytes.
 */
struct snpu_report_totals {
	uint64_t weights, nonzero;
	double sparsity;
	uint64_t fp32_bytes;
	uint64_t value_bytes, index_bytes, param_bytes;
	uint64_t packed_bytes;
	double compression;
};

void snpu_report_totals(const struct snpu_report *r,
			struct snpu_report_totals *t);

/* The table people read (per layer, totals, accuracies). */
void snpu_report_print(const struct snpu_report *r, FILE *f);
/*
 * JSON with the keys docs/cli.md lists (dense_fp32_accuracy,
 * int8_accuracy, pruned_int8_accuracy, device_accuracy, sparsity,
 * fp32_bytes, packed_bytes, layers[], curve[] ...); null for what was not
 * measured. 0 or -EIO.
 */
int snpu_report_write_json(const struct snpu_report *r, FILE *f);
/* Print @s as a JSON string literal (the one JSON writer of snpu). */
void snpu_report_json_str(FILE *f, const char *s);

/* An SVG line plot of every curve series, accuracy against sparsity. */
int snpu_report_write_svg(const struct snpu_report *r, const char *title,
			  FILE *f);

#endif /* SNPU_REPORT_H */
