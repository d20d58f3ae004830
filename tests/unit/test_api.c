/* test_api.c — the api without sockets: router, auth, tokens, JSON bodies,
 * the tenant filter of events, the event window and the request guard. */
#include <stdlib.h>
#include <re.h>
#include "acd/acd.h"
#include "api/api.h"
#include "api/api_int.h"
#include "config/center.h"
#include "api_fx.h"
#include "test.h"

static const char center_json[] =
	"{\"name\":\"t\",\"tenants\":[{\"id\":\"t1\",\"name\":\"T1\"},"
	"{\"id\":\"t2\",\"name\":\"T2\"}],"
	"\"sites\":[{\"id\":\"s\"}],"
	"\"positions\":[{\"id\":\"p1\",\"site\":\"s\","
	"\"sip_password\":\"x\"}],"
	"\"pause_reasons\":[{\"id\":\"lunch\",\"name\":\"L\"}],"
	"\"queues\":[{\"id\":\"q1\",\"tenant\":\"t1\"},"
	"{\"id\":\"q2\",\"tenant\":\"t2\"}],"
	"\"agents\":[{\"id\":\"a1\",\"tenant\":\"t1\","
	"\"queues\":[{\"queue\":\"q1\"}]},"
	"{\"id\":\"a2\",\"tenant\":\"t2\",\"queues\":[{\"queue\":\"q2\"}]}]}";

/* A small world: two tenants, one queue and one agent each. */
static int fx_init(struct api_fx *f)
{
	static const struct api_fx_user users[] = {
		{"u1", "pass-1", API_ROLE_AGENT, "t1", "a1"},
		{"s2", "pass-2", API_ROLE_SUPERVISOR, "t2", NULL},
		{"op", "pass-3", API_ROLE_ADMIN, NULL, NULL},
		{NULL, NULL, 0, NULL, NULL},
	};
	int err = api_fx_init(f, center_json, users);

	if (err)
		return err;
	err = api_key_add(f->api, "key-t1-0123456789abcdef",
			  API_ROLE_SUPERVISOR, "t1");
	if (err)
		api_fx_free(f);
	return err ? EINVAL : 0;
}

/* Sends raw request text; reply text in buf (NUL-terminated). */
static int send_raw(struct api_fx *f, const char *text, char *buf,
		    size_t sz, bool *closep)
{
	struct mbuf *out = NULL;
	int err = api_fx_feed(f, text, &out, closep);

	if (!err) {
		size_t n = out->end - 1 < sz - 1 ? out->end - 1 : sz - 1;

		memcpy(buf, out->buf, n);
		buf[n] = '\0';
	}
	mem_deref(out);
	return err;
}

/* One request with an optional bearer token and JSON body. */
static int request(struct api_fx *f, const char *met, const char *path,
		   const char *token, const char *body, char *buf,
		   size_t sz)
{
	char text[4096];

	re_snprintf(text, sizeof(text),
		    "%s %s HTTP/1.1\r\nHost: t\r\n%s%s%s"
		    "Content-Length: %zu\r\n\r\n%s",
		    met, path, token ? "Authorization: Bearer " : "",
		    token ? token : "", token ? "\r\n" : "",
		    body ? strlen(body) : (size_t)0, body ? body : "");
	return send_raw(f, text, buf, sz, NULL);
}

static int status_of(const char *reply)
{
	return api_fx_status(reply);
}

static int login(struct api_fx *f, const char *user, const char *pass,
		 char token[65])
{
	char body[256], buf[4096];
	const char *t;

	re_snprintf(body, sizeof(body),
		    "{\"user\":\"%s\",\"password\":\"%s\"}", user, pass);
	if (request(f, "POST", "/api/v1/login", NULL, body, buf,
		    sizeof(buf)))
		return EIO;
	t = strstr(buf, "\"token\":\"");
	if (status_of(buf) != 200 || !t)
		return EACCES;
	memcpy(token, t + 9, 64);
	token[64] = '\0';
	return 0;
}

/* ---------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------- */

