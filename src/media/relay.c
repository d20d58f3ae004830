/* relay.c — the relay thread: bridged legs' RTP sockets read and
 * forwarded on a second core, away from the SIP/ACD loop, and the
 * hand-over of a leg's socket between libre's loop and the relay. */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "media/media_int.h"

#define RELAY_EVENTS 64      /* sockets handled per epoll_wait          */
#define RELAY_NOTES  256     /* digits waiting for the loop, at most    */

/* A DTMF digit seen by the relay thread, for the leg's handler. */
struct relay_note {
	struct media_leg *leg;     /* NULL once taken or the leg is gone    */
	char digit;                /* '0'-'9', '*', '#', 'A'-'D'            */
};

struct media_relay {
	struct media *m;           /* context (not referenced)              */
	pthread_t thread;          /* the relay thread                      */
	bool running;              /* thread started                        */
	int ep;                    /* its epoll: bridged legs + stop_fd     */
	int stop_fd;               /* eventfd: the thread returns           */
	int note_fd;               /* eventfd: digits for the loop          */
	atomic_uint epoch;         /* bumped when a leg leaves the relay:
				      events read before are stale          */
	struct relay_note notes[RELAY_NOTES]; /* ring, guarded by m->lock */
	size_t note_rd;            /* first note                            */
	size_t note_n;             /* notes in the ring                     */
	uint64_t notes_lost;       /* digits dropped, ring full             */
};

/* ---------------------------------------------------------------------
 * The thread
 * ------------------------------------------------------------------- */

/* Level-triggered: a socket whose events are dropped as stale (a leg
 * left in between) is reported again by the next epoll_wait. */
static void *relay_main(void *arg)
{
	struct media_relay *r = arg;
	struct epoll_event evs[RELAY_EVENTS];

	for (;;) {
		unsigned epoch = atomic_load(&r->epoch);
		int n = epoll_wait(r->ep, evs, RELAY_EVENTS, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < n; i++) {
			struct media_leg *leg = evs[i].data.ptr;

			if (leg == NULL)
				return NULL;       /* stop_fd */
			media_lock(r->m);
			if (atomic_load(&r->epoch) != epoch) {
				/* a leg left since epoll_wait: this batch may
				 * name it; poll again */
				media_unlock(r->m);
				break;
			}
			media_leg_read(leg);
			media_unlock(r->m);
		}
	}
	return NULL;
}

/* Digits from the relay thread, on the loop: one at a time, the lock
 * not held while the handler runs (it may free legs, whose notes are
 * then purged). */
static void note_fd_handler(int flags, void *arg)
{
	struct media_relay *r = arg;
	uint64_t v;

	(void)flags;
	if (read(r->note_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	for (;;) {
		struct media_leg *leg = NULL;
		char digit = 0;

		media_lock(r->m);
		while (r->note_n && !leg) {
			struct relay_note *nt = &r->notes[r->note_rd];

			leg = nt->leg;
			digit = nt->digit;
			nt->leg = NULL;
			r->note_rd = (r->note_rd + 1) % RELAY_NOTES;
			r->note_n--;
		}
		media_unlock(r->m);
		if (!leg)
			return;
		if (leg->dtmfh)
			leg->dtmfh(leg, digit, leg->dtmf_arg);
	}
}

void media_relay_dtmf(struct media_leg *leg, char digit)
{
	struct media_relay *r = leg->m->relay;
	uint64_t one = 1;

	/* lock held by the relay thread */
	if (r->note_n == RELAY_NOTES) {
		r->notes_lost++;
		return;
	}
	r->notes[(r->note_rd + r->note_n) % RELAY_NOTES] =
		(struct relay_note){leg, digit};
	r->note_n++;
	(void)!write(r->note_fd, &one, sizeof(one));
}

/* ---------------------------------------------------------------------
 * Hand-over (on the loop, lock held)
 * ------------------------------------------------------------------- */

/* Without a relay thread: the loop reads the bridged leg's socket
 * itself, bypassing libre's per-packet buffer and RTP decoder. */
static void leg_fd_handler(int flags, void *arg)
{
	(void)flags;
	media_leg_read(arg);
}

int media_relay_attach(struct media_leg *leg)
{
	struct media_relay *r = leg->m->relay;
	struct udp_sock *us = rtp_sock(leg->rtp);
	int err;

	if (leg->relayed)
		return 0;
	if (leg->fd < 0)
		return EBADF;
	udp_thread_detach(us);
	if (r) {
		struct epoll_event ev = {.events = EPOLLIN,
					 .data.ptr = leg};

		err = epoll_ctl(r->ep, EPOLL_CTL_ADD, leg->fd, &ev) ?
			errno : 0;
	}
	else {
		err = fd_listen(leg->fd, FD_READ, leg_fd_handler, leg);
	}
	if (err) {
		(void)udp_thread_attach(us);
		return err;
	}
	leg->relayed = true;
	return 0;
}

void media_relay_detach(struct media_leg *leg)
{
	struct media_relay *r = leg->m->relay;

	if (!leg->relayed)
		return;
	if (r) {
		(void)epoll_ctl(r->ep, EPOLL_CTL_DEL, leg->fd, NULL);
		/* events the thread already holds may name this leg */
		atomic_fetch_add(&r->epoch, 1);
		for (size_t i = 0; i < r->note_n; i++) {
			struct relay_note *nt =
				&r->notes[(r->note_rd + i) % RELAY_NOTES];

			if (nt->leg == leg)
				nt->leg = NULL;
		}
	}
	else {
		fd_close(leg->fd);
	}
	leg->relayed = false;
	(void)udp_thread_attach(rtp_sock(leg->rtp));
}

/* ---------------------------------------------------------------------
 * Start and stop
 * ------------------------------------------------------------------- */

int media_relay_start(struct media *m)
{
	struct media_relay *r;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	int err;

	r = mem_zalloc(sizeof(*r), NULL);
	if (!r)
		return ENOMEM;
	r->m = m;
	r->ep = epoll_create1(EPOLL_CLOEXEC);
	r->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r->note_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->ep < 0 || r->stop_fd < 0 || r->note_fd < 0) {
		err = errno;
		goto out;
	}
	if (epoll_ctl(r->ep, EPOLL_CTL_ADD, r->stop_fd, &ev)) {
		err = errno;
		goto out;
	}
	err = fd_listen(r->note_fd, FD_READ, note_fd_handler, r);
	if (err)
		goto out;
	m->relay = r;
	err = pthread_create(&r->thread, NULL, relay_main, r);
	if (err) {
		m->relay = NULL;
		fd_close(r->note_fd);
		goto out;
	}
	r->running = true;
 out:
	if (err) {
		if (r->ep >= 0)
			close(r->ep);
		if (r->stop_fd >= 0)
			close(r->stop_fd);
		if (r->note_fd >= 0)
			close(r->note_fd);
		mem_deref(r);
	}
	return err;
}

void media_relay_stop(struct media *m)
{
	struct media_relay *r = m->relay;
	uint64_t one = 1;

	if (!r)
		return;
	if (r->running) {
		(void)!write(r->stop_fd, &one, sizeof(one));
		pthread_join(r->thread, NULL);
	}
	m->relay = NULL;
	fd_close(r->note_fd);
	close(r->note_fd);
	close(r->stop_fd);
	close(r->ep);
	mem_deref(r);
}
