/* SPDX-License-Identifier: MIT */
/* sheetix.c -- the supervisors' sheet entries (F9, GET contests/C/sheets,
 * reads.c) kept in the readers' model (pool.c), so the sheet read costs
 * its answer and not the book.
 *
 * The contract:
 * - Only a model given an index (d_sheetix_open, before d_load) keeps
 *   one: serve's readers' model. d_replay_line notes every line it
 *   applies (d_sheetix_note); a model whose lines are not all noted
 *   (the writer's, whose COMMITs bypass the replay) has no index.
 * - For each bundle.add, tally.enter and doubtful.raise line it keeps
 *   the line's sheet entry as the sheets read renders it (canonical
 *   JSON of entry, action, at, by and data), filed under its contest and
 *   table, with the round, table and stage of its data (stage 1 when
 *   absent), and the entry of the first later line that names it in
 *   "supersedes" (superseded_by).
 * - Anything the index cannot follow exactly (no memory, an entry
 *   number that is not an integer or not above every earlier one, a
 *   "supersedes" naming an entry not yet made or not an integer) marks
 *   it broken: d_sheetix_entries then answers NULL and the read scans
 *   the book as before. It answers NULL too when the index has not seen
 *   every line of the model (its seq is not the model's).
 * - It keeps each sheet's totals too (papers, votes per position: the
 *   sums d_sheet_totals makes from the model's bundles and tallies),
 *   so a sheet read does not re-sum the model. A bundle.add or
 *   doubtful.raise line that supersedes nothing and made the model's
 *   next bundle adds that bundle to its sheet's totals; any other line
 *   with an entry (a withdrawal, a tally, a recount, a decision ...)
 *   may change what counts, so it marks the totals stale, and
 *   d_sheetix_settle sums them afresh from the model once the replay
 *   has caught up (pool.c: after d_load, after each catch-up). Stale
 *   totals are never served: d_sheet_totals then sums the model.
 * - Only the replay (under the write side of pool.c's `model`) changes
 *   it; reads (the read side) only render from it. */
#include "desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKET 64

struct sheet_ent {
	long long entry, round, table, stage, sup;
	int act, contest, has_sup;
	int next;		/* the next of its bucket, -1 none */
	char *text;		/* canonical entry less its closing brace */
	size_t len;		/* strlen(text) */
};

/* One sheet's totals: contest, round, table, stage. */
struct sheet_tot {
	int contest, next;	/* next: the next of its bucket, -1 none */
	long long round, table, stage;
	long long papers, votes[D_MAXC];
};

struct d_sheetix {
	struct sheet_ent *e;
	int n, cap;
	int head[NBUCKET], tail[NBUCKET];
	struct sheet_tot *t;
	int nt, capt, thead[NBUCKET];
	int nbs;		/* the model's bundles the totals have seen */
	int stale;		/* totals to be summed afresh (settle) */
	long long seq;		/* the model's seq it has seen to */
	long long max_entry;	/* the highest entry of any line noted */
	int broken;
};

static const char *const acts[] = { "bundle.add", "tally.enter",
	"doubtful.raise", NULL };

int
d_sheetix_open(struct desk *d)
{
	struct d_sheetix *x = calloc(1, sizeof *x);

	if (!x)
		return -1;
	for (int i = 0; i < NBUCKET; i++)
		x->head[i] = x->tail[i] = x->thead[i] = -1;
	x->seq = d->seq;
	x->nbs = d->nbs;
	x->stale = 1;
	d->sheetix = x;
	return 0;
}

void
d_sheetix_free(struct desk *d)
{
	struct d_sheetix *x = d->sheetix;

	if (!x)
		return;
	for (int i = 0; i < x->n; i++)
		free(x->e[i].text);
	free(x->e);
	free(x->t);
	free(x);
	d->sheetix = NULL;
}

static int
bucket(int contest, long long table)
{
	return (int)(((unsigned long long)contest * 31u +
	    (unsigned long long)table) % NBUCKET);
}

