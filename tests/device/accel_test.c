// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libaccel against the real module: enumeration, capabilities, buffers
 * and dma-buf sharing (with itself and with vgem), models, synchronous
 * and asynchronous jobs checked bit for bit against the independent
 * reference, ordering, failure reporting, threads, and leaks (debugfs
 * object counts while the device is still open, so what the library
 * forgot to release shows before closing the file cleans it up).
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "accel.h"
#include "snpu_dev.h"
#include "snpu_ref.h"
#include "snpu_test.h"
#include "snpu_tmodel.h"

#define WAIT_NS		(20ll * 1000 * 1000 * 1000)

/* The minor of a render node path. */
static int node_minor(const char *node)
{
	const char *p = strrchr(node, 'D');

	return p ? atoi(p + 1) : -1;
}

static long long objects(int minor, const char *key)
{
	return snpu_debugfs_value(minor, "snpu_objects", key);
}

/*
 * Buffer objects the library keeps for itself (counter pages): the only
 * ones allowed once the test released everything. Counted through the
 * debugfs delta of a fresh device: the pool is not visible in the API.
 */
static long long pool_bos(int minor, long long before)
{
	snpu_wait_jobs_freed(minor);
	return objects(minor, "bo_count") - before;
}

/* Run @batch samples through the library and compare with the reference. */
static int run_checked(accel_model *model, const struct snpu_tmodel *tm,
		       accel_buffer *in, accel_buffer *out, uint32_t batch,
		       unsigned int seed, struct accel_counters *c)
{
	struct accel_io io = { .in = in, .out = out, .batch = batch };
	int8_t *pin, *pout, *expect;
	uint32_t i;
	int ret;

	ret = accel_buffer_map(in, (void **)&pin);
	if (!ret)
		ret = accel_buffer_map(out, (void **)&pout);
	if (ret)
		return ret;
	expect = malloc((size_t)batch * tm->out_bytes);
	if (!expect)
		return -ENOMEM;
	snpu_tmodel_input(tm, pin, batch, seed);
	memset(pout, 0x5a, (size_t)batch * tm->out_bytes);
	if (snpu_ref_run(&tm->pm, pin, expect, batch)) {
		free(expect);
		return -EINVAL;
	}
	ret = accel_run(model, &io, c);
	for (i = 0; !ret && i < batch * tm->out_bytes; i++) {
		if (pout[i] != expect[i]) {
			printf("# mismatch at byte %u: device %d, reference %d (seed %u)\n",
			       i, pout[i], expect[i], seed);
			ret = -EBADMSG;
		}
	}
	free(expect);
	return ret;
}

/* ---- no driver --------------------------------------------------------- */

TEST(no_device_loaded_lists_none_and_open_says_load_driver)
{
	struct accel_device_info *list = (void *)1;
	accel_device *dev = NULL;
	int ret;

	ASSERT_EQ(0, snpu_module_unload());
	EXPECT_EQ(0, accel_devices_get(&list));
	EXPECT_NULL(list);
	ret = accel_device_open_index(0, &dev);
	EXPECT_EQ(-ENODEV, ret);
	EXPECT_NULL(dev);
	EXPECT_NE(NULL, strstr(accel_strerror(ret), "modprobe snpu"));
}

/* ---- enumeration ------------------------------------------------------- */

FIXTURE(enumerate) {
	int dummy;
};

FIXTURE_VARIANT(enumerate) {
	const char *params;
	int count;
	const char *platform[2];
};

FIXTURE_VARIANT_ADD(enumerate, one) {
	.params = NULL, .count = 1, .platform = { "edge-mid" },
};

FIXTURE_VARIANT_ADD(enumerate, two) {
	.params = "emulate=2 emulate_fw=snpu/edge-tiny.bin,snpu/edge-mid.bin",
	.count = 2, .platform = { "edge-tiny", "edge-mid" },
};

FIXTURE_SETUP(enumerate)
{
	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load(variant->params));
}

