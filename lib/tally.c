/* SPDX-License-Identifier: MIT */
/*
 * tally.c -- the tally-level entry point (teller_tally_*, docs/desk.md 7):
 * a manual count's figures, checked and counted through the same code as
 * a profile count (m_plurality.c, m_sv.c), so the caller never decides
 * who is elected and the reports agree byte for byte.
 */
#include <stdio.h>
#include <string.h>

#include "uk_paper.h"

/* One figure of the SV second stage: papers of from whose second
 * preference goes to candidate to (reason 0), or not transferred for
 * reason (to -1). */
struct stage2 {
	int from;
	int to;
	int reason; /* enum teller_nontransferable, 0 for a transfer */
	tl_fix n;
};

/* A lot drawn by hand: tied, the one it favoured last. */
struct lot {
	int *order; /* [n] candidate ids, drawn last */
	int n;
};

struct teller_tally {
	teller_ctx *ctx;
	const struct tl_method *m;
	int seats;
	bool sv;
	struct teller_contest *c;
	tl_fix *votes;          /* [ncand] */
	tl_fix valid_papers;
	bool has_valid;
	int regime;             /* enum tl_uk_regime, -1 until given */
	struct tl_uk_rejected rj;
	struct tl_vec *stage2;  /* of struct stage2 */
	tl_fix col2[TL_UK_SAME + 1];
	unsigned col2_given;    /* 1u << head */
	struct tl_vec *lots;    /* of struct lot */
};

/* Codes of docs/desk.md 2.8 and their heads. */
static const struct {
	const char *code;
	enum tl_uk_head head;
} codes[] = {
	{ "no_official_mark", TL_UK_NO_OFFICIAL },
	{ "too_many", TL_UK_TOO_MANY },
	{ "identifying_mark", TL_UK_IDENTIFYING },
	{ "unmarked", TL_UK_UNMARKED },
	{ "uncertain", TL_UK_UNCERTAIN },
	{ "rejected_in_part", TL_UK_PART },
};

static int
bad_cand(teller_tally *t, const char *what, size_t cand)
{
	return tl_fail(t->ctx, TELLER_EINVAL, "tally: %s %zu is not a "
	    "candidate (0..%d)", what, cand, t->c->ncand - 1);
}

static int
negative(teller_tally *t, const char *what, int64_t n)
{
	return tl_fail(t->ctx, TELLER_ERANGE, "tally: %s: %lld papers",
	    what, (long long)n);
}

teller_tally *
teller_tally_new(teller_ctx *ctx, const char *method, int seats,
    size_t ncand)
{
	teller_tally *t;
	size_t i;
	char name[32];

	if (method == NULL || (strcmp(method, "fptp") != 0 &&
	    strcmp(method, "block") != 0 && strcmp(method, "sv") != 0)) {
		tl_fail(ctx, TELLER_EINVAL, "tally: method '%s': a tally "
		    "counts fptp, block or sv", method ? method : "(none)");
		return NULL;
	}
	if (seats < 1 || seats > ctx->lim.seats ||
	    (strcmp(method, "block") != 0 && seats != 1)) {
		tl_fail(ctx, TELLER_EINVAL, "tally: %s: %d seats (fptp and "
		    "sv elect one, block 1..%d)", method, seats,
		    ctx->lim.seats);
		return NULL;
	}
	if (ncand > (size_t)ctx->lim.candidates) {
		tl_fail(ctx, TELLER_ELIMIT, "tally: %zu candidates (at most "
		    "%d)", ncand, ctx->lim.candidates);
		return NULL;
	}
	if (ncand < (size_t)seats) {
		tl_fail(ctx, TELLER_EINVAL, "tally: %d seat%s but %zu "
		    "candidate%s", seats, seats == 1 ? "" : "s", ncand,
		    ncand == 1 ? "" : "s");
		return NULL;
	}
	t = tl_alloc(ctx, 1, sizeof(*t));
	if (t == NULL || (t->c = tl_contest_new(ctx)) == NULL)
		return NULL;
	t->ctx = ctx;
	t->m = tl_method_find(method);
	t->seats = seats;
	t->sv = strcmp(method, "sv") == 0;
	t->regime = -1;
	t->votes = tl_alloc(ctx, ncand + 1, sizeof(tl_fix));
	t->stage2 = tl_vec_new(ctx, sizeof(struct stage2));
	t->lots = tl_vec_new(ctx, sizeof(struct lot));
	if (t->votes == NULL || t->stage2 == NULL || t->lots == NULL)
		return NULL;
	for (i = 0; i < ncand; i++) {
		snprintf(name, sizeof(name), "Candidate %zu", i + 1);
		if (tl_contest_add(ctx, t->c, name, strlen(name), NULL, 0) < 0)
			return NULL;
	}
	t->c->seats = seats;
	return t;
}

