/* test_csv.c — the strict CSV reader: quoting, limits, typed fields. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "util/csv.h"
#include "test.h"

/* Opens s (with a name "t.csv") into *cp; the caller frees. */
static int open_str(struct csv **cp, const char *s)
{
	return csv_open_mem(cp, "t.csv", s, strlen(s), NULL);
}

/* Reads every record of s; returns the error of the first failure (0 if
 * none) and the number of records read into *np. */
static int read_all(const char *s, const struct csv_limits *lim,
		    size_t *np, char *msg, size_t msgsize)
{
	struct csv *c = NULL;
	bool got = true;
	size_t n = 0;
	int err;

	err = csv_open_mem(&c, "t.csv", s, strlen(s), lim);
	while (!err) {
		err = csv_next(c, &got);
		if (err || !got)
			break;
		n++;
	}
	if (msg)
		snprintf(msg, msgsize, "%s", csv_error(c));
	csv_free(c);
	*np = n;
	return err;
}

static int test_quoting(void)
{
	const char *s = "a,b,c\r\n"
			"\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
			",\"\",plain\n"
			"1,2,3";
	struct csv *c = NULL;
	bool got = false;
	int err;

	err = open_str(&c, s);
	TEST_EQ(err, 0);
	TEST_EQ(csv_columns(c), 3);
	TEST_STREQ(csv_column_name(c, 2), "c");
	err = csv_next(c, &got);
	if (err || !got)
		goto fail;
	TEST_EQ(csv_line(c), 2);
	if (strcmp(csv_field(c, 0), "x,1") ||
	    strcmp(csv_field(c, 1), "say \"hi\"") ||
	    strcmp(csv_field(c, 2), "two\nlines"))
		goto fail;
	err = csv_next(c, &got);
	if (err || !got || csv_line(c) != 4 || strcmp(csv_field(c, 0), "") ||
	    strcmp(csv_field(c, 1), "") || strcmp(csv_field(c, 2), "plain"))
		goto fail;
	err = csv_next(c, &got);
	if (err || !got || csv_line(c) != 5 || strcmp(csv_field(c, 2), "3"))
		goto fail;
	err = csv_next(c, &got);
	if (err || got)
		goto fail;
	csv_free(c);
	return 0;
 fail:
	fprintf(stderr, "  err %d: %s\n", err, csv_error(c));
	csv_free(c);
	return EINVAL;
}

