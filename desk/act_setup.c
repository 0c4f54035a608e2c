/* SPDX-License-Identifier: MIT */
/* act_setup.c -- actions before the count: plan approval, close of
 * poll, assignments, delegations, agents, box receipt and opening,
 * suspension (§2.2, §2.3, §2.14, §9.4). */
#include "desk.h"

#include <stdlib.h>
#include <string.h>

int
d_table_known(const struct desk *d, long long t)
{
	for (size_t i = 0; i < json_array_size(d->tables); i++)
		if (json_integer_value(json_object_get(json_array_get(
		    d->tables, i), "number")) == t)
			return 1;
	return 0;
}

static void
all_contests(const struct desk *d, struct d_out *out)
{
	out->ncontests = 0;
	for (int i = 0; i < d->ncs && i < 8; i++)
		out->contests[out->ncontests++] = i;
}

int
a_plan_approve(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { NULL };

	if (d_body_keys(rq->body, keys, e))
		return -1;
	for (int i = 0; i < d->ncs; i++)
		if (d->cs[i].state != S_SETUP)
			return d_fail(e, 409, "wrong_state", "§2.2",
			    "the plan is approved already");
	for (int i = 0; i < d->ncs; i++)
		d->cs[i].state = S_READY;
	all_contests(d, out);
	out->data = json_object();
	return 0;
}

int
a_poll_close(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { NULL };
	const char *cop = json_string_value(json_object_get(d->election,
	    "close_of_poll"));

	if (d_body_keys(rq->body, keys, e))
		return -1;
	for (int i = 0; i < d->ncs; i++)
		if (d->cs[i].state != S_READY)
			return d_fail(e, 409, "wrong_state", "§2.2",
			    "the poll can close only when every contest is"
			    " READY");
	/* Both times are UTC ISO 8601: text order is time order. */
	if (cop && strncmp(rq->at, cop, 19) < 0)
		return d_fail(e, 409, "wrong_state", "§2.2",
		    "the close of poll (%s) is not yet reached", cop);
	for (int i = 0; i < d->ncs; i++)
		d->cs[i].state = S_RECEIVING;
	all_contests(d, out);
	out->data = json_object();
	return 0;
}

int
a_assignment(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "user", "table", "role", "until",
		NULL };
	const char *un, *role, *until;
	long long t;
	struct d_user *u;
	struct d_tab *nt;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "user", 1, 32, &un, e) < 0 ||
	    d_get_int(rq->body, "table", 1, 1, 999, &t, e) < 0 ||
	    d_get_str(rq->body, "role", 1, 12, &role, e) < 0 ||
	    d_get_str(rq->body, "until", 0, 32, &until, e) < 0)
		return -1;
	if (!(u = d_user_find(d, un)) || !d_table_known(d, t))
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no such user or table");
	if (strcmp(role, "clerk") != 0 && strcmp(role, "supervisor") != 0)
		return d_fail(e, 400, "bad_request", NULL,
		    "role must be clerk or supervisor");
	nt = realloc(u->tabs, (size_t)(u->ntabs + 1) * sizeof *nt);
	if (!nt)
		return d_fail(e, 500, "internal", NULL, "out of memory");
	u->tabs = nt;
	nt[u->ntabs].table = (int)t;
	snprintf(nt[u->ntabs].role, sizeof nt->role, "%s", role);
	u->ntabs++;
	out->ncontests = 0;
	out->data = d_norm(rq->body, keys);
	return 0;
}

static const char *const power_names[] = {
	"verify_approve", "adjudicate", "recount_decide",
	"provisional_release", "declare", "lot", NULL
};

