// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * AVX2 microkernels of the engine, userspace builds only (the kernel
 * module runs the scalar kernels: no FPU state is touched there). Each
 * function carries target("avx2"), so the file builds without -mavx2; the
 * engine calls them only when the CPU has AVX2 (snpu_eng_use_avx2()).
 *
 * Every kernel is exact: int8 values are widened to int16 and multiplied
 * with vpmaddwd (int16 x int16 pairs summed into int32). vpmaddubsw is
 * avoided on purpose: its int16 pair sums saturate.
 *
 * Batch layout: a tile of up to 64 vectors is transposed into xt[k][bp]
 * int16 (bp = vectors rounded up to 16, padding zero), so one weight
 * multiplies 16 batch elements per register. Two weights of a row are
 * taken together: their two xt rows are interleaved (vpunpck{l,h}wd) and
 * multiplied by the broadcast weight pair, the AVX2 analogue of the
 * four-at-a-time vpdpbusd kernel of the design notes.
 *
 * Batch 1, N:M: the activations are shifted to u8 (x + 128) and picked
 * with vpshufb into zero-extended int16, the weights stored as int8 in
 * the high byte of an int16 (w * 256); the partial sums are multiples of
 * 256, shifted down exactly before they can overflow.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include "snpu_engine_impl.h"

#ifdef SNPU_ENG_X86_SIMD
#include <immintrin.h>

#define SNPU_AVX2 __attribute__((target("avx2")))
/* __always_inline: glibc's <sys/cdefs.h>, through <string.h>. */

/* a + dot pairs of x and the 16 int8 weights at w, widened. */
static SNPU_AVX2 __always_inline __m256i snpu_avx2_madd_s8(__m256i a,
							     __m256i x,
							     const s8 *w)
{
	__m128i w8 = _mm_loadu_si128((const __m128i *)w);

	return _mm256_add_epi32(a, _mm256_madd_epi16(x,
						     _mm256_cvtepi8_epi16(w8)));
}

SNPU_AVX2 void snpu_qs8_widen_ukernel__avx2(u32 n, const s8 *x, s16 *y)
{
	u32 i = 0;

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(x + i));

		_mm256_storeu_si256((__m256i *)(y + i), _mm256_cvtepi8_epi16(v));
	}
	for (; i < n; i++)
		y[i] = x[i];
}

static SNPU_AVX2 inline s32 snpu_avx2_hsum(__m256i v)
{
	__m128i s = _mm_add_epi32(_mm256_castsi256_si128(v),
				  _mm256_extracti128_si256(v, 1));

	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
	return _mm_cvtsi128_si32(s);
}

/* Four dense rows (k apart) against one int16-widened vector. */
SNPU_AVX2 void snpu_qs8_fc_dense_ukernel_1x4__avx2(u32 k, const s16 *x,
						   const s8 *w, s32 *acc)
{
	const s8 *w0 = w, *w1 = w + k, *w2 = w + 2 * (size_t)k;
	const s8 *w3 = w + 3 * (size_t)k;
	__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
	u32 t0, t1, t2, t3;
	u32 i = 0;

	for (; i + 16 <= k; i += 16) {
		__m256i xv = _mm256_loadu_si256((const __m256i *)(x + i));

		a0 = snpu_avx2_madd_s8(a0, xv, w0 + i);
		a1 = snpu_avx2_madd_s8(a1, xv, w1 + i);
		a2 = snpu_avx2_madd_s8(a2, xv, w2 + i);
		a3 = snpu_avx2_madd_s8(a3, xv, w3 + i);
	}
	t0 = (u32)snpu_avx2_hsum(a0);
	t1 = (u32)snpu_avx2_hsum(a1);
	t2 = (u32)snpu_avx2_hsum(a2);
	t3 = (u32)snpu_avx2_hsum(a3);
	for (; i < k; i++) {
		t0 += (u32)(x[i] * w0[i]);
		t1 += (u32)(x[i] * w1[i]);
		t2 += (u32)(x[i] * w2[i]);
		t3 += (u32)(x[i] * w3[i]);
	}
	acc[0] = (s32)t0;
	acc[1] = (s32)t1;
	acc[2] = (s32)t2;
	acc[3] = (s32)t3;
}

