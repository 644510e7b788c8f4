// SPDX-License-Identifier: GPL-2.0-only
/*
 * Jobs: SUBMIT validates a request against the caller's own handles,
 * maps what the device will touch, and hands the job to drm_sched (one
 * scheduler per device, the hardware has one queue; one entity per open
 * file). run_job puts a RUN command on the ring; the interrupt handler
 * signals the hardware fence. A job past its deadline, or a device fault,
 * resets the device: the guilty job fails, the others run again.
 *
 * Copyright (c) 2026 The snpu authors
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/iosys-map.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <drm/gpu_scheduler.h>

#include "snpu_accel.h"
#include "snpu_conftest.h"
#include "snpu_device.h"
#include "snpu_drv.h"
#include "snpu_engine.h"
#include "snpu_gem.h"
#include "snpu_genl.h"
#include "snpu_job.h"
#include "snpu_models.h"
#include "snpu_netlink.h"

/* Jobs on the hardware at once; far below the ring's capacity. */
#define SNPU_JOBS_IN_FLIGHT	32

static unsigned int snpu_job_timeout_ms = 5000;
module_param_named(job_timeout_ms, snpu_job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "Time a job may run before the device is reset (default 5000)");

enum snpu_job_buf {
	SNPU_JOB_IN,
	SNPU_JOB_OUT,
	SNPU_JOB_COUNTERS,
	SNPU_JOB_BUFS
};

/**
 * struct snpu_job_map - a buffer object as the device sees it for a job
 * @obj: the object, referenced by the job.
 * @vmap: its kernel mapping, held while the job lives.
 * @node: its device address range.
 */
struct snpu_job_map {
	struct drm_gem_object *obj;
	struct iosys_map vmap;
	struct drm_mm_node node;
};

/**
 * struct snpu_job - one SUBMIT
 * @base: the scheduler's job.
 * @sdev: the device.
 * @fpriv: the submitting file; counts the job until it is freed.
 * @model: the model, referenced.
 * @maps: the input, output and counters buffers.
 * @offsets: byte offsets into @maps.
 * @scratch: the engine's working memory for this job.
 * @batch: samples.
 * @cmd_flags: SNPU_CMD_F_* of the RUN command (profiling).
 * @hw_fence: preallocated fence for the first run; later runs after a
 *	reset allocate their own.
 * @done_fence: the scheduler's finished fence, referenced.
 */
struct snpu_job {
	struct drm_sched_job base;
	struct snpu_device *sdev;
	struct snpu_file_priv *fpriv;
	struct snpu_model_obj *model;
	struct snpu_job_map maps[SNPU_JOB_BUFS];
	u64 offsets[SNPU_JOB_BUFS];
	struct snpu_devmem scratch;
	u32 batch;
	u32 cmd_flags;
	struct snpu_fence *hw_fence;
	struct dma_fence *done_fence;
};

static inline struct snpu_job *to_snpu_job(struct drm_sched_job *job)
{
	return container_of(job, struct snpu_job, base);
}

/* Interrupt: the device stopped on a fault; recover now, not at timeout. */
void snpu_job_irq_fault(struct snpu_device *sdev)
{
	drm_sched_fault(&sdev->sched);
}

static u64 snpu_job_iova(struct snpu_job *job, enum snpu_job_buf b)
{
	if (!job->maps[b].obj)
		return 0;
	return job->maps[b].node.start + job->offsets[b];
}

static struct dma_fence *snpu_job_run(struct drm_sched_job *sched_job)
{
	struct snpu_job *job = to_snpu_job(sched_job);
	struct snpu_device *sdev = job->sdev;
	struct snpu_fence *fence;
	u64 args[7];
	u32 seqno;
	int idx, ret;

	/* Failed before it ran (a reset cancelled it): nothing to do. */
	if (unlikely(sched_job->s_fence->finished.error))
		return NULL;

	/*
	 * The first run uses the fence allocated at SUBMIT; a run after a
	 * reset is in the fence signalling path and must not reclaim.
	 */
	fence = job->hw_fence;
	job->hw_fence = NULL;
	if (!fence)
		fence = kzalloc(sizeof(*fence), GFP_NOWAIT | __GFP_NOWARN);
	if (!fence)
		return ERR_PTR(-ENOMEM);
	fence->busy_ns = &job->fpriv->busy_ns;

