/* SPDX-License-Identifier: MIT */
/* bundleix.c -- the model's index of its bundles (and doubtful entries),
 * so that a write's checks cost the same in a book of 100 entries and
 * of 100,000: I7's used slip numbers and I10's papers per (contest,
 * round, area, stage), which were a scan of every bundle on each write.
 *
 * The contract: every bundle appended to d->bs is noted (d_bix_add,
 * after its fields are set) and every change of its withdrawn flag goes
 * through d_bix_withdraw. A bundle's contest, round, area, stage, slip
 * and papers never change once noted. The index covers d->bs[0..n); a
 * model whose nbs is not n (a bundle appended without a note) is not
 * trusted: the queries scan as before, and the next note builds the
 * index again from every bundle. Tally-sheet entries (block contests,
 * I8, I20) are chained the same way by (contest, round, area, sheet),
 * for an entry's partner, which was a walk of every tally entry (and
 * the sheets' papers a walk of walks): d_bix_tally_add after each
 * append. The queries only read, so the
 * readers' model (pool.c), changed under its write lock by replay
 * alone, can be asked from many reads at once. Without memory the
 * index is dropped and the scans answer. */
#include "desk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct bix_sum {		/* live papers of (contest, round, area, stage) */
	int contest, round, area, stage;	/* area -1: all areas */
	int used;
	long long papers;
};

struct bix_chain {		/* items chained by a hash of their key */
	int n;			/* items[0..n) are chained */
	int nbuck;		/* buckets, a power of 2 */
	int *head;		/* per bucket: its last item, -1 none */
	int *next;		/* per item: the one before in its bucket */
	int capnext;
};

struct d_bix {
	int n;			/* d->bs[0..n) are noted */
	int nbuck;		/* slip buckets, a power of 2 */
	int *head;		/* per bucket: its last bundle, -1 none */
	int *next;		/* per bundle: the one before in its bucket */
	int capnext;
	struct bix_sum *sums;	/* open addressing, a power of 2 */
	int capsums, nsums;
	struct bix_chain tally;	/* d->tallies by (c, round, area, sheet) */
};

static uint32_t
mix(uint32_t h, uint32_t v)
{
	return (h ^ v) * 16777619u;
}

static uint32_t
slip_hash(int c, int round, int area, const char *slip)
{
	uint32_t h = 2166136261u;

	h = mix(mix(mix(h, (uint32_t)c), (uint32_t)round), (uint32_t)area);
	for (; *slip; slip++)
		h = mix(h, (unsigned char)*slip);
	return h;
}

static uint32_t
sum_hash(int c, int round, int area, int stage)
{
	return mix(mix(mix(mix(2166136261u, (uint32_t)c), (uint32_t)round),
	    (uint32_t)area), (uint32_t)stage);
}

/* The slot of (c, round, area, stage): its own, or the empty one where
 * it would go. */
static struct bix_sum *
sum_slot(const struct d_bix *x, int c, int round, int area, int stage)
{
	uint32_t m = (uint32_t)x->capsums - 1;
	uint32_t i = sum_hash(c, round, area, stage) & m;

	for (;; i = (i + 1) & m) {
		struct bix_sum *s = &x->sums[i];

		if (!s->used || (s->contest == c && s->round == round &&
		    s->area == area && s->stage == stage))
			return s;
	}
}

static int
sums_grow(struct d_bix *x)
{
	struct d_bix y = *x;

	y.capsums = x->capsums ? x->capsums * 2 : 64;
	if (!(y.sums = calloc((size_t)y.capsums, sizeof *y.sums)))
		return -1;
	for (int i = 0; i < x->capsums; i++)
		if (x->sums[i].used)
			*sum_slot(&y, x->sums[i].contest, x->sums[i].round,
			    x->sums[i].area, x->sums[i].stage) = x->sums[i];
	free(x->sums);
	x->sums = y.sums;
	x->capsums = y.capsums;
	return 0;
}

