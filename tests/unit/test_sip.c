/* test_sip.c — the SIP server's socket-free parts: the pre-parser guard,
 * the registrar's digest checks and location table, SDP codec choice. */
#include <re.h>
#include "sip/guard.h"
#include "sip/registrar.h"
#include "sip/sipd_int.h"
#include "test.h"

/* ---------------------------------------------------------------------
 * Guard
 * ------------------------------------------------------------------- */

static int test_guard_bytes(void)
{
	static uint8_t big[SIPGUARD_MAX_MSG + 1];
	const char *ok = "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: x\r\n\r\n";

	TEST_EQ(sipguard_check_bytes((const uint8_t *)ok, strlen(ok)),
		SIPGUARD_OK);
	TEST_EQ(sipguard_check_bytes((const uint8_t *)"\r\n\r\n", 4),
		SIPGUARD_KEEPALIVE);
	memset(big, 'a', sizeof(big));
	big[0] = 'A';
	TEST_EQ(sipguard_check_bytes(big, sizeof(big)), SIPGUARD_TOO_BIG);
	/* the quadratic case: 8 KB with no line end */
	TEST_EQ(sipguard_check_bytes(big, SIPGUARD_MAX_MSG),
		SIPGUARD_NO_LINE_END);
	/* a line end just past the limit is still refused */
	big[SIPGUARD_MAX_LINE1] = '\n';
	TEST_EQ(sipguard_check_bytes(big, SIPGUARD_MAX_MSG),
		SIPGUARD_NO_LINE_END);
	big[SIPGUARD_MAX_LINE1 - 1] = '\n';
	TEST_EQ(sipguard_check_bytes(big, SIPGUARD_MAX_MSG), SIPGUARD_OK);
	TEST_EQ(sipguard_check_bytes((const uint8_t *)"\x16\x03\x01", 3),
		SIPGUARD_BAD_START);
	TEST_EQ(sipguard_check_bytes((const uint8_t *)"INV\0TE x\r\n", 10),
		SIPGUARD_BAD_START);
	TEST_EQ(sipguard_check_bytes(NULL, 0), SIPGUARD_BAD_START);
	return 0;
}

static int test_guard_rate(void)
{
	struct sipguard_conf conf;
	struct sipguard *g = NULL;
	struct sa a, b;
	const uint8_t *m = (const uint8_t *)"OPTIONS x SIP/2.0\r\n";
	int err, i;

	sipguard_conf_init(&conf);
	conf.rate_pps = 10;
	conf.burst = 10;
	err = sipguard_alloc(&g, &conf);
	TEST_EQ(err, 0);
	sa_set_str(&a, "127.0.0.2", 5060);
	sa_set_str(&b, "127.0.0.3", 5060);
	for (i = 0; i < 10; i++) {
		if (sipguard_packet(g, &a, m, 19, 1000) != SIPGUARD_OK)
			goto fail;
	}
	if (sipguard_packet(g, &a, m, 19, 1000) != SIPGUARD_RATE)
		goto fail;
	/* another address has its own budget; the port does not matter */
	if (sipguard_packet(g, &b, m, 19, 1000) != SIPGUARD_OK)
		goto fail;
	sa_set_port(&a, 5099);
	if (sipguard_packet(g, &a, m, 19, 1000) != SIPGUARD_RATE)
		goto fail;
	/* 100 ms later one packet more is allowed, then refused again */
	if (sipguard_packet(g, &a, m, 19, 1100) != SIPGUARD_OK)
		goto fail;
	if (sipguard_packet(g, &a, m, 19, 1100) != SIPGUARD_RATE)
		goto fail;
	if (sipguard_count(g) != 2)
		goto fail;
	/* idle for a minute: forgotten */
	sipguard_sweep(g, 70000);
	if (sipguard_count(g) != 0)
		goto fail;
	mem_deref(g);
	return 0;
fail:
	mem_deref(g);
	TEST_FAIL("rate budget not applied");
}

