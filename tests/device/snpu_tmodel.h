/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Random test graphs for the device tests: built once as a packer graph,
 * packed for the device, and run by the independent reference
 * (tests/ref/) on the same description.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_TMODEL_H
#define SNPU_TMODEL_H

#include <stddef.h>
#include <stdint.h>

#include "snpu_pack.h"

#define SNPU_TMODEL_MAX	8

/**
 * struct snpu_tmodel - a generated graph and everything it owns
 * @pm: the graph, as the packer and the reference take it.
 * @t: tensors of @pm.
 * @l: layers of @pm.
 * @w: weights of each layer (NULL for layers without).
 * @bias: biases of each layer.
 * @mult: requantization multipliers of each layer.
 * @shift: requantization shifts of each layer.
 * @blob: the packed model.
 * @size: bytes at @blob.
 * @in_bytes: bytes of one input sample.
 * @out_bytes: bytes of one output sample.
 */
struct snpu_tmodel {
	struct snpu_pack_model pm;
	struct snpu_pack_tensor t[SNPU_TMODEL_MAX];
	struct snpu_pack_layer l[SNPU_TMODEL_MAX];
	int8_t *w[SNPU_TMODEL_MAX];
	int32_t *bias[SNPU_TMODEL_MAX];
	int32_t *mult[SNPU_TMODEL_MAX];
	int32_t *shift[SNPU_TMODEL_MAX];
	void *blob;
	size_t size;
	uint32_t in_bytes;
	uint32_t out_bytes;
};

enum snpu_tmodel_kind {
	SNPU_TMODEL_MLP,	/* FC 96 -> 40 -> 10, ReLU between */
	SNPU_TMODEL_CNN,	/* conv 3x3 -> maxpool -> dw conv -> avgpool -> FC */
	SNPU_TMODEL_RESIDUAL,	/* FC branches added, then reshape */
	SNPU_TMODEL_WIDE,	/* FC 2048 -> 256: weights beyond a small SRAM */
	SNPU_TMODEL_BIG_ACT,	/* conv 3x3 on 96x96x16: activations too */
};

/*
 * Build and pack a graph whose weighted layers use @encoding / @variant,
 * pruned to fit it; deterministic for a @seed. Returns 0 or -errno.
 */
int snpu_tmodel_build(struct snpu_tmodel *m, enum snpu_tmodel_kind kind,
		      uint32_t encoding, uint32_t variant, unsigned int seed);
void snpu_tmodel_free(struct snpu_tmodel *m);

/* Random int8 input for @batch samples. */
void snpu_tmodel_input(const struct snpu_tmodel *m, int8_t *in,
		       uint32_t batch, unsigned int seed);

#endif /* SNPU_TMODEL_H */
