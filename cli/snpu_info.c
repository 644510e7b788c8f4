// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * snpu info: devices, firmware and platform profile, via
 * accel_devices_get() and accel_device_query().
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_cli.h"
#include "snpu_names.h"


/* Bits of @mask by name, comma separated (or as JSON strings). */
static void snpu_info_mask(FILE *f, uint32_t mask,
			   const char *(*names)(u32 bit), int json)
{
	unsigned int i, n = 0;

	for (i = 0; i < 32; i++) {
		char unknown[16];
		const char *name;

		if (!(mask & (1u << i)))
			continue;
		name = names(i);
		if (!name) {
			snprintf(unknown, sizeof(unknown), "bit%u", i);
			name = unknown;
		}
		fputs(n++ ? "," : "", f);
		if (json)
			snpu_report_json_str(f, name);
		else
			fputs(name, f);
	}
}

static void snpu_info_json(const struct accel_device_info *d,
			   const struct accel_caps *c, int first)
{
	printf("%s\n  {\"node\": ", first ? "" : ",");
	snpu_report_json_str(stdout, d->node);
	printf(", \"platform\": ");
	snpu_report_json_str(stdout, c->platform);
	printf(", \"emulated\": %s, \"uapi\": \"%u.%u\", \"platform_id\": %u,",
	       c->emulated ? "true" : "false", c->uapi_major, c->uapi_minor,
	       c->platform_id);
	printf(" \"firmware\": \"%u.%u.%u\", \"firmware_format\": \"%u.%u\",",
	       c->fw_version >> 16, (c->fw_version >> 8) & 0xff,
	       c->fw_version & 0xff, c->fw_format >> 16, c->fw_format & 0xffff);
	printf(" \"mac_units\": %u, \"clock_khz\": %u,", c->mac_units,
	       c->clock_khz);
	printf(" \"sram_bytes\": %llu, \"dram_bytes\": %llu, \"dram_bytes_per_cycle\": %u, \"max_batch\": %u,",
	       (unsigned long long)c->sram_bytes,
	       (unsigned long long)c->dram_bytes, c->dram_bytes_per_cycle,
	       c->max_batch);
	printf(" \"ops\": [");
	snpu_info_mask(stdout, c->ops, snpu_op_name, 1);
	printf("], \"encodings\": [");
	snpu_info_mask(stdout, c->encodings, snpu_enc_name, 1);
	printf("], \"nm_patterns\": [");
	snpu_info_mask(stdout, c->nm_patterns, snpu_nm_name, 1);
	printf("], \"block_shapes\": [");
	snpu_info_mask(stdout, c->block_shapes, snpu_block_name, 1);
	printf("], \"features\": [");
	snpu_info_mask(stdout, c->features, snpu_feature_name, 1);
	printf("]}");
}

static void snpu_info_text(const struct accel_device_info *d,
			   const struct accel_caps *c)
{
	printf("%s: snpu uAPI %u.%u, %s device\n", d->node, c->uapi_major,
	       c->uapi_minor, c->emulated ? "emulated" : "hardware");
	printf("  platform     %s (id %u), firmware %u.%u.%u, format %u.%u\n",
	       c->platform, c->platform_id, c->fw_version >> 16,
	       (c->fw_version >> 8) & 0xff, c->fw_version & 0xff,
	       c->fw_format >> 16, c->fw_format & 0xffff);
	printf("  compute      %u MAC units at %u MHz, max batch %u\n",
	       c->mac_units, c->clock_khz / 1000, c->max_batch);
	printf("  memory       %llu KiB SRAM, %llu MiB DRAM at %u B/cycle\n",
	       (unsigned long long)(c->sram_bytes >> 10),
	       (unsigned long long)(c->dram_bytes >> 20),
	       c->dram_bytes_per_cycle);
	printf("  ops          ");
	snpu_info_mask(stdout, c->ops, snpu_op_name, 0);
	printf("\n  encodings    ");
	snpu_info_mask(stdout, c->encodings, snpu_enc_name, 0);
	if (c->nm_patterns) {
		printf("; n:m ");
		snpu_info_mask(stdout, c->nm_patterns, snpu_nm_name, 0);
	}
	if (c->block_shapes) {
		printf("; blocks ");
		snpu_info_mask(stdout, c->block_shapes, snpu_block_name, 0);
	}
	if (c->features & SNPU_FEAT_ACT_ZERO_SKIP)
		printf("; zero-activation skipping");
	printf("\n");
}

/* One device: 0, or an exit code after a message. */
static int snpu_info_one(const char *sel, int json, int *shown)
{
	struct accel_device_info d;
	struct accel_caps c;
	accel_device *dev;
	int ret;

	ret = snpu_cli_open(sel, &dev, &d, &c);
	if (ret)
		return ret;
	if (json)
		snpu_info_json(&d, &c, !*shown);
	else
		snpu_info_text(&d, &c);
	(*shown)++;
	accel_device_unref(dev);
	return SNPU_EXIT_OK;
}

int snpu_cmd_info(const struct snpu_args *a)
{
	struct accel_device_info *list = NULL;
	int n, i, shown = 0, ret = SNPU_EXIT_OK;

	if (a->json)
		printf("[");
	if (a->device) {
		ret = snpu_info_one(a->device, a->json, &shown);
	} else {
		n = accel_devices_get(&list);
		if (n < 0 && n != -ENOENT && n != -ENODEV) {
			fprintf(stderr, "snpu: cannot list devices: %s\n",
				accel_strerror(n));
			ret = SNPU_EXIT_FAIL;
		} else if (n <= 0) {
			fprintf(stderr, "snpu: no snpu device found: load the driver (modprobe snpu) and check /dev/dri/renderD*\n");
			ret = SNPU_EXIT_NODEV;
		}
		for (i = 0; i < n; i++) {
			int r = snpu_info_one(list[i].node, a->json, &shown);

			/* Keep listing the others; report the failure. */
			if (r && !ret)
				ret = r == SNPU_EXIT_NODEV ? SNPU_EXIT_FAIL : r;
		}
		accel_devices_free(list);
	}
	if (a->json)
		printf("%s]\n", shown ? "\n" : "");
	return ret;
}
