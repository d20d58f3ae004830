/* test_acd_change.c — live changes to what routing is built on: a queue's
 * routing, a logged-in agent's skills, a position's site, and removals. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "acd_fx.h"

static uint64_t arrive(struct fx *fx, acd_ms_t now, const char *q, int prio,
		       const char *skills)
{
	struct acd_call_params cp = {prio, skills};
	uint64_t id = 0;

	if (acd_call_arrive(fx->acd, now, q, &cp, &id))
		return 0;
	return id;
}

static unsigned place(struct fx *fx, uint64_t call)
{
	struct acd_call_info ci;

	if (acd_call_info(fx->acd, call, &ci))
		return 999;
	return ci.position_in_line;
}

static void qconf(struct acd_queue_conf *qc, const char *id,
		  const char *skills)
{
	acd_queue_conf_init(qc);
	qc->id = id;
	qc->tenant = "t1";
	qc->skills = skills;
	qc->announce_ms = 0;
}

/* ---------------------------------------------------------------------
 * A queue's routing
 * ------------------------------------------------------------------- */

/* Lower skills: the waiting calls meet the agent at once, in their order
 * of entry; a call with extra skills keeps waiting. */
static int test_routing_skills(void)
{
	struct acd_queue_conf qc;
	struct acd_queue_stats st;
	FX_BEGIN(1);

	qconf(&qc, "q", "lang:fr>=3");
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "a1", "lang:fr=2"));
	OK(fx_agent(fx, "a2", "lang:fr=2"));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_member_add(fx->acd, "q", "a2", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	fx_log(fx);
	arrive(fx, 1000, "q", 0, "lang:ar>=1");
	arrive(fx, 2000, "q", 0, NULL);
	arrive(fx, 3000, "q", 0, NULL);
	CHECK_LOG("@1000 enter c1 q; @2000 enter c2 q; @3000 enter c3 q");
	CHECK_EQ(place(fx, 3), 2);
	OK(acd_tick(fx->acd, 5000));
	qc.skills = "lang:fr>=2";
	OK(acd_queue_routing_set(fx->acd, &qc));
	CHECK_LOG("@5000 offer c2 a1; @5000 a1 offered");
	CHECK_EQ(place(fx, 3), 1);
	CHECK_EQ(place(fx, 1), 1);
	OK(acd_agent_login(fx->acd, 6000, "a2", "p2"));
	CHECK_LOG("@6000 a2 ready; @6000 offer c3 a2; @6000 a2 offered");
	OK(acd_queue_stats(fx->acd, "q", &st));
	CHECK_EQ(st.waiting, 1);
	CHECK_EQ(st.ringing, 2);
	CHECK_EQ(st.oldest_enter, 1000);
	/* the ringing offer is not disturbed by stricter rules */
	qc.skills = "lang:fr>=5";
	OK(acd_queue_routing_set(fx->acd, &qc));
	CHECK_LOG("");
	OK(acd_offer_accept(fx->acd, 7000, 2, "a1"));
	CHECK_LOG("@7000 conn c2 a1 w5000; @7000 a1 on-call");
	OK(acd_call_hangup(fx->acd, 8000, 2, ACD_PARTY_CALLER));
	/* c3 rings out at 21000: a2 is no longer eligible, it waits */
	OK(acd_tick(fx->acd, 21000));
	CHECK_EQ(place(fx, 3), 1);
	CHECK_EQ(acd_queue_stats(fx->acd, "q", &st), 0);
	CHECK_EQ(st.ringing, 0);
	CHECK_EQ(st.waiting, 2);
	FX_END();
}

/* A new strategy picks the next agent by its own rule. */
static int test_routing_strategy(void)
{
	struct acd_queue_conf qc;
	FX_BEGIN(1);

	qconf(&qc, "q", NULL);
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "a1", NULL));
	OK(fx_agent(fx, "a2", NULL));
	OK(acd_member_add(fx->acd, "q", "a2", 1));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	OK(acd_agent_login(fx->acd, 100, "a2", "p2"));
	/* longest idle would pick a1; linear picks the first member, a2 */
	qc.strategy = ACD_STRATEGY_LINEAR;
	OK(acd_queue_routing_set(fx->acd, &qc));
	fx_log(fx);
	arrive(fx, 1000, "q", 0, NULL);
	CHECK_LOG("@1000 enter c1 q; @1000 offer c1 a2; @1000 a2 offered");
	qc.strategy = ACD_STRATEGY_RING_ALL;
	OK(acd_queue_routing_set(fx->acd, &qc));
	arrive(fx, 2000, "q", 0, NULL);
	CHECK_LOG("@2000 enter c2 q; @2000 offer c2 a1; @2000 a1 offered");
	FX_END();
}

