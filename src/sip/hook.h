/* hook.h — reaches the SIP transport's sockets inside libre 1.1.0, which
 * exposes neither its UDP socket nor a hook on TCP connections it accepts.
 */
#ifndef PLATEAU_SIP_HOOK_H
#define PLATEAU_SIP_HOOK_H

/*
 * How: libre calls udp_listen(), tcp_listen() and tcp_accept() of its own
 * shared object through the PLT, so this program's definitions of those
 * three functions take their place (ELF symbol interposition). Each
 * forwards to libre's (dlsym(RTLD_NEXT)) and, only while a capture or an
 * accept hook asks for it, notes the socket or lets a hook wrap the new
 * connection's handlers. Everything else (RTP sockets, the HTTP server)
 * passes through untouched. Single-threaded: call from the re_main
 * thread only.
 */

#include <stdbool.h>
#include <re.h>

/* sip_transp_add() for one transport, giving the socket libre opened for
 * it: a struct udp_sock * (UDP) or struct tcp_sock * (TCP), borrowed
 * (owned by the SIP stack). ENOTSUP when libre did not open it through
 * the interposed call (then the caller must fall back). */
int siphook_transp_add(struct sip *sip, enum sip_transp tp,
		       const struct sa *laddr, void **sockp);

/* Called as libre accepts a connection on a hooked listening socket,
 * before it exists: may replace the handlers and argument libre passes
 * (to wrap them); *tcp is set once the connection exists, through
 * siphook_accepted_h. */
struct siphook_accept {
	tcp_estab_h *eh;           /* libre's handlers, may be replaced     */
	tcp_recv_h *rh;
	tcp_close_h *ch;
	void *arg;                 /* their argument, may be replaced       */
};
typedef void (siphook_accept_h)(struct siphook_accept *acc, void *arg);
/* After the connection exists (err == 0) or failed (err != 0). */
typedef void (siphook_accepted_h)(int err, struct tcp_conn *tc,
				  struct siphook_accept *acc, void *arg);

/* Hooks accepts on ts (a socket from siphook_transp_add); NULL handlers
 * remove the hook. At most SIPHOOK_MAX listening sockets hooked. */
#define SIPHOOK_MAX 8
int siphook_accept_set(struct tcp_sock *ts, siphook_accept_h *ah,
		       siphook_accepted_h *dh, void *arg);

#endif
