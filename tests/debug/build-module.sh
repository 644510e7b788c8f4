#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Build snpu.ko against another kernel tree (the debug kernel) in a copy
# of the module's sources, so the work tree's driver/ keeps the objects of
# the Debian kernel build.
#
#   tests/debug/build-module.sh KDIR OUT      (prints OUT/driver/snpu.ko)
set -euo pipefail

kdir=${1:?usage: build-module.sh KDIR OUT}
out=${2:?usage: build-module.sh KDIR OUT}

rm -rf "$out"
mkdir -p "$out"
tar -c --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
	--exclude='*.mod.c' --exclude='.*.cmd' --exclude='modules.order' \
	--exclude='snpu_conftest.h' Kbuild LICENSE driver uapi | tar -x -C "$out"
driver/conftest.sh "$kdir" "$out/driver/snpu_conftest.h" >&2
make -s -C "$kdir" M="$(cd "$out" && pwd)" W=1 KCFLAGS=-Werror modules >&2
echo "$out/driver/snpu.ko"
