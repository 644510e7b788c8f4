// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Command line parsing of snpu; see snpu_args.h.
 *
 * Each command has its own getopt_long table. opterr is off so every
 * message goes to the caller's @err stream (the unit tests capture it),
 * and optind is reset to 0 before each parse so that parsing is
 * repeatable within one process.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_args.h"

static const char snpu_usage_main[] =
	"Usage: snpu [--help] [--version] COMMAND [OPTIONS]\n"
	"\n"
	"The command line of the snpu sparse NPU stack, over libaccel.\n"
	"\n"
	"Commands:\n"
	"  info     list devices, firmware and platform profile\n"
	"  run      run a packed .snpu model on .npy or raw inputs\n"
	"  bench    latency and throughput of a packed model\n"
	"  train    train LeNet-300-100 or a small CNN on Fashion-MNIST (ONNX out)\n"
	"  prune    prune, quantize and pack an ONNX model (.snpu out)\n"
	"  eval     accuracy of an ONNX or packed model on Fashion-MNIST\n"
	"  top      live view of every device: utilisation, jobs/s, sparsity\n"
	"           savings, errors, memory, events (--once --json for scripts)\n"
	"\n"
	"Run 'snpu COMMAND --help' for a command's options.\n"
	"\n"
	SNPU_EXIT_HELP_TEXT;

static const char snpu_usage_info[] =
	"Usage: snpu info [--json] [--device N|PATH]\n"
	"\n"
	"List snpu devices with their firmware and platform profile: ops,\n"
	"weight encodings, N:M patterns, block shapes and features.\n"
	"\n"
	"Options:\n"
	"  -j, --json           one JSON array of device objects on stdout\n"
	"  -d, --device N|PATH  only device N of the enumeration, or the\n"
	"                       render node PATH (default: every device)\n"
	"  -h, --help           this text\n"
	"\n"
	SNPU_EXIT_HELP_TEXT;

static const char snpu_usage_run[] =
	"Usage: snpu run MODEL [--input FILE]... [--output FILE] [--output-raw]\n"
	"                [--batch N] [--top-k K] [--device N|PATH] [--counters]\n"
	"                [--input-scale S] [--input-zero-point Z]\n"
	"\n"
	"Run the packed model MODEL (.snpu) on the device.\n"
	"\n"
	"Inputs: each --input FILE adds samples, in order. A .npy file holds\n"
	"int8 ('|i1') samples, or float32 ('<f4') ones quantized as\n"
	"q = clamp(round(x / S) + Z, -128, 127) with S and Z from\n"
	"--input-scale / --input-zero-point (default: the model input's own).\n"
	"uint8 is refused: convert to int8 (x - 128) first. Its leading\n"
	"dimension is the sample count, the rest must hold one input sample\n"
	"(a 1-D array of exactly one sample is one sample). Any other file is\n"
	"raw int8 whose size must be a multiple of the model's input size.\n"
	"\n"
	"Options:\n"
	"  -i, --input FILE        input samples (.npy or raw); repeatable\n"
	"  -o, --output FILE       write the outputs as .npy int8 of shape\n"
	"                          (batch, output_bytes)\n"
	"      --output-raw        write --output as raw int8 instead\n"
	"  -b, --batch N           samples in total; must match the inputs\n"
	"  -k, --top-k K           print the K highest outputs of each sample:\n"
	"                          'sample S: I:V I:V ...' (index:int8 value)\n"
	"  -d, --device N|PATH     device (default: the first)\n"
	"  -c, --counters          print the device counters of the run\n"
	"      --input-scale S     float32 input quantization scale (> 0)\n"
	"      --input-zero-point Z  float32 input zero point (-128..127)\n"
	"  -h, --help              this text\n"
	"\n"
	SNPU_EXIT_HELP_TEXT;

