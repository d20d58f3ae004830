/* test_timerheap.c — libre's timers, run from plateau's heap on a real
 * libre loop: order, ties, cancel, restart from a handler. */
#include <stdint.h>
#include <re.h>
#include "util/timerheap.h"
#include "test.h"

/* libre 1.1.0 exports the loop thread's own timer list without a header. */
struct list *tmrl_get(void);

enum { MANY = 400 };

struct fired_log {
	struct tmr tmrs[MANY];
	uint64_t due[MANY];        /* tmr.jfs right after the start         */
	unsigned order[MANY];      /* index of each firing, in firing order */
	unsigned count;
	bool late_ok;              /* every timer fired at or after due     */
	struct tmr *cancel_on_fire; /* a handler cancels this one           */
	unsigned restarts;         /* times slot 0 restarts itself          */
};

static struct fired_log lg;

static void stop_loop(void *arg)
{
	(void)arg;
	re_cancel();
}

static void run_loop_until_idle(unsigned max_ms)
{
	struct tmr guard;

	tmr_init(&guard);
	tmr_start(&guard, max_ms, stop_loop, NULL);
	(void)re_main(NULL);
	tmr_cancel(&guard);
}

static void on_fire(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;

	if (tmr_jiffies() < lg.due[i])
		lg.late_ok = false;
	if (lg.count < MANY)
		lg.order[lg.count] = i;
	lg.count++;
	if (lg.cancel_on_fire) {
		tmr_cancel(lg.cancel_on_fire);
		lg.cancel_on_fire = NULL;
	}
	if (i == 0 && lg.restarts) {
		lg.restarts--;
		tmr_start(&lg.tmrs[0], 0, on_fire, arg);
		lg.due[0] = lg.tmrs[0].jfs;
	}
	if (timerheap_count() == 1)   /* only run_loop_until_idle's guard */
		re_cancel();
}

static void start(unsigned i, uint64_t delay)
{
	tmr_start(&lg.tmrs[i], delay, on_fire, (void *)(uintptr_t)i);
	lg.due[i] = lg.tmrs[i].jfs;
}

static int begin(void)
{
	memset(&lg, 0, sizeof(lg));
	lg.late_ok = true;
	for (unsigned i = 0; i < MANY; i++)
		tmr_init(&lg.tmrs[i]);
	return libre_init();
}

/* Timers fire in expiry order, ties in start order, never early; libre's
 * own list holds one timer however many run. */
static int test_order_and_ties(void)
{
	uint32_t seed = 12345;
	int err = begin();

	if (err)
		return err;
	for (unsigned i = 0; i < MANY; i++) {
		seed = seed * 1103515245u + 12345u;
		start(i, (seed >> 16) % 8);   /* many share a millisecond */
	}
	TEST_EQ(timerheap_count(), MANY);
	TEST_ASSERT(list_count(tmrl_get()) <= 1);
	TEST_ASSERT(tmr_isrunning(&lg.tmrs[7]));
	TEST_ASSERT(tmr_get_expire(&lg.tmrs[7]) <= 7);
	run_loop_until_idle(2000);

	TEST_EQ(lg.count, MANY);
	TEST_ASSERT(lg.late_ok);
	for (unsigned k = 1; k < MANY; k++) {
		unsigned a = lg.order[k - 1], b = lg.order[k];

		if (lg.due[a] > lg.due[b] ||
		    (lg.due[a] == lg.due[b] && a > b))
			TEST_FAIL("timer %u (due %llu) fired after %u (due %llu)",
				  b, (unsigned long long)lg.due[b], a,
				  (unsigned long long)lg.due[a]);
	}
	for (unsigned i = 0; i < MANY; i++)
		TEST_ASSERT(!tmr_isrunning(&lg.tmrs[i]));
	TEST_EQ(timerheap_count(), 0);
	TEST_EQ(list_count(tmrl_get()), 0);
	libre_close();
	return 0;
}

/* Cancelled timers never fire, restarted ones fire once at their new
 * time, a handler can cancel a pending timer and restart itself with no
 * delay. */
static int test_cancel_and_restart(void)
{
	int err = begin();
	unsigned seen[MANY] = {0};

	if (err)
		return err;
	for (unsigned i = 0; i < 100; i++)
		start(i, 3);
	for (unsigned i = 0; i < 100; i += 3)
		tmr_cancel(&lg.tmrs[i + 1]);        /* 1, 4, 7, … never fire */
	for (unsigned i = 2; i < 100; i += 10)
		start(i, 1);            /* move earlier (22, 52, 82 revive)   */
	tmr_cancel(&lg.tmrs[99]);
	tmr_cancel(&lg.tmrs[99]);                    /* twice is harmless     */
	lg.cancel_on_fire = &lg.tmrs[98];            /* first firing cancels  */
	lg.restarts = 2;                             /* timer 0 fires 3 times */
	start(0, 0);
	run_loop_until_idle(2000);

	for (unsigned k = 0; k < lg.count && k < MANY; k++)
		seen[lg.order[k]]++;
	TEST_EQ(seen[0], 3);
	for (unsigned i = 1; i < 100; i++) {
		unsigned want = i % 10 == 2 ? 1 :
				(i % 3 == 1 || i == 99 || i == 98) ? 0 : 1;

		if (seen[i] != want)
			TEST_FAIL("timer %u fired %u times, expected %u", i,
				  seen[i], want);
	}
	TEST_ASSERT(lg.late_ok);
	TEST_EQ(lg.order[0], 0);       /* due now, before the 1 ms ones */
	TEST_EQ(timerheap_count(), 0);
	libre_close();
	return 0;
}

/* Random starts and cancels against a model: what fires is exactly what
 * was started and not cancelled since, once each. */
static int test_random_against_model(void)
{
	bool running[MANY] = {false};
	unsigned seen[MANY] = {0}, want = 0;
	uint32_t seed = 777;
	int err = begin();

	if (err)
		return err;
	for (unsigned op = 0; op < 5000; op++) {
		unsigned i;

		seed = seed * 1103515245u + 12345u;
		i = (seed >> 8) % MANY;
		if ((seed >> 20) % 4 == 0) {
			tmr_cancel(&lg.tmrs[i]);
			running[i] = false;
		}
		else {
			start(i, (seed >> 24) % 16);
			running[i] = true;
		}
		if (tmr_isrunning(&lg.tmrs[i]) != running[i])
			TEST_FAIL("op %u: timer %u running %d, expected %d",
				  op, i, tmr_isrunning(&lg.tmrs[i]),
				  running[i]);
	}
	for (unsigned i = 0; i < MANY; i++)
		want += running[i];
	TEST_EQ(timerheap_count(), want);
	run_loop_until_idle(2000);

	for (unsigned k = 0; k < lg.count && k < MANY; k++)
		seen[lg.order[k]]++;
	TEST_EQ(lg.count, want);
	for (unsigned i = 0; i < MANY; i++)
		TEST_EQ(seen[i], running[i] ? 1 : 0);
	TEST_ASSERT(lg.late_ok);
	libre_close();
	return 0;
}

const struct test tests_timerheap[] = {
	{"order_and_ties", test_order_and_ties},
	{"cancel_and_restart", test_cancel_and_restart},
	{"random_against_model", test_random_against_model},
	{NULL, NULL},
};
