// SPDX-License-Identifier: GPL-2.0-only
/*
 * snpu hardware layer: reset, interrupt, device memory and command ring.
 *
 * Copyright (c) 2026 The snpu authors
 */

#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

#include <drm/drm_print.h>

#include "snpu_accel.h"
#include "snpu_device.h"
#include "snpu_firmware.h"
#include "snpu_job.h"

/* A reset or boot of the emulated device takes microseconds; silicon ms. */
#define SNPU_RESET_TIMEOUT_US	(500 * USEC_PER_MSEC)
#define SNPU_RING_TEST_MS	1000

static const char *snpu_fence_driver_name(struct dma_fence *fence)
{
	return "snpu";
}

static const char *snpu_fence_timeline_name(struct dma_fence *fence)
{
	return "snpu-ring";
}

static const struct dma_fence_ops snpu_fence_ops = {
	.get_driver_name = snpu_fence_driver_name,
	.get_timeline_name = snpu_fence_timeline_name,
};

static bool snpu_seqno_passed(u32 done, u32 seqno)
{
	return (s32)(done - seqno) >= 0;
}

/*
 * Add a completed command's time on the device to the device's and its
 * file's busy time. Under fence_lock.
 */
static void snpu_fence_account(struct snpu_device *sdev, struct snpu_fence *f,
			       u64 now)
{
	u64 start = max(f->submit_ns, sdev->last_done_ns);
	u64 busy = now > start ? now - start : 0;

	sdev->busy_ns += busy;
	sdev->last_done_ns = now;
	if (f->busy_ns)
		atomic64_add(busy, f->busy_ns);
}

/* Signal every fence the device has completed, in order. */
static void snpu_fences_signal(struct snpu_device *sdev, u32 done)
{
	struct snpu_fence *f, *tmp;
	unsigned long flags;
	u64 now = ktime_get_ns();

	spin_lock_irqsave(&sdev->fence_lock, flags);
	list_for_each_entry_safe(f, tmp, &sdev->fence_list, link) {
		if (!snpu_seqno_passed(done, f->seqno))
			break;
		list_del_init(&f->link);
		snpu_fence_account(sdev, f, now);
		dma_fence_signal_locked(&f->base);
		dma_fence_put(&f->base);
		atomic64_inc(&sdev->jobs_completed);
	}
	spin_unlock_irqrestore(&sdev->fence_lock, flags);
}

/* After a reset: what was on the hardware will never complete. */
static void snpu_fences_cancel(struct snpu_device *sdev)
{
	struct snpu_fence *f, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&sdev->fence_lock, flags);
	list_for_each_entry_safe(f, tmp, &sdev->fence_list, link) {
		list_del_init(&f->link);
		dma_fence_set_error(&f->base, -ECANCELED);
		dma_fence_signal_locked(&f->base);
		dma_fence_put(&f->base);
	}
	spin_unlock_irqrestore(&sdev->fence_lock, flags);
}

/*
 * The interrupt handler, in hard interrupt context for silicon and the
 * emulation alike. It acknowledges what it saw, signals fences and wakes
 * waiters; recovery from a fault runs in the scheduler's timeout work.
 */
static irqreturn_t snpu_device_irq(struct snpu_device *sdev)
{
	u32 status = snpu_read(sdev, SNPU_REG_IRQ_STATUS);
	u32 done;

	if (!status)
		return IRQ_NONE;

	snpu_write(sdev, SNPU_REG_IRQ_STATUS, status);
	atomic64_inc(&sdev->irq_count);

	if (status & SNPU_IRQ_CMD_DONE) {
		done = snpu_read(sdev, SNPU_REG_DONE_SEQNO);
		WRITE_ONCE(sdev->done_seqno, done);
		snpu_fences_signal(sdev, done);
	}
	if (status & SNPU_IRQ_FAULT) {
		atomic64_inc(&sdev->fault_count);
		dev_err_ratelimited(sdev->drm.dev,
				    "Device fault: code %u info %#x\n",
				    snpu_read(sdev, SNPU_REG_FAULT_CODE),
				    snpu_read(sdev, SNPU_REG_FAULT_INFO));
		snpu_job_irq_fault(sdev);
	}

	wake_up_all(&sdev->done_wq);
	return IRQ_HANDLED;
}

