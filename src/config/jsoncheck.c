/* jsoncheck.c — a strict JSON syntax check that says where the text goes
 * wrong, since libre's decoder reports no position. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include "config/jsoncheck.h"

/*
 * Recursive descent over RFC 8259 text, with limits libre's decoder does
 * not enforce: nesting at most JSONCHECK_DEPTH, numbers of at most 15
 * integer digits and exponents within ±300 (so nothing wraps or rounds
 * to 0 in the decoder), strings valid UTF-8 without "\u0000". Cost O(n),
 * stack O(depth).
 */

struct scan {
	const char *s;             /* text                                  */
	size_t len;                /* its length, bytes                     */
	size_t i;                  /* current offset                        */
	const char *what;          /* first error, or NULL                  */
};

static bool fail(struct scan *sc, const char *what)
{
	if (!sc->what)
		sc->what = what;
	return false;
}

static void skip_ws(struct scan *sc)
{
	while (sc->i < sc->len) {
		char c = sc->s[sc->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->i++;
	}
}

static int peek(const struct scan *sc)
{
	return sc->i < sc->len ? (unsigned char)sc->s[sc->i] : -1;
}

static bool is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* One UTF-8 sequence starting at sc->i (first byte >= 0x80). */
static bool utf8_seq(struct scan *sc)
{
	const unsigned char *p = (const unsigned char *)sc->s + sc->i;
	size_t left = sc->len - sc->i;
	unsigned n;
	uint32_t cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	}
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	}
	else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	}
	else {
		return fail(sc, "invalid UTF-8");
	}
	if (left < n)
		return fail(sc, "invalid UTF-8");
	for (unsigned k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return fail(sc, "invalid UTF-8");
		cp = (cp << 6) | (p[k] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fail(sc, "invalid UTF-8");
	sc->i += n;
	return true;
}

static bool string(struct scan *sc)
{
	sc->i++; /* opening quote */
	for (;;) {
		int c = peek(sc);

		if (c < 0)
			return fail(sc, "unterminated string");
		if (c == '"') {
			sc->i++;
			return true;
		}
		if (c < 0x20)
			return fail(sc, "control character in string");
		if (c == '\\') {
			size_t esc = sc->i;

			sc->i++;
			c = peek(sc);
			if (c < 0)
				return fail(sc, "unterminated string");
			if (c == 'u') {
				unsigned v = 0;
				for (unsigned k = 1; k <= 4; k++) {
					int h;
					if (sc->i + k >= sc->len ||
					    !is_hex(h = (unsigned char)
						    sc->s[sc->i + k]))
						return fail(sc, "bad \\u escape");
					v = v * 16 + (unsigned)(h <= '9' ?
						h - '0' : (h | 0x20) - 'a' + 10);
				}
				if (v == 0) {
					sc->i = esc;
					return fail(sc, "\\u0000 in string");
				}
				sc->i += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", c)) {
				sc->i = esc;
				return fail(sc, "bad escape in string");
			}
			sc->i++;
			continue;
		}
		if (c >= 0x80) {
			if (!utf8_seq(sc))
				return false;
			continue;
		}
		sc->i++;
	}
}

static bool number(struct scan *sc)
{
	size_t start = sc->i;
	unsigned digits = 0;
	long exp = 0;
	bool eneg = false;

	if (peek(sc) == '-')
		sc->i++;
	if (peek(sc) == '0') {
		sc->i++;
		digits = 1;
	}
	else {
		while (peek(sc) >= '0' && peek(sc) <= '9') {
			sc->i++;
			digits++;
		}
	}
	if (!digits)
		return fail(sc, "bad number");
	if (peek(sc) >= '0' && peek(sc) <= '9')
		return fail(sc, "leading zero in number");
	if (digits > 15) {
		sc->i = start;   /* point at the number, not past it */
		return fail(sc, "number too large");
	}
	if (peek(sc) == '.') {
		sc->i++;
		if (!(peek(sc) >= '0' && peek(sc) <= '9'))
			return fail(sc, "bad number");
		while (peek(sc) >= '0' && peek(sc) <= '9')
			sc->i++;
	}
	if (peek(sc) == 'e' || peek(sc) == 'E') {
		sc->i++;
		if (peek(sc) == '+' || peek(sc) == '-') {
			eneg = peek(sc) == '-';
			sc->i++;
		}
		if (!(peek(sc) >= '0' && peek(sc) <= '9'))
			return fail(sc, "bad number");
		while (peek(sc) >= '0' && peek(sc) <= '9') {
			if (exp < 100000)
				exp = exp * 10 + (peek(sc) - '0');
			sc->i++;
		}
		if (exp > 300) {
			sc->i = start;
			return fail(sc, eneg ? "number too small" :
				    "number too large");
		}
	}
	return true;
}

static bool word(struct scan *sc, const char *w)
{
	size_t n = strlen(w);

	if (sc->len - sc->i < n || memcmp(sc->s + sc->i, w, n))
		return fail(sc, "unexpected character");
	sc->i += n;
	return true;
}

static bool value(struct scan *sc, unsigned depth);

static bool container(struct scan *sc, unsigned depth, bool object)
{
	char close = object ? '}' : ']';

	if (depth >= JSONCHECK_DEPTH)
		return fail(sc, "nested too deep");
	sc->i++;
	skip_ws(sc);
	if (peek(sc) == close) {
		sc->i++;
		return true;
	}
	for (;;) {
		skip_ws(sc);
		if (object) {
			if (peek(sc) != '"')
				return fail(sc, peek(sc) == '}' ?
					    "trailing comma" :
					    "expected a quoted key");
			if (!string(sc))
				return false;
			skip_ws(sc);
			if (peek(sc) != ':')
				return fail(sc, "expected ':'");
			sc->i++;
			skip_ws(sc);
		}
		else if (peek(sc) == ']') {
			return fail(sc, "trailing comma");
		}
		if (!value(sc, depth + 1))
			return false;
		skip_ws(sc);
		if (peek(sc) == ',') {
			sc->i++;
			continue;
		}
		if (peek(sc) == close) {
			sc->i++;
			return true;
		}
		if (peek(sc) < 0)
			return fail(sc, object ? "unterminated object" :
				    "unterminated array");
		return fail(sc, object ? "expected ',' or '}'" :
			    "expected ',' or ']'");
	}
}

static bool value(struct scan *sc, unsigned depth)
{
	int c;

	skip_ws(sc);
	c = peek(sc);
	switch (c) {
	case '{':
		return container(sc, depth, true);
	case '[':
		return container(sc, depth, false);
	case '"':
		return string(sc);
	case 't':
		return word(sc, "true");
	case 'f':
		return word(sc, "false");
	case 'n':
		return word(sc, "null");
	case -1:
		return fail(sc, "unexpected end of text");
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return number(sc);
		return fail(sc, "unexpected character");
	}
}

int jsoncheck(const char *s, size_t len, struct jsoncheck_pos *pos)
{
	struct scan sc = {s, len, 0, NULL};
	bool ok;

	if (!s || !pos)
		return EINVAL;

	ok = value(&sc, 0);
	if (ok) {
		skip_ws(&sc);
		if (sc.i < len)
			ok = fail(&sc, "text after the end of the value");
	}
	if (ok)
		return 0;

	pos->what = sc.what;
	pos->offset = sc.i;
	pos->line = 1;
	pos->col = 1;
	for (size_t k = 0; k < sc.i && k < len; k++) {
		unsigned char b = (unsigned char)s[k];
		if (b == '\n') {
			pos->line++;
			pos->col = 1;
		}
		else if ((b & 0xc0) != 0x80) {
			pos->col++;  /* count characters, not bytes */
		}
	}
	return EBADMSG;
}
