/* SPDX-License-Identifier: MIT */
/*
 * cvr_cdf.c -- RCTab's NIST SP 1500-103 Common Data Format reader
 * (docs/rctab.md section 7.3): CastVoteRecordReport as JSON (jansson)
 * or XML (streamed in two passes: election data, then CVRs; by the fast
 * scanner of cvr_xml.c, expat for files outside its subset).
 * The contest is found by Name; each CVR's current snapshot gives the
 * marks as candidate Names; IsWriteIn / CVRWriteIn give the write-in and
 * a Name equal to overvoteLabel the explicit overvote. The two encodings
 * differ where RCTab's two code paths differ (table in section 7.3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvr_util.h"
#include "tl_io.h"

/* An id -> value entry (Candidate -> Name, GpUnit -> Name). A NULL id is
 * a missing one (a HashMap null key); a NULL value a missing Name. */
struct kv {
	const char *k;
	const char *v;
};

/* A ContestSelection of the contest being read. */
struct csel {
	const char *k;       /* @id / ObjectId */
	const char *cand;    /* first CandidateIds entry, NULL if none */
	bool writein;        /* IsWriteIn == "true" */
};

struct cdf {
	teller_ctx *ctx;
	const struct tl_cvr_source *src;
	const char *path;
	struct kv *cands;
	size_t ncands;
	struct kv *gpus;
	size_t ngpus;
	struct csel *sels;
	size_t nsels;
	bool found;            /* contest found by Name */
	const char *contest_k; /* its @id / ObjectId (NULL if missing) */
	long index;            /* CVRs handed over, for computed IDs */
	/* sel_name's answers by ContestSelectionId (a direct-mapped memo:
	 * the tables do not change once the CVRs are read) */
	struct {
		const struct csel *sel;
		const char *name;
	} memo[64];
	struct tl_cvrb b;
	tl_cvr_fn fn;
	void *ud;
};

