/* test_webhook.c — CRM webhooks: the signature against an outside vector,
 * the back-off schedule, which events make deliveries, the JSON body, and
 * the configuration (checks, export and store round trips). */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include "config/center.h"
#include "store/store.h"
#include "api/webhook.h"
#include "test.h"

/* ---------------------------------------------------------------------
 * Signature, back-off, events
 * ------------------------------------------------------------------- */

/* Expected value from python3: hmac.new(b"0123456789abcdef",
 * b'1700000000.{"a":1}', hashlib.sha256).hexdigest() */
static int test_sign_vector(void)
{
	static const char body[] = "{\"a\":1}";
	char sig[WEBHOOK_SIG_LEN + 1], sig2[WEBHOOK_SIG_LEN + 1];

	TEST_EQ(webhook_sign(sig, "0123456789abcdef", 1700000000ULL, body,
			     sizeof(body) - 1), 0);
	TEST_STREQ(sig, "sha256=9eb18f493f8ec135d9eb2dad817c369bb4e9cbfa8186"
		   "57897a7437c1cd8c3a23");
	/* another timestamp, body byte or secret: another signature */
	TEST_EQ(webhook_sign(sig2, "0123456789abcdef", 1700000001ULL, body,
			     sizeof(body) - 1), 0);
	TEST_ASSERT(strcmp(sig, sig2));
	TEST_EQ(webhook_sign(sig2, "0123456789abcdef", 1700000000ULL,
			     "{\"a\":2}", 7), 0);
	TEST_ASSERT(strcmp(sig, sig2));
	TEST_EQ(webhook_sign(sig2, "0123456789abcdeg", 1700000000ULL, body,
			     sizeof(body) - 1), 0);
	TEST_ASSERT(strcmp(sig, sig2));
	TEST_EQ(webhook_sign(sig2, NULL, 1, body, 1), EINVAL);
	TEST_EQ(webhook_sign(sig2, "k", 1, NULL, 1), EINVAL);
	return 0;
}

static int test_backoff_schedule(void)
{
	static const int64_t want[] = {0, 1000, 2000, 4000, 8000, 16000,
		32000, 60000, 60000};
	int64_t total = 0;

	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		TEST_EQ(webhook_backoff_ms(i), want[i]);
	TEST_EQ(webhook_backoff_ms(1000000), WEBHOOK_BACKOFF_MAX_MS);
	/* every wait between the attempts of one delivery: bounded */
	for (unsigned i = 1; i < WEBHOOK_ATTEMPTS; i++)
		total += webhook_backoff_ms(i);
	TEST_EQ(total, 31000);
	return 0;
}

static int test_events_of(void)
{
	struct acd_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.call = 7;
	ev.type = ACD_EV_OFFER;
	TEST_EQ(webhook_events_of(&ev), CENTER_HOOK_OFFERED);
	ev.type = ACD_EV_CONNECT;
	TEST_EQ(webhook_events_of(&ev), CENTER_HOOK_ANSWERED);
	ev.type = ACD_EV_ABANDON;
	TEST_EQ(webhook_events_of(&ev),
		CENTER_HOOK_ABANDONED | CENTER_HOOK_ENDED);
	ev.type = ACD_EV_EXIT;
	TEST_EQ(webhook_events_of(&ev), CENTER_HOOK_ENDED);
	ev.type = ACD_EV_COMPLETE;
	TEST_EQ(webhook_events_of(&ev), CENTER_HOOK_ENDED);
	ev.type = ACD_EV_CALL_ENTER;
	TEST_EQ(webhook_events_of(&ev), 0);
	ev.type = ACD_EV_AGENT_STATE;
	TEST_EQ(webhook_events_of(&ev), 0);
	ev.type = ACD_EV_COMPLETE;
	ev.call = 0;               /* no call: nothing */
	TEST_EQ(webhook_events_of(&ev), 0);
	TEST_EQ(webhook_events_of(NULL), 0);
	return 0;
}