static int test_router(void)
{
	struct api_fx f;
	char buf[8192];
	int err = fx_init(&f);

	if (err)
		return err;
	request(&f, "GET", "/api/v1/queues", NULL, NULL, buf, sizeof(buf));
	if (status_of(buf) != 401)
		goto fail;
	request(&f, "GET", "/nothing", "key-t1-0123456789abcdef", NULL, buf,
		sizeof(buf));
	if (status_of(buf) != 404 || !strstr(buf, "{\"error\":{\"code\":"))
		goto fail;
	request(&f, "DELETE", "/api/v1/queues", "key-t1-0123456789abcdef",
		NULL, buf, sizeof(buf));
	if (status_of(buf) != 405)
		goto fail;
	request(&f, "GET", "/api/v1/queues", "key-t1-0123456789abcdef",
		NULL, buf, sizeof(buf));
	if (status_of(buf) != 200 || !strstr(buf, "\"id\":\"q1\"") ||
	    strstr(buf, "q2"))
		goto fail;
	request(&f, "GET", "/api/v1/queues/q2", "key-t1-0123456789abcdef",
		NULL, buf, sizeof(buf));
	if (status_of(buf) != 404 || strstr(buf, "t2\""))
		goto fail;
	request(&f, "GET", "/api/v1/queues/q1/x/y/z",
		"key-t1-0123456789abcdef", NULL, buf, sizeof(buf));
	if (status_of(buf) != 404)
		goto fail;
	api_fx_free(&f);
	return 0;
 fail:
	fprintf(stderr, "  reply: %.300s\n", buf);
	api_fx_free(&f);
	return EINVAL;
}

static int test_auth_hash(void)
{
	struct api_fx f;
	struct api_user *u;
	int err = fx_init(&f);

	if (err)
		return err;
	u = f.api->users.head->data;
	/* salted PBKDF2: no plaintext, and two users with one password
	 * get different hashes */
	err = api_user_add(f.api, "u9", "pass-1", API_ROLE_SUPERVISOR, "t1",
			   NULL);
	if (err || strncmp(u->hash, "pbkdf2-sha256$", 14) ||
	    strstr(u->hash, "pass-1") ||
	    !strcmp(u->hash, ((struct api_user *)
			      f.api->users.tail->data)->hash))
		goto fail;
	if (!center_pin_verify(u->hash, "pass-1") ||
	    center_pin_verify(u->hash, "pass-2"))
		goto fail;
	/* refused: duplicate, short password, agent without an agent id,
	 * a non-admin operator, unknown tenant */
	if (api_user_add(f.api, "u1", "xxxxxx", API_ROLE_ADMIN, "t1",
			 NULL) != EEXIST ||
	    api_user_add(f.api, "n1", "x", API_ROLE_ADMIN, "t1", NULL) !=
	    EINVAL ||
	    api_user_add(f.api, "n2", "xxxxxx", API_ROLE_AGENT, "t1",
			 NULL) != EINVAL ||
	    api_user_add(f.api, "n3", "xxxxxx", API_ROLE_SUPERVISOR, NULL,
			 NULL) != EINVAL ||
	    api_user_add(f.api, "n4", "xxxxxx", API_ROLE_ADMIN, "zz",
			 NULL) != EINVAL)
		goto fail;
	/* a hash from the center file logs in with its password; an agent
	 * user of another tenant's agent and a non-hash are refused */
	if (api_user_add_hash(f.api, "h1", u->hash, API_ROLE_SUPERVISOR,
			      "t2", NULL) ||
	    api_user_add_hash(f.api, "h2", u->hash, API_ROLE_AGENT, "t2",
			      "a1") != EINVAL ||
	    api_user_add_hash(f.api, "h3", "pass-1", API_ROLE_ADMIN, NULL,
			      NULL) != EINVAL)
		goto fail;
	{
		struct sa peer;
		struct api_session *s = NULL;

		sa_set_str(&peer, "192.0.2.9", 1);
		if (api_login(f.api, &peer, "h1", "pass-1", &s) || !s ||
		    strcmp(s->user->tenant, "t2"))
			goto fail;
	}
	api_fx_free(&f);
	return 0;
 fail:
	api_fx_free(&f);
	return EINVAL;
}

