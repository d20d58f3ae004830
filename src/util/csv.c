/* csv.c — a strict, bounded RFC 4180 reader with typed, checked fields. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "util/civil.h"
#include "util/csv.h"

/* The reader. The current record's fields live NUL-terminated in buf;
 * field[i] is the offset of field i. */
struct csv {
	char *name;           /* file name used in messages                */
	FILE *f;              /* source when reading a file, else NULL     */
	const unsigned char *mem; /* source when reading memory           */
	size_t mem_len;       /* bytes at mem                              */
	size_t mem_pos;       /* next byte to read at mem                  */
	struct csv_limits lim; /* limits in force                          */
	char *buf;            /* current record's fields, max_line + cols  */
	size_t buf_size;      /* bytes allocated at buf                    */
	size_t *field;        /* offsets into buf, max_cols entries        */
	size_t nfield;        /* fields in the current record              */
	char **header;        /* column names, ncol entries                */
	size_t ncol;          /* columns in the header                     */
	unsigned line;        /* line where the current record starts      */
	unsigned next_line;   /* line where the next record starts         */
	size_t rows;          /* data records read so far                  */
	int failed;           /* sticky error from csv_next, or 0          */
	char err[320];        /* last error message                        */
};

#define CSV_EOF (-1)

static int src_getc(struct csv *c)
{
	int ch;

	if (c->f) {
		ch = getc(c->f);
		return ch == EOF ? CSV_EOF : ch;
	}
	if (c->mem_pos >= c->mem_len)
		return CSV_EOF;
	return c->mem[c->mem_pos++];
}

/* Looks at the next byte without consuming it. */
static int src_peek(struct csv *c)
{
	int ch;

	if (c->f) {
		ch = getc(c->f);
		if (ch == EOF)
			return CSV_EOF;
		ungetc(ch, c->f);
		return ch;
	}
	if (c->mem_pos >= c->mem_len)
		return CSV_EOF;
	return c->mem[c->mem_pos];
}

static const char *col_name(const struct csv *c, size_t col)
{
	if (c->header && col < c->ncol)
		return c->header[col];
	return NULL;
}

/* Formats "NAME:LINE: column N (COL): " + message into c->err. */
static int vfail(struct csv *c, unsigned line, size_t col, int err,
		 const char *fmt, va_list ap)
{
	size_t n;
	const char *cn = col_name(c, col);

	if (col == SIZE_MAX)
		n = (size_t)snprintf(c->err, sizeof(c->err), "%s:%u: ",
				     c->name, line);
	else if (cn)
		n = (size_t)snprintf(c->err, sizeof(c->err),
				     "%s:%u: column %zu (%s): ", c->name, line,
				     col + 1, cn);
	else
		n = (size_t)snprintf(c->err, sizeof(c->err),
				     "%s:%u: column %zu: ", c->name, line,
				     col + 1);
	if (n < sizeof(c->err))
		vsnprintf(c->err + n, sizeof(c->err) - n, fmt, ap);
	return err;
}

static int failf(struct csv *c, unsigned line, size_t col, int err,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int failf(struct csv *c, unsigned line, size_t col, int err,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, line, col, err, fmt, ap);
	va_end(ap);
	return err;
}

int csv_fail(struct csv *c, size_t col, int err, const char *fmt, ...)
{
	va_list ap;

	if (!c || !fmt)
		return err ? err : EINVAL;
	va_start(ap, fmt);
	vfail(c, c->line, col, err, fmt, ap);
	va_end(ap);
	return err;
}

int csv_fail_line(struct csv *c, unsigned line, size_t col, int err,
		  const char *fmt, ...)
{
	va_list ap;

	if (!c || !fmt)
		return err ? err : EINVAL;
	va_start(ap, fmt);
	vfail(c, line, col, err, fmt, ap);
	va_end(ap);
	return err;
}

