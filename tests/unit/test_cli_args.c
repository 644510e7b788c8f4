// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests of the device-free half of the snpu command line:
 * argument parsing and its exit codes (cli/snpu_args.c), and model and
 * input files (cli/snpu_io.c) — a missing or bad model, .npy and raw
 * inputs, float32 quantization, top-k. When $SNPU_CLI names the built
 * tool, the exit codes are also checked end to end by running it (none
 * of those cases needs a device).
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "npy.h"
#include "snpu_args.h"
#include "cli_parse.h"
#include "snpu_io.h"
#include "snpu_tmodel.h"

static char tmpdir[] = "/tmp/test_cli_args_XXXXXX";
static char model_path[256];
static struct snpu_tmodel tm;

/* Captured --help text and error messages of the last call. */

static void tpath(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const void *data, size_t size)
{
	assert_int_equal(0, snpu_npy_write_file(path, data, size));
}

static int group_setup(void **state)
{
	if (!mkdtemp(tmpdir))
		return -1;
	if (snpu_tmodel_build(&tm, SNPU_TMODEL_MLP, SNPU_ENC_CSR, 0, 7))
		return -1;
	tpath(model_path, sizeof(model_path), "mlp.snpu");
	return snpu_npy_write_file(model_path, tm.blob, tm.size);
}

static int group_teardown(void **state)
{
	char cmd[300];

	snpu_tmodel_free(&tm);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) ? -1 : 0;
}

static int test_teardown(void **state)
{
	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
	return 0;
}




/* ---- top level --------------------------------------------------------- */

static void snpu_args_parse_no_command_is_usage(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_USAGE,
			 parse_words(&a, (const char *const[]){ "snpu", NULL }));
	assert_err_has("Usage: snpu");
}

static void snpu_args_parse_help_lists_exit_codes(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "--help"));
	assert_int_equal(SNPU_CMD_HELP, a.cmd);
	assert_non_null(strstr(out_text, "Exit status:"));
	assert_non_null(strstr(out_text, "  3  no snpu device"));
	assert_non_null(strstr(out_text, "  4  invalid input"));
	assert_string_equal("", err_text);
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "-h"));
	assert_int_equal(SNPU_CMD_HELP, a.cmd);
}

static void snpu_args_parse_version(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "--version"));
	assert_int_equal(SNPU_CMD_VERSION, a.cmd);
}

static void snpu_args_parse_unknown_command(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "compress"));
	assert_err_has("unknown command 'compress'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "--frob"));
	assert_err_has("unknown option '--frob'");
}

static void snpu_args_parse_every_command_has_help(void **state)
{
	static const char *const cmds[] = { "info", "run", "bench", "train",
					    "prune", "eval" };
	struct snpu_args a;
	char usage[32];
	size_t i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(SNPU_EXIT_OK, PARSE(&a, cmds[i], "--help"));
		assert_int_equal(SNPU_CMD_HELP, a.cmd);
		snprintf(usage, sizeof(usage), "Usage: snpu %s", cmds[i]);
		assert_non_null(strstr(out_text, usage));
		assert_non_null(strstr(out_text, "Exit status:"));
		assert_int_equal(SNPU_EXIT_OK, PARSE(&a, cmds[i], "-h"));
	}
}

/* ---- info --------------------------------------------------------------- */

static void snpu_args_parse_info_options(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "info"));
	assert_int_equal(SNPU_CMD_INFO, a.cmd);
	assert_int_equal(0, a.json);
	assert_null(a.device);
	assert_int_equal(SNPU_EXIT_OK,
			 PARSE(&a, "info", "--json", "--device", "2"));
	assert_int_equal(1, a.json);
	assert_string_equal("2", a.device);
	assert_int_equal(SNPU_EXIT_OK,
			 PARSE(&a, "info", "-d", "/dev/dri/renderD129"));
	assert_string_equal("/dev/dri/renderD129", a.device);
}

static void snpu_args_parse_info_errors(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "info", "extra"));
	assert_err_has("unexpected argument 'extra'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "info", "--device", "gpu"));
	assert_err_has("--device needs an index or a /dev path");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "info", "--device", "-1"));
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "info", "--device"));
	assert_err_has("option '--device' needs a value");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "info", "--jsn"));
	assert_err_has("unknown option '--jsn'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "info", "-x"));
	assert_err_has("unknown option '-x'");
}

/* ---- run ---------------------------------------------------------------- */

static void snpu_args_parse_run_full(void **state)
{
	struct snpu_args a;

	/* Options after the operand too (GNU permutation). */
	assert_int_equal(SNPU_EXIT_OK,
			 PARSE(&a, "run", "-i", "a.npy", "m.snpu", "--input",
			       "b.bin", "--output", "o.npy", "--batch", "3",
			       "--top-k", "5", "--device", "1", "--counters",
			       "--input-scale", "0.5", "--input-zero-point",
			       "-3", "--output-raw"));
	assert_int_equal(SNPU_CMD_RUN, a.cmd);
	assert_string_equal("m.snpu", a.model);
	assert_int_equal(2, a.n_inputs);
	assert_string_equal("a.npy", a.inputs[0]);
	assert_string_equal("b.bin", a.inputs[1]);
	assert_string_equal("o.npy", a.output);
	assert_int_equal(1, a.output_raw);
	assert_int_equal(3, a.batch);
	assert_int_equal(5, a.top_k);
	assert_string_equal("1", a.device);
	assert_int_equal(1, a.counters);
	assert_int_equal(1, a.have_scale);
	assert_true(a.input_scale == 0.5f);
	assert_int_equal(1, a.have_zero_point);
	assert_int_equal(-3, a.input_zero_point);
}

