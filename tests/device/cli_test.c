// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The snpu command line against the real module, run as a user would run
 * it: fork/exec of the built tool ($SNPU_CLI, else build/bin/snpu), its
 * stdout, stderr and exit status checked. snpu run must produce exactly
 * the independent int8 reference's output; info and bench JSON must be
 * valid JSON with the right content; the exit codes of docs/cli.md hold.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "npy.h"
#include "snpu_dev.h"
#include "snpu_ref.h"
#include "snpu_test.h"
#include "snpu_tmodel.h"

#define CLI_OUT_MAX	(1 << 20)
#define MODEL_PATH	"/tmp/cli_test_model.snpu"
#define BATCH		5

static const char *cli_path(void)
{
	const char *cli = getenv("SNPU_CLI");

	return cli && *cli ? cli : "build/bin/snpu";
}

/* What one run of the tool printed and returned. */
struct cli_result {
	int status;		/* exit status, or -1 when it did not exit */
	char *out;		/* stdout, NUL-terminated */
	char *err;		/* stderr, NUL-terminated */
};

static char *read_text(const char *path)
{
	size_t size;
	void *buf;
	char *s;

	if (snpu_npy_read_file(path, CLI_OUT_MAX, &buf, &size))
		return strdup("");
	s = realloc(buf, size + 1);
	if (!s) {
		free(buf);
		return strdup("");
	}
	s[size] = '\0';
	return s;
}

/* Run @prog with @args (NULL-terminated). 0, or -errno to start it. */
static int prog_run(struct cli_result *r, const char *prog,
		    const char *const *args)
{
	char out[] = "/tmp/cli_test_out_XXXXXX", err[] = "/tmp/cli_test_err_XXXXXX";
	const char *argv[32];
	int fo, fe, i, status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	argv[0] = prog;
	for (i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	fo = mkstemp(out);
	fe = mkstemp(err);
	if (fo < 0 || fe < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(fo, 1);
		dup2(fe, 2);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fo);
	close(fe);
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	r->out = read_text(out);
	r->err = read_text(err);
	unlink(out);
	unlink(err);
	return 0;
}

/* Run the tool with @args (NULL-terminated). */
static int cli_run(struct cli_result *r, const char *const *args)
{
	return prog_run(r, cli_path(), args);
}

static void cli_result_free(struct cli_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

#define CLI(r, ...) cli_run(r, (const char *const[]){ __VA_ARGS__, NULL })

/* ---- a tiny JSON checker (RFC 8259 grammar, no semantics) ------------- */

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *json_number(const char *p)
{
	const char *s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		s = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == s)
			return NULL;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		s = p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == s)
			return NULL;
	}
	return p;
}

static const char *json_list(const char *p, int depth, char close, int obj)
{
	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (obj) {
			p = json_string(json_ws(p));
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(p, depth + 1);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = json_ws(p);
	switch (*p) {
	case '{':
		return json_list(p, depth, '}', 1);
	case '[':
		return json_list(p, depth, ']', 0);
	case '"':
		return json_string(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return json_number(p);
	}
}

static int json_valid(const char *text)
{
	const char *end = json_value(text, 0);

	return end && !*json_ws(end);
}

/* The number after "key": in @json, or -1e300 when absent. */
static double json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(json, pat);
	return p ? strtod(p + strlen(pat), NULL) : -1e300;
}

/* python3 -m json.tool on @text, when python3 is there: 1 ok, 0 bad, -1 n/a. */
static int json_python_ok(const char *text)
{
	char path[] = "/tmp/cli_test_json_XXXXXX", cmd[128];
	int fd, ret;

	if (access("/usr/bin/python3", X_OK))
		return -1;
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null", path);
	ret = system(cmd);
	unlink(path);
	return ret == 0;
}

/* ---- several platforms --------------------------------------------------- */

FIXTURE(cli_platforms) {
	int n;
	char nodes[SNPU_DEV_MAX_NODES][64];
};

FIXTURE_SETUP(cli_platforms)
{
	ASSERT_EQ(0, access(cli_path(), X_OK)) {
		TH_LOG("%s: not built (make)", cli_path());
	}
	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load("emulate=3 emulate_fw=snpu/edge-tiny.bin,snpu/edge-mid.bin,snpu/edge-max.bin"));
	self->n = snpu_find_nodes(self->nodes, SNPU_DEV_MAX_NODES);
	ASSERT_EQ(3, self->n);
}

