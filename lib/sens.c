/* SPDX-License-Identifier: MIT */
/*
 * sens.c -- the words the text and HTML reports print about rounding
 * sensitivity (audit.md 7). The comparison itself is computed in
 * lib/audit/sens_stv.c; this file only reads struct tl_sens.
 */
#include "sens.h"

bool
tl_sens_same(const struct tl_sens_cmp *c)
{
	return c->same_elected && c->same_order && c->same_exclusions &&
	    c->first_stage == 0;
}

/* "A, B and C" through name. */
static void
list(struct tl_out *o, const int *ids, int n, void (*name)(void *, int),
    void *ud)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			tl_out_str(o, i == n - 1 ? " and " : ", ");
		name(ud, ids[i]);
	}
	if (n == 0)
		tl_out_str(o, "nobody");
}

/* The largest difference over every stage compared. */
static const struct tl_sens_diff *
largest(const struct tl_sens_cmp *c)
{
	const struct tl_sens_diff *best = NULL;
	int i;

	for (i = 0; i < c->ndiff; i++) {
		tl_fix d = c->diff[i].d < 0 ? -c->diff[i].d : c->diff[i].d;
		if (c->diff[i].cand >= 0 && (best == NULL || d > (best->d < 0 ?
		    -best->d : best->d)))
			best = &c->diff[i];
	}
	return best;
}

/* What the other count would have done, after its opening words. */
static void
changed(struct tl_out *o, const struct tl_sens_cmp *c,
    void (*name)(void *, int), void *ud)
{
	if (c->first_stage > 0)
		tl_out_fmt(o, " from stage %d", c->first_stage);
	if (c->same_elected && c->same_order) {
		tl_out_str(o, ", though the same candidates would be elected "
		    "in the same order.");
		return;
	}
	tl_out_str(o, c->same_elected ? ": the same candidates would be "
	    "elected, in the order " : ": ");
	list(o, c->elected, c->nelected, name, ud);
	tl_out_str(o, c->same_elected ? "." : " would be elected.");
}

void
tl_sens_sentence(struct tl_out *o, const struct teller_result *r,
    int which, void (*name)(void *ud, int id), void *ud)
{
	const struct tl_sens *s = r->sens;
	const struct tl_sens_cmp *c = which == 0 ? &s->rounding : &s->parcel;
	const struct tl_sens_diff *d;

	if (which == 1) {
		tl_out_str(o, "Truncating each parcel's total instead of each "
		    "paper's value (a common error) would ");
		if (tl_sens_same(c)) {
			tl_out_str(o, "not change any decision.");
			return;
		}
		tl_out_str(o, "change the count");
		changed(o, c, name, ud);
		return;
	}
	if (s->rounding_words == NULL) {
		tl_out_str(o, "This method only adds up votes and rounds "
		    "nothing, so rounding changed no decision.");
		return;
	}
	tl_out_fmt(o, "Rounding %s ", s->rounding_words);
	if (!tl_sens_same(c)) {
		tl_out_fmt(o, "changed the count: %s the decisions differ",
		    s->other_words);
		changed(o, c, name, ud);
		return;
	}
	tl_out_str(o, "did not change any decision");
	if ((d = largest(c)) == NULL) {
		tl_out_fmt(o, "; every total equals the count %s.",
		    s->other_words);
		return;
	}
	tl_out_fmt(o, "; the largest difference from a count %s is ",
	    s->other_words);
	tl_out_num(o, d->d < 0 ? -d->d : d->d, TL_SENS_DP);
	tl_out_str(o, " votes (");
	name(ud, d->cand);
	tl_out_fmt(o, ", stage %d).", d->stage);
}
