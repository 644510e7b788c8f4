/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Helpers shared by the device tests: loading snpu.ko with parameters,
 * finding its render nodes, raw ioctl wrappers that return -errno, and
 * debugfs reads. The tests run as root inside the VM (tests/vm/).
 *
 * Convention (STYLE.md): __snpu_x() returns the error for negative tests;
 * the tests assert on it.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_DEV_H
#define SNPU_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "snpu_accel.h"

#define SNPU_DEV_MAX_NODES	8

/* snpu.ko: $SNPU_KO, else driver/snpu.ko relative to the repo. */
const char *snpu_ko_path(void);

/*
 * Load snpu.ko with @params (may be NULL), after its dependencies. Returns
 * 0 or -errno. snpu_module_unload() removes it; 0 when it was not loaded.
 */
int snpu_module_load(const char *params);
int snpu_module_unload(void);
int snpu_module_loaded(void);

/*
 * DRM nodes of @kind ("renderD" or "card") whose driver is @driver, in
 * minor order: fills @paths (each up to 64 bytes), returns how many.
 */
int drm_find_nodes(const char *driver, const char *kind, char paths[][64],
		   int max);

/* The render nodes of snpu. */
int snpu_find_nodes(char paths[][64], int max);

/* Open the first snpu render node; -errno when none. */
int snpu_open_first(void);

/* DRM minor of an open fd, or -errno. */
int snpu_fd_minor(int fd);

/*
 * Read /sys/kernel/debug/dri/<minor>/<file> and return the integer after
 * "key: ", or -1 when missing.
 */
long long snpu_debugfs_value(int minor, const char *file, const char *key);

/*
 * The driver frees a finished job (and drops its buffer and model
 * references) from the scheduler's worker a moment after its fence
 * signalled: wait, up to 10 s, until no job of the device is live.
 * Returns 0, or -ETIMEDOUT.
 */
int snpu_wait_jobs_freed(int minor);

/* Read a debugfs file of a minor into @buf; returns bytes or -errno. */
int snpu_debugfs_read(int minor, const char *file, char *buf, size_t size);

/* Raw ioctls: 0 or -errno, retrying on EINTR/EAGAIN like drmIoctl(). */
int snpu_ioctl(int fd, unsigned long request, void *arg);
int __snpu_get_param(int fd, uint32_t param, uint32_t index, uint64_t *value);
int __snpu_bo_create(int fd, uint64_t size, uint32_t flags, uint32_t *handle,
		     uint64_t *out_size);
int __snpu_bo_mmap(int fd, uint32_t handle, size_t size, void **map);
int __snpu_bo_info(int fd, uint32_t handle, struct drm_snpu_bo_info *info);
int snpu_gem_close(int fd, uint32_t handle);
int __snpu_model_create(int fd, const void *blob, size_t size,
			uint32_t *handle, uint32_t *status);
int __snpu_model_destroy(int fd, uint32_t handle);
int __snpu_submit(int fd, struct drm_snpu_submit *args);

/* Wait for a syncobj's fence; absolute timeout @ms from now. 0 or -errno. */
int snpu_syncobj_wait(int fd, uint32_t syncobj, unsigned int ms);
/*
 * The status of a syncobj's fence, as sync_file reports it: 1 signalled
 * without error, 0 not yet, negative the fence error.
 */
int snpu_syncobj_status(int fd, uint32_t syncobj);

/* Write @size bytes of @data to $SNPU_FW_DIR/snpu/@name (firmware dir). */
int snpu_fw_write(const char *name, const void *data, size_t size);
/* Read $SNPU_FW_DIR/snpu/@name into a malloc()ed buffer; NULL on error. */
void *snpu_fw_read(const char *name, size_t *size);

/* Write @what to debugfs dri/<minor>/<file>; 0 or -errno. */
int snpu_debugfs_write(int minor, const char *file, const char *what);

/* vgem's card node, loading vgem if it is a module: 0 or -ENODEV. */
int snpu_vgem_find(char path[64]);

/**
 * struct snpu_vgem_buf - a buffer of vgem, the stock kernel's one foreign
 * dma-buf exporter
 * @fd: vgem's card node.
 * @handle: dumb buffer handle on @fd.
 * @size: bytes.
 * @map: CPU mapping of @size bytes.
 * @dmabuf: the buffer exported as a dma-buf.
 */
struct snpu_vgem_buf {
	int fd;
	uint32_t handle;
	uint64_t size;
	void *map;
	int dmabuf;
};

/*
 * Load vgem, create a dumb buffer of at least @size bytes, map it and
 * export it. 0 or -errno; snpu_vgem_buf_destroy() undoes it.
 */
int snpu_vgem_buf_create(struct snpu_vgem_buf *b, size_t size);
void snpu_vgem_buf_destroy(struct snpu_vgem_buf *b);

/* Count lines of the kernel log containing @needle (since boot). */
int snpu_kmsg_count(const char *needle);

#endif /* SNPU_DEV_H */