FIXTURE_TEARDOWN(enumerate)
{
	EXPECT_EQ(0, snpu_module_unload());
}

TEST_F(enumerate, lists_every_device_with_its_platform)
{
	char paths[SNPU_DEV_MAX_NODES][64];
	struct accel_device_info *list;
	int i, n;

	n = accel_devices_get(&list);
	ASSERT_EQ(variant->count, n);
	ASSERT_EQ(n, snpu_find_nodes(paths, SNPU_DEV_MAX_NODES));
	for (i = 0; i < n; i++) {
		EXPECT_STREQ(paths[i], list[i].node);
		EXPECT_STREQ(variant->platform[i], list[i].platform);
		EXPECT_EQ(1, list[i].emulated);
	}
	accel_devices_free(list);
}

TEST_F(enumerate, open_index_opens_that_device)
{
	struct accel_caps caps = { .size = sizeof(caps) };
	accel_device *dev;
	int i;

	for (i = 0; i < variant->count; i++) {
		ASSERT_EQ(0, accel_device_open_index(i, &dev));
		ASSERT_EQ(0, accel_device_query(dev, &caps));
		EXPECT_STREQ(variant->platform[i], caps.platform);
		accel_device_unref(dev);
	}
	EXPECT_EQ(-ENODEV, accel_device_open_index(variant->count, &dev));
}

TEST(objects_of_another_device_rejected)
{
	struct snpu_tmodel tm;
	accel_device *d0, *d1;
	accel_model *model;
	accel_buffer *in, *out, *other;
	struct accel_io io;
	accel_job *job = NULL;

	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load("emulate=2"));
	ASSERT_EQ(0, accel_device_open_index(0, &d0));
	ASSERT_EQ(0, accel_device_open_index(1, &d1));
	/* 2:4 runs on edge-tiny too. */
	ASSERT_EQ(0, snpu_tmodel_build(&tm, SNPU_TMODEL_MLP, SNPU_ENC_NM,
				       SNPU_NM_2_4, 3));
	ASSERT_EQ(0, accel_model_load(d0, tm.blob, tm.size, &model));
	ASSERT_EQ(0, accel_buffer_new(d0, 4096, 0, &in));
	ASSERT_EQ(0, accel_buffer_new(d0, 4096, 0, &out));
	ASSERT_EQ(0, accel_buffer_new(d1, 4096, 0, &other));

	io = (struct accel_io){ .in = other, .out = out, .batch = 1 };
	EXPECT_EQ(-EINVAL, accel_submit(model, &io, NULL, &job));
	io = (struct accel_io){ .in = in, .out = other, .batch = 1 };
	EXPECT_EQ(-EINVAL, accel_submit(model, &io, NULL, &job));
	EXPECT_NULL(job);
	EXPECT_EQ(0, run_checked(model, &tm, in, out, 1, 5, NULL));

	accel_buffer_unref(other);
	accel_buffer_unref(in);
	accel_buffer_unref(out);
	accel_model_unref(model);
	accel_device_unref(d1);
	accel_device_unref(d0);
	snpu_tmodel_free(&tm);
	EXPECT_EQ(0, snpu_module_unload());
}

/* ---- one device, everything else --------------------------------------- */

FIXTURE(acc) {
	accel_device *dev;
	int minor;
	long long bo_base;
	struct snpu_tmodel tm;
	accel_model *model;
};

FIXTURE_SETUP(acc)
{
	struct accel_device_info *list;

	ASSERT_EQ(0, snpu_module_unload());
	/* Short deadline so the hung-job test is quick. */
	ASSERT_EQ(0, snpu_module_load("job_timeout_ms=1500"));
	ASSERT_EQ(1, accel_devices_get(&list));
	self->minor = node_minor(list[0].node);
	ASSERT_EQ(0, accel_device_open(list[0].node, &self->dev));
	accel_devices_free(list);
	self->bo_base = objects(self->minor, "bo_count");
	ASSERT_EQ(0, self->bo_base);
	ASSERT_EQ(0, snpu_tmodel_build(&self->tm, SNPU_TMODEL_MLP,
				       SNPU_ENC_CSR, 0, 5));
	ASSERT_EQ(0, accel_model_load(self->dev, self->tm.blob, self->tm.size,
				      &self->model));
}

