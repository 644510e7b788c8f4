# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# ONNX import/export (pruner/snpu_onnx.c): unit tests, the backend
# conformance runner and the importer's fuzzer.
#
#   make check-onnx-unit    cmocka tests (ASan + UBSan); writes exported
#                           models to $(ONNX_SEED_DIR) as fuzz seeds
#   make check-onnx         importer + fp32 executor on the ONNX backend
#                           test vectors in $(ONNX_TESTDATA)/node and
#                           $(ONNX_TESTDATA)/pytorch-converted
#   make check-fuzz-onnx    $(FUZZ_TIME) s (default 15) libFuzzer smoke run
#                           (part of 'make check'; see tests/fuzz/fuzz.mk)
#   make fuzz-onnx-long     600 s run
#
# The tests and the runner link the executor and the graph (EXEC_SRCS) and
# run under the sanitizers too; OpenBLAS is not instrumented.

ONNX_TEST_CFLAGS := $(UNIT_CFLAGS) -Ipruner -I$(PRUNER_GEN) $(BLAS_CFLAGS)
ONNX_HDRS := pruner/snpu_onnx.h pruner/snpu_graph.h pruner/snpu_exec.h \
	$(PRUNER_GEN)/onnx.pb-c.h
ONNX_UNIT_TESTS := $(UNIT_DIR)/test_snpu_onnx
ONNX_SEED_DIR := $(O)/tests/fuzz/corpus-seed/onnx
ONNX_CONFORMANCE := $(O)/tests/onnx/onnx_conformance

$(UNIT_DIR)/test_snpu_onnx: tests/unit/test_snpu_onnx.c $(ONNX_SRCS) \
		$(EXEC_SRCS) $(ONNX_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ONNX_TEST_CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS) \
		$(PRUNER_LIBS)

$(ONNX_CONFORMANCE): tests/onnx/onnx_conformance.c $(ONNX_SRCS) \
		$(EXEC_SRCS) $(ONNX_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ONNX_TEST_CFLAGS) -o $@ $(filter %.c,$^) $(PRUNER_LIBS)

.PHONY: check-onnx-unit check-onnx
check-onnx-unit: $(ONNX_UNIT_TESTS)
	@mkdir -p $(ONNX_SEED_DIR)
	@fail=0; for t in $(ONNX_UNIT_TESTS); do \
		echo "== $$t"; \
		SNPU_ONNX_TESTDATA=$(ONNX_TESTDATA) \
		SNPU_ONNX_SEED_DIR=$(ONNX_SEED_DIR) \
			$$t || { echo "FAILED: $$t" >&2; fail=1; }; \
	done; \
	if [ $$fail -ne 0 ]; then echo "check-onnx-unit: FAILED" >&2; exit 1; fi; \
	echo "check-onnx-unit: all passed"

check-onnx: $(ONNX_CONFORMANCE)
	@echo "== $(ONNX_CONFORMANCE)"
	@$(ONNX_CONFORMANCE) $(ONNX_TESTDATA)/node \
		$(ONNX_TESTDATA)/pytorch-converted || \
		{ echo "check-onnx: FAILED" >&2; exit 1; }

CHECK_HOST += check-onnx-unit check-onnx

# libFuzzer target over snpu_onnx_import(), run by snpu_fuzz_run
# (tests/fuzz/fuzz.mk). Seeds: the backend tests' models of the ops the
# importer knows, and the models test_snpu_onnx exports (onnx-seeds, as
# check-onnx-unit does); runs work on a copy so the seeds stay as they are.
FUZZ_ONNX := $(O)/tests/fuzz/fuzz_onnx
FUZZ_ONNX_SEED_TESTS := $(wildcard $(addprefix $(ONNX_TESTDATA)/node/test_, \
	conv_* basic_conv_* gemm_* matmul_2d maxpool_2d_* averagepool_2d_* \
	batchnorm_* clip_* reshape_* softmax_* flatten_* relu add add_bcast \
	globalaveragepool*) \
	$(addprefix $(ONNX_TESTDATA)/pytorch-converted/test_, Conv1d* \
	Conv2d_* BatchNorm* MaxPool* Linear Softmax ReLU))

$(FUZZ_ONNX): tests/fuzz/fuzz_onnx.c $(ONNX_SRCS) $(GRAPH_SRCS) \
		$(ONNX_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(BASE_CFLAGS) -Ipruner -I$(PRUNER_GEN) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -o $@ $(filter %.c,$^) -lprotobuf-c -lm

FUZZ_ONNX_SEEDS = for d in $(FUZZ_ONNX_SEED_TESTS); do \
		cp $$d/model.onnx $$corpus/$$(basename $$d).onnx || exit 1; \
	done; cp $(ONNX_SEED_DIR)/* $$corpus/ 2>/dev/null || true

# onnx-seeds: the models test_snpu_onnx exports, as fuzz seeds; whether
# the tests pass is check-onnx-unit's business.
.PHONY: check-fuzz-onnx fuzz-onnx-long onnx-seeds
onnx-seeds: $(ONNX_UNIT_TESTS)
	@mkdir -p $(ONNX_SEED_DIR)
	@SNPU_ONNX_TESTDATA=$(ONNX_TESTDATA) SNPU_ONNX_SEED_DIR=$(ONNX_SEED_DIR) \
		$(UNIT_DIR)/test_snpu_onnx >/dev/null 2>&1 || true

check-fuzz-onnx: $(FUZZ_ONNX) onnx-seeds
	$(call snpu_fuzz_run,fuzz_onnx,$(FUZZ_ONNX),16384,$(FUZZ_TIME),$(FUZZ_ONNX_SEEDS))

fuzz-onnx-long: $(FUZZ_ONNX) onnx-seeds
	$(call snpu_fuzz_run,fuzz_onnx,$(FUZZ_ONNX),16384,600,$(FUZZ_ONNX_SEEDS))

CHECK_HOST += check-fuzz-onnx
FUZZ_CHECKS += check-fuzz-onnx
