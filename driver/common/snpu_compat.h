/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The one environment header of the pure code in driver/common/: parsers
 * and the engine compile unchanged into snpu.ko and into userspace tests,
 * fuzzers and tools. They may use only what is defined here: fixed-width
 * kernel types, bool, size_t, memcpy/memset/memcmp, and the helpers below.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_COMPAT_H
#define SNPU_COMPAT_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#endif /* __KERNEL__ */

/*
 * Little-endian loads from a byte buffer of any alignment. The formats are
 * little-endian on every host; reading byte by byte keeps the parsers free
 * of alignment and endianness assumptions.
 */
static inline u16 snpu_get_le16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static inline u32 snpu_get_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline u64 snpu_get_le64(const u8 *p)
{
	return (u64)snpu_get_le32(p) | (u64)snpu_get_le32(p + 4) << 32;
}

/* Little-endian stores, the writers' side of the loads above. */
static inline void snpu_put_le16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

static inline void snpu_put_le32(u8 *p, u32 v)
{
	snpu_put_le16(p, (u16)v);
	snpu_put_le16(p + 2, (u16)(v >> 16));
}

static inline void snpu_put_le64(u8 *p, u64 v)
{
	snpu_put_le32(p, (u32)v);
	snpu_put_le32(p + 4, (u32)(v >> 32));
}

/*
 * True when [off, off + len) lies inside a buffer of @size bytes, with no
 * overflow for any input.
 */
static inline bool snpu_range_ok(u64 off, u64 len, u64 size)
{
	return off <= size && len <= size - off;
}

#endif /* SNPU_COMPAT_H */