/* The receiver's answer: only its status line, bounded. */
static int test_answer_status(void)
{
	static const char *const bad[] = {
		"HTTP/1.1 20 OK\r\n", "HTTP/2 200\r\n", "http/1.1 200\r\n",
		"HTTP/1.1 100 Continue\r\n", "HTTP/1.1 2000 OK\r\n",
		"HTTP/1.1 600 X\r\n", "HTTP/1.1 abc\r\n", "\n",
	};
	uint8_t big[600];
	uint16_t sc = 0;

	TEST_EQ(hook_post_answer((const uint8_t *)"HTTP/1.1 204 No "
				 "Content\r\nX: y\r\n", 30, &sc), 0);
	TEST_EQ(sc, 204);
	TEST_EQ(hook_post_answer((const uint8_t *)"HTTP/1.0 503\r\n", 14,
				 &sc), 0);
	TEST_EQ(sc, 503);
	TEST_EQ(hook_post_answer((const uint8_t *)"HTTP/1.1 200 O", 14, &sc),
		EAGAIN);
	TEST_EQ(hook_post_answer(NULL, 0, &sc), EAGAIN);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (hook_post_answer((const uint8_t *)bad[i], strlen(bad[i]),
				     &sc) != EBADMSG)
			TEST_FAIL("accepted: %s", bad[i]);
	}
	/* a first line that does not end within 512 bytes */
	memcpy(big, "HTTP/1.1 200 ", 13);
	memset(big + 13, 'a', sizeof(big) - 13);
	TEST_EQ(hook_post_answer(big, 512, &sc), EBADMSG);
	TEST_EQ(hook_post_answer(big, 511, &sc), EAGAIN);
	big[599] = '\n';
	TEST_EQ(hook_post_answer(big, sizeof(big), &sc), EBADMSG);
	return 0;
}

/* ---------------------------------------------------------------------
 * Body
 * ------------------------------------------------------------------- */

static const char *str_of(const struct odict *o, const char *k)
{
	const struct odict_entry *e = odict_lookup(o, k);

	return e && e->type == ODICT_STRING ? e->u.str : NULL;
}

static int64_t int_of(const struct odict *o, const char *k)
{
	const struct odict_entry *e = odict_lookup(o, k);

	return e && e->type == ODICT_INT ? e->u.integer : -1;
}

static int test_body_json(void)
{
	struct acd_event ev;
	struct webhook_call wc;
	struct odict *od = NULL;
	const struct odict_entry *e;
	char *text = NULL;
	int err;

	memset(&ev, 0, sizeof(ev));
	ev.type = ACD_EV_COMPLETE;
	ev.call = 42;
	ev.talk_ms = 61000;
	ev.ended_by = ACD_PARTY_AGENT;
	memset(&wc, 0, sizeof(wc));
	wc.delivery = "00112233aabbccdd";
	wc.event = CENTER_HOOK_ENDED;
	wc.time_ms = 1700000000123LL;
	wc.tenant = "t1";
	wc.call_id = "c-\"quoted\"\\1";
	wc.queue = "q1";
	wc.agent = "a1";
	wc.caller = NULL;
	wc.did = "+212500000001";
	wc.ev = &ev;
	err = re_sdprintf(&text, "%H", webhook_body, &wc);
	if (!err)
		err = json_decode_odict(&od, 16, text, strlen(text), 4);
	if (err) {
		mem_deref(text);
		TEST_FAIL("body does not decode (%d): %s", err, text);
	}
	err = EINVAL;
	if (strcmp(str_of(od, "type") ? str_of(od, "type") : "",
		   "call.ended") ||
	    strcmp(str_of(od, "id") ? str_of(od, "id") : "",
		   "00112233aabbccdd") ||
	    strcmp(str_of(od, "call_id") ? str_of(od, "call_id") : "",
		   "c-\"quoted\"\\1") ||
	    strcmp(str_of(od, "outcome") ? str_of(od, "outcome") : "",
		   "answered") ||
	    strcmp(str_of(od, "ended_by") ? str_of(od, "ended_by") : "",
		   "agent") ||
	    int_of(od, "talk_ms") != 61000 || int_of(od, "call") != 42 ||
	    int_of(od, "time") != 1700000000123LL)
		goto out;
	e = odict_lookup(od, "caller");
	if (!e || e->type != ODICT_NULL)
		goto out;
	/* an answered event has no outcome, a wait time */
	mem_deref(od);
	od = NULL;
	text = mem_deref(text);
	ev.type = ACD_EV_CONNECT;
	ev.wait_ms = 12000;
	wc.event = CENTER_HOOK_ANSWERED;
	if (re_sdprintf(&text, "%H", webhook_body, &wc) ||
	    json_decode_odict(&od, 16, text, strlen(text), 4))
		goto out;
	if (odict_lookup(od, "outcome") || int_of(od, "wait_ms") != 12000 ||
	    strcmp(str_of(od, "type") ? str_of(od, "type") : "",
		   "call.answered"))
		goto out;
	err = 0;
 out:
	if (err)
		fprintf(stderr, "  unexpected body: %s\n", text);
	mem_deref(od);
	mem_deref(text);
	return err;
}

