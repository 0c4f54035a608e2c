/* SPDX-License-Identifier: MIT */
/*
 * m_sv.c -- the statutory UK Supplementary Vote, as it stood 2000-2022
 * (LGA 2000 Sch.2; GLAA 1999 Sch.2 Part I; MER 2007 Sch.1 rr.48, 51, 52).
 * Only ranks 1 and 2 of a pattern exist: the first- and second-choice
 * columns. Papers are classified in uk_paper.c (tl_uk_sv_paper).
 */
#include <string.h>

#include "uk_paper.h"
#include "cert.h"

/* Whose rules an SV count's statements cite (--regime): the title, the
 * heads of rejection (NULL: MER 2007's own, head by head), teller's
 * unmarked/void split and second-column statistics (cited only where a
 * regime asks for them: PCC, London), and the second count's rule. */
static const struct regime {
	const char *name, *title, *heads, *split, *seconds, *r52;
} regimes[] = {
	{ "borough-mayor", "mayor of a local authority (MER 2007 Sch.1; the "
	  "default, --regime to choose)", NULL, "", "",
	  "MER 2007 Sch.1 r.52; LGA 2000 Sch.2 para 3(5)" },
	{ "london", "Mayor of London (GLA Rules 2007 Sch.3)",
	  "GLA Rules 2007 Sch.3 r.57(2)", "GLA Rules 2007 Sch.3 r.57(2)",
	  "GLA Rules 2007 Sch.3 r.57(2)(e)", "GLAA 1999 Sch.2 paras 3-4" },
	{ "pcc", "police and crime commissioner (PCC Order 2012 Sch.3)",
	  "PCC Order 2012 Sch.3 r.53", "PCC Order 2012 Sch.3 r.53", "",
	  "PRSRA 2011 Sch.9" },
	{ "ca-mayor", "combined-authority mayor (CA Order 2017)",
	  "CA Order 2017 (the heads of MER 2007 Sch.1 r.48(5))", "", "",
	  "CA Order 2017 r.55" },
};

int
tl_sv_regime(teller_ctx *ctx, struct teller_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(regimes) / sizeof(regimes[0]); i++)
		if (strcmp(regimes[i].name, name != NULL ? name :
		    "borough-mayor") == 0) {
			r->regime = (int)i;
			r->regime_title = regimes[i].title;
			return TELLER_OK;
		}
	return tl_fail(ctx, TELLER_EINVAL, "unknown regime '%s' "
	    "(borough-mayor, london, pcc, ca-mayor)", name);
}

/* Elect the candidate with most votes among cand[i] with in[i] set; an
 * equality by lot among the tied in input order (para 3(8); r.51(5)). A
 * lot needed and not given is recorded unsettled (TELLER_ETIE). The
 * certificate, if any, cites plain or, for a lot, bylot. */
static int
elect_most(teller_ctx *ctx, struct teller_result *r, const tl_fix *votes,
    const bool *in, int ncand, struct tl_lots *lots, int *tied,
    const char *plain, const char *bylot)
{
	tl_fix best = -1;
	int i, n = 0, who, d, rc;
	enum tl_tie_how how;
	uint64_t draw;

	for (i = 0; i < ncand; i++)
		if (in[i] && votes[i] > best)
			best = votes[i];
	for (i = 0; i < ncand; i++)
		if (in[i] && votes[i] == best)
			tied[n++] = i;
	if (n == 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "sv: no candidate left");
	if (n == 1)
		return ctx->cert != NULL && (rc = tl_cert_elect(ctx->cert,
		    tied[0], plain)) != TELLER_OK ? rc :
		    tl_result_elect(ctx, r, tied[0]);
	/* each equality draws afresh from the seed */
	tl_tie_seed(&lots->rng, lots->rules->seed);
	rc = tl_lots_draw(ctx, lots, (int)r->stages->len, TL_TIEK_ELECT,
	    false, tied, n, &d, &draw, &how);
	if (rc == TELLER_ETIE && tl_result_pending(ctx, r, TL_TIEK_ELECT,
	    tied, n) != TELLER_OK)
		return TELLER_ENOMEM;
	if (rc != TELLER_OK)
		return rc;
	who = tied[d];
	if (tl_result_tie(ctx, r, TL_TIEK_ELECT, how, tied, n, who,
	    draw) != TELLER_OK)
		return TELLER_ENOMEM;
	if (ctx->cert != NULL && (rc = tl_cert_elect_tie(ctx->cert, who,
	    bylot, tied, n, true)) != TELLER_OK)
		return rc;
	return tl_result_elect(ctx, r, who);
}

