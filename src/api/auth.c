/* auth.c — api users, session tokens, integration keys, login throttle. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include "config/center.h"
#include "api/api_int.h"

static const char *role_names[API_ROLE_COUNT] = {
	"agent", "supervisor", "admin"
};

const char *api_role_name(enum api_role role)
{
	return (unsigned)role < API_ROLE_COUNT ? role_names[role] : "?";
}

int api_role_parse(const char *name, enum api_role *rolep)
{
	if (!name || !rolep)
		return EINVAL;
	for (int i = 0; i < API_ROLE_COUNT; i++) {
		if (!strcmp(name, role_names[i])) {
			*rolep = (enum api_role)i;
			return 0;
		}
	}
	return EINVAL;
}

static void user_destructor(void *arg)
{
	struct api_user *u = arg;

	list_unlink(&u->le);
	mem_deref(u->name);
	mem_deref(u->hash);
	mem_deref(u->tenant);
	mem_deref(u->agent);
}

static void session_destructor(void *arg)
{
	struct api_session *s = arg;

	list_unlink(&s->le);
	mem_deref(s->user);
}

/* SHA-256 of a key, with libre's HMAC (an empty key makes it a plain
 * keyed hash, enough to keep keys out of memory in clear). */
static int key_digest(uint8_t md[32], const char *key)
{
	static const uint8_t k[] = "plateau-api-key";
	struct hmac *h = NULL;
	int err = hmac_create(&h, HMAC_HASH_SHA256, k, sizeof(k) - 1);

	if (!err)
		err = hmac_digest(h, md, 32, (const uint8_t *)key,
				  strlen(key));
	mem_deref(h);
	return err;
}

static bool valid_tenant(const struct api *api, const char *tenant)
{
	return !tenant || center_tenant_find(api->deps.center, tenant);
}

/* Checks a user's fields; EINVAL when they do not fit the center. */
static int user_check(struct api *api, const char *user, enum api_role role,
		      const char *tenant, const char *agent)
{
	const struct center_agent *a;

	if (!user || !*user || (unsigned)role >= API_ROLE_COUNT ||
	    !valid_tenant(api, tenant))
		return EINVAL;
	if (!tenant && role != API_ROLE_ADMIN)
		return EINVAL;      /* only the operator admin spans tenants */
	if (role == API_ROLE_AGENT) {
		a = agent ? center_agent_find(api->deps.center, agent) : NULL;
		if (!a || (a->tenant && strcmp(a->tenant, tenant)))
			return EINVAL;
	}
	for (struct le *le = api->users.head; le; le = le->next) {
		struct api_user *o = le->data;

		if (!o->is_key && !strcmp(o->name, user))
			return EEXIST;
	}
	return 0;
}

static int user_append(struct api *api, const char *user, const char *hash,
		       enum api_role role, const char *tenant,
		       const char *agent)
{
	struct api_user *u = mem_zalloc(sizeof(*u), user_destructor);
	int err;

	if (!u)
		return ENOMEM;
	u->role = role;
	err = str_dup(&u->name, user);
	err |= str_dup(&u->hash, hash);
	if (tenant)
		err |= str_dup(&u->tenant, tenant);
	if (agent && role == API_ROLE_AGENT)
		err |= str_dup(&u->agent, agent);
	if (err) {
		mem_deref(u);
		return ENOMEM;
	}
	list_append(&api->users, &u->le, u);
	return 0;
}

int api_user_add(struct api *api, const char *user, const char *password,
		 enum api_role role, const char *tenant, const char *agent)
{
	uint8_t salt[16];
	char hash[256];
	int err;

	if (!api || !password || strlen(password) < 4)
		return EINVAL;
	err = user_check(api, user, role, tenant, agent);
	if (err)
		return err;
	rand_bytes(salt, sizeof(salt));
	err = center_pin_hash(hash, sizeof(hash), password, salt,
			      api->rounds);
	if (err)
		return err;
	return user_append(api, user, hash, role, tenant, agent);
}

int api_user_add_hash(struct api *api, const char *user, const char *hash,
		      enum api_role role, const char *tenant,
		      const char *agent)
{
	int err;

	if (!api || !hash || strncmp(hash, "pbkdf2-sha256$", 14))
		return EINVAL;
	err = user_check(api, user, role, tenant, agent);
	if (err)
		return err;
	return user_append(api, user, hash, role, tenant, agent);
}

int api_key_add(struct api *api, const char *key, enum api_role role,
		const char *tenant)
{
	struct api_user *u;
	int err;

	if (!api || !key || strlen(key) < 16 || role == API_ROLE_AGENT ||
	    (unsigned)role >= API_ROLE_COUNT || !valid_tenant(api, tenant) ||
	    (!tenant && role != API_ROLE_ADMIN))
		return EINVAL;
	u = mem_zalloc(sizeof(*u), user_destructor);
	if (!u)
		return ENOMEM;
	u->role = role;
	u->is_key = true;
	err = key_digest(u->key_md, key);
	err |= str_dup(&u->name, "api-key");
	if (tenant)
		err |= str_dup(&u->tenant, tenant);
	if (err) {
		mem_deref(u);
		return err;
	}
	list_append(&api->users, &u->le, u);
	return 0;
}

