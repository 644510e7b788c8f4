# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# cmocka unit tests, one binary per source file under test, built with
# ASan and UBSan into $(O)/tests/unit/. 'make check-unit' runs them all
# from the top folder (the tests read firmware_gen/profiles/ and, through
# SNPU_FW_DIR, the images that firmware_gen/fwgen.mk builds).

UNIT_DIR := $(O)/tests/unit
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(or $(shell pkg-config --libs cmocka 2>/dev/null),-lcmocka)
UNIT_CFLAGS := $(BASE_CFLAGS) $(SAN_CFLAGS) $(CMOCKA_CFLAGS)

COMMON_HDRS := driver/common/snpu_compat.h driver/common/snpu_crc32.h \
	driver/common/snpu_fw_parse.h uapi/snpu_fw.h uapi/snpu_defs.h

UNIT_TESTS := \
	$(UNIT_DIR)/test_snpu_crc32 \
	$(UNIT_DIR)/test_snpu_fw_parse \
	$(UNIT_DIR)/test_fwgen

$(UNIT_DIR)/test_snpu_crc32: tests/unit/test_snpu_crc32.c \
		driver/common/snpu_crc32.c $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS)

$(UNIT_DIR)/test_snpu_fw_parse: tests/unit/test_snpu_fw_parse.c \
		tests/unit/fw_builder.c tests/unit/fw_builder.h \
		$(COMMON_SRCS) $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Itests/unit -o $@ $(filter %.c,$^) $(CMOCKA_LIBS)

$(UNIT_DIR)/test_fwgen: tests/unit/test_fwgen.c firmware_gen/fwgen_profile.c \
		firmware_gen/fwgen_profile.h $(COMMON_SRCS) $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Ifirmware_gen -o $@ $(filter %.c,$^) $(CMOCKA_LIBS)

.PHONY: check-unit
check-unit: $(UNIT_TESTS) $(FW_IMAGES)
	@fail=0; for t in $(UNIT_TESTS); do \
		echo "== $$t"; \
		SNPU_FW_DIR=$(FW_DIR) $$t || { echo "FAILED: $$t" >&2; fail=1; }; \
	done; \
	if [ $$fail -ne 0 ]; then echo "check-unit: FAILED" >&2; exit 1; fi; \
	echo "check-unit: all passed"

CHECK_HOST += check-unit
