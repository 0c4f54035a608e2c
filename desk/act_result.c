/* SPDX-License-Identifier: MIT */
/* act_result.c -- the result (§2.10-§2.13): the SV first-stage
 * decision, provisional versions (I15), lots, and the declaration. The
 * figures are the desk's, the decisions libteller's (engine.c). */
#include "desk.h"

#include <stdlib.h>
#include <string.h>

static const char *const nt_codes[] = { "no_second_preference",
	"second_same_as_first", "second_for_eliminated",
	"rejected_second:too_many", "rejected_second:uncertain", NULL };

int
d_sv_stage1(struct desk *d, int c, struct d_err *e)
{
	struct d_contest *k = &d->cs[c];
	json_t *r = d_engine_result(d, c, 0, e);
	const json_t *el, *rem;

	if (!r)
		return -1;
	el = json_object_get(r, "elected");
	rem = json_object_get(r, "remaining");
	k->majority = 0;
	memset(k->remaining, 0, sizeof k->remaining);
	memset(k->eliminated, 0, sizeof k->eliminated);
	if (strcmp(json_string_value(json_object_get(r, "status")),
	    "final") == 0 && json_array_size(el) == 1)
		k->majority = (int)json_integer_value(json_array_get(el, 0));
	else {
		for (size_t i = 0; i < json_array_size(rem); i++)
			k->remaining[json_integer_value(json_array_get(rem,
			    i)) - 1] = 1;
		for (int p = 0; p < k->ncands; p++)
			k->eliminated[p] = !k->remaining[p];
	}
	json_decref(r);
	return 0;
}

static long long
second_for(const struct desk *d, int c, int pos, json_t *nt)
{
	const struct d_contest *k = &d->cs[c];
	long long t = 0;
	char want[16];

	snprintf(want, sizeof want, "%d", pos);
	for (int i = 0; i < d->nbs; i++) {
		const struct d_bundle *b = &d->bs[i];

		if (b->contest != c || b->round != k->round || b->stage != 2 ||
		    b->withdrawn || !b->dest)
			continue;
		if (strcmp(b->dest, want) == 0)
			t += b->papers;
		else if (nt && pos == 1 && json_object_get(nt, b->dest))
			json_object_set_new(nt, b->dest, json_integer(
			    json_integer_value(json_object_get(nt, b->dest)) +
			    b->papers));
	}
	return t;
}

