/* test_plan.c — the recruitment plan: balance identity, edge cases, limits. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "wfm/plan.h"
#include "test.h"

static struct plan_params base(void)
{
	struct plan_params p = {
		.positions = 400, .growth = 0.20, .attrition = 0.04,
		.pass_rate = 0.7, .trained0 = 400, .training_weeks = 6,
		.class_min = 8, .class_max = 20, .max_classes = 0,
		.horizon = 52,
	};

	return p;
}

/* Runs p into a fresh array; the caller frees *wp. */
static int run(const struct plan_params *p, struct plan_week **wp,
	       struct plan_totals *t)
{
	struct plan_week *w = calloc(p->horizon, sizeof(*w));
	int err;

	if (!w)
		return ENOMEM;
	err = plan_run(p, w, t);
	if (err) {
		free(w);
		return err;
	}
	*wp = w;
	return 0;
}

/* The identity, recomputed from the weekly rows rather than trusted from
 * the totals: pass * hires = attrition + (end - start) + pass * pipeline. */
static int balanced(const struct plan_params *p, const struct plan_week *w,
		    const struct plan_totals *t)
{
	double hires = 0, attr = 0, grad = 0, end, lhs, rhs;

	for (unsigned i = 0; i < p->horizon; i++) {
		hires += w[i].hires;
		attr += w[i].attrition;
		grad += w[i].graduates;
		if (w[i].hires > w[i].classes * p->class_max ||
		    w[i].hires < w[i].classes * p->class_min ||
		    (w[i].hires > 0) != (w[i].classes > 0))
			return 0;
		if (p->max_classes && w[i].classes > p->max_classes)
			return 0;
	}
	end = w[p->horizon - 1].trained - w[p->horizon - 1].attrition;
	lhs = p->pass_rate * hires;
	for (unsigned k = 0; k < p->training_weeks; k++)
		lhs += p->pass_rate * p->running[k];
	rhs = attr + (end - p->trained0) +
	      p->pass_rate * w[p->horizon - 1].in_training;
	if (fabs(lhs - rhs) > 1e-6 * (1 + lhs))
		return 0;
	/* Headcount alone: end = start + graduates - attrition. */
	if (fabs(end - (p->trained0 + grad - attr)) > 1e-6 * (1 + end))
		return 0;
	return fabs(t->residual) < 1e-6 * (1 + lhs) &&
	       fabs(t->hires - hires) < 1e-9 && fabs(t->trained_end - end) <
	       1e-9;
}

static int test_default_balances_and_covers(void)
{
	struct plan_params p = base();
	struct plan_week *w = NULL;
	struct plan_totals t;
	int err = run(&p, &w, &t), bad = 0;

	TEST_EQ(err, 0);
	if (!balanced(&p, w, &t))
		bad = 1;
	/* From the first graduation on, trained covers need every week. */
	for (unsigned i = p.training_weeks; i < p.horizon && !bad; i++) {
		if (w[i].trained < w[i].need - 1e-9)
			bad = 2;
	}
	/* Need grows 20 % over 52 weeks. */
	if (fabs(t.need_end / t.need_start - 1.2) > 1e-12)
		bad = 3;
	/* Nothing graduates before the first class ends. */
	for (unsigned i = 0; i < p.training_weeks && !bad; i++) {
		if (w[i].graduates != 0)
			bad = 4;
	}
	/* (80 growth + ~215 attrition) / 0.7 + ~55 still in class at the
	 * end: about 475. */
	if (t.hires < 440 || t.hires > 500)
		bad = 5;
	if (bad)
		fprintf(stderr, "  bad %d hires %g\n", bad, t.hires);
	free(w);
	TEST_EQ(bad, 0);
	return 0;
}

/* The identity holds over a grid of parameters, including initial gaps
 * and surpluses, shrinking need and binding class limits. */
