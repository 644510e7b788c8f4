// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests of libaccel that need no device: argument checks, error
 * messages, versions, opening things that are not snpu devices.
 *
 * Objects are faked through the private layouts (accel_priv.h) on top of
 * /dev/null: every ioctl on it fails with ENOTTY, so a function that
 * returns -EINVAL proves it refused before talking to the driver, and one
 * that returns -ENOTTY proves a valid call got as far as the driver.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "accel_priv.h"
#include "snpu_model_parse.h"

/* ---- fake objects ------------------------------------------------------ */

static accel_device *fake_device(void)
{
	accel_device *dev = calloc(1, sizeof(*dev));

	assert_non_null(dev);
	atomic_init(&dev->ref, 1);
	dev->fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(dev->fd >= 0);
	assert_int_equal(0, pthread_mutex_init(&dev->lock, NULL));
	dev->caps.size = sizeof(dev->caps);
	dev->caps.uapi_major = DRM_SNPU_DRIVER_MAJOR;
	dev->caps.uapi_minor = DRM_SNPU_DRIVER_MINOR;
	dev->caps.max_batch = 8;
	dev->caps.mac_units = 256;
	snprintf(dev->caps.platform, sizeof(dev->caps.platform), "fake");
	return dev;
}

static accel_buffer *fake_buffer(accel_device *dev, size_t size)
{
	accel_buffer *buf = calloc(1, sizeof(*buf));

	assert_non_null(buf);
	atomic_init(&buf->ref, 1);
	atomic_init(&buf->map, NULL);
	buf->dev = accel_device_ref(dev);
	buf->handle = 1;
	buf->size = size;
	return buf;
}

static accel_model *fake_model(accel_device *dev, size_t in, size_t out)
{
	accel_model *model = calloc(1, sizeof(*model));

	assert_non_null(model);
	atomic_init(&model->ref, 1);
	model->dev = accel_device_ref(dev);
	model->handle = 1;
	model->input_bytes = in;
	model->output_bytes = out;
	return model;
}

/* A job of @dev that is finished and failed: no ioctl needed to read it. */
static accel_job *fake_job(accel_device *dev)
{
	accel_job *job = calloc(1, sizeof(*job));

	assert_non_null(job);
	atomic_init(&job->ref, 1);
	atomic_init(&job->sync_fd, -1);
	atomic_init(&job->state, ACCEL_JOB_FAILED);
	job->dev = dev;
	return job;
}

/* A valid 64-byte model header (the rest is the driver's to judge). */
static void model_header(uint8_t *blob, size_t size, uint16_t major)
{
	struct snpu_model_header hdr = { 0 };

	memset(blob, 0, size);
	hdr.magic = htole32(SNPU_MODEL_MAGIC);
	hdr.format_major = htole16(major);
	hdr.size = htole32((uint32_t)size);
	hdr.header_size = htole32(sizeof(hdr));
	memcpy(blob, &hdr, sizeof(hdr));
}

struct fixture {
	accel_device *dev;
	accel_device *other;
	accel_model *model;
	accel_buffer *in;
	accel_buffer *out;
	accel_buffer *foreign;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dev = fake_device();
	f->other = fake_device();
	f->model = fake_model(f->dev, 96, 10);
	f->in = fake_buffer(f->dev, 4096);
	f->out = fake_buffer(f->dev, 4096);
	f->foreign = fake_buffer(f->other, 4096);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	/* Through the library: refcounts and teardown under ASan. */
	accel_buffer_unref(f->in);
	accel_buffer_unref(f->out);
	accel_buffer_unref(f->foreign);
	accel_model_unref(f->model);
	accel_device_unref(f->other);
	accel_device_unref(f->dev);
	free(f);
	return 0;
}

static struct accel_io good_io(struct fixture *f)
{
	return (struct accel_io){
		.in = f->in, .out = f->out, .batch = 2,
	};
}

/* ---- versions ---------------------------------------------------------- */

static void accel_version_matches_header(void **state)
{
	char expect[32];

	snprintf(expect, sizeof(expect), "%d.%d.%d", ACCEL_VERSION_MAJOR,
		 ACCEL_VERSION_MINOR, ACCEL_VERSION_PATCH);
	assert_string_equal(expect, accel_version());
	assert_string_equal("0.3.0", accel_version());
	assert_int_equal(ACCEL_VERSION_HEX, accel_version_hex());
	assert_int_equal(0x000300, accel_version_hex());
}

