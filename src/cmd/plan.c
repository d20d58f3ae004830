/* plan.c — `plateau plan`: weekly recruitment and training classes. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "util/args.h"
#include "util/civil.h"
#include "util/svg.h"
#include "wfm/plan.h"

#define CMD "plateau plan"

enum format { FMT_TABLE, FMT_CSV, FMT_JSON };

/* Options as given, with the plan's parameters. */
struct opts {
	struct plan_params p;  /* the plan's parameters                 */
	bool trained_given;    /* --trained was given                   */
	int64_t start;         /* first week's first day, civil s       */
	bool start_given;      /* --start was given                     */
	enum format format;    /* output format                         */
	const char *svg;       /* chart path, or NULL                   */
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: plateau plan --positions N --start YYYY-MM-DD [options]\n"
"\n"
"Plans, week by week, how many trainees to hire and how many training\n"
"classes to start so that trained agents keep up with a need that grows,\n"
"against attrition and a pass rate. Trainees graduate --training-weeks\n"
"after their class starts; a pass rate of 0.7 means 7 in 10 graduate.\n"
"\n"
"  --positions N        trained agents needed now (week 1)\n"
"  --start DATE         first day of week 1, e.g. 2026-12-07\n"
"  --growth G           growth of the need per year (default 0.20)\n"
"  --attrition A        share of trained agents leaving per month\n"
"                       (default 0.04)\n"
"  --training-weeks L   length of a class in weeks (default 6)\n"
"  --pass-rate P        share of trainees who graduate, (0, 1]\n"
"                       (default 0.7)\n"
"  --class-min N        fewest trainees a class starts with (default 8)\n"
"  --class-max N        most trainees in a class (default 20)\n"
"  --max-classes N      classes that can start in one week; 0 for no\n"
"                       limit (default 0)\n"
"  --horizon-weeks H    weeks to plan (default 52)\n"
"  --trained N          trained agents now (default: --positions)\n"
"  --in-training N:W[,N:W...]\n"
"                       classes already running: N trainees who finish\n"
"                       at the start of week W (1..--training-weeks);\n"
"                       they graduate at the pass rate like the others\n"
"  --format F           table | csv | json (default table)\n"
"  --svg FILE           also draw need, trained agents and hires\n"
"\n"
"Exit status: 0 done, 1 failure, 2 bad arguments. docs/plan.md has the\n"
"model and the balance identity.\n");
}

static int parse_format(const char *v, enum format *fp)
{
	if (args_need(CMD, "--format", v))
		return EINVAL;
	if (!strcmp(v, "table"))
		*fp = FMT_TABLE;
	else if (!strcmp(v, "csv"))
		*fp = FMT_CSV;
	else if (!strcmp(v, "json"))
		*fp = FMT_JSON;
	else {
		fprintf(stderr, CMD ": --format must be table, csv or json, "
			"got '%s'\n", v);
		return EINVAL;
	}
	return 0;
}

/* --in-training N:W[,N:W...] into p->running[W - 1]. */
static int parse_running(const char *opt, const char *v,
			 struct plan_params *p)
{
	int err = args_need(CMD, opt, v);

	while (!err) {
		char *end;
		long n, w;

		n = strtol(v, &end, 10);
		if (end == v || *end != ':' || n < 1 || n > 100000) {
			err = EINVAL;
			break;
		}
		v = end + 1;
		w = strtol(v, &end, 10);
		if (end == v || (*end && *end != ',') || w < 1 ||
		    w > PLAN_MAX_RUNNING ||
		    p->running[w - 1] + (unsigned long)n > 100000) {
			err = EINVAL;
			break;
		}
		p->running[w - 1] += (unsigned)n;
		if (!*end)
			return 0;
		v = end + 1;
	}
	fprintf(stderr, CMD ": %s expects TRAINEES:WEEK[,TRAINEES:WEEK...] "
		"with 1..100000 trainees and weeks 1..%d\n", opt,
		PLAN_MAX_RUNNING);
	return EINVAL;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	long n;

