/* SPDX-License-Identifier: MIT */
/*
 * rctab_tab.c -- RCTab's tabulator (rctab.md 4, 5): reads every CVR source
 * through the readers of rctab_cvr.h, merging identical ballots (same rank
 * slots and, when slices are asked for, the same precinct/batch) into
 * weighted records, then runs RCTab's round loop over the records exactly
 * as Tabulator.java runs it over single ballots, and hands the rounds to
 * the writers. Multi-pass IRV re-runs the loop once per seat. This file
 * sets a run up, runs its passes and writes the outputs; the reading,
 * the round loop and the CDF export are rctab_read.c, rctab_round.c and
 * rctab_cdf.c (rctab_tab.h holds the state they share).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rctab_tab.h"

/* ------------------------------------------------------------------ */
/* set-up, passes, outputs                                             */

static int
setup(struct tl_rtab *t)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	teller_ctx *ctx = t->ctx;
	int i, a, rc;

	t->ndecl = cfg->ncand;
	t->ncand = cfg->ncand + (cfg->uwi ? 1 : 0);
	t->uwi = cfg->uwi ? cfg->ncand : -1;
	if (t->ncand > 16000)
		return tl_fail(ctx, TELLER_ELIMIT, "too many candidates");
	t->names = tl_alloc(ctx, (size_t)t->ncand, sizeof(char *));
	t->excluded = tl_alloc(ctx, (size_t)t->ncand, sizeof(bool));
	t->won = tl_alloc(ctx, (size_t)t->ncand, sizeof(int));
	t->elim = tl_alloc(ctx, (size_t)t->ncand, sizeof(int));
	t->won_tie = tl_alloc(ctx, (size_t)t->ncand, sizeof(bool));
	t->elim_tie = tl_alloc(ctx, (size_t)t->ncand, sizeof(bool));
	t->perm = tl_alloc(ctx, (size_t)t->ncand, sizeof(int));
	t->scratch = tl_alloc(ctx, (size_t)t->ncand + 64, sizeof(uint32_t));
	t->scratch2 = tl_alloc(ctx, (size_t)t->ncand * 2 + 64, sizeof(int));
	t->tie_used = tl_alloc(ctx, (size_t)t->opts->nties + 1, sizeof(bool));
	t->tkeys = tl_alloc(ctx, (size_t)t->ncand + 1, sizeof(char *));
	t->tord = tl_alloc(ctx, (size_t)t->ncand + 1, sizeof(int));
	t->tgrp = tl_alloc(ctx, (size_t)t->ncand + 1, sizeof(int));
	if (t->tkeys == NULL || t->tord == NULL || t->tgrp == NULL)
		return TELLER_ENOMEM;
	t->tokinfo = tl_vec_new(ctx, sizeof(struct tok));
	t->recs = tl_vec_new(ctx, sizeof(struct rrec));
	t->cells = tl_vec_new(ctx, sizeof(uint32_t));
	t->keyv = tl_vec_new(ctx, sizeof(uint32_t));
	t->kepts = tl_vec_new(ctx, sizeof(struct kept));
	if (t->names == NULL || t->excluded == NULL || t->won == NULL ||
	    t->elim == NULL || t->won_tie == NULL || t->elim_tie == NULL ||
	    t->perm == NULL || t->scratch == NULL || t->scratch2 == NULL ||
	    t->tie_used == NULL || t->tokinfo == NULL || t->recs == NULL ||
	    t->cells == NULL || t->keyv == NULL || t->kepts == NULL ||
	    tl_rtab_strtab_init(ctx, &t->toks) != TELLER_OK ||
	    tl_rtab_strtab_init(ctx, &t->prec) != TELLER_OK ||
	    tl_rtab_strtab_init(ctx, &t->batch) != TELLER_OK)
		return TELLER_ENOMEM;
	t->cdf = cfg->cdf_json || t->opts->convert_cdf;
	if (t->cdf) {
		t->cdfballots = tl_vec_new(ctx, sizeof(struct cdfballot));
		t->cdfids = tl_vec_new(ctx, 1);
		t->cdfev = tl_vec_new(ctx, sizeof(struct cdfev));
		if (t->cdfballots == NULL || t->cdfids == NULL ||
		    t->cdfev == NULL ||
		    tl_rtab_strtab_init(ctx, &t->cdfprec) != TELLER_OK)
			return TELLER_ENOMEM;
	}
	t->nrslots = 512;
	t->rslots = tl_alloc(ctx, t->nrslots, sizeof(uint32_t));
	if (t->rslots == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < cfg->ncand; i++)
		t->names[i] = cfg->cands[i].name;
	if (t->uwi >= 0)
		t->names[t->uwi] = TL_CVR_UWI;
	for (i = 0; i < t->ncand; i++) {
		const struct tl_rctab_cand *cd = i < cfg->ncand ?
		    &cfg->cands[i] : NULL;
		int na = cd != NULL ? cd->naliases : 0;
		for (a = -1; a < na; a++) {
			int ti = tl_rtab_tok_get(t, a < 0 ? t->names[i] :
			    cd->aliases[a]);
			if (ti < 0)
				return TELLER_ENOMEM;
			TOK(t, ti)->cand = i;
			TOK(t, ti)->is_name = a < 0;
		}
	}
	if ((rc = tl_rtab_read_sources(t)) != TELLER_OK)
		return rc;
	if (cfg->by_precinct && !t->any_prec)
		return tl_fail(ctx, TELLER_ERULE, "\"Tabulate by Precinct\" "
		    "enabled, but CVRs don't list precincts.");
	if (cfg->by_batch && !t->any_batch)
		return tl_fail(ctx, TELLER_ERULE, "\"Tabulate by Batch\" "
		    "enabled, but CVRs don't list batches.");
	t->seen = tl_alloc(ctx, t->maxtoks + 1, sizeof(uint32_t));
	if (t->seen == NULL)
		return TELLER_ENOMEM;
	t->nslice = 1 + (int)t->prec.strs->len + (int)t->batch.strs->len;
	if (t->nslice >= (1 << 20))
		return tl_fail(ctx, TELLER_ELIMIT, "too many precincts or "
		    "batches");
	return TELLER_OK;
}

