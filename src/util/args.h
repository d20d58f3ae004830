/* args.h — checks one command-line option value and says what is wrong. */
#ifndef PLATEAU_ARGS_H
#define PLATEAU_ARGS_H

#include <stdint.h>

/* Each parser reads the value `val` of option `opt` for command `cmd`
 * ("plateau plan"). On success it writes *outp and returns 0; otherwise
 * it prints one line to stderr naming the option, what it expects and
 * what it got, leaves *outp alone and returns EINVAL. */

/* A whole number in [min, max]. */
int args_long(const char *cmd, const char *opt, const char *val, long min,
	      long max, long *outp);

/* A decimal number in [min, max] (no nan, inf, hex or junk). */
int args_double(const char *cmd, const char *opt, const char *val,
		double min, double max, double *outp);

/* A date "YYYY-MM-DD" as civil seconds (util/civil.h). */
int args_date(const char *cmd, const char *opt, const char *val,
	      int64_t *outp);

/* Prints "CMD: OPT needs a value" and returns EINVAL when val is NULL,
 * else 0. */
int args_need(const char *cmd, const char *opt, const char *val);

/* A non-empty file name. */
int args_path(const char *cmd, const char *opt, const char *val,
	      const char **outp);

#endif
