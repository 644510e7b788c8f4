/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The sparse int8 MAC engine: runs a validated model on a batch.
 *
 * Pure C, integer only, no allocation: the caller provides every buffer.
 * The same source runs inside snpu.ko (the emulated device executes jobs
 * with it) and in userspace (tests, benchmarks). Results are bit-exact
 * with the arithmetic of uapi/snpu_model.h whatever kernels are chosen.
 *
 * Use:
 *   snpu_model_parse(blob, size, plat, &view);
 *   n = snpu_engine_prepared_size(&view, blob);
 *   snpu_engine_prepare(&view, blob, mem, n);       // mem: n bytes, 8-aligned
 *   s = snpu_engine_scratch_size(mem, batch);
 *   snpu_engine_run(mem, in, out, batch, scratch, &ctx);
 *
 * The prepared model is one position-independent block (offsets, no
 * pointers), so it can be copied or reached through the emulated
 * device's MMU at any address.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_ENGINE_H
#define SNPU_ENGINE_H

#include "snpu_compat.h"
#include "snpu_cost.h"

struct snpu_model_view;
struct snpu_platform;

/**
 * struct snpu_engine_ctx - how a run is carried out
 * @plat: platform whose cost table counts cycles and whose features
 *	(activation zero skipping) apply; NULL counts no cycles and skips
 *	no activations.
 * @yield: called between units of work (at most a few milliseconds
 *	apart); a nonzero return aborts the run, which then returns
 *	-SNPU_ENGINE_E_ABORTED. May be NULL.
 * @yield_data: passed to @yield.
 * @counters: filled by the run (zeroed first); may be NULL.
 * @layers: if not NULL, entry i receives layer i's own counters (the
 *	summands of @counters) for the first @n_layers layers.
 * @n_layers: entries at @layers.
 */
struct snpu_engine_ctx {
	const struct snpu_platform *plat;
	int (*yield)(void *data);
	void *yield_data;
	struct snpu_counters *counters;
	struct snpu_counters *layers;
	u32 n_layers;
};

enum snpu_engine_error {
	SNPU_ENGINE_OK = 0,
	SNPU_ENGINE_E_SPACE,	/* a buffer is smaller than required */
	SNPU_ENGINE_E_BATCH,	/* batch is zero */
	SNPU_ENGINE_E_ABORTED,	/* yield asked to stop */
	SNPU_ENGINE_E_MODEL,	/* not a prepared model */
};

/* Bytes snpu_engine_prepare() needs for this model. */
size_t snpu_engine_prepared_size(const struct snpu_model_view *view,
				 const void *blob);

/*
 * Build the prepared model in @mem (@size bytes, 8-byte aligned) from a
 * model that snpu_model_parse() accepted as @view. Returns 0 or
 * -SNPU_ENGINE_E_SPACE.
 */
int snpu_engine_prepare(const struct snpu_model_view *view, const void *blob,
			void *mem, size_t size);

/* Bytes of the prepared model at @model (as returned by prepared_size). */
size_t snpu_engine_model_size(const void *model);

/*
 * After a run of @batch samples with @in, @out and @scratch: where tensor
 * @t (the model's tensor index) is, @batch samples one after the other;
 * NULL for a bad index. Every tensor keeps its own place in the scratch
 * arena, so all of them can be read after the run (profiling, the
 * pruner's activation statistics).
 */
const s8 *snpu_engine_tensor(const void *model, u32 t, const s8 *in,
			     const s8 *out, const void *scratch, u32 batch);

/* Layers of the prepared model. */
u32 snpu_engine_layer_count(const void *model);

/* Input and output bytes of one sample. */
u32 snpu_engine_input_bytes(const void *model);
u32 snpu_engine_output_bytes(const void *model);

/* Scratch bytes a run of @batch samples needs. */
size_t snpu_engine_scratch_size(const void *model, u32 batch);

/*
 * Run @batch samples: @in holds batch * input_bytes, @out receives batch *
 * output_bytes. @scratch holds scratch_size(model, batch) bytes, 8-byte
 * aligned. Returns 0 or a negative &enum snpu_engine_error.
 */
int snpu_engine_run(const void *model, const s8 *in, s8 *out, u32 batch,
		    void *scratch, size_t scratch_size,
		    const struct snpu_engine_ctx *ctx);

#endif /* SNPU_ENGINE_H */
