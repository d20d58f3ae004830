/* test_config.c — the center loader: the demo loads, every kind of error
 * names file, path or line, secrets are hashed, export round-trips. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <re.h>
#include "config/center.h"
#include "config/jsoncheck.h"
#include "config/load.h"
#include "config/secret.h"
#include "test.h"

#define DEMO "examples/demo.json"

/* OpenSSL (under libre's MD5 and HMAC) allocates its global tables on
 * first use and frees them at exit; doing that first use before the
 * runner starts counting keeps it from looking like a leak of the first
 * test that hashes. */
__attribute__((constructor)) static void warm_hashes(void)
{
	char ha1[CENTER_HA1_LEN + 1];
	uint8_t dk[32];

	static const char json[] = "{\"name\": \"w\", \"sites\": [{\"id\": "
		"\"s\"}], \"positions\": [{\"id\": \"p\", \"site\": \"s\", "
		"\"sip_password\": \"a\"}], \"agents\": [{\"id\": \"a\", "
		"\"pin\": \"1234\"}]}";
	struct center_opts o = {2};
	struct center *c = NULL;

	center_ha1(ha1, "u", "r", "p");
	center_parse(json, sizeof(json) - 1, "warm", &o, &c, NULL, 0);
	mem_deref(c);
	pbkdf2_sha256((const uint8_t *)"p", 1, (const uint8_t *)"s", 1, 2, dk);
}

/* Few PBKDF2 rounds for the many parses below; one test uses the
 * default through center_load. */
static const struct center_opts fast = {1000};

static int parse(const char *json, struct center **cp, char *err,
		 size_t errsz)
{
	return center_parse(json, strlen(json), "t.json", &fast, cp, err,
			    errsz);
}

static int read_file(const char *path, char **bufp, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return errno;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return EIO;
	}
	buf[n] = '\0';
	fclose(f);
	*bufp = buf;
	*lenp = (size_t)n;
	return 0;
}

static int test_demo_loads(void)
{
	struct center *c = NULL;
	const struct center_queue *q;
	const struct center_agent *a;
	const struct center_position *p;
	const struct center_did *d;
	const struct center_ivr *m;
	char err[512];
	int e;

	e = center_load(DEMO, &c, err, sizeof(err));
	if (e)
		TEST_FAIL("%s", err);
	TEST_EQ(c->n_tenants, 2);
	TEST_EQ(c->n_sites, 3);
	TEST_EQ(c->n_positions, 42);
	TEST_EQ(c->n_agents, 40);
	TEST_EQ(c->n_queues, 8);
	TEST_STREQ(c->timezone, "Africa/Casablanca");

	q = center_queue_find(c, "hx-fibre-fr");
	TEST_ASSERT(q != NULL);
	TEST_STREQ(q->acd.id, "hx-fibre-fr");
	TEST_STREQ(q->acd.tenant, "hexatel");
	TEST_EQ(q->acd.strategy, ACD_STRATEGY_BEST_SKILL);
	TEST_STREQ(q->acd.sites, "casa fes");
	TEST_EQ(q->acd.sl_time_ms, 20000);
	TEST_NEAR(q->acd.sl_target, 0.8, 1e-12);
	TEST_EQ(q->acd.wrapup_ms, 20000);
	TEST_EQ(q->acd.max_wait_ms, 900000);
	TEST_EQ(q->acd.join_empty, ACD_EMPTY_NO_AGENTS);
	TEST_EQ(q->acd.n_widen, 3);
	TEST_EQ(q->acd.widen[2].after_ms, 150000);
	TEST_STREQ(q->acd.widen[2].add_queue, "hx-mobile-fr");
	TEST_ASSERT(q->record);

	/* defaults where the file says nothing */
	q = center_queue_find(c, "nk-orders-en");
	TEST_ASSERT(q != NULL);
	TEST_EQ(q->acd.ring_timeout_ms, 15000);
	TEST_EQ(q->acd.max_no_answer, 3);
	TEST_EQ(q->acd.sites, 0);
	TEST_EQ(q->language, CENTER_LANG_EN);
	TEST_STREQ(q->hold_music, "default");

	/* HA1 = MD5("casa-001:atlas.plateau.ma:demo-casa-001") */
	p = center_position_by_sip_user(c, "casa-001");
	TEST_ASSERT(p != NULL);
	TEST_STREQ(p->sip_ha1, "86debbd9c94efc10b94bbb0109d18991");

	/* the first agent's demo PIN is 1000 */
	a = &c->agents[0];
	TEST_ASSERT(a->pin_hash != NULL);
	TEST_ASSERT(!strncmp(a->pin_hash, "pbkdf2-sha256$20000$", 20));
	TEST_ASSERT(center_pin_verify(a->pin_hash, "1000"));
	TEST_ASSERT(!center_pin_verify(a->pin_hash, "1001"));
	TEST_ASSERT(a->n_members >= 1);

	d = center_did_find(c, "+212522001100");
	TEST_ASSERT(d != NULL);
	TEST_STREQ(d->route.menu, "hx-accueil");
	m = center_ivr_find(c, "hx-accueil");
	TEST_ASSERT(m != NULL);
	TEST_ASSERT(m->prompt[CENTER_LANG_AR] != NULL);
	TEST_EQ(m->options[1].key, '2');
	TEST_STREQ(m->options[1].route.skills, "lang:ar>=3");
	TEST_EQ(m->options[1].route.language, CENTER_LANG_AR);
	mem_deref(c);
	return 0;
}

