/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * libaccel private layouts. The public header (include/accel.h) only
 * forward-declares these types; nothing here is ABI.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef ACCEL_PRIV_H
#define ACCEL_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accel.h"
#include "snpu_accel.h"

/* The driver uAPI this library needs: MODEL_CREATE and SUBMIT are 1.1. */
#define ACCEL_UAPI_MAJOR	DRM_SNPU_DRIVER_MAJOR
#define ACCEL_UAPI_MINOR	2

/* Buckets of the per-device GEM handle -> buffer table (power of two). */
#define ACCEL_HANDLE_BUCKETS	64

/*
 * Counters come from pages of a small per-device pool: one 4 KiB buffer
 * object holds 64 slots of 64 bytes (struct drm_snpu_job_counters is 56,
 * the driver wants 8-byte alignment). A page is kept until the device
 * goes, so a job never waits for an allocation ioctl once the pool warmed.
 */
#define ACCEL_CNT_PAGE_SIZE	4096u
#define ACCEL_CNT_SLOT_SIZE	64u
#define ACCEL_CNT_SLOTS		64u

/**
 * struct accel_cnt_page - one buffer object of counter slots
 * @next: next page of the device.
 * @handle: GEM handle.
 * @map: CPU mapping of the whole page.
 * @used: bit i set while slot i belongs to a job.
 */
struct accel_cnt_page {
	struct accel_cnt_page *next;
	uint32_t handle;
	uint8_t *map;
	uint64_t used;
};

/**
 * struct accel_device - an open snpu render node
 * @ref: references (the caller's, and one per buffer, model and job).
 * @fd: the DRM file; every handle below belongs to it.
 * @node: path opened.
 * @caps: what GET_PARAM said at open; immutable afterwards.
 * @lock: Protects @buckets (and the refcount transitions to zero of the
 *	buffers in it, so an import cannot find a buffer being closed) and
 *	@cnt_pages.
 * @buckets: GEM handle -> buffer, chained through accel_buffer.next.
 * @cnt_pages: the counters pool.
 */
struct accel_device {
	atomic_int ref;
	int fd;
	char node[64];
	struct accel_caps caps;

	pthread_mutex_t lock;
	struct accel_buffer *buckets[ACCEL_HANDLE_BUCKETS];
	struct accel_cnt_page *cnt_pages;
};

/**
 * struct accel_buffer - a GEM buffer object of a device
 * @ref: references; the last one is dropped under the device lock.
 * @dev: the device (a reference).
 * @next: next buffer in the same handle bucket.
 * @handle: GEM handle in @dev's file.
 * @size: bytes (the kernel's size: rounded up to the page size).
 * @map: CPU mapping, made on first accel_buffer_map(), kept to the end.
 */
struct accel_buffer {
	atomic_int ref;
	accel_device *dev;
	struct accel_buffer *next;
	uint32_t handle;
	size_t size;
	_Atomic(void *) map;
};

/**
 * struct accel_model - a model the driver validated and keeps
 * @ref: references.
 * @dev: the device (a reference).
 * @handle: model handle in @dev's file.
 * @input_bytes: bytes of one input sample.
 * @output_bytes: bytes of one output sample.
 */
struct accel_model {
	atomic_int ref;
	accel_device *dev;
	uint32_t handle;
	size_t input_bytes;
	size_t output_bytes;
	uint32_t layer_count;
};

/* Job states (accel_job.state). */
enum accel_job_state {
	ACCEL_JOB_PENDING = 0,
	ACCEL_JOB_DONE,
	ACCEL_JOB_FAILED,
};

/**
 * struct accel_job - a submitted job
 * @ref: references.
 * @dev: the device (a reference).
 * @model: the model it runs (a reference).
 * @in: input buffer (a reference).
 * @out: output buffer (a reference).
 * @syncobj: syncobj holding the job's fence (the out_syncobj).
 * @page: counters page.
 * @slot: slot in @page.
 * @sync_fd: sync_file of the fence, -1 until first needed; owned by the job.
 * @state: &enum accel_job_state, set once the job is seen finished.
 */