/* Reset the per-pass state; pass 0 is a plain run, k >= 1 multi-pass. */
static int
start_pass(struct tl_rtab *t, int pass)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	size_t i;
	int c, j;

	t->pass = pass;
	t->seats = pass > 0 ? 1 : cfg->seats;
	for (c = 0; c < t->ncand; c++) {
		t->excluded[c] = (c < cfg->ncand && cfg->cands[c].excluded) ||
		    t->won[c] != 0;
	}
	memset(t->won, 0, (size_t)t->ncand * sizeof(int));
	memset(t->elim, 0, (size_t)t->ncand * sizeof(int));
	memset(t->won_tie, 0, (size_t)t->ncand * sizeof(bool));
	memset(t->elim_tie, 0, (size_t)t->ncand * sizeof(bool));
	t->nwon = t->nelim = t->nround = 0;
	t->rounds = tl_vec_new(t->ctx, sizeof(struct tl_rround));
	t->kepts->len = 0;
	if (t->cdf)
		t->cdfev->len = 0;
	t->nx = 0;
	/* the last pass's map (its outputs are written) */
	tl_vec_release(t->ctx, t->xkeyv);
	tl_vec_release(t->ctx, t->xvalv);
	t->xkeyv = t->xvalv = NULL;
	t->nxslots = 1024;
	t->xkeys = tl_alloc(t->ctx, t->nxslots, sizeof(uint64_t));
	t->xvals = tl_alloc(t->ctx, t->nxslots, sizeof(struct tl_dec));
	if (t->rounds == NULL || t->xkeys == NULL || t->xvals == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < t->recs->len; i++) {
		struct rrec *rec = REC(t, i);
		rec->recip = -1;
		rec->status = TL_ST_ACTIVE;
		rec->kept = -1;
		rec->evhead = rec->evtail = -1;
		rec->ftv = tl_dec_int(1);
	}
	/* tie-break set-up (rctab.md 4.2, 5) */
	t->nperm = 0;
	for (c = 0; c < cfg->ncand; c++)
		t->perm[t->nperm++] = c;
	if (cfg->has_seed)
		tl_jrand_seed(&t->rng, cfg->seed);
	if (cfg->tiebreak == TL_TB_PERM) {
		int x;
		tl_rtab_sort_by_name(t, t->perm, t->nperm);
		for (j = t->nperm; j > 1; j--) {
			int r = tl_jrand_int(&t->rng, j);
			x = t->perm[j - 1];
			t->perm[j - 1] = t->perm[r];
			t->perm[r] = x;
		}
	}
	return TELLER_OK;
}

/* CSV candidate rows: round 1's tally map in HashMap order, stably
 * sorted by round-1 tally descending, the write-in last (rctab.md 6.2). */
static int
row_order(struct tl_rtab *t, int *rows)
{
	const char **keys = tl_alloc(t->ctx, (size_t)t->ncand + 1,
	    sizeof(char *));
	int *set = tl_alloc(t->ctx, (size_t)t->ncand + 1, sizeof(int));
	int *ord = tl_alloc(t->ctx, (size_t)t->ncand + 1, sizeof(int));
	int *ids = tl_alloc(t->ctx, (size_t)t->ncand + 1, sizeof(int));
	struct tl_rround *r1 = ROUND(t, 1);
	int i, j, n = 0, x;

	if (keys == NULL || set == NULL || ord == NULL || ids == NULL)
		return -1;
	/* candidateNames: a HashSet of all names, then the write-in */
	for (i = 0; i < t->ncand; i++)
		keys[i] = t->names[i];
	tl_java_order(keys, t->ncand, tl_java_cap_default(t->ncand), set,
	    t->scratch);
	/* the round-1 tally map, filled in that order with the present */
	for (i = 0; i < t->ncand; i++)
		if (r1->present[set[i]])
			ids[n++] = set[i];
	for (i = 0; i < n; i++)
		keys[i] = t->names[ids[i]];
	tl_java_order(keys, n, tl_java_cap_default(n), ord, t->scratch);
	for (i = 0; i < n; i++)
		rows[i] = ids[ord[i]];
	/* stable insertion sort: tally descending, write-in last */
	for (i = 1; i < n; i++) {
		x = rows[i];
		for (j = i; j > 0; j--) {
			int y = rows[j - 1];
			bool after;
			if (y == t->uwi)
				after = true;
			else if (x == t->uwi)
				after = false;
			else
				after = tl_dec_cmp(r1->tally[x],
				    r1->tally[y]) > 0;
			if (!after)
				break;
			rows[j] = y;
		}
		rows[j] = x;
	}
	return n;
}

static int
emit(struct tl_rtab *t, const struct tl_rview *v, const char *name,
    int slice, const char *kind, const char *id, bool json)
{
	const struct tl_rctab_sink *k = &t->opts->sink;
	teller_write_fn w;
	void *wud;
	int rc;

	if (k->open(k->ud, name, &w, &wud) != 0)
		return tl_fail(t->ctx, TELLER_EWRITE, "%s: cannot write",
		    name);
	rc = json ? tl_rctab_write_json(t->ctx, v, slice, kind, id, w, wud)
	    : tl_rctab_write_csv(t->ctx, v, slice, kind, id, t->opts->crlf,
	    w, wud);
	if (k->close(k->ud, wud) != 0 && rc == TELLER_OK)
		rc = tl_fail(t->ctx, TELLER_EWRITE, "%s: cannot write", name);
	return rc;
}