static int test_token(void)
{
	struct api_fx f;
	char t1[65], t2[65], buf[4096];
	int err = fx_init(&f);

	if (err)
		return err;
	if (login(&f, "u1", "pass-1", t1) || login(&f, "u1", "pass-1", t2))
		goto fail;
	if (strlen(t1) != 64 || !strcmp(t1, t2) ||
	    strspn(t1, "0123456789abcdef") != 64)
		goto fail;
	if (login(&f, "u1", "wrong", t2) != EACCES ||
	    login(&f, "nobody", "pass-1", t2) != EACCES)
		goto fail;
	request(&f, "GET", "/api/v1/me", t1, NULL, buf, sizeof(buf));
	if (status_of(buf) != 200 || !strstr(buf, "\"agent\":\"a1\""))
		goto fail;
	/* expiry */
	f.now += API_SESSION_MS;
	request(&f, "GET", "/api/v1/me", t1, NULL, buf, sizeof(buf));
	if (status_of(buf) != 401)
		goto fail;
	/* throttle: 5 failures then 429, even with the right password */
	f.now += 1;
	login(&f, "u1", "bad", t2);
	login(&f, "u1", "bad", t2);
	login(&f, "u1", "bad", t2);
	if (login(&f, "u1", "pass-1", t2))
		goto fail;
	login(&f, "u1", "bad", t2);
	login(&f, "u1", "bad", t2);
	request(&f, "POST", "/api/v1/login", NULL,
		"{\"user\":\"u1\",\"password\":\"pass-1\"}", buf, sizeof(buf));
	if (status_of(buf) != 429)
		goto fail;
	f.now += API_THROTTLE_MS;
	if (login(&f, "u1", "pass-1", t2))
		goto fail;
	api_fx_free(&f);
	return 0;
 fail:
	api_fx_free(&f);
	return EINVAL;
}

static int test_json_bodies(void)
{
	static const struct {
		const char *body;
		int status;
		const char *says;
	} cases[] = {
		{"", 400, "JSON object"},
		{"[]", 400, "JSON object"},
		{"{\"reason\":", 400, "malformed"},
		{"{\"reason\":\"lunch\",\"x\":99999999999999999999}", 400,
		 "15 digits"},
		{"{\"reason\":\"lunch\",\"x\":1e400}", 400, "15 digits"},
		{"{\"reason\":\"lunch\",\"x\":-0.5e1}", 400, "15 digits"},
		{"{\"reason\":\"lunch\",\"x\":1.}", 400, "15 digits"},
		{"{\"reason\":\"lunch\",\"x\":0.1234567890123456}", 400,
		 "15 digits"},
		{"{\"reason\":\"lunch\",\"x\":1.5.5}", 400, "15 digits"},
		{"{\"reason\":7}", 400, "reason: must be a string"},
		{"{}", 400, "reason: required"},
		{"{\"reason\":\"\"}", 400, "reason: 1 to"},
		{"{\"reason\":\"l\\u0001\"}", 400, "control characters"},
		{"{\"reason\":\"siesta\"}", 400, "no pause reason"},
	};
	struct api_fx f;
	struct acd_agent_info ai;
	char tok[65], buf[4096] = "";
	size_t i = 0;
	int err = fx_init(&f);

	if (err)
		return err;
	if (acd_agent_login(f.acd, f.now, "a1", "p1") ||
	    login(&f, "u1", "pass-1", tok))
		goto fail;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		request(&f, "POST", "/api/v1/agents/a1/pause", tok,
			cases[i].body, buf, sizeof(buf));
		if (status_of(buf) != cases[i].status ||
		    !strstr(buf, cases[i].says))
			goto fail;
		if (acd_agent_info(f.acd, "a1", &ai) ||
		    ai.state == ACD_AGENT_PAUSED)
			goto fail;      /* nothing changed */
	}
	request(&f, "POST", "/api/v1/agents/a1/pause", tok,
		"{\"reason\":\"lunch\",\"n\":12}", buf, sizeof(buf));
	if (status_of(buf) != 200 || acd_agent_info(f.acd, "a1", &ai) ||
	    ai.state != ACD_AGENT_PAUSED || strcmp(ai.reason, "lunch"))
		goto fail;
	api_fx_free(&f);
	return 0;
 fail:
	fprintf(stderr, "  case %zu reply: %.300s\n", i, buf);
	api_fx_free(&f);
	return EINVAL;
}