int
a_delegation(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "dro", "powers", "contests",
		"instrument_ref", NULL };
	const char *un, *ref;
	json_t *pw = json_object_get(rq->body, "powers");
	json_t *cs = json_object_get(rq->body, "contests");
	unsigned bits = 0;
	struct d_user *u;
	size_t i;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "dro", 1, 32, &un, e) < 0 ||
	    d_get_str(rq->body, "instrument_ref", 1, 200, &ref, e) < 0)
		return -1;
	if (!json_is_array(pw) || !json_is_array(cs))
		return d_fail(e, 400, "bad_request", NULL,
		    "powers and contests must be arrays");
	if (!(u = d_user_find(d, un)) || strcmp(u->role, "dro") != 0)
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no DRO named %s", un);
	for (i = 0; i < json_array_size(pw); i++) {
		const char *p = json_string_value(json_array_get(pw, i));
		int k;

		for (k = 0; p && power_names[k]; k++)
			if (strcmp(power_names[k], p) == 0)
				break;
		if (!p || !power_names[k])
			return d_fail(e, 400, "bad_request", NULL,
			    "unknown power");
		bits |= 1u << k;
	}
	for (i = 0; i < json_array_size(cs); i++) {
		const char *c = json_string_value(json_array_get(cs, i));

		if (!c || d_contest_find(d, c) < 0)
			return d_fail(e, 400, "unknown_reference", NULL,
			    "no such contest");
	}
	out->ncontests = 0;
	for (i = 0; i < json_array_size(cs); i++) {
		int c = d_contest_find(d, json_string_value(json_array_get(cs,
		    i)));

		if (c < 8)
			u->powers[c] |= bits;
	}
	out->data = d_norm(rq->body, keys);
	return 0;
}

int
a_agent(struct desk *d, struct d_req *rq, struct d_out *out, struct d_err *e)
{
	static const char *const keys[] = { "id", "contest", "candidate",
		"capacity", "name", "may_require_recount", "notified_at",
		NULL };
	const char *id, *c, *cap, *name, *na;
	long long pos;
	int mrr, ci;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "id", 1, 32, &id, e) < 0 ||
	    d_get_str(rq->body, "contest", 1, 32, &c, e) < 0 ||
	    d_get_int(rq->body, "candidate", 1, 1, D_MAXC, &pos, e) < 0 ||
	    d_get_str(rq->body, "capacity", 1, 20, &cap, e) < 0 ||
	    d_get_str(rq->body, "name", 1, 200, &name, e) < 0 ||
	    d_get_bool(rq->body, "may_require_recount", 0, &mrr, e) < 0 ||
	    d_get_str(rq->body, "notified_at", 0, 32, &na, e) < 0)
		return -1;
	ci = d_contest_find(d, c);
	if (ci < 0 || pos > d->cs[ci].ncands)
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no such contest or candidate");
	out->ncontests = 0;
	out->data = d_norm(rq->body, keys);
	json_object_set_new(out->data, "may_require_recount",
	    json_boolean(mrr));
	/* the register objections and requests name agents from */
	json_array_append_new(d->agents, json_deep_copy(out->data));
	return 0;
}

/* The box named by member k of the body, or an error. */
static int
body_box(struct desk *d, const json_t *body, const char *k, struct d_err *e)
{
	const char *code;
	int b;

	if (d_get_str(body, k, 1, 16, &code, e) < 0)
		return -1;
	if ((b = d_box_find(d, code)) < 0)
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no box %s", code);
	return b;
}

static void
box_contests(const struct desk *d, const struct d_box *b, struct d_out *out)
{
	out->ncontests = 0;
	for (int i = 0; i < b->npolls && i < 8; i++)
		out->contests[out->ncontests++] = b->polls[i].contest;
	(void)d;
}

/* Is station code st one of the plan's stations? */
static int
station_known(const struct desk *d, const char *st)
{
	for (size_t i = 0; i < json_array_size(d->stations); i++) {
		const char *c = json_string_value(json_object_get(
		    json_array_get(d->stations, i), "code"));

		if (c && strcmp(c, st) == 0)
			return 1;
	}
	return 0;
}

/* One poll of a box (an unexpected box's, or config.change's): a
 * contest id, or {"contest", "area"?} as the plan's box polls; the
 * area may be left out when the contest has one. Fills p and appends
 * {"contest", "area"} to norm. */
int
d_poll_parse(const struct desk *d, const json_t *x, struct d_vpoll *p,
    json_t *norm, struct d_err *e)
{
	static const char *const keys[] = { "contest", "area", NULL };
	const char *cid, *ar = NULL;
	const struct d_contest *k;

	if (json_is_string(x))
		cid = json_string_value(x);
	else if (!json_is_object(x))
		return d_fail(e, 400, "bad_request", NULL, "a poll is a"
		    " contest id or {\"contest\", \"area\"}");
	else if (d_body_keys(x, keys, e) ||
	    d_get_str(x, "contest", 1, 32, &cid, e) < 0 ||
	    d_get_str(x, "area", 0, 32, &ar, e) < 0)
		return -1;
	if ((p->contest = d_contest_find(d, cid)) < 0)
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no contest %s", cid);
	k = &d->cs[p->contest];
	if (!ar && k->nareas > 1)
		return d_fail(e, 400, "bad_request", NULL, "contest %s has"
		    " several count areas: the poll names one", cid);
	if ((p->area = ar ? d_area_find(k, ar) : 0) < 0)
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no area %s in contest %s", ar, cid);
	json_array_append_new(norm, json_pack("{s:s, s:s}", "contest", k->id,
	    "area", k->areas[p->area].id));
	return 0;
}