static json_t *
jnull_or(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
cand_obj(const struct desk *d, int c, int p, const json_t *el, int sv,
    int stage2, json_t *nt)
{
	const struct d_contest *k = &d->cs[c];
	const struct d_cand *cd = &k->cands[p - 1];
	long long f = d_first(d, c, k->round, p);
	long long s = stage2 ? second_for(d, c, p, nt) : 0;
	char name[512], cn[512];
	int elected = 0;
	json_t *o;

	for (size_t i = 0; i < json_array_size(el); i++)
		elected |= json_integer_value(json_array_get(el, i)) == p;
	snprintf(name, sizeof name, "%s %s", cd->forenames, cd->surname);
	if (cd->csur || cd->cfore)
		snprintf(cn, sizeof cn, "%s %s", cd->cfore ? cd->cfore :
		    cd->forenames, cd->csur ? cd->csur : cd->surname);
	o = json_pack("{s:i, s:s, s:o, s:o}", "position", p, "name", name,
	    "common_name", (cd->csur || cd->cfore) ? json_string(cn) :
	    json_null(), "description", jnull_or(cd->desc));
	if (!sv) {
		json_object_set_new(o, "votes", json_integer(f));
	} else {
		int gone = stage2 && k->eliminated[p - 1];

		json_object_set_new(o, "first", json_integer(f));
		json_object_set_new(o, "second", gone || !stage2 ?
		    json_null() : json_integer(s));
		json_object_set_new(o, "total", gone ? json_null() :
		    json_integer(f + s));
	}
	json_object_set_new(o, "elected", json_boolean(elected));
	return o;
}

/* The result object of §9.3 (without its checkpoint). */
static json_t *
result_object(struct desk *d, int c, const json_t *er)
{
	const struct d_contest *k = &d->cs[c];
	const json_t *res = json_object_get(er, "result");
	const json_t *el = json_object_get(er, "elected");
	int sv = strcmp(k->kind, "sv") == 0, stage2 = sv && k->stage_closed[2];
	json_t *rej = d_rejected_list(k, res), *cands = json_array();
	json_t *nt = json_null();
	long long valid = 0;
	if (sv) {
		nt = json_object();
		for (int i = 0; nt_codes[i]; i++)
			json_object_set_new(nt, nt_codes[i], json_integer(0));
	}
	valid = d_valid(d, c, k->round);
	for (int p = 1; p <= k->ncands; p++) {
		json_array_append_new(cands, cand_obj(d, c, p, el, sv, stage2,
		    p == 1 && stage2 ? nt : NULL));
	}
	return json_pack("{s:s, s:s, s:s, s:i, s:I, s:I, s:o, s:o, s:o,"
	    " s:O, s:O, s:O}", "contest", k->id, "name", k->name, "kind",
	    k->kind, "seats", k->seats, "papers",
	    (json_int_t)d_papers_area(d, c, k->round, -1, 1),
	    "valid", (json_int_t)valid, "rejected", rej, "candidates", cands,
	    "not_transferred", nt, "elected", el, "lot",
	    k->lot && k->lot_round == k->round ? k->lot : json_null(), "result",
	    res);
}

/* The candidates tied at the seat boundary, as positions: those whose
 * total equals the seats-th highest (libteller has said a lot is
 * needed; this only names them for the RO's lot entry). */
static json_t *
tied_at_boundary(struct desk *d, int c)
{
	const struct d_contest *k = &d->cs[c];
	long long tot[D_MAXC], sorted[D_MAXC], edge;
	int stage2 = k->stage_closed[2], n = 0;
	json_t *a = json_array();

	for (int p = 1; p <= k->ncands; p++) {
		tot[p - 1] = -1;
		if (stage2 && !k->remaining[p - 1])
			continue;
		tot[p - 1] = d_first(d, c, k->round, p) +
		    (stage2 ? second_for(d, c, p, NULL) : 0);
		sorted[n++] = tot[p - 1];
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && sorted[j] > sorted[j - 1]; j--) {
			long long t = sorted[j];

			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	edge = sorted[k->seats <= n ? k->seats - 1 : n - 1];
	for (int p = 1; p <= k->ncands; p++)
		if (tot[p - 1] == edge)
			json_array_append_new(a, json_integer(p));
	return a;
}

static int
release_state_ok(const struct d_contest *c)
{
	if (c->state == S_RECONCILING && strcmp(c->kind, "sv") != 0)
		return 1;
	if (c->state == S_STAGE1_DONE && c->majority)
		return 1;
	return c->state == S_STAGE2 && c->stage_closed[2];
}

/* I5 after F6's issue: no result while a box of contest c is to be
 * decided again (a correction changed its variance, or its outcome was
 * withdrawn, §3.5); past PROVISIONAL it could not be. */
static int
undecided(const struct desk *d, int c, struct d_err *e)
{
	json_t *rd = d_f6_redecide(d, c);
	int n = (int)json_array_size(rd);

	if (n)
		d_fail(e, 409, "invariant", "I5", "I5: box %s is to be"
		    " decided again before a result",
		    json_string_value(json_array_get(rd, 0)));
	json_decref(rd);
	return n ? -1 : 0;
}

/* The engine's result er (consumed) released as contest rq->contest's
 * provisional version n+1, made by entry rq->entry: its result object. */
static json_t *
new_version(struct desk *d, const struct d_req *rq, json_t *er)
{
	struct d_contest *c = &d->cs[rq->contest];
	json_t *obj = result_object(d, rq->contest, er);

	json_decref(er);
	c->version++;
	c->released = c->version;
	c->prov_entry = (int)rq->entry;
	json_decref(c->prev_prov);
	c->prev_prov = c->prov;
	c->prov = obj;
	c->state = S_PROVISIONAL;
	return obj;
}

int
a_provisional(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "present", "note", NULL };
	struct d_contest *c = &d->cs[rq->contest];
	char why[200];
	json_t *er, *obj;

	if (d_body_keys(rq->body, keys, e))
		return -1;
	if (!json_is_array(json_object_get(rq->body, "present")))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"present\" must be an array");
	if (d_agents_named(d, rq->body, "present", c->id, e))
		return -1;
	if (!release_state_ok(c))
		return d_fail(e, 409, "wrong_state", "§2.2", "no provisional"
		    " result in %s", d_state_name(c->state));
	if (undecided(d, rq->contest, e))
		return -1;
	if (!d_reconciled(d, rq->contest, why, sizeof why))
		return d_fail(e, 409, "invariant", "I10", "%s", why);
	if (!(er = d_engine_result(d, rq->contest, c->stage_closed[2], e)))
		return -1;
	out->data = d_norm(rq->body, keys);
	if (strcmp(json_string_value(json_object_get(er, "status")),
	    "lot_needed") == 0) {
		c->lot_state = c->state;
		c->state = S_LOT;
		out->answer = json_pack("{s:{s:s, s:o}}", "lot", "purpose",
		    strcmp(c->kind, "sv") == 0 ? "sv_final" : "last_seat",
		    "tied", tied_at_boundary(d, rq->contest));
		json_decref(er);
		return 0;
	}
	obj = new_version(d, rq, er);
	json_object_set_new(out->data, "version", json_integer(c->version));
	json_object_set(out->data, "provisional", obj);
	out->answer = json_pack("{s:i, s:O}", "version", c->version,
	    "provisional", obj);
	return 0;
}