static int test_guard_auth_block(void)
{
	struct sipguard_conf conf;
	struct sipguard *g = NULL;
	struct sa a;
	const uint8_t *m = (const uint8_t *)"REGISTER x SIP/2.0\r\n";
	bool blocked;

	sipguard_conf_init(&conf);
	conf.fail_max = 3;
	conf.block_ms = 5000;
	TEST_EQ(sipguard_alloc(&g, &conf), 0);
	sa_set_str(&a, "10.0.0.1", 5060);
	blocked = sipguard_auth_fail(g, &a, 100);
	blocked |= sipguard_auth_fail(g, &a, 200);
	if (blocked || sipguard_blocked(g, &a, 300)) {
		mem_deref(g);
		TEST_FAIL("blocked too early");
	}
	blocked = sipguard_auth_fail(g, &a, 300);
	if (!blocked || !sipguard_blocked(g, &a, 301) ||
	    sipguard_packet(g, &a, m, 20, 400) != SIPGUARD_BLOCKED) {
		mem_deref(g);
		TEST_FAIL("not blocked after 3 failures");
	}
	if (sipguard_blocked(g, &a, 5301)) {
		mem_deref(g);
		TEST_FAIL("block did not end");
	}
	mem_deref(g);
	return 0;
}

/* ---------------------------------------------------------------------
 * Registrar
 * ------------------------------------------------------------------- */

#define REALM "plateau.test"

/* Two known users: "pos1"/"secret1", "pos2"/"secret2". */
static int test_ha1(const char *user, uint8_t *ha1, void *arg)
{
	(void)arg;
	if (!strcmp(user, "pos1"))
		return md5_printf(ha1, "pos1:" REALM ":secret1");
	if (!strcmp(user, "pos2"))
		return md5_printf(ha1, "pos2:" REALM ":secret2");
	return ENOENT;
}

static int decode(struct sip_msg **msgp, const char *txt)
{
	struct mbuf *mb = mbuf_alloc(strlen(txt));
	int err;

	if (!mb)
		return ENOMEM;
	(void)mbuf_write_str(mb, txt);
	mb->pos = 0;
	err = sip_msg_decode(msgp, mb);
	mem_deref(mb);
	if (!err)
		sa_set_str(&(*msgp)->src, "127.0.0.1", 5070);
	return err;
}

/* Builds a REGISTER for user (To/From) with an Authorization computed
 * from auth_user/password and nonce (NULL nonce: no Authorization). */
static int make_register(struct sip_msg **msgp, const char *user,
			 const char *auth_user, const char *password,
			 const char *nonce, const char *contact_params)
{
	char buf[2048], auth[700] = "";
	uint8_t ha1[16], ha2[16], resp[16];
	const char *uri = "sip:" REALM;

	if (nonce) {
		md5_printf(ha1, "%s:%s:%s", auth_user, REALM, password);
		md5_printf(ha2, "REGISTER:%s", uri);
		md5_printf(resp, "%w:%s:00000001:abcdef:auth:%w", ha1,
			   sizeof(ha1), nonce, ha2, sizeof(ha2));
		re_snprintf(auth, sizeof(auth),
			    "Authorization: Digest username=\"%s\", "
			    "realm=\"" REALM "\", nonce=\"%s\", uri=\"%s\", "
			    "response=\"%w\", qop=auth, nc=00000001, "
			    "cnonce=\"abcdef\"\r\n", auth_user, nonce, uri,
			    resp, sizeof(resp));
	}
	re_snprintf(buf, sizeof(buf),
		    "REGISTER sip:" REALM " SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
		    "Max-Forwards: 70\r\n"
		    "From: <sip:%s@" REALM ">;tag=1\r\n"
		    "To: <sip:%s@" REALM ">\r\n"
		    "Call-ID: reg1\r\n"
		    "CSeq: 1 REGISTER\r\n"
		    "Contact: <sip:%s@127.0.0.1:5070>%s\r\n"
		    "%s"
		    "Content-Length: 0\r\n\r\n", user, user, user,
		    contact_params ? contact_params : "", auth);
	return decode(msgp, buf);
}

