// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Naive int8 reference, from uapi/snpu_model.h and TFLite's reference
 * kernels (reference_ops / reference_integer_ops). Clarity over speed:
 * every value is computed from its definition, one sample at a time.
 *
 * Conventions the specification leaves to the arithmetic:
 * - the accumulator is an int32 that wraps (two's complement), as TFLite's
 *   int32 accumulator does on every real target;
 * - requant's left shift x * (1 << shift) wraps the same way;
 * - max pooling, like average pooling, looks only at window elements
 *   inside the input (TFLite); a window with none gives the zero point.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <stdlib.h>
#include <string.h>

#include "snpu_ref.h"

int32_t snpu_ref_srdhm(int32_t a, int32_t b)
{
	int overflow = a == b && a == INT32_MIN;
	int64_t a_64 = a;
	int64_t b_64 = b;
	int64_t ab_64 = a_64 * b_64;
	int32_t nudge = ab_64 >= 0 ? (1 << 30) : (1 - (1 << 30));
	int32_t ab_x2_high32 = (int32_t)((ab_64 + nudge) / (1LL << 31));

	return overflow ? INT32_MAX : ab_x2_high32;
}

int32_t snpu_ref_rounding_divide_by_pot(int32_t x, int exponent)
{
	int32_t mask = (int32_t)((1LL << exponent) - 1);
	int32_t remainder = x & mask;
	int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);

	return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

static int32_t ref_wrap32(int64_t v)
{
	return (int32_t)(uint32_t)(uint64_t)v;
}

int32_t snpu_ref_multiply_by_quantized_multiplier(int32_t x, int32_t mult,
						  int shift)
{
	int left_shift = shift > 0 ? shift : 0;
	int right_shift = shift > 0 ? 0 : -shift;
	int32_t shifted = ref_wrap32((int64_t)x * ((int64_t)1 << left_shift));

	return snpu_ref_rounding_divide_by_pot(snpu_ref_srdhm(shifted, mult),
					       right_shift);
}

static int32_t ref_clamp(int32_t v, int32_t lo, int32_t hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return v;
}

static uint32_t ref_elems(const struct snpu_pack_tensor *t)
{
	return t->h * t->w * t->c;
}

uint32_t snpu_ref_output_elems(const struct snpu_pack_model *model)
{
	return ref_elems(&model->tensors[model->output]);
}

static int8_t ref_requant_out(int64_t acc64, const struct snpu_pack_layer *l,
			      uint32_t o, int32_t out_zp)
{
	int32_t acc = ref_wrap32(acc64);
	int32_t v = snpu_ref_multiply_by_quantized_multiplier(acc, l->mult[o],
							      l->shift[o]);

	return (int8_t)ref_clamp(out_zp + v, l->act_min, l->act_max);
}

static void ref_fc(const struct snpu_pack_layer *l,
		   const struct snpu_pack_tensor *ti,
		   const struct snpu_pack_tensor *to,
		   const int8_t *x, int8_t *y)
{
	uint32_t k_len = ref_elems(ti);
	uint32_t o, k;

	for (o = 0; o < l->out_channels; o++) {
		int64_t acc = l->bias[o];

		for (k = 0; k < k_len; k++)
			acc += (int64_t)(x[k] - ti->zero_point) *
			       l->weights[(size_t)o * k_len + k];
		y[o] = ref_requant_out(acc, l, o, to->zero_point);
	}
}

static void ref_conv(const struct snpu_pack_layer *l,
		     const struct snpu_pack_tensor *ti,
		     const struct snpu_pack_tensor *to,
		     const int8_t *x, int8_t *y)
{
	uint32_t cin_g = ti->c / l->groups;
	uint32_t cout_g = l->out_channels / l->groups;
	uint32_t k_len = l->kernel_h * l->kernel_w * cin_g;
	uint32_t oy, ox, o, ky, kx, c;

	for (oy = 0; oy < to->h; oy++) {
		for (ox = 0; ox < to->w; ox++) {
			for (o = 0; o < l->out_channels; o++) {
				uint32_t g = o / cout_g;
				const int8_t *w = l->weights +
						  (size_t)o * k_len;
				int64_t acc = l->bias[o];

				for (ky = 0; ky < l->kernel_h; ky++) {
					for (kx = 0; kx < l->kernel_w; kx++) {
						int64_t iy = (int64_t)oy * l->stride_h -
							     l->pad_top +
							     (int64_t)ky * l->dilation_h;
						int64_t ix = (int64_t)ox * l->stride_w -
							     l->pad_left +
							     (int64_t)kx * l->dilation_w;

						if (iy < 0 || iy >= ti->h ||
						    ix < 0 || ix >= ti->w)
							continue; /* zero point */
						for (c = 0; c < cin_g; c++) {
							int32_t xv = x[((size_t)iy * ti->w + ix) *
								       ti->c + g * cin_g + c];
							int32_t wv = w[(ky * l->kernel_w + kx) *
								       cin_g + c];

							acc += (int64_t)(xv - ti->zero_point) * wv;
						}
					}
				}
				y[((size_t)oy * to->w + ox) * to->c + o] =
					ref_requant_out(acc, l, o,
							to->zero_point);
			}
		}
	}
}

static void ref_pool(const struct snpu_pack_layer *l,
		     const struct snpu_pack_tensor *ti,
		     const struct snpu_pack_tensor *to,
		     const int8_t *x, int8_t *y)
{
	uint32_t oy, ox, c, ky, kx;

	for (oy = 0; oy < to->h; oy++) {
		for (ox = 0; ox < to->w; ox++) {
			for (c = 0; c < to->c; c++) {
				int32_t sum = 0, max = -128, count = 0, v;

				for (ky = 0; ky < l->kernel_h; ky++) {
					for (kx = 0; kx < l->kernel_w; kx++) {
						int64_t iy = (int64_t)oy * l->stride_h -
							     l->pad_top + ky;
						int64_t ix = (int64_t)ox * l->stride_w -
							     l->pad_left + kx;
						int32_t xv;

						if (iy < 0 || iy >= ti->h ||
						    ix < 0 || ix >= ti->w)
							continue;
						xv = x[((size_t)iy * ti->w + ix) *
						       ti->c + c];
						sum += xv;
						if (xv > max)
							max = xv;
						count++;
					}
				}
				if (count == 0)
					v = to->zero_point;
				else if (l->op == SNPU_OP_MAXPOOL)
					v = max;
				else if (sum > 0)
					v = (sum + count / 2) / count;
				else
					v = (sum - count / 2) / count;
				y[((size_t)oy * to->w + ox) * to->c + c] =
					(int8_t)ref_clamp(v, l->act_min,
							  l->act_max);
			}
		}
	}
}

/* TFLite reference_integer_ops::AddElementwise for int8. */
static void ref_add(const struct snpu_pack_layer *l,
		    const struct snpu_pack_tensor *t1,
		    const struct snpu_pack_tensor *t2,
		    const struct snpu_pack_tensor *to,
		    const int8_t *x1, const int8_t *x2, int8_t *y)
{
	uint32_t n = ref_elems(to), i;

	for (i = 0; i < n; i++) {
		int32_t in1 = x1[i] - t1->zero_point;
		int32_t in2 = x2[i] - t2->zero_point;
		int32_t s1 = in1 * (1 << l->add_left_shift);
		int32_t s2 = in2 * (1 << l->add_left_shift);
		int32_t sc1 = snpu_ref_rounding_divide_by_pot(snpu_ref_srdhm(s1, l->add_in1_mult),
							      -l->add_in1_shift);
		int32_t sc2 = snpu_ref_rounding_divide_by_pot(snpu_ref_srdhm(s2, l->add_in2_mult),
							      -l->add_in2_shift);
		int32_t raw = sc1 + sc2;
		int32_t out = snpu_ref_rounding_divide_by_pot(snpu_ref_srdhm(raw, l->add_out_mult),
							      -l->add_out_shift) +
			      to->zero_point;

		y[i] = (int8_t)ref_clamp(out, l->act_min, l->act_max);
	}
}

int snpu_ref_run(const struct snpu_pack_model *model, const int8_t *in,
		 int8_t *out, uint32_t batch)
{
	int8_t **data;
	uint32_t i, b;
	int ret = -1;

	data = calloc(model->n_tensors, sizeof(*data));
	if (!data)
		return -1;
	for (i = 0; i < model->n_tensors; i++) {
		data[i] = malloc(ref_elems(&model->tensors[i]) + 1);
		if (!data[i])
			goto out;
	}

	for (b = 0; b < batch; b++) {
		const struct snpu_pack_tensor *tin = &model->tensors[model->input];

		memcpy(data[model->input], in + (size_t)b * ref_elems(tin),
		       ref_elems(tin));
		for (i = 0; i < model->n_layers; i++) {
			const struct snpu_pack_layer *l = &model->layers[i];
			const struct snpu_pack_tensor *ti = &model->tensors[l->input];
			const struct snpu_pack_tensor *to = &model->tensors[l->output];

			switch (l->op) {
			case SNPU_OP_FC:
				ref_fc(l, ti, to, data[l->input],
				       data[l->output]);
				break;
			case SNPU_OP_CONV2D:
				ref_conv(l, ti, to, data[l->input],
					 data[l->output]);
				break;
			case SNPU_OP_MAXPOOL:
			case SNPU_OP_AVGPOOL:
				ref_pool(l, ti, to, data[l->input],
					 data[l->output]);
				break;
			case SNPU_OP_ADD:
				ref_add(l, ti, &model->tensors[l->input2], to,
					data[l->input], data[l->input2],
					data[l->output]);
				break;
			case SNPU_OP_RESHAPE:
				memcpy(data[l->output], data[l->input],
				       ref_elems(to));
				break;
			default:
				goto out;
			}
		}
		memcpy(out + (size_t)b * snpu_ref_output_elems(model),
		       data[model->output], snpu_ref_output_elems(model));
	}
	ret = 0;
out:
	for (i = 0; i < model->n_tensors; i++)
		free(data[i]);
	free(data);
	return ret;
}