static const char snpu_usage_bench[] =
	"Usage: snpu bench MODEL [--runs N] [--batch N] [--queue-depth D]\n"
	"                  [--warmup N] [--device N|PATH] [--json]\n"
	"\n"
	"Benchmark the packed model MODEL on random int8 inputs: latency\n"
	"p50/p99 (ms) of N synchronous runs (queue depth 1), throughput\n"
	"(samples/s) of N jobs with D in flight, and the device-counted\n"
	"cycles per inference with the latency they model at the platform\n"
	"clock (cycles / clock).\n"
	"\n"
	"Options:\n"
	"  -n, --runs N            runs of each measurement (default 100)\n"
	"  -b, --batch N           samples per job (default 1)\n"
	"  -q, --queue-depth D     jobs in flight, 1..64 (default 4)\n"
	"  -w, --warmup N          unmeasured runs first (default 5)\n"
	"  -d, --device N|PATH     device (default: the first)\n"
	"  -j, --json              one JSON object on stdout\n"
	"  -h, --help              this text\n"
	"\n"
	SNPU_EXIT_HELP_TEXT;

static const char snpu_usage_top[] =
	"Usage: snpu top [--interval MS] [--once [--json]]\n"
	"\n"
	"A live view of every snpu device, from the module's telemetry (the\n"
	"generic netlink family \"snpu\": no render node is opened and no\n"
	"privilege is needed), refreshed every interval: per device its render\n"
	"node, platform, utilisation, jobs/s, failed and timed out jobs,\n"
	"resets, MAC/s, sparsity savings, memory in use, live models and jobs;\n"
	"below, the last 8 device events (job faults and timeouts, resets,\n"
	"firmware loads, devices added and removed). q or Ctrl-C quits. When\n"
	"stdout is not a terminal, plain frames are printed, separated by a\n"
	"blank line.\n"
	"\n"
	"Options:\n"
	"  -i, --interval MS   time between frames, and between the two samples\n"
	"                      of --once: 10 to 3600000 (default 1000; 500 with\n"
	"                      --once)\n"
	"      --once          take two samples, print one frame and exit\n"
	"  -j, --json          with --once: one JSON object instead of the frame\n"
	"  -h, --help          this text\n"
	"\n"
	"Columns: UTIL busy time / wall time; JOBS/S completed jobs per second;\n"
	"FAIL, TMO, RST failed jobs, timed out jobs and resets since the\n"
	"counters started; MAC/S executed multiply-accumulates per second;\n"
	"SAVED skipped / (executed + skipped) MACs over the interval (over the\n"
	"counters' lifetime while idle), W and A the shares of it skipped for\n"
	"pruned weights and zero activations; MEM bytes in live buffers; MDL\n"
	"live models; JOB jobs submitted and not yet freed. '-': no rate before\n"
	"the second sample.\n"
	"\n"
	SNPU_EXIT_HELP_TEXT;

enum {
	SNPU_OPT_OUTPUT_RAW = 256,
	SNPU_OPT_INPUT_SCALE,
	SNPU_OPT_INPUT_ZERO_POINT,
	SNPU_OPT_ONCE,
};

int snpu_args_device_index(const char *s, int *index)
{
	long v = 0;
	const char *p;

	if (!*s)
		return 0;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
		if (v > INT_MAX)
			return 0;
	}
	*index = (int)v;
	return 1;
}

int snpu_args_u32(const char *cmd, const char *opt, const char *s,
			 uint32_t min, uint32_t max, uint32_t *v, FILE *err)
{
	unsigned long long x;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	x = strtoull(s, &end, 10);
	if (errno || *end || x < min || x > max)
		goto bad;
	*v = (uint32_t)x;
	return 0;
bad:
	fprintf(err, "snpu %s: %s needs an integer from %u to %u, not '%s'\n",
		cmd, opt, min, max, s);
	return SNPU_EXIT_USAGE;
}

