/* SPDX-License-Identifier: MIT */
/*
 * t_cvr_readers.c -- the Dominion, CDF, Clear Ballot and Hart CVR readers
 * against RCTab's own cases in $SHARED/data/rctab (record counts, no-
 * ranking records and round-1 tallies from the expected reports), plus
 * hostile inputs written to /tmp that must fail with the right code and
 * a position.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "harness.h"
#include "rctab_cvr.h"

#define MAXC 64

/* Round-1 simulation state for one case. */
struct acc {
	int ncand;
	const char *names[MAXC];
	const char *alias[MAXC * 8]; /* alias -> names[aliasof[i]] */
	int aliasof[MAXC * 8];
	int nalias;
	bool excluded[MAXC];
	const char *uwi_label;
	long tally[MAXC + 1]; /* + Undeclared Write-ins */
	bool uwi_used;
	long records, undervotes, overvotes, skipped, exhausted, repeated;
	long unknown;
	char first_unknown[128];
	int max_skipped;     /* -1 unlimited */
	bool skip_overvote;  /* alwaysSkipToNextRank */
	bool exhaust_dup;    /* exhaustOnDuplicateCandidate */
	bool ids_ok;         /* every record had a computed ID */
};

/* Candidate index of raw string s, ncand for the write-in, -1 overvote
 * label, -2 unknown. */
static int
lookup(struct acc *a, const char *s)
{
	int i;

	if (strcmp(s, TL_CVR_OVERVOTE) == 0)
		return -1;
	if (strcmp(s, TL_CVR_UWI) == 0)
		return a->ncand;
	for (i = 0; i < a->ncand; i++)
		if (strcmp(s, a->names[i]) == 0)
			return i;
	for (i = 0; i < a->nalias; i++)
		if (strcmp(s, a->alias[i]) == 0)
			return a->aliasof[i];
	return -2;
}

/* docs/rctab.md section 4.3 for round 1 only (no one eliminated yet). */
static int
on_cvr(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	struct acc *a = ud;
	int last = 0, i, j, k;
	const char *seen[256];
	int nseen = 0;

	(void)ctx;
	a->records++;
	if (r->computed_id == NULL || r->computed_id[0] == '\0')
		a->ids_ok = false;
	if (r->nslots == 0) {
		a->undervotes++;
		return TELLER_OK;
	}
	for (i = 0; i < r->nslots; i++) {
		const struct tl_cvr_slot *sl = &r->slots[i];
		bool lastslot = i == r->nslots - 1;

		for (j = 0; j < sl->n; j++)
			if (lookup(a, sl->cands[j]) == -2) {
				if (a->unknown++ == 0)
					snprintf(a->first_unknown,
					    sizeof(a->first_unknown), "%s",
					    sl->cands[j]);
			}
		if (a->max_skipped >= 0 &&
		    sl->rank - last > a->max_skipped + 1) {
			a->skipped++;
			return TELLER_OK;
		}
		last = sl->rank;
		if (a->exhaust_dup) {
			for (j = 0; j < sl->n; j++) {
				for (k = 0; k < nseen; k++)
					if (strcmp(seen[k], sl->cands[j]) == 0) {
						a->repeated++;
						return TELLER_OK;
					}
				if (nseen < 256)
					seen[nseen++] = sl->cands[j];
			}
		}
		if (sl->n > 1 || lookup(a, sl->cands[0]) == -1) {
			if (!a->skip_overvote) {
				a->overvotes++;
				return TELLER_OK;
			}
			if (lastslot) {
				a->exhausted++;
				return TELLER_OK;
			}
			continue;
		}
		k = lookup(a, sl->cands[0]);
		if (k >= 0 && (k == a->ncand || !a->excluded[k])) {
			a->tally[k]++;
			return TELLER_OK;
		}
		if (lastslot)
			a->exhausted++;
	}
	return TELLER_OK;
}

static const char *
shared_dir(void)
{
	const char *s = getenv("SHARED");

	return s != NULL && s[0] != '\0' ? s : "../shared";
}

/* A string or number field of a JSON object as text ("" if absent). */
static const char *
jtext(json_t *o, const char *key, char *buf, size_t n)
{
	json_t *v = json_object_get(o, key);

	buf[0] = '\0';
	if (json_is_string(v))
		snprintf(buf, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_true(v))
		snprintf(buf, n, "true");
	return buf;
}

