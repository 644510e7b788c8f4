// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * ONNX backend conformance of the pruner's importer (pruner/snpu_onnx.c)
 * and fp32 executor (pruner/snpu_exec.c), on Debian's libonnx-testdata.
 *
 *   onnx_conformance [-v] DIR...
 *
 * Every DIR/test_* folder holds model.onnx and test_data_set_N folders with
 * input_N.pb and output_N.pb (serialized TensorProtos). For each data
 * set the model is imported, planned for its declared shapes, fed the
 * inputs and run; every output must match elementwise within
 * |got - want| <= 1e-4 * |want| + 1e-5, with the same shape.
 *
 * The graph IR wants some operands constant that backend tests feed as
 * inputs: int64 tensors (Reshape shapes), Clip bounds and the
 * BatchNormalization statistics. Those inputs are turned into
 * initializers holding the data set's values before the model is
 * imported, which is what a deployed model would have.
 *
 * A model the importer refuses with -EOPNOTSUPP (an op, type or attribute
 * value it does not implement) counts as unsupported; the reason is
 * printed when every op of the model is one the IR has (so an
 * unsupported type or attribute stands out), or always with -v. Any
 * other failure is a failed test. The last lines are
 * "onnx conformance: P passed, F failed, U unsupported (of T)" and the
 * cmocka-style "[  PASSED  ] P tests." or "[  FAILED  ] F tests." that
 * tests/summarize.sh counts; the exit status is 1 when a test failed.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "onnx.pb-c.h"
#include "snpu_exec.h"
#include "snpu_graph.h"
#include "snpu_onnx.h"

#define SNPU_CONF_RTOL	1e-4
#define SNPU_CONF_ATOL	1e-5
#define SNPU_CONF_MSG	512

enum snpu_conf_result {
	SNPU_CONF_PASS,
	SNPU_CONF_FAIL,
	SNPU_CONF_UNSUPPORTED,
};

static bool snpu_conf_verbose;

static void snpu_conf_msg(char *msg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void snpu_conf_msg(char *msg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, SNPU_CONF_MSG, fmt, ap);
	va_end(ap);
}

static void snpu_conf_path(char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Paths are built in PATH_MAX buffers; the test data's are far shorter. */
static void snpu_conf_path(char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, PATH_MAX, fmt, ap);
	va_end(ap);
}

static int snpu_conf_read(const char *path, uint8_t **buf, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long len;
	int ret = -EIO;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END))
		goto out;
	len = ftell(f);
	if (len < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	*buf = malloc(len ? (size_t)len : 1);
	if (!*buf) {
		ret = -ENOMEM;
		goto out;
	}
	if (fread(*buf, 1, (size_t)len, f) != (size_t)len) {
		free(*buf);
		goto out;
	}
	*size = (size_t)len;
	ret = 0;
out:
	fclose(f);
	return ret;
}

static bool snpu_conf_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

static int snpu_conf_select_test(const struct dirent *d)
{
	return !strncmp(d->d_name, "test_", 5);
}

static int snpu_conf_select_set(const struct dirent *d)
{
	return !strncmp(d->d_name, "test_data_set_", 14);
}

static bool snpu_conf_is_init(const Onnx__GraphProto *gp, const char *name)
{
	size_t i;

	for (i = 0; i < gp->n_initializer; i++)
		if (gp->initializer[i]->name &&
		    !strcmp(gp->initializer[i]->name, name))
			return true;
	return false;
}

/*
 * True when a Clip (bounds) or BatchNormalization (statistics) reads
 * @name as an operand the IR wants constant.
 */
static bool snpu_conf_wants_const(const Onnx__GraphProto *gp,
				  const char *name)
{
	size_t i, j;

	for (i = 0; i < gp->n_node; i++) {
		const Onnx__NodeProto *nd = gp->node[i];
		const char *op = nd->op_type ? nd->op_type : "";

		if (strcmp(op, "Clip") && strcmp(op, "BatchNormalization"))
			continue;
		for (j = 1; j < nd->n_input; j++)
			if (nd->input[j] && !strcmp(nd->input[j], name))
				return true;
	}
	return false;
}

/* Every op of the model is one the graph IR has. */
static bool snpu_conf_ops_known(const Onnx__GraphProto *gp)
{
	size_t i;

	for (i = 0; i < gp->n_node; i++)
		if (snpu_gop_from_name(gp->node[i]->op_type ?
				       gp->node[i]->op_type : "") < 0)
			return false;
	return true;
}

/*
 * The graph inputs a data set feeds (those that are not initializers),
 * in order: input_N.pb is the N-th of them.
 */
