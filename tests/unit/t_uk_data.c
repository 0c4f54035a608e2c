/* SPDX-License-Identifier: MIT */
/*
 * t_uk_data.c -- real UK results from $SHARED/data/uk (read in place with
 * jansson): ballots are built from the published totals and counted, and
 * the published stage totals and winners must come out. SV: Tower Hamlets
 * mayor 2014, London mayor 2021. FPTP and block: the Tower Hamlets wards
 * and by-elections, Merton & Wandsworth 2016. London 2021 also in full:
 * the declaration's second-preference statistics over all papers.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include <jansson.h>

#include "harness.h"
#include "tl_int.h"
#include "testlib.h"

static char dir[4096];

/* Load $SHARED/data/uk/name, or NULL (a failure is recorded). */
static json_t *
load(const char *name)
{
	char path[4200];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	j = json_load_file(path, 0, &e);
	CHECK(j != NULL, "%s: %s (line %d)", path, e.text, e.line);
	return j;
}

/* Integer field (a JSON integer), or -1. */
static long long
num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

struct build {
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	const json_t *cands;
	int n;
};

/* A context, contest (names and parties in file order) and empty
 * profile for the file's candidates. */
static int
build_new(struct build *b, const json_t *root)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	b->cands = json_object_get(root, "candidates");
	if (!json_is_array(b->cands) || teller_ctx_new(NULL, &b->ctx) != 0)
		return -1;
	b->c = tl_contest_new(b->ctx);
	for (i = 0; i < json_array_size(b->cands); i++) {
		const json_t *cd = json_array_get(b->cands, i);
		const char *nm = json_string_value(json_object_get(cd, "name"));
		const char *pt = json_string_value(json_object_get(cd,
		    "party"));
		if (nm == NULL || tl_contest_add(b->ctx, b->c, nm, strlen(nm),
		    pt, pt != NULL ? strlen(pt) : 0) < 0)
			return -1;
	}
	b->n = b->c->ncand;
	b->p = tl_profile_new(b->ctx, b->n);
	return b->p != NULL ? 0 : -1;
}

/* Load $SHARED/data/uk/file and build_new from it; NULL (a failure
 * recorded, nothing left to free) if either fails or the file has more
 * than maxc candidates. The caller frees b->ctx and the JSON. */
static json_t *
load_build(const char *file, struct build *b, int maxc)
{
	json_t *root = load(file);

	if (root == NULL)
		return NULL;
	if (build_new(b, root) != 0 || b->n > maxc) {
		CHECK(0, "%s: cannot build", file);
		teller_ctx_free(b->ctx);
		json_decref(root);
		return NULL;
	}
	return root;
}

/* Add a ballot: ranks given as lists of ids, -1 ends a rank, -2 ends
 * the ballot: {a, -1, b, -1, -2} is "a then b". */
static void
add(struct build *b, const int *spec, long long w)
{
	tl_cid marks[64];
	int n = 0;

	if (w <= 0)
		return;
	if (tl_profile_begin(b->ctx, b->p) != TELLER_OK)
		abort();
	for (; *spec != -2; spec++) {
		if (*spec == -1) {
			if (tl_profile_rank(b->ctx, b->p, marks, n) != 0)
				abort();
			n = 0;
		} else {
			marks[n++] = (tl_cid)*spec;
		}
	}
	if (tl_profile_end(b->ctx, b->p, (int64_t)w) != TELLER_OK)
		abort();
}

/* Papers rejected on the first preference, as many as rej (a totals
 * "rejected_first" object) has under each head: two first marks
 * ("voting_for_too_many"), no mark ("unmarked"), a second mark only
 * ("uncertain"). A missing head adds none. */
static void
add_rejected_first(struct build *b, const json_t *rej)
{
	int two[] = { 0, 1, -1, -2 }, none[] = { -2 };
	int second_only[] = { -1, 1, -1, -2 };

	add(b, two, num(rej, "voting_for_too_many"));
	add(b, none, num(rej, "unmarked"));
	add(b, second_only, num(rej, "uncertain"));
}

