/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * snpu top: the rendering half, pure functions of two samples and the
 * events seen, so that the host unit tests (tests/unit/test_snpu_top.c)
 * check the numbers and the JSON without a device or a terminal.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_TOP_H
#define SNPU_TOP_H

#include <stdint.h>
#include <stdio.h>

#include "accel.h"

/* Events the live view keeps on screen. */
#define SNPU_TOP_EVENTS		8
/* Events snpu top --once keeps (the latest ones). */
#define SNPU_TOP_ONCE_EVENTS	256

/**
 * struct snpu_top_sample - every device, read at one moment
 * @time_ns: CLOCK_MONOTONIC when read: the clock of accel_event.time_ns.
 * @wall_ns: CLOCK_REALTIME at the same moment, to print event times.
 * @devs: the devices, as accel_telemetry_devices() gave them.
 * @n: entries in @devs.
 */
struct snpu_top_sample {
	uint64_t time_ns;
	uint64_t wall_ns;
	struct accel_telemetry_dev *devs;
	unsigned int n;
};

/**
 * struct snpu_top_rates - what one device did between two samples
 * @have_prev: the device was in the earlier sample; without it the rates
 *	are 0 (and the frame shows "-").
 * @utilization: busy time / wall time, 0 to 1.
 * @jobs_per_s: completed jobs per second.
 * @macs_per_s: executed MACs per second.
 * @have_savings: there were MACs to judge @savings by.
 * @savings: skipped MACs / (executed + skipped), 0 to 1: over the
 *	interval when it counted any MACs, else over the counters' lifetime
 *	(an idle device still shows what its models save).
 * @savings_weight: the part of @savings skipped for pruned weights.
 * @savings_act: the part of @savings skipped for zero activations.
 *
 * A counter that went down (COUNTERS_RESET) counts from zero.
 */
struct snpu_top_rates {
	int have_prev;
	double utilization;
	double jobs_per_s;
	double macs_per_s;
	int have_savings;
	double savings;
	double savings_weight;
	double savings_act;
};

/*
 * The rates of @cur since @prev (NULL when the device is new) over
 * @dt_ns nanoseconds.
 */
void snpu_top_rates(const struct accel_telemetry_dev *prev,
		    const struct accel_telemetry_dev *cur, uint64_t dt_ns,
		    struct snpu_top_rates *r);

/*
 * One frame as plain text lines: a title, a row per device of @cur with
 * its rates since @prev (NULL or empty on the first frame), and the last
 * SNPU_TOP_EVENTS of @events (oldest first). @interval_ms is what the
 * title says; @live adds the "q quits" hint.
 */
void snpu_top_frame(FILE *f, const struct snpu_top_sample *prev,
		    const struct snpu_top_sample *cur,
		    const struct accel_event *events, unsigned int n_events,
		    unsigned int interval_ms, int live);

/*
 * One JSON object (docs/cli.md): the time of @cur, the measured interval,
 * every device of @cur with its counters and rates, and every event of
 * @events. Ends with a newline.
 */
void snpu_top_json(FILE *f, const struct snpu_top_sample *prev,
		   const struct snpu_top_sample *cur,
		   const struct accel_event *events, unsigned int n_events);

/*
 * Paint the text @frame on a terminal without flicker: cursor home, each
 * line cut to @cols (0: not cut) and ended with ESC[K (erase the rest of
 * the old line), at most @rows - 1 lines (0: all; the last row stays free
 * so nothing scrolls), then ESC[J (erase below). Never clears the screen.
 */
void snpu_top_paint(FILE *out, const char *frame, unsigned int cols,
		    unsigned int rows);

#endif /* SNPU_TOP_H */
