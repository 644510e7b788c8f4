# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# snpu top-level build. One non-recursive make for everything in userspace
# (each folder contributes a .mk fragment); the kernel module goes through
# kbuild (Kbuild, driver/Kbuild).
#
#   make            driver/snpu.ko, firmware images, userspace tools, tests
#   make deps       install every Debian package the project needs
#   make check      every test: host unit tests, fuzz smoke, lint, VM suite
#   make demo       the main job on the emulated device, in a VM
#
# Variables: KDIR (kernel build tree), BUILD (output folder, default build).

.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD ?= build
O := $(BUILD)

# The running kernel's build tree when it has one, else the newest Debian
# headers installed (linux-headers-amd64).
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))

CC := gcc
CLANG := clang
WARN_CFLAGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter
BASE_CFLAGS := -std=gnu11 -O2 -g -D_GNU_SOURCE -fno-strict-aliasing \
	-Iuapi -Idriver/common $(WARN_CFLAGS)
# Tests and tools run with AddressSanitizer and UBSan; any report aborts.
SAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
DRM_CFLAGS := $(shell pkg-config --cflags libdrm 2>/dev/null)
DRM_LIBS := $(shell pkg-config --libs libdrm 2>/dev/null)

# Pure code shared with the kernel module (driver/common/).
COMMON_SRCS := driver/common/snpu_crc32.c driver/common/snpu_fw_parse.c \
	driver/common/snpu_model_parse.c driver/common/snpu_engine.c \
	driver/common/snpu_engine_scalar.c driver/common/snpu_engine_avx2.c \
	driver/common/snpu_cost.c

# Filled by the fragments below.
ALL_TARGETS :=
CHECK_HOST :=
CLEAN_FILES :=

include firmware_gen/fwgen.mk
include tests/unit/unit.mk
include pruner/pruner.mk
include tests/unit/graph.mk
include $(wildcard tests/unit/exec.mk tests/unit/onnx.mk tests/unit/train.mk \
	tests/unit/prune.mk tests/unit/quant.mk tests/unit/plan.mk)
include tests/unit/model.mk
include tests/unit/engine.mk
include tests/device/device.mk
include tests/fuzz/fuzz.mk
include tests/vm/vm.mk
include libaccel/libaccel.mk
include cli/cli.mk
include bench/bench.mk
include examples/examples.mk
include dts/dts.mk
include tests/debug/debug.mk
include packaging/install.mk

.PHONY: all driver deps check check-host lint demo clean install uninstall

all: driver $(ALL_TARGETS)

# Kernel API probes (driver/conftest.sh): redone when a probe changes or
# the header was made for another KDIR.
CONFTEST_H := driver/snpu_conftest.h
$(CONFTEST_H): driver/conftest.sh $(wildcard driver/conftest/*.c)
	driver/conftest.sh $(KDIR) $@

driver: $(CONFTEST_H)
	@test -d "$(KDIR)" || { echo "KDIR=$(KDIR): no kernel build tree; run 'make deps'" >&2; exit 1; }
	@grep -q "for $(KDIR):" $(CONFTEST_H) || driver/conftest.sh $(KDIR) $(CONFTEST_H)
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 KCFLAGS=-Werror modules

check-host: $(CHECK_HOST)

# Host tests first (seconds), then lint, then the VM suite; the log is
# summed into one closing line by tests/summarize.sh.
check:
	@mkdir -p $(O)
	@set -o pipefail; start=$$(date +%s); rc=0; \
	$(MAKE) -k --no-print-directory check-host lint check-vm 2>&1 | \
		tee $(O)/check.log || rc=1; \
	tests/summarize.sh $(O)/check.log || rc=1; \
	if [ $$rc = 0 ]; then verdict=passed; else verdict=FAILED; fi; \
	echo "make check: $$verdict in $$(( $$(date +%s) - start )) s"; \
	exit $$rc

include tests/lint.mk

# Train, prune, quantize and pack on the host; run the packed models on
# the emulated device in the VM; merge and check (build/demo/report.json).
DEMO_DIR := $(O)/demo
demo: all
	tests/vm/demo-host.sh $(DEMO_DIR)
	tests/vm/run-vm.sh --kdir $(KDIR) --out $(O)/vm/demo --timeout 900 \
		-- env SNPU_DEMO=$(DEMO_DIR) tests/vm/demo.sh
	/usr/bin/python3 tests/vm/demo-report.py $(DEMO_DIR) $(O)/vm/demo

# Debian packages, installed idempotently: apt runs only when one is missing.
DEB_PACKAGES := build-essential pkg-config linux-headers-amd64 \
	linux-image-amd64 linux-source-6.1 kmod cpio busybox-static \
	qemu-system-x86 libdrm-dev libcmocka-dev sparse clang \
	libclang-rt-14-dev python3 libopenblas-dev libdnnl-dev \
	liblapacke-dev zlib1g-dev protobuf-c-compiler libprotobuf-c-dev \
	libonnx-dev libonnx-testdata dataset-fashion-mnist python3-onnx \
	dt-schema device-tree-compiler libnl-3-dev libnl-genl-3-dev \
	dkms help2man flex bison bc libelf-dev libssl-dev patch

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing:" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "All Debian packages present."; \
	fi

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf $(O) $(CONFTEST_H) $(CLEAN_FILES)
