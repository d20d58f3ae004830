/* api_server.c — the api test server: the demo center in a real engine and
 * store, seeded with logins and calls, served on loopback for api.sh. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <re.h>
#include "acd/acd.h"
#include "api/api.h"
#include "config/center.h"
#include "store/store.h"

/* The server's state. */
struct srv {
	struct acd *acd;           /* the engine                            */
	struct center *center;     /* the demo center                       */
	struct store *store;       /* under the data directory              */
	struct api *api;           /* the HTTP api                          */
	struct tmr tmr;            /* the engine's next deadline            */
	acd_ms_t wall0;            /* wall clock at start, ms               */
	uint64_t connect_ms[4096]; /* per call (mod): answer time, ms       */
};

static acd_ms_t engine_now(void *arg)
{
	(void)arg;
	return (acd_ms_t)tmr_jiffies();
}

static acd_ms_t wall_now(void *arg)
{
	struct srv *s = arg;

	return s->wall0 + (acd_ms_t)tmr_jiffies();
}

static void engine_tick(void *arg);

static void arm(void *arg)
{
	struct srv *s = arg;
	acd_ms_t due = acd_next_deadline(s->acd);
	acd_ms_t now = engine_now(s);

	if (due == ACD_NEVER) {
		tmr_cancel(&s->tmr);
		return;
	}
	tmr_start(&s->tmr, due > now ? (uint64_t)(due - now) : 0,
		  engine_tick, s);
}

static void engine_tick(void *arg)
{
	struct srv *s = arg;

	acd_tick(s->acd, engine_now(s));
	arm(s);
}

/* Every engine event goes to the store, the api and, for finished calls,
 * a call record. */
static void on_event(const struct acd_event *ev, void *arg)
{
	struct srv *s = arg;
	struct store_cdr cdr = {0};
	char id[32];

	if (s->store)
		store_event_append(s->store, ev);
	api_acd_event(ev, s->api);
	if (ev->type == ACD_EV_CONNECT)
		s->connect_ms[ev->call % 4096] = (uint64_t)ev->time;
	if (ev->type != ACD_EV_COMPLETE && ev->type != ACD_EV_ABANDON &&
	    ev->type != ACD_EV_EXIT)
		return;
	snprintf(id, sizeof(id), "call-%llu", (unsigned long long)ev->call);
	cdr.call_id = id;
	cdr.acd_call = ev->call;
	cdr.tenant = ev->tenant;
	cdr.queue = ev->queue;
	cdr.agent = ev->agent;
	cdr.caller = "+212600000001";
	cdr.did = "+212522001100";
	cdr.end_ms = s->wall0 + ev->time;
	if (ev->type == ACD_EV_COMPLETE) {
		cdr.outcome = STORE_OUTCOME_ANSWERED;
		cdr.talk_ms = ev->talk_ms;
		cdr.answer_ms = s->wall0 +
			(int64_t)s->connect_ms[ev->call % 4096];
		cdr.ended_by = ev->ended_by == ACD_PARTY_AGENT ?
			STORE_HANGUP_AGENT : STORE_HANGUP_CALLER;
		cdr.arrive_ms = cdr.answer_ms - 1000;
	}
	else {
		cdr.outcome = ev->type == ACD_EV_ABANDON ?
			STORE_OUTCOME_ABANDONED : STORE_OUTCOME_EXITED;
		cdr.wait_ms = ev->wait_ms;
		cdr.arrive_ms = cdr.end_ms - ev->wait_ms;
		cdr.ended_by = ev->type == ACD_EV_ABANDON ?
			STORE_HANGUP_CALLER : STORE_HANGUP_SYSTEM;
	}
	cdr.enter_ms = cdr.arrive_ms;
	if (s->store)
		store_cdr_put(s->store, &cdr);
}

/* Feeds the engine from the center (center_apply() is declared in
 * center.h but not built yet): tenants, sites, positions, queues, agents,
 * memberships, in file order. */
static int engine_feed(const struct center *c, struct acd *acd)
{
	size_t i, j;
	int err = 0;

	for (i = 0; !err && i < c->n_tenants; i++)
		err = acd_tenant_add(acd, c->tenants[i].id);
	for (i = 0; !err && i < c->n_sites; i++)
		err = acd_site_add(acd, c->sites[i].id);
	for (i = 0; !err && i < c->n_positions; i++)
		err = acd_position_add(acd, c->positions[i].id,
				       c->positions[i].site);
	for (i = 0; !err && i < c->n_queues; i++)
		err = acd_queue_add(acd, &c->queues[i].acd);
	for (i = 0; !err && i < c->n_agents; i++) {
		struct acd_agent_conf ac;

		ac.id = c->agents[i].id;
		ac.tenant = c->agents[i].tenant;
		ac.skills = c->agents[i].skills;
		err = acd_agent_add(acd, &ac);
	}
	for (i = 0; !err && i < c->n_agents; i++) {
		for (j = 0; !err && j < c->agents[i].n_members; j++)
			err = acd_member_add(acd,
					     c->agents[i].members[j].queue,
					     c->agents[i].id,
					     c->agents[i].members[j].weight);
	}
	return err;
}

