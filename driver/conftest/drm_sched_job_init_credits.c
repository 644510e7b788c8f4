// SPDX-License-Identifier: GPL-2.0-only
/* drm_sched_job_init() takes the job's credits (6.8+). */
#include <drm/gpu_scheduler.h>

int snpu_conftest(struct drm_sched_job *job, struct drm_sched_entity *e);
int snpu_conftest(struct drm_sched_job *job, struct drm_sched_entity *e)
{
	return drm_sched_job_init(job, e, 1, NULL);
}
