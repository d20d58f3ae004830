/* today.c — today's counts per queue (offered, answered, within the
 * service level, abandoned, exited), in the center's time zone. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <re.h>
#include "config/center.h"
#include "store/store.h"
#include "api/api_int.h"

/*
 * Counted from the engine's events as they pass (O(1) each) and reset at
 * local midnight of the center's time zone; at start (and after each
 * midnight) seeded from the store's call records of the day, so a restart
 * does not lose the morning. "Within the service level" is a connect
 * whose wait is at most the queue's threshold at the time of the event.
 */

struct api_today {
	struct le le;              /* in api->today                         */
	char *queue;               /* queue id                              */
	struct api_day_counts n;   /* counts since local midnight           */
};

static void today_destructor(void *arg)
{
	struct api_today *t = arg;

	list_unlink(&t->le);
	mem_deref(t->queue);
}

static struct api_today *today_get(struct api *api, const char *queue,
				   bool add)
{
	struct api_today *t;

	for (struct le *le = api->today.head; le; le = le->next) {
		t = le->data;
		if (!strcmp(t->queue, queue))
			return t;
	}
	if (!add)
		return NULL;
	t = mem_zalloc(sizeof(*t), today_destructor);
	if (!t)
		return NULL;
	if (str_dup(&t->queue, queue)) {
		mem_deref(t);
		return NULL;
	}
	list_append(&api->today, &t->le, t);
	return t;
}

/* Local midnight (ms since the epoch) of the day holding wall: in the
 * process's time zone when the owner set it to the center's
 * (deps.local_time; `plateau serve` does at start), else UTC. */
static acd_ms_t midnight(const struct api *api, acd_ms_t wall)
{
	time_t t = (time_t)(wall / 1000), m;
	struct tm tm;

	if (!api->deps.local_time)
		return wall - wall % (24 * 3600 * 1000LL);
	localtime_r(&t, &tm);
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	m = mktime(&tm);
	if (m == (time_t)-1)
		return wall - wall % (24 * 3600 * 1000LL);
	return (acd_ms_t)m * 1000;
}

struct seed {
	struct api *api;
};

static bool seed_h(const struct store_cdr *c, void *arg)
{
	struct api *api = arg;
	const struct center_queue *q;
	struct api_today *t;

	if (!c->queue || c->outcome == STORE_OUTCOME_NONE ||
	    c->outcome == STORE_OUTCOME_FAILED)
		return true;
	t = today_get(api, c->queue, true);
	if (!t)
		return true;
	q = center_queue_find(api->deps.center, c->queue);
	t->n.offered++;
	switch (c->outcome) {
	case STORE_OUTCOME_ANSWERED:
		t->n.answered++;
		if (q && c->wait_ms <= q->acd.sl_time_ms)
			t->n.answered_in_sl++;
		break;
	case STORE_OUTCOME_ABANDONED:
		t->n.abandoned++;
		break;
	case STORE_OUTCOME_EXITED:
		t->n.exited++;
		break;
	default:
		break;
	}
	return true;
}

/* Starts a new day when midnight passed (and seeds it from the store). */
static void day_check(struct api *api)
{
	acd_ms_t wall = api_wall(api);
	struct store_cdr_filter f;

	if (api->day_start && wall < api->day_next)
		return;
	list_flush(&api->today);
	api->day_start = midnight(api, wall);
	/* the next midnight: 26 h on, back to its own midnight (DST days
	 * last 23 or 25 h) */
	api->day_next = midnight(api, api->day_start + 26 * 3600 * 1000LL);
	if (api->day_next <= api->day_start)
		api->day_next = api->day_start + 24 * 3600 * 1000LL;
	if (!api->deps.store)
		return;
	memset(&f, 0, sizeof(f));
	f.since_ms = api->day_start;
	/* calls still running have no outcome yet: they count as they end */
	(void)store_cdrs_read(api->deps.store, &f, seed_h, api);
}

void api_today_event(struct api *api, const struct acd_event *ev)
{
	struct api_today *t;
	const struct center_queue *q;

	if (!ev->queue)
		return;
	switch (ev->type) {
	case ACD_EV_CALL_ENTER:
	case ACD_EV_CONNECT:
	case ACD_EV_ABANDON:
	case ACD_EV_EXIT:
		break;
	default:
		return;
	}
	day_check(api);
	t = today_get(api, ev->queue, true);
	if (!t)
		return;
	switch (ev->type) {
	case ACD_EV_CALL_ENTER:
		t->n.offered++;
		break;
	case ACD_EV_CONNECT:
		q = center_queue_find(api->deps.center, ev->queue);
		t->n.answered++;
		if (q && ev->wait_ms <= q->acd.sl_time_ms)
			t->n.answered_in_sl++;
		break;
	case ACD_EV_ABANDON:
		t->n.abandoned++;
		break;
	default:
		t->n.exited++;
		break;
	}
}

void api_today_get(struct api *api, const char *queue,
		   struct api_day_counts *n)
{
	const struct api_today *t;

	day_check(api);
	t = today_get(api, queue, false);
	if (t)
		*n = t->n;
	else
		memset(n, 0, sizeof(*n));
}

/* Service level of finished calls in tenths of a percent, -1 if none. */
int api_today_sl(const struct api_day_counts *n)
{
	uint64_t done = n->answered + n->abandoned + n->exited;

	if (!done)
		return -1;
	return (int)((n->answered_in_sl * 1000 + done / 2) / done);
}