static irqreturn_t snpu_device_irq_handler(int irq, void *data)
{
	return snpu_device_irq(data);
}

static void snpu_device_emu_irq(void *data)
{
	snpu_device_irq(data);
}

static int snpu_device_reset(struct snpu_device *sdev)
{
	u32 status;
	int ret;

	snpu_write(sdev, SNPU_REG_CONTROL, SNPU_CONTROL_RESET);
	ret = read_poll_timeout(snpu_read, status,
				!(status & SNPU_STATUS_IN_RESET),
				100, SNPU_RESET_TIMEOUT_US, false,
				sdev, SNPU_REG_STATUS);
	if (ret) {
		drm_err(&sdev->drm, "Device did not leave reset: %#x\n", status);
		return ret;
	}

	spin_lock(&sdev->ring_lock);
	sdev->ring_tail = 0;
	spin_unlock(&sdev->ring_lock);
	WRITE_ONCE(sdev->done_seqno, sdev->next_seqno);
	return 0;
}

/**
 * snpu_iova_map() - give kernel memory an address in the device's space
 * @sdev: the (emulated) device.
 * @vaddr: @size bytes of kernel memory, valid until snpu_iova_unmap().
 * @size: bytes.
 * @node: Output: the device address range; node->start is the address.
 *
 * Return: 0, -ENOSPC when the address space is full, -ENOMEM, or
 * -EOPNOTSUPP on silicon (whose MMU is not supported yet).
 */
int snpu_iova_map(struct snpu_device *sdev, void *vaddr, size_t size,
		  struct drm_mm_node *node)
{
	int ret;

	if (!snpu_is_emulated(sdev))
		return -EOPNOTSUPP;

	memset(node, 0, sizeof(*node));
	mutex_lock(&sdev->va_lock);
	ret = drm_mm_insert_node_generic(&sdev->va_mm, node,
					 PAGE_ALIGN(size), PAGE_SIZE, 0,
					 DRM_MM_INSERT_BEST);
	mutex_unlock(&sdev->va_lock);
	if (ret)
		return ret;

	ret = snpu_emu_mmu_map(sdev->emu, node->start, vaddr, size);
	if (ret) {
		mutex_lock(&sdev->va_lock);
		drm_mm_remove_node(node);
		mutex_unlock(&sdev->va_lock);
	}
	return ret;
}

void snpu_iova_unmap(struct snpu_device *sdev, struct drm_mm_node *node)
{
	if (!drm_mm_node_allocated(node))
		return;
	snpu_emu_mmu_unmap(sdev->emu, node->start);
	mutex_lock(&sdev->va_lock);
	drm_mm_remove_node(node);
	mutex_unlock(&sdev->va_lock);
}

int snpu_devmem_alloc(struct snpu_device *sdev, struct snpu_devmem *mem,
		      size_t size)
{
	int ret;

	mem->size = PAGE_ALIGN(size);
	if (!snpu_is_emulated(sdev)) {
		mem->vaddr = dma_alloc_coherent(sdev->drm.dev, mem->size,
						&mem->dma, GFP_KERNEL);
		if (!mem->vaddr)
			return -ENOMEM;
		mem->iova = mem->dma;
		return 0;
	}

	/*
	 * Sizes come from userspace (models, their scratch): charged to its
	 * memory cgroup, and a failure is its -ENOMEM, not a kernel warning.
	 */
	mem->vaddr = __vmalloc(mem->size, GFP_KERNEL_ACCOUNT | __GFP_ZERO |
			       __GFP_NOWARN);
	if (!mem->vaddr)
		return -ENOMEM;

	ret = snpu_iova_map(sdev, mem->vaddr, mem->size, &mem->node);
	if (ret) {
		vfree(mem->vaddr);
		mem->vaddr = NULL;
		return ret;
	}
	mem->iova = mem->node.start;
	return 0;
}

