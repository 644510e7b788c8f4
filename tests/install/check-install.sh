#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# make install, as a packager and a user meet it (make check-install;
# docs/install.md). Everything happens under one temporary folder:
#
#   * `make install DESTDIR=T PREFIX=/usr`, as the unprivileged user
#     nobody when run as root (so nothing outside DESTDIR can be written),
#     gives exactly the expected tree: every path, link target, file mode,
#     the library's SONAME, no rpath, no path of this build tree, a .pc
#     with the installed libdir/includedir, headers that compile alone,
#     man pages that render without warnings (one per command of
#     'snpu --help'), firmware the installed snpu-fwgen validates, a udev
#     rule and a modprobe example naming every module parameter (the rule
#     on real nodes: tests/install/udev-vm.sh, make check-install-vm);
#     and the built artefacts are not touched (install rebuilds nothing);
#   * tests/install/pkgconfig_test.c, built with only
#     `pkg-config --cflags --libs libaccel` against T, runs against T's
#     library: version equal to the header's, 0 devices or a clear error;
#   * DKMS on a copy of T's /usr/src/snpu-VERSION with its own source,
#     DKMS and install trees, signing key and TMPDIR: `dkms add` and
#     `dkms build` for KDIR's kernel (never the running one's) give a
#     snpu.ko with that kernel's vermagic, whose parameters the modprobe
#     example names; `dkms remove` leaves nothing;
#   * install-modprobe / uninstall-modprobe, then `make uninstall` leaves
#     no file in T;
#   * bad input writes nothing: DESTDIR that is a file, a relative PREFIX,
#     a build folder without the artefacts, one with stale artefacts.
#
#   SNPU_BUILD=build KDIR=/usr/src/linux-headers-... tests/install/check-install.sh
#
# Prints "ok - ..." / "not ok - ..." per check and a closing
# "check-install: N passed, N failed, N skipped" line; exits 1 on a failure.
# shellcheck disable=SC2016 # check WHAT eval '...' expands when it runs
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
BUILD=${SNPU_BUILD:-build}
KDIR=${KDIR:-$(printf '%s\n' /usr/src/linux-headers-*-amd64 | sort -V | tail -n 1)}
start=$(date +%s)

passed=0 failed=0 skipped=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
skip() { echo "skip - $*"; skipped=$((skipped + 1)); }
# check DESCRIPTION COMMAND...: one check, passed when COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
die() {
	echo "check-install: $*" >&2
	exit 1
}

for tool in dkms help2man pkg-config readelf groff man modinfo; do
	command -v "$tool" >/dev/null || die "$tool not found: run 'make deps'"
done
# The release the tree builds for (Debian's include/config/kernel.release
# holds the upstream version instead).
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
	"$KDIR/include/generated/utsrelease.h" 2>/dev/null || true)
[ -n "$kver" ] || die "KDIR='$KDIR' is no prepared kernel build tree: run 'make deps'"

# Versions from their one place each.
header_define() { sed -n "s/^#define $1[[:space:]]*//p" "$2"; }
snpu_ver=$(header_define DRM_SNPU_DRIVER_MAJOR uapi/snpu_accel.h).$(header_define \
	DRM_SNPU_DRIVER_MINOR uapi/snpu_accel.h)
lib_ver=$(sed -n 's/^LIBACCEL_VERSION := //p' libaccel/libaccel.mk)
[ -n "$lib_ver" ] || die "no LIBACCEL_VERSION in libaccel/libaccel.mk"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/snpu-check-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"
dest=$tmp/dest

# make in a clean environment (not the calling make's flags or jobserver).
run_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory \
		BUILD="$BUILD" "$@"
}
# As nobody when root and nobody can read this tree; else as ourselves.
as_user=()
if [ "$(id -u)" = 0 ]; then
	nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	if "${nobody[@]}" test -r Makefile -a -r "$BUILD/bin/snpu" 2>/dev/null; then
		as_user=("${nobody[@]}")
	fi
fi
as_user_make() {
	"${as_user[@]}" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL HOME=/nonexistent \
		make --no-print-directory BUILD="$BUILD" "$@"
}