static teller_result *
count(struct build *b, const char *method, int seats)
{
	teller_rules ru;
	teller_result *r = NULL;
	int rc;

	teller_rules_init(&ru, method);
	ru.seats = seats;
	rc = teller_count(b->ctx, b->c, b->p, &ru, &r);
	CHECK(rc == TELLER_OK, "%s: %s", method, teller_errmsg(b->ctx));
	return rc == TELLER_OK ? r : NULL;
}

/*
 * An SV contest. The candidates with `second_transfer` remain. Their
 * first preferences are papers with no second preference. The other
 * candidates' papers are dealt, in file order, first to fill each
 * remaining candidate's published transfer, and the rest are made
 * non-transferable in turn: same as first, for another eliminated
 * candidate, two second marks, no second mark. London's rejected papers
 * under the three heads a profile can hold are added too.
 */
static void
sv_file(const char *file)
{
	struct build b;
	json_t *root = load_build(file, &b, 64);
	const json_t *tot, *rej;
	teller_result *r;
	long long need[64], first[64], final[64], elim = 0, nt = 0;
	bool remain[64];
	int rids[2] = { -1, -1 }, nr = 0, i, kind = 0;
	const char *winner;

	if (root == NULL)
		return;
	tot = json_object_get(root, "totals");
	winner = json_string_value(json_object_get(json_object_get(root,
	    "outcome"), "winner"));
	for (i = 0; i < b.n; i++) {
		const json_t *cd = json_array_get(b.cands, (size_t)i);
		first[i] = num(cd, "first");
		need[i] = num(cd, "second_transfer");
		final[i] = num(cd, "final");
		remain[i] = need[i] >= 0;
		if (remain[i] && nr < 2)
			rids[nr++] = i;
		if (remain[i]) {
			int s[] = { i, -1, -2 };
			add(&b, s, first[i]);
		} else {
			elim += first[i];
		}
	}
	CHECK_INT(nr, 2);
	for (i = 0; i < b.n && nr == 2; i++) {
		long long left = first[i], t;
		int j, other = -1;

		if (remain[i])
			continue;
		for (j = 0; j < b.n; j++)
			if (!remain[j] && j != i)
				other = j;
		for (j = 0; j < 2; j++) {
			int s[] = { i, -1, rids[j], -1, -2 };
			t = left < need[rids[j]] ? left : need[rids[j]];
			add(&b, s, t);
			need[rids[j]] -= t;
			left -= t;
		}
		nt += left;
		/* the rest do not transfer: one kind per candidate */
		switch (kind++ % 4) {
		case 0: {
			int s[] = { i, -1, i, -1, -2 };
			add(&b, s, left);
			break;
		}
		case 1: {
			int s[] = { i, -1, other, -1, rids[0], -1, -2 };
			add(&b, s, left);
			break;
		}
		case 2: {
			int s[] = { i, -1, rids[0], rids[1], -1, -2 };
			add(&b, s, left);
			break;
		}
		default: {
			int s[] = { i, -1, -2 };
			add(&b, s, left);
			break;
		}
		}
	}
	CHECK(need[rids[0]] == 0 && need[rids[1]] == 0, "%s: transfers "
	    "could not be dealt", file);
	CHECK_INT(nt, num(tot, "not_transferred"));
	CHECK_INT(elim, num(tot, "eliminated_first_preferences"));
	rej = json_object_get(tot, "rejected_first");
	if (json_is_object(rej))
		add_rejected_first(&b, rej);

	r = count(&b, "sv", 0);
	if (r != NULL) {
		const struct tl_stage *s1 = TL_STAGE(r, 0), *s2;
		CHECK_INT(r->valid, num(tot, "valid_first_preferences"));
		CHECK_INT(r->stages->len, 2);
		for (i = 0; i < b.n; i++)
			CHECK(s1->votes[i] == first[i], "%s: stage 1 %s: %lld "
			    "!= %lld", file, TL_CAND(b.c, i)->name,
			    (long long)s1->votes[i], first[i]);
		if (r->stages->len == 2) {
			s2 = TL_STAGE(r, 1);
			CHECK_INT(s2->kind, TL_STAGE_SECOND);
			for (i = 0; i < b.n; i++)
				CHECK(s2->votes[i] == (remain[i] ? final[i] :
				    0), "%s: stage 2 %s: %lld", file,
				    TL_CAND(b.c, i)->name,
				    (long long)s2->votes[i]);
			CHECK_INT(s2->nontrans, num(tot, "not_transferred"));
			CHECK_INT(s2->nexcluded, b.n - 2);
		}
		CHECK_INT(r->elected->len, 1);
		CHECK_STR(teller_result_elected(r, 0) ? teller_result_elected(r,
		    0) : "", winner ? winner : "?");
		CHECK_INT(r->ties->len, 0);
		if (json_is_object(rej)) {
			CHECK_INT(tt_tally(r, true, "voting for more than one "
			    "candidate as to the first preference vote"),
			    num(rej, "voting_for_too_many"));
			CHECK_INT(tt_tally(r, true, "unmarked or void for "
			    "uncertainty as to the first preference vote"),
			    num(rej, "unmarked") + num(rej, "uncertain"));
			CHECK_INT(tt_tally(r, false, "rejected first "
			    "preference, of which unmarked"), num(rej,
			    "unmarked"));
		}
		{
			static const char *const heads[] = {
				"second preference unmarked",
				"second preference same as first",
				"second preference for an eliminated candidate",
				"rejected on second preference, voting for too "
				"many",
				"rejected on second preference, void for "
				"uncertainty",
				NULL
			};
			char name[200];
			long long sum = 0;

			for (i = 0; heads[i] != NULL; i++) {
				snprintf(name, sizeof(name), "not transferred: "
				    "%s", heads[i]);
				CHECK(tt_tally(r, false, name) >= 0, "%s",
				    name);
				sum += tt_tally(r, false, name);
			}
			CHECK_INT(sum, num(tot, "not_transferred"));
		}
	}
	teller_ctx_free(b.ctx);
	json_decref(root);
}

