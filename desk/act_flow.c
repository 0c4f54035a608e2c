/* SPDX-License-Identifier: MIT */
/* act_flow.c -- the desk's smaller write actions around the count:
 * an agent's objection to a rejection (§2.7), dropping an entry carried
 * into a bundle-check or partial recount round (§2.11), and a change of
 * the configuration after READY (§4, §9.4 config.change). */
#include "desk.h"

#include <stdlib.h>
#include <string.h>

/* POST objections {"adjudication", "agent"}: the decision's paper is
 * endorsed "rejection objected to" (LEPAR r.47(3), MER r.48(4)). Only
 * a rejection, wholly or in part, is objected to. */
int
a_objection(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "adjudication", "agent", NULL };
	const struct d_contest *c = &d->cs[rq->contest];
	struct d_bundle *b = NULL;
	const char *agent;
	long long n;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_int(rq->body, "adjudication", 1, 1, 1LL << 40, &n, e) < 0 ||
	    d_get_str(rq->body, "agent", 1, 32, &agent, e) < 0)
		return -1;
	for (int i = 0; i < d->nbs; i++)
		if (d->bs[i].kind == 'd' && d->bs[i].adj == n &&
		    d->bs[i].contest == rq->contest && !d->bs[i].carried)
			b = &d->bs[i];
	if (!b)
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no adjudication entry %lld in %s", n, c->id);
	if (!d_agent_of(d, agent, c->id))
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no agent %s for %s", agent, c->id);
	if (c->state != S_COUNTING && c->state != S_STAGE2)
		return d_fail(e, 409, "wrong_state", "§2.2", "an objection is"
		    " recorded in COUNTING or STAGE2, not %s",
		    d_state_name(c->state));
	if (b->withdrawn || b->round != c->round)
		return d_fail(e, 409, "wrong_state", "§2.7", "§2.7:"
		    " adjudication %lld is not of the current round", n);
	if (b->decided == 'v' && !b->rip)
		return d_fail(e, 409, "invariant", "§2.7", "§2.7:"
		    " adjudication %lld allowed the paper; an objection is to"
		    " a rejection", n);
	b->objected = 1;
	b->objections++;
	/* for its withdrawal (§3.5) */
	if (!d->flowlog)
		d->flowlog = json_array();
	json_array_append_new(d->flowlog, json_pack("{s:I, s:s, s:i, s:i}",
	    "entry", (json_int_t)rq->entry, "kind", "objection", "doubtful",
	    b->entry, "contest", rq->contest));
	out->data = d_norm(rq->body, keys);
	out->answer = json_pack("{s:s}", "endorsement", b->rip ?
	    "rejected in part \xe2\x80\x94 rejection objected to" :
	    "rejected \xe2\x80\x94 rejection objected to");
	return 0;
}

/* POST carry-drops {"round", "entry", "reason_text"}: an entry of the
 * round before, carried into a bundle_check or partial round by
 * reference, is dropped; its papers are recounted and entered afresh
 * (§2.11). A tally sheet's entries go together. */
