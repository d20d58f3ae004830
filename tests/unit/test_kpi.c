/* test_kpi.c — the KPI definitions on hand-made event sequences. */
#include <math.h>
#include "report/kpi.h"
#include "test.h"

static struct acd_event ev(enum acd_event_type type, acd_ms_t t,
			   uint64_t call, const char *agent)
{
	struct acd_event e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.time = t;
	e.call = call;
	e.queue = call ? "q1" : NULL;
	e.tenant = "t1";
	e.agent = agent;
	return e;
}

static void agent_state(struct kpi *k, acd_ms_t t, const char *agent,
			enum acd_agent_state s, const char *site)
{
	struct acd_event e = ev(ACD_EV_AGENT_STATE, t, 0, agent);

	e.state = s;
	e.site = site;
	kpi_event(&e, k);
}

/* Four calls into q1 (T = 20 s): one offered at once and answered at
 * 5 s (ring), one answered after 30 s, one abandoned after 10 s, one
 * refused (exit full). One agent logged in 0..100 s, busy 0..60 s. */
static int test_definitions(void)
{
	struct kpi *k = NULL;
	struct kpi_figures f;
	struct acd_event e;
	const struct kpi_counts *site;

	TEST_EQ(kpi_alloc(&k, 99000), 0);
	TEST_EQ(kpi_queue_declare(k, "q1", "t1", 20000), 0);
	agent_state(k, 0, "a", ACD_AGENT_READY, "casa");

	e = ev(ACD_EV_CALL_ENTER, 0, 1, NULL);
	kpi_event(&e, k);
	e = ev(ACD_EV_OFFER, 0, 1, "a");
	kpi_event(&e, k);
	agent_state(k, 0, "a", ACD_AGENT_OFFERED, "casa");
	e = ev(ACD_EV_CONNECT, 5000, 1, "a");
	e.wait_ms = 5000;
	kpi_event(&e, k);
	agent_state(k, 5000, "a", ACD_AGENT_ON_CALL, "casa");

	e = ev(ACD_EV_CALL_ENTER, 1000, 2, NULL);
	kpi_event(&e, k);
	e = ev(ACD_EV_ABANDON, 11000, 2, NULL);
	e.wait_ms = 10000;
	kpi_event(&e, k);

	e = ev(ACD_EV_CALL_ENTER, 2000, 3, NULL);
	kpi_event(&e, k);
	e = ev(ACD_EV_EXIT, 2000, 3, NULL);
	e.exit_reason = ACD_EXIT_FULL;
	kpi_event(&e, k);

	e = ev(ACD_EV_COMPLETE, 40000, 1, "a");
	e.talk_ms = 35000;
	kpi_event(&e, k);
	agent_state(k, 40000, "a", ACD_AGENT_WRAP_UP, "casa");
	e = ev(ACD_EV_CALL_ENTER, 10000, 4, NULL);
	kpi_event(&e, k);
	e = ev(ACD_EV_OFFER, 40000, 4, "a");
	kpi_event(&e, k);
	e = ev(ACD_EV_CONNECT, 40000, 4, "a");
	e.wait_ms = 30000;
	kpi_event(&e, k);
	agent_state(k, 40000, "a", ACD_AGENT_ON_CALL, "casa");
	e = ev(ACD_EV_COMPLETE, 60000, 4, "a");
	e.talk_ms = 20000;
	kpi_event(&e, k);
	agent_state(k, 60000, "a", ACD_AGENT_READY, "casa");
	kpi_close(k, 100000);

	kpi_figures(kpi_total(k), &f);
	TEST_EQ(f.offered, 4);
	TEST_EQ(f.answered, 2);
	TEST_EQ(f.abandoned, 1);
	TEST_EQ(f.exited, 1);
	TEST_NEAR(f.service_level, 0.25, 1e-12);   /* 1 within 20 s of 4 */
	TEST_NEAR(f.asa_s, 17.5, 1e-12);           /* (5 + 30) / 2       */
	TEST_NEAR(f.p_wait, 0.75, 1e-12);          /* calls 2, 3, 4      */
	TEST_NEAR(f.p_abandon, 0.25, 1e-12);
	TEST_NEAR(f.occupancy, 0.6, 1e-12);        /* 60 s of 100 s      */
	TEST_NEAR(f.aht_s, 27.5, 1e-12);

	/* the same per queue and tenant; the site has the agent's time and
	 * the answered calls but no offered */
	kpi_figures(kpi_find(k, KPI_QUEUE, "q1"), &f);
	TEST_EQ(f.offered, 4);
	kpi_figures(kpi_find(k, KPI_TENANT, "t1"), &f);
	TEST_NEAR(f.service_level, 0.25, 1e-12);
	site = kpi_find(k, KPI_SITE, "casa");
	TEST_ASSERT(site != NULL);
	kpi_figures(site, &f);
	TEST_EQ(f.offered, 0);
	TEST_EQ(f.answered, 2);
	TEST_EQ(site->answered_in_sl, 1);          /* call 1, not call 4 */
	TEST_NEAR(f.occupancy, 0.6, 1e-12);
	/* the agent's busy time 0..60 s was all on q1's calls */
	TEST_NEAR(kpi_find(k, KPI_QUEUE, "q1")->busy_ms, 60000, 1e-9);
	TEST_EQ(kpi_count(k, KPI_QUEUE), 1);
	TEST_ASSERT(kpi_find(k, KPI_QUEUE, "nope") == NULL);
	kpi_free(k);
	return 0;
}

/* A warm-up start drops earlier calls and agent time; a transfer's
 * second CALL_ENTER is not counted again. */
static int test_start_and_transfer(void)
{
	struct kpi *k = NULL;
	struct kpi_figures f;
	struct acd_event e;

	TEST_EQ(kpi_alloc(&k, 20000), 0);
	kpi_start_at(k, 50000);
	agent_state(k, 0, "a", ACD_AGENT_ON_CALL, "fes");
	e = ev(ACD_EV_CALL_ENTER, 1000, 1, NULL);
	kpi_event(&e, k);
	e = ev(ACD_EV_CALL_ENTER, 60000, 2, NULL);
	kpi_event(&e, k);
	e = ev(ACD_EV_CALL_ENTER, 70000, 2, NULL);   /* transferred */
	e.queue = "q2";
	kpi_event(&e, k);
	agent_state(k, 75000, "a", ACD_AGENT_READY, "fes");
	kpi_close(k, 150000);
	kpi_figures(kpi_total(k), &f);
	TEST_EQ(f.offered, 1);
	TEST_NEAR(f.occupancy, 0.25, 1e-12);   /* busy 50..75 of 50..150 */
	TEST_EQ(kpi_count(k, KPI_QUEUE), 1);
	kpi_free(k);
	TEST_EQ(kpi_alloc(NULL, 0), EINVAL);
	return 0;
}

const struct test tests_kpi[] = {
	{"definitions", test_definitions},
	{"start_and_transfer", test_start_and_transfer},
	{NULL, NULL}
};
