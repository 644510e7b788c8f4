/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * snpu device: the hardware layer every other part of the driver goes
 * through. It hides whether the device is silicon (MMIO, an IRQ line,
 * DMA) or the in-kernel emulation (snpu_emu.c).
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __SNPU_DEVICE_H__
#define __SNPU_DEVICE_H__

#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/io.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include <drm/drm_device.h>
#include <drm/drm_mm.h>
#include <drm/gpu_scheduler.h>

struct firmware;

#include "snpu_cost.h"
#include "snpu_emu.h"
#include "snpu_fw_parse.h"
#include "snpu_regs.h"

/* Default firmware when the device node names none. */
#define SNPU_FW_DEFAULT		"snpu/edge-mid.bin"

/* Commands in the ring; each is SNPU_CMD_SIZE bytes. */
#define SNPU_RING_ENTRIES	256

/* Device addresses below this are never mapped: catches NULL pointers. */
#define SNPU_VA_BASE		SZ_1M
/* The emulated device's MMU translates 40-bit addresses. */
#define SNPU_VA_END		BIT_ULL(40)

/**
 * struct snpu_fence - completion of one ring command
 * @base: the fence; its lock is &snpu_device.fence_lock.
 * @link: in &snpu_device.fence_list while on the hardware.
 * @seqno: ring seqno of the command.
 * @submit_ns: when the command went on the ring (CLOCK_MONOTONIC).
 * @busy_ns: if not NULL, the submitting file's busy time, which the
 *	command's time on the device is added to (the file outlives its
 *	jobs' fences on the ring).
 */
struct snpu_fence {
	struct dma_fence base;
	struct list_head link;
	u32 seqno;
	u64 submit_ns;
	atomic64_t *busy_ns;
};

/**
 * struct snpu_devmem - memory the device reads or writes, with its address
 * @vaddr: kernel mapping.
 * @iova: address the device uses.
 * @size: bytes.
 * @node: the range of the device address space (emulated device).
 * @dma: DMA handle (silicon).
 */
struct snpu_devmem {
	void *vaddr;
	u64 iova;
	size_t size;
	struct drm_mm_node node;
	dma_addr_t dma;
};

/**
 * struct snpu_device - one snpu device
 * @drm: the DRM device; snpu_device is freed with it.
 * @regs: register file of silicon; NULL when emulated.
 * @emu: the emulated hardware; NULL on silicon.
 * @irq: interrupt line of silicon.
 * @fw_name: firmware file requested at probe.
 * @fw_blob: the requested image, held from load until boot.
 * @fw: the validated firmware: platform profile and cost table.
 * @fw_mem: the firmware image as the device reads it at boot.
 * @revision: SNPU_REG_REVISION at probe.
 * @va_lock: protects @va_mm.
 * @va_mm: allocator of the emulated device's address space.
 * @ring: the command ring.
 * @ring_lock: protects @ring_tail, @next_seqno and writes to the ring.
 * @ring_tail: next free ring entry.
 * @next_seqno: seqno of the last emitted command.
 * @done_seqno: last completed seqno, updated by the interrupt handler.
 * @done_wq: woken by every interrupt.
 * @fence_context: dma_fence context of the ring.
 * @fence_lock: protects @fence_list; the lock of every snpu_fence.
 * @fence_list: fences of commands on the hardware, in seqno order.
 * @sched: the job scheduler of the device's one hardware queue.
 * @idle_wq: woken when a file's last job is freed.
 * @irq_count: interrupts handled.
 * @fault_count: device faults seen.
 * @bo_count: live buffer objects.
 * @bo_bytes: bytes in live buffer objects.
 * @model_count: live models.
 * @jobs_live: jobs submitted and not yet freed.
 * @jobs_submitted: jobs put on the ring (re-runs after a reset count).
 * @jobs_completed: jobs the device completed.
 * @jobs_failed: jobs that finished with an error.
 * @jobs_timedout: jobs that missed their deadline.
 * @jobs_faulted: jobs the device faulted on.
 * @resets: device resets for recovery.
 * @busy_ns: time the device spent on commands (under @fence_lock).
 * @last_done_ns: when the last command completed (under @fence_lock);
 *	the ring runs in order, so a command's time on the device starts at
 *	the later of its submission and its predecessor's completion.
 * @perf_lock: protects @perf_base and @perf_zero.
 * @perf_base: performance counters of the device before its last reset.
 * @perf_zero: totals at the last COUNTERS_RESET (telemetry starts there).
 * @list: in the telemetry's device list.
 */
