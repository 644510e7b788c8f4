# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The engine: differential tests against the independent int8 reference
# (tests/ref/), counters, cost model and error paths, with ASan + UBSan.
#
#   make check-engine
#
# The test packs its models with the packer and reads the edge-mid
# firmware image through SNPU_FW_DIR.

ENGINE_UNIT_TEST := $(UNIT_DIR)/test_snpu_engine
ENGINE_HDRS := driver/common/snpu_compat.h driver/common/snpu_engine.h \
	driver/common/snpu_engine_impl.h driver/common/snpu_cost.h \
	driver/common/snpu_fw_parse.h driver/common/snpu_model_parse.h \
	uapi/snpu_model.h uapi/snpu_defs.h uapi/snpu_fw.h pruner/snpu_pack.h \
	tests/ref/snpu_ref.h

$(ENGINE_UNIT_TEST): tests/unit/test_snpu_engine.c tests/ref/snpu_ref.c \
		$(COMMON_SRCS) $(PACK_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Ipruner -Itests/ref -o $@ $(filter %.c,$^) \
		$(CMOCKA_LIBS)

.PHONY: check-engine
check-engine: $(ENGINE_UNIT_TEST) $(FW_IMAGES)
	SNPU_FW_DIR=$(FW_DIR) $(ENGINE_UNIT_TEST)

CHECK_HOST += check-engine
