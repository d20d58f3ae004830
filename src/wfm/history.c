/* history.c — builds per-queue weekly call series from a history CSV or from calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/civil.h"
#include "util/csv.h"
#include "wfm/history.h"

#define WEEK_S (7 * 86400)

/* One data row, kept until every row is read. */
struct row {
	int64_t t;           /* interval start, civil s    */
	double calls;        /* calls in the interval       */
	double aht;          /* handle time, s; 0 if none   */
	unsigned q;          /* queue index                 */
	unsigned line;       /* line in the file            */
};

int64_t history_week_start(int64_t t)
{
	int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);

	return (day - civil_weekday(t)) * 86400;
}

void history_free(struct history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nqueues; i++) {
		free(h->q[i].calls);
		free(h->q[i].aht);
	}
	free(h->q);
	free(h);
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 64)
		return false;
	for (; *s; s++) {
		char ch = *s;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr("_.:@-", ch)))
			return false;
	}
	return true;
}

/* Index of the queue named name in h, adding it (week of t as its start)
 * if new; -1 when HISTORY_MAX_QUEUES are taken. */
static int queue_index(struct history *h, const char *name, int64_t t)
{
	size_t qi;

	for (qi = 0; qi < h->nqueues; qi++)
		if (!strcmp(h->q[qi].name, name))
			break;
	if (qi == h->nqueues) {
		if (h->nqueues == HISTORY_MAX_QUEUES)
			return -1;
		memcpy(h->q[qi].name, name, strlen(name) + 1);
		h->q[qi].start = history_week_start(t);
		h->nqueues++;
	}
	if (history_week_start(t) < h->q[qi].start)
		h->q[qi].start = history_week_start(t);
	return (int)qi;
}

/* Reads and checks one row into r, adding its queue to h if new. */
static int read_row(struct csv *c, struct history *h, const size_t col[4],
		    struct row *r)
{
	const char *name;
	int64_t t;
	double calls, aht = 0;
	int qi, err;

	err = csv_time(c, col[0], &t);
	if (err)
		return err;
	if (t % h->interval_s)
		return csv_fail(c, col[0], EINVAL, "not on the %u s interval "
				"grid", h->interval_s);
	err = csv_text(c, col[1], true, &name);
	if (err)
		return err;
	if (!valid_name(name))
		return csv_fail(c, col[1], EINVAL, "queue name must be 1 to "
				"64 of A-Z a-z 0-9 _ . : @ -");
	err = csv_double(c, col[2], 0, 1000000, &calls);
	if (err)
		return err;
	if (col[3] != SIZE_MAX) {
		const char *s = csv_field(c, col[3]);

		if (calls > 0 || (s && *s)) {
			err = csv_double(c, col[3], 1, 86400, &aht);
			if (err)
				return err;
		}
	}
	qi = queue_index(h, name, t);
	if (qi < 0)
		return csv_fail(c, col[1], E2BIG, "more than %d queues",
				HISTORY_MAX_QUEUES);
	r->t = t;
	r->calls = calls;
	r->aht = aht;
	r->q = (unsigned)qi;
	r->line = csv_line(c);
	return 0;
}

