// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Validating parser for snpu firmware images. See snpu_fw_parse.h and
 * docs/firmware-format.md for the rules, in the order they are checked.
 *
 * Every field is read with the byte loaders of snpu_compat.h at offsetof()
 * positions of the uapi structs: the buffer may have any alignment and is
 * never cast to a struct pointer. All offset arithmetic is done in u64 on
 * values that are at most 32 bits wide, so it cannot wrap.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include "snpu_crc32.h"
#include "snpu_fw_parse.h"

#define SNPU_FW_HEADER_SIZE	sizeof(struct snpu_fw_header)
#define SNPU_FW_SECTION_SIZE	sizeof(struct snpu_fw_section)
#define SNPU_FW_PROFILE_SIZE	sizeof(struct snpu_fw_profile)
#define SNPU_FW_COST_SIZE	sizeof(struct snpu_fw_cost)

#define SNPU_FW_OPS_ALL		((1u << SNPU_OP_COUNT) - 1)
#define SNPU_FW_ENCS_ALL	((1u << SNPU_ENC_COUNT) - 1)
#define SNPU_FW_NM_ALL		((1u << SNPU_NM_COUNT) - 1)
#define SNPU_FW_BLOCKS_ALL	((1u << SNPU_BLOCK_COUNT) - 1)

/* Loaders for a field of a uapi struct that starts at @p. */
#define SNPU_FW_LE16(p, type, field) \
	snpu_get_le16((p) + offsetof(struct type, field))
#define SNPU_FW_LE32(p, type, field) \
	snpu_get_le32((p) + offsetof(struct type, field))
#define SNPU_FW_LE64(p, type, field) \
	snpu_get_le64((p) + offsetof(struct type, field))

/* A byte range [start, end) of the image that a payload may not touch. */
struct snpu_fw_range {
	u64 start;
	u64 end;
};

static const char * const snpu_fw_errors[SNPU_FW_E_COUNT] = {
	[SNPU_FW_OK] = "success",
	[SNPU_FW_E_TOO_SMALL] =
		"image too small: shorter than the 48-byte header",
	[SNPU_FW_E_TOO_LARGE] =
		"image too large: over the 1 MiB firmware image limit",
	[SNPU_FW_E_MAGIC] = "bad magic: not a snpu firmware image",
	[SNPU_FW_E_FORMAT_MAJOR] =
		"unsupported format major version: image needs another driver",
	[SNPU_FW_E_SIZE_MISMATCH] =
		"header image_size differs from the file size: image truncated or padded",
	[SNPU_FW_E_CRC] = "CRC-32 mismatch: image is corrupt",
	[SNPU_FW_E_HEADER_SIZE] =
		"header_size out of range: below 48 or past the end of the image",
	[SNPU_FW_E_HEADER_RESERVED] =
		"header flags or reserved fields are nonzero",
	[SNPU_FW_E_SECTION_COUNT] = "section count is zero or above 16",
	[SNPU_FW_E_SECTION_TABLE] =
		"section table misaligned, inside the header or past the end of the image",
	[SNPU_FW_E_SECTION_BOUNDS] =
		"section payload misaligned or past the end of the image",
	[SNPU_FW_E_SECTION_OVERLAP] =
		"section payload overlaps the header, the section table or another payload",
	[SNPU_FW_E_SECTION_FLAGS] = "section has unknown flag bits",
	[SNPU_FW_E_SECTION_UNKNOWN] =
		"unknown section type not marked optional: image needs a newer driver",
	[SNPU_FW_E_SECTION_DUPLICATE] = "section type appears twice",
	[SNPU_FW_E_NO_PROFILE] = "platform profile section missing",
	[SNPU_FW_E_NO_COST_TABLE] = "cost table section missing",
	[SNPU_FW_E_PROFILE_SIZE] =
		"platform profile section smaller than 96 bytes",
	[SNPU_FW_E_PROFILE_NAME] =
		"bad platform name: need 1 to 31 of [a-z0-9_-], NUL-terminated and zero-padded",
	[SNPU_FW_E_PROFILE_VALUE] =
		"platform profile value out of range or unknown capability bit",
	[SNPU_FW_E_PROFILE_RESERVED] =
		"platform profile reserved fields are nonzero",
	[SNPU_FW_E_COST_SIZE] =
		"cost table size is zero or not a multiple of 16 bytes",
	[SNPU_FW_E_COST_ENTRY] =
		"cost entry has an unknown or unsupported (op, encoding) or efficiency outside 1..256",
	[SNPU_FW_E_COST_DUPLICATE] = "cost table lists an (op, encoding) twice",
	[SNPU_FW_E_COST_MISSING] =
		"cost table lacks an entry for a supported (op, encoding)",
};

