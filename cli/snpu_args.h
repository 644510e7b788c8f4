/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Command line parsing of snpu, apart from everything that touches a
 * device so that it is testable on the host (tests/unit/test_cli_args.c).
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_ARGS_H
#define SNPU_ARGS_H

#include <stdint.h>
#include <stdio.h>

/* Exit codes scripts can rely on (snpu --help, docs/cli.md). */
#define SNPU_EXIT_OK		0
#define SNPU_EXIT_FAIL		1	/* runtime failure */
#define SNPU_EXIT_USAGE		2	/* bad command line */
#define SNPU_EXIT_NODEV		3	/* no snpu device */
#define SNPU_EXIT_INPUT		4	/* bad input file, model or size */
#define SNPU_EXIT_BUDGET	5	/* prune: the budgets cannot be met */

#define SNPU_ARGS_MAX_INPUTS	64

/* The closing paragraph of every --help text. */
#define SNPU_EXIT_HELP_TEXT \
	"Exit status:\n" \
	"  0  success\n" \
	"  1  runtime failure (the message says why)\n" \
	"  2  usage error\n" \
	"  3  no snpu device (driver not loaded, or --device names none)\n" \
	"  4  invalid input: bad .npy or raw file, wrong size, bad or\n" \
	"     unsupported model, dataset or ONNX file\n" \
	"  5  prune: the budgets cannot be met (the message gives the best\n" \
	"     reachable point)\n"


enum snpu_cmd {
	SNPU_CMD_NONE,
	SNPU_CMD_HELP,		/* a --help was printed: exit 0 */
	SNPU_CMD_VERSION,	/* snpu --version */
	SNPU_CMD_INFO,
	SNPU_CMD_RUN,
	SNPU_CMD_BENCH,
	SNPU_CMD_TRAIN,
	SNPU_CMD_PRUNE,
	SNPU_CMD_EVAL,
	SNPU_CMD_TOP,
};

#define SNPU_ARGS_MAX_LAYERS	64

/**
 * struct snpu_ml_args - options of train, prune and eval (host commands)
 * @data: --data: the Fashion-MNIST folder.
 * @arch: train --arch ("lenet300", "cnn").
 * @epochs: --epochs (train; prune: fine-tuning epochs).
 * @batch: --batch (training mini-batch).
 * @lr: --lr, 0 for the default.
 * @optimizer: --optimizer ("sgd", "adam"), NULL for the default.
 * @seed: --seed.
 * @criterion: prune --criterion name.
 * @pattern: prune --pattern ("unstructured", "2:4", "4x4", "channel" ...).
 * @sparsity: prune --sparsity, 0 to < 1.
 * @layers: prune --layer NAME=SPARSITY[:PATTERN] overrides.
 * @n_layers: entries in @layers.
 * @scope: prune --scope ("layer", "global").
 * @schedule: prune --schedule ("oneshot", "gradual").
 * @calib: calibration images (prune).
 * @calib_method: --calib-method ("minmax", "percentile").
 * @percentile: --percentile, 0 for the default.
 * @csr_fill: prune --csr-fill: keep the weights CSR stores fillers for.
 * @target: prune --target FIRMWARE.bin: the platform to pack for.
 * @encoding: prune --encoding ("auto", "dense", "csr", "nm", "block").
 * @export_onnx: prune --export-onnx FILE (the pruned fp32 graph).
 * @report: prune --report FILE (JSON).
 * @plot: prune --plot FILE (SVG).
 * @sweep: prune --sweep S,S,... one-shot sparsities for the plot.
 * @sweep_criteria: prune --sweep-criteria C,C,... criteria of the sweep
 *	(default: --criterion).
 * @test_input: prune --test-input FILE: the quantized test images (.npy).
 * @ref_output: prune --ref-output FILE: the int8 reference's outputs
 *	for them (.npy).
 * @outputs: eval --outputs FILE: outputs of the packed model (e.g. from
 *	the device with snpu run) to score instead of running it.
 * @reference: eval --reference FILE: outputs to compare @outputs with.
 * @limit: --limit: use the first N test images (0: all).
 * @quiet: --quiet: no progress bars.
 * @latency_cycles: prune --latency-budget in cycles (0: none or time).
 * @latency_us: prune --latency-budget in microseconds (0: none or
 *	cycles); converted with the target's clock.
 * @size_budget: prune --size-budget in bytes (0: none).
 * @max_drop: prune --max-accuracy-drop in points (negative: none).
 * @val: prune --val: validation images for the plan's sensitivities.
 */
