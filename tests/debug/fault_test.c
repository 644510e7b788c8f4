// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Allocation failures on every path userspace drives: module load, device
 * probe, BO create, model create and submit, each swept over "the Nth
 * allocation of this call fails" with the kernel's fail-nth (failslab and
 * fail_page_alloc armed for this thread only). Every injected failure must
 * come back as a clean error (or be absorbed), leave no object behind,
 * and leave the device working: after each sweep the device computes what
 * the reference computes. Leaks and splats are caught by the debug
 * kernel's kmemleak and dmesg checks (tests/debug/debug-suite.sh).
 *
 * Needs a kernel with CONFIG_FAULT_INJECTION_DEBUG_FS, FAILSLAB and
 * FAIL_PAGE_ALLOC: it runs in `make check-debug`, not in the stock suite.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "snpu_dev.h"
#include "snpu_ref.h"
#include "snpu_test.h"
#include "snpu_tjob.h"
#include "snpu_tmodel.h"

#define FI_DEBUGFS	"/sys/kernel/debug"
/* The module loader's own allocations before snpu's init: sampled. */
#define FI_LOAD_TAIL	1500
#define FI_LOAD_STRIDE	37

static int fi_write(const char *path, const char *what)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, what, strlen(what));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

/*
 * Arm both fault types for fail-nth: no ratelimited stack dumps (they
 * would read as splats), sleeping allocations and order-0 pages included.
 */