static int snpu_args_scale(const char *s, float *v, FILE *err)
{
	char *end;
	float x;

	errno = 0;
	x = strtof(s, &end);
	if (!*s || errno || *end || !isfinite(x) || x <= 0.0f) {
		fprintf(err, "snpu run: --input-scale needs a finite number > 0, not '%s'\n",
			s);
		return SNPU_EXIT_USAGE;
	}
	*v = x;
	return 0;
}

static int snpu_args_zero_point(const char *s, int32_t *v, FILE *err)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (!*s || errno || *end || x < -128 || x > 127) {
		fprintf(err, "snpu run: --input-zero-point needs an integer from -128 to 127, not '%s'\n",
			s);
		return SNPU_EXIT_USAGE;
	}
	*v = (int32_t)x;
	return 0;
}

int snpu_args_float(const char *cmd, const char *opt, const char *s,
		    float min, float max, float *v, FILE *err)
{
	char *end;
	float x;

	errno = 0;
	x = strtof(s, &end);
	if (!*s || errno || *end || !isfinite(x) || x <= min || x >= max) {
		fprintf(err, "snpu %s: %s needs a number above %g and below %g, not '%s'\n",
			cmd, opt, min, max, s);
		return SNPU_EXIT_USAGE;
	}
	*v = x;
	return 0;
}

/* The message for a '?' or ':' from getopt_long. */
int snpu_args_bad_option(const char *cmd, int c, int argc, char **argv,
			 FILE *err)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	if (c == ':')
		fprintf(err, "snpu %s: option '%s' needs a value\n", cmd, arg);
	else if (optopt && optopt < 256 && arg[0] == '-' && arg[1] != '-')
		fprintf(err, "snpu %s: unknown option '-%c'\n", cmd, optopt);
	else
		fprintf(err, "snpu %s: unknown option '%s'\n", cmd, arg);
	fprintf(err, "Run 'snpu %s --help' for usage.\n", cmd);
	return SNPU_EXIT_USAGE;
}

static int snpu_args_device(struct snpu_args *a, const char *s, FILE *err,
			    const char *cmd)
{
	int index;

	if (!*s || (s[0] != '/' && !snpu_args_device_index(s, &index))) {
		fprintf(err, "snpu %s: --device needs an index or a /dev path, not '%s'\n",
			cmd, s);
		return SNPU_EXIT_USAGE;
	}
	a->device = s;
	return 0;
}

static int snpu_args_info(int argc, char **argv, struct snpu_args *a,
			  FILE *out, FILE *err)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	while ((c = getopt_long(argc, argv, ":jd:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			a->json = 1;
			break;
		case 'd':
			ret = snpu_args_device(a, optarg, err, "info");
			if (ret)
				return ret;
			break;
		case 'h':
			fputs(snpu_usage_info, out);
			a->cmd = SNPU_CMD_HELP;
			return SNPU_EXIT_OK;
		default:
			return snpu_args_bad_option("info", c, argc, argv, err);
		}
	}
	if (optind != argc) {
		fprintf(err, "snpu info: unexpected argument '%s'\n",
			argv[optind]);
		return SNPU_EXIT_USAGE;
	}
	a->cmd = SNPU_CMD_INFO;
	return SNPU_EXIT_OK;
}

/* The single MODEL operand of run and bench. */
static int snpu_args_model(const char *cmd, int argc, char **argv,
			   struct snpu_args *a, FILE *err)
{
	if (optind == argc) {
		fprintf(err, "snpu %s: missing MODEL (a packed .snpu file)\n"
			"Run 'snpu %s --help' for usage.\n", cmd, cmd);
		return SNPU_EXIT_USAGE;
	}
	if (argc - optind > 1) {
		fprintf(err, "snpu %s: unexpected argument '%s'\n", cmd,
			argv[optind + 1]);
		return SNPU_EXIT_USAGE;
	}
	a->model = argv[optind];
	return SNPU_EXIT_OK;
}

