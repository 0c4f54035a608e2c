/* SPDX-License-Identifier: MIT */
/* airgap.c -- "No internet" (§6.1): every 30 s serve looks for a
 * default route (/proc/net/route, /proc/net/ipv6_route) or a public
 * name that resolves; on finding one, an airgap.found event, a banner
 * and count writes refused until the RO overrides with a reason
 * (airgap.override); its going away is said too (airgap.cleared) but
 * lifts no block, since §6.1 names only the override. The state is
 * the book's: a restart rebuilds it from those events, so an
 * unresolved finding still blocks. While blocked, account and device
 * changes are refused too (api.c, main.c, device.c). A desk whose
 * every listener is on loopback skips the check. Also the plain HTTP
 * warning of §6.4 (the insecure_http event, the red banner). The state
 * is read and changed under serve's one lock. */
#include "desk.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static struct desk *desk;

/* Under serve's book lock (d_book_lock): */
static int found;		/* a route out at the last probe */
static int blocked;		/* count writes refused until overridden */
static int plain;		/* serving plain HTTP (--insecure-http) */
static char seen[160];		/* what the last finding was */

/* The period: TELLER_DESK_AIRGAP_S (1 to 3600, for tests), else 30. */
static long
period(void)
{
	return d_env_seconds("TELLER_DESK_AIRGAP_S", 3600, 30);
}

/* An up IPv4 route with destination and mask 0, not on lo: the table
 * is /proc/net/route, or TELLER_DESK_ROUTE_FILE (a test's fake). */
static int
route4(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "r");
	char line[512], ifc[64];
	unsigned long dst, gw, flags, mask;
	int hit = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof line, f))	/* the header */
		while (!hit && fgets(line, sizeof line, f))
			if (sscanf(line, "%63s %lx %lx %lx %*d %*d %*d %lx",
			    ifc, &dst, &gw, &flags, &mask) == 5 && dst == 0 &&
			    mask == 0 && (flags & 1) && strcmp(ifc, "lo")) {
				snprintf(out, n, "a default route (IPv4)"
				    " on %s", ifc);
				hit = 1;
			}
	fclose(f);
	return hit;
}

/* An up IPv6 route ::/0 that is no reject route and not on lo (the
 * kernel keeps unreachable ones there): /proc/net/ipv6_route, or
 * TELLER_DESK_ROUTE6_FILE. */
static int
route6(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "r");
	char line[512], dst[40], ifc[64];
	unsigned plen;
	unsigned long flags;
	int hit = 0;

	if (!f)
		return 0;
	while (!hit && fgets(line, sizeof line, f))
		if (sscanf(line, "%39s %x %*s %*x %*s %*x %*x %*x %lx %63s",
		    dst, &plen, &flags, ifc) == 4 && plen == 0 &&
		    strspn(dst, "0") == 32 && (flags & 1) &&
		    !(flags & 0x200) && strcmp(ifc, "lo")) {
			snprintf(out, n, "a default route (IPv6) on %s", ifc);
			hit = 1;
		}
	fclose(f);
	return hit;
}

/* A public name that resolves: TELLER_DESK_AIRGAP_NAME ("" for none),
 * else example.com (IANA's, public by design). */
static int
name(char *out, size_t n)
{
	const char *e = getenv("TELLER_DESK_AIRGAP_NAME");
	const char *nm = e ? e : "example.com";
	struct addrinfo hints, *ai = NULL;

	if (!nm[0])
		return 0;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(nm, NULL, &hints, &ai) != 0)
		return 0;
	freeaddrinfo(ai);
	snprintf(out, n, "the public name %.100s resolves", nm);
	return 1;
}

/* A way out, said in out; with TELLER_DESK_ROUTE_FILE set and no
 * TELLER_DESK_ROUTE6_FILE, the host's IPv6 table is not read. */
static int
probe(char *out, size_t n)
{
	const char *r4 = getenv("TELLER_DESK_ROUTE_FILE");
	const char *r6 = getenv("TELLER_DESK_ROUTE6_FILE");

	if (route4(r4 ? r4 : "/proc/net/route", out, n))
		return 1;
	if ((r6 || !r4) && route6(r6 ? r6 : "/proc/net/ipv6_route", out, n))
		return 1;
	return name(out, n);
}

/* One probe's outcome, under the book lock: an event once per finding
 * and once when it goes away. */
static void
note(int hit, const char *what)
{
	if (hit && !found) {
		found = blocked = 1;
		snprintf(seen, sizeof seen, "%s", what);
		fprintf(stderr, "teller-desk: airgap: %s; count writes are"
		    " refused until the RO overrides\n", what);
		d_log_event(desk, "airgap.found", NULL, NULL, NULL,
		    json_pack("{s:s}", "found", what));
	} else if (!hit && found) {
		found = 0;
		fprintf(stderr, "teller-desk: airgap: %s is gone\n", seen);
		d_log_event(desk, "airgap.cleared", NULL, NULL, NULL,
		    json_pack("{s:s, s:b}", "found", seen, "blocked",
		    blocked));
	}
}

