# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Device tests: kselftest-style binaries that run inside the VM against the
# real module (tests/vm/device-suite.sh runs every one of them).

DEVICE_TESTS := bo_test job_test module_test param_test prime_test
DEVICE_BINS := $(patsubst %,$(O)/tests/device/%,$(DEVICE_TESTS))
DEVICE_CFLAGS := $(BASE_CFLAGS) $(SAN_CFLAGS) $(DRM_CFLAGS) -Itests/harness \
	-Itests/device -Itests/ref -Ipruner
# Shared by every device test: helpers, the test graph generator, the
# packer and the independent int8 reference.
DEVICE_LIB_SRCS := tests/device/snpu_dev.c tests/device/snpu_tmodel.c \
	tests/device/snpu_tjob.c tests/ref/snpu_ref.c $(PACK_SRCS) $(COMMON_SRCS)
DEVICE_DEPS := $(DEVICE_LIB_SRCS) tests/device/snpu_dev.h \
	tests/device/snpu_tmodel.h tests/device/snpu_tjob.h tests/ref/snpu_ref.h \
	pruner/snpu_pack.h \
	tests/harness/snpu_test.h $(wildcard uapi/*.h driver/common/*.h)

$(O)/tests/device/%: tests/device/%.c $(DEVICE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(DEVICE_CFLAGS) -o $@ $< $(DEVICE_LIB_SRCS) $(DRM_LIBS)

ALL_TARGETS += $(DEVICE_BINS)
