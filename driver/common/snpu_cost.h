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
struct snpu_model_view;

/**
 * struct snpu_counters - what a layer or a run did, summed over the batch
 * @cycles: engine cycles, from the platform cost table.
 * @macs: multiply-accumulates executed.
 * @macs_skipped_weight: MACs not executed because the weight was pruned
 *	(a dense run of the same layers would have executed them).
 * @macs_skipped_act: MACs not executed because the activation was the
 *	zero point (only on platforms with SNPU_FEAT_ACT_ZERO_SKIP).
 * @bytes_read: bytes the device read: packed weights, metadata, bias and
 *	requantization once per run (per layer), every input activation
 *	once per weight tile.
 * @bytes_written: bytes of activations written.
 */
struct snpu_counters {
	u64 cycles;
	u64 macs;
	u64 macs_skipped_weight;
	u64 macs_skipped_act;
	u64 bytes_read;
	u64 bytes_written;
};

/* Add @c to @sum, field by field. */
static inline void snpu_counters_add(struct snpu_counters *sum,
				     const struct snpu_counters *c)
{
	sum->cycles += c->cycles;
	sum->macs += c->macs;
	sum->macs_skipped_weight += c->macs_skipped_weight;
	sum->macs_skipped_act += c->macs_skipped_act;
	sum->bytes_read += c->bytes_read;
	sum->bytes_written += c->bytes_written;
}

/**
 * struct snpu_cost_shape - what the cost model needs to know of a layer
 * @op: &enum snpu_op.
 * @encoding: &enum snpu_encoding (SNPU_ENC_DENSE for ops without weights).
 * @in_bytes: bytes of one sample of the input.
 * @in2_bytes: bytes of one sample of the second input (add), else 0.
 * @out_bytes: bytes of one sample of the output.
 * @positions: output positions per sample that each weight row is
 *	applied at: out_h * out_w for conv2d, 1 for FC; unused otherwise.
 * @window: pooling window (kh * kw); unused otherwise.
 * @rows: output channels, rows of the weight matrix (0 without weights).
 * @dense: weights of the dense matrix, all groups (rows * k).
 * @stored: weight entries the encoding stores and the engine executes
 *	at every position (zero fillers included, padding excluded).
 * @param_bytes: packed weight values and metadata plus 12 bytes per row
 *	(bias, multiplier, shift): what the layer streams from DRAM once.
 *
 * The engine fills one from its prepared model, snpu_cost_shape_of()
 * from a parsed model, the pruner from a candidate it has not packed:
 * all three count with snpu_cost_count().
 */
struct snpu_cost_shape {
	u32 op;
	u32 encoding;
	u32 in_bytes;
	u32 in2_bytes;
	u32 out_bytes;
	u32 positions;
	u32 window;
	u32 rows;
	u64 dense;
	u64 stored;
	u64 param_bytes;
};

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

/**
 * snpu_cost_tiles() - weight tiles a layer takes in the platform's SRAM
 * @plat: the platform.
 * @s: the layer.
 *
 * The device keeps one sample's activations on chip (input, second
 * input, output) and streams the weights through the rest of its SRAM.
 * When they do not fit at once it cuts them into tiles and streams every
 * sample's input once per tile:
 *
 *   room  = sram_bytes - (in_bytes + in2_bytes + out_bytes)
 *   tiles = ceil(param_bytes / room)           (1 without weights)
 *
 * A layer is refused when one sample's activations leave no room for
 * the parameters of one output row (ceil(param_bytes / rows) bytes), or,
 * without weights, do not fit at all.
 *
 * Return: the tiles (>= 1), or 0 when the layer does not fit.
 */
u32 snpu_cost_tiles(const struct snpu_platform *plat,
		    const struct snpu_cost_shape *s);

/**
 * snpu_cost_count() - counters of one layer for a batch
 * @plat: the platform, or NULL to count work without cycles or tiles.
 * @s: the layer.
 * @batch: samples.
 * @skip_act: MACs skipped for zero activations (the engine's count, or
 *	the pruner's expectation of it); 0 without %SNPU_FEAT_ACT_ZERO_SKIP.
 * @c: set to what the layer does: MACs, bytes (input once per tile of
 *	snpu_cost_tiles()), and cycles from snpu_cost_layer().
 */
void snpu_cost_count(const struct snpu_platform *plat,
		     const struct snpu_cost_shape *s, u32 batch, u64 skip_act,
		     struct snpu_counters *c);

/**
 * snpu_cost_shape_of() - the cost shape of a layer of a parsed model
 * @v: a model snpu_model_parse() accepted.
 * @i: layer index, below @v->n_layers.
 * @s: filled.
 */
void snpu_cost_shape_of(const struct snpu_model_view *v, u32 i,
			struct snpu_cost_shape *s);

#endif /* SNPU_COST_H */
