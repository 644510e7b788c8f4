// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * snpu-ioctl-fuzz: a hostile caller of snpu.ko, run inside the VM.
 *
 * Threads share three DRM files (two on the first device, one on the
 * second) and pools of the handles those files returned, and call every
 * snpu ioctl and the DRM core ioctls the driver takes part in (GEM close,
 * PRIME, syncobj, version, caps) with random and mutated arguments:
 * handles valid, stale (already destroyed), foreign (another file's or the
 * other device's) and garbage; sizes and offsets at the edges; packed
 * models mutated byte by byte with their CRC fixed up or not; submits that
 * race with the destruction of their model and buffers; files closed and
 * reopened while other threads wait on them; child processes killed with
 * jobs in flight. The kernel is the oracle (KASAN, lockdep, UBSAN,
 * kmemleak and WARNs in dmesg, checked by tests/vm/run-vm.sh); at the end
 * the fuzzer checks that the device still computes what the reference
 * computes and that every file lets go of the module.
 *
 *   snpu-ioctl-fuzz [--seed S] [--calls N] [--seconds T] [--threads K]
 *
 * Seeded: each thread draws from its own generator seeded from S, so a
 * run with --threads 1 replays call for call; a failing multi-threaded
 * seed replays the same per-thread sequences (the interleaving is the
 * scheduler's). Prints calls per ioctl and the errors they returned.
 * Exit status 0, or 1 when the device no longer works afterwards.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "snpu_crc32.h"
#include "snpu_dev.h"
#include "snpu_model.h"
#include "snpu_tjob.h"
#include "snpu_tmodel.h"

#define FZ_FILES	3	/* 0 and 1 on device 0, 2 on device 1 */
#define FZ_SLOTS	64	/* handles remembered per kind and file */
#define FZ_MODELS	3	/* base models the mutations start from */
#define FZ_MAX_BO	(4u << 20)

enum fz_kind { FZ_BO, FZ_MODEL, FZ_SYNC, FZ_KINDS };

/* What an op is counted as; fz_op_names[] in the same order. */
enum fz_op {
	FZ_GET_PARAM, FZ_BO_CREATE, FZ_BO_MMAP, FZ_BO_INFO, FZ_GEM_CLOSE,
	FZ_MODEL_CREATE, FZ_MODEL_DESTROY, FZ_SUBMIT, FZ_SYNCOBJ_CREATE,
	FZ_SYNCOBJ_DESTROY, FZ_SYNCOBJ_WAIT, FZ_SYNCOBJ_SIGNAL,
	FZ_SYNCOBJ_FD, FZ_PRIME, FZ_FLINK, FZ_VERSION, FZ_RAW, FZ_REOPEN,
	FZ_CHILD, FZ_OPS
};

static const char *const fz_op_names[FZ_OPS] = {
	"GET_PARAM", "BO_CREATE", "BO_MMAP_OFFSET+mmap", "BO_INFO",
	"GEM_CLOSE", "MODEL_CREATE", "MODEL_DESTROY", "SUBMIT",
	"SYNCOBJ_CREATE", "SYNCOBJ_DESTROY", "SYNCOBJ_WAIT",
	"SYNCOBJ_RESET/SIGNAL", "SYNCOBJ_HANDLE_TO_FD/FD_TO_HANDLE",
	"PRIME_HANDLE_TO_FD/FD_TO_HANDLE", "GEM_FLINK/GEM_OPEN",
	"VERSION/GET_CAP", "raw ioctl", "close+reopen", "child killed",
};

/* Weights of the ops, out of their sum. */
static const unsigned int fz_op_weight[FZ_OPS] = {
	[FZ_GET_PARAM] = 6, [FZ_BO_CREATE] = 10, [FZ_BO_MMAP] = 5,
	[FZ_BO_INFO] = 6, [FZ_GEM_CLOSE] = 6, [FZ_MODEL_CREATE] = 10,
	[FZ_MODEL_DESTROY] = 5, [FZ_SUBMIT] = 16, [FZ_SYNCOBJ_CREATE] = 5,
	[FZ_SYNCOBJ_DESTROY] = 3, [FZ_SYNCOBJ_WAIT] = 3,
	[FZ_SYNCOBJ_SIGNAL] = 3, [FZ_SYNCOBJ_FD] = 3, [FZ_PRIME] = 4,
	[FZ_FLINK] = 1, [FZ_VERSION] = 2, [FZ_RAW] = 8,
};

/* Rare ops: one in this many calls. */
#define FZ_REOPEN_EVERY	4000
#define FZ_CHILD_EVERY	20000

/* A handle pool: slots written by whoever got a handle, read by anyone. */
struct fz_pool {
	_Atomic uint32_t h[FZ_SLOTS];
	/* BO: size. Model: input bytes << 32 | output bytes. */
	_Atomic uint64_t info[FZ_SLOTS];
};

struct fz_file {
	_Atomic int fd;
	const char *node;
	struct fz_pool pool[FZ_KINDS];
};

struct fz_thread {
	pthread_t tid;
	uint64_t rng;
	uint64_t calls;
	uint64_t ops[FZ_OPS];
	uint64_t ok[FZ_OPS];
	uint64_t err[FZ_OPS][134];
	uint8_t *buf;		/* mutated models */
	size_t buf_size;
};

static struct fz_file fz_files[FZ_FILES];
static char fz_nodes[2][64];
static struct snpu_tmodel fz_tm[FZ_MODELS];
static _Atomic uint64_t fz_calls_left;
static struct timespec fz_deadline;

/* ---- randomness ----------------------------------------------------- */

static uint64_t fz_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t fz_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(fz_next(s) % n);
}

static bool fz_chance(uint64_t *s, uint32_t one_in)
{
	return fz_below(s, one_in) == 0;
}

/* Sizes and offsets: mostly plausible, sometimes at or past the edges. */
static uint64_t fz_size(uint64_t *s)
{
	switch (fz_below(s, 12)) {
	case 0:
		return 0;
	case 1:
		return fz_next(s);
	case 2:
		return 1ull << fz_below(s, 64);
	case 3:
		return (1ull << fz_below(s, 64)) - 1;
	case 4:
		return (uint64_t)fz_below(s, 1024) * 4096;
	case 5:
		return FZ_MAX_BO - fz_below(s, 8);
	default:
		return 1 + fz_below(s, 65536);
	}
}

/* A u32 field: a small value, an edge, or anything. */
static uint32_t fz_u32(uint64_t *s)
{
	static const uint32_t edge[] = { 0, 1, 2, 0x7fffffff, 0x80000000,
					 0xfffffffe, 0xffffffff };

	switch (fz_below(s, 4)) {
	case 0:
		return edge[fz_below(s, sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return (uint32_t)fz_next(s);
	default:
		return fz_below(s, 16);
	}
}

/* ---- files and handles ---------------------------------------------- */

static int fz_fd(uint64_t *s)
{
	return atomic_load_explicit(&fz_files[fz_below(s, FZ_FILES)].fd,
				    memory_order_relaxed);
}

static int fz_file_fd(int f)
{
	return atomic_load_explicit(&fz_files[f].fd, memory_order_relaxed);
}

static void fz_remember(int f, enum fz_kind k, uint32_t h, uint64_t info)
{
	struct fz_pool *p = &fz_files[f].pool[k];
	uint32_t slot = h % FZ_SLOTS;

	/* Overwriting an older handle leaks it until its file is closed. */
	atomic_store_explicit(&p->info[slot], info, memory_order_relaxed);
	atomic_store_explicit(&p->h[slot], h, memory_order_relaxed);
}

/*
 * A handle for file @f: mostly one the file got (maybe destroyed since),
 * sometimes another file's, zero, or garbage. @info gets what was
 * remembered with it (0 for the others).
 */
static uint32_t fz_handle(uint64_t *s, int f, enum fz_kind k, uint64_t *info)
{
	uint32_t r = fz_below(s, 16), slot = fz_below(s, FZ_SLOTS);
	struct fz_pool *p;
	uint64_t dummy;

	info = info ? info : &dummy;
	*info = 0;
	if (r < 11) {
		p = &fz_files[f].pool[k];
	} else if (r < 13) {
		p = &fz_files[fz_below(s, FZ_FILES)].pool[k];
	} else if (r == 13) {
		return 0;
	} else if (r == 14) {
		return 1 + fz_below(s, 256);
	} else {
		return (uint32_t)fz_next(s);
	}
	*info = atomic_load_explicit(&p->info[slot], memory_order_relaxed);
	return atomic_load_explicit(&p->h[slot], memory_order_relaxed);
}

static int fz_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* ---- the ops ------------------------------------------------------- */

static int fz_get_param(uint64_t *s, int f)
{
	struct drm_snpu_get_param a = {
		.param = fz_chance(s, 4) ? fz_u32(s) : fz_below(s, 20),
		.index = fz_chance(s, 2) ? 0 : fz_u32(s),
	};

	return fz_ioctl(fz_file_fd(f), DRM_IOCTL_SNPU_GET_PARAM, &a);
}

static int fz_bo_create(uint64_t *s, int f)
{
	struct drm_snpu_bo_create a = {
		.size = fz_size(s),
		.flags = fz_chance(s, 4) ? fz_u32(s) : fz_below(s, 2),
	};
	struct drm_gem_close c = { 0 };
	int fd = fz_file_fd(f);
	int ret = fz_ioctl(fd, DRM_IOCTL_SNPU_BO_CREATE, &a);

	if (ret)
		return ret;
	/*
	 * Big ones are created and dropped: kept and used by jobs, which pin
	 * every page, they would fill the guest's memory legitimately.
	 */
	if (a.size > FZ_MAX_BO) {
		c.handle = a.handle;
		return fz_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
	}
	fz_remember(f, FZ_BO, a.handle, a.size);
	return 0;
}

/* Read or write a mapping through the kernel: a fault is an error, not a
 * signal (the BO may be smaller than we think, or gone). */
static void fz_touch(uint64_t *s, void *map, size_t len)
{
	char tmp[256];
	struct iovec local = { tmp, sizeof(tmp) };
	struct iovec remote;
	size_t off = len > sizeof(tmp) ? fz_below(s, len - sizeof(tmp)) : 0;

	remote.iov_base = (char *)map + off;
	remote.iov_len = len < sizeof(tmp) ? len : sizeof(tmp);
	local.iov_len = remote.iov_len;
	memset(tmp, (int)fz_next(s), sizeof(tmp));
	if (fz_chance(s, 2))
		process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	else
		process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
}

static int fz_bo_mmap(uint64_t *s, int f)
{
	uint64_t size;
	struct drm_snpu_bo_mmap_offset a = {
		.handle = fz_handle(s, f, FZ_BO, &size),
		.pad = fz_chance(s, 8) ? fz_u32(s) : 0,
	};
	int fd = fz_file_fd(f);
	size_t len;
	void *map;
	int ret;

	ret = fz_ioctl(fd, DRM_IOCTL_SNPU_BO_MMAP_OFFSET, &a);
	if (ret)
		return ret;
	len = size && size <= FZ_MAX_BO && !fz_chance(s, 8) ? size :
	      4096 * (1 + fz_below(s, 4));
	if (fz_chance(s, 8))
		a.offset += 4096 * fz_below(s, 4);
	/* Sometimes through another file: the offset is per file. */
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fz_chance(s, 8) ? fz_fd(s) : fd, (off_t)a.offset);
	if (map == MAP_FAILED)
		return -errno;
	fz_touch(s, map, len);
	munmap(map, len);
	return 0;
}

static int fz_bo_info(uint64_t *s, int f)
{
	struct drm_snpu_bo_info a = { .handle = fz_handle(s, f, FZ_BO, NULL) };

	if (fz_chance(s, 8))
		a.flags = fz_u32(s);
	return fz_ioctl(fz_file_fd(f), DRM_IOCTL_SNPU_BO_INFO, &a);
}

static int fz_gem_close(uint64_t *s, int f)
{
	struct drm_gem_close a = { .handle = fz_handle(s, f, FZ_BO, NULL) };

	if (fz_chance(s, 8))
		a.pad = fz_u32(s);
	return fz_ioctl(fz_file_fd(f), DRM_IOCTL_GEM_CLOSE, &a);
}

/* A copy of a base model with 0 to 8 mutations; returns its size. */
static size_t fz_mutate(uint64_t *s, struct fz_thread *t)
{
	const struct snpu_tmodel *tm = &fz_tm[fz_below(s, FZ_MODELS)];
	size_t size = tm->size, i, n, grow;
	uint32_t v;

	memcpy(t->buf, tm->blob, size);
	if (fz_chance(s, 4))
		return size;	/* valid: its handle feeds the submits */
	n = 1 + fz_below(s, 8);
	for (i = 0; i < n; i++) {
		size_t at = fz_below(s, (uint32_t)size);

		switch (fz_below(s, 6)) {
		case 0:
			t->buf[at] ^= (uint8_t)(1u << fz_below(s, 8));
			break;
		case 1:
			t->buf[at] = (uint8_t)fz_u32(s);
			break;
		case 2:		/* a field: offsets, counts, dimensions */
			at &= ~(size_t)3;
			if (at + 4 <= size) {
				v = fz_u32(s);
				memcpy(t->buf + at, &v, 4);
			}
			break;
		case 3:
			size = at > 16 ? at : size;
			break;
		case 4:
			grow = fz_below(s, 256);
			if (size + grow <= t->buf_size) {
				memset(t->buf + size, (int)fz_next(s), grow);
				size += grow;
			}
			break;
		default:	/* the bytes the header's CRC does not cover */
			t->buf[fz_below(s, SNPU_MODEL_CRC_START)] ^= 1;
			break;
		}
	}
	/* Fix up size and CRC, so the mutation reaches the parser's depth. */
	if (!fz_chance(s, 8) && size >= sizeof(struct snpu_model_header)) {
		v = (uint32_t)size;
		memcpy(t->buf + offsetof(struct snpu_model_header, size), &v, 4);
		v = snpu_crc32(0, t->buf + SNPU_MODEL_CRC_START,
			       size - SNPU_MODEL_CRC_START);
		memcpy(t->buf + offsetof(struct snpu_model_header, crc32),
		       &v, 4);
	}
	return size;
}

static int fz_model_create(uint64_t *s, struct fz_thread *t, int f)
{
	struct drm_snpu_model_create a = { 0 };
	int fd = fz_file_fd(f), ret;

	a.size = (uint32_t)fz_mutate(s, t);
	a.data = (uintptr_t)t->buf;
	switch (fz_below(s, 16)) {
	case 0:
		a.size = fz_u32(s);
		break;
	case 1:
		a.data = fz_next(s);
		break;
	case 2:
		a.data = 0;
		break;
	case 3:
		a.flags = fz_u32(s);
		break;
	case 4:
		a.handle = fz_u32(s);
		a.status = fz_u32(s);
		break;
	}
	ret = fz_ioctl(fd, DRM_IOCTL_SNPU_MODEL_CREATE, &a);
	if (!ret)
		fz_remember(f, FZ_MODEL, a.handle,
			    (uint64_t)a.input_bytes << 32 | a.output_bytes);
	return ret;
}

static int fz_model_destroy(uint64_t *s, int f)
{
	struct drm_snpu_model_destroy a = {
		.handle = fz_handle(s, f, FZ_MODEL, NULL),
		.pad = fz_chance(s, 8) ? fz_u32(s) : 0,
	};

	return fz_ioctl(fz_file_fd(f), DRM_IOCTL_SNPU_MODEL_DESTROY, &a);
}

static int fz_syncobj_create(uint64_t *s, int f)
{
	struct drm_syncobj_create a = {
		.flags = fz_chance(s, 2) ? DRM_SYNCOBJ_CREATE_SIGNALED :
			 fz_chance(s, 4) ? fz_u32(s) : 0,
	};
	int ret = fz_ioctl(fz_file_fd(f), DRM_IOCTL_SYNCOBJ_CREATE, &a);

	if (!ret)
		fz_remember(f, FZ_SYNC, a.handle, 0);
	return ret;
}

/*
 * A submit: half of them well formed (a live model, buffers that fit,
 * syncobjs), racing with whoever destroys what they use; the others with
 * any field off.
 */
static int fz_submit(uint64_t *s, int f)
{
	struct drm_snpu_submit a = { 0 };
	uint64_t model_info, in_size, out_size, cnt_size, need;
	uint32_t in_bytes, out_bytes;
	int fd = fz_file_fd(f);

	a.model = fz_handle(s, f, FZ_MODEL, &model_info);
	in_bytes = (uint32_t)(model_info >> 32);
	out_bytes = (uint32_t)model_info;
	a.batch = fz_chance(s, 8) ? fz_u32(s) : 1 + fz_below(s, 4);
	a.in_handle = fz_handle(s, f, FZ_BO, &in_size);
	a.out_handle = fz_handle(s, f, FZ_BO, &out_size);
	if (fz_chance(s, 2))
		a.counters_handle = fz_handle(s, f, FZ_BO, &cnt_size);
	if (fz_chance(s, 3))
		a.flags = DRM_SNPU_SUBMIT_LAYER_COUNTERS;
	if (fz_chance(s, 2))
		a.out_syncobj = fz_handle(s, f, FZ_SYNC, NULL);
	if (fz_chance(s, 4))
		a.in_syncobj = fz_handle(s, f, FZ_SYNC, NULL);

	if (fz_chance(s, 2)) {
		/* Well formed, if the pools had the pieces. */
		need = (uint64_t)a.batch * in_bytes;
		a.in_offset = need < in_size ? fz_below(s, 2) * 64 : 0;
		need = (uint64_t)a.batch * out_bytes;
		a.out_offset = need < out_size ? fz_below(s, 2) * 64 : 0;
		if (a.in_handle == a.out_handle)
			a.out_offset = a.in_offset + (uint64_t)a.batch * in_bytes;
		return fz_ioctl(fd, DRM_IOCTL_SNPU_SUBMIT, &a);
	}
	switch (fz_below(s, 8)) {
	case 0:
		a.in_offset = fz_size(s);
		break;
	case 1:
		a.out_offset = fz_size(s);
		break;
	case 2:
		a.counters_offset = fz_size(s);
		break;
	case 3:
		a.flags = fz_u32(s);
		break;
	case 4:
		a.model = fz_u32(s);
		break;
	case 5:
		a.out_handle = a.in_handle;
		break;
	case 6:
		a.counters_handle = a.out_handle;
		break;
	default:
		a.in_syncobj = fz_u32(s);
		a.out_syncobj = fz_u32(s);
		break;
	}
	return fz_ioctl(fd, DRM_IOCTL_SNPU_SUBMIT, &a);
}

static int fz_syncobj_destroy(uint64_t *s, int f)
{
	struct drm_syncobj_destroy a = {
		.handle = fz_handle(s, f, FZ_SYNC, NULL),
		.pad = fz_chance(s, 8) ? fz_u32(s) : 0,
	};

	return fz_ioctl(fz_file_fd(f), DRM_IOCTL_SYNCOBJ_DESTROY, &a);
}

static int fz_syncobj_wait(uint64_t *s, int f)
{
	uint32_t h[4];
	struct timespec now;
	struct drm_syncobj_wait a = { 0 };
	uint32_t i, n = 1 + fz_below(s, 4);

	for (i = 0; i < n; i++)
		h[i] = fz_handle(s, f, FZ_SYNC, NULL);
	clock_gettime(CLOCK_MONOTONIC, &now);
	a.handles = (uintptr_t)h;
	/*
	 * Counts past the array, but bounded: 6.1's DRM core kmalloc()s
	 * count_handles pointers without __GFP_NOWARN, so a huge count WARNs
	 * in the core (not the driver's to fix).
	 */
	a.count_handles = fz_chance(s, 16) ? fz_below(s, 64) : n;
	a.timeout_nsec = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec +
			 fz_below(s, 20) * 1000000;
	a.flags = fz_below(s, 4);	/* WAIT_ALL, WAIT_FOR_SUBMIT */
	if (fz_chance(s, 16))
		a.flags = fz_u32(s);
	return fz_ioctl(fz_file_fd(f), DRM_IOCTL_SYNCOBJ_WAIT, &a);
}

static int fz_syncobj_signal(uint64_t *s, int f)
{
	uint32_t h[2] = { fz_handle(s, f, FZ_SYNC, NULL),
			  fz_handle(s, f, FZ_SYNC, NULL) };
	struct drm_syncobj_array a = {
		.handles = (uintptr_t)h,
		.count_handles = fz_chance(s, 16) ? fz_below(s, 64) :
				 1 + fz_below(s, 2),
	};

	return fz_ioctl(fz_file_fd(f), fz_chance(s, 2) ?
			DRM_IOCTL_SYNCOBJ_RESET : DRM_IOCTL_SYNCOBJ_SIGNAL, &a);
}

/* Export a syncobj (or its fence as a sync_file) and import it anywhere. */
static int fz_syncobj_fd(uint64_t *s, int f)
{
	struct drm_syncobj_handle a = {
		.handle = fz_handle(s, f, FZ_SYNC, NULL),
		.flags = fz_chance(s, 2) ?
			 DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE : 0,
	};
	struct drm_syncobj_handle b = { 0 };
	int g = fz_below(s, FZ_FILES), ret;

	ret = fz_ioctl(fz_file_fd(f), DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &a);
	if (ret)
		return ret;
	b.fd = a.fd;
	if (a.flags) {
		b.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE;
		b.handle = fz_handle(s, g, FZ_SYNC, NULL);
	}
	ret = fz_ioctl(fz_file_fd(g), DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &b);
	if (!ret && !a.flags)
		fz_remember(g, FZ_SYNC, b.handle, 0);
	close(a.fd);
	return ret;
}

/* Export a BO as a dma-buf, use it, import it into any file. */
static int fz_prime(uint64_t *s, int f)
{
	uint64_t size;
	struct drm_prime_handle a = {
		.handle = fz_handle(s, f, FZ_BO, &size),
		.flags = fz_chance(s, 8) ? fz_u32(s) : DRM_CLOEXEC | DRM_RDWR,
	};
	struct drm_prime_handle b = { 0 };
	struct dma_buf_sync sync;
	int g = fz_below(s, FZ_FILES), ret;
	void *map;

	ret = fz_ioctl(fz_file_fd(f), DRM_IOCTL_PRIME_HANDLE_TO_FD, &a);
	if (ret)
		return ret;
	if (fz_chance(s, 4) && size && size <= FZ_MAX_BO) {
		map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   a.fd, 0);
		if (map != MAP_FAILED) {
			sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW;
			ioctl(a.fd, DMA_BUF_IOCTL_SYNC, &sync);
			fz_touch(s, map, size);
			sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
			ioctl(a.fd, DMA_BUF_IOCTL_SYNC, &sync);
			munmap(map, size);
		}
	}
	b.fd = fz_chance(s, 16) ? (int)fz_u32(s) : a.fd;
	ret = fz_ioctl(fz_file_fd(g), DRM_IOCTL_PRIME_FD_TO_HANDLE, &b);
	if (!ret)
		fz_remember(g, FZ_BO, b.handle, size);
	close(a.fd);
	return ret;
}

/* Render nodes refuse global names: both must fail. */
static int fz_flink(uint64_t *s, int f)
{
	struct drm_gem_flink a = { .handle = fz_handle(s, f, FZ_BO, NULL) };
	struct drm_gem_open b = { .name = fz_u32(s) };
	int fd = fz_file_fd(f), ret;

	ret = fz_ioctl(fd, DRM_IOCTL_GEM_FLINK, &a);
	if (!ret)
		return ret;
	return fz_ioctl(fd, DRM_IOCTL_GEM_OPEN, &b);
}

static int fz_version(uint64_t *s, int f)
{
	char name[64], date[64], desc[64];
	struct drm_version v = {
		.name_len = fz_below(s, sizeof(name) + 1),
		.name = name,
		.date_len = fz_below(s, sizeof(date) + 1),
		.date = date,
		.desc_len = fz_below(s, sizeof(desc) + 1),
		.desc = desc,
	};
	struct drm_get_cap cap = { .capability = fz_below(s, 0x20) };
	int fd = fz_file_fd(f);

	if (fz_chance(s, 2))
		return fz_ioctl(fd, DRM_IOCTL_GET_CAP, &cap);
	return fz_ioctl(fd, DRM_IOCTL_VERSION, &v);
}

/*
 * Any driver ioctl number, any direction and size, on random bytes:
 * what the DRM core's copy-in/copy-out makes of arguments shorter and
 * longer than the driver's structs. Of the core ioctls only those that
 * neither block, nor create file descriptors, nor allocate what a random
 * count asks for (fz_syncobj_wait()): VERSION, GEM_CLOSE, GET_CAP,
 * SYNCOBJ_CREATE, SYNCOBJ_DESTROY.
 */
static int fz_raw(uint64_t *s, int f)
{
	static const uint8_t core[] = { 0x00, 0x09, 0x0c, 0xbf, 0xc0 };
	uint64_t arg[32];
	uint32_t nr = DRM_COMMAND_BASE + fz_below(s, 10), i;
	uint32_t size = fz_chance(s, 2) ? 8 * fz_below(s, 10) :
			fz_below(s, sizeof(arg) + 1);
	unsigned long req;

	for (i = 0; i < 32; i++)
		arg[i] = fz_chance(s, 2) ? fz_below(s, 64) : fz_next(s);
	if (fz_chance(s, 8))
		nr = core[fz_below(s, sizeof(core))];
	switch (fz_below(s, 4)) {
	case 0:
		req = _IOC(_IOC_NONE, DRM_IOCTL_BASE, nr, size);
		break;
	case 1:
		req = _IOC(_IOC_READ, DRM_IOCTL_BASE, nr, size);
		break;
	case 2:
		req = _IOC(_IOC_WRITE, DRM_IOCTL_BASE, nr, size);
		break;
	default:
		req = _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE, nr, size);
		break;
	}
	return fz_ioctl(fz_file_fd(f), req, arg);
}

