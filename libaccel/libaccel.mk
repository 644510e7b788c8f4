# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# libaccel: the runtime library.
#
#   $(O)/lib/libaccel.so.0.3.0    SONAME libaccel.so.0, exports ACCEL_API only
#   $(O)/lib/libaccel.so.0, .so   symlinks
#   $(O)/lib/libaccel.a           static (same PIC objects)
#   $(O)/lib/pkgconfig/libaccel.pc  for the build tree (install paths later)
#   make check-accel              cmocka tests + exported symbol list check
#
# For other fragments:
#   LIBACCEL_CFLAGS        compile against accel.h
#   LIBACCEL_LIBS          link the shared library (rpath to $(O)/lib)
#   LIBACCEL_STATIC_LIBS   link the static library and its dependencies
#   LIBACCEL_SO, LIBACCEL_A  prerequisites
#   LIBACCEL_SAN_A         an ASan/UBSan build of the library, for tests
#   LIBACCEL_NL_CFLAGS, LIBACCEL_NL_LIBS  libnl-genl-3, which the telemetry
#                          calls need: link LIBACCEL_NL_LIBS with the static
#                          or sanitized library when using accel_telemetry_*

LIBACCEL_VERSION := 0.3.0
LIBACCEL_SONAME := libaccel.so.0
LIBACCEL_LIBDIR := $(O)/lib
LIBACCEL_SO := $(LIBACCEL_LIBDIR)/libaccel.so.$(LIBACCEL_VERSION)
LIBACCEL_A := $(LIBACCEL_LIBDIR)/libaccel.a
LIBACCEL_PC := $(LIBACCEL_LIBDIR)/pkgconfig/libaccel.pc
LIBACCEL_LINKS := $(LIBACCEL_LIBDIR)/$(LIBACCEL_SONAME) \
	$(LIBACCEL_LIBDIR)/libaccel.so

LIBACCEL_SRCS := libaccel/accel_error.c libaccel/accel_device.c \
	libaccel/accel_buffer.c libaccel/accel_model.c libaccel/accel_job.c \
	libaccel/accel_telemetry.c
# snpu_model_strerror() and what its file needs.
LIBACCEL_COMMON_SRCS := driver/common/snpu_model_parse.c \
	driver/common/snpu_crc32.c driver/common/snpu_cost.c
