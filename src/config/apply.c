/* apply.c — feeds a loaded center to a routing engine. */
#include <errno.h>
#include "config/center.h"

int center_apply(const struct center *c, struct acd *acd)
{
	int err = 0;

	if (!c || !acd)
		return EINVAL;
	for (size_t i = 0; i < c->n_tenants && !err; i++)
		err = acd_tenant_add(acd, c->tenants[i].id);
	for (size_t i = 0; i < c->n_sites && !err; i++)
		err = acd_site_add(acd, c->sites[i].id);
	for (size_t i = 0; i < c->n_positions && !err; i++)
		err = acd_position_add(acd, c->positions[i].id,
				       c->positions[i].site);
	for (size_t i = 0; i < c->n_queues && !err; i++)
		err = acd_queue_add(acd, &c->queues[i].acd);
	for (size_t i = 0; i < c->n_agents && !err; i++) {
		const struct center_agent *a = &c->agents[i];
		struct acd_agent_conf conf = {a->id, a->tenant, a->skills};

		err = acd_agent_add(acd, &conf);
	}
	for (size_t i = 0; i < c->n_agents && !err; i++) {
		const struct center_agent *a = &c->agents[i];

		for (size_t j = 0; j < a->n_members && !err; j++)
			err = acd_member_add(acd, a->members[j].queue, a->id,
					     a->members[j].weight);
	}
	return err;
}