static int fi_setup(void)
{
	static const char *const knobs[][2] = {
		{ FI_DEBUGFS "/failslab/verbose", "0" },
		{ FI_DEBUGFS "/failslab/ignore-gfp-wait", "N" },
		{ FI_DEBUGFS "/fail_page_alloc/verbose", "0" },
		{ FI_DEBUGFS "/fail_page_alloc/ignore-gfp-wait", "N" },
		{ FI_DEBUGFS "/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ FI_DEBUGFS "/fail_page_alloc/min-order", "0" },
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		ret = fi_write(knobs[i][0], knobs[i][1]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * This thread's /proc fail-nth, opened before arming: opening it while
 * armed would itself allocate. Reading and writing it do not.
 */
static int fi_nth_fd = -1;

static int fi_open(void)
{
	fi_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	return fi_nth_fd < 0 ? -errno : 0;
}

/* Make the @nth fault-injection point this thread passes fail. */
static int fi_arm(int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", nth);

	return pwrite(fi_nth_fd, buf, len, 0) == len ? 0 : -errno;
}

/*
 * Disarm and tell whether the failure was injected: 1 yes, 0 no (the call
 * passed fewer injection points than armed for), -errno. @left receives
 * how many points were still to pass.
 */
static int fi_disarm(int *left)
{
	char buf[16] = "";
	ssize_t n;

	n = pread(fi_nth_fd, buf, sizeof(buf) - 1, 0);
	if (n < 0 || pwrite(fi_nth_fd, "0", 1, 0) != 1)
		return -errno;
	*left = atoi(buf);
	return *left == 0;
}

/*
 * Mark in the kernel log where allocations fail on purpose: the VM
 * runner (tests/vm/run-vm.sh) expects the kernel's vmalloc failure dumps
 * there, and still fails the run on any bug report.
 */
static void fi_kmsg(const char *what)
{
	fi_write("/dev/kmsg", what);
}

/* What an injected allocation failure may come back as. */
static int fi_clean_error(int err)
{
	return err == -ENOMEM || err == -ENOSPC || err == -EAGAIN ||
	       err == -EINTR;
}

/*
 * What a failed device probe or module load may come back as besides:
 * -ENOENT, from the firmware loader, which takes a failed read of the
 * image in one search path for "not there" and tries the next (the
 * driver reports what request_firmware() said); -ENODEV, from a module
 * load whose only device did not come up.
 */
static int fi_clean_probe_error(int err)
{
	return fi_clean_error(err) || err == -ENOENT || err == -ENODEV;
}

/*
 * And a failed module load also as -EINVAL: platform_device_add() does
 * not check dev_set_name(), and device_add() refuses the nameless device
 * with -EINVAL, when allocating the emulated device's name fails.
 */
static int fi_clean_load_error(int err)
{
	return fi_clean_probe_error(err) || err == -EINVAL;
}

/*
 * The snpu render nodes, as snpu_find_nodes() finds them, after giving
 * every snpu render device sysfs lists the /dev node it lacks: device_add()
 * ignores a failed devtmpfs_create_node(), so an injected failure can
 * leave a registered device without its node. udev would make it from
 * the uevent; the guest has no udev, so this does. @made counts them.
 */
static int fi_find_nodes(char paths[][64], int *made)
{
	DIR *dir = opendir("/sys/class/drm");
	struct dirent *e;

	if (!dir)
		return -errno;
	while ((e = readdir(dir))) {
		char path[512], link[256], num[32] = "";
		unsigned int maj, min;
		const char *drv;
		ssize_t n;
		FILE *f;

		if (strncmp(e->d_name, "renderD", 7))
			continue;
		snprintf(path, sizeof(path), "/sys/class/drm/%s/device/driver",
			 e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		drv = strrchr(link, '/');
		if (strcmp(drv ? drv + 1 : link, "snpu"))
			continue;
		snprintf(path, sizeof(path), "/sys/class/drm/%s/dev", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (!fgets(num, sizeof(num), f))
			num[0] = '\0';
		fclose(f);
		if (sscanf(num, "%u:%u", &maj, &min) != 2)
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", e->d_name);
		if (access(path, F_OK) && errno == ENOENT &&
		    !mknod(path, S_IFCHR | 0666, makedev(maj, min)))
			(*made)++;
	}
	closedir(dir);
	return snpu_find_nodes(paths, SNPU_DEV_MAX_NODES);
}

/*
 * snpu.ko in memory, as a read-only file descriptor for finit_module():
 * the module load sweep fails allocations of the load, not of the 9p file
 * system the guest reads the build from. (A writable descriptor would
 * make the loader refuse the file with -ETXTBSY.)
 */
static int fi_ko_open(void)
{
	char buf[1 << 16], path[64];
	int in, mfd, fd = -1;
	ssize_t n = 0;

	in = open(snpu_ko_path(), O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	mfd = memfd_create("snpu.ko", MFD_CLOEXEC);
	while (mfd >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, n) != n)
			n = -1;
	if (mfd >= 0 && n == 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		fd = -errno;
	close(in);
	if (mfd >= 0)
		close(mfd);
	return fd;
}

static int fi_ko_load(int fd)
{
	return syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
}

/* The objects the driver counts for its first device. */
static long long fi_objects(int minor, const char *key)
{
	return snpu_debugfs_value(minor, "snpu_objects", key);
}

FIXTURE(fault) {
	int fd;
	int minor;
	struct snpu_tmodel tm;
	uint32_t model;
};

FIXTURE_SETUP(fault)
{
	if (access(FI_DEBUGFS "/failslab", F_OK))
		SKIP(return, "no failslab: not the debug kernel");
	ASSERT_EQ(0, fi_setup());
	ASSERT_EQ(0, fi_open());
	fi_kmsg("snpu-fault: armed\n");
	ASSERT_EQ(0, snpu_module_unload());
	ASSERT_EQ(0, snpu_module_load(NULL));
	self->fd = snpu_open_first();
	ASSERT_LE(0, self->fd);
	self->minor = snpu_fd_minor(self->fd);
	ASSERT_EQ(0, snpu_tmodel_build(&self->tm, SNPU_TMODEL_CNN,
				       SNPU_ENC_NM, SNPU_NM_2_4, 31));
	ASSERT_EQ(0, __snpu_model_create(self->fd, self->tm.blob,
					 self->tm.size, &self->model, NULL));
}

FIXTURE_TEARDOWN(fault)
{
	if (fi_nth_fd >= 0) {
		fi_arm(0);
		fi_kmsg("snpu-fault: disarmed\n");
	}
	snpu_tmodel_free(&self->tm);
	if (self->fd >= 0)
		close(self->fd);
	EXPECT_EQ(0, snpu_module_unload());
}

/* Sweep @call over n = 1, 2, ... until it makes fewer allocations than n. */
#define FI_SWEEP(n, injected, left, call, on_result)			\
	for ((n) = 1;; (n)++) {						\
		int __ret;						\
									\
		ASSERT_EQ(0, fi_arm(n));				\
		__ret = (call);						\
		(injected) = fi_disarm(&(left));			\
		ASSERT_LE(0, (injected));				\
		on_result(__ret);					\
		if (!(injected))					\
			break;						\
	}

TEST_F_TIMEOUT(fault, bo_create, 600)
{
	long long bos = fi_objects(self->minor, "bo_count");
	int n, injected, left, failed = 0;
	uint32_t h;

#define BO_RESULT(ret)							\
	do {								\
		if (ret) {						\
			ASSERT_TRUE(injected);				\
			ASSERT_TRUE(fi_clean_error(ret));		\
			failed++;					\
		} else {						\
			ASSERT_EQ(0, snpu_gem_close(self->fd, h));	\
		}							\
		ASSERT_EQ(bos, fi_objects(self->minor, "bo_count"));	\
	} while (0)

	FI_SWEEP(n, injected, left,
		 __snpu_bo_create(self->fd, 1 << 20, 0, &h, NULL), BO_RESULT);
#undef BO_RESULT
	TH_LOG("BO_CREATE: %d allocations swept, %d failed cleanly", n - 1,
	       failed);
	ASSERT_LT(0, failed);
	ASSERT_EQ(0, snpu_tmodel_check(self->fd, &self->tm, self->model, 2, 1,
				       NULL, NULL));
}

TEST_F_TIMEOUT(fault, model_create, 900)
{
	long long models = fi_objects(self->minor, "model_count");
	int n, injected, left, failed = 0;
	uint32_t h, status;

#define MODEL_RESULT(ret)						\
	do {								\
		if (ret) {						\
			ASSERT_TRUE(injected);				\
			ASSERT_TRUE(fi_clean_error(ret));		\
			ASSERT_EQ(0, status);				\
			failed++;					\
		} else {						\
			ASSERT_EQ(0, __snpu_model_destroy(self->fd, h)); \
		}							\
		ASSERT_EQ(models, fi_objects(self->minor, "model_count")); \
	} while (0)

	FI_SWEEP(n, injected, left,
		 __snpu_model_create(self->fd, self->tm.blob, self->tm.size,
				     &h, &status), MODEL_RESULT);
#undef MODEL_RESULT
	TH_LOG("MODEL_CREATE: %d allocations swept, %d failed cleanly",
	       n - 1, failed);
	ASSERT_LT(0, failed);
	ASSERT_EQ(0, snpu_tmodel_check(self->fd, &self->tm, self->model, 2, 2,
				       NULL, NULL));
}

/*
 * Each round submits on fresh buffers whose output pages were never
 * touched, so pinning them allocates under the armed failure too. A
 * submit that succeeds must compute the right answer.
 */
TEST_F_TIMEOUT(fault, submit, 1800)
{
	int8_t *expect = malloc(2 * self->tm.out_bytes);
	long long bos = fi_objects(self->minor, "bo_count");
	int n, injected, left, failed = 0;
	struct snpu_job_bufs b;
	struct drm_snpu_submit args;

	ASSERT_NE(NULL, expect);
	for (n = 1;; n++) {
		int ret;

		ASSERT_EQ(0, snpu_job_bufs_create(self->fd, &b,
						  2 * self->tm.in_bytes,
						  2 * self->tm.out_bytes));
		snpu_tmodel_input(&self->tm, b.in_map, 2, n);
		ASSERT_EQ(0, snpu_ref_run(&self->tm.pm, b.in_map, expect, 2));
		munmap(b.out_map, b.out_size);
		b.out_map = NULL;
		args = snpu_job_args(self->model, 2, &b);

		ASSERT_EQ(0, fi_arm(n));
		ret = __snpu_submit(self->fd, &args);
		injected = fi_disarm(&left);
		ASSERT_LE(0, injected);
		if (ret) {
			ASSERT_TRUE(injected);
			ASSERT_TRUE(fi_clean_error(ret));
			failed++;
		} else {
			void *out;

			ASSERT_EQ(0, snpu_syncobj_wait(self->fd, b.syncobj,
						       SNPU_TJOB_WAIT_MS));
			ASSERT_EQ(1, snpu_syncobj_status(self->fd, b.syncobj));
			ASSERT_EQ(0, __snpu_bo_mmap(self->fd, b.out, b.out_size,
						    &out));
			b.out_map = out;
			ASSERT_EQ(0, memcmp(expect, out, 2 * self->tm.out_bytes));
		}
		snpu_job_bufs_destroy(self->fd, &b);
		ASSERT_EQ(0, snpu_wait_jobs_freed(self->minor));
		ASSERT_EQ(bos, fi_objects(self->minor, "bo_count"));
		if (!injected)
			break;
	}
	free(expect);
	TH_LOG("SUBMIT: %d allocations swept, %d failed cleanly", n - 1,
	       failed);
	ASSERT_LT(0, failed);
}

/*
 * Device probe: the driver unbound from its device and bound again with
 * the Nth allocation failing. A failed bind leaves no device node; a
 * successful one a working device.
 */
TEST_F_TIMEOUT(fault, probe, 1800)
{
	int n, injected, left, failed = 0, made = 0;
	char paths[SNPU_DEV_MAX_NODES][64];

	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, snpu_wait_jobs_freed(self->minor));
	for (n = 1;; n++) {
		int ret;

		ASSERT_EQ(0, fi_write("/sys/bus/platform/drivers/snpu/unbind",
				      "snpu-emu.0"));
		ASSERT_EQ(0, snpu_find_nodes(paths, SNPU_DEV_MAX_NODES));
		ASSERT_EQ(0, fi_arm(n));
		ret = fi_write("/sys/bus/platform/drivers/snpu/bind",
			       "snpu-emu.0");
		injected = fi_disarm(&left);
		ASSERT_LE(0, injected);
		if (ret) {
			ASSERT_TRUE(injected);
			if (!fi_clean_probe_error(ret))
				TH_LOG("round %d: bind failed with %d", n, ret);
			ASSERT_TRUE(fi_clean_probe_error(ret));
			ASSERT_EQ(0, fi_find_nodes(paths, &made));
			failed++;
			/* Bound again for the next round's unbind. */
			ASSERT_EQ(0, fi_write("/sys/bus/platform/drivers/snpu/bind",
					      "snpu-emu.0"));
		}
		ASSERT_EQ(1, fi_find_nodes(paths, &made));
		if (!injected)
			break;
	}
	TH_LOG("probe: %d allocations swept, %d failed cleanly, %d device nodes made for devtmpfs",
	       n - 1, failed, made);
	ASSERT_LT(0, failed);
	self->fd = snpu_open_first();
	ASSERT_LE(0, self->fd);
	self->minor = snpu_fd_minor(self->fd);
	ASSERT_EQ(0, __snpu_model_create(self->fd, self->tm.blob,
					 self->tm.size, &self->model, NULL));
	ASSERT_EQ(0, snpu_tmodel_check(self->fd, &self->tm, self->model, 2, 3,
				       NULL, NULL));
}

/*
 * Module load: insmod with the Nth allocation failing, over the last
 * FI_LOAD_TAIL allocations of the load (snpu's init, its probe and the
 * loader's last steps) one by one, and every FI_LOAD_STRIDE-th before.
 * A failed load leaves no module; a successful one a working device.
 */
TEST_F_TIMEOUT(fault, module_load, 3600)
{
	int n, injected = 1, left, total, failed = 0, rounds = 0, made = 0;
	char paths[SNPU_DEV_MAX_NODES][64];
	int ko = fi_ko_open();

	ASSERT_LE(0, ko);
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, snpu_module_unload());

	/* How many injection points a load passes. */
	ASSERT_EQ(0, fi_arm(1 << 30));
	ASSERT_EQ(0, fi_ko_load(ko));
	ASSERT_EQ(0, fi_disarm(&left));
	total = (1 << 30) - left;
	ASSERT_EQ(0, snpu_module_unload());
	TH_LOG("module load: %d allocations", total);

	for (n = 1; n <= total + 1;
	     n += n < total - FI_LOAD_TAIL ? FI_LOAD_STRIDE : 1) {
		int ret;

		ASSERT_EQ(0, fi_arm(n));
		ret = fi_ko_load(ko);
		injected = fi_disarm(&left);
		ASSERT_LE(0, injected);
		rounds++;
		if (ret) {
			if (!injected)
				TH_LOG("round %d of %d: load failed with %d, %d points left",
				       n, total, ret, left);
			ASSERT_TRUE(injected);
			if (!fi_clean_load_error(ret))
				TH_LOG("round %d: load failed with %d", n, ret);
			ASSERT_TRUE(fi_clean_load_error(ret));
			ASSERT_FALSE(snpu_module_loaded());
			failed++;
		} else {
			int fd;

			ASSERT_EQ(1, fi_find_nodes(paths, &made));
			fd = open(paths[0], O_RDWR | O_CLOEXEC);
			ASSERT_LE(0, fd);
			close(fd);
			ASSERT_EQ(0, snpu_module_unload());
		}
		if (!injected)
			break;
	}
	TH_LOG("module load: %d rounds, %d failed cleanly, %d device nodes made for devtmpfs",
	       rounds, failed, made);
	ASSERT_LT(0, failed);
	ASSERT_EQ(0, fi_ko_load(ko));
	close(ko);
}

TEST_HARNESS_MAIN
