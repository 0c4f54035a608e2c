/* SPDX-License-Identifier: MIT */
/* act_correct.c -- corrections (§3.5): a withdrawal is a superseding
 * entry that takes a figure, bundle, doubtful paper, transfer,
 * objection, verification outcome (box.decide) or an unopened box's
 * receipt out of the views, or
 * puts back the value a configuration change replaced; a correction is a superseding entry of the
 * original's own action with new data (journalled as that action, with
 * supersedes). Nothing is deleted. A withdrawal resolves a double-entry
 * difference (I20) too. */
#include "desk.h"

#include <string.h>

static const char *const reasons[] = { "typo", "misread_slip", "recount",
	"bpa_arithmetic", "wrong_candidate", "wrong_box", "duplicate",
	"other", NULL };

/* A double-entry figure made by entry n, or NULL. */
static struct d_fig *
find_fig(struct desk *d, long long n, int *contest, int *table)
{
	for (int b = 0; b < d->nboxes; b++)
		for (int p = 0; p < d->boxes[b].npolls; p++) {
			struct d_vpoll *v = &d->boxes[b].polls[p];

			for (int i = 0; i < v->nfigs; i++)
				if (v->figs[i].entry == n && !v->decided) {
					*contest = v->contest;
					*table = d->boxes[b].table;
					return &v->figs[i];
				}
		}
	return NULL;
}

static struct d_bundle *
find_bundle(struct desk *d, long long n)
{
	for (int i = 0; i < d->nbs; i++)
		if (d->bs[i].entry == n)
			return &d->bs[i];
	return NULL;
}

/* A current tally-sheet entry made by entry n (not carried), or NULL. */
static struct d_tally *
find_tally(struct desk *d, long long n)
{
	for (int i = 0; i < d->ntallies; i++)
		if (d->tallies[i].entry == n && !d->tallies[i].carried)
			return &d->tallies[i];
	return NULL;
}

/* Confirmed (§3.5): a figure another user entered alike, or a bundle
 * or doubtful entry on a closed sheet. */
static int
confirmed(const struct desk *d, const struct d_fig *f,
    const struct d_bundle *b)
{
	if (b)
		return d_sheet_closed(d, b->contest, b->round, b->area,
		    b->table, b->stage);
	for (int x = 0; x < d->nboxes; x++)
		for (int p = 0; p < d->boxes[x].npolls; p++) {
			const struct d_vpoll *v = &d->boxes[x].polls[p];
			int in = 0;

			for (int i = 0; i < v->nfigs; i++)
				in |= &v->figs[i] == f;
			for (int i = 0; in && i < v->nfigs; i++) {
				const struct d_fig *g = &v->figs[i];

				if (g != f && !g->withdrawn && g->kind ==
				    f->kind && g->attempt == f->attempt &&
				    g->value == f->value && f->user && g->user &&
				    strcmp(g->user, f->user) != 0)
					return 1;
			}
		}
	return 0;
}

/* §3.5: before confirmation its author or a supervisor of the table;
 * after, a supervisor (or the manager, DRO, RO), with a reason_text. */
static int
may_withdraw(const struct d_user *u, const char *author, int table,
    int conf, const char *rt, struct d_err *e)
{
	if (strcmp(u->role, "clerk") == 0) {
		if (!author || strcmp(author, u->username) != 0)
			return d_forbid(e, "own_entry", "§3.5: a clerk"
			    " withdraws only an own entry");
		if (conf)
			return d_forbid(e, "second_person", "§3.5: a"
			    " confirmed entry is superseded by a"
			    " supervisor");
		return 0;
	}
	if (conf && !rt)
		return d_fail(e, 400, "bad_request", "§3.5", "§3.5: a"
		    " confirmed entry is superseded with a reason_text");
	if (strcmp(u->role, "supervisor") == 0 &&
	    !d_user_table_role(u, table, "supervisor"))
		return d_forbid(e, "table", "I19: not your table");
	return 0;
}

