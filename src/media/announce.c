/* announce.c — which prompt files tell a waiting caller their place in
 * line and the expected wait, in each language (pure: names only). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "media/media_int.h"

#define ANNOUNCE_NUM_MAX 99  /* numbers are prompt files 0..99 */

static const char *const langs[] = {"fr", "ar", "en", "de", "es"};

static int add(struct media_playlist *pl, const char *lang, const char *f)
{
	char name[64];

	snprintf(name, sizeof(name), "%s/%s.wav", lang, f);
	return media_playlist_add(pl, name);
}

static int add_num(struct media_playlist *pl, const char *lang, unsigned n)
{
	char f[16];

	snprintf(f, sizeof(f), "num_%u", n);
	return add(pl, lang, f);
}

/*
 * The sentences (scripts/prompts.sh holds the texts):
 *   pos_before N pos_after          "Vous êtes en position" 3 "dans la
 *                                    file d'attente."
 *   pos_before pos_more 99 pos_after (above 99)
 *   wait_before wait_short          "Temps d'attente estimé :" "moins
 *                                    d'une minute."
 *   wait_before wait_one            "... une minute."
 *   wait_before N minutes           "... 2 minutes" (ar: minutes_few for
 *                                    3..10, minutes_many above: Arabic
 *                                    counts nouns that way; 2 = wait_two)
 *   wait_before wait_long           above 99 minutes: "plus d'une heure
 *                                    et demie" is not said; "longue".
 */
int media_announce_position(const char *lang, unsigned position,
			    int64_t expected_wait_ms,
			    struct media_playlist **plp)
{
	struct media_playlist *pl = NULL;
	bool known = false;
	int err;

	if (!lang || !plp || position == 0)
		return EINVAL;
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		if (!strcmp(lang, langs[i]))
			known = true;
	}
	if (!known)
		return EINVAL;

	err = media_playlist_alloc(&pl);
	if (err)
		return err;

	err = add(pl, lang, "pos_before");
	if (!err && position > ANNOUNCE_NUM_MAX) {
		err = add(pl, lang, "pos_more");
		if (!err)
			err = add_num(pl, lang, ANNOUNCE_NUM_MAX);
	}
	else if (!err) {
		err = add_num(pl, lang, position);
	}
	if (!err)
		err = add(pl, lang, "pos_after");

	if (!err && expected_wait_ms >= 0) {
		/* minutes, rounded to the nearest; under 45 s is "less
		 * than a minute" */
		int64_t min = (expected_wait_ms + 30000) / 60000;

		err = add(pl, lang, "wait_before");
		if (err)
			goto out;
		if (expected_wait_ms < 45000)
			err = add(pl, lang, "wait_short");
		else if (min <= 1)
			err = add(pl, lang, "wait_one");
		else if (min == 2 && !strcmp(lang, "ar"))
			err = add(pl, lang, "wait_two");
		else if (min > ANNOUNCE_NUM_MAX)
			err = add(pl, lang, "wait_long");
		else {
			err = add_num(pl, lang, (unsigned)min);
			if (err)
				goto out;
			if (!strcmp(lang, "ar") && min >= 3 && min <= 10)
				err = add(pl, lang, "minutes_few");
			else if (!strcmp(lang, "ar"))
				err = add(pl, lang, "minutes_many");
			else
				err = add(pl, lang, "minutes");
		}
	}
 out:
	if (err) {
		mem_deref(pl);
		return err;
	}
	*plp = pl;
	return 0;
}
