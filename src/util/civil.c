/* civil.c — parsing and printing zone-less wall-clock dates and times. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "util/civil.h"

/* Days from 1970-01-01 to year-month-day, proleptic Gregorian. Works on
 * 400-year eras so that it needs no tables and no loops. */
int64_t civil_days(int64_t year, unsigned month, unsigned day)
{
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                        /* [0, 399] */
	int64_t mp = (month + 9) % 12;                      /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + day - 1;         /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */

	return era * 146097 + doe - 719468;
}

/* Inverse of civil_days(). */
static void civil_from_days(int64_t z, int64_t *yp, unsigned *mp,
			    unsigned *dp)
{
	int64_t era, doe, yoe, y, doy, mp0;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp0 = (5 * doy + 2) / 153;
	*dp = (unsigned)(doy - (153 * mp0 + 2) / 5 + 1);
	*mp = (unsigned)(mp0 < 10 ? mp0 + 3 : mp0 - 9);
	*yp = y + (*mp <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned days[12] = {31, 28, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n decimal digits at s into *vp. */
static int digits(const char *s, unsigned n, unsigned *vp)
{
	unsigned v = 0;

	for (unsigned i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*vp = v;
	return 0;
}

int civil_parse(const char *s, int64_t *secp)
{
	unsigned y, mo, d, h = 0, mi = 0, se = 0;
	size_t len;

	if (!s || !secp)
		return EINVAL;
	len = strlen(s);
	if (len != 10 && len != 16 && len != 19)
		return EINVAL;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return EINVAL;
	if (len > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || digits(s + 11, 2, &h) ||
		    s[13] != ':' || digits(s + 14, 2, &mi))
			return EINVAL;
	}
	if (len > 16) {
		if (s[16] != ':' || digits(s + 17, 2, &se))
			return EINVAL;
	}
	if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return EINVAL;
	if (h > 23 || mi > 59 || se > 59)
		return EINVAL;
	*secp = civil_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

/* Splits sec into a date and a time of day. */
static void split(int64_t sec, int64_t *yp, unsigned *mop, unsigned *dp,
		  unsigned *todp)
{
	int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);

	*todp = (unsigned)(sec - days * 86400);
	civil_from_days(days, yp, mop, dp);
}

int civil_format(int64_t sec, char *buf, size_t size)
{
	int64_t y;
	unsigned mo, d, tod;

	if (!buf || size < CIVIL_TEXT_MAX)
		return EINVAL;
	split(sec, &y, &mo, &d, &tod);
	if (y < 1900 || y > 9999)
		return EINVAL;
	if (tod % 60)
		snprintf(buf, size, "%04d-%02u-%02uT%02u:%02u:%02u", (int)y,
			 mo, d, tod / 3600, tod / 60 % 60, tod % 60);
	else
		snprintf(buf, size, "%04d-%02u-%02uT%02u:%02u", (int)y, mo, d,
			 tod / 3600, tod / 60 % 60);
	return 0;
}

int civil_format_date(int64_t sec, char *buf, size_t size)
{
	int64_t y;
	unsigned mo, d, tod;

	if (!buf || size < 11)
		return EINVAL;
	split(sec, &y, &mo, &d, &tod);
	if (y < 1900 || y > 9999)
		return EINVAL;
	snprintf(buf, size, "%04d-%02u-%02u", (int)y, mo, d);
	return 0;
}

unsigned civil_weekday(int64_t sec)
{
	int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);

	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	return (unsigned)(((days % 7) + 7 + 3) % 7);
}