/* The body's "unexpected" {"reason", "kind", "station"?, "polls"}: a box
 * not in the plan, registered at its receipt with a reason (§2.1, §9.4)
 * under the body's box code. Fills bx (strings borrowed from the body)
 * and sets the member to its journal form, areas named. */
static int
unexpected_box(struct desk *d, json_t *body, struct d_box *bx,
    struct d_err *e)
{
	static const char *const keys[] = { "reason", "kind", "station",
		"polls", NULL };
	const json_t *un = json_object_get(body, "unexpected"), *ps, *x;
	const char *reason, *kind, *st;
	json_t *norm;
	size_t i;

	if (!json_is_object(un))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"unexpected\" must be an object");
	if (d_body_keys(un, keys, e) ||
	    d_get_str(un, "reason", 1, 2000, &reason, e) < 0 ||
	    d_get_str(un, "kind", 1, 20, &kind, e) < 0 ||
	    d_get_str(un, "station", 0, 32, &st, e) < 0)
		return -1;
	if (!reason[strspn(reason, " \t\r\n")])
		return d_fail(e, 400, "bad_request", "§2.1", "§2.1: an"
		    " unexpected box is registered with a reason");
	if (strcmp(kind, "station") != 0 && strcmp(kind, "postal") != 0 &&
	    strcmp(kind, "postal_handed_in") != 0)
		return d_fail(e, 400, "bad_request", NULL, "member \"kind\""
		    " is station, postal or postal_handed_in");
	if (strcmp(kind, "station") == 0 && !st)
		return d_fail(e, 400, "bad_request", NULL,
		    "a station box names its station");
	if (strcmp(kind, "station") != 0 && st)
		return d_fail(e, 400, "bad_request", NULL,
		    "only a station box names a station");
	if (st && !station_known(d, st))
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no station %s", st);
	ps = json_object_get(un, "polls");
	if (!json_is_array(ps) || !json_array_size(ps) ||
	    json_array_size(ps) > D_MAXP)
		return d_fail(e, 400, "bad_request", NULL, "member \"polls\""
		    " must be an array of 1..%d contests", D_MAXP);
	memset(bx, 0, sizeof *bx);
	bx->code = json_string_value(json_object_get(body, "box"));
	bx->kind = kind;
	bx->station = st;
	bx->unexpected = reason;
	norm = json_array();
	json_array_foreach(ps, i, x) {
		if (d_poll_parse(d, x, &bx->polls[i], norm, e))
			goto bad;
		for (size_t j = 0; j < i; j++)
			if (bx->polls[j].contest == bx->polls[i].contest) {
				d_fail(e, 400, "bad_request", NULL, "contest"
				    " %s is named twice", d->cs[
				    bx->polls[i].contest].id);
				goto bad;
			}
		bx->npolls++;
	}
	json_object_set_new(body, "unexpected", json_pack("{s:s, s:s, s:s?,"
	    " s:o}", "reason", reason, "kind", kind, "station", st, "polls",
	    norm));
	/* the strings now live in the new member */
	un = json_object_get(body, "unexpected");
	bx->unexpected = json_string_value(json_object_get(un, "reason"));
	bx->kind = json_string_value(json_object_get(un, "kind"));
	bx->station = json_string_value(json_object_get(un, "station"));
	return 0;
bad:
	json_decref(norm);
	return -1;
}

/* §2.2: whether box bx may be received (or its receipt superseded)
 * in the states of its contests. */
static int
receivable(const struct desk *d, const struct d_box *bx, struct d_err *e)
{
	for (int i = 0; i < bx->npolls; i++) {
		int s = d->cs[bx->polls[i].contest].state;
		int postal = strcmp(bx->kind, "station") != 0;

		if (!(s == S_RECEIVING || s == S_VERIFYING ||
		    (s == S_READY && postal)))
			return d_fail(e, 409, "wrong_state", "§2.2",
			    "box %s cannot be received in state %s",
			    bx->code, d_state_name(s));
	}
	return 0;
}

