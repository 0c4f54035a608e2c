/* SPDX-License-Identifier: MIT */
/* model.c -- the count's configuration and state in memory, built from
 * the plan (the configuration) and then changed only by actions. */
#include "desk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const state_names[] = {
	"SETUP", "READY", "RECEIVING", "VERIFYING", "VERIFIED", "MIXED",
	"COUNTING", "RECONCILING", "STAGE1_DONE", "STAGE2", "PROVISIONAL",
	"LOT", "READY_TO_DECLARE", "DECLARED", "CLOSED"
};

const char *
d_state_name(int s)
{
	return state_names[s];
}

char *
d_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* Keep a copy of s for the life of the model. */
const char *
d_intern(struct desk *d, const char *s)
{
	json_t *j;

	if (!s)
		return NULL;
	j = json_string(s);
	if (!j || json_array_append_new(d->pool, j))
		return NULL;
	return json_string_value(j);
}

/* A copy of v kept by the model (NULL stays NULL). */
static json_t *
pooled(struct desk *d, json_t *v)
{
	json_t *c = v ? json_deep_copy(v) : NULL;

	if (c && json_array_append_new(d->pool, c))
		return NULL;
	return c;
}

/* Server time, UTC with milliseconds. */
void
d_now(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%03ldZ", s, ts.tv_nsec / 1000000L);
}

int
d_contest_find(const struct desk *d, const char *id)
{
	for (int i = 0; i < d->ncs; i++)
		if (strcmp(d->cs[i].id, id) == 0)
			return i;
	return -1;
}

int
d_area_find(const struct d_contest *c, const char *id)
{
	for (int i = 0; i < c->nareas; i++)
		if (strcmp(c->areas[i].id, id) == 0)
			return i;
	return -1;
}

int
d_box_find(const struct desk *d, const char *code)
{
	for (int i = 0; i < d->nboxes; i++)
		if (strcmp(d->boxes[i].code, code) == 0)
			return i;
	return -1;
}

struct d_user *
d_user_find(struct desk *d, const char *name)
{
	for (int i = 0; i < d->nusers; i++)
		if (strcasecmp(d->users[i].username, name) == 0)
			return &d->users[i];
	return NULL;
}

/* Does u hold table in role ("clerk", "supervisor", or NULL: any)? */
int
d_user_table_role(const struct d_user *u, int table, const char *role)
{
	for (int i = 0; i < u->ntabs; i++)
		if (u->tabs[i].table == table &&
		    (!role || strcmp(u->tabs[i].role, role) == 0))
			return 1;
	return 0;
}

/* A supervisor's action at table refused to u (I19): u is table staff
 * without a supervisor assignment there. A clerk whose plan gives one
 * table as {"table": n, "role": "supervisor"} (§8, §3.1) supervises
 * that table only. */
int
d_sup_refused(const struct d_user *u, int table)
{
	if (strcmp(u->role, "supervisor") != 0 &&
	    strcmp(u->role, "clerk") != 0)
		return 0;
	return !d_user_table_role(u, table, "supervisor");
}

/* An agent of the register (plan or agent.appoint) for contest
 * (NULL: any contest). */
int
d_agent_of(const struct desk *d, const char *id, const char *contest)
{
	size_t i;
	const json_t *a;

	json_array_foreach(d->agents, i, a) {
		const char *x = json_string_value(json_object_get(a, "id"));
		const char *c = json_string_value(json_object_get(a,
		    "contest"));

		if (x && c && strcmp(x, id) == 0 &&
		    (!contest || strcmp(c, contest) == 0))
			return 1;
	}
	return 0;
}

/* Member k of body names agents of the register for contest (NULL:
 * any): one id, or an array of ids; absent or null names none. An id
 * not in the register is 400 unknown_reference (§9.1). */
