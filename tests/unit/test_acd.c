/* test_acd.c — behaviour of the routing engine: inputs, strategies,
 * events, error paths. */
#include <stdlib.h>
#include "test.h"
#include "acd_fx.h"

static struct acd_queue_stats qstats(struct fx *fx, const char *q)
{
	struct acd_queue_stats st;

	memset(&st, 0, sizeof(st));
	(void)acd_queue_stats(fx->acd, q, &st);
	return st;
}

static enum acd_agent_state astate(struct fx *fx, const char *a)
{
	struct acd_agent_info ai;

	if (acd_agent_info(fx->acd, a, &ai))
		return ACD_AGENT_STATE_COUNT;
	return ai.state;
}

static uint64_t arrive(struct fx *fx, acd_ms_t now, const char *q, int prio,
		       const char *skills)
{
	struct acd_call_params cp = {prio, skills};
	uint64_t id = 0;

	if (acd_call_arrive(fx->acd, now, q, &cp, &id))
		return 0;
	return id;
}

/* ---------------------------------------------------------------------
 * Vocabulary
 * ------------------------------------------------------------------- */

static int test_names(void)
{
	enum acd_strategy s;

	for (int i = 0; i < ACD_STRATEGY_COUNT; i++) {
		TEST_EQ(acd_strategy_parse(acd_strategy_name(i), &s), 0);
		TEST_EQ(s, i);
	}
	TEST_EQ(acd_strategy_parse("fastest", &s), ENOENT);
	TEST_EQ(acd_strategy_parse(NULL, &s), EINVAL);
	TEST_STREQ(acd_strategy_name(ACD_STRATEGY_LONGEST_IDLE),
		   "longest-idle");
	TEST_STREQ(acd_event_name(ACD_EV_CALL_ENTER), "call-enter");
	TEST_STREQ(acd_event_name(ACD_EV_COUNT), "?");
	TEST_STREQ(acd_agent_state_name(ACD_AGENT_ON_CALL), "on-call");
	TEST_STREQ(acd_exit_reason_name(ACD_EXIT_TIMEOUT), "timeout");
	for (int i = 0; i < ACD_EV_COUNT; i++)
		TEST_ASSERT(strcmp(acd_event_name(i), "?"));
	return 0;
}

/* ---------------------------------------------------------------------
 * Configuration and its errors
 * ------------------------------------------------------------------- */

static int test_config_errors(void)
{
	struct acd_queue_conf qc;
	struct acd_agent_conf ac = {"a1", NULL, "lang:fr=5"};
	struct acd_queue_stats st;
	FX_BEGIN(1);

	CHECK_EQ(acd_tenant_add(fx->acd, "t1"), EEXIST);
	CHECK(strstr(acd_errmsg(fx->acd), "t1"));
	CHECK_EQ(acd_tenant_add(fx->acd, NULL), EINVAL);
	CHECK_EQ(acd_tenant_add(fx->acd, ""), EINVAL);
	CHECK_EQ(acd_tenant_add(fx->acd, "a b"), EINVAL);
	CHECK_EQ(acd_site_add(fx->acd, "cas"), EEXIST);
	CHECK_EQ(acd_position_add(fx->acd, "p1", "cas"), EEXIST);
	CHECK_EQ(acd_position_add(fx->acd, "px", "rabat"), ENOENT);
	CHECK_EQ(acd_position_add(fx->acd, "px", NULL), EINVAL);

	acd_queue_conf_init(&qc);
	qc.id = "q";
	qc.tenant = "nobody";
	CHECK_EQ(acd_queue_add(fx->acd, &qc), ENOENT);
	qc.tenant = "t1";
	qc.skills = "lang:fr>=";
	CHECK_EQ(acd_queue_add(fx->acd, &qc), EINVAL);
	CHECK(strstr(acd_errmsg(fx->acd), "offset 9"));
	CHECK(strstr(acd_errmsg(fx->acd), "level"));
	qc.skills = NULL;
	qc.sites = "cas rabat";
	CHECK_EQ(acd_queue_add(fx->acd, &qc), ENOENT);
	qc.sites = "cas cas";
	CHECK_EQ(acd_queue_add(fx->acd, &qc), EINVAL);
	qc.sites = NULL;
	qc.strategy = ACD_STRATEGY_COUNT;
	CHECK_EQ(acd_queue_add(fx->acd, &qc), EINVAL);
	qc.strategy = ACD_STRATEGY_LINEAR;
	qc.sl_target = 0;
	CHECK_EQ(acd_queue_add(fx->acd, &qc), EINVAL);
	qc.sl_target = 0.8;
	qc.ring_timeout_ms = 0;
	CHECK_EQ(acd_queue_add(fx->acd, &qc), EINVAL);
	qc.ring_timeout_ms = 1000;
	qc.n_widen = 2;
	qc.widen[0].after_ms = 5000;
	qc.widen[1].after_ms = 4000;
	CHECK_EQ(acd_queue_add(fx->acd, &qc), EINVAL);
	qc.widen[1].after_ms = 6000;
	qc.widen[1].skills = "(lang:fr";
	CHECK_EQ(acd_queue_add(fx->acd, &qc), EINVAL);
	CHECK(strstr(acd_errmsg(fx->acd), "step 1"));
	qc.widen[1].skills = NULL;
	qc.widen[1].add_site = "oujda";
	CHECK_EQ(acd_queue_add(fx->acd, &qc), ENOENT);
	qc.n_widen = ACD_MAX_WIDEN + 1;
	CHECK_EQ(acd_queue_add(fx->acd, &qc), EINVAL);
	qc.n_widen = 0;
	CHECK_EQ(acd_queue_add(fx->acd, NULL), EINVAL);
	/* nothing was added by the failures */
	CHECK_EQ(acd_queue_stats(fx->acd, "q", &st), ENOENT);
	OK(acd_queue_add(fx->acd, &qc));
	CHECK_EQ(acd_queue_add(fx->acd, &qc), EEXIST);

	OK(acd_agent_add(fx->acd, &ac));
	CHECK_EQ(acd_agent_add(fx->acd, &ac), EEXIST);
	ac.id = "a2";
	ac.skills = "lang:fr=6";
	CHECK_EQ(acd_agent_add(fx->acd, &ac), EINVAL);
	ac.skills = "lang:fr=5 lang:fr=4";
	CHECK_EQ(acd_agent_add(fx->acd, &ac), EINVAL);
	CHECK(strstr(acd_errmsg(fx->acd), "twice"));
	ac.skills = "lang:fr";
	CHECK_EQ(acd_agent_add(fx->acd, &ac), EINVAL);
	ac.skills = NULL;
	ac.tenant = "t9";
	CHECK_EQ(acd_agent_add(fx->acd, &ac), ENOENT);
	CHECK_EQ(acd_agent_info(fx->acd, "a2", &(struct acd_agent_info){0}),
		 ENOENT);

	CHECK_EQ(acd_member_add(fx->acd, "q", "a1", 0), EINVAL);
	CHECK_EQ(acd_member_add(fx->acd, "q", "a1", 1001), EINVAL);
	CHECK_EQ(acd_member_add(fx->acd, "qq", "a1", 1), ENOENT);
	CHECK_EQ(acd_member_add(fx->acd, "q", "zz", 1), ENOENT);
	CHECK_EQ(acd_member_remove(fx->acd, "q", "a1"), ENOENT);
	st = qstats(fx, "q");
	CHECK_EQ(st.agents[ACD_AGENT_LOGGED_OUT], 0);
	OK(acd_member_add(fx->acd, "q", "a1", 1000));
	CHECK_EQ(acd_member_add(fx->acd, "q", "a1", 1), EEXIST);
	st = qstats(fx, "q");
	CHECK_EQ(st.agents[ACD_AGENT_LOGGED_OUT], 1);
	OK(acd_member_remove(fx->acd, "q", "a1"));
	st = qstats(fx, "q");
	CHECK_EQ(st.agents[ACD_AGENT_LOGGED_OUT], 0);
	CHECK_EQ(fx->n, 0);
	CHECK_EQ(acd_alloc(NULL, 0, NULL, NULL), EINVAL);
	CHECK_EQ(acd_queue_add(NULL, &qc), EINVAL);
	FX_END();
}

/* ---------------------------------------------------------------------
 * The life of a call
 * ------------------------------------------------------------------- */

