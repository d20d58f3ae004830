/* test_svg.c — the chart writer: axes, series, escaping, errors, saving. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include "util/svg.h"
#include "test.h"

/* Renders ch into a NUL-terminated string in *sp (caller frees). */
static int render(const struct svg_chart *ch, char **sp)
{
	size_t len = 0;
	FILE *f = open_memstream(sp, &len);
	int err;

	if (!f)
		return ENOMEM;
	err = svg_chart_write(f, ch);
	fclose(f);
	return err;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (s = strstr(s, what); s; s = strstr(s + 1, what))
		n++;
	return n;
}

/* A minimal well-formedness check: every element opened is closed in
 * order, attributes are quoted, and no bare '&' or '<' appears in text. */
static bool well_formed(const char *s)
{
	char stack[32][32];
	size_t depth = 0;

	if (strncmp(s, "<?xml ", 6))
		return false;
	s = strstr(s, "?>");
	if (!s)
		return false;
	for (s += 2; *s; s++) {
		const char *e;
		size_t n;

		if (*s == '&') {
			if (strncmp(s, "&amp;", 5) && strncmp(s, "&lt;", 4) &&
			    strncmp(s, "&gt;", 4) && strncmp(s, "&quot;", 6) &&
			    strncmp(s, "&apos;", 6))
				return false;
			continue;
		}
		if (*s != '<')
			continue;
		e = strchr(s, '>');
		if (!e)
			return false;
		if (s[1] == '/') {
			n = (size_t)(e - s - 2);
			if (!depth || strlen(stack[depth - 1]) != n ||
			    strncmp(stack[depth - 1], s + 2, n))
				return false;
			depth--;
		}
		else if (e[-1] != '/') {
			n = strcspn(s + 1, " >");
			if (depth == 32 || n >= 32)
				return false;
			memcpy(stack[depth], s + 1, n);
			stack[depth++][n] = '\0';
		}
		s = e;
	}
	return depth == 0;
}

static int test_nice_axis(void)
{
	double lo, hi, step;

	svg_nice_axis(0, 97, 6, &lo, &hi, &step);
	TEST_NEAR(lo, 0, 0);
	TEST_NEAR(hi, 100, 1e-9);
	TEST_NEAR(step, 20, 1e-9);
	svg_nice_axis(0, 0, 6, &lo, &hi, &step);
	TEST_ASSERT(hi > lo);
	svg_nice_axis(-3.2, 41, 5, &lo, &hi, &step);
	TEST_NEAR(step, 20, 1e-9);
	TEST_NEAR(lo, -20, 1e-9);
	TEST_NEAR(hi, 60, 1e-9);
	svg_nice_axis(0, 0.37, 6, &lo, &hi, &step);
	TEST_NEAR(step, 0.1, 1e-12);
	TEST_NEAR(hi, 0.4, 1e-12);
	return 0;
}

static int test_chart(void)
{
	const char *labels[5] = {"Mon", "Tue", "Wed", "Thu", "Fri"};
	double need[5] = {10, 12, NAN, 14, 15};
	double hires[5] = {3, 0, 4, NAN, 2};
	struct svg_series series[2] = {
		{"need <agents>", SVG_LINE, 0, need, NULL},
		{"hires & classes", SVG_BAR, 1, hires, "#00aa00"},
	};
	struct svg_chart ch = {
		.title = "Plan \"Rabat\"", .x_title = "week",
		.y_title = {"agents", "hires"}, .labels = labels, .n = 5,
		.series = series, .nseries = 2,
	};
	char *s = NULL;
	int err = render(&ch, &s);

	if (err) {
		free(s);
		TEST_FAIL("render: %d", err);
	}
	err = 0;
	if (!well_formed(s))
		err = 1;
	else if (!strstr(s, "Plan &quot;Rabat&quot;"))
		err = 2;
	else if (!strstr(s, "need &lt;agents&gt; (left)") ||
		 !strstr(s, "hires &amp; classes (right)"))
		err = 3;
	else if (count(s, "<polyline") != 2)  /* NaN splits the line */
		err = 4;
	else if (count(s, "<rect x=") != 4 + 1) /* 4 bars + 1 swatch */
		err = 5;
	else if (!strstr(s, "class=\"axis-y1\"") || !strstr(s, ">Wed</text>"))
		err = 6;
	else if (!strstr(s, "fill=\"#00aa00\""))
		err = 7;
	free(s);
	TEST_EQ(err, 0);
	return 0;
}

