# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# snpu-fwgen and the firmware images of the platform profiles.
#
#   $(O)/bin/snpu-fwgen                 the tool (plain build, -Werror)
#   $(O)/firmware/snpu/<profile>.bin    one image per firmware_gen/profiles/
#   $(O)/firmware/snpu/MANIFEST         file, platform, version, crc32, size
#
# Other fragments use FWGEN, FW_IMAGES and FW_DIR.

FWGEN := $(O)/bin/snpu-fwgen
FWGEN_SRCS := firmware_gen/fwgen.c firmware_gen/fwgen_profile.c $(COMMON_SRCS)
FWGEN_HDRS := firmware_gen/fwgen_profile.h driver/common/snpu_compat.h \
	driver/common/snpu_crc32.h driver/common/snpu_fw_parse.h \
	uapi/snpu_fw.h uapi/snpu_defs.h

FW_DIR := $(O)/firmware/snpu
FW_PROFILES := edge-tiny edge-mid edge-max
FW_IMAGES := $(patsubst %,$(FW_DIR)/%.bin,$(FW_PROFILES))
FW_MANIFEST := $(FW_DIR)/MANIFEST

$(FWGEN): $(FWGEN_SRCS) $(FWGEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Ifirmware_gen -o $@ $(FWGEN_SRCS)

$(FW_DIR)/%.bin: firmware_gen/profiles/%.txt $(FWGEN)
	@mkdir -p $(@D)
	$(FWGEN) $< -o $@

$(FW_MANIFEST): $(FW_IMAGES) $(FWGEN)
	$(FWGEN) --manifest $(FW_IMAGES) > $@.tmp && mv $@.tmp $@

.PHONY: firmware
firmware: $(FW_IMAGES) $(FW_MANIFEST)

ALL_TARGETS += $(FWGEN) $(FW_IMAGES) $(FW_MANIFEST)
CLEAN_FILES += $(FW_MANIFEST).tmp