static int test_call_lifecycle(void)
{
	struct acd_agent_info ai;
	struct acd_call_info ci;
	struct acd_queue_stats st;
	uint64_t c;
	FX_BEGIN(1);

	OK(fx_queue(fx, "q", ACD_STRATEGY_LONGEST_IDLE, NULL));
	OK(fx_agent(fx, "a1", NULL));
	OK(fx_agent(fx, "a2", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_member_add(fx->acd, "q", "a2", 1));
	OK(acd_agent_login(fx->acd, 1000, "a2", "p2"));
	OK(acd_agent_login(fx->acd, 2000, "a1", "p1"));
	CHECK_LOG("@1000 a2 ready; @2000 a1 ready");
	st = qstats(fx, "q");
	CHECK_EQ(st.agents[ACD_AGENT_READY], 2);

	c = arrive(fx, 3000, "q", 0, NULL);
	CHECK_EQ(c, 1);
	CHECK_LOG("@3000 enter c1 q; @3000 offer c1 a2; @3000 a2 offered");
	OK(acd_call_info(fx->acd, c, &ci));
	TEST_STREQ(ci.agent, "a2");
	CHECK(!ci.connected);
	CHECK_EQ(ci.position_in_line, 0);
	st = qstats(fx, "q");
	CHECK_EQ(st.ringing, 1);
	CHECK_EQ(st.waiting, 0);
	CHECK_EQ(acd_next_deadline(fx->acd), 3000 + 15000);

	OK(acd_offer_accept(fx->acd, 5000, c, "a2"));
	CHECK_LOG("@5000 conn c1 a2 w2000; @5000 a2 on-call");
	OK(acd_call_info(fx->acd, c, &ci));
	CHECK(ci.connected);
	st = qstats(fx, "q");
	CHECK_EQ(st.answered, 1);
	CHECK_EQ(st.answered_in_sl, 1);
	CHECK_EQ(st.ringing, 0);
	CHECK_EQ(acd_next_deadline(fx->acd), ACD_NEVER);

	OK(acd_call_hangup(fx->acd, 65000, c, ACD_PARTY_CALLER));
	CHECK_LOG("@65000 done c1 a2 caller t60000; @65000 a2 wrap-up");
	CHECK_EQ(acd_call_info(fx->acd, c, &ci), ENOENT);
	CHECK_EQ(acd_next_deadline(fx->acd), 75000);
	OK(acd_tick(fx->acd, 80000));
	CHECK_LOG("@75000 wend a2; @75000 a2 ready");
	OK(acd_agent_info(fx->acd, "a2", &ai));
	CHECK_EQ(ai.calls_answered, 1);
	CHECK_EQ(ai.talk_ms, 60000);
	CHECK_EQ(ai.since, 75000);
	TEST_STREQ(ai.position, "p2");
	TEST_STREQ(ai.site, "cas");
	st = qstats(fx, "q");
	/* 180000 + (70000 - 180000) / 8 */
	CHECK_EQ(st.mean_handle_ms, 166250);
	CHECK_EQ(st.entered, 1);
	FX_END();
}

static int test_abandon_while_waiting_and_ringing(void)
{
	struct acd_queue_stats st;
	uint64_t c1, c2;
	FX_BEGIN(1);

	OK(fx_queue(fx, "q", ACD_STRATEGY_LONGEST_IDLE, NULL));
	OK(fx_agent(fx, "a1", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	c1 = arrive(fx, 10, "q", 0, NULL);
	c2 = arrive(fx, 20, "q", 0, NULL);
	fx_log(fx);
	CHECK_EQ(acd_call_hangup(fx->acd, 30, c2, ACD_PARTY_AGENT), EPERM);
	OK(acd_call_hangup(fx->acd, 30, c2, ACD_PARTY_CALLER));
	CHECK_LOG("@30 aband c2 w10");
	OK(acd_call_hangup(fx->acd, 40, c1, ACD_PARTY_CALLER));
	CHECK_LOG("@40 stop c1 a1; @40 aband c1 w30; @40 a1 ready");
	st = qstats(fx, "q");
	CHECK_EQ(st.abandoned, 2);
	CHECK_EQ(st.ringing, 0);
	CHECK_EQ(st.waiting, 0);
	CHECK_EQ(acd_call_hangup(fx->acd, 40, c1, ACD_PARTY_CALLER), ENOENT);
	CHECK_EQ(acd_call_hangup(fx->acd, 40, 99, ACD_PARTY_CALLER), ENOENT);
	FX_END();
}

/* ---------------------------------------------------------------------
 * Strategies
 * ------------------------------------------------------------------- */

/* Four agents a1..a4 logged in at times 100..400 in that order; member
 * order a1..a4. */
static int four_agents(struct fx *fx, const char *q, enum acd_strategy s,
		       const char *skills)
{
	static const char *sk[4] = {"lang:fr=2", "lang:fr=5", "lang:fr=3",
				    "lang:fr=4"};
	char id[16], pos[16];
	int err = fx_queue(fx, q, s, skills);

	for (int i = 0; !err && i < 4; i++) {
		snprintf(id, sizeof(id), "a%d", i + 1);
		snprintf(pos, sizeof(pos), "p%d", i + 1);
		err = fx_agent(fx, id, sk[i]);
		if (!err)
			err = acd_member_add(fx->acd, q, id, (unsigned)i + 1);
		if (!err)
			err = acd_agent_login(fx->acd, 100 * (i + 1), id,
					      pos);
	}
	fx_log(fx);
	return err;
}

static int test_strategy_longest_idle(void)
{
	FX_BEGIN(1);
	OK(four_agents(fx, "q", ACD_STRATEGY_LONGEST_IDLE, NULL));
	OK(acd_agent_pause(fx->acd, 500, "a1", "lunch"));
	OK(acd_agent_ready(fx->acd, 600, "a1"));
	fx_log(fx);
	/* a1 idle again since 600: a2 (200) is the longest idle */
	arrive(fx, 1000, "q", 0, NULL);
	arrive(fx, 1000, "q", 0, NULL);
	arrive(fx, 1000, "q", 0, NULL);
	CHECK_LOG("@1000 enter c1 q; @1000 offer c1 a2; @1000 a2 offered; "
		  "@1000 enter c2 q; @1000 offer c2 a3; @1000 a3 offered; "
		  "@1000 enter c3 q; @1000 offer c3 a4; @1000 a4 offered");
	FX_END();
}

static int test_strategy_linear(void)
{
	FX_BEGIN(1);
	OK(four_agents(fx, "q", ACD_STRATEGY_LINEAR, NULL));
	for (int i = 0; i < 3; i++) {
		uint64_t c = arrive(fx, 1000 + i, "q", 0, NULL);

		CHECK(c);
		OK(acd_offer_decline(fx->acd, 1000 + i, c, "a1"));
		OK(acd_call_hangup(fx->acd, 1000 + i, c, ACD_PARTY_CALLER));
	}
	fx_log(fx);
	/* a1 first in member order always gets it back; then a2 */
	arrive(fx, 2000, "q", 0, NULL);
	arrive(fx, 2000, "q", 0, NULL);
	CHECK_LOG("@2000 enter c4 q; @2000 offer c4 a1; @2000 a1 offered; "
		  "@2000 enter c5 q; @2000 offer c5 a2; @2000 a2 offered");
	FX_END();
}

static int test_strategy_round_robin(void)
{
	FX_BEGIN(1);
	OK(four_agents(fx, "q", ACD_STRATEGY_ROUND_ROBIN, NULL));
	char want[16];

	for (int i = 0; i < 9; i++) {
		struct acd_call_info ci;
		uint64_t c = arrive(fx, 1000 + i, "q", 0, NULL);

		OK(acd_call_info(fx->acd, c, &ci));
		snprintf(want, sizeof(want), "a%d", i % 4 + 1);
		if (strcmp(ci.agent, want)) {
			fprintf(stderr, "  call %d to %s, expected %s\n", i,
				ci.agent, want);
			CHECK(0);
		}
		/* the caller gives up while it rings: agent back, idle */
		OK(acd_call_hangup(fx->acd, 1000 + i, c, ACD_PARTY_CALLER));
	}
	/* the last went to a1; a2 paused: the cursor skips to a3 */
	OK(acd_agent_pause(fx->acd, 2000, "a2", "lunch"));
	fx_log(fx);
	{
		struct acd_call_info ci;
		uint64_t c = arrive(fx, 2001, "q", 0, NULL);

		OK(acd_call_info(fx->acd, c, &ci));
		TEST_STREQ(ci.agent, "a3");
		/* a decline: the next after a3 is a4 */
		OK(acd_offer_decline(fx->acd, 2002, c, "a3"));
		OK(acd_call_info(fx->acd, c, &ci));
		TEST_STREQ(ci.agent, "a4");
	}
	FX_END();
}

static int test_strategy_fewest_calls(void)
{
	uint64_t c;
	FX_BEGIN(1);
	OK(four_agents(fx, "q", ACD_STRATEGY_FEWEST_CALLS, NULL));
	/* a1 answers two calls, a2 one; all back to ready later */
	for (int i = 0; i < 3; i++) {
		struct acd_call_info ci;

		c = arrive(fx, 1000 + 100 * i, "q", 0, NULL);
		OK(acd_call_info(fx->acd, c, &ci));
		OK(acd_offer_accept(fx->acd, 1000 + 100 * i, c, ci.agent));
		OK(acd_call_hangup(fx->acd, 1050 + 100 * i, c,
				   ACD_PARTY_AGENT));
		OK(acd_agent_ready(fx->acd, 1050 + 100 * i, ci.agent));
	}
	/* each call went to a 0-call agent by idle time: a1, a2, a3 */
	fx_log(fx);
	c = arrive(fx, 5000, "q", 0, NULL);
	CHECK_LOG("@5000 enter c4 q; @5000 offer c4 a4; @5000 a4 offered");
	OK(acd_offer_accept(fx->acd, 5000, c, "a4"));
	OK(acd_call_hangup(fx->acd, 5001, c, ACD_PARTY_AGENT));
	OK(acd_agent_ready(fx->acd, 5002, "a4"));
	fx_log(fx);
	/* all have one call: longest idle among them is a1 (1050) */
	arrive(fx, 6000, "q", 0, NULL);
	CHECK_LOG("@6000 enter c5 q; @6000 offer c5 a1; @6000 a1 offered");
	FX_END();
}

static int test_strategy_least_talk_time(void)
{
	FX_BEGIN(1);
	OK(four_agents(fx, "q", ACD_STRATEGY_LEAST_TALK_TIME, NULL));
	/* talk: a1 900, a2 100, a3 500, a4 300 */
	static const int talk[4] = {900, 100, 500, 300};

	for (int i = 0; i < 4; i++) {
		char id[16];
		uint64_t c = arrive(fx, 1000, "q", 0, NULL);

		snprintf(id, sizeof(id), "a%d", i + 1);
		OK(acd_offer_accept(fx->acd, 1000, c, id));
	}
	/* hang up in time order: a2, a4, a3, a1 */
	static const int by_time[4] = {1, 3, 2, 0};

	for (int j = 0; j < 4; j++) {
		int i = by_time[j];

		OK(acd_call_hangup(fx->acd, 1000 + talk[i], (uint64_t)i + 1,
				   ACD_PARTY_CALLER));
	}
	OK(acd_tick(fx->acd, 20000));
	fx_log(fx);
	arrive(fx, 30000, "q", 0, NULL);
	arrive(fx, 30000, "q", 0, NULL);
	arrive(fx, 30000, "q", 0, NULL);
	CHECK_LOG("@30000 enter c5 q; @30000 offer c5 a2; @30000 a2 offered; "
		  "@30000 enter c6 q; @30000 offer c6 a4; @30000 a4 offered; "
		  "@30000 enter c7 q; @30000 offer c7 a3; @30000 a3 offered");
	FX_END();
}

static int test_strategy_best_skill(void)
{
	FX_BEGIN(1);
	/* levels: a1 2, a2 5, a3 3, a4 4 */
	OK(four_agents(fx, "q", ACD_STRATEGY_BEST_SKILL, "lang:fr>=3"));
	arrive(fx, 1000, "q", 0, NULL);
	arrive(fx, 1000, "q", 0, NULL);
	arrive(fx, 1000, "q", 0, NULL);
	arrive(fx, 1000, "q", 0, NULL);
	/* a1 (level 2) is not eligible: the 4th call waits */
	CHECK_LOG("@1000 enter c1 q; @1000 offer c1 a2; @1000 a2 offered; "
		  "@1000 enter c2 q; @1000 offer c2 a4; @1000 a4 offered; "
		  "@1000 enter c3 q; @1000 offer c3 a3; @1000 a3 offered; "
		  "@1000 enter c4 q");
	CHECK_EQ(qstats(fx, "q").waiting, 1);
	CHECK_EQ(astate(fx, "a1"), ACD_AGENT_READY);
	FX_END();
}

static int test_strategy_ring_all(void)
{
	uint64_t c;
	struct acd_queue_stats st;
	FX_BEGIN(1);
	OK(four_agents(fx, "q", ACD_STRATEGY_RING_ALL, NULL));
	OK(acd_agent_pause(fx->acd, 500, "a3", "brief"));
	fx_log(fx);
	c = arrive(fx, 1000, "q", 0, NULL);
	CHECK_LOG("@1000 enter c1 q; @1000 offer c1 a1; @1000 a1 offered; "
		  "@1000 offer c1 a2; @1000 a2 offered; "
		  "@1000 offer c1 a4; @1000 a4 offered");
	st = qstats(fx, "q");
	CHECK_EQ(st.ringing, 1);
	/* a second call waits: every agent rings for c1 already */
	arrive(fx, 1100, "q", 0, NULL);
	CHECK_LOG("@1100 enter c2 q");
	OK(acd_offer_decline(fx->acd, 1200, c, "a1"));
	/* a1 declined c1: back to ready, takes c2 at once */
	CHECK_LOG("@1200 decl c1 a1; @1200 a1 ready; @1200 offer c2 a1; "
		  "@1200 a1 offered");
	OK(acd_offer_accept(fx->acd, 1300, c, "a4"));
	CHECK_LOG("@1300 conn c1 a4 w300; @1300 a4 on-call; "
		  "@1300 stop c1 a2; @1300 a2 ready");
	CHECK_EQ(acd_offer_accept(fx->acd, 1300, c, "a2"), EPERM);
	CHECK_EQ(fx_log(fx)[0], '\0');
	FX_END();
}

/* Distribution and determinism of the random strategies. */
static int random_run(uint64_t seed, enum acd_strategy s, unsigned hits[4],
		      char *log, size_t logsz)
{
	FX_BEGIN(seed);
	OK(four_agents(fx, "q", s, NULL));
	memset(hits, 0, 4 * sizeof(*hits));
	for (int i = 0; i < 2000; i++) {
		struct acd_call_info ci;
		uint64_t c = arrive(fx, 1000 + i, "q", 0, NULL);

		OK(acd_call_info(fx->acd, c, &ci));
		CHECK(ci.agent && ci.agent[0] == 'a');
		hits[ci.agent[1] - '1']++;
		OK(acd_call_hangup(fx->acd, 1000 + i, c, ACD_PARTY_CALLER));
		if (i < 5 && log) {
			strncat(log, ci.agent, logsz - strlen(log) - 1);
		}
	}
	FX_END();
}

static int test_strategy_random(void)
{
	unsigned h1[4], h2[4];
	char l1[64] = "", l2[64] = "", l3[64] = "";
	int err;

	err = random_run(7, ACD_STRATEGY_RANDOM, h1, l1, sizeof(l1));
	if (err)
		return err;
	for (int i = 0; i < 4; i++)
		TEST_ASSERT(h1[i] > 400 && h1[i] < 600);
	err = random_run(7, ACD_STRATEGY_RANDOM, h2, l2, sizeof(l2));
	if (err)
		return err;
	TEST_ASSERT(!memcmp(h1, h2, sizeof(h1)));
	TEST_STREQ(l1, l2);
	err = random_run(8, ACD_STRATEGY_RANDOM, h2, l3, sizeof(l3));
	if (err)
		return err;
	TEST_ASSERT(memcmp(h1, h2, sizeof(h1)) != 0);
	return 0;
}

static int test_strategy_weighted_random(void)
{
	unsigned h[4];
	int err = random_run(3, ACD_STRATEGY_WEIGHTED_RANDOM, h, NULL, 0);

	if (err)
		return err;
	/* weights 1..4 of 10: expect 200, 400, 600, 800 of 2000 */
	TEST_ASSERT(h[0] > 130 && h[0] < 270);
	TEST_ASSERT(h[1] > 320 && h[1] < 480);
	TEST_ASSERT(h[2] > 510 && h[2] < 690);
	TEST_ASSERT(h[3] > 710 && h[3] < 890);
	return 0;
}

/* ---------------------------------------------------------------------
 * Ordering: priority, FIFO, queues, weights
 * ------------------------------------------------------------------- */

static int test_priority_fifo_two_queues(void)
{
	struct acd_queue_conf qc;
	FX_BEGIN(1);

	OK(fx_queue(fx, "gold", ACD_STRATEGY_LONGEST_IDLE, NULL));
	acd_queue_conf_init(&qc);
	qc.id = "vip";
	qc.tenant = "t1";
	qc.priority = 5;
	qc.announce_ms = 0;
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "a1", NULL));
	OK(acd_member_add(fx->acd, "gold", "a1", 1));
	OK(acd_member_add(fx->acd, "vip", "a1", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	OK(acd_agent_pause(fx->acd, 0, "a1", "brief"));
	fx_log(fx);
	arrive(fx, 100, "gold", 0, NULL);   /* c1 */
	arrive(fx, 200, "vip", 0, NULL);    /* c2 eff 5 */
	arrive(fx, 300, "gold", 7, NULL);   /* c3 eff 7 */
	arrive(fx, 400, "gold", 0, NULL);   /* c4 */
	arrive(fx, 500, "vip", -5, NULL);   /* c5 eff 0, after c1, c4 */
	fx_log(fx);
	{
		struct acd_call_info ci;

		OK(acd_call_info(fx->acd, 3, &ci));
		CHECK_EQ(ci.priority, 7);
		CHECK_EQ(ci.position_in_line, 1);
		/* in line among the calls of gold: c3, c1, c4 */
		OK(acd_call_info(fx->acd, 4, &ci));
		CHECK_EQ(ci.position_in_line, 3);
	}
	static const int order[5] = {3, 2, 1, 4, 5};

	for (int i = 0; i < 5; i++) {
		struct acd_agent_info ai;

		OK(acd_agent_ready(fx->acd, 1000 + i, "a1"));
		OK(acd_agent_info(fx->acd, "a1", &ai));
		CHECK_EQ(ai.call, order[i]);
		OK(acd_offer_accept(fx->acd, 1000 + i, ai.call, "a1"));
		OK(acd_call_hangup(fx->acd, 1000 + i, ai.call,
				   ACD_PARTY_CALLER));
	}
	FX_END();
}

static int test_equal_wait_higher_weight(void)
{
	struct acd_agent_info ai;
	FX_BEGIN(1);

	OK(fx_queue(fx, "q1", ACD_STRATEGY_LONGEST_IDLE, NULL));
	OK(fx_queue(fx, "q2", ACD_STRATEGY_LONGEST_IDLE, NULL));
	OK(fx_agent(fx, "a1", NULL));
	OK(acd_member_add(fx->acd, "q1", "a1", 10));
	OK(acd_member_add(fx->acd, "q2", "a1", 20));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	OK(acd_agent_pause(fx->acd, 0, "a1", "brief"));
	arrive(fx, 100, "q1", 0, NULL);
	arrive(fx, 100, "q2", 0, NULL);
	OK(acd_agent_ready(fx->acd, 200, "a1"));
	OK(acd_agent_info(fx->acd, "a1", &ai));
	CHECK_EQ(ai.call, 2);
	FX_END();
}

/* ---------------------------------------------------------------------
 * Eligibility: skills, tenant, site
 * ------------------------------------------------------------------- */

static int test_eligibility(void)
{
	struct acd_queue_conf qc;
	struct acd_agent_conf ac;
	FX_BEGIN(1);

	OK(acd_tenant_add(fx->acd, "t2"));
	acd_queue_conf_init(&qc);
	qc.id = "fr";
	qc.tenant = "t1";
	qc.skills = "lang:fr>=3 & (product:fibre>=2 | product:adsl)";
	qc.sites = "cas";
	qc.announce_ms = 0;
	OK(acd_queue_add(fx->acd, &qc));

	ac = (struct acd_agent_conf){"low", NULL, "lang:fr=2 product:adsl=5"};
	OK(acd_agent_add(fx->acd, &ac));
	ac = (struct acd_agent_conf){"fes", NULL, "lang:fr=5 product:adsl=1"};
	OK(acd_agent_add(fx->acd, &ac));
	ac = (struct acd_agent_conf){"t2", "t2", "lang:fr=5 product:adsl=1"};
	OK(acd_agent_add(fx->acd, &ac));
	ac = (struct acd_agent_conf){"nomember", NULL, "lang:fr=5 product:adsl=1"};
	OK(acd_agent_add(fx->acd, &ac));
	ac = (struct acd_agent_conf){"good", "t1", "lang:fr=3 product:fibre=2"};
	OK(acd_agent_add(fx->acd, &ac));
	OK(acd_member_add(fx->acd, "fr", "low", 1));
	OK(acd_member_add(fx->acd, "fr", "fes", 1));
	OK(acd_member_add(fx->acd, "fr", "t2", 1));
	OK(acd_member_add(fx->acd, "fr", "good", 1));
	OK(acd_agent_login(fx->acd, 0, "low", "p1"));
	OK(acd_agent_login(fx->acd, 0, "fes", "f1"));
	OK(acd_agent_login(fx->acd, 0, "t2", "p2"));
	OK(acd_agent_login(fx->acd, 0, "nomember", "p3"));
	fx_log(fx);
	/* nobody eligible: the call waits */
	arrive(fx, 100, "fr", 0, NULL);
	CHECK_LOG("@100 enter c1 fr");
	/* extra skills from the IVR: good lacks lang:ar */
	arrive(fx, 150, "fr", 0, "lang:ar");
	OK(acd_agent_login(fx->acd, 200, "good", "p4"));
	CHECK_LOG("@150 enter c2 fr; @200 good ready; @200 offer c1 good; "
		  "@200 good offered");
	/* call skills that are bad: EINVAL, no call made */
	{
		struct acd_call_params cp = {0, "lang:ar>>3"};
		uint64_t id = 77;

		CHECK_EQ(acd_call_arrive(fx->acd, 300, "fr", &cp, &id),
			 EINVAL);
		CHECK_EQ(id, 77);
		CHECK(strstr(acd_errmsg(fx->acd), "offset 8"));
	}
	CHECK_LOG("");
	CHECK_EQ(arrive(fx, 400, "fr", 0, NULL), 3);
	FX_END();
}

/* ---------------------------------------------------------------------
 * Widening
 * ------------------------------------------------------------------- */

static int test_widen_skills(void)
{
	struct acd_queue_conf qc;
	struct acd_call_info ci;
	FX_BEGIN(1);

	acd_queue_conf_init(&qc);
	qc.id = "de";
	qc.tenant = "t1";
	qc.skills = "lang:de>=4";
	qc.announce_ms = 0;
	qc.n_widen = 2;
	qc.widen[0].after_ms = 30000;
	qc.widen[0].skills = "lang:de>=2";
	qc.widen[1].after_ms = 60000;
	qc.widen[1].skills = "lang:de>=1 | lang:en>=3";
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "de2", "lang:de=2"));
	OK(fx_agent(fx, "en", "lang:en=4"));
	OK(acd_member_add(fx->acd, "de", "de2", 1));
	OK(acd_member_add(fx->acd, "de", "en", 1));
	OK(acd_agent_login(fx->acd, 0, "en", "p1"));
	OK(acd_agent_login(fx->acd, 0, "de2", "p2"));
	fx_log(fx);
	arrive(fx, 1000, "de", 2, NULL);
	arrive(fx, 2000, "de", 0, NULL);
	CHECK_LOG("@1000 enter c1 de; @2000 enter c2 de");
	CHECK_EQ(acd_next_deadline(fx->acd), 31000);
	OK(acd_tick(fx->acd, 31000));
	CHECK_LOG("@31000 widen c1 0; @31000 offer c1 de2; "
		  "@31000 de2 offered");
	OK(acd_tick(fx->acd, 40000));
	/* c2 widens at 32000: de2 busy ringing; waits */
	CHECK_LOG("@32000 widen c2 0");
	OK(acd_call_info(fx->acd, 2, &ci));
	CHECK_EQ(ci.position_in_line, 1);
	CHECK_EQ(ci.enter, 2000);
	OK(acd_tick(fx->acd, 62000));
	/* c1's ring timed out at 46000 and went back to de2 (ready again)
	 * before c2: c1 keeps its place (priority 2). At 61000 c1 widens
	 * while ringing (started before the ring, that timer runs first),
	 * then the ring times out: en may take c1 now, de2 takes c2. */
	CHECK_LOG("@46000 noans c1 de2; @46000 de2 ready; @46000 offer c1 de2; "
		  "@46000 de2 offered; @61000 widen c1 1; @61000 noans c1 de2; "
		  "@61000 offer c1 en; @61000 en offered; @61000 de2 ready; "
		  "@61000 offer c2 de2; @61000 de2 offered; @62000 widen c2 1");
	FX_END();
}

static int test_widen_add_queue_and_site(void)
{
	struct acd_queue_conf qc;
	FX_BEGIN(1);

	OK(fx_queue(fx, "other", ACD_STRATEGY_LONGEST_IDLE, NULL));
	acd_queue_conf_init(&qc);
	qc.id = "q";
	qc.tenant = "t1";
	qc.sites = "cas";
	qc.announce_ms = 0;
	qc.n_widen = 2;
	qc.widen[0].after_ms = 10000;
	qc.widen[0].add_queue = "other";
	qc.widen[1].after_ms = 20000;
	qc.widen[1].add_site = "fes";
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "o1", NULL));
	OK(fx_agent(fx, "f1", NULL));
	OK(acd_member_add(fx->acd, "other", "o1", 1));
	OK(acd_member_add(fx->acd, "q", "f1", 1));
	OK(acd_agent_login(fx->acd, 0, "o1", "p1"));
	OK(acd_agent_login(fx->acd, 0, "f1", "f1"));
	fx_log(fx);
	arrive(fx, 1000, "q", 0, NULL);
	arrive(fx, 1000, "q", 0, NULL);
	OK(acd_tick(fx->acd, 25000));
	/* both steps due at 11000 are applied before routing */
	CHECK_LOG("@1000 enter c1 q; @1000 enter c2 q; @11000 widen c1 0; "
		  "@11000 widen c2 0; @11000 offer c1 o1; @11000 o1 offered; "
		  "@21000 widen c1 1; @21000 widen c2 1; @21000 offer c2 f1; "
		  "@21000 f1 offered");
	FX_END();
}

