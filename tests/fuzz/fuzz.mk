# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# libFuzzer targets (clang, ASan + UBSan). Seeds are the shipped firmware
# images; runs work on a copy so the seeds stay as built.
#
#   make check-fuzz    15 s smoke run per target (part of 'make check')
#   make fuzz-long     600 s per target

FUZZ_DIR := $(O)/tests/fuzz
FUZZ_CFLAGS := $(BASE_CFLAGS) -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_FW_PARSE := $(FUZZ_DIR)/fuzz_fw_parse
FUZZ_FW_CORPUS := $(FUZZ_DIR)/corpus/fw_parse
FUZZ_FW_ARTIFACTS := $(FUZZ_DIR)/artifacts/fw_parse/

$(FUZZ_FW_PARSE): tests/fuzz/fuzz_fw_parse.c $(COMMON_SRCS) \
		driver/common/snpu_compat.h driver/common/snpu_crc32.h \
		driver/common/snpu_fw_parse.h uapi/snpu_fw.h uapi/snpu_defs.h
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

FUZZ_FW_LOG = $(O)/tests/fuzz/fuzz_fw_parse.log

# $(1): run time in seconds.
define snpu_fuzz_fw_parse_run
	rm -rf $(FUZZ_FW_CORPUS) && mkdir -p $(FUZZ_FW_CORPUS) $(FUZZ_FW_ARTIFACTS)
	cp $(FW_IMAGES) $(FUZZ_FW_CORPUS)/
	@echo "fuzz_fw_parse: $(1) s, log in $(FUZZ_FW_LOG)"
	@$(FUZZ_FW_PARSE) -max_total_time=$(1) -max_len=4096 \
		-artifact_prefix=$(FUZZ_FW_ARTIFACTS) -print_final_stats=1 \
		$(FUZZ_FW_CORPUS) > $(FUZZ_FW_LOG) 2>&1 || \
		{ tail -n 40 $(FUZZ_FW_LOG); echo "fuzz_fw_parse: FAILED" >&2; exit 1; }
	@grep -E '^Done|stat::number_of_executed_runs|stat::average_exec_per_sec' $(FUZZ_FW_LOG)
endef

.PHONY: check-fuzz fuzz-long
check-fuzz: $(FUZZ_FW_PARSE) $(FW_IMAGES)
	$(call snpu_fuzz_fw_parse_run,15)

fuzz-long: $(FUZZ_FW_PARSE) $(FW_IMAGES)
	$(call snpu_fuzz_fw_parse_run,600)

CHECK_HOST += check-fuzz