static long long
jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The entry's text as the sheets read renders it, less the closing
 * brace (superseded_by, the last member, is added at the read); NULL
 * when the event lacks a member (the read's scan leaves it out too). */
static char *
entry_text(const json_t *ev, const char *act)
{
	json_t *o = json_pack("{s:O, s:s, s:O, s:O, s:O}", "entry",
	    json_object_get(ev, "entry"), "action", act, "at",
	    json_object_get(ev, "at"), "by", json_object_get(ev, "user"),
	    "data", json_object_get(ev, "data"));
	char *s = o ? d_canon(o) : NULL;
	size_t n = s ? strlen(s) : 0;

	json_decref(o);
	if (n && s[n - 1] == '}')
		s[n - 1] = 0;
	return s;
}

/* File a sheet entry of action act (index into acts): 0 or -1. */
static int
add_entry(struct desk *d, struct d_sheetix *x, const json_t *ev, int act)
{
	const json_t *data = json_object_get(ev, "data");
	const char *cid = json_string_value(json_object_get(ev, "contest"));
	struct sheet_ent *e;
	int c = cid ? d_contest_find(d, cid) : -1, b;

	if (c < 0)
		return 0;	/* never asked for: no such contest */
	if (x->n == x->cap) {
		int cap = x->cap ? 2 * x->cap : 256;
		struct sheet_ent *ne = realloc(x->e, (size_t)cap * sizeof *ne);

		if (!ne)
			return -1;
		x->e = ne;
		x->cap = cap;
	}
	e = &x->e[x->n];
	memset(e, 0, sizeof *e);
	e->entry = jint(ev, "entry");
	e->act = act;
	e->contest = c;
	e->round = jint(data, "round");
	e->table = jint(data, "table");
	e->stage = json_object_get(data, "stage") ? jint(data, "stage") : 1;
	e->next = -1;
	if (!(e->text = entry_text(ev, acts[act])))
		return 0;	/* left out, as the scan leaves it out */
	e->len = strlen(e->text);
	b = bucket(c, e->table);
	if (x->tail[b] >= 0)
		x->e[x->tail[b]].next = x->n;
	else
		x->head[b] = x->n;
	x->tail[b] = x->n++;
	return 0;
}

/* The kept entry numbered n, NULL if none (entries rise: a search). */
static struct sheet_ent *
find_entry(struct d_sheetix *x, long long n)
{
	int lo = 0, hi = x->n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (x->e[mid].entry == n)
			return &x->e[mid];
		if (x->e[mid].entry < n)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* A line naming an entry in "supersedes": the first such line is the
 * entry's superseded_by (its own entry, 0 when it has none). 0 or -1. */
static int
note_supersedes(struct d_sheetix *x, const json_t *ev)
{
	const json_t *s = json_object_get(ev, "supersedes");
	struct sheet_ent *e;

	if (!s || json_is_null(s) || json_is_string(s))
		return 0;	/* never equal to an entry number */
	if (!json_is_integer(s) || json_integer_value(s) > x->max_entry)
		return -1;
	e = find_entry(x, json_integer_value(s));
	if (e && !e->has_sup) {
		e->has_sup = 1;
		e->sup = jint(ev, "entry");
	}
	return 0;
}

/* What bundle b adds to its sheet's totals: its papers (0 when
 * withdrawn), its votes into v. The one statement of the rule. */
static long long
bundle_adds(const struct d_contest *k, const struct d_bundle *b,
    long long *v)
{
	if (b->withdrawn)
		return 0;
	if (b->kind == 'c' && b->cand >= 1 && b->cand <= k->ncands)
		v[b->cand - 1] += b->papers;
	for (int p = 0; b->kind == 'p' && p < k->ncands; p++)
		if (b->pat & (1ULL << p))
			v[p] += b->papers;
	if (b->kind == 's' && b->dest) {
		long long p = strtoll(b->dest, NULL, 10);

		if (p >= 1 && p <= k->ncands)
			v[p - 1] += b->papers;
	}
	return b->papers;
}

/* What tally entry x adds to its (stage 1) sheet: as bundle_adds; only
 * an agreed first entry counts. */
static long long
tally_adds(const struct desk *d, const struct d_tally *x, long long *v)
{
	if (x->withdrawn || x->entry_no != 1 || !d_tally_agreed(d, x))
		return 0;
	for (int p = 0; p < d->cs[x->contest].ncands; p++)
		v[p] += x->votes[p];
	return x->papers;
}

/* The sheet's totals: papers, and votes per position (into v), summed
 * from the model (the fallback when no index can say). */
static long long
sheet_sum(const struct desk *d, int c, long long r, long long t,
    long long s, long long *v)
{
	long long papers = 0;

	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest == c && b->round == r && b->stage == s &&
		    b->table == t)
			papers += bundle_adds(&d->cs[c], b, v);
	}
	for (int i = 0; s == 1 && i < d->ntallies; i++) {
		const struct d_tally *x = &d->tallies[i];

		if (x->contest == c && x->round == r && x->table == t)
			papers += tally_adds(d, x, v);
	}
	return papers;
}