/* ---- accel_strerror ---------------------------------------------------- */

static void accel_strerror_library_codes_are_specific(void **state)
{
	static const int codes[] = {
		ACCEL_E_DRIVER_TOO_OLD, ACCEL_E_DRIVER_TOO_NEW,
		ACCEL_E_NOT_SNPU, ACCEL_E_JOB_FAILED, ACCEL_E_NO_TELEMETRY,
	};
	unsigned int i, j;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *s = accel_strerror(codes[i]);

		assert_non_null(s);
		assert_true(strlen(s) > 20);
		assert_null(strstr(s, "unknown"));
		for (j = 0; j < i; j++)
			assert_string_not_equal(s, accel_strerror(codes[j]));
	}
}

static void accel_strerror_driver_too_old_names_versions(void **state)
{
	const char *s = accel_strerror(ACCEL_E_DRIVER_TOO_OLD);

	assert_non_null(strstr(s, "upgrade snpu.ko"));
	assert_non_null(strstr(s, "(1.2)"));
	assert_non_null(strstr(s, "older"));
	assert_non_null(strstr(s, "libaccel 0.3.0"));
}

static void accel_strerror_driver_too_new_names_library(void **state)
{
	const char *s = accel_strerror(ACCEL_E_DRIVER_TOO_NEW);

	assert_non_null(strstr(s, "upgrade libaccel"));
	assert_non_null(strstr(s, "newer"));
	assert_null(strstr(s, "upgrade snpu.ko"));
}

static void accel_strerror_model_codes_map_to_parser(void **state)
{
	int n;

	for (n = 1; n < SNPU_MODEL_E_COUNT; n++) {
		const char *s = accel_strerror(ACCEL_E_MODEL_BASE - n);

		assert_true(strlen(s) > 10);
		if (n == SNPU_MODEL_E_FORMAT_MAJOR)
			continue;
		assert_string_equal(snpu_model_strerror(-n), s);
	}
	assert_non_null(strstr(accel_strerror(ACCEL_E_MODEL_BASE -
					      SNPU_MODEL_E_MAGIC), "magic"));
	assert_non_null(strstr(accel_strerror(ACCEL_E_MODEL_BASE -
					      SNPU_MODEL_E_CRC), "corrupt"));
}

static void accel_strerror_format_major_says_what_to_upgrade(void **state)
{
	const char *s = accel_strerror(ACCEL_E_MODEL_BASE -
				       SNPU_MODEL_E_FORMAT_MAJOR);

	assert_non_null(strstr(s, "format major"));
	assert_non_null(strstr(s, "upgrade libaccel"));
}

static void accel_strerror_errnos_are_actionable(void **state)
{
	assert_non_null(strstr(accel_strerror(-ENOENT), "modprobe snpu"));
	assert_non_null(strstr(accel_strerror(-ENODEV), "modprobe snpu"));
	assert_non_null(strstr(accel_strerror(-EACCES), "render group"));
	assert_non_null(strstr(accel_strerror(-EACCES), "/dev/dri/renderD"));
	assert_non_null(strstr(accel_strerror(-ETIME), "timed out"));
	assert_non_null(strstr(accel_strerror(-EINVAL), "invalid argument"));
}

static void accel_strerror_no_telemetry_says_load_the_module(void **state)
{
	const char *s = accel_strerror(ACCEL_E_NO_TELEMETRY);

	assert_non_null(strstr(s, "snpu.ko is not loaded"));
	assert_non_null(strstr(s, "family \"snpu\""));
	assert_non_null(strstr(s, "modprobe snpu"));
}

static void accel_strerror_telemetry_errnos_are_specific(void **state)
{
	assert_non_null(strstr(accel_strerror(-EBADMSG), "uapi/snpu_genl.h"));
	assert_non_null(strstr(accel_strerror(-ENOBUFS), "events were lost"));
	assert_non_null(strstr(accel_strerror(-EPERM), "CAP_SYS_ADMIN"));
}

