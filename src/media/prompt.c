/* prompt.c — synthesis of IVR menu prompts at server start: espeak-ng
 * then sox, run directly (no shell), into DIR/ivr/LANG-HASH.wav. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "media/ivr.h"

extern char **environ;

#define PROMPT_TEXT_MAX 2000   /* longest menu text synthesised, bytes */

static const char *const voices[CENTER_LANG_COUNT] = {
	"fr", "ar", "en-gb", "de", "es",
};

/* Runs argv[0] (found in PATH) and waits: 0 if it exited with 0. */
static int run(char *const argv[])
{
	pid_t pid;
	int st, err;

	err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (err)
		return err;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return errno;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : EIO;
}

int media_prompt_synth(const char *dir, enum center_lang lang,
		       const char *text)
{
	char name[64], path[1024], raw[1100], tmp[1100], ivrdir[1024];
	char say[PROMPT_TEXT_MAX + 2];
	struct stat st;
	int err;

	if (!dir || !text || !*text || (int)lang < 0 ||
	    lang >= CENTER_LANG_COUNT || strlen(text) > PROMPT_TEXT_MAX)
		return EINVAL;
	err = ivr_prompt_name(name, sizeof(name), lang, text);
	if (err)
		return err;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path) ||
	    snprintf(ivrdir, sizeof(ivrdir), "%s/ivr", dir) >=
	    (int)sizeof(ivrdir))
		return ENAMETOOLONG;
	if (0 == stat(path, &st) && st.st_size > 44)
		return 0;
	if (mkdir(ivrdir, 0755) && errno != EEXIST)
		return errno;
	snprintf(raw, sizeof(raw), "%s.raw.wav", path);
	snprintf(tmp, sizeof(tmp), "%s.tmp.wav", path);
	/* a leading space: a text starting with '-' is not an option */
	snprintf(say, sizeof(say), " %s", text);
	{
		char *const espeak[] = {
			"espeak-ng", "-v", (char *)voices[lang], "-s", "150",
			"-w", raw, say, NULL
		};
		char *const sox[] = {
			"sox", "-q", raw, "-r", "8000", "-c", "1", "-b", "16",
			"-e", "signed-integer", tmp, "norm", "-3", NULL
		};

		err = run(espeak);
		if (!err)
			err = run(sox);
	}
	unlink(raw);
	if (!err && rename(tmp, path))
		err = errno;
	if (err)
		unlink(tmp);
	return err;
}