LIBACCEL_HDRS := libaccel/include/accel.h libaccel/accel_priv.h \
	$(wildcard uapi/*.h driver/common/*.h)

# Telemetry speaks generic netlink through libnl-genl-3 (Debian
# libnl-genl-3-dev); the fallbacks are its usual paths, so a missing .pc
# fails at the #include with the package's header name, not in pkg-config.
LIBACCEL_NL_CFLAGS := $(or $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null),\
	-I/usr/include/libnl3)
LIBACCEL_NL_LIBS := $(or $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null),\
	-lnl-genl-3 -lnl-3)

LIBACCEL_CFLAGS := -Ilibaccel/include
LIBACCEL_LIBS := -L$(LIBACCEL_LIBDIR) -Wl,-rpath,$(abspath $(LIBACCEL_LIBDIR)) \
	-laccel
LIBACCEL_STATIC_LIBS := $(LIBACCEL_A) $(DRM_LIBS) $(LIBACCEL_NL_LIBS) -pthread

LIBACCEL_BUILD_CFLAGS := $(BASE_CFLAGS) $(DRM_CFLAGS) $(LIBACCEL_NL_CFLAGS) \
	-Ilibaccel/include -Ilibaccel -DACCEL_BUILDING_LIBRARY \
	-fvisibility=hidden -pthread

LIBACCEL_OBJ_DIR := $(O)/libaccel/pic
LIBACCEL_OBJS := $(patsubst %.c,$(LIBACCEL_OBJ_DIR)/%.o,\
	$(LIBACCEL_SRCS) $(LIBACCEL_COMMON_SRCS))
LIBACCEL_SAN_DIR := $(O)/libaccel/san
LIBACCEL_SAN_OBJS := $(patsubst %.c,$(LIBACCEL_SAN_DIR)/%.o,$(LIBACCEL_SRCS))
LIBACCEL_SAN_A := $(LIBACCEL_SAN_DIR)/libaccel.a

$(LIBACCEL_OBJ_DIR)/%.o: %.c $(LIBACCEL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(LIBACCEL_BUILD_CFLAGS) -fPIC -c -o $@ $<

# Sanitized objects of libaccel's own files only: the tests link the
# shared driver/common code themselves.
$(LIBACCEL_SAN_DIR)/%.o: %.c $(LIBACCEL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(LIBACCEL_BUILD_CFLAGS) $(SAN_CFLAGS) -c -o $@ $<

$(LIBACCEL_SAN_A): $(LIBACCEL_SAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(LIBACCEL_SO): $(LIBACCEL_OBJS) libaccel/libaccel.map
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(LIBACCEL_SONAME) \
		-Wl,--version-script=libaccel/libaccel.map -Wl,--no-undefined \
		-Wl,-z,relro -Wl,-z,now -o $@ $(LIBACCEL_OBJS) $(DRM_LIBS) \
		$(LIBACCEL_NL_LIBS) -pthread

$(LIBACCEL_LINKS): $(LIBACCEL_SO)
	ln -sf $(notdir $(LIBACCEL_SO)) $(LIBACCEL_LIBDIR)/$(LIBACCEL_SONAME)
	ln -sf $(LIBACCEL_SONAME) $(LIBACCEL_LIBDIR)/libaccel.so

$(LIBACCEL_A): $(LIBACCEL_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

$(LIBACCEL_PC): libaccel/libaccel.pc.in libaccel/libaccel.mk
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(abspath $(O))|' \
	    -e 's|@LIBDIR@|$(abspath $(LIBACCEL_LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(abspath libaccel/include)|' \
	    -e 's|@VERSION@|$(LIBACCEL_VERSION)|' $< > $@

.PHONY: libaccel
libaccel: $(LIBACCEL_SO) $(LIBACCEL_LINKS) $(LIBACCEL_A) $(LIBACCEL_PC)

ALL_TARGETS += $(LIBACCEL_SO) $(LIBACCEL_LINKS) $(LIBACCEL_A) $(LIBACCEL_PC)

# ---- tests -----------------------------------------------------------------

# Host: cmocka against the sanitized library; then the .so's exported
# symbols must equal the checked-in list, so ABI changes are deliberate.
# test_accel_telemetry drives the netlink parsers with messages built
# in-process (no module needed).
ACCEL_UNIT_TEST := $(UNIT_DIR)/test_accel
ACCEL_TELEMETRY_TEST := $(UNIT_DIR)/test_accel_telemetry
ACCEL_SYMBOLS := tests/unit/accel_symbols.txt

$(ACCEL_UNIT_TEST): tests/unit/test_accel.c $(LIBACCEL_SAN_A) \
		$(LIBACCEL_COMMON_SRCS) $(LIBACCEL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $(DRM_CFLAGS) $(LIBACCEL_CFLAGS) -Ilibaccel -o $@ \
		tests/unit/test_accel.c $(LIBACCEL_SAN_A) \
		$(LIBACCEL_COMMON_SRCS) $(CMOCKA_LIBS) $(DRM_LIBS) \
		$(LIBACCEL_NL_LIBS) -pthread

$(ACCEL_TELEMETRY_TEST): tests/unit/test_accel_telemetry.c $(LIBACCEL_SAN_A) \
		$(LIBACCEL_COMMON_SRCS) $(LIBACCEL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $(DRM_CFLAGS) $(LIBACCEL_NL_CFLAGS) \
		$(LIBACCEL_CFLAGS) -Ilibaccel -o $@ \
		tests/unit/test_accel_telemetry.c $(LIBACCEL_SAN_A) \
		$(LIBACCEL_COMMON_SRCS) $(CMOCKA_LIBS) $(DRM_LIBS) \
		$(LIBACCEL_NL_LIBS) -pthread

.PHONY: check-accel
check-accel: $(ACCEL_UNIT_TEST) $(ACCEL_TELEMETRY_TEST) $(LIBACCEL_SO) \
		$(LIBACCEL_LINKS) $(LIBACCEL_PC)
	$(ACCEL_UNIT_TEST)
	$(ACCEL_TELEMETRY_TEST)
	@nm -D --defined-only $(LIBACCEL_SO) | awk '{ print $$3 }' | sort | \
		diff -u $(ACCEL_SYMBOLS) - || { \
		echo "check-accel: exported symbols differ from $(ACCEL_SYMBOLS):" \
			"update it (and libaccel.map) only for a deliberate ABI change" >&2; \
		exit 1; }
	@test "$$(objdump -p $(LIBACCEL_SO) | awk '/SONAME/ { print $$2 }')" = \
		$(LIBACCEL_SONAME) || { echo "check-accel: bad SONAME" >&2; exit 1; }
	@PKG_CONFIG_PATH=$(LIBACCEL_LIBDIR)/pkgconfig pkg-config --exists libaccel || \
		{ echo "check-accel: libaccel.pc does not resolve" >&2; exit 1; }
	@echo "check-accel: symbols, SONAME and pkg-config match"

CHECK_HOST += check-accel

# Device: in the VM with the other device tests (device.mk's pattern rule
# cannot add the library, so this rule is explicit).
ACCEL_DEVICE_TEST := $(O)/tests/device/accel_test

$(ACCEL_DEVICE_TEST): tests/device/accel_test.c $(LIBACCEL_SAN_A) \
		$(DEVICE_DEPS) $(LIBACCEL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(DEVICE_CFLAGS) $(LIBACCEL_CFLAGS) -o $@ tests/device/accel_test.c \
		$(LIBACCEL_SAN_A) $(DEVICE_LIB_SRCS) $(DRM_LIBS) \
		$(LIBACCEL_NL_LIBS) -pthread

ALL_TARGETS += $(ACCEL_DEVICE_TEST)
