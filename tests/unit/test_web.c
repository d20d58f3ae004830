/* test_web.c — the web pages served by the api (embedded files, content
 * types, ETag revalidation, no path traversal) and the agent desktop's
 * reads (/api/v1/desk, the screen pop of /api/v1/desk/call). */
#include <stdlib.h>
#include <re.h>
#include "acd/acd.h"
#include "api/api.h"
#include "api/desk.h"
#include "api/static.h"
#include "config/center.h"
#include "api_fx.h"
#include "test.h"

static const char center_json[] =
	"{\"name\":\"w\",\"tenants\":[{\"id\":\"t1\",\"name\":\"T1\"},"
	"{\"id\":\"t2\",\"name\":\"T2\"}],"
	"\"sites\":[{\"id\":\"s\",\"name\":\"Site S\"}],"
	"\"positions\":[{\"id\":\"p1\",\"site\":\"s\","
	"\"sip_password\":\"x\"}],"
	"\"pause_reasons\":[{\"id\":\"lunch\",\"name\":\"Lunch\"}],"
	"\"dispositions\":[{\"id\":\"done\",\"tenant\":\"t1\","
	"\"name\":\"Done\"},{\"id\":\"sold\",\"tenant\":\"t2\","
	"\"name\":\"Sold\"}],"
	"\"queues\":[{\"id\":\"q1\",\"tenant\":\"t1\",\"name\":\"Queue 1\","
	"\"language\":\"ar\"}],"
	"\"agents\":[{\"id\":\"a1\",\"tenant\":\"t1\","
	"\"queues\":[{\"queue\":\"q1\"}]}],"
	"\"dids\":[{\"number\":\"+212500000001\",\"tenant\":\"t1\","
	"\"queue\":\"q1\",\"language\":\"en\"}]}";

static int wfx_init(struct api_fx *f)
{
	static const struct api_fx_user users[] = {
		{"u1", "pass-1", API_ROLE_AGENT, "t1", "a1"},
		{"s1", "pass-2", API_ROLE_SUPERVISOR, "t1", NULL},
		{NULL, NULL, 0, NULL, NULL},
	};

	return api_fx_init(f, center_json, users);
}

/* Sends raw request text; the whole reply lands in *outp (caller frees). */
static int raw(struct api_fx *f, const char *text, struct mbuf **outp)
{
	return api_fx_feed(f, text, outp, NULL);
}

static int get(struct api_fx *f, const char *met, const char *path,
	       const char *extra, struct mbuf **outp)
{
	char text[1024];

	re_snprintf(text, sizeof(text), "%s %s HTTP/1.1\r\nHost: w\r\n%s\r\n",
		    met, path, extra ? extra : "");
	return raw(f, text, outp);
}

static int status_of(const struct mbuf *mb)
{
	return api_fx_status((const char *)mb->buf);
}

static const char *body_of(const struct mbuf *mb)
{
	const char *b = strstr((const char *)mb->buf, "\r\n\r\n");

	return b ? b + 4 : "";
}

static const char *tok_of(struct api_fx *f, const char *user, const char *pw,
			  char tok[65])
{
	char text[512];
	struct mbuf *mb = NULL;
	const char *t;

	re_snprintf(text, sizeof(text),
		    "POST /api/v1/login HTTP/1.1\r\nContent-Length: %zu\r\n"
		    "\r\n{\"user\":\"%s\",\"password\":\"%s\"}",
		    strlen(user) + strlen(pw) + 25, user, pw);
	if (raw(f, text, &mb))
		return NULL;
	t = strstr((const char *)mb->buf, "\"token\":\"");
	if (t) {
		memcpy(tok, t + 9, 64);
		tok[64] = '\0';
	}
	mem_deref(mb);
	return t ? tok : NULL;
}

/* ---------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------- */

static int test_ctype(void)
{
	TEST_ASSERT(!strcmp(api_static_ctype("/a.html"),
			    "text/html; charset=utf-8"));
	TEST_ASSERT(!strcmp(api_static_ctype("/js/x.js"),
			    "text/javascript; charset=utf-8"));
	TEST_ASSERT(!strcmp(api_static_ctype("/c.css"),
			    "text/css; charset=utf-8"));
	TEST_ASSERT(!strcmp(api_static_ctype("/i.svg"), "image/svg+xml"));
	TEST_ASSERT(!strcmp(api_static_ctype("/x.bin"),
			    "application/octet-stream"));
	TEST_ASSERT(!strcmp(api_static_ctype(".js"),
			    "application/octet-stream"));
	TEST_ASSERT(!strcmp(api_static_ctype(NULL),
			    "application/octet-stream"));
	return 0;
}

