/* SPDX-License-Identifier: MIT */
/*
 * rctab_round.c -- RCTab's round loop (rctab.md 4, 5) over the weighted
 * records, exactly as Tabulator.java runs it over single ballots:
 * transfers, thresholds, tie-breaks, winners, eliminations and surplus.
 */
#include <stdio.h>
#include <string.h>

#include "rctab_tab.h"

/* ------------------------------------------------------------------ */
/* transfers                                                           */

static uint64_t
xkey(int round, int slice, int src, int dst)
{
	return ((uint64_t)round << 48) | ((uint64_t)slice << 28) |
	    ((uint64_t)(src + 1) << 14) | (uint64_t)(dst + 2);
}

static int
xfer_add(struct tl_rtab *t, int round, int slice, int src, int dst,
    struct tl_dec v)
{
	uint64_t key = xkey(round, slice, src, dst);
	size_t mask = t->nxslots - 1, i;
	uint64_t h;

	if ((t->nx + 1) * 2 > t->nxslots) {
		size_t n = t->nxslots * 2, j;
		struct tl_vec *kv = tl_vec_zeroed(t->ctx, n,
		    sizeof(uint64_t));
		struct tl_vec *vv = tl_vec_zeroed(t->ctx, n,
		    sizeof(struct tl_dec));
		uint64_t *nk;
		struct tl_dec *nv;
		if (kv == NULL || vv == NULL)
			return TELLER_ENOMEM;
		nk = kv->data;
		nv = vv->data;
		for (j = 0; j < t->nxslots; j++) {
			if (t->xkeys[j] == 0)
				continue;
			h = t->xkeys[j] * 0x9E3779B97F4A7C15u;
			for (i = (h >> 20) & (n - 1); nk[i] != 0;
			    i = (i + 1) & (n - 1))
				;
			nk[i] = t->xkeys[j];
			nv[i] = t->xvals[j];
		}
		tl_vec_release(t->ctx, t->xkeyv);
		tl_vec_release(t->ctx, t->xvalv);
		t->xkeyv = kv;
		t->xvalv = vv;
		t->xkeys = nk;
		t->xvals = nv;
		t->nxslots = n;
		mask = n - 1;
	}
	h = key * 0x9E3779B97F4A7C15u;
	for (i = (h >> 20) & mask; t->xkeys[i] != 0; i = (i + 1) & mask)
		if (t->xkeys[i] == key)
			return tl_dec_add(t->ctx, t->xvals[i], v, &t->xvals[i]);
	t->xkeys[i] = key;
	t->xvals[i] = v;
	t->nx++;
	return TELLER_OK;
}

