/* SPDX-License-Identifier: MIT */
/* session.c -- the browser's session (§6.3): the `desk` cookie names a
 * session row like a bearer token (only its SHA-256 is stored), CSRF
 * tokens as HMAC-SHA256(session key, form id, idempotency key), the
 * Origin and Sec-Fetch-Site checks, and calls into the JSON API as the
 * cookie's user, so a form and the API share one code path. */
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Under TLS the cookie is __Host-desk with Secure (§6.3), and the
 * origin https. */
static int tls;

void
d_sess_tls(int on)
{
	tls = on;
}

/* The session token of the `desk` cookie, copied to tok; 0 if none. */
int
d_sess_token(const struct d_http *h, char *tok, size_t n)
{
	const char *c = h->cookie, *v, *e;

	while (c && *c) {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, tls ? "__Host-desk=" : "desk=", tls ? 12 : 5)
		    == 0) {
			v = c + (tls ? 12 : 5);
			e = strchr(v, ';');
			if (!e)
				e = v + strlen(v);
			if ((size_t)(e - v) >= n || e == v)
				return 0;
			memcpy(tok, v, (size_t)(e - v));
			tok[e - v] = 0;
			for (size_t i = 0; tok[i]; i++)
				if (!((tok[i] >= 'A' && tok[i] <= 'Z') ||
				    (tok[i] >= 'a' && tok[i] <= 'z') ||
				    (tok[i] >= '0' && tok[i] <= '9') ||
				    tok[i] == '-' || tok[i] == '_'))
					return 0;
			return 1;
		}
		c = strchr(c, ';');
	}
	return 0;
}

/* The user of the cookie's session, or NULL. */
struct d_user *
d_sess_user(struct desk *d, const char *tok, long long *reauth)
{
	char auth[96], th[65];

	if (!tok || !*tok)
		return NULL;
	snprintf(auth, sizeof auth, "Bearer %s", tok);
	return d_session_user(d, auth, th, reauth);
}

/* The idle timeout in seconds (§6.3): 1800, or for tests (B9) the
 * TELLER_DESK_IDLE_S environment variable, 1 to 1800. */
long long
d_idle_s(void)
{
	static long long idle;
	const char *e;

	if (!idle) {
		e = getenv("TELLER_DESK_IDLE_S");
		idle = e ? strtoll(e, NULL, 10) : 1800;
		if (idle < 1 || idle > 1800)
			idle = 1800;
	}
	return idle;
}

/* The cookie for a new session (no Secure: --insecure-http only, §6.4;
 * under TLS it becomes __Host-desk with Secure). */
char *
d_sess_cookie(const char *tok)
{
	const char *name = tls ? "__Host-desk" : "desk";
	const char *sec = tls ? " Secure;" : "";
	char buf[200];

	if (tok)
		snprintf(buf, sizeof buf, "%s=%s;%s HttpOnly; SameSite=Strict;"
		    " Path=/", name, tok, sec);
	else
		snprintf(buf, sizeof buf, "%s=;%s HttpOnly; SameSite=Strict;"
		    " Path=/; Max-Age=0", name, sec);
	return d_strdup(buf);
}

/* HMAC-SHA256(K, form ‖ "\n" ‖ idem), K = SHA-256("teller-desk csrf"
 * ‖ token): only the holder of the cookie can make it, and the stored
 * token hash does not give it. */
void
d_csrf_mint(const char *tok, const char *form, const char *idem,
    char out[65])
{
	unsigned char k[32], mac[32];
	crypto_hash_sha256_state s;
	crypto_auth_hmacsha256_state hs;

	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, (const unsigned char *)"teller-desk"
	    " csrf", 16);
	crypto_hash_sha256_update(&s, (const unsigned char *)tok,
	    strlen(tok));
	crypto_hash_sha256_final(&s, k);
	crypto_auth_hmacsha256_init(&hs, k, sizeof k);
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)form,
	    strlen(form));
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)"\n", 1);
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)idem,
	    strlen(idem));
	crypto_auth_hmacsha256_final(&hs, mac);
	sodium_bin2hex(out, 65, mac, sizeof mac);
}

int
d_csrf_ok(const char *tok, const char *form, const char *idem,
    const char *got)
{
	char want[65];

	if (!tok || !form || !idem || !got || strlen(got) != 64)
		return 0;
	d_csrf_mint(tok, form, idem, want);
	return sodium_memcmp(want, got, 64) == 0;
}

/* Origin (or Referer) must be this origin; Sec-Fetch-Site, when sent,
 * same-origin. Under Referrer-Policy: no-referrer a browser sends
 * "Origin: null" with its forms and no Referer; then Sec-Fetch-Site,
 * which the page cannot set, must say same-origin. */
int
d_origin_ok(const struct d_http *h)
{
	char want[300];
	size_t n;
	int site = h->fetch_site != NULL;

	if (site && strcmp(h->fetch_site, "same-origin") != 0)
		return 0;
	if (!h->host)
		return 0;
	n = (size_t)snprintf(want, sizeof want, "%s://%s", tls ? "https" :
	    "http", h->host);
	if (n >= sizeof want)
		return 0;
	if (h->origin && strcmp(h->origin, "null") != 0)
		return strcmp(h->origin, want) == 0;
	if (h->referer)
		return strncmp(h->referer, want, n) == 0 &&
		    (h->referer[n] == '/' || h->referer[n] == 0);
	return site;
}

/* One call of the JSON API as the session of tok (NULL: none). Returns
 * the status; *out the parsed answer (NULL if none). */
int
d_sess_api(struct desk *d, const struct d_http *h, const char *tok,
    const char *method, const char *path, json_t *body, const char *idem,
    json_t **out)
{
	struct d_http s;
	char auth[96], url[512], *bs = body ? d_canon(body) : NULL;

	memset(&s, 0, sizeof s);
	snprintf(url, sizeof url, "/api/v1/%s", path);
	s.method = method;
	s.url = url;
	if (tok) {
		snprintf(auth, sizeof auth, "Bearer %s", tok);
		s.auth = auth;
	}
	s.ctype = "application/json";
	s.idem = idem;
	s.ip = h->ip;
	s.observer = h->observer;
	s.body = bs;
	s.blen = bs ? strlen(bs) : 0;
	d_api(d, &s);
	free(bs);
	*out = s.resp ? json_loads(s.resp, 0, NULL) : NULL;
	free(s.resp);
	return s.status;
}
