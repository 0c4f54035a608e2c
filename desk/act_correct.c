/* SPDX-License-Identifier: MIT */
/* act_correct.c -- withdrawals (§3.5): a superseding entry that takes a
 * figure, bundle or doubtful paper out of the views; nothing is deleted.
 * It resolves a double-entry difference (I20) too. */
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

/* §3.5: before confirmation its author or a supervisor of the table;
 * after, a supervisor (or the manager, DRO, RO). */
static int
may_withdraw(const struct d_user *u, const char *author, int table,
    struct d_err *e)
{
	if (strcmp(u->role, "clerk") == 0) {
		if (!author || strcmp(author, u->username) != 0)
			return d_forbid(e, "own_entry", "§3.5: a clerk"
			    " withdraws only an own entry");
		return 0;
	}
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

int
a_withdraw(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "reason_code", "reason_text",
		NULL };
	const char *rc, *rt;
	struct d_fig *f;
	struct d_bundle *b = NULL;
	int c = -1, table = 0, k;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "reason_code", 1, 32, &rc, e) < 0 ||
	    d_get_str(rq->body, "reason_text", 0, 2000, &rt, e) < 0)
		return -1;
	for (k = 0; reasons[k] && strcmp(reasons[k], rc) != 0; k++)
		;
	if (!reasons[k] || (strcmp(rc, "other") == 0 && !rt))
		return d_fail(e, 400, "bad_request", NULL, "reason_code must"
		    " be a code of §3.5 (other needs reason_text)");
	if ((f = find_fig(d, rq->sub, &c, &table)) && f->withdrawn)
		f = NULL;
	if (!f && (!(b = find_bundle(d, rq->sub)) || b->withdrawn ||
	    b->decided))
		return d_fail(e, 404, "not_found", NULL, "no current entry"
		    " %d that can be withdrawn", rq->sub);
	if (b) {
		c = b->contest;
		table = b->table;
	}
	if (may_withdraw(rq->user, f ? f->user : b->user, table, e) ||
	    state_open(d, c, f != NULL, e))
		return -1;
	if (d->cs[c].suspended)
		return d_fail(e, 423, "suspended", "§2.14", "suspended");
	if (f)
		f->withdrawn = 1;
	else
		b->withdrawn = 1;
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
