/* SPDX-License-Identifier: MIT */
/*
 * rctab_config.c -- read an RCTab contest config (JSON, jansson) into a
 * validated struct tl_rctab_cfg, refusing what RCTab 2.0.1's
 * ContestConfig.validate() refuses (rctab.md 3). Jackson's leniency is
 * kept: string fields take numbers, boolean fields take "true"/"false"
 * strings, unknown keys are ignored.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rctab.h"
#include "tl_io.h"

#define CFAIL(ctx, ...) tl_fail((ctx), TELLER_ECONFIG, __VA_ARGS__)

/* Text of a string-typed field: "" when missing or null; numbers as
 * written. Returns NULL (error recorded) for other JSON types. */
static const char *
sfield(teller_ctx *ctx, json_t *obj, const char *key, const char *where)
{
	json_t *v = json_object_get(obj, key);
	char buf[64];

	if (v == NULL || json_is_null(v))
		return "";
	if (json_is_string(v))
		return tl_strdup(ctx, json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%lld",
		    (long long)json_integer_value(v));
		return tl_strdup(ctx, buf);
	}
	CFAIL(ctx, "%s%s: expected a string", where, key);
	return NULL;
}

/* Nullable text (NULL when missing/null), for echoed fields. */
static int
nfield(teller_ctx *ctx, json_t *obj, const char *key, const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return TELLER_OK;
	*out = sfield(ctx, obj, key, "outputSettings.");
	return *out == NULL ? TELLER_ECONFIG : TELLER_OK;
}

static int
bfield(teller_ctx *ctx, json_t *obj, const char *key, const char *where,
    bool *out)
{
	json_t *v = json_object_get(obj, key);

	*out = false;
	if (v == NULL || json_is_null(v))
		return TELLER_OK;
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return TELLER_OK;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0
		    || *s == '\0') {
			*out = strcasecmp(s, "true") == 0;
			return TELLER_OK;
		}
	}
	return CFAIL(ctx, "%s%s: expected true or false", where, key);
}

static bool
blank(const char *s)
{
	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* Java Integer.parseInt: optional sign, digits, fits in int32. */
static bool
parse_int(const char *s, long long lo, long long hi, long long *out)
{
	long long v = 0;
	bool neg = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > (1LL << 48))
			return false;
	}
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
	return strcasecmp(s, "residual surplus") == 0 ||
	    strcasecmp(s, "exhausted") == 0 ||
	    strcasecmp(s, "uncounted") == 0;
}

/* An optional 1-based column index in [1, 1000]: 0 when blank. */
static int
colfield(teller_ctx *ctx, json_t *o, const char *key, int i, int *out,
    bool allowed)
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

static int
load_source(teller_ctx *ctx, struct tl_rctab_cfg *cfg, json_t *o, int i,
    struct tl_cvr_source *src)
{
	const struct tl_cvr_provider *pv;
	const char *prov, *path, *s;
	bool ess, rowcol;
	long long v;
	size_t n;
	int rc;

