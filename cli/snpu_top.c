// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * snpu top: a live view of every snpu device from the module's telemetry
 * (libaccel's accel_telemetry_*, generic netlink), and snpu top --once
 * [--json] for scripts.
 *
 * The view must work over ssh and never flicker: no screen clear per
 * frame. Each frame is rendered to memory, then painted in one write:
 * cursor home, every line ended with ESC[K, ESC[J below the last. The
 * alternate screen keeps the user's scrollback, and the cursor is hidden
 * while running; both, and the terminal's input mode, are restored on q,
 * Ctrl-C, SIGTERM and SIGHUP (the handlers only set a flag; the loop,
 * woken from poll() by EINTR, does the restoring). Output that is not a
 * terminal gets plain frames separated by a blank line.
 *
 * The rendering functions (snpu_top.h) are pure; everything that touches
 * the device, the clock or the terminal is below them.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "snpu_cli.h"
#include "snpu_top.h"

/* ---- rates ----------------------------------------------------------------- */

/* @cur - @prev; a counter that went down was reset and counts from zero. */
static uint64_t snpu_top_delta(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : cur;
}

static void snpu_top_savings(uint64_t macs, uint64_t weight, uint64_t act,
			     struct snpu_top_rates *r)
{
	double total = (double)macs + (double)weight + (double)act;

	r->have_savings = total > 0;
	if (!r->have_savings)
		return;
	r->savings_weight = weight / total;
	r->savings_act = act / total;
	r->savings = (weight + (double)act) / total;
}

void snpu_top_rates(const struct accel_telemetry_dev *prev,
		    const struct accel_telemetry_dev *cur, uint64_t dt_ns,
		    struct snpu_top_rates *r)
{
	uint64_t busy, macs, weight, act;
	double dt = dt_ns * 1e-9;

	memset(r, 0, sizeof(*r));
	if (prev && dt_ns) {
		r->have_prev = 1;
		busy = snpu_top_delta(prev->busy_ns, cur->busy_ns);
		/*
		 * Busy time is booked as jobs end: a job longer than the
		 * interval lands in one sample.
		 */
		r->utilization = fmin(1.0, (double)busy / dt_ns);
		r->jobs_per_s = snpu_top_delta(prev->jobs_completed,
					       cur->jobs_completed) / dt;
		macs = snpu_top_delta(prev->macs, cur->macs);
		weight = snpu_top_delta(prev->macs_skipped_weight,
					cur->macs_skipped_weight);
		act = snpu_top_delta(prev->macs_skipped_act,
				     cur->macs_skipped_act);
		r->macs_per_s = macs / dt;
		snpu_top_savings(macs, weight, act, r);
		if (r->have_savings)
			return;
	}
	snpu_top_savings(cur->macs, cur->macs_skipped_weight,
			 cur->macs_skipped_act, r);
}

/* The device of @s with render minor @minor, or NULL. */
static const struct accel_telemetry_dev *
snpu_top_find(const struct snpu_top_sample *s, uint32_t minor)
{
	unsigned int i;

	for (i = 0; s && i < s->n; i++)
		if (s->devs[i].minor == minor)
			return &s->devs[i];
	return NULL;
}

static void snpu_top_dev_rates(const struct snpu_top_sample *prev,
			       const struct snpu_top_sample *cur,
			       const struct accel_telemetry_dev *d,
			       struct snpu_top_rates *r)
{
	uint64_t dt = prev && cur->time_ns > prev->time_ns ?
		      cur->time_ns - prev->time_ns : 0;

	snpu_top_rates(snpu_top_find(prev, d->minor), d, dt, r);
}

/* ---- the text frame -------------------------------------------------------- */

/* A name from the kernel, made safe for a terminal (no escapes). */
static void snpu_top_clean(char *out, size_t size, const char *in)
{
	size_t i;

	for (i = 0; i + 1 < size && in[i]; i++)
		out[i] = (unsigned char)in[i] < 0x20 ||
			 (unsigned char)in[i] >= 0x7f ? '?' : in[i];
	out[i] = '\0';
}

/* 1234567 -> "1.23M": decimal prefixes, for rates. */
static void snpu_top_si(char *buf, size_t size, double v)
{
	static const char prefix[] = " kMGTPE";
	unsigned int i = 0;

	while (v >= 999.95 && i + 1 < sizeof(prefix) - 1) {
		v /= 1000;
		i++;
	}
	if (!i)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.*f%c", v < 9.995 ? 2 : v < 99.95 ? 1 : 0,
			 v, prefix[i]);
}

/* Bytes with binary prefixes: "512B", "1.5M", "12G". */
static void snpu_top_bytes(char *buf, size_t size, uint64_t bytes)
{
	static const char prefix[] = "BKMGTPE";
	double v = (double)bytes;
	unsigned int i = 0;

	while (v >= 1023.95 && i + 1 < sizeof(prefix) - 1) {
		v /= 1024;
		i++;
	}
	if (!i)
		snprintf(buf, size, "%lluB", (unsigned long long)bytes);
	else
		snprintf(buf, size, "%.*f%c", v < 9.95 ? 1 : 0, v, prefix[i]);
}

static void snpu_top_pct(char *buf, size_t size, double v, int decimals)
{
	snprintf(buf, size, "%.*f%%", decimals, 100.0 * v);
}

/* HH:MM:SS(.mmm) of the realtime clock @wall_ns, local time. */
static void snpu_top_clock(char *buf, size_t size, uint64_t wall_ns, int ms)
{
	time_t sec = (time_t)(wall_ns / 1000000000ull);
	struct tm tm;

	if (!localtime_r(&sec, &tm)) {
		snprintf(buf, size, "?");
		return;
	}
	if (ms)
		snprintf(buf, size, "%02d:%02d:%02d.%03u", tm.tm_hour,
			 tm.tm_min, tm.tm_sec,
			 (unsigned int)(wall_ns / 1000000ull % 1000));
	else
		snprintf(buf, size, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
}

/* An event's CLOCK_MONOTONIC time as wall time, by @cur's two clocks. */
static uint64_t snpu_top_event_wall(const struct snpu_top_sample *cur,
				    uint64_t time_ns)
{
	if (time_ns <= cur->time_ns)
		return cur->wall_ns - (cur->time_ns - time_ns);
	return cur->wall_ns + (time_ns - cur->time_ns);
}

#define SNPU_TOP_ROW "%-10s %-10s %6s %7s %4s %4s %4s %6s %6s %4s %4s %6s %3s %3s\n"

static void snpu_top_row(FILE *f, const struct accel_telemetry_dev *d,
			 const struct snpu_top_rates *r)
{
	char node[24], plat[sizeof(d->platform)], util[16], jobs[24];
	char failed[24], tmo[24], rst[24], macs[16], saved[16], w[16], a[16];
	char mem[16], models[16], live[16];

	snprintf(node, sizeof(node), "renderD%u", d->minor);
	snpu_top_clean(plat, sizeof(plat), d->platform);
	if (r->have_prev) {
		snpu_top_pct(util, sizeof(util), r->utilization, 1);
		snprintf(jobs, sizeof(jobs), "%.1f", r->jobs_per_s);
		snpu_top_si(macs, sizeof(macs), r->macs_per_s);
	} else {
		strcpy(util, "-");
		strcpy(jobs, "-");
		strcpy(macs, "-");
	}
	if (r->have_savings) {
		snpu_top_pct(saved, sizeof(saved), r->savings, 1);
		snpu_top_pct(w, sizeof(w), r->savings_weight, 0);
		snpu_top_pct(a, sizeof(a), r->savings_act, 0);
	} else {
		strcpy(saved, "-");
		strcpy(w, "-");
		strcpy(a, "-");
	}
	snprintf(failed, sizeof(failed), "%llu",
		 (unsigned long long)d->jobs_failed);
	snprintf(tmo, sizeof(tmo), "%llu",
		 (unsigned long long)d->jobs_timedout);
	snprintf(rst, sizeof(rst), "%llu", (unsigned long long)d->resets);
	snpu_top_bytes(mem, sizeof(mem), d->mem_bytes);
	snprintf(models, sizeof(models), "%u", d->model_count);
	snprintf(live, sizeof(live), "%u", d->jobs_live);
	fprintf(f, SNPU_TOP_ROW, node, plat, util, jobs, failed, tmo, rst,
		macs, saved, w, a, mem, models, live);
}

static void snpu_top_event_line(FILE *f, const struct snpu_top_sample *cur,
				const struct accel_event *ev)
{
	char when[32], node[24], plat[sizeof(ev->platform)];

	snpu_top_clock(when, sizeof(when),
		       snpu_top_event_wall(cur, ev->time_ns), 1);
	snprintf(node, sizeof(node), "renderD%u", ev->minor);
	snpu_top_clean(plat, sizeof(plat), ev->platform);
	fprintf(f, "%s  %-10s %-10s ", when, node, plat);
	if (ev->error) {
		const char *desc = strerrordesc_np(-ev->error);

		fprintf(f, "%-11s error %d%s%s%s", accel_event_name(ev->type),
			ev->error, desc ? " (" : "", desc ? desc : "",
			desc ? ")" : "");
	} else {
		fputs(accel_event_name(ev->type), f);
	}
	fputc('\n', f);
}

void snpu_top_frame(FILE *f, const struct snpu_top_sample *prev,
		    const struct snpu_top_sample *cur,
		    const struct accel_event *events, unsigned int n_events,
		    unsigned int interval_ms, int live)
{
	struct snpu_top_rates r;
	unsigned int i, first;
	char now[16];

	snpu_top_clock(now, sizeof(now), cur->wall_ns, 0);
	fprintf(f, "snpu top - %s - %u device%s - every %u ms%s\n", now,
		cur->n, cur->n == 1 ? "" : "s", interval_ms,
		live ? " - q quits" : "");
	fprintf(f, SNPU_TOP_ROW, "NODE", "PLATFORM", "UTIL", "JOBS/S", "FAIL",
		"TMO", "RST", "MAC/S", "SAVED", "W", "A", "MEM", "MDL", "JOB");
	for (i = 0; i < cur->n; i++) {
		snpu_top_dev_rates(prev, cur, &cur->devs[i], &r);
		snpu_top_row(f, &cur->devs[i], &r);
	}
	if (!cur->n)
		fprintf(f, "(no snpu device: the module is loaded but has none)\n");

	fprintf(f, "\nEVENTS\n");
	first = n_events > SNPU_TOP_EVENTS ? n_events - SNPU_TOP_EVENTS : 0;
	for (i = first; i < n_events; i++)
		snpu_top_event_line(f, cur, &events[i]);
	if (!n_events)
		fprintf(f, "(none yet)\n");
}

/* ---- JSON -------------------------------------------------------------------- */

static void snpu_top_json_u64(FILE *f, const char *key, uint64_t v)
{
	fprintf(f, ", \"%s\": %llu", key, (unsigned long long)v);
}

/* A finite number for JSON (never nan or inf). */
static double snpu_top_finite(double v)
{
	return isfinite(v) ? v : 0;
}

void snpu_top_json(FILE *f, const struct snpu_top_sample *prev,
		   const struct snpu_top_sample *cur,
		   const struct accel_event *events, unsigned int n_events)
{
	uint64_t dt = prev && cur->time_ns > prev->time_ns ?
		      cur->time_ns - prev->time_ns : 0;
	struct snpu_top_rates r;
	unsigned int i;

	fprintf(f, "{\"time_ns\": %llu, \"interval_ms\": %.3f, \"devices\": [",
		(unsigned long long)cur->time_ns, dt / 1e6);
	for (i = 0; i < cur->n; i++) {
		const struct accel_telemetry_dev *d = &cur->devs[i];

		snpu_top_dev_rates(prev, cur, d, &r);
		fprintf(f, "%s\n  {\"minor\": %u, \"platform\": ",
			i ? "," : "", d->minor);
		snpu_report_json_str(f, d->platform);
		fputs(", \"firmware\": ", f);
		snpu_report_json_str(f, d->firmware);
		fprintf(f, ", \"emulated\": %s, \"clock_khz\": %u",
			d->emulated ? "true" : "false", d->clock_khz);
		fprintf(f, ", \"utilization\": %.6f, \"jobs_per_s\": %.3f, \"macs_per_s\": %.1f",
			snpu_top_finite(r.utilization),
			snpu_top_finite(r.jobs_per_s),
			snpu_top_finite(r.macs_per_s));
		snpu_top_json_u64(f, "jobs_submitted", d->jobs_submitted);
		snpu_top_json_u64(f, "jobs_completed", d->jobs_completed);
		snpu_top_json_u64(f, "jobs_failed", d->jobs_failed);
		snpu_top_json_u64(f, "jobs_timedout", d->jobs_timedout);
		snpu_top_json_u64(f, "resets", d->resets);
		snpu_top_json_u64(f, "busy_ns", d->busy_ns);
		snpu_top_json_u64(f, "cycles", d->cycles);
		snpu_top_json_u64(f, "macs", d->macs);
		snpu_top_json_u64(f, "macs_skipped_weight",
				  d->macs_skipped_weight);
		snpu_top_json_u64(f, "macs_skipped_act", d->macs_skipped_act);
		fprintf(f, ", \"sparsity_savings\": %.6f, \"sparsity_savings_weight\": %.6f, \"sparsity_savings_act\": %.6f",
			snpu_top_finite(r.savings),
			snpu_top_finite(r.savings_weight),
			snpu_top_finite(r.savings_act));
		snpu_top_json_u64(f, "bytes_read", d->bytes_read);
		snpu_top_json_u64(f, "bytes_written", d->bytes_written);
		snpu_top_json_u64(f, "mem_bytes", d->mem_bytes);
		fprintf(f, ", \"bo_count\": %u, \"model_count\": %u, \"jobs_live\": %u}",
			d->bo_count, d->model_count, d->jobs_live);
	}
	fprintf(f, "%s], \"events\": [", cur->n ? "\n" : "");
	for (i = 0; i < n_events; i++) {
		const struct accel_event *ev = &events[i];

		fprintf(f, "%s\n  {\"type\": \"%s\", \"minor\": %u, \"platform\": ",
			i ? "," : "", accel_event_name(ev->type), ev->minor);
		snpu_report_json_str(f, ev->platform);
		fprintf(f, ", \"error\": %d, \"time_ns\": %llu}", ev->error,
			(unsigned long long)ev->time_ns);
	}
	fprintf(f, "%s]}\n", n_events ? "\n" : "");
}

/* ---- painting ---------------------------------------------------------------- */

void snpu_top_paint(FILE *out, const char *frame, unsigned int cols,
		    unsigned int rows)
{
	unsigned int lines = 0;
	const char *p = frame;

	fputs("\033[H", out);
	while (*p && (!rows || lines + 1 < rows)) {
		size_t len = strcspn(p, "\n");

		fwrite(p, 1, cols && len > cols ? cols : len, out);
		fputs("\033[K\n", out);
		lines++;
		p += len;
		if (*p == '\n')
			p++;
	}
	fputs("\033[J", out);
}

/* ---- sampling and events --------------------------------------------------- */

static uint64_t snpu_top_clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int snpu_top_sample_read(accel_telemetry *t, struct snpu_top_sample *s)
{
	struct accel_telemetry_dev *list = NULL;
	int n = accel_telemetry_devices(t, &list);

	if (n < 0)
		return n;
	s->time_ns = snpu_top_clock_ns(CLOCK_MONOTONIC);
	s->wall_ns = snpu_top_clock_ns(CLOCK_REALTIME);
	accel_telemetry_devices_free(s->devs);
	s->devs = list;
	s->n = (unsigned int)n;
	return 0;
}

/**
 * struct snpu_top_events - the latest events, oldest first
 * @ev: storage.
 * @cap: entries @ev holds.
 * @n: entries used; past @cap the oldest is dropped.
 */
struct snpu_top_events {
	struct accel_event *ev;
	unsigned int cap;
	unsigned int n;
};

static void snpu_top_events_add(struct snpu_top_events *e,
				const struct accel_event *ev)
{
	if (e->n == e->cap) {
		memmove(e->ev, e->ev + 1, (e->cap - 1) * sizeof(*ev));
		e->n--;
	}
	e->ev[e->n++] = *ev;
}

/* Every event already there; 0 or an error of the library. */
static int snpu_top_drain(accel_telemetry *t, struct snpu_top_events *e)
{
	struct accel_event ev;
	int ret;

	for (;;) {
		ret = accel_telemetry_next_event(t, &ev, 0);
		/* a gap or a malformed event: the view goes on without it */
		if (ret == 1)
			snpu_top_events_add(e, &ev);
		else if (ret != -ENOBUFS && ret != -EBADMSG)
			return ret;
	}
}

/* ---- the terminal ------------------------------------------------------------ */

static volatile sig_atomic_t snpu_top_stop;

static void snpu_top_on_signal(int sig)
{
	snpu_top_stop = sig;
}

/**
 * struct snpu_top_term - what the live view changed and must restore
 * @screen: stdout is a terminal: alternate screen, hidden cursor.
 * @keys: stdin is a terminal, read key by key without echo: @saved is
 *	to be restored.
 * @watch: keys are read (until stdin ends).
 * @saved: stdin's terminal settings before.
 */
struct snpu_top_term {
	int screen;
	int keys;
	int watch;
	struct termios saved;
};

static void snpu_top_term_setup(struct snpu_top_term *term)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	struct termios raw;
	unsigned int i;

	memset(term, 0, sizeof(*term));
	/* No SA_RESTART: the signal must wake poll() so we restore. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = snpu_top_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);

	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &term->saved)) {
		raw = term->saved;
		/*
		 * Keys without Enter or echo; ISIG stays, so Ctrl-C is
		 * still SIGINT.
		 */
		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		term->keys = !tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		term->watch = term->keys;
	}
	if (isatty(STDOUT_FILENO)) {
		term->screen = 1;
		fputs("\033[?1049h\033[?25l", stdout);
		fflush(stdout);
	}
}

static void snpu_top_term_restore(struct snpu_top_term *term)
{
	if (term->screen) {
		fputs("\033[?25h\033[?1049l", stdout);
		fflush(stdout);
	}
	if (term->keys)
		tcsetattr(STDIN_FILENO, TCSANOW, &term->saved);
}

static void snpu_top_winsize(unsigned int *cols, unsigned int *rows)
{
	struct winsize ws;

	*cols = *rows = 0;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws)) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	}
}

