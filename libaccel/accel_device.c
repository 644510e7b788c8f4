// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libaccel: the ioctl wrapper, enumeration, opening a device and its
 * capabilities, and the per-device pool of counter slots.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "accel_priv.h"

int accel_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? -errno : 0;
}

void accel_gem_close(accel_device *dev, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	accel_ioctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &args);
}

/* ---- version check and capabilities ------------------------------------ */

/*
 * Is @fd an snpu node whose uAPI this library speaks? 0, ACCEL_E_NOT_SNPU,
 * ACCEL_E_DRIVER_TOO_OLD / _TOO_NEW, or -ENOMEM.
 */
static int accel_check_version(int fd, uint32_t *major, uint32_t *minor)
{
	drmVersionPtr ver;
	int ret = 0;

	errno = 0;
	ver = drmGetVersion(fd);
	if (!ver)
		/* Not a DRM node at all (ENOTTY from /dev/null, a file...). */
		return errno == ENOMEM ? -ENOMEM : ACCEL_E_NOT_SNPU;
	if (!ver->name || strcmp(ver->name, "snpu"))
		ret = ACCEL_E_NOT_SNPU;
	else if (ver->version_major < ACCEL_UAPI_MAJOR)
		ret = ACCEL_E_DRIVER_TOO_OLD;
	else if (ver->version_major > ACCEL_UAPI_MAJOR)
		ret = ACCEL_E_DRIVER_TOO_NEW;
	else if (ver->version_minor < ACCEL_UAPI_MINOR)
		ret = ACCEL_E_DRIVER_TOO_OLD;
	if (major)
		*major = ver->version_major;
	if (minor)
		*minor = ver->version_minor;
	drmFreeVersion(ver);
	return ret;
}

static int accel_get_param(int fd, uint32_t param, uint32_t index,
			   uint64_t *value)
{
	struct drm_snpu_get_param args = { .param = param, .index = index };
	int ret;

	ret = accel_ioctl(fd, DRM_IOCTL_SNPU_GET_PARAM, &args);
	if (!ret)
		*value = args.value;
	return ret;
}

static int accel_get_platform_name(int fd, char name[32])
{
	uint64_t chunk;
	int i, ret;

	for (i = 0; i < 4; i++) {
		ret = accel_get_param(fd, DRM_SNPU_PARAM_PLATFORM_NAME, i, &chunk);
		if (ret)
			return ret;
		memcpy(name + 8 * i, &chunk, 8);
	}
	name[31] = '\0';
	return 0;
}

