/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated snpu hardware: the register file of snpu_regs.h backed by
 * memory, a command processor consuming the ring from a workqueue, a
 * device MMU translating device addresses, and an interrupt line raised
 * through irq_work (hard interrupt context, as a real IRQ).
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __SNPU_EMU_H__
#define __SNPU_EMU_H__

#include <linux/types.h>

struct device;
struct snpu_emu;

struct snpu_emu *snpu_emu_create(struct device *dev);
void snpu_emu_destroy(struct snpu_emu *emu);

u32 snpu_emu_read(struct snpu_emu *emu, u32 reg);
void snpu_emu_write(struct snpu_emu *emu, u32 reg, u32 val);

void snpu_emu_set_irq_handler(struct snpu_emu *emu,
			      void (*handler)(void *data), void *data);

int snpu_emu_mmu_map(struct snpu_emu *emu, u64 iova, void *vaddr, u64 size);
void snpu_emu_mmu_unmap(struct snpu_emu *emu, u64 iova);

void snpu_emu_inject_hang(struct snpu_emu *emu);

#endif /* __SNPU_EMU_H__ */
