// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Device test helpers; see snpu_dev.h.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "snpu_dev.h"

const char *snpu_ko_path(void)
{
	const char *ko = getenv("SNPU_KO");

	return ko && *ko ? ko : "driver/snpu.ko";
}

int snpu_module_loaded(void)
{
	return access("/sys/module/snpu", F_OK) == 0;
}

int snpu_module_load(const char *params)
{
	int fd, ret;

	fd = open(snpu_ko_path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int snpu_module_unload(void)
{
	int i;

	if (!snpu_module_loaded())
		return 0;
	/* A file closed by a just-exited child may take a moment to drop. */
	for (i = 0; i < 200; i++) {
		if (syscall(SYS_delete_module, "snpu", O_NONBLOCK) == 0)
			return 0;
		if (errno != EAGAIN && errno != EBUSY && errno != EWOULDBLOCK)
			return -errno;
		usleep(10000);
	}
	return -EBUSY;
}

int drm_find_nodes(const char *driver, const char *kind, char paths[][64],
		   int max)
{
	int first = strcmp(kind, "renderD") ? 0 : 128;
	int minor, n = 0;

	for (minor = first; minor < first + 64 && n < max; minor++) {
		char path[64];
		drmVersionPtr ver;
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/%s%d", kind, minor);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		ver = drmGetVersion(fd);
		if (ver && !strcmp(ver->name, driver))
			snprintf(paths[n++], 64, "%s", path);
		drmFreeVersion(ver);
		close(fd);
	}
	return n;
}

int snpu_find_nodes(char paths[][64], int max)
{
	return drm_find_nodes("snpu", "renderD", paths, max);
}

int snpu_open_first(void)
{
	char paths[SNPU_DEV_MAX_NODES][64];
	int fd;

	if (snpu_find_nodes(paths, SNPU_DEV_MAX_NODES) < 1)
		return -ENODEV;
	fd = open(paths[0], O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int snpu_fd_minor(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	return minor(st.st_rdev);
}

int snpu_debugfs_read(int minor, const char *file, char *buf, size_t size)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/%s", minor, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

long long snpu_debugfs_value(int minor, const char *file, const char *key)
{
	char buf[4096], pat[64];
	const char *p;

	if (snpu_debugfs_read(minor, file, buf, sizeof(buf)) < 0)
		return -1;
	snprintf(pat, sizeof(pat), "%s: ", key);
	for (p = buf; (p = strstr(p, pat)); p++)
		if (p == buf || p[-1] == '\n')
			return strtoll(p + strlen(pat), NULL, 0);
	return -1;
}

int snpu_wait_jobs_freed(int minor)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (snpu_debugfs_value(minor, "snpu_objects", "jobs_live") == 0)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int snpu_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret ? -errno : 0;
}

int __snpu_get_param(int fd, uint32_t param, uint32_t index, uint64_t *value)
{
	struct drm_snpu_get_param args = { .param = param, .index = index };
	int ret;

	ret = snpu_ioctl(fd, DRM_IOCTL_SNPU_GET_PARAM, &args);
	if (!ret)
		*value = args.value;
	return ret;
}

int __snpu_bo_create(int fd, uint64_t size, uint32_t flags, uint32_t *handle,
		     uint64_t *out_size)
{
	struct drm_snpu_bo_create args = { .size = size, .flags = flags };
	int ret;

	ret = snpu_ioctl(fd, DRM_IOCTL_SNPU_BO_CREATE, &args);
	if (!ret) {
		*handle = args.handle;
		if (out_size)
			*out_size = args.size;
	}
	return ret;
}

int __snpu_bo_mmap(int fd, uint32_t handle, size_t size, void **map)
{
	struct drm_snpu_bo_mmap_offset args = { .handle = handle };
	void *p;
	int ret;

	ret = snpu_ioctl(fd, DRM_IOCTL_SNPU_BO_MMAP_OFFSET, &args);
	if (ret)
		return ret;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 args.offset);
	if (p == MAP_FAILED)
		return -errno;
	*map = p;
	return 0;
}

int __snpu_bo_info(int fd, uint32_t handle, struct drm_snpu_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return snpu_ioctl(fd, DRM_IOCTL_SNPU_BO_INFO, info);
}

int snpu_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return snpu_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
}

int __snpu_model_create(int fd, const void *blob, size_t size,
			uint32_t *handle, uint32_t *status)
{
	struct drm_snpu_model_create args = {
		.data = (uintptr_t)blob,
		.size = (uint32_t)size,
	};
	int ret;

	ret = snpu_ioctl(fd, DRM_IOCTL_SNPU_MODEL_CREATE, &args);
	if (status)
		*status = args.status;
	if (!ret)
		*handle = args.handle;
	return ret;
}

int __snpu_model_destroy(int fd, uint32_t handle)
{
	struct drm_snpu_model_destroy args = { .handle = handle };

	return snpu_ioctl(fd, DRM_IOCTL_SNPU_MODEL_DESTROY, &args);
}

int __snpu_submit(int fd, struct drm_snpu_submit *args)
{
	return snpu_ioctl(fd, DRM_IOCTL_SNPU_SUBMIT, args);
}

static int64_t snpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int snpu_syncobj_wait(int fd, uint32_t syncobj, unsigned int ms)
{
	int ret = drmSyncobjWait(fd, &syncobj, 1,
				 snpu_now_ns() + (int64_t)ms * 1000000,
				 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);

	return ret ? -errno : 0;
}

int snpu_syncobj_status(int fd, uint32_t syncobj)
{
	struct sync_file_info info = { 0 };
	int sync_fd, ret;

	if (drmSyncobjExportSyncFile(fd, syncobj, &sync_fd))
		return -errno;
	ret = ioctl(sync_fd, SYNC_IOC_FILE_INFO, &info);
	close(sync_fd);
	return ret ? -errno : info.status;
}

static void snpu_fw_path(const char *name, char *path, size_t size)
{
	const char *dir = getenv("SNPU_FW_DIR");

	snprintf(path, size, "%s/snpu/%s", dir && *dir ? dir : "build/firmware",
		 name);
}

int snpu_fw_write(const char *name, const void *data, size_t size)
{
	char path[256];
	int fd, ret = 0;

	snpu_fw_path(name, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, data, size) != (ssize_t)size)
		ret = -EIO;
	close(fd);
	return ret;
}

