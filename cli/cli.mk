# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The snpu command line, a thin layer over libaccel.
#
#   $(O)/bin/snpu                 the tool; links libaccel statically
#                                 ($(LIBACCEL_A)), so it runs from any
#                                 folder with no rpath or LD_LIBRARY_PATH
#   make check-cli                host unit tests: the .npy reader/writer,
#                                 argument parsing / exit codes, and the
#                                 frames and JSON of snpu top
#   $(O)/tests/device/cli_test    VM test of the built tool (device suite)
#
# Split so that everything without a device is testable on the host:
# npy.c (.npy files) and snpu_args.c / snpu_io.c (command line, input and
# model files) never call libaccel; snpu.c, snpu_info.c, snpu_run.c,
# snpu_bench.c and snpu_top.c are the commands over it (snpu_top.c's
# rendering functions are pure, and tested on the host).

SNPU_CLI := $(O)/bin/snpu

# Pure parts; the model parser is the one the driver runs (an offline
# check before a device is opened).
CLI_PURE_SRCS := cli/npy.c cli/snpu_args.c cli/snpu_args_ml.c cli/snpu_io.c
CLI_MODEL_SRCS := driver/common/snpu_model_parse.c driver/common/snpu_crc32.c \
	driver/common/snpu_cost.c
CLI_SRCS := cli/snpu.c cli/snpu_info.c cli/snpu_run.c cli/snpu_bench.c \
	cli/snpu_ml.c cli/snpu_top.c $(CLI_PURE_SRCS)
# The host commands link the pruner library (its sources include the
# packer) and the independent int8 reference they write reference
# outputs with.
CLI_PRUNER_SRCS := $(PRUNER_SRCS) pruner/snpu_report.c tests/ref/snpu_ref.c \
	$(filter-out $(CLI_MODEL_SRCS),$(COMMON_SRCS))