/* --html: the report of the contest, at the path given; of pass K of
 * multi-pass IRV, a page of its own, the path with "_K" before its
 * extension (as summary_K.json). */
static int
html_emit(struct tl_rtab *t, const struct tl_rview *v)
{
	const struct tl_rctab_sink *k = &t->opts->sink;
	const char *name = t->opts->html, *dot, *slash;
	char buf[1100];
	teller_write_fn w;
	void *wud;
	int rc;

	if (t->pass > 0) {
		dot = strrchr(name, '.');
		slash = strrchr(name, '/');
		if (dot == NULL || (slash != NULL && dot < slash))
			dot = name + strlen(name);
		if (strlen(name) + 16 > sizeof buf)
			return tl_fail(t->ctx, TELLER_EINVAL, "--html: the "
			    "path is too long");
		snprintf(buf, sizeof buf, "%.*s_%d%s", (int)(dot - name),
		    name, t->pass, dot);
		name = buf;
	}
	if (k->open(k->ud, name, &w, &wud) != 0)
		return tl_fail(t->ctx, TELLER_EWRITE, "%s: cannot write",
		    name);
	rc = tl_rctab_write_html(t->ctx, v, t->pass, t->cfg->seats, w, wud);
	if (k->close(k->ud, wud) != 0 && rc == TELLER_OK)
		rc = tl_fail(t->ctx, TELLER_EWRITE, "%s: cannot write", name);
	return rc;
}

static int
cdf_emit(struct tl_rtab *t, const char *name)
{
	const struct tl_rctab_sink *k = &t->opts->sink;
	teller_write_fn w;
	void *wud;
	int rc;

	if (k->open(k->ud, name, &w, &wud) != 0)
		return tl_fail(t->ctx, TELLER_EWRITE, "%s: cannot write",
		    name);
	rc = tl_rtab_cdf_write(t, w, wud);
	if (k->close(k->ud, wud) != 0 && rc == TELLER_OK)
		rc = tl_fail(t->ctx, TELLER_EWRITE, "%s: cannot write", name);
	return rc;
}

static int
write_outputs(struct tl_rtab *t)
{
	struct tl_rview v;
	char name[600], sid[400], pfx[16];
	int *rows = tl_alloc(t->ctx, (size_t)t->ncand + 1, sizeof(int));
	int rc, s, kind;

	if (rows == NULL)
		return TELLER_ENOMEM;
	memset(&v, 0, sizeof v);
	v.cfg = t->cfg;
	v.ncand = t->ncand;
	v.names = t->names;
	v.uwi = t->uwi;
	v.seats = t->seats;
	v.excluded = t->excluded;
	v.won = t->won;
	v.elim = t->elim;
	v.won_tie = t->won_tie;
	v.elim_tie = t->elim_tie;
	v.nround = t->nround;
	v.rounds = t->rounds->data;
	v.nrow = row_order(t, rows);
	if (v.nrow < 0)
		return TELLER_ENOMEM;
	v.roworder = rows;
	v.uses_surplus = tl_rtab_uses_surplus(t);
	v.tab = t;
	pfx[0] = '\0';
	if (t->pass > 0)
		snprintf(pfx, sizeof pfx, "_%d", t->pass);
	snprintf(name, sizeof name, "summary%s.json", pfx);
	if ((rc = emit(t, &v, name, 0, NULL, NULL, true)) != TELLER_OK)
		return rc;
	snprintf(name, sizeof name, "summary%s.csv", pfx);
	if ((rc = emit(t, &v, name, 0, NULL, NULL, false)) != TELLER_OK ||
	    (t->opts->html != NULL && (rc = html_emit(t, &v)) != TELLER_OK))
		return rc;
	for (kind = 0; kind < 2; kind++) {
		struct strtab *st = kind == 0 ? &t->prec : &t->batch;
		struct strtab seen;
		const char **ids = st->strs->data;
		int base = kind == 0 ? 1 : 1 + (int)t->prec.strs->len;
		if (tl_rtab_strtab_init(t->ctx, &seen) != TELLER_OK)
			return TELLER_ENOMEM;
		for (s = 0; s < (int)st->strs->len; s++) {
			int dup = 0;
			char uniq[420];
			tl_rctab_sanitize(sid, sizeof sid, ids[s], false);
			snprintf(uniq, sizeof uniq, "%s", sid);
			while (tl_rtab_strtab_get(t->ctx, &seen, uniq,
			    false) >= 0)
				snprintf(uniq, sizeof uniq, "%s_%d", sid,
				    ++dup);
			if (tl_rtab_strtab_get(t->ctx, &seen, uniq, true) < 0)
				return TELLER_ENOMEM;
			snprintf(name, sizeof name, "Tabulate by %s/%s%s_%s_"
			    "summary.json", kind == 0 ? "Precinct" : "Batch",
			    t->pass > 0 ? pfx + 1 : "", uniq,
			    kind == 0 ? "precinct" : "batch");
			if ((rc = emit(t, &v, name, base + s, kind == 0 ?
			    "precinct" : "batch", ids[s], true)) != TELLER_OK)
				return rc;
			memcpy(name + strlen(name) - 4, "csv", 4);
			if ((rc = emit(t, &v, name, base + s, kind == 0 ?
			    "precinct" : "batch", ids[s], false)) !=
			    TELLER_OK)
				return rc;
		}
	}
	if (t->cdf) {
		snprintf(name, sizeof name, "cdf_cvr%s.json", pfx);
		return cdf_emit(t, name);
	}
	return TELLER_OK;
}