static void snpu_args_parse_run_defaults(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "run", "m", "-i", "x"));
	assert_int_equal(0, a.batch);
	assert_int_equal(0, a.top_k);
	assert_int_equal(0, a.have_scale);
	assert_int_equal(0, a.have_zero_point);
	assert_null(a.output);
	assert_null(a.device);
}

static void snpu_args_parse_run_operands(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "run"));
	assert_err_has("missing MODEL");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "run", "-i", "x"));
	assert_err_has("missing MODEL");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "run", "m1", "m2", "-i", "x"));
	assert_err_has("unexpected argument 'm2'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "run", "m"));
	assert_err_has("no --input given");
	assert_int_equal(SNPU_EXIT_USAGE,
			 PARSE(&a, "run", "m", "-i", "x", "--output-raw"));
	assert_err_has("--output-raw needs --output");
	assert_int_equal(SNPU_EXIT_USAGE,
			 PARSE(&a, "run", "m", "-i", "x", "-o", "a", "-o", "b"));
	assert_err_has("--output given twice");
}

static void snpu_args_parse_run_numbers(void **state)
{
	static const char *const bad_batch[] = {
		"0", "-1", "abc", "1x", "", "+2", "65537", "99999999999999999999",
	};
	struct snpu_args a;
	size_t i;

	for (i = 0; i < sizeof(bad_batch) / sizeof(bad_batch[0]); i++) {
		assert_int_equal(SNPU_EXIT_USAGE,
				 PARSE(&a, "run", "m", "-i", "x", "--batch",
				       bad_batch[i]));
		assert_err_has("--batch needs an integer from 1 to 65536");
	}
	assert_int_equal(SNPU_EXIT_OK,
			 PARSE(&a, "run", "m", "-i", "x", "--batch", "65536"));
	assert_int_equal(SNPU_EXIT_USAGE,
			 PARSE(&a, "run", "m", "-i", "x", "--top-k", "0"));
	assert_err_has("--top-k needs an integer");
	assert_int_equal(SNPU_EXIT_USAGE,
			 PARSE(&a, "run", "m", "-i", "x", "--batch"));
	assert_err_has("option '--batch' needs a value");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "run", "m", "-i"));
	assert_err_has("option '-i' needs a value");
}

static void snpu_args_parse_run_quantization(void **state)
{
	static const char *const bad_scale[] = {
		"0", "-1", "nan", "inf", "abc", "", "1e100",
	};
	static const char *const bad_zp[] = { "128", "-129", "1.5", "", "z" };
	struct snpu_args a;
	size_t i;

	for (i = 0; i < sizeof(bad_scale) / sizeof(bad_scale[0]); i++) {
		assert_int_equal(SNPU_EXIT_USAGE,
				 PARSE(&a, "run", "m", "-i", "x",
				       "--input-scale", bad_scale[i]));
		assert_err_has("--input-scale needs a finite number > 0");
	}
	for (i = 0; i < sizeof(bad_zp) / sizeof(bad_zp[0]); i++) {
		assert_int_equal(SNPU_EXIT_USAGE,
				 PARSE(&a, "run", "m", "-i", "x",
				       "--input-zero-point", bad_zp[i]));
		assert_err_has("--input-zero-point needs an integer from -128 to 127");
	}
	assert_int_equal(SNPU_EXIT_OK,
			 PARSE(&a, "run", "m", "-i", "x", "--input-zero-point",
			       "-128", "--input-scale", "1e-3"));
	assert_int_equal(-128, a.input_zero_point);
}

/* ---- bench --------------------------------------------------------------- */

static void snpu_args_parse_bench_defaults(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "bench", "m.snpu"));
	assert_int_equal(SNPU_CMD_BENCH, a.cmd);
	assert_int_equal(SNPU_BENCH_DEFAULT_RUNS, a.runs);
	assert_int_equal(SNPU_BENCH_DEFAULT_WARMUP, a.warmup);
	assert_int_equal(SNPU_BENCH_DEFAULT_DEPTH, a.queue_depth);
	assert_int_equal(1, a.batch);
	assert_int_equal(0, a.json);
}

static void snpu_args_parse_bench_options(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK,
			 PARSE(&a, "bench", "--runs", "50", "--queue-depth", "4",
			       "--json", "m.snpu", "--warmup", "0", "--batch",
			       "8", "-d", "0"));
	assert_int_equal(50, a.runs);
	assert_int_equal(4, a.queue_depth);
	assert_int_equal(0, a.warmup);
	assert_int_equal(8, a.batch);
	assert_int_equal(1, a.json);
	assert_string_equal("0", a.device);
}