/*
 * Wait until CLOCK_MONOTONIC @until_ns, collecting events and, with
 * @keys, reading keys. Returns 0 at the time, 1 to quit (q, a signal, the
 * input's end is not one), or a library error.
 */
static int snpu_top_wait(accel_telemetry *t, uint64_t until_ns,
			 struct snpu_top_events *e, int *keys)
{
	struct pollfd pfd[2];
	int ret;

	for (;;) {
		uint64_t now = snpu_top_clock_ns(CLOCK_MONOTONIC);
		nfds_t n = 1;

		if (snpu_top_stop)
			return 1;
		if (now >= until_ns)
			return 0;
		pfd[0].fd = accel_telemetry_fd(t);
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		if (*keys) {
			pfd[1].fd = STDIN_FILENO;
			pfd[1].events = POLLIN;
			pfd[1].revents = 0;
			n = 2;
		}
		/* round up: never wake early and spin */
		ret = poll(pfd, n, (int)((until_ns - now + 999999) / 1000000));
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[0].revents) {
			ret = snpu_top_drain(t, e);
			if (ret)
				return ret;
		}
		if (n == 2 && pfd[1].revents) {
			char c[16];
			ssize_t got = read(STDIN_FILENO, c, sizeof(c));

			if (got <= 0) {
				/* input closed: keep running, stop reading */
				*keys = 0;
				continue;
			}
			if (memchr(c, 'q', got) || memchr(c, 'Q', got))
				return 1;
		}
	}
}

