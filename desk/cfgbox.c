/* SPDX-License-Identifier: MIT */
/* cfgbox.c -- config.change of a box's record (§9.4, §8): its station,
 * its kind (station, postal, postal_handed_in), its expected arrival
 * and its polls. A change that would break a rule the entries were
 * checked against is refused naming it: a decided poll is fixed (I4,
 * I5), a poll with entries stays (I1), a contest whose F6 is issued
 * (I5) or whose area is mixed (I6) keeps its boxes, a place with a
 * compensating decision keeps its boxes (I4). */
#include "desk.h"

#include <stdlib.h>
#include <string.h>

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* "YYYY-MM-DDTHH:MM:SSZ" (§8's ts). */
static int
is_ts(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";

	for (size_t i = 0; i < sizeof pat - 1; i++)
		if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') :
		    s[i] != pat[i])
			return 0;
	return s[sizeof pat - 1] == 0;
}

static int
same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The first contest of box bx with a current decision, or -1. */
static int
box_decided(const struct d_box *bx)
{
	for (int p = 0; p < bx->npolls; p++)
		if (bx->polls[p].decided)
			return bx->polls[p].contest;
	return -1;
}

/* The polling place of station st, or NULL (none, or no station). */
static const char *
place_of(const struct desk *d, const char *st)
{
	size_t i;
	json_t *x;

	json_array_foreach(d->stations, i, x)
		if (st && same(json_string_value(json_object_get(x, "code")),
		    st))
			return json_string_value(json_object_get(x, "place"));
	return NULL;
}

static int
carries(const struct d_box *bx, int c)
{
	for (int p = 0; p < bx->npolls; p++)
		if (bx->polls[p].contest == c)
			return 1;
	return 0;
}

/* A contest of box bx decided as compensating errors for place pl by
 * its other boxes (I4: every box of the place counted, Σ counted = Σ
 * BPA): bx joining or leaving pl would break it. -1 none. */
static int
place_compensated(const struct desk *d, const char *pl,
    const struct d_box *bx)
{
	for (int b = 0; pl && b < d->nboxes; b++) {
		const struct d_box *o = &d->boxes[b];

		if (o == bx || strcmp(o->kind, "station") != 0 ||
		    !same(place_of(d, o->station), pl))
			continue;
		for (int p = 0; p < o->npolls; p++)
			if (o->polls[p].decided && same(o->polls[p].outcome,
			    "compensating") && carries(bx, o->polls[p].contest))
				return o->polls[p].contest;
	}
	return -1;
}

/* Box bx moving from station st0 to st1 (either NULL: a postal box):
 * refused when it is decided (I4 by place, I5 station and postal shown
 * apart) or a compensating decision rests on either place (I4). */
static int
moves(const struct desk *d, const struct d_box *bx, const char *st1,
    const char *what, struct d_err *e)
{
	const char *pl[2] = { place_of(d, bx->station), place_of(d, st1) };
	int dc = box_decided(bx), c;
	const char *rule = strcmp(what, "station") == 0 ? "I4" : "I5";

	if (dc >= 0)
		return d_fail(e, 409, "invariant", rule, "%s: box %s is"
		    " verified for %s; its %s is fixed", rule, bx->code,
		    d->cs[dc].id, what);
	for (int i = 0; i < 2 && !same(pl[0], pl[1]); i++)
		if ((c = place_compensated(d, pl[i], bx)) >= 0)
			return d_fail(e, 409, "invariant", "I4", "I4: the"
			    " boxes of place %s are verified together for %s"
			    " (compensating); box %s cannot %s it", pl[i],
			    d->cs[c].id, bx->code, i ? "join" : "leave");
	return 0;
}

/* A kind's value: "postal" or "postal_handed_in"; a station box with
 * its station, {"kind": "station", "station": CODE} (the form's
 * "station:CODE"): a station box has a station, a postal box none
 * (§8). */
static int
kind_value(const struct desk *d, const json_t *v, const char **kind,
    const char **st, struct d_err *e)
{
	static const char *const keys[] = { "kind", "station", NULL };
	const char *s;

	*st = NULL;
	if (json_is_object(v)) {
		if (d_body_keys(v, keys, e) ||
		    d_get_str(v, "kind", 1, 32, &s, e) < 0 ||
		    d_get_str(v, "station", 1, 16, st, e) < 0)
			return -1;
		if (strcmp(s, "station") != 0)
			return d_fail(e, 400, "bad_request", "§8", "§8: only a"
			    " station box has a station");
	} else if (json_is_string(v) && strncmp(json_string_value(v),
	    "station:", 8) == 0) {
		s = "station";
		*st = json_string_value(v) + 8;
	} else if (d_cfg_str(v, 0, &s, e))
		return -1;
	else if (strcmp(s, "station") == 0)
		return d_fail(e, 400, "bad_request", "§8", "§8: a station box"
		    " has a station: value {\"kind\": \"station\","
		    " \"station\": CODE}");
	else if (strcmp(s, "postal") != 0 && strcmp(s, "postal_handed_in")
	    != 0)
		return d_fail(e, 400, "bad_request", "§8", "§8: a box's kind"
		    " is station, postal or postal_handed_in");
	if (*st && !place_of(d, *st))
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no station %s", *st);
	*kind = s;
	return 0;
}

