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
#include "cli.h"
#include "oom.h"
#include "rctab_cvr.h"

/* A context whose inputs come from the file system, as the teller
 * command's do (cli/files.c): the library reads no file itself. */
static int
tt_ctx_new(const teller_alloc *alloc, teller_ctx **ctx)
{
	int rc = teller_ctx_new(alloc, ctx);

	if (rc == TELLER_OK)
		teller_ctx_set_input(*ctx, &cli_files);
	return rc;
}

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
				for (k = 0; k < nseen; k++) {
					if (strcmp(seen[k], sl->cands[j]) != 0)
						continue;
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
			if (c == '"' && i + 1 < (size_t)n &&
			    buf[i + 1] == '"') {
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

	tt_ctx_new(NULL, &ctx);
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
		printf("SKIP: %s not found\n", shared_dir());
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

/* ------------------------------------------------------------------ */
/* small hand-written inputs                                           */

static char tmpdir[256];

static void
put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", tmpdir, name) >=
	    (int)sizeof(path))
		return;
	f = fopen(path, "wb");
	if (f == NULL) {
		CHECK(0, "cannot write %s", path);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static char *
tpath(const char *name)
{
	static char path[4][512];
	static int k;

	k = (k + 1) % 4;
	if (snprintf(path[k], sizeof(path[k]), "%s/%s", tmpdir, name) >=
	    (int)sizeof(path[k]))
		path[k][0] = '\0';
	return path[k];
}

/* What the callback saw: records, and the first record's fields. */
struct seen {
	int n;
	char cid[128], sid[128], prec[128], port[128], batch[128];
	char slots[512]; /* "1:a|b 2:c" */
	long line;
	int fail_at;     /* return an error at this record (1-based) */
};

static void
copy(char *dst, const char *s)
{
	snprintf(dst, 128, "%s", s != NULL ? s : "(null)");
}

static int
on_seen(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	struct seen *w = ud;
	size_t len = 0;
	int i, j;

	if (++w->n == w->fail_at)
		return tl_fail(ctx, TELLER_ERULE, "stop here");
	if (w->n != 1)
		return TELLER_OK;
	copy(w->cid, r->computed_id);
	copy(w->sid, r->supplied_id);
	copy(w->prec, r->precinct);
	copy(w->port, r->precinct_portion);
	copy(w->batch, r->batch);
	w->line = r->line;
	w->slots[0] = '\0';
	for (i = 0; i < r->nslots; i++) {
		len += (size_t)snprintf(w->slots + len, sizeof(w->slots) - len,
		    "%s%d:", i ? " " : "", r->slots[i].rank);
		for (j = 0; j < r->slots[i].n && len < sizeof(w->slots); j++)
			len += (size_t)snprintf(w->slots + len,
			    sizeof(w->slots) - len, "%s%s", j ? "|" : "",
			    r->slots[i].cands[j]);
		if (len >= sizeof(w->slots))
			break;
	}
	return TELLER_OK;
}

static void
src_init(struct tl_cvr_source *s, const char *prov, const char *path,
    const char *contest)
{
	memset(s, 0, sizeof(*s));
	s->provider = prov;
	s->path = path;
	s->contest_id = contest;
	s->overvote_delimiter = "";
	s->overvote_label = "";
	s->skipped_rank_label = "";
	s->uwi_label = "";
}

typedef int (*reader_fn)(teller_ctx *, const struct tl_cvr_source *,
    tl_cvr_fn, void *);

/* Run a reader; return its code, with the error position in *line,
 * *col and the error file's last component in file. */
static int
run(reader_fn rd, const struct tl_cvr_source *src, struct seen *w,
    long *line, long *col, char *file, size_t fsz, char *msg, size_t msz)
{
	teller_ctx *ctx;
	const char *ef;
	int rc;

	tt_ctx_new(NULL, &ctx);
	memset(w, 0, sizeof(*w) - sizeof(w->fail_at));
	rc = rd(ctx, src, on_seen, w);
	teller_errpos(ctx, &ef, line, col);
	snprintf(file, fsz, "%s", ef != NULL ? ef : "");
	snprintf(msg, msz, "%s", teller_errmsg(ctx));
	teller_ctx_free(ctx);
	return rc;
}

/* Expect failure code want; the error must name a file ending in
 * fname and, if pos, carry a line. */
#define EXPECT_FAIL(rd, src, want, fname, pos, what) do {                 \
	struct seen w_;                                                   \
	long l_, c_;                                                      \
	char f_[512], m_[300];                                            \
	int rc_ = run((rd), (src), &w_, &l_, &c_, f_, sizeof(f_), m_,     \
	    sizeof(m_));                                                  \
	CHECK(rc_ == (want), "%s: code %d, want %d (%s)", (what), rc_,    \
	    (want), m_);                                                  \
	CHECK(strlen(f_) >= strlen(fname) && strcmp(f_ + strlen(f_) -     \
	    strlen(fname), (fname)) == 0, "%s: error file '%s'", (what),  \
	    f_);                                                          \
	CHECK(!(pos) || l_ > 0, "%s: no line in '%s'", (what), m_);       \
} while (0)

static char *
deep(char open, size_t n)
{
	char *s = malloc(n + 1);

	memset(s, open, n);
	s[n] = '\0';
	return s;
}

static const char dom_manifests[][2][200] = {
	{ "PrecinctPortionManifest.json", "{\"Version\":\"1\",\"List\":["
	    "{\"Description\":\"Portion 9\",\"Id\":9}]}" },
	{ "PrecinctManifest.json", "{\"List\":[{\"Description\":\"P 3\","
	    "\"Id\":3}]}" },
	{ "ContestManifest.json", "{\"List\":[{\"Description\":\"Mayor\","
	    "\"Id\":1,\"VoteFor\":1,\"NumOfRanks\":3}]}" },
	{ "CandidateManifest.json", "{\"List\":[{\"Description\":\"A\","
	    "\"Id\":10,\"ContestId\":1},{\"Description\":\"B\",\"Id\":11,"
	    "\"ContestId\":1},{\"Description\":\"W\",\"Id\":12,"
	    "\"ContestId\":1},{\"Description\":\"X\",\"Id\":13,"
	    "\"ContestId\":2}]}" },
};

#define MARK(c, r, amb) "{\"CandidateId\":" #c ",\"Rank\":" #r          \
	",\"IsAmbiguous\":" #amb "}"
#define SESSION(rec, cur, marks) "{\"TabulatorId\":5,\"BatchId\":6,"      \
	"\"RecordId\":" #rec ",\"Original\":{\"IsCurrent\":" #cur             \
	",\"PrecinctId\":3,\"PrecinctPortionId\":9,\"BallotTypeId\":1,"      \
	"\"Cards\":[{\"Contests\":[{\"Id\":2,\"Marks\":[]},{\"Id\":1,"      \
	"\"OutstackConditionIds\":[],\"Marks\":[" marks "]}]}]}}"

static void
test_dominion(void)
{
	struct tl_cvr_source src;
	struct seen w;
	long l, c;
	char f[512], m[300], *big;
	size_t i;
	int rc;

	mkdir(tpath("dom"), 0700);
	for (i = 0; i < sizeof(dom_manifests) / sizeof(dom_manifests[0]);
	    i++) {
		char nm[256];
		if (snprintf(nm, sizeof(nm), "dom/%s", dom_manifests[i][0]) <
		    (int)sizeof(nm))
			put(nm, dom_manifests[i][1]);
	}
	/* Modified data, ambiguous marks, outstack 7, write-in, overvote
	 * order, ranks sorted. */
	put("dom/CvrExport.json", "{\"Sessions\":["
	    "{\"TabulatorId\":5,\"BatchId\":6,\"RecordId\":1,"
	    "\"Original\":{\"IsCurrent\":false,\"BallotTypeId\":1,"
	    "\"Contests\":[{\"Id\":1,\"Marks\":[]}]}},"
	    "{\"TabulatorId\":5,\"BatchId\":6,\"RecordId\":2,"
	    "\"Original\":{\"IsCurrent\":false,\"BallotTypeId\":1,"
	    "\"Contests\":[]},\"Modified\":{\"PrecinctId\":3,"
	    "\"PrecinctPortionId\":9,\"BallotTypeId\":1,"
	    "\"Contests\":[{\"Id\":1,"
	    "\"Marks\":[" MARK(11, 2, false) "," MARK(10, 1, true) ","
	    MARK(12, 1, false) "," MARK(10, 2, false) "]}]}},"
	    SESSION(3, true, MARK(10, 1, false)) ","
	    "{\"TabulatorId\":5,\"BatchId\":6,\"RecordId\":4,\"Original\":{"
	    "\"IsCurrent\":true,\"BallotTypeId\":1,\"Contests\":[{\"Id\":1,"
	    "\"OutstackConditionIds\":[4,7],\"Marks\":[]}]}}]}");
	src_init(&src, "dominion", tpath("dom"), "1");
	src.uwi_label = "12";
	rc = run(tl_cvr_read_dominion, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_OK, "dominion: %s", m);
	CHECK_INT(w.n, 2);
	CHECK_STR(w.cid, "5-6-2");
	CHECK_STR(w.sid, "2");
	CHECK_STR(w.batch, "6");
	CHECK_STR(w.prec, "P 3");
	CHECK_STR(w.port, "Portion 9");
	CHECK_STR(w.slots, "1:" TL_CVR_UWI " 2:11|10");
	/* Members the reader does not read, with escapes, reals (the
	 * session goes to jansson), CRLF: the same records. */
	put("dom/CvrExport.json", "{\"Version\":\"5.1\",\"Sessions\":[\r\n"
	    "{\"ImageMask\":\"C:\\\\NAS\\\\\\u00e9*.*\",\"TabulatorId\":5,"
	    "\"BatchId\":6,\"RecordId\":2,\"CountingGroupId\":1.5,"
	    "\"Original\":{\"IsCurrent\":false,\"BallotTypeId\":1,"
	    "\"Contests\":[]},\"Modified\":{\"PrecinctId\":3,"
	    "\"PrecinctPortionId\":9,\"BallotTypeId\":1,"
	    "\"Contests\":[{\"Id\":1,\"Undervotes\":[{\"a\":[]}],"
	    "\"Marks\":[" MARK(11, 2, false) "," MARK(10, 1, true) ","
	    MARK(12, 1, false) "," MARK(10, 2, false) "]}]}},\r\n"
	    SESSION(3, true, MARK(10, 1, false)) "]}");
	rc = run(tl_cvr_read_dominion, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_OK, "dominion, left-out members: %s", m);
	CHECK_INT(w.n, 2);
	CHECK_STR(w.cid, "5-6-2");
	CHECK_STR(w.prec, "P 3");
	CHECK_STR(w.slots, "1:" TL_CVR_UWI " 2:11|10");
	/* The callback's error stops the reader. */
	w.fail_at = 2;
	{
		teller_ctx *ctx;
		tt_ctx_new(NULL, &ctx);
		memset(&w, 0, sizeof(w));
		w.fail_at = 1;
		CHECK_INT(tl_cvr_read_dominion(ctx, &src, on_seen, &w),
		    TELLER_ERULE);
		CHECK_INT(w.n, 1);
		teller_ctx_free(ctx);
	}
	/* Ranks above NumOfRanks (3) or maxRankingsAllowed are fatal. */
	put("dom/CvrExport.json", "{\"Sessions\":[" SESSION(1, true,
	    MARK(10, 4, false)) "]}");
	EXPECT_FAIL(tl_cvr_read_dominion, &src, TELLER_EPARSE,
	    "CvrExport.json", false, "dominion rank > NumOfRanks");
	put("dom/CvrExport.json", "{\"Sessions\":[" SESSION(1, true,
	    MARK(10, 3, false)) "]}");
	src.max_rankings = 2;
	EXPECT_FAIL(tl_cvr_read_dominion, &src, TELLER_EPARSE,
	    "CvrExport.json", false, "dominion rank > maxRankingsAllowed");
	src.max_rankings = 0;
	put("dom/CvrExport.json", "{\"Sessions\":[" SESSION(1, true,
	    MARK(10, 0, false)) "]}");
	EXPECT_FAIL(tl_cvr_read_dominion, &src, TELLER_EPARSE,
	    "CvrExport.json", false, "dominion rank 0");
	/* A candidate of another contest. */
	put("dom/CvrExport.json", "{\"Sessions\":[" SESSION(1, true,
	    MARK(13, 1, false)) "]}");
	EXPECT_FAIL(tl_cvr_read_dominion, &src, TELLER_EPARSE,
	    "CvrExport.json", false, "dominion foreign candidate");
	/* Wrong types name the JSON path. */
	put("dom/CvrExport.json", "{\"Sessions\":[{\"TabulatorId\":5,"
	    "\"BatchId\":6,\"RecordId\":\"x\"}]}");
	rc = run(tl_cvr_read_dominion, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_EPARSE && strstr(m, "Sessions[0].RecordId") !=
	    NULL, "dominion wrong type: %d %s", rc, m);
	put("dom/CvrExport.json", "{\"Sessions\":[" SESSION(1, true,
	    "{\"CandidateId\":10,\"Rank\":1,\"IsAmbiguous\":1}") "]}");
	rc = run(tl_cvr_read_dominion, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_EPARSE && strstr(m, "Sessions[0].Original."
	    "Cards[0].Contests[1].Marks[0].IsAmbiguous") != NULL,
	    "dominion path: %s", m);
	/* Truncated JSON: jansson's line and column. */
	put("dom/CvrExport.json", "{\"Sessions\":[\n{\"TabulatorId\":5,");
	EXPECT_FAIL(tl_cvr_read_dominion, &src, TELLER_EPARSE,
	    "CvrExport.json", true, "dominion truncated");
	/* 200,000-deep nesting is refused before jansson sees it. */
	big = deep('[', 200000);
	memcpy(big, "{\"Sessions\":", 12);
	put("dom/CvrExport.json", big);
	free(big);
	EXPECT_FAIL(tl_cvr_read_dominion, &src, TELLER_ELIMIT,
	    "CvrExport.json", true, "dominion deep");
	/* A deep manifest (read whole) is refused too. */
	big = deep('[', 200000);
	memcpy(big, "{\"List\":", 8);
	put("dom/ContestManifest.json", big);
	free(big);
	EXPECT_FAIL(tl_cvr_read_dominion, &src, TELLER_ELIMIT,
	    "ContestManifest.json", true, "dominion deep manifest");
	put("dom/ContestManifest.json", dom_manifests[2][1]);
	/* Unknown precinct. */
	put("dom/CvrExport.json", "{\"Sessions\":[" SESSION(1, true,
	    MARK(10, 1, false)) "]}");
	put("dom/PrecinctManifest.json", "{\"List\":[]}");
	EXPECT_FAIL(tl_cvr_read_dominion, &src, TELLER_EPARSE,
	    "CvrExport.json", false, "dominion unknown precinct");
	/* Numbered exports sorted as strings: _10 before _2; a UTF-8
	 * byte order mark is skipped as Jackson does. */
	put("dom/PrecinctManifest.json", "\xEF\xBB\xBF{\"List\":[{"
	    "\"Description\":\"P 3\",\"Id\":3}]}");
	unlink(tpath("dom/CvrExport.json"));
	put("dom/CvrExport_2.json", "{\"Sessions\":[" SESSION(2, true,
	    MARK(10, 1, false)) "]}");
	put("dom/CvrExport_10.json", "\xEF\xBB\xBF{\"Sessions\":["
	    SESSION(10, true, MARK(11, 1, false)) "]}");
	rc = run(tl_cvr_read_dominion, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_OK && w.n == 2 && strcmp(w.sid, "10") == 0,
	    "dominion parts: %d %d %s %s", rc, w.n, w.sid, m);
	unlink(tpath("dom/CvrExport_2.json"));
	unlink(tpath("dom/CvrExport_10.json"));
	EXPECT_FAIL(tl_cvr_read_dominion, &src, TELLER_EIO, "dom", false,
	    "dominion no CvrExport");
	/* Missing manifest, missing folder. */
	unlink(tpath("dom/PrecinctPortionManifest.json"));
	EXPECT_FAIL(tl_cvr_read_dominion, &src, TELLER_EIO,
	    "PrecinctPortionManifest.json", false, "dominion no manifest");
	src.path = tpath("nonexistent");
	EXPECT_FAIL(tl_cvr_read_dominion, &src, TELLER_EIO, "nonexistent",
	    false, "dominion no folder");
}

#define CDF_HEAD "{\"GpUnit\":[{\"@id\":\"g1\",\"Name\":\"Ward 1\"}],"      \
	"\"Election\":[{\"Candidate\":[{\"@id\":\"ca\","                   \
	"\"Name\":\"Ann\"},{\"@id\":\"cb\",\"Name\":\"Bob\"},"               \
	"{\"@id\":\"co\",\"Name\":\"OV\"}],\"Contest\":[{\"@id\":\"k1\","      \
	"\"Name\":\"Mayor\",\"ContestSelection\":[{\"@id\":\"sa\","          \
	"\"CandidateIds\":[\"ca\"]},{\"@id\":\"sb\","                       \
	"\"CandidateIds\":[\"cb\"]},{\"@id\":\"so\","                       \
	"\"CandidateIds\":[\"co\"]},{\"@id\":\"sw\","                       \
	"\"IsWriteIn\":\"true\"}]}]}],\"CVR\":["
#define CDF_CVR(sels) "{\"BallotPrePrintedId\":\"b7\",\"BallotStyleUnitId\":" \
	"\"g1\",\"BatchSequenceId\":\"42\",\"CurrentSnapshotId\":\"s2\","     \
	"\"CVRSnapshot\":[{\"@id\":\"s1\",\"CVRContest\":[]},{\"@id\":\"s2\"," \
	"\"CVRContest\":[{\"ContestId\":\"k1\",\"CVRContestSelection\":["     \
	sels "]}]}]}"
#define POS(r, extra) "{\"Rank\":" #r extra "}"

static void
test_cdf_json(void)
{
	struct tl_cvr_source src;
	struct seen w;
	long l, c;
	char f[512], m[300], *big;
	int rc;

	put("c.json", CDF_HEAD CDF_CVR(
	    "{\"ContestSelectionId\":\"sb\",\"SelectionPosition\":["
	    POS(3, "") "," POS(1, ",\"HasIndication\":\"no\"") ","
	    POS(4, ",\"IsAllocable\":\"no\"") "]},"
	    "{\"ContestSelectionId\":\"sa\",\"Rank\":1},"
	    "{\"ContestSelectionId\":\"so\",\"Rank\":2},"
	    "{\"ContestSelectionId\":\"sb\",\"SelectionPosition\":["
	    POS(3, ",\"CVRWriteIn\":{}") "," POS(4, "") "]},"
	    "{\"ContestSelectionId\":\"sw\",\"Rank\":4}") "]}");
	src_init(&src, "cdf", tpath("c.json"), "Mayor");
	src.overvote_label = "OV";
	rc = run(tl_cvr_read_cdf, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_OK, "cdf json: %s", m);
	CHECK_INT(w.n, 1);
	CHECK_STR(w.cid, "c.json(1)");
	CHECK_STR(w.sid, "b7");
	CHECK_STR(w.prec, "Ward 1");
	CHECK_STR(w.batch, "42");
	CHECK_STR(w.slots, "1:Ann 2:" TL_CVR_OVERVOTE " 3:Bob|"
	    TL_CVR_UWI " 4:" TL_CVR_UWI "|" TL_CVR_UWI);
	/* Members the reader does not read (left out of the fast scan's
	 * trees) with escapes, a real (the CVR goes to jansson), CRLF
	 * and a byte order mark: the same record. */
	put("c.json", "\xEF\xBB\xBF" CDF_HEAD "\r\n" CDF_CVR(
	    "{\"ContestSelectionId\":\"sb\",\"SelectionPosition\":["
	    POS(3, ",\"NumberVotes\":1.5") ","
	    POS(1, ",\"HasIndication\":\"no\"") ","
	    POS(4, ",\"IsAllocable\":\"no\"") "]},"
	    "{\"ContestSelectionId\":\"sa\",\"Rank\":1,\"x\":[[{}]],"
	    "\"@type\":\"CVR.\\u0043VR\",\"Note\":\"\\ud83d\\ude00 "
	    "\\\"[\\\\\"},"
	    "{\"ContestSelectionId\":\"so\",\"Rank\":2},"
	    "{\"ContestSelectionId\":\"sb\",\"SelectionPosition\":["
	    POS(3, ",\"CVRWriteIn\":{}") "," POS(4, "") "]},"
	    "{\"ContestSelectionId\":\"sw\",\"Rank\":4}") "]}");
	rc = run(tl_cvr_read_cdf, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_OK, "cdf json, left-out members: %s", m);
	CHECK_INT(w.n, 1);
	CHECK_STR(w.slots, "1:Ann 2:" TL_CVR_OVERVOTE " 3:Bob|"
	    TL_CVR_UWI " 4:" TL_CVR_UWI "|" TL_CVR_UWI);
	CHECK_STR(w.sid, "b7");
	/* maxRankingsAllowed is enforced. */
	src.max_rankings = 3;
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.json", false,
	    "cdf json rank > max");
	src.max_rankings = 0;
	/* Unknown selection, missing contest, CVR without the contest. */
	put("c.json", CDF_HEAD CDF_CVR("{\"ContestSelectionId\":\"zz\","
	    "\"Rank\":1}") "]}");
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.json", false,
	    "cdf json unknown selection");
	src.contest_id = "Sheriff";
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.json", false,
	    "cdf json no contest");
	src.contest_id = "Mayor";
	put("c.json", CDF_HEAD "{\"CurrentSnapshotId\":\"s1\",\"CVRSnapshot\":"
	    "[{\"@id\":\"s1\",\"CVRContest\":[{\"ContestId\":\"k9\"}]}]}]}");
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.json", false,
	    "cdf json CVR without the contest");
	/* Duplicate selection ids are refused; an unknown GpUnit is not
	 * (RCTab's JSON path only logs it). */
	put("c.json", "{\"GpUnit\":[],\"Election\":[{\"Candidate\":[],"
	    "\"Contest\":[{\"@id\":\"k1\",\"Name\":\"Mayor\","
	    "\"ContestSelection\":[{\"@id\":\"s\"},{\"@id\":\"s\"}]}]}],"
	    "\"CVR\":[]}");
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.json", false,
	    "cdf json duplicate selection");
	put("c.json", CDF_HEAD "{\"BallotStyleUnitId\":\"nowhere\","
	    "\"CurrentSnapshotId\":\"s\",\"CVRSnapshot\":[{\"@id\":\"s\","
	    "\"CVRContest\":[{\"ContestId\":\"k1\","
	    "\"CVRContestSelection\":[]}]}]}]}");
	rc = run(tl_cvr_read_cdf, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_OK && w.n == 1 && strcmp(w.prec, "(null)") == 0 &&
	    strcmp(w.slots, "") == 0, "cdf json unknown GpUnit: %d %s", rc,
	    m);
	/* Wrong type, with its path. */
	put("c.json", CDF_HEAD CDF_CVR("{\"ContestSelectionId\":\"sa\","
	    "\"Rank\":\"1\"}") "]}");
	rc = run(tl_cvr_read_cdf, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_EPARSE && strstr(m, "CVR[0].CVRSnapshot[1]."
	    "CVRContest[0].CVRContestSelection[0].Rank") != NULL,
	    "cdf json path: %s", m);
	put("c.json", "{\"GpUnit\":{},\"Election\":[],\"CVR\":[]}");
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.json", false,
	    "cdf json GpUnit not an array");
	/* Truncated, deep, missing, wrong extension. */
	put("c.json", CDF_HEAD "\n{\"CVRSnapshot\":[");
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.json", true,
	    "cdf json truncated");
	big = deep('[', 200000);
	memcpy(big, "{\"GpUnit\":{\"a\":", 15);
	put("c.json", big);
	free(big);
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_ELIMIT, "c.json", true,
	    "cdf json deep");
	src.path = tpath("missing.json");
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EIO, "missing.json", false,
	    "cdf json missing");
	put("c.txt", "{}");
	src.path = tpath("c.txt");
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.txt", false,
	    "cdf bad extension");
}

