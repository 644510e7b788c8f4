// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests of libaccel's telemetry (libaccel/accel_telemetry.c) without
 * the module: the reply and event parsers driven with messages built
 * in-process with libnl, the request and event paths against a fake
 * "kernel" (a second netlink socket of this process answering by port id),
 * and the no-module path of accel_telemetry_open() on the host.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <cmocka.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "accel_priv.h"
#include "snpu_genl.h"

/* Any message type: the parsers do not look at it, the fakes use it. */
#define FAKE_FAMILY	0x1234

/* ---- building messages --------------------------------------------------- */

static struct nl_msg *genl_msg(uint8_t cmd, uint32_t seq, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, seq, FAKE_FAMILY, 0, flags, cmd,
				    SNPU_GENL_VERSION));
	return msg;
}

/* A device message with every attribute, each value distinct. */
static struct nl_msg *full_dev_msg(uint32_t minor, uint32_t seq, int flags)
{
	struct nl_msg *msg = genl_msg(SNPU_CMD_DEV_GET, seq, flags);

	assert_int_equal(0, nla_put_u32(msg, SNPU_A_DEV_MINOR, minor));
	assert_int_equal(0, nla_put_string(msg, SNPU_A_DEV_PLATFORM, "edge-mid"));
	assert_int_equal(0, nla_put_string(msg, SNPU_A_DEV_FIRMWARE,
					   "snpu/edge-mid.bin"));
	assert_int_equal(0, nla_put_u8(msg, SNPU_A_DEV_EMULATED, 1));
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_DEV_CLOCK_KHZ, 600000));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_JOBS_SUBMITTED, 1001));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_JOBS_COMPLETED, 1002));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_JOBS_FAILED, 1003));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_JOBS_TIMEDOUT, 1004));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_RESETS, 1005));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_BUSY_NS, 1ull << 40));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_CYCLES, 1007));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_MACS, 1008));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_MACS_SKIPPED_WEIGHT, 1009));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_MACS_SKIPPED_ACT, 1010));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_BYTES_READ, 1011));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_BYTES_WRITTEN, 1012));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_MEM_BYTES, UINT64_MAX));
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_BO_COUNT, 14));
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_MODEL_COUNT, 15));
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_JOBS_LIVE, 16));
	return msg;
}

static struct nl_msg *event_msg(uint32_t type, uint32_t minor, int32_t error,
				uint64_t time_ns, const char *platform)
{
	struct nl_msg *msg = genl_msg(SNPU_CMD_EVENT, 0, 0);

	assert_int_equal(0, nla_put_u32(msg, SNPU_A_EVENT_TYPE, type));
	assert_int_equal(0, nla_put_s32(msg, SNPU_A_EVENT_ERROR, error));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_EVENT_TIME_NS, time_ns));
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_DEV_MINOR, minor));
	if (platform)
		assert_int_equal(0, nla_put_string(msg, SNPU_A_DEV_PLATFORM,
						   platform));
	return msg;
}

static int parse_dev(struct nl_msg *msg, struct accel_telemetry_dev *d)
{
	int ret = accel_telemetry_parse_dev(nlmsg_hdr(msg), d);

	nlmsg_free(msg);
	return ret;
}

static int parse_event(struct nl_msg *msg, struct accel_event *ev)
{
	int ret = accel_telemetry_parse_event(nlmsg_hdr(msg), ev);

	nlmsg_free(msg);
	return ret;
}

static const char long_name[] =
	"a-platform-name-far-longer-than-the-thirty-one-characters-it-gets-"
	"and-then-some-more-to-pass-the-firmware-field-of-sixty-three-too";

/* ---- the device parser --------------------------------------------------- */

static void parse_dev_fills_every_field(void **state)
{
	struct accel_telemetry_dev d;

	assert_int_equal(0, parse_dev(full_dev_msg(128, 0, 0), &d));
	assert_int_equal(128, d.minor);
	assert_string_equal("edge-mid", d.platform);
	assert_string_equal("snpu/edge-mid.bin", d.firmware);
	assert_int_equal(1, d.emulated);
	assert_int_equal(600000, d.clock_khz);
	assert_int_equal(1001, d.jobs_submitted);
	assert_int_equal(1002, d.jobs_completed);
	assert_int_equal(1003, d.jobs_failed);
	assert_int_equal(1004, d.jobs_timedout);
	assert_int_equal(1005, d.resets);
	assert_int_equal(1ull << 40, d.busy_ns);
	assert_int_equal(1007, d.cycles);
	assert_int_equal(1008, d.macs);
	assert_int_equal(1009, d.macs_skipped_weight);
	assert_int_equal(1010, d.macs_skipped_act);
	assert_int_equal(1011, d.bytes_read);
	assert_int_equal(1012, d.bytes_written);
	assert_int_equal(UINT64_MAX, d.mem_bytes);
	assert_int_equal(14, d.bo_count);
	assert_int_equal(15, d.model_count);
	assert_int_equal(16, d.jobs_live);
}

