/* csv.h — a strict reader of CSV files (RFC 4180) with named columns. */
#ifndef PLATEAU_CSV_H
#define PLATEAU_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What the reader accepts:
 * - the first record is a header of unique, non-empty column names;
 * - fields separated by ',', records ended by LF or CRLF (the last may
 *   lack one); a field may be quoted with '"', a quote inside a quoted
 *   field is written '""', and a quoted field may hold ',' and newlines;
 * - every record has as many fields as the header;
 * - a UTF-8 byte-order mark before the header is skipped.
 * What it rejects, with a message naming file, line, column and fault: a
 * '"' inside an unquoted field, text after a closing quote, an unclosed
 * quote, a NUL byte, an empty line, a record longer than max_line bytes,
 * more than max_rows data records, a wrong field count.
 * Fields are read through typed getters that check syntax and range. */

struct csv;

/* Limits against hostile or mistaken input; 0 picks the default. */
struct csv_limits {
	size_t max_line;   /* bytes in one record, quotes included; 4096   */
	size_t max_rows;   /* data records after the header; 1000000       */
	size_t max_cols;   /* fields in one record; 64                      */
};

#define CSV_DEFAULT_MAX_LINE 4096
#define CSV_DEFAULT_MAX_ROWS 1000000
#define CSV_DEFAULT_MAX_COLS 64

/* Opens the file at path and reads its header; name is used in messages
 * (NULL: path). On error *cp is still set, when it could be allocated,
 * so that csv_error() tells what went wrong; free it with csv_free(). */
int csv_open_file(struct csv **cp, const char *path,
		  const struct csv_limits *lim);

/* The same over bytes in memory (buf need not be NUL-terminated and must
 * outlive the reader). name is used in messages. */
int csv_open_mem(struct csv **cp, const char *name, const void *buf,
		 size_t len, const struct csv_limits *lim);

/* Frees the reader; closes its file. NULL is fine. */
void csv_free(struct csv *c);

/* The last error as one line: "FILE:LINE:COL (NAME): what is wrong", or
 * "" if none. Valid until the next call on c. */
const char *csv_error(const struct csv *c);

/* Number of columns in the header, and the name of column i. */
size_t csv_columns(const struct csv *c);
const char *csv_column_name(const struct csv *c, size_t i);

/* Finds the header column called name into *colp. A missing column is
 * an error (ENOENT, with a message) when required, else *colp is set to
 * SIZE_MAX and 0 is returned. */
int csv_column(struct csv *c, const char *name, bool required,
	       size_t *colp);

/* Reads the next data record. Sets *gotp to true when a record was read
 * and to false at the end of the input. Returns EINVAL on malformed
 * input, E2BIG on a limit hit, EIO on a read error, each with a message. */
int csv_next(struct csv *c, bool *gotp);

/* Line number where the current record starts (header = 1). */
unsigned csv_line(const struct csv *c);

/* The raw text of column col in the current record (quotes removed), or
 * NULL if col is SIZE_MAX or out of range. */
const char *csv_field(const struct csv *c, size_t col);

/* Text of column col; empty is an error when required. */
int csv_text(struct csv *c, size_t col, bool required, const char **sp);

/* A decimal number in [min, max]: optional sign, digits with at most one
 * '.', optional exponent. "nan", "inf", hex, "12abc", spaces, overflow
 * ("1e999") and an empty field are rejected with a message. */
int csv_double(struct csv *c, size_t col, double min, double max,
	       double *vp);

/* An integer in [min, max]: optional sign and digits only. */
int csv_int(struct csv *c, size_t col, long long min, long long max,
	    long long *vp);

/* A civil date-time (see util/civil.h) in seconds. */
int csv_time(struct csv *c, size_t col, int64_t *secp);

/* Records a caller's own error about the current record and column col
 * (SIZE_MAX: the whole record), returning err, so that messages look
 * alike: csv_fail(c, col, EINVAL, "interval_start not on a %d s grid",
 * 1800). */
int csv_fail(struct csv *c, size_t col, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The same about line `line` rather than the current record, for
 * faults found after reading on (a duplicate key seen later). */
int csv_fail_line(struct csv *c, unsigned line, size_t col, int err,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
