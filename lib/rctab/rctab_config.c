/* SPDX-License-Identifier: MIT */
/*
 * rctab_config.c -- read an RCTab contest config (JSON) into a
 * validated struct tl_rctab_cfg, refusing what RCTab 2.0.1's
 * ContestConfig.validate() refuses (rctab.md 3). Jackson's leniency is
 * kept: string fields take numbers, boolean fields take "true"/"false"
 * strings, unknown keys are ignored.
 */
#include <stdio.h>
#include <string.h>

#include "cvr_util.h"
#include "rctab.h"
#include "tl_io.h"

#define CFAIL(ctx, ...) tl_fail((ctx), TELLER_ECONFIG, __VA_ARGS__)

/* Text of a string-typed field: "" when missing or null; numbers as
 * written. Returns NULL (error recorded) for other JSON types. */
static const char *
sfield(teller_ctx *ctx, const struct tl_jv *obj, const char *key,
    const char *where)
{
	const struct tl_jv *v = tl_jv_get(obj, key);
	char buf[64];

	if (v == NULL || tl_jv_is(v, TL_JNULL))
		return "";
	if (tl_jv_is(v, TL_JSTR))
		return tl_strdup(ctx, v->u.s);
	if (tl_jv_is(v, TL_JINT)) {
		snprintf(buf, sizeof buf, "%lld", v->u.i);
		return tl_strdup(ctx, buf);
	}
	CFAIL(ctx, "%s%s: expected a string", where, key);
	return NULL;
}

/* Nullable text (NULL when missing/null), for echoed fields. */
static int
nfield(teller_ctx *ctx, const struct tl_jv *obj, const char *key,
    const char **out)
{
	const struct tl_jv *v = tl_jv_get(obj, key);

	*out = NULL;
	if (v == NULL || tl_jv_is(v, TL_JNULL))
		return TELLER_OK;
	*out = sfield(ctx, obj, key, "outputSettings.");
	return *out == NULL ? TELLER_ECONFIG : TELLER_OK;
}

static int
bfield(teller_ctx *ctx, const struct tl_jv *obj, const char *key,
    const char *where, bool *out)
{
	const struct tl_jv *v = tl_jv_get(obj, key);

	*out = false;
	if (v == NULL || tl_jv_is(v, TL_JNULL))
		return TELLER_OK;
	if (tl_jv_isbool(v)) {
		*out = tl_jv_is(v, TL_JTRUE);
		return TELLER_OK;
	}
	if (tl_jv_is(v, TL_JSTR)) {
		const char *s = v->u.s;
		if (tl_text_ieqz(s, "true") || tl_text_ieqz(s, "false") ||
		    *s == '\0') {
			*out = tl_text_ieqz(s, "true");
			return TELLER_OK;
		}
	}
	return CFAIL(ctx, "%s%s: expected true or false", where, key);
}

