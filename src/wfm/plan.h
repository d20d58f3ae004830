/* plan.h — recruitment and training plan against growth and attrition. */
#ifndef PLATEAU_PLAN_H
#define PLATEAU_PLAN_H

#include <stddef.h>

/* A weekly stock-and-flow model of trained agents. Week w (0-based):
 *   need(w)     = positions * (1 + growth)^(w / 52)
 *   graduates   = pass_rate * hires(w - training_weeks), joining at the
 *                 start of week w
 *   trained(w)  = trained(w-1) - attrition(w-1) + graduates(w), with
 *                 trained(-1) - attrition(-1) = trained0
 *   attrition   = weekly_rate * trained(w), weekly_rate =
 *                 1 - (1 - monthly)^(12/52)
 *   hires(w)    = trainees starting a class in week w, a whole number,
 *                 chosen so that trained(w + training_weeks) covers
 *                 need(w + training_weeks); classes of class_min to
 *                 class_max trainees, at most max_classes a week.
 * Classes already running at the start (running[w] trainees finishing
 * at the start of week w) graduate pass_rate * running[w] too.
 * Trained headcount, attrition and graduates are expected values (real
 * numbers); hires and classes are whole. Over the horizon, exactly:
 *   pass_rate * (hires + in_training_start) = attrition
 *       + (trained_end - trained0) + pass_rate * in_training_end
 * docs/plan.md derives it. Pure math: no I/O, no clock. */

#define PLAN_MAX_RUNNING 52    /* weeks a running class may still last */

struct plan_params {
	double positions;       /* trained agents needed at week 0      */
	double growth;          /* growth of the need per year, > -1    */
	double attrition;       /* share of trained agents leaving a
				 * month, [0, 1)                        */
	double pass_rate;       /* share of trainees who graduate, (0,1] */
	double trained0;        /* trained agents at the start          */
	unsigned training_weeks; /* class length, weeks, >= 1           */
	unsigned class_min;     /* fewest trainees a class starts with  */
	unsigned class_max;     /* most trainees in one class           */
	unsigned max_classes;   /* classes a week at most; 0: no limit  */
	unsigned horizon;       /* weeks planned, >= 1                  */
	unsigned running[PLAN_MAX_RUNNING]; /* trainees of classes already
				 * running at the start who finish at the
				 * start of week w (w < training_weeks;
				 * 0 elsewhere), at most 100,000 each   */
};

struct plan_week {
	double need;            /* trained agents needed                 */
	double trained;         /* trained agents this week, graduates in */
	double attrition;       /* trained agents leaving this week      */
	double graduates;       /* trainees joining the trained at start */
	double in_training;     /* trainees in class, after this week's hires
				 * (hired, not yet graduated)            */
	unsigned hires;         /* trainees starting this week           */
	unsigned classes;       /* classes starting this week            */
};

/* Totals over the horizon and the terms of the balance identity. */
struct plan_totals {
	double hires;           /* trainees started                      */
	double graduates;       /* trainees graduated                    */
	double failed;          /* (1 - pass_rate) x trainees who ended   */
	double attrition;       /* trained agents who left               */
	double need_start;      /* need(0)                               */
	double need_end;        /* need(horizon): the week after the last */
	double trained_start;   /* trained0                              */
	double in_training_start; /* trainees of running classes at the
				 * start: the sum of running[]           */
	double trained_end;     /* after the last week's attrition       */
	double in_training_end; /* trainees still in class at the end    */
	double gap_start;       /* need_start - trained_start            */
	double gap_end;         /* need_end - trained_end                */
	double residual;        /* pass*(hires + in_training_start) -
				 * attrition - (trained_end -
				 * trained_start) - pass*in_training_end:
				 * 0 but for rounding, ~1e-12          */
	unsigned classes;       /* classes started                       */
	unsigned short_weeks;   /* weeks with trained < need             */
};

#define PLAN_MAX_HORIZON 520
#define PLAN_MAX_POSITIONS 1000000

/* Checks p; EINVAL names nothing, the command checks each option. */
int plan_check(const struct plan_params *p);

/* Need at week w (may lie past the horizon). */
double plan_need(const struct plan_params *p, unsigned w);

/* Weekly attrition rate from the monthly one. */
double plan_weekly_attrition(double monthly);

/* Plans p->horizon weeks into weeks[] and the totals into *tp. Returns
 * EINVAL on bad parameters, ENOMEM; outputs untouched on error. */
int plan_run(const struct plan_params *p, struct plan_week *weeks,
	     struct plan_totals *tp);

#endif