FIXTURE_TEARDOWN(cli_platforms)
{
	EXPECT_EQ(0, snpu_module_unload());
}

/* The platform name of @node through the raw uAPI. */
static void node_platform(const char *node, char name[33])
{
	uint64_t chunk;
	int fd, i;

	memset(name, 0, 33);
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < 4; i++) {
		if (__snpu_get_param(fd, DRM_SNPU_PARAM_PLATFORM_NAME, i, &chunk))
			break;
		memcpy(name + 8 * i, &chunk, 8);
	}
	close(fd);
}

TEST_F(cli_platforms, info_json_lists_every_platform)
{
	static const char *const platforms[] = {
		"edge-tiny", "edge-mid", "edge-max",
	};
	struct cli_result r;
	char want[128], name[33];
	const char *p;
	int i, count = 0;

	ASSERT_EQ(0, CLI(&r, "info", "--json"));
	EXPECT_EQ(0, r.status) {
		TH_LOG("stderr: %s", r.err);
	}
	EXPECT_TRUE(json_valid(r.out)) {
		TH_LOG("invalid JSON: %s", r.out);
	}
	EXPECT_NE(0, json_python_ok(r.out));
	for (p = r.out; (p = strstr(p, "\"node\": ")); p++)
		count++;
	EXPECT_EQ(3, count);
	for (i = 0; i < 3; i++) {
		snprintf(want, sizeof(want), "\"platform\": \"%s\"", platforms[i]);
		EXPECT_NE(NULL, strstr(r.out, want)) {
			TH_LOG("no %s in %s", want, r.out);
		}
		/* Each node is listed with the platform its firmware gives. */
		node_platform(self->nodes[i], name);
		snprintf(want, sizeof(want),
			 "{\"node\": \"%s\", \"platform\": \"%s\"",
			 self->nodes[i], name);
		EXPECT_NE(NULL, strstr(r.out, want)) {
			TH_LOG("no %s in %s", want, r.out);
		}
	}
	EXPECT_NE(NULL, strstr(r.out, "\"emulated\": true"));
	EXPECT_NE(NULL, strstr(r.out, "\"encodings\": [\"dense\""));
	cli_result_free(&r);
}

TEST_F(cli_platforms, info_text_and_device_selection)
{
	struct cli_result r;
	char name[33], want[96];

	ASSERT_EQ(0, CLI(&r, "info"));
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "emulated device\n  platform     edge-"));
	EXPECT_NE(NULL, strstr(r.out, "  ops          fc,conv2d"));
	cli_result_free(&r);

	node_platform(self->nodes[2], name);
	ASSERT_EQ(0, CLI(&r, "info", "--json", "--device", self->nodes[2]));
	EXPECT_EQ(0, r.status);
	EXPECT_TRUE(json_valid(r.out));
	snprintf(want, sizeof(want), "\"platform\": \"%s\"", name);
	EXPECT_NE(NULL, strstr(r.out, want));
	EXPECT_EQ(NULL, strstr(r.out, "},"));
	cli_result_free(&r);

	ASSERT_EQ(0, CLI(&r, "info", "--device", "1"));
	EXPECT_EQ(0, r.status);
	cli_result_free(&r);

	ASSERT_EQ(0, CLI(&r, "info", "--device", "7"));
	EXPECT_EQ(3, r.status);
	EXPECT_NE(NULL, strstr(r.err, "no device 7: found 3 snpu devices")) {
		TH_LOG("stderr: %s", r.err);
	}
	cli_result_free(&r);

	ASSERT_EQ(0, CLI(&r, "info", "--device", "/dev/dri/renderD191"));
	EXPECT_EQ(3, r.status);
	cli_result_free(&r);
}

/* ---- run and bench on one device ----------------------------------------- */