/* ---------------------------------------------------------------------
 * Configuration
 * ------------------------------------------------------------------- */

#define BASE "{\"name\": \"w\", \"tenants\": [{\"id\": \"t1\"}, " \
	"{\"id\": \"t2\"}], \"webhooks\": ["

static int parse(const char *hooks, struct center **cp, char *msg,
		 size_t sz)
{
	char *doc = NULL;
	int err = re_sdprintf(&doc, "%s%s]}", BASE, hooks);

	if (!err)
		err = center_parse(doc, strlen(doc), "t.json", NULL, cp, msg,
				   sz);
	mem_deref(doc);
	return err;
}

static int test_config_webhooks(void)
{
	struct center *c = NULL, *c2 = NULL;
	const struct center_webhook *w;
	char msg[512], *out = NULL;
	int err;

	err = parse("{\"id\": \"h1\", \"tenant\": \"t1\", \"url\": "
		    "\"http://127.0.0.1:8080/crm?x=1\", \"secret\": "
		    "\"0123456789abcdef\"}, {\"id\": \"h2\", \"tenant\": "
		    "\"t2\", \"url\": \"https://crm.example.com/hook\", "
		    "\"secret\": \"fedcba9876543210\", \"events\": "
		    "[\"call.ended\", \"call.abandoned\"], \"enabled\": "
		    "false}", &c, msg, sizeof(msg));
	if (err)
		TEST_FAIL("good webhooks refused: %s", msg);
	TEST_EQ(c->n_webhooks, 2);
	w = center_webhook_find(c, "h1");
	TEST_ASSERT(w && w->enabled && w->events == CENTER_HOOK_ALL);
	TEST_STREQ(w->tenant, "t1");
	w = center_webhook_find(c, "h2");
	TEST_ASSERT(w && !w->enabled);
	TEST_EQ(w->events, CENTER_HOOK_ENDED | CENTER_HOOK_ABANDONED);
	/* export, then load again: the same webhooks, secrets included */
	err = re_sdprintf(&out, "%H", center_write_json, c);
	if (!err)
		err = center_parse(out, strlen(out), "out", NULL, &c2, msg,
				   sizeof(msg));
	if (err) {
		mem_deref(out);
		mem_deref(c);
		TEST_FAIL("export does not load: %s", msg);
	}
	mem_deref(out);
	err = EINVAL;
	w = center_webhook_find(c2, "h2");
	if (c2->n_webhooks == 2 && w && !w->enabled &&
	    w->events == (CENTER_HOOK_ENDED | CENTER_HOOK_ABANDONED) &&
	    !strcmp(w->secret, "fedcba9876543210") &&
	    !strcmp(w->url, "https://crm.example.com/hook"))
		err = 0;
	mem_deref(c2);
	mem_deref(c);
	return err;
}

