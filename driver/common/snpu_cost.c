// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The cost model of snpu_cost.h, in u64 with ceiling divisions. The
 * caller's MAC count is not trusted: MACs * 256 saturates instead of
 * wrapping, so a huge layer costs "a lot", never "almost nothing".
 *
 * Copyright (c) 2026 The snpu authors
 */
#include "snpu_cost.h"
#include "snpu_fw_parse.h"
#include "snpu_model_parse.h"

/* ceil(n / d) for d >= 1, without overflow for any n. */
static u64 snpu_cost_div_ceil(u64 n, u64 d)
{
	return n / d + (n % d ? 1 : 0);
}

u64 snpu_cost_layer(const struct snpu_platform *plat,
		    const struct snpu_cost_work *work)
{
	const struct snpu_cost *c;
	u64 mac_rate, compute, memory, macs_q8;

	if (!plat || !work || work->op >= SNPU_OP_COUNT ||
	    work->encoding >= SNPU_ENC_COUNT)
		return 0;
	c = &plat->cost[work->op][work->encoding];
	if (!c->present || !plat->mac_units || !c->mac_eff_q8 ||
	    !plat->dram_bytes_per_cycle)
		return 0;

	mac_rate = (u64)plat->mac_units * c->mac_eff_q8;
	/* macs * 256 overflows only past 2^56 MACs: saturate. */
	if (work->macs > (~0ULL >> 8))
		macs_q8 = ~0ULL;
	else
		macs_q8 = work->macs << 8;
	compute = snpu_cost_div_ceil(macs_q8, mac_rate);
	memory = snpu_cost_div_ceil(work->bytes, plat->dram_bytes_per_cycle);

	return (u64)c->setup_cycles + work->outputs * c->row_cycles +
	       (compute > memory ? compute : memory);
}

u32 snpu_cost_tiles(const struct snpu_platform *plat,
		    const struct snpu_cost_shape *s)
{
	u64 act = (u64)s->in_bytes + s->in2_bytes + s->out_bytes;
	u64 room;

	if (act > plat->sram_bytes)
		return 0;
	room = plat->sram_bytes - act;
	if (!s->rows)
		return 1;
	if (snpu_cost_div_ceil(s->param_bytes, s->rows) > room)
		return 0;
	/* rows >= 1 fit, so room >= 1 and the tiles stay below 2^32. */
	return s->param_bytes ? (u32)snpu_cost_div_ceil(s->param_bytes, room) :
				1;
}

void snpu_cost_count(const struct snpu_platform *plat,
		     const struct snpu_cost_shape *s, u32 batch, u64 skip_act,
		     struct snpu_counters *c)
{
	u64 outs = (u64)s->out_bytes * batch;
	u64 in = (u64)s->in_bytes * batch;
	struct snpu_cost_work w = { .op = s->op, .encoding = SNPU_ENC_DENSE };
	u32 tiles = 1;

	memset(c, 0, sizeof(*c));
	c->bytes_written = outs;
	switch (s->op) {
	case SNPU_OP_FC:
	case SNPU_OP_CONV2D: {
		u64 pos = (u64)s->positions * batch;

		if (plat)
			tiles = snpu_cost_tiles(plat, s);
		c->macs = s->stored * pos - skip_act;
		c->macs_skipped_weight = (s->dense - s->stored) * pos;
		c->macs_skipped_act = skip_act;
		c->bytes_read = in * (tiles ? tiles : 1) + s->param_bytes;
		w.encoding = s->encoding;
		break;
	}
	case SNPU_OP_MAXPOOL:
	case SNPU_OP_AVGPOOL:
		c->macs = outs * s->window;
		c->bytes_read = in;
		break;
	case SNPU_OP_ADD:
		c->macs = outs;
		c->bytes_read = in + (u64)s->in2_bytes * batch;
		break;
	default:
		c->bytes_read = in;
		break;
	}
	w.outputs = outs;
	w.macs = c->macs;
	w.bytes = c->bytes_read + c->bytes_written;
	if (plat)
		c->cycles = snpu_cost_layer(plat, &w);
}

void snpu_cost_shape_of(const struct snpu_model_view *v, u32 i,
			struct snpu_cost_shape *s)
{
	const struct snpu_layer_view *l = &v->layers[i];
	const struct snpu_tensor_view *to = &v->tensors[l->output];

	memset(s, 0, sizeof(*s));
	s->op = l->op;
	s->encoding = snpu_model_op_has_weights(l->op) ? l->encoding :
			SNPU_ENC_DENSE;
	s->in_bytes = v->tensors[l->input].bytes;
	if (l->op == SNPU_OP_ADD)
		s->in2_bytes = v->tensors[l->input2].bytes;
	s->out_bytes = to->bytes;
	s->window = (u32)l->kernel_h * l->kernel_w;
	if (!snpu_model_op_has_weights(l->op))
		return;
	s->positions = l->op == SNPU_OP_FC ? 1 : to->h * to->w;
	s->rows = l->out_channels;
	s->dense = (u64)l->out_channels * l->k;
	s->stored = l->stored;
	s->param_bytes = (u64)l->weights_size + l->meta_size +
			 12 * (u64)l->out_channels;
}
