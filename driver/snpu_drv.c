// SPDX-License-Identifier: GPL-2.0-only
/*
 * snpu: DRM render driver for the snpu sparse edge NPU.
 *
 * Devices come from devicetree (compatible "snpu,npu") or, when the module
 * parameter emulate=N asks for them, from N emulated instances that the
 * module creates with software nodes. Both go through the same platform
 * driver probe and read their configuration through the unified device
 * property API.
 *
 * Copyright (c) 2026 The snpu authors
 */

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/mod_devicetable.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>

#include "snpu_accel.h"
#include "snpu_debugfs.h"
#include "snpu_device.h"
#include "snpu_drv.h"
#include "snpu_gem.h"
#include "snpu_job.h"
#include "snpu_models.h"
#include "snpu_netlink.h"

#define SNPU_EMULATE_MAX	8

static unsigned int snpu_emulate = 1;
module_param_named(emulate, snpu_emulate, uint, 0444);
MODULE_PARM_DESC(emulate,
		 "Emulated devices to create, 0-8 (default 1); 0 drives only devices described by devicetree");

static char *snpu_emulate_fw[SNPU_EMULATE_MAX];
static unsigned int snpu_emulate_fw_count;
module_param_array_named(emulate_fw, snpu_emulate_fw, charp,
			 &snpu_emulate_fw_count, 0444);
MODULE_PARM_DESC(emulate_fw,
		 "Firmware of each emulated device, comma separated; the last one repeats (default "
		 SNPU_FW_DEFAULT ")");

static struct platform_device *snpu_emu_pdevs[SNPU_EMULATE_MAX];

/* drm-client-id of fdinfo: never reused while the module is loaded. */
static atomic64_t snpu_client_ids = ATOMIC64_INIT(0);

static int snpu_ioctl_get_param(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct snpu_device *sdev = to_snpu_device(drm);
	const struct snpu_platform *plat = &sdev->fw.platform;
	struct drm_snpu_get_param *args = data;
	u64 value;

	if (args->param == DRM_SNPU_PARAM_PLATFORM_NAME) {
		if (args->index >= sizeof(plat->name) / sizeof(u64))
			return -EINVAL;
		memcpy(&args->value, plat->name + args->index * sizeof(u64),
		       sizeof(u64));
		return 0;
	}
	if (args->index)
		return -EINVAL;

	switch (args->param) {
	case DRM_SNPU_PARAM_DEVICE_ID:
		value = DRM_SNPU_DEVICE_ID;
		break;
	case DRM_SNPU_PARAM_DEVICE_REVISION:
		value = sdev->revision;
		break;
	case DRM_SNPU_PARAM_CAPABILITIES:
		value = snpu_is_emulated(sdev) ? DRM_SNPU_CAP_EMULATED : 0;
		break;
	case DRM_SNPU_PARAM_FW_VERSION:
		value = sdev->fw.fw_version;
		break;
	case DRM_SNPU_PARAM_FW_FORMAT:
		value = (u32)sdev->fw.format_major << 16 | sdev->fw.format_minor;
		break;
	case DRM_SNPU_PARAM_PLATFORM_ID:
		value = plat->platform_id;
		break;
	case DRM_SNPU_PARAM_MAC_UNITS:
		value = plat->mac_units;
		break;
	case DRM_SNPU_PARAM_CLOCK_KHZ:
		value = plat->clock_khz;
		break;
	case DRM_SNPU_PARAM_SRAM_BYTES:
		value = plat->sram_bytes;
		break;
	case DRM_SNPU_PARAM_DRAM_BYTES:
		value = plat->dram_bytes;
		break;
	case DRM_SNPU_PARAM_DRAM_BYTES_PER_CYCLE:
		value = plat->dram_bytes_per_cycle;
		break;
	case DRM_SNPU_PARAM_OPS:
		value = plat->ops;
		break;
	case DRM_SNPU_PARAM_ENCODINGS:
		value = plat->encodings;
		break;
	case DRM_SNPU_PARAM_NM_PATTERNS:
		value = plat->nm_patterns;
		break;
	case DRM_SNPU_PARAM_BLOCK_SHAPES:
		value = plat->block_shapes;
		break;
	case DRM_SNPU_PARAM_FEATURES:
		value = plat->features;
		break;
	case DRM_SNPU_PARAM_MAX_BATCH:
		value = plat->max_batch;
		break;
	default:
		return -EINVAL;
	}

	args->value = value;
	return 0;
}

static int snpu_open(struct drm_device *drm, struct drm_file *file)
{
	struct snpu_device *sdev = to_snpu_device(drm);
	struct snpu_file_priv *fpriv;
	int ret;

	fpriv = kzalloc(sizeof(*fpriv), GFP_KERNEL);
	if (!fpriv)
		return -ENOMEM;

	fpriv->sdev = sdev;
	fpriv->client_id = atomic64_inc_return(&snpu_client_ids);
	xa_init_flags(&fpriv->models, XA_FLAGS_ALLOC1);
	ret = snpu_job_open(sdev, fpriv);
	if (ret) {
		kfree(fpriv);
		return ret;
	}
	file->driver_priv = fpriv;
	return 0;
}