/* One probe (outside the book lock: a name lookup may take a while),
 * then its outcome under it. */
static void
probe_once(void *arg)
{
	char what[160] = "";
	int hit = probe(what, sizeof what);

	(void)arg;
	d_book_lock();
	note(hit, what);
	d_book_unlock();
}

static struct d_periodic task = { .name = "air-gap check",
	.period = period, .tick = probe_once };

/* The air-gap state the book's events leave (§6.1): the last
 * airgap.found sets found and blocked, an airgap.override lifts the
 * block, an airgap.cleared the finding; what gets the finding. */
static void
replay(struct desk *d, int *f, int *b, char *what, size_t n)
{
	sqlite3_stmt *st;

	*f = *b = 0;
	if (sqlite3_prepare_v2(d->db, "SELECT action, line ->> '$.data.found'"
	    " FROM event WHERE action IN ('airgap.found', 'airgap.override',"
	    " 'airgap.cleared') ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		const char *w = (const char *)sqlite3_column_text(st, 1);

		if (strcmp(a, "airgap.found") == 0) {
			*f = *b = 1;
			snprintf(what, n, "%s", w ? w : "a route out");
		} else if (strcmp(a, "airgap.override") == 0)
			*b = 0;
		else
			*f = 0;
	}
	sqlite3_finalize(st);
}

const char *
d_airgap_book_blocked(struct desk *d, char *what, size_t n)
{
	int f, b;

	replay(d, &f, &b, what, n);
	return b ? what : NULL;
}

/* 1 when an IPv4 ADDR:PORT is on 127/8. */
static int
loopback(const char *listen)
{
	return listen && strncmp(listen, "127.", 4) == 0;
}

int
d_airgap_start(struct desk *d, const char *staff, const char *observe,
    const char *redirect)
{
	desk = d;
	/* a restart keeps an unresolved finding's block (§6.1) */
	replay(d, &found, &blocked, seen, sizeof seen);
	if (blocked)
		fprintf(stderr, "teller-desk: airgap: %s (the book's last"
		    " airgap.found) is not overridden: count writes are"
		    " refused until the RO overrides\n", seen);
	if (loopback(staff) && (!observe || loopback(observe)) &&
	    (!redirect || loopback(redirect)))
		return 0;	/* tests, training: no check (§6.1) */
	return d_periodic_start(&task);
}

void
d_airgap_stop(void)
{
	d_periodic_stop(&task);
}

void
d_airgap_plain(struct desk *d, const char *staff, const char *observe)
{
	plain = 1;
	d_log_event(d, "insecure_http", NULL, NULL, NULL,
	    json_pack("{s:s, s:s?}", "listen", staff, "observe", observe));
}

const char *
d_airgap_blocked(void)
{
	return blocked ? seen : NULL;
}

const char *
d_airgap_banner(int which)
{
	if (which == 0 && plain)
		return "PLAIN HTTP \xe2\x80\x94 no TLS (--insecure-http):"
		    " passwords and figures cross the network unencrypted";
	if (which == 1 && blocked)
		return "NOT AIR-GAPPED \xe2\x80\x94 a route out of the count"
		    " network was found (§6.1): count writes are"
		    " refused until the returning officer overrides"
		    " (S-24, Administration)";
	if (which == 1 && found)
		return "NOT AIR-GAPPED \xe2\x80\x94 a route out of the count"
		    " network is present; the returning officer has"
		    " overridden the block (§6.1)";
	return NULL;
}

/* POST airgap/override {"reason"}: the RO lifts the block (§6.1). */
int
d_airgap_override(struct desk *d, const struct d_user *u, const char *ip,
    json_t *body, struct d_err *e)
{
	json_t *r = json_object_get(body, "reason");
	const char *k;
	json_t *v;

	if (strcmp(u->role, "ro") != 0) {
		d_forbid(e, "role", "§6.1: only the returning"
		    " officer overrides the air-gap block");
		return -1;
	}
	json_object_foreach(body, k, v)
		if (strcmp(k, "reason") != 0)
			return d_fail(e, 400, "bad_request", "", "unknown"
			    " member \"%s\"", k);
	if (!json_is_string(r) || !json_string_value(r)[strspn(
	    json_string_value(r), " \t\r\n")])
		return d_fail(e, 400, "bad_request", "", "the override needs"
		    " a \"reason\" (a non-empty string)");
	if (!blocked)
		return d_fail(e, 409, "wrong_state", "§6.1", "no"
		    " air-gap block to override");
	if (d_log_event(d, "airgap.override", u->username, u->role, ip,
	    json_pack("{s:s, s:O}", "found", seen, "reason", r)))
		return d_fail(e, 503, "read_only", "", "NOT SAVED: the book"
		    " could not be written");
	blocked = 0;
	return 0;
}