static void accel_strerror_unknown_falls_back(void **state)
{
	assert_string_equal("Broken pipe", accel_strerror(-EPIPE));
	assert_string_equal("No space left on device",
			    accel_strerror(-ENOSPC));
	assert_non_null(strstr(accel_strerror(-5000), "unknown"));
	assert_non_null(strstr(accel_strerror(ACCEL_E_MODEL_BASE -
					      SNPU_MODEL_E_COUNT), "unknown"));
	assert_non_null(strstr(accel_strerror(ACCEL_E_MODEL_BASE), "unknown"));
	assert_non_null(strstr(accel_strerror(-100000), "unknown libaccel error"));
	assert_string_equal("unknown error", accel_strerror(-4000));
	assert_string_equal("unknown error", accel_strerror(5));
	assert_string_equal("success", accel_strerror(0));
}

/* ---- enumeration and open ---------------------------------------------- */

static void accel_devices_get_null_rejected(void **state)
{
	assert_int_equal(-EINVAL, accel_devices_get(NULL));
	accel_devices_free(NULL);
}

static void accel_devices_get_host_has_none_or_lists_them(void **state)
{
	struct accel_device_info *list = (void *)1;
	accel_device *dev = NULL;
	int n;

	n = accel_devices_get(&list);
	assert_true(n >= 0 || n == -EACCES);
	if (n == 0) {
		assert_null(list);
		assert_int_equal(-ENODEV, accel_device_open_index(0, &dev));
		assert_null(dev);
	} else if (n > 0) {
		assert_non_null(strstr(list[0].node, "/dev/dri/renderD"));
		accel_devices_free(list);
	}
}

static void accel_device_open_bad_arguments_rejected(void **state)
{
	accel_device *dev = NULL;

	assert_int_equal(-EINVAL, accel_device_open(NULL, &dev));
	assert_int_equal(-EINVAL, accel_device_open("", &dev));
	assert_int_equal(-EINVAL, accel_device_open("/dev/null", NULL));
	assert_int_equal(-EINVAL, accel_device_open_index(-1, &dev));
	assert_int_equal(-EINVAL, accel_device_open_index(0, NULL));
	assert_null(dev);
}

static void accel_device_open_missing_path_gives_enoent(void **state)
{
	accel_device *dev = NULL;
	int ret = accel_device_open("/dev/dri/renderD191-no-such-node", &dev);

	assert_int_equal(-ENOENT, ret);
	assert_null(dev);
	assert_non_null(strstr(accel_strerror(ret), "modprobe snpu"));
}

/* /dev/null opens but answers no DRM ioctl: reported as not snpu. */
static void accel_device_open_dev_null_not_snpu(void **state)
{
	accel_device *dev = NULL;

	assert_int_equal(ACCEL_E_NOT_SNPU, accel_device_open("/dev/null", &dev));
	assert_null(dev);
}

static void accel_device_open_regular_file_not_snpu(void **state)
{
	char path[] = "/tmp/test_accel_XXXXXX";
	accel_device *dev = NULL;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ACCEL_E_NOT_SNPU, accel_device_open(path, &dev));
	assert_null(dev);
	unlink(path);
}

static void accel_device_open_directory_gives_eisdir(void **state)
{
	accel_device *dev = NULL;

	assert_int_equal(-EISDIR, accel_device_open("/tmp", &dev));
	assert_null(dev);
}

static void accel_device_ref_unref_null_ignored(void **state)
{
	assert_null(accel_device_ref(NULL));
	accel_device_unref(NULL);
}

static void accel_device_ref_counts(void **state)
{
	struct fixture *f = *state;

	assert_ptr_equal(f->dev, accel_device_ref(f->dev));
	assert_int_equal(2 + 3, atomic_load(&f->dev->ref));
	accel_device_unref(f->dev);
	assert_int_equal(1 + 3, atomic_load(&f->dev->ref));
}

/* ---- accel_device_query ------------------------------------------------ */

static void accel_device_query_bad_arguments_rejected(void **state)
{
	struct fixture *f = *state;
	struct accel_caps caps = { .size = sizeof(caps) };

	assert_int_equal(-EINVAL, accel_device_query(NULL, &caps));
	assert_int_equal(-EINVAL, accel_device_query(f->dev, NULL));
	caps.size = 0;
	assert_int_equal(-EINVAL, accel_device_query(f->dev, &caps));
	caps.size = sizeof(caps) - 1;
	assert_int_equal(-EINVAL, accel_device_query(f->dev, &caps));
	assert_int_equal(0, caps.mac_units);
}

