/* SPDX-License-Identifier: MIT */
/*
 * uk_paper.c -- a UK ballot paper as the statutory methods read it: its
 * marks, and the heads of rejection for block vote, FPTP (LEPAR 2006
 * Sch.2 r.47 as given in uk-rules.md section 2) and the Supplementary
 * Vote (MER 2007 Sch.1 rr.48, 52).
 */
#include <string.h>

#include "uk_paper.h"

bool
tl_uk_standing(const struct teller_contest *c, int i)
{
	const struct tl_cand *cd = TL_CAND(c, i);

	return !cd->withdrawn && !cd->writein;
}

int
tl_uk_seen_init(teller_ctx *ctx, struct tl_uk_seen *s, int ncand)
{
	s->ncand = ncand;
	s->stamp = 0;
	s->seen = tl_alloc(ctx, (size_t)ncand + 1, sizeof(uint32_t));
	s->ids = tl_alloc(ctx, (size_t)ncand + 1, sizeof(int));
	return s->seen != NULL && s->ids != NULL ? TELLER_OK : TELLER_ENOMEM;
}

/* A fresh stamp: every candidate reads as unseen. */
static uint32_t
next_stamp(struct tl_uk_seen *s)
{
	if (++s->stamp == 0) {
		memset(s->seen, 0, (size_t)s->ncand * sizeof(uint32_t));
		s->stamp = 1;
	}
	return s->stamp;
}

int
tl_uk_marks(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const struct tl_pat *pat, int from,
    int to, struct tl_uk_seen *s, int *ids, int *k, int *u, int *any)
{
	struct tl_rank r;
	uint32_t st = next_stamp(s);
	int rank = 0, i;

	*k = *u = *any = 0;
	for (r = tl_rank_first(p, pat); r.cells != NULL;
	    r = tl_rank_next(r), rank++) {
		if (to >= 0 && rank >= to)
			break;
		if (rank < from)
			continue;
		for (i = 0; i < r.n; i++) {
			int id = r.ids[i];
			const struct tl_cand *cd;

			if (id >= c->ncand)
				return tl_fail(ctx, TELLER_EINTERNAL,
				    "a ballot marks candidate %d of %d",
				    id + 1, c->ncand);
			cd = TL_CAND(c, id);
			(*any)++;
			if (cd->withdrawn)
				continue;
			if (cd->writein) {
				(*u)++;
				continue;
			}
			if (s->seen[id] == st)
				continue;
			s->seen[id] = st;
			if (ids != NULL)
				ids[*k] = id;
			(*k)++;
		}
	}
	return TELLER_OK;
}

enum tl_uk_head
tl_uk_block_head(int k, int u, int seats, unsigned flags)
{
	if (flags & TL_PAPER_NO_OFFICIAL_MARK)
		return TL_UK_NO_OFFICIAL;
	if (k > seats)
		return TL_UK_TOO_MANY;
	if (flags & TL_PAPER_IDENTIFYING)
		return TL_UK_IDENTIFYING;
	if (k == 0)
		return u == 0 ? TL_UK_UNMARKED : TL_UK_UNCERTAIN;
	if (u > 0 && k + u > seats)
		return TL_UK_UNCERTAIN;
	return u > 0 ? TL_UK_PART : TL_UK_VALID;
}

int
tl_uk_sv_paper(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const struct tl_pat *pat,
    unsigned flags, struct tl_uk_seen *s, struct tl_uk_sv_paper *out)
{
	int k, u, any, rest;
	int rc;

	out->first = out->second = -1;
	out->second_head = TL_UK_UNMARKED;
	/* the first-preference column: rank 1 (MER 2007 Sch.1 r.48(1)) */
	if ((rc = tl_uk_marks(ctx, c, p, pat, 0, 1, s, s->ids, &k, &u, &any))
	    != TELLER_OK)
		return rc;
	if (flags & TL_PAPER_NO_OFFICIAL_MARK)
		out->first_head = TL_UK_NO_OFFICIAL;		/* r.48(1)(a) */
	else if (k >= 2)
		out->first_head = TL_UK_TOO_MANY;		/* r.48(1)(b) */
	else if (flags & TL_PAPER_IDENTIFYING)
		out->first_head = TL_UK_IDENTIFYING;		/* r.48(1)(c) */
	else if (k == 0 || u > 0)
		out->first_head = TL_UK_UNCERTAIN;		/* r.48(1)(d) */
	else
		out->first_head = TL_UK_VALID;
	if (out->first_head == TL_UK_UNCERTAIN && any == 0) {
		/* unmarked: no mark anywhere on the paper */
		if ((rc = tl_uk_marks(ctx, c, p, pat, 0, -1, s, NULL, &k, &u,
		    &rest)) != TELLER_OK)
			return rc;
		if (rest == 0)
			out->first_head = TL_UK_UNMARKED;
	}
	if (out->first_head != TL_UK_VALID)
		return TELLER_OK;
	out->first = s->ids[0];
	/* the second-preference column: rank 2 only (r.52(2)); rank 3 and
	 * later are never looked at */
	if ((rc = tl_uk_marks(ctx, c, p, pat, 1, 2, s, s->ids, &k, &u, &any))
	    != TELLER_OK)
		return rc;
	if (k >= 2)
		out->second_head = TL_UK_TOO_MANY;
	else if (u > 0)
		out->second_head = TL_UK_UNCERTAIN;
	else if (k == 0)
		out->second_head = TL_UK_UNMARKED;
	else {
		out->second = s->ids[0];
		out->second_head = out->second == out->first ? TL_UK_SAME
		    : TL_UK_VALID;
	}
	return TELLER_OK;
}

enum tl_uk_sv_fate
tl_uk_sv_fate(const struct tl_uk_sv_paper *pp, const bool *remain)
{
	if (remain[pp->first])
		return TL_SVX_REMAINS;
	switch (pp->second_head) {
	case TL_UK_VALID:
		return remain[pp->second] ? TL_SVX_TRANSFER
		    : TL_SVX_ELIMINATED;
	case TL_UK_SAME:
		return TL_SVX_SAME;
	case TL_UK_TOO_MANY:
		return TL_SVX_TOO_MANY;
	case TL_UK_UNCERTAIN:
		return TL_SVX_UNCERTAIN;
	default:
		return TL_SVX_UNMARKED;
	}
}

static const char *const regime_names[] = {
	[TL_REG_LEPAR2006] = "lepar2006",
	[TL_REG_LEPCR2006] = "lepcr2006",
	[TL_REG_RPA1983] = "rpa1983",
	[TL_REG_MER_FPTP_2023] = "mer-fptp-2023",
	[TL_REG_MER2007_SV] = "mer2007-sv",
};

int
tl_uk_regime_find(const char *name)
{
	int i;

	for (i = 0; name != NULL && i <= TL_REG_MER2007_SV; i++)
		if (strcmp(regime_names[i], name) == 0)
			return i;
	return -1;
}

bool
tl_uk_regime_fits(enum tl_uk_regime regime, const char *method)
{
	switch (regime) {
	case TL_REG_LEPAR2006:
	case TL_REG_LEPCR2006:
		return strcmp(method, "fptp") == 0 ||
		    strcmp(method, "block") == 0;
	case TL_REG_RPA1983:
	case TL_REG_MER_FPTP_2023:
		return strcmp(method, "fptp") == 0;
	default:
		return strcmp(method, "sv") == 0;
	}
}