/*
 * The second column of every valid paper, as the Greater London returning
 * officer declares it after an e-count (GLA Rules 2007 Sch.3 r.57(2)(e);
 * London 2021: good 2,203,377 of which same as first 265,343, unmarked
 * 319,978, rejected 965 + 7,037). A manual count examines only the
 * eliminated candidates' papers; these figures are then for information.
 */
int
tl_sv_all_seconds(teller_ctx *ctx, struct teller_result *r,
    const tl_fix *col2)
{
	const char *cite = regimes[r->regime].seconds;
	tl_fix good;

	if (tl_num_add(ctx, col2[TL_UK_VALID], col2[TL_UK_SAME], &good))
		return TELLER_EOVERFLOW;
	if (tl_result_tally(ctx, r, false, "all valid papers: second "
	    "preference good", cite, good) ||
	    tl_result_tally(ctx, r, false, "all valid papers: second "
	    "preference good, of which same as first", cite,
	    col2[TL_UK_SAME]) ||
	    tl_result_tally(ctx, r, false, "all valid papers: second "
	    "preference unmarked", cite, col2[TL_UK_UNMARKED]) ||
	    tl_result_tally(ctx, r, false, "all valid papers: second "
	    "preference rejected, void for uncertainty", cite,
	    col2[TL_UK_UNCERTAIN]) ||
	    tl_result_tally(ctx, r, false, "all valid papers: second "
	    "preference rejected, voting for too many", cite,
	    col2[TL_UK_TOO_MANY]))
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* Add w to *a, checked. */
static int
addw(teller_ctx *ctx, tl_fix *a, tl_fix w)
{
	return tl_num_add(ctx, *a, w, a);
}

int
tl_sv_init(teller_ctx *ctx, struct tl_sv *s, const struct teller_contest *c,
    int dp)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->c = c;
	s->first = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	s->fin = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	s->remain = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
	s->standing = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
	s->tied = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	s->r = tl_result_new(ctx, c, "sv", 1, dp);
	if (s->first == NULL || s->fin == NULL || s->remain == NULL ||
	    s->standing == NULL || s->tied == NULL || s->r == NULL)
		return TELLER_ENOMEM;
	if (tl_sv_regime(ctx, s->r, NULL) != TELLER_OK)
		return ctx->err;
	for (i = 0; i < c->ncand; i++)
		if ((s->standing[i] = tl_uk_standing(c, i)))
			s->nstand++;
	if (s->nstand == 0)
		return tl_fail(ctx, TELLER_ERULE, "sv: no candidate standing");
	return TELLER_OK;
}

/* The cite of a head of rejection: the regime's, or MER 2007's own. */
static const char *
head_cite(const struct regime *g, const char *mer)
{
	return g->heads != NULL ? g->heads : mer;
}

/* The rejected papers of the first count: r.48(5) heads (want of
 * official mark and identifying mark when given); PCC Order 2012 Sch.3
 * r.53 and the GLRO print unmarked and uncertain apart (notes). */
