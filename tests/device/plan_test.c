// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Hardware-aware plans on the device. tests/plan/plan-demo.sh planned the
 * small CNN for edge-tiny, edge-mid and edge-max (each within the cycles
 * of uniform sparsity on that platform); here one VM holds all three
 * platforms at once (three emulated devices, one firmware each) and
 * every plan runs on its own platform through libaccel's profiled jobs:
 *   - every layer's device cycles equal the host engine's (the report's
 *     "measured"), and the cost model's static prediction exactly on
 *     edge-tiny, within 2 % where zero skipping is data dependent;
 *   - the plan meets its latency budget in device-counted cycles;
 *   - the device's outputs equal the independent int8 reference's;
 *   - a model packed for one platform is refused by a platform lacking
 *     its encodings, with the reason.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel.h"
#include "npy.h"
#include "snpu_dev.h"
#include "snpu_model.h"
#include "snpu_test.h"

#define PLAN_DIR	"build/tests/data/plan"
/* The report's engine cycles are a mean over the first 100 test images. */
#define IMAGES		100
#define CHECKED		1000
#define MAX_LAYERS	SNPU_MODEL_MAX_LAYERS

static const char *const platforms[] = { "edge-tiny", "edge-mid", "edge-max" };

/* What the host's report says of one plan. */
struct plan_report {
	double budget;
	double predicted[MAX_LAYERS];
	double measured[MAX_LAYERS];
	unsigned int n;
};

static char *slurp(const char *path)
{
	void *buf;
	size_t size;
	char *s;

	if (snpu_npy_read_file(path, 1 << 24, &buf, &size))
		return NULL;
	s = realloc(buf, size + 1);
	if (!s) {
		free(buf);
		return NULL;
	}
	s[size] = '\0';
	return s;
}

/* The number after "@key": in @s (our own report's JSON), or NAN. */
static double json_num(const char *s, const char *key, const char **end)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(s, pat);
	if (!p)
		return NAN;
	p += strlen(pat);
	if (end)
		*end = p;
	return strtod(p, NULL);
}

static int report_load(const char *platform, struct plan_report *r)
{
	char path[256];
	const char *p;
	char *s;

	snprintf(path, sizeof(path), PLAN_DIR "/plan-%s.json", platform);
	s = slurp(path);
	if (!s)
		return -ENOENT;
	memset(r, 0, sizeof(*r));
	r->budget = json_num(s, "latency_budget", NULL);
	p = strstr(s, "\"layer_cycles\": [");
	while (p && r->n < MAX_LAYERS) {
		const char *q;

		r->predicted[r->n] = json_num(p, "predicted", &q);
		if (isnan(r->predicted[r->n]))
			break;
		r->measured[r->n] = json_num(q, "measured", &q);
		r->n++;
		p = q;
	}
	free(s);
	return r->n && !isnan(r->budget) ? 0 : -EINVAL;
}

static void *npy_data(const char *path, void **owner, uint32_t *count,
		      uint32_t *bytes)
{
	struct snpu_npy_array a;
	size_t size;

	*owner = NULL;
	if (snpu_npy_read_file(path, 1 << 26, owner, &size) ||
	    snpu_npy_parse(*owner, size, &a) || a.ndim < 1) {
		free(*owner);
		*owner = NULL;
		return NULL;
	}
	*count = (uint32_t)a.shape[0];
	*bytes = (uint32_t)(a.count / a.shape[0]);
	return (void *)a.data;
}

FIXTURE(plan) {
	accel_device *dev[3];
};

FIXTURE_SETUP(plan)
{
	struct accel_device_info *list = NULL;
	int n, i;

	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load("emulate=3 emulate_fw=snpu/edge-tiny.bin,snpu/edge-mid.bin,snpu/edge-max.bin"));
	n = accel_devices_get(&list);
	ASSERT_EQ(3, n);
	/* find each platform's device by the name its firmware gives */
	for (i = 0; i < 3; i++) {
		int j;

		self->dev[i] = NULL;
		for (j = 0; j < n; j++)
			if (!strcmp(list[j].platform, platforms[i]))
				ASSERT_EQ(0, accel_device_open(list[j].node,
							       &self->dev[i]));
		ASSERT_NE(NULL, self->dev[i]);
	}
	accel_devices_free(list);
}

FIXTURE_TEARDOWN(plan)
{
	for (int i = 0; i < 3; i++)
		accel_device_unref(self->dev[i]);
	EXPECT_EQ(0, snpu_module_unload());
}

/*
 * Run @n images of @x one job each, profiled; per layer mean cycles into
 * @mean, every output into @y. 0 or a libaccel error.
 */