static void parse_dev_missing_optional_attributes_leave_zero(void **state)
{
	struct nl_msg *msg = genl_msg(SNPU_CMD_DEV_GET, 0, 0);
	struct accel_telemetry_dev d, zero;

	assert_int_equal(0, nla_put_u32(msg, SNPU_A_DEV_MINOR, 129));
	memset(&d, 0xa5, sizeof(d));
	assert_int_equal(0, parse_dev(msg, &d));
	memset(&zero, 0, sizeof(zero));
	zero.minor = 129;
	assert_memory_equal(&zero, &d, sizeof(d));
}

static void parse_dev_without_minor_rejected(void **state)
{
	struct nl_msg *msg = genl_msg(SNPU_CMD_DEV_GET, 0, 0);
	struct accel_telemetry_dev d;

	assert_int_equal(0, nla_put_string(msg, SNPU_A_DEV_PLATFORM, "x"));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_MACS, 5));
	assert_int_equal(-EINVAL, parse_dev(msg, &d));
	assert_int_equal(-EINVAL, parse_dev(genl_msg(SNPU_CMD_DEV_GET, 0, 0),
					    &d));
}

static void parse_dev_long_strings_truncated(void **state)
{
	struct nl_msg *msg = genl_msg(SNPU_CMD_DEV_GET, 0, 0);
	struct accel_telemetry_dev d;

	assert_int_equal(0, nla_put_u32(msg, SNPU_A_DEV_MINOR, 128));
	assert_int_equal(0, nla_put_string(msg, SNPU_A_DEV_PLATFORM, long_name));
	assert_int_equal(0, nla_put_string(msg, SNPU_A_DEV_FIRMWARE, long_name));
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_BO_COUNT, 3));
	assert_int_equal(0, parse_dev(msg, &d));
	assert_int_equal(sizeof(d.platform) - 1, strlen(d.platform));
	assert_int_equal(0, strncmp(long_name, d.platform, sizeof(d.platform) - 1));
	assert_int_equal(sizeof(d.firmware) - 1, strlen(d.firmware));
	assert_int_equal(0, strncmp(long_name, d.firmware, sizeof(d.firmware) - 1));
	/* the fields after them are untouched by the copies */
	assert_int_equal(3, d.bo_count);
	assert_int_equal(128, d.minor);
}

/* Each fixed-size attribute with the wrong size: the message is refused. */
static void parse_dev_wrong_attribute_size_rejected(void **state)
{
	static const struct {
		int attr;
		int size;	/* its real size */
	} attrs[] = {
		{ SNPU_A_DEV_MINOR, 4 }, { SNPU_A_DEV_EMULATED, 1 },
		{ SNPU_A_DEV_CLOCK_KHZ, 4 }, { SNPU_A_JOBS_SUBMITTED, 8 },
		{ SNPU_A_JOBS_COMPLETED, 8 }, { SNPU_A_JOBS_FAILED, 8 },
		{ SNPU_A_JOBS_TIMEDOUT, 8 }, { SNPU_A_RESETS, 8 },
		{ SNPU_A_BUSY_NS, 8 }, { SNPU_A_CYCLES, 8 }, { SNPU_A_MACS, 8 },
		{ SNPU_A_MACS_SKIPPED_WEIGHT, 8 },
		{ SNPU_A_MACS_SKIPPED_ACT, 8 }, { SNPU_A_BYTES_READ, 8 },
		{ SNPU_A_BYTES_WRITTEN, 8 }, { SNPU_A_MEM_BYTES, 8 },
		{ SNPU_A_BO_COUNT, 4 }, { SNPU_A_MODEL_COUNT, 4 },
		{ SNPU_A_JOBS_LIVE, 4 },
	};
	static const int wrong[] = { 0, 1, 2, 4, 8, 16 };
	uint8_t payload[16] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct accel_telemetry_dev d;
	unsigned int i, j;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		for (j = 0; j < sizeof(wrong) / sizeof(wrong[0]); j++) {
			struct nl_msg *msg;

			if (wrong[j] == attrs[i].size)
				continue;
			msg = genl_msg(SNPU_CMD_DEV_GET, 0, 0);
			if (attrs[i].attr != SNPU_A_DEV_MINOR)
				assert_int_equal(0, nla_put_u32(msg,
						 SNPU_A_DEV_MINOR, 128));
			assert_int_equal(0, nla_put(msg, attrs[i].attr,
						    wrong[j], payload));
			if (parse_dev(msg, &d) != -EINVAL)
				fail_msg("attribute %d of %d bytes accepted",
					 attrs[i].attr, wrong[j]);
		}
	}
}

