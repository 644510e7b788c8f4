// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests of snpu top (cli/snpu_top.c) without a device: the frame and
 * the JSON rendered from fixed samples (utilisation, jobs/s, MAC/s and
 * sparsity savings checked as numbers; the JSON parsed by python3's json
 * module), the flicker-free painting, the options and their errors, and,
 * when $SNPU_CLI names the built tool, its exit status on a host without
 * the module.
 *
 * With $SNPU_TOP_EXAMPLE_DIR set, the fixed frame and JSON are also
 * written there (frame.txt, top.json): docs/cli.md shows them.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "snpu_args.h"
#include "cli_parse.h"
#include "snpu_top.h"

#define NS	1000000000ull
/* 2026-01-01 12:00:00 UTC */
#define NOON	1767268800ull

/* ---- the fixed samples ------------------------------------------------------ */

/*
 * Over the one second between the samples:
 *   renderD128 (edge-mid) ran 250 jobs, busy 0.42 s, 1e9 MACs executed,
 *     1.2e9 skipped for weights and 0.3e9 for activations: 42 %, 250
 *     jobs/s, 1.00G MAC/s, savings 1.5 / 2.5 = 60 % (48 % + 12 %);
 *   renderD129 (edge-tiny) was idle: its savings are its lifetime's,
 *     0.25e6 / 1.25e6 = 20 %, all activations;
 *   renderD130 appeared: no rates yet, and no MACs at all.
 */
static struct accel_telemetry_dev prev_devs[2], cur_devs[3];
static struct snpu_top_sample prev_s, cur_s;
static struct accel_event events[3];

static void fill_samples(void)
{
	struct accel_telemetry_dev *d;

	memset(prev_devs, 0, sizeof(prev_devs));
	memset(cur_devs, 0, sizeof(cur_devs));

	d = &prev_devs[0];
	d->minor = 128;
	strcpy(d->platform, "edge-mid");
	strcpy(d->firmware, "snpu/edge-mid.bin");
	d->emulated = 1;
	d->clock_khz = 600000;
	d->jobs_submitted = 1002;
	d->jobs_completed = 1000;
	d->jobs_failed = 1;
	d->jobs_timedout = 1;
	d->resets = 1;
	d->busy_ns = 10 * NS;
	d->cycles = 5000000;
	d->macs = 4000000000ull;
	d->macs_skipped_weight = 5000000000ull;
	d->macs_skipped_act = 1000000000ull;
	d->bytes_read = 1 << 30;
	d->bytes_written = 1 << 20;
	d->mem_bytes = 3 << 19;		/* 1.5 MiB */
	d->bo_count = 5;
	d->model_count = 2;
	d->jobs_live = 1;

	cur_devs[0] = *d;
	d = &cur_devs[0];
	d->jobs_submitted += 251;
	d->jobs_completed += 250;
	d->busy_ns += 420000000;
	d->cycles += 252000000;
	d->macs += 1000000000ull;
	d->macs_skipped_weight += 1200000000ull;
	d->macs_skipped_act += 300000000ull;
	d->bytes_read += 1 << 20;
	d->bytes_written += 1 << 10;

	d = &prev_devs[1];
	d->minor = 129;
	strcpy(d->platform, "edge-tiny");
	strcpy(d->firmware, "snpu/edge-tiny.bin");
	d->emulated = 1;
	d->clock_khz = 400000;
	d->jobs_completed = 10;
	d->busy_ns = NS;
	d->macs = 1000000;
	d->macs_skipped_act = 250000;
	d->mem_bytes = 4096;
	cur_devs[1] = *d;

	d = &cur_devs[2];
	d->minor = 130;
	strcpy(d->platform, "edge-max");
	strcpy(d->firmware, "snpu/edge-max.bin");
	d->clock_khz = 1000000;

	prev_s = (struct snpu_top_sample){
		.time_ns = 1000 * NS, .wall_ns = NOON * NS,
		.devs = prev_devs, .n = 2,
	};
	cur_s = (struct snpu_top_sample){
		.time_ns = 1001 * NS, .wall_ns = (NOON + 1) * NS,
		.devs = cur_devs, .n = 3,
	};

	memset(events, 0, sizeof(events));
	events[0] = (struct accel_event){
		.type = ACCEL_EVENT_JOB_TIMEOUT, .minor = 128,
		.error = -ETIMEDOUT, .time_ns = 1000 * NS + 500000000,
	};
	strcpy(events[0].platform, "edge-mid");
	events[1] = (struct accel_event){
		.type = ACCEL_EVENT_RESET, .minor = 128,
		.time_ns = 1000 * NS + 501000000,
	};
	strcpy(events[1].platform, "edge-mid");
	events[2] = (struct accel_event){
		.type = ACCEL_EVENT_DEV_ADDED, .minor = 130,
		.time_ns = 1000 * NS + 900000000,
	};
	strcpy(events[2].platform, "edge-max");
}

