/* fuzz_api_request.c — the api's request handling (guard, HTTP framing,
 * router, JSON bodies, auth) on arbitrary bytes, without sockets: no
 * crash, no leak, and every reply is a complete HTTP response. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "acd/acd.h"
#include "api/api.h"
#include "config/center.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char center_json[] =
	"{\"name\":\"fz\",\"tenants\":[{\"id\":\"t1\",\"name\":\"T1\"},"
	"{\"id\":\"t2\",\"name\":\"T2\"}],"
	"\"sites\":[{\"id\":\"s\"}],"
	"\"positions\":[{\"id\":\"p1\",\"site\":\"s\","
	"\"sip_password\":\"x\"},{\"id\":\"p2\",\"site\":\"s\","
	"\"sip_password\":\"y\"}],"
	"\"pause_reasons\":[{\"id\":\"lunch\",\"name\":\"L\"}],"
	"\"dispositions\":[{\"tenant\":\"t1\",\"id\":\"ok\",\"name\":\"O\"}],"
	"\"queues\":[{\"id\":\"q1\",\"tenant\":\"t1\"},"
	"{\"id\":\"q2\",\"tenant\":\"t2\"}],"
	"\"agents\":[{\"id\":\"a1\",\"tenant\":\"t1\","
	"\"queues\":[{\"queue\":\"q1\"}]},"
	"{\"id\":\"a2\",\"tenant\":\"t2\",\"queues\":[{\"queue\":\"q2\"}]}]}";

static struct api *api;
static struct acd *acd;
static struct center *center;

static void on_event(const struct acd_event *ev, void *arg)
{
	(void)arg;
	api_acd_event(ev, api);
}

static acd_ms_t fixed_now(void *arg)
{
	(void)arg;
	return 1000;
}

/* Live configuration changes (the operator key may make them): the new
 * center replaces the old one, which no call can still use here. */
static void center_set(void *arg, struct center *c)
{
	(void)arg;
	mem_deref(center);
	center = c;
}

static void setup(void)
{
	static const struct center_opts opts = {1};
	struct api_deps deps = {0};
	struct acd_agent_conf ac = {0};
	int err;

	libre_init();
	err = center_parse(center_json, sizeof(center_json) - 1, "fz", &opts,
			   &center, NULL, 0);
	err |= acd_alloc(&acd, 1, on_event, NULL);
	if (err)
		abort();
	err |= acd_tenant_add(acd, "t1");
	err |= acd_tenant_add(acd, "t2");
	err |= acd_site_add(acd, "s");
	err |= acd_position_add(acd, "p1", "s");
	err |= acd_position_add(acd, "p2", "s");
	for (size_t i = 0; i < center->n_queues; i++)
		err |= acd_queue_add(acd, &center->queues[i].acd);
	ac.id = "a1";
	ac.tenant = "t1";
	err |= acd_agent_add(acd, &ac);
	ac.id = "a2";
	ac.tenant = "t2";
	err |= acd_agent_add(acd, &ac);
	err |= acd_member_add(acd, "q1", "a1", 1);
	err |= acd_member_add(acd, "q2", "a2", 1);
	deps.acd = acd;
	deps.center = center;
	deps.now = fixed_now;
	deps.wall = fixed_now;
	deps.center_set = center_set;
	err |= api_alloc(&api, NULL, &deps);
	if (err)
		abort();
	api_hash_rounds_set(api, 1);
	err |= api_user_add(api, "u1", "pass1", API_ROLE_AGENT, "t1", "a1");
	err |= api_key_add(api, "fuzzkey-0123456789abcdef",
			   API_ROLE_SUPERVISOR, "t1");
	err |= api_key_add(api, "fuzzkey-operator-0123456789",
			   API_ROLE_ADMIN, NULL);
	if (err)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sa peer;
	struct mbuf *out;
	bool closed = false;

	if (!api)
		setup();
	if (size > 200000)
		return 0;
	sa_set_str(&peer, "192.0.2.1", 4000);
	out = mbuf_alloc(1024);
	if (!out)
		return 0;
	if (api_feed(api, &peer, data, size, out, &closed) == 0 &&
	    out->end > 0) {
		/* Every reply starts with a status line. */
		if (out->end < 12 || memcmp(out->buf, "HTTP/1.1 ", 9))
			abort();
	}
	mem_deref(out);
	return 0;
}