static int
state_open(const struct desk *d, int c, int fig, struct d_err *e)
{
	int s = d->cs[c].state;

	if (fig ? s == S_VERIFYING : (s == S_COUNTING || s == S_STAGE2 ||
	    s == S_RECONCILING))
		return 0;
	return d_fail(e, 409, "wrong_state", s >= S_DECLARED ? "I16" : "§3.5",
	    "no withdrawal of this entry in %s", d_state_name(s));
}

/* §2.2: in STAGE2 the first count's figures stand, since F13 and the
 * candidates left in were drawn from them (going back to STAGE1_DONE, the
 * spec's "stage-1 figures corrected", is not built). */
static int
stage1_closed(const struct desk *d, const struct d_bundle *b,
    struct d_err *e)
{
	if (!b || b->stage != 1 || d->cs[b->contest].state != S_STAGE2)
		return 0;
	return d_fail(e, 409, "wrong_state", "§2.2", "no stage-1 entry in"
	    " STAGE2: entry %d is of the first count", b->entry);
}

static int
reason_ok(const char *rc, const char *rt, struct d_err *e)
{
	int k;

	for (k = 0; reasons[k] && strcmp(reasons[k], rc) != 0; k++)
		;
	if (!reasons[k] || (strcmp(rc, "other") == 0 && !rt))
		return d_fail(e, 400, "bad_request", NULL, "reason_code must"
		    " be a code of §3.5 (other needs reason_text)");
	return 0;
}

/* What a withdrawal or correction supersedes: one of these. */
struct subj {
	struct d_fig *f;	/* a BPA or count figure */
	struct d_bundle *b;	/* a bundle or doubtful entry */
	struct d_tally *t;	/* a tally-sheet entry */
	struct d_xfer *x[2];	/* a transfer: its two sides */
	struct d_bundle *o;	/* an objection: the paper it endorsed */
	json_t *g;		/* an objection's or config change's record */
	struct d_vpoll *dp;	/* a decision (box.decide): a box it decided */
	struct d_vpoll dsave;	/* that box as it was (a correction's) */
	struct d_box rsave;	/* a receipt: the box as it was */
	int rat;		/* ... and its index, -1 no receipt */
	int c;			/* its contest, -1 none (config) */
	int rel;		/* the RO's correction after release */
};

/* A transfer made by entry n: its two sides, the contest of the poll
 * receiving the papers and the tables of both boxes. */
static int
find_xfer(struct desk *d, long long n, struct d_xfer **x, int *c,
    int tables[2])
{
	int k = 0;

	for (int b = 0; b < d->nboxes; b++)
		for (int p = 0; p < d->boxes[b].npolls; p++) {
			struct d_vpoll *v = &d->boxes[b].polls[p];

			for (int i = 0; i < v->nxf && k < 2; i++)
				if (v->xf[i].entry == n) {
					if (v->xf[i].papers > 0)
						*c = v->contest;
					tables[k] = d->boxes[b].table;
					x[k++] = &v->xf[i];
				}
		}
	return k == 2;
}

/* The record of an objection or config change made by entry n. */
static json_t *
find_flow(struct desk *d, long long n)
{
	size_t i;
	json_t *r;

	json_array_foreach(d->flowlog, i, r)
		if (json_integer_value(json_object_get(r, "entry")) == n)
			return r;
	return NULL;
}

static const char *
flow_kind(const json_t *g)
{
	return json_string_value(json_object_get(g, "kind"));
}

/* §3.5 for a transfer: its author or a supervisor of either box's
 * table (or the manager, DRO, RO), while both boxes are undecided. */
