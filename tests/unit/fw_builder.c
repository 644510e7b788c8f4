// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Test-side firmware image builder. See fw_builder.h.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <assert.h>
#include <string.h>

#include "fw_builder.h"
#include "snpu_crc32.h"

void fwb_put_le16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

void fwb_put_le32(u8 *p, u32 v)
{
	fwb_put_le16(p, (u16)v);
	fwb_put_le16(p + 2, (u16)(v >> 16));
}

void fwb_put_le64(u8 *p, u64 v)
{
	fwb_put_le32(p, (u32)v);
	fwb_put_le32(p + 4, (u32)(v >> 32));
}

void fwb_default_platform(struct snpu_platform *plat)
{
	unsigned int op, enc;

	memset(plat, 0, sizeof(*plat));
	strcpy(plat->name, FWB_NAME);
	plat->platform_id = 0x1234;
	plat->mac_units = 256;
	plat->clock_khz = 600000;
	plat->sram_bytes = 1u << 20;
	plat->dram_bytes = 5ull << 30;	/* needs the high word */
	plat->dram_bytes_per_cycle = 16;
	plat->ops = (1u << SNPU_OP_COUNT) - 1;
	plat->encodings = (1u << SNPU_ENC_COUNT) - 1;
	plat->nm_patterns = (1u << SNPU_NM_COUNT) - 1;
	plat->block_shapes = (1u << SNPU_BLOCK_COUNT) - 1;
	plat->features = SNPU_FEAT_ALL;
	plat->max_batch = 64;
	for (op = 0; op < SNPU_OP_COUNT; op++) {
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++) {
			if (op > SNPU_OP_CONV2D && enc != SNPU_ENC_DENSE)
				continue;
			plat->cost[op][enc].present = true;
			plat->cost[op][enc].setup_cycles = 100 + op * 10 + enc;
			plat->cost[op][enc].row_cycles = 1 + op + enc;
			plat->cost[op][enc].mac_eff_q8 = 250 - op * 10 - enc;
		}
	}
}

#define FWB_PUT_PROF(out, bits, field, v) \
	fwb_put_le##bits((out) + offsetof(struct snpu_fw_profile, field), (v))

void fwb_encode_profile(u8 *out, const struct snpu_platform *plat)
{
	memset(out, 0, sizeof(struct snpu_fw_profile));
	memcpy(out, plat->name, SNPU_FW_NAME_LEN);
	FWB_PUT_PROF(out, 32, platform_id, plat->platform_id);
	FWB_PUT_PROF(out, 32, mac_units, plat->mac_units);
	FWB_PUT_PROF(out, 32, clock_khz, plat->clock_khz);
	FWB_PUT_PROF(out, 32, sram_bytes, plat->sram_bytes);
	FWB_PUT_PROF(out, 64, dram_bytes, plat->dram_bytes);
	FWB_PUT_PROF(out, 32, dram_bytes_per_cycle,
		     plat->dram_bytes_per_cycle);
	FWB_PUT_PROF(out, 32, ops, plat->ops);
	FWB_PUT_PROF(out, 32, encodings, plat->encodings);
	FWB_PUT_PROF(out, 32, nm_patterns, plat->nm_patterns);
	FWB_PUT_PROF(out, 32, block_shapes, plat->block_shapes);
	FWB_PUT_PROF(out, 32, features, plat->features);
	FWB_PUT_PROF(out, 32, max_batch, plat->max_batch);
}