/* Plaintext secrets leave no copy in the center, and the same PIN
 * hashes differently under fresh salts. */
static int test_secrets_hashed(void)
{
	const char *json =
		"{\"name\": \"x\", \"sip_realm\": \"r\",\n"
		" \"sites\": [{\"id\": \"s\"}],\n"
		" \"positions\": [{\"id\": \"u\", \"site\": \"s\", "
		"\"sip_password\": \"p\"}],\n"
		" \"agents\": [{\"id\": \"a\", \"pin\": \"4321\"},\n"
		"            {\"id\": \"b\", \"pin\": \"4321\"}]}";
	struct center *c = NULL;
	char err[256], *out = NULL;
	int e;

	e = parse(json, &c, err, sizeof(err));
	if (e)
		TEST_FAIL("%s", err);
	TEST_STREQ(c->positions[0].sip_ha1, "44add22b6f3179b751eafd68ee370f7d");
	TEST_ASSERT(strcmp(c->agents[0].pin_hash, c->agents[1].pin_hash));
	TEST_ASSERT(center_pin_verify(c->agents[1].pin_hash, "4321"));
	e = re_sdprintf(&out, "%H", center_write_json, c);
	TEST_EQ(e, 0);
	/* The clear PIN never comes out as a value (the salted hashes are
	 * random hex, which may contain the digits 4321 by chance). */
	TEST_ASSERT(!strstr(out, "\"4321\""));
	TEST_ASSERT(!strstr(out, "\"pin\""));
	TEST_ASSERT(!strstr(out, "sip_password"));
	TEST_ASSERT(strstr(out, "\"sip_ha1\": \"44add22b"));
	mem_deref(out);
	mem_deref(c);
	return 0;
}

static int test_hash_vectors(void)
{
	static const char want[] = "55ac046e56e3089fec1691c22544b605"
				   "f94185216dde0465e68b9d57c20dacbc";
	uint8_t dk[32], salt[16];
	char hexs[65], buf[160];

	/* RFC 7914 section 11, PBKDF2-HMAC-SHA256 ("passwd", "salt", 1) */
	TEST_EQ(pbkdf2_sha256((const uint8_t *)"passwd", 6,
			      (const uint8_t *)"salt", 4, 1, dk), 0);
	for (int i = 0; i < 32; i++)
		snprintf(hexs + 2 * i, 3, "%02x", dk[i]);
	TEST_STREQ(hexs, want);

	for (int i = 0; i < 16; i++)
		salt[i] = (uint8_t)i;
	TEST_EQ(center_pin_hash(buf, sizeof(buf), "1234", salt, 3), 0);
	TEST_STREQ(buf, "pbkdf2-sha256$3$000102030405060708090a0b0c0d0e0f$"
		   "c845ebd5a39a89371ac1731f641b74cf"
		   "72cb590fe418f129ace645c0ce1a4bf0");
	TEST_ASSERT(center_pin_verify(buf, "1234"));
	TEST_ASSERT(!center_pin_verify(buf, "12345"));
	buf[20] = '9';  /* a corrupted hash never verifies */
	TEST_ASSERT(!center_pin_verify(buf, "1234"));
	TEST_ASSERT(!center_pin_verify("pbkdf2-sha256$0$00$00", "1234"));
	TEST_EQ(center_pin_hash(buf, 10, "1234", salt, 3), ENOSPC);
	return 0;
}

