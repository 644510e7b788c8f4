# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Fashion-MNIST loading, the reference models and training
# (pruner/snpu_dataset.c, pruner/snpu_train.c).
#
#   make check-train    cmocka tests (ASan + UBSan) on the real dataset
#                       in $(FMNIST_DIR): loader and damaged copies of it,
#                       model builders, loss, evaluation, determinism,
#                       masks and hooks, and a short training run
#
# The trainer test links the executor and the graph (EXEC_SRCS), which run
# under the sanitizers too; OpenBLAS is not instrumented. It runs with one
# BLAS thread: OpenBLAS's spinning workers make a run several times slower
# when other jobs share the two cores (measured 61 s against 16 s), and the
# small test shapes gain nothing from a second thread.

TRAIN_UNIT_TESTS := $(UNIT_DIR)/test_snpu_dataset $(UNIT_DIR)/test_snpu_train
TRAIN_TEST_CFLAGS := $(UNIT_CFLAGS) -Ipruner -I$(PRUNER_GEN) $(BLAS_CFLAGS)
TRAIN_HDRS := $(wildcard pruner/*.h)

$(UNIT_DIR)/test_snpu_dataset: tests/unit/test_snpu_dataset.c \
		pruner/snpu_dataset.c $(TRAIN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(TRAIN_TEST_CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS) -lz -lm

$(UNIT_DIR)/test_snpu_train: tests/unit/test_snpu_train.c $(TRAIN_SRCS) \
		$(EXEC_SRCS) $(TRAIN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(TRAIN_TEST_CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS) \
		$(PRUNER_LIBS)

.PHONY: check-train
check-train: $(TRAIN_UNIT_TESTS)
	@fail=0; for t in $(TRAIN_UNIT_TESTS); do \
		echo "== $$t"; \
		SNPU_FMNIST_DIR=$(FMNIST_DIR) OPENBLAS_NUM_THREADS=1 $$t || \
			{ echo "FAILED: $$t" >&2; fail=1; }; \
	done; \
	if [ $$fail -ne 0 ]; then echo "check-train: FAILED" >&2; exit 1; fi; \
	echo "check-train: all passed"

CHECK_HOST += check-train
