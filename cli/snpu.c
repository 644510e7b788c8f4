// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * snpu: the command line of the snpu stack.
 *
 *   snpu info [--json]     devices, firmware and platform profile
 *
 * Exit codes: 0 success, 1 failure (the message says why), 2 usage error,
 * 3 no snpu device found.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <xf86drm.h>

#include "snpu_accel.h"

#define SNPU_EXIT_FAIL		1
#define SNPU_EXIT_USAGE		2
#define SNPU_EXIT_NODEV		3

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

struct snpu_cli_param {
	const char *key;
	uint32_t param;
};

static const struct snpu_cli_param snpu_cli_params[] = {
	{ "device_id", DRM_SNPU_PARAM_DEVICE_ID },
	{ "revision", DRM_SNPU_PARAM_DEVICE_REVISION },
	{ "capabilities", DRM_SNPU_PARAM_CAPABILITIES },
	{ "fw_version", DRM_SNPU_PARAM_FW_VERSION },
	{ "fw_format", DRM_SNPU_PARAM_FW_FORMAT },
	{ "platform_id", DRM_SNPU_PARAM_PLATFORM_ID },
	{ "mac_units", DRM_SNPU_PARAM_MAC_UNITS },
	{ "clock_khz", DRM_SNPU_PARAM_CLOCK_KHZ },
	{ "sram_bytes", DRM_SNPU_PARAM_SRAM_BYTES },
	{ "dram_bytes", DRM_SNPU_PARAM_DRAM_BYTES },
	{ "dram_bytes_per_cycle", DRM_SNPU_PARAM_DRAM_BYTES_PER_CYCLE },
	{ "ops", DRM_SNPU_PARAM_OPS },
	{ "encodings", DRM_SNPU_PARAM_ENCODINGS },
	{ "nm_patterns", DRM_SNPU_PARAM_NM_PATTERNS },
	{ "block_shapes", DRM_SNPU_PARAM_BLOCK_SHAPES },
	{ "features", DRM_SNPU_PARAM_FEATURES },
	{ "max_batch", DRM_SNPU_PARAM_MAX_BATCH },
};

static const char *const snpu_cli_op_names[SNPU_OP_COUNT] = {
	"fc", "conv2d", "maxpool", "avgpool", "add", "reshape",
};
static const char *const snpu_cli_enc_names[SNPU_ENC_COUNT] = {
	"dense", "csr", "nm", "block",
};
static const char *const snpu_cli_nm_names[SNPU_NM_COUNT] = {
	"2:4", "1:4", "2:8",
};
static const char *const snpu_cli_block_names[SNPU_BLOCK_COUNT] = {
	"1x4", "4x4", "1x16",
};

static int snpu_cli_get(int fd, uint32_t param, uint32_t index, uint64_t *v)
{
	struct drm_snpu_get_param args = { .param = param, .index = index };

	if (drmIoctl(fd, DRM_IOCTL_SNPU_GET_PARAM, &args))
		return -errno;
	*v = args.value;
	return 0;
}

static void snpu_cli_mask(char *buf, size_t size, uint64_t mask,
			  const char *const *names, unsigned int count)
{
	unsigned int i;
	size_t n = 0;

	buf[0] = '\0';
	for (i = 0; i < count && n < size; i++)
		if (mask & (1ull << i))
			n += snprintf(buf + n, size - n, "%s%s", n ? "," : "",
				      names[i]);
}

