# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Device tests: kselftest-style binaries that run inside the VM against the
# real module (tests/vm/device-suite.sh runs every one of them).

DEVICE_TESTS := bo_test module_test param_test prime_test
DEVICE_BINS := $(patsubst %,$(O)/tests/device/%,$(DEVICE_TESTS))
DEVICE_CFLAGS := $(BASE_CFLAGS) $(SAN_CFLAGS) $(DRM_CFLAGS) -Itests/harness \
	-Itests/device
DEVICE_DEPS := tests/device/snpu_dev.c tests/device/snpu_dev.h \
	tests/harness/snpu_test.h $(wildcard uapi/*.h) $(COMMON_SRCS)

$(O)/tests/device/%: tests/device/%.c $(DEVICE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(DEVICE_CFLAGS) -o $@ $< tests/device/snpu_dev.c \
		$(COMMON_SRCS) $(DRM_LIBS)

ALL_TARGETS += $(DEVICE_BINS)
