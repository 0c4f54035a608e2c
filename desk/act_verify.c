/* SPDX-License-Identifier: MIT */
/* act_verify.c -- box verification (§2.3): BPA and counted figures by
 * blind double entry (I20), the preliminary checks, decisions (I4), the
 * statement (I5) and mixing (I6). */
#include "desk.h"

#include <stdlib.h>
#include <string.h>

static const char *const check_items[] = { "bpa_arithmetic",
	"unused_count", "other_packets", "postal_not_added", "po_contacted",
	"boxes_issued", NULL };

/* The poll of box b for contest c, after the body's "box". */
static struct d_vpoll *
poll_of(struct desk *d, struct d_req *rq, int *bi, struct d_err *e)
{
	const char *code;
	int b;

	if (d_get_str(rq->body, "box", 1, 16, &code, e) < 0)
		return NULL;
	if ((b = d_box_find(d, code)) < 0) {
		d_fail(e, 400, "unknown_reference", NULL, "no box %s", code);
		return NULL;
	}
	*bi = b;
	for (int i = 0; i < d->boxes[b].npolls; i++)
		if (d->boxes[b].polls[i].contest == rq->contest)
			return &d->boxes[b].polls[i];
	d_fail(e, 400, "unknown_reference", NULL, "box %s does not carry %s",
	    code, d->cs[rq->contest].id);
	return NULL;
}

/* The figure entry that makes (kind, attempt) of p agreed: a
 * correction after issue standing alone, else the first of two equal
 * entries by different users; NULL with *st 0 awaiting, -1 different
 * (I20). */
static const struct d_fig *
agreed_fig(const struct d_vpoll *p, int kind, int attempt, int *st)
{
	const struct d_fig *f[2], *sole = NULL;
	int n = 0;

	*st = 0;
	for (int i = 0; i < p->nfigs; i++)
		if (p->figs[i].kind == kind && p->figs[i].attempt == attempt &&
		    !p->figs[i].withdrawn) {
			if (p->figs[i].sole)
				sole = &p->figs[i];
			else if (n < 2)
				f[n++] = &p->figs[i];
		}
	/* a correction after issue (§3.5) stands alone */
	if (sole)
		return sole;
	if (n < 2)
		return NULL;
	if (f[0]->value != f[1]->value || strcmp(f[0]->user,
	    f[1]->user) == 0) {
		*st = -1;
		return NULL;
	}
	return f[0];
}

/* The agreed value of a double-entry figure: 1 agreed, 0 awaiting, -1
 * different (I20). */
static int
effective(const struct d_vpoll *p, int kind, int attempt, long long *v)
{
	int st;
	const struct d_fig *f = agreed_fig(p, kind, attempt, &st);

	if (!f)
		return st;
	*v = f->value;
	/* A count taken before a transfer: the papers moved in or out
	 * since go with it (§2.3); one taken after holds them already. */
	for (int i = 0; kind == 1 && i < p->nxf; i++)
		if (p->xf[i].entry > f->basis && !p->xf[i].withdrawn)
			*v += p->xf[i].papers;
	return 1;
}

/* §2.3's bound between a count and the transfers: a count of v papers
 * taken at entry basis is what box code held then; the current
 * transfers before it and after it must leave the box holding no
 * fewer than no papers at every step (a receiving box's count includes
 * the papers moved in before it; a count taken before papers were
 * moved out held them). Refused naming §2.3. */
static int
holds_ok(const struct d_vpoll *p, const char *code, int basis,
    long long v, struct d_err *e)
{
	long long h = v;

	for (int i = p->nxf - 1; i >= 0; i--)
		if (p->xf[i].entry < basis && !p->xf[i].withdrawn &&
		    (h -= p->xf[i].papers) < 0)
			return d_fail(e, 409, "invariant", "§2.3", "§2.3: box"
			    " %s's count of %lld papers, taken after entry %d"
			    " moved %lld papers %s, cannot be right: the"
			    " receiving box's count includes them", code, v,
			    p->xf[i].entry, llabs(p->xf[i].papers),
			    p->xf[i].papers > 0 ? "in" : "out");
	h = v;
	for (int i = 0; i < p->nxf; i++)
		if (p->xf[i].entry > basis && !p->xf[i].withdrawn &&
		    (h += p->xf[i].papers) < 0)
			return d_fail(e, 409, "invariant", "§2.3", "§2.3: box"
			    " %s's count of %lld papers, taken before entry %d"
			    " moved %lld papers out, cannot be right: the box"
			    " held them when counted", code, v,
			    p->xf[i].entry, -p->xf[i].papers);
	return 0;
}

/* §2.3 once a transfer's sides x[0] and x[1] are withdrawn: every
 * agreed count of their polls still within holds_ok's bound. */
int
d_xfer_holds(const struct desk *d, struct d_xfer *const x[2],
    struct d_err *e)
{
	for (int b = 0; b < d->nboxes; b++)
		for (int k = 0; k < d->boxes[b].npolls; k++) {
			const struct d_vpoll *p = &d->boxes[b].polls[k];
			const struct d_fig *f;
			int mine = 0, st;

			for (int i = 0; i < p->nxf; i++)
				mine |= &p->xf[i] == x[0] || &p->xf[i] == x[1];
			for (int a = 0; mine && a <= p->recounts; a++)
				if ((f = agreed_fig(p, 1, a, &st)) &&
				    holds_ok(p, d->boxes[b].code, f->basis,
				    f->value, e))
					return -1;
		}
	return 0;
}

/* The basis a new count entry of attempt would carry: that of the
 * figure it makes effective (effective()'s first), else entry n. */
static int
count_basis(const struct d_vpoll *p, int attempt, int n)
{
	for (int i = 0; i < p->nfigs; i++)
		if (p->figs[i].kind == 1 && p->figs[i].attempt == attempt &&
		    !p->figs[i].withdrawn)
			return p->figs[i].basis;
	return n;
}

/* Whether user entered a current figure of p. A correction after F6's
 * issue (sole) does not count: §3.5 gives it to the DRO or RO, who
 * also decide the box again (§2.3); I4's separation is between the
 * table's entries and the approver. */
static int
authored(const struct d_vpoll *p, const char *user)
{
	for (int i = 0; i < p->nfigs; i++)
		if (!p->figs[i].withdrawn && !p->figs[i].sole &&
		    strcmp(p->figs[i].user, user) == 0)
			return 1;
	return 0;
}

static int
all_checks(const struct d_vpoll *p)
{
	return p->checks == (1u << 6) - 1;
}

static const char *
box_state(const struct d_box *b, const struct d_vpoll *p)
{
	long long bpa = 0, c0 = 0;

	if (p->decided)
		return "VERIFIED";
	if (!b->received)
		return b->escalated ? "NOT_RECEIVED" : "EXPECTED";
	if (!b->table)
		return "RECEIVED";
	if (effective(p, 1, 0, &c0) != 1 || effective(p, 0, 0, &bpa) != 1)
		return "OPENED";
	if (c0 == bpa)
		return "AGREED";
	if (p->recounts > 0)
		return "RECOUNTING";
	return all_checks(p) ? "CHECKED" : "VARIANCE";
}