static int
xfer_ok(struct desk *d, const struct d_user *u, struct subj *s,
    const int tables[2], struct d_err *e)
{
	const struct d_contest *k = &d->cs[s->c];

	if ((strcmp(u->role, "clerk") == 0 || strcmp(u->role,
	    "supervisor") == 0) && !d_user_table_role(u, tables[0], NULL) &&
	    !d_user_table_role(u, tables[1], NULL))
		return d_forbid(e, "table", "I19: neither box is at a table of"
		    " yours");
	if (strcmp(u->role, "clerk") == 0 && (!s->x[0]->user ||
	    strcmp(s->x[0]->user, u->username) != 0))
		return d_forbid(e, "own_entry", "§3.5: a clerk withdraws only"
		    " an own entry");
	if (strcmp(u->role, "supervisor") == 0 &&
	    !d_user_table_role(u, tables[0], "supervisor") &&
	    !d_user_table_role(u, tables[1], "supervisor"))
		return d_forbid(e, "table", "I19: you supervise neither box's"
		    " table");
	if (k->state != S_VERIFYING)
		return d_fail(e, 409, "wrong_state", k->state >= S_DECLARED ?
		    "I16" : "§3.5", "no withdrawal of a transfer in %s",
		    d_state_name(k->state));
	for (int b = 0; b < d->nboxes; b++)
		for (int p = 0; p < d->boxes[b].npolls; p++) {
			const struct d_vpoll *v = &d->boxes[b].polls[p];

			for (int i = 0; i < v->nxf; i++)
				if ((&v->xf[i] == s->x[0] || &v->xf[i] ==
				    s->x[1]) && v->decided)
					return d_fail(e, 409, "wrong_state",
					    "§3.5", "§3.5: box %s is verified;"
					    " its transfer stands",
					    d->boxes[b].code);
		}
	return 0;
}

/* §3.5 for an objection: as objection.record (RO, manager, a DRO with
 * adjudicate), in COUNTING or STAGE2, to a paper of the current round. */
static int
objection_ok(struct desk *d, const struct d_user *u, struct subj *s,
    struct d_err *e)
{
	long long doubt = json_integer_value(json_object_get(s->g,
	    "doubtful"));
	const struct d_contest *k = &d->cs[s->c];

	if (strcmp(u->role, "ro") != 0 && strcmp(u->role, "manager") != 0 &&
	    strcmp(u->role, "dro") != 0)
		return d_forbid(e, "role", "§3.2: an objection is withdrawn"
		    " by the RO, a DRO or the manager");
	if (strcmp(u->role, "dro") == 0 && !d_has_power(d, u, s->c,
	    "adjudicate"))
		return d_forbid(e, "delegation", "§3.1: no delegation of"
		    " adjudicate");
	for (int i = 0; i < d->nbs; i++)
		if (d->bs[i].entry == doubt && d->bs[i].kind == 'd')
			s->o = &d->bs[i];
	if (k->state != S_COUNTING && k->state != S_STAGE2)
		return d_fail(e, 409, "wrong_state", k->state >= S_DECLARED ?
		    "I16" : "§3.5", "no withdrawal of an objection in %s",
		    d_state_name(k->state));
	if (!s->o || s->o->withdrawn || s->o->round != k->round)
		return d_fail(e, 409, "wrong_state", "§3.5", "§3.5: the paper"
		    " objection %lld endorsed is not of the current round",
		    (long long)json_integer_value(json_object_get(s->g,
		    "entry")));
	return 0;
}

/* §3.5 after the provisional result's release (PROVISIONAL,
 * READY_TO_DECLARE): only the RO, only by a correction, with a
 * reason_text, and of a bundle of the released round; the rest is a
 * recount round's. 1 for such a correction, 0 when contest c is not
 * past its release, -1 refused. */
static int
after_release(const struct desk *d, const struct d_user *u, int c,
    int corr, const struct d_bundle *b, const char *rt, struct d_err *e)
{
	const struct d_contest *k = &d->cs[c];

	if (k->state != S_PROVISIONAL && k->state != S_READY_TO_DECLARE)
		return 0;
	if (strcmp(u->role, "ro") != 0) {
		d_forbid(e, "role", "§3.5: after the provisional result's"
		    " release only the RO corrects an entry (or a recount"
		    " round)");
		snprintf(e->rule, sizeof e->rule, "§3.5");
		return -1;
	}
	if (!corr || !b || b->kind == 'd' || b->round != k->round)
		return d_fail(e, 409, "wrong_state", "§3.5", "§3.5: after the"
		    " provisional result's release the RO corrects a bundle of"
		    " round %d; anything else is a recount round's", k->round);
	if (!rt)
		return d_fail(e, 400, "bad_request", "§3.5", "§3.5: a"
		    " correction after release carries a reason_text");
	return 1;
}