FIXTURE_TEARDOWN(acc)
{
	accel_model_unref(self->model);
	snpu_tmodel_free(&self->tm);
	/* With the file still open: only the library's counter pages. */
	EXPECT_GE(1, pool_bos(self->minor, self->bo_base));
	EXPECT_EQ(0, objects(self->minor, "jobs_live"));
	EXPECT_EQ(0, objects(self->minor, "model_count"));
	accel_device_unref(self->dev);
	EXPECT_EQ(0, objects(self->minor, "bo_count"));
	EXPECT_EQ(0, objects(self->minor, "jobs_live"));
	EXPECT_EQ(0, snpu_module_unload());
}

TEST_F(acc, caps_equal_get_param)
{
	struct accel_caps caps = { .size = sizeof(caps) };
	char name[32];
	uint64_t v;
	int fd, i;

	ASSERT_EQ(0, accel_device_query(self->dev, &caps));
	fd = snpu_open_first();
	ASSERT_LE(0, fd);
#define CHECK(param, field) do { \
		ASSERT_EQ(0, __snpu_get_param(fd, DRM_SNPU_PARAM_##param, 0, &v)); \
		EXPECT_EQ(v, caps.field); \
	} while (0)
	CHECK(PLATFORM_ID, platform_id);
	CHECK(FW_VERSION, fw_version);
	CHECK(FW_FORMAT, fw_format);
	CHECK(MAC_UNITS, mac_units);
	CHECK(CLOCK_KHZ, clock_khz);
	CHECK(SRAM_BYTES, sram_bytes);
	CHECK(DRAM_BYTES, dram_bytes);
	CHECK(DRAM_BYTES_PER_CYCLE, dram_bytes_per_cycle);
	CHECK(OPS, ops);
	CHECK(ENCODINGS, encodings);
	CHECK(NM_PATTERNS, nm_patterns);
	CHECK(BLOCK_SHAPES, block_shapes);
	CHECK(FEATURES, features);
	CHECK(MAX_BATCH, max_batch);
#undef CHECK
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, __snpu_get_param(fd, DRM_SNPU_PARAM_PLATFORM_NAME,
					      i, &v));
		memcpy(name + 8 * i, &v, 8);
	}
	name[31] = '\0';
	EXPECT_STREQ(name, caps.platform);
	EXPECT_EQ(1, caps.emulated);
	EXPECT_EQ(DRM_SNPU_DRIVER_MAJOR, caps.uapi_major);
	EXPECT_EQ(DRM_SNPU_DRIVER_MINOR, caps.uapi_minor);
	EXPECT_EQ(sizeof(caps), caps.size);
	close(fd);
}

TEST_F(acc, open_non_snpu_node_rejected)
{
	char path[1][64];
	accel_device *dev = NULL;

	if (snpu_vgem_find(path[0]))
		SKIP(return, "vgem not available");
	EXPECT_EQ(ACCEL_E_NOT_SNPU, accel_device_open(path[0], &dev));
	EXPECT_NULL(dev);
}

TEST_F(acc, buffer_new_maps_once_and_rounds_to_pages)
{
	accel_buffer *buf;
	uint8_t *p, *q;

	ASSERT_EQ(0, accel_buffer_new(self->dev, 10000, ACCEL_BUFFER_WC, &buf));
	EXPECT_EQ(12288, accel_buffer_size(buf));
	EXPECT_EQ(1, objects(self->minor, "bo_count"));
	ASSERT_EQ(0, accel_buffer_map(buf, (void **)&p));
	ASSERT_EQ(0, accel_buffer_map(buf, (void **)&q));
	EXPECT_EQ(p, q);
	EXPECT_EQ(0, p[12287]);
	memset(p, 0x3c, 12288);
	EXPECT_EQ(0x3c, q[4096]);
	accel_buffer_unref(buf);
	EXPECT_EQ(0, objects(self->minor, "bo_count"));
}