static int fz_open_node(int f)
{
	return open(fz_files[f].node, O_RDWR | O_CLOEXEC);
}

/* Close a file while other threads use it, and open it again. */
static int fz_reopen(int f)
{
	int old = atomic_exchange(&fz_files[f].fd, -1);
	int fd;

	if (old >= 0)
		close(old);
	fd = fz_open_node(f);
	if (fd < 0)
		return -errno;
	atomic_store(&fz_files[f].fd, fd);
	return 0;
}

/*
 * A child that opens its own file, queues jobs and is killed with them in
 * flight (or exits without cleaning up): the driver must free everything.
 */
static int fz_child(uint64_t *s)
{
	const struct snpu_tmodel *tm = &fz_tm[0];
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		struct snpu_job_bufs b;
		struct drm_snpu_submit a;
		uint32_t model;
		int fd, i;

		fd = open(fz_nodes[0], O_RDWR | O_CLOEXEC);
		if (fd < 0 || __snpu_model_create(fd, tm->blob, tm->size,
						  &model, NULL) ||
		    snpu_job_bufs_create(fd, &b, 4 * tm->in_bytes,
					 4 * tm->out_bytes))
			_exit(1);
		a = snpu_job_args(model, 4, &b);
		for (i = 0; i < 8; i++)
			__snpu_submit(fd, &a);
		_exit(0);
	}
	if (fz_chance(s, 2)) {
		usleep(fz_below(s, 2000));
		kill(pid, SIGKILL);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) ? -EIO : 0;
}