static void parse_dev_string_without_nul_rejected(void **state)
{
	struct accel_telemetry_dev d;
	struct nl_msg *msg;

	msg = full_dev_msg(128, 0, 0);
	assert_int_equal(0, nla_put(msg, SNPU_A_DEV_PLATFORM, 4, "abcd"));
	assert_int_equal(-EINVAL, parse_dev(msg, &d));
	msg = full_dev_msg(128, 0, 0);
	assert_int_equal(0, nla_put(msg, SNPU_A_DEV_FIRMWARE, 0, NULL));
	assert_int_equal(-EINVAL, parse_dev(msg, &d));
	/* an empty string with its NUL is fine */
	msg = genl_msg(SNPU_CMD_DEV_GET, 0, 0);
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_DEV_MINOR, 128));
	assert_int_equal(0, nla_put_string(msg, SNPU_A_DEV_FIRMWARE, ""));
	assert_int_equal(0, parse_dev(msg, &d));
	assert_string_equal("", d.firmware);
}

static void parse_dev_wrong_command_rejected(void **state)
{
	struct nl_msg *msg = genl_msg(SNPU_CMD_EVENT, 0, 0);
	struct accel_telemetry_dev d;

	assert_int_equal(0, nla_put_u32(msg, SNPU_A_DEV_MINOR, 128));
	assert_int_equal(-EINVAL, parse_dev(msg, &d));
	msg = genl_msg(SNPU_CMD_COUNTERS_RESET, 0, 0);
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_DEV_MINOR, 128));
	assert_int_equal(-EINVAL, parse_dev(msg, &d));
}

static void parse_dev_truncated_message_rejected(void **state)
{
	struct accel_telemetry_dev d;
	struct nl_msg *msg;

	/* cut inside the last attribute (the u32 JOBS_LIVE: 8 bytes) */
	msg = full_dev_msg(128, 0, 0);
	nlmsg_hdr(msg)->nlmsg_len -= 4;
	assert_int_equal(-EINVAL, parse_dev(msg, &d));
	/* no room for the generic netlink header */
	msg = full_dev_msg(128, 0, 0);
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 2;
	assert_int_equal(-EINVAL, parse_dev(msg, &d));
	msg = full_dev_msg(128, 0, 0);
	nlmsg_hdr(msg)->nlmsg_len = 4;
	assert_int_equal(-EINVAL, parse_dev(msg, &d));
	assert_int_equal(-EINVAL, accel_telemetry_parse_dev(NULL, &d));
}

/* A newer module's attributes and 64-bit padding are no error. */
static void parse_dev_unknown_attributes_and_pad_ignored(void **state)
{
	struct nl_msg *msg = genl_msg(SNPU_CMD_DEV_GET, 0, 0);
	struct accel_telemetry_dev d;

	assert_int_equal(0, nla_put(msg, SNPU_A_PAD, 0, NULL));
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_DEV_MINOR, 130));
	assert_int_equal(0, nla_put_string(msg, SNPU_A_MAX + 1, "future"));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_MAX + 7, 99));
	assert_int_equal(0, nla_put_u64(msg, SNPU_A_MACS, 77));
	assert_int_equal(0, parse_dev(msg, &d));
	assert_int_equal(130, d.minor);
	assert_int_equal(77, d.macs);
}

/* ---- the event parser ---------------------------------------------------- */

static void parse_event_fills_every_field(void **state)
{
	struct accel_event ev;

	assert_int_equal(0, parse_event(event_msg(SNPU_EVENT_JOB_TIMEOUT, 129,
						  -ETIMEDOUT, 123456789012ull,
						  "edge-tiny"), &ev));
	assert_int_equal(SNPU_EVENT_JOB_TIMEOUT, ev.type);
	assert_int_equal(129, ev.minor);
	assert_int_equal(-ETIMEDOUT, ev.error);
	assert_int_equal(123456789012ull, ev.time_ns);
	assert_string_equal("edge-tiny", ev.platform);
}

static void parse_event_missing_optional_attributes_leave_zero(void **state)
{
	struct nl_msg *msg = genl_msg(SNPU_CMD_EVENT, 0, 0);
	struct accel_event ev, zero;

	assert_int_equal(0, nla_put_u32(msg, SNPU_A_EVENT_TYPE, SNPU_EVENT_RESET));
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_DEV_MINOR, 128));
	memset(&ev, 0xa5, sizeof(ev));
	assert_int_equal(0, parse_event(msg, &ev));
	memset(&zero, 0, sizeof(zero));
	zero.type = SNPU_EVENT_RESET;
	zero.minor = 128;
	assert_memory_equal(&zero, &ev, sizeof(ev));
}

static void parse_event_without_type_or_minor_rejected(void **state)
{
	struct accel_event ev;
	struct nl_msg *msg;

	msg = genl_msg(SNPU_CMD_EVENT, 0, 0);
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_DEV_MINOR, 128));
	assert_int_equal(-EINVAL, parse_event(msg, &ev));
	msg = genl_msg(SNPU_CMD_EVENT, 0, 0);
	assert_int_equal(0, nla_put_u32(msg, SNPU_A_EVENT_TYPE, 1));
	assert_int_equal(-EINVAL, parse_event(msg, &ev));
}

