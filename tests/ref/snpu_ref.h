/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Independent naive int8 reference of the packed-model arithmetic
 * (uapi/snpu_model.h), the oracle the engine must match bit for bit.
 *
 * Written from the specification only: it shares no code with the
 * engine, the model parser or the packer. It takes the same plain graph
 * description the packer takes (dense weight matrices, struct
 * snpu_pack_model) and runs it sample by sample with textbook loops.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_REF_H
#define SNPU_REF_H

#include <stdint.h>

#include "snpu_pack.h"

/* TFLite's integer helpers, exposed for tests. */
int32_t snpu_ref_srdhm(int32_t a, int32_t b);
int32_t snpu_ref_rounding_divide_by_pot(int32_t x, int exponent);
int32_t snpu_ref_multiply_by_quantized_multiplier(int32_t x, int32_t mult,
						  int shift);

/* Output element count of one sample of @model. */
uint32_t snpu_ref_output_elems(const struct snpu_pack_model *model);

/**
 * snpu_ref_run() - run @batch samples through @model
 * @model: the graph (dense weights); assumed well formed.
 * @in: batch * input elements, [batch][h][w][c].
 * @out: batch * output elements.
 * @batch: samples.
 *
 * Return: 0, or -1 when the graph uses something the reference does not
 * know or memory runs out.
 */
int snpu_ref_run(const struct snpu_pack_model *model, const int8_t *in,
		 int8_t *out, uint32_t batch);

#endif /* SNPU_REF_H */