static int test_identity_grid(void)
{
	static const double growths[] = {-0.3, 0, 0.2, 1.5};
	static const double attrs[] = {0, 0.04, 0.15};
	static const double passes[] = {0.35, 0.7, 1};
	static const double starts[] = {0, 350, 400, 480};
	static const unsigned maxc[] = {0, 1, 3};

	for (size_t a = 0; a < 4; a++)
	for (size_t b = 0; b < 3; b++)
	for (size_t c = 0; c < 3; c++)
	for (size_t d = 0; d < 4; d++)
	for (size_t e = 0; e < 3; e++) {
		struct plan_params p = base();
		struct plan_week *w = NULL;
		struct plan_totals t;
		int ok;

		p.growth = growths[a];
		p.attrition = attrs[b];
		p.pass_rate = passes[c];
		p.trained0 = starts[d];
		p.max_classes = maxc[e];
		p.training_weeks = 1 + (unsigned)(a + b + c + d + e) % 8;
		p.horizon = 20 + (unsigned)(13 * (a + d));
		TEST_EQ(run(&p, &w, &t), 0);
		ok = balanced(&p, w, &t);
		free(w);
		if (!ok)
			TEST_FAIL("unbalanced: growth %g attr %g pass %g "
				  "start %g max %u", p.growth, p.attrition,
				  p.pass_rate, p.trained0, p.max_classes);
	}
	return 0;
}

/* No growth, no attrition, fully staffed: nobody is hired. */
static int test_steady_state(void)
{
	struct plan_params p = base();
	struct plan_week *w = NULL;
	struct plan_totals t;

	p.growth = 0;
	p.attrition = 0;
	TEST_EQ(run(&p, &w, &t), 0);
	free(w);
	TEST_NEAR(t.hires, 0, 0);
	TEST_NEAR(t.trained_end, 400, 1e-9);
	TEST_NEAR(t.residual, 0, 1e-9);
	TEST_EQ(t.short_weeks, 0);
	return 0;
}

/* Zero growth with attrition and pass rate 1: hires replace leavers
 * one for one, graduates are exactly the hires of L weeks before. */
static int test_zero_growth_pass_one(void)
{
	struct plan_params p = base();
	struct plan_week *w = NULL;
	struct plan_totals t;
	int bad = 0;

	p.growth = 0;
	p.pass_rate = 1;
	p.class_min = 1;
	TEST_EQ(run(&p, &w, &t), 0);
	for (unsigned i = p.training_weeks; i < p.horizon; i++) {
		if (w[i].graduates != w[i - p.training_weeks].hires)
			bad = 1;
		if (fabs(w[i].need - 400) > 1e-9)
			bad = 2;
	}
	/* Leavers of the horizon = hires less the ones still in class,
	 * less what the first L weeks' shortfall left unreplaced. */
	if (!balanced(&p, w, &t))
		bad = 3;
	if (fabs(t.hires - t.in_training_end - (t.attrition -
	    (400 - t.trained_end))) > 1e-6)
		bad = 4;
	free(w);
	TEST_EQ(bad, 0);
	/* 4 % a month is 1 - 0.96^(12/52) = 0.94 % a week: 3.75 of 400. */
	TEST_NEAR(plan_weekly_attrition(0.04) * 400, 3.7505, 1e-3);
	return 0;
}

/* One class of at most 10 a week cannot follow 150 % growth: hires are
 * capped, the gap grows, and the books still balance. */
static int test_class_max_binding(void)
{
	struct plan_params p = base();
	struct plan_week *w = NULL;
	struct plan_totals t;
	int bad = 0;

	p.growth = 1.5;
	p.class_min = 5;
	p.class_max = 10;
	p.max_classes = 1;
	TEST_EQ(run(&p, &w, &t), 0);
	for (unsigned i = 0; i < p.horizon; i++) {
		if (w[i].hires > 10 || w[i].classes > 1)
			bad = 1;
	}
	/* After the first weeks every week hires the cap. */
	for (unsigned i = 2; i < p.horizon; i++) {
		if (w[i].hires != 10)
			bad = 2;
	}
	if (!balanced(&p, w, &t) || t.gap_end < 100 ||
	    t.short_weeks < p.horizon - p.training_weeks)
		bad = 3;
	free(w);
	TEST_EQ(bad, 0);
	return 0;
}