int
a_carry_drop(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "round", "entry", "reason_text",
		"paper_time", NULL };
	const struct d_contest *c = &d->cs[rq->contest];
	struct d_bundle *b = NULL;
	struct d_tally *t = NULL;
	const char *rt;
	long long r, n;
	int table, stage = 1;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_int(rq->body, "round", 1, 1, 1000, &r, e) < 0 ||
	    d_get_int(rq->body, "entry", 1, 1, 1LL << 40, &n, e) < 0 ||
	    d_get_str(rq->body, "reason_text", 0, 2000, &rt, e) < 0)
		return -1;
	if (!rt || !*rt)
		return d_fail(e, 400, "bad_request", "§2.11", "a carried entry"
		    " is dropped with a reason_text");
	for (int i = 0; i < d->nbs; i++)
		if (d->bs[i].contest == rq->contest && d->bs[i].round == r &&
		    d->bs[i].carried == n && !d->bs[i].withdrawn)
			b = &d->bs[i];
	for (int i = 0; !b && i < d->ntallies; i++)
		if (d->tallies[i].contest == rq->contest &&
		    d->tallies[i].round == r && d->tallies[i].carried == n &&
		    !d->tallies[i].withdrawn)
			t = &d->tallies[i];
	if (!b && !t)
		return d_fail(e, 400, "unknown_reference", NULL, "no entry"
		    " %lld carried into round %lld", n, r);
	table = b ? b->table : t->table;
	if (b)
		stage = b->stage;
	if (d_sup_refused(rq->user, table))
		return d_forbid(e, "table", "I19: entry %lld is of table %d,"
		    " not yours", n, table);
	if (r != c->round || (c->scope != 'b' && c->scope != 'p'))
		return d_fail(e, 409, "wrong_state", "§2.11", "§2.11: round"
		    " %lld is not a current bundle_check or partial round", r);
	if (!((stage == 1 && (c->state == S_COUNTING ||
	    c->state == S_RECONCILING)) || (stage == 2 &&
	    c->state == S_STAGE2)) || c->stage_closed[stage])
		return d_fail(e, 409, "wrong_state", "§2.2", "no stage-%d"
		    " entry is dropped in %s", stage, d_state_name(c->state));
	if (b)
		d_bix_withdraw(d, b, 1);
	for (int i = 0; t && i < d->ntallies; i++) {
		struct d_tally *x = &d->tallies[i];

		if (x->contest == t->contest && x->round == t->round &&
		    x->area == t->area && x->carried && !x->withdrawn &&
		    strcmp(x->sheet, t->sheet) == 0)
			x->withdrawn = 1;
	}
	out->data = d_norm(rq->body, keys);
	return 0;
}

/* The contests a configuration object concerns: contest index, or -1
 * for every contest. */
static int
config_subject(struct desk *d, const char *obj, const char *key,
    int *ci, int *sub, struct d_err *e)
{
	char cid[64];
	const char *slash = key ? strchr(key, '/') : NULL;

	*ci = -1;
	*sub = -1;
	if (strcmp(obj, "election") == 0)
		return 0;
	if (!key)
		return d_fail(e, 400, "bad_request", NULL, "member \"key\" is"
		    " required for %s", obj);
	if (strcmp(obj, "contest") == 0) {
		if ((*ci = d_contest_find(d, key)) < 0)
			goto unknown;
		return 0;
	}
	if (strcmp(obj, "candidate") == 0 || strcmp(obj, "area") == 0) {
		char *end;
		long p;

		if (!slash || (size_t)(slash - key) >= sizeof cid)
			goto unknown;
		memcpy(cid, key, (size_t)(slash - key));
		cid[slash - key] = 0;
		if ((*ci = d_contest_find(d, cid)) < 0)
			goto unknown;
		if (strcmp(obj, "area") == 0) {
			if ((*sub = d_area_find(&d->cs[*ci], slash + 1)) < 0)
				goto unknown;
			return 0;
		}
		p = strtol(slash + 1, &end, 10);
		if (*end || p < 1 || p > d->cs[*ci].ncands)
			goto unknown;
		*sub = (int)p - 1;
		return 0;
	}
	if (strcmp(obj, "box") == 0) {
		if ((*sub = d_box_find(d, key)) < 0)
			goto unknown;
		/* a box of one poll concerns its contest; of several, all */
		if (d->boxes[*sub].npolls == 1)
			*ci = d->boxes[*sub].polls[0].contest;
		return 0;
	}
	if (strcmp(obj, "place") == 0 || strcmp(obj, "station") == 0 ||
	    strcmp(obj, "table") == 0)
		return 0;
	return d_fail(e, 400, "bad_request", NULL, "object must be election,"
	    " contest, candidate, area, place, station, box or table");
unknown:
	return d_fail(e, 400, "unknown_reference", NULL, "no %s %s", obj,
	    key);
}

/* A member of the model's copy of places, stations or tables. */
static json_t *
config_item(json_t *arr, const char *idk, const char *key)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x) {
		const json_t *v = json_object_get(x, idk);
		char buf[32];

		if (json_is_integer(v)) {
			snprintf(buf, sizeof buf, "%lld",
			    (long long)json_integer_value(v));
			if (strcmp(buf, key) == 0)
				return x;
		} else if (json_is_string(v) && strcmp(json_string_value(v),
		    key) == 0)
			return x;
	}
	return NULL;
}

