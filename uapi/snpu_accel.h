/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * snpu DRM uAPI: driver-private ioctls of the snpu render node.
 *
 * Rules every struct here follows (Documentation/process/
 * botching-up-ioctls.rst): fixed-width types, __u64 for user pointers,
 * sizes a multiple of 8 with explicit padding, pad and reserved fields must
 * be zero, unknown flags are rejected with -EINVAL. Structs only grow at
 * the end: the DRM core zero-extends a shorter struct from older userspace
 * and truncates the copy-out, so a new field's zero value must mean "the
 * old behaviour".
 *
 * Errors: -EINVAL bad argument, -ENOENT unknown handle, -EFAULT bad user
 * pointer, -ENOMEM out of memory, -ENODEV device unplugged, -EIO dead
 * device.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef __UAPI_SNPU_ACCEL_H__
#define __UAPI_SNPU_ACCEL_H__

#include <linux/const.h>

#include "drm.h"
#include "snpu_defs.h"
#include "snpu_model.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * uAPI version, reported as the DRM driver version (drmGetVersion()).
 * The major changes only on an incompatible change; the minor grows with
 * every addition. History is kept above struct drm_driver in snpu_drv.c.
 */
#define DRM_SNPU_DRIVER_MAJOR		1
#define DRM_SNPU_DRIVER_MINOR		2

/* Ioctl numbers: append only; don't reorder, don't remove. */
#define DRM_SNPU_GET_PARAM		0x00
#define DRM_SNPU_BO_CREATE		0x01
#define DRM_SNPU_BO_MMAP_OFFSET		0x02
#define DRM_SNPU_BO_INFO		0x03
#define DRM_SNPU_MODEL_CREATE		0x04
#define DRM_SNPU_MODEL_DESTROY		0x05
#define DRM_SNPU_SUBMIT			0x06

#define DRM_IOCTL_SNPU_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SNPU_GET_PARAM, struct drm_snpu_get_param)
#define DRM_IOCTL_SNPU_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SNPU_BO_CREATE, struct drm_snpu_bo_create)
#define DRM_IOCTL_SNPU_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SNPU_BO_MMAP_OFFSET, \
		 struct drm_snpu_bo_mmap_offset)
#define DRM_IOCTL_SNPU_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SNPU_BO_INFO, struct drm_snpu_bo_info)
#define DRM_IOCTL_SNPU_MODEL_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SNPU_MODEL_CREATE, \
		 struct drm_snpu_model_create)
#define DRM_IOCTL_SNPU_MODEL_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_SNPU_MODEL_DESTROY, \
		struct drm_snpu_model_destroy)
#define DRM_IOCTL_SNPU_SUBMIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_SNPU_SUBMIT, struct drm_snpu_submit)

/*
 * Parameters for DRM_IOCTL_SNPU_GET_PARAM: append only.
 *
 * DRM_SNPU_PARAM_DEVICE_ID: hardware identification register
 * (%DRM_SNPU_DEVICE_ID for every snpu device).
 *
 * DRM_SNPU_PARAM_DEVICE_REVISION: hardware revision register.
 *
 * DRM_SNPU_PARAM_CAPABILITIES: mask of %DRM_SNPU_CAP_* bits.
 *
 * DRM_SNPU_PARAM_FW_VERSION: version of the loaded firmware image, as
 * SNPU_FW_VERSION(major, minor, patch) in snpu_fw.h.
 *
 * DRM_SNPU_PARAM_FW_FORMAT: format version of the loaded firmware image,
 * (major << 16) | minor.
 *
 * DRM_SNPU_PARAM_PLATFORM_ID: numeric platform identifier.
 *
 * DRM_SNPU_PARAM_PLATFORM_NAME: the platform name, 32 bytes NUL padded,
 * 8 bytes per call: @index 0 to 3 selects bytes [8 * index, 8 * index + 8),
 * returned in @value's memory order (memcpy() them out).
 *
 * DRM_SNPU_PARAM_MAC_UNITS, DRM_SNPU_PARAM_CLOCK_KHZ,
 * DRM_SNPU_PARAM_SRAM_BYTES, DRM_SNPU_PARAM_DRAM_BYTES,
 * DRM_SNPU_PARAM_DRAM_BYTES_PER_CYCLE, DRM_SNPU_PARAM_OPS,
 * DRM_SNPU_PARAM_ENCODINGS, DRM_SNPU_PARAM_NM_PATTERNS,
 * DRM_SNPU_PARAM_BLOCK_SHAPES, DRM_SNPU_PARAM_FEATURES,
 * DRM_SNPU_PARAM_MAX_BATCH: the platform profile values of the same names
 * in struct snpu_fw_profile (snpu_fw.h); masks are over the enums of
 * snpu_defs.h.
 */
