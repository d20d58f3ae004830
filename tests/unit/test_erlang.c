/* test_erlang.c — Erlang B, C and A against high-precision references. */
#include <math.h>
#include "test.h"
#include "wfm/wfm.h"
#include "erlang_ref.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The accuracy promised in wfm.h. */
#define REL 1e-9

/* Relative error within REL; a reference below the smallest normal
 * double must come out as (nearly) 0. */
static int close_rel(double got, double want)
{
	if (fabs(want) < 1e-300)
		return fabs(got) < 1e-300;
	return fabs(got - want) <= REL * fabs(want);
}

#define CHECK_REL(got, want, what, i)                                      \
	do {                                                               \
		if (!close_rel(got, want))                                 \
			TEST_FAIL("case %zu: %s = %.17g, reference %.17g " \
				  "(rel err %.3g)", i, what, got, want,    \
				  fabs(got - want) / fabs(want));          \
	} while (0)

static int test_b_reference(void)
{
	for (size_t i = 0; i < NELEM(ref_b); i++) {
		double b = -1;

		TEST_EQ(wfm_erlang_b(ref_b[i].load, ref_b[i].n, &b), 0);
		CHECK_REL(b, ref_b[i].blocking, "blocking", i);
	}
	return 0;
}

static int test_b_eval_matches(void)
{
	/* The evaluation's blocking and service level are B and 1 - B. */
	struct wfm_traffic t = {.load = 99.5, .aht_s = 180};
	struct wfm_eval e;
	double b;

	TEST_EQ(wfm_erlang_b(99.5, 100, &b), 0);
	TEST_EQ(wfm_eval(WFM_ERLANG_B, &t, 100, &e), 0);
	TEST_NEAR(e.blocking, b, 1e-15);
	TEST_NEAR(e.service_level, 1 - b, 1e-15);
	TEST_NEAR(e.occupancy, 99.5 * (1 - b) / 100, 1e-15);
	TEST_ASSERT(e.stable);
	return 0;
}

static int test_c_reference(void)
{
	for (size_t i = 0; i < NELEM(ref_c); i++) {
		const struct ref_c *r = &ref_c[i];
		struct wfm_traffic t = {.load = r->load, .aht_s = r->aht_s,
					.target_s = r->target_s};
		struct wfm_eval e;

		TEST_EQ(wfm_eval(WFM_ERLANG_C, &t, r->n, &e), 0);
		TEST_ASSERT(e.stable && e.has_asa);
		CHECK_REL(e.p_wait, r->p_wait, "p_wait", i);
		CHECK_REL(e.service_level, r->service_level, "sl", i);
		CHECK_REL(e.asa_s, r->asa_s, "asa", i);
		CHECK_REL(e.occupancy, r->load / r->n, "occupancy", i);
	}
	return 0;
}

static int test_a_reference(void)
{
	for (size_t i = 0; i < NELEM(ref_a); i++) {
		const struct ref_a *r = &ref_a[i];
		struct wfm_traffic t = {.load = r->load, .aht_s = r->aht_s,
					.target_s = r->target_s,
					.patience_s = r->patience_s};
		struct wfm_eval e;

		TEST_EQ(wfm_eval(WFM_ERLANG_A, &t, r->n, &e), 0);
		TEST_ASSERT(e.stable && e.has_asa);
		CHECK_REL(e.p_wait, r->p_wait, "p_wait", i);
		CHECK_REL(e.p_abandon, r->p_abandon, "p_abandon", i);
		CHECK_REL(e.service_level, r->service_level, "sl", i);
		CHECK_REL(e.asa_answered_s, r->asa_answered_s, "asa_ans", i);
		CHECK_REL(e.mean_wait_all_s, r->p_abandon * r->patience_s,
			  "mean_wait_all", i);
		CHECK_REL(e.occupancy, r->load * (1 - r->p_abandon) / r->n,
			  "occupancy", i);
	}
	return 0;
}

