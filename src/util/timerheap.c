/* timerheap.c — replaces libre 1.1.0's timer list with a binary heap, by
 * interposing tmr_start and tmr_cancel (libre calls both through its PLT).
 *
 * libre 1.1.0 keeps every timer of a thread in one list sorted by expiry
 * and inserts by walking it from the tail: a 500 ms retransmission timer
 * walks past every 32 s SIP transaction timer started in the last 32 s,
 * so the cost of a call grows with the call rate (LIBRE-NOTES.md,
 * BENCHMARKS.md). Here the loop thread's timers live in a heap ordered by
 * (expiry, start order): O(log n) to start, cancel or fire, and timers due
 * at the same millisecond still fire in the order they were started, as
 * in libre. libre's own list then holds a single timer, the driver, armed
 * for the earliest expiry in the heap; when it fires it runs every due
 * timer of the heap.
 *
 * A timer in the heap keeps libre's fields meaningful for libre's inline
 * and exported readers (th running or not, jfs its expiry, so
 * tmr_isrunning and tmr_get_expire still answer right); its list element
 * is ours: le.list points at a marker and le.data holds its heap slot.
 * Only the thread that started the first timer (the event loop) uses the
 * heap; timers started on any other thread go to libre's own list of that
 * thread, as before. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <re.h>
#include "util/timerheap.h"

typedef void (tmr_start_f)(struct tmr *, uint64_t, tmr_h *, void *);

/* One slot of the heap: the key is copied here so that sifting reads
 * one array, not the timers. */
struct slot {
	uint64_t expire;           /* tmr_jiffies() at which it is due      */
	uint64_t order;            /* start order: ties fire first-started  */
	struct tmr *tmr;
};

static struct {
	tmr_start_f *libre_start;  /* libre's own tmr_start                 */
	pthread_t loop;            /* the thread whose timers live here     */
	bool loop_known;
	struct slot *slots;
	size_t count, cap;
	uint64_t started;          /* timers started so far (start order)   */
	struct tmr driver;         /* the only timer in libre's list        */
	bool firing;               /* inside driver_fired()                 */
	struct list marker;        /* le.list of every timer in the heap    */
} th;

static bool on_loop_thread(void)
{
	if (!th.loop_known) {
		th.loop = pthread_self();
		th.loop_known = true;
		th.libre_start = (tmr_start_f *)dlsym(RTLD_NEXT, "tmr_start");
	}
	return pthread_equal(th.loop, pthread_self());
}

static bool in_heap(const struct tmr *tmr)
{
	return tmr->th && tmr->le.list == &th.marker;
}

static bool before(const struct slot *a, const struct slot *b)
{
	return a->expire != b->expire ? a->expire < b->expire
				      : a->order < b->order;
}

static void place(size_t i, struct slot s)
{
	th.slots[i] = s;
	s.tmr->le.data = (void *)(uintptr_t)i;
}

static void sift_up(size_t i, struct slot s)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!before(&s, &th.slots[parent]))
			break;
		place(i, th.slots[parent]);
		i = parent;
	}
	place(i, s);
}

static void sift_down(size_t i, struct slot s)
{
	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= th.count)
			break;
		if (child + 1 < th.count &&
		    before(&th.slots[child + 1], &th.slots[child]))
			child++;
		if (!before(&th.slots[child], &s))
			break;
		place(i, th.slots[child]);
		i = child;
	}
	place(i, s);
}

/* Takes slot I out of the heap. An empty heap gives its memory back, so
 * that a quiet loop holds nothing. */
static void heap_remove(size_t i)
{
	struct slot last = th.slots[--th.count];

	if (i < th.count) {
		if (i > 0 && before(&last, &th.slots[(i - 1) / 2]))
			sift_up(i, last);
		else
			sift_down(i, last);
	}
	if (!th.count) {
		free(th.slots);
		th.slots = NULL;
		th.cap = 0;
	}
}

static bool heap_push(struct tmr *tmr)
{
	if (th.count == th.cap) {
		size_t cap = th.cap ? 2 * th.cap : 64;
		struct slot *slots = realloc(th.slots, cap * sizeof(*slots));

		if (!slots)
			return false;
		th.slots = slots;
		th.cap = cap;
	}
	tmr->le.list = &th.marker;
	sift_up(th.count++, (struct slot){tmr->jfs, th.started++, tmr});
	return true;
}

static void driver_fired(void *arg);

/* Arms libre's one timer for the heap's earliest expiry. */
static void arm_driver(void)
{
	uint64_t now, due;

	if (!th.count) {
		if (th.driver.th)
			th.libre_start(&th.driver, 0, NULL, NULL);
		return;
	}
	due = th.slots[0].expire;
	if (th.driver.th && th.driver.jfs == due)
		return;
	now = tmr_jiffies();
	th.libre_start(&th.driver, due > now ? due - now : 0, driver_fired,
		       NULL);
}

/* Runs every timer due now, earliest first, as libre's tmr_poll does
 * (a handler may start or cancel any timer, itself included). */
static void driver_fired(void *arg)
{
	const uint64_t now = tmr_jiffies();

	(void)arg;
	th.firing = true;
	while (th.count && th.slots[0].expire <= now) {
		struct tmr *tmr = th.slots[0].tmr;
		tmr_h *handler = tmr->th;
		void *handler_arg = tmr->arg;

		heap_remove(0);
		tmr->th = NULL;
		tmr->le.list = NULL;
		handler(handler_arg);
	}
	th.firing = false;
	arm_driver();
}

void tmr_start(struct tmr *tmr, uint64_t delay, tmr_h *handler, void *arg)
{
	if (!tmr)
		return;
	if (!on_loop_thread() || !th.libre_start) {
		if (th.libre_start)
			th.libre_start(tmr, delay, handler, arg);
		return;
	}
	if (in_heap(tmr)) {
		heap_remove((size_t)(uintptr_t)tmr->le.data);
		if (!th.count && !th.firing)
			arm_driver();   /* nothing left: libre's list empties */
	}
	else if (tmr->th)
		th.libre_start(tmr, 0, NULL, NULL);
	tmr->th = NULL;
	tmr->le.list = NULL;
	if (!handler)
		return;

	tmr->arg = arg;
	tmr->jfs = tmr_jiffies() + delay;
	tmr->th = handler;
	if (!heap_push(tmr)) {
		/* Out of memory: libre's list still works, only slower. */
		tmr->th = NULL;
		th.libre_start(tmr, delay, handler, arg);
		return;
	}
	if (!th.firing && th.slots[0].tmr == tmr)
		arm_driver();
}

void tmr_cancel(struct tmr *tmr)
{
	tmr_start(tmr, 0, NULL, NULL);
}

size_t timerheap_count(void)
{
	return th.count;
}