void snpu_devmem_free(struct snpu_device *sdev, struct snpu_devmem *mem)
{
	if (!mem->vaddr)
		return;

	if (!snpu_is_emulated(sdev)) {
		dma_free_coherent(sdev->drm.dev, mem->size, mem->vaddr,
				  mem->dma);
	} else {
		snpu_iova_unmap(sdev, &mem->node);
		vfree(mem->vaddr);
	}
	mem->vaddr = NULL;
}

/**
 * snpu_ring_emit() - put one command on the ring and ring the doorbell
 * @sdev: the device.
 * @opcode: SNPU_CMD_*.
 * @args: up to 7 arguments; may be NULL when @nargs is 0.
 * @nargs: number of @args.
 * @fence: if not NULL, initialised with the command's seqno and signalled
 *	by the interrupt handler when the command completes; the fence list
 *	takes a reference.
 * @seqno: Output: the seqno the device reports when the command is done.
 *
 * Return: 0, -EBUSY when the ring is full, -EINVAL for too many args.
 */
int snpu_ring_emit(struct snpu_device *sdev, u32 opcode, const u64 *args,
		   unsigned int nargs, struct snpu_fence *fence, u32 *seqno)
{
	struct snpu_cmd *ring = sdev->ring.vaddr;
	struct snpu_cmd *cmd;
	unsigned long flags;
	unsigned int i;
	u32 tail, next;

	if (nargs > ARRAY_SIZE(cmd->args))
		return -EINVAL;

	spin_lock(&sdev->ring_lock);
	tail = sdev->ring_tail;
	next = (tail + 1) & (SNPU_RING_ENTRIES - 1);
	if (next == snpu_read(sdev, SNPU_REG_RING_HEAD)) {
		spin_unlock(&sdev->ring_lock);
		return -EBUSY;
	}

	cmd = &ring[tail];
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = cpu_to_le32(opcode);
	cmd->seqno = cpu_to_le32(++sdev->next_seqno);
	for (i = 0; i < nargs; i++)
		cmd->args[i] = cpu_to_le64(args[i]);
	*seqno = sdev->next_seqno;

	/* On the list before the doorbell: the interrupt may come at once. */
	if (fence) {
		fence->seqno = *seqno;
		fence->submit_ns = ktime_get_ns();
		dma_fence_init(&fence->base, &snpu_fence_ops, &sdev->fence_lock,
			       sdev->fence_context, *seqno);
		dma_fence_get(&fence->base);
		spin_lock_irqsave(&sdev->fence_lock, flags);
		list_add_tail(&fence->link, &sdev->fence_list);
		spin_unlock_irqrestore(&sdev->fence_lock, flags);
	}

	/* The entry must be visible to the device before the doorbell. */
	dma_wmb();
	sdev->ring_tail = next;
	snpu_write(sdev, SNPU_REG_RING_TAIL, next);
	spin_unlock(&sdev->ring_lock);

	return 0;
}

/**
 * snpu_ring_wait() - wait until the device completes a command
 * @sdev: the device.
 * @seqno: from snpu_ring_emit().
 * @ms: timeout in milliseconds.
 *
 * Return: 0, -ETIMEDOUT, or -EIO when the device faulted.
 */
int snpu_ring_wait(struct snpu_device *sdev, u32 seqno, unsigned int ms)
{
	long left;

	left = wait_event_timeout(sdev->done_wq,
				  snpu_seqno_passed(READ_ONCE(sdev->done_seqno),
						    seqno) ||
				  snpu_read(sdev, SNPU_REG_STATUS) &
				  SNPU_STATUS_FAULT,
				  msecs_to_jiffies(ms));
	if (snpu_read(sdev, SNPU_REG_STATUS) & SNPU_STATUS_FAULT)
		return -EIO;
	return left ? 0 : -ETIMEDOUT;
}