TEST_F(acc, buffer_too_large_rejected_by_driver)
{
	struct accel_caps caps = { .size = sizeof(caps) };
	accel_buffer *buf = NULL;

	ASSERT_EQ(0, accel_device_query(self->dev, &caps));
	EXPECT_EQ(-EINVAL, accel_buffer_new(self->dev, caps.dram_bytes + 1, 0,
					    &buf));
	EXPECT_NULL(buf);
}

TEST_F(acc, export_import_round_trip_dedups)
{
	accel_device *dev2;
	accel_buffer *a, *same, *b, *b2;
	uint8_t *pa, *pb;
	int fd, fd2;

	ASSERT_EQ(0, accel_buffer_new(self->dev, 8192, 0, &a));
	ASSERT_EQ(0, accel_buffer_map(a, (void **)&pa));
	memset(pa, 0x11, 8192);
	ASSERT_EQ(0, accel_buffer_export_dmabuf(a, &fd));
	EXPECT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);

	/* Same device: its own buffer comes back, with a reference. */
	ASSERT_EQ(0, accel_buffer_import_dmabuf(self->dev, fd, &same));
	EXPECT_EQ(a, same);
	accel_buffer_unref(same);
	EXPECT_EQ(1, objects(self->minor, "bo_count"));

	/* Another open of the device: a new object, the same pages. */
	ASSERT_EQ(0, accel_device_open_index(0, &dev2));
	ASSERT_EQ(0, accel_buffer_import_dmabuf(dev2, fd, &b));
	ASSERT_EQ(0, accel_buffer_export_dmabuf(a, &fd2));
	ASSERT_EQ(0, accel_buffer_import_dmabuf(dev2, fd2, &b2));
	EXPECT_EQ(b, b2);
	EXPECT_EQ(8192, accel_buffer_size(b));
	ASSERT_EQ(0, accel_buffer_map(b, (void **)&pb));
	EXPECT_EQ(0, memcmp(pa, pb, 8192));
	pb[100] = 0x22;
	EXPECT_EQ(0x22, pa[100]);
	close(fd);
	close(fd2);

	accel_buffer_unref(b2);
	accel_buffer_unref(b);
	accel_device_unref(dev2);
	/* The original still works after the importer went. */
	EXPECT_EQ(0x22, pa[100]);
	accel_buffer_unref(a);
	EXPECT_EQ(0, objects(self->minor, "bo_count"));
}

TEST_F(acc, model_load_from_memory_and_file)
{
	char path[] = "/tmp/accel_test_model_XXXXXX";
	accel_model *m;
	int fd;

	EXPECT_EQ(self->tm.in_bytes, accel_model_input_bytes(self->model));
	EXPECT_EQ(self->tm.out_bytes, accel_model_output_bytes(self->model));

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)self->tm.size, write(fd, self->tm.blob,
						 self->tm.size));
	close(fd);
	ASSERT_EQ(0, accel_model_load_file(self->dev, path, &m));
	unlink(path);
	EXPECT_EQ(self->tm.in_bytes, accel_model_input_bytes(m));
	EXPECT_EQ(self->tm.out_bytes, accel_model_output_bytes(m));
	EXPECT_EQ(2, objects(self->minor, "model_count"));
	EXPECT_EQ(m, accel_model_ref(m));
	accel_model_unref(m);
	EXPECT_EQ(2, objects(self->minor, "model_count"));
	accel_model_unref(m);
	EXPECT_EQ(1, objects(self->minor, "model_count"));
}

