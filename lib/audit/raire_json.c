/* SPDX-License-Identifier: MIT */
/*
 * raire_json.c -- `teller raire` (audit.md 3.3-3.6): the raire-rs problem
 * JSON of the effective profile, the solution JSON (or SHANGRLA's) of
 * the assertions raire.c finds, and the independent check of a solution
 * file written by teller, raire-rs or raire-java.
 */
#include <stdio.h>
#include <string.h>

#include "ajson.h"
#include "audit.h"

static const char *const audit_names[] = { "OneOnMargin", "OneOnMarginSq",
	"BRAVO", "MACRO" };
static const char *const trim_names[] = { "None", "MinimizeTree",
	"MinimizeAssertions" };

void
teller_raire_opts_init(teller_raire_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->trim = TELLER_TRIM_MINIMIZE_TREE;
}

/* Everything the three entry points share: the count, the effective
 * profile and the winner (local id). */
struct rj {
	teller_ctx *ctx;
	const char *name; /* the solution file's, for its errors */
	const struct teller_contest *c;
	const teller_raire_opts *o;
	teller_result *res;
	struct tl_ab b;
	int winner;
	int64_t auditable;
	struct tl_diff diff;
	char sha[65]; /* the effective profile's canonical hash (audit.md
		       * 4.3), as the manifest's profile:effective */
};

static int
prepare(teller_ctx *ctx, const teller_contest *c, const teller_profile *p,
    const teller_rules *rules, const teller_raire_opts *o, struct rj *j)
{
	const struct tl_method *m = tl_method_find(rules->method);
	int rc, i, w;

	memset(j, 0, sizeof(*j));
	j->ctx = ctx;
	j->c = c;
	j->o = o;
	if (m == NULL || strcmp(m->name, "irv") != 0)
		return tl_fail(ctx, TELLER_ERULE, "raire: RAIRE audits "
		    "single-winner IRV (-m irv), not %s", rules->method);
	if (o->audit < 0 || o->audit > TELLER_RAIRE_MACRO || o->trim < 0 ||
	    o->trim > TELLER_TRIM_MINIMIZE_ASSERTIONS)
		return tl_fail(ctx, TELLER_EINVAL, "raire: bad options");
	if ((rc = teller_count(ctx, c, p, rules, &j->res)) != TELLER_OK ||
	    (rc = tl_ab_build(ctx, c, p, &j->b)) != TELLER_OK)
		return rc;
	w = TL_VEC_AT(j->res->elected, int, 0);
	j->winner = -1;
	for (i = 0; i < j->b.nc; i++)
		if (j->b.cand[i] == w)
			j->winner = i;
	if (j->winner < 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "raire: winner not "
		    "standing");
	if ((rc = teller_canon_sha256(ctx, c, p, rules,
	    TELLER_CANON_EFFECTIVE, j->sha)) != TELLER_OK)
		return rc;
	j->auditable = o->auditable > 0 ? o->auditable : p->total;
	j->diff.cmp = o->cmp;
	j->diff.ud = o->ud;
	j->diff.n = j->auditable;
	return TELLER_OK;
}

static const char *
cname(const struct rj *j, int local)
{
	return TL_CAND(j->c, j->b.cand[local])->name;
}

/* metadata: candidates, contest, riskLimit, teller's own. */
static void
metadata(struct tl_out *o, const struct rj *j)
{
	int i;

	tl_out_str(o, "{\"candidates\":[");
	for (i = 0; i < j->b.nc; i++) {
		if (i > 0)
			tl_out_str(o, ",");
		tl_out_json_str(o, cname(j, i));
	}
	tl_out_str(o, "],\"contest\":");
	tl_out_json_str(o, j->c->title);
	if (j->o->risk_limit != NULL)
		tl_out_fmt(o, ",\"riskLimit\":%s", j->o->risk_limit);
	tl_out_fmt(o, ",\"teller\":{\"version\":\"%s\",\"profile_sha256\":"
	    "\"%s\",\"rules\":{\"method\":\"irv\"}}}", TELLER_VERSION, j->sha);
}

