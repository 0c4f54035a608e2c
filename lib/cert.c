/* SPDX-License-Identifier: MIT */
/*
 * cert.c -- count certificates, teller-cert/1 (audit.md 5). The method
 * reports each parcel it moves and each stage; this module merges the
 * moves of a stage by effective pattern (patterns that differ only in
 * what the rules ignore move together), names candidates, and writes
 * one JSON line a stage once the stage's elections are known.
 */
#include <stdlib.h>
#include <string.h>

#include "tl_int.h"
#include "cert.h"

struct move {
	uint32_t pat;        /* line in the effective profile */
	int from, to;
	int64_t n;
	tl_fix v;
	const char *reason;
};

struct tl_cert {
	teller_ctx *ctx;
	const struct teller_contest *c;
	struct tl_out o;
	int dp, ncand, nlots;
	uint32_t *map;       /* [patterns] effective line, UINT32_MAX */
	int32_t *slot;       /* [lines] index in moves this stage, or -1 */
	size_t nlines;
	char prof[65], rules[65];
	const char *method;
	struct tl_vec *moves; /* of struct move, this stage */
	struct tl_vec *elect; /* of int, after this stage */
	const char **erule;   /* [ncand] rule each was elected under */
	/* the stage waiting for its elections */
	bool open;
	int stage, cand;
	const char *kind;
	tl_fix surplus, tv, nt, loss;
	struct tl_cert_why why;
	int *tie;            /* [ncand] copy of why.tie */
	tl_fix *votes;       /* [ncand] */
};

int
tl_cert_new(teller_ctx *ctx, const struct teller_contest *c,
    const char *method, uint32_t *map, size_t npat, const char prof[65],
    const char rules[65], teller_write_fn w, void *ud, struct tl_cert **out)
{
	struct tl_cert *k;
	size_t i;

	*out = NULL;
	k = tl_alloc(ctx, 1, sizeof(*k));
	if (k == NULL)
		return TELLER_ENOMEM;
	k->ctx = ctx;
	k->c = c;
	k->method = method;
	k->ncand = c->ncand;
	k->map = map;
	memcpy(k->prof, prof, 65);
	memcpy(k->rules, rules, 65);
	k->moves = tl_vec_new(ctx, sizeof(struct move));
	k->elect = tl_vec_new(ctx, sizeof(int));
	k->erule = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(char *));
	k->tie = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	k->votes = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	if (k->moves == NULL || k->elect == NULL || k->erule == NULL ||
	    k->tie == NULL || k->votes == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < npat; i++)
		if (k->map[i] != UINT32_MAX && k->map[i] >= k->nlines)
			k->nlines = (size_t)k->map[i] + 1;
	k->slot = tl_alloc(ctx, k->nlines + 1, sizeof(int32_t));
	if (k->slot == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < k->nlines; i++)
		k->slot[i] = -1;
	tl_out_init(&k->o, ctx, w, ud);
	*out = k;
	return TELLER_OK;
}

void
tl_cert_header(struct tl_cert *k, tl_fix quota, int seats, int dp)
{
	k->dp = dp;
	/* the manifest lists this file's hash: naming the manifest's own
	 * would be a cycle (audit.md 4.2), so manifest_sha256 is null */
	tl_out_fmt(&k->o, "{\"teller_cert\":1,\"manifest_sha256\":null,"
	    "\"profile_sha256\":\"%s\",\"rules_sha256\":\"%s\","
	    "\"method\":", k->prof, k->rules);
	tl_out_json_str(&k->o, k->method);
	tl_out_fmt(&k->o, ",\"dp\":%d,\"quota\":", dp);
	if (quota < 0) {
		tl_out_str(&k->o, "null");
	} else {
		tl_out_str(&k->o, "\"");
		tl_out_num(&k->o, quota, k->dp);
		tl_out_str(&k->o, "\"");
	}
	tl_out_fmt(&k->o, ",\"seats\":%d}\n", seats);
}

