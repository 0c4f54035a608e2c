/* SPDX-License-Identifier: MIT */
/*
 * methods.c -- the one method table and the counting entry point. Every
 * other list of method names (CLI help, man page checks) derives from it.
 */
#include <stdio.h>
#include <string.h>

#include "decl.h"
#include "tl_int.h"

const struct tl_method tl_methods[] = {
	{ "fptp", "First past the post (LEPAR 2006 Sch.2 rr.46, 49)",
	    tl_m_fptp, true, "one mark (an X) a paper", "1" },
	{ "block", "Block vote (LEPAR 2006 Sch.2 rr.46, 49)", tl_m_block,
	    false, "marks (an X each), at most S", "S" },
	{ "sv", "Supplementary Vote (LGA 2000 Sch.2; pre-2023)", tl_m_sv,
	    true, "first and second choices", "1" },
	{ "irv", "Instant-runoff / alternative vote", tl_m_irv,
	    true, "ranked", "1" },
	{ "stv-scottish", "STV, Scottish rules (SSI 2007/42 Sch.1 rr.45-52)",
	    tl_m_stv_scottish, false, "ranked", "S" },
	{ "stv-ers97", "STV, ERS97 rules", tl_m_stv_ers97, false,
	    "ranked", "S" },
	{ "stv-wigm", "STV, weighted inclusive Gregory method",
	    tl_m_stv_wigm, false, "ranked", "S" },
	{ "stv-meek", "STV, Meek's method (Hill, Wichmann, Woodall 1987)",
	    tl_m_stv_meek, false, "ranked", "S" },
	/* methods.md 5-7: positional, pairwise, coombs, bucklin */
	{ "borda", "Borda count, n-r points, equal ranks averaged "
	    "(Borda 1781)", tl_m_borda, false, "ranked", "S (default 1)" },
	{ "borda-mbc", "Modified Borda count (Emerson 2013)",
	    tl_m_borda_mbc, false, "ranked", "S (default 1)" },
	{ "borda-dowdall", "Dowdall scoring, 1/r points (Nauru)",
	    tl_m_borda_dowdall, false, "ranked", "S (default 1)" },
	{ "condorcet", "The Condorcet winner, if there is one",
	    tl_m_condorcet, true, "ranked", "1" },
	{ "copeland", "Copeland, wins + 1/2 ties (Copeland 1951)",
	    tl_m_copeland, true, "ranked", "1" },
	{ "minimax", "Minimax, margins (Simpson 1969, Kramer 1977)",
	    tl_m_minimax, true, "ranked", "1" },
	{ "schulze", "Schulze beatpath, winning votes (Schulze 2011)",
	    tl_m_schulze, true, "ranked", "1" },
	{ "ranked-pairs", "Ranked pairs, margins (Tideman 1987)",
	    tl_m_ranked_pairs, true, "ranked", "1" },
	{ "smith", "The Smith set (Smith 1973)", tl_m_smith, false,
	    "ranked", "the set" },
	{ "schwartz", "The Schwartz set (Schwartz 1986)", tl_m_schwartz,
	    false, "ranked", "the set" },
	{ "coombs", "Coombs, most last places excluded (Coombs 1964)",
	    tl_m_coombs, true, "ranked", "1" },
	{ "bucklin", "Bucklin (Grand Junction, 1909)", tl_m_bucklin, true,
	    "ranked", "1" },
	/* methods.md 2-4: plurality and runoff families, the college */
	{ "college", "Weighted electoral college (Labour 1993-2014)",
	    tl_m_college, true, "ranked, in sections", "1" },
	{ "exhaustive", "Exhaustive ballot, one file per round",
	    tl_m_exhaustive, true, "one file per round; first choices",
	    "1" },
	{ "contingent", "Contingent vote (LGA 2000 Sch.2 count)",
	    tl_m_contingent, true, "ranked", "1" },
	{ "plurality-runoff", "Plurality with runoff (top two)",
	    tl_m_plurality_runoff, true, "ranked", "1" },
	{ "limited", "Limited vote", tl_m_limited, false,
	    "marks, order ignored (--votes L)", "S" },
	{ "sntv", "Single non-transferable vote", tl_m_sntv, false,
	    "first choices", "S" },
	{ "approval", "Approval voting", tl_m_approval, false,
	    "marks, order ignored", "S (default 1)" },
	{ NULL, NULL, NULL, false, NULL, NULL }
};

