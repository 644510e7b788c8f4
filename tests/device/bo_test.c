// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Buffer objects: create, mmap, info, and every argument error.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "snpu_dev.h"
#include "snpu_test.h"

FIXTURE(bo) {
	int fd;
	int minor;
	uint64_t dram;
	long page;
};

FIXTURE_SETUP(bo)
{
	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load(NULL));
	self->fd = snpu_open_first();
	ASSERT_LE(0, self->fd);
	self->minor = snpu_fd_minor(self->fd);
	ASSERT_EQ(0, __snpu_get_param(self->fd, DRM_SNPU_PARAM_DRAM_BYTES, 0,
				      &self->dram));
	self->page = sysconf(_SC_PAGESIZE);
}

FIXTURE_TEARDOWN(bo)
{
	close(self->fd);
	/* Every object of the closed file must be gone: no leak. */
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"bo_count"));
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"bo_bytes"));
	EXPECT_EQ(0, snpu_module_unload());
}

TEST_F(bo, create_mmap_write_read_back_in_second_mapping)
{
	const size_t size = 1 << 20;
	uint8_t *a, *b;
	uint32_t h;
	size_t i;

	ASSERT_EQ(0, __snpu_bo_create(self->fd, size, 0, &h, NULL));
	ASSERT_EQ(0, __snpu_bo_mmap(self->fd, h, size, (void **)&a));
	ASSERT_EQ(0, __snpu_bo_mmap(self->fd, h, size, (void **)&b));
	ASSERT_NE(a, b);

	for (i = 0; i < size; i++)
		ASSERT_EQ(0, a[i]);	/* new buffers are zero-filled */
	for (i = 0; i < size; i++)
		a[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < size; i++)
		ASSERT_EQ((uint8_t)(i * 7 + 3), b[i]);

	munmap(a, size);
	/* The data outlives one mapping. */
	ASSERT_EQ(0, __snpu_bo_mmap(self->fd, h, size, (void **)&a));
	EXPECT_EQ(0, memcmp(a, b, size));
	munmap(a, size);
	munmap(b, size);
	EXPECT_EQ(0, snpu_gem_close(self->fd, h));
}

TEST_F(bo, objects_counted_in_debugfs)
{
	uint32_t h[3];
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, __snpu_bo_create(self->fd, 8192, 0, &h[i], NULL));
	EXPECT_EQ(3, snpu_debugfs_value(self->minor, "snpu_objects",
					"bo_count"));
	EXPECT_EQ(3 * 8192, snpu_debugfs_value(self->minor, "snpu_objects",
					       "bo_bytes"));
	EXPECT_EQ(0, snpu_gem_close(self->fd, h[1]));
	EXPECT_EQ(2, snpu_debugfs_value(self->minor, "snpu_objects",
					"bo_count"));
}

TEST_F(bo, size_rounded_up_to_page)
{
	struct drm_snpu_bo_info info;
	uint64_t out;
	uint32_t h;

	ASSERT_EQ(0, __snpu_bo_create(self->fd, 1000, 0, &h, &out));
	EXPECT_EQ((uint64_t)self->page, out);
	ASSERT_EQ(0, __snpu_bo_info(self->fd, h, &info));
	EXPECT_EQ((uint64_t)self->page, info.size);
	EXPECT_EQ(0, info.flags);
}

TEST_F(bo, zero_size_rejected)
{
	uint32_t h;

	EXPECT_EQ(-EINVAL, __snpu_bo_create(self->fd, 0, 0, &h, NULL));
}

TEST_F(bo, huge_size_rejected)
{
	uint32_t h;

	EXPECT_EQ(-EINVAL, __snpu_bo_create(self->fd, 1ull << 62, 0, &h, NULL));
	EXPECT_EQ(-EINVAL, __snpu_bo_create(self->fd, ~0ull, 0, &h, NULL));
}

TEST_F(bo, size_over_device_memory_rejected)
{
	uint32_t h;

	EXPECT_EQ(-EINVAL, __snpu_bo_create(self->fd, self->dram + 1, 0, &h,
					    NULL));
}

TEST_F(bo, unknown_flags_rejected)
{
	uint32_t h;
	int bit;

	for (bit = 1; bit < 32; bit++)
		EXPECT_EQ(-EINVAL, __snpu_bo_create(self->fd, 4096, 1u << bit,
						    &h, NULL));
}