#define DRM_SNPU_PARAM_DEVICE_ID		0
#define DRM_SNPU_PARAM_DEVICE_REVISION		1
#define DRM_SNPU_PARAM_CAPABILITIES		2
#define DRM_SNPU_PARAM_FW_VERSION		3
#define DRM_SNPU_PARAM_FW_FORMAT		4
#define DRM_SNPU_PARAM_PLATFORM_ID		5
#define DRM_SNPU_PARAM_PLATFORM_NAME		6
#define DRM_SNPU_PARAM_MAC_UNITS		7
#define DRM_SNPU_PARAM_CLOCK_KHZ		8
#define DRM_SNPU_PARAM_SRAM_BYTES		9
#define DRM_SNPU_PARAM_DRAM_BYTES		10
#define DRM_SNPU_PARAM_DRAM_BYTES_PER_CYCLE	11
#define DRM_SNPU_PARAM_OPS			12
#define DRM_SNPU_PARAM_ENCODINGS		13
#define DRM_SNPU_PARAM_NM_PATTERNS		14
#define DRM_SNPU_PARAM_BLOCK_SHAPES		15
#define DRM_SNPU_PARAM_FEATURES			16
#define DRM_SNPU_PARAM_MAX_BATCH		17

/* Value of DRM_SNPU_PARAM_DEVICE_ID: "SNPU" in register byte order. */
#define DRM_SNPU_DEVICE_ID			0x55504e53u

/*
 * Capability bits (DRM_SNPU_PARAM_CAPABILITIES).
 *
 * DRM_SNPU_CAP_EMULATED: the device is the in-kernel emulation, not
 * silicon. Timing comes from the firmware cost table, not a clock.
 */
#define DRM_SNPU_CAP_EMULATED			_BITULL(0)

/**
 * struct drm_snpu_get_param - query a device parameter
 * @param: Input: one of the DRM_SNPU_PARAM_* values.
 * @index: Input: array index for array parameters
 *	(%DRM_SNPU_PARAM_PLATFORM_NAME); must be zero for others.
 * @value: Output: the parameter's value.
 *
 * Unknown @param or an out-of-range @index fails with -EINVAL.
 */
struct drm_snpu_get_param {
	__u32 param;
	__u32 index;
	__u64 value;
};

/*
 * Buffer object flags (struct drm_snpu_bo_create @flags).
 *
 * DRM_SNPU_BO_WC: map the buffer write-combined on the CPU instead of
 * cached; for buffers the CPU only writes (model inputs streamed in).
 *
 * DRM_SNPU_BO_IMPORTED: output only (struct drm_snpu_bo_info): the buffer
 * was imported from a dma-buf. Rejected by BO_CREATE.
 */
#define DRM_SNPU_BO_WC				_BITUL(0)
#define DRM_SNPU_BO_IMPORTED			_BITUL(16)
#define DRM_SNPU_BO_CREATE_FLAGS		(DRM_SNPU_BO_WC)

/**
 * struct drm_snpu_bo_create - create a buffer object
 * @size: Input: size in bytes, nonzero and at most
 *	%DRM_SNPU_PARAM_DRAM_BYTES. Output: the size allocated, @size
 *	rounded up to the CPU page size.
 * @flags: Input: %DRM_SNPU_BO_* creation flags
 *	(%DRM_SNPU_BO_CREATE_FLAGS).
 * @handle: Output: GEM handle of the new object, valid for this file.
 *
 * The buffer is zero-filled, backed by shmem pages that are allocated on
 * first use, and shareable with PRIME (DRM_IOCTL_PRIME_HANDLE_TO_FD).
 */
struct drm_snpu_bo_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
};

/**
 * struct drm_snpu_bo_mmap_offset - get the fake offset to mmap() a buffer
 * @handle: Input: GEM handle.
 * @pad: Input: must be zero.
 * @offset: Output: offset to pass to mmap() on the DRM file descriptor.
 */
struct drm_snpu_bo_mmap_offset {
	__u32 handle;
	__u32 pad;
	__u64 offset;
};

/**
 * struct drm_snpu_bo_info - describe a buffer object
 * @handle: Input: GEM handle, created here or imported with PRIME.
 * @flags: Output: the creation flags, plus %DRM_SNPU_BO_IMPORTED.
 * @size: Output: size in bytes.
 */
struct drm_snpu_bo_info {
	__u32 handle;
	__u32 flags;
	__u64 size;
};

/**
 * struct drm_snpu_model_create - copy, validate and keep a packed model
 * @data: Input: user pointer to the packed model (uapi/snpu_model.h).
 * @size: Input: bytes at @data, at most %SNPU_MODEL_MAX_SIZE.
 * @flags: Input: DRM_SNPU_SUBMIT_* flags.
 * @handle: Output: model handle, valid for this file, nonzero.
 * @status: Output: 0, or the &enum snpu_model_error that made the call
 *	fail with -EINVAL (the model is malformed, or uses an op, encoding or
 *	size the device's platform does not support).
 * @input_bytes: Output: bytes of one input sample.
 * @output_bytes: Output: bytes of one output sample.
 * @status_layer: Output: with a nonzero @status, the index of the layer
 *	it is about (%SNPU_MODEL_NONE for the header, tables or the model
 *	as a whole). Since 1.2.
 * @layer_count: Output: layers of the model, the entries
 *	%DRM_SNPU_SUBMIT_LAYER_COUNTERS writes. Since 1.2.
 *
 * The kernel copies the model once, validates every byte of its copy and
 * keeps only the validated, prepared form; @data may be freed on return.
 */
