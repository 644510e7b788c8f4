#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Run one command inside a throwaway QEMU guest that boots a stock Debian
# kernel with the host's root filesystem shared read-only over virtio-9p.
#
#   tests/vm/run-vm.sh [--kdir KDIR | --krel RELEASE] [--out DIR]
#       [--timeout SEC] [--mem MB] [--smp N] [--cpu MODEL]
#       [--append "KERNEL ARGS"] [--fw-dir DIR] -- CMD [ARG...]
#
# How it works:
#   * A tiny initramfs (busybox + the modules that mount a virtio-9p share)
#     is built once per kernel release and cached next to OUT; a second,
#     per-run cpio (environment + the command as a script file) is
#     concatenated to it, which the kernel unpacks on top.
#   * The guest's /init mounts the host root at /host, mounts proc, sys,
#     devtmpfs, tmpfs /tmp and debugfs inside it, mounts the current
#     directory (read-only) and OUT (writable), each its own 9p share, at
#     their own absolute paths, copies the firmware
#     directory to /tmp/snpu-fw, chroots into /host, cd's to the directory
#     the runner was started from and runs CMD.
#   * The guest writes OUT/console-cmd.log, OUT/status and OUT/dmesg.txt,
#     then resets (QEMU runs with -no-reboot, so it exits). The host keeps the whole serial console in
#     OUT/console.log and fails loudly on a missing status, a nonzero
#     status or a kernel splat in dmesg.
#
# Exit status: CMD's own status when nonzero; 1 for a kernel problem found
# in dmesg or a guest that died without finishing; 124 on timeout; 2 for a
# usage or setup error.

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
PROG=${0##*/}

# Kernel modules needed to mount a virtio-9p share; their dependencies are
# resolved (and ordered) from modules.dep.
ROOT_MODULES=(virtio_pci 9pnet_virtio 9p)
# Lines in dmesg that fail the run.
SPLAT_RE='Oops|BUG:|WARNING:|KASAN|UBSAN|kmemleak|leak|Call Trace|general protection|refcount_t|blocked for more than'
# ... except the debug kernel's own announcements of its checkers.
SPLAT_IGNORE_RE='kmemleak: Kernel memory leak detector initialized|kmemleak: Automatic memory scanning thread (started|ended)'
# Between these lines (written to /dev/kmsg by tests/debug/fault_test.c),
# allocations fail on purpose, and the kernel's report of a failed vmalloc
# (a stack dump without any bug header) is expected: there, stack and
# memory dump lines (indented) and "Call Trace" are dropped, while every
# bug header above still fails the run.
FAULT_ARMED='snpu-fault: armed'
FAULT_DISARMED='snpu-fault: disarmed'
# 9p payload size; the virtio transport caps it near 512 KiB.
MSIZE=262144

usage() {
	cat <<'EOF'
Usage: tests/vm/run-vm.sh [--kdir KDIR | --krel RELEASE] [--out DIR]
           [--timeout SEC] [--mem MB] [--smp N] [--cpu MODEL]
           [--append "KERNEL ARGS"] [--fw-dir DIR] -- CMD [ARG...]
Runs CMD in a QEMU guest booted from the host's root filesystem, from the
current folder. Results: OUT/status, OUT/console.log, OUT/console-cmd.log,
OUT/dmesg.txt. Exit: CMD's status, 1 for kernel problems, 124 on timeout.

Options:
  --kdir KDIR     kernel build tree; its release picks the guest kernel
  --krel RELEASE  guest kernel release (/boot/vmlinuz-RELEASE)
  --out DIR       output folder (default build/vm/run)
  --timeout SEC   wall-clock limit for the whole VM (default 900)
  --mem MB        guest memory (default 2048)
  --smp N         guest CPUs (default 2)
  --cpu MODEL     QEMU CPU model (default max)
  --append ARGS   extra kernel command line
  --fw-dir DIR    firmware copied to /tmp/snpu-fw in the guest
                  (default <repo>/build/firmware, may be absent)
EOF
}

die() {
	echo "$PROG: $*" >&2
	exit 2
}

# Quote one word for a POSIX shell (busybox ash and dash read these files).
sq() {
	local s=${1//\'/\'\\\'\'}
	printf "'%s'" "$s"
}

now() {
	date +%s.%N
}

elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

kdir='' krel='' out='' timeout=900 mem=2048 smp=2 cpu=max append='' fw_dir=''
while [ $# -gt 0 ]; do
	case $1 in
	--kdir) kdir=${2:?--kdir needs a value}; shift 2 ;;
	--krel) krel=${2:?--krel needs a value}; shift 2 ;;
	--out) out=${2:?--out needs a value}; shift 2 ;;
	--timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
	--mem) mem=${2:?--mem needs a value}; shift 2 ;;
	--smp) smp=${2:?--smp needs a value}; shift 2 ;;
	--cpu) cpu=${2:?--cpu needs a value}; shift 2 ;;
	--append) append=${2?--append needs a value}; shift 2 ;;
	--fw-dir) fw_dir=${2:?--fw-dir needs a value}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done
