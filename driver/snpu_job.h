/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __SNPU_JOB_H__
#define __SNPU_JOB_H__

#include <linux/types.h>

struct drm_device;
struct drm_file;
struct snpu_device;
struct snpu_file_priv;

int snpu_job_init(struct snpu_device *sdev);
void snpu_job_fini(struct snpu_device *sdev);

int snpu_job_open(struct snpu_device *sdev, struct snpu_file_priv *fpriv);
void snpu_job_close(struct snpu_device *sdev, struct snpu_file_priv *fpriv);

void snpu_job_irq_fault(struct snpu_device *sdev);

int snpu_ioctl_submit(struct drm_device *drm, void *data,
		      struct drm_file *file);

#endif /* __SNPU_JOB_H__ */
