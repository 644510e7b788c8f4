/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __SNPU_DRV_H__
#define __SNPU_DRV_H__

struct snpu_device;

/**
 * struct snpu_file_priv - per open file state
 * @sdev: the device the file was opened on.
 */
struct snpu_file_priv {
	struct snpu_device *sdev;
};

#endif /* __SNPU_DRV_H__ */