/* ---- driver ------------------------------------------------------- */

static bool fz_expired(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > fz_deadline.tv_sec ||
	       (now.tv_sec == fz_deadline.tv_sec &&
		now.tv_nsec >= fz_deadline.tv_nsec);
}

static enum fz_op fz_pick(uint64_t *s)
{
	uint32_t total = 0, r, i;

	if (fz_chance(s, FZ_REOPEN_EVERY))
		return FZ_REOPEN;
	if (fz_chance(s, FZ_CHILD_EVERY))
		return FZ_CHILD;
	for (i = 0; i < FZ_OPS; i++)
		total += fz_op_weight[i];
	r = fz_below(s, total);
	for (i = 0; r >= fz_op_weight[i]; i++)
		r -= fz_op_weight[i];
	return (enum fz_op)i;
}

static void *fz_thread_main(void *arg)
{
	struct fz_thread *t = arg;
	uint64_t *s = &t->rng;

	for (;;) {
		uint64_t left = atomic_load(&fz_calls_left);
		enum fz_op op;
		int f, ret;

		if (!left || (t->calls % 256 == 0 && fz_expired()))
			break;
		if (!atomic_compare_exchange_weak(&fz_calls_left, &left,
						  left - 1))
			continue;
		op = fz_pick(s);
		f = fz_below(s, FZ_FILES);
		switch (op) {
		case FZ_GET_PARAM: ret = fz_get_param(s, f); break;
		case FZ_BO_CREATE: ret = fz_bo_create(s, f); break;
		case FZ_BO_MMAP: ret = fz_bo_mmap(s, f); break;
		case FZ_BO_INFO: ret = fz_bo_info(s, f); break;
		case FZ_GEM_CLOSE: ret = fz_gem_close(s, f); break;
		case FZ_MODEL_CREATE: ret = fz_model_create(s, t, f); break;
		case FZ_MODEL_DESTROY: ret = fz_model_destroy(s, f); break;
		case FZ_SUBMIT: ret = fz_submit(s, f); break;
		case FZ_SYNCOBJ_CREATE: ret = fz_syncobj_create(s, f); break;
		case FZ_SYNCOBJ_DESTROY: ret = fz_syncobj_destroy(s, f); break;
		case FZ_SYNCOBJ_WAIT: ret = fz_syncobj_wait(s, f); break;
		case FZ_SYNCOBJ_SIGNAL: ret = fz_syncobj_signal(s, f); break;
		case FZ_SYNCOBJ_FD: ret = fz_syncobj_fd(s, f); break;
		case FZ_PRIME: ret = fz_prime(s, f); break;
		case FZ_FLINK: ret = fz_flink(s, f); break;
		case FZ_VERSION: ret = fz_version(s, f); break;
		case FZ_RAW: ret = fz_raw(s, f); break;
		case FZ_REOPEN: ret = fz_reopen(f); break;
		default: ret = fz_child(s); break;
		}
		t->calls++;
		t->ops[op]++;
		if (!ret)
			t->ok[op]++;
		else if (-ret < 134)
			t->err[op][-ret]++;
	}
	return NULL;
}