/* Expected decimal string "12" or "12.0000" -> 12, -1 if fractional. */
static long
whole(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end == '.') {
		for (end++; *end == '0'; end++)
			;
	}
	return *end == '\0' ? v : -1;
}

static int
read_source(teller_ctx *ctx, const char *prov, struct tl_cvr_source *src,
    struct acc *a)
{
	if (strcmp(prov, "dominion") == 0)
		return tl_cvr_read_dominion(ctx, src, on_cvr, a);
	if (strcmp(prov, "cdf") == 0)
		return tl_cvr_read_cdf(ctx, src, on_cvr, a);
	if (strcmp(prov, "clearBallot") == 0)
		return tl_cvr_read_clearballot(ctx, src, on_cvr, a);
	if (strcmp(prov, "hart") == 0)
		return tl_cvr_read_hart(ctx, src, on_cvr, a);
	return -1;
}

/*
 * Run one case: read every source, simulate round 1 and compare with the
 * expected report. Round 1 of RCTab is exactly this first-valid-choice
 * walk (no candidate is eliminated before round 1; excluded candidates
 * are skipped), so the comparison holds for every case whose only rules
 * are the ones simulated: overvote rule (exhaustImmediately or
 * alwaysSkipToNextRank), maxSkippedRanksAllowed, duplicates, excluded.
 * Returns 1 if the case was run, 0 if skipped.
 */