echo "== make install DESTDIR=$dest PREFIX=/usr (kernel $kver, snpu $snpu_ver, libaccel $lib_ver)"
artefacts=("$BUILD/bin/snpu" "$BUILD/bin/snpu-fwgen" "$BUILD/lib/libaccel.so.$lib_ver"
	"$BUILD/lib/libaccel.a" "$BUILD"/firmware/snpu/* "$BUILD"/man/man1/*.1)
stamp_before=$(stat -c '%n %Y' "${artefacts[@]}")
mkdir "$dest"
if [ ${#as_user[@]} -gt 0 ]; then
	chown nobody:nogroup "$dest"
	echo "(as nobody)"
else
	[ "$(id -u)" = 0 ] && skip "install as an unprivileged user: nobody cannot read $REPO"
fi
if as_user_make install DESTDIR="$dest" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR PREFIX=/usr${as_user:+ as nobody}"
else
	cat "$tmp/install.log"
	not_ok "make install DESTDIR PREFIX=/usr"
	die "cannot go on without an installed tree"
fi
check "install rebuilt nothing (artefacts untouched)" \
	test "$stamp_before" = "$(stat -c '%n %Y' "${artefacts[@]}")"

# ---- the tree ---------------------------------------------------------------

cli=$dest/usr/bin/snpu
commands=$("$cli" --help | awk '/^Commands:/ { on = 1; next }
	on && /^$/ { exit } on && /^  [a-z]/ { print $1 }' || true)
[ -n "$commands" ] || not_ok "installed snpu --help lists its commands"

dkmsdir=usr/src/snpu-$snpu_ver
{
	printf '%s\n' usr/bin/snpu usr/bin/snpu-fwgen \
		"usr/lib/libaccel.so.$lib_ver" usr/lib/libaccel.so.0 \
		usr/lib/libaccel.so usr/lib/libaccel.a usr/lib/pkgconfig/libaccel.pc \
		usr/include/snpu/accel.h usr/include/snpu/snpu_defs.h \
		usr/include/snpu/snpu_model.h \
		lib/firmware/snpu/edge-tiny.bin lib/firmware/snpu/edge-mid.bin \
		lib/firmware/snpu/edge-max.bin lib/firmware/snpu/MANIFEST \
		lib/udev/rules.d/70-snpu.rules \
		usr/share/doc/snpu/examples/snpu.conf \
		usr/share/man/man1/snpu.1 usr/share/man/man1/snpu-fwgen.1
	for c in $commands; do echo "usr/share/man/man1/snpu-$c.1"; done
} | sort >"$tmp/expected"
(cd "$dest" && find . ! -type d ! -path "./$dkmsdir/*" | sed 's|^\./||' | sort) \
	>"$tmp/found"
if diff -u "$tmp/expected" "$tmp/found" >"$tmp/tree.diff"; then
	ok "tree: the $(wc -l <"$tmp/expected") expected files outside $dkmsdir, no other"
else
	cat "$tmp/tree.diff"
	not_ok "tree: expected files (- missing, + unexpected)"
fi

# The DKMS tree: what kbuild and the probes need, each a copy of this
# repository's file, nothing a build made.
{
	printf '%s\n' dkms.conf Makefile Kbuild LICENSE driver/Kbuild driver/conftest.sh
	ls driver/conftest/*.c uapi/*.h
	# Every object of driver/Kbuild has its source.
	sed -n 's|^[[:space:]]*\([a-z_/]*\)\.o.*|driver/\1.c|p' driver/Kbuild
} | sort -u >"$tmp/dkms-required"
(cd "$dest/$dkmsdir" && find . ! -type d | sed 's|^\./||' | sort) >"$tmp/dkms-found"
missing=$(comm -23 "$tmp/dkms-required" "$tmp/dkms-found")
check "DKMS tree has dkms.conf, Makefile, Kbuild, the probes and every object's source${missing:+ (missing: $missing)}" \
	test -z "$missing"
foreign=
while read -r f; do
	case $f in
	dkms.conf | Makefile) continue ;;
	*.o | *.ko | *.mod | *.mod.c | *.cmd | *.symvers | *.order | driver/snpu_conftest.h)
		foreign+=" $f"
		continue
		;;
	esac
	cmp -s "$f" "$dest/$dkmsdir/$f" || foreign+=" $f"
done <"$tmp/dkms-found"
check "DKMS tree: sources identical to the repository's, no build products${foreign:+ (bad:$foreign)}" \
	test -z "$foreign"
check "DKMS dkms.conf: PACKAGE_VERSION=$snpu_ver, module snpu in driver/, AUTOINSTALL" \
	grep -qx "PACKAGE_VERSION=\"$snpu_ver\"" "$dest/$dkmsdir/dkms.conf"
for line in 'PACKAGE_NAME="snpu"' 'BUILT_MODULE_NAME\[0\]="snpu"' \
	'BUILT_MODULE_LOCATION\[0\]="driver/"' 'AUTOINSTALL="yes"'; do
	grep -qx "$line" "$dest/$dkmsdir/dkms.conf" || not_ok "dkms.conf has $line"
done

# Modes: programs 0755, everything else 0644 (shared library included, as
# Debian ships them), folders 0755; links point at the right names.
bad_modes=
while read -r mode path; do
	case $path in
	usr/bin/* | "$dkmsdir/driver/conftest.sh") want=755 ;;
	*) want=644 ;;
	esac
	[ "$mode" = "$want" ] || bad_modes+=" $path:$mode(want $want)"
done < <(cd "$dest" && find . -type f -printf '%m %P\n')
while read -r mode path; do
	[ "$mode" = 755 ] || bad_modes+=" $path/:$mode"
done < <(cd "$dest" && find . -mindepth 1 -type d -printf '%m %P\n')
check "modes: binaries and conftest.sh 0755, files 0644 (udev rule, library), folders 0755${bad_modes:+:$bad_modes}" \
	test -z "$bad_modes"
check "libaccel.so -> libaccel.so.0" test "$(readlink "$dest/usr/lib/libaccel.so")" = libaccel.so.0
check "libaccel.so.0 -> libaccel.so.$lib_ver" \
	test "$(readlink "$dest/usr/lib/libaccel.so.0")" = "libaccel.so.$lib_ver"
soname=$(readelf -d "$dest/usr/lib/libaccel.so.$lib_ver" |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p' || true)
check "SONAME of libaccel.so.$lib_ver is libaccel.so.0 (readelf: $soname)" test "$soname" = libaccel.so.0
rpaths=
for f in usr/bin/snpu usr/bin/snpu-fwgen "usr/lib/libaccel.so.$lib_ver"; do
	readelf -d "$dest/$f" | grep -qE 'RPATH|RUNPATH' && rpaths+=" $f"
done
check "no RPATH/RUNPATH in the installed ELF files${rpaths:+:$rpaths}" test -z "$rpaths"
leaks=$(grep -rIl -e "$REPO" -e "$(realpath "$BUILD")" "$dest" || true)
check "no text file names this build tree${leaks:+: $leaks}" test -z "$leaks"

# ---- pkg-config and the headers ----------------------------------------------

export PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig
pcvar() { pkg-config --variable="$1" libaccel; }
check "libaccel.pc: prefix=/usr ($(pcvar prefix))" test "$(pcvar prefix)" = /usr
check "libaccel.pc: libdir=/usr/lib ($(pcvar libdir))" test "$(pcvar libdir)" = /usr/lib
check "libaccel.pc: includedir=/usr/include/snpu ($(pcvar includedir))" \
	test "$(pcvar includedir)" = /usr/include/snpu
check "libaccel.pc: version $lib_ver" test "$(pkg-config --modversion libaccel)" = "$lib_ver"
static_libs=$(pkg-config --static --libs libaccel || true)
check "libaccel.pc: --static adds libdrm and libnl-genl-3 ($static_libs)" \
	eval '[[ $static_libs == *-ldrm* && $static_libs == *-lnl-genl-3* ]]'

export PKG_CONFIG_SYSROOT_DIR=$dest
cflags=$(pkg-config --cflags libaccel || true)
libs=$(pkg-config --libs libaccel || true)
for h in accel.h snpu_defs.h snpu_model.h; do
	# shellcheck disable=SC2086 # pkg-config output is a word list
	if printf '#include <%s>\n' "$h" | cc -std=gnu11 -Wall -Wextra -Werror \
		-fsyntax-only -H $cflags -x c - 2>"$tmp/h.log" &&
		grep -q "^\. $dest/usr/include/snpu/$h" "$tmp/h.log"; then
		ok "installed $h compiles alone with pkg-config --cflags"
	else
		cat "$tmp/h.log"
		not_ok "installed $h compiles alone with pkg-config --cflags"
	fi
done

echo "== cc pkgconfig_test.c \$(pkg-config --cflags --libs libaccel): $cflags $libs"
# shellcheck disable=SC2086
if cc -std=gnu11 -Wall -Wextra -Werror $cflags -o "$tmp/pkgconfig_test" \
	tests/install/pkgconfig_test.c $libs; then
	ok "a program builds and links with only pkg-config --cflags --libs libaccel"
	lib_used=$(LD_LIBRARY_PATH=$dest/usr/lib ldd "$tmp/pkgconfig_test" |
		awk '$1 == "libaccel.so.0" { print $3 }' || true)
	check "it loads $dest/usr/lib/libaccel.so.0 ($lib_used)" \
		test "$lib_used" = "$dest/usr/lib/libaccel.so.0"
	if LD_LIBRARY_PATH=$dest/usr/lib "$tmp/pkgconfig_test"; then
		ok "it runs: accel_version() equals ACCEL_VERSION_*, enumeration answers"
	else
		not_ok "pkgconfig_test runs against the installed library"
	fi
else
	not_ok "a program builds and links with only pkg-config --cflags --libs libaccel"
fi
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# ---- programs, man pages, firmware, udev, modprobe ---------------------------

check "installed snpu --version names libaccel $lib_ver" \
	eval '"$cli" --version | grep -q "libaccel $lib_ver"'
bad_fw=
for img in "$dest"/lib/firmware/snpu/*.bin; do
	"$dest/usr/bin/snpu-fwgen" --dump "$img" >/dev/null 2>&1 || bad_fw+=" ${img##*/}"
