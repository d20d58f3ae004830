/* traffic.h — the traffic CSV of `plateau simulate` (docs/simulate.md):
 * calls per queue and interval of a typical week. */
#ifndef PLATEAU_TRAFFIC_H
#define PLATEAU_TRAFFIC_H

#include <stddef.h>
#include "acd/acd.h"

struct center;

#define TRAFFIC_EVERY_DAY (-1)

struct traffic_row {
	int dow;                   /* 0 = Monday .. 6 = Sunday, or
				      TRAFFIC_EVERY_DAY                     */
	acd_ms_t start_ms;         /* interval start within the day, ms     */
	acd_ms_t len_ms;           /* interval length, ms                   */
	char *queue;               /* queue id (exists in the center)       */
	double calls;              /* mean calls in the interval            */
	double aht_s;              /* mean handle time, s                   */
	double patience_s;         /* mean patience, s; 0 = none            */
	char *skills;              /* call skills, or NULL                  */
	unsigned line;             /* line in the file                      */
};

struct traffic {
	struct traffic_row *rows;
	size_t n;
};

/* Reads a traffic file; queues must exist in c (if c is not NULL). The
 * message names file, line and column. */
int traffic_load(const char *path, const struct center *c,
		 struct traffic **tp, char *err, size_t errsz);
int traffic_parse(const char *buf, size_t len, const char *name,
		  const struct center *c, struct traffic **tp, char *err,
		  size_t errsz);
void traffic_free(struct traffic *t);

#endif