/* Point the device at the (empty) ring; after probe and every reset. */
static void snpu_ring_program(struct snpu_device *sdev)
{
	snpu_write(sdev, SNPU_REG_RING_BASE_LO, lower_32_bits(sdev->ring.iova));
	snpu_write(sdev, SNPU_REG_RING_BASE_HI, upper_32_bits(sdev->ring.iova));
	snpu_write(sdev, SNPU_REG_RING_ENTRIES, SNPU_RING_ENTRIES);
}

static int snpu_ring_init(struct snpu_device *sdev)
{
	int ret;

	ret = snpu_devmem_alloc(sdev, &sdev->ring,
				SNPU_RING_ENTRIES * SNPU_CMD_SIZE);
	if (ret)
		return ret;

	snpu_ring_program(sdev);
	return 0;
}

/*
 * Prove the command path end to end before userspace sees the device:
 * ring, doorbell, command processor, completion seqno and interrupt.
 */
static int snpu_ring_test(struct snpu_device *sdev)
{
	u32 seqno;
	int ret;

	ret = snpu_ring_emit(sdev, SNPU_CMD_NOP, NULL, 0, NULL, &seqno);
	if (ret)
		return ret;

	return snpu_ring_wait(sdev, seqno, SNPU_RING_TEST_MS);
}

/* The performance counters as the hardware has them now (since reset). */
static void snpu_device_perf_hw(struct snpu_device *sdev, u64 *v)
{
	unsigned int i;
	u32 hi, lo;

	for (i = 0; i < SNPU_PERF_COUNT; i++) {
		/* Read HI, LO, HI until HI holds still: no torn values. */
		do {
			hi = snpu_read(sdev, SNPU_REG_PERF_BASE + 8 * i + 4);
			lo = snpu_read(sdev, SNPU_REG_PERF_BASE + 8 * i);
		} while (hi != snpu_read(sdev, SNPU_REG_PERF_BASE + 8 * i + 4));
		v[i] = (u64)hi << 32 | lo;
	}
}

static void snpu_counters_set(struct snpu_counters *c, const u64 *v)
{
	c->cycles = v[0];
	c->macs = v[1];
	c->macs_skipped_weight = v[2];
	c->macs_skipped_act = v[3];
	c->bytes_read = v[4];
	c->bytes_written = v[5];
}

/**
 * snpu_device_perf() - what the device counted since telemetry started
 * @sdev: the device.
 * @c: the totals since load (or the last COUNTERS_RESET), across resets.
 */
void snpu_device_perf(struct snpu_device *sdev, struct snpu_counters *c)
{
	struct snpu_counters hw;
	u64 v[SNPU_PERF_COUNT];

	snpu_device_perf_hw(sdev, v);
	snpu_counters_set(&hw, v);
	spin_lock(&sdev->perf_lock);
	*c = sdev->perf_base;
	snpu_counters_add(c, &hw);
	c->cycles -= sdev->perf_zero.cycles;
	c->macs -= sdev->perf_zero.macs;
	c->macs_skipped_weight -= sdev->perf_zero.macs_skipped_weight;
	c->macs_skipped_act -= sdev->perf_zero.macs_skipped_act;
	c->bytes_read -= sdev->perf_zero.bytes_read;
	c->bytes_written -= sdev->perf_zero.bytes_written;
	spin_unlock(&sdev->perf_lock);
}

/**
 * snpu_device_telemetry_reset() - start the telemetry counters from zero
 * @sdev: the device.
 *
 * Job, reset and busy-time counters and the performance totals; the
 * counts of live objects stay (they are state, not history).
 */
