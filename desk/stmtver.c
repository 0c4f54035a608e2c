/* SPDX-License-Identifier: MIT */
/* stmtver.c -- F11, F12 and F13 kept as issued, version by version
 * (§2.17, §3.5). The system makes them (§2.2: RECONCILING->, and
 * ->STAGE1_DONE): each round's F11 and F12 when its stage 1 closes, F12
 * of stage 2 when that closes, F13 when the SV first count is done.
 * After every entry their figures are made again from the book; when a
 * later entry (a correction, a withdrawal, a paper found and
 * adjudicated, an objection, a verified figure corrected) changes one,
 * the statement is re-issued as version n+1 showing the differences from
 * version n, and the RO is prompted to tell the agents (html_queues.c).
 * Only the current round's statements change, and only until its
 * provisional result (then a recount is a new round) or by the RO's
 * correction after it (§3.5); earlier rounds' stay as issued. The
 * versions live in the model, made again by every replay of the book,
 * so a restart or an import gives the same ones (I22). */
#include "desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* F11: rejected papers of round r by head, worded by libteller; NULL
 * when libteller has no heads for the regime. */
json_t *
d_f11_figures(struct desk *d, int c, int r)
{
	const struct d_contest *k = &d->cs[c];
	static const char *const codes[] = { "no_official_mark", "too_many",
		"identifying_mark", "unmarked", "uncertain", NULL };
	long long by[5] = { 0 }, rip = 0, total = 0, objected = 0;
	json_t *heads, *x;
	size_t i;

	if (!(heads = d_heads(k)))
		return NULL;
	for (int b = 0; b < d->nbs; b++) {
		const struct d_bundle *x2 = &d->bs[b];

		if (x2->contest != c || x2->round != r || x2->stage != 1 ||
		    x2->kind != 'd' || x2->withdrawn)
			continue;
		if (x2->decided == 'v' && x2->rip)
			rip += x2->papers;
		if (x2->objected && (x2->decided == 'r' || x2->rip))
			objected += x2->papers;
		for (int j = 0; x2->decided == 'r' && codes[j]; j++)
			if (x2->head && strcmp(codes[j], x2->head) == 0)
				by[j] += x2->papers;
	}
	json_array_foreach(heads, i, x) {
		const json_t *cs = json_object_get(x, "codes");
		long long n = 0;

		for (size_t m = 0; m < json_array_size(cs); m++)
			for (int j = 0; codes[j]; j++)
				if (strcmp(codes[j], json_string_value(
				    json_array_get(cs, m))) == 0)
					n += by[j];
		json_object_set_new(x, "papers", json_integer(n));
		total += n;
	}
	return json_pack("{s:s, s:s, s:i, s:o, s:I, s:I, s:I}", "form",
	    "F11", "contest", k->id, "round", r, "heads", heads, "total",
	    (json_int_t)total, "rejected_in_part", (json_int_t)rip,
	    "rejection_objected", (json_int_t)objected);
}

/* F12 of the current round: per area, the papers by kind against the
 * verified total. */
json_t *
d_f12_figures(struct desk *d, int c, int stage)
{
	const struct d_contest *k = &d->cs[c];
	json_t *areas = json_array(), *cands = json_array();
	char why[200];
	int ok = d_reconciled(d, c, why, sizeof why);

	for (int a = 0; a < k->nareas; a++) {
		long long bu = 0, ad = 0, rj = 0, pd = 0, ts;
		long long v = d_verified_area(d, c, a);

		for (int i = 0; i < d->nbs; i++) {
			const struct d_bundle *b = &d->bs[i];

			if (b->contest != c || b->round != k->round ||
			    b->stage != stage || b->area != a || b->withdrawn)
				continue;
			if (b->kind != 'd')
				bu += b->papers;
			else if (b->decided == 'v')
				ad += b->papers;
			else if (b->decided == 'r')
				rj += b->papers;
			else
				pd += b->papers;
		}
		ts = stage == 1 ? d_tally_papers(d, c, k->round, a) : 0;
		json_array_append_new(areas, json_pack("{s:s, s:I, s:I, s:I,"
		    " s:I, s:I, s:I, s:I, s:I}", "area", k->areas[a].id,
		    "verified", (json_int_t)v, "bundles", (json_int_t)bu,
		    "tally_sheets", (json_int_t)ts, "allowed_doubtful",
		    (json_int_t)ad, "rejected", (json_int_t)rj,
		    "pending_doubtful", (json_int_t)pd, "papers",
		    (json_int_t)(bu + ts + ad + rj + pd), "difference",
		    (json_int_t)(bu + ts + ad + rj + pd - v)));
	}
	for (int p = 1; p <= k->ncands; p++)
		json_array_append_new(cands, json_pack("{s:i, s:I}", "position",
		    p, "votes", (json_int_t)d_first(d, c, k->round, p)));
	return json_pack("{s:o, s:b, s:o}", "areas", areas, "reconciled", ok,
	    "candidates", cands);
}

/* F13: the SV statement after the first count of the current round;
 * NULL when libteller gives no result. */