static void sig(int n)
{
	(void)n;
	re_cancel();
}

/* Test logins: USER / PASSWORD, role, tenant, agent. */
static const struct {
	const char *user, *pass, *role, *tenant, *agent;
} users[] = {
	{"op-admin", "op-pass-1", "admin", NULL, NULL},
	{"hx-admin", "hx-pass-1", "admin", "hexatel", NULL},
	{"hx-sup", "hx-pass-2", "supervisor", "hexatel", NULL},
	{"hx-agent", "hx-pass-3", "agent", "hexatel", "a.benali"},
	{"nk-admin", "nk-pass-1", "admin", "nordkauf", NULL},
	{"nk-sup", "nk-pass-2", "supervisor", "nordkauf", NULL},
	{"nk-agent", "nk-pass-3", "agent", "nordkauf", "g.benkirane"},
};

static int seed(struct srv *s)
{
	acd_ms_t now = engine_now(s);
	struct acd_agent_info ai;
	uint64_t call;
	int err;

	/* a.benali answers one hexatel call, which ends: a CDR. */
	err = acd_agent_login(s->acd, now, "a.benali", "casa-001");
	if (!err && !acd_agent_info(s->acd, "a.benali", &ai) &&
	    ai.state != ACD_AGENT_READY)
		err = acd_agent_ready(s->acd, now, "a.benali");
	if (!err)
		err = acd_call_arrive(s->acd, now, "hx-vip-fr", NULL, &call);
	if (!err)
		err = acd_offer_accept(s->acd, now, call, "a.benali");
	if (!err)
		err = acd_call_hangup(s->acd, now + 1, call, ACD_PARTY_CALLER);
	if (!err)
		err = acd_agent_ready(s->acd, now + 2, "a.benali");
	/* Two nordkauf calls wait: nobody of nordkauf is ready. */
	if (!err)
		err = acd_call_arrive(s->acd, now + 3, "nk-returns-de", NULL,
				      &call);
	if (!err)
		err = acd_call_arrive(s->acd, now + 3, "nk-returns-de", NULL,
				      &call);
	if (err)
		fprintf(stderr, "api_server: seed: %s\n", acd_errmsg(s->acd));
	return err;
}

int main(int argc, char **argv)
{
	struct srv s;
	struct api_deps deps = {0};
	struct sa laddr;
	char err_msg[512];
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: api_server CENTER.json DATA-DIR "
			"ADDR:PORT\n");
		return 2;
	}
	memset(&s, 0, sizeof(s));
	err = libre_init();
	if (err)
		return 1;
	tmr_init(&s.tmr);
	s.wall0 = (acd_ms_t)time(NULL) * 1000 - (acd_ms_t)tmr_jiffies();
	err = center_load(argv[1], &s.center, err_msg, sizeof(err_msg));
	if (err) {
		fprintf(stderr, "api_server: %s\n", err_msg);
		goto out;
	}
	err = store_open(&s.store, argv[2], err_msg, sizeof(err_msg));
	if (err) {
		fprintf(stderr, "api_server: %s\n", err_msg);
		goto out;
	}
	err = acd_alloc(&s.acd, 1, on_event, &s);
	if (!err)
		err = engine_feed(s.center, s.acd);
	if (err) {
		fprintf(stderr, "api_server: engine: %s\n",
			s.acd ? acd_errmsg(s.acd) : "no memory");
		goto out;
	}
	err = sa_decode(&laddr, argv[3], strlen(argv[3]));
	if (err) {
		fprintf(stderr, "api_server: bad address '%s'\n", argv[3]);
		goto out;
	}
	deps.acd = s.acd;
	deps.center = s.center;
	deps.store = s.store;
	deps.now = engine_now;
	deps.wall = wall_now;
	deps.arg = &s;
	deps.after_input = arm;
	err = api_alloc(&s.api, &laddr, &deps);
	if (err) {
		fprintf(stderr, "api_server: listen %s: %s\n", argv[3], strerror(err));
		goto out;
	}
	api_hash_rounds_set(s.api, 2000);
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		enum api_role role;

		api_role_parse(users[i].role, &role);
		err = api_user_add(s.api, users[i].user, users[i].pass, role,
				   users[i].tenant, users[i].agent);
		if (err) {
			fprintf(stderr, "api_server: user %s: %s\n",
				users[i].user, strerror(err));
			goto out;
		}
	}
	err = api_key_add(s.api, "hxkey-0123456789abcdef",
			  API_ROLE_SUPERVISOR, "hexatel");
	if (!err)
		err = seed(&s);
	if (err)
		goto out;
	arm(&s);
	store_flush(s.store);
	api_laddr(s.api, &laddr);
	re_printf("listening %J\n", &laddr);
	fflush(stdout);
	signal(SIGTERM, sig);
	signal(SIGINT, sig);
	err = re_main(NULL);
 out:
	tmr_cancel(&s.tmr);
	s.api = api_free(s.api);
	s.acd = acd_free(s.acd);
	s.store = store_close(s.store);
	s.center = mem_deref(s.center);
	libre_close();
	return err ? 1 : 0;
}