done
check "installed snpu-fwgen validates every installed image${bad_fw:+ (bad:$bad_fw)}" test -z "$bad_fw"
check "installed MANIFEST equals the build's" \
	cmp -s "$dest/lib/firmware/snpu/MANIFEST" "$BUILD/firmware/snpu/MANIFEST"

for page in "$dest"/usr/share/man/man1/*.1; do
	name=$(basename "$page" .1)
	warn=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
	text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>&1 | col -b)
	if [ -z "$warn" ] && grep -q "^NAME" <<<"$text" &&
		grep -qE "^ +${name}[[:space:]]+- " <<<"$text" && grep -q "^SYNOPSIS" <<<"$text"; then
		ok "man page $name(1) renders without warnings (NAME, SYNOPSIS)"
	else
		printf '%s\n' "$warn" "$text" | head -20
		not_ok "man page $name(1) renders without warnings"
	fi
done

rule=$dest/lib/udev/rules.d/70-snpu.rules
check "udev rule: drm renderD* of DRIVERS==\"snpu\" -> GROUP render, MODE 0660" \
	grep -qx 'SUBSYSTEM=="drm", KERNEL=="renderD\*", DRIVERS=="snpu", GROUP="render", MODE="0660"' "$rule"
check "udev rule: the same for its card node (same ioctls)" \
	grep -qx 'SUBSYSTEM=="drm", KERNEL=="card\[0-9\]\*", DRIVERS=="snpu", GROUP="render", MODE="0660"' "$rule"
check "udev rule: no other rule line" \
	test "$(grep -cvE '^[[:space:]]*(#|$)' "$rule")" = 2

example=$dest/usr/share/doc/snpu/examples/snpu.conf
params=$(sed -n 's/.*module_param[a-z_]*named(\([a-z_]*\),.*/\1/p' driver/*.c |
	sort | paste -sd' ')
