/* SPDX-License-Identifier: MIT */
/* act_count.c -- the count (§2.6-§2.10): rounds, bundles (I7, I10,
 * I14), doubtful papers and adjudication, sheets (I12), stages and the
 * SV second stage. */
#include "desk.h"

#include <stdlib.h>
#include <string.h>

static const char *const nt_codes[] = { "no_second_preference",
	"second_same_as_first", "second_for_eliminated",
	"rejected_second:too_many", "rejected_second:uncertain", NULL };

static const char *const heads[] = { "no_official_mark", "too_many",
	"identifying_mark", "unmarked", "uncertain", NULL };

static struct d_bundle *
new_bundle(struct desk *d)
{
	if (d->nbs == d->capbs) {
		int cap = d->capbs ? d->capbs * 2 : 256;
		struct d_bundle *nb = realloc(d->bs, (size_t)cap * sizeof *nb);

		if (!nb)
			return NULL;
		d->bs = nb;
		d->capbs = cap;
	}
	memset(&d->bs[d->nbs], 0, sizeof *d->bs);
	return &d->bs[d->nbs++];
}

int
a_round(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { NULL };
	struct d_contest *c = &d->cs[rq->contest];

	if (d_body_keys(rq->body, keys, e))
		return -1;
	if (c->state != S_MIXED)
		return d_fail(e, 409, "wrong_state", "§2.2",
		    "round 1 starts in MIXED, not %s",
		    d_state_name(c->state));
	c->round = 1;
	c->state = S_COUNTING;
	out->data = json_pack("{s:i}", "round", 1);
	out->answer = json_pack("{s:i}", "round", 1);
	return 0;
}

/* round, area, table, stage of a count body; the user's table (I19);
 * the state for the stage. */
static int
where(struct desk *d, struct d_req *rq, int *area, int *table, int *stage,
    struct d_err *e)
{
	struct d_contest *c = &d->cs[rq->contest];
	long long r, t, s;
	const char *aid;
	int sup = strcmp(rq->user->role, "supervisor") == 0;

	if (d_get_int(rq->body, "round", 1, 1, 1000, &r, e) < 0 ||
	    d_get_str(rq->body, "area", 1, 32, &aid, e) < 0 ||
	    d_get_int(rq->body, "table", 1, 1, 999, &t, e) < 0 ||
	    d_get_int(rq->body, "stage", 1, 1, 2, &s, e) < 0)
		return -1;
	if ((*area = d_area_find(c, aid)) < 0 || !d_table_known(d, t))
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no area %s or table %lld", aid, t);
	if ((strcmp(rq->user->role, "clerk") == 0 || sup) &&
	    !d_user_table_role(rq->user, (int)t, NULL))
		return d_forbid(e, "table", "I19: table %lld is not yours", t);
	*table = (int)t;
	*stage = (int)s;
	/* the RO's correction of a released round's bundle (§3.5) */
	if (rq->after_release && r == c->round)
		return 0;
	if (c->state >= S_PROVISIONAL && c->state != S_LOT)
		return d_fail(e, 409, "wrong_state", c->state >= S_DECLARED ?
		    "I16" : "§2.2", "%s: no count entry in %s",
		    c->state >= S_DECLARED ? "I16" : "§2.2",
		    d_state_name(c->state));
	if (!((s == 1 && (c->state == S_COUNTING ||
	    c->state == S_RECONCILING)) || (s == 2 && c->state == S_STAGE2)))
		return d_fail(e, 409, "wrong_state", "§2.2",
		    "no stage-%lld entry in %s", s, d_state_name(c->state));
	if (r != c->round)
		return d_fail(e, 409, "wrong_state", "§2.2",
		    "round %lld is not the current round %d", r, c->round);
	if (c->stage_closed[s] || d_sheet_closed(d, rq->contest, (int)r,
	    *area, *table, (int)s)) {
		/* After closing: a supervisor or manager, with a reason. */
		if (!sup && strcmp(rq->user->role, "manager") != 0)
			return d_fail(e, 409, "wrong_state", "§2.6", "the sheet"
			    " of table %lld, stage %lld is closed", t, s);
		if (!json_is_string(json_object_get(rq->body, "reason_text")))
			return d_fail(e, 400, "bad_request", "§2.6", "an entry"
			    " to a closed sheet needs reason_text");
	}
	return 0;
}

