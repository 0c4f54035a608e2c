/* SPDX-License-Identifier: MIT */
/* readmodel.c -- `serve --read-model DIR` (§6.1): the files the staff
 * process publishes for `teller-desk observe` (observe.c).
 *
 * Contract. DIR holds one file, model.json, replaced whole: written to
 * model.json.tmp, fsync'ed, renamed over model.json, DIR fsync'ed. A
 * publisher thread looks every 100 ms and publishes when the book's
 * checkpoint (seq) has moved, at most twice a second, so well within
 * 2 s of any entry or event. It renders from a model of its own (P),
 * loaded from the book on its own read-only connection and caught up,
 * in one read transaction per look, with what the book has committed
 * (d_model_follow, as the readers' model is): so it shows only
 * committed entries, one committed state per look, and takes no lock a
 * write or a read takes (the writer's read_only and fail it copies
 * under a mutex of their own, d_book_flags): a write never waits
 * behind it, nor it behind a slow read. Without P (it could not be
 * loaded, or a line does not replay) it renders the writer's model
 * under the book's lock, as before: the public part and each account's
 * reads are each one short hold of the lock. The pages of each account
 * and contest (hall board, agents' view, print centre and forms) are
 * units of their own, again when the book has moved and 4 s have
 * passed (§5: hall and agent views current within 5 s), at most 50 ms
 * of them a look. It writes the file outside any lock or transaction,
 * after the entries it shows have been acknowledged: it never holds up
 * an acknowledgement. The file is
 *   "teller-desk read model 1 " SHA-256 hex of the rest "\n"
 * then one JSON object:
 *   {"seq", "hash": the checkpoint it shows,
 *    "accounts": {USERNAME: {"role", "pw_hash" (Argon2id), "disabled",
 *                 "must_change", "home", "user" (GET session's)}},
 *    "routes": {"public" | USERNAME: {KEY: [status, content type,
 *               cache (1 no-store, 2 no-cache), body, location]}}}
 * Only agent, observer and screen accounts are there. Each account's
 * routes are the answers serve would give its session at that moment,
 * made by the same code (d_api, d_html) run as that account, and
 * "public" those of no session; so observe serves bytes, never decides
 * what anyone may see, and what was never rendered for an account
 * cannot reach it: unreleased figures are not in the directory at all
 * (suite_desk_observe.sh greps for them). A KEY is the path and then
 * the query parameters of d_rm_key in their fixed order; a query that
 * was not rendered is 404 on observe, but for one: a contest's boxes
 * read with box=CODE falls back to its key with "box=" (empty, never a
 * box's code), serve's answer for a box not in the contest, rendered
 * as the others. An HTML page's logout form
 * carries @@RM-IDEM@@ and @@RM-CSRF@@, which observe fills for the
 * session that asks.
 *
 * Why one file: one rename publishes the whole model at once, so no
 * reader sees half a publication, and a torn or altered file fails its
 * SHA-256 and observe keeps what it had. Each answer in it is the one
 * serve gave at the moment it was rendered (at P's seq for the whole
 * look; under the lock, between holds the book may move on), never one
 * that moment did not allow. */
#include "desk.h"
#include "obspool.h"
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *rm_dir;

void
d_rm_dir(const char *dir)
{
	rm_dir = dir;
}

const char *
d_rm_dir_get(void)
{
	return rm_dir;
}

/* The query parameters a key holds, in this order. */
static const char *const qnames[] = { "c", "box", "round", "stage",
	"table", "version", "contest", NULL };

void
d_rm_key(char *out, size_t n, const char *path,
    const char *(*get)(void *, const char *), void *cls)
{
	size_t k = (size_t)snprintf(out, n, "%s", path);
	int first = 1;

	for (int i = 0; qnames[i] && k < n; i++) {
		const char *v = get ? get(cls, qnames[i]) : NULL;

		if (!v)
			continue;
		k += (size_t)snprintf(out + k, n - k, "%c%s=%s", first ? '?' :
		    '&', qnames[i], v);
		first = 0;
	}
}

/* A request's query while rendering. */
struct qp {
	const char *k[4], *v[4];
	int n;
};

static const char *
qget(void *cls, const char *key)
{
	const struct qp *q = cls;

	for (int i = 0; q && i < q->n; i++)
		if (strcmp(q->k[i], key) == 0)
			return q->v[i];
	return NULL;
}

