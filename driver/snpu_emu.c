// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulated snpu hardware.
 *
 * The model follows what the driver may assume of silicon and no more:
 * registers are read and written one at a time, CONTROL commands and the
 * ring are processed asynchronously (the driver polls STATUS or waits for
 * an interrupt), the device reaches memory only through its MMU, and an
 * interrupt stays asserted while (IRQ_STATUS & IRQ_MASK) is nonzero.
 *
 * Copyright (c) 2026 The snpu authors
 */

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/irq_work.h>
#include <linux/log2.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "snpu_accel.h"
#include "snpu_emu.h"
#include "snpu_engine.h"
#include "snpu_fw_parse.h"
#include "snpu_regs.h"

#define SNPU_EMU_MAX_RING_ENTRIES	4096

/* Work the command processor has been asked to do (snpu_emu.pending). */
#define SNPU_EMU_DO_RESET		BIT(0)
#define SNPU_EMU_DO_BOOT		BIT(1)

/* One mapping of the device MMU: [iova, iova + size) -> vaddr. */
struct snpu_emu_window {
	struct rb_node node;
	u64 iova;
	u64 size;
	void *vaddr;
};

struct snpu_emu {
	struct device *dev;

	/*
	 * Protects regs and pending. Taken from the interrupt handler
	 * (hard irq context), so always with interrupts disabled.
	 */
	spinlock_t lock;
	u32 regs[SNPU_REG_SPACE / 4];
	unsigned long pending;

	/* The command processor: ordered, so one command at a time. */
	struct workqueue_struct *wq;
	struct work_struct work;

	struct irq_work irq_work;
	void (*irq_handler)(void *data);
	void *irq_data;

	/* Protects windows, an rbtree of snpu_emu_window by iova. */
	spinlock_t mmu_lock;
	struct rb_root windows;

	/* Test hook: the next RUN command hangs until a reset. */
	atomic_t hang_next;

	/* The booted firmware, as the device's own copy. */
	struct snpu_fw_info fw;
	/* Performance counters, mirrored into SNPU_REG_PERF_BASE. */
	struct snpu_counters perf;
};

static inline u32 *snpu_emu_reg(struct snpu_emu *emu, u32 reg)
{
	return &emu->regs[reg / 4];
}

/* Raise interrupt bits; the line fires while status & mask is nonzero. */
static void snpu_emu_raise_locked(struct snpu_emu *emu, u32 bits)
{
	lockdep_assert_held(&emu->lock);

	*snpu_emu_reg(emu, SNPU_REG_IRQ_STATUS) |= bits;
	if (*snpu_emu_reg(emu, SNPU_REG_IRQ_STATUS) &
	    *snpu_emu_reg(emu, SNPU_REG_IRQ_MASK))
		irq_work_queue(&emu->irq_work);
}

static void snpu_emu_fault_locked(struct snpu_emu *emu, u32 code, u32 info)
{
	lockdep_assert_held(&emu->lock);

	*snpu_emu_reg(emu, SNPU_REG_STATUS) &= ~(SNPU_STATUS_READY |
						 SNPU_STATUS_BUSY);
	*snpu_emu_reg(emu, SNPU_REG_STATUS) |= SNPU_STATUS_FAULT;
	*snpu_emu_reg(emu, SNPU_REG_FAULT_CODE) = code;
	*snpu_emu_reg(emu, SNPU_REG_FAULT_INFO) = info;
	snpu_emu_raise_locked(emu, SNPU_IRQ_FAULT);
}

static void snpu_emu_irq_work(struct irq_work *work)
{
	struct snpu_emu *emu = container_of(work, struct snpu_emu, irq_work);

	if (emu->irq_handler)
		emu->irq_handler(emu->irq_data);
}

/*
 * Translate a device address range to a kernel pointer. The range must lie
 * in one window: the driver maps every object the device uses as one
 * contiguous window.
 */
static void *snpu_emu_translate(struct snpu_emu *emu, u64 iova, u64 len)
{
	struct rb_node *n;
	void *vaddr = NULL;

	spin_lock(&emu->mmu_lock);
	n = emu->windows.rb_node;
	while (n) {
		struct snpu_emu_window *w =
			rb_entry(n, struct snpu_emu_window, node);

		if (iova < w->iova) {
			n = n->rb_left;
		} else if (iova - w->iova >= w->size) {
			n = n->rb_right;
		} else {
			if (snpu_range_ok(iova - w->iova, len, w->size))
				vaddr = w->vaddr + (iova - w->iova);
			break;
		}
	}
	spin_unlock(&emu->mmu_lock);

	return vaddr;
}

