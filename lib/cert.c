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

/* An election after a stage; among tied (ntie > 1) by lot > 0, the
 * count's lot number, or by the earlier stages (lot 0). */
struct elect {
	int cand;
	const char *rule;
	int *tie;
	int ntie, lot;
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
	struct tl_vec *elect; /* of struct elect, after this stage */
	/* the stage waiting for its elections */
	bool open;
	int stage, cand;
	const char *kind;
	tl_fix surplus, tv, nt, loss;
	struct tl_cert_why why;
	int *tie;            /* [ncand] copy of why.tie */
	tl_fix *votes;       /* [ncand] */
	char *extra;         /* tl_cert_extra's members, or NULL */
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
	k->elect = tl_vec_new(ctx, sizeof(struct elect));
	k->tie = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	k->votes = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	if (k->moves == NULL || k->elect == NULL || k->tie == NULL ||
	    k->votes == NULL)
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
	int i, n;

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
	tl_out_fmt(&k->o, ",\"seats\":%d,\"ballot_order\":[", seats);
	for (i = 0, n = 0; i < k->ncand; i++) {
		const struct tl_cand *cd = TL_CAND(k->c, i);
		if (cd->withdrawn || cd->writein)
			continue;
		if (n++ > 0)
			tl_out_str(&k->o, ",");
		tl_out_json_str(&k->o, cd->name);
	}
	tl_out_str(&k->o, "]}\n");
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
	int i, n;

	tl_out_str(&k->o, ",\"why\":{\"rule\":");
	tl_out_json_str(&k->o, w->rule);
	if (w->in != NULL) {
		tl_out_fmt(&k->o, ",\"%s\":[", w->inkey != NULL ? w->inkey :
		    "remaining");
		for (i = 0, n = 0; i < k->ncand; i++)
			if (w->in[i]) {
				tl_out_str(&k->o, n++ > 0 ? "," : "");
				name(k, i);
			}
		tl_out_str(&k->o, "]");
	}
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
	} else if (w->bare) {
		;
	} else if (strcmp(k->kind, "surplus") == 0) {
		tl_out_str(&k->o, ",\"largest\":true");
	} else if (strcmp(k->kind, "exclude") == 0) {
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

	if (n > 1)	/* data is NULL until the first move */
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
		tl_out_str(&k->o, "\",\"tv\":");
		if (k->tv < 0) {
			tl_out_str(&k->o, "null");
		} else {
			tl_out_str(&k->o, "\"");
			tl_out_num(&k->o, k->tv, k->dp);
			tl_out_str(&k->o, "\"");
		}
	}
	tl_out_str(&k->o, "}");
	if (k->why.rule != NULL)
		put_why(k);
	if (strcmp(k->kind, "first") != 0)
		put_moves(k);
	if (k->extra != NULL)
		tl_out_str(&k->o, k->extra);
	k->extra = NULL;
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
		const struct elect *e = &TL_VEC_AT(k->elect, struct elect, i);
		tl_out_str(&k->o, i > 0 ? ",{\"cand\":" : "{\"cand\":");
		name(k, e->cand);
		tl_out_str(&k->o, ",\"rule\":");
		tl_out_json_str(&k->o, e->rule);
		if (e->ntie > 1) {
			tl_out_str(&k->o, ",\"tie\":[");
			for (a = 0; a < e->ntie; a++) {
				tl_out_str(&k->o, a > 0 ? "," : "");
				name(k, e->tie[a]);
			}
			tl_out_str(&k->o, "]");
			if (e->lot > 0)
				tl_out_fmt(&k->o, ",\"lot\":%d", e->lot);
		}
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
tl_cert_extra(struct tl_cert *k, const char *json)
{
	size_t n = strlen(json) + 1;

	if ((k->extra = tl_alloc(k->ctx, n, 1)) == NULL)
		return TELLER_ENOMEM;
	memcpy(k->extra, json, n);
	return TELLER_OK;
}

int
tl_cert_elect(struct tl_cert *k, int cand, const char *rule)
{
	return tl_cert_elect_tie(k, cand, rule, NULL, 0, false);
}

int
tl_cert_elect_tie(struct tl_cert *k, int cand, const char *rule,
    const int *tie, int ntie, bool lot)
{
	struct elect e = { cand, rule, NULL, ntie > 1 ? ntie : 0, 0 };

	if (e.ntie > 0) {
		e.tie = tl_alloc(k->ctx, (size_t)ntie, sizeof(int));
		if (e.tie == NULL)
			return TELLER_ENOMEM;
		memcpy(e.tie, tie, (size_t)ntie * sizeof(int));
		if (lot)
			e.lot = ++k->nlots;
	}
	return tl_vec_push(k->ctx, k->elect, &e) != NULL ? TELLER_OK :
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
	tl_out_fmt(&k->o, "],\"stages\":%d}\n", k->stage);
	return tl_out_flush(&k->o);
}

/*
 * The certificate of a finished plurality count r (fptp, block: one
 * stage in r) of seats seats over p: stage 1 the votes (LEPAR 2006 Sch.2
 * r.46), stage 2 the elections, those above the boundary under r.46 and
 * each lot at it under r.49 with the tie it settled.
 */
static int
plurality(struct tl_cert *k, const struct teller_profile *p,
    const struct teller_result *r, int seats)
{
	const tl_fix *votes = TL_STAGE(r, 0)->votes;
	struct tl_cert_why why;
	int64_t unit = tl_num_pow10(p->wdp);
	size_t i, j;
	int rc;

	for (i = 0; i < p->pats->len; i++)
		if (TL_PAT(p, i)->w % unit != 0)
			return tl_fail(k->ctx, TELLER_EINVAL, "%s: a count "
			    "certificate needs whole papers", k->method);
	tl_cert_header(k, -1, seats, p->wdp);
	memset(&why, 0, sizeof(why));
	why.rule = "46";
	for (i = 0; i < r->ties->len; i++) {
		const struct tl_tie *t = &TL_VEC_AT(r->ties, struct tl_tie, i);
		if (why.ntie == 0) {
			why.rule = "49";
			why.tie = t->tied;
			why.ntie = t->ntied;
		}
	}
	if ((rc = tl_cert_stage(k, 1, "first", -1, 0, 0, NULL, votes, 0,
	    0)) != TELLER_OK ||
	    (rc = tl_cert_stage(k, 2, "elect", -1, 0, 0, &why, votes, 0,
	    0)) != TELLER_OK)
		return rc;
	for (i = 0; i < r->elected->len; i++) {
		int who = TL_VEC_AT(r->elected, int, i);
		const struct tl_tie *t = NULL;
		for (j = 0; j < r->ties->len && t == NULL; j++)
			if (TL_VEC_AT(r->ties, struct tl_tie, j).chosen == who)
				t = &TL_VEC_AT(r->ties, struct tl_tie, j);
		rc = t != NULL ? tl_cert_elect_tie(k, who, "49", t->tied,
		    t->ntied, true) : tl_cert_elect(k, who, "46");
		if (rc != TELLER_OK)
			return rc;
	}
	return tl_cert_end(k, r);
}

int
tl_cert_plurality(teller_ctx *ctx, const struct teller_profile *p,
    int seats, struct teller_result **out, int rc)
{
	if (rc == TELLER_OK && ctx->cert != NULL &&
	    (rc = plurality(ctx->cert, p, *out, seats)) != TELLER_OK)
		*out = NULL;
	return rc;
}
