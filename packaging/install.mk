# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# make install / make uninstall: snpu installed like a real driver
# (docs/install.md).
#
#   $(O)/man/man1/*.1     man pages of snpu, each snpu command and snpu-fwgen,
#                         generated from their --help by help2man (part of
#                         `make`, so install builds nothing)
#   make install          library + SONAME links, headers, libaccel.pc with
#                         the installed paths, snpu and snpu-fwgen, firmware,
#                         udev rule, man pages, the modprobe.d example and
#                         the module's DKMS source tree
#   make uninstall        removes exactly the files install wrote
#   make install-modprobe / uninstall-modprobe
#                         the example as $(MODPROBEDIR)/snpu.conf (opt-in)
#   make check-install    tests/install/check-install.sh (host test)
#   make check-install-vm the udev rule on real nodes in the VM
#                         (tests/install/udev-vm.sh; not in make check)
#
# Variables: DESTDIR (staging root, prepended to every path), PREFIX
# (default /usr/local), BINDIR, LIBDIR, INCLUDEDIR, DATADIR, MANDIR, DOCDIR,
# PKGCONFIGDIR, and paths the kernel and udev look in whatever PREFIX is:
# FIRMWAREDIR (/lib/firmware), UDEVRULESDIR (/lib/udev/rules.d),
# MODPROBEDIR (/etc/modprobe.d), DKMSDIR (/usr/src/snpu-$(SNPU_VERSION)).
#
# install depends on nothing: it checks that every artefact exists and is
# up to date (`make -q`), and otherwise stops and says to run `make`, so a
# `sudo make install` never compiles as root.

# The driver's version, from the one place it is kept: the uAPI header
# (what drmGetVersion() reports). It names the DKMS tree and dkms.conf.
SNPU_VERSION := $(shell sed -n 's/^\#define DRM_SNPU_DRIVER_MAJOR[[:space:]]*//p' \
	uapi/snpu_accel.h).$(shell sed -n \
	's/^\#define DRM_SNPU_DRIVER_MINOR[[:space:]]*//p' uapi/snpu_accel.h)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/snpu
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
FIRMWAREDIR ?= /lib/firmware
UDEVRULESDIR ?= /lib/udev/rules.d
MODPROBEDIR ?= /etc/modprobe.d
DKMSDIR ?= /usr/src/snpu-$(SNPU_VERSION)

# ---- man pages (built by `make`) -------------------------------------------

# One page per command, as git does; check-install fails when `snpu --help`
# lists a command that has no page here.
SNPU_MAN_CMDS := info run bench train prune eval top
MAN_OUT := $(O)/man/man1
SNPU_MANS := $(MAN_OUT)/snpu.1 \
	$(patsubst %,$(MAN_OUT)/snpu-%.1,$(SNPU_MAN_CMDS)) \
	$(MAN_OUT)/snpu-fwgen.1
# The pages' date: the last commit's, so a rebuild gives the same page.
SNPU_MAN_EPOCH = $(shell git log -1 --format=%ct 2>/dev/null)

$(MAN_OUT)/snpu.1: $(SNPU_CLI) packaging/gen-man.sh
	@mkdir -p $(@D)
	SOURCE_DATE_EPOCH=$(SNPU_MAN_EPOCH) packaging/gen-man.sh $@ snpu $(SNPU_CLI)

$(MAN_OUT)/snpu-fwgen.1: $(FWGEN) packaging/gen-man.sh uapi/snpu_fw.h
	@mkdir -p $(@D)
	SOURCE_DATE_EPOCH=$(SNPU_MAN_EPOCH) packaging/gen-man.sh $@ snpu-fwgen $(FWGEN)

$(MAN_OUT)/snpu-%.1: $(SNPU_CLI) packaging/gen-man.sh
	@mkdir -p $(@D)
	SOURCE_DATE_EPOCH=$(SNPU_MAN_EPOCH) packaging/gen-man.sh $@ snpu-$* $(SNPU_CLI)

.PHONY: man
man: $(SNPU_MANS)

ALL_TARGETS += $(SNPU_MANS)
CLEAN_FILES += $(addsuffix .tmp,$(SNPU_MANS))

# ---- what is installed -------------------------------------------------------

# Headers: accel.h needs no other header to compile; snpu_defs.h holds the
# SNPU_OP_* / SNPU_ENC_* bits of struct accel_caps and snpu_model.h the
# enum snpu_model_error of ACCEL_E_MODEL_BASE - n. In their own folder,
# so a name as common as accel.h stays out of /usr/include.
INSTALL_HDRS := libaccel/include/accel.h uapi/snpu_defs.h uapi/snpu_model.h

