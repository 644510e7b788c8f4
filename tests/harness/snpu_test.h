/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * snpu_test.h - a header-only test harness in the style of the kernel's
 * kselftest_harness.h, for the device tests (which run inside the VM) and
 * for anything else that wants kselftest-compatible TAP output.
 *
 * Design:
 *  - TEST(), TEST_F(), FIXTURE*() expand to static objects plus a
 *    constructor that registers them; registration keeps everything sorted
 *    by source line, so the run order is the file order whatever order the
 *    constructors run in. Include this header from one file per binary and
 *    end that file with TEST_HARNESS_MAIN.
 *  - Each test runs in a forked child (fixture setup, test, teardown all in
 *    the child) that is the leader of its own process group, so a crash, a
 *    hang or a stray exit() fails that test only. The parent waits for
 *    SIGCHLD with a deadline (sigtimedwait) and kills the whole group when
 *    the test's timeout passes.
 *  - The test's state (struct __test_metadata, reached through _metadata)
 *    lives in a shared anonymous mapping, so EXPECT failures and SKIP
 *    reasons survive even when the child leaves through exit().
 *  - ASSERT_* failures longjmp out of the test body; the fixture teardown
 *    still runs when setup had completed. EXPECT_* record the failure and
 *    continue. Both accept an optional trailing block, run only on failure:
 *        ASSERT_EQ(0, ret) { TH_LOG("errno %d", errno); }
 *  - Comparisons are exact for any mix of integer types (a negative signed
 *    value is less than every unsigned value), and work for pointers;
 *    floating point values should be compared with ASSERT_TRUE.
 *
 * Output is TAP version 13 as kselftest prints it; exit status is 0 when
 * nothing failed, 1 when something failed, 4 when every test was skipped.
 * Options: -l (list), -t TEST, -f FIXTURE, -v VARIANT (each repeatable),
 * -h. SNPU_TEST_TIMEOUT_MULT=N in the environment multiplies every timeout
 * (for slow emulated machines).
 */
#ifndef SNPU_TEST_H
#define SNPU_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_XFAIL 2
#define KSFT_XPASS 3
#define KSFT_SKIP 4

#define TEST_TIMEOUT_DEFAULT 30

#ifndef TH_LOG_STREAM
#define TH_LOG_STREAM stdout
#endif
#ifndef TH_LOG_ENABLED
#define TH_LOG_ENABLED 1
#endif

/* State of the running test, shared between the child and the parent. */
struct __test_metadata {
	char name[256];		/* fixture[.variant].test */
	int passed;		/* cleared by any failed check */
	int skip;		/* set by SKIP() */
	int trigger;		/* the last check failed (drives the handler) */
	int setup_completed;	/* teardown runs only after a full setup */
	char reason[512];	/* SKIP() reason */
	jmp_buf env;		/* ASSERT_* jumps here */
};

struct __snpu_fixture;
struct __snpu_variant;

/* A registered test. */
struct __snpu_test {
	const char *name;
	struct __snpu_fixture *fixture;
	void (*fn)(struct __test_metadata *_metadata,
		   const struct __snpu_variant *v);
	int timeout;
	int line;
	struct __snpu_test *next;
};

/* A registered fixture variant. */
struct __snpu_variant {
	const char *name;
	const void *data;
	int line;
	struct __snpu_variant *next;
};

/* A fixture; TEST() uses the implicit "global" one. */
struct __snpu_fixture {
	const char *name;
	int line;
	int listed;
	struct __snpu_test *tests;
	struct __snpu_variant *variants;
	struct __snpu_fixture *next;
};

static struct __snpu_fixture *__snpu_fixtures;
static struct __snpu_fixture __snpu_global_fixture
	__attribute__((unused)) = { .name = "global" };

static inline void __snpu_add_fixture(struct __snpu_fixture *f)
{
	struct __snpu_fixture **p = &__snpu_fixtures;

	if (f->listed)
		return;
	f->listed = 1;
	while (*p && (*p)->line <= f->line)
		p = &(*p)->next;
	f->next = *p;
	*p = f;
}