static void accel_device_query_copies_caps(void **state)
{
	struct fixture *f = *state;
	struct accel_caps caps = { .size = sizeof(caps) };

	assert_int_equal(0, accel_device_query(f->dev, &caps));
	assert_int_equal(sizeof(caps), caps.size);
	assert_int_equal(256, caps.mac_units);
	assert_int_equal(8, caps.max_batch);
	assert_string_equal("fake", caps.platform);
}

/* A newer caller's bigger struct: the tail it knows and we don't stays. */
static void accel_device_query_bigger_struct_tail_untouched(void **state)
{
	struct fixture *f = *state;
	struct {
		struct accel_caps caps;
		uint64_t future;
	} big;

	memset(&big, 0xa5, sizeof(big));
	big.caps.size = sizeof(big);
	assert_int_equal(0, accel_device_query(f->dev, &big.caps));
	assert_int_equal(sizeof(big), big.caps.size);
	assert_int_equal(256, big.caps.mac_units);
	assert_int_equal(0xa5a5a5a5a5a5a5a5ull, big.future);
}

/* ---- buffers ----------------------------------------------------------- */

static void accel_buffer_new_bad_arguments_rejected(void **state)
{
	struct fixture *f = *state;
	accel_buffer *buf = NULL;

	assert_int_equal(-EINVAL, accel_buffer_new(NULL, 4096, 0, &buf));
	assert_int_equal(-EINVAL, accel_buffer_new(f->dev, 0, 0, &buf));
	assert_int_equal(-EINVAL, accel_buffer_new(f->dev, 4096, 0, NULL));
	assert_int_equal(-EINVAL, accel_buffer_new(f->dev, 4096, 2, &buf));
	assert_int_equal(-EINVAL, accel_buffer_new(f->dev, 4096, ~0u, &buf));
	assert_null(buf);
	/* Valid arguments reach the driver. */
	assert_int_equal(-ENOTTY, accel_buffer_new(f->dev, 4096,
						   ACCEL_BUFFER_WC, &buf));
	assert_null(buf);
}

static void accel_buffer_import_bad_arguments_rejected(void **state)
{
	struct fixture *f = *state;
	accel_buffer *buf = NULL;

	assert_int_equal(-EINVAL, accel_buffer_import_dmabuf(NULL, 0, &buf));
	assert_int_equal(-EINVAL, accel_buffer_import_dmabuf(f->dev, -1, &buf));
	assert_int_equal(-EINVAL, accel_buffer_import_dmabuf(f->dev, 0, NULL));
	assert_null(buf);
	assert_int_equal(-ENOTTY, accel_buffer_import_dmabuf(f->dev, 0, &buf));
	assert_null(buf);
}

static void accel_buffer_export_bad_arguments_rejected(void **state)
{
	struct fixture *f = *state;
	int fd = -1;

	assert_int_equal(-EINVAL, accel_buffer_export_dmabuf(NULL, &fd));
	assert_int_equal(-EINVAL, accel_buffer_export_dmabuf(f->in, NULL));
	assert_int_equal(-1, fd);
	assert_int_equal(-ENOTTY, accel_buffer_export_dmabuf(f->in, &fd));
	assert_int_equal(-1, fd);
}

static void accel_buffer_map_bad_arguments_rejected(void **state)
{
	struct fixture *f = *state;
	void *p = NULL;

	assert_int_equal(-EINVAL, accel_buffer_map(NULL, &p));
	assert_int_equal(-EINVAL, accel_buffer_map(f->in, NULL));
	assert_int_equal(-ENOTTY, accel_buffer_map(f->in, &p));
	assert_null(p);
}

static void accel_buffer_size_ref_unref_null(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(0, accel_buffer_size(NULL));
	assert_int_equal(4096, accel_buffer_size(f->in));
	assert_null(accel_buffer_ref(NULL));
	accel_buffer_unref(NULL);
	assert_ptr_equal(f->in, accel_buffer_ref(f->in));
	accel_buffer_unref(f->in);
	assert_int_equal(1, atomic_load(&f->in->ref));
}