static void parse_event_wrong_attribute_size_rejected(void **state)
{
	struct accel_event ev;
	struct nl_msg *msg;
	uint8_t payload[8] = { 0 };

	msg = event_msg(1, 128, 0, 1, "p");
	assert_int_equal(0, nla_put(msg, SNPU_A_EVENT_TYPE, 8, payload));
	assert_int_equal(-EINVAL, parse_event(msg, &ev));
	msg = event_msg(1, 128, 0, 1, "p");
	assert_int_equal(0, nla_put(msg, SNPU_A_EVENT_ERROR, 2, payload));
	assert_int_equal(-EINVAL, parse_event(msg, &ev));
	msg = event_msg(1, 128, 0, 1, "p");
	assert_int_equal(0, nla_put(msg, SNPU_A_EVENT_TIME_NS, 4, payload));
	assert_int_equal(-EINVAL, parse_event(msg, &ev));
	msg = event_msg(1, 128, 0, 1, NULL);
	assert_int_equal(0, nla_put(msg, SNPU_A_DEV_PLATFORM, 3, "abc"));
	assert_int_equal(-EINVAL, parse_event(msg, &ev));
	/* a device message is not an event */
	assert_int_equal(-EINVAL, parse_event(full_dev_msg(128, 0, 0), &ev));
}

static void parse_event_long_platform_truncated(void **state)
{
	struct accel_event ev;

	assert_int_equal(0, parse_event(event_msg(SNPU_EVENT_DEV_ADDED, 128, 0,
						  5, long_name), &ev));
	assert_int_equal(sizeof(ev.platform) - 1, strlen(ev.platform));
	assert_int_equal(0, strncmp(long_name, ev.platform,
				    sizeof(ev.platform) - 1));
	assert_int_equal(0, ev.error);
	assert_int_equal(5, ev.time_ns);
}

/* ---- names and error codes ----------------------------------------------- */

static void accel_event_name_every_type(void **state)
{
	assert_string_equal("job_fault", accel_event_name(SNPU_EVENT_JOB_FAULT));
	assert_string_equal("job_timeout",
			    accel_event_name(SNPU_EVENT_JOB_TIMEOUT));
	assert_string_equal("reset", accel_event_name(SNPU_EVENT_RESET));
	assert_string_equal("fw_loaded", accel_event_name(SNPU_EVENT_FW_LOADED));
	assert_string_equal("dev_added", accel_event_name(SNPU_EVENT_DEV_ADDED));
	assert_string_equal("dev_removed",
			    accel_event_name(SNPU_EVENT_DEV_REMOVED));
	assert_string_equal("reset", accel_event_name(ACCEL_EVENT_RESET));
	assert_string_equal("unknown", accel_event_name(0));
	assert_string_equal("unknown",
			    accel_event_name(SNPU_EVENT_DEV_REMOVED + 1));
	assert_string_equal("unknown", accel_event_name(UINT32_MAX));
}

static void accel_nl_errno_maps_libnl_codes(void **state)
{
	assert_int_equal(0, accel_nl_errno(0));
	assert_int_equal(-ENOMEM, accel_nl_errno(-NLE_NOMEM));
	assert_int_equal(-EPERM, accel_nl_errno(-NLE_PERM));
	assert_int_equal(-EACCES, accel_nl_errno(-NLE_NOACCESS));
	assert_int_equal(-ENOENT, accel_nl_errno(-NLE_OBJ_NOTFOUND));
	assert_int_equal(-ENODEV, accel_nl_errno(-NLE_NODEV));
	assert_int_equal(-EINVAL, accel_nl_errno(-NLE_INVAL));
	assert_int_equal(-EPROTONOSUPPORT,
			 accel_nl_errno(-NLE_PROTO_MISMATCH));
	assert_int_equal(-EBADMSG, accel_nl_errno(-NLE_SEQ_MISMATCH));
	assert_int_equal(-EBADMSG, accel_nl_errno(-NLE_MSG_TRUNC));
	assert_int_equal(-EAGAIN, accel_nl_errno(-NLE_DUMP_INTR));
	assert_int_equal(-EIO, accel_nl_errno(-NLE_FAILURE));
	assert_int_equal(-EIO, accel_nl_errno(-1000));
}

/* ---- the public calls: arguments and the host without the module -------- */

static void accel_telemetry_null_arguments_rejected(void **state)
{
	struct accel_telemetry_dev *list = (void *)1, d;
	struct accel_event ev;

	assert_int_equal(-EINVAL, accel_telemetry_open(NULL));
	assert_int_equal(-EINVAL, accel_telemetry_devices(NULL, &list));
	assert_null(list);
	assert_int_equal(-EINVAL, accel_telemetry_devices(NULL, NULL));
	assert_int_equal(-EINVAL, accel_telemetry_device(NULL, 128, &d));
	assert_int_equal(-EINVAL, accel_telemetry_reset_counters(NULL, 128));
	assert_int_equal(-EINVAL, accel_telemetry_subscribe(NULL));
	assert_int_equal(-EINVAL, accel_telemetry_fd(NULL));
	assert_int_equal(-EINVAL, accel_telemetry_next_event(NULL, &ev, 0));
	accel_telemetry_close(NULL);
	accel_telemetry_devices_free(NULL);
}

