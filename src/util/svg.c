/* svg.c — a small chart writer: lines and bars, two y axes, standalone SVG. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "util/svg.h"

static const char *const palette[SVG_MAX_SERIES] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
	"#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
};

/* Average advance of a 12 px sans-serif character, px: for layout only. */
#define CHAR_W 6.8

/* Geometry of one drawing, px. */
struct layout {
	double w, h;          /* whole picture                        */
	double x0, y0;        /* top-left corner of the plot area     */
	double pw, ph;        /* plot area size                       */
	double lo[2], hi[2];  /* axis bounds, data units              */
	double step[2];       /* tick step, data units                */
	bool used[2];         /* axis has at least one series         */
};

void svg_nice_axis(double lo, double hi, unsigned want, double *minp,
		   double *maxp, double *stepp)
{
	double span, raw, mag, norm, step;

	if (want < 2)
		want = 2;
	if (!isfinite(lo) || !isfinite(hi) || hi < lo) {
		lo = 0;
		hi = 1;
	}
	if (hi == lo) {
		double pad = fabs(hi) > 0 ? fabs(hi) * 0.1 : 1;

		lo -= lo == 0 ? 0 : pad;
		hi += pad;
	}
	span = hi - lo;
	raw = span / (want - 1);
	mag = pow(10, floor(log10(raw)));
	norm = raw / mag;
	if (norm <= 1)
		step = 1 * mag;
	else if (norm <= 2)
		step = 2 * mag;
	else if (norm <= 5)
		step = 5 * mag;
	else
		step = 10 * mag;
	*minp = floor(lo / step) * step;
	*maxp = ceil(hi / step) * step;
	if (*maxp <= *minp)
		*maxp = *minp + step;
	*stepp = step;
}

/* Writes s with &, <, >, " and ' escaped; control bytes dropped. */
static void put_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if ((unsigned char)*s >= 0x20)
				fputc(*s, f);
		}
	}
}

static bool is_color(const char *s)
{
	if (!s || s[0] != '#' || strlen(s) != 7)
		return false;
	for (int i = 1; i < 7; i++) {
		char ch = s[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		      (ch >= 'A' && ch <= 'F')))
			return false;
	}
	return true;
}

static int check(const struct svg_chart *ch)
{
	if (!ch || !ch->labels || ch->n == 0 || ch->n > SVG_MAX_SLOTS ||
	    !ch->series || ch->nseries == 0 || ch->nseries > SVG_MAX_SERIES)
		return EINVAL;
	for (size_t i = 0; i < ch->n; i++) {
		if (!ch->labels[i])
			return EINVAL;
	}
	for (size_t k = 0; k < ch->nseries; k++) {
		const struct svg_series *s = &ch->series[k];

		if (!s->y || s->axis > 1 || !s->name ||
		    (s->kind != SVG_LINE && s->kind != SVG_BAR) ||
		    (s->color && !is_color(s->color)))
			return EINVAL;
		if (s->axis == 1 && !ch->y_title[1])
			return EINVAL;
		for (size_t i = 0; i < ch->n; i++) {
			if (isinf(s->y[i]))
				return EINVAL;
		}
	}
	return 0;
}

/* Number of decimals that show a tick step exactly enough. */
static int decimals(double step)
{
	int d = (int)-floor(log10(step) + 1e-9);

	return d < 0 ? 0 : d > 6 ? 6 : d;
}

static double ypx(const struct layout *L, unsigned axis, double v)
{
	double lo = L->lo[axis], hi = L->hi[axis];

	return L->y0 + L->ph - (v - lo) / (hi - lo) * L->ph;
}

static double slot_x(const struct layout *L, size_t n, size_t i)
{
	return L->x0 + (i + 0.5) * L->pw / n;
}

static void plan_layout(const struct svg_chart *ch, struct layout *L)
{
	double lo[2] = {0, 0}, hi[2] = {0, 0};

	memset(L, 0, sizeof(*L));
	L->w = ch->width ? ch->width : 960;
	L->h = ch->height ? ch->height : 480;
	for (size_t k = 0; k < ch->nseries; k++) {
		const struct svg_series *s = &ch->series[k];

		L->used[s->axis] = true;
		for (size_t i = 0; i < ch->n; i++) {
			if (isnan(s->y[i]))
				continue;
			if (s->y[i] < lo[s->axis])
				lo[s->axis] = s->y[i];
			if (s->y[i] > hi[s->axis])
				hi[s->axis] = s->y[i];
		}
	}
	for (unsigned a = 0; a < 2; a++)
		svg_nice_axis(lo[a], hi[a], 6, &L->lo[a], &L->hi[a],
			      &L->step[a]);
	L->x0 = 72;
	L->y0 = 64;
	L->pw = L->w - L->x0 - (L->used[1] ? 72 : 24);
	L->ph = L->h - L->y0 - (ch->x_title ? 64 : 44);
	if (L->pw < 40)
		L->pw = 40;
	if (L->ph < 40)
		L->ph = 40;
}

