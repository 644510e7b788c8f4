// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Inference through the driver: MODEL_CREATE and SUBMIT against the
 * independent int8 reference, bit for bit; many processes at once; every
 * error path; a hung job recovered by reset; a killed process leaking
 * nothing.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>

#include "snpu_dev.h"
#include "snpu_engine.h"
#include "snpu_engine_impl.h"
#include "snpu_fw_parse.h"
#include "snpu_model_parse.h"
#include "snpu_ref.h"
#include "snpu_test.h"
#include "snpu_tjob.h"
#include "snpu_tmodel.h"


/*
 * What the cost model predicts for a job: the host build of the engine
 * run on the same input with the platform of @fw_name (the firmware the
 * device booted). The pruner plans with exactly this (snpu_cost.h: one
 * cost model), so the device's counters must equal it field by field.
 *
 * Scalar kernels only: this runs inside the QEMU guest, and QEMU 7.2's
 * TCG computes some of the engine's AVX2 kernels wrongly (an FC layer's
 * activations differ from what a real AVX2 CPU and the scalar kernels
 * give; on real hardware both paths agree, see check-engine). The kernel
 * module runs the scalar kernels as well.
 */
static int host_counters(const struct snpu_tmodel *tm, const char *fw_name,
			 uint32_t batch, unsigned int seed,
			 struct snpu_counters *c, struct snpu_counters *layers)
{
	struct snpu_engine_ctx ctx = {
		.counters = c, .layers = layers, .n_layers = tm->pm.n_layers,
	};
	struct snpu_model_view view;
	struct snpu_fw_info fw;
	void *image, *mem = NULL, *scratch = NULL;
	int8_t *in = NULL, *out = NULL;
	size_t size, n, s;
	int ret = -ENOMEM;

	image = snpu_fw_read(fw_name, &size);
	if (!image)
		return -ENOENT;
	ret = snpu_fw_parse(image, size, &fw);
	free(image);
	if (ret)
		return -EINVAL;
	ctx.plat = &fw.platform;
	if (snpu_model_parse(tm->blob, tm->size, &fw.platform, &view))
		return -EINVAL;
	n = snpu_engine_prepared_size(&view, tm->blob);
	ret = -ENOMEM;
	if (posix_memalign(&mem, 8, n))
		return -ENOMEM;
	if (snpu_engine_prepare(&view, tm->blob, mem, n))
		goto out;
	s = snpu_engine_scratch_size(mem, batch);
	in = malloc((size_t)batch * tm->in_bytes);
	out = malloc((size_t)batch * tm->out_bytes);
	if (!in || !out || posix_memalign(&scratch, 8, s))
		goto out;
	snpu_tmodel_input(tm, in, batch, seed);
	snpu_engine_force_scalar(true);
	ret = snpu_engine_run(mem, in, out, batch, scratch, s, &ctx) ?
	      -EINVAL : 0;
out:
	free(mem);
	free(scratch);
	free(in);
	free(out);
	return ret;
}

/* ---- differential: every encoding, three graphs ------------------------ */

FIXTURE(diff) {
	int fd;
	int minor;
	struct snpu_tmodel tm;
	uint32_t model;
};

FIXTURE_VARIANT(diff) {
	enum snpu_tmodel_kind kind;
	uint32_t encoding;
	uint32_t variant;
};

#define DIFF_VARIANT(name, k, e, v) \
	FIXTURE_VARIANT_ADD(diff, name) { .kind = k, .encoding = e, .variant = v }

