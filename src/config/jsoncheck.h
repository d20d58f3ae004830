/* jsoncheck.h — strict JSON syntax check with the position of the error. */
#ifndef PLATEAU_JSONCHECK_H
#define PLATEAU_JSONCHECK_H

#include <stddef.h>

#define JSONCHECK_DEPTH 16         /* deepest nesting accepted          */

struct jsoncheck_pos {
	size_t offset;             /* byte offset of the error            */
	unsigned line;             /* 1-based line                        */
	unsigned col;              /* 1-based column, in characters       */
	const char *what;          /* static text, e.g. "expected ':'"    */
};

/* 0 if s[0..len) is one JSON value within the limits above (nesting,
 * numbers of at most 15 integer digits and |exponent| <= 300, valid
 * UTF-8, no \u0000); EBADMSG with *pos filled otherwise. */
int jsoncheck(const char *s, size_t len, struct jsoncheck_pos *pos);

#endif
