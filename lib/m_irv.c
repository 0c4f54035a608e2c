/* SPDX-License-Identifier: MIT */
/*
 * m_irv.c -- instant-runoff / alternative vote / eliminating ballot, one
 * seat: lowest excluded one at a time until a candidate has more than
 * half of the continuing votes. Ties for exclusion follow the UK
 * statutory model of the AV rules, PVSCA 2011 Sch.10 para 7 (the
 * substituted PER r.49 and r.49A, never commenced).
 */
#include <string.h>

#include "tl_int.h"
#include "cert.h"

#define NONE UINT32_MAX

/* What a ballot's next preference is. */
enum {
	NEXT_EXHAUSTED = -1, /* no further preference */
	NEXT_OVERVOTE = -2   /* the next marked rank names several */
};

struct irv {
	teller_ctx *ctx;
	const struct teller_contest *c;
	const struct teller_profile *p;
	struct teller_result *r;
	struct tl_lots lots;
	bool *cont;           /* [ncand] continuing */
	int ncont;            /* how many */
	uint32_t *at;         /* [npat] cell offset of the current rank */
	uint32_t *next;       /* [npat] pile link */
	uint32_t *head;       /* [ncand] pile of each candidate */
	tl_fix *votes;        /* [ncand] current totals */
	int *tied, *scratch;  /* [ncand] each */
	tl_fix nontrans;      /* non-transferable so far */
	tl_fix nt_over;       /* of which at a rank naming several */
	struct tl_cert *cert; /* the certificate, or NULL (audit.md 5) */
	struct tl_cert_why why; /* why the stage's loser was chosen */
	int64_t unit;         /* 10^wdp: one paper */
};

/* Does id appear in the cells of pat before offset end? */
static bool
seen_before(const tl_cid *cells, uint32_t end, tl_cid id)
{
	uint32_t k = 0;
	int i;

	while (k < end) {
		int n = cells[k];
		for (i = 1; i <= n; i++)
			if (cells[k + (uint32_t)i] == id)
				return true;
		k += (uint32_t)n + 1;
	}
	return false;
}

/*
 * The ballot's preference at or after cell offset *off: skip ranks with
 * no mark (after ignoring withdrawn candidates and candidates already
 * ranked higher on this ballot) and ranks whose one candidate is no
 * longer continuing. A rank naming two or more candidates stops the
 * ballot (NEXT_OVERVOTE). Sets *off to the rank found.
 */
static int
next_pref(const struct irv *v, const struct tl_pat *pat, uint32_t *off)
{
	const tl_cid *cells = TL_CELLS(v->p, pat);
	uint32_t k = *off;
	int i;

	while (k < pat->len) {
		int n = cells[k], pick = -1;
		bool over = false;

		/* ids equal to pick are repeats; a second distinct live id
		 * makes an overvote, so each rank is read once */
		for (i = 1; i <= n && !over; i++) {
			tl_cid id = cells[k + (uint32_t)i];

			if (TL_CAND(v->c, id)->withdrawn || id == pick)
				continue;
			if (n > 1 && seen_before(cells, k, id))
				continue;
			if (pick < 0)
				pick = id;
			else
				over = true;
		}
		*off = k;
		if (over)
			return NEXT_OVERVOTE;
		if (pick >= 0 && v->cont[pick])
			return pick;
		k += (uint32_t)n + 1;
	}
	*off = k;
	return NEXT_EXHAUSTED;
}

/*
 * The candidate to exclude among tied[0..n) (all on the fewest votes at
 * the newest stage). PER r.49(2) as PVSCA 2011 Sch.10 para 7 would have
 * substituted it, read forwards: keep those of the tied with the fewest
 * first preferences (stage 1), then of those the fewest at stage 2, and
 * so on up to the stage before this one, until one is left; r.49(3): at
 * the first stage (no previous elimination) or if still tied, by lot
 * among the survivors in input order. Records the tie.
 */