/* Clerk or supervisor of the box's table, entering a figure. */
static int
entering(struct desk *d, struct d_req *rq, const struct d_box *b,
    struct d_err *e)
{
	if (d->cs[rq->contest].state != S_VERIFYING)
		return d_fail(e, 409, "wrong_state", "§2.2",
		    "figures are entered in VERIFYING, not %s",
		    d_state_name(d->cs[rq->contest].state));
	if (!b->table)
		return d_fail(e, 409, "wrong_state", "§2.3",
		    "box %s is not open", b->code);
	if (!d_user_table_role(rq->user, b->table, NULL))
		return d_forbid(e, "table", "I19: box %s is at table %d,"
		    " not yours", b->code, b->table);
	return 0;
}

/* A new figure entry of rq's user at the end of p->figs, or NULL. */
static struct d_fig *
push_fig(struct desk *d, struct d_req *rq, struct d_vpoll *p, int kind,
    int attempt, long long v)
{
	struct d_fig *nf = realloc(p->figs, (size_t)(p->nfigs + 1) *
	    sizeof *nf);

	if (!nf)
		return NULL;
	p->figs = nf;
	nf += p->nfigs++;
	memset(nf, 0, sizeof *nf);
	nf->entry = nf->basis = (int)rq->entry;
	nf->kind = kind;
	nf->attempt = attempt;
	nf->user = d_intern(d, rq->user->username);
	nf->value = v;
	return nf;
}

static int
add_fig(struct desk *d, struct d_req *rq, struct d_vpoll *p, int kind,
    int attempt, long long v, int *entry_no, struct d_err *e)
{
	struct d_fig *nf;
	int n = 0;
	const char *first = NULL;

	for (int i = 0; i < p->nfigs; i++)
		if (p->figs[i].kind == kind && p->figs[i].attempt == attempt &&
		    !p->figs[i].withdrawn) {
			n++;
			first = p->figs[i].user;
		}
	if (n >= 2)
		return d_fail(e, 409, "invariant", "I20",
		    "I20: this figure has two entries already");
	if (n == 1 && strcmp(first, rq->user->username) == 0)
		return d_forbid(e, "second_person", "I20: entry 2 must be by"
		    " another user than entry 1");
	if (!(nf = push_fig(d, rq, p, kind, attempt, v)))
		return d_fail(e, 500, "internal", NULL, "out of memory");
	nf->entry_no = n + 1;
	*entry_no = n + 1;
	return 0;
}

/* A warning (§9.1) not in the body's "acknowledge": 409
 * unacknowledged_warning; an acknowledged one goes with the entry. */
static int
warn(const json_t *body, struct d_out *out, const char *w, struct d_err *e,
    const char *what)
{
	const json_t *a = json_object_get(body, "acknowledge");

	for (size_t i = 0; i < json_array_size(a); i++)
		if (json_is_string(json_array_get(a, i)) && strcmp(w,
		    json_string_value(json_array_get(a, i))) == 0) {
			if (!out->warnings)
				out->warnings = json_array();
			json_array_append_new(out->warnings, json_string(w));
			return 0;
		}
	d_fail(e, 409, "unacknowledged_warning", NULL, "%s: %s", w, what);
	e->details = json_pack("{s:[s]}", "warnings", w);
	return -1;
}

static const char *
fig_status(const struct d_vpoll *p, int kind, int attempt)
{
	long long v;
	int s = effective(p, kind, attempt, &v);

	return s == 1 ? "agreed" : s == 0 ? "awaiting_second" : "different";
}

/* I3: issued_to_station = to voters + unused + spoilt + tendered, when
 * those heads are entered. */
static int
bpa_arith(const json_t *b)
{
	const json_t *st = json_object_get(b, "issued_to_station");
	long long sum = json_integer_value(json_object_get(b,
	    "issued_to_voters"));
	static const char *const heads[] = { "unused", "spoilt", "tendered",
		NULL };

	if (!json_is_integer(st))
		return 0;
	for (int i = 0; heads[i]; i++)
		sum += json_integer_value(json_object_get(b, heads[i]));
	return sum != json_integer_value(st);
}

static const char *const bpa_keys[] = { "box", "issued_to_voters",
	"issued_to_station", "unused", "spoilt", "tendered", "acknowledge",
	"paper_time", NULL };
static const char *const count_keys[] = { "box", "attempt", "papers",
	"acknowledge", "paper_time", NULL };

int
a_bpa(struct desk *d, struct d_req *rq, struct d_out *out, struct d_err *e)
{
	const char *const *keys = bpa_keys;
	long long v, x;
	int b, no;
	struct d_vpoll *p;

	if (d_body_keys(rq->body, keys, e) ||
	    !(p = poll_of(d, rq, &b, e)) ||
	    d_get_int(rq->body, "issued_to_voters", 1, 0, 10000000, &v, e) < 0)
		return -1;
	for (int i = 2; i < 6; i++)
		if (d_get_int(rq->body, keys[i], 0, 0, 10000000, &x, e) < 0)
			return -1;
	if (p->decided)
		return d_fail(e, 409, "wrong_state", "§2.3",
		    "box %s is verified already", d->boxes[b].code);
	if (entering(d, rq, &d->boxes[b], e))
		return -1;
	if (bpa_arith(rq->body) && warn(rq->body, out, "bpa_arithmetic", e,
	    "I3: issued to the station is not the sum of the heads"))
		return -1;
	if (add_fig(d, rq, p, 0, 0, v, &no, e)) {
		json_decref(out->warnings);
		out->warnings = NULL;
		return -1;
	}
	out->data = d_norm(rq->body, keys);
	json_object_set_new(out->data, "entry_no", json_integer(no));
	out->answer = json_pack("{s:i, s:s}", "entry_no", no, "status",
	    fig_status(p, 0, 0));
	return 0;
}

int
a_count(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	const char *const *keys = count_keys;
	long long at, v, bpa = 0, prev;
	int b, no;
	struct d_vpoll *p;

	if (d_body_keys(rq->body, keys, e) ||
	    !(p = poll_of(d, rq, &b, e)) ||
	    d_get_int(rq->body, "attempt", 1, 0, 100, &at, e) < 0 ||
	    d_get_int(rq->body, "papers", 1, 0, 10000000, &v, e) < 0)
		return -1;
	if (p->decided)
		return d_fail(e, 409, "wrong_state", "§2.3",
		    "box %s is verified already", d->boxes[b].code);
	if (at > 0) {
		int ok = effective(p, 1, (int)at - 1, &prev) == 1 &&
		    effective(p, 0, 0, &bpa) == 1 && all_checks(p);

		if (!ok)
			return d_fail(e, 409, "wrong_state", "§2.3",
			    "recount %lld of box %s needs the box CHECKED"
			    " or RECOUNTING, the count before it agreed",
			    at, d->boxes[b].code);
	}
	if (entering(d, rq, &d->boxes[b], e) ||
	    holds_ok(p, d->boxes[b].code, count_basis(p, (int)at,
	    (int)rq->entry), v, e))
		return -1;
	/* variance_large: |counted - BPA| above 2 % of the agreed BPA. */
	if (effective(p, 0, 0, &bpa) == 1 && llabs(v - bpa) * 50 > bpa &&
	    warn(rq->body, out, "variance_large", e, "the count differs from"
	    " the BPA by more than 2 %"))
		return -1;
	if (add_fig(d, rq, p, 1, (int)at, v, &no, e)) {
		json_decref(out->warnings);
		out->warnings = NULL;
		return -1;
	}
	if (at > p->recounts && effective(p, 1, (int)at, &prev) == 1)
		p->recounts = (int)at;
	if (at == 0 && effective(p, 1, 0, &prev) == 1)
		p->first_count = prev;
	out->data = d_norm(rq->body, keys);
	json_object_set_new(out->data, "entry_no", json_integer(no));
	out->answer = json_pack("{s:i, s:s, s:s}", "entry_no", no, "status",
	    fig_status(p, 1, (int)at), "box_state",
	    box_state(&d->boxes[b], p));
	if (effective(p, 1, (int)at, &prev) == 1 &&
	    effective(p, 0, 0, &bpa) == 1)
		json_object_set_new(out->answer, "variance",
		    json_integer(prev - bpa));
	else
		json_object_set_new(out->answer, "variance", json_null());
	return 0;
}

