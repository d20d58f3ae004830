/* test_acd_live.c — live configuration of a running engine: a queue's
 * plain settings, a logged-out agent's skills and tenant. */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "acd/acd.h"
#include "test.h"

struct live_fx {
	struct acd *acd;
	unsigned offers;           /* OFFER events seen                    */
	unsigned exits;            /* EXIT events seen                     */
};

static void live_event(const struct acd_event *ev, void *arg)
{
	struct live_fx *f = arg;

	if (ev->type == ACD_EV_OFFER)
		f->offers++;
	else if (ev->type == ACD_EV_EXIT)
		f->exits++;
}

static int live_setup(struct live_fx *f, struct acd_queue_conf *qc)
{
	struct acd_agent_conf ac = {"a1", "t1", "lang:fr=2"};
	int err;

	memset(f, 0, sizeof(*f));
	err = acd_alloc(&f->acd, 1, live_event, f);
	if (err)
		return err;
	err = acd_tenant_add(f->acd, "t1");
	err |= acd_tenant_add(f->acd, "t2");
	err |= acd_site_add(f->acd, "s");
	err |= acd_position_add(f->acd, "p1", "s");
	acd_queue_conf_init(qc);
	qc->id = "q1";
	qc->tenant = "t1";
	qc->skills = "lang:fr>=3";
	err |= acd_queue_add(f->acd, qc);
	err |= acd_agent_add(f->acd, &ac);
	err |= acd_member_add(f->acd, "q1", "a1", 1);
	return err ? EINVAL : 0;
}

static int test_queue_settings(void)
{
	struct live_fx f;
	struct acd_queue_conf qc;
	uint64_t call = 0;
	int err = live_setup(&f, &qc);

	if (err) {
		acd_free(f.acd);
		return err;
	}
	/* max_len 1: the second caller is refused once the change is in */
	qc.max_len = 1;
	qc.strategy = ACD_STRATEGY_RING_ALL;   /* ignored: not live */
	TEST_EQ(acd_queue_settings_set(f.acd, &qc), 0);
	TEST_EQ(acd_call_arrive(f.acd, 1000, "q1", NULL, &call), 0);
	TEST_EQ(acd_call_arrive(f.acd, 1001, "q1", NULL, &call), 0);
	TEST_EQ(f.exits, 1);
	/* out of range and unknown: refused, nothing changed */
	qc.ring_timeout_ms = 0;
	TEST_EQ(acd_queue_settings_set(f.acd, &qc), EINVAL);
	qc.ring_timeout_ms = 15000;
	qc.id = "q9";
	TEST_EQ(acd_queue_settings_set(f.acd, &qc), ENOENT);
	TEST_EQ(acd_call_arrive(f.acd, 1002, "q1", NULL, &call), 0);
	TEST_EQ(f.exits, 2);
	acd_free(f.acd);
	return 0;
}

static int test_agent_profile(void)
{
	struct live_fx f;
	struct acd_queue_conf qc;
	struct acd_agent_conf ac = {"a1", "t1", "lang:fr=4"};
	uint64_t call = 0;
	int err = live_setup(&f, &qc);

	if (err) {
		acd_free(f.acd);
		return err;
	}
	/* level 2 does not serve "lang:fr>=3"; level 4 does */
	TEST_EQ(acd_call_arrive(f.acd, 1000, "q1", NULL, &call), 0);
	TEST_EQ(acd_agent_login(f.acd, 1001, "a1", "p1"), 0);
	TEST_EQ(f.offers, 0);
	/* logged in: the tenant is refused, the skills apply (below) */
	ac.tenant = "t2";
	TEST_EQ(acd_agent_profile_set(f.acd, &ac), EPERM);
	ac.tenant = "t1";
	TEST_EQ(acd_agent_logout(f.acd, 1002, "a1"), 0);
	/* bad skills and another tenant's membership: refused */
	ac.skills = "lang:fr=9";
	TEST_EQ(acd_agent_profile_set(f.acd, &ac), EINVAL);
	ac.skills = "lang:fr=4";
	ac.tenant = "t2";
	TEST_EQ(acd_agent_profile_set(f.acd, &ac), EPERM);
	ac.tenant = "t1";
	TEST_EQ(acd_agent_profile_set(f.acd, &ac), 0);
	TEST_EQ(acd_agent_login(f.acd, 1003, "a1", "p1"), 0);
	TEST_EQ(f.offers, 1);
	acd_free(f.acd);
	return 0;
}

const struct test tests_acd_live[] = {
	{"queue_settings", test_queue_settings},
	{"agent_profile", test_agent_profile},
	{NULL, NULL}
};