FIXTURE(cli) {
	struct snpu_tmodel tm;
	int8_t *in;
	int8_t *expect;
	char in_npy[64], in_raw[64], out_npy[64];
};

FIXTURE_SETUP(cli)
{
	pid_t pid = getpid();

	ASSERT_EQ(0, access(cli_path(), X_OK));
	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load(NULL));
	ASSERT_EQ(0, snpu_tmodel_build(&self->tm, SNPU_TMODEL_CNN,
				       SNPU_ENC_CSR, 0, 23));
	ASSERT_EQ(0, snpu_npy_write_file(MODEL_PATH, self->tm.blob,
					 self->tm.size));
	self->in = malloc((size_t)BATCH * self->tm.in_bytes);
	self->expect = malloc((size_t)BATCH * self->tm.out_bytes);
	ASSERT_NE(NULL, self->in);
	ASSERT_NE(NULL, self->expect);
	snpu_tmodel_input(&self->tm, self->in, BATCH, 99);
	ASSERT_EQ(0, snpu_ref_run(&self->tm.pm, self->in, self->expect, BATCH));

	snprintf(self->in_npy, sizeof(self->in_npy), "/tmp/cli_in_%d.npy", pid);
	snprintf(self->in_raw, sizeof(self->in_raw), "/tmp/cli_in_%d.raw", pid);
	snprintf(self->out_npy, sizeof(self->out_npy), "/tmp/cli_out_%d.npy", pid);
	{
		uint64_t shape[2] = { BATCH, self->tm.in_bytes };

		ASSERT_EQ(0, snpu_npy_save(self->in_npy, SNPU_NPY_I1, 2, shape,
					   self->in));
	}
	ASSERT_EQ(0, snpu_npy_write_file(self->in_raw, self->in,
					 (size_t)BATCH * self->tm.in_bytes));
}

FIXTURE_TEARDOWN(cli)
{
	unlink(self->in_npy);
	unlink(self->in_raw);
	unlink(self->out_npy);
	unlink(MODEL_PATH);
	free(self->in);
	free(self->expect);
	snpu_tmodel_free(&self->tm);
	EXPECT_EQ(0, snpu_module_unload());
}

TEST_F(cli, run_npy_output_equals_reference)
{
	struct snpu_npy_array a;
	struct cli_result r;
	size_t size, i;
	void *buf;

	ASSERT_EQ(0, CLI(&r, "run", MODEL_PATH, "--input", self->in_npy,
			 "--output", self->out_npy));
	ASSERT_EQ(0, r.status) {
		TH_LOG("stderr: %s", r.err);
	}
	cli_result_free(&r);
	ASSERT_EQ(0, snpu_npy_read_file(self->out_npy, 1 << 24, &buf, &size));
	ASSERT_EQ(0, snpu_npy_parse(buf, size, &a));
	EXPECT_EQ(SNPU_NPY_I1, a.dtype);
	ASSERT_EQ(2, a.ndim);
	EXPECT_EQ(BATCH, a.shape[0]);
	EXPECT_EQ(self->tm.out_bytes, a.shape[1]);
	ASSERT_EQ((size_t)BATCH * self->tm.out_bytes, a.data_bytes);
	for (i = 0; i < a.data_bytes; i++) {
		EXPECT_EQ(self->expect[i], ((const int8_t *)a.data)[i]) {
			TH_LOG("byte %zu (sample %zu)", i, i / self->tm.out_bytes);
			break;
		}
	}
	free(buf);
}

TEST_F(cli, run_raw_input_and_raw_output)
{
	struct cli_result r;
	size_t size;
	void *buf;

	ASSERT_EQ(0, CLI(&r, "run", MODEL_PATH, "--input", self->in_raw,
			 "--batch", "5", "--output", self->out_npy,
			 "--output-raw"));
	ASSERT_EQ(0, r.status) {
		TH_LOG("stderr: %s", r.err);
	}
	cli_result_free(&r);
	ASSERT_EQ(0, snpu_npy_read_file(self->out_npy, 1 << 24, &buf, &size));
	ASSERT_EQ((size_t)BATCH * self->tm.out_bytes, size);
	EXPECT_EQ(0, memcmp(self->expect, buf, size));
	free(buf);
}