/* Add papers to the live total of (c, round, area, stage). */
static int
sum_add(struct d_bix *x, int c, int round, int area, int stage,
    long long papers)
{
	struct bix_sum *s;

	if ((x->nsums + 1) * 2 > x->capsums && sums_grow(x))
		return -1;
	s = sum_slot(x, c, round, area, stage);
	if (!s->used) {
		s->used = 1;
		s->contest = c;
		s->round = round;
		s->area = area;
		s->stage = stage;
		x->nsums++;
	}
	s->papers += papers;
	return 0;
}

static int
sums_of(struct d_bix *x, const struct d_bundle *b, long long sign)
{
	if (sum_add(x, b->contest, b->round, b->area, b->stage,
	    sign * b->papers) || sum_add(x, b->contest, b->round, -1,
	    b->stage, sign * b->papers))
		return -1;
	return 0;
}

static void
bix_drop(struct desk *d)
{
	if (!d->bix)
		return;
	free(d->bix->head);
	free(d->bix->next);
	free(d->bix->sums);
	free(d->bix->tally.head);
	free(d->bix->tally.next);
	free(d->bix);
	d->bix = NULL;
}

void
d_bix_free(struct desk *d)
{
	bix_drop(d);
}

/* Bundle i into its slip bucket; the buckets doubled (all bundles
 * hashed again) when they are fewer than the bundles. */
static int
link_slip(struct desk *d, struct d_bix *x, int i)
{
	const struct d_bundle *b = &d->bs[i];
	uint32_t k;

	if (i >= x->capnext) {
		int cap = d->capbs > i ? d->capbs : i + 1;
		int *nn = realloc(x->next, (size_t)cap * sizeof *nn);

		if (!nn)
			return -1;
		x->next = nn;
		x->capnext = cap;
	}
	if (i + 1 > x->nbuck) {
		int nb = x->nbuck ? x->nbuck * 2 : 1024;
		int *nh = malloc((size_t)nb * sizeof *nh);

		if (!nh)
			return -1;
		free(x->head);
		x->head = nh;
		x->nbuck = nb;
		memset(nh, 0xff, (size_t)nb * sizeof *nh);	/* all -1 */
		for (int j = 0; j < i; j++)
			if (link_slip(d, x, j))
				return -1;
	}
	x->next[i] = -1;
	if (!b->slip)
		return 0;
	k = slip_hash(b->contest, b->round, b->area, b->slip) &
	    (uint32_t)(x->nbuck - 1);
	x->next[i] = x->head[k];
	x->head[k] = i;
	return 0;
}

/* Note d->bs[i] (its fields set). */
static int
note(struct desk *d, struct d_bix *x, int i)
{
	if (link_slip(d, x, i) || (!d->bs[i].withdrawn &&
	    sums_of(x, &d->bs[i], 1)))
		return -1;
	x->n = i + 1;
	return 0;
}

/* The bundles' part emptied, the tally entries' chain kept. */
static void
bundles_reset(struct d_bix *x)
{
	struct bix_chain keep = x->tally;

	free(x->head);
	free(x->next);
	free(x->sums);
	memset(x, 0, sizeof *x);
	x->tally = keep;
}

void
d_bix_add(struct desk *d, const struct d_bundle *b)
{
	int i = (int)(b - d->bs);

	if (d->bix && d->bix->n == i && d->nbs == i + 1) {
		if (note(d, d->bix, i))
			bix_drop(d);
		return;
	}
	/* first use, or a bundle appended without a note: the bundles
	 * from scratch (the tally entries' chain stays) */
	if (!d->bix && !(d->bix = calloc(1, sizeof *d->bix)))
		return;
	bundles_reset(d->bix);
	for (int j = 0; j < d->nbs; j++)
		if (note(d, d->bix, j)) {
			bix_drop(d);
			return;
		}
}

void
d_bix_withdraw(struct desk *d, struct d_bundle *b, int withdrawn)
{
	struct d_bix *x = d->bix;
	int i = (int)(b - d->bs);

	if (x && x->n == d->nbs && i >= 0 && i < x->n && !b->withdrawn !=
	    !withdrawn && sums_of(x, b, withdrawn ? -1 : 1))
		bix_drop(d);
	b->withdrawn = withdrawn;
}