/* The index of a sheet's kept totals, -1 if none. */
static int
tot_find(const struct d_sheetix *x, int c, long long r, long long t,
    long long s)
{
	for (int i = x->thead[bucket(c, t)]; i >= 0; i = x->t[i].next)
		if (x->t[i].contest == c && x->t[i].round == r &&
		    x->t[i].table == t && x->t[i].stage == s)
			return i;
	return -1;
}

/* A sheet's kept totals, made (zero) when there are none; NULL when
 * out of memory. */
static struct sheet_tot *
tot_of(struct d_sheetix *x, int c, long long r, long long t, long long s)
{
	int b = bucket(c, t), i = tot_find(x, c, r, t, s);
	struct sheet_tot *o;

	if (i >= 0)
		return &x->t[i];
	if (x->nt == x->capt) {
		int cap = x->capt ? 2 * x->capt : 16;
		struct sheet_tot *nt = realloc(x->t, (size_t)cap * sizeof *nt);

		if (!nt)
			return NULL;
		x->t = nt;
		x->capt = cap;
	}
	o = &x->t[x->nt];
	memset(o, 0, sizeof *o);
	o->contest = c;
	o->round = r;
	o->table = t;
	o->stage = s;
	o->next = x->thead[b];
	x->thead[b] = x->nt++;
	return o;
}

/* Add the model's bundle b to its sheet's kept totals: 0 or -1. */
static int
tot_bundle(const struct desk *d, struct d_sheetix *x,
    const struct d_bundle *b)
{
	struct sheet_tot *o = tot_of(x, b->contest, b->round, b->table,
	    b->stage);

	if (!o)
		return -1;
	o->papers += bundle_adds(&d->cs[b->contest], b, o->votes);
	return 0;
}

/* Sum every sheet's totals afresh from the model: 0 or -1. */
static int
tot_rebuild(const struct desk *d, struct d_sheetix *x)
{
	x->nt = 0;
	for (int i = 0; i < NBUCKET; i++)
		x->thead[i] = -1;
	for (int i = 0; i < d->nbs; i++)
		if (d->bs[i].contest >= 0 && d->bs[i].contest < d->ncs &&
		    tot_bundle(d, x, &d->bs[i]))
			return -1;
	for (int i = 0; i < d->ntallies; i++) {
		const struct d_tally *y = &d->tallies[i];
		struct sheet_tot *o;

		if (y->contest < 0 || y->contest >= d->ncs)
			continue;
		if (!(o = tot_of(x, y->contest, y->round, y->table, 1)))
			return -1;
		o->papers += tally_adds(d, y, o->votes);
	}
	return 0;
}

/* The totals after line ev (action index a, -1 for another): its new
 * bundle added, else stale if the line has an entry. */
static void
tot_note(struct desk *d, struct d_sheetix *x, const json_t *ev, int a)
{
	const json_t *sup = json_object_get(ev, "supersedes");
	const json_t *ent = json_object_get(ev, "entry");

	if (!x->stale && (a == 0 || a == 2) && (!sup || json_is_null(sup)) &&
	    d->nbs == x->nbs + 1 && d->bs[x->nbs].entry ==
	    json_integer_value(ent) && d->bs[x->nbs].contest >= 0 &&
	    d->bs[x->nbs].contest < d->ncs) {
		if (tot_bundle(d, x, &d->bs[x->nbs]))
			x->stale = 1;
	} else if (ent && !json_is_null(ent))
		x->stale = 1;
	x->nbs = d->nbs;
}

/* Once a replay has caught up (pool.c): stale totals summed afresh. */
void
d_sheetix_settle(struct desk *d)
{
	struct d_sheetix *x = d->sheetix;

	if (x && !x->broken && x->stale && x->seq == d->seq)
		x->stale = tot_rebuild(d, x) != 0;
}

