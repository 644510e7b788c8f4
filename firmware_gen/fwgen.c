// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * snpu-fwgen: build snpu firmware images from text profiles, and dump
 * images. See docs/firmware-format.md.
 *
 * Exit status: 0 success, 1 invalid input, 2 usage error.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwgen_profile.h"

#define FWGEN_EXIT_OK		0
#define FWGEN_EXIT_INVALID	1
#define FWGEN_EXIT_USAGE	2

/* Text profiles are tiny; refuse anything absurd. */
#define FWGEN_PROFILE_MAX	(1u << 20)

static const char fwgen_usage[] =
	"Usage: snpu-fwgen PROFILE.txt -o IMAGE.bin\n"
	"       snpu-fwgen --dump [--json] IMAGE.bin\n"
	"       snpu-fwgen --manifest IMAGE.bin...\n"
	"\n"
	"Build a snpu firmware image from a text platform profile, or validate\n"
	"and print an image.\n"
	"\n"
	"  -o, --output FILE   write the image to FILE (replaced atomically)\n"
	"  -d, --dump          validate IMAGE.bin and print every field\n"
	"  -j, --json          with --dump: print JSON\n"
	"  -m, --manifest      validate images and print one line each:\n"
	"                      file, platform, fw version, crc32, size\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit status: 0 ok, 1 invalid input, 2 usage error.\n"
	"Profile format: docs/firmware-format.md.\n";

static int fwgen_usage_error(const char *msg)
{
	fprintf(stderr, "snpu-fwgen: %s\n", msg);
	fprintf(stderr, "Try 'snpu-fwgen --help'.\n");
	return FWGEN_EXIT_USAGE;
}

/*
 * Reads a whole file, at most @max bytes plus one so that callers see an
 * oversized file as such. Returns NULL with a message on stderr.
 */