static int
first_rejected(struct tl_sv *s, const struct tl_uk_rejected *rj)
{
	teller_ctx *ctx = s->ctx;
	struct teller_result *r = s->r;
	const struct regime *g = &regimes[r->regime];
	const char *pcc = g->split;
	tl_fix voidall;

	if (tl_num_add(ctx, rj->n[TL_UK_UNMARKED], rj->n[TL_UK_UNCERTAIN],
	    &voidall))
		return TELLER_EOVERFLOW;
	if (((rj->given & (1u << TL_UK_NO_OFFICIAL)) &&
	    tl_result_tally(ctx, r, true, "want of official mark",
	    head_cite(g, "MER 2007 Sch.1 r.48(1)(a), (5)(a)"),
	    rj->n[TL_UK_NO_OFFICIAL])) ||
	    tl_result_tally(ctx, r, true, "voting for more than one "
	    "candidate as to the first preference vote",
	    head_cite(g, "MER 2007 Sch.1 r.48(1)(b), (5)(b)"),
	    rj->n[TL_UK_TOO_MANY]) ||
	    ((rj->given & (1u << TL_UK_IDENTIFYING)) &&
	    tl_result_tally(ctx, r, true, "writing or mark by which the "
	    "voter could be identified",
	    head_cite(g, "MER 2007 Sch.1 r.48(1)(c), (5)(c)"),
	    rj->n[TL_UK_IDENTIFYING])) ||
	    tl_result_tally(ctx, r, true, "unmarked or void for "
	    "uncertainty as to the first preference vote",
	    head_cite(g, "MER 2007 Sch.1 r.48(1)(d), (5)(d)"), voidall) ||
	    tl_result_tally(ctx, r, false, "rejected first "
	    "preference, of which unmarked", pcc, rj->n[TL_UK_UNMARKED]) ||
	    tl_result_tally(ctx, r, false, "rejected first "
	    "preference, of which void for uncertainty", pcc,
	    rj->n[TL_UK_UNCERTAIN]))
		return TELLER_ENOMEM;
	return TELLER_OK;
}

int
tl_sv_first_stage(struct tl_sv *s, const struct tl_uk_rejected *rj)
{
	int i, rc;

	s->r->valid = 0;
	for (i = 0; i < s->c->ncand; i++)
		if (addw(s->ctx, &s->r->valid, s->first[i]) != TELLER_OK)
			return TELLER_EOVERFLOW;
	if (tl_result_stage(s->ctx, s->r, TL_STAGE_FIRST, -1, s->first, 0,
	    0) == NULL)
		return TELLER_ENOMEM;
	if ((rc = first_rejected(s, rj)) != TELLER_OK)
		return rc;
	return tl_result_check(s->ctx, s->r);
}

/* para 3(2)-(3): the top two remain, and all tied with them. */
static void
pick_remaining(struct tl_sv *s)
{
	tl_fix top = -1, second = -1;
	int ntop = 0, i;

	for (i = 0; i < s->c->ncand; i++)
		if (s->standing[i] && s->first[i] > top)
			top = s->first[i];
	for (i = 0; i < s->c->ncand; i++) {
		if (!s->standing[i])
			continue;
		if (s->first[i] == top)
			ntop++;
		else if (s->first[i] > second)
			second = s->first[i];
	}
	for (i = 0; i < s->c->ncand; i++)
		s->remain[i] = s->standing[i] && (s->first[i] == top ||
		    (ntop == 1 && s->first[i] == second));
}

int
tl_sv_decide(struct tl_sv *s, bool *done)
{
	teller_ctx *ctx = s->ctx;
	int i, rc;

	*done = true;
	if (s->nstand <= 2) {
		/* r.51(4)-(5): two candidates, a simple majority */
		TL_STAGE(s->r, 0)->note = "MER 2007 Sch.1 r.51(4)-(5)";
		return elect_most(ctx, s->r, s->first, s->standing,
		    s->c->ncand, &s->lots, s->tied, "r.51(4)", "r.51(5)");
	}
	TL_STAGE(s->r, 0)->note = "LGA 2000 Sch.2 para 2";
	for (i = 0; i < s->c->ncand; i++) {
		tl_fix others;

		if (tl_num_sub(ctx, s->r->valid, s->first[i], &others))
			return TELLER_EOVERFLOW;
		/* para 2: more than half of the first preferences */
		if (s->standing[i] && s->first[i] > others) {
			if (ctx->cert != NULL && (rc = tl_cert_elect(ctx->cert,
			    i, "para 2")) != TELLER_OK)
				return rc;
			return tl_result_elect(ctx, s->r, i);
		}
	}
	pick_remaining(s);
	s->r->remain = s->remain;
	*done = false;
	return TELLER_OK;
}

