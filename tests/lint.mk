# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Kernel-side lint, as upstream maintainers run it:
#   checkpatch.pl --strict on every kernel and shared source file,
#   sparse (C=2) and W=1 on the module, kernel-doc -Wall on the headers.
# The scripts come from Debian's linux-source-6.1 (make deps).

LINUX_SRC_TAR ?= $(lastword $(sort $(wildcard /usr/src/linux-source-*.tar.xz)))
LINT_DIR := $(O)/tools/linux
CHECKPATCH := $(LINT_DIR)/scripts/checkpatch.pl
KERNEL_DOC := $(LINT_DIR)/scripts/kernel-doc
LINT_SCRIPTS := scripts/checkpatch.pl scripts/spelling.txt \
	scripts/const_structs.checkpatch scripts/kernel-doc

KERNEL_SRCS := $(filter-out %.mod.c $(CONFTEST_H),$(wildcard driver/*.c driver/*.h \
	driver/common/*.c driver/common/*.h uapi/*.h))
# Headers with kernel-doc comments that must be complete.
KDOC_SRCS := $(wildcard uapi/*.h driver/*.h driver/common/*.h pruner/*.h)

.PHONY: lint lint-checkpatch lint-sparse lint-kdoc

$(CHECKPATCH):
	@test -n "$(LINUX_SRC_TAR)" || { echo "linux-source not installed: run 'make deps'" >&2; exit 1; }
	@mkdir -p $(LINT_DIR)
	tar -xJf $(LINUX_SRC_TAR) -C $(LINT_DIR) --strip-components=1 \
		$(addprefix $(notdir $(basename $(basename $(LINUX_SRC_TAR))))/,$(LINT_SCRIPTS))
	@touch $@

$(KERNEL_DOC): $(CHECKPATCH)

lint-checkpatch: $(CHECKPATCH)
	$(CHECKPATCH) --strict --no-tree --quiet --show-types -f $(KERNEL_SRCS)

# sparse and W=1 over every file (C=2), -Werror: any output line that is a
# diagnostic fails.
lint-sparse: $(CONFTEST_H)
	@set -o pipefail; $(MAKE) -s -C $(KDIR) M=$(CURDIR) C=2 W=1 \
		KCFLAGS=-Werror modules 2>&1 | tee $(O)/sparse.log; \
	if grep -E '(warning|error):' $(O)/sparse.log; then \
		echo "sparse/W=1 found problems" >&2; exit 1; fi

lint-kdoc: $(KERNEL_DOC)
	@set -o pipefail; $(KERNEL_DOC) -none $(KDOC_SRCS) 2>&1 | \
		tee $(O)/kdoc.log; test ! -s $(O)/kdoc.log

lint: lint-checkpatch lint-sparse lint-kdoc