struct accel_job {
	atomic_int ref;
	accel_device *dev;
	accel_model *model;
	accel_buffer *in;
	accel_buffer *out;
	uint32_t syncobj;
	struct accel_cnt_page *page;
	unsigned int slot;
	accel_buffer *profile;
	void *profile_map;
	atomic_int sync_fd;
	atomic_int state;
};

/* The one ioctl wrapper: 0 or -errno, retrying on EINTR/EAGAIN. */
int accel_ioctl(int fd, unsigned long request, void *arg);

/* Counter slots of the device pool (accel_device.c). */
int accel_cnt_alloc(accel_device *dev, struct accel_cnt_page **page,
		    unsigned int *slot);
void accel_cnt_free(accel_device *dev, struct accel_cnt_page *page,
		    unsigned int slot);

/* Close a GEM handle of the device; errors are ignored (teardown). */
void accel_gem_close(accel_device *dev, uint32_t handle);

/* ---- telemetry (accel_telemetry.c) ---------------------------------- */

struct nl_sock;
struct nl_cb;
struct nlmsghdr;

/* Events parsed off the event socket and not yet handed out. */
#define ACCEL_EVENT_QUEUE	32

/**
 * struct accel_event_slot - one entry of the event queue
 * @err: 0 for @ev, or the error to hand out in its place (-EBADMSG for a
 *	malformed event, -ENOBUFS for a gap), so errors keep their order.
 * @ev: the event.
 */
struct accel_event_slot {
	int err;
	struct accel_event ev;
};

/**
 * struct accel_telemetry - a connection to the "snpu" generic netlink family
 * @family: the family's id (the netlink message type of its messages);
 *	immutable after open, like @events_group.
 * @events_group: the events multicast group's id.
 * @req_lock: Protects @req and @req_cb: one request in flight at a time,
 *	so replies never interleave.
 * @req: request socket (blocking; DEV_GET, COUNTERS_RESET).
 * @req_cb: callbacks of @req, pointed at a per-request state each time.
 * @ev_lock: Protects @ev, @ev_cb, @subscribed and the queue.
 * @ev: event socket (non-blocking; joined to the events group by
 *	accel_telemetry_subscribe()).
 * @ev_cb: callbacks of @ev, which fill the queue.
 * @subscribed: @ev has joined @events_group.
 * @queue: events received, oldest at @head.
 * @head: index of the oldest queued entry.
 * @count: queued entries.
 * @lost: events dropped because the queue was full, reported as one
 *	-ENOBUFS once the queue drains.
 */
struct accel_telemetry {
	int family;
	int events_group;

	pthread_mutex_t req_lock;
	struct nl_sock *req;
	struct nl_cb *req_cb;

	pthread_mutex_t ev_lock;
	struct nl_sock *ev;
	struct nl_cb *ev_cb;
	bool subscribed;
	struct accel_event_slot queue[ACCEL_EVENT_QUEUE];
	unsigned int head;
	unsigned int count;
	unsigned int lost;
};

/*
 * Parse one message of the family with the library's own policy: 0, or
 * -EINVAL for a message that breaks uapi/snpu_genl.h (too short for its
 * headers, another command, an attribute of the wrong size, a string
 * without its NUL, bytes left over, the minor or event type missing).
 * Strings longer than their field are truncated; attributes the message
 * lacks leave 0. @d and @ev are zeroed first.
 */
int accel_telemetry_parse_dev(struct nlmsghdr *nlh,
			      struct accel_telemetry_dev *d);
int accel_telemetry_parse_event(struct nlmsghdr *nlh, struct accel_event *ev);

/*
 * Connect @t->ev (allocated, as is @t->ev_cb) to generic netlink,
 * non-blocking, with the callback that queues events; it joins no group.
 * accel_telemetry_open() uses it, and so do tests that feed the socket
 * events of their own. 0 or -errno.
 */
int accel_telemetry_events_init(accel_telemetry *t);

/* -errno for a libnl error code (negative NLE_*). */
int accel_nl_errno(int nlerr);

#endif /* ACCEL_PRIV_H */
