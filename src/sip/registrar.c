/* registrar.c — REGISTER handling, digest checks and the location table. */
#include <string.h>
#include <re.h>
#include "sip/guard.h"
#include "sip/registrar.h"

/* A binding in the table. */
struct binding {
	struct le he;              /* in registrar.ht by hash of user       */
	struct registration r;     /* what is registered                    */
};

struct registrar {
	char *realm;               /* digest realm                          */
	registrar_ha1_h *ha1h;     /* HA1 of a user                         */
	void *arg;                 /* for ha1h                              */
	struct sipguard *guard;    /* auth failures go there, or NULL       */
	struct hash *ht;           /* struct binding by user                */
	uint8_t decoy[16];         /* secret: decoy HA1s of unknown users   */
	unsigned n;                /* bindings                              */
};

static void registrar_destructor(void *arg)
{
	struct registrar *reg = arg;

	hash_flush(reg->ht);
	mem_deref(reg->ht);
	mem_deref(reg->realm);
	mem_deref(reg->guard);
}

int registrar_alloc(struct registrar **regp, const char *realm,
		    registrar_ha1_h *ha1h, void *arg, struct sipguard *guard)
{
	struct registrar *reg;
	int err;

	if (!regp || !realm || !*realm || !ha1h)
		return EINVAL;
	reg = mem_zalloc(sizeof(*reg), registrar_destructor);
	if (!reg)
		return ENOMEM;
	reg->ha1h = ha1h;
	reg->arg = arg;
	reg->guard = mem_ref(guard);
	rand_bytes(reg->decoy, sizeof(reg->decoy));
	err = str_dup(&reg->realm, realm);
	if (err)
		goto out;
	err = hash_alloc(&reg->ht, 1024);
out:
	if (err)
		mem_deref(reg);
	else
		*regp = reg;
	return err;
}

static bool binding_cmp(struct le *le, void *arg)
{
	const struct binding *b = le->data;

	return !strcmp(b->r.user, arg);
}

static struct binding *binding_find(const struct registrar *reg,
				    const char *user)
{
	struct le *le = hash_lookup(reg->ht, hash_joaat_str(user), binding_cmp,
				    (void *)user);

	return le ? le->data : NULL;
}

static void binding_destructor(void *arg)
{
	struct binding *b = arg;

	hash_unlink(&b->he);
}

static void binding_remove(struct registrar *reg, struct binding *b)
{
	mem_deref(b);
	reg->n--;
}

int registrar_bind(struct registrar *reg, const char *user,
		   const char *contact, uint32_t expires_s, uint64_t now)
{
	struct binding *b;

	if (!reg || !user || !contact || !*user || !*contact)
		return EINVAL;
	if (strlen(user) >= sizeof(b->r.user) ||
	    strlen(contact) >= sizeof(b->r.contact))
		return EINVAL;

	b = binding_find(reg, user);
	if (!expires_s) {
		if (b)
			binding_remove(reg, b);
		return 0;
	}
	if (!b) {
		b = mem_zalloc(sizeof(*b), binding_destructor);
		if (!b)
			return ENOMEM;
		str_ncpy(b->r.user, user, sizeof(b->r.user));
		hash_append(reg->ht, hash_joaat_str(user), &b->he, b);
		reg->n++;
	}
	str_ncpy(b->r.contact, contact, sizeof(b->r.contact));
	b->r.expires = now + (uint64_t)expires_s * 1000;
	return 0;
}

const struct registration *registrar_find(const struct registrar *reg,
					  const char *user, uint64_t now)
{
	const struct binding *b;

	if (!reg || !user)
		return NULL;
	b = binding_find(reg, user);
	if (!b || b->r.expires <= now)
		return NULL;
	return &b->r;
}

void registrar_sweep(struct registrar *reg, uint64_t now)
{
	uint32_t i, bsize;

	if (!reg)
		return;
	bsize = hash_bsize(reg->ht);
	for (i = 0; i < bsize; i++) {
		struct le *le = list_head(hash_list(reg->ht, i));

		while (le) {
			struct binding *b = le->data;

			le = le->next;
			if (b->r.expires <= now)
				binding_remove(reg, b);
		}
	}
}

