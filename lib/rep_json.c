/* SPDX-License-Identifier: MIT */
/*
 * rep_json.c -- the result JSON of DESIGN.md: method, seats, candidates
 * (input order), quota, stages (votes by name as exact decimal strings),
 * elected in order, ties, inputs; plus title, valid, seed and rejected
 * ballots by head. Keys in a fixed order so output is byte-reproducible.
 */
#include "tl_int.h"
#include "closest.h"
#include "decl.h"
#include "sens.h"

static const char *const kind_names[] = { "first_preferences", "surplus",
	"exclusion", "second_preferences", "iteration", "final", "scores",
	"pairwise", "round", "transfer", "runoff", "votes" };

_Static_assert(TL_NELEM(kind_names) == TL_STAGE_KIND_COUNT,
    "kind_names: one name a kind");
static const char *const how_names[] = { "earlier_stage", "lot",
	"input_order", "first_preferences", "lot", "tie_order", "pending" };

_Static_assert(TL_NELEM(how_names) == TL_TIE_HOW_COUNT,
    "how_names: one name a kind");
static const char *const tiekind_names[] = { "exclusion", "surplus",
	"election", "order_of_election", "pair_order", "finalist" };

_Static_assert(TL_NELEM(tiekind_names) == TL_TIEK_COUNT,
    "tiekind_names: one name a kind");

static const char *
name_of(const struct teller_result *r, int id)
{
	return TL_CAND(r->contest, id)->name;
}

static void
num_str(struct tl_out *o, tl_fix v, int dp)
{
	tl_out_str(o, "\"");
	tl_out_num(o, v, dp);
	tl_out_str(o, "\"");
}

static void
names(struct tl_out *o, const struct teller_result *r, const int *ids, int n)
{
	int i;

	tl_out_str(o, "[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			tl_out_str(o, ", ");
		tl_out_json_str(o, name_of(r, ids[i]));
	}
	tl_out_str(o, "]");
}

static void
tallies(struct tl_out *o, const struct teller_result *r,
    const struct tl_vec *v)
{
	size_t i;

	tl_out_str(o, "{");
	for (i = 0; i < v->len; i++) {
		const struct tl_tally *t = &TL_VEC_AT(v, struct tl_tally, i);
		tl_out_str(o, i > 0 ? ",\n    " : "\n    ");
		tl_out_json_str(o, t->name);
		tl_out_str(o, ": ");
		num_str(o, t->n, r->dp);
	}
	tl_out_str(o, v->len > 0 ? "\n  }" : "}");
}

/* The name a transfer goes to (reports.md 12). */
const char *
tl_rep_json_to(const struct teller_result *r, int to)
{
	return to == TL_TO_NONTRANS ? "non_transferable"
	    : to == TL_TO_LOSS ? "loss_by_fractions" : name_of(r, to);
}

static void
transfers(struct tl_out *o, const struct teller_result *r,
    const struct tl_stage *s)
{
	size_t i, n = s->transfers != NULL ? s->transfers->len : 0;

	tl_out_str(o, ",\n      \"transfers\": [");
	for (i = 0; i < n; i++) {
		const struct tl_transfer *t =
		    &TL_VEC_AT(s->transfers, struct tl_transfer, i);
		tl_out_str(o, i > 0 ? ",\n        {\"from\": "
		    : "\n        {\"from\": ");
		tl_out_json_str(o, name_of(r, t->from));
		tl_out_str(o, ", \"to\": ");
		tl_out_json_str(o, tl_rep_json_to(r, t->to));
		tl_out_str(o, ", \"votes\": ");
		num_str(o, t->votes, r->dp);
		tl_out_str(o, "}");
	}
	tl_out_str(o, n > 0 ? "\n      ]" : "]");
}

/* SV: first x second preferences over the valid papers; "" = no good
 * second preference. */