/*
 * Batch 1, sparse: @slices slices of SNPU_ENG_SELL_C rows in the
 * sliced-ELLPACK form (snpu_engine_impl.h). Each step gathers the eight
 * rows' activations as int32 from the int16 vector (scale 2: the low half
 * is x[col], the high half the next column) and multiplies by the entry,
 * whose high half is 0: vpmaddwd then gives exactly x[col] * w. @x holds
 * k + 1 values.
 */
SNPU_AVX2 void snpu_qs8_fc_sell_ukernel_8x1__avx2(u32 slices,
						  const u32 *step_ptr,
						  const u32 *steps,
						  const s16 *x, s32 *acc)
{
	const __m256i zero = _mm256_setzero_si256();
	const int *xb = (const int *)x;
	u32 s;

	for (s = 0; s < slices; s++) {
		const u32 *e = steps + (size_t)step_ptr[s] * SNPU_ENG_SELL_C;
		const u32 *end = steps + (size_t)step_ptr[s + 1] * SNPU_ENG_SELL_C;
		__m256i a0 = zero, a1 = zero;

		for (; e + 2 * SNPU_ENG_SELL_C <= end; e += 2 * SNPU_ENG_SELL_C) {
			__m256i e0 = _mm256_loadu_si256((const __m256i *)e);
			__m256i e1 = _mm256_loadu_si256((const __m256i *)(e + 8));
			__m256i g0 = _mm256_i32gather_epi32(xb, _mm256_srli_epi32(e0, 16), 2);
			__m256i g1 = _mm256_i32gather_epi32(xb, _mm256_srli_epi32(e1, 16), 2);

			e0 = _mm256_blend_epi16(e0, zero, 0xaa);
			e1 = _mm256_blend_epi16(e1, zero, 0xaa);
			a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(g0, e0));
			a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(g1, e1));
		}
		if (e < end) {
			__m256i e0 = _mm256_loadu_si256((const __m256i *)e);
			__m256i g0 = _mm256_i32gather_epi32(xb, _mm256_srli_epi32(e0, 16), 2);

			e0 = _mm256_blend_epi16(e0, zero, 0xaa);
			a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(g0, e0));
		}
		_mm256_storeu_si256((__m256i *)(acc + (size_t)s * SNPU_ENG_SELL_C),
				    _mm256_add_epi32(a0, a1));
	}
}

/*
 * y[i] = x[i] + 128 as u8 (x ^ 0x80) for i < @n, then 128 (x = 0) up to
 * @npad: the N:M kernel's input, whole windows long.
 */
SNPU_AVX2 void snpu_qs8_qu8_convert_ukernel__avx2(u32 n, u32 npad,
						  const s8 *x, u8 *y)
{
	const __m128i k = _mm_set1_epi8((char)0x80);
	u32 i = 0;

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(x + i));

		_mm_storeu_si128((__m128i *)(y + i), _mm_xor_si128(v, k));
	}
	for (; i < n; i++)
		y[i] = (u8)x[i] ^ 0x80;
	for (; i < npad; i++)
		y[i] = 0x80;
}

/*
 * Windows one N:M accumulator may sum before it is shifted down: an
 * entry's product (x + 128) * 256w lies in [-8355840, 8290560], a
 * vpmaddwd pair in [-16711680, 16581120], and 128 pairs stay within
 * int32 (128 * 16711680 < 2^31).
 */
#define SNPU_AVX2_NM_SPAN	128

/*
 * One step of the N:M kernel: 16 entries against the window @xb. The
 * entry word (column | w << 8) becomes the vpshufb control by setting
 * bit 15 (the high byte then selects zero, so the activation comes out
 * zero-extended to int16) and the weight by clearing the column byte
 * (w * 256, exact in int16); one vpmaddwd multiplies both pairs of a
 * row at once.
 */
