/* SPDX-License-Identifier: MIT */
/*
 * rctab_cdf.c -- the NIST CDF export of the CVRs read (generateCdfJson,
 * rctab.md 8.7): each ballot's selections as the round loop left them.
 */
#include <stdio.h>
#include <string.h>

#include "rctab_tab.h"

/* ------------------------------------------------------------------ */
/* NIST CDF export (generateCdfJson, rctab.md 8.7)                    */

struct cdfsel {
	uint32_t tok;      /* raw CVR string */
	int ranks[16];
	int nranks;
};

/* The raw strings of a record with their ranks, sorted by best rank
 * then by String order (ResultsWriter.getCandidatesWithRanksList). */
static int
cdf_sels(struct tl_rtab *t, const struct rrec *rec, struct cdfsel *sel,
    int max)
{
	const uint32_t *k = &TL_VEC_AT(t->cells, uint32_t, rec->off);
	const uint32_t *end = k + rec->len - 2;
	const char **strs = t->toks.strs->data;
	int n = 0, i, j, m;
	struct cdfsel x;

	for (; k < end; k += 2 + k[1]) {
		for (j = 0; j < (int)k[1]; j++) {
			for (i = 0; i < n && sel[i].tok != k[2 + j]; i++)
				;
			if (i == n) {
				if (n == max)
					return -1;
				sel[n].tok = k[2 + j];
				sel[n].nranks = 0;
				n++;
			}
			if (sel[i].nranks == 16)
				return -1;
			sel[i].ranks[sel[i].nranks++] = (int)k[0];
		}
	}
	for (i = 1; i < n; i++) {
		x = sel[i];
		for (m = i; m > 0; m--) {
			const struct cdfsel *y = &sel[m - 1];
			if (y->ranks[0] < x.ranks[0] || (y->ranks[0] ==
			    x.ranks[0] && tl_java_cmp(strs[y->tok],
			    strs[x.tok]) <= 0))
				break;
			sel[m] = sel[m - 1];
		}
		sel[m] = x;
	}
	return n;
}

/* The value a snapshot gives a selection name: 1 in the original (ev
 * NULL, allocable "unknown"); else an earlier winner's kept value or the
 * recipient's FTV (allocable "yes"), or 1 and "no". */
static const char *
cdf_value(struct tl_rtab *t, const struct rrec *rec, const struct cdfev *ev,
    const char *name, struct tl_dec *nv)
{
	int32_t kk;

	*nv = tl_dec_int(1);
	if (ev == NULL)
		return "unknown";
	/* the snapshot data: kept values of earlier winners, then the
	 * recipient with its FTV */
	for (kk = rec->kept; kk >= 0;
	    kk = TL_VEC_AT(t->kepts, struct kept, kk).next) {
		const struct kept *kp = &TL_VEC_AT(t->kepts, struct kept, kk);
		if (kp->round < ev->round &&
		    strcmp(t->names[kp->cand], name) == 0) {
			*nv = kp->v;
			return "yes";
		}
	}
	if (ev->recip >= 0 && strcmp(t->names[ev->recip], name) == 0) {
		*nv = ev->ftv;
		return "yes";
	}
	return "no";
}

/* Split nv into its whole votes, printed into ibuf, and, when it has
 * any, its fraction's digits after the point into frac (else ""). */
static void
cdf_split(struct tl_dec nv, char ibuf[TL_DEC_BUFSZ], char frac[TL_DEC_BUFSZ])
{
	struct tl_dec ip, rem;

	frac[0] = '\0';
	tl_dec_split(nv, &ip, &rem);
	tl_dec_str(ibuf, ip);
	if (tl_dec_sign(rem) > 0) {
		tl_dec_str(frac, rem);
		memmove(frac, frac + 1, strlen(frac));
	}
}