/* Malformed inputs: each must fail with the message fragment given. */
static int test_malformed(void)
{
	static const struct {
		const char *in;
		int err;
		const char *msg;
	} cases[] = {
		{"", EINVAL, "t.csv:1: empty file"},
		{"a,a\n", EINVAL, "t.csv:1: column 2: column name 'a' "
		 "appears twice"},
		{"a,,b\n", EINVAL, "column 2: empty column name"},
		{"a,b\n1,2\n\n3,4\n", EINVAL, "t.csv:3: empty line"},
		{"a,b\n1,2,3\n", EINVAL,
		 "t.csv:2: 3 fields, the header has 2"},
		{"a,b\n1\n", EINVAL, "t.csv:2: 1 fields, the header has 2"},
		{"a,b\n1,x\"y\n", EINVAL,
		 "t.csv:2: column 2 (b): quote inside"},
		{"a,b\n1,\"xy\"z\n", EINVAL,
		 "column 2 (b): text after closing"},
		{"a,b\n1,\"xy\n\n", EINVAL,
		 "t.csv:2: column 2 (b): quote opened here is never closed"},
		{"a,b\n1,2\r3,4\n", EINVAL, "carriage return not followed"},
		{"\xef\xbb" "a\n", EINVAL, "bad byte-order mark"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char msg[320];
		size_t n;
		int err = read_all(cases[i].in, NULL, &n, msg, sizeof(msg));

		if (err != cases[i].err || !strstr(msg, cases[i].msg))
			TEST_FAIL("case %zu: err %d msg '%s', "
				  "expected %d '%s'",
				  i, err, msg, cases[i].err, cases[i].msg);
	}
	return 0;
}

static int test_nul_byte(void)
{
	static const char in[] = "a,b\n1,2\0x\n";
	struct csv *c = NULL;
	bool got;
	int err;

	err = csv_open_mem(&c, "t.csv", in, sizeof(in) - 1, NULL);
	TEST_EQ(err, 0);
	err = csv_next(c, &got);
	if (err != EINVAL || !strstr(csv_error(c), "NUL byte")) {
		csv_free(c);
		TEST_FAIL("NUL byte accepted (err %d)", err);
	}
	/* The error is sticky: no further records come out. */
	err = csv_next(c, &got);
	csv_free(c);
	TEST_EQ(err, EINVAL);
	return 0;
}

static int test_bom_and_crlf(void)
{
	size_t n;
	int err = read_all("\xef\xbb\xbfx,y\r\n1,2\r\n3,4\r\n", NULL, &n,
			   NULL, 0);

	TEST_EQ(err, 0);
	TEST_EQ(n, 2);
	return 0;
}

static int test_limits(void)
{
	struct csv_limits lim = {.max_line = 16, .max_rows = 2,
				 .max_cols = 3};
	char msg[320];
	size_t n;
	int err;

	err = read_all("a,b\n1,2\n3,4\n", &lim, &n, msg, sizeof(msg));
	TEST_EQ(err, 0);
	TEST_EQ(n, 2);
	err = read_all("a,b\n1,2\n3,4\n5,6\n", &lim, &n, msg, sizeof(msg));
	TEST_EQ(err, E2BIG);
	TEST_EQ(n, 2);
	TEST_ASSERT(strstr(msg, "t.csv:4: more than 2 data rows"));
	err = read_all("a,b\n1,12345678901234567\n", &lim, &n, msg,
		       sizeof(msg));
	TEST_EQ(err, E2BIG);
	TEST_ASSERT(strstr(msg, "t.csv:2: record longer than 16 bytes"));
	/* A quoted field counts its quotes and escapes too. */
	err = read_all("a\n\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\n", &lim, &n,
		       msg, sizeof(msg));
	TEST_EQ(err, E2BIG);
	/* Exactly 16 bytes is fine. */
	err = read_all("a,b\n1,23456789012345\n", &lim, &n, msg, sizeof(msg));
	TEST_EQ(err, 0);
	err = read_all("a,b,c,d\n", &lim, &n, msg, sizeof(msg));
	TEST_EQ(err, E2BIG);
	TEST_ASSERT(strstr(msg, "more than 3 fields"));
	return 0;
}

/* Numbers: what is accepted, what is rejected and how it is reported. */
static int test_numbers(void)
{
	static const struct {
		const char *text;
		int err;          /* expected from csv_double          */
		double v;         /* value when accepted               */
		const char *msg;  /* fragment of the message on error  */
	} cases[] = {
		{"12", 0, 12, NULL},
		{"-3.25", 0, -3.25, NULL},
		{"+0.5", 0, 0.5, NULL},
		{".5", 0, 0.5, NULL},
		{"5.", 0, 5, NULL},
		{"1e3", 0, 1000, NULL},
		{"2.5E-1", 0, 0.25, NULL},
		{"nan", EINVAL, 0, "'nan' is not a decimal number"},
		{"NaN", EINVAL, 0, "not a decimal number"},
		{"inf", EINVAL, 0, "'inf' is not a decimal number"},
		{"-Infinity", EINVAL, 0, "not a decimal number"},
		{"1e999", ERANGE, 0, "'1e999' is too large"},
		{"12abc", EINVAL, 0, "'12abc' is not a decimal number"},
		{"0x10", EINVAL, 0, "not a decimal number"},
		{" 12", EINVAL, 0, "not a decimal number"},
		{"12 ", EINVAL, 0, "not a decimal number"},
		{"1e", EINVAL, 0, "not a decimal number"},
		{".", EINVAL, 0, "not a decimal number"},
		{"1.2.3", EINVAL, 0, "not a decimal number"},
		{"", EINVAL, 0, "t.csv:2: column 2 (v): empty, a value is "
		 "required"},
		{"1001", ERANGE, 0, "1001 is out of range [-1000, 1000]"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char in[128];
		struct csv *c = NULL;
		double v = -99;
		bool got = false;
		size_t col;
		int err;

		snprintf(in, sizeof(in), "k,v\nx,\"%s\"\n", cases[i].text);
		err = open_str(&c, in);
		if (!err)
			err = csv_column(c, "v", true, &col);
		if (!err)
			err = csv_next(c, &got);
		if (err || !got) {
			csv_free(c);
			TEST_FAIL("case %zu: setup failed", i);
		}
		err = csv_double(c, col, -1000, 1000, &v);
		if (err != cases[i].err ||
		    (!err && v != cases[i].v) ||
		    (err && v != -99) ||
		    (err && !strstr(csv_error(c), cases[i].msg))) {
			fprintf(stderr, "  case %zu '%s': err %d v %g "
				"msg '%s'\n",
				i, cases[i].text, err, v, csv_error(c));
			csv_free(c);
			return EINVAL;
		}
		csv_free(c);
	}
	return 0;
}

static int test_integers_and_time(void)
{
	const char *s = "n,t\n42,2026-12-07T08:30\n4.2,2026-02-30T08:00\n"
			"99999999999999999999,2026-12-07 25:00\n";
	struct csv *c = NULL;
	long long n = 0;
	int64_t t = 0;
	bool got;
	int err, bad = 0;

	err = open_str(&c, s);
	TEST_EQ(err, 0);
	if (csv_next(c, &got) || csv_int(c, 0, 0, 100, &n) || n != 42 ||
	    csv_time(c, 1, &t) || t != 1796632200)
		bad = 1;
	if (csv_int(c, 0, 0, 10, &n) != ERANGE)
		bad = 2;
	if (csv_next(c, &got) || csv_int(c, 0, 0, 100, &n) != EINVAL ||
	    !strstr(csv_error(c), "'4.2' is not a whole number"))
		bad = 3;
	if (csv_time(c, 1, &t) != EINVAL ||
	    !strstr(csv_error(c), "t.csv:3: column 2 (t): '2026-02-30T08:00'"))
		bad = 4;
	if (csv_next(c, &got) || csv_int(c, 0, LLONG_MIN, LLONG_MAX, &n) !=
	    ERANGE || csv_time(c, 1, &t) != EINVAL)
		bad = 5;
	if (bad)
		fprintf(stderr, "  step %d: %s\n", bad, csv_error(c));
	csv_free(c);
	TEST_EQ(bad, 0);
	return 0;
}

static int test_columns(void)
{
	struct csv *c = NULL;
	size_t col = 7;
	int err, e2;

	err = open_str(&c, "interval_start,calls\n");
	TEST_EQ(err, 0);
	err = csv_column(c, "aht_s", false, &col);
	e2 = csv_column(c, "queue", true, &col);
	if (err || col != SIZE_MAX || e2 != ENOENT ||
	    !strstr(csv_error(c), "t.csv:1: header has no column 'queue'")) {
		csv_free(c);
		TEST_FAIL("optional/required columns misreported");
	}
	err = csv_column(c, "calls", true, &col);
	csv_free(c);
	TEST_EQ(err, 0);
	TEST_EQ(col, 1);
	return 0;
}

static int test_file(void)
{
	char path[] = "/tmp/plateau-csv-XXXXXX";
	struct csv *c = NULL;
	int fd = mkstemp(path);
	const char *s = "a,b\n1,2\n";
	bool got = false;
	double v = 0;
	int err;

	TEST_ASSERT(fd >= 0);
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
		close(fd);
		unlink(path);
		TEST_FAIL("write");
	}
	close(fd);
	err = csv_open_file(&c, path, NULL);
	if (!err)
		err = csv_next(c, &got);
	if (!err)
		err = csv_double(c, 1, 0, 10, &v);
	csv_free(c);
	c = NULL;
	unlink(path);
	TEST_EQ(err, 0);
	TEST_ASSERT(got);
	TEST_NEAR(v, 2, 0);
	/* A missing file: an error naming it. */
	err = csv_open_file(&c, path, NULL);
	if (err != ENOENT || !strstr(csv_error(c), "cannot open")) {
		csv_free(c);
		TEST_FAIL("missing file: err %d", err);
	}
	csv_free(c);
	return 0;
}

const struct test tests_csv[] = {
	{"quoting", test_quoting},
	{"malformed", test_malformed},
	{"nul_byte", test_nul_byte},
	{"bom_and_crlf", test_bom_and_crlf},
	{"limits", test_limits},
	{"numbers", test_numbers},
	{"integers_and_time", test_integers_and_time},
	{"columns", test_columns},
	{"file", test_file},
	{NULL, NULL}
};