void snpu_device_telemetry_reset(struct snpu_device *sdev)
{
	struct snpu_counters hw;
	u64 v[SNPU_PERF_COUNT];
	unsigned long flags;

	snpu_device_perf_hw(sdev, v);
	snpu_counters_set(&hw, v);
	spin_lock(&sdev->perf_lock);
	sdev->perf_zero = sdev->perf_base;
	snpu_counters_add(&sdev->perf_zero, &hw);
	spin_unlock(&sdev->perf_lock);

	spin_lock_irqsave(&sdev->fence_lock, flags);
	sdev->busy_ns = 0;
	spin_unlock_irqrestore(&sdev->fence_lock, flags);
	atomic64_set(&sdev->jobs_submitted, 0);
	atomic64_set(&sdev->jobs_completed, 0);
	atomic64_set(&sdev->jobs_failed, 0);
	atomic64_set(&sdev->jobs_timedout, 0);
	atomic64_set(&sdev->jobs_faulted, 0);
	atomic64_set(&sdev->resets, 0);
}

/* The device's busy time so far. */
u64 snpu_device_busy_ns(struct snpu_device *sdev)
{
	unsigned long flags;
	u64 ns;

	spin_lock_irqsave(&sdev->fence_lock, flags);
	ns = sdev->busy_ns;
	spin_unlock_irqrestore(&sdev->fence_lock, flags);
	return ns;
}

/**
 * snpu_device_recover() - reset a hung or faulted device and restart it
 * @sdev: the device, its scheduler stopped.
 *
 * Everything on the ring is dropped; the caller fails or re-runs the
 * jobs. The firmware already in device memory is booted again.
 *
 * Return: 0, or an error when the device does not come back.
 */
int snpu_device_recover(struct snpu_device *sdev)
{
	struct snpu_counters hw;
	u64 v[SNPU_PERF_COUNT];
	int ret;

	/* A reset zeroes the hardware's counters: keep what they had. */
	snpu_device_perf_hw(sdev, v);
	snpu_counters_set(&hw, v);
	spin_lock(&sdev->perf_lock);
	snpu_counters_add(&sdev->perf_base, &hw);
	spin_unlock(&sdev->perf_lock);

	ret = snpu_device_reset(sdev);
	if (ret)
		return ret;
	snpu_fences_cancel(sdev);

	snpu_write(sdev, SNPU_REG_IRQ_MASK, SNPU_IRQ_ALL);
	ret = snpu_fw_start(sdev);
	if (ret)
		return ret;
	snpu_ring_program(sdev);
	return 0;
}

/*
 * The emulated device sees memory through its MMU: a 40-bit address space
 * whose first SNPU_VA_BASE bytes are never mapped.
 */
static void snpu_va_init(struct snpu_device *sdev)
{
	if (snpu_is_emulated(sdev))
		drm_mm_init(&sdev->va_mm, SNPU_VA_BASE,
			    SNPU_VA_END - SNPU_VA_BASE);
}

static void snpu_va_fini(struct snpu_device *sdev)
{
	if (snpu_is_emulated(sdev))
		drm_mm_takedown(&sdev->va_mm);
}

static int snpu_device_hw_map(struct snpu_device *sdev)
{
	struct device *dev = sdev->drm.dev;
	struct platform_device *pdev = to_platform_device(dev);
	int ret;

	if (device_property_read_bool(dev, "snpu,emulated")) {
		sdev->emu = snpu_emu_create(dev);
		if (IS_ERR(sdev->emu)) {
			ret = PTR_ERR(sdev->emu);
			sdev->emu = NULL;
			return ret;
		}
		snpu_emu_set_irq_handler(sdev->emu, snpu_device_emu_irq, sdev);
		return 0;
	}

	sdev->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(sdev->regs))
		return PTR_ERR(sdev->regs);

	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	sdev->irq = platform_get_irq(pdev, 0);
	if (sdev->irq < 0)
		return sdev->irq;

	return devm_request_irq(dev, sdev->irq, snpu_device_irq_handler,
				IRQF_SHARED, dev_name(dev), sdev);
}

