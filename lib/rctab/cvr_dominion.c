/* SPDX-License-Identifier: MIT */
/*
 * cvr_dominion.c -- RCTab's Dominion reader (docs/rctab.md section 7.2):
 * a folder of JSON manifests plus CvrExport.json or CvrExport_N.json.
 * Each contest object of the configured contest on a session's current
 * (or Modified) cards is one cast vote record, handed over with the raw
 * Dominion candidate Ids; Ids equal to undeclaredWriteInLabel become the
 * write-in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvr_util.h"
#include "tl_io.h"

/* An Id -> Description entry of PrecinctManifest / PrecinctPortionManifest. */
struct idname {
	long id;
	size_t seq;
	const char *name; /* NULL if the Description is missing or null */
};

struct idmap {
	struct idname *v;
	size_t n;
	bool present;
};

/* Integer candidate Ids whose lookups are remembered (struct dom). */
#define DOM_MEMO 256

struct dom {
	teller_ctx *ctx;
	const struct tl_cvr_source *src;
	const char *dir;
	const char *file;     /* the manifest or export being read */
	struct idmap precincts;
	struct idmap portions;
	bool contest_found;   /* contestId is in ContestManifest */
	long num_of_ranks;    /* its NumOfRanks, 0 if none */
	const char **codes;   /* candidate Ids of the contest, sorted */
	size_t ncodes;
	/* what a mark's integer CandidateId (below DOM_MEMO) was found to
	 * name, NULL while not yet looked up */
	const char *memo[DOM_MEMO];
	struct tl_cvrb b;
	struct tl_jdoc jd;    /* manifests, the exports' other members */
	tl_cvr_fn fn;
	void *ud;
};

static int
cmp_idname(const void *pa, const void *pb)
{
	const struct idname *a = pa, *b = pb;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Id -> name, the last entry of equal Ids winning (HashMap.put). */
static const struct idname *
idmap_find(const struct idmap *m, long id)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->v[mid].id <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && m->v[lo - 1].id == id)
		return &m->v[lo - 1];
	return NULL;
}

/* Fail on the manifest or CVR file being read, at JSON path p. */
static int
jfail(const struct dom *d, struct tl_jpath *p, const char *what)
{
	const char *at = tl_jpath_str(p);

	return tl_fail_in(d->ctx, d->file, TELLER_EPARSE, 0, 0, "%s%s%s",
	    at, *at != '\0' ? ": " : "", what);
}

/* Load the manifest at path into d->jd (the caller frees it) and find
 * its "List" array; it is d->file from now on. */
static int
manifest_list(struct dom *d, const char *path, const struct tl_jv **list)
{
	const struct tl_jv *root;
	struct tl_jpath p;
	int err;

	d->file = path;
	if ((err = tl_jdoc_file(d->ctx, &d->jd, path, &root)) != TELLER_OK)
		return err;
	tl_jpath_init(&p);
	*list = tl_jv_jget(root, "List");
	if (!tl_jv_is(*list, TL_JARR)) {
		tl_jpath_push(&p, "List");
		return jfail(d, &p, "expected an array");
	}
	return TELLER_OK;
}

/* Read an Id -> Description manifest into m. */
static int
read_idmap(struct dom *d, const char *name, struct idmap *m)
{
	teller_ctx *ctx = d->ctx;
	const struct tl_jv *list, *e;
	struct tl_jpath p;
	size_t i;
	char *path;
	int err;

	if ((path = tl_cvr_path(ctx, d->dir, name)) == NULL)
		return TELLER_ENOMEM;
	if ((err = manifest_list(d, path, &list)) != TELLER_OK)
		goto out;
	m->present = true;
	m->n = tl_jv_len(list);
	m->v = tl_alloc(ctx, m->n + 1, sizeof(*m->v));
	if (m->v == NULL) {
		err = TELLER_ENOMEM;
		goto out;
	}
	tl_jpath_init(&p);
	for (i = 0, e = tl_jv_first(list); e != NULL;
	    i++, e = tl_jv_next(e)) {
		const struct tl_jv *desc = tl_jv_jget(e, "Description");
		tl_jpath_push(&p, "List[%zu]", i);
		if (!tl_jv_is(e, TL_JOBJ)) {
			err = jfail(d, &p, "expected an object");
			goto out;
		}
		if (!tl_jv_int(tl_jv_jget(e, "Id"), &m->v[i].id)) {
			tl_jpath_push(&p, ".Id");
			err = jfail(d, &p, "expected an integer");
			goto out;
		}
		m->v[i].seq = i;
		m->v[i].name = NULL;
		if (desc != NULL) {
			if (!tl_jv_is(desc, TL_JSTR)) {
				tl_jpath_push(&p, ".Description");
				err = jfail(d, &p, "expected a string");
				goto out;
			}
			m->v[i].name = tl_strndup(ctx, desc->u.s, desc->n);
			if (m->v[i].name == NULL) {
				err = TELLER_ENOMEM;
				goto out;
			}
		}
		tl_jpath_init(&p);
	}
	qsort(m->v, m->n, sizeof(*m->v), cmp_idname);
	err = TELLER_OK;
out:
	tl_jdoc_free(&d->jd);
	return err;
}