static u8 *fwgen_read_file(const char *path, size_t max, size_t *size)
{
	FILE *f = fopen(path, "rb");
	u8 *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		fprintf(stderr, "%s: out of memory\n", path);
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		fprintf(stderr, "%s: read error: %s\n", path, strerror(errno));
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

static int fwgen_write_file(const char *path, const u8 *buf, size_t size)
{
	size_t len = strlen(path) + 5;
	char *tmp = malloc(len);
	FILE *f;
	int ok;

	if (!tmp) {
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	snprintf(tmp, len, "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	ok = fwrite(buf, 1, size, f) == size;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path)) {
		fprintf(stderr, "%s: write failed: %s\n", path, strerror(errno));
		remove(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int fwgen_generate(const char *in, const char *out)
{
	struct fwgen_profile prof;
	struct fwgen_error err;
	u8 *text, *image;
	size_t len, size;
	int ret;

	text = fwgen_read_file(in, FWGEN_PROFILE_MAX, &len);
	if (!text)
		return FWGEN_EXIT_INVALID;
	if (len > FWGEN_PROFILE_MAX) {
		fprintf(stderr, "%s: larger than %u bytes: not a profile\n",
			in, FWGEN_PROFILE_MAX);
		free(text);
		return FWGEN_EXIT_INVALID;
	}
	ret = fwgen_profile_parse((const char *)text, len, &prof, &err);
	free(text);
	if (!ret)
		ret = fwgen_image_build(&prof, &image, &size, &err);
	if (ret) {
		if (err.line)
			fprintf(stderr, "%s:%u: %s\n", in, err.line, err.msg);
		else
			fprintf(stderr, "%s: %s\n", in, err.msg);
		return FWGEN_EXIT_INVALID;
	}
	ret = fwgen_write_file(out, image, size);
	free(image);
	return ret ? FWGEN_EXIT_INVALID : FWGEN_EXIT_OK;
}

/* Loads and validates an image; prints the parser's verdict on failure. */
static int fwgen_load(const char *path, struct snpu_fw_info *info)
{
	size_t size;
	u8 *image;
	int ret;

	image = fwgen_read_file(path, SNPU_FW_MAX_IMAGE_SIZE, &size);
	if (!image)
		return -1;
	ret = snpu_fw_parse(image, size, info);
	free(image);
	if (ret) {
		fprintf(stderr, "%s: invalid firmware image: %s\n", path,
			snpu_fw_strerror(ret));
		return -1;
	}
	return 0;
}

typedef const char *(*fwgen_namer)(unsigned int);

/* Prints the names of the set bits of @mask, comma separated. */
static void fwgen_print_mask(u32 mask, fwgen_namer name, bool json)
{
	const char *sep = "";
	unsigned int bit;

	if (json)
		putchar('[');
	for (bit = 0; bit < 32; bit++) {
		if (!(mask & (1u << bit)))
			continue;
		printf(json ? "%s\"%s\"" : "%s%s", sep, name(bit));
		sep = json ? ", " : ",";
	}
	if (json)
		putchar(']');
	else if (!mask)
		fputs("none", stdout);
}

static void fwgen_dump_text(const char *path, const struct snpu_fw_info *info)
{
	const struct snpu_platform *p = &info->platform;
	unsigned int op, enc;

	printf("file:                 %s\n", path);
	printf("format:               %u.%u\n", info->format_major,
	       info->format_minor);
	printf("fw_version:           %u.%u.%u\n", info->fw_version >> 16,
	       (info->fw_version >> 8) & 0xff, info->fw_version & 0xff);
	printf("image_size:           %u\n", info->image_size);
	printf("crc32:                0x%08x\n", info->crc32);
	printf("name:                 %s\n", p->name);
	printf("platform_id:          %u\n", p->platform_id);
	printf("mac_units:            %u\n", p->mac_units);
	printf("clock_khz:            %u\n", p->clock_khz);
	printf("sram_bytes:           %u\n", p->sram_bytes);
	printf("dram_bytes:           %llu\n",
	       (unsigned long long)p->dram_bytes);
	printf("dram_bytes_per_cycle: %u\n", p->dram_bytes_per_cycle);
	printf("ops:                  ");
	fwgen_print_mask(p->ops, fwgen_op_name, false);
	printf("\nencodings:            ");
	fwgen_print_mask(p->encodings, fwgen_enc_name, false);
	printf("\nnm_patterns:          ");
	fwgen_print_mask(p->nm_patterns, fwgen_nm_name, false);
	printf("\nblock_shapes:         ");
	fwgen_print_mask(p->block_shapes, fwgen_block_name, false);
	printf("\nfeatures:             ");
	fwgen_print_mask(p->features, fwgen_feature_name, false);
	printf("\nmax_batch:            %u\n", p->max_batch);
	printf("cost table:\n");
	printf("  %-8s %-6s %10s %10s %5s\n", "op", "enc", "setup", "row",
	       "eff");
	for (op = 0; op < SNPU_OP_COUNT; op++) {
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++) {
			const struct snpu_cost *c = &p->cost[op][enc];

			if (!c->present)
				continue;
			printf("  %-8s %-6s %10u %10u %5u\n", fwgen_op_name(op),
			       fwgen_enc_name(enc), c->setup_cycles,
			       c->row_cycles, c->mac_eff_q8);
		}
	}
}

/* Prints @s as a JSON string; profile names are [a-z0-9_-] already. */
static void fwgen_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void fwgen_dump_json(const char *path, const struct snpu_fw_info *info)
{
	const struct snpu_platform *p = &info->platform;
	const char *sep = "";
	unsigned int op, enc;

	printf("{\n  \"file\": ");
	fwgen_json_string(path);
	printf(",\n  \"format_major\": %u,\n", info->format_major);
	printf("  \"format_minor\": %u,\n", info->format_minor);
	printf("  \"fw_version\": \"%u.%u.%u\",\n", info->fw_version >> 16,
	       (info->fw_version >> 8) & 0xff, info->fw_version & 0xff);
	printf("  \"image_size\": %u,\n", info->image_size);
	printf("  \"crc32\": \"0x%08x\",\n", info->crc32);
	printf("  \"name\": ");
	fwgen_json_string(p->name);
	printf(",\n  \"platform_id\": %u,\n", p->platform_id);
	printf("  \"mac_units\": %u,\n", p->mac_units);
	printf("  \"clock_khz\": %u,\n", p->clock_khz);
	printf("  \"sram_bytes\": %u,\n", p->sram_bytes);
	printf("  \"dram_bytes\": %llu,\n", (unsigned long long)p->dram_bytes);
	printf("  \"dram_bytes_per_cycle\": %u,\n", p->dram_bytes_per_cycle);
	printf("  \"ops\": ");
	fwgen_print_mask(p->ops, fwgen_op_name, true);
	printf(",\n  \"encodings\": ");
	fwgen_print_mask(p->encodings, fwgen_enc_name, true);
	printf(",\n  \"nm_patterns\": ");
	fwgen_print_mask(p->nm_patterns, fwgen_nm_name, true);
	printf(",\n  \"block_shapes\": ");
	fwgen_print_mask(p->block_shapes, fwgen_block_name, true);
	printf(",\n  \"features\": ");
	fwgen_print_mask(p->features, fwgen_feature_name, true);
	printf(",\n  \"max_batch\": %u,\n", p->max_batch);
	printf("  \"cost\": [");
	for (op = 0; op < SNPU_OP_COUNT; op++) {
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++) {
			const struct snpu_cost *c = &p->cost[op][enc];

			if (!c->present)
				continue;
			printf("%s\n    {\"op\": \"%s\", \"encoding\": \"%s\", ",
			       sep, fwgen_op_name(op), fwgen_enc_name(enc));
			printf("\"setup_cycles\": %u, \"row_cycles\": %u, ",
			       c->setup_cycles, c->row_cycles);
			printf("\"mac_eff_q8\": %u}", c->mac_eff_q8);
			sep = ",";
		}
	}
	printf("\n  ]\n}\n");
}

static int fwgen_dump(const char *path, bool json)
{
	struct snpu_fw_info info;

	if (fwgen_load(path, &info))
		return FWGEN_EXIT_INVALID;
	if (json)
		fwgen_dump_json(path, &info);
	else
		fwgen_dump_text(path, &info);
	return FWGEN_EXIT_OK;
}

static int fwgen_manifest(char **paths, int n)
{
	struct snpu_fw_info info;
	const char *base;
	int i;

	for (i = 0; i < n; i++) {
		if (fwgen_load(paths[i], &info))
			return FWGEN_EXIT_INVALID;
		base = strrchr(paths[i], '/');
		base = base ? base + 1 : paths[i];
		printf("%s %s %u.%u.%u 0x%08x %u\n", base, info.platform.name,
		       info.fw_version >> 16, (info.fw_version >> 8) & 0xff,
		       info.fw_version & 0xff, info.crc32, info.image_size);
	}
	return FWGEN_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "dump", no_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "manifest", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	bool dump = false, json = false, manifest = false;
	int c, nargs;

	while ((c = getopt_long(argc, argv, "o:djmh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'd':
			dump = true;
			break;
		case 'j':
			json = true;
			break;
		case 'm':
			manifest = true;
			break;
		case 'h':
			fputs(fwgen_usage, stdout);
			return FWGEN_EXIT_OK;
		default:
			return fwgen_usage_error("bad option");
		}
	}
	nargs = argc - optind;

	if (dump + manifest + !!out > 1)
		return fwgen_usage_error("--dump, --manifest and -o exclude each other");
	if (json && !dump)
		return fwgen_usage_error("--json needs --dump");
	if (dump) {
		if (nargs != 1)
			return fwgen_usage_error("--dump takes one image");
		return fwgen_dump(argv[optind], json);
	}
	if (manifest) {
		if (nargs < 1)
			return fwgen_usage_error("--manifest needs images");
		return fwgen_manifest(argv + optind, nargs);
	}
	if (nargs != 1 || !out)
		return fwgen_usage_error("need one PROFILE.txt and -o IMAGE.bin");
	return fwgen_generate(argv[optind], out);
}