/* I10 while entering: the stage's papers never above the verified. */
static int
i10_bound(struct desk *d, int c, int area, int stage, long long add,
    struct d_err *e)
{
	const struct d_contest *k = &d->cs[c];
	long long have = d_papers_area(d, c, k->round, area, stage);
	long long ver = d_verified_area(d, c, area);
	char x[32], y[32];

	if (stage == 2 || have + add <= ver)
		return 0;
	d_commas(have + add, x, sizeof x);
	d_commas(ver, y, sizeof y);
	return d_fail(e, 409, "invariant", "I10", "I10: round %d stage %d in"
	    " area %s would hold %s papers, above the verified %s", k->round,
	    stage, k->areas[area].id, x, y);
}

/* I14 while entering: from e no more than e's first preferences. */
static int
i14_bound(struct desk *d, int c, int src, long long add, struct d_err *e)
{
	const struct d_contest *k = &d->cs[c];
	long long f, s;

	if (src < 1 || src > k->ncands || !k->eliminated[src - 1])
		return d_fail(e, 409, "invariant", "I14", "I14: candidate %d"
		    " is not eliminated", src);
	f = d_first(d, c, k->round, src);
	s = d_sorted_from(d, c, k->round, src);
	if (s + add > f)
		return d_fail(e, 409, "invariant", "I14", "I14: candidate %d"
		    " would have %lld papers sorted, above the %lld first"
		    " preferences", src, s + add, f);
	return 0;
}

/* A stage-2 destination: a remaining position or a code of §2.10. */
static int
dest_of(const struct d_contest *c, const json_t *v, char *buf, size_t n,
    struct d_err *e)
{
	if (json_is_integer(v)) {
		long long p = json_integer_value(v);

		if (p < 1 || p > c->ncands || !c->remaining[p - 1])
			return d_fail(e, 409, "invariant", "I14", "I14: %lld"
			    " is not a remaining candidate", p);
		snprintf(buf, n, "%lld", p);
		return 0;
	}
	for (int i = 0; json_is_string(v) && nt_codes[i]; i++)
		if (strcmp(nt_codes[i], json_string_value(v)) == 0) {
			snprintf(buf, n, "%s", nt_codes[i]);
			return 0;
		}
	return d_fail(e, 400, "bad_request", NULL, "dest must be a"
	    " remaining position or a code of §2.10");
}

/* A pattern: 1..seats distinct positions (I7); every candidate in it
 * gets the bundle's papers as votes, computed, never typed. */
static int
pattern_of(const struct d_contest *c, const json_t *pat, struct d_bundle *nb,
    struct d_err *e)
{
	size_t n = json_array_size(pat);

	if (!json_is_array(pat) || n < 1 || n > (size_t)c->seats)
		return d_fail(e, 409, "invariant", "I7", "I7: a pattern holds"
		    " 1..%d positions", c->seats);
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_array_get(pat, i);
		long long p = json_is_integer(v) ? json_integer_value(v) : 0;

		if (p < 1 || p > c->ncands)
			return d_fail(e, 400, "unknown_reference", NULL,
			    "no candidate in the pattern at %zu", i);
		if (nb->pat & (1ULL << (p - 1)))
			return d_fail(e, 409, "invariant", "I7", "I7: position"
			    " %lld twice in the pattern", p);
		nb->pat |= 1ULL << (p - 1);
	}
	nb->kind = 'p';
	return 0;
}

