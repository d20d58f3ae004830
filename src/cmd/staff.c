/* staff.c — `plateau staff`: agents needed for a load, or for a forecast. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "cmd/staff.h"
#include "util/civil.h"
#include "util/csv.h"
#include "util/svg.h"

static const char usage_text[] =
"usage: plateau staff --calls N --aht S [--interval S] [targets] [options]\n"
"       plateau staff --forecast FILE.csv --sl X [targets] [options]\n"
"\n"
"Computes how many agents a queue needs (or, with --agents, what a given\n"
"staffing gives) with exact Erlang B, C or A formulas.\n"
"\n"
"traffic:\n"
"  --calls N          calls offered in the interval (>= 0)\n"
"  --interval S       interval length in seconds (default 1800)\n"
"  --aht S            mean handle time in seconds (> 0)\n"
"  --patience S       mean caller patience in seconds: Erlang A (callers\n"
"                     abandon); at most 86400 and 1000 x AHT\n"
"targets (at least one when solving):\n"
"  --target-time S    service-level threshold T in seconds (default 20)\n"
"  --sl X             service level to reach, in (0, 1]\n"
"  --asa S            highest average speed of answer, seconds\n"
"  --max-occupancy X  highest agent occupancy, in (0, 1]\n"
"  --max-abandon X    highest abandon rate, in (0, 1) (Erlang A)\n"
"  --blocking X       highest blocking, in (0, 1): Erlang B, answers the\n"
"                     lines (trunks) needed\n"
"options:\n"
"  --agents N         evaluate N agents instead of solving\n"
"  --shrinkage X      share of paid time off the phones, in [0, 1), at\n"
"                     most 9 decimals; scheduled = ceil(agents / (1 - X))\n"
"  --model M          erlang-b, erlang-c (default) or erlang-a\n"
"  --json             print one JSON object instead of a table\n"
"  --forecast FILE    per-interval requirements for a CSV forecast with\n"
"                     columns interval_start,queue,calls,aht_s\n"
"                     (interval_start like 2026-11-30T08:00, local time)\n"
"  --format F         with --forecast: table (default), csv or json\n"
"  --svg FILE         with --forecast: write a chart of calls and agents\n"
"\n"
"definitions (load A = calls x AHT / interval, N agents):\n"
"  Erlang C  p_wait = C(N, A); service_level = 1 - p_wait e^{-(N-A)T/AHT};\n"
"            asa_s = p_wait AHT / (N - A), over all calls; occupancy = A/N.\n"
"            If A >= N the queue is unstable: stable false, p_wait 1,\n"
"            service_level 0, asa_s null.\n"
"  Erlang A  service_level = P(answered and waited <= T) over all calls\n"
"            (abandons are misses); asa_s = asa_answered_s, the mean wait\n"
"            of answered calls; mean_wait_all_s over all calls;\n"
"            occupancy = A (1 - p_abandon) / N.\n"
"  Erlang B  blocking = B(N, A); service_level = 1 - blocking;\n"
"            occupancy = A (1 - blocking) / N.\n"
"See docs/staffing.md for the formulas and the CSV format.\n";

/* ---------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------- */

int staff_parse_number(const char *s, double *vp)
{
	const char *p = s;
	unsigned digits = 0;
	char *end;
	double v;

	if (!s || !vp)
		return EINVAL;
	if (*p == '+' || *p == '-')
		p++;
	while (*p >= '0' && *p <= '9') {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			p++;
			digits++;
		}
	}
	if (!digits)
		return EINVAL;
	if (*p == 'e' || *p == 'E') {
		unsigned edigits = 0;

		p++;
		if (*p == '+' || *p == '-')
			p++;
		while (*p >= '0' && *p <= '9') {
			p++;
			edigits++;
		}
		if (!edigits)
			return EINVAL;
	}
	if (*p != '\0')
		return EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(v))
		return EINVAL;
	*vp = v;
	return 0;
}

static int fail(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errsz, "plateau staff: ");
	if (n < 0 || (size_t)n >= errsz)
		return EINVAL;
	va_start(ap, fmt);
	vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return EINVAL;
}

/* Ranges of the numeric options. */
enum range {
	R_NONNEG,     /* [0, 1e9]   */
	R_POS,        /* (0, 1e9]   */
	R_UNIT_INCL,  /* (0, 1]     */
	R_UNIT_OPEN,  /* (0, 1)     */
};

