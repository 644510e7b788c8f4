// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * snpu: the command line of the snpu stack, a thin layer over libaccel
 * (device commands) and the pruner library (host commands).
 *
 *   snpu info [--json] [--device N|PATH]
 *   snpu run MODEL --input FILE... [--output FILE] [--top-k K] ...
 *   snpu bench MODEL [--runs N] [--batch N] [--queue-depth D] ...
 *   snpu train --arch lenet300|cnn --output FILE.onnx ...
 *   snpu prune MODEL.onnx --output FILE.snpu [--sparsity S] ...
 *   snpu eval MODEL [--outputs FILE.npy --reference FILE.npy] ...
 *   snpu top [--interval MS] [--once [--json]]
 *
 * Exit codes (snpu_args.h, docs/cli.md): 0 success, 1 runtime failure,
 * 2 usage error, 3 no snpu device, 4 invalid input file or model.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "snpu_cli.h"
#include "snpu_io.h"
#include "snpu_model.h"

double snpu_cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int snpu_cli_exit_code(int err)
{
	if (err <= ACCEL_E_MODEL_BASE &&
	    err > ACCEL_E_MODEL_BASE - SNPU_MODEL_E_COUNT)
		return SNPU_EXIT_INPUT;
	return SNPU_EXIT_FAIL;
}

int snpu_cli_load_model(accel_device *dev, const struct accel_device_info *info,
			const char *path, const struct snpu_io_model *m,
			accel_model **model)
{
	int ret = accel_model_load(dev, m->blob, m->size, model);

	if (ret) {
		fprintf(stderr, "snpu: %s: refused by %s (%s): %s\n", path,
			info->node, info->platform, accel_strerror(ret));
		return snpu_cli_exit_code(ret);
	}
	return 0;
}

static const char snpu_cli_nodev[] =
	"snpu: no snpu device found: load the driver (modprobe snpu) and check /dev/dri/renderD*\n";

int snpu_cli_open(const char *sel, accel_device **dev,
		  struct accel_device_info *info, struct accel_caps *caps)
{
	struct accel_device_info *list = NULL;
	int index = 0, n, ret;

	memset(info, 0, sizeof(*info));
	if (sel && !snpu_args_device_index(sel, &index)) {
		ret = accel_device_open(sel, dev);
		if (ret) {
			fprintf(stderr, "snpu: %s: %s\n", sel,
				accel_strerror(ret));
			return ret == -ENOENT || ret == -ENODEV ||
			       ret == -ENXIO || ret == ACCEL_E_NOT_SNPU ?
			       SNPU_EXIT_NODEV : SNPU_EXIT_FAIL;
		}
		snprintf(info->node, sizeof(info->node), "%s", sel);
	} else {
		n = accel_devices_get(&list);
		if (n == 0 || n == -ENOENT || n == -ENODEV) {
			accel_devices_free(list);
			fputs(snpu_cli_nodev, stderr);
			return SNPU_EXIT_NODEV;
		}
		if (n < 0) {
			fprintf(stderr, "snpu: cannot list devices: %s\n",
				accel_strerror(n));
			return SNPU_EXIT_FAIL;
		}
		if (index >= n) {
			fprintf(stderr, "snpu: no device %d: found %d snpu device%s (0 to %d)\n",
				index, n, n == 1 ? "" : "s", n - 1);
			accel_devices_free(list);
			return SNPU_EXIT_NODEV;
		}
		*info = list[index];
		accel_devices_free(list);
		ret = accel_device_open(info->node, dev);
		if (ret) {
			fprintf(stderr, "snpu: %s: %s\n", info->node,
				accel_strerror(ret));
			return SNPU_EXIT_FAIL;
		}
	}

	memset(caps, 0, sizeof(*caps));
	caps->size = sizeof(*caps);
	ret = accel_device_query(*dev, caps);
	if (ret) {
		fprintf(stderr, "snpu: %s: %s\n", info->node,
			accel_strerror(ret));
		accel_device_unref(*dev);
		*dev = NULL;
		return SNPU_EXIT_FAIL;
	}
	if (!info->platform[0])
		snprintf(info->platform, sizeof(info->platform), "%s",
			 caps->platform);
	info->emulated = caps->emulated;
	return SNPU_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct snpu_args a;
	int ret;

	ret = snpu_args_parse(argc, argv, &a, stdout, stderr);
	if (ret)
		return ret;
	switch (a.cmd) {
	case SNPU_CMD_VERSION:
		printf("snpu %s (libaccel %s, packed model format %d.%d)\n",
		       SNPU_CLI_VERSION, accel_version(),
		       SNPU_MODEL_FORMAT_MAJOR, SNPU_MODEL_FORMAT_MINOR);
		return SNPU_EXIT_OK;
	case SNPU_CMD_INFO:
		return snpu_cmd_info(&a);
	case SNPU_CMD_RUN:
		return snpu_cmd_run(&a);
	case SNPU_CMD_BENCH:
		return snpu_cmd_bench(&a);
	case SNPU_CMD_TRAIN:
		return snpu_cmd_train(&a);
	case SNPU_CMD_PRUNE:
		return snpu_cmd_prune(&a);
	case SNPU_CMD_EVAL:
		return snpu_cmd_eval(&a);
	case SNPU_CMD_TOP:
		return snpu_cmd_top(&a);
	default:
		return SNPU_EXIT_OK;
	}
}
