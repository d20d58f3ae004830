/* load.c — reads a center's JSON file into a validated struct center,
 * naming the file, the JSON path and what is wrong on any error. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include "config/center.h"
#include "config/jsoncheck.h"
#include "config/load.h"
#include "config/secret.h"

/*
 * Two passes: the JSON text is first checked by jsoncheck() (which knows
 * line and column), then decoded by libre into an odict and walked
 * section by section in dependency order (tenants, sites, positions,
 * pauses, dispositions, queues, IVR menus, agents, DIDs). References to
 * things defined later in the same section (widening to another queue,
 * an IVR key leading to another menu) are resolved at the end. Ids are
 * indexed in sorted arrays, so a file of n items costs O(n log n).
 */

#define TEXT_MAX 4096              /* longest free text, bytes          */

/* ---------------------------------------------------------------------
 * Loader state and messages
 * ------------------------------------------------------------------- */

/* A sorted id index of one section. */
struct idx {
	const char *id;            /* the id (owned by the center)          */
	const char *tenant;        /* its tenant, or NULL                   */
	size_t i;                  /* index in the section's array          */
};

struct ld {
	const char *file;          /* name used in messages                 */
	char *err;                 /* message buffer                        */
	size_t errsz;              /* its size                              */
	char path[512];            /* JSON path being read, e.g. "a[3].b"   */
	size_t plen;               /* strlen(path)                          */
	struct center *c;          /* the center being built                */
	unsigned iter;             /* PBKDF2 rounds for plaintext PINs      */
	struct idx *tenants, *sites, *positions, *pauses, *queues, *ivrs;
	struct idx *agents_x;      /* agents, for users' references         */
};

static int fail(struct ld *ld, const char *key, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ld->err || !ld->errsz)
		return EINVAL;
	if (!ld->plen && !key)
		snprintf(ld->err, ld->errsz, "%s: %s", ld->file, msg);
	else
		snprintf(ld->err, ld->errsz, "%s: %s%s%s: %s", ld->file,
			 ld->path, ld->plen && key ? "." : "", key ? key : "",
			 msg);
	return EINVAL;
}

static size_t path_key(struct ld *ld, const char *key)
{
	size_t mark = ld->plen;
	int n = snprintf(ld->path + ld->plen, sizeof(ld->path) - ld->plen,
			 "%s%s", ld->plen ? "." : "", key);

	if (n > 0)
		ld->plen = strnlen(ld->path, sizeof(ld->path) - 1);
	return mark;
}

static size_t path_idx(struct ld *ld, size_t i)
{
	size_t mark = ld->plen;
	int n = snprintf(ld->path + ld->plen, sizeof(ld->path) - ld->plen,
			 "[%zu]", i);

	if (n > 0)
		ld->plen = strnlen(ld->path, sizeof(ld->path) - 1);
	return mark;
}

static void path_pop(struct ld *ld, size_t mark)
{
	ld->plen = mark;
	ld->path[mark] = '\0';
}

/* ---------------------------------------------------------------------
 * Typed field readers (absent or null = default)
 * ------------------------------------------------------------------- */

static const struct odict_entry *field(const struct odict *o,
				       const char *key)
{
	const struct odict_entry *e = odict_lookup(o, key);

	return e && e->type != ODICT_NULL ? e : NULL;
}

/* Rejects unknown and repeated keys. allowed: NULL-terminated. */
static int check_keys(struct ld *ld, const struct odict *o,
		      const char *const *allowed)
{
	struct le *le;

	LIST_FOREACH(&o->lst, le) {
		const struct odict_entry *e = le->data;
		const char *const *a;
		struct le *l2;

		for (a = allowed; *a; a++) {
			if (!strcmp(*a, e->key))
				break;
		}
		if (!*a)
			return fail(ld, e->key, "unknown key");
		for (l2 = le->next; l2; l2 = l2->next) {
			const struct odict_entry *e2 = l2->data;
			if (!strcmp(e->key, e2->key))
				return fail(ld, e->key, "key given twice");
		}
	}
	return 0;
}

static int get_str(struct ld *ld, const struct odict *o, const char *key,
		   bool required, char **dst)
{
	const struct odict_entry *e = field(o, key);
	size_t len;

	if (!e) {
		if (required)
			return fail(ld, key, "missing");
		return 0;
	}
	if (e->type != ODICT_STRING)
		return fail(ld, key, "expected a string, not %s",
			    odict_type_name(e->type));
	len = strlen(e->u.str);
	if (!len)
		return fail(ld, key, "empty string");
	if (len > TEXT_MAX)
		return fail(ld, key, "longer than %d bytes", TEXT_MAX);
	return str_dup(dst, e->u.str);
}

static bool id_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > CENTER_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.' || c == '@'))
			return false;
	}
	return true;
}

/* An id: 1..64 of [A-Za-z0-9_.@-]. */
static int get_id(struct ld *ld, const struct odict *o, const char *key,
		  bool required, char **dst)
{
	int err = get_str(ld, o, key, required, dst);

	if (err || !*dst)
		return err;
	if (!id_ok(*dst))
		return fail(ld, key, "'%.80s' is not a valid id (1..%d of "
			    "A-Z a-z 0-9 _ . @ -)", *dst, CENTER_ID_MAX);
	return 0;
}

static int get_int(struct ld *ld, const struct odict *o, const char *key,
		   int64_t min, int64_t max, int64_t dflt, int64_t *dst)
{
	const struct odict_entry *e = field(o, key);

	if (!e) {
		*dst = dflt;
		return 0;
	}
	if (e->type != ODICT_INT)
		return fail(ld, key, "expected an integer, not %s",
			    odict_type_name(e->type));
	if (e->u.integer < min || e->u.integer > max)
		return fail(ld, key, "%lld is out of range %lld..%lld",
			    (long long)e->u.integer, (long long)min,
			    (long long)max);
	*dst = e->u.integer;
	return 0;
}

static int get_uint(struct ld *ld, const struct odict *o, const char *key,
		    unsigned min, unsigned max, unsigned dflt, unsigned *dst)
{
	int64_t v = 0;
	int err = get_int(ld, o, key, min, max, dflt, &v);

	if (!err)
		*dst = (unsigned)v;
	return err;
}

/* Seconds in JSON to ms. */
static int get_secs(struct ld *ld, const struct odict *o, const char *key,
		    unsigned min, unsigned max, acd_ms_t dflt_ms,
		    acd_ms_t *dst)
{
	int64_t v = 0;
	int err = get_int(ld, o, key, min, max, dflt_ms / 1000, &v);

	if (!err)
		*dst = v * 1000;
	return err;
}

static int get_bool(struct ld *ld, const struct odict *o, const char *key,
		    bool dflt, bool *dst)
{
	const struct odict_entry *e = field(o, key);

	if (!e) {
		*dst = dflt;
		return 0;
	}
	if (e->type != ODICT_BOOL)
		return fail(ld, key, "expected true or false, not %s",
			    odict_type_name(e->type));
	*dst = e->u.boolean;
	return 0;
}

/* A container of the given type, or NULL when absent. */
static int get_container(struct ld *ld, const struct odict *o,
			 const char *key, enum odict_type type,
			 const struct odict **dst)
{
	const struct odict_entry *e = field(o, key);

	*dst = NULL;
	if (!e)
		return 0;
	if (e->type != type)
		return fail(ld, key, "expected %s, not %s",
			    type == ODICT_ARRAY ? "an array" : "an object",
			    odict_type_name(e->type));
	*dst = e->u.odict;
	return 0;
}

