/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The names of the device vocabulary of snpu_defs.h: ops, encodings, N:M
 * patterns, block shapes and features, as firmware profiles spell them
 * and every tool prints them. One table each, for fwgen, the CLI and the
 * pruner alike.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_NAMES_H
#define SNPU_NAMES_H

#include "snpu_compat.h"
#include "snpu_defs.h"

/* Name @i of @names (@n entries), or NULL when it has none. */
static inline const char *snpu_name_of(const char *const *names, u32 n,
				       u32 i)
{
	return i < n ? names[i] : NULL;
}

static inline const char *snpu_op_name(u32 op)
{
	static const char *const names[SNPU_OP_COUNT] = {
		[SNPU_OP_FC] = "fc",
		[SNPU_OP_CONV2D] = "conv2d",
		[SNPU_OP_MAXPOOL] = "maxpool",
		[SNPU_OP_AVGPOOL] = "avgpool",
		[SNPU_OP_ADD] = "add",
		[SNPU_OP_RESHAPE] = "reshape",
	};

	return snpu_name_of(names, SNPU_OP_COUNT, op);
}

static inline const char *snpu_enc_name(u32 enc)
{
	static const char *const names[SNPU_ENC_COUNT] = {
		[SNPU_ENC_DENSE] = "dense",
		[SNPU_ENC_CSR] = "csr",
		[SNPU_ENC_NM] = "nm",
		[SNPU_ENC_BLOCK] = "block",
	};

	return snpu_name_of(names, SNPU_ENC_COUNT, enc);
}

static inline const char *snpu_nm_name(u32 variant)
{
	static const char *const names[SNPU_NM_COUNT] = {
		[SNPU_NM_2_4] = "2:4",
		[SNPU_NM_1_4] = "1:4",
		[SNPU_NM_2_8] = "2:8",
	};

	return snpu_name_of(names, SNPU_NM_COUNT, variant);
}

static inline const char *snpu_block_name(u32 variant)
{
	static const char *const names[SNPU_BLOCK_COUNT] = {
		[SNPU_BLOCK_1X4] = "1x4",
		[SNPU_BLOCK_4X4] = "4x4",
		[SNPU_BLOCK_1X16] = "1x16",
	};

	return snpu_name_of(names, SNPU_BLOCK_COUNT, variant);
}

/* By bit number of SNPU_FEAT_*. */
static inline const char *snpu_feature_name(u32 bit)
{
	static const char *const names[] = {
		"act_zero_skip",
	};

	return snpu_name_of(names, ARRAY_SIZE(names), bit);
}

/*
 * "dense", "csr", "nm 2:4", "block 4x4": an encoding with its variant,
 * the form reports print. Unknown values print as numbers.
 */
static inline const char *snpu_encoding_label(u32 enc, u32 variant,
					      char *buf, size_t n)
{
	const char *e = snpu_enc_name(enc), *v = NULL;

	if (enc == SNPU_ENC_NM)
		v = snpu_nm_name(variant);
	else if (enc == SNPU_ENC_BLOCK)
		v = snpu_block_name(variant);
	if (!e || ((enc == SNPU_ENC_NM || enc == SNPU_ENC_BLOCK) && !v))
		snprintf(buf, n, "enc %u.%u", enc % 100, variant % 100);
	else if (v)
		snprintf(buf, n, "%s %s", e, v);
	else
		snprintf(buf, n, "%s", e);
	return buf;
}

#endif /* SNPU_NAMES_H */
