/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __SNPU_DRV_H__
#define __SNPU_DRV_H__

#include <linux/atomic.h>
#include <linux/xarray.h>

#include <drm/gpu_scheduler.h>

struct snpu_device;

/**
 * struct snpu_file_priv - per open file state
 * @sdev: the device the file was opened on.
 * @entity: the file's queue into the device's scheduler.
 * @models: the file's models by handle (allocating, from 1).
 * @jobs: jobs submitted through this file and not yet freed.
 * @busy_ns: time the device spent on this file's jobs (fdinfo).
 * @client_id: unique id of the file for its whole life (fdinfo).
 */
struct snpu_file_priv {
	struct snpu_device *sdev;
	struct drm_sched_entity entity;
	struct xarray models;
	atomic_t jobs;
	atomic64_t busy_ns;
	u64 client_id;
};

#endif /* __SNPU_DRV_H__ */