static void snpu_device_hw_unmap(struct snpu_device *sdev)
{
	if (sdev->emu) {
		snpu_emu_destroy(sdev->emu);
		sdev->emu = NULL;
	}
}

/**
 * snpu_device_init() - bring the hardware up, ready for userspace
 * @sdev: the device, allocated with its DRM device.
 *
 * Maps the hardware, resets it, loads and validates the firmware, boots
 * it, sets up the command ring and runs a NOP through it.
 *
 * Return: 0, or a negative errno with everything undone.
 */
int snpu_device_init(struct snpu_device *sdev)
{
	struct drm_device *drm = &sdev->drm;
	u32 id;
	int ret;

	mutex_init(&sdev->va_lock);
	spin_lock_init(&sdev->ring_lock);
	init_waitqueue_head(&sdev->done_wq);
	spin_lock_init(&sdev->fence_lock);
	INIT_LIST_HEAD(&sdev->fence_list);
	spin_lock_init(&sdev->perf_lock);
	INIT_LIST_HEAD(&sdev->list);
	sdev->fence_context = dma_fence_context_alloc(1);

	/* Before the hardware: a fault interrupt kicks the scheduler. */
	ret = snpu_job_init(sdev);
	if (ret)
		return ret;

	ret = snpu_device_hw_map(sdev);
	if (ret) {
		drm_err(drm, "Failed to map hardware: %d\n", ret);
		goto err_job_fini;
	}
	snpu_va_init(sdev);

	ret = snpu_device_reset(sdev);
	if (ret)
		goto err_va_fini;

	id = snpu_read(sdev, SNPU_REG_ID);
	sdev->revision = snpu_read(sdev, SNPU_REG_REVISION);
	if (id != DRM_SNPU_DEVICE_ID || sdev->revision >> 16 != 1) {
		drm_err(drm, "Unsupported device: id %#x revision %#x\n",
			id, sdev->revision);
		ret = -ENODEV;
		goto err_va_fini;
	}

	ret = snpu_fw_load(sdev);
	if (ret)
		goto err_va_fini;

	snpu_write(sdev, SNPU_REG_IRQ_MASK, SNPU_IRQ_ALL);

	ret = snpu_fw_boot(sdev);
	if (ret)
		goto err_reset;

	ret = snpu_ring_init(sdev);
	if (ret) {
		drm_err(drm, "Failed to set up the command ring: %d\n", ret);
		goto err_reset;
	}

	ret = snpu_ring_test(sdev);
	if (ret) {
		drm_err(drm, "Failed the command ring test: %d\n", ret);
		goto err_reset;
	}

	return 0;

err_reset:
	/* Quiesce first: the device may still read the ring or the image. */
	snpu_write(sdev, SNPU_REG_IRQ_MASK, 0);
	snpu_device_reset(sdev);
	snpu_devmem_free(sdev, &sdev->ring);
	snpu_fw_unload(sdev);
err_va_fini:
	snpu_va_fini(sdev);
	snpu_device_hw_unmap(sdev);
err_job_fini:
	snpu_job_fini(sdev);
	return ret;
}

/**
 * snpu_device_fini() - stop the hardware and free what init set up
 * @sdev: the device; userspace can no longer reach it (drm_dev_unplug()).
 */
void snpu_device_fini(struct snpu_device *sdev)
{
	snpu_write(sdev, SNPU_REG_IRQ_MASK, 0);
	snpu_device_reset(sdev);
	snpu_devmem_free(sdev, &sdev->ring);
	snpu_fw_unload(sdev);
	snpu_va_fini(sdev);
	snpu_device_hw_unmap(sdev);
	snpu_job_fini(sdev);
}