static int
bundle_kind(struct desk *d, struct d_req *rq, struct d_bundle *nb,
    int stage, char *dest, size_t dn, struct d_err *e)
{
	const struct d_contest *c = &d->cs[rq->contest];
	const char *kind;
	long long v;

	if (d_get_str(rq->body, "kind", 1, 16, &kind, e) < 0)
		return -1;
	if (strcmp(kind, "candidate") == 0 && stage == 1) {
		if (d_get_int(rq->body, "candidate", 1, 1, D_MAXC, &v, e) < 0)
			return -1;
		if (v > c->ncands)
			return d_fail(e, 400, "unknown_reference", NULL,
			    "no candidate %lld", v);
		nb->kind = 'c';
		nb->cand = (int)v;
		return 0;
	}
	if (strcmp(kind, "pattern") == 0 && stage == 1 &&
	    strcmp(c->kind, "block") == 0)
		return pattern_of(c, json_object_get(rq->body, "pattern"), nb,
		    e);
	if (strcmp(kind, "stage2") == 0 && stage == 2) {
		if (d_get_int(rq->body, "source", 1, 1, D_MAXC, &v, e) < 0)
			return -1;
		nb->kind = 's';
		nb->source = (int)v;
		return dest_of(c, json_object_get(rq->body, "dest"), dest, dn,
		    e);
	}
	return d_fail(e, 400, "bad_request", NULL, "kind %s at stage %d is"
	    " not for this contest (candidate or pattern at 1, stage2 at 2)",
	    kind, stage);
}

/* I7: the live entry (or the carried one's) with this slip number in
 * (c, round, area), 0 none; from the index when it can. */
static int
slip_used(const struct desk *d, int c, int round, int area,
    const char *slip)
{
	int i;

	if (d_bix_slip(d, c, round, area, slip, &i) == 0)
		return i < 0 ? 0 : d->bs[i].entry ? d->bs[i].entry :
		    d->bs[i].carried;
	for (i = 0; i < d->nbs; i++)
		if (d->bs[i].contest == c && d->bs[i].round == round &&
		    d->bs[i].area == area && d->bs[i].slip &&
		    !d->bs[i].withdrawn && strcmp(d->bs[i].slip, slip) == 0)
			return d->bs[i].entry ? d->bs[i].entry :
			    d->bs[i].carried;
	return 0;
}

static int
ack(const json_t *body, const char *w)
{
	const json_t *a = json_object_get(body, "acknowledge");

	for (size_t i = 0; i < json_array_size(a); i++)
		if (json_is_string(json_array_get(a, i)) && strcmp(w,
		    json_string_value(json_array_get(a, i))) == 0)
			return 1;
	return 0;
}

int
a_bundle(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "round", "area", "table",
		"stage", "slip", "kind", "candidate", "pattern", "source",
		"dest", "papers", "part", "counted_by", "checked_by",
		"acknowledge", "paper_time", "reason_text", NULL };
	struct d_contest *c = &d->cs[rq->contest];
	struct d_bundle nb, *b;

	const char *slip, *cb, *kb;
	char dest[40] = "";
	long long papers;
	int area, table, stage, part, used;

	memset(&nb, 0, sizeof nb);
	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "slip", 1, 16, &slip, e) < 0 ||
	    d_get_int(rq->body, "papers", 1, 1, 1000000, &papers, e) < 0 ||
	    d_get_bool(rq->body, "part", 0, &part, e) < 0 ||
	    d_get_str(rq->body, "counted_by", 1, 16, &cb, e) < 0 ||
	    d_get_str(rq->body, "checked_by", 1, 16, &kb, e) < 0)
		return -1;
	if (where(d, rq, &area, &table, &stage, e) ||
	    bundle_kind(d, rq, &nb, stage, dest, sizeof dest, e))
		return -1;
	if (papers > c->bundle_size)
		return d_fail(e, 409, "invariant", "I7", "I7: %lld papers,"
		    " above bundle_size %d", papers, c->bundle_size);
	if (strcmp(cb, kb) == 0)
		return d_fail(e, 409, "invariant", "I7", "I7: counted_by and"
		    " checked_by must be two people");
	if ((used = slip_used(d, rq->contest, c->round, area, slip)))
		return d_fail(e, 409, "invariant", "I7", "I7: slip %s is"
		    " entry %d", slip, used);
	if (i10_bound(d, rq->contest, area, stage, papers, e) ||
	    (stage == 2 && i14_bound(d, rq->contest, nb.source, papers, e)))
		return -1;
	out->warnings = json_array();
	if (papers < c->bundle_size && !part) {
		if (!ack(rq->body, "part_bundle")) {
			d_fail(e, 409, "unacknowledged_warning", NULL,
			    "part_bundle: %lld papers, below bundle_size %d",
			    papers, c->bundle_size);
			e->details = json_pack("{s:[s]}", "warnings",
			    "part_bundle");
			return -1;
		}
		json_array_append_new(out->warnings,
		    json_string("part_bundle"));
	}
	if (!(b = new_bundle(d)))
		return d_fail(e, 500, "internal", NULL, "out of memory");
	*b = nb;
	b->entry = (int)rq->entry;
	b->contest = rq->contest;
	b->round = c->round;
	b->area = area;
	b->table = table;
	b->stage = stage;
	b->papers = papers;
	b->slip = d_intern(d, slip);
	b->user = d_intern(d, rq->user->username);
	b->dest = stage == 2 ? d_intern(d, dest) : NULL;
	d_bix_add(d, b);
	out->data = d_norm(rq->body, keys);
	json_object_set_new(out->data, "part", json_boolean(part));
	if (json_is_null(json_object_get(out->data, "acknowledge")))
		json_object_set_new(out->data, "acknowledge", json_array());
	return 0;
}

