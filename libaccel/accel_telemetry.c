// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libaccel: telemetry over the "snpu" generic netlink family
 * (uapi/snpu_genl.h), through libnl-genl-3.
 *
 * Two sockets, as libnl advises: requests and their replies on one, the
 * events multicast group on the other, so an event can never sit between
 * a request and its reply, and a reader of events never swallows a reply.
 *
 * Replies and events are parsed with this library's own policy rather
 * than trusted: every fixed-size attribute must have exactly its size,
 * strings must carry their NUL, and nothing may trail the last attribute.
 * A message that breaks the contract is reported (-EBADMSG), never half
 * used.
 *
 * Kernel errors are taken from the nlmsgerr itself (our error callback),
 * not from libnl's return code: libnl folds errnos into its own NLE_*
 * codes, and EPERM vs ENODEV vs EINVAL matter to callers.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "accel_priv.h"
#include "snpu_genl.h"

_Static_assert(ACCEL_EVENT_JOB_FAULT == SNPU_EVENT_JOB_FAULT &&
	       ACCEL_EVENT_JOB_TIMEOUT == SNPU_EVENT_JOB_TIMEOUT &&
	       ACCEL_EVENT_RESET == SNPU_EVENT_RESET &&
	       ACCEL_EVENT_FW_LOADED == SNPU_EVENT_FW_LOADED &&
	       ACCEL_EVENT_DEV_ADDED == SNPU_EVENT_DEV_ADDED &&
	       ACCEL_EVENT_DEV_REMOVED == SNPU_EVENT_DEV_REMOVED,
	       "ACCEL_EVENT_* must equal enum snpu_genl_event");

/*
 * A request the kernel has not answered in this long will not be
 * answered: genetlink handles it in the sender's own sendmsg() (a dump in
 * our recvmsg()), so this only bounds a broken module, not a slow one.
 */
#define ACCEL_NL_REQ_TIMEOUT_S	10

/* The event socket's receive buffer: bursts of resets/faults fit. */
#define ACCEL_NL_EVENT_RCVBUF	(256 * 1024)

/* ---- the policy and the parsers --------------------------------------- */

/* libnl checks minlen and maxlen only: both set means "exactly". */
#define ACCEL_NLA_FIXED(t, n)	{ .type = (t), .minlen = (n), .maxlen = (n) }
#define ACCEL_NLA_U8		ACCEL_NLA_FIXED(NLA_U8, 1)
#define ACCEL_NLA_U32		ACCEL_NLA_FIXED(NLA_U32, 4)
#define ACCEL_NLA_U64		ACCEL_NLA_FIXED(NLA_U64, 8)
/*
 * A NUL-terminated string of at least the NUL, of any length (copied
 * truncated): a longer platform name must not cost the whole message.
 */
#define ACCEL_NLA_STR		{ .type = NLA_STRING }

static struct nla_policy accel_telemetry_policy[SNPU_A_MAX + 1] = {
	[SNPU_A_PAD] = { .type = NLA_UNSPEC },
	[SNPU_A_DEV_MINOR] = ACCEL_NLA_U32,
	[SNPU_A_DEV_PLATFORM] = ACCEL_NLA_STR,
	[SNPU_A_DEV_FIRMWARE] = ACCEL_NLA_STR,
	[SNPU_A_DEV_EMULATED] = ACCEL_NLA_U8,
	[SNPU_A_DEV_CLOCK_KHZ] = ACCEL_NLA_U32,
	[SNPU_A_JOBS_SUBMITTED] = ACCEL_NLA_U64,
	[SNPU_A_JOBS_COMPLETED] = ACCEL_NLA_U64,
	[SNPU_A_JOBS_FAILED] = ACCEL_NLA_U64,
	[SNPU_A_JOBS_TIMEDOUT] = ACCEL_NLA_U64,
	[SNPU_A_RESETS] = ACCEL_NLA_U64,
	[SNPU_A_BUSY_NS] = ACCEL_NLA_U64,
	[SNPU_A_CYCLES] = ACCEL_NLA_U64,
	[SNPU_A_MACS] = ACCEL_NLA_U64,
	[SNPU_A_MACS_SKIPPED_WEIGHT] = ACCEL_NLA_U64,
	[SNPU_A_MACS_SKIPPED_ACT] = ACCEL_NLA_U64,
	[SNPU_A_BYTES_READ] = ACCEL_NLA_U64,
	[SNPU_A_BYTES_WRITTEN] = ACCEL_NLA_U64,
	[SNPU_A_MEM_BYTES] = ACCEL_NLA_U64,
	[SNPU_A_BO_COUNT] = ACCEL_NLA_U32,
	[SNPU_A_MODEL_COUNT] = ACCEL_NLA_U32,
	[SNPU_A_JOBS_LIVE] = ACCEL_NLA_U32,
	[SNPU_A_EVENT_TYPE] = ACCEL_NLA_U32,
	[SNPU_A_EVENT_ERROR] = ACCEL_NLA_U32,
	[SNPU_A_EVENT_TIME_NS] = ACCEL_NLA_U64,
};