/* A small valid center that the error cases below break in one place. */
#define BASE_HEAD                                                          \
	"{\"name\": \"x\",\n"                                              \
	" \"tenants\": [{\"id\": \"t1\"}, {\"id\": \"t2\"}],\n"            \
	" \"sites\": [{\"id\": \"s1\"}],\n"                                \
	" \"positions\": [{\"id\": \"p1\", \"site\": \"s1\", "             \
	"\"sip_password\": \"pw\"}],\n"

#define Q1 "{\"id\": \"q1\", \"tenant\": \"t1\"}"
/* A well-formed password hash (the password does not matter here). */
#define UH "pbkdf2-sha256$1000$00112233445566778899aabbccddeeff$" \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define Q2 "{\"id\": \"q2\", \"tenant\": \"t2\"}"

static int test_base_is_valid(void)
{
	const char *json = BASE_HEAD " \"queues\": [" Q1 ", " Q2 "],\n"
		" \"agents\": [{\"id\": \"a1\", \"queues\": [\"q1\", "
		"{\"queue\": \"q2\", \"weight\": 7}]}]}";
	struct center *c = NULL;
	char err[256];
	int e = parse(json, &c, err, sizeof(err));

	if (e)
		TEST_FAIL("%s", err);
	TEST_EQ(c->agents[0].n_members, 2);
	TEST_EQ(c->agents[0].members[1].weight, 7);
	TEST_EQ(c->agents[0].tenant, 0);
	TEST_EQ(c->agents[0].number, 0);
	TEST_EQ(c->agents[0].role, CENTER_ROLE_AGENT);
	mem_deref(c);
	return 0;
}

static int test_agent_number_role(void)
{
	const char *json = BASE_HEAD " \"agents\": [{\"id\": \"a1\", "
		"\"number\": 1001}, {\"id\": \"s1\", \"number\": \"0042\", "
		"\"role\": \"supervisor\"}]}";
	struct center *c = NULL, *c2 = NULL;
	char err[256], *out = NULL;
	int e = parse(json, &c, err, sizeof(err));

	if (e)
		TEST_FAIL("%s", err);
	TEST_STREQ(c->agents[0].number, "1001");
	TEST_STREQ(c->agents[1].number, "0042");
	TEST_EQ(c->agents[1].role, CENTER_ROLE_SUPERVISOR);
	TEST_ASSERT(center_agent_by_number(c, "0042") == &c->agents[1]);
	TEST_ASSERT(center_agent_by_number(c, "42") == NULL);
	e = re_sdprintf(&out, "%H", center_write_json, c);
	if (!e)
		e = parse(out, &c2, err, sizeof(err));
	if (!e) {
		TEST_STREQ(c2->agents[1].number, "0042");
		TEST_EQ(c2->agents[1].role, CENTER_ROLE_SUPERVISOR);
		TEST_EQ(c2->agents[0].role, CENTER_ROLE_AGENT);
	}
	mem_deref(out);
	mem_deref(c2);
	mem_deref(c);
	return e;
}

struct bad {
	const char *json;          /* the file                              */
	const char *msg;           /* the exact message                     */
};