/* ---- models ------------------------------------------------------------ */

static void accel_model_load_bad_arguments_rejected(void **state)
{
	struct fixture *f = *state;
	uint8_t blob[256];
	accel_model *m = NULL;

	model_header(blob, sizeof(blob), SNPU_MODEL_FORMAT_MAJOR);
	assert_int_equal(-EINVAL, accel_model_load(NULL, blob, sizeof(blob), &m));
	assert_int_equal(-EINVAL, accel_model_load(f->dev, NULL, sizeof(blob), &m));
	assert_int_equal(-EINVAL, accel_model_load(f->dev, blob, 0, &m));
	assert_int_equal(-EINVAL, accel_model_load(f->dev, blob, sizeof(blob),
						   NULL));
	assert_null(m);
	/* A plausible header goes to the driver. */
	assert_int_equal(-ENOTTY, accel_model_load(f->dev, blob, sizeof(blob),
						   &m));
	assert_null(m);
}

static void accel_model_load_newer_format_refused_locally(void **state)
{
	struct fixture *f = *state;
	uint8_t blob[256];
	accel_model *m = NULL;

	model_header(blob, sizeof(blob), SNPU_MODEL_FORMAT_MAJOR + 1);
	/* Not -ENOTTY: never sent. */
	assert_int_equal(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_FORMAT_MAJOR,
			 accel_model_load(f->dev, blob, sizeof(blob), &m));
	model_header(blob, sizeof(blob), 0);
	assert_int_equal(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_FORMAT_MAJOR,
			 accel_model_load(f->dev, blob, sizeof(blob), &m));
	assert_null(m);
}

static void accel_model_load_garbage_bad_magic(void **state)
{
	struct fixture *f = *state;
	uint8_t blob[512];
	accel_model *m = NULL;
	unsigned int i;

	for (i = 0; i < sizeof(blob); i++)
		blob[i] = (uint8_t)(i * 37 + 11);
	assert_int_equal(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_MAGIC,
			 accel_model_load(f->dev, blob, sizeof(blob), &m));
	assert_null(m);
}

static void accel_model_load_short_blob_too_small(void **state)
{
	struct fixture *f = *state;
	uint8_t blob[64];
	accel_model *m = NULL;

	model_header(blob, sizeof(blob), SNPU_MODEL_FORMAT_MAJOR);
	assert_int_equal(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_TOO_SMALL,
			 accel_model_load(f->dev, blob, 63, &m));
	assert_int_equal(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_TOO_LARGE,
			 accel_model_load(f->dev, blob,
					  (size_t)SNPU_MODEL_MAX_SIZE + 1, &m));
	assert_null(m);
}

static void accel_model_load_unaligned_header_read(void **state)
{
	struct fixture *f = *state;
	uint8_t raw[256 + 1];
	accel_model *m = NULL;

	model_header(raw + 1, 256, SNPU_MODEL_FORMAT_MAJOR);
	assert_int_equal(-ENOTTY, accel_model_load(f->dev, raw + 1, 256, &m));
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(size, fwrite(data, 1, size, fp));
	assert_int_equal(0, fclose(fp));
}

static void accel_model_load_file_bad_arguments_rejected(void **state)
{
	struct fixture *f = *state;
	accel_model *m = NULL;

	assert_int_equal(-EINVAL, accel_model_load_file(NULL, "/x", &m));
	assert_int_equal(-EINVAL, accel_model_load_file(f->dev, NULL, &m));
	assert_int_equal(-EINVAL, accel_model_load_file(f->dev, "", &m));
	assert_int_equal(-EINVAL, accel_model_load_file(f->dev, "/x", NULL));
	assert_null(m);
}

