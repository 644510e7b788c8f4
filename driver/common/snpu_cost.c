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