static inline void __snpu_register_test(struct __snpu_test *t)
{
	struct __snpu_test **p = &t->fixture->tests;

	__snpu_add_fixture(t->fixture);
	while (*p && (*p)->line <= t->line)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

static inline void __snpu_register_variant(struct __snpu_fixture *f,
					   struct __snpu_variant *v)
{
	struct __snpu_variant **p = &f->variants;

	__snpu_add_fixture(f);
	while (*p && (*p)->line <= v->line)
		p = &(*p)->next;
	v->next = *p;
	*p = v;
}

/* ---- Declaring tests ---------------------------------------------------- */

#define TEST(test_name) __TEST_IMPL(test_name, TEST_TIMEOUT_DEFAULT)

#define __TEST_IMPL(test_name, _timeout)					\
	static void test_name(struct __test_metadata *_metadata);		\
	static void __snpu_wrap_##test_name(					\
		struct __test_metadata *_metadata,				\
		const struct __snpu_variant *__v __attribute__((unused)))	\
	{									\
		_metadata->setup_completed = 1;					\
		if (setjmp(_metadata->env) == 0)				\
			test_name(_metadata);					\
	}									\
	static struct __snpu_test __snpu_test_##test_name = {			\
		.name = #test_name,						\
		.fixture = &__snpu_global_fixture,				\
		.fn = __snpu_wrap_##test_name,					\
		.timeout = (_timeout),						\
		.line = __LINE__,						\
	};									\
	static void __attribute__((constructor))				\
	__snpu_register_##test_name(void)					\
	{									\
		__snpu_register_test(&__snpu_test_##test_name);			\
	}									\
	static void test_name(							\
		struct __test_metadata __attribute__((unused)) *_metadata)

#define FIXTURE_DATA(fixture_name) struct _test_data_##fixture_name
#define FIXTURE_VARIANT(fixture_name) struct _fixture_variant_##fixture_name

#define FIXTURE(fixture_name)							\
	FIXTURE_VARIANT(fixture_name);						\
	static struct __snpu_fixture __snpu_fixture_##fixture_name = {		\
		.name = #fixture_name,						\
		.line = __LINE__,						\
	};									\
	FIXTURE_DATA(fixture_name)

#define FIXTURE_SETUP(fixture_name)						\
	static void fixture_name##_setup(					\
		struct __test_metadata __attribute__((unused)) *_metadata,	\
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self,	\
		const FIXTURE_VARIANT(fixture_name)				\
			__attribute__((unused)) *variant)

#define FIXTURE_TEARDOWN(fixture_name)						\
	static void fixture_name##_teardown(					\
		struct __test_metadata __attribute__((unused)) *_metadata,	\
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self,	\
		const FIXTURE_VARIANT(fixture_name)				\
			__attribute__((unused)) *variant)