#define XHEAD "<?xml version=\"1.0\"?>\n<cdf:CastVoteRecordReport "       \
	"xmlns:cdf=\"urn:x\">\n"
#define XCVR(sels) "<cdf:CVR><cdf:UniqueId>u1</cdf:UniqueId>"              \
	"<cdf:CVRSnapshot ObjectId=\"s1\"><cdf:CVRContest>"                 \
	"<cdf:ContestId>k1</cdf:ContestId>" sels "</cdf:CVRContest>"        \
	"</cdf:CVRSnapshot><cdf:CurrentSnapshotId>s1</cdf:CurrentSnapshotId>"  \
	"<cdf:BallotStyleUnitId>g1</cdf:BallotStyleUnitId></cdf:CVR>\n"
#define XSEL(id, body) "<cdf:CVRContestSelection><cdf:ContestSelectionId>"   \
	id "</cdf:ContestSelectionId>" body "</cdf:CVRContestSelection>"
#define XPOS(r, extra) "<cdf:SelectionPosition><cdf:HasIndication>yes"     \
	"</cdf:HasIndication>" extra "<cdf:Rank>" #r "</cdf:Rank>"          \
	"</cdf:SelectionPosition>"
#define XTAIL "<cdf:Election ObjectId=\"e\"><cdf:Candidate ObjectId=\"ca\">"  \
	"<cdf:Name>Ann</cdf:Name></cdf:Candidate><cdf:Candidate "           \
	"ObjectId=\"cb\"><cdf:Name>Bob</cdf:Name></cdf:Candidate>"          \
	"<cdf:Contest ObjectId=\"k1\"><cdf:ContestSelection ObjectId=\"sa\">" \
	"<cdf:CandidateIds>ca</cdf:CandidateIds></cdf:ContestSelection>"    \
	"<cdf:ContestSelection ObjectId=\"sb\"><cdf:CandidateIds>cb"        \
	"</cdf:CandidateIds></cdf:ContestSelection><cdf:Name>Mayor"         \
	"</cdf:Name></cdf:Contest></cdf:Election><cdf:GpUnit ObjectId=\"g1\">" \
	"<cdf:Name>Ward 1</cdf:Name></cdf:GpUnit><cdf:Party/>"              \
	"<cdf:ReportGeneratingDeviceIds>d</cdf:ReportGeneratingDeviceIds>"  \
	"<cdf:ReportingDevice/></cdf:CastVoteRecordReport>\n"

