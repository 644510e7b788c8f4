#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Build the debug kernel of `make check-debug` from Debian's
# linux-source-6.1: x86_64_defconfig + kvm_guest.config + debug.config,
# every option of the fragment checked to have taken effect, with the fixes
# in tests/debug/patches/ (kernel bugs the tier found outside snpu) applied.
# The tree is cached outside the work tree, keyed by the fragment's
# options, the patches, this script's commands (comments left out of both)
# and the source package's version, so only the first run pays for the
# build (about 20 minutes on 2 cores); later runs print the cached tree at
# once.
#
#   tests/debug/build-kernel.sh
#
# Prints the kernel build tree (usable as KDIR: snpu.ko builds against
# it, tests/vm/run-vm.sh boots its bzImage) on the last line of stdout.
# SNPU_CACHE overrides the cache root (default ~/.cache/snpu).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/debug.config
src=/usr/src/linux-source-6.1.tar.xz
PROG=${0##*/}

die() { echo "$PROG: $*" >&2; exit 1; }

[ -r "$src" ] || die "$src missing; run 'make deps' (linux-source-6.1)"
version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 is not installed; run 'make deps'"
patches=("$here"/patches/*.patch)
key=$(cat <(grep -v '^#' "$fragment") "${patches[@]}" \
	<(grep -v '^[[:space:]]*#' "$0") <(echo "$version") |
	sha256sum | cut -c1-16)
cache=${SNPU_CACHE:-$HOME/.cache/snpu}/debug-kernel
tree=$cache/linux-$version-$key

if [ -r "$tree/.snpu-built" ]; then
	echo "$PROG: cached debug kernel ($tree)" >&2
	echo "$tree"
	exit 0
fi

mkdir -p "$cache"
rm -rf "$tree.tmp"
mkdir -p "$tree.tmp"
echo "$PROG: unpacking $src ($version)" >&2
tar -xJf "$src" -C "$tree.tmp" --strip-components=1
cd "$tree.tmp"
for p in "${patches[@]}"; do
	echo "$PROG: applying ${p##*/}" >&2
	patch -p1 -s --forward <"$p" >&2 || die "${p##*/} does not apply"
done
make -s x86_64_defconfig kvm_guest.config >&2
scripts/kconfig/merge_config.sh -m .config "$fragment" >&2
make -s olddefconfig >&2

# Every option of the fragment must have taken effect (a typo, or an
# option that lost a dependency, would silently build a weaker kernel).
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) opt=${line%=n}
		if grep -q "^$opt=" .config; then
			echo "$PROG: $opt is set, the fragment wants it off" >&2
			missing=1
		fi ;;
	CONFIG_*) if ! grep -qxF "$line" .config; then
			echo "$PROG: $line did not take: $(grep "^${line%%=*}=" .config || echo "${line%%=*} unset")" >&2
			missing=1
		fi ;;
	esac
done <"$fragment"
[ "$missing" = 0 ] || die "the fragment did not apply cleanly"

echo "$PROG: building (about 20 minutes on 2 cores, once)" >&2
start=$(date +%s)
make -s -j"$(nproc)" bzImage modules >&2
make -s -j"$(nproc)" modules_prepare >&2
touch .snpu-built
cd /
rm -rf "$tree"
mv "$tree.tmp" "$tree"
echo "$PROG: built in $(( $(date +%s) - start )) s: $tree" >&2
echo "$tree"
