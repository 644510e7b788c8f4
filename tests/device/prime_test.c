// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * PRIME: buffer objects shared as dma-bufs between files, and dma-bufs of
 * another driver (vgem, the stock kernel's one foreign exporter) imported.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "snpu_dev.h"
#include "snpu_test.h"

FIXTURE(prime) {
	int fd;
	int fd2;
	int minor;
};

FIXTURE_SETUP(prime)
{
	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load(NULL));
	self->fd = snpu_open_first();
	ASSERT_LE(0, self->fd);
	self->fd2 = snpu_open_first();
	ASSERT_LE(0, self->fd2);
	self->minor = snpu_fd_minor(self->fd);
}

FIXTURE_TEARDOWN(prime)
{
	close(self->fd);
	close(self->fd2);
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"bo_count"));
	EXPECT_EQ(0, snpu_module_unload());
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + seed);
}

TEST_F(prime, export_import_in_second_file_shares_bytes)
{
	const size_t size = 64 * 1024;
	struct drm_snpu_bo_info info;
	uint32_t h, h2;
	uint8_t *a, *b;
	int dmabuf;

	ASSERT_EQ(0, __snpu_bo_create(self->fd, size, 0, &h, NULL));
	ASSERT_EQ(0, __snpu_bo_mmap(self->fd, h, size, (void **)&a));
	fill(a, size, 1);

	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, h, DRM_CLOEXEC | DRM_RDWR,
					&dmabuf));
	ASSERT_EQ(0, drmPrimeFDToHandle(self->fd2, dmabuf, &h2));
	ASSERT_EQ(0, __snpu_bo_mmap(self->fd2, h2, size, (void **)&b));
	EXPECT_EQ(0, memcmp(a, b, size));

	/* Writes go both ways: one set of pages. */
	b[123] ^= 0xff;
	EXPECT_EQ(a[123], b[123]);

	/* Same device: the import is the exporter's object, not a copy. */
	ASSERT_EQ(0, __snpu_bo_info(self->fd2, h2, &info));
	EXPECT_EQ(size, info.size);
	EXPECT_EQ(1, snpu_debugfs_value(self->minor, "snpu_objects",
					"bo_count"));

	munmap(a, size);
	munmap(b, size);
	close(dmabuf);
}

TEST_F(prime, import_twice_gives_same_handle)
{
	uint32_t h, h2, h3;
	int dmabuf;

	ASSERT_EQ(0, __snpu_bo_create(self->fd, 4096, 0, &h, NULL));
	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, h, DRM_CLOEXEC, &dmabuf));
	ASSERT_EQ(0, drmPrimeFDToHandle(self->fd2, dmabuf, &h2));
	ASSERT_EQ(0, drmPrimeFDToHandle(self->fd2, dmabuf, &h3));
	EXPECT_EQ(h2, h3);
	close(dmabuf);
}

TEST_F(prime, buffer_outlives_exporting_file)
{
	const size_t size = 8192;
	uint32_t h, h2;
	uint8_t *a, *b;
	int dmabuf, fd3;

	fd3 = snpu_open_first();
	ASSERT_LE(0, fd3);
	ASSERT_EQ(0, __snpu_bo_create(fd3, size, 0, &h, NULL));
	ASSERT_EQ(0, __snpu_bo_mmap(fd3, h, size, (void **)&a));
	fill(a, size, 9);
	munmap(a, size);
	ASSERT_EQ(0, drmPrimeHandleToFD(fd3, h, DRM_CLOEXEC, &dmabuf));
	close(fd3);

	ASSERT_EQ(0, drmPrimeFDToHandle(self->fd2, dmabuf, &h2));
	close(dmabuf);
	ASSERT_EQ(0, __snpu_bo_mmap(self->fd2, h2, size, (void **)&b));
	a = malloc(size);
	ASSERT_NE(NULL, a);
	fill(a, size, 9);
	EXPECT_EQ(0, memcmp(a, b, size));
	free(a);
	munmap(b, size);
}

TEST_F(prime, import_of_non_dmabuf_fd_rejected)
{
	uint32_t h;
	int fd = open("/dev/null", O_RDWR);

	ASSERT_LE(0, fd);
	EXPECT_NE(0, drmPrimeFDToHandle(self->fd, fd, &h));
	close(fd);
}

TEST_F(prime, import_vgem_dmabuf_sees_its_bytes)
{
	struct drm_snpu_bo_info info;
	struct snpu_vgem_buf v;
	uint8_t *s;
	uint32_t h;

	ASSERT_EQ(0, snpu_vgem_buf_create(&v, 64 * 1024));
	fill(v.map, v.size, 77);
	ASSERT_EQ(0, drmPrimeFDToHandle(self->fd, v.dmabuf, &h));

	ASSERT_EQ(0, __snpu_bo_info(self->fd, h, &info));
	EXPECT_EQ(v.size, info.size);
	EXPECT_EQ(DRM_SNPU_BO_IMPORTED, info.flags);
	EXPECT_EQ(1, snpu_debugfs_value(self->minor, "snpu_objects",
					"bo_count"));

	ASSERT_EQ(0, __snpu_bo_mmap(self->fd, h, v.size, (void **)&s));
	EXPECT_EQ(0, memcmp(v.map, s, v.size));

	munmap(s, v.size);
	ASSERT_EQ(0, snpu_gem_close(self->fd, h));
	EXPECT_EQ(0, snpu_debugfs_value(self->minor, "snpu_objects",
					"bo_count"));
	snpu_vgem_buf_destroy(&v);
}

TEST_HARNESS_MAIN
