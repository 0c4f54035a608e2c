/* SPDX-License-Identifier: MIT */
/* tls.c -- the local CA of §6.4: `init` makes a CA (ECDSA P-256) and a
 * P-256 server certificate signed by it, with SANs for the LAN names
 * and IPs, beside the book; `serve` loads them by default, self-tests
 * the pair, and shows the CA's SHA-256 fingerprint on F1 and S-24 so
 * that a terminal's installed CA can be checked by eye. The CA is
 * name-constrained to those same names and IPs: a stolen CA key cannot
 * sign for any other site a terminal visits. GnuTLS does the X.509. */
#include "desk.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* The files beside book DB (§6.4): the CA certificate terminals
 * install, its key (0600), the server's certificate and key (0600). */
static const char *const suffix[] = { ".ca.pem", ".ca.key", ".server.pem",
	".server.key" };

static struct d_tls_info info;

const struct d_tls_info *
d_tls_info(void)
{
	return &info;
}

void
d_tls_set(int mode, const char *fpr)
{
	info.mode = mode;
	snprintf(info.fpr, sizeof info.fpr, "%s", fpr ? fpr : "");
}

void
d_tls_listeners(const char *listen, const char *observe,
    const char *redirect)
{
	info.listen = listen;
	info.observe = observe;
	info.redirect = redirect;
}

int
d_tls_path(char *out, size_t n, const char *db, int which)
{
	int k = snprintf(out, n, "%s%s", db, suffix[which]);

	return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* A SAN given to init: an IPv4 or IPv6 address, or a DNS name of
 * letters, digits, hyphens and dots (no wildcard). */
int
d_tls_san_ok(const char *s)
{
	unsigned char a[16];
	size_t n = strlen(s), lab = 0;

	if (inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1)
		return 1;
	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-' ||
	    s[n - 1] == '.' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-') {
			if (++lab > 63)
				return 0;
		} else
			return 0;
	}
	return 1;
}

/* "AB:CD:..." of a certificate's DER, as `openssl x509 -fingerprint
 * -sha256` prints it. */
static int
fpr_of(gnutls_x509_crt_t crt, char out[96])
{
	unsigned char h[32];
	size_t hn = sizeof h;

	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, h, &hn) <
	    0 || hn != 32)
		return -1;
	for (size_t i = 0; i < 32; i++)
		snprintf(out + 3 * i, 4, "%02X%s", h[i], i < 31 ? ":" : "");
	return 0;
}

int
d_tls_fingerprint(const char *pem, char out[96])
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t dt;
	int rc = -1;

	dt.data = (unsigned char *)(uintptr_t)pem;
	dt.size = (unsigned)strlen(pem);
	if (gnutls_x509_crt_init(&crt) < 0)
		return -1;
	if (gnutls_x509_crt_import(crt, &dt, GNUTLS_X509_FMT_PEM) >= 0)
		rc = fpr_of(crt, out);
	gnutls_x509_crt_deinit(crt);
	return rc;
}

/* Each DNS name and IP address the certificate is for, to add (a
 * malloc'ed copy kept for the process's life): the names the desk is
 * reached by join the Host allow-list (§6.3). */
int
d_tls_names(const char *pem, void (*add)(const char *))
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t dt;
	int rc = -1;

	dt.data = (unsigned char *)(uintptr_t)pem;
	dt.size = (unsigned)strlen(pem);
	if (gnutls_x509_crt_init(&crt) < 0)
		return -1;
	if (gnutls_x509_crt_import(crt, &dt, GNUTLS_X509_FMT_PEM) >= 0)
		rc = 0;
	for (unsigned i = 0; rc == 0; i++) {
		char v[256], txt[INET6_ADDRSTRLEN], *cp;
		size_t vn = sizeof v - 1;
		int t = gnutls_x509_crt_get_subject_alt_name(crt, i, v, &vn,
		    NULL);

		if (t < 0)
			break;
		v[vn] = 0;
		if (t == GNUTLS_SAN_DNSNAME && d_tls_san_ok(v))
			cp = strdup(v);
		else if (t == GNUTLS_SAN_IPADDRESS && (vn == 4 || vn == 16) &&
		    inet_ntop(vn == 4 ? AF_INET : AF_INET6, v, txt,
		    sizeof txt))
			cp = strdup(txt);
		else
			continue;
		if (cp)
			add(cp);
	}
	gnutls_x509_crt_deinit(crt);
	return rc;
}

