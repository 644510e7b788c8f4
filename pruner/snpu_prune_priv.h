/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Helpers shared by the pruner's two files (snpu_prune.c and
 * snpu_sparsegpt.c): the one ranking rule every selection uses, so that
 * ties and NaNs are broken the same way everywhere.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_PRUNE_PRIV_H
#define SNPU_PRUNE_PRIV_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct snpu_prune_rank - a score and where it came from
 * @s: score; NaN is stored as -INFINITY (ranks lowest, pruned first).
 * @i: index of the weight, group, block or row.
 */
struct snpu_prune_rank {
	float s;
	uint32_t i;
};

/* Sort ascending by score, ties by index (lower index is pruned first). */
void snpu_prune_rank_sort(struct snpu_prune_rank *r, size_t n);

/* A score as ranked: NaN becomes -INFINITY. */
float snpu_prune_rank_key(float s);

/*
 * N:M inside one group of @real (<= M) columns: keep[p] = 1 for the
 * min(@n, @real) best scores, 0 for the rest.
 */
void snpu_prune_nm_group(const float *s, uint32_t real, uint32_t n,
			 uint8_t *keep);

#endif /* SNPU_PRUNE_PRIV_H */
