#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Inside the VM (make check-install-vm): the udev rule that make install
# ships (packaging/70-snpu.rules) against real device nodes.
#
# Loads snpu.ko with two emulated devices and vgem (another driver's
# platform device, the negative case), puts the rule in a tmpfs over
# /etc/udev/rules.d (the host root is read-only) and runs `udevadm test`
# on every /dev/dri node: each snpu node (renderD* and card*) must get
# GROUP render and MODE 0660 from 70-snpu.rules, no other driver's node
# may be touched by it; afterwards the nodes carry that group and mode.
#
#   tests/vm/run-vm.sh --kdir KDIR --fw-dir build/firmware -- \
#       tests/install/udev-vm.sh [snpu.ko]      (default driver/snpu.ko)
set -euo pipefail

ko=${1:-driver/snpu.ko}
rule=packaging/70-snpu.rules
passed=0 failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }

[ "$(id -u)" = 0 ] || { echo "udev-vm: run as root, in the VM" >&2; exit 2; }
render_gid=$(getent group render | cut -d: -f3)
[ -n "$render_gid" ] || { echo "udev-vm: no render group" >&2; exit 2; }

insmod "$ko" emulate=2
modprobe vgem 2>/dev/null || echo "udev-vm: no vgem: negative case skipped"
mount -t tmpfs tmpfs /etc/udev/rules.d
cp "$rule" /etc/udev/rules.d/
trap 'umount /etc/udev/rules.d; rmmod snpu' EXIT

snpu_nodes=0
for sys in /sys/class/drm/renderD* /sys/class/drm/card[0-9]*; do
	node=${sys##*/}
	driver=
	[ -e "$sys/device/driver" ] && driver=$(basename "$(readlink "$sys/device/driver")")
	log=$(udevadm test --action=add "$sys" 2>&1 | grep -E '70-snpu\.rules:[0-9]+' || true)
	if [ "$driver" = snpu ]; then
		snpu_nodes=$((snpu_nodes + 1))
		if grep -q "GROUP $render_gid" <<<"$log" && grep -q "MODE 0660" <<<"$log" &&
			[ "$(stat -c '%G %a' "/dev/dri/$node")" = "render 660" ]; then
			ok "$node (driver snpu): 70-snpu.rules gives render 0660"
		else
			printf '%s\n' "$log"
			stat -c '%n %G %a' "/dev/dri/$node"
			not_ok "$node (driver snpu): render 0660 from 70-snpu.rules"
		fi
	elif [ -z "$log" ]; then
		ok "$node (driver ${driver:-none}): untouched by 70-snpu.rules"
	else
		printf '%s\n' "$log"
		not_ok "$node (driver ${driver:-none}): 70-snpu.rules must not match"
	fi
done
[ "$snpu_nodes" = 4 ] || not_ok "expected 4 snpu nodes (2 devices), saw $snpu_nodes"

echo "udev-vm: $passed passed, $failed failed"
[ "$failed" = 0 ]