static int number_opt(const char *name, const char *val, enum range r,
		      double *vp, char *err, size_t errsz)
{
	double v;

	if (staff_parse_number(val, &v))
		return fail(err, errsz, "%s: '%s' is not a number", name, val);
	switch (r) {
	case R_NONNEG:
		if (!(v >= 0 && v <= 1e9))
			return fail(err, errsz, "%s: %s must be in [0, 1e9]",
				    name, val);
		break;
	case R_POS:
		if (!(v > 0 && v <= 1e9))
			return fail(err, errsz, "%s: %s must be above 0 and "
				    "at most 1e9", name, val);
		break;
	case R_UNIT_INCL:
		if (!(v > 0 && v <= 1))
			return fail(err, errsz, "%s: %s must be in (0, 1]",
				    name, val);
		break;
	case R_UNIT_OPEN:
		if (!(v > 0 && v < 1))
			return fail(err, errsz, "%s: %s must be in (0, 1)",
				    name, val);
		break;
	}
	*vp = v;
	return 0;
}

int staff_parse_args(int argc, char **argv, struct staff_opts *o,
		     char *err, size_t errsz)
{
	const char *model = NULL, *format = NULL;
	bool has_interval = false;
	int err2;

	if (!argv || !o || !err || errsz == 0)
		return EINVAL;
	memset(o, 0, sizeof(*o));
	err[0] = '\0';
	o->interval_s = 1800;
	o->target_s = 20;
	o->model = WFM_ERLANG_C;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (!a)
			return fail(err, errsz, "missing argument");
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			o->help = true;
			return 0;
		}
		if (!strcmp(a, "--json")) {
			o->json = true;
			continue;
		}
		if (strncmp(a, "--", 2))
			return fail(err, errsz, "unexpected argument '%s'", a);
		/* Every other option takes a value. */
		static const char *const valued[] = {
			"--calls", "--interval", "--aht", "--target-time",
			"--sl", "--asa", "--max-occupancy", "--shrinkage",
			"--patience", "--max-abandon", "--agents", "--model",
			"--blocking", "--forecast", "--format", "--svg", NULL
		};
		bool known = false;

		for (size_t k = 0; valued[k]; k++)
			known = known || !strcmp(a, valued[k]);
		if (!known)
			return fail(err, errsz, "unknown option '%s'; see "
				    "plateau staff --help", a);
		if (i + 1 >= argc || !argv[i + 1])
			return fail(err, errsz, "%s needs a value", a);
		v = argv[++i];

		if (!strcmp(a, "--calls")) {
			err2 = number_opt(a, v, R_NONNEG, &o->calls, err,
					  errsz);
			o->has_calls = true;
		}
		else if (!strcmp(a, "--interval")) {
			err2 = number_opt(a, v, R_POS, &o->interval_s, err,
					  errsz);
			has_interval = true;
		}
		else if (!strcmp(a, "--aht")) {
			err2 = number_opt(a, v, R_POS, &o->aht_s, err, errsz);
			o->has_aht = true;
		}
		else if (!strcmp(a, "--target-time")) {
			err2 = number_opt(a, v, R_NONNEG, &o->target_s, err,
					  errsz);
		}
		else if (!strcmp(a, "--sl")) {
			err2 = number_opt(a, v, R_UNIT_INCL, &o->tg.sl, err,
					  errsz);
		}
		else if (!strcmp(a, "--asa")) {
			err2 = number_opt(a, v, R_POS, &o->tg.asa_s, err,
					  errsz);
		}
		else if (!strcmp(a, "--max-occupancy")) {
			err2 = number_opt(a, v, R_UNIT_INCL,
					  &o->tg.max_occupancy, err, errsz);
		}
		else if (!strcmp(a, "--max-abandon")) {
			err2 = number_opt(a, v, R_UNIT_OPEN,
					  &o->tg.max_abandon, err, errsz);
		}
		else if (!strcmp(a, "--blocking")) {
			err2 = number_opt(a, v, R_UNIT_OPEN, &o->tg.blocking,
					  err, errsz);
		}
		else if (!strcmp(a, "--patience")) {
			err2 = number_opt(a, v, R_POS, &o->patience_s, err,
					  errsz);
		}
		else if (!strcmp(a, "--shrinkage")) {
			err2 = 0;
			if (wfm_ppb_parse(v, &o->shrink_ppb) ||
			    o->shrink_ppb >= WFM_PPB)
				err2 = fail(err, errsz, "--shrinkage: '%s' must "
					    "be a decimal in [0, 1) with at "
					    "most 9 decimals", v);
		}
		else if (!strcmp(a, "--agents")) {
			double n;

			err2 = 0;
			if (staff_parse_number(v, &n) || n != floor(n) ||
			    n < 1 || n > WFM_MAX_AGENTS || strchr(v, '.') ||
			    strpbrk(v, "eE+-"))
				err2 = fail(err, errsz, "--agents: '%s' must "
					    "be a whole number from 1 to %d",
					    v, WFM_MAX_AGENTS);
			else
				o->agents = (unsigned)n;
		}
		else if (!strcmp(a, "--model")) {
			model = v;
			err2 = 0;
		}
		else if (!strcmp(a, "--forecast")) {
			o->forecast = v;
			err2 = 0;
		}
		else if (!strcmp(a, "--format")) {
			format = v;
			err2 = 0;
		}
		else {  /* --svg */
			o->svg = v;
			err2 = 0;
		}
		if (err2)
			return err2;
	}

	/* The model: named, or implied by --patience / --blocking. */
	if (model) {
		if (!strcmp(model, "erlang-b"))
			o->model = WFM_ERLANG_B;
		else if (!strcmp(model, "erlang-c"))
			o->model = WFM_ERLANG_C;
		else if (!strcmp(model, "erlang-a"))
			o->model = WFM_ERLANG_A;
		else
			return fail(err, errsz, "--model: '%s' is not "
				    "erlang-b, erlang-c or erlang-a", model);
	}
	else if (o->tg.blocking > 0) {
		o->model = WFM_ERLANG_B;
	}
	else if (o->patience_s > 0) {
		o->model = WFM_ERLANG_A;
	}
	if (o->model == WFM_ERLANG_A && o->patience_s == 0)
		return fail(err, errsz, "--model erlang-a needs --patience");
	if (o->model != WFM_ERLANG_A && o->patience_s > 0)
		return fail(err, errsz, "--patience is for erlang-a, not %s",
			    wfm_model_name(o->model));
	if (o->model == WFM_ERLANG_A &&
	    (o->patience_s > WFM_MAX_PATIENCE_S ||
	     (o->has_aht && o->patience_s > WFM_MAX_PATIENCE_AHT * o->aht_s)))
		return fail(err, errsz, "--patience: at most %g s and %g "
			    "times --aht", WFM_MAX_PATIENCE_S,
			    WFM_MAX_PATIENCE_AHT);
	if (o->model != WFM_ERLANG_A && o->tg.max_abandon > 0)
		return fail(err, errsz, "--max-abandon needs --patience "
			    "(erlang-a)");
	if (o->model != WFM_ERLANG_B && o->tg.blocking > 0)
		return fail(err, errsz, "--blocking is for erlang-b, not %s",
			    wfm_model_name(o->model));
	if (o->model == WFM_ERLANG_B && (o->tg.sl > 0 || o->tg.asa_s > 0))
		return fail(err, errsz, "erlang-b has no queue: use "
			    "--blocking, not --sl or --asa");

	if (format) {
		if (!o->forecast)
			return fail(err, errsz, "--format goes with "
				    "--forecast");
		if (!strcmp(format, "table"))
			o->format = STAFF_TABLE;
		else if (!strcmp(format, "csv"))
			o->format = STAFF_CSV;
		else if (!strcmp(format, "json"))
			o->format = STAFF_JSON;
		else
			return fail(err, errsz, "--format: '%s' is not "
				    "table, csv or json", format);
	}
	if (o->svg && !o->forecast)
		return fail(err, errsz, "--svg goes with --forecast");

	if (o->forecast) {
		if (o->has_calls || o->has_aht)
			return fail(err, errsz, "--forecast takes calls and "
				    "AHT from the file: drop --%s",
				    o->has_calls ? "calls" : "aht");
		if (o->agents)
			return fail(err, errsz, "--agents cannot go with "
				    "--forecast");
		if (o->json)
			return fail(err, errsz, "with --forecast use "
				    "--format json");
		if (o->forecast[0] == '\0')
			return fail(err, errsz, "--forecast: empty file name");
	}
	else {
		if (!o->has_calls)
			return fail(err, errsz, "--calls is required (or "
				    "--forecast)");
		if (!o->has_aht)
			return fail(err, errsz, "--aht is required");
		double load = o->calls * o->aht_s / o->interval_s;

		if (!(load <= WFM_MAX_LOAD))
			return fail(err, errsz, "--calls: a load of %.6g "
				    "Erlangs is above the %g this computes",
				    load, WFM_MAX_LOAD);
	}
	(void)has_interval;
	if (!o->agents && o->tg.sl == 0 && o->tg.asa_s == 0 &&
	    o->tg.max_occupancy == 0 && o->tg.max_abandon == 0 &&
	    o->tg.blocking == 0)
		return fail(err, errsz, "give a target to solve for (--sl, "
			    "--asa, --max-occupancy, --max-abandon, "
			    "--blocking) or --agents");
	if (o->model == WFM_ERLANG_B && !o->agents && o->tg.blocking == 0)
		return fail(err, errsz, "erlang-b solves for --blocking");
	return 0;
}