static int get_lang(struct ld *ld, const struct odict *o, const char *key,
		    enum center_lang dflt, enum center_lang *dst, bool *given)
{
	const struct odict_entry *e = field(o, key);

	if (given)
		*given = e != NULL;
	if (!e) {
		*dst = dflt;
		return 0;
	}
	if (e->type != ODICT_STRING || center_lang_parse(e->u.str, dst))
		return fail(ld, key, "expected one of fr, ar, en, de, es");
	return 0;
}

/* One of names[0..n), as its index. */
static int get_enum(struct ld *ld, const struct odict *o, const char *key,
		    const char *(*name)(int), int n, int dflt, int *dst)
{
	const struct odict_entry *e = field(o, key);
	char list[256] = "";

	if (!e) {
		*dst = dflt;
		return 0;
	}
	if (e->type == ODICT_STRING) {
		for (int i = 0; i < n; i++) {
			if (!strcmp(e->u.str, name(i))) {
				*dst = i;
				return 0;
			}
		}
	}
	for (int i = 0; i < n; i++) {
		size_t l = strlen(list);
		snprintf(list + l, sizeof(list) - l, "%s%s", i ? ", " : "",
			 name(i));
	}
	return fail(ld, key, "expected one of %s", list);
}

/* The elements of an array as objects: calls fn(ld, obj, i, arg). */
typedef int (elem_h)(struct ld *ld, const struct odict *o, size_t i,
		     void *arg);