TEST_F(acc, model_with_newer_format_refused_before_driver)
{
	uint8_t *copy = malloc(self->tm.size);
	accel_model *m = NULL;
	int ret;

	ASSERT_NE(NULL, copy);
	memcpy(copy, self->tm.blob, self->tm.size);
	/* format_major: __le16 at byte 4, outside the CRC. */
	copy[4] = SNPU_MODEL_FORMAT_MAJOR + 1;
	copy[5] = 0;
	ret = accel_model_load(self->dev, copy, self->tm.size, &m);
	EXPECT_EQ(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_FORMAT_MAJOR, ret);
	EXPECT_NE(NULL, strstr(accel_strerror(ret), "upgrade libaccel"));
	EXPECT_NULL(m);
	EXPECT_EQ(1, objects(self->minor, "model_count"));
	free(copy);
}

TEST_F(acc, garbage_model_bad_magic)
{
	uint8_t junk[512];
	accel_model *m = NULL;
	unsigned int i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	EXPECT_EQ(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_MAGIC,
		  accel_model_load(self->dev, junk, sizeof(junk), &m));
	EXPECT_NULL(m);
}

/* The driver's own verdict comes back as a model code too. */
TEST_F(acc, corrupt_model_gives_driver_status)
{
	uint8_t *copy = malloc(self->tm.size);
	accel_model *m = NULL;

	ASSERT_NE(NULL, copy);
	memcpy(copy, self->tm.blob, self->tm.size);
	copy[self->tm.size - 1] ^= 1;
	EXPECT_EQ(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_CRC,
		  accel_model_load(self->dev, copy, self->tm.size, &m));
	EXPECT_NULL(m);
	EXPECT_EQ(1, objects(self->minor, "model_count"));
	free(copy);
}

TEST_F(acc, submit_poll_fd_then_wait)
{
	struct accel_io io = { .batch = 8 };
	struct accel_counters c;
	struct pollfd pfd;
	int8_t *pin, *pout, expect[8 * 10];
	accel_job *job;

	ASSERT_EQ(10, self->tm.out_bytes);
	ASSERT_EQ(0, accel_buffer_new(self->dev, 8 * self->tm.in_bytes, 0,
				      &io.in));
	ASSERT_EQ(0, accel_buffer_new(self->dev, sizeof(expect), 0, &io.out));
	ASSERT_EQ(0, accel_buffer_map(io.in, (void **)&pin));
	ASSERT_EQ(0, accel_buffer_map(io.out, (void **)&pout));
	snpu_tmodel_input(&self->tm, pin, 8, 77);
	ASSERT_EQ(0, snpu_ref_run(&self->tm.pm, pin, expect, 8));

	ASSERT_EQ(0, accel_submit(self->model, &io, NULL, &job));
	/* The job holds its buffers: drop ours. */
	accel_buffer_unref(io.in);
	pfd.fd = accel_job_fd(job);
	ASSERT_LE(0, pfd.fd);
	EXPECT_EQ(pfd.fd, accel_job_fd(job));	/* the same, owned by the job */
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 20000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	EXPECT_EQ(0, accel_job_wait(job, 0));
	ASSERT_EQ(0, accel_job_counters(job, &c));
	EXPECT_LT(0, c.cycles);
	EXPECT_LT(0, c.macs);
	EXPECT_LT(0, c.macs_skipped_weight);
	EXPECT_LE(8 * 10, c.bytes_written);
	EXPECT_EQ(0, memcmp(expect, pout, sizeof(expect)));
	accel_job_unref(job);
	accel_buffer_unref(io.out);
	EXPECT_EQ(1, pool_bos(self->minor, self->bo_base));
}