#define FIXTURE_VARIANT_ADD(fixture_name, variant_name)				\
	static const FIXTURE_VARIANT(fixture_name)				\
		__snpu_vdata_##fixture_name##_##variant_name;			\
	static struct __snpu_variant						\
		__snpu_variant_##fixture_name##_##variant_name = {		\
		.name = #variant_name,						\
		.data = &__snpu_vdata_##fixture_name##_##variant_name,		\
		.line = __LINE__,						\
	};									\
	static void __attribute__((constructor))				\
	__snpu_register_##fixture_name##_##variant_name(void)			\
	{									\
		__snpu_register_variant(&__snpu_fixture_##fixture_name,		\
			&__snpu_variant_##fixture_name##_##variant_name);	\
	}									\
	static const FIXTURE_VARIANT(fixture_name)				\
		__snpu_vdata_##fixture_name##_##variant_name =

#define TEST_F(fixture_name, test_name)						\
	__TEST_F_IMPL(fixture_name, test_name, TEST_TIMEOUT_DEFAULT)

#define TEST_F_TIMEOUT(fixture_name, test_name, seconds)			\
	__TEST_F_IMPL(fixture_name, test_name, seconds)

#define __TEST_F_IMPL(fixture_name, test_name, _timeout)			\
	static void fixture_name##_##test_name(					\
		struct __test_metadata *_metadata,				\
		FIXTURE_DATA(fixture_name) *self,				\
		const FIXTURE_VARIANT(fixture_name) *variant);			\
	static void __snpu_wrap_##fixture_name##_##test_name(			\
		struct __test_metadata *_metadata,				\
		const struct __snpu_variant *__v)				\
	{									\
		/* static: the child owns them and they must survive longjmp */ \
		static FIXTURE_DATA(fixture_name) __self;			\
		static const FIXTURE_VARIANT(fixture_name) *__vd;		\
										\
		__vd = __v ? __v->data : NULL;					\
										\
		if (setjmp(_metadata->env) == 0) {				\
			fixture_name##_setup(_metadata, &__self, __vd);		\
			_metadata->setup_completed = 1;				\
			if (_metadata->passed && !_metadata->skip)		\
				fixture_name##_##test_name(_metadata, &__self,	\
							   __vd);		\
		}								\
		if (_metadata->setup_completed &&				\
		    setjmp(_metadata->env) == 0)				\
			fixture_name##_teardown(_metadata, &__self, __vd);	\
	}									\
	static struct __snpu_test __snpu_test_##fixture_name##_##test_name = { \
		.name = #test_name,						\
		.fixture = &__snpu_fixture_##fixture_name,			\
		.fn = __snpu_wrap_##fixture_name##_##test_name,			\
		.timeout = (_timeout),						\
		.line = __LINE__,						\
	};									\
	static void __attribute__((constructor))				\
	__snpu_register_##fixture_name##_##test_name(void)			\
	{									\
		__snpu_register_test(						\
			&__snpu_test_##fixture_name##_##test_name);		\
	}									\
	static void fixture_name##_##test_name(					\
		struct __test_metadata __attribute__((unused)) *_metadata,	\
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self,	\
		const FIXTURE_VARIANT(fixture_name)				\
			__attribute__((unused)) *variant)

/* ---- Logging and skipping ----------------------------------------------- */