static void
test_cdf_xml(void)
{
	struct tl_cvr_source src;
	struct seen w;
	long l, c;
	char f[512], m[300], *big;
	size_t i;
	int rc;

	put("c.xml", XHEAD XCVR(XSEL("sb", XPOS(2,
	    "<cdf:IsAllocable>yes</cdf:IsAllocable>")) XSEL("sa",
	    "<cdf:Rank>1</cdf:Rank>") XSEL("sa", "<cdf:Status>"
	    "needs-adjudication</cdf:Status><cdf:Rank>3</cdf:Rank>"))
	    "<cdf:CVR><cdf:CurrentSnapshotId>s1</cdf:CurrentSnapshotId>"
	    "<cdf:CVRSnapshot ObjectId=\"s1\"/></cdf:CVR>\n" XTAIL);
	src_init(&src, "cdf", tpath("c.xml"), "Mayor");
	rc = run(tl_cvr_read_cdf, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_OK, "cdf xml: %s", m);
	/* The second CVR lacks the contest: XML skips it. */
	CHECK_INT(w.n, 1);
	CHECK_STR(w.cid, "c.xml(1)");
	CHECK_STR(w.sid, "u1");
	CHECK_STR(w.prec, "Ward 1");
	CHECK_STR(w.slots, "1:Ann 2:Bob");
	/* XML needs IsAllocable; a bad Rank; unknown GpUnit. */
	put("c.xml", XHEAD XCVR(XSEL("sb", XPOS(2, ""))) XTAIL);
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.xml", true,
	    "cdf xml no IsAllocable");
	put("c.xml", XHEAD XCVR(XSEL("sb", "<cdf:Rank>x</cdf:Rank>")) XTAIL);
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.xml", true,
	    "cdf xml bad rank");
	/* Missing required top-level field (no Party). */
	put("c.xml", XHEAD XCVR("") "<cdf:GpUnit ObjectId=\"g1\"/>"
	    "</cdf:CastVoteRecordReport>");
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.xml", false,
	    "cdf xml missing fields");
	/* Malformed XML: expat's line and column. */
	put("c.xml", XHEAD "<cdf:CVR>\n<cdf:UniqueId>u1</cdf:Unique>");
	rc = run(tl_cvr_read_cdf, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_EPARSE && l == 4 && c > 1, "cdf xml bad: %d "
	    "%ld:%ld %s", rc, l, c, m);
	/* Entities are refused (no DOCTYPE at all). */
	put("c.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a "
	    "\"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n"
	    "<r>&b;</r>");
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.xml", true,
	    "cdf xml doctype");
	/* 200,000-deep elements. */
	big = malloc(200000 * 3 + 1);
	for (i = 0; i < 200000; i++)
		memcpy(big + 3 * i, "<a>", 3);
	big[200000 * 3] = '\0';
	put("c.xml", big);
	free(big);
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_ELIMIT, "c.xml", true,
	    "cdf xml deep");
	put("c.xml", "");
	EXPECT_FAIL(tl_cvr_read_cdf, &src, TELLER_EPARSE, "c.xml", true,
	    "cdf xml empty");
}