TEST_F(acc, after_runs_second_job_on_first_output)
{
	struct accel_io first = { .batch = 4 }, second = { .batch = 1 };
	int8_t *pin, *mid, *pout, expect[10];
	accel_job *j1, *j2;

	ASSERT_EQ(0, accel_buffer_new(self->dev, 4 * 96, 0, &first.in));
	ASSERT_EQ(0, accel_buffer_new(self->dev, 4096, 0, &first.out));
	ASSERT_EQ(0, accel_buffer_new(self->dev, 4096, 0, &second.out));
	second.in = first.out;
	ASSERT_EQ(0, accel_buffer_map(first.in, (void **)&pin));
	ASSERT_EQ(0, accel_buffer_map(first.out, (void **)&mid));
	ASSERT_EQ(0, accel_buffer_map(second.out, (void **)&pout));
	memset(mid, 0x7f, 4096);
	snpu_tmodel_input(&self->tm, pin, 4, 3);

	ASSERT_EQ(0, accel_submit(self->model, &first, NULL, &j1));
	/* MLP: reads 96 bytes of what the first wrote (4 * 10) and after. */
	ASSERT_EQ(0, accel_submit(self->model, &second, j1, &j2));
	ASSERT_EQ(0, accel_job_wait(j2, WAIT_NS));
	EXPECT_EQ(0, accel_job_wait(j1, 0));
	ASSERT_EQ(0, snpu_ref_run(&self->tm.pm, mid, expect, 1));
	EXPECT_EQ(0, memcmp(expect, pout, 10));

	accel_job_unref(j2);
	accel_job_unref(j1);
	accel_buffer_unref(first.in);
	accel_buffer_unref(first.out);
	accel_buffer_unref(second.out);
}

TEST_F(acc, job_keeps_model_until_unref)
{
	struct accel_io io = { .batch = 2 };
	int8_t *pin, *pout, expect[2 * 10];
	accel_job *job;

	ASSERT_EQ(0, accel_buffer_new(self->dev, 4096, 0, &io.in));
	ASSERT_EQ(0, accel_buffer_new(self->dev, 4096, 0, &io.out));
	ASSERT_EQ(0, accel_buffer_map(io.in, (void **)&pin));
	ASSERT_EQ(0, accel_buffer_map(io.out, (void **)&pout));
	snpu_tmodel_input(&self->tm, pin, 2, 8);
	ASSERT_EQ(0, snpu_ref_run(&self->tm.pm, pin, expect, 2));

	ASSERT_EQ(0, accel_submit(self->model, &io, NULL, &job));
	accel_model_unref(self->model);
	self->model = NULL;
	EXPECT_EQ(1, objects(self->minor, "model_count"));
	EXPECT_EQ(0, accel_job_wait(job, WAIT_NS));
	EXPECT_EQ(0, memcmp(expect, pout, sizeof(expect)));
	accel_job_unref(job);
	snpu_wait_jobs_freed(self->minor);
	EXPECT_EQ(0, objects(self->minor, "model_count"));
	accel_buffer_unref(io.in);
	accel_buffer_unref(io.out);
}

TEST_F(acc, jobs_dropped_in_flight_leak_nothing)
{
	struct accel_io io = { .batch = 64 };
	accel_job *job;
	int i;

	ASSERT_EQ(0, accel_buffer_new(self->dev, 64 * 96, 0, &io.in));
	ASSERT_EQ(0, accel_buffer_new(self->dev, 64 * 10, 0, &io.out));
	/* More than one counters page worth, none waited for. */
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, accel_submit(self->model, &io, NULL, &job));
		accel_job_unref(job);
	}
	accel_buffer_unref(io.in);
	accel_buffer_unref(io.out);
	/* Their counter slots went back: one more job reuses the pool. */
	ASSERT_EQ(0, accel_buffer_new(self->dev, 96, 0, &io.in));
	ASSERT_EQ(0, accel_buffer_new(self->dev, 10, 0, &io.out));
	EXPECT_EQ(0, run_checked(self->model, &self->tm, io.in, io.out, 1, 4,
				 NULL));
	accel_buffer_unref(io.in);
	accel_buffer_unref(io.out);
	EXPECT_EQ(1, pool_bos(self->minor, self->bo_base));
}

