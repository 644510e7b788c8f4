// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Operating the device: telemetry over generic netlink (through libaccel's
 * libnl-genl-3 wrapper), DRM fdinfo, render-node permissions and the
 * `snpu top --once --json` view, against the real module in the VM.
 *
 *   - the counters move by exactly what the jobs' own counters say;
 *   - a hung job puts a timeout and a reset on the events group;
 *   - reads need no privilege, resetting the counters needs CAP_SYS_ADMIN;
 *   - fdinfo has the drm-usage-stats keys, a client id per file and the
 *     busy time and memory of that file only;
 *   - a user in the node's group runs a model, one outside gets EACCES
 *     and a message that says what to do;
 *   - snpu top --once --json prints valid JSON with the devices.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "accel.h"
#include "snpu_dev.h"
#include "snpu_genl.h"
#include "snpu_test.h"
#include "snpu_tmodel.h"

#define NOBODY		65534
#define WAIT_NS		20000000000ll

/* The device under test and a model loaded on it. */
FIXTURE(tel) {
	accel_device *dev;
	accel_model *model;
	accel_buffer *in, *out;
	struct snpu_tmodel tm;
	accel_telemetry *t;
	char node[64];
	uint32_t minor;
};

FIXTURE_SETUP(tel)
{
	struct accel_device_info *list = NULL;
	struct stat st;

	ASSERT_EQ(0, snpu_module_unload());
	/* a short deadline so the hang test is quick */
	ASSERT_EQ(0, snpu_module_load("emulate=2 emulate_fw=snpu/edge-mid.bin,snpu/edge-tiny.bin job_timeout_ms=1500"));
	ASSERT_EQ(2, accel_devices_get(&list));
	snprintf(self->node, sizeof(self->node), "%s", list[0].node);
	accel_devices_free(list);
	ASSERT_EQ(0, stat(self->node, &st));
	self->minor = minor(st.st_rdev);
	ASSERT_EQ(0, accel_device_open(self->node, &self->dev));
	ASSERT_EQ(0, snpu_tmodel_build(&self->tm, SNPU_TMODEL_MLP,
				       SNPU_ENC_CSR, 0, 3));
	ASSERT_EQ(0, accel_model_load(self->dev, self->tm.blob, self->tm.size,
				      &self->model));
	ASSERT_EQ(0, accel_buffer_new(self->dev, 8 * self->tm.in_bytes, 0,
				      &self->in));
	ASSERT_EQ(0, accel_buffer_new(self->dev, 8 * self->tm.out_bytes, 0,
				      &self->out));
	ASSERT_EQ(0, accel_telemetry_open(&self->t));
}

FIXTURE_TEARDOWN(tel)
{
	accel_telemetry_close(self->t);
	accel_buffer_unref(self->in);
	accel_buffer_unref(self->out);
	accel_model_unref(self->model);
	accel_device_unref(self->dev);
	snpu_tmodel_free(&self->tm);
	EXPECT_EQ(0, snpu_module_unload());
}

static int run_jobs(FIXTURE_DATA(tel) *self, unsigned int n,
		    struct accel_counters *sum)
{
	struct accel_counters c;
	unsigned int i;
	int ret = 0;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < n && !ret; i++) {
		struct accel_io io = {
			.in = self->in, .out = self->out, .batch = 1 + i % 8,
		};

		ret = accel_run(self->model, &io, &c);
		sum->cycles += c.cycles;
		sum->macs += c.macs;
		sum->macs_skipped_weight += c.macs_skipped_weight;
		sum->macs_skipped_act += c.macs_skipped_act;
		sum->bytes_read += c.bytes_read;
		sum->bytes_written += c.bytes_written;
	}
	return ret;
}

TEST_F(tel, devices_are_listed_with_their_platforms)
{
	struct accel_telemetry_dev *list = NULL, d;
	int n, i, mid = 0, tiny = 0;

	n = accel_telemetry_devices(self->t, &list);
	ASSERT_EQ(2, n);
	for (i = 0; i < n; i++) {
		mid += !strcmp(list[i].platform, "edge-mid");
		tiny += !strcmp(list[i].platform, "edge-tiny");
		EXPECT_EQ(1, list[i].emulated);
		EXPECT_NE(0, list[i].clock_khz);
	}
	EXPECT_EQ(1, mid);
	EXPECT_EQ(1, tiny);
	accel_telemetry_devices_free(list);

	ASSERT_EQ(0, accel_telemetry_device(self->t, self->minor, &d));
	EXPECT_EQ(self->minor, d.minor);
	EXPECT_STREQ("snpu/edge-mid.bin", d.firmware);
	/* our model and two buffers are live */
	EXPECT_EQ(1, d.model_count);
	/* libaccel makes its counters page at the first job, not yet */
	EXPECT_EQ(2, d.bo_count);
	EXPECT_LE(8 * (self->tm.in_bytes + self->tm.out_bytes), d.mem_bytes);
	EXPECT_EQ(-ENODEV, accel_telemetry_device(self->t, 9999, &d));
}

