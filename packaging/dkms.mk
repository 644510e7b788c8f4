# SPDX-License-Identifier: GPL-2.0-only
#
# Build snpu.ko from the DKMS source tree: installed by `make install` as
# /usr/src/snpu-VERSION/Makefile (packaging/dkms.mk in the repository),
# beside Kbuild, driver/ and uapi/. kbuild reads Kbuild; this file is for
# dkms.conf's MAKE and for a build by hand:
#
#   make KDIR=/lib/modules/<kernel>/build      (default: the running kernel)
#   make KDIR=... clean
#
# The kernel API probes (driver/conftest.sh) run first for KDIR: their
# header says which tree it was made for, and is made again for another.

KDIR ?= /lib/modules/$(shell uname -r)/build
CONFTEST_H := driver/snpu_conftest.h

.PHONY: modules clean

modules:
	@test -d "$(KDIR)" || { echo "KDIR=$(KDIR): no kernel build tree" >&2; exit 1; }
	+@if ! grep -qs "for $(KDIR):" $(CONFTEST_H); then \
		echo "  CONFTEST $(KDIR)"; sh driver/conftest.sh $(KDIR) $(CONFTEST_H); \
	fi
	@cat $(CONFTEST_H)
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -f $(CONFTEST_H)
