/* resp.h — a SIP answer decided by a handler, sent by the server. */
#ifndef PLATEAU_SIP_RESP_H
#define PLATEAU_SIP_RESP_H

#include <stdint.h>

/* Handlers fill one of these instead of writing to a socket, so they can
 * be unit-tested and fuzzed without a network. */
struct sipd_resp {
	uint16_t scode;            /* status code; 0 = send nothing         */
	const char *reason;        /* reason phrase (static string)         */
	char hdrs[768];            /* extra header lines, each ending CRLF  */
	const char *why;           /* short cause for the log, or NULL      */
};

#endif