int
teller_tally_set_title(teller_tally *t, const char *title)
{
	const char *s = tl_strdup(t->ctx, title != NULL ? title : "");

	if (s == NULL)
		return TELLER_ENOMEM;
	t->c->title = s;
	return TELLER_OK;
}

int
teller_tally_set_candidate(teller_tally *t, size_t cand, const char *name,
    const char *party)
{
	struct tl_cand *cd, old;
	int rc;

	if (cand >= (size_t)t->c->ncand)
		return bad_cand(t, "candidate", cand);
	if (name == NULL || name[0] == '\0')
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: candidate %zu: "
		    "a name is needed", cand);
	cd = TL_CAND(t->c, cand);
	old = *cd;
	cd->name = tl_strdup(t->ctx, name);
	cd->party = tl_strdup(t->ctx, party != NULL ? party : "");
	if (cd->name == NULL || cd->party == NULL) {
		*cd = old;
		return TELLER_ENOMEM;
	}
	if ((rc = tl_contest_check_names(t->ctx, t->c)) != TELLER_OK) {
		*cd = old;
		return rc;
	}
	return TELLER_OK;
}

int
teller_tally_set_votes(teller_tally *t, size_t cand, int64_t votes)
{
	if (cand >= (size_t)t->c->ncand)
		return bad_cand(t, "candidate", cand);
	if (votes < 0)
		return negative(t, TL_CAND(t->c, cand)->name, votes);
	t->votes[cand] = votes;
	return TELLER_OK;
}

int
teller_tally_set_valid_papers(teller_tally *t, int64_t papers)
{
	if (papers < 0)
		return negative(t, "valid papers", papers);
	t->valid_papers = papers;
	t->has_valid = true;
	return TELLER_OK;
}

int
teller_tally_set_rejected(teller_tally *t, const char *regime,
    const char *code, int64_t papers)
{
	int g = tl_uk_regime_find(regime);
	size_t i;

	if (g < 0 || !tl_uk_regime_fits((enum tl_uk_regime)g, t->m->name))
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: regime '%s' is "
		    "not one for %s (%s)", regime ? regime : "(none)",
		    t->m->name, t->sv ? "mer2007-sv" : strcmp(t->m->name,
		    "fptp") == 0 ? "lepar2006, lepcr2006, rpa1983, "
		    "mer-fptp-2023" : "lepar2006, lepcr2006");
	if (t->regime >= 0 && t->regime != g)
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: regime '%s' "
		    "after another: one regime a count", regime);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (code != NULL && strcmp(codes[i].code, code) == 0)
			break;
	if (i == sizeof(codes) / sizeof(codes[0]) ||
	    (codes[i].head == TL_UK_PART && (t->seats < 2 ||
	    (g != TL_REG_LEPAR2006 && g != TL_REG_LEPCR2006))))
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: no reason code "
		    "'%s' under %s%s", code ? code : "(none)", regime,
		    t->seats < 2 ? " for one seat" : "");
	if (papers < 0)
		return negative(t, code, papers);
	t->regime = g;
	t->rj.n[codes[i].head] = papers;
	t->rj.given |= 1u << codes[i].head;
	return TELLER_OK;
}

