// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Command line parsing of the host commands snpu train, prune and eval
 * (the pruner's side of the tool); see snpu_args.h. Names given to
 * --arch, --criterion, --pattern ... are checked here against the same
 * lists the commands accept, so a typo is a usage error (exit 2) before
 * any work starts.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_args.h"

#define SNPU_FMNIST_DIR	"/usr/share/datasets/fashion-mnist"

static const char snpu_usage_train[] =
	"Usage: snpu train --arch lenet300|cnn --output FILE.onnx [--data DIR]\n"
	"                  [--epochs N] [--batch N] [--lr X] [--optimizer sgd|adam]\n"
	"                  [--seed N] [--quiet]\n"
	"\n"
	"Build LeNet-300-100 (lenet300) or a small CNN (cnn: two conv + pool\n"
	"layers and a classifier), train it on the Fashion-MNIST training set\n"
	"with softmax cross-entropy, print its test accuracy and write it as\n"
	"ONNX. Same seed, same weights.\n"
	"\n"
	"Options:\n"
	"  -a, --arch NAME         lenet300 or cnn\n"
	"  -o, --output FILE       the trained model (.onnx)\n"
	"      --data DIR          Fashion-MNIST folder (default\n"
	"                          " SNPU_FMNIST_DIR ")\n"
	"  -e, --epochs N          passes over the training set (default: per arch)\n"
	"  -b, --batch N           mini-batch size (default 64)\n"
	"      --lr X              learning rate (default: per optimizer)\n"
	"      --optimizer NAME    sgd (with momentum 0.9) or adam (default)\n"
	"  -s, --seed N            initialization and shuffling seed (default 1)\n"
	"  -q, --quiet             no progress bar\n"
	"  -h, --help              this text\n"
	"\n"
	SNPU_EXIT_HELP_TEXT;

static const char snpu_usage_prune[] =
	"Usage: snpu prune MODEL.onnx --output FILE.snpu [--sparsity S]\n"
	"                  [--criterion C] [--pattern P] [--scope layer|global]\n"
	"                  [--layer NAME=S[:P]]... [--schedule oneshot|gradual]\n"
	"                  [--epochs N] [--calib N] [--calib-method M]\n"
	"                  [--encoding E] [--report FILE.json] [--plot FILE.svg]\n"
	"                  [--sweep S,S,...] [--sweep-criteria C,C,...]\n"
	"                  [--export-onnx FILE] [--data DIR]\n"
	"                  [--test-input FILE.npy] [--ref-output FILE.npy]\n"
	"                  [--target FIRMWARE.bin] [--csr-fill]\n"
	"                  [--latency-budget T] [--size-budget B]\n"
	"                  [--max-accuracy-drop P] [--val N]\n"
	"\n"
	"Prune an fp32 ONNX model, quantize it to int8 with calibration on\n"
	"training images, pack it into the device format and report what it\n"
	"did: per layer shape, sparsity, encoding and bytes, totals, and the\n"
	"fp32 / int8 / pruned accuracy on the Fashion-MNIST test set.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE       the packed model (.snpu)\n"
	"  -S, --sparsity S        fraction of weights to remove, 0 <= S < 1\n"
	"                          (default 0.5)\n"
	"  -c, --criterion C       l1 (alias magnitude), l2, grad, taylor,\n"
	"                          entropy (channels), wanda, sparsegpt (default l1)\n"
	"  -p, --pattern P         unstructured, 2:4, 1:4, 2:8, 1x4, 4x4, 1x16,\n"
	"                          channel (default unstructured)\n"
	"      --scope SCOPE       layer: every layer at S; global: one threshold\n"
	"                          over normalized scores (default layer)\n"
	"      --layer NAME=S[:P]  this layer at sparsity S (and pattern P);\n"
	"                          S = 0 keeps it dense; repeatable\n"
	"      --schedule SCHED    oneshot, or gradual: polynomial sparsity ramp\n"
	"                          with masked fine-tuning (default oneshot)\n"
	"  -e, --epochs N          fine-tuning epochs (gradual; default 2)\n"
	"      --lr X              fine-tuning learning rate\n"
	"      --calib N           calibration images (default 1024)\n"
	"      --calib-method M    minmax or percentile (default minmax)\n"
	"      --percentile P      percentile of |x| kept by percentile\n"
	"                          calibration (default 99.99)\n"
	"      --target FW.bin     pack for this platform (a firmware image, e.g.\n"
	"                          build/firmware/snpu/edge-tiny.bin): only its\n"
	"                          encodings, and report cycles per inference\n"
	"      --latency-budget T  with --target: plan every layer's encoding and\n"
	"                          sparsity so one inference takes at most T\n"
	"                          (cycles, or with a unit: 250us, 1.5ms)\n"
	"      --size-budget B     with --target: packed model at most B bytes\n"
	"                          (K, M suffixes: 1024-based)\n"
	"      --max-accuracy-drop P  with --target: lose at most P points; alone,\n"
	"                          the fastest plan within P\n"
	"      --val N             validation images of the plan's sensitivity\n"
	"                          analysis, the last N training images\n"
	"                          (default 2000)\n"
	"      --csr-fill          unstructured: also keep the weights where CSR\n"
	"                          would store a zero filler (free: same bytes)\n"
	"      --encoding E        auto (the smallest the pattern allows),\n"
	"                          dense, csr, nm, block (default auto)\n"
	"      --report FILE       write the report as JSON\n"
	"      --plot FILE         write an SVG of accuracy against sparsity\n"
	"      --sweep LIST        one-shot sparsities for the plot (default\n"
	"                          0.5,0.6,0.7,0.8,0.9); 'none' skips the sweep\n"
	"      --sweep-criteria LIST  criteria to sweep, e.g. l1,wanda,sparsegpt\n"
	"                          (default: --criterion)\n"
	"      --export-onnx FILE  write the pruned fp32 graph as ONNX\n"
	"      --test-input FILE   write the quantized test images (.npy int8)\n"
	"      --ref-output FILE   write the int8 reference's outputs for them\n"
	"      --data DIR          Fashion-MNIST folder (default\n"
	"                          " SNPU_FMNIST_DIR ")\n"
	"      --limit N           score on the first N test images only\n"
	"  -s, --seed N            seed (default 1)\n"
	"  -q, --quiet             no progress bars\n"
	"  -h, --help              this text\n"
	"\n"
	SNPU_EXIT_HELP_TEXT;

static const char snpu_usage_eval[] =
	"Usage: snpu eval MODEL [--data DIR] [--outputs FILE.npy]\n"
	"                 [--reference FILE.npy] [--limit N] [--json]\n"
	"\n"
	"Top-1 accuracy on the Fashion-MNIST test set of an fp32 ONNX model\n"
	"(the reference executor) or a packed .snpu model (the int8 engine on\n"
	"the host). With --outputs, score those outputs of MODEL instead (for\n"
	"example the device's, from 'snpu run --output'); with --reference\n"
	"too, count the samples whose outputs equal the reference's byte for\n"
	"byte.\n"
	"\n"
	"Options:\n"
	"      --data DIR          Fashion-MNIST folder (default\n"
	"                          " SNPU_FMNIST_DIR ")\n"
	"      --outputs FILE      int8 outputs (.npy) to score\n"
	"      --reference FILE    int8 outputs (.npy) to compare them with\n"
	"      --limit N           the first N test images only\n"
	"  -j, --json              one JSON object on stdout\n"
	"  -h, --help              this text\n"
	"\n"
	SNPU_EXIT_HELP_TEXT;

enum {
	SNPU_OPT_DATA = 300,
	SNPU_OPT_LR,
	SNPU_OPT_OPTIMIZER,
	SNPU_OPT_SCOPE,
	SNPU_OPT_LAYER,
	SNPU_OPT_SCHEDULE,
	SNPU_OPT_CALIB,
	SNPU_OPT_CALIB_METHOD,
	SNPU_OPT_PERCENTILE,
	SNPU_OPT_ENCODING,
	SNPU_OPT_REPORT,
	SNPU_OPT_PLOT,
	SNPU_OPT_SWEEP,
	SNPU_OPT_SWEEP_CRITERIA,
	SNPU_OPT_CSR_FILL,
	SNPU_OPT_TARGET,
	SNPU_OPT_EXPORT_ONNX,
	SNPU_OPT_TEST_INPUT,
	SNPU_OPT_REF_OUTPUT,
	SNPU_OPT_LIMIT,
	SNPU_OPT_OUTPUTS,
	SNPU_OPT_REFERENCE,
	SNPU_OPT_LATENCY_BUDGET,
	SNPU_OPT_SIZE_BUDGET,
	SNPU_OPT_MAX_DROP,
	SNPU_OPT_VAL,
};

static const char *const snpu_arch_names[] = { "lenet300", "cnn", NULL };
static const char *const snpu_optimizer_names[] = { "sgd", "adam", NULL };
static const char *const snpu_criterion_names[] = {
	"l1", "magnitude", "l2", "grad", "taylor", "entropy", "wanda",
	"sparsegpt", NULL
};
static const char *const snpu_pattern_names[] = {
	"unstructured", "2:4", "1:4", "2:8", "1x4", "4x4", "1x16", "channel",
	NULL
};
static const char *const snpu_scope_names[] = { "layer", "global", NULL };
static const char *const snpu_schedule_names[] = { "oneshot", "gradual",
						    NULL };
static const char *const snpu_calib_names[] = { "minmax", "percentile",
						 NULL };
static const char *const snpu_encoding_names[] = {
	"auto", "dense", "csr", "nm", "block", NULL
};

/* @s when it is one of @names, else a usage error listing them. */
static int snpu_args_name(const char *cmd, const char *opt, const char *s,
			  const char *const *names, const char **v, FILE *err)
{
	for (const char *const *n = names; *n; n++) {
		if (!strcmp(*n, s)) {
			*v = *n;
			return 0;
		}
	}
	fprintf(err, "snpu %s: %s must be one of", cmd, opt);
	for (const char *const *n = names; *n; n++)
		fprintf(err, " %s", *n);
	fprintf(err, ", not '%s'\n", s);
	return SNPU_EXIT_USAGE;
}

/* A comma-separated list of @names. */
static int snpu_args_list(const char *cmd, const char *opt, const char *s,
			  const char *const *names, FILE *err)
{
	char buf[256], *tok, *save = NULL;
	const char *v;

	if (!*s || strlen(s) >= sizeof(buf)) {
		fprintf(err, "snpu %s: %s needs a comma-separated list\n", cmd,
			opt);
		return SNPU_EXIT_USAGE;
	}
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (snpu_args_name(cmd, opt, tok, names, &v, err))
			return SNPU_EXIT_USAGE;
	return 0;
}

/* NAME=S[:P] of --layer. */
static int snpu_args_layer(const char *s, FILE *err)
{
	const char *eq = strchr(s, '='), *colon;
	char num[32];
	float v;
	size_t n;

	if (!eq || eq == s)
		goto bad;
	colon = strchr(eq + 1, ':');
	n = colon ? (size_t)(colon - eq - 1) : strlen(eq + 1);
	if (!n || n >= sizeof(num))
		goto bad;
	memcpy(num, eq + 1, n);
	num[n] = 0;
	if (strcmp(num, "0") &&
	    snpu_args_float("prune", "--layer sparsity", num, 0.0f, 1.0f, &v,
			    err))
		return SNPU_EXIT_USAGE;
	if (colon) {
		const char *p;

		return snpu_args_name("prune", "--layer pattern", colon + 1,
				      snpu_pattern_names, &p, err);
	}
	return 0;
bad:
	fprintf(err, "snpu prune: --layer needs NAME=SPARSITY[:PATTERN], not '%s'\n",
		s);
	return SNPU_EXIT_USAGE;
}

/* A comma-separated list of sparsities in [0, 1). */
static int snpu_args_sweep(const char *s, FILE *err)
{
	char buf[256], *tok, *save = NULL;
	float v;

	if (!*s || strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (strcmp(tok, "0") &&
		    snpu_args_float("prune", "--sweep", tok, 0.0f, 1.0f, &v,
				    err))
			return SNPU_EXIT_USAGE;
	return 0;
bad:
	fprintf(err, "snpu prune: --sweep needs S,S,... with 0 <= S < 1\n");
	return SNPU_EXIT_USAGE;
}

/* The single MODEL operand; @what describes it. */
/* --latency-budget: cycles, or a time with us / ms. */
static int snpu_args_latency(const char *s, struct snpu_ml_args *m,
			     FILE *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v > 0) || v > 1e15)
		goto bad;
	m->latency_cycles = 0;
	m->latency_us = 0;
	if (!*end || !strcmp(end, "cycles")) {
		if (v != floor(v))
			goto bad;
		m->latency_cycles = (uint64_t)v;
	} else if (!strcmp(end, "us")) {
		m->latency_us = v;
	} else if (!strcmp(end, "ms")) {
		m->latency_us = v * 1e3;
	} else {
		goto bad;
	}
	return 0;
bad:
	fprintf(err, "snpu prune: --latency-budget '%s': want a positive number of cycles, or a time such as 250us or 1.5ms\n",
		s);
	return SNPU_EXIT_USAGE;
}

