/* SPDX-License-Identifier: MIT */
/* server.c -- HTTP through libmicrohttpd: bodies, headers, one writer
 * and a read-only pool around the book (the contract is in pool.c:
 * writes under the book lock on the writer connection, reads under the
 * model's read side on read-only connections), and a clean stop on
 * SIGTERM (§7); TLS
 * 1.2 and 1.3 only (§6.4); the observer listener (§6.1), which takes
 * no write but login and logout; the plain HTTP listener that serves
 * only the local CA's certificate and a redirect to HTTPS (§6.1). */
#include "desk.h"
#include "respond.h"
#include "session.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A listener: the staff one or the observer one. */
struct lst {
	struct desk *d;
	int observer;
};

static const char *observe_at;		/* --observe ADDR:PORT */
static const char *redirect_at;		/* --http-redirect ADDR:PORT */
static const char *staff_at;		/* --listen ADDR:PORT */
static char *tls_key, *tls_cert;	/* PEM, read at start */
static char *ca_pem;			/* the local CA, for /ca.pem */
static unsigned char *ca_der;		/* ... and /ca.crt */
static size_t ca_dern;

/* Host allow-list against DNS rebinding (§6.3): the listen address,
 * localhost on loopback, each --host, and the names and addresses of
 * the TLS certificate. */
static const char *hosts[48];
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
	if (nhosts < (int)(sizeof hosts / sizeof *hosts))
		hosts[nhosts++] = name;
}

/* The only writes on the observer listener: login and logout. */
static int
observer_allows(const char *method, const char *url)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
	    strcmp(url, "/api/v1/login") == 0 ||
	    strcmp(url, "/api/v1/logout") == 0 ||
	    strcmp(url, "/login") == 0 || strcmp(url, "/logout") == 0;
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

/* A read (pool.c): a GET or HEAD of the JSON API that writes nothing,
 * i.e. all but a GET of export (export.made; its HEAD sends no journal
 * and logs nothing), and a GET or HEAD of an HTML screen (or its static
 * files, the login page, the public results), which writes nothing
 * either: a session's touch is kept for the writer's path. A POST, and
 * every other method, takes the writer's path. */
static int
is_read(const char *method, const char *url)
{
	if (strcmp(method, "HEAD") == 0)
		return 1;
	return strcmp(method, "GET") == 0 &&
	    strcmp(url, "/api/v1/export") != 0;
}

/* The last seq of ro's read transaction, -1 if it cannot be read. */
static long long
book_seq(sqlite3 *ro)
{
	sqlite3_stmt *st;
	long long s = -1;

	if (sqlite3_prepare_v2(ro, "SELECT coalesce(max(seq), 0) FROM event",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		s = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return s;
}

/* One read (pool.c) on a read-only connection and the readers' model,
 * in one read transaction whose book is the model's (a COMMIT not yet
 * published is waited for, 1 ms at a time); -1 (nothing done) when that
 * cannot be had within 200 tries, and the writer's path serves it. */
static int
serve_read(struct d_http *h)
{
	sqlite3 *ro = d_pool_get();
	struct desk *r, rd;

	if (!ro)
		return -1;
	for (int i = 0; i < 200; i++) {
		struct timespec ts = { 0, 1000000L };

		if (!(r = d_read_lock()))
			break;
		if (sqlite3_exec(ro, "BEGIN;", NULL, NULL, NULL) ==
		    SQLITE_OK && book_seq(ro) == r->seq) {
			rd = *r;
			rd.db = ro;
			if (strncmp(h->url, "/api/", 5) == 0)
				d_api(&rd, h);
			else
				d_html(&rd, h);
			sqlite3_exec(ro, "COMMIT;", NULL, NULL, NULL);
			d_read_unlock();
			d_pool_put(ro);
			return 0;
		}
		/* a COMMIT not yet published: wait for it */
		if (!sqlite3_get_autocommit(ro))
			sqlite3_exec(ro, "ROLLBACK;", NULL, NULL, NULL);
		d_read_unlock();
		nanosleep(&ts, NULL);
	}
	d_pool_put(ro);
	return -1;
}

/* One request on the writer's path: the book lock, the kept session
 * touches written first. */
static void
serve_write(struct desk *d, struct d_http *h, const char *url)
{
	d_book_lock();
	d_touch_flush(d);
	if (strncmp(url, "/api/", 5) == 0)
		d_api(d, h);
	else
		d_html(d, h);
	d_f21_after_write(d);
	d_book_unlock();
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *mc, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ptr)
{
	const struct lst *l = cls;
	struct desk *d = l->d;
	struct d_http h;
	struct d_reply rp;
	char ip[64];
	int more;

	(void)version;
	if ((more = d_upload_take(ptr, upload, upload_size)) != 0)
		return more > 0 ? MHD_YES : MHD_NO;
	memset(&h, 0, sizeof h);
	/* HEAD of a screen or of the API is its GET (RFC 9110 §9.3.2):
	 * libmicrohttpd sends the same headers, Content-Length included,
	 * and leaves the body out */
	h.head = strcmp(method, "HEAD") == 0;
	h.method = h.head ? "GET" : method;
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
	d_client_ip(mc, ip, sizeof ip);
	h.ip = ip;
	h.cookie = header(mc, "Cookie");
	h.origin = header(mc, "Origin");
	h.referer = header(mc, "Referer");
	h.fetch_site = header(mc, "Sec-Fetch-Site");
	h.host = header(mc, "Host");
	h.csrf = header(mc, "X-CSRF-Token");
	h.observer = l->observer;
	h.query = query;
	h.qcls = mc;
	h.body = d_upload_body(ptr, &h.blen);
	if (!host_ok(MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    "Host"))) {
		h.status = 421;
		h.resp = d_strdup("{\"error\":{\"code\":\"misdirected\","
		    "\"message\":\"§6.3: this Host is not served here\"}}");
	} else if (l->observer && !observer_allows(method, url)) {
		h.status = 403;
		h.resp = d_strdup("{\"error\":{\"code\":\"forbidden\","
		    "\"message\":\"§6.1: the observer listener takes no"
		    " writes\",\"rule\":\"§6.1\",\"details\":{\"why\":"
		    "\"role\"}}}");
	} else if (!is_read(method, url) || serve_read(&h))
		serve_write(d, &h, url);
	memset(&rp, 0, sizeof rp);
	rp.status = h.status;
	rp.cache = h.nocache;
	rp.ctype = h.ctype_out;
	rp.body = h.resp;
	rp.location = h.location;
	rp.cookie = h.set_cookie;
	rp.retry_after = h.retry_after;
	rp.replayed = h.replayed;
	rp.hsts = tls_cert != NULL;
	return d_reply_send(mc, ip, method, url, &rp);
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

void
d_serve_observer(const char *listen)
{
	observe_at = listen;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < 1 << 20 &&
	    fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n + 1))) {
		if (fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		} else
			b[n] = 0;
	}
	fclose(f);
	return b;
}

