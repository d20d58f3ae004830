/* test_ivr.c — the IVR menu state machine: prompts, keys, barge-in,
 * timeouts, retries, defaults, languages, submenus and loops; and the
 * synthesis of a menu prompt. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include "media/ivr.h"
#include "media/media.h"
#include "test.h"

/* main: 1 -> queue sales (fr), 2 -> menu "tech", 3 -> queue support in
 * Arabic with skills, 9 -> menu "loop"; default queue "general";
 * timeout 5 s, 2 retries. tech: prompt in en only; 1 -> queue tech;
 * default hang up; 1 retry. loop: no prompt; default -> loop again. */
static struct center_ivr menus[3];
static struct center center;

static void setup(void)
{
	memset(menus, 0, sizeof(menus));
	memset(&center, 0, sizeof(center));

	menus[0].id = "main";
	menus[0].prompt[CENTER_LANG_FR] = "Tapez 1 pour les ventes.";
	menus[0].prompt[CENTER_LANG_AR] = "اضغط 1 للمبيعات.";
	menus[0].options[0].key = '1';
	menus[0].options[0].route.queue = "sales";
	menus[0].options[1].key = '2';
	menus[0].options[1].route.menu = "tech";
	menus[0].options[2].key = '3';
	menus[0].options[2].route.queue = "support";
	menus[0].options[2].route.skills = "lang:ar>=3";
	menus[0].options[2].route.language = CENTER_LANG_AR;
	menus[0].options[2].route.has_language = true;
	menus[0].options[3].key = '9';
	menus[0].options[3].route.menu = "loop";
	menus[0].n_options = 4;
	menus[0].timeout_s = 5;
	menus[0].retries = 2;
	menus[0].dflt.queue = "general";

	menus[1].id = "tech";
	menus[1].prompt[CENTER_LANG_EN] = "Press 1 for technical support.";
	menus[1].options[0].key = '1';
	menus[1].options[0].route.queue = "tech";
	menus[1].n_options = 1;
	menus[1].timeout_s = 3;
	menus[1].retries = 1;

	menus[2].id = "loop";
	menus[2].timeout_s = 1;
	menus[2].retries = 0;
	menus[2].dflt.menu = "loop";

	center.ivrs = menus;
	center.n_ivrs = 3;
}

static int test_route_by_key(void)
{
	struct ivr ivr;
	struct ivr_action a;

	setup();
	TEST_EQ(ivr_start(&ivr, &center, "main", CENTER_LANG_FR, 1000, &a), 0);
	TEST_EQ(a.type, IVR_ACT_PLAY);
	TEST_STREQ(a.prompt, "Tapez 1 pour les ventes.");
	TEST_EQ(a.lang, CENTER_LANG_FR);
	TEST_ASSERT(!a.invalid);
	TEST_EQ(ivr_deadline(&ivr), IVR_NEVER);
	TEST_EQ(ivr_prompt_done(&ivr, 4000, &a), 0);
	TEST_EQ(a.type, IVR_ACT_NONE);
	TEST_EQ(ivr_deadline(&ivr), 9000);
	TEST_EQ(ivr_key(&ivr, '1', 5000, &a), 0);
	TEST_EQ(a.type, IVR_ACT_ROUTE);
	TEST_STREQ(a.queue, "sales");
	TEST_ASSERT(a.skills == NULL);
	TEST_EQ(a.lang, CENTER_LANG_FR);
	/* done: further input refused, nothing changes */
	TEST_EQ(ivr_key(&ivr, '2', 5100, &a), EALREADY);
	TEST_EQ(ivr_tick(&ivr, 99999, &a), EALREADY);
	TEST_EQ(ivr.state, IVR_DONE);
	return 0;
}

static int test_barge_in_language(void)
{
	struct ivr ivr;
	struct ivr_action a;

	setup();
	TEST_EQ(ivr_start(&ivr, &center, "main", CENTER_LANG_AR, 0, &a), 0);
	TEST_STREQ(a.prompt, "اضغط 1 للمبيعات.");
	/* a key while the prompt still plays */
	TEST_EQ(ivr_key(&ivr, '3', 500, &a), 0);
	TEST_EQ(a.type, IVR_ACT_ROUTE);
	TEST_STREQ(a.queue, "support");
	TEST_STREQ(a.skills, "lang:ar>=3");
	TEST_EQ(a.lang, CENTER_LANG_AR);
	return 0;
}

