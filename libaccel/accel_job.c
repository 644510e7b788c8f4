// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libaccel: jobs.
 *
 * A job is one SUBMIT with its own syncobj as out_syncobj and a counters
 * slot from the device pool. Waiting is drm_syncobj's wait with an
 * absolute CLOCK_MONOTONIC deadline (restartable after a signal without
 * stretching the timeout); whether the job failed is the fence's error,
 * read through a sync_file, and the status the driver writes into the
 * counters. The sync_file is made once, on first need, and doubles as the
 * pollable fd of accel_job_fd().
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "accel_priv.h"

static struct drm_snpu_job_counters *accel_job_cnt(const accel_job *job)
{
	if (job->profile_map)
		return job->profile_map;
	return (struct drm_snpu_job_counters *)
		(job->page->map + job->slot * ACCEL_CNT_SLOT_SIZE);
}

/*
 * Where the job's counters go: a slot of the device pool, or for a
 * profiled job its own buffer with room for every layer.
 */
static int accel_job_counters_buf(accel_job *job, bool profiled,
				  struct drm_snpu_submit *args)
{
	accel_device *dev = job->dev;
	size_t size;
	int ret;

	if (!profiled) {
		ret = accel_cnt_alloc(dev, &job->page, &job->slot);
		if (ret)
			return ret;
		args->counters_handle = job->page->handle;
		args->counters_offset = job->slot * ACCEL_CNT_SLOT_SIZE;
		return 0;
	}
	size = sizeof(struct drm_snpu_job_counters) +
	       (size_t)job->model->layer_count *
	       sizeof(struct drm_snpu_layer_counters);
	ret = accel_buffer_new(dev, size, 0, &job->profile);
	if (!ret)
		ret = accel_buffer_map(job->profile, &job->profile_map);
	if (ret) {
		accel_buffer_unref(job->profile);
		job->profile = NULL;
		return ret;
	}
	memset(job->profile_map, 0, size);
	args->counters_handle = job->profile->handle;
	args->flags = DRM_SNPU_SUBMIT_LAYER_COUNTERS;
	return 0;
}

static void accel_job_counters_put(accel_job *job)
{
	if (job->profile)
		accel_buffer_unref(job->profile);
	else
		accel_cnt_free(job->dev, job->page, job->slot);
}

static int accel_syncobj_create(accel_device *dev, uint32_t *handle)
{
	struct drm_syncobj_create args = { 0 };
	int ret;

	ret = accel_ioctl(dev->fd, DRM_IOCTL_SYNCOBJ_CREATE, &args);
	if (!ret)
		*handle = args.handle;
	return ret;
}

static void accel_syncobj_destroy(accel_device *dev, uint32_t handle)
{
	struct drm_syncobj_destroy args = { .handle = handle };

	accel_ioctl(dev->fd, DRM_IOCTL_SYNCOBJ_DESTROY, &args);
}

/* Does @buf hold @count samples of @bytes at @offset? */
static bool accel_range_ok(const accel_buffer *buf, size_t offset,
			   uint32_t count, size_t bytes)
{
	size_t len;

	if (__builtin_mul_overflow((size_t)count, bytes, &len))
		return false;
	return offset <= buf->size && len <= buf->size - offset;
}

static int accel_check_io(const accel_model *model, const struct accel_io *io)
{
	const accel_device *dev = model->dev;
	size_t in_len, out_len;

	if (!io->in || !io->out || !io->batch ||
	    io->batch > dev->caps.max_batch)
		return -EINVAL;
	/* Handles are per file: another device's buffer means nothing here. */
	if (io->in->dev != dev || io->out->dev != dev)
		return -EINVAL;
	if (!accel_range_ok(io->in, io->in_offset, io->batch,
			    model->input_bytes) ||
	    !accel_range_ok(io->out, io->out_offset, io->batch,
			    model->output_bytes))
		return -EINVAL;
	if (io->in == io->out) {
		in_len = io->batch * model->input_bytes;
		out_len = io->batch * model->output_bytes;
		if (io->in_offset < io->out_offset + out_len &&
		    io->out_offset < io->in_offset + in_len)
			return -EINVAL;
	}
	return 0;
}