	if (!drm_dev_enter(&sdev->drm, &idx)) {
		kfree(fence);
		return ERR_PTR(-ENODEV);
	}

	args[0] = job->model->mem.iova;
	args[1] = snpu_job_iova(job, SNPU_JOB_IN);
	args[2] = snpu_job_iova(job, SNPU_JOB_OUT);
	args[3] = job->scratch.vaddr ? job->scratch.iova : 0;
	args[4] = snpu_job_iova(job, SNPU_JOB_COUNTERS);
	args[5] = (u64)job->model->prepared_size << 32 | job->batch;
	args[6] = job->scratch.vaddr ? job->scratch.size : 0;

	ret = snpu_ring_emit(sdev, SNPU_CMD_RUN | job->cmd_flags, args,
			     ARRAY_SIZE(args), fence, &seqno);
	drm_dev_exit(idx);
	if (ret) {
		kfree(fence);
		return ERR_PTR(ret);
	}
	atomic64_inc(&sdev->jobs_submitted);

	/* The list holds its own reference; this one is drm_sched's. */
	return &fence->base;
}

/* Put the status of a job that will never complete into its counters. */
static void snpu_job_write_status(struct snpu_job *job, int status)
{
	struct snpu_job_map *map = &job->maps[SNPU_JOB_COUNTERS];
	struct drm_snpu_job_counters *c;

	if (!map->obj)
		return;
	c = map->vmap.vaddr + job->offsets[SNPU_JOB_COUNTERS];
	memset(c, 0, sizeof(*c));
	c->status = status;
}

static enum drm_gpu_sched_stat snpu_job_timedout(struct drm_sched_job *sched_job)
{
	struct snpu_job *job = to_snpu_job(sched_job);
	struct snpu_device *sdev = job->sdev;
	/* drm_sched_stop() may drop the scheduler's reference: take ours. */
	struct dma_fence *hw = dma_fence_get(sched_job->s_fence->parent);
	bool faulted, done;
	int error, ret;

	/*
	 * Stop first in every case: the scheduler took the job off its
	 * pending list to call us, and only drm_sched_stop() puts it back.
	 */
	drm_sched_stop(&sdev->sched, sched_job);
	done = hw && dma_fence_is_signaled(hw);
	dma_fence_put(hw);
	if (done) {
		/* Completed just as the timer fired: no hang. */
		drm_sched_start(&sdev->sched, true);
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}

	faulted = snpu_read(sdev, SNPU_REG_STATUS) & SNPU_STATUS_FAULT;
	error = faulted ? -EIO : -ETIMEDOUT;
	dev_warn_ratelimited(sdev->drm.dev, "Job %s, resetting the device\n",
			     faulted ? "faulted" : "timed out");

	snpu_genl_event(sdev, faulted ? SNPU_EVENT_JOB_FAULT :
			SNPU_EVENT_JOB_TIMEOUT, error);
	ret = snpu_device_recover(sdev);
	atomic64_inc(&sdev->resets);
	atomic64_inc(faulted ? &sdev->jobs_faulted : &sdev->jobs_timedout);
	snpu_genl_event(sdev, SNPU_EVENT_RESET, ret);

	dma_fence_set_error(&sched_job->s_fence->finished, error);
	snpu_job_write_status(job, error);

	if (ret) {
		drm_err(&sdev->drm, "Device did not recover: %d\n", ret);
		/* Every job fails now; run_job sees the device gone. */
		drm_dev_unplug(&sdev->drm);
	}

	drm_sched_resubmit_jobs(&sdev->sched);
	drm_sched_start(&sdev->sched, true);
	return ret ? DRM_GPU_SCHED_STAT_ENODEV : DRM_GPU_SCHED_STAT_NOMINAL;
}

static void snpu_job_unmap(struct snpu_device *sdev, struct snpu_job_map *map)
{
	if (!map->obj)
		return;
	snpu_iova_unmap(sdev, &map->node);
	if (map->vmap.vaddr)
		snpu_bo_vunmap(map->obj, &map->vmap);
	drm_gem_object_put(map->obj);
	map->obj = NULL;
}