#define HART(contest, opts) "\xEF\xBB\xBF<?xml version=\"1.0\"?><Cvr "        \
	"xmlns=\"http://tempuri.org/CVRDesign.xsd\"><Contests><Contest>"      \
	"<Name>Board</Name><Id>" contest "</Id><Options>" opts "</Options>"  \
	"</Contest></Contests><BatchNumber>3</BatchNumber><CvrGuid>g-1"     \
	"</CvrGuid><PrecinctSplit><Name>PS</Name><Id>ps-id</Id>"           \
	"</PrecinctSplit></Cvr>"
#define HOPT(id, v) "<Option><Name>n</Name><Id>" id "</Id><Value>" v     \
	"</Value></Option>"

static void
test_hart(void)
{
	struct tl_cvr_source src;
	struct seen w;
	long l, c;
	char f[512], m[300];
	int rc;

	mkdir(tpath("hart"), 0700);
	put("hart/a.xml", HART("K", HOPT("c1", "0101") HOPT("wi", "1000")
	    HOPT("c2", "0100")));
	put("hart/b.XML", HART("other", HOPT("c1", "1")));
	put("hart/a.xml.sig.xml", "not read");
	put("hart/notes.txt", "not read");
	src_init(&src, "hart", tpath("hart"), "K");
	src.uwi_label = "wi";
	/* a .sig.xml is never a CVR; by default it is checked as the
	 * signature of its file (t_cvr_hartsig.c has the good ones) */
	EXPECT_FAIL(tl_cvr_read_hart, &src, TELLER_EPARSE, "a.xml.sig.xml",
	    true, "hart signature not a signature");
	src.hart_sig = TL_SIG_OFF;
	rc = run(tl_cvr_read_hart, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_OK, "hart: %s", m);
	CHECK_INT(w.n, 1);
	CHECK_STR(w.slots, "1:" TL_CVR_UWI " 2:c1|c2 4:c1");
	CHECK_STR(w.sid, "g-1");
	CHECK_STR(w.batch, "3");
	CHECK_STR(w.prec, "PS");
	CHECK_STR(w.port, "ps-id");
	src.max_rankings = 3;
	EXPECT_FAIL(tl_cvr_read_hart, &src, TELLER_EPARSE, "a.xml", true,
	    "hart rank > max");
	src.max_rankings = 0;
	put("hart/a.xml", HART("K", "<Option><Id>c1</Id></Option>"));
	EXPECT_FAIL(tl_cvr_read_hart, &src, TELLER_EPARSE, "a.xml", true,
	    "hart no Value");
	put("hart/a.xml", "<Cvr><Contests>\n<Contest></Contests></Cvr>");
	EXPECT_FAIL(tl_cvr_read_hart, &src, TELLER_EPARSE, "a.xml", true,
	    "hart bad xml");
	src.path = tpath("nohart");
	EXPECT_FAIL(tl_cvr_read_hart, &src, TELLER_EIO, "nohart", false,
	    "hart no folder");
}