static void
crosstab(struct tl_out *o, const struct teller_result *r)
{
	size_t n = (size_t)r->ncand, f, x;

	if (r->crosstab == NULL)
		return;
	tl_out_str(o, "  \"crosstab\": {");
	for (f = 0; f < n; f++) {
		tl_out_str(o, f > 0 ? ",\n    " : "\n    ");
		tl_out_json_str(o, name_of(r, (int)f));
		tl_out_str(o, ": {");
		for (x = 0; x <= n; x++) {
			if (x > 0)
				tl_out_str(o, ", ");
			tl_out_json_str(o, x < n ? name_of(r, (int)x) : "");
			tl_out_str(o, ": ");
			num_str(o, r->crosstab[f * (n + 1) + x], r->dp);
		}
		tl_out_str(o, "}");
	}
	tl_out_str(o, n > 0 ? "\n  },\n" : "},\n");
}

/* Section k's id, name and weight (one section "all" without any). */
static const struct tl_section *
sect_def(const struct teller_result *r, int k)
{
	static const struct tl_section all = { "all", "all", "1", 1, 1 };

	if (r->sects == NULL)
		return &all;
	return &TL_VEC_AT(r->sects, struct tl_section, k);
}

static void
sect_head(struct tl_out *o, const struct teller_result *r, int k)
{
	const struct tl_section *d = sect_def(r, k);

	tl_out_str(o, "{\"id\": ");
	tl_out_json_str(o, d->id);
	tl_out_str(o, ", \"name\": ");
	tl_out_json_str(o, d->name);
	tl_out_str(o, ", \"weight\": ");
	tl_out_json_str(o, d->weight);
}

/* A section's ballots, kept at r->dp, shown at the weights' places. */
static void
sect_num(struct tl_out *o, const struct teller_result *r, tl_fix v)
{
	num_str(o, v / tl_num_pow10(r->dp - r->sect_vdp), r->sect_vdp);
}

/* {name: figure} for the continuing (figure >= 0) at dp places; dp < 0:
 * ballots (sect_num). */
static void
by_name(struct tl_out *o, const struct teller_result *r, const char *key,
    const tl_fix *v, const tl_fix *live, int dp)
{
	int i, n = 0;

	tl_out_fmt(o, ",\n         \"%s\": {", key);
	for (i = 0; i < r->ncand; i++) {
		if (live[i] < 0)
			continue;
		tl_out_str(o, n++ > 0 ? ", " : "");
		tl_out_json_str(o, name_of(r, i));
		tl_out_str(o, ": ");
		if (dp < 0)
			sect_num(o, r, v[i]);
		else
			num_str(o, v[i], dp);
	}
	tl_out_str(o, "}");
}

/* methods.md 4.4: each section's figures at this stage. */
static void
stage_sections(struct tl_out *o, const struct teller_result *r,
    const struct tl_stage *s)
{
	int k;

	tl_out_str(o, ",\n      \"sections\": [");
	for (k = 0; k < r->nsect; k++) {
		const struct tl_sect_stage *x = &s->sect[k];

		tl_out_str(o, k > 0 ? ",\n        " : "\n        ");
		sect_head(o, r, k);
		tl_out_str(o, ",\n         \"valid\": ");
		sect_num(o, r, x->valid);
		tl_out_str(o, ", \"non_transferable\": ");
		sect_num(o, r, x->nontrans);
		by_name(o, r, "votes", x->votes, x->points, -1);
		by_name(o, r, "percent", x->percent, x->points,
		    TL_COLLEGE_DP);
		by_name(o, r, "points", x->points, x->points, TL_COLLEGE_DP);
		tl_out_str(o, "}");
	}
	tl_out_str(o, "\n      ]");
}

/* methods.md 3.3: a separate round's valid, rejected and withdrawn. */
static void
stage_round(struct tl_out *o, const struct teller_result *r,
    const struct tl_stage *s)
{
	tl_out_str(o, ",\n      \"valid\": ");
	num_str(o, s->round_valid, r->dp);
	tl_out_str(o, ",\n      \"rejected\": {\"unmarked or void for "
	    "uncertainty (no preference for a candidate)\": ");
	num_str(o, s->round_unmarked, r->dp);
	tl_out_str(o, ", \"more than one first preference\": ");
	num_str(o, s->round_over, r->dp);
	tl_out_str(o, "},\n      \"withdrawn\": ");
	names(o, r, s->withdrawn, s->nwithdrawn);
}

