/* skills.c — required-skill expressions and agents' skill lists: parsing,
 * canonical text and matching. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acd_int.h"

/*
 * Expression grammar (whitespace allowed between tokens):
 *
 *   expr  := and ( '|' and )*
 *   and   := unary ( '&' unary )*
 *   unary := '(' expr ')' | term
 *   term  := name [ op level ]        bare name means name>=1
 *   op    := '>=' | '>' | '=' | '==' | '<=' | '<' | '!='
 *   name  := [a-z0-9:_.-]+  (at most ACD_ID_MAX bytes)
 *   level := one digit 0..5 (an agent lacking a skill has level 0)
 *
 * Bounds: ACD_EXPR_MAX bytes, ACD_EXPR_DEPTH nested parentheses,
 * ACD_EXPR_TERMS comparisons. Parsing is linear in the text.
 */

struct parser {
	const char *s;             /* the text                              */
	size_t pos;                /* current offset                        */
	int depth;                 /* parentheses open                      */
	struct sknode *v;          /* nodes built                           */
	unsigned n;                /* nodes used                            */
	unsigned cap;              /* capacity of v                         */
	const char **names;        /* term names (point into s), by index   */
	size_t *name_len;          /* their lengths                         */
	unsigned n_terms;          /* terms used                            */
	char *msg;                 /* error message out                     */
	size_t sz;                 /* its size                              */
};

static const char *op_text[] = {">=", ">", "=", "<=", "<", "!="};

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == ':' || c == '_' || c == '.' || c == '-';
}

static void skip_ws(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
}

static int perr(struct parser *p, const char *expected)
{
	char c = p->s[p->pos];

	if (c == '\0')
		snprintf(p->msg, p->sz,
			 "skill expression: at offset %zu (end of text): "
			 "expected %s", p->pos, expected);
	else if (c > ' ' && c < 0x7f)
		snprintf(p->msg, p->sz,
			 "skill expression: at offset %zu ('%c'): "
			 "expected %s", p->pos, c, expected);
	else
		snprintf(p->msg, p->sz,
			 "skill expression: at offset %zu (byte 0x%02x): "
			 "expected %s", p->pos, (unsigned char)c, expected);
	return EINVAL;
}

static int node_add(struct parser *p, struct sknode nd, unsigned *idx)
{
	if (p->n >= p->cap) {
		snprintf(p->msg, p->sz,
			 "skill expression: at offset %zu: more than %d "
			 "comparisons", p->pos, ACD_EXPR_TERMS);
		return EINVAL;
	}
	p->v[p->n] = nd;
	*idx = p->n++;
	return 0;
}

static int parse_or(struct parser *p, unsigned *idx);

static int parse_term(struct parser *p, unsigned *idx)
{
	struct sknode nd = {SKN_TERM, SKOP_GE, 1, 0, 0};
	size_t start = p->pos;

	while (is_name_char(p->s[p->pos]))
		p->pos++;
	if (p->pos == start)
		return perr(p, "a skill name [a-z0-9:_.-] or '('");
	if (p->pos - start > ACD_ID_MAX) {
		p->pos = start;
		return perr(p, "a skill name of at most 128 bytes");
	}
	if (p->n_terms >= ACD_EXPR_TERMS) {
		p->pos = start;
		return perr(p, "no more than 128 comparisons");
	}
	p->names[p->n_terms] = p->s + start;
	p->name_len[p->n_terms] = p->pos - start;
	nd.a = (uint16_t)p->n_terms++;
	skip_ws(p);

	const char *o = p->s + p->pos;
	int op = -1;
	size_t olen = 1;

	if (o[0] == '>' && o[1] == '=') {
		op = SKOP_GE; olen = 2;
	}
	else if (o[0] == '<' && o[1] == '=') {
		op = SKOP_LE; olen = 2;
	}
	else if (o[0] == '!' && o[1] == '=') {
		op = SKOP_NE; olen = 2;
	}
	else if (o[0] == '=' && o[1] == '=') {
		op = SKOP_EQ; olen = 2;
	}
	else if (o[0] == '>') {
		op = SKOP_GT;
	}
	else if (o[0] == '<') {
		op = SKOP_LT;
	}
	else if (o[0] == '=') {
		op = SKOP_EQ;
	}
	else if (o[0] == '!') {
		return perr(p, "'!=' (there is no negation operator)");
	}
	if (op >= 0) {
		p->pos += olen;
		skip_ws(p);
		char c = p->s[p->pos];

		if (c < '0' || c > '0' + ACD_LEVEL_MAX)
			return perr(p, "a level 0..5 after the comparison");
		if (p->s[p->pos + 1] >= '0' && p->s[p->pos + 1] <= '9') {
			p->pos++;
			return perr(p, "a single-digit level 0..5");
		}
		nd.op = (uint8_t)op;
		nd.level = (uint8_t)(c - '0');
		p->pos++;
	}
	return node_add(p, nd, idx);
}

