# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The snpu command line.

SNPU_CLI := $(O)/bin/snpu

$(SNPU_CLI): cli/snpu.c $(wildcard uapi/*.h)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(DRM_CFLAGS) -o $@ cli/snpu.c $(DRM_LIBS)

ALL_TARGETS += $(SNPU_CLI)