/* After the storm: every model still computes what the reference does. */
static int fz_health(void)
{
	int fd, i, ret = 0;

	fd = open(fz_nodes[0], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("# health: cannot open %s: %s\n", fz_nodes[0],
		       strerror(errno));
		return -1;
	}
	for (i = 0; i < FZ_MODELS && !ret; i++) {
		uint32_t model;

		ret = __snpu_model_create(fd, fz_tm[i].blob, fz_tm[i].size,
					  &model, NULL);
		if (!ret)
			ret = snpu_tmodel_check(fd, &fz_tm[i], model, 2, 7 + i,
						NULL, NULL);
		if (ret)
			printf("# health: model %d: %s\n", i, strerror(-ret));
	}
	close(fd);
	return ret;
}

static void fz_report(struct fz_thread *th, int n, double secs)
{
	uint64_t calls = 0, ops, ok;
	int i, op, e;

	for (i = 0; i < n; i++)
		calls += th[i].calls;
	printf("# %llu calls in %.1f s (%.0f/s), %d threads\n",
	       (unsigned long long)calls, secs, calls / (secs > 0 ? secs : 1),
	       n);
	for (op = 0; op < FZ_OPS; op++) {
		char errs[512] = "";
		size_t len = 0;

		ops = ok = 0;
		for (i = 0; i < n; i++) {
			ops += th[i].ops[op];
			ok += th[i].ok[op];
		}
		for (e = 1; e < 134; e++) {
			uint64_t c = 0;

			for (i = 0; i < n; i++)
				c += th[i].err[op][e];
			if (c && len < sizeof(errs) - 32)
				len += snprintf(errs + len, sizeof(errs) - len,
						" %s:%llu", strerrorname_np(e) ?
						strerrorname_np(e) : "?",
						(unsigned long long)c);
		}
		printf("#   %-36s %9llu ok %9llu%s\n", fz_op_names[op],
		       (unsigned long long)ops, (unsigned long long)ok, errs);
	}
}