const struct tl_dec *
tl_rtab_xfer(const struct tl_rtab *t, int round, int slice, int src, int dst)
{
	uint64_t key = xkey(round, slice, src, dst);
	uint64_t h = key * 0x9E3779B97F4A7C15u;
	size_t mask = t->nxslots - 1, i;

	for (i = (h >> 20) & mask; t->xkeys[i] != 0; i = (i + 1) & mask)
		if (t->xkeys[i] == key)
			return &t->xvals[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* the round loop (rctab.md 4.2 - 4.7)                                 */

/* isCandidateContinuing by canonical id (rctab.md 4.1). */
static bool
continuing(const struct tl_rtab *t, int c)
{
	if (c < 0 || t->excluded[c])
		return false;
	if (t->won[c] != 0)
		return t->cfg->until_two;
	return t->elim[c] == 0;
}

/* The same test on a raw CVR string: an alias is never found in the
 * status maps, so it always counts as continuing. */
static bool
raw_continuing(const struct tl_rtab *t, uint32_t ti)
{
	const struct tok *k = TOK(t, ti);

	if (k->ov)
		return false;
	if (!k->is_name)
		return true;
	return continuing(t, k->cand);
}

static struct tl_dec *
tally_at(struct tl_rtab *t, int round, int slice, int c)
{
	return &ROUND(t, round)->tally[(size_t)slice * (size_t)t->ncand +
	    (size_t)c];
}

static struct tl_dec *
st_at(struct tl_rtab *t, int round, int slice, int st)
{
	return &ROUND(t, round)->st[(size_t)slice * TL_ST_N + (size_t)st];
}

/* Add v to the slices of rec: into a tally (c >= 0) or a status sum. */
static int
add_slices(struct tl_rtab *t, int round, const struct rrec *rec, int c,
    int st, struct tl_dec v)
{
	int sl[3] = { 0, -1, -1 }, i, rc;

	if (rec->sl[0] >= 0)
		sl[1] = 1 + rec->sl[0];
	if (rec->sl[1] >= 0)
		sl[2] = 1 + (int)t->prec.strs->len + rec->sl[1];
	for (i = 0; i < 3; i++) {
		struct tl_dec *d;
		if (sl[i] < 0)
			continue;
		d = c >= 0 ? tally_at(t, round, sl[i], c) :
		    st_at(t, round, sl[i], st);
		if ((rc = tl_dec_add(t->ctx, *d, v, d)) != TELLER_OK)
			return rc;
		if (c >= 0 && (rc = tl_dec_add(t->ctx,
		    *st_at(t, round, sl[i], TL_ST_ACTIVE), v,
		    st_at(t, round, sl[i], TL_ST_ACTIVE))) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

/* opts->trace (teller_rctab_trace): rec's ballots now go to sel, or
 * became non-transferable with status st. */
static int
trace_event(struct tl_rtab *t, int round, const struct rrec *rec, int sel,
    int st)
{
	static const char *const why[TL_ST_N] = { NULL, "undervote",
		"exhausted choices", "overvote", "skipped rankings",
		"repeated", "final-round surplus" };
	const teller_rctab_trace *tr = t->opts->trace;
	char tv[TL_DEC_BUFSZ];

	if (tr->event == NULL)
		return TELLER_OK;
	tl_dec_str(tv, rec->ftv);
	if (tr->event(tr->ud, t->pass, round, (size_t)(rec - REC(t, 0)),
	    sel >= 0 ? t->names[sel] : NULL, sel >= 0 ? NULL : why[st],
	    tv) != 0)
		return tl_fail(t->ctx, TELLER_EINVAL, "trace: stopped in "
		    "round %d", round);
	return TELLER_OK;
}

/* recordSelectionForCastVoteRecord: transfer bookkeeping, then the new
 * recipient (sel >= 0) or status. */
static int
select_rec(struct tl_rtab *t, int round, struct rrec *rec, int sel, int st,
    struct tl_dec v)
{
	int rc, sl;

	if (tl_dec_sign(rec->ftv) > 0) {
		int src = rec->recip >= 0 ? rec->recip : TL_XFER_UNCOUNTED;
		int dst = sel >= 0 ? sel : TL_XFER_EXHAUSTED;
		if ((rc = xfer_add(t, round, 0, src, dst, v)) != TELLER_OK)
			return rc;
		for (sl = 0; sl < 2; sl++) {
			if (rec->sl[sl] < 0)
				continue;
			if ((rc = xfer_add(t, round, sl == 0 ? 1 + rec->sl[0]
			    : 1 + (int)t->prec.strs->len + rec->sl[1], src,
			    dst, v)) != TELLER_OK)
				return rc;
		}
	}
	rec->recip = sel;
	if (sel < 0)
		rec->status = st;
	if (t->opts->trace != NULL &&
	    (rc = trace_event(t, round, rec, sel, st)) != TELLER_OK)
		return rc;
	if (t->cdf) {
		/* logCdfSnapshotData: the recipient and its FTV */
		struct cdfev e = { -1, round, sel, rec->ftv };
		if (tl_vec_push(t->ctx, t->cdfev, &e) == NULL)
			return TELLER_ENOMEM;
		if (rec->evtail >= 0)
			TL_VEC_AT(t->cdfev, struct cdfev, rec->evtail).next =
			    (int32_t)t->cdfev->len - 1;
		else
			rec->evhead = (int32_t)t->cdfev->len - 1;
		rec->evtail = (int32_t)t->cdfev->len - 1;
	}
	if (st != TL_ST_ACTIVE)
		return add_slices(t, round, rec, -1, st, v);
	return add_slices(t, round, rec, sel, st, v);
}

/* computeTalliesForRound for one record (rctab.md 4.3). */
static int
assign(struct tl_rtab *t, int round, struct rrec *rec)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	const uint32_t *k = &TL_VEC_AT(t->cells, uint32_t, rec->off);
	const uint32_t *end = k + rec->len - 2;
	uint32_t *seen = t->seen;
	int nseen = 0, last = 0, rank, n, j, ncont;
	struct tl_dec v;
	int rc;

	if ((rc = tl_dec_mul_int(t->ctx, rec->ftv, rec->w, &v)) != TELLER_OK)
		return rc;
	if (rec->status != TL_ST_ACTIVE)
		return add_slices(t, round, rec, -1, rec->status, v);
	if (rec->recip >= 0 && continuing(t, rec->recip))
		return add_slices(t, round, rec, rec->recip, TL_ST_ACTIVE, v);
	if (rec->nranks == 0)
		return select_rec(t, round, rec, -1, TL_ST_UNDERVOTE, v);
	for (; k < end; k += 2 + n) {
		rank = (int)k[0];
		n = (int)k[1];
		/* a. final-round surplus */
		if (tl_rtab_uses_surplus(t) && t->nwon >= t->seats)
			return select_rec(t, round, rec, -1, TL_ST_FRS, v);
		/* b. skipped ranks */
		if (cfg->max_skip >= 0 && rank - last > cfg->max_skip + 1)
			return select_rec(t, round, rec, -1, TL_ST_SKIPPED, v);
		last = rank;
		/* c. duplicates, compared as raw strings */
		if (cfg->dup_exhaust) {
			for (j = 0; j < n; j++) {
				int a;
				for (a = 0; a < nseen; a++)
					if (seen[a] == k[2 + j])
						return select_rec(t, round, rec,
						    -1, TL_ST_REPEATED, v);
				seen[nseen++] = k[2 + j];
			}
		}
		/* d. overvote decision */
		{
			bool explicit_ov = false, skip = false, exhaust = false;
			for (j = 0; j < n; j++)
				if (TOK(t, k[2 + j])->ov)
					explicit_ov = true;
			if (explicit_ov) {
				if (n != 1)
					return tl_fail(t->ctx, TELLER_EPARSE,
					    "Found multiple candidates when "
					    "explicit overvote label was "
					    "provided!");
				if (cfg->overvote == TL_OV_EXHAUST)
					exhaust = true;
				else if (cfg->overvote == TL_OV_SKIP)
					skip = true;
				else
					return tl_fail(t->ctx, TELLER_ERULE,
					    "explicit overvote label with "
					    "overvoteRule "
					    "exhaustIfMultipleContinuing");
			} else if (n > 1) {
				if (cfg->overvote == TL_OV_EXHAUST) {
					exhaust = true;
				} else if (cfg->overvote == TL_OV_SKIP) {
					skip = true;
				} else {
					for (ncont = 0, j = 0; j < n; j++)
						if (raw_continuing(t, k[2 + j]))
							ncont++;
					exhaust = ncont >= 2;
				}
			}
			if (exhaust)
				return select_rec(t, round, rec, -1,
				    TL_ST_OVERVOTE, v);
			if (skip) {
				if (rank == rec->maxrank)
					return select_rec(t, round, rec, -1,
					    TL_ST_EXHAUSTED, v);
				continue;
			}
		}
		/* e. the first continuing candidate at this rank */
		for (j = 0; j < n; j++) {
			int c = TOK(t, k[2 + j])->cand;
			if (continuing(t, c))
				return select_rec(t, round, rec, c,
				    TL_ST_ACTIVE, v);
		}
		/* f. out of rankings */
		if (rank == rec->maxrank)
			return select_rec(t, round, rec, -1, TL_ST_EXHAUSTED,
			    v);
	}
	return TELLER_OK;
}

static int
new_round(struct tl_rtab *t, int round)
{
	struct tl_rround z, *r;
	size_t nt = (size_t)t->nslice * (size_t)t->ncand;
	int c;

	memset(&z, 0, sizeof z);
	z.tally = tl_alloc(t->ctx, nt, sizeof(struct tl_dec));
	z.present = tl_alloc(t->ctx, (size_t)t->ncand, 1);
	z.st = tl_alloc(t->ctx, (size_t)t->nslice * TL_ST_N,
	    sizeof(struct tl_dec));
	z.locked = tl_alloc(t->ctx, (size_t)t->nslice, sizeof(struct tl_dec));
	if (z.tally == NULL || z.present == NULL || z.st == NULL ||
	    z.locked == NULL || tl_vec_push(t->ctx, t->rounds, &z) == NULL)
		return TELLER_ENOMEM;
	r = ROUND(t, round);
	for (c = 0; c < t->ncand; c++)
		r->present[c] = continuing(t, c);
	return TELLER_OK;
}

/* numActiveBallots: the ACTIVE sum plus the final-round surplus. */
static int
active_sum(struct tl_rtab *t, int round, int slice, struct tl_dec *out)
{
	return tl_dec_add(t->ctx, *st_at(t, round, slice, TL_ST_ACTIVE),
	    *st_at(t, round, slice, TL_ST_FRS), out);
}

/* calculateAndSetWinningThreshold (rctab.md 4.4). */
static int
set_threshold(struct tl_rtab *t, int round)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	struct tl_rround *r = ROUND(t, round);
	struct tl_dec v, q, aug;
	int dec, rc;
	bool recompute;

	if (round == 1)
		recompute = true;
	else if (t->seats > 1 || cfg->first_round)
		recompute = false;
	else if (cfg->until_two && t->nwon > 0)
		recompute = false;
	else
		recompute = true;
	if (!recompute) {
		r->threshold = ROUND(t, round - 1)->threshold;
		return TELLER_OK;
	}
	if ((rc = active_sum(t, round, 0, &v)) != TELLER_OK)
		return rc;
	if (cfg->mode == TL_WM_BOTTOMS_PCT)
		return tl_dec_mul(t->ctx, v, cfg->pct, v.s + cfg->pct.s,
		    TL_ROUND_DOWN, &r->threshold);
	if (cfg->hare)
		return tl_dec_div(t->ctx, v, tl_dec_int(t->seats), 0,
		    TL_ROUND_UP, &r->threshold);
	dec = cfg->non_integer ? cfg->dp : 0;
	if ((rc = tl_dec_div(t->ctx, v, tl_dec_int(t->seats + 1), dec,
	    TL_ROUND_DOWN, &q)) != TELLER_OK)
		return rc;
	aug = tl_dec_make(1, dec);
	return tl_dec_add(t->ctx, q, aug, &r->threshold);
}

static int
cmp_name(const struct tl_rtab *t, int a, int b)
{
	return tl_java_cmp(t->names[a], t->names[b]);
}

/* Sort ids by String.compareTo of their names (insertion sort). */
void
tl_rtab_sort_by_name(const struct tl_rtab *t, int *ids, int n)
{
	int i, j, x;

	for (i = 1; i < n; i++) {
		x = ids[i];
		for (j = i; j > 0 && cmp_name(t, ids[j - 1], x) > 0; j--)
			ids[j] = ids[j - 1];
		ids[j] = x;
	}
}

/* Ask the --tiebreak answers for the tie among tied[0..n-1]. */
static int
ask(struct tl_rtab *t, int round, const int *tied, int n, bool winner,
    int *out)
{
	const struct tl_rctab_opts *o = t->opts;
	char list[512];
	size_t len = 0;
	int i, j;

	for (i = 0; i < o->nties; i++) {
		if (t->tie_used[i])
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(o->ties[i], t->names[tied[j]]) == 0) {
				t->tie_used[i] = true;
				*out = tied[j];
				return TELLER_OK;
			}
	}
	list[0] = '\0';
	for (j = 0; j < n && len < sizeof list - 8; j++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
		    j > 0 ? ", " : "", t->names[tied[j]]);
	{
		char vbuf[TL_DEC_BUFSZ];
		tl_dec_str(vbuf, *tally_at(t, round, 0, tied[0]));
		char pbuf[32] = "";
		if (t->pass > 0)
			snprintf(pbuf, sizeof pbuf, " of pass %d", t->pass);
		return tl_fail(t->ctx, TELLER_ETIE, "tie in round %d%s for "
		    "the %s among: %s (each has %s vote(s)); give the %s "
		    "with --tiebreak NAME", round, pbuf,
		    winner ? "winner" : "loser",
		    list, vbuf, winner ? "winner" : "candidate to eliminate");
	}
}

/* Tell opts->lot (if any) of the tie among tied[0..n) that rule
 * source settled with *out (audit.md 4.2 lots[]). */
static int
lot_report(struct tl_rtab *t, int round, const int *tied, int n,
    bool winner, int rc, const int *out, const char *source)
{
	static const char *const modes[] = { "random", "stopCountingAndAsk",
	    "previousRoundCountsThenRandom", "previousRoundCountsThenAsk",
	    "useCandidateOrder", "generatePermutation" };
	const struct tl_rctab_opts *o = t->opts;
	teller_rctab_lot l;
	int i;

	if (rc != TELLER_OK || o->lot == NULL)
		return rc;
	for (i = 0; i < n; i++)
		t->tkeys[i] = t->names[tied[i]];
	memset(&l, 0, sizeof l);
	l.pass = t->pass;
	l.round = round;
	l.winner = winner;
	l.tied = t->tkeys;
	l.ntied = n;
	l.chosen = t->names[*out];
	l.source = source;
	l.rule = t->cfg->tiebreak >= 0 && t->cfg->tiebreak <= TL_TB_PERM ?
	    modes[t->cfg->tiebreak] : "?";
	if (o->lot(o->lot_ud, &l) != 0)
		return tl_fail(t->ctx, TELLER_EINVAL, "lot: stopped in round "
		    "%d", round);
	return TELLER_OK;
}

/* Tiebreak.selectCandidate (rctab.md 5). tied is sorted in place. */
int
tl_rtab_tiebreak(struct tl_rtab *t, int round, int *tied, int n, bool winner,
    int *out)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	int *cont = t->scratch2, ncont, rr, i, j, best, pos;

	tl_rtab_sort_by_name(t, tied, n);
	switch (cfg->tiebreak) {
	case TL_TB_RANDOM:
		*out = tied[tl_jrand_index(&t->rng, n)];
		return lot_report(t, round, tied, n, winner, TELLER_OK, out,
		    "seed");
	case TL_TB_ASK:
		return lot_report(t, round, tied, n, winner,
		    ask(t, round, tied, n, winner, out), out, "manual");
	case TL_TB_ORDER:
	case TL_TB_PERM:
		best = -1;
		pos = -1;
		for (i = 0; i < t->nperm; i++)
			for (j = 0; j < n; j++)
				if (t->perm[i] == tied[j] &&
				    (best < 0 || !winner)) {
					best = tied[j];
					pos = i;
				}
		if (best < 0)
			return tl_fail(t->ctx, TELLER_ERULE, "tie-break: no "
			    "tied candidate is in the permutation");
		(void)pos;
		*out = best;
		return lot_report(t, round, tied, n, winner, TELLER_OK, out,
		    "config");
	default:
		break;
	}
	/* previous round counts, then random / ask (rctab.md 5.1) */
	memcpy(cont, tied, (size_t)n * sizeof(int));
	ncont = n;
	for (rr = round - 1; rr >= 1 && ncont > 1; rr--) {
		const char **keys = t->tkeys;
		int *order = t->tord, *grp = t->tgrp, ng = 0, m = ncont;
		struct tl_dec bestv = tl_dec_int(0);
		for (i = 0; i < m; i++)
			keys[i] = t->names[cont[i]];
		tl_java_order(keys, m, tl_java_cap_copy(m), order,
		    t->scratch);
		for (i = 0; i < m; i++) {
			int c = cont[order[i]], d;
			struct tl_dec v = *tally_at(t, rr, 0, c);
			d = ng == 0 ? 0 : tl_dec_cmp(v, bestv);
			if (ng == 0 || (winner ? d > 0 : d < 0)) {
				ng = 0;
				bestv = v;
			} else if (d != 0) {
				continue;
			}
			grp[ng++] = c;
		}
		memcpy(cont, grp, (size_t)ng * sizeof(int));
		ncont = ng;
	}
	if (ncont == 1) {
		*out = cont[0];
		return TELLER_OK;
	}
	if (cfg->tiebreak == TL_TB_PREV_RANDOM) {
		*out = cont[tl_jrand_index(&t->rng, ncont)];
		return lot_report(t, round, cont, ncont, winner, TELLER_OK,
		    out, "seed");
	}
	return lot_report(t, round, cont, ncont, winner,
	    ask(t, round, cont, ncont, winner, out), out, "manual");
}

/* The present candidates of a round whose tally compares to v as
 * wanted (0 equal), into out; returns the count. */
static int
with_tally(struct tl_rtab *t, int round, struct tl_dec v, int *out)
{
	struct tl_rround *r = ROUND(t, round);
	int c, n = 0;

	for (c = 0; c < t->ncand; c++)
		if (r->present[c] && tl_dec_cmp(r->tally[c], v) == 0)
			out[n++] = c;
	return n;
}

static int
present_count(struct tl_rtab *t, int round)
{
	int c, n = 0;

	for (c = 0; c < t->ncand; c++)
		n += ROUND(t, round)->present[c];
	return n;
}

/* Highest (or lowest) present tally of a round. */
static struct tl_dec
extreme(struct tl_rtab *t, int round, bool high)
{
	struct tl_rround *r = ROUND(t, round);
	struct tl_dec b = tl_dec_int(0);
	bool any = false;
	int c;

	for (c = 0; c < t->ncand; c++) {
		if (!r->present[c])
			continue;
		if (!any || (high ? tl_dec_cmp(r->tally[c], b) > 0 :
		    tl_dec_cmp(r->tally[c], b) < 0))
			b = r->tally[c];
		any = true;
	}
	return b;
}

/* identifyWinners (rctab.md 4.5); fills win[], returns count or <0. */
static int
identify_winners(struct tl_rtab *t, int round, int *win, bool *tie)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	struct tl_rround *r = ROUND(t, round);
	int c, n = 0, unfilled = t->seats - t->nwon, nact, rc;

	*tie = false;
	if (t->uwi >= 0 && r->present[t->uwi] &&
	    tl_dec_sign(r->tally[t->uwi]) != 0)
		return 0;
	nact = present_count(t, round);
	if (cfg->mode == TL_WM_BOTTOMS_PCT) {
		for (c = 0; c < t->ncand; c++)
			if (r->present[c] && tl_dec_cmp(r->tally[c],
			    r->threshold) <= 0)
				return 0;
		for (c = 0; c < t->ncand; c++)
			if (r->present[c])
				win[n++] = c;
		return n;
	}
	if (unfilled > 0) {
		if (nact <= unfilled) {
			for (c = 0; c < t->ncand; c++)
				if (r->present[c])
					win[n++] = c;
		} else if (cfg->first_round && nact - 1 == t->seats) {
			n = with_tally(t, round, extreme(t, round, true), win);
		} else if (cfg->mode != TL_WM_BOTTOMS_UP) {
			for (c = 0; c < t->ncand; c++)
				if (r->present[c] && c != t->uwi &&
				    tl_dec_cmp(r->tally[c], r->threshold) >= 0)
					win[n++] = c;
		}
	}
	if ((n > 1 && (cfg->mode == TL_WM_MULTI_ONE || cfg->first_round)) ||
	    (t->seats == 1 && n == 0 && nact == 2 && unfilled == 1)) {
		n = with_tally(t, round, extreme(t, round, true), win);
		if (n > 1) {
			if ((rc = tl_rtab_tiebreak(t, round, win, n, true,
			    &c)) != TELLER_OK)
				return -1;
			win[0] = c;
			n = 1;
			*tie = true;
		}
	}
	return n;
}

