/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * libaccel: the application runtime of snpu.
 *
 * Conventions
 * - Every function returning int returns 0 (or a count) on success and a
 *   negative error code on failure: a negated errno, or one of the
 *   ACCEL_E_* codes below. accel_strerror() says what happened and what to
 *   do. There is no last-error global.
 * - Objects are opaque and reference counted: _unref() drops one
 *   reference and frees on the last. A buffer, model or job holds a
 *   reference on its device, so the device may be unref'd first.
 * - Thread safety: any function may be called from any thread on shared
 *   objects, except that one object must not be unref'd while another
 *   thread still uses that same reference.
 * - File descriptors: the caller owns every fd it passes in (the library
 *   dups what it keeps) and every fd it is given (close it), except the
 *   fd of accel_job_fd(), which belongs to the job.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef ACCEL_H
#define ACCEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(ACCEL_BUILDING_LIBRARY)
#define ACCEL_API __attribute__((visibility("default")))
#else
#define ACCEL_API
#endif

#define ACCEL_VERSION_MAJOR	0
#define ACCEL_VERSION_MINOR	3
#define ACCEL_VERSION_PATCH	0
#define ACCEL_VERSION_HEX \
	((ACCEL_VERSION_MAJOR << 16) | (ACCEL_VERSION_MINOR << 8) | \
	 ACCEL_VERSION_PATCH)

/* The library's version at run time, as "MAJOR.MINOR.PATCH". */
ACCEL_API const char *accel_version(void);
ACCEL_API unsigned int accel_version_hex(void);

/*
 * Errors beyond errno. ACCEL_E_MODEL_BASE - n is a model the driver (or
 * the library's own check) refused with enum snpu_model_error n.
 */
#define ACCEL_E_DRIVER_TOO_OLD	(-4096)	/* upgrade snpu.ko */
#define ACCEL_E_DRIVER_TOO_NEW	(-4097)	/* upgrade libaccel */
#define ACCEL_E_NOT_SNPU	(-4098)	/* the node is not an snpu device */
#define ACCEL_E_JOB_FAILED	(-4099)	/* the device failed the job */
#define ACCEL_E_NO_TELEMETRY	(-4100)	/* no "snpu" netlink family: load snpu.ko */
#define ACCEL_E_MODEL_BASE	(-8192)

/* One sentence: what happened and what to do. Never NULL. */
ACCEL_API const char *accel_strerror(int err);

typedef struct accel_device accel_device;
typedef struct accel_buffer accel_buffer;
typedef struct accel_model accel_model;
typedef struct accel_job accel_job;

/**
 * struct accel_device_info - one snpu device found by enumeration
 * @node: render node path, e.g. "/dev/dri/renderD128".
 * @platform: platform name from the firmware.
 * @emulated: nonzero for the in-kernel emulated device.
 */
struct accel_device_info {
	char node[64];
	char platform[32];
	int emulated;
};

/*
 * Enumerate snpu devices (through libdrm, by driver name): *list receives
 * a malloc()ed array freed with accel_devices_free(). Returns the count
 * (0 when there is none) or an error.
 */
ACCEL_API int accel_devices_get(struct accel_device_info **list);
ACCEL_API void accel_devices_free(struct accel_device_info *list);

/*
 * Open the device at @index of the enumeration, or at the render node
 * @path. Checks the driver's uAPI version: too old or too new gives
 * ACCEL_E_DRIVER_TOO_OLD / _TOO_NEW, another driver (or a file that is
 * no DRM node at all, such as /dev/null) ACCEL_E_NOT_SNPU. An @index past
 * the devices found gives -ENODEV.
 */
ACCEL_API int accel_device_open_index(int index, accel_device **dev);
ACCEL_API int accel_device_open(const char *path, accel_device **dev);
ACCEL_API accel_device *accel_device_ref(accel_device *dev);
ACCEL_API void accel_device_unref(accel_device *dev);