static void snpu_args_parse_bench_errors(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "bench"));
	assert_err_has("missing MODEL");
	assert_int_equal(SNPU_EXIT_USAGE,
			 PARSE(&a, "bench", "m", "--queue-depth", "0"));
	assert_err_has("--queue-depth needs an integer from 1 to 64");
	assert_int_equal(SNPU_EXIT_USAGE,
			 PARSE(&a, "bench", "m", "--queue-depth", "65"));
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "bench", "m", "--runs", "0"));
	assert_err_has("--runs needs an integer");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "bench", "m", "--input", "x"));
	assert_err_has("unknown option '--input'");
	/* A later parse in the same process starts afresh. */
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "bench", "m"));
}

static void snpu_args_device_index_forms(void **state)
{
	int i = -1;

	assert_int_equal(1, snpu_args_device_index("0", &i));
	assert_int_equal(0, i);
	assert_int_equal(1, snpu_args_device_index("17", &i));
	assert_int_equal(17, i);
	assert_int_equal(0, snpu_args_device_index("", &i));
	assert_int_equal(0, snpu_args_device_index("/dev/dri/renderD128", &i));
	assert_int_equal(0, snpu_args_device_index("1a", &i));
	assert_int_equal(0, snpu_args_device_index("99999999999", &i));
}

/* ---- model files --------------------------------------------------------- */

static int model_load(const char *path, struct snpu_io_model *m)
{
	size_t len;
	FILE *err;
	int ret;

	free(err_text);
	err = open_memstream(&err_text, &len);
	ret = snpu_io_model_load(path, m, err);
	fclose(err);
	return ret;
}

static void snpu_io_model_load_missing_file(void **state)
{
	struct snpu_io_model m;

	assert_int_equal(SNPU_EXIT_INPUT, model_load("/nonexistent/m.snpu", &m));
	assert_err_has("/nonexistent/m.snpu: cannot read the model: No such file or directory");
	assert_int_equal(SNPU_EXIT_INPUT, model_load(tmpdir, &m));
	assert_err_has("Is a directory");
}

static void snpu_io_model_load_invalid(void **state)
{
	struct snpu_io_model m;
	char path[256];
	uint8_t *b;

	tpath(path, sizeof(path), "empty.snpu");
	write_file(path, "", 0);
	assert_int_equal(SNPU_EXIT_INPUT, model_load(path, &m));
	assert_err_has("not a valid packed model");

	tpath(path, sizeof(path), "bad.snpu");
	b = malloc(tm.size);
	memcpy(b, tm.blob, tm.size);
	b[tm.size - 1] ^= 0x55;
	write_file(path, b, tm.size);
	assert_int_equal(SNPU_EXIT_INPUT, model_load(path, &m));
	assert_err_has("not a valid packed model: CRC-32");
	free(b);
}

static void snpu_io_model_load_newer_format(void **state)
{
	struct snpu_io_model m;
	char path[256];
	uint8_t *b;

	tpath(path, sizeof(path), "v2.snpu");
	b = malloc(tm.size);
	memcpy(b, tm.blob, tm.size);
	b[4] = SNPU_MODEL_FORMAT_MAJOR + 1;
	write_file(path, b, tm.size);
	assert_int_equal(SNPU_EXIT_INPUT, model_load(path, &m));
	assert_err_has("model format 2.0 is newer than this snpu reads (1.x)");
	free(b);
}

static void snpu_io_model_load_valid(void **state)
{
	struct snpu_io_model m;

	assert_int_equal(SNPU_EXIT_OK, model_load(model_path, &m));
	assert_int_equal(tm.in_bytes, m.in_bytes);
	assert_int_equal(tm.out_bytes, m.out_bytes);
	assert_int_equal(tm.size, m.size);
	assert_true(m.in_scale > 0.0f);
	assert_true(m.nonzero <= m.weights);
	assert_true(m.n_layers > 0);
	snpu_io_model_free(&m);
}

/* ---- inputs -------------------------------------------------------------- */

static int inputs_load(struct snpu_args *a, int8_t **data, uint32_t *batch)
{
	struct snpu_io_model m;
	size_t len;
	FILE *err;
	int ret;

	assert_int_equal(SNPU_EXIT_OK, model_load(model_path, &m));
	free(err_text);
	err = open_memstream(&err_text, &len);
	*data = NULL;
	ret = snpu_io_inputs_load(a, &m, data, batch, err);
	fclose(err);
	snpu_io_model_free(&m);
	return ret;
}

static void save_npy(const char *name, char *path, enum snpu_npy_dtype dt,
		     unsigned int ndim, const uint64_t *shape, const void *d)
{
	tpath(path, 256, name);
	assert_int_equal(0, snpu_npy_save(path, dt, ndim, shape, d));
}

