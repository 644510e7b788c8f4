// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The sparse int8 MAC engine (snpu_engine.h): operators.
 *
 * snpu_engine_prepare() decodes every packed encoding once into one of
 * two internal forms (dense rows, or CSR with absolute columns holding only
 * the nonzero values), folds the input zero point into the bias and counts
 * what the device would stream (stored entries per column, for the
 * counters). snpu_engine_run() then executes layer by layer: the
 * operators here validate and set up; the microkernels (snpu_engine_*.c)
 * only compute.
 *
 * Activations between layers are [batch][h][w][c] in the scratch arena;
 * a conv2d gathers its input patches (im2col, padding materialized as the
 * zero point) into a tile and runs the FC kernels over it, so one set of
 * kernels serves both ops. The SIMD batch path transposes a tile into a
 * batch-contiguous int16 layout (see snpu_engine_avx2.c); SIMD builds
 * also keep sparse rows in a sliced-ELLPACK form for the batch-1 gather
 * kernel (@off_sell in snpu_engine_impl.h), except N:M rows, which keep
 * a window form for the batch-1 byte-shuffle kernel (@off_nm).
 *
 * Copyright (c) 2026 The snpu authors
 */
#include "snpu_cost.h"
#include "snpu_engine.h"
#include "snpu_engine_impl.h"
#include "snpu_fw_parse.h"
#include "snpu_model_parse.h"

/* MAC-equivalents of work between two calls of ctx->yield. */
#define SNPU_ENG_YIELD_WORK	0x40000u
/* Fewest vectors for which the batch-contiguous SIMD path pays. */
#define SNPU_ENG_BATCH_MIN	8

#define SNPU_ENG_ALIGN8(x)	(((x) + 7) & ~(u64)7)

#ifndef __KERNEL__
static bool snpu_eng_scalar_only;

void snpu_engine_force_scalar(bool scalar)
{
	snpu_eng_scalar_only = scalar;
}

#endif

#ifdef SNPU_ENG_X86_SIMD
/* The config: SIMD kernels when the CPU has them and nobody said no. */
static bool snpu_eng_use_avx2(void)
{
	return !snpu_eng_scalar_only && __builtin_cpu_supports("avx2");
}
#else
static bool snpu_eng_use_avx2(void)
{
	return false;
}
#endif

#ifndef __KERNEL__
/* Name of the main kernel the first weighted layer runs for @batch. */
const char *snpu_engine_kernel_name(const void *model, u32 batch)
{
	const struct snpu_eng_model *m = model;
	u32 i;

	for (i = 0; i < m->n_layers; i++) {
		const struct snpu_eng_layer *l = &m->layers[i];
		u64 nv = batch;

		if (l->op != SNPU_OP_FC && l->op != SNPU_OP_CONV2D)
			continue;
		if (l->op == SNPU_OP_CONV2D)
			nv = m->tensors[l->out].h * m->tensors[l->out].w;
		if (snpu_eng_use_avx2() && nv >= SNPU_ENG_BATCH_MIN)
			return "snpu_qs8_spmm_ukernel_64x2__avx2";
		if (snpu_eng_use_avx2() && l->off_nm)
			return "snpu_qs8_fc_nm_ukernel_8x16__avx2";
		if (snpu_eng_use_avx2() && l->off_sell)
			return "snpu_qs8_fc_sell_ukernel_8x1__avx2";
		if (l->sparse)
			return "snpu_qs8_fc_csr_ukernel_1x1__scalar";
		return snpu_eng_use_avx2() ?
		       "snpu_qs8_fc_dense_ukernel_1x4__avx2" :
		       "snpu_qs8_fc_dense_ukernel_1x4__scalar";
	}
	return "none";
}
#endif

/* ---------------------------------------------------------------------
 * Prepare
 */

/* Where decoded entries go; @base NULL only counts. */
struct snpu_eng_sink {
	u8 *base;
	const struct snpu_eng_layer *el;
	u32 group;
	u32 n;
	u64 stored;
	u32 rowsum;
};

static void snpu_eng_emit(struct snpu_eng_sink *s, u32 col, s8 v)
{
	s->stored++;
	if (s->base) {
		u32 *cnt = (u32 *)(s->base + s->el->off_colcnt);

		cnt[(u64)s->group * s->el->k + col]++;
		s->rowsum += (u32)(s32)v;
	}
	if (!v)
		return;
	if (s->base) {
		((u32 *)(s->base + s->el->off_col))[s->n] = col;
		((s8 *)(s->base + s->el->off_val))[s->n] = v;
	}
	s->n++;
}

static void snpu_eng_end_row(struct snpu_eng_sink *s, u32 row)
{
	if (s->base)
		((u32 *)(s->base + s->el->off_rowptr))[row + 1] = s->n;
}

/* Row @o of a CSR-encoded matrix. */
static int snpu_eng_decode_csr_row(struct snpu_eng_sink *s, const u8 *blob,
				   const struct snpu_layer_view *lv, u32 o)
{
	const u8 *rp = blob + lv->meta_offset;
	const u8 *delta = rp + 4 * ((u64)lv->out_channels + 1);
	const s8 *w = (const s8 *)(blob + lv->weights_offset);
	u32 j = snpu_get_le32(rp + 4 * (u64)o);
	u32 end = snpu_get_le32(rp + 4 * ((u64)o + 1));
	u64 col = 0;
	bool first = true;

	if (j > end || end > lv->nnz)
		return -1;
	for (; j < end; j++) {
		u32 d = (delta[j / 2] >> ((j & 1) * 4)) & 0xf;

		col = first ? d : col + d;
		first = false;
		if (col >= s->el->k)
			return -1;
		snpu_eng_emit(s, (u32)col, w[j]);
	}
	return 0;
}

static int snpu_eng_decode_nm_row(struct snpu_eng_sink *s, const u8 *blob,
				  const struct snpu_layer_view *lv, u32 o)
{
	u32 n, m, g, bit, t, groups;
	u64 base;

	if (!snpu_nm_dims(lv->variant, &n, &m))
		return -1;
	groups = (s->el->k + m - 1) / m;
	base = (u64)o * groups;
	for (g = 0; g < groups; g++) {
		u8 mask = blob[lv->meta_offset + base + g];
		const s8 *w = (const s8 *)blob + lv->weights_offset +
			      (base + g) * n;

		t = 0;
		for (bit = 0; bit < m; bit++) {
			u32 col = g * m + bit;

			if (!(mask & (1u << bit)))
				continue;
			if (t == n)
				return -1;
			if (col < s->el->k)
				snpu_eng_emit(s, col, w[t]);
			else if (w[t])
				return -1;
			t++;
		}
		if (t != n || (mask >> m))
			return -1;
	}
	return 0;
}

