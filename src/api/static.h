/* static.h — the web pages (web/, embedded at build time) served by the
 * api on every path outside /api/ and /metrics. */
#ifndef PLATEAU_API_STATIC_H
#define PLATEAU_API_STATIC_H

#include <stdbool.h>
#include <stddef.h>

struct pl;
struct api;
struct api_req;
struct api_reply;

/* True when path (no query) belongs to the pages, not to the api. */
bool api_static_claims(const struct pl *path);

/* Answers GET or HEAD of an embedded file: 200 with its bytes, 304 when
 * If-None-Match holds its ETag, 404 for any other path (there is no file
 * system behind it, so no traversal), 405 for other methods. */
void api_static(struct api *api, const struct api_req *req,
		struct api_reply *r);

/* The Content-Type of a file name by its extension. */
const char *api_static_ctype(const char *name);

/* Number of embedded files and the i-th one's path (for tests). */
size_t api_static_count(void);
const char *api_static_path(size_t i);

#endif