static int test_c_unstable(void)
{
	static const double loads[] = {10, 10.5, 12, 9999};
	struct wfm_eval e;

	for (size_t i = 0; i < NELEM(loads); i++) {
		struct wfm_traffic t = {.load = loads[i], .aht_s = 180,
					.target_s = 20};

		TEST_EQ(wfm_eval(WFM_ERLANG_C, &t, 10, &e), 0);
		TEST_ASSERT(!e.stable);
		TEST_ASSERT(e.p_wait == 1.0);
		TEST_ASSERT(e.service_level == 0.0);
		TEST_ASSERT(!e.has_asa);
		TEST_ASSERT(e.occupancy == 1.0);
		TEST_ASSERT(!wfm_meets(&e, &(struct wfm_targets){.sl = 0.01}));
	}
	/* Just below A = N it is stable, with finite figures. */
	struct wfm_traffic t = {.load = 9.999999, .aht_s = 180,
				.target_s = 20};
	TEST_EQ(wfm_eval(WFM_ERLANG_C, &t, 10, &e), 0);
	TEST_ASSERT(e.stable && e.has_asa && isfinite(e.asa_s));
	TEST_ASSERT(e.p_wait < 1 && e.p_wait > 0.99);
	return 0;
}

/* Every figure is finite and within its range over a wide grid. */
static int test_no_nan_or_inf(void)
{
	static const unsigned ns[] = {1, 2, 7, 50, 999, 10000, 20000};
	static const double loads[] = {0, 1e-9, 0.3, 6.5, 49.99, 1000,
				       9999.99, 10000};
	static const enum wfm_model ms[] = {WFM_ERLANG_B, WFM_ERLANG_C,
					    WFM_ERLANG_A};

	for (size_t m = 0; m < NELEM(ms); m++)
	for (size_t i = 0; i < NELEM(ns); i++)
	for (size_t j = 0; j < NELEM(loads); j++) {
		struct wfm_traffic t = {.load = loads[j], .aht_s = 180,
					.target_s = 20, .patience_s = 90};
		struct wfm_eval e;

		TEST_EQ(wfm_eval(ms[m], &t, ns[i], &e), 0);
		double v[] = {e.p_wait, e.service_level, e.occupancy,
			      e.p_abandon, e.blocking};
		for (size_t k = 0; k < NELEM(v); k++) {
			if (!(v[k] >= 0 && v[k] <= 1))
				TEST_FAIL("model %zu n %u load %g: figure %zu "
					  "= %g", m, ns[i], loads[j], k, v[k]);
		}
		if (e.has_asa && !(isfinite(e.asa_s) && e.asa_s >= 0))
			TEST_FAIL("asa %g", e.asa_s);
		TEST_ASSERT(isfinite(e.asa_answered_s));
		TEST_ASSERT(isfinite(e.mean_wait_all_s));
	}
	return 0;
}

/* SL rises (weakly) with N; ASA and P(abandon) fall. */
static int test_monotone_in_n(void)
{
	static const double loads[] = {0.7, 8, 95.5, 480};

	for (size_t i = 0; i < NELEM(loads); i++) {
		struct wfm_traffic t = {.load = loads[i], .aht_s = 200,
					.target_s = 20, .patience_s = 150};
		double prev_c = -1, prev_a = -1, prev_ab = 2, prev_asa = 1e300;

		for (unsigned n = 1; n <= (unsigned)(loads[i] * 1.6) + 5; n++) {
			struct wfm_eval c, a;

			TEST_EQ(wfm_eval(WFM_ERLANG_C, &t, n, &c), 0);
			TEST_EQ(wfm_eval(WFM_ERLANG_A, &t, n, &a), 0);
			if (c.service_level < prev_c)
				TEST_FAIL("C: SL falls at n=%u A=%g", n,
					  loads[i]);
			/* Relative: in deep overload SL is ~1e-100. */
			if (a.service_level < prev_a * (1 - 1e-12))
				TEST_FAIL("A: SL falls at n=%u A=%g", n,
					  loads[i]);
			if (a.p_abandon > prev_ab + 1e-15)
				TEST_FAIL("A: abandon rises at n=%u", n);
			if (c.has_asa && c.asa_s > prev_asa)
				TEST_FAIL("C: ASA rises at n=%u", n);
			prev_c = c.service_level;
			prev_a = a.service_level;
			prev_ab = a.p_abandon;
			if (c.has_asa)
				prev_asa = c.asa_s;
		}
		TEST_ASSERT(prev_c > 0.99 && prev_a > 0.99);
	}
	return 0;
}