static void
audit(struct tl_out *o, const struct rj *j)
{
	tl_out_fmt(o, "{\"type\":\"%s\"", audit_names[j->o->audit]);
	if (j->o->risk_limit != NULL)
		tl_out_fmt(o, ",\"confidence\":%s", j->o->risk_limit);
	if (j->o->error_inflation != NULL)
		tl_out_fmt(o, ",\"error_inflation_factor\":%s",
		    j->o->error_inflation);
	tl_out_fmt(o, ",\"total_auditable_ballots\":%lld}",
	    (long long)j->auditable);
}

int
teller_raire_problem(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, const teller_rules *rules,
    const teller_raire_opts *opt, teller_write_fn write, void *ud)
{
	struct tl_out o;
	struct rj j;
	size_t i;
	uint32_t k;
	int rc;

	if ((rc = prepare(ctx, c, p, rules, opt, &j)) != TELLER_OK)
		return rc;
	tl_out_init(&o, ctx, write, ud);
	tl_out_str(&o, "{\"metadata\":");
	metadata(&o, &j);
	tl_out_fmt(&o, ",\n\"num_candidates\":%d,\n\"votes\":[", j.b.nc);
	for (i = 0; i < j.b.n; i++) {
		tl_out_fmt(&o, "%s{\"n\":%lld,\"prefs\":[", i ? ",\n" : "\n",
		    (long long)j.b.w[i]);
		for (k = j.b.off[i]; k < j.b.off[i + 1]; k++)
			tl_out_fmt(&o, "%s%d", k > j.b.off[i] ? "," : "",
			    j.b.ids[k]);
		tl_out_str(&o, "]}");
	}
	tl_out_fmt(&o, "],\n\"winner\":%d,\n\"audit\":", j.winner);
	audit(&o, &j);
	tl_out_fmt(&o, ",\n\"trim_algorithm\":\"%s\"}\n",
	    trim_names[opt->trim]);
	return tl_out_flush(&o);
}

/* ",\"difficulty\":D" for tallies (w, l), when the caller computes it. */
static int
difficulty(struct tl_out *o, const struct rj *j, int64_t w, int64_t l)
{
	char buf[64];

	if (j->o->text == NULL)
		return TELLER_OK;
	if (j->o->text(j->o->ud, j->auditable, w, l, buf,
	    sizeof(buf)) != 0)
		return tl_fail(j->ctx, TELLER_EINVAL, "raire: difficulty of "
		    "%lld over %lld cannot be written", (long long)w,
		    (long long)l);
	tl_out_fmt(o, ",\"difficulty\":%s", buf);
	return TELLER_OK;
}

static int
solution(struct tl_out *o, const struct rj *j, const struct tl_raire *r)
{
	int64_t minm = 0;
	size_t i;
	int k, rc;

	tl_out_str(o, "{\"metadata\":");
	metadata(o, j);
	tl_out_str(o, ",\n\"solution\":{\"Ok\":{\"assertions\":[");
	for (i = 0; i < r->n; i++) {
		const struct tl_asrt *a = &r->a[i];

		tl_out_fmt(o, "%s{\"assertion\":{\"type\":\"%s\",\"winner\":"
		    "%d,\"loser\":%d", i ? ",\n" : "\n", a->kind == TL_NEB ?
		    "NEB" : "NEN", a->w, a->l);
		if (a->kind == TL_NEN) {
			tl_out_str(o, ",\"continuing\":[");
			for (k = 0; k < j->b.nc; k++)
				if (a->s >> k & 1)
					tl_out_fmt(o, "%s%d", (a->s &
					    ((1ULL << k) - 1)) ? "," : "", k);
			tl_out_str(o, "]");
		}
		tl_out_str(o, "}");
		if ((rc = difficulty(o, j, a->tw, a->tl)) != TELLER_OK)
			return rc;
		tl_out_fmt(o, ",\"margin\":%lld}", (long long)(a->tw - a->tl));
		if (i == 0 || a->tw - a->tl < minm)
			minm = a->tw - a->tl;
	}
	tl_out_str(o, "]");
	if (r->n > 0 && (rc = difficulty(o, j, r->a[r->hardest].tw,
	    r->a[r->hardest].tl)) != TELLER_OK)
		return rc;
	tl_out_fmt(o, ",\"margin\":%lld,\"winner\":%d,\"num_candidates\":%d,"
	    "\n\"time_to_determine_winners\":{\"work\":%lld,\"seconds\":0.0},"
	    "\n\"time_to_find_assertions\":{\"work\":%lld,\"seconds\":0.0},"
	    "\n\"time_to_trim_assertions\":{\"work\":%lld,\"seconds\":0.0},"
	    "\n\"warning_trim_timed_out\":false}}}\n", (long long)minm,
	    j->winner, j->b.nc, (long long)r->work_winner,
	    (long long)r->work_find, (long long)r->work_trim);
	return TELLER_OK;
}

