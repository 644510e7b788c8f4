/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The one cost model: cycles a layer takes on a platform. The emulated
 * device counts with it (through the engine) and the pruner plans with it,
 * so predicted and measured cycles agree by construction, except where
 * the device skips zero activations it could not know in advance.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_COST_H
#define SNPU_COST_H

#include "snpu_compat.h"

struct snpu_platform;

/**
 * struct snpu_cost_work - what one layer did (or will do) for a batch
 * @op: &enum snpu_op.
 * @encoding: &enum snpu_encoding (SNPU_ENC_DENSE for ops without weights).
 * @outputs: output values produced, all samples (out_h * out_w *
 *	channels * batch); each costs row_cycles (pointer fetch,
 *	requantization).
 * @macs: MACs executed.
 * @bytes: bytes moved between DRAM and the engine (read + written).
 */
struct snpu_cost_work {
	u32 op;
	u32 encoding;
	u64 outputs;
	u64 macs;
	u64 bytes;
};

/**
 * snpu_cost_layer() - cycles of one layer
 * @plat: the platform; its cost entry for (op, encoding) must be present.
 * @work: the work.
 *
 * cycles = setup + outputs * row_cycles
 *        + max(ceil(macs * 256 / (mac_units * mac_eff_q8)),
 *              ceil(bytes / dram_bytes_per_cycle))
 *
 * Return: cycles; 0 when the platform has no entry for the pair.
 */
u64 snpu_cost_layer(const struct snpu_platform *plat,
		    const struct snpu_cost_work *work);

#endif /* SNPU_COST_H */
