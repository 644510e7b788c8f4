// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libaccel: version and error messages.
 *
 * Every message is a static string, so accel_strerror() is thread-safe
 * and its result never goes stale. The version mismatch messages cannot
 * carry the driver's actual version (a static string cannot), so they name
 * what this library needs from its compile-time constants; with the
 * driver at one fixed major and this library needing minor 1, "older" can
 * only mean uAPI 1.0 (or a 0.x major).
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <string.h>

#include "accel_priv.h"
#include "snpu_model_parse.h"

#define ACCEL_STR_(x)	#x
#define ACCEL_STR(x)	ACCEL_STR_(x)

#define ACCEL_VERSION_STRING \
	ACCEL_STR(ACCEL_VERSION_MAJOR) "." ACCEL_STR(ACCEL_VERSION_MINOR) "." \
	ACCEL_STR(ACCEL_VERSION_PATCH)
#define ACCEL_UAPI_STRING \
	ACCEL_STR(ACCEL_UAPI_MAJOR) "." ACCEL_STR(ACCEL_UAPI_MINOR)

ACCEL_API const char *accel_version(void)
{
	return ACCEL_VERSION_STRING;
}

ACCEL_API unsigned int accel_version_hex(void)
{
	return ACCEL_VERSION_HEX;
}

/*
 * The one table of messages: what happened, then what to do. Library
 * codes first, then the errnos the library passes on from the system and
 * the driver, worded for where libaccel meets them.
 */
#define ACCEL_ERROR_TABLE(X)						\
	X(0, "success")							\
	X(ACCEL_E_DRIVER_TOO_OLD,					\
	  "snpu driver uAPI is older than libaccel " ACCEL_VERSION_STRING \
	  " needs (" ACCEL_UAPI_STRING "): upgrade snpu.ko")		\
	X(ACCEL_E_DRIVER_TOO_NEW,					\
	  "snpu driver uAPI major is newer than libaccel "		\
	  ACCEL_VERSION_STRING " supports (" ACCEL_UAPI_STRING		\
	  "): upgrade libaccel")					\
	X(ACCEL_E_NOT_SNPU,						\
	  "not an snpu device: the node belongs to another driver or is not a DRM node; " \
	  "pick an snpu render node (accel_devices_get() lists them)")	\
	X(ACCEL_E_JOB_FAILED,						\
	  "the device failed the job (timed out, faulted or was reset): " \
	  "see dmesg; resubmit, and report it if it repeats")		\
	X(ACCEL_E_NO_TELEMETRY,						\
	  "no snpu telemetry: the generic netlink family \"snpu\" is missing, " \
	  "so snpu.ko is not loaded (or predates telemetry): modprobe snpu") \
	X(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_FORMAT_MAJOR,		\
	  "model format major version is not "				\
	  ACCEL_STR(SNPU_MODEL_FORMAT_MAJOR)				\
	  ", the one libaccel " ACCEL_VERSION_STRING " and snpu.ko read: " \
	  "repack the model with a matching pruner, or upgrade libaccel and snpu.ko") \
	X(-ENOENT,							\
	  "no such file or device node: check the path; no snpu device "	\
	  "means the driver is not loaded (modprobe snpu)")		\
	X(-ENODEV,							\
	  "no snpu device: load the driver (modprobe snpu) and check dmesg for probe errors") \
	X(-EACCES,							\
	  "permission denied on /dev/dri/renderD*: add the user to the render group") \
	X(-EPERM,							\
	  "operation not permitted: add the user to the render group, or check the file's permissions; " \
	  "resetting telemetry counters needs CAP_SYS_ADMIN (root)")	\
	X(-EINVAL,							\
	  "invalid argument: a NULL pointer, zero size, bad batch, range past a buffer, "	\
	  "or objects of different devices")			\
	X(-ENOMEM,							\
	  "out of memory: free buffers or models, or use smaller batches") \
	X(-ETIME,							\
	  "timed out waiting for the job: wait longer, or poll its fd")	\
	X(-EBUSY,							\
	  "the job has not finished yet: wait for it first")		\
	X(-EIO,								\
	  "the device is dead or an I/O error occurred: see dmesg; reload the driver") \
	X(-EFAULT,							\
	  "bad address passed to the driver: check the buffer pointers") \
	X(-ENOTTY,							\
	  "the file does not support this ioctl: not an snpu render node") \
	X(-EBADF,							\
	  "bad file descriptor: pass an open dma-buf fd")		\
	X(-EMFILE,							\
	  "too many open files: close fds or raise the limit (ulimit -n)") \
	X(-EISDIR,							\
	  "is a directory: pass a file")				\
	X(-EBADMSG,							\
	  "malformed telemetry message from snpu.ko: the module and libaccel " \
	  "disagree on uapi/snpu_genl.h; install matching versions")	\
	X(-ENOBUFS,							\
	  "telemetry events were lost: they came faster than they were read; " \
	  "read them more often (the events after the gap follow)")

ACCEL_API const char *accel_strerror(int err)
{
	const char *s;

	switch (err) {
#define ACCEL_ERROR_CASE(code, msg) case (code): return msg;
	ACCEL_ERROR_TABLE(ACCEL_ERROR_CASE)
#undef ACCEL_ERROR_CASE
	default:
		break;
	}

	if (err < ACCEL_E_MODEL_BASE &&
	    err > ACCEL_E_MODEL_BASE - SNPU_MODEL_E_COUNT)
		return snpu_model_strerror(err - ACCEL_E_MODEL_BASE);
	if (err <= ACCEL_E_DRIVER_TOO_OLD)
		return "unknown libaccel error: is the library older than the program?";
	if (err < 0) {
		/* glibc's own static table: thread-safe, no buffer. */
		s = strerrordesc_np(-err);
		if (s)
			return s;
	}
	return "unknown error";
}