struct pub {
	struct desk *d;
	json_t *routes;		/* this account's (or public) */
	json_t *links;		/* /forms/ links seen in its pages */
	const char *auth;	/* "Bearer TOK" or NULL */
	const char *cookie;	/* the session cookie or NULL */
	json_t *cache;		/* this publication's reads, by cls and key */
	const char *cls;	/* the roles whose reads are the same */
};

static void
add(struct pub *p, const char *key, int status, const char *ctype,
    int cache, const char *body, const char *loc)
{
	json_t *r = json_pack("[i, s, i, s, s?]", status, ctype, cache,
	    body ? body : "", loc);

	if (r)	/* a body that is not UTF-8 is left out: 404 there */
		json_object_set_new(p->routes, key, r);
}

static void
api(struct pub *p, const char *path, const struct qp *q)
{
	struct d_http h;
	char url[400], key[600], ckey[620];
	json_t *hit;

	snprintf(url, sizeof url, "/api/v1/%s", path);
	d_rm_key(key, sizeof key, url, qget, (void *)(uintptr_t)q);
	snprintf(ckey, sizeof ckey, "%s %s", p->cls ? p->cls : "", key);
	if (p->cache && (hit = json_object_get(p->cache, ckey))) {
		json_object_set(p->routes, key, hit);
		return;
	}
	memset(&h, 0, sizeof h);
	h.method = "GET";
	h.url = url;
	h.auth = p->auth;
	h.ip = "";
	h.observer = 1;
	h.q_box = qget((void *)(uintptr_t)q, "box");
	h.q_round = qget((void *)(uintptr_t)q, "round");
	h.q_stage = qget((void *)(uintptr_t)q, "stage");
	h.q_table = qget((void *)(uintptr_t)q, "table");
	h.q_version = qget((void *)(uintptr_t)q, "version");
	h.query = qget;
	h.qcls = (void *)(uintptr_t)q;
	d_api(p->d, &h);
	add(p, key, h.status, h.ctype_out ? h.ctype_out : "application/json",
	    h.nocache, h.resp, h.location);
	if (p->cache && (hit = json_object_get(p->routes, key)))
		json_object_set(p->cache, ckey, hit);
	free(h.resp);
	free(h.location);
	free(h.set_cookie);
}

/* The logout form's idem and CSRF values become markers observe fills
 * for each session. */
static char *
mark_logout(const char *s)
{
	const char *a = strstr(s, "action=\"/logout\"");
	const char *iv, *ie, *cv, *ce;
	char *o;
	size_t n;

	if (!a || !(iv = strstr(a, "name=\"idem\" value=\"")) ||
	    !(cv = strstr(a, "name=\"csrf\" value=\"")) || cv < iv)
		return d_strdup(s);
	iv += 19;
	cv += 19;
	if (!(ie = strchr(iv, '"')) || !(ce = strchr(cv, '"')) || ie > cv)
		return d_strdup(s);
	n = strlen(s) + 32;
	if (!(o = malloc(n)))
		return NULL;
	snprintf(o, n, "%.*s@@RM-IDEM@@%.*s@@RM-CSRF@@%s", (int)(iv - s), s,
	    (int)(cv - ie), ie, ce);
	return o;
}

/* The /forms/ links of a page (HTML-escaped), to be rendered too. */
static void
links(struct pub *p, const char *s)
{
	while ((s = strstr(s, "href=\"/forms/"))) {
		const char *e = strchr(s + 6, '"');
		char u[256];
		size_t k = 0;

		if (!e)
			break;
		for (const char *c = s + 6; c < e && k + 1 < sizeof u; c++) {
			u[k++] = *c;
			if (strncmp(c, "&amp;", 5) == 0)
				c += 4;
		}
		u[k] = 0;
		json_object_set_new(p->links, u, json_true());
		s = e;
	}
}

static void
page(struct pub *p, const char *path, const struct qp *q)
{
	struct d_http h;
	char key[600], *body;

	memset(&h, 0, sizeof h);
	h.method = "GET";
	h.url = path;
	h.cookie = p->cookie;
	h.ip = "";
	h.observer = 1;
	h.query = qget;
	h.qcls = (void *)(uintptr_t)q;
	d_html(p->d, &h);
	d_rm_key(key, sizeof key, path, qget, (void *)(uintptr_t)q);
	body = h.resp ? mark_logout(h.resp) : NULL;
	if (body && p->links)
		links(p, body);
	add(p, key, h.status, h.ctype_out ? h.ctype_out :
	    "text/html; charset=utf-8", h.nocache, body, h.location);
	free(body);
	free(h.resp);
	free(h.location);
	free(h.set_cookie);
}

