/* SPDX-License-Identifier: MIT */
/*
 * rep_manifest.c -- the reproducibility manifest, teller_manifest: 1
 * (audit.md 4.2): inputs' hashes, the canonical contest and profile
 * hashes, the rules, engine, seed, every lot and the outputs' hashes, in
 * a fixed key order, with no clock time, so that `teller verify` can
 * re-count and byte-compare.
 */
#include <string.h>

#include "tl_int.h"

static const char *const purpose_names[] = { "exclusion", "surplus",
	"election", "order-of-election", "pair-order", "finalist" };

_Static_assert(TL_NELEM(purpose_names) == TL_TIEK_COUNT,
    "purpose_names: one name a kind");

static void
str_or_null(struct tl_out *o, const char *s)
{
	if (s == NULL)
		tl_out_str(o, "null");
	else
		tl_out_json_str(o, s);
}

static void
engine(struct tl_out *o, const teller_manifest_info *m)
{
	int i;

	tl_out_str(o, "{ \"teller_manifest\": 1,\n  \"engine\": { \"name\": "
	    "\"teller\", \"version\": \"" TELLER_VERSION "\", \"commit\": "
	    "null, \"arith\": \"fixed-i64\" },\n  \"invocation\": [");
	for (i = 0; i < m->argc; i++) {
		if (i > 0)
			tl_out_str(o, ", ");
		tl_out_json_str(o, m->argv[i]);
	}
	tl_out_str(o, "],\n  \"date\": ");
	str_or_null(o, m->date);
}

static void
files(struct tl_out *o, const teller_manifest_file *f, int n, bool in)
{
	int i;

	tl_out_str(o, "[");
	for (i = 0; i < n; i++) {
		tl_out_str(o, i > 0 ? ",\n    { \"path\": " : "\n    { "
		    "\"path\": ");
		tl_out_json_str(o, f[i].path);
		if (in) {
			tl_out_str(o, ", \"role\": ");
			tl_out_json_str(o, f[i].kind != NULL ? f[i].kind :
			    "ballots");
			tl_out_str(o, ", \"format\": ");
			str_or_null(o, f[i].format);
			tl_out_fmt(o, ", \"bytes\": %llu",
			    (unsigned long long)f[i].bytes);
			if (f[i].section != NULL) {
				tl_out_str(o, ", \"section\": ");
				tl_out_json_str(o, f[i].section);
			}
		} else {
			tl_out_str(o, ", \"writer\": ");
			tl_out_json_str(o, f[i].kind);
			tl_out_str(o, ", \"options\": {");
			if (f[i].lang != NULL) {
				tl_out_str(o, " \"lang\": ");
				tl_out_json_str(o, f[i].lang);
			}
			if (f[i].layout != NULL) {
				tl_out_str(o, f[i].lang != NULL ? ", " : " ");
				tl_out_str(o, "\"layout\": ");
				tl_out_json_str(o, f[i].layout);
			}
			tl_out_str(o, f[i].lang != NULL || f[i].layout != NULL ?
			    " }" : "}");
		}
		tl_out_str(o, ", \"sha256\": ");
		tl_out_json_str(o, f[i].sha256 != NULL ? f[i].sha256 : "");
		tl_out_str(o, " }");
	}
	tl_out_str(o, n > 0 ? " ]" : "]");
}

static int
contest(teller_ctx *ctx, struct tl_out *o, const struct teller_contest *c)
{
	char h[65];
	int i, rc, n = 0;

	if ((rc = teller_canon_sha256(ctx, c, NULL, NULL,
	    TELLER_CANON_CONTEST, h)) != TELLER_OK)
		return rc;
	tl_out_str(o, ",\n  \"contest\": { \"title\": ");
	tl_out_json_str(o, c->title);
	tl_out_fmt(o, ", \"seats\": %d,\n    \"candidates\": [", c->seats);
	for (i = 0; i < c->ncand; i++) {
		const struct tl_cand *cd = TL_CAND(c, i);
		if (cd->writein)
			continue;
		tl_out_str(o, n++ > 0 ? ",\n      { \"name\": " :
		    "\n      { \"name\": ");
		tl_out_json_str(o, cd->name);
		tl_out_str(o, ", \"party\": ");
		tl_out_json_str(o, cd->party);
		tl_out_fmt(o, ", \"withdrawn\": %s }", cd->withdrawn ? "true" :
		    "false");
	}
	tl_out_fmt(o, " ],\n    \"sha256\": \"%s\" }", h);
	return TELLER_OK;
}