static void
stage(struct tl_out *o, const struct teller_result *r,
    const struct tl_stage *s)
{
	int i;

	tl_out_fmt(o, "    {\n      \"number\": %d,\n      \"kind\": \"%s\",\n",
	    s->number, kind_names[s->kind]);
	tl_out_str(o, "      \"subject\": ");
	if (s->subject >= 0)
		tl_out_json_str(o, name_of(r, s->subject));
	else
		tl_out_str(o, "null");
	if (s->value >= 0) {
		tl_out_str(o, ",\n      \"transfer_value\": ");
		num_str(o, s->value, r->dp);
	}
	tl_out_str(o, ",\n      \"votes\": {");
	for (i = 0; i < r->ncand; i++) {
		tl_out_str(o, i > 0 ? ",\n        " : "\n        ");
		tl_out_json_str(o, name_of(r, i));
		tl_out_str(o, ": ");
		num_str(o, s->votes[i], r->dp);
	}
	tl_out_str(o, "\n      },\n      \"non_transferable\": ");
	num_str(o, s->nontrans, r->dp);
	tl_out_str(o, ",\n      \"loss_by_fractions\": ");
	num_str(o, s->loss, r->dp);
	tl_out_str(o, ",\n      \"elected\": ");
	names(o, r, s->elected, s->nelected);
	tl_out_str(o, ",\n      \"excluded\": ");
	names(o, r, s->excluded, s->nexcluded);
	if (s->last != NULL) {
		tl_out_str(o, ",\n      \"last_places\": {");
		for (i = 0; i < r->ncand; i++) {
			tl_out_str(o, i > 0 ? ", " : "");
			tl_out_json_str(o, name_of(r, i));
			tl_out_str(o, ": ");
			num_str(o, s->last[i], r->dp);
		}
		tl_out_str(o, "}");
	}
	tl_out_str(o, ",\n      \"note\": ");
	tl_out_json_str(o, s->note != NULL ? s->note : "");
	if (s->nt_why != NULL) {
		tl_out_str(o, ",\n      \"non_transferable_by_reason\": ");
		tallies(o, r, s->nt_why);
	}
	transfers(o, r, s);
	if (s->has_round)
		stage_round(o, r, s);
	if (s->sect != NULL)
		stage_sections(o, r, s);
	tl_out_str(o, "\n    }");
}

/* A count that stopped short (a tally count): "status", and for the SV
 * second stage the "remaining" candidates. A final result has neither. */
static void
status(struct tl_out *o, const struct teller_result *r)
{
	int i, n = 0;

	if (r->status == TELLER_STATUS_LOT_NEEDED)
		tl_out_str(o, "  \"status\": \"lot_needed\",\n");
	if (r->status != TELLER_STATUS_STAGE2_NEEDED)
		return;
	tl_out_str(o, "  \"status\": \"stage2_needed\",\n"
	    "  \"remaining\": [");
	for (i = 0; i < r->ncand; i++)
		if (r->remain != NULL && r->remain[i]) {
			tl_out_str(o, n++ > 0 ? ", " : "");
			tl_out_json_str(o, name_of(r, i));
		}
	tl_out_str(o, "],\n");
}

/* An n x n matrix by name: {X: {Y: v}}; v < 0 is null (no path). */
void
tl_rep_json_matrix(struct tl_out *o, const struct teller_result *r,
    const char *key, const tl_fix *m)
{
	int x, y, n = r->ncand;

	tl_out_fmt(o, "  \"%s\": {", key);
	for (x = 0; x < n; x++) {
		tl_out_str(o, x > 0 ? ",\n    " : "\n    ");
		tl_out_json_str(o, name_of(r, x));
		tl_out_str(o, ": {");
		for (y = 0; y < n; y++) {
			tl_fix v = m[(size_t)x * (size_t)n + (size_t)y];
			if (y == x)
				continue;
			tl_out_str(o, y > (x == 0) ? ", " : "");
			tl_out_json_str(o, name_of(r, y));
			tl_out_str(o, ": ");
			if (v < 0)
				tl_out_str(o, "null");
			else
				num_str(o, v, r->dp);
		}
		tl_out_str(o, "}");
	}
	tl_out_str(o, "\n  },\n");
}