/* Take entry n out of the views, if u may (§3.5): s gets the subject. */
static int
supersede(struct desk *d, const struct d_req *rq, long long n,
    const char *rt, int corr, struct subj *s, struct d_err *e)
{
	const struct d_user *u = rq->user;
	struct d_fig *f;
	struct d_bundle *b = NULL;
	struct d_tally *t = NULL;
	int c = -1, table = 0, conf, tables[2] = { 0, 0 }, k;

	memset(s, 0, sizeof *s);
	s->c = s->rat = -1;
	if (n < 1)
		return d_fail(e, 404, "not_found", NULL, "no entry %lld", n);
	if ((k = d_receipt_supersede(d, rq, n, &s->rsave, &s->rat, e)))
		return k < 0 ? -1 : 0;
	s->rat = -1;
	if (strcmp(u->role, "receipt") == 0)
		return d_forbid(e, "role", "§3.2: the receipt team supersedes"
		    " only a receipt");
	if (find_xfer(d, n, s->x, &s->c, tables)) {
		if (s->x[0]->withdrawn)
			return d_fail(e, 404, "not_found", NULL, "no current"
			    " entry %lld that can be superseded", n);
		if (xfer_ok(d, u, s, tables, e))
			return -1;
		goto suspended;
	}
	if ((s->g = find_flow(d, n))) {
		if (json_is_true(json_object_get(s->g, "withdrawn")))
			return d_fail(e, 404, "not_found", NULL, "no current"
			    " entry %lld that can be superseded", n);
		if (strcmp(flow_kind(s->g), "objection") == 0) {
			s->c = (int)json_integer_value(json_object_get(s->g,
			    "contest"));
			if (objection_ok(d, u, s, e))
				return -1;
			goto suspended;
		}
		if (d_config_revert(d, rq, s->g, 0, rt, e))
			return -1;
		json_object_set_new(s->g, "withdrawn", json_true());
		return 0;
	}
	/* a verification outcome (§3.5): the DRO or RO */
	if ((k = d_decision_supersede(d, rq, n, rt, &s->dp, corr ?
	    &s->dsave : NULL, e)) < 0)
		return -1;
	if (k) {
		s->c = s->dp->contest;
		return 0;
	}
	if (d_fig_verified(d, n))
		return d_fail(e, 409, "wrong_state", "§2.4", "§2.4: entry %lld"
		    " is a figure of a verified box; it is corrected, not"
		    " withdrawn (a verified figure is a counted one)", n);
	if ((f = find_fig(d, n, &c, &table)) && f->withdrawn)
		f = NULL;
	if (!f && (!(t = find_tally(d, n)) || t->withdrawn))
		t = NULL;
	if (!f && !t && (!(b = find_bundle(d, n)) || b->withdrawn ||
	    b->decided))
		return d_fail(e, 404, "not_found", NULL, "no current entry"
		    " %lld that can be superseded", n);
	if (b) {
		c = b->contest;
		table = b->table;
	}
	/* A tally-sheet entry (§3.5): confirmed once its sheet has two
	 * agreeing entries or is closed. */
	if (t) {
		c = t->contest;
		table = t->table;
		if (t->round != d->cs[c].round)
			return d_fail(e, 409, "wrong_state", "§3.5", "entry"
			    " %lld is of round %d, not the current one", n,
			    t->round);
	}
	conf = t ? d_tally_agreed(d, t) || d_sheet_closed(d, c, t->round,
	    t->area, t->table, 1) : confirmed(d, f, b);
	if ((s->rel = after_release(d, u, c, corr, b, rt, e)) < 0 ||
	    (!s->rel && (may_withdraw(u, f ? f->user : t ? t->user : b->user,
	    table, conf, rt, e) || state_open(d, c, f != NULL, e) ||
	    stage1_closed(d, b, e))))
		return -1;
	s->f = f;
	s->b = b;
	s->t = t;
	s->c = c;
suspended:
	if (s->c >= 0 && d->cs[s->c].suspended)
		return d_fail(e, 423, "suspended", "§2.14", "suspended");
	if (s->f)
		s->f->withdrawn = 1;
	else if (s->t)
		s->t->withdrawn = 1;
	else if (s->b)
		d_bix_withdraw(d, s->b, 1);
	else if (s->x[0]) {
		s->x[0]->withdrawn = s->x[1]->withdrawn = 1;
		/* a withdrawal may leave a count out of §2.3's bound; a
		 * correction is bounded when its transfer is recorded */
		if (!corr && d_xfer_holds(d, s->x, e)) {
			s->x[0]->withdrawn = s->x[1]->withdrawn = 0;
			return -1;
		}
	} else if (s->o) {
		s->o->objections--;
		s->o->objected = s->o->adj_obj || s->o->objections > 0;
		json_object_set_new(s->g, "withdrawn", json_true());
	}
	return 0;
}