static int accel_submit_job(accel_model *model, const struct accel_io *io,
			    accel_job *after, bool profiled, accel_job **jobp)
{
	struct drm_snpu_submit args = { 0 };
	accel_device *dev;
	accel_job *job;
	int ret;

	if (!model || !io || !jobp)
		return -EINVAL;
	ret = accel_check_io(model, io);
	if (ret)
		return ret;
	dev = model->dev;
	if (after && after->dev != dev)
		return -EINVAL;

	job = calloc(1, sizeof(*job));
	if (!job)
		return -ENOMEM;
	job->dev = dev;
	job->model = model;
	ret = accel_syncobj_create(dev, &job->syncobj);
	if (ret)
		goto err_free;
	ret = accel_job_counters_buf(job, profiled, &args);
	if (ret)
		goto err_syncobj;
	memset(accel_job_cnt(job), 0, sizeof(struct drm_snpu_job_counters));

	args.model = model->handle;
	args.batch = io->batch;
	args.in_handle = io->in->handle;
	args.in_offset = io->in_offset;
	args.out_handle = io->out->handle;
	args.out_offset = io->out_offset;
	args.in_syncobj = after ? after->syncobj : 0;
	args.out_syncobj = job->syncobj;
	ret = accel_ioctl(dev->fd, DRM_IOCTL_SNPU_SUBMIT, &args);
	if (ret)
		goto err_cnt;

	atomic_init(&job->ref, 1);
	atomic_init(&job->sync_fd, -1);
	atomic_init(&job->state, ACCEL_JOB_PENDING);
	job->dev = accel_device_ref(dev);
	job->model = accel_model_ref(model);
	job->in = accel_buffer_ref(io->in);
	job->out = accel_buffer_ref(io->out);
	*jobp = job;
	return 0;

err_cnt:
	accel_job_counters_put(job);
err_syncobj:
	accel_syncobj_destroy(dev, job->syncobj);
err_free:
	free(job);
	return ret;
}

/* The job's sync_file, made on first use; 0 or -errno. */
static int accel_job_sync_fd(accel_job *job, int *fdp)
{
	struct drm_syncobj_handle args = { 0 };
	int fd, expected = -1, ret;

	fd = atomic_load_explicit(&job->sync_fd, memory_order_acquire);
	if (fd >= 0) {
		*fdp = fd;
		return 0;
	}
	args.handle = job->syncobj;
	args.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE;
	args.fd = -1;
	ret = accel_ioctl(job->dev->fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &args);
	if (ret)
		return ret;
	fd = args.fd;
	if (!atomic_compare_exchange_strong_explicit(&job->sync_fd, &expected,
						     fd, memory_order_acq_rel,
						     memory_order_acquire)) {
		close(fd);
		fd = expected;
	}
	*fdp = fd;
	return 0;
}

/*
 * After the fence signalled: did the job fail? ACCEL_JOB_DONE or
 * ACCEL_JOB_FAILED (cached), or -errno.
 */
static int accel_job_settle(accel_job *job)
{
	struct sync_file_info info;
	int state, fd, ret;

	state = atomic_load_explicit(&job->state, memory_order_acquire);
	if (state != ACCEL_JOB_PENDING)
		return state;

	ret = accel_job_sync_fd(job, &fd);
	if (ret)
		return ret;
	memset(&info, 0, sizeof(info));
	ret = accel_ioctl(fd, SYNC_IOC_FILE_INFO, &info);
	if (ret)
		return ret;
	if (info.status == 0)
		return -EBUSY;	/* not signalled: the caller did not wait */
	state = info.status < 0 || accel_job_cnt(job)->status ?
		ACCEL_JOB_FAILED : ACCEL_JOB_DONE;
	atomic_store_explicit(&job->state, state, memory_order_release);
	return state;
}

static int64_t accel_deadline(int64_t timeout_ns)
{
	struct timespec ts;
	int64_t now;

	if (timeout_ns < 0)
		return INT64_MAX;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
}

ACCEL_API int accel_job_wait(accel_job *job, int64_t timeout_ns)
{
	struct drm_syncobj_wait args = { 0 };
	int ret;

	if (!job)
		return -EINVAL;
	if (atomic_load_explicit(&job->state, memory_order_acquire) ==
	    ACCEL_JOB_PENDING) {
		args.handles = (uintptr_t)&job->syncobj;
		args.count_handles = 1;
		args.timeout_nsec = accel_deadline(timeout_ns);
		args.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
		/* Absolute deadline: a retry after EINTR does not extend it. */
		ret = accel_ioctl(job->dev->fd, DRM_IOCTL_SYNCOBJ_WAIT, &args);
		if (ret)
			return ret;
	}
	ret = accel_job_settle(job);
	if (ret < 0)
		return ret;
	return ret == ACCEL_JOB_FAILED ? ACCEL_E_JOB_FAILED : 0;
}