TEST_F_TIMEOUT(acc, hung_job_times_out_then_reports_failure, 60)
{
	struct accel_io io = { .batch = 1 };
	struct accel_counters c;
	accel_job *job;

	ASSERT_EQ(0, accel_buffer_new(self->dev, 4096, 0, &io.in));
	ASSERT_EQ(0, accel_buffer_new(self->dev, 4096, 0, &io.out));
	ASSERT_EQ(0, snpu_debugfs_write(self->minor, "snpu_inject", "hang"));
	ASSERT_EQ(0, accel_submit(self->model, &io, NULL, &job));
	EXPECT_EQ(-ETIME, accel_job_wait(job, 100 * 1000 * 1000));
	EXPECT_EQ(-EBUSY, accel_job_counters(job, &c));
	EXPECT_EQ(ACCEL_E_JOB_FAILED, accel_job_wait(job, -1));
	EXPECT_EQ(ACCEL_E_JOB_FAILED, accel_job_counters(job, &c));
	accel_job_unref(job);
	/* The device recovered: the next run is right. */
	EXPECT_EQ(0, run_checked(self->model, &self->tm, io.in, io.out, 2, 6,
				 NULL));
	accel_buffer_unref(io.in);
	accel_buffer_unref(io.out);
}

/* A vgem dumb buffer, filled through vgem, is the input of a job. */
TEST_F(acc, vgem_dmabuf_as_input)
{
	struct accel_io io = { .batch = 8 };
	struct snpu_vgem_buf v;
	int8_t *pout, expect[8 * 10];

	ASSERT_EQ(0, snpu_vgem_buf_create(&v, 8 * 96));
	snpu_tmodel_input(&self->tm, v.map, 8, 41);
	ASSERT_EQ(0, snpu_ref_run(&self->tm.pm, v.map, expect, 8));

	ASSERT_EQ(0, accel_buffer_import_dmabuf(self->dev, v.dmabuf, &io.in));
	EXPECT_EQ(v.size, accel_buffer_size(io.in));
	ASSERT_EQ(0, accel_buffer_new(self->dev, sizeof(expect), 0, &io.out));
	ASSERT_EQ(0, accel_buffer_map(io.out, (void **)&pout));
	ASSERT_EQ(0, accel_run(self->model, &io, NULL));
	EXPECT_EQ(0, memcmp(expect, pout, sizeof(expect)));

	accel_buffer_unref(io.in);
	accel_buffer_unref(io.out);
	snpu_vgem_buf_destroy(&v);
}

/* 8 threads share the device and the model; each checks 50 jobs. */
struct worker {
	FIXTURE_DATA(acc) *self;
	unsigned int id;
	int ret;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	accel_buffer *in, *out;
	int i;

	w->ret = accel_buffer_new(w->self->dev, 4 * 96, 0, &in);
	if (w->ret)
		return NULL;
	w->ret = accel_buffer_new(w->self->dev, 4 * 10, 0, &out);
	if (w->ret) {
		accel_buffer_unref(in);
		return NULL;
	}
	for (i = 0; i < 50 && !w->ret; i++) {
		w->ret = run_checked(w->self->model, &w->self->tm, in, out,
				     1 + i % 4, w->id * 1000 + i, NULL);
		if (w->ret)
			printf("# thread %u job %d: %d (%s)\n", w->id, i, w->ret,
			       accel_strerror(w->ret));
	}
	accel_buffer_unref(in);
	accel_buffer_unref(out);
	return NULL;
}

TEST_F_TIMEOUT(acc, eight_threads_fifty_jobs_each_all_correct, 300)
{
	struct worker w[8];
	pthread_t t[8];
	int i;

	for (i = 0; i < 8; i++) {
		w[i] = (struct worker){ .self = self, .id = i + 1 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, worker_main, &w[i]));
	}
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, w[i].ret);
	}
	EXPECT_LE(400, snpu_debugfs_value(self->minor, "snpu_state",
					  "jobs_completed"));
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_state",
					"jobs_failed"));
}