TEST_F(tel, counters_move_by_what_the_jobs_did)
{
	struct accel_telemetry_dev a, b;
	struct accel_counters sum;

	/* root may restart them; they start from zero */
	ASSERT_EQ(0, accel_telemetry_reset_counters(self->t, self->minor));
	ASSERT_EQ(0, accel_telemetry_device(self->t, self->minor, &a));
	EXPECT_EQ(0, a.jobs_completed);
	EXPECT_EQ(0, a.macs);
	EXPECT_EQ(0, a.busy_ns);

	ASSERT_EQ(0, run_jobs(self, 25, &sum));
	ASSERT_EQ(0, accel_telemetry_device(self->t, self->minor, &b));
	EXPECT_EQ(25, b.jobs_submitted - a.jobs_submitted);
	EXPECT_EQ(25, b.jobs_completed - a.jobs_completed);
	EXPECT_EQ(0, b.jobs_failed - a.jobs_failed);
	EXPECT_EQ(sum.cycles, b.cycles - a.cycles);
	EXPECT_EQ(sum.macs, b.macs - a.macs);
	EXPECT_EQ(sum.macs_skipped_weight,
		  b.macs_skipped_weight - a.macs_skipped_weight);
	EXPECT_EQ(sum.macs_skipped_act, b.macs_skipped_act - a.macs_skipped_act);
	EXPECT_EQ(sum.bytes_read, b.bytes_read - a.bytes_read);
	EXPECT_EQ(sum.bytes_written, b.bytes_written - a.bytes_written);
	EXPECT_LT(0, b.busy_ns - a.busy_ns);
	EXPECT_LT(0, sum.macs_skipped_weight);
}

TEST_F(tel, hang_puts_timeout_and_reset_on_the_events_group)
{
	struct accel_io io = { .in = self->in, .out = self->out, .batch = 1 };
	struct accel_event ev;
	struct accel_telemetry_dev d;
	int timeouts = 0, resets = 0, n = 0;
	accel_job *job;

	ASSERT_EQ(0, accel_telemetry_subscribe(self->t));
	ASSERT_LE(0, accel_telemetry_fd(self->t));
	ASSERT_EQ(0, snpu_debugfs_write(self->minor, "snpu_inject", "hang"));
	ASSERT_EQ(0, accel_submit(self->model, &io, NULL, &job));
	EXPECT_EQ(ACCEL_E_JOB_FAILED, accel_job_wait(job, WAIT_NS));
	accel_job_unref(job);

	while (n++ < 10 && accel_telemetry_next_event(self->t, &ev, 3000) == 1) {
		EXPECT_EQ(self->minor, ev.minor);
		EXPECT_STREQ("edge-mid", ev.platform);
		EXPECT_NE(0, ev.time_ns);
		if (ev.type == SNPU_EVENT_JOB_TIMEOUT) {
			EXPECT_EQ(-ETIMEDOUT, ev.error);
			timeouts++;
		} else if (ev.type == SNPU_EVENT_RESET) {
			EXPECT_EQ(0, ev.error);
			EXPECT_EQ(1, timeouts);	/* after the timeout */
			resets++;
			break;
		}
	}
	EXPECT_EQ(1, timeouts);
	EXPECT_EQ(1, resets);
	EXPECT_STREQ("job_timeout", accel_event_name(SNPU_EVENT_JOB_TIMEOUT));

	ASSERT_EQ(0, accel_telemetry_device(self->t, self->minor, &d));
	EXPECT_EQ(1, d.resets);
	EXPECT_EQ(1, d.jobs_timedout);
	/* and the device still works */
	EXPECT_EQ(0, accel_run(self->model, &io, NULL));
}

/* In a child as nobody: reads work, a reset is refused. */
TEST_F(tel, reads_are_unprivileged_resets_need_cap_sys_admin)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		accel_telemetry *t;
		struct accel_telemetry_dev d;

		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(10);
		if (accel_telemetry_open(&t))
			_exit(11);
		if (accel_telemetry_device(t, self->minor, &d) ||
		    d.minor != self->minor)
			_exit(12);
		if (accel_telemetry_reset_counters(t, self->minor) != -EPERM)
			_exit(13);
		accel_telemetry_close(t);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Value of fdinfo key @key for @fd; -1 when absent. */
static long long fdinfo_value(int fd, const char *key, char *unit)
{
	char path[64], line[256];
	long long v = -1;
	size_t n = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, n) || line[n] != ':')
			continue;
		if (unit)
			unit[0] = '\0';
		if (sscanf(line + n + 1, "%lld %15s", &v, unit ? unit : line) < 1)
			v = -1;
		break;
	}
	fclose(f);
	return v;
}