/* SV after stage 2 (I14): a correction leaves libteller's stage-1
 * decision (the remaining set) as it was and every eliminated
 * candidate's papers sorted; else it is a recount's. */
static int
sv_unmoved(struct desk *d, int c, struct d_err *e)
{
	const struct d_contest *k = &d->cs[c];
	json_t *r, *rem;
	unsigned char now[D_MAXC];
	char why[200];
	int same;

	if (strcmp(k->kind, "sv") != 0 || !k->stage_closed[2])
		return 0;
	if (!(r = d_engine_result(d, c, 0, e)))
		return -1;
	memset(now, 0, sizeof now);
	rem = json_object_get(r, "remaining");
	for (size_t i = 0; i < json_array_size(rem); i++) {
		json_int_t p = json_integer_value(json_array_get(rem, i));

		if (p >= 1 && p <= k->ncands)
			now[p - 1] = 1;
	}
	json_decref(r);
	same = memcmp(now, k->remaining, (size_t)k->ncands) == 0;
	if (!same)
		return d_fail(e, 409, "invariant", "I14", "I14: the corrected"
		    " first preferences change who remains: a recount, not a"
		    " correction");
	if (!d_i14(d, c, why, sizeof why))
		return d_fail(e, 409, "invariant", "I14", "%s", why);
	return 0;
}

/* After the RO's correction of a released round's bundle (§3.5): the
 * figures as corrected, checked as a release checks them (I5, I10),
 * made version n+1 by libteller and released at once, the RO telling
 * the agents (S-02); READY_TO_DECLARE goes back to PROVISIONAL. A
 * second stage, a tie or (SV) another remaining set the figures would
 * now need is a recount's. */
int
d_prov_correct(struct desk *d, const struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	struct d_contest *c = &d->cs[rq->contest];
	char why[200];
	json_t *er, *obj;

	if (undecided(d, rq->contest, e))
		return -1;
	if (!d_reconciled(d, rq->contest, why, sizeof why))
		return d_fail(e, 409, "invariant", "I10", "%s", why);
	if (sv_unmoved(d, rq->contest, e) || !(er = d_engine_result(d,
	    rq->contest, c->stage_closed[2], e)))
		return -1;
	if (strcmp(json_string_value(json_object_get(er, "status")),
	    "final") != 0) {
		json_decref(er);
		return d_fail(e, 409, "invariant", "I15", "I15: the corrected"
		    " figures need a lot or a second stage: a recount, not a"
		    " correction");
	}
	obj = new_version(d, rq, er);
	if (!c->provcorr)
		c->provcorr = json_array();
	json_array_append_new(c->provcorr, json_pack("{s:i, s:I, s:O}",
	    "version", c->version, "entry", (json_int_t)rq->entry,
	    "provisional", obj));
	json_decref(out->answer);
	out->answer = json_pack("{s:i, s:O}", "version", c->version,
	    "provisional", obj);
	return 0;
}

