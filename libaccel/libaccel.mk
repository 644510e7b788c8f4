# SPDX-License-Identifier: GPL-2.0-only OR MIT
# (filled in by its owner)