static int test_timeouts_then_default(void)
{
	struct ivr ivr;
	struct ivr_action a;
	int64_t now = 0;

	setup();
	TEST_EQ(ivr_start(&ivr, &center, "main", CENTER_LANG_FR, now, &a), 0);
	for (int replay = 0; replay < 2; replay++) {
		TEST_EQ(ivr_prompt_done(&ivr, now += 3000, &a), 0);
		/* not yet */
		TEST_EQ(ivr_tick(&ivr, now + 4999, &a), 0);
		TEST_EQ(a.type, IVR_ACT_NONE);
		TEST_EQ(ivr_tick(&ivr, now += 5000, &a), 0);
		TEST_EQ(a.type, IVR_ACT_PLAY);
		TEST_ASSERT(!a.invalid);
	}
	TEST_EQ(ivr_prompt_done(&ivr, now += 3000, &a), 0);
	TEST_EQ(ivr_tick(&ivr, now += 5000, &a), 0);
	TEST_EQ(a.type, IVR_ACT_ROUTE);
	TEST_STREQ(a.queue, "general");
	return 0;
}

static int test_bad_keys(void)
{
	struct ivr ivr;
	struct ivr_action a;

	setup();
	TEST_EQ(ivr_start(&ivr, &center, "main", CENTER_LANG_FR, 0, &a), 0);
	TEST_EQ(ivr_prompt_done(&ivr, 1000, &a), 0);
	TEST_EQ(ivr_key(&ivr, '7', 1500, &a), 0);
	TEST_EQ(a.type, IVR_ACT_PLAY);
	TEST_ASSERT(a.invalid);
	TEST_EQ(ivr_key(&ivr, '#', 1600, &a), 0);
	TEST_EQ(a.type, IVR_ACT_PLAY);
	TEST_ASSERT(a.invalid);
	TEST_EQ(ivr_key(&ivr, '*', 1700, &a), 0);
	TEST_EQ(a.type, IVR_ACT_ROUTE);
	TEST_STREQ(a.queue, "general");
	return 0;
}

static int test_submenu_fallback_hangup(void)
{
	struct ivr ivr;
	struct ivr_action a;

	setup();
	TEST_EQ(ivr_start(&ivr, &center, "main", CENTER_LANG_DE, 0, &a), 0);
	/* no German prompt: the first language the menu has (fr) */
	TEST_EQ(a.lang, CENTER_LANG_FR);
	TEST_EQ(ivr_key(&ivr, '2', 100, &a), 0);
	TEST_EQ(a.type, IVR_ACT_PLAY);
	TEST_ASSERT(a.menu == &menus[1]);
	TEST_EQ(a.lang, CENTER_LANG_EN);
	TEST_EQ(ivr_prompt_done(&ivr, 2000, &a), 0);
	TEST_EQ(ivr_deadline(&ivr), 5000);
	TEST_EQ(ivr_tick(&ivr, 5000, &a), 0);
	TEST_EQ(a.type, IVR_ACT_PLAY);
	TEST_EQ(ivr_prompt_done(&ivr, 7000, &a), 0);
	TEST_EQ(ivr_tick(&ivr, 10000, &a), 0);
	/* tech's default has neither queue nor menu */
	TEST_EQ(a.type, IVR_ACT_HANGUP);
	TEST_EQ(a.lang, CENTER_LANG_DE);
	return 0;
}