/* A selection's "SelectionPosition" array: one position a rank. */
static void
cdf_positions(struct tl_out *o, const struct cdfsel *sel, const char *frac,
    const char *alloc, const char *ip)
{
	bool f4;
	int j;

	tl_out_str(o, "[");
	for (j = 0; j < sel->nranks; j++) {
		tl_out_str(o, j == 0 ? " {" : ", {");
		f4 = true;
		tl_rctab_jfield(o, 6, &f4, "@type");
		tl_rctab_jstr(o, "CVR.SelectionPosition");
		if (frac[0] != '\0') {
			tl_rctab_jfield(o, 6, &f4, "FractionalVotes");
			tl_rctab_jstr(o, frac);
		}
		tl_rctab_jfield(o, 6, &f4, "HasIndication");
		tl_rctab_jstr(o, "yes");
		tl_rctab_jfield(o, 6, &f4, "IsAllocable");
		tl_rctab_jstr(o, alloc);
		tl_rctab_jfield(o, 6, &f4, "NumberVotes");
		tl_out_str(o, ip);
		tl_rctab_jfield(o, 6, &f4, "Rank");
		tl_out_fmt(o, "%d", sel->ranks[j]);
		tl_rctab_jindent(o, 5);
		tl_out_str(o, "}");
		/* only the first of duplicate rankings is allocable */
		if (strcmp(alloc, "yes") == 0)
			alloc = "no";
	}
	tl_out_str(o, " ]");
}

/* One CVRContestSelection of a snapshot (first: the array's first). */
static void
cdf_selection(struct tl_rtab *t, struct tl_out *o, const struct rrec *rec,
    const struct cdfev *ev, const struct cdfsel *sel, bool first)
{
	const char **strs = t->toks.strs->data;
	const char *name = strs[sel->tok];
	const char *alloc;
	struct tl_dec nv;
	char frac[TL_DEC_BUFSZ], buf[600];
	char ip[TL_DEC_BUFSZ];
	bool f3 = true;

	alloc = cdf_value(t, rec, ev, name, &nv);
	cdf_split(nv, ip, frac);
	tl_out_str(o, first ? " {" : ", {");
	tl_rctab_jfield(o, 5, &f3, "@type");
	tl_rctab_jstr(o, "CVR.CVRContestSelection");
	tl_rctab_jfield(o, 5, &f3, "ContestSelectionId");
	memcpy(buf, "cs-", 3);
	tl_rctab_sanitize(buf + 3, sizeof buf - 3, name, true);
	tl_rctab_jstr(o, buf);
	tl_rctab_jfield(o, 5, &f3, "SelectionPosition");
	cdf_positions(o, sel, frac, alloc, ip);
	tl_rctab_jindent(o, 4);
	tl_out_str(o, "}");
}

/* One CVRSnapshot: the original (ev NULL) or round r's interpretation. */
static void
cdf_snapshot(struct tl_rtab *t, struct tl_out *o, const struct rrec *rec,
    const char *sid, int round, const struct cdfev *ev, bool first_snap)
{
	struct cdfsel sel[64];
	char idb[700];
	int n = cdf_sels(t, rec, sel, 64), i;
	bool f1, f2;

	if (n < 0) {
		/* recorded on ctx; the caller checks before flushing */
		tl_fail(t->ctx, TELLER_ELIMIT, "CDF export: a ballot ranks "
		    "more than 64 strings or one 16 times");
		n = 0;
	}
	tl_out_str(o, first_snap ? " {" : ", {");
	f1 = true;
	if (round > 0)
		snprintf(idb, sizeof idb, "ballot-%s-round-%d", sid, round);
	else
		snprintf(idb, sizeof idb, "ballot-%s", sid);
	tl_rctab_jfield(o, 3, &f1, "@id");
	tl_rctab_jstr(o, idb);
	tl_rctab_jfield(o, 3, &f1, "@type");
	tl_rctab_jstr(o, "CVR.CVRSnapshot");
	tl_rctab_jfield(o, 3, &f1, "CVRContest");
	tl_out_str(o, "[ {");
	f2 = true;
	tl_rctab_jfield(o, 4, &f2, "@type");
	tl_rctab_jstr(o, "CVR.CVRContest");
	tl_rctab_jfield(o, 4, &f2, "CVRContestSelection");
	tl_out_str(o, n == 0 ? "[ ]" : "[");
	for (i = 0; i < n; i++)
		cdf_selection(t, o, rec, ev, &sel[i], i == 0);
	if (n > 0)
		tl_out_str(o, " ]");
	tl_rctab_jfield(o, 4, &f2, "ContestId");
	tl_rctab_jstr(o, "contest-001");
	tl_rctab_jindent(o, 3);
	tl_out_str(o, "} ]");
	tl_rctab_jfield(o, 3, &f1, "Type");
	tl_rctab_jstr(o, round > 0 ? "interpreted" : "original");
	tl_rctab_jindent(o, 2);
	tl_out_str(o, "}");
}