/* Appends a short, printable excerpt of s to a message buffer. */
static void excerpt(char *out, size_t size, const char *s)
{
	size_t i, j = 0;

	for (i = 0; s[i] && j + 4 < size; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (i >= 40) {
			out[j++] = '.';
			out[j++] = '.';
			out[j++] = '.';
			break;
		}
		out[j++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	out[j] = '\0';
}

/* ---------------------------------------------------------------------
 * Records
 * ------------------------------------------------------------------- */

/* Reads one record into c->buf/c->field. *gotp is false at the end of the
 * input (nothing before EOF). */
static int read_record(struct csv *c, bool *gotp)
{
	size_t used = 0;      /* bytes of buf used, NULs included */
	size_t raw = 0;       /* bytes of the record in the input */
	size_t col = 0;
	int ch;

	c->line = c->next_line;
	c->nfield = 0;
	ch = src_getc(c);
	if (ch == CSV_EOF) {
		if (c->f && ferror(c->f))
			return failf(c, c->line, SIZE_MAX, EIO,
				     "read error: %s", strerror(errno));
		*gotp = false;
		return 0;
	}
	if (ch == '\n' || ch == '\r')
		return failf(c, c->line, SIZE_MAX, EINVAL, "empty line");

	for (;;) {
		/* Start of field col. */
		if (col >= c->lim.max_cols)
			return failf(c, c->line, SIZE_MAX, E2BIG,
				     "more than %zu fields", c->lim.max_cols);
		c->field[col] = used;
		if (ch == '"') {
			unsigned qline = c->next_line;

			raw++;
			for (;;) {
				ch = src_getc(c);
				if (ch == CSV_EOF)
					return failf(c, qline, col, EINVAL,
						     "quote opened here is "
						     "never closed");
				raw++;
				if (ch == '"') {
					if (src_peek(c) != '"')
						break;
					src_getc(c);
					raw++;
				}
				else if (ch == '\n') {
					c->next_line++;
				}
				else if (ch == '\0') {
					return failf(c, c->next_line, col,
						     EINVAL, "NUL byte");
				}
				if (raw > c->lim.max_line)
					return failf(c, c->line, SIZE_MAX,
						     E2BIG, "record longer "
						     "than %zu bytes",
						     c->lim.max_line);
				c->buf[used++] = (char)ch;
			}
			ch = src_getc(c);
			if (ch != ',' && ch != '\n' && ch != '\r' &&
			    ch != CSV_EOF)
				return failf(c, c->next_line, col, EINVAL,
					     "text after closing quote");
		}
		else {
			while (ch != ',' && ch != '\n' && ch != '\r' &&
			       ch != CSV_EOF) {
				if (ch == '"')
					return failf(c, c->next_line, col,
						     EINVAL, "quote inside an "
						     "unquoted field");
				if (ch == '\0')
					return failf(c, c->next_line, col,
						     EINVAL, "NUL byte");
				if (++raw > c->lim.max_line)
					return failf(c, c->line, SIZE_MAX,
						     E2BIG, "record longer "
						     "than %zu bytes",
						     c->lim.max_line);
				c->buf[used++] = (char)ch;
				ch = src_getc(c);
			}
		}
		c->buf[used++] = '\0';
		col++;
		if (ch == ',') {
			if (++raw > c->lim.max_line)
				return failf(c, c->line, SIZE_MAX, E2BIG,
					     "record longer than %zu bytes",
					     c->lim.max_line);
			ch = src_getc(c);
			continue;
		}
		if (ch == '\r') {
			ch = src_getc(c);
			if (ch != '\n')
				return failf(c, c->next_line, SIZE_MAX,
					     EINVAL, "carriage return not "
					     "followed by line feed");
		}
		if (ch == '\n')
			c->next_line++;
		else if (c->f && ferror(c->f))
			return failf(c, c->line, SIZE_MAX, EIO,
				     "read error: %s", strerror(errno));
		break;
	}
	c->nfield = col;
	*gotp = true;
	return 0;
}

int csv_next(struct csv *c, bool *gotp)
{
	bool got = false;
	int err;

	if (!c || !gotp || !c->header)
		return EINVAL;
	if (c->failed)
		return c->failed;
	err = read_record(c, &got);
	if (!err && got && c->nfield != c->ncol)
		err = failf(c, c->line, SIZE_MAX, EINVAL,
			    "%zu fields, the header has %zu", c->nfield,
			    c->ncol);
	if (!err && got && c->rows >= c->lim.max_rows)
		err = failf(c, c->line, SIZE_MAX, E2BIG,
			    "more than %zu data rows", c->lim.max_rows);
	if (err) {
		c->failed = err;
		c->nfield = 0;
		return err;
	}
	if (got)
		c->rows++;
	else
		c->nfield = 0;
	*gotp = got;
	return 0;
}

/* ---------------------------------------------------------------------
 * Opening
 * ------------------------------------------------------------------- */

static int read_header(struct csv *c)
{
	bool got = false;
	int err;

	/* A UTF-8 byte-order mark, as spreadsheets write. */
	if (src_peek(c) == 0xef) {
		src_getc(c);
		if (src_getc(c) != 0xbb || src_getc(c) != 0xbf)
			return failf(c, 1, SIZE_MAX, EINVAL,
				     "bad byte-order mark");
	}
	err = read_record(c, &got);
	if (err)
		return err;
	if (!got)
		return failf(c, 1, SIZE_MAX, EINVAL,
			     "empty file: a header row is required");
	c->header = calloc(c->nfield, sizeof(*c->header));
	if (!c->header)
		return ENOMEM;
	c->ncol = c->nfield;
	for (size_t i = 0; i < c->nfield; i++) {
		const char *s = c->buf + c->field[i];

		if (!*s)
			return failf(c, 1, i, EINVAL, "empty column name");
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(c->header[j], s))
				return failf(c, 1, i, EINVAL,
					     "column name '%s' appears twice",
					     s);
		}
		c->header[i] = strdup(s);
		if (!c->header[i])
			return ENOMEM;
	}
	c->nfield = 0;
	return 0;
}