struct snpu_device {
	struct drm_device drm;

	void __iomem *regs;
	struct snpu_emu *emu;
	int irq;

	const char *fw_name;
	const struct firmware *fw_blob;
	struct snpu_fw_info fw;
	struct snpu_devmem fw_mem;
	u32 revision;

	struct mutex va_lock; /* protects va_mm */
	struct drm_mm va_mm;

	struct snpu_devmem ring;
	spinlock_t ring_lock; /* protects ring_tail, next_seqno, ring */
	u32 ring_tail;
	u32 next_seqno;
	u32 done_seqno;
	wait_queue_head_t done_wq;

	u64 fence_context;
	spinlock_t fence_lock; /* protects fence_list */
	struct list_head fence_list;

	struct drm_gpu_scheduler sched;
	wait_queue_head_t idle_wq;

	atomic64_t irq_count;
	atomic64_t fault_count;
	atomic_t bo_count;
	atomic64_t bo_bytes;
	atomic_t model_count;
	atomic_t jobs_live;
	atomic64_t jobs_submitted;
	atomic64_t jobs_completed;
	atomic64_t jobs_failed;
	atomic64_t jobs_timedout;
	atomic64_t jobs_faulted;
	atomic64_t resets;

	u64 busy_ns;
	u64 last_done_ns;
	spinlock_t perf_lock; /* protects perf_base, perf_zero */
	struct snpu_counters perf_base;
	struct snpu_counters perf_zero;
	struct list_head list;
};

static inline struct snpu_device *to_snpu_device(struct drm_device *drm)
{
	return container_of(drm, struct snpu_device, drm);
}

static inline bool snpu_is_emulated(struct snpu_device *sdev)
{
	return sdev->emu;
}

static inline u32 snpu_read(struct snpu_device *sdev, u32 reg)
{
	if (sdev->emu)
		return snpu_emu_read(sdev->emu, reg);
	return readl(sdev->regs + reg);
}

static inline void snpu_write(struct snpu_device *sdev, u32 reg, u32 val)
{
	if (sdev->emu)
		snpu_emu_write(sdev->emu, reg, val);
	else
		writel(val, sdev->regs + reg);
}

int snpu_device_init(struct snpu_device *sdev);
void snpu_device_fini(struct snpu_device *sdev);

int snpu_iova_map(struct snpu_device *sdev, void *vaddr, size_t size,
		  struct drm_mm_node *node);
void snpu_iova_unmap(struct snpu_device *sdev, struct drm_mm_node *node);

int snpu_devmem_alloc(struct snpu_device *sdev, struct snpu_devmem *mem,
		      size_t size);
void snpu_devmem_free(struct snpu_device *sdev, struct snpu_devmem *mem);

int snpu_ring_emit(struct snpu_device *sdev, u32 opcode, const u64 *args,
		   unsigned int nargs, struct snpu_fence *fence, u32 *seqno);
int snpu_device_recover(struct snpu_device *sdev);
void snpu_device_perf(struct snpu_device *sdev, struct snpu_counters *c);
u64 snpu_device_busy_ns(struct snpu_device *sdev);
void snpu_device_telemetry_reset(struct snpu_device *sdev);
int snpu_ring_wait(struct snpu_device *sdev, u32 seqno, unsigned int ms);

#endif /* __SNPU_DEVICE_H__ */
