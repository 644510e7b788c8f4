// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libaccel: models.
 *
 * The driver validates every byte of a model; the library only reads the
 * header's magic and format major first, so a model of a newer format is
 * refused here with a message naming what to upgrade, without a trip
 * through the kernel.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel_priv.h"

#define ACCEL_MODEL_ERR(e)	(ACCEL_E_MODEL_BASE - (e))

/* The checks that need no driver: size, magic, format major. */
static int accel_model_check_header(const void *data, size_t size)
{
	struct snpu_model_header hdr;

	if (size < sizeof(hdr))
		return ACCEL_MODEL_ERR(SNPU_MODEL_E_TOO_SMALL);
	if (size > SNPU_MODEL_MAX_SIZE)
		return ACCEL_MODEL_ERR(SNPU_MODEL_E_TOO_LARGE);
	memcpy(&hdr, data, sizeof(hdr));	/* any alignment */
	if (le32toh(hdr.magic) != SNPU_MODEL_MAGIC)
		return ACCEL_MODEL_ERR(SNPU_MODEL_E_MAGIC);
	if (le16toh(hdr.format_major) != SNPU_MODEL_FORMAT_MAJOR)
		return ACCEL_MODEL_ERR(SNPU_MODEL_E_FORMAT_MAJOR);
	return 0;
}

ACCEL_API int accel_model_load(accel_device *dev, const void *data,
			       size_t size, accel_model **modelp)
{
	struct drm_snpu_model_create args = { 0 };
	accel_model *model;
	int ret;

	if (!dev || !data || !size || !modelp)
		return -EINVAL;
	ret = accel_model_check_header(data, size);
	if (ret)
		return ret;

	model = calloc(1, sizeof(*model));
	if (!model)
		return -ENOMEM;
	args.data = (uintptr_t)data;
	args.size = (uint32_t)size;
	ret = accel_ioctl(dev->fd, DRM_IOCTL_SNPU_MODEL_CREATE, &args);
	if (ret) {
		free(model);
		if (ret == -EINVAL && args.status &&
		    args.status < SNPU_MODEL_E_COUNT)
			return ACCEL_MODEL_ERR((int)args.status);
		return ret;
	}
	atomic_init(&model->ref, 1);
	model->dev = accel_device_ref(dev);
	model->handle = args.handle;
	model->input_bytes = args.input_bytes;
	model->output_bytes = args.output_bytes;
	model->layer_count = args.layer_count;
	*modelp = model;
	return 0;
}

/*
 * Read all of @fd, regular file or not (a pipe works too), up to one byte
 * past the largest model so an oversized file is recognised as such.
 */
static int accel_read_all(int fd, void **datap, size_t *sizep)
{
	const size_t limit = (size_t)SNPU_MODEL_MAX_SIZE + 1;
	size_t cap = 64 * 1024, len = 0;
	struct stat st;
	uint8_t *data;
	ssize_t n;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISREG(st.st_mode))
		cap = (size_t)st.st_size < limit ? (size_t)st.st_size + 1 : limit;

	data = malloc(cap);
	if (!data)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			size_t ncap = cap * 2 < limit ? cap * 2 : limit;
			uint8_t *p;

			if (ncap == cap)
				break;	/* at the limit: too large */
			p = realloc(data, ncap);
			if (!p) {
				free(data);
				return -ENOMEM;
			}
			data = p;
			cap = ncap;
		}
		n = read(fd, data + len, cap - len);
		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			free(data);
			return -err;
		}
		if (n == 0)
			break;
		len += n;
	}
	*datap = data;
	*sizep = len;
	return 0;
}

ACCEL_API int accel_model_load_file(accel_device *dev, const char *path,
				    accel_model **modelp)
{
	void *data = NULL;
	size_t size = 0;
	int fd, ret;

	if (!dev || !path || !*path || !modelp)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = accel_read_all(fd, &data, &size);
	close(fd);
	if (ret)
		return ret;
	if (!size)
		ret = ACCEL_MODEL_ERR(SNPU_MODEL_E_TOO_SMALL);
	else
		ret = accel_model_load(dev, data, size, modelp);
	free(data);
	return ret;
}

ACCEL_API size_t accel_model_input_bytes(const accel_model *model)
{
	return model ? model->input_bytes : 0;
}

ACCEL_API size_t accel_model_output_bytes(const accel_model *model)
{
	return model ? model->output_bytes : 0;
}

ACCEL_API uint32_t accel_model_layer_count(const accel_model *model)
{
	return model ? model->layer_count : 0;
}

ACCEL_API accel_model *accel_model_ref(accel_model *model)
{
	if (model)
		atomic_fetch_add_explicit(&model->ref, 1, memory_order_relaxed);
	return model;
}

ACCEL_API void accel_model_unref(accel_model *model)
{
	struct drm_snpu_model_destroy args = { 0 };

	if (!model || atomic_fetch_sub_explicit(&model->ref, 1,
						memory_order_acq_rel) != 1)
		return;
	/* Jobs already submitted keep the driver's copy until they finish. */
	args.handle = model->handle;
	accel_ioctl(model->dev->fd, DRM_IOCTL_SNPU_MODEL_DESTROY, &args);
	accel_device_unref(model->dev);
	free(model);
}
