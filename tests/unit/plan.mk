# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# cmocka tests of hardware-aware planning (pruner/snpu_plan.c), with ASan
# + UBSan, on real Fashion-MNIST images and the built firmware images.
#
#   make check-plan-unit

PLAN_UNIT_TEST := $(UNIT_DIR)/test_snpu_plan

$(PLAN_UNIT_TEST): tests/unit/test_snpu_plan.c $(PRUNER_SRCS) $(COMMON_SRCS) \
		$(PRUNER_HDRS) $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(PRUNER_CFLAGS) $(SAN_CFLAGS) $(CMOCKA_CFLAGS) -o $@ \
		tests/unit/test_snpu_plan.c $(filter-out %.h,$(PRUNER_SRCS)) \
		$(COMMON_SRCS) $(CMOCKA_LIBS) $(PRUNER_LIBS)

.PHONY: check-plan-unit
check-plan-unit: $(PLAN_UNIT_TEST) $(FW_IMAGES)
	SNPU_FMNIST_DIR=$(FMNIST_DIR) SNPU_FW_DIR=$(FW_DIR) \
		OPENBLAS_NUM_THREADS=1 $(PLAN_UNIT_TEST)

CHECK_HOST += check-plan-unit