/* A class never starts below class_min: a small shortfall is filled up. */
static int test_class_min(void)
{
	struct plan_params p = base();
	struct plan_week *w = NULL;
	struct plan_totals t;
	int bad = 0, some = 0;

	p.growth = 0;
	p.class_min = 15;
	p.class_max = 15;
	TEST_EQ(run(&p, &w, &t), 0);
	for (unsigned i = 0; i < p.horizon; i++) {
		if (w[i].hires % 15)
			bad = 1;
		some += w[i].hires > 0;
	}
	/* ~3.8 leavers a week: a class of 15 every 2-4 weeks. */
	if (!balanced(&p, w, &t) || some < 10 || some > 26)
		bad = 2;
	free(w);
	TEST_EQ(bad, 0);
	return 0;
}

static int test_bad_params(void)
{
	struct plan_week w[52];
	struct plan_totals t;
	struct plan_params p;

	p = base(); p.pass_rate = 0;
	TEST_EQ(plan_run(&p, w, &t), EINVAL);
	p = base(); p.pass_rate = 1.01;
	TEST_EQ(plan_run(&p, w, &t), EINVAL);
	p = base(); p.attrition = 1;
	TEST_EQ(plan_run(&p, w, &t), EINVAL);
	p = base(); p.growth = -1;
	TEST_EQ(plan_run(&p, w, &t), EINVAL);
	p = base(); p.growth = NAN;
	TEST_EQ(plan_run(&p, w, &t), EINVAL);
	p = base(); p.class_min = 30;
	TEST_EQ(plan_run(&p, w, &t), EINVAL);
	p = base(); p.training_weeks = 0;
	TEST_EQ(plan_run(&p, w, &t), EINVAL);
	p = base(); p.horizon = 0;
	TEST_EQ(plan_run(&p, w, &t), EINVAL);
	p = base(); p.positions = 0;
	TEST_EQ(plan_run(&p, w, &t), EINVAL);
	TEST_EQ(plan_run(NULL, w, &t), EINVAL);
	p = base();
	TEST_EQ(plan_run(&p, NULL, &t), EINVAL);
	return 0;
}

/* Classes already running at the start: 30 trainees finishing at the
 * start of week 3 and 20 of week 5 (of 6) graduate at the pass rate
 * then, count in the pipeline until they do, enter the balance as
 * in_training_start, and spare early hires; a running class longer than
 * the training is refused. */
static int test_running_classes(void)
{
	struct plan_params p = base(), q = base();
	struct plan_week *w = NULL, *v = NULL;
	struct plan_totals t, u;
	int bad = 0;

	p.trained0 = 330;
	p.running[2] = 30;
	p.running[4] = 20;
	q.trained0 = 330;
	TEST_EQ(run(&p, &w, &t), 0);
	if (run(&q, &v, &u)) {
		free(w);
		TEST_FAIL("plan without running classes");
	}
	if (!balanced(&p, w, &t))
		bad = 1;
	else if (fabs(w[2].graduates - 0.7 * 30) > 1e-12 ||
		 fabs(w[4].graduates - 0.7 * 20) > 1e-12 ||
		 w[0].graduates != 0 || w[3].graduates != 0)
		bad = 2;
	else if (w[0].in_training - w[0].hires != 50 ||
		 w[2].in_training - (w[0].hires + w[1].hires +
				     w[2].hires) != 20 ||
		 t.in_training_start != 50)
		bad = 3;
	else if (!(t.hires < u.hires) || !(w[0].trained < w[2].trained))
		bad = 4;
	if (bad)
		fprintf(stderr, "  bad %d: hires %g vs %g\n", bad, t.hires,
			u.hires);
	free(w);
	free(v);
	TEST_EQ(bad, 0);
	p.running[6] = 1;                /* week 7 of a 6-week class */
	TEST_EQ(plan_check(&p), EINVAL);
	return 0;
}

const struct test tests_plan[] = {
	{"default_balances_and_covers", test_default_balances_and_covers},
	{"identity_grid", test_identity_grid},
	{"steady_state", test_steady_state},
	{"zero_growth_pass_one", test_zero_growth_pass_one},
	{"class_max_binding", test_class_max_binding},
	{"class_min", test_class_min},
	{"bad_params", test_bad_params},
	{"running_classes", test_running_classes},
	{NULL, NULL}
};
