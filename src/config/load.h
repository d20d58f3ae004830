/* load.h — the config module's private helpers shared between files. */
#ifndef PLATEAU_CONFIG_LOAD_H
#define PLATEAU_CONFIG_LOAD_H

#include <stddef.h>

/* Syntax of "lang:fr=5 product:fibre=4" (levels 1..ACD_LEVEL_MAX, no
 * name twice). 0 if good, else 1 with a reason in why. */
int skills_list_check(const char *s, char *why, size_t whysz);
/* Syntax of "lang:fr>=3 & product:fibre>=2" ('>=' or '=' and a level,
 * terms joined by '&'). 0 if good, else 1 with a reason in why. */
int skills_expr_check(const char *s, char *why, size_t whysz);

/* The names of the strategies and empty rules as written in JSON. */
const char *center_strategy_name(int strategy);
int center_strategy_parse(const char *name, int *strategyp);
const char *center_empty_name(int rule);
const char *center_answer_name(int mode);

/* Frees a center's contents (its destructor). */
void center_destroy(void *arg);

#endif