/**
 * snpu_emu_mmu_map() - map [iova, iova + size) of the device to vaddr
 * @emu: the device.
 * @iova: device address; the range must not overlap another mapping.
 * @vaddr: kernel address of @size bytes that stay valid while mapped.
 * @size: bytes.
 *
 * Return: 0, -EINVAL for an empty, wrapping or overlapping range, -ENOMEM.
 */
int snpu_emu_mmu_map(struct snpu_emu *emu, u64 iova, void *vaddr, u64 size)
{
	struct rb_node **link = &emu->windows.rb_node, *parent = NULL;
	struct snpu_emu_window *w;

	if (!size || iova + size < iova)
		return -EINVAL;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->iova = iova;
	w->size = size;
	w->vaddr = vaddr;

	spin_lock(&emu->mmu_lock);
	while (*link) {
		struct snpu_emu_window *e =
			rb_entry(*link, struct snpu_emu_window, node);

		parent = *link;
		if (iova + size <= e->iova) {
			link = &parent->rb_left;
		} else if (iova >= e->iova + e->size) {
			link = &parent->rb_right;
		} else {
			spin_unlock(&emu->mmu_lock);
			kfree(w);
			return -EINVAL;
		}
	}
	rb_link_node(&w->node, parent, link);
	rb_insert_color(&w->node, &emu->windows);
	spin_unlock(&emu->mmu_lock);

	return 0;
}

void snpu_emu_mmu_unmap(struct snpu_emu *emu, u64 iova)
{
	struct snpu_emu_window *w = NULL;
	struct rb_node *n;

	spin_lock(&emu->mmu_lock);
	for (n = emu->windows.rb_node; n;) {
		struct snpu_emu_window *e =
			rb_entry(n, struct snpu_emu_window, node);

		if (iova < e->iova) {
			n = n->rb_left;
		} else if (iova > e->iova) {
			n = n->rb_right;
		} else {
			rb_erase(&e->node, &emu->windows);
			w = e;
			break;
		}
	}
	spin_unlock(&emu->mmu_lock);

	WARN_ON_ONCE(!w);
	kfree(w);
}

void snpu_emu_inject_hang(struct snpu_emu *emu)
{
	atomic_set(&emu->hang_next, 1);
}

static void snpu_emu_do_reset(struct snpu_emu *emu)
{
	spin_lock_irq(&emu->lock);
	memset(emu->regs, 0, sizeof(emu->regs));
	*snpu_emu_reg(emu, SNPU_REG_ID) = DRM_SNPU_DEVICE_ID;
	*snpu_emu_reg(emu, SNPU_REG_REVISION) = SNPU_REVISION_1_0;
	memset(&emu->perf, 0, sizeof(emu->perf));
	spin_unlock_irq(&emu->lock);
}

/* The boot ROM: validate the image at FW_BASE and adopt its platform. */
static void snpu_emu_do_boot(struct snpu_emu *emu)
{
	u64 base;
	u32 size;
	void *image;
	int ret;

	spin_lock_irq(&emu->lock);
	base = (u64)*snpu_emu_reg(emu, SNPU_REG_FW_BASE_HI) << 32 |
	       *snpu_emu_reg(emu, SNPU_REG_FW_BASE_LO);
	size = *snpu_emu_reg(emu, SNPU_REG_FW_SIZE);
	spin_unlock_irq(&emu->lock);

	image = snpu_emu_translate(emu, base, size);
	ret = image ? snpu_fw_parse(image, size, &emu->fw) : 0;

	spin_lock_irq(&emu->lock);
	if (!image) {
		snpu_emu_fault_locked(emu, SNPU_FAULT_MMU, lower_32_bits(base));
	} else if (ret) {
		snpu_emu_fault_locked(emu, SNPU_FAULT_BAD_FW, -ret);
	} else {
		*snpu_emu_reg(emu, SNPU_REG_FW_PLATFORM_ID) =
			emu->fw.platform.platform_id;
		*snpu_emu_reg(emu, SNPU_REG_FW_VERSION) = emu->fw.fw_version;
		*snpu_emu_reg(emu, SNPU_REG_STATUS) |= SNPU_STATUS_READY;
	}
	snpu_emu_raise_locked(emu, SNPU_IRQ_BOOT_DONE);
	spin_unlock_irq(&emu->lock);
}

/*
 * Fetch the next command, or return false when the ring is empty, the
 * device is not ready, or a reset is pending. Faults on a bad ring.
 */