/* --tls-cert F --tls-key F (or the local CA's pair): PEM files, read
 * once and self-tested as a pair (§6.4). */
int
d_serve_tls(const char *cert, const char *key)
{
	char err[300], fpr[96];

	if (!(tls_cert = slurp(cert)) || !(tls_key = slurp(key))) {
		fprintf(stderr, "teller-desk: cannot read %s\n", tls_cert ?
		    key : cert);
		free(tls_cert);
		tls_cert = NULL;
		return -1;
	}
	if (d_tls_pair_ok(tls_cert, tls_key, err, sizeof err) ||
	    d_tls_fingerprint(tls_cert, fpr)) {
		fprintf(stderr, "teller-desk: %s, %s: %s\n", cert, key,
		    err[0] ? err : "not a PEM certificate");
		free(tls_cert);
		free(tls_key);
		tls_cert = tls_key = NULL;
		return -1;
	}
	d_tls_set(2, fpr);
	d_tls_names(tls_cert, d_serve_host);
	d_sess_tls(1);
	return 0;
}

/* The local CA's certificate (after d_serve_tls): its fingerprint for
 * F1 and S-24, its bytes for the redirect listener's /ca.pem. */
int
d_serve_ca(const char *path)
{
	char fpr[96];

	if (!(ca_pem = slurp(path)) || d_tls_fingerprint(ca_pem, fpr) ||
	    !(ca_der = d_tls_der(ca_pem, &ca_dern))) {
		fprintf(stderr, "teller-desk: %s: cannot read the local CA's"
		    " certificate\n", path);
		free(ca_pem);
		ca_pem = NULL;
		return -1;
	}
	d_tls_set(1, fpr);
	return 0;
}

void
d_serve_redirect(const char *listen)
{
	redirect_at = listen;
}

/* https://HOST[:PORT]PATH for the plain listener's redirect: the host
 * is one of the allow-list (checked), the path percent-encoded. */
static char *
https_url(const char *host, const char *url)
{
	const char *port = strrchr(staff_at, ':') + 1;
	size_t hl = strcspn(host, ":"), n = strlen(url);
	char *o = malloc(hl + 3 * n + 40), *p;

	if (!o)
		return NULL;
	p = o + sprintf(o, "https://%.*s%s%s", (int)hl, host,
	    strcmp(port, "443") ? ":" : "", strcmp(port, "443") ? port : "");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("/-._~", c))
			*p++ = (char)c;
		else
			p += sprintf(p, "%%%02X", c);
	}
	*p = 0;
	return o;
}