static SNPU_AVX2 __always_inline __m256i snpu_avx2_nm_step(__m256i a,
							     __m256i xb,
							     const u8 *p)
{
	const __m256i sel = _mm256_set1_epi16((short)0x8000);
	const __m256i wmask = _mm256_set1_epi16((short)0xff00);
	__m256i e = _mm256_loadu_si256((const __m256i *)p);
	__m256i xs = _mm256_shuffle_epi8(xb, _mm256_or_si256(e, sel));
	__m256i ws = _mm256_and_si256(e, wmask);

	return _mm256_add_epi32(a, _mm256_madd_epi16(xs, ws));
}

/* The 16 bytes of window @w in both lanes. */
static SNPU_AVX2 __always_inline __m256i snpu_avx2_nm_window(const u8 *xu,
							       u32 w)
{
	return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)
							   (xu + (size_t)w *
							    SNPU_ENG_NM_WIN)));
}

/* Eight rows keeping 8 entries per window (2:4): four steps. */
static SNPU_AVX2 __always_inline const u8 *
snpu_avx2_nm_block8(u32 windows, const u8 *xu, const u8 *p, s32 *acc)
{
	const __m256i zero = _mm256_setzero_si256();
	__m256i t0 = zero, t1 = zero, t2 = zero, t3 = zero;
	u32 w = 0, end;

	while (w < windows) {
		__m256i a0 = zero, a1 = zero, a2 = zero, a3 = zero;

		end = windows - w > SNPU_AVX2_NM_SPAN ? w + SNPU_AVX2_NM_SPAN :
							windows;
		for (; w < end; w++, p += 4 * 32) {
			__m256i xb = snpu_avx2_nm_window(xu, w);

			a0 = snpu_avx2_nm_step(a0, xb, p);
			a1 = snpu_avx2_nm_step(a1, xb, p + 32);
			a2 = snpu_avx2_nm_step(a2, xb, p + 64);
			a3 = snpu_avx2_nm_step(a3, xb, p + 96);
		}
		/* Multiples of 256: the shifts are exact. */
		t0 = _mm256_add_epi32(t0, _mm256_srai_epi32(a0, 8));
		t1 = _mm256_add_epi32(t1, _mm256_srai_epi32(a1, 8));
		t2 = _mm256_add_epi32(t2, _mm256_srai_epi32(a2, 8));
		t3 = _mm256_add_epi32(t3, _mm256_srai_epi32(a3, 8));
	}
	/* Step s holds rows s (low lane) and s + 4 (high lane). */
	_mm256_storeu_si256((__m256i *)acc,
			    _mm256_hadd_epi32(_mm256_hadd_epi32(t0, t1),
					      _mm256_hadd_epi32(t2, t3)));
	return p;
}

/* Eight rows keeping 4 entries per window (1:4, 2:8): two steps. */
static SNPU_AVX2 __always_inline const u8 *
snpu_avx2_nm_block4(u32 windows, const u8 *xu, const u8 *p, s32 *acc)
{
	const __m256i zero = _mm256_setzero_si256();
	__m256i t0 = zero, t1 = zero;
	u32 w = 0, end;

	while (w < windows) {
		__m256i a0 = zero, a1 = zero;

		end = windows - w > SNPU_AVX2_NM_SPAN ? w + SNPU_AVX2_NM_SPAN :
							windows;
		for (; w < end; w++, p += 2 * 32) {
			__m256i xb = snpu_avx2_nm_window(xu, w);

			a0 = snpu_avx2_nm_step(a0, xb, p);
			a1 = snpu_avx2_nm_step(a1, xb, p + 32);
		}
		t0 = _mm256_add_epi32(t0, _mm256_srai_epi32(a0, 8));
		t1 = _mm256_add_epi32(t1, _mm256_srai_epi32(a1, 8));
	}
	/* Step s holds rows 2s, 2s + 1 (low lane) and 2s + 4, 2s + 5. */
	_mm256_storeu_si256((__m256i *)acc, _mm256_hadd_epi32(t0, t1));
	return p;
}

