# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The pruner library (pruner/): graph IR, ONNX import/export, fp32
# reference executor, training, pruning, quantization and the packer.
# Each part's tests live in their own fragment (tests/unit/*.mk,
# tests/unit/onnx.mk); this file names the sources and flags they share.
#
# PACK_SRCS is the packer alone (plus COMMON_SRCS, which holds the model
# parser it checks its output with); PRUNER_SRCS is the whole library.

PACK_SRCS := pruner/snpu_pack.c

PRUNER_GEN := $(O)/gen
ONNX_PROTO := /usr/include/onnx/onnx.proto
ONNX_PB_SRCS := $(PRUNER_GEN)/onnx.pb-c.c

# protoc-c output from Debian's onnx.proto (libonnx-dev).
$(PRUNER_GEN)/onnx.pb-c.c $(PRUNER_GEN)/onnx.pb-c.h: $(ONNX_PROTO)
	@mkdir -p $(PRUNER_GEN)
	protoc-c --c_out=$(PRUNER_GEN) -I$(dir $(ONNX_PROTO)) $(ONNX_PROTO)

BLAS_CFLAGS := $(shell pkg-config --cflags openblas 2>/dev/null)
BLAS_LIBS := $(or $(shell pkg-config --libs openblas 2>/dev/null),-lopenblas)
PRUNER_LIBS := $(BLAS_LIBS) -llapacke -lprotobuf-c -lz -lm -pthread

# GCC 12 at -O2 leaves the executor's loops scalar without the cheap cost model
# (the CNN trains about 11 % faster with it).
PRUNER_CFLAGS := $(BASE_CFLAGS) -fvect-cost-model=cheap -Ipruner -I$(PRUNER_GEN) \
	$(BLAS_CFLAGS)

GRAPH_SRCS := pruner/snpu_graph.c pruner/snpu_shape.c
EXEC_SRCS := $(GRAPH_SRCS) pruner/snpu_exec.c
ONNX_SRCS := pruner/snpu_onnx.c $(ONNX_PB_SRCS)
TRAIN_SRCS := pruner/snpu_train.c pruner/snpu_dataset.c
PRUNE_SRCS := pruner/snpu_prune.c pruner/snpu_sparsegpt.c
QUANT_SRCS := pruner/snpu_quant.c
PLAN_SRCS := pruner/snpu_plan.c

PRUNER_SRCS := $(EXEC_SRCS) $(ONNX_SRCS) $(TRAIN_SRCS) $(PRUNE_SRCS) \
	$(QUANT_SRCS) $(PLAN_SRCS) $(PACK_SRCS)
PRUNER_HDRS := $(wildcard pruner/*.h) $(PRUNER_GEN)/onnx.pb-c.h

# Fashion-MNIST from Debian's dataset-fashion-mnist.
FMNIST_DIR := /usr/share/datasets/fashion-mnist
# ONNX backend test vectors from Debian's libonnx-testdata.
ONNX_TESTDATA := /usr/share/libonnx-testdata/data