/* ---- the command ------------------------------------------------------------- */

static int snpu_top_fail(const char *what, int err)
{
	fprintf(stderr, "snpu top: %s: %s\n", what, accel_strerror(err));
	return SNPU_EXIT_FAIL;
}

static int snpu_top_once(accel_telemetry *t, const struct snpu_args *a)
{
	struct accel_event *buf = calloc(SNPU_TOP_ONCE_EVENTS, sizeof(*buf));
	struct snpu_top_events e = { .ev = buf, .cap = SNPU_TOP_ONCE_EVENTS };
	struct snpu_top_sample s[2] = { { 0 } };
	int keys = 0, ret;

	if (!buf)
		return snpu_top_fail("events", -ENOMEM);
	ret = snpu_top_sample_read(t, &s[0]);
	if (ret) {
		ret = snpu_top_fail("cannot read the devices", ret);
		goto out;
	}
	ret = snpu_top_wait(t, s[0].time_ns + a->interval_ms * 1000000ull, &e,
			    &keys);
	if (ret < 0) {
		ret = snpu_top_fail("cannot read events", ret);
		goto out;
	}
	if (ret > 0) {
		/* interrupted: no second sample, no frame */
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	ret = snpu_top_sample_read(t, &s[1]);
	if (!ret)
		ret = snpu_top_drain(t, &e);
	if (ret) {
		ret = snpu_top_fail("cannot read the devices", ret);
		goto out;
	}
	if (a->json)
		snpu_top_json(stdout, &s[0], &s[1], e.ev, e.n);
	else
		snpu_top_frame(stdout, &s[0], &s[1], e.ev, e.n, a->interval_ms,
			       0);
	ret = fflush(stdout) ? SNPU_EXIT_FAIL : SNPU_EXIT_OK;
out:
	accel_telemetry_devices_free(s[0].devs);
	accel_telemetry_devices_free(s[1].devs);
	free(buf);
	return ret;
}

static int snpu_top_live(accel_telemetry *t, const struct snpu_args *a)
{
	struct accel_event buf[SNPU_TOP_EVENTS];
	struct snpu_top_events e = { .ev = buf, .cap = SNPU_TOP_EVENTS };
	struct snpu_top_sample s[2] = { { 0 } }, *prev = NULL, *cur = &s[0];
	struct snpu_top_term term;
	char *frame = NULL;
	size_t frame_size;
	unsigned int cols, rows;
	uint64_t next, now;
	int ret, quit = 0;
	FILE *mem;

	snpu_top_term_setup(&term);
	next = snpu_top_clock_ns(CLOCK_MONOTONIC);
	for (;;) {
		ret = snpu_top_sample_read(t, cur);
		if (!ret)
			ret = snpu_top_drain(t, &e);
		if (ret)
			break;
		mem = open_memstream(&frame, &frame_size);
		if (!mem) {
			ret = -ENOMEM;
			break;
		}
		snpu_top_frame(mem, prev, cur, e.ev, e.n, a->interval_ms,
			       term.keys);
		if (fclose(mem)) {
			ret = -ENOMEM;
			break;
		}
		if (term.screen) {
			snpu_top_winsize(&cols, &rows);
			snpu_top_paint(stdout, frame, cols, rows);
		} else {
			fputs(frame, stdout);
			fputc('\n', stdout);
		}
		free(frame);
		frame = NULL;
		if (fflush(stdout)) {
			/* the reader went away (a closed pipe) */
			quit = 1;
			break;
		}
		prev = cur;
		cur = cur == &s[0] ? &s[1] : &s[0];

		now = snpu_top_clock_ns(CLOCK_MONOTONIC);
		/*
		 * After a stall (a suspend, a stopped process) don't race
		 * to catch up: one frame, then the pace again.
		 */
		next = next + a->interval_ms * 1000000ull > now ?
		       next + a->interval_ms * 1000000ull :
		       now + a->interval_ms * 1000000ull;
		ret = snpu_top_wait(t, next, &e, &term.watch);
		if (ret) {
			quit = ret > 0;
			break;
		}
	}
	free(frame);
	snpu_top_term_restore(&term);
	accel_telemetry_devices_free(s[0].devs);
	accel_telemetry_devices_free(s[1].devs);
	if (quit)
		return SNPU_EXIT_OK;
	return snpu_top_fail("telemetry", ret);
}

int snpu_cmd_top(const struct snpu_args *a)
{
	accel_telemetry *t;
	int ret;

	ret = accel_telemetry_open(&t);
	if (ret == ACCEL_E_NO_TELEMETRY) {
		fprintf(stderr, "snpu top: %s\n", accel_strerror(ret));
		return SNPU_EXIT_NODEV;
	}
	if (ret)
		return snpu_top_fail("cannot open the telemetry", ret);
	/* before the first sample, so --once sees the interval's events */
	ret = accel_telemetry_subscribe(t);
	if (ret) {
		accel_telemetry_close(t);
		return snpu_top_fail("cannot join the events group", ret);
	}
	ret = a->once ? snpu_top_once(t, a) : snpu_top_live(t, a);
	accel_telemetry_close(t);
	return ret;
}