#define CB_HEAD "RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,"          \
	"BallotStyleID,PrecinctStyleName,ScanComputerName,Status,Remade,"   \
	"Choice_1_1:Mayor:1:Vote For 1:Ann:Dem,"                            \
	"Choice_2_1:Mayor:1:Vote For 1:UWI:,"                               \
	"\"Choice_3_1:City of X, Mayor:1:Vote For 1:Bob:NP\","              \
	"Choice_4_1:Mayor:2:Vote For 1:Ann:Dem,"                            \
	"Choice_5_1:Mayor:3:Vote For 1:Bob:Rep\r\n"

static void
test_clearballot(void)
{
	struct tl_cvr_source src;
	struct seen w;
	long l, c;
	char f[512], m[300];
	int rc;

	/* The UWI header has an empty party: split(":") drops it, 5
	 * fields, an error -- so a good file gives every party. */
	put("cb.csv", CB_HEAD "1,b,1,\"RCV-1\",P7,s,n,scan,ok,0,1,0,1,1,1\n"
	    "2,b,2,id2,P8,s,n,scan,ok,0,0,0,0,0,0");
	src_init(&src, "clearBallot", tpath("cb.csv"), "Mayor");
	EXPECT_FAIL(tl_cvr_read_clearballot, &src, TELLER_EPARSE, "cb.csv",
	    true, "clear ballot 5 header fields");
	put("cb.csv", "RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,"
	    "BallotStyleID,PrecinctStyleName,ScanComputerName,Status,Remade,"
	    "Choice_1_1:Mayor:1:Vote For 1:Ann:Dem,"
	    "Choice_2_1:Mayor:1:Vote For 1:UWI:NP,"
	    "\"Choice_3_1:City of X, Mayor:1:Vote For 1:Bob:NP\","
	    "Choice_4_1:Mayor:2:Vote For 1:Ann:Dem,"
	    "Choice_5_1:Mayor:3:Vote For 1:Bob:Rep\r\n"
	    "1,b,1,\"RCV-1\",P7,s,n,scan,ok,0,1,+1,1,01,1\r\n"
	    "2,b,2,id2,P8,s,n,scan,ok,0,0,0,0,0,0\n");
	src.uwi_label = "UWI";
	src.max_rankings = 2;
	rc = run(tl_cvr_read_clearballot, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_OK, "clear ballot: %s", m);
	CHECK_INT(w.n, 2);
	CHECK_STR(w.sid, "\"RCV-1\"");
	CHECK_STR(w.prec, "P7");
	CHECK_STR(w.slots, "1:Ann|" TL_CVR_UWI " 2:Ann");
	CHECK_INT(w.line, 2);
	put("cb.csv", "RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,"
	    "BallotStyleID,PrecinctStyleName,ScanComputerName,Status,Remade,"
	    "Choice_1_1:Mayor:1:Vote For 1:Ann:Dem\n"
	    "1,b,1,id,P7,s,n,scan,ok,0,1\n2,b,1,id,P7,s,n,scan,ok,0,x\n");
	rc = run(tl_cvr_read_clearballot, &src, &w, &l, &c, f, sizeof(f), m,
	    sizeof(m));
	CHECK(rc == TELLER_EPARSE && l == 3 && c == 27, "clear ballot bad "
	    "cell: %d %ld:%ld %s", rc, l, c, m);
	put("cb.csv", "RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,"
	    "BallotStyleID,PrecinctStyleName,ScanComputerName,Status,Remade,"
	    "Choice_1_1:Mayor:1:Vote For 1:Ann:Dem\n\n");
	EXPECT_FAIL(tl_cvr_read_clearballot, &src, TELLER_EPARSE, "cb.csv",
	    true, "clear ballot empty row");
	put("cb.csv", "");
	EXPECT_FAIL(tl_cvr_read_clearballot, &src, TELLER_EPARSE, "cb.csv",
	    false, "clear ballot empty file");
	src.path = tpath("none.csv");
	EXPECT_FAIL(tl_cvr_read_clearballot, &src, TELLER_EIO, "none.csv",
	    false, "clear ballot missing");
}

