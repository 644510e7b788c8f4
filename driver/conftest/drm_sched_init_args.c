// SPDX-License-Identifier: GPL-2.0-only
/* drm_sched_init() takes a struct drm_sched_init_args (6.15+, backports). */
#include <drm/gpu_scheduler.h>

int snpu_conftest(struct drm_gpu_scheduler *sched);
int snpu_conftest(struct drm_gpu_scheduler *sched)
{
	const struct drm_sched_init_args args = { .credit_limit = 1 };

	return drm_sched_init(sched, &args);
}