size_t fwb_encode_costs(u8 *out, const struct snpu_platform *plat)
{
	unsigned int op, enc;
	size_t n = 0;
	u8 *p;

	for (op = 0; op < SNPU_OP_COUNT; op++) {
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++) {
			const struct snpu_cost *c = &plat->cost[op][enc];

			if (!c->present)
				continue;
			p = out + n;
			fwb_put_le16(p + offsetof(struct snpu_fw_cost, op),
				     (u16)op);
			fwb_put_le16(p + offsetof(struct snpu_fw_cost,
						  encoding), (u16)enc);
			fwb_put_le32(p + offsetof(struct snpu_fw_cost,
						  setup_cycles),
				     c->setup_cycles);
			fwb_put_le32(p + offsetof(struct snpu_fw_cost,
						  row_cycles), c->row_cycles);
			fwb_put_le32(p + offsetof(struct snpu_fw_cost,
						  mac_eff_q8), c->mac_eff_q8);
			n += sizeof(struct snpu_fw_cost);
		}
	}
	return n;
}

static size_t fwb_align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

void fwb_fix_crc(u8 *buf, size_t size)
{
	fwb_put_le32(buf + offsetof(struct snpu_fw_header, crc32),
		     snpu_crc32(0, buf + SNPU_FW_CRC_START,
				size - SNPU_FW_CRC_START));
}

size_t fwb_build(u8 *buf, size_t cap, const struct fwb_layout *l)
{
	size_t table = fwb_align8(l->header_size);
	size_t pos = table + 16 * l->nsections;
	u8 *s;
	u32 i;

	assert(l->header_size >= sizeof(struct snpu_fw_header));
	assert(pos <= cap);
	memset(buf, 0, cap);
	memset(buf + sizeof(struct snpu_fw_header), 0xa5,
	       l->header_size - sizeof(struct snpu_fw_header));
	for (i = 0; i < l->nsections; i++) {
		pos = fwb_align8(pos);
		assert(pos + l->sec[i].size <= cap);
		s = buf + table + 16 * i;
		fwb_put_le32(s + offsetof(struct snpu_fw_section, type),
			     l->sec[i].type);
		fwb_put_le32(s + offsetof(struct snpu_fw_section, flags),
			     l->sec[i].flags);
		fwb_put_le32(s + offsetof(struct snpu_fw_section, offset),
			     (u32)pos);
		fwb_put_le32(s + offsetof(struct snpu_fw_section, size),
			     l->sec[i].size);
		memcpy(buf + pos, l->sec[i].data, l->sec[i].size);
		pos += l->sec[i].size;
	}
	pos = fwb_align8(pos);

	fwb_put_le32(buf + FWB_HDR(magic), SNPU_FW_MAGIC);
	fwb_put_le16(buf + FWB_HDR(format_major), SNPU_FW_FORMAT_MAJOR);
	fwb_put_le16(buf + FWB_HDR(format_minor), l->format_minor);
	fwb_put_le32(buf + FWB_HDR(image_size), (u32)pos);
	fwb_put_le32(buf + FWB_HDR(header_size), l->header_size);
	fwb_put_le32(buf + FWB_HDR(section_count), l->nsections);
	fwb_put_le32(buf + FWB_HDR(section_offset), (u32)table);
	fwb_put_le32(buf + FWB_HDR(fw_version), l->fw_version);
	fwb_fix_crc(buf, pos);
	return pos;
}

size_t fwb_default_image(u8 *buf, size_t cap)
{
	struct snpu_platform plat;
	u8 profile[sizeof(struct snpu_fw_profile)];
	u8 costs[16 * FWB_NCOSTS];
	struct fwb_layout l = {
		.header_size = sizeof(struct snpu_fw_header),
		.fw_version = SNPU_FW_VERSION(1, 2, 3),
		.nsections = 2,
	};
	size_t n, size;

	fwb_default_platform(&plat);
	fwb_encode_profile(profile, &plat);
	n = fwb_encode_costs(costs, &plat);
	assert(n == sizeof(costs));
	l.sec[0] = (struct fwb_section){ SNPU_FW_SECTION_PROFILE, 0,
					 profile, sizeof(profile) };
	l.sec[1] = (struct fwb_section){ SNPU_FW_SECTION_COST_TABLE, 0,
					 costs, (u32)n };
	size = fwb_build(buf, cap, &l);
	assert(size == FWB_DEFAULT_SIZE);
	return size;
}
