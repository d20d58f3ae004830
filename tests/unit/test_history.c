/* test_history.c — history CSV to per-queue weekly series, and faults. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/csv.h"
#include "wfm/history.h"
#include "test.h"

/* Loads s at 1800 s intervals; on error copies the message to msg. */
static int load(const char *s, struct history **hp, char *msg, size_t size)
{
	struct csv *c = NULL;
	int err = csv_open_mem(&c, "h.csv", s, strlen(s), NULL);

	if (!err)
		err = history_load(c, 1800, hp);
	snprintf(msg, size, "%s", csv_error(c));
	csv_free(c);
	return err;
}

static int test_layout(void)
{
	/* 2026-12-09 is a Wednesday; 2026-12-14 the next Monday. */
	const char *s = "queue,interval_start,calls,aht_s\n"
			"fr,2026-12-09T10:00,12,300\n"
			"de,2026-12-14T08:30,3,250\n"
			"fr,2026-12-15T10:30,0,\n"
			"fr,2026-12-15T11:00,7,310\n";
	struct history *h = NULL;
	char msg[320];
	int err = load(s, &h, msg, sizeof(msg)), bad = 0;

	if (err)
		TEST_FAIL("%s", msg);
	/* Week of 2026-12-07 and of 2026-12-14: the end is 2026-12-21. */
	if (h->nqueues != 2 || h->period != 336 || !h->has_aht ||
	    h->rows != 4 || h->end != 1797811200)
		bad = 1;
	else if (strcmp(h->q[0].name, "fr") || h->q[0].nweeks != 2 ||
		 h->q[0].start != 1796601600)
		bad = 2;
	/* Wednesday 10:00 = slot 2 * 48 + 20. */
	else if (h->q[0].calls[116] != 12 || h->q[0].aht[116] != 300)
		bad = 3;
	else if (h->q[0].calls[336 + 48 + 22] != 7 ||
		 h->q[0].calls[336 + 48 + 21] != 0)
		bad = 4;
	/* de starts in the second week: one week of history. */
	else if (strcmp(h->q[1].name, "de") || h->q[1].nweeks != 1 ||
		 h->q[1].calls[17] != 3)
		bad = 5;
	history_free(h);
	TEST_EQ(bad, 0);
	return 0;
}