static int snpu_args_run(int argc, char **argv, struct snpu_args *a,
			 FILE *out, FILE *err)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-raw", no_argument, NULL, SNPU_OPT_OUTPUT_RAW },
		{ "batch", required_argument, NULL, 'b' },
		{ "top-k", required_argument, NULL, 'k' },
		{ "device", required_argument, NULL, 'd' },
		{ "counters", no_argument, NULL, 'c' },
		{ "input-scale", required_argument, NULL, SNPU_OPT_INPUT_SCALE },
		{ "input-zero-point", required_argument, NULL,
		  SNPU_OPT_INPUT_ZERO_POINT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, ":i:o:b:k:d:ch", opts,
				NULL)) != -1) {
		switch (c) {
		case 'i':
			if (a->n_inputs == SNPU_ARGS_MAX_INPUTS) {
				fprintf(err, "snpu run: at most %d --input files\n",
					SNPU_ARGS_MAX_INPUTS);
				return SNPU_EXIT_USAGE;
			}
			a->inputs[a->n_inputs++] = optarg;
			break;
		case 'o':
			if (a->output) {
				fprintf(err, "snpu run: --output given twice\n");
				return SNPU_EXIT_USAGE;
			}
			a->output = optarg;
			break;
		case SNPU_OPT_OUTPUT_RAW:
			a->output_raw = 1;
			break;
		case 'b':
			ret = snpu_args_u32("run", "--batch", optarg, 1,
					    SNPU_MAX_BATCH, &a->batch, err);
			break;
		case 'k':
			ret = snpu_args_u32("run", "--top-k", optarg, 1,
					    UINT32_MAX, &a->top_k, err);
			break;
		case 'd':
			ret = snpu_args_device(a, optarg, err, "run");
			break;
		case 'c':
			a->counters = 1;
			break;
		case SNPU_OPT_INPUT_SCALE:
			ret = snpu_args_scale(optarg, &a->input_scale, err);
			a->have_scale = 1;
			break;
		case SNPU_OPT_INPUT_ZERO_POINT:
			ret = snpu_args_zero_point(optarg, &a->input_zero_point,
						   err);
			a->have_zero_point = 1;
			break;
		case 'h':
			fputs(snpu_usage_run, out);
			a->cmd = SNPU_CMD_HELP;
			return SNPU_EXIT_OK;
		default:
			return snpu_args_bad_option("run", c, argc, argv, err);
		}
		if (ret)
			return ret;
	}
	ret = snpu_args_model("run", argc, argv, a, err);
	if (ret)
		return ret;
	if (!a->n_inputs) {
		fprintf(err, "snpu run: no --input given (a .npy or raw int8 file)\n");
		return SNPU_EXIT_USAGE;
	}
	if (a->output_raw && !a->output) {
		fprintf(err, "snpu run: --output-raw needs --output FILE\n");
		return SNPU_EXIT_USAGE;
	}
	a->cmd = SNPU_CMD_RUN;
	return SNPU_EXIT_OK;
}

static int snpu_args_bench(int argc, char **argv, struct snpu_args *a,
			   FILE *out, FILE *err)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "queue-depth", required_argument, NULL, 'q' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	a->runs = SNPU_BENCH_DEFAULT_RUNS;
	a->warmup = SNPU_BENCH_DEFAULT_WARMUP;
	a->queue_depth = SNPU_BENCH_DEFAULT_DEPTH;
	a->batch = 1;
	while ((c = getopt_long(argc, argv, ":n:b:q:w:d:jh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			ret = snpu_args_u32("bench", "--runs", optarg, 1,
					    10000000, &a->runs, err);
			break;
		case 'b':
			ret = snpu_args_u32("bench", "--batch", optarg, 1,
					    SNPU_MAX_BATCH, &a->batch, err);
			break;
		case 'q':
			ret = snpu_args_u32("bench", "--queue-depth", optarg,
					    1, SNPU_BENCH_MAX_DEPTH,
					    &a->queue_depth, err);
			break;
		case 'w':
			ret = snpu_args_u32("bench", "--warmup", optarg, 0,
					    1000000, &a->warmup, err);
			break;
		case 'd':
			ret = snpu_args_device(a, optarg, err, "bench");
			break;
		case 'j':
			a->json = 1;
			break;
		case 'h':
			fputs(snpu_usage_bench, out);
			a->cmd = SNPU_CMD_HELP;
			return SNPU_EXIT_OK;
		default:
			return snpu_args_bad_option("bench", c, argc, argv,
						    err);
		}
		if (ret)
			return ret;
	}
	ret = snpu_args_model("bench", argc, argv, a, err);
	if (ret)
		return ret;
	a->cmd = SNPU_CMD_BENCH;
	return SNPU_EXIT_OK;
}

