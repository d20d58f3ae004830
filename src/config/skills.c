/* skills.c — syntax checks for agent skill lists and required-skill
 * expressions, so a bad one is reported with its JSON path at load. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "config/center.h"
#include "config/load.h"

/* A skill name: [a-z0-9] then [a-z0-9_.:-]*, at most CENTER_ID_MAX. */
static size_t skill_name(const char *s)
{
	size_t n = 0;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
	       s[n] == '_' || s[n] == '.' || s[n] == ':' || s[n] == '-')
		n++;
	return n <= CENTER_ID_MAX ? n : 0;
}

static const char *skip_sp(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

int skills_list_check(const char *s, char *why, size_t whysz)
{
	const char *names[64];
	size_t lens[64], n = 0;

	s = skip_sp(s);
	while (*s) {
		size_t len = skill_name(s);

		if (!len) {
			snprintf(why, whysz, "expected a skill name at '%.20s'",
				 s);
			return 1;
		}
		for (size_t k = 0; k < n; k++) {
			if (lens[k] == len && !memcmp(names[k], s, len)) {
				snprintf(why, whysz, "skill '%.*s' twice",
					 (int)len, s);
				return 1;
			}
		}
		if (n == 64) {
			snprintf(why, whysz, "more than 64 skills");
			return 1;
		}
		names[n] = s;
		lens[n++] = len;
		s += len;
		if (s[0] != '=' || s[1] < '1' || s[1] > '0' + ACD_LEVEL_MAX ||
		    (s[2] != ' ' && s[2] != '\0')) {
			snprintf(why, whysz, "skill '%.*s' needs a level "
				 "=1..%d", (int)len, s - len, ACD_LEVEL_MAX);
			return 1;
		}
		s = skip_sp(s + 2);
	}
	return 0;
}

int skills_expr_check(const char *s, char *why, size_t whysz)
{
	s = skip_sp(s);
	if (!*s)
		return 0;
	for (;;) {
		const char *name = s;
		size_t len = skill_name(s);

		if (!len) {
			snprintf(why, whysz, "expected a skill name at '%.20s'",
				 s);
			return 1;
		}
		s += len;
		if (s[0] == '>' && s[1] == '=') {
			s += 2;
		}
		else if (s[0] == '=') {
			s += 1;
		}
		else {
			snprintf(why, whysz, "skill '%.*s' needs '>=N' or "
				 "'=N'", (int)len, name);
			return 1;
		}
		if (*s < '1' || *s > '0' + ACD_LEVEL_MAX ||
		    (s[1] >= '0' && s[1] <= '9')) {
			snprintf(why, whysz, "level of '%.*s' must be 1..%d",
				 (int)len, name, ACD_LEVEL_MAX);
			return 1;
		}
		s = skip_sp(s + 1);
		if (!*s)
			return 0;
		if (*s != '&') {
			snprintf(why, whysz, "expected '&' at '%.20s'", s);
			return 1;
		}
		s = skip_sp(s + 1);
	}
}
