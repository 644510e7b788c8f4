/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Engine internals: the prepared-model block and the microkernels.
 *
 * Three layers, as in XNNPACK: snpu_engine.c holds the operators (it
 * validates and sets up, then calls kernels), the kernels below only
 * assert their preconditions, and the config (snpu_engine_config) picks
 * kernels once from the CPU's features, always with a scalar fallback
 * that gives identical results.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_ENGINE_IMPL_H
#define SNPU_ENGINE_IMPL_H

#include "snpu_compat.h"
#include "snpu_model.h"

/* SIMD kernels exist only in userspace builds for x86 (immintrin.h). */
#if !defined(__KERNEL__) && defined(__has_include)
#if __has_include("immintrin.h")
#define SNPU_ENG_X86_SIMD 1
#endif
#endif

/* "SNPE" in memory byte order. */
#define SNPU_ENG_MAGIC		0x45504e53u
#define SNPU_ENG_VERSION	3

/* Vectors (batch samples or conv patches) one kernel call handles. */
#define SNPU_ENG_TILE		64
/* Bytes of patches and transposed activations one tile may take. */
#define SNPU_ENG_TILE_BYTES	(2u << 20)
/* Output rows whose accumulators one gemv call keeps on the stack. */
#define SNPU_ENG_ROWS		64
/* Rows of one slice of the sliced-ELLPACK form (one ymm of int32). */
#define SNPU_ENG_SELL_C		8
/* N:M window form: rows per block, columns per window (one xmm). */
#define SNPU_ENG_NM_ROWS	8
#define SNPU_ENG_NM_WIN		16

/**
 * struct snpu_eng_tensor - a tensor of the prepared model
 * @h: height.
 * @w: width.
 * @c: channels.
 * @zp: zero point.
 * @bytes: bytes of one sample.
 */
struct snpu_eng_tensor {
	u32 h;
	u32 w;
	u32 c;
	s32 zp;
	u32 bytes;
};

/**
 * struct snpu_eng_layer - a layer of the prepared model
 * @op: &enum snpu_op.
 * @enc: &enum snpu_encoding of the packed weights.
 * @kh: window height.
 * @kw: window width.
 * @sh: vertical stride.
 * @sw: horizontal stride.
 * @dh: vertical dilation.
 * @dw: horizontal dilation.
 * @pt: padding rows above.
 * @pl: padding columns to the left.
 * @sparse: weights held as CSR (@off_rowptr...), else dense rows (@off_w).
 * @pad0: zero.
 * @in: input tensor.
 * @in2: second input tensor (add).
 * @out: output tensor.
 * @groups: conv2d groups (1 for FC).
 * @oc: output channels, rows of the weight matrix.
 * @ocg: rows per group.
 * @cg: input channels per group (conv2d).
 * @k: columns of the weight matrix of one group.
 * @act_min: lower clamp.
 * @act_max: upper clamp.
 * @add_ls: add: left shift of both inputs.
 * @add_m1: add: multiplier of input 1.
 * @add_s1: add: shift of input 1.
 * @add_m2: add: multiplier of input 2.
 * @add_s2: add: shift of input 2.
 * @add_mo: add: multiplier of the sum.
 * @add_so: add: shift of the sum.
 * @nnz: nonzero values kept in the CSR form.
 * @off_bias: s32[@oc], the bias minus in.zp times the row sum: kernels
 *	then need no zero point, as (x - zp) * w summed equals x * w summed
 *	minus zp * sum(w).
 * @off_mult: s32[@oc] Q31 multipliers.
 * @off_shift: s32[@oc] shifts.
 * @off_w: s8[@oc][@k] dense rows.
 * @off_rowptr: u32[@oc + 1] CSR row pointers.
 * @off_col: u32[@nnz] absolute CSR columns.
 * @off_val: s8[@nnz] CSR values.
 * @off_colcnt: u32[@groups][@k], stored entries per column: what a zero
 *	activation in that column lets the device skip.
 * @off_sell: SIMD builds, CSR layers with @k < 65536 and @ocg >= 8, else
 *	0: the same nonzeros again in a sliced-ELLPACK form for the batch-1
 *	gather kernel. Rows of each group are sorted by length (longest
 *	first) and cut into slices of %SNPU_ENG_SELL_C rows; a slice holds
 *	steps of %SNPU_ENG_SELL_C u32 entries (one per row, the column in
 *	the high half, the int16 value in the low half; padding is column
 *	0, value 0). u32 step_ptr[slices + 1] (absolute steps, slices of
 *	group g start at g * ceil(@ocg / 8)), then u32 perm[@oc] (row within
 *	the group of each sorted position), then the steps.
 * @sell_steps: steps of the sliced form, all groups.
 * @off_nm: SIMD builds, N:M layers, else 0: the nonzeros again in the
 *	window form of the batch-1 N:M kernel. Columns are cut into
 *	@nm_windows windows of %SNPU_ENG_NM_WIN; rows of each group into
 *	blocks of %SNPU_ENG_NM_ROWS (the last one padded with empty rows).
 *	Per group, per block, per window: @nm_kept / 2 steps of 16 u16
 *	entries (one ymm), each entry the column within the window in the
 *	low byte and the int8 value in the high byte; an unused entry is 0.
 *	Step s holds in its first 8 entries rows s * r .. s * r + r - 1
 *	(r = 8 / @nm_kept rows, @nm_kept entries each) and in its last 8
 *	rows 4 + s * r ..; the kernel's horizontal sums then come out in
 *	row order. 64-byte aligned within the block.
 * @off_nm_bias: s32[@oc], with @off_nm: @off_bias minus 128 times the
 *	row sum, because the N:M kernel multiplies x + 128 (unsigned).
 * @nm_kept: with @off_nm: entries one row keeps in a window, 8 for 2:4,
 *	4 for 1:4 and 2:8 (N * %SNPU_ENG_NM_WIN / M); else 0.
 * @nm_windows: with @off_nm: windows per row, ceil(@k / 16); else 0.
 * @stored: stored entries inside the matrix (fillers and zero values
 *	that the encoding stores included, padding excluded), all rows.
 * @param_bytes: packed weight, metadata, bias and requant bytes.
 *
 * Every offset is from the start of the prepared block.
 */