static void fz_usage(FILE *f)
{
	fprintf(f,
		"usage: snpu-ioctl-fuzz [--seed S] [--calls N] [--seconds T] [--threads K]\n"
		"  --seed S     start of every thread's generator (default: the clock)\n"
		"  --calls N    stop after N calls in all (default 100000)\n"
		"  --seconds T  stop after T seconds (default 600)\n"
		"  --threads K  racing threads, 1 to 16 (default 4); 1 replays exactly\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "calls", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 't' },
		{ "threads", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const struct { enum snpu_tmodel_kind kind; uint32_t enc, var; }
	base[FZ_MODELS] = {
		{ SNPU_TMODEL_MLP, SNPU_ENC_CSR, 0 },
		{ SNPU_TMODEL_CNN, SNPU_ENC_NM, SNPU_NM_2_4 },
		{ SNPU_TMODEL_RESIDUAL, SNPU_ENC_BLOCK, SNPU_BLOCK_1X4 },
	};
	uint64_t seed = (uint64_t)time(NULL), calls = 100000;
	unsigned long seconds = 600, threads = 4;
	struct timespec t0, t1;
	struct fz_thread *th;
	char *end;
	int c, i, f, ret = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			seed = strtoull(optarg, &end, 0);
			break;
		case 'n':
			calls = strtoull(optarg, &end, 0);
			break;
		case 't':
			seconds = strtoul(optarg, &end, 0);
			break;
		case 'j':
			threads = strtoul(optarg, &end, 0);
			break;
		case 'h':
			fz_usage(stdout);
			return 0;
		default:
			fz_usage(stderr);
			return 2;
		}
		if (*end || !*optarg) {
			fprintf(stderr, "snpu-ioctl-fuzz: bad number '%s'\n",
				optarg);
			return 2;
		}
	}
	if (optind != argc || threads < 1 || threads > 16) {
		fz_usage(stderr);
		return 2;
	}

	if (!snpu_module_loaded() && (ret = snpu_module_load("emulate=2"))) {
		fprintf(stderr, "snpu-ioctl-fuzz: loading %s: %s\n",
			snpu_ko_path(), strerror(-ret));
		return 1;
	}
	if (snpu_find_nodes(fz_nodes, 2) != 2) {
		fprintf(stderr, "snpu-ioctl-fuzz: needs two snpu devices (emulate=2)\n");
		return 1;
	}
	for (i = 0; i < FZ_MODELS; i++) {
		if (snpu_tmodel_build(&fz_tm[i], base[i].kind, base[i].enc,
				      base[i].var, 11 + i)) {
			fprintf(stderr, "snpu-ioctl-fuzz: building model %d\n", i);
			return 1;
		}
	}
	for (f = 0; f < FZ_FILES; f++) {
		fz_files[f].node = fz_nodes[f < 2 ? 0 : 1];
		atomic_init(&fz_files[f].fd, fz_open_node(f));
		if (fz_file_fd(f) < 0) {
			perror(fz_files[f].node);
			return 1;
		}
	}
	signal(SIGPIPE, SIG_IGN);

	printf("# snpu-ioctl-fuzz --seed %llu --calls %llu --threads %lu (replay with these)\n",
	       (unsigned long long)seed, (unsigned long long)calls, threads);
	fflush(stdout);
	th = calloc(threads, sizeof(*th));
	if (!th)
		return 1;
	atomic_init(&fz_calls_left, calls);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fz_deadline = t0;
	fz_deadline.tv_sec += (time_t)seconds;
	for (i = 0; i < (int)threads; i++) {
		th[i].rng = seed * 0x100000001b3ull + (uint64_t)i;
		th[i].buf_size = 0;
		for (c = 0; c < FZ_MODELS; c++)
			if (fz_tm[c].size > th[i].buf_size)
				th[i].buf_size = fz_tm[c].size;
		th[i].buf_size += 256;
		th[i].buf = malloc(th[i].buf_size);
		if (!th[i].buf ||
		    pthread_create(&th[i].tid, NULL, fz_thread_main, &th[i])) {
			fprintf(stderr, "snpu-ioctl-fuzz: starting threads\n");
			return 1;
		}
	}
	for (i = 0; i < (int)threads; i++)
		pthread_join(th[i].tid, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fz_report(th, (int)threads, (double)(t1.tv_sec - t0.tv_sec) +
		  (t1.tv_nsec - t0.tv_nsec) / 1e9);

	for (f = 0; f < FZ_FILES; f++)
		close(fz_file_fd(f));
	if (fz_health()) {
		printf("not ok 1 the device works after fuzzing\n");
		ret = 1;
	} else {
		printf("ok 1 the device works after fuzzing\n");
	}
	for (i = 0; i < (int)threads; i++)
		free(th[i].buf);
	free(th);
	for (i = 0; i < FZ_MODELS; i++)
		snpu_tmodel_free(&fz_tm[i]);
	return ret;
}