/* New widening: a call takes the step its wait reached (no WIDEN event),
 * the next step at its time. */
static int test_routing_widen(void)
{
	struct acd_queue_conf qc;
	FX_BEGIN(1);

	qconf(&qc, "q", "lang:de>=4");
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "de2", "lang:de=2"));
	OK(fx_agent(fx, "de1", "lang:de=1"));
	OK(acd_member_add(fx->acd, "q", "de2", 1));
	OK(acd_member_add(fx->acd, "q", "de1", 1));
	OK(acd_agent_login(fx->acd, 0, "de2", "p1"));
	OK(acd_agent_login(fx->acd, 0, "de1", "p2"));
	arrive(fx, 1000, "q", 0, NULL);
	arrive(fx, 35000, "q", 0, NULL);
	OK(acd_tick(fx->acd, 40000));
	fx_log(fx);
	qc.n_widen = 2;
	qc.widen[0].after_ms = 30000;
	qc.widen[0].skills = "lang:de>=2";
	qc.widen[1].after_ms = 60000;
	qc.widen[1].skills = "lang:de>=1";
	OK(acd_queue_routing_set(fx->acd, &qc));
	/* c1 waited 39 s: step 1 (de>=2) at once; c2 (5 s) later */
	CHECK_LOG("@40000 offer c1 de2; @40000 de2 offered");
	CHECK_EQ(acd_next_deadline(fx->acd), 55000);
	OK(acd_tick(fx->acd, 66000));
	CHECK_LOG("@55000 noans c1 de2; @55000 de2 ready; "
		  "@55000 offer c1 de2; @55000 de2 offered; "
		  "@61000 widen c1 1; @65000 widen c2 0");
	OK(acd_offer_decline(fx->acd, 66000, 1, "de2"));
	CHECK_LOG("@66000 decl c1 de2; @66000 offer c1 de1; "
		  "@66000 de1 offered; @66000 de2 ready; "
		  "@66000 offer c2 de2; @66000 de2 offered");
	FX_END();
}

/* Refusals change nothing. */
static int test_routing_refused(void)
{
	struct acd_queue_conf qc;
	struct acd_agent_conf ac = {"a1", "t1", "lang:fr=2"};
	FX_BEGIN(1);

	OK(acd_tenant_add(fx->acd, "t2"));
	qconf(&qc, "q", "lang:fr>=3");
	OK(acd_queue_add(fx->acd, &qc));
	OK(acd_agent_add(fx->acd, &ac));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	arrive(fx, 1000, "q", 0, NULL);
	fx_log(fx);
	qc.skills = "lang:fr>=1 &";
	CHECK_EQ(acd_queue_routing_set(fx->acd, &qc), EINVAL);
	qc.skills = "lang:fr>=1";
	qc.sites = "cas rabat";
	CHECK_EQ(acd_queue_routing_set(fx->acd, &qc), ENOENT);
	qc.sites = NULL;
	qc.tenant = "t9";
	CHECK_EQ(acd_queue_routing_set(fx->acd, &qc), ENOENT);
	qc.tenant = "t2";   /* a1 is t1's agent */
	CHECK_EQ(acd_queue_routing_set(fx->acd, &qc), EPERM);
	CHECK(strstr(acd_errmsg(fx->acd), "a1") != NULL);
	qc.tenant = "t1";
	qc.id = "nope";
	CHECK_EQ(acd_queue_routing_set(fx->acd, &qc), ENOENT);
	CHECK_LOG("");
	CHECK_EQ(place(fx, 1), 1);
	/* the old rules still hold; a good change then applies */
	qc.id = "q";
	OK(acd_queue_routing_set(fx->acd, &qc));
	CHECK_LOG("@1000 offer c1 a1; @1000 a1 offered");
	FX_END();
}

/* A tenant change: agents of no tenant stay eligible, the events carry
 * the new tenant. */
static int test_routing_tenant(void)
{
	struct acd_queue_conf qc;
	struct acd_queue_stats st;
	FX_BEGIN(1);

	OK(acd_tenant_add(fx->acd, "t2"));
	qconf(&qc, "q", NULL);
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "a1", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	qc.tenant = "t2";
	OK(acd_queue_routing_set(fx->acd, &qc));
	OK(acd_queue_stats(fx->acd, "q", &st));
	CHECK(!strcmp(st.tenant, "t2"));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	fx_log(fx);
	arrive(fx, 1000, "q", 0, NULL);
	CHECK_LOG("@1000 enter c1 q; @1000 offer c1 a1; @1000 a1 offered");
	FX_END();
}

