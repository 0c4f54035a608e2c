/* SPDX-License-Identifier: MIT */
/* invariants.c -- the figures the rules of §4.1 are stated on: verified
 * totals, papers per area (I10), first preferences and stage-2 sorting
 * (I14), open doubtful papers (I12). */
#include "desk.h"

#include <stdio.h>
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

/* Papers of a (round, area, stage): bundles and doubtful papers,
 * decided or not. */
long long
d_papers_area(const struct desk *d, int c, int round, int area, int stage)
{
	long long t = 0;

	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest == c && b->round == round && b->stage == stage &&
		    (area < 0 || b->area == area) && !b->withdrawn)
			t += b->papers;
	}
	return t;
}

/* Valid first preferences for pos in round (bundles and allowed
 * doubtful papers of stage 1). */
long long
d_first(const struct desk *d, int c, int round, int pos)
{
	long long t = 0;

	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest != c || b->round != round || b->stage != 1 ||
		    b->withdrawn || b->cand != pos)
			continue;
		if (b->kind == 'c' || (b->kind == 'd' && b->decided == 'v'))
			t += b->papers;
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