/* config.change: a string value of 1..200 characters (or null when
 * nullable) in *s; else 400. */
int
d_cfg_str(const json_t *v, int nullable, const char **s, struct d_err *e)
{
	if (nullable && json_is_null(v)) {
		*s = NULL;
		return 0;
	}
	if (!json_is_string(v) || !*json_string_value(v) ||
	    strlen(json_string_value(v)) > 200)
		return d_fail(e, 400, "bad_request", NULL, "value must be a"
		    " string of 1..200 characters%s", nullable ? " or null" :
		    "");
	*s = json_string_value(v);
	return 0;
}

static int
int_value(const json_t *v, long long lo, long long hi, long long *x,
    struct d_err *e)
{
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return d_fail(e, 400, "bad_request", NULL, "value must be an"
		    " integer %lld..%lld", lo, hi);
	*x = json_integer_value(v);
	return 0;
}

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* A contest's field: the old value in *old; with apply, the change.
 * The counting rules the figures already entered were checked against
 * must still hold (I4, I7, I8). */
static int
config_contest(struct desk *d, int ci, const char *field, const json_t *v,
    int apply, json_t **old, struct d_err *e)
{
	struct d_contest *c = &d->cs[ci];
	const char *s;
	long long x;

	if (strcmp(field, "name") == 0) {
		if (d_cfg_str(v, 0, &s, e))
			return -1;
		*old = jstr(c->name);
		if (apply)
			c->name = d_intern(d, s);
		return 0;
	}
	if (strcmp(field, "bundle_size") == 0) {
		if (int_value(v, 5, 100, &x, e))
			return -1;
		for (int i = 0; i < d->nbs; i++) {
			const struct d_bundle *b = &d->bs[i];

			if (b->contest == ci && b->round == c->round &&
			    !b->withdrawn && b->kind != 'd' && b->papers > x)
				return d_fail(e, 409, "invariant", "I7", "I7:"
				    " entry %d holds %lld papers, above a"
				    " bundle_size of %lld", b->entry ?
				    b->entry : b->carried, b->papers, x);
		}
		*old = json_integer(c->bundle_size);
		if (apply)
			c->bundle_size = (int)x;
		return 0;
	}
	if (strcmp(field, "tally_capacity") == 0) {
		if (int_value(v, 1, 1000, &x, e))
			return -1;
		for (int i = 0; i < d->ntallies; i++) {
			const struct d_tally *t = &d->tallies[i];

			if (t->contest == ci && t->round == c->round &&
			    !t->withdrawn && t->papers > x)
				return d_fail(e, 409, "invariant", "I8", "I8:"
				    " sheet %s holds %lld papers, above a"
				    " tally capacity of %lld", t->sheet,
				    t->papers, x);
		}
		*old = json_integer(c->tally_capacity);
		if (apply)
			c->tally_capacity = (int)x;
		return 0;
	}
	if (strcmp(field, "min_recounts") == 0) {
		if (int_value(v, 2, 20, &x, e))
			return -1;
		for (int b = 0; b < d->nboxes; b++)
			for (int p = 0; p < d->boxes[b].npolls; p++) {
				const struct d_vpoll *q = &d->boxes[b].polls[p];

				if (q->contest == ci && q->decided &&
				    q->outcome && (strcmp(q->outcome,
				    "agreed_on_recount") == 0 || strcmp(
				    q->outcome, "variance_confirmed") == 0) &&
				    q->recounts < x)
					return d_fail(e, 409, "invariant", "I4",
					    "I4: box %s was decided on %d"
					    " recounts, fewer than %lld",
					    d->boxes[b].code, q->recounts, x);
			}
		*old = json_integer(c->min_recounts);
		if (apply)
			c->min_recounts = (int)x;
		return 0;
	}
	if (strcmp(field, "tolerance") == 0) {
		if (int_value(v, 0, 1000000, &x, e))
			return -1;
		if (c->state >= S_VERIFYING && x != c->tolerance)
			return d_fail(e, 409, "invariant", "I4", "I4: the"
			    " tolerance of %s is fixed once verification"
			    " begins", c->id);
		*old = json_integer(c->tolerance);
		if (apply)
			c->tolerance = x;
		return 0;
	}
	if (strcmp(field, "electorate") == 0) {
		if (!json_is_null(v) && int_value(v, 0, 100000000, &x, e))
			return -1;
		*old = c->has_electorate ? json_integer(c->electorate) :
		    json_null();
		if (apply) {
			c->has_electorate = !json_is_null(v);
			c->electorate = c->has_electorate ? x : 0;
		}
		return 0;
	}
	if (strcmp(field, "seats") == 0) {
		if (int_value(v, 1, 100, &x, e))
			return -1;
		if (strcmp(c->kind, "block") != 0 && x != 1)
			return d_fail(e, 400, "bad_request", "§8", "§8: %s is"
			    " %s; fptp and sv have one seat", c->id, c->kind);
		if ((c->state >= S_COUNTING || c->round > 0) && x != c->seats)
			return d_fail(e, 409, "wrong_state", "I7", "I7: %s has"
			    " begun counting; its seats are fixed (patterns"
			    " and tally sheets are checked against them)",
			    c->id);
		*old = json_integer(c->seats);
		if (apply)
			c->seats = (int)x;
		return 0;
	}
	if (strcmp(field, "show_totals_on_screen") == 0) {
		if (d_cfg_str(v, 0, &s, e))
			return -1;
		if (strcmp(s, "declared") != 0 && strcmp(s, "provisional") != 0)
			return d_fail(e, 400, "bad_request", NULL, "value must"
			    " be declared or provisional");
		*old = jstr(c->show);
		if (apply)
			c->show = d_intern(d, s);
		return 0;
	}
	return d_fail(e, 400, "bad_request", NULL, "field %s of a contest"
	    " cannot be changed (name, seats, bundle_size, tally_capacity,"
	    " min_recounts, tolerance, electorate, show_totals_on_screen)",
	    field);
}

