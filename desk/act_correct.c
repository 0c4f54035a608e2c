/* SPDX-License-Identifier: MIT */
/* act_correct.c -- corrections (§3.5): a withdrawal is a superseding
 * entry that takes a figure, bundle or doubtful paper out of the views;
 * a correction is a superseding entry of the original's own action with
 * new data (journalled as that action, with supersedes). Nothing is
 * deleted. A withdrawal resolves a double-entry difference (I20) too. */
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

/* Take entry n out of the views, if u may (§3.5): *fp or *bp is the
 * subject, *cp its contest. */
static int
supersede(struct desk *d, const struct d_user *u, long long n,
    const char *rt, struct d_fig **fp, struct d_bundle **bp,
    struct d_tally **tp, int *cp, struct d_err *e)
{
	struct d_fig *f;
	struct d_bundle *b = NULL;
	struct d_tally *t = NULL;
	int c = -1, table = 0, conf;

	if (n < 1)
		return d_fail(e, 404, "not_found", NULL, "no entry %lld", n);
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
	if (may_withdraw(u, f ? f->user : t ? t->user : b->user, table, conf,
	    rt, e) || state_open(d, c, f != NULL, e))
		return -1;
	if (d->cs[c].suspended)
		return d_fail(e, 423, "suspended", "§2.14", "suspended");
	if (f)
		f->withdrawn = 1;
	else if (t)
		t->withdrawn = 1;
	else
		b->withdrawn = 1;
	*fp = f;
	*bp = b;
	*tp = t;
	*cp = c;
	return 0;
}

/* The action of the entry supersede() found. */
static const char *
action_of(const struct d_fig *f, const struct d_bundle *b,
    const struct d_tally *t)
{
	if (f)
		return f->kind ? "count.enter" : "bpa.enter";
	if (t)
		return "tally.enter";
	return b->kind == 'd' ? "doubtful.raise" : "bundle.add";
}

int
a_withdraw(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "reason_code", "reason_text",
		NULL };
	const char *rc, *rt;
	struct d_fig *f;
	struct d_bundle *b;
	struct d_tally *t;
	int c;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "reason_code", 1, 32, &rc, e) < 0 ||
	    d_get_str(rq->body, "reason_text", 0, 2000, &rt, e) < 0 ||
	    reason_ok(rc, rt, e) ||
	    supersede(d, rq->user, rq->sub, rt, &f, &b, &t, &c, e))
		return -1;
	rq->contest = c;
	out->contests[0] = c;
	out->ncontests = 1;
	out->supersedes = rq->sub;
	out->reason_code = rc;
	out->reason_text = rt;
	out->data = json_pack("{s:s, s:s?, s:i}", "reason_code", rc,
	    "reason_text", rt, "entry", rq->sub);
	return 0;
}

/* A correction of entry n: n is superseded and rq (n's action, with the
 * new data as its body) is run in its place; if that fails, n stands.
 * Live from POST entries/N/correction, and in a replay of a line of
 * n's action that carries supersedes. */
int
d_correct(struct desk *d, struct d_req *rq, long long n, const char *rc,
    const char *rt, struct d_out *out, struct d_err *e)
{
	struct d_fig *f;
	struct d_bundle *b;
	struct d_tally *t;
	int c;

	if (!rc || reason_ok(rc, rt, e) ||
	    supersede(d, rq->user, n, rt, &f, &b, &t, &c, e))
		return -1;
	if (!rq->action)
		rq->action = action_of(f, b, t);
	if (rq->contest < 0)
		rq->contest = c;
	if (rq->contest != c || strcmp(rq->action, action_of(f, b, t)) != 0) {
		d_fail(e, 400, "bad_request", "§3.5", "a correction of entry"
		    " %lld is an entry of its own action and contest", n);
		goto undo;
	}
	if (d_exec(d, rq, out, e))
		goto undo;
	out->supersedes = n;
	out->reason_code = rc;
	out->reason_text = rt;
	return 0;
undo:
	if (f)
		f->withdrawn = 0;
	else if (t)
		t->withdrawn = 0;
	else
		b->withdrawn = 0;
	return -1;
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