/* --size-budget: bytes, with K or M (1024-based, KiB / MiB too). */
static int snpu_args_bytes(const char *s, uint64_t *v, FILE *err)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || !n || *s == '-')
		goto bad;
	if (!strcmp(end, "K") || !strcmp(end, "KiB"))
		n <<= 10;
	else if (!strcmp(end, "M") || !strcmp(end, "MiB"))
		n <<= 20;
	else if (*end)
		goto bad;
	if (n > (1ull << 32))
		goto bad;
	*v = n;
	return 0;
bad:
	fprintf(err, "snpu prune: --size-budget '%s': want bytes from 1 to 4G, e.g. 48K\n",
		s);
	return SNPU_EXIT_USAGE;
}

/* --max-accuracy-drop: points, 0 to 100. */
static int snpu_args_drop(const char *s, double *v, FILE *err)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end || !(*v >= 0) || *v > 100) {
		fprintf(err, "snpu prune: --max-accuracy-drop '%s': want accuracy points from 0 to 100, e.g. 1.5\n",
			s);
		return SNPU_EXIT_USAGE;
	}
	return 0;
}

/* Budgets plan every layer: they need a target and leave no choice to us. */
static int snpu_args_plan_check(const struct snpu_ml_args *m, FILE *err)
{
	const char *why = NULL;

	if (!m->latency_cycles && !m->latency_us && !m->size_budget &&
	    m->max_drop < 0)
		return 0;
	if (!m->target)
		why = "budgets need --target FIRMWARE.bin: the plan is for one platform";
	else if (m->n_layers)
		why = "--layer cannot be combined with budgets: the plan chooses every layer";
	else if (strcmp(m->encoding, "auto"))
		why = "--encoding cannot be combined with budgets: the plan chooses every layer's";
	else if (strcmp(m->scope, "layer"))
		why = "budgets plan layer by layer: use --scope layer";
	else if (m->csr_fill)
		why = "--csr-fill cannot be combined with budgets";
	if (why) {
		fprintf(err, "snpu prune: %s\n", why);
		return SNPU_EXIT_USAGE;
	}
	return 0;
}

