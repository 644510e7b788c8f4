// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Module lifecycle, emulated instances and firmware validation at probe.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <xf86drm.h>

#include "snpu_dev.h"
#include "snpu_test.h"

static void read_platform_name(struct __test_metadata *_metadata, int fd,
			       char name[32])
{
	uint64_t chunk;
	int i;

	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, __snpu_get_param(fd, DRM_SNPU_PARAM_PLATFORM_NAME,
					      i, &chunk));
		memcpy(name + 8 * i, &chunk, 8);
	}
	ASSERT_EQ('\0', name[31]);
}

FIXTURE(module) {
	char paths[SNPU_DEV_MAX_NODES][64];
};

FIXTURE_SETUP(module)
{
	ASSERT_EQ(0, snpu_module_unload());
}

FIXTURE_TEARDOWN(module)
{
	EXPECT_EQ(0, snpu_module_unload());
}

TEST_F_TIMEOUT(module, load_unload_20_times, 120)
{
	int i;

	for (i = 0; i < 20; i++) {
		drmVersionPtr ver;
		int fd;

		ASSERT_EQ(0, snpu_module_load(NULL));
		ASSERT_EQ(1, snpu_find_nodes(self->paths, SNPU_DEV_MAX_NODES));
		fd = open(self->paths[0], O_RDWR);
		ASSERT_LE(0, fd);
		ver = drmGetVersion(fd);
		ASSERT_NE(NULL, ver);
		EXPECT_STREQ("snpu", ver->name);
		EXPECT_EQ(DRM_SNPU_DRIVER_MAJOR, ver->version_major);
		EXPECT_EQ(DRM_SNPU_DRIVER_MINOR, ver->version_minor);
		drmFreeVersion(ver);
		close(fd);
		ASSERT_EQ(0, snpu_module_unload());
		ASSERT_FALSE(snpu_module_loaded());
	}
}

TEST_F(module, unload_refused_while_file_open)
{
	int fd;

	ASSERT_EQ(0, snpu_module_load(NULL));
	fd = snpu_open_first();
	ASSERT_LE(0, fd);
	/* The open file pins the module; nothing may be torn down under it. */
	EXPECT_NE(0, syscall(SYS_delete_module, "snpu", O_NONBLOCK));
	EXPECT_TRUE(snpu_module_loaded());
	close(fd);
}

TEST_F(module, emulate_zero_creates_no_device)
{
	ASSERT_EQ(0, snpu_module_load("emulate=0"));
	EXPECT_EQ(0, snpu_find_nodes(self->paths, SNPU_DEV_MAX_NODES));
}

TEST_F(module, emulate_over_limit_refused)
{
	EXPECT_EQ(-EINVAL, snpu_module_load("emulate=9"));
	EXPECT_FALSE(snpu_module_loaded());
}

TEST_F(module, two_instances_side_by_side)
{
	char name[2][32];
	uint64_t id[2];
	int fd[2], i;

	ASSERT_EQ(0, snpu_module_load(
		"emulate=2 emulate_fw=snpu/edge-tiny.bin,snpu/edge-mid.bin"));
	ASSERT_EQ(2, snpu_find_nodes(self->paths, SNPU_DEV_MAX_NODES));
	for (i = 0; i < 2; i++) {
		fd[i] = open(self->paths[i], O_RDWR);
		ASSERT_LE(0, fd[i]);
		read_platform_name(_metadata, fd[i], name[i]);
		ASSERT_EQ(0, __snpu_get_param(fd[i], DRM_SNPU_PARAM_PLATFORM_ID,
					      0, &id[i]));
	}
	/* Probe order follows the instance number, so does the minor. */
	EXPECT_STREQ("edge-tiny", name[0]);
	EXPECT_STREQ("edge-mid", name[1]);
	EXPECT_NE(id[0], id[1]);

	/* Handles belong to the file: the other device's file has none. */
	{
		struct drm_snpu_bo_info info;
		uint32_t h;

		ASSERT_EQ(0, __snpu_bo_create(fd[0], 4096, 0, &h, NULL));
		EXPECT_EQ(0, __snpu_bo_info(fd[0], h, &info));
		EXPECT_EQ(-ENOENT, __snpu_bo_info(fd[1], h, &info));
	}
	close(fd[0]);
	close(fd[1]);
}

TEST_F(module, last_firmware_repeats_for_extra_instances)
{
	char name[32];
	int fd, i;

	ASSERT_EQ(0, snpu_module_load("emulate=3 emulate_fw=snpu/edge-max.bin"));
	ASSERT_EQ(3, snpu_find_nodes(self->paths, SNPU_DEV_MAX_NODES));
	for (i = 0; i < 3; i++) {
		fd = open(self->paths[i], O_RDWR);
		ASSERT_LE(0, fd);
		read_platform_name(_metadata, fd, name);
		EXPECT_STREQ("edge-max", name);
		close(fd);
	}
}

