/* SPDX-License-Identifier: MIT */
/* plan.c -- the count plan (§8): checked member by member, each error
 * at its LINE:COL in the file. */
#include "desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- where a value is in the text ---- */

static const char *
ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *
skip_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

static const char *skip_value(const char *p);

static const char *
skip_value(const char *p)
{
	int depth = 0;

	p = ws(p);
	if (*p == '"')
		return skip_string(p);
	if (*p != '{' && *p != '[') {
		while (*p && !strchr(",}] \t\r\n", *p))
			p++;
		return p;
	}
	do {
		if (*p == '"') {
			p = skip_string(p);
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		p++;
	} while (*p && depth > 0);
	return p;
}

/* The start of the value at path (segments: "key" or "#index"), or of
 * the innermost value found. */
static const char *
locate(const char *text, const char *const *path, int n, int at_key)
{
	const char *p = ws(text);

	for (int s = 0; s < n; s++) {
		const char *seg = path[s];

		if (*p == '{' && seg[0] != '#') {
			size_t kl = strlen(seg);
			const char *q = ws(p + 1), *found = NULL;

			while (*q == '"') {
				const char *k = q + 1, *e = skip_string(q);

				q = ws(e);
				if (*q == ':')
					q = ws(q + 1);
				if ((size_t)(e - k - 1) == kl &&
				    strncmp(k, seg, kl) == 0)
					found = (at_key && s == n - 1) ?
					    k - 1 : q;
				q = ws(skip_value(q));
				if (*q == ',')
					q = ws(q + 1);
				if (found)
					break;
			}
			if (!found)
				return p;
			p = found;
		} else if (*p == '[' && seg[0] == '#') {
			long idx = strtol(seg + 1, NULL, 10);
			const char *q = ws(p + 1);

			for (long i = 0; i < idx && *q && *q != ']'; i++) {
				q = ws(skip_value(q));
				if (*q == ',')
					q = ws(q + 1);
			}
			p = q;
		} else
			return p;
	}
	return p;
}

static void
linecol(const char *text, const char *at, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (const char *p = text; p < at && *p; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

/* ---- the checks ---- */

struct pc {
	const char *file, *text;
	const char *path[8];
	char idx[8][24];
	int depth;
	char err[512];
};

static int
perr_at(struct pc *c, const char *key, const char *msg, int at_key)
{
	const char *path[9];
	int n = c->depth, line, col;

	memcpy(path, c->path, sizeof c->path);
	if (key)
		path[n++] = key;
	linecol(c->text, locate(c->text, path, n, at_key), &line, &col);
	snprintf(c->err, sizeof c->err, "%s:%d:%d: %s", c->file, line, col,
	    msg);
	return -1;
}

static int
perr(struct pc *c, const char *key, const char *msg)
{
	return perr_at(c, key, msg, 0);
}

static void
push(struct pc *c, const char *k, long i)
{
	if (i >= 0) {
		snprintf(c->idx[c->depth], sizeof c->idx[0], "#%ld", i);
		c->path[c->depth] = c->idx[c->depth];
		c->depth++;
	} else
		c->path[c->depth++] = k;
}

static int
keys(struct pc *c, const json_t *o, const char *const *allowed)
{
	const char *k;
	json_t *v;
	char m[160];

	if (!json_is_object(o))
		return perr(c, NULL, "an object is expected");
	json_object_foreach((json_t *)o, k, v) {
		int ok = 0;

		for (int i = 0; allowed[i]; i++)
			ok |= strcmp(allowed[i], k) == 0;
		if (!ok) {
			snprintf(m, sizeof m, "unknown member \"%s\"", k);
			return perr_at(c, k, m, 1);
		}
	}
	return 0;
}

static int
str(struct pc *c, const json_t *o, const char *k, int req)
{
	const json_t *v = json_object_get(o, k);
	char m[160];

	if (!v && !req)
		return 0;
	if (!json_is_string(v) || !*json_string_value(v)) {
		snprintf(m, sizeof m, "\"%s\" must be a non-empty string", k);
		return perr(c, v ? k : NULL, m);
	}
	return 0;
}

static int
num(struct pc *c, const json_t *o, const char *k, int req, long long lo,
    long long hi)
{
	const json_t *v = json_object_get(o, k);
	char m[160];

	if (!v && !req)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi) {
		snprintf(m, sizeof m, "\"%s\" must be an integer in"
		    " %lld..%lld", k, lo, hi);
		return perr(c, v ? k : NULL, m);
	}
	return 0;
}

static int
oneof(struct pc *c, const json_t *o, const char *k, const char *set)
{
	const json_t *v = json_object_get(o, k);
	char m[200], w[40];

	if (v && json_is_string(v)) {
		snprintf(w, sizeof w, " %s ", json_string_value(v));
		if (strstr(set, w))
			return 0;
	}
	snprintf(m, sizeof m, "\"%s\" must be one of%s", k, set);
	return perr(c, v ? k : NULL, m);
}

static int
arr(struct pc *c, const json_t *o, const char *k, size_t min)
{
	const json_t *v = json_object_get(o, k);
	char m[160];

	if (!v && min == 0)
		return 0;
	if (!json_is_array(v) || json_array_size(v) < min) {
		snprintf(m, sizeof m, "\"%s\" must be an array of at least"
		    " %zu", k, min);
		return perr(c, v ? k : NULL, m);
	}
	return 0;
}

static int
candidates(struct pc *c, const json_t *cs)
{
	static const char *const ck[] = { "position", "surname", "forenames",
		"common_surname", "common_forenames", "description", "colour",
		NULL };
	unsigned char seen[D_MAXC + 1] = { 0 };
	size_t n = json_array_size(cs);

	if (n > D_MAXC)
		return perr(c, NULL, "too many candidates");
	for (size_t i = 0; i < n; i++) {
		const json_t *x = json_array_get(cs, i);
		long long p;

		push(c, NULL, (long)i);
		if (keys(c, x, ck) || num(c, x, "position", 1, 1, (long long)n)
		    || str(c, x, "surname", 1) || str(c, x, "forenames", 1) ||
		    str(c, x, "common_surname", 0) ||
		    str(c, x, "common_forenames", 0) ||
		    str(c, x, "description", 0))
			return -1;
		p = json_integer_value(json_object_get(x, "position"));
		if (seen[p]++)
			return perr(c, "position", "a ballot position given"
			    " twice");
		c->depth--;
	}
	return 0;
}

static int
contest(struct pc *c, const json_t *x)
{
	static const char *const k[] = { "id", "name", "kind", "seats",
		"regime", "bundle_size", "tally_capacity", "tolerance",
		"min_recounts", "show_totals_on_screen", "electorate", "areas",
		"candidates", NULL };
	const char *kind;

	if (keys(c, x, k) || str(c, x, "id", 1) || str(c, x, "name", 1) ||
	    oneof(c, x, "kind", " fptp block sv ") ||
	    num(c, x, "seats", 1, 1, 100) ||
	    num(c, x, "bundle_size", 0, 5, 100) ||
	    num(c, x, "tally_capacity", 0, 1, 1000) ||
	    num(c, x, "tolerance", 0, 0, 1000000) ||
	    num(c, x, "min_recounts", 0, 2, 100) ||
	    num(c, x, "electorate", 0, 0, 100000000) ||
	    (json_object_get(x, "areas") && arr(c, x, "areas", 1)) ||
	    arr(c, x, "candidates", 2))
		return -1;
	kind = json_string_value(json_object_get(x, "kind"));
	if (strcmp(kind, "sv") == 0 ? oneof(c, x, "regime", " mer2007-sv ") :
	    strcmp(kind, "fptp") == 0 ? oneof(c, x, "regime",
	    " lepar2006 lepcr2006 rpa1983 mer-fptp-2023 ") :
	    oneof(c, x, "regime", " lepar2006 lepcr2006 "))
		return -1;
	if (strcmp(kind, "block") != 0 &&
	    json_integer_value(json_object_get(x, "seats")) != 1)
		return perr(c, "seats", "fptp and sv have one seat");
	if (json_object_get(x, "show_totals_on_screen") && oneof(c, x,
	    "show_totals_on_screen", " declared provisional "))
		return -1;
	push(c, "candidates", -1);
	if (candidates(c, json_object_get(x, "candidates")))
		return -1;
	c->depth--;
	return 0;
}

static int
box(struct pc *c, const json_t *plan, const json_t *x)
{
	static const char *const k[] = { "code", "kind", "station", "polls",
		"expected_arrival", NULL };
	static const char *const pk[] = { "contest", "area", NULL };
	const json_t *polls = json_object_get(x, "polls");
	const json_t *cs = json_object_get(plan, "contests");

	if (keys(c, x, k) || str(c, x, "code", 1) ||
	    oneof(c, x, "kind", " station postal postal_handed_in ") ||
	    arr(c, x, "polls", 1))
		return -1;
	if (strcmp(json_string_value(json_object_get(x, "kind")),
	    "station") == 0 ? str(c, x, "station", 1) :
	    (json_object_get(x, "station") != NULL &&
	    perr(c, "station", "only a station box names a station")))
		return -1;
	push(c, "polls", -1);
	for (size_t i = 0; i < json_array_size(polls); i++) {
		const json_t *p = json_array_get(polls, i);
		const char *cid;
		const json_t *ct = NULL;

		push(c, NULL, (long)i);
		if (keys(c, p, pk) || str(c, p, "contest", 1) ||
		    str(c, p, "area", 0))
			return -1;
		cid = json_string_value(json_object_get(p, "contest"));
		for (size_t j = 0; j < json_array_size(cs); j++)
			if (strcmp(json_string_value(json_object_get(
			    json_array_get(cs, j), "id")), cid) == 0)
				ct = json_array_get(cs, j);
		if (!ct)
			return perr(c, "contest", "no such contest");
		if (json_object_get(p, "area")) {
			const json_t *as = json_object_get(ct, "areas");
			const char *a = json_string_value(json_object_get(p,
			    "area"));
			int ok = !as && strcmp(a, "main") == 0;

			for (size_t j = 0; j < json_array_size(as); j++)
				ok |= strcmp(json_string_value(json_object_get(
				    json_array_get(as, j), "id")), a) == 0;
			if (!ok)
				return perr(c, "area", "no such area");
		} else if (json_array_size(json_object_get(ct, "areas")) > 1)
			return perr(c, NULL, "the contest has several areas:"
			    " name one");
		c->depth--;
	}
	c->depth--;
	return 0;
}

static int
user(struct pc *c, const json_t *x, int *ros)
{
	static const char *const k[] = { "username", "full_name", "role",
		"staff_no", "password", "must_change_password", "tables",
		"agent", "contests", NULL };
	const char *role;
	const json_t *pw = json_object_get(x, "password");

	if (keys(c, x, k) || str(c, x, "username", 1) ||
	    str(c, x, "full_name", 1) || oneof(c, x, "role", " admin ro dro"
	    " manager supervisor clerk receipt agent observer screen auditor "))
		return -1;
	role = json_string_value(json_object_get(x, "role"));
	*ros += strcmp(role, "ro") == 0;
	if (pw && (!json_is_string(pw) || strlen(json_string_value(pw)) < 12))
		return perr(c, "password", "a password has at least 12"
		    " characters");
	if ((strcmp(role, "clerk") == 0 || strcmp(role, "supervisor") == 0) &&
	    arr(c, x, "tables", 1))
		return -1;
	if (strcmp(role, "agent") == 0 && str(c, x, "agent", 1))
		return -1;
	return 0;
}

/* The members of the smaller arrays: places, stations, tables, devices,
 * agents, delegations (their references are checked by the entries
 * init makes from them). */
static int
others(struct pc *c, const json_t *p)
{
	static const char *const pk[] = { "id", "name", NULL };
	static const char *const sk[] = { "code", "name", "place", NULL };
	static const char *const tk[] = { "number", "name", NULL };
	static const char *const dk[] = { "name", "token", "roles", NULL };
	static const char *const ak[] = { "id", "contest", "candidate",
		"capacity", "name", "may_require_recount", "notified_at",
		NULL };
	static const char *const gk[] = { "dro", "powers", "contests",
		"instrument_ref", NULL };
	static const struct {
		const char *name;
		const char *const *keys;
	} arrs[] = { { "places", pk }, { "stations", sk }, { "tables", tk },
		{ "devices", dk }, { "agents", ak }, { "delegations", gk } };

	for (size_t k = 0; k < sizeof arrs / sizeof *arrs; k++) {
		const json_t *a = json_object_get(p, arrs[k].name);

		if (arr(c, p, arrs[k].name, 0))
			return -1;
		for (size_t i = 0; i < json_array_size(a); i++) {
			const json_t *x = json_array_get(a, i);

			push(c, arrs[k].name, -1);
			push(c, NULL, (long)i);
			if (keys(c, x, arrs[k].keys))
				return -1;
			if (strcmp(arrs[k].name, "tables") == 0 &&
			    num(c, x, "number", 1, 1, 999))
				return -1;
			if (strcmp(arrs[k].name, "devices") == 0) {
				const json_t *t = json_object_get(x, "token");

				if (!json_is_string(t) || strlen(
				    json_string_value(t)) != 64 ||
				    strspn(json_string_value(t),
				    "0123456789abcdefABCDEF") != 64)
					return perr(c, t ? "token" : NULL,
					    "a device token is 64 hex digits");
				if (arr(c, x, "roles", 1))
					return -1;
			}
			c->depth -= 2;
		}
	}
	return 0;
}

/* One piece: the plan's top-level members in their order. */
static int
check(struct pc *c, const json_t *p)
{
	static const char *const top[] = { "format", "election", "contests",
		"places", "stations", "boxes", "tables", "users", "devices",
		"agents", "delegations", NULL };
	static const char *const ek[] = { "name", "poll_date",
		"close_of_poll", "venue", "timetable", NULL };
	const json_t *a;
	int ros = 0;

	if (keys(c, p, top))
		return -1;
	if (!json_is_string(json_object_get(p, "format")) ||
	    strcmp(json_string_value(json_object_get(p, "format")),
	    "teller-desk-plan/1") != 0)
		return perr(c, json_object_get(p, "format") ? "format" : NULL,
		    "\"format\" must be \"teller-desk-plan/1\"");
	push(c, "election", -1);
	if (keys(c, json_object_get(p, "election"), ek) ||
	    str(c, json_object_get(p, "election"), "name", 1) ||
	    str(c, json_object_get(p, "election"), "poll_date", 1) ||
	    str(c, json_object_get(p, "election"), "close_of_poll", 1))
		return -1;
	c->depth--;
	if (arr(c, p, "contests", 1) || arr(c, p, "boxes", 1) ||
	    arr(c, p, "tables", 1) || arr(c, p, "users", 1))
		return -1;
	a = json_object_get(p, "contests");
	for (size_t i = 0; i < json_array_size(a); i++) {
		push(c, "contests", -1);
		push(c, NULL, (long)i);
		if (contest(c, json_array_get(a, i)))
			return -1;
		c->depth -= 2;
	}
	a = json_object_get(p, "boxes");
	for (size_t i = 0; i < json_array_size(a); i++) {
		push(c, "boxes", -1);
		push(c, NULL, (long)i);
		if (box(c, p, json_array_get(a, i)))
			return -1;
		c->depth -= 2;
	}
	a = json_object_get(p, "users");
	for (size_t i = 0; i < json_array_size(a); i++) {
		push(c, "users", -1);
		push(c, NULL, (long)i);
		if (user(c, json_array_get(a, i), &ros))
			return -1;
		c->depth -= 2;
	}
	if (ros != 1)
		return perr(c, "users", "exactly one user has the role ro");
	return others(c, p);
}

/* Parse and check the plan; NULL with a message "FILE:LINE:COL: what"
 * in err. */
json_t *d_plan_load(const char *file, const char *text, size_t len,
    char *err, size_t n);

json_t *
d_plan_load(const char *file, const char *text, size_t len, char *err,
    size_t n)
{
	struct pc c;
	json_error_t je;
	json_t *p = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);

	if (!p) {
		snprintf(err, n, "%s:%d:%d: %s", file, je.line, je.column,
		    je.text);
		return NULL;
	}
	memset(&c, 0, sizeof c);
	c.file = file;
	c.text = text;
	if (check(&c, p)) {
		snprintf(err, n, "%s", c.err);
		json_decref(p);
		return NULL;
	}
	return p;
}

/* A journal header's plan (§10: secrets removed) checked as init checks
 * a plan file, so that verify and import build no model from a plan init
 * would have refused. -1 with the message in err. */
int d_plan_check_header(const json_t *plan, char *err, size_t n);

int
d_plan_check_header(const json_t *plan, char *err, size_t n)
{
	static const char zero[] = "00000000000000000000000000000000"
	    "00000000000000000000000000000000";
	json_t *p = json_deep_copy(plan), *x, *chk = NULL;
	size_t i;
	char *t;

	if (!json_is_object(p)) {
		json_decref(p);
		snprintf(err, n, "the header's plan is not an object");
		return -1;
	}
	json_array_foreach(json_object_get(p, "devices"), i, x)
		if (json_is_object(x) && !json_object_get(x, "token"))
			json_object_set_new(x, "token", json_string(zero));
	t = json_dumps(p, JSON_COMPACT);
	if (t)
		chk = d_plan_load("plan", t, strlen(t), err, n);
	else
		snprintf(err, n, "out of memory");
	free(t);
	json_decref(p);
	json_decref(chk);
	return chk ? 0 : -1;
}
