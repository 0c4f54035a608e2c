/* SPDX-License-Identifier: MIT */
/*
 * profile.h -- the contest (candidates) and the ballot profile: distinct
 * patterns with weights, merged as they are read (profile.c).
 */
#ifndef TL_PROFILE_H
#define TL_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

struct tl_strtab;

struct tl_cand {
	const char *name;  /* UTF-8, never NULL */
	const char *party; /* UTF-8, "" if none */
	bool withdrawn;    /* removed from every ranking before counting */
	bool writein;      /* a write-in pseudo-candidate */
};

/* A section of an electoral college (methods.md 4.3): weight num/den
 * (positive, reduced), as written in text. */
struct tl_section {
	const char *id;
	const char *name;   /* ID if the input gave none */
	const char *weight; /* as written, e.g. "1/3" */
	int64_t num, den;
};

struct teller_contest {
	const char *title;    /* "" if none */
	int seats;            /* from the file; 0 if the file does not say */
	int ncand;
	struct tl_vec *cands; /* of struct tl_cand */
	/*
	 * Droop [tie]: candidate ids, in the order given; NULL if none.
	 * Droop's semantics (jklundell/droop, BltFileFormat.md: "[tie ...]:
	 * a list of candidate IDs or nicknames specifying a predetermined
	 * tiebreaking order"; every rule's breakTie returns
	 * C.byTieOrder(tied)[0], "choose the tied candidate who is earliest
	 * in a predetermined random tiebreaking order"): whatever the tie
	 * decides, the tied candidate EARLIEST in the list is the one
	 * chosen -- excluded (defeated) in a tie for exclusion, elected in
	 * a tie for election, taken first in a tie for which surplus to
	 * transfer. So for exclusion the first listed loses; for election
	 * the first listed wins. (Droop's scotland rule first tries the
	 * earlier stages, then uses this order as the lot.) The list names
	 * every candidate exactly once (ntie_order == ncand).
	 */
	int *tie_order;
	int ntie_order;
	/* College sections (methods.md 4.3), of struct tl_section, in
	 * declaration order; NULL if the input declares none. */
	struct tl_vec *sects;
	/* Declaration facts no ballot holds (reports.md 4.1; decl.c),
	 * from '# electorate:' and '# rejected:' directives: electorate
	 * 0 if not given; papers rejected by hand under the heads of
	 * enum tl_decl_head (given: 1u << head); where each was written. */
	int64_t electorate;
	long electorate_line, electorate_col;
	int64_t hand_rej[2];
	long hand_line[2], hand_col[2];
	unsigned hand_given;
};
#define TL_CAND(c, i) (&TL_VEC_AT((c)->cands, struct tl_cand, (i)))

/* Candidate ids are 0-based indices into the contest. */
typedef uint16_t tl_cid;
#define TL_CID_MAX 65000

/*
 * A ballot pattern: the ranks as marked. Cells of pattern p are
 * cells[p.off .. p.off + p.len): for each rank, a count n then n candidate
 * ids (n == 0 skipped rank, n > 1 overvote; repeats across ranks kept).
 * The weight is at scale 10^wdp (wdp == 0 for plain counts).
 */
struct tl_pat {
	uint32_t off;    /* first cell */
	uint32_t len;    /* number of cells */
	uint32_t nranks; /* ranks marked (including skipped ones) */
	uint32_t hash;   /* hash of the cells */
	int64_t w;       /* weight, scale 10^wdp, > 0 */
};

struct teller_profile {
	int ncand;
	int wdp;              /* decimal places of weights */
	struct tl_vec *pats;  /* of struct tl_pat */
	struct tl_vec *cells; /* of tl_cid */
	uint64_t *slots;      /* open-addressing table: hash << 32 | index + 1
			       * (0 = empty), so probes rarely touch patterns */
	size_t nslots;        /* power of two */
	struct tl_vec *table; /* owns slots (freed with the context) */
	size_t indexed;       /* patterns [0, indexed) are in slots; the rest
			       * were stored by tl_profile_add_keys, which
			       * knew them new, and are put in when needed */
	int64_t total;        /* sum of weights, scale 10^wdp */
	int64_t lines;        /* ballots (lines/records) read, unweighted */
	int64_t empty;        /* weight of ballots with no marks at all */
	struct tl_strtab *ids; /* ballot ids read (copies), or NULL if the
				* input gave none; see teller_profile_merge */
	/* With college sections: the ballots of section k (the contest's
	 * sects) also in sub[k]; this profile pools them all. */
	struct teller_profile **sub;
	int nsub;
};

/* New empty contest / profile. */
struct teller_contest *tl_contest_new(teller_ctx *ctx) TL_MUST_CHECK;
/* Append a candidate (name and party copied; party may be NULL). Returns
 * its id, or -1 with the error recorded (ELIMIT past limits.candidates). */
int tl_contest_add(teller_ctx *ctx, struct teller_contest *c,
    const char *name, size_t nlen, const char *party, size_t plen)
    TL_MUST_CHECK;
/* Check names: non-empty, valid UTF-8, no NUL, unique. EDUP / EENCODING. */
int tl_contest_check_names(teller_ctx *ctx, const struct teller_contest *c)
    TL_MUST_CHECK;
