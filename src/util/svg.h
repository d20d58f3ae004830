/* svg.h — writes line and bar charts over labelled intervals as SVG files. */
#ifndef PLATEAU_SVG_H
#define PLATEAU_SVG_H

#include <stddef.h>
#include <stdio.h>

/* A chart: n slots along x, each with a label ("Mon 08:00", "2027-W03"),
 * and one or more series of n values drawn as lines or grouped bars.
 * Each series belongs to the left (0) or right (1) y axis; each axis gets
 * its own scale, nice ticks and title. NaN in a series is a gap. */

enum svg_kind {
	SVG_LINE,   /* a polyline through the slot centres  */
	SVG_BAR,    /* a bar per slot, bar series side by side */
};

struct svg_series {
	const char *name;     /* legend text                         */
	enum svg_kind kind;   /* line or bar                         */
	unsigned axis;        /* 0 left y axis, 1 right y axis       */
	const double *y;      /* n values, NaN for none              */
	const char *color;    /* "#rrggbb", or NULL for the palette  */
};

struct svg_chart {
	const char *title;          /* above the plot                 */
	const char *x_title;        /* under the x labels, or NULL    */
	const char *y_title[2];     /* left and right axis titles     */
	const char *const *labels;  /* n slot labels                  */
	size_t n;                   /* slots, >= 1                    */
	const struct svg_series *series; /* nseries series            */
	size_t nseries;             /* >= 1, at most SVG_MAX_SERIES   */
	unsigned width;             /* pixels; 0 = 960                */
	unsigned height;            /* pixels; 0 = 480                */
	size_t label_step;          /* label only slots i with i % step
				     * == 0 (a day of intervals); 0: any */
};

#define SVG_MAX_SERIES 8
#define SVG_MAX_SLOTS 100000

/* Writes a standalone SVG document to f. Returns EINVAL when the chart
 * is malformed (no slots, no series, a NULL y, an infinite value, an
 * axis other than 0 or 1, a series on the right axis with no title for
 * it), EIO on a write error. Text is XML-escaped. */
int svg_chart_write(FILE *f, const struct svg_chart *ch);

/* Writes the chart to path, through a temporary file renamed into place,
 * so a failure leaves any previous file untouched. */
int svg_chart_save(const char *path, const struct svg_chart *ch);

/* Picks a "nice" axis for values in [lo, hi]: a step of 1, 2 or 5 x 10^k
 * giving about `want` ticks, and the rounded-out bounds. */
void svg_nice_axis(double lo, double hi, unsigned want, double *minp,
		   double *maxp, double *stepp);

#endif
