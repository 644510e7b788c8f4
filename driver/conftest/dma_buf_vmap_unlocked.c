// SPDX-License-Identifier: GPL-2.0-only
/* dma_buf_vmap_unlocked(): dma_buf_vmap() wants the resv lock (6.2+). */
#include <linux/dma-buf.h>
#include <linux/iosys-map.h>

int snpu_conftest(struct dma_buf *dmabuf, struct iosys_map *map);
int snpu_conftest(struct dma_buf *dmabuf, struct iosys_map *map)
{
	return dma_buf_vmap_unlocked(dmabuf, map);
}