/* SHANGRLA's assertion JSON (audit.md 3.5): string ids are names; an
 * NEN's already_eliminated is the complement of its continuing set. */
static void
shangrla(struct tl_out *o, const struct rj *j, const struct tl_raire *r)
{
	size_t i;
	int k;
	bool first;

	tl_out_str(o, "{\"parameters\":{");
	if (j->o->risk_limit != NULL)
		tl_out_fmt(o, "\"risk_limit\":%s", j->o->risk_limit);
	tl_out_str(o, "},\n\"audits\":[{\"contest\":");
	tl_out_json_str(o, j->c->title);
	tl_out_str(o, ",\"winner\":");
	tl_out_json_str(o, cname(j, j->winner));
	tl_out_str(o, ",\"eliminated\":[");
	first = true;
	for (k = 0; k < j->b.nc; k++)
		if (k != j->winner) {
			tl_out_str(o, first ? "" : ",");
			tl_out_json_str(o, cname(j, k));
			first = false;
		}
	tl_out_str(o, "],\"assertions\":[");
	for (i = 0; i < r->n; i++) {
		const struct tl_asrt *a = &r->a[i];

		tl_out_str(o, i ? ",\n{\"winner\":" : "\n{\"winner\":");
		tl_out_json_str(o, cname(j, a->w));
		tl_out_str(o, ",\"loser\":");
		tl_out_json_str(o, cname(j, a->l));
		if (a->kind == TL_NEB) {
			tl_out_str(o, ",\"assertion_type\":\"WINNER_ONLY\","
			    "\"already_eliminated\":\"\",\"explanation\":"
			    "\"Rules out outcomes where the winner is "
			    "eliminated before the loser.\"}");
			continue;
		}
		tl_out_str(o, ",\"assertion_type\":\"IRV_ELIMINATION\","
		    "\"already_eliminated\":[");
		first = true;
		for (k = 0; k < j->b.nc; k++)
			if (!(a->s >> k & 1)) {
				tl_out_str(o, first ? "" : ",");
				tl_out_json_str(o, cname(j, k));
				first = false;
			}
		tl_out_str(o, "],\"explanation\":\"Rules out the winner "
		    "being eliminated next while exactly these continue.\"}");
	}
	tl_out_str(o, "]}]}\n");
}

int
teller_raire_solve(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, const teller_rules *rules,
    const teller_raire_opts *opt, teller_write_fn write, void *ud)
{
	struct tl_raire r;
	struct tl_out o;
	struct rj j;
	int rc;

	if ((rc = prepare(ctx, c, p, rules, opt, &j)) != TELLER_OK ||
	    (rc = tl_raire_solve(ctx, &j.b, j.winner, &j.diff, opt->trim,
	    &r)) != TELLER_OK)
		return rc;
	tl_out_init(&o, ctx, write, ud);
	if (opt->shangrla)
		shangrla(&o, &j, &r);
	else if ((rc = solution(&o, &j, &r)) != TELLER_OK)
		return rc;
	return tl_out_flush(&o);
}

/* Is x more difficult than y? (audit.md 3.2: by the caller's order, else
 * the smaller margin.) */
static bool
harder(const struct rj *j, const struct tl_asrt *x, const struct tl_asrt *y)
{
	if (j->o->cmp != NULL)
		return j->o->cmp(j->o->ud, j->auditable, x->tw, x->tl, y->tw,
		    y->tl) > 0;
	return x->tw - x->tl < y->tw - y->tl;
}

/* A stated difficulty v (may be NULL: not stated) against tallies of a,
 * when the caller checks difficulties (audit.md 3.6 item 4); i is the
 * assertion's index, or (size_t)-1 for the solution's own. */