json_t *
d_f13_figures(struct desk *d, int c)
{
	const struct d_contest *k = &d->cs[c];
	struct d_err e;
	json_t *er = d_engine_result(d, c, 0, &e), *res, *rej, *first, *o;
	json_t *rem, *el, *v;
	long long valid = 0, rt = 0;
	const char *key;

	if (!er)
		return NULL;
	rem = json_array();
	el = json_array();
	res = json_object_get(er, "result");
	rej = json_array();
	first = json_array();
	json_object_foreach(json_object_get(res, "rejected"), key, v) {
		long long n = strtoll(json_string_value(v), NULL, 10);

		rt += n;
		json_array_append_new(rej, json_pack("{s:s, s:I}", "head", key,
		    "papers", (json_int_t)n));
	}
	for (int p = 1; p <= k->ncands; p++) {
		char name[512];
		long long f = d_first(d, c, k->round, p);

		valid += f;
		snprintf(name, sizeof name, "%s %s", k->cands[p - 1].forenames,
		    k->cands[p - 1].surname);
		json_array_append_new(first, json_pack("{s:i, s:s, s:I}",
		    "position", p, "name", name, "votes", (json_int_t)f));
		if (k->remaining[p - 1])
			json_array_append_new(rem, json_integer(p));
		if (k->eliminated[p - 1])
			json_array_append_new(el, json_integer(p));
	}
	o = json_pack("{s:I, s:o, s:I, s:o, s:o, s:o, s:o}", "papers",
	    (json_int_t)(valid + rt), "rejected", rej, "valid",
	    (json_int_t)valid, "first", first, "majority", k->majority ?
	    json_integer(k->majority) : json_null(), "remaining", rem,
	    "eliminated", el);
	json_decref(er);
	return o;
}

/* ---- versions ---- */

/* The issued versions of one statement, in order: the items of
 * d->cs[c].stmts whose form, round and stage are these. */
static json_t *
versions_of(const struct desk *d, int c, const char *form, int round,
    int stage)
{
	json_t *a = json_array(), *v;
	size_t i;

	json_array_foreach(d->cs[c].stmts, i, v)
		if (strcmp(json_string_value(json_object_get(v, "form")),
		    form) == 0 && json_integer_value(json_object_get(v,
		    "round")) == round && json_integer_value(
		    json_object_get(v, "stage")) == stage)
			json_array_append(a, v);
	return a;
}

int
d_stmt_versions(const struct desk *d, int c, const char *form, int round,
    int stage)
{
	json_t *a = versions_of(d, c, form, round, stage);
	int n = (int)json_array_size(a);

	json_decref(a);
	return n;
}

/* The row a member's array item stands for: its head, area or
 * position, else NULL. */
static const json_t *
row_id(const json_t *x)
{
	static const char *const ids[] = { "head", "area", "position", NULL };

	for (int i = 0; ids[i] && json_is_object(x); i++)
		if (json_object_get(x, ids[i]))
			return json_object_get(x, ids[i]);
	return NULL;
}

/* One difference: {"figure", "was", "now"}, with "member" and "of" (the
 * row) for a figure of an array's row. */
static void
diff_add(json_t *out, const char *member, const json_t *of,
    const char *figure, const json_t *was, const json_t *now)
{
	json_t *o = json_pack("{s:s, s:O, s:O}", "figure", figure, "was",
	    was ? was : json_null(), "now", now ? now : json_null());

	if (member) {
		json_object_set_new(o, "member", json_string(member));
		json_object_set_new(o, "of", of ? json_deep_copy(of) :
		    json_null());
	}
	json_array_append_new(out, o);
}

/* What differs between statement was and now, figure by figure: the
 * top-level figures, and each figure of each row of an array of rows
 * (heads, areas, candidates) apart. */
static json_t *
stmt_changes(const json_t *was, const json_t *now)
{
	json_t *out = json_array();
	const char *key;
	json_t *y;

	json_object_foreach((json_t *)now, key, y) {
		const json_t *x = json_object_get(was, key);
		size_t i;

		if (json_equal(x, y))
			continue;
		if (!json_is_array(x) || !json_is_array(y) ||
		    json_array_size(x) != json_array_size(y) ||
		    !row_id(json_array_get(y, 0))) {
			diff_add(out, NULL, NULL, key, x, y);
			continue;
		}
		for (i = 0; i < json_array_size(y); i++) {
			const json_t *rx = json_array_get(x, i);
			const json_t *ry = json_array_get(y, i);
			const char *f;
			json_t *fy;

			json_object_foreach((json_t *)ry, f, fy)
				if (!json_equal(json_object_get(rx, f), fy))
					diff_add(out, key, row_id(ry), f,
					    json_object_get(rx, f), fy);
		}
	}
	return out;
}

/* Issue figures (taken) as the statement's next version, made by entry,
 * when they differ from the version before or none is issued. 1 when
 * issued, else 0. */
