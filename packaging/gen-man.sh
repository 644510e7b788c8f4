#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Generate a man page from a program's --help with help2man (Debian
# help2man), so the pages cannot drift from the tools:
#
#   packaging/gen-man.sh OUT.1 snpu       build/bin/snpu        snpu(1)
#   packaging/gen-man.sh OUT.1 snpu-CMD   build/bin/snpu        'snpu CMD --help'
#   packaging/gen-man.sh OUT.1 snpu-fwgen build/bin/snpu-fwgen  snpu-fwgen(1)
#
# A command's one-line summary is its line in the "Commands:" list of
# 'snpu --help'; help2man runs a command through a two-line wrapper named
# snpu-CMD (snpu-fwgen's rewrites its extra usage lines as "or:" lines). Each page gets SEE ALSO (and snpu(1) FILES) from an include
# file. SOURCE_DATE_EPOCH, when set, fixes the page's date.
set -euo pipefail

if [ $# -ne 3 ]; then
	echo "usage: $0 OUT.1 snpu|snpu-CMD|snpu-fwgen PROGRAM" >&2
	exit 2
fi
out=$1
page=$2
prog=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")

command -v help2man >/dev/null || {
	echo "$0: help2man not found: run 'make deps'" >&2
	exit 1
}
export LC_ALL=C.UTF-8

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# "name summary" per command of 'snpu --help', continuation lines joined.
commands() {
	"$1" --help | awk '
		/^Commands:/ { on = 1; next }
		on && /^$/ { exit }
		on && /^  [a-z]/ { if (name) print name, text; name = $1
			sub(/^  [a-z]+ +/, ""); text = $0; next }
		on { sub(/^ +/, ""); text = text " " $0 }
		END { if (name) print name, text }'
}

see_also=
case $page in
snpu)
	name="command line of the snpu sparse NPU stack"
	version="snpu $("$prog" --version | awk '{ print $2 }')"
	while read -r cmd _; do
		see_also+=".BR snpu\\-$cmd (1),"$'\n'
	done < <(commands "$prog")
	see_also+=".BR snpu\\-fwgen (1)"
	cat >"$work/include" <<-EOF
	[FILES]
	.TP
	.I /dev/dri/renderD*
	snpu devices (group render, mode 0660: 70-snpu.rules)
	.TP
	.I /lib/firmware/snpu/*.bin
	firmware images, one per platform profile; MANIFEST lists them
	EOF
	run=$prog
	;;
snpu-fwgen)
	name="build, check and list snpu firmware images"
	# No --version: the firmware format it writes stands for it.
	hdr=$(dirname "$0")/../uapi/snpu_fw.h
	version="snpu-fwgen (firmware format $(sed -n 's/^#define SNPU_FW_FORMAT_MAJOR[[:space:]]*//p' "$hdr").$(sed -n \
		's/^#define SNPU_FW_FORMAT_MINOR[[:space:]]*//p' "$hdr"))"
	see_also=".BR snpu (1)"
	: >"$work/include"
	# Its further usage lines become help2man's "or:" form.
	run=$work/$page
	printf '#!/bin/sh\n"%s" "$@" | sed -E "s/^ {5,}(snpu-fwgen )/  or: \\1/"\n' \
		"$prog" >"$run"
	chmod +x "$run"
	;;
snpu-*)
	cmd=${page#snpu-}
	name=$(commands "$prog" | awk -v c="$cmd" '$1 == c { $1 = ""; sub(/^ /, ""); print }')
	[ -n "$name" ] || {
		echo "$0: 'snpu --help' lists no command '$cmd'" >&2
		exit 1
	}
	version="$page $("$prog" --version | awk '{ print $2 }')"
	see_also=".BR snpu (1)"
	: >"$work/include"
	run=$work/$page
	printf '#!/bin/sh\nexec "%s" %s "$@"\n' "$prog" "$cmd" >"$run"
	chmod +x "$run"
	;;
*)
	echo "$0: unknown page '$page'" >&2
	exit 2
	;;
esac
printf '[SEE ALSO]\n%s\n' "$see_also" >>"$work/include"

help2man --no-info --no-discard-stderr --name="$name" \
	--version-string="$version" --include="$work/include" \
	--output="$out.tmp" "$run"
mv "$out.tmp" "$out"
