/* forecast.c — `plateau forecast`: calls per interval from history. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <re.h>
#include "cmd/cmd.h"
#include "config/center.h"
#include "store/store.h"
#include "util/args.h"
#include "util/civil.h"
#include "util/csv.h"
#include "util/svg.h"
#include "wfm/forecast.h"
#include "wfm/history.h"

#define CMD "plateau forecast"
#define WEEK_S (7 * 86400)
#define MAX_WEEKS 104
#define MAX_CLOSED 400        /* --closed dates at most                 */

enum format { FMT_TABLE, FMT_CSV, FMT_JSON };

/* Options as given. */
struct opts {
	const char *history;  /* history CSV path, or NULL              */
	const char *store;    /* data directory of a store, or NULL     */
	const char *tenant;   /* --tenant: only its calls, or NULL      */
	const char *zone;     /* --timezone, or NULL: the stored center's */
	int64_t since;        /* --since, civil s; INT64_MIN = none     */
	int64_t until;        /* --until, civil s; INT64_MIN = this week */
	const char *source;   /* what the history was read from         */
	long weeks;           /* weeks to forecast                      */
	int method;           /* enum forecast_method, or -1 for auto   */
	long interval;        /* interval length, s                     */
	long holdout;         /* weeks held out for the backtest        */
	double aht;           /* handle time to use, s; 0 = history's   */
	enum format format;   /* output format                          */
	const char *svg;      /* chart path, or NULL                    */
	int64_t closed[MAX_CLOSED]; /* --closed days, civil s at 00:00  */
	size_t n_closed;
};

/* Results for one queue. */
struct qres {
	struct forecast_error bt[FORECAST_METHODS]; /* backtest by method */
	enum forecast_method method;  /* method used for the forecast     */
	double *bt_fc;        /* backtest forecast of the chosen method   */
	double *fc;           /* forecast, weeks * period                 */
	double *aht;          /* AHT per slot of a week, s (period)       */
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: plateau forecast (--history FILE | --store DIR) --weeks N [options]\n"
"\n"
"Forecasts calls per interval for the N weeks after the history, per\n"
"queue, and reports each method's error on the last weeks of history\n"
"held out (backtest). The CSV output is `plateau staff --forecast` input.\n"
"\n"
"  --history FILE   CSV with interval_start,queue,calls[,aht_s]\n"
"                   (interval_start as YYYY-MM-DDTHH:MM, site wall clock)\n"
"  --store DIR      or: the call records of plateau serve's store in DIR:\n"
"                   calls that entered a queue, by queue and interval of\n"
"                   entry; handle time = talk + the queue's wrap-up\n"
"  --since DATE     with --store: calls from DATE (YYYY-MM-DD, a Monday)\n"
"  --until DATE     with --store: calls before DATE (a Monday; default\n"
"                   this week's Monday, so only whole weeks are read)\n"
"  --timezone ZONE  with --store: the sites' wall clock (default the\n"
"                   stored center's time zone, else UTC)\n"
"  --tenant ID      with --store: only that tenant's calls\n"
"  --weeks N        weeks to forecast, 1 to %d\n"
"  --method M       snaive | savg | trend | holt | hw | hwm | auto\n"
"                   (default auto: the lowest backtest WAPE per queue)\n"
"  --interval S     interval length in seconds (default 1800); must\n"
"                   divide a day\n"
"  --holdout K      weeks held out for the backtest (default 4)\n"
"  --aht S          handle time in seconds for every interval (needed if\n"
"                   the history has no aht_s column)\n"
"  --format F       table | csv | json (default table)\n"
"  --svg FILE       also draw held-out weeks and forecast as an SVG chart\n"
"  --closed DATES   days the center is closed (public holidays):\n"
"                   YYYY-MM-DD[,YYYY-MM-DD...], may be repeated; their\n"
"                   intervals are forecast at 0 calls (dates outside the\n"
"                   forecast weeks are ignored)\n"
"\n"
"Exit status: 0 done, 1 failure, 2 bad arguments or bad history file.\n"
"docs/forecast.md has the formats and formulas.\n", MAX_WEEKS);
}