/* Many slots: labels thin out so they never overlap. */
static int test_label_thinning(void)
{
	enum { N = 336 };
	char text[N][32];
	const char *labels[N];
	double y[N];
	struct svg_series series = {"calls", SVG_LINE, 0, y, NULL};
	struct svg_chart ch = {
		.title = "week", .y_title = {"calls", NULL},
		.labels = labels, .n = N, .series = &series, .nseries = 1,
	};
	char *s = NULL;
	size_t shown;
	int err;

	for (int i = 0; i < N; i++) {
		snprintf(text[i], sizeof(text[i]), "d%d %02d:%02d", i / 48,
			 i % 48 / 2, i % 2 * 30);
		labels[i] = text[i];
		y[i] = 50 + 40 * sin(i / 7.0);
	}
	err = render(&ch, &s);
	if (err) {
		free(s);
		TEST_FAIL("render: %d", err);
	}
	shown = count(s, ">d");
	err = well_formed(s) ? 0 : EINVAL;
	free(s);
	TEST_EQ(err, 0);
	/* 864 px of plot over ~67 px per label: at most 13 labels. */
	TEST_ASSERT(shown >= 5 && shown <= 13);

	/* With a step of a day (48 slots), labels fall on midnights only. */
	ch.label_step = 48;
	s = NULL;
	err = render(&ch, &s);
	if (err) {
		free(s);
		TEST_FAIL("render: %d", err);
	}
	shown = count(s, ">d");
	err = count(s, " 00:00</text>") == shown ? 0 : EINVAL;
	free(s);
	TEST_EQ(err, 0);
	TEST_ASSERT(shown >= 3 && shown <= 7);
	return 0;
}

static int test_bad_charts(void)
{
	const char *labels[2] = {"a", "b"};
	double y[2] = {1, 2}, yinf[2] = {1, INFINITY};
	struct svg_series s = {"s", SVG_LINE, 0, y, NULL};
	struct svg_chart ch = {
		.title = "t", .labels = labels, .n = 2, .series = &s,
		.nseries = 1,
	};
	char *out = NULL;
	int err;

	err = render(&ch, &out);
	free(out);
	out = NULL;
	TEST_EQ(err, 0);
	ch.n = 0;
	TEST_EQ(svg_chart_write(stdout, &ch), EINVAL);
	ch.n = 2;
	s.y = yinf;
	TEST_EQ(svg_chart_write(stdout, &ch), EINVAL);
	s.y = y;
	s.axis = 1;  /* right axis without a title */
	TEST_EQ(svg_chart_write(stdout, &ch), EINVAL);
	s.axis = 2;
	TEST_EQ(svg_chart_write(stdout, &ch), EINVAL);
	s.axis = 0;
	s.color = "red\" onload=\"x";
	TEST_EQ(svg_chart_write(stdout, &ch), EINVAL);
	s.color = NULL;
	ch.nseries = 0;
	TEST_EQ(svg_chart_write(stdout, &ch), EINVAL);
	TEST_EQ(svg_chart_write(stdout, NULL), EINVAL);
	return 0;
}

static int test_save(void)
{
	char dir[] = "/tmp/plateau-svg-XXXXXX";
	char path[64], bad[80];
	const char *labels[1] = {"x"};
	double y[1] = {3};
	struct svg_series s = {"s", SVG_BAR, 0, y, NULL};
	struct svg_chart ch = {
		.title = "t", .labels = labels, .n = 1, .series = &s,
		.nseries = 1,
	};
	char head[6] = "";
	FILE *f;
	int err, err2;

	TEST_ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/c.svg", dir);
	snprintf(bad, sizeof(bad), "%s/no/such/dir.svg", dir);
	err = svg_chart_save(path, &ch);
	err2 = svg_chart_save(bad, &ch);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(head, sizeof(head), f))
			head[0] = '\0';
		fclose(f);
	}
	unlink(path);
	rmdir(dir);
	TEST_EQ(err, 0);
	TEST_EQ(err2, ENOENT);
	TEST_STREQ(head, "<?xml");
	return 0;
}

const struct test tests_svg[] = {
	{"nice_axis", test_nice_axis},
	{"chart", test_chart},
	{"label_thinning", test_label_thinning},
	{"bad_charts", test_bad_charts},
	{"save", test_save},
	{NULL, NULL}
};