/*
 * Batch 1, N:M: @blocks blocks of SNPU_ENG_NM_ROWS rows in the window
 * form (@off_nm in snpu_engine_impl.h) against @xu, the input plus 128 as
 * u8 (snpu_qs8_qu8_convert_ukernel__avx2), @windows * 16 bytes. acc[i]
 * receives sum (x + 128) * w of row i modulo 2^32; the caller's bias
 * takes the 128 * row sum off again.
 *
 * Why: the CSR forms gather every activation (a ymm vpgatherdd costs
 * more than eight scalar loads on Zen 3); here a window of 16 activations
 * is loaded once for eight rows and each row picks its kept ones with
 * vpshufb. A step of 16 useful MACs costs one 32-byte load and five
 * vector ops (or, and, shuffle, multiply-add, add); the dense kernel
 * spends three (widen, multiply-add, add) per 16 MACs, six per 16 useful
 * ones at 50 %. The form takes the bytes of dense int8 for 2:4 (a byte of
 * column and one of value per kept weight) and half of them for 1:4 and
 * 2:8.
 */
SNPU_AVX2 void snpu_qs8_fc_nm_ukernel_8x16__avx2(u32 blocks, u32 windows,
						 u32 kept, const u8 *xu,
						 const u8 *steps, s32 *acc)
{
	const u8 *p = steps;
	u32 b;

	for (b = 0; b < blocks; b++, acc += SNPU_ENG_NM_ROWS) {
		if (kept == 8)
			p = snpu_avx2_nm_block8(windows, xu, p, acc);
		else
			p = snpu_avx2_nm_block4(windows, xu, p, acc);
	}
}

/* Eight int8 values at @p widened to int16, or zeros when @p is NULL. */
static SNPU_AVX2 __always_inline __m128i snpu_avx2_row8(const s8 *p)
{
	if (!p)
		return _mm_setzero_si128();
	return _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)p));
}

/*
 * xt[c][v] = x[v][c] for v < nv, 0 for nv <= v < bp (bp a multiple of
 * 16). Blocks of 8 vectors x 8 columns are widened and transposed in
 * registers (three rounds of unpacks); a column tail goes one by one.
 */
SNPU_AVX2 void snpu_qs8_transpose_ukernel__avx2(u32 nv, u32 k, const s8 *x,
						u32 xstride, u32 bp, s16 *xt)
{
	u32 k8 = k & ~7u, v0, c0, c, v;

	for (v0 = 0; v0 < bp; v0 += 8) {
		const s8 *rp[8];
		u32 i;

		for (i = 0; i < 8; i++)
			rp[i] = v0 + i < nv ? x + (size_t)(v0 + i) * xstride :
					      NULL;
		for (c0 = 0; c0 < k8; c0 += 8) {
			__m128i a0 = snpu_avx2_row8(rp[0] ? rp[0] + c0 : NULL);
			__m128i a1 = snpu_avx2_row8(rp[1] ? rp[1] + c0 : NULL);
			__m128i a2 = snpu_avx2_row8(rp[2] ? rp[2] + c0 : NULL);
			__m128i a3 = snpu_avx2_row8(rp[3] ? rp[3] + c0 : NULL);
			__m128i a4 = snpu_avx2_row8(rp[4] ? rp[4] + c0 : NULL);
			__m128i a5 = snpu_avx2_row8(rp[5] ? rp[5] + c0 : NULL);
			__m128i a6 = snpu_avx2_row8(rp[6] ? rp[6] + c0 : NULL);
			__m128i a7 = snpu_avx2_row8(rp[7] ? rp[7] + c0 : NULL);
			__m128i b0 = _mm_unpacklo_epi16(a0, a1);
			__m128i b1 = _mm_unpackhi_epi16(a0, a1);
			__m128i b2 = _mm_unpacklo_epi16(a2, a3);
			__m128i b3 = _mm_unpackhi_epi16(a2, a3);
			__m128i b4 = _mm_unpacklo_epi16(a4, a5);
			__m128i b5 = _mm_unpackhi_epi16(a4, a5);
			__m128i b6 = _mm_unpacklo_epi16(a6, a7);
			__m128i b7 = _mm_unpackhi_epi16(a6, a7);
			__m128i d0 = _mm_unpacklo_epi32(b0, b2);
			__m128i d1 = _mm_unpackhi_epi32(b0, b2);
			__m128i d2 = _mm_unpacklo_epi32(b1, b3);
			__m128i d3 = _mm_unpackhi_epi32(b1, b3);
			__m128i d4 = _mm_unpacklo_epi32(b4, b6);
			__m128i d5 = _mm_unpackhi_epi32(b4, b6);
			__m128i d6 = _mm_unpacklo_epi32(b5, b7);
			__m128i d7 = _mm_unpackhi_epi32(b5, b7);
			s16 *o = xt + (size_t)c0 * bp + v0;

			_mm_storeu_si128((__m128i *)o, _mm_unpacklo_epi64(d0, d4));
			o += bp;
			_mm_storeu_si128((__m128i *)o, _mm_unpackhi_epi64(d0, d4));
			o += bp;
			_mm_storeu_si128((__m128i *)o, _mm_unpacklo_epi64(d1, d5));
			o += bp;
			_mm_storeu_si128((__m128i *)o, _mm_unpackhi_epi64(d1, d5));
			o += bp;
			_mm_storeu_si128((__m128i *)o, _mm_unpacklo_epi64(d2, d6));
			o += bp;
			_mm_storeu_si128((__m128i *)o, _mm_unpackhi_epi64(d2, d6));
			o += bp;
			_mm_storeu_si128((__m128i *)o, _mm_unpacklo_epi64(d3, d7));
			o += bp;
			_mm_storeu_si128((__m128i *)o, _mm_unpackhi_epi64(d3, d7));
		}
		for (c = k8; c < k; c++)
			for (v = v0; v < v0 + 8; v++)
				xt[(size_t)c * bp + v] = v < nv ?
					x[(size_t)v * xstride + c] : 0;
	}
}