/* A link's path and query (URL-decoding is not needed: the desk's own
 * links hold identifiers of the plan). */
static void
link_page(struct pub *p, const char *link)
{
	char buf[256], *qs, *save = NULL;
	struct qp q;

	memset(&q, 0, sizeof q);
	snprintf(buf, sizeof buf, "%s", link);
	if ((qs = strchr(buf, '?')))
		*qs++ = 0;
	for (char *t = qs ? strtok_r(qs, "&", &save) : NULL; t && q.n < 4;
	    t = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(t, '=');

		if (!eq)
			continue;
		*eq = 0;
		q.k[q.n] = t;
		q.v[q.n++] = eq + 1;
	}
	page(p, buf, &q);
}

static const char *const subs[] = { "", "/verification", "/rejected",
	"/stage1", "/provisional", "/declaration", "/adjudications",
	"/recounts", "/lots", "/boxes", "/sheets", "/reconciliation",
	"/provisional/preview", NULL };

/* An agent's contests: the account's, else its register entry's. */
static int
agent_of(const struct desk *d, const struct d_user *u, const char *id)
{
	size_t i;
	const json_t *v;

	json_array_foreach(u->contests, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), id) == 0)
			return 1;
	if (json_array_size(u->contests) || !u->agent)
		return 0;
	json_array_foreach(d->agents, i, v) {
		const char *a = json_string_value(json_object_get(v, "id"));
		const char *c = json_string_value(json_object_get(v,
		    "contest"));

		if (a && c && strcmp(a, u->agent) == 0 && strcmp(c, id) == 0)
			return 1;
	}
	return 0;
}

/* The forms whose read keeps every version or round (§2.4, §2.11,
 * §3.5): an issued statement stays readable as it was. */
static const struct {
	const char *form, *read, *q;
} versioned[] = {
	{ "F6", "verification", "version" },
	{ "F14", "provisional", "version" },
	{ "F15", "provisional", "version" },
	{ "F10", "adjudications", "round" },
	{ "F11", "rejected", "round" },
	{ "F13", "stage1", "round" },
	{ NULL, NULL, NULL },
};

/* How many versions (or rounds) of a read exist for this account: the
 * "version" its latest answer carries (rendered into p's routes as
 * serve gives it), or the contest's round; 0 when refused. */
static int
read_count(struct pub *p, int c, const char *read, const char *qn)
{
	char path[200], key[220];
	const json_t *r;
	json_t *o;
	int n = 0;

	if (strcmp(qn, "round") == 0)
		return p->d->cs[c].round;
	snprintf(path, sizeof path, "contests/%s/%s", p->d->cs[c].id, read);
	api(p, path, NULL);
	snprintf(key, sizeof key, "/api/v1/%s", path);
	r = json_object_get(p->routes, key);
	if (json_integer_value(json_array_get(r, 0)) != 200)
		return 0;
	o = json_loads(json_string_value(json_array_get(r, 3)), 0, NULL);
	n = (int)json_integer_value(json_object_get(o, "version"));
	json_decref(o);
	return n;
}

/* The statement (F11, F13) a per-round read gives, else NULL. */
static const char *
stmt_form(const char *read)
{
	const char *r = strrchr(read, '/');

	r = r ? r + 1 : read;
	return strcmp(r, "rejected") == 0 ? "F11" : strcmp(r, "stage1") ==
	    0 ? "F13" : NULL;
}

/* Each version of round r's statement read at path (F11, F13; §3.5:
 * re-issued after a correction), ?round=R&version=V. */
static void
round_versions(struct pub *p, int c, const char *path, int r)
{
	const char *f = stmt_form(path);
	char rs[24], vs[24];
	struct qp q;
	int n = f ? d_stmt_versions(p->d, c, f, r, 1) : 0;

	memset(&q, 0, sizeof q);
	q.n = 2;
	q.k[0] = "round";
	q.v[0] = rs;
	q.k[1] = "version";
	q.v[1] = vs;
	snprintf(rs, sizeof rs, "%d", r);
	for (int v = 1; v <= n; v++) {
		snprintf(vs, sizeof vs, "%d", v);
		api(p, path, &q);
	}
}

/* One contest's reads for an account, with the query values that exist
 * now: each box, each provisional version, each round (and each version
 * of its F11 and F13). */