/*
 * The attributes of @nlh, a message of command @cmd, into @tb. The caller
 * (libnl's receive loop, or a test) guarantees nlmsg_len bytes are there.
 * Attributes past SNPU_A_MAX are a newer module's and are ignored.
 */
static int accel_genl_attrs(struct nlmsghdr *nlh, uint8_t cmd,
			    struct nlattr **tb)
{
	struct genlmsghdr *gnlh;
	struct nlattr *nla;
	int rem;

	if (!nlh || nlh->nlmsg_len < NLMSG_HDRLEN ||
	    !genlmsg_valid_hdr(nlh, 0))
		return -EINVAL;
	gnlh = nlmsg_data(nlh);
	if (gnlh->cmd != cmd)
		return -EINVAL;
	if (genlmsg_parse(nlh, 0, tb, SNPU_A_MAX, accel_telemetry_policy))
		return -EINVAL;
	/* nla_parse() stops quietly at a truncated attribute: not ours. */
	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem)
		;
	return rem > 0 ? -EINVAL : 0;
}

int accel_telemetry_parse_dev(struct nlmsghdr *nlh,
			      struct accel_telemetry_dev *d)
{
	struct nlattr *tb[SNPU_A_MAX + 1];
	int ret;

	memset(d, 0, sizeof(*d));
	ret = accel_genl_attrs(nlh, SNPU_CMD_DEV_GET, tb);
	if (ret)
		return ret;
	/* The minor is the device's identity: a message without it is junk. */
	if (!tb[SNPU_A_DEV_MINOR])
		return -EINVAL;

#define ACCEL_GET(field, attr, get)					\
	do {								\
		if (tb[attr])						\
			d->field = get(tb[attr]);			\
	} while (0)
	ACCEL_GET(minor, SNPU_A_DEV_MINOR, nla_get_u32);
	ACCEL_GET(clock_khz, SNPU_A_DEV_CLOCK_KHZ, nla_get_u32);
	ACCEL_GET(jobs_submitted, SNPU_A_JOBS_SUBMITTED, nla_get_u64);
	ACCEL_GET(jobs_completed, SNPU_A_JOBS_COMPLETED, nla_get_u64);
	ACCEL_GET(jobs_failed, SNPU_A_JOBS_FAILED, nla_get_u64);
	ACCEL_GET(jobs_timedout, SNPU_A_JOBS_TIMEDOUT, nla_get_u64);
	ACCEL_GET(resets, SNPU_A_RESETS, nla_get_u64);
	ACCEL_GET(busy_ns, SNPU_A_BUSY_NS, nla_get_u64);
	ACCEL_GET(cycles, SNPU_A_CYCLES, nla_get_u64);
	ACCEL_GET(macs, SNPU_A_MACS, nla_get_u64);
	ACCEL_GET(macs_skipped_weight, SNPU_A_MACS_SKIPPED_WEIGHT, nla_get_u64);
	ACCEL_GET(macs_skipped_act, SNPU_A_MACS_SKIPPED_ACT, nla_get_u64);
	ACCEL_GET(bytes_read, SNPU_A_BYTES_READ, nla_get_u64);
	ACCEL_GET(bytes_written, SNPU_A_BYTES_WRITTEN, nla_get_u64);
	ACCEL_GET(mem_bytes, SNPU_A_MEM_BYTES, nla_get_u64);
	ACCEL_GET(bo_count, SNPU_A_BO_COUNT, nla_get_u32);
	ACCEL_GET(model_count, SNPU_A_MODEL_COUNT, nla_get_u32);
	ACCEL_GET(jobs_live, SNPU_A_JOBS_LIVE, nla_get_u32);
#undef ACCEL_GET
	if (tb[SNPU_A_DEV_EMULATED])
		d->emulated = !!nla_get_u8(tb[SNPU_A_DEV_EMULATED]);
	if (tb[SNPU_A_DEV_PLATFORM])
		nla_strlcpy(d->platform, tb[SNPU_A_DEV_PLATFORM],
			    sizeof(d->platform));
	if (tb[SNPU_A_DEV_FIRMWARE])
		nla_strlcpy(d->firmware, tb[SNPU_A_DEV_FIRMWARE],
			    sizeof(d->firmware));
	return 0;
}