/* The DER of a PEM certificate (malloc'ed), for /ca.crt. */
unsigned char *
d_tls_der(const char *pem, size_t *n)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t dt, der = { NULL, 0 };
	unsigned char *out = NULL;

	dt.data = (unsigned char *)(uintptr_t)pem;
	dt.size = (unsigned)strlen(pem);
	if (gnutls_x509_crt_init(&crt) < 0)
		return NULL;
	if (gnutls_x509_crt_import(crt, &dt, GNUTLS_X509_FMT_PEM) >= 0 &&
	    gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der) >= 0 &&
	    (out = malloc(der.size ? der.size : 1))) {
		memcpy(out, der.data, der.size);
		*n = der.size;
	}
	gnutls_free(der.data);
	gnutls_x509_crt_deinit(crt);
	return out;
}

/* The start-up self-test (§6.4): the key and the certificate parse and
 * are a pair, as GnuTLS (and so libmicrohttpd) will use them. */
int
d_tls_pair_ok(const char *cert, const char *key, char *err, size_t n)
{
	gnutls_certificate_credentials_t cr;
	gnutls_datum_t c, k;
	int rc;

	c.data = (unsigned char *)(uintptr_t)cert;
	c.size = (unsigned)strlen(cert);
	k.data = (unsigned char *)(uintptr_t)key;
	k.size = (unsigned)strlen(key);
	if (gnutls_certificate_allocate_credentials(&cr) < 0) {
		snprintf(err, n, "GnuTLS: out of memory");
		return -1;
	}
	rc = gnutls_certificate_set_x509_key_mem(cr, &c, &k,
	    GNUTLS_X509_FMT_PEM);
	gnutls_certificate_free_credentials(cr);
	if (rc < 0) {
		snprintf(err, n, "the TLS key and certificate are not a usable"
		    " pair: %s", gnutls_strerror(rc));
		return -1;
	}
	return 0;
}

/* Write a file whole, by a temporary name and rename; mode 0600 for a
 * key. */
