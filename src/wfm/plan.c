/* plan.c — weekly hires and classes that keep trained headcount at need. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "wfm/plan.h"

int plan_check(const struct plan_params *p)
{
	if (!p)
		return EINVAL;
	if (!(p->positions > 0 && p->positions <= PLAN_MAX_POSITIONS) ||
	    !(p->growth > -1 && p->growth <= 10) ||
	    !(p->attrition >= 0 && p->attrition < 1) ||
	    !(p->pass_rate > 0 && p->pass_rate <= 1) ||
	    !(p->trained0 >= 0 && p->trained0 <= PLAN_MAX_POSITIONS) ||
	    p->training_weeks < 1 || p->training_weeks > 52 ||
	    p->class_min < 1 || p->class_max < p->class_min ||
	    p->class_max > 1000 || p->max_classes > 1000 ||
	    p->horizon < 1 || p->horizon > PLAN_MAX_HORIZON)
		return EINVAL;
	for (unsigned w = 0; w < PLAN_MAX_RUNNING; w++)
		if (p->running[w] > 100000 ||
		    (w >= p->training_weeks && p->running[w]))
			return EINVAL;
	return 0;
}

double plan_need(const struct plan_params *p, unsigned w)
{
	return p->positions * pow(1 + p->growth, w / 52.0);
}

double plan_weekly_attrition(double monthly)
{
	return 1 - pow(1 - monthly, 12.0 / 52.0);
}

/* Trainees to start this week for a shortfall of `short_by` trained
 * agents, in whole classes: ceil(short_by / pass), split into classes of
 * at most class_max, each filled up to class_min, at most max_classes. */
static unsigned class_up(const struct plan_params *p, double short_by,
			 unsigned *classesp)
{
	double want;
	unsigned n, k;

	*classesp = 0;
	if (!(short_by > 1e-9))
		return 0;
	want = ceil(short_by / p->pass_rate - 1e-9);
	if (want > 1e6)
		want = 1e6;
	n = (unsigned)want;
	k = (n + p->class_max - 1) / p->class_max;
	if (p->max_classes && k > p->max_classes) {
		k = p->max_classes;
		n = k * p->class_max;
	}
	if (n < k * p->class_min)
		n = k * p->class_min;
	*classesp = k;
	return n;
}

int plan_run(const struct plan_params *p, struct plan_week *weeks,
	     struct plan_totals *tp)
{
	unsigned H, L;
	double rate, pass, after;   /* trained after last week's leavers */
	struct plan_week *w = NULL;
	struct plan_totals t;
	unsigned *hires = NULL;
	int err;

	if (!weeks || !tp)
		return EINVAL;
	err = plan_check(p);
	if (err)
		return err;
	H = p->horizon;
	L = p->training_weeks;
	rate = plan_weekly_attrition(p->attrition);
	pass = p->pass_rate;
	w = calloc(H, sizeof(*w));
	hires = calloc(H, sizeof(*hires));
	if (!w || !hires) {
		err = ENOMEM;
		goto out;
	}
	memset(&t, 0, sizeof(t));
	after = p->trained0;
	for (unsigned i = 0; i < H; i++) {
		double proj;
		unsigned classes;

		w[i].need = plan_need(p, i);
		w[i].graduates = pass * ((i >= L ? hires[i - L] : 0) +
					 (i < L ? p->running[i] : 0));
		w[i].trained = after + w[i].graduates;
		w[i].attrition = rate * w[i].trained;
		after = w[i].trained - w[i].attrition;

		/* Project trained agents to the start of week i + L from
		 * the classes already running, then hire for the rest. */
		proj = w[i].trained;
		for (unsigned k = i; k < i + L; k++) {
			proj -= rate * proj;
			if (k + 1 < i + L && k + 1 >= L)
				proj += pass * hires[k + 1 - L];
			if (k + 1 < i + L && k + 1 < L)
				proj += pass * p->running[k + 1];
		}
		hires[i] = class_up(p, plan_need(p, i + L) - proj, &classes);
		w[i].hires = hires[i];
		w[i].classes = classes;
		w[i].in_training = 0;
		for (unsigned k = i + 1 > L ? i + 1 - L : 0; k <= i; k++)
			w[i].in_training += hires[k];
		for (unsigned k = i + 1; k < L; k++)
			w[i].in_training += p->running[k];

		t.hires += w[i].hires;
		t.graduates += w[i].graduates;
		t.attrition += w[i].attrition;
		t.classes += w[i].classes;
		if (w[i].trained < w[i].need - 1e-9)
			t.short_weeks++;
	}
	t.failed = (1 - pass) / pass * t.graduates;
	t.need_start = plan_need(p, 0);
	t.need_end = plan_need(p, H);
	t.trained_start = p->trained0;
	for (unsigned k = 0; k < L; k++)
		t.in_training_start += p->running[k];
	t.trained_end = after;
	t.in_training_end = w[H - 1].in_training;
	t.gap_start = t.need_start - t.trained_start;
	t.gap_end = t.need_end - t.trained_end;
	t.residual = pass * (t.hires + t.in_training_start) - t.attrition -
		     (t.trained_end - t.trained_start) -
		     pass * t.in_training_end;
	memcpy(weeks, w, H * sizeof(*w));
	*tp = t;
 out:
	free(hires);
	free(w);
	return err;
}