static int fdinfo_has(int fd, const char *text)
{
	char path[64], buf[4096];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	if (f < 0)
		return 0;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

TEST_F(tel, fdinfo_follows_drm_usage_stats)
{
	int a = open(self->node, O_RDWR), b = open(self->node, O_RDWR);
	uint32_t h;
	void *map;
	char unit[16];
	long long busy, total;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_TRUE(fdinfo_has(a, "drm-driver:\tsnpu\n"));
	/* one id per open file */
	EXPECT_LT(0, fdinfo_value(a, "drm-client-id", NULL));
	EXPECT_NE(fdinfo_value(a, "drm-client-id", NULL),
		  fdinfo_value(b, "drm-client-id", NULL));
	EXPECT_EQ(0, fdinfo_value(a, "drm-engine-npu", unit));
	EXPECT_STREQ("ns", unit);
	EXPECT_EQ(600000000, fdinfo_value(a, "drm-maxfreq-npu", unit));
	EXPECT_STREQ("Hz", unit);

	/* a 1 MiB buffer: counted in total, resident once it has pages */
	ASSERT_EQ(0, __snpu_bo_create(a, 1 << 20, 0, &h, NULL));
	EXPECT_EQ(1024, fdinfo_value(a, "drm-total-memory", unit));
	EXPECT_STREQ("KiB", unit);
	EXPECT_EQ(0, fdinfo_value(b, "drm-total-memory", NULL));
	ASSERT_EQ(0, __snpu_bo_mmap(a, h, 1 << 20, &map));
	memset(map, 1, 1 << 20);
	EXPECT_EQ(1024, fdinfo_value(a, "drm-resident-memory", unit));
	munmap(map, 1 << 20);

	/* the library's file ran jobs; these two did not */
	total = fdinfo_value(a, "drm-engine-npu", NULL);
	EXPECT_EQ(0, total);
	close(a);
	close(b);

	/* the library's own file (found through /proc) ran the jobs */
	{
		struct accel_counters sum;
		char link[64], target[64];
		int fd;

		ASSERT_EQ(0, run_jobs(self, 5, &sum));
		busy = -1;
		for (fd = 0; fd < 1024 && busy <= 0; fd++) {
			ssize_t n;

			snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
			n = readlink(link, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (!strcmp(target, self->node))
				busy = fdinfo_value(fd, "drm-engine-npu", NULL);
		}
	}
	EXPECT_LT(0, busy);
}

/*
 * The udev rule (packaging/) gives render nodes group render, mode 0660;
 * the VM has no udev, so the test applies exactly that and checks what a
 * user in the group and one outside it get.
 */
TEST_F(tel, render_group_runs_a_model_others_get_a_clear_error)
{
	struct group *g = getgrnam("render");
	int status, i;

	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, chown(self->node, 0, g->gr_gid));
	ASSERT_EQ(0, chmod(self->node, 0660));
	for (i = 0; i < 2; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			gid_t groups[1] = { g->gr_gid };
			accel_device *dev;
			accel_model *m;
			accel_buffer *in, *out;
			int ret;

			if (setgroups(i == 0 ? 1 : 0, groups) ||
			    setgid(NOBODY) || setuid(NOBODY))
				_exit(10);
			ret = accel_device_open(self->node, &dev);
			if (i == 1) {
				/* outside the group: EACCES, and what to do */
				_exit(ret == -EACCES &&
				      strstr(accel_strerror(ret), "render") ?
				      0 : 11);
			}
			if (ret ||
			    accel_model_load(dev, self->tm.blob, self->tm.size,
					     &m) ||
			    accel_buffer_new(dev, self->tm.in_bytes, 0, &in) ||
			    accel_buffer_new(dev, self->tm.out_bytes, 0, &out))
				_exit(12);
			{
				struct accel_io io = {
					.in = in, .out = out, .batch = 1,
				};

				_exit(accel_run(m, &io, NULL) ? 13 : 0);
			}
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	EXPECT_EQ(0, chmod(self->node, 0666));
}

/* What scripts get: one JSON object with both devices and their rates. */
TEST_F(tel, top_once_json_validates)
{
	const char *cli = getenv("SNPU_CLI");
	char cmd[512];
	struct accel_counters sum;

	ASSERT_EQ(0, run_jobs(self, 3, &sum));
	snprintf(cmd, sizeof(cmd),
		 "%s top --once --json --interval 200 > /tmp/top.json && "
		 "/usr/bin/python3 -c 'import json, sys\n"
		 "d = json.load(open(\"/tmp/top.json\"))\n"
		 "assert d[\"interval_ms\"] > 0\n"
		 "assert len(d[\"devices\"]) == 2\n"
		 "for x in d[\"devices\"]:\n"
		 "    assert 0 <= x[\"utilization\"] <= 1\n"
		 "    assert 0 <= x[\"sparsity_savings\"] <= 1\n"
		 "    assert x[\"platform\"] in (\"edge-mid\", \"edge-tiny\")\n"
		 "assert sum(x[\"jobs_completed\"] for x in d[\"devices\"]) >= 3\n"
		 "assert isinstance(d[\"events\"], list)\n'",
		 cli && *cli ? cli : "build/bin/snpu");
	EXPECT_EQ(0, system(cmd));
}

TEST_HARNESS_MAIN