static int
pick_lowest(teller_ctx *ctx, struct teller_result *r, const int *tied,
    int n, struct tl_lots *lots, enum tl_tie_kind kind, int *scratch,
    int *loser)
{
	size_t s, last = r->stages->len - 1;
	int m = n, i, k, d = 0;
	enum tl_tie_how how = TL_TIE_EARLIER;
	uint64_t dr = 0;

	memcpy(scratch, tied, (size_t)n * sizeof(int));
	for (s = 0; s < last && m > 1; s++) {
		const tl_fix *v = TL_STAGE(r, s)->votes;
		tl_fix lo = v[scratch[0]];

		for (i = 1; i < m; i++)
			if (v[scratch[i]] < lo)
				lo = v[scratch[i]];
		for (i = k = 0; i < m; i++)
			if (v[scratch[i]] == lo)
				scratch[k++] = scratch[i];
		m = k;
	}
	if (m > 1) {
		int rc = tl_lots_draw(ctx, lots, (int)r->stages->len, kind,
		    true, scratch, m, &d, &dr, &how);
		if (rc != TELLER_OK)
			return rc;
	}
	*loser = scratch[d];
	if (kind == TL_TIEK_ELECT) {
		/* r.49A: the other of the two is elected */
		int w = tied[0] == *loser ? tied[1] : tied[0];
		return tl_result_tie(ctx, r, kind, how, tied, n, w, dr);
	}
	return tl_result_tie(ctx, r, kind, how, tied, n, *loser, dr);
}

/* Allocate v's arrays and result; who continues. */
static int
irv_init(struct irv *v, const teller_rules *rules)
{
	const struct teller_contest *c = v->c;
	teller_ctx *ctx = v->ctx;
	size_t npat = v->p->pats->len;
	int i, rc;

	v->r = tl_result_new(ctx, c, "irv", 1, v->p->wdp);
	v->votes = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	v->cont = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
	v->tied = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	v->scratch = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	v->at = tl_alloc(ctx, npat + 1, sizeof(uint32_t));
	v->next = tl_alloc(ctx, npat + 1, sizeof(uint32_t));
	v->head = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(uint32_t));
	if (v->r == NULL || v->votes == NULL || v->cont == NULL ||
	    v->tied == NULL || v->scratch == NULL || v->at == NULL ||
	    v->next == NULL || v->head == NULL)
		return TELLER_ENOMEM;
	if ((rc = tl_lots_init(ctx, &v->lots, c, rules)) != TELLER_OK)
		return rc;
	v->lots.cont = v->cont;
	v->lots.r = v->r;
	for (i = 0; i < c->ncand; i++) {
		v->cont[i] = !TL_CAND(c, i)->withdrawn;
		v->ncont += v->cont[i];
		v->head[i] = NONE;
	}
	if (v->ncont == 0)
		return tl_fail(ctx, TELLER_ERULE, "irv: no candidate standing");
	return TELLER_OK;
}

/* Stage 1: first preferences; each paper goes on its candidate's pile. */
static int
first_prefs(struct irv *v)
{
	const struct teller_profile *p = v->p;
	teller_ctx *ctx = v->ctx;
	tl_fix unmarked = 0, over1 = 0;
	size_t pi;
	int i, rc;

	for (pi = p->pats->len; pi-- > 0;) {
		const struct tl_pat *pat = TL_PAT(p, pi);
		const tl_cid *cells = TL_CELLS(p, pat);
		uint32_t k;
		int who;

		for (k = 0; k < pat->len; k += (uint32_t)cells[k] + 1)
			for (i = 1; i <= cells[k]; i++)
				if (cells[k + (uint32_t)i] >= v->c->ncand)
					return tl_fail(ctx, TELLER_EINTERNAL,
					    "a ballot marks candidate %d of "
					    "%d", cells[k + (uint32_t)i] + 1,
					    v->c->ncand);
		v->at[pi] = 0;
		who = next_pref(v, pat, &v->at[pi]);
		if (who >= 0) {
			v->next[pi] = v->head[who];
			v->head[who] = (uint32_t)pi;
			rc = tl_num_add(ctx, v->votes[who], pat->w,
			    &v->votes[who]);
		} else if (who == NEXT_OVERVOTE) {
			rc = tl_num_add(ctx, over1, pat->w, &over1);
		} else {
			rc = tl_num_add(ctx, unmarked, pat->w, &unmarked);
		}
		if (rc != TELLER_OK)
			return rc;
	}
	v->r->valid = 0;
	for (i = 0; i < v->c->ncand; i++)
		if (tl_num_add(ctx, v->r->valid, v->votes[i], &v->r->valid))
			return TELLER_EOVERFLOW;
	if (tl_result_stage(ctx, v->r, TL_STAGE_FIRST, -1, v->votes, 0, 0) ==
	    NULL)
		return TELLER_ENOMEM;
	TL_STAGE(v->r, 0)->note = "first preferences";
	if (tl_result_tally(ctx, v->r, true, "unmarked or void for "
	    "uncertainty (no preference for a candidate)", "", unmarked) ||
	    tl_result_tally(ctx, v->r, true, "more than one first "
	    "preference", "", over1))
		return TELLER_ENOMEM;
	return tl_result_check(ctx, v->r);
}