static int test_faults(void)
{
	static const struct {
		const char *in;
		const char *msg;
	} cases[] = {
		{"interval_start,calls\n2026-12-07T08:00,1\n",
		 "h.csv:1: header has no column 'queue'"},
		{"interval_start,queue,calls\n2026-12-07T08:10,fr,1\n",
		 "h.csv:2: column 1 (interval_start): not on the 1800 s "
		 "interval grid"},
		{"interval_start,queue,calls\n2026-12-07T08:00,fr,1\n"
		 "2026-12-07T08:30,fr,2\n2026-12-07T08:00,fr,3\n",
		 "h.csv:4: column 1 (interval_start): 2026-12-07T08:00 for "
		 "queue fr already given on line 2"},
		{"interval_start,queue,calls\n2026-12-07T08:00,\"f r\",1\n",
		 "column 2 (queue): queue name must be"},
		{"interval_start,queue,calls\n2026-12-07T08:00,fr,-1\n",
		 "column 3 (calls): -1 is out of range"},
		{"interval_start,queue,calls\n2026-12-07T08:00,fr,nan\n",
		 "'nan' is not a decimal number"},
		{"interval_start,queue,calls,aht_s\n2026-12-07T08:00,fr,4,\n",
		 "h.csv:2: column 4 (aht_s): empty, a value is required"},
		{"interval_start,queue,calls,aht_s\n2026-12-07T08:00,fr,4,0\n",
		 "column 4 (aht_s): 0 is out of range [1, 86400]"},
		{"interval_start,queue,calls\n", "h.csv:1: no data rows"},
		{"interval_start,queue,calls\n2026-12-07,fr,1\n"
		 "2026-12-08,fr\n",
		 "h.csv:3: 2 fields, the header has 3"},
		{"interval_start,queue,calls\n1900-01-01T00:00,fr,1\n"
		 "9999-12-31T00:00,fr,1\n", "history too long"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct history *h = NULL;
		char msg[320];
		int err = load(cases[i].in, &h, msg, sizeof(msg));

		if (!err || h || !strstr(msg, cases[i].msg)) {
			history_free(h);
			TEST_FAIL("case %zu: err %d msg '%s', "
				  "expected '%s'", i, err, msg, cases[i].msg);
		}
	}
	return 0;
}

static int test_too_many_queues(void)
{
	char *s = malloc(80 * 40);
	struct history *h = NULL;
	char msg[320];
	size_t n = 0;
	int err;

	TEST_ASSERT(s != NULL);
	n += (size_t)sprintf(s, "interval_start,queue,calls\n");
	for (int i = 0; i <= HISTORY_MAX_QUEUES; i++)
		n += (size_t)sprintf(s + n, "2026-12-07T08:00,q%d,1\n", i);
	err = load(s, &h, msg, sizeof(msg));
	free(s);
	history_free(h);
	TEST_EQ(err, E2BIG);
	TEST_ASSERT(strstr(msg, "h.csv:66: column 2 (queue): more than 64 "
			   "queues") != NULL);
	return 0;
}

static int test_week_start(void)
{
	/* 2026-12-13T23:30 is a Sunday: its week starts 2026-12-07. */
	TEST_EQ(history_week_start(1797204600), 1796601600);
	TEST_EQ(history_week_start(1796601600), 1796601600);
	/* Before 1970: 1969-12-31 (Wednesday) -> Monday 1969-12-29. */
	TEST_EQ(history_week_start(-3600), -3 * 86400);
	return 0;
}

/* Calls into slots: counts, mean handle of answered calls, the queue's
 * mean where none was answered, weeks from each queue's first Monday. */
static int test_from_calls(void)
{
	/* 1796601600 = Monday 2026-12-07 00:00 civil; +36000 = 10:00. */
	const int64_t mon = 1796601600, wed = mon + 2 * 86400;
	const struct history_call calls[] = {
		{mon + 36000, "fr", 100},        /* 10:00 */
		{mon + 36000 + 1799, "fr", 300}, /* 10:29:59, same slot */
		{mon + 36000 + 1800, "fr", 0},   /* 10:30, abandoned only */
		{wed + 7 * 86400 + 60, "de", 50},/* next week, Wed 00:01 */
	};
	struct history *h = NULL;
	char msg[160];
	int err = history_from_calls(calls, 4, 1800, &h, msg, sizeof(msg));
	const struct history_queue *fr, *de;

	if (err)
		TEST_FAIL("%s", msg);
	fr = &h->q[0];
	de = &h->q[1];
	TEST_ASSERT(h->nqueues == 2 && h->has_aht && h->rows == 4);
	TEST_ASSERT(h->end == mon + 14 * 86400);
	TEST_ASSERT(!strcmp(fr->name, "fr") && fr->start == mon &&
		    fr->nweeks == 2);
	TEST_ASSERT(!strcmp(de->name, "de") && de->start == mon + 7 * 86400 &&
		    de->nweeks == 1);
	TEST_ASSERT(fr->calls[20] == 2 && fr->aht[20] == 200);
	/* abandoned only: the mean of fr's answered calls, (100+300)/2 */
	TEST_ASSERT(fr->calls[21] == 1 && fr->aht[21] == 200);
	TEST_ASSERT(fr->calls[19] == 0 && fr->aht[19] == 0);
	TEST_ASSERT(de->calls[2 * 48] == 1 && de->aht[2 * 48] == 50);
	history_free(h);
	return 0;
}

static int test_from_calls_faults(void)
{
	struct history_call bad_name[] = {{0, "fr", 10}, {0, "f r", 10}};
	struct history_call bad_handle[] = {{0, "fr", -1}};
	struct history_call *many = calloc(HISTORY_MAX_QUEUES + 1,
					    sizeof(*many));
	char names[HISTORY_MAX_QUEUES + 1][8];
	struct history *h = NULL;
	char msg[160] = "";
	int err;

	TEST_ASSERT(many);
	err = history_from_calls(bad_name, 2, 1800, &h, msg, sizeof(msg));
	TEST_ASSERT(err == EINVAL && !h && strstr(msg, "'f r'"));
	err = history_from_calls(bad_handle, 1, 1800, &h, msg, sizeof(msg));
	TEST_ASSERT(err == EINVAL && !h && strstr(msg, "handle time"));
	err = history_from_calls(bad_handle, 0, 1800, &h, msg, sizeof(msg));
	TEST_ASSERT(err == EINVAL && !h);
	err = history_from_calls(bad_name, 1, 1700, &h, msg, sizeof(msg));
	TEST_ASSERT(err == EINVAL && !h);
	for (size_t i = 0; i <= HISTORY_MAX_QUEUES; i++) {
		snprintf(names[i], sizeof(names[i]), "q%zu", i);
		many[i].queue = names[i];
	}
	err = history_from_calls(many, HISTORY_MAX_QUEUES + 1, 1800, &h, msg,
				 sizeof(msg));
	free(many);
	TEST_ASSERT(err == E2BIG && !h && strstr(msg, "queues"));
	return 0;
}

const struct test tests_history[] = {
	{"layout", test_layout},
	{"faults", test_faults},
	{"too_many_queues", test_too_many_queues},
	{"week_start", test_week_start},
	{"from_calls", test_from_calls},
	{"from_calls_faults", test_from_calls_faults},
	{NULL, NULL}
};