/* 150 samples on edge-mid (max batch 64): three jobs, one output. */
TEST_F(cli, run_batch_over_max_batch_is_split)
{
	const uint32_t batch = 150;
	uint64_t shape[2] = { batch, self->tm.in_bytes };
	struct snpu_npy_array a;
	struct cli_result r;
	int8_t *in, *expect;
	size_t size;
	void *buf;

	in = malloc((size_t)batch * self->tm.in_bytes);
	expect = malloc((size_t)batch * self->tm.out_bytes);
	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, expect);
	snpu_tmodel_input(&self->tm, in, batch, 7);
	ASSERT_EQ(0, snpu_ref_run(&self->tm.pm, in, expect, batch));
	ASSERT_EQ(0, snpu_npy_save(self->in_npy, SNPU_NPY_I1, 2, shape, in));

	ASSERT_EQ(0, CLI(&r, "run", MODEL_PATH, "--input", self->in_npy,
			 "--output", self->out_npy));
	ASSERT_EQ(0, r.status) {
		TH_LOG("stderr: %s", r.err);
	}
	cli_result_free(&r);
	ASSERT_EQ(0, snpu_npy_read_file(self->out_npy, 1 << 24, &buf, &size));
	ASSERT_EQ(0, snpu_npy_parse(buf, size, &a));
	EXPECT_EQ(batch, a.shape[0]);
	ASSERT_EQ((size_t)batch * self->tm.out_bytes, a.data_bytes);
	EXPECT_EQ(0, memcmp(expect, a.data, a.data_bytes));
	free(buf);
	free(in);
	free(expect);
}

TEST_F(cli, run_top_k_prints_each_sample)
{
	struct cli_result r;
	char line[128];
	uint32_t s, j, k, idx[3];

	ASSERT_EQ(0, CLI(&r, "run", MODEL_PATH, "--input", self->in_npy,
			 "--top-k", "3"));
	ASSERT_EQ(0, r.status) {
		TH_LOG("stderr: %s", r.err);
	}
	for (s = 0; s < BATCH; s++) {
		const int8_t *v = self->expect + (size_t)s * self->tm.out_bytes;
		char taken[256] = { 0 };

		ASSERT_GE(sizeof(taken), self->tm.out_bytes);
		/* Top 3 of the reference, ties to the lower index. */
		for (j = 0; j < 3; j++) {
			idx[j] = UINT32_MAX;
			for (k = 0; k < self->tm.out_bytes; k++)
				if (!taken[k] && (idx[j] == UINT32_MAX ||
						  v[k] > v[idx[j]]))
					idx[j] = k;
			taken[idx[j]] = 1;
		}
		snprintf(line, sizeof(line), "sample %u: %u:%d %u:%d %u:%d\n",
			 s, idx[0], v[idx[0]], idx[1], v[idx[1]], idx[2],
			 v[idx[2]]);
		EXPECT_NE(NULL, strstr(r.out, line)) {
			TH_LOG("want '%s' in '%s'", line, r.out);
		}
	}
	cli_result_free(&r);
}

TEST_F(cli, run_counters_are_printed)
{
	struct cli_result r;
	const char *p;

	ASSERT_EQ(0, CLI(&r, "run", MODEL_PATH, "-i", self->in_npy,
			 "--counters"));
	ASSERT_EQ(0, r.status);
	p = strstr(r.out, "cycles ");
	ASSERT_NE(NULL, p);
	EXPECT_LT(0, strtoll(p + 7, NULL, 10));
	p = strstr(r.out, "macs_skipped_weight ");
	ASSERT_NE(NULL, p);
	EXPECT_LT(0, strtoll(p + 20, NULL, 10));
	EXPECT_NE(NULL, strstr(r.out, "bytes_read"));
	cli_result_free(&r);
}