const char *snpu_fw_strerror(int err)
{
	if (err > 0 || err <= -SNPU_FW_E_COUNT)
		return "unknown error";
	return snpu_fw_errors[-err];
}

/* Ops that stream weights and so exist in every supported encoding. */
static bool snpu_fw_op_has_weights(u32 op)
{
	return op == SNPU_OP_FC || op == SNPU_OP_CONV2D;
}

static bool snpu_fw_overlaps(u64 start, u64 end, const struct snpu_fw_range *r)
{
	return start < r->end && r->start < end;
}

static bool snpu_fw_zero(const u8 *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

static bool snpu_fw_name_char_ok(u8 c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static int snpu_fw_parse_name(const u8 *name, char *out)
{
	size_t len = 0;
	size_t i;

	while (len < SNPU_FW_NAME_LEN && name[len])
		len++;
	if (len == 0 || len == SNPU_FW_NAME_LEN)
		return -SNPU_FW_E_PROFILE_NAME;
	for (i = 0; i < len; i++)
		if (!snpu_fw_name_char_ok(name[i]))
			return -SNPU_FW_E_PROFILE_NAME;
	for (i = len; i < SNPU_FW_NAME_LEN; i++)
		if (name[i])
			return -SNPU_FW_E_PROFILE_NAME;
	memcpy(out, name, SNPU_FW_NAME_LEN);
	return 0;
}

/* A mask of a sub-capability must be set exactly when its encoding is. */
static bool snpu_fw_submask_ok(u32 mask, u32 all, bool enabled)
{
	if (mask & ~all)
		return false;
	return enabled ? mask != 0 : mask == 0;
}

static int snpu_fw_parse_profile(const u8 *p, u64 size,
				 struct snpu_platform *plat)
{
	int ret;

	/* A newer minor may append fields: ignore bytes past ours. */
	if (size < SNPU_FW_PROFILE_SIZE)
		return -SNPU_FW_E_PROFILE_SIZE;

	ret = snpu_fw_parse_name(p + offsetof(struct snpu_fw_profile, name),
				 plat->name);
	if (ret)
		return ret;

	plat->platform_id = SNPU_FW_LE32(p, snpu_fw_profile, platform_id);
	plat->mac_units = SNPU_FW_LE32(p, snpu_fw_profile, mac_units);
	plat->clock_khz = SNPU_FW_LE32(p, snpu_fw_profile, clock_khz);
	plat->sram_bytes = SNPU_FW_LE32(p, snpu_fw_profile, sram_bytes);
	plat->dram_bytes = SNPU_FW_LE64(p, snpu_fw_profile, dram_bytes);
	plat->dram_bytes_per_cycle =
		SNPU_FW_LE32(p, snpu_fw_profile, dram_bytes_per_cycle);
	plat->ops = SNPU_FW_LE32(p, snpu_fw_profile, ops);
	plat->encodings = SNPU_FW_LE32(p, snpu_fw_profile, encodings);
	plat->nm_patterns = SNPU_FW_LE32(p, snpu_fw_profile, nm_patterns);
	plat->block_shapes = SNPU_FW_LE32(p, snpu_fw_profile, block_shapes);
	plat->features = SNPU_FW_LE32(p, snpu_fw_profile, features);
	plat->max_batch = SNPU_FW_LE32(p, snpu_fw_profile, max_batch);

	if (!plat->platform_id || !plat->mac_units || !plat->clock_khz ||
	    !plat->sram_bytes || !plat->dram_bytes ||
	    !plat->dram_bytes_per_cycle || !plat->max_batch)
		return -SNPU_FW_E_PROFILE_VALUE;
	if ((plat->ops & ~SNPU_FW_OPS_ALL) ||
	    !(plat->ops & (1u << SNPU_OP_FC)))
		return -SNPU_FW_E_PROFILE_VALUE;
	if ((plat->encodings & ~SNPU_FW_ENCS_ALL) ||
	    !(plat->encodings & (1u << SNPU_ENC_DENSE)))
		return -SNPU_FW_E_PROFILE_VALUE;
	if (!snpu_fw_submask_ok(plat->nm_patterns, SNPU_FW_NM_ALL,
				plat->encodings & (1u << SNPU_ENC_NM)))
		return -SNPU_FW_E_PROFILE_VALUE;
	if (!snpu_fw_submask_ok(plat->block_shapes, SNPU_FW_BLOCKS_ALL,
				plat->encodings & (1u << SNPU_ENC_BLOCK)))
		return -SNPU_FW_E_PROFILE_VALUE;
	if (plat->features & ~SNPU_FEAT_ALL)
		return -SNPU_FW_E_PROFILE_VALUE;

	if (!snpu_fw_zero(p + offsetof(struct snpu_fw_profile, reserved),
			  SNPU_FW_PROFILE_SIZE -
			  offsetof(struct snpu_fw_profile, reserved)))
		return -SNPU_FW_E_PROFILE_RESERVED;
	return 0;
}

/* Whether the profile supports (op, enc) and the pair makes sense. */
static bool snpu_fw_pair_supported(const struct snpu_platform *plat,
				   u32 op, u32 enc)
{
	if (op >= SNPU_OP_COUNT || enc >= SNPU_ENC_COUNT)
		return false;
	if (!(plat->ops & (1u << op)) || !(plat->encodings & (1u << enc)))
		return false;
	return snpu_fw_op_has_weights(op) || enc == SNPU_ENC_DENSE;
}

static int snpu_fw_parse_costs(const u8 *p, u64 size,
			       struct snpu_platform *plat)
{
	struct snpu_cost *cost;
	u64 off;
	u32 op, enc, eff;

	if (size == 0 || size % SNPU_FW_COST_SIZE)
		return -SNPU_FW_E_COST_SIZE;

	for (off = 0; off < size; off += SNPU_FW_COST_SIZE) {
		op = SNPU_FW_LE16(p + off, snpu_fw_cost, op);
		enc = SNPU_FW_LE16(p + off, snpu_fw_cost, encoding);
		eff = SNPU_FW_LE32(p + off, snpu_fw_cost, mac_eff_q8);

		if (!snpu_fw_pair_supported(plat, op, enc) ||
		    eff < 1 || eff > 256)
			return -SNPU_FW_E_COST_ENTRY;
		cost = &plat->cost[op][enc];
		if (cost->present)
			return -SNPU_FW_E_COST_DUPLICATE;
		cost->present = true;
		cost->setup_cycles =
			SNPU_FW_LE32(p + off, snpu_fw_cost, setup_cycles);
		cost->row_cycles =
			SNPU_FW_LE32(p + off, snpu_fw_cost, row_cycles);
		cost->mac_eff_q8 = eff;
	}

	for (op = 0; op < SNPU_OP_COUNT; op++)
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++)
			if (snpu_fw_pair_supported(plat, op, enc) &&
			    !plat->cost[op][enc].present)
				return -SNPU_FW_E_COST_MISSING;
	return 0;
}

/*
 * Checks one section table entry: flags, bounds, overlap with the header,
 * the table and the payloads before it. @ranges holds the header, the
 * table and then every earlier payload; this payload is appended.
 */
static int snpu_fw_check_section(const u8 *s, u64 size,
				 struct snpu_fw_range *ranges, u32 nranges)
{
	u32 flags = SNPU_FW_LE32(s, snpu_fw_section, flags);
	u64 off = SNPU_FW_LE32(s, snpu_fw_section, offset);
	u64 len = SNPU_FW_LE32(s, snpu_fw_section, size);
	u32 i;

	if (flags & ~SNPU_FW_SECTION_FLAGS_ALL)
		return -SNPU_FW_E_SECTION_FLAGS;
	if (off % 8 || !snpu_range_ok(off, len, size))
		return -SNPU_FW_E_SECTION_BOUNDS;
	for (i = 0; i < nranges; i++)
		if (snpu_fw_overlaps(off, off + len, &ranges[i]))
			return -SNPU_FW_E_SECTION_OVERLAP;
	ranges[nranges].start = off;
	ranges[nranges].end = off + len;
	return 0;
}

int snpu_fw_parse(const void *image, size_t size, struct snpu_fw_info *info)
{
	/* Header, section table, then one range per payload. */
	struct snpu_fw_range ranges[2 + SNPU_FW_MAX_SECTIONS];
	const u8 *img = image;
	const u8 *profile = NULL;
	const u8 *costs = NULL;
	u64 profile_size = 0;
	u64 costs_size = 0;
	u32 header_size, count, table, i;
	const u8 *s;
	u32 type, flags;
	int ret;

	memset(info, 0, sizeof(*info));

	if (size < SNPU_FW_HEADER_SIZE)
		return -SNPU_FW_E_TOO_SMALL;
	if (size > SNPU_FW_MAX_IMAGE_SIZE)
		return -SNPU_FW_E_TOO_LARGE;
	if (SNPU_FW_LE32(img, snpu_fw_header, magic) != SNPU_FW_MAGIC)
		return -SNPU_FW_E_MAGIC;

	info->format_major = SNPU_FW_LE16(img, snpu_fw_header, format_major);
	info->format_minor = SNPU_FW_LE16(img, snpu_fw_header, format_minor);
	if (info->format_major != SNPU_FW_FORMAT_MAJOR)
		return -SNPU_FW_E_FORMAT_MAJOR;

	info->image_size = SNPU_FW_LE32(img, snpu_fw_header, image_size);
	if (info->image_size != size)
		return -SNPU_FW_E_SIZE_MISMATCH;

	info->crc32 = SNPU_FW_LE32(img, snpu_fw_header, crc32);
	if (snpu_crc32(0, img + SNPU_FW_CRC_START, size - SNPU_FW_CRC_START) !=
	    info->crc32)
		return -SNPU_FW_E_CRC;

	header_size = SNPU_FW_LE32(img, snpu_fw_header, header_size);
	if (header_size < SNPU_FW_HEADER_SIZE || header_size > size)
		return -SNPU_FW_E_HEADER_SIZE;

	/* flags and reserved[] are the tail of the header. */
	if (!snpu_fw_zero(img + offsetof(struct snpu_fw_header, flags),
			  SNPU_FW_HEADER_SIZE -
			  offsetof(struct snpu_fw_header, flags)))
		return -SNPU_FW_E_HEADER_RESERVED;
	info->fw_version = SNPU_FW_LE32(img, snpu_fw_header, fw_version);

	count = SNPU_FW_LE32(img, snpu_fw_header, section_count);
	if (count < 1 || count > SNPU_FW_MAX_SECTIONS)
		return -SNPU_FW_E_SECTION_COUNT;

	table = SNPU_FW_LE32(img, snpu_fw_header, section_offset);
	if (table % 8 || table < header_size ||
	    !snpu_range_ok(table, (u64)count * SNPU_FW_SECTION_SIZE, size))
		return -SNPU_FW_E_SECTION_TABLE;

	ranges[0].start = 0;
	ranges[0].end = header_size;
	ranges[1].start = table;
	ranges[1].end = (u64)table + (u64)count * SNPU_FW_SECTION_SIZE;

	for (i = 0; i < count; i++) {
		s = img + table + (size_t)i * SNPU_FW_SECTION_SIZE;
		ret = snpu_fw_check_section(s, size, ranges, 2 + i);
		if (ret)
			return ret;

		type = SNPU_FW_LE32(s, snpu_fw_section, type);
		flags = SNPU_FW_LE32(s, snpu_fw_section, flags);
		switch (type) {
		case SNPU_FW_SECTION_PROFILE:
			if (profile)
				return -SNPU_FW_E_SECTION_DUPLICATE;
			profile = img + ranges[2 + i].start;
			profile_size = ranges[2 + i].end - ranges[2 + i].start;
			break;
		case SNPU_FW_SECTION_COST_TABLE:
			if (costs)
				return -SNPU_FW_E_SECTION_DUPLICATE;
			costs = img + ranges[2 + i].start;
			costs_size = ranges[2 + i].end - ranges[2 + i].start;
			break;
		default:
			/* Added by a newer minor; only optional ones skip. */
			if (!(flags & SNPU_FW_SECTION_OPTIONAL))
				return -SNPU_FW_E_SECTION_UNKNOWN;
			break;
		}
	}
	if (!profile)
		return -SNPU_FW_E_NO_PROFILE;
	if (!costs)
		return -SNPU_FW_E_NO_COST_TABLE;

	ret = snpu_fw_parse_profile(profile, profile_size, &info->platform);
	if (ret)
		return ret;
	return snpu_fw_parse_costs(costs, costs_size, &info->platform);
}
