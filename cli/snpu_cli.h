/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The device half of the snpu command line: the commands over libaccel
 * and the helpers they share.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_CLI_H
#define SNPU_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "accel.h"
#include "snpu_args.h"
#include "snpu_report.h"

#define SNPU_CLI_VERSION	"0.1.0"

/* A job waits at most this long before the CLI calls the device hung. */
#define SNPU_CLI_JOB_TIMEOUT_NS	(60ll * 1000 * 1000 * 1000)

/*
 * Open the device @sel names (an index or a path; NULL for the first),
 * and query its caps. @info receives the node and platform. Returns an
 * exit code after a message on stderr: SNPU_EXIT_NODEV when there is no
 * such device.
 */
int snpu_cli_open(const char *sel, accel_device **dev,
		  struct accel_device_info *info, struct accel_caps *caps);

/* Exit code for a libaccel error: SNPU_EXIT_INPUT for a refused model. */
int snpu_cli_exit_code(int err);

struct snpu_io_model;

/*
 * Load the checked model file @m (named @path) onto @dev; on refusal
 * print why, naming the device @info, and return the exit code.
 */
int snpu_cli_load_model(accel_device *dev, const struct accel_device_info *info,
			const char *path, const struct snpu_io_model *m,
			accel_model **model);

/* Monotonic time in seconds. */
double snpu_cli_now(void);


int snpu_cmd_info(const struct snpu_args *a);
int snpu_cmd_run(const struct snpu_args *a);
int snpu_cmd_bench(const struct snpu_args *a);
/* Telemetry over generic netlink, no render node (snpu_top.c). */
int snpu_cmd_top(const struct snpu_args *a);
/* The host commands over the pruner library (snpu_ml.c). */
int snpu_cmd_train(const struct snpu_args *a);
int snpu_cmd_prune(const struct snpu_args *a);
int snpu_cmd_eval(const struct snpu_args *a);

#endif /* SNPU_CLI_H */
