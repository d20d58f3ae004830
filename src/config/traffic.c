/* traffic.c — reads the traffic CSV: day, time, queue, calls, handle
 * time, patience and call skills per interval. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/center.h"
#include "config/load.h"
#include "config/traffic.h"
#include "util/csv.h"

static const char *const days[] = {"mon", "tue", "wed", "thu", "fri",
				   "sat", "sun"};

void traffic_free(struct traffic *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->rows[i].queue);
		free(t->rows[i].skills);
	}
	free(t->rows);
	free(t);
}

static int read_rows(struct csv *cv, const struct center *c,
		     struct traffic *t)
{
	size_t cday, ctime, cmin, cq, ccalls, caht, cpat, csk;
	size_t cap = 0;
	int err;

	err = csv_column(cv, "day", true, &cday);
	if (!err)
		err = csv_column(cv, "time", true, &ctime);
	if (!err)
		err = csv_column(cv, "minutes", false, &cmin);
	if (!err)
		err = csv_column(cv, "queue", true, &cq);
	if (!err)
		err = csv_column(cv, "calls", true, &ccalls);
	if (!err)
		err = csv_column(cv, "aht_s", true, &caht);
	if (!err)
		err = csv_column(cv, "patience_s", false, &cpat);
	if (!err)
		err = csv_column(cv, "skills", false, &csk);
	while (!err) {
		struct traffic_row r;
		const char *s;
		bool got;
		long long mins = 30;
		unsigned hh, mm;
		char tail, why[128];

		err = csv_next(cv, &got);
		if (err || !got)
			break;
		memset(&r, 0, sizeof(r));
		r.line = csv_line(cv);
		err = csv_text(cv, cday, true, &s);
		if (err)
			break;
		r.dow = -2;
		if (!strcmp(s, "*"))
			r.dow = TRAFFIC_EVERY_DAY;
		for (int d = 0; d < 7; d++) {
			if (!strcmp(s, days[d]))
				r.dow = d;
		}
		if (r.dow == -2) {
			err = csv_fail(cv, cday, EINVAL, "expected mon..sun or "
				       "*, not '%s'", s);
			break;
		}
		err = csv_text(cv, ctime, true, &s);
		if (err)
			break;
		if (sscanf(s, "%2u:%2u%c", &hh, &mm, &tail) != 2 ||
		    strlen(s) != 5 || hh > 23 || mm > 59) {
			err = csv_fail(cv, ctime, EINVAL, "expected HH:MM, not "
				       "'%s'", s);
			break;
		}
		r.start_ms = (acd_ms_t)(hh * 3600 + mm * 60) * 1000;
		if (cmin != SIZE_MAX) {
			err = csv_int(cv, cmin, 1, 1440, &mins);
			if (err)
				break;
		}
		if (r.start_ms + mins * 60000 > 86400000) {
			err = csv_fail(cv, cmin, EINVAL, "the interval runs "
				       "past midnight");
			break;
		}
		r.len_ms = mins * 60000;
		err = csv_text(cv, cq, true, &s);
		if (err)
			break;
		if (c && !center_queue_find(c, s)) {
			err = csv_fail(cv, cq, EINVAL, "no queue '%s' in the "
				       "center", s);
			break;
		}
		r.queue = strdup(s);
		err = r.queue ? 0 : ENOMEM;
		if (!err)
			err = csv_double(cv, ccalls, 0, 1e6, &r.calls);
		if (!err)
			err = csv_double(cv, caht, 1, 86400, &r.aht_s);
		if (!err && cpat != SIZE_MAX && csv_field(cv, cpat)[0])
			err = csv_double(cv, cpat, 1, 86400, &r.patience_s);
		if (!err && csv_field(cv, csk) && csv_field(cv, csk)[0]) {
			s = csv_field(cv, csk);
			if (skills_expr_check(s, why, sizeof(why)))
				err = csv_fail(cv, csk, EINVAL, "bad skill "
					       "expression: %s", why);
			else if (!(r.skills = strdup(s)))
				err = ENOMEM;
		}
		if (!err && t->n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct traffic_row *v = realloc(t->rows,
							ncap * sizeof(*v));
			if (!v)
				err = ENOMEM;
			else {
				t->rows = v;
				cap = ncap;
			}
		}
		if (err) {
			free(r.queue);
			free(r.skills);
			break;
		}
		t->rows[t->n++] = r;
	}
	return err;
}

int traffic_parse(const char *buf, size_t len, const char *name,
		  const struct center *c, struct traffic **tp, char *err,
		  size_t errsz)
{
	struct csv *cv = NULL;
	struct traffic *t;
	int e;

	if (err && errsz)
		err[0] = '\0';
	if (!buf || !tp)
		return EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	e = csv_open_mem(&cv, name ? name : "traffic", buf, len, NULL);
	if (!e)
		e = read_rows(cv, c, t);
	if (!e && !t->n) {
		if (err && errsz)
			snprintf(err, errsz, "%s: no traffic rows",
				 name ? name : "traffic");
		e = EINVAL;
	}
	if (e && err && errsz && !err[0] && cv)
		snprintf(err, errsz, "%s", csv_error(cv));
	csv_free(cv);
	if (e)
		traffic_free(t);
	else
		*tp = t;
	return e;
}

int traffic_load(const char *path, const struct center *c,
		 struct traffic **tp, char *err, size_t errsz)
{
	FILE *f;
	char *buf;
	size_t n;
	int e;

	if (!path || !tp)
		return EINVAL;
	f = fopen(path, "rb");
	if (!f) {
		e = errno;
		if (err && errsz)
			snprintf(err, errsz, "%s: %s", path, strerror(e));
		return e;
	}
	buf = malloc(CENTER_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return ENOMEM;
	}
	n = fread(buf, 1, CENTER_FILE_MAX + 1, f);
	fclose(f);
	if (n > CENTER_FILE_MAX) {
		if (err && errsz)
			snprintf(err, errsz, "%s: larger than %u bytes", path,
				 CENTER_FILE_MAX);
		free(buf);
		return EFBIG;
	}
	e = traffic_parse(buf, n, path, c, tp, err, errsz);
	free(buf);
	return e;
}
