/* SPDX-License-Identifier: MIT */
/* respond.h -- one way to take a request's body and give its answer
 * with §6.3's headers, for serve (server.c) and observe (observe.c). */
#ifndef DESK_RESPOND_H
#define DESK_RESPOND_H

#include <microhttpd.h>
#include <stddef.h>

/* An answer. body, location and cookie are malloc'ed or NULL, and
 * d_reply_send takes them. */
struct d_reply {
	int status;
	int cache;		/* 2: no-cache; else no-store */
	const char *ctype;	/* NULL: application/json */
	char *body, *location, *cookie;
	long long retry_after;	/* > 0: Retry-After, seconds */
	int replayed;		/* Idempotency-Replayed: true */
	int hsts;		/* on TLS: Strict-Transport-Security */
};

int d_upload_take(void **ptr, const char *upload, size_t *upload_size);
const char *d_upload_body(void *const *ptr, size_t *n);
void d_upload_done(void *cls, struct MHD_Connection *mc, void **ptr,
    enum MHD_RequestTerminationCode toe);
void d_client_ip(struct MHD_Connection *mc, char *ip, size_t n);
enum MHD_Result d_reply_send(struct MHD_Connection *mc, const char *ip,
    const char *method, const char *url, struct d_reply *r);

#endif
