// SPDX-License-Identifier: GPL-2.0-only
/*
 * snpu telemetry over generic netlink (uapi/snpu_genl.h).
 *
 * One family for the module: DEV_GET reads a device's counters (any user;
 * dump for all of them), COUNTERS_RESET restarts them (CAP_SYS_ADMIN), and
 * the "events" multicast group carries job faults and timeouts, resets,
 * firmware loads and devices coming and going. Requests are checked
 * against the family's policy by the genetlink core before they get here.
 *
 * Copyright (c) 2026 The snpu authors
 */

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/ktime.h>
#include <net/genetlink.h>

#include <drm/drm_file.h>

#include "snpu_device.h"
#include "snpu_genl.h"
#include "snpu_netlink.h"

/* Every device the telemetry reports, in probe order. */
static LIST_HEAD(snpu_genl_devices);
static DEFINE_MUTEX(snpu_genl_lock);

static const struct nla_policy snpu_genl_policy[SNPU_A_MAX + 1] = {
	[SNPU_A_DEV_MINOR] = { .type = NLA_U32 },
};

enum snpu_genl_mcgrp {
	SNPU_GENL_MCGRP_EVENTS_ID,
};

static const struct genl_multicast_group snpu_genl_mcgrps[] = {
	[SNPU_GENL_MCGRP_EVENTS_ID] = { .name = SNPU_GENL_MCGRP_EVENTS },
};

static struct genl_family snpu_genl_family;

static u32 snpu_genl_minor(struct snpu_device *sdev)
{
	return sdev->drm.render ? sdev->drm.render->index : 0;
}

static int snpu_genl_put_u64(struct sk_buff *skb, int attr, u64 v)
{
	return nla_put_u64_64bit(skb, attr, v, SNPU_A_PAD);
}

/* The device's identity and counters into @skb. */
static int snpu_genl_fill_dev(struct sk_buff *skb, struct snpu_device *sdev)
{
	struct snpu_counters c;

	snpu_device_perf(sdev, &c);
	if (nla_put_u32(skb, SNPU_A_DEV_MINOR, snpu_genl_minor(sdev)) ||
	    nla_put_string(skb, SNPU_A_DEV_PLATFORM, sdev->fw.platform.name) ||
	    nla_put_string(skb, SNPU_A_DEV_FIRMWARE, sdev->fw_name) ||
	    nla_put_u8(skb, SNPU_A_DEV_EMULATED, snpu_is_emulated(sdev)) ||
	    nla_put_u32(skb, SNPU_A_DEV_CLOCK_KHZ,
			sdev->fw.platform.clock_khz) ||
	    snpu_genl_put_u64(skb, SNPU_A_JOBS_SUBMITTED,
			      atomic64_read(&sdev->jobs_submitted)) ||
	    snpu_genl_put_u64(skb, SNPU_A_JOBS_COMPLETED,
			      atomic64_read(&sdev->jobs_completed)) ||
	    snpu_genl_put_u64(skb, SNPU_A_JOBS_FAILED,
			      atomic64_read(&sdev->jobs_failed)) ||
	    snpu_genl_put_u64(skb, SNPU_A_JOBS_TIMEDOUT,
			      atomic64_read(&sdev->jobs_timedout)) ||
	    snpu_genl_put_u64(skb, SNPU_A_RESETS,
			      atomic64_read(&sdev->resets)) ||
	    snpu_genl_put_u64(skb, SNPU_A_BUSY_NS, snpu_device_busy_ns(sdev)) ||
	    snpu_genl_put_u64(skb, SNPU_A_CYCLES, c.cycles) ||
	    snpu_genl_put_u64(skb, SNPU_A_MACS, c.macs) ||
	    snpu_genl_put_u64(skb, SNPU_A_MACS_SKIPPED_WEIGHT,
			      c.macs_skipped_weight) ||
	    snpu_genl_put_u64(skb, SNPU_A_MACS_SKIPPED_ACT,
			      c.macs_skipped_act) ||
	    snpu_genl_put_u64(skb, SNPU_A_BYTES_READ, c.bytes_read) ||
	    snpu_genl_put_u64(skb, SNPU_A_BYTES_WRITTEN, c.bytes_written) ||
	    snpu_genl_put_u64(skb, SNPU_A_MEM_BYTES,
			      atomic64_read(&sdev->bo_bytes)) ||
	    nla_put_u32(skb, SNPU_A_BO_COUNT, atomic_read(&sdev->bo_count)) ||
	    nla_put_u32(skb, SNPU_A_MODEL_COUNT,
			atomic_read(&sdev->model_count)) ||
	    nla_put_u32(skb, SNPU_A_JOBS_LIVE, atomic_read(&sdev->jobs_live)))
		return -EMSGSIZE;
	return 0;
}

static int snpu_genl_dev_msg(struct sk_buff *skb, struct snpu_device *sdev,
			     u32 portid, u32 seq, int flags)
{
	void *hdr = genlmsg_put(skb, portid, seq, &snpu_genl_family, flags,
				SNPU_CMD_DEV_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (snpu_genl_fill_dev(skb, sdev)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* The device with render minor @minor; under snpu_genl_lock. */
static struct snpu_device *snpu_genl_find(u32 minor)
{
	struct snpu_device *sdev;

	list_for_each_entry(sdev, &snpu_genl_devices, list)
		if (snpu_genl_minor(sdev) == minor)
			return sdev;
	return NULL;
}

static struct snpu_device *snpu_genl_lookup(struct genl_info *info)
{
	struct snpu_device *sdev;

	if (GENL_REQ_ATTR_CHECK(info, SNPU_A_DEV_MINOR))
		return ERR_PTR(-EINVAL);
	sdev = snpu_genl_find(nla_get_u32(info->attrs[SNPU_A_DEV_MINOR]));
	if (!sdev) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SNPU_A_DEV_MINOR],
				    "no snpu device with this render minor");
		return ERR_PTR(-ENODEV);
	}
	return sdev;
}

