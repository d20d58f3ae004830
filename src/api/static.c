/* static.c — serves the web pages embedded from web/ at build time
 * (scripts/web_embed.py writes build/gen/web_files.h). */
#include <string.h>
#include <re.h>
#include "api/api_int.h"
#include "api/static.h"

/* One embedded file. */
struct web_file {
	const char *path;          /* "/desk.html"                          */
	const unsigned char *data; /* its bytes (NUL-terminated copy)       */
	size_t len;                /* bytes, without the NUL                */
	const char *etag;          /* strong validator, quoted              */
};

#include "web_files.h"

#define N_FILES (sizeof(web_files) / sizeof(web_files[0]))

/* Pages may load only what plateau itself serves: no CDN, no inline
 * script, no framing. */
static const char page_headers[] =
	"X-Content-Type-Options: nosniff\r\n"
	"Referrer-Policy: no-referrer\r\n"
	"X-Frame-Options: DENY\r\n"
	"Content-Security-Policy: default-src 'self'; script-src 'self'; "
	"style-src 'self'; img-src 'self' data:; connect-src 'self'; "
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'\r\n";

static const struct {
	const char *ext;
	const char *ctype;
} ctypes[] = {
	{".html", "text/html; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".json", "application/json"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".ico", "image/x-icon"},
	{".woff2", "font/woff2"},
	{".txt", "text/plain; charset=utf-8"},
};

const char *api_static_ctype(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	for (size_t i = 0; i < sizeof(ctypes) / sizeof(ctypes[0]); i++) {
		size_t e = strlen(ctypes[i].ext);

		if (n > e && !strcmp(name + n - e, ctypes[i].ext))
			return ctypes[i].ctype;
	}
	return "application/octet-stream";
}

size_t api_static_count(void)
{
	return N_FILES;
}

const char *api_static_path(size_t i)
{
	return i < N_FILES ? web_files[i].path : NULL;
}

bool api_static_claims(const struct pl *path)
{
	static const char api_prefix[] = "/api/";

	if (!path)
		return false;
	if (path->l >= sizeof(api_prefix) - 1 &&
	    !memcmp(path->p, api_prefix, sizeof(api_prefix) - 1))
		return false;
	if (!pl_strcmp(path, "/api") || !pl_strcmp(path, "/metrics"))
		return false;
	return true;
}

/* The file whose path is exactly p ("/" is "/index.html"), or NULL. */
static const struct web_file *lookup(const struct pl *p)
{
	if (!pl_strcmp(p, "/")) {
		static const struct pl index = PL("/index.html");

		p = &index;
	}
	for (size_t i = 0; i < N_FILES; i++) {
		if (!pl_strcmp(p, web_files[i].path))
			return &web_files[i];
	}
	return NULL;
}

void api_static(struct api *api, const struct api_req *req,
		struct api_reply *r)
{
	const struct web_file *f;
	const struct http_hdr *inm;
	bool head = !pl_strcmp(&req->met, "HEAD");

	(void)api;
	if (pl_strcmp(&req->met, "GET") && !head) {
		api_error(r, 405, "method_not_allowed", "use GET");
		return;
	}
	f = lookup(&req->path);
	if (!f) {
		api_error(r, 404, "not_found", "no such page");
		return;
	}
	inm = req->msg ? http_msg_hdr(req->msg, HTTP_HDR_IF_NONE_MATCH) :
		NULL;
	mbuf_reset(r->body);
	if (inm && !pl_strcmp(&inm->val, f->etag)) {
		r->status = 304;
	}
	else if (mbuf_write_mem(r->body, f->data, f->len)) {
		api_error(r, 500, "no_memory", "out of memory");
		return;
	}
	else {
		r->status = 200;
	}
	r->ctype = api_static_ctype(f->path);
	r->etag = f->etag;
	r->cache = "no-cache";
	r->xhdrs = page_headers;
	r->head = head;
}