static bool
blank(const char *s)
{
	while (*s != '\0' && tl_text_space((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* Java Integer.parseInt: optional sign, digits, fits in int32. */
static bool
parse_int(const char *s, long long lo, long long hi, long long *out)
{
	long long v;
	uint64_t u;
	bool neg = false;
	long k;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	k = tl_text_uint(s, strlen(s), (uint64_t)1 << 48, &u);
	if (k <= 0 || s[k] != '\0')
		return false;
	v = (long long)u;
	if (neg)
		v = -v;
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Trimmed copy (Java String.trim: chars <= ' '). */
static const char *
trim(teller_ctx *ctx, const char *s)
{
	size_t n;

	while (*s != '\0' && (unsigned char)*s <= ' ')
		s++;
	n = strlen(s);
	while (n > 0 && (unsigned char)s[n - 1] <= ' ')
		n--;
	return tl_strndup(ctx, s, n);
}

static bool
reserved(const char *s)
{
	return tl_text_ieqz(s, "residual surplus") ||
	    tl_text_ieqz(s, "exhausted") || tl_text_ieqz(s, "uncounted");
}

/* An optional 1-based column index in [1, 1000]: 0 when blank. */
static int
colfield(teller_ctx *ctx, const struct tl_jv *o, const char *key, int i,
    int *out, bool allowed)
{
	const char *s = sfield(ctx, o, key, "");
	long long v;

	*out = 0;
	if (s == NULL)
		return TELLER_ECONFIG;
	if (blank(s))
		return TELLER_OK;
	if (!allowed)
		return CFAIL(ctx, "cvrFileSources[%d].%s: not allowed for "
		    "this provider", i, key);
	if (!parse_int(s, 1, 1000, &v))
		return CFAIL(ctx, "cvrFileSources[%d].%s: \"%s\" is not an "
		    "integer from 1 to 1000", i, key, s);
	*out = (int)v;
	return TELLER_OK;
}

/* The source's provider, found in the provider table. */
static int
src_provider(teller_ctx *ctx, const struct tl_jv *o, int i,
    const struct tl_cvr_provider **pv, struct tl_cvr_source *src)
{
	const struct tl_cvr_provider *q;
	const char *prov;
	char names[128];
	size_t k = 0;
	int j;

	if ((prov = sfield(ctx, o, "provider", "")) == NULL)
		return TELLER_ECONFIG;
	if ((*pv = tl_cvr_provider_find(prov)) == NULL) {
		names[0] = '\0';
		for (j = 0; (q = tl_cvr_provider_at(j)) != NULL; j++)
			k += (size_t)snprintf(names + k, k < sizeof names ?
			    sizeof names - k : 0, "%s%s", j > 0 ? ", " : "",
			    q->name);
		return CFAIL(ctx, "cvrFileSources[%d].provider: \"%s\" is not "
		    "one of %s", i, prov, names);
	}
	src->provider = prov;
	return TELLER_OK;
}

/* The source's filePath, made relative to the config's folder, which
 * must name something that exists (and for CDF, end in .json or .xml). */
static int
src_path(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *o,
    int i, const struct tl_cvr_provider *pv, struct tl_cvr_source *src)
{
	const char *path;
	size_t n;

	if ((path = sfield(ctx, o, "filePath", "")) == NULL)
		return TELLER_ECONFIG;
	if (blank(path))
		return CFAIL(ctx, "cvrFileSources[%d].filePath: missing", i);
	src->raw_path = path;
	if (path[0] == '/' || strcmp(cfg->dir, ".") == 0) {
		src->path = path;
	} else {
		n = strlen(cfg->dir) + strlen(path) + 2;
		char *p = tl_alloc(ctx, n, 1);
		if (p == NULL)
			return TELLER_ENOMEM;
		snprintf(p, n, "%s/%s", cfg->dir, path);
		src->path = p;
	}
	if (pv->kind == TL_CVR_CDF && cfg->by_precinct)
		return CFAIL(ctx, "cvrFileSources[%d].provider: "
		    "tabulateByPrecinct may not be used with CDF files", i);
	if (pv->kind == TL_CVR_CDF) {
		n = strlen(path);
		if (n < 5 || (!tl_text_iends(path, n, ".json") &&
		    !tl_text_iends(path, n, ".xml")))
			return CFAIL(ctx, "cvrFileSources[%d].filePath: a CDF "
			    "file must end in .json or .xml", i);
	}
	if (tl_io_kind(ctx, src->path) == TELLER_PATH_NONE)
		return CFAIL(ctx, "cvrFileSources[%d].filePath: %s does not "
		    "exist", i, src->path);
	return TELLER_OK;
}

/* A first vote column or row index: an integer from 1 to max for a
 * row-and-column provider (rowcol), blank for the others. */
static int
src_first(teller_ctx *ctx, const struct tl_jv *o, const char *key, int i,
    bool rowcol, const char *prov, long long max, int *out)
{
	const char *s;
	long long v;

	if ((s = sfield(ctx, o, key, "")) == NULL)
		return TELLER_ECONFIG;
	if (rowcol) {
		if (!parse_int(s, 1, max, &v))
			return CFAIL(ctx, "cvrFileSources[%d].%s: \"%s\" is "
			    "not an integer from 1 to %lld", i, key, s, max);
		*out = (int)v;
	} else if (!blank(s)) {
		return CFAIL(ctx, "cvrFileSources[%d].%s: not allowed for %s",
		    i, key, prov);
	}
	return TELLER_OK;
}

/* The source's contestId and column and row indexes. */
static int
src_columns(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *o,
    int i, const struct tl_cvr_provider *pv, struct tl_cvr_source *src)
{
	const char *prov = src->provider, *s;
	bool ess = pv->kind == TL_CVR_ESS, rowcol = pv->rowcol;
	int rc;

	if ((s = sfield(ctx, o, "contestId", "")) == NULL)
		return TELLER_ECONFIG;
	if (rowcol && !blank(s))
		return CFAIL(ctx, "cvrFileSources[%d].contestId: must be "
		    "blank for %s", i, prov);
	if (!rowcol && blank(s))
		return CFAIL(ctx, "cvrFileSources[%d].contestId: required for "
		    "%s", i, prov);
	src->contest_id = s;
	if ((rc = src_first(ctx, o, "firstVoteColumnIndex", i, rowcol, prov,
	    1000, &src->first_vote_col)) != TELLER_OK ||
	    (rc = src_first(ctx, o, "firstVoteRowIndex", i, rowcol, prov,
	    100000, &src->first_vote_row)) != TELLER_OK)
		return rc;
	if ((rc = colfield(ctx, o, "idColumnIndex", i, &src->id_col,
	    rowcol)) != TELLER_OK ||
	    (rc = colfield(ctx, o, "precinctColumnIndex", i,
	    &src->precinct_col, rowcol)) != TELLER_OK ||
	    (rc = colfield(ctx, o, "batchColumnIndex", i, &src->batch_col,
	    rowcol)) != TELLER_OK)
		return rc;
	if (ess && cfg->by_precinct && src->precinct_col == 0)
		return CFAIL(ctx, "cvrFileSources[%d].precinctColumnIndex: "
		    "required when tabulateByPrecinct is set", i);
	if (ess && cfg->by_batch && src->batch_col == 0)
		return CFAIL(ctx, "cvrFileSources[%d].batchColumnIndex: "
		    "required when tabulateByBatch is set", i);
	return TELLER_OK;
}

/* The source's overvote delimiter: only for row-and-column providers,
 * no backslash, not only letters, digits and safe punctuation, and not
 * with an overvote label. */
static int
src_delimiter(teller_ctx *ctx, int i, bool rowcol,
    const struct tl_cvr_source *src)
{
	const char *s = src->overvote_delimiter, *p;
	bool onlysafe = true;

	if (*s == '\0')
		return TELLER_OK;
	if (!rowcol)
		return CFAIL(ctx, "cvrFileSources[%d].overvoteDelimiter: not "
		    "allowed for %s", i, src->provider);
	if (strchr(s, '\\') != NULL)
		return CFAIL(ctx, "cvrFileSources[%d].overvoteDelimiter: must "
		    "not contain a backslash", i);
	for (p = s; *p != '\0'; p++)
		if (!tl_text_alnum((unsigned char)*p) &&
		    strchr(".',-\" \t\r\n\f\v", *p) == NULL)
			onlysafe = false;
	if (onlysafe)
		return CFAIL(ctx, "cvrFileSources[%d].overvoteDelimiter: "
		    "\"%s\" is not a valid delimiter", i, s);
	if (*src->overvote_label != '\0')
		return CFAIL(ctx, "cvrFileSources[%d].overvoteDelimiter: "
		    "cannot be combined with overvoteLabel", i);
	return TELLER_OK;
}

/* The source's three labels: none a reserved word, no two the same. */
static int
src_label_clash(teller_ctx *ctx, int i, const struct tl_cvr_source *src)
{
	const char *lab[3] = { src->overvote_label, src->skipped_rank_label,
	    src->uwi_label };
	static const char *const lname[3] = { "overvoteLabel",
	    "skippedRankLabel", "undeclaredWriteInLabel" };
	int a, b;

	for (a = 0; a < 3; a++) {
		if (*lab[a] == '\0')
			continue;
		if (reserved(lab[a]))
			return CFAIL(ctx, "cvrFileSources[%d].%s: \"%s\" is a "
			    "reserved word", i, lname[a], lab[a]);
		for (b = a + 1; b < 3; b++)
			if (tl_text_ieqz(lab[a], lab[b]))
				return CFAIL(ctx, "cvrFileSources[%d].%s: same "
				    "as %s", i, lname[b], lname[a]);
	}
	return TELLER_OK;
}

/* The source's labels and overvote delimiter, each checked against the
 * provider and the rules. */
static int
src_labels(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *o,
    int i, const struct tl_cvr_provider *pv, struct tl_cvr_source *src)
{
	const char *prov = src->provider;
	bool rowcol = pv->rowcol;
	int rc;

	if ((src->overvote_delimiter = sfield(ctx, o, "overvoteDelimiter",
	    "")) == NULL ||
	    (src->overvote_label = sfield(ctx, o, "overvoteLabel", "")) ==
	    NULL ||
	    (src->skipped_rank_label = sfield(ctx, o, "skippedRankLabel",
	    "")) == NULL ||
	    (src->uwi_label = sfield(ctx, o, "undeclaredWriteInLabel",
	    "")) == NULL)
		return TELLER_ECONFIG;
	src->overvote_label = trim(ctx, src->overvote_label);
	src->skipped_rank_label = trim(ctx, src->skipped_rank_label);
	src->uwi_label = trim(ctx, src->uwi_label);
	if (src->overvote_label == NULL || src->skipped_rank_label == NULL ||
	    src->uwi_label == NULL)
		return TELLER_ENOMEM;
	if ((rc = bfield(ctx, o, "treatBlankAsUndeclaredWriteIn",
	    "cvrFileSources[].", &src->blank_is_uwi)) != TELLER_OK)
		return rc;
	if ((rc = src_delimiter(ctx, i, rowcol, src)) != TELLER_OK)
		return rc;
	if (pv->kind == TL_CVR_ESS && cfg->overvote == TL_OV_MULTI &&
	    *src->overvote_delimiter == '\0')
		return CFAIL(ctx, "cvrFileSources[%d].overvoteDelimiter: "
		    "required when overvoteRule is "
		    "exhaustIfMultipleContinuing", i);
	if (*src->overvote_label != '\0') {
		if (cfg->overvote != TL_OV_SKIP &&
		    cfg->overvote != TL_OV_EXHAUST)
			return CFAIL(ctx, "cvrFileSources[%d].overvoteLabel: "
			    "needs overvoteRule alwaysSkipToNextRank or "
			    "exhaustImmediately", i);
		if (!pv->overvote_label)
			return CFAIL(ctx, "cvrFileSources[%d].overvoteLabel: "
			    "not allowed for %s", i, prov);
	}
	if (*src->skipped_rank_label != '\0' && !rowcol)
		return CFAIL(ctx, "cvrFileSources[%d].skippedRankLabel: not "
		    "allowed for %s", i, prov);
	if (src->blank_is_uwi && !rowcol)
		return CFAIL(ctx, "cvrFileSources[%d]."
		    "treatBlankAsUndeclaredWriteIn: not allowed for %s", i,
		    prov);
	return src_label_clash(ctx, i, src);
}

static int
load_source(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *o,
    int i, struct tl_cvr_source *src)
{
	const struct tl_cvr_provider *pv;
	int rc;

	if (!tl_jv_is(o, TL_JOBJ))
		return CFAIL(ctx, "cvrFileSources[%d]: expected an object", i);
	if ((rc = src_provider(ctx, o, i, &pv, src)) != TELLER_OK ||
	    (rc = src_path(ctx, cfg, o, i, pv, src)) != TELLER_OK ||
	    (rc = src_columns(ctx, cfg, o, i, pv, src)) != TELLER_OK ||
	    (rc = src_labels(ctx, cfg, o, i, pv, src)) != TELLER_OK)
		return rc;
	if (*src->uwi_label != '\0' || src->blank_is_uwi)
		cfg->uwi = true;
	return TELLER_OK;
}

static const char *const tbs[] = { "random", "stopCountingAndAsk",
    "previousRoundCountsThenRandom", "previousRoundCountsThenAsk",
    "useCandidateOrder", "generatePermutation", NULL };

/* rules.<key>, one of names: its index into *out. what: the kind of
 * value, for the message. */
static int
rules_enum(teller_ctx *ctx, const struct tl_jv *r, const char *key,
    const char *const *names, const char *what, int *out)
{
	const char *s;
	int k;

	if ((s = sfield(ctx, r, key, "rules.")) == NULL)
		return TELLER_ECONFIG;
	for (k = 0; names[k] != NULL && strcmp(names[k], s) != 0; k++)
		;
	if (names[k] == NULL)
		return CFAIL(ctx, "rules.%s: \"%s\" is not a valid %s", key, s,
		    what);
	*out = k;
	return TELLER_OK;
}

/* The tie-break mode, overvote rule and winner election mode, and the
 * random seed (required by the random tie-break modes). */
static int
rules_modes(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *r)
{
	static const char *const ovs[] = { "alwaysSkipToNextRank",
	    "exhaustImmediately", "exhaustIfMultipleContinuing", NULL };
	static const char *const wms[] = { "singleWinnerMajority",
	    "multiWinnerAllowOnlyOneWinnerPerRound",
	    "multiWinnerAllowMultipleWinnersPerRound", "bottomsUp",
	    "bottomsUpUsingPercentageThreshold", "multiPassIrv", NULL };
	const char *s;
	long long v;
	int rc, k;

	if ((rc = rules_enum(ctx, r, "tiebreakMode", tbs, "tie-break mode",
	    &k)) != TELLER_OK)
		return rc;
	cfg->tiebreak = k;
	if ((rc = rules_enum(ctx, r, "overvoteRule", ovs, "overvote rule",
	    &k)) != TELLER_OK)
		return rc;
	cfg->overvote = k;
	if ((rc = rules_enum(ctx, r, "winnerElectionMode", wms,
	    "winner election mode", &k)) != TELLER_OK)
		return rc;
	cfg->mode = k;
	if ((s = sfield(ctx, r, "randomSeed", "rules.")) == NULL)
		return TELLER_ECONFIG;
	if (!blank(s)) {
		if (!parse_int(s, -140737488355328LL, 140737488355327LL, &v))
			return CFAIL(ctx, "rules.randomSeed: \"%s\" is not an "
			    "integer from -2^47 to 2^47-1", s);
		cfg->seed = v;
		cfg->has_seed = true;
	} else if (cfg->tiebreak == TL_TB_RANDOM ||
	    cfg->tiebreak == TL_TB_PREV_RANDOM ||
	    cfg->tiebreak == TL_TB_PERM) {
		return CFAIL(ctx, "rules.randomSeed: required for tiebreakMode "
		    "\"%s\"", tbs[cfg->tiebreak]);
	}
	return TELLER_OK;
}

/* Seats, decimal places and the skipped-rank and ranking limits. */
static int
rules_numbers(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *r)
{
	const char *s;
	long long v;

	if ((s = sfield(ctx, r, "numberOfWinners", "rules.")) == NULL)
		return TELLER_ECONFIG;
	if (!parse_int(s, 0, 1000000, &v))
		return CFAIL(ctx, "rules.numberOfWinners: \"%s\" is not an "
		    "integer >= 0", s);
	cfg->seats = (int)v;
	if ((s = sfield(ctx, r, "decimalPlacesForVoteArithmetic", "rules."))
	    == NULL)
		return TELLER_ECONFIG;
	if (!parse_int(s, 1, 20, &v))
		return CFAIL(ctx, "rules.decimalPlacesForVoteArithmetic: "
		    "\"%s\" is not an integer from 1 to 20", s);
	cfg->dp = (int)v;
	if ((s = sfield(ctx, r, "maxSkippedRanksAllowed", "rules.")) == NULL)
		return TELLER_ECONFIG;
	if (tl_text_ieqz(s, "unlimited"))
		cfg->max_skip = -1;
	else if (parse_int(s, 0, 1000000, &v))
		cfg->max_skip = (int)v;
	else
		return CFAIL(ctx, "rules.maxSkippedRanksAllowed: \"%s\" is not "
		    "\"unlimited\" or an integer >= 0", s);
	if ((s = sfield(ctx, r, "maxRankingsAllowed", "rules.")) == NULL)
		return TELLER_ECONFIG;
	if (strcmp(s, "max") == 0)
		cfg->max_rank = 0;
	else if (parse_int(s, 1, 1000000, &v))
		cfg->max_rank = (int)v;
	else
		return CFAIL(ctx, "rules.maxRankingsAllowed: \"%s\" is not "
		    "\"max\" or an integer >= 1", s);
	return TELLER_OK;
}

/* The boolean rules and stopTabulationEarlyAfterRound. */
static int
rules_flags(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *r)
{
	const char *s;
	long long v;
	int rc;

	if ((rc = bfield(ctx, r, "nonIntegerWinningThreshold", "rules.",
	    &cfg->non_integer)) != TELLER_OK ||
	    (rc = bfield(ctx, r, "hareQuota", "rules.", &cfg->hare)) !=
	    TELLER_OK ||
	    (rc = bfield(ctx, r, "batchElimination", "rules.", &cfg->batch))
	    != TELLER_OK ||
	    (rc = bfield(ctx, r, "cutoffElimination", "rules.",
	    &cfg->cutoff)) != TELLER_OK ||
	    (rc = bfield(ctx, r, "continueUntilTwoCandidatesRemain",
	    "rules.", &cfg->until_two)) != TELLER_OK ||
	    (rc = bfield(ctx, r, "doesFirstRoundDetermineThreshold",
	    "rules.", &cfg->first_round)) != TELLER_OK ||
	    (rc = bfield(ctx, r, "exhaustOnDuplicateCandidate", "rules.",
	    &cfg->dup_exhaust)) != TELLER_OK)
		return rc;
	if ((s = sfield(ctx, r, "stopTabulationEarlyAfterRound", "rules."))
	    == NULL)
		return TELLER_ECONFIG;
	if (!blank(s)) {
		if (!parse_int(s, 1, 1000000, &v))
			return CFAIL(ctx, "rules."
			    "stopTabulationEarlyAfterRound: \"%s\" is not an "
			    "integer >= 1", s);
		cfg->stop_after = (int)v;
	}
	return TELLER_OK;
}

/* multiSeatBottomsUpPercentageThreshold, as a fraction of 1. */
static int
rules_pct(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *r)
{
	struct tl_dec p, hundred = tl_dec_int(100);
	const char *s;

	if ((s = sfield(ctx, r, "multiSeatBottomsUpPercentageThreshold",
	    "rules.")) == NULL)
		return TELLER_ECONFIG;
	cfg->pct_text = s;
	if (cfg->seats != 0 && cfg->mode != TL_WM_BOTTOMS_PCT && blank(s))
		return TELLER_OK;
	if (tl_dec_parse(s, &p) != 0 || tl_dec_cmp(p, tl_dec_int(1)) < 0 ||
	    tl_dec_cmp(p, hundred) > 0)
		return CFAIL(ctx, "rules.multiSeatBottomsUpPercentageThreshold"
		    ": \"%s\" is not a number from 1 to 100", s);
	/* pct.divide(100, scale + 2, HALF_UP) (rctab.md 3.5) */
	return tl_dec_div(ctx, p, hundred, p.s + 2, TL_ROUND_HALF_UP,
	    &cfg->pct);
}

/* The rules that tie fields together (rctab.md 3.5). */
static int
rules_cross(teller_ctx *ctx, const struct tl_rctab_cfg *cfg)
{
	if (cfg->seats == 1 && cfg->mode != TL_WM_SINGLE)
		return CFAIL(ctx, "rules.winnerElectionMode: must be "
		    "singleWinnerMajority with one seat");
	if ((cfg->seats == 0) != (cfg->mode == TL_WM_BOTTOMS_PCT))
		return CFAIL(ctx, "rules.winnerElectionMode: "
		    "bottomsUpUsingPercentageThreshold goes with "
		    "numberOfWinners 0, and only with it");
	if (cfg->non_integer && cfg->hare)
		return CFAIL(ctx, "rules.hareQuota: cannot be combined with "
		    "nonIntegerWinningThreshold");
	if ((cfg->non_integer || cfg->hare) && cfg->mode != TL_WM_MULTI_ONE
	    && cfg->mode != TL_WM_MULTI_MANY)
		return CFAIL(ctx, "rules.%s: only with a multiWinner mode",
		    cfg->hare ? "hareQuota" : "nonIntegerWinningThreshold");
	if (cfg->batch && ((cfg->seats > 1 && cfg->mode != TL_WM_MULTIPASS)
	    || cfg->mode == TL_WM_BOTTOMS_PCT))
		return CFAIL(ctx, "rules.batchElimination: not allowed with "
		    "more than one seat (unless multiPassIrv)");
	if (cfg->until_two && cfg->seats > 1 && cfg->mode != TL_WM_MULTIPASS)
		return CFAIL(ctx, "rules.continueUntilTwoCandidatesRemain: not "
		    "allowed with more than one seat (unless multiPassIrv)");
	if (cfg->first_round && cfg->seats > 1)
		return CFAIL(ctx, "rules.doesFirstRoundDetermineThreshold: not "
		    "allowed with more than one seat");
	return TELLER_OK;
}

static int
load_rules(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *r)
{
	int rc;

	if (!tl_jv_is(r, TL_JOBJ))
		return CFAIL(ctx, "rules: missing");
	if ((rc = rules_modes(ctx, cfg, r)) != TELLER_OK ||
	    (rc = rules_numbers(ctx, cfg, r)) != TELLER_OK ||
	    (rc = rules_flags(ctx, cfg, r)) != TELLER_OK ||
	    (rc = rules_pct(ctx, cfg, r)) != TELLER_OK)
		return rc;
	return rules_cross(ctx, cfg);
}

static int
load_cands(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *a)
{
	size_t i, k;
	int nout = 0;
	const struct tl_jv *c, *al, *x;

	if (!tl_jv_is(a, TL_JARR) || tl_jv_len(a) == 0)
		return CFAIL(ctx, "candidates: no candidates specified");
	cfg->ncand = (int)tl_jv_len(a);
	if (cfg->ncand > ctx->lim.candidates)
		return tl_fail(ctx, TELLER_ELIMIT, "candidates: more than %d",
		    ctx->lim.candidates);
	cfg->cands = tl_alloc(ctx, (size_t)cfg->ncand, sizeof *cfg->cands);
	if (cfg->cands == NULL)
		return TELLER_ENOMEM;
	for (i = 0, c = tl_jv_first(a); c != NULL; i++, c = tl_jv_next(c)) {
		struct tl_rctab_cand *cd = &cfg->cands[i];
		const char *s;
		if (!tl_jv_is(c, TL_JOBJ))
			return CFAIL(ctx, "candidates[%zu]: expected an object",
			    i);
		if ((s = sfield(ctx, c, "name", "candidates[].")) == NULL)
			return TELLER_ECONFIG;
		if (blank(s))
			return CFAIL(ctx, "candidates[%zu].name: missing", i);
		if ((cd->name = trim(ctx, s)) == NULL)
			return TELLER_ENOMEM;
		if (bfield(ctx, c, "excluded", "candidates[].",
		    &cd->excluded) != TELLER_OK)
			return TELLER_ECONFIG;
		if (!cd->excluded)
			nout++;
		al = tl_jv_get(c, "aliases");
		if (al != NULL && !tl_jv_is(al, TL_JARR) &&
		    !tl_jv_is(al, TL_JNULL))
			return CFAIL(ctx, "candidates[%zu].aliases: expected a "
			    "list of strings", i);
		k = tl_jv_is(al, TL_JARR) ? tl_jv_len(al) : 0;
		cd->aliases = tl_alloc(ctx, k + 1, sizeof(char *));
		if (cd->aliases == NULL)
			return TELLER_ENOMEM;
		for (x = tl_jv_first(al); x != NULL; x = tl_jv_next(x)) {
			if (!tl_jv_is(x, TL_JSTR))
				return CFAIL(ctx, "candidates[%zu].aliases: "
				    "expected strings", i);
			s = trim(ctx, x->u.s);
			if (s == NULL)
				return TELLER_ENOMEM;
			if (*s != '\0')
				cd->aliases[cd->naliases++] = s;
		}
		if ((s = sfield(ctx, c, "code", "candidates[].")) == NULL)
			return TELLER_ECONFIG;
		if (!blank(s) && (s = trim(ctx, s)) != NULL)
			cd->aliases[cd->naliases++] = s;
	}
	if (nout == 0)
		return CFAIL(ctx, "candidates: every candidate is excluded");
	return TELLER_OK;
}

/* Names and aliases unique, not reserved, not equal to a label. */
static int
check_names(teller_ctx *ctx, struct tl_rctab_cfg *cfg)
{
	int i, j, a, b, s;

	for (i = 0; i < cfg->ncand; i++) {
		const struct tl_rctab_cand *c = &cfg->cands[i];
		for (a = -1; a < c->naliases; a++) {
			const char *x = a < 0 ? c->name : c->aliases[a];
			if (reserved(x) || strcmp(x, TL_CVR_UWI) == 0 ||
			    strcmp(x, TL_CVR_OVERVOTE) == 0)
				return CFAIL(ctx, "candidates[%d]: \"%s\" is a "
				    "reserved name", i, x);
			for (s = 0; s < cfg->nsrc; s++) {
				const struct tl_cvr_source *src = &cfg->src[s];
				const char *ov = src->overvote_label;
				const char *sk = src->skipped_rank_label;
				const char *uw = src->uwi_label;
				if ((*ov != '\0' && tl_text_ieqz(x, ov)) ||
				    (*sk != '\0' && tl_text_ieqz(x, sk)) ||
				    (*uw != '\0' && tl_text_ieqz(x, uw)))
					return CFAIL(ctx, "candidates[%d]: "
					    "\"%s\" is also a CVR label", i, x);
			}
			for (j = i; j < cfg->ncand; j++) {
				const struct tl_rctab_cand *d = &cfg->cands[j];
				for (b = -1; b < d->naliases; b++) {
					const char *y = b < 0 ? d->name :
					    d->aliases[b];
					if ((j > i || b > a) &&
					    strcmp(x, y) == 0)
						return CFAIL(ctx,
						    "candidates[%d]: duplicate "
						    "name or alias \"%s\"", j,
						    y);
				}
			}
		}
	}
	return TELLER_OK;
}

/* Length of the JSON number at s (RFC 8259 grammar), 0 if none. */
static size_t
json_number(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0') {
		i++;
	} else {
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

/* Copy the config text with every number literal outside strings made
 * a string of the same text: Jackson hands a JSON number to RCTab's
 * string-typed fields as the text written (rctab.md 3), so "0.5" and
 * 0.5 mean the same and no value ever passes through a double. */
static int
quote_numbers(teller_ctx *ctx, const char *s, size_t n, char **out,
    size_t *outn)
{
	size_t i, k = 0, cap = n + 64, len;
	bool instr = false;
	char *d = tl_alloc(ctx, cap, 1);

	if (d == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < n;) {
		if (k + 4 > cap) {
			char *nd = tl_alloc(ctx, cap * 2, 1);
			if (nd == NULL)
				return TELLER_ENOMEM;
			memcpy(nd, d, k);
			d = nd;
			cap *= 2;
		}
		if (instr) {
			if (s[i] == '\\' && i + 1 < n) {
				d[k++] = s[i++];
			} else if (s[i] == '"') {
				instr = false;
			}
			d[k++] = s[i++];
			continue;
		}
		if (s[i] == '"') {
			instr = true;
			d[k++] = s[i++];
			continue;
		}
		if ((s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) &&
		    (len = json_number(s + i, n - i)) > 0) {
			if (k + len + 2 > cap) {
				size_t nc = (k + len + 2) * 2;
				char *nd = tl_alloc(ctx, nc, 1);
				if (nd == NULL)
					return TELLER_ENOMEM;
				memcpy(nd, d, k);
				d = nd;
				cap = nc;
			}
			d[k++] = '"';
			memcpy(d + k, s + i, len);
			k += len;
			d[k++] = '"';
			i += len;
			continue;
		}
		d[k++] = s[i++];
	}
	*out = d;
	*outn = k;
	return TELLER_OK;
}

/* Map and parse the config at path into d (numbers quoted); *root
 * valid until d is freed. */
static int
config_parse(teller_ctx *ctx, const char *path, struct tl_jdoc *d,
    const struct tl_jv **root)
{
	const struct tl_jv *r0;
	struct tl_jerr je;
	struct tl_map m;
	char *q;
	size_t qn;
	int rc;

	/* tl_io_map's message names the path itself */
	if ((rc = tl_io_map(ctx, NULL, path, &m)) != TELLER_OK)
		return rc;
	if ((rc = quote_numbers(ctx, m.buf, m.len, &q, &qn)) != TELLER_OK ||
	    (rc = tl_jdoc_init(ctx, d)) != TELLER_OK) {
		tl_io_unmap(&m);
		return rc;
	}
	rc = tl_jdoc_load(ctx, d, q, qn, TL_JNODUPS, &je, root);
	if (rc == TELLER_EPARSE) {
		/* report the place in the file as written */
		if (tl_jdoc_load(ctx, d, m.buf, m.len, TL_JNODUPS, &je, &r0)
		    == TELLER_ENOMEM)
			rc = TELLER_ENOMEM;
	}
	tl_io_unmap(&m);
	if (rc == TELLER_EPARSE)
		return tl_fail_in(ctx, path, TELLER_EPARSE, je.line, je.col,
		    "%s", je.text);
	return rc;
}

/* The tabulator version and the output settings. Any failure is
 * ECONFIG. */
static int
load_head(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *root)
{
	const struct tl_jv *os;
	const char *s;

	if (!tl_jv_is(root, TL_JOBJ))
		return CFAIL(ctx, "expected a JSON object");
	if ((s = sfield(ctx, root, "tabulatorVersion", "")) == NULL)
		return TELLER_ECONFIG;
	if (blank(s))
		return CFAIL(ctx, "tabulatorVersion: missing");
	if (strcmp(s, "TEST") != 0 && strcmp(s, "2.0.1") != 0)
		return CFAIL(ctx, "tabulatorVersion: \"%s\" is not supported",
		    s);
	os = tl_jv_get(root, "outputSettings");
	if (!tl_jv_is(os, TL_JOBJ))
		return CFAIL(ctx, "outputSettings: missing");
	if (nfield(ctx, os, "contestName", &cfg->contest) != TELLER_OK ||
	    nfield(ctx, os, "contestDate", &cfg->date) != TELLER_OK ||
	    nfield(ctx, os, "contestJurisdiction", &cfg->jurisdiction) !=
	    TELLER_OK ||
	    nfield(ctx, os, "contestOffice", &cfg->office) != TELLER_OK)
		return TELLER_ECONFIG;
	if (cfg->contest == NULL || blank(cfg->contest))
		return CFAIL(ctx, "outputSettings.contestName: missing");
	if (nfield(ctx, os, "outputDirectory", &cfg->out_dir) != TELLER_OK)
		return TELLER_ECONFIG;
	if (bfield(ctx, os, "tabulateByPrecinct", "outputSettings.",
	    &cfg->by_precinct) != TELLER_OK ||
	    bfield(ctx, os, "tabulateByBatch", "outputSettings.",
	    &cfg->by_batch) != TELLER_OK ||
	    bfield(ctx, os, "generateCdfJson", "outputSettings.",
	    &cfg->cdf_json) != TELLER_OK)
		return TELLER_ECONFIG;
	return TELLER_OK;
}

/* cvrFileSources: each source, no two with the same path. */
static int
load_sources(teller_ctx *ctx, struct tl_rctab_cfg *cfg,
    const struct tl_jv *srcs)
{
	const struct tl_jv *x;
	size_t i, j;
	int rc;

	if (!tl_jv_is(srcs, TL_JARR) || tl_jv_len(srcs) == 0)
		return CFAIL(ctx, "cvrFileSources: no CVR files specified");
	cfg->nsrc = (int)tl_jv_len(srcs);
	cfg->src = tl_alloc(ctx, (size_t)cfg->nsrc, sizeof *cfg->src);
	if (cfg->src == NULL)
		return TELLER_ENOMEM;
	for (i = 0, x = tl_jv_first(srcs); x != NULL; i++,
	    x = tl_jv_next(x)) {
		if ((rc = load_source(ctx, cfg, x, (int)i, &cfg->src[i])) !=
		    TELLER_OK)
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp(cfg->src[j].path, cfg->src[i].path) == 0)
				return CFAIL(ctx, "cvrFileSources[%zu].filePath"
				    ": duplicate of cvrFileSources[%zu]", i, j);
		cfg->src[i].max_rankings = cfg->max_rank;
	}
	return TELLER_OK;
}

/* Give every source the candidates' names. */
static int
share_names(teller_ctx *ctx, struct tl_rctab_cfg *cfg)
{
	const char **names = tl_alloc(ctx, (size_t)cfg->ncand + 1,
	    sizeof(char *));
	int k;

	if (names == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < cfg->ncand; k++)
		names[k] = cfg->cands[k].name;
	for (k = 0; k < cfg->nsrc; k++) {
		cfg->src[k].ncand = cfg->ncand;
		cfg->src[k].cand_names = names;
	}
	return TELLER_OK;
}

/* The config in root, read into cfg. */
static int
load_root(teller_ctx *ctx, struct tl_rctab_cfg *cfg, const struct tl_jv *root)
{
	int rc;

	if ((rc = load_head(ctx, cfg, root)) != TELLER_OK ||
	    (rc = load_rules(ctx, cfg, tl_jv_get(root, "rules"))) !=
	    TELLER_OK ||
	    (rc = load_sources(ctx, cfg, tl_jv_get(root,
	    "cvrFileSources"))) != TELLER_OK ||
	    (rc = load_cands(ctx, cfg, tl_jv_get(root, "candidates")))
	    != TELLER_OK || (rc = check_names(ctx, cfg)) != TELLER_OK)
		return rc;
	return share_names(ctx, cfg);
}

int
tl_rctab_config_load(teller_ctx *ctx, const char *path,
    struct tl_rctab_cfg **out)
{
	struct tl_rctab_cfg *cfg;
	const struct tl_jv *root = NULL;
	struct tl_jdoc d = { NULL, NULL, NULL };
	const char *slash;
	int rc;

	*out = NULL;
	/* The config is the input of teller_rctab_load: errors that name
	 * no input of their own (CFAIL) name it. */
	ctx->inname = path;
	if ((rc = config_parse(ctx, path, &d, &root)) != TELLER_OK)
		goto out;
	cfg = tl_alloc(ctx, 1, sizeof *cfg);
	if (cfg == NULL) {
		rc = TELLER_ENOMEM;
		goto out;
	}
	cfg->path = tl_strdup(ctx, path);
	slash = strrchr(path, '/');
	cfg->dir = slash == NULL ? "." : slash == path ? "/" :
	    tl_strndup(ctx, path, (size_t)(slash - path));
	if (cfg->path == NULL || cfg->dir == NULL) {
		rc = TELLER_ENOMEM;
		goto out;
	}
	if ((rc = load_root(ctx, cfg, root)) == TELLER_OK)
		*out = cfg;
out:
	tl_jdoc_free(&d);
	return rc;
}
