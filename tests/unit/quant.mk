# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# int8 quantization and lowering (pruner/snpu_quant.c): cmocka tests with
# ASan + UBSan. Small random graphs go through the fp32 executor, the
# quantizer, the packer, the model parser, the engine and the independent
# int8 reference (tests/ref/).
#
#   make check-quant

QUANT_UNIT_TEST := $(UNIT_DIR)/test_snpu_quant
QUANT_TEST_SRCS := tests/unit/test_snpu_quant.c tests/ref/snpu_ref.c \
	$(QUANT_SRCS) $(EXEC_SRCS) $(PACK_SRCS) $(COMMON_SRCS)
QUANT_TEST_HDRS := $(wildcard pruner/*.h) tests/ref/snpu_ref.h \
	$(wildcard driver/common/*.h) uapi/snpu_model.h uapi/snpu_defs.h

$(QUANT_UNIT_TEST): $(QUANT_TEST_SRCS) $(QUANT_TEST_HDRS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Ipruner -Itests/ref $(BLAS_CFLAGS) -o $@ \
		$(QUANT_TEST_SRCS) $(CMOCKA_LIBS) $(PRUNER_LIBS)

.PHONY: check-quant
check-quant: $(QUANT_UNIT_TEST)
	$(QUANT_UNIT_TEST)

CHECK_HOST += check-quant
