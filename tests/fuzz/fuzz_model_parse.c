// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer target for snpu_model_parse().
 *
 * Each input is parsed as is, which exercises the header checks, and
 * then with size and CRC patched to match, so that mutations get past the
 * CRC into the tables, the graph, the shapes and the weight encodings;
 * that copy is parsed once without a platform and once with one that
 * lacks some features. On success the view must satisfy everything the
 * parser promises, so a check the parser forgot shows up as an abort.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_crc32.h"
#include "snpu_fw_parse.h"
#include "snpu_model_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct snpu_model_view snpu_fuzz_view;

static void snpu_fuzz_check_range(u64 off, u64 len, size_t size)
{
	if (!snpu_range_ok(off, len, size))
		abort();
}

static void snpu_fuzz_check(const struct snpu_model_view *v, size_t size)
{
	const struct snpu_layer_view *l;
	const struct snpu_tensor_view *t;
	u32 i;

	if (v->size != size || v->n_tensors < 2 ||
	    v->n_tensors > SNPU_MODEL_MAX_TENSORS || v->n_layers < 1 ||
	    v->n_layers > SNPU_MODEL_MAX_LAYERS ||
	    v->input >= v->n_tensors || v->output >= v->n_tensors ||
	    v->input == v->output)
		abort();
	for (i = 0; i < v->n_tensors; i++) {
		t = &v->tensors[i];
		if (!t->h || !t->w || !t->c ||
		    (u64)t->h * t->w * t->c != t->bytes ||
		    t->bytes > SNPU_MODEL_MAX_TENSOR_BYTES ||
		    t->zero_point < -128 || t->zero_point > 127)
			abort();
	}
	for (i = 0; i < v->n_layers; i++) {
		l = &v->layers[i];
		if (l->op >= SNPU_OP_COUNT || l->input >= v->n_tensors ||
		    l->output >= v->n_tensors || l->output == v->input ||
		    l->act_min > l->act_max)
			abort();
		if (l->op == SNPU_OP_ADD ? l->input2 >= v->n_tensors :
		    l->input2 != SNPU_MODEL_NONE)
			abort();
		if (l->op != SNPU_OP_FC && l->op != SNPU_OP_CONV2D) {
			if (l->nnz || l->weights_size || l->meta_size ||
			    l->k || l->rows || l->nonzero)
				abort();
			continue;
		}
		if (!l->k || l->k > SNPU_MODEL_MAX_K || l->k_pad < l->k ||
		    l->rows < l->out_channels || !l->out_channels ||
		    l->encoding >= SNPU_ENC_COUNT)
			abort();
		snpu_fuzz_check_range(l->weights_offset, l->weights_size, size);
		snpu_fuzz_check_range(l->meta_offset, l->meta_size, size);
		snpu_fuzz_check_range(l->bias_offset, 4ull * l->out_channels,
				      size);
		snpu_fuzz_check_range(l->requant_offset,
				      8ull * l->out_channels, size);
		if (l->bias_offset % 4 || l->requant_offset % 4)
			abort();
		if (l->nonzero > l->weights_size ||
		    l->nonzero > (u64)l->out_channels * l->k)
			abort();
		if (l->encoding == SNPU_ENC_DENSE &&
		    (l->weights_size != (u64)l->out_channels * l->k ||
		     l->meta_size))
			abort();
	}
}

/* All ops, dense and N:M 2:4 only, little memory. */
static void snpu_fuzz_platform(struct snpu_platform *p)
{
	memset(p, 0, sizeof(*p));
	p->ops = (1u << SNPU_OP_COUNT) - 1;
	p->encodings = 1u << SNPU_ENC_DENSE | 1u << SNPU_ENC_NM;
	p->nm_patterns = 1u << SNPU_NM_2_4;
	p->dram_bytes = 4096;
}

static void snpu_fuzz_parse(const uint8_t *b, size_t size,
			    const struct snpu_platform *plat)
{
	int ret = snpu_model_parse(b, size, plat, &snpu_fuzz_view);

	if (ret > 0 || ret <= -SNPU_MODEL_E_COUNT)
		abort();
	if (!snpu_model_strerror(ret))
		abort();
	if (!ret)
		snpu_fuzz_check(&snpu_fuzz_view, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snpu_platform plat;
	uint8_t *copy;
	uint32_t v;

	snpu_fuzz_parse(data, size, NULL);

	if (size < sizeof(struct snpu_model_header) ||
	    size > SNPU_MODEL_MAX_SIZE)
		return 0;
	/* An exact-size copy so that ASan sees reads past the end. */
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	v = (uint32_t)size;
	memcpy(copy + offsetof(struct snpu_model_header, size), &v, 4);
	v = snpu_crc32(0, copy + SNPU_MODEL_CRC_START,
		       size - SNPU_MODEL_CRC_START);
	memcpy(copy + offsetof(struct snpu_model_header, crc32), &v, 4);
	snpu_fuzz_parse(copy, size, NULL);
	snpu_fuzz_platform(&plat);
	snpu_fuzz_parse(copy, size, &plat);
	free(copy);
	return 0;
}