static int snpu_eng_decode_block_row(struct snpu_eng_sink *s, const u8 *blob,
				     const struct snpu_layer_view *lv, u32 o)
{
	u32 br, bc, nbr, b, end, c, kpad;
	const u8 *bptr = blob + lv->meta_offset;
	const u8 *bcol;

	if (!snpu_block_dims(lv->variant, &br, &bc))
		return -1;
	nbr = (u32)(((u64)lv->out_channels + br - 1) / br);
	kpad = (u32)(((u64)s->el->k + bc - 1) / bc * bc);
	bcol = bptr + 4 * ((u64)nbr + 1);
	b = snpu_get_le32(bptr + 4 * (u64)(o / br));
	end = snpu_get_le32(bptr + 4 * ((u64)(o / br) + 1));
	if (b > end || end > lv->nnz)
		return -1;
	for (; b < end; b++) {
		u64 col0 = (u64)snpu_get_le16(bcol + 2 * (u64)b) * bc;
		const s8 *w = (const s8 *)blob + lv->weights_offset +
			      ((u64)b * br + o % br) * bc;

		if (col0 + bc > kpad)
			return -1;
		for (c = 0; c < bc; c++) {
			if (col0 + c < s->el->k)
				snpu_eng_emit(s, (u32)(col0 + c), w[c]);
			else if (w[c])
				return -1;
		}
	}
	return 0;
}

/* Bytes the encoding's arrays take, checked against the blob. */
static int snpu_eng_check_arrays(const struct snpu_layer_view *lv, u32 k,
				 u32 size)
{
	u64 oc = lv->out_channels, meta = 0, wts;
	u32 n, m, br, bc;

	switch (lv->encoding) {
	case SNPU_ENC_DENSE:
		wts = oc * k;
		break;
	case SNPU_ENC_CSR:
		meta = 4 * (oc + 1) + ((u64)lv->nnz + 1) / 2;
		wts = lv->nnz;
		break;
	case SNPU_ENC_NM:
		if (!snpu_nm_dims(lv->variant, &n, &m))
			return -1;
		meta = oc * (((u64)k + m - 1) / m);
		wts = meta * n;
		break;
	case SNPU_ENC_BLOCK:
		if (!snpu_block_dims(lv->variant, &br, &bc))
			return -1;
		meta = 4 * ((oc + br - 1) / br + 1) + 2 * (u64)lv->nnz;
		wts = (u64)lv->nnz * br * bc;
		break;
	default:
		return -1;
	}
	if (!snpu_range_ok(lv->weights_offset, wts, size) ||
	    !snpu_range_ok(lv->meta_offset, meta, size) ||
	    !snpu_range_ok(lv->bias_offset, 4 * oc, size) ||
	    !snpu_range_ok(lv->requant_offset, 8 * oc, size))
		return -1;
	return 0;
}

static u32 snpu_eng_tile(u32 k)
{
	u32 p = SNPU_ENG_TILE_BYTES / (k ? k : 1);

	if (p > SNPU_ENG_TILE)
		p = SNPU_ENG_TILE;
	return p ? p : 1;
}

/* Scratch bytes the kernels of a weighted layer need besides tensors. */
static u64 snpu_eng_work_bytes(u32 k)
{
	u64 tile = snpu_eng_tile(k);
	u64 bp = (tile + 15) & ~(u64)15;

	return SNPU_ENG_ALIGN8(tile * k) + SNPU_ENG_ALIGN8(bp * k * 2) +
	       SNPU_ENG_ALIGN8((u64)k * 2) + 64;
}

/* Shape and geometry of layer @lv in @el; -1 when inconsistent. */
static int snpu_eng_setup_layer(const struct snpu_model_view *view,
				const struct snpu_layer_view *lv,
				struct snpu_eng_layer *el)
{
	const struct snpu_tensor_view *ti, *to;

	memset(el, 0, sizeof(*el));
	if (lv->input >= view->n_tensors || lv->output >= view->n_tensors)
		return -1;
	ti = &view->tensors[lv->input];
	to = &view->tensors[lv->output];
	el->op = lv->op;
	el->enc = lv->encoding;
	el->in = lv->input;
	el->in2 = lv->input2;
	el->out = lv->output;
	el->kh = lv->kernel_h;
	el->kw = lv->kernel_w;
	el->sh = lv->stride_h;
	el->sw = lv->stride_w;
	el->dh = lv->dilation_h;
	el->dw = lv->dilation_w;
	el->pt = lv->pad_top;
	el->pl = lv->pad_left;
	el->act_min = lv->act_min;
	el->act_max = lv->act_max;
	el->add_ls = lv->add_left_shift;
	el->add_m1 = lv->add_in1_mult;
	el->add_s1 = lv->add_in1_shift;
	el->add_m2 = lv->add_in2_mult;
	el->add_s2 = lv->add_in2_shift;
	el->add_mo = lv->add_out_mult;
	el->add_so = lv->add_out_shift;
	if (el->act_min < -128 || el->act_max > 127 ||
	    el->act_min > el->act_max)
		return -1;

	switch (lv->op) {
	case SNPU_OP_FC:
		el->groups = 1;
		el->oc = lv->out_channels;
		el->ocg = el->oc;
		el->k = ti->bytes;
		if (to->bytes != el->oc)
			return -1;
		break;
	case SNPU_OP_CONV2D:
		el->groups = lv->groups;
		el->oc = lv->out_channels;
		if (!el->groups || ti->c % el->groups || el->oc % el->groups ||
		    to->c != el->oc || !el->sh || !el->sw || !el->dh ||
		    !el->dw || !el->kh || !el->kw)
			return -1;
		el->ocg = el->oc / el->groups;
		el->cg = ti->c / el->groups;
		el->k = (u32)el->kh * el->kw * el->cg;
		break;
	case SNPU_OP_MAXPOOL:
	case SNPU_OP_AVGPOOL:
		if (to->c != ti->c || !el->sh || !el->sw || !el->kh || !el->kw)
			return -1;
		return 0;
	case SNPU_OP_ADD:
		if (lv->input2 >= view->n_tensors ||
		    view->tensors[lv->input2].bytes != to->bytes ||
		    ti->bytes != to->bytes || el->add_ls > 20 ||
		    el->add_s1 > 0 || el->add_s1 < -31 ||
		    el->add_s2 > 0 || el->add_s2 < -31 ||
		    el->add_so > 0 || el->add_so < -31)
			return -1;
		return 0;
	case SNPU_OP_RESHAPE:
		if (ti->bytes != to->bytes)
			return -1;
		return 0;
	default:
		return -1;
	}
	if (!el->k || !el->oc || (lv->k && lv->k != el->k))
		return -1;
	el->sparse = el->enc != SNPU_ENC_DENSE;
	el->param_bytes = (u64)lv->weights_size + lv->meta_size +
			  12 * (u64)el->oc;
#ifdef SNPU_ENG_X86_SIMD
	if (el->enc == SNPU_ENC_NM) {
		u32 n, m;

		if (!snpu_nm_dims(lv->variant, &n, &m))
			return -1;
		/* M divides the window: a window holds whole groups. */
		el->nm_kept = n * (SNPU_ENG_NM_WIN / m);
		el->nm_windows = (el->k + SNPU_ENG_NM_WIN - 1) /
				 SNPU_ENG_NM_WIN;
	}
#endif
	return 0;
}