CLI_HDRS := $(wildcard cli/*.h) libaccel/include/accel.h \
	$(wildcard uapi/*.h driver/common/*.h)
CLI_CFLAGS := $(PRUNER_CFLAGS) -Icli -Itests/ref $(LIBACCEL_CFLAGS)

$(SNPU_CLI): $(CLI_SRCS) $(CLI_MODEL_SRCS) $(CLI_PRUNER_SRCS) $(CLI_HDRS) \
		$(PRUNER_HDRS) $(LIBACCEL_A)
	@mkdir -p $(@D)
	$(CC) $(CLI_CFLAGS) -o $@ $(CLI_SRCS) $(CLI_MODEL_SRCS) \
		$(CLI_PRUNER_SRCS) $(LIBACCEL_A) $(DRM_LIBS) $(LIBACCEL_NL_LIBS) \
		$(PRUNER_LIBS)

ALL_TARGETS += $(SNPU_CLI)

# ---- host unit tests (cmocka, ASan/UBSan) ------------------------------------

CLI_UNIT_TESTS := $(UNIT_DIR)/test_npy $(UNIT_DIR)/test_cli_args \
	$(UNIT_DIR)/test_snpu_top

$(UNIT_DIR)/test_npy: tests/unit/test_npy.c cli/npy.c cli/npy.h
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Icli -o $@ tests/unit/test_npy.c cli/npy.c \
		$(CMOCKA_LIBS)

# The test packs a model with the device tests' graph generator (pure C).
CLI_ARGS_TEST_SRCS := tests/unit/test_cli_args.c $(CLI_PURE_SRCS) \
	tests/device/snpu_tmodel.c $(PACK_SRCS) $(COMMON_SRCS)

$(UNIT_DIR)/test_cli_args: $(CLI_ARGS_TEST_SRCS) $(CLI_HDRS) tests/unit/cli_parse.h \
		tests/device/snpu_tmodel.h pruner/snpu_pack.h
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Icli -Itests/device -Ipruner -o $@ \
		$(CLI_ARGS_TEST_SRCS) $(CMOCKA_LIBS) -lm

# snpu top: its frames and JSON from fixed samples, and its options. It
# links the sanitized libaccel (the live half of snpu_top.c calls it) and
# the argument parser with what snpu_io.c needs.
TOP_TEST_SRCS := tests/unit/test_snpu_top.c cli/snpu_top.c $(CLI_PURE_SRCS) \
	$(CLI_MODEL_SRCS) pruner/snpu_report.c

$(UNIT_DIR)/test_snpu_top: $(TOP_TEST_SRCS) $(CLI_HDRS) tests/unit/cli_parse.h \
		pruner/snpu_report.h \
		$(LIBACCEL_SAN_A)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Icli -Ipruner $(LIBACCEL_CFLAGS) -o $@ \
		$(TOP_TEST_SRCS) $(LIBACCEL_SAN_A) $(CMOCKA_LIBS) $(DRM_LIBS) \
		$(LIBACCEL_NL_LIBS) -pthread -lm

# SNPU_CLI lets test_cli_args and test_snpu_top also run the built tool
# (no device needed).
.PHONY: check-cli
check-cli: $(CLI_UNIT_TESTS) $(SNPU_CLI) $(FW_IMAGES)
	@fail=0; for t in $(CLI_UNIT_TESTS); do \
		echo "== $$t"; \
		SNPU_CLI=$(SNPU_CLI) $$t || { echo "FAILED: $$t" >&2; fail=1; }; \
	done; \
	if [ $$fail -ne 0 ]; then echo "check-cli: FAILED" >&2; exit 1; fi; \
	echo "check-cli: all passed"

CHECK_HOST += check-cli

# ---- device test (VM) --------------------------------------------------------

CLI_DEVICE_TEST := $(O)/tests/device/cli_test

$(CLI_DEVICE_TEST): tests/device/cli_test.c cli/npy.c cli/npy.h $(DEVICE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(DEVICE_CFLAGS) -Icli -o $@ tests/device/cli_test.c cli/npy.c \
		$(DEVICE_LIB_SRCS) $(DRM_LIBS)

ALL_TARGETS += $(CLI_DEVICE_TEST)

# ---- a pruned Fashion-MNIST model for the VM tests ------------------------
#
# LeNet-300-100 trained one epoch and pruned one-shot to 80 % with
# SparseGPT by the tool itself, with the first 2000 test images
# quantized, the independent int8 reference's outputs for them and the
# host engine's accuracy: cli_test checks the device (and the libaccel
# example) against them.

FMNIST_FIXTURE := $(O)/tests/data/fmnist/model.snpu

$(FMNIST_FIXTURE): $(SNPU_CLI)
	@mkdir -p $(@D)
	$(SNPU_CLI) train --arch lenet300 --epochs 1 \
		--output $(@D)/lenet300.onnx --quiet
	$(SNPU_CLI) prune $(@D)/lenet300.onnx --output $@.tmp --sparsity 0.8 \
		--criterion sparsegpt \
		--sweep none --limit 2000 --test-input $(@D)/test.npy \
		--ref-output $(@D)/ref.npy --quiet >$(@D)/prune.txt
	$(SNPU_CLI) eval $@.tmp --limit 2000 --json >$(@D)/host.json
	mv $@.tmp $@

# ---- hardware-aware plans for the VM test ----------------------------------
#
# tests/plan/plan-demo.sh: the CNN planned for the three platforms next to
# uniform sparsity at the same latency, checked on the host
# (tests/plan/plan-check.py); plan_test runs the plans on the device.

PLAN_FIXTURE := $(O)/tests/data/plan/plan-table.md
PLAN_DEVICE_TEST := $(O)/tests/device/plan_test

$(PLAN_FIXTURE): $(SNPU_CLI) $(FW_IMAGES) tests/plan/plan-demo.sh \
		tests/plan/plan-check.py
	SNPU_CLI=$(SNPU_CLI) SNPU_FW_DIR=$(FW_DIR) \
		tests/plan/plan-demo.sh $(@D) oneshot 1

.PHONY: check-plan
check-plan: $(PLAN_FIXTURE)

CHECK_HOST += check-plan

$(PLAN_DEVICE_TEST): tests/device/plan_test.c cli/npy.c cli/npy.h \
		$(LIBACCEL_SAN_A) $(DEVICE_DEPS) $(LIBACCEL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(DEVICE_CFLAGS) $(LIBACCEL_CFLAGS) -Icli -o $@ \
		tests/device/plan_test.c cli/npy.c $(LIBACCEL_SAN_A) \
		$(DEVICE_LIB_SRCS) $(DRM_LIBS) $(LIBACCEL_NL_LIBS) -pthread -lm

ALL_TARGETS += $(PLAN_DEVICE_TEST)

# Telemetry, fdinfo, permissions and snpu top in the VM (issue 7).
TELEMETRY_DEVICE_TEST := $(O)/tests/device/telemetry_test

$(TELEMETRY_DEVICE_TEST): tests/device/telemetry_test.c $(LIBACCEL_SAN_A) \
		$(DEVICE_DEPS) $(LIBACCEL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(DEVICE_CFLAGS) $(LIBACCEL_CFLAGS) -o $@ \
		tests/device/telemetry_test.c $(LIBACCEL_SAN_A) \
		$(DEVICE_LIB_SRCS) $(DRM_LIBS) $(LIBACCEL_NL_LIBS) -pthread

ALL_TARGETS += $(TELEMETRY_DEVICE_TEST)

# What the VM device suite reads besides the binaries (check-vm, and
# check-debug's run of the same suite).
VM_FIXTURES := $(FMNIST_FIXTURE) $(PLAN_FIXTURE)
check-vm: $(VM_FIXTURES)