void registrar_forget_unknown(struct registrar *reg)
{
	uint32_t i, bsize;
	uint8_t ha1[16];

	if (!reg)
		return;
	bsize = hash_bsize(reg->ht);
	for (i = 0; i < bsize; i++) {
		struct le *le = list_head(hash_list(reg->ht, i));

		while (le) {
			struct binding *b = le->data;

			le = le->next;
			if (reg->ha1h(b->r.user, ha1, reg->arg) == ENOENT)
				binding_remove(reg, b);
		}
	}
}

unsigned registrar_count(const struct registrar *reg)
{
	return reg ? reg->n : 0;
}

/* ---------------------------------------------------------------------
 * Digest
 * ------------------------------------------------------------------- */

/* State passed to the HA1 handler through http_auth_check(). */
struct authctx {
	struct registrar *reg;     /* the registrar                         */
	char user[65];             /* username of the response, copied      */
};

/* Known user: its HA1. Unknown or over-long: a decoy HA1 derived from a
 * secret, so the check fails the same way and in the same time. */
static int auth_ha1(const struct pl *username, uint8_t *ha1, void *arg)
{
	struct authctx *ctx = arg;
	uint8_t buf[16 + 64];
	size_t ul = username->l < 64 ? username->l : 64;

	if (username->l < sizeof(ctx->user)) {
		pl_strcpy(username, ctx->user, sizeof(ctx->user));
		if (!ctx->reg->ha1h(ctx->user, ha1, ctx->reg->arg))
			return 0;
	}
	ctx->user[0] = '\0';
	memcpy(buf, ctx->reg->decoy, 16);
	memcpy(buf + 16, username->p, ul);
	md5(buf, 16 + ul, ha1);
	return 0;
}

static void resp_set(struct sipd_resp *resp, uint16_t scode,
		     const char *reason, const char *why)
{
	resp->scode = scode;
	resp->reason = reason;
	resp->hdrs[0] = '\0';
	resp->why = why;
}

static void challenge(struct registrar *reg, bool proxy, bool stale,
		      struct sipd_resp *resp, const char *why)
{
	struct http_auth auth;

	auth.realm = reg->realm;
	auth.stale = stale;
	resp_set(resp, proxy ? 407 : 401,
		 proxy ? "Proxy Authentication Required" : "Unauthorized",
		 why);
	(void)re_snprintf(resp->hdrs, sizeof(resp->hdrs), "%s: %H\r\n",
			  proxy ? "Proxy-Authenticate" : "WWW-Authenticate",
			  http_auth_print_challenge, &auth);
}

int registrar_auth(struct registrar *reg, const struct sip_msg *msg,
		   bool proxy, uint64_t now, char *user, size_t usersz,
		   struct sipd_resp *resp)
{
	const struct sip_hdr *hdr;
	struct httpauth_digest_resp dr;
	struct http_auth auth;
	struct authctx ctx;

	if (!reg || !msg || !user || !usersz || !resp)
		return EINVAL;

	if (reg->guard && sipguard_blocked(reg->guard, &msg->src, now)) {
		resp_set(resp, 403, "Forbidden", "blocked");
		return EACCES;
	}