static const struct d_bix *
trusted(const struct desk *d)
{
	return d->bix && d->bix->n == d->nbs ? d->bix : NULL;
}

int
d_bix_papers(const struct desk *d, int c, int round, int area, int stage,
    long long *papers)
{
	const struct d_bix *x = trusted(d);
	const struct bix_sum *s;

	if (!x)
		return -1;
	s = x->capsums ? sum_slot(x, c, round, area < 0 ? -1 : area,
	    stage) : NULL;
	*papers = s && s->used ? s->papers : 0;
	return 0;
}

int
d_bix_slip(const struct desk *d, int c, int round, int area,
    const char *slip, int *first)
{
	const struct d_bix *x = trusted(d);
	int k, best = -1;

	if (!x)
		return -1;
	if (x->nbuck) {
		k = (int)(slip_hash(c, round, area, slip) &
		    (uint32_t)(x->nbuck - 1));
		for (int i = x->head[k]; i >= 0; i = x->next[i]) {
			const struct d_bundle *b = &d->bs[i];

			if (b->contest == c && b->round == round &&
			    b->area == area && !b->withdrawn &&
			    strcmp(b->slip, slip) == 0)
				best = i;	/* the chain runs newest first */
		}
	}
	*first = best;
	return 0;
}

static uint32_t
tally_hash(const struct d_tally *t)
{
	return slip_hash(t->contest, t->round, t->area, t->sheet);
}

/* Tally entry i into its bucket; the buckets doubled (all entries
 * hashed again) when they are fewer than the entries. */
static int
link_tally(struct desk *d, struct bix_chain *ch, int i)
{
	uint32_t k;

	if (i >= ch->capnext) {
		int cap = d->captallies > i ? d->captallies : i + 1;
		int *nn = realloc(ch->next, (size_t)cap * sizeof *nn);

		if (!nn)
			return -1;
		ch->next = nn;
		ch->capnext = cap;
	}
	if (i + 1 > ch->nbuck) {
		int nb = ch->nbuck ? ch->nbuck * 2 : 256;
		int *nh = malloc((size_t)nb * sizeof *nh);

		if (!nh)
			return -1;
		free(ch->head);
		ch->head = nh;
		ch->nbuck = nb;
		memset(nh, 0xff, (size_t)nb * sizeof *nh);	/* all -1 */
		for (int j = 0; j < i; j++)
			if (link_tally(d, ch, j))
				return -1;
	}
	k = tally_hash(&d->tallies[i]) & (uint32_t)(ch->nbuck - 1);
	ch->next[i] = ch->head[k];
	ch->head[k] = i;
	ch->n = i + 1;
	return 0;
}

void
d_bix_tally_add(struct desk *d)
{
	int i = d->ntallies - 1;
	struct bix_chain *ch;

	if (!d->bix && !(d->bix = calloc(1, sizeof *d->bix)))
		return;
	ch = &d->bix->tally;
	if (ch->n == i && i >= 0) {
		if (link_tally(d, ch, i))
			bix_drop(d);
		return;
	}
	/* first use, or an entry appended without a note: from scratch */
	free(ch->head);
	free(ch->next);
	memset(ch, 0, sizeof *ch);
	for (int j = 0; j < d->ntallies; j++)
		if (link_tally(d, ch, j)) {
			bix_drop(d);
			return;
		}
}

int
d_bix_tally_partner(const struct desk *d, const struct d_tally *t,
    const struct d_tally **partner)
{
	const struct bix_chain *ch = d->bix ? &d->bix->tally : NULL;
	const struct d_tally *best = NULL;

	if (!ch || ch->n != d->ntallies)
		return -1;
	if (ch->nbuck)
		for (int i = ch->head[tally_hash(t) & (uint32_t)(ch->nbuck -
		    1)]; i >= 0; i = ch->next[i]) {
			const struct d_tally *o = &d->tallies[i];

			if (o != t && !o->withdrawn && o->contest ==
			    t->contest && o->round == t->round && o->area ==
			    t->area && strcmp(o->sheet, t->sheet) == 0)
				best = o;	/* newest first: the last is
						 * the first in the book */
		}
	*partner = best;
	return 0;
}