DIFF_VARIANT(mlp_dense, SNPU_TMODEL_MLP, SNPU_ENC_DENSE, 0);
DIFF_VARIANT(mlp_csr, SNPU_TMODEL_MLP, SNPU_ENC_CSR, 0);
DIFF_VARIANT(mlp_nm_2_4, SNPU_TMODEL_MLP, SNPU_ENC_NM, SNPU_NM_2_4);
DIFF_VARIANT(mlp_nm_1_4, SNPU_TMODEL_MLP, SNPU_ENC_NM, SNPU_NM_1_4);
DIFF_VARIANT(mlp_nm_2_8, SNPU_TMODEL_MLP, SNPU_ENC_NM, SNPU_NM_2_8);
DIFF_VARIANT(mlp_block_1x4, SNPU_TMODEL_MLP, SNPU_ENC_BLOCK, SNPU_BLOCK_1X4);
DIFF_VARIANT(mlp_block_4x4, SNPU_TMODEL_MLP, SNPU_ENC_BLOCK, SNPU_BLOCK_4X4);
DIFF_VARIANT(mlp_block_1x16, SNPU_TMODEL_MLP, SNPU_ENC_BLOCK, SNPU_BLOCK_1X16);
DIFF_VARIANT(cnn_dense, SNPU_TMODEL_CNN, SNPU_ENC_DENSE, 0);
DIFF_VARIANT(cnn_csr, SNPU_TMODEL_CNN, SNPU_ENC_CSR, 0);
DIFF_VARIANT(cnn_nm_2_4, SNPU_TMODEL_CNN, SNPU_ENC_NM, SNPU_NM_2_4);
DIFF_VARIANT(cnn_block_4x4, SNPU_TMODEL_CNN, SNPU_ENC_BLOCK, SNPU_BLOCK_4X4);
DIFF_VARIANT(cnn_block_1x16, SNPU_TMODEL_CNN, SNPU_ENC_BLOCK, SNPU_BLOCK_1X16);
DIFF_VARIANT(residual_dense, SNPU_TMODEL_RESIDUAL, SNPU_ENC_DENSE, 0);
DIFF_VARIANT(residual_csr, SNPU_TMODEL_RESIDUAL, SNPU_ENC_CSR, 0);

FIXTURE_SETUP(diff)
{
	uint32_t status;

	ASSERT_EQ(0, snpu_module_unload());
	/* the firmware host_counters() predicts with */
	ASSERT_EQ(0, snpu_module_load("emulate_fw=snpu/edge-mid.bin"));
	self->fd = snpu_open_first();
	ASSERT_LE(0, self->fd);
	self->minor = snpu_fd_minor(self->fd);
	ASSERT_EQ(0, snpu_tmodel_build(&self->tm, variant->kind,
				       variant->encoding, variant->variant,
				       17));
	ASSERT_EQ(0, __snpu_model_create(self->fd, self->tm.blob,
					 self->tm.size, &self->model,
					 &status));
	ASSERT_EQ(0, status);
}

FIXTURE_TEARDOWN(diff)
{
	snpu_tmodel_free(&self->tm);
	close(self->fd);
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"bo_count"));
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"model_count"));
	EXPECT_EQ(0, snpu_module_unload());
}

TEST_F(diff, device_equals_reference)
{
	static const uint32_t batches[] = { 1, 7, 64 };
	struct drm_snpu_layer_counters dl[SNPU_TMODEL_MAX];
	struct snpu_counters h, hl[SNPU_TMODEL_MAX];
	struct drm_snpu_job_counters c;
	unsigned int i, l;

	for (i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		/* batch 7 is profiled: every layer's counters too */
		ASSERT_EQ(0, snpu_tmodel_check(self->fd, &self->tm, self->model,
					       batches[i], 100 + i, &c,
					       i == 1 ? dl : NULL));
		EXPECT_EQ(0, c.status);
		EXPECT_LT(0, c.cycles);
		EXPECT_LT(0, c.macs);
		/* measured on the device == predicted by the cost model */
		ASSERT_EQ(0, host_counters(&self->tm, "edge-mid.bin",
					   batches[i], 100 + i, &h, hl));
		for (l = 0; i == 1 && l < self->tm.pm.n_layers; l++) {
			EXPECT_EQ(hl[l].cycles, dl[l].cycles);
			EXPECT_EQ(hl[l].macs, dl[l].macs);
			EXPECT_EQ(hl[l].macs_skipped_weight,
				  dl[l].macs_skipped_weight);
			EXPECT_EQ(hl[l].macs_skipped_act,
				  dl[l].macs_skipped_act);
			EXPECT_EQ(hl[l].bytes_read, dl[l].bytes_read);
			EXPECT_EQ(hl[l].bytes_written, dl[l].bytes_written);
		}
		EXPECT_EQ(h.cycles, c.cycles);
		EXPECT_EQ(h.macs, c.macs);
		EXPECT_EQ(h.macs_skipped_weight, c.macs_skipped_weight);
		EXPECT_EQ(h.macs_skipped_act, c.macs_skipped_act);
		EXPECT_EQ(h.bytes_read, c.bytes_read);
		EXPECT_EQ(h.bytes_written, c.bytes_written);
		EXPECT_LE(batches[i] * self->tm.out_bytes, c.bytes_written);
		EXPECT_LT(batches[i] * self->tm.in_bytes, c.bytes_read);
		if (variant->encoding != SNPU_ENC_DENSE)
			EXPECT_LT(0, c.macs_skipped_weight);
	}
}

