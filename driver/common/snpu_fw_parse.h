/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Validating parser for snpu firmware images (uapi/snpu_fw.h).
 *
 * A pure function over a byte buffer: it checks every offset, size, count
 * and value before use and never reads outside [image, image + size). The
 * same source runs in snpu.ko (request_firmware), in the emulated device's
 * boot ROM, in firmware_gen and in the userspace tests and fuzzers.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_FW_PARSE_H
#define SNPU_FW_PARSE_H

#include "snpu_compat.h"
#include "snpu_fw.h"

/**
 * struct snpu_cost - one cost table entry in host order
 * @present: the firmware has an entry for this (op, encoding) pair.
 * @setup_cycles: see &struct snpu_fw_cost.
 * @row_cycles: see &struct snpu_fw_cost.
 * @mac_eff_q8: see &struct snpu_fw_cost.
 */
struct snpu_cost {
	bool present;
	u32 setup_cycles;
	u32 row_cycles;
	u32 mac_eff_q8;
};

/**
 * struct snpu_platform - a validated platform profile in host order
 * @name: platform name, NUL-terminated.
 * @platform_id: numeric platform identifier.
 * @mac_units: MAC units.
 * @clock_khz: engine clock in kHz.
 * @sram_bytes: on-chip SRAM.
 * @dram_bytes: device-addressable memory.
 * @dram_bytes_per_cycle: DRAM bandwidth per engine cycle.
 * @ops: supported operations, mask of ``1 << SNPU_OP_*``.
 * @encodings: supported encodings, mask of ``1 << SNPU_ENC_*``.
 * @nm_patterns: supported N:M patterns, mask of ``1 << SNPU_NM_*``.
 * @block_shapes: supported block shapes, mask of ``1 << SNPU_BLOCK_*``.
 * @features: SNPU_FEAT_* bits.
 * @max_batch: largest batch of one job.
 * @cost: cost table indexed [op][encoding]; entries the platform does not
 *	support have present == false.
 *
 * The meaning of each field is that of &struct snpu_fw_profile.
 */
struct snpu_platform {
	char name[SNPU_FW_NAME_LEN];
	u32 platform_id;
	u32 mac_units;
	u32 clock_khz;
	u32 sram_bytes;
	u64 dram_bytes;
	u32 dram_bytes_per_cycle;
	u32 ops;
	u32 encodings;
	u32 nm_patterns;
	u32 block_shapes;
	u32 features;
	u32 max_batch;
	struct snpu_cost cost[SNPU_OP_COUNT][SNPU_ENC_COUNT];
};

/**
 * struct snpu_fw_info - what snpu_fw_parse() extracts from an image
 * @format_major: image format major version.
 * @format_minor: image format minor version.
 * @fw_version: image version, SNPU_FW_VERSION(major, minor, patch).
 * @image_size: bytes in the image.
 * @crc32: the verified CRC-32.
 * @platform: the platform profile and cost table.
 */
struct snpu_fw_info {
	u16 format_major;
	u16 format_minor;
	u32 fw_version;
	u32 image_size;
	u32 crc32;
	struct snpu_platform platform;
};

/*
 * Errors of snpu_fw_parse(), returned negated. Append only: tests and
 * messages refer to them.
 */
enum snpu_fw_error {
	SNPU_FW_OK = 0,
	SNPU_FW_E_TOO_SMALL,		/* smaller than the header */
	SNPU_FW_E_TOO_LARGE,		/* over SNPU_FW_MAX_IMAGE_SIZE */
	SNPU_FW_E_MAGIC,		/* not a snpu firmware image */
	SNPU_FW_E_FORMAT_MAJOR,		/* unsupported format major */
	SNPU_FW_E_SIZE_MISMATCH,	/* image_size != buffer size */
	SNPU_FW_E_CRC,			/* CRC-32 mismatch */
	SNPU_FW_E_HEADER_SIZE,		/* header_size out of range */
	SNPU_FW_E_HEADER_RESERVED,	/* flags or reserved nonzero */
	SNPU_FW_E_SECTION_COUNT,	/* zero or too many sections */
	SNPU_FW_E_SECTION_TABLE,	/* table misplaced or misaligned */
	SNPU_FW_E_SECTION_BOUNDS,	/* payload outside image/misaligned */
	SNPU_FW_E_SECTION_OVERLAP,	/* payloads overlap */
	SNPU_FW_E_SECTION_FLAGS,	/* unknown section flag */
	SNPU_FW_E_SECTION_UNKNOWN,	/* unknown required section type */
	SNPU_FW_E_SECTION_DUPLICATE,	/* a section type twice */
	SNPU_FW_E_NO_PROFILE,		/* profile section missing */
	SNPU_FW_E_NO_COST_TABLE,	/* cost table section missing */
	SNPU_FW_E_PROFILE_SIZE,		/* profile section too small */
	SNPU_FW_E_PROFILE_NAME,		/* bad platform name */
	SNPU_FW_E_PROFILE_VALUE,	/* a profile value out of range */
	SNPU_FW_E_PROFILE_RESERVED,	/* profile reserved field nonzero */
	SNPU_FW_E_COST_SIZE,		/* cost table size not n * 16 */
	SNPU_FW_E_COST_ENTRY,		/* bad or unsupported cost entry */
	SNPU_FW_E_COST_DUPLICATE,	/* (op, encoding) listed twice */
	SNPU_FW_E_COST_MISSING,		/* supported pair without entry */
	SNPU_FW_E_COUNT
};

/**
 * snpu_fw_parse() - validate a firmware image and extract its contents
 * @image: the image bytes; any alignment.
 * @size: bytes at @image.
 * @info: filled on success; unspecified on failure.
 *
 * Return: 0, or a negative &enum snpu_fw_error.
 */
int snpu_fw_parse(const void *image, size_t size, struct snpu_fw_info *info);

/**
 * snpu_fw_strerror() - a one-line description of a snpu_fw_parse() error
 * @err: 0 or a negative &enum snpu_fw_error.
 *
 * Return: a static string; "unknown error" for values out of range.
 */
const char *snpu_fw_strerror(int err);

#endif /* SNPU_FW_PARSE_H */
