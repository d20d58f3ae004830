/* staff.h — `plateau staff`'s option parsing and forecast reading. */
#ifndef PLATEAU_CMD_STAFF_H
#define PLATEAU_CMD_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "wfm/wfm.h"

enum staff_format {
	STAFF_TABLE,  /* aligned text, for people */
	STAFF_CSV,    /* one row per interval and queue */
	STAFF_JSON,   /* one JSON document */
};

/* What the command line asked for; parsed and checked in full. */
struct staff_opts {
	bool help;              /* --help: print usage, do nothing else   */
	bool has_calls;         /* --calls given                          */
	double calls;           /* calls offered in the interval          */
	double interval_s;      /* interval length, s (default 1800)      */
	bool has_aht;           /* --aht given                            */
	double aht_s;           /* mean handle time, s                    */
	double target_s;        /* SL threshold T, s (default 20)         */
	struct wfm_targets tg;  /* targets; 0 fields are "none"           */
	uint32_t shrink_ppb;    /* shrinkage, parts per billion           */
	double patience_s;      /* mean patience, s; 0 = none (no abandon)*/
	unsigned agents;        /* --agents: evaluate; 0 = solve          */
	enum wfm_model model;   /* resolved model                         */
	bool json;              /* --json (single interval)               */
	const char *forecast;   /* --forecast FILE, or NULL               */
	enum staff_format format; /* --format for --forecast              */
	const char *svg;        /* --svg FILE, or NULL                    */
};

/* Parses argv (argv[0] is "staff") into *o. On bad usage returns EINVAL
 * and writes one line naming the argument into err (size errsz); *o is
 * then unspecified. Checks ranges and combinations, not files. */
int staff_parse_args(int argc, char **argv, struct staff_opts *o,
		     char *err, size_t errsz);

/* Strict decimal number: optional sign, digits with at most one '.',
 * optional exponent; no spaces, "nan", "inf", hex or overflow. */
int staff_parse_number(const char *s, double *vp);

/* One interval of a forecast: a row of the CSV. */
struct staff_row {
	int64_t start;          /* interval start, civil seconds          */
	char queue[64];         /* queue name                             */
	double calls;           /* calls offered                          */
	double aht_s;           /* mean handle time, s                    */
};

/* A whole forecast, sorted as read. */
struct staff_forecast {
	struct staff_row *rows; /* nrows rows (heap)                      */
	size_t nrows;           /* rows read                              */
	double interval_s;      /* the grid step found, s                 */
};

/* Reads a forecast CSV held in memory (name is used in messages) into
 * *f; on error returns an errno value, writes a one-line message into
 * err and leaves *f empty. Free with staff_forecast_free(). */
int staff_forecast_read_mem(const char *name, const void *buf, size_t len,
			    struct staff_forecast *f, char *err,
			    size_t errsz);

/* The same from a file. */
int staff_forecast_read_file(const char *path, struct staff_forecast *f,
			     char *err, size_t errsz);

void staff_forecast_free(struct staff_forecast *f);

/* Prints one interval's evaluation or solution (the non --forecast
 * form). Returns 0, or 1 when no staffing up to WFM_MAX_AGENTS meets the
 * targets (a message goes to errf). */
int staff_single(const struct staff_opts *o, FILE *out, FILE *errf);

#endif