/* Decode a weighted layer's rows; counts only when @base is NULL. */
static int snpu_eng_decode(const struct snpu_model_view *view,
			   const u8 *blob, const struct snpu_layer_view *lv,
			   struct snpu_eng_layer *el, u8 *base)
{
	s32 in_zp = view->tensors[lv->input].zero_point;
	struct snpu_eng_sink s = { .base = base, .el = el };
	u32 o, c;
	int ret = 0;

	if (snpu_eng_check_arrays(lv, el->k, view->size))
		return -1;
	if (base)
		memset(base + el->off_colcnt, 0,
		       4 * (size_t)el->groups * el->k);

	for (o = 0; o < el->oc; o++) {
		const u8 *rq = blob + lv->requant_offset + 8 * (u64)o;
		s32 mult = (s32)snpu_get_le32(rq);
		s32 shift = (s32)snpu_get_le32(rq + 4);

		if (mult < (1 << 30) || shift < -31 || shift > 30)
			return -1;
		s.group = o / el->ocg;
		s.rowsum = 0;
		switch (el->enc) {
		case SNPU_ENC_DENSE: {
			const s8 *w = (const s8 *)blob + lv->weights_offset +
				      (u64)o * el->k;

			s.stored += el->k;
			if (!base)
				break;
			memcpy(base + el->off_w + (u64)o * el->k, w, el->k);
			for (c = 0; c < el->k; c++) {
				((u32 *)(base + el->off_colcnt))
					[(u64)s.group * el->k + c]++;
				s.rowsum += (u32)(s32)w[c];
			}
			break;
		}
		case SNPU_ENC_CSR:
			ret = snpu_eng_decode_csr_row(&s, blob, lv, o);
			break;
		case SNPU_ENC_NM:
			ret = snpu_eng_decode_nm_row(&s, blob, lv, o);
			break;
		default:
			ret = snpu_eng_decode_block_row(&s, blob, lv, o);
			break;
		}
		if (ret)
			return ret;
		if (el->sparse)
			snpu_eng_end_row(&s, o);
		if (base) {
			s32 bias = (s32)snpu_get_le32(blob + lv->bias_offset +
						      4 * (u64)o);

			((s32 *)(base + el->off_bias))[o] =
				(s32)((u32)bias - (u32)in_zp * s.rowsum);
			((s32 *)(base + el->off_mult))[o] = mult;
			((s32 *)(base + el->off_shift))[o] = shift;
		}
	}
	if (base && el->sparse)
		((u32 *)(base + el->off_rowptr))[0] = 0;
	if (base && (s.n != el->nnz || s.stored != el->stored))
		return -1;
	el->nnz = s.n;
	el->stored = s.stored;
	return 0;
}

/* Offset of the next array of @bytes at *@cur; moves *@cur past it. */
static u32 snpu_eng_take(u64 *cur, u64 bytes)
{
	u32 off = (u32)*cur;

	*cur = SNPU_ENG_ALIGN8(*cur + bytes);
	return off;
}

#ifdef SNPU_ENG_X86_SIMD
/* Does the layer get the sliced-ELLPACK form of its CSR rows? */
static bool snpu_eng_want_sell(const struct snpu_eng_layer *el)
{
	/* N:M layers have their own batch-1 form instead. */
	return el->sparse && !el->nm_kept && el->k < 0x10000 &&
	       el->ocg >= SNPU_ENG_SELL_C;
}

static u64 snpu_eng_sell_slices(const struct snpu_eng_layer *el)
{
	return (u64)el->groups *
	       ((el->ocg + SNPU_ENG_SELL_C - 1) / SNPU_ENG_SELL_C);
}

/*
 * Bytes of the sliced form. With rows sorted longest first, every slice
 * but the first of a group is no longer than the mean of the slice before
 * it, so a group takes at most k + ceil(nnz_g / 8) steps.
 */
static u64 snpu_eng_sell_bytes(const struct snpu_eng_layer *el)
{
	u64 steps = (u64)el->groups * (el->k + 1) +
		    ((u64)el->nnz + SNPU_ENG_SELL_C - 1) / SNPU_ENG_SELL_C;

	return SNPU_ENG_ALIGN8(4 * (snpu_eng_sell_slices(el) + 1)) +
	       SNPU_ENG_ALIGN8(4 * (u64)el->oc) + 4 * SNPU_ENG_SELL_C * steps;
}

/* Fill the sliced form from the CSR arrays already in @base. */
static int snpu_eng_build_sell(struct snpu_eng_layer *el, u8 *base)
{
	const u32 *rowptr = (const u32 *)(base + el->off_rowptr);
	const u32 *col = (const u32 *)(base + el->off_col);
	const s8 *val = (const s8 *)(base + el->off_val);
	u64 slices = snpu_eng_sell_slices(el);
	u32 *sptr = (u32 *)(base + el->off_sell);
	u32 *perm = (u32 *)((u8 *)sptr + SNPU_ENG_ALIGN8(4 * (slices + 1)));
	u32 *steps = (u32 *)((u8 *)perm + SNPU_ENG_ALIGN8(4 * (u64)el->oc));
	u64 cap = (snpu_eng_sell_bytes(el) -
		   ((u8 *)steps - (u8 *)sptr)) / (4 * SNPU_ENG_SELL_C);
	u64 cur = 0, sl = 0;
	u32 g, i, t, len;

	for (g = 0; g < el->groups; g++) {
		const u32 *rp = rowptr + (u64)g * el->ocg;
		u32 *pg = perm + (u64)g * el->ocg;
		u32 p0;

		/* Insertion sort, longest first, stable. */
		for (i = 0; i < el->ocg; i++) {
			u32 r = i, j = i;

			len = rp[r + 1] - rp[r];
			for (; j > 0 && rp[pg[j - 1] + 1] - rp[pg[j - 1]] < len; j--)
				pg[j] = pg[j - 1];
			pg[j] = r;
		}
		for (p0 = 0; p0 < el->ocg; p0 += SNPU_ENG_SELL_C, sl++) {
			u32 n = el->ocg - p0 < SNPU_ENG_SELL_C ?
				el->ocg - p0 : SNPU_ENG_SELL_C;
			u32 steps_here = rp[pg[p0] + 1] - rp[pg[p0]];

			sptr[sl] = (u32)cur;
			if (cur + steps_here > cap)
				return -1;
			for (t = 0; t < steps_here; t++) {
				u32 *e = steps + (cur + t) * SNPU_ENG_SELL_C;

				for (i = 0; i < SNPU_ENG_SELL_C; i++) {
					u32 r = pg[p0 + (i < n ? i : 0)];
					u32 j = rp[r] + t;

					e[i] = 0;
					if (i < n && j < rp[r + 1])
						e[i] = col[j] << 16 |
						       (u16)(s16)val[j];
				}
			}
			cur += steps_here;
		}
	}
	sptr[sl] = (u32)cur;
	el->sell_steps = (u32)cur;
	return 0;
}

