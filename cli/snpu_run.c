// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * snpu run: one batch of inputs through a packed model on the device.
 *
 * Everything that can be checked without a device (the model file, the
 * input files, their sizes) is checked first, so a bad file gives exit
 * status 4 whether or not the driver is loaded. A batch over the device's
 * max_batch runs as several jobs.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_cli.h"
#include "snpu_io.h"

static void snpu_run_counters_add(struct accel_counters *sum,
				  const struct accel_counters *c)
{
	sum->cycles += c->cycles;
	sum->macs += c->macs;
	sum->macs_skipped_weight += c->macs_skipped_weight;
	sum->macs_skipped_act += c->macs_skipped_act;
	sum->bytes_read += c->bytes_read;
	sum->bytes_written += c->bytes_written;
}

static void snpu_run_counters_print(const struct accel_counters *c,
				    const struct accel_caps *caps)
{
	printf("cycles               %llu\n", (unsigned long long)c->cycles);
	printf("macs                 %llu\n", (unsigned long long)c->macs);
	printf("macs_skipped_weight  %llu\n",
	       (unsigned long long)c->macs_skipped_weight);
	printf("macs_skipped_act     %llu\n",
	       (unsigned long long)c->macs_skipped_act);
	printf("bytes_read           %llu\n",
	       (unsigned long long)c->bytes_read);
	printf("bytes_written        %llu\n",
	       (unsigned long long)c->bytes_written);
	if (caps->clock_khz)
		printf("modeled_ms           %.6f\n",
		       (double)c->cycles / caps->clock_khz);
}

int snpu_cmd_run(const struct snpu_args *a)
{
	struct accel_buffer *in = NULL, *out = NULL;
	struct accel_counters sum = { 0 }, cnt;
	struct accel_device_info info;
	struct snpu_io_model m;
	struct accel_caps caps;
	accel_device *dev = NULL;
	accel_model *model = NULL;
	int8_t *data = NULL, *result = NULL;
	void *in_map, *out_map;
	uint32_t batch, chunk, done;
	double t0;
	int ret;

	ret = snpu_io_model_load(a->model, &m, stderr);
	if (ret)
		return ret;
	ret = snpu_io_inputs_load(a, &m, &data, &batch, stderr);
	if (ret)
		goto out;
	ret = snpu_cli_open(a->device, &dev, &info, &caps);
	if (ret)
		goto out;

	ret = snpu_cli_load_model(dev, &info, a->model, &m, &model);
	if (ret)
		goto out;
	if (accel_model_input_bytes(model) != m.in_bytes ||
	    accel_model_output_bytes(model) != m.out_bytes) {
		fprintf(stderr, "snpu: %s: libaccel sees %zu/%zu input/output bytes, the file says %u/%u\n",
			a->model, accel_model_input_bytes(model),
			accel_model_output_bytes(model), m.in_bytes,
			m.out_bytes);
		ret = SNPU_EXIT_FAIL;
		goto out;
	}

	chunk = caps.max_batch && caps.max_batch < batch ? caps.max_batch :
		batch;
	result = malloc((size_t)batch * m.out_bytes);
	ret = result ? accel_buffer_new(dev, (size_t)chunk * m.in_bytes,
					ACCEL_BUFFER_WC, &in) : -ENOMEM;
	if (!ret)
		ret = accel_buffer_new(dev, (size_t)chunk * m.out_bytes, 0,
				       &out);
	if (!ret)
		ret = accel_buffer_map(in, &in_map);
	if (!ret)
		ret = accel_buffer_map(out, &out_map);
	if (ret) {
		fprintf(stderr, "snpu: %s: buffers for %u samples: %s\n",
			info.node, chunk, accel_strerror(ret));
		ret = SNPU_EXIT_FAIL;
		goto out;
	}

	t0 = snpu_cli_now();
	for (done = 0; done < batch; done += chunk) {
		uint32_t n = batch - done < chunk ? batch - done : chunk;
		struct accel_io io = {
			.in = in, .out = out, .batch = n,
		};

		memcpy(in_map, data + (size_t)done * m.in_bytes,
		       (size_t)n * m.in_bytes);
		ret = accel_run(model, &io, &cnt);
		if (ret) {
			fprintf(stderr, "snpu: %s: run of samples %u..%u: %s\n",
				info.node, done, done + n - 1,
				accel_strerror(ret));
			ret = SNPU_EXIT_FAIL;
			goto out;
		}
		memcpy(result + (size_t)done * m.out_bytes, out_map,
		       (size_t)n * m.out_bytes);
		snpu_run_counters_add(&sum, &cnt);
	}

	if (a->output) {
		ret = snpu_io_output_write(a->output, a->output_raw, result,
					   batch, m.out_bytes, stderr);
		if (ret)
			goto out;
	}
	if (a->top_k)
		snpu_io_top_k_print(stdout, result, batch, m.out_bytes,
				    a->top_k);
	if (a->counters)
		snpu_run_counters_print(&sum, &caps);
	if (!a->output && !a->top_k && !a->counters)
		printf("%u samples through %s on %s (%s) in %.3f ms; see --output, --top-k, --counters\n",
		       batch, a->model, info.node, info.platform,
		       (snpu_cli_now() - t0) * 1e3);
	ret = SNPU_EXIT_OK;
out:
	if (in)
		accel_buffer_unref(in);
	if (out)
		accel_buffer_unref(out);
	if (model)
		accel_model_unref(model);
	if (dev)
		accel_device_unref(dev);
	free(result);
	free(data);
	snpu_io_model_free(&m);
	return ret;
}