/* Write "id" : "<prefix><sanitized lower-case name>". */
static void
cdf_id(struct tl_out *o, int level, bool *first, const char *key,
    const char *prefix, const char *name)
{
	char buf[620];
	size_t n = strlen(prefix);

	memcpy(buf, prefix, n);
	tl_rctab_sanitize(buf + n, sizeof buf - n, name, true);
	tl_rctab_jfield(o, level, first, key);
	tl_rctab_jstr(o, buf);
}

/* One CVR: the ballot's id, its precinct's GpUnit, and its snapshots
 * (the original, then one a round). gpn: the precincts' gpu numbers. */
static int
cdf_ballot(struct tl_rtab *t, struct tl_out *o, size_t b, const int *gpn)
{
	const struct cdfballot *cb = &TL_VEC_AT(t->cdfballots,
	    struct cdfballot, b);
	const struct rrec *rec = REC(t, cb->rec);
	const struct cdfev *ev = NULL;
	int32_t e = rec->evhead;
	char sid[600], buf[700];
	bool f1 = true;
	int r;

	tl_rctab_sanitize(sid, sizeof sid,
	    (const char *)t->cdfids->data + cb->idoff, false);
	tl_out_str(o, b == 0 ? " {" : ", {");
	tl_rctab_jfield(o, 2, &f1, "@type");
	tl_rctab_jstr(o, "CVR");
	tl_rctab_jfield(o, 2, &f1, "BallotPrePrintedId");
	tl_rctab_jstr(o, sid);
	if (t->cfg->by_precinct) {
		tl_rctab_jfield(o, 2, &f1, "BallotStyleUnitId");
		if (cb->prec >= 0) {
			snprintf(buf, sizeof buf, "gpu-%d", gpn[cb->prec]);
			tl_rctab_jstr(o, buf);
		} else {
			tl_out_str(o, "null");
		}
	}
	tl_rctab_jfield(o, 2, &f1, "CVRSnapshot");
	tl_out_str(o, "[");
	cdf_snapshot(t, o, rec, sid, 0, NULL, true);
	for (r = 1; r <= t->nround; r++) {
		while (e >= 0 &&
		    TL_VEC_AT(t->cdfev, struct cdfev, e).round <= r) {
			ev = &TL_VEC_AT(t->cdfev, struct cdfev, e);
			e = ev->next;
		}
		if (ev == NULL)
			return tl_fail(t->ctx, TELLER_EINTERNAL,
			    "CDF snapshot missing for %s", sid);
		cdf_snapshot(t, o, rec, sid, r, ev, false);
	}
	tl_out_str(o, " ]");
	tl_rctab_jfield(o, 2, &f1, "CurrentSnapshotId");
	if (t->nround > 0)
		snprintf(buf, sizeof buf, "ballot-%s-round-%d", sid,
		    t->nround);
	else
		snprintf(buf, sizeof buf, "ballot-%s", sid);
	tl_rctab_jstr(o, buf);
	tl_rctab_jfield(o, 2, &f1, "ElectionId");
	tl_rctab_jstr(o, "election-001");
	tl_rctab_jindent(o, 1);
	tl_out_str(o, "}");
	return TELLER_OK;
}

/* Every name (and "overvote" if a source has an overvote label), sorted
 * by String order, into names; returns how many. */
static int
cdf_names(struct tl_rtab *t, const char **names)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	bool any_ov = false;
	int i, j, n;

	for (i = 0; i < cfg->nsrc; i++)
		if (*cfg->src[i].overvote_label != '\0')
			any_ov = true;
	for (i = 0; i < t->ncand; i++)
		names[i] = t->names[i];
	n = t->ncand;
	if (any_ov)
		names[n++] = TL_CVR_OVERVOTE;
	for (i = 1; i < n; i++) {
		const char *x = names[i];
		for (j = i; j > 0 && tl_java_cmp(names[j - 1], x) > 0; j--)
			names[j] = names[j - 1];
		names[j] = x;
	}
	return n;
}