/*
 * Bad firmware images: derived from the real edge-mid image, each broken
 * in one way. Probe must fail with one clear line, leave no device, and
 * the module must still unload.
 */
FIXTURE(bad_fw) {
	uint8_t *image;
	size_t size;
	char paths[SNPU_DEV_MAX_NODES][64];
};

FIXTURE_VARIANT(bad_fw) {
	const char *file;
	int corruption;	/* 0 flip a payload byte, 1 truncate, 2 magic */
	const char *message;
};

FIXTURE_VARIANT_ADD(bad_fw, corrupt) {
	.file = "test-corrupt.bin",
	.corruption = 0,
	.message = "Firmware snpu/test-corrupt.bin rejected: CRC-32 mismatch",
};

FIXTURE_VARIANT_ADD(bad_fw, truncated) {
	.file = "test-truncated.bin",
	.corruption = 1,
	.message = "Firmware snpu/test-truncated.bin rejected: header image_size differs from the file size",
};

FIXTURE_VARIANT_ADD(bad_fw, wrong_magic) {
	.file = "test-magic.bin",
	.corruption = 2,
	.message = "Firmware snpu/test-magic.bin rejected: bad magic",
};

FIXTURE_SETUP(bad_fw)
{
	ASSERT_EQ(0, snpu_module_unload());
	self->image = snpu_fw_read("edge-mid.bin", &self->size);
	ASSERT_NE(NULL, self->image);
	ASSERT_LT(64, self->size);

	switch (variant->corruption) {
	case 0:
		self->image[self->size - 3] ^= 0x40;
		break;
	case 1:
		self->size -= 16;
		break;
	case 2:
		memcpy(self->image, "ELF\x7f", 4);
		break;
	}
	ASSERT_EQ(0, snpu_fw_write(variant->file, self->image, self->size));
}

FIXTURE_TEARDOWN(bad_fw)
{
	free(self->image);
	EXPECT_EQ(0, snpu_module_unload());
}

TEST_F(bad_fw, fails_probe_cleanly)
{
	char params[128];
	int before = snpu_kmsg_count(variant->message);

	ASSERT_LE(0, before);
	snprintf(params, sizeof(params), "emulate_fw=snpu/%s", variant->file);
	/* the only device cannot come up: the module refuses to load */
	EXPECT_EQ(-ENODEV, snpu_module_load(params));
	EXPECT_FALSE(snpu_module_loaded());
	EXPECT_EQ(0, snpu_find_nodes(self->paths, SNPU_DEV_MAX_NODES));
	EXPECT_EQ(before + 1, snpu_kmsg_count(variant->message));
	EXPECT_EQ(0, snpu_module_unload());
}

TEST_F(bad_fw, good_instance_beside_bad_one_works)
{
	char params[160], name[32];
	int fd;

	snprintf(params, sizeof(params),
		 "emulate=2 emulate_fw=snpu/%s,snpu/edge-tiny.bin",
		 variant->file);
	ASSERT_EQ(0, snpu_module_load(params));
	ASSERT_EQ(1, snpu_find_nodes(self->paths, SNPU_DEV_MAX_NODES));
	fd = open(self->paths[0], O_RDWR);
	ASSERT_LE(0, fd);
	read_platform_name(_metadata, fd, name);
	EXPECT_STREQ("edge-tiny", name);
	close(fd);
}

/* A missing firmware refuses the load, naming the file and where it looked. */
TEST_F(module, missing_firmware_refuses_load_naming_file_and_paths)
{
	const char *msg = "Failed to load firmware snpu/no-such-platform.bin: -2: not found in firmware_class.path, /lib/firmware/updates/";
	const char *why = "snpu: none of the 1 emulated devices came up";
	int before = snpu_kmsg_count(msg), before_why = snpu_kmsg_count(why);

	EXPECT_EQ(-ENODEV,
		  snpu_module_load("emulate_fw=snpu/no-such-platform.bin"));
	EXPECT_FALSE(snpu_module_loaded());
	EXPECT_EQ(0, snpu_find_nodes(self->paths, SNPU_DEV_MAX_NODES));
	EXPECT_EQ(before + 1, snpu_kmsg_count(msg));
	EXPECT_EQ(before_why + 1, snpu_kmsg_count(why));
	EXPECT_LT(0, snpu_kmsg_count("or /lib/firmware; install the snpu firmware images"));
}

TEST_HARNESS_MAIN