/* Set (replace) a second-stage figure. */
static int
set_stage2(teller_tally *t, size_t from, int to, int reason, int64_t n)
{
	struct stage2 e, *p;
	size_t i;

	if (!t->sv)
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: %s has no "
		    "second stage", t->m->name);
	if (from >= (size_t)t->c->ncand)
		return bad_cand(t, "from", from);
	if (n < 0)
		return negative(t, "second stage", n);
	for (i = 0; i < t->stage2->len; i++) {
		p = &TL_VEC_AT(t->stage2, struct stage2, i);
		if (p->from == (int)from && p->to == to &&
		    p->reason == reason) {
			p->n = n;
			return TELLER_OK;
		}
	}
	e.from = (int)from;
	e.to = to;
	e.reason = reason;
	e.n = n;
	return tl_vec_push(t->ctx, t->stage2, &e) ? TELLER_OK
	    : TELLER_ENOMEM;
}

int
teller_tally_set_transfer(teller_tally *t, size_t from, size_t to,
    int64_t papers)
{
	if (to >= (size_t)t->c->ncand)
		return bad_cand(t, "to", to);
	if (from == to)
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: a transfer from "
		    "candidate %zu to itself", from);
	return set_stage2(t, from, (int)to, 0, papers);
}

int
teller_tally_set_nontransferable(teller_tally *t, size_t from, int reason,
    int64_t papers)
{
	if (reason < TELLER_NT_NO_SECOND_PREFERENCE ||
	    reason > TELLER_NT_REJECTED_SECOND_UNCERTAIN)
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: %d is not a "
		    "reason a paper is not transferred", reason);
	return set_stage2(t, from, -1, reason, papers);
}

/* The head of the second column for a reason (set_second_column). */
static int
col2_head(int reason)
{
	switch (reason) {
	case TELLER_NT_SECOND_GOOD: return TL_UK_VALID;
	case TELLER_NT_SECOND_SAME_AS_FIRST: return TL_UK_SAME;
	case TELLER_NT_NO_SECOND_PREFERENCE: return TL_UK_UNMARKED;
	case TELLER_NT_REJECTED_SECOND_TOO_MANY: return TL_UK_TOO_MANY;
	case TELLER_NT_REJECTED_SECOND_UNCERTAIN: return TL_UK_UNCERTAIN;
	default: return -1;
	}
}

int
teller_tally_set_second_column(teller_tally *t, int head, int64_t papers)
{
	int h = col2_head(head);

	if (!t->sv || h < 0)
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: %s", !t->sv ?
		    "only an sv paper has a second column" : "not a head of "
		    "the second column");
	if (papers < 0)
		return negative(t, "second column", papers);
	t->col2[h] = papers;
	t->col2_given |= 1u << h;
	return TELLER_OK;
}

int
teller_tally_add_lot(teller_tally *t, const size_t *tied, size_t n,
    size_t drawn)
{
	struct lot l;
	size_t i, j;
	int k = 0;

	if (tied == NULL || n < 2 || n > (size_t)t->c->ncand)
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: a lot is among "
		    "two or more candidates");
	l.order = tl_alloc(t->ctx, n, sizeof(int));
	if (l.order == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < n; i++) {
		if (tied[i] >= (size_t)t->c->ncand)
			return bad_cand(t, "tied", tied[i]);
		for (j = 0; j < i; j++)
			if (tied[j] == tied[i])
				return tl_fail(t->ctx, TELLER_EINVAL, "tally: "
				    "candidate %zu is named twice in a lot",
				    tied[i]);
		if (tied[i] != drawn)
			l.order[k++] = (int)tied[i];
	}
	if (k != (int)n - 1)
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: the lot drew "
		    "candidate %zu, who is not among the tied", drawn);
	l.order[k] = (int)drawn;
	l.n = (int)n;
	return tl_vec_push(t->ctx, t->lots, &l) ? TELLER_OK : TELLER_ENOMEM;
}

void
teller_tally_free(teller_tally *t)
{
	(void)t; /* its memory is the context's */
}

/* Lot l as --lot would give it: "STAGE:A<B<DRAWN" ("A<B<DRAWN" for stage
 * 0), least favoured first, the one it favoured last. NULL on ENOMEM. */
static const char *
lot_spec(teller_tally *t, const struct lot *l, int stage)
{
	size_t cap = 16, at = 0;
	char *s;
	int i;

	for (i = 0; i < l->n; i++)
		cap += strlen(TL_CAND(t->c, l->order[i])->name) + 1;
	if ((s = tl_alloc(t->ctx, cap, 1)) == NULL)
		return NULL;
	if (stage > 0)
		at = (size_t)snprintf(s, cap, "%d:", stage);
	for (i = 0; i < l->n; i++)
		at += (size_t)snprintf(s + at, cap - at, "%s%s",
		    i > 0 ? "<" : "", TL_CAND(t->c, l->order[i])->name);
	return s;
}