static const struct bad bad_files[] = {
	/* syntax, with line and column */
	{"{\"name\": \"x\",\n \"tenants\": [{\"id\": \"t1\",}]}",
	 "t.json:2:26: trailing comma"},
	{"{\"name\": \"x\"\n \"sites\": []}",
	 "t.json:2:2: expected ',' or '}'"},
	{"{\"name\": \"x\",\n\n   \"max\": 99999999999999999999}",
	 "t.json:3:11: number too large"},
	{"{\"name\": \"x\", \"t\": [1, 2", "t.json:1:25: unterminated array"},
	{"{\"name\": \"caf\xc3\"}", "t.json:1:14: invalid UTF-8"},
	{"{\"name\": \"a\\u0000b\"}", "t.json:1:12: \\u0000 in string"},
	{"", "t.json:1:1: unexpected end of text"},
	{"[1]", "t.json: expected a JSON object at the top"},
	{"{\"name\": \"x\"} x", "t.json:1:15: text after the end of the value"},
	/* content, with the JSON path */
	{"{\"tenants\": []}", "t.json: name: missing"},
	{"{\"name\": \"x\", \"colour\": 1}", "t.json: colour: unknown key"},
	{"{\"name\": \"x\", \"name\": \"y\"}", "t.json: name: key given twice"},
	{"{\"name\": 5}", "t.json: name: expected a string, not Integer"},
	{"{\"name\": \"x\", \"tenants\": [{\"id\": \"a b\"}]}",
	 "t.json: tenants[0].id: 'a b' is not a valid id (1..64 of A-Z a-z "
	 "0-9 _ . @ -)"},
	{"{\"name\": \"x\", \"tenants\": [{\"id\": \"t\"}, {\"id\": \"u\"}, "
	 "{\"id\": \"t\"}]}",
	 "t.json: tenants[2].id: 't' is already the id of tenants[0]"},
	{"{\"name\": \"x\", \"tenants\": [7]}",
	 "t.json: tenants[0]: expected an object, not Integer"},
	{BASE_HEAD " \"queues\": [" Q1 ", {\"id\": \"q3\", \"tenant\": "
	 "\"t9\"}]}", "t.json: queues[1].tenant: no tenant 't9'"},
	{BASE_HEAD " \"queues\": [" Q1 ", {\"id\": \"q3\", \"tenant\": "
	 "\"t1\", \"skills\": \"lang:fr>=9\"}]}",
	 "t.json: queues[1].skills: bad skill expression: level of 'lang:fr' "
	 "must be 1..5"},
	{BASE_HEAD " \"queues\": [{\"id\": \"q\", \"tenant\": \"t1\", "
	 "\"skills\": \"lang:fr>=3 product:x>=1\"}]}",
	 "t.json: queues[0].skills: bad skill expression: expected '&' at "
	 "'product:x>=1'"},
	{BASE_HEAD " \"queues\": [{\"id\": \"q\", \"tenant\": \"t1\", "
	 "\"ring_timeout_s\": 0}]}",
	 "t.json: queues[0].ring_timeout_s: 0 is out of range 1..600"},
	{BASE_HEAD " \"queues\": [{\"id\": \"q\", \"tenant\": \"t1\", "
	 "\"max_wait_s\": -5}]}",
	 "t.json: queues[0].max_wait_s: -5 is out of range 0..86400"},
	{BASE_HEAD " \"queues\": [{\"id\": \"q\", \"tenant\": \"t1\", "
	 "\"wrapup_s\": 2.5}]}",
	 "t.json: queues[0].wrapup_s: expected an integer, not Double"},
	{BASE_HEAD " \"queues\": [{\"id\": \"q\", \"tenant\": \"t1\", "
	 "\"strategy\": \"fastest\"}]}",
	 "t.json: queues[0].strategy: expected one of longest-idle, "
	 "round-robin, linear, fewest-calls, least-talk-time, random, "
	 "weighted-random, ring-all, best-skill"},
	{BASE_HEAD " \"queues\": [{\"id\": \"q\", \"tenant\": \"t1\", "
	 "\"service_level\": {\"target\": 80}}]}",
	 "t.json: queues[0].service_level.target: expected a share in "
	 "(0, 1], e.g. 0.8"},
	{BASE_HEAD " \"queues\": [{\"id\": \"q\", \"tenant\": \"t1\", "
	 "\"sites\": [\"s1\", \"s2\"]}]}",
	 "t.json: queues[0].sites[1]: no site 's2'"},
	{BASE_HEAD " \"queues\": [{\"id\": \"q\", \"tenant\": \"t1\", "
	 "\"join_empty\": \"never\"}]}",
	 "t.json: queues[0].join_empty: expected one of allow, no-agents, "
	 "no-available"},
	{BASE_HEAD " \"queues\": [{\"id\": \"q\", \"tenant\": \"t1\", "
	 "\"widen\": [{\"after_s\": 60, \"add_site\": \"s1\"}, "
	 "{\"after_s\": 30, \"skills\": \"a>=1\"}]}]}",
	 "t.json: queues[0].widen[1].after_s: must be later than the "
	 "previous step's"},
	{BASE_HEAD " \"queues\": [" Q1 ", {\"id\": \"q3\", \"tenant\": "
	 "\"t1\", \"widen\": [{\"after_s\": 60, \"add_queue\": \"q9\"}]}]}",
	 "t.json: queues[1].widen[0].add_queue: no queue 'q9'"},
	{BASE_HEAD " \"queues\": [" Q1 ", " Q2 ", {\"id\": \"q3\", "
	 "\"tenant\": \"t1\", \"widen\": [{\"after_s\": 60, \"add_queue\": "
	 "\"q2\"}]}]}",
	 "t.json: queues[2].widen[0].add_queue: queue 'q2' belongs to tenant "
	 "'t2', not 't1'"},
	{BASE_HEAD " \"queues\": [{\"id\": \"q\", \"tenant\": \"t1\", "
	 "\"language\": \"it\"}]}",
	 "t.json: queues[0].language: expected one of fr, ar, en, de, es"},
	{BASE_HEAD " \"queues\": [{\"id\": \"q\", \"tenant\": \"t1\", "
	 "\"hold_music\": \"../etc/passwd\"}]}",
	 "t.json: queues[0].hold_music: must be a file name in the media "
	 "directory, without '/' or a leading '.'"},
	{BASE_HEAD " \"queues\": [" Q1 ", " Q2 "],\n \"agents\": [{\"id\": "
	 "\"a1\", \"tenant\": \"t1\", \"queues\": [\"q1\", \"q2\"]}]}",
	 "t.json: agents[0].queues[1]: queue 'q2' belongs to tenant 't2', not "
	 "the agent's 't1'"},
	{BASE_HEAD " \"queues\": [" Q1 "],\n \"agents\": [{\"id\": \"a1\", "
	 "\"queues\": [{\"queue\": \"q1\", \"weight\": 0}]}]}",
	 "t.json: agents[0].queues[0].weight: 0 is out of range 1..1000"},
	{BASE_HEAD " \"agents\": [{\"id\": \"a1\", \"skills\": "
	 "\"lang:fr=5 lang:fr=4\"}]}",
	 "t.json: agents[0].skills: bad skill list: skill 'lang:fr' twice"},
	{BASE_HEAD " \"agents\": [{\"id\": \"a1\", \"skills\": \"lang:fr\"}]}",
	 "t.json: agents[0].skills: bad skill list: skill 'lang:fr' needs a "
	 "level =1..5"},
	{BASE_HEAD " \"agents\": [{\"id\": \"a1\", \"pin\": \"12ab\"}]}",
	 "t.json: agents[0].pin: digits only"},
	{BASE_HEAD " \"agents\": [{\"id\": \"a1\", \"pin_hash\": \"md5$x\"}]}",
	 "t.json: agents[0].pin_hash: expected \"pbkdf2-sha256$ITER$SALT$HASH"
	 "\" (ITER 1..10000000, 32+64 hex)"},
	{BASE_HEAD " \"agents\": [{\"id\": \"a1\", \"number\": \"12a\"}]}",
	 "t.json: agents[0].number: expected 1 to 9 digits"},
	{BASE_HEAD " \"agents\": [{\"id\": \"a1\", \"number\": "
	 "1234567890}]}",
	 "t.json: agents[0].number: expected 1 to 9 digits"},
	{BASE_HEAD " \"agents\": [{\"id\": \"a1\", \"number\": 7}, "
	 "{\"id\": \"a2\"}, {\"id\": \"a3\", \"number\": \"7\"}]}",
	 "t.json: agents[2].number: '7' is already the number of agents[0]"},
	{BASE_HEAD " \"agents\": [{\"id\": \"a1\", \"role\": \"boss\"}]}",
	 "t.json: agents[0].role: expected one of agent, supervisor, admin"},
	{BASE_HEAD " \"agents\": [{\"id\": \"a1\"}, {\"id\": \"a1\"}]}",
	 "t.json: agents[1].id: 'a1' is already the id of agents[0]"},
	{"{\"name\": \"x\", \"sites\": [{\"id\": \"s\"}], \"positions\": "
	 "[{\"id\": \"p\", \"site\": \"s\"}]}",
	 "t.json: positions[0].sip_password: missing (or sip_ha1)"},
	{"{\"name\": \"x\", \"sites\": [{\"id\": \"s\"}], \"positions\": "
	 "[{\"id\": \"p\", \"site\": \"s\", \"sip_ha1\": \"ABC\"}]}",
	 "t.json: positions[0].sip_ha1: expected 32 lower-case hex digits"},
	{"{\"name\": \"x\", \"sites\": [{\"id\": \"s\"}], \"positions\": "
	 "[{\"id\": \"p\", \"site\": \"s\", \"sip_password\": \"a\"}, "
	 "{\"id\": \"p2\", \"site\": \"s\", \"sip_user\": \"p\", "
	 "\"sip_password\": \"b\"}]}",
	 "t.json: positions[1].sip_user: 'p' is already the sip_user of "
	 "positions[0]"},
	{"{\"name\": \"x\", \"sites\": [{\"id\": \"s\"}], \"positions\": "
	 "[{\"id\": \"p\", \"site\": \"z\", \"sip_password\": \"a\"}]}",
	 "t.json: positions[0].site: no site 'z'"},
	{BASE_HEAD " \"queues\": [" Q1 "],\n \"dids\": [{\"number\": "
	 "\"0522001100\", \"tenant\": \"t1\", \"queue\": \"q1\"}]}",
	 "t.json: dids[0].number: expected E.164, e.g. \"+212522001100\""},
	{BASE_HEAD " \"queues\": [" Q1 "],\n \"dids\": [{\"number\": "
	 "\"+212522001100\", \"tenant\": \"t1\"}]}",
	 "t.json: dids[0].queue: missing (or menu)"},
	{BASE_HEAD " \"queues\": [" Q1 "],\n \"dids\": [{\"number\": "
	 "\"+212522001100\", \"tenant\": \"t1\", \"menu\": \"m9\"}]}",
	 "t.json: dids[0].menu: no menu 'm9'"},
	{BASE_HEAD " \"queues\": [" Q1 "],\n \"dids\": [{\"number\": "
	 "\"+212522001100\", \"tenant\": \"t1\", \"queue\": \"q1\"}, "
	 "{\"number\": \"+212522001100\", \"tenant\": \"t1\", \"queue\": "
	 "\"q1\"}]}",
	 "t.json: dids[1].number: '+212522001100' is already the number of "
	 "dids[0]"},
	{BASE_HEAD " \"queues\": [" Q1 "],\n \"ivr_menus\": [{\"id\": \"m\", "
	 "\"tenant\": \"t1\", \"prompt\": {\"fr\": \"Tapez 1\"}, \"options\": "
	 "[{\"key\": \"1\", \"queue\": \"q1\"}, {\"key\": \"1\", \"menu\": "
	 "\"m\"}]}]}",
	 "t.json: ivr_menus[0].options[1].key: '1' is already options[0]"},
	{BASE_HEAD " \"queues\": [" Q1 "],\n \"ivr_menus\": [{\"id\": \"m\", "
	 "\"tenant\": \"t1\", \"prompt\": {\"fr\": \"Tapez 1\"}, \"options\": "
	 "[{\"key\": \"1\", \"menu\": \"m2\"}]}]}",
	 "t.json: ivr_menus[0].options[0].menu: no menu 'm2'"},
	{BASE_HEAD " \"queues\": [" Q1 "],\n \"ivr_menus\": [{\"id\": \"m\", "
	 "\"tenant\": \"t1\", \"prompt\": {\"it\": \"Premi 1\"}, \"options\": "
	 "[{\"key\": \"1\", \"queue\": \"q1\"}]}]}",
	 "t.json: ivr_menus[0].prompt.it: not a language (fr, ar, en, de, es)"},
	{BASE_HEAD " \"queues\": [" Q1 "],\n \"ivr_menus\": [{\"id\": \"m\", "
	 "\"tenant\": \"t1\", \"prompt\": {\"fr\": \"x\"}, \"options\": "
	 "[{\"key\": \"A\", \"queue\": \"q1\"}]}]}",
	 "t.json: ivr_menus[0].options[0].key: expected one of \"0\"..\"9\", "
	 "\"*\", \"#\""},
	{BASE_HEAD " \"queues\": [" Q2 "],\n \"ivr_menus\": [{\"id\": \"m\", "
	 "\"tenant\": \"t1\", \"prompt\": {\"fr\": \"x\"}, \"options\": "
	 "[{\"key\": \"1\", \"queue\": \"q2\"}]}]}",
	 "t.json: ivr_menus[0].options[0].queue: queue 'q2' belongs to tenant "
	 "'t2', not 't1'"},
	{BASE_HEAD " \"dispositions\": [{\"tenant\": \"t1\", \"id\": \"ok\"}, "
	 "{\"tenant\": \"t2\", \"id\": \"ok\"}, {\"tenant\": \"t1\", \"id\": "
	 "\"ok\"}]}",
	 "t.json: dispositions[2].id: 'ok' is already a disposition of tenant "
	 "'t1' (dispositions[0])"},
	/* users of the HTTP API */
	{BASE_HEAD " \"users\": [{\"user\": \"op\", \"role\": \"admin\", "
	 "\"password\": \"secret-1\"}]}",
	 "t.json: users[0].password: clear passwords are not kept; give "
	 "password_hash (plateau passwd prints one)"},
	{BASE_HEAD " \"users\": [{\"user\": \"s\", \"role\": \"supervisor\", "
	 "\"password_hash\": \"" UH "\"}]}",
	 "t.json: users[0].tenant: required: only an admin may be the "
	 "operator (no tenant)"},
	{BASE_HEAD " \"users\": [{\"user\": \"s\", \"role\": \"boss\", "
	 "\"tenant\": \"t1\", \"password_hash\": \"" UH "\"}]}",
	 "t.json: users[0].role: expected agent, supervisor or admin"},
	{BASE_HEAD " \"users\": [{\"user\": \"g\", \"role\": \"agent\", "
	 "\"tenant\": \"t1\", \"password_hash\": \"" UH "\"}]}",
	 "t.json: users[0].agent: required for role agent"},
	{BASE_HEAD " \"agents\": [{\"id\": \"a1\", \"tenant\": \"t2\"}],\n"
	 " \"users\": [{\"user\": \"g\", \"role\": \"agent\", \"tenant\": "
	 "\"t1\", \"agent\": \"a1\", \"password_hash\": \"" UH "\"}]}",
	 "t.json: users[0].agent: agent 'a1' belongs to tenant 't2', not "
	 "'t1'"},
	{BASE_HEAD " \"users\": [{\"user\": \"s\", \"role\": \"admin\", "
	 "\"tenant\": \"t1\", \"password_hash\": \"md5$x\"}]}",
	 "t.json: users[0].password_hash: expected \"pbkdf2-sha256$ITER$SALT"
	 "$HASH\" (ITER 1..10000000, 32+64 hex)"},
	{BASE_HEAD " \"users\": [{\"user\": \"s\", \"role\": \"admin\", "
	 "\"tenant\": \"t1\", \"password_hash\": \"" UH "\"}, {\"user\": "
	 "\"s\", \"role\": \"admin\", \"tenant\": \"t2\", \"password_hash\": "
	 "\"" UH "\"}]}",
	 "t.json: users[1].user: 's' is already the user of users[0]"},
	{NULL, NULL}
};

