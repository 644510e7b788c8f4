// SPDX-License-Identifier: GPL-2.0-only
/*
 * Models: MODEL_CREATE copies a packed model from userspace once,
 * validates every byte of the copy against the device's platform, and
 * keeps only the prepared form the engine runs, in device memory. The
 * packed copy is freed at once, so userspace can never change what was
 * validated.
 *
 * Copyright (c) 2026 The snpu authors
 */

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "snpu_accel.h"
#include "snpu_drv.h"
#include "snpu_engine.h"
#include "snpu_model_parse.h"
#include "snpu_models.h"

static void snpu_model_release(struct kref *ref)
{
	struct snpu_model_obj *model =
		container_of(ref, struct snpu_model_obj, ref);
	struct snpu_device *sdev = model->sdev;

	snpu_devmem_free(sdev, &model->mem);
	atomic_dec(&sdev->model_count);
	kfree(model);
}

void snpu_model_put(struct snpu_model_obj *model)
{
	if (model)
		kref_put(&model->ref, snpu_model_release);
}

/* A new reference to the file's model @handle, or NULL. */
struct snpu_model_obj *snpu_model_lookup(struct snpu_file_priv *fpriv,
					 u32 handle)
{
	struct snpu_model_obj *model;

	xa_lock(&fpriv->models);
	model = xa_load(&fpriv->models, handle);
	if (model)
		kref_get(&model->ref);
	xa_unlock(&fpriv->models);

	return model;
}

/* Validate @blob and build its prepared form in device memory. */
static int snpu_model_prepare(struct snpu_device *sdev, const void *blob,
			      u32 size, struct snpu_model_obj *model,
			      struct drm_snpu_model_create *args)
{
	struct snpu_model_view *view;
	int ret;

	view = kvmalloc(sizeof(*view), GFP_KERNEL);
	if (!view)
		return -ENOMEM;

	ret = snpu_model_parse(blob, size, &sdev->fw.platform, view);
	if (ret) {
		args->status = -ret;
		args->status_layer = view->bad_layer;
		drm_dbg(&sdev->drm, "Model rejected (layer %d): %s\n",
			(int)view->bad_layer, snpu_model_strerror(ret));
		ret = -EINVAL;
		goto out;
	}

	model->prepared_size = snpu_engine_prepared_size(view, blob);
	ret = snpu_devmem_alloc(sdev, &model->mem, model->prepared_size);
	if (ret)
		goto out;

	ret = snpu_engine_prepare(view, blob, model->mem.vaddr,
				  model->prepared_size);
	if (WARN_ON(ret)) {
		snpu_devmem_free(sdev, &model->mem);
		ret = -EINVAL;
		goto out;
	}
	model->input_bytes = snpu_engine_input_bytes(model->mem.vaddr);
	model->output_bytes = snpu_engine_output_bytes(model->mem.vaddr);
	model->layer_count = snpu_engine_layer_count(model->mem.vaddr);
out:
	kvfree(view);
	return ret;
}

int snpu_ioctl_model_create(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct snpu_device *sdev = to_snpu_device(drm);
	struct snpu_file_priv *fpriv = file->driver_priv;
	struct drm_snpu_model_create *args = data;
	struct snpu_model_obj *model;
	void *blob;
	int ret;

	args->status = 0;
	args->status_layer = SNPU_MODEL_NONE;
	if (args->flags || !args->size || args->size > SNPU_MODEL_MAX_SIZE)
		return -EINVAL;

	blob = kvmalloc(args->size, GFP_KERNEL_ACCOUNT);
	if (!blob)
		return -ENOMEM;
	if (copy_from_user(blob, u64_to_user_ptr(args->data), args->size)) {
		ret = -EFAULT;
		goto err_free_blob;
	}

	model = kzalloc(sizeof(*model), GFP_KERNEL);
	if (!model) {
		ret = -ENOMEM;
		goto err_free_blob;
	}
	kref_init(&model->ref);
	model->sdev = sdev;

	ret = snpu_model_prepare(sdev, blob, args->size, model, args);
	if (ret)
		goto err_free_model;
	kvfree(blob);
	atomic_inc(&sdev->model_count);

	ret = xa_alloc(&fpriv->models, &args->handle, model, xa_limit_32b,
		       GFP_KERNEL);
	if (ret) {
		snpu_model_put(model);
		return ret;
	}
	args->input_bytes = model->input_bytes;
	args->output_bytes = model->output_bytes;
	args->layer_count = model->layer_count;
	return 0;

err_free_model:
	kfree(model);
err_free_blob:
	kvfree(blob);
	return ret;
}

int snpu_ioctl_model_destroy(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct snpu_file_priv *fpriv = file->driver_priv;
	struct drm_snpu_model_destroy *args = data;
	struct snpu_model_obj *model;

	if (args->pad)
		return -EINVAL;

	model = xa_erase(&fpriv->models, args->handle);
	if (!model)
		return -ENOENT;
	snpu_model_put(model);
	return 0;
}

/* Drop every model handle of a closing file. */
void snpu_models_release(struct snpu_file_priv *fpriv)
{
	struct snpu_model_obj *model;
	unsigned long handle;

	xa_for_each(&fpriv->models, handle, model)
		snpu_model_put(model);
	xa_destroy(&fpriv->models);
}