int accel_telemetry_parse_event(struct nlmsghdr *nlh, struct accel_event *ev)
{
	struct nlattr *tb[SNPU_A_MAX + 1];
	int ret;

	memset(ev, 0, sizeof(*ev));
	ret = accel_genl_attrs(nlh, SNPU_CMD_EVENT, tb);
	if (ret)
		return ret;
	if (!tb[SNPU_A_EVENT_TYPE] || !tb[SNPU_A_DEV_MINOR])
		return -EINVAL;
	ev->type = nla_get_u32(tb[SNPU_A_EVENT_TYPE]);
	ev->minor = nla_get_u32(tb[SNPU_A_DEV_MINOR]);
	if (tb[SNPU_A_EVENT_ERROR])
		ev->error = (int32_t)nla_get_u32(tb[SNPU_A_EVENT_ERROR]);
	if (tb[SNPU_A_EVENT_TIME_NS])
		ev->time_ns = nla_get_u64(tb[SNPU_A_EVENT_TIME_NS]);
	if (tb[SNPU_A_DEV_PLATFORM])
		nla_strlcpy(ev->platform, tb[SNPU_A_DEV_PLATFORM],
			    sizeof(ev->platform));
	return 0;
}

int accel_nl_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS:
		return 0;
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
	case NLE_DUMP_INTR:	/* the dump changed under us: ask again */
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PERM:
		return -EPERM;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_OVERFLOW:
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_MSGTYPE_NOSUPPORT:
	case NLE_PARSE_ERR:
	case NLE_NOATTR:
	case NLE_MISSING_ATTR:
	case NLE_ATTRSIZE:
		return -EBADMSG;
	default:
		return -EIO;
	}
}

/* ---- requests ----------------------------------------------------------- */

/**
 * struct accel_nl_req - one request in flight on the request socket
 * @t: the connection.
 * @seq: the request's sequence number; other messages are stale.
 * @seen: messages read, to tell a receive timeout from progress.
 * @done: the ACK, error or end of dump arrived.
 * @err: the first error (kernel -errno, -EBADMSG, -ENOMEM), else 0.
 * @devs: devices parsed from the replies (malloc()ed).
 * @n: entries in @devs.
 * @cap: room in @devs.
 */
struct accel_nl_req {
	accel_telemetry *t;
	uint32_t seq;
	unsigned int seen;
	bool done;
	int err;
	struct accel_telemetry_dev *devs;
	unsigned int n, cap;
};

static int accel_req_msg_in(struct nl_msg *msg, void *arg)
{
	struct accel_nl_req *r = arg;

	r->seen++;
	return NL_OK;
}

/* Skip what an earlier, abandoned request left behind. */
static int accel_req_seq_check(struct nl_msg *msg, void *arg)
{
	struct accel_nl_req *r = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == r->seq ? NL_OK : NL_SKIP;
}

static int accel_req_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct accel_nl_req *r = arg;
	struct accel_telemetry_dev *grown;

	/* After an error keep reading to the end, so nothing is left over. */
	if (r->err || nlh->nlmsg_type != r->t->family)
		return NL_SKIP;
	if (r->n == r->cap) {
		unsigned int cap = r->cap ? 2 * r->cap : 4;

		grown = realloc(r->devs, cap * sizeof(*grown));
		if (!grown) {
			r->err = -ENOMEM;
			return NL_SKIP;
		}
		r->devs = grown;
		r->cap = cap;
	}
	if (accel_telemetry_parse_dev(nlh, &r->devs[r->n]))
		r->err = -EBADMSG;
	else
		r->n++;
	return NL_OK;
}

/* End of a dump; its payload is the dump's own error, if any. */
static int accel_req_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct accel_nl_req *r = arg;
	int err;

	if (nlmsg_datalen(nlh) >= (int)sizeof(err)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0 && !r->err)
			r->err = err;
	}
	r->done = true;
	return NL_STOP;
}

static int accel_req_ack(struct nl_msg *msg, void *arg)
{
	struct accel_nl_req *r = arg;

	r->done = true;
	return NL_STOP;
}