/* ---- jobs: errors, concurrency, recovery -------------------------------- */

FIXTURE(job) {
	int fd;
	int minor;
	struct snpu_tmodel tm;
	uint32_t model;
	struct snpu_job_bufs b;
};

FIXTURE_VARIANT(job) {
	const char *params;
};

FIXTURE_VARIANT_ADD(job, default) { .params = NULL };

static void job_open_all(struct __test_metadata *_metadata,
		      FIXTURE_DATA(job) *self, const char *params)
{
	uint32_t status;

	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load(params));
	self->fd = snpu_open_first();
	ASSERT_LE(0, self->fd);
	self->minor = snpu_fd_minor(self->fd);
	ASSERT_EQ(0, snpu_tmodel_build(&self->tm, SNPU_TMODEL_MLP,
				       SNPU_ENC_CSR, 0, 5));
	ASSERT_EQ(0, __snpu_model_create(self->fd, self->tm.blob,
					 self->tm.size, &self->model,
					 &status));
	ASSERT_EQ(0, snpu_job_bufs_create(self->fd, &self->b,
					  4 * self->tm.in_bytes,
					  4 * self->tm.out_bytes));
}

FIXTURE_SETUP(job)
{
	/* Short deadline so the hang test is quick. */
	job_open_all(_metadata, self, variant->params ? variant->params :
		  "job_timeout_ms=1500");
}

FIXTURE_TEARDOWN(job)
{
	snpu_job_bufs_destroy(self->fd, &self->b);
	snpu_tmodel_free(&self->tm);
	close(self->fd);
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"bo_count"));
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"model_count"));
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"jobs_live"));
	EXPECT_EQ(0, snpu_module_unload());
}

/* The device still computes right after whatever the test did. */
static void expect_device_works(struct __test_metadata *_metadata,
				FIXTURE_DATA(job) *self)
{
	EXPECT_EQ(0, snpu_tmodel_check(self->fd, &self->tm, self->model, 3, 9,
				       NULL, NULL));
}

TEST_F(job, model_create_returns_sample_sizes)
{
	struct drm_snpu_model_create args = {
		.data = (uintptr_t)self->tm.blob,
		.size = self->tm.size,
	};

	ASSERT_EQ(0, snpu_ioctl(self->fd, DRM_IOCTL_SNPU_MODEL_CREATE, &args));
	EXPECT_NE(0, args.handle);
	EXPECT_NE(self->model, args.handle);
	EXPECT_EQ(self->tm.in_bytes, args.input_bytes);
	EXPECT_EQ(self->tm.out_bytes, args.output_bytes);
	EXPECT_EQ(self->tm.pm.n_layers, args.layer_count);
	EXPECT_EQ(SNPU_MODEL_NONE, args.status_layer);
	EXPECT_EQ(2, snpu_debugfs_value(self->minor, "snpu_objects",
					"model_count"));
}

TEST_F(job, garbage_model_rejected_with_status)
{
	uint8_t junk[512];
	uint32_t h, status = 0;
	unsigned int i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	EXPECT_EQ(-EINVAL, __snpu_model_create(self->fd, junk, sizeof(junk),
					       &h, &status));
	EXPECT_EQ(SNPU_MODEL_E_MAGIC, status);
	expect_device_works(_metadata, self);
}

TEST_F(job, corrupt_model_rejected_with_status)
{
	uint8_t *copy = malloc(self->tm.size);
	uint32_t h, status = 0;

	ASSERT_NE(NULL, copy);
	memcpy(copy, self->tm.blob, self->tm.size);
	copy[self->tm.size - 1] ^= 1;
	EXPECT_EQ(-EINVAL, __snpu_model_create(self->fd, copy, self->tm.size,
					       &h, &status));
	EXPECT_EQ(SNPU_MODEL_E_CRC, status);
	free(copy);
}