/* The Election's "Contest" array: its one contest, a selection a name. */
static void
cdf_contest(struct tl_out *o, const struct tl_rctab_cfg *cfg,
    const char **names, int n)
{
	char buf[700];
	bool f2 = true, f3;
	int i;

	tl_out_str(o, "[ {");
	tl_rctab_jfield(o, 3, &f2, "@id");
	tl_rctab_jstr(o, "contest-001");
	tl_rctab_jfield(o, 3, &f2, "@type");
	tl_rctab_jstr(o, "CandidateContest");
	tl_rctab_jfield(o, 3, &f2, "ContestSelection");
	tl_out_str(o, "[");
	for (i = 0; i < n; i++) {
		tl_out_str(o, i == 0 ? " {" : ", {");
		f3 = true;
		cdf_id(o, 4, &f3, "@id", "cs-", names[i]);
		tl_rctab_jfield(o, 4, &f3, "@type");
		tl_rctab_jstr(o, "ContestSelection");
		tl_rctab_jfield(o, 4, &f3, "CandidateIds");
		memcpy(buf, "c-", 2);
		tl_rctab_sanitize(buf + 2, sizeof buf - 2, names[i], true);
		tl_out_str(o, "[ ");
		tl_rctab_jstr(o, buf);
		tl_out_str(o, " ]");
		tl_rctab_jindent(o, 3);
		tl_out_str(o, "}");
	}
	tl_out_str(o, " ]");
	tl_rctab_jfield(o, 3, &f2, "Name");
	tl_rctab_jstr(o, cfg->contest);
	tl_rctab_jindent(o, 2);
	tl_out_str(o, "} ]");
}

/* The "Election" array: candidates and the contest. */
static void
cdf_election(struct tl_out *o, const struct tl_rctab_cfg *cfg,
    const char **names, int n)
{
	bool f1 = true, f2;
	int i;

	tl_out_str(o, "[ {");
	tl_rctab_jfield(o, 2, &f1, "@id");
	tl_rctab_jstr(o, "election-001");
	tl_rctab_jfield(o, 2, &f1, "@type");
	tl_rctab_jstr(o, "Election");
	tl_rctab_jfield(o, 2, &f1, "Candidate");
	tl_out_str(o, "[");
	for (i = 0; i < n; i++) {
		tl_out_str(o, i == 0 ? " {" : ", {");
		f2 = true;
		cdf_id(o, 3, &f2, "@id", "c-", names[i]);
		tl_rctab_jfield(o, 3, &f2, "Name");
		tl_rctab_jstr(o, names[i]);
		tl_rctab_jindent(o, 2);
		tl_out_str(o, "}");
	}
	tl_out_str(o, " ]");
	tl_rctab_jfield(o, 2, &f1, "Contest");
	cdf_contest(o, cfg, names, n);
	tl_rctab_jfield(o, 2, &f1, "ElectionScopeId");
	tl_rctab_jstr(o, "gpu-election");
	tl_rctab_jindent(o, 1);
	tl_out_str(o, "} ]");
}

/* The "GpUnit" array: the jurisdiction, then the precincts in gpu's
 * order, numbered by gpn. */
static void
cdf_gpunits(struct tl_out *o, const struct tl_rctab_cfg *cfg,
    const char **precs, int np, const int *gpu, const int *gpn)
{
	char buf[700];
	bool f1 = true;
	int i;

	tl_out_str(o, "[ {");
	tl_rctab_jfield(o, 2, &f1, "@id");
	tl_rctab_jstr(o, "gpu-election");
	tl_rctab_jfield(o, 2, &f1, "@type");
	tl_rctab_jstr(o, "GpUnit");
	tl_rctab_jfield(o, 2, &f1, "Name");
	if (cfg->jurisdiction != NULL)
		tl_rctab_jstr(o, cfg->jurisdiction);
	else
		tl_out_str(o, "null");
	tl_rctab_jfield(o, 2, &f1, "OtherType");
	tl_rctab_jstr(o, "Election Scope Jurisdiction");
	tl_rctab_jfield(o, 2, &f1, "Type");
	tl_rctab_jstr(o, "other");
	tl_rctab_jindent(o, 1);
	tl_out_str(o, "}");
	for (i = 0; i < np; i++) {
		tl_out_str(o, ", {");
		f1 = true;
		tl_rctab_jfield(o, 2, &f1, "@id");
		snprintf(buf, sizeof buf, "gpu-%d", gpn[gpu[i]]);
		tl_rctab_jstr(o, buf);
		tl_rctab_jfield(o, 2, &f1, "@type");
		tl_rctab_jstr(o, "GpUnit");
		tl_rctab_jfield(o, 2, &f1, "Name");
		tl_rctab_jstr(o, precs[gpu[i]]);
		tl_rctab_jfield(o, 2, &f1, "Type");
		tl_rctab_jstr(o, "precinct");
		tl_rctab_jindent(o, 1);
		tl_out_str(o, "}");
	}
	tl_out_str(o, " ]");
}