static int test_tenant_filter(void)
{
	struct api_user agent = {.role = API_ROLE_AGENT, .tenant = "t1",
				 .agent = "a1"};
	struct api_user sup = {.role = API_ROLE_SUPERVISOR, .tenant = "t1"};
	struct api_user op = {.role = API_ROLE_ADMIN, .tenant = NULL};
	struct api_ev own = {.tenant = "t1", .agent = "a1"};
	struct api_ev colleague = {.tenant = "t1", .agent = "a3"};
	struct api_ev queue = {.tenant = "t1"};
	struct api_ev other = {.tenant = "t2", .agent = "a2"};
	struct api_ev staff = {.tenant = NULL, .agent = "x"};

	TEST_ASSERT(api_ev_visible(&agent, &own));
	TEST_ASSERT(!api_ev_visible(&agent, &colleague));
	TEST_ASSERT(api_ev_visible(&agent, &queue));
	TEST_ASSERT(!api_ev_visible(&agent, &other));
	TEST_ASSERT(!api_ev_visible(&agent, &staff));
	TEST_ASSERT(api_ev_visible(&sup, &colleague));
	TEST_ASSERT(!api_ev_visible(&sup, &other));
	TEST_ASSERT(!api_ev_visible(&sup, &staff));
	TEST_ASSERT(api_ev_visible(&op, &other));
	TEST_ASSERT(api_ev_visible(&op, &staff));
	return 0;
}

static int test_event_window(void)
{
	struct api_fx f;
	int err = fx_init(&f);

	if (err)
		return err;
	/* login + pause/ready cycles: many events, the window keeps the
	 * last API_WINDOW */
	if (acd_agent_login(f.acd, f.now, "a1", "p1"))
		goto fail;
	for (int i = 0; i < API_WINDOW; i++) {
		f.now++;
		if (acd_agent_pause(f.acd, f.now, "a1", "lunch") ||
		    acd_agent_ready(f.acd, f.now, "a1"))
			goto fail;
	}
	if (f.api->ev_next < API_WINDOW + 2)
		goto fail;
	if (api_ev_get(f.api, 1) ||
	    !api_ev_get(f.api, f.api->ev_next - API_WINDOW) ||
	    !api_ev_get(f.api, f.api->ev_next - 1) ||
	    api_ev_get(f.api, f.api->ev_next))
		goto fail;
	if (!strstr(api_ev_get(f.api, f.api->ev_next - 1)->json,
		    "\"state\":\"ready\""))
		goto fail;
	api_fx_free(&f);
	return 0;
 fail:
	api_fx_free(&f);
	return EINVAL;
}

static int test_guard(void)
{
	struct api_fx f;
	char line[2000], buf[4096];
	bool closed = false;
	int err = fx_init(&f);

	if (err)
		return err;
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	send_raw(&f, line, buf, sizeof(buf), &closed);
	if (status_of(buf) != 400 || !closed)
		goto fail;
	/* an incomplete, short head waits: no reply yet */
	send_raw(&f, "GET /api/v1/me HTTP/1.1\r\n", buf, sizeof(buf),
		 &closed);
	if (buf[0] || closed)
		goto fail;
	send_raw(&f, "GET /api/v1/me HTTP/1.1\r\nContent-Length: "
		 "9999999\r\n\r\n", buf, sizeof(buf), &closed);
	if (status_of(buf) != 413 || !closed)
		goto fail;
	send_raw(&f, "GET /api/v1/me HTTP/1.0\r\nAuthorization: Bearer "
		 "key-t1-0123456789abcdef\r\n\r\n", buf, sizeof(buf),
		 &closed);
	if (status_of(buf) != 200 || !closed ||
	    !strstr(buf, "Connection: close"))
		goto fail;
	api_fx_free(&f);
	return 0;
 fail:
	fprintf(stderr, "  reply: %.200s\n", buf);
	api_fx_free(&f);
	return EINVAL;
}

const struct test tests_api[] = {
	{"router", test_router},
	{"auth_hash", test_auth_hash},
	{"token", test_token},
	{"json_bodies", test_json_bodies},
	{"tenant_filter", test_tenant_filter},
	{"event_window", test_event_window},
	{"guard", test_guard},
	{NULL, NULL}
};