void
tl_rep_json_set(struct tl_out *o, const struct teller_result *r,
    const char *key, const bool *in)
{
	int i, k = 0;

	tl_out_fmt(o, "  \"%s\": [", key);
	for (i = 0; i < r->ncand; i++)
		if (in[i]) {
			tl_out_str(o, k++ > 0 ? ", " : "");
			tl_out_json_str(o, name_of(r, i));
		}
	tl_out_str(o, "],\n");
}

/* methods.md 1.4 and 6: stopped, pairwise, smith, schwartz, paths,
 * locked -- each only where the method has it. */
static void
pairwise(struct tl_out *o, const struct teller_result *r)
{
	size_t i;

	if (r->stopped != NULL) {
		tl_out_str(o, "  \"stopped\": ");
		tl_out_json_str(o, r->stopped);
		tl_out_str(o, ",\n");
	}
	if (r->pairwise != NULL)
		tl_rep_json_matrix(o, r, "pairwise", r->pairwise);
	if (r->smith != NULL)
		tl_rep_json_set(o, r, "smith", r->smith);
	if (r->schwartz != NULL)
		tl_rep_json_set(o, r, "schwartz", r->schwartz);
	if (r->paths != NULL)
		tl_rep_json_matrix(o, r, "paths", r->paths);
	if (r->locked == NULL)
		return;
	tl_out_str(o, "  \"locked\": [");
	for (i = 0; i < r->locked->len; i++) {
		const struct tl_lock *l =
		    &TL_VEC_AT(r->locked, struct tl_lock, i);
		tl_out_str(o, i > 0 ? ",\n    {\"winner\": " :
		    "\n    {\"winner\": ");
		tl_out_json_str(o, name_of(r, l->winner));
		tl_out_str(o, ", \"loser\": ");
		tl_out_json_str(o, name_of(r, l->loser));
		tl_out_str(o, ", \"margin\": ");
		num_str(o, l->margin, r->dp);
		tl_out_fmt(o, ", \"locked\": %s}", l->locked ? "true" :
		    "false");
	}
	tl_out_str(o, r->locked->len > 0 ? "\n  ],\n" : "],\n");
}

/* methods.md 4.4: the college's sections. */
static void
sections(struct tl_out *o, const struct teller_result *r)
{
	int k;

	if (r->nsect == 0 || r->sect_valid == NULL)
		return;
	tl_out_str(o, "  \"sections\": [");
	for (k = 0; k < r->nsect; k++) {
		tl_out_str(o, k > 0 ? ",\n    " : "\n    ");
		sect_head(o, r, k);
		tl_out_str(o, ", \"valid\": ");
		sect_num(o, r, r->sect_valid[k]);
		tl_out_str(o, ", \"rejected\": {\"unmarked or void for "
		    "uncertainty (no preference for a candidate)\": ");
		sect_num(o, r, r->sect_unmarked[k]);
		tl_out_str(o, ", \"more than one first preference\": ");
		sect_num(o, r, r->sect_over[k]);
		tl_out_str(o, "}}");
	}
	tl_out_str(o, "\n  ],\n");
}

/* The papers, valid papers and votes; "electorate" and "turnout" (per
 * cent, 2 places, half up) only when the count knows the electorate
 * (decl.c). */
static void
papers(struct tl_out *o, const struct teller_result *r)
{
	char t[32];

	num_str(o, r->papers, r->dp);
	tl_out_str(o, ",\n  \"valid_papers\": ");
	num_str(o, r->valid_papers, r->dp);
	tl_out_str(o, ",\n  \"valid\": ");
	num_str(o, r->valid, r->dp);
	if (r->meta != NULL && r->meta->issued > 0)
		tl_out_fmt(o, ",\n  \"ballot_papers_issued\": %lld",
		    (long long)r->meta->issued);
	if (r->electorate <= 0)
		return;
	tl_out_fmt(o, ",\n  \"electorate\": %lld", (long long)r->electorate);
	if (tl_decl_turnout(r, t, sizeof(t)))
		tl_out_fmt(o, ",\n  \"turnout\": \"%s\"", t);
}

