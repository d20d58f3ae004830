/* guard.c — the pre-parser guard: byte checks and per-address budgets. */
#include <string.h>
#include <re.h>
#include "sip/guard.h"

/* One tracked source address. */
struct source {
	struct le he;              /* in sipguard.ht, by address hash       */
	struct le le;              /* in sipguard.lru, oldest first         */
	struct sa addr;            /* the address (port ignored)            */
	uint64_t tokens_mu;        /* packet budget, in 1/1000 packets      */
	uint64_t refill;           /* when tokens were last refilled, ms    */
	uint64_t seen;             /* last packet, ms                       */
	uint32_t fails;            /* auth failures in the current window   */
	uint64_t fail_start;       /* start of the failure window, ms       */
	uint64_t blocked_until;    /* refused until, ms; 0 = not blocked    */
};

struct sipguard {
	struct sipguard_conf conf; /* limits                                */
	struct hash *ht;           /* struct source by sa_hash(SA_ADDR)     */
	struct list lru;           /* struct source, least recent first     */
	size_t n;                  /* entries                               */
};

const char *sipguard_verdict_name(enum sipguard_verdict v)
{
	switch (v) {
	case SIPGUARD_OK:          return "ok";
	case SIPGUARD_KEEPALIVE:   return "keepalive";
	case SIPGUARD_TOO_BIG:     return "too-big";
	case SIPGUARD_NO_LINE_END: return "no-line-end";
	case SIPGUARD_BAD_START:   return "bad-start";
	case SIPGUARD_RATE:        return "rate";
	case SIPGUARD_BLOCKED:     return "blocked";
	case SIPGUARD_BAD_LENGTH:  return "bad-length";
	case SIPGUARD_SLOW:        return "slow";
	}
	return "?";
}

enum sipguard_verdict sipguard_check_bytes(const uint8_t *p, size_t n)
{
	size_t i, lim;

	if (!p || n == 0)
		return SIPGUARD_BAD_START;
	if (n > SIPGUARD_MAX_MSG)
		return SIPGUARD_TOO_BIG;

	/* CRLF keep-alives (RFC 5626) are all line ends. */
	for (i = 0; i < n && (p[i] == '\r' || p[i] == '\n'); i++)
		;
	if (i == n)
		return SIPGUARD_KEEPALIVE;

	/* A request starts with a method token (upper-case letters), a
	 * response with "SIP/". Both are upper-case ASCII letters. */
	if (p[0] < 'A' || p[0] > 'Z')
		return SIPGUARD_BAD_START;

	lim = n < SIPGUARD_MAX_LINE1 ? n : SIPGUARD_MAX_LINE1;
	for (i = 0; i < lim; i++) {
		if (p[i] == '\n')
			return SIPGUARD_OK;
		/* NUL or other control bytes never belong in a first line */
		if (p[i] < 0x20 && p[i] != '\r' && p[i] != '\t')
			return SIPGUARD_BAD_START;
	}
	return SIPGUARD_NO_LINE_END;
}

void sipguard_conf_init(struct sipguard_conf *conf)
{
	if (!conf)
		return;
	memset(conf, 0, sizeof(*conf));
	conf->rate_pps = 500;
	conf->burst = 1000;
	conf->fail_max = 10;
	conf->fail_window_ms = 60000;
	conf->block_ms = 60000;
}

static void guard_destructor(void *arg)
{
	struct sipguard *g = arg;

	/* entries are linked in both; flush the LRU list (owns them) */
	if (g->ht)
		hash_clear(g->ht);
	list_flush(&g->lru);
	mem_deref(g->ht);
}

static void source_destructor(void *arg)
{
	struct source *s = arg;

	hash_unlink(&s->he);
	list_unlink(&s->le);
}

int sipguard_alloc(struct sipguard **gp, const struct sipguard_conf *conf)
{
	struct sipguard *g;
	int err;

	if (!gp)
		return EINVAL;

	g = mem_zalloc(sizeof(*g), guard_destructor);
	if (!g)
		return ENOMEM;
	if (conf)
		g->conf = *conf;
	else
		sipguard_conf_init(&g->conf);
	if (g->conf.burst < g->conf.rate_pps)
		g->conf.burst = g->conf.rate_pps;

	err = hash_alloc(&g->ht, 4096);
	if (err)
		goto out;
out:
	if (err)
		mem_deref(g);
	else
		*gp = g;
	return err;
}

static bool source_cmp(struct le *le, void *arg)
{
	const struct source *s = le->data;

	return sa_cmp(&s->addr, arg, SA_ADDR);
}

static struct source *source_find(struct sipguard *g, const struct sa *src)
{
	struct le *le = hash_lookup(g->ht, sa_hash(src, SA_ADDR), source_cmp,
				    (void *)src);