/* Everything a job holds, whether it ran or not. */
static void snpu_job_release(struct snpu_job *job)
{
	struct snpu_device *sdev = job->sdev;
	int i;

	for (i = 0; i < SNPU_JOB_BUFS; i++)
		snpu_job_unmap(sdev, &job->maps[i]);
	snpu_devmem_free(sdev, &job->scratch);
	snpu_model_put(job->model);
	kfree(job->hw_fence);
	if (job->done_fence)
		dma_fence_put(job->done_fence);
	kfree(job);
}

static void snpu_job_free(struct drm_sched_job *sched_job)
{
	struct snpu_job *job = to_snpu_job(sched_job);
	struct snpu_device *sdev = job->sdev;
	struct snpu_file_priv *fpriv = job->fpriv;

	if (job->done_fence->error)
		atomic64_inc(&sdev->jobs_failed);
	drm_sched_job_cleanup(sched_job);
	snpu_job_release(job);

	/* Last: once the count drops, a closing file may be freed. */
	atomic_dec(&sdev->jobs_live);
	if (atomic_dec_and_test(&fpriv->jobs))
		wake_up_all(&sdev->idle_wq);
}

static const struct drm_sched_backend_ops snpu_sched_ops = {
	.run_job = snpu_job_run,
	.timedout_job = snpu_job_timedout,
	.free_job = snpu_job_free,
};

/* Look up, check the range of, and map one buffer of a job. */
static int snpu_job_map_bo(struct snpu_job *job, struct drm_file *file,
			   enum snpu_job_buf b, u32 handle, u64 offset,
			   u64 bytes)
{
	struct snpu_job_map *map = &job->maps[b];
	u64 end;
	int ret;

	map->obj = drm_gem_object_lookup(file, handle);
	if (!map->obj)
		return -ENOENT;
	if (check_add_overflow(offset, bytes, &end) || end > map->obj->size)
		return -EINVAL;
	job->offsets[b] = offset;

	ret = snpu_bo_vmap(map->obj, &map->vmap);
	if (ret)
		return ret;
	if (map->vmap.is_iomem) {
		snpu_bo_vunmap(map->obj, &map->vmap);
		iosys_map_clear(&map->vmap);
		return -EINVAL;
	}
	return snpu_iova_map(job->sdev, map->vmap.vaddr, map->obj->size,
			     &map->node);
}

static bool snpu_ranges_overlap(u64 a, u64 a_len, u64 b, u64 b_len)
{
	return a < b + b_len && b < a + a_len;
}

/* Bytes of the counters range: the job's, then maybe every layer's. */
static u64 snpu_job_counters_bytes(const struct drm_snpu_submit *args,
				   const struct snpu_model_obj *model)
{
	u64 n = sizeof(struct drm_snpu_job_counters);

	if (args->flags & DRM_SNPU_SUBMIT_LAYER_COUNTERS)
		n += (u64)model->layer_count *
		     sizeof(struct drm_snpu_layer_counters);
	return n;
}

/* Input, output and counters may share a buffer, never bytes. */
static int snpu_job_check_overlap(const struct drm_snpu_submit *args,
				  u64 in_bytes, u64 out_bytes, u64 cnt_bytes)
{
	if (args->in_handle == args->out_handle &&
	    snpu_ranges_overlap(args->in_offset, in_bytes, args->out_offset,
				out_bytes))
		return -EINVAL;
	if (!args->counters_handle)
		return 0;
	if (args->counters_handle == args->in_handle &&
	    snpu_ranges_overlap(args->counters_offset, cnt_bytes,
				args->in_offset, in_bytes))
		return -EINVAL;
	if (args->counters_handle == args->out_handle &&
	    snpu_ranges_overlap(args->counters_offset, cnt_bytes,
				args->out_offset, out_bytes))
		return -EINVAL;
	return 0;
}

/* The job's distinct buffer objects, for reservation locking. */
static int snpu_job_objects(struct snpu_job *job,
			    struct drm_gem_object **objs, bool *write)
{
	int i, j, n = 0;