TEST_F(bo, wc_flag_reported)
{
	struct drm_snpu_bo_info info;
	uint8_t *map;
	uint32_t h;

	ASSERT_EQ(0, __snpu_bo_create(self->fd, 4096, DRM_SNPU_BO_WC, &h,
				      NULL));
	ASSERT_EQ(0, __snpu_bo_info(self->fd, h, &info));
	EXPECT_EQ(DRM_SNPU_BO_WC, info.flags);
	ASSERT_EQ(0, __snpu_bo_mmap(self->fd, h, 4096, (void **)&map));
	map[4095] = 0x5a;
	EXPECT_EQ(0x5a, map[4095]);
	munmap(map, 4096);
}

TEST_F(bo, mmap_offset_nonzero_pad_rejected)
{
	struct drm_snpu_bo_mmap_offset args = { 0 };
	uint32_t h;

	ASSERT_EQ(0, __snpu_bo_create(self->fd, 4096, 0, &h, NULL));
	args.handle = h;
	args.pad = 1;
	EXPECT_EQ(-EINVAL, snpu_ioctl(self->fd, DRM_IOCTL_SNPU_BO_MMAP_OFFSET,
				      &args));
}

TEST_F(bo, bad_handle_rejected)
{
	struct drm_snpu_bo_mmap_offset args = { .handle = 0x7fffffff };
	struct drm_snpu_bo_info info;

	EXPECT_EQ(-ENOENT, __snpu_bo_info(self->fd, 0, &info));
	EXPECT_EQ(-ENOENT, __snpu_bo_info(self->fd, 0x7fffffff, &info));
	EXPECT_EQ(-ENOENT, snpu_ioctl(self->fd, DRM_IOCTL_SNPU_BO_MMAP_OFFSET,
				      &args));
}

TEST_F(bo, closed_handle_rejected)
{
	struct drm_snpu_bo_info info;
	uint32_t h;

	ASSERT_EQ(0, __snpu_bo_create(self->fd, 4096, 0, &h, NULL));
	ASSERT_EQ(0, snpu_gem_close(self->fd, h));
	EXPECT_EQ(-ENOENT, __snpu_bo_info(self->fd, h, &info));
}

TEST_F(bo, other_files_handle_rejected)
{
	struct drm_snpu_bo_mmap_offset args = { 0 };
	struct drm_snpu_bo_info info;
	uint32_t h, mine;
	int fd2;

	fd2 = snpu_open_first();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, __snpu_bo_create(fd2, 4096, 0, &h, NULL));
	EXPECT_EQ(-ENOENT, __snpu_bo_info(self->fd, h, &info));
	args.handle = h;
	EXPECT_EQ(-ENOENT, snpu_ioctl(self->fd, DRM_IOCTL_SNPU_BO_MMAP_OFFSET,
				      &args));

	/* Same numeric handle in our file names our own object. */
	ASSERT_EQ(0, __snpu_bo_create(self->fd, 8192, 0, &mine, NULL));
	ASSERT_EQ(0, __snpu_bo_info(self->fd, mine, &info));
	EXPECT_EQ(8192, info.size);
	close(fd2);
}

TEST_F(bo, mmap_past_object_fails)
{
	struct drm_snpu_bo_mmap_offset args = { 0 };
	void *p;
	uint32_t h;

	ASSERT_EQ(0, __snpu_bo_create(self->fd, 4096, 0, &h, NULL));
	args.handle = h;
	ASSERT_EQ(0, snpu_ioctl(self->fd, DRM_IOCTL_SNPU_BO_MMAP_OFFSET, &args));
	p = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, self->fd, args.offset);
	EXPECT_EQ(MAP_FAILED, p);
	if (p != MAP_FAILED)
		munmap(p, 2 * 4096);
}

TEST_F(bo, short_struct_from_old_userspace_accepted)
{
	/*
	 * An ioctl number encoding a shorter struct: the DRM core copies
	 * what userspace has and zero-fills the rest. BO_INFO with only the
	 * handle and flags still answers (truncated output).
	 */
	struct drm_snpu_bo_info info = { 0 };
	unsigned long nr;
	uint32_t h;

	ASSERT_EQ(0, __snpu_bo_create(self->fd, 4096, 0, &h, NULL));
	info.handle = h;
	nr = DRM_IOWR(DRM_COMMAND_BASE + DRM_SNPU_BO_INFO, struct {
		__u32 handle;
		__u32 flags;
	});
	EXPECT_EQ(0, snpu_ioctl(self->fd, nr, &info));
	EXPECT_EQ(0, info.size);
}

TEST_HARNESS_MAIN