/* ------------------------------------------------------------------ */
/* the canonical ballot ids (audit.md 4.3, --ballot-ids)               */

struct idcoll {
	struct tl_rtab *t;
	struct tl_vec *ids;   /* NUL-separated ids, in reading order */
	struct tl_vec *recs;  /* of uint32_t: each id's record */
	const teller_rctab_trace *user; /* the caller's trace, or NULL */
};

static int
id_ballot(void *ud, const char *id, const char *ranking, size_t rec)
{
	struct idcoll *k = ud;
	uint32_t r = (uint32_t)rec;
	size_t n = strlen(id) + 1;

	if (tl_vec_reserve(k->t->ctx, k->ids, n) != TELLER_OK ||
	    tl_vec_push(k->t->ctx, k->recs, &r) == NULL)
		return -1;
	memcpy((char *)k->ids->data + k->ids->len, id, n);
	k->ids->len += n;
	/* a run's own trace (tl_rctab_run) is told too */
	if (k->user != NULL && k->user->ballot != NULL)
		return k->user->ballot(k->user->ud, id, ranking, rec);
	return 0;
}

/* s with \ TAB LF CR escaped (audit.md 4.3) onto v. */
static int
id_esc(teller_ctx *ctx, struct tl_vec *v, const char *s)
{
	for (; *s != '\0'; s++) {
		const char *e = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" :
		    *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : NULL;
		size_t n = e != NULL ? 2 : 1;
		if (tl_vec_reserve(ctx, v, n) != TELLER_OK)
			return TELLER_ENOMEM;
		memcpy((char *)v->data + v->len, e != NULL ? e : s, n);
		v->len += n;
	}
	return TELLER_OK;
}

static int
id_put(teller_ctx *ctx, struct tl_vec *v, const char *s)
{
	size_t n = strlen(s);

	if (tl_vec_reserve(ctx, v, n) != TELLER_OK)
		return TELLER_ENOMEM;
	memcpy((char *)v->data + v->len, s, n);
	v->len += n;
	return TELLER_OK;
}

/* The effective ranks of record rec as "\t<j>..." onto v: the single
 * candidates the rules can pass its ballots to, in order, cut where a
 * ballot becomes inactive (skipped rankings, a repeat with
 * exhaustOnDuplicateCandidate, an overvote it exhausts at); excluded
 * candidates and later repeats left out. exhaustIfMultipleContinuing
 * is taken with every candidate continuing (round 1). j: jpos[cand]. */
static int
id_ranks(struct tl_rtab *t, const struct rrec *rec, const int *jpos,
    bool *used, struct tl_vec *v)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	const uint32_t *k = &TL_VEC_AT(t->cells, uint32_t, rec->off);
	const uint32_t *end = k + rec->len - 2;
	uint32_t *seen = t->seen;
	int nseen = 0, last = 0, rank, n, j, a, nc, pick;
	char num[16];
	int rc = TELLER_OK;

	memset(used, 0, (size_t)t->ncand * sizeof(bool));
	for (; k < end && rc == TELLER_OK; k += 2 + n) {
		bool ov = false;
		rank = (int)k[0];
		n = (int)k[1];
		if (cfg->max_skip >= 0 && rank - last > cfg->max_skip + 1)
			break;
		last = rank;
		if (cfg->dup_exhaust) {
			bool dup = false;
			for (j = 0; j < n; j++) {
				for (a = 0; a < nseen; a++)
					dup |= seen[a] == k[2 + j];
				seen[nseen++] = k[2 + j];
			}
			if (dup)
				break;
		}
		for (nc = 0, pick = -1, j = 0; j < n; j++) {
			int c = TOK(t, k[2 + j])->cand;
			ov |= TOK(t, k[2 + j])->ov;
			bool excl = c >= 0 && c < cfg->ncand &&
			    cfg->cands[c].excluded;
			if (c >= 0 && !excl && !used[c]) {
				nc++;
				if (pick < 0)
					pick = c;
			}
		}
		if (ov || n > 1) {
			if (cfg->overvote == TL_OV_EXHAUST ||
			    (cfg->overvote == TL_OV_MULTI && (ov || nc >= 2)))
				break;
			if (cfg->overvote == TL_OV_SKIP)
				continue;
		}
		if (pick < 0)
			continue;
		used[pick] = true;
		snprintf(num, sizeof num, "\t%d", jpos[pick]);
		rc = id_put(t->ctx, v, num);
	}
	return rc;
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The ballot-id text: the header, the candidates in order, then the
 * lines (offsets into text) sorted by bytes. */
static int
id_write(struct tl_rtab *t, const int *order, const struct tl_vec *text,
    const struct tl_vec *lines, teller_write_fn w, void *ud)
{
	teller_ctx *ctx = t->ctx;
	size_t n = lines->len, at;
	const char **lp = tl_alloc(ctx, n + 1, sizeof(char *));
	struct tl_vec *nm = tl_vec_new(ctx, 1);
	struct tl_out out;
	char head[32];

	if (lp == NULL || nm == NULL)
		return TELLER_ENOMEM;
	for (at = 0; at < n; at++)
		lp[at] = (const char *)text->data +
		    TL_VEC_AT(lines, size_t, at);
	qsort(lp, n, sizeof(*lp), cmp_line);
	tl_out_init(&out, ctx, w, ud);
	tl_out_str(&out, "teller-ballot-ids/1\n");
	for (at = 0; at < (size_t)t->ncand; at++) {
		nm->len = 0;
		if (id_esc(ctx, nm, t->names[order[at]]) != TELLER_OK ||
		    tl_vec_push(ctx, nm, "") == NULL)
			return TELLER_ENOMEM;
		snprintf(head, sizeof head, "c\t%zu\t", at);
		tl_out_str(&out, head);
		tl_out_str(&out, nm->data);
		tl_out_str(&out, "\n");
	}
	for (at = 0; at < n; at++)
		tl_out_str(&out, lp[at]);
	return tl_out_flush(&out);
}