static int csv_alloc(struct csv **cp, const char *name,
		     const struct csv_limits *lim)
{
	struct csv *c = calloc(1, sizeof(*c));

	if (!c)
		return ENOMEM;
	c->lim.max_line = lim && lim->max_line ? lim->max_line :
		CSV_DEFAULT_MAX_LINE;
	c->lim.max_rows = lim && lim->max_rows ? lim->max_rows :
		CSV_DEFAULT_MAX_ROWS;
	c->lim.max_cols = lim && lim->max_cols ? lim->max_cols :
		CSV_DEFAULT_MAX_COLS;
	c->line = 1;
	c->next_line = 1;
	c->name = strdup(name);
	/* Each field adds at most one NUL, and there are at most max_cols. */
	c->buf_size = c->lim.max_line + c->lim.max_cols + 1;
	c->buf = malloc(c->buf_size);
	c->field = calloc(c->lim.max_cols, sizeof(*c->field));
	if (!c->name || !c->buf || !c->field) {
		csv_free(c);
		return ENOMEM;
	}
	*cp = c;
	return 0;
}

int csv_open_mem(struct csv **cp, const char *name, const void *buf,
		 size_t len, const struct csv_limits *lim)
{
	struct csv *c = NULL;
	int err;

	if (!cp || !name || (!buf && len))
		return EINVAL;
	err = csv_alloc(&c, name, lim);
	if (err)
		return err;
	c->mem = buf;
	c->mem_len = len;
	err = read_header(c);
	if (err)
		c->failed = err;
	*cp = c;
	return err;
}

int csv_open_file(struct csv **cp, const char *path,
		  const struct csv_limits *lim)
{
	struct csv *c = NULL;
	int err;

	if (!cp || !path)
		return EINVAL;
	err = csv_alloc(&c, path, lim);
	if (err)
		return err;
	c->f = fopen(path, "rb");
	if (!c->f) {
		err = errno;
		snprintf(c->err, sizeof(c->err), "%s: cannot open: %s", path,
			 strerror(err));
		c->failed = err;
		*cp = c;
		return err;
	}
	err = read_header(c);
	if (err)
		c->failed = err;
	*cp = c;
	return err;
}

void csv_free(struct csv *c)
{
	if (!c)
		return;
	if (c->f)
		fclose(c->f);
	if (c->header) {
		for (size_t i = 0; i < c->ncol; i++)
			free(c->header[i]);
		free(c->header);
	}
	free(c->field);
	free(c->buf);
	free(c->name);
	free(c);
}

const char *csv_error(const struct csv *c)
{
	return c ? c->err : "";
}

size_t csv_columns(const struct csv *c)
{
	return c && c->header ? c->ncol : 0;
}