static int run_profiled(accel_device *dev, accel_model *m, const int8_t *x,
			uint32_t n, int8_t *y, double *mean)
{
	struct accel_counters lc[MAX_LAYERS], c;
	uint64_t sum[MAX_LAYERS] = { 0 };
	uint32_t nl = accel_model_layer_count(m), i, l;
	size_t ib = accel_model_input_bytes(m), ob = accel_model_output_bytes(m);
	accel_buffer *in = NULL, *out = NULL;
	void *im, *om;
	int ret;

	ret = accel_buffer_new(dev, ib, 0, &in);
	if (!ret)
		ret = accel_buffer_new(dev, ob, 0, &out);
	if (!ret)
		ret = accel_buffer_map(in, &im);
	if (!ret)
		ret = accel_buffer_map(out, &om);
	for (i = 0; !ret && i < n; i++) {
		struct accel_io io = { .in = in, .out = out, .batch = 1 };
		uint64_t job_sum = 0;
		accel_job *job;

		memcpy(im, x + i * ib, ib);
		ret = accel_submit_profiled(m, &io, NULL, &job);
		if (ret)
			break;
		ret = accel_job_wait(job, 20000000000ll);
		if (!ret)
			ret = accel_job_layer_counters(job, lc, nl);
		if (!ret)
			ret = accel_job_counters(job, &c);
		accel_job_unref(job);
		for (l = 0; !ret && l < nl; l++) {
			sum[l] += lc[l].cycles;
			job_sum += lc[l].cycles;
		}
		/* the layers add up to the job */
		if (!ret && job_sum != c.cycles)
			ret = -EBADMSG;
		memcpy(y + i * ob, om, ob);
	}
	for (l = 0; l < nl; l++)
		mean[l] = n ? (double)sum[l] / n : 0;
	accel_buffer_unref(in);
	accel_buffer_unref(out);
	return ret;
}

TEST_F_TIMEOUT(plan, each_platform_runs_its_plan_as_predicted, 600)
{
	for (int p = 0; p < 3; p++) {
		struct plan_report r;
		double mean[MAX_LAYERS], total;
		void *xo, *ro;
		uint32_t n, ib, rn, rb, nl, i, same = 0;
		const int8_t *x, *ref;
		accel_model *m;
		int8_t *y;
		char path[256];

		ASSERT_EQ(0, report_load(platforms[p], &r));
		snprintf(path, sizeof(path), PLAN_DIR "/test-%s.npy",
			 platforms[p]);
		x = npy_data(path, &xo, &n, &ib);
		ASSERT_NE(NULL, x);
		snprintf(path, sizeof(path), PLAN_DIR "/ref-%s.npy",
			 platforms[p]);
		ref = npy_data(path, &ro, &rn, &rb);
		ASSERT_NE(NULL, ref);
		ASSERT_LE(CHECKED, n);
		snprintf(path, sizeof(path), PLAN_DIR "/plan-%s.snpu",
			 platforms[p]);
		ASSERT_EQ(0, accel_model_load_file(self->dev[p], path, &m));
		nl = accel_model_layer_count(m);
		ASSERT_EQ(r.n, nl);
		ASSERT_EQ(ib, accel_model_input_bytes(m));
		y = malloc((size_t)CHECKED * rb);
		ASSERT_NE(NULL, y);

		/* cycles: the first 100 images, as the host measured them */
		ASSERT_EQ(0, run_profiled(self->dev[p], m, x, IMAGES, y, mean));
		total = 0;
		for (uint32_t l = 0; l < nl; l++) {
			double err = fabs(mean[l] - r.predicted[l]) / mean[l];

			printf("# %s layer %u: device %.1f, host engine %.1f, predicted %.1f (%.3f %%)\n",
			       platforms[p], l, mean[l], r.measured[l],
			       r.predicted[l], 100 * err);
			EXPECT_LT(fabs(mean[l] - r.measured[l]), 1e-6 * mean[l]);
			if (p == 0)
				EXPECT_EQ(mean[l], r.predicted[l]);
			else
				EXPECT_LE(err, 0.02);
			total += round(mean[l] * IMAGES);
		}
		total /= IMAGES;
		printf("# %s: %.1f cycles per inference on the device, budget %.0f\n",
		       platforms[p], total, r.budget);
		EXPECT_LE(total, r.budget);

		/* outputs: the first 1000 images against the reference */
		ASSERT_EQ(0, run_profiled(self->dev[p], m, x + (size_t)IMAGES * ib,
					  CHECKED - IMAGES, y + (size_t)IMAGES * rb,
					  mean));
		for (i = 0; i < CHECKED; i++)
			same += !memcmp(y + (size_t)i * rb, ref + (size_t)i * rb,
					rb);
		EXPECT_EQ(CHECKED, same);
		free(y);
		free(xo);
		free(ro);
		accel_model_unref(m);
	}
}

/* 70 % unstructured packs CSR on edge-mid; edge-tiny runs dense and 2:4. */
TEST_F(plan, model_for_mid_refused_by_tiny_with_reason)
{
	accel_model *m = NULL;
	int ret;

	ret = accel_model_load_file(self->dev[0],
				    PLAN_DIR "/uniform-edge-mid.snpu", &m);
	EXPECT_EQ(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_UNSUPPORTED_ENCODING, ret);
	EXPECT_NE(NULL, strstr(accel_strerror(ret), "encoding"));
	if (m)
		accel_model_unref(m);
}

TEST_HARNESS_MAIN