/* Contest c's sheet of table t, round r, stage s: its papers, and its
 * votes per position added into v: the index's when it is whole and
 * up to date, else summed from the model. */
long long
d_sheet_totals(const struct desk *d, int c, long long r, long long t,
    long long s, long long *v)
{
	const struct d_sheetix *x = d->sheetix;
	const struct sheet_tot *o;
	int i;

	if (!x || x->broken || x->stale || x->seq != d->seq)
		return sheet_sum(d, c, r, t, s, v);
	if ((i = tot_find(x, c, r, t, s)) < 0)
		return 0;
	o = &x->t[i];
	for (int p = 0; p < d->cs[c].ncands; p++)
		v[p] += o->votes[p];
	return o->papers;
}

/* Note a line d_replay_line has just applied (d->seq is its seq). */
void
d_sheetix_note(struct desk *d, const json_t *ev)
{
	struct d_sheetix *x = d->sheetix;
	const json_t *ent = json_object_get(ev, "entry");
	const char *action = json_string_value(json_object_get(ev, "action"));
	int a = -1;

	if (!x || x->broken)
		return;
	for (int i = 0; action && acts[i]; i++)
		if (strcmp(action, acts[i]) == 0)
			a = i;
	if (x->seq != d->seq - 1 || (a >= 0 && (!json_is_integer(ent) ||
	    json_integer_value(ent) <= x->max_entry)) ||
	    (ent && !json_is_null(ent) && !json_is_integer(ent)))
		x->broken = 1;
	if (!x->broken && json_is_integer(ent))
		x->max_entry = json_integer_value(ent);
	if (!x->broken && a >= 0 && add_entry(d, x, ev, a))
		x->broken = 1;
	if (!x->broken && note_supersedes(x, ev))
		x->broken = 1;
	if (!x->broken)
		tot_note(d, x, ev, a);
	x->seq = d->seq;
}

/* The longest tail put_member writes: the member's superseded_by and
 * its closing brace. */
#define SUP_MAX (sizeof ",\"superseded_by\":-9223372036854775808}")

/* Whether kept entry e is on contest c's sheet of table t, round r,
 * stage s. */
static int
on_sheet(const struct sheet_ent *e, int c, long long r, long long t,
    long long s)
{
	return e->contest == c && e->table == t && e->round == r &&
	    e->stage == s;
}

/* Write e's member at b + len (a comma first unless len is 0): its
 * text, its superseded_by, the closing brace. The new length. */
static size_t
put_member(char *b, size_t len, const struct sheet_ent *e)
{
	if (len)
		b[len++] = ',';
	memcpy(b + len, e->text, e->len);
	len += e->len;
	if (e->has_sup)
		return len + (size_t)sprintf(b + len,
		    ",\"superseded_by\":%lld}", e->sup);
	return len + (size_t)sprintf(b + len, ",\"superseded_by\":null}");
}

/* The entries of contest c's sheet of table t, round r, stage s as the
 * members of a JSON array (no brackets; "" when none), in the scan's
 * order: bundle.add, tally.enter, doubtful.raise, each in book order.
 * NULL when the index cannot say (none, broken, behind the model, no
 * memory): the caller scans. The caller frees. */
char *
d_sheetix_entries(const struct desk *d, int c, long long r, long long t,
    long long s)
{
	const struct d_sheetix *x = d->sheetix;
	char *b;
	size_t len = 0, cap = 1;

	if (!x || x->broken || x->seq != d->seq)
		return NULL;
	/* one allocation: each member at most its text, a comma and the
	 * longest superseded_by tail */
	for (int i = x->head[bucket(c, t)]; i >= 0; i = x->e[i].next)
		if (on_sheet(&x->e[i], c, r, t, s))
			cap += x->e[i].len + 1 + SUP_MAX;
	if (!(b = malloc(cap)))
		return NULL;
	for (int a = 0; acts[a]; a++)
		for (int i = x->head[bucket(c, t)]; i >= 0; i = x->e[i].next)
			if (x->e[i].act == a && on_sheet(&x->e[i], c, r, t, s))
				len = put_member(b, len, &x->e[i]);
	b[len] = 0;
	return b;
}
