/* hook.c — interposes libre's udp_listen, tcp_listen and tcp_accept to
 * find the SIP transport's sockets and wrap accepted TCP connections. */
#include <dlfcn.h>
#include <string.h>
#include <re.h>
#include "sip/hook.h"

typedef int (udp_listen_f)(struct udp_sock **, const struct sa *,
			   udp_recv_h *, void *);
typedef int (tcp_listen_f)(struct tcp_sock **, const struct sa *,
			   tcp_conn_h *, void *);
typedef int (tcp_accept_f)(struct tcp_conn **, struct tcp_sock *,
			   tcp_estab_h *, tcp_recv_h *, tcp_close_h *, void *);

/* One hooked listening socket. */
struct hooked {
	struct tcp_sock *ts;       /* listening socket (borrowed)           */
	siphook_accept_h *ah;      /* before libre's tcp_accept             */
	siphook_accepted_h *dh;    /* after it                              */
	void *arg;
};

static struct {
	bool capturing;            /* inside siphook_transp_add()           */
	void *captured;            /* the socket libre opened meanwhile     */
	struct hooked hooked[SIPHOOK_MAX]; /* accept hooks                  */
} hook;

/* libre's own definition of NAME (the next one after this program). */
static void *real(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

int udp_listen(struct udp_sock **usp, const struct sa *local,
	       udp_recv_h *rh, void *arg)
{
	static udp_listen_f *f;
	int err;

	if (!f)
		f = (udp_listen_f *)real("udp_listen");
	if (!f)
		return ENOSYS;
	err = f(usp, local, rh, arg);
	if (!err && hook.capturing && usp)
		hook.captured = *usp;
	return err;
}

int tcp_listen(struct tcp_sock **tsp, const struct sa *local,
	       tcp_conn_h *ch, void *arg)
{
	static tcp_listen_f *f;
	int err;

	if (!f)
		f = (tcp_listen_f *)real("tcp_listen");
	if (!f)
		return ENOSYS;
	err = f(tsp, local, ch, arg);
	if (!err && hook.capturing && tsp)
		hook.captured = *tsp;
	return err;
}

int tcp_accept(struct tcp_conn **tcp, struct tcp_sock *ts, tcp_estab_h *eh,
	       tcp_recv_h *rh, tcp_close_h *ch, void *arg)
{
	static tcp_accept_f *f;
	struct siphook_accept acc = {eh, rh, ch, arg};
	struct hooked *h = NULL;
	int err;

	if (!f)
		f = (tcp_accept_f *)real("tcp_accept");
	if (!f)
		return ENOSYS;
	for (size_t i = 0; ts && i < SIPHOOK_MAX; i++) {
		if (hook.hooked[i].ts == ts) {
			h = &hook.hooked[i];
			break;
		}
	}
	if (!h)
		return f(tcp, ts, eh, rh, ch, arg);

	h->ah(&acc, h->arg);
	err = f(tcp, ts, acc.eh, acc.rh, acc.ch, acc.arg);
	h->dh(err, err || !tcp ? NULL : *tcp, &acc, h->arg);
	return err;
}

int siphook_transp_add(struct sip *sip, enum sip_transp tp,
		       const struct sa *laddr, void **sockp)
{
	int err;

	if (!sip || !laddr || !sockp)
		return EINVAL;
	hook.capturing = true;
	hook.captured = NULL;
	err = sip_transp_add(sip, tp, laddr);
	hook.capturing = false;
	if (err)
		return err;
	if (!hook.captured)
		return ENOTSUP;
	*sockp = hook.captured;
	hook.captured = NULL;
	return 0;
}

int siphook_accept_set(struct tcp_sock *ts, siphook_accept_h *ah,
		       siphook_accepted_h *dh, void *arg)
{
	struct hooked *free_slot = NULL;

	if (!ts)
		return EINVAL;
	for (size_t i = 0; i < SIPHOOK_MAX; i++) {
		struct hooked *h = &hook.hooked[i];

		if (h->ts == ts) {
			if (!ah || !dh) {
				memset(h, 0, sizeof(*h));
				return 0;
			}
			free_slot = h;
			break;
		}
		if (!h->ts && !free_slot)
			free_slot = h;
	}
	if (!ah || !dh)
		return 0;
	if (!free_slot)
		return ENOSPC;
	free_slot->ts = ts;
	free_slot->ah = ah;
	free_slot->dh = dh;
	free_slot->arg = arg;
	return 0;
}
