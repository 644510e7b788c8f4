// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Device identity and capabilities: drmGetVersion, GET_PARAM against the
 * firmware image the device booted, and the debugfs state.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "snpu_dev.h"
#include "snpu_fw_parse.h"
#include "snpu_test.h"

FIXTURE(param) {
	int fd;
	int minor;
	struct snpu_fw_info fw;
};

FIXTURE_VARIANT(param) {
	const char *fw;
};

FIXTURE_VARIANT_ADD(param, edge_tiny) { .fw = "edge-tiny.bin" };
FIXTURE_VARIANT_ADD(param, edge_mid) { .fw = "edge-mid.bin" };
FIXTURE_VARIANT_ADD(param, edge_max) { .fw = "edge-max.bin" };

FIXTURE_SETUP(param)
{
	char params[96];
	size_t size;
	void *image;

	image = snpu_fw_read(variant->fw, &size);
	ASSERT_NE(NULL, image);
	ASSERT_EQ(0, snpu_fw_parse(image, size, &self->fw));
	free(image);

	snprintf(params, sizeof(params), "emulate_fw=snpu/%s", variant->fw);
	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load(params));
	self->fd = snpu_open_first();
	ASSERT_LE(0, self->fd);
	self->minor = snpu_fd_minor(self->fd);
	ASSERT_LE(128, self->minor);
}

FIXTURE_TEARDOWN(param)
{
	close(self->fd);
	EXPECT_EQ(0, snpu_module_unload());
}

static uint64_t param(struct __test_metadata *_metadata, int fd, uint32_t p)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	EXPECT_EQ(0, __snpu_get_param(fd, p, 0, &v));
	return v;
}

TEST_F(param, version_is_snpu)
{
	drmVersionPtr ver = drmGetVersion(self->fd);

	ASSERT_NE(NULL, ver);
	EXPECT_STREQ("snpu", ver->name);
	EXPECT_EQ(DRM_SNPU_DRIVER_MAJOR, ver->version_major);
	EXPECT_EQ(DRM_SNPU_DRIVER_MINOR, ver->version_minor);
	drmFreeVersion(ver);
}

TEST_F(param, values_equal_firmware)
{
	const struct snpu_platform *p = &self->fw.platform;
	int fd = self->fd;

	EXPECT_EQ(DRM_SNPU_DEVICE_ID, param(_metadata, fd, DRM_SNPU_PARAM_DEVICE_ID));
	EXPECT_EQ(0x10000, param(_metadata, fd, DRM_SNPU_PARAM_DEVICE_REVISION));
	EXPECT_EQ(DRM_SNPU_CAP_EMULATED,
		  param(_metadata, fd, DRM_SNPU_PARAM_CAPABILITIES));
	EXPECT_EQ(self->fw.fw_version, param(_metadata, fd, DRM_SNPU_PARAM_FW_VERSION));
	EXPECT_EQ((uint64_t)self->fw.format_major << 16 | self->fw.format_minor,
		  param(_metadata, fd, DRM_SNPU_PARAM_FW_FORMAT));
	EXPECT_EQ(p->platform_id, param(_metadata, fd, DRM_SNPU_PARAM_PLATFORM_ID));
	EXPECT_EQ(p->mac_units, param(_metadata, fd, DRM_SNPU_PARAM_MAC_UNITS));
	EXPECT_EQ(p->clock_khz, param(_metadata, fd, DRM_SNPU_PARAM_CLOCK_KHZ));
	EXPECT_EQ(p->sram_bytes, param(_metadata, fd, DRM_SNPU_PARAM_SRAM_BYTES));
	EXPECT_EQ(p->dram_bytes, param(_metadata, fd, DRM_SNPU_PARAM_DRAM_BYTES));
	EXPECT_EQ(p->dram_bytes_per_cycle,
		  param(_metadata, fd, DRM_SNPU_PARAM_DRAM_BYTES_PER_CYCLE));
	EXPECT_EQ(p->ops, param(_metadata, fd, DRM_SNPU_PARAM_OPS));
	EXPECT_EQ(p->encodings, param(_metadata, fd, DRM_SNPU_PARAM_ENCODINGS));
	EXPECT_EQ(p->nm_patterns, param(_metadata, fd, DRM_SNPU_PARAM_NM_PATTERNS));
	EXPECT_EQ(p->block_shapes, param(_metadata, fd, DRM_SNPU_PARAM_BLOCK_SHAPES));
	EXPECT_EQ(p->features, param(_metadata, fd, DRM_SNPU_PARAM_FEATURES));
	EXPECT_EQ(p->max_batch, param(_metadata, fd, DRM_SNPU_PARAM_MAX_BATCH));
}

TEST_F(param, platform_name_assembles_from_chunks)
{
	char name[32];
	uint64_t chunk;
	int i;

	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, __snpu_get_param(self->fd,
					      DRM_SNPU_PARAM_PLATFORM_NAME, i,
					      &chunk));
		memcpy(name + 8 * i, &chunk, 8);
	}
	EXPECT_EQ(0, memcmp(name, self->fw.platform.name, sizeof(name)));
}

TEST_F(param, unknown_param_rejected)
{
	uint64_t v;

	EXPECT_EQ(-EINVAL, __snpu_get_param(self->fd, 18, 0, &v));
	EXPECT_EQ(-EINVAL, __snpu_get_param(self->fd, 0xffffffff, 0, &v));
}

TEST_F(param, nonzero_index_rejected)
{
	uint64_t v;

	EXPECT_EQ(-EINVAL, __snpu_get_param(self->fd, DRM_SNPU_PARAM_MAC_UNITS,
					    1, &v));
	EXPECT_EQ(-EINVAL, __snpu_get_param(self->fd,
					    DRM_SNPU_PARAM_PLATFORM_NAME, 4, &v));
}

TEST_F(param, debugfs_shows_booted_device)
{
	char buf[4096], line[96];

	ASSERT_LT(0, snpu_debugfs_read(self->minor, "snpu_state", buf,
				       sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "emulated: yes\n"));
	snprintf(line, sizeof(line), "platform: %s (id %u)\n",
		 self->fw.platform.name, self->fw.platform.platform_id);
	EXPECT_NE(NULL, strstr(buf, line));
	/* READY, not faulted; the probe's NOP went through the interrupt. */
	EXPECT_EQ(1, snpu_debugfs_value(self->minor, "snpu_state",
					"reg_STATUS"));
	EXPECT_LE(1, snpu_debugfs_value(self->minor, "snpu_state", "irq_count"));
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_state", "fault_count"));
	EXPECT_EQ(snpu_debugfs_value(self->minor, "snpu_state", "next_seqno"),
		  snpu_debugfs_value(self->minor, "snpu_state", "reg_DONE_SEQNO"));
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects", "bo_count"));
}

TEST_HARNESS_MAIN
