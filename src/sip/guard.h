/* guard.h — checks every SIP packet before libre's parser sees it: size,
 * line ends, and a per-source-address budget of packets and auth failures.
 */
#ifndef PLATEAU_SIP_GUARD_H
#define PLATEAU_SIP_GUARD_H

/*
 * Why: libre 1.1.0 parses a SIP first line in quadratic time (~0.25 s for
 * one 8 KB datagram without a line end), so one peer could stall the
 * event loop. The guard runs in a UDP helper, before STUN and SIP
 * decoding, and refuses what the parser must never see.
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

/* Why a packet was refused (or SIPGUARD_OK). */
enum sipguard_verdict {
	SIPGUARD_OK = 0,
	SIPGUARD_KEEPALIVE,        /* CRLF keep-alive: harmless, pass on     */
	SIPGUARD_TOO_BIG,          /* over SIPGUARD_MAX_MSG                  */
	SIPGUARD_NO_LINE_END,      /* no CRLF/LF within SIPGUARD_MAX_LINE1   */
	SIPGUARD_BAD_START,        /* does not start like a SIP message      */
	SIPGUARD_RATE,             /* source over its packet budget          */
	SIPGUARD_BLOCKED,          /* source blocked after auth failures     */
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

#endif