static int group_setup(void **state)
{
	/* event times are printed in local time */
	setenv("TZ", "UTC0", 1);
	tzset();
	fill_samples();
	return 0;
}

/* Render into a string (the caller frees it). */
static char *render_frame(const struct snpu_top_sample *prev,
			  const struct accel_event *ev, unsigned int n_ev,
			  int live)
{
	char *text = NULL;
	size_t size;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	snpu_top_frame(f, prev, &cur_s, ev, n_ev, 1000, live);
	assert_int_equal(0, fclose(f));
	return text;
}

static char *render_json(const struct snpu_top_sample *prev,
			 const struct accel_event *ev, unsigned int n_ev)
{
	char *text = NULL;
	size_t size;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	snpu_top_json(f, prev, &cur_s, ev, n_ev);
	assert_int_equal(0, fclose(f));
	return text;
}

/* The line of @text that starts with @prefix, copied into @line. */
static void find_line(const char *text, const char *prefix, char *line,
		      size_t size)
{
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, prefix, strlen(prefix))) {
			size_t len = strcspn(p, "\n");

			assert_true(len < size);
			memcpy(line, p, len);
			line[len] = '\0';
			return;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	fail_msg("no line starting with '%s' in:\n%s", prefix, text);
}

/* The whitespace-separated fields of @line. */
static int fields(char *line, char **f, int max)
{
	int n = 0;
	char *save, *tok;

	for (tok = strtok_r(line, " ", &save); tok && n < max;
	     tok = strtok_r(NULL, " ", &save))
		f[n++] = tok;
	return n;
}

static void check_json_with_python(const char *json);

/* ---- rates ------------------------------------------------------------------ */

static void snpu_top_rates_over_the_interval(void **state)
{
	struct snpu_top_rates r;

	snpu_top_rates(&prev_devs[0], &cur_devs[0], NS, &r);
	assert_true(r.have_prev);
	assert_float_equal(0.42, r.utilization, 1e-9);
	assert_float_equal(250.0, r.jobs_per_s, 1e-9);
	assert_float_equal(1e9, r.macs_per_s, 1e-3);
	assert_true(r.have_savings);
	assert_float_equal(0.60, r.savings, 1e-9);
	assert_float_equal(0.48, r.savings_weight, 1e-9);
	assert_float_equal(0.12, r.savings_act, 1e-9);

	/* the same over two seconds: half the rates, same savings */
	snpu_top_rates(&prev_devs[0], &cur_devs[0], 2 * NS, &r);
	assert_float_equal(0.21, r.utilization, 1e-9);
	assert_float_equal(125.0, r.jobs_per_s, 1e-9);
	assert_float_equal(0.60, r.savings, 1e-9);
}

static void snpu_top_rates_idle_device_lifetime_savings(void **state)
{
	struct snpu_top_rates r;

	snpu_top_rates(&prev_devs[1], &cur_devs[1], NS, &r);
	assert_true(r.have_prev);
	assert_float_equal(0, r.utilization, 0);
	assert_float_equal(0, r.jobs_per_s, 0);
	assert_float_equal(0, r.macs_per_s, 0);
	assert_true(r.have_savings);
	assert_float_equal(0.20, r.savings, 1e-9);
	assert_float_equal(0, r.savings_weight, 0);
	assert_float_equal(0.20, r.savings_act, 1e-9);
}