/* The tally's lots as hand lots for tl_lots_draw: any stage, favouring
 * the one drawn; a seeded draw never happens (no_seed). */
static int
lots_init(teller_tally *t, struct tl_lots *lots, teller_rules *rules)
{
	size_t i, n = t->lots->len;
	const char **specs;

	memset(lots, 0, sizeof(*lots));
	teller_rules_init(rules, t->m->name);
	rules->no_seed = 1;
	rules->nlots = (int)n;
	specs = tl_alloc(t->ctx, n + 1, sizeof(char *));
	lots->hand = tl_alloc(t->ctx, n + 1, sizeof(*lots->hand));
	if (specs == NULL || lots->hand == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < n; i++) {
		const struct lot *l = &TL_VEC_AT(t->lots, struct lot, i);

		if ((specs[i] = lot_spec(t, l, 0)) == NULL)
			return TELLER_ENOMEM;
		lots->hand[i].stage = 0;
		lots->hand[i].n = l->n;
		lots->hand[i].order = l->order;
		lots->hand[i].spec = specs[i];
	}
	rules->lots = specs;
	tl_tie_seed(&lots->rng, rules->seed);
	lots->c = t->c;
	lots->rules = rules;
	return TELLER_OK;
}

/* A lot needed and not given: say so in the tally's terms. */
static int
lot_needed(teller_tally *t, const struct teller_result *r)
{
	const struct tl_tie *tie;
	char names[512];
	size_t at = 0;
	int i;

	if (r->ties->len == 0)
		return TELLER_ETIE;
	tie = &TL_VEC_AT(r->ties, struct tl_tie, r->ties->len - 1);
	names[0] = '\0';
	for (i = 0; i < tie->ntied && at < sizeof(names); i++) {
		int k = snprintf(names + at, sizeof(names) - at, "%s%s",
		    i == 0 ? "" : i + 1 == tie->ntied ? " and " : ", ",
		    TL_CAND(t->c, tie->tied[i])->name);
		if (k < 0)
			break;
		at += (size_t)k;
	}
	teller_errclear(t->ctx);
	return tl_fail(t->ctx, TELLER_ETIE, "stage %d: %s are tied for "
	    "election and the rules leave it to a lot: record the lot drawn "
	    "(teller_tally_add_lot) and count again", tie->stage, names);
}

/* After the count: papers, title, seed, and the lots as specs with the
 * stage each was used at; refuse a lot that was not used. */
static int
finish(teller_tally *t, struct teller_result *r, int rc)
{
	size_t i;
	int used = 0;

	r->method = t->m->name;
	r->method_title = t->m->title;
	r->seed = "1";
	r->nlots = (int)t->lots->len;
	r->lots = tl_alloc(t->ctx, t->lots->len + 1, sizeof(char *));
	if (r->lots == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < r->ties->len; i++) {
		const struct tl_tie *tie = &TL_VEC_AT(r->ties, struct tl_tie,
		    i);
		if (tie->how != TL_TIE_HAND || tie->draw < 1 ||
		    tie->draw > t->lots->len)
			continue;
		used++;
		r->lots[tie->draw - 1] = lot_spec(t, &TL_VEC_AT(t->lots,
		    struct lot, tie->draw - 1), tie->stage);
		if (r->lots[tie->draw - 1] == NULL)
			return TELLER_ENOMEM;
	}
	if (rc == TELLER_ETIE)
		return lot_needed(t, r);
	if (rc == TELLER_OK && used < r->nlots &&
	    r->status != TELLER_STATUS_STAGE2_NEEDED) {
		const char *spec = lot_spec(t, &TL_VEC_AT(t->lots, struct lot,
		    used), 0);
		return tl_fail(t->ctx, TELLER_ESTOP, "lot %d (%s) was not "
		    "used: the count met no such tie", used + 1,
		    spec != NULL ? spec : "");
	}
	return rc;
}