static int test_errors(void)
{
	for (const struct bad *b = bad_files; b->json; b++) {
		struct center *c = (struct center *)0x1;
		char err[512];
		int e = parse(b->json, &c, err, sizeof(err));

		if (e != EINVAL)
			TEST_FAIL("case %d: err %d for %s", (int)(b - bad_files),
				  e, b->msg);
		if (c != (struct center *)0x1)
			TEST_FAIL("output written on error");
		if (strcmp(err, b->msg))
			TEST_FAIL("case %d:\n    got  %s\n    want %s",
				  (int)(b - bad_files), err, b->msg);
	}
	return 0;
}

static int test_file_errors(void)
{
	char path[] = "/tmp/plateau-test-config-XXXXXX";
	struct center *c = NULL;
	char err[512];
	int fd;

	TEST_EQ(center_load("/nonexistent/center.json", &c, err, sizeof(err)),
		ENOENT);
	TEST_STREQ(err, "/nonexistent/center.json: No such file or directory");
	TEST_EQ(center_load("/tmp", &c, err, sizeof(err)), EISDIR);
	TEST_STREQ(err, "/tmp: Is a directory");

	fd = mkstemp(path);
	TEST_ASSERT(fd >= 0);
	if (ftruncate(fd, CENTER_FILE_MAX + 1)) {
		close(fd);
		unlink(path);
		TEST_FAIL("ftruncate");
	}
	close(fd);
	TEST_EQ(center_load(path, &c, err, sizeof(err)), EFBIG);
	unlink(path);
	TEST_ASSERT(strstr(err, ": larger than 8388608 bytes") != NULL);
	TEST_EQ(c, 0);
	TEST_EQ(center_parse("{}", 2, "x", NULL, NULL, err, sizeof(err)),
		EINVAL);
	return 0;
}