static int test_serves_every_file(void)
{
	struct api_fx f;
	struct mbuf *mb = NULL;
	int err = wfx_init(&f);
	size_t n = api_static_count();

	if (err)
		return err;
	if (n < 5) {
		api_fx_free(&f);
		TEST_FAIL("only %zu embedded files", n);
	}
	for (size_t i = 0; i < n && !err; i++) {
		const char *p = api_static_path(i);
		char want[128];

		err = get(&f, "GET", p, NULL, &mb);
		if (err)
			break;
		re_snprintf(want, sizeof(want), "Content-Type: %s\r\n",
			    api_static_ctype(p));
		if (status_of(mb) != 200 || !strstr((char *)mb->buf, want) ||
		    !strstr((char *)mb->buf, "ETag: \"") ||
		    !strstr((char *)mb->buf, "Cache-Control: no-cache") ||
		    !strstr((char *)mb->buf, "X-Content-Type-Options: nosniff") ||
		    !*body_of(mb)) {
			fprintf(stderr, "  %s: %.200s\n", p, (char *)mb->buf);
			err = EINVAL;
		}
		mb = mem_deref(mb);
	}
	if (!err)
		err = get(&f, "GET", "/", NULL, &mb);
	if (!err && (status_of(mb) != 200 ||
		     !strstr(body_of(mb), "<!doctype html>") ||
		     !strstr((char *)mb->buf, "Content-Security-Policy: "
			     "default-src 'self'")))
		err = EINVAL;
	mem_deref(mb);
	api_fx_free(&f);
	return err;
}

static int test_etag_and_head(void)
{
	struct api_fx f;
	struct mbuf *mb = NULL;
	char etag[64] = "", hdr[128];
	const char *e;
	int err = wfx_init(&f);

	if (err)
		return err;
	err = get(&f, "GET", "/desk.html", NULL, &mb);
	e = err ? NULL : strstr((char *)mb->buf, "ETag: ");
	if (!e) {
		err = EINVAL;
		goto out;
	}
	e += 6;
	memcpy(etag, e, strcspn(e, "\r") < 63 ? strcspn(e, "\r") : 63);
	mb = mem_deref(mb);

	re_snprintf(hdr, sizeof(hdr), "If-None-Match: %s\r\n", etag);
	err = get(&f, "GET", "/desk.html", hdr, &mb);
	if (err || status_of(mb) != 304 || *body_of(mb) ||
	    strstr((char *)mb->buf, "Content-Length")) {
		err = EINVAL;
		goto out;
	}
	mb = mem_deref(mb);
	err = get(&f, "GET", "/desk.html", "If-None-Match: \"stale\"\r\n",
		  &mb);
	if (err || status_of(mb) != 200 || !*body_of(mb)) {
		err = EINVAL;
		goto out;
	}
	mb = mem_deref(mb);
	err = get(&f, "HEAD", "/desk.html", NULL, &mb);
	if (err || status_of(mb) != 200 || *body_of(mb) ||
	    !strstr((char *)mb->buf, "Content-Length: ") ||
	    strstr((char *)mb->buf, "Content-Length: 0\r")) {
		err = EINVAL;
		goto out;
	}
	mb = mem_deref(mb);
	err = get(&f, "POST", "/desk.html", "Content-Length: 0\r\n", &mb);
	if (err || status_of(mb) != 405)
		err = EINVAL;
 out:
	mem_deref(mb);
	api_fx_free(&f);
	return err;
}

/* Only the embedded files exist: nothing of the disk, whatever the
 * path says. */
static int test_no_traversal(void)
{
	static const char *paths[] = {
		"/../Makefile", "/..%2fMakefile", "/%2e%2e/Makefile",
		"/js/../../Makefile", "/js/../index.html", "//index.html",
		"/index.html/", "/./index.html", "/web/index.html",
		"/etc/passwd", "/js", "/js/", "/.git/config",
		"/index.html%00.js", "/INDEX.HTML", "/src/api/static.c",
		"/\\..\\Makefile",
	};
	struct api_fx f;
	struct mbuf *mb = NULL;
	int err = wfx_init(&f);

	if (err)
		return err;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		err = get(&f, "GET", paths[i], NULL, &mb);
		if (err)
			break;
		if (status_of(mb) != 404 && status_of(mb) != 400) {
			fprintf(stderr, "  %s -> %d\n", paths[i], status_of(mb));
			err = EINVAL;
		}
		if (strstr(body_of(mb), "<html") ||
		    strstr(body_of(mb), "CFLAGS"))
			err = EINVAL;
		mb = mem_deref(mb);
		if (err)
			break;
	}
	/* the api keeps its own answers */
	if (!err)
		err = get(&f, "GET", "/api/v1/queues", NULL, &mb);
	if (!err && status_of(mb) != 401)
		err = EINVAL;
	mb = mem_deref(mb);
	if (!err)
		err = get(&f, "GET", "/metrics", NULL, &mb);
	if (!err && status_of(mb) != 401)
		err = EINVAL;
	mem_deref(mb);
	api_fx_free(&f);
	return err;
}