static void accel_model_load_file_errors(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/test_accel_model_XXXXXX";
	uint8_t blob[4096];
	accel_model *m = NULL;
	int fd;

	assert_int_equal(-ENOENT, accel_model_load_file(f->dev,
			 "/nonexistent/model.snpu", &m));
	assert_int_equal(-EISDIR, accel_model_load_file(f->dev, "/tmp", &m));

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_TOO_SMALL,
			 accel_model_load_file(f->dev, path, &m));

	memset(blob, 0x77, sizeof(blob));
	write_file(path, blob, sizeof(blob));
	assert_int_equal(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_MAGIC,
			 accel_model_load_file(f->dev, path, &m));

	model_header(blob, sizeof(blob), SNPU_MODEL_FORMAT_MAJOR + 1);
	write_file(path, blob, sizeof(blob));
	assert_int_equal(ACCEL_E_MODEL_BASE - SNPU_MODEL_E_FORMAT_MAJOR,
			 accel_model_load_file(f->dev, path, &m));

	/* Read whole (several reads past the initial buffer): reaches ioctl. */
	model_header(blob, sizeof(blob), SNPU_MODEL_FORMAT_MAJOR);
	write_file(path, blob, sizeof(blob));
	assert_int_equal(-ENOTTY, accel_model_load_file(f->dev, path, &m));
	assert_null(m);
	unlink(path);
}

static void accel_model_accessors_and_null(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(0, accel_model_input_bytes(NULL));
	assert_int_equal(0, accel_model_output_bytes(NULL));
	assert_int_equal(96, accel_model_input_bytes(f->model));
	assert_int_equal(10, accel_model_output_bytes(f->model));
	assert_null(accel_model_ref(NULL));
	accel_model_unref(NULL);
}

/* ---- jobs -------------------------------------------------------------- */

static void accel_submit_bad_arguments_rejected(void **state)
{
	struct fixture *f = *state;
	struct accel_io io = good_io(f);
	accel_job *job = NULL;

	assert_int_equal(-EINVAL, accel_submit(NULL, &io, NULL, &job));
	assert_int_equal(-EINVAL, accel_submit(f->model, NULL, NULL, &job));
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, NULL));
	io.in = NULL;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	io = good_io(f);
	io.out = NULL;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	assert_null(job);
	/* The good one gets to the driver (SYNCOBJ_CREATE on /dev/null). */
	io = good_io(f);
	assert_int_equal(-ENOTTY, accel_submit(f->model, &io, NULL, &job));
	assert_null(job);
}

static void accel_submit_bad_batch_rejected(void **state)
{
	struct fixture *f = *state;
	struct accel_io io = good_io(f);
	accel_job *job = NULL;

	io.batch = 0;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	io.batch = f->dev->caps.max_batch + 1;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	io.batch = UINT32_MAX;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	io.batch = f->dev->caps.max_batch;
	assert_int_equal(-ENOTTY, accel_submit(f->model, &io, NULL, &job));
	assert_null(job);
}

static void accel_submit_range_past_buffer_rejected(void **state)
{
	struct fixture *f = *state;
	struct accel_io io = good_io(f);
	accel_job *job = NULL;

	io.in_offset = 4096;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	io.in_offset = 4096 - 2 * 96 + 1;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	io.in_offset = SIZE_MAX;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	io = good_io(f);
	io.out_offset = 4096 - 2 * 10 + 1;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	io.out_offset = SIZE_MAX - 5;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	assert_null(job);
	/* Exactly at the end is fine. */
	io = good_io(f);
	io.in_offset = 4096 - 2 * 96;
	io.out_offset = 4096 - 2 * 10;
	assert_int_equal(-ENOTTY, accel_submit(f->model, &io, NULL, &job));
}

static void accel_submit_overlapping_ranges_rejected(void **state)
{
	struct fixture *f = *state;
	struct accel_io io = good_io(f);
	accel_job *job = NULL;

	io.out = f->in;
	io.out_offset = 100;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	io.out_offset = 2 * 96;
	assert_int_equal(-ENOTTY, accel_submit(f->model, &io, NULL, &job));
	assert_null(job);
}

static void accel_submit_other_device_objects_rejected(void **state)
{
	struct fixture *f = *state;
	struct accel_io io = good_io(f);
	accel_job *job = NULL, *after = fake_job(f->other);

	io.in = f->foreign;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	io = good_io(f);
	io.out = f->foreign;
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, NULL, &job));
	io = good_io(f);
	assert_int_equal(-EINVAL, accel_submit(f->model, &io, after, &job));
	assert_null(job);
	free(after);
}