/* ---------------------------------------------------------------------
 * Output of one evaluation
 * ------------------------------------------------------------------- */

static void json_number(FILE *out, double v)
{
	/* Only finite values reach here; %.10g never prints nan or inf. */
	fprintf(out, "%.10g", v);
}

static void print_json(FILE *out, const struct wfm_eval *e,
		       unsigned scheduled)
{
	fprintf(out, "{\"model\": \"%s\", \"load_erlangs\": ",
		wfm_model_name(e->model));
	json_number(out, e->load);
	fprintf(out, ", \"agents\": %u, \"scheduled_agents\": %u, "
		"\"stable\": %s, \"p_wait\": ", e->agents, scheduled,
		e->stable ? "true" : "false");
	json_number(out, e->p_wait);
	fprintf(out, ", \"service_level\": ");
	json_number(out, e->service_level);
	fprintf(out, ", \"asa_s\": ");
	if (e->has_asa)
		json_number(out, e->asa_s);
	else
		fprintf(out, "null");
	fprintf(out, ", \"occupancy\": ");
	json_number(out, e->occupancy);
	if (e->model == WFM_ERLANG_A) {
		fprintf(out, ", \"p_abandon\": ");
		json_number(out, e->p_abandon);
		fprintf(out, ", \"asa_answered_s\": ");
		json_number(out, e->asa_answered_s);
		fprintf(out, ", \"mean_wait_all_s\": ");
		json_number(out, e->mean_wait_all_s);
	}
	if (e->model == WFM_ERLANG_B) {
		fprintf(out, ", \"blocking\": ");
		json_number(out, e->blocking);
	}
	fprintf(out, "}\n");
}