int
tl_cert_move(struct tl_cert *k, size_t pat, int from, int to, int64_t n,
    tl_fix v, const char *reason)
{
	uint32_t line = k->map[pat];
	struct move m = { line, from, to, n, v, reason }, *o;

	if (line == UINT32_MAX || line >= k->nlines)
		return tl_fail(k->ctx, TELLER_EINTERNAL, "certificate: "
		    "pattern %zu has no effective line", pat);
	if (k->slot[line] >= 0) {
		o = &TL_VEC_AT(k->moves, struct move, (size_t)k->slot[line]);
		if (o->from != from || o->to != to || o->v != v)
			return tl_fail(k->ctx, TELLER_EINTERNAL,
			    "certificate: one effective pattern moved two "
			    "ways");
		return tl_num_add(k->ctx, o->n, n, &o->n);
	}
	k->slot[line] = (int32_t)k->moves->len;
	return tl_vec_push(k->ctx, k->moves, &m) != NULL ? TELLER_OK :
	    TELLER_ENOMEM;
}

static int
cmp_move(const void *a, const void *b)
{
	const struct move *x = a, *y = b;

	return (x->pat > y->pat) - (x->pat < y->pat);
}

static void
name(struct tl_cert *k, int cand)
{
	if (cand < 0)
		tl_out_str(&k->o, "null");
	else
		tl_out_json_str(&k->o, TL_CAND(k->c, cand)->name);
}

static void
put_why(struct tl_cert *k)
{
	const struct tl_cert_why *w = &k->why;
	int i;

	tl_out_str(&k->o, ",\"why\":{\"rule\":");
	tl_out_json_str(&k->o, w->rule);
	if (w->ntie > 1) {
		tl_out_str(&k->o, ",\"tie\":[");
		for (i = 0; i < w->ntie; i++) {
			if (i > 0)
				tl_out_str(&k->o, ",");
			name(k, k->tie[i]);
		}
		tl_out_str(&k->o, "]");
		if (w->lot)
			tl_out_fmt(&k->o, ",\"lot\":%d", k->nlots);
	} else if (strcmp(k->kind, "surplus") == 0) {
		tl_out_str(&k->o, ",\"largest\":true");
	} else {
		tl_out_str(&k->o, ",\"lowest\":");
		name(k, w->lowest);
		tl_out_str(&k->o, ",\"next\":");
		name(k, w->next);
		tl_out_str(&k->o, ",\"gap\":\"");
		tl_out_num(&k->o, w->gap, k->dp);
		tl_out_str(&k->o, "\"");
	}
	tl_out_str(&k->o, "}");
}

static void
put_moves(struct tl_cert *k)
{
	size_t i, n = k->moves->len;

	qsort(k->moves->data, n, sizeof(struct move), cmp_move);
	tl_out_str(&k->o, ",\"moves\":[");
	for (i = 0; i < n; i++) {
		const struct move *m = &TL_VEC_AT(k->moves, struct move, i);
		tl_out_fmt(&k->o, "%s{\"pattern\":%u,\"from\":", i > 0 ? "," :
		    "", (unsigned)m->pat);
		name(k, m->from);
		tl_out_str(&k->o, ",\"to\":");
		name(k, m->to);
		if (m->to < 0) {
			tl_out_str(&k->o, ",\"reason\":");
			tl_out_json_str(&k->o, m->reason);
		}
		tl_out_fmt(&k->o, ",\"papers\":%lld,\"value\":\"",
		    (long long)m->n);
		tl_out_num(&k->o, m->v, k->dp);
		tl_out_str(&k->o, "\"}");
		k->slot[m->pat] = -1;
	}
	tl_out_str(&k->o, "]");
	k->moves->len = 0;
}