/* The papers stage 2 does not transfer, by why (r.52). */
static int
not_transferred(struct tl_sv *s, const tl_fix *fate)
{
	teller_ctx *ctx = s->ctx;
	struct teller_result *r = s->r;
	const char *r52 = regimes[r->regime].r52;

	if (tl_result_tally(ctx, r, false, "not transferred: second "
	    "preference unmarked", r52, fate[TL_SVX_UNMARKED]) ||
	    tl_result_tally(ctx, r, false, "not transferred: second "
	    "preference same as first", r52, fate[TL_SVX_SAME]) ||
	    tl_result_tally(ctx, r, false, "not transferred: second "
	    "preference for an eliminated candidate", r52,
	    fate[TL_SVX_ELIMINATED]) ||
	    tl_result_tally(ctx, r, false, "not transferred: "
	    "rejected on second preference, voting for too many", r52,
	    fate[TL_SVX_TOO_MANY]) ||
	    tl_result_tally(ctx, r, false, "not transferred: "
	    "rejected on second preference, void for uncertainty", r52,
	    fate[TL_SVX_UNCERTAIN]))
		return TELLER_ENOMEM;
	return TELLER_OK;
}

int
tl_sv_second_stage(struct tl_sv *s, const tl_fix *fate)
{
	struct tl_stage *st;
	tl_fix nt = 0;
	int i, rc, nex = 0, ex = -1;

	for (i = TL_SVX_UNMARKED; i <= TL_SVX_UNCERTAIN; i++)
		if (addw(s->ctx, &nt, fate[i]) != TELLER_OK)
			return TELLER_EOVERFLOW;
	for (i = 0; i < s->c->ncand; i++)
		if (s->standing[i] && !s->remain[i]) {
			nex++;
			ex = i;
		}
	st = tl_result_stage(s->ctx, s->r, TL_STAGE_SECOND,
	    nex == 1 ? ex : -1, s->fin, nt, 0);
	if (st == NULL)
		return TELLER_ENOMEM;
	st->note = "LGA 2000 Sch.2 para 3";
	/* para 3(4): the others are eliminated, their papers examined at
	 * this stage */
	for (i = 0; i < s->c->ncand; i++)
		if (s->standing[i] && !s->remain[i] &&
		    (rc = tl_result_exclude(s->ctx, s->r, i)) != TELLER_OK)
			return rc;
	if (tl_result_nt_why(s->ctx, s->r, "second preference unmarked",
	    fate[TL_SVX_UNMARKED]) ||
	    tl_result_nt_why(s->ctx, s->r, "second preference same as first",
	    fate[TL_SVX_SAME]) ||
	    tl_result_nt_why(s->ctx, s->r, "second preference for an "
	    "eliminated candidate", fate[TL_SVX_ELIMINATED]) ||
	    tl_result_nt_why(s->ctx, s->r, "second preference voting for "
	    "too many", fate[TL_SVX_TOO_MANY]) ||
	    tl_result_nt_why(s->ctx, s->r, "second preference void for "
	    "uncertainty", fate[TL_SVX_UNCERTAIN]))
		return TELLER_ENOMEM;
	return not_transferred(s, fate);
}

