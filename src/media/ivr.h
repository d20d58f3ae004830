/* ivr.h — an IVR menu of the center's configuration run as a pure state
 * machine: key presses, prompt ends and time in; actions out. */
#ifndef PLATEAU_MEDIA_IVR_H
#define PLATEAU_MEDIA_IVR_H

/*
 * No I/O and no clock: every input carries `now` (ms, never decreasing)
 * and answers with one action for the driver (the SIP side), which plays
 * prompts with media_play() and calls ivr_tick() at ivr_deadline().
 *
 * A menu plays its prompt (in the caller's language, else the first
 * language it has), then waits timeout_s for a key. Keys are taken while
 * the prompt plays too (barge-in: the driver stops the player). A key of
 * the menu routes: to a queue (done), or into another menu. A timeout or
 * a key the menu does not have counts as a try: the prompt is played
 * again (after "invalid choice" for a bad key) up to `retries` times,
 * then the menu's default route is taken; a default with neither queue
 * nor menu hangs up. Going through more than IVR_HOPS_MAX menus (a loop
 * in the configuration) hangs up.
 *
 * Errors: EINVAL bad argument, ENOENT unknown menu, EALREADY input after
 * the IVR is done; then the state is unchanged.
 */

#include <stdbool.h>
#include <stdint.h>
#include "config/center.h"

#define IVR_HOPS_MAX 16         /* menus entered before giving up        */
#define IVR_NEVER INT64_MAX     /* no deadline                           */

enum ivr_action_type {
	IVR_ACT_NONE = 0,       /* nothing to do now                     */
	IVR_ACT_PLAY,           /* play the menu prompt (stop any other) */
	IVR_ACT_ROUTE,          /* queue the call; the IVR is done       */
	IVR_ACT_HANGUP,         /* say goodbye and hang up; done         */
};

struct ivr_action {
	enum ivr_action_type type;
	const struct center_ivr *menu; /* PLAY: the menu                  */
	const char *prompt;        /* PLAY: prompt text, in lang          */
	enum center_lang lang;     /* PLAY: prompt's language; ROUTE and
				      HANGUP: the caller's language       */
	bool invalid;              /* PLAY: say "invalid choice" first    */
	const char *queue;         /* ROUTE: queue id                     */
	const char *skills;        /* ROUTE: extra call skills, or NULL   */
};

enum ivr_state {
	IVR_IDLE = 0,           /* not started                           */
	IVR_PLAYING,            /* the prompt plays; keys are taken      */
	IVR_WAITING,            /* waiting for a key until deadline      */
	IVR_DONE,               /* routed or hung up                     */
};

/* One caller's walk through the menus; plain struct, no allocation. */
struct ivr {
	const struct center *c;    /* configuration (not owned)           */
	const struct center_ivr *menu; /* current menu                    */
	enum center_lang lang;     /* caller's language                   */
	enum ivr_state state;      /* where it stands                     */
	unsigned tries;            /* prompt plays in this menu, beyond
				      the first                           */
	unsigned hops;             /* menus entered                       */
	int64_t deadline;          /* WAITING: when the wait ends, ms     */
};

int ivr_start(struct ivr *ivr, const struct center *c, const char *menu,
	      enum center_lang lang, int64_t now, struct ivr_action *act);
/* The prompt (from the last PLAY) has finished: the wait starts. */
int ivr_prompt_done(struct ivr *ivr, int64_t now, struct ivr_action *act);
/* A key: '0'-'9', '*', '#' (others are bad keys). */
int ivr_key(struct ivr *ivr, char key, int64_t now, struct ivr_action *act);
/* Time passes: a timeout when now reaches the deadline. */
int ivr_tick(struct ivr *ivr, int64_t now, struct ivr_action *act);
int64_t ivr_deadline(const struct ivr *ivr);

/* The prompt file for a menu text: "ivr/LANG-HASH.wav" under the prompt
 * dir (HASH: 16 hex digits of FNV-1a 64 of the text), so a changed text
 * is a new file. media_prompt_synth() makes it. */
int ivr_prompt_name(char *buf, size_t size, enum center_lang lang,
		    const char *text);

/* Synthesises text in lang into dir/ivr/LANG-HASH.wav with espeak-ng and
 * sox (8 kHz mono 16-bit) unless the file exists; blocks (run at server
 * start, once per menu prompt). Runs the programs directly, no shell.
 * EIO if a program fails. */
int media_prompt_synth(const char *dir, enum center_lang lang,
		       const char *text);

#endif