int
d_agents_named(const struct desk *d, const json_t *body, const char *k,
    const char *contest, struct d_err *e)
{
	const json_t *v = json_object_get(body, k), *x;
	size_t i, n = json_is_array(v) ? json_array_size(v) : 1;

	if (!v || json_is_null(v))
		return 0;
	for (i = 0; i < n; i++) {
		x = json_is_array(v) ? json_array_get(v, i) : v;
		if (!json_is_string(x))
			return d_fail(e, 400, "bad_request", NULL, "member"
			    " \"%s\" names agents by id", k);
		if (!d_agent_of(d, json_string_value(x), contest))
			return d_fail(e, 400, "unknown_reference", NULL,
			    "no agent %s in the register%s%s",
			    json_string_value(x), contest ? " of " : "",
			    contest ? contest : "");
	}
	return 0;
}

/* Does u hold a supervisor assignment at any table? */
int
d_sup_anywhere(const struct d_user *u)
{
	for (int i = 0; i < u->ntabs; i++)
		if (strcmp(u->tabs[i].role, "supervisor") == 0)
			return 1;
	return 0;
}

static const char *const powers[] = {
	"verify_approve", "adjudicate", "recount_decide",
	"provisional_release", "declare", "lot", NULL
};

/* The RO holds every power; a DRO those of a current delegation. */
int
d_has_power(const struct desk *d, const struct d_user *u, int contest,
    const char *power)
{
	if (strcmp(u->role, "ro") == 0)
		return 1;
	if (strcmp(u->role, "dro") != 0 || contest < 0 || contest >= 8)
		return 0;
	for (int i = 0; powers[i]; i++)
		if (strcmp(powers[i], power) == 0)
			return (u->powers[contest] >> i) & 1;
	(void)d;
	return 0;
}