const char *csv_column_name(const struct csv *c, size_t i)
{
	return c ? col_name(c, i) : NULL;
}

unsigned csv_line(const struct csv *c)
{
	return c ? c->line : 0;
}

int csv_column(struct csv *c, const char *name, bool required,
	       size_t *colp)
{
	if (!c || !name || !colp || !c->header)
		return EINVAL;
	for (size_t i = 0; i < c->ncol; i++) {
		if (!strcmp(c->header[i], name)) {
			*colp = i;
			return 0;
		}
	}
	if (required)
		return failf(c, 1, SIZE_MAX, ENOENT,
			     "header has no column '%s'", name);
	*colp = SIZE_MAX;
	return 0;
}

/* ---------------------------------------------------------------------
 * Typed fields
 * ------------------------------------------------------------------- */

const char *csv_field(const struct csv *c, size_t col)
{
	if (!c || col >= c->nfield)
		return NULL;
	return c->buf + c->field[col];
}

int csv_text(struct csv *c, size_t col, bool required, const char **sp)
{
	const char *s = NULL;

	if (!c || !sp)
		return EINVAL;
	s = csv_field(c, col);
	if (!s)
		return failf(c, c->line, col, EINVAL, "no such field");
	if (required && !*s)
		return failf(c, c->line, col, EINVAL,
			     "empty, a value is required");
	*sp = s;
	return 0;
}

/* Checks the shape of a decimal number: [+-]digits[.digits][e[+-]digits]
 * with at least one digit in the mantissa. */
static bool is_decimal(const char *s, bool allow_frac)
{
	size_t ndig = 0;

	if (*s == '+' || *s == '-')
		s++;
	while (*s >= '0' && *s <= '9') {
		s++;
		ndig++;
	}
	if (allow_frac && *s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			ndig++;
		}
	}
	if (!ndig)
		return false;
	if (allow_frac && (*s == 'e' || *s == 'E')) {
		size_t edig = 0;

		s++;
		if (*s == '+' || *s == '-')
			s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			edig++;
		}
		if (!edig)
			return false;
	}
	return *s == '\0';
}

int csv_double(struct csv *c, size_t col, double min, double max,
	       double *vp)
{
	char ex[48];
	const char *s = NULL;
	double v;
	int err;

	if (!c || !vp || !(min <= max))
		return EINVAL;
	err = csv_text(c, col, true, &s);
	if (err)
		return err;
	excerpt(ex, sizeof(ex), s);
	if (!is_decimal(s, true))
		return failf(c, c->line, col, EINVAL,
			     "'%s' is not a decimal number", ex);
	errno = 0;
	v = strtod(s, NULL);
	if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
		return failf(c, c->line, col, ERANGE,
			     "'%s' is too large", ex);
	if (v < min || v > max)
		return failf(c, c->line, col, ERANGE,
			     "%s is out of range [%g, %g]", ex, min, max);
	*vp = v;
	return 0;
}

int csv_int(struct csv *c, size_t col, long long min, long long max,
	    long long *vp)
{
	char ex[48];
	const char *s = NULL;
	long long v;
	int err;

	if (!c || !vp || min > max)
		return EINVAL;
	err = csv_text(c, col, true, &s);
	if (err)
		return err;
	excerpt(ex, sizeof(ex), s);
	if (!is_decimal(s, false))
		return failf(c, c->line, col, EINVAL,
			     "'%s' is not a whole number", ex);
	errno = 0;
	v = strtoll(s, NULL, 10);
	if (errno == ERANGE || v < min || v > max)
		return failf(c, c->line, col, ERANGE,
			     "%s is out of range [%lld, %lld]", ex, min, max);
	*vp = v;
	return 0;
}

int csv_time(struct csv *c, size_t col, int64_t *secp)
{
	char ex[48];
	const char *s = NULL;
	int err;

	if (!c || !secp)
		return EINVAL;
	err = csv_text(c, col, true, &s);
	if (err)
		return err;
	if (civil_parse(s, secp)) {
		excerpt(ex, sizeof(ex), s);
		return failf(c, c->line, col, EINVAL,
			     "'%s' is not a date-time YYYY-MM-DDTHH:MM", ex);
	}
	return 0;
}
