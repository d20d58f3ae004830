/* acd_fx.h — a fixture for the routing engine's unit tests: an engine
 * whose events are logged as short text lines to compare. */
#ifndef PLATEAU_ACD_FX_H
#define PLATEAU_ACD_FX_H

#include <stdint.h>
#include "acd/acd.h"

#define FX_EVENTS 4096            /* events kept per fixture            */
#define FX_LINE   96              /* bytes per logged line              */

struct fx {
	struct acd *acd;             /* the engine                         */
	char ev[FX_EVENTS][FX_LINE]; /* logged events, compact text        */
	enum acd_event_type type[FX_EVENTS]; /* their types                */
	unsigned n;                  /* events logged                      */
	unsigned mark;               /* start of fx_log()                  */
	char joined[FX_EVENTS * 24]; /* fx_log() output                    */
	acd_ms_t last_time;          /* time of the latest event           */
	int time_backwards;          /* events that went back in time      */
};

/* Allocates the fixture and engine; returns NULL on failure. */
struct fx *fx_new(uint64_t seed);
void fx_free(struct fx *fx);
/* The events since the mark as "line; line; …", and moves the mark. */
const char *fx_log(struct fx *fx);
/* Number of events of a type since the fixture began. */
unsigned fx_count(const struct fx *fx, enum acd_event_type type);

/* A standard center: tenant "t1", sites "cas" "fes", positions p1..p9
 * at cas and f1..f9 at fes. */
int fx_center(struct fx *fx);
/* A queue with defaults but announce off, and the given strategy. */
int fx_queue(struct fx *fx, const char *id, enum acd_strategy s,
	     const char *skills);
int fx_agent(struct fx *fx, const char *id, const char *skills);

#endif
