/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __SNPU_MODELS_H__
#define __SNPU_MODELS_H__

#include <linux/kref.h>

#include "snpu_device.h"

struct drm_device;
struct drm_file;
struct snpu_file_priv;

/**
 * struct snpu_model_obj - a validated model, prepared for the engine
 * @ref: held by the file's handle and by every job that runs it.
 * @sdev: the device whose memory holds @mem.
 * @mem: the prepared model (snpu_engine.h), where the device reads it.
 * @prepared_size: bytes of the prepared model in @mem.
 * @input_bytes: bytes of one input sample.
 * @output_bytes: bytes of one output sample.
 * @layer_count: layers, the entries of a profiled job's layer counters.
 */
struct snpu_model_obj {
	struct kref ref;
	struct snpu_device *sdev;
	struct snpu_devmem mem;
	size_t prepared_size;
	u32 input_bytes;
	u32 output_bytes;
	u32 layer_count;
};

struct snpu_model_obj *snpu_model_lookup(struct snpu_file_priv *fpriv,
					 u32 handle);
void snpu_model_put(struct snpu_model_obj *model);
void snpu_models_release(struct snpu_file_priv *fpriv);

int snpu_ioctl_model_create(struct drm_device *drm, void *data,
			    struct drm_file *file);
int snpu_ioctl_model_destroy(struct drm_device *drm, void *data,
			     struct drm_file *file);

#endif /* __SNPU_MODELS_H__ */