static int
config_candidate(struct desk *d, struct d_cand *k, const char *field,
    const json_t *v, int apply, json_t **old, struct d_err *e)
{
	static const char *const fs[] = { "surname", "forenames",
		"common_surname", "common_forenames", "description", NULL };
	const char **slot[5];
	const char *s;
	int i;

	slot[0] = &k->surname;
	slot[1] = &k->forenames;
	slot[2] = &k->csur;
	slot[3] = &k->cfore;
	slot[4] = &k->desc;
	for (i = 0; fs[i] && strcmp(fs[i], field) != 0; i++)
		;
	if (!fs[i])
		return d_fail(e, 400, "bad_request", NULL, "field %s of a"
		    " candidate cannot be changed (surname, forenames,"
		    " common_surname, common_forenames, description)", field);
	if (d_cfg_str(v, i >= 2, &s, e))
		return -1;
	*old = jstr(*slot[i]);
	if (apply)
		*slot[i] = d_intern(d, s);
	return 0;
}

/* Names of places, stations, tables, areas and the election: any
 * string; the figures never reference them (I17). */
static int
config_name(struct desk *d, const char *obj, const char *key,
    const char *field, const json_t *v, int apply, json_t **old,
    struct d_err *e)
{
	json_t *it;
	const char *s;

	if (strcmp(field, "name") != 0 && !(strcmp(obj, "election") == 0 &&
	    strcmp(field, "venue") == 0))
		return d_fail(e, 400, "bad_request", NULL, "field %s of %s"
		    " cannot be changed here (name%s)", field, obj,
		    strcmp(obj, "election") == 0 ? ", venue" : "");
	if (strcmp(obj, "election") == 0)
		it = d->election;
	else if (strcmp(obj, "place") == 0)
		it = config_item(d->places, "id", key);
	else if (strcmp(obj, "station") == 0)
		it = config_item(d->stations, "code", key);
	else
		it = config_item(d->tables, "number", key);
	if (!it)
		return d_fail(e, 400, "unknown_reference", NULL, "no %s %s",
		    obj, key);
	/* optional in the plan (§8): null is "absent" */
	if (d_cfg_str(v, strcmp(obj, "table") == 0 || strcmp(field, "venue") ==
	    0, &s, e))
		return -1;
	*old = json_incref(json_object_get(it, field));
	if (!*old)
		*old = json_null();
	if (apply && !s)
		json_object_del(it, field);
	else if (apply)
		json_object_set_new(it, field, json_string(s));
	return 0;
}