/* As patience grows without bound, Erlang A tends to Erlang C. */
static int test_a_tends_to_c(void)
{
	static const double pats[] = {60, 600, 6000, 86400};
	struct wfm_traffic t = {.load = 90, .aht_s = 180, .target_s = 20};
	struct wfm_eval c, a;
	double prev = INFINITY;

	TEST_EQ(wfm_eval(WFM_ERLANG_C, &t, 96, &c), 0);
	for (size_t i = 0; i < NELEM(pats); i++) {
		t.patience_s = pats[i];
		TEST_EQ(wfm_eval(WFM_ERLANG_A, &t, 96, &a), 0);
		double d = fabs(a.p_wait - c.p_wait) +
			   fabs(a.service_level - c.service_level) +
			   fabs(a.asa_answered_s - c.asa_s) / c.asa_s;
		if (!(d < prev))
			TEST_FAIL("patience %g: distance %g, was %g", pats[i],
				  d, prev);
		prev = d;
	}
	/* At a day's patience (480 AHT) they agree to about 1 %. */
	TEST_ASSERT(prev < 0.02);
	TEST_ASSERT(a.p_abandon < 1e-3);
	return 0;
}

static int test_zero_load(void)
{
	struct wfm_traffic t = {.load = 0, .aht_s = 180, .target_s = 20,
				.patience_s = 60};
	struct wfm_eval e;
	double b = -1;

	TEST_EQ(wfm_eval(WFM_ERLANG_A, &t, 3, &e), 0);
	TEST_ASSERT(e.p_wait == 0 && e.service_level == 1 &&
		    e.occupancy == 0 && e.p_abandon == 0);
	TEST_EQ(wfm_erlang_b(0, 0, &b), 0);
	TEST_ASSERT(b == 1);
	TEST_EQ(wfm_erlang_b(0, 4, &b), 0);
	TEST_ASSERT(b == 0);
	return 0;
}

static int test_bad_arguments(void)
{
	struct wfm_traffic ok = {.load = 10, .aht_s = 180, .target_s = 20,
				 .patience_s = 60};
	struct wfm_traffic bad[] = {
		{.load = -1, .aht_s = 180, .target_s = 20, .patience_s = 60},
		{.load = NAN, .aht_s = 180, .target_s = 20, .patience_s = 60},
		{.load = 10001, .aht_s = 180, .target_s = 20,
		 .patience_s = 60},
		{.load = 10, .aht_s = 0, .target_s = 20, .patience_s = 60},
		{.load = 10, .aht_s = INFINITY, .target_s = 20,
		 .patience_s = 60},
		{.load = 10, .aht_s = 180, .target_s = -1, .patience_s = 60},
		{.load = 10, .aht_s = 180, .target_s = 20, .patience_s = 0},
		{.load = 10, .aht_s = 180, .target_s = 20,
		 .patience_s = 90000},
		{.load = 10, .aht_s = 1, .target_s = 20, .patience_s = 1001},
	};
	struct wfm_eval e = {.agents = 12345};
	double b = 7;

	for (size_t i = 0; i < NELEM(bad); i++) {
		if (wfm_eval(WFM_ERLANG_A, &bad[i], 10, &e) != EINVAL)
			TEST_FAIL("bad traffic %zu accepted", i);
	}
	TEST_EQ(wfm_eval(WFM_ERLANG_C, &ok, 0, &e), EINVAL);
	TEST_EQ(wfm_eval(WFM_ERLANG_C, &ok, WFM_MAX_AGENTS + 1, &e), EINVAL);
	TEST_EQ(wfm_eval(WFM_ERLANG_C, NULL, 10, &e), EINVAL);
	TEST_EQ(wfm_eval(WFM_ERLANG_C, &ok, 10, NULL), EINVAL);
	TEST_EQ(wfm_eval((enum wfm_model)7, &ok, 10, &e), EINVAL);
	TEST_EQ(e.agents, 12345);  /* untouched */
	TEST_EQ(wfm_erlang_b(-0.5, 3, &b), EINVAL);
	TEST_EQ(wfm_erlang_b(1, WFM_MAX_AGENTS + 1, &b), EINVAL);
	TEST_ASSERT(b == 7);
	return 0;
}

const struct test tests_erlang[] = {
	{"b_reference", test_b_reference},
	{"b_eval_matches", test_b_eval_matches},
	{"c_reference", test_c_reference},
	{"a_reference", test_a_reference},
	{"c_unstable", test_c_unstable},
	{"no_nan_or_inf", test_no_nan_or_inf},
	{"monotone_in_n", test_monotone_in_n},
	{"a_tends_to_c", test_a_tends_to_c},
	{"zero_load", test_zero_load},
	{"bad_arguments", test_bad_arguments},
	{NULL, NULL}
};
