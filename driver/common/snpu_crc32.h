/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xedb88320) with the semantics of
 * zlib's crc32(): start with 0, feed the previous result to continue.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_CRC32_H
#define SNPU_CRC32_H

#include "snpu_compat.h"

/**
 * snpu_crc32() - update a CRC-32 with more bytes
 * @crc: the CRC of the bytes so far; 0 to start.
 * @buf: the next bytes; may be NULL when @len is 0.
 * @len: bytes at @buf.
 *
 * snpu_crc32(snpu_crc32(0, a, n), b, m) equals the CRC of a followed by b.
 *
 * Return: the updated CRC-32.
 */
u32 snpu_crc32(u32 crc, const void *buf, size_t len);

#endif /* SNPU_CRC32_H */