TEST_F(job, model_create_bad_arguments)
{
	struct drm_snpu_model_create args = {
		.data = (uintptr_t)self->tm.blob,
		.size = self->tm.size,
	};

	args.flags = 1;
	EXPECT_EQ(-EINVAL, snpu_ioctl(self->fd, DRM_IOCTL_SNPU_MODEL_CREATE,
				      &args));
	args.flags = 0;
	args.size = 0;
	EXPECT_EQ(-EINVAL, snpu_ioctl(self->fd, DRM_IOCTL_SNPU_MODEL_CREATE,
				      &args));
	args.size = SNPU_MODEL_MAX_SIZE + 1;
	EXPECT_EQ(-EINVAL, snpu_ioctl(self->fd, DRM_IOCTL_SNPU_MODEL_CREATE,
				      &args));
	args.size = self->tm.size;
	args.data = 8;
	EXPECT_EQ(-EFAULT, snpu_ioctl(self->fd, DRM_IOCTL_SNPU_MODEL_CREATE,
				      &args));
}

TEST_F(job, submit_unknown_model_rejected)
{
	struct drm_snpu_submit args = snpu_job_args(self->model + 100, 1,
						    &self->b);

	EXPECT_EQ(-ENOENT, __snpu_submit(self->fd, &args));
}

TEST_F(job, submit_destroyed_model_rejected)
{
	struct drm_snpu_submit args = snpu_job_args(self->model, 1, &self->b);

	ASSERT_EQ(0, __snpu_model_destroy(self->fd, self->model));
	EXPECT_EQ(-ENOENT, __snpu_submit(self->fd, &args));
	EXPECT_EQ(-ENOENT, __snpu_model_destroy(self->fd, self->model));
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"model_count"));
}

TEST_F(job, model_destroy_nonzero_pad_rejected)
{
	struct drm_snpu_model_destroy args = { .handle = self->model, .pad = 1 };

	EXPECT_EQ(-EINVAL, snpu_ioctl(self->fd, DRM_IOCTL_SNPU_MODEL_DESTROY,
				      &args));
}

TEST_F(job, submit_wrong_buffer_handle_rejected)
{
	struct drm_snpu_submit args = snpu_job_args(self->model, 1, &self->b);

	args.in_handle = 999;
	EXPECT_EQ(-ENOENT, __snpu_submit(self->fd, &args));
	args = snpu_job_args(self->model, 1, &self->b);
	args.out_handle = 999;
	EXPECT_EQ(-ENOENT, __snpu_submit(self->fd, &args));
	args = snpu_job_args(self->model, 1, &self->b);
	args.counters_handle = 999;
	EXPECT_EQ(-ENOENT, __snpu_submit(self->fd, &args));
	expect_device_works(_metadata, self);
}

TEST_F(job, submit_output_buffer_too_small_rejected)
{
	struct drm_snpu_submit args = snpu_job_args(self->model, 4, &self->b);
	struct drm_snpu_bo_info info;

	/* Buffers are whole pages: 3 samples fit before the end, 4 do not. */
	ASSERT_EQ(0, __snpu_bo_info(self->fd, self->b.out, &info));
	args.out_offset = info.size - 3 * self->tm.out_bytes;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
	args.batch = 3;
	EXPECT_EQ(0, __snpu_submit(self->fd, &args));
	ASSERT_EQ(0, snpu_syncobj_wait(self->fd, self->b.syncobj,
				       SNPU_TJOB_WAIT_MS));

	args.batch = 4;
	args.out_offset = ~0ull - 2;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
	args.out_offset = 0;
	args.in_offset = info.size;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
	expect_device_works(_metadata, self);
}

TEST_F(job, submit_bad_batch_rejected)
{
	struct drm_snpu_submit args = snpu_job_args(self->model, 0, &self->b);
	uint64_t max;

	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
	ASSERT_EQ(0, __snpu_get_param(self->fd, DRM_SNPU_PARAM_MAX_BATCH, 0,
				      &max));
	args.batch = (uint32_t)max + 1;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
}

TEST_F(job, submit_unknown_flags_rejected)
{
	struct drm_snpu_submit args = snpu_job_args(self->model, 1, &self->b);

	args.flags = 2;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
	args.flags = 1u << 31;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
	expect_device_works(_metadata, self);
}