[ $# -gt 0 ] || { usage >&2; die "no command given (put it after --)"; }
for n in "$timeout" "$mem" "$smp"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive integer"
done

t_start=$(now)

# --- Kernel -----------------------------------------------------------------

# The release of a build tree: utsrelease.h is what the kernel reports;
# Debian's headers carry an upstream version in include/config/kernel.release
# (6.1.x, not 6.1.0-N-amd64), so that file comes second.
kdir_release() {
	local uts=$1/include/generated/utsrelease.h
	if [ -r "$uts" ]; then
		sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$uts"
	elif [ -r "$1/include/config/kernel.release" ]; then
		cat "$1/include/config/kernel.release"
	fi
}

if [ -z "$krel" ]; then
	[ -n "$kdir" ] || die "give --kdir KDIR or --krel RELEASE"
	[ -d "$kdir" ] || die "$kdir: no kernel build tree; run 'make deps'"
	krel=$(kdir_release "$kdir")
	[ -n "$krel" ] || die "$kdir: cannot read the kernel release; run 'make deps'"
fi
vmlinuz=/boot/vmlinuz-$krel
moddir=/lib/modules/$krel
# A kernel built in KDIR (e.g. a debug kernel) and never installed boots
# from the tree, provided virtio-pci and 9p are built in.
builtin_9p=0
if [ ! -r "$vmlinuz" ] && [ -n "$kdir" ] && [ -r "$kdir/arch/x86/boot/bzImage" ]; then
	vmlinuz=$kdir/arch/x86/boot/bzImage
fi
if [ ! -r "$moddir/modules.dep" ] && [ -n "$kdir" ] && [ -r "$kdir/.config" ] &&
	[ "$(grep -cE '^CONFIG_(VIRTIO_PCI|NET_9P_VIRTIO|9P_FS)=y$' "$kdir/.config")" = 3 ]; then
	builtin_9p=1
fi
[ -r "$vmlinuz" ] || die "$vmlinuz missing (kernel $krel not installed); run 'make deps'"
[ -r "$moddir/modules.dep" ] || [ "$builtin_9p" = 1 ] ||
	die "$moddir/modules.dep missing; run 'make deps'"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing; run 'make deps'"
command -v cpio >/dev/null || die "cpio missing; run 'make deps'"
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox missing (busybox-static); run 'make deps'"
if ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked' &&
	ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked; install busybox-static"
fi

# --- Output folder ----------------------------------------------------------

out=${out:-build/vm/run}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cwd=$(pwd)
fw_dir=${fw_dir:-$REPO/build/firmware}
if [ -d "$fw_dir" ]; then
	fw_dir=$(cd "$fw_dir" && pwd)
fi
case "$out$cwd$fw_dir" in
*[[:space:]]* | *,*) die "paths with spaces or commas are not supported (QEMU -fsdev)" ;;
esac
rm -f "$out"/status "$out"/dmesg.txt "$out"/console.log "$out"/console-cmd.log \
	"$out"/initrd.img
cache=$(dirname "$out")

# --- Base initramfs (cached) ------------------------------------------------

