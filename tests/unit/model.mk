# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The packed model format: unit tests of the parser and the packer, and
# the parser's fuzzer.
#
#   make check-model        cmocka tests (ASan + UBSan); writes the fuzz
#                           seed models to $(MODEL_SEED_DIR)
#   make check-fuzz-model   $(FUZZ_TIME) s (default 15) libFuzzer smoke run
#                           (part of 'make check'; see tests/fuzz/fuzz.mk)
#   make fuzz-model-long    600 s run
#
# Only the sources these need are linked, not all of COMMON_SRCS, so the
# tests do not depend on the engine.

MODEL_COMMON_SRCS := driver/common/snpu_crc32.c \
	driver/common/snpu_fw_parse.c driver/common/snpu_model_parse.c \
	driver/common/snpu_cost.c
MODEL_HDRS := driver/common/snpu_compat.h driver/common/snpu_crc32.h \
	driver/common/snpu_cost.h \
	driver/common/snpu_fw_parse.h driver/common/snpu_model_parse.h \
	uapi/snpu_model.h uapi/snpu_defs.h uapi/snpu_fw.h pruner/snpu_pack.h

MODEL_UNIT_TESTS := $(UNIT_DIR)/test_snpu_model_parse $(UNIT_DIR)/test_snpu_pack
MODEL_SEED_DIR := $(O)/tests/fuzz/corpus-seed/model

$(UNIT_DIR)/test_snpu_model_parse: tests/unit/test_snpu_model_parse.c \
		$(PACK_SRCS) $(MODEL_COMMON_SRCS) $(MODEL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Ipruner -o $@ $(filter %.c,$^) $(CMOCKA_LIBS)

$(UNIT_DIR)/test_snpu_pack: tests/unit/test_snpu_pack.c \
		$(PACK_SRCS) $(MODEL_COMMON_SRCS) $(MODEL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Ipruner -o $@ $(filter %.c,$^) $(CMOCKA_LIBS)

.PHONY: check-model
check-model: $(MODEL_UNIT_TESTS) $(FW_IMAGES)
	@mkdir -p $(MODEL_SEED_DIR)
	@fail=0; for t in $(MODEL_UNIT_TESTS); do \
		echo "== $$t"; \
		SNPU_FW_DIR=$(FW_DIR) SNPU_MODEL_SEED_DIR=$(MODEL_SEED_DIR) \
			$$t || { echo "FAILED: $$t" >&2; fail=1; }; \
	done; \
	if [ $$fail -ne 0 ]; then echo "check-model: FAILED" >&2; exit 1; fi; \
	echo "check-model: all passed"

CHECK_HOST += check-model

# libFuzzer target, run by snpu_fuzz_run (tests/fuzz/fuzz.mk). Seeds are
# the models model-seeds writes (as check-model does); runs work on a copy
# so the seeds stay as written.
FUZZ_MODEL_PARSE := $(O)/tests/fuzz/fuzz_model_parse

$(FUZZ_MODEL_PARSE): tests/fuzz/fuzz_model_parse.c $(MODEL_COMMON_SRCS) \
		$(MODEL_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(BASE_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer \
		-o $@ $(filter %.c,$^)

FUZZ_MODEL_SEEDS = cp $(MODEL_SEED_DIR)/* $$corpus/

.PHONY: check-fuzz-model fuzz-model-long model-seeds
model-seeds: $(UNIT_DIR)/test_snpu_model_parse
	@mkdir -p $(MODEL_SEED_DIR)
	@SNPU_MODEL_SEED_DIR=$(MODEL_SEED_DIR) \
		$(UNIT_DIR)/test_snpu_model_parse >/dev/null 2>&1 || true
	@test -n "$$(ls $(MODEL_SEED_DIR))" || \
		{ echo "model-seeds: no seed models written" >&2; exit 1; }

check-fuzz-model: $(FUZZ_MODEL_PARSE) model-seeds
	$(call snpu_fuzz_run,fuzz_model_parse,$(FUZZ_MODEL_PARSE),8192,$(FUZZ_TIME),$(FUZZ_MODEL_SEEDS))

fuzz-model-long: $(FUZZ_MODEL_PARSE) model-seeds
	$(call snpu_fuzz_run,fuzz_model_parse,$(FUZZ_MODEL_PARSE),8192,600,$(FUZZ_MODEL_SEEDS))

CHECK_HOST += check-fuzz-model
FUZZ_CHECKS += check-fuzz-model