/* runBatchElimination (rctab.md 4.6.3). */
static int
batch_eliminate(struct tl_rtab *t, int round, int *out)
{
	struct tl_rround *r = ROUND(t, round);
	int *seen = t->scratch2, nseen = 0, nel = 0, prev = 0, c, i, rc;
	int ncand_pass = 0;
	struct tl_dec run = tl_dec_int(0), cur, add;
	bool have = false;

	for (c = 0; c < t->ncand; c++)
		ncand_pass += !t->excluded[c];
	for (;;) {
		/* next distinct tally above the last one */
		bool found = false;
		int cnt = 0, before = nel;
		for (c = 0; c < t->ncand; c++) {
			if (!r->present[c] || (have &&
			    tl_dec_cmp(r->tally[c], cur) <= 0))
				continue;
			if (!found || tl_dec_cmp(r->tally[c], add) < 0)
				add = r->tally[c];
			found = true;
		}
		if (!found)
			break;
		cur = add;
		have = true;
		if (tl_dec_cmp(run, cur) < 0) {
			for (i = nel; i < nseen; i++)
				out[nel++] = seen[i];
		}
		for (c = 0; c < t->ncand; c++)
			if (r->present[c] && tl_dec_cmp(r->tally[c], cur) == 0)
			{
				seen[nseen++] = c;
				cnt++;
			}
		if ((rc = tl_dec_mul(t->ctx, cur, tl_dec_int(cnt), t->cfg->dp,
		    TL_ROUND_DOWN, &add)) != TELLER_OK ||
		    (rc = tl_dec_add(t->ctx, run, add, &run)) != TELLER_OK)
			return -1;
		if (nel > before)
			prev = before;
	}
	if (t->cfg->until_two && nel + t->nelim == ncand_pass - 1)
		nel = prev;
	return nel;
}