/* A comma-separated list of dates into o->closed. */
static int parse_closed(const char *opt, const char *v, struct opts *o)
{
	char day[16];
	int err = args_need(CMD, opt, v);

	while (!err) {
		size_t n = strcspn(v, ",");
		int64_t t;

		if (n >= sizeof(day)) {
			fprintf(stderr, CMD ": %s expects dates YYYY-MM-DD, "
				"got '%.*s'\n", opt, (int)n, v);
			return EINVAL;
		}
		memcpy(day, v, n);
		day[n] = '\0';
		err = args_date(CMD, opt, day, &t);
		if (err)
			break;
		if (o->n_closed == MAX_CLOSED) {
			fprintf(stderr, CMD ": %s: at most %d dates\n", opt,
				MAX_CLOSED);
			return EINVAL;
		}
		for (size_t c = 0; c < o->n_closed && t >= 0; c++)
			if (o->closed[c] == t)
				t = -1;            /* given twice */
		if (t >= 0)
			o->closed[o->n_closed++] = t;
		if (!v[n])
			break;
		v += n + 1;
	}
	return err;
}

/* --since and --until: a date that is a Monday, as civil s. */
static int parse_monday(const char *a, const char *v, int64_t *t)
{
	int err = args_need(CMD, a, v);

	if (!err && (strlen(v) != 10 || civil_parse(v, t))) {
		fprintf(stderr, CMD ": %s must be a date YYYY-MM-DD, got "
			"'%s'\n", a, v);
		err = EINVAL;
	}
	else if (!err && civil_weekday(*t)) {
		fprintf(stderr, CMD ": %s must be a Monday (weeks run Monday "
			"to Sunday), got '%s'\n", a, v);
		err = EINVAL;
	}
	return err;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->since = INT64_MIN;
	o->until = INT64_MIN;
	o->method = -1;
	o->interval = 1800;
	o->holdout = 4;
	o->weeks = 0;
	/* Every option takes a value: step over both. */
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int err = 0;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return -1;
		}
		if (strncmp(a, "--", 2)) {
			fprintf(stderr, CMD ": unexpected argument '%s'\n", a);
			return EINVAL;
		}
		if (!strcmp(a, "--history")) {
			err = args_need(CMD, a, v);
			o->history = v;
		}
		else if (!strcmp(a, "--store")) {
			err = args_path(CMD, a, v, &o->store);
		}
		else if (!strcmp(a, "--tenant")) {
			err = args_need(CMD, a, v);
			o->tenant = v;
		}
		else if (!strcmp(a, "--timezone")) {
			err = args_need(CMD, a, v);
			o->zone = v;
		}
		else if (!strcmp(a, "--since")) {
			err = parse_monday(a, v, &o->since);
		}
		else if (!strcmp(a, "--until")) {
			err = parse_monday(a, v, &o->until);
		}
		else if (!strcmp(a, "--weeks")) {
			err = args_long(CMD, a, v, 1, MAX_WEEKS, &o->weeks);
		}
		else if (!strcmp(a, "--interval")) {
			err = args_long(CMD, a, v, 60, 86400, &o->interval);
			if (!err && 86400 % o->interval) {
				fprintf(stderr, CMD ": --interval must divide "
					"86400 s (a day), got '%s'\n", v);
				err = EINVAL;
			}
		}
		else if (!strcmp(a, "--holdout")) {
			err = args_long(CMD, a, v, 1, 52, &o->holdout);
		}
		else if (!strcmp(a, "--aht")) {
			err = args_double(CMD, a, v, 1, 86400, &o->aht);
		}
		else if (!strcmp(a, "--method")) {
			enum forecast_method m;

			err = args_need(CMD, a, v);
			if (!err && !strcmp(v, "auto"))
				o->method = -1;
			else if (!err && !forecast_method_parse(v, &m))
				o->method = (int)m;
			else if (!err) {
				fprintf(stderr, CMD ": --method must be "
					"snaive, savg, trend, holt, hw, hwm "
					"or auto, got '%s'\n", v);
				err = EINVAL;
			}
		}
		else if (!strcmp(a, "--format")) {
			err = args_need(CMD, a, v);
			if (!err && !strcmp(v, "table"))
				o->format = FMT_TABLE;
			else if (!err && !strcmp(v, "csv"))
				o->format = FMT_CSV;
			else if (!err && !strcmp(v, "json"))
				o->format = FMT_JSON;
			else if (!err) {
				fprintf(stderr, CMD ": --format must be "
					"table, csv or json, got '%s'\n", v);
				err = EINVAL;
			}
		}
		else if (!strcmp(a, "--svg")) {
			err = args_path(CMD, a, v, &o->svg);
		}
		else if (!strcmp(a, "--closed")) {
			err = parse_closed(a, v, o);
		}
		else {
			fprintf(stderr, CMD ": unknown option '%s'; see "
				CMD " --help\n", a);
			return EINVAL;
		}
		if (err)
			return err;
	}
	if (!o->history && !o->store) {
		fprintf(stderr, CMD ": --history is required (or --store)\n");
		return EINVAL;
	}
	if (o->history && o->store) {
		fprintf(stderr, CMD ": give --history or --store, not both\n");
		return EINVAL;
	}
	if (!o->store && (o->tenant || o->zone || o->since != INT64_MIN ||
			  o->until != INT64_MIN)) {
		fprintf(stderr, CMD ": --since, --until, --timezone and "
			"--tenant go with --store\n");
		return EINVAL;
	}
	if (o->since != INT64_MIN && o->until != INT64_MIN &&
	    o->since >= o->until) {
		fprintf(stderr, CMD ": --since must come before --until\n");
		return EINVAL;
	}
	o->source = o->history ? o->history : o->store;
	if (!o->weeks) {
		fprintf(stderr, CMD ": --weeks is required\n");
		return EINVAL;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Computing
 * ------------------------------------------------------------------- */

static void qres_free(struct qres *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++) {
		free(r[i].bt_fc);
		free(r[i].fc);
		free(r[i].aht);
	}
	free(r);
}

