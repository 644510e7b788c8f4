# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The debug-kernel tier (issue 8): Debian's linux-source-6.1 built with
# KASAN, lockdep, kmemleak, UBSAN and fault injection (tests/debug/
# debug.config), cached outside the work tree; snpu.ko built against it;
# under it, the whole device suite, the fault-injection sweeps and the
# ioctl fuzzer, kmemleak scanned at the end (tests/debug/debug-suite.sh).
#
#   make check-debug      the libFuzzer targets for DEBUG_FUZZ_TIME s each,
#                         then the VM: suite, sweeps, DEBUG_IOCTL_CALLS
#                         fuzzer calls (first run builds the kernel)
#   make fuzz-ioctl       the ioctl fuzzer alone, FUZZ_IOCTL_CALLS calls;
#                         FUZZ_SEED=S replays a seed it printed
#   make debug-kernel     only the kernel, printing its tree

.PHONY: check-debug fuzz-ioctl debug-kernel

DEBUG_OUT := $(O)/debug
DEBUG_FUZZ_TIME ?= 60
DEBUG_IOCTL_CALLS ?= 200000
FUZZ_IOCTL_CALLS ?= 1000000
FUZZ_IOCTL_THREADS ?= 4
FUZZ_SEED ?=

# Guest programs of the tier, built with the device tests' helpers.
IOCTL_FUZZ := $(O)/tests/debug/snpu-ioctl-fuzz
$(IOCTL_FUZZ): tests/fuzz/ioctl_fuzz.c $(DEVICE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(DEVICE_CFLAGS) -o $@ $< $(DEVICE_LIB_SRCS) $(DRM_LIBS) -lpthread

FAULT_TEST := $(O)/tests/fault/fault_test
$(FAULT_TEST): tests/debug/fault_test.c $(DEVICE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(DEVICE_CFLAGS) -o $@ $< $(DEVICE_LIB_SRCS) $(DRM_LIBS)

ALL_TARGETS += $(IOCTL_FUZZ) $(FAULT_TEST)

debug-kernel:
	tests/debug/build-kernel.sh

# $(1): VM output folder; $(2): debug-suite.sh options.
define snpu_debug_vm
	@set -e; start=$$(date +%s); \
	kdir=$$(tests/debug/build-kernel.sh | tail -n 1); \
	ko=$$(tests/debug/build-module.sh "$$kdir" $(DEBUG_OUT)/mod | tail -n 1); \
	tests/vm/run-vm.sh --kdir "$$kdir" --out $(1) --fw-dir $(O)/firmware \
		--timeout 5400 -- env O=$(O) tests/debug/debug-suite.sh $(2) \
		$(if $(FUZZ_SEED),--seed $(FUZZ_SEED)) "$$ko"; \
	echo "$@: passed in $$(( $$(date +%s) - start )) s"
endef

check-debug: all $(VM_FIXTURES)
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory fuzz-all FUZZ_TIME=$(DEBUG_FUZZ_TIME) && \
	echo "check-debug: libFuzzer targets done in $$(( $$(date +%s) - start )) s"
	$(call snpu_debug_vm,$(O)/vm/debug,--fuzz-calls $(DEBUG_IOCTL_CALLS) \
		--fuzz-threads $(FUZZ_IOCTL_THREADS))

fuzz-ioctl: all
	$(call snpu_debug_vm,$(O)/vm/fuzz-ioctl,--fuzz-only \
		--fuzz-calls $(FUZZ_IOCTL_CALLS) --fuzz-seconds 4800 \
		--fuzz-threads $(FUZZ_IOCTL_THREADS))
