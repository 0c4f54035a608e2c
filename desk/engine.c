/* SPDX-License-Identifier: MIT */
/* engine.c -- the desk asks libteller (§7): the figures of the current
 * round go into a teller_tally; who is elected, the majority test, the
 * remaining set, ties and the rejected heads come back. */
#include "desk.h"

#include <stdlib.h>
#include <string.h>
#include <teller.h>

struct buf {
	char *p;
	size_t n, cap;
};

static int
put(void *ud, const char *p, size_t n)
{
	struct buf *b = ud;

	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *q = realloc(b->p, cap);

		if (!q)
			return -1;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = 0;
	return 0;
}

static const char *const nt_codes[] = { "no_second_preference",
	"second_same_as_first", "second_for_eliminated",
	"rejected_second:too_many", "rejected_second:uncertain", NULL };

/* Stage-2 figures: transfers[from][to] and nt[from][reason]. */
static int
stage2_figures(struct desk *d, int c, teller_tally *t)
{
	const struct d_contest *k = &d->cs[c];
	/* per thread: reads run side by side (pool.c) */
	static _Thread_local long long tr[D_MAXC][D_MAXC], nt[D_MAXC][6];

	memset(tr, 0, sizeof tr);
	memset(nt, 0, sizeof nt);
	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest != c || b->round != k->round || b->stage != 2 ||
		    b->withdrawn || !b->dest || b->source < 1)
			continue;
		if (b->dest[0] >= '0' && b->dest[0] <= '9')
			tr[b->source - 1][atoi(b->dest) - 1] += b->papers;
		else
			for (int r = 0; nt_codes[r]; r++)
				if (strcmp(nt_codes[r], b->dest) == 0)
					nt[b->source - 1][r + 1] += b->papers;
	}
	for (int f = 0; f < k->ncands; f++) {
		if (!k->eliminated[f])
			continue;
		for (int to = 0; to < k->ncands; to++)
			if (k->remaining[to] && teller_tally_set_transfer(t,
			    (size_t)f, (size_t)to, tr[f][to]))
				return -1;
		for (int r = 1; r <= 5; r++)
			if (teller_tally_set_nontransferable(t, (size_t)f, r,
			    nt[f][r]))
				return -1;
	}
	return 0;
}

static int
stage1_figures(struct desk *d, int c, teller_tally *t)
{
	const struct d_contest *k = &d->cs[c];
	static const char *const heads[] = { "no_official_mark", "too_many",
		"identifying_mark", "unmarked", "uncertain", NULL };
	long long rej[5] = { 0 }, rip = 0;
	char name[512];

	teller_tally_set_title(t, k->name);
	for (int p = 1; p <= k->ncands; p++) {
		const struct d_cand *cd = &k->cands[p - 1];
		long long v = d_first(d, c, k->round, p);

		snprintf(name, sizeof name, "%s %s", cd->forenames,
		    cd->surname);
		if (teller_tally_set_candidate(t, (size_t)p - 1, name,
		    cd->desc) || teller_tally_set_votes(t, (size_t)p - 1, v))
			return -1;
	}
	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest != c || b->round != k->round || b->stage != 1 ||
		    b->kind != 'd' || b->withdrawn)
			continue;
		if (b->decided == 'v' && b->rip)
			rip += b->papers;
		if (b->decided != 'r')
			continue;
		for (int h = 0; heads[h]; h++)
			if (strcmp(heads[h], b->head) == 0)
				rej[h] += b->papers;
	}
	for (int h = 0; heads[h]; h++)
		if ((rej[h] || h == 1 || h >= 3) && teller_tally_set_rejected(t,
		    k->regime, heads[h], rej[h]))
			return -1;
	if (rip && teller_tally_set_rejected(t, k->regime, "rejected_in_part",
	    rip))
		return -1;
	return teller_tally_set_valid_papers(t, d_valid(d, c, k->round));
}

static void
lot_figures(struct desk *d, int c, teller_tally *t)
{
	const json_t *lot = d->cs[c].lot;
	const json_t *tied = json_object_get(lot, "tied");
	size_t ids[D_MAXC], n = 0;

	if (!lot || d->cs[c].lot_round != d->cs[c].round)
		return;
	for (size_t i = 0; i < json_array_size(tied) && n < D_MAXC; i++)
		ids[n++] = (size_t)json_integer_value(json_array_get(tied, i))
		    - 1;
	teller_tally_add_lot(t, ids, n, (size_t)json_integer_value(
	    json_object_get(lot, "drawn")) - 1);
}

static json_t *
elected_positions(const struct d_contest *k, teller_result *r)
{
	json_t *a = json_array();
	char name[512];

	for (int i = 0; i < teller_result_nelected(r); i++)
		for (int p = 1; p <= k->ncands; p++) {
			snprintf(name, sizeof name, "%s %s",
			    k->cands[p - 1].forenames, k->cands[p - 1].surname);
			if (strcmp(name, teller_result_elected(r, i)) == 0)
				json_array_append_new(a, json_integer(p));
		}
	return a;
}

/* Count the contest's current figures: {"status", "elected",
 * "remaining", "result" (libteller's result JSON), "text" (the
 * declaration as libteller writes it)}, or NULL with e set. */