/* Is generic netlink usable here at all (a sandbox may forbid it)? */
static int genl_usable(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int ret;

	assert_non_null(sk);
	ret = genl_connect(sk);
	nl_socket_free(sk);
	return ret == 0;
}

static void accel_telemetry_open_without_module_no_telemetry(void **state)
{
	accel_telemetry *t = (void *)1;
	int ret;

	if (!genl_usable()) {
		print_message("no generic netlink socket here: not tested\n");
		skip();
	}
	ret = accel_telemetry_open(&t);
	if (ret == 0) {
		/* snpu.ko is loaded on this machine after all: still sane */
		print_message("the snpu family exists here: open succeeded\n");
		assert_non_null(t);
		assert_true(accel_telemetry_fd(t) >= 0);
		accel_telemetry_close(t);
		return;
	}
	assert_int_equal(ACCEL_E_NO_TELEMETRY, ret);
	assert_null(t);
	assert_non_null(strstr(accel_strerror(ret), "snpu.ko is not loaded"));
}

/* ---- the request path against a fake kernel ------------------------------ */

/*
 * The "kernel" is a netlink socket of this process; the library's request
 * socket is pointed at its port. Unicast between user sockets needs
 * CAP_NET_ADMIN, so without it these tests are skipped.
 */
struct fake_kernel {
	struct nl_sock *sk;
	pthread_t thread;
	/* what the request was */
	uint8_t cmd;
	uint16_t flags;
	int has_minor;
	uint32_t minor;
	/* what to answer: DEV_GET replies, then an error (or ACK / DONE) */
	unsigned int n_devs;
	uint32_t devs[4];
	int stale_first;	/* send an answer of another seq first */
	int malformed;		/* the second device message lacks its minor */
	int error;		/* a nlmsgerr with this (0: ACK or DONE) */
	int silent;		/* answer nothing */
	const char *fail;	/* what went wrong in the thread */
};

/* cmocka's asserts must not fire off the test's thread: note and stop. */
#define FK_CHECK(fk, cond)						\
	do {								\
		if (!(cond)) {						\
			(fk)->fail = #cond;				\
			goto out;					\
		}							\
	} while (0)

static void fake_send(struct fake_kernel *fk, struct nl_msg *msg)
{
	assert_true(nl_send(fk->sk, msg) >= 0);
	nlmsg_free(msg);
}

static void fake_send_error(struct fake_kernel *fk, struct nlmsghdr *req,
			    int error)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, 0);
	struct nlmsgerr e = { .error = error, .msg = *req };

	assert_non_null(msg);
	nlmsg_hdr(msg)->nlmsg_seq = req->nlmsg_seq;
	assert_int_equal(0, nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO));
	fake_send(fk, msg);
}

static void *fake_kernel_main(void *arg)
{
	struct fake_kernel *fk = arg;
	struct nlattr *tb[SNPU_A_MAX + 1];
	struct sockaddr_nl peer;
	unsigned char *buf = NULL;
	struct nlmsghdr *req;
	int dump, multi;
	unsigned int i;
	uint32_t seq;

	FK_CHECK(fk, nl_recv(fk->sk, &peer, &buf, NULL) > 0);
	req = (struct nlmsghdr *)buf;
	FK_CHECK(fk, genlmsg_valid_hdr(req, 0));
	fk->cmd = ((struct genlmsghdr *)nlmsg_data(req))->cmd;
	fk->flags = req->nlmsg_flags;
	FK_CHECK(fk, !genlmsg_parse(req, 0, tb, SNPU_A_MAX, NULL));
	fk->has_minor = tb[SNPU_A_DEV_MINOR] != NULL;
	if (fk->has_minor)
		fk->minor = nla_get_u32(tb[SNPU_A_DEV_MINOR]);
	seq = req->nlmsg_seq;
	dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	multi = dump ? NLM_F_MULTI : 0;
	nl_socket_set_peer_port(fk->sk, peer.nl_pid);
	if (fk->silent)
		goto out;

	if (fk->stale_first)
		fake_send(fk, full_dev_msg(999, seq - 1, multi));
	for (i = 0; i < fk->n_devs; i++) {
		struct nl_msg *msg;

		if (fk->malformed && i == 1) {
			msg = genl_msg(SNPU_CMD_DEV_GET, seq, multi);
			assert_int_equal(0, nla_put_u64(msg, SNPU_A_MACS, 1));
		} else {
			msg = full_dev_msg(fk->devs[i], seq, multi);
		}
		fake_send(fk, msg);
	}
	if (fk->error || !dump) {
		fake_send_error(fk, req, fk->error);
	} else {
		struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
		int zero = 0;

		assert_non_null(msg);
		nlmsg_hdr(msg)->nlmsg_seq = seq;
		assert_int_equal(0, nlmsg_append(msg, &zero, sizeof(zero),
						 NLMSG_ALIGNTO));
		fake_send(fk, msg);
	}
out:
	free(buf);
	return NULL;
}

