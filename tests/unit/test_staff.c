/* test_staff.c — staffing solve, shrinkage, and `plateau staff` parsing. */
#include <math.h>
#include <stdlib.h>
#include "test.h"
#include "cmd/staff.h"
#include "wfm/wfm.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int test_shrinkage_exact(void)
{
	volatile double shrink = 0.3;  /* what a naive reader would hold */
	uint32_t ppb = 0;
	unsigned s = 0;

	/* The trap: in binary, 21 / (1 - 0.3) is 30.000000000000004. */
	TEST_EQ((long long)ceil(21 / (1 - shrink)), 31);

	TEST_EQ(wfm_ppb_parse("0.3", &ppb), 0);
	TEST_EQ(ppb, 300000000);
	TEST_EQ(wfm_scheduled(21, ppb, &s), 0);
	TEST_EQ(s, 30);
	TEST_EQ(wfm_scheduled(22, ppb, &s), 0);
	TEST_EQ(s, 32);  /* 31.43 rounds up */
	TEST_EQ(wfm_ppb_parse(".25", &ppb), 0);
	TEST_EQ(wfm_scheduled(3, ppb, &s), 0);
	TEST_EQ(s, 4);
	TEST_EQ(wfm_ppb_parse("0", &ppb), 0);
	TEST_EQ(wfm_scheduled(7, ppb, &s), 0);
	TEST_EQ(s, 7);
	TEST_EQ(wfm_ppb_parse("0.999999999", &ppb), 0);
	TEST_EQ(wfm_scheduled(1, ppb, &s), 0);
	TEST_EQ(s, 1000000000);
	TEST_EQ(wfm_scheduled(20000, ppb, &s), ERANGE);
	TEST_EQ(wfm_scheduled(0, 0, &s), 0);
	TEST_EQ(s, 0);
	TEST_EQ(wfm_scheduled(1, WFM_PPB, &s), EINVAL);
	return 0;
}

static int test_ppb_parse_rejects(void)
{
	static const char *const bad[] = {
		"", ".", "-0.1", "+0.1", "1.5", "2", "0.3.1", "1e-1", " 0.3",
		"0.3 ", "0.1234567891", "1.000000001", "0x1", "nan", "30%"
	};
	uint32_t ppb = 42;

	for (size_t i = 0; i < NELEM(bad); i++) {
		if (wfm_ppb_parse(bad[i], &ppb) != EINVAL)
			TEST_FAIL("'%s' accepted", bad[i]);
	}
	TEST_EQ(ppb, 42);
	TEST_EQ(wfm_ppb_parse("1", &ppb), 0);
	TEST_EQ(ppb, WFM_PPB);
	TEST_EQ(wfm_ppb_parse("1.000", &ppb), 0);
	TEST_EQ(ppb, WFM_PPB);
	return 0;
}

/* Known answers: the classic 100 calls per half hour of 180 s at 80/20
 * needs 14 agents (13 give 79.6 %); 10 Erlangs at 1 % blocking need 18
 * lines (the Erlang B table). */
static int test_solve_known(void)
{
	struct wfm_traffic t = {.load = 10, .aht_s = 180, .target_s = 20};
	struct wfm_targets tg = {.sl = 0.8};
	struct wfm_eval e;
	unsigned n = 0;

	TEST_EQ(wfm_solve(WFM_ERLANG_C, &t, &tg, &n, &e), 0);
	TEST_EQ(n, 14);
	TEST_NEAR(e.service_level, 0.88835, 1e-5);
	TEST_EQ(wfm_eval(WFM_ERLANG_C, &t, 13, &e), 0);
	TEST_NEAR(e.service_level, 0.79559, 1e-5);

	struct wfm_targets tb = {.blocking = 0.01};
	TEST_EQ(wfm_solve(WFM_ERLANG_B, &t, &tb, &n, &e), 0);
	TEST_EQ(n, 18);
	return 0;
}