# The module's sources for DKMS: what Kbuild, driver/Kbuild and
# driver/conftest.sh need, never what a build made here (the conftest
# header is for this machine's KDIR; DKMS probes each kernel anew).
DKMS_SRCS := Kbuild LICENSE driver/Kbuild driver/conftest.sh \
	$(wildcard driver/conftest/*.c) \
	$(filter-out driver/snpu_conftest.h %.mod.c,$(wildcard driver/*.c driver/*.h)) \
	$(wildcard driver/common/*.c driver/common/*.h uapi/*.h)
DKMS_SUBDIRS := driver/conftest driver/common driver uapi

# The built files install takes; each must exist and be up to date.
INSTALL_ARTEFACTS := $(SNPU_CLI) $(FWGEN) $(LIBACCEL_SO) $(LIBACCEL_A) \
	$(FW_IMAGES) $(FW_MANIFEST) $(SNPU_MANS)

LIBACCEL_SO_NAME := $(notdir $(LIBACCEL_SO))

# Every file install writes (without DESTDIR); uninstall removes these.
INSTALLED_FILES = $(BINDIR)/snpu $(BINDIR)/snpu-fwgen \
	$(LIBDIR)/$(LIBACCEL_SO_NAME) $(LIBDIR)/$(LIBACCEL_SONAME) \
	$(LIBDIR)/libaccel.so $(LIBDIR)/libaccel.a $(PKGCONFIGDIR)/libaccel.pc \
	$(addprefix $(INCLUDEDIR)/snpu/,$(notdir $(INSTALL_HDRS))) \
	$(addprefix $(FIRMWAREDIR)/snpu/,$(notdir $(FW_IMAGES) $(FW_MANIFEST))) \
	$(UDEVRULESDIR)/70-snpu.rules \
	$(addprefix $(MANDIR)/man1/,$(notdir $(SNPU_MANS))) \
	$(DOCDIR)/examples/snpu.conf \
	$(addprefix $(DKMSDIR)/,dkms.conf Makefile $(DKMS_SRCS))
# Folders that are snpu's alone, deepest first: removed when left empty.
INSTALLED_DIRS = $(INCLUDEDIR)/snpu $(FIRMWAREDIR)/snpu \
	$(DOCDIR)/examples $(DOCDIR) \
	$(addprefix $(DKMSDIR)/,$(DKMS_SUBDIRS)) $(DKMSDIR)

# Shell: stop unless every install path is absolute and DESTDIR, when
# given, is a folder or does not exist yet.
define snpu_install_guard
	@for v in PREFIX=$(PREFIX) BINDIR=$(BINDIR) LIBDIR=$(LIBDIR) \
		INCLUDEDIR=$(INCLUDEDIR) MANDIR=$(MANDIR) DOCDIR=$(DOCDIR) \
		PKGCONFIGDIR=$(PKGCONFIGDIR) FIRMWAREDIR=$(FIRMWAREDIR) \
		UDEVRULESDIR=$(UDEVRULESDIR) MODPROBEDIR=$(MODPROBEDIR) \
		DKMSDIR=$(DKMSDIR); do \
		case "$${v#*=}" in /*) ;; *) echo "make $@: $${v%%=*}='$${v#*=}'" \
			"must be an absolute path" >&2; exit 2;; esac; \
	done
	@if [ -n "$(DESTDIR)" ] && [ -e "$(DESTDIR)" ] && [ ! -d "$(DESTDIR)" ]; then \
		echo "make $@: DESTDIR='$(DESTDIR)' exists and is not a directory;" \
			"give a directory (it is created when missing)" >&2; \
		exit 2; \
	fi
endef

.PHONY: install uninstall install-modprobe uninstall-modprobe check-install

install:
	$(snpu_install_guard)
	@missing=; for f in $(INSTALL_ARTEFACTS); do \
		[ -e "$$f" ] || missing="$$missing $$f"; done; \
	if [ -n "$$missing" ]; then \
		echo "make install: not built:$$missing" >&2; \
		echo "make install: run 'make' (as yourself, not root) first;" \
			"install only copies what is built" >&2; \
		exit 1; \
	fi
	@$(MAKE) -q --no-print-directory BUILD=$(BUILD) $(INSTALL_ARTEFACTS) || { \
		stale=; for f in $(INSTALL_ARTEFACTS); do \
			$(MAKE) -q --no-print-directory BUILD=$(BUILD) "$$f" || \
				stale="$$stale $$f"; done; \
		echo "make install: older than their sources:$$stale" >&2; \
		echo "make install: run 'make' (as yourself, not root) first;" \
			"install does not rebuild" >&2; \
		exit 1; }
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(LIBDIR)" \
		"$(DESTDIR)$(PKGCONFIGDIR)" "$(DESTDIR)$(INCLUDEDIR)/snpu" \
		"$(DESTDIR)$(FIRMWAREDIR)/snpu" "$(DESTDIR)$(UDEVRULESDIR)" \
		"$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(DOCDIR)/examples" \
		$(foreach d,$(DKMS_SUBDIRS),"$(DESTDIR)$(DKMSDIR)/$(d)")
	install -m 0755 $(SNPU_CLI) $(FWGEN) "$(DESTDIR)$(BINDIR)/"
	install -m 0644 $(LIBACCEL_SO) $(LIBACCEL_A) "$(DESTDIR)$(LIBDIR)/"
	ln -sfn $(LIBACCEL_SO_NAME) "$(DESTDIR)$(LIBDIR)/$(LIBACCEL_SONAME)"
	ln -sfn $(LIBACCEL_SONAME) "$(DESTDIR)$(LIBDIR)/libaccel.so"
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)/snpu|' \
	    -e 's|@VERSION@|$(LIBACCEL_VERSION)|' libaccel/libaccel.pc.in \
		> "$(DESTDIR)$(PKGCONFIGDIR)/libaccel.pc"
	chmod 0644 "$(DESTDIR)$(PKGCONFIGDIR)/libaccel.pc"
	install -m 0644 $(INSTALL_HDRS) "$(DESTDIR)$(INCLUDEDIR)/snpu/"
	install -m 0644 $(FW_IMAGES) $(FW_MANIFEST) "$(DESTDIR)$(FIRMWAREDIR)/snpu/"
	install -m 0644 packaging/70-snpu.rules "$(DESTDIR)$(UDEVRULESDIR)/"
	install -m 0644 $(SNPU_MANS) "$(DESTDIR)$(MANDIR)/man1/"
	install -m 0644 packaging/snpu.conf "$(DESTDIR)$(DOCDIR)/examples/"
	@for f in $(DKMS_SRCS); do \
		mode=0644; [ -x "$$f" ] && mode=0755; \
		install -m $$mode "$$f" "$(DESTDIR)$(DKMSDIR)/$$f" || exit 1; \
	done
	install -m 0644 packaging/dkms.mk "$(DESTDIR)$(DKMSDIR)/Makefile"
	sed -e 's|@VERSION@|$(SNPU_VERSION)|' packaging/dkms.conf.in \
		> "$(DESTDIR)$(DKMSDIR)/dkms.conf"
	chmod 0644 "$(DESTDIR)$(DKMSDIR)/dkms.conf"
	@if [ -z "$(DESTDIR)" ]; then \
		if [ "$$(id -u)" = 0 ]; then ldconfig; fi; \
		echo "Installed. Next, as root:"; \
		echo "  udevadm control --reload-rules && udevadm trigger -s drm"; \
		echo "  dkms install snpu/$(SNPU_VERSION)    # build and install snpu.ko"; \
		echo "  modprobe snpu    # options: $(DOCDIR)/examples/snpu.conf"; \
	fi

uninstall:
	$(snpu_install_guard)
	@if [ -z "$(DESTDIR)" ] && [ -d /var/lib/dkms/snpu/$(SNPU_VERSION) ]; then \
		echo "make uninstall: snpu/$(SNPU_VERSION) is registered with DKMS;" \
			"run 'dkms remove snpu/$(SNPU_VERSION) --all' first" >&2; \
		exit 1; \
	fi
	rm -f $(foreach f,$(INSTALLED_FILES),"$(DESTDIR)$(f)")
	-@rmdir --ignore-fail-on-non-empty \
		$(foreach d,$(INSTALLED_DIRS),"$(DESTDIR)$(d)") 2>/dev/null
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

# The modprobe options are the administrator's: install writes only the
# example. This opt-in target copies it as $(MODPROBEDIR)/snpu.conf, never
# over a different file; uninstall-modprobe removes it only while unedited.
install-modprobe:
	$(snpu_install_guard)
	@dest="$(DESTDIR)$(MODPROBEDIR)/snpu.conf"; \
	if [ -e "$$dest" ] && ! cmp -s packaging/snpu.conf "$$dest"; then \
		echo "make $@: $$dest exists and differs: left as it is" >&2; \
		exit 1; \
	fi; \
	install -d "$(DESTDIR)$(MODPROBEDIR)" && \
	install -m 0644 packaging/snpu.conf "$$dest" && echo "installed $$dest"

uninstall-modprobe:
	$(snpu_install_guard)
	@dest="$(DESTDIR)$(MODPROBEDIR)/snpu.conf"; \
	if [ -e "$$dest" ] && ! cmp -s packaging/snpu.conf "$$dest"; then \
		echo "make $@: $$dest was edited: left as it is" >&2; \
	else \
		rm -f "$$dest"; \
	fi

# ---- host test -----------------------------------------------------------------

# The test runs make install / uninstall itself (as an unprivileged user
# when it can), builds a program with pkg-config against the tree and
# builds the module with DKMS on a throwaway copy for KDIR's kernel.
check-install: $(INSTALL_ARTEFACTS) tests/install/check-install.sh \
		tests/install/pkgconfig_test.c
	SNPU_BUILD=$(BUILD) KDIR=$(KDIR) tests/install/check-install.sh

CHECK_HOST += check-install

# The udev rule against real nodes, in a VM of its own (about 15 s).
.PHONY: check-install-vm
check-install-vm: driver $(FW_IMAGES)
	tests/vm/run-vm.sh --kdir $(KDIR) --out $(O)/vm/install \
		--fw-dir $(O)/firmware -- tests/install/udev-vm.sh driver/snpu.ko

CHECK_HOST += check-install-vm