/* ---------------------------------------------------------------------
 * No answer, decline, pauses
 * ------------------------------------------------------------------- */

static int test_no_answer_auto_pause(void)
{
	struct acd_queue_conf qc;
	struct acd_agent_info ai;
	uint64_t c;
	FX_BEGIN(1);

	acd_queue_conf_init(&qc);
	qc.id = "q";
	qc.tenant = "t1";
	qc.announce_ms = 0;
	qc.ring_timeout_ms = 1000;
	qc.max_no_answer = 2;
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "a1", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	fx_log(fx);
	c = arrive(fx, 100, "q", 0, NULL);
	OK(acd_offer_no_answer(fx->acd, 200, c, "a1"));
	OK(acd_agent_info(fx->acd, "a1", &ai));
	CHECK_EQ(ai.no_answers, 1);
	OK(acd_tick(fx->acd, 5000));
	CHECK_LOG("@100 enter c1 q; @100 offer c1 a1; @100 a1 offered; "
		  "@200 noans c1 a1; @200 a1 ready; @200 offer c1 a1; "
		  "@200 a1 offered; @1200 noans c1 a1; "
		  "@1200 a1 paused:no-answer");
	OK(acd_agent_info(fx->acd, "a1", &ai));
	TEST_STREQ(ai.reason, "no-answer");
	CHECK_EQ(qstats(fx, "q").waiting, 1);
	OK(acd_agent_ready(fx->acd, 6000, "a1"));
	OK(acd_agent_info(fx->acd, "a1", &ai));
	CHECK_EQ(ai.no_answers, 0);
	OK(acd_offer_accept(fx->acd, 6500, c, "a1"));
	CHECK_LOG("@6000 a1 ready; @6000 offer c1 a1; @6000 a1 offered; "
		  "@6500 conn c1 a1 w6400; @6500 a1 on-call");
	FX_END();
}