/**
 * struct accel_caps - what a device is and can do
 * @size: Input: sizeof(struct accel_caps) of the caller; fields past it
 *	are not written (the struct only grows at the end).
 * @uapi_major: driver uAPI major.
 * @uapi_minor: driver uAPI minor.
 * @emulated: nonzero for the emulated device.
 * @platform: platform name.
 * @platform_id: platform identifier.
 * @fw_version: firmware version, major << 16 | minor << 8 | patch.
 * @mac_units: MAC units.
 * @clock_khz: engine clock.
 * @sram_bytes: on-chip SRAM.
 * @dram_bytes: device memory (largest buffer).
 * @dram_bytes_per_cycle: memory bandwidth.
 * @ops: mask of 1 << SNPU_OP_* (uapi/snpu_defs.h).
 * @encodings: mask of 1 << SNPU_ENC_*.
 * @nm_patterns: mask of 1 << SNPU_NM_*.
 * @block_shapes: mask of 1 << SNPU_BLOCK_*.
 * @features: SNPU_FEAT_* bits.
 * @max_batch: largest batch of one job.
 * @fw_format: firmware image format, major << 16 | minor.
 */
struct accel_caps {
	uint32_t size;
	uint32_t uapi_major;
	uint32_t uapi_minor;
	uint32_t emulated;
	char platform[32];
	uint32_t platform_id;
	uint32_t fw_version;
	uint32_t mac_units;
	uint32_t clock_khz;
	uint64_t sram_bytes;
	uint64_t dram_bytes;
	uint32_t dram_bytes_per_cycle;
	uint32_t ops;
	uint32_t encodings;
	uint32_t nm_patterns;
	uint32_t block_shapes;
	uint32_t features;
	uint32_t max_batch;
	uint32_t fw_format;
};

ACCEL_API int accel_device_query(accel_device *dev, struct accel_caps *caps);

/* Buffer flags. */
#define ACCEL_BUFFER_WC		(1u << 0)	/* CPU writes only, streaming */

/*
 * Buffers: device memory the CPU can map and other drivers can share as a
 * dma-buf. Import dedups: importing a dma-buf twice gives the same object.
 */
ACCEL_API int accel_buffer_new(accel_device *dev, size_t size, uint32_t flags,
			       accel_buffer **buf);
ACCEL_API int accel_buffer_import_dmabuf(accel_device *dev, int fd,
					 accel_buffer **buf);
ACCEL_API int accel_buffer_export_dmabuf(accel_buffer *buf, int *fd);
/* Map for CPU access; the mapping lives until the last unref. */
ACCEL_API int accel_buffer_map(accel_buffer *buf, void **ptr);
ACCEL_API size_t accel_buffer_size(const accel_buffer *buf);
ACCEL_API accel_buffer *accel_buffer_ref(accel_buffer *buf);
ACCEL_API void accel_buffer_unref(accel_buffer *buf);

/*
 * Models: a packed .snpu model loaded onto the device. A model the device
 * refuses gives ACCEL_E_MODEL_BASE - reason (accel_strerror() names it);
 * a model of a newer format than this library knows is refused before it
 * reaches the driver.
 */
ACCEL_API int accel_model_load(accel_device *dev, const void *data,
			       size_t size, accel_model **model);
ACCEL_API int accel_model_load_file(accel_device *dev, const char *path,
				    accel_model **model);
ACCEL_API size_t accel_model_input_bytes(const accel_model *model);
ACCEL_API size_t accel_model_output_bytes(const accel_model *model);
/* Layers of the model: the entries accel_job_layer_counters() fills. */
ACCEL_API uint32_t accel_model_layer_count(const accel_model *model);
ACCEL_API accel_model *accel_model_ref(accel_model *model);
ACCEL_API void accel_model_unref(accel_model *model);

/**
 * struct accel_counters - what the device did for one job
 * @cycles: engine cycles.
 * @macs: multiply-accumulates executed.
 * @macs_skipped_weight: MACs skipped for pruned weights.
 * @macs_skipped_act: MACs skipped for zero activations.
 * @bytes_read: bytes read.
 * @bytes_written: bytes written.
 */
struct accel_counters {
	uint64_t cycles;
	uint64_t macs;
	uint64_t macs_skipped_weight;
	uint64_t macs_skipped_act;
	uint64_t bytes_read;
	uint64_t bytes_written;
};

/**
 * struct accel_io - where a job reads and writes
 * @in: buffer holding @batch input samples at @in_offset.
 * @in_offset: byte offset.
 * @out: buffer receiving @batch output samples at @out_offset.
 * @out_offset: byte offset.
 * @batch: samples, 1 to accel_caps.max_batch.
 */