/* The nonce out of a 401's WWW-Authenticate header. */
static int nonce_of(const struct sipd_resp *r, char *nonce, size_t sz)
{
	struct pl n;

	if (re_regex(r->hdrs, strlen(r->hdrs), "nonce=\"[^\"]+\"", &n))
		return EINVAL;
	return pl_strcpy(&n, nonce, sz);
}

static int test_registrar_digest(void)
{
	struct registrar *reg = NULL;
	struct sip_msg *msg = NULL;
	struct sipd_resp r, r_unknown;
	const struct registration *b;
	char nonce[128];
	int err;

	err = registrar_alloc(&reg, REALM, test_ha1, NULL, NULL);
	TEST_EQ(err, 0);

	/* no credentials: challenged */
	err = make_register(&msg, "pos1", NULL, NULL, NULL, NULL);
	if (err)
		goto out;
	registrar_handle(reg, msg, 1000, &r);
	msg = mem_deref(msg);
	if (r.scode != 401 || !strstr(r.hdrs, "WWW-Authenticate: Digest") ||
	    !strstr(r.hdrs, "realm=\"" REALM "\"") ||
	    nonce_of(&r, nonce, sizeof(nonce))) {
		err = EINVAL;
		fprintf(stderr, "  no challenge: %u %s\n", r.scode, r.hdrs);
		goto out;
	}

	/* wrong password and unknown user: the same answer */
	err = make_register(&msg, "pos1", "pos1", "wrong", nonce, NULL);
	if (err)
		goto out;
	registrar_handle(reg, msg, 1000, &r);
	msg = mem_deref(msg);
	err = make_register(&msg, "ghost", "ghost", "secret1", nonce, NULL);
	if (err)
		goto out;
	registrar_handle(reg, msg, 1000, &r_unknown);
	msg = mem_deref(msg);
	if (r.scode != 403 || r_unknown.scode != 403 ||
	    strcmp(r.reason, r_unknown.reason) ||
	    strcmp(r.hdrs, r_unknown.hdrs)) {
		err = EINVAL;
		fprintf(stderr, "  enumeration: %u/%u\n", r.scode,
			r_unknown.scode);
		goto out;
	}
	if (registrar_find(reg, "pos1", 1000)) {
		err = EINVAL;
		goto out;
	}

	/* pos2's credentials cannot register pos1's address */
	err = make_register(&msg, "pos1", "pos2", "secret2", nonce, NULL);
	if (err)
		goto out;
	registrar_handle(reg, msg, 1000, &r);
	msg = mem_deref(msg);
	if (r.scode != 403) {
		err = EINVAL;
		goto out;
	}

	/* right: bound, with the expiry asked for */
	err = make_register(&msg, "pos1", "pos1", "secret1", nonce,
			    ";expires=120");
	if (err)
		goto out;
	registrar_handle(reg, msg, 1000, &r);
	msg = mem_deref(msg);
	b = registrar_find(reg, "pos1", 1000);
	if (r.scode != 200 || !b ||
	    strcmp(b->contact, "sip:pos1@127.0.0.1:5070") ||
	    b->expires != 121000 || !strstr(r.hdrs, "expires=120")) {
		err = EINVAL;
		fprintf(stderr, "  not bound: %u %s\n", r.scode, r.hdrs);
		goto out;
	}
	if (registrar_find(reg, "pos1", 121000)) {
		err = EINVAL;
		fprintf(stderr, "  binding outlived its expiry\n");
		goto out;
	}

	/* too short: 423 with Min-Expires */
	err = make_register(&msg, "pos1", "pos1", "secret1", nonce,
			    ";expires=5");
	if (err)
		goto out;
	registrar_handle(reg, msg, 2000, &r);
	msg = mem_deref(msg);
	if (r.scode != 423 || !strstr(r.hdrs, "Min-Expires: 60")) {
		err = EINVAL;
		goto out;
	}

	/* expires=0: gone */
	err = make_register(&msg, "pos1", "pos1", "secret1", nonce,
			    ";expires=0");
	if (err)
		goto out;
	registrar_handle(reg, msg, 3000, &r);
	msg = mem_deref(msg);
	if (r.scode != 200 || registrar_find(reg, "pos1", 3000) ||
	    registrar_count(reg) != 0) {
		err = EINVAL;
		goto out;
	}
	err = 0;
out:
	mem_deref(msg);
	mem_deref(reg);
	return err;
}