	if (!json_is_object(o))
		return CFAIL(ctx, "cvrFileSources[%d]: expected an object", i);
	if ((prov = sfield(ctx, o, "provider", "")) == NULL)
		return TELLER_ECONFIG;
	if ((pv = tl_cvr_provider_find(prov)) == NULL) {
		char names[128];
		size_t k = 0;
		int j;
		const struct tl_cvr_provider *q;
		names[0] = '\0';
		for (j = 0; (q = tl_cvr_provider_at(j)) != NULL; j++)
			k += (size_t)snprintf(names + k, k < sizeof names ?
			    sizeof names - k : 0, "%s%s", j > 0 ? ", " : "",
			    q->name);
		return CFAIL(ctx, "cvrFileSources[%d].provider: \"%s\" is not "
		    "one of %s", i, prov, names);
	}
	src->provider = prov;
	ess = pv->kind == TL_CVR_ESS;
	rowcol = pv->rowcol;
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
		if (n < 5 || (strcasecmp(path + n - 5, ".json") != 0 &&
		    strcasecmp(path + n - 4, ".xml") != 0))
			return CFAIL(ctx, "cvrFileSources[%d].filePath: a CDF "
			    "file must end in .json or .xml", i);
	}
	if (tl_io_kind(ctx, src->path) == TELLER_PATH_NONE)
		return CFAIL(ctx, "cvrFileSources[%d].filePath: %s does not "
		    "exist", i, src->path);
	if ((s = sfield(ctx, o, "contestId", "")) == NULL)
		return TELLER_ECONFIG;
	if (rowcol && !blank(s))
		return CFAIL(ctx, "cvrFileSources[%d].contestId: must be "
		    "blank for %s", i, prov);
	if (!rowcol && blank(s))
		return CFAIL(ctx, "cvrFileSources[%d].contestId: required for "
		    "%s", i, prov);
	src->contest_id = s;
	if ((s = sfield(ctx, o, "firstVoteColumnIndex", "")) == NULL)
		return TELLER_ECONFIG;
	if (rowcol) {
		if (!parse_int(s, 1, 1000, &v))
			return CFAIL(ctx, "cvrFileSources[%d]."
			    "firstVoteColumnIndex: \"%s\" is not an integer "
			    "from 1 to 1000", i, s);
		src->first_vote_col = (int)v;
	} else if (!blank(s)) {
		return CFAIL(ctx, "cvrFileSources[%d].firstVoteColumnIndex: "
		    "not allowed for %s", i, prov);
	}
	if ((s = sfield(ctx, o, "firstVoteRowIndex", "")) == NULL)
		return TELLER_ECONFIG;
	if (rowcol) {
		if (!parse_int(s, 1, 100000, &v))
			return CFAIL(ctx, "cvrFileSources[%d]."
			    "firstVoteRowIndex: \"%s\" is not an integer "
			    "from 1 to 100000", i, s);
		src->first_vote_row = (int)v;
	} else if (!blank(s)) {
		return CFAIL(ctx, "cvrFileSources[%d].firstVoteRowIndex: "
		    "not allowed for %s", i, prov);
	}
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
	s = src->overvote_delimiter;
	if (*s != '\0') {
		const char *p;
		bool onlysafe = true;
		if (!rowcol)
			return CFAIL(ctx, "cvrFileSources[%d].overvoteDelimiter"
			    ": not allowed for %s", i, prov);
		if (strchr(s, '\\') != NULL)
			return CFAIL(ctx, "cvrFileSources[%d].overvoteDelimiter"
			    ": must not contain a backslash", i);
		for (p = s; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) &&
			    strchr(".',-\" \t\r\n\f\v", *p) == NULL)
				onlysafe = false;
		if (onlysafe)
			return CFAIL(ctx, "cvrFileSources[%d].overvoteDelimiter"
			    ": \"%s\" is not a valid delimiter", i, s);
		if (*src->overvote_label != '\0')
			return CFAIL(ctx, "cvrFileSources[%d].overvoteDelimiter"
			    ": cannot be combined with overvoteLabel", i);
	}
	if (ess && cfg->overvote == TL_OV_MULTI && *s == '\0')
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
	{
		const char *lab[3] = { src->overvote_label,
		    src->skipped_rank_label, src->uwi_label };
		static const char *const lname[3] = { "overvoteLabel",
		    "skippedRankLabel", "undeclaredWriteInLabel" };
		int a, b;
		for (a = 0; a < 3; a++) {
			if (*lab[a] == '\0')
				continue;
			if (reserved(lab[a]))
				return CFAIL(ctx, "cvrFileSources[%d].%s: "
				    "\"%s\" is a reserved word", i, lname[a],
				    lab[a]);
			for (b = a + 1; b < 3; b++)
				if (strcasecmp(lab[a], lab[b]) == 0)
					return CFAIL(ctx, "cvrFileSources[%d]."
					    "%s: same as %s", i, lname[b],
					    lname[a]);
		}
	}
	if (*src->uwi_label != '\0' || src->blank_is_uwi)
		cfg->uwi = true;
	return TELLER_OK;
}