TEST_F_TIMEOUT(cli, bench_json_reports_latency_and_throughput, 300)
{
	struct cli_result r;
	double p50, p99;

	ASSERT_EQ(0, CLI(&r, "bench", MODEL_PATH, "--runs", "50",
			 "--queue-depth", "4", "--json"));
	ASSERT_EQ(0, r.status) {
		TH_LOG("stderr: %s", r.err);
	}
	ASSERT_TRUE(json_valid(r.out)) {
		TH_LOG("invalid JSON: %s", r.out);
	}
	EXPECT_NE(0, json_python_ok(r.out));
	p50 = json_num(r.out, "p50");
	p99 = json_num(r.out, "p99");
	EXPECT_TRUE(p50 > 0 && p50 <= p99) {
		TH_LOG("p50 %f p99 %f", p50, p99);
	}
	EXPECT_TRUE(json_num(r.out, "throughput_samples_per_s") > 0);
	EXPECT_TRUE(json_num(r.out, "cycles_per_inference") > 0);
	EXPECT_TRUE(json_num(r.out, "modeled_latency_ms") > 0);
	EXPECT_EQ(50, json_num(r.out, "runs"));
	EXPECT_EQ(4, json_num(r.out, "queue_depth"));
	cli_result_free(&r);
}

TEST_F(cli, run_newer_model_format_exits_4)
{
	char path[] = "/tmp/cli_test_v2_XXXXXX";
	struct cli_result r;
	uint8_t *b;
	int fd;

	b = malloc(self->tm.size);
	ASSERT_NE(NULL, b);
	memcpy(b, self->tm.blob, self->tm.size);
	/* format_major (bytes 4-5) is outside the CRC. */
	b[4] = SNPU_MODEL_FORMAT_MAJOR + 1;
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, snpu_npy_write_file(path, b, self->tm.size));
	free(b);

	ASSERT_EQ(0, CLI(&r, "run", path, "--input", self->in_npy));
	unlink(path);
	EXPECT_EQ(4, r.status);
	EXPECT_NE(NULL, strstr(r.err, "is newer than this snpu reads")) {
		TH_LOG("stderr: %s", r.err);
	}
	cli_result_free(&r);
}

TEST_F(cli, run_wrong_input_size_exits_4)
{
	struct cli_result r;

	ASSERT_EQ(0, CLI(&r, "run", MODEL_PATH, "--input", self->in_npy,
			 "--batch", "4"));
	EXPECT_EQ(4, r.status);
	EXPECT_NE(NULL, strstr(r.err, "--batch 4, but the inputs hold 5 samples"));
	cli_result_free(&r);

	ASSERT_EQ(0, CLI(&r, "run", MODEL_PATH, "--input", MODEL_PATH));
	EXPECT_EQ(4, r.status);
	EXPECT_NE(NULL, strstr(r.err, "raw input of"));
	cli_result_free(&r);
}

/* ---- no driver ----------------------------------------------------------- */

TEST(no_module_info_exits_3)
{
	struct cli_result r;

	ASSERT_EQ(0, access(cli_path(), X_OK));
	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, CLI(&r, "info"));
	EXPECT_EQ(3, r.status);
	EXPECT_NE(NULL, strstr(r.err, "no snpu device found: load the driver (modprobe snpu)")) {
		TH_LOG("stderr: %s", r.err);
	}
	cli_result_free(&r);

	ASSERT_EQ(0, CLI(&r, "info", "--json"));
	EXPECT_EQ(3, r.status);
	EXPECT_TRUE(json_valid(r.out));
	cli_result_free(&r);
}

TEST(no_module_bench_exits_3)
{
	struct snpu_tmodel tm;
	struct cli_result r;

	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_tmodel_build(&tm, SNPU_TMODEL_MLP, SNPU_ENC_DENSE,
				       0, 1));
	ASSERT_EQ(0, snpu_npy_write_file(MODEL_PATH, tm.blob, tm.size));
	snpu_tmodel_free(&tm);
	ASSERT_EQ(0, CLI(&r, "bench", MODEL_PATH, "--runs", "2"));
	unlink(MODEL_PATH);
	EXPECT_EQ(3, r.status);
	cli_result_free(&r);
}

/* ---- a pruned Fashion-MNIST model (make check trains it on the host) ---- */

