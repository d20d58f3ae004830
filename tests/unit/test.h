/* test.h — the unit-test runner's contract: tests are functions in tables. */
#ifndef PLATEAU_TEST_H
#define PLATEAU_TEST_H

#include <stdio.h>
#include <string.h>
#include <errno.h>

/* One test: returns 0 on success, an errno value on failure. The runner
 * compares heap bytes in use before and after and fails a test that leaks.
 * tests/unit/test_NAME.c defines `const struct test tests_NAME[]`,
 * ending with an entry whose name is NULL. */
struct test {
	const char *name;
	int (*fn)(void);
};

/* Fail the test with a message naming the file and line. */
#define TEST_FAIL(...)                                                     \
	do {                                                               \
		fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);          \
		fprintf(stderr, __VA_ARGS__);                              \
		fprintf(stderr, "\n");                                     \
		return EINVAL;                                             \
	} while (0)

#define TEST_ASSERT(cond)                                                  \
	do {                                                               \
		if (!(cond))                                               \
			TEST_FAIL("assertion failed: %s", #cond);          \
	} while (0)

#define TEST_EQ(a, b)                                                      \
	do {                                                               \
		long long a_ = (long long)(a), b_ = (long long)(b);        \
		if (a_ != b_)                                              \
			TEST_FAIL("%s == %lld, expected %s == %lld", #a, a_, \
				  #b, b_);                                 \
	} while (0)

#define TEST_STREQ(a, b)                                                   \
	do {                                                               \
		const char *a_ = (a), *b_ = (b);                           \
		if (!a_ || !b_ || strcmp(a_, b_))                          \
			TEST_FAIL("%s == \"%s\", expected \"%s\"", #a,     \
				  a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} while (0)

/* |a - b| <= tol */
#define TEST_NEAR(a, b, tol)                                               \
	do {                                                               \
		double a_ = (a), b_ = (b), t_ = (tol);                     \
		if (!(a_ - b_ <= t_ && b_ - a_ <= t_))                     \
			TEST_FAIL("%s == %.17g, expected %.17g (tol %g)",  \
				  #a, a_, b_, t_);                         \
	} while (0)

#define SUITE(n) extern const struct test tests_##n[];
#include "suites.h"
#undef SUITE

#endif