/* audit.md 8.4: "closest_calls" (closest.c). */
static int
closest_calls(teller_ctx *ctx, struct tl_out *o,
    const struct teller_result *r)
{
	struct tl_vec *v;
	size_t i;
	int rc;

	if ((rc = tl_closest(ctx, r, &v)) != TELLER_OK)
		return rc;
	tl_out_str(o, "  \"closest_calls\": [");
	for (i = 0; i < v->len; i++) {
		const struct tl_call *c = &TL_VEC_AT(v, struct tl_call, i);
		tl_out_str(o, i > 0 ? ",\n    " : "\n    ");
		tl_out_fmt(o, "{\"stage\": %d, \"decision\": \"%s\", "
		    "\"between\": [", c->stage, tl_closest_name(c->kind));
		tl_out_json_str(o, name_of(r, c->a));
		tl_out_str(o, ", ");
		tl_out_json_str(o, name_of(r, c->b));
		tl_out_str(o, "], \"gap\": ");
		num_str(o, c->gap, r->dp);
		tl_out_fmt(o, ", \"lot\": %s}", c->lot ? "true" : "false");
	}
	tl_out_str(o, v->len > 0 ? "\n  ],\n" : "],\n");
	return TELLER_OK;
}

/* One comparison of "sensitivity" (audit.md 8.4). */
static void
sens_cmp(struct tl_out *o, const struct teller_result *r,
    const struct tl_sens_cmp *c)
{
	int i;

	tl_out_fmt(o, "{\"same_elected\": %s, \"same_order\": %s, "
	    "\"same_exclusions\": %s,\n      \"max_difference\": [",
	    c->same_elected ? "true" : "false",
	    c->same_order ? "true" : "false",
	    c->same_exclusions ? "true" : "false");
	for (i = 0; i < c->ndiff; i++) {
		const struct tl_sens_diff *d = &c->diff[i];
		tl_out_fmt(o, "%s{\"stage\": %d, \"candidate\": ",
		    i > 0 ? ",\n        " : "\n        ", d->stage);
		if (d->cand >= 0)
			tl_out_json_str(o, name_of(r, d->cand));
		else
			tl_out_str(o, "null");
		tl_out_str(o, ", \"difference\": ");
		num_str(o, d->d, TL_SENS_DP);
		tl_out_str(o, "}");
	}
	tl_out_str(o, c->ndiff > 0 ? "\n      ]}" : "]}");
}

/* audit.md 8.4: "sensitivity", with --sensitivity rounding; "parcel"
 * with --rounding parcel too. */
static void
sensitivity(struct tl_out *o, const struct teller_result *r)
{
	if (r->sens == NULL)
		return;
	tl_out_str(o, "  \"sensitivity\": {\n    \"rounding\": ");
	sens_cmp(o, r, &r->sens->rounding);
	if (r->sens->has_parcel) {
		tl_out_str(o, ",\n    \"parcel\": ");
		sens_cmp(o, r, &r->sens->parcel);
	}
	tl_out_str(o, "\n  },\n");
}