/* A run of 5 or more digits (RPA s.66). */
static int
has_run(const char *s)
{
	int n = 0;

	for (; *s; s++) {
		n = (*s >= '0' && *s <= '9') ? n + 1 : 0;
		if (n >= 5)
			return 1;
	}
	return 0;
}

int
a_doubtful(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "round", "area", "table",
		"stage", "source", "papers", "description", "drawn_by",
		"paper_time", "reason_text", NULL };
	const char *desc;
	long long papers, src = 0;
	int area, table, stage;
	struct d_bundle *b;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_int(rq->body, "papers", 1, 1, 100000, &papers, e) < 0 ||
	    d_get_str(rq->body, "description", 1, 500, &desc, e) < 0 ||
	    d_get_int(rq->body, "source", 0, 1, D_MAXC, &src, e) < 0 ||
	    d_agents_named(d, rq->body, "drawn_by", d->cs[rq->contest].id, e))
		return -1;
	if (has_run(desc))
		return d_fail(e, 400, "s66", "s66", "ballot paper numbers"
		    " must not be recorded (RPA s.66)");
	if (where(d, rq, &area, &table, &stage, e) ||
	    i10_bound(d, rq->contest, area, stage, papers, e))
		return -1;
	if (stage == 2 && (!src || i14_bound(d, rq->contest, (int)src,
	    papers, e)))
		return src ? -1 : d_fail(e, 400, "bad_request", NULL,
		    "a stage-2 doubtful paper needs its source");
	if (!(b = new_bundle(d)))
		return d_fail(e, 500, "internal", NULL, "out of memory");
	b->entry = (int)rq->entry;
	b->contest = rq->contest;
	b->round = d->cs[rq->contest].round;
	b->area = area;
	b->table = table;
	b->stage = stage;
	b->kind = 'd';
	b->papers = papers;
	b->user = d_intern(d, rq->user->username);
	b->source = stage == 2 ? (int)src : 0;
	d_bix_add(d, b);
	out->data = d_norm(rq->body, keys);
	return 0;
}

static int
adj_apply(struct desk *d, struct d_req *rq, struct d_bundle *b,
    const char *dec, struct d_err *e)
{
	const struct d_contest *c = &d->cs[rq->contest];
	const json_t *pos = json_object_get(rq->body, "positions");
	const char *head;
	char dest[40];

	if (strcmp(dec, "rejected") == 0) {
		if (d_get_str(rq->body, "head", 1, 32, &head, e) < 0)
			return -1;
		for (int i = 0; heads[i]; i++)
			if (strcmp(heads[i], head) == 0 && (b->stage == 1 ||
			    i == 1 || i == 4)) {
				b->decided = 'r';
				b->head = d_intern(d, head);
				if (b->stage == 2)
					b->dest = d_intern(d, i == 1 ?
					    nt_codes[3] : nt_codes[4]);
				return 0;
			}
		return d_fail(e, 400, "bad_request", NULL, "unknown head %s",
		    head);
	}
	if (strcmp(dec, "rejected_in_part") == 0 &&
	    strcmp(c->kind, "block") == 0 && b->stage == 1) {
		struct d_bundle t = *b;

		if (pattern_of(c, pos, &t, e))
			return -1;
		b->pat = t.pat;
		b->decided = 'v';
		b->rip = 1;
		return 0;
	}
	if (strcmp(dec, "valid") != 0)
		return d_fail(e, 400, "bad_request", NULL, "decision %s is"
		    " not known here (valid, rejected, rejected_in_part for a"
		    " block vote)", dec);
	if (strcmp(c->kind, "block") == 0 && b->stage == 1) {
		struct d_bundle t = *b;

		if (pattern_of(c, pos, &t, e))
			return -1;
		b->pat = t.pat;
		b->decided = 'v';
		return 0;
	}
	if (b->stage == 2) {
		if (dest_of(c, json_object_get(rq->body, "dest"), dest,
		    sizeof dest, e))
			return -1;
		b->decided = 'v';
		b->dest = d_intern(d, dest);
		return 0;
	}
	if (json_array_size(pos) != 1 ||
	    !json_is_integer(json_array_get(pos, 0)) ||
	    json_integer_value(json_array_get(pos, 0)) < 1 ||
	    json_integer_value(json_array_get(pos, 0)) > c->ncands)
		return d_fail(e, 400, "bad_request", NULL,
		    "positions must name one candidate");
	b->decided = 'v';
	b->cand = (int)json_integer_value(json_array_get(pos, 0));
	return 0;
}