int
a_lot(struct desk *d, struct d_req *rq, struct d_out *out, struct d_err *e)
{
	static const char *const keys[] = { "purpose", "tied", "method",
		"witnesses", "drawn", NULL };
	struct d_contest *c = &d->cs[rq->contest];
	const json_t *tied = json_object_get(rq->body, "tied");
	long long drawn;
	int in = 0;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_int(rq->body, "drawn", 1, 1, D_MAXC, &drawn, e) < 0)
		return -1;
	if (!json_is_array(tied) || json_array_size(tied) < 2)
		return d_fail(e, 400, "bad_request", NULL,
		    "tied must name two or more positions");
	for (size_t i = 0; i < json_array_size(tied); i++)
		in |= json_integer_value(json_array_get(tied, i)) == drawn;
	if (!in)
		return d_fail(e, 400, "bad_request", NULL,
		    "drawn must be one of the tied");
	if (c->state != S_LOT)
		return d_fail(e, 409, "wrong_state", "§2.12",
		    "a lot is recorded in LOT, not %s",
		    d_state_name(c->state));
	if (!rq->reauth_ok)
		return d_fail(e, 401, "reauth_required", "§6.3",
		    "re-authenticate to record a lot");
	json_decref(c->lot);
	c->lot = d_norm(rq->body, keys);
	c->lot_round = c->round;
	c->state = c->lot_state;
	out->data = d_norm(rq->body, keys);
	return 0;
}

int
a_ready(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "version", "note", NULL };
	struct d_contest *c = &d->cs[rq->contest];
	long long v;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_int(rq->body, "version", 1, 1, 1000, &v, e) < 0)
		return -1;
	if (c->state != S_PROVISIONAL)
		return d_fail(e, 409, "wrong_state", "§2.2", "ready to declare"
		    " comes from PROVISIONAL, not %s",
		    d_state_name(c->state));
	if (v != c->released)
		return d_fail(e, 409, "invariant", "I15", "I15: version %lld"
		    " is not the latest released (%d)", v, c->released);
	if (c->pending)
		return d_fail(e, 409, "invariant", "I15", "I15: recount"
		    " request entry %d is not decided", c->pending);
	c->state = S_READY_TO_DECLARE;
	out->data = d_norm(rq->body, keys);
	return 0;
}

int
a_declare(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "version", NULL };
	struct d_contest *c = &d->cs[rq->contest];
	json_t *er, *now, *obj;
	char *x, *y;
	long long v;
	int same;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_int(rq->body, "version", 1, 1, 1000, &v, e) < 0)
		return -1;
	if (!rq->reauth_ok)
		return d_fail(e, 401, "reauth_required", "§6.3",
		    "re-authenticate to declare");
	if (c->state != S_READY_TO_DECLARE)
		return d_fail(e, 409, "wrong_state", "§2.2", "a declaration"
		    " comes from READY_TO_DECLARE, not %s",
		    d_state_name(c->state));
	if (v != c->released)
		return d_fail(e, 409, "invariant", "I15", "I15: version %lld"
		    " is not the latest released (%d)", v, c->released);
	if (!(er = d_engine_result(d, rq->contest, c->stage_closed[2], e)))
		return -1;
	now = result_object(d, rq->contest, er);
	json_object_del(now, "result");
	obj = json_deep_copy(c->prov);
	json_object_del(obj, "result");
	x = d_canon(now);
	y = d_canon(obj);
	same = x && y && strcmp(x, y) == 0;
	free(x);
	free(y);
	json_decref(now);
	json_decref(obj);
	if (!same) {
		json_decref(er);
		return d_fail(e, 409, "invariant", "I15", "I15: the figures"
		    " differ from version %d", c->released);
	}
	obj = json_deep_copy(c->prov);
	json_object_set_new(obj, "declared_at", json_string(rq->at));
	json_object_set_new(obj, "version", json_integer(v));
	json_object_set(obj, "text", json_object_get(er, "text"));
	json_object_set(obj, "notice", json_object_get(er, "text"));
	json_object_set_new(obj, "corrections", json_array());
	json_object_set_new(obj, "court_orders", json_array());
	json_decref(er);
	json_decref(c->decl);
	c->decl = obj;
	c->decl_entry = (int)rq->entry;
	c->state = S_DECLARED;
	out->data = d_norm(rq->body, keys);
	out->answer = json_pack("{s:O}", "declaration", obj);
	return 0;
}

int
a_correct(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "said", "corrected", NULL };
	struct d_contest *c = &d->cs[rq->contest];
	const char *said, *corr;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "said", 1, 2000, &said, e) < 0 ||
	    d_get_str(rq->body, "corrected", 1, 2000, &corr, e) < 0)
		return -1;
	if (c->state < S_DECLARED)
		return d_fail(e, 409, "wrong_state", "§2.13", "an oral"
		    " correction follows the declaration");
	json_array_append_new(json_object_get(c->decl, "corrections"),
	    json_pack("{s:s, s:s, s:s, s:I}", "said", said, "corrected", corr,
	    "at", rq->at, "entry", (json_int_t)rq->entry));
	out->data = d_norm(rq->body, keys);
	return 0;
}