int
a_check(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "box", "item", "result", "note",
		NULL };
	const char *item, *res, *note;
	struct d_vpoll *p;
	int b, k;

	if (d_body_keys(rq->body, keys, e) || !(p = poll_of(d, rq, &b, e)) ||
	    d_get_str(rq->body, "item", 1, 32, &item, e) < 0 ||
	    d_get_str(rq->body, "result", 1, 16, &res, e) < 0 ||
	    d_get_str(rq->body, "note", 0, 500, &note, e) < 0)
		return -1;
	for (k = 0; check_items[k]; k++)
		if (strcmp(check_items[k], item) == 0)
			break;
	if (!check_items[k] || (strcmp(res, "done") != 0 &&
	    strcmp(res, "not_done") != 0))
		return d_fail(e, 400, "bad_request", NULL,
		    "unknown check item or result");
	if (d->cs[rq->contest].state != S_VERIFYING || p->decided)
		return d_fail(e, 409, "wrong_state", "§2.3",
		    "checks are recorded for a box being verified");
	if (d_sup_refused(rq->user, d->boxes[b].table))
		return d_forbid(e, "table", "I19: not your table");
	p->checks |= 1u << k;
	out->data = d_norm(rq->body, keys);
	return 0;
}

/* I4 for outcome o: 0 and the verified figure, or an error. */
static int
i4(struct desk *d, struct d_req *rq, struct d_box *bx, struct d_vpoll *p,
    const char *o, long long *ver, struct d_err *e)
{
	const struct d_contest *c = &d->cs[rq->contest];
	long long bpa = 0, c0 = 0, last = 0, prev = 0;
	int hb = effective(p, 0, 0, &bpa) == 1;
	int hc = effective(p, 1, 0, &c0) == 1;
	int r = p->recounts;
	int two = r >= c->min_recounts && effective(p, 1, r, &last) == 1 &&
	    effective(p, 1, r - 1, &prev) == 1 && last == prev;

	if (strcmp(o, "not_received") == 0) {
		if (bx->received)
			return d_fail(e, 409, "invariant", "I4",
			    "I4: box %s was received", bx->code);
		*ver = 0;
		return 0;
	}
	if (!hb || !hc)
		return d_fail(e, 409, "invariant", "I4", "I4: box %s has no"
		    " agreed BPA and first count", bx->code);
	if (strcmp(o, "agreed") == 0 && c0 == bpa)
		return (*ver = c0), 0;
	if (strcmp(o, "within_tolerance") == 0 && c0 != bpa &&
	    llabs(c0 - bpa) <= c->tolerance)
		return (*ver = c0), 0;
	if (strcmp(o, "agreed_on_recount") == 0 && two && last == bpa)
		return (*ver = last), 0;
	if (strcmp(o, "variance_confirmed") == 0 && two && last != bpa)
		return (*ver = last), 0;
	if (r < c->min_recounts && (strcmp(o, "agreed_on_recount") == 0 ||
	    strcmp(o, "variance_confirmed") == 0))
		return d_fail(e, 409, "invariant", "I4", "I4: box %s has %d"
		    " recounts, fewer than %d", bx->code, r,
		    c->min_recounts);
	return d_fail(e, 409, "invariant", "I4", "I4: box %s: the figures"
	    " (BPA %lld, counted %lld) do not allow %s", bx->code, bpa,
	    r ? last : c0, o);
}

static int
decide_who(struct desk *d, struct d_req *rq, const struct d_box *bx,
    const struct d_vpoll *p, const char *o, struct d_err *e)
{
	const char *role = rq->user->role;
	int plain = strcmp(o, "agreed") == 0 ||
	    strcmp(o, "agreed_on_recount") == 0;

	if (strcmp(o, "not_received") == 0 && strcmp(role, "ro") != 0)
		return d_forbid(e, "role", "§3.2: only the RO records a box"
		    " not received");
	if (!plain && strcmp(o, "not_received") != 0) {
		if (strcmp(role, "ro") != 0 && strcmp(role, "dro") != 0)
			return d_forbid(e, "role", "§3.2: %s needs the RO"
			    " or a DRO", o);
		if (!d_has_power(d, rq->user, rq->contest, "verify_approve"))
			return d_forbid(e, "delegation", "§3.2: no"
			    " delegation of verify_approve");
	}
	if (d_sup_refused(rq->user, bx->table))
		return d_forbid(e, "table", "I19: box %s is not at your"
		    " table", bx->code);
	if (authored(p, rq->user->username))
		return d_forbid(e, "own_entry", "I4: the approver authored"
		    " figures of box %s", bx->code);
	if (!plain && !rq->reauth_ok)
		return d_fail(e, 401, "reauth_required", "§6.3",
		    "re-authenticate to record %s", o);
	return 0;
}

/* Whether p awaits box.decide: undecided in VERIFYING, or undecided by
 * a correction after F6's issue while F6 may still be corrected. */
static int
awaiting(const struct desk *d, const struct d_vpoll *p)
{
	int s = d->cs[p->contest].state;

	if (p->decided)
		return 0;
	return s == S_VERIFYING || (p->redecide && d_f6_correctable(s) &&
	    !d->cs[p->contest].suspended);
}

/* The polling place of box b (through its station), or NULL. */
static const char *
box_place(const struct desk *d, int b)
{
	const char *st = d->boxes[b].station;
	const json_t *s;
	size_t i;

	json_array_foreach(d->stations, i, s)
		if (st && json_is_string(json_object_get(s, "code")) &&
		    strcmp(json_string_value(json_object_get(s, "code")),
		    st) == 0)
			return json_string_value(json_object_get(s, "place"));
	return NULL;
}

/* The latest agreed count of p (its last agreed recount, else its
 * first count): 1 and *v, or 0 when there is none. */
static int
latest_count(const struct d_vpoll *p, long long *v)
{
	for (int a = p->recounts; a >= 0; a--)
		if (effective(p, 1, a, v) == 1)
			return 1;
	return 0;
}

/* §2.3 (3), compensating errors: the boxes of polling place pl that
 * carry the contest, each with an agreed BPA and count (its latest),
 * net to zero over the place and do not all agree; each box not yet
 * decided is verified at its counted figure. Who: as box.decide's
 * compensating (the RO or a DRO with verify_approve, re-auth). */