/* The newest stage's non-transferable by reason: an overvote at the
 * next preference, or no preference left. */
static int
nt_reasons(teller_ctx *ctx, struct irv *v)
{
	tl_fix none;

	if (tl_num_sub(ctx, v->nontrans, v->nt_over, &none) != TELLER_OK)
		return ctx->err;
	if (tl_result_nt_why(ctx, v->r, "exhausted", none) ||
	    tl_result_nt_why(ctx, v->r, "overvote", v->nt_over))
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* The certificate's record of the exclusion of loser, among ntied
 * (v->tied) on the fewest votes: PER r.49(1) alone, (2) by earlier
 * stages, (3) by lot; without a tie, the next fewest and the gap. */
static int
cert_exclusion(struct irv *v, int loser, int ntied)
{
	const struct teller_result *r = v->r;
	const tl_fix *was = TL_STAGE(r, r->stages->len - 2)->votes;
	struct tl_cert_why *w = &v->why;
	int i;

	memset(w, 0, sizeof(*w));
	w->tie = v->tied;
	w->ntie = ntied;
	w->lot = ntied > 1 && TL_VEC_AT(r->ties, struct tl_tie,
	    r->ties->len - 1).how != TL_TIE_EARLIER;
	w->rule = ntied < 2 ? "49(1)" : w->lot ? "49(3)" : "49(2)";
	w->lowest = loser;
	w->next = -1;
	for (i = 0; i < v->c->ncand; i++)
		if (v->cont[i] && (w->next < 0 || was[i] < was[w->next]))
			w->next = i;
	w->gap = w->next < 0 ? 0 : was[w->next] - was[loser];
	return tl_cert_stage(v->cert, (int)r->stages->len, "exclude", loser,
	    0, 0, w, v->votes, v->nontrans, 0);
}

/* Exclude loser (chosen among ntied): its papers go to their next
 * preference, or are non-transferable; a stage records it. */
static int
exclude(struct irv *v, int loser, int ntied)
{
	teller_ctx *ctx = v->ctx;
	struct tl_stage *st;
	uint32_t q, nq;
	int rc;

	v->cont[loser] = false;
	v->ncont--;
	for (q = v->head[loser]; q != NONE; q = nq) {
		const struct tl_pat *pat = TL_PAT(v->p, q);
		const tl_cid *cells = TL_CELLS(v->p, pat);
		int who;

		nq = v->next[q];
		v->at[q] += (uint32_t)cells[v->at[q]] + 1;
		who = next_pref(v, pat, &v->at[q]);
		if (v->cert != NULL && (rc = tl_cert_move(v->cert, q, loser,
		    who >= 0 ? who : -1, pat->w / v->unit, v->unit,
		    "no further preference")) != TELLER_OK)
			return rc;
		if (who >= 0) {
			v->next[q] = v->head[who];
			v->head[who] = q;
			rc = tl_num_add(ctx, v->votes[who], pat->w,
			    &v->votes[who]);
		} else {
			rc = tl_num_add(ctx, v->nontrans, pat->w,
			    &v->nontrans);
			if (rc == TELLER_OK && who == NEXT_OVERVOTE)
				rc = tl_num_add(ctx, v->nt_over, pat->w,
				    &v->nt_over);
		}
		if (rc != TELLER_OK)
			return rc;
	}
	v->head[loser] = NONE;
	v->votes[loser] = 0;
	st = tl_result_stage(ctx, v->r, TL_STAGE_EXCLUSION, loser, v->votes,
	    v->nontrans, 0);
	if (st == NULL)
		return TELLER_ENOMEM;
	st->note = ntied > 1 ? "fewest votes excluded; tie: PER "
	    "r.49 (PVSCA 2011 Sch.10 para 7)" : "fewest votes "
	    "excluded";
	if (v->cert != NULL && (rc = cert_exclusion(v, loser, ntied)) !=
	    TELLER_OK)
		return rc;
	if ((rc = tl_result_exclude(ctx, v->r, loser)) != TELLER_OK ||
	    (rc = nt_reasons(ctx, v)) != TELLER_OK)
		return rc;
	return tl_result_check(ctx, v->r);
}

/* The continuing candidates on the fewest votes, into v->tied. */
static int
fewest(const struct irv *v)
{
	tl_fix low = 0;
	int i, ntied = 0;

	for (i = 0; i < v->c->ncand; i++)
		if (v->cont[i] && (ntied == 0 || v->votes[i] < low)) {
			low = v->votes[i];
			ntied = 0;
			v->tied[ntied++] = i;
		} else if (v->cont[i] && v->votes[i] == low) {
			v->tied[ntied++] = i;
		}
	return ntied;
}

/*
 * The bulk-exclusion rule (audit.md 7): if the ntied in v->tied have
 * fewer votes together than any other continuing candidate, all of them
 * are excluded next whatever the order (each one's papers can lift the
 * others of them no higher than their sum), and then every pile is the
 * same, so the order cannot change who is elected, provided no later
 * tie looks back to the stages in between: so every other continuing
 * candidate must differ from each other at the first stage, where a
 * look-back (pick_lowest) starts and settles it.
 */
static bool
in_tied(const struct irv *v, int ntied, int c)
{
	int k;

	for (k = 0; k < ntied; k++)
		if (v->tied[k] == c)
			return true;
	return false;
}

static bool
bulk(const struct irv *v, int ntied)
{
	const tl_fix *first;
	tl_fix sum = 0;
	int i, k;

	if (v->r->stages->len == 0)
		return false;
	first = TL_STAGE(v->r, 0)->votes;
	for (k = 0; k < ntied; k++)
		if (tl_num_add(v->ctx, sum, v->votes[v->tied[k]], &sum))
			return false;
	for (i = 0; i < v->c->ncand; i++)
		if (v->cont[i] && !in_tied(v, ntied, i) && v->votes[i] <= sum)
			return false;
	for (i = 0; i < v->c->ncand; i++)
		for (k = i + 1; k < v->c->ncand; k++)
			if (v->cont[i] && v->cont[k] && first[i] == first[k] &&
			    !in_tied(v, ntied, i) && !in_tied(v, ntied, k))
				return false;
	return true;
}

/*
 * One round: *done when a candidate is elected (a majority of the
 * continuing votes, the last one left, or r.49A between two equal);
 * else the one with fewest votes is excluded.
 */
static int
irv_round(struct irv *v, bool *done)
{
	teller_ctx *ctx = v->ctx;
	tl_fix best = -1, live, rest;
	int top = -1, ntied, loser, i, rc;

	*done = true;
	if (tl_num_sub(ctx, v->r->valid, v->nontrans, &live))
		return TELLER_EOVERFLOW;
	for (i = 0; i < v->c->ncand; i++)
		if (v->cont[i] && v->votes[i] > best) {
			best = v->votes[i];
			top = i;
		}
	if (tl_num_sub(ctx, live, best, &rest))
		return TELLER_EOVERFLOW;
	if (v->ncont == 1 || best > rest) {
		/* a majority of the continuing votes */
		if (v->cert != NULL && (rc = tl_cert_elect(v->cert, top,
		    v->ncont == 1 ? "last" : "majority")) != TELLER_OK)
			return rc;
		return tl_result_elect(ctx, v->r, top);
	}
	ntied = fewest(v);
	if (v->ncont == 2 && ntied == 2) {
		/* two left and equal (else one has a majority): r.49A
		 * decides who is elected */
		if ((rc = pick_lowest(ctx, v->r, v->tied, ntied, &v->lots,
		    TL_TIEK_ELECT, v->scratch, &loser)) != TELLER_OK)
			return rc;
		top = v->tied[0] == loser ? v->tied[1] : v->tied[0];
		if (v->cert != NULL && (rc = tl_cert_elect(v->cert, top,
		    "49A")) != TELLER_OK)
			return rc;
		return tl_result_elect(ctx, v->r, top);
	}
	*done = false;
	/* the stage before is complete: nobody was elected after it */
	if (v->cert != NULL && (rc = tl_cert_flush(v->cert)) != TELLER_OK)
		return rc;
	loser = v->tied[0];
	v->lots.free_order = ntied > 1 && bulk(v, ntied);
	if (ntied > 1 && (rc = pick_lowest(ctx, v->r, v->tied, ntied,
	    &v->lots, TL_TIEK_EXCLUDE, v->scratch, &loser)) != 0)
		return rc;
	return exclude(v, loser, ntied);
}

/* With a certificate (ctx->cert): whole papers only; the header and the
 * first stage. */
static int
cert_begin(struct irv *v)
{
	size_t i;

	v->cert = v->ctx->cert;
	v->unit = tl_num_pow10(v->p->wdp);
	if (v->cert == NULL)
		return TELLER_OK;
	for (i = 0; i < v->p->pats->len; i++)
		if (TL_PAT(v->p, i)->w % v->unit != 0)
			return tl_fail(v->ctx, TELLER_EINVAL, "irv: a count "
			    "certificate needs whole papers");
	tl_cert_header(v->cert, -1, 1, v->p->wdp);
	return tl_cert_stage(v->cert, 1, "first", -1, 0, 0, NULL, v->votes,
	    0, 0);
}

/*
 * Count one seat. A ballot counts for its highest-ranked continuing
 * candidate: empty ranks are skipped, a repeated candidate is skipped,
 * and a rank marking several candidates ends the ballot (it is then
 * non-transferable; at the first preference it is rejected, as is a
 * ballot with no mark). A candidate with more than half of the
 * continuing votes is elected; else the candidate with fewest votes is
 * excluded and its ballots go on to their next preferences.
 */
int
tl_m_irv(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct irv v;
	tl_fix none;
	bool done = false;
	int rc;

	*out = NULL;
	if (rules->seats > 1)
		return tl_fail(ctx, TELLER_EINVAL, "irv elects one candidate, "
		    "not %d (use an STV method)", rules->seats);
	if (p->pats->len >= NONE)
		return tl_fail(ctx, TELLER_ELIMIT, "too many ballot patterns");
	memset(&v, 0, sizeof(v));
	v.ctx = ctx;
	v.c = c;
	v.p = p;
	if ((rc = irv_init(&v, rules)) != TELLER_OK ||
	    (rc = first_prefs(&v)) != TELLER_OK ||
	    (rc = cert_begin(&v)) != TELLER_OK)
		return rc;
	while (!done)
		if ((rc = irv_round(&v, &done)) != TELLER_OK)
			return rc;
	if (v.cert != NULL && (rc = tl_cert_end(v.cert, v.r)) != TELLER_OK)
		return rc;
	if (tl_num_sub(ctx, v.nontrans, v.nt_over, &none))
		return TELLER_EOVERFLOW;
	if (tl_result_tally(ctx, v.r, false, "non-transferable: no "
	    "further preference", "", none) ||
	    tl_result_tally(ctx, v.r, false, "non-transferable: several "
	    "candidates at the next preference", "", v.nt_over))
		return TELLER_ENOMEM;
	*out = v.r;
	return TELLER_OK;
}
