/* args.c — strict parsing of numeric and date options, one-line errors. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/args.h"
#include "util/civil.h"

int args_need(const char *cmd, const char *opt, const char *val)
{
	if (val)
		return 0;
	fprintf(stderr, "%s: %s needs a value\n", cmd, opt);
	return EINVAL;
}

int args_long(const char *cmd, const char *opt, const char *val, long min,
	      long max, long *outp)
{
	const char *s = val;
	char *end = NULL;
	long v;

	if (args_need(cmd, opt, val))
		return EINVAL;
	if (*s == '+' || *s == '-')
		s++;
	if (*s < '0' || *s > '9')
		goto bad;
	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*outp = v;
	return 0;
 bad:
	fprintf(stderr, "%s: %s must be a whole number from %ld to %ld, "
		"got '%s'\n", cmd, opt, min, max, val);
	return EINVAL;
}

int args_double(const char *cmd, const char *opt, const char *val,
		double min, double max, double *outp)
{
	const char *s = val;
	size_t ndig = 0;
	double v;

	if (args_need(cmd, opt, val))
		return EINVAL;
	/* Only [+-]digits[.digits][e[+-]digits]: strtod alone would take
	 * "nan", "inf" and hex. */
	if (*s == '+' || *s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		ndig++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			ndig++;
	if (!ndig)
		goto bad;
	if (*s == 'e' || *s == 'E') {
		size_t edig = 0;

		s++;
		if (*s == '+' || *s == '-')
			s++;
		for (; *s >= '0' && *s <= '9'; s++)
			edig++;
		if (!edig)
			goto bad;
	}
	if (*s)
		goto bad;
	v = strtod(val, NULL);
	if (!isfinite(v) || v < min || v > max)
		goto bad;
	*outp = v;
	return 0;
 bad:
	fprintf(stderr, "%s: %s must be a number from %g to %g, got '%s'\n",
		cmd, opt, min, max, val);
	return EINVAL;
}

int args_date(const char *cmd, const char *opt, const char *val,
	      int64_t *outp)
{
	int64_t t;

	if (args_need(cmd, opt, val))
		return EINVAL;
	if (strlen(val) != 10 || civil_parse(val, &t)) {
		fprintf(stderr, "%s: %s must be a date YYYY-MM-DD, got '%s'\n",
			cmd, opt, val);
		return EINVAL;
	}
	*outp = t;
	return 0;
}

int args_path(const char *cmd, const char *opt, const char *val,
	      const char **outp)
{
	int err = args_need(cmd, opt, val);

	if (err)
		return err;
	if (!*val) {
		fprintf(stderr, "%s: %s needs a file name\n", cmd, opt);
		return EINVAL;
	}
	*outp = val;
	return 0;
}