static int
compensate(struct desk *d, struct d_req *rq, const char *pl,
    const char *ex, struct d_out *out, struct d_err *e)
{
	long long net = 0, sum = 0, bpa = 0, c = 0;
	int n = 0, differ = 0, found = 0;
	json_t *boxes;
	size_t i;
	const json_t *k;

	json_array_foreach(d->places, i, k)
		found |= json_is_string(json_object_get(k, "id")) &&
		    strcmp(json_string_value(json_object_get(k, "id")),
		    pl) == 0;
	if (!found)
		return d_fail(e, 400, "unknown_reference", NULL, "no place %s",
		    pl);
	if (!ex)
		return d_fail(e, 400, "bad_request", NULL,
		    "an explanation is required for compensating");
	for (int b = 0; b < d->nboxes; b++)
		for (int j = 0; j < d->boxes[b].npolls; j++) {
			struct d_vpoll *p = &d->boxes[b].polls[j];
			const char *bp = box_place(d, b);

			if (p->contest != rq->contest || !bp ||
			    strcmp(bp, pl) != 0)
				continue;
			if (effective(p, 0, 0, &bpa) != 1 ||
			    !latest_count(p, &c))
				return d_fail(e, 409, "invariant", "§2.3",
				    "§2.3: box %s of place %s has no agreed"
				    " BPA and count", d->boxes[b].code, pl);
			if (!p->decided && !awaiting(d, p))
				return d_fail(e, 409, "wrong_state", "§2.3",
				    "compensating errors are recorded in"
				    " VERIFYING, or for boxes to decide again,"
				    " not in %s", d_state_name(
				    d->cs[rq->contest].state));
			if (!p->decided && decide_who(d, rq, &d->boxes[b], p,
			    "compensating", e))
				return -1;
			if (p->decided)
				c = p->verified;
			net += c - bpa;
			differ |= c != bpa;
			n += !p->decided;
		}
	if (!n)
		return d_fail(e, 409, "wrong_state", "§2.3", "no box of place"
		    " %s is awaiting a decision", pl);
	if (net || !differ)
		return d_fail(e, 409, "invariant", "§2.3", "§2.3: the boxes of"
		    " place %s %s (counted less BPA %+lld)", pl, net ?
		    "do not net to zero" : "have no variance to compensate",
		    net);
	boxes = json_array();
	for (int b = 0; b < d->nboxes; b++)
		for (int j = 0; j < d->boxes[b].npolls; j++) {
			struct d_vpoll *p = &d->boxes[b].polls[j];
			const char *bp = box_place(d, b);

			if (p->contest != rq->contest || p->decided || !bp ||
			    strcmp(bp, pl) != 0)
				continue;
			latest_count(p, &c);
			p->decided = 1;
			p->redecide = 0;
			p->decision = (int)rq->entry;
			p->verified = c;
			p->outcome = d_intern(d, "compensating");
			p->explanation = d_intern(d, ex);
			sum += c;
			json_array_append_new(boxes, json_pack("{s:s, s:I}",
			    "box", d->boxes[b].code, "verified",
			    (json_int_t)c));
		}
	out->answer = json_pack("{s:I, s:o}", "verified", (json_int_t)sum,
	    "boxes", boxes);
	return 0;
}

static int late_role(struct desk *d, const struct d_req *rq, int c,
    struct d_err *e);

int
a_decide(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "box", "place", "outcome",
		"explanation", NULL };
	/* the journal's data: a box's members, or the place's */
	static const char *const bkeys[] = { "box", "outcome", "explanation",
		NULL };
	static const char *const pkeys[] = { "place", "outcome",
		"explanation", NULL };
	static const char *const outs[] = { "agreed", "agreed_on_recount",
		"variance_confirmed", "within_tolerance", "not_received",
		NULL };
	const char *o, *ex, *pl;
	long long ver = 0;
	struct d_vpoll *p;
	int b, k;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "place", 0, 64, &pl, e) < 0 ||
	    d_get_str(rq->body, "outcome", 1, 32, &o, e) < 0 ||
	    d_get_str(rq->body, "explanation", 0, 2000, &ex, e) < 0)
		return -1;
	/* §9.4: `place` instead of `box` for compensating */
	if (strcmp(o, "compensating") == 0) {
		if (!pl || json_object_get(rq->body, "box"))
			return d_fail(e, 400, "bad_request", NULL,
			    "compensating takes \"place\", not \"box\"");
		if (compensate(d, rq, pl, ex, out, e))
			return -1;
		out->data = d_norm(rq->body, pkeys);
		return 0;
	}
	if (pl)
		return d_fail(e, 400, "bad_request", NULL, "\"place\" is"
		    " for compensating only");
	if (!(p = poll_of(d, rq, &b, e)))
		return -1;
	for (k = 0; outs[k] && strcmp(outs[k], o) != 0; k++)
		;
	if (!outs[k])
		return d_fail(e, 400, "bad_request", NULL, "unknown outcome"
		    " %s", o);
	if (k >= 2 && !ex)
		return d_fail(e, 400, "bad_request", NULL,
		    "an explanation is required for %s", o);
	if ((p->redecide && late_role(d, rq, rq->contest, e)) ||
	    decide_who(d, rq, &d->boxes[b], p, o, e))
		return -1;
	if (!awaiting(d, p))
		return d_fail(e, 409, "wrong_state", "§2.3",
		    "box %s is not awaiting a decision", d->boxes[b].code);
	if (i4(d, rq, &d->boxes[b], p, o, &ver, e))
		return -1;
	p->decided = 1;
	p->redecide = 0;
	p->decision = (int)rq->entry;
	p->verified = ver;
	p->outcome = d_intern(d, o);
	p->explanation = d_intern(d, ex);
	out->data = d_norm(rq->body, bkeys);
	out->answer = json_pack("{s:I}", "verified", (json_int_t)ver);
	return 0;
}

/* The poll of box bx that papers of contest c leave from: its poll for
 * c, else its only poll (a ward box holding mayoral papers, S6). */
static struct d_vpoll *
from_poll(struct d_box *bx, int c)
{
	for (int i = 0; i < bx->npolls; i++)
		if (bx->polls[i].contest == c)
			return &bx->polls[i];
	return bx->npolls == 1 ? &bx->polls[0] : NULL;
}

static int
add_xfer(struct d_vpoll *p, int entry, int other, long long papers,
    const char *user)
{
	struct d_xfer *n = realloc(p->xf, (size_t)(p->nxf + 1) * sizeof *n);

	if (!n)
		return -1;
	p->xf = n;
	n[p->nxf].entry = entry;
	n[p->nxf].other = other;
	n[p->nxf].papers = papers;
	n[p->nxf].withdrawn = 0;
	n[p->nxf].user = user;
	p->nxf++;
	return 0;
}

/* POST transfers {"from_box", "to_box", "papers"} (§2.3): papers of
 * contest C found in the wrong box go to the right one; the receiving
 * box's counted figure includes them, the other's excludes them. Both
 * boxes open and undecided; a clerk or supervisor of either's table. */
