/* live.c — configuration changes to a running engine: a queue's plain
 * settings and a logged-out agent's skills and tenant. */
#include <errno.h>
#include <string.h>
#include "acd_int.h"

/*
 * These inputs exist for the HTTP API's live configuration. They change
 * only what no routing class depends on, so no class, tree or timer has
 * to be rebuilt: a queue's numbers and rules (used at the next arrival,
 * offer, wrap-up or timer start) and the skills of an agent who is not
 * logged in (classes hold only logged-in agents). Everything else
 * (a queue's skills, sites, widening, strategy, tenant) is refused by the
 * caller or needs a restart.
 */

int acd_queue_settings_set(struct acd *acd, const struct acd_queue_conf *f)
{
	struct queue *q;

	if (!acd || !f || !f->id)
		return EINVAL;
	if (acd->in_handler)
		return acd_err(acd, EPERM, "input from inside the event "
			       "handler");
	q = acd_queue_find(acd, f->id);
	if (!q)
		return acd_err(acd, ENOENT, "unknown queue \"%s\"", f->id);
	if (f->priority < -ACD_PRIO_MAX || f->priority > ACD_PRIO_MAX ||
	    !(f->sl_target > 0 && f->sl_target <= 1) || f->sl_time_ms < 0 ||
	    f->ring_timeout_ms <= 0 || f->wrapup_ms < 0 ||
	    f->max_wait_ms < 0 || f->announce_ms < 0 ||
	    (unsigned)f->join_empty > ACD_EMPTY_NO_AVAILABLE ||
	    (unsigned)f->leave_empty > ACD_EMPTY_NO_AVAILABLE)
		return acd_err(acd, EINVAL, "queue \"%s\": a setting is out "
			       "of range", f->id);
	q->priority = f->priority;
	q->sl_target = f->sl_target;
	q->sl_time_ms = f->sl_time_ms;
	q->ring_timeout_ms = f->ring_timeout_ms;
	q->wrapup_ms = f->wrapup_ms;
	q->max_wait_ms = f->max_wait_ms;
	q->max_len = f->max_len;
	q->join_empty = f->join_empty;
	q->leave_empty = f->leave_empty;
	q->max_no_answer = f->max_no_answer;
	q->announce_ms = f->announce_ms;
	return 0;
}

static bool tenant_eq(struct le *le, void *arg)
{
	const struct tenant *t = le->data;

	return !strcmp(t->id, arg);
}

int acd_agent_profile_set(struct acd *acd, const struct acd_agent_conf *f)
{
	struct skillset ss = {NULL, 0};
	struct agent *a;
	struct tenant *t = NULL;
	char msg[200];
	int err;

	if (!acd || !f || !f->id)
		return EINVAL;
	if (acd->in_handler)
		return acd_err(acd, EPERM, "input from inside the event "
			       "handler");
	a = acd_agent_find(acd, f->id);
	if (!a)
		return acd_err(acd, ENOENT, "unknown agent \"%s\"", f->id);
	if (a->state != ACD_AGENT_LOGGED_OUT)
		return acd_err(acd, EPERM, "agent \"%s\" is logged in: its "
			       "skills and tenant change once logged out",
			       f->id);
	if (f->tenant) {
		struct le *le = hash_lookup(acd->tenants,
					    hash_joaat_str(f->tenant),
					    tenant_eq, (void *)f->tenant);

		if (!le)
			return acd_err(acd, ENOENT, "agent \"%s\": unknown "
				       "tenant \"%s\"", f->id, f->tenant);
		t = le->data;
	}
	if (f->tenant) {
		/* a tenant's agent may only be a member of its queues */
		for (struct le *le = a->members.head; le; le = le->next) {
			const struct member *m = le->data;

			if (m->q->tenant != t)
				return acd_err(acd, EPERM, "agent \"%s\": "
					       "member of queue \"%s\" of "
					       "another tenant", f->id,
					       m->q->id);
		}
	}
	msg[0] = '\0';
	err = skillset_parse(&ss, f->skills, msg, sizeof(msg));
	if (err) {
		if (err == EINVAL)
			acd_err(acd, err, "agent \"%s\": %s", f->id, msg);
		return err;
	}
	skillset_reset(&a->skills);
	a->skills = ss;
	a->tenant = t;
	return 0;
}