static void snpu_top_rates_new_device_has_none(void **state)
{
	struct snpu_top_rates r;

	snpu_top_rates(NULL, &cur_devs[2], NS, &r);
	assert_false(r.have_prev);
	assert_false(r.have_savings);
	assert_float_equal(0, r.utilization, 0);
	/* a zero interval gives no rates either (no division by zero) */
	snpu_top_rates(&prev_devs[0], &cur_devs[0], 0, &r);
	assert_false(r.have_prev);
	assert_float_equal(0, r.jobs_per_s, 0);
}

/* COUNTERS_RESET between the samples: counters count from zero again. */
static void snpu_top_rates_after_counter_reset(void **state)
{
	struct accel_telemetry_dev after = cur_devs[0];
	struct snpu_top_rates r;

	after.jobs_completed = 50;
	after.busy_ns = 100000000;
	after.macs = 300;
	after.macs_skipped_weight = 100;
	after.macs_skipped_act = 0;
	snpu_top_rates(&prev_devs[0], &after, NS, &r);
	assert_float_equal(50.0, r.jobs_per_s, 1e-9);
	assert_float_equal(0.1, r.utilization, 1e-9);
	assert_float_equal(0.25, r.savings, 1e-9);
}

/* Busy time booked at a job's end may exceed the interval: capped. */
static void snpu_top_rates_utilization_capped(void **state)
{
	struct accel_telemetry_dev after = cur_devs[0];
	struct snpu_top_rates r;

	after.busy_ns = prev_devs[0].busy_ns + 3 * NS;
	snpu_top_rates(&prev_devs[0], &after, NS, &r);
	assert_float_equal(1.0, r.utilization, 0);
}

/* ---- the frame -------------------------------------------------------------- */

static void snpu_top_frame_numbers(void **state)
{
	char *text = render_frame(&prev_s, events, 3, 0);
	char line[256], *f[20];

	assert_non_null(strstr(text, "snpu top - 12:00:01 - 3 devices - every 1000 ms\n"));
	assert_null(strstr(text, "q quits"));
	find_line(text, "NODE ", line, sizeof(line));
	assert_int_equal(14, fields(line, f, 20));
	assert_string_equal("UTIL", f[2]);
	assert_string_equal("SAVED", f[8]);

	find_line(text, "renderD128 ", line, sizeof(line));
	assert_int_equal(14, fields(line, f, 20));
	assert_string_equal("edge-mid", f[1]);
	assert_string_equal("42.0%", f[2]);	/* utilisation */
	assert_string_equal("250.0", f[3]);	/* jobs/s */
	assert_string_equal("1", f[4]);		/* failed */
	assert_string_equal("1", f[5]);		/* timed out */
	assert_string_equal("1", f[6]);		/* resets */
	assert_string_equal("1.00G", f[7]);	/* MAC/s */
	assert_string_equal("60.0%", f[8]);	/* savings */
	assert_string_equal("48%", f[9]);	/* weights */
	assert_string_equal("12%", f[10]);	/* activations */
	assert_string_equal("1.5M", f[11]);	/* memory */
	assert_string_equal("2", f[12]);	/* models */
	assert_string_equal("1", f[13]);	/* live jobs */

	find_line(text, "renderD129 ", line, sizeof(line));
	assert_int_equal(14, fields(line, f, 20));
	assert_string_equal("edge-tiny", f[1]);
	assert_string_equal("0.0%", f[2]);
	assert_string_equal("0.0", f[3]);
	assert_string_equal("0", f[7]);
	assert_string_equal("20.0%", f[8]);
	assert_string_equal("0%", f[9]);
	assert_string_equal("20%", f[10]);
	assert_string_equal("4.0K", f[11]);

	find_line(text, "renderD130 ", line, sizeof(line));
	assert_int_equal(14, fields(line, f, 20));
	assert_string_equal("-", f[2]);
	assert_string_equal("-", f[3]);
	assert_string_equal("-", f[7]);
	assert_string_equal("-", f[8]);
	assert_string_equal("0B", f[11]);

	/* the events, oldest first, at their wall-clock times */
	find_line(text, "12:00:00.500 ", line, sizeof(line));
	assert_non_null(strstr(line, "renderD128 edge-mid   job_timeout"));
	assert_non_null(strstr(line, "error -110 (Connection timed out)"));
	find_line(text, "12:00:00.501 ", line, sizeof(line));
	assert_non_null(strstr(line, "reset"));
	assert_null(strstr(line, "error"));
	find_line(text, "12:00:00.900 ", line, sizeof(line));
	assert_non_null(strstr(line, "renderD130 edge-max   dev_added"));
	assert_true(strstr(text, "12:00:00.500") < strstr(text, "12:00:00.900"));
	free(text);
}

