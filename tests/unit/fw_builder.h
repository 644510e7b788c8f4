/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Test-side firmware image builder, independent of snpu-fwgen so that the
 * parser tests do not trust the code they would be checking against.
 *
 * The default image is laid out as:
 *
 *   0    header (48 bytes)
 *   48   section table: [0] profile, [1] cost table
 *   80   profile (96 bytes)
 *   176  cost table, FWB_NCOSTS entries of 16 bytes
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_FW_BUILDER_H
#define SNPU_FW_BUILDER_H

#include "snpu_fw_parse.h"

#define FWB_TABLE_OFF		48u
#define FWB_SEC_OFF(i)		(FWB_TABLE_OFF + 16u * (i))
#define FWB_PROFILE_OFF		80u
#define FWB_COST_OFF		176u
#define FWB_COST_ENTRY(i)	(FWB_COST_OFF + 16u * (i))
/* Default platform: 4 encodings for fc and conv2d, dense for 4 more ops. */
#define FWB_NCOSTS		12u
#define FWB_DEFAULT_SIZE	(FWB_COST_OFF + 16u * FWB_NCOSTS)
#define FWB_NAME		"test-plat_01"

/* Offsets of fields in the default image. */
#define FWB_HDR(field)		offsetof(struct snpu_fw_header, field)
#define FWB_SEC(i, field) \
	(FWB_SEC_OFF(i) + offsetof(struct snpu_fw_section, field))
#define FWB_PROF(field) \
	(FWB_PROFILE_OFF + offsetof(struct snpu_fw_profile, field))
#define FWB_COST(i, field) \
	(FWB_COST_ENTRY(i) + offsetof(struct snpu_fw_cost, field))

/**
 * struct fwb_section - one section for fwb_build()
 * @type: section type.
 * @flags: section flags.
 * @data: payload; @size bytes.
 * @size: payload bytes.
 */
struct fwb_section {
	u32 type;
	u32 flags;
	const void *data;
	u32 size;
};

/**
 * struct fwb_layout - an image to build
 * @format_minor: header format_minor.
 * @header_size: header bytes (>= 48); bytes past 48 are filled with 0xa5.
 * @fw_version: header fw_version.
 * @nsections: entries of @sec.
 * @sec: the sections; payloads follow the table in this order, 8-aligned.
 */
struct fwb_layout {
	u16 format_minor;
	u32 header_size;
	u32 fw_version;
	u32 nsections;
	struct fwb_section sec[SNPU_FW_MAX_SECTIONS];
};

void fwb_put_le16(u8 *p, u16 v);
void fwb_put_le32(u8 *p, u32 v);
void fwb_put_le64(u8 *p, u64 v);

/* The platform of the default image, with a full cost table. */
void fwb_default_platform(struct snpu_platform *plat);

/* Encodes a profile payload (96 bytes) from @plat. */
void fwb_encode_profile(u8 *out, const struct snpu_platform *plat);

/* Encodes the present cost entries of @plat; returns bytes written. */
size_t fwb_encode_costs(u8 *out, const struct snpu_platform *plat);

/* Lays out @l into @buf (of @cap bytes) with a valid CRC; returns size. */
size_t fwb_build(u8 *buf, size_t cap, const struct fwb_layout *l);

/* Builds the default image; returns FWB_DEFAULT_SIZE. */
size_t fwb_default_image(u8 *buf, size_t cap);

/* Recomputes the header CRC after a test patched the image. */
void fwb_fix_crc(u8 *buf, size_t size);

#endif /* SNPU_FW_BUILDER_H */