static void snpu_io_inputs_load_npy_batch(void **state)
{
	struct snpu_args a = { 0 };
	char p1[256], p2[256];
	uint64_t s1[] = { 3, tm.in_bytes }, s2[] = { tm.in_bytes };
	int8_t *in, *data;
	uint32_t batch, i;

	in = malloc(4 * tm.in_bytes);
	for (i = 0; i < 4 * tm.in_bytes; i++)
		in[i] = (int8_t)(i * 7);
	save_npy("b3.npy", p1, SNPU_NPY_I1, 2, s1, in);
	save_npy("b1.npy", p2, SNPU_NPY_I1, 1, s2, in + 3 * tm.in_bytes);
	a.inputs[0] = p1;
	a.inputs[1] = p2;
	a.n_inputs = 2;
	assert_int_equal(SNPU_EXIT_OK, inputs_load(&a, &data, &batch));
	assert_int_equal(4, batch);
	assert_memory_equal(in, data, 4 * tm.in_bytes);
	free(data);

	a.batch = 4;
	assert_int_equal(SNPU_EXIT_OK, inputs_load(&a, &data, &batch));
	free(data);
	a.batch = 5;
	assert_int_equal(SNPU_EXIT_INPUT, inputs_load(&a, &data, &batch));
	assert_err_has("--batch 5, but the inputs hold 4 samples");
	free(in);
}

static void snpu_io_inputs_load_npy_3d_sample(void **state)
{
	struct snpu_args a = { 0 };
	uint64_t shape[] = { 2, 2, tm.in_bytes / 2 };
	char p[256];
	int8_t *in, *data;
	uint32_t batch;

	in = calloc(2, tm.in_bytes);
	save_npy("b3d.npy", p, SNPU_NPY_I1, 3, shape, in);
	a.inputs[0] = p;
	a.n_inputs = 1;
	assert_int_equal(SNPU_EXIT_OK, inputs_load(&a, &data, &batch));
	assert_int_equal(2, batch);
	free(data);
	free(in);
}

static void snpu_io_inputs_load_npy_wrong_shape(void **state)
{
	struct snpu_args a = { 0 };
	uint64_t shape[] = { 2, tm.in_bytes + 1 };
	char p[256];
	int8_t *in, *data;
	uint32_t batch;

	in = calloc(2, tm.in_bytes + 1);
	save_npy("wrong.npy", p, SNPU_NPY_I1, 2, shape, in);
	a.inputs[0] = p;
	a.n_inputs = 1;
	assert_int_equal(SNPU_EXIT_INPUT, inputs_load(&a, &data, &batch));
	assert_err_has("shape (2, 97) does not hold samples of 96 elements");
	free(in);
}

static void snpu_io_inputs_load_refuses_uint8(void **state)
{
	struct snpu_args a = { 0 };
	uint64_t shape[] = { 1, tm.in_bytes };
	char p[256];
	uint8_t *in;
	int8_t *data;
	uint32_t batch;

	in = calloc(1, tm.in_bytes);
	save_npy("u8.npy", p, SNPU_NPY_U1, 2, shape, in);
	a.inputs[0] = p;
	a.n_inputs = 1;
	assert_int_equal(SNPU_EXIT_INPUT, inputs_load(&a, &data, &batch));
	assert_err_has("uint8 input is not supported");
	free(in);
}

static void snpu_io_inputs_load_bad_npy(void **state)
{
	struct snpu_args a = { 0 };
	char p[256];
	int8_t *data;
	uint32_t batch;

	tpath(p, sizeof(p), "bad.npy");
	write_file(p, "\x93NUMPY\x01\x00\x04\x00{}\n\n", 14);
	a.inputs[0] = p;
	a.n_inputs = 1;
	assert_int_equal(SNPU_EXIT_INPUT, inputs_load(&a, &data, &batch));
	assert_err_has("invalid .npy file: header lacks descr");
	a.inputs[0] = "/nonexistent.npy";
	assert_int_equal(SNPU_EXIT_INPUT, inputs_load(&a, &data, &batch));
	assert_err_has("/nonexistent.npy: cannot read the input");
}

static void snpu_io_inputs_load_raw(void **state)
{
	struct snpu_args a = { 0 };
	char p[256];
	int8_t *in, *data;
	uint32_t batch;

	in = calloc(3, tm.in_bytes);
	in[5] = 9;
	tpath(p, sizeof(p), "in.raw");
	write_file(p, in, 3 * tm.in_bytes);
	a.inputs[0] = p;
	a.n_inputs = 1;
	assert_int_equal(SNPU_EXIT_OK, inputs_load(&a, &data, &batch));
	assert_int_equal(3, batch);
	assert_memory_equal(in, data, 3 * tm.in_bytes);
	free(data);

	write_file(p, in, 3 * tm.in_bytes - 1);
	assert_int_equal(SNPU_EXIT_INPUT, inputs_load(&a, &data, &batch));
	assert_err_has("raw input of 287 bytes is not a whole number of samples of 96 bytes");
	write_file(p, in, 0);
	assert_int_equal(SNPU_EXIT_INPUT, inputs_load(&a, &data, &batch));
	free(in);
}