static int
cmp_key(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
cmp_kv(const void *a, const void *b)
{
	return cmp_key(((const struct kv *)a)->k, ((const struct kv *)b)->k);
}

static int
cmp_csel(const void *a, const void *b)
{
	return cmp_key(((const struct csel *)a)->k,
	    ((const struct csel *)b)->k);
}

/* Sort a table and refuse duplicate keys (putIfUnique). Returns the
 * duplicate key's index + 1, or 0. */
static size_t
sort_unique(void *v, size_t n, size_t sz, int (*cmp)(const void *,
    const void *))
{
	size_t i;

	qsort(v, n, sz, cmp);
	for (i = 1; i < n; i++)
		if (cmp((char *)v + (i - 1) * sz, (char *)v + i * sz) == 0)
			return i + 1;
	return 0;
}

static const struct kv *
kv_find(const struct kv *v, size_t n, const char *k)
{
	struct kv key = { k, NULL };

	return n == 0 ? NULL : bsearch(&key, v, n, sizeof(*v), cmp_kv);
}

static const struct csel *
csel_find(const struct cdf *c, const char *k)
{
	struct csel key = { k, NULL, false };

	return c->nsels == 0 ? NULL : bsearch(&key, c->sels, c->nsels,
	    sizeof(key), cmp_csel);
}

static const char *
show(const char *s)
{
	return s != NULL ? s : "(none)";
}

static const char *sel_find(const struct cdf *c, const struct csel *s,
    const char *csid, char *msg, size_t msz);

/* Candidate string for ContestSelectionId csid: the write-in, the
 * overvote, or the candidate's Name. On error writes a message to msg. */
static const char *
sel_name(struct cdf *c, const char *csid, char *msg, size_t msz)
{
	const struct csel *s;
	const char *name;
	unsigned h = 0;
	size_t i;

	if (csid == NULL)
		return sel_find(c, csel_find(c, csid), csid, msg, msz);
	for (i = 0; csid[i] != '\0'; i++)
		h = h * 31u + (unsigned char)csid[i];
	h &= 63u;
	if (c->memo[h].sel != NULL && strcmp(c->memo[h].sel->k, csid) == 0)
		return c->memo[h].name;
	s = csel_find(c, csid);
	if ((name = sel_find(c, s, csid, msg, msz)) != NULL && s != NULL &&
	    s->k != NULL) {
		c->memo[h].sel = s;
		c->memo[h].name = name;
	}
	return name;
}

/* sel_name of the selection s found for csid (NULL: none). */
static const char *
sel_find(const struct cdf *c, const struct csel *s, const char *csid,
    char *msg, size_t msz)
{
	const struct kv *cand;

	if (s == NULL) {
		snprintf(msg, msz, "ContestSelection '%s' from CVR not found",
		    show(csid));
		return NULL;
	}
	if (s->writein)
		return TL_CVR_UWI;
	if (s->cand == NULL) {
		snprintf(msg, msz, "ContestSelection '%s' has no CandidateIds",
		    show(s->k));
		return NULL;
	}
	cand = kv_find(c->cands, c->ncands, s->cand);
	if (cand == NULL) {
		snprintf(msg, msz, "CandidateId '%s' of ContestSelection '%s' "
		    "not found", s->cand, show(s->k));
		return NULL;
	}
	if (cand->v == NULL) {
		snprintf(msg, msz, "Candidate '%s' has no Name", s->cand);
		return NULL;
	}
	if (c->src->overvote_label[0] != '\0' &&
	    strcmp(cand->v, c->src->overvote_label) == 0)
		return TL_CVR_OVERVOTE;
	return cand->v;
}

/* Check a rank against the limits; msg on error. */
static int
check_rank(const struct cdf *c, long rank, char *msg, size_t msz)
{
	long maxr = tl_cvr_max_ranks(c->src);

	if (rank < 1) {
		snprintf(msg, msz, "rank %ld is not a positive number", rank);
		return TELLER_EPARSE;
	}
	if (maxr > 0 && rank > maxr) {
		snprintf(msg, msz, "rank %ld is more than the %ld ranks "
		    "allowed", rank, maxr);
		return TELLER_EPARSE;
	}
	if (rank > c->ctx->lim.ranks) {
		snprintf(msg, msz, "rank %ld is more than the limit of %d",
		    rank, c->ctx->lim.ranks);
		return TELLER_ELIMIT;
	}
	return TELLER_OK;
}

/* Hand over the record in c->b. */
static int
emit(struct cdf *c, const char *supplied, const char *precinct,
    const char *batch, long line)
{
	size_t ocid, osid = 0, oprec = 0, obatch = 0;
	struct tl_cvr r;
	char id[64], *q = id + sizeof(id);
	const char *base = tl_cvr_basename(c->path);
	unsigned long u = (unsigned long)++c->index;
	int err;

	/* Computed ID: "<file name>(<n>)" (n >= 1; no snprintf per
	 * record). */
	*--q = ')';
	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	*--q = '(';
	if ((err = tl_cvrb_add(&c->b, base, strlen(base), &ocid)) != 0)
		return err;
	c->b.pool->len--; /* join the two parts */
	if ((err = tl_cvrb_add(&c->b, q, (size_t)(id + sizeof(id) - q),
	    &osid)) != 0 ||
	    (supplied != NULL && (err = tl_cvrb_add(&c->b, supplied,
	    strlen(supplied), &osid)) != 0) ||
	    (precinct != NULL && (err = tl_cvrb_add(&c->b, precinct,
	    strlen(precinct), &oprec)) != 0) ||
	    (batch != NULL && (err = tl_cvrb_add(&c->b, batch, strlen(batch),
	    &obatch)) != 0))
		return err;
	memset(&r, 0, sizeof(r));
	if ((err = tl_cvrb_finish(&c->b, &r)) != TELLER_OK)
		return err;
	r.computed_id = tl_cvrb_str(&c->b, ocid);
	r.supplied_id = supplied != NULL ? tl_cvrb_str(&c->b, osid) : NULL;
	r.precinct = precinct != NULL ? tl_cvrb_str(&c->b, oprec) : NULL;
	r.batch = batch != NULL ? tl_cvrb_str(&c->b, obatch) : NULL;
	r.file = c->path;
	r.line = line;
	return c->fn(c->ctx, c->ud, &r);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

/* Fail on the CDF file at JSON path p. */
static int
jfail(const struct cdf *c, struct tl_jpath *p, const char *what)
{
	const char *at = tl_jpath_str(p);

	return tl_fail_in(c->ctx, c->path, TELLER_EPARSE, 0, 0, "%s%s%s",
	    at, *at != '\0' ? ": " : "", what);
}

/* jstr's refusal of member key. */
static int
jstr_fail(const struct cdf *c, const char *key, struct tl_jpath *p)
{
	tl_jpath_push(p, ".%s", key);
	return jfail(c, p, "expected a string");
}

/* A string-or-null member as Java's (String) cast: *out NULL if
 * absent. Inlined, so that a literal key's length and bytes are known
 * to the lookup (TL_JV_INLINE). */
static TL_JV_INLINE int
jstr(const struct cdf *c, const struct tl_jv *o, const char *key,
    struct tl_jpath *p, const char **out)
{
	const struct tl_jv *v = tl_jv_jget(o, key);

	*out = NULL;
	if (v == NULL)
		return TELLER_OK;
	if (!tl_jv_is(v, TL_JSTR))
		return jstr_fail(c, key, p);
	*out = v->u.s;
	return TELLER_OK;
}

/* A required array: v, member key (null taken as absent). */
static int
jarr_of(const struct cdf *c, const struct tl_jv *v, const char *key,
    struct tl_jpath *p, const struct tl_jv **out)
{
	*out = tl_jv_is(v, TL_JNULL) ? NULL : v;
	if (tl_jv_is(*out, TL_JARR))
		return TELLER_OK;
	tl_jpath_push(p, "%s%s", *tl_jpath_str(p) != '\0' ? "." : "",
	    key);
	return jfail(c, p, *out == NULL ? "missing" : "expected an array");
}

/* A required array member (inlined as jstr). */
static TL_JV_INLINE int
jarr(const struct cdf *c, const struct tl_jv *o, const char *key,
    struct tl_jpath *p, const struct tl_jv **out)
{
	return jarr_of(c, tl_jv_jget(o, key), key, p, out);
}

/* Whether member key is the string s (Java's get(key).equals(s));
 * inlined as jstr. */
static TL_JV_INLINE bool
jis(const struct tl_jv *o, const char *key, const char *s)
{
	const struct tl_jv *v = tl_jv_jget(o, key);

	return tl_jv_is(v, TL_JSTR) && strcmp(v->u.s, s) == 0;
}

/* The GpUnits: @id to Name, sorted, no @id twice. */
static int
static_gpus(struct cdf *c, const struct tl_jv *gpus)
{
	teller_ctx *ctx = c->ctx;
	struct tl_jpath p;
	const struct tl_jv *x;
	size_t i, dup;
	int err;

	c->gpus = tl_alloc(ctx, tl_jv_len(gpus) + 1, sizeof(struct kv));
	if (c->gpus == NULL)
		return TELLER_ENOMEM;
	for (i = 0, x = tl_jv_first(gpus); x != NULL;
	    i++, x = tl_jv_next(x)) {
		tl_jpath_init(&p);
		tl_jpath_push(&p, "GpUnit[%zu]", i);
		if ((err = jstr(c, x, "@id", &p, &c->gpus[i].k)) != 0 ||
		    (err = jstr(c, x, "Name", &p, &c->gpus[i].v)) != 0)
			return err;
	}
	c->ngpus = tl_jv_len(gpus);
	if ((dup = sort_unique(c->gpus, c->ngpus, sizeof(struct kv),
	    cmp_kv)) != 0)
		return tl_fail_in(ctx, c->path, TELLER_EPARSE, 0, 0,
		    "GpUnit '%s' appears "
		    "more than once", show(c->gpus[dup - 1].k));
	return TELLER_OK;
}

/* Election i's contest named as the config's contest id, if any, into
 * *contest. */
static int
static_contest(struct cdf *c, const struct tl_jv *e, size_t i,
    const struct tl_jv **contest)
{
	const struct tl_jv *arr, *x;
	struct tl_jpath p;
	const char *name;
	size_t j;
	int err;

	tl_jpath_init(&p);
	tl_jpath_push(&p, "Election[%zu]", i);
	if ((err = jarr(c, e, "Contest", &p, &arr)) != 0)
		return err;
	for (j = 0, x = tl_jv_first(arr); x != NULL;
	    j++, x = tl_jv_next(x)) {
		tl_jpath_init(&p);
		tl_jpath_push(&p, "Election[%zu].Contest[%zu]", i, j);
		if ((err = jstr(c, x, "Name", &p, &name)) != 0)
			return err;
		if (name == NULL) {
			tl_jpath_push(&p, ".Name");
			return jfail(c, &p, "missing");
		}
		if (strcmp(name, c->src->contest_id) == 0) {
			*contest = x;
			break;
		}
	}
	return TELLER_OK;
}

/* Candidates of every Election; the contest is the first with a
 * matching Name in the last Election that has one. */
static int
static_elections(struct cdf *c, const struct tl_jv *elecs,
    const struct tl_jv **contest)
{
	teller_ctx *ctx = c->ctx;
	const struct tl_jv *e, *x, *arr;
	struct tl_jpath p;
	size_t i, j, k = 0;
	int err;

	for (i = 0, e = tl_jv_first(elecs); e != NULL;
	    i++, e = tl_jv_next(e)) {
		tl_jpath_init(&p);
		tl_jpath_push(&p, "Election[%zu]", i);
		if ((err = jarr(c, e, "Candidate", &p, &arr)) != 0)
			return err;
		k += tl_jv_len(arr);
	}
	c->cands = tl_alloc(ctx, k + 1, sizeof(struct kv));
	if (c->cands == NULL)
		return TELLER_ENOMEM;
	for (i = 0, e = tl_jv_first(elecs); e != NULL;
	    i++, e = tl_jv_next(e)) {
		arr = tl_jv_jget(e, "Candidate");
		for (j = 0, x = tl_jv_first(arr); x != NULL;
	    j++, x = tl_jv_next(x)) {
			tl_jpath_init(&p);
			tl_jpath_push(&p, "Election[%zu].Candidate[%zu]", i, j);
			if ((err = jstr(c, x, "@id", &p,
			    &c->cands[c->ncands].k)) != 0 ||
			    (err = jstr(c, x, "Name", &p,
			    &c->cands[c->ncands].v)) != 0)
				return err;
			c->ncands++;
		}
		if ((err = static_contest(c, e, i, contest)) != 0)
			return err;
	}
	return TELLER_OK;
}

/* The contest's ContestSelections: @id, write-in flag and first
 * candidate id, sorted, no @id twice. */
static int
static_selections(struct cdf *c, const struct tl_jv *contest)
{
	teller_ctx *ctx = c->ctx;
	const struct tl_jv *arr, *x, *ids;
	struct tl_jpath p;
	size_t i, dup, old;
	int err;

	tl_jpath_init(&p);
	tl_jpath_push(&p, "Contest '%s'", c->src->contest_id);
	if ((err = jstr(c, contest, "@id", &p, &c->contest_k)) != 0 ||
	    (err = jarr(c, contest, "ContestSelection", &p, &arr)) != 0)
		return err;
	c->sels = tl_alloc(ctx, tl_jv_len(arr) + 1, sizeof(struct csel));
	if (c->sels == NULL)
		return TELLER_ENOMEM;
	for (i = 0, x = tl_jv_first(arr); x != NULL;
	    i++, x = tl_jv_next(x)) {
		struct csel *s = &c->sels[i];

		old = tl_jpath_push(&p, ".ContestSelection[%zu]", i);
		if ((err = jstr(c, x, "@id", &p, &s->k)) != 0)
			return err;
		s->writein = jis(x, "IsWriteIn", "true");
		ids = tl_jv_jget(x, "CandidateIds");
		if (ids != NULL && !tl_jv_is(ids, TL_JARR)) {
			tl_jpath_push(&p, ".CandidateIds");
			return jfail(c, &p, "expected an array");
		}
		if (tl_jv_len(ids) > 0) {
			const struct tl_jv *id0 = tl_jv_first(ids);
			if (!tl_jv_is(id0, TL_JSTR)) {
				tl_jpath_push(&p, ".CandidateIds[0]");
				return jfail(c, &p, "expected a string");
			}
			s->cand = id0->u.s;
		}
		tl_jpath_pop(&p, old);
	}
	c->nsels = tl_jv_len(arr);
	if ((dup = sort_unique(c->sels, c->nsels, sizeof(struct csel),
	    cmp_csel)) != 0)
		return tl_fail_in(ctx, c->path, TELLER_EPARSE, 0, 0,
		    "Contest Selection '%s' "
		    "appears more than once", show(c->sels[dup - 1].k));
	return TELLER_OK;
}

/* Election data: GpUnits, Candidates, the contest and its selections,
 * from the top-level members GpUnit and Election (NULL if absent). */
static int
json_static(struct cdf *c, const struct tl_jv *gpu, const struct tl_jv *elec)
{
	teller_ctx *ctx = c->ctx;
	const struct tl_jv *gpus, *elecs, *contest = NULL;
	struct tl_jpath p;
	size_t dup;
	int err;

	tl_jpath_init(&p);
	if ((err = jarr_of(c, gpu, "GpUnit", &p, &gpus)) != TELLER_OK ||
	    (err = jarr_of(c, elec, "Election", &p, &elecs)) != TELLER_OK ||
	    (err = static_gpus(c, gpus)) != TELLER_OK ||
	    (err = static_elections(c, elecs, &contest)) != TELLER_OK)
		return err;
	if ((dup = sort_unique(c->cands, c->ncands, sizeof(struct kv),
	    cmp_kv)) != 0)
		return tl_fail_in(ctx, c->path, TELLER_EPARSE, 0, 0,
		    "Candidate '%s' appears "
		    "more than once", show(c->cands[dup - 1].k));
	if (contest == NULL)
		return tl_fail_in(ctx, c->path, TELLER_EPARSE, 0, 0,
		    "contest '%s' from the "
		    "config not found", c->src->contest_id);
	c->found = true;
	return static_selections(c, contest);
}

/* The marks of one CVRContestSelection (JSON rules). Names are kept,
 * not copied: the election data's strings live for the whole read. */
static int
json_selection(struct cdf *c, const struct tl_jv *sel, struct tl_jpath *p)
{
	teller_ctx *ctx = c->ctx;
	const struct tl_jv *poss, *pos, *rk;
	const char *csid, *name;
	char msg[200];
	size_t i;
	long rank;
	int err;

	if ((err = jstr(c, sel, "ContestSelectionId", p, &csid)) != 0)
		return err;
	if ((name = sel_name(c, csid, msg, sizeof(msg))) == NULL)
		return jfail(c, p, msg);
	/* Rank on the selection, else one per SelectionPosition. */
	if (tl_jv_get(sel, "Rank") != NULL) {
		if (!tl_jv_int(tl_jv_jget(sel, "Rank"), &rank)) {
			tl_jpath_push(p, ".Rank");
			return jfail(c, p, "expected an integer");
		}
		if ((err = check_rank(c, rank, msg, sizeof(msg))) != 0) {
			tl_jpath_push(p, ".Rank");
			return tl_fail_in(ctx, c->path, err, 0, 0,
			    "%s: %s", tl_jpath_str(p), msg);
		}
		return tl_cvrb_mark_kept(&c->b, rank, name);
	}
	if ((err = jarr(c, sel, "SelectionPosition", p, &poss)) != 0)
		return err;
	for (i = 0, pos = tl_jv_first(poss); pos != NULL;
	    i++, pos = tl_jv_next(pos)) {
		size_t old = tl_jpath_idx(p, ".SelectionPosition", i);

		/* A write-in at the position level sticks for the rest. */
		if (tl_jv_get(pos, "CVRWriteIn") != NULL)
			name = TL_CVR_UWI;
		if (jis(pos, "HasIndication", "no") ||
		    jis(pos, "IsAllocable", "no")) {
			tl_jpath_pop(p, old);
			continue;
		}
		rk = tl_jv_jget(pos, "Rank");
		if (!tl_jv_int(rk, &rank)) {
			tl_jpath_push(p, ".Rank");
			return jfail(c, p, rk == NULL ? "missing" :
			    "expected an integer");
		}
		if ((err = check_rank(c, rank, msg, sizeof(msg))) != 0) {
			tl_jpath_push(p, ".Rank");
			return tl_fail_in(ctx, c->path, err, 0, 0,
			    "%s: %s", tl_jpath_str(p), msg);
		}
		if ((err = tl_cvrb_mark_kept(&c->b, rank, name)) != 0)
			return err;
		tl_jpath_pop(p, old);
	}
	return TELLER_OK;
}

static int
json_cvr(struct cdf *c, const struct tl_jv *cvr, size_t ci)
{
	const struct tl_jv *snaps, *snap = NULL, *ccs, *cc = NULL, *sels, *x;
	const char *cur, *s, *unit, *supplied, *batch, *precinct = NULL;
	const struct kv *g;
	struct tl_jpath p;
	char bbuf[64];
	size_t i, old;
	int err;

	tl_jpath_init(&p);
	tl_jpath_idx(&p, "CVR", ci);
	if ((err = jstr(c, cvr, "CurrentSnapshotId", &p, &cur)) != 0 ||
	    (err = jarr(c, cvr, "CVRSnapshot", &p, &snaps)) != 0)
		return err;
	for (i = 0, x = tl_jv_first(snaps); x != NULL;
	    i++, x = tl_jv_next(x)) {
		old = tl_jpath_idx(&p, ".CVRSnapshot", i);
		if ((err = jstr(c, x, "@id", &p, &s)) != 0)
			return err;
		if (s == NULL)
			return jfail(c, &p, "no @id");
		tl_jpath_pop(&p, old);
		if (cur != NULL && strcmp(s, cur) == 0) {
			snap = x;
			tl_jpath_idx(&p, ".CVRSnapshot", i);
			break;
		}
	}
	if (snap == NULL)
		return jfail(c, &p, "no CVRSnapshot is the "
		    "CurrentSnapshotId");
	if (tl_jv_get(snap, "CVRContest") == NULL)
		return jfail(c, &p, "the current snapshot has no "
		    "CVRContest");
	if ((err = jarr(c, snap, "CVRContest", &p, &ccs)) != 0)
		return err;
	for (i = 0, x = tl_jv_first(ccs); x != NULL;
	    i++, x = tl_jv_next(x)) {
		old = tl_jpath_idx(&p, ".CVRContest", i);
		if ((err = jstr(c, x, "ContestId", &p, &s)) != 0)
			return err;
		if (s == NULL)
			return jfail(c, &p, "no ContestId");
		if (cmp_key(s, c->contest_k) == 0) {
			cc = x;
			break;
		}
		tl_jpath_pop(&p, old);
	}
	/* JSON: a CVR without the contest is an error (RCTab: "Unknown
	 * error. Cannot load file."), unlike XML. */
	if (cc == NULL)
		return jfail(c, &p, "no CVRContest for the contest");
	if ((err = jarr(c, cc, "CVRContestSelection", &p, &sels)) != 0)
		return err;
	tl_cvrb_reset(&c->b);
	for (i = 0, x = tl_jv_first(sels); x != NULL;
	    i++, x = tl_jv_next(x)) {
		size_t o2 = tl_jpath_idx(&p, ".CVRContestSelection", i);
		if ((err = json_selection(c, x, &p)) != TELLER_OK)
			return err;
		tl_jpath_pop(&p, o2);
	}
	tl_jpath_init(&p);
	tl_jpath_idx(&p, "CVR", ci);
	/* An unknown GpUnit is only logged by RCTab's JSON path. */
	if ((err = jstr(c, cvr, "BallotStyleUnitId", &p, &unit)) != 0)
		return err;
	if (unit != NULL && (g = kv_find(c->gpus, c->ngpus, unit)) != NULL)
		precinct = g->v;
	if ((err = jstr(c, cvr, "BallotPrePrintedId", &p, &supplied)) != 0)
		return err;
	batch = NULL;
	if ((x = tl_jv_jget(cvr, "BatchSequenceId")) != NULL) {
		if (!tl_jv_text(x, bbuf, sizeof(bbuf))) {
			tl_jpath_push(&p, ".BatchSequenceId");
			return jfail(c, &p, "expected a string");
		}
		batch = bbuf;
	}
	return emit(c, supplied, precinct, batch, (long)ci + 1);
}

static int
cvr_cb(void *ud, size_t i, const struct tl_jv *cvr)
{
	return json_cvr(ud, cvr, i);
}

/* Every member name json_cvr and below look up: the others (@type,
 * NumberVotes, ...) are checked but not built. */
static const char *const cvr_keys[] = {
	"CurrentSnapshotId", "CVRSnapshot", "@id", "CVRContest", "ContestId",
	"CVRContestSelection", "ContestSelectionId", "Rank",
	"SelectionPosition", "CVRWriteIn", "HasIndication", "IsAllocable",
	"BallotStyleUnitId", "BallotPrePrintedId", "BatchSequenceId", NULL
};

/* Each top-level member but CVR parsed in file order (the first error
 * is reported); the last GpUnit and the last Election are kept, as in a
 * JSON object, in trees of their own, gd and ed (set up here, freed by
 * the caller), whose strings the CVRs are then read with. */
static int
read_static(struct cdf *c, const struct tl_jmember *mem, size_t n,
    struct tl_jdoc *gd, struct tl_jdoc *ed, const struct tl_jspan **cvrs)
{
	teller_ctx *ctx = c->ctx;
	const struct tl_jv *gpu = NULL, *elec = NULL, *v;
	struct tl_jdoc sd, *d;
	size_t i, gi = n, ei = n;
	int err;

	if ((err = tl_jdoc_init(ctx, gd)) != TELLER_OK ||
	    (err = tl_jdoc_init(ctx, ed)) != TELLER_OK ||
	    (err = tl_jdoc_init(ctx, &sd)) != TELLER_OK)
		return err;
	for (i = 0; i < n; i++) {
		if (strcmp(mem[i].key, "GpUnit") == 0)
			gi = i;
		else if (strcmp(mem[i].key, "Election") == 0)
			ei = i;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(mem[i].key, "CVR") == 0) {
			*cvrs = &mem[i].val;
			continue;
		}
		d = i == gi ? gd : i == ei ? ed : &sd;
		if ((err = tl_jdoc_parse(ctx, d, &mem[i].val, &v)) !=
		    TELLER_OK)
			break;
		if (i == gi)
			gpu = v;
		else if (i == ei)
			elec = v;
		tl_jdoc_free(&sd);
	}
	tl_jdoc_free(&sd);
	if (err != TELLER_OK ||
	    (err = json_static(c, gpu, elec)) != TELLER_OK)
		return err;
	if (*cvrs == NULL || (*cvrs)->p[0] != '[')
		return tl_fail_in(ctx, c->path, TELLER_EPARSE, *cvrs ?
		    (*cvrs)->line : 1, *cvrs ? (*cvrs)->col : 1, "CVR: %s",
		    *cvrs ? "expected an array" : "missing");
	return TELLER_OK;
}

/* The election data is read whole; the CVR array is streamed one CVR at
 * a time (RCTab loads the file whole; records and order are the same). */
static int
read_json(struct cdf *c)
{
	teller_ctx *ctx = c->ctx;
	const struct tl_jspan *cvrs = NULL;
	struct tl_jdoc gd = { NULL, NULL, NULL }, ed = gd;
	struct tl_jkeys keys;
	struct tl_jmember *mem;
	struct tl_io_watch w;
	struct tl_map m;
	size_t n;
	int err;

	if ((err = tl_io_map(ctx, c->path, c->path, &m)) != TELLER_OK)
		return err;
	/* Pages walked are dropped as the scans go (issue 6). */
	tl_io_watch(ctx, &m, &w);
	if ((err = tl_json_members(ctx, c->path, m.buf, m.len, &mem, &n)) !=
	    0)
		goto out;
	tl_io_rewind(&m);
	tl_jkeys_init(&keys, cvr_keys);
	if ((err = read_static(c, mem, n, &gd, &ed, &cvrs)) == TELLER_OK)
		err = tl_json_elements_k(ctx, cvrs, &keys, cvr_cb, c);
	tl_jdoc_free(&gd);
	tl_jdoc_free(&ed);
out:
	tl_io_unwatch(ctx, &w);
	tl_io_unmap(&m);
	return err;
}

/* ------------------------------------------------------------------ */
/* XML                                                                 */

/* The elements the reader tells apart (x->idnames): the first six are
 * top_names, in its order. */
enum {
	X_GPUNIT = 1, X_CVR, X_ELECTION, X_RGDIDS, X_RDEVICE, X_PARTY,
	X_CANDIDATE, X_CONTEST, X_CONTESTSEL, X_NAME, X_CANDIDATEIDS,
	X_ISWRITEIN, X_SNAPSHOT, X_CCONTEST, X_CCSEL, X_SELPOS, X_WRITEIN,
	X_CURSNAP, X_BSUNIT, X_UNIQUEID, X_BATCHSEQ, X_CONTESTID, X_CSELID,
	X_RANK, X_STATUS, X_HASIND, X_ISALLOC
};
static const char *const x_names[] = { "GpUnit", "CVR", "Election",
    "ReportGeneratingDeviceIds", "ReportingDevice", "Party", "Candidate",
    "Contest", "ContestSelection", "Name", "CandidateIds", "IsWriteIn",
    "CVRSnapshot", "CVRContest", "CVRContestSelection", "SelectionPosition",
    "CVRWriteIn", "CurrentSnapshotId", "BallotStyleUnitId", "UniqueId",
    "BatchSequenceId", "ContestId", "ContestSelectionId", "Rank", "Status",
    "HasIndication", "IsAllocable", NULL };

/* The id of the open element at depth d (1 = the root). */
#define XID(x, d) ((x)->ids[(d) - 1])
/* Whether the innermost elements are a, b (c): AT of old. */
#define AT1(x, a) (XID(x, (x)->depth) == (a))
#define AT2(x, a, b) (XID(x, (x)->depth - 1) == (a) && AT1(x, b))
#define AT3(x, a, b, c) (XID(x, (x)->depth - 2) == (a) && AT2(x, b, c))

/* Text of one optional child, kept in a per-item pool. */
struct opt {
	bool has;
	size_t off;
};

/* A ContestSelection while pass 1 reads a Contest. */
struct tsel {
	struct opt id, cand;
	bool writein;
};

/* A CVRContestSelection / SelectionPosition / CVRSnapshot in pass 2. */
struct xsel {
	size_t snap;
	struct opt csid, rank, status;
	size_t pos0, pos1;
};
struct xpos {
	struct opt ind, alloc, rank;
	bool writein;
};
struct xsnap {
	struct opt id;
	bool matched;   /* its CVRContest of the contest was seen */
	bool nullbad;   /* a CVRContest without ContestId came first */
};

struct xstate {
	struct cdf *c;
	struct tl_vec *pool;  /* char */
	/* pass 1 */
	bool top[6];          /* GpUnit CVR Election ReportGeneratingDeviceIds
			       * ReportingDevice Party */
	bool elec_match;      /* contest matched in this Election */
	bool has_cand, has_contest;
	struct opt item_id, item_name;
	struct tl_vec *tsels; /* struct tsel of the current Contest */
	struct tl_vec *cands; /* struct kv */
	struct tl_vec *gpus;  /* struct kv */
	/* pass 2 */
	struct opt cur, unit, uniq, batch, ccid;
	size_t ccsel0, ccpos0; /* first xsel/xpos of the current CVRContest */
	struct tl_vec *xsels, *xposs, *xsnaps;
};

static const char *const top_names[6] = { "GpUnit", "CVR", "Election",
    "ReportGeneratingDeviceIds", "ReportingDevice", "Party" };

static int
opt_set(struct xstate *s, struct opt *o, const char *t, size_t n)
{
	if (s->pool->cap - s->pool->len < n + 1 &&
	    tl_vec_reserve(s->c->ctx, s->pool, n + 1) != 0)
		return tl_oom(s->c->ctx);
	o->has = true;
	o->off = s->pool->len;
	memcpy((char *)s->pool->data + o->off, t, n);
	((char *)s->pool->data)[o->off + n] = '\0';
	s->pool->len += n + 1;
	return TELLER_OK;
}

static const char *
opt_str(const struct xstate *s, const struct opt *o)
{
	return o->has ? (const char *)s->pool->data + o->off : NULL;
}

/* Keep an attribute ObjectId (namespaces ignored) in o. */
static int
attr_id(struct xstate *s, const char **attrs, struct opt *o)
{
	size_t i;

	o->has = false;
	for (i = 0; attrs[i] != NULL; i += 2)
		if (strcmp(tl_xml_local(attrs[i]), "ObjectId") == 0)
			return opt_set(s, o, attrs[i + 1],
			    strlen(attrs[i + 1]));
	return TELLER_OK;
}

/* A copy of an optional pooled string in the arena (NULL stays NULL). */
static int
arena_copy(struct xstate *s, const struct opt *o, const char **out)
{
	*out = NULL;
	if (!o->has)
		return TELLER_OK;
	*out = tl_strdup(s->c->ctx, opt_str(s, o));
	return *out == NULL ? TELLER_ENOMEM : TELLER_OK;
}

static int
p1_start(struct tl_xml *x, const char **attrs)
{
	struct xstate *s = x->ud;
	unsigned id;

	if (x->depth == 2) {
		id = XID(x, 2);
		if (id >= X_GPUNIT && id <= X_PARTY)
			s->top[id - X_GPUNIT] = true;
		/* Nothing under a top element but Election and GpUnit
		 * matters here (every test below is of a path under
		 * them): checked only. */
		if (id != X_ELECTION && id != X_GPUNIT)
			x->skip = true;
		if (id == X_ELECTION) {
			s->elec_match = false;
			s->has_cand = s->has_contest = false;
		}
		if (id == X_GPUNIT) {
			s->pool->len = 0;
			s->item_name.has = false;
			return attr_id(s, attrs, &s->item_id);
		}
	} else if (x->depth == 3 && AT2(x, X_ELECTION, X_CANDIDATE)) {
		s->pool->len = 0;
		s->has_cand = true;
		s->item_name.has = false;
		return attr_id(s, attrs, &s->item_id);
	} else if (x->depth == 3 && AT2(x, X_ELECTION, X_CONTEST)) {
		s->pool->len = 0;
		s->has_contest = true;
		s->item_name.has = false;
		s->tsels->len = 0;
		return attr_id(s, attrs, &s->item_id);
	} else if (x->depth == 4 && AT3(x, X_ELECTION, X_CONTEST,
	    X_CONTESTSEL)) {
		struct tsel t;
		memset(&t, 0, sizeof(t));
		if (attr_id(s, attrs, &t.id) != TELLER_OK ||
		    tl_vec_push(x->ctx, s->tsels, &t) == NULL)
			return tl_oom(x->ctx);
	}
	return TELLER_OK;
}

/* A Contest of the contest's Name ends: it becomes the contest. */
static int
p1_take_contest(struct tl_xml *x, struct xstate *s)
{
	struct cdf *c = s->c;
	size_t i, n = s->tsels->len;

	c->found = true;
	s->elec_match = true;
	if (arena_copy(s, &s->item_id, &c->contest_k) != TELLER_OK)
		return TELLER_ENOMEM;
	c->sels = tl_alloc(x->ctx, n + 1, sizeof(struct csel));
	if (c->sels == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < n; i++) {
		struct tsel *t = &TL_VEC_AT(s->tsels, struct tsel, i);
		if (arena_copy(s, &t->id, &c->sels[i].k) != TELLER_OK ||
		    arena_copy(s, &t->cand, &c->sels[i].cand) != TELLER_OK)
			return TELLER_ENOMEM;
		c->sels[i].writein = t->writein;
	}
	c->nsels = n;
	return TELLER_OK;
}

static int
p1_end(struct tl_xml *x, const char *text, size_t n)
{
	struct xstate *s = x->ud;
	struct kv kv;
	struct tsel *t;

	switch (x->depth) {
	case 2:
		if (AT1(x, X_ELECTION)) {
			if (!s->has_cand)
				return tl_xml_fail(x, TELLER_EPARSE,
				    "Election without a Candidate");
			if (!s->has_contest)
				return tl_xml_fail(x, TELLER_EPARSE,
				    "Election without a Contest");
		} else if (AT1(x, X_GPUNIT)) {
			if (arena_copy(s, &s->item_id, &kv.k) != 0 ||
			    arena_copy(s, &s->item_name, &kv.v) != 0 ||
			    tl_vec_push(x->ctx, s->gpus, &kv) == NULL)
				return tl_oom(x->ctx);
		}
		break;
	case 3:
		if (AT2(x, X_GPUNIT, X_NAME))
			return opt_set(s, &s->item_name, text, n);
		if (AT2(x, X_ELECTION, X_CANDIDATE)) {
			if (arena_copy(s, &s->item_id, &kv.k) != 0 ||
			    arena_copy(s, &s->item_name, &kv.v) != 0 ||
			    tl_vec_push(x->ctx, s->cands, &kv) == NULL)
				return tl_oom(x->ctx);
		} else if (AT2(x, X_ELECTION, X_CONTEST)) {
			if (s->elec_match)
				break;
			if (!s->item_name.has)
				return tl_xml_fail(x, TELLER_EPARSE,
				    "Contest without a Name");
			if (strcmp(opt_str(s, &s->item_name),
			    s->c->src->contest_id) == 0)
				return p1_take_contest(x, s);
		}
		break;
	case 4:
		if (AT3(x, X_ELECTION, X_CANDIDATE, X_NAME) ||
		    AT3(x, X_ELECTION, X_CONTEST, X_NAME))
			return opt_set(s, &s->item_name, text, n);
		break;
	case 5:
		if (s->tsels->len == 0 || XID(x, 2) != X_ELECTION ||
		    XID(x, 3) != X_CONTEST || XID(x, 4) != X_CONTESTSEL)
			break;
		t = &TL_VEC_AT(s->tsels, struct tsel, s->tsels->len - 1);
		if (AT1(x, X_CANDIDATEIDS) && !t->cand.has)
			return opt_set(s, &t->cand, text, n);
		if (AT1(x, X_ISWRITEIN))
			t->writein = n == 4 && memcmp(text, "true", 4) == 0;
		break;
	default:
		break;
	}
	return TELLER_OK;
}

/* Whether the element (under a CVR) is below a child of the CVR other
 * than a CVRSnapshot, or below a child of the snapshot other than a
 * CVRContest: RCTab's CVR and snapshot have no such children, and none
 * of it is read (then the scanner skips it: p2_start). */
static bool
p2_foreign(const struct tl_xml *x)
{
	return x->depth >= 4 && (XID(x, 3) != X_SNAPSHOT ||
	    (x->depth >= 5 && XID(x, 4) != X_CCONTEST));
}

static int
p2_start(struct tl_xml *x, const char **attrs)
{
	struct xstate *s = x->ud;

	if (x->depth < 2)
		return TELLER_OK;
	if (XID(x, 2) != X_CVR) {
		/* every test below is of a path under a CVR */
		x->skip = true;
		return TELLER_OK;
	}
	if (p2_foreign(x))
		return TELLER_OK;
	switch (x->depth) {
	case 2:
		s->pool->len = 0;
		s->cur.has = s->unit.has = s->uniq.has = s->batch.has = false;
		s->xsels->len = s->xposs->len = s->xsnaps->len = 0;
		break;
	case 3:
		if (AT1(x, X_SNAPSHOT)) {
			struct xsnap sn;
			memset(&sn, 0, sizeof(sn));
			if (attr_id(s, attrs, &sn.id) != TELLER_OK ||
			    tl_vec_push(x->ctx, s->xsnaps, &sn) == NULL)
				return tl_oom(x->ctx);
		} else {
			x->skip = true; /* p2_foreign */
		}
		break;
	case 4:
		if (AT2(x, X_SNAPSHOT, X_CCONTEST)) {
			s->ccid.has = false;
			s->ccsel0 = s->xsels->len;
			s->ccpos0 = s->xposs->len;
		} else {
			x->skip = true; /* p2_foreign */
		}
		break;
	case 5:
		if (AT3(x, X_SNAPSHOT, X_CCONTEST, X_CCSEL)) {
			struct xsel e;
			memset(&e, 0, sizeof(e));
			e.snap = s->xsnaps->len - 1;
			e.pos0 = e.pos1 = s->xposs->len;
			if (tl_vec_push(x->ctx, s->xsels, &e) == NULL)
				return tl_oom(x->ctx);
		}
		/* below depth 5 only a CVRContestSelection's children
		 * matter (depth 6 and 7 test it at depth 5) */
		if (!AT1(x, X_CCSEL))
			x->skip = true;
		break;
	case 6:
		if (AT3(x, X_CCONTEST, X_CCSEL, X_SELPOS)) {
			struct xpos e;
			memset(&e, 0, sizeof(e));
			if (tl_vec_push(x->ctx, s->xposs, &e) == NULL)
				return tl_oom(x->ctx);
		}
		/* depth 7 tests a SelectionPosition at depth 6 */
		if (!AT1(x, X_SELPOS))
			x->skip = true;
		break;
	case 7:
		if (AT3(x, X_CCSEL, X_SELPOS, X_WRITEIN) && s->xposs->len > 0)
			TL_VEC_AT(s->xposs, struct xpos,
			    s->xposs->len - 1).writein = true;
		/* nothing tests below depth 7 */
		x->skip = true;
		break;
	default:
		break;
	}
	return TELLER_OK;
}

/* Marks of the current snapshot's contest (XML rules), then emit. */
static int
p2_cvr(struct tl_xml *x, struct xstate *s)
{
	struct cdf *c = s->c;
	const char *cur = opt_str(s, &s->cur), *precinct = NULL, *name;
	size_t i, j, snap = SIZE_MAX;
	const struct kv *g;
	char msg[200];
	long rank;
	int err;

	for (i = 0; i < s->xsnaps->len; i++) {
		const struct xsnap *sn = &TL_VEC_AT(s->xsnaps, struct xsnap,
		    i);
		if (!sn->id.has)
			return tl_xml_fail(x, TELLER_EPARSE, "CVRSnapshot "
			    "without an ObjectId");
		if (cur != NULL && strcmp(opt_str(s, &sn->id), cur) == 0) {
			snap = i;
			break;
		}
	}
	/* XML: a CVR without the contest is skipped. */
	if (snap == SIZE_MAX)
		return TELLER_OK;
	if (TL_VEC_AT(s->xsnaps, struct xsnap, snap).nullbad)
		return tl_xml_fail(x, TELLER_EPARSE, "CVRContest without a "
		    "ContestId");
	if (!TL_VEC_AT(s->xsnaps, struct xsnap, snap).matched)
		return TELLER_OK;
	tl_cvrb_reset(&c->b);
	for (i = 0; i < s->xsels->len; i++) {
		const struct xsel *e = &TL_VEC_AT(s->xsels, struct xsel, i);
		const char *st = opt_str(s, &e->status);

		if (e->snap != snap)
			continue;
		if (st != NULL && strcmp(st, "needs-adjudication") == 0)
			continue;
		if ((name = sel_name(c, opt_str(s, &e->csid), msg,
		    sizeof(msg))) == NULL)
			return tl_xml_fail(x, TELLER_EPARSE, "%s", msg);
		if (e->rank.has) {
			const char *r = opt_str(s, &e->rank);
			if (!tl_cvr_parse_int(r, strlen(r), &rank))
				return tl_xml_fail(x, TELLER_EPARSE, "Rank "
				    "'%.40s' is not an integer", r);
			if ((err = check_rank(c, rank, msg, sizeof(msg))) != 0)
				return tl_xml_fail(x, err, "%s", msg);
			if ((err = tl_cvrb_mark_kept(&c->b, rank, name)) != 0)
				return err;
			continue;
		}
		for (j = e->pos0; j < e->pos1; j++) {
			const struct xpos *p = &TL_VEC_AT(s->xposs,
			    struct xpos, j);
			const char *ind = opt_str(s, &p->ind);
			const char *al = opt_str(s, &p->alloc);
			const char *r = opt_str(s, &p->rank);

			if (p->writein)
				name = TL_CVR_UWI;
			if (ind != NULL && strcmp(ind, "no") == 0)
				continue;
			/* XML: IsAllocable must be present. */
			if (al == NULL)
				return tl_xml_fail(x, TELLER_EPARSE,
				    "SelectionPosition without IsAllocable");
			if (strcmp(al, "no") == 0)
				continue;
			if (r == NULL)
				return tl_xml_fail(x, TELLER_EPARSE, "no Rank "
				    "on CVR '%s'", show(opt_str(s, &s->uniq)));
			if (!tl_cvr_parse_int(r, strlen(r), &rank))
				return tl_xml_fail(x, TELLER_EPARSE, "Rank "
				    "'%.40s' is not an integer", r);
			if ((err = check_rank(c, rank, msg, sizeof(msg))) != 0)
				return tl_xml_fail(x, err, "%s", msg);
			if ((err = tl_cvrb_mark_kept(&c->b, rank, name)) != 0)
				return err;
		}
	}
	if (s->unit.has) {
		g = kv_find(c->gpus, c->ngpus, opt_str(s, &s->unit));
		if (g == NULL)
			return tl_xml_fail(x, TELLER_EPARSE, "GpUnit '%s' for "
			    "CVR '%s' not found", opt_str(s, &s->unit),
			    show(opt_str(s, &s->uniq)));
		precinct = g->v;
	}
	return emit(c, opt_str(s, &s->uniq), precinct,
	    opt_str(s, &s->batch), tl_xml_line(x));
}

/* Whether the current CVRContest is the contest's. */
static bool
c_matches(const struct xstate *s)
{
	return cmp_key(opt_str(s, &s->ccid), s->c->contest_k) == 0;
}

static int
p2_end(struct tl_xml *x, const char *text, size_t n)
{
	struct xstate *s = x->ud;
	struct xsel *e;
	struct xpos *p;
	struct xsnap *sn;

	if (x->depth < 2 || XID(x, 2) != X_CVR || p2_foreign(x))
		return TELLER_OK;
	switch (x->depth) {
	case 2:
		return p2_cvr(x, s);
	case 3:
		if (AT1(x, X_CURSNAP))
			return opt_set(s, &s->cur, text, n);
		if (AT1(x, X_BSUNIT))
			return opt_set(s, &s->unit, text, n);
		if (AT1(x, X_UNIQUEID))
			return opt_set(s, &s->uniq, text, n);
		if (AT1(x, X_BATCHSEQ))
			return opt_set(s, &s->batch, text, n);
		break;
	case 4:
		if (!AT2(x, X_SNAPSHOT, X_CCONTEST))
			break;
		/* Keep the first CVRContest of the contest per snapshot. */
		sn = &TL_VEC_AT(s->xsnaps, struct xsnap, s->xsnaps->len - 1);
		if (!sn->matched && !s->ccid.has)
			sn->nullbad = true;
		if (!sn->matched && s->ccid.has && c_matches(s)) {
			sn->matched = true;
			break;
		}
		s->xsels->len = s->ccsel0;
		s->xposs->len = s->ccpos0;
		break;
	case 5:
		if (AT3(x, X_SNAPSHOT, X_CCONTEST, X_CONTESTID))
			return opt_set(s, &s->ccid, text, n);
		if (AT3(x, X_SNAPSHOT, X_CCONTEST, X_CCSEL) &&
		    s->xsels->len > s->ccsel0)
			TL_VEC_AT(s->xsels, struct xsel, s->xsels->len - 1).pos1
			    = s->xposs->len;
		break;
	case 6:
		if (s->xsels->len <= s->ccsel0 || XID(x, 4) != X_CCONTEST ||
		    XID(x, 5) != X_CCSEL)
			break;
		e = &TL_VEC_AT(s->xsels, struct xsel, s->xsels->len - 1);
		if (AT1(x, X_CSELID))
			return opt_set(s, &e->csid, text, n);
		if (AT1(x, X_RANK))
			return opt_set(s, &e->rank, text, n);
		if (AT1(x, X_STATUS))
			return opt_set(s, &e->status, text, n);
		break;
	case 7:
		if (s->xposs->len <= s->ccpos0 || XID(x, 5) != X_CCSEL ||
		    XID(x, 6) != X_SELPOS)
			break;
		p = &TL_VEC_AT(s->xposs, struct xpos, s->xposs->len - 1);
		if (AT1(x, X_HASIND))
			return opt_set(s, &p->ind, text, n);
		if (AT1(x, X_ISALLOC))
			return opt_set(s, &p->alloc, text, n);
		if (AT1(x, X_RANK))
			return opt_set(s, &p->rank, text, n);
		break;
	default:
		break;
	}
	return TELLER_OK;
}

/* Tests: read CDF XML with expat alone (the scanner's reference). */
bool tl_cvr_cdf_expat;

/* Pass 1's state as it was before the pass (the scanner gave up). */
static void
p1_reset(struct xstate *s)
{
	struct cdf *c = s->c;

	memset(s->top, 0, sizeof(s->top));
	s->elec_match = s->has_cand = s->has_contest = false;
	s->item_id.has = s->item_name.has = false;
	s->pool->len = s->tsels->len = s->cands->len = s->gpus->len = 0;
	c->found = false;
	c->contest_k = NULL;
	c->sels = NULL;
	c->nsels = 0;
}

/*
 * One pass over the file, by the scanner (cvr_xml.c) while *fast. Pass
 * 1 (p1) reads the whole file, so when the scanner finishes it, the file
 * is in its subset and pass 2 is scanned too; when it gives up, pass 1
 * starts again from a clean state under expat, and so does pass 2. The
 * callbacks are the same, and so are the events and positions they see.
 */
static int
xml_pass(struct xstate *s, struct tl_xml *x, struct tl_map *m, bool p1,
    bool *fast)
{
	struct cdf *c = s->c;
	bool unsure = false;
	int err;

	tl_io_rewind(m);
	if (*fast) {
		err = tl_xml_scan(c->ctx, x, c->path, m->buf, m->len, &unsure);
		if (err != TELLER_OK || !unsure)
			return err;
		if (!p1)
			return tl_fail_in(c->ctx, c->path, TELLER_EINTERNAL, 0,
			    0, "the XML scanner gave up in the second pass");
		*fast = false;
		p1_reset(s);
		tl_io_rewind(m);
	}
	return tl_xml_parse(c->ctx, x, c->path, m->buf, m->len);
}

static int
read_xml(struct cdf *c)
{
	teller_ctx *ctx = c->ctx;
	struct xstate s;
	struct tl_xml x;
	struct tl_io_watch w;
	struct tl_map m;
	size_t dup, i;
	bool fast = !tl_cvr_cdf_expat;
	int err;

	if ((err = tl_io_map(ctx, c->path, c->path, &m)) != TELLER_OK)
		return err;
	/* Pages parsed are dropped as each pass goes (issue 6). */
	tl_io_watch(ctx, &m, &w);
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.pool = tl_vec_new(ctx, 1);
	s.tsels = tl_vec_new(ctx, sizeof(struct tsel));
	s.cands = tl_vec_new(ctx, sizeof(struct kv));
	s.gpus = tl_vec_new(ctx, sizeof(struct kv));
	s.xsels = tl_vec_new(ctx, sizeof(struct xsel));
	s.xposs = tl_vec_new(ctx, sizeof(struct xpos));
	s.xsnaps = tl_vec_new(ctx, sizeof(struct xsnap));
	if (s.pool == NULL || s.tsels == NULL || s.cands == NULL ||
	    s.gpus == NULL || s.xsels == NULL || s.xposs == NULL ||
	    s.xsnaps == NULL) {
		err = tl_oom(ctx);
		goto out;
	}
	/* Pass 1: election data (CVRs come first in the schema's order). */
	memset(&x, 0, sizeof(x));
	x.start = p1_start;
	x.end = p1_end;
	x.ud = &s;
	x.idnames = x_names;
	if ((err = xml_pass(&s, &x, &m, true, &fast)) != TELLER_OK)
		goto out;
	if (!s.top[0]) {
		err = tl_fail_in(ctx, c->path, TELLER_EPARSE, 0, 0,
		    "no GpUnit in the CDF file "
		    "(common with older, unsupported formats)");
		goto out;
	}
	for (i = 1; i < 6; i++)
		if (!s.top[i]) {
			err = tl_fail_in(ctx, c->path, TELLER_EPARSE, 0, 0,
			    "required field %s "
			    "missing from the CDF file", top_names[i]);
			goto out;
		}
	if (!c->found) {
		err = tl_fail_in(ctx, c->path, TELLER_EPARSE, 0, 0,
		    "contest '%s' from the "
		    "config not found", c->src->contest_id);
		goto out;
	}
	if (c->nsels == 0) {
		err = tl_fail_in(ctx, c->path, TELLER_EPARSE, 0, 0,
		    "contest '%s' has no "
		    "ContestSelection", c->src->contest_id);
		goto out;
	}
	c->cands = s.cands->data;
	c->ncands = s.cands->len;
	c->gpus = s.gpus->data;
	c->ngpus = s.gpus->len;
	if ((dup = sort_unique(c->cands, c->ncands, sizeof(struct kv),
	    cmp_kv)) != 0) {
		err = tl_fail_in(ctx, c->path, TELLER_EPARSE, 0, 0,
		    "Candidate '%s' appears "
		    "more than once", show(c->cands[dup - 1].k));
		goto out;
	}
	if ((dup = sort_unique(c->sels, c->nsels, sizeof(struct csel),
	    cmp_csel)) != 0) {
		err = tl_fail_in(ctx, c->path, TELLER_EPARSE, 0, 0,
		    "Contest Selection '%s' "
		    "appears more than once", show(c->sels[dup - 1].k));
		goto out;
	}
	if ((dup = sort_unique(c->gpus, c->ngpus, sizeof(struct kv),
	    cmp_kv)) != 0) {
		err = tl_fail_in(ctx, c->path, TELLER_EPARSE, 0, 0,
		    "GpUnit '%s' appears more "
		    "than once", show(c->gpus[dup - 1].k));
		goto out;
	}
	/* Pass 2: the CVRs. */
	x.start = p2_start;
	x.end = p2_end;
	/* the scanner read it all in pass 1: pass 2 needs no checks */
	x.trusted = fast;
	err = xml_pass(&s, &x, &m, false, &fast);
out:
	tl_io_unwatch(ctx, &w);
	tl_io_unmap(&m);
	return err;
}

/* ------------------------------------------------------------------ */

int
tl_cvr_read_cdf(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	struct cdf c;
	int err;

	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	c.src = src;
	c.path = src->path;
	c.fn = fn;
	c.ud = ud;
	c.b.file = src->path;
	if ((err = tl_cvrb_init(ctx, &c.b)) != TELLER_OK)
		return err;
	if (tl_text_iends(src->path, strlen(src->path), ".xml"))
		err = read_xml(&c);
	else if (tl_text_iends(src->path, strlen(src->path), ".json"))
		err = read_json(&c);
	else
		err = tl_fail_in(ctx, src->path, TELLER_EPARSE, 0, 0, "a CDF "
		    "file name must end in .json or .xml");
	return err;
}