	memset(o, 0, sizeof(*o));
	o->p.growth = 0.20;
	o->p.attrition = 0.04;
	o->p.pass_rate = 0.7;
	o->p.training_weeks = 6;
	o->p.class_min = 8;
	o->p.class_max = 20;
	o->p.max_classes = 0;
	o->p.horizon = 52;
	/* Every option takes a value: step over both. */
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int err = 0;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return -1;
		}
		if (!strcmp(a, "--positions")) {
			err = args_double(CMD, a, v, 1, PLAN_MAX_POSITIONS,
					  &o->p.positions);
		}
		else if (!strcmp(a, "--trained")) {
			err = args_double(CMD, a, v, 0, PLAN_MAX_POSITIONS,
					  &o->p.trained0);
			o->trained_given = true;
		}
		else if (!strcmp(a, "--in-training")) {
			err = parse_running(a, v, &o->p);
		}
		else if (!strcmp(a, "--growth")) {
			err = args_double(CMD, a, v, -0.99, 10, &o->p.growth);
		}
		else if (!strcmp(a, "--attrition")) {
			err = args_double(CMD, a, v, 0, 0.99,
					  &o->p.attrition);
		}
		else if (!strcmp(a, "--pass-rate")) {
			err = args_double(CMD, a, v, 0.01, 1,
					  &o->p.pass_rate);
		}
		else if (!strcmp(a, "--training-weeks")) {
			err = args_long(CMD, a, v, 1, 52, &n);
			o->p.training_weeks = (unsigned)n;
		}
		else if (!strcmp(a, "--class-min")) {
			err = args_long(CMD, a, v, 1, 1000, &n);
			o->p.class_min = (unsigned)n;
		}
		else if (!strcmp(a, "--class-max")) {
			err = args_long(CMD, a, v, 1, 1000, &n);
			o->p.class_max = (unsigned)n;
		}
		else if (!strcmp(a, "--max-classes")) {
			err = args_long(CMD, a, v, 0, 1000, &n);
			o->p.max_classes = (unsigned)n;
		}
		else if (!strcmp(a, "--horizon-weeks")) {
			err = args_long(CMD, a, v, 1, PLAN_MAX_HORIZON, &n);
			o->p.horizon = (unsigned)n;
		}
		else if (!strcmp(a, "--start")) {
			err = args_date(CMD, a, v, &o->start);
			o->start_given = true;
		}
		else if (!strcmp(a, "--format")) {
			err = parse_format(v, &o->format);
		}
		else if (!strcmp(a, "--svg")) {
			err = args_path(CMD, a, v, &o->svg);
		}
		else {
			fprintf(stderr, CMD ": unknown option '%s'; see "
				CMD " --help\n", a);
			return EINVAL;
		}
		if (err)
			return err;
	}
	if (!(o->p.positions > 0)) {
		fprintf(stderr, CMD ": --positions is required\n");
		return EINVAL;
	}
	if (!o->start_given) {
		fprintf(stderr, CMD ": --start is required\n");
		return EINVAL;
	}
	if (o->p.class_min > o->p.class_max) {
		fprintf(stderr, CMD ": --class-min %u is more than --class-max "
			"%u\n", o->p.class_min, o->p.class_max);
		return EINVAL;
	}
	for (unsigned w = o->p.training_weeks; w < PLAN_MAX_RUNNING; w++) {
		if (o->p.running[w]) {
			fprintf(stderr, CMD ": --in-training: week %u is past "
				"the %u weeks of a class\n", w + 1,
				o->p.training_weeks);
			return EINVAL;
		}
	}
	if (!o->trained_given)
		o->p.trained0 = o->p.positions;
	return plan_check(&o->p) ? EINVAL : 0;
}

/* ---------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------- */

static void week_date(const struct opts *o, unsigned i, char *buf,
		      size_t size)
{
	civil_format_date(o->start + (int64_t)i * 7 * 86400, buf, size);
}