struct accel_io {
	accel_buffer *in;
	size_t in_offset;
	accel_buffer *out;
	size_t out_offset;
	uint32_t batch;
};

/* Run and wait. @counters may be NULL. */
ACCEL_API int accel_run(accel_model *model, const struct accel_io *io,
			struct accel_counters *counters);

/*
 * Submit without waiting; @after may name a job to run after (NULL for
 * none). Wait with accel_job_wait() (timeout in ns from now; negative
 * waits forever; -ETIME when it expires) or poll() the fd of
 * accel_job_fd() for POLLIN.
 */
ACCEL_API int accel_submit(accel_model *model, const struct accel_io *io,
			   accel_job *after, accel_job **job);
ACCEL_API int accel_job_wait(accel_job *job, int64_t timeout_ns);
/*
 * A sync_file fd that polls POLLIN once the job is done. It belongs to the
 * job (the same fd on every call) and is closed by the last
 * accel_job_unref(): don't close it; dup() it to keep it longer.
 */
ACCEL_API int accel_job_fd(accel_job *job);
/*
 * After the job finished: its counters, or ACCEL_E_JOB_FAILED; -EBUSY
 * while it has not finished.
 */
ACCEL_API int accel_job_counters(accel_job *job,
				 struct accel_counters *counters);
/*
 * Profiling: accel_submit_profiled() is accel_submit() for a job whose
 * device also counts every layer (its own buffer, so it costs a buffer
 * allocation per job). After it finished, accel_job_layer_counters()
 * fills @layers[i] for the first @n layers (n at most
 * accel_model_layer_count()); their sums are accel_job_counters(). -EINVAL
 * for a job submitted without profiling.
 */
ACCEL_API int accel_submit_profiled(accel_model *model,
				    const struct accel_io *io,
				    accel_job *after, accel_job **job);
ACCEL_API int accel_job_layer_counters(accel_job *job,
				       struct accel_counters *layers,
				       uint32_t n);
ACCEL_API accel_job *accel_job_ref(accel_job *job);
ACCEL_API void accel_job_unref(accel_job *job);

/*
 * Telemetry (libaccel 0.3): every snpu device's counters and the device
 * events, from the module's generic netlink family "snpu"
 * (uapi/snpu_genl.h) through libnl-genl-3. Reading needs no privilege and
 * no render node; resetting counters needs CAP_SYS_ADMIN. An
 * accel_telemetry holds two netlink sockets, one for requests and one for
 * events; requests are serialized on the first, event reads on the
 * second, so one object may be shared between threads (but not closed
 * while another thread uses it).
 */

/**
 * struct accel_telemetry_dev - one device, as SNPU_CMD_DEV_GET reports it
 * @minor: render node minor (/dev/dri/renderD<minor>).
 * @platform: firmware platform name (truncated to fit, NUL-terminated).
 * @firmware: firmware file name (truncated to fit, NUL-terminated).
 * @emulated: nonzero for the in-kernel emulated device.
 * @clock_khz: platform clock.
 * @jobs_submitted: jobs put on the device (re-runs count).
 * @jobs_completed: jobs the device completed.
 * @jobs_failed: jobs that finished with an error.
 * @jobs_timedout: jobs past their deadline.
 * @resets: device resets.
 * @busy_ns: time the device spent running jobs.
 * @cycles: engine cycles.
 * @macs: multiply-accumulates executed.
 * @macs_skipped_weight: MACs skipped for pruned weights.
 * @macs_skipped_act: MACs skipped for zero activations.
 * @bytes_read: bytes the device read.
 * @bytes_written: bytes the device wrote.
 * @mem_bytes: bytes in live buffer objects.
 * @bo_count: live buffer objects.
 * @model_count: live models.
 * @jobs_live: jobs submitted and not yet freed.
 *
 * The counters (@jobs_submitted to @bytes_written) only grow, except that
 * accel_telemetry_reset_counters() restarts them from zero. A field the
 * module does not send is 0.
 */