static bool snpu_emu_fetch(struct snpu_emu *emu, struct snpu_cmd *cmd,
			   u32 *head)
{
	u32 entries, tail;
	u64 base;
	void *src;

	spin_lock_irq(&emu->lock);
	if (!(*snpu_emu_reg(emu, SNPU_REG_STATUS) & SNPU_STATUS_READY) ||
	    emu->pending & SNPU_EMU_DO_RESET)
		goto idle;

	*head = *snpu_emu_reg(emu, SNPU_REG_RING_HEAD);
	tail = *snpu_emu_reg(emu, SNPU_REG_RING_TAIL);
	entries = *snpu_emu_reg(emu, SNPU_REG_RING_ENTRIES);
	base = (u64)*snpu_emu_reg(emu, SNPU_REG_RING_BASE_HI) << 32 |
	       *snpu_emu_reg(emu, SNPU_REG_RING_BASE_LO);
	if (*head == tail)
		goto idle;
	if (entries < 2 || entries > SNPU_EMU_MAX_RING_ENTRIES ||
	    !is_power_of_2(entries) || tail >= entries) {
		snpu_emu_fault_locked(emu, SNPU_FAULT_BAD_CMD, tail);
		goto idle;
	}
	*snpu_emu_reg(emu, SNPU_REG_STATUS) |= SNPU_STATUS_BUSY;
	spin_unlock_irq(&emu->lock);

	src = snpu_emu_translate(emu, base + (u64)*head * SNPU_CMD_SIZE,
				 SNPU_CMD_SIZE);
	if (src) {
		memcpy(cmd, src, sizeof(*cmd));
		return true;
	}

	spin_lock_irq(&emu->lock);
	snpu_emu_fault_locked(emu, SNPU_FAULT_MMU, lower_32_bits(base));
idle:
	*snpu_emu_reg(emu, SNPU_REG_STATUS) &= ~SNPU_STATUS_BUSY;
	spin_unlock_irq(&emu->lock);
	return false;
}

static bool snpu_emu_reset_pending(struct snpu_emu *emu)
{
	unsigned long flags;
	bool pending;

	spin_lock_irqsave(&emu->lock, flags);
	pending = emu->pending & SNPU_EMU_DO_RESET;
	spin_unlock_irqrestore(&emu->lock, flags);

	return pending;
}

/*
 * The engine calls this between units of work: keep the system
 * responsive, and stop when the driver resets the device.
 */
static int snpu_emu_yield(void *data)
{
	struct snpu_emu *emu = data;

	cond_resched();
	return snpu_emu_reset_pending(emu);
}

/*
 * Execute SNPU_CMD_RUN. Returns 0, 1 when a reset stopped it (nothing is
 * completed), or a negative SNPU_FAULT_* code.
 */