/* Lays the rows out in per-queue weekly arrays. */
static int build(struct csv *c, struct history *h, const struct row *rows,
		 size_t nrows, const size_t col[4])
{
	size_t total = 0;
	unsigned **seen;   /* line of each slot's row, 0 if none */
	int err = 0;

	for (size_t i = 0; i < h->nqueues; i++) {
		struct history_queue *q = &h->q[i];

		q->nweeks = (size_t)((h->end - q->start) / WEEK_S);
		total += q->nweeks * h->period;
		if (total > HISTORY_MAX_SLOTS)
			return csv_fail(c, SIZE_MAX, E2BIG, "history too "
					"long: more than %u intervals over "
					"all queues", HISTORY_MAX_SLOTS);
	}
	seen = calloc(h->nqueues, sizeof(*seen));
	if (!seen)
		return ENOMEM;
	for (size_t i = 0; i < h->nqueues; i++) {
		struct history_queue *q = &h->q[i];
		size_t n = q->nweeks * h->period;

		q->calls = calloc(n, sizeof(*q->calls));
		seen[i] = calloc(n, sizeof(**seen));
		if (h->has_aht)
			q->aht = calloc(n, sizeof(*q->aht));
		if (!q->calls || !seen[i] || (h->has_aht && !q->aht)) {
			err = ENOMEM;
			goto out;
		}
	}
	for (size_t k = 0; k < nrows; k++) {
		const struct row *r = &rows[k];
		struct history_queue *q = &h->q[r->q];
		size_t i = (size_t)((r->t - q->start) / h->interval_s);

		if (seen[r->q][i]) {
			char when[CIVIL_TEXT_MAX];

			civil_format(r->t, when, sizeof(when));
			err = csv_fail_line(c, r->line, col[0], EINVAL,
					    "%s for queue %s already given on "
					    "line %u", when, q->name,
					    seen[r->q][i]);
			goto out;
		}
		seen[r->q][i] = r->line;
		q->calls[i] = r->calls;
		if (q->aht)
			q->aht[i] = r->aht;
	}
 out:
	for (size_t i = 0; i < h->nqueues; i++)
		free(seen[i]);
	free(seen);
	return err;
}

int history_load(struct csv *c, unsigned interval_s, struct history **hp)
{
	struct history *h = NULL;
	struct row *rows = NULL;
	size_t nrows = 0, cap = 0, col[4];
	int64_t last = INT64_MIN;
	bool got;
	int err;

	if (!c || !hp || interval_s < 60 || 86400 % interval_s)
		return EINVAL;
	err = csv_column(c, "interval_start", true, &col[0]);
	if (!err)
		err = csv_column(c, "queue", true, &col[1]);
	if (!err)
		err = csv_column(c, "calls", true, &col[2]);
	if (!err)
		err = csv_column(c, "aht_s", false, &col[3]);
	if (err)
		return err;
	h = calloc(1, sizeof(*h));
	if (!h)
		return ENOMEM;
	h->q = calloc(HISTORY_MAX_QUEUES, sizeof(*h->q));
	if (!h->q) {
		err = ENOMEM;
		goto out;
	}
	h->interval_s = interval_s;
	h->period = (size_t)WEEK_S / interval_s;
	h->has_aht = col[3] != SIZE_MAX;
	for (;;) {
		err = csv_next(c, &got);
		if (err || !got)
			break;
		if (nrows == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct row *nr = realloc(rows, ncap * sizeof(*rows));

			if (!nr) {
				err = ENOMEM;
				break;
			}
			rows = nr;
			cap = ncap;
		}
		err = read_row(c, h, col, &rows[nrows]);
		if (err)
			break;
		if (rows[nrows].t > last)
			last = rows[nrows].t;
		nrows++;
	}
	if (err)
		goto out;
	if (!nrows) {
		err = csv_fail_line(c, 1, SIZE_MAX, EINVAL,
				    "no data rows after the header");
		goto out;
	}
	h->end = history_week_start(last) + WEEK_S;
	h->rows = nrows;
	err = build(c, h, rows, nrows, col);
 out:
	free(rows);
	if (err)
		history_free(h);
	else
		*hp = h;
	return err;
}

/* Sums the calls and handle times into h's slots, then turns handle time
 * sums into means of the answered calls (see history_from_calls). */
