/* runner.c — runs the unit-test tables, failing any test that leaks heap. */
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <re.h>
#include "test.h"

struct suite {
	const char *name;
	const struct test *tests;
};

static const struct suite suites[] = {
#define SUITE(n) {#n, tests_##n},
#include "suites.h"
#undef SUITE
	{NULL, NULL}
};

/* Bytes of heap in use; 0 under AddressSanitizer, whose LeakSanitizer
 * checks the whole run at exit instead. */
static size_t heap_in_use(void)
{
	return mallinfo2().uordblks;
}

/* A filter is "suite" or "suite/test" (prefix match on the test name). */
static int selected(const char *filter, const char *suite, const char *test)
{
	size_t n;

	if (!filter)
		return 1;
	n = strlen(suite);
	if (strncmp(filter, suite, n))
		return 0;
	if (filter[n] == '\0')
		return 1;
	if (filter[n] != '/')
		return 0;
	return !strncmp(filter + n + 1, test, strlen(filter + n + 1));
}

/* glibc's per-thread cache keeps small freed blocks, and mallinfo2 counts
 * them as in use: a test that frees everything would look as if it
 * leaked. Run with the cache off so that the count is exact; this
 * re-executes the runner once with the tunable set. The same holds for
 * the arena glibc creates (once, for good) for a thread's first malloc:
 * one arena only. */
static void tcache_off(char **argv)
{
	const char *t = getenv("GLIBC_TUNABLES");

	if (t && strstr(t, "glibc.malloc.tcache_count=0"))
		return;
	if (setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0:"
		   "glibc.malloc.arena_max=1", 1))
		return;
	execv("/proc/self/exe", argv);
	/* If that failed, go on: a leak may then be over-reported. */
}

/* The first thread a process creates allocates once, for good (thread
 * bookkeeping): create one before the tests, so that a test starting a
 * thread (the store's writer) is not charged for it. */
static void *idle_thread(void *arg)
{
	return arg;
}

/* libre's hashes and random numbers come from OpenSSL, which allocates
 * its global state (about 256 KB) once, on first use: pay for it before
 * the tests, so that the first test using md5() is not charged for it. */
static void crypto_warm_up(void)
{
	uint8_t d[16];

	md5((const uint8_t *)"x", 1, d);
	rand_bytes(d, sizeof(d));
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned passed = 0, failed = 0;

	pthread_t thread;

	tcache_off(argv);
	if (!pthread_create(&thread, NULL, idle_thread, NULL))
		pthread_join(thread, NULL);
	crypto_warm_up();

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("unit tests%s%s\n", filter ? " matching " : "",
	       filter ? filter : "");

	for (const struct suite *s = suites; s->name; s++) {
		for (const struct test *t = s->tests; t->name; t++) {
			size_t before, after;
			int err;

			if (!selected(filter, s->name, t->name))
				continue;
			before = heap_in_use();
			err = t->fn();
			after = heap_in_use();
			if (!err && after > before) {
				fprintf(stderr, "  leaked %zu bytes\n",
					after - before);
				err = ENOMEM;
			}
			if (err) {
				printf("FAIL %s/%s (%s)\n", s->name, t->name,
				       strerror(err));
				failed++;
			}
			else {
				printf("ok   %s/%s\n", s->name, t->name);
				passed++;
			}
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