struct snpu_ml_args {
	const char *data;
	const char *arch;
	uint32_t epochs;
	uint32_t batch;
	float lr;
	const char *optimizer;
	uint32_t seed;
	const char *criterion;
	const char *pattern;
	float sparsity;
	const char *layers[SNPU_ARGS_MAX_LAYERS];
	unsigned int n_layers;
	const char *scope;
	const char *schedule;
	uint32_t calib;
	const char *calib_method;
	float percentile;
	int csr_fill;
	const char *target;
	const char *encoding;
	const char *export_onnx;
	const char *report;
	const char *plot;
	const char *sweep;
	const char *sweep_criteria;
	const char *test_input;
	const char *ref_output;
	const char *outputs;
	const char *reference;
	uint32_t limit;
	int quiet;
	uint64_t latency_cycles;
	double latency_us;
	uint64_t size_budget;
	double max_drop;
	uint32_t val;
};

/**
 * struct snpu_args - a parsed command line
 * @cmd: what to do.
 * @json: --json (info, bench).
 * @device: --device: an index ("0") or a render node path; NULL for the
 *	default (info: every device; run, bench: the first).
 * @model: MODEL (run, bench).
 * @inputs: --input files (run), in order.
 * @n_inputs: entries in @inputs.
 * @output: --output file (run), or NULL.
 * @output_raw: --output-raw: write @output as raw int8, not .npy.
 * @batch: --batch, 0 when not given (run: from the inputs; bench: 1).
 * @top_k: --top-k, 0 when not given.
 * @counters: --counters.
 * @have_scale: --input-scale given.
 * @input_scale: --input-scale.
 * @have_zero_point: --input-zero-point given.
 * @input_zero_point: --input-zero-point.
 * @runs: bench --runs.
 * @warmup: bench --warmup.
 * @queue_depth: bench --queue-depth.
 * @interval_ms: top --interval, resolved: the default when not given
 *	(%SNPU_TOP_DEFAULT_INTERVAL_MS, %SNPU_TOP_ONCE_INTERVAL_MS with --once).
 * @once: top --once.
 * @ml: train, prune and eval options.
 */
struct snpu_args {
	enum snpu_cmd cmd;
	int json;
	const char *device;
	const char *model;
	const char *inputs[SNPU_ARGS_MAX_INPUTS];
	unsigned int n_inputs;
	const char *output;
	int output_raw;
	uint32_t batch;
	uint32_t top_k;
	int counters;
	int have_scale;
	float input_scale;
	int have_zero_point;
	int32_t input_zero_point;
	uint32_t runs;
	uint32_t warmup;
	uint32_t queue_depth;
	uint32_t interval_ms;
	int once;
	struct snpu_ml_args ml;
};

#define SNPU_BENCH_DEFAULT_RUNS		100
#define SNPU_BENCH_DEFAULT_WARMUP	5
#define SNPU_BENCH_DEFAULT_DEPTH	4
#define SNPU_BENCH_MAX_DEPTH		64
#define SNPU_MAX_BATCH			65536
#define SNPU_TOP_DEFAULT_INTERVAL_MS	1000
#define SNPU_TOP_ONCE_INTERVAL_MS	500
#define SNPU_TOP_MIN_INTERVAL_MS	10
#define SNPU_TOP_MAX_INTERVAL_MS	3600000

/**
 * snpu_args_parse() - parse argv
 * @argc: as main() got it.
 * @argv: as main() got it (getopt may permute it).
 * @a: filled.
 * @out: where --help and --version text goes (stdout).
 * @err: where usage errors go (stderr).
 *
 * Return: %SNPU_EXIT_OK with @a->cmd set (%SNPU_CMD_HELP when a help text
 * was printed), or %SNPU_EXIT_USAGE after a message on @err.
 */
int snpu_args_parse(int argc, char **argv, struct snpu_args *a, FILE *out,
		    FILE *err);

/* The parsers of train, prune and eval (snpu_args_ml.c). */
int snpu_args_train(int argc, char **argv, struct snpu_args *a, FILE *out,
		    FILE *err);
int snpu_args_prune(int argc, char **argv, struct snpu_args *a, FILE *out,
		    FILE *err);
int snpu_args_eval(int argc, char **argv, struct snpu_args *a, FILE *out,
		   FILE *err);

/* Helpers the parsers share: an integer option in [min, max]; a float in
 * (min, max); the message for getopt's '?' or ':'. */
int snpu_args_u32(const char *cmd, const char *opt, const char *s,
		  uint32_t min, uint32_t max, uint32_t *v, FILE *err);
int snpu_args_float(const char *cmd, const char *opt, const char *s,
		    float min, float max, float *v, FILE *err);
int snpu_args_bad_option(const char *cmd, int c, int argc, char **argv,
			 FILE *err);

/* Device selection of --device: 1 and *index when @s is an index. */
int snpu_args_device_index(const char *s, int *index);

#endif /* SNPU_ARGS_H */
