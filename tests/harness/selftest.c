// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Self-test of snpu_test.h. Some of these tests fail on purpose (the
 * failing, crashing and hanging ones); check-harness.sh runs this binary
 * and compares its whole output and exit status with selftest.expected,
 * so the harness passes only if it reports each of them correctly.
 * Keep line numbers stable or regenerate the expected output (see
 * check-harness.sh --update).
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "snpu_test.h"

TEST(checks_pass)
{
	int minus_one = -1;
	unsigned int zero = 0;
	size_t size = 8;
	const char *hello = "hello";
	int *nothing = NULL;

	ASSERT_EQ(8, size);
	ASSERT_NE(0, size);
	/* Mixed signedness compares as mathematics says, not as C does. */
	ASSERT_LT(minus_one, zero);
	ASSERT_LE(minus_one, size);
	ASSERT_GT(size, minus_one);
	ASSERT_GE(zero, minus_one);
	EXPECT_NE(minus_one, (unsigned int)-1);
	ASSERT_TRUE(hello);
	ASSERT_FALSE(nothing);
	ASSERT_NULL(nothing);
	ASSERT_NE(NULL, hello);
	ASSERT_STREQ("hello", hello);
	ASSERT_STRNE("world", hello);
	EXPECT_STRNE(NULL, hello);
	if (size == 8)
		ASSERT_EQ(8, size);
	else
		ASSERT_EQ(0, size);
	ASSERT_EQ(1, 1) {
		TH_LOG("never printed: the check passed");
	}
	EXPECT_EQ(8, size);

	/* A bare block after a check is not taken for its handler. */
	{
		ASSERT_EQ(-1, minus_one);
	}
}

TEST(expect_fails_and_continues)
{
	long seven = 7;

	EXPECT_EQ(6, seven);
	EXPECT_STREQ("a", "b");
	TH_LOG("still running after EXPECT");
}

TEST(assert_fails_and_stops)
{
	int minus_two = -2;

	ASSERT_LT(0u, minus_two) {
		TH_LOG("handler ran");
	}
	TH_LOG("never printed: ASSERT stops the test");
}

TEST(expect_then_exit_still_fails)
{
	EXPECT_TRUE(0);
	exit(0);
}

TEST(skipped)
{
	SKIP(return, "no %s here", "device");
	TH_LOG("never printed: SKIP returned");
}

TEST(crashes)
{
	abort();
}

FIXTURE(timing) {
	int unused;
};

FIXTURE_SETUP(timing)
{
}

FIXTURE_TEARDOWN(timing)
{
}

TEST_F_TIMEOUT(timing, hangs, 1)
{
	sleep(30);
}

FIXTURE(arith) {
	int base;
};

FIXTURE_VARIANT(arith) {
	int add;
	int expect;
};

FIXTURE_VARIANT_ADD(arith, plus_one) {
	.add = 1,
	.expect = 11,
};

FIXTURE_VARIANT_ADD(arith, plus_two) {
	.add = 2,
	.expect = 12,
};

FIXTURE_SETUP(arith)
{
	self->base = 10;
}

FIXTURE_TEARDOWN(arith)
{
	TH_LOG("teardown base=%d", self->base);
}

TEST_F(arith, sums)
{
	ASSERT_EQ(variant->expect, self->base + variant->add);
}

TEST_F(arith, assert_runs_teardown)
{
	self->base = 99;
	ASSERT_EQ(variant->add, 0);
}

FIXTURE(no_device) {
	int fd;
};

FIXTURE_SETUP(no_device)
{
	self->fd = -1;
	SKIP(return, "device node missing");
}

FIXTURE_TEARDOWN(no_device)
{
	TH_LOG("teardown after skipped setup, fd=%d", self->fd);
}

TEST_F(no_device, body_not_run)
{
	TH_LOG("never printed: setup skipped");
}

TEST_HARNESS_MAIN