	for (i = 0; i < SNPU_JOB_BUFS; i++) {
		struct drm_gem_object *obj = job->maps[i].obj;

		if (!obj)
			continue;
		for (j = 0; j < n && objs[j] != obj; j++)
			;
		if (j == n) {
			objs[n] = obj;
			write[n++] = i != SNPU_JOB_IN;
		} else if (i != SNPU_JOB_IN) {
			write[j] = true;
		}
	}
	return n;
}

/*
 * Wait for the buffers' current users (implicit sync with other drivers),
 * arm the job and publish its fence in the reservations. Past
 * drm_sched_job_arm() there is no failure.
 */
static int snpu_job_push(struct snpu_job *job)
{
	struct drm_gem_object *objs[SNPU_JOB_BUFS];
	bool write[SNPU_JOB_BUFS];
	struct ww_acquire_ctx ctx;
	int i, n, ret;

	n = snpu_job_objects(job, objs, write);
	ret = drm_gem_lock_reservations(objs, n, &ctx);
	if (ret)
		return ret;

	for (i = 0; i < n; i++) {
		ret = dma_resv_reserve_fences(objs[i]->resv, 1);
		if (ret)
			goto out_unlock;
		ret = drm_sched_job_add_implicit_dependencies(&job->base,
							      objs[i], write[i]);
		if (ret)
			goto out_unlock;
	}

	drm_sched_job_arm(&job->base);
	job->done_fence = dma_fence_get(&job->base.s_fence->finished);
	for (i = 0; i < n; i++)
		dma_resv_add_fence(objs[i]->resv, job->done_fence,
				   write[i] ? DMA_RESV_USAGE_WRITE :
					      DMA_RESV_USAGE_READ);

	atomic_inc(&job->fpriv->jobs);
	atomic_inc(&job->sdev->jobs_live);
	drm_sched_entity_push_job(&job->base);
out_unlock:
	drm_gem_unlock_reservations(objs, n, &ctx);
	return ret;
}

static int snpu_job_check_args(struct snpu_device *sdev,
			       const struct drm_snpu_submit *args)
{
	if (args->flags & ~DRM_SNPU_SUBMIT_FLAGS)
		return -EINVAL;
	if ((args->flags & DRM_SNPU_SUBMIT_LAYER_COUNTERS) &&
	    !args->counters_handle)
		return -EINVAL;
	if (!args->batch || args->batch > sdev->fw.platform.max_batch)
		return -EINVAL;
	if (!args->counters_handle && args->counters_offset)
		return -EINVAL;
	if (args->counters_offset % 8)
		return -EINVAL;
	return 0;
}