static void
contest_reads(struct pub *p, int c, int boxes)
{
	const struct d_contest *k = &p->d->cs[c];
	char path[200], num[24];
	struct qp q;

	for (int i = 0; subs[i]; i++) {
		snprintf(path, sizeof path, "contests/%s%s", k->id, subs[i]);
		api(p, path, NULL);
	}
	memset(&q, 0, sizeof q);
	q.n = 1;
	q.v[0] = num;
	q.k[0] = "version";
	for (int v = 1; v <= k->version; v++) {
		snprintf(num, sizeof num, "%d", v);
		snprintf(path, sizeof path, "contests/%s/provisional", k->id);
		api(p, path, &q);
	}
	for (int v = 1, n = read_count(p, c, "verification", "version");
	    v <= n; v++) {
		snprintf(num, sizeof num, "%d", v);
		snprintf(path, sizeof path, "contests/%s/verification", k->id);
		api(p, path, &q);
	}
	q.k[0] = "round";
	for (int r = 1; r <= k->round; r++) {
		static const char *const per_round[] = { "rejected", "stage1",
			"adjudications", NULL };

		snprintf(num, sizeof num, "%d", r);
		for (int i = 0; per_round[i]; i++) {
			snprintf(path, sizeof path, "contests/%s/%s", k->id,
			    per_round[i]);
			api(p, path, &q);
			round_versions(p, c, path, r);
		}
	}
	q.k[0] = "box";
	/* "box=" (no box has an empty code) is serve's answer for any box
	 * not in the contest: observe gives it for those (§9.3) */
	q.v[0] = "";
	snprintf(path, sizeof path, "contests/%s/boxes", k->id);
	api(p, path, &q);
	for (int b = 0; boxes && b < p->d->nboxes; b++)
		for (int i = 0; i < p->d->boxes[b].npolls; i++)
			if (p->d->boxes[b].polls[i].contest == c) {
				q.v[0] = p->d->boxes[b].code;
				snprintf(path, sizeof path, "contests/%s/boxes",
				    k->id);
				api(p, path, &q);
			}
}

/* Another contest than an agent's own (§3.1: one contest). */
static void
not_yours(struct pub *p, int c)
{
	static const char forbid[] = "{\"error\":{\"code\":\"forbidden\","
	    "\"details\":{\"why\":\"role\"},\"message\":\"§3.1: an agent"
	    " reads its own contest\"}}";
	char key[200];

	for (int i = 0; subs[i]; i++) {
		snprintf(key, sizeof key, "/api/v1/contests/%s%s",
		    p->d->cs[c].id, subs[i]);
		add(p, key, 403, "application/json", 1, forbid, NULL);
	}
	snprintf(key, sizeof key, "/api/v1/contests/%s/boxes?box=",
	    p->d->cs[c].id);
	add(p, key, 403, "application/json", 1, forbid, NULL);
}

static const char *
home_of(const char *role)
{
	return strcmp(role, "screen") == 0 ? "/hall" : "/agent";
}