/* Bytes of one group's window form of an N:M layer. */
static u64 snpu_eng_nm_group_bytes(const struct snpu_eng_layer *el)
{
	u64 blocks = (el->ocg + SNPU_ENG_NM_ROWS - 1) / SNPU_ENG_NM_ROWS;

	/* kept / 2 steps of 32 bytes per block and window */
	return blocks * el->nm_windows * el->nm_kept * 16;
}

/*
 * Fill the window form and its bias from the CSR arrays and the folded
 * bias already in @base (see @off_nm in snpu_engine_impl.h).
 */
static int snpu_eng_build_nm(struct snpu_eng_layer *el, u8 *base)
{
	const u32 *rowptr = (const u32 *)(base + el->off_rowptr);
	const u32 *col = (const u32 *)(base + el->off_col);
	const s8 *val = (const s8 *)(base + el->off_val);
	const s32 *bias = (const s32 *)(base + el->off_bias);
	s32 *nbias = (s32 *)(base + el->off_nm_bias);
	u8 *form = base + el->off_nm;
	u64 gbytes = snpu_eng_nm_group_bytes(el);
	u32 kept = el->nm_kept, per_lane = 8 / kept;
	u64 wbytes = (u64)kept * 16;
	u32 o, j;

	memset(form, 0, gbytes * el->groups);
	for (o = 0; o < el->oc; o++) {
		u32 r = o % el->ocg, in_blk = r % SNPU_ENG_NM_ROWS;
		u32 lane = in_blk / 4, step = in_blk % 4 / per_lane;
		u32 first = in_blk % 4 % per_lane * kept;
		u8 *blk = form + gbytes * (o / el->ocg) +
			  (u64)(r / SNPU_ENG_NM_ROWS) * el->nm_windows * wbytes;
		u32 win = ~0u, used = 0, sum = 0;

		for (j = rowptr[o]; j < rowptr[o + 1]; j++) {
			u8 *e;

			if (col[j] / SNPU_ENG_NM_WIN != win) {
				win = col[j] / SNPU_ENG_NM_WIN;
				used = 0;
			}
			/* N:M rows keep at most @kept per window. */
			if (used == kept)
				return -1;
			e = blk + win * wbytes + 32 * step + 16 * lane +
			    2 * (first + used++);
			e[0] = (u8)(col[j] % SNPU_ENG_NM_WIN);
			e[1] = (u8)val[j];
			sum += (u32)(s32)val[j];
		}
		nbias[o] = (s32)((u32)bias[o] - 128u * sum);
	}
	return 0;
}
#endif

/* Place a weighted layer's arrays from *@cur on; false on overflow. */
static bool snpu_eng_place(struct snpu_eng_layer *el, u64 *cur)
{
	u64 oc = el->oc;

	el->off_bias = snpu_eng_take(cur, 4 * oc);
	el->off_mult = snpu_eng_take(cur, 4 * oc);
	el->off_shift = snpu_eng_take(cur, 4 * oc);
	el->off_colcnt = snpu_eng_take(cur, 4 * (u64)el->groups * el->k);
	if (el->sparse) {
		el->off_rowptr = snpu_eng_take(cur, 4 * (oc + 1));
		el->off_col = snpu_eng_take(cur, 4 * (u64)el->nnz);
		el->off_val = snpu_eng_take(cur, el->nnz);
	} else {
		el->off_w = snpu_eng_take(cur, oc * el->k);
	}
#ifdef SNPU_ENG_X86_SIMD
	if (snpu_eng_want_sell(el))
		el->off_sell = snpu_eng_take(cur, snpu_eng_sell_bytes(el));
	if (el->nm_kept) {
		el->off_nm_bias = snpu_eng_take(cur, 4 * oc);
		/* Whole cache lines for the kernel's 32-byte loads. */
		*cur = (*cur + 63) & ~(u64)63;
		el->off_nm = snpu_eng_take(cur, snpu_eng_nm_group_bytes(el) *
					   el->groups);
	}
#endif
	return *cur <= 0xffffffffu;
}

/*
 * Lay the prepared model out and, when @m is not NULL, fill it. Returns
 * the bytes it takes, 0 for a view this engine cannot run.
 */
static u64 snpu_eng_build(const struct snpu_model_view *view, const u8 *blob,
			  struct snpu_eng_model *m)
{
	struct snpu_eng_layer tmp;
	u64 cur = SNPU_ENG_ALIGN8(sizeof(struct snpu_eng_model));
	u64 work = 0;
	u32 i;

	if (!view || !blob || view->n_tensors > SNPU_MODEL_MAX_TENSORS ||
	    view->n_layers > SNPU_MODEL_MAX_LAYERS || !view->n_layers ||
	    view->input >= view->n_tensors || view->output >= view->n_tensors)
		return 0;
	if (m) {
		memset(m, 0, sizeof(*m));
		m->magic = SNPU_ENG_MAGIC;
		m->version = SNPU_ENG_VERSION;
		m->n_tensors = view->n_tensors;
		m->n_layers = view->n_layers;
		m->input = view->input;
		m->output = view->output;
	}
	for (i = 0; i < view->n_tensors; i++) {
		const struct snpu_tensor_view *t = &view->tensors[i];

		if ((u64)t->h * t->w * t->c != t->bytes || !t->bytes ||
		    t->bytes > SNPU_MODEL_MAX_TENSOR_BYTES ||
		    t->zero_point < -128 || t->zero_point > 127)
			return 0;
		if (m) {
			m->tensors[i].h = t->h;
			m->tensors[i].w = t->w;
			m->tensors[i].c = t->c;
			m->tensors[i].zp = t->zero_point;
			m->tensors[i].bytes = t->bytes;
		}
	}
	for (i = 0; i < view->n_layers; i++) {
		const struct snpu_layer_view *lv = &view->layers[i];
		struct snpu_eng_layer *el = m ? &m->layers[i] : &tmp;

		if (snpu_eng_setup_layer(view, lv, el))
			return 0;
		if (el->op == SNPU_OP_FC || el->op == SNPU_OP_CONV2D) {
			u64 wb;

			if (snpu_eng_decode(view, blob, lv, el, NULL))
				return 0;
			if (!snpu_eng_place(el, &cur))
				return 0;
			if (m && snpu_eng_decode(view, blob, lv, el, (u8 *)m))
				return 0;
#ifdef SNPU_ENG_X86_SIMD
			if (m && el->off_sell && snpu_eng_build_sell(el, (u8 *)m))
				return 0;
			if (m && el->off_nm && snpu_eng_build_nm(el, (u8 *)m))
				return 0;
#endif
			wb = snpu_eng_work_bytes(el->k);
			if (wb > work)
				work = wb;
		}
	}
	if (m) {
		m->size = cur;
		m->work = work;
	}
	return cur;
}

size_t snpu_engine_prepared_size(const struct snpu_model_view *view,
				 const void *blob)
{
	return (size_t)snpu_eng_build(view, blob, NULL);
}

