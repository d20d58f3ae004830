/* acd_fx.c — the routing engine's test fixture: event log as text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acd_fx.h"

static void fx_handler(const struct acd_event *ev, void *arg)
{
	struct fx *fx = arg;
	char *s;
	size_t sz = FX_LINE;
	int n = 0;

	if (ev->time < fx->last_time)
		fx->time_backwards++;
	fx->last_time = ev->time;
	if (fx->n >= FX_EVENTS)
		return;
	s = fx->ev[fx->n];
	fx->type[fx->n] = ev->type;
	fx->n++;

	switch (ev->type) {

	case ACD_EV_CALL_ENTER:
		n = snprintf(s, sz, "@%lld enter c%llu %s", (long long)ev->time,
			     (unsigned long long)ev->call, ev->queue);
		break;

	case ACD_EV_OFFER:
		n = snprintf(s, sz, "@%lld offer c%llu %s",
			     (long long)ev->time,
			     (unsigned long long)ev->call, ev->agent);
		break;

	case ACD_EV_OFFER_STOP:
		n = snprintf(s, sz, "@%lld stop c%llu %s",
			     (long long)ev->time,
			     (unsigned long long)ev->call, ev->agent);
		break;

	case ACD_EV_OFFER_NO_ANSWER:
		n = snprintf(s, sz, "@%lld noans c%llu %s",
			     (long long)ev->time,
			     (unsigned long long)ev->call, ev->agent);
		break;

	case ACD_EV_OFFER_DECLINED:
		n = snprintf(s, sz, "@%lld decl c%llu %s",
			     (long long)ev->time,
			     (unsigned long long)ev->call, ev->agent);
		break;

	case ACD_EV_OFFER_FAILED:
		n = snprintf(s, sz, "@%lld fail c%llu %s",
			     (long long)ev->time,
			     (unsigned long long)ev->call, ev->agent);
		break;

	case ACD_EV_CONNECT:
		n = snprintf(s, sz, "@%lld conn c%llu %s w%lld",
			     (long long)ev->time,
			     (unsigned long long)ev->call, ev->agent,
			     (long long)ev->wait_ms);
		break;

	case ACD_EV_ABANDON:
		n = snprintf(s, sz, "@%lld aband c%llu w%lld",
			     (long long)ev->time,
			     (unsigned long long)ev->call,
			     (long long)ev->wait_ms);
		break;

	case ACD_EV_EXIT:
		n = snprintf(s, sz, "@%lld exit c%llu %s%s%c w%lld",
			     (long long)ev->time,
			     (unsigned long long)ev->call,
			     acd_exit_reason_name(ev->exit_reason),
			     ev->key ? ":" : "", ev->key ? ev->key : ' ',
			     (long long)ev->wait_ms);
		break;

	case ACD_EV_COMPLETE:
		n = snprintf(s, sz, "@%lld done c%llu %s %s t%lld",
			     (long long)ev->time,
			     (unsigned long long)ev->call, ev->agent,
			     ev->ended_by == ACD_PARTY_CALLER ? "caller" :
			     "agent", (long long)ev->talk_ms);
		break;

	case ACD_EV_TRANSFER:
		n = snprintf(s, sz, "@%lld xfer c%llu %s %s>%s",
			     (long long)ev->time,
			     (unsigned long long)ev->call, ev->agent,
			     ev->queue, ev->to_queue);
		break;

	case ACD_EV_WRAPUP_END:
		n = snprintf(s, sz, "@%lld wend %s", (long long)ev->time,
			     ev->agent);
		break;

	case ACD_EV_AGENT_STATE:
		n = snprintf(s, sz, "@%lld %s %s%s%s", (long long)ev->time,
			     ev->agent, acd_agent_state_name(ev->state),
			     ev->reason ? ":" : "",
			     ev->reason ? ev->reason : "");
		break;

	case ACD_EV_WIDEN:
		n = snprintf(s, sz, "@%lld widen c%llu %u",
			     (long long)ev->time,
			     (unsigned long long)ev->call, ev->widen_step);
		break;

	case ACD_EV_ANNOUNCE:
		n = snprintf(s, sz, "@%lld ann c%llu p%u e%lld",
			     (long long)ev->time,
			     (unsigned long long)ev->call,
			     ev->position_in_line,
			     (long long)ev->expected_wait_ms);
		break;

	default:
		n = snprintf(s, sz, "@%lld ?%d", (long long)ev->time,
			     (int)ev->type);
		break;
	}
	(void)n;
}

struct fx *fx_new(uint64_t seed)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return NULL;
	fx->last_time = INT64_MIN;
	if (acd_alloc(&fx->acd, seed, fx_handler, fx)) {
		free(fx);
		return NULL;
	}
	return fx;
}

void fx_free(struct fx *fx)
{
	if (!fx)
		return;
	acd_free(fx->acd);
	free(fx);
}

const char *fx_log(struct fx *fx)
{
	size_t len = 0;

	fx->joined[0] = '\0';
	for (unsigned i = fx->mark; i < fx->n; i++) {
		int n = snprintf(fx->joined + len, sizeof(fx->joined) - len,
				 "%s%s", i > fx->mark ? "; " : "", fx->ev[i]);

		if (n < 0 || (size_t)n >= sizeof(fx->joined) - len)
			break;
		len += (size_t)n;
	}
	fx->mark = fx->n;
	return fx->joined;
}

unsigned fx_count(const struct fx *fx, enum acd_event_type type)
{
	unsigned c = 0;

	for (unsigned i = 0; i < fx->n; i++)
		c += fx->type[i] == type;
	return c;
}

int fx_center(struct fx *fx)
{
	char id[16];
	int err = 0;

	err |= acd_tenant_add(fx->acd, "t1");
	err |= acd_site_add(fx->acd, "cas");
	err |= acd_site_add(fx->acd, "fes");
	for (int i = 1; i <= 9; i++) {
		snprintf(id, sizeof(id), "p%d", i);
		err |= acd_position_add(fx->acd, id, "cas");
		snprintf(id, sizeof(id), "f%d", i);
		err |= acd_position_add(fx->acd, id, "fes");
	}
	return err ? EINVAL : 0;
}

int fx_queue(struct fx *fx, const char *id, enum acd_strategy s,
	     const char *skills)
{
	struct acd_queue_conf qc;

	acd_queue_conf_init(&qc);
	qc.id = id;
	qc.tenant = "t1";
	qc.strategy = s;
	qc.skills = skills;
	qc.announce_ms = 0;
	return acd_queue_add(fx->acd, &qc);
}

int fx_agent(struct fx *fx, const char *id, const char *skills)
{
	struct acd_agent_conf ac = {id, NULL, skills};

	return acd_agent_add(fx->acd, &ac);
}