static int test_decline_restarts_idle(void)
{
	uint64_t c;
	FX_BEGIN(1);
	OK(four_agents(fx, "q", ACD_STRATEGY_LONGEST_IDLE, NULL));
	c = arrive(fx, 1000, "q", 0, NULL);
	OK(acd_offer_decline(fx->acd, 1100, c, "a1"));
	/* c1 goes to a2; a1 is idle since 1100, behind a3 and a4 */
	CHECK_LOG("@1000 enter c1 q; @1000 offer c1 a1; @1000 a1 offered; "
		  "@1100 decl c1 a1; @1100 offer c1 a2; @1100 a2 offered; "
		  "@1100 a1 ready");
	arrive(fx, 1200, "q", 0, NULL);
	arrive(fx, 1200, "q", 0, NULL);
	arrive(fx, 1200, "q", 0, NULL);
	CHECK_LOG("@1200 enter c2 q; @1200 offer c2 a3; @1200 a3 offered; "
		  "@1200 enter c3 q; @1200 offer c3 a4; @1200 a4 offered; "
		  "@1200 enter c4 q; @1200 offer c4 a1; @1200 a1 offered");
	CHECK_EQ(acd_offer_decline(fx->acd, 1300, c, "a1"), EPERM);
	CHECK_EQ(acd_offer_decline(fx->acd, 1300, 99, "a1"), ENOENT);
	CHECK_EQ(acd_offer_decline(fx->acd, 1300, c, "zz"), ENOENT);
	CHECK_LOG("");
	FX_END();
}