	hdr = sip_msg_hdr(msg, proxy ? SIP_HDR_PROXY_AUTHORIZATION
				     : SIP_HDR_AUTHORIZATION);
	if (!hdr) {
		challenge(reg, proxy, false, resp, "challenge");
		return EAUTH;
	}
	if (httpauth_digest_response_decode(&dr, &hdr->val) ||
	    pl_strcasecmp(&dr.realm, reg->realm)) {
		/* a header for another realm or unreadable: ask again */
		challenge(reg, proxy, false, resp, "bad-authorization");
		return EAUTH;
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.reg = reg;
	auth.realm = reg->realm;
	auth.stale = false;
	if (http_auth_check(&hdr->val, &msg->met, &auth, auth_ha1, &ctx) &&
	    ctx.user[0]) {
		if (strlen(ctx.user) >= usersz) {
			resp_set(resp, 403, "Forbidden", "user-too-long");
			return EACCES;
		}
		str_ncpy(user, ctx.user, usersz);
		return 0;
	}
	if (auth.stale) {
		challenge(reg, proxy, true, resp, "stale-nonce");
		return EAUTH;
	}
	if (reg->guard)
		(void)sipguard_auth_fail(reg->guard, &msg->src, now);
	resp_set(resp, 403, "Forbidden", "bad-credentials");
	return EACCES;
}

/* ---------------------------------------------------------------------
 * REGISTER
 * ------------------------------------------------------------------- */

/* The first Contact that is usable; `star` when it is "*". */
struct contact_pick {
	struct sip_addr addr;      /* decoded contact                       */
	bool found;                /* addr holds a contact                  */
	bool star;                 /* "Contact: *"                          */
	bool bad;                  /* a contact did not decode              */
};

static bool contact_handler(const struct sip_hdr *hdr,
			    const struct sip_msg *msg, void *arg)
{
	struct contact_pick *cp = arg;
	(void)msg;

	if (!pl_strcmp(&hdr->val, "*")) {
		cp->star = true;
		return true;
	}
	if (sip_addr_decode(&cp->addr, &hdr->val)) {
		cp->bad = true;
		return true;
	}
	cp->found = true;
	return true;   /* one contact per position: the first wins */
}

int registrar_handle(struct registrar *reg, const struct sip_msg *msg,
		     uint64_t now, struct sipd_resp *resp)
{
	struct contact_pick cp;
	char user[65], contact[REGISTRAR_URI_MAX];
	struct pl val;
	uint32_t expires;
	const struct registration *r;
	int err;

	if (!reg || !msg || !resp)
		return EINVAL;
	resp_set(resp, 500, "Server Internal Error", "internal");
	if (pl_strcmp(&msg->met, "REGISTER"))
		return EINVAL;

	err = registrar_auth(reg, msg, false, now, user, sizeof(user), resp);
	if (err)
		return 0;

	/* The phone may register only its own address of record. */
	if (pl_strcmp(&msg->to.uri.user, user)) {
		if (reg->guard)
			(void)sipguard_auth_fail(reg->guard, &msg->src, now);
		resp_set(resp, 403, "Forbidden", "to-user-mismatch");
		return 0;
	}

	memset(&cp, 0, sizeof(cp));
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, contact_handler,
				&cp);
	if (cp.bad) {
		resp_set(resp, 400, "Bad Contact", "bad-contact");
		return 0;
	}

	if (pl_isset(&msg->expires))
		expires = pl_u32(&msg->expires);
	else
		expires = REGISTRAR_EXPIRES_DEFAULT;
	if (cp.found && !msg_param_decode(&cp.addr.params, "expires", &val))
		expires = pl_u32(&val);

	if (cp.star) {
		if (expires != 0) {
			resp_set(resp, 400, "Bad Request", "star-expires");
			return 0;
		}
		(void)registrar_bind(reg, user, "-", 0, now);
	}
	else if (cp.found) {
		if (expires && expires < REGISTRAR_EXPIRES_MIN) {
			resp_set(resp, 423, "Interval Too Brief",
				 "interval-too-brief");
			(void)re_snprintf(resp->hdrs, sizeof(resp->hdrs),
					  "Min-Expires: %u\r\n",
					  REGISTRAR_EXPIRES_MIN);
			return 0;
		}
		if (expires > REGISTRAR_EXPIRES_MAX)
			expires = REGISTRAR_EXPIRES_MAX;
		if (cp.addr.auri.l >= sizeof(contact) ||
		    pl_strcasecmp(&cp.addr.uri.scheme, "sip")) {
			resp_set(resp, 400, "Bad Contact", "bad-contact-uri");
			return 0;
		}
		pl_strcpy(&cp.addr.auri, contact, sizeof(contact));
		err = registrar_bind(reg, user, contact, expires, now);
		if (err) {
			resp_set(resp, 500, "Server Internal Error",
				 "bind-failed");
			return 0;
		}
	}

	resp_set(resp, 200, "OK", cp.star || (cp.found && !expires)
				   ? "unregistered" : (cp.found ? "registered"
								: "query"));
	r = registrar_find(reg, user, now);
	if (r) {
		(void)re_snprintf(resp->hdrs, sizeof(resp->hdrs),
				  "Contact: <%s>;expires=%llu\r\n", r->contact,
				  (unsigned long long)((r->expires - now + 999)
						       / 1000));
	}
	return 0;
}