static int
put_file(const char *path, const gnutls_datum_t *dt, int mode, char *err,
    size_t n)
{
	char tmp[4300];
	int fd;
	ssize_t w;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode)) < 0) {
		snprintf(err, n, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	w = write(fd, dt->data, dt->size);
	if (w != (ssize_t)dt->size || fsync(fd)) {
		snprintf(err, n, "%s: %s", path, w < 0 || w ==
		    (ssize_t)dt->size ? strerror(errno) : "short write");
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) || rename(tmp, path)) {
		snprintf(err, n, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
new_key(gnutls_x509_privkey_t *k)
{
	if (gnutls_x509_privkey_init(k) < 0)
		return -1;
	return gnutls_x509_privkey_generate(*k, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ? -1 : 0;
}

/* Version 3, a random positive 16-byte serial, valid from an hour ago
 * for days, the subject CN cn. */
static int
new_crt(gnutls_x509_crt_t *c, gnutls_x509_privkey_t key, const char *cn,
    long days)
{
	unsigned char serial[16], kid[64];
	size_t kn = sizeof kid;
	time_t now = time(NULL);

	randombytes_buf(serial, sizeof serial);
	serial[0] = (unsigned char)((serial[0] & 0x7f) | 0x01);
	if (gnutls_x509_crt_init(c) < 0)
		return -1;
	return gnutls_x509_crt_set_version(*c, 3) < 0 ||
	    gnutls_x509_crt_set_serial(*c, serial, sizeof serial) < 0 ||
	    gnutls_x509_crt_set_activation_time(*c, now - 3600) < 0 ||
	    gnutls_x509_crt_set_expiration_time(*c, now + days * 86400) < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(*c, GNUTLS_OID_X520_COMMON_NAME, 0,
	    cn, (unsigned)strlen(cn)) < 0 ||
	    gnutls_x509_crt_set_key(*c, key) < 0 ||
	    gnutls_x509_crt_get_key_id(*c, 0, kid, &kn) < 0 ||
	    gnutls_x509_crt_set_subject_key_id(*c, kid, kn) < 0 ? -1 : 0;
}

/* Each name: a SAN of the server certificate (add) and a permitted
 * subtree of the CA (nc: the exact name, or the one address). */
static int
add_name(gnutls_x509_crt_t srv, gnutls_x509_name_constraints_t nc,
    const char *s)
{
	unsigned char a[32];
	gnutls_datum_t dt;
	int v6 = 0;

	if (inet_pton(AF_INET, s, a) == 1 ||
	    (v6 = inet_pton(AF_INET6, s, a) == 1)) {
		size_t al = v6 ? 16 : 4;

		if (gnutls_x509_crt_set_subject_alt_name(srv,
		    GNUTLS_SAN_IPADDRESS, a, (unsigned)al,
		    GNUTLS_FSAN_APPEND) < 0)
			return -1;
		memset(a + al, 0xff, al);	/* the mask: this address */
		dt.data = a;
		dt.size = (unsigned)(2 * al);
		return gnutls_x509_name_constraints_add_permitted(nc,
		    GNUTLS_SAN_IPADDRESS, &dt) < 0 ? -1 : 0;
	}
	dt.data = (unsigned char *)(uintptr_t)s;
	dt.size = (unsigned)strlen(s);
	return gnutls_x509_crt_set_subject_alt_name(srv, GNUTLS_SAN_DNSNAME,
	    s, (unsigned)strlen(s), GNUTLS_FSAN_APPEND) < 0 ||
	    gnutls_x509_name_constraints_add_permitted(nc,
	    GNUTLS_SAN_DNSNAME, &dt) < 0 ? -1 : 0;
}

struct mk {
	gnutls_x509_privkey_t cak, srk;
	gnutls_x509_crt_t ca, srv;
	gnutls_x509_name_constraints_t nc;
	gnutls_datum_t out[4];
};

/* The four objects of d_tls_init, as PEM in m->out (suffix order). */
static int
make(struct mk *m, const char *const *names, int nnames)
{
	unsigned char kid[64];
	size_t kn = sizeof kid;

	if (new_key(&m->cak) || new_key(&m->srk) ||
	    gnutls_x509_name_constraints_init(&m->nc) < 0 ||
	    new_crt(&m->ca, m->cak, "teller-desk local CA", 3650) ||
	    new_crt(&m->srv, m->srk, "teller-desk server", 397))
		return -1;
	for (int i = 0; i < nnames; i++)
		if (add_name(m->srv, m->nc, names[i]))
			return -1;
	if (gnutls_x509_crt_set_basic_constraints(m->ca, 1, 0) < 0 ||
	    gnutls_x509_crt_set_key_usage(m->ca, GNUTLS_KEY_KEY_CERT_SIGN |
	    GNUTLS_KEY_CRL_SIGN) < 0 ||
	    gnutls_x509_crt_set_name_constraints(m->ca, m->nc, 1) < 0 ||
	    gnutls_x509_crt_sign2(m->ca, m->ca, m->cak, GNUTLS_DIG_SHA256,
	    0) < 0 ||
	    gnutls_x509_crt_get_subject_key_id(m->ca, kid, &kn, NULL) < 0 ||
	    gnutls_x509_crt_set_authority_key_id(m->srv, kid, kn) < 0 ||
	    gnutls_x509_crt_set_basic_constraints(m->srv, 0, -1) < 0 ||
	    gnutls_x509_crt_set_key_usage(m->srv,
	    GNUTLS_KEY_DIGITAL_SIGNATURE) < 0 ||
	    gnutls_x509_crt_set_key_purpose_oid(m->srv,
	    GNUTLS_KP_TLS_WWW_SERVER, 0) < 0 ||
	    gnutls_x509_crt_sign2(m->srv, m->ca, m->cak, GNUTLS_DIG_SHA256,
	    0) < 0)
		return -1;
	return gnutls_x509_crt_export2(m->ca, GNUTLS_X509_FMT_PEM,
	    &m->out[0]) < 0 ||
	    gnutls_x509_privkey_export2_pkcs8(m->cak, GNUTLS_X509_FMT_PEM,
	    NULL, GNUTLS_PKCS_PLAIN, &m->out[1]) < 0 ||
	    gnutls_x509_crt_export2(m->srv, GNUTLS_X509_FMT_PEM,
	    &m->out[2]) < 0 ||
	    gnutls_x509_privkey_export2_pkcs8(m->srk, GNUTLS_X509_FMT_PEM,
	    NULL, GNUTLS_PKCS_PLAIN, &m->out[3]) < 0 ? -1 : 0;
}

void
d_tls_unlink(const char *db)
{
	char p[4200];

	for (int i = 0; i < 4; i++)
		if (d_tls_path(p, sizeof p, db, i) == 0)
			unlink(p);
}

/* init: the local CA and the server certificate for localhost,
 * 127.0.0.1 and each of sans (checked by d_tls_san_ok), written beside
 * book db; fpr gets the CA's fingerprint. 0, or -1 with err. */
int
d_tls_init(const char *db, const char *const *sans, int nsans,
    char fpr[96], char *err, size_t n)
{
	const char *names[34];
	int nn = 0, rc = 0;
	struct mk m;

	memset(&m, 0, sizeof m);
	for (int i = 0; i < nsans && nn < 32; i++)
		names[nn++] = sans[i];
	names[nn++] = "localhost";
	names[nn++] = "127.0.0.1";
	/* A name given twice is one SAN. */
	for (int i = 0; i < nn; i++)
		for (int j = 0; j < i; j++)
			if (strcasecmp(names[i], names[j]) == 0) {
				memmove(names + i, names + i + 1,
				    (size_t)(nn - i - 1) * sizeof *names);
				nn--;
				i--;
				break;
			}
	if (make(&m, names, nn) || fpr_of(m.ca, fpr)) {
		snprintf(err, n, "GnuTLS could not make the local CA");
		rc = -1;
	}
	for (int i = 0; i < 4 && !rc; i++) {
		char p[4200];

		if (d_tls_path(p, sizeof p, db, i)) {
			snprintf(err, n, "%s: name too long", db);
			rc = -1;
		} else
			rc = put_file(p, &m.out[i], i & 1 ? 0600 : 0644, err,
			    n);
	}
	for (int i = 0; i < 4; i++)
		gnutls_free(m.out[i].data);
	if (m.ca)
		gnutls_x509_crt_deinit(m.ca);
	if (m.srv)
		gnutls_x509_crt_deinit(m.srv);
	if (m.cak)
		gnutls_x509_privkey_deinit(m.cak);
	if (m.srk)
		gnutls_x509_privkey_deinit(m.srk);
	if (m.nc)
		gnutls_x509_name_constraints_deinit(m.nc);
	if (rc)
		d_tls_unlink(db);
	return rc;
}

/* Read a PEM file whole (NUL-terminated) as a datum; -1 if not. */
static int
read_pem(const char *path, gnutls_datum_t *dt)
{
	return gnutls_load_file(path, dt) < 0 ? -1 : 0;
}

static gnutls_x509_crt_t
crt_of(const char *path)
{
	gnutls_x509_crt_t c;
	gnutls_datum_t dt = { NULL, 0 };
	int rc = -1;

	if (read_pem(path, &dt) || gnutls_x509_crt_init(&c) < 0) {
		gnutls_free(dt.data);
		return NULL;
	}
	rc = gnutls_x509_crt_import(c, &dt, GNUTLS_X509_FMT_PEM);
	gnutls_free(dt.data);
	if (rc < 0) {
		gnutls_x509_crt_deinit(c);
		return NULL;
	}
	return c;
}

/* The SANs of certificate c as text, into names (at most max). */
static int
sans_of(gnutls_x509_crt_t c, char names[][256], int max)
{
	int nn = 0;

	for (unsigned i = 0; nn < max; i++) {
		char v[256];
		size_t vn = sizeof v - 1;
		int t = gnutls_x509_crt_get_subject_alt_name(c, i, v, &vn,
		    NULL);

		if (t < 0)
			break;
		v[vn] = 0;
		if (t == GNUTLS_SAN_DNSNAME && d_tls_san_ok(v))
			snprintf(names[nn++], 256, "%s", v);
		else if (t == GNUTLS_SAN_IPADDRESS && (vn == 4 || vn == 16) &&
		    inet_ntop(vn == 4 ? AF_INET : AF_INET6, v, names[nn],
		    256))
			nn++;
	}
	return nn;
}

/* Is name s within the CA's name constraints (nc)? */
static int
permitted(gnutls_x509_name_constraints_t nc, const char *s)
{
	unsigned char a[16];
	gnutls_datum_t dt;
	int v6 = 0;

	if (inet_pton(AF_INET, s, a) == 1 ||
	    (v6 = inet_pton(AF_INET6, s, a) == 1)) {
		dt.data = a;
		dt.size = v6 ? 16 : 4;
		return gnutls_x509_name_constraints_check(nc,
		    GNUTLS_SAN_IPADDRESS, &dt) != 0;
	}
	dt.data = (unsigned char *)(uintptr_t)s;
	dt.size = (unsigned)strlen(s);
	return gnutls_x509_name_constraints_check(nc, GNUTLS_SAN_DNSNAME,
	    &dt) != 0;
}

struct rn {
	gnutls_x509_crt_t ca, old, srv;
	gnutls_x509_privkey_t cak, srk;
	gnutls_x509_name_constraints_t nc, unused;
	gnutls_datum_t cakey, out[2];
	char names[34][256];
	int nn;
};

static void
rn_free(struct rn *r)
{
	if (r->ca)
		gnutls_x509_crt_deinit(r->ca);
	if (r->old)
		gnutls_x509_crt_deinit(r->old);
	if (r->srv)
		gnutls_x509_crt_deinit(r->srv);
	if (r->cak)
		gnutls_x509_privkey_deinit(r->cak);
	if (r->srk)
		gnutls_x509_privkey_deinit(r->srk);
	if (r->nc)
		gnutls_x509_name_constraints_deinit(r->nc);
	if (r->unused)
		gnutls_x509_name_constraints_deinit(r->unused);
	gnutls_free(r->cakey.data);
	gnutls_free(r->out[0].data);
	gnutls_free(r->out[1].data);
}

/* The names of the new certificate: sans, or the old one's; each
 * within the CA's constraints. */
static int
rn_names(struct rn *r, const char *const *sans, int nsans, char *err,
    size_t n)
{
	unsigned crit;

	if (nsans == 0)
		r->nn = sans_of(r->old, r->names, 32);
	for (int i = 0; i < nsans && r->nn < 32; i++)
		snprintf(r->names[r->nn++], 256, "%s", sans[i]);
	if (nsans) {
		snprintf(r->names[r->nn++], 256, "localhost");
		snprintf(r->names[r->nn++], 256, "127.0.0.1");
	}
	for (int i = 0; i < r->nn; i++)
		for (int j = 0; j < i; j++)
			if (strcasecmp(r->names[i], r->names[j]) == 0) {
				memmove(r->names[i], r->names[r->nn - 1], 256);
				r->nn--;
				i--;
				break;
			}
	if (gnutls_x509_name_constraints_init(&r->nc) < 0 ||
	    gnutls_x509_crt_get_name_constraints(r->ca, r->nc, 0, &crit) < 0)
		return 0;	/* a CA without constraints permits all */
	for (int i = 0; i < r->nn; i++)
		if (!permitted(r->nc, r->names[i])) {
			snprintf(err, n, "%s: not among the names the local"
			    " CA may sign for (those init was given);"
			    " a new name needs a new CA (a new book) or"
			    " an organisation's certificate", r->names[i]);
			return -1;
		}
	return 0;
}

/* Tests only: TELLER_DESK_TLS_VALID_S (1 to 397 days in seconds) makes
 * the renewed server certificate expire that many seconds from now, so
 * a test sees serve cross the 30-day line while it runs. */
static int
short_life(gnutls_x509_crt_t c)
{
	const char *e = getenv("TELLER_DESK_TLS_VALID_S");
	long long s = e ? strtoll(e, NULL, 10) : 0;

	if (s < 1 || s > 397LL * 86400)
		return 0;
	return gnutls_x509_crt_set_expiration_time(c, time(NULL) +
	    (time_t)s) < 0 ? -1 : 0;
}

/* Sign the new server certificate, as init does, by the CA. */
static int
rn_sign(struct rn *r, long days)
{
	unsigned char kid[64];
	size_t kn = sizeof kid;

	if (new_key(&r->srk) ||
	    new_crt(&r->srv, r->srk, "teller-desk server", days) ||
	    short_life(r->srv) ||
	    gnutls_x509_name_constraints_init(&r->unused) < 0)
		return -1;
	for (int i = 0; i < r->nn; i++)
		if (add_name(r->srv, r->unused, r->names[i]))
			return -1;
	return gnutls_x509_crt_get_subject_key_id(r->ca, kid, &kn, NULL) <
	    0 || gnutls_x509_crt_set_authority_key_id(r->srv, kid, kn) < 0 ||
	    gnutls_x509_crt_set_basic_constraints(r->srv, 0, -1) < 0 ||
	    gnutls_x509_crt_set_key_usage(r->srv,
	    GNUTLS_KEY_DIGITAL_SIGNATURE) < 0 ||
	    gnutls_x509_crt_set_key_purpose_oid(r->srv,
	    GNUTLS_KP_TLS_WWW_SERVER, 0) < 0 ||
	    gnutls_x509_crt_sign2(r->srv, r->ca, r->cak, GNUTLS_DIG_SHA256,
	    0) < 0 ||
	    gnutls_x509_crt_export2(r->srv, GNUTLS_X509_FMT_PEM,
	    &r->out[0]) < 0 ||
	    gnutls_x509_privkey_export2_pkcs8(r->srk, GNUTLS_X509_FMT_PEM,
	    NULL, GNUTLS_PKCS_PLAIN, &r->out[1]) < 0 ? -1 : 0;
}

int
d_tls_renew(const char *db, const char *const *sans, int nsans, long days,
    struct d_tls_renewed *out, char *err, size_t n)
{
	char p[4][4200];
	struct rn r;
	int rc = -1;

	memset(&r, 0, sizeof r);
	memset(out, 0, sizeof *out);
	for (int i = 0; i < 4; i++)
		if (d_tls_path(p[i], sizeof p[i], db, i)) {
			snprintf(err, n, "%s: name too long", db);
			return -1;
		}
	if (!(r.ca = crt_of(p[D_TLS_CA])) || read_pem(p[D_TLS_CA_KEY],
	    &r.cakey) || gnutls_x509_privkey_init(&r.cak) < 0 ||
	    gnutls_x509_privkey_import(r.cak, &r.cakey, GNUTLS_X509_FMT_PEM) <
	    0) {
		snprintf(err, n, "%s, %s: no local CA to renew from (its key"
		    " kept off the desk? put it back for the renewal)",
		    p[D_TLS_CA], p[D_TLS_CA_KEY]);
		goto out;
	}
	if (!(r.old = crt_of(p[D_TLS_CERT])) && nsans == 0) {
		snprintf(err, n, "%s: unreadable: give the names with --san",
		    p[D_TLS_CERT]);
		goto out;
	}
	if (rn_names(&r, sans, nsans, err, n))
		goto out;
	if (rn_sign(&r, days) || fpr_of(r.ca, out->ca_fpr) ||
	    fpr_of(r.srv, out->fpr)) {
		snprintf(err, n, "GnuTLS could not sign the new certificate");
		goto out;
	}
	/* the key first: until the certificate follows, the old pair is
	 * no pair, and serve (not running now) would say so at start */
	if (put_file(p[D_TLS_KEY], &r.out[1], 0600, err, n) ||
	    put_file(p[D_TLS_CERT], &r.out[0], 0644, err, n))
		goto out;
	out->not_after = (long long)gnutls_x509_crt_get_expiration_time(
	    r.srv);
	out->nnames = r.nn;
	for (int i = 0; i < r.nn && i < 34; i++)
		snprintf(out->names[i], sizeof out->names[i], "%s",
		    r.names[i]);
	rc = 0;
out:
	rn_free(&r);
	return rc;
}

/* The expiry warning of the certificate serve loaded at start (§6.4):
 * checked at start and then every hour while serving (a count runs
 * through the night; a certificate may cross the 30-day line or expire
 * meanwhile). Kept as read at start: a file replaced under a running
 * serve is not what its terminals are shown. */
static struct d_note expiry = D_NOTE_INIT;	/* the banner */
static char watch_name[4200];	/* the certificate's file, for stderr */
static time_t watch_end;	/* its notAfter; (time_t)-1 unknown */

/* The banner for a certificate ending at t, now; "" when 30 days or
 * more are left. Said on stderr when it changes. */
static void
judge(time_t t, long long now)
{
	long long left = (long long)t - now;
	char w[300] = "", day[16];
	struct tm tm;

	if (t != (time_t)-1 && left < 30LL * 86400) {
		gmtime_r(&t, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		snprintf(w, sizeof w, "THE SERVER CERTIFICATE %s %s (%s):"
		    " renew it now (teller-desk tls DB renew, with serve"
		    " stopped)", left < 0 ? "EXPIRED ON" : "EXPIRES ON",
		    day, left < 0 ? "terminals refuse it" : "within 30 days");
	}
	if (d_note_set(&expiry, w) && w[0])
		fprintf(stderr, "teller-desk: %s: %s\n", watch_name, w);
}

int
d_tls_expiry_check(const char *cert_path, long long now)
{
	gnutls_x509_crt_t c = crt_of(cert_path);

	snprintf(watch_name, sizeof watch_name, "%s", cert_path);
	watch_end = (time_t)-1;
	if (c) {
		watch_end = gnutls_x509_crt_get_expiration_time(c);
		gnutls_x509_crt_deinit(c);
	}
	judge(watch_end, now);
	return d_tls_banner(NULL, 0);
}

/* The period: TELLER_DESK_TLS_CHECK_S (1 to 86400, for tests), else an
 * hour. */
static long
watch_period(void)
{
	return d_env_seconds("TELLER_DESK_TLS_CHECK_S", 86400, 3600);
}

static void
watch_tick(void *arg)
{
	(void)arg;
	judge(watch_end, (long long)time(NULL));
}

static struct d_periodic watch = { .name = "certificate check",
	.period = watch_period, .tick = watch_tick };

int
d_tls_watch_start(void)
{
	if (!watch_name[0] || watch_end == (time_t)-1)
		return 0;	/* plain HTTP, or nothing to judge */
	return d_periodic_start(&watch);
}

void
d_tls_watch_stop(void)
{
	d_periodic_stop(&watch);
}

int
d_tls_banner(char *out, size_t n)
{
	return d_note_get(&expiry, out, n);
}
