/* listen.c — supervisor listen, whisper and barge: the legs of a call and
 * the supervisor's leg mixed once per shared tick, each mix sent to the
 * leg that hears it in that leg's own codec. */
#include <errno.h>
#include <string.h>
#include "media/media_int.h"

/*
 * Who hears what (caller C, agent A, supervisor S):
 *
 *   mode     to S     to A           to C
 *   listen   C + A    relay of C     relay of A
 *   whisper  C + A    C + S (mix)    relay of A
 *   barge    C + A    C + S (mix)    A + S (mix)
 *
 * A mixed leg is marked (leg->mixed): the relay drops what it would have
 * forwarded to it, so the leg sends exactly one frame per tick, the mix.
 * Every input of a mix is a tapped leg's frame for this tick, already
 * decoded from whatever G.711 law it arrived in. Nothing here starts a
 * timer: media_listens_step runs from the shared tick (media.c).
 */

struct media_listen {
	struct le le;              /* in media.listens                      */
	struct media *m;           /* context (not referenced)              */
	enum media_monitor_mode mode; /* listen, whisper or barge           */
	struct media_leg *a;       /* the caller, NULL once freed           */
	struct media_leg *b;       /* the agent, NULL once freed            */
	struct media_leg *sup;     /* supervisor's leg, NULL once freed     */
};

static void listen_destructor(void *data)
{
	struct media_listen *l = data;
	struct media *m = l->m;

	/* the relay thread reads leg->mixed under the lock */
	media_lock(m);
	list_unlink(&l->le);
	if (l->a)
		media_leg_tap(l->a, false);
	if (l->b)
		media_leg_tap(l->b, false);
	if (l->mode != MEDIA_MONITOR_LISTEN && l->sup)
		media_leg_tap(l->sup, false);
	if (l->mode != MEDIA_MONITOR_LISTEN && l->b && l->b->mixed)
		l->b->mixed--;
	if (l->mode == MEDIA_MONITOR_BARGE && l->a && l->a->mixed)
		l->a->mixed--;
	media_unlock(m);
}

bool media_leg_mixed(const struct media_leg *leg)
{
	/* written on the loop only, which is where this is called */
	return leg && leg->mixed > 0;
}

int media_monitor(struct media_listen **lp, struct media_leg *caller,
		  struct media_leg *agent, struct media_leg *sup,
		  enum media_monitor_mode mode)
{
	struct media_listen *l;

	if (!lp || !caller || !agent || !sup || caller == agent ||
	    sup == caller || sup == agent || caller->m != agent->m ||
	    caller->m != sup->m)
		return EINVAL;
	if (mode != MEDIA_MONITOR_LISTEN && mode != MEDIA_MONITOR_WHISPER &&
	    mode != MEDIA_MONITOR_BARGE)
		return EINVAL;
	if (sup->bridge || sup->pl)
		return EBUSY;
	if (mode != MEDIA_MONITOR_LISTEN && (caller->mixed || agent->mixed))
		return EBUSY;
	if (!sup->has_remote)
		return ENOTCONN;

	l = mem_zalloc(sizeof(*l), listen_destructor);
	if (!l)
		return ENOMEM;
	l->m = caller->m;
	media_lock(l->m);
	l->mode = mode;
	l->a = caller;
	l->b = agent;
	l->sup = sup;
	media_leg_tap(caller, true);
	media_leg_tap(agent, true);
	if (mode != MEDIA_MONITOR_LISTEN) {
		media_leg_tap(sup, true);
		agent->mixed++;
	}
	if (mode == MEDIA_MONITOR_BARGE)
		caller->mixed++;
	list_append(&caller->m->listens, &l->le, l);
	media_unlock(l->m);
	*lp = l;
	return 0;
}

int media_listen(struct media_listen **lp, struct media_leg *a,
		 struct media_leg *b, struct media_leg *sup)
{
	return media_monitor(lp, a, b, sup, MEDIA_MONITOR_LISTEN);
}

/* Sends x + y (either may be NULL: silence), clipped, to leg `to`. */
static void mix_send(struct media_leg *to, const struct media_leg *x,
		     const struct media_leg *y)
{
	int16_t pcm[MEDIA_FRAME];

	if (!to || to->pl || !to->has_remote)
		return;
	for (size_t i = 0; i < MEDIA_FRAME; i++) {
		int32_t s = 0;

		if (x)
			s += x->frame[i];
		if (y)
			s += y->frame[i];
		if (s > INT16_MAX)
			s = INT16_MAX;
		if (s < INT16_MIN)
			s = INT16_MIN;
		pcm[i] = (int16_t)s;
	}
	(void)media_leg_send_pcm(to, pcm);
}

void media_listens_step(struct media *m)
{
	for (struct le *le = m->listens.head; le; le = le->next) {
		struct media_listen *l = le->data;

		if (l->sup && !l->sup->bridge)
			mix_send(l->sup, l->a, l->b);
		if (l->mode == MEDIA_MONITOR_LISTEN)
			continue;
		mix_send(l->b, l->a, l->sup);
		if (l->mode == MEDIA_MONITOR_BARGE)
			mix_send(l->a, l->b, l->sup);
	}
}

void media_listen_leg_gone(struct media_leg *leg)
{
	for (struct le *le = leg->m->listens.head; le; le = le->next) {
		struct media_listen *l = le->data;

		if (l->a == leg)
			l->a = NULL;
		if (l->b == leg)
			l->b = NULL;
		if (l->sup == leg)
			l->sup = NULL;
	}
}