/* A name with an escape must not reach the terminal raw. */
static void snpu_top_frame_cleans_names(void **state)
{
	struct accel_telemetry_dev devs[1] = { cur_devs[1] };
	struct snpu_top_sample s = cur_s;
	struct accel_event ev = events[1];
	char *text = NULL, line[256];
	size_t size;
	FILE *f;

	strcpy(devs[0].platform, "x\033[2Jy\t\xff");
	strcpy(ev.platform, devs[0].platform);
	s.devs = devs;
	s.n = 1;
	f = open_memstream(&text, &size);
	assert_non_null(f);
	snpu_top_frame(f, NULL, &s, &ev, 1, 1000, 0);
	assert_int_equal(0, fclose(f));
	assert_null(strchr(text, '\033'));
	assert_null(strchr(text, '\t'));
	find_line(text, "renderD129 ", line, sizeof(line));
	assert_non_null(strstr(line, " x?[2Jy?? "));
	free(text);

	f = open_memstream(&text, &size);
	assert_non_null(f);
	snpu_top_json(f, NULL, &s, &ev, 1);
	assert_int_equal(0, fclose(f));
	assert_null(strchr(text, '\033'));
	assert_non_null(strstr(text, "\"platform\": \"x\\u001b[2Jy\\u0009\\u00ff\""));
	check_json_with_python(text);
	free(text);
}

static void snpu_top_frame_first_has_no_rates(void **state)
{
	char *text = render_frame(NULL, NULL, 0, 1);
	char line[256], *f[20];

	assert_non_null(strstr(text, " - q quits\n"));
	find_line(text, "renderD128 ", line, sizeof(line));
	assert_int_equal(14, fields(line, f, 20));
	assert_string_equal("-", f[2]);
	assert_string_equal("-", f[3]);
	/* lifetime savings: 6e9 / 10e9 */
	assert_string_equal("60.0%", f[8]);
	assert_non_null(strstr(text, "EVENTS\n(none yet)\n"));
	free(text);
}

static void snpu_top_frame_keeps_last_eight_events(void **state)
{
	struct accel_event many[11];
	char *text;
	unsigned int i;

	for (i = 0; i < 11; i++) {
		many[i] = events[1];
		many[i].time_ns = 1000 * NS + i * 1000000ull;
	}
	text = render_frame(&prev_s, many, 11, 0);
	assert_null(strstr(text, "12:00:00.002 "));
	assert_non_null(strstr(text, "12:00:00.003 "));
	assert_non_null(strstr(text, "12:00:00.010 "));
	free(text);
}

static void snpu_top_frame_no_devices(void **state)
{
	struct snpu_top_sample empty = cur_s;
	char *text = NULL;
	size_t size;
	FILE *f = open_memstream(&text, &size);

	empty.n = 0;
	snpu_top_frame(f, NULL, &empty, NULL, 0, 500, 0);
	fclose(f);
	assert_non_null(strstr(text, "0 devices - every 500 ms"));
	assert_non_null(strstr(text, "(no snpu device"));
	free(text);
}

/* ---- the JSON --------------------------------------------------------------- */

/*
 * python3 -m json.tool accepts @json, and python3's json module finds the
 * documented structure in it.
 */