static int
profile(teller_ctx *ctx, struct tl_out *o, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const struct teller_result *r)
{
	char hm[65], he[65], num[TL_NUM_BUFSZ];
	size_t npat = 0, n;
	int rc;

	if ((rc = tl_canon_profiles(ctx, c, p, rules, hm, he, &npat)))
		return rc;
	/* a canonical decimal: no trailing fractional zeros */
	n = tl_num_fmt(num, r->papers, r->dp);
	if (r->dp > 0) {
		while (n > 0 && num[n - 1] == '0')
			n--;
		if (n > 0 && num[n - 1] == '.')
			n--;
		num[n] = '\0';
	}
	tl_out_str(o, ",\n  \"profile\": { \"canon\": \"teller-profile/1\", "
	    "\"papers\": ");
	tl_out_json_str(o, num);
	tl_out_fmt(o, ", \"patterns\": %zu,\n    \"sha256_marked\": \"%s\",\n"
	    "    \"sha256_effective\": \"%s\",\n    \"sha256_ballot_ids\": "
	    "null }", npat, hm, he);
	return TELLER_OK;
}

static int
rules_obj(teller_ctx *ctx, struct tl_out *o, const struct teller_contest *c,
    const teller_rules *rules, const struct teller_result *r)
{
	char h[65];
	int rc;

	if ((rc = teller_canon_sha256(ctx, c, NULL, rules,
	    TELLER_CANON_RULES, h)) != TELLER_OK)
		return rc;
	tl_out_str(o, ",\n  \"rules\": { \"method\": ");
	tl_out_json_str(o, r->method);
	tl_out_str(o, ", \"citation\": ");
	tl_out_json_str(o, r->method_title);
	tl_out_str(o, ",\n    \"options\": ");
	tl_canon_rules_options(o, c, rules);
	tl_out_fmt(o, ",\n    \"sha256\": \"%s\" }", h);
	tl_out_str(o, ",\n  \"randomness\": { \"rng\": \"rivest-sha256\", "
	    "\"seed\": ");
	tl_out_json_str(o, r->seed);
	return TELLER_OK;
}

/* The names of a hand lot's spec "STAGE:A<B<..." as a JSON array. */
static void
spec_order(struct tl_out *o, const char *spec)
{
	const char *p = strchr(spec, ':'), *e;

	tl_out_str(o, "[");
	for (p = p != NULL ? p + 1 : spec;; p = e + 1) {
		char name[512];
		size_t n;
		e = strchr(p, '<');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, p, n);
		name[n] = '\0';
		if (p != strchr(spec, ':') + 1)
			tl_out_str(o, ", ");
		tl_out_json_str(o, name);
		if (e == NULL)
			break;
	}
	tl_out_str(o, "]");
}

/* A seeded or tie-order lot's outcome, most favoured last: the one it
 * went against first (exclusion), or the one it favoured last. */
static void
drawn_order(struct tl_out *o, const struct teller_result *r,
    const struct tl_tie *t)
{
	bool against = t->kind == TL_TIEK_EXCLUDE;
	int i, n = 0;

	tl_out_str(o, "[");
	if (against)
		tl_out_json_str(o, TL_CAND(r->contest, t->chosen)->name), n++;
	for (i = 0; i < t->ntied; i++) {
		if (t->tied[i] == t->chosen)
			continue;
		if (n++ > 0)
			tl_out_str(o, ", ");
		tl_out_json_str(o, TL_CAND(r->contest, t->tied[i])->name);
	}
	if (!against) {
		if (n > 0)
			tl_out_str(o, ", ");
		tl_out_json_str(o, TL_CAND(r->contest, t->chosen)->name);
	}
	tl_out_str(o, "]");
}