static int
check_diff(const struct rj *j, const struct tl_jv *v, const struct tl_asrt *a,
    size_t i)
{
	char buf[64], what[32];

	if (j->o->same == NULL || v == NULL)
		return TELLER_OK;
	if (i == (size_t)-1)
		snprintf(what, sizeof(what), "the solution");
	else
		snprintf(what, sizeof(what), "assertion %zu", i);
	if (v->t != TL_JNUM)
		return tl_fail_at(j->ctx, TELLER_EPARSE, v->line, v->col,
		    "%s: \"difficulty\" must be a number", what);
	if (j->o->same(j->o->ud, j->auditable, a->tw, a->tl, v->s, v->n))
		return TELLER_OK;
	if (j->o->text == NULL || j->o->text(j->o->ud, j->auditable, a->tw,
	    a->tl, buf, sizeof(buf)) != 0)
		snprintf(buf, sizeof(buf), "another");
	return tl_fail_at(j->ctx, TELLER_EVERIFY, v->line, v->col, "%s (%s "
	    "%s over %s): the ballots give difficulty %s, not the %.*s "
	    "stated", what, a->kind == TL_NEB ? "NEB" : "NEN",
	    cname(j, a->w), cname(j, a->l), buf, (int)v->n, v->s);
}

/* One assertion of a solution file into *a (tallies from the ballots);
 * the stated margin must agree and be positive. */
static int
check_one(const struct rj *j, const struct tl_jv *item, size_t i,
    struct tl_asrt *a)
{
	const struct tl_jv *as = tl_ajson_get(item, "assertion");
	const struct tl_jv *ty = tl_ajson_get(as, "type"), *k;
	int64_t w, l, m, x;

	memset(a, 0, sizeof(*a));
	if (as == NULL || !tl_ajson_int(tl_ajson_get(as, "winner"), &w) ||
	    !tl_ajson_int(tl_ajson_get(as, "loser"), &l) ||
	    !(tl_ajson_is(ty, "NEB") || tl_ajson_is(ty, "NEN")))
		return tl_fail_in(j->ctx, j->name, TELLER_EPARSE,
		    item->line, item->col, "assertion %zu: expected "
		    "{\"assertion\": {\"type\": \"NEB\"|\"NEN\", \"winner\", "
		    "\"loser\"}}", i);
	if (w < 0 || w >= j->b.nc || l < 0 || l >= j->b.nc || w == l)
		return tl_fail_in(j->ctx, j->name, TELLER_EVERIFY,
		    item->line, item->col, "assertion %zu: candidates %lld "
		    "and %lld: not two of the %d candidates", i, (long long)w,
		    (long long)l, j->b.nc);
	a->kind = tl_ajson_is(ty, "NEB") ? TL_NEB : TL_NEN;
	a->w = (int)w;
	a->l = (int)l;
	if (a->kind == TL_NEN) {
		const struct tl_jv *cs = tl_ajson_get(as, "continuing");
		if (cs == NULL || cs->t != TL_JARR)
			return tl_fail_in(j->ctx, j->name, TELLER_EPARSE,
			    item->line, item->col, "assertion %zu: NEN "
			    "without \"continuing\"", i);
		for (k = cs->kid; k != NULL; k = k->next) {
			if (!tl_ajson_int(k, &x) || x < 0 || x >= j->b.nc)
				return tl_fail_in(j->ctx, j->name,
				    TELLER_EVERIFY, k->line, k->col,
				    "assertion %zu: continuing names no "
				    "candidate", i);
			a->s |= 1ULL << x;
		}
		if (!(a->s >> w & 1) || !(a->s >> l & 1))
			return tl_fail_in(j->ctx, j->name, TELLER_EVERIFY,
			    item->line, item->col, "assertion %zu: winner "
			    "and loser must be continuing", i);
	}
	tl_raire_tally(&j->b, a);
	if (tl_ajson_get(item, "margin") != NULL &&
	    (!tl_ajson_int(tl_ajson_get(item, "margin"), &m) ||
	    m != a->tw - a->tl))
		return tl_fail_in(j->ctx, j->name, TELLER_EVERIFY,
		    item->line, item->col, "assertion %zu (%s %s over %s): "
		    "the ballots give margin %lld, not the %.*s stated", i,
		    a->kind == TL_NEB ? "NEB" : "NEN", cname(j, a->w),
		    cname(j, a->l),
		    (long long)(a->tw - a->tl),
		    (int)tl_ajson_get(item, "margin")->n,
		    tl_ajson_get(item, "margin")->s);
	if (a->tw <= a->tl)
		return tl_fail_in(j->ctx, j->name, TELLER_EVERIFY,
		    item->line, item->col, "assertion %zu (%s %s over %s) "
		    "does not hold: margin %lld", i,
		    a->kind == TL_NEB ? "NEB" : "NEN",
		    cname(j, a->w), cname(j, a->l),
		    (long long)(a->tw - a->tl));
	return check_diff(j, tl_ajson_get(item, "difficulty"), a, i);
}