unnamed=
for p in $params; do grep -q "\b$p=" "$example" || unnamed+=" $p"; done
check "modprobe example names every module parameter ($params)${unnamed:+, not:$unnamed}" \
	test -n "$params" -a -z "$unnamed"
check "modprobe example changes nothing as shipped (every line a comment)" \
	test "$(grep -cvE '^[[:space:]]*(#|$)' "$example")" = 0
bad_opts=
while read -r word; do
	[[ " $params " == *" ${word%%=*} "* ]] || bad_opts+=" $word"
done < <(sed -n 's/^#options snpu //p' "$example" | tr ' ' '\n')
check "modprobe example's options lines use only real parameters${bad_opts:+ (bad:$bad_opts)}" \
	test -z "$bad_opts"

# ---- DKMS on a throwaway copy --------------------------------------------------

echo "== dkms add/build/remove snpu/$snpu_ver for $kver (KDIR $KDIR) on a copy"
dk=$tmp/dkms
mkdir -p "$dk/src" "$dk/tree" "$dk/modules" "$dk/tmp"
cp -a "$dest/$dkmsdir" "$dk/src/"
real_dkms_before=$(ls -A /var/lib/dkms 2>/dev/null || true)
dkms_opts=(--sourcetree "$dk/src" --dkmstree "$dk/tree" --installtree "$dk/modules")
# Signing (Debian's dkms signs what it builds) uses a key made in the copy.
run_dkms() {
	TMPDIR=$dk/tmp mok_signing_key=$dk/mok.key mok_certificate=$dk/mok.pub \
		dkms "$@" "${dkms_opts[@]}"
}
dkms_start=$(date +%s)
if run_dkms add -m snpu -v "$snpu_ver" >"$dk/add.log" 2>&1; then
	ok "dkms add snpu/$snpu_ver (private trees)"