static int snpu_emu_run(struct snpu_emu *emu, const struct snpu_cmd *cmd,
			bool layer_counters)
{
	u64 model_iova = le64_to_cpu(cmd->args[0]);
	u64 counters_iova = le64_to_cpu(cmd->args[4]);
	u32 batch = lower_32_bits(le64_to_cpu(cmd->args[5]));
	u32 model_size = upper_32_bits(le64_to_cpu(cmd->args[5]));
	u64 scratch_size = le64_to_cpu(cmd->args[6]);
	struct drm_snpu_job_counters *out_counters = NULL;
	struct snpu_counters counters;
	struct snpu_engine_ctx ctx = {
		.plat = &emu->fw.platform,
		.yield = snpu_emu_yield,
		.yield_data = emu,
		.counters = &counters,
	};
	void *model, *in, *out, *scratch;
	int ret;

	model = snpu_emu_translate(emu, model_iova, model_size);
	if (!model || !batch)
		return -SNPU_FAULT_MMU;
	if (snpu_engine_model_size(model) > model_size)
		return -SNPU_FAULT_ENGINE;

	in = snpu_emu_translate(emu, le64_to_cpu(cmd->args[1]),
				(u64)batch * snpu_engine_input_bytes(model));
	out = snpu_emu_translate(emu, le64_to_cpu(cmd->args[2]),
				 (u64)batch * snpu_engine_output_bytes(model));
	scratch = snpu_emu_translate(emu, le64_to_cpu(cmd->args[3]),
				     scratch_size);
	/* The engine writes the per-layer entries in place. */
	BUILD_BUG_ON(sizeof(struct snpu_counters) !=
		     sizeof(struct drm_snpu_layer_counters));
	BUILD_BUG_ON(offsetof(struct snpu_counters, bytes_written) !=
		     offsetof(struct drm_snpu_layer_counters, bytes_written));
	if (counters_iova && layer_counters) {
		ctx.n_layers = snpu_engine_layer_count(model);
		out_counters = snpu_emu_translate(emu, counters_iova,
						  sizeof(*out_counters) +
						  (u64)ctx.n_layers *
						  sizeof(struct snpu_counters));
		if (out_counters)
			ctx.layers = (struct snpu_counters *)(out_counters + 1);
	} else if (counters_iova) {
		out_counters = snpu_emu_translate(emu, counters_iova,
						  sizeof(*out_counters));
	}
	if (!in || !out || (scratch_size && !scratch) ||
	    (counters_iova && !out_counters))
		return -SNPU_FAULT_MMU;

	/* Test hook: wedge, as a hung engine would, until the reset. */
	if (atomic_xchg(&emu->hang_next, 0)) {
		while (!snpu_emu_reset_pending(emu))
			usleep_range(2000, 5000);
		return 1;
	}

	ret = snpu_engine_run(model, in, out, batch, scratch, scratch_size,
			      &ctx);
	if (ret == -SNPU_ENGINE_E_ABORTED)
		return 1;
	if (ret)
		return -SNPU_FAULT_ENGINE;

	spin_lock_irq(&emu->lock);
	snpu_counters_add(&emu->perf, &counters);
	spin_unlock_irq(&emu->lock);
	if (out_counters) {
		out_counters->cycles = counters.cycles;
		out_counters->macs = counters.macs;
		out_counters->macs_skipped_weight = counters.macs_skipped_weight;
		out_counters->macs_skipped_act = counters.macs_skipped_act;
		out_counters->bytes_read = counters.bytes_read;
		out_counters->bytes_written = counters.bytes_written;
		out_counters->status = 0;
		out_counters->pad = 0;
	}
	return 0;
}

/* Publish the performance counters in the register file. */
static void snpu_emu_perf_regs_locked(struct snpu_emu *emu)
{
	const u64 v[SNPU_PERF_COUNT] = {
		emu->perf.cycles, emu->perf.macs,
		emu->perf.macs_skipped_weight, emu->perf.macs_skipped_act,
		emu->perf.bytes_read, emu->perf.bytes_written,
	};
	unsigned int i;

	for (i = 0; i < SNPU_PERF_COUNT; i++) {
		*snpu_emu_reg(emu, SNPU_REG_PERF_BASE + 8 * i) =
			lower_32_bits(v[i]);
		*snpu_emu_reg(emu, SNPU_REG_PERF_BASE + 8 * i + 4) =
			upper_32_bits(v[i]);
	}
}

static void snpu_emu_complete(struct snpu_emu *emu, u32 head, u32 seqno)
{
	spin_lock_irq(&emu->lock);
	*snpu_emu_reg(emu, SNPU_REG_RING_HEAD) =
		(head + 1) & (*snpu_emu_reg(emu, SNPU_REG_RING_ENTRIES) - 1);
	*snpu_emu_reg(emu, SNPU_REG_DONE_SEQNO) = seqno;
	snpu_emu_perf_regs_locked(emu);
	snpu_emu_raise_locked(emu, SNPU_IRQ_CMD_DONE);
	spin_unlock_irq(&emu->lock);
}

static void snpu_emu_run_ring(struct snpu_emu *emu)
{
	struct snpu_cmd cmd;
	u32 head, opcode;
	int ret;

	while (snpu_emu_fetch(emu, &cmd, &head)) {
		opcode = le32_to_cpu(cmd.opcode);
		switch (opcode & SNPU_CMD_OP_MASK) {
		case SNPU_CMD_NOP:
			spin_lock_irq(&emu->lock);
			emu->perf.cycles += 1;
			spin_unlock_irq(&emu->lock);
			ret = 0;
			break;
		case SNPU_CMD_RUN:
			ret = snpu_emu_run(emu, &cmd,
					   opcode & SNPU_CMD_F_LAYER_COUNTERS);
			break;
		default:
			ret = -SNPU_FAULT_BAD_CMD;
			break;
		}
		if (ret > 0)
			return;		/* stopped by a reset */
		if (ret < 0) {
			spin_lock_irq(&emu->lock);
			snpu_emu_fault_locked(emu, -ret, head);
			spin_unlock_irq(&emu->lock);
			return;
		}
		snpu_emu_complete(emu, head, le32_to_cpu(cmd.seqno));
		cond_resched();
	}
}