/* Elimination (rctab.md 4.6); returns the count, or <0 on error. */
static int
eliminate(struct tl_rtab *t, int round, int *out, bool *tie)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	struct tl_rround *r = ROUND(t, round);
	int c, n = 0, rc;

	*tie = false;
	if (t->uwi >= 0 && r->present[t->uwi] &&
	    tl_dec_sign(r->tally[t->uwi]) > 0) {
		out[0] = t->uwi;
		return 1;
	}
	if (cfg->cutoff && cfg->mode == TL_WM_BOTTOMS_PCT) {
		for (c = 0; c < t->ncand; c++)
			if (r->present[c] && tl_dec_cmp(r->tally[c],
			    r->threshold) < 0)
				out[n++] = c;
		if (n > 0)
			return n;
	}
	if (cfg->batch) {
		n = batch_eliminate(t, round, out);
		if (n < 0)
			return -1;
		if (n >= 2)
			return n;
	}
	n = with_tally(t, round, extreme(t, round, false), out);
	if (n > 1) {
		if ((rc = tl_rtab_tiebreak(t, round, out, n, false,
		    &c)) != TELLER_OK)
			return -1;
		out[0] = c;
		*tie = true;
	}
	return n > 0 ? 1 : 0;
}

/* recordCurrentRecipientAsWinner for every ballot of W (rctab.md 4.7). */
static int
transfer_surplus(struct tl_rtab *t, int round, int w)
{
	struct tl_rround *r = ROUND(t, round);
	struct tl_dec extra, f = tl_dec_int(0), tv, keptv;
	struct kept z;
	size_t i;
	int rc;

	if ((rc = tl_dec_sub(t->ctx, r->tally[w], r->threshold, &extra)) !=
	    TELLER_OK)
		return rc;
	if (tl_dec_sign(extra) > 0 && (rc = tl_dec_div(t->ctx, extra,
	    r->tally[w], t->cfg->dp, TL_ROUND_DOWN, &f)) != TELLER_OK)
		return rc;
	for (i = 0; i < t->recs->len; i++) {
		struct rrec *rec = REC(t, i);
		if (rec->recip != w || rec->status != TL_ST_ACTIVE)
			continue;
		if ((rc = tl_dec_mul(t->ctx, rec->ftv, f, t->cfg->dp,
		    TL_ROUND_DOWN, &tv)) != TELLER_OK ||
		    (rc = tl_dec_sub(t->ctx, rec->ftv, tv, &keptv)) !=
		    TELLER_OK)
			return rc;
		z.next = rec->kept;
		z.cand = w;
		z.round = round;
		z.v = keptv;
		if (tl_vec_push(t->ctx, t->kepts, &z) == NULL)
			return TELLER_ENOMEM;
		rec->kept = (int32_t)t->kepts->len - 1;
		/* FTV = 1 - sum(kept) = old FTV - kept, exactly */
		if ((rc = tl_dec_sub(t->ctx, rec->ftv, keptv, &rec->ftv)) !=
		    TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

/* updateWinnerTallies (rctab.md 4.7), seats > 1. */
static int
update_winner_tallies(struct tl_rtab *t, int round)
{
	struct tl_rround *r = ROUND(t, round), *p;
	int c, s, rc;
	size_t i;
	bool any = false;

	if (round == 1)
		return TELLER_OK;
	p = ROUND(t, round - 1);
	for (c = 0; c < t->ncand; c++) {
		if (t->won[c] == 0 || t->won[c] == round)
			continue;
		r->present[c] = 1;
		for (s = 0; s < t->nslice; s++)
			*tally_at(t, round, s, c) = t->won[c] == round - 1 ?
			    tl_dec_int(0) : *tally_at(t, round - 1, s, c);
		any = any || t->won[c] == round - 1;
	}
	(void)p;
	if (any) {
		for (i = 0; i < t->recs->len; i++) {
			struct rrec *rec = REC(t, i);
			int32_t k;
			for (k = rec->kept; k >= 0;
			    k = TL_VEC_AT(t->kepts, struct kept, k).next) {
				struct kept *kp = &TL_VEC_AT(t->kepts,
				    struct kept, k);
				struct tl_dec v;
				int sl[3] = { 0, -1, -1 }, j;
				if (t->won[kp->cand] != round - 1)
					continue;
				if ((rc = tl_dec_mul_int(t->ctx, kp->v, rec->w,
				    &v)) != TELLER_OK)
					return rc;
				if (rec->sl[0] >= 0)
					sl[1] = 1 + rec->sl[0];
				if (rec->sl[1] >= 0)
					sl[2] = 1 + (int)t->prec.strs->len +
					    rec->sl[1];
				for (j = 0; j < 3; j++) {
					struct tl_dec *d;
					if (sl[j] < 0)
						continue;
					d = tally_at(t, round, sl[j], kp->cand);
					if ((rc = tl_dec_add(t->ctx, *d, v, d))
					    != TELLER_OK)
						return rc;
				}
			}
		}
		for (c = 0; c < t->ncand; c++) {
			struct tl_dec res;
			if (t->won[c] != round - 1)
				continue;
			if ((rc = tl_dec_sub(t->ctx, r->tally[c],
			    r->threshold, &res)) != TELLER_OK)
				return rc;
			if (tl_dec_sign(res) > 0) {
				if ((rc = tl_dec_add(t->ctx, r->residual, res,
				    &r->residual)) != TELLER_OK ||
				    (rc = xfer_add(t, round, 0, c,
				    TL_XFER_RESIDUAL, res)) != TELLER_OK)
					return rc;
				r->tally[c] = r->threshold;
			}
		}
	}
	for (s = 0; s < t->nslice; s++) {
		struct tl_dec *l = &r->locked[s];
		*l = tl_dec_int(0);
		for (c = 0; c < t->ncand; c++)
			if (t->won[c] != 0 && t->won[c] != round &&
			    (rc = tl_dec_add(t->ctx, *l, *tally_at(t, round,
			    s, c), l)) != TELLER_OK)
				return rc;
	}
	return TELLER_OK;
}

/* shouldContinueTabulating (rctab.md 4.2), before round t->nround+1. */
static bool
should_continue(struct tl_rtab *t)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	int ncand = 0, c;
	bool elim_last = false, won_last = false;

	for (c = 0; c < t->ncand; c++) {
		ncand += !t->excluded[c];
		if (t->nround > 0 && t->elim[c] == t->nround)
			elim_last = true;
		if (t->nround > 0 && t->won[c] == t->nround)
			won_last = true;
	}
	if (cfg->stop_after > 0 && t->nround >= cfg->stop_after)
		return false;
	if (t->nwon == t->ndecl && t->seats > ncand)
		return false;
	if (cfg->until_two)
		return t->nelim + t->nwon + 1 < ncand || elim_last;
	if (cfg->mode == TL_WM_BOTTOMS_PCT)
		return t->nwon == 0;
	return t->nwon < t->seats || (tl_rtab_uses_surplus(t) && won_last);
}

int
tl_rtab_tabulate(struct tl_rtab *t)
{
	int *ids = t->scratch2 + t->ncand, n, i, rc, round, c;
	bool tie;
	size_t j;

	while (should_continue(t)) {
		round = ++t->nround;
		if (round >= 65535)
			return tl_fail(t->ctx, TELLER_ELIMIT,
			    "too many rounds");
		if ((rc = new_round(t, round)) != TELLER_OK)
			return rc;
		for (j = 0; j < t->recs->len; j++)
			if ((rc = assign(t, round, REC(t, j))) != TELLER_OK)
				return rc;
		ROUND(t, round)->residual = round == 1 ? tl_dec_int(0) :
		    ROUND(t, round - 1)->residual;
		if ((rc = set_threshold(t, round)) != TELLER_OK)
			return rc;
		n = identify_winners(t, round, ids, &tie);
		if (n < 0)
			return t->ctx->err;
		if (n > 0) {
			for (i = 0; i < n; i++) {
				t->won[ids[i]] = round;
				t->won_tie[ids[i]] = tie;
				t->nwon++;
			}
			if (tl_rtab_uses_surplus(t))
				for (i = 0; i < n; i++)
					if ((rc = transfer_surplus(t, round,
					    ids[i])) != TELLER_OK)
						return rc;
		} else {
			int ncand = 0;
			for (c = 0; c < t->ncand; c++)
				ncand += !t->excluded[c];
			if (t->nwon < t->seats || (t->cfg->until_two &&
			    t->nelim < ncand - 2) ||
			    t->cfg->mode == TL_WM_BOTTOMS_PCT) {
				n = eliminate(t, round, ids, &tie);
				if (n < 0)
					return t->ctx->err;
				if (n == 0)
					return tl_fail(t->ctx, TELLER_ERULE,
					    "Failed to eliminate any "
					    "candidates!");
				for (i = 0; i < n; i++) {
					t->elim[ids[i]] = round;
					t->elim_tie[ids[i]] = tie;
					t->nelim++;
				}
			}
		}
		if (t->seats > 1 &&
		    (rc = update_winner_tallies(t, round)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}
