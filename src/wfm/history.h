/* history.h — per-queue call history in whole weeks, from a CSV or calls. */
#ifndef PLATEAU_HISTORY_H
#define PLATEAU_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct csv;

/* One queue's history: calls[w * period + p] is week w, slot p, weeks
 * starting on Monday 00:00 civil time (util/civil.h). Intervals absent
 * from the file count as zero calls. */
struct history_queue {
	char name[65];        /* queue name, 1..64 of [A-Za-z0-9_.:@-]  */
	int64_t start;        /* Monday 00:00 of its first week, civil s */
	size_t nweeks;        /* whole weeks from start to history end   */
	double *calls;        /* nweeks * period counts, >= 0            */
	double *aht;          /* nweeks * period handle times in s, 0 where
			       * there were no calls; NULL without aht_s */
};

struct history {
	unsigned interval_s;  /* interval length, s; divides 86400       */
	size_t period;        /* intervals in a week                     */
	int64_t end;          /* Monday 00:00 after the last week, civil s */
	size_t nqueues;       /* queues, in order of first appearance    */
	struct history_queue *q; /* nqueues queues                       */
	bool has_aht;         /* the file had an aht_s column            */
	size_t rows;          /* data rows read                          */
};

#define HISTORY_MAX_QUEUES 64
/* Sum over queues of weeks x intervals a week: bounds memory (~64 MB). */
#define HISTORY_MAX_SLOTS (4u << 20)

/* Reads every row of c, whose header must have interval_start, queue and
 * calls, and may have aht_s. Checks: interval_start a civil date-time on
 * the interval_s grid, queue a valid name, calls in [0, 1000000], aht_s
 * in [1, 86400] (may be empty where calls is 0), no (queue,
 * interval_start) twice, at most HISTORY_MAX_QUEUES queues and
 * HISTORY_MAX_SLOTS slots. On error returns EINVAL (E2BIG for limits,
 * ENOMEM) with the message in csv_error(c), and *hp is untouched. */
int history_load(struct csv *c, unsigned interval_s, struct history **hp);

/* One call offered to a queue, for history_from_calls(). */
struct history_call {
	int64_t t;            /* civil time it entered the queue, s      */
	const char *queue;    /* queue name, 1..64 of [A-Za-z0-9_.:@-]   */
	double handle_s;      /* handle time if answered (> 0), else 0   */
};

/* Counts n calls (n >= 1) into intervals of interval_s seconds, per
 * queue: calls[slot] is the number of calls that entered in the slot,
 * aht[slot] the mean handle time of those answered; where calls entered
 * but none was answered, the mean over all the queue's answered calls
 * (0 where there were no calls, or the queue had no answered call).
 * Checks queue names and the limits of history_load(). On error returns
 * EINVAL or E2BIG with a one-line reason in errmsg (errsz bytes), ENOMEM;
 * *hp is untouched. */
int history_from_calls(const struct history_call *calls, size_t n,
		       unsigned interval_s, struct history **hp,
		       char *errmsg, size_t errsz);

void history_free(struct history *h);

/* Monday 00:00 of the week holding civil time t. */
int64_t history_week_start(int64_t t);

#endif