/* ContestManifest: is contestId there, and its NumOfRanks. */
static int
read_contests(struct dom *d)
{
	teller_ctx *ctx = d->ctx;
	const struct tl_jv *list, *e;
	struct tl_jpath p;
	char *path, id[256];
	size_t i;
	int err;

	if ((path = tl_cvr_path(ctx, d->dir, "ContestManifest.json")) == NULL)
		return TELLER_ENOMEM;
	if ((err = manifest_list(d, path, &list)) != TELLER_OK)
		goto out;
	tl_jpath_init(&p);
	for (i = 0, e = tl_jv_first(list); e != NULL;
	    i++, e = tl_jv_next(e)) {
		const struct tl_jv *nr;
		long v = 0;

		tl_jpath_push(&p, "List[%zu]", i);
		if (!tl_jv_text(tl_jv_jget(e, "Id"), id, sizeof(id))) {
			tl_jpath_push(&p, ".Id");
			err = jfail(d, &p, "expected an integer or string");
			goto out;
		}
		nr = tl_jv_jget(e, "NumOfRanks");
		if (nr != NULL && !tl_jv_int(nr, &v)) {
			tl_jpath_push(&p, ".NumOfRanks");
			err = jfail(d, &p, "expected an integer");
			goto out;
		}
		/* HashMap.put: a later entry with the same Id replaces. */
		if (strcmp(id, d->src->contest_id) == 0) {
			d->contest_found = true;
			d->num_of_ranks = nr != NULL && v > 0 ? v : 0;
		}
		tl_jpath_init(&p);
	}
	err = TELLER_OK;
out:
	tl_jdoc_free(&d->jd);
	return err;
}

/* CandidateManifest: the candidate Ids whose ContestId is contestId. */
static int
read_candidates(struct dom *d)
{
	teller_ctx *ctx = d->ctx;
	const struct tl_jv *list, *e;
	struct tl_jpath p;
	char *path, cid[256];
	size_t i;
	long id;
	int err;

	if ((path = tl_cvr_path(ctx, d->dir, "CandidateManifest.json")) ==
	    NULL)
		return TELLER_ENOMEM;
	if ((err = manifest_list(d, path, &list)) != TELLER_OK)
		goto out;
	d->codes = tl_alloc(ctx, tl_jv_len(list) + 1, sizeof(char *));
	if (d->codes == NULL) {
		err = TELLER_ENOMEM;
		goto out;
	}
	tl_jpath_init(&p);
	for (i = 0, e = tl_jv_first(list); e != NULL;
	    i++, e = tl_jv_next(e)) {
		char buf[32];

		tl_jpath_push(&p, "List[%zu]", i);
		if (!tl_jv_int(tl_jv_jget(e, "Id"), &id)) {
			tl_jpath_push(&p, ".Id");
			err = jfail(d, &p, "expected an integer");
			goto out;
		}
		if (!tl_jv_text(tl_jv_jget(e, "ContestId"), cid,
		    sizeof(cid))) {
			tl_jpath_push(&p, ".ContestId");
			err = jfail(d, &p, "expected an integer or string");
			goto out;
		}
		if (strcmp(cid, d->src->contest_id) == 0) {
			snprintf(buf, sizeof(buf), "%ld", id);
			if ((d->codes[d->ncodes++] = tl_strdup(ctx, buf)) ==
			    NULL) {
				err = TELLER_ENOMEM;
				goto out;
			}
		}
		tl_jpath_init(&p);
	}
	qsort(d->codes, d->ncodes, sizeof(char *), cmp_str);
	err = TELLER_OK;
out:
	tl_jdoc_free(&d->jd);
	return err;
}

/* The contest's own copy of candidate Id code (one pointer per Id for
 * the whole read), or NULL if code is not one of its candidates. */