static int test_registrar_throttle(void)
{
	struct sipguard_conf gc;
	struct sipguard *g = NULL;
	struct registrar *reg = NULL;
	struct sip_msg *msg = NULL;
	struct sipd_resp r;
	char nonce[128];
	int err, i;

	sipguard_conf_init(&gc);
	gc.fail_max = 3;
	err = sipguard_alloc(&g, &gc);
	if (!err)
		err = registrar_alloc(&reg, REALM, test_ha1, NULL, g);
	if (err)
		goto out;
	err = make_register(&msg, "pos1", NULL, NULL, NULL, NULL);
	if (err)
		goto out;
	registrar_handle(reg, msg, 1000, &r);
	msg = mem_deref(msg);
	nonce_of(&r, nonce, sizeof(nonce));
	for (i = 0; i < 3; i++) {
		err = make_register(&msg, "pos1", "pos1", "bad", nonce, NULL);
		if (err)
			goto out;
		registrar_handle(reg, msg, 1000 + i, &r);
		msg = mem_deref(msg);
	}
	/* now even the right password is refused from that address */
	err = make_register(&msg, "pos1", "pos1", "secret1", nonce, NULL);
	if (err)
		goto out;
	registrar_handle(reg, msg, 1010, &r);
	msg = mem_deref(msg);
	if (r.scode != 403 || registrar_find(reg, "pos1", 1010)) {
		err = EINVAL;
		fprintf(stderr, "  not throttled: %u\n", r.scode);
		goto out;
	}
out:
	mem_deref(msg);
	mem_deref(reg);
	mem_deref(g);
	return err;
}

/* ---------------------------------------------------------------------
 * SDP
 * ------------------------------------------------------------------- */

static int pick(const char *sdp, uint8_t *pt, uint8_t *te, struct sa *a)
{
	struct mbuf *mb = mbuf_alloc(512);
	int err;

	if (!mb)
		return ENOMEM;
	(void)mbuf_write_str(mb, sdp);
	mb->pos = 0;
	err = sdp_pick(mb, pt, te, a);
	mem_deref(mb);
	return err;
}

