/* SPDX-License-Identifier: MIT */
/* invariants.c -- the figures the rules of §4.1 are stated on: verified
 * totals, papers per area (I10), first preferences and stage-2 sorting
 * (I14), open doubtful papers (I12). */
#include "desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long
d_verified_area(const struct desk *d, int c, int area)
{
	long long t = 0;

	for (int i = 0; i < d->nboxes; i++)
		for (int j = 0; j < d->boxes[i].npolls; j++) {
			const struct d_vpoll *p = &d->boxes[i].polls[j];

			if (p->contest == c && (area < 0 || p->area == area) &&
			    p->decided)
				t += p->verified;
		}
	return t;
}

long long
d_verified_contest(const struct desk *d, int c)
{
	return d_verified_area(d, c, -1);
}

const struct d_tally *
d_tally_partner(const struct desk *d, const struct d_tally *t)
{
	const struct d_tally *p;

	if (d_bix_tally_partner(d, t, &p) == 0)
		return p;	/* the index (bundleix.c) */
	for (int i = 0; i < d->ntallies; i++) {
		const struct d_tally *o = &d->tallies[i];

		if (o != t && !o->withdrawn && o->contest == t->contest &&
		    o->round == t->round && o->area == t->area &&
		    strcmp(o->sheet, t->sheet) == 0)
			return o;
	}
	return NULL;
}

/* I20: two current entries by different users with the same figures. */
int
d_tally_agreed(const struct desk *d, const struct d_tally *t)
{
	const struct d_tally *o = d_tally_partner(d, t);

	if (!o || strcmp(o->user, t->user) == 0 || o->papers != t->papers)
		return 0;
	return memcmp(o->votes, t->votes, sizeof o->votes) == 0;
}

/* Tally-sheet papers of a (round, area): each sheet once (the larger
 * of its two entries while they differ). */
long long
d_tally_papers(const struct desk *d, int c, int round, int area)
{
	long long t = 0;

	for (int i = 0; i < d->ntallies; i++) {
		const struct d_tally *x = &d->tallies[i];
		const struct d_tally *o;

		if (x->contest != c || x->round != round || x->withdrawn ||
		    (area >= 0 && x->area != area))
			continue;
		o = d_tally_partner(d, x);
		if (!o || x->entry < o->entry)
			t += (o && o->papers > x->papers) ? o->papers :
			    x->papers;
	}
	return t;
}

/* Papers of a (round, area, stage): bundles, tally sheets and doubtful
 * papers, decided or not. */
long long
d_papers_area(const struct desk *d, int c, int round, int area, int stage)
{
	long long t = stage == 1 ? d_tally_papers(d, c, round, area) : 0;
	long long kept;

	if (d_bix_papers(d, c, round, area, stage, &kept) == 0)
		return t + kept;	/* the bundles' index (bundleix.c) */
	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest == c && b->round == round && b->stage == stage &&
		    (area < 0 || b->area == area) && !b->withdrawn)
			t += b->papers;
	}
	return t;
}

/* Valid papers of stage 1: all but the wholly rejected (I11). */
long long
d_valid(const struct desk *d, int c, int round)
{
	long long t = d_papers_area(d, c, round, -1, 1);

	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest == c && b->round == round && b->stage == 1 &&
		    !b->withdrawn && b->kind == 'd' && b->decided != 'v')
			t -= b->papers;
	}
	return t;
}

/* Votes for pos in round, stage 1 (I9): candidate bundles, pattern
 * bundles holding pos, allowed doubtful papers, agreed tally sheets. */
long long
d_first(const struct desk *d, int c, int round, int pos)
{
	unsigned long long bit = 1ULL << (pos - 1);
	long long t = 0;

	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest != c || b->round != round || b->stage != 1 ||
		    b->withdrawn)
			continue;
		if ((b->kind == 'c' && b->cand == pos) ||
		    (b->kind == 'p' && (b->pat & bit)) ||
		    (b->kind == 'd' && b->decided == 'v' &&
		    (b->cand == pos || (b->pat & bit))))
			t += b->papers;
	}
	for (int i = 0; i < d->ntallies; i++) {
		const struct d_tally *x = &d->tallies[i];
		const struct d_tally *o;

		if (x->contest != c || x->round != round || x->withdrawn ||
		    !d_tally_agreed(d, x))
			continue;
		o = d_tally_partner(d, x);
		if (x->entry < o->entry)
			t += x->votes[pos - 1];
	}
	return t;
}

