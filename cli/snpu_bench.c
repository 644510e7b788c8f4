// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * snpu bench: latency and throughput of a packed model on the device.
 *
 * Latency: --runs synchronous accel_run() calls (queue depth 1), each
 * timed on CLOCK_MONOTONIC from the call to its return; p50 and p99 by
 * nearest rank. Throughput: --runs jobs through a ring of --queue-depth
 * slots, each slot with its own output buffer; a slot is reused after
 * waiting for its previous job, so D jobs are in flight at every moment
 * after the ring fills. The device's own cycle count, divided by the
 * platform clock, is the latency the cost model predicts for silicon;
 * the wall-clock numbers are what the emulated device takes on this CPU.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_cli.h"
#include "snpu_io.h"

/**
 * struct snpu_bench - buffers and results of one bench
 * @depth: ring slots.
 * @in: the input, random int8.
 * @out: one output buffer per slot.
 * @jobs: the job in flight in each slot, or NULL.
 * @lat_ms: latency of each synchronous run.
 * @cnt: counters of the last synchronous run.
 */
struct snpu_bench {
	uint32_t depth;
	accel_buffer *in;
	accel_buffer *out[SNPU_BENCH_MAX_DEPTH];
	accel_job *jobs[SNPU_BENCH_MAX_DEPTH];
	double *lat_ms;
	struct accel_counters cnt;
};

static int snpu_bench_cmp(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return a < b ? -1 : a > b;
}