/* acc chunks += the pair (xt column @pa, xt column @pb) times @w2. */
static SNPU_AVX2 __always_inline void
snpu_avx2_pair(__m256i *lo, __m256i *hi, const s16 *pa, const s16 *pb,
	       __m256i w2, const u32 nch)
{
	u32 c;

	for (c = 0; c < nch; c++) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(pa + 16 * c));
		__m256i b = _mm256_loadu_si256((const __m256i *)(pb + 16 * c));

		lo[c] = _mm256_add_epi32(lo[c], _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), w2));
		hi[c] = _mm256_add_epi32(hi[c], _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), w2));
	}
}

/* The int16 pair (w0, w1) in every dword. */
static inline u32 snpu_avx2_wpair(s8 w0, s8 w1)
{
	return (u32)(u16)(s16)w0 | (u32)(u16)(s16)w1 << 16;
}

/*
 * One row against @nch * 16 batch-contiguous vectors. Entries are taken
 * in pairs; an odd last entry pairs with weight 0 (and its own column).
 */
static SNPU_AVX2 __always_inline void
snpu_avx2_spmm_row(const struct snpu_eng_mat *m, u32 row, const s16 *xt,
		   u32 bp, s32 *acc, const u32 nch)
{
	__m256i lo[4], hi[4];
	u32 j, end, c;

	for (c = 0; c < nch; c++) {
		lo[c] = _mm256_setzero_si256();
		hi[c] = _mm256_setzero_si256();
	}
	if (m->w) {
		const s8 *wr = m->w + (size_t)row * m->k;
		const s16 *p = xt;

		end = m->k;
		for (j = 0; j + 2 <= end; j += 2, p += 2 * (size_t)bp)
			snpu_avx2_pair(lo, hi, p, p + bp,
				       _mm256_set1_epi32((int)snpu_avx2_wpair(wr[j], wr[j + 1])),
				       nch);
		if (j < end)
			snpu_avx2_pair(lo, hi, p, p,
				       _mm256_set1_epi32((int)snpu_avx2_wpair(wr[j], 0)),
				       nch);
	} else {
		const u32 *col = m->col;
		const s8 *val = m->val;

		j = m->rowptr[row];
		end = m->rowptr[row + 1];
		for (; j + 2 <= end; j += 2)
			snpu_avx2_pair(lo, hi, xt + (size_t)col[j] * bp,
				       xt + (size_t)col[j + 1] * bp,
				       _mm256_set1_epi32((int)snpu_avx2_wpair(val[j], val[j + 1])),
				       nch);
		if (j < end) {
			const s16 *pa = xt + (size_t)col[j] * bp;

			snpu_avx2_pair(lo, hi, pa, pa,
				       _mm256_set1_epi32((int)snpu_avx2_wpair(val[j], 0)),
				       nch);
		}
	}
	/* lo = {0-3, 8-11}, hi = {4-7, 12-15} of each 16-vector chunk. */
	for (c = 0; c < nch; c++) {
		_mm256_storeu_si256((__m256i *)(acc + 16 * c),
				    _mm256_permute2x128_si256(lo[c], hi[c], 0x20));
		_mm256_storeu_si256((__m256i *)(acc + 16 * c + 8),
				    _mm256_permute2x128_si256(lo[c], hi[c], 0x31));
	}
}