/* Papers = valid papers + the rejected heads; refuse a count with no
 * valid paper (as teller_count does). */
static int
account(teller_tally *t, struct teller_result *r)
{
	size_t i;

	r->papers = r->valid_papers;
	for (i = 0; i < r->rejected->len; i++)
		if (tl_num_add(t->ctx, r->papers, TL_VEC_AT(r->rejected,
		    struct tl_tally, i).n, &r->papers) != TELLER_OK)
			return TELLER_EOVERFLOW;
	if (r->valid_papers > 0)
		return TELLER_OK;
	return tl_fail(t->ctx, TELLER_ESTOP, "no valid paper: %lld papers, "
	    "all rejected", (long long)r->papers);
}

/* The sum of the votes into *sum. */
static int
total(teller_tally *t, tl_fix *sum)
{
	int i;

	*sum = 0;
	for (i = 0; i < t->c->ncand; i++)
		if (tl_num_add(t->ctx, *sum, t->votes[i], sum) != TELLER_OK)
			return TELLER_EOVERFLOW;
	return TELLER_OK;
}

/* Block: votes are not papers; check they can come from the papers
 * (each valid paper gives 1..seats votes, at most one a candidate). */
static int
block_papers(teller_tally *t, tl_fix valid, tl_fix *papers)
{
	tl_fix p = t->valid_papers, most;
	int i;

	if (!t->has_valid)
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: block: the "
		    "valid papers are needed (votes are not papers)");
	for (i = 0; i < t->c->ncand; i++)
		if (t->votes[i] > p)
			return tl_fail(t->ctx, TELLER_ERANGE, "tally: %s has "
			    "%lld votes from %lld valid papers (one vote a "
			    "paper at most)", TL_CAND(t->c, i)->name,
			    (long long)t->votes[i], (long long)p);
	if (tl_num_mul(t->ctx, p, t->seats, &most) != TELLER_OK ||
	    valid > most)
		return tl_fail(t->ctx, TELLER_ERANGE, "tally: %lld votes from "
		    "%lld valid papers: more than %d a paper", (long long)valid,
		    (long long)p, t->seats);
	if (valid < p)
		return tl_fail(t->ctx, TELLER_ERANGE, "tally: %lld valid "
		    "papers but %lld votes: each valid paper has a vote",
		    (long long)p, (long long)valid);
	if (t->rj.n[TL_UK_PART] > p)
		return tl_fail(t->ctx, TELLER_ERANGE, "tally: %lld papers "
		    "rejected in part, more than the %lld valid",
		    (long long)t->rj.n[TL_UK_PART], (long long)p);
	*papers = p;
	return TELLER_OK;
}

/* One vote a paper (fptp, sv): valid papers, if given, are the votes. */
static int
single_papers(teller_tally *t, tl_fix valid)
{
	if (t->has_valid && t->valid_papers != valid)
		return tl_fail(t->ctx, TELLER_ERANGE, "tally: %lld valid "
		    "papers but %lld votes (%s: one vote a paper)",
		    (long long)t->valid_papers, (long long)valid, t->m->name);
	return TELLER_OK;
}

/* fptp and block: one stage, the top seats (m_plurality.c). */
static int
count_plurality(teller_tally *t, struct teller_result **out)
{
	teller_ctx *ctx = t->ctx;
	enum tl_uk_regime g = t->regime < 0 ? TL_REG_LEPAR2006
	    : (enum tl_uk_regime)t->regime;
	struct teller_result *r;
	struct tl_lots lots;
	teller_rules rules;
	tl_fix valid, papers;
	int rc;

	if ((rc = total(t, &valid)) != TELLER_OK)
		return rc;
	papers = valid;
	if ((rc = strcmp(t->m->name, "block") == 0 ? block_papers(t, valid,
	    &papers) : single_papers(t, valid)) != TELLER_OK)
		return rc;
	if ((r = tl_result_new(ctx, t->c, t->m->name, t->seats, 0)) == NULL)
		return TELLER_ENOMEM;
	r->valid = valid;
	r->valid_papers = papers;
	if (tl_result_stage(ctx, r, TL_STAGE_FIRST, -1, t->votes, 0, 0) ==
	    NULL)
		return TELLER_ENOMEM;
	TL_STAGE(r, 0)->note = "LEPAR 2006 Sch.2 r.46";
	if ((rc = tl_plurality_rejected(ctx, r, g, &t->rj, papers)) != 0 ||
	    (rc = tl_result_check(ctx, r)) != TELLER_OK ||
	    (rc = account(t, r)) != TELLER_OK ||
	    (rc = lots_init(t, &lots, &rules)) != TELLER_OK)
		return rc;
	rc = tl_plurality_elect(ctx, r, t->c, t->votes, t->seats, &lots);
	if (rc == TELLER_OK || rc == TELLER_ETIE)
		*out = r;
	return finish(t, r, rc);
}