int
tl_sv_elect(struct tl_sv *s)
{
	int rc;

	if ((rc = tl_result_check(s->ctx, s->r)) != TELLER_OK)
		return rc;
	/* para 3(7)-(8): the most votes wins; an equality by lot */
	return elect_most(s->ctx, s->r, s->fin, s->remain, s->c->ncand,
	    &s->lots, s->tied, "para 3(7)", "para 3(8)");
}

/* A profile's SV count: the shared state and the papers. */
struct svp {
	struct tl_sv s;
	const struct teller_profile *p;
	struct tl_uk_seen seen;
	tl_fix col2[TL_UK_SAME + 1]; /* valid papers by their second column */
	struct tl_cert *cert;        /* the certificate, or NULL (audit.md 5) */
	int64_t unit;                /* one paper: 10^wdp */
};

/* The cross-table cell of a valid paper (GLA Rules 2007 Sch.3
 * r.53(1)(c)(iii)): first x second, the diagonal for a second the same
 * as the first, column ncand for no good second preference. */
static tl_fix *
cross_at(struct svp *v, const struct tl_uk_sv_paper *pp)
{
	int n = v->s.c->ncand, col = n;

	if (pp->second_head == TL_UK_VALID && pp->second >= 0)
		col = pp->second;
	else if (pp->second_head == TL_UK_SAME)
		col = pp->first;
	return &v->s.r->crosstab[(size_t)pp->first * ((size_t)n + 1) +
	    (size_t)col];
}

/* Stage 1, the first count (r.48): valid first preferences, and the
 * second column of each valid paper (for tl_sv_all_seconds). */
static int
first_count(struct svp *v)
{
	struct tl_sv *s = &v->s;
	struct tl_uk_rejected rj;
	struct tl_uk_sv_paper pp;
	size_t pi;
	int rc;

	memset(&rj, 0, sizeof(rj));
	memset(v->col2, 0, sizeof(v->col2));
	s->r->crosstab = tl_alloc(s->ctx, (size_t)s->c->ncand *
	    ((size_t)s->c->ncand + 1) + 1, sizeof(tl_fix));
	if (s->r->crosstab == NULL)
		return TELLER_ENOMEM;
	for (pi = 0; pi < v->p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(v->p, pi);

		if ((rc = tl_uk_sv_paper(s->ctx, s->c, v->p, pat, 0, &v->seen,
		    &pp)) != 0)
			return rc;
		if (pp.first_head == TL_UK_VALID) {
			rc = addw(s->ctx, &s->first[pp.first], pat->w);
			if (rc == TELLER_OK)
				rc = addw(s->ctx, &v->col2[pp.second_head],
				    pat->w);
			if (rc == TELLER_OK)
				rc = addw(s->ctx, cross_at(v, &pp), pat->w);
		} else {
			/* r.48(1)(a)-(c) cannot arise from a profile */
			rc = addw(s->ctx, &rj.n[pp.first_head == TL_UK_TOO_MANY
			    || pp.first_head == TL_UK_UNMARKED ?
			    pp.first_head : TL_UK_UNCERTAIN], pat->w);
		}
		if (rc != TELLER_OK)
			return rc;
	}
	return tl_sv_first_stage(s, &rj);
}

/* Stage 2's transfers from the cross-table: each eliminated candidate's
 * papers to the remaining ones; the rest were not transferred. */