static int parse_unary(struct parser *p, unsigned *idx)
{
	int err;

	skip_ws(p);
	if (p->s[p->pos] != '(')
		return parse_term(p, idx);
	if (p->depth >= ACD_EXPR_DEPTH)
		return perr(p, "at most 32 nested parentheses");
	p->depth++;
	p->pos++;
	err = parse_or(p, idx);
	if (err)
		return err;
	skip_ws(p);
	if (p->s[p->pos] != ')')
		return perr(p, "')' or an operator '&' '|'");
	p->pos++;
	p->depth--;
	return 0;
}

static int parse_and(struct parser *p, unsigned *idx)
{
	unsigned l, r;
	int err = parse_unary(p, &l);

	while (!err) {
		skip_ws(p);
		if (p->s[p->pos] != '&')
			break;
		p->pos++;
		err = parse_unary(p, &r);
		if (err)
			break;
		err = node_add(p, (struct sknode){SKN_AND, 0, 0,
				 (uint16_t)l, (uint16_t)r}, &l);
	}
	if (!err)
		*idx = l;
	return err;
}

static int parse_or(struct parser *p, unsigned *idx)
{
	unsigned l, r;
	int err = parse_and(p, &l);

	while (!err) {
		skip_ws(p);
		if (p->s[p->pos] != '|')
			break;
		p->pos++;
		err = parse_and(p, &r);
		if (err)
			break;
		err = node_add(p, (struct sknode){SKN_OR, 0, 0,
				 (uint16_t)l, (uint16_t)r}, &l);
	}
	if (!err)
		*idx = l;
	return err;
}

