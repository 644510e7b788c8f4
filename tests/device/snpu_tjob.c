// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Jobs of test graphs on the device; see snpu_tjob.h.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include "snpu_dev.h"
#include "snpu_ref.h"
#include "snpu_tjob.h"

int snpu_job_bufs_create(int fd, struct snpu_job_bufs *b, size_t in_size,
			 size_t out_size)
{
	int ret;

	memset(b, 0, sizeof(*b));
	b->in_size = in_size;
	b->out_size = out_size;
	ret = __snpu_bo_create(fd, in_size, 0, &b->in, NULL);
	if (!ret)
		ret = __snpu_bo_create(fd, out_size, 0, &b->out, NULL);
	if (!ret)
		ret = __snpu_bo_create(fd, 4096, 0, &b->cnt, NULL);
	if (!ret)
		ret = __snpu_bo_mmap(fd, b->in, in_size, (void **)&b->in_map);
	if (!ret)
		ret = __snpu_bo_mmap(fd, b->out, out_size, (void **)&b->out_map);
	if (!ret)
		ret = __snpu_bo_mmap(fd, b->cnt, 4096, (void **)&b->cnt_map);
	if (!ret && drmSyncobjCreate(fd, 0, &b->syncobj))
		ret = -errno;
	return ret;
}

void snpu_job_bufs_destroy(int fd, struct snpu_job_bufs *b)
{
	if (b->in_map)
		munmap(b->in_map, b->in_size);
	if (b->out_map)
		munmap(b->out_map, b->out_size);
	if (b->cnt_map)
		munmap(b->cnt_map, 4096);
	if (b->syncobj)
		drmSyncobjDestroy(fd, b->syncobj);
	snpu_gem_close(fd, b->in);
	snpu_gem_close(fd, b->out);
	snpu_gem_close(fd, b->cnt);
}

struct drm_snpu_submit snpu_job_args(uint32_t model, uint32_t batch,
				     const struct snpu_job_bufs *b)
{
	return (struct drm_snpu_submit){
		.model = model,
		.batch = batch,
		.in_handle = b->in,
		.out_handle = b->out,
		.counters_handle = b->cnt,
		.out_syncobj = b->syncobj,
	};
}

/*
 * Submit @batch random samples of @tm and check the device's output
 * equals the reference's. Returns 0, or a negative errno / -EBADMSG for a
 * mismatch (printed).
 */
int snpu_tmodel_check(int fd, const struct snpu_tmodel *tm, uint32_t model,
		      uint32_t batch, unsigned int seed,
		      struct drm_snpu_job_counters *counters,
		      struct drm_snpu_layer_counters *layers)
{
	struct snpu_job_bufs b;
	struct drm_snpu_submit args;
	int8_t *expect;
	uint32_t i;
	int ret;

	expect = malloc((size_t)batch * tm->out_bytes);
	if (!expect)
		return -ENOMEM;
	ret = snpu_job_bufs_create(fd, &b, (size_t)batch * tm->in_bytes,
				   (size_t)batch * tm->out_bytes);
	if (ret)
		goto out;

	snpu_tmodel_input(tm, b.in_map, batch, seed);
	memset(b.out_map, 0x5a, b.out_size);
	if (snpu_ref_run(&tm->pm, b.in_map, expect, batch)) {
		ret = -EINVAL;
		goto out;
	}

	args = snpu_job_args(model, batch, &b);
	if (layers)
		args.flags = DRM_SNPU_SUBMIT_LAYER_COUNTERS;
	ret = __snpu_submit(fd, &args);
	if (!ret)
		ret = snpu_syncobj_wait(fd, b.syncobj, SNPU_TJOB_WAIT_MS);
	if (!ret && snpu_syncobj_status(fd, b.syncobj) != 1)
		ret = -EIO;
	if (ret)
		goto out;

	for (i = 0; i < batch * tm->out_bytes; i++) {
		if (b.out_map[i] != expect[i]) {
			printf("# mismatch at byte %u (sample %u): device %d, reference %d (seed %u)\n",
			       i, i / tm->out_bytes, b.out_map[i], expect[i],
			       seed);
			ret = -EBADMSG;
			break;
		}
	}
	if (counters)
		*counters = *b.cnt_map;
	if (layers)
		memcpy(layers, b.cnt_map + 1,
		       tm->pm.n_layers * sizeof(*layers));
out:
	snpu_job_bufs_destroy(fd, &b);
	free(expect);
	return ret;
}
