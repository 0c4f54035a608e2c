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
	/* conversion mode: compare with RCTab's rctab_cvr.csv rows */
	char ***rows;        /* expected rows (fields), header first */
	int *rowlen;
	int nrows, nranks, row, mismatches;
	const char *case_name;
};

static int lookup(struct acc *a, const char *s);

/* The rctab_cvr.csv cell of a record's rank k (1-based). */
static void
rank_cell(struct acc *a, const struct tl_cvr *r, int k, char *out,
    size_t n)
{
	int i, j, c;
	size_t len = 0;

	snprintf(out, n, "undervote");
	for (i = 0; i < r->nslots; i++) {
		if (r->slots[i].rank != k)
			continue;
		out[0] = '\0';
		for (j = 0; j < r->slots[i].n; j++) {
			const char *s = r->slots[i].cands[j];
			c = lookup(a, s);
			if (c >= 0 && c < a->ncand)
				s = a->names[c];
			else if (c == a->ncand)
				s = a->uwi_label;
			len += (size_t)snprintf(out + len, n - len, "%s%s",
			    j ? "\n" : "", s);
			if (len >= n)
				return;
		}
	}
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/* Compare one record with the next expected rctab_cvr.csv row. */
static void
check_row(struct acc *a, const struct tl_cvr *r)
{
	char cell[512];
	char **f;
	int k;

	if (++a->row >= a->nrows) {
		a->mismatches++;
		return;
	}
	f = a->rows[a->row];
	if (a->rowlen[a->row] < 9 + a->nranks) {
		a->mismatches++;
		return;
	}
	if (strcmp(f[3], nz(r->computed_id)) != 0 ||
	    strcmp(f[5], nz(r->batch)) != 0 ||
	    strcmp(f[6], nz(r->supplied_id)) != 0 ||
	    strcmp(f[7], nz(r->precinct)) != 0 ||
	    strcmp(f[8], nz(r->precinct_portion)) != 0) {
		if (a->mismatches++ < 3)
			fprintf(stderr, "%s row %d: ids '%s' '%s' '%s' '%s' "
			    "'%s'\n", a->case_name, a->row, nz(r->computed_id),
			    nz(r->batch), nz(r->supplied_id), nz(r->precinct),
			    nz(r->precinct_portion));
		return;
	}
	for (k = 1; k <= a->nranks; k++) {
		rank_cell(a, r, k, cell, sizeof(cell));
		if (strcmp(cell, f[8 + k]) != 0) {
			if (a->mismatches++ < 3)
				fprintf(stderr, "%s row %d rank %d: '%s' not "
				    "'%s'\n", a->case_name, a->row, k, cell,
				    f[8 + k]);
			return;
		}
	}
}

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
	if (a->rows != NULL)
		check_row(a, r);
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

/* Parse a whole CSV file (RFC 4180 quotes) into a->rows. */
static bool
load_csv(struct acc *a, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf, *field;
	long n;
	size_t i, fl = 0;
	bool q = false;
	int cap = 0;

	if (f == NULL)
		return false;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	field = malloc((size_t)n + 1);
	if (buf == NULL || field == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		free(field);
		return false;
	}
	fclose(f);
	a->nrows = 0;
	for (i = 0; i <= (size_t)n; i++) {
		char c = i < (size_t)n ? buf[i] : '\n';
		if (q) {
			if (c == '"' && i + 1 < (size_t)n && buf[i + 1] == '"') {
				field[fl++] = '"';
				i++;
			} else if (c == '"') {
				q = false;
			} else {
				field[fl++] = c;
			}
			continue;
		}
		if (c == '"') {
			q = true;
		} else if (c == ',' || c == '\n') {
			char ***rw;
			int *rl;
			if (c == '\n' && i == (size_t)n && fl == 0 &&
			    (a->nrows == 0 || a->rowlen[a->nrows - 1] < 0))
				break;
			if (a->nrows == 0 || a->rowlen[a->nrows - 1] < 0) {
				if (a->nrows == cap) {
					cap = cap ? cap * 2 : 64;
					rw = realloc(a->rows, (size_t)cap *
					    sizeof(*rw));
					rl = realloc(a->rowlen, (size_t)cap *
					    sizeof(*rl));
					if (rw == NULL || rl == NULL)
						abort();
					a->rows = rw;
					a->rowlen = rl;
				}
				a->rows[a->nrows] = calloc(64, sizeof(char *));
				a->rowlen[a->nrows++] = 0;
			}
			field[fl] = '\0';
			if (a->rowlen[a->nrows - 1] < 64)
				a->rows[a->nrows - 1][a->rowlen[a->nrows - 1]++]
				    = strdup(field);
			fl = 0;
			if (c == '\n')
				a->rowlen[a->nrows - 1] =
				    -a->rowlen[a->nrows - 1] - 1;
		} else if (c != '\r') {
			field[fl++] = c;
		}
	}
	for (i = 0; i < (size_t)a->nrows; i++)
		if (a->rowlen[i] < 0)
			a->rowlen[i] = -a->rowlen[i] - 1;
	free(buf);
	free(field);
	return a->nrows > 0;
}

static void
free_csv(struct acc *a)
{
	int i, j;

	for (i = 0; i < a->nrows; i++) {
		for (j = 0; j < a->rowlen[i]; j++)
			free(a->rows[i][j]);
		free(a->rows[i]);
	}
	free(a->rows);
	free(a->rowlen);
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
	memset(&a, 0, sizeof(a));
	a.ids_ok = true;
	a.case_name = name;
	exp = NULL;
	if (snprintf(path, sizeof(path), "%s/%s_expected_detailed_report.json",
	    cfgdir, name) < (int)sizeof(path))
		exp = json_load_file(path, 0, &je);
	/* No expected report: the conversions_* cases have RCTab's
	 * rctab_cvr.csv export instead, compared row by row. */
	if (exp == NULL && (snprintf(path, sizeof(path), "%s/%s_expected.csv",
	    cfgdir, name) >= (int)sizeof(path) || !load_csv(&a, path))) {
		json_decref(cfg);
		return 0;
	}
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
		a.uwi_label = src.uwi_label;
		if (a.rows != NULL)
			a.nranks = a.rowlen[0] - 9;
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
	if (nread == 0 || exp == NULL) {
		if (nread > 0) {
			CHECK(a.mismatches == 0 && a.row == a.nrows - 1,
			    "%s: %d of %ld records differ from RCTab's export "
			    "(%d rows)", name, a.mismatches, a.records,
			    a.nrows - 1);
			printf("%s: %ld records match RCTab's rctab_cvr.csv\n",
			    name, a.records);
		}
		free_csv(&a);
		json_decref(cfg);
		json_decref(exp);
		return nread > 0;
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