static void draw_axis(FILE *f, const struct svg_chart *ch,
		      const struct layout *L, unsigned a)
{
	int dec = decimals(L->step[a]);
	double x = a == 0 ? L->x0 : L->x0 + L->pw;
	size_t nt = (size_t)llround((L->hi[a] - L->lo[a]) / L->step[a]);

	fprintf(f, "<g class=\"axis-y%u\" font-size=\"12\" "
		"text-anchor=\"%s\">\n", a, a == 0 ? "end" : "start");
	for (size_t t = 0; t <= nt; t++) {
		double v = L->lo[a] + t * L->step[a];
		double y = ypx(L, a, v);

		if (a == 0 || !L->used[0])
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				"y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n", L->x0,
				y, L->x0 + L->pw, y);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"#333\"/>\n", x, y,
			a == 0 ? x - 5 : x + 5, y);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%.*f</text>\n",
			a == 0 ? x - 8 : x + 8, y + 4, dec, v);
	}
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#333\"/>\n", x, L->y0, x, L->y0 + L->ph);
	if (ch->y_title[a]) {
		double tx = a == 0 ? 16 : L->w - 12;
		double ty = L->y0 + L->ph / 2;

		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"middle\" "
			"transform=\"rotate(-90 %.1f %.1f)\">", tx, ty, tx,
			ty);
		put_text(f, ch->y_title[a]);
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);
}

static void draw_x(FILE *f, const struct svg_chart *ch,
		   const struct layout *L)
{
	size_t maxlen = 1, every;
	double yb = L->y0 + L->ph;

	for (size_t i = 0; i < ch->n; i++) {
		size_t len = strlen(ch->labels[i]);

		if (len > maxlen)
			maxlen = len;
	}
	/* Show every k-th label so that labels never overlap. */
	every = (size_t)ceil(ch->n * (maxlen * CHAR_W + 12) / L->pw);
	if (every < 1)
		every = 1;
	if (ch->label_step > 1)
		every = (every + ch->label_step - 1) / ch->label_step *
			ch->label_step;
	fputs("<g class=\"axis-x\" font-size=\"12\" "
	      "text-anchor=\"middle\">\n", f);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#333\"/>\n", L->x0, yb, L->x0 + L->pw, yb);
	for (size_t i = 0; i < ch->n; i += every) {
		double x = slot_x(L, ch->n, i);

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"#333\"/>\n", x, yb, x, yb + 5);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", x, yb + 20);
		put_text(f, ch->labels[i]);
		fputs("</text>\n", f);
	}
	if (ch->x_title) {
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", L->x0 + L->pw / 2,
			yb + 44);
		put_text(f, ch->x_title);
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);
}

static const char *color_of(const struct svg_chart *ch, size_t k)
{
	return ch->series[k].color ? ch->series[k].color : palette[k];
}

static void draw_bars(FILE *f, const struct svg_chart *ch,
		      const struct layout *L)
{
	size_t nbar = 0, b = 0;
	double sw = L->pw / ch->n;

	for (size_t k = 0; k < ch->nseries; k++)
		nbar += ch->series[k].kind == SVG_BAR;
	for (size_t k = 0; k < ch->nseries; k++) {
		const struct svg_series *s = &ch->series[k];
		double bw = sw * 0.8 / (nbar ? nbar : 1);
		double base;

		if (s->kind != SVG_BAR)
			continue;
		base = ypx(L, s->axis, fmax(L->lo[s->axis], 0));
		fprintf(f, "<g class=\"series\" fill=\"%s\">\n",
			color_of(ch, k));
		for (size_t i = 0; i < ch->n; i++) {
			double x = L->x0 + i * sw + sw * 0.1 + b * bw;
			double y;

			if (isnan(s->y[i]))
				continue;
			y = ypx(L, s->axis, s->y[i]);
			fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" "
				"width=\"%.2f\" height=\"%.2f\"><title>", x,
				fmin(y, base), bw, fabs(base - y));
			put_text(f, ch->labels[i]);
			fprintf(f, ": %g</title></rect>\n", s->y[i]);
		}
		fputs("</g>\n", f);
		b++;
	}
}

