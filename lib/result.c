/* SPDX-License-Identifier: MIT */
/*
 * result.c -- building a count's result: stages, events, ties, tallies of
 * rejected ballots, and the vote-conservation check run after every stage.
 */
#include <string.h>

#include "tl_int.h"

struct teller_result *
tl_result_new(teller_ctx *ctx, const struct teller_contest *c,
    const char *method, int seats, int dp)
{
	struct teller_result *r = tl_alloc(ctx, 1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->method = method;
	r->method_title = method; /* teller_count puts the table's title */
	r->contest = c;
	r->ncand = c->ncand;
	r->seats = seats;
	r->dp = dp;
	r->valid_papers = -1;
	r->seed = "1";
	r->stages = tl_vec_new(ctx, sizeof(struct tl_stage));
	r->elected = tl_vec_new(ctx, sizeof(int));
	r->excluded = tl_vec_new(ctx, sizeof(int));
	r->ties = tl_vec_new(ctx, sizeof(struct tl_tie));
	r->rejected = tl_vec_new(ctx, sizeof(struct tl_tally));
	r->notes = tl_vec_new(ctx, sizeof(struct tl_tally));
	r->inputs = tl_vec_new(ctx, sizeof(struct tl_input));
	if (r->stages == NULL || r->elected == NULL || r->excluded == NULL ||
	    r->ties == NULL || r->rejected == NULL || r->notes == NULL ||
	    r->inputs == NULL)
		return NULL;
	return r;
}

struct tl_stage *
tl_result_stage(teller_ctx *ctx, struct teller_result *r,
    enum tl_stage_kind kind, int subject, const tl_fix *votes,
    tl_fix nontrans, tl_fix loss)
{
	struct tl_stage s = { 0 }, *sp;

	s.number = (int)r->stages->len + 1;
	s.kind = kind;
	s.subject = subject;
	s.nontrans = nontrans;
	s.loss = loss;
	s.value = -1;
	s.note = "";
	s.votes = tl_alloc(ctx, (size_t)r->ncand + 1, sizeof(tl_fix));
	if (s.votes == NULL)
		return NULL;
	if (r->ncand > 0)
		memcpy(s.votes, votes, (size_t)r->ncand * sizeof(tl_fix));
	sp = tl_vec_push(ctx, r->stages, &s);
	return sp;
}

static int
push_id(teller_ctx *ctx, int **arr, int *n, int id)
{
	int *a = tl_alloc(ctx, (size_t)*n + 1, sizeof(int));

	if (a == NULL)
		return TELLER_ENOMEM;
	if (*n > 0)
		memcpy(a, *arr, (size_t)*n * sizeof(int));
	a[(*n)++] = id;
	*arr = a;
	return TELLER_OK;
}

int
tl_result_elect(teller_ctx *ctx, struct teller_result *r, int cand)
{
	struct tl_stage *s;

	if (r->stages->len == 0)
		return tl_fail(ctx, TELLER_EINTERNAL,
		    "election before stage 1");
	s = TL_STAGE(r, r->stages->len - 1);
	if (push_id(ctx, &s->elected, &s->nelected, cand) != TELLER_OK)
		return TELLER_ENOMEM;
	return tl_vec_push(ctx, r->elected, &cand) ? TELLER_OK
						   : TELLER_ENOMEM;
}

int
tl_result_exclude(teller_ctx *ctx, struct teller_result *r, int cand)
{
	struct tl_stage *s;

	if (r->stages->len == 0)
		return tl_fail(ctx, TELLER_EINTERNAL,
		    "exclusion before stage 1");
	s = TL_STAGE(r, r->stages->len - 1);
	if (push_id(ctx, &s->excluded, &s->nexcluded, cand) != TELLER_OK)
		return TELLER_ENOMEM;
	return tl_vec_push(ctx, r->excluded, &cand) ? TELLER_OK
						    : TELLER_ENOMEM;
}

int
tl_result_tie(teller_ctx *ctx, struct teller_result *r,
    enum tl_tie_kind kind, enum tl_tie_how how,
    const int *tied, int ntied, int chosen, uint64_t draw)
{
	struct tl_tie t = { 0 };

	t.stage = (int)r->stages->len;
	t.kind = kind;
	t.how = how;
	t.ntied = ntied;
	t.chosen = chosen;
	t.draw = draw;
	t.tied = tl_alloc(ctx, (size_t)ntied + 1, sizeof(int));
	if (t.tied == NULL)
		return TELLER_ENOMEM;
	memcpy(t.tied, tied, (size_t)ntied * sizeof(int));
	return tl_vec_push(ctx, r->ties, &t) ? TELLER_OK : TELLER_ENOMEM;
}

int
tl_result_pending(teller_ctx *ctx, struct teller_result *r,
    enum tl_tie_kind kind, const int *tied, int ntied)
{
	r->status = TELLER_STATUS_LOT_NEEDED;
	return tl_result_tie(ctx, r, kind, TL_TIE_PENDING, tied, ntied, -1,
	    0);
}

int
teller_result_status(const teller_result *r)
{
	return r->status;
}

int
teller_result_remaining(const teller_result *r, size_t cand)
{
	return r->remain != NULL && cand < (size_t)r->ncand &&
	    r->remain[cand];
}

int
tl_result_tally(teller_ctx *ctx, struct teller_result *r, bool rejected,
    const char *name, const char *cite, tl_fix n)
{
	struct tl_tally t;

	t.name = name;
	t.cite = cite != NULL ? cite : "";
	t.n = n;
	return tl_vec_push(ctx, rejected ? r->rejected : r->notes, &t)
	    ? TELLER_OK : TELLER_ENOMEM;
}

/* A college stage's votes are points, not ballots: each section's
 * ballots are conserved instead (votes + non-transferable = its valid
 * ballots), and the sections' valid ballots make the result's; an
 * exhaustive ballot's round (has_round) has its own valid total. */
static int
check_sections(teller_ctx *ctx, const struct teller_result *r,
    const struct tl_stage *s)
{
	tl_fix all = 0;
	int k, i;
	bool round = s->has_round;

	for (k = 0; k < r->nsect; k++) {
		const struct tl_sect_stage *x = &s->sect[k];
		tl_fix sum = x->nontrans;

		for (i = 0; i < r->ncand; i++)
			if (__builtin_add_overflow(sum, x->votes[i], &sum))
				return tl_fail(ctx, TELLER_EOVERFLOW, "stage "
				    "%d: total overflows", s->number);
		if (sum != x->valid + x->nontrans || (!round &&
		    (r->sect_valid == NULL || sum != r->sect_valid[k])) ||
		    __builtin_add_overflow(all, sum, &all))
			return tl_fail(ctx, TELLER_EINTERNAL, "stage %d: "
			    "section %d's ballots not conserved", s->number,
			    k + 1);
	}
	if (all != (round ? s->round_valid : r->valid))
		return tl_fail(ctx, TELLER_EINTERNAL, "stage %d: the sections' "
		    "ballots do not make the valid ballots", s->number);
	return TELLER_OK;
}

int
tl_result_check(teller_ctx *ctx, const struct teller_result *r)
{
	const struct tl_stage *s;
	tl_fix sum;
	int i;

	if (r->stages->len == 0)
		return TELLER_OK;
	s = TL_STAGE(r, r->stages->len - 1);
	if (s->sect != NULL)
		return check_sections(ctx, r, s);
	/* scores, pairwise counts and bucklin's cumulative rounds are not
	 * votes that add up to the valid votes (methods.md 1.4); an
	 * exhaustive ballot's round has its own valid total (below) */
	if (s->kind == TL_STAGE_SCORES || s->kind == TL_STAGE_PAIRWISE ||
	    (s->kind == TL_STAGE_ROUND && !s->has_round))
		return TELLER_OK;
	sum = s->nontrans + s->loss;
	for (i = 0; i < r->ncand; i++)
		if (__builtin_add_overflow(sum, s->votes[i], &sum))
			return tl_fail(ctx, TELLER_EOVERFLOW, "stage %d: total "
			    "overflows", s->number);
	if (sum != (s->has_round ? s->round_valid : r->valid)) {
		char a[TL_NUM_BUFSZ], b[TL_NUM_BUFSZ];
		tl_num_fmt(a, sum, r->dp);
		tl_num_fmt(b, s->has_round ? s->round_valid : r->valid, r->dp);
		return tl_fail(ctx, TELLER_EINTERNAL, "stage %d: votes not "
		    "conserved (%s accounted for, %s valid)", s->number, a, b);
	}
	return TELLER_OK;
}

int
teller_result_nelected(const teller_result *r)
{
	return (int)r->elected->len;
}

const char *
teller_result_elected(const teller_result *r, int i)
{
	if (i < 0 || (size_t)i >= r->elected->len)
		return NULL;
	return TL_CAND(r->contest, TL_VEC_AT(r->elected, int, i))->name;
}

int
teller_result_add_input(teller_ctx *ctx, teller_result *r, const char *path,
    const char *sha256_hex)
{
	struct tl_input in;

	in.path = tl_strdup(ctx, path);
	in.sha256 = tl_strdup(ctx, sha256_hex != NULL ? sha256_hex : "");
	if (in.path == NULL || in.sha256 == NULL)
		return TELLER_ENOMEM;
	return tl_vec_push(ctx, r->inputs, &in) ? TELLER_OK : TELLER_ENOMEM;
}

const char *
teller_result_stopped(const teller_result *r)
{
	return r != NULL ? r->stopped : NULL;
}

/* Add votes from -> to to stage s's transfers. */
static int
stage_transfer(teller_ctx *ctx, struct tl_stage *s, int from, int to,
    tl_fix votes)
{
	struct tl_transfer t;
	size_t i;

	if (votes == 0)
		return TELLER_OK;
	if (s->transfers == NULL &&
	    (s->transfers = tl_vec_new(ctx, sizeof(t))) == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < s->transfers->len; i++) {
		struct tl_transfer *p =
		    &TL_VEC_AT(s->transfers, struct tl_transfer, i);
		if (p->from == from && p->to == to)
			return tl_num_add(ctx, p->votes, votes, &p->votes);
	}
	t.from = from;
	t.to = to;
	t.votes = votes;
	return tl_vec_push(ctx, s->transfers, &t) ? TELLER_OK : TELLER_ENOMEM;
}

int
tl_result_transfer(teller_ctx *ctx, struct teller_result *r, int from,
    int to, tl_fix votes)
{
	if (r->stages->len == 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "transfer before "
		    "stage 1");
	return stage_transfer(ctx, TL_STAGE(r, r->stages->len - 1), from, to,
	    votes);
}

int
tl_result_nt_why(teller_ctx *ctx, struct teller_result *r, const char *why,
    tl_fix n)
{
	struct tl_stage *s;
	struct tl_tally t;
	size_t i;

	if (r->stages->len == 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "reason before stage 1");
	s = TL_STAGE(r, r->stages->len - 1);
	if (s->nt_why == NULL &&
	    (s->nt_why = tl_vec_new(ctx, sizeof(t))) == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < s->nt_why->len; i++)
		if (strcmp(TL_VEC_AT(s->nt_why, struct tl_tally, i).name,
		    why) == 0) {
			TL_VEC_AT(s->nt_why, struct tl_tally, i).n = n;
			return TELLER_OK;
		}
	t.name = why;
	t.cite = "";
	t.n = n;
	return tl_vec_push(ctx, s->nt_why, &t) ? TELLER_OK : TELLER_ENOMEM;
}

/* Stage index k >= 1 from its predecessor, when exactly one candidate
 * gave votes: nothing is guessed when several did (Meek, batches). */
static int
derive_one(teller_ctx *ctx, struct teller_result *r, size_t k)
{
	struct tl_stage *s = TL_STAGE(r, k);
	const struct tl_stage *p = TL_STAGE(r, k - 1);
	int i, from = -1, rc = TELLER_OK;

	for (i = 0; i < r->ncand; i++)
		if (s->votes[i] < p->votes[i]) {
			if (from >= 0)
				return TELLER_OK;
			from = i;
		}
	if (from < 0)
		return TELLER_OK;
	for (i = 0; rc == TELLER_OK && i < r->ncand; i++)
		if (s->votes[i] > p->votes[i])
			rc = stage_transfer(ctx, s, from, i,
			    s->votes[i] - p->votes[i]);
	if (rc == TELLER_OK && s->nontrans > p->nontrans)
		rc = stage_transfer(ctx, s, from, TL_TO_NONTRANS,
		    s->nontrans - p->nontrans);
	/* a rounding rule may give back to the loss (negative growth) */
	if (rc == TELLER_OK && s->loss != p->loss)
		rc = stage_transfer(ctx, s, from, TL_TO_LOSS,
		    s->loss - p->loss);
	return rc;
}

int
tl_result_derive_transfers(teller_ctx *ctx, struct teller_result *r)
{
	size_t k;
	int rc;

	for (k = 1; k < r->stages->len; k++) {
		const struct tl_stage *s = TL_STAGE(r, k);
		/* a round of the exhaustive ballot is a new ballot: where
		 * the votes went is not known, so nothing is derived */
		if (s->has_round ||
		    (s->transfers != NULL && s->transfers->len > 0))
			continue;
		if ((rc = derive_one(ctx, r, k)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}