TEST_F(job, submit_layer_counters_need_room)
{
	struct drm_snpu_submit args = snpu_job_args(self->model, 1, &self->b);
	size_t need = sizeof(struct drm_snpu_job_counters) +
		      self->tm.pm.n_layers *
		      sizeof(struct drm_snpu_layer_counters);

	/* no counters buffer to write them to */
	args.flags = DRM_SNPU_SUBMIT_LAYER_COUNTERS;
	args.counters_handle = 0;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
	/* room for the job's counters, not for every layer's */
	args = snpu_job_args(self->model, 1, &self->b);
	args.flags = DRM_SNPU_SUBMIT_LAYER_COUNTERS;
	args.counters_offset = 4096 - sizeof(struct drm_snpu_job_counters);
	args.counters_offset &= ~7ull;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
	/* exactly enough */
	args.counters_offset = (4096 - need) & ~7ull;
	EXPECT_EQ(0, __snpu_submit(self->fd, &args));
	EXPECT_EQ(0, snpu_syncobj_wait(self->fd, self->b.syncobj,
				       SNPU_TJOB_WAIT_MS));
	expect_device_works(_metadata, self);
}

/* The per-layer counters add up to the job's. */
TEST_F(job, layer_counters_sum_to_job_counters)
{
	struct drm_snpu_layer_counters l[SNPU_TMODEL_MAX];
	struct drm_snpu_job_counters c;
	struct drm_snpu_layer_counters sum = { 0 };
	unsigned int i;

	ASSERT_EQ(0, snpu_tmodel_check(self->fd, &self->tm, self->model, 5, 3,
				       &c, l));
	for (i = 0; i < self->tm.pm.n_layers; i++) {
		EXPECT_LT(0, l[i].cycles);
		EXPECT_LT(0, l[i].bytes_written);
		sum.cycles += l[i].cycles;
		sum.macs += l[i].macs;
		sum.macs_skipped_weight += l[i].macs_skipped_weight;
		sum.macs_skipped_act += l[i].macs_skipped_act;
		sum.bytes_read += l[i].bytes_read;
		sum.bytes_written += l[i].bytes_written;
	}
	EXPECT_EQ(c.cycles, sum.cycles);
	EXPECT_EQ(c.macs, sum.macs);
	EXPECT_EQ(c.macs_skipped_weight, sum.macs_skipped_weight);
	EXPECT_EQ(c.macs_skipped_act, sum.macs_skipped_act);
	EXPECT_EQ(c.bytes_read, sum.bytes_read);
	EXPECT_EQ(c.bytes_written, sum.bytes_written);
}

TEST_F(job, submit_overlapping_ranges_rejected)
{
	struct drm_snpu_submit args = snpu_job_args(self->model, 1, &self->b);

	args.out_handle = self->b.in;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
	args = snpu_job_args(self->model, 1, &self->b);
	args.counters_handle = self->b.out;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
}

TEST_F(job, submit_bad_counters_offset_rejected)
{
	struct drm_snpu_submit args = snpu_job_args(self->model, 1, &self->b);

	args.counters_offset = 4;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
	args.counters_offset = 4096 - 8;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
	args.counters_handle = 0;
	args.counters_offset = 8;
	EXPECT_EQ(-EINVAL, __snpu_submit(self->fd, &args));
}

TEST_F(job, submit_unknown_syncobj_rejected)
{
	struct drm_snpu_submit args = snpu_job_args(self->model, 1, &self->b);

	args.out_syncobj = 999;
	EXPECT_EQ(-ENOENT, __snpu_submit(self->fd, &args));
	args = snpu_job_args(self->model, 1, &self->b);
	args.in_syncobj = 999;
	EXPECT_EQ(-ENOENT, __snpu_submit(self->fd, &args));
	expect_device_works(_metadata, self);
}