int
tl_rep_json(teller_ctx *ctx, const struct teller_result *r,
    teller_write_fn w, void *ud)
{
	struct tl_out o;
	size_t i;
	int k, rc;

	tl_out_init(&o, ctx, w, ud);
	tl_out_str(&o, "{\n  \"generated_by\": \"teller " TELLER_VERSION
	    "\",\n  \"method\": ");
	tl_out_json_str(&o, r->method);
	tl_out_str(&o, ",\n  \"method_title\": ");
	tl_out_json_str(&o, r->method_title);
	tl_out_str(&o, ",\n  \"title\": ");
	tl_out_json_str(&o, r->contest->title);
	tl_out_fmt(&o, ",\n  \"seats\": %d,\n  \"decimal_places\": %d,\n"
	    "  \"seed\": ", r->seats, r->dp);
	tl_out_json_str(&o, r->seed);
	tl_out_str(&o, ",\n  \"candidates\": [");
	for (k = 0; k < r->ncand; k++) {
		const struct tl_cand *c = TL_CAND(r->contest, k);
		tl_out_str(&o, k > 0 ? ",\n    {\"name\": " :
		    "\n    {\"name\": ");
		tl_out_json_str(&o, c->name);
		tl_out_str(&o, ", \"party\": "); /* --meta's description */
		tl_out_json_str(&o, tl_decl_party(r, k));
		if (c->withdrawn)
			tl_out_str(&o, ", \"withdrawn\": true");
		tl_out_str(&o, "}");
	}
	tl_out_str(&o, "\n  ],\n  \"papers\": ");
	papers(&o, r);
	tl_out_str(&o, ",\n  \"quota\": ");
	if (r->has_quota)
		num_str(&o, r->quota, r->dp);
	else
		tl_out_str(&o, "null");
	tl_out_str(&o, ",\n  \"rejected\": ");
	tallies(&o, r, r->rejected);
	tl_out_str(&o, ",\n  \"statistics\": ");
	tallies(&o, r, r->notes);
	tl_out_str(&o, ",\n  \"stages\": [\n");
	for (i = 0; i < r->stages->len; i++) {
		if (i > 0)
			tl_out_str(&o, ",\n");
		stage(&o, r, TL_STAGE(r, i));
	}
	tl_out_str(&o, "\n  ],\n  \"elected\": ");
	names(&o, r, r->elected->data, (int)r->elected->len);
	tl_out_str(&o, ",\n  \"excluded\": ");
	names(&o, r, r->excluded->data, (int)r->excluded->len);
	tl_out_str(&o, ",\n  \"ties\": [");
	for (i = 0; i < r->ties->len; i++) {
		const struct tl_tie *t = &TL_VEC_AT(r->ties, struct tl_tie, i);
		tl_out_str(&o, i > 0 ? ",\n    " : "\n    ");
		tl_out_fmt(&o, "{\"stage\": %d, \"kind\": \"%s\", "
		    "\"resolved_by\": \"%s\", \"tied\": ", t->stage,
		    tiekind_names[t->kind], how_names[t->how]);
		names(&o, r, t->tied, t->ntied);
		tl_out_str(&o, ", \"chosen\": ");
		if (t->chosen >= 0)
			tl_out_json_str(&o, name_of(r, t->chosen));
		else
			tl_out_str(&o, "null");
		if (t->how == TL_TIE_LOT) {
			tl_out_fmt(&o, ", \"lot_source\": \"seed\", "
			    "\"lot_index\": %llu, \"seed\": ",
			    (unsigned long long)t->draw);
			tl_out_json_str(&o, r->seed);
		}
		if (t->how == TL_TIE_HAND && t->draw >= 1 &&
		    t->draw <= (uint64_t)r->nlots) {
			tl_out_fmt(&o, ", \"lot_source\": \"manual\", "
			    "\"lot_number\": %llu, \"lot\": ",
			    (unsigned long long)t->draw);
			tl_out_json_str(&o, r->lots[t->draw - 1]);
		}
		tl_out_str(&o, "}");
	}
	tl_out_str(&o, r->ties->len > 0 ? "\n  ],\n" : "],\n");
	if ((rc = closest_calls(ctx, &o, r)) != TELLER_OK)
		return rc;
	sensitivity(&o, r);
	status(&o, r);
	pairwise(&o, r);
	crosstab(&o, r);
	sections(&o, r);
	tl_out_str(&o, "  \"inputs\": [");
	for (i = 0; i < r->inputs->len; i++) {
		const struct tl_input *in =
		    &TL_VEC_AT(r->inputs, struct tl_input, i);
		tl_out_str(&o, i > 0 ? ",\n    {\"path\": " :
		    "\n    {\"path\": ");
		tl_out_json_str(&o, in->path);
		tl_out_str(&o, ", \"sha256\": ");
		tl_out_json_str(&o, in->sha256);
		tl_out_str(&o, "}");
	}
	tl_out_str(&o, r->inputs->len > 0 ? "\n  ]\n}\n" : "]\n}\n");
	return tl_out_flush(&o);
}
