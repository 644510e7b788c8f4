# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Example programs: what an application linking libaccel looks like.
#   $(O)/bin/fmnist_classify   Fashion-MNIST classification on a device
# Linked against the shared libaccel.so.0 with an rpath to the build
# folder, as an installed application would link it (minus the rpath).

EXAMPLES := $(O)/bin/fmnist_classify

$(O)/bin/fmnist_classify: examples/fmnist_classify.c \
		libaccel/include/accel.h $(LIBACCEL_SO) $(LIBACCEL_LINKS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(LIBACCEL_CFLAGS) -o $@ $< $(LIBACCEL_LIBS) -lz

ALL_TARGETS += $(EXAMPLES)