/* Collect the ids of the ballots t reads, into k, through tr: o's trace
 * while t's CVRs are read (the caller's own, if any, told too). */
static int
ids_begin(struct tl_rtab *t, struct idcoll *k, teller_rctab_trace *tr,
    struct tl_rctab_opts *o)
{
	memset(k, 0, sizeof *k);
	memset(tr, 0, sizeof *tr);
	k->t = t;
	k->user = o->trace;
	k->ids = tl_vec_new(t->ctx, 1);
	k->recs = tl_vec_new(t->ctx, sizeof(uint32_t));
	if (k->ids == NULL || k->recs == NULL)
		return TELLER_ENOMEM;
	tr->ballot = id_ballot;
	tr->ud = k;
	o->trace = tr;
	return TELLER_OK;
}

/* The ballot-id text of the ballots collected in k, t's CVRs read. */
static int
ids_emit(struct tl_rtab *t, const struct idcoll *k, teller_write_fn w,
    void *ud)
{
	teller_ctx *ctx = t->ctx;
	struct tl_vec *text, *lines;
	int *order, *jpos, i, rc;
	bool *used;
	size_t n, off, at;

	order = tl_alloc(ctx, (size_t)t->ncand + 1, sizeof(int));
	jpos = tl_alloc(ctx, (size_t)t->ncand + 1, sizeof(int));
	used = tl_alloc(ctx, (size_t)t->ncand + 1, sizeof(bool));
	n = k->recs->len;
	text = tl_vec_new(ctx, 1);
	lines = tl_vec_new(ctx, sizeof(size_t));
	if (order == NULL || jpos == NULL || used == NULL || text == NULL ||
	    lines == NULL || tl_vec_reserve(ctx, lines, n + 1) != TELLER_OK)
		return TELLER_ENOMEM;
	/* candidates by name bytes, as in teller-profile/1 */
	for (i = 0; i < t->ncand; i++)
		order[i] = i;
	for (i = 1; i < t->ncand; i++) {
		int x = order[i], j = i;
		for (; j > 0 && strcmp(t->names[order[j - 1]], t->names[x]) >
		    0; j--)
			order[j] = order[j - 1];
		order[j] = x;
	}
	for (at = 0; at < (size_t)t->ncand; at++)
		jpos[order[at]] = (int)at;
	/* each ballot's line, NUL-terminated in text; offsets in lines */
	for (i = 0, off = 0; (size_t)i < n; i++) {
		const char *id = (const char *)k->ids->data + off;
		uint32_t r = TL_VEC_AT(k->recs, uint32_t, (size_t)i);
		size_t start = text->len;
		off += strlen(id) + 1;
		if ((rc = id_esc(ctx, text, id)) != TELLER_OK ||
		    (rc = id_ranks(t, REC(t, r), jpos, used, text)) !=
		    TELLER_OK || (rc = id_put(ctx, text, "\n")) != TELLER_OK ||
		    tl_vec_push(ctx, text, "") == NULL)
			return rc != TELLER_OK ? rc : TELLER_ENOMEM;
		TL_VEC_AT(lines, size_t, lines->len++) = start;
	}
	rc = id_write(t, order, text, lines, w, ud);
	tl_vec_release(ctx, text);
	tl_vec_release(ctx, lines);
	return rc;
}

int
tl_rctab_ballot_ids(teller_ctx *ctx, const struct tl_rctab_cfg *cfg,
    const struct tl_rctab_opts *opts, teller_write_fn w, void *ud)
{
	struct tl_rtab *t = tl_alloc(ctx, 1, sizeof *t);
	struct tl_rctab_opts o = *opts;
	teller_rctab_trace tr;
	struct idcoll k;
	int rc;

	if (t == NULL)
		return TELLER_ENOMEM;
	o.trace = NULL;
	o.cvr_csv = false;
	o.convert_cdf = false;
	t->ctx = ctx;
	t->cfg = cfg;
	t->opts = &o;
	if ((rc = ids_begin(t, &k, &tr, &o)) != TELLER_OK)
		return rc;
	ctx->inname = cfg->path;
	if ((rc = setup(t)) != TELLER_OK)
		return rc;
	return ids_emit(t, &k, w, ud);
}

/* ---- the canonical contest and profiles (audit.md 4.3) ---- */

/* One distinct rank text of the profile and its weight. */
struct cprof {
	size_t off;    /* the rank text in text, NUL-terminated, then... */
	const char *s; /* ...its address once text stops growing */
	int64_t w;
};

static int
cmp_cprof(const void *a, const void *b)
{
	const struct cprof *x = a, *y = b;

	return strcmp(x->s, y->s);
}

/* One rank as marked onto v: its marks, j ascending, then those that
 * name no candidate as "w:TEXT" by bytes; '=' between. */