#define TH_LOG(fmt, ...)							\
	do {									\
		if (TH_LOG_ENABLED)						\
			fprintf(TH_LOG_STREAM, "# %s:%d:%s:" fmt "\n",		\
				__FILE__, __LINE__, _metadata->name,		\
				##__VA_ARGS__);					\
	} while (0)

#define SKIP(statement, fmt, ...)						\
	do {									\
		snprintf(_metadata->reason, sizeof(_metadata->reason),		\
			 fmt, ##__VA_ARGS__);					\
		_metadata->skip = 1;						\
		fprintf(TH_LOG_STREAM, "#      SKIP      %s\n",			\
			_metadata->reason);					\
		fflush(TH_LOG_STREAM);						\
		statement;							\
	} while (0)

/* ---- Checks ------------------------------------------------------------- */

#define __SNPU_IS_SIGNED(x) (((__typeof__(x))-1) < (__typeof__(x))1)

/*
 * The comparison itself is written once for all types; mixed signedness
 * is routed to __snpu_cmp_mixed() at run time, so the warnings the plain
 * form would raise for those types are silenced locally.
 */
#define __SNPU_DIAG_PUSH							\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wsign-compare\"")
#define __SNPU_DIAG_POP _Pragma("GCC diagnostic pop")

/*
 * Whether an integer, already widened to uintmax_t, was negative. A
 * function, not an expression, so the compiler does not warn that an
 * unsigned value can never be negative.
 */
static inline int __snpu_is_neg(int is_signed, uintmax_t v)
{
	return is_signed && (intmax_t)v < 0;
}

/* -1, 0, 1 as a <, ==, > b, for integers of any signedness. */
static inline int __snpu_cmp_mixed(int a_neg, uintmax_t a, int b_neg,
				   uintmax_t b)
{
	if (a_neg != b_neg)
		return a_neg ? -1 : 1;
	return a < b ? -1 : a > b;
}

static inline void __snpu_print_value(FILE *f, int is_signed, uintmax_t v)
{
	if (is_signed)
		fprintf(f, "%jd", (intmax_t)v);
	else if (v > 9)
		fprintf(f, "%ju (0x%jx)", v, v);
	else
		fprintf(f, "%ju", v);
}

static inline void __snpu_report(struct __test_metadata *m, const char *file,
				 int line, const char *e_str, int e_signed,
				 uintmax_t e, const char *op, const char *s_str,
				 int s_signed, uintmax_t s)
{
	fprintf(TH_LOG_STREAM, "# %s:%d:%s:Expected %s (", file, line,
		m->name, e_str);
	__snpu_print_value(TH_LOG_STREAM, e_signed, e);
	fprintf(TH_LOG_STREAM, ") %s %s (", op, s_str);
	__snpu_print_value(TH_LOG_STREAM, s_signed, s);
	fprintf(TH_LOG_STREAM, ")\n");
}

/* Run after a failed check; an ASSERT leaves the test here. */
static inline int __snpu_bail(int is_assert, struct __test_metadata *m)
{
	fflush(TH_LOG_STREAM);
	if (is_assert)
		longjmp(m->env, 1);
	return 0;
}

/*
 * A check is one statement: for (evaluate; failed; bail) HANDLER, where
 * HANDLER is whatever follows the macro (";" or "{ TH_LOG(...); }"), run
 * once on failure before the bail. The "switch (0) default:" in front of
 * the handler keeps GCC's -Wmisleading-indentation from taking a bare
 * block after "ASSERT_EQ(...);" for a misplaced loop body.
 */
#define __SNPU_HANDLER switch (0) default:

#define __SNPU_CHECK(_e, _e_str, _s, _s_str, _op, _assert)			\
	for (_metadata->trigger = ({						\
		__SNPU_DIAG_PUSH						\
		__typeof__(_e) __snpu_e = (_e);					\
		__typeof__(_s) __snpu_s = (_s);					\
		const int __snpu_es = __SNPU_IS_SIGNED(__snpu_e);		\
		const int __snpu_ss = __SNPU_IS_SIGNED(__snpu_s);		\
		int __snpu_ok = __snpu_es == __snpu_ss ?			\
			(__snpu_e _op __snpu_s) :				\
			(__snpu_cmp_mixed(					\
				__snpu_is_neg(__snpu_es, (uintmax_t)__snpu_e),		\
				(uintmax_t)__snpu_e,				\
				__snpu_is_neg(__snpu_ss, (uintmax_t)__snpu_s),		\
				(uintmax_t)__snpu_s) _op 0);			\
		__SNPU_DIAG_POP							\
		if (!__snpu_ok) {						\
			_metadata->passed = 0;					\
			__snpu_report(_metadata, __FILE__, __LINE__, _e_str,	\
				      __snpu_es, (uintmax_t)__snpu_e, #_op,	\
				      _s_str, __snpu_ss, (uintmax_t)__snpu_s); \
		}								\
		!__snpu_ok;							\
	     });								\
	     _metadata->trigger;						\
	     _metadata->trigger = __snpu_bail(_assert, _metadata))		\
		__SNPU_HANDLER

#define __SNPU_CHECK_STR(_e, _e_str, _s, _s_str, _eq, _assert)			\
	for (_metadata->trigger = ({						\
		const char *__snpu_e = (_e);					\
		const char *__snpu_s = (_s);					\
		int __snpu_same = __snpu_e && __snpu_s ?			\
			!strcmp(__snpu_e, __snpu_s) : __snpu_e == __snpu_s;	\
		int __snpu_ok = __snpu_same == (_eq);				\
		if (!__snpu_ok) {						\
			_metadata->passed = 0;					\
			fprintf(TH_LOG_STREAM,					\
				"# %s:%d:%s:Expected %s (\"%s\") %s %s (\"%s\")\n", \
				__FILE__, __LINE__, _metadata->name, _e_str,	\
				__snpu_e ? __snpu_e : "(null)",			\
				(_eq) ? "==" : "!=", _s_str,			\
				__snpu_s ? __snpu_s : "(null)");		\
		}								\
		!__snpu_ok;							\
	     });								\
	     _metadata->trigger;						\
	     _metadata->trigger = __snpu_bail(_assert, _metadata))		\
		__SNPU_HANDLER

#define ASSERT_EQ(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, ==, 1)
#define ASSERT_NE(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, !=, 1)
#define ASSERT_LT(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, <, 1)
#define ASSERT_LE(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, <=, 1)
#define ASSERT_GT(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, >, 1)
#define ASSERT_GE(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, >=, 1)
#define ASSERT_TRUE(seen) \
	__SNPU_CHECK(1, "true", !!(seen), #seen, ==, 1)
#define ASSERT_FALSE(seen) \
	__SNPU_CHECK(0, "false", !!(seen), #seen, ==, 1)
#define ASSERT_NULL(seen) \
	__SNPU_CHECK(NULL, "NULL", seen, #seen, ==, 1)
#define ASSERT_STREQ(expected, seen) \
	__SNPU_CHECK_STR(expected, #expected, seen, #seen, 1, 1)
#define ASSERT_STRNE(expected, seen) \
	__SNPU_CHECK_STR(expected, #expected, seen, #seen, 0, 1)

#define EXPECT_EQ(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, ==, 0)
#define EXPECT_NE(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, !=, 0)
#define EXPECT_LT(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, <, 0)
#define EXPECT_LE(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, <=, 0)
#define EXPECT_GT(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, >, 0)
#define EXPECT_GE(expected, seen) \
	__SNPU_CHECK(expected, #expected, seen, #seen, >=, 0)
#define EXPECT_TRUE(seen) \
	__SNPU_CHECK(1, "true", !!(seen), #seen, ==, 0)
#define EXPECT_FALSE(seen) \
	__SNPU_CHECK(0, "false", !!(seen), #seen, ==, 0)
#define EXPECT_NULL(seen) \
	__SNPU_CHECK(NULL, "NULL", seen, #seen, ==, 0)
#define EXPECT_STREQ(expected, seen) \
	__SNPU_CHECK_STR(expected, #expected, seen, #seen, 1, 0)
#define EXPECT_STRNE(expected, seen) \
	__SNPU_CHECK_STR(expected, #expected, seen, #seen, 0, 0)

/* ---- Runner ------------------------------------------------------------- */

/* Filters from the command line; a test runs if it matches each kind. */
struct __snpu_filters {
	char **test, **fixture, **variant;
	int n_test, n_fixture, n_variant;
};

static inline int __snpu_in(char **list, int n, const char *a, const char *b)
{
	int i;

	if (!n)
		return 1;
	for (i = 0; i < n; i++)
		if (!strcmp(list[i], a) || (b && !strcmp(list[i], b)))
			return 1;
	return 0;
}

static inline void __snpu_full_name(char *buf, size_t len,
				    const struct __snpu_fixture *f,
				    const struct __snpu_variant *v,
				    const struct __snpu_test *t)
{
	snprintf(buf, len, "%s%s%s.%s", f->name, v ? "." : "",
		 v ? v->name : "", t->name);
}

static inline int __snpu_selected(const struct __snpu_filters *flt,
				  const struct __snpu_fixture *f,
				  const struct __snpu_variant *v,
				  const struct __snpu_test *t)
{
	char full[256];

	__snpu_full_name(full, sizeof(full), f, v, t);
	return __snpu_in(flt->fixture, flt->n_fixture, f->name, NULL) &&
	       __snpu_in(flt->variant, flt->n_variant, v ? v->name : "", NULL) &&
	       __snpu_in(flt->test, flt->n_test, t->name, full);
}

/* Calls fn(f, v, t, arg) for every selected test, in run order. */
static inline void __snpu_each(const struct __snpu_filters *flt,
			       void (*fn)(struct __snpu_fixture *,
					  struct __snpu_variant *,
					  struct __snpu_test *, void *),
			       void *arg)
{
	struct __snpu_fixture *f;
	struct __snpu_variant *v;
	struct __snpu_test *t;

	for (f = __snpu_fixtures; f; f = f->next) {
		v = f->variants;
		do {
			for (t = f->tests; t; t = t->next)
				if (__snpu_selected(flt, f, v, t))
					fn(f, v, t, arg);
			v = v ? v->next : NULL;
		} while (v);
	}
}

struct __snpu_counts {
	unsigned int tests, cases, pass, fail, skip;
	const struct __snpu_fixture *last_f;
	const struct __snpu_variant *last_v;
	struct __test_metadata *m;	/* shared with the children */
	int timeout_mult;
};

static inline void __snpu_count(struct __snpu_fixture *f,
				struct __snpu_variant *v,
				struct __snpu_test *t, void *arg)
{
	struct __snpu_counts *c = arg;

	c->tests++;
	if (c->last_f != f || c->last_v != v || c->cases == 0)
		c->cases++;
	c->last_f = f;
	c->last_v = v;
}

static inline void __snpu_list(struct __snpu_fixture *f,
			       struct __snpu_variant *v,
			       struct __snpu_test *t, void *arg)
{
	char full[256];

	__snpu_full_name(full, sizeof(full), f, v, t);
	printf("%s\n", full);
}

/* Runs in the child: the test body, then exit with its verdict. */
static inline void __snpu_child(struct __snpu_test *t,
				struct __snpu_variant *v,
				struct __test_metadata *m,
				const sigset_t *orig_mask)
{
	setpgid(0, 0);
	sigprocmask(SIG_SETMASK, orig_mask, NULL);
	t->fn(m, v);
	fflush(NULL);
	exit(!m->passed ? KSFT_FAIL : m->skip ? KSFT_SKIP : KSFT_PASS);
}

/*
 * Waits for the child until the deadline; SIGCHLD is blocked in the
 * parent, so it stays pending until sigtimedwait() takes it.
 * Returns 0 and the wait status, or -1 on timeout (the child group is
 * killed and reaped).
 */
static inline int __snpu_wait(pid_t pid, int timeout, int *status)
{
	struct timespec now, end, left;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR) {
			*status = 0;
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_nsec += 1000000000L;
			left.tv_sec--;
		}
		if (left.tv_sec < 0)
			break;
		if (sigtimedwait(&chld, NULL, &left) < 0 && errno == EAGAIN)
			break;
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return -1;
}

static inline void __snpu_run_one(struct __snpu_fixture *f,
				  struct __snpu_variant *v,
				  struct __snpu_test *t, void *arg)
{
	struct __snpu_counts *c = arg;
	struct __test_metadata *m = c->m;
	int timeout = t->timeout * c->timeout_mult;
	sigset_t chld, orig;
	int status = 0, verdict;
	pid_t pid;

	memset(m, 0, sizeof(*m));
	__snpu_full_name(m->name, sizeof(m->name), f, v, t);
	m->passed = 1;
	printf("#  RUN           %s ...\n", m->name);
	fflush(NULL);

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &orig);
	pid = fork();
	if (pid == 0)
		__snpu_child(t, v, m, &orig);
	if (pid < 0) {
		printf("# %s: fork failed: %s\n", m->name, strerror(errno));
		m->passed = 0;
	} else if (__snpu_wait(pid, timeout, &status) < 0) {
		printf("# %s: Test terminated by timeout (%d s)\n", m->name,
		       timeout);
		m->passed = 0;
	} else if (WIFSIGNALED(status)) {
		printf("# %s: Test terminated unexpectedly by signal %d (%s)\n",
		       m->name, WTERMSIG(status), strsignal(WTERMSIG(status)));
		m->passed = 0;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != KSFT_PASS &&
		   !(WEXITSTATUS(status) == KSFT_SKIP && m->skip) &&
		   !(WEXITSTATUS(status) == KSFT_FAIL && !m->passed)) {
		printf("# %s: Test exited with status %d\n", m->name,
		       WEXITSTATUS(status));
		m->passed = 0;
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);

	verdict = !m->passed ? KSFT_FAIL : m->skip ? KSFT_SKIP : KSFT_PASS;
	printf("# %13s  %s\n", verdict == KSFT_FAIL ? "FAIL" : "OK", m->name);
	c->tests++;
	if (verdict == KSFT_FAIL) {
		c->fail++;
		printf("not ok %u %s\n", c->tests, m->name);
	} else if (verdict == KSFT_SKIP) {
		c->skip++;
		printf("ok %u %s # SKIP %s\n", c->tests, m->name,
		       m->reason[0] ? m->reason : "unknown");
	} else {
		c->pass++;
		printf("ok %u %s\n", c->tests, m->name);
	}
	fflush(NULL);
}

static inline void __snpu_usage(const char *argv0, FILE *out)
{
	fprintf(out,
		"Usage: %s [-h] [-l] [-t TEST] [-f FIXTURE] [-v VARIANT]\n"
		"  -l          list the tests and exit\n"
		"  -t TEST     run only TEST (bare name or fixture[.variant].test)\n"
		"  -f FIXTURE  run only tests of FIXTURE\n"
		"  -v VARIANT  run only tests of VARIANT\n"
		"  each filter may be repeated; kinds combine with AND\n"
		"Environment: SNPU_TEST_TIMEOUT_MULT=N multiplies timeouts.\n",
		argv0);
}

static inline int __snpu_add_filter(char ***list, int *n, char *value)
{
	char **grown = realloc(*list, (size_t)(*n + 1) * sizeof(**list));

	if (!grown)
		return -1;
	grown[(*n)++] = value;
	*list = grown;
	return 0;
}

static inline int test_harness_run(int argc, char **argv)
{
	struct __snpu_filters flt = { 0 };
	struct __snpu_counts c = { 0 };
	const char *mult = getenv("SNPU_TEST_TIMEOUT_MULT");
	int opt, list = 0, ret = 0;

	while ((opt = getopt(argc, argv, "hlt:f:v:")) != -1) {
		switch (opt) {
		case 'l':
			list = 1;
			break;
		case 't':
			ret = __snpu_add_filter(&flt.test, &flt.n_test, optarg);
			break;
		case 'f':
			ret = __snpu_add_filter(&flt.fixture, &flt.n_fixture,
						optarg);
			break;
		case 'v':
			ret = __snpu_add_filter(&flt.variant, &flt.n_variant,
						optarg);
			break;
		case 'h':
			__snpu_usage(argv[0], stdout);
			return KSFT_PASS;
		default:
			__snpu_usage(argv[0], stderr);
			return KSFT_FAIL;
		}
		if (ret) {
			fprintf(stderr, "%s: out of memory\n", argv[0]);
			return KSFT_FAIL;
		}
	}
	if (optind < argc) {
		__snpu_usage(argv[0], stderr);
		return KSFT_FAIL;
	}
	if (list) {
		__snpu_each(&flt, __snpu_list, NULL);
		goto out;
	}

	c.timeout_mult = mult && atoi(mult) > 0 ? atoi(mult) : 1;
	__snpu_each(&flt, __snpu_count, &c);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	printf("1..%u\n", c.tests);
	printf("# Starting %u tests from %u test cases.\n", c.tests, c.cases);
	c.m = mmap(NULL, sizeof(*c.m), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c.m == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		ret = KSFT_FAIL;
		goto out;
	}
	c.tests = 0;
	__snpu_each(&flt, __snpu_run_one, &c);
	munmap(c.m, sizeof(*c.m));

	printf("# %s: %u / %u tests passed.\n", c.fail ? "FAILED" : "PASSED",
	       c.pass, c.tests);
	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
	       c.pass, c.fail, c.skip);
	if (c.fail)
		ret = KSFT_FAIL;
	else if (c.skip == c.tests)
		ret = KSFT_SKIP;
	else
		ret = KSFT_PASS;
out:
	free(flt.test);
	free(flt.fixture);
	free(flt.variant);
	return ret;
}

#define TEST_HARNESS_MAIN							\
	int main(int argc, char **argv)						\
	{									\
		return test_harness_run(argc, argv);				\
	}

#endif /* SNPU_TEST_H */