struct accel_telemetry_dev {
	uint32_t minor;
	char platform[32];
	char firmware[64];
	int emulated;
	uint32_t clock_khz;
	uint64_t jobs_submitted, jobs_completed, jobs_failed, jobs_timedout;
	uint64_t resets;
	uint64_t busy_ns, cycles, macs, macs_skipped_weight, macs_skipped_act;
	uint64_t bytes_read, bytes_written, mem_bytes;
	uint32_t bo_count, model_count, jobs_live;
};

/* accel_event.type: the values of enum snpu_genl_event. */
#define ACCEL_EVENT_JOB_FAULT	1	/* the device faulted on a job */
#define ACCEL_EVENT_JOB_TIMEOUT	2	/* a job ran past its deadline */
#define ACCEL_EVENT_RESET	3	/* the device was reset for recovery */
#define ACCEL_EVENT_FW_LOADED	4	/* a device booted its firmware */
#define ACCEL_EVENT_DEV_ADDED	5	/* a device appeared */
#define ACCEL_EVENT_DEV_REMOVED	6	/* a device went away */

/**
 * struct accel_event - one event of the "events" multicast group
 * @type: %ACCEL_EVENT_JOB_FAULT ... %ACCEL_EVENT_DEV_REMOVED, or a newer
 *	type this library does not name (accel_event_name() says "unknown").
 * @minor: the device's render node minor.
 * @platform: the device's platform name (truncated, NUL-terminated).
 * @error: the job's error (negative errno) for faults and timeouts, else 0.
 * @time_ns: CLOCK_MONOTONIC time of the event, in the kernel's clock.
 */
struct accel_event {
	uint32_t type;
	uint32_t minor;
	char platform[32];
	int32_t error;
	uint64_t time_ns;
};

typedef struct accel_telemetry accel_telemetry;

/*
 * Connect to the family and resolve its events group. ACCEL_E_NO_TELEMETRY
 * when the family (or its group) does not exist: snpu.ko is not loaded,
 * or is too old to have telemetry. Other failures are -errno (e.g. no
 * generic netlink in this network namespace).
 */
ACCEL_API int accel_telemetry_open(accel_telemetry **t);
ACCEL_API void accel_telemetry_close(accel_telemetry *t);

/*
 * Every device (a dump): returns the count, with *list a malloc()ed array
 * (NULL when the count is 0) to free with accel_telemetry_devices_free().
 * A reply that breaks uapi/snpu_genl.h (an attribute of the wrong size, a
 * missing minor) gives -EBADMSG.
 */
ACCEL_API int accel_telemetry_devices(accel_telemetry *t,
				      struct accel_telemetry_dev **list);
ACCEL_API void accel_telemetry_devices_free(struct accel_telemetry_dev *list);
/* One device by render minor: -ENODEV when the module has none. */
ACCEL_API int accel_telemetry_device(accel_telemetry *t, uint32_t minor,
				     struct accel_telemetry_dev *d);
/*
 * Zero a device's counters (not its live counts); -EPERM without
 * CAP_SYS_ADMIN, -ENODEV for an unknown minor.
 */
ACCEL_API int accel_telemetry_reset_counters(accel_telemetry *t,
					     uint32_t minor);

/*
 * Events: accel_telemetry_subscribe() joins the events group (only events
 * sent after it arrive). accel_telemetry_fd() is the event socket's fd,
 * for poll() (POLLIN when an event may be read); it belongs to @t: don't
 * close it or read from it. accel_telemetry_next_event() returns 1 with
 * an event in *ev, 0 when @timeout_ms passed without one (0: don't wait;
 * negative: wait forever), or an error: -EINVAL before subscribing,
 * -ENOBUFS when events were lost because they came faster than they were
 * read (the next call goes on with the events after the gap), -EBADMSG
 * for one malformed event (skipped). It never blocks longer than
 * @timeout_ms.
 */
ACCEL_API int accel_telemetry_subscribe(accel_telemetry *t);
ACCEL_API int accel_telemetry_fd(accel_telemetry *t);
ACCEL_API int accel_telemetry_next_event(accel_telemetry *t,
					 struct accel_event *ev,
					 int timeout_ms);
/*
 * "job_fault", "job_timeout", "reset", "fw_loaded", "dev_added",
 * "dev_removed", or "unknown". Never NULL.
 */
ACCEL_API const char *accel_event_name(uint32_t type);

#ifdef __cplusplus
}
#endif

#endif /* ACCEL_H */