struct req_fixture {
	accel_telemetry *t;
	struct fake_kernel fk;
};

/* A telemetry object whose request socket talks to the fake kernel. */
static int req_setup(void **state)
{
	struct req_fixture *f = calloc(1, sizeof(*f));
	struct timeval tv = { .tv_sec = 5 };
	accel_telemetry *t;

	assert_non_null(f);
	if (!genl_usable()) {
		free(f);
		*state = NULL;
		return 0;
	}
	t = calloc(1, sizeof(*t));
	assert_non_null(t);
	pthread_mutex_init(&t->req_lock, NULL);
	pthread_mutex_init(&t->ev_lock, NULL);
	t->family = FAKE_FAMILY;
	t->req = nl_socket_alloc();
	t->ev = nl_socket_alloc();
	t->req_cb = nl_cb_alloc(NL_CB_DEFAULT);
	t->ev_cb = nl_cb_alloc(NL_CB_DEFAULT);
	assert_true(t->req && t->ev && t->req_cb && t->ev_cb);
	assert_int_equal(0, genl_connect(t->req));
	nl_socket_disable_auto_ack(t->req);
	assert_int_equal(0, setsockopt(nl_socket_get_fd(t->req), SOL_SOCKET,
				       SO_RCVTIMEO, &tv, sizeof(tv)));
	assert_int_equal(0, accel_telemetry_events_init(t));
	f->t = t;

	f->fk.sk = nl_socket_alloc();
	assert_non_null(f->fk.sk);
	assert_int_equal(0, genl_connect(f->fk.sk));
	nl_socket_disable_seq_check(f->fk.sk);
	nl_socket_disable_auto_ack(f->fk.sk);
	nl_socket_set_peer_port(t->req, nl_socket_get_local_port(f->fk.sk));
	*state = f;
	return 0;
}

static int req_teardown(void **state)
{
	struct req_fixture *f = *state;

	if (!f)
		return 0;
	accel_telemetry_close(f->t);
	nl_socket_free(f->fk.sk);
	free(f);
	return 0;
}

/* Skip unless this process may unicast to its own netlink sockets. */
static struct req_fixture *req_fixture(void **state)
{
	struct req_fixture *f = *state;
	struct nl_msg *msg;
	int ret;

	if (!f) {
		print_message("no generic netlink socket here: not tested\n");
		skip();
	}
	/* a probe to the fake kernel's own port, read back at once */
	msg = genl_msg(SNPU_CMD_DEV_GET, 0, 0);
	nl_socket_set_peer_port(f->fk.sk, nl_socket_get_local_port(f->fk.sk));
	ret = nl_send(f->fk.sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		print_message("netlink unicast between sockets refused (%s): not tested\n",
			      nl_geterror(ret));
		skip();
	}
	{
		unsigned char *buf = NULL;
		struct sockaddr_nl peer;

		assert_true(nl_recv(f->fk.sk, &peer, &buf, NULL) > 0);
		free(buf);
	}
	return f;
}

static void fake_start(struct req_fixture *f)
{
	assert_int_equal(0, pthread_create(&f->fk.thread, NULL,
					   fake_kernel_main, &f->fk));
}

static void fake_join(struct req_fixture *f)
{
	assert_int_equal(0, pthread_join(f->fk.thread, NULL));
	if (f->fk.fail)
		fail_msg("fake kernel: %s", f->fk.fail);
}

static void telemetry_devices_dumps_every_device(void **state)
{
	struct req_fixture *f = req_fixture(state);
	struct accel_telemetry_dev *list = NULL;
	int n;

	f->fk.n_devs = 3;
	f->fk.devs[0] = 128;
	f->fk.devs[1] = 129;
	f->fk.devs[2] = 130;
	f->fk.stale_first = 1;
	fake_start(f);
	n = accel_telemetry_devices(f->t, &list);
	fake_join(f);
	assert_int_equal(3, n);
	assert_int_equal(SNPU_CMD_DEV_GET, f->fk.cmd);
	assert_true((f->fk.flags & NLM_F_DUMP) == NLM_F_DUMP);
	assert_false(f->fk.has_minor);
	/* the stale device 999 was skipped */
	assert_int_equal(128, list[0].minor);
	assert_int_equal(129, list[1].minor);
	assert_int_equal(130, list[2].minor);
	assert_string_equal("edge-mid", list[2].platform);
	assert_int_equal(1008, list[1].macs);
	accel_telemetry_devices_free(list);
}

static void telemetry_devices_none_gives_zero_and_null(void **state)
{
	struct req_fixture *f = req_fixture(state);
	struct accel_telemetry_dev *list = (void *)1;

	fake_start(f);
	assert_int_equal(0, accel_telemetry_devices(f->t, &list));
	fake_join(f);
	assert_null(list);
}

static void telemetry_devices_malformed_reply_is_ebadmsg(void **state)
{
	struct req_fixture *f = req_fixture(state);
	struct accel_telemetry_dev *list = (void *)1;

	f->fk.n_devs = 3;
	f->fk.malformed = 1;
	fake_start(f);
	assert_int_equal(-EBADMSG, accel_telemetry_devices(f->t, &list));
	fake_join(f);
	assert_null(list);
}