static int test_config_webhooks_refused(void)
{
	static const struct {
		const char *hook;  /* one webhook object                    */
		const char *what;  /* in the message                        */
	} bad[] = {
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": \"ftp://x/\", "
		 "\"secret\": \"0123456789abcdef\"}", "webhooks[0].url"},
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": \"http://\", "
		 "\"secret\": \"0123456789abcdef\"}", "webhooks[0].url"},
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": "
		 "\"http://h:99999/\", \"secret\": \"0123456789abcdef\"}",
		 "webhooks[0].url"},
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": "
		 "\"http://h x/\", \"secret\": \"0123456789abcdef\"}",
		 "webhooks[0].url"},
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": \"http://h/\", "
		 "\"secret\": \"short\"}", "webhooks[0].secret"},
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": \"http://h/\", "
		 "\"secret\": \"0123456789 abcdef\"}", "webhooks[0].secret"},
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": \"http://h/\"}",
		 "webhooks[0].secret"},
		{"{\"id\": \"h\", \"tenant\": \"t9\", \"url\": \"http://h/\", "
		 "\"secret\": \"0123456789abcdef\"}", "webhooks[0].tenant"},
		{"{\"id\": \"h\", \"url\": \"http://h/\", "
		 "\"secret\": \"0123456789abcdef\"}", "webhooks[0].tenant"},
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": \"http://h/\", "
		 "\"secret\": \"0123456789abcdef\", \"events\": "
		 "[\"call.lost\"]}", "webhooks[0].events"},
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": \"http://h/\", "
		 "\"secret\": \"0123456789abcdef\", \"events\": []}",
		 "webhooks[0].events"},
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": \"http://h/\", "
		 "\"secret\": \"0123456789abcdef\", \"enabled\": 1}",
		 "webhooks[0].enabled"},
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": \"http://h/\", "
		 "\"secret\": \"0123456789abcdef\", \"retries\": 3}",
		 "webhooks[0].retries"},
		{"{\"id\": \"h\", \"tenant\": \"t1\", \"url\": \"http://h/\", "
		 "\"secret\": \"0123456789abcdef\"}, {\"id\": \"h\", "
		 "\"tenant\": \"t2\", \"url\": \"http://h/\", \"secret\": "
		 "\"0123456789abcdef\"}", "webhooks"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct center *c = NULL;
		char msg[512] = "";
		int err = parse(bad[i].hook, &c, msg, sizeof(msg));

		if (!err) {
			mem_deref(c);
			TEST_FAIL("accepted: %s", bad[i].hook);
		}
		if (!strstr(msg, bad[i].what))
			TEST_FAIL("message \"%s\" does not name %s", msg,
				  bad[i].what);
	}
	TEST_EQ(center_hook_url_check("http://[::1]:8080/x"), 0);
	TEST_EQ(center_hook_url_check("HTTP://crm.example.com"), 0);
	TEST_EQ(center_hook_url_check("http://[::1"), EINVAL);
	TEST_EQ(center_hook_url_check("http://h:/"), EINVAL);
	TEST_EQ(center_hook_url_check(NULL), EINVAL);
	return 0;
}

static int test_store_webhooks(void)
{
	char dir[64], spec[80], msg[256], cmd[100];
	struct center *c = NULL, *c2 = NULL;
	struct store *st = NULL;
	const struct center_webhook *w;
	int err;

	mkdir("build", 0755);
	snprintf(dir, sizeof(dir), "build/test-webhook.XXXXXX");
	if (!mkdtemp(dir))
		return errno;
	snprintf(spec, sizeof(spec), "sqlite:%s", dir);
	err = parse("{\"id\": \"h1\", \"tenant\": \"t2\", \"url\": "
		    "\"http://127.0.0.1:1/a\", \"secret\": "
		    "\"0123456789abcdef\", \"events\": [\"call.offered\"], "
		    "\"enabled\": false}", &c, msg, sizeof(msg));
	if (!err)
		err = store_open(&st, spec, msg, sizeof(msg));
	if (!err)
		err = store_center_save(st, c);
	if (!err)
		err = store_center_load(st, &c2);
	if (err)
		fprintf(stderr, "  %s %s\n", msg, st ? store_errmsg(st) : "");
	if (!err) {
		w = center_webhook_find(c2, "h1");
		if (!w || c2->n_webhooks != 1 || w->enabled ||
		    w->events != CENTER_HOOK_OFFERED ||
		    strcmp(w->secret, "0123456789abcdef") ||
		    strcmp(w->tenant, "t2") ||
		    strcmp(w->url, "http://127.0.0.1:1/a"))
			err = EINVAL;
	}
	store_close(st);
	mem_deref(c2);
	mem_deref(c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", dir);
	return err;
}

const struct test tests_webhook[] = {
	{"sign_vector", test_sign_vector},
	{"backoff_schedule", test_backoff_schedule},
	{"events_of", test_events_of},
	{"answer_status", test_answer_status},
	{"body_json", test_body_json},
	{"config_webhooks", test_config_webhooks},
	{"config_webhooks_refused", test_config_webhooks_refused},
	{"store_webhooks", test_store_webhooks},
	{NULL, NULL}
};