int snpu_engine_prepare(const struct snpu_model_view *view, const void *blob,
			void *mem, size_t size)
{
	u64 need = snpu_eng_build(view, blob, NULL);

	if (!need)
		return -SNPU_ENGINE_E_MODEL;
	if (!mem || size < need || ((uintptr_t)mem & 7))
		return -SNPU_ENGINE_E_SPACE;
	if (snpu_eng_build(view, blob, mem) != need)
		return -SNPU_ENGINE_E_MODEL;
	return 0;
}

/* The prepared model at @model, or NULL when it is not one. */
static const struct snpu_eng_model *snpu_eng_model(const void *model)
{
	const struct snpu_eng_model *m = model;

	if (!m || m->magic != SNPU_ENG_MAGIC ||
	    m->version != SNPU_ENG_VERSION || !m->n_layers ||
	    m->n_layers > SNPU_MODEL_MAX_LAYERS ||
	    m->n_tensors > SNPU_MODEL_MAX_TENSORS ||
	    m->input >= m->n_tensors || m->output >= m->n_tensors)
		return NULL;
	return m;
}

size_t snpu_engine_model_size(const void *model)
{
	const struct snpu_eng_model *m = snpu_eng_model(model);

	return m ? (size_t)m->size : 0;
}

u32 snpu_engine_layer_count(const void *model)
{
	const struct snpu_eng_model *m = snpu_eng_model(model);

	return m ? m->n_layers : 0;
}

u32 snpu_engine_input_bytes(const void *model)
{
	const struct snpu_eng_model *m = snpu_eng_model(model);

	return m ? m->tensors[m->input].bytes : 0;
}

u32 snpu_engine_output_bytes(const void *model)
{
	const struct snpu_eng_model *m = snpu_eng_model(model);

	return m ? m->tensors[m->output].bytes : 0;
}

/* Does tensor @t live in the scratch arena? */
static bool snpu_eng_in_arena(const struct snpu_eng_model *m, u32 t)
{
	u32 i;

	if (t == m->input || t == m->output)
		return false;
	for (i = 0; i < m->n_layers; i++)
		if (m->layers[i].out == t)
			return true;
	return false;
}

/* Arena offset of tensor @t for @batch samples; *@end past the arena. */
static u64 snpu_eng_arena(const struct snpu_eng_model *m, u32 t, u32 batch)
{
	u64 off = 0;
	u32 i;

	for (i = 0; i < m->n_tensors && i < t; i++)
		if (snpu_eng_in_arena(m, i))
			off += SNPU_ENG_ALIGN8((u64)m->tensors[i].bytes * batch);
	return off;
}

static u64 snpu_eng_scratch(const struct snpu_eng_model *m, u32 batch)
{
	return snpu_eng_arena(m, m->n_tensors, batch) + m->work;
}

const s8 *snpu_engine_tensor(const void *model, u32 t, const s8 *in,
			     const s8 *out, const void *scratch, u32 batch)
{
	const struct snpu_eng_model *m = snpu_eng_model(model);

	if (!m || t >= m->n_tensors || !batch)
		return NULL;
	if (t == m->input)
		return in;
	if (t == m->output)
		return out;
	return (const s8 *)scratch + snpu_eng_arena(m, t, batch);
}

size_t snpu_engine_scratch_size(const void *model, u32 batch)
{
	const struct snpu_eng_model *m = snpu_eng_model(model);
	u64 s;

	if (!m || !batch)
		return 0;
	/* Never 0, which would read as an error: at least 8 bytes. */
	s = snpu_eng_scratch(m, batch);
	if (s < 8)
		s = 8;
	return s > (size_t)-1 ? (size_t)-1 : (size_t)s;
}

/* ---------------------------------------------------------------------
 * Run
 */

struct snpu_eng_run {
	const struct snpu_eng_model *m;
	const u8 *base;
	const s8 *in;
	s8 *out;
	u8 *scratch;
	u8 *work;
	u32 batch;
	bool avx2;
	bool zskip;
	const struct snpu_engine_ctx *ctx;
	u64 since_yield;
	u64 skip_act;
};

/* Count @work done; ask ctx->yield when enough has piled up. */
static int snpu_eng_tick(struct snpu_eng_run *r, u64 work)
{
	r->since_yield += work;
	if (r->since_yield < SNPU_ENG_YIELD_WORK)
		return 0;
	r->since_yield = 0;
	if (r->ctx && r->ctx->yield && r->ctx->yield(r->ctx->yield_data))
		return -SNPU_ENGINE_E_ABORTED;
	return 0;
}

static const s8 *snpu_eng_src(struct snpu_eng_run *r, u32 t)
{
	if (t == r->m->input)
		return r->in;
	if (t == r->m->output)
		return r->out;
	return (const s8 *)r->scratch + snpu_eng_arena(r->m, t, r->batch);
}

static s8 *snpu_eng_dst(struct snpu_eng_run *r, u32 t)
{
	if (t == r->m->output)
		return r->out;
	return (s8 *)r->scratch + snpu_eng_arena(r->m, t, r->batch);
}

static void snpu_eng_mat(const struct snpu_eng_run *r,
			 const struct snpu_eng_layer *l, u32 g,
			 struct snpu_eng_mat *mat, struct snpu_eng_rq *rq)
{
	u64 row0 = (u64)g * l->ocg;

	mat->rows = l->ocg;
	mat->k = l->k;
	if (l->sparse) {
		mat->w = NULL;
		mat->rowptr = (const u32 *)(r->base + l->off_rowptr) + row0;
		mat->col = (const u32 *)(r->base + l->off_col);
		mat->val = (const s8 *)(r->base + l->off_val);
	} else {
		mat->w = (const s8 *)(r->base + l->off_w) + row0 * l->k;
		mat->rowptr = NULL;
		mat->col = NULL;
		mat->val = NULL;
	}
	mat->sell_ptr = NULL;
	mat->sell_perm = NULL;
	mat->sell = NULL;
	if (l->off_sell) {
		u64 spg = (l->ocg + SNPU_ENG_SELL_C - 1) / SNPU_ENG_SELL_C;
		u64 slices = spg * l->groups;
		const u32 *sptr = (const u32 *)(r->base + l->off_sell);
		const u32 *perm = (const u32 *)((const u8 *)sptr +
						SNPU_ENG_ALIGN8(4 * (slices + 1)));

		mat->sell_ptr = sptr + g * spg;
		mat->sell_perm = perm + row0;
		mat->sell = (const u32 *)((const u8 *)perm +
					  SNPU_ENG_ALIGN8(4 * (u64)l->oc));
	}
	mat->nm = NULL;
	mat->nm_bias = NULL;
	mat->nm_kept = l->nm_kept;
	mat->nm_windows = l->nm_windows;
	if (l->off_nm) {
		u64 blocks = (l->ocg + SNPU_ENG_NM_ROWS - 1) / SNPU_ENG_NM_ROWS;

		mat->nm = r->base + l->off_nm +
			  g * blocks * l->nm_windows * l->nm_kept * 16;
		mat->nm_bias = (const s32 *)(r->base + l->off_nm_bias) + row0;
	}
	rq->bias = (const s32 *)(r->base + l->off_bias) + row0;
	rq->mult = (const s32 *)(r->base + l->off_mult) + row0;
	rq->shift = (const s32 *)(r->base + l->off_shift) + row0;
	rq->zp = r->m->tensors[l->out].zp;
	rq->min = l->act_min;
	rq->max = l->act_max;
}