/* The plain HTTP listener (§6.1, §6.4): GET /ca.pem and /ca.crt, the
 * local CA for a terminal to install; any other GET a 301 to HTTPS;
 * nothing else. */
static enum MHD_Result
redirect(void *cls, struct MHD_Connection *mc, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ptr)
{
	static int seen;
	const char *host = header(mc, "Host");
	const void *body = "";
	size_t blen = 0;
	unsigned status;
	char *loc = NULL;
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	(void)upload;
	if (!*ptr) {
		*ptr = &seen;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;	/* a body is never read */
		return MHD_YES;
	}
	if (!host_ok(host))
		status = 421;
	else if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		status = 405;
	else if (ca_pem && strcmp(url, "/ca.pem") == 0) {
		status = 200;
		body = ca_pem;
		blen = strlen(ca_pem);
	} else if (ca_der && strcmp(url, "/ca.crt") == 0) {
		status = 200;
		body = ca_der;
		blen = ca_dern;
	} else
		status = (loc = https_url(host, url)) ? 301 : 500;
	fprintf(stderr, "http %s %s %u\n", method, url, status);
	r = MHD_create_response_from_buffer(blen, (void *)(uintptr_t)body,
	    MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", status != 200 ?
	    "text/plain" : body == ca_pem ? "application/x-pem-file" :
	    "application/x-x509-ca-cert");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'none'");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (status == 405)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	if (loc)
		MHD_add_response_header(r, "Location", loc);
	ret = MHD_queue_response(mc, status, r);
	MHD_destroy_response(r);
	free(loc);
	return ret;
}

/* One listener: staff (the full desk) or observer (reads only). */
static struct MHD_Daemon *
start(const char *listen, struct lst *l, int observer)
{
	struct sockaddr_in sa;
	/* A thread per connection: a connection whose write waits for
	 * the writer holds up no other connection's read (a pool thread
	 * serves many connections, one request at a time). */
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *mhd;

	if (parse_listen(listen, &sa))
		return NULL;
	if (tls_cert)
		flags |= MHD_USE_TLS;
	l->observer = observer;
	/* TLS 1.2 and 1.3 only (§6.4). */
	mhd = tls_cert ? MHD_start_daemon(flags, 0, NULL, NULL, handle, l,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_CONNECTION_LIMIT, 256u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_HTTPS_MEM_KEY, tls_key,
	    MHD_OPTION_HTTPS_MEM_CERT, tls_cert,
	    MHD_OPTION_HTTPS_PRIORITIES,
	    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
	    MHD_OPTION_NOTIFY_COMPLETED, d_upload_done, NULL, MHD_OPTION_END) :
	    MHD_start_daemon(flags, 0, NULL, NULL, handle, l,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_CONNECTION_LIMIT, 256u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_NOTIFY_COMPLETED, d_upload_done, NULL, MHD_OPTION_END);
	return mhd;
}

/* The plain listener of the CA and the redirect: few connections, each
 * short. */
static struct MHD_Daemon *
start_redirect(const char *listen)
{
	struct sockaddr_in sa;

	if (parse_listen(listen, &sa))
		return NULL;
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, redirect, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_CONNECTION_LIMIT, 64u,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, 8u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
}

/* Plain HTTP on loopback only (§6.4); the listen address and
 * localhost join the Host allow-list. */
static int
check_listen(const char *listen, int insecure)
{
	struct sockaddr_in sa;
	static char ips[3][64];
	static int nips;
	const char *colon = strrchr(listen, ':');

	if (parse_listen(listen, &sa)) {
		fprintf(stderr, "teller-desk: bad listen address %s\n",
		    listen);
		return 2;
	}
	if (insecure && (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "teller-desk: --insecure-http listens on"
		    " loopback only\n");
		return 2;
	}
	if (nips < 3) {
		snprintf(ips[nips], sizeof ips[nips], "%.*s",
		    (int)(colon - listen), listen);
		d_serve_host(ips[nips++]);
	}
	return 0;
}

/* The listeners' addresses checked, TLS's self-test (§6.4): 0 or an
 * exit code (said on stderr). */
static int
check_all(const char *listen, int insecure)
{
	int rc;

	if (!insecure && !tls_cert) {
		fprintf(stderr, "teller-desk: serve needs the local CA from"
		    " init (DB.server.pem beside the book), --tls-cert and"
		    " --tls-key, or --insecure-http on loopback\n");
		return 2;
	}
	if (redirect_at && !tls_cert) {
		fprintf(stderr, "teller-desk: --http-redirect needs TLS\n");
		return 2;
	}
	if ((rc = check_listen(listen, insecure)) ||
	    (observe_at && (rc = check_listen(observe_at, insecure))) ||
	    (redirect_at && (rc = check_listen(redirect_at, 0))))
		return rc;
	if (tls_cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		fprintf(stderr, "teller-desk: this libmicrohttpd has no TLS"
		    " (GnuTLS) support; serve cannot start\n");
		return 3;
	}
	return 0;
}