/* Backtests every method, picks one, forecasts. Returns 2 on a history
 * that cannot be forecast (message printed), 1 on failure. */
static int compute(const struct opts *o, const struct history *h,
		   struct qres *res)
{
	size_t P = h->period, K = (size_t)o->holdout;

	for (size_t qi = 0; qi < h->nqueues; qi++) {
		const struct history_queue *q = &h->q[qi];
		struct qres *r = &res[qi];
		double best = INFINITY;
		int err = 0;

		if (q->nweeks > FORECAST_MAX_WEEKS) {
			fprintf(stderr, CMD ": %s: queue %s spans %zu "
				"weeks; at most %d are used\n", o->source,
				q->name, q->nweeks, FORECAST_MAX_WEEKS);
			return 2;
		}
		if (q->nweeks < K + FORECAST_MIN_WEEKS) {
			fprintf(stderr, CMD ": %s: queue %s has %zu weeks of "
				"history; --holdout %zu needs at least %zu\n",
				o->source, q->name, q->nweeks, K,
				K + FORECAST_MIN_WEEKS);
			return 2;
		}
		r->bt_fc = calloc(K * P, sizeof(double));
		r->fc = calloc((size_t)o->weeks * P, sizeof(double));
		r->aht = calloc(P, sizeof(double));
		if (!r->bt_fc || !r->fc || !r->aht)
			return 1;
		r->method = o->method >= 0 ? (enum forecast_method)o->method :
			FORECAST_SNAIVE;
		for (unsigned m = 0; m < FORECAST_METHODS && !err; m++) {
			err = forecast_backtest(m, q->calls, P, q->nweeks, K,
						&r->bt[m], NULL);
			if (!err && o->method < 0 && r->bt[m].wape < best) {
				best = r->bt[m].wape;
				r->method = m;
			}
		}
		if (!err)
			err = forecast_backtest(r->method, q->calls, P,
						q->nweeks, K,
						&r->bt[r->method], r->bt_fc);
		if (!err)
			err = forecast_run(r->method, q->calls, P, q->nweeks,
					   (size_t)o->weeks, r->fc);
		/* closed days: no calls, so no agents needed */
		for (size_t i = 0; !err && o->n_closed &&
		     i < (size_t)o->weeks * P; i++) {
			int64_t t = h->end + (int64_t)i * h->interval_s;
			int64_t day = t - ((t % 86400) + 86400) % 86400;

			for (size_t c = 0; c < o->n_closed; c++)
				if (o->closed[c] == day)
					r->fc[i] = 0;
		}
		if (err) {
			fprintf(stderr, CMD ": queue %s: forecast failed: "
				"%s\n", q->name, strerror(err));
			return 1;
		}
		if (o->aht > 0) {
			for (size_t p = 0; p < P; p++)
				r->aht[p] = o->aht;
		}
		else if (!h->has_aht) {
			fprintf(stderr, CMD ": %s has no aht_s column; give "
				"--aht\n", o->source);
			return 2;
		}
		else if (forecast_aht_profile(q->calls, q->aht, P, q->nweeks,
					      r->aht)) {
			fprintf(stderr, CMD ": %s: queue %s has no calls to "
				"take a handle time from; give --aht\n",
				o->source, q->name);
			return 2;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------- */

static void put_num(FILE *f, double v, int dec)
{
	if (isnan(v))
		fputs("null", f);
	else
		fprintf(f, "%.*f", dec, v);
}

static const char *dow_name(unsigned d)
{
	static const char *const n[7] = {"Mon", "Tue", "Wed", "Thu", "Fri",
					 "Sat", "Sun"};

	return n[d % 7];
}

/* How many --closed days fall in the forecast weeks. */
static size_t closed_days(const struct opts *o, const struct history *h)
{
	size_t n = 0;

	for (size_t c = 0; c < o->n_closed; c++)
		if (o->closed[c] >= h->end &&
		    o->closed[c] < h->end + o->weeks * WEEK_S)
			n++;
	return n;
}

static void print_table(FILE *f, const struct opts *o,
			const struct history *h, const struct qres *res)
{
	char a[CIVIL_TEXT_MAX], b[CIVIL_TEXT_MAX];

	civil_format_date(h->end, a, sizeof(a));
	fprintf(f, "history: %s, %zu %s, %zu queue%s, interval %u s, "
		"ends before %s\n", o->source, h->rows,
		o->store ? "calls" : "rows", h->nqueues,
		h->nqueues == 1 ? "" : "s", h->interval_s, a);
	fprintf(f, "backtest: last %ld week%s held out; MAPE over intervals "
		"with >= 1 call; * = method used\n\n", o->holdout,
		o->holdout == 1 ? "" : "s");
	fprintf(f, "%-20s %-8s %8s %8s %8s\n", "queue", "method", "MAPE %",
		"WAPE %", "bias %");
	for (size_t qi = 0; qi < h->nqueues; qi++) {
		for (unsigned m = 0; m < FORECAST_METHODS; m++) {
			const struct forecast_error *e = &res[qi].bt[m];

			fprintf(f, "%-20s %-6s %s %8.2f %8.2f %+8.2f\n",
				h->q[qi].name, forecast_method_name(m),
				m == res[qi].method ? "*" : " ", e->mape,
				e->wape, e->bias);
		}
	}
	civil_format_date(h->end + (o->weeks * WEEK_S) - 86400, b,
			  sizeof(b));
	fprintf(f, "\nforecast: %ld week%s, %s to %s (closed intervals "
		"left out", o->weeks, o->weeks == 1 ? "" : "s", a, b);
	if (closed_days(o, h))
		fprintf(f, "; %zu closed day%s", closed_days(o, h),
			closed_days(o, h) == 1 ? "" : "s");
	fprintf(f, ")\n\n");
	fprintf(f, "%-20s %-4s %-20s %10s %8s\n", "interval_start", "day",
		"queue", "calls", "aht_s");
	for (size_t qi = 0; qi < h->nqueues; qi++) {
		for (size_t i = 0; i < (size_t)o->weeks * h->period; i++) {
			int64_t t = h->end + (int64_t)i * h->interval_s;

			if (!(res[qi].fc[i] > 0))
				continue;
			civil_format(t, a, sizeof(a));
			fprintf(f, "%-20s %-4s %-20s %10.1f %8.0f\n", a,
				dow_name(civil_weekday(t)), h->q[qi].name,
				res[qi].fc[i], res[qi].aht[i % h->period]);
		}
	}
}

static void print_csv(FILE *f, const struct opts *o,
		      const struct history *h, const struct qres *res)
{
	char a[CIVIL_TEXT_MAX];

	fputs("interval_start,queue,calls,aht_s\n", f);
	for (size_t qi = 0; qi < h->nqueues; qi++) {
		for (size_t i = 0; i < (size_t)o->weeks * h->period; i++) {
			int64_t t = h->end + (int64_t)i * h->interval_s;

			if (!(res[qi].fc[i] > 0))
				continue;
			civil_format(t, a, sizeof(a));
			fprintf(f, "%s,%s,%.1f,%.0f\n", a, h->q[qi].name,
				res[qi].fc[i], res[qi].aht[i % h->period]);
		}
	}
}

/* The backtest summary on stderr when stdout carries CSV. */
static void print_summary(FILE *f, const struct opts *o,
			  const struct history *h, const struct qres *res)
{
	for (size_t qi = 0; qi < h->nqueues; qi++) {
		const struct forecast_error *e = &res[qi].bt[res[qi].method];

		fprintf(f, CMD ": queue %s: method %s, backtest on last %ld "
			"weeks: MAPE %.2f %%, WAPE %.2f %%, bias %+.2f %%\n",
			h->q[qi].name, forecast_method_name(res[qi].method),
			o->holdout, e->mape, e->wape, e->bias);
	}
}

static void print_json(FILE *f, const struct opts *o,
		       const struct history *h, const struct qres *res)
{
	char a[CIVIL_TEXT_MAX];
	bool first = true;

	civil_format(h->end, a, sizeof(a));
	/* Queue names are limited to [A-Za-z0-9_.:@-]: nothing to escape. */
	fprintf(f, "{\"interval_s\": %u, \"history_rows\": %zu, "
		"\"forecast_start\": \"%s\", \"weeks\": %ld, "
		"\"holdout_weeks\": %ld,\n \"queues\": [", h->interval_s,
		h->rows, a, o->weeks, o->holdout);
	for (size_t qi = 0; qi < h->nqueues; qi++) {
		fprintf(f, "%s\n  {\"queue\": \"%s\", \"history_weeks\": %zu, "
			"\"method\": \"%s\", \"backtest\": {", qi ? "," : "",
			h->q[qi].name, h->q[qi].nweeks,
			forecast_method_name(res[qi].method));
		for (unsigned m = 0; m < FORECAST_METHODS; m++) {
			const struct forecast_error *e = &res[qi].bt[m];

			fprintf(f, "%s\"%s\": {\"mape\": ", m ? ", " : "",
				forecast_method_name(m));
			put_num(f, e->mape, 3);
			fputs(", \"wape\": ", f);
			put_num(f, e->wape, 3);
			fputs(", \"bias\": ", f);
			put_num(f, e->bias, 3);
			fputc('}', f);
		}
		fputs("}}", f);
	}
	fputs("],\n \"forecast\": [", f);
	for (size_t qi = 0; qi < h->nqueues; qi++) {
		for (size_t i = 0; i < (size_t)o->weeks * h->period; i++) {
			int64_t t = h->end + (int64_t)i * h->interval_s;

			if (!(res[qi].fc[i] > 0))
				continue;
			civil_format(t, a, sizeof(a));
			fprintf(f, "%s\n  {\"interval_start\": \"%s\", "
				"\"queue\": \"%s\", \"calls\": %.1f, "
				"\"aht_s\": %.0f}", first ? "" : ",", a,
				h->q[qi].name, res[qi].fc[i],
				res[qi].aht[i % h->period]);
			first = false;
		}
	}
	fputs("\n ]\n}\n", f);
}

/* Chart: the held-out weeks (actual and backtest forecast) then the
 * forecast, summed over queues, per interval. */
static int write_svg(const struct opts *o, const struct history *h,
		     const struct qres *res)
{
	size_t P = h->period, K = (size_t)o->holdout, W = (size_t)o->weeks;
	size_t n = (K + W) * P;
	double *act = calloc(n, sizeof(double));
	double *bt = calloc(n, sizeof(double));
	double *fc = calloc(n, sizeof(double));
	char (*text)[24] = calloc(n, sizeof(*text));
	const char **labels = calloc(n, sizeof(*labels));
	char title[200], ytitle[64], btname[64], fcname[64];
	int64_t t0 = h->end - (int64_t)K * WEEK_S;
	int err = ENOMEM;

	if (!act || !bt || !fc || !text || !labels)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int64_t t = t0 + (int64_t)i * h->interval_s;
		char d[CIVIL_TEXT_MAX];

		civil_format(t, d, sizeof(d));
		snprintf(text[i], sizeof(text[i]), "%s %.5s",
			 dow_name(civil_weekday(t)), d + 5);
		labels[i] = text[i];
		if (i < K * P) {
			act[i] = 0;
			bt[i] = 0;
			fc[i] = NAN;
		}
		else {
			act[i] = NAN;
			bt[i] = NAN;
			fc[i] = 0;
		}
	}
	for (size_t qi = 0; qi < h->nqueues; qi++) {
		const struct history_queue *q = &h->q[qi];

		for (size_t i = 0; i < K * P; i++) {
			act[i] += q->calls[(q->nweeks - K) * P + i];
			bt[i] += res[qi].bt_fc[i];
		}
		for (size_t i = 0; i < W * P; i++)
			fc[K * P + i] += res[qi].fc[i];
	}
	if (h->nqueues == 1) {
		snprintf(btname, sizeof(btname), "backtest (%s)",
			 forecast_method_name(res[0].method));
		snprintf(fcname, sizeof(fcname), "forecast (%s)",
			 forecast_method_name(res[0].method));
	}
	else {
		snprintf(btname, sizeof(btname), "backtest");
		snprintf(fcname, sizeof(fcname), "forecast");
	}
	snprintf(title, sizeof(title), "Calls per %ld-min interval, %s%s",
		 o->interval / 60, h->nqueues == 1 ? "queue " : "all queues",
		 h->nqueues == 1 ? h->q[0].name : "");
	snprintf(ytitle, sizeof(ytitle), "calls per interval");
	{
		struct svg_series s[3] = {
			{"actual (held out)", SVG_LINE, 0, act, "#333333"},
			{btname, SVG_LINE, 0, bt, "#ff7f0e"},
			{fcname, SVG_LINE, 0, fc, "#1f77b4"},
		};
		struct svg_chart ch = {
			.title = title,
			.x_title = "interval start (site time)",
			.y_title = {ytitle, NULL}, .labels = labels, .n = n,
			.series = s, .nseries = 3, .width = 1400,
			.height = 520, .label_step = 86400 / h->interval_s,
		};

		err = svg_chart_save(o->svg, &ch);
	}
 out:
	free(labels);
	free(text);
	free(fc);
	free(bt);
	free(act);
	return err;
}

/* ---------------------------------------------------------------------
 * History from the store's call records
 * ------------------------------------------------------------------- */

#define MAX_QUEUE_NAMES 1024  /* distinct queue ids kept while reading  */

/* What the call-record reader gathers. */
struct cdr_calls {
	const struct opts *o;
	const struct center *center; /* stored center (wrap-up), or NULL */
	struct history_call *calls;
	size_t n, cap;
	char *names[MAX_QUEUE_NAMES]; /* queue ids, owned: calls point here */
	size_t n_names;
	int err;
};

/* Sets the process's zone to the sites' wall clock. Only names found
 * under the system's zone database are taken: glibc would silently read
 * an unknown name as UTC. */
static int zone_set(const char *zone)
{
	const char *dir = getenv("TZDIR");
	char path[512];

	if (strcmp(zone, "UTC")) {
		if (!*zone || *zone == '/' || strstr(zone, "..") ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s",
				     dir ? dir : "/usr/share/zoneinfo",
				     zone) >= sizeof(path) ||
		    access(path, R_OK)) {
			fprintf(stderr, CMD ": unknown time zone '%s' (not in "
				"the zone database; package tzdata)\n", zone);
			return EINVAL;
		}
	}
	if (setenv("TZ", zone, 1))
		return errno;
	tzset();
	return 0;
}

/* The sites' wall-clock time of an instant (ms since the epoch). */
static int64_t civil_of(int64_t epoch_ms)
{
	time_t t = (time_t)(epoch_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	return civil_days(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
			  (unsigned)tm.tm_mday) * 86400 +
		tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

static const char *queue_name(struct cdr_calls *cc, const char *id)
{
	for (size_t i = 0; i < cc->n_names; i++)
		if (!strcmp(cc->names[i], id))
			return cc->names[i];
	if (cc->n_names == MAX_QUEUE_NAMES)
		return NULL;
	cc->names[cc->n_names] = strdup(id);
	return cc->names[cc->n_names] ? cc->names[cc->n_names++] : NULL;
}

static double wrapup_s(const struct center *c, const char *queue)
{
	for (size_t i = 0; c && i < c->n_queues; i++)
		if (!strcmp(c->queues[i].id, queue))
			return c->queues[i].acd.wrapup_ms / 1000.0;
	return 0;
}

static bool cdr_call(const struct store_cdr *cdr, void *arg)
{
	struct cdr_calls *cc = arg;
	struct history_call *call;
	int64_t t;

	if (!cdr->enter_ms || !cdr->queue ||
	    (cdr->outcome != STORE_OUTCOME_ANSWERED &&
	     cdr->outcome != STORE_OUTCOME_ABANDONED &&
	     cdr->outcome != STORE_OUTCOME_EXITED))
		return true;
	t = civil_of(cdr->enter_ms);
	if ((cc->o->since != INT64_MIN && t < cc->o->since) ||
	    t >= cc->o->until)
		return true;
	if (cc->n == cc->cap) {
		size_t ncap = cc->cap ? cc->cap * 2 : 4096;
		struct history_call *nc = realloc(cc->calls,
						  ncap * sizeof(*nc));

		if (!nc) {
			cc->err = ENOMEM;
			return false;
		}
		cc->calls = nc;
		cc->cap = ncap;
	}
	call = &cc->calls[cc->n];
	call->t = t;
	call->queue = queue_name(cc, cdr->queue);
	if (!call->queue) {
		fprintf(stderr, CMD ": %s: more than %d queues\n",
			cc->o->source, MAX_QUEUE_NAMES);
		cc->err = E2BIG;
		return false;
	}
	call->handle_s = 0;
	if (cdr->outcome == STORE_OUTCOME_ANSWERED)
		call->handle_s = fmin(86400, cdr->talk_ms / 1000.0 +
				      wrapup_s(cc->center, cdr->queue));
	cc->n++;
	return true;
}

/* Reads the history from the store's call records. Returns 0, 2 (bad
 * input, said on stderr) or 1. */
static int store_history(struct opts *o, struct history **hp)
{
	struct store_opts so = {.must_exist = true};
	struct store_cdr_filter f = {.tenant = o->tenant};
	struct cdr_calls cc = {.o = o};
	struct store *st = NULL;
	struct center *c = NULL;
	char msg[256];
	int rc = 1, err;

	err = store_open_opts(&st, store_data_dir(o->store), &so, msg,
			      sizeof(msg));
	if (err) {
		fprintf(stderr, CMD ": --store %s: %s\n", o->store, msg);
		return err == ENOMEM ? 1 : 2;
	}
	if (!store_center_load(st, &c))
		cc.center = c;
	if (zone_set(o->zone ? o->zone :
		     c && c->timezone ? c->timezone : "UTC")) {
		rc = 2;
		goto out;
	}
	if (o->until == INT64_MIN)
		o->until = history_week_start(civil_of((int64_t)time(NULL) *
							1000));
	err = store_cdrs_read(st, &f, cdr_call, &cc);
	if (err || cc.err) {
		if (!cc.err)
			fprintf(stderr, CMD ": %s: %s\n", o->source,
				store_errmsg(st));
		rc = cc.err == E2BIG ? 2 : 1;
		goto out;
	}
	if (!cc.n) {
		fprintf(stderr, CMD ": %s: no finished queue calls in the "
			"weeks asked for\n", o->source);
		rc = 2;
		goto out;
	}
	err = history_from_calls(cc.calls, cc.n, (unsigned)o->interval, hp,
				 msg, sizeof(msg));
	if (err && err != ENOMEM)
		fprintf(stderr, CMD ": %s: %s\n", o->source, msg);
	rc = !err ? 0 : err == ENOMEM ? 1 : 2;
 out:
	for (size_t i = 0; i < cc.n_names; i++)
		free(cc.names[i]);
	free(cc.calls);
	mem_deref(c);
	store_close(st);
	return rc;
}

static int forecast_cmd(int argc, char **argv)
{
	struct opts o;
	struct csv *c = NULL;
	struct history *h = NULL;
	struct qres *res = NULL;
	int rc, err;

	err = parse_opts(argc, argv, &o);
	if (err < 0)
		return 0;
	if (err)
		return 2;
	if (o.store) {
		rc = store_history(&o, &h);
		if (rc)
			return rc;
		goto loaded;
	}
	err = csv_open_file(&c, o.history, NULL);
	if (!err)
		err = history_load(c, (unsigned)o.interval, &h);
	if (err) {
		if (err == ENOMEM)
			fprintf(stderr, CMD ": out of memory\n");
		else
			fprintf(stderr, CMD ": %s\n", csv_error(c));
		csv_free(c);
		return err == ENOMEM ? 1 : 2;
	}
	csv_free(c);
 loaded:
	res = calloc(h->nqueues, sizeof(*res));
	rc = res ? compute(&o, h, res) : 1;
	if (rc)
		goto out;
	if (o.svg) {
		err = write_svg(&o, h, res);
		if (err) {
			fprintf(stderr, CMD ": --svg %s: cannot write: %s\n",
				o.svg, strerror(err));
			rc = 1;
			goto out;
		}
	}
	if (o.format == FMT_TABLE)
		print_table(stdout, &o, h, res);
	else if (o.format == FMT_CSV) {
		print_csv(stdout, &o, h, res);
		print_summary(stderr, &o, h, res);
	}
	else
		print_json(stdout, &o, h, res);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, CMD ": writing the output failed\n");
		rc = 1;
	}
 out:
	qres_free(res, h->nqueues);
	history_free(h);
	return rc;
}

const struct command cmd_forecast = {
	"forecast", "forecast calls per interval from history, with backtest",
	forecast_cmd
};