static int
marked_rank(struct tl_rtab *t, const uint32_t *k, int n, const int *jpos,
    int *js, const char **ws, struct tl_vec *v)
{
	int nj = 0, nw = 0, a, b, rc = TELLER_OK;
	char num[16];

	for (a = 0; a < n; a++) {
		const struct tok *tk = TOK(t, k[a]);
		if (tk->cand >= 0 && jpos[tk->cand] >= 0)
			js[nj++] = jpos[tk->cand];
		else
			ws[nw++] = TL_VEC_AT(t->toks.strs, const char *, k[a]);
	}
	for (a = 1; a < nj; a++)
		for (b = a; b > 0 && js[b - 1] > js[b]; b--) {
			int x = js[b];
			js[b] = js[b - 1];
			js[b - 1] = x;
		}
	for (a = 1; a < nw; a++)
		for (b = a; b > 0 && strcmp(ws[b - 1], ws[b]) > 0; b--) {
			const char *x = ws[b];
			ws[b] = ws[b - 1];
			ws[b - 1] = x;
		}
	for (a = 0; a < nj && rc == TELLER_OK; a++) {
		snprintf(num, sizeof num, "%s%d", a > 0 ? "=" : "", js[a]);
		rc = id_put(t->ctx, v, num);
	}
	for (a = 0; a < nw && rc == TELLER_OK; a++)
		if ((rc = id_put(t->ctx, v, a + nj > 0 ? "=w:" : "w:")) ==
		    TELLER_OK)
			rc = id_esc(t->ctx, v, ws[a]);
	return rc;
}

/* The marked ranks of record rec as "\t<rank>..." onto v: a skipped
 * rank between marks is "-". */
static int
marked_ranks(struct tl_rtab *t, const struct rrec *rec, const int *jpos,
    int *js, const char **ws, struct tl_vec *v)
{
	const uint32_t *k = &TL_VEC_AT(t->cells, uint32_t, rec->off);
	const uint32_t *end = k + rec->len - 2;
	int last = 0, n, rc = TELLER_OK;

	for (; k < end && rc == TELLER_OK; k += 2 + n) {
		n = (int)k[1];
		for (last++; last < (int)k[0] && rc == TELLER_OK; last++)
			rc = id_put(t->ctx, v, "\t-");
		if (rc == TELLER_OK && (rc = id_put(t->ctx, v, "\t")) ==
		    TELLER_OK)
			rc = marked_rank(t, k + 2, n, jpos, js, ws, v);
	}
	return rc;
}

/* Merge the rank texts of ps[0..n) (in text), add their weights, and
 * write the profile text: header, candidates order[0..nc), then
 * "<weight><ranks>" lines by bytes. */
static int
cprof_write(struct tl_rtab *t, const int *order, int nc, struct tl_vec *text,
    struct cprof *ps, size_t n, teller_write_fn w, void *ud)
{
	teller_ctx *ctx = t->ctx;
	size_t i, m = 0, *lines;
	struct tl_vec *nm = tl_vec_new(ctx, 1);
	struct tl_vec *lv = tl_vec_new(ctx, sizeof(size_t));
	struct tl_vec *lpv = tl_vec_new(ctx, sizeof(char *));
	const char **lp;
	struct tl_out out;
	char head[32];
	int a, rc;

	if (nm == NULL || lv == NULL || lpv == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < n; i++)
		ps[i].s = (const char *)text->data + ps[i].off;
	qsort(ps, n, sizeof(*ps), cmp_cprof);
	for (i = 0; i < n; i++) {
		if (m > 0 && strcmp(ps[m - 1].s, ps[i].s) == 0) {
			if (ps[i].w > INT64_MAX - ps[m - 1].w)
				return tl_fail(ctx, TELLER_EOVERFLOW, "canon: "
				    "too many ballots");
			ps[m - 1].w += ps[i].w;
		} else {
			ps[m++] = ps[i];
		}
	}
	/* given back at the end: a run goes on counting (tl_rctab_run) */
	if (tl_vec_reserve(ctx, lv, m + 1) != TELLER_OK ||
	    tl_vec_reserve(ctx, lpv, m + 1) != TELLER_OK)
		return TELLER_ENOMEM;
	lines = lv->data;
	lp = lpv->data;
	for (i = 0; i < m; i++) {
		char num[24];
		lines[i] = text->len;
		snprintf(num, sizeof num, "%lld", (long long)ps[i].w);
		size_t rn = strlen((const char *)text->data + ps[i].off);
		if (id_put(ctx, text, num) != TELLER_OK ||
		    tl_vec_reserve(ctx, text, rn + 1) != TELLER_OK)
			return TELLER_ENOMEM;
		memcpy((char *)text->data + text->len, (const char *)text->data
		    + ps[i].off, rn + 1);
		text->len += rn + 1;
	}
	for (i = 0; i < m; i++)
		lp[i] = (const char *)text->data + lines[i];
	qsort(lp, m, sizeof(*lp), cmp_line);
	tl_out_init(&out, ctx, w, ud);
	tl_out_str(&out, "teller-profile/1\n");
	for (a = 0; a < nc; a++) {
		nm->len = 0;
		if (id_esc(ctx, nm, t->names[order[a]]) != TELLER_OK ||
		    tl_vec_push(ctx, nm, "") == NULL)
			return TELLER_ENOMEM;
		snprintf(head, sizeof head, "c\t%d\t", a);
		tl_out_str(&out, head);
		tl_out_str(&out, nm->data);
		tl_out_str(&out, "\n");
	}
	for (i = 0; i < m; i++) {
		tl_out_str(&out, lp[i]);
		tl_out_str(&out, "\n");
	}
	rc = tl_out_flush(&out);
	tl_vec_release(ctx, nm);
	tl_vec_release(ctx, lv);
	tl_vec_release(ctx, lpv);
	return rc;
}

