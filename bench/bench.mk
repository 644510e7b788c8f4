# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The engine benchmark: the snpu engine (userspace build of driver/common/)
# next to OpenBLAS sgemm (fp32) and oneDNN's u8s8s32 GEMM (int8), all on
# one thread, over every encoding and sparsity. Built by 'make all' so it
# cannot rot; run only by 'make bench' (never by 'make check').
#
#   make bench                  table on stdout, $(O)/bench/engine.json
#   make bench BENCH_ARGS=...   e.g. --quick, --filter=784x300
#
# Built like a release userspace binary: -O2, no sanitizers.

BENCH_DIR := $(O)/bench
BENCH_ENGINE := $(BENCH_DIR)/bench_engine
BENCH_JSON := $(BENCH_DIR)/engine.json
BENCH_ARGS ?=
BENCH_CFLAGS := $(BASE_CFLAGS) -Ipruner \
	$(shell pkg-config --cflags openblas 2>/dev/null)
BENCH_LIBS := $(or $(shell pkg-config --libs openblas 2>/dev/null),-lopenblas) \
	-ldnnl -lgomp

$(BENCH_ENGINE): bench/bench_engine.c $(COMMON_SRCS) $(PACK_SRCS) \
		$(ENGINE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $(filter %.c,$^) $(BENCH_LIBS)

.PHONY: bench
bench: $(BENCH_ENGINE)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 DNNL_VERBOSE=0 \
		$(BENCH_ENGINE) --json=$(BENCH_JSON) $(BENCH_ARGS)

ALL_TARGETS += $(BENCH_ENGINE)

# The one-shot pruning table of docs/pruner.md: magnitude, Wanda and
# SparseGPT at 50/60/70/80 % on LeNet-300-100 (Fashion-MNIST, int8 packed
# accuracy), regenerated into docs/oneshot-table.md and docs/oneshot.svg.
.PHONY: oneshot-table
oneshot-table: $(SNPU_CLI)
	bench/oneshot-table.sh $(O)/oneshot