static void draw_lines(FILE *f, const struct svg_chart *ch,
		       const struct layout *L)
{
	for (size_t k = 0; k < ch->nseries; k++) {
		const struct svg_series *s = &ch->series[k];
		bool open = false;

		if (s->kind != SVG_LINE)
			continue;
		fprintf(f, "<g class=\"series\" fill=\"none\" stroke=\"%s\" "
			"stroke-width=\"2\">\n", color_of(ch, k));
		for (size_t i = 0; i < ch->n; i++) {
			if (isnan(s->y[i])) {
				if (open)
					fputs("\"/>\n", f);
				open = false;
				continue;
			}
			fprintf(f, "%s%.2f,%.2f", open ? " " :
				"<polyline points=\"", slot_x(L, ch->n, i),
				ypx(L, s->axis, s->y[i]));
			open = true;
		}
		if (open)
			fputs("\"/>\n", f);
		fputs("</g>\n", f);
	}
}

static void draw_legend(FILE *f, const struct svg_chart *ch,
			const struct layout *L)
{
	double x = L->x0;

	fputs("<g class=\"legend\" font-size=\"12\">\n", f);
	for (size_t k = 0; k < ch->nseries; k++) {
		const struct svg_series *s = &ch->series[k];

		if (s->kind == SVG_BAR)
			fprintf(f, "<rect x=\"%.1f\" y=\"36\" width=\"14\" "
				"height=\"10\" fill=\"%s\"/>\n", x,
				color_of(ch, k));
		else
			fprintf(f, "<line x1=\"%.1f\" y1=\"41\" x2=\"%.1f\" "
				"y2=\"41\" stroke=\"%s\" "
				"stroke-width=\"2\"/>\n",
				x, x + 14, color_of(ch, k));
		fprintf(f, "<text x=\"%.1f\" y=\"45\">", x + 18);
		put_text(f, s->name);
		if (L->used[0] && L->used[1])
			fputs(s->axis ? " (right)" : " (left)", f);
		fputs("</text>\n", f);
		x += 18 + (strlen(s->name) + (L->used[1] ? 8 : 0)) * CHAR_W +
		     20;
	}
	fputs("</g>\n", f);
}

int svg_chart_write(FILE *f, const struct svg_chart *ch)
{
	struct layout L;
	int err;

	if (!f)
		return EINVAL;
	err = check(ch);
	if (err)
		return err;
	plan_layout(ch, &L);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"sans-serif\">\n", L.w, L.h, L.w, L.h);
	fputs("<title>", f);
	put_text(f, ch->title);
	fputs("</title>\n", f);
	fprintf(f, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>\n",
		L.w, L.h);
	fprintf(f, "<text x=\"%.1f\" y=\"22\" font-size=\"16\" "
		"font-weight=\"bold\" text-anchor=\"middle\">", L.w / 2);
	put_text(f, ch->title);
	fputs("</text>\n", f);
	for (unsigned a = 0; a < 2; a++) {
		if (L.used[a])
			draw_axis(f, ch, &L, a);
	}
	draw_x(f, ch, &L);
	draw_bars(f, ch, &L);
	draw_lines(f, ch, &L);
	draw_legend(f, ch, &L);
	fputs("</svg>\n", f);
	if (fflush(f) || ferror(f))
		return EIO;
	return 0;
}

int svg_chart_save(const char *path, const struct svg_chart *ch)
{
	char *tmp;
	size_t len;
	FILE *f;
	int fd, err;

	if (!path || !*path)
		return EINVAL;
	err = check(ch);
	if (err)
		return err;
	len = strlen(path) + sizeof(".tmpXXXXXX");
	tmp = malloc(len);
	if (!tmp)
		return ENOMEM;
	snprintf(tmp, len, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		free(tmp);
		return err;
	}
	{
		/* mkstemp makes the file 0600; give it the usual mode. */
		mode_t mask = umask(0);

		umask(mask);
		if (fchmod(fd, 0666 & ~mask)) {
			err = errno;
			close(fd);
			goto out;
		}
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		close(fd);
		goto out;
	}
	err = svg_chart_write(f, ch);
	if (fclose(f) && !err)
		err = EIO;
	if (!err && rename(tmp, path))
		err = errno;
 out:
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}
