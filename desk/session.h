/* SPDX-License-Identifier: MIT */
/* session.h -- the browser's session and CSRF (session.c, §6.3). */
#ifndef DESK_SESSION_H
#define DESK_SESSION_H

#include "desk.h"

void d_sess_tls(int on);
int d_sess_token(const struct d_http *h, char *tok, size_t n);
struct d_user *d_sess_user(struct desk *d, const char *tok,
    long long *reauth);
char *d_sess_cookie(const char *tok);
void d_csrf_mint(const char *tok, const char *form, const char *idem,
    char out[65]);
int d_csrf_ok(const char *tok, const char *form, const char *idem,
    const char *got);
int d_origin_ok(const struct d_http *h);
long long d_idle_s(void);
int d_sess_api(struct desk *d, const struct d_http *h, const char *tok,
    const char *method, const char *path, json_t *body, const char *idem,
    json_t **out);

#endif