	return le ? le->data : NULL;
}

/* Finds or creates the entry; NULL only when out of memory. */
static struct source *source_get(struct sipguard *g, const struct sa *src,
				 uint64_t now)
{
	struct source *s = source_find(g, src);

	if (s) {
		/* move to the recent end */
		list_unlink(&s->le);
		list_append(&g->lru, &s->le, s);
		return s;
	}
	if (g->n >= SIPGUARD_MAX_SOURCES) {
		struct le *old = list_head(&g->lru);

		if (old) {
			mem_deref(old->data);
			g->n--;
		}
	}
	s = mem_zalloc(sizeof(*s), source_destructor);
	if (!s)
		return NULL;
	s->addr = *src;
	s->tokens_mu = (uint64_t)g->conf.burst * 1000;
	s->refill = now;
	hash_append(g->ht, sa_hash(src, SA_ADDR), &s->he, s);
	list_append(&g->lru, &s->le, s);
	g->n++;
	return s;
}

enum sipguard_verdict sipguard_take(struct sipguard *g, const struct sa *src,
				    uint64_t now)
{
	struct source *s;
	uint64_t cap;

	if (!g || !src)
		return SIPGUARD_OK;

	s = source_get(g, src, now);
	if (!s)
		return SIPGUARD_OK;
	s->seen = now;

	if (s->blocked_until && now < s->blocked_until)
		return SIPGUARD_BLOCKED;

	if (g->conf.rate_pps) {
		cap = (uint64_t)g->conf.burst * 1000;
		if (now > s->refill) {
			s->tokens_mu += (now - s->refill) * g->conf.rate_pps;
			if (s->tokens_mu > cap)
				s->tokens_mu = cap;
			s->refill = now;
		}
		if (s->tokens_mu < 1000)
			return SIPGUARD_RATE;
		s->tokens_mu -= 1000;
	}
	return SIPGUARD_OK;
}

enum sipguard_verdict sipguard_packet(struct sipguard *g, const struct sa *src,
				      const uint8_t *p, size_t n,
				      uint64_t now)
{
	enum sipguard_verdict v = sipguard_check_bytes(p, n);
	enum sipguard_verdict b = sipguard_take(g, src, now);

	return b != SIPGUARD_OK ? b : v;
}

bool sipguard_auth_fail(struct sipguard *g, const struct sa *src,
			uint64_t now)
{
	struct source *s;

	if (!g || !src || !g->conf.fail_max)
		return false;
	s = source_get(g, src, now);
	if (!s)
		return false;
	if (!s->fails || now - s->fail_start > g->conf.fail_window_ms) {
		s->fails = 0;
		s->fail_start = now;
	}
	s->fails++;
	if (s->fails >= g->conf.fail_max) {
		s->blocked_until = now + g->conf.block_ms;
		s->fails = 0;
		return true;
	}
	return false;
}

bool sipguard_blocked(struct sipguard *g, const struct sa *src, uint64_t now)
{
	struct source *s;

	if (!g || !src)
		return false;
	s = source_find(g, src);
	return s && s->blocked_until && now < s->blocked_until;
}

void sipguard_sweep(struct sipguard *g, uint64_t now)
{
	struct le *le;

	if (!g)
		return;
	le = list_head(&g->lru);
	while (le) {
		struct source *s = le->data;

		le = le->next;
		if (now - s->seen < 60000)
			break;   /* the rest are more recent */
		if (s->blocked_until && now < s->blocked_until)
			continue;
		if (s->fails && now - s->fail_start <= g->conf.fail_window_ms)
			continue;
		mem_deref(s);
		g->n--;
	}
}

size_t sipguard_count(const struct sipguard *g)
{
	return g ? g->n : 0;
}

/* ---------------------------------------------------------------------
 * SIP over TCP
 * ------------------------------------------------------------------- */

void sipguard_stream_init(struct sipguard_stream *st)
{
	if (st)
		memset(st, 0, sizeof(*st));
}

enum sipguard_verdict sipguard_stream_read(struct sipguard_stream *st)
{
	if (!st || st->at == SIPGUARD_AT_START)
		return SIPGUARD_OK;
	if (++st->chunks > SIPGUARD_MAX_CHUNKS)
		return SIPGUARD_SLOW;
	return SIPGUARD_OK;
}

static void stream_message_begin(struct sipguard_stream *st)
{
	memset(st, 0, sizeof(*st));
	st->at = SIPGUARD_AT_LINE1;
	st->chunks = 1;
}

/* A header line's name ended (at ':'): is it Content-Length? */
static bool name_is_clen(struct sipguard_stream *st)
{
	while (st->name_len && (st->name[st->name_len - 1] == ' ' ||
				st->name[st->name_len - 1] == '\t'))
		st->name_len--;
	return (st->name_len == 14 && !memcmp(st->name, "content-length", 14))
	       || (st->name_len == 1 && st->name[0] == 'l');
}

