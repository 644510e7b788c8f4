// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs, under /sys/kernel/debug/dri/<minor>/:
 *
 *   snpu_state    registers, firmware, ring and interrupt state
 *   snpu_objects  live object counts (they return to zero when every
 *                 client has gone: the leak check of the device tests)
 *   snpu_inject   write "hang": the emulated device's next job hangs
 *                 until the timeout resets it (test hook)
 *
 * Copyright (c) 2026 The snpu authors
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "snpu_debugfs.h"
#include "snpu_device.h"

static const struct {
	const char *name;
	u32 reg;
} snpu_debugfs_regs[] = {
	{ "ID", SNPU_REG_ID },
	{ "REVISION", SNPU_REG_REVISION },
	{ "STATUS", SNPU_REG_STATUS },
	{ "IRQ_STATUS", SNPU_REG_IRQ_STATUS },
	{ "IRQ_MASK", SNPU_REG_IRQ_MASK },
	{ "RING_ENTRIES", SNPU_REG_RING_ENTRIES },
	{ "RING_HEAD", SNPU_REG_RING_HEAD },
	{ "RING_TAIL", SNPU_REG_RING_TAIL },
	{ "DONE_SEQNO", SNPU_REG_DONE_SEQNO },
	{ "FAULT_CODE", SNPU_REG_FAULT_CODE },
	{ "FAULT_INFO", SNPU_REG_FAULT_INFO },
	{ "FW_PLATFORM_ID", SNPU_REG_FW_PLATFORM_ID },
	{ "FW_VERSION", SNPU_REG_FW_VERSION },
};

static struct snpu_device *snpu_debugfs_sdev(struct seq_file *m)
{
	struct drm_info_node *node = m->private;

	return to_snpu_device(node->minor->dev);
}

static int snpu_debugfs_state_show(struct seq_file *m, void *unused)
{
	struct snpu_device *sdev = snpu_debugfs_sdev(m);
	const struct snpu_platform *plat = &sdev->fw.platform;
	unsigned int i;
	int idx;

	seq_printf(m, "emulated: %s\n", snpu_is_emulated(sdev) ? "yes" : "no");
	seq_printf(m, "firmware: %s\n", sdev->fw_name);
	seq_printf(m, "firmware_version: %u.%u.%u\n", sdev->fw.fw_version >> 16,
		   (sdev->fw.fw_version >> 8) & 0xff, sdev->fw.fw_version & 0xff);
	seq_printf(m, "firmware_format: %u.%u\n", sdev->fw.format_major,
		   sdev->fw.format_minor);
	seq_printf(m, "platform: %s (id %u)\n", plat->name, plat->platform_id);
	seq_printf(m, "irq_count: %lld\n", atomic64_read(&sdev->irq_count));
	seq_printf(m, "fault_count: %lld\n", atomic64_read(&sdev->fault_count));
	seq_printf(m, "jobs_submitted: %lld\n",
		   atomic64_read(&sdev->jobs_submitted));
	seq_printf(m, "jobs_completed: %lld\n",
		   atomic64_read(&sdev->jobs_completed));
	seq_printf(m, "jobs_failed: %lld\n", atomic64_read(&sdev->jobs_failed));
	seq_printf(m, "jobs_timedout: %lld\n",
		   atomic64_read(&sdev->jobs_timedout));
	seq_printf(m, "jobs_faulted: %lld\n", atomic64_read(&sdev->jobs_faulted));
	seq_printf(m, "resets: %lld\n", atomic64_read(&sdev->resets));
	seq_printf(m, "ring_tail: %u\n", READ_ONCE(sdev->ring_tail));
	seq_printf(m, "next_seqno: %u\n", sdev->next_seqno);
	seq_printf(m, "done_seqno: %u\n", READ_ONCE(sdev->done_seqno));

	if (!drm_dev_enter(&sdev->drm, &idx)) {
		seq_puts(m, "registers: unavailable (device unplugged)\n");
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(snpu_debugfs_regs); i++)
		seq_printf(m, "reg_%s: %#010x\n", snpu_debugfs_regs[i].name,
			   snpu_read(sdev, snpu_debugfs_regs[i].reg));
	drm_dev_exit(idx);
	return 0;
}

static int snpu_debugfs_objects_show(struct seq_file *m, void *unused)
{
	struct snpu_device *sdev = snpu_debugfs_sdev(m);

	seq_printf(m, "bo_count: %d\n", atomic_read(&sdev->bo_count));
	seq_printf(m, "bo_bytes: %lld\n", atomic64_read(&sdev->bo_bytes));
	seq_printf(m, "model_count: %d\n", atomic_read(&sdev->model_count));
	seq_printf(m, "jobs_live: %d\n", atomic_read(&sdev->jobs_live));
	return 0;
}

static ssize_t snpu_debugfs_inject_write(struct file *f,
					 const char __user *ubuf,
					 size_t len, loff_t *pos)
{
	struct snpu_device *sdev = file_inode(f)->i_private;
	char buf[16];
	int idx;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';

	if (!sysfs_streq(buf, "hang"))
		return -EINVAL;
	if (!snpu_is_emulated(sdev))
		return -EOPNOTSUPP;
	if (!drm_dev_enter(&sdev->drm, &idx))
		return -ENODEV;
	snpu_emu_inject_hang(sdev->emu);
	drm_dev_exit(idx);
	return len;
}

static const struct file_operations snpu_debugfs_inject_fops = {
	.owner = THIS_MODULE,
	.write = snpu_debugfs_inject_write,
	.llseek = noop_llseek,
};

static const struct drm_info_list snpu_debugfs_list[] = {
	{ "snpu_state", snpu_debugfs_state_show, 0 },
	{ "snpu_objects", snpu_debugfs_objects_show, 0 },
};

void snpu_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(snpu_debugfs_list,
				 ARRAY_SIZE(snpu_debugfs_list),
				 minor->debugfs_root, minor);
	debugfs_create_file("snpu_inject", 0200, minor->debugfs_root,
			    to_snpu_device(minor->dev),
			    &snpu_debugfs_inject_fops);
}