int
a_adjudicate(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "doubtful", "decision",
		"positions", "dest", "head", "objected", "objected_by",
		"agents_present", "prior", NULL };
	const struct d_contest *c = &d->cs[rq->contest];
	struct d_bundle *b = NULL, save;
	const char *dec;
	long long n;
	int obj;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_int(rq->body, "doubtful", 1, 1, 1LL << 40, &n, e) < 0 ||
	    d_get_str(rq->body, "decision", 1, 32, &dec, e) < 0 ||
	    d_get_bool(rq->body, "objected", 0, &obj, e) < 0)
		return -1;
	if (!json_is_array(json_object_get(rq->body, "agents_present")))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"agents_present\" must be an array");
	if (d_agents_named(d, rq->body, "agents_present", c->id, e) ||
	    d_agents_named(d, rq->body, "objected_by", c->id, e))
		return -1;
	for (int i = 0; i < d->nbs; i++)
		if (d->bs[i].entry == n && d->bs[i].kind == 'd' &&
		    d->bs[i].contest == rq->contest)
			b = &d->bs[i];
	if (!b)
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no doubtful entry %lld", n);
	if (c->state != S_COUNTING && c->state != S_STAGE2 &&
	    c->state != S_RECONCILING)
		return d_fail(e, 409, "wrong_state", "§2.2", "no adjudication"
		    " in %s", d_state_name(c->state));
	if (b->decided || b->round != c->round)
		return d_fail(e, 409, "invariant", "I1", "I1: doubtful entry"
		    " %lld is decided already", n);
	save = *b;
	if (adj_apply(d, rq, b, dec, e)) {
		*b = save;
		return -1;
	}
	b->adj = (int)rq->entry;
	b->objected = b->adj_obj = obj;
	out->data = d_norm(rq->body, keys);
	json_object_set_new(out->data, "objected", json_boolean(obj));
	out->answer = json_pack("{s:s}", "endorsement", b->decided == 'v' ?
	    "allowed" : obj ? "rejected \xe2\x80\x94 rejection objected to" :
	    "rejected");
	return 0;
}

int
a_sheet_close(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "round", "area", "table",
		"stage", "reason_text", NULL };
	int area, table, stage, open;
	struct d_sheet *ns;

	if (d_body_keys(rq->body, keys, e) ||
	    where(d, rq, &area, &table, &stage, e))
		return -1;
	if (d_sup_refused(rq->user, table))
		return d_forbid(e, "table", "I19: you do not supervise table"
		    " %d", table);
	if ((open = d_open_doubtful(d, rq->contest, d->cs[rq->contest].round,
	    area, table, stage)))
		return d_fail(e, 409, "invariant", "I12", "I12: doubtful"
		    " entry %d is undecided", open);
	if (d->nsheets == d->capsheets) {
		int cap = d->capsheets ? d->capsheets * 2 : 64;

		if (!(ns = realloc(d->sheets, (size_t)cap * sizeof *ns)))
			return d_fail(e, 500, "internal", NULL, "no memory");
		d->sheets = ns;
		d->capsheets = cap;
	}
	ns = &d->sheets[d->nsheets++];
	ns->contest = rq->contest;
	ns->round = d->cs[rq->contest].round;
	ns->area = area;
	ns->table = table;
	ns->stage = stage;
	out->data = d_norm(rq->body, keys);
	return 0;
}