static const char *
find_code(const struct dom *d, const char *code)
{
	const char **hit;

	if (d->ncodes == 0)
		return NULL;
	hit = bsearch(&code, d->codes, d->ncodes, sizeof(char *), cmp_str);
	return hit != NULL ? *hit : NULL;
}

/* Where the lookup of a mark's CandidateId v is remembered: an integer
 * Id below DOM_MEMO (its text, and so what it names, is always the
 * same), else NULL. */
static const char **
code_memo(struct dom *d, const struct tl_jv *v)
{
	if (!tl_jv_is(v, TL_JINT) || v->u.i < 0 || v->u.i >= DOM_MEMO)
		return NULL;
	return &d->memo[v->u.i];
}

/* Whether an OutstackConditionIds array holds 7 (InvalidContest). */
static bool
outstacked(const struct tl_jv *ids)
{
	const struct tl_jv *e;
	long v;

	for (e = tl_jv_first(ids); e != NULL; e = tl_jv_next(e)) {
		if (tl_jv_int(e, &v) && v == 7)
			return true;
	}
	return false;
}

/* Session-level values shared by the records of one session. */
struct sess {
	char tab[128], batch[128];
	long record;
	const char *precinct, *portion;
	long recno; /* session number in the file, 1-based */
};

/* One mark of the contest's Marks (p names it): an ambiguous mark is
 * left out; else its candidate and rank go to the record. maxr: the
 * source's ranking limit (0 for none). */
static int
read_mark(struct dom *d, const struct tl_jv *m, struct tl_jpath *p,
    long maxr)
{
	teller_ctx *ctx = d->ctx;
	const struct tl_jv *amb = tl_jv_jget(m, "IsAmbiguous"), *cid;
	char code[256], buf[600];
	const char *kept, **memo;
	long rank;

	if (!tl_jv_isbool(amb)) {
		tl_jpath_push(p, ".IsAmbiguous");
		return jfail(d, p, "expected true or false");
	}
	if (tl_jv_is(amb, TL_JTRUE))
		return TELLER_OK;
	cid = tl_jv_jget(m, "CandidateId");
	memo = code_memo(d, cid);
	kept = memo != NULL ? *memo : NULL;
	if (kept == NULL && !tl_jv_text(cid, code, sizeof(code))) {
		tl_jpath_push(p, ".CandidateId");
		return jfail(d, p, "expected an integer");
	}
	if (!tl_jv_int(tl_jv_jget(m, "Rank"), &rank)) {
		tl_jpath_push(p, ".Rank");
		return jfail(d, p, "expected an integer");
	}
	/* Marks name kept strings (no copy per mark; the tabulator
	 * caches names by address). */
	if (kept == NULL) {
		if (d->src->uwi_label[0] != '\0' &&
		    strcmp(code, d->src->uwi_label) == 0) {
			kept = TL_CVR_UWI;
		} else if ((kept = find_code(d, code)) == NULL) {
			snprintf(buf, sizeof(buf), "candidate Id '%s' is not "
			    "a candidate of contest '%s' in "
			    "CandidateManifest.json", code,
			    d->src->contest_id);
			return jfail(d, p, buf);
		}
		if (memo != NULL)
			*memo = kept;
	}
	/* Ranks above NumOfRanks or maxRankingsAllowed are fatal. */
	if ((d->num_of_ranks > 0 && rank > d->num_of_ranks) ||
	    (maxr > 0 && rank > maxr)) {
		snprintf(buf, sizeof(buf), "rank %ld is more than the %ld "
		    "ranks allowed", rank, d->num_of_ranks > 0 && (maxr == 0 ||
		    d->num_of_ranks < maxr) ? d->num_of_ranks : maxr);
		return jfail(d, p, buf);
	}
	if (rank < 1 || rank > ctx->lim.ranks) {
		tl_jpath_push(p, ".Rank");
		return tl_fail_in(ctx, d->file, rank < 1 ? TELLER_EPARSE :
		    TELLER_ELIMIT, 0, 0, "%s: rank %ld is not from 1 to %d",
		    tl_jpath_str(p), rank,
		    ctx->lim.ranks);
	}
	return tl_cvrb_mark_kept(&d->b, rank, kept);
}

/* The record's ids: "%s-%s-%ld" of tabulator, batch and record (tab and
 * batch are under 128 bytes each) at *off_cid, the record alone at
 * *off_sid. */