static void telemetry_device_asks_for_the_minor(void **state)
{
	struct req_fixture *f = req_fixture(state);
	struct accel_telemetry_dev d;

	f->fk.n_devs = 1;
	f->fk.devs[0] = 129;
	fake_start(f);
	assert_int_equal(0, accel_telemetry_device(f->t, 129, &d));
	fake_join(f);
	assert_int_equal(SNPU_CMD_DEV_GET, f->fk.cmd);
	assert_true(f->fk.flags & NLM_F_ACK);
	assert_false((f->fk.flags & NLM_F_DUMP) == NLM_F_DUMP);
	assert_true(f->fk.has_minor);
	assert_int_equal(129, f->fk.minor);
	assert_int_equal(129, d.minor);
	assert_int_equal(1005, d.resets);
}

static void telemetry_device_kernel_error_passed_on(void **state)
{
	struct req_fixture *f = req_fixture(state);
	struct accel_telemetry_dev d;

	f->fk.error = -ENODEV;
	fake_start(f);
	assert_int_equal(-ENODEV, accel_telemetry_device(f->t, 9999, &d));
	fake_join(f);
	assert_int_equal(9999, f->fk.minor);
}

/* A reply about another device than asked for is not taken. */
static void telemetry_device_wrong_minor_is_ebadmsg(void **state)
{
	struct req_fixture *f = req_fixture(state);
	struct accel_telemetry_dev d;

	f->fk.n_devs = 1;
	f->fk.devs[0] = 130;
	fake_start(f);
	assert_int_equal(-EBADMSG, accel_telemetry_device(f->t, 129, &d));
	fake_join(f);
}

static void telemetry_reset_counters_sends_reset(void **state)
{
	struct req_fixture *f = req_fixture(state);

	fake_start(f);
	assert_int_equal(0, accel_telemetry_reset_counters(f->t, 128));
	fake_join(f);
	assert_int_equal(SNPU_CMD_COUNTERS_RESET, f->fk.cmd);
	assert_true(f->fk.flags & NLM_F_ACK);
	assert_int_equal(128, f->fk.minor);
}

/* The kernel's -EPERM, not libnl's folded code. */
static void telemetry_reset_counters_eperm_passed_on(void **state)
{
	struct req_fixture *f = req_fixture(state);

	f->fk.error = -EPERM;
	fake_start(f);
	assert_int_equal(-EPERM, accel_telemetry_reset_counters(f->t, 128));
	fake_join(f);
}

static void telemetry_request_unanswered_times_out(void **state)
{
	struct req_fixture *f = req_fixture(state);
	struct timeval tv = { .tv_usec = 200000 };

	assert_int_equal(0, setsockopt(nl_socket_get_fd(f->t->req), SOL_SOCKET,
				       SO_RCVTIMEO, &tv, sizeof(tv)));
	f->fk.silent = 1;
	fake_start(f);
	assert_int_equal(-ETIMEDOUT, accel_telemetry_reset_counters(f->t, 128));
	fake_join(f);
}

/* ---- the event path --------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Send @msg from the fake kernel to the library's event socket. */
static void send_event(struct req_fixture *f, struct nl_msg *msg)
{
	nl_socket_set_peer_port(f->fk.sk, nl_socket_get_local_port(f->t->ev));
	fake_send(&f->fk, msg);
}

static void telemetry_next_event_before_subscribe_rejected(void **state)
{
	struct req_fixture *f = req_fixture(state);
	struct accel_event ev;

	assert_int_equal(-EINVAL, accel_telemetry_next_event(f->t, &ev, 0));
	assert_int_equal(-EINVAL, accel_telemetry_next_event(f->t, NULL, 0));
}

static void telemetry_next_event_times_out_on_time(void **state)
{
	struct req_fixture *f = req_fixture(state);
	struct accel_event ev;
	int64_t t0;

	f->t->subscribed = true;	/* events come by unicast here */
	assert_true(accel_telemetry_fd(f->t) >= 0);
	t0 = now_ms();
	assert_int_equal(0, accel_telemetry_next_event(f->t, &ev, 0));
	assert_true(now_ms() - t0 < 50);
	t0 = now_ms();
	assert_int_equal(0, accel_telemetry_next_event(f->t, &ev, 150));
	assert_true(now_ms() - t0 >= 149);
	assert_true(now_ms() - t0 < 1000);
}

