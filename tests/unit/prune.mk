# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# cmocka tests of the pruner's pruning (pruner/snpu_prune.c) and SparseGPT
# (pruner/snpu_sparsegpt.c), with ASan + UBSan.
#
#   make check-prune
#
# Both link the executor and the trainer (gradient criteria, gradual
# pruning) and the packer (whose CSR filler rule --csr-fill reuses, and
# with which test_snpu_prune packs its N:M and block masks); the packer's
# model parser needs the three parser sources below (listed here:
# model.mk is read after this file).

PRUNE_UNIT_TESTS := $(UNIT_DIR)/test_snpu_prune $(UNIT_DIR)/test_snpu_sparsegpt
PRUNE_LIB_SRCS := $(EXEC_SRCS) $(TRAIN_SRCS) $(PRUNE_SRCS)
PRUNE_PACK_SRCS := $(PACK_SRCS) driver/common/snpu_crc32.c \
	driver/common/snpu_fw_parse.c driver/common/snpu_model_parse.c \
	driver/common/snpu_cost.c
PRUNE_TEST_CFLAGS := $(PRUNER_CFLAGS) $(SAN_CFLAGS) $(CMOCKA_CFLAGS)

$(UNIT_DIR)/test_snpu_prune: tests/unit/test_snpu_prune.c $(PRUNE_LIB_SRCS) \
		$(PRUNE_PACK_SRCS) $(PRUNER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(PRUNE_TEST_CFLAGS) -o $@ tests/unit/test_snpu_prune.c \
		$(PRUNE_LIB_SRCS) $(PRUNE_PACK_SRCS) $(CMOCKA_LIBS) \
		$(PRUNER_LIBS)

$(UNIT_DIR)/test_snpu_sparsegpt: tests/unit/test_snpu_sparsegpt.c \
		$(PRUNE_LIB_SRCS) $(PRUNE_PACK_SRCS) $(PRUNER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(PRUNE_TEST_CFLAGS) -o $@ tests/unit/test_snpu_sparsegpt.c \
		$(PRUNE_LIB_SRCS) $(PRUNE_PACK_SRCS) $(CMOCKA_LIBS) \
		$(PRUNER_LIBS)

.PHONY: check-prune
check-prune: $(PRUNE_UNIT_TESTS)
	@fail=0; for t in $(PRUNE_UNIT_TESTS); do \
		echo "== $$t"; \
		$$t || { echo "FAILED: $$t" >&2; fail=1; }; \
	done; \
	if [ $$fail -ne 0 ]; then echo "check-prune: FAILED" >&2; exit 1; fi; \
	echo "check-prune: all passed"

CHECK_HOST += check-prune
