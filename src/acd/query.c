/* query.c — read-only views of the engine: names of the vocabulary, queue
 * statistics, agent and call information. */
#include <string.h>
#include "acd_int.h"

const char *acd_event_name(enum acd_event_type type)
{
	static const char *names[ACD_EV_COUNT] = {
		[ACD_EV_CALL_ENTER]      = "call-enter",
		[ACD_EV_OFFER]           = "offer",
		[ACD_EV_OFFER_STOP]      = "offer-stop",
		[ACD_EV_OFFER_NO_ANSWER] = "offer-no-answer",
		[ACD_EV_OFFER_DECLINED]  = "offer-declined",
		[ACD_EV_OFFER_FAILED]    = "offer-failed",
		[ACD_EV_CONNECT]         = "connect",
		[ACD_EV_ABANDON]         = "abandon",
		[ACD_EV_EXIT]            = "exit",
		[ACD_EV_COMPLETE]        = "complete",
		[ACD_EV_TRANSFER]        = "transfer",
		[ACD_EV_WRAPUP_END]      = "wrapup-end",
		[ACD_EV_AGENT_STATE]     = "agent-state",
		[ACD_EV_WIDEN]           = "widen",
		[ACD_EV_ANNOUNCE]        = "announce",
	};

	if ((unsigned)type >= ACD_EV_COUNT)
		return "?";
	return names[type];
}

const char *acd_agent_state_name(enum acd_agent_state s)
{
	static const char *names[ACD_AGENT_STATE_COUNT] = {
		[ACD_AGENT_LOGGED_OUT] = "logged-out",
		[ACD_AGENT_READY]      = "ready",
		[ACD_AGENT_PAUSED]     = "paused",
		[ACD_AGENT_OFFERED]    = "offered",
		[ACD_AGENT_ON_CALL]    = "on-call",
		[ACD_AGENT_WRAP_UP]    = "wrap-up",
	};

	if ((unsigned)s >= ACD_AGENT_STATE_COUNT)
		return "?";
	return names[s];
}

const char *acd_exit_reason_name(enum acd_exit_reason r)
{
	static const char *names[] = {
		[ACD_EXIT_TIMEOUT] = "timeout",
		[ACD_EXIT_EMPTY]   = "empty",
		[ACD_EXIT_FULL]    = "full",
		[ACD_EXIT_KEY]     = "key",
	};

	if ((unsigned)r > ACD_EXIT_KEY)
		return "?";
	return names[r];
}

/* O(1): every figure is a counter kept as things happen. */
int acd_queue_stats(const struct acd *acd, const char *queue,
		    struct acd_queue_stats *st)
{
	const struct queue *q;
	const struct le *le;

	if (!acd || !queue || !st)
		return EINVAL;
	q = acd_queue_find(acd, queue);
	if (!q)
		return ENOENT;
	memset(st, 0, sizeof(*st));
	st->tenant = q->tenant->id;
	st->waiting = q->waiting;
	st->ringing = q->ringing;
	le = list_head(&q->line);
	st->oldest_enter = le ? ((const struct call *)le->data)->enter :
		ACD_NEVER;
	memcpy(st->agents, q->agents, sizeof(st->agents));
	st->entered = q->entered;
	st->answered = q->answered;
	st->answered_in_sl = q->answered_in_sl;
	st->abandoned = q->abandoned;
	st->exited = q->exited;
	st->mean_handle_ms = q->mean_handle_ms;
	return 0;
}

int acd_agent_info(const struct acd *acd, const char *agent,
		   struct acd_agent_info *info)
{
	const struct agent *a;

	if (!acd || !agent || !info)
		return EINVAL;
	a = acd_agent_find(acd, agent);
	if (!a)
		return ENOENT;
	memset(info, 0, sizeof(*info));
	info->state = a->state;
	info->since = a->since;
	info->reason = a->reason;
	info->pending_pause = a->pending_pause;
	info->position = a->pos ? a->pos->id : NULL;
	info->site = a->pos ? a->pos->site->id : NULL;
	info->call = a->call ? a->call->id : 0;
	info->calls_answered = a->calls_answered;
	info->talk_ms = a->talk_ms;
	info->no_answers = a->no_answers;
	return 0;
}

/* position_in_line: rank among the waiting calls of the call's class
 * (calls needing the same agents), O(log n). */
int acd_call_info(const struct acd *acd, uint64_t id,
		  struct acd_call_info *info)
{
	const struct call *call;
	const struct rclass *c;

	if (!acd || !info)
		return EINVAL;
	call = acd_call_find(acd, id);
	if (!call)
		return ENOENT;
	c = call->chain[call->step];
	memset(info, 0, sizeof(*info));
	info->queue = call->q->id;
	if (call->st == CALL_CONNECTED) {
		info->agent = call->agent ? call->agent->id : NULL;
		info->connected = call->agent != NULL;
	}
	else if (!list_isempty(&call->offers)) {
		info->agent = ((struct agent *)
			       list_head(&call->offers)->data)->id;
	}
	info->priority = call->eprio;
	info->enter = call->enter;
	if (call->st == CALL_WAITING && call->cnode.in)
		info->position_in_line = tree_rank(&c->calls,
						   &call->cnode) + 1;
	return 0;
}