struct drm_snpu_model_create {
	__u64 data;
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 status;
	__u32 input_bytes;
	__u32 output_bytes;
	__u32 status_layer;
	__u32 layer_count;
};

/**
 * struct drm_snpu_model_destroy - drop a model handle
 * @handle: Input: from MODEL_CREATE.
 * @pad: Input: must be zero.
 *
 * Jobs already submitted keep the model until they finish.
 */
struct drm_snpu_model_destroy {
	__u32 handle;
	__u32 pad;
};

/**
 * struct drm_snpu_job_counters - what the device writes for a finished job
 * @cycles: engine cycles, counted with the firmware's cost table.
 * @macs: multiply-accumulates executed.
 * @macs_skipped_weight: MACs skipped because the weight was pruned.
 * @macs_skipped_act: MACs skipped because the activation was zero
 *	(platforms with %SNPU_FEAT_ACT_ZERO_SKIP).
 * @bytes_read: bytes read: weights, metadata, parameters, activations.
 * @bytes_written: bytes of activations written.
 * @status: 0 when the job completed; -ETIMEDOUT when it was stopped by a
 *	reset after its deadline, -ECANCELED when it never ran.
 * @pad: zero.
 *
 * The counters are valid once the job's fence has signalled.
 */
struct drm_snpu_job_counters {
	__u64 cycles;
	__u64 macs;
	__u64 macs_skipped_weight;
	__u64 macs_skipped_act;
	__u64 bytes_read;
	__u64 bytes_written;
	__s32 status;
	__u32 pad;
};

/**
 * struct drm_snpu_layer_counters - what one layer of a job did
 * @cycles: cycles of the layer, counted with the firmware's cost table.
 * @macs: multiply-accumulates executed.
 * @macs_skipped_weight: MACs skipped because the weight was pruned.
 * @macs_skipped_act: MACs skipped because the activation was zero.
 * @bytes_read: bytes read: the layer's packed weights, metadata and
 *	parameters once, its input once per SRAM weight tile.
 * @bytes_written: bytes of activations written.
 *
 * The job's &struct drm_snpu_job_counters are the sums over its layers.
 */
struct drm_snpu_layer_counters {
	__u64 cycles;
	__u64 macs;
	__u64 macs_skipped_weight;
	__u64 macs_skipped_act;
	__u64 bytes_read;
	__u64 bytes_written;
};

/*
 * SUBMIT flags (struct drm_snpu_submit @flags).
 *
 * DRM_SNPU_SUBMIT_LAYER_COUNTERS: profile the job. The counters buffer
 * range is a &struct drm_snpu_job_counters followed by one &struct
 * drm_snpu_layer_counters per layer of the model, in execution order
 * (MODEL_CREATE's @layer_count); requires @counters_handle. Since 1.2.
 */
#define DRM_SNPU_SUBMIT_LAYER_COUNTERS		_BITUL(0)
#define DRM_SNPU_SUBMIT_FLAGS			(DRM_SNPU_SUBMIT_LAYER_COUNTERS)

/**
 * struct drm_snpu_submit - run a model on a batch
 * @model: Input: model handle.
 * @batch: Input: samples, 1 to %DRM_SNPU_PARAM_MAX_BATCH.
 * @in_handle: Input: buffer holding @batch input samples, one after the
 *	other, at @in_offset.
 * @out_handle: Input: buffer receiving @batch output samples at
 *	@out_offset; may be the same buffer as the input if the ranges do
 *	not overlap.
 * @in_offset: Input: byte offset into the input buffer.
 * @out_offset: Input: byte offset into the output buffer.
 * @counters_handle: Input: buffer receiving a &struct
 *	drm_snpu_job_counters at @counters_offset; 0 for none.
 * @flags: Input: DRM_SNPU_SUBMIT_* flags.
 * @counters_offset: Input: 8-byte aligned offset; 0 without a buffer.
 * @in_syncobj: Input: syncobj whose fence the job waits for; 0 for none.
 * @out_syncobj: Input: syncobj that receives the job's fence; 0 for
 *	none. The fence signals when the outputs are written, with an error
 *	if the job failed (-ETIMEDOUT, -ECANCELED, -EIO).
 *
 * The job also waits for the fences of its buffers' reservation objects
 * (implicit sync with other drivers) and adds its own. Errors: -ENOENT
 * for an unknown model, buffer or syncobj handle; -EINVAL for a bad batch,
 * a range outside its buffer, overlapping input, output and counters,
 * unknown flags, or %DRM_SNPU_SUBMIT_LAYER_COUNTERS without a counters
 * buffer.
 */
struct drm_snpu_submit {
	__u32 model;
	__u32 batch;
	__u32 in_handle;
	__u32 out_handle;
	__u64 in_offset;
	__u64 out_offset;
	__u32 counters_handle;
	__u32 flags;
	__u64 counters_offset;
	__u32 in_syncobj;
	__u32 out_syncobj;
};

#if defined(__cplusplus)
}
#endif

#endif /* __UAPI_SNPU_ACCEL_H__ */