static int accel_req_error(struct sockaddr_nl *nla, struct nlmsgerr *e,
			   void *arg)
{
	struct accel_nl_req *r = arg;

	if (e->error < 0 && !r->err)
		r->err = e->error;
	r->done = true;
	return NL_STOP;
}

/*
 * Send @cmd (with the device @minor unless @dump) and read every answer
 * into @r. Returns 0 or the request's error.
 */
static int accel_request(accel_telemetry *t, uint8_t cmd, bool dump,
			 uint32_t minor, struct accel_nl_req *r)
{
	struct nl_msg *msg;
	int ret;

	memset(r, 0, sizeof(*r));
	r->t = t;
	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;
	/*
	 * Auto-ack is off on this socket: ask for the ACK of a doit (the
	 * end of COUNTERS_RESET), while a dump ends with NLMSG_DONE.
	 */
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, t->family, 0,
			 dump ? NLM_F_DUMP : NLM_F_ACK, cmd,
			 SNPU_GENL_VERSION) ||
	    (!dump && nla_put_u32(msg, SNPU_A_DEV_MINOR, minor))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}

	pthread_mutex_lock(&t->req_lock);
	nl_cb_set(t->req_cb, NL_CB_MSG_IN, NL_CB_CUSTOM, accel_req_msg_in, r);
	nl_cb_set(t->req_cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM,
		  accel_req_seq_check, r);
	nl_cb_set(t->req_cb, NL_CB_VALID, NL_CB_CUSTOM, accel_req_valid, r);
	nl_cb_set(t->req_cb, NL_CB_FINISH, NL_CB_CUSTOM, accel_req_finish, r);
	nl_cb_set(t->req_cb, NL_CB_ACK, NL_CB_CUSTOM, accel_req_ack, r);
	nl_cb_err(t->req_cb, NL_CB_CUSTOM, accel_req_error, r);

	ret = nl_send_auto(t->req, msg);
	if (ret < 0) {
		r->err = accel_nl_errno(ret);
		goto out;
	}
	r->seq = nlmsg_hdr(msg)->nlmsg_seq;
	while (!r->done) {
		unsigned int seen = r->seen;

		ret = nl_recvmsgs(t->req, t->req_cb);
		if (r->done)
			break;
		/*
		 * SO_RCVTIMEO expired: libnl says -NLE_AGAIN (3.2.2x on) or
		 * 0 with nothing read (older ones).
		 */
		if (ret == -NLE_AGAIN || (ret >= 0 && r->seen == seen)) {
			if (!r->err)
				r->err = -ETIMEDOUT;
			break;
		}
		if (ret < 0) {
			if (!r->err)
				r->err = accel_nl_errno(ret);
			break;
		}
	}
out:
	pthread_mutex_unlock(&t->req_lock);
	nlmsg_free(msg);
	return r->err;
}

/* ---- open and close ------------------------------------------------------ */

/* A libnl error of resolving the family or group: missing is ours. */
static int accel_resolve_errno(int nlerr)
{
	return nlerr == -NLE_OBJ_NOTFOUND ? ACCEL_E_NO_TELEMETRY :
	       accel_nl_errno(nlerr);
}

static int accel_event_in(struct nl_msg *msg, void *arg);