/* Allocation failures (TELLER_OOM=1): every reader on a small valid
 * input gives ENOMEM cleanly at each failing allocation, leaking none. */
struct oom_case {
	reader_fn rd;
	struct tl_cvr_source src;
};

static int
oom_cb(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	(void)ctx;
	(void)r;
	(*(long *)ud)++;
	return TELLER_OK;
}

static int
oom_reader(teller_ctx *ctx, void *arg)
{
	struct oom_case *oc = arg;
	long n = 0;

	return oc->rd(ctx, &oc->src, oom_cb, &n);
}

static void
test_oom(void)
{
	struct oom_case oc;
	size_t i;

	mkdir(tpath("odom"), 0700);
	for (i = 0; i < 4; i++) {
		char nm[256];
		if (snprintf(nm, sizeof(nm), "odom/%s", dom_manifests[i][0]) <
		    (int)sizeof(nm))
			put(nm, dom_manifests[i][1]);
	}
	put("odom/CvrExport.json", "{\"Sessions\":[" SESSION(1, true,
	    MARK(10, 1, false) "," MARK(11, 2, false)) "," SESSION(2, true,
	    MARK(12, 1, false)) "]}");
	src_init(&oc.src, "dominion", tpath("odom"), "1");
	oc.src.uwi_label = "12";
	oc.rd = tl_cvr_read_dominion;
	oom_loop("dominion", oom_reader, &oc);

	put("o.json", CDF_HEAD CDF_CVR("{\"ContestSelectionId\":\"sa\","
	    "\"Rank\":1},{\"ContestSelectionId\":\"sb\",\"Rank\":2}") "]}");
	src_init(&oc.src, "cdf", tpath("o.json"), "Mayor");
	oc.rd = tl_cvr_read_cdf;
	oom_loop("cdf json", oom_reader, &oc);

	put("o.xml", XHEAD XCVR(XSEL("sb", XPOS(2,
	    "<cdf:IsAllocable>yes</cdf:IsAllocable>")) XSEL("sa",
	    "<cdf:Rank>1</cdf:Rank>")) XTAIL);
	src_init(&oc.src, "cdf", tpath("o.xml"), "Mayor");
	oom_loop("cdf xml", oom_reader, &oc);

	mkdir(tpath("ohart"), 0700);
	put("ohart/a.xml", HART("K", HOPT("c1", "0101") HOPT("c2", "1")));
	src_init(&oc.src, "hart", tpath("ohart"), "K");
	oc.rd = tl_cvr_read_hart;
	oom_loop("hart", oom_reader, &oc);

	put("o.csv", "RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,"
	    "BallotStyleID,PrecinctStyleName,ScanComputerName,Status,Remade,"
	    "Choice_1_1:Mayor:1:Vote For 1:Ann:Dem,"
	    "Choice_2_1:Mayor:2:Vote For 1:Bob:Rep\n"
	    "1,b,1,id,P7,s,n,scan,ok,0,1,1\n2,b,2,id2,P8,s,n,scan,ok,0,0,1\n");
	src_init(&oc.src, "clearBallot", tpath("o.csv"), "Mayor");
	oc.rd = tl_cvr_read_clearballot;
	oom_loop("clear ballot", oom_reader, &oc);
}

int
main(void)
{
	char cmd[300];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/t_cvr_readers.%ld",
	    (long)getpid());
	if (mkdir(tmpdir, 0700) != 0) {
		CHECK(0, "cannot create %s", tmpdir);
		return h_done();
	}
	if (oom_enabled()) {
		test_oom();
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
		return h_done();
	}
	test_dominion();
	test_cdf_json();
	test_cdf_xml();
	test_hart();
	test_clearballot();
	test_cases();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return h_done();
}