TEST_F(job, in_syncobj_orders_jobs)
{
	struct drm_snpu_submit first = snpu_job_args(self->model, 4, &self->b);
	struct snpu_job_bufs b2;
	struct drm_snpu_submit second;

	/* The second job reads what the first wrote, once it is done. */
	ASSERT_EQ(0, snpu_job_bufs_create(self->fd, &b2, 4 * self->tm.out_bytes,
					  4 * self->tm.out_bytes));
	snpu_tmodel_input(&self->tm, self->b.in_map, 4, 3);
	ASSERT_EQ(0, __snpu_submit(self->fd, &first));
	second = snpu_job_args(self->model, 1, &b2);
	second.in_handle = self->b.out;
	second.in_syncobj = self->b.syncobj;
	/* MLP: 10 outputs, 96 inputs; read 96 bytes from 4 * 10 written. */
	ASSERT_EQ(0, __snpu_submit(self->fd, &second));
	ASSERT_EQ(0, snpu_syncobj_wait(self->fd, b2.syncobj,
				       SNPU_TJOB_WAIT_MS));
	/* Implicit order too: the first job was done before the second ran. */
	EXPECT_EQ(1, snpu_syncobj_status(self->fd, self->b.syncobj));
	EXPECT_EQ(1, snpu_syncobj_status(self->fd, b2.syncobj));
	snpu_job_bufs_destroy(self->fd, &b2);
}

TEST_F(job, model_destroyed_while_job_in_flight_still_runs)
{
	struct drm_snpu_submit args = snpu_job_args(self->model, 4, &self->b);
	int8_t expect[4 * 10];

	ASSERT_EQ(10, self->tm.out_bytes);
	snpu_tmodel_input(&self->tm, self->b.in_map, 4, 21);
	ASSERT_EQ(0, snpu_ref_run(&self->tm.pm, self->b.in_map, expect, 4));
	ASSERT_EQ(0, __snpu_submit(self->fd, &args));
	ASSERT_EQ(0, __snpu_model_destroy(self->fd, self->model));
	ASSERT_EQ(0, snpu_syncobj_wait(self->fd, self->b.syncobj,
				       SNPU_TJOB_WAIT_MS));
	EXPECT_EQ(1, snpu_syncobj_status(self->fd, self->b.syncobj));
	EXPECT_EQ(0, memcmp(expect, self->b.out_map, sizeof(expect)));
	/* The job held the last reference; it goes when the job is freed. */
	ASSERT_EQ(0, snpu_wait_jobs_freed(self->minor));
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"model_count"));
}

TEST_F_TIMEOUT(job, hung_job_fails_alone_and_device_recovers, 60)
{
	struct drm_snpu_submit hung = snpu_job_args(self->model, 2, &self->b);
	struct snpu_job_bufs b2;
	struct drm_snpu_submit next;
	int8_t expect[2 * 10];

	ASSERT_EQ(0, snpu_job_bufs_create(self->fd, &b2, 2 * self->tm.in_bytes,
					  2 * self->tm.out_bytes));
	snpu_tmodel_input(&self->tm, b2.in_map, 2, 33);
	ASSERT_EQ(0, snpu_ref_run(&self->tm.pm, b2.in_map, expect, 2));

	ASSERT_EQ(0, snpu_debugfs_write(self->minor, "snpu_inject", "hang"));
	ASSERT_EQ(0, __snpu_submit(self->fd, &hung));
	/* Queued behind the hung job: must run after the reset. */
	next = snpu_job_args(self->model, 2, &b2);
	ASSERT_EQ(0, __snpu_submit(self->fd, &next));

	ASSERT_EQ(0, snpu_syncobj_wait(self->fd, self->b.syncobj,
				       SNPU_TJOB_WAIT_MS));
	EXPECT_EQ(-ETIMEDOUT, snpu_syncobj_status(self->fd, self->b.syncobj));
	EXPECT_EQ(-ETIMEDOUT, self->b.cnt_map->status);

	ASSERT_EQ(0, snpu_syncobj_wait(self->fd, b2.syncobj,
				       SNPU_TJOB_WAIT_MS));
	EXPECT_EQ(1, snpu_syncobj_status(self->fd, b2.syncobj));
	EXPECT_EQ(0, b2.cnt_map->status);
	EXPECT_EQ(0, memcmp(expect, b2.out_map, sizeof(expect)));

	EXPECT_EQ(1, snpu_debugfs_value(self->minor, "snpu_state", "resets"));
	EXPECT_EQ(1, snpu_debugfs_value(self->minor, "snpu_state",
					"jobs_timedout"));
	snpu_job_bufs_destroy(self->fd, &b2);
	expect_device_works(_metadata, self);
}

TEST_F(job, bad_inject_command_rejected)
{
	EXPECT_EQ(-EINVAL, snpu_debugfs_write(self->minor, "snpu_inject", "explode"));
}