static int accel_event_no_seq(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

int accel_telemetry_events_init(accel_telemetry *t)
{
	int ret;

	ret = genl_connect(t->ev);
	if (ret < 0)
		return accel_nl_errno(ret);
	ret = nl_socket_set_nonblocking(t->ev);
	if (ret < 0)
		return accel_nl_errno(ret);
	/* Best effort: the default buffer works, just overruns sooner. */
	nl_socket_set_buffer_size(t->ev, ACCEL_NL_EVENT_RCVBUF, 0);
	/*
	 * Events carry sequence number 0: no checking. On @ev_cb itself, the
	 * callbacks nl_recvmsgs() gets, not the socket's (which
	 * nl_socket_disable_seq_check() would change).
	 */
	nl_cb_set(t->ev_cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, accel_event_no_seq,
		  NULL);
	nl_cb_set(t->ev_cb, NL_CB_VALID, NL_CB_CUSTOM, accel_event_in, t);
	return 0;
}

ACCEL_API void accel_telemetry_close(accel_telemetry *t)
{
	if (!t)
		return;
	/* nl_socket_free() closes the fds; nl_cb_put() drops our cbs. */
	if (t->ev)
		nl_socket_free(t->ev);
	if (t->req)
		nl_socket_free(t->req);
	if (t->ev_cb)
		nl_cb_put(t->ev_cb);
	if (t->req_cb)
		nl_cb_put(t->req_cb);
	pthread_mutex_destroy(&t->ev_lock);
	pthread_mutex_destroy(&t->req_lock);
	free(t);
}

ACCEL_API int accel_telemetry_open(accel_telemetry **tp)
{
	struct timeval tv = { .tv_sec = ACCEL_NL_REQ_TIMEOUT_S };
	accel_telemetry *t;
	int ret;

	if (!tp)
		return -EINVAL;
	*tp = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->req_lock, NULL);
	pthread_mutex_init(&t->ev_lock, NULL);
	t->req = nl_socket_alloc();
	t->ev = nl_socket_alloc();
	t->req_cb = nl_cb_alloc(NL_CB_DEFAULT);
	t->ev_cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!t->req || !t->ev || !t->req_cb || !t->ev_cb) {
		ret = -ENOMEM;
		goto err_close;
	}

	ret = genl_connect(t->req);
	if (ret < 0) {
		ret = accel_nl_errno(ret);
		goto err_close;
	}
	t->family = genl_ctrl_resolve(t->req, SNPU_GENL_NAME);
	if (t->family < 0) {
		ret = accel_resolve_errno(t->family);
		goto err_close;
	}
	t->events_group = genl_ctrl_resolve_grp(t->req, SNPU_GENL_NAME,
						SNPU_GENL_MCGRP_EVENTS);
	if (t->events_group < 0) {
		ret = accel_resolve_errno(t->events_group);
		goto err_close;
	}
	/*
	 * Only now: the resolves above wait for libnl's auto-ACK. Our
	 * requests ask for their ACK themselves and check sequence numbers
	 * with their own callback.
	 */
	nl_socket_disable_auto_ack(t->req);
	if (setsockopt(nl_socket_get_fd(t->req), SOL_SOCKET, SO_RCVTIMEO,
		       &tv, sizeof(tv))) {
		ret = -errno;
		goto err_close;
	}

	ret = accel_telemetry_events_init(t);
	if (ret)
		goto err_close;

	*tp = t;
	return 0;

err_close:
	accel_telemetry_close(t);
	return ret;
}

/* ---- devices ------------------------------------------------------------- */

ACCEL_API int accel_telemetry_devices(accel_telemetry *t,
				      struct accel_telemetry_dev **list)
{
	struct accel_nl_req r;
	int ret;

	if (!list)
		return -EINVAL;
	*list = NULL;
	if (!t)
		return -EINVAL;
	ret = accel_request(t, SNPU_CMD_DEV_GET, true, 0, &r);
	if (ret || !r.n) {
		free(r.devs);
		return ret;
	}
	*list = r.devs;
	return (int)r.n;
}

ACCEL_API void accel_telemetry_devices_free(struct accel_telemetry_dev *list)
{
	free(list);
}

ACCEL_API int accel_telemetry_device(accel_telemetry *t, uint32_t minor,
				     struct accel_telemetry_dev *d)
{
	struct accel_nl_req r;
	int ret;

	if (!t || !d)
		return -EINVAL;
	ret = accel_request(t, SNPU_CMD_DEV_GET, false, minor, &r);
	/* Exactly one reply, about the device asked for. */
	if (!ret && (r.n != 1 || r.devs[0].minor != minor))
		ret = -EBADMSG;
	if (!ret)
		*d = r.devs[0];
	free(r.devs);
	return ret;
}

ACCEL_API int accel_telemetry_reset_counters(accel_telemetry *t,
					     uint32_t minor)
{
	struct accel_nl_req r;
	int ret;

	if (!t)
		return -EINVAL;
	ret = accel_request(t, SNPU_CMD_COUNTERS_RESET, false, minor, &r);
	free(r.devs);
	return ret;
}

/* ---- events -------------------------------------------------------------- */

/* Queue one slot; when full, count the loss (reported once, in order). */
static void accel_event_push(accel_telemetry *t,
			     const struct accel_event_slot *slot)
{
	if (t->count == ACCEL_EVENT_QUEUE) {
		t->lost++;
		return;
	}
	t->queue[(t->head + t->count) % ACCEL_EVENT_QUEUE] = *slot;
	t->count++;
}

