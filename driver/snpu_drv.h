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
 */
struct snpu_file_priv {
	struct snpu_device *sdev;
	struct drm_sched_entity entity;
	struct xarray models;
	atomic_t jobs;
};

#endif /* __SNPU_DRV_H__ */
