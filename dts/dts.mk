# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Devicetree binding and board overlays (dts/README.md): dt-doc-validate on
# the binding, dtc on every .dts/.dtso, dt-validate on the examples, the
# example board and each overlay applied to its board stub, and bad nodes
# that must be rejected. Output in $(O)/dts/; needs dt-schema and
# device-tree-compiler (make deps).

DTS_OUT := $(O)/dts

CHECK_HOST += check-dts

.PHONY: check-dts
check-dts:
	dts/check-dts.sh $(DTS_OUT)