int
a_court(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "reference", "summary", "figures",
		NULL };
	struct d_contest *c = &d->cs[rq->contest];
	const char *ref, *sum;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "reference", 1, 200, &ref, e) < 0 ||
	    d_get_str(rq->body, "summary", 1, 4000, &sum, e) < 0)
		return -1;
	if (c->state < S_DECLARED)
		return d_fail(e, 409, "wrong_state", "§2.13", "a court order"
		    " follows the declaration");
	if (!rq->reauth_ok)
		return d_fail(e, 401, "reauth_required", "§6.3",
		    "re-authenticate to record a court order");
	out->data = d_norm(rq->body, keys);
	json_array_append_new(json_object_get(c->decl, "court_orders"),
	    json_pack("{s:s, s:s, s:O, s:I}", "reference", ref, "summary",
	    sum, "figures", json_object_get(out->data, "figures"), "entry",
	    (json_int_t)rq->entry));
	return 0;
}

int
a_close(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "packets", NULL };
	struct d_contest *c = &d->cs[rq->contest];

	if (d_body_keys(rq->body, keys, e))
		return -1;
	if (!json_is_array(json_object_get(rq->body, "packets")))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"packets\" must be an array");
	if (c->state != S_DECLARED)
		return d_fail(e, 409, "wrong_state", "§2.2", "a contest closes"
		    " from DECLARED, not %s", d_state_name(c->state));
	c->state = S_CLOSED;
	out->data = d_norm(rq->body, keys);
	return 0;
}

int
a_rc_request(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "agent", "requester_name",
		"capacity", "scope", "piles", "grounds", NULL };
	struct d_contest *c = &d->cs[rq->contest];
	const char *name, *cap, *scope, *grounds, *agent;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "agent", 0, 32, &agent, e) < 0 ||
	    d_get_str(rq->body, "requester_name", 1, 200, &name, e) < 0 ||
	    d_get_str(rq->body, "capacity", 1, 32, &cap, e) < 0 ||
	    d_get_str(rq->body, "scope", 0, 32, &scope, e) < 0 ||
	    d_get_str(rq->body, "grounds", 1, 2000, &grounds, e) < 0 ||
	    d_agents_named(d, rq->body, "agent", c->id, e))
		return -1;
	if (c->state != S_PROVISIONAL && c->state != S_READY_TO_DECLARE)
		return d_fail(e, 409, "wrong_state", "§2.11", "a recount is"
		    " requested in PROVISIONAL or READY_TO_DECLARE, not %s",
		    d_state_name(c->state));
	if (c->pending)
		return d_fail(e, 409, "invariant", "§2.11", "request entry %d"
		    " is not decided yet", c->pending);
	c->pending = (int)rq->entry;
	c->state = S_PROVISIONAL;
	out->data = d_norm(rq->body, keys);
	if (!c->recounts)
		c->recounts = json_array();
	json_array_append_new(c->recounts, json_pack("{s:s, s:I, s:O}",
	    "kind", "request", "entry", (json_int_t)rq->entry, "data",
	    out->data));
	return 0;
}

/* A full recount: round r+1 entered from empty (§2.11). */
static void
new_round(struct d_contest *c)
{
	c->round++;
	c->stage_closed[1] = c->stage_closed[2] = 0;
	c->majority = 0;
	memset(c->remaining, 0, sizeof c->remaining);
	memset(c->eliminated, 0, sizeof c->eliminated);
	c->state = S_COUNTING;
}

/* A partial recount's piles: named positions, each once, not all. */
static int
piles_of(const struct d_contest *c, const json_t *piles,
    unsigned char *named, struct d_err *e)
{
	size_t n = json_array_size(piles);

	if (!json_is_array(piles) || n < 1 || n >= (size_t)c->ncands)
		return d_fail(e, 400, "bad_request", NULL, "a partial recount"
		    " names 1 to %d piles (ballot positions)", c->ncands - 1);
	for (size_t i = 0; i < n; i++) {
		const json_t *x = json_array_get(piles, i);
		long long p = json_integer_value(x);

		if (!json_is_integer(x) || p < 1 || p > c->ncands ||
		    named[p - 1])
			return d_fail(e, 400, "bad_request", NULL, "piles must"
			    " be distinct ballot positions 1 to %d",
			    c->ncands);
		named[p - 1] = 1;
	}
	return 0;
}