static void
lots(struct tl_out *o, const struct teller_result *r)
{
	size_t i;
	int n = 0, k, draws = 0;

	for (i = 0; i < r->ties->len; i++)
		draws += TL_VEC_AT(r->ties, struct tl_tie, i).how == TL_TIE_LOT;
	tl_out_fmt(o, ", \"draws\": %d },\n  \"lots\": [", draws);
	for (i = 0; i < r->ties->len; i++) {
		const struct tl_tie *t = &TL_VEC_AT(r->ties, struct tl_tie, i);
		const char *src = t->how == TL_TIE_LOT ? "seed" :
		    t->how == TL_TIE_HAND ? "manual" :
		    t->how == TL_TIE_TIEORDER ? "config" : NULL;
		if (src == NULL)
			continue;
		tl_out_fmt(o, "%s{ \"n\": %d, \"stage\": %d, \"purpose\": "
		    "\"%s\", \"tied\": [", n > 0 ? ",\n    " : "\n    ", n + 1,
		    t->stage, purpose_names[t->kind]);
		n++;
		for (k = 0; k < t->ntied; k++) {
			if (k > 0)
				tl_out_str(o, ", ");
			tl_out_json_str(o, TL_CAND(r->contest,
			    t->tied[k])->name);
		}
		tl_out_fmt(o, "], \"rule\": null, \"source\": \"%s\", "
		    "\"evidence\": null,\n      \"order\": ", src);
		if (t->how == TL_TIE_HAND && t->draw >= 1 &&
		    t->draw <= (uint64_t)r->nlots)
			spec_order(o, r->lots[t->draw - 1]);
		else
			drawn_order(o, r, t);
		tl_out_str(o, " }");
	}
	tl_out_str(o, n > 0 ? " ]" : "]");
}

static int
result(teller_ctx *ctx, struct tl_out *o, const struct teller_result *r)
{
	struct tl_sha256 s;
	char h[65];
	size_t i;
	int rc;

	tl_sha256_init(&s);
	if ((rc = tl_rep_json(ctx, r, tl_canon_hash_write, &s)) != TELLER_OK)
		return rc;
	tl_sha256_hex(&s, h);
	tl_out_str(o, ",\n  \"result\": { \"elected\": [");
	for (i = 0; i < r->elected->len; i++) {
		if (i > 0)
			tl_out_str(o, ", ");
		tl_out_json_str(o, TL_CAND(r->contest,
		    TL_VEC_AT(r->elected, int, i))->name);
	}
	tl_out_fmt(o, "], \"sha256\": \"%s\" }", h);
	return TELLER_OK;
}

int
teller_manifest_write(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, const teller_rules *rules,
    const teller_result *r, const teller_manifest_info *m,
    teller_write_fn write, void *ud)
{
	struct tl_out o;
	int rc;

	tl_out_init(&o, ctx, write, ud);
	engine(&o, m);
	tl_out_str(&o, ",\n  \"inputs\": ");
	files(&o, m->inputs, m->ninputs, true);
	if ((rc = contest(ctx, &o, c)) != TELLER_OK ||
	    (rc = profile(ctx, &o, c, p, rules, r)) != TELLER_OK ||
	    (rc = rules_obj(ctx, &o, c, rules, r)) != TELLER_OK)
		return rc;
	lots(&o, r);
	if ((rc = result(ctx, &o, r)) != TELLER_OK)
		return rc;
	tl_out_str(&o, ",\n  \"outputs\": ");
	files(&o, m->outputs, m->noutputs, false);
	tl_out_str(&o, " }\n");
	return tl_out_flush(&o);
}