/* Every sheet with entries in the stage closed; none undecided. */
static int
sheets_done(struct desk *d, int c, int stage, struct d_err *e)
{
	const struct d_contest *k = &d->cs[c];
	int open = d_open_doubtful(d, c, k->round, -1, -1, stage);

	if (open)
		return d_fail(e, 409, "invariant", "I12", "I12: doubtful"
		    " entry %d is undecided", open);
	for (int i = 0; stage == 1 && i < d->ntallies; i++) {
		const struct d_tally *t = &d->tallies[i];

		if (t->contest == c && t->round == k->round && !t->withdrawn &&
		    !d_tally_agreed(d, t))
			return d_fail(e, 409, "invariant", "I20", "I20: tally"
			    " sheet %s has no two agreeing entries", t->sheet);
		if (t->contest == c && t->round == k->round && !t->withdrawn &&
		    !t->carried &&
		    !d_sheet_closed(d, c, t->round, t->area, t->table, 1))
			return d_fail(e, 409, "invariant", "I12", "I12: the"
			    " sheet of table %d in area %s is open", t->table,
			    k->areas[t->area].id);
	}
	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest == c && b->round == k->round && !b->carried &&
		    b->stage == stage && !d_sheet_closed(d, c, b->round,
		    b->area, b->table, stage))
			return d_fail(e, 409, "invariant", "I12", "I12: the"
			    " sheet of table %d in area %s is open",
			    b->table, k->areas[b->area].id);
	}
	return 0;
}

/* SV: stage 1 reconciled; libteller finds a majority or the set. */
int
a_stage_close(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "stage", NULL };
	struct d_contest *c = &d->cs[rq->contest];
	char why[200];
	long long s;
	int ok;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_int(rq->body, "stage", 1, 1, 2, &s, e) < 0)
		return -1;
	if (rq->sub != c->round)
		return d_fail(e, 409, "wrong_state", "§2.2",
		    "round %d is not the current round", rq->sub);
	if (!((s == 1 && c->state == S_COUNTING) ||
	    (s == 2 && c->state == S_STAGE2 && !c->stage_closed[2])))
		return d_fail(e, 409, "wrong_state", "§2.2", "stage %lld"
		    " cannot close in %s", s, d_state_name(c->state));
	if (sheets_done(d, rq->contest, (int)s, e))
		return -1;
	if (s == 2 && !d_i14(d, rq->contest, why, sizeof why))
		return d_fail(e, 409, "invariant", "I14", "%s", why);
	ok = d_reconciled(d, rq->contest, why, sizeof why);
	if (s == 1 && strcmp(c->kind, "sv") == 0 && ok &&
	    d_sv_stage1(d, rq->contest, e))
		return -1;
	c->stage_closed[s] = 1;
	if (s == 1)
		c->state = (strcmp(c->kind, "sv") == 0 && ok) ?
		    S_STAGE1_DONE : S_RECONCILING;
	out->data = json_pack("{s:I, s:i}", "stage", (json_int_t)s, "round",
	    c->round);
	out->answer = json_pack("{s:{s:b, s:s?}}", "reconciliation",
	    "reconciled", ok, "difference", ok ? NULL : why);
	return 0;
}

static json_t *
positions(const unsigned char *set, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		if (set[i])
			json_array_append_new(a, json_integer(i + 1));
	return a;
}

int
a_stage2(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "notice", NULL };
	struct d_contest *c = &d->cs[rq->contest];
	const char *notice;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "notice", 1, 2000, &notice, e) < 0)
		return -1;
	if (c->state != S_STAGE1_DONE || c->majority)
		return d_fail(e, 409, "wrong_state", "I14", "I14: stage 2"
		    " starts in STAGE1_DONE without a majority");
	c->state = S_STAGE2;
	out->data = d_norm(rq->body, keys);
	out->answer = json_pack("{s:o, s:o}", "remaining",
	    positions(c->remaining, c->ncands), "eliminated",
	    positions(c->eliminated, c->ncands));
	return 0;
}