/* §9.4 receipt.record: a box of the plan, or with "unexpected" one not
 * in it, registered here (§2.1) and from then on as the plan's are. */
int
a_receipt(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "box", "po_name", "seals_intact",
		"seal_numbers", "packets", "unexpected", NULL };
	const json_t *un = json_object_get(rq->body, "unexpected");
	const char *po, *sn, *code;
	int b = -1, seals;
	struct d_box *bx, nb;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "box", 1, 16, &code, e) < 0 ||
	    (un && !json_is_null(un) ? unexpected_box(d, rq->body, &nb, e) :
	    (b = body_box(d, rq->body, "box", e))) < 0 ||
	    d_get_str(rq->body, "po_name", 0, 200, &po, e) < 0 ||
	    d_get_bool(rq->body, "seals_intact", 1, &seals, e) < 0 ||
	    d_get_str(rq->body, "seal_numbers", 0, 200, &sn, e) < 0)
		return -1;
	if (!json_is_array(json_object_get(rq->body, "packets")))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"packets\" must be an array");
	if (b < 0 && d_box_find(d, code) >= 0)
		return d_fail(e, 409, "invariant", "§4", "§4: box %s is in"
		    " the book already (box codes are unique): it is"
		    " received as expected, not registered", code);
	bx = b < 0 ? &nb : &d->boxes[b];
	if (bx->received)
		return d_fail(e, 409, "invariant", "I1",
		    "I1: box %s is received already", bx->code);
	if (receivable(d, bx, e))
		return -1;
	if (b < 0 && (b = d_box_add(d, &nb)) < 0)
		return d_fail(e, 500, "internal", NULL, "out of memory");
	bx = &d->boxes[b];
	bx->received = 1;
	bx->rentry = (int)rq->entry;
	box_contests(d, bx, out);
	out->data = d_norm(rq->body, keys);
	return 0;
}

/* §3.5 for a receipt: if entry n received a box, check that rq's user
 * may take it back (as receipt.record, while the box is unopened, its
 * contests in the states it is received in and none suspended), then
 * do: the box is not received, and an unexpected one (§2.1) leaves the
 * book's boxes, as if never registered. *save and *at keep the box as
 * it was, for d_receipt_restore. 1 done, 0 n received no box, -1
 * refused. */
int
d_receipt_supersede(struct desk *d, const struct d_req *rq, long long n,
    struct d_box *save, int *at, struct d_err *e)
{
	static const char *const may[] = { "receipt", "manager", "dro", "ro",
		NULL };
	struct d_box *bx = NULL;
	int k = 0;

	for (int b = 0; b < d->nboxes && !bx; b++)
		if (d->boxes[b].received && d->boxes[b].rentry == n)
			bx = &d->boxes[*at = b];
	if (!bx)
		return 0;
	while (may[k] && strcmp(may[k], rq->user->role) != 0)
		k++;
	if (!may[k])
		return d_forbid(e, "role", "§3.2: a %s may not supersede a"
		    " receipt", rq->user->role);
	if (bx->table)
		return d_fail(e, 409, "wrong_state", "§3.5", "§3.5: box %s is"
		    " opened; its receipt stands", bx->code);
	if (receivable(d, bx, e))
		return -1;
	for (int i = 0; i < bx->npolls; i++)
		if (d->cs[bx->polls[i].contest].suspended)
			return d_fail(e, 423, "suspended", "§2.14",
			    "suspended");
	*save = *bx;
	if (bx->unexpected) {
		d_box_drop(d, *at, save);
		return 1;
	}
	bx->received = 0;
	bx->rentry = 0;
	return 1;
}

/* Put back the box d_receipt_supersede took (a correction that failed). */
void
d_receipt_restore(struct desk *d, const struct d_box *save, int at)
{
	if (save->unexpected)
		(void)d_box_put(d, at, save);
	else
		d->boxes[at] = *save;
}