static void print_table(FILE *out, const struct staff_opts *o,
			const struct wfm_eval *e, unsigned scheduled)
{
	const char *unit = e->model == WFM_ERLANG_B ? "lines" : "agents";

	fprintf(out, "%-18s %s\n", "model", wfm_model_name(e->model));
	fprintf(out, "%-18s %.4f  (%g calls x %g s / %g s)\n",
		"load_erlangs", e->load, o->calls, o->aht_s, o->interval_s);
	fprintf(out, "%-18s %u %s%s\n", "agents", e->agents, unit,
		o->agents ? " (given)" : " (smallest meeting every target)");
	fprintf(out, "%-18s %u  (shrinkage %.9g)\n", "scheduled_agents",
		scheduled, (double)o->shrink_ppb / WFM_PPB);
	fprintf(out, "%-18s %s\n", "stable",
		e->stable ? "yes" : "no (load >= agents: the queue grows "
				    "without end)");
	if (e->model == WFM_ERLANG_B) {
		fprintf(out, "%-18s %.6f\n", "blocking", e->blocking);
	}
	else {
		fprintf(out, "%-18s %.6f\n", "p_wait", e->p_wait);
		fprintf(out, "%-18s %.6f  (answered within %g s)\n",
			"service_level", e->service_level, o->target_s);
		if (e->has_asa)
			fprintf(out, "%-18s %.3f s\n", "asa_s", e->asa_s);
		else
			fprintf(out, "%-18s none (unstable)\n", "asa_s");
	}
	fprintf(out, "%-18s %.6f\n", "occupancy", e->occupancy);
	if (e->model == WFM_ERLANG_A) {
		fprintf(out, "%-18s %.6f\n", "p_abandon", e->p_abandon);
		fprintf(out, "%-18s %.3f s\n", "asa_answered_s",
			e->asa_answered_s);
		fprintf(out, "%-18s %.3f s\n", "mean_wait_all_s",
			e->mean_wait_all_s);
	}
}