static void check_json_with_python(const char *json)
{
	static const char script[] =
		"import json, sys\n"
		"d = json.load(open(sys.argv[1]))\n"
		"assert set(d) == {'time_ns', 'interval_ms', 'devices', 'events'}, d.keys()\n"
		"keys = {'minor', 'platform', 'firmware', 'emulated', 'clock_khz',\n"
		"        'utilization', 'jobs_per_s', 'macs_per_s', 'jobs_submitted',\n"
		"        'jobs_completed', 'jobs_failed', 'jobs_timedout', 'resets',\n"
		"        'busy_ns', 'cycles', 'macs', 'macs_skipped_weight',\n"
		"        'macs_skipped_act', 'sparsity_savings',\n"
		"        'sparsity_savings_weight', 'sparsity_savings_act',\n"
		"        'bytes_read', 'bytes_written', 'mem_bytes', 'bo_count',\n"
		"        'model_count', 'jobs_live'}\n"
		"for dev in d['devices']:\n"
		"    assert set(dev) == keys, set(dev) ^ keys\n"
		"    assert 0 <= dev['utilization'] <= 1\n"
		"    assert 0 <= dev['sparsity_savings'] <= 1\n"
		"    assert isinstance(dev['emulated'], bool)\n"
		"for ev in d['events']:\n"
		"    assert set(ev) == {'type', 'minor', 'platform', 'error', 'time_ns'}\n";
	char jpath[] = "/tmp/test_snpu_top_json_XXXXXX";
	char spath[] = "/tmp/test_snpu_top_py_XXXXXX";
	char cmd[256];
	int jfd, sfd;

	if (access("/usr/bin/python3", X_OK)) {
		print_message("no /usr/bin/python3: JSON not parsed\n");
		return;
	}
	jfd = mkstemp(jpath);
	sfd = mkstemp(spath);
	assert_true(jfd >= 0 && sfd >= 0);
	assert_int_equal(strlen(json), write(jfd, json, strlen(json)));
	assert_int_equal(strlen(script), write(sfd, script, strlen(script)));
	close(jfd);
	close(sfd);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -m json.tool %s >/dev/null",
		 jpath);
	assert_int_equal(0, system(cmd));
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s", spath, jpath);
	assert_int_equal(0, system(cmd));
	unlink(jpath);
	unlink(spath);
}

static void snpu_top_json_numbers_and_structure(void **state)
{
	char *json = render_json(&prev_s, events, 3);
	const char *d128, *d129, *d130;

	assert_non_null(strstr(json, "{\"time_ns\": 1001000000000, \"interval_ms\": 1000.000, \"devices\": ["));
	d128 = strstr(json, "{\"minor\": 128,");
	d129 = strstr(json, "{\"minor\": 129,");
	d130 = strstr(json, "{\"minor\": 130,");
	assert_true(d128 && d129 && d130 && d128 < d129 && d129 < d130);
	assert_non_null(strstr(d128, "\"utilization\": 0.420000, \"jobs_per_s\": 250.000, \"macs_per_s\": 1000000000.0"));
	assert_non_null(strstr(d128, "\"sparsity_savings\": 0.600000, \"sparsity_savings_weight\": 0.480000, \"sparsity_savings_act\": 0.120000"));
	assert_non_null(strstr(d128, "\"jobs_completed\": 1250,"));
	assert_non_null(strstr(d128, "\"emulated\": true"));
	assert_non_null(strstr(d128, "\"firmware\": \"snpu/edge-mid.bin\""));
	assert_non_null(strstr(d129, "\"platform\": \"edge-tiny\""));
	assert_non_null(strstr(d129, "\"sparsity_savings\": 0.200000"));
	assert_non_null(strstr(d130, "\"utilization\": 0.000000, \"jobs_per_s\": 0.000"));
	assert_non_null(strstr(d130, "\"sparsity_savings\": 0.000000"));
	assert_non_null(strstr(json, "\"events\": [\n  {\"type\": \"job_timeout\", \"minor\": 128, \"platform\": \"edge-mid\", \"error\": -110, \"time_ns\": 1000500000000}"));
	assert_non_null(strstr(json, "{\"type\": \"dev_added\", \"minor\": 130"));
	assert_int_equal('\n', json[strlen(json) - 1]);
	check_json_with_python(json);
	free(json);

	/* no device, no event: still an object with both arrays */
	{
		struct snpu_top_sample empty = cur_s;
		char *text = NULL;
		size_t size;
		FILE *f = open_memstream(&text, &size);

		empty.n = 0;
		snpu_top_json(f, NULL, &empty, NULL, 0);
		fclose(f);
		assert_non_null(strstr(text, "\"devices\": [], \"events\": []}"));
		check_json_with_python(text);
		free(text);
	}
}