static void snpu_io_inputs_load_float32(void **state)
{
	struct snpu_args a = { 0 };
	uint64_t shape[] = { 1, tm.in_bytes };
	char p[256];
	float *in;
	int8_t *data;
	uint32_t batch, i;

	in = calloc(tm.in_bytes, sizeof(*in));
	for (i = 0; i < tm.in_bytes; i++)
		in[i] = (float)i - 48.0f;
	in[1] = -1000.0f;
	save_npy("f.npy", p, SNPU_NPY_F4, 2, shape, in);
	a.inputs[0] = p;
	a.n_inputs = 1;
	a.have_scale = 1;
	a.input_scale = 0.5f;
	a.have_zero_point = 1;
	a.input_zero_point = 10;
	assert_int_equal(SNPU_EXIT_OK, inputs_load(&a, &data, &batch));
	assert_int_equal(1, batch);
	for (i = 0; i < tm.in_bytes; i++)
		assert_int_equal(snpu_io_quantize(in[i], 0.5f, 10), data[i]);
	assert_int_equal(-86, data[0]);		/* -48 / 0.5 + 10 */
	assert_int_equal(-128, data[1]);	/* clamped */
	assert_int_equal(104, data[95]);	/* 47 / 0.5 + 10 */
	free(data);

	/* Without options: the model input's own scale and zero point. */
	a.have_scale = a.have_zero_point = 0;
	assert_int_equal(SNPU_EXIT_OK, inputs_load(&a, &data, &batch));
	free(data);

	in[3] = NAN;
	save_npy("nan.npy", p, SNPU_NPY_F4, 2, shape, in);
	assert_int_equal(SNPU_EXIT_INPUT, inputs_load(&a, &data, &batch));
	assert_err_has("element 3 is NaN");
	free(in);
}

static void snpu_io_quantize_rounds_and_clamps(void **state)
{
	assert_int_equal(0, snpu_io_quantize(0.0f, 1.0f, 0));
	assert_int_equal(1, snpu_io_quantize(0.5f, 1.0f, 0));
	assert_int_equal(-1, snpu_io_quantize(-0.5f, 1.0f, 0));
	assert_int_equal(3, snpu_io_quantize(1.4f, 0.5f, 0));
	assert_int_equal(-128, snpu_io_quantize(-1e30f, 1.0f, 0));
	assert_int_equal(127, snpu_io_quantize(INFINITY, 1.0f, 0));
	assert_int_equal(-28, snpu_io_quantize(0.0f, 0.1f, -28));
}

/* ---- outputs ------------------------------------------------------------- */

static void snpu_io_top_k_orders_and_breaks_ties(void **state)
{
	const int8_t v[] = { 5, -3, 9, 9, 0, 127, -128 };
	uint32_t idx[7];

	assert_int_equal(3, snpu_io_top_k(v, 7, 3, idx));
	assert_int_equal(5, idx[0]);
	assert_int_equal(2, idx[1]);
	assert_int_equal(3, idx[2]);
	assert_int_equal(7, snpu_io_top_k(v, 7, 100, idx));
	assert_int_equal(6, idx[6]);
	assert_int_equal(0, snpu_io_top_k(v, 7, 0, idx));
}

static void snpu_io_top_k_print_format(void **state)
{
	const int8_t v[] = { 1, 7, -2, 7, 0, 0, -9, 100 };
	size_t len;
	char *text;
	FILE *f;

	f = open_memstream(&text, &len);
	snpu_io_top_k_print(f, v, 2, 4, 2);
	fclose(f);
	assert_string_equal("sample 0: 1:7 3:7\nsample 1: 3:100 0:0\n", text);
	free(text);
}

static void snpu_io_output_write_npy_and_raw(void **state)
{
	const int8_t out[6] = { -1, 2, -3, 4, -5, 6 };
	struct snpu_npy_array arr;
	char p[256];
	size_t size;
	void *buf;
	FILE *null;

	tpath(p, sizeof(p), "out.npy");
	assert_int_equal(SNPU_EXIT_OK, snpu_io_output_write(p, 0, out, 2, 3,
							    stderr));
	assert_int_equal(0, snpu_npy_read_file(p, 4096, &buf, &size));
	assert_int_equal(0, snpu_npy_parse(buf, size, &arr));
	assert_int_equal(SNPU_NPY_I1, arr.dtype);
	assert_int_equal(2, arr.ndim);
	assert_int_equal(2, arr.shape[0]);
	assert_int_equal(3, arr.shape[1]);
	assert_memory_equal(out, arr.data, 6);
	free(buf);

	tpath(p, sizeof(p), "out.raw");
	assert_int_equal(SNPU_EXIT_OK, snpu_io_output_write(p, 1, out, 2, 3,
							    stderr));
	assert_int_equal(0, snpu_npy_read_file(p, 4096, &buf, &size));
	assert_int_equal(6, size);
	assert_memory_equal(out, buf, 6);
	free(buf);
	null = fopen("/dev/null", "w");
	assert_int_equal(SNPU_EXIT_FAIL,
			 snpu_io_output_write("/nonexistent/o.npy", 0, out, 2,
					      3, null));
	fclose(null);
}

/* ---- train, prune, eval -------------------------------------------------- */