struct snpu_eng_layer {
	u16 op;
	u16 enc;
	u16 kh;
	u16 kw;
	u16 sh;
	u16 sw;
	u16 dh;
	u16 dw;
	u16 pt;
	u16 pl;
	u16 sparse;
	u16 pad0;
	u32 in;
	u32 in2;
	u32 out;
	u32 groups;
	u32 oc;
	u32 ocg;
	u32 cg;
	u32 k;
	s32 act_min;
	s32 act_max;
	u32 add_ls;
	s32 add_m1;
	s32 add_s1;
	s32 add_m2;
	s32 add_s2;
	s32 add_mo;
	s32 add_so;
	u32 nnz;
	u32 off_bias;
	u32 off_mult;
	u32 off_shift;
	u32 off_w;
	u32 off_rowptr;
	u32 off_col;
	u32 off_val;
	u32 off_colcnt;
	u32 off_sell;
	u32 sell_steps;
	u32 off_nm;
	u32 off_nm_bias;
	u32 nm_kept;
	u32 nm_windows;
	u64 stored;
	u64 param_bytes;
};

/**
 * struct snpu_eng_model - head of the prepared block
 * @magic: %SNPU_ENG_MAGIC.
 * @version: %SNPU_ENG_VERSION.
 * @size: bytes of the whole block.
 * @n_tensors: entries of @tensors in use.
 * @n_layers: entries of @layers in use.
 * @input: model input tensor.
 * @output: model output tensor.
 * @work: scratch bytes the kernels need besides the tensors.
 * @tensors: tensor table.
 * @layers: layer table in execution order.
 */
struct snpu_eng_model {
	u32 magic;
	u32 version;
	u64 size;
	u32 n_tensors;
	u32 n_layers;
	u32 input;
	u32 output;
	u64 work;
	struct snpu_eng_tensor tensors[SNPU_MODEL_MAX_TENSORS];
	struct snpu_eng_layer layers[SNPU_MODEL_MAX_LAYERS];
};

/**
 * struct snpu_eng_rq - requantization of one group of output rows
 * @bias: folded bias per row.
 * @mult: Q31 multiplier per row.
 * @shift: shift per row.
 * @zp: output zero point.
 * @min: lower clamp.
 * @max: upper clamp.
 */
struct snpu_eng_rq {
	const s32 *bias;
	const s32 *mult;
	const s32 *shift;
	s32 zp;
	s32 min;
	s32 max;
};

/**
 * struct snpu_eng_mat - the weights of one group of output rows
 * @rows: rows in the group.
 * @k: columns.
 * @w: dense rows, @k bytes apart; NULL for CSR.
 * @rowptr: CSR row pointers (@rows + 1, absolute entry indices).
 * @col: CSR columns.
 * @val: CSR values.
 * @sell_ptr: sliced-ELLPACK step pointers of the group, or NULL.
 * @sell_perm: row of each sorted position.
 * @sell: the steps (absolute: index with @sell_ptr).
 * @nm: the N:M window form of the group (@off_nm), or NULL.
 * @nm_bias: the bias of the N:M kernel, per row of the group.
 * @nm_kept: entries per row and window.
 * @nm_windows: windows per row.
 */
struct snpu_eng_mat {
	u32 rows;
	u32 k;
	const s8 *w;
	const u32 *rowptr;
	const u32 *col;
	const s8 *val;
	const u32 *sell_ptr;
	const u32 *sell_perm;
	const u32 *sell;
	const u8 *nm;
	const s32 *nm_bias;
	u32 nm_kept;
	u32 nm_windows;
};

