/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * snpu-fwgen's core, separate from the CLI so that tests can drive it:
 * the text profile parser and the image writer. The text format is
 * described in docs/firmware-format.md.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_FWGEN_PROFILE_H
#define SNPU_FWGEN_PROFILE_H

#include "snpu_fw_parse.h"

/**
 * struct fwgen_profile - a parsed text profile
 * @plat: the platform and its cost table, as snpu_fw_parse() returns it.
 * @fw_version: SNPU_FW_VERSION(major, minor, patch) of the image.
 */
struct fwgen_profile {
	struct snpu_platform plat;
	u32 fw_version;
};

/**
 * struct fwgen_error - where and why a profile was rejected
 * @line: 1-based line of the problem; 0 when it concerns the whole file
 *	(a missing key, a missing cost line).
 * @msg: one line, without file name or line number.
 */
struct fwgen_error {
	unsigned int line;
	char msg[192];
};

/**
 * fwgen_profile_parse() - parse a text profile held in memory
 * @text: the profile text; need not be NUL-terminated.
 * @len: bytes at @text.
 * @prof: filled on success.
 * @err: filled on failure.
 *
 * Checks syntax, ranges and consistency (each supported (op, encoding)
 * pair has exactly one cost line, sub-masks match their encodings), so
 * that its messages point at the offending line.
 *
 * Return: 0 or -1.
 */
int fwgen_profile_parse(const char *text, size_t len,
			struct fwgen_profile *prof, struct fwgen_error *err);

/**
 * fwgen_image_build() - serialize a profile and validate the result
 * @prof: a profile from fwgen_profile_parse().
 * @image: on success, a malloc()ed image the caller frees.
 * @size: on success, bytes at *@image.
 * @err: filled on failure (line 0).
 *
 * The image is run through snpu_fw_parse() and only returned if it
 * passes and parses back to @prof.
 *
 * Return: 0 or -1.
 */
int fwgen_image_build(const struct fwgen_profile *prof, u8 **image,
		      size_t *size, struct fwgen_error *err);

/* Text names of the enum values, as the profile format spells them. */
const char *fwgen_op_name(unsigned int op);
const char *fwgen_enc_name(unsigned int enc);
const char *fwgen_nm_name(unsigned int nm);
const char *fwgen_block_name(unsigned int block);
const char *fwgen_feature_name(unsigned int bit);

#endif /* SNPU_FWGEN_PROFILE_H */
