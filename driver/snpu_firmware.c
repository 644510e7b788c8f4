// SPDX-License-Identifier: GPL-2.0-only
/*
 * Firmware: request the image named by the device node, validate every
 * byte of it with the shared parser before use, hand it to the device and
 * wait for the device to boot it.
 *
 * Copyright (c) 2026 The snpu authors
 */

#include <linux/firmware.h>
#include <linux/property.h>
#include <linux/utsname.h>

#include <drm/drm_print.h>

#include "snpu_device.h"
#include "snpu_firmware.h"

#define SNPU_BOOT_TIMEOUT_MS	1000

/**
 * snpu_fw_load() - request and validate the device's firmware image
 * @sdev: the device.
 *
 * On success the image is held in @sdev->fw_blob until snpu_fw_boot() and
 * its contents are in @sdev->fw. Every failure logs one line naming the
 * file and the reason.
 *
 * Return: 0, the request_firmware() error, or -EINVAL for a bad image.
 */
int snpu_fw_load(struct snpu_device *sdev)
{
	struct drm_device *drm = &sdev->drm;
	const struct firmware *blob;
	int ret;

	if (device_property_read_string(drm->dev, "firmware-name",
					&sdev->fw_name))
		sdev->fw_name = SNPU_FW_DEFAULT;

	ret = firmware_request_nowarn(&blob, sdev->fw_name, drm->dev);
	if (ret == -ENOENT) {
		/* The firmware loader's search path, in its order. */
		drm_err(drm, "Failed to load firmware %s: %d: not found in firmware_class.path, /lib/firmware/updates/%s, /lib/firmware/updates, /lib/firmware/%s or /lib/firmware; install the snpu firmware images (make install) or name another with emulate_fw\n",
			sdev->fw_name, ret, utsname()->release,
			utsname()->release);
		return ret;
	}
	if (ret) {
		drm_err(drm, "Failed to load firmware %s: %d\n", sdev->fw_name,
			ret);
		return ret;
	}

	ret = snpu_fw_parse(blob->data, blob->size, &sdev->fw);
	if (ret) {
		drm_err(drm, "Firmware %s rejected: %s\n", sdev->fw_name,
			snpu_fw_strerror(ret));
		release_firmware(blob);
		return -EINVAL;
	}

	if (sdev->fw.format_minor > SNPU_FW_FORMAT_MINOR)
		drm_info(drm, "Firmware %s has format 1.%u, newer than 1.%u: extensions ignored\n",
			 sdev->fw_name, sdev->fw.format_minor,
			 SNPU_FW_FORMAT_MINOR);

	sdev->fw_blob = blob;
	return 0;
}

/**
 * snpu_fw_start() - boot the device from the image in device memory
 * @sdev: the device, after snpu_fw_boot() copied the image (at probe) or
 *	after a reset (recovery).
 *
 * Return: 0 when the device reports READY, -EIO when it faults on the
 * image, -ETIMEDOUT when it does not answer.
 */
int snpu_fw_start(struct snpu_device *sdev)
{
	struct drm_device *drm = &sdev->drm;
	u32 status = 0;

	snpu_write(sdev, SNPU_REG_FW_BASE_LO, lower_32_bits(sdev->fw_mem.iova));
	snpu_write(sdev, SNPU_REG_FW_BASE_HI, upper_32_bits(sdev->fw_mem.iova));
	snpu_write(sdev, SNPU_REG_FW_SIZE, sdev->fw.image_size);
	snpu_write(sdev, SNPU_REG_CONTROL, SNPU_CONTROL_BOOT);

	wait_event_timeout(sdev->done_wq,
			   (status = snpu_read(sdev, SNPU_REG_STATUS)) &
			   (SNPU_STATUS_READY | SNPU_STATUS_FAULT),
			   msecs_to_jiffies(SNPU_BOOT_TIMEOUT_MS));

	if (status & SNPU_STATUS_FAULT) {
		drm_err(drm, "Device failed to boot firmware %s: fault %u info %u\n",
			sdev->fw_name, snpu_read(sdev, SNPU_REG_FAULT_CODE),
			snpu_read(sdev, SNPU_REG_FAULT_INFO));
		return -EIO;
	}
	if (!(status & SNPU_STATUS_READY)) {
		drm_err(drm, "Device did not boot firmware %s: status %#x\n",
			sdev->fw_name, status);
		return -ETIMEDOUT;
	}
	if (snpu_read(sdev, SNPU_REG_FW_VERSION) != sdev->fw.fw_version) {
		drm_err(drm, "Device booted firmware version %#x, expected %#x\n",
			snpu_read(sdev, SNPU_REG_FW_VERSION), sdev->fw.fw_version);
		return -EIO;
	}
	return 0;
}

/**
 * snpu_fw_boot() - copy the image to device memory and boot the device
 * @sdev: the device, after snpu_fw_load().
 *
 * Return: 0, -ENOMEM, or an error of snpu_fw_start().
 */
int snpu_fw_boot(struct snpu_device *sdev)
{
	const struct firmware *blob = sdev->fw_blob;
	int ret;

	ret = snpu_devmem_alloc(sdev, &sdev->fw_mem, blob->size);
	if (ret) {
		drm_err(&sdev->drm, "Failed to allocate firmware memory: %d\n",
			ret);
		return ret;
	}
	memcpy(sdev->fw_mem.vaddr, blob->data, blob->size);
	release_firmware(blob);
	sdev->fw_blob = NULL;

	return snpu_fw_start(sdev);
}

/**
 * snpu_fw_unload() - free what snpu_fw_load() and snpu_fw_boot() hold
 * @sdev: the device, reset so that it no longer reads the image.
 */
void snpu_fw_unload(struct snpu_device *sdev)
{
	release_firmware(sdev->fw_blob);
	sdev->fw_blob = NULL;
	snpu_devmem_free(sdev, &sdev->fw_mem);
}