ACCEL_API int accel_job_fd(accel_job *job)
{
	int fd, ret;

	if (!job)
		return -EINVAL;
	ret = accel_job_sync_fd(job, &fd);
	return ret ? ret : fd;
}

ACCEL_API int accel_submit(accel_model *model, const struct accel_io *io,
			   accel_job *after, accel_job **jobp)
{
	return accel_submit_job(model, io, after, false, jobp);
}

ACCEL_API int accel_submit_profiled(accel_model *model,
				    const struct accel_io *io,
				    accel_job *after, accel_job **jobp)
{
	return accel_submit_job(model, io, after, true, jobp);
}

/* The job and layer counters share their first six fields. */
#define ACCEL_COPY_COUNTERS(dst, src)					\
	do {								\
		(dst)->cycles = (src)->cycles;				\
		(dst)->macs = (src)->macs;				\
		(dst)->macs_skipped_weight = (src)->macs_skipped_weight; \
		(dst)->macs_skipped_act = (src)->macs_skipped_act;	\
		(dst)->bytes_read = (src)->bytes_read;			\
		(dst)->bytes_written = (src)->bytes_written;		\
	} while (0)

/* 0 once the job finished well, ACCEL_E_JOB_FAILED, -EBUSY or -errno. */
static int accel_job_finished(accel_job *job)
{
	int ret = accel_job_settle(job);

	if (ret < 0)
		return ret;
	return ret == ACCEL_JOB_FAILED ? ACCEL_E_JOB_FAILED : 0;
}

ACCEL_API int accel_job_counters(accel_job *job,
				 struct accel_counters *counters)
{
	const struct drm_snpu_job_counters *c;
	int ret;

	if (!job || !counters)
		return -EINVAL;
	ret = accel_job_finished(job);
	if (ret)
		return ret;
	c = accel_job_cnt(job);
	ACCEL_COPY_COUNTERS(counters, c);
	return 0;
}

ACCEL_API int accel_job_layer_counters(accel_job *job,
				       struct accel_counters *layers,
				       uint32_t n)
{
	const struct drm_snpu_layer_counters *lc;
	uint32_t i;
	int ret;

	if (!job || !layers || !job->profile ||
	    n > job->model->layer_count)
		return -EINVAL;
	ret = accel_job_finished(job);
	if (ret)
		return ret;
	lc = (const struct drm_snpu_layer_counters *)(accel_job_cnt(job) + 1);
	for (i = 0; i < n; i++)
		ACCEL_COPY_COUNTERS(&layers[i], &lc[i]);
	return 0;
}

ACCEL_API accel_job *accel_job_ref(accel_job *job)
{
	if (job)
		atomic_fetch_add_explicit(&job->ref, 1, memory_order_relaxed);
	return job;
}

ACCEL_API void accel_job_unref(accel_job *job)
{
	accel_device *dev;
	int fd;

	if (!job || atomic_fetch_sub_explicit(&job->ref, 1,
					      memory_order_acq_rel) != 1)
		return;
	dev = job->dev;
	fd = atomic_load_explicit(&job->sync_fd, memory_order_relaxed);
	if (fd >= 0)
		close(fd);
	/*
	 * The job may still be running: its slot may be reused at once, since
	 * the next user's job waits for this one (same file, same buffer).
	 */
	accel_job_counters_put(job);
	accel_syncobj_destroy(dev, job->syncobj);
	accel_buffer_unref(job->in);
	accel_buffer_unref(job->out);
	accel_model_unref(job->model);
	free(job);
	accel_device_unref(dev);
}

ACCEL_API int accel_run(accel_model *model, const struct accel_io *io,
			struct accel_counters *counters)
{
	accel_job *job;
	int ret;

	if (!model || !io)
		return -EINVAL;
	ret = accel_submit(model, io, NULL, &job);
	if (ret)
		return ret;
	ret = accel_job_wait(job, -1);
	if (!ret && counters)
		ret = accel_job_counters(job, counters);
	accel_job_unref(job);
	return ret;
}