/* Stage-2 papers sorted from eliminated pos (bundles and doubtful). */
long long
d_sorted_from(const struct desk *d, int c, int round, int pos)
{
	long long t = 0;

	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest == c && b->round == round && b->stage == 2 &&
		    !b->withdrawn && b->source == pos)
			t += b->papers;
	}
	return t;
}

/* "1,234,567" */
void
d_commas(long long v, char *buf, size_t n)
{
	char raw[32], out[48];
	int len, k = 0, neg = v < 0;

	len = snprintf(raw, sizeof raw, "%lld", neg ? -v : v);
	if (neg)
		out[k++] = '-';
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = raw[i];
	}
	out[k] = 0;
	snprintf(buf, n, "%s", out);
}

/* I10 at the gate: every area's stage-1 papers equal its verified
 * total. */
int
d_reconciled(const struct desk *d, int c, char *why, size_t n)
{
	const struct d_contest *k = &d->cs[c];

	for (int a = 0; a < k->nareas; a++) {
		long long p = d_papers_area(d, c, k->round, a, 1);
		long long v = d_verified_area(d, c, a);

		if (p != v) {
			char x[32], y[32];

			d_commas(p, x, sizeof x);
			d_commas(v, y, sizeof y);
			snprintf(why, n, "I10: round %d in area %s holds %s"
			    " papers, the verified total is %s (%+lld)",
			    k->round, k->areas[a].id, x, y, p - v);
			return 0;
		}
	}
	return 1;
}

/* I14 at the gate: each eliminated candidate's papers all sorted. */
int
d_i14(const struct desk *d, int c, char *why, size_t n)
{
	const struct d_contest *k = &d->cs[c];

	/* An entry carried into a bundle_check or partial round was
	 * sorted against the round before's remaining set: it must fit
	 * this one's. */
	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];
		char *end;
		long to;

		if (b->contest != c || b->round != k->round || b->stage != 2 ||
		    b->withdrawn || !b->carried)
			continue;
		to = b->dest ? strtol(b->dest, &end, 10) : 0;
		if (b->source < 1 || b->source > k->ncands ||
		    !k->eliminated[b->source - 1] || (b->dest && !*end &&
		    (to < 1 || to > k->ncands || !k->remaining[to - 1]))) {
			snprintf(why, n, "I14: carried entry %d (%d to %s) does"
			    " not fit the remaining set; drop it", b->carried,
			    b->source, b->dest ? b->dest : "-");
			return 0;
		}
	}
	for (int p = 1; p <= k->ncands; p++) {
		long long f, s;

		if (!k->eliminated[p - 1])
			continue;
		f = d_first(d, c, k->round, p);
		s = d_sorted_from(d, c, k->round, p);
		if (f != s) {
			snprintf(why, n, "I14: candidate %d: %lld of %lld"
			    " sorted", p, s, f);
			return 0;
		}
	}
	return 1;
}

int
d_open_doubtful(const struct desk *d, int c, int round, int area, int table,
    int stage)
{
	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest == c && b->round == round && b->stage == stage &&
		    b->kind == 'd' && !b->decided && !b->withdrawn &&
		    (area < 0 || b->area == area) &&
		    (table < 0 || b->table == table))
			return b->entry;
	}
	return 0;
}

int
d_sheet_closed(const struct desk *d, int c, int round, int area, int table,
    int stage)
{
	for (int i = 0; i < d->nsheets; i++) {
		const struct d_sheet *s = &d->sheets[i];

		if (s->contest == c && s->round == round && s->area == area &&
		    s->table == table && s->stage == stage)
			return 1;
	}
	return 0;
}
