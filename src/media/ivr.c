/* ivr.c — the IVR menu state machine (pure). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "media/ivr.h"

/* Menu lookup and language names, kept here so the IVR needs only the
 * model of center.h, not its loader. */
static const struct center_ivr *menu_find(const struct center *c,
					  const char *id)
{
	for (size_t i = 0; i < c->n_ivrs; i++) {
		if (c->ivrs[i].id && !strcmp(c->ivrs[i].id, id))
			return &c->ivrs[i];
	}
	return NULL;
}

static const char *const lang_names[CENTER_LANG_COUNT] = {
	"fr", "ar", "en", "de", "es",
};

static void act_clear(struct ivr_action *act)
{
	memset(act, 0, sizeof(*act));
}

/* The menu's prompt in lang, else in the first language it has. */
static const char *menu_prompt(const struct center_ivr *m,
			       enum center_lang lang,
			       enum center_lang *usedp)
{
	if (m->prompt[lang]) {
		*usedp = lang;
		return m->prompt[lang];
	}
	for (int l = 0; l < CENTER_LANG_COUNT; l++) {
		if (m->prompt[l]) {
			*usedp = (enum center_lang)l;
			return m->prompt[l];
		}
	}
	return NULL;
}

/* Plays the current menu's prompt, or waits at once if it has none. */
static void play(struct ivr *ivr, bool invalid, int64_t now,
		 struct ivr_action *act)
{
	enum center_lang used = ivr->lang;
	const char *text = menu_prompt(ivr->menu, ivr->lang, &used);

	act_clear(act);
	if (!text) {
		ivr->state = IVR_WAITING;
		ivr->deadline = now + (int64_t)ivr->menu->timeout_s * 1000;
		return;
	}
	ivr->state = IVR_PLAYING;
	ivr->deadline = IVR_NEVER;
	act->type = IVR_ACT_PLAY;
	act->menu = ivr->menu;
	act->prompt = text;
	act->lang = used;
	act->invalid = invalid;
}

static void finish(struct ivr *ivr, enum ivr_action_type type,
		   struct ivr_action *act)
{
	act_clear(act);
	ivr->state = IVR_DONE;
	ivr->deadline = IVR_NEVER;
	act->type = type;
	act->lang = ivr->lang;
}

/* Follows a route: a queue ends the IVR, a menu is entered. */
static void follow(struct ivr *ivr, const struct center_route *r,
		   int64_t now, struct ivr_action *act)
{
	const struct center_ivr *next;

	if (r->has_language)
		ivr->lang = r->language;
	if (r->queue) {
		finish(ivr, IVR_ACT_ROUTE, act);
		act->queue = r->queue;
		act->skills = r->skills;
		return;
	}
	next = r->menu ? menu_find(ivr->c, r->menu) : NULL;
	if (!next || ivr->hops >= IVR_HOPS_MAX) {
		finish(ivr, IVR_ACT_HANGUP, act);
		return;
	}
	ivr->menu = next;
	ivr->hops++;
	ivr->tries = 0;
	play(ivr, false, now, act);
}

/* A timeout or a bad key: play again, or take the default. */
static void retry(struct ivr *ivr, bool invalid, int64_t now,
		  struct ivr_action *act)
{
	if (ivr->tries < ivr->menu->retries) {
		ivr->tries++;
		play(ivr, invalid, now, act);
		return;
	}
	follow(ivr, &ivr->menu->dflt, now, act);
}

int ivr_start(struct ivr *ivr, const struct center *c, const char *menu,
	      enum center_lang lang, int64_t now, struct ivr_action *act)
{
	const struct center_ivr *m;

	if (!ivr || !c || !menu || !act || (int)lang < 0 ||
	    lang >= CENTER_LANG_COUNT)
		return EINVAL;
	m = menu_find(c, menu);
	if (!m)
		return ENOENT;

	memset(ivr, 0, sizeof(*ivr));
	ivr->c = c;
	ivr->menu = m;
	ivr->lang = lang;
	ivr->hops = 1;
	play(ivr, false, now, act);
	return 0;
}

int ivr_prompt_done(struct ivr *ivr, int64_t now, struct ivr_action *act)
{
	if (!ivr || !act || ivr->state == IVR_IDLE)
		return EINVAL;
	if (ivr->state == IVR_DONE)
		return EALREADY;
	act_clear(act);
	if (ivr->state == IVR_PLAYING) {
		ivr->state = IVR_WAITING;
		ivr->deadline = now + (int64_t)ivr->menu->timeout_s * 1000;
	}
	return 0;
}

int ivr_key(struct ivr *ivr, char key, int64_t now, struct ivr_action *act)
{
	const struct center_ivr *m;

	if (!ivr || !act || ivr->state == IVR_IDLE)
		return EINVAL;
	if (ivr->state == IVR_DONE)
		return EALREADY;
	m = ivr->menu;
	for (size_t i = 0; i < m->n_options; i++) {
		if (m->options[i].key == key) {
			follow(ivr, &m->options[i].route, now, act);
			return 0;
		}
	}
	retry(ivr, true, now, act);
	return 0;
}

int ivr_tick(struct ivr *ivr, int64_t now, struct ivr_action *act)
{
	if (!ivr || !act || ivr->state == IVR_IDLE)
		return EINVAL;
	if (ivr->state == IVR_DONE)
		return EALREADY;
	act_clear(act);
	if (ivr->state == IVR_WAITING && now >= ivr->deadline)
		retry(ivr, false, now, act);
	return 0;
}

int64_t ivr_deadline(const struct ivr *ivr)
{
	return ivr && ivr->state == IVR_WAITING ? ivr->deadline : IVR_NEVER;
}

/* ---------------------------------------------------------------------
 * Prompt files of menus
 * ------------------------------------------------------------------- */

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int ivr_prompt_name(char *buf, size_t size, enum center_lang lang,
		    const char *text)
{
	const char *l;
	int n;

	if (!buf || !text || (int)lang < 0 || lang >= CENTER_LANG_COUNT)
		return EINVAL;
	l = lang_names[lang];
	n = snprintf(buf, size, "ivr/%s-%016llx.wav", l,
		     (unsigned long long)fnv1a64(text));
	return n < 0 || (size_t)n >= size ? ENOSPC : 0;
}
