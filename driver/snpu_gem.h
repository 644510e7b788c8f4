/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __SNPU_GEM_H__
#define __SNPU_GEM_H__

#include <drm/drm_gem_shmem_helper.h>

struct drm_device;
struct drm_file;
struct iosys_map;

/**
 * struct snpu_bo - a snpu buffer object
 * @base: the shmem object; must stay first, drm_gem_shmem_free() frees it.
 * @flags: DRM_SNPU_BO_* flags it was created with.
 */
struct snpu_bo {
	struct drm_gem_shmem_object base;
	u32 flags;
};

static inline struct snpu_bo *to_snpu_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct snpu_bo, base);
}

struct drm_gem_object *snpu_gem_create_object(struct drm_device *drm,
					      size_t size);
struct drm_gem_object *
snpu_gem_prime_import_sg_table(struct drm_device *drm,
			       struct dma_buf_attachment *attach,
			       struct sg_table *sgt);

int snpu_bo_vmap(struct drm_gem_object *obj, struct iosys_map *map);
void snpu_bo_vunmap(struct drm_gem_object *obj, struct iosys_map *map);

int snpu_ioctl_bo_create(struct drm_device *drm, void *data,
			 struct drm_file *file);
int snpu_ioctl_bo_mmap_offset(struct drm_device *drm, void *data,
			      struct drm_file *file);
int snpu_ioctl_bo_info(struct drm_device *drm, void *data,
		       struct drm_file *file);

#endif /* __SNPU_GEM_H__ */