static int snpu_args_operand(const char *cmd, const char *what, int argc,
			     char **argv, struct snpu_args *a, FILE *err)
{
	if (optind == argc) {
		fprintf(err, "snpu %s: missing MODEL (%s)\nRun 'snpu %s --help' for usage.\n",
			cmd, what, cmd);
		return SNPU_EXIT_USAGE;
	}
	if (argc - optind > 1) {
		fprintf(err, "snpu %s: unexpected argument '%s'\n", cmd,
			argv[optind + 1]);
		return SNPU_EXIT_USAGE;
	}
	a->model = argv[optind];
	return 0;
}

static void snpu_args_ml_defaults(struct snpu_ml_args *m)
{
	m->data = SNPU_FMNIST_DIR;
	m->seed = 1;
	m->batch = 64;
}

int snpu_args_train(int argc, char **argv, struct snpu_args *a, FILE *out,
		    FILE *err)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "data", required_argument, NULL, SNPU_OPT_DATA },
		{ "epochs", required_argument, NULL, 'e' },
		{ "batch", required_argument, NULL, 'b' },
		{ "lr", required_argument, NULL, SNPU_OPT_LR },
		{ "optimizer", required_argument, NULL, SNPU_OPT_OPTIMIZER },
		{ "seed", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct snpu_ml_args *m = &a->ml;
	int c, ret = 0;

	snpu_args_ml_defaults(m);
	while ((c = getopt_long(argc, argv, ":a:o:e:b:s:qh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'a':
			ret = snpu_args_name("train", "--arch", optarg,
					     snpu_arch_names, &m->arch, err);
			break;
		case 'o':
			a->output = optarg;
			break;
		case SNPU_OPT_DATA:
			m->data = optarg;
			break;
		case 'e':
			ret = snpu_args_u32("train", "--epochs", optarg, 1,
					    1000, &m->epochs, err);
			break;
		case 'b':
			ret = snpu_args_u32("train", "--batch", optarg, 1,
					    4096, &m->batch, err);
			break;
		case SNPU_OPT_LR:
			ret = snpu_args_float("train", "--lr", optarg, 0.0f,
					      10.0f, &m->lr, err);
			break;
		case SNPU_OPT_OPTIMIZER:
			ret = snpu_args_name("train", "--optimizer", optarg,
					     snpu_optimizer_names,
					     &m->optimizer, err);
			break;
		case 's':
			ret = snpu_args_u32("train", "--seed", optarg, 0,
					    UINT32_MAX, &m->seed, err);
			break;
		case 'q':
			m->quiet = 1;
			break;
		case 'h':
			fputs(snpu_usage_train, out);
			a->cmd = SNPU_CMD_HELP;
			return SNPU_EXIT_OK;
		default:
			return snpu_args_bad_option("train", c, argc, argv,
						    err);
		}
		if (ret)
			return ret;
	}
	if (optind != argc) {
		fprintf(err, "snpu train: unexpected argument '%s'\n",
			argv[optind]);
		return SNPU_EXIT_USAGE;
	}
	if (!m->arch || !a->output) {
		fprintf(err, "snpu train: %s is required\nRun 'snpu train --help' for usage.\n",
			!m->arch ? "--arch lenet300|cnn" : "--output FILE.onnx");
		return SNPU_EXIT_USAGE;
	}
	a->cmd = SNPU_CMD_TRAIN;
	return SNPU_EXIT_OK;
}

int snpu_args_prune(int argc, char **argv, struct snpu_args *a, FILE *out,
		    FILE *err)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "sparsity", required_argument, NULL, 'S' },
		{ "criterion", required_argument, NULL, 'c' },
		{ "pattern", required_argument, NULL, 'p' },
		{ "scope", required_argument, NULL, SNPU_OPT_SCOPE },
		{ "layer", required_argument, NULL, SNPU_OPT_LAYER },
		{ "schedule", required_argument, NULL, SNPU_OPT_SCHEDULE },
		{ "epochs", required_argument, NULL, 'e' },
		{ "lr", required_argument, NULL, SNPU_OPT_LR },
		{ "calib", required_argument, NULL, SNPU_OPT_CALIB },
		{ "calib-method", required_argument, NULL,
		  SNPU_OPT_CALIB_METHOD },
		{ "percentile", required_argument, NULL, SNPU_OPT_PERCENTILE },
		{ "encoding", required_argument, NULL, SNPU_OPT_ENCODING },
		{ "csr-fill", no_argument, NULL, SNPU_OPT_CSR_FILL },
		{ "target", required_argument, NULL, SNPU_OPT_TARGET },
		{ "latency-budget", required_argument, NULL,
		  SNPU_OPT_LATENCY_BUDGET },
		{ "size-budget", required_argument, NULL, SNPU_OPT_SIZE_BUDGET },
		{ "max-accuracy-drop", required_argument, NULL,
		  SNPU_OPT_MAX_DROP },
		{ "val", required_argument, NULL, SNPU_OPT_VAL },
		{ "report", required_argument, NULL, SNPU_OPT_REPORT },
		{ "plot", required_argument, NULL, SNPU_OPT_PLOT },
		{ "sweep", required_argument, NULL, SNPU_OPT_SWEEP },
		{ "sweep-criteria", required_argument, NULL,
		  SNPU_OPT_SWEEP_CRITERIA },
		{ "export-onnx", required_argument, NULL,
		  SNPU_OPT_EXPORT_ONNX },
		{ "test-input", required_argument, NULL, SNPU_OPT_TEST_INPUT },
		{ "ref-output", required_argument, NULL, SNPU_OPT_REF_OUTPUT },
		{ "data", required_argument, NULL, SNPU_OPT_DATA },
		{ "limit", required_argument, NULL, SNPU_OPT_LIMIT },
		{ "seed", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct snpu_ml_args *m = &a->ml;
	int c, ret = 0;

	snpu_args_ml_defaults(m);
	m->sparsity = 0.5f;
	m->criterion = "l1";
	m->pattern = "unstructured";
	m->scope = "layer";
	m->schedule = "oneshot";
	m->epochs = 2;
	m->calib = 1024;
	m->calib_method = "minmax";
	m->encoding = "auto";
	m->sweep = "0.5,0.6,0.7,0.8,0.9";
	m->max_drop = -1;
	m->val = 2000;
	while ((c = getopt_long(argc, argv, ":o:S:c:p:e:s:qh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			a->output = optarg;
			break;
		case 'S':
			m->sparsity = 0;
			if (strcmp(optarg, "0"))
				ret = snpu_args_float("prune", "--sparsity",
						      optarg, 0.0f, 1.0f,
						      &m->sparsity, err);
			break;
		case 'c':
			ret = snpu_args_name("prune", "--criterion", optarg,
					     snpu_criterion_names,
					     &m->criterion, err);
			break;
		case 'p':
			ret = snpu_args_name("prune", "--pattern", optarg,
					     snpu_pattern_names, &m->pattern,
					     err);
			break;
		case SNPU_OPT_SCOPE:
			ret = snpu_args_name("prune", "--scope", optarg,
					     snpu_scope_names, &m->scope, err);
			break;
		case SNPU_OPT_LAYER:
			if (m->n_layers == SNPU_ARGS_MAX_LAYERS) {
				fprintf(err, "snpu prune: at most %d --layer options\n",
					SNPU_ARGS_MAX_LAYERS);
				return SNPU_EXIT_USAGE;
			}
			ret = snpu_args_layer(optarg, err);
			m->layers[m->n_layers++] = optarg;
			break;
		case SNPU_OPT_SCHEDULE:
			ret = snpu_args_name("prune", "--schedule", optarg,
					     snpu_schedule_names, &m->schedule,
					     err);
			break;
		case 'e':
			ret = snpu_args_u32("prune", "--epochs", optarg, 1,
					    1000, &m->epochs, err);
			break;
		case SNPU_OPT_LR:
			ret = snpu_args_float("prune", "--lr", optarg, 0.0f,
					      10.0f, &m->lr, err);
			break;
		case SNPU_OPT_CALIB:
			ret = snpu_args_u32("prune", "--calib", optarg, 1,
					    60000, &m->calib, err);
			break;
		case SNPU_OPT_CALIB_METHOD:
			ret = snpu_args_name("prune", "--calib-method", optarg,
					     snpu_calib_names,
					     &m->calib_method, err);
			break;
		case SNPU_OPT_PERCENTILE:
			ret = snpu_args_float("prune", "--percentile", optarg,
					      50.0f, 100.0001f, &m->percentile,
					      err);
			break;
		case SNPU_OPT_ENCODING:
			ret = snpu_args_name("prune", "--encoding", optarg,
					     snpu_encoding_names, &m->encoding,
					     err);
			break;
		case SNPU_OPT_CSR_FILL:
			m->csr_fill = 1;
			break;
		case SNPU_OPT_TARGET:
			m->target = optarg;
			break;
		case SNPU_OPT_LATENCY_BUDGET:
			ret = snpu_args_latency(optarg, m, err);
			break;
		case SNPU_OPT_SIZE_BUDGET:
			ret = snpu_args_bytes(optarg, &m->size_budget, err);
			break;
		case SNPU_OPT_MAX_DROP:
			ret = snpu_args_drop(optarg, &m->max_drop, err);
			break;
		case SNPU_OPT_VAL:
			ret = snpu_args_u32("prune", "--val", optarg, 100,
					    20000, &m->val, err);
			break;
		case SNPU_OPT_REPORT:
			m->report = optarg;
			break;
		case SNPU_OPT_PLOT:
			m->plot = optarg;
			break;
		case SNPU_OPT_SWEEP:
			if (strcmp(optarg, "none"))
				ret = snpu_args_sweep(optarg, err);
			m->sweep = strcmp(optarg, "none") ? optarg : NULL;
			break;
		case SNPU_OPT_SWEEP_CRITERIA:
			ret = snpu_args_list("prune", "--sweep-criteria",
					     optarg, snpu_criterion_names,
					     err);
			m->sweep_criteria = optarg;
			break;
		case SNPU_OPT_EXPORT_ONNX:
			m->export_onnx = optarg;
			break;
		case SNPU_OPT_TEST_INPUT:
			m->test_input = optarg;
			break;
		case SNPU_OPT_REF_OUTPUT:
			m->ref_output = optarg;
			break;
		case SNPU_OPT_DATA:
			m->data = optarg;
			break;
		case SNPU_OPT_LIMIT:
			ret = snpu_args_u32("prune", "--limit", optarg, 1,
					    10000, &m->limit, err);
			break;
		case 's':
			ret = snpu_args_u32("prune", "--seed", optarg, 0,
					    UINT32_MAX, &m->seed, err);
			break;
		case 'q':
			m->quiet = 1;
			break;
		case 'h':
			fputs(snpu_usage_prune, out);
			a->cmd = SNPU_CMD_HELP;
			return SNPU_EXIT_OK;
		default:
			return snpu_args_bad_option("prune", c, argc, argv,
						    err);
		}
		if (ret)
			return ret;
	}
	ret = snpu_args_operand("prune", "an fp32 .onnx file", argc, argv, a,
				err);
	if (ret)
		return ret;
	if (!a->output) {
		fprintf(err, "snpu prune: --output FILE.snpu is required\n");
		return SNPU_EXIT_USAGE;
	}
	if (m->ref_output && !m->test_input) {
		fprintf(err, "snpu prune: --ref-output needs --test-input\n");
		return SNPU_EXIT_USAGE;
	}
	ret = snpu_args_plan_check(m, err);
	if (ret)
		return ret;
	a->cmd = SNPU_CMD_PRUNE;
	return SNPU_EXIT_OK;
}

int snpu_args_eval(int argc, char **argv, struct snpu_args *a, FILE *out,
		   FILE *err)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, SNPU_OPT_DATA },
		{ "outputs", required_argument, NULL, SNPU_OPT_OUTPUTS },
		{ "reference", required_argument, NULL, SNPU_OPT_REFERENCE },
		{ "limit", required_argument, NULL, SNPU_OPT_LIMIT },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct snpu_ml_args *m = &a->ml;
	int c, ret = 0;

	snpu_args_ml_defaults(m);
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		switch (c) {
		case SNPU_OPT_DATA:
			m->data = optarg;
			break;
		case SNPU_OPT_OUTPUTS:
			m->outputs = optarg;
			break;
		case SNPU_OPT_REFERENCE:
			m->reference = optarg;
			break;
		case SNPU_OPT_LIMIT:
			ret = snpu_args_u32("eval", "--limit", optarg, 1,
					    10000, &m->limit, err);
			break;
		case 'j':
			a->json = 1;
			break;
		case 'h':
			fputs(snpu_usage_eval, out);
			a->cmd = SNPU_CMD_HELP;
			return SNPU_EXIT_OK;
		default:
			return snpu_args_bad_option("eval", c, argc, argv,
						    err);
		}
		if (ret)
			return ret;
	}
	ret = snpu_args_operand("eval", "an .onnx or .snpu file", argc, argv,
				a, err);
	if (ret)
		return ret;
	if (m->reference && !m->outputs) {
		fprintf(err, "snpu eval: --reference needs --outputs\n");
		return SNPU_EXIT_USAGE;
	}
	a->cmd = SNPU_CMD_EVAL;
	return SNPU_EXIT_OK;
}