int
a_box_open(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "box", "table", "agent_seals",
		NULL };
	long long t;
	int b;
	struct d_box *bx;

	if (d_body_keys(rq->body, keys, e) ||
	    (b = body_box(d, rq->body, "box", e)) < 0 ||
	    d_get_int(rq->body, "table", 1, 1, 999, &t, e) < 0)
		return -1;
	if (!d_table_known(d, t))
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no table %lld", t);
	if (d_sup_refused(rq->user, (int)t))
		return d_forbid(e, "table", "§3.2: table %lld is not yours",
		    t);
	bx = &d->boxes[b];
	if (!bx->received || bx->table)
		return d_fail(e, 409, "wrong_state", "§2.3",
		    "box %s is %s", bx->code, bx->table ? "open already" :
		    "not received");
	for (int i = 0; i < bx->npolls; i++) {
		int s = d->cs[bx->polls[i].contest].state;

		if (s != S_RECEIVING && s != S_VERIFYING)
			return d_fail(e, 409, "wrong_state", "§2.2",
			    "boxes open in RECEIVING or VERIFYING, not %s",
			    d_state_name(s));
	}
	bx->table = (int)t;
	for (int i = 0; i < bx->npolls; i++)
		d->cs[bx->polls[i].contest].state = S_VERIFYING;
	box_contests(d, bx, out);
	out->data = d_norm(rq->body, keys);
	return 0;
}

static int
suspend_common(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e, int on, const char *const *keys)
{
	const char *cid;
	int lo = 0, hi = d->ncs;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "contest", 0, 32, &cid, e) < 0)
		return -1;
	if (cid) {
		if ((lo = d_contest_find(d, cid)) < 0)
			return d_fail(e, 400, "unknown_reference", NULL,
			    "no contest %s", cid);
		hi = lo + 1;
	}
	if (d_agents_named(d, rq->body, "agents_sealed", cid ? d->cs[lo].id :
	    NULL, e))
		return -1;
	for (int i = lo; i < hi; i++) {
		int s = d->cs[i].state;

		if (s < S_RECEIVING || s >= S_DECLARED)
			return d_fail(e, 409, "wrong_state", "§2.14",
			    "%s cannot be suspended or resumed in %s",
			    d->cs[i].id, d_state_name(s));
		if (d->cs[i].suspended == on)
			return d_fail(e, 409, "wrong_state", "§2.14",
			    "%s is %s already", d->cs[i].id,
			    on ? "suspended" : "not suspended");
	}
	out->ncontests = 0;
	for (int i = lo; i < hi; i++) {
		d->cs[i].suspended = on;
		if (out->ncontests < 8)
			out->contests[out->ncontests++] = i;
	}
	out->data = d_norm(rq->body, keys);
	return 0;
}

int
a_suspend(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "contest", "reason", "seals",
		"agents_sealed", NULL };

	if (!json_is_string(json_object_get(rq->body, "reason")))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"reason\" is required");
	return suspend_common(d, rq, out, e, 1, keys);
}

int
a_resume(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "contest", "seals_intact", "note",
		NULL };

	return suspend_common(d, rq, out, e, 0, keys);
}

int
a_escalate(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "box", "note", NULL };
	const char *note;
	int b;

	if (d_body_keys(rq->body, keys, e) ||
	    (b = body_box(d, rq->body, "box", e)) < 0 ||
	    d_get_str(rq->body, "note", 1, 2000, &note, e) < 0)
		return -1;
	if (d->boxes[b].received)
		return d_fail(e, 409, "wrong_state", "§2.3", "box %s is"
		    " received", d->boxes[b].code);
	for (int i = 0; i < d->boxes[b].npolls; i++) {
		int s = d->cs[d->boxes[b].polls[i].contest].state;

		if (s != S_RECEIVING && s != S_VERIFYING)
			return d_fail(e, 409, "wrong_state", "§2.2",
			    "no escalation in %s", d_state_name(s));
	}
	d->boxes[b].escalated = 1;
	box_contests(d, &d->boxes[b], out);
	out->data = d_norm(rq->body, keys);
	return 0;
}

int
a_announce(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "code", "text", "contests", NULL };
	const char *code, *text;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "code", 1, 8, &code, e) < 0 ||
	    d_get_str(rq->body, "text", 1, 2000, &text, e) < 0)
		return -1;
	if (strlen(code) != 2 || code[0] != 'A' || code[1] < '1' ||
	    code[1] > '7')
		return d_fail(e, 400, "bad_request", NULL, "code is A1..A7");
	out->ncontests = 0;
	out->data = d_norm(rq->body, keys);
	(void)d;
	return 0;
}