/* A box's kind as config reports it: a string, or for a station box
 * {"kind": "station", "station"}, the form a change back takes. */
static json_t *
kind_json(const struct d_box *bx)
{
	if (strcmp(bx->kind, "station") == 0)
		return json_pack("{s:s, s:s}", "kind", "station", "station",
		    bx->station);
	return json_string(bx->kind);
}

static int
config_kind(struct desk *d, struct d_box *bx, const json_t *v, int apply,
    json_t **old, struct d_err *e)
{
	const char *k = NULL, *st;

	if (kind_value(d, v, &k, &st, e))
		return -1;
	if ((strcmp(k, bx->kind) != 0 || !same(st, bx->station)) &&
	    moves(d, bx, st, "kind", e))
		return -1;
	*old = kind_json(bx);
	if (apply) {
		bx->kind = d_intern(d, k);
		bx->station = st ? d_intern(d, st) : NULL;
	}
	return 0;
}

/* The form's text of polls, "C[/A], C[/A] ...", as the API's array. */
static json_t *
polls_text(const char *s)
{
	json_t *a = json_array();
	char buf[512], *t, *sv = NULL, *sl;

	snprintf(buf, sizeof buf, "%s", s);
	for (t = strtok_r(buf, ", ", &sv); t; t = strtok_r(NULL, ", ", &sv)) {
		if ((sl = strchr(t, '/')) != NULL) {
			*sl = 0;
			json_array_append_new(a, json_pack("{s:s, s:s}",
			    "contest", t, "area", sl + 1));
		} else
			json_array_append_new(a, json_string(t));
	}
	return a;
}

/* Polls' value: an array of 1..D_MAXP polls as the plan's box polls
 * (§8), each contest at most once, or the form's text of them. */
static int
polls_value(const struct desk *d, const json_t *v, struct d_vpoll *ps,
    int *n, struct d_err *e)
{
	json_t *a, *norm, *x;
	size_t i;
	int rc = 0;

	if (!json_is_array(v) && !json_is_string(v))
		return d_fail(e, 400, "bad_request", "§8", "§8: value must be"
		    " an array of {\"contest\", \"area\"?}");
	a = json_is_string(v) ? polls_text(json_string_value(v)) :
	    json_incref((json_t *)v);
	norm = json_array();
	if (!json_array_size(a) || json_array_size(a) > D_MAXP)
		rc = d_fail(e, 400, "bad_request", "§8", "§8: a box carries"
		    " 1..%d polls", D_MAXP);
	json_array_foreach(a, i, x) {
		if (rc)
			break;
		memset(&ps[i], 0, sizeof ps[i]);
		rc = d_poll_parse(d, x, &ps[i], norm, e);
		for (size_t j = 0; !rc && j < i; j++)
			if (ps[j].contest == ps[i].contest)
				rc = d_fail(e, 400, "bad_request", "§8", "§8:"
				    " contest %s at most once in a box",
				    d->cs[ps[i].contest].id);
	}
	*n = (int)json_array_size(a);
	json_decref(a);
	json_decref(norm);
	return rc;
}

/* Poll q (contest c, area a) leaving box bx (gone), or moving to
 * another area or arriving (q NULL): the contest's mixing (I6), its F6
 * (I5), the poll's decision (I4) and entries (I1) forbid it. */
static int
poll_open(const struct desk *d, const struct d_box *bx,
    const struct d_vpoll *q, int c, int a, int gone, struct d_err *e)
{
	const struct d_contest *k = &d->cs[c];

	if (k->mixed[a])
		return d_fail(e, 409, "invariant", "I6", "I6: area %s of %s"
		    " is mixed; its boxes are fixed", k->areas[a].id, k->id);
	if (k->state >= S_VERIFIED)
		return d_fail(e, 409, "invariant", "I5", "I5: %s's"
		    " verification statement (F6) is issued; the boxes"
		    " carrying it are fixed", k->id);
	if (q && q->decided)
		return d_fail(e, 409, "invariant", "I4", "I4: box %s is"
		    " verified for %s; its poll is fixed", bx->code, k->id);
	if (q && gone && (q->nfigs || q->checks || q->nxf || q->decision))
		return d_fail(e, 409, "invariant", "I1", "I1: box %s has"
		    " entries for %s; its poll stays", bx->code, k->id);
	return 0;
}

/* The index in ps[0..n) of contest c, or -1. */
static int
poll_in(const struct d_vpoll *ps, int n, int c)
{
	for (int i = 0; i < n; i++)
		if (ps[i].contest == c)
			return i;
	return -1;
}

/* Does a box other than bx carry contest c? (§8: every contest has at
 * least one box.) */
static int
other_carrier(const struct desk *d, const struct d_box *bx, int c)
{
	for (int b = 0; b < d->nboxes; b++)
		if (&d->boxes[b] != bx && carries(&d->boxes[b], c))
			return 1;
	return 0;
}