/* ---- differential: accel_run against the reference --------------------- */

FIXTURE(run) {
	accel_device *dev;
	struct snpu_tmodel tm;
	accel_model *model;
};

FIXTURE_VARIANT(run) {
	enum snpu_tmodel_kind kind;
	uint32_t encoding;
	uint32_t variant;
};

FIXTURE_VARIANT_ADD(run, mlp_csr) {
	.kind = SNPU_TMODEL_MLP, .encoding = SNPU_ENC_CSR,
};
FIXTURE_VARIANT_ADD(run, cnn_nm_2_4) {
	.kind = SNPU_TMODEL_CNN, .encoding = SNPU_ENC_NM,
	.variant = SNPU_NM_2_4,
};
FIXTURE_VARIANT_ADD(run, cnn_block_4x4) {
	.kind = SNPU_TMODEL_CNN, .encoding = SNPU_ENC_BLOCK,
	.variant = SNPU_BLOCK_4X4,
};
FIXTURE_VARIANT_ADD(run, residual_dense) {
	.kind = SNPU_TMODEL_RESIDUAL, .encoding = SNPU_ENC_DENSE,
};

FIXTURE_SETUP(run)
{
	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load(NULL));
	ASSERT_EQ(0, accel_device_open_index(0, &self->dev));
	ASSERT_EQ(0, snpu_tmodel_build(&self->tm, variant->kind,
				       variant->encoding, variant->variant,
				       17));
	ASSERT_EQ(0, accel_model_load(self->dev, self->tm.blob, self->tm.size,
				      &self->model));
}

FIXTURE_TEARDOWN(run)
{
	accel_model_unref(self->model);
	accel_device_unref(self->dev);
	snpu_tmodel_free(&self->tm);
	EXPECT_EQ(0, snpu_module_unload());
}

TEST_F(run, output_equals_reference)
{
	static const uint32_t batches[] = { 1, 7, 64 };
	struct accel_counters c;
	accel_buffer *in, *out;
	unsigned int i;

	ASSERT_EQ(0, accel_buffer_new(self->dev, 64 * self->tm.in_bytes, 0,
				      &in));
	ASSERT_EQ(0, accel_buffer_new(self->dev, 64 * self->tm.out_bytes, 0,
				      &out));
	for (i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		memset(&c, 0, sizeof(c));
		EXPECT_EQ(0, run_checked(self->model, &self->tm, in, out,
					 batches[i], 100 + i, &c));
		EXPECT_LT(0, c.cycles);
		EXPECT_LT(0, c.macs);
		EXPECT_LE(batches[i] * self->tm.out_bytes, c.bytes_written);
		EXPECT_LT(batches[i] * self->tm.in_bytes, c.bytes_read);
		if (variant->encoding != SNPU_ENC_DENSE)
			EXPECT_LT(0, c.macs_skipped_weight);
	}
	accel_buffer_unref(in);
	accel_buffer_unref(out);
}

/* A platform without the encoding: the driver's verdict, named. */
TEST(unsupported_encoding_refused_on_tiny_platform)
{
	struct snpu_tmodel tm;
	accel_device *dev;
	accel_model *m = NULL;
	int ret;

	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load("emulate_fw=snpu/edge-tiny.bin"));
	ASSERT_EQ(0, accel_device_open_index(0, &dev));
	ASSERT_EQ(0, snpu_tmodel_build(&tm, SNPU_TMODEL_MLP, SNPU_ENC_CSR, 0, 1));
	ret = accel_model_load(dev, tm.blob, tm.size, &m);
	EXPECT_EQ(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_UNSUPPORTED_ENCODING, ret);
	EXPECT_NE(NULL, strstr(accel_strerror(ret), "platform"));
	EXPECT_NULL(m);
	snpu_tmodel_free(&tm);
	accel_device_unref(dev);
	EXPECT_EQ(0, snpu_module_unload());
}

TEST_HARNESS_MAIN