/* Entries of rows [r0, r1) of @mat: the work of one vector. */
static u64 snpu_eng_entries(const struct snpu_eng_mat *mat, u32 r0, u32 r1)
{
	if (mat->w)
		return (u64)(r1 - r0) * mat->k;
	return mat->rowptr[r1] - mat->rowptr[r0];
}

/* Outputs of @n consecutive rows from row @r0 on: y[i] for row r0 + i. */
static void snpu_eng_out_rows(const struct snpu_eng_run *r,
			      const struct snpu_eng_rq *rq, const s32 *acc,
			      u32 n, u32 r0, s8 *y)
{
	u32 i;

#ifdef SNPU_ENG_X86_SIMD
	if (r->avx2) {
		snpu_qs8_requant_rows_ukernel__avx2(n, acc, rq, r0, y);
		return;
	}
#endif
	for (i = 0; i < n; i++)
		y[i] = snpu_eng_out(rq, r0 + i, acc[i]);
}

#ifdef SNPU_ENG_X86_SIMD
/* One vector against the sliced-ELLPACK rows (AVX2 gathers). */
static int snpu_eng_gemv_sell(struct snpu_eng_run *r,
			      const struct snpu_eng_mat *mat,
			      const struct snpu_eng_rq *rq, const s16 *x16,
			      s8 *y)
{
	s32 acc[SNPU_ENG_ROWS];
	u32 p0, n, i, s0;
	int ret;

	for (p0 = 0; p0 < mat->rows; p0 += n) {
		n = mat->rows - p0;
		if (n > SNPU_ENG_ROWS)
			n = SNPU_ENG_ROWS;
		s0 = p0 / SNPU_ENG_SELL_C;
		snpu_qs8_fc_sell_ukernel_8x1__avx2((n + SNPU_ENG_SELL_C - 1) /
						   SNPU_ENG_SELL_C,
						   mat->sell_ptr + s0,
						   mat->sell, x16, acc);
		for (i = 0; i < n; i++) {
			u32 o = mat->sell_perm[p0 + i];

			y[o] = snpu_eng_out(rq, o, acc[i]);
		}
		ret = snpu_eng_tick(r, (u64)(mat->sell_ptr[s0 + (n + 7) / 8] -
					     mat->sell_ptr[s0]) * 8 + n);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * One vector against the N:M window form (AVX2 byte shuffles). The
 * kernel multiplies x + 128, so the rows take the bias that subtracts
 * 128 times the row sum again; the wrapping sum is the scalar one.
 */
static int snpu_eng_gemv_nm(struct snpu_eng_run *r,
			    const struct snpu_eng_mat *mat,
			    const struct snpu_eng_rq *rq, const s8 *x, s8 *y)
{
	struct snpu_eng_rq nrq = *rq;
	u64 wbytes = (u64)mat->nm_kept * 16;
	s32 acc[SNPU_ENG_ROWS];
	u8 *xu = r->work;
	u32 r0, n;
	int ret;

	snpu_qs8_qu8_convert_ukernel__avx2(mat->k, mat->nm_windows *
					   SNPU_ENG_NM_WIN, x, xu);
	nrq.bias = mat->nm_bias;
	/* SNPU_ENG_ROWS is a multiple of SNPU_ENG_NM_ROWS. */
	for (r0 = 0; r0 < mat->rows; r0 += n) {
		const u8 *form = mat->nm + (u64)(r0 / SNPU_ENG_NM_ROWS) *
				 mat->nm_windows * wbytes;

		n = mat->rows - r0;
		if (n > SNPU_ENG_ROWS)
			n = SNPU_ENG_ROWS;
		snpu_qs8_fc_nm_ukernel_8x16__avx2((n + SNPU_ENG_NM_ROWS - 1) /
						  SNPU_ENG_NM_ROWS,
						  mat->nm_windows,
						  mat->nm_kept, xu, form, acc);
		snpu_eng_out_rows(r, &nrq, acc, n, r0, y + r0);
		ret = snpu_eng_tick(r, snpu_eng_entries(mat, r0, r0 + n) + n);
		if (ret)
			return ret;
	}
	return 0;
}
#endif

/* One vector, rows in chunks, scalar kernels (and the AVX2 gemv). */
static int snpu_eng_gemv(struct snpu_eng_run *r, const struct snpu_eng_mat *mat,
			 const struct snpu_eng_rq *rq, const s8 *x, s8 *y)
{
	s32 acc[SNPU_ENG_ROWS];
	u32 r0, n, i;
	int ret;
#ifdef SNPU_ENG_X86_SIMD
	s16 *x16 = (s16 *)r->work;

	if (r->avx2 && mat->nm)
		return snpu_eng_gemv_nm(r, mat, rq, x, y);
	if (r->avx2 && (mat->w || mat->sell_ptr)) {
		snpu_qs8_widen_ukernel__avx2(mat->k, x, x16);
		/* The gather reads one int16 past the last column. */
		x16[mat->k] = 0;
	}
	if (r->avx2 && mat->sell_ptr)
		return snpu_eng_gemv_sell(r, mat, rq, x16, y);
#endif

	for (r0 = 0; r0 < mat->rows; r0 += n) {
		n = mat->rows - r0;
		if (n > SNPU_ENG_ROWS)
			n = SNPU_ENG_ROWS;
		if (!mat->w) {
			snpu_qs8_fc_csr_ukernel_1x1__scalar(n, mat->rowptr + r0,
							    mat->col, mat->val,
							    x, acc);
		} else {
			const s8 *w = mat->w + (u64)r0 * mat->k;

			for (i = 0; i + 4 <= n; i += 4) {
#ifdef SNPU_ENG_X86_SIMD
				if (r->avx2) {
					snpu_qs8_fc_dense_ukernel_1x4__avx2(mat->k,
									    x16,
									    w + (u64)i * mat->k,
									    acc + i);
					continue;
				}
#endif
				snpu_qs8_fc_dense_ukernel_1x4__scalar(mat->k, x,
								      w + (u64)i * mat->k,
								      acc + i);
			}
			for (; i < n; i++)
				acc[i] = snpu_qs8_fc_dense_ukernel_1x1__scalar(mat->k, x,
									       w + (u64)i * mat->k);
		}
		snpu_eng_out_rows(r, rq, acc, n, r0, y + r0);
		ret = snpu_eng_tick(r, snpu_eng_entries(mat, r0, r0 + n) + n);
		if (ret)
			return ret;
	}
	return 0;
}

#ifdef SNPU_ENG_X86_SIMD
/* Up to SNPU_ENG_TILE vectors at once, batch-contiguous (AVX2). */
static int snpu_eng_gemm_batch(struct snpu_eng_run *r,
			       const struct snpu_eng_mat *mat,
			       const struct snpu_eng_rq *rq, const s8 *x,
			       u32 nv, u32 xstride, s8 *y, u32 ystride)
{
	s32 acc[SNPU_ENG_TILE];
	u32 bp = (nv + 15) & ~15u;
	s16 *xt = (s16 *)r->work;
	u32 o;
	int ret;

	snpu_qs8_transpose_ukernel__avx2(nv, mat->k, x, xstride, bp, xt);
	for (o = 0; o < mat->rows; o++) {
		snpu_qs8_spmm_ukernel_64x2__avx2(mat, o, xt, bp, acc);
		snpu_qs8_requant_ukernel__avx2(nv, acc, rq->bias[o],
					       rq->mult[o], rq->shift[o], rq,
					       y + o, ystride);
		ret = snpu_eng_tick(r, (snpu_eng_entries(mat, o, o + 1) + 1) *
				    bp);
		if (ret)
			return ret;
	}
	return 0;
}
#endif

/*
 * Rows of group @g of layer @l against @nv vectors @xstride apart; output
 * of vector v row o at y[v * ystride + o].
 */
static int snpu_eng_gemm(struct snpu_eng_run *r, const struct snpu_eng_layer *l,
			 u32 g, const s8 *x, u32 nv, u32 xstride, s8 *y,
			 u32 ystride)
{
	struct snpu_eng_mat mat;
	struct snpu_eng_rq rq;
	u32 v, n;
	int ret;

	snpu_eng_mat(r, l, g, &mat, &rq);
	if (r->zskip) {
		const u32 *cnt = (const u32 *)(r->base + l->off_colcnt) +
				 (u64)g * l->k;
		s8 zp = (s8)r->m->tensors[l->in].zp;

		for (v = 0; v < nv; v++)
			r->skip_act += snpu_qs8_zero_count_ukernel__scalar(l->k,
									   x + (u64)v * xstride,
									   zp, cnt);
	}
	for (v = 0; v < nv; v += n) {
		n = nv - v;
#ifdef SNPU_ENG_X86_SIMD
		if (r->avx2 && n >= SNPU_ENG_BATCH_MIN) {
			u32 tile = snpu_eng_tile(l->k);

			if (n > tile)
				n = tile;
			ret = snpu_eng_gemm_batch(r, &mat, &rq,
						  x + (u64)v * xstride, n,
						  xstride, y + (u64)v * ystride,
						  ystride);
			if (ret)
				return ret;
			continue;
		}
#endif
		n = 1;
		ret = snpu_eng_gemv(r, &mat, &rq, x + (u64)v * xstride,
				    y + (u64)v * ystride);
		if (ret)
			return ret;
	}
	return 0;
}

static int snpu_eng_fc(struct snpu_eng_run *r, const struct snpu_eng_layer *l)
{
	return snpu_eng_gemm(r, l, 0, snpu_eng_src(r, l->in), r->batch, l->k,
			     snpu_eng_dst(r, l->out), l->oc);
}

/* Patch of output pixel (oy, ox), group @g, into @p (k bytes). */
static void snpu_eng_im2col(const struct snpu_eng_layer *l,
			    const struct snpu_eng_tensor *ti, const s8 *x,
			    u32 g, u32 oy, u32 ox, s8 *p)
{
	u32 ky, kx;

	for (ky = 0; ky < l->kh; ky++) {
		s64 iy = (s64)oy * l->sh - l->pt + (s64)ky * l->dh;

		for (kx = 0; kx < l->kw; kx++) {
			s64 ix = (s64)ox * l->sw - l->pl + (s64)kx * l->dw;

			if (iy < 0 || iy >= ti->h || ix < 0 || ix >= ti->w)
				memset(p, (u8)ti->zp, l->cg);
			else
				memcpy(p, x + ((u64)iy * ti->w + ix) * ti->c +
				       (u64)g * l->cg, l->cg);
			p += l->cg;
		}
	}
}

static int snpu_eng_conv(struct snpu_eng_run *r,
			 const struct snpu_eng_layer *l)
{
	const struct snpu_eng_tensor *ti = &r->m->tensors[l->in];
	const struct snpu_eng_tensor *to = &r->m->tensors[l->out];
	const s8 *x = snpu_eng_src(r, l->in);
	s8 *y = snpu_eng_dst(r, l->out);
	u32 tile = snpu_eng_tile(l->k);
	u32 npix = to->h * to->w;
	s8 *patches;
	u32 b, p0, n, g, i;
	int ret;

	/* Patches first, the kernels' own area after them. */
	patches = (s8 *)r->work;
	r->work += SNPU_ENG_ALIGN8((u64)tile * l->k);
	for (b = 0; b < r->batch; b++) {
		const s8 *xb = x + (u64)b * ti->bytes;
		s8 *yb = y + (u64)b * to->bytes;

		for (p0 = 0; p0 < npix; p0 += n) {
			n = npix - p0 < tile ? npix - p0 : tile;
			for (g = 0; g < l->groups; g++) {
				for (i = 0; i < n; i++)
					snpu_eng_im2col(l, ti, xb, g,
							(p0 + i) / to->w,
							(p0 + i) % to->w,
							patches + (u64)i * l->k);
				ret = snpu_eng_gemm(r, l, g, patches, n, l->k,
						    yb + (u64)p0 * l->oc +
						    (u64)g * l->ocg, l->oc);
				if (ret)
					goto out;
			}
		}
	}
	ret = 0;
out:
	r->work = (u8 *)patches;
	return ret;
}

/* One output of a pool: the window rows [ky0, ky1) x [kx0, kx1). */
static s8 snpu_eng_pool_one(const struct snpu_eng_layer *l,
			    const struct snpu_eng_tensor *ti, s32 zp,
			    const s8 *x, s64 y0, s64 x0)
{
	u32 ky0 = y0 < 0 ? (u32)-y0 : 0, kx0 = x0 < 0 ? (u32)-x0 : 0;
	u32 ky1 = l->kh, kx1 = l->kw, ky, kx;
	s32 sum = 0, max = -128, cnt = 0, v;

	if (y0 + ky1 > ti->h)
		ky1 = y0 >= ti->h ? 0 : (u32)(ti->h - y0);
	if (x0 + kx1 > ti->w)
		kx1 = x0 >= ti->w ? 0 : (u32)(ti->w - x0);
	for (ky = ky0; ky < ky1; ky++) {
		const s8 *xr = x + (u64)(y0 + ky) * ti->w * ti->c;

		for (kx = kx0; kx < kx1; kx++) {
			s32 xv = xr[(u64)(x0 + kx) * ti->c];

			sum += xv;
			max = xv > max ? xv : max;
			cnt++;
		}
	}
	if (!cnt)
		v = zp;
	else if (l->op == SNPU_OP_MAXPOOL)
		v = max;
	else if (sum > 0)
		v = (sum + cnt / 2) / cnt;
	else
		v = (sum - cnt / 2) / cnt;
	v = v < l->act_min ? l->act_min : v;
	return (s8)(v > l->act_max ? l->act_max : v);
}

static int snpu_eng_pool(struct snpu_eng_run *r,
			 const struct snpu_eng_layer *l)
{
	const struct snpu_eng_tensor *ti = &r->m->tensors[l->in];
	const struct snpu_eng_tensor *to = &r->m->tensors[l->out];
	const s8 *x = snpu_eng_src(r, l->in);
	s8 *y = snpu_eng_dst(r, l->out);
	u32 b, oy, ox, c;
	int ret;

	for (b = 0; b < r->batch; b++) {
		const s8 *xb = x + (u64)b * ti->bytes;

		for (oy = 0; oy < to->h; oy++) {
			s8 *yr = y + (u64)b * to->bytes +
				 (u64)oy * to->w * to->c;

			for (ox = 0; ox < to->w; ox++)
				for (c = 0; c < to->c; c++)
					yr[(u64)ox * to->c + c] =
						snpu_eng_pool_one(l, ti, to->zp,
								  xb + c,
								  (s64)oy * l->sh - l->pt,
								  (s64)ox * l->sw - l->pl);
			ret = snpu_eng_tick(r, (u64)to->w * to->c * l->kh *
					    l->kw);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* SaturatingRoundingDoublingHighMul then RoundingDivideByPOT. */
static s32 snpu_eng_add_scale(s32 x, s32 mult, s32 shift)
{
	return snpu_eng_requant(x, mult, shift);
}

static int snpu_eng_add(struct snpu_eng_run *r, const struct snpu_eng_layer *l)
{
	const s8 *x1 = snpu_eng_src(r, l->in);
	const s8 *x2 = snpu_eng_src(r, l->in2);
	s8 *y = snpu_eng_dst(r, l->out);
	s32 zp1 = r->m->tensors[l->in].zp;
	s32 zp2 = r->m->tensors[l->in2].zp;
	s32 zpo = r->m->tensors[l->out].zp;
	u64 n = (u64)r->m->tensors[l->out].bytes * r->batch, i;
	int ret;

	for (i = 0; i < n; i++) {
		s32 a = (x1[i] - zp1) * (1 << l->add_ls);
		s32 b = (x2[i] - zp2) * (1 << l->add_ls);
		s32 v = snpu_eng_add_scale(snpu_eng_add_scale(a, l->add_m1,
							      l->add_s1) +
					   snpu_eng_add_scale(b, l->add_m2,
							      l->add_s2),
					   l->add_mo, l->add_so) + zpo;

		v = v < l->act_min ? l->act_min : v;
		y[i] = (s8)(v > l->act_max ? l->act_max : v);
		if ((i & 0xffff) == 0xffff) {
			ret = snpu_eng_tick(r, 0x10000);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Count the layer's work with the cost model; add it to @cnt. */
static void snpu_eng_account(struct snpu_eng_run *r,
			     const struct snpu_eng_layer *l,
			     struct snpu_counters *cnt, struct snpu_counters *lc)
{
	const struct snpu_eng_tensor *to = &r->m->tensors[l->out];
	struct snpu_cost_shape s = {
		.op = l->op,
		.encoding = SNPU_ENC_DENSE,
		.in_bytes = r->m->tensors[l->in].bytes,
		.out_bytes = to->bytes,
		.window = (u32)l->kh * l->kw,
	};
	struct snpu_counters c;

	if (l->op == SNPU_OP_ADD)
		s.in2_bytes = r->m->tensors[l->in2].bytes;
	if (l->op == SNPU_OP_FC || l->op == SNPU_OP_CONV2D) {
		s.encoding = l->enc;
		s.positions = l->op == SNPU_OP_FC ? 1 : to->h * to->w;
		s.rows = l->oc;
		s.dense = (u64)l->oc * l->k;
		s.stored = l->stored;
		s.param_bytes = l->param_bytes;
	}
	snpu_cost_count(r->ctx ? r->ctx->plat : NULL, &s, r->batch,
			r->skip_act, &c);
	snpu_counters_add(cnt, &c);
	if (lc)
		*lc = c;
}

int snpu_engine_run(const void *model, const s8 *in, s8 *out, u32 batch,
		    void *scratch, size_t scratch_size,
		    const struct snpu_engine_ctx *ctx)
{
	const struct snpu_eng_model *m = snpu_eng_model(model);
	struct snpu_counters local;
	struct snpu_counters *cnt = ctx && ctx->counters ? ctx->counters :
				     &local;
	struct snpu_eng_run r;
	u32 i;
	int ret = 0;

	memset(cnt, 0, sizeof(*cnt));
	if (ctx && ctx->layers)
		memset(ctx->layers, 0, sizeof(*ctx->layers) * ctx->n_layers);
	if (!m)
		return -SNPU_ENGINE_E_MODEL;
	if (!batch)
		return -SNPU_ENGINE_E_BATCH;
	if (!in || !out || !scratch || ((uintptr_t)scratch & 7) ||
	    scratch_size < snpu_eng_scratch(m, batch))
		return -SNPU_ENGINE_E_SPACE;

	memset(&r, 0, sizeof(r));
	r.m = m;
	r.base = model;
	r.in = in;
	r.out = out;
	r.scratch = scratch;
	r.work = (u8 *)scratch + snpu_eng_arena(m, m->n_tensors, batch);
	r.batch = batch;
	r.avx2 = snpu_eng_use_avx2();
	r.zskip = ctx && ctx->plat &&
		  (ctx->plat->features & SNPU_FEAT_ACT_ZERO_SKIP);
	r.ctx = ctx;

	for (i = 0; i < m->n_layers && !ret; i++) {
		const struct snpu_eng_layer *l = &m->layers[i];

		r.skip_act = 0;
		switch (l->op) {
		case SNPU_OP_FC:
			ret = snpu_eng_fc(&r, l);
			break;
		case SNPU_OP_CONV2D:
			ret = snpu_eng_conv(&r, l);
			break;
		case SNPU_OP_MAXPOOL:
		case SNPU_OP_AVGPOOL:
			ret = snpu_eng_pool(&r, l);
			break;
		case SNPU_OP_ADD:
			ret = snpu_eng_add(&r, l);
			break;
		case SNPU_OP_RESHAPE:
			memcpy(snpu_eng_dst(&r, l->out),
			       snpu_eng_src(&r, l->in),
			       (size_t)m->tensors[l->out].bytes * batch);
			ret = snpu_eng_tick(&r, (u64)m->tensors[l->out].bytes *
					    batch);
			break;
		default:
			ret = -SNPU_ENGINE_E_MODEL;
			break;
		}
		if (!ret)
			snpu_eng_account(&r, l, cnt,
					 ctx && ctx->layers &&
					 i < ctx->n_layers ?
					 &ctx->layers[i] : NULL);
	}
	if (!ret && m->output == m->input)
		memcpy(out, in, (size_t)m->tensors[m->output].bytes * batch);
	return ret;
}