static void accel_run_bad_arguments_rejected(void **state)
{
	struct fixture *f = *state;
	struct accel_io io = good_io(f);
	struct accel_counters c;

	assert_int_equal(-EINVAL, accel_run(NULL, &io, &c));
	assert_int_equal(-EINVAL, accel_run(f->model, NULL, &c));
	io.batch = 0;
	assert_int_equal(-EINVAL, accel_run(f->model, &io, &c));
	io = good_io(f);
	assert_int_equal(-ENOTTY, accel_run(f->model, &io, NULL));
}

static void accel_job_functions_null_rejected(void **state)
{
	struct fixture *f = *state;
	struct accel_counters c;
	accel_job *job = fake_job(f->dev);

	assert_int_equal(-EINVAL, accel_job_wait(NULL, 0));
	assert_int_equal(-EINVAL, accel_job_fd(NULL));
	assert_int_equal(-EINVAL, accel_job_counters(NULL, &c));
	assert_int_equal(-EINVAL, accel_job_counters(job, NULL));
	assert_null(accel_job_ref(NULL));
	accel_job_unref(NULL);
	free(job);
}

static void accel_job_failed_reports_job_failed(void **state)
{
	struct fixture *f = *state;
	struct accel_counters c;
	accel_job *job = fake_job(f->dev);

	/* A settled failed job answers without the driver. */
	assert_int_equal(ACCEL_E_JOB_FAILED, accel_job_wait(job, 0));
	assert_int_equal(ACCEL_E_JOB_FAILED, accel_job_wait(job, -1));
	assert_int_equal(ACCEL_E_JOB_FAILED, accel_job_counters(job, &c));
	free(job);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accel_version_matches_header),
		cmocka_unit_test(accel_strerror_library_codes_are_specific),
		cmocka_unit_test(accel_strerror_driver_too_old_names_versions),
		cmocka_unit_test(accel_strerror_driver_too_new_names_library),
		cmocka_unit_test(accel_strerror_model_codes_map_to_parser),
		cmocka_unit_test(accel_strerror_format_major_says_what_to_upgrade),
		cmocka_unit_test(accel_strerror_errnos_are_actionable),
		cmocka_unit_test(accel_strerror_no_telemetry_says_load_the_module),
		cmocka_unit_test(accel_strerror_telemetry_errnos_are_specific),
		cmocka_unit_test(accel_strerror_unknown_falls_back),
		cmocka_unit_test(accel_devices_get_null_rejected),
		cmocka_unit_test(accel_devices_get_host_has_none_or_lists_them),
		cmocka_unit_test(accel_device_open_bad_arguments_rejected),
		cmocka_unit_test(accel_device_open_missing_path_gives_enoent),
		cmocka_unit_test(accel_device_open_dev_null_not_snpu),
		cmocka_unit_test(accel_device_open_regular_file_not_snpu),
		cmocka_unit_test(accel_device_open_directory_gives_eisdir),
		cmocka_unit_test(accel_device_ref_unref_null_ignored),
		T(accel_device_ref_counts),
		T(accel_device_query_bad_arguments_rejected),
		T(accel_device_query_copies_caps),
		T(accel_device_query_bigger_struct_tail_untouched),
		T(accel_buffer_new_bad_arguments_rejected),
		T(accel_buffer_import_bad_arguments_rejected),
		T(accel_buffer_export_bad_arguments_rejected),
		T(accel_buffer_map_bad_arguments_rejected),
		T(accel_buffer_size_ref_unref_null),
		T(accel_model_load_bad_arguments_rejected),
		T(accel_model_load_newer_format_refused_locally),
		T(accel_model_load_garbage_bad_magic),
		T(accel_model_load_short_blob_too_small),
		T(accel_model_load_unaligned_header_read),
		T(accel_model_load_file_bad_arguments_rejected),
		T(accel_model_load_file_errors),
		T(accel_model_accessors_and_null),
		T(accel_submit_bad_arguments_rejected),
		T(accel_submit_bad_batch_rejected),
		T(accel_submit_range_past_buffer_rejected),
		T(accel_submit_overlapping_ranges_rejected),
		T(accel_submit_other_device_objects_rejected),
		T(accel_run_bad_arguments_rejected),
		T(accel_job_functions_null_rejected),
		T(accel_job_failed_reports_job_failed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