static void skexpr_destroy(void *arg)
{
	struct skexpr *e = arg;

	mem_deref(e->v);
	for (unsigned i = 0; i < e->n_names; i++)
		mem_deref(e->names[i]);
	mem_deref(e->names);
	mem_deref(e->canon);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Canonical text: terms as name OP level, '&' and '|' without spaces,
 * parentheses only around an '|' under an '&'. Chains print flat, so the
 * text does not depend on how they were grouped, and it never nests
 * deeper than the text it came from (the parser's depth bound holds). */
static int canon_print(const struct skexpr *e, unsigned i, char **names,
		       char *buf, size_t sz, size_t *len)
{
	const struct sknode *nd = &e->v[i];
	int n;

	if (nd->type == SKN_TERM) {
		n = snprintf(buf + *len, sz - *len, "%s%s%u", names[nd->a],
			     op_text[nd->op], nd->level);
		if (n < 0 || (size_t)n >= sz - *len)
			return ENOMEM;
		*len += (size_t)n;
		return 0;
	}
	for (int side = 0; side < 2; side++) {
		unsigned child = side ? nd->b : nd->a;
		bool paren = nd->type == SKN_AND &&
			e->v[child].type == SKN_OR;

		if (side) {
			if (*len + 1 >= sz)
				return ENOMEM;
			buf[(*len)++] = nd->type == SKN_AND ? '&' : '|';
		}
		if (paren) {
			if (*len + 1 >= sz)
				return ENOMEM;
			buf[(*len)++] = '(';
		}
		if (canon_print(e, child, names, buf, sz, len))
			return ENOMEM;
		if (paren) {
			if (*len + 1 >= sz)
				return ENOMEM;
			buf[(*len)++] = ')';
		}
		buf[*len] = '\0';
	}
	return 0;
}

int skexpr_parse(struct skexpr **ep, const char *s, char *msg, size_t sz)
{
	struct parser p;
	struct skexpr *e = NULL;
	char **tnames = NULL;
	unsigned root;
	size_t slen, len = 0;
	int err;

	if (!ep)
		return EINVAL;
	if (!s || !*s) {
		*ep = NULL;
		return 0;
	}
	slen = strlen(s);
	if (slen > ACD_EXPR_MAX) {
		snprintf(msg, sz, "skill expression: %zu bytes, at most %d",
			 slen, ACD_EXPR_MAX);
		return EINVAL;
	}
	{
		/* an expression of only spaces is no requirement too */
		size_t i = 0;

		while (s[i] == ' ' || s[i] == '\t')
			i++;
		if (!s[i]) {
			*ep = NULL;
			return 0;
		}
	}

	memset(&p, 0, sizeof(p));
	p.s = s;
	p.msg = msg;
	p.sz = sz;
	p.cap = 2 * ACD_EXPR_TERMS;
	p.v = mem_zalloc(p.cap * sizeof(*p.v), NULL);
	p.names = mem_zalloc(ACD_EXPR_TERMS * sizeof(*p.names), NULL);
	p.name_len = mem_zalloc(ACD_EXPR_TERMS * sizeof(*p.name_len), NULL);
	e = mem_zalloc(sizeof(*e), skexpr_destroy);
	if (!p.v || !p.names || !p.name_len || !e) {
		err = ENOMEM;
		goto out;
	}

	err = parse_or(&p, &root);
	if (err)
		goto out;
	skip_ws(&p);
	if (p.s[p.pos] != '\0') {
		err = perr(&p, p.s[p.pos] == ')' ?
			   "an operand before ')' or no unmatched ')'" :
			   "'&', '|' or the end of the expression");
		goto out;
	}

	/* Own copies of the term names; the distinct ones sorted. */
	tnames = mem_zalloc(p.n_terms * sizeof(*tnames), NULL);
	e->names = mem_zalloc(p.n_terms * sizeof(*e->names), NULL);
	if (!tnames || !e->names) {
		err = ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < p.n_terms; i++) {
		tnames[i] = mem_zalloc(p.name_len[i] + 1, NULL);
		if (!tnames[i]) {
			err = ENOMEM;
			goto out;
		}
		memcpy(tnames[i], p.names[i], p.name_len[i]);
	}
	for (unsigned i = 0; i < p.n_terms; i++) {
		bool dup = false;

		for (unsigned j = 0; j < e->n_names; j++) {
			if (!strcmp(e->names[j], tnames[i])) {
				dup = true;
				break;
			}
		}
		if (dup)
			continue;
		e->names[e->n_names] = mem_ref(tnames[i]);
		e->n_names++;
	}
	qsort(e->names, e->n_names, sizeof(*e->names), cmp_str);

	/* Terms refer to names by index into the sorted distinct names. */
	e->v = p.v;
	p.v = NULL;
	e->n = p.n;
	assert(root == e->n - 1);
	for (unsigned i = 0; i < e->n; i++) {
		struct sknode *nd = &e->v[i];

		if (nd->type != SKN_TERM)
			continue;
		const char *nm = tnames[nd->a];

		for (unsigned j = 0; j < e->n_names; j++) {
			if (!strcmp(e->names[j], nm)) {
				nd->a = (uint16_t)j;
				break;
			}
		}
	}

	{
		size_t csz = 2 * slen + 8 * e->n + 16;

		e->canon = mem_zalloc(csz, NULL);
		if (!e->canon) {
			err = ENOMEM;
			goto out;
		}
		err = canon_print(e, e->n - 1, e->names, e->canon, csz, &len);
		if (err)
			goto out;
	}

 out:
	if (tnames) {
		for (unsigned i = 0; i < p.n_terms; i++)
			mem_deref(tnames[i]);
		mem_deref(tnames);
	}
	mem_deref(p.v);
	mem_deref(p.names);
	mem_deref(p.name_len);
	if (err)
		mem_deref(e);
	else
		*ep = e;
	return err;
}

unsigned skillset_level(const struct skillset *ss, const char *name)
{
	size_t lo = 0, hi = ss ? ss->n : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, ss->v[mid].name);

		if (c == 0)
			return ss->v[mid].level;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static bool eval(const struct skexpr *e, unsigned i,
		 const struct skillset *ss)
{
	const struct sknode *nd = &e->v[i];
	unsigned lv;

	switch (nd->type) {

	case SKN_AND:
		return eval(e, nd->a, ss) && eval(e, nd->b, ss);

	case SKN_OR:
		return eval(e, nd->a, ss) || eval(e, nd->b, ss);

	default:
		break;
	}
	lv = skillset_level(ss, e->names[nd->a]);
	switch (nd->op) {

	case SKOP_GE: return lv >= nd->level;
	case SKOP_GT: return lv > nd->level;
	case SKOP_EQ: return lv == nd->level;
	case SKOP_LE: return lv <= nd->level;
	case SKOP_LT: return lv < nd->level;
	default:      return lv != nd->level;
	}
}

/* True when the skills satisfy e; a NULL expression is always met.
 * Cost: one binary search per comparison evaluated. */
bool skexpr_match(const struct skexpr *e, const struct skillset *ss)
{
	if (!e)
		return true;
	return eval(e, e->n - 1, ss);
}

void skillset_reset(struct skillset *ss)
{
	if (!ss)
		return;
	for (unsigned i = 0; i < ss->n; i++)
		mem_deref(ss->v[i].name);
	ss->v = mem_deref(ss->v);
	ss->n = 0;
}

static int cmp_skill(const void *a, const void *b)
{
	return strcmp(((const struct skill *)a)->name,
		      ((const struct skill *)b)->name);
}

/* Parses "lang:fr=5 lang:de=3" into ss (which must be empty). Names as in
 * expressions, levels 1..5, each name once, at most ACD_SKILLS_MAX. */
int skillset_parse(struct skillset *ss, const char *s, char *msg, size_t sz)
{
	struct skillset out = {NULL, 0};
	size_t pos = 0;
	int err = 0;

	if (!ss)
		return EINVAL;
	if (!s) {
		*ss = out;
		return 0;
	}
	if (strlen(s) > ACD_EXPR_MAX) {
		snprintf(msg, sz, "skill list: longer than %d bytes",
			 ACD_EXPR_MAX);
		return EINVAL;
	}
	out.v = mem_zalloc(ACD_SKILLS_MAX * sizeof(*out.v), NULL);
	if (!out.v)
		return ENOMEM;

	for (;;) {
		size_t start;

		while (s[pos] == ' ' || s[pos] == '\t')
			pos++;
		if (!s[pos])
			break;
		start = pos;
		while (is_name_char(s[pos]))
			pos++;
		if (pos == start) {
			snprintf(msg, sz, "skill list: at offset %zu: "
				 "expected a skill name [a-z0-9:_.-]", pos);
			err = EINVAL;
			goto out;
		}
		if (pos - start > ACD_ID_MAX) {
			snprintf(msg, sz, "skill list: at offset %zu: "
				 "expected a name of at most %d bytes",
				 start, ACD_ID_MAX);
			err = EINVAL;
			goto out;
		}
		if (s[pos] != '=') {
			snprintf(msg, sz, "skill list: at offset %zu: "
				 "expected '=' and a level 1..5", pos);
			err = EINVAL;
			goto out;
		}
		if (s[pos + 1] < '1' || s[pos + 1] > '0' + ACD_LEVEL_MAX ||
		    (s[pos + 2] >= '0' && s[pos + 2] <= '9')) {
			snprintf(msg, sz, "skill list: at offset %zu: "
				 "expected a level 1..5", pos + 1);
			err = EINVAL;
			goto out;
		}
		if (s[pos + 2] != '\0' && s[pos + 2] != ' ' &&
		    s[pos + 2] != '\t') {
			snprintf(msg, sz, "skill list: at offset %zu: "
				 "expected a space between skills", pos + 2);
			err = EINVAL;
			goto out;
		}
		if (out.n >= ACD_SKILLS_MAX) {
			snprintf(msg, sz, "skill list: at offset %zu: "
				 "more than %d skills", start,
				 ACD_SKILLS_MAX);
			err = EINVAL;
			goto out;
		}
		out.v[out.n].name = mem_zalloc(pos - start + 1, NULL);
		if (!out.v[out.n].name) {
			err = ENOMEM;
			goto out;
		}
		memcpy(out.v[out.n].name, s + start, pos - start);
		out.v[out.n].level = (uint8_t)(s[pos + 1] - '0');
		for (unsigned i = 0; i < out.n; i++) {
			if (!strcmp(out.v[i].name, out.v[out.n].name)) {
				snprintf(msg, sz, "skill list: at offset %zu:"
					 " skill '%s' given twice", start,
					 out.v[i].name);
				out.n++;
				err = EINVAL;
				goto out;
			}
		}
		out.n++;
		pos += 2;
	}
	qsort(out.v, out.n, sizeof(*out.v), cmp_skill);

 out:
	if (err)
		skillset_reset(&out);
	else
		*ss = out;
	return err;
}