/* One byte of a header line (not CR, not LF). */
static enum sipguard_verdict header_byte(struct sipguard_stream *st, uint8_t c)
{
	st->line_bytes++;
	if (st->in_name) {
		if (st->line_bytes == 1 && (c == ' ' || c == '\t')) {
			st->in_name = false;    /* folded continuation line */
			return SIPGUARD_OK;
		}
		if (c == ':') {
			st->in_name = false;
			if (!name_is_clen(st))
				return SIPGUARD_OK;
			if (st->clen_seen)
				return SIPGUARD_BAD_LENGTH;
			st->clen_seen = true;
			st->in_clen = true;
			return SIPGUARD_OK;
		}
		if (st->name_len < sizeof(st->name))
			st->name[st->name_len++] =
				(char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		else
			st->in_name = false;    /* longer than any we want */
		return SIPGUARD_OK;
	}
	if (!st->in_clen)
		return SIPGUARD_OK;
	if (c >= '0' && c <= '9' && !st->clen_done) {
		if (st->clen > SIPGUARD_MAX_MSG)
			return SIPGUARD_TOO_BIG;
		st->clen = st->clen * 10 + (uint32_t)(c - '0');
		st->clen_digits = true;
		return SIPGUARD_OK;
	}
	if (c == ' ' || c == '\t') {
		if (st->clen_digits)
			st->clen_done = true;
		return SIPGUARD_OK;
	}
	return SIPGUARD_BAD_LENGTH;
}

enum sipguard_verdict sipguard_stream_feed(struct sipguard_stream *st,
					   const uint8_t *p, size_t n,
					   size_t *usedp, bool *donep,
					   bool *keepalivep)
{
	enum sipguard_verdict v;
	size_t i = 0;

	if (!st || !usedp || !donep || !keepalivep || (!p && n))
		return SIPGUARD_BAD_START;
	*usedp = 0;
	*donep = false;
	*keepalivep = false;

	if (st->at == SIPGUARD_AT_START && n) {
		while (i < n && (p[i] == '\r' || p[i] == '\n'))
			i++;
		if (i) {
			*usedp = i;
			*donep = true;
			*keepalivep = true;
			return SIPGUARD_OK;
		}
		if (p[0] < 'A' || p[0] > 'Z')
			return SIPGUARD_BAD_START;
		stream_message_begin(st);
	}

	while (i < n) {
		uint8_t c = p[i];

		if (st->at == SIPGUARD_AT_BODY) {
			size_t take = n - i < st->body_left ? n - i
							   : st->body_left;

			/* fits: checked against SIPGUARD_MAX_MSG at the
			 * end of the headers */
			st->msg_bytes += (uint32_t)take;
			st->body_left -= (uint32_t)take;
			i += take;
			if (!st->body_left)
				goto message_done;
			continue;
		}
		i++;
		if (++st->msg_bytes > SIPGUARD_MAX_MSG)
			return SIPGUARD_TOO_BIG;
		if (st->at == SIPGUARD_AT_LINE1) {
			if (c == '\n') {
				st->at = SIPGUARD_AT_HEADERS;
				st->line_bytes = 0;
				st->in_name = true;
				continue;
			}
			if (c < 0x20 && c != '\t' && c != '\r')
				return SIPGUARD_BAD_START;
			/* every byte counts, CRs too (as in
			 * sipguard_check_bytes): else a line of CRs runs
			 * on unbounded */
			if (++st->line_bytes >= SIPGUARD_MAX_LINE1)
				return SIPGUARD_NO_LINE_END;
			continue;
		}
		/* headers */
		if (c == '\r')
			continue;
		if (c != '\n') {
			v = header_byte(st, c);
			if (v != SIPGUARD_OK)
				return v;
			continue;
		}
		if (st->in_clen && !st->clen_digits)
			return SIPGUARD_BAD_LENGTH;
		st->in_clen = false;
		if (st->line_bytes) {
			st->line_bytes = 0;
			st->in_name = true;
			st->name_len = 0;
			continue;
		}
		/* blank line: the headers end here */
		if (st->clen > SIPGUARD_MAX_MSG - st->msg_bytes)
			return SIPGUARD_TOO_BIG;
		st->body_left = st->clen;
		st->at = SIPGUARD_AT_BODY;
		if (!st->body_left)
			goto message_done;
	}
	*usedp = n;
	return SIPGUARD_OK;

message_done:
	*usedp = i;
	*donep = true;
	memset(st, 0, sizeof(*st));
	return SIPGUARD_OK;
}
