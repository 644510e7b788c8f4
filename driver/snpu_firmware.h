/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __SNPU_FIRMWARE_H__
#define __SNPU_FIRMWARE_H__

struct snpu_device;

int snpu_fw_load(struct snpu_device *sdev);
int snpu_fw_boot(struct snpu_device *sdev);
int snpu_fw_start(struct snpu_device *sdev);
void snpu_fw_unload(struct snpu_device *sdev);

#endif /* __SNPU_FIRMWARE_H__ */