/* "A, B, C" for an elimination order, into buf. */
static void
order_text(const struct rj *j, const int *ord, int n, char *buf,
    size_t cap)
{
	size_t k = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && k + 1 < cap; i++) {
		const char *s = cname(j, ord[i]);
		size_t m = strlen(s);

		if (i > 0 && k + 2 < cap) {
			memcpy(buf + k, ", ", 2);
			k += 2;
		}
		if (m > cap - 1 - k)
			m = cap - 1 - k;
		memcpy(buf + k, s, m);
		k += m;
		buf[k] = '\0';
	}
}

int
teller_raire_check(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, const teller_rules *rules,
    const teller_raire_opts *opt, const char *name, const char *sol,
    size_t len)
{
	const struct tl_jv *ok, *list, *it;
	struct tl_jv *root;
	struct tl_asrt *a;
	struct rj j;
	int order[TL_AB_MAXC], n = 0, rc;
	int64_t work = 0, w;
	size_t i = 0, h;
	char buf[160];

	if ((rc = prepare(ctx, c, p, rules, opt, &j)) != TELLER_OK)
		return rc;
	j.name = name;
	if ((rc = tl_ajson_parse(ctx, name, sol, len, &root)) != TELLER_OK)
		return rc;
	ok = tl_ajson_get(tl_ajson_get(root, "solution"), "Ok");
	list = tl_ajson_get(ok, "assertions");
	if (ok == NULL && tl_ajson_get(tl_ajson_get(root, "solution"),
	    "Err") != NULL)
		return tl_fail_in(ctx, name, TELLER_EVERIFY, 0, 0,
		    "the solution is an error (solution.Err), not "
		    "assertions");
	if (list == NULL || list->t != TL_JARR)
		return tl_fail_in(ctx, name, TELLER_EPARSE, root->line,
		    root->col,
		    "expected {\"solution\": {\"Ok\": {\"assertions\": "
		    "[...]}}}");
	if (tl_ajson_int(tl_ajson_get(ok, "winner"), &w) && w != j.winner)
		return tl_fail_in(ctx, name, TELLER_EVERIFY, 0, 0,
		    "the solution's winner is candidate %lld; the count "
		    "elects %s (%d)",
		    (long long)w, cname(&j, j.winner), j.winner);
	if ((a = tl_alloc(ctx, list->nkid + 1, sizeof(*a))) == NULL)
		return TELLER_ENOMEM;
	for (it = list->kid; it != NULL; it = it->next, i++)
		if ((rc = check_one(&j, it, i, &a[i])) != TELLER_OK)
			return rc;
	/* the solution's difficulty is its hardest assertion's */
	for (i = 1, h = 0; i < list->nkid; i++)
		if (harder(&j, &a[i], &a[h]))
			h = i;
	if (list->nkid > 0 && (rc = check_diff(&j, tl_ajson_get(ok,
	    "difficulty"), &a[h], (size_t)-1)) != TELLER_OK)
		return rc;
	if (!tl_raire_sufficient(j.b.nc, j.winner, a, list->nkid, order, &n,
	    &work)) {
		order_text(&j, order, n, buf, sizeof(buf));
		return tl_fail_in(ctx, name, TELLER_EVERIFY, 0, 0,
		    "not sufficient: no assertion rules out the "
		    "elimination order %s (%s wins)",
		    buf, cname(&j, order[n - 1]));
	}
	return TELLER_OK;
}