static int
add_ids(struct dom *d, const struct sess *s, size_t *off_cid,
    size_t *off_sid)
{
	char buf[600], num[24], *e = num + sizeof(num), *q = e;
	unsigned long u = s->record < 0 ? 0UL - (unsigned long)s->record :
	    (unsigned long)s->record;
	size_t lt = strlen(s->tab), lb = strlen(s->batch), ln;
	int err;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (s->record < 0)
		*--q = '-';
	ln = (size_t)(e - q);
	memcpy(buf, s->tab, lt);
	buf[lt] = '-';
	memcpy(buf + lt + 1, s->batch, lb);
	buf[lt + 1 + lb] = '-';
	memcpy(buf + lt + lb + 2, q, ln);
	if ((err = tl_cvrb_add(&d->b, buf, lt + lb + 2 + ln, off_cid)) != 0)
		return err;
	return tl_cvrb_add(&d->b, q, ln, off_sid);
}

/* One contest object of the configured contest: one record. */
static int
read_contest(struct dom *d, const struct tl_jv *contest, struct tl_jpath *p,
    const struct sess *s)
{
	teller_ctx *ctx = d->ctx;
	const struct tl_jv *marks, *m;
	size_t i, old, off_cid, off_sid, off_batch, off_prec = 0,
	    off_port = 0, off_tab;
	struct tl_cvr r;
	long maxr = tl_cvr_max_ranks(d->src);
	int err;

	if (!d->contest_found)
		return tl_fail_in(ctx, d->file, TELLER_EPARSE, 0, 0, "%s: "
		    "contest Id '%s' is not in ContestManifest.json",
		    tl_jpath_str(p),
		    d->src->contest_id);
	/* 2.0.1: OutstackConditionIds containing 7 skips the record. */
	if (outstacked(tl_jv_jget(contest, "OutstackConditionIds")))
		return TELLER_OK;
	marks = tl_jv_jget(contest, "Marks");
	if (!tl_jv_is(marks, TL_JARR)) {
		tl_jpath_push(p, ".Marks");
		return jfail(d, p, "expected an array");
	}
	tl_cvrb_reset(&d->b);
	for (i = 0, m = tl_jv_first(marks); m != NULL;
	    i++, m = tl_jv_next(m)) {
		old = tl_jpath_idx(p, ".Marks", i);
		if ((err = read_mark(d, m, p, maxr)) != TELLER_OK)
			return err;
		tl_jpath_pop(p, old);
	}
	if ((err = add_ids(d, s, &off_cid, &off_sid)) != 0 ||
	    (err = tl_cvrb_add(&d->b, s->batch, strlen(s->batch),
	    &off_batch)) != 0 ||
	    (err = tl_cvrb_add(&d->b, s->tab, strlen(s->tab), &off_tab)) != 0)
		return err;
	if (s->precinct != NULL && (err = tl_cvrb_add(&d->b, s->precinct,
	    strlen(s->precinct), &off_prec)) != 0)
		return err;
	if (s->portion != NULL && (err = tl_cvrb_add(&d->b, s->portion,
	    strlen(s->portion), &off_port)) != 0)
		return err;
	memset(&r, 0, sizeof(r));
	if ((err = tl_cvrb_finish(&d->b, &r)) != TELLER_OK)
		return err;
	r.computed_id = tl_cvrb_str(&d->b, off_cid);
	r.supplied_id = tl_cvrb_str(&d->b, off_sid);
	r.batch = tl_cvrb_str(&d->b, off_batch);
	r.tabulator_id = tl_cvrb_str(&d->b, off_tab);
	r.precinct = s->precinct != NULL ? tl_cvrb_str(&d->b, off_prec) :
	    NULL;
	r.precinct_portion = s->portion != NULL ?
	    tl_cvrb_str(&d->b, off_port) : NULL;
	r.file = d->file;
	r.line = s->recno;
	return d->fn(ctx, d->ud, &r);
}

/* Look up an optional PrecinctId / PrecinctPortionId of a session. */
static int
session_place(struct dom *d, const struct tl_jv *adj, const char *key,
    const struct idmap *m, const char *manifest, struct tl_jpath *p,
    const char **out)
{
	const struct tl_jv *v = tl_jv_jget(adj, key);
	const struct idname *e;
	long id;

	*out = NULL;
	if (v == NULL)
		return TELLER_OK;
	if (!tl_jv_int(v, &id)) {
		tl_jpath_push(p, ".%s", key);
		return jfail(d, p, "expected an integer");
	}
	if (!m->present || (e = idmap_find(m, id)) == NULL) {
		tl_jpath_push(p, ".%s", key);
		return tl_fail_in(d->ctx, d->file, TELLER_EPARSE, 0, 0,
		    "%s: %ld is not in %s",
		    tl_jpath_str(p), id, manifest);
	}
	*out = e->name;
	return TELLER_OK;
}