/*
 * An FPTP or block contest: papers built so that each candidate's votes
 * are the published `votes`: repeatedly one paper marking the `seats`
 * candidates with most votes left (weight: the least of theirs), then
 * single marks; plus papers the statute rejects, which must change
 * nothing (Merton & Wandsworth: its published heads).
 */
static void
plurality_file(const char *file)
{
	struct build b;
	json_t *root = load_build(file, &b, 64);
	const json_t *rej;
	teller_result *r;
	long long left[64], votes[64];
	int seats, i, j, pass;
	const char *sys;

	if (root == NULL)
		return;
	seats = (int)num(root, "seats");
	sys = json_string_value(json_object_get(root, "system"));
	for (i = 0; i < b.n; i++)
		votes[i] = left[i] = num(json_array_get(b.cands, (size_t)i),
		    "votes");
	for (pass = 0; seats > 1 && pass < b.n; pass++) {
		int top[64], spec[130], n = 0, k;
		long long w = -1;

		for (k = 0; k < seats; k++) {
			int best = -1;
			for (i = 0; i < b.n; i++) {
				bool used = false;
				for (j = 0; j < k; j++)
					used |= top[j] == i;
				if (!used && left[i] > 0 &&
				    (best < 0 || left[i] > left[best]))
					best = i;
			}
			if (best < 0)
				break;
			top[k] = best;
			if (w < 0 || left[best] < w)
				w = left[best];
		}
		if (k < seats)
			break;
		for (k = 0; k < seats; k++) {
			spec[n++] = top[k];
			spec[n++] = -1;
			left[top[k]] -= w;
		}
		spec[n] = -2;
		add(&b, spec, w);
	}
	for (i = 0; i < b.n; i++) {
		int s[] = { i, -1, -2 };
		add(&b, s, left[i]);
	}
	rej = json_object_get(root, "rejected_by_head");
	{
		int too[130], none[] = { -2 }, n = 0;
		long long ntoo = json_is_object(rej) ? num(rej,
		    "voting_for_more_candidates_than_entitled") : 7;
		long long nvoid = json_is_object(rej) ? num(rej,
		    "unmarked_or_wholly_void_for_uncertainty") : 3;
		for (i = 0; i <= seats && i < b.n; i++) {
			too[n++] = i;
			too[n++] = -1;
		}
		too[n] = -2;
		add(&b, too, ntoo);
		add(&b, none, nvoid);

		for (pass = 0; pass < 2; pass++) {
			const char *m = pass == 0 ? (strcmp(sys, "block") == 0
			    ? "block" : "fptp") : "block";
			size_t e;

			r = count(&b, m, seats);
			if (r == NULL)
				continue;
			CHECK_INT(r->stages->len, 1);
			for (i = 0; i < b.n && r->stages->len > 0; i++)
				CHECK(TL_STAGE(r, 0)->votes[i] == votes[i],
				    "%s: %s: %lld != %lld", file,
				    TL_CAND(b.c, i)->name,
				    (long long)TL_STAGE(r, 0)->votes[i],
				    votes[i]);
			CHECK_INT(r->elected->len, seats);
			for (e = 0; e < r->elected->len; e++) {
				int id = TL_VEC_AT(r->elected, int, e);
				CHECK(json_is_true(json_object_get(
				    json_array_get(b.cands, (size_t)id),
				    "elected")), "%s: %s elected", file,
				    TL_CAND(b.c, id)->name);
			}
			CHECK_INT(r->ties->len, 0);
			CHECK_INT(tt_tally(r, true, "voting for more "
			    "candidates than entitled"), ntoo);
			CHECK_INT(tt_tally(r, true, "unmarked or wholly void "
			    "for uncertainty"), nvoid);
			if (num(json_object_get(root, "totals"),
			    "valid_votes") >= 0 && seats == 1)
				CHECK_INT(r->valid, num(json_object_get(root,
				    "totals"), "valid_votes"));
		}
	}
	teller_ctx_free(b.ctx);
	json_decref(root);
}