/* 1 with an event, an error in the event's place, or 0 when empty. */
static int accel_event_pop(accel_telemetry *t, struct accel_event *ev)
{
	struct accel_event_slot *slot;

	if (!t->count) {
		if (!t->lost)
			return 0;
		t->lost = 0;
		return -ENOBUFS;
	}
	slot = &t->queue[t->head];
	t->head = (t->head + 1) % ACCEL_EVENT_QUEUE;
	t->count--;
	if (slot->err)
		return slot->err;
	*ev = slot->ev;
	return 1;
}

/* NL_CB_VALID of the event socket, under ev_lock (inside nl_recvmsgs()). */
static int accel_event_in(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct accel_event_slot slot = { 0 };
	accel_telemetry *t = arg;

	if (nlh->nlmsg_type != t->family)
		return NL_SKIP;
	/* A command a newer module multicasts besides events: not for us. */
	if (genlmsg_valid_hdr(nlh, 0) &&
	    ((struct genlmsghdr *)nlmsg_data(nlh))->cmd != SNPU_CMD_EVENT)
		return NL_SKIP;
	if (accel_telemetry_parse_event(nlh, &slot.ev))
		slot.err = -EBADMSG;
	accel_event_push(t, &slot);
	return NL_OK;
}

ACCEL_API int accel_telemetry_subscribe(accel_telemetry *t)
{
	int ret = 0;

	if (!t)
		return -EINVAL;
	pthread_mutex_lock(&t->ev_lock);
	if (!t->subscribed) {
		ret = nl_socket_add_membership(t->ev, t->events_group);
		if (ret < 0)
			ret = accel_nl_errno(ret);
		else
			t->subscribed = true;
	}
	pthread_mutex_unlock(&t->ev_lock);
	return ret;
}

ACCEL_API int accel_telemetry_fd(accel_telemetry *t)
{
	return t ? nl_socket_get_fd(t->ev) : -EINVAL;
}

static int64_t accel_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Read one datagram if there is one (the socket never blocks): 0 (also
 * when there was nothing: -NLE_AGAIN, or 0 from older libnl) or an error.
 * The kernel reports an overrun of the socket as ENOBUFS, which libnl
 * folds into NLE_NOMEM; errno still tells them apart (glibc's free()
 * keeps errno).
 */
static int accel_event_read(accel_telemetry *t)
{
	int ret;

	errno = 0;
	ret = nl_recvmsgs(t->ev, t->ev_cb);
	if (ret >= 0 || ret == -NLE_AGAIN)
		return 0;
	if (ret == -NLE_NOMEM && errno == ENOBUFS)
		return -ENOBUFS;
	return accel_nl_errno(ret);
}

ACCEL_API int accel_telemetry_next_event(accel_telemetry *t,
					 struct accel_event *ev,
					 int timeout_ms)
{
	int64_t deadline = 0;
	struct pollfd pfd;
	int ret, wait;

	if (!t || !ev)
		return -EINVAL;
	if (timeout_ms >= 0)
		deadline = accel_now_ms() + timeout_ms;
	pfd.fd = nl_socket_get_fd(t->ev);
	pfd.events = POLLIN;

	pthread_mutex_lock(&t->ev_lock);
	if (!t->subscribed) {
		ret = -EINVAL;
		goto out;
	}
	for (;;) {
		ret = accel_event_pop(t, ev);
		if (ret)
			break;
		ret = accel_event_read(t);
		if (ret)
			break;
		if (t->count || t->lost)
			continue;

		if (timeout_ms < 0) {
			wait = -1;
		} else {
			int64_t left = deadline - accel_now_ms();

			if (left <= 0) {
				ret = 0;
				break;
			}
			wait = (int)left;
		}
		ret = poll(&pfd, 1, wait);
		if (ret < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		/* On a timeout the next round reads once more, then ends. */
		if (ret == 0 && timeout_ms >= 0)
			deadline = 0;
	}
out:
	pthread_mutex_unlock(&t->ev_lock);
	return ret;
}

ACCEL_API const char *accel_event_name(uint32_t type)
{
	switch (type) {
	case ACCEL_EVENT_JOB_FAULT:
		return "job_fault";
	case ACCEL_EVENT_JOB_TIMEOUT:
		return "job_timeout";
	case ACCEL_EVENT_RESET:
		return "reset";
	case ACCEL_EVENT_FW_LOADED:
		return "fw_loaded";
	case ACCEL_EVENT_DEV_ADDED:
		return "dev_added";
	case ACCEL_EVENT_DEV_REMOVED:
		return "dev_removed";
	default:
		return "unknown";
	}
}