/* The answer meets every target and one agent fewer does not. */
static int test_solve_minimal(void)
{
	static const double loads[] = {0.05, 1, 7.3, 42, 250.5, 2000, 9999};
	static const struct wfm_targets tgs[] = {
		{.sl = 0.8}, {.sl = 0.95, .max_occupancy = 0.85},
		{.asa_s = 15}, {.max_occupancy = 0.9},
		{.sl = 0.7, .max_abandon = 0.03},
	};
	static const enum wfm_model ms[] = {WFM_ERLANG_C, WFM_ERLANG_A};

	for (size_t m = 0; m < NELEM(ms); m++)
	for (size_t i = 0; i < NELEM(loads); i++)
	for (size_t j = 0; j < NELEM(tgs); j++) {
		struct wfm_traffic t = {.load = loads[i], .aht_s = 200,
					.target_s = 20, .patience_s = 120};
		struct wfm_eval e;
		unsigned n = 0;

		if (tgs[j].max_abandon > 0 && ms[m] != WFM_ERLANG_A)
			continue;
		TEST_EQ(wfm_solve(ms[m], &t, &tgs[j], &n, &e), 0);
		TEST_ASSERT(n >= 1);
		TEST_EQ(e.agents, n);
		if (!wfm_meets(&e, &tgs[j]))
			TEST_FAIL("model %zu load %g target %zu: %u fails",
				  m, loads[i], j, n);
		if (n > 1) {
			TEST_EQ(wfm_eval(ms[m], &t, n - 1, &e), 0);
			if (wfm_meets(&e, &tgs[j]))
				TEST_FAIL("model %zu load %g target %zu: %u "
					  "also meets", m, loads[i], j, n - 1);
		}
	}
	return 0;
}

/* Every target the bisection relies on is monotone in N. */
static int test_targets_monotone(void)
{
	static const struct wfm_targets tgs[] = {
		{.sl = 0.8}, {.asa_s = 10}, {.max_abandon = 0.02},
		{.max_occupancy = 0.8},
	};

	for (size_t j = 0; j < NELEM(tgs); j++) {
		struct wfm_traffic t = {.load = 37.5, .aht_s = 240,
					.target_s = 15, .patience_s = 60};
		bool met = false;

		for (unsigned n = 1; n <= 80; n++) {
			struct wfm_eval e;

			TEST_EQ(wfm_eval(WFM_ERLANG_A, &t, n, &e), 0);
			if (met && !wfm_meets(&e, &tgs[j]))
				TEST_FAIL("target %zu met then lost at %u", j,
					  n);
			met = wfm_meets(&e, &tgs[j]);
		}
		TEST_ASSERT(met);
	}
	return 0;
}

static int test_solve_limits(void)
{
	struct wfm_traffic t = {.load = 9999, .aht_s = 180, .target_s = 20};
	struct wfm_targets tg = {.max_occupancy = 0.1};
	struct wfm_eval e;
	unsigned n = 77;

	TEST_EQ(wfm_solve(WFM_ERLANG_C, &t, &tg, &n, &e), ERANGE);
	TEST_EQ(n, 77);
	/* No target, or a target the model has not, is refused. */
	TEST_EQ(wfm_solve(WFM_ERLANG_C, &t, &(struct wfm_targets){0}, &n,
			  &e), EINVAL);
	TEST_EQ(wfm_solve(WFM_ERLANG_C, &t,
			  &(struct wfm_targets){.max_abandon = 0.1}, &n, &e),
		EINVAL);
	TEST_EQ(wfm_solve(WFM_ERLANG_B, &t, &(struct wfm_targets){.sl = 0.8},
			  &n, &e), EINVAL);
	TEST_EQ(wfm_solve(WFM_ERLANG_C, &t, &(struct wfm_targets){.sl = 1.5},
			  &n, &e), EINVAL);
	TEST_EQ(n, 77);
	/* Zero load needs nobody. */
	t.load = 0;
	TEST_EQ(wfm_solve(WFM_ERLANG_C, &t, &(struct wfm_targets){.sl = 0.8},
			  &n, &e), 0);
	TEST_EQ(n, 0);
	return 0;
}

/* ---------------------------------------------------------------------
 * The command's parsing
 * ------------------------------------------------------------------- */

static int parse(const char *line, struct staff_opts *o, char *err,
		 size_t errsz)
{
	char buf[512], *argv[40];
	int argc = 0;

	snprintf(buf, sizeof(buf), "staff %s", line);
	for (char *p = strtok(buf, " "); p && argc < 39;
	     p = strtok(NULL, " "))
		argv[argc++] = p;
	argv[argc] = NULL;
	return staff_parse_args(argc, argv, o, err, errsz);
}