int
a_transfer(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "from_box", "to_box", "papers",
		"paper_time", NULL };
	const char *fc, *tc;
	long long papers, have;
	struct d_vpoll *fp, *tp = NULL;
	struct d_box *fb, *tb;
	int f, t;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "from_box", 1, 16, &fc, e) < 0 ||
	    d_get_str(rq->body, "to_box", 1, 16, &tc, e) < 0 ||
	    d_get_int(rq->body, "papers", 1, 1, 10000000, &papers, e) < 0)
		return -1;
	if ((f = d_box_find(d, fc)) < 0 || (t = d_box_find(d, tc)) < 0)
		return d_fail(e, 400, "unknown_reference", NULL, "no box %s",
		    f < 0 ? fc : tc);
	if (f == t)
		return d_fail(e, 400, "bad_request", NULL, "from_box and"
		    " to_box are the same box");
	fb = &d->boxes[f];
	tb = &d->boxes[t];
	for (int i = 0; i < tb->npolls; i++)
		if (tb->polls[i].contest == rq->contest)
			tp = &tb->polls[i];
	if ((strcmp(rq->user->role, "clerk") == 0 ||
	    strcmp(rq->user->role, "supervisor") == 0) &&
	    !(fb->table && d_user_table_role(rq->user, fb->table, NULL)) &&
	    !(tb->table && d_user_table_role(rq->user, tb->table, NULL)))
		return d_forbid(e, "table", "I19: neither box %s nor box %s is"
		    " at a table of yours", fc, tc);
	if (d->cs[rq->contest].state != S_VERIFYING)
		return d_fail(e, 409, "wrong_state", "§2.2", "transfers are"
		    " recorded in VERIFYING, not %s",
		    d_state_name(d->cs[rq->contest].state));
	if (!tp)
		return d_fail(e, 409, "invariant", "§2.3", "§2.3: box %s does"
		    " not carry %s; its papers cannot go there", tc,
		    d->cs[rq->contest].id);
	if (!(fp = from_poll(fb, rq->contest)))
		return d_fail(e, 409, "invariant", "§2.3", "§2.3: box %s"
		    " carries several polls, none of them %s", fc,
		    d->cs[rq->contest].id);
	if (!fb->table || !tb->table)
		return d_fail(e, 409, "wrong_state", "§2.3", "box %s is not"
		    " open", fb->table ? tc : fc);
	if (fp->decided || tp->decided || d->cs[fp->contest].state !=
	    S_VERIFYING)
		return d_fail(e, 409, "wrong_state", "§2.3", "box %s is"
		    " verified already", tp->decided ? tc : fc);
	for (int a = fp->recounts; a >= 0; a--)
		if (effective(fp, 1, a, &have) == 1) {
			if (have < papers)
				return d_fail(e, 409, "invariant", "§2.3",
				    "§2.3: box %s's count holds %lld papers,"
				    " fewer than %lld", fc, have, papers);
			break;
		}
	if (add_xfer(tp, (int)rq->entry, f, papers, d_intern(d,
	    rq->user->username)) || add_xfer(fp, (int)rq->entry, t, -papers,
	    d_intern(d, rq->user->username)))
		return d_fail(e, 500, "internal", NULL, "out of memory");
	if (fp->contest != rq->contest) {
		out->contests[1] = fp->contest;
		out->ncontests = 2;
	}
	out->data = d_norm(rq->body, keys);
	return 0;
}

/* The contest of box o's poll that transfer entry n touched, or -1. */
static int
xfer_contest(const struct d_box *o, int n)
{
	for (int k = 0; k < o->npolls; k++)
		for (int j = 0; j < o->polls[k].nxf; j++)
			if (o->polls[k].xf[j].entry == n)
				return o->polls[k].contest;
	return -1;
}

/* F6's transfers: each once, on the statement of either contest. */
json_t *
d_transfers(const struct desk *d, int c)
{
	json_t *a = json_array();

	for (int b = 0; b < d->nboxes; b++)
		for (int p = 0; p < d->boxes[b].npolls; p++) {
			const struct d_vpoll *v = &d->boxes[b].polls[p];

			for (int i = 0; i < v->nxf; i++) {
				const struct d_xfer *x = &v->xf[i];
				const struct d_box *o = &d->boxes[x->other];

				if (x->papers < 0 || x->withdrawn ||
				    (v->contest != c &&
				    xfer_contest(o, x->entry) != c))
					continue;
				json_array_append_new(a, json_pack("{s:i, s:s,"
				    " s:s, s:s, s:I}", "entry", x->entry,
				    "from_box", o->code, "to_box",
				    d->boxes[b].code, "contest",
				    d->cs[v->contest].id, "papers",
				    (json_int_t)x->papers));
			}
		}
	return a;
}

/* A box's figures for GET contests/C/boxes: agreed figures only. */
json_t *
d_box_view(struct desk *d, int b, int poll)
{
	const struct d_box *bx = &d->boxes[b];
	const struct d_vpoll *p = &bx->polls[poll];
	json_t *counts = json_array();
	long long bpa = 0, v = 0, c0 = 0;
	int hb = effective(p, 0, 0, &bpa) == 1;
	int hc = effective(p, 1, 0, &c0) == 1;

	for (int a = 0; a <= p->recounts; a++)
		if (effective(p, 1, a, &v) == 1)
			json_array_append_new(counts, json_pack("{s:i, s:I}",
			    "attempt", a, "papers", (json_int_t)v));
	return json_pack("{s:s, s:s, s:s*, s:s?, s:s, s:o, s:s, s:o, s:o,"
	    " s:o, s:s?, s:o}", "box", bx->code, "kind", bx->kind,
	    "unexpected", bx->unexpected, "station", bx->station, "area",
	    d->cs[p->contest].areas[p->area].id, "table", bx->table ?
	    json_integer(bx->table) : json_null(), "state", box_state(bx, p),
	    "bpa", hb ? json_integer(bpa) : json_null(), "counts", counts,
	    "variance", hb && hc ? json_integer((p->recounts ? v : c0) - bpa) :
	    json_null(), "outcome", p->outcome, "verified", p->decided ?
	    json_integer(p->verified) : json_null());
}

/* The current entries of p's figure (kind, attempt), for S-02. */
static json_t *
fig_entries(const struct d_vpoll *p, int kind, int at)
{
	json_t *es = json_array();

	for (int i = 0; i < p->nfigs; i++) {
		const struct d_fig *f = &p->figs[i];

		if (f->kind == kind && f->attempt == at && !f->withdrawn)
			json_array_append_new(es, json_pack("{s:i, s:i, s:I,"
			    " s:s}", "entry", f->entry, "entry_no",
			    f->entry_no, "value", (json_int_t)f->value,
			    "user", f->user));
	}
	return es;
}

int
d_fig_pending(const struct desk *d, long long n)
{
	long long v;

	for (int b = 0; b < d->nboxes; b++)
		for (int j = 0; j < d->boxes[b].npolls; j++) {
			const struct d_vpoll *p = &d->boxes[b].polls[j];

			for (int i = 0; i < p->nfigs; i++) {
				const struct d_fig *f = &p->figs[i];
				int s;

				if (f->entry != n)
					continue;
				if (f->withdrawn || p->decided)
					return 0;
				s = effective(p, f->kind, f->attempt, &v);
				return s == 1 ? 0 : s == 0 ? 1 : 2;
			}
		}
	return 0;
}

json_t *
d_differences(const struct desk *d, int c)
{
	json_t *a = json_array();
	long long v;

	for (int b = 0; b < d->nboxes; b++)
		for (int j = 0; j < d->boxes[b].npolls; j++) {
			const struct d_vpoll *p = &d->boxes[b].polls[j];

			if (p->contest != c || p->decided)
				continue;
			/* the BPA, then each count: attempt 0 .. the next */
			for (int k = -1; k <= p->recounts + 1; k++) {
				int kind = k >= 0, at = k >= 0 ? k : 0;

				if (effective(p, kind, at, &v) != -1)
					continue;
				json_array_append_new(a, json_pack("{s:s, s:i,"
				    " s:s, s:i, s:o}", "box", d->boxes[b].code,
				    "table", d->boxes[b].table, "figure", kind ?
				    "count" : "bpa", "attempt", at, "entries",
				    fig_entries(p, kind, at)));
			}
		}
	return a;
}

