/* kpi.h — contact-center KPIs accumulated from the engine's events, per
 * queue, per tenant, per site and in total; shared by the simulator and
 * the reports. */
#ifndef PLATEAU_KPI_H
#define PLATEAU_KPI_H

/*
 * Definitions (docs/simulate.md; the same as `plateau staff` and Erlang
 * C/A in docs/staffing.md). Over the calls that entered a queue
 * ("offered"):
 *   service_level = answered within T / offered   (abandons and exits
 *                   count as misses; T is the queue's sl_time_ms)
 *   asa_s         = mean wait of answered calls, s
 *   p_wait        = calls the engine could not offer to an agent at the
 *                   instant they entered (Erlang's "no agent free on
 *                   arrival") / offered; ring time does not count
 *   p_abandon     = abandoned / offered  (caller hung up before connect)
 *   occupancy     = busy time / logged-in time of the agents, where busy
 *                   is offered (ringing) + on a call + wrap-up, and
 *                   logged-in is every state but logged-out
 * A call is counted in the queue it entered first (transfers are not
 * counted again). A site's answered, answered_in_sl and ASA are the
 * calls its agents answered; its offered is 0 (calls belong to queues,
 * not sites), so its service level, p_wait and p_abandon are 0 (its
 * answered_in_sl / answered is the meaningful rate). A queue's busy_ms
 * is the agents' busy time spent on its calls (from the offer to the
 * end of wrap-up); its logged_ms is 0. A tenant's figures are the sum of
 * its queues' and of its own agents' time.
 *
 * Strings in events are copied; a kpi is independent of the engine.
 * kpi_event() is O(1) on average (hash tables by id).
 */

#include <stdint.h>
#include "acd/acd.h"

struct kpi;

/* Raw counts; kpi_figures() derives the rates. */
struct kpi_counts {
	uint64_t offered;          /* calls that entered                    */
	uint64_t answered;         /* connected                             */
	uint64_t answered_in_sl;   /* connected with wait <= T              */
	uint64_t abandoned;        /* hung up before connect                */
	uint64_t exited;           /* left unanswered: timeout/empty/full/key*/
	uint64_t waited;           /* offered calls that waited at all      */
	double wait_answered_ms;   /* sum of waits of answered calls, ms    */
	double talk_ms;            /* sum of talk times of completed calls  */
	uint64_t completed;        /* connected calls that ended            */
	double busy_ms;            /* agent time offered/on call/wrap-up
				      (a queue: on its calls)               */
	double logged_ms;          /* agent time logged in                  */
};

struct kpi_figures {
	uint64_t offered, answered, abandoned, exited;  /* as counted      */
	double service_level;      /* answered_in_sl / offered; 0 if none   */
	double asa_s;              /* wait_answered / answered, s; 0 if none*/
	double p_wait;             /* waited / offered                      */
	double p_abandon;          /* abandoned / offered                   */
	double occupancy;          /* busy / logged-in; 0 if never logged in*/
	double aht_s;              /* mean talk time of completed calls, s  */
};

/* sl_time_ms: the threshold T of queues not declared with
 * kpi_queue_declare(). */
int kpi_alloc(struct kpi **kp, acd_ms_t sl_time_ms);
struct kpi *kpi_free(struct kpi *k);

/* Declares a queue's tenant and threshold T (before its first event);
 * undeclared queues take their tenant from events and the default T. */
int kpi_queue_declare(struct kpi *k, const char *queue, const char *tenant,
		      acd_ms_t sl_time_ms);

/* Only events at or after `start` count, and agent time from it on (a
 * warm-up period); default 0. Calls that entered before start are not
 * counted at all. */
void kpi_start_at(struct kpi *k, acd_ms_t start);

/* Accumulates one event; usable as an acd_event_h with the kpi as arg. */
void kpi_event(const struct acd_event *ev, void *arg);

/* Closes open agent intervals at `now` (call once at the end, before
 * reading occupancy). */
void kpi_close(struct kpi *k, acd_ms_t now);

void kpi_figures(const struct kpi_counts *c, struct kpi_figures *f);

/* ENOMEM if an allocation failed while accumulating (figures are then
 * incomplete), else 0. */
int kpi_error(const struct kpi *k);

/* Totals and the groups, in the order first seen. */
const struct kpi_counts *kpi_total(const struct kpi *k);
enum kpi_group { KPI_QUEUE = 0, KPI_TENANT, KPI_SITE, KPI_GROUP_COUNT };
size_t kpi_count(const struct kpi *k, enum kpi_group g);
/* The i-th group: its id and counts (NULL if out of range). */
const struct kpi_counts *kpi_at(const struct kpi *k, enum kpi_group g,
				size_t i, const char **idp);
const struct kpi_counts *kpi_find(const struct kpi *k, enum kpi_group g,
				  const char *id);

#endif