/* Put back what supersede() took out (a correction that failed). */
static void
unsupersede(struct desk *d, const struct d_req *rq, struct subj *s)
{
	struct d_err e;

	if (s->dp)
		*s->dp = s->dsave;
	else if (s->rat >= 0)
		d_receipt_restore(d, &s->rsave, s->rat);
	else if (s->f)
		s->f->withdrawn = 0;
	else if (s->t)
		s->t->withdrawn = 0;
	else if (s->b)
		d_bix_withdraw(d, s->b, 0);
	else if (s->x[0])
		s->x[0]->withdrawn = s->x[1]->withdrawn = 0;
	else if (s->o) {
		s->o->objections++;
		s->o->objected = 1;
		json_object_set_new(s->g, "withdrawn", json_false());
	} else if (s->g) {
		d_config_revert(d, rq, s->g, 1, NULL, &e);
		json_object_set_new(s->g, "withdrawn", json_false());
	}
}

/* The action of the entry supersede() found. */
static const char *
action_of(const struct subj *s)
{
	if (s->dp)
		return "box.decide";
	if (s->rat >= 0)
		return "receipt.record";
	if (s->f)
		return s->f->kind ? "count.enter" : "bpa.enter";
	if (s->t)
		return "tally.enter";
	if (s->x[0])
		return "transfer.record";
	if (s->g)
		return strcmp(flow_kind(s->g), "objection") == 0 ?
		    "objection.record" : "config.change";
	return s->b->kind == 'd' ? "doubtful.raise" : "bundle.add";
}

int
a_withdraw(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "reason_code", "reason_text",
		NULL };
	const char *rc, *rt;
	struct subj s;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "reason_code", 1, 32, &rc, e) < 0 ||
	    d_get_str(rq->body, "reason_text", 0, 2000, &rt, e) < 0 ||
	    reason_ok(rc, rt, e) ||
	    supersede(d, rq, rq->sub, rt, 0, &s, e))
		return -1;
	rq->contest = s.c;
	out->ncontests = 0;
	if (s.c >= 0) {
		out->contests[0] = s.c;
		out->ncontests = 1;
	} else if (s.rat >= 0) {
		/* a receipt: the contests of its box, as it did */
		for (int i = 0; i < s.rsave.npolls && i < 8; i++)
			out->contests[out->ncontests++] =
			    s.rsave.polls[i].contest;
	} else if (s.g && json_integer_value(json_object_get(s.g,
	    "contest")) >= 0) {
		/* a config change: the contest it concerned, as it did */
		out->contests[0] = (int)json_integer_value(json_object_get(
		    s.g, "contest"));
		out->ncontests = 1;
	}
	out->supersedes = rq->sub;
	out->reason_code = rc;
	out->reason_text = rt;
	out->data = json_pack("{s:s, s:s?, s:i}", "reason_code", rc,
	    "reason_text", rt, "entry", rq->sub);
	return 0;
}