static json_t *
polls_json(const struct desk *d, const struct d_box *bx)
{
	json_t *a = json_array();

	for (int p = 0; p < bx->npolls; p++) {
		const struct d_contest *k = &d->cs[bx->polls[p].contest];

		json_array_append_new(a, json_pack("{s:s, s:s}", "contest",
		    k->id, "area", k->areas[bx->polls[p].area].id));
	}
	return a;
}

/* A box's polls: each kept poll keeps its figures (a new area while
 * undecided), a new one starts empty; a box already opened brings a
 * contest still RECEIVING into VERIFYING, as box.open does (§2.2). */
static int
config_polls(struct desk *d, struct d_box *bx, const json_t *v, int apply,
    json_t **old, struct d_err *e)
{
	struct d_vpoll ps[D_MAXP];
	int n = 0, i, j;

	if (polls_value(d, v, ps, &n, e))
		return -1;
	for (i = 0; i < bx->npolls; i++)
		if (poll_in(ps, n, bx->polls[i].contest) < 0 &&
		    !other_carrier(d, bx, bx->polls[i].contest))
			return d_fail(e, 400, "bad_request", "§8", "§8: box %s"
			    " is the only box of %s; every contest has one",
			    bx->code, d->cs[bx->polls[i].contest].id);
	for (i = 0; i < bx->npolls; i++) {
		const struct d_vpoll *q = &bx->polls[i];

		j = poll_in(ps, n, q->contest);
		if ((j < 0 || ps[j].area != q->area) && (poll_open(d, bx, q,
		    q->contest, q->area, j < 0, e) || (j >= 0 && poll_open(d,
		    bx, q, q->contest, ps[j].area, 0, e))))
			return -1;
	}
	for (j = 0; j < n; j++)
		if (poll_in(bx->polls, bx->npolls, ps[j].contest) < 0 &&
		    poll_open(d, bx, NULL, ps[j].contest, ps[j].area, 0, e))
			return -1;
	*old = polls_json(d, bx);
	if (!apply)
		return 0;
	for (j = 0; j < n; j++) {
		struct d_contest *k = &d->cs[ps[j].contest];
		int a = ps[j].area;

		if ((i = poll_in(bx->polls, bx->npolls, ps[j].contest)) >= 0) {
			ps[j] = bx->polls[i];
			ps[j].area = a;
		} else if (bx->table && k->state == S_RECEIVING)
			k->state = S_VERIFYING;
	}
	memcpy(bx->polls, ps, (size_t)n * sizeof *ps);
	bx->npolls = n;
	return 0;
}

/* Check (apply 0) or make (apply 1) a change of box bi's field to v;
 * *old gets the value before it, in the form a change takes. */
int
d_config_box(struct desk *d, int bi, const char *field, const json_t *v,
    int apply, json_t **old, struct d_err *e)
{
	struct d_box *bx = &d->boxes[bi];
	const char *s;

	if (strcmp(field, "expected_arrival") == 0) {
		if (d_cfg_str(v, 1, &s, e))
			return -1;
		if (s && !is_ts(s))
			return d_fail(e, 400, "bad_request", "§8", "value must"
			    " be a time YYYY-MM-DDTHH:MM:SSZ or null");
		*old = jstr(bx->arrival);
		if (apply)
			bx->arrival = s ? d_intern(d, s) : NULL;
		return 0;
	}
	if (strcmp(field, "kind") == 0)
		return config_kind(d, bx, v, apply, old, e);
	if (strcmp(field, "polls") == 0)
		return config_polls(d, bx, v, apply, old, e);
	if (strcmp(field, "station") != 0)
		return d_fail(e, 400, "bad_request", NULL, "field %s of a box"
		    " cannot be changed (station, kind, expected_arrival,"
		    " polls)", field);
	if (d_cfg_str(v, 0, &s, e))
		return -1;
	if (strcmp(bx->kind, "station") != 0)
		return d_fail(e, 400, "bad_request", "§8", "§8: box %s is a %s"
		    " box; only a station box has a station (change its"
		    " kind)", bx->code, bx->kind);
	if (!place_of(d, s))
		return d_fail(e, 400, "unknown_reference", NULL,
		    "no station %s", s);
	if (!same(s, bx->station) && moves(d, bx, s, "station", e))
		return -1;
	*old = jstr(bx->station);
	if (apply)
		bx->station = d_intern(d, s);
	return 0;
}

/* The contests a change of box bi's polls concerns (its states go in
 * the entry, §9.1): those it carried (old) and carries. */
void
d_config_box_contests(const struct desk *d, int bi, const json_t *old,
    struct d_out *out)
{
	const struct d_box *bx = &d->boxes[bi];
	size_t i;
	json_t *x;

	out->ncontests = 0;
	for (int p = 0; p < bx->npolls; p++)
		out->contests[out->ncontests++] = bx->polls[p].contest;
	json_array_foreach(old, i, x) {
		int c = d_contest_find(d, json_string_value(json_object_get(x,
		    "contest")));

		if (c >= 0 && !carries(bx, c) && out->ncontests < 8)
			out->contests[out->ncontests++] = c;
	}
}
