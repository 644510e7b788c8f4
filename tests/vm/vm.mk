# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# VM runner and test harness.
#
#   make check-vm        the device suite (build/tests/device/*) in a QEMU
#                        guest against the freshly built snpu.ko
#   make check-harness   the harness (tests/harness/snpu_test.h) against its
#                        self-test, built with gcc, clang and ASan/UBSan

.PHONY: check-vm check-harness

check-vm: all
	tests/vm/run-vm.sh --kdir $(KDIR) --out $(O)/vm/check \
		--fw-dir $(O)/firmware -- tests/vm/device-suite.sh $(O)/tests/device

HARNESS_SELFTEST_SRC := tests/harness/selftest.c
HARNESS_SELFTEST_DEPS := $(HARNESS_SELFTEST_SRC) tests/harness/snpu_test.h
HARNESS_SELFTESTS := $(O)/tests/harness/selftest-gcc \
	$(O)/tests/harness/selftest-clang $(O)/tests/harness/selftest-asan
HARNESS_CFLAGS := -std=gnu11 -O2 -g -D_GNU_SOURCE $(WARN_CFLAGS)

$(O)/tests/harness/selftest-gcc: $(HARNESS_SELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HARNESS_CFLAGS) -o $@ $<

$(O)/tests/harness/selftest-clang: $(HARNESS_SELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CLANG) $(HARNESS_CFLAGS) -o $@ $<

$(O)/tests/harness/selftest-asan: $(HARNESS_SELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HARNESS_CFLAGS) $(SAN_CFLAGS) -o $@ $<

check-harness: $(HARNESS_SELFTESTS)
	tests/harness/check-harness.sh $(HARNESS_SELFTESTS)

CHECK_HOST += check-harness