static void traffic_of(const struct staff_opts *o, double calls,
		       double aht_s, struct wfm_traffic *t)
{
	t->load = calls * aht_s / o->interval_s;
	t->aht_s = aht_s;
	t->target_s = o->target_s;
	t->patience_s = o->patience_s;
}

int staff_single(const struct staff_opts *o, FILE *out, FILE *errf)
{
	struct wfm_traffic t;
	struct wfm_eval e;
	unsigned n, scheduled;
	int err;

	traffic_of(o, o->calls, o->aht_s, &t);
	if (o->agents) {
		n = o->agents;
		err = wfm_eval(o->model, &t, n, &e);
	}
	else {
		err = wfm_solve(o->model, &t, &o->tg, &n, &e);
	}
	if (err == ERANGE) {
		fprintf(errf, "plateau staff: no staffing up to %d agents "
			"meets the targets\n", WFM_MAX_AGENTS);
		return 1;
	}
	if (!err)
		err = wfm_scheduled(n, o->shrink_ppb, &scheduled);
	if (err) {
		fprintf(errf, "plateau staff: cannot compute this (%s)\n",
			strerror(err));
		return 1;
	}
	if (o->json)
		print_json(out, &e, scheduled);
	else
		print_table(out, o, &e, scheduled);
	return 0;
}

/* ---------------------------------------------------------------------
 * Forecasts
 * ------------------------------------------------------------------- */

void staff_forecast_free(struct staff_forecast *f)
{
	if (!f)
		return;
	free(f->rows);
	f->rows = NULL;
	f->nrows = 0;
}

/* Reads every record of an opened reader into f. */
static int forecast_read(struct csv *c, struct staff_forecast *f)
{
	size_t col_start, col_queue, col_calls, col_aht, cap = 0;
	int err;

	err = csv_column(c, "interval_start", true, &col_start);
	if (!err)
		err = csv_column(c, "queue", true, &col_queue);
	if (!err)
		err = csv_column(c, "calls", true, &col_calls);
	if (!err)
		err = csv_column(c, "aht_s", true, &col_aht);
	while (!err) {
		struct staff_row r;
		const char *q = "";
		bool got;

		err = csv_next(c, &got);
		if (err || !got)
			break;
		memset(&r, 0, sizeof(r));
		err = csv_time(c, col_start, &r.start);
		if (!err)
			err = csv_text(c, col_queue, true, &q);
		if (!err && strlen(q) >= sizeof(r.queue))
			err = csv_fail(c, col_queue, EINVAL, "queue name "
				       "longer than %zu bytes",
				       sizeof(r.queue) - 1);
		for (const char *p = q; !err && *p; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				err = csv_fail(c, col_queue, EINVAL,
					       "control character in queue "
					       "name");
		}
		if (!err)
			err = csv_double(c, col_calls, 0, 1e9, &r.calls);
		if (!err)
			err = csv_double(c, col_aht, 1e-9, 1e9, &r.aht_s);
		if (err)
			break;
		strcpy(r.queue, q);
		if (f->nrows == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct staff_row *nr;

			nr = realloc(f->rows, ncap * sizeof(*nr));
			if (!nr) {
				err = ENOMEM;
				break;
			}
			f->rows = nr;
			cap = ncap;
		}
		f->rows[f->nrows++] = r;
	}
	if (!err && f->nrows == 0)
		err = csv_fail(c, SIZE_MAX, EINVAL, "no intervals in the "
			       "forecast");
	return err;
}

static int forecast_from(struct csv *c, int err, struct staff_forecast *f,
			 char *errbuf, size_t errsz)
{
	memset(f, 0, sizeof(*f));
	if (!err)
		err = forecast_read(c, f);
	if (err) {
		const char *msg = c ? csv_error(c) : "";

		snprintf(errbuf, errsz, "plateau staff: --forecast: %s",
			 msg[0] ? msg : strerror(err));
		staff_forecast_free(f);
	}
	csv_free(c);
	return err;
}

