/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Shared by the CLI's cmocka tests: run snpu_args_parse() on a list of
 * words with stdout and stderr captured in memory (out_text, err_text),
 * and check stderr. Include after <cmocka.h> and "snpu_args.h"; free the
 * two buffers in the test's teardown.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_TEST_CLI_PARSE_H
#define SNPU_TEST_CLI_PARSE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *out_text, *err_text;

/* Parse a NULL-terminated list of words (copied: getopt permutes). */
static int parse_words(struct snpu_args *a, const char *const *words)
{
	static char store[32][128];
	char *argv[33];
	size_t olen, elen;
	FILE *out, *err;
	int argc, ret;

	free(out_text);
	free(err_text);
	for (argc = 0; words[argc] && argc < 32; argc++) {
		snprintf(store[argc], sizeof(store[argc]), "%s", words[argc]);
		argv[argc] = store[argc];
	}
	argv[argc] = NULL;
	out = open_memstream(&out_text, &olen);
	err = open_memstream(&err_text, &elen);
	assert_non_null(out);
	assert_non_null(err);
	ret = snpu_args_parse(argc, argv, a, out, err);
	fclose(out);
	fclose(err);
	/* The arguments of @a point into store[]; keep them stable. */
	return ret;
}

#define PARSE(a, ...) \
	parse_words(a, (const char *const[]){ "snpu", __VA_ARGS__, NULL })

static void assert_err_has(const char *needle)
{
	if (!strstr(err_text, needle))
		fail_msg("stderr lacks '%s': %s", needle, err_text);
}

#endif /* SNPU_TEST_CLI_PARSE_H */