/* The Q31 requantization of uapi/snpu_model.h, wrapping like TFLite. */
static inline s32 snpu_eng_requant(s32 acc, s32 mult, s32 shift)
{
	u32 left = shift > 0 ? (u32)shift : 0;
	u32 right = shift > 0 ? 0 : (u32)-shift;
	s32 x = (s32)((u32)acc << left);
	s64 ab = (s64)x * mult;
	s32 hi, mask, rem, threshold;

	if (x == mult && x == (s32)0x80000000)
		hi = 0x7fffffff;
	else
		/*
		 * TFLite adds a nudge of 2^30 (or 1 - 2^30 when negative) and
		 * divides by 2^31 truncating; for a negative product that is
		 * a floor after adding 2^31 - 1 more, so both cases are
		 * floor((ab + 2^30) / 2^31).
		 */
		hi = (s32)((ab + (1LL << 30)) >> 31);
	mask = (s32)((1ULL << right) - 1);
	rem = hi & mask;
	threshold = (mask >> 1) + (hi < 0 ? 1 : 0);
	return (hi >> right) + (rem > threshold ? 1 : 0);
}

/*
 * clamp(zp + v, min, max) of uapi/snpu_model.h. v is clamped to
 * [min - zp, max - zp] first because zp + v can leave int32 (v reaches
 * +-2^31 with a left shift); the result is the same wherever it does not.
 */
static inline s8 snpu_eng_clamp(const struct snpu_eng_rq *rq, s32 v)
{
	if (v < rq->min - rq->zp)
		v = rq->min - rq->zp;
	if (v > rq->max - rq->zp)
		v = rq->max - rq->zp;
	return (s8)(v + rq->zp);
}

static inline s8 snpu_eng_out(const struct snpu_eng_rq *rq, u32 row, s32 acc)
{
	return snpu_eng_clamp(rq, snpu_eng_requant((s32)((u32)acc +
							 (u32)rq->bias[row]),
						   rq->mult[row],
						   rq->shift[row]));
}

/* Scalar microkernels (snpu_engine_scalar.c). */
void snpu_qs8_fc_dense_ukernel_1x4__scalar(u32 k, const s8 *x, const s8 *w,
					   s32 *acc);
s32 snpu_qs8_fc_dense_ukernel_1x1__scalar(u32 k, const s8 *x, const s8 *w);
void snpu_qs8_fc_csr_ukernel_1x1__scalar(u32 rows, const u32 *rowptr,
					 const u32 *col, const s8 *val,
					 const s8 *x, s32 *acc);
u64 snpu_qs8_zero_count_ukernel__scalar(u32 k, const s8 *x, s8 zp,
					const u32 *colcnt);

#ifdef SNPU_ENG_X86_SIMD
/* AVX2 microkernels (snpu_engine_avx2.c), userspace only. */
void snpu_qs8_widen_ukernel__avx2(u32 n, const s8 *x, s16 *y);
void snpu_qs8_fc_dense_ukernel_1x4__avx2(u32 k, const s16 *x, const s8 *w,
					 s32 *acc);
void snpu_qs8_fc_sell_ukernel_8x1__avx2(u32 slices, const u32 *step_ptr,
					const u32 *steps, const s16 *x,
					s32 *acc);
void snpu_qs8_fc_nm_ukernel_8x16__avx2(u32 blocks, u32 windows, u32 kept,
				       const u8 *xu, const u8 *steps,
				       s32 *acc);
void snpu_qs8_qu8_convert_ukernel__avx2(u32 n, u32 npad, const s8 *x,
					u8 *y);
void snpu_qs8_transpose_ukernel__avx2(u32 nv, u32 k, const s8 *x,
				      u32 xstride, u32 bp, s16 *xt);
void snpu_qs8_spmm_ukernel_64x2__avx2(const struct snpu_eng_mat *m, u32 row,
				      const s16 *xt, u32 bp, s32 *acc);
void snpu_qs8_requant_rows_ukernel__avx2(u32 n, const s32 *acc,
					 const struct snpu_eng_rq *rq,
					 u32 row0, s8 *y);
void snpu_qs8_requant_ukernel__avx2(u32 n, const s32 *acc, s32 bias,
				    s32 mult, s32 shift,
				    const struct snpu_eng_rq *rq, s8 *y,
				    u32 ystride);
#endif

#ifndef __KERNEL__
/* Tests and benchmarks: true runs only the scalar kernels. */
void snpu_engine_force_scalar(bool scalar);
/* Benchmarks: the kernel the first weighted layer runs for @batch. */
const char *snpu_engine_kernel_name(const void *model, u32 batch);
#endif

#endif /* SNPU_ENGINE_IMPL_H */