static int snpu_genl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct snpu_device *sdev;
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&snpu_genl_lock);
	sdev = snpu_genl_lookup(info);
	ret = IS_ERR(sdev) ? PTR_ERR(sdev) :
	      snpu_genl_dev_msg(msg, sdev, info->snd_portid, info->snd_seq, 0);
	mutex_unlock(&snpu_genl_lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static int snpu_genl_dev_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	long skip = cb->args[0], i = 0;
	struct snpu_device *sdev;

	mutex_lock(&snpu_genl_lock);
	list_for_each_entry(sdev, &snpu_genl_devices, list) {
		if (i++ < skip)
			continue;
		if (snpu_genl_dev_msg(skb, sdev, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI)) {
			i--;
			break;
		}
	}
	mutex_unlock(&snpu_genl_lock);
	cb->args[0] = i;
	return skb->len;
}

static int snpu_genl_counters_reset_doit(struct sk_buff *skb,
					 struct genl_info *info)
{
	struct snpu_device *sdev;
	int ret = 0;

	mutex_lock(&snpu_genl_lock);
	sdev = snpu_genl_lookup(info);
	if (IS_ERR(sdev))
		ret = PTR_ERR(sdev);
	else
		snpu_device_telemetry_reset(sdev);
	mutex_unlock(&snpu_genl_lock);
	return ret;
}

static const struct genl_small_ops snpu_genl_ops[] = {
	{
		.cmd = SNPU_CMD_DEV_GET,
		.doit = snpu_genl_dev_get_doit,
		.dumpit = snpu_genl_dev_get_dumpit,
	},
	{
		.cmd = SNPU_CMD_COUNTERS_RESET,
		.flags = GENL_ADMIN_PERM,
		.doit = snpu_genl_counters_reset_doit,
	},
};

static struct genl_family snpu_genl_family __ro_after_init = {
	.name = SNPU_GENL_NAME,
	.version = SNPU_GENL_VERSION,
	.maxattr = SNPU_A_MAX,
	/* A new family: strict validation of every command, dumps too. */
	.resv_start_op = SNPU_CMD_MAX + 1,
	.policy = snpu_genl_policy,
	.module = THIS_MODULE,
	.small_ops = snpu_genl_ops,
	.n_small_ops = ARRAY_SIZE(snpu_genl_ops),
	.mcgrps = snpu_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(snpu_genl_mcgrps),
};

/**
 * snpu_genl_event() - tell the events group what happened to a device
 * @sdev: the device.
 * @type: &enum snpu_genl_event.
 * @error: the job's error for faults and timeouts, else 0.
 *
 * Best effort and safe in the job timeout path: no sleeping allocation,
 * and an event nobody listens to costs nothing more.
 */
void snpu_genl_event(struct snpu_device *sdev, u32 type, int error)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&snpu_genl_family, &init_net,
				SNPU_GENL_MCGRP_EVENTS_ID))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_NOWAIT);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &snpu_genl_family, 0, SNPU_CMD_EVENT);
	if (!hdr ||
	    nla_put_u32(msg, SNPU_A_EVENT_TYPE, type) ||
	    nla_put_s32(msg, SNPU_A_EVENT_ERROR, error) ||
	    snpu_genl_put_u64(msg, SNPU_A_EVENT_TIME_NS, ktime_get_ns()) ||
	    nla_put_u32(msg, SNPU_A_DEV_MINOR, snpu_genl_minor(sdev)) ||
	    nla_put_string(msg, SNPU_A_DEV_PLATFORM, sdev->fw.platform.name)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&snpu_genl_family, msg, 0, SNPU_GENL_MCGRP_EVENTS_ID,
			  GFP_NOWAIT);
}

/**
 * snpu_genl_device_add() - report a registered device
 * @sdev: the device, its render node registered and firmware booted.
 */
void snpu_genl_device_add(struct snpu_device *sdev)
{
	mutex_lock(&snpu_genl_lock);
	list_add_tail(&sdev->list, &snpu_genl_devices);
	mutex_unlock(&snpu_genl_lock);
	snpu_genl_event(sdev, SNPU_EVENT_FW_LOADED, 0);
	snpu_genl_event(sdev, SNPU_EVENT_DEV_ADDED, 0);
}

/**
 * snpu_genl_device_remove() - stop reporting a device going away
 * @sdev: the device.
 */
void snpu_genl_device_remove(struct snpu_device *sdev)
{
	mutex_lock(&snpu_genl_lock);
	list_del_init(&sdev->list);
	mutex_unlock(&snpu_genl_lock);
	snpu_genl_event(sdev, SNPU_EVENT_DEV_REMOVED, 0);
}

int snpu_genl_register(void)
{
	return genl_register_family(&snpu_genl_family);
}

void snpu_genl_unregister(void)
{
	genl_unregister_family(&snpu_genl_family);
}