static size_t snpu_conf_fed_inputs(const Onnx__GraphProto *gp,
				   const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < gp->n_input; i++) {
		const char *name = gp->input[i]->name ? gp->input[i]->name : "";

		if (snpu_conf_is_init(gp, name))
			continue;
		if (n < max)
			names[n] = name;
		n++;
	}
	return n;
}

/* Compare one output; on mismatch describe the worst element. */
static bool snpu_conf_compare(const float *got, const float *want,
			      int64_t numel, char *msg, const char *what)
{
	double max_err = 0, worst = 0;
	int64_t i, at = -1;

	for (i = 0; i < numel; i++) {
		double g = got[i], w = want[i], e, ratio;

		if (isnan(w) && isnan(g))
			continue;
		if (isinf(w) && g == w)
			continue;
		e = isnan(g) || isnan(w) ? INFINITY : fabs(g - w);
		if (e > max_err)
			max_err = e;
		ratio = e / (SNPU_CONF_RTOL * fabs(w) + SNPU_CONF_ATOL);
		if (ratio > 1 && (at < 0 || ratio > worst)) {
			worst = ratio;
			at = i;
		}
	}
	if (at < 0)
		return true;
	snpu_conf_msg(msg,
		      "%s: max |got - want| = %.3g; worst element %lld: got %.9g, want %.9g",
		      what, max_err, (long long)at, (double)got[at],
		      (double)want[at]);
	return false;
}

static void snpu_conf_dims_str(char *s, size_t n, uint32_t ndim,
			       const int64_t *dims)
{
	size_t off = 0;
	uint32_t k;

	off += (size_t)snprintf(s, n, "[");
	for (k = 0; k < ndim && off < n; k++)
		off += (size_t)snprintf(s + off, n - off, "%s%lld",
					k ? ", " : "", (long long)dims[k]);
	if (off < n)
		snprintf(s + off, n - off, "]");
}

/*
 * Run a graph on one data set and compare its outputs. @fed[k] names the
 * graph input that input_k.pb feeds ("" when it became a constant).
 */
static enum snpu_conf_result
snpu_conf_execute(const struct snpu_graph *g, const char *set,
		  const char *const *fed, size_t n_fed, char *msg)
{
	enum snpu_conf_result res = SNPU_CONF_FAIL;
	int64_t dims[SNPU_GRAPH_MAX_DIMS], xdims[SNPU_GRAPH_MAX_DIMS];
	char err[256], path[PATH_MAX], a[128], b[128];
	struct snpu_exec *x = NULL;
	enum snpu_dtype dt;
	uint32_t i, ndim, xndim;
	void *data = NULL;
	size_t k;
	int ret;

	ret = snpu_exec_create(g, 0, 0, &x, err, sizeof(err));
	if (ret) {
		snpu_conf_msg(msg, "snpu_exec_create: %s (%d)", err, ret);
		return SNPU_CONF_FAIL;
	}
	for (i = 0; i < g->n_inputs; i++) {
		const struct snpu_gtensor *t = &g->tensors[g->inputs[i]];
		int64_t numel = 1;

		for (k = 0; k < n_fed && strcmp(fed[k], t->name); k++)
			;
		if (k == n_fed) {
			snpu_conf_msg(msg, "graph input '%s' is not fed",
				      t->name);
			goto out;
		}
		snpu_conf_path(path, "%s/input_%zu.pb", set, k);
		ret = snpu_onnx_read_tensor(path, &dt, &ndim, dims, &data,
					    err, sizeof(err));
		if (ret) {
			snpu_conf_msg(msg, "%s", err);
			goto out;
		}
		xndim = snpu_exec_dims(x, g->inputs[i], xdims);
		if (dt != SNPU_DT_FLOAT || ndim != xndim ||
		    memcmp(dims, xdims, sizeof(*dims) * ndim)) {
			snpu_conf_dims_str(a, sizeof(a), ndim, dims);
			snpu_conf_dims_str(b, sizeof(b), xndim, xdims);
			snpu_conf_msg(msg, "input '%s': file has %s, plan has %s",
				      t->name, a, b);
			goto out;
		}
		for (k = 0; k < ndim; k++)
			numel *= dims[k];
		memcpy(snpu_exec_value(x, g->inputs[i]), data,
		       sizeof(float) * (size_t)numel);
		free(data);
		data = NULL;
	}
	ret = snpu_exec_forward(x);
	if (ret) {
		snpu_conf_msg(msg, "snpu_exec_forward failed (%d)", ret);
		goto out;
	}
	for (i = 0; i < g->n_outputs; i++) {
		const struct snpu_gtensor *t = &g->tensors[g->outputs[i]];
		char what[160];
		int64_t numel = 1;

		snpu_conf_path(path, "%s/output_%u.pb", set, i);
		ret = snpu_onnx_read_tensor(path, &dt, &ndim, dims, &data,
					    err, sizeof(err));
		if (ret) {
			snpu_conf_msg(msg, "%s", err);
			goto out;
		}
		xndim = snpu_exec_dims(x, g->outputs[i], xdims);
		if (dt != SNPU_DT_FLOAT || ndim != xndim ||
		    memcmp(dims, xdims, sizeof(*dims) * ndim)) {
			snpu_conf_dims_str(a, sizeof(a), xndim, xdims);
			snpu_conf_dims_str(b, sizeof(b), ndim, dims);
			snpu_conf_msg(msg, "output %u '%s': shape %s, want %s",
				      i, t->name, a, b);
			goto out;
		}
		for (k = 0; k < ndim; k++)
			numel *= dims[k];
		snprintf(what, sizeof(what), "output %u '%s'", i, t->name);
		if (!snpu_conf_compare(snpu_exec_value(x, g->outputs[i]), data,
				       numel, msg, what))
			goto out;
		free(data);
		data = NULL;
	}
	res = SNPU_CONF_PASS;
out:
	free(data);
	snpu_exec_destroy(x);
	return res;
}