int
tl_cert_flush(struct tl_cert *k)
{
	size_t i;
	int a, n = 0;

	if (!k->open)
		return TELLER_OK;
	k->open = false;
	tl_out_fmt(&k->o, "{\"stage\":%d,\"action\":{\"kind\":\"%s\"",
	    k->stage, k->kind);
	if (k->cand >= 0) {
		tl_out_str(&k->o, ",\"cand\":");
		name(k, k->cand);
	}
	if (strcmp(k->kind, "surplus") == 0) {
		tl_out_str(&k->o, ",\"surplus\":\"");
		tl_out_num(&k->o, k->surplus, k->dp);
		tl_out_str(&k->o, "\",\"tv\":\"");
		tl_out_num(&k->o, k->tv, k->dp);
		tl_out_str(&k->o, "\"");
	}
	tl_out_str(&k->o, "}");
	if (k->why.rule != NULL)
		put_why(k);
	if (strcmp(k->kind, "first") != 0)
		put_moves(k);
	tl_out_str(&k->o, ",\"tallies\":{");
	for (a = 0; a < k->ncand; a++) {
		const struct tl_cand *cd = TL_CAND(k->c, a);
		if (cd->withdrawn || cd->writein)
			continue;
		if (n++ > 0)
			tl_out_str(&k->o, ",");
		tl_out_json_str(&k->o, cd->name);
		tl_out_str(&k->o, ":\"");
		tl_out_num(&k->o, k->votes[a], k->dp);
		tl_out_str(&k->o, "\"");
	}
	tl_out_str(&k->o, "},\"nt\":\"");
	tl_out_num(&k->o, k->nt, k->dp);
	tl_out_str(&k->o, "\",\"loss\":\"");
	tl_out_num(&k->o, k->loss, k->dp);
	tl_out_str(&k->o, "\",\"elected\":[");
	for (i = 0; i < k->elect->len; i++) {
		a = TL_VEC_AT(k->elect, int, i);
		tl_out_str(&k->o, i > 0 ? ",{\"cand\":" : "{\"cand\":");
		name(k, a);
		tl_out_str(&k->o, ",\"rule\":");
		tl_out_json_str(&k->o, k->erule[a]);
		tl_out_str(&k->o, "}");
	}
	tl_out_str(&k->o, "]}\n");
	k->elect->len = 0;
	return k->o.err != 0 ? k->o.err : TELLER_OK;
}

int
tl_cert_stage(struct tl_cert *k, int stage, const char *kind, int cand,
    tl_fix surplus, tl_fix tv, const struct tl_cert_why *why,
    const tl_fix *votes, tl_fix nt, tl_fix loss)
{
	int rc;

	if ((rc = tl_cert_flush(k)) != TELLER_OK)
		return rc;
	k->open = true;
	k->stage = stage;
	k->kind = kind;
	k->cand = cand;
	k->surplus = surplus;
	k->tv = tv;
	k->nt = nt;
	k->loss = loss;
	memset(&k->why, 0, sizeof(k->why));
	if (why != NULL) {
		k->why = *why;
		if (why->ntie > k->ncand)
			return tl_fail(k->ctx, TELLER_EINTERNAL,
			    "certificate: tie too large");
		if (why->ntie > 0)
			memcpy(k->tie, why->tie, (size_t)why->ntie *
			    sizeof(int));
		k->why.tie = k->tie;
		k->nlots += why->ntie > 1 && why->lot;
	}
	memcpy(k->votes, votes, (size_t)k->ncand * sizeof(tl_fix));
	return TELLER_OK;
}

int
tl_cert_elect(struct tl_cert *k, int cand, const char *rule)
{
	k->erule[cand] = rule;
	return tl_vec_push(k->ctx, k->elect, &cand) != NULL ? TELLER_OK :
	    TELLER_ENOMEM;
}

int
tl_cert_end(struct tl_cert *k, const struct teller_result *r)
{
	size_t i;
	int rc;

	if ((rc = tl_cert_flush(k)) != TELLER_OK)
		return rc;
	tl_out_str(&k->o, "{\"end\":true,\"elected\":[");
	for (i = 0; i < r->elected->len; i++) {
		if (i > 0)
			tl_out_str(&k->o, ",");
		name(k, TL_VEC_AT(r->elected, int, i));
	}
	tl_out_fmt(&k->o, "],\"stages\":%zu}\n", r->stages->len);
	return tl_out_flush(&k->o);
}
