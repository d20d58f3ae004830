/* timers.c — the engine's timers: one binary min-heap ordered by (due,
 * start order), with lazy deletion through generation counters. */
#include "acd_int.h"

/*
 * A timer is cancelled by bumping the generation it was started with
 * (call->gen[kind], agent->wrap_gen) or by the call ending; the stale
 * entry stays in the heap until it reaches the top, where it is dropped
 * without effect. Start and pop are O(log n); acd_next_deadline() is O(1)
 * because every input prunes stale entries off the top before returning.
 */

static bool before(const struct timer *a, const struct timer *b)
{
	if (a->due != b->due)
		return a->due < b->due;
	return a->seq < b->seq;
}

static void swap(struct timer *a, struct timer *b)
{
	struct timer t = *a;

	*a = *b;
	*b = t;
}

/* Makes room for `more` timers, so a later start cannot fail. */
int timer_reserve(struct acd *acd, size_t more)
{
	size_t cap;
	struct timer *h;

	if (acd->heap_n + more <= acd->heap_cap)
		return 0;
	cap = acd->heap_cap ? acd->heap_cap * 2 : 64;
	while (cap < acd->heap_n + more)
		cap *= 2;
	/* libre's mem_realloc() does not take NULL */
	h = acd->heap ? mem_realloc(acd->heap, cap * sizeof(*h)) :
		mem_alloc(cap * sizeof(*h), NULL);
	if (!h)
		return ENOMEM;
	acd->heap = h;
	acd->heap_cap = cap;
	return 0;
}

int timer_start(struct acd *acd, acd_ms_t due, enum tmr_kind kind,
		uint64_t call, struct agent *agent, uint32_t gen)
{
	struct timer *h;
	size_t i;
	int err;

	err = timer_reserve(acd, 1);
	if (err)
		return err;
	h = acd->heap;
	i = acd->heap_n++;
	h[i].due = due;
	h[i].seq = acd->tmr_seq++;
	h[i].call = call;
	h[i].agent = agent;
	h[i].gen = gen;
	h[i].kind = (uint8_t)kind;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!before(&h[i], &h[parent]))
			break;
		swap(&h[i], &h[parent]);
		i = parent;
	}
	return 0;
}

static void pop(struct acd *acd)
{
	struct timer *h = acd->heap;
	size_t i = 0, n;

	n = --acd->heap_n;
	if (n == 0)
		return;
	h[0] = h[n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < n && before(&h[l], &h[m]))
			m = l;
		if (r < n && before(&h[r], &h[m]))
			m = r;
		if (m == i)
			break;
		swap(&h[i], &h[m]);
		i = m;
	}
}

/* True when the timer still means something (not cancelled). */
bool timer_valid(const struct acd *acd, const struct timer *t)
{
	const struct call *call;

	if (t->kind == TMR_WRAPUP)
		return t->agent->state == ACD_AGENT_WRAP_UP &&
			t->agent->wrap_gen == t->gen;
	call = acd_call_find(acd, t->call);
	if (!call)
		return false;
	return call->gen[t->kind] == t->gen;
}

/* Pops the earliest valid timer due at or before now into *t. */
bool timer_pop_due(struct acd *acd, acd_ms_t now, struct timer *t)
{
	while (acd->heap_n > 0 && acd->heap[0].due <= now) {
		*t = acd->heap[0];
		pop(acd);
		if (timer_valid(acd, t))
			return true;
	}
	return false;
}

/* Drops cancelled timers from the top of the heap. */
void timer_prune(struct acd *acd)
{
	while (acd->heap_n > 0 && !timer_valid(acd, &acd->heap[0]))
		pop(acd);
}

acd_ms_t timer_next(const struct acd *acd)
{
	return acd->heap_n > 0 ? acd->heap[0].due : ACD_NEVER;
}