static int test_jsoncheck(void)
{
	struct jsoncheck_pos pos;
	const char *ok = "{\"a\": [1, -2.5e3, true, false, null, \"\\u00e9\","
			 " {\"b\": {}}], \"é\": \"مرحبا\"}";
	const char *deep = "[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]";

	TEST_EQ(jsoncheck(ok, strlen(ok), &pos), 0);
	TEST_EQ(jsoncheck(deep, strlen(deep), &pos), EBADMSG);
	TEST_STREQ(pos.what, "nested too deep");
	TEST_EQ(jsoncheck("01", 2, &pos), EBADMSG);
	TEST_STREQ(pos.what, "leading zero in number");
	TEST_EQ(jsoncheck("1e999", 5, &pos), EBADMSG);
	TEST_STREQ(pos.what, "number too large");
	/* columns count characters: "é" is one */
	TEST_EQ(jsoncheck("\n\"é\" x", 8, &pos), EBADMSG);
	TEST_EQ(pos.line, 2);
	TEST_EQ(pos.col, 5);
	return 0;
}

static int test_round_trip(void)
{
	struct center *c = NULL, *c2 = NULL;
	char *buf = NULL, *out = NULL, *out2 = NULL, err[512];
	size_t len = 0;
	int e;

	e = read_file(DEMO, &buf, &len);
	TEST_EQ(e, 0);
	e = center_parse(buf, len, DEMO, &fast, &c, err, sizeof(err));
	free(buf);
	if (e)
		TEST_FAIL("%s", err);
	e = re_sdprintf(&out, "%H", center_write_json, c);
	TEST_EQ(e, 0);
	e = center_parse(out, strlen(out), "export", &fast, &c2, err,
			 sizeof(err));
	if (e) {
		mem_deref(out);
		mem_deref(c);
		TEST_FAIL("%s", err);
	}
	e = re_sdprintf(&out2, "%H", center_write_json, c2);
	TEST_EQ(e, 0);
	e = strcmp(out, out2) ? EINVAL : 0;
	if (!e && (c->n_agents != c2->n_agents ||
		   strcmp(c->agents[5].pin_hash, c2->agents[5].pin_hash) ||
		   strcmp(c->positions[9].sip_ha1, c2->positions[9].sip_ha1) ||
		   c->queues[0].acd.widen[1].after_ms !=
		   c2->queues[0].acd.widen[1].after_ms ||
		   strcmp(c->ivrs[0].prompt[CENTER_LANG_AR],
			  c2->ivrs[0].prompt[CENTER_LANG_AR]) ||
		   c->n_users < 5 || c->n_users != c2->n_users ||
		   strcmp(c->users[1].password_hash,
			  c2->users[1].password_hash) ||
		   c2->users[0].tenant || c2->users[0].role !=
		   CENTER_ROLE_ADMIN))
		e = EINVAL;
	mem_deref(out);
	mem_deref(out2);
	mem_deref(c);
	mem_deref(c2);
	if (e)
		TEST_FAIL("export does not read back the same");
	return 0;
}

