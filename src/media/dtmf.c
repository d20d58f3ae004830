/* dtmf.c — RFC 4733 telephone-event decoding, the receiver's duplicate
 * suppression, and DTMF in SIP INFO bodies (application/dtmf-relay and
 * application/dtmf). */
#include <errno.h>
#include <string.h>
#include "media/dtmf.h"
#include "media/media.h"

static const char dtmf_chars[16] = "0123456789*#ABCD";

char dtmf_event_char(uint8_t event)
{
	return event < 16 ? dtmf_chars[event] : 0;
}

int dtmf_event_decode(const uint8_t *p, size_t len, struct dtmf_event *ev)
{
	if (!p || !ev)
		return EINVAL;
	if (len < 4 || p[0] > 15)
		return EBADMSG;

	ev->event = p[0];
	ev->end = (p[1] & 0x80) != 0;
	ev->volume = p[1] & 0x3f;
	ev->duration = (uint16_t)((p[2] << 8) | p[3]);
	return 0;
}

int dtmf_rx_feed(struct dtmf_rx *rx, uint32_t ts, const uint8_t *p,
		 size_t len, char *digitp)
{
	struct dtmf_event ev;
	int err;

	if (!rx || !digitp)
		return EINVAL;
	err = dtmf_event_decode(p, len, &ev);
	if (err)
		return err;

	/* Every packet of one key press carries the press's start
	 * timestamp: updates and the three redundant ends repeat it. */
	if (rx->seen && rx->ts == ts)
		return EALREADY;

	rx->seen = true;
	rx->ts = ts;
	*digitp = dtmf_event_char(ev.event);
	return 0;
}

/* ---------------------------------------------------------------------
 * SIP INFO bodies
 * ------------------------------------------------------------------- */

static bool ieq(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);

	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims spaces and tabs on both ends of [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n && is_ws(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_ws((*s)[*n - 1]))
		(*n)--;
}

/* One key as written in a body: a digit, '*', '#', A-D (any case), or
 * an event number 0..15 (some phones send "Signal=10" for '*'). */
static int parse_key(const char *s, size_t n, char *digitp)
{
	unsigned v = 0;

	if (n == 1) {
		char c = s[0];

		if (c >= 'a' && c <= 'd')
			c = (char)(c - 'a' + 'A');
		if ((c >= '0' && c <= '9') || c == '*' || c == '#' ||
		    (c >= 'A' && c <= 'D')) {
			*digitp = c;
			return 0;
		}
		return EBADMSG;
	}
	if (n != 2)
		return EBADMSG;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return EBADMSG;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 15 || s[0] == '0')
		return EBADMSG;
	*digitp = dtmf_event_char((uint8_t)v);
	return 0;
}

/* A duration in ms: 1..5 decimal digits, at most 60000. */
static int parse_duration(const char *s, size_t n, uint32_t *msp)
{
	uint32_t v = 0;

	if (n == 0 || n > 5)
		return EBADMSG;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return EBADMSG;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > 60000)
		return EBADMSG;
	*msp = v;
	return 0;
}

/* application/dtmf-relay: lines "Name=Value", CRLF or LF; Signal is
 * required, Duration optional, other names ignored; each once. */
static int parse_relay(const char *b, size_t len, char *digitp,
		       uint32_t *durp)
{
	bool have_sig = false, have_dur = false;
	char digit = 0;
	uint32_t dur = 0;
	size_t i = 0;
	int err;

	while (i < len) {
		const char *line = b + i, *eq, *name, *val;
		size_t n = 0, nlen, vlen;

		while (i + n < len && b[i + n] != '\n')
			n++;
		i += n + (i + n < len);
		if (n && line[n - 1] == '\r')
			n--;
		for (size_t k = 0; k < n; k++) {
			if (line[k] == '\0' || line[k] == '\r')
				return EBADMSG;
		}
		trim(&line, &n);
		if (n == 0)
			continue;
		eq = memchr(line, '=', n);
		if (!eq)
			return EBADMSG;
		name = line;
		nlen = (size_t)(eq - line);
		val = eq + 1;
		vlen = n - nlen - 1;
		trim(&name, &nlen);
		trim(&val, &vlen);

		if (ieq(name, nlen, "signal")) {
			if (have_sig)
				return EBADMSG;
			err = parse_key(val, vlen, &digit);
			if (err)
				return err;
			have_sig = true;
		}
		else if (ieq(name, nlen, "duration")) {
			if (have_dur)
				return EBADMSG;
			err = parse_duration(val, vlen, &dur);
			if (err)
				return err;
			have_dur = true;
		}
	}
	if (!have_sig)
		return EBADMSG;
	*digitp = digit;
	*durp = dur;
	return 0;
}

int media_dtmf_info_parse(const char *ctype, size_t ctype_len,
			  const char *body, size_t body_len,
			  char *digitp, uint32_t *duration_msp)
{
	const char *semi;
	size_t n;
	char digit = 0;
	uint32_t dur = 0;
	int err;

	if (!ctype || (!body && body_len) || !digitp || !duration_msp)
		return EINVAL;
	if (body_len > 1024)
		return EBADMSG;

	semi = memchr(ctype, ';', ctype_len);
	n = semi ? (size_t)(semi - ctype) : ctype_len;
	trim(&ctype, &n);

	if (ieq(ctype, n, "application/dtmf-relay")) {
		err = parse_relay(body, body_len, &digit, &dur);
	}
	else if (ieq(ctype, n, "application/dtmf")) {
		const char *s = body;
		size_t k = body_len;

		while (k && (s[k - 1] == '\n' || s[k - 1] == '\r'))
			k--;
		trim(&s, &k);
		err = parse_key(s, k, &digit);
	}
	else {
		return EPROTONOSUPPORT;
	}
	if (err)
		return err;
	*digitp = digit;
	*duration_msp = dur;
	return 0;
}
