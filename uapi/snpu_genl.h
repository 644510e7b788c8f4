/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * snpu telemetry over generic netlink.
 *
 * Family SNPU_GENL_NAME, version SNPU_GENL_VERSION. Any user may read
 * (SNPU_CMD_DEV_GET, doit with SNPU_A_DEV_MINOR or dump of every device)
 * and join the SNPU_GENL_MCGRP_EVENTS multicast group; commands that
 * change state need CAP_SYS_ADMIN (GENL_ADMIN_PERM) and fail with -EPERM
 * otherwise. Every request attribute is checked against the family's
 * policy: unknown or malformed attributes are -EINVAL with an extack
 * message.
 *
 * A device message (reply to DEV_GET) carries the SNPU_A_DEV_* attributes;
 * an event (SNPU_CMD_EVENT on the events group) carries SNPU_A_EVENT_*
 * and the device's SNPU_A_DEV_MINOR and SNPU_A_DEV_PLATFORM.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __UAPI_SNPU_GENL_H__
#define __UAPI_SNPU_GENL_H__

#define SNPU_GENL_NAME			"snpu"
#define SNPU_GENL_VERSION		1
#define SNPU_GENL_MCGRP_EVENTS		"events"

/**
 * enum snpu_genl_cmd - commands of the snpu family
 * @SNPU_CMD_UNSPEC: unused.
 * @SNPU_CMD_DEV_GET: read one device (SNPU_A_DEV_MINOR given) or dump
 *	all; unprivileged.
 * @SNPU_CMD_COUNTERS_RESET: zero a device's telemetry counters (not its
 *	live object counts); CAP_SYS_ADMIN.
 * @SNPU_CMD_EVENT: an event, sent on the events group only.
 * @__SNPU_CMD_MAX: one past the last command.
 */
enum snpu_genl_cmd {
	SNPU_CMD_UNSPEC,
	SNPU_CMD_DEV_GET,
	SNPU_CMD_COUNTERS_RESET,
	SNPU_CMD_EVENT,
	__SNPU_CMD_MAX,
};

#define SNPU_CMD_MAX	(__SNPU_CMD_MAX - 1)

/**
 * enum snpu_genl_attr - attributes
 * @SNPU_A_UNSPEC: unused.
 * @SNPU_A_PAD: padding for 64-bit attributes.
 * @SNPU_A_DEV_MINOR: u32, the render node's minor (renderD<minor>).
 * @SNPU_A_DEV_PLATFORM: string, the firmware's platform name.
 * @SNPU_A_DEV_FIRMWARE: string, the firmware file.
 * @SNPU_A_DEV_EMULATED: u8, 1 for the emulated device.
 * @SNPU_A_DEV_CLOCK_KHZ: u32, the platform clock.
 * @SNPU_A_JOBS_SUBMITTED: u64, jobs put on the device (re-runs count).
 * @SNPU_A_JOBS_COMPLETED: u64, jobs the device completed.
 * @SNPU_A_JOBS_FAILED: u64, jobs that finished with an error.
 * @SNPU_A_JOBS_TIMEDOUT: u64, jobs past their deadline.
 * @SNPU_A_RESETS: u64, device resets.
 * @SNPU_A_BUSY_NS: u64, time the device spent running jobs.
 * @SNPU_A_CYCLES: u64, engine cycles counted by the device.
 * @SNPU_A_MACS: u64, multiply-accumulates executed.
 * @SNPU_A_MACS_SKIPPED_WEIGHT: u64, MACs skipped for pruned weights.
 * @SNPU_A_MACS_SKIPPED_ACT: u64, MACs skipped for zero activations.
 * @SNPU_A_BYTES_READ: u64, bytes the device read.
 * @SNPU_A_BYTES_WRITTEN: u64, bytes the device wrote.
 * @SNPU_A_MEM_BYTES: u64, bytes in live buffer objects.
 * @SNPU_A_BO_COUNT: u32, live buffer objects.
 * @SNPU_A_MODEL_COUNT: u32, live models.
 * @SNPU_A_JOBS_LIVE: u32, jobs submitted and not yet freed.
 * @SNPU_A_EVENT_TYPE: u32, &enum snpu_genl_event.
 * @SNPU_A_EVENT_ERROR: s32, the job's error (fault, timeout), else 0.
 * @SNPU_A_EVENT_TIME_NS: u64, CLOCK_MONOTONIC time of the event.
 * @__SNPU_A_MAX: one past the last attribute.
 */
enum snpu_genl_attr {
	SNPU_A_UNSPEC,
	SNPU_A_PAD,
	SNPU_A_DEV_MINOR,
	SNPU_A_DEV_PLATFORM,
	SNPU_A_DEV_FIRMWARE,
	SNPU_A_DEV_EMULATED,
	SNPU_A_DEV_CLOCK_KHZ,
	SNPU_A_JOBS_SUBMITTED,
	SNPU_A_JOBS_COMPLETED,
	SNPU_A_JOBS_FAILED,
	SNPU_A_JOBS_TIMEDOUT,
	SNPU_A_RESETS,
	SNPU_A_BUSY_NS,
	SNPU_A_CYCLES,
	SNPU_A_MACS,
	SNPU_A_MACS_SKIPPED_WEIGHT,
	SNPU_A_MACS_SKIPPED_ACT,
	SNPU_A_BYTES_READ,
	SNPU_A_BYTES_WRITTEN,
	SNPU_A_MEM_BYTES,
	SNPU_A_BO_COUNT,
	SNPU_A_MODEL_COUNT,
	SNPU_A_JOBS_LIVE,
	SNPU_A_EVENT_TYPE,
	SNPU_A_EVENT_ERROR,
	SNPU_A_EVENT_TIME_NS,
	__SNPU_A_MAX,
};

#define SNPU_A_MAX	(__SNPU_A_MAX - 1)

/**
 * enum snpu_genl_event - what SNPU_A_EVENT_TYPE says happened
 * @SNPU_EVENT_JOB_FAULT: the device faulted on a job.
 * @SNPU_EVENT_JOB_TIMEOUT: a job ran past its deadline.
 * @SNPU_EVENT_RESET: the device was reset for recovery.
 * @SNPU_EVENT_FW_LOADED: a device booted its firmware.
 * @SNPU_EVENT_DEV_ADDED: a device appeared (after its firmware loaded).
 * @SNPU_EVENT_DEV_REMOVED: a device went away.
 */
enum snpu_genl_event {
	SNPU_EVENT_JOB_FAULT = 1,
	SNPU_EVENT_JOB_TIMEOUT,
	SNPU_EVENT_RESET,
	SNPU_EVENT_FW_LOADED,
	SNPU_EVENT_DEV_ADDED,
	SNPU_EVENT_DEV_REMOVED,
};

#endif /* __UAPI_SNPU_GENL_H__ */