# Print "name path" for the modules in load order: each target's
# dependencies from modules.dep (listed nearest first, so reversed), then
# the target; built-in modules are skipped.
module_order() {
	local -A seen=()
	local target line path name i
	local -a deps
	for target in "${ROOT_MODULES[@]}"; do
		if grep -Eq "/${target//_/[_-]}\.ko$" "$moddir/modules.builtin"; then
			continue
		fi
		line=$(grep -E "/${target//_/[_-]}\.ko(\.[a-z]+)?:" "$moddir/modules.dep") ||
			die "module $target not found in $moddir/modules.dep"
		read -ra deps <<<"${line#*:}"
		for ((i = ${#deps[@]} - 1; i >= -1; i--)); do
			if [ "$i" -ge 0 ]; then path=${deps[i]}; else path=${line%%:*}; fi
			name=${path##*/}
			name=${name%%.ko*}
			[ -n "${seen[$name]:-}" ] && continue
			seen[$name]=1
			echo "$name $path"
		done
	done
}

# /init of the guest (busybox ash, PID 1).
write_init() {
	cat <<'EOF'
#!/bin/busybox sh
# snpu VM init: mount the host root over 9p, chroot into it, run the
# command, save status and dmesg, leave.
/bin/busybox --install -s /bin
export PATH=/bin

# Leave by reset, not power-off: QEMU runs with -no-reboot, so a reset
# always ends it, while a power-off needs ACPI (without it, the guest halts
# and the host waits for its timeout).
leave() {
	reboot -f
	echo b >/proc/sysrq-trigger
	sleep 5
}

fail() {
	echo "snpu-vm: guest setup failed: $*"
	leave
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
. /snpu/env

while read -r name; do
	insmod "/modules/$name.ko" || fail "insmod $name"
done </modules/order

mkdir -p /host
n=0
until mount -t 9p -o "trans=virtio,version=9p2000.L,ro,msize=$SNPU_MSIZE,cache=loose" hostroot /host; do
	n=$((n + 1))
	[ $n -lt 20 ] || fail "mount hostroot"
	sleep 0.1
done
mount -t proc proc /host/proc || fail "mount /host/proc"
mount -t sysfs sysfs /host/sys || fail "mount /host/sys"
mount -t devtmpfs devtmpfs /host/dev || fail "mount /host/dev"
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts devpts /host/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /host/dev/shm
mount -t tmpfs -o mode=1777 tmpfs /host/tmp || fail "mount /host/tmp"
mount -t debugfs debugfs /host/sys/kernel/debug || echo "snpu-vm: no debugfs"
# The working directory (the repo) and OUT are shared on their own: either
# may live under a path this init has just covered (a clone in /tmp).
if [ "$SNPU_CWD" != / ]; then
	mkdir -p "/host$SNPU_CWD" 2>/dev/null
	mount -t 9p -o "trans=virtio,version=9p2000.L,ro,msize=$SNPU_MSIZE,cache=loose" snpucwd "/host$SNPU_CWD" ||
		fail "mount $SNPU_CWD"
fi
mkdir -p "/host$SNPU_OUT" 2>/dev/null
mount -t 9p -o "trans=virtio,version=9p2000.L,msize=$SNPU_MSIZE" snpuout "/host$SNPU_OUT" ||
	fail "mount $SNPU_OUT"

# Firmware: one copy in the chroot's /tmp, bind-mounted at the same path in
# the initramfs root, so firmware_class.path works for loads from the
# chroot and from kernel threads (whose root is the initramfs) alike.
mkdir -p /host/tmp/snpu-fw /tmp/snpu-fw
if [ -d "/host$SNPU_FW_SRC" ]; then
	cp -a "/host$SNPU_FW_SRC/." /host/tmp/snpu-fw/ || echo "snpu-vm: copying firmware failed"
fi
mount -o bind /host/tmp/snpu-fw /tmp/snpu-fw

mkdir -p /host/tmp/snpu-vm
cp /snpu/* /host/tmp/snpu-vm/
chroot /host /bin/sh /tmp/snpu-vm/guest.sh </dev/null

dmesg >"/host$SNPU_OUT/dmesg.txt"
sync
umount "/host$SNPU_OUT"
leave
EOF
}

# Runs in the chroot (the host's /bin/sh).
write_guest_sh() {
	cat <<'EOF'
# snpu VM: the part of init that runs inside the chroot.
. /tmp/snpu-vm/env
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cd "$SNPU_CWD" || { echo "snpu-vm: cannot cd to $SNPU_CWD"; exit 1; }
for m in drm_shmem_helper gpu-sched; do
	modprobe "$m" ||
		echo "snpu-vm: modprobe $m failed: this kernel lacks it or has it built in"
done
export SNPU_VM=1 SNPU_OUT SNPU_FW_DIR=/tmp/snpu-fw HOME=/tmp
echo "snpu-vm: command starts at uptime $(cut -d' ' -f1 /proc/uptime) s"
echo "$(cut -d' ' -f1 /proc/uptime)" >"$SNPU_OUT/boot-time"
{
	/bin/sh /tmp/snpu-vm/cmd.sh </dev/null
	echo $? >"$SNPU_OUT/status.tmp"
} 2>&1 | tee "$SNPU_OUT/console-cmd.log"
echo "snpu-vm: command exited with status $(cat "$SNPU_OUT/status.tmp")"
sync
mv "$SNPU_OUT/status.tmp" "$SNPU_OUT/status"
EOF
}

modlines=()
if [ "$builtin_9p" = 0 ]; then
	mapfile -t modlines < <(module_order)
fi
# Everything the cached image depends on: this script (which holds the init
# and the module order logic), busybox, and each module file.
key=$({
	echo "$krel"
	sha256sum "$0" "$busybox"
	for l in ${modlines[@]+"${modlines[@]}"}; do
		stat -c '%n %s %Y' "$moddir/${l#* }"
	done
} | sha256sum | cut -c1-16)
base=$cache/initramfs-$krel.cpio

if [ ! -r "$base" ] || [ "$(cat "$base.key" 2>/dev/null)" != "$key" ]; then
	echo "$PROG: building initramfs for $krel"
	stage=$(mktemp -d)
	trap 'rm -rf "$stage"' EXIT
	mkdir -p "$stage"/{bin,dev,proc,sys,tmp,host,modules,snpu}
	cp "$busybox" "$stage/bin/busybox"
	touch "$stage/modules/order"
	for l in ${modlines[@]+"${modlines[@]}"}; do
		name=${l%% *} path=$moddir/${l#* }
		case $path in
		*.ko) cp "$path" "$stage/modules/$name.ko" ;;
		*.ko.xz) xz -dc "$path" >"$stage/modules/$name.ko" ;;
		*.ko.zst) zstd -qdc "$path" >"$stage/modules/$name.ko" ;;
		*.ko.gz) gzip -dc "$path" >"$stage/modules/$name.ko" ;;
		*) die "$path: unknown module format" ;;
		esac
		echo "$name" >>"$stage/modules/order"
	done
	write_init >"$stage/init"
	chmod 755 "$stage/init" "$stage/bin/busybox"
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$base.tmp.$$"
	mv "$base.tmp.$$" "$base"
	echo "$key" >"$base.key"
	rm -rf "$stage"
	trap - EXIT
fi

# --- Uncompressed kernel (cached) --------------------------------------------

# Under TCG, decompressing a bzImage costs about 5 s per boot. Kernels with
# CONFIG_PVH carry an entry point QEMU can jump to directly in the ELF
# vmlinux, so the payload is unpacked once here and booted as it is.
extract_vmlinux() {
	local magic tool off
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
		tool=${magic%%:*}
		command -v "$tool" >/dev/null || continue
		off=$(LC_ALL=C grep -obUaP "${magic#*:}" "$vmlinuz" | head -n 1 | cut -d: -f1)
		[ -n "$off" ] || continue
		case $tool in
		xz) tail -c +$((off + 1)) "$vmlinuz" | xz -dcq --single-stream ;;
		*) tail -c +$((off + 1)) "$vmlinuz" | "$tool" -dcq ;;
		esac 2>/dev/null >"$1" || true
		if [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ] &&
			readelf -n "$1" 2>/dev/null | grep -q 'Xen.*(0x00000012)'; then
			return 0
		fi
	done
	return 1
}

kernel=$vmlinuz
vmlinux=$cache/vmlinux-$krel
vkey=$(stat -c '%n %s %Y' "$vmlinuz")
if [ -r "$vmlinux" ] && [ "$(cat "$vmlinux.key" 2>/dev/null)" = "$vkey" ]; then
	kernel=$vmlinux
elif [ ! -e "$vmlinux.nopvh" ] || [ "$(cat "$vmlinux.nopvh")" != "$vkey" ]; then
	if extract_vmlinux "$vmlinux.tmp.$$"; then
		mv "$vmlinux.tmp.$$" "$vmlinux"
		echo "$vkey" >"$vmlinux.key"
		kernel=$vmlinux
	else
		echo "$PROG: $vmlinuz: no PVH entry; booting the bzImage (slower)"
		rm -f "$vmlinux.tmp.$$"
		echo "$vkey" >"$vmlinux.nopvh"
	fi
fi

# --- Per-run part -----------------------------------------------------------

run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/snpu"
{
	echo "SNPU_OUT=$(sq "$out")"
	echo "SNPU_CWD=$(sq "$cwd")"
	echo "SNPU_FW_SRC=$(sq "$fw_dir")"
	echo "SNPU_MSIZE=$MSIZE"
} >"$run/snpu/env"
{
	printf 'exec'
	for a in "$@"; do
		printf ' %s' "$(sq "$a")"
	done
	printf '\n'
} >"$run/snpu/cmd.sh"
write_guest_sh >"$run/snpu/guest.sh"
(cd "$run" && find snpu | cpio -o -H newc --quiet -R 0:0) >"$run/run.cpio"
cat "$base" "$run/run.cpio" >"$out/initrd.img"

# --- Boot -------------------------------------------------------------------

kargs="console=ttyS0 panic=-1 loglevel=5 firmware_class.path=/tmp/snpu-fw"
kargs+=" rdinit=/init${append:+ $append}"
qemu=(qemu-system-x86_64 -accel tcg -cpu "$cpu" -m "$mem" -smp "$smp"
	-nodefaults -no-user-config -display none -no-reboot
	-serial stdio
	-kernel "$kernel" -initrd "$out/initrd.img" -append "$kargs"
	-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
	-device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot"
	-fsdev "local,id=snpucwd,path=$cwd,security_model=none,readonly=on,multidevs=remap"
	-device "virtio-9p-pci,fsdev=snpucwd,mount_tag=snpucwd"
	-fsdev "local,id=snpuout,path=$out,security_model=none,multidevs=remap"
	-device "virtio-9p-pci,fsdev=snpuout,mount_tag=snpuout")

echo "$PROG: booting $krel (timeout ${timeout}s): $*"
rm -f "$out/qemu.pid" "$out/qemu.rc"
# If the runner is interrupted, take QEMU down with it.
on_signal() {
	trap - INT TERM
	if [ -r "$out/qemu.pid" ]; then
		kill "$(cat "$out/qemu.pid")" 2>/dev/null || true
	fi
	wait
	echo "$PROG: interrupted" >&2
	exit 130
}
trap on_signal INT TERM
t_boot=$(now)
{
	rc=0
	timeout --foreground -k 10 "$timeout" "${qemu[@]}" -pidfile "$out/qemu.pid" \
		</dev/null || rc=$?
	echo "$rc" >"$out/qemu.rc"
} 2>&1 | tee "$out/console.log" &
wait $! || true
trap - INT TERM
qrc=$(cat "$out/qemu.rc" 2>/dev/null || echo 1)
rm -f "$out/qemu.pid" "$out/qemu.rc"
t_end=$(now)

boot=$(cat "$out/boot-time" 2>/dev/null || echo "?")
rm -f "$out/boot-time"
summary() {
	echo "$PROG: $1 (boot ${boot}s, VM $(elapsed "$t_boot" "$t_end")s," \
		"total $(elapsed "$t_start" "$t_end")s)"
}

if [ ! -r "$out/status" ]; then
	echo "$PROG: ---- last 60 console lines ($out/console.log) ----"
	tail -n 60 "$out/console.log"
	echo "$PROG: ----"
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		summary "FAIL: guest did not finish: timeout after ${timeout}s"
		exit 124
	fi
	summary "FAIL: guest did not finish: timeout or crash (qemu exit $qrc)"
	exit 1
fi

status=$(cat "$out/status")
log=$out/dmesg.txt
[ -r "$log" ] || {
	echo "$PROG: no dmesg.txt; checking the console log instead"
	log=$out/console.log
}
# The log as checked: ignored lines, and the expected dumps, left out.
checked_log() {
	awk -v on="$FAULT_ARMED" -v off="$FAULT_DISARMED" '
		index($0, on) { armed = 1 }
		index($0, off) { armed = 0 }
		armed && (/Call Trace/ || /^\[[ 0-9.]+\]  /) { next }
		{ print }' "$log" | grep -Ev "$SPLAT_IGNORE_RE"
}
if checked_log | grep -Eq "$SPLAT_RE"; then
	echo "$PROG: ---- kernel problems in $log ----"
	checked_log | grep -En -B3 -A12 "$SPLAT_RE" || true
	echo "$PROG: ----"
	if [ "$status" != 0 ]; then
		summary "FAIL: command exited with status $status; kernel problems in dmesg"
		exit "$status"
	fi
	summary "FAIL: kernel problems in dmesg"
	exit 1
fi
if [ "$status" != 0 ]; then
	summary "FAIL: command exited with status $status"
	exit "$status"
fi
summary "PASS"
