// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer target for snpu_fw_parse().
 *
 * Each input is parsed twice: as is, which exercises the header checks,
 * and with image_size and the CRC patched to match, so that mutations get
 * past the CRC into the section table, profile and cost table rules. On
 * success the result must satisfy everything the parser promises.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_crc32.h"
#include "snpu_fw_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void snpu_fuzz_check(const struct snpu_fw_info *info, size_t size)
{
	const struct snpu_platform *p = &info->platform;
	size_t len = strnlen(p->name, SNPU_FW_NAME_LEN);
	unsigned int op, enc;

	if (len == 0 || len >= SNPU_FW_NAME_LEN)
		abort();
	if (info->image_size != size || info->format_major !=
	    SNPU_FW_FORMAT_MAJOR)
		abort();
	if (!p->platform_id || !p->mac_units || !p->clock_khz ||
	    !p->sram_bytes || !p->dram_bytes || !p->dram_bytes_per_cycle ||
	    !p->max_batch)
		abort();
	if (!(p->ops & (1u << SNPU_OP_FC)) ||
	    !(p->encodings & (1u << SNPU_ENC_DENSE)) ||
	    (p->ops >> SNPU_OP_COUNT) || (p->encodings >> SNPU_ENC_COUNT))
		abort();
	if (!(p->encodings & (1u << SNPU_ENC_NM)) != !p->nm_patterns)
		abort();
	if (!(p->encodings & (1u << SNPU_ENC_BLOCK)) != !p->block_shapes)
		abort();
	if (!p->cost[SNPU_OP_FC][SNPU_ENC_DENSE].present)
		abort();
	for (op = 0; op < SNPU_OP_COUNT; op++) {
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++) {
			const struct snpu_cost *c = &p->cost[op][enc];
			bool want = (p->ops & (1u << op)) &&
				    (p->encodings & (1u << enc)) &&
				    (op <= SNPU_OP_CONV2D ||
				     enc == SNPU_ENC_DENSE);

			if (c->present != want)
				abort();
			if (want && (c->mac_eff_q8 < 1 || c->mac_eff_q8 > 256))
				abort();
		}
	}
	/* Messages exist for every outcome. */
	if (!snpu_fw_strerror(0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snpu_fw_info info;
	uint8_t *copy;
	uint32_t v;
	int ret;

	ret = snpu_fw_parse(data, size, &info);
	if (ret > 0 || ret <= -SNPU_FW_E_COUNT)
		abort();
	if (!ret)
		snpu_fuzz_check(&info, size);

	if (size < sizeof(struct snpu_fw_header) ||
	    size > SNPU_FW_MAX_IMAGE_SIZE)
		return 0;
	/* An exact-size copy so that ASan sees reads past the end. */
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	v = (uint32_t)size;
	memcpy(copy + offsetof(struct snpu_fw_header, image_size), &v, 4);
	v = snpu_crc32(0, copy + SNPU_FW_CRC_START, size - SNPU_FW_CRC_START);
	memcpy(copy + offsetof(struct snpu_fw_header, crc32), &v, 4);
	ret = snpu_fw_parse(copy, size, &info);
	if (ret > 0 || ret <= -SNPU_FW_E_COUNT)
		abort();
	if (!ret)
		snpu_fuzz_check(&info, size);
	free(copy);
	return 0;
}