/* The stage-2 reason as the fate m_sv.c counts. */
static enum tl_uk_sv_fate
fate_of(int reason)
{
	switch (reason) {
	case TELLER_NT_NO_SECOND_PREFERENCE: return TL_SVX_UNMARKED;
	case TELLER_NT_SECOND_SAME_AS_FIRST: return TL_SVX_SAME;
	case TELLER_NT_SECOND_FOR_ELIMINATED: return TL_SVX_ELIMINATED;
	case TELLER_NT_REJECTED_SECOND_TOO_MANY: return TL_SVX_TOO_MANY;
	default: return TL_SVX_UNCERTAIN;
	}
}

/* Check the second-stage figures against the remaining set and fill
 * s->fin and fate: LGA 2000 Sch.2 para 3(4)-(6); each eliminated
 * candidate's papers are all re-sorted, once (desk.md I14). */
static int
second_figures(teller_tally *t, struct tl_sv *s, tl_fix *fate)
{
	teller_ctx *ctx = t->ctx;
	tl_fix *sorted;
	size_t k;
	int i;

	sorted = tl_alloc(ctx, (size_t)t->c->ncand + 1, sizeof(tl_fix));
	if (sorted == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < t->c->ncand; i++)
		s->fin[i] = s->remain[i] ? s->first[i] : 0;
	for (k = 0; k < t->stage2->len; k++) {
		const struct stage2 *e = &TL_VEC_AT(t->stage2, struct stage2,
		    k);
		tl_fix *to = e->reason == 0 ? &s->fin[e->to]
		    : &fate[fate_of(e->reason)];

		if (s->remain[e->from])
			return tl_fail(ctx, TELLER_ERANGE, "tally: %s remains "
			    "for the second stage: their papers are not "
			    "re-sorted (para 3(5))",
			    TL_CAND(t->c, e->from)->name);
		if (e->reason == 0 && !s->remain[e->to])
			return tl_fail(ctx, TELLER_ERANGE, "tally: papers of "
			    "%s transferred to %s, who does not remain",
			    TL_CAND(t->c, e->from)->name,
			    TL_CAND(t->c, e->to)->name);
		if (tl_num_add(ctx, *to, e->n, to) != TELLER_OK ||
		    tl_num_add(ctx, sorted[e->from], e->n,
		    &sorted[e->from]) != TELLER_OK)
			return TELLER_EOVERFLOW;
	}
	for (i = 0; i < t->c->ncand; i++)
		if (!s->remain[i] && sorted[i] != s->first[i])
			return tl_fail(ctx, TELLER_ERANGE, "tally: %s's papers "
			    "at the second stage: %lld sorted, but %lld first "
			    "preferences", TL_CAND(t->c, i)->name,
			    (long long)sorted[i], (long long)s->first[i]);
	return TELLER_OK;
}

/* The second stage's transfers, from the figures, in the order m_sv.c
 * records them (by giver, then receiver, then non-transferable), so the
 * result is the same as a profile count's. */
static int
second_transfers(teller_tally *t, struct teller_result *r)
{
	int f, x, rc;
	size_t k;

	for (f = 0; f < t->c->ncand; f++)
		for (x = 0; x <= t->c->ncand; x++) {
			tl_fix n = 0;
			for (k = 0; k < t->stage2->len; k++) {
				const struct stage2 *e = &TL_VEC_AT(t->stage2,
				    struct stage2, k);
				if (e->from == f && (x < t->c->ncand ?
				    e->reason == 0 && e->to == x :
				    e->reason != 0) &&
				    tl_num_add(t->ctx, n, e->n, &n) != 0)
					return TELLER_EOVERFLOW;
			}
			if ((rc = tl_result_transfer(t->ctx, r, f, x <
			    t->c->ncand ? x : TL_TO_NONTRANS, n)) != 0)
				return rc;
		}
	return TELLER_OK;
}