/* One process: its own file, model and buffers; 250 checked jobs. */
static int worker(unsigned int id)
{
	struct snpu_tmodel tm;
	uint32_t model, status;
	int fd, i, ret;

	fd = snpu_open_first();
	if (fd < 0)
		return 10;
	ret = snpu_tmodel_build(&tm, id % 2 ? SNPU_TMODEL_CNN : SNPU_TMODEL_MLP,
				id % 2 ? SNPU_ENC_NM : SNPU_ENC_CSR, 0, id);
	if (ret)
		return 11;
	if (__snpu_model_create(fd, tm.blob, tm.size, &model, &status))
		return 12;
	for (i = 0; i < 250; i++) {
		ret = snpu_tmodel_check(fd, &tm, model, 1 + i % 4, id * 1000 + i,
					NULL, NULL);
		if (ret) {
			printf("# worker %u job %d: %d\n", id, i, ret);
			return 13;
		}
	}
	snpu_tmodel_free(&tm);
	close(fd);
	return 0;
}

TEST_F_TIMEOUT(job, four_processes_250_jobs_each_all_correct, 600)
{
	pid_t pids[4];
	int i, status;

	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i])
			_exit(worker(i + 1));
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	ASSERT_EQ(0, snpu_wait_jobs_freed(self->minor));
	EXPECT_LE(1000, snpu_debugfs_value(self->minor, "snpu_state",
					   "jobs_completed"));
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_state",
					"jobs_failed"));
}

/* Submit a stream of jobs and never wait: the parent kills us. */
static void flooder(int ready_fd, int hang_minor)
{
	struct snpu_tmodel tm;
	struct snpu_job_bufs b;
	uint32_t model, status;
	struct drm_snpu_submit args;
	int fd, i;

	fd = snpu_open_first();
	if (fd < 0 || snpu_tmodel_build(&tm, SNPU_TMODEL_CNN, SNPU_ENC_DENSE,
					0, 77))
		_exit(1);
	if (__snpu_model_create(fd, tm.blob, tm.size, &model, &status) ||
	    snpu_job_bufs_create(fd, &b, 64 * tm.in_bytes, 64 * tm.out_bytes))
		_exit(2);
	if (hang_minor >= 0 && snpu_debugfs_write(hang_minor, "snpu_inject", "hang"))
		_exit(3);
	args = snpu_job_args(model, 64, &b);
	for (i = 0; i < 200; i++)
		if (__snpu_submit(fd, &args))
			_exit(4);
	if (write(ready_fd, "r", 1) != 1)
		_exit(5);
	pause();
	_exit(0);
}

static void kill_with_jobs_in_flight(struct __test_metadata *_metadata,
				     FIXTURE_DATA(job) *self, bool hang)
{
	int pipefd[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		flooder(pipefd[1], hang ? self->minor : -1);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	EXPECT_LE(1, snpu_debugfs_value(self->minor, "snpu_objects",
					"jobs_live"));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	close(pipefd[0]);
	close(pipefd[1]);

	/* The killed file's jobs, models and buffers are all gone. */
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"jobs_live"));
	EXPECT_EQ(1, snpu_debugfs_value(self->minor, "snpu_objects",
					"model_count"));
	EXPECT_EQ(3, snpu_debugfs_value(self->minor, "snpu_objects",
					"bo_count"));
	expect_device_works(_metadata, self);
}

TEST_F_TIMEOUT(job, killed_process_with_jobs_in_flight_leaks_nothing, 120)
{
	kill_with_jobs_in_flight(_metadata, self, false);
}

TEST_F_TIMEOUT(job, killed_process_with_hung_job_leaks_nothing, 120)
{
	kill_with_jobs_in_flight(_metadata, self, true);
	EXPECT_EQ(1, snpu_debugfs_value(self->minor, "snpu_state", "resets"));
}

/*
 * SRAM: a layer whose activations of one sample leave no room for weights
 * is refused at MODEL_CREATE, naming the layer; a platform with room runs
 * it. Weights over the room are streamed in tiles, the input once per
 * tile, exactly as the host's cost model counts.
 */