/* The votes of a tally sheet: {"<position>": n}, each n <= papers, the
 * sum <= seats x papers (I8). */
static int
tally_votes(const struct d_contest *c, const json_t *v, long long papers,
    long long *votes, struct d_err *e)
{
	const char *k;
	json_t *x;
	long long sum = 0;

	if (!json_is_object(v))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"votes\" must be an object");
	json_object_foreach((json_t *)v, k, x) {
		char *end;
		long p = strtol(k, &end, 10);
		long long n = json_is_integer(x) ? json_integer_value(x) : -1;

		if (*end || p < 1 || p > c->ncands)
			return d_fail(e, 400, "unknown_reference", NULL,
			    "no candidate %s", k);
		if (n < 0)
			return d_fail(e, 400, "bad_request", NULL,
			    "votes must be integers >= 0");
		if (n > papers)
			return d_fail(e, 409, "invariant", "I8", "I8: %lld"
			    " votes for %ld on %lld papers", n, p, papers);
		votes[p - 1] = n;
		sum += n;
	}
	if (sum > c->seats * papers)
		return d_fail(e, 409, "invariant", "I8", "I8: %lld votes on"
		    " %lld papers, above %d x %lld", sum, papers, c->seats,
		    papers);
	return 0;
}

static int
tally_slot(struct desk *d, struct d_req *rq, int area, const char *sheet,
    int *entry_no, struct d_err *e)
{
	const struct d_contest *c = &d->cs[rq->contest];
	const struct d_tally *first = NULL;
	int n = 0;

	for (int i = 0; i < d->ntallies; i++) {
		const struct d_tally *t = &d->tallies[i];

		if (t->contest == rq->contest && t->round == c->round &&
		    t->area == area && !t->withdrawn &&
		    strcmp(t->sheet, sheet) == 0) {
			n++;
			first = first ? first : t;
		}
	}
	if (n >= 2)
		return d_fail(e, 409, "invariant", "I8", "I8: sheet %s has"
		    " two entries already (entry %d and another)", sheet,
		    first->entry);
	if (n == 1 && strcmp(first->user, rq->user->username) == 0)
		return d_forbid(e, "second_person", "I20: entry 2 must be by"
		    " another user than entry 1");
	*entry_no = n + 1;
	return 0;
}

int
a_tally(struct desk *d, struct d_req *rq, struct d_out *out, struct d_err *e)
{
	static const char *const keys[] = { "round", "area", "table",
		"sheet", "papers", "votes", "paper_time", "reason_text",
		NULL };
	const struct d_contest *c = &d->cs[rq->contest];
	struct d_tally nt, *t;
	const char *sheet;
	long long papers;
	int area, table, stage, no, rc;
	json_t *body = rq->body;

	memset(&nt, 0, sizeof nt);
	if (d_body_keys(body, keys, e) ||
	    d_get_str(body, "sheet", 1, 16, &sheet, e) < 0 ||
	    d_get_int(body, "papers", 1, 1, 1000, &papers, e) < 0)
		return -1;
	if (strcmp(c->kind, "block") != 0)
		return d_fail(e, 400, "bad_request", NULL,
		    "tally sheets are for block votes");
	rq->body = json_deep_copy(body);
	json_object_set_new(rq->body, "stage", json_integer(1));
	rc = where(d, rq, &area, &table, &stage, e);
	json_decref(rq->body);
	rq->body = body;
	if (rc || tally_votes(c, json_object_get(body, "votes"), papers,
	    nt.votes, e))
		return -1;
	if (papers > c->tally_capacity)
		return d_fail(e, 409, "invariant", "I8", "I8: %lld papers,"
		    " above the tally capacity %d", papers, c->tally_capacity);
	if (tally_slot(d, rq, area, sheet, &no, e))
		return -1;
	if (no == 1 && i10_bound(d, rq->contest, area, 1, papers, e))
		return -1;
	/* entry 2 above entry 1: the sheet counts the larger (I10) */
	for (int i = 0; no == 2 && i < d->ntallies; i++) {
		const struct d_tally *o = &d->tallies[i];

		if (o->contest == rq->contest && o->round == c->round &&
		    o->area == area && !o->withdrawn &&
		    strcmp(o->sheet, sheet) == 0 && papers > o->papers &&
		    i10_bound(d, rq->contest, area, 1, papers - o->papers, e))
			return -1;
	}
	if (d->ntallies == d->captallies) {
		int cap = d->captallies ? d->captallies * 2 : 64;
		struct d_tally *n2 = realloc(d->tallies, (size_t)cap *
		    sizeof *n2);

		if (!n2)
			return d_fail(e, 500, "internal", NULL, "no memory");
		d->tallies = n2;
		d->captallies = cap;
	}
	t = &d->tallies[d->ntallies++];
	*t = nt;
	t->entry = (int)rq->entry;
	t->contest = rq->contest;
	t->round = c->round;
	t->area = area;
	t->table = table;
	t->entry_no = no;
	t->sheet = d_intern(d, sheet);
	t->user = d_intern(d, rq->user->username);
	t->papers = papers;
	d_bix_tally_add(d);
	out->data = d_norm(body, keys);
	json_object_set_new(out->data, "entry_no", json_integer(no));
	out->answer = json_pack("{s:i, s:s}", "entry_no", no, "status",
	    no == 1 ? "awaiting_second" : d_tally_agreed(d, t) ? "agreed" :
	    "different");
	return 0;
}

