/* api_fx.c — the api unit tests' fixture (see api_fx.h). */
#include <stdlib.h>
#include <string.h>
#include "api_fx.h"

static void fx_event(const struct acd_event *ev, void *arg)
{
	struct api_fx *f = arg;

	api_acd_event(ev, f->api);
}

static acd_ms_t fx_now(void *arg)
{
	struct api_fx *f = arg;

	return f->now;
}

void api_fx_free(struct api_fx *f)
{
	f->api = api_free(f->api);
	f->acd = acd_free(f->acd);
	f->center = mem_deref(f->center);
}

int api_fx_init(struct api_fx *f, const char *center_json,
		const struct api_fx_user *users)
{
	static const struct center_opts opts = {1};
	struct api_deps deps = {0};
	int err;

	memset(f, 0, sizeof(*f));
	f->now = 1000;
	err = center_parse(center_json, strlen(center_json), "fx", &opts,
			   &f->center, NULL, 0);
	if (!err)
		err = acd_alloc(&f->acd, 1, fx_event, f);
	if (!err)
		err = center_apply(f->center, f->acd);
	if (err)
		goto out;
	deps.acd = f->acd;
	deps.center = f->center;
	deps.now = fx_now;
	deps.wall = fx_now;
	deps.arg = f;
	err = api_alloc(&f->api, NULL, &deps);
	if (err)
		goto out;
	api_hash_rounds_set(f->api, 1000);
	for (const struct api_fx_user *u = users; u && u->user && !err; u++)
		err = api_user_add(f->api, u->user, u->password, u->role,
				   u->tenant, u->agent);
 out:
	if (err)
		api_fx_free(f);
	return err ? EINVAL : 0;
}

int api_fx_feed(struct api_fx *f, const char *text, struct mbuf **outp,
		bool *closedp)
{
	struct mbuf *out = mbuf_alloc(4096);
	struct sa peer;
	bool closed = false;
	int err;

	if (!out)
		return ENOMEM;
	sa_set_str(&peer, "192.0.2.7", 5555);
	err = api_feed(f->api, &peer, (const uint8_t *)text, strlen(text),
		       out, &closed);
	if (closedp)
		*closedp = closed;
	if (!err)
		err = mbuf_write_u8(out, 0);
	if (err)
		mem_deref(out);
	else
		*outp = out;
	return err;
}

int api_fx_status(const char *reply)
{
	if (strncmp(reply, "HTTP/1.1 ", 9))
		return -1;
	return atoi(reply + 9);
}