static int
issue(struct desk *d, int c, const char *form, int round, int stage,
    json_t *figs, int entry)
{
	struct d_contest *k = &d->cs[c];
	json_t *vs = versions_of(d, c, form, round, stage), *last, *ch = NULL;
	size_t n = json_array_size(vs);

	if (!figs) {
		json_decref(vs);
		return 0;
	}
	last = n ? json_object_get(json_array_get(vs, n - 1), "statement") :
	    NULL;
	if (last && json_equal(last, figs)) {
		json_decref(vs);
		json_decref(figs);
		return 0;
	}
	if (last)
		ch = stmt_changes(last, figs);
	json_decref(vs);
	if (!k->stmts)
		k->stmts = json_array();
	json_array_append_new(k->stmts, json_pack("{s:s, s:i, s:i, s:i,"
	    " s:i, s:o, s:o}", "form", form, "round", round, "stage", stage,
	    "version", (int)n + 1, "entry", entry, "statement", figs,
	    "differences", ch ? ch : json_null()));
	return 1;
}

/* 1 when entry is the RO's correction after release that made contest
 * k's latest provisional version (act_result.c). */
static int
prov_corrected(const struct d_contest *k, int entry)
{
	size_t n = json_array_size(k->provcorr);

	return n && json_integer_value(json_object_get(json_array_get(
	    k->provcorr, n - 1), "entry")) == entry;
}

/* After entry (one whole entry, its corrections included): each
 * statement of contest c's current round that is made by now, issued
 * or re-issued where its figures changed. */
static void
update_one(struct desk *d, int c, int entry)
{
	const struct d_contest *k = &d->cs[c];
	int r = k->round, moved = 0;

	/* from the close of stage 1 to the provisional result: the
	 * figures of a released result change only by a recount, which
	 * is a new round, or by the RO's correction, which makes a new
	 * provisional version (§3.5) */
	if (!r || !k->stage_closed[1] || ((k->state < S_RECONCILING ||
	    k->state > S_STAGE2) && !prov_corrected(k, entry)))
		return;
	moved |= issue(d, c, "F11", r, 1, d_f11_figures(d, c, r), entry);
	moved |= issue(d, c, "F12", r, 1, d_f12_figures(d, c, 1), entry);
	if (k->stage_closed[2])
		issue(d, c, "F12", r, 2, d_f12_figures(d, c, 2), entry);
	/* F13's figures are F11's heads and F12's first preferences: made
	 * again (by libteller) only when one of them moved */
	if (strcmp(k->kind, "sv") == 0 && k->state != S_RECONCILING &&
	    (moved || !d_stmt_versions(d, c, "F13", r, 1)))
		issue(d, c, "F13", r, 1, d_f13_figures(d, c), entry);
}

void
d_stmts_update(struct desk *d, int entry)
{
	for (int c = 0; c < d->ncs; c++)
		update_one(d, c, entry);
}

/* Version v (the latest when 0) of a statement as issued, with its
 * version, entry, differences (from the version before; null for the
 * first) and superseded_by (the next version, or null); *entry gets
 * the entry that issued it. NULL when there is no such version. */
json_t *
d_stmt(const struct desk *d, int c, const char *form, int round, int stage,
    long long v, int *entry)
{
	json_t *vs = versions_of(d, c, form, round, stage), *it, *o;
	long long n = (long long)json_array_size(vs);

	if (!v)
		v = n;
	if (v < 1 || v > n) {
		json_decref(vs);
		return NULL;
	}
	it = json_array_get(vs, (size_t)v - 1);
	o = json_deep_copy(json_object_get(it, "statement"));
	json_object_set(o, "version", json_object_get(it, "version"));
	json_object_set(o, "differences", json_object_get(it, "differences"));
	json_object_set_new(o, "superseded_by", v < n ? json_integer(v + 1) :
	    json_null());
	if (entry)
		*entry = (int)json_integer_value(json_object_get(it, "entry"));
	json_decref(vs);
	return o;
}

/* The re-issues the RO is to tell the agents of (§3.5): the latest
 * version of each statement of contest c's current round that is a
 * re-issue (version 2 or more), while the count of that round goes on
 * towards its provisional result; each {"form", "round", "stage",
 * "version", "entry", "differences"}. An empty array when none. */
json_t *
d_stmt_reissued(const struct desk *d, int c)
{
	const struct d_contest *k = &d->cs[c];
	static const char *const forms[] = { "F11", "F12", "F12", "F13",
		NULL };
	static const int stages[] = { 1, 1, 2, 1 };
	json_t *a = json_array();

	if (k->state < S_RECONCILING || k->state > S_STAGE2)
		return a;
	for (int i = 0; forms[i]; i++) {
		json_t *vs = versions_of(d, c, forms[i], k->round, stages[i]);
		size_t n = json_array_size(vs);
		const json_t *it = n ? json_array_get(vs, n - 1) : NULL;

		if (n > 1)
			json_array_append_new(a, json_pack("{s:s, s:i, s:i,"
			    " s:O, s:O, s:O}", "form", forms[i], "round",
			    k->round, "stage", stages[i], "version",
			    json_object_get(it, "version"), "entry",
			    json_object_get(it, "entry"), "differences",
			    json_object_get(it, "differences")));
		json_decref(vs);
	}
	return a;
}