/* The optional second column of every valid paper: all five heads, and
 * they add up to the valid papers. */
static int
second_column(teller_tally *t, struct teller_result *r)
{
	static const int heads[] = { TL_UK_VALID, TL_UK_SAME,
		TL_UK_UNMARKED, TL_UK_TOO_MANY, TL_UK_UNCERTAIN };
	tl_fix sum = 0;
	size_t i;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		if (!(t->col2_given & (1u << heads[i])))
			return tl_fail(t->ctx, TELLER_ERANGE, "tally: the "
			    "second column is given in part: give all five "
			    "heads");
		if (tl_num_add(t->ctx, sum, t->col2[heads[i]], &sum) != 0)
			return TELLER_EOVERFLOW;
	}
	if (sum != r->valid)
		return tl_fail(t->ctx, TELLER_ERANGE, "tally: the second "
		    "column adds up to %lld papers, not the %lld valid",
		    (long long)sum, (long long)r->valid);
	return tl_sv_all_seconds(t->ctx, r, t->col2);
}

/* sv after stage 1: no second stage to count (done), or none given yet
 * (status stage2_needed), or the second stage. */
static int
sv_second(teller_tally *t, struct tl_sv *s, bool done)
{
	tl_fix fate[TL_SVX_UNCERTAIN + 1];
	bool any = t->stage2->len > 0 || t->col2_given != 0;
	int rc;

	if (done && any)
		return tl_fail(t->ctx, TELLER_EINVAL, "tally: no second "
		    "stage: %s", s->nstand <= 2 ? "two candidates, a simple "
		    "majority (r.51(4))" : "a candidate has more than half "
		    "the valid first preferences (para 2)");
	if (done)
		return TELLER_OK;
	if (!any) {
		s->r->status = TELLER_STATUS_STAGE2_NEEDED;
		return TELLER_OK;
	}
	memset(fate, 0, sizeof(fate));
	if ((rc = second_figures(t, s, fate)) != TELLER_OK ||
	    (rc = tl_sv_second_stage(s, fate)) != TELLER_OK ||
	    (rc = second_transfers(t, s->r)) != TELLER_OK ||
	    (t->col2_given && (rc = second_column(t, s->r)) != TELLER_OK))
		return rc;
	return tl_sv_elect(s);
}

/* sv: stage 1 and its decision, then the second stage (m_sv.c). */
static int
count_sv(teller_tally *t, struct teller_result **out)
{
	teller_rules rules;
	struct tl_sv s;
	tl_fix valid;
	bool done;
	int rc;

	if ((rc = total(t, &valid)) != TELLER_OK ||
	    (rc = single_papers(t, valid)) != TELLER_OK ||
	    (rc = tl_sv_init(t->ctx, &s, t->c, 0)) != TELLER_OK)
		return rc;
	memcpy(s.first, t->votes, (size_t)t->c->ncand * sizeof(tl_fix));
	if ((rc = tl_sv_first_stage(&s, &t->rj)) != TELLER_OK)
		return rc;
	s.r->valid_papers = s.r->valid;
	if ((rc = account(t, s.r)) != TELLER_OK ||
	    (rc = lots_init(t, &s.lots, &rules)) != TELLER_OK)
		return rc;
	rc = tl_sv_decide(&s, &done);
	if (rc == TELLER_OK)
		rc = sv_second(t, &s, done);
	if (rc == TELLER_OK || rc == TELLER_ETIE)
		*out = s.r;
	return finish(t, s.r, rc);
}

int
teller_tally_count(teller_tally *t, teller_result **out)
{
	int rc;

	*out = NULL;
	rc = t->sv ? count_sv(t, out) : count_plurality(t, out);
	if (rc != TELLER_OK && rc != TELLER_ETIE)
		*out = NULL;
	return rc;
}
