/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Labelled image sets for training and evaluating the pruner's fp32
 * models: Fashion-MNIST read from Debian's dataset-fashion-mnist (idx
 * files, gzip-compressed) into NCHW floats, and cheap views of a range of
 * samples (a calibration slice, a short training run in a test).
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_DATASET_H
#define SNPU_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct snpu_dataset - @n labelled samples of one shape
 * @n: samples.
 * @c: channels per sample.
 * @h: height.
 * @w: width.
 * @classes: number of classes; every label is below it.
 * @x: n * c * h * w floats, NCHW, pixel / 255 (0.0 to 1.0) for idx images.
 * @y: n labels.
 * @owned: @x and @y belong to this struct and snpu_dataset_free()
 *	releases them; false for a view (snpu_dataset_slice()) or arrays the
 *	caller filled in and keeps.
 */
struct snpu_dataset {
	uint32_t n, c, h, w, classes;
	float *x;
	uint8_t *y;
	bool owned;
};

/* File names in a Fashion-MNIST (or MNIST) folder. */
#define SNPU_FMNIST_TRAIN_IMAGES	"train-images-idx3-ubyte.gz"
#define SNPU_FMNIST_TRAIN_LABELS	"train-labels-idx1-ubyte.gz"
#define SNPU_FMNIST_TEST_IMAGES		"t10k-images-idx3-ubyte.gz"
#define SNPU_FMNIST_TEST_LABELS		"t10k-labels-idx1-ubyte.gz"
#define SNPU_FMNIST_CLASSES		10

/**
 * snpu_dataset_load_fmnist() - read a Fashion-MNIST split
 * @dir: folder holding the four idx files (SNPU_FMNIST_*); a file is
 *	read through zlib, so it may be gzip-compressed or plain.
 * @train: the 60 000 training images when true, else the 10 000 test ones.
 * @ds: filled on success (owned; free with snpu_dataset_free()); zeroed on
 *	failure.
 * @err: message buffer naming the file and what is wrong.
 * @err_size: its size.
 *
 * Everything is checked before it is used: idx magic numbers (unsigned
 * byte images of rank 3, labels of rank 1), image extents (1 to 1024),
 * image and label counts equal, every label below 10, the payload exactly
 * as long as the header says (neither truncated nor followed by extra
 * bytes) and the gzip stream intact (CRC).
 *
 * Return: 0; -ENOENT (or another open() error) when a file cannot be
 * opened; -EIO when the gzip stream is corrupt or cut short; -EINVAL when
 * the idx content is wrong; -ENOMEM.
 */
int snpu_dataset_load_fmnist(const char *dir, bool train,
			     struct snpu_dataset *ds, char *err,
			     size_t err_size);

/**
 * snpu_dataset_slice() - a view of samples [first, first + count)
 * @ds: the dataset viewed; must outlive the view.
 * @first: first sample.
 * @count: samples, at least 1.
 * @view: filled with pointers into @ds (nothing is copied; @owned is
 *	false, so snpu_dataset_free() on it releases nothing).
 *
 * Return: 0, or -EINVAL when the range is empty or leaves @ds.
 */
int snpu_dataset_slice(const struct snpu_dataset *ds, uint32_t first,
		       uint32_t count, struct snpu_dataset *view);

/**
 * snpu_dataset_free() - release a dataset's arrays when it owns them
 * @ds: the dataset (may be NULL); zeroed after.
 */
void snpu_dataset_free(struct snpu_dataset *ds);

#endif /* SNPU_DATASET_H */