int snpu_ioctl_submit(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct snpu_device *sdev = to_snpu_device(drm);
	struct snpu_file_priv *fpriv = file->driver_priv;
	struct drm_snpu_submit *args = data;
	struct drm_syncobj *out_syncobj = NULL;
	struct dma_fence *in_fence = NULL;
	struct snpu_job *job;
	u64 in_bytes, out_bytes, cnt_bytes;
	size_t scratch;
	int ret;

	ret = snpu_job_check_args(sdev, args);
	if (ret)
		return ret;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	job->sdev = sdev;
	job->fpriv = fpriv;
	job->batch = args->batch;
	if (args->flags & DRM_SNPU_SUBMIT_LAYER_COUNTERS)
		job->cmd_flags = SNPU_CMD_F_LAYER_COUNTERS;

	job->model = snpu_model_lookup(fpriv, args->model);
	if (!job->model) {
		ret = -ENOENT;
		goto err_release;
	}
	in_bytes = (u64)args->batch * job->model->input_bytes;
	out_bytes = (u64)args->batch * job->model->output_bytes;
	cnt_bytes = snpu_job_counters_bytes(args, job->model);
	ret = snpu_job_check_overlap(args, in_bytes, out_bytes, cnt_bytes);
	if (ret)
		goto err_release;

	ret = snpu_job_map_bo(job, file, SNPU_JOB_IN, args->in_handle,
			      args->in_offset, in_bytes);
	if (!ret)
		ret = snpu_job_map_bo(job, file, SNPU_JOB_OUT, args->out_handle,
				      args->out_offset, out_bytes);
	if (!ret && args->counters_handle)
		ret = snpu_job_map_bo(job, file, SNPU_JOB_COUNTERS,
				      args->counters_handle,
				      args->counters_offset, cnt_bytes);
	if (ret)
		goto err_release;

	if (args->out_syncobj) {
		out_syncobj = drm_syncobj_find(file, args->out_syncobj);
		if (!out_syncobj) {
			ret = -ENOENT;
			goto err_release;
		}
	}
	if (args->in_syncobj) {
		ret = drm_syncobj_find_fence(file, args->in_syncobj, 0, 0,
					     &in_fence);
		if (ret)
			goto err_put_syncobj;
	}

	scratch = snpu_engine_scratch_size(job->model->mem.vaddr, args->batch);
	if (scratch) {
		ret = snpu_devmem_alloc(sdev, &job->scratch, scratch);
		if (ret)
			goto err_put_fence;
	}
	job->hw_fence = kzalloc(sizeof(*job->hw_fence), GFP_KERNEL);
	if (!job->hw_fence) {
		ret = -ENOMEM;
		goto err_put_fence;
	}

#ifdef HAVE_DRM_SCHED_JOB_INIT_CREDITS
	ret = drm_sched_job_init(&job->base, &fpriv->entity, 1, fpriv);
#else
	ret = drm_sched_job_init(&job->base, &fpriv->entity, fpriv);
#endif
	if (ret)
		goto err_put_fence;

	if (in_fence) {
		/* Consumes the reference, also on failure. */
		ret = drm_sched_job_add_dependency(&job->base, in_fence);
		in_fence = NULL;
		if (ret)
			goto err_cleanup;
	}

	ret = snpu_job_push(job);
	if (ret)
		goto err_cleanup;

	/* The job now belongs to the scheduler; free_job releases it. */
	if (out_syncobj) {
		drm_syncobj_replace_fence(out_syncobj, job->done_fence);
		drm_syncobj_put(out_syncobj);
	}
	return 0;

err_cleanup:
	drm_sched_job_cleanup(&job->base);
err_put_fence:
	dma_fence_put(in_fence);
err_put_syncobj:
	if (out_syncobj)
		drm_syncobj_put(out_syncobj);
err_release:
	snpu_job_release(job);
	return ret;
}

int snpu_job_open(struct snpu_device *sdev, struct snpu_file_priv *fpriv)
{
	struct drm_gpu_scheduler *sched = &sdev->sched;

	return drm_sched_entity_init(&fpriv->entity, DRM_SCHED_PRIORITY_NORMAL,
				     &sched, 1, NULL);
}

/*
 * A closing file (also a killed process): drop its queued jobs, then wait
 * until every job it submitted has been freed, so nothing outlives it.
 * Jobs on the hardware finish or time out within the job timeout.
 */
void snpu_job_close(struct snpu_device *sdev, struct snpu_file_priv *fpriv)
{
	drm_sched_entity_destroy(&fpriv->entity);
	wait_event(sdev->idle_wq, !atomic_read(&fpriv->jobs));
}

int snpu_job_init(struct snpu_device *sdev)
{
	long timeout = msecs_to_jiffies(snpu_job_timeout_ms);
	int ret;

	init_waitqueue_head(&sdev->idle_wq);

#ifdef HAVE_DRM_SCHED_INIT_ARGS
	{
		const struct drm_sched_init_args args = {
			.ops = &snpu_sched_ops,
			.credit_limit = SNPU_JOBS_IN_FLIGHT,
			.timeout = timeout,
			.name = dev_name(sdev->drm.dev),
			.dev = sdev->drm.dev,
		};

		ret = drm_sched_init(&sdev->sched, &args);
	}
#else
	ret = drm_sched_init(&sdev->sched, &snpu_sched_ops,
			     SNPU_JOBS_IN_FLIGHT, 0, timeout, NULL, NULL,
			     dev_name(sdev->drm.dev), sdev->drm.dev);
#endif
	if (ret)
		drm_err(&sdev->drm, "Failed to create the scheduler: %d\n", ret);
	return ret;
}

/* The device is going away; every file is closed, so no job is left. */
void snpu_job_fini(struct snpu_device *sdev)
{
	WARN_ON(atomic_read(&sdev->jobs_live));
	drm_sched_fini(&sdev->sched);
}