TEST(sram_too_small_for_activations_rejected_with_layer)
{
	struct drm_snpu_model_create args = { 0 };
	struct snpu_tmodel tm;
	uint32_t h, status = 0;
	int fd;

	ASSERT_EQ(0, snpu_tmodel_build(&tm, SNPU_TMODEL_BIG_ACT,
				       SNPU_ENC_DENSE, 0, 5));
	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load("emulate_fw=snpu/edge-tiny.bin"));
	fd = snpu_open_first();
	ASSERT_LE(0, fd);
	args.data = (uintptr_t)tm.blob;
	args.size = (uint32_t)tm.size;
	EXPECT_EQ(-EINVAL, snpu_ioctl(fd, DRM_IOCTL_SNPU_MODEL_CREATE, &args));
	EXPECT_EQ(SNPU_MODEL_E_UNSUPPORTED_SRAM, args.status);
	EXPECT_EQ(0, args.status_layer);
	close(fd);

	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load("emulate_fw=snpu/edge-mid.bin"));
	fd = snpu_open_first();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, __snpu_model_create(fd, tm.blob, tm.size, &h, &status));
	EXPECT_EQ(0, snpu_tmodel_check(fd, &tm, h, 1, 4, NULL, NULL));
	close(fd);
	snpu_tmodel_free(&tm);
	EXPECT_EQ(0, snpu_module_unload());
}

TEST(weights_over_sram_are_streamed_in_tiles)
{
	static const struct {
		const char *fw;
		uint64_t tiles;
	} plat[] = {
		/* 256 KiB: (2048 * 256 + 12 * 256) / (256 KiB - 2304) */
		{ "edge-tiny.bin", 3 },
		{ "edge-mid.bin", 1 },
	};
	struct drm_snpu_layer_counters l;
	struct drm_snpu_job_counters c;
	struct snpu_counters hc, hl;
	struct snpu_tmodel tm;
	char params[64];
	uint32_t h, status;
	unsigned int i;
	int fd;

	ASSERT_EQ(0, snpu_tmodel_build(&tm, SNPU_TMODEL_WIDE, SNPU_ENC_DENSE,
				       0, 6));
	for (i = 0; i < 2; i++) {
		snprintf(params, sizeof(params), "emulate_fw=snpu/%s",
			 plat[i].fw);
		ASSERT_EQ(0, snpu_module_unload());
		ASSERT_EQ(0, snpu_module_load(params));
		fd = snpu_open_first();
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, __snpu_model_create(fd, tm.blob, tm.size, &h,
						 &status));
		ASSERT_EQ(0, snpu_tmodel_check(fd, &tm, h, 2, 8, &c, &l));
		EXPECT_EQ(2 * 2048 * plat[i].tiles + 2048 * 256 + 12 * 256,
			  l.bytes_read);
		EXPECT_EQ(c.bytes_read, l.bytes_read);
		ASSERT_EQ(0, host_counters(&tm, plat[i].fw, 2, 8, &hc, &hl));
		EXPECT_EQ(hl.cycles, l.cycles);
		EXPECT_EQ(hl.bytes_read, l.bytes_read);
		close(fd);
	}
	snpu_tmodel_free(&tm);
	EXPECT_EQ(0, snpu_module_unload());
}

/* A platform without the encoding refuses the model at MODEL_CREATE. */
TEST(unsupported_encoding_rejected_on_tiny_platform)
{
	struct snpu_tmodel tm;
	uint32_t h, status = 0;
	int fd;

	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load("emulate_fw=snpu/edge-tiny.bin"));
	fd = snpu_open_first();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, snpu_tmodel_build(&tm, SNPU_TMODEL_MLP, SNPU_ENC_CSR, 0, 1));
	EXPECT_EQ(-EINVAL, __snpu_model_create(fd, tm.blob, tm.size, &h,
					       &status));
	EXPECT_EQ(SNPU_MODEL_E_UNSUPPORTED_ENCODING, status);
	snpu_tmodel_free(&tm);

	/* What it supports (2:4) it runs. */
	ASSERT_EQ(0, snpu_tmodel_build(&tm, SNPU_TMODEL_MLP, SNPU_ENC_NM,
				       SNPU_NM_2_4, 1));
	ASSERT_EQ(0, __snpu_model_create(fd, tm.blob, tm.size, &h, &status));
	EXPECT_EQ(0, snpu_tmodel_check(fd, &tm, h, 8, 2, NULL, NULL));
	snpu_tmodel_free(&tm);
	close(fd);
	EXPECT_EQ(0, snpu_module_unload());
}

TEST_HARNESS_MAIN