/* A render as u: a fresh token that stands for u (d_api_render_as). */
static void
pub_as(struct pub *p, struct desk *d, struct d_user *u, json_t *routes,
    char auth[80], char cookie[120])
{
	unsigned char r[32];
	char tok[64], *ck;

	randombytes_buf(r, sizeof r);
	sodium_bin2base64(tok, sizeof tok, r, sizeof r,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(auth, 80, "Bearer %s", tok);
	ck = d_sess_cookie(tok);
	snprintf(cookie, 120, "%.*s", ck ? (int)strcspn(ck, ";") : 0,
	    ck ? ck : "");
	free(ck);
	memset(p, 0, sizeof *p);
	p->d = d;
	p->routes = routes;
	p->auth = auth;
	p->cookie = cookie;
	d_api_render_as(u, tok);
}

/* The account's reads, every publication; its pages are units of
 * their own (one account and contest each, see heavy_unit), listed in
 * units. */
static void
account_routes(struct desk *d, struct d_user *u, json_t *routes,
    json_t *units, json_t *cache)
{
	struct pub p;
	char auth[80], cookie[120];
	int screen = strcmp(u->role, "screen") == 0;
	int agent = strcmp(u->role, "agent") == 0, first = -1;

	pub_as(&p, d, u, routes, auth, cookie);
	/* the reads (reads.c) tell agents and observers apart by nothing
	 * but the contests an agent is given here: one render serves both */
	p.cache = cache;
	p.cls = screen ? "screen" : "agent-observer";
	api(&p, "election", NULL);
	api(&p, "board", NULL);
	for (int c = 0; c < d->ncs; c++) {
		if (agent && !agent_of(d, u, d->cs[c].id)) {
			not_yours(&p, c);
			continue;
		}
		contest_reads(&p, c, !screen);
		json_array_append_new(units, json_pack("[s, s, b]",
		    u->username, d->cs[c].id, first < 0));
		if (first < 0)
			first = c;
	}
	if (first < 0)
		page(&p, "/hall", NULL);
	d_api_render_as(NULL, NULL);
}

/* Form path at query q (q.k[0] "contest") on both routes. */
static void
form_version(struct pub *p, const char *path, struct qp *q, char *link,
    size_t n)
{
	api(p, path, q);
	q->k[0] = "c";
	snprintf(link, n, "/%s", path);
	page(p, link, q);
	q->k[0] = "contest";
}

/* Each version of round r's form F11 or F13 (path), q holding the
 * contest and the round: ?round=R&version=V on both routes. */
static void
round_forms(struct pub *p, int c, const char *path, struct qp *q, int r,
    char *link, size_t n)
{
	const char *f = path + 6;	/* "forms/F11" */
	int k = d_stmt_versions(p->d, c, f, r, 1);
	char vs[24];

	q->n = 3;
	q->k[2] = "version";
	q->v[2] = vs;
	for (int v = 1; v <= k; v++) {
		snprintf(vs, sizeof vs, "%d", v);
		form_version(p, path, q, link, n);
	}
	q->n = 2;
}

/* Every document of contest c the account's pages link, on both routes
 * (/forms/F and /api/v1/forms/F), and each earlier version or round of
 * those that keep them: what serve would answer this account, made by
 * serve's own code, so an agent's copy of an older F6 or F15 is there
 * too. A form the pages do not link is one the account may not read,
 * or one not made yet: not published, 404 on observe. */
static void
documents(struct pub *p, int c)
{
	const char *cid = p->d->cs[c].id;
	char link[200], num[24], path[40];
	struct qp q;

	for (int n = 1; n <= 21; n++) {
		int i, k;

		snprintf(path, sizeof path, "forms/F%d", n);
		snprintf(link, sizeof link, "/%s?c=%s", path, cid);
		if (!json_object_get(p->links, link))
			continue;
		memset(&q, 0, sizeof q);
		q.n = 1;
		q.k[0] = "contest";
		q.v[0] = cid;
		api(p, path, &q);
		for (i = 0; versioned[i].form && strcmp(versioned[i].form,
		    path + 6); i++)
			;
		if (!versioned[i].form)
			continue;
		k = read_count(p, c, versioned[i].read, versioned[i].q);
		q.n = 2;
		q.k[1] = versioned[i].q;
		q.v[1] = num;
		for (int v = 1; v <= k; v++) {
			snprintf(num, sizeof num, "%d", v);
			form_version(p, path, &q, link, sizeof link);
			if (strcmp(versioned[i].q, "round") == 0 &&
			    stmt_form(versioned[i].read))
				round_forms(p, c, path, &q, v, link,
				    sizeof link);
		}
	}
}

/* An account's pages of contest c: the hall board (S-19) and, for an
 * agent or observer, the agents' view (S-20), the print centre and the
 * forms they link (the print centre builds every form): each unit its
 * own short hold of the book's lock, refreshed when the book moved and
 * 4 s passed (§5: hall and agent views current within 5 s). */
static void
heavy_unit(struct desk *d, struct d_user *u, int c, int first,
    json_t *routes)
{
	struct pub p;
	char auth[80], cookie[120];
	const char *it;
	json_t *v;
	struct qp q;
	int screen = strcmp(u->role, "screen") == 0;

	pub_as(&p, d, u, routes, auth, cookie);
	p.links = json_object();
	memset(&q, 0, sizeof q);
	q.n = 1;
	q.k[0] = "c";
	q.v[0] = d->cs[c].id;
	page(&p, "/hall", &q);
	if (!screen) {
		page(&p, "/agent", &q);
		page(&p, "/print", &q);
	}
	if (first) {
		char key[300];

		for (int i = 0; i < (screen ? 1 : 3); i++) {
			static const char *const pg[] = { "/hall", "/agent",
				"/print" };

			d_rm_key(key, sizeof key, pg[i], qget, &q);
			if ((v = json_object_get(routes, key)))
				json_object_set(routes, pg[i], v);
		}
	}
	json_object_foreach(p.links, it, v)
		link_page(&p, it);
	documents(&p, c);
	json_decref(p.links);
	d_api_render_as(NULL, NULL);
}

/* What anyone on the observer network may read (no session). */
static void
public_routes(struct desk *d, json_t *routes)
{
	static const char *const pages[] = { "/public", "/login",
		"/static/desk.css", "/static/desk.js", "/static/print.css",
		NULL };
	struct pub p;
	char path[200];

	memset(&p, 0, sizeof p);
	p.d = d;
	p.routes = routes;
	api(&p, "health", NULL);
	api(&p, "public/results", NULL);
	for (int c = 0; c < d->ncs; c++) {
		snprintf(path, sizeof path, "public/results/%s", d->cs[c].id);
		api(&p, path, NULL);
	}
	for (int i = 0; pages[i]; i++)
		page(&p, pages[i], NULL);
}

static json_t *
account(struct desk *d, struct d_user *u)
{
	sqlite3_stmt *st;
	json_t *a = NULL;

	if (sqlite3_prepare_v2(d->db, "SELECT pw_hash, must_change, disabled"
	    " FROM user WHERE username = ?", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, u->username, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		a = json_pack("{s:s, s:s, s:b, s:b, s:s, s:o}", "role",
		    u->role, "pw_hash", (const char *)sqlite3_column_text(st,
		    0), "must_change", sqlite3_column_int(st, 1), "disabled",
		    sqlite3_column_int(st, 2), "home", home_of(u->role),
		    "user", d_api_user_obj(d, u));
	sqlite3_finalize(st);
	return a;
}

/* The publisher's own model P (see the top), or NULL: it renders the
 * writer's model under the book's lock. */
static struct desk *own;

static void
hold(void)
{
	if (!own)
		d_book_lock();
}

static void
release(void)
{
	if (!own)
		d_book_unlock();
}

static void
own_drop(void)
{
	if (!own)
		return;
	if (own->db && !sqlite3_get_autocommit(own->db))
		sqlite3_exec(own->db, "ROLLBACK;", NULL, NULL, NULL);
	d_close(own);
	free(own);
	own = NULL;
}

/* Load P from w's book on a read-only connection of its own: 0, or -1
 * (no P). */
static int
own_open(const struct desk *w)
{
	const char *path = sqlite3_db_filename(w->db, "main");
	char err[400];
	int rc;

	if (!path || !*path || !(own = calloc(1, sizeof *own)))
		return -1;
	if (!(own->db = d_open_ro(path)) || sqlite3_exec(own->db, "BEGIN;",
	    NULL, NULL, NULL) != SQLITE_OK) {
		own_drop();
		return -1;
	}
	rc = d_load(own, err, sizeof err);
	if (sqlite3_exec(own->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK ||
	    rc || own->seq != w->seq) {
		own_drop();
		return -1;
	}
	own->read_only = w->read_only;
	own->keyed = w->keyed;
	memcpy(own->fail, w->fail, sizeof own->fail);
	return 0;
}

/* A look's read transaction on P, caught up with all the book has
 * committed, and the writer's latest flags. P given up (said on stderr)
 * when a line does not replay: the look renders under the lock. */
static void
own_begin(void)
{
	if (!own)
		return;
	if (sqlite3_exec(own->db, "BEGIN;", NULL, NULL, NULL) == SQLITE_OK &&
	    d_model_follow(own, own->db) == 0) {
		d_book_flags(own);
		return;
	}
	fprintf(stderr, "teller-desk: read model: its own model cannot"
	    " follow the book at seq %lld: it renders under the book's"
	    " lock\n", own->seq + 1);
	own_drop();
}

static void
own_end(void)
{
	if (own && !sqlite3_get_autocommit(own->db))
		sqlite3_exec(own->db, "COMMIT;", NULL, NULL, NULL);
}

/* The accounts, the public part and every account's reads: a short
 * hold of the book's lock for the first two, then one per account; the
 * units to keep fresh in *units, the checkpoint shown in *seq. */
static json_t *
render(struct desk *d, json_t **units, long long *seq)
{
	json_t *accts = json_object(), *routes = json_object();
	json_t *pub = json_object(), *names = json_array(), *v;
	json_t *cache = json_object();
	char hash[65];
	size_t i;

	*units = json_array();
	hold();
	*seq = d->seq;
	snprintf(hash, sizeof hash, "%s", d->last_hash);
	public_routes(d, pub);
	for (int k = 0; k < d->nusers; k++) {
		struct d_user *u = &d->users[k];
		json_t *a;

		if (strcmp(u->role, "agent") && strcmp(u->role, "observer") &&
		    strcmp(u->role, "screen"))
			continue;
		if (!(a = account(d, u)))
			continue;
		if (!json_is_true(json_object_get(a, "disabled")))
			json_array_append_new(names, json_string(u->username));
		json_object_set_new(accts, u->username, a);
	}
	release();
	json_object_set_new(routes, "public", pub);
	json_array_foreach(names, i, v) {
		json_t *mine = json_object();
		struct d_user *u;

		hold();
		if ((u = d_user_find(d, json_string_value(v))))
			account_routes(d, u, mine, *units, cache);
		release();
		json_object_set_new(routes, json_string_value(v), mine);
	}
	json_decref(names);
	json_decref(cache);
	return json_pack("{s:I, s:s, s:o, s:o}", "seq", (json_int_t)*seq,
	    "hash", hash, "accounts", accts, "routes", routes);
}

/* model.json.tmp, fsync, rename, fsync DIR: 0 or -1 (errno). */
static int
publish(const char *dir, const json_t *m)
{
	char *js = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS), head[120];
	char tmp[4200], fin[4200];
	unsigned char h[32];
	char hex[65];
	size_t n;
	int fd, rc = -1;

	if (!js)
		return -1;
	n = strlen(js);
	crypto_hash_sha256(h, (const unsigned char *)js, n);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(head, sizeof head, "teller-desk read model 1 %s\n", hex);
	snprintf(tmp, sizeof tmp, "%s/model.json.tmp", dir);
	snprintf(fin, sizeof fin, "%s/model.json", dir);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640))
	    >= 0) {
		if (write(fd, head, strlen(head)) == (ssize_t)strlen(head) &&
		    write(fd, js, n) == (ssize_t)n && fsync(fd) == 0)
			rc = 0;
		if (close(fd))
			rc = -1;
		if (rc == 0 && rename(tmp, fin))
			rc = -1;
		if (rc == 0 && (fd = open(dir, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	free(js);
	return rc;
}

static struct {
	struct desk *d;
	pthread_mutex_t m;
	pthread_cond_t cv;
	pthread_t th;
	int running, stopping, failed;
	long long done;		/* the seq of the last JSON render */
	long long json_at;	/* when (ms) */
	long long cost;		/* how long it took (ms) */
	json_t *base;		/* the last JSON render */
	json_t *units;		/* [username, contest, first] */
	json_t *heavy;		/* "user\tcontest": {"at", "seq", "routes"} */
	size_t rr;		/* the next unit to look at */
} rm = { .m = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

/* The model a look renders: P, else the writer's. */
static struct desk *
model(void)
{
	return own ? own : rm.d;
}

static long long
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Units due (none yet, or 4 s old and the book has moved), each under
 * its own hold of the lock, for at most 50 ms (all when force): 1 if
 * any was rendered. */
static int
heavy_pass(int force)
{
	long long t0 = mono_ms();
	size_t n = json_array_size(rm.units);
	struct desk *d = model();
	int any = 0;

	for (size_t i = 0; i < n; i++) {
		const json_t *un = json_array_get(rm.units, (rm.rr + i) % n);
		const char *user = json_string_value(json_array_get(un, 0));
		const char *cid = json_string_value(json_array_get(un, 1));
		char key[200];
		json_t *h, *routes;
		struct d_user *u;
		int c;

		if (!force && mono_ms() - t0 >= 50) {
			rm.rr = (rm.rr + i) % n;
			return any;
		}
		snprintf(key, sizeof key, "%s\t%s", user, cid);
		h = json_object_get(rm.heavy, key);
		if (h && (json_integer_value(json_object_get(h, "seq")) ==
		    rm.done || mono_ms() - json_integer_value(json_object_get(
		    h, "at")) < 4000))
			continue;
		routes = json_object();
		hold();
		/* the model may have changed since the units were listed */
		if ((u = d_user_find(d, user)) &&
		    (strcmp(u->role, "agent") == 0 ||
		    strcmp(u->role, "observer") == 0 ||
		    strcmp(u->role, "screen") == 0) &&
		    (c = d_contest_find(d, cid)) >= 0 &&
		    (strcmp(u->role, "agent") != 0 || agent_of(d, u, cid)))
			heavy_unit(d, u, c, json_is_true(json_array_get(un, 2)),
			    routes);
		release();
		json_object_set_new(rm.heavy, key, json_pack("{s:I, s:I, s:o}",
		    "at", (json_int_t)mono_ms(), "seq", (json_int_t)rm.done,
		    "routes", routes));
		any = 1;
	}
	return any;
}

/* The last JSON render with the units' pages of the accounts it
 * publishes; units no longer listed are forgotten. */
static void
merge(void)
{
	json_t *keep = json_object(), *routes = json_object_get(rm.base,
	    "routes");
	size_t i;
	const json_t *un;

	json_array_foreach(rm.units, i, un) {
		const char *user = json_string_value(json_array_get(un, 0));
		char key[200];
		json_t *h, *mine = json_object_get(routes, user);

		snprintf(key, sizeof key, "%s\t%s", user,
		    json_string_value(json_array_get(un, 1)));
		if (!(h = json_object_get(rm.heavy, key)))
			continue;
		json_object_set(keep, key, h);
		if (mine)
			json_object_update(mine, json_object_get(h, "routes"));
	}
	json_decref(rm.heavy);
	rm.heavy = keep;
}

/* One look: the JSON part when the book moved (at most every 500 ms),
 * the units due, and a publication when either changed. */
static void
once(int force)
{
	json_t *m = NULL, *units = NULL;
	long long seq;
	int changed;

	own_begin();
	hold();
	seq = model()->seq;
	release();
	/* twice a second, or less often while a render costs more than
	 * a quarter of the time between them (a loaded machine), never
	 * beyond the 2 s of §6.1 */
	if (force || (seq != rm.done && mono_ms() - rm.json_at >=
	    (rm.cost * 4 < 500 ? 500 : rm.cost * 4 > 1300 ? 1300 :
	    rm.cost * 4))) {
		long long t0 = mono_ms();

		m = render(model(), &units, &seq);
		rm.cost = mono_ms() - t0;
	}
	if (m) {
		json_decref(rm.base);
		json_decref(rm.units);
		rm.base = m;
		rm.units = units;
		rm.done = seq;
		rm.json_at = mono_ms();
	}
	if (!rm.heavy)
		rm.heavy = json_object();
	changed = heavy_pass(force);
	own_end();
	if (!rm.base || (!m && !changed && !rm.failed))
		return;
	merge();
	if (publish(rm_dir, rm.base)) {
		if (!rm.failed)
			fprintf(stderr, "teller-desk: read model: cannot"
			    " write %s/model.json: %s\n", rm_dir,
			    strerror(errno));
		rm.failed = 1;
	} else
		rm.failed = 0;
}

/* Every 100 ms a look at the book; every second one at observe's
 * spool of login events (obspool.c), which it writes into the book. */
static void *
loop(void *arg)
{
	int tick = 0;

	(void)arg;
	pthread_mutex_lock(&rm.m);
	while (!rm.stopping) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&rm.cv, &rm.m, &ts);
		if (rm.stopping)
			continue;
		pthread_mutex_unlock(&rm.m);
		once(0);
		if (++tick % 10 == 0)
			d_spool_pickup(rm.d, rm_dir);
		pthread_mutex_lock(&rm.m);
	}
	pthread_mutex_unlock(&rm.m);
	return NULL;
}

/* The first publication before serve says it listens, then the thread;
 * 0, or -1 (said on stderr). */
int
d_rm_start(struct desk *d, const char *dir)
{
	rm_dir = dir;
	if (mkdir(dir, 0750) && errno != EEXIST) {
		fprintf(stderr, "teller-desk: read model: cannot make %s: %s\n",
		    dir, strerror(errno));
		return -1;
	}
	rm.d = d;
	if (!own && own_open(d))
		fprintf(stderr, "teller-desk: read model: no model of its own:"
		    " it renders under the book's lock\n");
	rm.done = -1;
	rm.stopping = 0;
	once(1);
	if (rm.failed)
		return -1;
	if (pthread_create(&rm.th, NULL, loop, NULL) != 0) {
		fprintf(stderr, "teller-desk: cannot start the read model's"
		    " publisher\n");
		return -1;
	}
	rm.running = 1;
	return 0;
}

void
d_rm_stop(void)
{
	if (!rm.running)
		return;
	pthread_mutex_lock(&rm.m);
	rm.stopping = 1;
	pthread_cond_signal(&rm.cv);
	pthread_mutex_unlock(&rm.m);
	pthread_join(rm.th, NULL);
	rm.running = 0;
	once(0);	/* what the last requests did */
	own_drop();
	json_decref(rm.base);
	json_decref(rm.units);
	json_decref(rm.heavy);
	rm.base = rm.units = rm.heavy = NULL;
}
