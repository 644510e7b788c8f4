// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Random test graphs; see snpu_tmodel.h.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_model_parse.h"
#include "snpu_tmodel.h"

/* xorshift32: deterministic, seeded per graph. */
static uint32_t snpu_tm_next(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static int snpu_tm_range(uint32_t *s, int lo, int hi)
{
	return lo + (int)(snpu_tm_next(s) % (uint32_t)(hi - lo + 1));
}

static void snpu_tm_tensor(struct snpu_tmodel *m, int i, uint32_t h,
			   uint32_t w, uint32_t c, uint32_t *s)
{
	m->t[i] = (struct snpu_pack_tensor){
		.h = h, .w = w, .c = c,
		.zero_point = snpu_tm_range(s, -20, 20),
		.scale = 0.05f,
	};
}

/* Same quantization as tensor @from: pools and reshape need it. */
static void snpu_tm_tensor_like(struct snpu_tmodel *m, int i, int from,
				uint32_t h, uint32_t w, uint32_t c)
{
	m->t[i] = m->t[from];
	m->t[i].h = h;
	m->t[i].w = w;
	m->t[i].c = c;
}

static int snpu_tm_ilog2(uint32_t v)
{
	int r = 0;

	while (v >>= 1)
		r++;
	return r;
}

/* Zero the weights a real pruner would, so they fit the encoding. */
static void snpu_tm_prune(int8_t *w, uint32_t rows, uint32_t k,
			  uint32_t enc, uint32_t variant, uint32_t *s)
{
	uint32_t r, c, g, i, n, mm, br, bc;

	switch (enc) {
	case SNPU_ENC_CSR:
		for (i = 0; i < rows * k; i++)
			if (snpu_tm_next(s) % 100 < 80)
				w[i] = 0;
		break;
	case SNPU_ENC_NM:
		snpu_nm_dims(variant, &n, &mm);
		for (r = 0; r < rows; r++) {
			for (g = 0; g < k; g += mm) {
				uint32_t len = k - g < mm ? k - g : mm;
				uint32_t keep = 0, pos;

				/* Keep at most n random positions of the group. */
				for (pos = 0; pos < len; pos++) {
					uint32_t left = len - pos;
					int8_t *v = &w[r * k + g + pos];

					if (keep < n &&
					    snpu_tm_next(s) % left < n - keep)
						keep++;
					else
						*v = 0;
				}
			}
		}
		break;
	case SNPU_ENC_BLOCK:
		snpu_block_dims(variant, &br, &bc);
		for (r = 0; r < rows; r += br) {
			for (c = 0; c < k; c += bc) {
				uint32_t rr, cc;

				if (snpu_tm_next(s) % 100 < 40)
					continue;
				for (rr = r; rr < r + br && rr < rows; rr++)
					for (cc = c; cc < c + bc && cc < k; cc++)
						w[rr * k + cc] = 0;
			}
		}
		break;
	default:
		break;
	}
}

/* A weighted layer (FC or conv2d) with random parameters. */
static int snpu_tm_weighted(struct snpu_tmodel *m, int li, uint32_t k,
			    uint32_t enc, uint32_t variant, int relu,
			    uint32_t *s)
{
	struct snpu_pack_layer *l = &m->l[li];
	uint32_t rows = l->out_channels, i;
	int32_t zp = m->t[l->output].zero_point;

	m->w[li] = malloc((size_t)rows * k);
	m->bias[li] = malloc(rows * sizeof(int32_t));
	m->mult[li] = malloc(rows * sizeof(int32_t));
	m->shift[li] = malloc(rows * sizeof(int32_t));
	if (!m->w[li] || !m->bias[li] || !m->mult[li] || !m->shift[li])
		return -ENOMEM;

	for (i = 0; i < rows * k; i++)
		m->w[li][i] = (int8_t)snpu_tm_range(s, -127, 127);
	snpu_tm_prune(m->w[li], rows, k, enc, variant, s);
	for (i = 0; i < rows; i++) {
		m->bias[li][i] = snpu_tm_range(s, -2000, 2000);
		m->mult[li][i] = (int32_t)((1u << 30) +
					   (snpu_tm_next(s) & ((1u << 30) - 1)));
		m->shift[li][i] = -(6 + snpu_tm_ilog2(k) / 2);
	}

	l->encoding = enc;
	l->variant = variant;
	l->weights = m->w[li];
	l->bias = m->bias[li];
	l->mult = m->mult[li];
	l->shift = m->shift[li];
	l->act_min = relu ? zp : -128;
	l->act_max = relu == 2 ? (zp + 60 > 127 ? 127 : zp + 60) : 127;
	return 0;
}

static void snpu_tm_link(struct snpu_tmodel *m, int li, uint32_t op,
			 uint32_t in, uint32_t out)
{
	m->l[li].op = op;
	m->l[li].input = in;
	m->l[li].output = out;
	m->l[li].input2 = SNPU_MODEL_NONE;
}

static void snpu_tm_window(struct snpu_pack_layer *l, uint16_t k,
			   uint16_t stride, uint16_t pad, uint16_t dil)
{
	l->kernel_h = k;
	l->kernel_w = k;
	l->stride_h = stride;
	l->stride_w = stride;
	l->pad_top = pad;
	l->pad_left = pad;
	l->pad_bottom = pad;
	l->pad_right = pad;
	l->dilation_h = dil;
	l->dilation_w = dil;
}

static int snpu_tm_mlp(struct snpu_tmodel *m, uint32_t enc, uint32_t var,
		       uint32_t *s)
{
	int ret;

	snpu_tm_tensor(m, 0, 1, 1, 96, s);
	snpu_tm_tensor(m, 1, 1, 1, 40, s);
	snpu_tm_tensor(m, 2, 1, 1, 10, s);
	snpu_tm_link(m, 0, SNPU_OP_FC, 0, 1);
	m->l[0].out_channels = 40;
	ret = snpu_tm_weighted(m, 0, 96, enc, var, 1, s);
	if (ret)
		return ret;
	snpu_tm_link(m, 1, SNPU_OP_FC, 1, 2);
	m->l[1].out_channels = 10;
	ret = snpu_tm_weighted(m, 1, 40, enc, var, 0, s);
	m->pm.n_tensors = 3;
	m->pm.n_layers = 2;
	m->pm.output = 2;
	return ret;
}

static int snpu_tm_cnn(struct snpu_tmodel *m, uint32_t enc, uint32_t var,
		       uint32_t *s)
{
	int ret;

	snpu_tm_tensor(m, 0, 10, 10, 4, s);
	/* conv 3x3, pad 1: 10x10x8, ReLU6-like clamp */
	snpu_tm_tensor(m, 1, 10, 10, 8, s);
	snpu_tm_link(m, 0, SNPU_OP_CONV2D, 0, 1);
	snpu_tm_window(&m->l[0], 3, 1, 1, 1);
	m->l[0].groups = 1;
	m->l[0].out_channels = 8;
	ret = snpu_tm_weighted(m, 0, 3 * 3 * 4, enc, var, 2, s);
	if (ret)
		return ret;
	/* max pool 2x2 stride 2: 5x5x8 */
	snpu_tm_tensor_like(m, 2, 1, 5, 5, 8);
	snpu_tm_link(m, 1, SNPU_OP_MAXPOOL, 1, 2);
	snpu_tm_window(&m->l[1], 2, 2, 0, 0);
	m->l[1].act_min = -128;
	m->l[1].act_max = 127;
	/* depthwise 3x3, dilation 2, pad 2: 5x5x8 */
	snpu_tm_tensor(m, 3, 5, 5, 8, s);
	snpu_tm_link(m, 2, SNPU_OP_CONV2D, 2, 3);
	snpu_tm_window(&m->l[2], 3, 1, 2, 2);
	m->l[2].groups = 8;
	m->l[2].out_channels = 8;
	ret = snpu_tm_weighted(m, 2, 3 * 3, enc, var, 1, s);
	if (ret)
		return ret;
	/* average pool 2x2 stride 1: 4x4x8 */
	snpu_tm_tensor_like(m, 4, 3, 4, 4, 8);
	snpu_tm_link(m, 3, SNPU_OP_AVGPOOL, 3, 4);
	snpu_tm_window(&m->l[3], 2, 1, 0, 0);
	m->l[3].act_min = -128;
	m->l[3].act_max = 127;
	/* FC 128 -> 10 */
	snpu_tm_tensor(m, 5, 1, 1, 10, s);
	snpu_tm_link(m, 4, SNPU_OP_FC, 4, 5);
	m->l[4].out_channels = 10;
	ret = snpu_tm_weighted(m, 4, 4 * 4 * 8, enc, var, 0, s);
	m->pm.n_tensors = 6;
	m->pm.n_layers = 5;
	m->pm.output = 5;
	return ret;
}

/* One FC whose 512 KiB of weights exceed a small SRAM: it is tiled. */
static int snpu_tm_wide(struct snpu_tmodel *m, uint32_t enc, uint32_t var,
			uint32_t *s)
{
	snpu_tm_tensor(m, 0, 1, 1, 2048, s);
	snpu_tm_tensor(m, 1, 1, 1, 256, s);
	snpu_tm_link(m, 0, SNPU_OP_FC, 0, 1);
	m->l[0].out_channels = 256;
	m->pm.n_tensors = 2;
	m->pm.n_layers = 1;
	m->pm.output = 1;
	return snpu_tm_weighted(m, 0, 2048, enc, var, 0, s);
}

/* One conv whose activations (2 x 144 KiB a sample) exceed 256 KiB. */
static int snpu_tm_big_act(struct snpu_tmodel *m, uint32_t enc, uint32_t var,
			   uint32_t *s)
{
	snpu_tm_tensor(m, 0, 96, 96, 16, s);
	snpu_tm_tensor(m, 1, 96, 96, 16, s);
	snpu_tm_link(m, 0, SNPU_OP_CONV2D, 0, 1);
	snpu_tm_window(&m->l[0], 3, 1, 1, 1);
	m->l[0].groups = 1;
	m->l[0].out_channels = 16;
	m->pm.n_tensors = 2;
	m->pm.n_layers = 1;
	m->pm.output = 1;
	return snpu_tm_weighted(m, 0, 3 * 3 * 16, enc, var, 1, s);
}

static int snpu_tm_residual(struct snpu_tmodel *m, uint32_t enc, uint32_t var,
			    uint32_t *s)
{
	struct snpu_pack_layer *add;
	int ret;

	snpu_tm_tensor(m, 0, 1, 1, 32, s);
	snpu_tm_tensor(m, 1, 1, 1, 16, s);
	snpu_tm_tensor(m, 2, 1, 1, 16, s);
	snpu_tm_tensor(m, 3, 1, 1, 16, s);
	snpu_tm_tensor_like(m, 4, 3, 2, 2, 4);
	snpu_tm_link(m, 0, SNPU_OP_FC, 0, 1);
	m->l[0].out_channels = 16;
	ret = snpu_tm_weighted(m, 0, 32, enc, var, 1, s);
	if (ret)
		return ret;
	snpu_tm_link(m, 1, SNPU_OP_FC, 0, 2);
	m->l[1].out_channels = 16;
	ret = snpu_tm_weighted(m, 1, 32, enc, var, 0, s);
	if (ret)
		return ret;

	snpu_tm_link(m, 2, SNPU_OP_ADD, 1, 3);
	add = &m->l[2];
	add->input2 = 2;
	add->act_min = -128;
	add->act_max = 127;
	add->add_left_shift = 20;
	add->add_in1_mult = (int32_t)((1u << 30) + (snpu_tm_next(s) >> 3));
	add->add_in1_shift = -1;
	add->add_in2_mult = (int32_t)((1u << 30) + (snpu_tm_next(s) >> 3));
	add->add_in2_shift = -1;
	add->add_out_mult = (int32_t)((1u << 30) + (snpu_tm_next(s) >> 3));
	add->add_out_shift = -19;

	snpu_tm_link(m, 3, SNPU_OP_RESHAPE, 3, 4);
	m->l[3].act_min = 0;
	m->l[3].act_max = 0;
	m->pm.n_tensors = 5;
	m->pm.n_layers = 4;
	m->pm.output = 4;
	return 0;
}

int snpu_tmodel_build(struct snpu_tmodel *m, enum snpu_tmodel_kind kind,
		      uint32_t encoding, uint32_t variant, unsigned int seed)
{
	uint32_t s = seed * 2654435761u + 1;
	char err[256];
	int ret;

	memset(m, 0, sizeof(*m));
	m->pm.tensors = m->t;
	m->pm.layers = m->l;
	m->pm.input = 0;

	switch (kind) {
	case SNPU_TMODEL_MLP:
		ret = snpu_tm_mlp(m, encoding, variant, &s);
		break;
	case SNPU_TMODEL_CNN:
		ret = snpu_tm_cnn(m, encoding, variant, &s);
		break;
	case SNPU_TMODEL_RESIDUAL:
		ret = snpu_tm_residual(m, encoding, variant, &s);
		break;
	case SNPU_TMODEL_WIDE:
		ret = snpu_tm_wide(m, encoding, variant, &s);
		break;
	case SNPU_TMODEL_BIG_ACT:
		ret = snpu_tm_big_act(m, encoding, variant, &s);
		break;
	default:
		ret = -EINVAL;
	}
	if (ret)
		goto err;

	ret = snpu_pack(&m->pm, &m->blob, &m->size, NULL, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "# snpu_tmodel: pack failed: %s\n", err);
		goto err;
	}
	m->in_bytes = m->t[0].h * m->t[0].w * m->t[0].c;
	m->out_bytes = m->t[m->pm.output].h * m->t[m->pm.output].w *
		       m->t[m->pm.output].c;
	return 0;
err:
	snpu_tmodel_free(m);
	return ret;
}

void snpu_tmodel_free(struct snpu_tmodel *m)
{
	int i;

	for (i = 0; i < SNPU_TMODEL_MAX; i++) {
		free(m->w[i]);
		free(m->bias[i]);
		free(m->mult[i]);
		free(m->shift[i]);
	}
	free(m->blob);
	memset(m, 0, sizeof(*m));
}

void snpu_tmodel_input(const struct snpu_tmodel *m, int8_t *in,
		       uint32_t batch, unsigned int seed)
{
	uint32_t s = seed * 40503u + 7, i;

	for (i = 0; i < batch * m->in_bytes; i++)
		in[i] = (int8_t)snpu_tm_range(&s, -128, 127);
}
