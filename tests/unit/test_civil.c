/* test_civil.c — zone-less dates and times: parse, print, weekday. */
#include <stdint.h>
#include "util/civil.h"
#include "test.h"

static int test_parse_format(void)
{
	static const struct {
		const char *in;
		int64_t sec;
		const char *out;
	} ok[] = {
		{"1970-01-01", 0, "1970-01-01T00:00"},
		{"2026-12-07T08:30", 1796632200, "2026-12-07T08:30"},
		{"2026-12-07 08:30:15", 1796632215, "2026-12-07T08:30:15"},
		{"2024-02-29T23:59", 1709251140, "2024-02-29T23:59"},
		{"1969-12-31T23:00", -3600, "1969-12-31T23:00"},
		{"2000-03-01", 951868800, "2000-03-01T00:00"},
	};
	static const char *const bad[] = {
		"", "2026-12-7", "2026-13-01", "2026-02-29", "1900-02-29",
		"2026-12-07T24:00", "2026-12-07T08:60", "2026-12-07T08",
		"2026-12-07x08:00", "2026/12/07", "1899-12-31",
		"2026-12-07T08:00:60",
		"+026-12-07", "2026-12-07T08:00Z",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char buf[CIVIL_TEXT_MAX];
		int64_t s = 0;

		TEST_EQ(civil_parse(ok[i].in, &s), 0);
		TEST_EQ(s, ok[i].sec);
		TEST_EQ(civil_format(s, buf, sizeof(buf)), 0);
		TEST_STREQ(buf, ok[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t s = 12345;

		if (civil_parse(bad[i], &s) != EINVAL || s != 12345)
			TEST_FAIL("'%s' accepted", bad[i]);
	}
	return 0;
}

static int test_weekday(void)
{
	int64_t s;

	TEST_EQ(civil_parse("2026-12-07", &s), 0);   /* a Monday   */
	TEST_EQ(civil_weekday(s), 0);
	TEST_EQ(civil_weekday(s + 5 * 86400 + 3600), 5);
	TEST_EQ(civil_weekday(0), 3);                 /* a Thursday */
	TEST_EQ(civil_weekday(-1), 2);                /* Wednesday  */
	return 0;
}

/* Every day from 1900 to 2100 round-trips through civil_days. */
static int test_days_roundtrip(void)
{
	int64_t prev = civil_days(1900, 1, 1) - 1;

	for (int y = 1900; y <= 2100; y++) {
		for (unsigned m = 1; m <= 12; m++) {
			for (unsigned d = 1; d <= 31; d++) {
				char in[32], out[32];
				int64_t s;

				snprintf(in, sizeof(in), "%04d-%02u-%02u", y,
					 m, d);
				if (civil_parse(in, &s))
					continue;
				if (s / 86400 != prev + 1)
					TEST_FAIL("%s not the day after", in);
				prev = s / 86400;
				TEST_EQ(civil_format_date(s, out, sizeof(out)),
					0);
				TEST_STREQ(out, in);
			}
		}
	}
	TEST_EQ(prev, civil_days(2100, 12, 31));
	return 0;
}

const struct test tests_civil[] = {
	{"parse_format", test_parse_format},
	{"weekday", test_weekday},
	{"days_roundtrip", test_days_roundtrip},
	{NULL, NULL}
};