/* The contest text: the declared candidates, then the write-in one. */
static int
ccontest_write(teller_ctx *ctx, const struct tl_rctab_cfg *cfg,
    teller_write_fn w, void *ud)
{
	struct tl_vec *nm = tl_vec_new(ctx, 1);
	struct tl_out out;
	char head[48];
	int i;

	if (nm == NULL || id_esc(ctx, nm, cfg->contest != NULL ?
	    cfg->contest : "") != TELLER_OK || tl_vec_push(ctx, nm, "") ==
	    NULL)
		return TELLER_ENOMEM;
	tl_out_init(&out, ctx, w, ud);
	tl_out_str(&out, "teller-contest/1\ntitle\t");
	tl_out_str(&out, nm->data);
	snprintf(head, sizeof head, "\nseats\t%d\n", cfg->seats);
	tl_out_str(&out, head);
	/* as setup() numbers them: the write-in one last */
	for (i = 0; i < cfg->ncand + (cfg->uwi ? 1 : 0); i++) {
		bool ex = i < cfg->ncand && cfg->cands[i].excluded;
		nm->len = 0;
		if (id_esc(ctx, nm, i < cfg->ncand ? cfg->cands[i].name :
		    TL_CVR_UWI) != TELLER_OK ||
		    tl_vec_push(ctx, nm, "") == NULL)
			return TELLER_ENOMEM;
		snprintf(head, sizeof head, "cand\t%d\t", i);
		tl_out_str(&out, head);
		tl_out_str(&out, nm->data);
		tl_out_str(&out, ex ? "\t\t1\n" : "\t\t0\n");
	}
	return tl_out_flush(&out);
}

/* The marked (eff false) or effective profile text of t's records
 * through w. */
static int
one_profile(struct tl_rtab *t, bool eff, teller_write_fn w, void *ud)
{
	teller_ctx *ctx = t->ctx;
	const struct tl_rctab_cfg *cfg = t->cfg;
	struct tl_vec *text, *psv;
	struct cprof *ps;
	int *order, *jpos, *js, i, nc = 0, rc;
	const char **ws;
	bool *used;
	size_t r, n = 0;

	order = tl_alloc(ctx, (size_t)t->ncand + 1, sizeof(int));
	jpos = tl_alloc(ctx, (size_t)t->ncand + 1, sizeof(int));
	used = tl_alloc(ctx, (size_t)t->ncand + 1, sizeof(bool));
	psv = tl_vec_new(ctx, sizeof(*ps));
	text = tl_vec_new(ctx, 1);
	js = tl_alloc(ctx, t->maxtoks + 1, sizeof(int));
	ws = tl_alloc(ctx, t->maxtoks + 1, sizeof(char *));
	if (order == NULL || jpos == NULL || used == NULL || psv == NULL ||
	    text == NULL || js == NULL || ws == NULL ||
	    tl_vec_reserve(ctx, psv, t->recs->len + 1) != TELLER_OK)
		return TELLER_ENOMEM;
	ps = psv->data;
	/* the candidates by name bytes; effective: no excluded one */
	for (i = 0; i < t->ncand; i++) {
		int x = i, j = nc;
		jpos[i] = -1;
		if (eff && i < cfg->ncand && cfg->cands[i].excluded)
			continue;
		for (; j > 0 && strcmp(t->names[order[j - 1]], t->names[x]) >
		    0; j--)
			order[j] = order[j - 1];
		order[j] = x;
		nc++;
	}
	for (i = 0; i < nc; i++)
		jpos[order[i]] = i;
	for (r = 0; r < t->recs->len; r++) {
		const struct rrec *rec = REC(t, r);
		size_t start = text->len;
		if (rec->w <= 0)
			continue;
		rc = eff ? id_ranks(t, rec, jpos, used, text) :
		    marked_ranks(t, rec, jpos, js, ws, text);
		if (rc != TELLER_OK)
			return rc;
		if (eff && text->len == start)
			continue; /* no effective rank: left out */
		if (tl_vec_push(ctx, text, "") == NULL)
			return TELLER_ENOMEM;
		ps[n].off = start;
		ps[n++].w = rec->w;
	}
	rc = cprof_write(t, order, nc, text, ps, n, w, ud);
	tl_vec_release(ctx, text);
	tl_vec_release(ctx, psv);
	return rc;
}

int
tl_rctab_canon_profiles(teller_ctx *ctx, const struct tl_rctab_cfg *cfg,
    const struct tl_rctab_opts *opts, teller_write_fn wm, void *um,
    teller_write_fn we, void *ue)
{
	struct tl_rtab *t = tl_alloc(ctx, 1, sizeof *t);
	struct tl_rctab_opts o = *opts;
	int rc;

	if (t == NULL)
		return TELLER_ENOMEM;
	o.trace = NULL;
	o.lot = NULL;
	o.cvr_csv = false;
	o.convert_cdf = false;
	t->ctx = ctx;
	t->cfg = cfg;
	t->opts = &o;
	ctx->inname = cfg->path;
	/* the CVRs read once for both texts */
	if ((rc = setup(t)) != TELLER_OK)
		return rc;
	if (wm != NULL && (rc = one_profile(t, false, wm, um)) != TELLER_OK)
		return rc;
	return we != NULL ? one_profile(t, true, we, ue) : TELLER_OK;
}