static int
read_session(struct dom *d, const struct tl_jv *sess, size_t si)
{
	const struct tl_jv *adj, *cards, *card, *cur, *contests, *c;
	struct tl_jpath p;
	struct sess s;
	size_t ci, k, old;
	char cid[256];
	int err;

	tl_jpath_init(&p);
	tl_jpath_idx(&p, "Sessions", si);
	s.recno = (long)si + 1;
	if (!tl_jv_is(sess, TL_JOBJ))
		return jfail(d, &p, "expected an object");
	if (!tl_jv_text(tl_jv_jget(sess, "TabulatorId"), s.tab,
	    sizeof(s.tab))) {
		tl_jpath_push(&p, ".TabulatorId");
		return jfail(d, &p, "expected an integer or string");
	}
	if (!tl_jv_text(tl_jv_jget(sess, "BatchId"), s.batch,
	    sizeof(s.batch))) {
		tl_jpath_push(&p, ".BatchId");
		return jfail(d, &p, "expected an integer or string");
	}
	if (!tl_jv_int(tl_jv_jget(sess, "RecordId"), &s.record)) {
		tl_jpath_push(&p, ".RecordId");
		return jfail(d, &p, "expected an integer");
	}
	adj = tl_jv_jget(sess, "Original");
	cur = tl_jv_jget(adj, "IsCurrent");
	if (!tl_jv_isbool(cur)) {
		tl_jpath_push(&p, tl_jv_is(adj, TL_JOBJ) ?
		    ".Original.IsCurrent" : ".Original");
		return jfail(d, &p, tl_jv_is(adj, TL_JOBJ) ?
		    "expected true or false" : "expected an object");
	}
	old = tl_jpath_push(&p, ".Original");
	if (!tl_jv_is(cur, TL_JTRUE)) {
		/* Not current: the adjudicated Modified data, if any; a
		 * session without it is skipped (RCTab warns). */
		if (tl_jv_get(sess, "Modified") == NULL)
			return TELLER_OK;
		adj = tl_jv_jget(sess, "Modified");
		tl_jpath_pop(&p, old);
		tl_jpath_push(&p, ".Modified");
		if (!tl_jv_is(adj, TL_JOBJ))
			return jfail(d, &p, "expected an object");
	}
	if ((err = session_place(d, adj, "PrecinctId", &d->precincts,
	    "PrecinctManifest.json", &p, &s.precinct)) != TELLER_OK ||
	    (err = session_place(d, adj, "PrecinctPortionId", &d->portions,
	    "PrecinctPortionManifest.json", &p, &s.portion)) != TELLER_OK)
		return err;
	if (!tl_jv_text(tl_jv_jget(adj, "BallotTypeId"), cid,
	    sizeof(cid))) {
		tl_jpath_push(&p, ".BallotTypeId");
		return jfail(d, &p, "expected an integer or string");
	}
	/* Cards, or the contests directly on the session data. */
	cards = tl_jv_get(adj, "Cards");
	if (cards != NULL && !tl_jv_is(cards, TL_JARR)) {
		tl_jpath_push(&p, ".Cards");
		return jfail(d, &p, "expected an array");
	}
	card = cards != NULL ? tl_jv_first(cards) : adj;
	for (k = 0; card != NULL; k++,
	    card = cards != NULL ? tl_jv_next(card) : NULL) {
		size_t cold = p.ns; /* a mark for pop */

		if (cards != NULL)
			tl_jpath_idx(&p, ".Cards", k);
		contests = tl_jv_jget(card, "Contests");
		if (!tl_jv_is(contests, TL_JARR)) {
			tl_jpath_push(&p, ".Contests");
			return jfail(d, &p, "expected an array");
		}
		for (ci = 0, c = tl_jv_first(contests); c != NULL;
		    ci++, c = tl_jv_next(c)) {
			size_t o2 = tl_jpath_idx(&p, ".Contests", ci);

			if (!tl_jv_text(tl_jv_jget(c, "Id"), cid,
			    sizeof(cid))) {
				tl_jpath_push(&p, ".Id");
				return jfail(d, &p,
				    "expected an integer or string");
			}
			if (strcmp(cid, d->src->contest_id) == 0 &&
			    (err = read_contest(d, c, &p, &s)) != TELLER_OK)
				return err;
			tl_jpath_pop(&p, o2);
		}
		tl_jpath_pop(&p, cold);
	}
	return TELLER_OK;
}

