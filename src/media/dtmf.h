/* dtmf.h — RFC 4733 telephone-event payloads: decoding and the receiver's
 * duplicate suppression (pure: no sockets, no clock). */
#ifndef PLATEAU_MEDIA_DTMF_H
#define PLATEAU_MEDIA_DTMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One decoded telephone-event payload (RFC 4733 section 2.3). */
struct dtmf_event {
	uint8_t event;             /* 0-15: 0-9, 10 '*', 11 '#', 12-15 A-D  */
	bool end;                  /* E bit: the event has ended            */
	uint8_t volume;            /* power level, -dBm0 (0..63)            */
	uint16_t duration;         /* so far, in timestamp units (1/8 ms)   */
};

/* Receiver state: which event (by RTP timestamp) was last reported. */
struct dtmf_rx {
	bool seen;                 /* an event was reported                 */
	uint32_t ts;               /* RTP timestamp of that event           */
};

/* Decodes a 4-byte payload (more bytes: the first event only, as the
 * RFC allows redundant blocks to follow). EBADMSG if shorter than 4 or
 * the event is not a DTMF key (above 15). */
int dtmf_event_decode(const uint8_t *p, size_t len, struct dtmf_event *ev);

/* '0'..'9', '*', '#', 'A'..'D' for events 0..15; 0 otherwise. */
char dtmf_event_char(uint8_t event);

/* Feeds one received payload with its RTP timestamp. Returns 0 and sets
 * *digitp when this packet starts a new key press (first packet seen with
 * this timestamp: start, update or end); EALREADY for a repeat of the
 * press already reported (updates, the redundant end packets); EBADMSG
 * for a bad payload (state unchanged). */
int dtmf_rx_feed(struct dtmf_rx *rx, uint32_t ts, const uint8_t *p,
		 size_t len, char *digitp);

#endif
