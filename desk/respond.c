/* SPDX-License-Identifier: MIT */
/* respond.c -- the HTTP edge serve (server.c) and observe (observe.c)
 * share: a request's body gathered as libmicrohttpd hands it over (at
 * most 64 KiB kept; a longer one is marked, and its length given as
 * 65537 so the caller answers 413), the client's address, and the
 * answer: §6.3's headers on every response (CSP, nosniff, no referrer,
 * no camera, microphone or geolocation, no-store unless the answer
 * asks for no-cache, HSTS on TLS), the line
 * "IP METHOD URL STATUS" on stderr, and the response queued. */
#include "respond.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY_MAX 65536

/* One request's body so far. */
struct upload {
	char *body;
	size_t n;
	int big;
};

/* MHD's first call makes the request's state, the next ones bring the
 * body: 1 while it comes (answer MHD_YES), 0 when it is whole (answer
 * the request now), -1 out of memory (MHD_NO). */
int
d_upload_take(void **ptr, const char *upload, size_t *upload_size)
{
	struct upload *c = *ptr;
	char *nb;

	if (!c) {
		if (!(c = calloc(1, sizeof *c)))
			return -1;
		*ptr = c;
		return 1;
	}
	if (!*upload_size)
		return 0;
	if (c->n + *upload_size > BODY_MAX)
		c->big = 1;
	else {
		if (!(nb = realloc(c->body, c->n + *upload_size + 1)))
			return -1;
		memcpy(nb + c->n, upload, *upload_size);
		c->body = nb;
		c->n += *upload_size;
		c->body[c->n] = 0;
	}
	*upload_size = 0;
	return 1;
}

/* The body (NUL-terminated, or NULL when none) and its length; a body
 * beyond 64 KiB has the length 65537. */
const char *
d_upload_body(void *const *ptr, size_t *n)
{
	const struct upload *c = *ptr;

	*n = c ? (c->big ? BODY_MAX + 1 : c->n) : 0;
	return c ? c->body : NULL;
}

void
d_upload_done(void *cls, struct MHD_Connection *mc, void **ptr,
    enum MHD_RequestTerminationCode toe)
{
	struct upload *c = *ptr;

	(void)cls;
	(void)mc;
	(void)toe;
	if (c) {
		free(c->body);
		free(c);
	}
	*ptr = NULL;
}

/* The client's IPv4 address as text, or "" (ip holds at least 16). */
void
d_client_ip(struct MHD_Connection *mc, char *ip, size_t n)
{
	const union MHD_ConnectionInfo *ci;

	ip[0] = 0;
	ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    ci->client_addr)->sin_addr, ip, (socklen_t)n);
}

static void
headers(struct MHD_Response *resp, const struct d_reply *r)
{
	MHD_add_response_header(resp, "Content-Type", r->ctype ? r->ctype :
	    "application/json");
	MHD_add_response_header(resp, "Content-Security-Policy",
	    "default-src 'none'; script-src 'self'; style-src 'self'; img-src"
	    " 'self'; connect-src 'self'; form-action 'self'; frame-ancestors"
	    " 'none'; base-uri 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Permissions-Policy",
	    "camera=(), microphone=(), geolocation=()");
	MHD_add_response_header(resp, "Cache-Control", r->cache == 2 ?
	    "no-cache" : "no-store");
	if (r->retry_after > 0) {
		char ra[24];

		snprintf(ra, sizeof ra, "%lld", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	if (r->replayed)
		MHD_add_response_header(resp, "Idempotency-Replayed", "true");
	if (r->location)
		MHD_add_response_header(resp, "Location", r->location);
	if (r->cookie)
		MHD_add_response_header(resp, "Set-Cookie", r->cookie);
	if (r->hsts)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		    "max-age=31536000");
}

/* The answer logged, given its headers and queued; r's body, location
 * and cookie are taken (freed, the body by libmicrohttpd). */
enum MHD_Result
d_reply_send(struct MHD_Connection *mc, const char *ip, const char *method,
    const char *url, struct d_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	fprintf(stderr, "%s %s %s %d\n", ip, method, url, r->status);
	resp = MHD_create_response_from_buffer(r->body ? strlen(r->body) : 0,
	    r->body ? r->body : (char *)"", r->body ? MHD_RESPMEM_MUST_FREE :
	    MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(r->body);
		ret = MHD_NO;
	} else {
		headers(resp, r);
		ret = MHD_queue_response(mc, (unsigned)r->status, resp);
		MHD_destroy_response(resp);
	}
	r->body = NULL;
	free(r->location);
	free(r->cookie);
	r->location = r->cookie = NULL;
	return ret;
}