int staff_forecast_read_mem(const char *name, const void *buf, size_t len,
			    struct staff_forecast *f, char *err,
			    size_t errsz)
{
	struct csv *c = NULL;
	int e;

	if (!f || !err || !errsz || (!buf && len))
		return EINVAL;
	e = csv_open_mem(&c, name, buf, len, NULL);
	return forecast_from(c, e, f, err, errsz);
}

int staff_forecast_read_file(const char *path, struct staff_forecast *f,
			     char *err, size_t errsz)
{
	struct csv *c = NULL;
	int e;

	if (!path || !f || !err || !errsz)
		return EINVAL;
	e = csv_open_file(&c, path, NULL);
	if (e && !c) {
		snprintf(err, errsz, "plateau staff: --forecast: %s: %s",
			 path, strerror(e));
		memset(f, 0, sizeof(*f));
		return e;
	}
	return forecast_from(c, e, f, err, errsz);
}

/* Rows by queue, then start. */
static int row_cmp(const void *pa, const void *pb)
{
	const struct staff_row *a = pa, *b = pb;
	int c = strcmp(a->queue, b->queue);

	if (c)
		return c;
	return (a->start > b->start) - (a->start < b->start);
}

static int i64_cmp(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return (a > b) - (a < b);
}

/* One solved interval. */
struct staff_result {
	struct wfm_eval e;      /* the evaluation at the agents found     */
	unsigned agents;        /* agents needed                          */
	unsigned scheduled;     /* after shrinkage                        */
};

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

/* Prints asa_s, or the word for "none" in that format. */
static void print_asa(FILE *out, const struct wfm_eval *e, const char *none)
{
	if (e->has_asa)
		fprintf(out, "%.3f", e->asa_s);
	else
		fputs(none, out);
}