static uint32_t accel_u32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Read every capability once; they do not change while the file is open. */
static int accel_read_caps(int fd, struct accel_caps *caps)
{
	uint64_t v;
	int ret;

#define ACCEL_CAP(param, expr)						\
	do {								\
		ret = accel_get_param(fd, DRM_SNPU_PARAM_##param, 0, &v); \
		if (ret)						\
			return ret;					\
		expr;							\
	} while (0)
	ACCEL_CAP(CAPABILITIES, caps->emulated = !!(v & DRM_SNPU_CAP_EMULATED));
	ACCEL_CAP(PLATFORM_ID, caps->platform_id = accel_u32(v));
	ACCEL_CAP(FW_VERSION, caps->fw_version = accel_u32(v));
	ACCEL_CAP(FW_FORMAT, caps->fw_format = accel_u32(v));
	ACCEL_CAP(MAC_UNITS, caps->mac_units = accel_u32(v));
	ACCEL_CAP(CLOCK_KHZ, caps->clock_khz = accel_u32(v));
	ACCEL_CAP(SRAM_BYTES, caps->sram_bytes = v);
	ACCEL_CAP(DRAM_BYTES, caps->dram_bytes = v);
	ACCEL_CAP(DRAM_BYTES_PER_CYCLE, caps->dram_bytes_per_cycle = accel_u32(v));
	ACCEL_CAP(OPS, caps->ops = accel_u32(v));
	ACCEL_CAP(ENCODINGS, caps->encodings = accel_u32(v));
	ACCEL_CAP(NM_PATTERNS, caps->nm_patterns = accel_u32(v));
	ACCEL_CAP(BLOCK_SHAPES, caps->block_shapes = accel_u32(v));
	ACCEL_CAP(FEATURES, caps->features = accel_u32(v));
	ACCEL_CAP(MAX_BATCH, caps->max_batch = accel_u32(v));
#undef ACCEL_CAP
	return accel_get_platform_name(fd, caps->platform);
}

/* ---- enumeration ------------------------------------------------------- */

static int accel_node_minor(const char *node)
{
	const char *p = strrchr(node, 'D');

	return p ? atoi(p + 1) : 0;
}

static int accel_info_cmp(const void *a, const void *b)
{
	const struct accel_device_info *x = a, *y = b;
	int mx = accel_node_minor(x->node), my = accel_node_minor(y->node);

	if (mx != my)
		return mx < my ? -1 : 1;
	return strcmp(x->node, y->node);
}

/*
 * Describe the render node @path if it is snpu: 1 when it is, 0 when not,
 * or -errno when it cannot be opened.
 */
static int accel_probe_node(const char *path, struct accel_device_info *info)
{
	drmVersionPtr ver;
	uint64_t caps;
	int fd, ret = 0;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ver = drmGetVersion(fd);
	if (ver && ver->name && !strcmp(ver->name, "snpu")) {
		memset(info, 0, sizeof(*info));
		snprintf(info->node, sizeof(info->node), "%s", path);
		/* Best effort: an old driver still shows in the list. */
		if (accel_get_platform_name(fd, info->platform))
			snprintf(info->platform, sizeof(info->platform), "?");
		if (!accel_get_param(fd, DRM_SNPU_PARAM_CAPABILITIES, 0, &caps))
			info->emulated = !!(caps & DRM_SNPU_CAP_EMULATED);
		ret = 1;
	}
	drmFreeVersion(ver);
	close(fd);
	return ret;
}

/*
 * Render node paths to probe: what drmGetDevices2() lists, plus every
 * /dev/dri/renderD* it left out. libdrm merges devices whose bus info
 * compares equal, and platform devices without devicetree nodes all get
 * their bus name from MODALIAS: two emulated snpu instances are both
 * "snpu-emu" to it, and it would list only one of them.
 */
struct accel_paths {
	char (*path)[64];
	int count;
	int cap;
};

static int accel_paths_add(struct accel_paths *p, const char *path)
{
	int i;

	for (i = 0; i < p->count; i++)
		if (!strcmp(p->path[i], path))
			return 0;
	if (p->count == p->cap) {
		int cap = p->cap ? 2 * p->cap : 16;
		char (*np)[64] = realloc(p->path, cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		p->path = np;
		p->cap = cap;
	}
	snprintf(p->path[p->count++], sizeof(p->path[0]), "%s", path);
	return 0;
}

static int accel_render_nodes(struct accel_paths *p)
{
	drmDevicePtr *devs;
	struct dirent *de;
	char path[64];
	DIR *dir;
	int i, n, ret = 0;

	n = drmGetDevices2(0, NULL, 0);
	if (n > 0) {
		devs = calloc(n, sizeof(*devs));
		if (!devs)
			return -ENOMEM;
		/* Devices may come or go between the two calls. */
		n = drmGetDevices2(0, devs, n);
		for (i = 0; i < n && !ret; i++)
			if (devs[i]->available_nodes & (1 << DRM_NODE_RENDER))
				ret = accel_paths_add(p,
					devs[i]->nodes[DRM_NODE_RENDER]);
		if (n > 0)
			drmFreeDevices(devs, n);
		free(devs);
		if (ret)
			return ret;
	}

	dir = opendir(DRM_DIR_NAME);
	if (!dir)
		return 0;	/* no /dev/dri: no DRM driver loaded */
	while ((de = readdir(dir)) && !ret) {
		if (strncmp(de->d_name, DRM_RENDER_MINOR_NAME,
			    strlen(DRM_RENDER_MINOR_NAME)) ||
		    strlen(de->d_name) > sizeof(path) - sizeof(DRM_DIR_NAME) - 1)
			continue;
		snprintf(path, sizeof(path), "%s/%.*s", DRM_DIR_NAME,
			 (int)(sizeof(path) - sizeof(DRM_DIR_NAME) - 1),
			 de->d_name);
		ret = accel_paths_add(p, path);
	}
	closedir(dir);
	return ret;
}

ACCEL_API int accel_devices_get(struct accel_device_info **list)
{
	struct accel_paths paths = { 0 };
	struct accel_device_info *infos = NULL;
	int i, count = 0, denied = 0, ret;

	if (!list)
		return -EINVAL;

	ret = accel_render_nodes(&paths);
	if (ret)
		goto err;
	if (paths.count) {
		infos = calloc(paths.count, sizeof(*infos));
		if (!infos) {
			ret = -ENOMEM;
			goto err;
		}
	}
	for (i = 0; i < paths.count; i++) {
		ret = accel_probe_node(paths.path[i], &infos[count]);
		if (ret == -EACCES || ret == -EPERM)
			denied++;
		if (ret == 1)
			count++;
	}
	free(paths.path);
	paths.path = NULL;

	/* Nodes we may not open may be snpu: say so rather than "none". */
	if (!count && denied) {
		ret = -EACCES;
		goto err;
	}
	if (!count) {
		free(infos);
		infos = NULL;
	} else {
		qsort(infos, count, sizeof(*infos), accel_info_cmp);
	}
	*list = infos;
	return count;
err:
	free(paths.path);
	free(infos);
	return ret;
}

ACCEL_API void accel_devices_free(struct accel_device_info *list)
{
	free(list);
}

/* ---- open, ref, unref, query ------------------------------------------- */

ACCEL_API int accel_device_open(const char *path, accel_device **devp)
{
	accel_device *dev;
	int fd, ret;

	if (!path || !*path || !devp)
		return -EINVAL;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		ret = -ENOMEM;
		goto err_close;
	}
	ret = accel_check_version(fd, &dev->caps.uapi_major,
				  &dev->caps.uapi_minor);
	if (ret)
		goto err_free;
	dev->caps.size = sizeof(dev->caps);
	ret = accel_read_caps(fd, &dev->caps);
	if (ret)
		goto err_free;
	ret = -pthread_mutex_init(&dev->lock, NULL);
	if (ret)
		goto err_free;

	atomic_init(&dev->ref, 1);
	dev->fd = fd;
	snprintf(dev->node, sizeof(dev->node), "%s", path);
	*devp = dev;
	return 0;

err_free:
	free(dev);
err_close:
	close(fd);
	return ret;
}

ACCEL_API int accel_device_open_index(int index, accel_device **devp)
{
	struct accel_device_info *list;
	char node[sizeof(list->node)];
	int n;

	if (index < 0 || !devp)
		return -EINVAL;
	n = accel_devices_get(&list);
	if (n < 0)
		return n;
	if (index >= n) {
		accel_devices_free(list);
		return -ENODEV;
	}
	memcpy(node, list[index].node, sizeof(node));
	accel_devices_free(list);
	return accel_device_open(node, devp);
}

ACCEL_API accel_device *accel_device_ref(accel_device *dev)
{
	if (dev)
		atomic_fetch_add_explicit(&dev->ref, 1, memory_order_relaxed);
	return dev;
}

ACCEL_API void accel_device_unref(accel_device *dev)
{
	struct accel_cnt_page *page, *next;

	if (!dev || atomic_fetch_sub_explicit(&dev->ref, 1,
					      memory_order_acq_rel) != 1)
		return;

	for (page = dev->cnt_pages; page; page = next) {
		next = page->next;
		munmap(page->map, ACCEL_CNT_PAGE_SIZE);
		accel_gem_close(dev, page->handle);
		free(page);
	}
	pthread_mutex_destroy(&dev->lock);
	close(dev->fd);
	free(dev);
}

ACCEL_API int accel_device_query(accel_device *dev, struct accel_caps *caps)
{
	struct accel_caps tmp;
	uint32_t size;

	if (!dev || !caps)
		return -EINVAL;
	/* The struct only grows: anything shorter than 0.1's is a bug. */
	size = caps->size;
	if (size < sizeof(struct accel_caps))
		return -EINVAL;
	tmp = dev->caps;
	tmp.size = size;
	memcpy(caps, &tmp, sizeof(tmp));
	return 0;
}

/* ---- counters pool ----------------------------------------------------- */

static int accel_cnt_page_new(accel_device *dev, struct accel_cnt_page **out)
{
	struct drm_snpu_bo_create create = { .size = ACCEL_CNT_PAGE_SIZE };
	struct drm_snpu_bo_mmap_offset off = { 0 };
	struct accel_cnt_page *page;
	void *map;
	int ret;

	page = calloc(1, sizeof(*page));
	if (!page)
		return -ENOMEM;
	ret = accel_ioctl(dev->fd, DRM_IOCTL_SNPU_BO_CREATE, &create);
	if (ret)
		goto err_free;
	off.handle = create.handle;
	ret = accel_ioctl(dev->fd, DRM_IOCTL_SNPU_BO_MMAP_OFFSET, &off);
	if (ret)
		goto err_close;
	map = mmap(NULL, ACCEL_CNT_PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, dev->fd, off.offset);
	if (map == MAP_FAILED) {
		ret = -errno;
		goto err_close;
	}
	page->handle = create.handle;
	page->map = map;
	*out = page;
	return 0;

err_close:
	accel_gem_close(dev, create.handle);
err_free:
	free(page);
	return ret;
}

int accel_cnt_alloc(accel_device *dev, struct accel_cnt_page **pagep,
		    unsigned int *slot)
{
	struct accel_cnt_page *page;
	int ret;

	pthread_mutex_lock(&dev->lock);
	for (page = dev->cnt_pages; page; page = page->next)
		if (~page->used)
			break;
	if (!page) {
		/* One ioctl sequence under the lock: rare, the pool only grows. */
		ret = accel_cnt_page_new(dev, &page);
		if (ret) {
			pthread_mutex_unlock(&dev->lock);
			return ret;
		}
		page->next = dev->cnt_pages;
		dev->cnt_pages = page;
	}
	*slot = __builtin_ctzll(~page->used);
	page->used |= 1ull << *slot;
	*pagep = page;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

void accel_cnt_free(accel_device *dev, struct accel_cnt_page *page,
		    unsigned int slot)
{
	pthread_mutex_lock(&dev->lock);
	page->used &= ~(1ull << slot);
	pthread_mutex_unlock(&dev->lock);
}