static int test_parse_good(void)
{
	struct staff_opts o;
	char err[256];

	TEST_EQ(parse("--calls 100 --interval 1800 --aht 180 --target-time "
		      "20 --sl 0.8 --shrinkage 0.3 --json", &o, err,
		      sizeof(err)), 0);
	TEST_ASSERT(o.calls == 100 && o.aht_s == 180 && o.tg.sl == 0.8);
	TEST_EQ(o.shrink_ppb, 300000000);
	TEST_EQ(o.model, WFM_ERLANG_C);
	TEST_ASSERT(o.json);
	TEST_EQ(parse("--calls 100 --aht 180 --patience 90 --max-abandon "
		      "0.05", &o, err, sizeof(err)), 0);
	TEST_EQ(o.model, WFM_ERLANG_A);
	TEST_ASSERT(o.interval_s == 1800 && o.target_s == 20);
	TEST_EQ(parse("--calls 100 --aht 180 --blocking 0.01", &o, err,
		      sizeof(err)), 0);
	TEST_EQ(o.model, WFM_ERLANG_B);
	TEST_EQ(parse("--calls 100 --aht 180 --agents 12", &o, err,
		      sizeof(err)), 0);
	TEST_EQ(o.agents, 12);
	TEST_EQ(parse("--forecast f.csv --sl 0.9 --format csv --svg c.svg",
		      &o, err, sizeof(err)), 0);
	TEST_EQ(o.format, STAFF_CSV);
	TEST_STREQ(o.svg, "c.svg");
	return 0;
}

static int test_parse_bad(void)
{
	static const struct {
		const char *args;
		const char *names;  /* the message must contain this */
	} bad[] = {
		{"--calls -5 --aht 180 --sl .8", "--calls"},
		{"--calls 1e999 --aht 180 --sl .8", "--calls"},
		{"--calls nan --aht 180 --sl .8", "--calls"},
		{"--calls inf --aht 180 --sl .8", "--calls"},
		{"--calls 12abc --aht 180 --sl .8", "--calls"},
		{"--calls 0x10 --aht 180 --sl .8", "--calls"},
		{"--calls 100 --aht 0 --sl .8", "--aht"},
		{"--calls 100 --aht 180 --sl 0", "--sl"},
		{"--calls 100 --aht 180 --sl 1.01", "--sl"},
		{"--calls 100 --aht 180 --sl -0.5", "--sl"},
		{"--calls 100 --aht 180 --sl", "--sl"},
		{"--calls 100 --aht 180 --sl .8 --frobnicate", "--frobnicate"},
		{"--calls 100 --aht 180 --sl .8 extra", "extra"},
		{"--calls 100 --aht 180 --sl .8 --shrinkage 1", "--shrinkage"},
		{"--calls 100 --aht 180 --sl .8 --shrinkage 0.1234567891",
		 "--shrinkage"},
		{"--calls 100 --aht 180 --sl .8 --agents 0", "--agents"},
		{"--calls 100 --aht 180 --sl .8 --agents 1e3", "--agents"},
		{"--calls 100 --aht 180 --sl .8 --agents 20001", "--agents"},
		{"--calls 100 --aht 180 --sl .8 --model erlang-x", "--model"},
		{"--calls 100 --aht 180 --sl .8 --model erlang-a", "--patience"},
		{"--calls 100 --aht 180 --sl .8 --model erlang-c --patience 9",
		 "--patience"},
		{"--calls 100 --aht 180 --sl .8 --max-abandon 0.1",
		 "--max-abandon"},
		{"--calls 100 --aht 180 --sl .8 --blocking 0.01", "--blocking"},
		{"--calls 100 --aht 180 --sl .8 --patience 200000",
		 "--patience"},
		{"--calls 100 --aht 1 --sl .8 --patience 5000", "--patience"},
		{"--calls 100 --aht 180", "target"},
		{"--aht 180 --sl .8", "--calls"},
		{"--calls 100 --sl .8", "--aht"},
		{"--calls 1000000 --aht 180 --sl .8", "--calls"},
		{"--calls 100 --aht 180 --sl .8 --format csv", "--format"},
		{"--calls 100 --aht 180 --sl .8 --svg x.svg", "--svg"},
		{"--forecast f.csv --sl .8 --format xml", "--format"},
		{"--forecast f.csv --sl .8 --calls 10", "--calls"},
		{"--forecast f.csv --sl .8 --agents 10", "--agents"},
	};
	struct staff_opts o;
	char err[256];

	for (size_t i = 0; i < NELEM(bad); i++) {
		err[0] = '\0';
		if (parse(bad[i].args, &o, err, sizeof(err)) != EINVAL)
			TEST_FAIL("accepted: %s", bad[i].args);
		if (!strstr(err, bad[i].names))
			TEST_FAIL("'%s' does not name %s", err, bad[i].names);
		if (strchr(err, '\n'))
			TEST_FAIL("more than one line: %s", err);
	}
	return 0;
}

