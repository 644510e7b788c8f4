/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * snpu hardware vocabulary, shared by the firmware image format
 * (snpu_fw.h), the packed model format and the DRM uAPI (snpu_accel.h).
 *
 * Every value below is stored in files and passed across the ioctl
 * boundary: the enums are append-only. Never reorder, never remove;
 * deprecated values stay and are marked.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __UAPI_SNPU_DEFS_H__
#define __UAPI_SNPU_DEFS_H__

#include <linux/const.h>

/**
 * enum snpu_encoding - weight encodings the MAC engine can stream
 * @SNPU_ENC_DENSE: dense int8 weights, row major.
 * @SNPU_ENC_CSR: unstructured sparsity, compressed rows with relative
 *	column indices.
 * @SNPU_ENC_NM: N:M structured sparsity with per-group position metadata;
 *	the pattern is one of &enum snpu_nm_pattern.
 * @SNPU_ENC_BLOCK: block sparsity; the block shape is one of
 *	&enum snpu_block_shape.
 * @SNPU_ENC_COUNT: number of encodings; not an encoding.
 *
 * Capability masks (firmware profile, %DRM_SNPU_PARAM_ENCODINGS) hold
 * ``1 << SNPU_ENC_*``.
 */
enum snpu_encoding {
	SNPU_ENC_DENSE = 0,
	SNPU_ENC_CSR = 1,
	SNPU_ENC_NM = 2,
	SNPU_ENC_BLOCK = 3,
	SNPU_ENC_COUNT
};

/**
 * enum snpu_nm_pattern - N:M patterns (N nonzeros in every M weights)
 * @SNPU_NM_2_4: two of every four.
 * @SNPU_NM_1_4: one of every four.
 * @SNPU_NM_2_8: two of every eight.
 * @SNPU_NM_COUNT: number of patterns; not a pattern.
 *
 * Capability masks hold ``1 << SNPU_NM_*``.
 */
enum snpu_nm_pattern {
	SNPU_NM_2_4 = 0,
	SNPU_NM_1_4 = 1,
	SNPU_NM_2_8 = 2,
	SNPU_NM_COUNT
};

/**
 * enum snpu_block_shape - block-sparse tile shapes (rows x columns)
 * @SNPU_BLOCK_1X4: one output row by four inputs.
 * @SNPU_BLOCK_4X4: four output rows by four inputs.
 * @SNPU_BLOCK_1X16: one output row by sixteen inputs.
 * @SNPU_BLOCK_COUNT: number of shapes; not a shape.
 *
 * Capability masks hold ``1 << SNPU_BLOCK_*``.
 */
enum snpu_block_shape {
	SNPU_BLOCK_1X4 = 0,
	SNPU_BLOCK_4X4 = 1,
	SNPU_BLOCK_1X16 = 2,
	SNPU_BLOCK_COUNT
};

/**
 * enum snpu_op - layer operations the device executes
 * @SNPU_OP_FC: fully connected.
 * @SNPU_OP_CONV2D: 2-D convolution, including grouped and depthwise.
 * @SNPU_OP_MAXPOOL: 2-D max pooling.
 * @SNPU_OP_AVGPOOL: 2-D average pooling.
 * @SNPU_OP_ADD: element-wise addition with requantization.
 * @SNPU_OP_RESHAPE: reshape or flatten (no arithmetic).
 * @SNPU_OP_COUNT: number of operations; not an operation.
 *
 * Capability masks hold ``1 << SNPU_OP_*``.
 */
enum snpu_op {
	SNPU_OP_FC = 0,
	SNPU_OP_CONV2D = 1,
	SNPU_OP_MAXPOOL = 2,
	SNPU_OP_AVGPOOL = 3,
	SNPU_OP_ADD = 4,
	SNPU_OP_RESHAPE = 5,
	SNPU_OP_COUNT
};

/*
 * Platform feature bits (firmware profile, %DRM_SNPU_PARAM_FEATURES).
 *
 * SNPU_FEAT_ACT_ZERO_SKIP: the engine skips MACs whose activation is the
 * zero point (dynamic activation sparsity, e.g. after ReLU).
 */
#define SNPU_FEAT_ACT_ZERO_SKIP		_BITUL(0)
#define SNPU_FEAT_ALL			(SNPU_FEAT_ACT_ZERO_SKIP)

#endif /* __UAPI_SNPU_DEFS_H__ */