static int count_calls(struct history *h, const struct history_call *calls,
		       size_t n)
{
	unsigned **answered;
	int err = 0;

	answered = calloc(h->nqueues, sizeof(*answered));
	if (!answered)
		return ENOMEM;
	for (size_t i = 0; i < h->nqueues; i++) {
		struct history_queue *q = &h->q[i];
		size_t slots = q->nweeks * h->period;

		q->calls = calloc(slots, sizeof(*q->calls));
		q->aht = calloc(slots, sizeof(*q->aht));
		answered[i] = calloc(slots, sizeof(**answered));
		if (!q->calls || !q->aht || !answered[i]) {
			err = ENOMEM;
			goto out;
		}
	}
	for (size_t k = 0; k < n; k++) {
		/* every queue is known by now: this only looks it up */
		int qi = queue_index(h, calls[k].queue, calls[k].t);
		struct history_queue *q = &h->q[qi];
		size_t slot = (size_t)((calls[k].t - q->start) /
				       h->interval_s);

		q->calls[slot] += 1;
		if (calls[k].handle_s > 0) {
			q->aht[slot] += calls[k].handle_s;
			answered[qi][slot]++;
		}
	}
	for (size_t i = 0; i < h->nqueues; i++) {
		struct history_queue *q = &h->q[i];
		size_t slots = q->nweeks * h->period;
		double sum = 0, count = 0;

		for (size_t s = 0; s < slots; s++) {
			sum += q->aht[s];
			count += answered[i][s];
			if (answered[i][s])
				q->aht[s] /= answered[i][s];
		}
		/* calls but none answered: the queue's mean handle time */
		for (size_t s = 0; s < slots && count > 0; s++)
			if (q->calls[s] > 0 && !answered[i][s])
				q->aht[s] = sum / count;
	}
 out:
	for (size_t i = 0; i < h->nqueues; i++)
		free(answered[i]);
	free(answered);
	return err;
}

int history_from_calls(const struct history_call *calls, size_t n,
		       unsigned interval_s, struct history **hp,
		       char *errmsg, size_t errsz)
{
	struct history *h;
	int64_t last = INT64_MIN;
	size_t total = 0;
	int err = 0;

	if (!calls || !n || !hp || !errmsg || !errsz || interval_s < 60 ||
	    86400 % interval_s)
		return EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return ENOMEM;
	h->q = calloc(HISTORY_MAX_QUEUES, sizeof(*h->q));
	if (!h->q) {
		free(h);
		return ENOMEM;
	}
	h->interval_s = interval_s;
	h->period = (size_t)WEEK_S / interval_s;
	h->has_aht = true;
	h->rows = n;
	for (size_t k = 0; k < n && !err; k++) {
		if (!calls[k].queue || !valid_name(calls[k].queue)) {
			snprintf(errmsg, errsz, "queue '%s': a name must be 1 "
				 "to 64 of A-Z a-z 0-9 _ . : @ -",
				 calls[k].queue ? calls[k].queue : "");
			err = EINVAL;
		}
		else if (!(calls[k].handle_s >= 0) ||
			 calls[k].handle_s > 86400) {
			snprintf(errmsg, errsz, "queue %s: a handle time of "
				 "%g s is outside [0, 86400]",
				 calls[k].queue, calls[k].handle_s);
			err = EINVAL;
		}
		else if (queue_index(h, calls[k].queue, calls[k].t) < 0) {
			snprintf(errmsg, errsz, "more than %d queues",
				 HISTORY_MAX_QUEUES);
			err = E2BIG;
		}
		else if (calls[k].t > last)
			last = calls[k].t;
	}
	if (!err) {
		h->end = history_week_start(last) + WEEK_S;
		for (size_t i = 0; i < h->nqueues; i++) {
			h->q[i].nweeks = (size_t)((h->end - h->q[i].start) /
						  WEEK_S);
			total += h->q[i].nweeks * h->period;
		}
		if (total > HISTORY_MAX_SLOTS) {
			snprintf(errmsg, errsz, "history too long: more than "
				 "%u intervals over all queues",
				 HISTORY_MAX_SLOTS);
			err = E2BIG;
		}
	}
	if (!err)
		err = count_calls(h, calls, n);
	if (err)
		history_free(h);
	else
		*hp = h;
	return err;
}
