/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * snpu firmware image format.
 *
 * A firmware image tells the device which edge platform it is: its
 * resources (MAC units, SRAM, DRAM bandwidth, clock), what the engine
 * supports (ops, weight encodings, N:M patterns, block shapes, activation
 * zero-skipping) and the cost table the device counts cycles with. The
 * pruner reads the same profile to plan for the platform.
 *
 * Layout (all integers little-endian, all structs naturally aligned, no
 * implicit padding)::
 *
 *   offset 0                  struct snpu_fw_header
 *   header.section_offset     struct snpu_fw_section[header.section_count]
 *   section[i].offset         section payload, 8-byte aligned
 *
 * The CRC-32 (IEEE 802.3, as zlib's crc32()) covers bytes [16, image_size):
 * everything after the crc32 field. Sections may not overlap the header,
 * the section table or each other. See docs/firmware-format.md.
 *
 * Compatibility: a reader accepts any image with its own format_major and
 * any format_minor. A newer minor may append fields to a struct (the
 * section or header grows; readers ignore the tail) and may add section
 * types flagged %SNPU_FW_SECTION_OPTIONAL. Anything else needs a new major.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __UAPI_SNPU_FW_H__
#define __UAPI_SNPU_FW_H__

#include <linux/const.h>
#include <linux/types.h>

#include "snpu_defs.h"

/* "SNFW" in file byte order. */
#define SNPU_FW_MAGIC			0x57464e53u
#define SNPU_FW_FORMAT_MAJOR		1
#define SNPU_FW_FORMAT_MINOR		0

/* Bytes [0, SNPU_FW_CRC_START) are not covered by the CRC. */
#define SNPU_FW_CRC_START		16
#define SNPU_FW_MAX_SECTIONS		16
#define SNPU_FW_MAX_IMAGE_SIZE		_BITUL(20)
#define SNPU_FW_NAME_LEN		32

/* Packs a firmware version as stored in &snpu_fw_header.fw_version. */
#define SNPU_FW_VERSION(major, minor, patch) \
	(((major) & 0xffffu) << 16 | ((minor) & 0xffu) << 8 | ((patch) & 0xffu))

/**
 * struct snpu_fw_header - firmware image header (48 bytes)
 * @magic: %SNPU_FW_MAGIC.
 * @format_major: image format major version, %SNPU_FW_FORMAT_MAJOR.
 * @format_minor: image format minor version.
 * @image_size: size of the whole image in bytes; equals the file size.
 * @crc32: CRC-32 of bytes [%SNPU_FW_CRC_START, @image_size).
 * @header_size: size of this header in bytes, at least 48.
 * @section_count: number of section table entries, 1 to
 *	%SNPU_FW_MAX_SECTIONS.
 * @section_offset: offset of the section table, 8-byte aligned, at or
 *	after @header_size.
 * @fw_version: version of this image, SNPU_FW_VERSION(major, minor, patch).
 * @flags: must be zero.
 * @reserved: must be zero.
 */
struct snpu_fw_header {
	__le32 magic;
	__le16 format_major;
	__le16 format_minor;
	__le32 image_size;
	__le32 crc32;
	__le32 header_size;
	__le32 section_count;
	__le32 section_offset;
	__le32 fw_version;
	__le32 flags;
	__le32 reserved[3];
};

/**
 * enum snpu_fw_section_type - section payload types
 * @SNPU_FW_SECTION_PROFILE: one &struct snpu_fw_profile. Required, once.
 * @SNPU_FW_SECTION_COST_TABLE: an array of &struct snpu_fw_cost. Required,
 *	once; must hold one entry for every supported (op, encoding) pair.
 */
enum snpu_fw_section_type {
	SNPU_FW_SECTION_PROFILE = 1,
	SNPU_FW_SECTION_COST_TABLE = 2,
};

/* Section flag: a reader that does not know the type may skip it. */
#define SNPU_FW_SECTION_OPTIONAL	_BITUL(0)
#define SNPU_FW_SECTION_FLAGS_ALL	(SNPU_FW_SECTION_OPTIONAL)

/**
 * struct snpu_fw_section - section table entry (16 bytes)
 * @type: &enum snpu_fw_section_type.
 * @flags: %SNPU_FW_SECTION_* flags.
 * @offset: offset of the payload from the start of the image, 8-byte
 *	aligned.
 * @size: size of the payload in bytes.
 */
struct snpu_fw_section {
	__le32 type;
	__le32 flags;
	__le32 offset;
	__le32 size;
};

/**
 * struct snpu_fw_profile - platform profile section (96 bytes)
 * @name: platform name, NUL-terminated, of [a-z0-9_-], 1 to 31 characters.
 * @platform_id: numeric platform identifier, nonzero.
 * @mac_units: int8 multiply-accumulate units working in parallel, >= 1.
 * @clock_khz: engine clock in kHz, >= 1.
 * @sram_bytes: on-chip SRAM; a layer's working set must fit (or be tiled).
 * @dram_bytes: device-addressable memory; no buffer may be larger.
 * @dram_bytes_per_cycle: DRAM bandwidth in bytes per engine cycle, >= 1.
 * @ops: supported operations, mask of ``1 << SNPU_OP_*``; must include
 *	%SNPU_OP_FC.
 * @encodings: supported weight encodings, mask of ``1 << SNPU_ENC_*``;
 *	must include %SNPU_ENC_DENSE.
 * @nm_patterns: supported N:M patterns, mask of ``1 << SNPU_NM_*``;
 *	nonzero exactly when @encodings has %SNPU_ENC_NM.
 * @block_shapes: supported block shapes, mask of ``1 << SNPU_BLOCK_*``;
 *	nonzero exactly when @encodings has %SNPU_ENC_BLOCK.
 * @features: %SNPU_FEAT_* bits.
 * @max_batch: largest batch one job may carry, >= 1.
 * @reserved: must be zero.
 */
struct snpu_fw_profile {
	char name[SNPU_FW_NAME_LEN];
	__le32 platform_id;
	__le32 mac_units;
	__le32 clock_khz;
	__le32 sram_bytes;
	__le64 dram_bytes;
	__le32 dram_bytes_per_cycle;
	__le32 ops;
	__le32 encodings;
	__le32 nm_patterns;
	__le32 block_shapes;
	__le32 features;
	__le32 max_batch;
	__le32 reserved[3];
};

/**
 * struct snpu_fw_cost - one cost table entry (16 bytes)
 * @op: &enum snpu_op.
 * @encoding: &enum snpu_encoding of the weights; %SNPU_ENC_DENSE for ops
 *	without weights.
 * @setup_cycles: fixed cycles to launch one layer of this kind.
 * @row_cycles: extra cycles per output row (pointer fetch, requantization).
 * @mac_eff_q8: sustained MACs per MAC unit per cycle, in 1/256 units
 *	(256 is the peak of one MAC per unit per cycle); 1 to 256.
 */
struct snpu_fw_cost {
	__le16 op;
	__le16 encoding;
	__le32 setup_cycles;
	__le32 row_cycles;
	__le32 mac_eff_q8;
};

#endif /* __UAPI_SNPU_FW_H__ */