/* F6's figures (§2.4) as the book holds them now; its version is set
 * when it is issued. */
static json_t *
live_statement(struct desk *d, int c)
{
	long long st = 0, po = 0;
	json_t *boxes = json_array();

	for (int i = 0; i < d->nboxes; i++)
		for (int j = 0; j < d->boxes[i].npolls; j++) {
			struct d_vpoll *p = &d->boxes[i].polls[j];
			int postal = strcmp(d->boxes[i].kind, "station") != 0;
			long long bpa = 0, fc = 0;
			const char *place = NULL;

			if (p->contest != c)
				continue;
			if (effective(p, 0, 0, &bpa) != 1)
				bpa = 0;
			if (effective(p, 1, 0, &fc) != 1)
				fc = p->first_count;
			for (size_t k = 0; d->boxes[i].station &&
			    k < json_array_size(d->stations); k++) {
				const json_t *x = json_array_get(d->stations,
				    k);

				if (strcmp(json_string_value(json_object_get(x,
				    "code")), d->boxes[i].station) == 0)
					place = json_string_value(
					    json_object_get(x, "place"));
			}
			*(postal ? &po : &st) += p->verified;
			json_array_append_new(boxes, json_pack("{s:s, s:s,"
			    " s:s?, s:s?, s:s, s:I, s:I, s:i, s:I, s:I, s:s?,"
			    " s:s?, s:s*}", "box", d->boxes[i].code, "kind",
			    d->boxes[i].kind, "station", d->boxes[i].station,
			    "place", place, "area", d->cs[c].areas[p->area].id,
			    "bpa", (json_int_t)bpa, "first_count",
			    (json_int_t)fc, "recounts",
			    p->recounts, "verified", (json_int_t)p->verified,
			    "variance", (json_int_t)(p->verified - bpa),
			    "outcome", p->outcome, "explanation",
			    p->explanation, "unexpected",
			    d->boxes[i].unexpected));
		}
	return json_pack("{s:s, s:s, s:i, s:o, s:o, s:I, s:I, s:I, s:n}",
	    "form", "F6", "contest", d->cs[c].id, "version", 0, "boxes",
	    boxes, "transfers", d_transfers(d, c), "station_total",
	    (json_int_t)st,
	    "postal_total", (json_int_t)po, "total", (json_int_t)(st + po),
	    "superseded_by");
}

/* §3.5's table: a figure "in an issued statement (F6 ...)" is
 * corrected by the DRO or RO and the statement re-issued (§2.4). F6 is
 * issued on VERIFYING -> VERIFIED (§2.2); the count then goes on with
 * its figures through MIXED, COUNTING, RECONCILING, STAGE1_DONE and
 * STAGE2. Not from PROVISIONAL on: a released result stands on I15's
 * reconciliation with them, and is reopened only by a recount (back to
 * COUNTING); not in LOT (a tie found on them); after DECLARED nothing
 * changes (I16). */
int
d_f6_correctable(int state)
{
	return state >= S_VERIFIED && state <= S_STAGE2;
}

int
d_f6_versions(const struct desk *d, int c)
{
	return (int)json_array_size(d->cs[c].f6s);
}

/* F6 version n as issued, with its superseded_by (the next version, or
 * null); *entry gets its issue's entry. NULL when there is no version n. */
json_t *
d_statement(struct desk *d, int c, long long n, int *entry)
{
	const json_t *v;
	json_t *o;

	if (n < 1 || n > d_f6_versions(d, c))
		return NULL;
	v = json_array_get(d->cs[c].f6s, (size_t)n - 1);
	o = json_deep_copy(json_object_get(v, "statement"));
	if (n < d_f6_versions(d, c))
		json_object_set_new(o, "superseded_by", json_integer(n + 1));
	if (entry)
		*entry = (int)json_integer_value(json_object_get(v, "entry"));
	return o;
}

/* The figures of F6 a correction may change, per box (§2.4's "showing
 * the change"). */
static const char *const f6_figures[] = { "bpa", "first_count",
	"verified", "outcome", NULL };

/* What differs between F6 as issued last (was) and now: one
 * {"box", "figure", "was", "now"} per changed figure. */
static json_t *
f6_changes(const json_t *was, const json_t *now)
{
	json_t *a = json_array();
	const json_t *x, *y;
	size_t i, j;

	json_array_foreach(json_object_get(now, "boxes"), i, y)
		json_array_foreach(json_object_get(was, "boxes"), j, x) {
			if (!json_equal(json_object_get(x, "box"),
			    json_object_get(y, "box")))
				continue;
			for (int k = 0; f6_figures[k]; k++)
				if (!json_equal(json_object_get(x,
				    f6_figures[k]), json_object_get(y,
				    f6_figures[k])))
					json_array_append_new(a, json_pack(
					    "{s:O, s:s, s:O, s:O}", "box",
					    json_object_get(y, "box"), "figure",
					    f6_figures[k], "was",
					    json_object_get(x, f6_figures[k]),
					    "now", json_object_get(y,
					    f6_figures[k])));
		}
	return a;
}

/* The changes since the last issued version: a non-empty array while a
 * corrected figure is not in an issued F6 (the RO's prompt, §2.4), else
 * NULL. */
json_t *
d_f6_pending(struct desk *d, int c)
{
	int n = d_f6_versions(d, c);
	json_t *now, *ch;

	if (!n || !d_f6_correctable(d->cs[c].state))
		return NULL;
	now = live_statement(d, c);
	ch = f6_changes(json_object_get(json_array_get(d->cs[c].f6s,
	    (size_t)n - 1), "statement"), now);
	json_decref(now);
	if (json_array_size(ch))
		return ch;
	json_decref(ch);
	return NULL;
}

/* Store F6 as it is now as version n + 1; changes (taken) are its
 * differences from version n. */
static int
issue_f6(struct desk *d, struct d_req *rq, json_t *changes)
{
	struct d_contest *k = &d->cs[rq->contest];
	json_t *st = live_statement(d, rq->contest);
	int n = d_f6_versions(d, rq->contest) + 1;

	if (!k->f6s)
		k->f6s = json_array();
	json_object_set_new(st, "version", json_integer(n));
	if (changes)
		json_object_set_new(st, "differences", changes);
	json_array_append_new(k->f6s, json_pack("{s:i, s:o}", "entry",
	    (int)rq->entry, "statement", st));
	k->f6_entry = (int)rq->entry;
	return n;
}

/* A re-issue (§2.4): in d_f6_correctable's states, once a verified
 * figure changed since the last version. */
static int
reissue_ok(struct desk *d, struct d_req *rq, json_t **changes,
    struct d_err *e)
{
	const struct d_contest *c = &d->cs[rq->contest];

	if (!d_f6_correctable(c->state) || !d_f6_versions(d, rq->contest))
		return d_fail(e, 409, "wrong_state", c->state >= S_DECLARED ?
		    "I16" : "§2.2", "verification is issued from VERIFYING,"
		    " or re-issued until a provisional result, not in %s",
		    d_state_name(c->state));
	if (!(*changes = d_f6_pending(d, rq->contest)))
		return d_fail(e, 409, "wrong_state", "§2.4", "§2.4: no"
		    " figure has changed since version %d of the statement",
		    d_f6_versions(d, rq->contest));
	return 0;
}