static int
session_cb(void *ud, size_t i, const struct tl_jv *s)
{
	return read_session(ud, s, i);
}

/* Every member name read_session and below look up: the others (the
 * image mask, mark densities, ...) are checked but not built. */
static const char *const session_keys[] = {
	"TabulatorId", "BatchId", "RecordId", "Original", "Modified",
	"IsCurrent", "PrecinctId", "PrecinctPortionId", "BallotTypeId",
	"Cards", "Contests", "Id", "OutstackConditionIds", "Marks",
	"IsAmbiguous", "CandidateId", "Rank", NULL
};

/* One CvrExport file, streamed one session at a time (RCTab loads it
 * whole; the records and their order are the same). Its other members
 * are checked; of repeated Sessions keys, the last one wins. */
static int
read_cvr_file(struct dom *d, const char *path)
{
	teller_ctx *ctx = d->ctx;
	struct tl_jkeys keys;
	struct tl_io_watch w;
	struct tl_map m;
	int err;

	d->file = d->b.file = path;
	if ((err = tl_io_map(ctx, path, path, &m)) != TELLER_OK)
		return err;
	/* The pages walked are dropped as the scans go (issue 6): memory
	 * stays flat however large the export. */
	tl_io_watch(ctx, &m, &w);
	tl_jkeys_init(&keys, session_keys);
	err = tl_json_array_member(ctx, &m, path, "Sessions", &keys,
	    session_cb, d);
	tl_io_unwatch(ctx, &w);
	tl_io_unmap(&m);
	return err;
}

/* CvrExport_\d+.json with the '.' matching any character (String.matches
 * on an unescaped pattern). */
static bool
is_export_part(const char *name)
{
	const char *p = name;
	size_t n;

	if (strncmp(p, "CvrExport_", 10) != 0)
		return false;
	p += 10;
	n = strspn(p, "0123456789");
	if (n == 0)
		return false;
	p += n;
	/* One character (UTF-8 sequence) then "json". */
	if (*p == '\0')
		return false;
	p++;
	while ((*p & 0xC0) == 0x80)
		p++;
	return strcmp(p, "json") == 0;
}

int
tl_cvr_read_dominion(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	const char **names, *single = NULL;
	struct dom d;
	size_t n, i;
	int err;

	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.src = src;
	d.dir = src->path;
	d.fn = fn;
	d.ud = ud;
	d.file = src->path;
	if ((err = tl_io_list(ctx, src->path, src->path, &names, &n)) !=
	    TELLER_OK)
		return err;
	if ((err = tl_cvrb_init(ctx, &d.b)) != TELLER_OK ||
	    (err = tl_jdoc_init(ctx, &d.jd)) != TELLER_OK)
		return err;
	/* Older exports have no PrecinctManifest.json. */
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], "PrecinctManifest.json") == 0 &&
		    (err = read_idmap(&d, names[i], &d.precincts)) != TELLER_OK)
			return err;
		if (strcmp(names[i], "CvrExport.json") == 0)
			single = names[i];
	}
	if ((err = read_idmap(&d, "PrecinctPortionManifest.json",
	    &d.portions)) != TELLER_OK ||
	    (err = read_contests(&d)) != TELLER_OK ||
	    (err = read_candidates(&d)) != TELLER_OK)
		return err;
	if (single != NULL) {
		char *path = tl_cvr_path(ctx, src->path, single);
		return path == NULL ? TELLER_ENOMEM : read_cvr_file(&d, path);
	}
	/* CvrExport_N.json files sorted by path as a string (tl_io_list
	 * sorts bytewise), so _10 comes before _2. */
	err = TELLER_OK;
	for (i = 0; i < n && err == TELLER_OK; i++) {
		if (is_export_part(names[i])) {
			char *path = tl_cvr_path(ctx, src->path, names[i]);
			if (single == NULL)
				single = names[i];
			err = path == NULL ? TELLER_ENOMEM :
			    read_cvr_file(&d, path);
		}
	}
	if (err == TELLER_OK && single == NULL)
		err = tl_fail_in(ctx, src->path, TELLER_EIO, 0, 0, "%s: "
		    "neither CvrExport.json nor CvrExport_N.json found",
		    src->path);
	return err;
}