static void no_events(const struct acd_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
}

/* The demo feeds a real engine: every queue and agent is there with its
 * members, and an agent can log in at a position. */
static int test_apply(void)
{
	struct center *c = NULL;
	struct acd *acd = NULL;
	struct acd_queue_stats st;
	struct acd_agent_info ai;
	char *buf = NULL, err[512];
	size_t len = 0;
	unsigned members = 0;
	int e;

	/* the JSON names of strategies are the engine's */
	for (int i = 0; i < ACD_STRATEGY_COUNT; i++)
		TEST_STREQ(center_strategy_name(i),
			   acd_strategy_name((enum acd_strategy)i));

	TEST_EQ(read_file(DEMO, &buf, &len), 0);
	e = center_parse(buf, len, DEMO, &fast, &c, err, sizeof(err));
	free(buf);
	if (e)
		TEST_FAIL("%s", err);
	e = acd_alloc(&acd, 1, no_events, NULL);
	if (!e)
		e = center_apply(c, acd);
	if (e) {
		const char *m = acd ? acd_errmsg(acd) : "acd_alloc";
		fprintf(stderr, "  %s\n", m);
		acd_free(acd);
		mem_deref(c);
		return e;
	}
	for (size_t i = 0; i < c->n_agents; i++) {
		for (size_t j = 0; j < c->agents[i].n_members; j++)
			members += !strcmp(c->agents[i].members[j].queue,
					   "hx-fibre-fr");
	}
	e = acd_queue_stats(acd, "hx-fibre-fr", &st);
	if (!e)
		e = st.agents[ACD_AGENT_LOGGED_OUT] == members &&
			members > 3 ? 0 : EINVAL;
	if (!e)
		e = acd_agent_login(acd, 0, c->agents[0].id, "casa-001");
	if (!e)
		e = acd_agent_info(acd, c->agents[0].id, &ai);
	if (!e && (ai.state != ACD_AGENT_PAUSED && ai.state != ACD_AGENT_READY))
		e = EINVAL;
	if (!e && strcmp(ai.site, "casa"))
		e = EINVAL;
	/* applying twice is refused by the engine, not a crash */
	if (!e && center_apply(c, acd) != EEXIST)
		e = EINVAL;
	acd_free(acd);
	mem_deref(c);
	if (e)
		TEST_FAIL("demo center not applied as expected");
	return 0;
}

const struct test tests_config[] = {
	{"demo_loads", test_demo_loads},
	{"agent_number_role", test_agent_number_role},
	{"secrets_hashed", test_secrets_hashed},
	{"hash_vectors", test_hash_vectors},
	{"base_is_valid", test_base_is_valid},
	{"errors", test_errors},
	{"file_errors", test_file_errors},
	{"jsoncheck", test_jsoncheck},
	{"round_trip", test_round_trip},
	{"apply", test_apply},
	{NULL, NULL}
};