static void print_table(FILE *f, const struct opts *o,
			const struct plan_week *w, const struct plan_totals *t)
{
	const struct plan_params *p = &o->p;
	char d[CIVIL_TEXT_MAX];
	char lim[32];

	week_date(o, 0, d, sizeof(d));
	if (p->max_classes)
		snprintf(lim, sizeof(lim), "at most %u a week",
			 p->max_classes);
	else
		snprintf(lim, sizeof(lim), "no weekly limit");
	fprintf(f, "plan: %g positions, growth %.1f %%/year, attrition "
		"%.1f %%/month (%.3f %%/week), training %u weeks, pass rate "
		"%.0f %%,\n      classes of %u to %u (%s), %g trained now, "
		"%u weeks from %s\n\n", p->positions, 100 * p->growth,
		100 * p->attrition, 100 * plan_weekly_attrition(p->attrition),
		p->training_weeks, 100 * p->pass_rate, p->class_min,
		p->class_max, lim, p->trained0, p->horizon, d);
	fprintf(f, "%4s  %-10s %8s %8s %7s %9s %5s %7s %9s %11s\n", "week",
		"start", "need", "trained", "gap", "attrition", "hires",
		"classes", "graduates", "in_training");
	for (unsigned i = 0; i < p->horizon; i++) {
		week_date(o, i, d, sizeof(d));
		fprintf(f, "%4u  %-10s %8.1f %8.1f %7.1f %9.2f %5u %7u %9.1f "
			"%11.0f\n", i + 1, d, w[i].need, w[i].trained,
			w[i].need - w[i].trained, w[i].attrition, w[i].hires,
			w[i].classes, w[i].graduates, w[i].in_training);
	}
	fprintf(f, "\ntotals: hires %.0f in %u classes, graduates %.1f, "
		"failed %.1f, attrition %.1f; weeks short of need: %u\n",
		t->hires, t->classes, t->graduates, t->failed, t->attrition,
		t->short_weeks);
	fprintf(f, "need %.1f -> %.1f (growth %.1f); trained %.1f -> %.1f; "
		"gap %.1f -> %.1f\n", t->need_start, t->need_end,
		t->need_end - t->need_start, t->trained_start, t->trained_end,
		t->gap_start, t->gap_end);
	fprintf(f, "balance: pass x (hires + in_training_start) = attrition "
		"+ (trained_end - trained_start) + pass x in_training_end\n"
		"         %.2f x (%.0f + %.0f) = %.2f = %.2f + %.2f + %.2f x %.0f "
		"(residual %.1e)\n", p->pass_rate, t->hires,
		t->in_training_start,
		p->pass_rate * (t->hires + t->in_training_start),
		t->attrition, t->trained_end - t->trained_start,
		p->pass_rate, t->in_training_end, t->residual);
}

static void print_csv(FILE *f, const struct opts *o,
		      const struct plan_week *w)
{
	char d[CIVIL_TEXT_MAX];

	fputs("week,week_start,need,trained,gap,attrition,hires,classes,"
	      "graduates,in_training\n", f);
	for (unsigned i = 0; i < o->p.horizon; i++) {
		week_date(o, i, d, sizeof(d));
		fprintf(f, "%u,%s,%.3f,%.3f,%.3f,%.3f,%u,%u,%.3f,%.0f\n",
			i + 1, d, w[i].need, w[i].trained,
			w[i].need - w[i].trained, w[i].attrition, w[i].hires,
			w[i].classes, w[i].graduates, w[i].in_training);
	}
}

static void print_json(FILE *f, const struct opts *o,
		       const struct plan_week *w, const struct plan_totals *t)
{
	const struct plan_params *p = &o->p;
	char d[CIVIL_TEXT_MAX];

	week_date(o, 0, d, sizeof(d));
	fprintf(f, "{\"params\": {\"positions\": %.17g, \"growth\": %.17g, "
		"\"attrition_month\": %.17g, \"attrition_week\": %.17g, "
		"\"training_weeks\": %u, \"pass_rate\": %.17g, "
		"\"class_min\": %u, \"class_max\": %u, \"max_classes\": %u, "
		"\"horizon_weeks\": %u, \"trained\": %.17g, "
		"\"start\": \"%s\", \"running\": [", p->positions, p->growth,
		p->attrition, plan_weekly_attrition(p->attrition),
		p->training_weeks, p->pass_rate, p->class_min, p->class_max,
		p->max_classes, p->horizon, p->trained0, d);
	for (unsigned i = 0; i < p->training_weeks; i++)
		fprintf(f, "%s%u", i ? ", " : "", p->running[i]);
	fputs("]},\n \"weeks\": [", f);
	for (unsigned i = 0; i < p->horizon; i++) {
		week_date(o, i, d, sizeof(d));
		fprintf(f, "%s\n  {\"week\": %u, \"week_start\": \"%s\", "
			"\"need\": %.6f, \"trained\": %.6f, "
			"\"attrition\": %.6f, \"hires\": %u, \"classes\": %u, "
			"\"graduates\": %.6f, \"in_training\": %.0f}",
			i ? "," : "", i + 1, d, w[i].need, w[i].trained,
			w[i].attrition, w[i].hires, w[i].classes,
			w[i].graduates, w[i].in_training);
	}
	fprintf(f, "\n ],\n \"totals\": {\"hires\": %.0f, \"classes\": %u, "
		"\"graduates\": %.6f, \"failed\": %.6f, \"attrition\": %.6f, "
		"\"need_start\": %.6f, \"need_end\": %.6f, "
		"\"trained_start\": %.6f, \"trained_end\": %.6f, "
		"\"in_training_start\": %.0f, "
		"\"in_training_end\": %.0f, \"gap_start\": %.6f, "
		"\"gap_end\": %.6f, \"short_weeks\": %u, "
		"\"residual\": %.3e}\n}\n", t->hires, t->classes,
		t->graduates, t->failed, t->attrition, t->need_start,
		t->need_end, t->trained_start, t->trained_end,
		t->in_training_start, t->in_training_end, t->gap_start,
		t->gap_end, t->short_weeks,
		t->residual);
}