SNPU_AVX2 void snpu_qs8_spmm_ukernel_64x2__avx2(const struct snpu_eng_mat *m,
						u32 row, const s16 *xt, u32 bp,
						s32 *acc)
{
	switch (bp) {
	case 16:
		snpu_avx2_spmm_row(m, row, xt, bp, acc, 1);
		break;
	case 32:
		snpu_avx2_spmm_row(m, row, xt, bp, acc, 2);
		break;
	case 48:
		snpu_avx2_spmm_row(m, row, xt, bp, acc, 3);
		break;
	default:
		snpu_avx2_spmm_row(m, row, xt, bp, acc, 4);
		break;
	}
}

/* Eight int32 at @p. */
static SNPU_AVX2 __always_inline __m256i snpu_avx2_load8(const s32 *p)
{
	return _mm256_loadu_si256((const __m256i *)p);
}

/*
 * Requantize the accumulators of @n consecutive rows (row i has its own
 * bias, multiplier and shift: rq->bias[row0 + i]...) exactly as
 * snpu_eng_out() and store y[i]: the batch-1 paths, where the scalar
 * requantization would cost a fifth of an N:M layer.
 */
SNPU_AVX2 void snpu_qs8_requant_rows_ukernel__avx2(u32 n, const s32 *acc,
						   const struct snpu_eng_rq *rq,
						   u32 row0, s8 *y)
{
	const __m256i zero = _mm256_setzero_si256();
	const __m256i one = _mm256_set1_epi32(1);
	const __m256i nudge = _mm256_set1_epi64x(1LL << 30);
	const __m256i vzp = _mm256_set1_epi32(rq->zp);
	/* snpu_eng_clamp(): clamp, then add the zero point. */
	const __m256i vmin = _mm256_set1_epi32(rq->min - rq->zp);
	const __m256i vmax = _mm256_set1_epi32(rq->max - rq->zp);
	u32 i = 0;

	for (; i + 8 <= n; i += 8) {
		u32 o = row0 + i;
		__m256i v = snpu_avx2_load8(acc + i);
		__m256i vm = snpu_avx2_load8(rq->mult + o);
		__m256i sh = snpu_avx2_load8(rq->shift + o);
		__m256i left = _mm256_max_epi32(sh, zero);
		__m256i right = _mm256_max_epi32(_mm256_sub_epi32(zero, sh),
						 zero);
		__m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, right),
						one);
		__m256i ev, od, hi, rem, thr, res;
		__m128i r8;

		v = _mm256_add_epi32(v, snpu_avx2_load8(rq->bias + o));
		v = _mm256_sllv_epi32(v, left);
		/* mult >= 2^30: x == mult == INT32_MIN cannot happen. */
		ev = _mm256_add_epi64(_mm256_mul_epi32(v, vm), nudge);
		/* odd lanes: multiplier and value moved down */
		od = _mm256_mul_epi32(_mm256_srli_epi64(v, 32),
				      _mm256_srli_epi64(vm, 32));
		od = _mm256_add_epi64(od, nudge);
		hi = _mm256_blend_epi32(_mm256_srli_epi64(ev, 31),
					_mm256_slli_epi64(od, 1), 0xaa);
		rem = _mm256_and_si256(hi, mask);
		thr = _mm256_sub_epi32(_mm256_srai_epi32(mask, 1),
				       _mm256_cmpgt_epi32(zero, hi));
		res = _mm256_sub_epi32(_mm256_srav_epi32(hi, right),
				       _mm256_cmpgt_epi32(rem, thr));
		res = _mm256_min_epi32(_mm256_max_epi32(res, vmin), vmax);
		res = _mm256_add_epi32(res, vzp);
		/* Clamped to int8 already: the packs do not saturate. */
		r8 = _mm_packs_epi32(_mm256_castsi256_si128(res),
				     _mm256_extracti128_si256(res, 1));
		_mm_storel_epi64((__m128i *)(y + i), _mm_packs_epi16(r8, r8));
	}
	for (; i < n; i++)
		y[i] = snpu_eng_out(rq, row0 + i, acc[i]);
}