int
a_vissue(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { NULL };
	struct d_contest *c = &d->cs[rq->contest];
	json_t *changes = NULL;
	int n;

	if (d_body_keys(rq->body, keys, e))
		return -1;
	/* I5 first: no version of F6, first or later, with a box
	 * undecided (a re-issue too, §2.4: never "agreed" over a
	 * variance) */
	for (int i = 0; (c->state == S_VERIFYING || (d_f6_correctable(
	    c->state) && d_f6_versions(d, rq->contest))) && i < d->nboxes;
	    i++)
		for (int j = 0; j < d->boxes[i].npolls; j++)
			if (d->boxes[i].polls[j].contest == rq->contest &&
			    !d->boxes[i].polls[j].decided)
				return d_fail(e, 409, "invariant", "I5",
				    "I5: %s \xe2\x80\x94 %s",
				    d->boxes[i].code,
				    d->boxes[i].polls[j].redecide ? "decide"
				    " it again: a correction changed its"
				    " variance" : d->boxes[i].received ?
				    "not decided" : "not received");
	if (c->state != S_VERIFYING && reissue_ok(d, rq, &changes, e))
		return -1;
	if (!changes)
		c->state = S_VERIFIED;
	n = issue_f6(d, rq, changes);
	out->data = json_pack("{s:i}", "version", n);
	out->answer = json_pack("{s:i, s:o}", "version", n, "statement",
	    d_statement(d, rq->contest, n, NULL));
	return 0;
}

/* One mixing group: >= 2 station boxes, or >= 1 station box with postal
 * boxes (I6); marks its boxes in seen. */
static int
mix_group(struct desk *d, int c, int area, const json_t *g,
    unsigned char *seen, struct d_err *e)
{
	int st = 0, po = 0;

	if (!json_is_array(g) || json_array_size(g) == 0)
		return d_fail(e, 400, "bad_request", NULL,
		    "a group is an array of box codes");
	for (size_t i = 0; i < json_array_size(g); i++) {
		const char *code = json_string_value(json_array_get(g, i));
		int b = code ? d_box_find(d, code) : -1, ok = 0;

		if (b < 0)
			return d_fail(e, 400, "unknown_reference", NULL,
			    "no box %s", code ? code : "?");
		for (int j = 0; j < d->boxes[b].npolls; j++)
			if (d->boxes[b].polls[j].contest == c &&
			    d->boxes[b].polls[j].area == area &&
			    d->boxes[b].polls[j].decided)
				ok = 1;
		if (!ok || seen[b]++)
			return d_fail(e, 409, "invariant", "I6", "I6: box %s"
			    " is not a verified box of this area, or is in"
			    " two groups", code);
		if (strcmp(d->boxes[b].kind, "station") == 0)
			st++;
		else
			po++;
	}
	if (st >= 2 || (st >= 1 && po >= 1))
		return 0;
	return d_fail(e, 409, "invariant", "I6", "I6: a group needs two"
	    " station boxes, or a station box and postal boxes");
}

int
a_mixing(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "area", "groups", NULL };
	struct d_contest *c = &d->cs[rq->contest];
	const json_t *gs = json_object_get(rq->body, "groups");
	unsigned char *seen;
	const char *aid;
	int area, rc = 0, all = 1;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "area", 1, 32, &aid, e) < 0)
		return -1;
	if ((area = d_area_find(c, aid)) < 0)
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no area %s", aid);
	if (!json_is_array(gs))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"groups\" must be an array");
	if (c->state != S_VERIFIED && c->state != S_MIXED)
		return d_fail(e, 409, "wrong_state", "§2.2",
		    "mixing is recorded in VERIFIED or MIXED, not %s",
		    d_state_name(c->state));
	if (!(seen = calloc((size_t)d->nboxes + 1, 1)))
		return d_fail(e, 500, "internal", NULL, "out of memory");
	for (size_t i = 0; rc == 0 && i < json_array_size(gs); i++)
		rc = mix_group(d, rq->contest, area, json_array_get(gs, i),
		    seen, e);
	for (int b = 0; rc == 0 && b < d->nboxes; b++)
		for (int j = 0; j < d->boxes[b].npolls; j++) {
			struct d_vpoll *p = &d->boxes[b].polls[j];

			if (p->contest == rq->contest && p->area == area &&
			    p->decided && p->verified > 0 && !seen[b])
				rc = d_fail(e, 409, "invariant", "I6", "I6:"
				    " box %s is in no group",
				    d->boxes[b].code);
		}
	free(seen);
	if (rc)
		return -1;
	c->mixed[area] = 1;
	for (int i = 0; i < c->nareas; i++)
		all &= c->mixed[i];
	if (all)
		c->state = S_MIXED;
	out->data = d_norm(rq->body, keys);
	return 0;
}

/* The figure entry n of a verified box (not withdrawn), its poll in *pp
 * and box in *bi; NULL when n is no such entry. */
static struct d_fig *
verified_fig(struct desk *d, long long n, struct d_vpoll **pp, int *bi)
{
	for (int b = 0; b < d->nboxes; b++)
		for (int j = 0; j < d->boxes[b].npolls; j++) {
			struct d_vpoll *p = &d->boxes[b].polls[j];

			for (int i = 0; (p->decided || p->redecide) &&
			    i < p->nfigs; i++)
				if (p->figs[i].entry == n &&
				    !p->figs[i].withdrawn) {
					*pp = p;
					*bi = b;
					return &p->figs[i];
				}
		}
	return NULL;
}

int
d_fig_verified(struct desk *d, long long n)
{
	struct d_vpoll *p;
	int b;

	return verified_fig(d, n, &p, &b) != NULL;
}

/* §3.5's table: a figure in an issued F6 is corrected by the RO, or a
 * DRO with verify_approve, with a reason_text, in d_f6_correctable's
 * states, the contest not suspended. */
static int
late_role(struct desk *d, const struct d_req *rq, int c, struct d_err *e)
{
	if (strcmp(rq->user->role, "ro") != 0 && strcmp(rq->user->role,
	    "dro") != 0)
		return d_forbid(e, "role", "§3.5: a figure or outcome in an"
		    " issued statement (F6) is corrected by the RO or a DRO");
	if (!d_has_power(d, rq->user, c, "verify_approve"))
		return d_forbid(e, "delegation", "§3.5: no delegation of"
		    " verify_approve");
	return 0;
}

static int
late_who(struct desk *d, struct d_req *rq, int c, const char *rt,
    struct d_err *e)
{
	int s = d->cs[c].state;

	if (late_role(d, rq, c, e))
		return -1;
	if (!rt)
		return d_fail(e, 400, "bad_request", "§3.5", "§3.5: a figure"
		    " in an issued statement is corrected with a"
		    " reason_text");
	if (s == S_VERIFYING)
		return d_fail(e, 409, "wrong_state", "§3.5", "§3.5: the box"
		    " is verified; its figures are corrected once F6 is"
		    " issued");
	if (!d_f6_correctable(s))
		return d_fail(e, 409, "wrong_state", s >= S_DECLARED ? "I16" :
		    "§3.5", "no correction of F6's figures in %s",
		    d_state_name(s));
	if (d->cs[c].suspended)
		return d_fail(e, 423, "suspended", "§2.14", "suspended");
	return 0;
}

/* The corrected figure's new value from the correction's data: the
 * same box and attempt as the entry it corrects. */