/* With $SNPU_TOP_EXAMPLE_DIR: the frame and JSON for docs/cli.md. */
static void snpu_top_write_examples(void **state)
{
	const char *dir = getenv("SNPU_TOP_EXAMPLE_DIR");
	char path[512], *text;
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/frame.txt", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	text = render_frame(&prev_s, events, 3, 1);
	fputs(text, f);
	free(text);
	fclose(f);
	snprintf(path, sizeof(path), "%s/top.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	text = render_json(&prev_s, events, 3);
	fputs(text, f);
	free(text);
	fclose(f);
}

/* ---- painting ----------------------------------------------------------------- */

static char *paint(const char *frame, unsigned int cols, unsigned int rows)
{
	char *text = NULL;
	size_t size;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	snpu_top_paint(f, frame, cols, rows);
	assert_int_equal(0, fclose(f));
	return text;
}

static void snpu_top_paint_home_erase_lines_no_clear(void **state)
{
	char *text = paint("one\ntwo\nthree\n", 0, 0);

	assert_string_equal("\033[Hone\033[K\ntwo\033[K\nthree\033[K\n\033[J",
			    text);
	assert_null(strstr(text, "\033[2J"));
	free(text);
}

static void snpu_top_paint_cuts_to_the_terminal(void **state)
{
	char *text = paint("one\ntwo\nthree\nfour\n", 2, 3);

	/* 2 columns, rows - 1 lines: the last row never scrolls */
	assert_string_equal("\033[Hon\033[K\ntw\033[K\n\033[J", text);
	free(text);
	text = paint("no newline at the end", 5, 0);
	assert_string_equal("\033[Hno ne\033[K\n\033[J", text);
	free(text);
}

/* ---- options ----------------------------------------------------------------- */





static int test_teardown(void **state)
{
	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
	return 0;
}

static void snpu_args_parse_top_defaults(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "top"));
	assert_int_equal(SNPU_CMD_TOP, a.cmd);
	assert_int_equal(1000, a.interval_ms);
	assert_int_equal(0, a.once);
	assert_int_equal(0, a.json);
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "top", "--once"));
	assert_int_equal(1, a.once);
	assert_int_equal(500, a.interval_ms);
}

static void snpu_args_parse_top_options(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK,
			 PARSE(&a, "top", "--once", "--json", "--interval", "200"));
	assert_int_equal(1, a.once);
	assert_int_equal(1, a.json);
	assert_int_equal(200, a.interval_ms);
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "top", "-j", "-i", "10", "--once"));
	assert_int_equal(10, a.interval_ms);
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "top", "--interval=3600000"));
	assert_int_equal(3600000, a.interval_ms);
	assert_int_equal(0, a.once);
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "top", "-i", "2000", "--once"));
	assert_int_equal(2000, a.interval_ms);
}

static void snpu_args_parse_top_errors(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "top", "--json"));
	assert_err_has("--json needs --once");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "top", "--interval", "9"));
	assert_err_has("--interval needs an integer from 10 to 3600000, not '9'");
	assert_int_equal(SNPU_EXIT_USAGE,
			 PARSE(&a, "top", "--interval", "3600001"));
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "top", "-i", "1s"));
	assert_err_has("not '1s'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "top", "-i", "-5"));
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "top", "--interval"));
	assert_err_has("option '--interval' needs a value");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "top", "now"));
	assert_err_has("unexpected argument 'now'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "top", "--onse"));
	assert_err_has("unknown option '--onse'");
	assert_int_equal(SNPU_EXIT_USAGE, PARSE(&a, "top", "-x"));
	assert_err_has("unknown option '-x'");
}

static void snpu_args_parse_top_help(void **state)
{
	struct snpu_args a;

	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "top", "--help"));
	assert_int_equal(SNPU_CMD_HELP, a.cmd);
	assert_non_null(strstr(out_text, "Usage: snpu top [--interval MS] [--once [--json]]"));
	assert_non_null(strstr(out_text, "q or Ctrl-C quits"));
	assert_non_null(strstr(out_text, "Exit status:"));
	assert_non_null(strstr(out_text, "  3  no snpu device"));
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "top", "-h"));
	assert_int_equal(SNPU_EXIT_OK, PARSE(&a, "--help"));
	assert_non_null(strstr(out_text, "\n  top      live view"));
}