/* A phone that cannot take the call (acd_offer_fail): routed as after a
 * decline, but logged as a failure, never counted as a miss. */
static int test_offer_fail_not_a_decline(void)
{
	uint64_t c;
	FX_BEGIN(1);
	OK(four_agents(fx, "q", ACD_STRATEGY_LONGEST_IDLE, NULL));
	c = arrive(fx, 1000, "q", 0, NULL);
	OK(acd_offer_fail(fx->acd, 1100, c, "a1"));
	/* c1 goes to a2 first; a1 ready, idle since 1100 (tried last) */
	CHECK_LOG("@1000 enter c1 q; @1000 offer c1 a1; @1000 a1 offered; "
		  "@1100 fail c1 a1; @1100 offer c1 a2; @1100 a2 offered; "
		  "@1100 a1 ready");
	CHECK_EQ(fx_count(fx, ACD_EV_OFFER_FAILED), 1);
	CHECK_EQ(fx_count(fx, ACD_EV_OFFER_DECLINED), 0);
	CHECK_EQ(fx_count(fx, ACD_EV_OFFER_NO_ANSWER), 0);
	arrive(fx, 1200, "q", 0, NULL);
	arrive(fx, 1200, "q", 0, NULL);
	arrive(fx, 1200, "q", 0, NULL);
	CHECK_LOG("@1200 enter c2 q; @1200 offer c2 a3; @1200 a3 offered; "
		  "@1200 enter c3 q; @1200 offer c3 a4; @1200 a4 offered; "
		  "@1200 enter c4 q; @1200 offer c4 a1; @1200 a1 offered");
	CHECK_EQ(acd_offer_fail(fx->acd, 1300, c, "a1"), EPERM);
	CHECK_EQ(acd_offer_fail(fx->acd, 1300, 99, "a1"), ENOENT);
	CHECK_EQ(acd_offer_fail(fx->acd, 1300, c, "zz"), ENOENT);
	CHECK_EQ(acd_offer_fail(NULL, 1300, c, "a1"), EINVAL);
	CHECK_LOG("");
	FX_END();
}

/* Failed offers neither pause the agent nor count toward max_no_answer,
 * nor wipe the misses already counted. */
static int test_offer_fail_no_auto_pause(void)
{
	struct acd_queue_conf qc;
	struct acd_agent_info ai;
	uint64_t c;
	FX_BEGIN(1);

	acd_queue_conf_init(&qc);
	qc.id = "q";
	qc.tenant = "t1";
	qc.announce_ms = 0;
	qc.ring_timeout_ms = 1000;
	qc.max_no_answer = 2;
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "a1", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	fx_log(fx);
	c = arrive(fx, 100, "q", 0, NULL);
	OK(acd_offer_no_answer(fx->acd, 200, c, "a1"));
	for (int i = 0; i < 3; i++)
		OK(acd_offer_fail(fx->acd, 300 + 100 * i, c, "a1"));
	CHECK_LOG("@100 enter c1 q; @100 offer c1 a1; @100 a1 offered; "
		  "@200 noans c1 a1; @200 a1 ready; @200 offer c1 a1; "
		  "@200 a1 offered; @300 fail c1 a1; @300 a1 ready; "
		  "@300 offer c1 a1; @300 a1 offered; @400 fail c1 a1; "
		  "@400 a1 ready; @400 offer c1 a1; @400 a1 offered; "
		  "@500 fail c1 a1; @500 a1 ready; @500 offer c1 a1; "
		  "@500 a1 offered");
	OK(acd_agent_info(fx->acd, "a1", &ai));
	CHECK_EQ(ai.no_answers, 1);
	CHECK_EQ(ai.state, ACD_AGENT_OFFERED);
	/* the second real miss pauses */
	OK(acd_tick(fx->acd, 1500));
	CHECK_LOG("@1500 noans c1 a1; @1500 a1 paused:no-answer");
	FX_END();
}