static void telemetry_next_event_in_order_malformed_reported(void **state)
{
	struct req_fixture *f = req_fixture(state);
	struct accel_event ev;
	struct nl_msg *bad;

	f->t->subscribed = true;
	send_event(f, event_msg(SNPU_EVENT_JOB_TIMEOUT, 128, -ETIMEDOUT, 10,
				"edge-mid"));
	bad = genl_msg(SNPU_CMD_EVENT, 0, 0);	/* no type, no minor */
	send_event(f, bad);
	/* another family's message and a non-event command: ignored */
	{
		struct nl_msg *other = nlmsg_alloc();

		assert_non_null(genlmsg_put(other, 0, 0, FAKE_FAMILY + 1, 0, 0,
					    SNPU_CMD_EVENT, 1));
		send_event(f, other);
	}
	send_event(f, full_dev_msg(128, 0, 0));
	send_event(f, event_msg(SNPU_EVENT_RESET, 128, 0, 11, "edge-mid"));

	assert_int_equal(1, accel_telemetry_next_event(f->t, &ev, 1000));
	assert_int_equal(SNPU_EVENT_JOB_TIMEOUT, ev.type);
	assert_int_equal(-ETIMEDOUT, ev.error);
	assert_int_equal(10, ev.time_ns);
	assert_int_equal(-EBADMSG, accel_telemetry_next_event(f->t, &ev, 1000));
	assert_int_equal(1, accel_telemetry_next_event(f->t, &ev, 1000));
	assert_int_equal(SNPU_EVENT_RESET, ev.type);
	assert_string_equal("edge-mid", ev.platform);
	assert_int_equal(0, accel_telemetry_next_event(f->t, &ev, 0));
}

/* More events in one datagram than the queue holds: a gap, reported once. */
static void telemetry_next_event_queue_overflow_is_enobufs(void **state)
{
	struct req_fixture *f = req_fixture(state);
	const unsigned int n = ACCEL_EVENT_QUEUE + 5;
	unsigned char *batch;
	struct accel_event ev;
	size_t size = 0;
	unsigned int i;

	f->t->subscribed = true;
	batch = calloc(n, 256);
	assert_non_null(batch);
	for (i = 0; i < n; i++) {
		struct nl_msg *msg = event_msg(SNPU_EVENT_JOB_FAULT, 128, -EIO,
					       i, "edge-mid");
		struct nlmsghdr *nlh = nlmsg_hdr(msg);

		assert_true(NLMSG_ALIGN(nlh->nlmsg_len) <= 256);
		memcpy(batch + size, nlh, nlh->nlmsg_len);
		size += NLMSG_ALIGN(nlh->nlmsg_len);
		nlmsg_free(msg);
	}
	nl_socket_set_peer_port(f->fk.sk, nl_socket_get_local_port(f->t->ev));
	assert_true(nl_sendto(f->fk.sk, batch, size) >= 0);
	free(batch);

	for (i = 0; i < ACCEL_EVENT_QUEUE; i++) {
		assert_int_equal(1, accel_telemetry_next_event(f->t, &ev, 1000));
		assert_int_equal(i, ev.time_ns);
	}
	assert_int_equal(-ENOBUFS, accel_telemetry_next_event(f->t, &ev, 0));
	assert_int_equal(0, accel_telemetry_next_event(f->t, &ev, 0));
}

#define R(fn) cmocka_unit_test_setup_teardown(fn, req_setup, req_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_dev_fills_every_field),
		cmocka_unit_test(parse_dev_missing_optional_attributes_leave_zero),
		cmocka_unit_test(parse_dev_without_minor_rejected),
		cmocka_unit_test(parse_dev_long_strings_truncated),
		cmocka_unit_test(parse_dev_wrong_attribute_size_rejected),
		cmocka_unit_test(parse_dev_string_without_nul_rejected),
		cmocka_unit_test(parse_dev_wrong_command_rejected),
		cmocka_unit_test(parse_dev_truncated_message_rejected),
		cmocka_unit_test(parse_dev_unknown_attributes_and_pad_ignored),
		cmocka_unit_test(parse_event_fills_every_field),
		cmocka_unit_test(parse_event_missing_optional_attributes_leave_zero),
		cmocka_unit_test(parse_event_without_type_or_minor_rejected),
		cmocka_unit_test(parse_event_wrong_attribute_size_rejected),
		cmocka_unit_test(parse_event_long_platform_truncated),
		cmocka_unit_test(accel_event_name_every_type),
		cmocka_unit_test(accel_nl_errno_maps_libnl_codes),
		cmocka_unit_test(accel_telemetry_null_arguments_rejected),
		cmocka_unit_test(accel_telemetry_open_without_module_no_telemetry),
		R(telemetry_devices_dumps_every_device),
		R(telemetry_devices_none_gives_zero_and_null),
		R(telemetry_devices_malformed_reply_is_ebadmsg),
		R(telemetry_device_asks_for_the_minor),
		R(telemetry_device_kernel_error_passed_on),
		R(telemetry_device_wrong_minor_is_ebadmsg),
		R(telemetry_reset_counters_sends_reset),
		R(telemetry_reset_counters_eperm_passed_on),
		R(telemetry_request_unanswered_times_out),
		R(telemetry_next_event_before_subscribe_rejected),
		R(telemetry_next_event_times_out_on_time),
		R(telemetry_next_event_in_order_malformed_reported),
		R(telemetry_next_event_queue_overflow_is_enobufs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
