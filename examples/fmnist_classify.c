// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Classify Fashion-MNIST test images on an snpu device through libaccel.
 *   fmnist_classify MODEL.snpu [DATASET_DIR] [COUNT]
 * MODEL comes from `snpu prune` (input: a 28x28 image as int8 pixel - 128;
 * output: 10 class scores). Prints the first predictions and the accuracy.
 * Copyright (c) 2026 The snpu authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "accel.h"

static const char *const classes[10] = { "T-shirt/top", "Trouser",
	"Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
	"Ankle boot" };

/* An idx file's payload (after a @hdr-byte header): *n items of @item bytes. */
static unsigned char *read_idx(const char *dir, const char *name, int hdr,
			       size_t item, size_t *n)
{
	unsigned char h[16], *data = NULL;
	char path[512];
	gzFile f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = gzopen(path, "rb");
	if (f && gzread(f, h, hdr) == hdr) {
		*n = (size_t)h[4] << 24 | h[5] << 16 | h[6] << 8 | h[7];
		data = malloc(*n * item);
		if (data && gzread(f, data, *n * item) != (int)(*n * item))
			free(data), data = NULL;
	}
	if (f)
		gzclose(f);
	if (!data)
		fprintf(stderr, "fmnist_classify: cannot read %s\n", path);
	return data;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 2 ? argv[2] : "/usr/share/datasets/fashion-mnist";
	struct accel_caps caps = { .size = sizeof(caps) };
	size_t n, nl, want = argc > 3 ? strtoul(argv[3], NULL, 10) : 10000;
	unsigned char *img, *lab;
	accel_buffer *in = NULL, *out = NULL;
	accel_device *dev = NULL;
	accel_model *model = NULL;
	signed char *x, *y;
	size_t done, hits = 0;
	int ret;

	if (argc < 2)
		return fprintf(stderr, "usage: %s MODEL.snpu [DIR] [COUNT]\n", argv[0]), 2;
	img = read_idx(dir, "t10k-images-idx3-ubyte.gz", 16, 784, &n);
	lab = read_idx(dir, "t10k-labels-idx1-ubyte.gz", 8, 1, &nl);
	if (!img || !lab || n != nl)
		return 1;
	n = want < n ? want : n;
	ret = accel_device_open_index(0, &dev);
	if (!ret && !(ret = accel_device_query(dev, &caps)))
		ret = accel_model_load_file(dev, argv[1], &model);
	if (!ret && (accel_model_input_bytes(model) != 784 ||
		     accel_model_output_bytes(model) != 10))
		ret = ACCEL_E_MODEL_BASE;
	if (!ret && !(ret = accel_buffer_new(dev, caps.max_batch * 784, 0, &in)) &&
	    !(ret = accel_buffer_new(dev, caps.max_batch * 10, 0, &out)) &&
	    !(ret = accel_buffer_map(in, (void **)&x)))
		ret = accel_buffer_map(out, (void **)&y);
	for (done = 0; !ret && done < n; done += caps.max_batch) {
		uint32_t b = n - done < caps.max_batch ? n - done : caps.max_batch;
		struct accel_io io = { .in = in, .out = out, .batch = b };

		for (size_t i = 0; i < b * 784; i++)
			x[i] = (signed char)(img[done * 784 + i] - 128);
		ret = accel_run(model, &io, NULL);
		for (uint32_t s = 0; !ret && s < b; s++) {
			int best = 0;

			for (int c = 1; c < 10; c++)
				best = y[s * 10 + c] > y[s * 10 + best] ? c : best;
			hits += best == lab[done + s];
			if (done + s < 5)
				printf("image %zu: %s (label %s)\n", done + s,
				       classes[best], classes[lab[done + s]]);
		}
	}
	if (ret)
		fprintf(stderr, "fmnist_classify: %s: %s\n", argv[1], accel_strerror(ret));
	else
		printf("accuracy %.2f %% on %zu images (%s)\n", 100.0 * hits / n, n,
		       caps.platform);
	accel_buffer_unref(in), accel_buffer_unref(out);
	accel_model_unref(model), accel_device_unref(dev);
	free(img), free(lab);
	return ret ? 1 : 0;
}