static int snpu_args_top(int argc, char **argv, struct snpu_args *a,
			 FILE *out, FILE *err)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "once", no_argument, NULL, SNPU_OPT_ONCE },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0, have_interval = 0;

	while ((c = getopt_long(argc, argv, ":i:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			ret = snpu_args_u32("top", "--interval", optarg,
					    SNPU_TOP_MIN_INTERVAL_MS,
					    SNPU_TOP_MAX_INTERVAL_MS,
					    &a->interval_ms, err);
			have_interval = 1;
			break;
		case SNPU_OPT_ONCE:
			a->once = 1;
			break;
		case 'j':
			a->json = 1;
			break;
		case 'h':
			fputs(snpu_usage_top, out);
			a->cmd = SNPU_CMD_HELP;
			return SNPU_EXIT_OK;
		default:
			return snpu_args_bad_option("top", c, argc, argv, err);
		}
		if (ret)
			return ret;
	}
	if (optind != argc) {
		fprintf(err, "snpu top: unexpected argument '%s'\n",
			argv[optind]);
		return SNPU_EXIT_USAGE;
	}
	if (a->json && !a->once) {
		fprintf(err, "snpu top: --json needs --once (one JSON object per run)\n");
		return SNPU_EXIT_USAGE;
	}
	if (!have_interval)
		a->interval_ms = a->once ? SNPU_TOP_ONCE_INTERVAL_MS :
			SNPU_TOP_DEFAULT_INTERVAL_MS;
	a->cmd = SNPU_CMD_TOP;
	return SNPU_EXIT_OK;
}

int snpu_args_parse(int argc, char **argv, struct snpu_args *a, FILE *out,
		    FILE *err)
{
	const char *cmd;

	memset(a, 0, sizeof(*a));
	optind = 0;
	opterr = 0;
	if (argc < 2) {
		fputs(snpu_usage_main, err);
		return SNPU_EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(snpu_usage_main, out);
		a->cmd = SNPU_CMD_HELP;
		return SNPU_EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		a->cmd = SNPU_CMD_VERSION;
		return SNPU_EXIT_OK;
	}
	if (!strcmp(cmd, "info"))
		return snpu_args_info(argc - 1, argv + 1, a, out, err);
	if (!strcmp(cmd, "run"))
		return snpu_args_run(argc - 1, argv + 1, a, out, err);
	if (!strcmp(cmd, "bench"))
		return snpu_args_bench(argc - 1, argv + 1, a, out, err);
	if (!strcmp(cmd, "train"))
		return snpu_args_train(argc - 1, argv + 1, a, out, err);
	if (!strcmp(cmd, "prune"))
		return snpu_args_prune(argc - 1, argv + 1, a, out, err);
	if (!strcmp(cmd, "eval"))
		return snpu_args_eval(argc - 1, argv + 1, a, out, err);
	if (!strcmp(cmd, "top"))
		return snpu_args_top(argc - 1, argv + 1, a, out, err);

	if (cmd[0] == '-')
		fprintf(err, "snpu: unknown option '%s'\n", cmd);
	else
		fprintf(err, "snpu: unknown command '%s'\n", cmd);
	fprintf(err, "Run 'snpu --help' for the commands.\n");
	return SNPU_EXIT_USAGE;
}
