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

#define SNPU_ARGS_MAX_INPUTS	64

enum snpu_cmd {
	SNPU_CMD_NONE,
	SNPU_CMD_HELP,		/* a --help was printed: exit 0 */
	SNPU_CMD_VERSION,	/* snpu --version */
	SNPU_CMD_INFO,
	SNPU_CMD_RUN,
	SNPU_CMD_BENCH,
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
};

#define SNPU_BENCH_DEFAULT_RUNS		100
#define SNPU_BENCH_DEFAULT_WARMUP	5
#define SNPU_BENCH_DEFAULT_DEPTH	4
#define SNPU_BENCH_MAX_DEPTH		64
#define SNPU_MAX_BATCH			65536

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

/* Device selection of --device: 1 and *index when @s is an index. */
int snpu_args_device_index(const char *s, int *index);

#endif /* SNPU_ARGS_H */