/*
 * London 2021 in full: besides the stage totals, the GLRO declaration's
 * second column over all valid papers (good 2,203,377, of which 265,343
 * same as first; unmarked 319,978; rejected 965 uncertain and 7,037 too
 * many) and each candidate's second-choice marks. Papers are dealt as a
 * first x second table: the transfers first, then the same-as-first
 * papers, then the remaining candidates' columns from each other's rows,
 * then everything else row by row. An uncertain mark is a mark for a
 * write-in pseudo-candidate added after the real ones.
 */
static void
london_full(void)
{
	enum { MAXC = 24 };
	struct build b;
	json_t *root = load_build("london_mayor_2021.json", &b, MAXC - 1);
	const json_t *tot, *unused, *rej2;
	teller_result *r;
	static long long w[MAXC][MAXC + 3];
	long long rowrem[MAXC], colrem[MAXC + 3], need[MAXC], diag, t;
	bool rem[MAXC];
	int n, i, j, q, unc, blank, many, ok = 1;

	if (root == NULL)
		return;
	n = b.n;
	unc = tl_contest_add(b.ctx, b.c, "?", 1, NULL, 0);
	TL_CAND(b.c, unc)->writein = true;
	b.p = tl_profile_new(b.ctx, b.c->ncand);
	tot = json_object_get(root, "totals");
	unused = json_object_get(tot, "second_preference_unused");
	rej2 = json_object_get(tot, "second_preference_rejected");
	blank = n;
	many = n + 2;
	memset(w, 0, sizeof(w));
	for (i = 0; i < n; i++) {
		const json_t *cd = json_array_get(b.cands, (size_t)i);
		rowrem[i] = num(cd, "first");
		colrem[i] = num(cd, "all_second_choice_marks");
		need[i] = num(cd, "second_transfer");
		rem[i] = need[i] >= 0;
	}
	colrem[blank] = num(unused, "unmarked");
	colrem[n + 1] = num(rej2, "uncertain");
	colrem[many] = num(rej2, "voting_for_too_many");
	diag = num(tot, "second_same_as_first");
	/* the transfers: eliminated rows into the remaining columns */
	for (i = 0; i < n; i++)
		for (j = 0; j < n && !rem[i]; j++) {
			if (!rem[j])
				continue;
			t = rowrem[i] < need[j] ? rowrem[i] : need[j];
			w[i][j] += t;
			rowrem[i] -= t;
			colrem[j] -= t;
			need[j] -= t;
		}
	/* same as first: remaining candidates first */
	for (q = 0; q < 2; q++)
		for (i = 0; i < n; i++) {
			if (rem[i] != (q == 0))
				continue;
			t = rowrem[i] < colrem[i] ? rowrem[i] : colrem[i];
			t = t < diag ? t : diag;
			w[i][i] += t;
			rowrem[i] -= t;
			colrem[i] -= t;
			diag -= t;
		}
	/* the rest of the remaining columns, from the other remaining rows */
	for (j = 0; j < n; j++)
		for (i = 0; i < n && rem[j]; i++) {
			if (!rem[i] || i == j)
				continue;
			t = rowrem[i] < colrem[j] ? rowrem[i] : colrem[j];
			w[i][j] += t;
			rowrem[i] -= t;
			colrem[j] -= t;
		}
	/* everything else: eliminated rows first */
	for (q = 0; q < 2; q++)
		for (i = 0; i < n; i++) {
			if (rem[i] != (q == 1))
				continue;
			for (j = 0; j < n + 3; j++) {
				if (j == i || (j < n && rem[j]))
					continue;
				t = rowrem[i] < colrem[j] ? rowrem[i]
				    : colrem[j];
				w[i][j] += t;
				rowrem[i] -= t;
				colrem[j] -= t;
			}
		}
	for (i = 0; i < n; i++)
		ok &= rowrem[i] == 0 && need[i] <= 0;
	for (j = 0; j < n + 3; j++)
		ok &= colrem[j] == 0;
	ok &= diag == 0;
	CHECK(ok, "london: the published figures could not be dealt");
	for (i = 0; i < n; i++)
		for (j = 0; j < n + 3; j++) {
			int s2[] = { i, -1, j < n ? j : unc, -1, -2 };
			int s1[] = { i, -1, -2 };
			int s3[] = { i, -1, 0, 1, -1, -2 };
			add(&b, j == blank ? s1 : j == many ? s3 : s2, w[i][j]);
		}
	add_rejected_first(&b, json_object_get(tot, "rejected_first"));
	r = count(&b, "sv", 0);
	if (r != NULL && r->stages->len == 2) {
		CHECK_INT(r->valid, num(tot, "valid_first_preferences"));
		for (i = 0; i < n; i++) {
			const json_t *cd = json_array_get(b.cands, (size_t)i);
			CHECK_INT(TL_STAGE(r, 0)->votes[i], num(cd, "first"));
			CHECK_INT(TL_STAGE(r, 1)->votes[i], rem[i] ?
			    num(cd, "final") : 0);
		}
		CHECK_INT(TL_STAGE(r, 1)->nontrans, num(tot,
		    "not_transferred"));
		CHECK_STR(teller_result_elected(r, 0), "Sadiq Aman KHAN");
		CHECK_INT(tt_tally(r, false, "all valid papers: second "
		    "preference good"), num(tot, "second_preference_good"));
		CHECK_INT(tt_tally(r, false, "all valid papers: second "
		    "preference good, of which same as first"), num(tot,
		    "second_same_as_first"));
		CHECK_INT(tt_tally(r, false, "all valid papers: second "
		    "preference unmarked"), num(unused, "unmarked"));
		CHECK_INT(tt_tally(r, false, "all valid papers: second "
		    "preference rejected, void for uncertainty"), num(rej2,
		    "uncertain"));
		CHECK_INT(tt_tally(r, false, "all valid papers: second "
		    "preference rejected, voting for too many"), num(rej2,
		    "voting_for_too_many"));
	} else {
		CHECK(0, "london: no two-stage result");
	}
	teller_ctx_free(b.ctx);
	json_decref(root);
}

int
main(void)
{
	const char *sh = getenv("SHARED");
	struct stat st;
	static const char *const plur[] = {
		"th_council_2014_blackwall_cubitt_town.json",
		"th_council_2014_poplar.json",
		"th_council_2014_limehouse.json",
		"th_byelection_2019_shadwell.json",
		"th_byelection_2019_lansbury.json",
		"gla_merton_wandsworth_2016.json",
		NULL
	};
	int i;

	snprintf(dir, sizeof(dir), "%s/data/uk",
	    sh != NULL && *sh ? sh : "../shared");
	if (stat(dir, &st) != 0) {
		printf("SKIP: ../shared not found\n");
		printf("0 passed, 0 failed\n");
		return 0;
	}
	sv_file("th_mayor_2014.json");
	sv_file("london_mayor_2021.json");
	london_full();
	for (i = 0; plur[i] != NULL; i++)
		plurality_file(plur[i]);
	return h_done();
}