static void snpu_args_parse_train_needs_arch_and_output(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "train", "-o", "m.onnx"));
	assert_err_has("--arch lenet300|cnn is required");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "train", "--arch", "cnn"));
	assert_err_has("--output FILE.onnx is required");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "train", "--arch", "vgg",
						"-o", "m.onnx"));
	assert_err_has("--arch must be one of lenet300 cnn, not 'vgg'");
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "train", "--arch", "cnn", "-o",
					     "m.onnx", "--epochs", "3", "--lr",
					     "0.01", "--optimizer", "sgd",
					     "--seed", "7"));
	assert_int_equal(SNPU_CMD_TRAIN, a.cmd);
	assert_string_equal("cnn", a.ml.arch);
	assert_int_equal(3, a.ml.epochs);
	assert_true(a.ml.lr == 0.01f);
	assert_string_equal("sgd", a.ml.optimizer);
	assert_int_equal(7, a.ml.seed);
	assert_string_equal("/usr/share/datasets/fashion-mnist", a.ml.data);
}

static void snpu_args_parse_prune_defaults_and_options(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "prune", "m.onnx", "-o",
					     "m.snpu"));
	assert_int_equal(SNPU_CMD_PRUNE, a.cmd);
	assert_string_equal("m.onnx", a.model);
	assert_true(a.ml.sparsity == 0.5f);
	assert_string_equal("l1", a.ml.criterion);
	assert_string_equal("unstructured", a.ml.pattern);
	assert_string_equal("oneshot", a.ml.schedule);
	assert_string_equal("auto", a.ml.encoding);
	assert_int_equal(1024, a.ml.calib);
	assert_int_equal(0, a.ml.csr_fill);
	assert_int_equal(SNPU_EXIT_OK,
			 PARSE(&a, "prune", "m.onnx", "-o", "m.snpu", "-S",
			       "0.9", "-c", "sparsegpt", "-p", "2:4", "--layer",
			       "fc3=0.5", "--layer", "conv1=0", "--csr-fill",
			       "--sweep", "none", "--sweep-criteria",
			       "l1,wanda", "--calib-method", "percentile"));
	assert_true(a.ml.sparsity == 0.9f);
	assert_string_equal("sparsegpt", a.ml.criterion);
	assert_string_equal("2:4", a.ml.pattern);
	assert_int_equal(2, a.ml.n_layers);
	assert_string_equal("conv1=0", a.ml.layers[1]);
	assert_int_equal(1, a.ml.csr_fill);
	assert_null(a.ml.sweep);
	assert_string_equal("l1,wanda", a.ml.sweep_criteria);
	assert_string_equal("percentile", a.ml.calib_method);
}

static void snpu_args_parse_prune_errors(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx"));
	assert_err_has("--output FILE.snpu is required");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "-o", "m.snpu"));
	assert_err_has("missing MODEL (an fp32 .onnx file)");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "-S", "1"));
	assert_err_has("--sparsity needs a number above 0 and below 1, not '1'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "-c", "random"));
	assert_err_has("--criterion must be one of");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "-p", "3:4"));
	assert_err_has("not '3:4'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--layer", "fc1"));
	assert_err_has("--layer needs NAME=SPARSITY[:PATTERN], not 'fc1'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--layer", "fc1=0.5:4:4"));
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--sweep", "0.5,1.5"));
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--sweep-criteria",
						"l1,bogus"));
	assert_err_has("not 'bogus'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--ref-output", "r.npy"));
	assert_err_has("--ref-output needs --test-input");
}

static void snpu_args_parse_prune_budgets(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "prune", "m.onnx", "-o", "x",
					     "--target", "t.bin",
					     "--latency-budget", "36750",
					     "--size-budget", "48K",
					     "--max-accuracy-drop", "1.5",
					     "--val", "500"));
	assert_int_equal(36750, a.ml.latency_cycles);
	assert_true(a.ml.latency_us == 0);
	assert_int_equal(48 * 1024, a.ml.size_budget);
	assert_true(a.ml.max_drop == 1.5);
	assert_int_equal(500, a.ml.val);
	/* times convert at the target's clock later */
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "prune", "m.onnx", "-o", "x",
					     "--target", "t.bin",
					     "--latency-budget", "1.5ms"));
	assert_true(a.ml.latency_us == 1500 && !a.ml.latency_cycles);
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "prune", "m.onnx", "-o", "x",
					     "--target", "t.bin",
					     "--latency-budget", "250us",
					     "--size-budget", "2M"));
	assert_true(a.ml.latency_us == 250);
	assert_int_equal(2 << 20, a.ml.size_budget);
	/* without budgets: none */
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "prune", "m.onnx", "-o", "x"));
	assert_true(a.ml.max_drop < 0 && !a.ml.size_budget &&
		    !a.ml.latency_cycles && a.ml.val == 2000);

	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--target", "t.bin",
						"--latency-budget", "2s"));
	assert_err_has("--latency-budget '2s': want a positive number of cycles");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--target", "t.bin",
						"--latency-budget", "-5"));
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--target", "t.bin",
						"--latency-budget", "10.5"));
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--target", "t.bin",
						"--size-budget", "12G"));
	assert_err_has("--size-budget '12G'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--target", "t.bin",
						"--max-accuracy-drop", "-1"));
	assert_err_has("--max-accuracy-drop '-1'");
	/* budgets plan every layer: no target, no overrides */
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--latency-budget", "100"));
	assert_err_has("budgets need --target FIRMWARE.bin");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--target", "t.bin",
						"--max-accuracy-drop", "1",
						"--layer", "fc1=0.5"));
	assert_err_has("--layer cannot be combined with budgets");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--target", "t.bin",
						"--size-budget", "1K",
						"--encoding", "csr"));
	assert_err_has("--encoding cannot be combined with budgets");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "prune", "m.onnx", "-o",
						"x", "--target", "t.bin",
						"--size-budget", "1K",
						"--scope", "global"));
	assert_err_has("use --scope layer");
}

