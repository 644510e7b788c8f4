// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buffer objects: GEM shmem objects, created here or imported from a
 * dma-buf, counted per device so that leaks show in debugfs.
 *
 * Copyright (c) 2026 The snpu authors
 */

#include <linux/dma-buf.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>

#include "snpu_accel.h"
#include "snpu_conftest.h"
#include "snpu_device.h"
#include "snpu_gem.h"

/* Largest buffer, whatever the platform: keeps size arithmetic in range. */
#define SNPU_BO_SIZE_MAX	BIT_ULL(40)

static void snpu_gem_account(struct drm_gem_object *obj, int sign)
{
	struct snpu_device *sdev = to_snpu_device(obj->dev);

	atomic_add(sign, &sdev->bo_count);
	atomic64_add(sign * (s64)obj->size, &sdev->bo_bytes);
}

static void snpu_gem_free(struct drm_gem_object *obj)
{
	snpu_gem_account(obj, -1);
	drm_gem_shmem_free(to_drm_gem_shmem_obj(obj));
}

static const struct drm_gem_object_funcs snpu_gem_funcs = {
	.free = snpu_gem_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/**
 * snpu_bo_vmap() - map a buffer object into the kernel for a job
 * @obj: the object, created here or imported.
 * @map: receives the mapping.
 *
 * Imported buffers are mapped through their dma-buf directly. The shmem
 * helper would call dma_buf_vmap() with the importer's vmap_lock held;
 * when the exporter is a shmem-helper device too (a second snpu, vgem),
 * its vmap takes the exporter's vmap_lock, of the same lock class, inside
 * it: lockdep reports recursive locking (found by make check-debug). The
 * dma-buf counts its own mappings, so concurrent jobs share one.
 *
 * Return: 0 or a negative errno.
 */
int snpu_bo_vmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	struct dma_buf *dmabuf;

	if (!obj->import_attach)
		return drm_gem_shmem_vmap(to_drm_gem_shmem_obj(obj), map);
	dmabuf = obj->import_attach->dmabuf;
#ifdef HAVE_DMA_BUF_VMAP_UNLOCKED
	return dma_buf_vmap_unlocked(dmabuf, map);
#else
	return dma_buf_vmap(dmabuf, map);
#endif
}

/**
 * snpu_bo_vunmap() - undo snpu_bo_vmap()
 * @obj: the object.
 * @map: the mapping snpu_bo_vmap() returned.
 */
void snpu_bo_vunmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	struct dma_buf *dmabuf;

	if (!obj->import_attach) {
		drm_gem_shmem_vunmap(to_drm_gem_shmem_obj(obj), map);
		return;
	}
	dmabuf = obj->import_attach->dmabuf;
#ifdef HAVE_DMA_BUF_VMAP_UNLOCKED
	dma_buf_vunmap_unlocked(dmabuf, map);
#else
	dma_buf_vunmap(dmabuf, map);
#endif
}

/*
 * Called by the shmem helpers for created and imported objects alike. The
 * object is counted only once the helpers succeed (they kfree() it
 * directly on failure, without calling .free).
 */
struct drm_gem_object *snpu_gem_create_object(struct drm_device *drm,
					      size_t size)
{
	struct snpu_bo *bo;

	BUILD_BUG_ON(offsetof(struct snpu_bo, base) != 0);

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);

	bo->base.base.funcs = &snpu_gem_funcs;
	return &bo->base.base;
}

struct drm_gem_object *
snpu_gem_prime_import_sg_table(struct drm_device *drm,
			       struct dma_buf_attachment *attach,
			       struct sg_table *sgt)
{
	struct drm_gem_object *obj;

	obj = drm_gem_shmem_prime_import_sg_table(drm, attach, sgt);
	if (!IS_ERR(obj))
		snpu_gem_account(obj, 1);
	return obj;
}

int snpu_ioctl_bo_create(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct snpu_device *sdev = to_snpu_device(drm);
	struct drm_snpu_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	u64 max = min(sdev->fw.platform.dram_bytes, SNPU_BO_SIZE_MAX);
	int ret;

	if (args->flags & ~DRM_SNPU_BO_CREATE_FLAGS)
		return -EINVAL;
	if (!args->size || args->size > max)
		return -EINVAL;

	shmem = drm_gem_shmem_create(drm, args->size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);

	to_snpu_bo(&shmem->base)->flags = args->flags;
	shmem->map_wc = args->flags & DRM_SNPU_BO_WC;
	snpu_gem_account(&shmem->base, 1);

	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	/* The handle holds the reference now, or the object dies here. */
	drm_gem_object_put(&shmem->base);
	if (ret)
		return ret;

	args->size = shmem->base.size;
	return 0;
}

int snpu_ioctl_bo_mmap_offset(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct drm_snpu_bo_mmap_offset *args = data;
	struct drm_gem_object *obj;

	if (args->pad)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	/* The shmem helpers create the offset with the object. */
	args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}

int snpu_ioctl_bo_info(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct drm_snpu_bo_info *args = data;
	struct drm_gem_object *obj;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	args->size = obj->size;
	args->flags = to_snpu_bo(obj)->flags;
	if (obj->import_attach)
		args->flags |= DRM_SNPU_BO_IMPORTED;
	drm_gem_object_put(obj);
	return 0;
}