/* ---- the built tool on this host ------------------------------------------- */

/* Run $SNPU_CLI @args; stdout and stderr captured. Exit status. */
static int run_cli(const char *const *args, char **out, char **err)
{
	const char *cli = getenv("SNPU_CLI");
	char ofile[] = "/tmp/test_snpu_top_out_XXXXXX";
	char efile[] = "/tmp/test_snpu_top_err_XXXXXX";
	char *argv[16];
	int i, status, ofd = mkstemp(ofile), efd = mkstemp(efile);
	pid_t pid;
	FILE *f;

	assert_true(ofd >= 0 && efd >= 0);
	argv[0] = (char *)cli;
	for (i = 0; args[i]; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(ofd, STDOUT_FILENO);
		dup2(efd, STDERR_FILENO);
		execv(cli, argv);
		_exit(127);
	}
	assert_int_equal(pid, waitpid(pid, &status, 0));
	assert_true(WIFEXITED(status));
	for (i = 0; i < 2; i++) {
		char **text = i ? err : out;
		size_t size;
		long len;

		f = fopen(i ? efile : ofile, "r");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		*text = calloc(1, len + 1);
		assert_non_null(*text);
		size = fread(*text, 1, len, f);
		assert_int_equal(len, size);
		fclose(f);
	}
	close(ofd);
	close(efd);
	unlink(ofile);
	unlink(efile);
	return WEXITSTATUS(status);
}

#define RUN_CLI(out, err, ...) \
	run_cli((const char *const[]){ __VA_ARGS__, NULL }, out, err)

static void snpu_cli_top_without_module_exits_3(void **state)
{
	accel_telemetry *t;
	char *out, *err;
	int ret;

	if (!getenv("SNPU_CLI") || access(getenv("SNPU_CLI"), X_OK)) {
		print_message("SNPU_CLI not set: the tool itself is not run\n");
		skip();
	}
	ret = accel_telemetry_open(&t);
	if (ret != ACCEL_E_NO_TELEMETRY) {
		print_message("telemetry is there or broken here (%d): not tested\n",
			      ret);
		if (!ret)
			accel_telemetry_close(t);
		skip();
	}
	assert_int_equal(3, RUN_CLI(&out, &err, "top", "--once", "--json"));
	assert_string_equal("", out);
	assert_non_null(strstr(err, "snpu top: no snpu telemetry"));
	assert_non_null(strstr(err, "modprobe snpu"));
	free(out);
	free(err);
	assert_int_equal(3, RUN_CLI(&out, &err, "top"));
	free(out);
	free(err);
	assert_int_equal(2, RUN_CLI(&out, &err, "top", "--interval", "0"));
	assert_non_null(strstr(err, "--interval needs an integer"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snpu_top_rates_over_the_interval),
		cmocka_unit_test(snpu_top_rates_idle_device_lifetime_savings),
		cmocka_unit_test(snpu_top_rates_new_device_has_none),
		cmocka_unit_test(snpu_top_rates_after_counter_reset),
		cmocka_unit_test(snpu_top_rates_utilization_capped),
		cmocka_unit_test(snpu_top_frame_numbers),
		cmocka_unit_test(snpu_top_frame_first_has_no_rates),
		cmocka_unit_test(snpu_top_frame_keeps_last_eight_events),
		cmocka_unit_test(snpu_top_frame_no_devices),
		cmocka_unit_test(snpu_top_frame_cleans_names),
		cmocka_unit_test(snpu_top_json_numbers_and_structure),
		cmocka_unit_test(snpu_top_write_examples),
		cmocka_unit_test(snpu_top_paint_home_erase_lines_no_clear),
		cmocka_unit_test(snpu_top_paint_cuts_to_the_terminal),
		cmocka_unit_test_teardown(snpu_args_parse_top_defaults, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_top_options, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_top_errors, test_teardown),
		cmocka_unit_test_teardown(snpu_args_parse_top_help, test_teardown),
		cmocka_unit_test(snpu_cli_top_without_module_exits_3),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