int
a_rc_decide(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "request", "decision", "scope",
		"piles", "reason", NULL };
	struct d_contest *c = &d->cs[rq->contest];
	const char *dec, *scope, *reason;
	long long req = 0;
	unsigned char named[D_MAXC];
	int r;

	if (d_body_keys(rq->body, keys, e) ||
	    (r = d_get_int(rq->body, "request", 0, 1, 1LL << 40, &req,
	    e)) < 0 ||
	    d_get_str(rq->body, "decision", 1, 32, &dec, e) < 0 ||
	    d_get_str(rq->body, "scope", 0, 32, &scope, e) < 0 ||
	    d_get_str(rq->body, "reason", 1, 2000, &reason, e) < 0)
		return -1;
	if (strcmp(dec, "granted") != 0 && strcmp(dec, "refused") != 0 &&
	    strcmp(dec, "bundle_inspection") != 0)
		return d_fail(e, 400, "bad_request", NULL, "decision is"
		    " granted, refused or bundle_inspection");
	if (strcmp(dec, "granted") == 0 && scope && strcmp(scope, "full") &&
	    strcmp(scope, "partial") && strcmp(scope, "bundle_check"))
		return d_fail(e, 400, "bad_request", NULL, "a recount's scope"
		    " is bundle_check, partial or full");
	memset(named, 0, sizeof named);
	if (strcmp(dec, "granted") == 0 && scope &&
	    strcmp(scope, "partial") == 0 && piles_of(c, json_object_get(
	    rq->body, "piles"), named, e))
		return -1;
	if (c->state != S_PROVISIONAL)
		return d_fail(e, 409, "wrong_state", "§2.11", "a recount is"
		    " decided in PROVISIONAL, not %s", d_state_name(c->state));
	if (r == 0 && req != c->pending)
		return d_fail(e, 400, "unknown_reference", NULL, "entry %lld"
		    " is not the pending request", req);
	c->pending = 0;
	if (strcmp(dec, "granted") == 0) {
		new_round(c);
		c->scope = !scope ? 0 : strcmp(scope, "partial") == 0 ? 'p' :
		    strcmp(scope, "bundle_check") == 0 ? 'b' : 0;
		/* bundle_check: every entry carried (nothing named);
		 * partial: all but the named piles (§2.11) */
		if (c->scope && d_carry(d, rq->contest, c->round - 1, named))
			return d_fail(e, 500, "internal", NULL, "no memory");
	}
	out->data = d_norm(rq->body, keys);
	if (!c->recounts)
		c->recounts = json_array();
	json_array_append_new(c->recounts, json_pack("{s:s, s:I, s:O}",
	    "kind", "decision", "entry", (json_int_t)rq->entry, "data",
	    out->data));
	if (strcmp(dec, "granted") == 0) {
		json_object_set_new(out->data, "round", json_integer(c->round));
		out->answer = json_pack("{s:i}", "round", c->round);
	}
	return 0;
}

/* GET provisional/preview (§9.3): the version a release would make now,
 * or the tie it would stop at; nothing is stored. NULL with e set: 404
 * in a state that releases nothing, 409 I10 when unreconciled. */
json_t *
d_preview(struct desk *d, int c, struct d_err *e)
{
	struct d_contest *k = &d->cs[c];
	char why[200];
	json_t *er, *obj;

	if (!release_state_ok(k))
		return d_fail(e, 404, "not_found", NULL, "no provisional"
		    " result can be computed in %s", d_state_name(k->state)),
		    NULL;
	if (!d_reconciled(d, c, why, sizeof why))
		return d_fail(e, 409, "invariant", "I10", "%s", why), NULL;
	if (!(er = d_engine_result(d, c, k->stage_closed[2], e)))
		return NULL;
	if (strcmp(json_string_value(json_object_get(er, "status")),
	    "lot_needed") == 0) {
		json_decref(er);
		return json_pack("{s:i, s:b, s:{s:s, s:o}}", "version",
		    k->version + 1, "preview", 1, "lot", "purpose",
		    strcmp(k->kind, "sv") == 0 ? "sv_final" : "last_seat",
		    "tied", tied_at_boundary(d, c));
	}
	obj = result_object(d, c, er);
	json_decref(er);
	json_object_set_new(obj, "version", json_integer(k->version + 1));
	json_object_set_new(obj, "round", json_integer(k->round));
	json_object_set_new(obj, "preview", json_true());
	return obj;
}