/* ---------------------------------------------------------------------
 * Throttle: failed logins per address (port ignored)
 * ------------------------------------------------------------------- */

static struct api_throttle *throttle_slot(struct api *api,
					  const struct sa *peer, bool add)
{
	uint32_t h = sa_hash(peer, SA_ADDR) % API_THROTTLE_SLOTS;
	struct api_throttle *t = &api->throttle[h];

	if (sa_cmp(&t->addr, peer, SA_ADDR))
		return t;
	if (!add)
		return NULL;
	/* The slot goes to the newcomer once its owner's window ended,
	 * or at once: a collision favours the newer address. */
	memset(t, 0, sizeof(*t));
	t->addr = *peer;
	return t;
}

bool api_throttled(struct api *api, const struct sa *peer)
{
	struct api_throttle *t = throttle_slot(api, peer, false);

	if (!t)
		return false;
	if (api_now(api) - t->start >= API_THROTTLE_MS)
		return false;
	return t->fails >= API_THROTTLE_FAILS;
}

static void throttle_fail(struct api *api, const struct sa *peer)
{
	struct api_throttle *t = throttle_slot(api, peer, true);
	acd_ms_t now = api_now(api);

	if (t->fails == 0 || now - t->start >= API_THROTTLE_MS) {
		t->start = now;
		t->fails = 0;
	}
	t->fails++;
}

/* ---------------------------------------------------------------------
 * Login and tokens
 * ------------------------------------------------------------------- */

int api_login(struct api *api, const struct sa *peer, const char *user,
	      const char *password, struct api_session **sessp)
{
	struct api_user *u = NULL;
	struct api_session *s;
	uint8_t tok[API_TOKEN_BYTES];

	for (struct le *le = api->users.head; le; le = le->next) {
		struct api_user *o = le->data;

		if (!o->is_key && !strcmp(o->name, user)) {
			u = o;
			break;
		}
	}
	/* Unknown user and wrong password cost the same hash time. */
	if (!center_pin_verify(u ? u->hash : "pbkdf2-sha256$20000$"
			       "00000000000000000000000000000000$"
			       "0000000000000000000000000000000000000000"
			       "000000000000000000000000", password) || !u) {
		throttle_fail(api, peer);
		return EACCES;
	}
	s = mem_zalloc(sizeof(*s), session_destructor);
	if (!s)
		return ENOMEM;
	rand_bytes(tok, sizeof(tok));
	for (size_t i = 0; i < sizeof(tok); i++)
		re_snprintf(s->token + 2 * i, 3, "%02x", tok[i]);
	s->user = mem_ref(u);
	s->expires = api_now(api) + API_SESSION_MS;
	list_append(&api->sessions, &s->le, s);
	*sessp = s;
	return 0;
}

void api_session_drop(struct api *api, struct api_session *s)
{
	(void)api;
	mem_deref(s);
}

/* Constant-time compare of equal-length strings. */
static bool same(const char *a, const struct pl *b)
{
	size_t n = strlen(a);
	uint8_t d = 0;

	if (b->l != n)
		return false;
	for (size_t i = 0; i < n; i++)
		d |= (uint8_t)(a[i] ^ b->p[i]);
	return d == 0;
}

/* O(sessions + keys): a linear scan; a few thousand users is fine. */
struct api_user *api_auth(struct api *api, const struct http_msg *msg,
			  struct api_session **sessp)
{
	const struct http_hdr *h = http_msg_hdr(msg, HTTP_HDR_AUTHORIZATION);
	struct pl tok;
	acd_ms_t now = api_now(api);
	struct le *le;
	char *key = NULL;
	uint8_t md[32];

	*sessp = NULL;
	if (!h || h->val.l < 8 || strncasecmp(h->val.p, "Bearer ", 7))
		return NULL;
	tok.p = h->val.p + 7;
	tok.l = h->val.l - 7;
	if (tok.l == 0 || tok.l > 256)
		return NULL;
	le = api->sessions.head;
	while (le) {
		struct api_session *s = le->data;

		le = le->next;
		if (now >= s->expires) {
			mem_deref(s);
			continue;
		}
		if (same(s->token, &tok)) {
			*sessp = s;
			return s->user;
		}
	}
	if (pl_strdup(&key, &tok) || key_digest(md, key)) {
		mem_deref(key);
		return NULL;
	}
	mem_deref(key);
	for (le = api->users.head; le; le = le->next) {
		struct api_user *u = le->data;
		uint8_t d = 0;

		if (!u->is_key)
			continue;
		for (size_t i = 0; i < 32; i++)
			d |= u->key_md[i] ^ md[i];
		if (!d)
			return u;
	}
	return NULL;
}

/* May this user see data of this tenant (NULL = operator-only rows)? */
bool api_may_see(const struct api_user *u, const char *tenant)
{
	if (!u->tenant)
		return true;
	return tenant && !strcmp(u->tenant, tenant);
}
