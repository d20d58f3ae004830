/* play.c — playlists and players: a leg plays cached audio files in
 * order, one 20 ms frame per shared tick, encoded to the leg's codec. */
#include <errno.h>
#include <string.h>
#include "media/media_int.h"

/* ---------------------------------------------------------------------
 * Playlists
 * ------------------------------------------------------------------- */

static void playlist_destructor(void *data)
{
	struct media_playlist *pl = data;

	for (size_t i = 0; i < pl->n; i++)
		mem_deref(pl->names[i]);
	mem_deref(pl->names);
}

int media_playlist_alloc(struct media_playlist **plp)
{
	struct media_playlist *pl;

	if (!plp)
		return EINVAL;
	pl = mem_zalloc(sizeof(*pl), playlist_destructor);
	if (!pl)
		return ENOMEM;
	pl->names = mem_zalloc(MEDIA_PLAYLIST_MAX * sizeof(char *), NULL);
	if (!pl->names) {
		mem_deref(pl);
		return ENOMEM;
	}
	*plp = pl;
	return 0;
}

int media_playlist_add(struct media_playlist *pl, const char *name)
{
	int err;

	if (!pl || !name || !*name)
		return EINVAL;
	if (pl->n >= MEDIA_PLAYLIST_MAX)
		return E2BIG;
	err = str_dup(&pl->names[pl->n], name);
	if (err)
		return err;
	pl->n++;
	return 0;
}

size_t media_playlist_count(const struct media_playlist *pl)
{
	return pl ? pl->n : 0;
}

const char *media_playlist_name(const struct media_playlist *pl, size_t i)
{
	return pl && i < pl->n ? pl->names[i] : NULL;
}

/* ---------------------------------------------------------------------
 * Players
 * ------------------------------------------------------------------- */

void media_leg_play_clear(struct media_leg *leg)
{
	if (!leg->pl)
		return;
	media_lock(leg->m);
	list_unlink(&leg->le_play);
	leg->pl = mem_deref(leg->pl);
	leg->clips = mem_deref(leg->clips);
	leg->play_eh = NULL;
	leg->play_arg = NULL;
	/* the relay takes the leg back from a fresh anchor */
	leg->tx_anchored = false;
	media_unlock(leg->m);
}

int media_play(struct media_leg *leg, struct media_playlist *pl, bool loop,
	       media_play_end_h *eh, void *arg)
{
	struct media_audio **clips;
	size_t total = 0;
	int err = 0;

	if (!leg || !pl || pl->n == 0)
		return EINVAL;
	if (!leg->has_remote)
		return ENOTCONN;

	clips = mem_zalloc(pl->n * sizeof(*clips), NULL);
	if (!clips)
		return ENOMEM;
	for (size_t i = 0; i < pl->n; i++) {
		err = media_audio_get(leg->m, pl->names[i], &clips[i]);
		if (err) {
			mem_deref(clips);
			return err;
		}
		total += clips[i]->n;
	}
	(void)total;

	media_lock(leg->m);
	media_leg_play_clear(leg);
	list_unlink(&leg->le_end);
	leg->pl = mem_ref(pl);
	leg->clips = clips;
	leg->clip = 0;
	leg->clip_pos = 0;
	leg->loop = loop;
	leg->play_eh = eh;
	leg->play_arg = arg;
	leg->tx_marker = true;
	list_append(&leg->m->players, &leg->le_play, leg);
	media_unlock(leg->m);
	return 0;
}

void media_play_stop(struct media_leg *leg)
{
	if (!leg)
		return;
	media_lock(leg->m);
	media_leg_play_clear(leg);
	list_unlink(&leg->le_end);
	media_unlock(leg->m);
}

bool media_leg_playing(const struct media_leg *leg)
{
	return leg && leg->pl;
}

/* Fills one frame from the playlist; returns false when the playlist
 * ended in this frame (the rest of the frame is silence). */
static bool player_fill(struct media_leg *leg, int16_t *pcm)
{
	size_t got = 0;

	while (got < MEDIA_FRAME) {
		const struct media_audio *a;
		size_t n;

		if (leg->clip >= leg->pl->n) {
			if (!leg->loop) {
				memset(pcm + got, 0,
				       (MEDIA_FRAME - got) * sizeof(*pcm));
				return false;
			}
			leg->clip = 0;
		}
		a = leg->clips[leg->clip];
		n = a->n - leg->clip_pos;
		if (n > MEDIA_FRAME - got)
			n = MEDIA_FRAME - got;
		memcpy(pcm + got, a->pcm + leg->clip_pos, n * sizeof(*pcm));
		got += n;
		leg->clip_pos += n;
		if (leg->clip_pos >= a->n) {
			leg->clip++;
			leg->clip_pos = 0;
		}
	}
	if (!leg->loop && leg->clip >= leg->pl->n)
		return false;
	return true;
}

void media_players_step(struct media *m)
{
	struct le *le = m->players.head;
	int16_t pcm[MEDIA_FRAME];

	while (le) {
		struct media_leg *leg = le->data;

		le = le->next;
		if (!player_fill(leg, pcm)) {
			(void)media_leg_send_pcm(leg, pcm);
			/* off the players list at once; the handler runs
			 * after every player of this tick has sent */
			list_unlink(&leg->le_play);
			list_append(&m->ended, &leg->le_end, leg);
			continue;
		}
		(void)media_leg_send_pcm(leg, pcm);
	}
}

void media_players_ended(struct media *m)
{
	struct le *le;

	/* A handler may free its own leg or others, or start new
	 * playlists: take one leg at a time off the list; a freed leg
	 * unlinks itself. */
	while (NULL != (le = list_head(&m->ended))) {
		struct media_leg *leg = le->data;
		media_play_end_h *eh = leg->play_eh;
		void *arg = leg->play_arg;

		media_lock(m);
		list_unlink(&leg->le_end);
		/* le_play is already unlinked; drop the rest of the player */
		leg->pl = mem_deref(leg->pl);
		leg->clips = mem_deref(leg->clips);
		leg->play_eh = NULL;
		leg->play_arg = NULL;
		leg->tx_anchored = false;
		media_unlock(m);
		if (eh)
			eh(leg, arg);
	}
}
