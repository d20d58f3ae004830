/* test_sipstream.c — the guard's SIP-over-TCP stream cutter
 * (sipguard_stream_*) and the per-source budget it spends. */
#include <re.h>
#include "sip/guard.h"
#include "test.h"

static const char opt[] =
	"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/TCP 127.0.0.1:5;branch=z9hG4bK1\r\n"
	"Content-Length: 0\r\n\r\n";

/* Feeds s as one read; returns the verdict, fills used/done/ka. */
static enum sipguard_verdict feed(struct sipguard_stream *st, const char *s,
				  size_t n, size_t *used, bool *done, bool *ka)
{
	enum sipguard_verdict v = sipguard_stream_read(st);

	if (v != SIPGUARD_OK)
		return v;
	return sipguard_stream_feed(st, (const uint8_t *)s, n, used, done,
				    ka);
}

static int test_stream_whole_and_pipelined(void)
{
	struct sipguard_stream st;
	char two[2 * sizeof(opt)];
	size_t n = strlen(opt), used;
	bool done, ka;

	sipguard_stream_init(&st);
	TEST_EQ(feed(&st, opt, n, &used, &done, &ka), SIPGUARD_OK);
	TEST_EQ(used, n);
	TEST_ASSERT(done && !ka);

	/* two in one read: the first call stops at the first's end */
	memcpy(two, opt, n);
	memcpy(two + n, opt, n);
	TEST_EQ(feed(&st, two, 2 * n, &used, &done, &ka), SIPGUARD_OK);
	TEST_EQ(used, n);
	TEST_ASSERT(done);
	TEST_EQ(sipguard_stream_feed(&st, (const uint8_t *)two + n, n, &used,
				     &done, &ka), SIPGUARD_OK);
	TEST_EQ(used, n);
	TEST_ASSERT(done);

	/* keep-alive bytes pass on their own */
	TEST_EQ(feed(&st, "\r\n\r\nOPT", 7, &used, &done, &ka), SIPGUARD_OK);
	TEST_EQ(used, 4);
	TEST_ASSERT(done && ka);
	return 0;
}

static int test_stream_split_and_body(void)
{
	static const char inv[] =
		"INVITE sip:x SIP/2.0\r\nl: 5\r\nContent-Type: a/b\r\n"
		"\r\nv=0\r\nINFO";
	struct sipguard_stream st;
	size_t n = strlen(inv) - 4, used, i;
	bool done = false, ka;

	/* byte by byte: done exactly at the body's last byte */
	sipguard_stream_init(&st);
	for (i = 0; i < n; i++) {
		TEST_EQ(sipguard_stream_feed(&st, (const uint8_t *)inv + i, 1,
					     &used, &done, &ka), SIPGUARD_OK);
		TEST_EQ(used, 1);
		if (done)
			break;
	}
	TEST_EQ(i, n - 1);
	TEST_ASSERT(done);

	/* in one read with the next message's start after it */
	TEST_EQ(feed(&st, inv, strlen(inv), &used, &done, &ka), SIPGUARD_OK);
	TEST_EQ(used, n);
	TEST_ASSERT(done);
	return 0;
}

static int test_stream_refusals(void)
{
	static char line[SIPGUARD_MAX_LINE1 + 8];
	struct sipguard_stream st;
	size_t used;
	bool done, ka;
	int i;

	memset(line, 'a', sizeof(line));
	memcpy(line, "OPTIONS ", 8);
	sipguard_stream_init(&st);
	TEST_EQ(feed(&st, line, sizeof(line), &used, &done, &ka),
		SIPGUARD_NO_LINE_END);

	/* CRs are no line end: they count towards the limit (fuzz_sip_stream
	 * found a first line of CRs passed whole) */
	memset(line + 8, '\r', sizeof(line) - 8);
	sipguard_stream_init(&st);
	TEST_EQ(feed(&st, line, sizeof(line), &used, &done, &ka),
		SIPGUARD_NO_LINE_END);

	sipguard_stream_init(&st);
	TEST_EQ(feed(&st, "\x16\x03\x01", 3, &used, &done, &ka),
		SIPGUARD_BAD_START);

	sipguard_stream_init(&st);
	TEST_EQ(feed(&st, "OPT\0IONS", 8, &used, &done, &ka),
		SIPGUARD_BAD_START);

	sipguard_stream_init(&st);
	TEST_EQ(feed(&st, "BYE x SIP/2.0\r\nContent-Length: 100000\r\n", 39,
		     &used, &done, &ka), SIPGUARD_TOO_BIG);

	/* the length fits alone but not with the headers before it */
	sipguard_stream_init(&st);
	TEST_EQ(feed(&st, "BYE x SIP/2.0\r\nContent-Length: 8190\r\n\r\n",
		     39, &used, &done, &ka), SIPGUARD_TOO_BIG);

	sipguard_stream_init(&st);
	TEST_EQ(feed(&st, "BYE x SIP/2.0\r\nl: 1\r\nContent-Length: 1\r\n",
		     40, &used, &done, &ka), SIPGUARD_BAD_LENGTH);

	sipguard_stream_init(&st);
	TEST_EQ(feed(&st, "BYE x SIP/2.0\r\nContent-Length: 1x\r\n", 35,
		     &used, &done, &ka), SIPGUARD_BAD_LENGTH);

	sipguard_stream_init(&st);
	TEST_EQ(feed(&st, "BYE x SIP/2.0\r\nContent-Length:\r\n", 32,
		     &used, &done, &ka), SIPGUARD_BAD_LENGTH);

	/* a message trickled over more reads than allowed */
	sipguard_stream_init(&st);
	for (i = 0; i < SIPGUARD_MAX_CHUNKS; i++)
		TEST_EQ(feed(&st, opt + i, 1, &used, &done, &ka),
			SIPGUARD_OK);
	TEST_EQ(feed(&st, opt + i, 1, &used, &done, &ka), SIPGUARD_SLOW);

	/* headers alone over the size limit */
	sipguard_stream_init(&st);
	TEST_EQ(feed(&st, "BYE x SIP/2.0\r\n", 15, &used, &done, &ka),
		SIPGUARD_OK);
	for (i = 0; i < SIPGUARD_MAX_MSG / 8; i++) {
		enum sipguard_verdict v = sipguard_stream_feed(
			&st, (const uint8_t *)"X: 1234\n", 8, &used, &done,
			&ka);

		if (v != SIPGUARD_OK) {
			TEST_EQ(v, SIPGUARD_TOO_BIG);
			return 0;
		}
	}
	TEST_FAIL("8 KB of headers accepted");
}

static int test_take_budget(void)
{
	struct sipguard_conf conf;
	struct sipguard *g = NULL;
	struct sa a;
	int i, err;

	sipguard_conf_init(&conf);
	conf.rate_pps = 10;
	conf.burst = 10;
	err = sipguard_alloc(&g, &conf);
	if (err)
		return err;
	sa_set_str(&a, "127.0.0.9", 5060);
	for (i = 0; i < 10; i++) {
		if (sipguard_take(g, &a, 1000) != SIPGUARD_OK) {
			mem_deref(g);
			TEST_FAIL("token %d refused", i);
		}
	}
	i = sipguard_take(g, &a, 1000);
	mem_deref(g);
	TEST_EQ(i, SIPGUARD_RATE);
	return 0;
}

const struct test tests_sipstream[] = {
	{"stream_whole_and_pipelined", test_stream_whole_and_pipelined},
	{"stream_split_and_body", test_stream_split_and_body},
	{"stream_refusals", test_stream_refusals},
	{"take_budget", test_take_budget},
	{NULL, NULL},
};