static int
late_value(struct desk *d, struct d_req *rq, const struct d_fig *f,
    int b, long long *v, struct d_err *e)
{
	const char *code;
	long long at = 0, x;

	if (d_body_keys(rq->body, f->kind ? count_keys : bpa_keys, e) ||
	    d_get_str(rq->body, "box", 1, 16, &code, e) < 0 ||
	    (f->kind && d_get_int(rq->body, "attempt", 1, 0, 100, &at,
	    e) < 0) ||
	    d_get_int(rq->body, f->kind ? "papers" : "issued_to_voters", 1,
	    0, 10000000, v, e) < 0)
		return -1;
	for (int i = 2; !f->kind && i < 6; i++)
		if (d_get_int(rq->body, bpa_keys[i], 0, 0, 10000000, &x,
		    e) < 0)
			return -1;
	if (strcmp(code, d->boxes[b].code) != 0 || at != f->attempt)
		return d_fail(e, 400, "bad_request", "§3.5", "a correction of"
		    " entry %d is of box %s, attempt %d", f->entry,
		    d->boxes[b].code, f->attempt);
	return 0;
}

/* p's variance now: its latest count less its BPA. */
static long long
variance(const struct d_vpoll *p)
{
	long long bpa = 0, c = 0;

	effective(p, 0, 0, &bpa);
	latest_count(p, &c);
	return c - bpa;
}

/* A corrected figure changed p's variance: its outcome and explanation
 * no longer follow from its figures, so it is decided again (§2.3) and
 * F6 is not re-issued until then (I5). */
static void
undecide(struct d_vpoll *p)
{
	p->decided = 0;
	p->redecide = 1;
	p->outcome = NULL;
	p->explanation = NULL;
}

/* The boxes of contest c awaiting a new decision after a correction
 * (S-02's and S-07's "decide box X again"): their codes. */
json_t *
d_f6_redecide(const struct desk *d, int c)
{
	json_t *a = json_array();

	for (int b = 0; b < d->nboxes; b++)
		for (int j = 0; j < d->boxes[b].npolls; j++)
			if (d->boxes[b].polls[j].contest == c &&
			    d->boxes[b].polls[j].redecide)
				json_array_append_new(a,
				    json_string(d->boxes[b].code));
	return a;
}

/* A correction (§3.5) of figure entry n of a verified box once F6 is
 * issued: the RO's entry stands for the figure on its own (its double
 * entry, I20, was done before issue), the box's verified figure becomes
 * its latest count (a verified figure is always a counted one, §2.3),
 * the contest's state does not change, and the RO is prompted to
 * re-issue F6 (d_f6_pending). */
int
d_fig_correct(struct desk *d, struct d_req *rq, long long n, const char *rt,
    struct d_out *out, struct d_err *e)
{
	struct d_vpoll *p;
	struct d_fig old;
	int b;
	long long v;
	struct d_fig *f = verified_fig(d, n, &p, &b);
	int old_i = f ? (int)(f - p->figs) : 0;
	long long was;

	if (!f || late_who(d, rq, p->contest, rt, e))
		return f ? -1 : d_fail(e, 404, "not_found", NULL, "no figure"
		    " %lld of a verified box", n);
	if (!rq->action)
		rq->action = f->kind ? "count.enter" : "bpa.enter";
	if (rq->contest < 0)
		rq->contest = p->contest;
	if (rq->contest != p->contest || strcmp(rq->action, f->kind ?
	    "count.enter" : "bpa.enter") != 0)
		return d_fail(e, 400, "bad_request", "§3.5", "a correction of"
		    " entry %lld is an entry of its own action and contest",
		    n);
	if (late_value(d, rq, f, b, &v, e) || (f->kind &&
	    holds_ok(p, d->boxes[b].code, f->basis, v, e)))
		return -1;
	old = *f;
	was = variance(p);
	if (!(f = push_fig(d, rq, p, old.kind, old.attempt, v)))
		return d_fail(e, 500, "internal", NULL, "out of memory");
	p->figs[old_i].withdrawn = 1;
	f->sole = 1;
	f->basis = old.basis;
	f->entry_no = old.entry_no;
	if (latest_count(p, &v))
		p->verified = v;
	if (variance(p) != was)
		undecide(p);
	out->contests[0] = p->contest;
	out->ncontests = 1;
	out->data = d_norm(rq->body, old.kind ? count_keys : bpa_keys);
	json_object_set_new(out->data, "entry_no", json_integer(old.entry_no));
	out->answer = json_pack("{s:i, s:I}", "entry_no", old.entry_no,
	    "verified", (json_int_t)p->verified);
	return 0;
}

/* §3.5 for verification outcomes: the decision of entry n is
 * superseded by the RO or a DRO with verify_approve, with a
 * reason_text (it was approved, §3.5), in VERIFYING or, once F6 is
 * issued, in d_f6_correctable's states (the box is then decided again
 * and F6 re-issued showing the outcome's change, §2.4). */
static int
decision_who(struct desk *d, const struct d_req *rq, int c, const char *rt,
    struct d_err *e)
{
	int s = d->cs[c].state;

	if (late_role(d, rq, c, e))
		return -1;
	if (!rt)
		return d_fail(e, 400, "bad_request", "§3.5", "§3.5: a"
		    " verification outcome is superseded with a reason_text");
	if (s != S_VERIFYING && (!d_f6_correctable(s) ||
	    !d_f6_versions(d, c)))
		return d_fail(e, 409, "wrong_state", s >= S_DECLARED ? "I16" :
		    "§3.5", "no withdrawal or correction of a verification"
		    " outcome in %s", d_state_name(s));
	if (d->cs[c].suspended)
		return d_fail(e, 423, "suspended", "§2.14", "suspended");
	return 0;
}

/* If entry n is a box.decide that still stands: check who may
 * supersede it (decision_who), then undecide each box it decided (a
 * place's, for compensating); after F6's issue each is to be decided
 * again (redecide). With save (a correction, which decides one box
 * anew), a place's decision is refused and *save gets the box as it
 * was, *one the box. The number of boxes, 0 when n is no such
 * decision, -1 refused. */
int
d_decision_supersede(struct desk *d, const struct d_req *rq, long long n,
    const char *rt, struct d_vpoll **one, struct d_vpoll *save,
    struct d_err *e)
{
	int k = 0;

	for (int b = 0; b < d->nboxes; b++)
		for (int j = 0; j < d->boxes[b].npolls; j++) {
			struct d_vpoll *p = &d->boxes[b].polls[j];

			if (!p->decided || p->decision != n)
				continue;
			if (!k++ && decision_who(d, rq, p->contest, rt, e))
				return -1;
			*one = p;
		}
	if (k > 1 && save)
		return d_fail(e, 409, "wrong_state", "§3.5", "§3.5: entry"
		    " %lld decided a polling place's boxes; it is withdrawn,"
		    " and the boxes decided again", n);
	if (k && save)
		*save = **one;
	for (int b = 0; k && b < d->nboxes; b++)
		for (int j = 0; j < d->boxes[b].npolls; j++) {
			struct d_vpoll *p = &d->boxes[b].polls[j];

			if (!p->decided || p->decision != n)
				continue;
			undecide(p);
			if (d->cs[p->contest].state == S_VERIFYING) {
				p->redecide = 0;
				p->verified = 0;
			}
		}
	return k;
}