/* ---------------------------------------------------------------------
 * An agent's skills and a position's site, while logged in
 * ------------------------------------------------------------------- */

static int test_agent_skills_live(void)
{
	struct acd_queue_conf qc;
	struct acd_agent_conf ac = {"a1", NULL, "lang:fr=4"};
	FX_BEGIN(1);

	qconf(&qc, "q", "lang:fr>=3");
	qc.wrapup_ms = 0;
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "a1", "lang:fr=2"));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	arrive(fx, 1000, "q", 0, NULL);
	OK(acd_tick(fx->acd, 2000));
	fx_log(fx);
	OK(acd_agent_profile_set(fx->acd, &ac));
	CHECK_LOG("@2000 offer c1 a1; @2000 a1 offered");
	/* back to 2 while ringing and talking: the call goes on */
	ac.skills = "lang:fr=2";
	OK(acd_agent_profile_set(fx->acd, &ac));
	OK(acd_offer_accept(fx->acd, 3000, 1, "a1"));
	arrive(fx, 3500, "q", 0, NULL);
	OK(acd_call_hangup(fx->acd, 4000, 1, ACD_PARTY_CALLER));
	CHECK_LOG("@3000 conn c1 a1 w2000; @3000 a1 on-call; "
		  "@3500 enter c2 q; @4000 done c1 a1 caller t1000; "
		  "@4000 a1 ready");
	/* its tenant is refused while logged in; bad skills too */
	ac.tenant = "t1";
	CHECK_EQ(acd_agent_profile_set(fx->acd, &ac), EPERM);
	ac.tenant = NULL;
	ac.skills = "lang:fr=7";
	CHECK_EQ(acd_agent_profile_set(fx->acd, &ac), EINVAL);
	CHECK_LOG("");
	ac.skills = "lang:fr=3";
	OK(acd_tick(fx->acd, 5000));
	OK(acd_agent_profile_set(fx->acd, &ac));
	CHECK_LOG("@5000 offer c2 a1; @5000 a1 offered");
	FX_END();
}

static int test_position_site_live(void)
{
	struct acd_queue_conf qc;
	struct acd_agent_info ai;
	FX_BEGIN(1);

	qconf(&qc, "q", NULL);
	qc.sites = "cas";
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "a1", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "f1"));
	arrive(fx, 1000, "q", 0, NULL);
	OK(acd_tick(fx->acd, 2000));
	fx_log(fx);
	CHECK_EQ(acd_position_site_set(fx->acd, "f1", "rabat"), ENOENT);
	CHECK_EQ(acd_position_site_set(fx->acd, "zz", "cas"), ENOENT);
	OK(acd_position_site_set(fx->acd, "f1", "cas"));
	CHECK_LOG("@2000 offer c1 a1; @2000 a1 offered");
	OK(acd_agent_info(fx->acd, "a1", &ai));
	CHECK(!strcmp(ai.site, "cas"));
	/* moved back: the ringing offer goes on, the next call waits */
	OK(acd_position_site_set(fx->acd, "f1", "fes"));
	OK(acd_offer_accept(fx->acd, 2500, 1, "a1"));
	OK(acd_call_hangup(fx->acd, 3000, 1, ACD_PARTY_AGENT));
	OK(acd_tick(fx->acd, 20000));
	arrive(fx, 21000, "q", 0, NULL);
	CHECK_EQ(place(fx, 2), 1);
	FX_END();
}

/* ---------------------------------------------------------------------
 * Removals
 * ------------------------------------------------------------------- */

