/* listen.c — supervisor listen: both sides of a call summed into one
 * frame per shared tick and sent to the supervisor's leg. */
#include <errno.h>
#include "media/media_int.h"

struct media_listen {
	struct le le;              /* in media.listens                      */
	struct media_leg *a;       /* one side, NULL once freed             */
	struct media_leg *b;       /* the other side, NULL once freed       */
	struct media_leg *sup;     /* supervisor's leg, NULL once freed     */
};

static void listen_destructor(void *data)
{
	struct media_listen *l = data;

	list_unlink(&l->le);
	if (l->a)
		media_leg_tap(l->a, false);
	if (l->b)
		media_leg_tap(l->b, false);
}

int media_listen(struct media_listen **lp, struct media_leg *a,
		 struct media_leg *b, struct media_leg *sup)
{
	struct media_listen *l;

	if (!lp || !a || !b || !sup || a == b || sup == a || sup == b ||
	    a->m != b->m || a->m != sup->m)
		return EINVAL;
	if (sup->bridge || sup->pl)
		return EBUSY;
	if (!sup->has_remote)
		return ENOTCONN;

	l = mem_zalloc(sizeof(*l), listen_destructor);
	if (!l)
		return ENOMEM;
	l->a = a;
	l->b = b;
	l->sup = sup;
	media_leg_tap(a, true);
	media_leg_tap(b, true);
	list_append(&a->m->listens, &l->le, l);
	*lp = l;
	return 0;
}

void media_listens_step(struct media *m)
{
	for (struct le *le = m->listens.head; le; le = le->next) {
		struct media_listen *l = le->data;
		int16_t pcm[MEDIA_FRAME];

		if (!l->sup || l->sup->pl || l->sup->bridge)
			continue;
		for (size_t i = 0; i < MEDIA_FRAME; i++) {
			int32_t s = 0;

			if (l->a)
				s += l->a->frame[i];
			if (l->b)
				s += l->b->frame[i];
			if (s > INT16_MAX)
				s = INT16_MAX;
			if (s < INT16_MIN)
				s = INT16_MIN;
			pcm[i] = (int16_t)s;
		}
		(void)media_leg_send_pcm(l->sup, pcm);
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