/*
 * Requantize @n accumulators of one row (same bias, multiplier, shift)
 * exactly as snpu_eng_requant() and store y[i * ystride].
 */
SNPU_AVX2 void snpu_qs8_requant_ukernel__avx2(u32 n, const s32 *acc, s32 bias,
					      s32 mult, s32 shift,
					      const struct snpu_eng_rq *rq,
					      s8 *y, u32 ystride)
{
	u32 left = shift > 0 ? (u32)shift : 0;
	u32 right = shift > 0 ? 0 : (u32)-shift;
	s32 mask = (s32)((1ULL << right) - 1);
	const __m128i lc = _mm_cvtsi32_si128((int)left);
	const __m128i rc = _mm_cvtsi32_si128((int)right);
	const __m256i vb = _mm256_set1_epi32(bias);
	const __m256i vm = _mm256_set1_epi32(mult);
	const __m256i nudge = _mm256_set1_epi64x(1LL << 30);
	const __m256i vmask = _mm256_set1_epi32(mask);
	const __m256i vhalf = _mm256_set1_epi32(mask >> 1);
	const __m256i vzp = _mm256_set1_epi32(rq->zp);
	/* snpu_eng_clamp(): clamp, then add the zero point. */
	const __m256i vmin = _mm256_set1_epi32(rq->min - rq->zp);
	const __m256i vmax = _mm256_set1_epi32(rq->max - rq->zp);
	const __m256i zero = _mm256_setzero_si256();
	s32 tmp[8];
	u32 i = 0, t;

	for (; i + 8 <= n; i += 8) {
		__m256i v = _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(acc + i)), vb);
		__m256i ev, od, hi, rem, thr, res;

		v = _mm256_sll_epi32(v, lc);
		/* mult >= 2^30: x == mult == INT32_MIN cannot happen. */
		ev = _mm256_add_epi64(_mm256_mul_epi32(v, vm), nudge);
		od = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(v, 32), vm),
				      nudge);
		hi = _mm256_blend_epi32(_mm256_srli_epi64(ev, 31),
					_mm256_slli_epi64(od, 1), 0xaa);
		rem = _mm256_and_si256(hi, vmask);
		thr = _mm256_sub_epi32(vhalf, _mm256_cmpgt_epi32(zero, hi));
		res = _mm256_sub_epi32(_mm256_sra_epi32(hi, rc),
				       _mm256_cmpgt_epi32(rem, thr));
		res = _mm256_min_epi32(_mm256_max_epi32(res, vmin), vmax);
		res = _mm256_add_epi32(res, vzp);
		_mm256_storeu_si256((__m256i *)tmp, res);
		for (t = 0; t < 8; t++)
			y[(size_t)(i + t) * ystride] = (s8)tmp[t];
	}
	for (; i < n; i++)
		y[(size_t)i * ystride] =
			snpu_eng_clamp(rq, snpu_eng_requant((s32)((u32)acc[i] +
								  (u32)bias),
							    mult, shift));
}
#endif /* SNPU_ENG_X86_SIMD */