/* Does a stage-2 entry touch a named pile: sorted from it, or
 * counted for it (its destination a named position)? */
static int
named_stage2(const struct d_bundle *x, int ncands,
    const unsigned char *named)
{
	char *end;
	long to;

	if (x->source >= 1 && x->source <= ncands && named[x->source - 1])
		return 1;
	if (!x->dest)
		return 0;
	to = strtol(x->dest, &end, 10);
	return !*end && to >= 1 && to <= ncands && named[to - 1];
}

/* A partial recount (§2.11): round from's entries that hold no named
 * pile (named[pos - 1]) are carried into the current round by
 * reference (carried = their entry; entry 0, so they are not withdrawn
 * as such); the named piles are entered afresh. Decided doubtful papers
 * are carried unless allowed for a named candidate. An SV contest's
 * stage 2 is carried the same way: a stage-2 bundle or doubtful paper
 * is entered afresh when its source or its destination is named. A
 * bundle check (scope 'b', nothing named) carries every entry. */
int
d_carry(struct desk *d, int c, int from, const unsigned char *named)
{
	int nbs = d->nbs, nt = d->ntallies, round = d->cs[c].round;

	for (int i = 0; i < nbs; i++) {
		struct d_bundle x = d->bs[i], *b;
		int hit = 0;

		if (x.contest != c || x.round != from || x.withdrawn ||
		    x.stage < 1 || x.stage > 2)
			continue;
		if (x.stage == 2)
			hit = named_stage2(&x, d->cs[c].ncands, named);
		for (int p = 0; x.stage == 1 && p < d->cs[c].ncands; p++)
			hit |= named[p] && ((x.kind == 'c' && x.cand == p + 1) ||
			    ((x.kind == 'p' || (x.kind == 'd' && x.decided ==
			    'v')) && (x.pat & (1ULL << p))) ||
			    (x.kind == 'd' && x.decided == 'v' &&
			    x.cand == p + 1));
		if (hit)
			continue;
		if (!(b = new_bundle(d)))
			return -1;
		*b = x;
		b->carried = x.carried ? x.carried : x.entry;
		b->entry = 0;
		b->round = round;
		d_bix_add(d, b);
	}
	for (int i = 0; i < nt; i++) {
		struct d_tally x = d->tallies[i];
		int hit = 0;

		if (x.contest != c || x.round != from || x.withdrawn)
			continue;
		for (int p = 0; p < d->cs[c].ncands; p++)
			hit |= named[p] && x.votes[p] != 0;
		if (hit)
			continue;
		if (d->ntallies == d->captallies) {
			int cap = d->captallies ? d->captallies * 2 : 64;
			struct d_tally *n2 = realloc(d->tallies, (size_t)cap *
			    sizeof *n2);

			if (!n2)
				return -1;
			d->tallies = n2;
			d->captallies = cap;
		}
		x.carried = x.carried ? x.carried : x.entry;
		x.round = round;
		d->tallies[d->ntallies++] = x;
		d_bix_tally_add(d);
	}
	return 0;
}
