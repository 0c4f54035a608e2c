/* SPDX-License-Identifier: MIT */
/* server.c -- HTTP through libmicrohttpd: bodies, headers, one lock
 * around the book (one writer), and a clean stop on SIGTERM (§7). */
#include "desk.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Host allow-list against DNS rebinding (§6.3): the listen address,
 * localhost on loopback, and each --host. */
static const char *hosts[16];
static int nhosts;

static int
host_ok(const char *host)
{
	char h[256];
	size_t n;

	if (!host)
		return 0;
	snprintf(h, sizeof h, "%s", host);
	n = strlen(h);
	if (h[0] == '[')
		return 0;
	if (strchr(h, ':'))
		*strchr(h, ':') = 0;
	(void)n;
	for (int i = 0; i < nhosts; i++)
		if (strcasecmp(hosts[i], h) == 0)
			return 1;
	return 0;
}

void
d_serve_host(const char *name)
{
	if (nhosts < 16)
		hosts[nhosts++] = name;
}

struct conn {
	char *body;
	size_t n;
	int big;
};

static void
headers(struct MHD_Response *r, const struct d_http *h)
{
	MHD_add_response_header(r, "Content-Type", h->ctype_out ?
	    h->ctype_out : "application/json");
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'none'; script-src 'self'; style-src 'self'; img-src"
	    " 'self'; connect-src 'self'; form-action 'self'; frame-ancestors"
	    " 'none'; base-uri 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Permissions-Policy",
	    "camera=(), microphone=(), geolocation=()");
	MHD_add_response_header(r, "Cache-Control", h->nocache == 2 ?
	    "no-cache" : "no-store");
	if (h->retry_after > 0) {
		char ra[24];

		snprintf(ra, sizeof ra, "%lld", h->retry_after);
		MHD_add_response_header(r, "Retry-After", ra);
	}
	if (h->replayed)
		MHD_add_response_header(r, "Idempotency-Replayed", "true");
	if (h->location)
		MHD_add_response_header(r, "Location", h->location);
	if (h->set_cookie)
		MHD_add_response_header(r, "Set-Cookie", h->set_cookie);
}

static const char *
query(void *cls, const char *key)
{
	return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, key);
}

static const char *
header(struct MHD_Connection *mc, const char *name)
{
	return MHD_lookup_connection_value(mc, MHD_HEADER_KIND, name);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *mc, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ptr)
{
	struct desk *d = cls;
	struct conn *c = *ptr;
	struct d_http h;
	struct MHD_Response *r;
	const union MHD_ConnectionInfo *ci;
	char ip[64] = "";
	enum MHD_Result ret;

	(void)version;
	if (!c) {
		if (!(c = calloc(1, sizeof *c)))
			return MHD_NO;
		*ptr = c;
		return MHD_YES;
	}
	if (*upload_size) {
		if (c->n + *upload_size > 65536)
			c->big = 1;
		else {
			char *nb = realloc(c->body, c->n + *upload_size + 1);

			if (!nb)
				return MHD_NO;
			memcpy(nb + c->n, upload, *upload_size);
			c->body = nb;
			c->n += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&h, 0, sizeof h);
	h.method = method;
	h.url = url;
	h.auth = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    "Authorization");
	h.ctype = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    "Content-Type");
	h.idem = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    "Idempotency-Key");
	h.q_box = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND,
	    "box");
	h.q_stage = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND,
	    "stage");
	h.q_round = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND,
	    "round");
	h.q_version = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND,
	    "version");
	h.q_table = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND,
	    "table");
	ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    ci->client_addr)->sin_addr, ip, sizeof ip);
	h.ip = ip;
	h.cookie = header(mc, "Cookie");
	h.origin = header(mc, "Origin");
	h.referer = header(mc, "Referer");
	h.fetch_site = header(mc, "Sec-Fetch-Site");
	h.host = header(mc, "Host");
	h.query = query;
	h.qcls = mc;
	h.body = c->body;
	h.blen = c->big ? 65537 : c->n;
	if (!host_ok(MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    "Host"))) {
		h.status = 421;
		h.resp = d_strdup("{\"error\":{\"code\":\"misdirected\","
		    "\"message\":\"§6.3: this Host is not served here\"}}");
	} else {
		pthread_mutex_lock(&lock);
		if (strncmp(url, "/api/", 5) == 0)
			d_api(d, &h);
		else
			d_html(d, &h);
		pthread_mutex_unlock(&lock);
	}
	fprintf(stderr, "%s %s %s %d\n", ip, method, url, h.status);
	r = MHD_create_response_from_buffer(h.resp ? strlen(h.resp) : 0,
	    h.resp ? h.resp : (char *)"", h.resp ? MHD_RESPMEM_MUST_FREE :
	    MHD_RESPMEM_PERSISTENT);
	headers(r, &h);
	ret = MHD_queue_response(mc, (unsigned)h.status, r);
	MHD_destroy_response(r);
	free(h.location);
	free(h.set_cookie);
	return ret;
}

static void
done(void *cls, struct MHD_Connection *mc, void **ptr,
    enum MHD_RequestTerminationCode toe)
{
	struct conn *c = *ptr;

	(void)cls;
	(void)mc;
	(void)toe;
	if (c) {
		free(c->body);
		free(c);
	}
	*ptr = NULL;
}

static int
parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	long port;

	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	port = strtol(colon + 1, NULL, 10);
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (port < 0 || port > 65535 || inet_pton(AF_INET, host,
	    &sa->sin_addr) != 1)
		return -1;
	return 0;
}

/* Serve until SIGTERM or SIGINT; in-flight writes finish first. */
int
d_serve(struct desk *d, const char *listen, int insecure)
{
	struct sockaddr_in sa;
	struct MHD_Daemon *mhd;
	sigset_t set;
	int sig;

	if (parse_listen(listen, &sa)) {
		fprintf(stderr, "teller-desk: bad --listen %s\n", listen);
		return 2;
	}
	if (!insecure) {
		fprintf(stderr, "teller-desk: TLS is not built in this"
		    " version; use --insecure-http on loopback\n");
		return 2;
	}
	if ((ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "teller-desk: --insecure-http listens on"
		    " loopback only\n");
		return 2;
	}
	{
		static char ip[64];
		const char *colon = strrchr(listen, ':');

		snprintf(ip, sizeof ip, "%.*s", (int)(colon - listen), listen);
		d_serve_host(ip);
		d_serve_host("localhost");
	}
	d_auth_init(&lock);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, d,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, 4u,
	    MHD_OPTION_CONNECTION_LIMIT, 256u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_NOTIFY_COMPLETED, done, NULL, MHD_OPTION_END);
	if (!mhd) {
		fprintf(stderr, "teller-desk: cannot listen on %s\n", listen);
		return 3;
	}
	pthread_mutex_lock(&lock);
	d_log_event(d, "server.start", NULL, NULL, NULL, json_pack("{s:s}",
	    "listen", listen));
	pthread_mutex_unlock(&lock);
	fprintf(stderr, "teller-desk: listening on http://%s\n", listen);
	sigwait(&set, &sig);
	MHD_stop_daemon(mhd);
	d_log_event(d, "server.stop", NULL, NULL, NULL, NULL);
	return 0;
}