/* Check (apply 0) or make (apply 1) one change; *old gets the value
 * before it. */
static int
config_do(struct desk *d, const char *obj, const char *key,
    const char *field, const json_t *v, int ci, int sub, int apply,
    json_t **old, struct d_err *e)
{
	const char *s;

	*old = NULL;
	if (strcmp(obj, "contest") == 0)
		return config_contest(d, ci, field, v, apply, old, e);
	if (strcmp(obj, "candidate") == 0)
		return config_candidate(d, &d->cs[ci].cands[sub], field, v,
		    apply, old, e);
	if (strcmp(obj, "box") == 0)
		return d_config_box(d, sub, field, v, apply, old, e);
	if (strcmp(obj, "area") != 0)
		return config_name(d, obj, key, field, v, apply, old, e);
	if (strcmp(field, "name") != 0)
		return d_fail(e, 400, "bad_request", NULL, "field %s of an"
		    " area cannot be changed (name)", field);
	if (d_cfg_str(v, 0, &s, e))
		return -1;
	*old = jstr(d->cs[ci].areas[sub].name);
	if (apply)
		d->cs[ci].areas[sub].name = d_intern(d, s);
	return 0;
}

/* What a change (or its withdrawal) needs after the body, in the
 * order of §9.1: after READY a reason and re-authentication; then no
 * concerned contest past READY_TO_DECLARE (I16). */
static int
config_gate(const struct desk *d, const struct d_req *rq, int ready,
    int ci, const char *rt, struct d_err *e)
{
	if (ready && (!rt || !*rt))
		return d_fail(e, 400, "bad_request", "§4", "a change after"
		    " READY needs a reason_text");
	if (ready && !rq->reauth_ok)
		return d_fail(e, 401, "reauth_required", "§6.3",
		    "re-authenticate to change the configuration");
	for (int i = 0; i < d->ncs; i++)
		if ((ci < 0 || i == ci) && d->cs[i].state > S_READY_TO_DECLARE)
			return d_fail(e, 409, "wrong_state", "I16", "I16: %s is"
			    " %s; its configuration is fixed", d->cs[i].id,
			    d_state_name(d->cs[i].state));
	return 0;
}

/* POST config {"object", "key", "field", "value"} -> {"old"}. In SETUP
 * the RO or the manager; after READY the RO alone, re-authenticated,
 * with a reason_text; never after a concerned contest's declaration
 * (I16). A change that would break a rule the entries were checked
 * against is refused naming it. Checks in the order of §9.1: the body,
 * re-authentication, then state and invariants. */
int
a_config(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	static const char *const keys[] = { "object", "key", "field",
		"value", "reason_text", "paper_time", NULL };
	const char *obj, *key, *field, *rt;
	const json_t *v = json_object_get(rq->body, "value");
	json_t *old = NULL;
	int ci, sub, ready = 0, rc;

	if (d_body_keys(rq->body, keys, e) ||
	    d_get_str(rq->body, "object", 1, 16, &obj, e) < 0 ||
	    d_get_str(rq->body, "key", 0, 64, &key, e) < 0 ||
	    d_get_str(rq->body, "field", 1, 32, &field, e) < 0 ||
	    d_get_str(rq->body, "reason_text", 0, 2000, &rt, e) < 0)
		return -1;
	if (!v)
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"value\" is required");
	for (int i = 0; i < d->ncs; i++)
		ready |= d->cs[i].state > S_SETUP;
	if (ready && strcmp(rq->user->role, "ro") != 0)
		return d_forbid(e, "role", "§3.2: after READY only the RO"
		    " changes the configuration");
	if (config_subject(d, obj, key, &ci, &sub, e))
		return -1;
	if (strcmp(obj, "contest") == 0 && strcmp(field, "tolerance") == 0 &&
	    json_integer_value(v) > 0 && strcmp(rq->user->role, "ro") != 0)
		return d_forbid(e, "role", "§2.3: a non-zero tolerance needs"
		    " the RO's approval");
	rc = config_do(d, obj, key, field, v, ci, sub, 0, &old, e);
	json_decref(old);
	if (rc && e->status != 409)
		return -1;
	if (config_gate(d, rq, ready, ci, rt, e))
		return -1;
	if (config_do(d, obj, key, field, v, ci, sub, rc ? 0 : 1, &old, e)) {
		json_decref(old);
		return -1;
	}
	out->ncontests = 0;
	if (ci >= 0) {
		out->contests[0] = ci;
		out->ncontests = 1;
	}
	if (strcmp(obj, "box") == 0 && strcmp(field, "polls") == 0)
		d_config_box_contests(d, sub, old, out);
	out->data = d_norm(rq->body, keys);
	json_object_set(out->data, "old", old);
	/* for its withdrawal (§3.5) */
	if (!d->flowlog)
		d->flowlog = json_array();
	json_array_append_new(d->flowlog, json_pack("{s:I, s:s, s:s, s:s?,"
	    " s:s, s:O, s:O, s:i}", "entry", (json_int_t)rq->entry, "kind",
	    "config", "object", obj, "key", key, "field", field, "old", old,
	    "new", v, "contest", ci));
	out->answer = json_pack("{s:o}", "old", old);
	return 0;
}