/* Candidate id with exactly this name, or -1. */
int tl_contest_find(const struct teller_contest *c, const char *name,
    size_t n);

struct teller_profile *tl_profile_new(teller_ctx *ctx, int ncand) TL_MUST_CHECK;

/* Builder for one pattern: call tl_profile_begin, then tl_profile_rank
 * once per rank with that rank's marks, then tl_profile_end with the
 * weight (scale 10^wdp). Identical patterns are merged. */
int tl_profile_begin(teller_ctx *ctx, struct teller_profile *p) TL_MUST_CHECK;
int tl_profile_rank(teller_ctx *ctx, struct teller_profile *p,
    const tl_cid *marks, int n) TL_MUST_CHECK;
int tl_profile_end(teller_ctx *ctx, struct teller_profile *p, int64_t w)
    TL_MUST_CHECK;

/* Add a whole pattern of single marks (ids[i] at rank i+1). */
int tl_profile_add_simple(teller_ctx *ctx, struct teller_profile *p,
    const tl_cid *ids, int n, int64_t w) TL_MUST_CHECK;

/* A pattern already laid out as cells (see struct tl_pat), for
 * tl_profile_add_cells. */
struct tl_cells {
	const tl_cid *cells; /* not inside the profile's own cells */
	size_t len;          /* number of cells */
	int64_t w;           /* weight, scale 10^wdp */
};
/* Add n patterns in order, exactly as n begin/rank/end calls would (same
 * merging, limits, errors), but hashing and prefetching them in batches.
 * No pattern may be open. *done: how many were added before an error. */
int tl_profile_add_cells(teller_ctx *ctx, struct teller_profile *p,
    const struct tl_cells *b, size_t n, size_t *done) TL_MUST_CHECK;

/* Raise the weight scale to wdp (existing weights multiplied). */
int tl_profile_set_wdp(teller_ctx *ctx, struct teller_profile *p, int wdp)
    TL_MUST_CHECK;

/* Sum another profile into p (same ncand; weights rescaled). */
/* A reader's last word on what it read, instead of writing p's fields
 * itself: p->ncand follows the contest as a reader adds candidates
 * (never fewer); p->lines is the ballots read when that is not one a
 * pattern added (a count column, a profile file's header, packed keys
 * tallied apart). */
void tl_profile_set_ncand(struct teller_profile *p, int ncand);
void tl_profile_set_lines(struct teller_profile *p, int64_t lines);

/* p's set of ballot ids, made empty the first time; NULL on OOM. */
struct tl_strtab *tl_profile_ids(teller_ctx *ctx, struct teller_profile *p)
    TL_MUST_CHECK;
/* p, which has no ids yet, takes the reader's set *ids (made in ctx;
 * the reader drops it). ENOMEM. */
int tl_profile_take_ids(teller_ctx *ctx, struct teller_profile *p,
    const struct tl_strtab *ids) TL_MUST_CHECK;

int tl_profile_merge(teller_ctx *ctx, struct teller_profile *p,
    const struct teller_profile *q) TL_MUST_CHECK;

#define TL_PAT(p, i) (&TL_VEC_AT((p)->pats, struct tl_pat, (i)))
#define TL_CELLS(p, pat) (&TL_VEC_AT((p)->cells, tl_cid, (pat)->off))

/* Iterate ranks of a pattern: start with r = tl_rank_first(p, pat), then
 * while r.cells: use r.n, r.ids, then r = tl_rank_next(r). Inline: the
 * methods' inner loops walk every rank of every pattern. */
struct tl_rank {
	const tl_cid *ids; /* marks at this rank */
	int n;             /* how many */
	const tl_cid *cells; /* cursor; NULL when done */
	const tl_cid *end;
};
static inline struct tl_rank
tl_rank_first(const struct teller_profile *p, const struct tl_pat *pat)
{
	struct tl_rank r;
	const tl_cid *c = TL_CELLS(p, pat);

	r.end = c + pat->len;
	r.cells = c;
	if (c >= r.end) {
		r.cells = NULL;
		r.ids = NULL;
		r.n = 0;
		return r;
	}
	r.n = c[0];
	r.ids = c + 1;
	return r;
}

static inline struct tl_rank
tl_rank_next(struct tl_rank r)
{
	r.cells += r.n + 1;
	if (r.cells >= r.end) {
		r.cells = NULL;
		r.ids = NULL;
		r.n = 0;
		return r;
	}
	r.n = r.cells[0];
	r.ids = r.cells + 1;
	return r;
}


/*
 * "Clean" preference list as most STV/IRV rules read a ballot: walk the
 * ranks, skip withdrawn candidates and skipped ranks, keep each candidate's
 * first appearance only. Writes up to max ids into out and returns how
 * many. The walk stops at the first rank with several live marks (an
 * overvote or equal ranking), setting *had_equal (may be NULL).
 */
int tl_pat_clean(const struct teller_contest *c, const struct teller_profile *p,
    const struct tl_pat *pat, tl_cid *out, int max, bool *had_equal);

#endif /* TL_PROFILE_H */