/*
 * After the core released the file's GEM handles and syncobjs: drain its
 * jobs, then drop its models. Jobs hold their own references, so this
 * order frees everything once the last job is done.
 */
static void snpu_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct snpu_file_priv *fpriv = file->driver_priv;

	snpu_job_close(fpriv->sdev, fpriv);
	snpu_models_release(fpriv);
	kfree(fpriv);
}

#define SNPU_IOCTL(name, func) \
	DRM_IOCTL_DEF_DRV(SNPU_##name, snpu_ioctl_##func, DRM_RENDER_ALLOW)

static const struct drm_ioctl_desc snpu_drm_ioctls[] = {
	SNPU_IOCTL(GET_PARAM, get_param),
	SNPU_IOCTL(BO_CREATE, bo_create),
	SNPU_IOCTL(BO_MMAP_OFFSET, bo_mmap_offset),
	SNPU_IOCTL(BO_INFO, bo_info),
	SNPU_IOCTL(MODEL_CREATE, model_create),
	SNPU_IOCTL(MODEL_DESTROY, model_destroy),
	SNPU_IOCTL(SUBMIT, submit),
};

/*
 * fdinfo, in the keys of Documentation/gpu/drm-usage-stats.rst so GPU top
 * tools read it: the file's busy time on the device's one engine ("npu"),
 * and the memory of its buffer handles: all of it, and what has pages.
 */
static void snpu_show_fdinfo(struct seq_file *m, struct file *f)
{
	struct drm_file *file = f->private_data;
	struct snpu_file_priv *fpriv = file->driver_priv;
	struct snpu_device *sdev = fpriv->sdev;
	struct drm_gem_object *obj;
	u64 total = 0, resident = 0;
	int id;

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, id) {
		total += obj->size;
		if (obj->import_attach || to_drm_gem_shmem_obj(obj)->pages)
			resident += obj->size;
	}
	spin_unlock(&file->table_lock);

	seq_printf(m, "drm-driver:\t%s\n", sdev->drm.driver->name);
	seq_printf(m, "drm-client-id:\t%llu\n", fpriv->client_id);
	seq_printf(m, "drm-engine-npu:\t%llu ns\n",
		   (u64)atomic64_read(&fpriv->busy_ns));
	seq_printf(m, "drm-maxfreq-npu:\t%llu Hz\n",
		   (u64)sdev->fw.platform.clock_khz * 1000);
	seq_printf(m, "drm-total-memory:\t%llu KiB\n", total >> 10);
	seq_printf(m, "drm-resident-memory:\t%llu KiB\n", resident >> 10);
}

static const struct file_operations snpu_drm_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = drm_ioctl,
	.compat_ioctl = drm_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.mmap = drm_gem_mmap,
	.show_fdinfo = snpu_show_fdinfo,
};

/*
 * uAPI version history (DRM_SNPU_DRIVER_MAJOR.MINOR in snpu_accel.h):
 *
 * 1.0 - GET_PARAM, BO_CREATE, BO_MMAP_OFFSET, BO_INFO; PRIME import and
 *       export of buffer objects.
 * 1.1 - MODEL_CREATE, MODEL_DESTROY, SUBMIT with syncobjs and per-job
 *       counters; packed model format 1.0.
 * 1.2 - MODEL_CREATE status_layer and layer_count; SUBMIT's
 *       DRM_SNPU_SUBMIT_LAYER_COUNTERS; refusal of layers over the SRAM.
 */
static const struct drm_driver snpu_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE,
	.open = snpu_open,
	.postclose = snpu_postclose,
	.ioctls = snpu_drm_ioctls,
	.num_ioctls = ARRAY_SIZE(snpu_drm_ioctls),
	.fops = &snpu_drm_fops,
	.debugfs_init = snpu_debugfs_init,

	.gem_create_object = snpu_gem_create_object,
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
	.gem_prime_import_sg_table = snpu_gem_prime_import_sg_table,
	.gem_prime_mmap = drm_gem_prime_mmap,

	.name = "snpu",
	.desc = "snpu sparse edge NPU",
	.date = "20261123",
	.major = DRM_SNPU_DRIVER_MAJOR,
	.minor = DRM_SNPU_DRIVER_MINOR,
};