/* Nearest-rank percentile of sorted @v. */
static double snpu_bench_pct(const double *v, uint32_t n, unsigned int p)
{
	uint64_t rank = ((uint64_t)n * p + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

/* Wait for the job of @slot and drop it; 0 or a libaccel error. */
static int snpu_bench_reap(struct snpu_bench *b, uint32_t slot)
{
	struct accel_counters c;
	int ret;

	if (!b->jobs[slot])
		return 0;
	ret = accel_job_wait(b->jobs[slot], SNPU_CLI_JOB_TIMEOUT_NS);
	if (!ret)
		ret = accel_job_counters(b->jobs[slot], &c);
	accel_job_unref(b->jobs[slot]);
	b->jobs[slot] = NULL;
	return ret;
}

int snpu_cmd_bench(const struct snpu_args *a)
{
	struct snpu_bench b = { .depth = a->queue_depth };
	struct accel_device_info info;
	struct snpu_io_model m;
	struct accel_caps caps;
	accel_device *dev = NULL;
	accel_model *model = NULL;
	double t0, elapsed, sum_ms = 0, tput, p50, p99, cyc_inf, model_ms;
	uint32_t i, slot;
	uint32_t state = 0x9e3779b9u;
	int8_t *in_map;
	int ret;

	ret = snpu_io_model_load(a->model, &m, stderr);
	if (ret)
		return ret;
	b.lat_ms = calloc(a->runs, sizeof(*b.lat_ms));
	if (!b.lat_ms) {
		fprintf(stderr, "snpu: out of memory\n");
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	ret = snpu_cli_open(a->device, &dev, &info, &caps);
	if (ret)
		goto out;
	if (caps.max_batch && a->batch > caps.max_batch) {
		fprintf(stderr, "snpu bench: --batch %u is over the max batch %u of %s (%s)\n",
			a->batch, caps.max_batch, info.node, info.platform);
		ret = SNPU_EXIT_USAGE;
		goto out;
	}
	ret = snpu_cli_load_model(dev, &info, a->model, &m, &model);
	if (ret)
		goto out;

	ret = accel_buffer_new(dev, (size_t)a->batch * m.in_bytes,
			       ACCEL_BUFFER_WC, &b.in);
	if (!ret)
		ret = accel_buffer_map(b.in, (void **)&in_map);
	for (i = 0; i < b.depth && !ret; i++)
		ret = accel_buffer_new(dev, (size_t)a->batch * m.out_bytes, 0,
				       &b.out[i]);
	if (ret) {
		fprintf(stderr, "snpu: %s: buffers: %s\n", info.node,
			accel_strerror(ret));
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	/* Deterministic xorshift input: runs are comparable. */
	for (i = 0; i < a->batch * m.in_bytes; i++) {
		state ^= state << 13;
		state ^= state >> 17;
		state ^= state << 5;
		in_map[i] = (int8_t)state;
	}

	/* Warmup and latency, queue depth 1. */
	for (i = 0; i < a->warmup + a->runs; i++) {
		struct accel_io io = {
			.in = b.in, .out = b.out[0], .batch = a->batch,
		};
		double t;

		t = snpu_cli_now();
		ret = accel_run(model, &io, &b.cnt);
		t = snpu_cli_now() - t;
		if (ret) {
			fprintf(stderr, "snpu: %s: run %u: %s\n", info.node, i,
				accel_strerror(ret));
			ret = SNPU_EXIT_FAIL;
			goto out;
		}
		if (i >= a->warmup) {
			b.lat_ms[i - a->warmup] = t * 1e3;
			sum_ms += t * 1e3;
		}
	}
	qsort(b.lat_ms, a->runs, sizeof(*b.lat_ms), snpu_bench_cmp);
	p50 = snpu_bench_pct(b.lat_ms, a->runs, 50);
	p99 = snpu_bench_pct(b.lat_ms, a->runs, 99);

	/* Throughput, queue depth D. */
	t0 = snpu_cli_now();
	for (i = 0; i < a->runs; i++) {
		struct accel_io io = {
			.in = b.in, .batch = a->batch,
		};

		slot = i % b.depth;
		ret = snpu_bench_reap(&b, slot);
		if (!ret) {
			io.out = b.out[slot];
			ret = accel_submit(model, &io, NULL, &b.jobs[slot]);
		}
		if (ret)
			break;
	}
	for (slot = 0; slot < b.depth; slot++) {
		int r = snpu_bench_reap(&b, (i + slot) % b.depth);

		if (!ret)
			ret = r;
	}
	elapsed = snpu_cli_now() - t0;
	if (ret) {
		fprintf(stderr, "snpu: %s: queued jobs: %s\n", info.node,
			accel_strerror(ret));
		ret = SNPU_EXIT_FAIL;
		goto out;
	}
	tput = elapsed > 0 ? (double)a->runs * a->batch / elapsed : 0;
	cyc_inf = (double)b.cnt.cycles / a->batch;
	model_ms = caps.clock_khz ? cyc_inf / caps.clock_khz : 0;

	if (a->json) {
		printf("{\"model\": ");
		snpu_report_json_str(stdout, a->model);
		printf(", \"node\": ");
		snpu_report_json_str(stdout, info.node);
		printf(", \"platform\": ");
		snpu_report_json_str(stdout, caps.platform);
		printf(", \"emulated\": %s, \"batch\": %u, \"runs\": %u, \"warmup\": %u, \"queue_depth\": %u,\n",
		       caps.emulated ? "true" : "false", a->batch, a->runs,
		       a->warmup, b.depth);
		printf(" \"latency_ms\": {\"p50\": %.6f, \"p99\": %.6f, \"mean\": %.6f, \"min\": %.6f, \"max\": %.6f},\n",
		       p50, p99, sum_ms / a->runs, b.lat_ms[0],
		       b.lat_ms[a->runs - 1]);
		printf(" \"throughput_samples_per_s\": %.3f,\n", tput);
		printf(" \"cycles_per_job\": %llu, \"cycles_per_inference\": %.1f, \"clock_khz\": %u, \"modeled_latency_ms\": %.6f,\n",
		       (unsigned long long)b.cnt.cycles, cyc_inf,
		       caps.clock_khz, model_ms);
		printf(" \"macs\": %llu, \"macs_skipped_weight\": %llu, \"macs_skipped_act\": %llu, \"bytes_read\": %llu, \"bytes_written\": %llu}\n",
		       (unsigned long long)b.cnt.macs,
		       (unsigned long long)b.cnt.macs_skipped_weight,
		       (unsigned long long)b.cnt.macs_skipped_act,
		       (unsigned long long)b.cnt.bytes_read,
		       (unsigned long long)b.cnt.bytes_written);
	} else {
		printf("model       %s: %u layers, %u B in, %u B out, %.1f%% of weights nonzero\n",
		       a->model, m.n_layers, m.in_bytes, m.out_bytes,
		       m.weights ? 100.0 * m.nonzero / m.weights : 0.0);
		printf("device      %s: %s, %s, %u MAC units at %u MHz\n",
		       info.node, caps.platform,
		       caps.emulated ? "emulated" : "hardware",
		       caps.mac_units, caps.clock_khz / 1000);
		printf("latency     p50 %.3f ms, p99 %.3f ms (min %.3f, mean %.3f, max %.3f; %u runs of batch %u, queue depth 1)\n",
		       p50, p99, b.lat_ms[0], sum_ms / a->runs,
		       b.lat_ms[a->runs - 1], a->runs, a->batch);
		printf("throughput  %.1f samples/s (%u jobs of batch %u, queue depth %u)\n",
		       tput, a->runs, a->batch, b.depth);
		printf("modeled     %.0f cycles per inference = %.6f ms at %u MHz (%llu MACs, %llu skipped for weights, %llu for activations per job)\n",
		       cyc_inf, model_ms, caps.clock_khz / 1000,
		       (unsigned long long)b.cnt.macs,
		       (unsigned long long)b.cnt.macs_skipped_weight,
		       (unsigned long long)b.cnt.macs_skipped_act);
	}
	ret = SNPU_EXIT_OK;
out:
	for (slot = 0; slot < b.depth; slot++) {
		if (b.jobs[slot])
			accel_job_unref(b.jobs[slot]);
		if (b.out[slot])
			accel_buffer_unref(b.out[slot]);
	}
	if (b.in)
		accel_buffer_unref(b.in);
	if (model)
		accel_model_unref(model);
	if (dev)
		accel_device_unref(dev);
	free(b.lat_ms);
	snpu_io_model_free(&m);
	return ret;
}