json_t *
d_engine_result(struct desk *d, int c, int stage2, struct d_err *e)
{
	const struct d_contest *k = &d->cs[c];
	teller_ctx *ctx = NULL;
	teller_tally *t;
	teller_result *r = NULL;
	struct buf js = { 0 }, tx = { 0 };
	json_t *o = NULL, *rem;
	char path[48];
	int rc, st;

	if (teller_ctx_new(NULL, &ctx))
		return d_fail(e, 500, "internal", NULL, "no memory"), NULL;
	t = teller_tally_new(ctx, k->kind, k->seats, (size_t)k->ncands);
	if (!t || stage1_figures(d, c, t) ||
	    (stage2 && stage2_figures(d, c, t)))
		goto fail;
	lot_figures(d, c, t);
	rc = teller_tally_count(t, &r);
	if (!r || (rc != TELLER_OK && rc != TELLER_ETIE))
		goto fail;
	snprintf(path, sizeof path, "teller-desk:#%lld", d->seq);
	teller_result_add_input(ctx, r, path, d->last_hash);
	if (teller_report(ctx, r, TELLER_REP_JSON, put, &js) ||
	    teller_report(ctx, r, TELLER_REP_TEXT, put, &tx))
		goto fail;
	st = teller_result_status(r);
	rem = json_array();
	for (int p = 1; p <= k->ncands; p++)
		if (strcmp(k->kind, "sv") == 0 &&
		    teller_result_remaining(r, (size_t)p - 1))
			json_array_append_new(rem, json_integer(p));
	o = json_pack("{s:s, s:o, s:o, s:o, s:s}", "status",
	    st == TELLER_STATUS_FINAL ? "final" :
	    st == TELLER_STATUS_STAGE2_NEEDED ? "stage2_needed" :
	    "lot_needed", "elected", elected_positions(k, r), "remaining",
	    rem, "result", json_loads(js.p, 0, NULL), "text", tx.p);
	free(js.p);
	free(tx.p);
	teller_ctx_free(ctx);
	return o;
fail:
	d_fail(e, 409, "invariant", "I15", "I15: libteller refused the"
	    " figures: %s", teller_errmsg(ctx));
	free(js.p);
	free(tx.p);
	teller_ctx_free(ctx);
	return NULL;
}

/* The regime's rejected heads as libteller words them, in its order:
 * [{"head", "codes": [reason codes]}]. A scratch tally puts 2^i papers
 * under the i-th code, so each head's figure names its codes. NULL when
 * libteller refuses (it does not for a plan init accepted). */
json_t *
d_heads(const struct d_contest *k)
{
	static const char *const codes[] = { "no_official_mark", "too_many",
		"identifying_mark", "unmarked", "uncertain", NULL };
	teller_ctx *ctx = NULL;
	teller_tally *t;
	teller_result *r = NULL;
	struct buf js = { 0 };
	json_t *o = NULL, *res, *v;
	long long valid = 0;
	const char *key;
	int rc;

	if (teller_ctx_new(NULL, &ctx))
		return NULL;
	if (!(t = teller_tally_new(ctx, k->kind, k->seats,
	    (size_t)k->ncands)))
		goto out;
	/* Distinct votes: no tie, so the count ends. */
	for (int p = 0; p < k->ncands; p++) {
		if (teller_tally_set_votes(t, (size_t)p, k->ncands - p))
			goto out;
		valid += k->ncands - p;
	}
	for (int i = 0; codes[i]; i++)
		if (teller_tally_set_rejected(t, k->regime, codes[i],
		    1LL << i))
			goto out;
	if (teller_tally_set_valid_papers(t, valid))
		goto out;
	rc = teller_tally_count(t, &r);
	if (!r || (rc != TELLER_OK && rc != TELLER_ETIE) ||
	    teller_report(ctx, r, TELLER_REP_JSON, put, &js))
		goto out;
	res = json_loads(js.p, 0, NULL);
	o = json_array();
	json_object_foreach(json_object_get(res, "rejected"), key, v) {
		long long bits = strtoll(json_string_value(v), NULL, 10);
		json_t *cs = json_array();

		for (int i = 0; codes[i]; i++)
			if (bits & (1LL << i))
				json_array_append_new(cs, json_string(
				    codes[i]));
		json_array_append_new(o, json_pack("{s:s, s:o}", "head", key,
		    "codes", cs));
	}
	json_decref(res);
out:
	free(js.p);
	teller_ctx_free(ctx);
	return o;
}

static int
head_listed(const json_t *heads, const char *h)
{
	for (size_t i = 0; i < json_array_size(heads); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(
		    heads, i), "head")), h) == 0)
			return 1;
	return 0;
}

static json_int_t
head_papers(const json_t *v)
{
	return v ? (json_int_t)strtoll(json_string_value(v), NULL, 10) : 0;
}

/* The rejected heads of libteller's result JSON res as [{"head",
 * "papers"}]: every head of the regime in its order, 0 too (§9.3), then
 * any other head res names (rejected in part). */
json_t *
d_rejected_list(const struct d_contest *k, const json_t *res)
{
	const json_t *got = json_object_get(res, "rejected");
	json_t *heads = d_heads(k), *out = json_array(), *v;
	const char *key;

	for (size_t i = 0; i < json_array_size(heads); i++) {
		const char *h = json_string_value(json_object_get(
		    json_array_get(heads, i), "head"));

		json_array_append_new(out, json_pack("{s:s, s:I}", "head", h,
		    "papers", head_papers(json_object_get(got, h))));
	}
	json_object_foreach((json_t *)got, key, v)
		if (!head_listed(heads, key))
			json_array_append_new(out, json_pack("{s:s, s:I}",
			    "head", key, "papers", head_papers(v)));
	json_decref(heads);
	return out;
}