static void snpu_args_parse_eval(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "eval", "m.snpu", "--outputs",
					     "o.npy", "--reference", "r.npy",
					     "--limit", "100", "--json"));
	assert_int_equal(SNPU_CMD_EVAL, a.cmd);
	assert_string_equal("o.npy", a.ml.outputs);
	assert_int_equal(100, a.ml.limit);
	assert_int_equal(1, a.json);
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "eval", "m.snpu",
						"--reference", "r.npy"));
	assert_err_has("--reference needs --outputs");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "eval"));
	assert_err_has("missing MODEL");
}

/* ---- the built tool, when $SNPU_CLI names it ------------------------------ */

/* A whole text file, NUL-terminated (the caller frees it). */
static char *slurp(const char *path)
{
	size_t size;
	void *buf;
	char *text;

	assert_int_equal(0, snpu_npy_read_file(path, 1 << 20, &buf, &size));
	text = realloc(buf, size + 1);
	assert_non_null(text);
	text[size] = '\0';
	return text;
}

/* Run the tool with @args; its stderr into err_text. Exit status. */
static int run_cli(const char *const *args)
{
	const char *cli = getenv("SNPU_CLI");
	char errfile[300], *argv[32];
	pid_t pid;
	int i, status;

	tpath(errfile, sizeof(errfile), "stderr.txt");
	argv[0] = (char *)cli;
	for (i = 0; args[i]; i++) {
		assert_true(i < 30);
		argv[i + 1] = (char *)args[i];
	}
	argv[i + 1] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		if (!freopen(errfile, "w", stderr) ||
		    !freopen("/dev/null", "w", stdout))
			_exit(126);
		execv(cli, argv);
		_exit(127);
	}
	assert_int_equal(pid, waitpid(pid, &status, 0));
	assert_true(WIFEXITED(status));
	free(err_text);
	err_text = slurp(errfile);
	return WEXITSTATUS(status);
}

#define RUN_CLI(...) run_cli((const char *const[]){ __VA_ARGS__, NULL })

static void snpu_cli_exit_codes_without_device(void **state)
{
	char bad[256];

	if (!getenv("SNPU_CLI") || access(getenv("SNPU_CLI"), X_OK)) {
		print_message("SNPU_CLI not set: the tool itself is not run\n");
		skip();
	}
	assert_int_equal(0, RUN_CLI("--help"));
	assert_int_equal(0, RUN_CLI("--version"));
	assert_int_equal(2, RUN_CLI("bogus"));
	assert_int_equal(2, RUN_CLI("run", "--top-k", "0", "m", "-i", "x"));
	assert_int_equal(4, RUN_CLI("run", "/nonexistent/model.snpu", "--input", "x.npy"));
	assert_err_has("snpu: /nonexistent/model.snpu: cannot read the model: No such file or directory");
	/* A good model with a bad input fails before any device is needed. */
	tpath(bad, sizeof(bad), "bad-input.raw");
	write_file(bad, "abc", 3);
	assert_int_equal(4, RUN_CLI("run", model_path, "--input", bad));
	assert_err_has("raw input of 3 bytes");
	/* The host commands: bad files and a missing dataset are exit 4. */
	assert_int_equal(4, RUN_CLI("eval", "/nonexistent/m.onnx", "--limit",
				    "10"));
	assert_err_has("/nonexistent/m.onnx");
	assert_int_equal(4, RUN_CLI("eval", bad, "--data", "/nonexistent"));
	assert_err_has("/nonexistent");
	assert_err_has("dataset-fashion-mnist");
	assert_int_equal(4, RUN_CLI("prune", bad, "-o", "x.snpu"));
	assert_int_equal(4, RUN_CLI("eval", model_path, "--limit", "10",
				    "--outputs", bad));
	assert_err_has(bad);
}

/* The firmware images firmware_gen/fwgen.mk builds (tests run from the top). */
#define TINY_FW "build/firmware/snpu/edge-tiny.bin"

