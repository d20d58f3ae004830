/* civil.h — wall-clock dates and times without a time zone ("civil" time). */
#ifndef PLATEAU_CIVIL_H
#define PLATEAU_CIVIL_H

#include <stddef.h>
#include <stdint.h>

/* Civil time is the time printed on the site's wall clock: no zone, no
 * daylight saving, every day exactly 86400 s. Planning data (interval
 * starts, week starts) is kept this way so that 10:00 is always 10:00,
 * whatever Morocco's clock rules do that month. A civil time is held as
 * seconds since 1970-01-01T00:00:00 (civil), which may be negative. */

/* Longest text civil_format() writes, with its NUL. */
#define CIVIL_TEXT_MAX 20

/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a
 * space may stand for the 'T'), years 1900..9999, into *secp. Returns
 * EINVAL for anything else, including a day that does not exist
 * (2026-02-30); *secp is then unchanged. */
int civil_parse(const char *s, int64_t *secp);

/* Writes "YYYY-MM-DDTHH:MM" (or "...:SS" when the seconds are not zero)
 * into buf; returns EINVAL if size < CIVIL_TEXT_MAX or the year is
 * outside 1900..9999. */
int civil_format(int64_t sec, char *buf, size_t size);

/* Writes "YYYY-MM-DD" into buf (size >= 11). */
int civil_format_date(int64_t sec, char *buf, size_t size);

/* Day of the week of a civil time: 0 = Monday ... 6 = Sunday. */
unsigned civil_weekday(int64_t sec);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t civil_days(int64_t year, unsigned month, unsigned day);

#endif