static int write_svg(const struct opts *o, const struct plan_week *w)
{
	unsigned H = o->p.horizon;
	double *need = calloc(H, sizeof(double));
	double *trained = calloc(H, sizeof(double));
	double *hires = calloc(H, sizeof(double));
	char (*text)[16] = calloc(H, sizeof(*text));
	const char **labels = calloc(H, sizeof(*labels));
	char title[160];
	int err = ENOMEM;

	if (!need || !trained || !hires || !text || !labels)
		goto out;
	for (unsigned i = 0; i < H; i++) {
		char d[CIVIL_TEXT_MAX];

		week_date(o, i, d, sizeof(d));
		snprintf(text[i], sizeof(text[i]), "%.10s", d);
		labels[i] = text[i];
		need[i] = w[i].need;
		trained[i] = w[i].trained;
		hires[i] = w[i].hires;
	}
	snprintf(title, sizeof(title), "Recruitment plan: %g positions, "
		 "+%.0f %%/year, attrition %.1f %%/month, pass %.0f %%",
		 o->p.positions, 100 * o->p.growth, 100 * o->p.attrition,
		 100 * o->p.pass_rate);
	{
		struct svg_series s[3] = {
			{"hires (trainees starting)", SVG_BAR, 1, hires,
			 "#9ecae1"},
			{"need", SVG_LINE, 0, need, "#d62728"},
			{"trained agents", SVG_LINE, 0, trained, "#1f77b4"},
		};
		struct svg_chart ch = {
			.title = title, .x_title = "week starting",
			.y_title = {"agents", "hires per week"},
			.labels = labels, .n = H, .series = s, .nseries = 3,
			.width = 1100, .height = 520,
		};

		err = svg_chart_save(o->svg, &ch);
	}
 out:
	free(labels);
	free(text);
	free(hires);
	free(trained);
	free(need);
	return err;
}

static int plan_cmd(int argc, char **argv)
{
	struct opts o;
	struct plan_week *w;
	struct plan_totals t;
	int err, rc = 0;

	err = parse_opts(argc, argv, &o);
	if (err < 0)
		return 0;
	if (err)
		return 2;
	w = calloc(o.p.horizon, sizeof(*w));
	if (!w) {
		fprintf(stderr, CMD ": out of memory\n");
		return 1;
	}
	err = plan_run(&o.p, w, &t);
	if (err) {
		fprintf(stderr, CMD ": planning failed: %s\n", strerror(err));
		free(w);
		return 1;
	}
	if (o.svg) {
		err = write_svg(&o, w);
		if (err) {
			fprintf(stderr, CMD ": --svg %s: cannot write: %s\n",
				o.svg, strerror(err));
			free(w);
			return 1;
		}
	}
	if (o.format == FMT_TABLE)
		print_table(stdout, &o, w, &t);
	else if (o.format == FMT_CSV)
		print_csv(stdout, &o, w);
	else
		print_json(stdout, &o, w, &t);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, CMD ": writing the output failed\n");
		rc = 1;
	}
	free(w);
	return rc;
}

const struct command cmd_plan = {
	"plan", "plan hires and training classes against growth and attrition",
	plan_cmd
};