void *snpu_fw_read(const char *name, size_t *size)
{
	char path[256];
	struct stat st;
	void *buf = NULL;
	int fd;

	snpu_fw_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && st.st_size > 0) {
		buf = malloc(st.st_size);
		if (buf && read(fd, buf, st.st_size) != st.st_size) {
			free(buf);
			buf = NULL;
		}
		*size = st.st_size;
	}
	close(fd);
	return buf;
}

int snpu_debugfs_write(int minor, const char *file, const char *what)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/%s", minor, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, what, strlen(what)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int snpu_vgem_find(char path[64])
{
	char paths[1][64];

	/*
	 * vgem is a module of every Debian kernel (tests/device/config) and
	 * built into the debug kernel (tests/debug/debug.config).
	 */
	if (drm_find_nodes("vgem", "card", paths, 1) < 1 &&
	    (system("modprobe vgem 2>/dev/null") ||
	     drm_find_nodes("vgem", "card", paths, 1) < 1))
		return -ENODEV;
	memcpy(path, paths[0], 64);
	return 0;
}

int snpu_vgem_buf_create(struct snpu_vgem_buf *b, size_t size)
{
	struct drm_mode_create_dumb create = { .bpp = 8, .width = 1024 };
	struct drm_mode_map_dumb map = { 0 };
	char path[1][64];
	int ret;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	b->dmabuf = -1;
	b->map = MAP_FAILED;
	if (snpu_vgem_find(path[0]))
		return -ENODEV;
	b->fd = open(path[0], O_RDWR | O_CLOEXEC);
	if (b->fd < 0)
		return -errno;

	create.height = (size + create.width - 1) / create.width;
	ret = snpu_ioctl(b->fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	if (ret)
		return ret;
	b->handle = create.handle;
	b->size = create.size;
	map.handle = create.handle;
	ret = snpu_ioctl(b->fd, DRM_IOCTL_MODE_MAP_DUMB, &map);
	if (ret)
		return ret;
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd,
		      map.offset);
	if (b->map == MAP_FAILED)
		return -errno;
	if (drmPrimeHandleToFD(b->fd, b->handle, DRM_CLOEXEC | DRM_RDWR,
			       &b->dmabuf))
		return -errno;
	return 0;
}

void snpu_vgem_buf_destroy(struct snpu_vgem_buf *b)
{
	if (b->map != MAP_FAILED)
		munmap(b->map, b->size);
	if (b->dmabuf >= 0)
		close(b->dmabuf);
	if (b->fd >= 0)
		close(b->fd);
}

int snpu_kmsg_count(const char *needle)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	int n, count = 0;
	char *buf, *p;

	if (size <= 0)
		return -1;
	buf = malloc(size + 1);
	if (!buf)
		return -1;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	for (p = buf; (p = strstr(p, needle)); p += strlen(needle))
		count++;
	free(buf);
	return count;
}