static int test_desk(void)
{
	struct api_fx f;
	struct mbuf *mb = NULL;
	char tok[65], hdr[128];
	uint64_t call = 0;
	const char *b;
	int err = wfx_init(&f);

	if (err)
		return err;
	if (!tok_of(&f, "s1", "pass-2", tok)) {
		err = EACCES;
		goto out;
	}
	re_snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s\r\n", tok);
	err = get(&f, "GET", "/api/v1/desk", hdr, &mb);
	if (err || status_of(mb) != 403) {
		err = EINVAL;
		goto out;
	}
	mb = mem_deref(mb);
	if (!tok_of(&f, "u1", "pass-1", tok)) {
		err = EACCES;
		goto out;
	}
	re_snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s\r\n", tok);
	err = get(&f, "GET", "/api/v1/desk", hdr, &mb);
	b = err ? "" : body_of(mb);
	/* its tenant's disposition only; its queue with its language */
	if (err || status_of(mb) != 200 ||
	    !strstr(b, "\"state\":\"logged-out\"") ||
	    !strstr(b, "{\"id\":\"p1\",\"site\":\"s\",\"site_name\":"
		    "\"Site S\"}") ||
	    !strstr(b, "{\"id\":\"lunch\",\"name\":\"Lunch\"}") ||
	    !strstr(b, "\"id\":\"done\"") || strstr(b, "sold") ||
	    !strstr(b, "{\"id\":\"q1\",\"name\":\"Queue 1\","
		    "\"language\":\"ar\"}")) {
		fprintf(stderr, "  %s\n", b);
		err = EINVAL;
		goto out;
	}
	mb = mem_deref(mb);

	/* a call offered to a1: the pop shows its caller and the DID's
	 * language */
	err = acd_agent_login(f.acd, f.now, "a1", "p1");
	if (!err) {
		struct acd_agent_info ai;

		if (!acd_agent_info(f.acd, "a1", &ai) &&
		    ai.state != ACD_AGENT_READY)
			err = acd_agent_ready(f.acd, f.now, "a1");
	}
	if (!err)
		err = acd_call_arrive(f.acd, f.now + 5, "q1", NULL, &call);
	if (!err)
		err = api_call_caller_set(f.api, call, "+212611223344",
					  "+212500000001");
	if (err)
		goto out;
	TEST_EQ(api_call_caller_set(NULL, call, "x", NULL), EINVAL);
	TEST_EQ(api_call_caller_set(f.api, 0, "x", NULL), EINVAL);
	f.now += 100;
	err = get(&f, "GET", "/api/v1/desk/call", hdr, &mb);
	b = err ? "" : body_of(mb);
	if (err || status_of(mb) != 200 ||
	    !strstr(b, "\"state\":\"offered\"") ||
	    !strstr(b, "\"queue\":\"q1\",\"queue_name\":\"Queue 1\","
		    "\"language\":\"en\",\"caller\":\"+212611223344\","
		    "\"did\":\"+212500000001\",\"connected\":false,"
		    "\"in_queue_ms\":95}") ||
	    !strstr(b, "\"last\":null")) {
		fprintf(stderr, "  %s\n", b);
		err = EINVAL;
		goto out;
	}
	mb = mem_deref(mb);
	err = get(&f, "GET", "/api/v1/desk/nothing", hdr, &mb);
	if (err || status_of(mb) != 404)
		err = EINVAL;
 out:
	mem_deref(mb);
	api_fx_free(&f);
	return err;
}

const struct test tests_web[] = {
	{"ctype", test_ctype},
	{"serves_every_file", test_serves_every_file},
	{"etag_and_head", test_etag_and_head},
	{"no_traversal", test_no_traversal},
	{"desk", test_desk},
	{NULL, NULL},
};