static int test_pause_ready_states(void)
{
	struct acd_agent_info ai;
	uint64_t c;
	FX_BEGIN(1);

	OK(fx_queue(fx, "q", ACD_STRATEGY_LONGEST_IDLE, NULL));
	OK(fx_agent(fx, "a1", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	CHECK_EQ(acd_agent_pause(fx->acd, 0, "a1", "lunch"), EPERM);
	CHECK_EQ(acd_agent_ready(fx->acd, 0, "a1"), EPERM);
	CHECK_EQ(acd_agent_logout(fx->acd, 0, "a1"), EALREADY);
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	CHECK_EQ(acd_agent_login(fx->acd, 0, "a1", "p2"), EALREADY);
	CHECK_EQ(acd_agent_ready(fx->acd, 0, "a1"), EALREADY);
	CHECK_EQ(acd_agent_pause(fx->acd, 0, "a1", ""), EINVAL);
	CHECK_EQ(acd_agent_pause(fx->acd, 0, "a1", NULL), EINVAL);
	OK(acd_agent_pause(fx->acd, 10, "a1", "lunch"));
	CHECK_EQ(acd_agent_pause(fx->acd, 20, "a1", "lunch"), EALREADY);
	OK(acd_agent_pause(fx->acd, 30, "a1", "training"));
	OK(acd_agent_ready(fx->acd, 40, "a1"));
	CHECK_LOG("@0 a1 ready; @10 a1 paused:lunch; "
		  "@30 a1 paused:training; @40 a1 ready");

	/* pause while on a call: pending until wrap-up ends */
	c = arrive(fx, 100, "q", 0, NULL);
	OK(acd_offer_accept(fx->acd, 110, c, "a1"));
	CHECK_EQ(acd_agent_logout(fx->acd, 120, "a1"), EPERM);
	OK(acd_agent_pause(fx->acd, 130, "a1", "lunch"));
	OK(acd_agent_info(fx->acd, "a1", &ai));
	TEST_STREQ(ai.pending_pause, "lunch");
	CHECK_EQ(ai.state, ACD_AGENT_ON_CALL);
	OK(acd_call_hangup(fx->acd, 200, c, ACD_PARTY_AGENT));
	OK(acd_tick(fx->acd, 20000));
	CHECK_LOG("@100 enter c1 q; @100 offer c1 a1; @100 a1 offered; "
		  "@110 conn c1 a1 w10; @110 a1 on-call; "
		  "@200 done c1 a1 agent t90; @200 a1 wrap-up; "
		  "@10200 wend a1; @10200 a1 paused:lunch");
	OK(acd_agent_info(fx->acd, "a1", &ai));
	CHECK(ai.pending_pause == NULL);

	/* ready during wrap-up ends it early and drops a pending pause */
	OK(acd_agent_ready(fx->acd, 20000, "a1"));
	c = arrive(fx, 20100, "q", 0, NULL);
	OK(acd_offer_accept(fx->acd, 20100, c, "a1"));
	OK(acd_call_hangup(fx->acd, 20200, c, ACD_PARTY_CALLER));
	OK(acd_agent_pause(fx->acd, 20300, "a1", "lunch"));
	OK(acd_agent_ready(fx->acd, 20400, "a1"));
	fx_log(fx);
	OK(acd_tick(fx->acd, 40000));
	CHECK_LOG("");
	CHECK_EQ(astate(fx, "a1"), ACD_AGENT_READY);

	/* pause while offered withdraws the offer */
	c = arrive(fx, 41000, "q", 0, NULL);
	OK(acd_agent_pause(fx->acd, 41100, "a1", "lunch"));
	CHECK_LOG("@41000 enter c3 q; @41000 offer c3 a1; @41000 a1 offered; "
		  "@41100 stop c3 a1; @41100 a1 paused:lunch");
	CHECK_EQ(qstats(fx, "q").waiting, 1);
	FX_END();
}

static int test_logout(void)
{
	uint64_t c;
	FX_BEGIN(1);

	OK(fx_queue(fx, "q", ACD_STRATEGY_LONGEST_IDLE, NULL));
	OK(fx_agent(fx, "a1", NULL));
	OK(fx_agent(fx, "a2", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_member_add(fx->acd, "q", "a2", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	CHECK_EQ(acd_agent_login(fx->acd, 0, "a2", "p1"), EPERM);
	CHECK_EQ(acd_agent_login(fx->acd, 0, "a2", "p99"), ENOENT);
	c = arrive(fx, 100, "q", 0, NULL);
	OK(acd_agent_login(fx->acd, 150, "a2", "p2"));
	fx_log(fx);
	OK(acd_agent_logout(fx->acd, 200, "a1"));
	CHECK_LOG("@200 stop c1 a1; @200 a1 logged-out; @200 offer c1 a2; "
		  "@200 a2 offered");
	/* the position is free again */
	OK(acd_agent_login(fx->acd, 300, "a1", "p1"));
	CHECK_EQ(qstats(fx, "q").agents[ACD_AGENT_OFFERED], 1);
	CHECK_EQ(qstats(fx, "q").agents[ACD_AGENT_READY], 1);
	(void)c;
	FX_END();
}

/* ---------------------------------------------------------------------
 * Queue rules: join/leave empty, max length, max wait, key, announce
 * ------------------------------------------------------------------- */

static int test_join_leave_empty(void)
{
	struct acd_queue_conf qc;
	struct acd_queue_stats st;
	FX_BEGIN(1);

	acd_queue_conf_init(&qc);
	qc.id = "join";
	qc.tenant = "t1";
	qc.announce_ms = 0;
	qc.join_empty = ACD_EMPTY_NO_AGENTS;
	OK(acd_queue_add(fx->acd, &qc));
	qc.id = "leave";
	qc.join_empty = ACD_EMPTY_ALLOW;
	qc.leave_empty = ACD_EMPTY_NO_AVAILABLE;
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "a1", NULL));
	OK(acd_member_add(fx->acd, "join", "a1", 1));
	OK(acd_member_add(fx->acd, "leave", "a1", 1));

	arrive(fx, 100, "join", 0, NULL);
	CHECK_LOG("@100 enter c1 join; @100 exit c1 empty  w0");
	/* leave: joins although empty, then leaves at once (no one) */
	arrive(fx, 200, "leave", 0, NULL);
	CHECK_LOG("@200 enter c2 leave; @200 exit c2 empty  w0");

	OK(acd_agent_login(fx->acd, 300, "a1", "p1"));
	OK(acd_agent_pause(fx->acd, 300, "a1", "lunch"));
	fx_log(fx);
	/* join: paused agents count as agents */
	arrive(fx, 400, "join", 0, NULL);
	CHECK_LOG("@400 enter c3 join");
	/* leave (no available): a paused agent is not available */
	arrive(fx, 500, "leave", 0, NULL);
	CHECK_LOG("@500 enter c4 leave; @500 exit c4 empty  w0");
	/* make a1 ready, busy it on c3; c5 waits in leave */
	OK(acd_agent_ready(fx->acd, 600, "a1"));
	OK(acd_offer_accept(fx->acd, 600, 3, "a1"));
	arrive(fx, 700, "leave", 0, NULL);
	fx_log(fx);
	OK(acd_call_hangup(fx->acd, 800, 3, ACD_PARTY_CALLER));
	OK(acd_agent_pause(fx->acd, 900, "a1", "lunch"));
	/* the pause waits for the end of wrap-up */
	CHECK_LOG("@800 done c3 a1 caller t200; @800 a1 wrap-up");
	st = qstats(fx, "leave");
	CHECK_EQ(st.waiting, 1);
	OK(acd_tick(fx->acd, 20000));
	/* the pending pause took effect at wrap-up end: c5 leaves */
	CHECK_LOG("@10800 wend a1; @10800 a1 paused:lunch; "
		  "@10800 exit c5 empty  w10100");
	st = qstats(fx, "leave");
	CHECK_EQ(st.waiting, 0);
	CHECK_EQ(st.exited, 3);
	FX_END();
}

static int test_leave_on_logout(void)
{
	struct acd_queue_conf qc;
	FX_BEGIN(1);

	acd_queue_conf_init(&qc);
	qc.id = "q";
	qc.tenant = "t1";
	qc.announce_ms = 0;
	qc.skills = "lang:de";
	qc.leave_empty = ACD_EMPTY_NO_AGENTS;
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "de", "lang:de=3"));
	OK(fx_agent(fx, "fr", "lang:fr=3"));
	OK(acd_member_add(fx->acd, "q", "de", 1));
	OK(acd_member_add(fx->acd, "q", "fr", 1));
	OK(acd_agent_login(fx->acd, 0, "de", "p1"));
	OK(acd_agent_login(fx->acd, 0, "fr", "p2"));
	OK(acd_agent_pause(fx->acd, 0, "de", "lunch"));
	fx_log(fx);
	arrive(fx, 100, "q", 0, NULL);
	arrive(fx, 200, "q", 0, NULL);
	CHECK_LOG("@100 enter c1 q; @200 enter c2 q");
	/* the last eligible agent logs out: fr is no help (no lang:de) */
	OK(acd_agent_logout(fx->acd, 300, "de"));
	CHECK_LOG("@300 de logged-out; @300 exit c1 empty  w200; "
		  "@300 exit c2 empty  w100");
	CHECK_EQ(qstats(fx, "q").exited, 2);
	FX_END();
}

static int test_max_len_max_wait_key(void)
{
	struct acd_queue_conf qc;
	struct acd_queue_stats st;
	uint64_t c;
	FX_BEGIN(1);

	acd_queue_conf_init(&qc);
	qc.id = "q";
	qc.tenant = "t1";
	qc.announce_ms = 0;
	qc.max_len = 2;
	qc.max_wait_ms = 60000;
	OK(acd_queue_add(fx->acd, &qc));
	arrive(fx, 0, "q", 0, NULL);
	arrive(fx, 10, "q", 0, NULL);
	c = arrive(fx, 20, "q", 0, NULL);
	CHECK_EQ(c, 3);
	CHECK_LOG("@0 enter c1 q; @10 enter c2 q; @20 enter c3 q; "
		  "@20 exit c3 full  w0");
	CHECK_EQ(acd_call_exit_key(fx->acd, 30, 2, 'x'), EINVAL);
	CHECK_EQ(acd_call_exit_key(fx->acd, 30, 3, '1'), ENOENT);
	OK(acd_call_exit_key(fx->acd, 30, 2, '#'));
	CHECK_LOG("@30 exit c2 key:# w20");
	CHECK_EQ(acd_next_deadline(fx->acd), 60000);
	OK(acd_tick(fx->acd, 60000));
	CHECK_LOG("@60000 exit c1 timeout  w60000");
	st = qstats(fx, "q");
	CHECK_EQ(st.entered, 3);
	CHECK_EQ(st.exited, 3);
	CHECK_EQ(st.waiting, 0);
	CHECK_EQ(st.oldest_enter, ACD_NEVER);
	CHECK_EQ(acd_next_deadline(fx->acd), ACD_NEVER);
	FX_END();
}

static int test_announce(void)
{
	struct acd_queue_conf qc;
	FX_BEGIN(1);

	acd_queue_conf_init(&qc);
	qc.id = "q";
	qc.tenant = "t1";
	qc.announce_ms = 30000;
	OK(acd_queue_add(fx->acd, &qc));
	OK(fx_agent(fx, "a1", NULL));
	OK(fx_agent(fx, "a2", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_member_add(fx->acd, "q", "a2", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	OK(acd_agent_login(fx->acd, 0, "a2", "p2"));
	OK(acd_agent_pause(fx->acd, 0, "a1", "x"));
	OK(acd_agent_pause(fx->acd, 0, "a2", "x"));
	fx_log(fx);
	arrive(fx, 1000, "q", 0, NULL);
	arrive(fx, 2000, "q", 0, NULL);
	CHECK_EQ(qstats(fx, "q").oldest_enter, 1000);
	OK(acd_tick(fx->acd, 61500));
	/* expected wait: place x 180 s / 2 agents logged in */
	CHECK_LOG("@1000 enter c1 q; @2000 enter c2 q; "
		  "@31000 ann c1 p1 e90000; @32000 ann c2 p2 e180000; "
		  "@61000 ann c1 p1 e90000");
	OK(acd_call_hangup(fx->acd, 61600, 1, ACD_PARTY_CALLER));
	OK(acd_tick(fx->acd, 62000));
	CHECK_LOG("@61600 aband c1 w60600; @62000 ann c2 p1 e90000");
	FX_END();
}

static int test_transfer(void)
{
	uint64_t c;
	struct acd_call_info ci;
	FX_BEGIN(1);

	OK(fx_queue(fx, "q1", ACD_STRATEGY_LONGEST_IDLE, NULL));
	OK(fx_queue(fx, "q2", ACD_STRATEGY_LONGEST_IDLE, NULL));
	OK(fx_agent(fx, "a1", NULL));
	OK(fx_agent(fx, "a2", NULL));
	OK(acd_member_add(fx->acd, "q1", "a1", 1));
	OK(acd_member_add(fx->acd, "q2", "a2", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	OK(acd_agent_login(fx->acd, 0, "a2", "p2"));
	fx_log(fx);
	c = arrive(fx, 100, "q1", 3, NULL);
	CHECK_EQ(acd_call_transfer(fx->acd, 150, c, "q2"), EPERM);
	OK(acd_offer_accept(fx->acd, 200, c, "a1"));
	CHECK_EQ(acd_call_transfer(fx->acd, 250, c, "nope"), ENOENT);
	OK(acd_call_transfer(fx->acd, 300, c, "q2"));
	CHECK_LOG("@100 enter c1 q1; @100 offer c1 a1; @100 a1 offered; "
		  "@200 conn c1 a1 w100; @200 a1 on-call; "
		  "@300 xfer c1 a1 q1>q2; @300 a1 wrap-up; @300 enter c1 q2; "
		  "@300 offer c1 a2; @300 a2 offered");
	OK(acd_call_info(fx->acd, c, &ci));
	TEST_STREQ(ci.queue, "q2");
	CHECK_EQ(ci.enter, 300);
	CHECK_EQ(ci.priority, 3);
	CHECK_EQ(qstats(fx, "q2").entered, 1);
	OK(acd_offer_accept(fx->acd, 400, c, "a2"));
	OK(acd_call_hangup(fx->acd, 500, c, ACD_PARTY_CALLER));
	CHECK_EQ(fx_count(fx, ACD_EV_COMPLETE), 1);
	FX_END();
}

/* ---------------------------------------------------------------------
 * Errors change nothing; time; reentrancy; determinism
 * ------------------------------------------------------------------- */

static struct acd *reenter_acd;
static int reenter_err;

static void reenter_handler(const struct acd_event *ev, void *arg)
{
	struct acd_queue_stats st;

	(void)arg;
	if (ev->type == ACD_EV_CALL_ENTER) {
		reenter_err = acd_tick(reenter_acd, ev->time);
		if (acd_queue_stats(reenter_acd, ev->queue, &st))
			reenter_err = -1;
	}
}

static int test_errors_change_nothing(void)
{
	struct acd_queue_stats st1, st2;
	struct acd_agent_info ai1, ai2;
	struct acd *acd = NULL;
	struct acd_queue_conf qc;
	FX_BEGIN(1);

	OK(fx_queue(fx, "q", ACD_STRATEGY_LONGEST_IDLE, NULL));
	OK(fx_agent(fx, "a1", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_agent_login(fx->acd, 1000, "a1", "p1"));
	arrive(fx, 1000, "q", 0, NULL);
	arrive(fx, 1000, "q", 0, NULL);
	fx_log(fx);
	st1 = qstats(fx, "q");
	OK(acd_agent_info(fx->acd, "a1", &ai1));

	CHECK_EQ(acd_tick(fx->acd, 999), EINVAL);
	CHECK(strstr(acd_errmsg(fx->acd), "backwards"));
	CHECK_EQ(acd_agent_pause(fx->acd, 999, "a1", "x"), EINVAL);
	CHECK_EQ(acd_call_arrive(fx->acd, 999, "q", NULL, NULL), EINVAL);
	CHECK_EQ(acd_call_arrive(fx->acd, 1000, "zz", NULL, NULL), ENOENT);
	CHECK_EQ(acd_call_arrive(fx->acd, 1000, NULL, NULL, NULL), EINVAL);
	CHECK_EQ(acd_call_arrive(fx->acd, 1000, "q",
				 &(struct acd_call_params){2000000, NULL},
				 NULL), EINVAL);
	CHECK_EQ(acd_offer_accept(fx->acd, 1000, 2, "a1"), EPERM);
	CHECK_EQ(acd_offer_accept(fx->acd, 1000, 1, NULL), EINVAL);
	CHECK_EQ(acd_call_hangup(fx->acd, 1000, 1, (enum acd_party)7),
		 EINVAL);
	CHECK_EQ(acd_call_exit_key(fx->acd, 1000, 1, '\0'), EINVAL);
	CHECK_EQ(acd_call_transfer(fx->acd, 1000, 1, "q"), EPERM);
	CHECK_EQ(acd_agent_login(fx->acd, 1000, "a1", "p2"), EALREADY);
	CHECK_EQ(acd_agent_login(fx->acd, 1000, NULL, "p2"), EINVAL);
	CHECK_EQ(acd_tick(NULL, 0), EINVAL);
	CHECK_EQ(acd_queue_stats(fx->acd, "q", NULL), EINVAL);
	CHECK_EQ(acd_call_info(fx->acd, 1, NULL), EINVAL);
	CHECK_EQ(acd_next_deadline(NULL), ACD_NEVER);
	CHECK_LOG("");
	st2 = qstats(fx, "q");
	OK(acd_agent_info(fx->acd, "a1", &ai2));
	CHECK(!memcmp(&st1, &st2, sizeof(st1)));
	CHECK(!memcmp(&ai1, &ai2, sizeof(ai1)));
	CHECK_EQ(arrive(fx, 1000, "q", 0, NULL), 3);

	/* inputs from inside the handler are refused; queries work */
	OK(acd_alloc(&acd, 1, reenter_handler, NULL));
	reenter_acd = acd;
	OK(acd_tenant_add(acd, "t"));
	acd_queue_conf_init(&qc);
	qc.id = "q";
	qc.tenant = "t";
	OK(acd_queue_add(acd, &qc));
	reenter_err = 0;
	if (acd_call_arrive(acd, 5, "q", NULL, NULL) || reenter_err != EPERM) {
		acd_free(acd);
		CHECK(0);
	}
	acd_free(acd);
	CHECK_EQ(fx->time_backwards, 0);
	FX_END();
}

/* A scripted day with every feature, run twice per seed. */
static int scripted_day(uint64_t seed, char *out, size_t sz)
{
	struct acd_queue_conf qc;
	FX_BEGIN(seed);

	acd_queue_conf_init(&qc);
	qc.tenant = "t1";
	qc.id = "rnd";
	qc.strategy = ACD_STRATEGY_RANDOM;
	qc.ring_timeout_ms = 4000;
	qc.wrapup_ms = 2000;
	qc.announce_ms = 7000;
	OK(acd_queue_add(fx->acd, &qc));
	qc.id = "wr";
	qc.strategy = ACD_STRATEGY_WEIGHTED_RANDOM;
	qc.n_widen = 1;
	qc.widen[0].after_ms = 5000;
	qc.widen[0].add_queue = "rnd";
	OK(acd_queue_add(fx->acd, &qc));
	for (int i = 0; i < 6; i++) {
		char id[16], pos[16];

		snprintf(id, sizeof(id), "a%d", i);
		snprintf(pos, sizeof(pos), "p%d", i + 1);
		OK(fx_agent(fx, id, NULL));
		OK(acd_member_add(fx->acd, i % 2 ? "rnd" : "wr", id,
				  (unsigned)i + 1));
		OK(acd_agent_login(fx->acd, 0, id, pos));
	}
	for (int t = 0; t < 200; t++) {
		acd_ms_t now = 1000 * t;

		OK(acd_tick(fx->acd, now));
		if (t % 2 == 0)
			arrive(fx, now, t % 4 ? "rnd" : "wr", t % 3, NULL);
		/* answer the offers of agents with an even second */
		for (int i = 0; i < 6; i++) {
			struct acd_agent_info ai;
			char id[16];

			snprintf(id, sizeof(id), "a%d", i);
			OK(acd_agent_info(fx->acd, id, &ai));
			if (ai.state == ACD_AGENT_OFFERED && (t + i) % 3 == 0)
				OK(acd_offer_accept(fx->acd, now, ai.call,
						    id));
			else if (ai.state == ACD_AGENT_ON_CALL &&
				 (t + i) % 5 == 0)
				OK(acd_call_hangup(fx->acd, now, ai.call,
						   ACD_PARTY_CALLER));
		}
	}
	CHECK(fx->n > 200);
	CHECK_EQ(fx->time_backwards, 0);
	{
		/* a digest of the whole log */
		uint64_t h = 1469598103934665603ULL;

		for (unsigned i = 0; i < fx->n; i++)
			for (const char *p = fx->ev[i]; *p; p++)
				h = (h ^ (unsigned char)*p) *
					1099511628211ULL;
		snprintf(out, sz, "%u:%016llx", fx->n, (unsigned long long)h);
	}
	FX_END();
}

static int test_determinism(void)
{
	char a[64], b[64], c[64];
	int err;

	err = scripted_day(42, a, sizeof(a));
	if (!err)
		err = scripted_day(42, b, sizeof(b));
	if (!err)
		err = scripted_day(43, c, sizeof(c));
	if (err)
		return err;
	TEST_STREQ(a, b);
	TEST_ASSERT(strcmp(a, c) != 0);
	return 0;
}

static int test_member_remove_keeps_offer(void)
{
	uint64_t c;
	FX_BEGIN(1);

	OK(fx_queue(fx, "q", ACD_STRATEGY_LONGEST_IDLE, NULL));
	OK(fx_agent(fx, "a1", NULL));
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	OK(acd_agent_login(fx->acd, 0, "a1", "p1"));
	c = arrive(fx, 100, "q", 0, NULL);
	OK(acd_member_remove(fx->acd, "q", "a1"));
	CHECK_EQ(astate(fx, "a1"), ACD_AGENT_OFFERED);
	OK(acd_offer_accept(fx->acd, 200, c, "a1"));
	OK(acd_call_hangup(fx->acd, 300, c, ACD_PARTY_CALLER));
	OK(acd_tick(fx->acd, 20000));
	/* not a member any more: a new call waits */
	fx_log(fx);
	arrive(fx, 21000, "q", 0, NULL);
	CHECK_LOG("@21000 enter c2 q");
	/* adding the member back offers the waiting call at once */
	OK(acd_member_add(fx->acd, "q", "a1", 1));
	CHECK_LOG("@21000 offer c2 a1; @21000 a1 offered");
	FX_END();
}

const struct test tests_acd[] = {
	{"names", test_names},
	{"config_errors", test_config_errors},
	{"call_lifecycle", test_call_lifecycle},
	{"abandon", test_abandon_while_waiting_and_ringing},
	{"strategy_longest_idle", test_strategy_longest_idle},
	{"strategy_linear", test_strategy_linear},
	{"strategy_round_robin", test_strategy_round_robin},
	{"strategy_fewest_calls", test_strategy_fewest_calls},
	{"strategy_least_talk_time", test_strategy_least_talk_time},
	{"strategy_best_skill", test_strategy_best_skill},
	{"strategy_ring_all", test_strategy_ring_all},
	{"strategy_random", test_strategy_random},
	{"strategy_weighted_random", test_strategy_weighted_random},
	{"priority_fifo_two_queues", test_priority_fifo_two_queues},
	{"equal_wait_higher_weight", test_equal_wait_higher_weight},
	{"eligibility", test_eligibility},
	{"widen_skills", test_widen_skills},
	{"widen_add_queue_and_site", test_widen_add_queue_and_site},
	{"no_answer_auto_pause", test_no_answer_auto_pause},
	{"decline_restarts_idle", test_decline_restarts_idle},
	{"offer_fail_not_a_decline", test_offer_fail_not_a_decline},
	{"offer_fail_no_auto_pause", test_offer_fail_no_auto_pause},
	{"pause_ready_states", test_pause_ready_states},
	{"logout", test_logout},
	{"join_leave_empty", test_join_leave_empty},
	{"leave_on_logout", test_leave_on_logout},
	{"max_len_max_wait_key", test_max_len_max_wait_key},
	{"announce", test_announce},
	{"transfer", test_transfer},
	{"errors_change_nothing", test_errors_change_nothing},
	{"determinism", test_determinism},
	{"member_remove_keeps_offer", test_member_remove_keeps_offer},
	{NULL, NULL}
};
