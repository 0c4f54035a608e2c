/* SPDX-License-Identifier: MIT */
/*
 * sens.h -- rounding sensitivity (audit.md 7): how a count's decisions
 * and totals compare with a second, independent count of the same
 * profile in exact fractions (lib/audit/sens_stv.c, which fills it) and
 * the sentences the text and HTML reports print about it (sens.c).
 */
#ifndef TL_SENS_H
#define TL_SENS_H

#include <stdbool.h>

#include "num.h"
#include "out.h"
#include "result.h"

/* Places of the differences in max_difference. */
#define TL_SENS_DP 10

/* The largest per-candidate difference at one stage. */
struct tl_sens_diff {
	int stage;      /* 1-based, as the result's stages */
	int cand;       /* the candidate, or -1 when no total differs */
	tl_fix d;       /* statutory - other, at TL_SENS_DP, rounded half
			 * away from zero */
};

/* The statutory count against one other count. */
struct tl_sens_cmp {
	bool same_elected;    /* the same set elected */
	bool same_order;      /* ... in the same order */
	bool same_exclusions; /* the same candidates excluded, in order */
	int first_stage;      /* first stage whose decision (kind or
			       * subject) differs, or that only one count
			       * has; 0 when none */
	int *elected;         /* the other count's elected, in order */
	int nelected;
	int ndiff;
	struct tl_sens_diff *diff; /* [ndiff]: the stages up to the first
				    * that differs */
};

struct tl_sens {
	const char *rounding_words; /* "to 5 decimal places"; NULL: the
				     * method rounds nothing (irv) */
	const char *other_words;    /* the other count: "in exact
				     * fractions", "at 18 decimal places" */
	struct tl_sens_cmp rounding; /* against exact fractions */
	bool has_parcel;
	struct tl_sens_cmp parcel;   /* against truncation per parcel */
};

/* Did the other count take every decision the statutory count took? */
bool tl_sens_same(const struct tl_sens_cmp *c);

/* The short paragraph of the text and HTML reports, as plain text (the
 * HTML writer escapes it): which=0 rounding, 1 parcel. Candidate names
 * are written by name(ud, id) so that HTML can mark them up. */
void tl_sens_sentence(struct tl_out *o, const struct teller_result *r,
    int which, void (*name)(void *ud, int id), void *ud);

#endif /* TL_SENS_H */