static void snpu_emu_work(struct work_struct *work)
{
	struct snpu_emu *emu = container_of(work, struct snpu_emu, work);
	unsigned long ops;

	spin_lock_irq(&emu->lock);
	ops = emu->pending;
	emu->pending = 0;
	spin_unlock_irq(&emu->lock);

	if (ops & SNPU_EMU_DO_RESET)
		snpu_emu_do_reset(emu);
	if (ops & SNPU_EMU_DO_BOOT)
		snpu_emu_do_boot(emu);
	snpu_emu_run_ring(emu);
}

u32 snpu_emu_read(struct snpu_emu *emu, u32 reg)
{
	unsigned long flags;
	u32 val;

	if (WARN_ON_ONCE(reg >= SNPU_REG_SPACE || reg % 4))
		return ~0u;

	spin_lock_irqsave(&emu->lock, flags);
	val = *snpu_emu_reg(emu, reg);
	spin_unlock_irqrestore(&emu->lock, flags);

	return val;
}

void snpu_emu_write(struct snpu_emu *emu, u32 reg, u32 val)
{
	unsigned long flags;
	u32 *r;

	if (WARN_ON_ONCE(reg >= SNPU_REG_SPACE || reg % 4))
		return;

	spin_lock_irqsave(&emu->lock, flags);
	r = snpu_emu_reg(emu, reg);
	switch (reg) {
	case SNPU_REG_CONTROL:
		if (val & SNPU_CONTROL_RESET) {
			*snpu_emu_reg(emu, SNPU_REG_STATUS) =
				SNPU_STATUS_IN_RESET;
			emu->pending |= SNPU_EMU_DO_RESET;
		}
		if (val & SNPU_CONTROL_BOOT)
			emu->pending |= SNPU_EMU_DO_BOOT;
		queue_work(emu->wq, &emu->work);
		break;
	case SNPU_REG_IRQ_STATUS:
		*r &= ~val;
		snpu_emu_raise_locked(emu, 0);
		break;
	case SNPU_REG_IRQ_MASK:
		*r = val & SNPU_IRQ_ALL;
		snpu_emu_raise_locked(emu, 0);
		break;
	case SNPU_REG_RING_TAIL:
		*r = val;
		queue_work(emu->wq, &emu->work);
		break;
	case SNPU_REG_FW_BASE_LO:
	case SNPU_REG_FW_BASE_HI:
	case SNPU_REG_FW_SIZE:
	case SNPU_REG_RING_BASE_LO:
	case SNPU_REG_RING_BASE_HI:
	case SNPU_REG_RING_ENTRIES:
		*r = val;
		break;
	default:
		/* Read-only or unassigned: writes are ignored, as on silicon. */
		break;
	}
	spin_unlock_irqrestore(&emu->lock, flags);
}

void snpu_emu_set_irq_handler(struct snpu_emu *emu,
			      void (*handler)(void *data), void *data)
{
	/* The line is masked until the driver writes IRQ_MASK. */
	emu->irq_data = data;
	WRITE_ONCE(emu->irq_handler, handler);
}

struct snpu_emu *snpu_emu_create(struct device *dev)
{
	struct snpu_emu *emu;

	emu = kzalloc(sizeof(*emu), GFP_KERNEL);
	if (!emu)
		return ERR_PTR(-ENOMEM);

	emu->wq = alloc_ordered_workqueue("snpu-emu/%s", 0, dev_name(dev));
	if (!emu->wq) {
		kfree(emu);
		return ERR_PTR(-ENOMEM);
	}

	emu->dev = dev;
	spin_lock_init(&emu->lock);
	spin_lock_init(&emu->mmu_lock);
	emu->windows = RB_ROOT;
	INIT_WORK(&emu->work, snpu_emu_work);
	init_irq_work(&emu->irq_work, snpu_emu_irq_work);

	/* Power-on state: as after a reset. */
	snpu_emu_do_reset(emu);

	return emu;
}

void snpu_emu_destroy(struct snpu_emu *emu)
{
	unsigned long flags;

	spin_lock_irqsave(&emu->lock, flags);
	*snpu_emu_reg(emu, SNPU_REG_IRQ_MASK) = 0;
	*snpu_emu_reg(emu, SNPU_REG_STATUS) &= ~SNPU_STATUS_READY;
	spin_unlock_irqrestore(&emu->lock, flags);

	destroy_workqueue(emu->wq);
	irq_work_sync(&emu->irq_work);
	/* The driver unmaps everything it mapped before destroying. */
	WARN_ON(!RB_EMPTY_ROOT(&emu->windows));
	kfree(emu);
}