/*
 * One data set: make the inputs the IR wants constant initializers,
 * import, run, compare.
 */
static enum snpu_conf_result
snpu_conf_data_set(Onnx__ModelProto *m, const char *set, char *msg)
{
	Onnx__GraphProto *gp = m->graph;
	Onnx__TensorProto *consts[64], **inits = NULL, **saved;
	size_t n_names, n_consts = 0, i, n_saved, size;
	enum snpu_conf_result res = SNPU_CONF_FAIL;
	const char *names[64], *fed[64];
	struct snpu_graph *g = NULL;
	char path[PATH_MAX], err[256];
	uint8_t *buf = NULL;
	int ret;

	n_names = snpu_conf_fed_inputs(gp, names, 64);
	if (n_names > 64) {
		snpu_conf_msg(msg, "%zu inputs", n_names);
		return SNPU_CONF_FAIL;
	}
	for (i = 0; i < n_names; i++) {
		Onnx__TensorProto *tp;

		snpu_conf_path(path, "%s/input_%zu.pb", set, i);
		ret = snpu_conf_read(path, &buf, &size);
		if (ret) {
			snpu_conf_msg(msg, "%s: %s", path, strerror(-ret));
			goto out;
		}
		tp = onnx__tensor_proto__unpack(NULL, size, buf);
		free(buf);
		buf = NULL;
		if (!tp) {
			snpu_conf_msg(msg, "%s: not a TensorProto", path);
			goto out;
		}
		/* fed[i] is "" for an input that becomes a constant. */
		fed[i] = names[i];
		if ((tp->has_data_type &&
		     tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64) ||
		    snpu_conf_wants_const(gp, names[i])) {
			free(tp->name);
			tp->name = strdup(names[i]);
			if (!tp->name) {
				onnx__tensor_proto__free_unpacked(tp, NULL);
				snpu_conf_msg(msg, "out of memory");
				goto out;
			}
			consts[n_consts++] = tp;
			fed[i] = "";
		} else {
			onnx__tensor_proto__free_unpacked(tp, NULL);
		}
	}
	snpu_conf_path(path, "%s/input_%zu.pb", set, n_names);
	if (snpu_conf_exists(path)) {
		snpu_conf_msg(msg, "%s has more inputs than the model", set);
		goto out;
	}

	/* Pack the model with the constants appended, then restore it. */
	n_saved = gp->n_initializer;
	saved = gp->initializer;
	inits = malloc(sizeof(*inits) * (n_saved + n_consts + 1));
	if (!inits) {
		snpu_conf_msg(msg, "out of memory");
		goto out;
	}
	if (n_saved)
		memcpy(inits, saved, sizeof(*inits) * n_saved);
	if (n_consts)
		memcpy(inits + n_saved, consts, sizeof(*inits) * n_consts);
	gp->initializer = inits;
	gp->n_initializer = n_saved + n_consts;
	size = onnx__model_proto__get_packed_size(m);
	buf = malloc(size ? size : 1);
	if (buf)
		onnx__model_proto__pack(m, buf);
	gp->initializer = saved;
	gp->n_initializer = n_saved;
	if (!buf) {
		snpu_conf_msg(msg, "out of memory");
		goto out;
	}

	ret = snpu_onnx_import(buf, size, &g, err, sizeof(err));
	if (ret == -EOPNOTSUPP) {
		snpu_conf_msg(msg, "%s", err);
		res = SNPU_CONF_UNSUPPORTED;
		goto out;
	}
	if (ret) {
		snpu_conf_msg(msg, "import: %s (%d)", err, ret);
		goto out;
	}
	res = snpu_conf_execute(g, set, fed, n_names, msg);
out:
	for (i = 0; i < n_consts; i++)
		onnx__tensor_proto__free_unpacked(consts[i], NULL);
	free(inits);
	free(buf);
	snpu_graph_free(g);
	return res;
}