int
tl_rctab_canon(teller_ctx *ctx, const struct tl_rctab_cfg *cfg,
    const struct tl_rctab_opts *opts, int kind, teller_write_fn w, void *ud)
{
	if (kind == TELLER_CANON_CONTEST)
		return ccontest_write(ctx, cfg, w, ud); /* no CVR read */
	return tl_rctab_canon_profiles(ctx, cfg, opts,
	    kind == TELLER_CANON_MARKED ? w : NULL, ud,
	    kind == TELLER_CANON_EFFECTIVE ? w : NULL, ud);
}

/* opts->trace: the pass just tabulated ended after t->nround rounds. */
static int
trace_pass_end(struct tl_rtab *t)
{
	const teller_rctab_trace *tr = t->opts->trace;

	if (tr == NULL || tr->pass_end == NULL)
		return TELLER_OK;
	if (tr->pass_end(tr->ud, t->pass, t->nround) != 0)
		return tl_fail(t->ctx, TELLER_EINVAL, "trace: stopped after "
		    "pass %d", t->pass);
	return TELLER_OK;
}

/* The canonical texts opts asks of a run (audit.md 4.3), from the
 * records its CVRs were just read into (k: the ids collected when
 * asked), before any pass changes them. */
static int
run_canon(struct tl_rtab *t, const struct tl_rctab_opts *opts,
    const struct idcoll *k)
{
	int rc = TELLER_OK;

	if (opts->canon_marked != NULL)
		rc = one_profile(t, false, opts->canon_marked,
		    opts->canon_marked_ud);
	if (rc == TELLER_OK && opts->canon_effective != NULL)
		rc = one_profile(t, true, opts->canon_effective,
		    opts->canon_effective_ud);
	if (rc == TELLER_OK && opts->canon_ids != NULL)
		rc = ids_emit(t, k, opts->canon_ids, opts->canon_ids_ud);
	return rc;
}

int
tl_rctab_run(teller_ctx *ctx, const struct tl_rctab_cfg *cfg,
    const struct tl_rctab_opts *opts)
{
	struct tl_rtab *t = tl_alloc(ctx, 1, sizeof *t);
	struct tl_rctab_opts *o = tl_alloc(ctx, 1, sizeof *o);
	teller_rctab_trace tr;
	struct idcoll k;
	int rc, pass, c, newwin;

	if (t == NULL || o == NULL)
		return TELLER_ENOMEM;
	*o = *opts;
	memset(&k, 0, sizeof k);
	t->ctx = ctx;
	t->cfg = cfg;
	t->opts = o;
	/* the ballot ids need each ballot's id as read: collected through
	 * a trace of the reading only (the caller's own told too) */
	if (opts->canon_ids != NULL &&
	    (rc = ids_begin(t, &k, &tr, o)) != TELLER_OK)
		return rc;
	/* The run's errors that name no CVR file name the config. */
	ctx->inname = cfg->path;
	if ((rc = setup(t)) != TELLER_OK)
		return rc;
	o->trace = opts->trace;
	if ((rc = run_canon(t, opts, &k)) != TELLER_OK)
		return rc;
	/* the ids are written: the count does not need them */
	tl_vec_release(ctx, k.ids);
	tl_vec_release(ctx, k.recs);
	if (opts->convert_cdf) {
		/* --convert-to-cdf: the original snapshots only */
		t->nround = 0;
		return cdf_emit(t, "cdf_cvr.json");
	}
	if (cfg->mode == TL_WM_MULTIPASS && opts->html != NULL) {
		/* a page a pass, FILE_K.EXT (html_emit): not to be taken for
		 * the pass's summary_K.json or .csv */
		const char *dot = strrchr(opts->html, '.');
		if (dot != NULL && strchr(dot, '/') == NULL &&
		    (strcmp(dot, ".json") == 0 || strcmp(dot, ".csv") == 0))
			return tl_fail(ctx, TELLER_EINVAL, "--html %s: a "
			    "multi-pass count writes a page a pass, %.*s_K%s, "
			    "named like its summaries; give a .html path",
			    opts->html, (int)(dot - opts->html), opts->html,
			    dot);
	}
	if (cfg->mode != TL_WM_MULTIPASS) {
		if ((rc = start_pass(t, 0)) != TELLER_OK ||
		    (rc = tl_rtab_tabulate(t)) != TELLER_OK ||
		    (rc = trace_pass_end(t)) != TELLER_OK)
			return rc;
		return write_outputs(t);
	}
	/* multi-pass IRV (rctab.md 4.8): one single-seat pass per seat,
	 * earlier winners excluded */
	{
		int *prev = tl_alloc(ctx, (size_t)t->ncand, sizeof(int));
		if (prev == NULL)
			return TELLER_ENOMEM;
		for (pass = 1; pass <= cfg->seats; pass++) {
			memcpy(t->won, prev, (size_t)t->ncand * sizeof(int));
			if ((rc = start_pass(t, pass)) != TELLER_OK ||
			    (rc = tl_rtab_tabulate(t)) != TELLER_OK ||
			    (rc = trace_pass_end(t)) != TELLER_OK)
				return rc;
			newwin = -1;
			for (c = 0; c < t->ncand; c++)
				if (t->won[c] != 0) {
					if (newwin >= 0)
						return tl_fail(ctx,
						    TELLER_ERULE, "pass %d "
						    "elected more than one "
						    "candidate", pass);
					newwin = c;
				}
			if (newwin < 0)
				return tl_fail(ctx, TELLER_ERULE, "pass %d "
				    "elected no one", pass);
			if ((rc = write_outputs(t)) != TELLER_OK)
				return rc;
			for (c = 0; c < t->ncand; c++)
				if (t->excluded[c] && !(c < cfg->ncand &&
				    cfg->cands[c].excluded))
					prev[c] = 1;
			prev[newwin] = 1;
		}
	}
	return TELLER_OK;
}
