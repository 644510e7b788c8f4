/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Jobs of test graphs on the device: a job's buffers, its SUBMIT
 * arguments, and "run this graph and compare with the reference". Shared
 * by the device tests, the fault-injection sweeps and the ioctl fuzzer;
 * snpu_tmodel.h stays free of DRM for the host tests that build graphs.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_TJOB_H
#define SNPU_TJOB_H

#include <stddef.h>
#include <stdint.h>

#include "snpu_accel.h"
#include "snpu_tmodel.h"

/* How long the shared helpers wait for a job's fence. */
#define SNPU_TJOB_WAIT_MS	20000

/**
 * struct snpu_job_bufs - the buffers of one job, each in its own BO
 * @in: input BO handle.
 * @out: output BO handle.
 * @cnt: counters BO handle (4 KiB).
 * @syncobj: the job's out-syncobj.
 * @in_map: CPU mapping of @in.
 * @out_map: CPU mapping of @out.
 * @cnt_map: CPU mapping of @cnt.
 * @in_size: bytes of @in.
 * @out_size: bytes of @out.
 */
struct snpu_job_bufs {
	uint32_t in, out, cnt, syncobj;
	int8_t *in_map, *out_map;
	struct drm_snpu_job_counters *cnt_map;
	size_t in_size, out_size;
};

/* Create and map the buffers and syncobj of a job on @fd. 0 or -errno. */
int snpu_job_bufs_create(int fd, struct snpu_job_bufs *b, size_t in_size,
			 size_t out_size);
void snpu_job_bufs_destroy(int fd, struct snpu_job_bufs *b);

/* SUBMIT arguments running @model on @batch samples of @b. */
struct drm_snpu_submit snpu_job_args(uint32_t model, uint32_t batch,
				     const struct snpu_job_bufs *b);

/*
 * Submit @batch random samples of @tm (created on @fd as @model) and check
 * the device's output equals the independent reference's, byte for byte.
 * @counters and @layers (may be NULL) receive what the job counted.
 * Returns 0, or -errno / -EIO for a failed fence / -EBADMSG for a
 * mismatch (printed).
 */
int snpu_tmodel_check(int fd, const struct snpu_tmodel *tm, uint32_t model,
		      uint32_t batch, unsigned int seed,
		      struct drm_snpu_job_counters *counters,
		      struct drm_snpu_layer_counters *layers);

#endif /* SNPU_TJOB_H */