static int
cross_transfers(struct svp *v)
{
	struct tl_sv *s = &v->s;
	size_t n = (size_t)s->c->ncand;
	tl_fix moved;
	size_t f, x;
	int rc;

	for (f = 0; f < n; f++) {
		if (!s->standing[f] || s->remain[f])
			continue;
		moved = 0;
		for (x = 0; x < n; x++) {
			tl_fix c = s->r->crosstab[f * (n + 1) + x];
			if (!s->remain[x])
				continue;
			if ((rc = tl_result_transfer(s->ctx, s->r, (int)f,
			    (int)x, c)) != TELLER_OK ||
			    (rc = addw(s->ctx, &moved, c)) != TELLER_OK)
				return rc;
		}
		if ((rc = tl_result_transfer(s->ctx, s->r, (int)f,
		    TL_TO_NONTRANS, s->first[f] - moved)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

/* The certificate's move of pattern pi, paper pp, of fate f at stage 2:
 * to the second preference, or not transferred; the reasons are what the
 * effective profile shows (no second preference there, or one for an
 * eliminated candidate). */
static int
cert_move(struct svp *v, size_t pi, const struct tl_uk_sv_paper *pp,
    enum tl_uk_sv_fate f)
{
	const struct tl_pat *pat = TL_PAT(v->p, pi);

	if (v->cert == NULL)
		return TELLER_OK;
	return tl_cert_move(v->cert, pi, pp->first, f == TL_SVX_TRANSFER ?
	    pp->second : -1, pat->w / v->unit, v->unit,
	    f == TL_SVX_ELIMINATED ? "second preference for an eliminated "
	    "candidate" : "no second preference");
}

/* The certificate's stage 2: the remaining set (para 3(2), or 3(3) with
 * the candidates tied for second, or for first), the totals after it. */
static int
cert_second(struct svp *v, const tl_fix *fate)
{
	struct tl_sv *s = &v->s;
	struct tl_cert_why w;
	tl_fix nt = 0, top = -1;
	int i, nr = 0, ntop = 0;

	if (v->cert == NULL)
		return TELLER_OK;
	for (i = TL_SVX_UNMARKED; i <= TL_SVX_UNCERTAIN; i++)
		if (addw(s->ctx, &nt, fate[i]) != TELLER_OK)
			return TELLER_EOVERFLOW;
	memset(&w, 0, sizeof(w));
	w.in = s->remain;
	w.tie = s->tied;
	for (i = 0; i < s->c->ncand; i++)
		if (s->remain[i] && s->first[i] > top)
			top = s->first[i];
	for (i = 0; i < s->c->ncand; i++)
		if (s->remain[i]) {
			nr++;
			ntop += s->first[i] == top;
		}
	/* para 3(3): the tied, for second or (three or more) for first */
	for (i = 0; nr > 2 && i < s->c->ncand; i++)
		if (s->remain[i] && (ntop > 1 || s->first[i] != top))
			s->tied[w.ntie++] = i;
	w.rule = nr > 2 ? "para 3(3)" : "para 3(2)";
	return tl_cert_stage(v->cert, 2, "second", -1, 0, 0, &w, s->fin, nt,
	    0);
}

/* Stage 2, para 3(4)-(6): the others are eliminated, and the second
 * preferences on their papers for a remaining candidate are added. */
static int
second_count(struct svp *v)
{
	struct tl_sv *s = &v->s;
	tl_fix fate[TL_SVX_UNCERTAIN + 1];
	struct tl_uk_sv_paper pp;
	int i, rc;
	size_t pi;

	memset(fate, 0, sizeof(fate));
	for (i = 0; i < s->c->ncand; i++)
		s->fin[i] = s->remain[i] ? s->first[i] : 0;
	for (pi = 0; pi < v->p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(v->p, pi);
		enum tl_uk_sv_fate f;

		if ((rc = tl_uk_sv_paper(s->ctx, s->c, v->p, pat, 0, &v->seen,
		    &pp)) != 0)
			return rc;
		if (pp.first_head != TL_UK_VALID)
			continue;
		f = tl_uk_sv_fate(&pp, s->remain);
		if (f != TL_SVX_REMAINS && (rc = cert_move(v, pi, &pp, f)) !=
		    TELLER_OK)
			return rc;
		if (f == TL_SVX_TRANSFER)
			rc = addw(s->ctx, &s->fin[pp.second], pat->w);
		else
			rc = addw(s->ctx, &fate[f], pat->w);
		if (rc != TELLER_OK)
			return rc;
	}
	if ((rc = tl_sv_second_stage(s, fate)) != TELLER_OK ||
	    (rc = cert_second(v, fate)) != TELLER_OK ||
	    (rc = cross_transfers(v)) != TELLER_OK)
		return rc;
	return tl_sv_all_seconds(s->ctx, s->r, v->col2);
}

/* Allocate v's state; refuse (strict) a paper with more than two
 * columns. */
static int
svp_init(teller_ctx *ctx, struct svp *v, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules)
{
	size_t pi;
	int rc;

	memset(v, 0, sizeof(*v));
	v->p = p;
	if ((rc = tl_sv_init(ctx, &v->s, c, p->wdp)) != TELLER_OK ||
	    (rc = tl_sv_regime(ctx, v->s.r, rules->regime)) != TELLER_OK)
		return rc;
	if (tl_uk_seen_init(ctx, &v->seen, c->ncand) != TELLER_OK)
		return TELLER_ENOMEM;
	if ((rc = tl_lots_init(ctx, &v->s.lots, c, rules)) != TELLER_OK)
		return rc;
	/* strict: an SV paper has two columns (LGA 2000 Sch.2 para 1) */
	for (pi = 0; rules->strict && pi < p->pats->len; pi++)
		if (TL_PAT(p, pi)->nranks > 2)
			return tl_fail(ctx, TELLER_ERULE, "sv: a ballot has %u "
			    "preferences; a Supplementary Vote paper has two "
			    "columns", (unsigned)TL_PAT(p, pi)->nranks);
	return TELLER_OK;
}

/* With a certificate (ctx->cert): whole papers only; the header and the
 * first stage. */
static int
cert_first(struct svp *v)
{
	size_t i;

	v->cert = v->s.ctx->cert;
	v->unit = tl_num_pow10(v->p->wdp);
	if (v->cert == NULL)
		return TELLER_OK;
	for (i = 0; i < v->p->pats->len; i++)
		if (TL_PAT(v->p, i)->w % v->unit != 0)
			return tl_fail(v->s.ctx, TELLER_EINVAL, "sv: a count "
			    "certificate needs whole papers");
	tl_cert_header(v->cert, -1, 1, v->p->wdp);
	return tl_cert_stage(v->cert, 1, "first", -1, 0, 0, NULL, v->s.first,
	    0, 0);
}

/*
 * Count the profile. Stage 1 (TL_STAGE_FIRST): valid first preferences;
 * a candidate with more than half of them is returned (para 2). Else the
 * two with most first preferences remain, with every candidate tied for
 * second (or all tied for first) (para 3(2)-(3)); the rest are eliminated
 * at once (para 3(4)); stage 2 (TL_STAGE_SECOND) adds the second
 * preferences for remaining candidates on papers whose first preference
 * is for none of them (para 3(5)-(6)); the most votes wins, an equality
 * by lot (para 3(7)-(8)). With two candidates standing: a simple majority,
 * an equality by lot (MER 2007 Sch.1 r.51(4)-(5)); second columns are
 * ignored. Ranks after the second are never read; with rules->strict a
 * ballot that has them is refused (TELLER_ERULE).
 */
int
tl_m_sv(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct svp v;
	bool done;
	int rc;

	*out = NULL;
	if (rules->seats > 1)
		return tl_fail(ctx, TELLER_EINVAL, "sv elects one candidate, "
		    "not %d", rules->seats);
	if ((rc = svp_init(ctx, &v, c, p, rules)) != TELLER_OK ||
	    (rc = first_count(&v)) != TELLER_OK ||
	    (rc = cert_first(&v)) != TELLER_OK ||
	    (rc = tl_sv_decide(&v.s, &done)) != TELLER_OK)
		return rc;
	if (!done && ((rc = second_count(&v)) != TELLER_OK ||
	    (rc = tl_sv_elect(&v.s)) != TELLER_OK))
		return rc;
	if (v.cert != NULL && (rc = tl_cert_end(v.cert, v.s.r)) != 0)
		return rc;
	*out = v.s.r;
	return TELLER_OK;
}
