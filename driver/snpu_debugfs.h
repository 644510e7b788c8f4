/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __SNPU_DEBUGFS_H__
#define __SNPU_DEBUGFS_H__

struct drm_minor;

void snpu_debugfs_init(struct drm_minor *minor);

#endif /* __SNPU_DEBUGFS_H__ */
