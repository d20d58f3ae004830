/* acd_fx.h — a fixture for the routing engine's unit tests: an engine
 * whose events are logged as short text lines to compare. */
#ifndef PLATEAU_ACD_FX_H
#define PLATEAU_ACD_FX_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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

/* A test body on a fresh fixture with the standard center:
 * FX_BEGIN(seed) ... FX_END(); CHECK* jump to FX_END on failure. */
#define FX_BEGIN(seed)                                                     \
	struct fx *fx = fx_new(seed);                                      \
	int err_ = 0;                                                      \
	if (!fx)                                                           \
		return ENOMEM;                                             \
	if (fx_center(fx)) {                                               \
		fx_free(fx);                                               \
		return EINVAL;                                             \
	}

#define FX_END()                                                           \
	out_:                                                              \
	fx_free(fx);                                                       \
	return err_;

/* Like TEST_* but free the fixture on failure. */
#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "  %s:%d: check failed: %s\n",     \
				__FILE__, __LINE__, #cond);                \
			err_ = EINVAL;                                     \
			goto out_;                                         \
		}                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                     \
	do {                                                               \
		long long a_ = (long long)(a), b_ = (long long)(b);        \
		if (a_ != b_) {                                            \
			fprintf(stderr, "  %s:%d: %s == %lld, expected "   \
				"%lld\n", __FILE__, __LINE__, #a, a_, b_); \
			err_ = EINVAL;                                     \
			goto out_;                                         \
		}                                                          \
	} while (0)

#define CHECK_LOG(expected)                                                \
	do {                                                               \
		const char *got_ = fx_log(fx);                             \
		if (strcmp(got_, (expected))) {                            \
			fprintf(stderr, "  %s:%d: events\n    got:      %s\n"\
				"    expected: %s\n", __FILE__, __LINE__,      \
				got_, (expected));                         \
			err_ = EINVAL;                                     \
			goto out_;                                         \
		}                                                          \
	} while (0)

#define OK(expr) CHECK_EQ((expr), 0)

#endif
