// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libaccel: buffers.
 *
 * Every buffer of a device is in the device's handle table, so importing
 * a dma-buf the device already has (its own export, or the same foreign
 * dma-buf twice) gives back the same accel_buffer: the kernel returns the
 * same GEM handle for the same object in one file, and one handle must
 * have one owner, or the first unref would close it under the other.
 *
 * The race to avoid: the last unref of a buffer closes its handle while an
 * import of the same dma-buf finds it in the table. Both run under the
 * device lock (the final reference drop too, like kref_put_mutex()), so an
 * import either finds a buffer with a live reference or none at all, and
 * the handle is closed before an import can get it again.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include "accel_priv.h"

static unsigned int accel_bucket(uint32_t handle)
{
	return (handle * 2654435761u) >> 26 & (ACCEL_HANDLE_BUCKETS - 1);
}

static accel_buffer *accel_buffer_lookup_locked(accel_device *dev,
						uint32_t handle)
{
	accel_buffer *buf;

	for (buf = dev->buckets[accel_bucket(handle)]; buf; buf = buf->next)
		if (buf->handle == handle)
			return buf;
	return NULL;
}

static void accel_buffer_insert_locked(accel_device *dev, accel_buffer *buf)
{
	unsigned int b = accel_bucket(buf->handle);

	buf->next = dev->buckets[b];
	dev->buckets[b] = buf;
}

static void accel_buffer_remove_locked(accel_device *dev, accel_buffer *buf)
{
	accel_buffer **p = &dev->buckets[accel_bucket(buf->handle)];

	while (*p && *p != buf)
		p = &(*p)->next;
	if (*p)
		*p = buf->next;
}

static accel_buffer *accel_buffer_alloc(accel_device *dev, uint32_t handle,
					size_t size)
{
	accel_buffer *buf = calloc(1, sizeof(*buf));

	if (!buf)
		return NULL;
	atomic_init(&buf->ref, 1);
	atomic_init(&buf->map, NULL);
	buf->dev = accel_device_ref(dev);
	buf->handle = handle;
	buf->size = size;
	return buf;
}

ACCEL_API int accel_buffer_new(accel_device *dev, size_t size, uint32_t flags,
			       accel_buffer **bufp)
{
	struct drm_snpu_bo_create args = { .size = size };
	accel_buffer *buf;
	int ret;

	if (!dev || !size || !bufp || (flags & ~ACCEL_BUFFER_WC))
		return -EINVAL;
	if (flags & ACCEL_BUFFER_WC)
		args.flags |= DRM_SNPU_BO_WC;

	ret = accel_ioctl(dev->fd, DRM_IOCTL_SNPU_BO_CREATE, &args);
	if (ret)
		return ret;
	buf = accel_buffer_alloc(dev, args.handle, args.size);
	if (!buf) {
		accel_gem_close(dev, args.handle);
		return -ENOMEM;
	}
	pthread_mutex_lock(&dev->lock);
	accel_buffer_insert_locked(dev, buf);
	pthread_mutex_unlock(&dev->lock);
	*bufp = buf;
	return 0;
}

ACCEL_API int accel_buffer_import_dmabuf(accel_device *dev, int fd,
					 accel_buffer **bufp)
{
	struct drm_prime_handle prime = { .fd = fd };
	struct drm_snpu_bo_info info = { 0 };
	accel_buffer *buf;
	int ret;

	if (!dev || fd < 0 || !bufp)
		return -EINVAL;

	pthread_mutex_lock(&dev->lock);
	ret = accel_ioctl(dev->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime);
	if (ret)
		goto out_unlock;
	buf = accel_buffer_lookup_locked(dev, prime.handle);
	if (buf) {
		atomic_fetch_add_explicit(&buf->ref, 1, memory_order_relaxed);
		goto out_found;
	}

	info.handle = prime.handle;
	ret = accel_ioctl(dev->fd, DRM_IOCTL_SNPU_BO_INFO, &info);
	if (ret)
		goto err_close;
	buf = accel_buffer_alloc(dev, prime.handle, info.size);
	if (!buf) {
		ret = -ENOMEM;
		goto err_close;
	}
	accel_buffer_insert_locked(dev, buf);
out_found:
	pthread_mutex_unlock(&dev->lock);
	*bufp = buf;
	return 0;

err_close:
	accel_gem_close(dev, prime.handle);
out_unlock:
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

ACCEL_API int accel_buffer_export_dmabuf(accel_buffer *buf, int *fd)
{
	struct drm_prime_handle prime = { 0 };
	int ret;

	if (!buf || !fd)
		return -EINVAL;
	prime.handle = buf->handle;
	prime.flags = DRM_CLOEXEC | DRM_RDWR;
	ret = accel_ioctl(buf->dev->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime);
	if (ret)
		return ret;
	*fd = prime.fd;
	return 0;
}

ACCEL_API int accel_buffer_map(accel_buffer *buf, void **ptr)
{
	struct drm_snpu_bo_mmap_offset args = { 0 };
	void *map, *expected = NULL;
	int ret;

	if (!buf || !ptr)
		return -EINVAL;
	map = atomic_load_explicit(&buf->map, memory_order_acquire);
	if (map) {
		*ptr = map;
		return 0;
	}

	args.handle = buf->handle;
	ret = accel_ioctl(buf->dev->fd, DRM_IOCTL_SNPU_BO_MMAP_OFFSET, &args);
	if (ret)
		return ret;
	map = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   buf->dev->fd, args.offset);
	if (map == MAP_FAILED)
		return -errno;
	/* Two threads may map at once: the first to publish wins. */
	if (!atomic_compare_exchange_strong_explicit(&buf->map, &expected, map,
						     memory_order_acq_rel,
						     memory_order_acquire)) {
		munmap(map, buf->size);
		map = expected;
	}
	*ptr = map;
	return 0;
}

ACCEL_API size_t accel_buffer_size(const accel_buffer *buf)
{
	return buf ? buf->size : 0;
}

ACCEL_API accel_buffer *accel_buffer_ref(accel_buffer *buf)
{
	if (buf)
		atomic_fetch_add_explicit(&buf->ref, 1, memory_order_relaxed);
	return buf;
}

ACCEL_API void accel_buffer_unref(accel_buffer *buf)
{
	accel_device *dev;
	void *map;
	int old;

	if (!buf)
		return;
	/* Not the last reference: no lock needed. */
	old = atomic_load_explicit(&buf->ref, memory_order_relaxed);
	while (old > 1)
		if (atomic_compare_exchange_weak_explicit(&buf->ref, &old,
							  old - 1,
							  memory_order_release,
							  memory_order_relaxed))
			return;

	dev = buf->dev;
	pthread_mutex_lock(&dev->lock);
	if (atomic_fetch_sub_explicit(&buf->ref, 1,
				      memory_order_acq_rel) != 1) {
		/* An import took a reference meanwhile. */
		pthread_mutex_unlock(&dev->lock);
		return;
	}
	accel_buffer_remove_locked(dev, buf);
	accel_gem_close(dev, buf->handle);
	pthread_mutex_unlock(&dev->lock);

	map = atomic_load_explicit(&buf->map, memory_order_acquire);
	if (map)
		munmap(map, buf->size);
	free(buf);
	accel_device_unref(dev);
}
