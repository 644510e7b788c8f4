# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# libFuzzer targets (clang, ASan + UBSan) and the one recipe that runs
# them all, snpu_fuzz_run. This file builds fuzz_fw_parse, seeded with the
# shipped firmware images; tests/unit/model.mk and tests/unit/onnx.mk add
# fuzz_model_parse and fuzz_onnx. Runs work on a copy of the seeds so the
# seeds stay as built.
#
#   make check-fuzz    $(FUZZ_TIME) s smoke run of fuzz_fw_parse (part of
#                      'make check')
#   make fuzz-long     600 s run of fuzz_fw_parse
#   make fuzz-all      every check-fuzz* target (check-fuzz,
#                      check-fuzz-model, check-fuzz-onnx)
#
# FUZZ_TIME (default 15 s) is the length of every check-fuzz* run, e.g.
# 'make fuzz-all FUZZ_TIME=60'; the *-long targets always run 600 s.

FUZZ_TIME ?= 15
FUZZ_DIR := $(O)/tests/fuzz
FUZZ_CFLAGS := $(BASE_CFLAGS) -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_FW_PARSE := $(FUZZ_DIR)/fuzz_fw_parse

$(FUZZ_FW_PARSE): tests/fuzz/fuzz_fw_parse.c $(COMMON_SRCS) \
		driver/common/snpu_compat.h driver/common/snpu_crc32.h \
		driver/common/snpu_fw_parse.h uapi/snpu_fw.h uapi/snpu_defs.h
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

# Run one libFuzzer target:
#   $(1): name; the corpus is $(FUZZ_DIR)/corpus/$(1), crashes go to
#         $(FUZZ_DIR)/artifacts/$(1)/, the log to $(FUZZ_DIR)/$(1).log
#   $(2): the fuzzer binary
#   $(3): -max_len in bytes
#   $(4): run time in seconds
#   $(5): shell commands that copy the seeds into the directory in the
#         shell variable corpus (written $$corpus in the makefile); pass
#         them in a variable, as a comma would split the arguments
# The corpus is made afresh from the seeds on every run; no seeds is an
# error. On failure the log's last 40 lines and "$(1): FAILED" are
# printed, on success the run count and speed from the log.
define snpu_fuzz_run
	rm -rf $(FUZZ_DIR)/corpus/$(1) && \
		mkdir -p $(FUZZ_DIR)/corpus/$(1) $(FUZZ_DIR)/artifacts/$(1)
	@corpus=$(FUZZ_DIR)/corpus/$(1); $(5)
	@n=$$(ls $(FUZZ_DIR)/corpus/$(1) | wc -l); test $$n -gt 0 || \
		{ echo "$(1): no seeds" >&2; exit 1; }; \
	echo "$(1): $(4) s, $$n seeds, log in $(FUZZ_DIR)/$(1).log"
	@$(2) -max_total_time=$(4) -max_len=$(3) \
		-artifact_prefix=$(FUZZ_DIR)/artifacts/$(1)/ -print_final_stats=1 \
		$(FUZZ_DIR)/corpus/$(1) > $(FUZZ_DIR)/$(1).log 2>&1 || \
		{ tail -n 40 $(FUZZ_DIR)/$(1).log; echo "$(1): FAILED" >&2; exit 1; }
	@grep -E '^Done|stat::number_of_executed_units|stat::average_exec_per_sec' $(FUZZ_DIR)/$(1).log
endef

FUZZ_FW_SEEDS = cp $(FW_IMAGES) $$corpus/

.PHONY: check-fuzz fuzz-long fuzz-all
check-fuzz: $(FUZZ_FW_PARSE) $(FW_IMAGES)
	$(call snpu_fuzz_run,fuzz_fw_parse,$(FUZZ_FW_PARSE),4096,$(FUZZ_TIME),$(FUZZ_FW_SEEDS))

fuzz-long: $(FUZZ_FW_PARSE) $(FW_IMAGES)
	$(call snpu_fuzz_run,fuzz_fw_parse,$(FUZZ_FW_PARSE),4096,600,$(FUZZ_FW_SEEDS))

CHECK_HOST += check-fuzz
FUZZ_CHECKS += check-fuzz

# FUZZ_CHECKS is filled by the fragments that add a fuzzer; the Makefile
# includes them (tests/unit/model.mk, tests/unit/onnx.mk) before this one.
fuzz-all: $(FUZZ_CHECKS)