/*
 * tests/device/device.mk makes FMNIST_DIR/model.snpu: LeNet-300-100
 * trained one epoch and pruned to 90 % with snpu train / snpu prune,
 * with the first FMNIST_IMAGES test images quantized (test.npy), the
 * independent int8 reference's outputs for them (ref.npy) and the host
 * int8 engine's accuracy on them (host.json).
 */
#define FMNIST_DIR	"build/tests/data/fmnist"
#define FMNIST_IMAGES	"2000"
#define FMNIST_OUT	"/tmp/cli_test_fmnist_device.npy"

FIXTURE(cli_pruned) {
	char host_acc[32];
};

/* The "accuracy": value of a one-line JSON object, as text. */
static void json_accuracy(const char *json, char *buf, size_t size)
{
	const char *p = strstr(json, "\"accuracy\": ");

	snprintf(buf, size, "%.8s", p ? p + 12 : "none");
}

FIXTURE_SETUP(cli_pruned)
{
	char *host;

	ASSERT_EQ(0, access(FMNIST_DIR "/model.snpu", R_OK)) {
		TH_LOG("%s/model.snpu: not built (make check builds it)",
		       FMNIST_DIR);
	}
	host = read_text(FMNIST_DIR "/host.json");
	json_accuracy(host, self->host_acc, sizeof(self->host_acc));
	free(host);
	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load("emulate=1 emulate_fw=snpu/edge-max.bin"));
}

FIXTURE_TEARDOWN(cli_pruned)
{
	unlink(FMNIST_OUT);
	EXPECT_EQ(0, snpu_module_unload());
}

/* Every output of the device equals the independent int8 reference's. */
TEST_F(cli_pruned, device_outputs_equal_int8_reference)
{
	char acc[32];
	struct cli_result r;

	ASSERT_EQ(0, CLI(&r, "run", FMNIST_DIR "/model.snpu", "--input",
			 FMNIST_DIR "/test.npy", "--output", FMNIST_OUT));
	ASSERT_EQ(0, r.status) {
		TH_LOG("snpu run: %s", r.err);
	}
	cli_result_free(&r);
	ASSERT_EQ(0, CLI(&r, "eval", FMNIST_DIR "/model.snpu", "--outputs",
			 FMNIST_OUT, "--reference", FMNIST_DIR "/ref.npy",
			 "--limit", FMNIST_IMAGES, "--json"));
	EXPECT_EQ(0, r.status) {
		TH_LOG("snpu eval: %s%s", r.out, r.err);
	}
	EXPECT_NE(NULL, strstr(r.out, "\"matches_reference\": " FMNIST_IMAGES "}")) {
		TH_LOG("%s", r.out);
	}
	/* the device's accuracy is the host int8 engine's */
	json_accuracy(r.out, acc, sizeof(acc));
	EXPECT_STREQ(self->host_acc, acc);
	cli_result_free(&r);
}

/* The libaccel example classifies as well as the host int8 engine. */
TEST_F(cli_pruned, fmnist_example_matches_host_accuracy)
{
	const char *prog = "build/bin/fmnist_classify";
	struct cli_result r;
	char want[64];

	ASSERT_EQ(0, access(prog, X_OK));
	ASSERT_EQ(0, prog_run(&r, prog, (const char *const[]){
		FMNIST_DIR "/model.snpu", "/usr/share/datasets/fashion-mnist",
		FMNIST_IMAGES, NULL }));
	EXPECT_EQ(0, r.status) {
		TH_LOG("%s: %s", prog, r.err);
	}
	/* "accuracy 81.25 % on 2000 images" from host.json's 0.812500 */
	snprintf(want, sizeof(want), "accuracy %.2f %% on " FMNIST_IMAGES " images",
		 100 * strtod(self->host_acc, NULL));
	EXPECT_NE(NULL, strstr(r.out, want)) {
		TH_LOG("want '%s' in: %s", want, r.out);
	}
	EXPECT_NE(NULL, strstr(r.out, "image 0: "));
	cli_result_free(&r);
}

TEST_HARNESS_MAIN
