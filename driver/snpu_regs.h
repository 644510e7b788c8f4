/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * snpu hardware interface: register file, command ring entries.
 *
 * Silicon and the emulated device (snpu_emu.c) implement the same
 * interface; the rest of the driver cannot tell them apart. All registers
 * are 32 bits wide; 64-bit device addresses are split into _LO/_HI pairs.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __SNPU_REGS_H__
#define __SNPU_REGS_H__

#include <linux/bits.h>
#include <linux/types.h>

#define SNPU_REG_ID			0x000	/* RO: DRM_SNPU_DEVICE_ID */
#define SNPU_REG_REVISION		0x004	/* RO: major << 16 | minor */
#define SNPU_REG_STATUS			0x008	/* RO */
#define   SNPU_STATUS_READY		BIT(0)	/* booted, consuming the ring */
#define   SNPU_STATUS_BUSY		BIT(1)	/* executing a command */
#define   SNPU_STATUS_FAULT		BIT(2)	/* see SNPU_REG_FAULT_CODE */
#define   SNPU_STATUS_IN_RESET		BIT(3)	/* reset in progress */
#define SNPU_REG_CONTROL		0x00c	/* WO: one command per write */
#define   SNPU_CONTROL_RESET		BIT(0)	/* stop, drop the ring, unboot */
#define   SNPU_CONTROL_BOOT		BIT(1)	/* load firmware at FW_BASE */
#define SNPU_REG_IRQ_STATUS		0x010	/* RW1C: pending interrupts */
#define SNPU_REG_IRQ_MASK		0x014	/* RW: enabled interrupts */
#define   SNPU_IRQ_CMD_DONE		BIT(0)	/* DONE_SEQNO advanced */
#define   SNPU_IRQ_FAULT		BIT(1)	/* STATUS.FAULT was set */
#define   SNPU_IRQ_BOOT_DONE		BIT(2)	/* boot finished (ok or fault) */
#define   SNPU_IRQ_RESET_DONE		BIT(3)	/* reset finished */
#define   SNPU_IRQ_ALL			GENMASK(3, 0)

#define SNPU_REG_FW_BASE_LO		0x020	/* RW: device address of image */
#define SNPU_REG_FW_BASE_HI		0x024
#define SNPU_REG_FW_SIZE		0x028	/* RW: bytes */

#define SNPU_REG_RING_BASE_LO		0x030	/* RW: device address of ring */
#define SNPU_REG_RING_BASE_HI		0x034
#define SNPU_REG_RING_ENTRIES		0x038	/* RW: power of two */
#define SNPU_REG_RING_HEAD		0x03c	/* RO: next entry to consume */
#define SNPU_REG_RING_TAIL		0x040	/* RW: doorbell, next free */
#define SNPU_REG_DONE_SEQNO		0x044	/* RO: last completed seqno */
#define SNPU_REG_FAULT_CODE		0x048	/* RO: SNPU_FAULT_* */
#define SNPU_REG_FAULT_INFO		0x04c	/* RO: fault detail */

#define SNPU_REG_FW_PLATFORM_ID		0x060	/* RO: booted platform id */
#define SNPU_REG_FW_VERSION		0x064	/* RO: booted image version */

/*
 * Performance counters: totals since reset of what the engine counted
 * for every completed command, 64 bit each (LO, then HI at +4), in the
 * order of struct snpu_counters; SNPU_PERF_COUNT of them.
 */
#define SNPU_REG_PERF_BASE		0x080
#define SNPU_REG_CYCLES_LO		0x080
#define SNPU_REG_CYCLES_HI		0x084
#define SNPU_REG_MACS_LO		0x088
#define SNPU_REG_MACS_SKIP_W_LO		0x090
#define SNPU_REG_MACS_SKIP_A_LO		0x098
#define SNPU_REG_BYTES_RD_LO		0x0a0
#define SNPU_REG_BYTES_WR_LO		0x0a8
#define SNPU_PERF_COUNT			6

#define SNPU_REG_SPACE			0x100	/* size of the register file */

/* SNPU_REG_FAULT_CODE values. */
#define SNPU_FAULT_NONE			0
#define SNPU_FAULT_BAD_FW		1	/* FAULT_INFO: parser error */
#define SNPU_FAULT_MMU			2	/* FAULT_INFO: low 32 address bits */
#define SNPU_FAULT_BAD_CMD		3	/* FAULT_INFO: ring index */
#define SNPU_FAULT_ENGINE		4	/* FAULT_INFO: engine error */

/* Revision this driver was written against. */
#define SNPU_REVISION_1_0		0x00010000

/* Command ring entry opcodes. */
#define SNPU_CMD_NOP			0
/*
 * Run a prepared model. Arguments (device addresses unless noted):
 *   args[0] prepared model      args[1] input samples
 *   args[2] output samples      args[3] scratch
 *   args[4] counters (struct drm_snpu_job_counters), 0 for none
 *   args[5] batch (low 32 bits), prepared model bytes (high 32 bits)
 *   args[6] scratch bytes
 * With SNPU_CMD_F_LAYER_COUNTERS in the opcode, args[4] is followed by
 * one struct drm_snpu_layer_counters per layer of the model.
 */
#define SNPU_CMD_RUN			1
#define SNPU_CMD_OP_MASK		0xffff
#define SNPU_CMD_F_LAYER_COUNTERS	BIT(16)

/**
 * struct snpu_cmd - one command ring entry, as the device reads it
 * @opcode: SNPU_CMD_*.
 * @seqno: written to SNPU_REG_DONE_SEQNO when the command completes.
 * @args: opcode-specific arguments (device addresses, sizes).
 */
struct snpu_cmd {
	__le32 opcode;
	__le32 seqno;
	__le64 args[7];
};

#define SNPU_CMD_SIZE			64

#endif /* __SNPU_REGS_H__ */