static int
same_str(const json_t *a, const json_t *b)
{
	if (!json_is_string(a) || !json_is_string(b))
		return json_is_null(a) && json_is_null(b);
	return strcmp(json_string_value(a), json_string_value(b)) == 0;
}

/* A configuration change rec withdrawn (§3.5): the value before it is
 * back, if it is still the current change of its field and a_config's
 * rules allow the change now (who, reason, re-authentication, I16, the
 * rules the entries were checked against). With redo, rec's own value
 * is put back (a correction of rec that failed). */
int
d_config_revert(struct desk *d, const struct d_req *rq, json_t *rec,
    int redo, const char *rt, struct d_err *e)
{
	const char *obj = json_string_value(json_object_get(rec, "object"));
	const char *key = json_string_value(json_object_get(rec, "key"));
	const char *field = json_string_value(json_object_get(rec, "field"));
	long long n = json_integer_value(json_object_get(rec, "entry"));
	json_t *old = NULL, *x;
	int ci, sub, ready = 0;
	size_t i;

	if (config_subject(d, obj, key, &ci, &sub, e))
		return -1;
	if (redo) {
		config_do(d, obj, key, field, json_object_get(rec, "new"), ci,
		    sub, 1, &old, e);
		json_decref(old);
		return 0;
	}
	json_array_foreach(d->flowlog, i, x)
		if (json_integer_value(json_object_get(x, "entry")) > n &&
		    !json_is_true(json_object_get(x, "withdrawn")) &&
		    same_str(json_object_get(x, "kind"), json_object_get(rec,
		    "kind")) && same_str(json_object_get(x, "object"),
		    json_object_get(rec, "object")) && same_str(
		    json_object_get(x, "key"), json_object_get(rec, "key")) &&
		    same_str(json_object_get(x, "field"), json_object_get(rec,
		    "field")))
			return d_fail(e, 409, "invariant", "I1", "I1: entry"
			    " %lld is not current: entry %lld changed %s since",
			    n, (long long)json_integer_value(json_object_get(x,
			    "entry")), field);
	for (int k = 0; k < d->ncs; k++)
		ready |= d->cs[k].state > S_SETUP;
	if (ready && strcmp(rq->user->role, "ro") != 0)
		return d_forbid(e, "role", "§3.2: after READY only the RO"
		    " changes the configuration");
	if (!ready && strcmp(rq->user->role, "ro") != 0 &&
	    strcmp(rq->user->role, "manager") != 0)
		return d_forbid(e, "role", "§3.2: the RO or the manager"
		    " changes the configuration");
	if (config_gate(d, rq, ready, ci, rt, e))
		return -1;
	if (config_do(d, obj, key, field, json_object_get(rec, "old"), ci,
	    sub, 0, &old, e)) {
		json_decref(old);
		return -1;
	}
	json_decref(old);
	old = NULL;
	config_do(d, obj, key, field, json_object_get(rec, "old"), ci, sub, 1,
	    &old, e);
	json_decref(old);
	return 0;
}