/* What start gathered: TLS, and the read-only pool (pool.c). */
static void
free_tls(void)
{
	d_pool_close();
	free(tls_cert);
	free(tls_key);
	free(ca_pem);
	free(ca_der);
	tls_cert = tls_key = ca_pem = NULL;
	ca_der = NULL;
}

/* Serve until SIGTERM or SIGINT; in-flight writes finish first. */
int
d_serve(struct desk *d, const char *listen, int insecure)
{
	static struct lst staff, obs;
	struct MHD_Daemon *mhd, *omhd = NULL, *rmhd = NULL;
	const char *bad = NULL;
	json_t *ev;
	sigset_t set;
	int sig, rc;

	staff_at = listen;
	if ((rc = check_all(listen, insecure))) {
		free_tls();
		return rc;
	}
	d_tls_listeners(listen, observe_at, redirect_at);
	d_serve_host("localhost");
	d_auth_init(D_AUTH_SERVE, NULL);
	(void)d_idle_s();	/* read by the reads: set before they run */
	if (d_pool_open(d))
		fprintf(stderr, "teller-desk: no read-only pool (no memory, or"
		    " the readers' model did not load): every request takes"
		    " the writer's path\n");
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	staff.d = obs.d = d;
	if (!(mhd = start(listen, &staff, 0))) {
		fprintf(stderr, "teller-desk: cannot listen on %s%s\n", listen,
		    tls_cert ? " (TLS: is libmicrohttpd built with GnuTLS,"
		    " and are the key and certificate a pair?)" : "");
		free_tls();
		return 3;
	}
	if (observe_at && !(omhd = start(observe_at, &obs, 1)))
		bad = observe_at;
	else if (redirect_at && !(rmhd = start_redirect(redirect_at)))
		bad = redirect_at;
	if (bad) {
		fprintf(stderr, "teller-desk: cannot listen on %s\n", bad);
		if (omhd)
			MHD_stop_daemon(omhd);
		MHD_stop_daemon(mhd);
		free_tls();
		return 3;
	}
	ev = json_pack("{s:s, s:s?, s:b}", "listen", listen, "observe",
	    observe_at, "tls", tls_cert != NULL);
	if (redirect_at)
		json_object_set_new(ev, "http_redirect",
		    json_string(redirect_at));
	d_book_lock();
	d_log_event(d, "server.start", NULL, NULL, NULL, ev);
	if (insecure)
		d_airgap_plain(d, listen, observe_at);
	d_book_unlock();
	if (d_airgap_start(d, listen, observe_at, redirect_at) ||
	    d_disk_start(d) || d_backup_start(d) || d_f21_auto_start(d) ||
	    (tls_cert && d_tls_watch_start()) || (d_rm_dir_get() &&
	    d_rm_start(d, d_rm_dir_get()))) {
		d_tls_watch_stop();
		d_f21_auto_stop();
		d_backup_stop();
		d_disk_stop();
		d_airgap_stop();
		if (rmhd)
			MHD_stop_daemon(rmhd);
		if (omhd)
			MHD_stop_daemon(omhd);
		MHD_stop_daemon(mhd);
		free_tls();
		return 3;
	}
	fprintf(stderr, "teller-desk: listening on %s://%s\n", tls_cert ?
	    "https" : "http", listen);
	if (observe_at)
		fprintf(stderr, "teller-desk: observer listener on %s://%s\n",
		    tls_cert ? "https" : "http", observe_at);
	if (redirect_at)
		fprintf(stderr, "teller-desk: the CA and a redirect on"
		    " http://%s\n", redirect_at);
	if (d_rm_dir_get())
		fprintf(stderr, "teller-desk: read model in %s\n",
		    d_rm_dir_get());
	if (d_tls_info()->mode == 1)
		fprintf(stderr, "teller-desk: local CA SHA-256 %s\n",
		    d_tls_info()->fpr);
	sigwait(&set, &sig);
	d_tls_watch_stop();
	d_backup_stop();
	d_disk_stop();
	d_airgap_stop();
	if (rmhd)
		MHD_stop_daemon(rmhd);
	if (omhd)
		MHD_stop_daemon(omhd);
	MHD_stop_daemon(mhd);
	d_f21_auto_stop();
	d_rm_stop();
	d_pool_close();
	d_book_lock();
	d_touch_flush(d);
	d_log_event(d, "server.stop", NULL, NULL, NULL, NULL);
	d_book_unlock();
	free_tls();
	return 0;
}
