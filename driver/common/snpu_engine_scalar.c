// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Scalar microkernels of the engine: the reference forms every SIMD
 * kernel must match, and the only ones inside the kernel module.
 *
 * Accumulation is in u32, which wraps like the int32 accumulator of the
 * specification without relying on signed overflow.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include "snpu_engine_impl.h"

/* Four output rows (k bytes apart) against one input vector. */
void snpu_qs8_fc_dense_ukernel_1x4__scalar(u32 k, const s8 *x, const s8 *w,
					   s32 *acc)
{
	const s8 *w0 = w, *w1 = w + k, *w2 = w + 2 * (size_t)k;
	const s8 *w3 = w + 3 * (size_t)k;
	u32 a0 = 0, a1 = 0, a2 = 0, a3 = 0;
	u32 i;

	for (i = 0; i < k; i++) {
		s32 xv = x[i];

		a0 += (u32)(xv * w0[i]);
		a1 += (u32)(xv * w1[i]);
		a2 += (u32)(xv * w2[i]);
		a3 += (u32)(xv * w3[i]);
	}
	acc[0] = (s32)a0;
	acc[1] = (s32)a1;
	acc[2] = (s32)a2;
	acc[3] = (s32)a3;
}

s32 snpu_qs8_fc_dense_ukernel_1x1__scalar(u32 k, const s8 *x, const s8 *w)
{
	u32 a = 0;
	u32 i;

	for (i = 0; i < k; i++)
		a += (u32)(x[i] * w[i]);
	return (s32)a;
}

/* @rows CSR rows against one input vector; columns are absolute. */
void snpu_qs8_fc_csr_ukernel_1x1__scalar(u32 rows, const u32 *rowptr,
					 const u32 *col, const s8 *val,
					 const s8 *x, s32 *acc)
{
	u32 r, j;

	for (r = 0; r < rows; r++) {
		u32 end = rowptr[r + 1];
		u32 a0 = 0, a1 = 0;

		j = rowptr[r];
		for (; j + 2 <= end; j += 2) {
			a0 += (u32)(val[j] * x[col[j]]);
			a1 += (u32)(val[j + 1] * x[col[j + 1]]);
		}
		if (j < end)
			a0 += (u32)(val[j] * x[col[j]]);
		acc[r] = (s32)(a0 + a1);
	}
}

/* Stored entries whose activation is the zero point. */
u64 snpu_qs8_zero_count_ukernel__scalar(u32 k, const s8 *x, s8 zp,
					const u32 *colcnt)
{
	u64 n = 0;
	u32 i;

	for (i = 0; i < k; i++)
		if (x[i] == zp)
			n += colcnt[i];
	return n;
}