/* snpu train, then prune with explicit encodings and channel removal. */
static void snpu_cli_prune_encodings_and_channels(void **state)
{
	char onnx[256], out[256];

	if (!getenv("SNPU_CLI") || access(getenv("SNPU_CLI"), X_OK)) {
		print_message("SNPU_CLI not set: the tool itself is not run\n");
		skip();
	}
	if (access("/usr/share/datasets/fashion-mnist", R_OK)) {
		print_message("dataset-fashion-mnist not installed (make deps)\n");
		skip();
	}
	tpath(onnx, sizeof(onnx), "lenet.onnx");
	tpath(out, sizeof(out), "lenet.snpu");
	assert_int_equal(0, RUN_CLI("train", "--arch", "lenet300", "--epochs",
				    "1", "--batch", "256", "-o", onnx, "-q"));
	/* 2:4 zeros packed as N:M on request */
	assert_int_equal(0, RUN_CLI("prune", onnx, "-o", out, "-p", "2:4",
				    "--encoding", "nm", "--limit", "100",
				    "--calib", "64", "--sweep", "none", "-q"));
	/* unstructured zeros do not fit N:M: a clear error, no file */
	unlink(out);
	assert_int_equal(1, RUN_CLI("prune", onnx, "-o", out, "-S", "0.5",
				    "--encoding", "nm", "--limit", "100",
				    "--calib", "64", "--sweep", "none", "-q"));
	assert_err_has("N:M 2:4 keeps at most 2");
	assert_int_not_equal(0, access(out, F_OK));
	/* --target: only the platform's encodings; cycles from its cost table */
	{
		char rep[256], *json;

		tpath(rep, sizeof(rep), "report.json");
		assert_int_equal(0, RUN_CLI("prune", onnx, "-o", out, "-S", "0.8",
					    "--target", TINY_FW, "--report", rep,
					    "--limit", "100", "--calib", "64",
					    "--sweep", "none", "-q"));
		json = slurp(rep);
		/* edge-tiny has no CSR: unstructured zeros stay dense, no faster */
		assert_non_null(strstr(json, "\"target\": \"edge-tiny\""));
		assert_null(strstr(json, "\"encoding\": \"csr\""));
		assert_non_null(strstr(json, "\"encoding\": \"dense\""));
		free(json);
		assert_int_equal(0, RUN_CLI("prune", onnx, "-o", out, "-p", "2:4",
					    "--target", TINY_FW, "--report", rep,
					    "--limit", "100", "--calib", "64",
					    "--sweep", "none", "-q"));
		json = slurp(rep);
		/* 2:4 is what edge-tiny runs sparse */
		assert_non_null(strstr(json, "\"encoding\": \"nm 2:4\""));
		assert_non_null(strstr(json, "\"pruned_cycles\": "));
		free(json);
		unlink(rep);
		tpath(rep, sizeof(rep), "bogus.bin");
		write_file(rep, "not a firmware image", 20);
		assert_int_equal(4, RUN_CLI("prune", onnx, "-o", out, "--target",
					    rep, "--limit", "100", "--sweep",
					    "none", "-q"));
		unlink(rep);
		assert_err_has("not a valid snpu firmware image");
	}
	/* channel removal leaves the classifier's outputs alone */
	assert_int_equal(0, RUN_CLI("prune", onnx, "-o", out, "-p", "channel",
				    "-c", "entropy", "-S", "0.3", "--limit",
				    "100", "--calib", "64", "--sweep", "none",
				    "-q"));
	unlink(onnx);
	unlink(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(snpu_args_parse_no_command_is_usage, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_help_lists_exit_codes, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_version, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_unknown_command, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_every_command_has_help, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_info_options, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_info_errors, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_run_full, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_run_defaults, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_run_operands, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_run_numbers, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_run_quantization, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_bench_defaults, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_bench_options, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_bench_errors, test_teardown),
		cmocka_unit_test(snpu_args_device_index_forms),
		cmocka_unit_test_teardown(snpu_args_parse_train_needs_arch_and_output, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_prune_defaults_and_options, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_prune_errors, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_prune_budgets, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_eval, test_teardown),
		cmocka_unit_test_teardown(snpu_cli_prune_encodings_and_channels, test_teardown),
		cmocka_unit_test_teardown(snpu_io_model_load_missing_file, test_teardown),
		cmocka_unit_test_teardown(snpu_io_model_load_invalid, test_teardown),
		cmocka_unit_test_teardown(snpu_io_model_load_newer_format, test_teardown),
		cmocka_unit_test_teardown(snpu_io_model_load_valid, test_teardown),
		cmocka_unit_test_teardown(snpu_io_inputs_load_npy_batch, test_teardown),
		cmocka_unit_test_teardown(snpu_io_inputs_load_npy_3d_sample, test_teardown),
		cmocka_unit_test_teardown(snpu_io_inputs_load_npy_wrong_shape, test_teardown),
		cmocka_unit_test_teardown(snpu_io_inputs_load_refuses_uint8, test_teardown),
		cmocka_unit_test_teardown(snpu_io_inputs_load_bad_npy, test_teardown),
		cmocka_unit_test_teardown(snpu_io_inputs_load_raw, test_teardown),
		cmocka_unit_test_teardown(snpu_io_inputs_load_float32, test_teardown),
		cmocka_unit_test(snpu_io_quantize_rounds_and_clamps),
		cmocka_unit_test(snpu_io_top_k_orders_and_breaks_ties),
		cmocka_unit_test(snpu_io_top_k_print_format),
		cmocka_unit_test(snpu_io_output_write_npy_and_raw),
		cmocka_unit_test_teardown(snpu_cli_exit_codes_without_device, test_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