static int
run_case(const char *root, const char *name)
{
	char path[2048], buf[256], cfgdir[1024];
	json_t *cfg, *exp, *srcs, *cands, *rules, *res, *tally, *v;
	json_error_t je;
	struct acc a;
	teller_ctx *ctx;
	size_t i, j;
	int rc, nread = 0;
	const char *cn[MAXC];

	if (snprintf(cfgdir, sizeof(cfgdir), "%s/%s", root, name) >=
	    (int)sizeof(cfgdir) ||
	    snprintf(path, sizeof(path), "%s/%s_config.json", cfgdir, name) >=
	    (int)sizeof(path))
		return 0;
	if ((cfg = json_load_file(path, 0, &je)) == NULL)
		return 0;
	if (snprintf(path, sizeof(path), "%s/%s_expected_detailed_report.json",
	    cfgdir, name) >= (int)sizeof(path) ||
	    (exp = json_load_file(path, 0, &je)) == NULL) {
		json_decref(cfg);
		return 0;
	}
	memset(&a, 0, sizeof(a));
	a.ids_ok = true;
	cands = json_object_get(cfg, "candidates");
	json_array_foreach(cands, i, v) {
		json_t *al, *x;
		if (a.ncand == MAXC)
			break;
		a.names[a.ncand] = json_string_value(json_object_get(v,
		    "name"));
		a.excluded[a.ncand] = json_is_true(json_object_get(v,
		    "excluded"));
		al = json_object_get(v, "aliases");
		json_array_foreach(al, j, x) {
			if (a.nalias < MAXC * 8 && json_is_string(x)) {
				a.alias[a.nalias] = json_string_value(x);
				a.aliasof[a.nalias++] = a.ncand;
			}
		}
		x = json_object_get(v, "code");
		if (json_is_string(x) && json_string_value(x)[0] != '\0' &&
		    a.nalias < MAXC * 8) {
			a.alias[a.nalias] = json_string_value(x);
			a.aliasof[a.nalias++] = a.ncand;
		}
		cn[a.ncand] = a.names[a.ncand];
		a.ncand++;
	}
	rules = json_object_get(cfg, "rules");
	jtext(rules, "maxSkippedRanksAllowed", buf, sizeof(buf));
	a.max_skipped = strcmp(buf, "unlimited") == 0 || buf[0] == '\0' ? -1 :
	    atoi(buf);
	jtext(rules, "overvoteRule", buf, sizeof(buf));
	a.skip_overvote = strcmp(buf, "alwaysSkipToNextRank") == 0;
	a.exhaust_dup = json_is_true(json_object_get(rules,
	    "exhaustOnDuplicateCandidate"));
	jtext(rules, "maxRankingsAllowed", buf, sizeof(buf));

	teller_ctx_new(NULL, &ctx);
	srcs = json_object_get(cfg, "cvrFileSources");
	json_array_foreach(srcs, i, v) {
		struct tl_cvr_source src;
		char prov[64], fp[512], cid[256], ov[64], uwi[128], full[2048];

		memset(&src, 0, sizeof(src));
		jtext(v, "provider", prov, sizeof(prov));
		jtext(v, "filePath", fp, sizeof(fp));
		if (snprintf(full, sizeof(full), "%s/%s", cfgdir, fp) >=
		    (int)sizeof(full))
			continue;
		src.provider = prov;
		src.path = full;
		src.contest_id = jtext(v, "contestId", cid, sizeof(cid));
		src.overvote_delimiter = "";
		src.overvote_label = jtext(v, "overvoteLabel", ov, sizeof(ov));
		src.skipped_rank_label = "";
		src.uwi_label = jtext(v, "undeclaredWriteInLabel", uwi,
		    sizeof(uwi));
		src.max_rankings = strcmp(buf, "max") == 0 ? 0 : atoi(buf);
		src.ncand = a.ncand;
		src.cand_names = cn;
		rc = read_source(ctx, prov, &src, &a);
		if (rc < 0)
			continue;
		nread++;
		CHECK(rc == TELLER_OK, "%s: source %zu: %s", name, i,
		    teller_errmsg(ctx));
	}
	teller_ctx_free(ctx);
	if (nread == 0) {
		json_decref(cfg);
		json_decref(exp);
		return 0;
	}
	res = json_object_get(json_array_get(json_object_get(exp, "results"),
	    0), "tally");
	tally = json_object_get(exp, "summary");
	CHECK(whole(json_string_value(json_object_get(tally,
	    "totalNumBallots"))) == a.records, "%s: %ld records, expected %s",
	    name, a.records, json_string_value(json_object_get(tally,
	    "totalNumBallots")));
	CHECK(json_integer_value(json_object_get(tally, "undervotes")) ==
	    a.undervotes, "%s: %ld without rankings, expected %lld", name,
	    a.undervotes, (long long)json_integer_value(json_object_get(tally,
	    "undervotes")));
	CHECK(a.unknown == 0, "%s: %ld unrecognized strings, first '%s'",
	    name, a.unknown, a.first_unknown);
	CHECK(a.ids_ok, "%s: a record without a computed ID", name);
	for (i = 0; i <= (size_t)a.ncand; i++) {
		const char *nm = i < (size_t)a.ncand ? a.names[i] : TL_CVR_UWI;
		json_t *t = json_object_get(res, nm);
		long want = t != NULL ? whole(json_string_value(t)) : 0;
		if (i < (size_t)a.ncand && a.excluded[i])
			continue;
		CHECK(want == a.tally[i], "%s: round 1 '%s' %ld, expected %ld",
		    name, nm, a.tally[i], want);
	}
	v = json_object_get(json_array_get(json_object_get(exp, "results"),
	    0), "inactiveBallots");
	CHECK(whole(json_string_value(json_object_get(v, "overvotes"))) ==
	    a.overvotes, "%s: round 1 overvotes %ld", name, a.overvotes);
	CHECK(whole(json_string_value(json_object_get(v, "skippedRankings")))
	    == a.skipped, "%s: round 1 skipped %ld", name, a.skipped);
	CHECK(whole(json_string_value(json_object_get(v, "repeatedRankings")))
	    == a.repeated, "%s: round 1 repeated %ld", name, a.repeated);
	CHECK(whole(json_string_value(json_object_get(v, "exhaustedChoices")))
	    == a.exhausted, "%s: round 1 exhausted %ld", name, a.exhausted);
	printf("%s: %ld records read\n", name, a.records);
	json_decref(cfg);
	json_decref(exp);
	return 1;
}

static int
cmp_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void
test_cases(void)
{
	char root[1024];
	char *names[512];
	struct dirent *de;
	int n = 0, i, ran = 0;
	DIR *d;

	snprintf(root, sizeof(root), "%s/data/rctab", shared_dir());
	if ((d = opendir(root)) == NULL) {
		printf("SKIP: %s not found\n", root);
		return;
	}
	while ((de = readdir(d)) != NULL && n < 512)
		if (de->d_name[0] != '.' && de->d_name[0] != '_')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(char *), cmp_name);
	for (i = 0; i < n; i++) {
		ran += run_case(root, names[i]);
		free(names[i]);
	}
	printf("%d RCTab cases read\n", ran);
	CHECK(ran >= 20, "only %d cases ran", ran);
}

int
main(void)
{
	test_cases();
	return h_done();
}