static int test_sdp_pick(void)
{
	uint8_t pt = 99, te = 99;
	struct sa a;
	struct mbuf *mb = NULL;

	TEST_EQ(pick("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
		     "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		     "m=audio 6000 RTP/AVP 8 0 101\r\n"
		     "a=rtpmap:101 telephone-event/8000\r\n", &pt, &te, &a),
		0);
	TEST_EQ(pt, 8);
	TEST_EQ(te, 101);
	TEST_EQ(sa_port(&a), 6000);
	TEST_EQ(pick("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
		     "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		     "m=audio 6002 RTP/AVP 0\r\n", &pt, &te, &a), 0);
	TEST_EQ(pt, 0);
	TEST_EQ(te, 0);
	/* G.729 only: nothing in common */
	TEST_EQ(pick("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
		     "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		     "m=audio 6000 RTP/AVP 18\r\n"
		     "a=rtpmap:18 G729/8000\r\n", &pt, &te, &a), ENOENT);
	/* not SDP */
	TEST_EQ(pick("hello\r\n", &pt, &te, &a) != 0, 1);
	TEST_EQ(pick("", &pt, &te, &a), EBADMSG);

	/* what we write reads back */
	sa_set_str(&a, "127.0.0.1", 0);
	TEST_EQ(sdp_build(&mb, &a, 20002, 8, 101, false), 0);
	pt = te = 0;
	TEST_EQ(sdp_pick(mb, &pt, &te, &a), 0);
	mem_deref(mb);
	TEST_EQ(pt, 8);
	TEST_EQ(te, 101);
	TEST_EQ(sa_port(&a), 20002);
	return 0;
}

static int reoffer(const char *sdp, struct sdp_reoffer *ro)
{
	struct mbuf *mb = mbuf_alloc(512);
	int err;

	if (!mb)
		return ENOMEM;
	(void)mbuf_write_str(mb, sdp);
	mb->pos = 0;
	err = sdp_reoffer_read(mb, ro);
	mem_deref(mb);
	return err;
}

#define REOFFER_HEAD "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n"

static int test_sdp_reoffer(void)
{
	struct sdp_reoffer ro;
	struct mbuf *mb = NULL;
	struct sa a;

	/* HOLD: sendonly → we answer recvonly */
	TEST_EQ(reoffer(REOFFER_HEAD "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			"m=audio 7000 RTP/AVP 0 101\r\n"
			"a=rtpmap:101 telephone-event/8000\r\n"
			"a=sendonly\r\n", &ro), 0);
	TEST_EQ(ro.hold, true);
	TEST_EQ(ro.answer_dir, SDP_RECVONLY);
	TEST_EQ(ro.pt, 0);
	TEST_EQ(ro.te_pt, 101);
	TEST_EQ(ro.zero_addr, false);
	TEST_EQ(sa_port(&ro.raddr), 7000);
	/* inactive → inactive, a hold */
	TEST_EQ(reoffer(REOFFER_HEAD "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			"m=audio 7000 RTP/AVP 8\r\na=inactive\r\n", &ro), 0);
	TEST_EQ(ro.hold, true);
	TEST_EQ(ro.answer_dir, SDP_INACTIVE);
	TEST_EQ(ro.pt, 8);
	/* session-level sendonly counts too */
	TEST_EQ(reoffer(REOFFER_HEAD "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			"a=sendonly\r\nm=audio 7000 RTP/AVP 0\r\n", &ro), 0);
	TEST_EQ(ro.hold, true);
	TEST_EQ(ro.answer_dir, SDP_RECVONLY);
	/* RESUME: sendrecv (or nothing said) → sendrecv, not a hold */
	TEST_EQ(reoffer(REOFFER_HEAD "c=IN IP4 127.0.0.2\r\nt=0 0\r\n"
			"m=audio 7002 RTP/AVP 0\r\n", &ro), 0);
	TEST_EQ(ro.hold, false);
	TEST_EQ(ro.answer_dir, SDP_SENDRECV);
	TEST_EQ(sa_port(&ro.raddr), 7002);
	/* recvonly (the peer only listens) → we answer sendonly */
	TEST_EQ(reoffer(REOFFER_HEAD "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			"m=audio 7000 RTP/AVP 0\r\na=recvonly\r\n", &ro), 0);
	TEST_EQ(ro.hold, false);
	TEST_EQ(ro.answer_dir, SDP_SENDONLY);
	/* an old phone's hold: c=0.0.0.0, the address is kept */
	TEST_EQ(reoffer(REOFFER_HEAD "c=IN IP4 0.0.0.0\r\nt=0 0\r\n"
			"m=audio 7000 RTP/AVP 0\r\n", &ro), 0);
	TEST_EQ(ro.hold, true);
	TEST_EQ(ro.zero_addr, true);
	TEST_EQ(ro.answer_dir, SDP_RECVONLY);
	/* but a first offer with 0.0.0.0 is still refused */
	{
		uint8_t pt, te;

		TEST_EQ(pick(REOFFER_HEAD "c=IN IP4 0.0.0.0\r\nt=0 0\r\n"
			     "m=audio 7000 RTP/AVP 0\r\n", &pt, &te, &a),
			EBADMSG);
	}
	/* nothing in common, not SDP, port 0: errors, ro untouched */
	memset(&ro, 0x5a, sizeof(ro));
	TEST_EQ(reoffer(REOFFER_HEAD "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			"m=audio 7000 RTP/AVP 18\r\n"
			"a=rtpmap:18 G729/8000\r\n", &ro), ENOENT);
	TEST_EQ(ro.pt, 0x5a);
	TEST_EQ(reoffer("garbage\r\n", &ro) != 0, 1);
	TEST_EQ(reoffer("", &ro), EBADMSG);
	TEST_EQ(reoffer(REOFFER_HEAD "c=IN IP4 0.0.0.0\r\nt=0 0\r\n"
			"m=audio 0 RTP/AVP 0\r\n", &ro) != 0, 1);
	TEST_EQ(ro.pt, 0x5a);
	TEST_EQ(sdp_reoffer_read(NULL, &ro), EINVAL);

	/* our answer carries the direction asked for */
	sa_set_str(&a, "127.0.0.1", 0);
	TEST_EQ(sdp_build_dir(&mb, &a, 20002, 0, 101, false, SDP_RECVONLY), 0);
	{
		char text[1024];
		size_t n = mb->end < sizeof(text) - 1 ? mb->end
						      : sizeof(text) - 1;

		memcpy(text, mb->buf, n);
		text[n] = '\0';
		mem_deref(mb);
		TEST_EQ(strstr(text, "a=recvonly\r\n") != NULL, 1);
		TEST_EQ(strstr(text, "a=sendrecv") == NULL, 1);
	}
	return 0;
}

static int test_dial_codes(void)
{
	static const char *const bad[] = {
		"", "*", "*1", "*16", "*10", "*21", "11", "*11", "*111001",
		"*111001*", "*111001*123", "*111001*1234567890123",
		"*11*1234", "*111234567890*1234", "*1110a1*1234",
		"*111001*12a4", "*12 ", "*121", "*13", "*13x", "*131234567890",
		"*14#", "*15123", "*15a", "*16x", "*17", "*18", "*181001",
		"*1612345678901", NULL,
	};
	char num[16], pin[16];
	int kind;

	TEST_EQ(codes_parse("*111001*4321", &kind, num, sizeof(num), pin,
			    sizeof(pin)), 0);
	TEST_EQ(kind, 0);
	TEST_STREQ(num, "1001");
	TEST_STREQ(pin, "4321");
	TEST_EQ(codes_parse("*12", &kind, num, sizeof(num), pin,
			    sizeof(pin)), 0);
	TEST_EQ(kind, 1);
	TEST_EQ(codes_parse("*13042", &kind, num, sizeof(num), pin,
			    sizeof(pin)), 0);
	TEST_EQ(kind, 2);
	TEST_STREQ(num, "042");
	TEST_STREQ(pin, "");
	TEST_EQ(codes_parse("*14", &kind, num, sizeof(num), pin,
			    sizeof(pin)), 0);
	TEST_EQ(kind, 3);
	TEST_EQ(codes_parse("*15", &kind, num, sizeof(num), pin,
			    sizeof(pin)), 0);
	TEST_EQ(kind, 4);
	TEST_STREQ(num, "");
	TEST_EQ(codes_parse("*1512", &kind, num, sizeof(num), pin,
			    sizeof(pin)), 0);
	TEST_STREQ(num, "12");
	TEST_EQ(codes_parse("*161001", &kind, num, sizeof(num), pin,
			    sizeof(pin)), 0);
	TEST_EQ(kind, 5);
	TEST_STREQ(num, "1001");
	TEST_EQ(codes_parse("*17042", &kind, num, sizeof(num), pin,
			    sizeof(pin)), 0);
	TEST_EQ(kind, 6);
	TEST_STREQ(num, "042");
	for (size_t i = 0; bad[i]; i++) {
		kind = -1;
		str_ncpy(num, "x", sizeof(num));
		if (codes_parse(bad[i], &kind, num, sizeof(num), pin,
				sizeof(pin)) != EINVAL)
			TEST_FAIL("'%s' accepted", bad[i]);
		if (kind != -1 || strcmp(num, "x"))
			TEST_FAIL("'%s': output written on error", bad[i]);
	}
	return 0;
}

const struct test tests_sip[] = {
	{"dial_codes", test_dial_codes},
	{"guard_bytes", test_guard_bytes},
	{"guard_rate", test_guard_rate},
	{"guard_auth_block", test_guard_auth_block},
	{"registrar_digest", test_registrar_digest},
	{"registrar_throttle", test_registrar_throttle},
	{"sdp_pick", test_sdp_pick},
	{"sdp_reoffer", test_sdp_reoffer},
	{NULL, NULL},
};