static int snpu_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct snpu_device *sdev;
	int ret;

	sdev = devm_drm_dev_alloc(dev, &snpu_drm_driver, struct snpu_device,
				  drm);
	if (IS_ERR(sdev))
		return PTR_ERR(sdev);
	platform_set_drvdata(pdev, sdev);

	ret = snpu_device_init(sdev);
	if (ret)
		return ret;

	ret = drm_dev_register(&sdev->drm, 0);
	if (ret) {
		drm_err(&sdev->drm, "Failed to register DRM device: %d\n", ret);
		goto err_device_fini;
	}

	snpu_genl_device_add(sdev);
	drm_info(&sdev->drm, "%s platform %s: firmware %s %u.%u.%u, %u MAC units, %u kHz\n",
		 snpu_is_emulated(sdev) ? "emulated" : "hardware",
		 sdev->fw.platform.name, sdev->fw_name,
		 sdev->fw.fw_version >> 16, (sdev->fw.fw_version >> 8) & 0xff,
		 sdev->fw.fw_version & 0xff, sdev->fw.platform.mac_units,
		 sdev->fw.platform.clock_khz);
	return 0;

err_device_fini:
	snpu_device_fini(sdev);
	return ret;
}

static int snpu_remove(struct platform_device *pdev)
{
	struct snpu_device *sdev = platform_get_drvdata(pdev);

	snpu_genl_device_remove(sdev);
	/* Open files keep the drm_device; they only lose the hardware. */
	drm_dev_unplug(&sdev->drm);
	snpu_device_fini(sdev);
	return 0;
}

static const struct of_device_id snpu_of_match[] = {
	{ .compatible = "snpu,npu" },
	{ }
};
MODULE_DEVICE_TABLE(of, snpu_of_match);

static const struct platform_device_id snpu_platform_ids[] = {
	{ .name = "snpu-emu" },
	{ }
};
MODULE_DEVICE_TABLE(platform, snpu_platform_ids);

static struct platform_driver snpu_platform_driver = {
	.probe = snpu_probe,
	.remove = snpu_remove,
	.id_table = snpu_platform_ids,
	.driver = {
		.name = "snpu",
		.of_match_table = snpu_of_match,
	},
};

static void snpu_emulated_destroy(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(snpu_emu_pdevs); i++) {
		if (snpu_emu_pdevs[i])
			platform_device_unregister(snpu_emu_pdevs[i]);
		snpu_emu_pdevs[i] = NULL;
	}
}

/*
 * An emulated instance is a platform device whose software node carries
 * what a devicetree node would: the firmware name, and the snpu,emulated
 * flag that selects the emulated hardware.
 */
static struct platform_device *snpu_emulated_add(unsigned int id,
						 const char *fw)
{
	const struct property_entry props[] = {
		PROPERTY_ENTRY_STRING("firmware-name", fw),
		PROPERTY_ENTRY_BOOL("snpu,emulated"),
		{ }
	};
	const struct platform_device_info info = {
		.name = "snpu-emu",
		.id = id,
		.properties = props,
		.dma_mask = DMA_BIT_MASK(64),
	};

	return platform_device_register_full(&info);
}

/*
 * Create the emulated instances. Probing is synchronous: an instance whose
 * firmware is missing or bad has no driver bound on return. Some failing
 * leaves the others working; all failing refuses the module load, so a
 * missing firmware is an error at modprobe, not a silent empty driver.
 */
static int snpu_emulated_create(void)
{
	struct platform_device *pdev;
	unsigned int i, bound = 0;
	const char *fw;

	for (i = 0; i < snpu_emulate; i++) {
		fw = SNPU_FW_DEFAULT;
		if (snpu_emulate_fw_count)
			fw = snpu_emulate_fw[min(i, snpu_emulate_fw_count - 1)];

		pdev = snpu_emulated_add(i, fw);
		if (IS_ERR(pdev)) {
			pr_err("snpu: Failed to create emulated device %u: %ld\n",
			       i, PTR_ERR(pdev));
			snpu_emulated_destroy();
			return PTR_ERR(pdev);
		}
		snpu_emu_pdevs[i] = pdev;
		bound += !!READ_ONCE(pdev->dev.driver);
	}
	if (snpu_emulate && !bound) {
		pr_err("snpu: none of the %u emulated devices came up (see the errors above): not loading\n",
		       snpu_emulate);
		snpu_emulated_destroy();
		return -ENODEV;
	}
	return 0;
}

static int __init snpu_init(void)
{
	int ret;

	if (snpu_emulate > SNPU_EMULATE_MAX) {
		pr_err("snpu: emulate=%u: at most %u emulated devices\n",
		       snpu_emulate, SNPU_EMULATE_MAX);
		return -EINVAL;
	}

	ret = snpu_genl_register();
	if (ret)
		return ret;
	ret = platform_driver_register(&snpu_platform_driver);
	if (ret)
		goto err_genl;

	ret = snpu_emulated_create();
	if (ret)
		goto err_driver;
	return 0;

err_driver:
	platform_driver_unregister(&snpu_platform_driver);
err_genl:
	snpu_genl_unregister();
	return ret;
}

static void __exit snpu_exit(void)
{
	snpu_emulated_destroy();
	platform_driver_unregister(&snpu_platform_driver);
	snpu_genl_unregister();
}

module_init(snpu_init);
module_exit(snpu_exit);

MODULE_AUTHOR("The snpu authors");
MODULE_DESCRIPTION("snpu sparse edge NPU DRM driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