static int
load_rules(teller_ctx *ctx, struct tl_rctab_cfg *cfg, json_t *r)
{
	const char *s;
	long long v;
	int rc;
	static const char *const tbs[] = { "random", "stopCountingAndAsk",
	    "previousRoundCountsThenRandom", "previousRoundCountsThenAsk",
	    "useCandidateOrder", "generatePermutation", NULL };
	static const char *const ovs[] = { "alwaysSkipToNextRank",
	    "exhaustImmediately", "exhaustIfMultipleContinuing", NULL };
	static const char *const wms[] = { "singleWinnerMajority",
	    "multiWinnerAllowOnlyOneWinnerPerRound",
	    "multiWinnerAllowMultipleWinnersPerRound", "bottomsUp",
	    "bottomsUpUsingPercentageThreshold", "multiPassIrv", NULL };
	int k;

	if (!json_is_object(r))
		return CFAIL(ctx, "rules: missing");
	if ((s = sfield(ctx, r, "tiebreakMode", "rules.")) == NULL)
		return TELLER_ECONFIG;
	for (k = 0; tbs[k] != NULL && strcmp(tbs[k], s) != 0; k++)
		;
	if (tbs[k] == NULL)
		return CFAIL(ctx, "rules.tiebreakMode: \"%s\" is not a valid "
		    "tie-break mode", s);
	cfg->tiebreak = k;
	if ((s = sfield(ctx, r, "overvoteRule", "rules.")) == NULL)
		return TELLER_ECONFIG;
	for (k = 0; ovs[k] != NULL && strcmp(ovs[k], s) != 0; k++)
		;
	if (ovs[k] == NULL)
		return CFAIL(ctx, "rules.overvoteRule: \"%s\" is not a valid "
		    "overvote rule", s);
	cfg->overvote = k;
	if ((s = sfield(ctx, r, "winnerElectionMode", "rules.")) == NULL)
		return TELLER_ECONFIG;
	for (k = 0; wms[k] != NULL && strcmp(wms[k], s) != 0; k++)
		;
	if (wms[k] == NULL)
		return CFAIL(ctx, "rules.winnerElectionMode: \"%s\" is not a "
		    "valid winner election mode", s);
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
	if (strcasecmp(s, "unlimited") == 0)
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
	if ((s = sfield(ctx, r, "multiSeatBottomsUpPercentageThreshold",
	    "rules.")) == NULL)
		return TELLER_ECONFIG;
	cfg->pct_text = s;
	if (cfg->seats == 0 || cfg->mode == TL_WM_BOTTOMS_PCT || !blank(s)) {
		struct tl_dec p, hundred = tl_dec_int(100);
		if (tl_dec_parse(s, &p) != 0 ||
		    tl_dec_cmp(p, tl_dec_int(1)) < 0 ||
		    tl_dec_cmp(p, hundred) > 0)
			return CFAIL(ctx, "rules.multiSeatBottomsUpPercentage"
			    "Threshold: \"%s\" is not a number from 1 to 100",
			    s);
		/* pct.divide(100, scale + 2, HALF_UP) (rctab.md 3.5) */
		if ((rc = tl_dec_div(ctx, p, hundred, p.s + 2,
		    TL_ROUND_HALF_UP, &cfg->pct)) != TELLER_OK)
			return rc;
	}
	/* cross-field rules (rctab.md 3.5) */
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
load_cands(teller_ctx *ctx, struct tl_rctab_cfg *cfg, json_t *a)
{
	size_t i, j, k;
	int nout = 0;
	json_t *c, *al, *x;

	if (!json_is_array(a) || json_array_size(a) == 0)
		return CFAIL(ctx, "candidates: no candidates specified");
	cfg->ncand = (int)json_array_size(a);
	if (cfg->ncand > ctx->lim.candidates)
		return tl_fail(ctx, TELLER_ELIMIT, "candidates: more than %d",
		    ctx->lim.candidates);
	cfg->cands = tl_alloc(ctx, (size_t)cfg->ncand, sizeof *cfg->cands);
	if (cfg->cands == NULL)
		return TELLER_ENOMEM;
	json_array_foreach(a, i, c) {
		struct tl_rctab_cand *cd = &cfg->cands[i];
		const char *s;
		if (!json_is_object(c))
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
		al = json_object_get(c, "aliases");
		if (al != NULL && !json_is_array(al) && !json_is_null(al))
			return CFAIL(ctx, "candidates[%zu].aliases: expected a "
			    "list of strings", i);
		k = json_is_array(al) ? json_array_size(al) : 0;
		cd->aliases = tl_alloc(ctx, k + 1, sizeof(char *));
		if (cd->aliases == NULL)
			return TELLER_ENOMEM;
		for (j = 0; j < k; j++) {
			x = json_array_get(al, j);
			if (!json_is_string(x))
				return CFAIL(ctx, "candidates[%zu].aliases: "
				    "expected strings", i);
			s = trim(ctx, json_string_value(x));
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
				if ((*ov != '\0' && strcasecmp(x, ov) == 0) ||
				    (*sk != '\0' && strcasecmp(x, sk) == 0) ||
				    (*uw != '\0' && strcasecmp(x, uw) == 0))
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

int
tl_rctab_config_load(teller_ctx *ctx, const char *path,
    struct tl_rctab_cfg **out)
{
	struct tl_rctab_cfg *cfg;
	struct tl_map m;
	json_error_t jerr;
	json_t *root = NULL, *os, *srcs, *x;
	const char *s, *slash;
	char *q;
	size_t i, qn;
	int rc;

	*out = NULL;
	ctx->file = NULL; /* tl_io_map names the path itself */
	if ((rc = tl_io_map(ctx, path, &m)) != TELLER_OK)
		return rc;
	ctx->file = path;
	if ((rc = quote_numbers(ctx, m.buf, m.len, &q, &qn)) != TELLER_OK) {
		tl_io_unmap(&m);
		return rc;
	}
	root = json_loadb(q, qn, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		/* report the place in the file as written */
		json_t *r0 = json_loadb(m.buf, m.len, JSON_REJECT_DUPLICATES,
		    &jerr);
		json_decref(r0);
	}
	tl_io_unmap(&m);
	if (root == NULL)
		return tl_fail_at(ctx, TELLER_EPARSE, jerr.line, jerr.column,
		    "%s", jerr.text);
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
	rc = TELLER_ECONFIG;
	if (!json_is_object(root)) {
		CFAIL(ctx, "expected a JSON object");
		goto out;
	}
	if ((s = sfield(ctx, root, "tabulatorVersion", "")) == NULL)
		goto out;
	if (blank(s)) {
		CFAIL(ctx, "tabulatorVersion: missing");
		goto out;
	}
	if (strcmp(s, "TEST") != 0 && strcmp(s, "2.0.1") != 0) {
		CFAIL(ctx, "tabulatorVersion: \"%s\" is not supported", s);
		goto out;
	}
	os = json_object_get(root, "outputSettings");
	if (!json_is_object(os)) {
		CFAIL(ctx, "outputSettings: missing");
		goto out;
	}
	if (nfield(ctx, os, "contestName", &cfg->contest) != TELLER_OK ||
	    nfield(ctx, os, "contestDate", &cfg->date) != TELLER_OK ||
	    nfield(ctx, os, "contestJurisdiction", &cfg->jurisdiction) !=
	    TELLER_OK ||
	    nfield(ctx, os, "contestOffice", &cfg->office) != TELLER_OK)
		goto out;
	if (cfg->contest == NULL || blank(cfg->contest)) {
		CFAIL(ctx, "outputSettings.contestName: missing");
		goto out;
	}
	if (nfield(ctx, os, "outputDirectory", &cfg->out_dir) != TELLER_OK)
		goto out;
	if (bfield(ctx, os, "tabulateByPrecinct", "outputSettings.",
	    &cfg->by_precinct) != TELLER_OK ||
	    bfield(ctx, os, "tabulateByBatch", "outputSettings.",
	    &cfg->by_batch) != TELLER_OK ||
	    bfield(ctx, os, "generateCdfJson", "outputSettings.",
	    &cfg->cdf_json) != TELLER_OK)
		goto out;
	if ((rc = load_rules(ctx, cfg, json_object_get(root, "rules"))) !=
	    TELLER_OK)
		goto out;
	rc = TELLER_ECONFIG;
	srcs = json_object_get(root, "cvrFileSources");
	if (!json_is_array(srcs) || json_array_size(srcs) == 0) {
		CFAIL(ctx, "cvrFileSources: no CVR files specified");
		goto out;
	}
	cfg->nsrc = (int)json_array_size(srcs);
	cfg->src = tl_alloc(ctx, (size_t)cfg->nsrc, sizeof *cfg->src);
	if (cfg->src == NULL) {
		rc = TELLER_ENOMEM;
		goto out;
	}
	json_array_foreach(srcs, i, x) {
		size_t j;
		if ((rc = load_source(ctx, cfg, x, (int)i, &cfg->src[i])) !=
		    TELLER_OK)
			goto out;
		for (j = 0; j < i; j++)
			if (strcmp(cfg->src[j].path, cfg->src[i].path) == 0) {
				rc = CFAIL(ctx, "cvrFileSources[%zu].filePath: "
				    "duplicate of cvrFileSources[%zu]", i, j);
				goto out;
			}
		cfg->src[i].max_rankings = cfg->max_rank;
	}
	if ((rc = load_cands(ctx, cfg, json_object_get(root, "candidates")))
	    != TELLER_OK || (rc = check_names(ctx, cfg)) != TELLER_OK)
		goto out;
	{
		const char **names = tl_alloc(ctx, (size_t)cfg->ncand + 1,
		    sizeof(char *));
		int k;
		if (names == NULL) {
			rc = TELLER_ENOMEM;
			goto out;
		}
		for (k = 0; k < cfg->ncand; k++)
			names[k] = cfg->cands[k].name;
		for (k = 0; k < cfg->nsrc; k++) {
			cfg->src[k].ncand = cfg->ncand;
			cfg->src[k].cand_names = names;
		}
	}
	*out = cfg;
	rc = TELLER_OK;
out:
	json_decref(root);
	return rc;
}
