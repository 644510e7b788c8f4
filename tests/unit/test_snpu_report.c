// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * cmocka tests of pruning reports (pruner/snpu_report.c): totals, the
 * JSON a script reads (parsed back by Python's json module when
 * /usr/bin/python3 is there) and the SVG plot (parsed as XML).
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "snpu_report.h"

static void fill(struct snpu_report *r)
{
	struct snpu_report_layer l;

	snpu_report_init(r);
	snprintf(r->model, sizeof(r->model), "lenet \"300\"\\100.onnx");
	snprintf(r->method, sizeof(r->method), "magnitude, unstructured");
	memset(&l, 0, sizeof(l));
	snprintf(l.name, sizeof(l.name), "fc1");
	snprintf(l.op, sizeof(l.op), "fc");
	snprintf(l.encoding, sizeof(l.encoding), "csr");
	snprintf(l.why, sizeof(l.why), "smallest <of> the encodings & fits");
	l.rows = 300;
	l.k = 784;
	l.weights = 300 * 784;
	l.nonzero = 23520;
	l.fp32_bytes = 4 * (300 * 784 + 300);
	l.value_bytes = 24000;
	l.index_bytes = 13204;
	l.param_bytes = 3600;
	assert_int_equal(snpu_report_add_layer(r, &l), 0);
	snprintf(l.name, sizeof(l.name), "fc2");
	l.rows = 10;
	l.k = 300;
	l.weights = 3000;
	l.nonzero = 3000;
	l.fp32_bytes = 4 * 3010;
	l.value_bytes = 3000;
	l.index_bytes = 0;
	l.param_bytes = 120;
	assert_int_equal(snpu_report_add_layer(r, &l), 0);
	r->total_bytes = 24000 + 13204 + 3600 + 3000 + 120 + 600;
	r->test_images = 10000;
	r->dense_fp32_accuracy = 0.8912;
	r->pruned_int8_accuracy = 0.8850;
	assert_int_equal(snpu_report_add_point(r, "magnitude", 0.5, 0.88), 0);
	assert_int_equal(snpu_report_add_point(r, "magnitude", 0.9, 0.80), 0);
	assert_int_equal(snpu_report_add_point(r, "wanda", 0.5, 0.885), 0);
}

static void snpu_report_totals_sum_layers(void **state)
{
	struct snpu_report r;
	struct snpu_report_totals t;

	fill(&r);
	snpu_report_totals(&r, &t);
	assert_int_equal(t.weights, 300 * 784 + 3000);
	assert_int_equal(t.nonzero, 23520 + 3000);
	assert_true(fabs(t.sparsity - (1 - 26520.0 / 238200.0)) < 1e-12);
	assert_int_equal(t.fp32_bytes, 4 * (300 * 784 + 300) + 4 * 3010);
	assert_int_equal(t.index_bytes, 13204);
	assert_int_equal(t.packed_bytes, r.total_bytes);
	assert_true(fabs(t.compression -
			 (double)t.fp32_bytes / r.total_bytes) < 1e-12);
	snpu_report_release(&r);
}

/* Write with @fn into a temp file; return its path (caller unlinks). */
static char *write_tmp(struct snpu_report *r, int svg)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/snpu-report-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	if (svg)
		assert_int_equal(snpu_report_write_svg(r, "a & b", f), 0);
	else
		assert_int_equal(snpu_report_write_json(r, f), 0);
	assert_int_equal(fclose(f), 0);
	return path;
}

static int python_ok(const char *script, const char *path)
{
	char cmd[1024];

	if (access("/usr/bin/python3", X_OK))
		return -1;
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c '%s' %s", script,
		 path);
	return system(cmd) == 0;
}

static void snpu_report_write_json_parses_with_keys(void **state)
{
	struct snpu_report r;
	char *path;
	int ok;

	fill(&r);
	path = write_tmp(&r, 0);
	ok = python_ok("import json,sys; d=json.load(open(sys.argv[1])); "
		       "assert d[\"dense_fp32_accuracy\"]==0.8912; "
		       "assert d[\"int8_accuracy\"] is None; "
		       "assert d[\"device_accuracy\"] is None; "
		       "assert d[\"packed_bytes\"]==44524; "
		       "assert d[\"fp32_bytes\"]==954040; "
		       "assert abs(d[\"sparsity\"]-(1-26520/238200))<1e-6; "
		       "assert d[\"layers\"][0][\"shape\"]==[300,784]; "
		       "assert d[\"layers\"][1][\"encoding\"]==\"csr\"; "
		       "assert d[\"model\"]==\"lenet \\\"300\\\"\\\\100.onnx\"; "
		       "assert len(d[\"curve\"])==3",
		       path);
	unlink(path);
	snpu_report_release(&r);
	if (ok < 0)
		skip();
	assert_int_equal(ok, 1);
}

static void snpu_report_write_svg_is_xml_with_each_series(void **state)
{
	struct snpu_report r;
	char *path;
	int ok;

	fill(&r);
	path = write_tmp(&r, 1);
	ok = python_ok("import sys, xml.etree.ElementTree as E; "
		       "t=E.parse(sys.argv[1]).getroot(); "
		       "ns=\"{http://www.w3.org/2000/svg}\"; "
		       "assert len(t.findall(ns+\"polyline\"))==2; "
		       "assert len(t.findall(ns+\"circle\"))==3; "
		       "txt=[e.text for e in t.findall(ns+\"text\")]; "
		       "assert \"a & b\" in txt and \"wanda\" in txt",
		       path);
	unlink(path);
	snpu_report_release(&r);
	if (ok < 0)
		skip();
	assert_int_equal(ok, 1);
}

static void snpu_report_print_lists_layers_and_unmeasured(void **state)
{
	struct snpu_report r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fill(&r);
	snpu_report_print(&r, f);
	fclose(f);
	assert_non_null(strstr(buf, "fc1"));
	assert_non_null(strstr(buf, "300x784"));
	assert_non_null(strstr(buf, " 90.0%"));
	assert_non_null(strstr(buf, "dense int8                   not measured"));
	assert_non_null(strstr(buf, "89.12 %"));
	free(buf);
	snpu_report_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_report_totals_sum_layers),
		cmocka_unit_test(snpu_report_write_json_parses_with_keys),
		cmocka_unit_test(snpu_report_write_svg_is_xml_with_each_series),
		cmocka_unit_test(snpu_report_print_lists_layers_and_unmeasured),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