static enum snpu_conf_result snpu_conf_test(const char *dir, char *msg,
					    bool *ops_known)
{
	enum snpu_conf_result res = SNPU_CONF_PASS, r;
	struct dirent **sets = NULL;
	char path[PATH_MAX];
	Onnx__ModelProto *m;
	uint8_t *buf;
	size_t size;
	int n, i, ret;

	*ops_known = false;
	snpu_conf_path(path, "%s/model.onnx", dir);
	ret = snpu_conf_read(path, &buf, &size);
	if (ret) {
		snpu_conf_msg(msg, "%s: %s", path, strerror(-ret));
		return SNPU_CONF_FAIL;
	}
	m = onnx__model_proto__unpack(NULL, size, buf);
	free(buf);
	if (!m || !m->graph) {
		snpu_conf_msg(msg, "%s: not an ONNX model", path);
		if (m)
			onnx__model_proto__free_unpacked(m, NULL);
		return SNPU_CONF_FAIL;
	}
	*ops_known = snpu_conf_ops_known(m->graph);
	n = scandir(dir, &sets, snpu_conf_select_set, alphasort);
	if (n <= 0) {
		snpu_conf_msg(msg, "%s: no test_data_set_*", dir);
		res = SNPU_CONF_FAIL;
	}
	for (i = 0; i < n; i++) {
		if (res == SNPU_CONF_PASS) {
			snpu_conf_path(path, "%s/%s", dir, sets[i]->d_name);
			r = snpu_conf_data_set(m, path, msg);
			if (r != SNPU_CONF_PASS)
				res = r;
		}
		free(sets[i]);
	}
	free(sets);
	onnx__model_proto__free_unpacked(m, NULL);
	return res;
}

int main(int argc, char **argv)
{
	unsigned int pass = 0, fail = 0, unsup = 0, total = 0;
	char msg[SNPU_CONF_MSG], dir[PATH_MAX];
	int a, i, n;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "-v")) {
			fprintf(stderr, "usage: %s [-v] DIR...\n", argv[0]);
			return 2;
		}
		snpu_conf_verbose = true;
	}
	if (a == argc) {
		fprintf(stderr, "usage: %s [-v] DIR...\n", argv[0]);
		return 2;
	}
	printf("onnx conformance: an output passes when |got - want| <= %g * |want| + %g for every element, with the same shape\n",
	       SNPU_CONF_RTOL, SNPU_CONF_ATOL);
	for (; a < argc; a++) {
		const char *base = strrchr(argv[a], '/');
		struct dirent **tests;

		base = base && base[1] ? base + 1 : argv[a];
		n = scandir(argv[a], &tests, snpu_conf_select_test, alphasort);
		if (n < 0) {
			printf("FAIL %s: cannot list: %s\n", argv[a],
			       strerror(errno));
			fail++;
			total++;
			continue;
		}
		for (i = 0; i < n; i++) {
			enum snpu_conf_result r;
			bool ops_known;

			snpu_conf_path(dir, "%s/%s", argv[a], tests[i]->d_name);
			msg[0] = 0;
			r = snpu_conf_test(dir, msg, &ops_known);
			total++;
			if (r == SNPU_CONF_PASS) {
				pass++;
				if (snpu_conf_verbose)
					printf("PASS %s/%s\n", base,
					       tests[i]->d_name);
			} else if (r == SNPU_CONF_FAIL) {
				fail++;
				printf("FAIL %s/%s: %s\n", base,
				       tests[i]->d_name, msg);
			} else {
				unsup++;
				if (ops_known || snpu_conf_verbose)
					printf("UNSUPPORTED %s/%s: %s\n", base,
					       tests[i]->d_name, msg);
			}
			free(tests[i]);
		}
		free(tests);
	}
	printf("onnx conformance: %u passed, %u failed, %u unsupported (of %u)\n",
	       pass, fail, unsup, total);
	if (fail)
		printf("[  FAILED  ] %u tests.\n", fail);
	else
		printf("[  PASSED  ] %u tests.\n", pass);
	return fail ? 1 : 0;
}