const struct tl_method *
tl_method_find(const char *name)
{
	const struct tl_method *m;

	if (name == NULL)
		return NULL;
	for (m = tl_methods; m->name != NULL; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

int
teller_method_known(const char *name)
{
	return tl_method_find(name) != NULL;
}

const char *
teller_method_name(int i)
{
	int n = (int)(sizeof(tl_methods) / sizeof(tl_methods[0])) - 1;

	return i >= 0 && i < n ? tl_methods[i].name : NULL;
}

int
teller_method_info(int i, const char **title, const char **reads,
    const char **seats)
{
	const struct tl_method *m;

	if (teller_method_name(i) == NULL)
		return TELLER_EINVAL;
	m = &tl_methods[i];
	*title = m->title;
	*reads = m->reads != NULL ? m->reads : "ranked";
	*seats = m->seats != NULL ? m->seats : m->single ? "1" : "S";
	return TELLER_OK;
}

void
teller_rules_init(teller_rules *r, const char *method)
{
	memset(r, 0, sizeof(*r));
	r->method = method;
	r->seed = "1";
}

/* Candidates who can be elected: not withdrawn, not write-ins. */
static int
standing(const struct teller_contest *c)
{
	int i, n = 0;

	for (i = 0; i < c->ncand; i++)
		n += !TL_CAND(c, i)->withdrawn && !TL_CAND(c, i)->writein;
	return n;
}

/* Refuse seats the method or the candidates cannot give: a one-seat
 * method on an input that says more seats (unless -s says so aloud), and
 * more seats than candidates standing (no rule here leaves seats
 * unfilled: with as many candidates as seats there is no contest). */
static int
check_seats(teller_ctx *ctx, const struct tl_method *m,
    const struct teller_contest *c, const teller_rules *rules)
{
	int seats = rules->seats > 0 ? rules->seats : c->seats;
	int n = standing(c);

	if (m->single && rules->seats == 0 && c->seats > 1)
		return tl_fail(ctx, TELLER_EINVAL, "the input says %d seats "
		    "but %s elects one: use a method for %d seats, or -s 1 "
		    "to count one", c->seats, m->name, c->seats);
	if (m->single && seats > 1)
		return tl_fail(ctx, TELLER_EINVAL, "%s elects one candidate, "
		    "not %d%s", m->name, seats, strcmp(m->name, "fptp") == 0
		    ? " (use -m block)" : strcmp(m->name, "irv") == 0 ?
		    " (use an STV method)" : "");
	if (seats > n && n > 0)
		return tl_fail(ctx, TELLER_ERULE, "%d seats but only %d "
		    "candidate%s standing: the rules cannot leave seats "
		    "unfilled (use -s %d or fewer)", seats, n, n == 1 ? ""
		    : "s", n);
	return TELLER_OK;
}

/* v at dp places for a message: without a zero fraction ("2", not
 * "2.00000"). */
static void
plain_num(char *buf, tl_fix v, int dp)
{
	size_t n = tl_num_fmt(buf, v, dp);

	if (strchr(buf, '.') == NULL)
		return;
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

/* The heads of rejection with papers, worded for a message. */
static void
rejected_heads(const struct teller_result *r, char *buf, size_t cap)
{
	size_t i, at = 0;
	char n[TL_NUM_BUFSZ];

	buf[0] = '\0';
	for (i = 0; i < r->rejected->len && at < cap; i++) {
		const struct tl_tally *t =
		    &TL_VEC_AT(r->rejected, struct tl_tally, i);
		int k;
		if (t->n == 0)
			continue;
		plain_num(n, t->n, r->dp);
		k = snprintf(buf + at, cap - at, "%s%s %s", at ? "; " : "",
		    n, t->name);
		if (k < 0)
			break;
		at += (size_t)k;
	}
}

/*
 * Account for every paper (DESIGN.md: papers = valid_papers + the
 * rejected heads, else an internal error) and refuse a result from no
 * valid paper (exit 4), saying why and what to try.
 */
static int
reconcile(teller_ctx *ctx, const struct teller_profile *p,
    struct teller_result *r)
{
	tl_fix sum;
	size_t i;
	char a[TL_NUM_BUFSZ], b[TL_NUM_BUFSZ], heads[400];

	if (r->dp < p->wdp || tl_num_rescale(ctx, p->total, p->wdp, r->dp,
	    TL_ROUND_DOWN, &r->papers) != TELLER_OK)
		return tl_fail(ctx, TELLER_EINTERNAL, "papers cannot be shown "
		    "at %d places", r->dp);
	/* and those rejected by hand ('# rejected:', decl.c) */
	if (tl_decl_hand_total(ctx, r->contest, r->dp, &sum) != TELLER_OK ||
	    tl_num_add(ctx, r->papers, sum, &r->papers) != TELLER_OK)
		return TELLER_EOVERFLOW;
	if (r->valid_papers < 0)
		r->valid_papers = r->valid;
	sum = r->valid_papers;
	for (i = 0; i < r->rejected->len; i++)
		if (tl_num_add(ctx, sum, TL_VEC_AT(r->rejected,
		    struct tl_tally, i).n, &sum) != TELLER_OK)
			return TELLER_EOVERFLOW;
	if (sum != r->papers) {
		tl_num_fmt(a, r->papers, r->dp);
		tl_num_fmt(b, sum, r->dp);
		return tl_fail(ctx, TELLER_EINTERNAL, "%s: %s papers read but "
		    "%s accounted for (valid and rejected)", r->method, a, b);
	}
	if (r->valid_papers > 0)
		return TELLER_OK;
	if (r->papers == 0)
		return tl_fail(ctx, TELLER_ESTOP, "no ballot papers to count: "
		    "the input holds candidates but no ballots");
	plain_num(a, r->papers, r->dp);
	rejected_heads(r, heads, sizeof(heads));
	return tl_fail(ctx, TELLER_ESTOP, "no valid paper: all %s papers "
	    "rejected (%s)%s", a, heads, strstr(heads, "more candidates "
	    "than entitled") != NULL && r->seats == 1 ? ": ranked papers? "
	    "try -m irv" : "");
}

/* Copy the hand lots into the result; refuse any the count did not
 * use (each must match a tie that arose). */
static int
keep_lots(teller_ctx *ctx, const teller_rules *rules,
    struct teller_result *r)
{
	size_t i;
	int used = 0, k;

	for (i = 0; i < r->ties->len; i++) {
		const struct tl_tie *t = &TL_VEC_AT(r->ties, struct tl_tie, i);
		/* ranked-pairs records its drawn ranking as one tie, drawn
		 * by ntied - 1 lots (m_ranked_pairs.c draw_tbrc) */
		if (t->how == TL_TIE_HAND)
			used += t->kind == TL_TIEK_PAIR_ORDER ? t->ntied - 1
			    : 1;
	}
	if (used < rules->nlots)
		return tl_fail(ctx, TELLER_ESTOP, "lot %d ('%s') was not "
		    "used: the count met no such tie", used + 1,
		    rules->lots[used]);
	r->nlots = rules->nlots;
	r->lots = tl_alloc(ctx, (size_t)r->nlots + 1, sizeof(char *));
	if (r->lots == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < r->nlots; k++)
		if ((r->lots[k] = tl_strdup(ctx, rules->lots[k])) == NULL)
			return TELLER_ENOMEM;
	return TELLER_OK;
}

int
teller_count(teller_ctx *ctx, const teller_contest *contest,
    const teller_profile *profile, const teller_rules *rules,
    teller_result **out)
{
	const struct tl_method *m = tl_method_find(rules->method);
	struct tl_lots probe;
	int rc;

	*out = NULL;
	tl_lots_forget(ctx);
	if (m == NULL)
		return tl_fail(ctx, TELLER_EINVAL, "unknown method '%s'",
		    rules->method != NULL ? rules->method : "(none)");
	if (rules->seats < 0 || rules->seats > ctx->lim.seats)
		return tl_fail(ctx, TELLER_EINVAL, "seats must be 1..%d",
		    ctx->lim.seats);
	if (profile->ncand != contest->ncand)
		return tl_fail(ctx, TELLER_EINTERNAL, "profile and contest "
		    "disagree on candidates");
	if (rules->nlots < 0 || (rules->nlots > 0 && rules->lots == NULL))
		return tl_fail(ctx, TELLER_EINVAL, "bad list of lots");
	if (ctx->cert != NULL && strcmp(m->name, "stv-scottish") != 0 &&
	    strcmp(m->name, "irv") != 0 && strcmp(m->name, "fptp") != 0 &&
	    strcmp(m->name, "block") != 0 && strcmp(m->name, "sv") != 0 &&
	    strcmp(m->name, "stv-wigm") != 0 &&
	    strcmp(m->name, "stv-ers97") != 0 &&
	    strcmp(m->name, "stv-meek") != 0)
		return tl_fail(ctx, TELLER_EINVAL, "%s: no count certificate "
		    "yet (fptp, block, sv, irv, stv-scottish, stv-wigm, "
		    "stv-ers97 and stv-meek write one)", m->name);
	/* a bad lot is a usage error, found before counting */
	if ((rc = tl_lots_init(ctx, &probe, contest, rules)) != TELLER_OK ||
	    (rc = check_seats(ctx, m, contest, rules)) != TELLER_OK)
		return rc;
	rc = m->fn(ctx, contest, profile, rules, out);
	if (*out != NULL) {
		(*out)->method = m->name;
		(*out)->method_title = m->title;
	}
	if (rc == TELLER_OK && *out != NULL) {
		(*out)->seed = tl_strdup(ctx, rules->seed != NULL ?
		    rules->seed : "1");
		if ((*out)->seed == NULL)
			rc = TELLER_ENOMEM;
		if (rc != TELLER_OK ||
		    (rc = tl_decl_apply(ctx, contest, rules->electorate,
		    *out)) != TELLER_OK ||
		    (rc = reconcile(ctx, profile, *out)) != TELLER_OK ||
		    (rc = tl_decl_check_count(ctx, *out)) != TELLER_OK ||
		    (rc = tl_result_derive_transfers(ctx, *out)) != 0 ||
		    (rc = keep_lots(ctx, rules, *out)) != TELLER_OK)
			*out = NULL;
	}
	return rc;
}