/* The report's tail: the reporting device and the version. */
static void
cdf_device(struct tl_out *o, bool *f0)
{
	bool f1 = true;

	tl_rctab_jfield(o, 1, f0, "ReportGeneratingDeviceIds");
	tl_out_str(o, "[ \"rd-001\" ]");
	tl_rctab_jfield(o, 1, f0, "ReportingDevice");
	tl_out_str(o, "[ {");
	tl_rctab_jfield(o, 2, &f1, "@id");
	tl_rctab_jstr(o, "rd-001");
	tl_rctab_jfield(o, 2, &f1, "@type");
	tl_rctab_jstr(o, "CVR.ReportingDevice");
	tl_rctab_jfield(o, 2, &f1, "Application");
	tl_rctab_jstr(o, "RCTab");
	tl_rctab_jfield(o, 2, &f1, "Manufacturer");
	tl_rctab_jstr(o, "Bright Spots");
	tl_rctab_jindent(o, 1);
	tl_out_str(o, "} ]");
	tl_rctab_jfield(o, 1, f0, "Version");
	tl_rctab_jstr(o, "1.0.0");
}

int
tl_rtab_cdf_write(struct tl_rtab *t, teller_write_fn w, void *ud)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	struct tl_out o;
	const char **precs = t->cdfprec.strs->data, **names, **k2;
	int np = (int)t->cdfprec.strs->len, i, n, rc, *set, *gpu, *gpn;
	uint32_t *scratch;
	bool f0 = true;
	size_t b;

	set = tl_alloc(t->ctx, (size_t)np + 1, sizeof(int));
	gpu = tl_alloc(t->ctx, (size_t)np + 1, sizeof(int));
	gpn = tl_alloc(t->ctx, (size_t)np + 1, sizeof(int));
	scratch = tl_alloc(t->ctx, (size_t)np + (size_t)t->ncand + 2,
	    sizeof(uint32_t));
	names = tl_alloc(t->ctx, (size_t)t->ncand + 2, sizeof(char *));
	k2 = tl_alloc(t->ctx, (size_t)np + 1, sizeof(char *));
	if (set == NULL || gpu == NULL || gpn == NULL || scratch == NULL ||
	    names == NULL || k2 == NULL)
		return TELLER_ENOMEM;
	/* gpu-<n> numbered in the precinct set's HashSet order; GpUnits
	 * listed in the id map's HashMap order (rctab.md 8.7) */
	tl_java_order(precs, np, tl_java_cap_default(np), set, scratch);
	for (i = 0; i < np; i++) {
		gpn[set[i]] = i + 1;
		k2[i] = precs[set[i]];
	}
	tl_java_order(k2, np, tl_java_cap_default(np), gpu, scratch);
	for (i = 0; i < np; i++)
		gpu[i] = set[gpu[i]];
	tl_out_init(&o, t->ctx, w, ud);
	tl_out_str(&o, "{");
	tl_rctab_jfield(&o, 1, &f0, "@type");
	tl_rctab_jstr(&o, "CVR.CastVoteRecordReport");
	tl_rctab_jfield(&o, 1, &f0, "CVR");
	tl_out_str(&o, t->cdfballots->len == 0 ? "[ ]" : "[");
	for (b = 0; b < t->cdfballots->len; b++)
		if ((rc = cdf_ballot(t, &o, b, gpn)) != TELLER_OK)
			return rc;
	if (t->cdfballots->len > 0)
		tl_out_str(&o, " ]");
	n = cdf_names(t, names);
	tl_rctab_jfield(&o, 1, &f0, "Election");
	cdf_election(&o, cfg, names, n);
	if (t->opts->generated_date != NULL) {
		tl_rctab_jfield(&o, 1, &f0, "GeneratedDate");
		tl_rctab_jstr(&o, t->opts->generated_date);
	}
	tl_rctab_jfield(&o, 1, &f0, "GpUnit");
	cdf_gpunits(&o, cfg, precs, np, gpu, gpn);
	cdf_device(&o, &f0);
	tl_rctab_jindent(&o, 0);
	tl_out_str(&o, "}");
	if (t->ctx->err != TELLER_OK)
		return t->ctx->err;
	return tl_out_flush(&o);
}
