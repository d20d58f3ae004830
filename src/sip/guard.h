/* guard.h — checks every SIP packet before libre's parser sees it: size,
 * line ends, and a per-source-address budget of packets and auth failures.
 */
#ifndef PLATEAU_SIP_GUARD_H
#define PLATEAU_SIP_GUARD_H

/*
 * Why: libre 1.1.0 parses a SIP first line in quadratic time (~0.25 s for
 * one 8 KB datagram without a line end), so one peer could stall the
 * event loop. The guard runs in a UDP helper, before STUN and SIP
 * decoding, and refuses what the parser must never see. Over TCP the
 * stream is cut into messages here (sipguard_stream_feed) so that libre
 * only ever parses whole, checked messages, each once.
 *
 * The per-address table costs O(1) per packet (a hash on the address) and
 * holds at most SIPGUARD_MAX_SOURCES entries; the oldest entry is evicted
 * when full. Time comes in as `now` (ms, never decreasing).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sa;
struct sipguard;

#define SIPGUARD_MAX_MSG     8192  /* largest SIP message accepted, bytes */
#define SIPGUARD_MAX_LINE1   512   /* first line must end within, bytes   */
#define SIPGUARD_MAX_SOURCES 65536 /* addresses tracked at most            */
#define SIPGUARD_MAX_CHUNKS  64    /* TCP reads one message may span      */

/* Why a packet was refused (or SIPGUARD_OK). */
enum sipguard_verdict {
	SIPGUARD_OK = 0,
	SIPGUARD_KEEPALIVE,        /* CRLF keep-alive: harmless, pass on     */
	SIPGUARD_TOO_BIG,          /* over SIPGUARD_MAX_MSG                  */
	SIPGUARD_NO_LINE_END,      /* no CRLF/LF within SIPGUARD_MAX_LINE1   */
	SIPGUARD_BAD_START,        /* does not start like a SIP message      */
	SIPGUARD_RATE,             /* source over its packet budget          */
	SIPGUARD_BLOCKED,          /* source blocked after auth failures     */
	SIPGUARD_BAD_LENGTH,       /* TCP: Content-Length unreadable/twice   */
	SIPGUARD_SLOW,             /* TCP: message trickled over too many
				      reads (SIPGUARD_MAX_CHUNKS)            */
};

const char *sipguard_verdict_name(enum sipguard_verdict v);

/* Checks a packet's bytes alone (no state): size, first line, start. */
enum sipguard_verdict sipguard_check_bytes(const uint8_t *p, size_t n);

/* Limits; sipguard_conf_init() fills the defaults. */
struct sipguard_conf {
	uint32_t rate_pps;         /* packets per second per address; 0 =
				      unlimited; default 500                */
	uint32_t burst;            /* bucket size, packets; default 1000    */
	uint32_t fail_max;         /* auth failures within fail_window_ms
				      that block the address; default 10    */
	uint32_t fail_window_ms;   /* default 60000                         */
	uint32_t block_ms;         /* how long a block lasts; default 60000 */
};

void sipguard_conf_init(struct sipguard_conf *conf);

int sipguard_alloc(struct sipguard **gp, const struct sipguard_conf *conf);

/* Checks a packet from src: bytes, then the address's budget (one token
 * spent per packet). Blocked addresses are refused every packet. */
enum sipguard_verdict sipguard_packet(struct sipguard *g, const struct sa *src,
				      const uint8_t *p, size_t n,
				      uint64_t now);

/* Spends one token of src's budget (a TCP read, a TCP connection):
 * SIPGUARD_OK, SIPGUARD_RATE or SIPGUARD_BLOCKED. */
enum sipguard_verdict sipguard_take(struct sipguard *g, const struct sa *src,
				    uint64_t now);

/* Records an authentication failure from src; returns true when the
 * address is now blocked (for block_ms). */
bool sipguard_auth_fail(struct sipguard *g, const struct sa *src,
			uint64_t now);
/* True while src is blocked for auth failures. */
bool sipguard_blocked(struct sipguard *g, const struct sa *src, uint64_t now);

/* Forgets addresses idle for over a minute and not blocked. O(n). */
void sipguard_sweep(struct sipguard *g, uint64_t now);

/* Addresses tracked. */
size_t sipguard_count(const struct sipguard *g);

/* ---------------------------------------------------------------------
 * SIP over TCP: a byte stream cut into messages
 *
 * The stream is fed as it is read; the feeder keeps the bytes of the
 * message in progress and hands a message on only once it is whole
 * (headers, blank line, Content-Length bytes of body). The same checks as
 * for a datagram apply to each message (first byte, first line within
 * SIPGUARD_MAX_LINE1, no control bytes in it, SIPGUARD_MAX_MSG in all),
 * plus: one readable Content-Length at most (compact "l" too), and a
 * message may not span more than SIPGUARD_MAX_CHUNKS reads. CRLF
 * keep-alives between messages are passed on as they come. O(1) per byte,
 * no allocation.
 * ------------------------------------------------------------------- */

/* Where the feeder is within the current message. */
enum sipguard_stream_at {
	SIPGUARD_AT_START = 0,     /* between messages (keep-alives)        */
	SIPGUARD_AT_LINE1,         /* in the first line                     */
	SIPGUARD_AT_HEADERS,       /* in the header lines                   */
	SIPGUARD_AT_BODY,          /* in the body                           */
};

struct sipguard_stream {
	enum sipguard_stream_at at; /* position                             */
	uint32_t msg_bytes;        /* bytes of the current message so far   */
	uint32_t line_bytes;       /* bytes of the current line, CR not
				      counted                               */
	uint32_t chunks;           /* reads the current message spans       */
	uint32_t body_left;        /* body bytes still to come              */
	uint32_t clen;             /* Content-Length value read             */
	bool clen_seen;            /* a Content-Length header was read      */
	bool in_name;              /* reading a header's name               */
	bool in_clen;              /* reading a Content-Length value        */
	bool clen_digits;          /* its value had digits                  */
	bool clen_done;            /* its digits ended (spaces may follow)  */
	uint8_t name_len;          /* bytes of name[] held                  */
	char name[16];             /* start of the header name, lower case  */
};

void sipguard_stream_init(struct sipguard_stream *st);

/* Notes that a new read begins (counts it against SIPGUARD_MAX_CHUNKS
 * when a message is in progress). Returns SIPGUARD_OK or SIPGUARD_SLOW. */
enum sipguard_verdict sipguard_stream_read(struct sipguard_stream *st);

/* Feeds bytes p[0..n). Consumes up to the end of the current message
 * (or all of n): *usedp = bytes consumed, *donep = true when those bytes
 * completed a message (or were keep-alive bytes between messages, with
 * *keepalivep = true). Returns SIPGUARD_OK or why the stream must be
 * dropped (the connection closed); after a refusal the state is
 * undefined until sipguard_stream_init(). */
enum sipguard_verdict sipguard_stream_feed(struct sipguard_stream *st,
					   const uint8_t *p, size_t n,
					   size_t *usedp, bool *donep,
					   bool *keepalivep);

#endif
