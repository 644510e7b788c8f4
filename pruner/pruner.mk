# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The pruner library. Other fragments link PACK_SRCS (plus COMMON_SRCS,
# which holds the model parser the packer checks its output with).

PACK_SRCS := pruner/snpu_pack.c