static int snpu_cli_info_one(const char *path, int json, int first)
{
	char name[33] = { 0 }, ops[96], enc[64], nm[32], blk[32];
	uint64_t v[DRM_SNPU_PARAM_MAX_BATCH + 1] = { 0 };
	drmVersionPtr ver;
	unsigned int i;
	uint64_t chunk = 0;
	int fd, ret;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "snpu: cannot open %s: %s%s\n", path,
			strerror(errno), errno == EACCES ?
			" (add your user to the render group)" : "");
		return SNPU_EXIT_FAIL;
	}
	ver = drmGetVersion(fd);
	for (i = 0; i < 4; i++) {
		ret = snpu_cli_get(fd, DRM_SNPU_PARAM_PLATFORM_NAME, i, &chunk);
		if (ret)
			goto err;
		memcpy(name + 8 * i, &chunk, 8);
	}
	for (i = 0; i < ARRAY_SIZE(snpu_cli_params); i++) {
		ret = snpu_cli_get(fd, snpu_cli_params[i].param, 0,
				   &v[snpu_cli_params[i].param]);
		if (ret)
			goto err;
	}
	close(fd);

	snpu_cli_mask(ops, sizeof(ops), v[DRM_SNPU_PARAM_OPS], snpu_cli_op_names, SNPU_OP_COUNT);
	snpu_cli_mask(enc, sizeof(enc), v[DRM_SNPU_PARAM_ENCODINGS], snpu_cli_enc_names,
		      SNPU_ENC_COUNT);
	snpu_cli_mask(nm, sizeof(nm), v[DRM_SNPU_PARAM_NM_PATTERNS], snpu_cli_nm_names, SNPU_NM_COUNT);
	snpu_cli_mask(blk, sizeof(blk), v[DRM_SNPU_PARAM_BLOCK_SHAPES], snpu_cli_block_names,
		      SNPU_BLOCK_COUNT);

	if (json) {
		printf("%s{\"node\":\"%s\",\"driver\":\"%s\",\"uapi\":\"%d.%d.%d\",\"platform\":\"%s\"",
		       first ? "" : ",", path, ver ? ver->name : "?",
		       ver ? ver->version_major : 0, ver ? ver->version_minor : 0,
		       ver ? ver->version_patchlevel : 0, name);
		for (i = 0; i < ARRAY_SIZE(snpu_cli_params); i++)
			printf(",\"%s\":%llu", snpu_cli_params[i].key,
			       (unsigned long long)v[snpu_cli_params[i].param]);
		printf("}");
	} else {
		printf("%s: snpu uAPI %d.%d, %s device\n", path,
		       ver ? ver->version_major : 0,
		       ver ? ver->version_minor : 0,
		       v[DRM_SNPU_PARAM_CAPABILITIES] & DRM_SNPU_CAP_EMULATED ? "emulated" : "hardware");
		printf("  platform     %s (id %llu), firmware %llu.%llu.%llu, format %llu.%llu\n",
		       name, (unsigned long long)v[DRM_SNPU_PARAM_PLATFORM_ID],
		       (unsigned long long)(v[DRM_SNPU_PARAM_FW_VERSION] >> 16),
		       (unsigned long long)((v[DRM_SNPU_PARAM_FW_VERSION] >> 8) & 0xff),
		       (unsigned long long)(v[DRM_SNPU_PARAM_FW_VERSION] & 0xff),
		       (unsigned long long)(v[DRM_SNPU_PARAM_FW_FORMAT] >> 16),
		       (unsigned long long)(v[DRM_SNPU_PARAM_FW_FORMAT] & 0xffff));
		printf("  compute      %llu MAC units at %llu MHz, max batch %llu\n",
		       (unsigned long long)v[DRM_SNPU_PARAM_MAC_UNITS],
		       (unsigned long long)(v[DRM_SNPU_PARAM_CLOCK_KHZ] / 1000),
		       (unsigned long long)v[DRM_SNPU_PARAM_MAX_BATCH]);
		printf("  memory       %llu KiB SRAM, %llu MiB DRAM at %llu B/cycle\n",
		       (unsigned long long)(v[DRM_SNPU_PARAM_SRAM_BYTES] >> 10),
		       (unsigned long long)(v[DRM_SNPU_PARAM_DRAM_BYTES] >> 20),
		       (unsigned long long)v[DRM_SNPU_PARAM_DRAM_BYTES_PER_CYCLE]);
		printf("  ops          %s\n", ops);
		printf("  encodings    %s%s%s%s%s%s\n", enc,
		       nm[0] ? "; n:m " : "", nm, blk[0] ? "; blocks " : "",
		       blk, v[DRM_SNPU_PARAM_FEATURES] & SNPU_FEAT_ACT_ZERO_SKIP ?
		       "; zero-activation skipping" : "");
	}
	drmFreeVersion(ver);
	return 0;

err:
	fprintf(stderr, "snpu: %s: GET_PARAM failed: %s (driver too old for this snpu?)\n",
		path, strerror(-ret));
	drmFreeVersion(ver);
	close(fd);
	return SNPU_EXIT_FAIL;
}

static int snpu_cli_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, found = 0, minor, c, ret = 0;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("Usage: snpu info [--json]\n\n"
			       "List snpu devices with their firmware and platform profile.\n"
			       "Exit status: 0 ok, 1 error, 2 usage, 3 no device.\n");
			return 0;
		default:
			return SNPU_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "snpu info: unexpected argument '%s'\n",
			argv[optind]);
		return SNPU_EXIT_USAGE;
	}

	if (json)
		printf("[");
	for (minor = 128; minor < 192; minor++) {
		char path[64];
		drmVersionPtr ver;
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", minor);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		ver = drmGetVersion(fd);
		close(fd);
		if (ver && !strcmp(ver->name, "snpu")) {
			ret |= snpu_cli_info_one(path, json, !found);
			found++;
		}
		drmFreeVersion(ver);
	}
	if (json)
		printf("]\n");
	if (!found) {
		fprintf(stderr, "snpu: no snpu device found: load the driver (modprobe snpu) and check /dev/dri/renderD*\n");
		return SNPU_EXIT_NODEV;
	}
	return ret ? SNPU_EXIT_FAIL : 0;
}

static void snpu_cli_usage(FILE *f)
{
	fprintf(f, "Usage: snpu COMMAND [OPTIONS]\n\n"
		   "Commands:\n"
		   "  info     list devices, firmware and platform profile\n\n"
		   "Run 'snpu COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		snpu_cli_usage(stderr);
		return SNPU_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		snpu_cli_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "info"))
		return snpu_cli_info(argc - 1, argv + 1);

	fprintf(stderr, "snpu: unknown command '%s'\n", argv[1]);
	snpu_cli_usage(stderr);
	return SNPU_EXIT_USAGE;
}