static int test_parse_number(void)
{
	static const char *const good[] = {"0", "12", "1.5", ".5", "5.",
					   "1e3", "2.5E-2", "-3", "+4"};
	static const char *const bad[] = {"", "-", ".", "e5", "1e", "1e+",
					  "1 ", " 1", "1,5", "nan", "inf",
					  "0x1p3", "1e400", "1e-400", "1..2"};
	double v;

	for (size_t i = 0; i < NELEM(good); i++)
		TEST_EQ(staff_parse_number(good[i], &v), 0);
	for (size_t i = 0; i < NELEM(bad); i++) {
		if (staff_parse_number(bad[i], &v) != EINVAL)
			TEST_FAIL("'%s' accepted", bad[i]);
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Forecast reading and the single-interval output
 * ------------------------------------------------------------------- */

static int test_forecast_read(void)
{
	static const char good[] =
		"interval_start,queue,calls,aht_s\n"
		"2026-11-30T08:00,billing,120,180\n"
		"2026-11-30T08:30,\"sales, fr\",55.5,240\r\n";
	struct staff_forecast f;
	char err[512];

	TEST_EQ(staff_forecast_read_mem("f.csv", good, sizeof(good) - 1, &f,
					err, sizeof(err)), 0);
	TEST_EQ(f.nrows, 2);
	TEST_STREQ(f.rows[1].queue, "sales, fr");
	TEST_ASSERT(f.rows[1].calls == 55.5 && f.rows[1].aht_s == 240);
	TEST_EQ(f.rows[1].start - f.rows[0].start, 1800);
	staff_forecast_free(&f);
	return 0;
}

static int test_forecast_bad(void)
{
	static const struct {
		const char *csv;
		const char *says;
	} bad[] = {
		{"interval_start,queue,calls\n2026-11-30T08:00,a,1\n",
		 "aht_s"},
		{"interval_start,queue,calls,aht_s\n", "no intervals"},
		{"interval_start,queue,calls,aht_s\n2026-11-30T08:00,a,-1,180\n",
		 ":2:"},
		{"interval_start,queue,calls,aht_s\n2026-02-30T08:00,a,1,180\n",
		 ":2:"},
		{"interval_start,queue,calls,aht_s\n2026-11-30T08:00,a,1,0\n",
		 ":2:"},
		{"interval_start,queue,calls,aht_s\n2026-11-30T08:00,,1,180\n",
		 ":2:"},
		{"interval_start,queue,calls,aht_s\n2026-11-30T08:00,a,1,nan\n",
		 ":2:"},
		{"interval_start,queue,calls,aht_s\n2026-11-30T08:00,a,1\n",
		 ":2"},
	};
	struct staff_forecast f;
	char err[512];

	for (size_t i = 0; i < NELEM(bad); i++) {
		err[0] = '\0';
		if (!staff_forecast_read_mem("f.csv", bad[i].csv,
					     strlen(bad[i].csv), &f, err,
					     sizeof(err)))
			TEST_FAIL("accepted: %s", bad[i].csv);
		if (!strstr(err, bad[i].says) || !strstr(err, "f.csv"))
			TEST_FAIL("case %zu: '%s' lacks '%s'", i, err,
				  bad[i].says);
		TEST_ASSERT(f.rows == NULL && f.nrows == 0);
	}
	return 0;
}

static int test_single_json(void)
{
	struct staff_opts o;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *m;

	TEST_EQ(parse("--calls 100 --aht 180 --agents 9 --json", &o, err,
		      sizeof(err)), 0);
	m = open_memstream(&buf, &len);
	TEST_ASSERT(m != NULL);
	TEST_EQ(staff_single(&o, m, stderr), 0);
	fclose(m);
	int ok = strstr(buf, "\"stable\": false") &&
		 strstr(buf, "\"asa_s\": null") &&
		 strstr(buf, "\"service_level\": 0,") &&
		 strstr(buf, "\"p_wait\": 1,") && !strstr(buf, "nan") &&
		 !strstr(buf, "inf");
	if (!ok)
		fprintf(stderr, "  got: %s", buf);
	free(buf);
	TEST_ASSERT(ok);
	return 0;
}

const struct test tests_staff[] = {
	{"shrinkage_exact", test_shrinkage_exact},
	{"ppb_parse_rejects", test_ppb_parse_rejects},
	{"solve_known", test_solve_known},
	{"solve_minimal", test_solve_minimal},
	{"targets_monotone", test_targets_monotone},
	{"solve_limits", test_solve_limits},
	{"parse_good", test_parse_good},
	{"parse_bad", test_parse_bad},
	{"parse_number", test_parse_number},
	{"forecast_read", test_forecast_read},
	{"forecast_bad", test_forecast_bad},
	{"single_json", test_single_json},
	{NULL, NULL}
};
