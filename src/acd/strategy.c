/* strategy.c — the strategy table: names, the key each strategy orders a
 * class's ready agents by, and the pick among them. */
#include <string.h>
#include "acd_int.h"

/*
 * Each routing class keeps its ready agents in a tree ordered by a key
 * that depends on the queue's strategy, so a pick is O(log n):
 *
 *   longest-idle     (ready since, agent seq)          take the minimum
 *   linear           (member order, agent seq)         take the minimum
 *   round-robin      (member order, agent seq)         first after the
 *                                                      queue's cursor,
 *                                                      wrapping
 *   fewest-calls     (calls answered, ready since, seq)  minimum
 *   least-talk-time  (talk ms, ready since, seq)        minimum
 *   best-skill       (-sum of levels, ready since, seq) minimum
 *   random           (ready since, seq)     uniform rank, then select
 *   weighted-random  (ready since, seq)     weight prefix sums, select
 *   ring-all         (ready since, seq)     every one, in key order
 *
 * The parts of a key never change while the agent is in the tree: calls
 * answered, talk time and ready-since change only when the agent is not
 * ready.
 */

static const char *names[ACD_STRATEGY_COUNT] = {
	[ACD_STRATEGY_LONGEST_IDLE]    = "longest-idle",
	[ACD_STRATEGY_ROUND_ROBIN]     = "round-robin",
	[ACD_STRATEGY_LINEAR]          = "linear",
	[ACD_STRATEGY_FEWEST_CALLS]    = "fewest-calls",
	[ACD_STRATEGY_LEAST_TALK_TIME] = "least-talk-time",
	[ACD_STRATEGY_RANDOM]          = "random",
	[ACD_STRATEGY_WEIGHTED_RANDOM] = "weighted-random",
	[ACD_STRATEGY_RING_ALL]        = "ring-all",
	[ACD_STRATEGY_BEST_SKILL]      = "best-skill",
};

const char *acd_strategy_name(enum acd_strategy s)
{
	if ((unsigned)s >= ACD_STRATEGY_COUNT)
		return "?";
	return names[s];
}

int acd_strategy_parse(const char *name, enum acd_strategy *sp)
{
	if (!name || !sp)
		return EINVAL;
	for (unsigned i = 0; i < ACD_STRATEGY_COUNT; i++) {
		if (!strcmp(name, names[i])) {
			*sp = (enum acd_strategy)i;
			return 0;
		}
	}
	return ENOENT;
}

/* Sets the tree key and weight of an agent's class membership. */
void strategy_key(struct cmember *cm)
{
	const struct agent *a = cm->a;
	int64_t *k = cm->node.k;

	cm->node.w = cm->weight;
	switch (cm->c->q->strategy) {

	case ACD_STRATEGY_LINEAR:
	case ACD_STRATEGY_ROUND_ROBIN:
		k[0] = cm->order;
		k[1] = (int64_t)a->seq;
		k[2] = 0;
		break;

	case ACD_STRATEGY_FEWEST_CALLS:
		k[0] = (int64_t)a->calls_answered;
		k[1] = a->ready_since;
		k[2] = (int64_t)a->seq;
		break;

	case ACD_STRATEGY_LEAST_TALK_TIME:
		k[0] = a->talk_ms;
		k[1] = a->ready_since;
		k[2] = (int64_t)a->seq;
		break;

	case ACD_STRATEGY_BEST_SKILL:
		k[0] = -cm->score;
		k[1] = a->ready_since;
		k[2] = (int64_t)a->seq;
		break;

	default:
		k[0] = a->ready_since;
		k[1] = (int64_t)a->seq;
		k[2] = 0;
		break;
	}
}

/* Uniform in [0, n), n > 0, without modulo bias. */
static uint64_t rand_below(struct acd *acd, uint64_t n)
{
	uint64_t threshold = (0 - n) % n;

	for (;;) {
		uint64_t r = acd_splitmix64(&acd->rng);

		if (r >= threshold)
			return r % n;
	}
}

/* The ready agent of class c that the strategy picks, or NULL if none.
 * For ring-all, the first of them (the caller offers to each in turn). */
struct cmember *strategy_pick(struct acd *acd, struct rclass *c)
{
	struct tnode *n = NULL;
	struct queue *q = c->q;
	uint32_t count = tree_count(&c->ready);

	if (count == 0)
		return NULL;

	switch (q->strategy) {

	case ACD_STRATEGY_ROUND_ROBIN: {
		int64_t k[3] = {q->rr_last, INT64_MAX, INT64_MAX};

		n = tree_after(&c->ready, k);
		if (!n)
			n = tree_min(&c->ready);
		break;
	}

	case ACD_STRATEGY_RANDOM:
		n = tree_select(&c->ready,
				(uint32_t)rand_below(acd, count));
		break;

	case ACD_STRATEGY_WEIGHTED_RANDOM:
		n = tree_select_weight(&c->ready,
				       rand_below(acd, tree_weight(&c->ready)));
		break;

	default:
		n = tree_min(&c->ready);
		break;
	}

	assert(n != NULL);
	return ACD_CONTAINER(n, struct cmember, node);
}