static int forecast_run(const struct staff_opts *o, FILE *out, FILE *errf)
{
	struct staff_forecast f;
	struct staff_result *res = NULL;
	int64_t *slots = NULL;
	double *calls_by = NULL, *agents_by = NULL, *sched_by = NULL;
	char **labels = NULL;
	size_t nslots = 0;
	char errbuf[512];
	int64_t step = (int64_t)o->interval_s;
	double hours = o->interval_s / 3600.0;
	double tot_agents = 0, tot_sched = 0, q_agents = 0, q_sched = 0;
	int rc = 1;  /* 2 for bad input in the file, 1 for other failures */

	if ((double)step != o->interval_s) {
		fprintf(errf, "plateau staff: --interval must be whole "
			"seconds with --forecast\n");
		return 2;
	}
	if (staff_forecast_read_file(o->forecast, &f, errbuf,
				     sizeof(errbuf))) {
		fprintf(errf, "%s\n", errbuf);
		return 2;
	}
	qsort(f.rows, f.nrows, sizeof(*f.rows), row_cmp);
	for (size_t i = 0; i < f.nrows; i++) {
		const struct staff_row *r = &f.rows[i];
		char when[CIVIL_TEXT_MAX];

		if (civil_format(r->start, when, sizeof(when)))
			snprintf(when, sizeof(when), "?");
		if (r->start % step != 0) {
			fprintf(errf, "plateau staff: --forecast: queue %s, "
				"%s is not on the %lld s interval grid "
				"(--interval)\n", r->queue, when,
				(long long)step);
			rc = 2;
			goto out;
		}
		if (i > 0 && !strcmp(r->queue, f.rows[i - 1].queue) &&
		    r->start == f.rows[i - 1].start) {
			fprintf(errf, "plateau staff: --forecast: queue %s, "
				"%s appears twice\n", r->queue, when);
			rc = 2;
			goto out;
		}
		if (r->calls * r->aht_s / o->interval_s > WFM_MAX_LOAD) {
			fprintf(errf, "plateau staff: --forecast: queue %s, "
				"%s: load above %g Erlangs\n", r->queue, when,
				WFM_MAX_LOAD);
			rc = 2;
			goto out;
		}
		if (o->model == WFM_ERLANG_A &&
		    o->patience_s > WFM_MAX_PATIENCE_AHT * r->aht_s) {
			fprintf(errf, "plateau staff: --patience: above %g "
				"times the AHT of queue %s at %s\n",
				WFM_MAX_PATIENCE_AHT, r->queue, when);
			rc = 2;
			goto out;
		}
	}

	res = calloc(f.nrows, sizeof(*res));
	slots = calloc(f.nrows, sizeof(*slots));
	if (!res || !slots) {
		fprintf(errf, "plateau staff: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < f.nrows; i++) {
		const struct staff_row *r = &f.rows[i];
		struct wfm_traffic t;
		int err;

		traffic_of(o, r->calls, r->aht_s, &t);
		err = wfm_solve(o->model, &t, &o->tg, &res[i].agents,
				&res[i].e);
		if (!err)
			err = wfm_scheduled(res[i].agents, o->shrink_ppb,
					    &res[i].scheduled);
		if (err) {
			char when[CIVIL_TEXT_MAX];

			civil_format(r->start, when, sizeof(when));
			fprintf(errf, "plateau staff: queue %s at %s: %s\n",
				r->queue, when, err == ERANGE ?
				"no staffing up to the maximum meets the "
				"targets" : strerror(err));
			goto out;
		}
		slots[i] = r->start;
		tot_agents += res[i].agents * hours;
		tot_sched += res[i].scheduled * hours;
	}
	/* The distinct interval starts, for totals by interval and the
	 * chart. */
	qsort(slots, f.nrows, sizeof(*slots), i64_cmp);
	for (size_t i = 0; i < f.nrows; i++) {
		if (nslots == 0 || slots[nslots - 1] != slots[i])
			slots[nslots++] = slots[i];
	}

	if (o->format == STAFF_CSV) {
		fprintf(out, "interval_start,queue,calls,aht_s,load_erlangs,"
			"agents,scheduled_agents,service_level,asa_s,"
			"occupancy%s\n",
			o->model == WFM_ERLANG_A ? ",p_abandon" : "");
	}
	else if (o->format == STAFF_JSON) {
		fprintf(out, "{\"model\": \"%s\", \"interval_s\": %lld, "
			"\"rows\": [", wfm_model_name(o->model),
			(long long)step);
	}
	for (size_t i = 0; i < f.nrows; i++) {
		const struct staff_row *r = &f.rows[i];
		const struct staff_result *s = &res[i];
		char when[CIVIL_TEXT_MAX];
		bool first_of_queue = i == 0 ||
				      strcmp(r->queue, f.rows[i - 1].queue);

		civil_format(r->start, when, sizeof(when));
		switch (o->format) {
		case STAFF_CSV:
			fprintf(out, "%s,", when);
			if (strpbrk(r->queue, ",\"\r\n")) {
				fputc('"', out);
				for (const char *p = r->queue; *p; p++) {
					if (*p == '"')
						fputc('"', out);
					fputc(*p, out);
				}
				fputc('"', out);
			}
			else {
				fputs(r->queue, out);
			}
			fprintf(out, ",%.10g,%.10g,%.6f,%u,%u,%.6f,",
				r->calls, r->aht_s, s->e.load, s->agents,
				s->scheduled, s->e.service_level);
			print_asa(out, &s->e, "");
			fprintf(out, ",%.6f", s->e.occupancy);
			if (o->model == WFM_ERLANG_A)
				fprintf(out, ",%.6f", s->e.p_abandon);
			fputc('\n', out);
			break;
		case STAFF_JSON:
			fprintf(out, "%s\n  {\"interval_start\": \"%s\", "
				"\"queue\": ", i ? "," : "", when);
			json_string(out, r->queue);
			fprintf(out, ", \"calls\": %.10g, \"aht_s\": %.10g, "
				"\"load_erlangs\": %.10g, \"agents\": %u, "
				"\"scheduled_agents\": %u, "
				"\"service_level\": %.10g, \"asa_s\": ",
				r->calls, r->aht_s, s->e.load, s->agents,
				s->scheduled, s->e.service_level);
			if (s->e.has_asa)
				fprintf(out, "%.10g", s->e.asa_s);
			else
				fputs("null", out);
			fprintf(out, ", \"occupancy\": %.10g", s->e.occupancy);
			if (o->model == WFM_ERLANG_A)
				fprintf(out, ", \"p_abandon\": %.10g",
					s->e.p_abandon);
			fputc('}', out);
			break;
		case STAFF_TABLE: {
			char asa[32] = "-";

			if (s->e.has_asa)
				snprintf(asa, sizeof(asa), "%.2f",
					 s->e.asa_s);
			if (first_of_queue)
				fprintf(out, "%squeue %s (%s)\n%-17s %8s %7s "
					"%9s %7s %9s %8s %8s %9s\n",
					i ? "\n" : "", r->queue,
					wfm_model_name(o->model),
					"interval_start", "calls", "aht_s",
					"load_erl", "agents", "scheduled",
					"sl", "asa_s", "occupancy");
			fprintf(out, "%-17s %8.1f %7.1f %9.3f %7u %9u %8.4f "
				"%8s %9.4f\n", when, r->calls, r->aht_s,
				s->e.load, s->agents, s->scheduled,
				s->e.service_level, asa, s->e.occupancy);
			q_agents += s->agents * hours;
			q_sched += s->scheduled * hours;
			if (i + 1 == f.nrows ||
			    strcmp(r->queue, f.rows[i + 1].queue)) {
				fprintf(out, "%-17s %.2f agent-hours on the "
					"phones, %.2f scheduled\n",
					"queue total", q_agents, q_sched);
				q_agents = q_sched = 0;
			}
			break;
		}
		}
	}
	if (o->format == STAFF_JSON)
		fprintf(out, "\n ], \"agent_hours\": %.10g, "
			"\"scheduled_agent_hours\": %.10g}\n", tot_agents,
			tot_sched);
	else if (o->format == STAFF_TABLE)
		fprintf(out, "\ntotal: %.2f agent-hours on the phones, %.2f "
			"scheduled (%zu intervals of %lld s)\n", tot_agents,
			tot_sched, nslots, (long long)step);

	if (o->svg) {
		calls_by = calloc(nslots, sizeof(double));
		agents_by = calloc(nslots, sizeof(double));
		sched_by = calloc(nslots, sizeof(double));
		labels = calloc(nslots, sizeof(char *));
		if (!calls_by || !agents_by || !sched_by || !labels) {
			fprintf(errf, "plateau staff: out of memory\n");
			goto out;
		}
		for (size_t i = 0; i < f.nrows; i++) {
			int64_t *p = bsearch(&f.rows[i].start, slots, nslots,
					     sizeof(*slots), i64_cmp);
			size_t k = (size_t)(p - slots);

			calls_by[k] += f.rows[i].calls;
			agents_by[k] += res[i].agents;
			sched_by[k] += res[i].scheduled;
		}
		for (size_t k = 0; k < nslots; k++) {
			static const char *const day[] = {
				"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
			};
			char when[CIVIL_TEXT_MAX];

			labels[k] = malloc(32);
			if (!labels[k]) {
				fprintf(errf, "plateau staff: out of memory\n");
				goto out;
			}
			civil_format(slots[k], when, sizeof(when));
			snprintf(labels[k], 32, "%s %.5s",
				 day[civil_weekday(slots[k])], when + 11);
		}
		struct svg_series ser[] = {
			{"calls offered", SVG_BAR, 0, calls_by, NULL},
			{"agents needed", SVG_LINE, 1, agents_by, NULL},
			{"agents scheduled", SVG_LINE, 1, sched_by, NULL},
		};
		struct svg_chart ch = {
			.title = "Calls and agents needed by interval",
			.x_title = "interval start (local time)",
			.y_title = {"calls", "agents"},
			.labels = (const char *const *)labels,
			.n = nslots,
			.series = ser,
			.nseries = 3,
		};
		int err = svg_chart_save(o->svg, &ch);

		if (err) {
			fprintf(errf, "plateau staff: --svg: cannot write "
				"%s: %s\n", o->svg, strerror(err));
			goto out;
		}
	}
	rc = 0;
out:
	if (labels) {
		for (size_t k = 0; k < nslots; k++)
			free(labels[k]);
	}
	free(labels);
	free(calls_by);
	free(agents_by);
	free(sched_by);
	free(slots);
	free(res);
	staff_forecast_free(&f);
	return rc;
}

/* ---------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------- */

static int staff_run(int argc, char **argv)
{
	struct staff_opts o;
	char err[512];

	if (staff_parse_args(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (o.help) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (o.forecast)
		return forecast_run(&o, stdout, stderr);
	return staff_single(&o, stdout, stderr);
}

const struct command cmd_staff = {
	"staff", "agents needed for a load or a forecast (Erlang B/C/A)",
	staff_run
};