static int test_remove(void)
{
	struct acd_queue_conf qc;
	struct acd_queue_stats st;
	struct acd_agent_info ai;
	struct acd_agent_conf ac = {"a1", "t1", NULL};
	FX_BEGIN(1);

	OK(acd_tenant_add(fx->acd, "t2"));
	OK(acd_site_add(fx->acd, "rabat"));
	qconf(&qc, "q", NULL);
	OK(acd_queue_add(fx->acd, &qc));
	qconf(&qc, "w", NULL);
	qc.sites = "rabat";
	qc.n_widen = 1;
	qc.widen[0].after_ms = 1000;
	qc.widen[0].add_queue = "q";
	OK(acd_queue_add(fx->acd, &qc));
	OK(acd_agent_add(fx->acd, &ac));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	arrive(fx, 1000, "q", 0, NULL);
	/* in use: refused, saying why */
	CHECK_EQ(acd_remove_check(fx->acd, ACD_KIND_QUEUE, "q"), EBUSY);
	CHECK_EQ(acd_queue_remove(fx->acd, "q"), EBUSY);
	CHECK(strstr(acd_errmsg(fx->acd), "1 waiting") != NULL);
	CHECK_EQ(acd_remove_check(fx->acd, ACD_KIND_QUEUE, "nope"), ENOENT);
	OK(acd_remove_check(fx->acd, ACD_KIND_QUEUE, "w"));
	OK(acd_remove_check(fx->acd, ACD_KIND_AGENT, "a1"));
	OK(acd_agent_login(fx->acd, 2000, "a1", "p1"));
	CHECK_EQ(acd_agent_remove(fx->acd, "a1"), EBUSY);
	CHECK_EQ(acd_remove_check(fx->acd, ACD_KIND_AGENT, "a1"), EBUSY);
	CHECK_EQ(acd_remove_check(fx->acd, ACD_KIND_POSITION, "p1"), EBUSY);
	CHECK_EQ(acd_position_remove(fx->acd, "p1"), EBUSY);
	CHECK_EQ(acd_site_remove(fx->acd, "cas"), EBUSY);
	CHECK_EQ(acd_site_remove(fx->acd, "rabat"), EBUSY);
	CHECK_EQ(acd_tenant_remove(fx->acd, "t1"), EBUSY);
	OK(acd_offer_accept(fx->acd, 2500, 1, "a1"));
	CHECK_EQ(acd_queue_remove(fx->acd, "q"), EBUSY);
	CHECK(strstr(acd_errmsg(fx->acd), "1 connected") != NULL);
	OK(acd_call_hangup(fx->acd, 3000, 1, ACD_PARTY_AGENT));
	/* named by w's widening */
	CHECK_EQ(acd_queue_remove(fx->acd, "q"), EBUSY);
	CHECK(strstr(acd_errmsg(fx->acd), "\"w\"") != NULL);
	OK(acd_queue_remove(fx->acd, "w"));
	CHECK_EQ(acd_queue_stats(fx->acd, "w", &st), ENOENT);
	CHECK_EQ(acd_queue_remove(fx->acd, "w"), ENOENT);
	OK(acd_site_remove(fx->acd, "rabat"));
	OK(acd_queue_remove(fx->acd, "q"));
	OK(acd_tenant_remove(fx->acd, "t2"));
	CHECK_EQ(acd_tenant_remove(fx->acd, "t1"), EBUSY); /* a1's */
	OK(acd_tick(fx->acd, 20000));     /* wrap-up over */
	OK(acd_agent_logout(fx->acd, 20000, "a1"));
	OK(acd_position_remove(fx->acd, "p1"));
	CHECK_EQ(acd_agent_login(fx->acd, 20000, "a1", "p1"), ENOENT);
	OK(acd_agent_remove(fx->acd, "a1"));
	CHECK_EQ(acd_agent_info(fx->acd, "a1", &ai), ENOENT);
	OK(acd_tenant_remove(fx->acd, "t1"));
	/* the ids are free again */
	OK(acd_tenant_add(fx->acd, "t1"));
	qconf(&qc, "q", NULL);
	OK(acd_queue_add(fx->acd, &qc));
	OK(acd_agent_add(fx->acd, &ac));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_position_add(fx->acd, "p1", "cas"));
	OK(acd_agent_login(fx->acd, 21000, "a1", "p1"));
	fx_log(fx);
	arrive(fx, 22000, "q", 0, NULL);
	CHECK_LOG("@22000 enter c2 q; @22000 offer c2 a1; @22000 a1 offered");
	FX_END();
}

/* An agent removed while logged out leaves its queues' counts. */
static int test_remove_member_counts(void)
{
	struct acd_queue_conf qc;
	struct acd_queue_stats st;
	FX_BEGIN(1);

	qconf(&qc, "q", NULL);
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "a1", NULL));
	OK(fx_agent(fx, "a2", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_member_add(fx->acd, "q", "a2", 1));
	OK(acd_agent_login(fx->acd, 0, "a2", "p2"));
	OK(acd_agent_remove(fx->acd, "a1"));
	OK(acd_queue_stats(fx->acd, "q", &st));
	CHECK_EQ(st.agents[ACD_AGENT_LOGGED_OUT], 0);
	CHECK_EQ(st.agents[ACD_AGENT_READY], 1);
	FX_END();
}

const struct test tests_acd_change[] = {
	{"routing_skills", test_routing_skills},
	{"routing_strategy", test_routing_strategy},
	{"routing_widen", test_routing_widen},
	{"routing_refused", test_routing_refused},
	{"routing_tenant", test_routing_tenant},
	{"agent_skills_live", test_agent_skills_live},
	{"position_site_live", test_position_site_live},
	{"remove", test_remove},
	{"remove_member_counts", test_remove_member_counts},
	{NULL, NULL}
};