/* Whether rq's data names the box of poll p (a decision's correction
 * decides the same box). */
static int
same_box(const struct desk *d, const struct d_req *rq,
    const struct d_vpoll *p)
{
	const char *code = json_string_value(json_object_get(rq->body,
	    "box"));

	for (int b = 0; code && b < d->nboxes; b++)
		for (int j = 0; j < d->boxes[b].npolls; j++)
			if (&d->boxes[b].polls[j] == p)
				return strcmp(d->boxes[b].code, code) == 0;
	return 0;
}

/* A correction of entry n: n is superseded and rq (n's action, with the
 * new data as its body) is run in its place; if that fails, n stands.
 * Live from POST entries/N/correction, and in a replay of a line of
 * n's action that carries supersedes. */
static int
correct_one(struct desk *d, struct d_req *rq, long long n, const char *rc,
    const char *rt, struct d_out *out, struct d_err *e)
{
	struct subj s;

	if (!rc || reason_ok(rc, rt, e))
		return -1;
	/* a figure in an issued F6 (§2.4): the statement's own path */
	if (d_fig_verified(d, n)) {
		if (d_fig_correct(d, rq, n, rt, out, e))
			return -1;
		goto done;
	}
	if (supersede(d, rq, n, rt, 1, &s, e))
		return -1;
	if (!rq->action)
		rq->action = action_of(&s);
	/* a config change after READY carries its reason (§4): the
	 * correction's, unless its data gives one */
	if (strcmp(rq->action, "config.change") == 0 && rt &&
	    json_is_object(rq->body) && !json_object_get(rq->body,
	    "reason_text"))
		json_object_set_new(rq->body, "reason_text", json_string(rt));
	if (rq->contest < 0)
		rq->contest = s.c;
	if (rq->contest != s.c || strcmp(rq->action, action_of(&s)) != 0) {
		d_fail(e, 400, "bad_request", "§3.5", "a correction of entry"
		    " %lld is an entry of its own action and contest", n);
		goto undo;
	}
	if (s.dp && !same_box(d, rq, s.dp)) {
		d_fail(e, 400, "bad_request", "§3.5", "a correction of entry"
		    " %lld decides the box it decided", n);
		goto undo;
	}
	rq->after_release = s.rel;
	if (d_exec(d, rq, out, e))
		goto undo;
	/* after release: the new provisional version (§3.5), or the
	 * corrected bundle taken out again */
	if (s.rel && d_prov_correct(d, rq, out, e)) {
		d_bix_withdraw(d, &d->bs[d->nbs - 1], 1);
		d->nbs--;
		goto undo;
	}
done:
	out->supersedes = n;
	out->reason_code = rc;
	out->reason_text = rt;
	return 0;
undo:
	unsupersede(d, rq, &s);
	return -1;
}

int
d_correct(struct desk *d, struct d_req *rq, long long n, const char *rc,
    const char *rt, struct d_out *out, struct d_err *e)
{
	int r;

	d->depth++;
	r = correct_one(d, rq, n, rc, rt, out, e);
	/* a replayed correction is a whole entry of its own (d_exec) */
	if (--d->depth == 0 && r == 0)
		d_stmts_update(d, (int)rq->entry);
	return r;
}

/* POST entries/N/correction {"reason_code", "reason_text"?, "data"}. */
int
a_entry_correct(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "reason_code", "reason_text",
		"data", NULL };
	const char *rc, *rt;
	struct d_req in = *rq;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "reason_code", 1, 32, &rc, e) < 0 ||
	    d_get_str(rq->body, "reason_text", 0, 2000, &rt, e) < 0)
		return -1;
	if (!json_is_object(json_object_get(rq->body, "data")))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"data\" must be an object");
	in.action = NULL;
	in.contest = -1;
	in.body = json_object_get(rq->body, "data");
	in.sub = 0;
	if (d_correct(d, &in, rq->sub, rc, rt, out, e))
		return -1;
	/* The entry is journalled as the corrected one's action. */
	rq->action = in.action;
	rq->contest = in.contest;
	return 0;
}