static int each_object(struct ld *ld, const struct odict *arr, elem_h *fn,
		       void *arg)
{
	struct le *le;
	size_t i = 0;
	int err = 0;

	LIST_FOREACH(&arr->lst, le) {
		const struct odict_entry *e = le->data;
		size_t mark = path_idx(ld, i);

		if (e->type != ODICT_OBJECT)
			err = fail(ld, NULL, "expected an object, not %s",
				   odict_type_name(e->type));
		else
			err = fn(ld, e->u.odict, i, arg);
		if (err)
			return err;
		path_pop(ld, mark);
		i++;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Id indexes
 * ------------------------------------------------------------------- */

static int idx_cmp(const void *a, const void *b)
{
	return strcmp(((const struct idx *)a)->id, ((const struct idx *)b)->id);
}

/* Builds a sorted index over n items; a repeated id is an error naming
 * the second occurrence's `field`. */
static int idx_build(struct ld *ld, const char *section, const char *fld,
		     struct idx **ip, size_t n,
		     const char *(*get)(const struct center *, size_t,
					const char **))
{
	struct idx *x = mem_zalloc((n ? n : 1) * sizeof(*x), NULL);

	if (!x)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		x[i].id = get(ld->c, i, &x[i].tenant);
		x[i].i = i;
	}
	qsort(x, n, sizeof(*x), idx_cmp);
	for (size_t i = 1; i < n; i++) {
		size_t first, later;
		const char *id;
		char key[96];

		if (strcmp(x[i - 1].id, x[i].id))
			continue;
		first = x[i].i < x[i - 1].i ? x[i].i : x[i - 1].i;
		later = x[i].i < x[i - 1].i ? x[i - 1].i : x[i].i;
		id = x[i].id;
		snprintf(key, sizeof(key), "%s[%zu].%s", section, later, fld);
		fail(ld, key, "'%s' is already the %s of %s[%zu]", id, fld,
		     section, first);
		mem_deref(x);
		return EINVAL;
	}
	*ip = x;
	return 0;
}

static const struct idx *idx_find(const struct idx *x, size_t n,
				  const char *id)
{
	struct idx key = {id, NULL, 0};

	if (!x || !id)
		return NULL;
	return bsearch(&key, x, n, sizeof(*x), idx_cmp);
}

static const char *tenant_id(const struct center *c, size_t i,
			     const char **t)
{
	*t = NULL;
	return c->tenants[i].id;
}

static const char *site_id(const struct center *c, size_t i, const char **t)
{
	*t = NULL;
	return c->sites[i].id;
}

static const char *position_id(const struct center *c, size_t i,
			       const char **t)
{
	*t = NULL;
	return c->positions[i].id;
}

static const char *position_user(const struct center *c, size_t i,
				 const char **t)
{
	*t = NULL;
	return c->positions[i].sip_user;
}

static const char *pause_id(const struct center *c, size_t i, const char **t)
{
	*t = NULL;
	return c->pauses[i].id;
}

static const char *queue_id(const struct center *c, size_t i, const char **t)
{
	*t = c->queues[i].tenant;
	return c->queues[i].id;
}

static const char *ivr_id(const struct center *c, size_t i, const char **t)
{
	*t = c->ivrs[i].tenant;
	return c->ivrs[i].id;
}

static const char *agent_id(const struct center *c, size_t i, const char **t)
{
	*t = NULL;
	return c->agents[i].id;
}

static const char *user_name(const struct center *c, size_t i,
			     const char **t)
{
	*t = NULL;
	return c->users[i].name;
}

static const char *did_number(const struct center *c, size_t i,
			      const char **t)
{
	*t = NULL;
	return c->dids[i].number;
}

/* A reference to an id that must exist in index x. */
static int ref(struct ld *ld, const char *key, const char *id,
	       const struct idx *x, size_t n, const char *what,
	       const struct idx **foundp)
{
	const struct idx *f = idx_find(x, n, id);

	if (!f)
		return fail(ld, key, "no %s '%s'", what, id);
	if (foundp)
		*foundp = f;
	return 0;
}

/* Allocates a section's array from a JSON array's length. */
static void *section_alloc(const struct odict *arr, size_t elsz, size_t *np)
{
	size_t n = arr ? list_count(&arr->lst) : 0;
	void *p = mem_zalloc((n ? n : 1) * elsz, NULL);

	if (p)
		*np = n;
	return p;
}

/* ---------------------------------------------------------------------
 * Sections
 * ------------------------------------------------------------------- */

static int tenant_parse(struct ld *ld, const struct odict *o, size_t i,
			void *arg)
{
	static const char *const keys[] = {"id", "name", NULL};
	struct center_tenant *t = &ld->c->tenants[i];
	int err;

	(void)arg;
	err = check_keys(ld, o, keys);
	if (!err)
		err = get_id(ld, o, "id", true, &t->id);
	if (!err)
		err = get_str(ld, o, "name", false, &t->name);
	if (!err && !t->name)
		err = str_dup(&t->name, t->id);
	return err;
}

static int site_parse(struct ld *ld, const struct odict *o, size_t i,
		      void *arg)
{
	static const char *const keys[] = {"id", "name", "city", NULL};
	struct center_site *s = &ld->c->sites[i];
	int err;

	(void)arg;
	err = check_keys(ld, o, keys);
	if (!err)
		err = get_id(ld, o, "id", true, &s->id);
	if (!err)
		err = get_str(ld, o, "name", false, &s->name);
	if (!err && !s->name)
		err = str_dup(&s->name, s->id);
	if (!err)
		err = get_str(ld, o, "city", false, &s->city);
	return err;
}

static bool ha1_ok(const char *s)
{
	if (strlen(s) != CENTER_HA1_LEN)
		return false;
	for (size_t i = 0; i < CENTER_HA1_LEN; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

/* A plaintext secret from the JSON; wiped in the odict once used. */
static int get_secret(struct ld *ld, const struct odict *o, const char *key,
		      const char **dst)
{
	const struct odict_entry *e = field(o, key);

	*dst = NULL;
	if (!e)
		return 0;
	if (e->type != ODICT_STRING)
		return fail(ld, key, "expected a string, not %s",
			    odict_type_name(e->type));
	if (!e->u.str[0])
		return fail(ld, key, "empty string");
	if (strlen(e->u.str) > 256)
		return fail(ld, key, "longer than 256 bytes");
	*dst = e->u.str;
	return 0;
}

static void wipe_str(const char *s)
{
	if (s)
		secret_wipe((char *)s, strlen(s));
}

static int position_parse(struct ld *ld, const struct odict *o, size_t i,
			  void *arg)
{
	static const char *const keys[] = {"id", "site", "sip_user",
		"sip_password", "sip_ha1", NULL};
	struct center_position *p = &ld->c->positions[i];
	const struct odict_entry *ha1;
	const char *pw = NULL;
	int err;

	(void)arg;
	err = check_keys(ld, o, keys);
	if (!err)
		err = get_id(ld, o, "id", true, &p->id);
	if (!err)
		err = get_id(ld, o, "site", true, &p->site);
	if (!err)
		err = ref(ld, "site", p->site, ld->sites, ld->c->n_sites,
			  "site", NULL);
	if (!err)
		err = get_id(ld, o, "sip_user", false, &p->sip_user);
	if (!err && !p->sip_user)
		err = str_dup(&p->sip_user, p->id);
	if (!err)
		err = get_secret(ld, o, "sip_password", &pw);
	if (err)
		return err;
	ha1 = field(o, "sip_ha1");
	if (pw && ha1)
		return fail(ld, "sip_ha1", "give sip_password or sip_ha1, "
			    "not both");
	if (!pw && !ha1)
		return fail(ld, "sip_password", "missing (or sip_ha1)");
	if (ha1) {
		if (ha1->type != ODICT_STRING || !ha1_ok(ha1->u.str))
			return fail(ld, "sip_ha1", "expected 32 lower-case "
				    "hex digits");
		memcpy(p->sip_ha1, ha1->u.str, CENTER_HA1_LEN + 1);
		return 0;
	}
	err = center_ha1(p->sip_ha1, p->sip_user, ld->c->sip_realm, pw);
	wipe_str(pw);
	return err;
}

static int pause_parse(struct ld *ld, const struct odict *o, size_t i,
		       void *arg)
{
	static const char *const keys[] = {"id", "name", "paid", "max_s",
		NULL};
	struct center_pause_reason *p = &ld->c->pauses[i];
	int err;

	(void)arg;
	err = check_keys(ld, o, keys);
	if (!err)
		err = get_id(ld, o, "id", true, &p->id);
	if (!err)
		err = get_str(ld, o, "name", false, &p->name);
	if (!err && !p->name)
		err = str_dup(&p->name, p->id);
	if (!err)
		err = get_bool(ld, o, "paid", false, &p->paid);
	if (!err)
		err = get_uint(ld, o, "max_s", 0, 86400, 0, &p->max_s);
	return err;
}

static int disposition_parse(struct ld *ld, const struct odict *o, size_t i,
			     void *arg)
{
	static const char *const keys[] = {"id", "tenant", "name", NULL};
	struct center_disposition *d = &ld->c->dispositions[i];
	int err;

	(void)arg;
	err = check_keys(ld, o, keys);
	if (!err)
		err = get_id(ld, o, "id", true, &d->id);
	if (!err)
		err = get_id(ld, o, "tenant", true, &d->tenant);
	if (!err)
		err = ref(ld, "tenant", d->tenant, ld->tenants,
			  ld->c->n_tenants, "tenant", NULL);
	if (!err)
		err = get_str(ld, o, "name", false, &d->name);
	if (!err && !d->name)
		err = str_dup(&d->name, d->id);
	for (size_t k = 0; !err && k < i; k++) {
		const struct center_disposition *e = &ld->c->dispositions[k];
		if (!strcmp(e->id, d->id) && !strcmp(e->tenant, d->tenant))
			err = fail(ld, "id", "'%s' is already a disposition "
				   "of tenant '%s' (dispositions[%zu])",
				   d->id, d->tenant, k);
	}
	return err;
}

static int expr(struct ld *ld, const char *key, const char *s)
{
	char why[128];

	if (s && skills_expr_check(s, why, sizeof(why)))
		return fail(ld, key, "bad skill expression: %s", why);
	return 0;
}

/* Space-separated site ids from a JSON array of ids. */
static int get_sites(struct ld *ld, const struct odict *o, const char *key,
		     char **dst)
{
	const struct odict *arr;
	struct le *le;
	size_t total = 1, i = 0;
	char *s;
	int err;

	err = get_container(ld, o, key, ODICT_ARRAY, &arr);
	if (err || !arr || !list_count(&arr->lst))
		return err;
	LIST_FOREACH(&arr->lst, le) {
		const struct odict_entry *e = le->data;
		size_t mark = path_key(ld, key);

		path_idx(ld, i++);
		if (e->type != ODICT_STRING)
			return fail(ld, NULL, "expected a site id");
		err = ref(ld, NULL, e->u.str, ld->sites, ld->c->n_sites,
			  "site", NULL);
		if (err)
			return err;
		for (struct le *l2 = arr->lst.head; l2 != le; l2 = l2->next) {
			const struct odict_entry *e2 = l2->data;
			if (!strcmp(e2->u.str, e->u.str))
				return fail(ld, NULL, "site '%s' twice",
					    e->u.str);
		}
		path_pop(ld, mark);
		total += strlen(e->u.str) + 1;
	}
	s = mem_zalloc(total, NULL);
	if (!s)
		return ENOMEM;
	LIST_FOREACH(&arr->lst, le) {
		const struct odict_entry *e = le->data;
		if (*s)
			strcat(s, " ");
		strcat(s, e->u.str);
	}
	*dst = s;
	return 0;
}

static int widen_parse(struct ld *ld, const struct odict *o, size_t i,
		       void *arg)
{
	static const char *const keys[] = {"after_s", "skills", "add_queue",
		"add_site", NULL};
	struct center_queue *q = arg;
	struct acd_widen_step *w = &q->acd.widen[i];
	char *skills = NULL, *add_queue = NULL, *add_site = NULL;
	int err;

	err = check_keys(ld, o, keys);
	if (!err)
		err = get_secs(ld, o, "after_s", 1, 86400, 0, &w->after_ms);
	if (!err && !field(o, "after_s"))
		err = fail(ld, "after_s", "missing");
	if (!err && i && w->after_ms <= q->acd.widen[i - 1].after_ms)
		err = fail(ld, "after_s", "must be later than the previous "
			   "step's");
	if (!err)
		err = get_str(ld, o, "skills", false, &skills);
	w->skills = skills;
	if (!err)
		err = expr(ld, "skills", skills);
	if (!err)
		err = get_id(ld, o, "add_queue", false, &add_queue);
	w->add_queue = add_queue;   /* checked once all queues are known */
	if (!err && add_queue && !strcmp(add_queue, q->id))
		err = fail(ld, "add_queue", "is this queue itself");
	if (!err)
		err = get_id(ld, o, "add_site", false, &add_site);
	w->add_site = add_site;
	if (!err && add_site)
		err = ref(ld, "add_site", add_site, ld->sites,
			  ld->c->n_sites, "site", NULL);
	if (!err && !skills && !add_queue && !add_site)
		err = fail(ld, NULL, "needs skills, add_queue or add_site");
	if (!err)
		q->acd.n_widen = i + 1;
	return err;
}

static const char *lang_name_i(int i)
{
	return center_lang_name((enum center_lang)i);
}

static int queue_parse(struct ld *ld, const struct odict *o, size_t i,
		       void *arg)
{
	static const char *const keys[] = {"id", "tenant", "name",
		"strategy", "skills", "sites", "priority", "service_level",
		"ring_timeout_s", "wrapup_s", "max_wait_s", "max_len",
		"join_empty", "leave_empty", "max_no_answer", "announce_s",
		"widen", "language", "answer", "record", "hold_music", NULL};
	static const char *const sl_keys[] = {"target", "time_s", NULL};
	struct center_queue *q = &ld->c->queues[i];
	struct acd_queue_conf *a = &q->acd;
	const struct odict *sl, *widen;
	int64_t prio = 0;
	int v = 0, err;

	(void)arg;
	err = check_keys(ld, o, keys);
	if (!err)
		err = get_id(ld, o, "id", true, &q->id);
	if (!err)
		err = get_id(ld, o, "tenant", true, &q->tenant);
	if (!err)
		err = ref(ld, "tenant", q->tenant, ld->tenants,
			  ld->c->n_tenants, "tenant", NULL);
	if (err)
		return err;
	a->id = q->id;
	a->tenant = q->tenant;
	err = get_str(ld, o, "name", false, &q->name);
	if (!err && !q->name)
		err = str_dup(&q->name, q->id);
	if (!err)
		err = get_enum(ld, o, "strategy", center_strategy_name,
			       ACD_STRATEGY_COUNT, ACD_STRATEGY_LONGEST_IDLE,
			       &v);
	a->strategy = (enum acd_strategy)v;
	if (!err) {
		char *s = NULL;
		err = get_str(ld, o, "skills", false, &s);
		a->skills = s;
	}
	if (!err)
		err = expr(ld, "skills", a->skills);
	if (!err) {
		char *s = NULL;
		err = get_sites(ld, o, "sites", &s);
		a->sites = s;
	}
	if (!err)
		err = get_int(ld, o, "priority", -1000, 1000, 0, &prio);
	a->priority = (int)prio;
	if (!err)
		err = get_container(ld, o, "service_level", ODICT_OBJECT, &sl);
	a->sl_target = 0.8;
	a->sl_time_ms = 20000;
	if (!err && sl) {
		size_t mark = path_key(ld, "service_level");
		const struct odict_entry *t;

		err = check_keys(ld, sl, sl_keys);
		t = field(sl, "target");
		if (!err && t) {
			double d = t->type == ODICT_INT ?
				(double)t->u.integer : t->u.dbl;
			if ((t->type != ODICT_INT &&
			     t->type != ODICT_DOUBLE) || !(d > 0 && d <= 1))
				err = fail(ld, "target", "expected a share in "
					   "(0, 1], e.g. 0.8");
			else
				a->sl_target = d;
		}
		if (!err)
			err = get_secs(ld, sl, "time_s", 1, 3600, 20000,
				       &a->sl_time_ms);
		if (!err)
			path_pop(ld, mark);
	}
	if (!err)
		err = get_secs(ld, o, "ring_timeout_s", 1, 600, 15000,
			       &a->ring_timeout_ms);
	if (!err)
		err = get_secs(ld, o, "wrapup_s", 0, 3600, 10000,
			       &a->wrapup_ms);
	if (!err)
		err = get_secs(ld, o, "max_wait_s", 0, 86400, 0,
			       &a->max_wait_ms);
	if (!err)
		err = get_uint(ld, o, "max_len", 0, 100000, 0, &a->max_len);
	if (!err)
		err = get_enum(ld, o, "join_empty", center_empty_name, 3,
			       ACD_EMPTY_ALLOW, &v);
	a->join_empty = (enum acd_empty_rule)v;
	if (!err)
		err = get_enum(ld, o, "leave_empty", center_empty_name, 3,
			       ACD_EMPTY_ALLOW, &v);
	a->leave_empty = (enum acd_empty_rule)v;
	if (!err)
		err = get_uint(ld, o, "max_no_answer", 0, 100, 3,
			       &a->max_no_answer);
	if (!err)
		err = get_secs(ld, o, "announce_s", 0, 3600, 30000,
			       &a->announce_ms);
	if (!err)
		err = get_container(ld, o, "widen", ODICT_ARRAY, &widen);
	if (!err && widen) {
		size_t mark = path_key(ld, "widen");

		if (list_count(&widen->lst) > ACD_MAX_WIDEN)
			return fail(ld, NULL, "more than %d steps",
				    ACD_MAX_WIDEN);
		err = each_object(ld, widen, widen_parse, q);
		if (!err)
			path_pop(ld, mark);
	}
	if (!err)
		err = get_lang(ld, o, "language", CENTER_LANG_FR, &q->language,
			       NULL);
	if (!err)
		err = get_enum(ld, o, "answer", center_answer_name, 2,
			       CENTER_ANSWER_ANSWER, &v);
	q->answer = (enum center_answer)v;
	if (!err)
		err = get_bool(ld, o, "record", false, &q->record);
	if (!err)
		err = get_str(ld, o, "hold_music", false, &q->hold_music);
	if (!err && q->hold_music && (strchr(q->hold_music, '/') ||
				      q->hold_music[0] == '.'))
		err = fail(ld, "hold_music", "must be a file name in the "
			   "media directory, without '/' or a leading '.'");
	if (!err && !q->hold_music)
		err = str_dup(&q->hold_music, "default");
	(void)lang_name_i;
	return err;
}

/* Keys a route accepts besides its owner's own. */
static int route_parse(struct ld *ld, const struct odict *o,
		       struct center_route *r, const char *tenant,
		       bool need_target)
{
	int err;

	err = get_id(ld, o, "queue", false, &r->queue);
	if (!err)
		err = get_id(ld, o, "menu", false, &r->menu);
	if (!err)
		err = get_str(ld, o, "skills", false, &r->skills);
	if (!err)
		err = expr(ld, "skills", r->skills);
	if (!err)
		err = get_lang(ld, o, "language", CENTER_LANG_FR, &r->language,
			       &r->has_language);
	if (err)
		return err;
	if (r->queue && r->menu)
		return fail(ld, "menu", "give queue or menu, not both");
	if (need_target && !r->queue && !r->menu)
		return fail(ld, "queue", "missing (or menu)");
	if (r->queue) {
		const struct idx *f = NULL;
		err = ref(ld, "queue", r->queue, ld->queues, ld->c->n_queues,
			  "queue", &f);
		if (!err && strcmp(f->tenant, tenant))
			err = fail(ld, "queue", "queue '%s' belongs to tenant "
				   "'%s', not '%s'", r->queue, f->tenant,
				   tenant);
	}
	return err;   /* menus are checked once all are known */
}

static int ivr_option_parse(struct ld *ld, const struct odict *o, size_t i,
			    void *arg)
{
	static const char *const keys[] = {"key", "queue", "menu", "skills",
		"language", NULL};
	struct center_ivr *m = arg;
	struct center_ivr_option *opt = &m->options[i];
	const struct odict_entry *k;
	int err;

	err = check_keys(ld, o, keys);
	if (err)
		return err;
	k = field(o, "key");
	if (!k || k->type != ODICT_STRING || strlen(k->u.str) != 1 ||
	    !strchr("0123456789*#", k->u.str[0]))
		return fail(ld, "key", "expected one of \"0\"..\"9\", \"*\", "
			    "\"#\"");
	opt->key = k->u.str[0];
	for (size_t j = 0; j < i; j++) {
		if (m->options[j].key == opt->key)
			return fail(ld, "key", "'%c' is already options[%zu]",
				    opt->key, j);
	}
	m->n_options = i + 1;
	return route_parse(ld, o, &opt->route, m->tenant, true);
}

static int ivr_parse(struct ld *ld, const struct odict *o, size_t i,
		     void *arg)
{
	static const char *const keys[] = {"id", "tenant", "prompt",
		"options", "timeout_s", "retries", "default", NULL};
	static const char *const dkeys[] = {"queue", "menu", "skills",
		"language", NULL};
	struct center_ivr *m = &ld->c->ivrs[i];
	const struct odict *prompt, *opts, *dflt;
	bool any = false;
	int err;

	(void)arg;
	err = check_keys(ld, o, keys);
	if (!err)
		err = get_id(ld, o, "id", true, &m->id);
	if (!err)
		err = get_id(ld, o, "tenant", true, &m->tenant);
	if (!err)
		err = ref(ld, "tenant", m->tenant, ld->tenants,
			  ld->c->n_tenants, "tenant", NULL);
	if (!err)
		err = get_container(ld, o, "prompt", ODICT_OBJECT, &prompt);
	if (!err && !prompt)
		err = fail(ld, "prompt", "missing");
	if (err)
		return err;
	{
		size_t mark = path_key(ld, "prompt");
		struct le *le;

		LIST_FOREACH(&prompt->lst, le) {
			const struct odict_entry *e = le->data;
			enum center_lang l;

			if (center_lang_parse(e->key, &l))
				return fail(ld, e->key, "not a language (fr, "
					    "ar, en, de, es)");
		}
		for (int l = 0; l < CENTER_LANG_COUNT && !err; l++) {
			err = get_str(ld, prompt, center_lang_name(l), false,
				      &m->prompt[l]);
			any = any || m->prompt[l];
		}
		if (err)
			return err;
		path_pop(ld, mark);
	}
	if (!any)
		return fail(ld, "prompt", "needs a text in one language at "
			    "least");
	err = get_uint(ld, o, "timeout_s", 1, 60, 5, &m->timeout_s);
	if (!err)
		err = get_uint(ld, o, "retries", 0, 10, 2, &m->retries);
	if (!err)
		err = get_container(ld, o, "options", ODICT_ARRAY, &opts);
	if (!err && (!opts || !list_count(&opts->lst)))
		err = fail(ld, "options", "missing or empty");
	if (!err && list_count(&opts->lst) > CENTER_IVR_KEYS)
		err = fail(ld, "options", "more than %d", CENTER_IVR_KEYS);
	if (!err) {
		size_t mark = path_key(ld, "options");
		err = each_object(ld, opts, ivr_option_parse, m);
		if (!err)
			path_pop(ld, mark);
	}
	if (!err)
		err = get_container(ld, o, "default", ODICT_OBJECT, &dflt);
	if (!err && dflt) {
		size_t mark = path_key(ld, "default");
		err = check_keys(ld, dflt, dkeys);
		if (!err)
			err = route_parse(ld, dflt, &m->dflt, m->tenant,
					  false);
		if (!err)
			path_pop(ld, mark);
	}
	return err;
}

static int member_parse(struct ld *ld, const struct odict_entry *e,
			struct center_agent *a, size_t i)
{
	static const char *const keys[] = {"queue", "weight", NULL};
	struct center_member *m = &a->members[i];
	const struct idx *f = NULL;
	int err;

	if (e->type == ODICT_STRING) {
		if (!id_ok(e->u.str))
			return fail(ld, NULL, "'%.80s' is not a valid queue "
				    "id", e->u.str);
		err = str_dup(&m->queue, e->u.str);
		m->weight = 1;
	}
	else if (e->type == ODICT_OBJECT) {
		err = check_keys(ld, e->u.odict, keys);
		if (!err)
			err = get_id(ld, e->u.odict, "queue", true, &m->queue);
		if (!err)
			err = get_uint(ld, e->u.odict, "weight", 1, 1000, 1,
				       &m->weight);
	}
	else {
		return fail(ld, NULL, "expected a queue id or {\"queue\", "
			    "\"weight\"}");
	}
	if (err)
		return err;
	err = ref(ld, e->type == ODICT_OBJECT ? "queue" : NULL, m->queue,
		  ld->queues, ld->c->n_queues, "queue", &f);
	if (!err && a->tenant && strcmp(f->tenant, a->tenant))
		err = fail(ld, e->type == ODICT_OBJECT ? "queue" : NULL,
			   "queue '%s' belongs to tenant '%s', not the "
			   "agent's '%s'", m->queue, f->tenant, a->tenant);
	for (size_t j = 0; !err && j < i; j++) {
		if (!strcmp(a->members[j].queue, m->queue))
			err = fail(ld, NULL, "queue '%s' twice", m->queue);
	}
	return err;
}

static const char *role_name_i(int i)
{
	return center_role_name((enum center_role)i);
}

/* "number": 1..CENTER_AGENT_NUMBER_MAX digits, as a string or a
 * non-negative integer (written back as a string). */
static int agent_number_parse(struct ld *ld, const struct odict *o,
			      struct center_agent *a)
{
	const struct odict_entry *e = field(o, "number");
	char buf[CENTER_AGENT_NUMBER_MAX + 1];
	size_t n;

	if (!e)
		return 0;
	if (e->type == ODICT_INT) {
		if (e->u.integer < 0 || e->u.integer > 999999999)
			return fail(ld, "number", "expected 1 to %d digits",
				    CENTER_AGENT_NUMBER_MAX);
		snprintf(buf, sizeof(buf), "%lld", (long long)e->u.integer);
		return str_dup(&a->number, buf);
	}
	if (e->type != ODICT_STRING)
		return fail(ld, "number", "expected 1 to %d digits",
			    CENTER_AGENT_NUMBER_MAX);
	n = strlen(e->u.str);
	if (!n || n > CENTER_AGENT_NUMBER_MAX ||
	    strspn(e->u.str, "0123456789") != n)
		return fail(ld, "number", "expected 1 to %d digits",
			    CENTER_AGENT_NUMBER_MAX);
	return str_dup(&a->number, e->u.str);
}

static int number_cmp(const void *x, const void *y)
{
	const struct center_agent *const *a = x, *const *b = y;

	return strcmp((*a)->number, (*b)->number);
}

/* Agents' numbers are unique (a phone dials them). O(n log n). */
static int agent_numbers_check(struct ld *ld)
{
	const struct center *c = ld->c;
	const struct center_agent **v;
	size_t n = 0;
	int err = 0;

	v = mem_zalloc((c->n_agents ? c->n_agents : 1) * sizeof(*v), NULL);
	if (!v)
		return ENOMEM;
	for (size_t i = 0; i < c->n_agents; i++) {
		if (c->agents[i].number)
			v[n++] = &c->agents[i];
	}
	qsort(v, n, sizeof(*v), number_cmp);
	for (size_t i = 1; i < n && !err; i++) {
		size_t first = (size_t)(v[i - 1] - c->agents);
		size_t later = (size_t)(v[i] - c->agents);
		char key[64];

		if (strcmp(v[i - 1]->number, v[i]->number))
			continue;
		if (first > later) {
			size_t t = first;
			first = later;
			later = t;
		}
		snprintf(key, sizeof(key), "agents[%zu].number", later);
		err = fail(ld, key, "'%s' is already the number of "
			   "agents[%zu]", v[i]->number, first);
	}
	mem_deref(v);
	return err;
}

static int agent_parse(struct ld *ld, const struct odict *o, size_t i,
		       void *arg)
{
	static const char *const keys[] = {"id", "name", "tenant", "skills",
		"pin", "pin_hash", "queues", "number", "role", NULL};
	struct center_agent *a = &ld->c->agents[i];
	const struct odict *qs;
	const struct odict_entry *ph;
	const char *pin = NULL;
	char why[128];
	int err, role = 0;

	(void)arg;
	err = check_keys(ld, o, keys);
	if (!err)
		err = get_id(ld, o, "id", true, &a->id);
	if (!err)
		err = get_str(ld, o, "name", false, &a->name);
	if (!err && !a->name)
		err = str_dup(&a->name, a->id);
	if (!err)
		err = get_id(ld, o, "tenant", false, &a->tenant);
	if (!err && a->tenant)
		err = ref(ld, "tenant", a->tenant, ld->tenants,
			  ld->c->n_tenants, "tenant", NULL);
	if (!err)
		err = agent_number_parse(ld, o, a);
	if (!err)
		err = get_enum(ld, o, "role", role_name_i, CENTER_ROLE_COUNT,
			       CENTER_ROLE_AGENT,
			       &role);
	if (!err)
		a->role = (enum center_role)role;
	if (!err)
		err = get_str(ld, o, "skills", false, &a->skills);
	if (!err && a->skills && skills_list_check(a->skills, why,
						   sizeof(why)))
		err = fail(ld, "skills", "bad skill list: %s", why);
	if (!err)
		err = get_container(ld, o, "queues", ODICT_ARRAY, &qs);
	if (!err && qs && list_count(&qs->lst)) {
		size_t mark = path_key(ld, "queues"), j = 0;
		struct le *le;

		a->members = mem_zalloc(list_count(&qs->lst) *
					sizeof(*a->members), NULL);
		if (!a->members)
			return ENOMEM;
		LIST_FOREACH(&qs->lst, le) {
			size_t m2 = path_idx(ld, j);
			a->n_members = j + 1;
			err = member_parse(ld, le->data, a, j++);
			if (err)
				return err;
			path_pop(ld, m2);
		}
		path_pop(ld, mark);
	}
	if (!err)
		err = get_secret(ld, o, "pin", &pin);
	if (err)
		return err;
	ph = field(o, "pin_hash");
	if (pin && ph)
		return fail(ld, "pin_hash", "give pin or pin_hash, not both");
	if (ph) {
		if (ph->type != ODICT_STRING || !pin_hash_valid(ph->u.str))
			return fail(ld, "pin_hash", "expected \"pbkdf2-sha256"
				    "$ITER$SALT$HASH\" (ITER 1..%u, 32+64 hex)",
				    PIN_ITER_MAX);
		return str_dup(&a->pin_hash, ph->u.str);
	}
	if (pin) {
		uint8_t salt[16];
		char buf[160];

		for (const char *p = pin; *p; p++) {
			if (*p < '0' || *p > '9')
				return fail(ld, "pin", "digits only");
		}
		if (strlen(pin) < 4 || strlen(pin) > 12)
			return fail(ld, "pin", "4 to 12 digits");
		if (getrandom(salt, sizeof(salt), 0) != sizeof(salt))
			return errno ? errno : EIO;
		err = center_pin_hash(buf, sizeof(buf), pin, salt, ld->iter);
		wipe_str(pin);
		if (!err)
			err = str_dup(&a->pin_hash, buf);
	}
	return err;
}

/* A user of the HTTP API. Clear passwords are refused: the file holds
 * only the salted hash (`plateau passwd` prints one). */
static int user_parse(struct ld *ld, const struct odict *o, size_t i,
		      void *arg)
{
	static const char *const keys[] = {"user", "role", "tenant", "agent",
		"password_hash", "password", NULL};
	struct center_user *u = &ld->c->users[i];
	const struct odict_entry *ph;
	const struct idx *f = NULL;
	char *role = NULL;
	int err;

	(void)arg;
	err = check_keys(ld, o, keys);
	if (!err && field(o, "password"))
		return fail(ld, "password", "clear passwords are not kept; "
			    "give password_hash (plateau passwd prints one)");
	if (!err)
		err = get_id(ld, o, "user", true, &u->name);
	if (!err)
		err = get_str(ld, o, "role", true, &role);
	if (!err && center_role_parse(role, &u->role))
		err = fail(ld, "role", "expected agent, supervisor or admin");
	mem_deref(role);
	if (!err)
		err = get_id(ld, o, "tenant", false, &u->tenant);
	if (!err && u->tenant)
		err = ref(ld, "tenant", u->tenant, ld->tenants,
			  ld->c->n_tenants, "tenant", NULL);
	if (!err && !u->tenant && u->role != CENTER_ROLE_ADMIN)
		err = fail(ld, "tenant", "required: only an admin may be the "
			   "operator (no tenant)");
	if (!err)
		err = get_id(ld, o, "agent", false, &u->agent);
	if (!err && u->role == CENTER_ROLE_AGENT && !u->agent)
		err = fail(ld, "agent", "required for role agent");
	if (!err && u->role != CENTER_ROLE_AGENT && u->agent)
		err = fail(ld, "agent", "only for role agent");
	if (!err && u->agent)
		err = ref(ld, "agent", u->agent, ld->agents_x,
			  ld->c->n_agents, "agent", &f);
	if (!err && f) {
		const char *at = ld->c->agents[f->i].tenant;

		if (at && strcmp(at, u->tenant))
			err = fail(ld, "agent", "agent '%s' belongs to tenant "
				   "'%s', not '%s'", u->agent, at, u->tenant);
	}
	if (err)
		return err;
	ph = field(o, "password_hash");
	if (!ph)
		return fail(ld, "password_hash", "required");
	if (ph->type != ODICT_STRING || !pin_hash_valid(ph->u.str))
		return fail(ld, "password_hash", "expected \"pbkdf2-sha256"
			    "$ITER$SALT$HASH\" (ITER 1..%u, 32+64 hex)",
			    PIN_ITER_MAX);
	return str_dup(&u->password_hash, ph->u.str);
}

/* A CRM webhook of a tenant (docs/config.md, Webhooks). */
static int webhook_parse(struct ld *ld, const struct odict *o, size_t i,
			 void *arg)
{
	static const char *const keys[] = {"id", "tenant", "url", "secret",
		"events", "enabled", NULL};
	struct center_webhook *w = &ld->c->webhooks[i];
	const struct odict *evs = NULL;
	size_t n;
	int err;

	(void)arg;
	err = check_keys(ld, o, keys);
	if (!err)
		err = get_id(ld, o, "id", true, &w->id);
	if (!err)
		err = get_id(ld, o, "tenant", true, &w->tenant);
	if (!err)
		err = ref(ld, "tenant", w->tenant, ld->tenants,
			  ld->c->n_tenants, "tenant", NULL);
	if (!err)
		err = get_str(ld, o, "url", true, &w->url);
	if (!err && center_hook_url_check(w->url))
		err = fail(ld, "url", "expected http://HOST[:PORT][/PATH] or "
			   "https://… (at most %d bytes, no spaces)",
			   CENTER_HOOK_URL_MAX);
	if (!err)
		err = get_str(ld, o, "secret", true, &w->secret);
	if (err)
		return err;
	n = strlen(w->secret);
	if (n < CENTER_HOOK_SECRET_MIN || n > CENTER_HOOK_SECRET_MAX)
		return fail(ld, "secret", "%d to %d bytes",
			    CENTER_HOOK_SECRET_MIN, CENTER_HOOK_SECRET_MAX);
	for (const char *p = w->secret; *p; p++) {
		if ((unsigned char)*p < 0x21 || *p == 0x7f)
			return fail(ld, "secret", "no spaces or control "
				    "characters");
	}
	err = get_bool(ld, o, "enabled", true, &w->enabled);
	if (!err)
		err = get_container(ld, o, "events", ODICT_ARRAY, &evs);
	if (err)
		return err;
	if (!evs) {
		w->events = CENTER_HOOK_ALL;
		return 0;
	}
	for (struct le *le = evs->lst.head; le; le = le->next) {
		const struct odict_entry *e = le->data;
		enum center_hook_event ev;

		if (e->type != ODICT_STRING ||
		    center_hook_event_parse(e->u.str, &ev))
			return fail(ld, "events", "expected names among "
				    "call.offered, call.answered, "
				    "call.abandoned, call.ended");
		w->events |= (unsigned)ev;
	}
	if (!w->events)
		return fail(ld, "events", "empty: name at least one event");
	return 0;
}

static const char *webhook_id(const struct center *c, size_t i,
			      const char **tenantp)
{
	*tenantp = NULL;
	return c->webhooks[i].id;
}

static int did_parse(struct ld *ld, const struct odict *o, size_t i,
		     void *arg)
{
	static const char *const keys[] = {"number", "tenant", "queue",
		"menu", "skills", "language", NULL};
	struct center_did *d = &ld->c->dids[i];
	const char *n;
	size_t digits = 0;
	int err;

	(void)arg;
	err = check_keys(ld, o, keys);
	if (!err)
		err = get_str(ld, o, "number", true, &d->number);
	if (err)
		return err;
	n = d->number;
	if (n[0] != '+')
		return fail(ld, "number", "expected E.164, e.g. "
			    "\"+212522001100\"");
	for (const char *p = n + 1; *p; p++, digits++) {
		if (*p < '0' || *p > '9')
			return fail(ld, "number", "expected E.164, e.g. "
				    "\"+212522001100\"");
	}
	if (digits < 6 || digits > 15)
		return fail(ld, "number", "6 to 15 digits after '+'");
	err = get_id(ld, o, "tenant", true, &d->tenant);
	if (!err)
		err = ref(ld, "tenant", d->tenant, ld->tenants,
			  ld->c->n_tenants, "tenant", NULL);
	if (!err)
		err = route_parse(ld, o, &d->route, d->tenant, true);
	if (!err)
		d->language = d->route.language;
	return err;
}

/* ---------------------------------------------------------------------
 * Cross references known only at the end
 * ------------------------------------------------------------------- */

static int menu_ref(struct ld *ld, const char *section, size_t i,
		    const char *sub, size_t j, const struct center_route *r,
		    const char *tenant)
{
	const struct idx *f = NULL;
	char key[128];

	if (!r->menu)
		return 0;
	if (sub && j != (size_t)-1)
		snprintf(key, sizeof(key), "%s[%zu].%s[%zu].menu", section, i,
			 sub, j);
	else if (sub)
		snprintf(key, sizeof(key), "%s[%zu].%s.menu", section, i, sub);
	else
		snprintf(key, sizeof(key), "%s[%zu].menu", section, i);
	f = idx_find(ld->ivrs, ld->c->n_ivrs, r->menu);
	if (!f)
		return fail(ld, key, "no menu '%s'", r->menu);
	if (strcmp(f->tenant, tenant))
		return fail(ld, key, "menu '%s' belongs to tenant '%s', not "
			    "'%s'", r->menu, f->tenant, tenant);
	return 0;
}

static int late_refs(struct ld *ld)
{
	const struct center *c = ld->c;
	int err = 0;

	for (size_t i = 0; i < c->n_queues && !err; i++) {
		const struct center_queue *q = &c->queues[i];
		for (size_t j = 0; j < q->acd.n_widen && !err; j++) {
			const char *aq = q->acd.widen[j].add_queue;
			char key[96];
			const struct idx *f;

			if (!aq)
				continue;
			snprintf(key, sizeof(key),
				 "queues[%zu].widen[%zu].add_queue", i, j);
			f = idx_find(ld->queues, c->n_queues, aq);
			if (!f)
				err = fail(ld, key, "no queue '%s'", aq);
			else if (strcmp(f->tenant, q->tenant))
				err = fail(ld, key, "queue '%s' belongs to "
					   "tenant '%s', not '%s'", aq,
					   f->tenant, q->tenant);
		}
	}
	for (size_t i = 0; i < c->n_ivrs && !err; i++) {
		const struct center_ivr *m = &c->ivrs[i];
		for (size_t j = 0; j < m->n_options && !err; j++)
			err = menu_ref(ld, "ivr_menus", i, "options", j,
				       &m->options[j].route, m->tenant);
		if (!err)
			err = menu_ref(ld, "ivr_menus", i, "default",
				       (size_t)-1, &m->dflt, m->tenant);
	}
	for (size_t i = 0; i < c->n_dids && !err; i++)
		err = menu_ref(ld, "dids", i, NULL, 0, &c->dids[i].route,
			       c->dids[i].tenant);
	return err;
}

/* ---------------------------------------------------------------------
 * The whole file
 * ------------------------------------------------------------------- */

/* Wipes every plaintext secret left in the decoded tree. */
static void wipe_tree(const struct odict *o)
{
	struct le *le;

	LIST_FOREACH(&o->lst, le) {
		const struct odict_entry *e = le->data;

		if (e->type == ODICT_OBJECT || e->type == ODICT_ARRAY)
			wipe_tree(e->u.odict);
		else if (e->type == ODICT_STRING &&
			 (!strcmp(e->key, "pin") ||
			  !strcmp(e->key, "sip_password")))
			wipe_str(e->u.str);
	}
}

typedef const char *(id_get)(const struct center *, size_t, const char **);

/* Parses one top-level array section into its array, then indexes it. */
static int section(struct ld *ld, const struct odict *root, const char *key,
		   void **arrp, size_t *np, size_t elsz, elem_h *fn,
		   id_get *get, const char *fld, struct idx **xp)
{
	const struct odict *arr;
	size_t mark;
	int err;

	err = get_container(ld, root, key, ODICT_ARRAY, &arr);
	if (err)
		return err;
	*arrp = section_alloc(arr, elsz, np);
	if (!*arrp)
		return ENOMEM;
	if (arr) {
		mark = path_key(ld, key);
		/* count only elements parsed, so the destructor stays safe */
		err = each_object(ld, arr, fn, NULL);
		if (err)
			return err;
		path_pop(ld, mark);
	}
	if (get) {
		struct idx *x = NULL;
		err = idx_build(ld, key, fld, &x, *np, get);
		if (xp)
			*xp = x;
		else
			mem_deref(x);
	}
	return err;
}

static int root_parse(struct ld *ld, const struct odict *root)
{
	static const char *const keys[] = {"name", "timezone", "sip_realm",
		"tenants", "sites", "positions", "pause_reasons",
		"dispositions", "queues", "agents", "dids", "ivr_menus",
		"users", "webhooks", NULL};
	struct center *c = ld->c;
	struct idx *users = NULL, *numbers = NULL;
	int err;

	err = check_keys(ld, root, keys);
	if (!err)
		err = get_str(ld, root, "name", true, &c->name);
	if (!err)
		err = get_str(ld, root, "timezone", false, &c->timezone);
	if (!err && c->timezone) {
		for (const char *p = c->timezone; *p && !err; p++) {
			if (!((*p >= 'A' && *p <= 'Z') ||
			      (*p >= 'a' && *p <= 'z') ||
			      (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
				err = fail(ld, "timezone", "expected an IANA "
					   "zone like \"Africa/Casablanca\"");
		}
	}
	if (!err && !c->timezone)
		err = str_dup(&c->timezone, "Africa/Casablanca");
	if (!err)
		err = get_str(ld, root, "sip_realm", false, &c->sip_realm);
	if (!err && c->sip_realm && (strchr(c->sip_realm, '"') ||
				     strchr(c->sip_realm, '\\')))
		err = fail(ld, "sip_realm", "must not contain '\"' or '\\'");
	if (!err && !c->sip_realm)
		err = str_dup(&c->sip_realm, "plateau");
	if (err)
		return err;

#define SECTION(key, arr, n, fn, get, xp)                                  \
	section(ld, root, key, (void **)&c->arr, &c->n,                    \
		sizeof(*c->arr), fn, get, get == did_number ? "number" :   \
		get == user_name ? "user" : "id", xp)

	err = SECTION("tenants", tenants, n_tenants, tenant_parse, tenant_id,
		      &ld->tenants);
	if (!err)
		err = SECTION("sites", sites, n_sites, site_parse, site_id,
			      &ld->sites);
	if (!err)
		err = SECTION("positions", positions, n_positions,
			      position_parse, position_id, &ld->positions);
	if (!err)
		err = idx_build(ld, "positions", "sip_user", &users,
				c->n_positions, position_user);
	if (!err)
		err = SECTION("pause_reasons", pauses, n_pauses, pause_parse,
			      pause_id, &ld->pauses);
	if (!err)
		err = SECTION("dispositions", dispositions, n_dispositions,
			      disposition_parse, NULL, NULL);
	if (!err)
		err = SECTION("queues", queues, n_queues, queue_parse,
			      queue_id, &ld->queues);
	if (!err) {
		/* IVR ids are indexed before the menus are parsed... */
		err = SECTION("ivr_menus", ivrs, n_ivrs, ivr_parse, ivr_id,
			      &ld->ivrs);
	}
	if (!err)
		err = SECTION("agents", agents, n_agents, agent_parse,
			      agent_id, &ld->agents_x);
	if (!err)
		err = agent_numbers_check(ld);
	if (!err)
		err = SECTION("dids", dids, n_dids, did_parse, did_number,
			      &numbers);
	if (!err)
		err = SECTION("users", users, n_users, user_parse, user_name,
			      NULL);
	if (!err)
		err = SECTION("webhooks", webhooks, n_webhooks, webhook_parse,
			      webhook_id, NULL);
	if (!err)
		err = late_refs(ld);
#undef SECTION
	mem_deref(users);
	mem_deref(numbers);
	return err;
}

int center_parse(const char *buf, size_t len, const char *name,
		 const struct center_opts *opts, struct center **cp,
		 char *err, size_t errsz)
{
	struct ld ld;
	struct odict *root = NULL;
	struct jsoncheck_pos pos;
	int e;

	if (err && errsz)
		err[0] = '\0';
	if (!buf || !cp)
		return EINVAL;
	memset(&ld, 0, sizeof(ld));
	ld.file = name ? name : "config";
	ld.err = err;
	ld.errsz = errsz;
	ld.iter = opts && opts->pin_iterations ? opts->pin_iterations :
		CENTER_PIN_ITER;
	if (ld.iter > PIN_ITER_MAX)
		return EINVAL;

	if (len > CENTER_FILE_MAX) {
		fail(&ld, NULL, "larger than %u bytes", CENTER_FILE_MAX);
		return EFBIG;
	}
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf += 3;   /* a UTF-8 byte-order mark */
		len -= 3;
	}
	if (jsoncheck(buf, len, &pos)) {
		if (err && errsz)
			snprintf(err, errsz, "%s:%u:%u: %s", ld.file, pos.line,
				 pos.col, pos.what ? pos.what : "bad JSON");
		return EINVAL;
	}
	{
		size_t k = 0;
		while (k < len && strchr(" \t\r\n", buf[k]))
			k++;
		if (k >= len || buf[k] != '{')
			return fail(&ld, NULL, "expected a JSON object at "
				    "the top");
	}

	e = json_decode_odict(&root, 16, buf, len, JSONCHECK_DEPTH + 1);
	if (e) {
		fail(&ld, NULL, "JSON not accepted by the decoder (%s)",
		     strerror(e));
		return e == ENOMEM ? ENOMEM : EINVAL;
	}

	ld.c = mem_zalloc(sizeof(*ld.c), center_destroy);
	if (!ld.c) {
		e = ENOMEM;
		goto out;
	}
	e = root_parse(&ld, root);
	if (e == ENOMEM && err && errsz && !err[0])
		snprintf(err, errsz, "%s: out of memory", ld.file);

 out:
	wipe_tree(root);
	mem_deref(root);
	mem_deref(ld.tenants);
	mem_deref(ld.sites);
	mem_deref(ld.positions);
	mem_deref(ld.pauses);
	mem_deref(ld.queues);
	mem_deref(ld.ivrs);
	mem_deref(ld.agents_x);
	if (e)
		mem_deref(ld.c);
	else
		*cp = ld.c;
	return e;
}

int center_load(const char *path, struct center **cp, char *err,
		size_t errsz)
{
	return center_load_opts(path, NULL, cp, err, errsz);
}

int center_load_opts(const char *path, const struct center_opts *opts,
		     struct center **cp, char *err, size_t errsz)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, e = 0;

	if (err && errsz)
		err[0] = '\0';
	if (!path || !cp)
		return EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (err && errsz)
			snprintf(err, errsz, "%s: %s", path, strerror(e));
		return e;
	}
	if (fstat(fd, &st)) {
		e = errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		e = EISDIR;
		goto out;
	}
	if (st.st_size > (off_t)CENTER_FILE_MAX) {
		if (err && errsz)
			snprintf(err, errsz, "%s: larger than %u bytes", path,
				 CENTER_FILE_MAX);
		e = EFBIG;
		goto out;
	}
	buf = malloc(CENTER_FILE_MAX + 2);
	if (!buf) {
		e = ENOMEM;
		goto out;
	}
	/* read to EOF, never past the limit (the file may grow meanwhile) */
	for (;;) {
		ssize_t n = read(fd, buf + got, CENTER_FILE_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > CENTER_FILE_MAX) {
			if (err && errsz)
				snprintf(err, errsz, "%s: larger than %u "
					 "bytes", path, CENTER_FILE_MAX);
			e = EFBIG;
			goto out;
		}
	}
	buf[got] = '\0';
	e = center_parse(buf, got, path, opts, cp, err, errsz);
	secret_wipe(buf, got);
 out:
	if (e && err && errsz && !err[0])
		snprintf(err, errsz, "%s: %s", path, strerror(e));
	free(buf);
	close(fd);
	return e;
}