else
	cat "$dk/add.log"
	not_ok "dkms add snpu/$snpu_ver"
fi
if run_dkms build -m snpu -v "$snpu_ver" -k "$kver" --kernelsourcedir "$KDIR" \
	>"$dk/build.log" 2>&1; then
	ok "dkms build snpu/$snpu_ver -k $kver ($(($(date +%s) - dkms_start)) s)"
else
	cat "$dk/build.log"
	cat "$dk"/tree/snpu/*/build/make.log 2>/dev/null | tail -40 || true
	not_ok "dkms build snpu/$snpu_ver -k $kver"
fi
ko=$(find "$dk/tree/snpu/$snpu_ver/$kver" -path '*/module/snpu.ko*' 2>/dev/null |
	head -n 1 || true)
if [ -n "$ko" ]; then
	vermagic=$(modinfo -F vermagic "$ko" || true)
	check "snpu.ko built for $kver (vermagic: $vermagic)" eval '[[ $vermagic == "$kver "* ]]'
	check "modinfo name is snpu" test "$(modinfo -F name "$ko")" = snpu
	ko_params=$(modinfo -F parm "$ko" | cut -d: -f1 | sort | paste -sd' ')
	check "the module's parameters ($ko_params) are the modprobe example's" \
		test "$ko_params" = "$params"
	check "the build ran the kernel API probes for $KDIR" \
		grep -q "Generated by driver/conftest.sh for $KDIR:" \
		"$dk/tree/snpu/$snpu_ver/$kver"/*/log/make.log
else
	not_ok "dkms build left a snpu.ko in its tree"
fi
check "dkms status: built for $kver" \
	eval 'run_dkms status -m snpu -v "$snpu_ver" 2>/dev/null | grep -q "$kver.*: built"'
if run_dkms remove -m snpu -v "$snpu_ver" --all >"$dk/remove.log" 2>&1; then
	check "dkms remove --all leaves no snpu in the private tree" test ! -e "$dk/tree/snpu"
else
	cat "$dk/remove.log"
	not_ok "dkms remove snpu/$snpu_ver --all"
fi
check "the machine's DKMS tree and /lib/modules are untouched" \
	test "$real_dkms_before" = "$(ls -A /var/lib/dkms 2>/dev/null || true)" -a \
	! -e "/lib/modules/$kver/updates/dkms/snpu.ko"

# ---- modprobe.d opt-in, uninstall ----------------------------------------------

modconf=$dest/etc/modprobe.d/snpu.conf
if as_user_make install-modprobe DESTDIR="$dest" PREFIX=/usr >"$tmp/mp.log" 2>&1 &&
	cmp -s "$modconf" packaging/snpu.conf; then
	ok "make install-modprobe writes \$(MODPROBEDIR)/snpu.conf"
else
	cat "$tmp/mp.log"
	not_ok "make install-modprobe"
fi
"${as_user[@]}" sh -c "echo 'options snpu emulate=2' >>'$modconf'"
if ! as_user_make install-modprobe DESTDIR="$dest" PREFIX=/usr >"$tmp/mp.log" 2>&1 &&
	grep -q 'exists and differs' "$tmp/mp.log" && grep -q 'emulate=2' "$modconf"; then
	ok "install-modprobe refuses to overwrite an edited snpu.conf"
else
	not_ok "install-modprobe refuses to overwrite an edited snpu.conf"
fi
as_user_make uninstall-modprobe DESTDIR="$dest" PREFIX=/usr >"$tmp/mp.log" 2>&1 || true
check "uninstall-modprobe keeps an edited snpu.conf" grep -q 'emulate=2' "$modconf"
"${as_user[@]}" cp packaging/snpu.conf "$modconf"
as_user_make uninstall-modprobe DESTDIR="$dest" PREFIX=/usr >"$tmp/mp.log" 2>&1 || true
check "uninstall-modprobe removes the unedited snpu.conf" test ! -e "$modconf"

if as_user_make uninstall DESTDIR="$dest" PREFIX=/usr >"$tmp/uninstall.log" 2>&1; then
	ok "make uninstall DESTDIR PREFIX=/usr"
else
	cat "$tmp/uninstall.log"
	not_ok "make uninstall DESTDIR PREFIX=/usr"
fi
left=$(cd "$dest" && find . ! -type d | sed 's|^\./||' | paste -sd' ')
check "uninstall leaves no file behind${left:+ (left: $left)}" test -z "$left"
left_dirs=
for d in usr/include/snpu lib/firmware/snpu usr/share/doc/snpu "$dkmsdir"; do
	[ -e "$dest/$d" ] && left_dirs+=" $d"
done
check "uninstall removes snpu's own folders${left_dirs:+ (left:$left_dirs)}" test -z "$left_dirs"

# ---- bad input -----------------------------------------------------------------

# expect_refusal WHAT MESSAGE-PATTERN WATCHED-DIR MAKE-ARGS...: make fails,
# says MESSAGE, and WATCHED-DIR is the same before and after.
expect_refusal() {
	local what=$1 pattern=$2 watched=$3 before after
	shift 3
	before=$(cd "$watched" && find . -printf '%p %s %T@\n' | sort)
	if run_make "$@" >"$tmp/bad.log" 2>&1; then
		not_ok "$what: make succeeded"
		return
	fi
	after=$(cd "$watched" && find . -printf '%p %s %T@\n' | sort)
	if grep -qE "$pattern" "$tmp/bad.log" && [ "$before" = "$after" ]; then
		ok "$what: refused ($(grep -m1 -E "$pattern" "$tmp/bad.log")), nothing written"
	else
		cat "$tmp/bad.log"
		not_ok "$what: refused with a clear message, nothing written"
	fi
}

bad=$tmp/bad
mkdir -p "$bad"
echo "not a folder" >"$bad/file"
expect_refusal "DESTDIR is a file" "DESTDIR=.* is not a directory" "$bad" \
	install DESTDIR="$bad/file" PREFIX=/usr
expect_refusal "relative PREFIX" "PREFIX='usr' must be an absolute path" "$bad" \
	install DESTDIR="$bad/d" PREFIX=usr
expect_refusal "build folder without artefacts" "run 'make' .*only copies what is built" "$bad" \
	install DESTDIR="$bad/d" PREFIX=/usr BUILD="$bad/nobuild"
# A copy of the artefacts with every intermediate file missing: out of date.
stale=$tmp/stale
for f in "${artefacts[@]}"; do
	mkdir -p "$(dirname "$stale/${f#"$BUILD"/}")"
	cp -p "$f" "$stale/${f#"$BUILD"/}"
done
expect_refusal "stale artefacts (install never rebuilds)" \
	"older than their sources:.*does not rebuild|install does not rebuild" "$tmp/stale" \
	install DESTDIR="$bad/d" PREFIX=/usr BUILD="$stale"
check "DESTDIR of a refused install was not created" test ! -e "$bad/d"

echo "check-install: $passed passed, $failed failed, $skipped skipped" \
	"($(($(date +%s) - start)) s)"
[ "$failed" = 0 ]
