/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * snpu telemetry over generic netlink (the family of uapi/snpu_genl.h).
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __SNPU_NETLINK_H__
#define __SNPU_NETLINK_H__

#include <linux/types.h>

struct snpu_device;

int snpu_genl_register(void);
void snpu_genl_unregister(void);
void snpu_genl_device_add(struct snpu_device *sdev);
void snpu_genl_device_remove(struct snpu_device *sdev);
void snpu_genl_event(struct snpu_device *sdev, u32 type, int error);

#endif /* __SNPU_NETLINK_H__ */