static int test_loop_guard(void)
{
	struct ivr ivr;
	struct ivr_action a;
	int64_t now = 0;
	int i;

	setup();
	TEST_EQ(ivr_start(&ivr, &center, "main", CENTER_LANG_FR, now, &a), 0);
	TEST_EQ(ivr_key(&ivr, '9', now, &a), 0);
	/* "loop" has no prompt: it waits at once */
	TEST_EQ(a.type, IVR_ACT_NONE);
	TEST_EQ(ivr.state, IVR_WAITING);
	for (i = 0; i < 100 && a.type != IVR_ACT_HANGUP; i++) {
		now = ivr_deadline(&ivr);
		TEST_EQ(ivr_tick(&ivr, now, &a), 0);
	}
	TEST_EQ(a.type, IVR_ACT_HANGUP);
	TEST_EQ(i, IVR_HOPS_MAX - 1);
	return 0;
}

static int test_args(void)
{
	struct ivr ivr;
	struct ivr_action a;

	setup();
	memset(&ivr, 0, sizeof(ivr));
	TEST_EQ(ivr_start(&ivr, &center, "nope", CENTER_LANG_FR, 0, &a),
		ENOENT);
	TEST_EQ(ivr.state, IVR_IDLE);
	TEST_EQ(ivr_start(&ivr, &center, "main", CENTER_LANG_COUNT, 0, &a),
		EINVAL);
	TEST_EQ(ivr_key(&ivr, '1', 0, &a), EINVAL);
	return 0;
}

static int test_prompt_name(void)
{
	char a[64], b[64], c[64];

	TEST_EQ(ivr_prompt_name(a, sizeof(a), CENTER_LANG_FR, "Bonjour"), 0);
	TEST_EQ(ivr_prompt_name(b, sizeof(b), CENTER_LANG_FR, "Bonjour!"), 0);
	TEST_EQ(ivr_prompt_name(c, sizeof(c), CENTER_LANG_AR, "Bonjour"), 0);
	TEST_EQ(strncmp(a, "ivr/fr-", 7), 0);
	TEST_EQ(strlen(a), strlen("ivr/fr-0123456789abcdef.wav"));
	TEST_ASSERT(strcmp(a, b) != 0);
	TEST_EQ(strncmp(c, "ivr/ar-", 7), 0);
	TEST_EQ(ivr_prompt_name(a, 10, CENTER_LANG_FR, "Bonjour"), ENOSPC);
	return 0;
}

static int test_prompt_synth(void)
{
	struct media_opts o = {.manual_tick = true};
	struct media *m = NULL;
	char dir[64], name[64], path[160];
	struct stat st1, st2;
	const char *text = "Tapez 1 pour les ventes.";
	int err;

	snprintf(dir, sizeof(dir), "/tmp/plateau-ivr-XXXXXX");
	if (!mkdtemp(dir))
		return errno;
	err = media_prompt_synth(dir, CENTER_LANG_FR, text);
	if (err)
		goto out;
	ivr_prompt_name(name, sizeof(name), CENTER_LANG_FR, text);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	err = stat(path, &st1);
	if (err)
		goto out;
	/* a second call finds it and leaves it alone */
	err = media_prompt_synth(dir, CENTER_LANG_FR, text);
	if (!err)
		err = stat(path, &st2);
	if (!err && st1.st_mtim.tv_nsec != st2.st_mtim.tv_nsec)
		err = EINVAL;
	/* it is a prompt a leg can play: 8 kHz mono 16-bit */
	o.prompt_dir = dir;
	if (!err)
		err = media_alloc(&m, NULL, 33000, 33100, &o);
	if (!err)
		err = media_audio_preload(m, name);
	if (err)
		fprintf(stderr, "  %s\n", media_errmsg(m));
	TEST_EQ(media_prompt_synth(dir, CENTER_LANG_FR, ""), EINVAL);
 out:
	mem_deref(m);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ivr", dir);
	rmdir(path);
	rmdir(dir);
	return err;
}

const struct test tests_ivr[] = {
	{"route_by_key", test_route_by_key},
	{"barge_in_language", test_barge_in_language},
	{"timeouts_then_default", test_timeouts_then_default},
	{"bad_keys", test_bad_keys},
	{"submenu_fallback_hangup", test_submenu_fallback_hangup},
	{"loop_guard", test_loop_guard},
	{"args", test_args},
	{"prompt_name", test_prompt_name},
	{"prompt_synth", test_prompt_synth},
	{NULL, NULL}
};