static const char *
sget(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long
iget(const json_t *o, const char *k, long long def)
{
	const json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

static int
contest_config(struct d_contest *c, const json_t *o)
{
	const json_t *a = json_object_get(o, "areas");
	const json_t *cd = json_object_get(o, "candidates");
	size_t i;

	c->id = sget(o, "id");
	c->name = sget(o, "name");
	c->kind = sget(o, "kind");
	c->regime = sget(o, "regime");
	c->show = sget(o, "show_totals_on_screen");
	if (!c->show)
		c->show = "declared";
	c->seats = (int)iget(o, "seats", 1);
	c->bundle_size = (int)iget(o, "bundle_size", 25);
	c->tally_capacity = (int)iget(o, "tally_capacity", 100);
	c->min_recounts = (int)iget(o, "min_recounts", 2);
	c->tolerance = iget(o, "tolerance", 0);
	c->has_electorate = json_is_integer(json_object_get(o, "electorate"));
	c->electorate = iget(o, "electorate", 0);
	c->nareas = a ? (int)json_array_size(a) : 1;
	c->areas = calloc((size_t)c->nareas, sizeof *c->areas);
	c->mixed = calloc((size_t)c->nareas, sizeof *c->mixed);
	c->ncands = (int)json_array_size(cd);
	c->cands = calloc((size_t)c->ncands, sizeof *c->cands);
	if (!c->areas || !c->mixed || !c->cands)
		return -1;
	if (!a) {
		c->areas[0].id = "main";
		c->areas[0].name = c->name;
	}
	for (i = 0; a && i < json_array_size(a); i++) {
		c->areas[i].id = sget(json_array_get(a, i), "id");
		c->areas[i].name = sget(json_array_get(a, i), "name");
	}
	for (i = 0; i < json_array_size(cd); i++) {
		const json_t *x = json_array_get(cd, i);
		struct d_cand *k = &c->cands[iget(x, "position", 1) - 1];

		k->pos = (int)iget(x, "position", 1);
		k->surname = sget(x, "surname");
		k->forenames = sget(x, "forenames");
		k->csur = sget(x, "common_surname");
		k->cfore = sget(x, "common_forenames");
		k->desc = sget(x, "description");
	}
	return 0;
}

static int
box_config(struct desk *d, struct d_box *b, const json_t *o)
{
	const json_t *p = json_object_get(o, "polls");

	b->code = sget(o, "code");
	b->kind = sget(o, "kind");
	b->station = sget(o, "station");
	b->arrival = sget(o, "expected_arrival");
	b->npolls = (int)json_array_size(p);
	for (int i = 0; i < b->npolls && i < D_MAXP; i++) {
		const json_t *x = json_array_get(p, (size_t)i);
		int c = d_contest_find(d, sget(x, "contest"));
		const char *ar = sget(x, "area");

		if (c < 0)
			return -1;
		b->polls[i].contest = c;
		b->polls[i].area = ar ? d_area_find(&d->cs[c], ar) : 0;
		if (b->polls[i].area < 0)
			return -1;
	}
	return 0;
}

/* Add box b (its strings interned here) after the plan's: an unexpected
 * box registered at receipt (§2.1). Its index is the new last one, so
 * the indexes of the boxes before it stay. -1 when out of memory. */
int
d_box_add(struct desk *d, const struct d_box *b)
{
	struct d_box *nb = realloc(d->boxes, ((size_t)d->nboxes + 2) *
	    sizeof *nb);

	if (!nb)
		return -1;
	d->boxes = nb;
	nb = &d->boxes[d->nboxes];
	*nb = *b;
	nb->code = d_intern(d, b->code);
	nb->kind = d_intern(d, b->kind);
	nb->station = d_intern(d, b->station);
	nb->unexpected = d_intern(d, b->unexpected);
	if (!nb->code || !nb->kind || !nb->unexpected ||
	    (b->station && !nb->station))
		return -1;
	memset(&d->boxes[d->nboxes + 1], 0, sizeof *nb);
	return d->nboxes++;
}

/* A transfer names the other box by its index: after a box leaves or
 * comes back at index at, those past it move by dir (-1 or +1). */
static void
xfer_shift(struct desk *d, int at, int dir)
{
	for (int i = 0; i < d->nboxes; i++)
		for (int j = 0; j < d->boxes[i].npolls; j++) {
			struct d_vpoll *p = &d->boxes[i].polls[j];

			for (int k = 0; k < p->nxf; k++)
				if (p->xf[k].other >= at)
					p->xf[k].other += dir;
		}
}

/* An unopened unexpected box whose receipt was withdrawn (§3.5): out
 * of the book's boxes; *save gets it, for d_box_put. The moves below
 * carry the zeroed box past the last that d_box_add keeps. */
void
d_box_drop(struct desk *d, int at, struct d_box *save)
{
	*save = d->boxes[at];
	memmove(&d->boxes[at], &d->boxes[at + 1], ((size_t)(d->nboxes - at))
	    * sizeof *d->boxes);
	d->nboxes--;
	xfer_shift(d, at, -1);
}

/* Box b (from d_box_drop) back at index at: 0, or -1 out of memory. */
int
d_box_put(struct desk *d, int at, const struct d_box *b)
{
	struct d_box *nb = realloc(d->boxes, ((size_t)d->nboxes + 2) *
	    sizeof *nb);

	if (!nb)
		return -1;
	d->boxes = nb;
	xfer_shift(d, at, 1);
	memmove(&nb[at + 1], &nb[at], ((size_t)(d->nboxes - at + 1)) *
	    sizeof *nb);
	nb[at] = *b;
	d->nboxes++;
	return 0;
}

static int
user_config(struct d_user *u, const json_t *o)
{
	const json_t *t = json_object_get(o, "tables");

	u->username = sget(o, "username");
	u->full_name = sget(o, "full_name");
	u->role = sget(o, "role");
	u->staff_no = sget(o, "staff_no");
	u->agent = sget(o, "agent");
	u->contests = json_object_get(o, "contests");
	(void)t;
	return 0;
}

/* Build the configuration from a validated plan (strings borrowed from
 * it; d->plan must outlive the model). */
int
d_model_config(struct desk *d, const json_t *plan, char *err, size_t errlen)
{
	const json_t *cs = json_object_get(plan, "contests");
	const json_t *bs = json_object_get(plan, "boxes");
	const json_t *us = json_object_get(plan, "users");
	size_t i;

	d->election = json_object_get(plan, "election");
	d->places = json_object_get(plan, "places");
	d->stations = json_object_get(plan, "stations");
	d->tables = json_object_get(plan, "tables");
	d->devices = json_object_get(plan, "devices");
	d->agents = json_object_get(plan, "agents");
	d->ncs = (int)json_array_size(cs);
	d->nboxes = (int)json_array_size(bs);
	d->nusers = (int)json_array_size(us);
	d->cs = calloc((size_t)d->ncs + 1, sizeof *d->cs);
	d->boxes = calloc((size_t)d->nboxes + 1, sizeof *d->boxes);
	d->capusers = d->nusers + D_USERS_ROOM;
	d->users = calloc((size_t)d->capusers + 1, sizeof *d->users);
	d->delegs = json_array();
	d->pool = json_array();
	if (!d->cs || !d->boxes || !d->users || !d->delegs || !d->pool)
		goto oom;
	/* What config.change may edit is the model's own copy: the plan
	 * stays as init read it (the journal's header, §10). */
	d->election = pooled(d, d->election);
	d->places = pooled(d, d->places);
	d->stations = pooled(d, d->stations);
	d->tables = pooled(d, d->tables);
	d->agents = pooled(d, d->agents);
	if (!d->agents && (!(d->agents = json_array()) ||
	    json_array_append_new(d->pool, d->agents)))
		goto oom;
	for (i = 0; i < (size_t)d->ncs; i++)
		if (contest_config(&d->cs[i], json_array_get(cs, i)))
			goto oom;
	for (i = 0; i < (size_t)d->nboxes; i++)
		if (box_config(d, &d->boxes[i], json_array_get(bs, i))) {
			snprintf(err, errlen, "box %zu: bad poll", i);
			return -1;
		}
	for (i = 0; i < (size_t)d->nusers; i++)
		user_config(&d->users[i], json_array_get(us, i));
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

void
d_model_free(struct desk *d)
{
	for (int i = 0; i < d->ncs; i++) {
		free(d->cs[i].areas);
		free(d->cs[i].cands);
		free(d->cs[i].mixed);
		json_decref(d->cs[i].prov);
		json_decref(d->cs[i].decl);
		json_decref(d->cs[i].lot);
		json_decref(d->cs[i].prev_prov);
		json_decref(d->cs[i].recounts);
		json_decref(d->cs[i].f6s);
		json_decref(d->cs[i].stmts);
		json_decref(d->cs[i].provcorr);
	}
	for (int i = 0; i < d->nboxes; i++)
		for (int j = 0; j < d->boxes[i].npolls; j++) {
			free(d->boxes[i].polls[j].figs);
			free(d->boxes[i].polls[j].xf);
		}
	for (int i = 0; i < d->nusers; i++)
		free(d->users[i].tabs);
	for (size_t i = 0; i < json_array_size(d->users_old); i++)
		free((void *)(intptr_t)json_integer_value(json_array_get(
		    d->users_old, i)));
	json_decref(d->users_old);
	d->users_old = NULL;
	free(d->cs);
	free(d->boxes);
	free(d->users);
	free(d->bs);
	d_bix_free(d);
	free(d->sheets);
	free(d->tallies);
	d->tallies = NULL;
	d->ntallies = d->captallies = 0;
	json_decref(d->delegs);
	json_decref(d->flowlog);
	d->flowlog = NULL;
	json_decref(d->pool);
	d->pool = NULL;
	d->cs = NULL;
	d->boxes = NULL;
	d->users = NULL;
	d->bs = NULL;
	d->sheets = NULL;
	d->delegs = NULL;
	d->ncs = d->nboxes = d->nusers = d->nbs = d->nsheets = 0;
	d->capusers = 0;
	d->capbs = d->capsheets = 0;
}
