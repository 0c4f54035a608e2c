/* SPDX-License-Identifier: MIT */
/*
 * rctab_tab.c -- RCTab's tabulator (rctab.md 4, 5): reads every CVR source
 * through the readers of rctab_cvr.h, merging identical ballots (same rank
 * slots and, when slices are asked for, the same precinct/batch) into
 * weighted records, then runs RCTab's round loop over the records exactly
 * as Tabulator.java runs it over single ballots, and hands the rounds to
 * the writers. Multi-pass IRV re-runs the loop once per seat.
 */
#include <stdio.h>
#include <string.h>

#include "rctab.h"

/* ------------------------------------------------------------------ */
/* interned strings                                                    */

struct strtab {
	struct tl_vec *strs;  /* of const char * */
	uint32_t *slots;      /* index + 1 */
	size_t nslots;
};

static uint32_t
strhash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static int
strtab_init(teller_ctx *ctx, struct strtab *t)
{
	t->strs = tl_vec_new(ctx, sizeof(char *));
	t->nslots = 64;
	t->slots = tl_alloc(ctx, t->nslots, sizeof(uint32_t));
	return t->strs == NULL || t->slots == NULL ? TELLER_ENOMEM : TELLER_OK;
}

/* Index of s in t, adding it when add is set; -1 if absent, -2 on OOM. */
static int
strtab_get(teller_ctx *ctx, struct strtab *t, const char *s, bool add)
{
	size_t mask = t->nslots - 1, i, j;
	uint32_t h = strhash(s);
	const char **strs = t->strs->data;
	char *copy;

	for (i = h & mask; t->slots[i] != 0; i = (i + 1) & mask)
		if (strcmp(strs[t->slots[i] - 1], s) == 0)
			return (int)t->slots[i] - 1;
	if (!add)
		return -1;
	if ((t->strs->len + 1) * 2 > t->nslots) {
		size_t n = t->nslots * 2;
		uint32_t *ns = tl_alloc(ctx, n, sizeof(uint32_t));
		if (ns == NULL)
			return -2;
		for (j = 0; j < t->strs->len; j++) {
			for (i = strhash(strs[j]) & (n - 1); ns[i] != 0;
			    i = (i + 1) & (n - 1))
				;
			ns[i] = (uint32_t)j + 1;
		}
		t->slots = ns;
		t->nslots = n;
		mask = n - 1;
		for (i = h & mask; t->slots[i] != 0; i = (i + 1) & mask)
			;
	}
	copy = tl_strdup(ctx, s);
	if (copy == NULL || tl_vec_push(ctx, t->strs, &copy) == NULL)
		return -2;
	t->slots[i] = (uint32_t)t->strs->len;
	return (int)t->strs->len - 1;
}

/* ------------------------------------------------------------------ */
/* state                                                               */

struct tok {
	int cand;      /* candidate id, -1 unknown */
	bool is_name;  /* the canonical name itself (not an alias) */
	bool ov;       /* the internal "overvote" string */
	int64_t count; /* occurrences (for the unrecognized check) */
};

struct rrec {
	uint32_t off, len;  /* key cells */
	uint32_t hash;
	int32_t sl[2];      /* precinct, batch slice; -1 none */
	int64_t w;          /* ballots merged here */
	int32_t maxrank;    /* highest non-empty rank */
	int32_t nranks;     /* non-empty ranks */
	/* per-pass state */
	int32_t recip;      /* current recipient, -1 none */
	int32_t status;     /* enum tl_rst */
	int32_t kept;       /* head of winner -> kept value list, -1 */
	int32_t evhead, evtail; /* CDF selection events, -1 */
	struct tl_dec ftv;  /* fractional transfer value */
};

struct kept {
	int32_t next;
	int32_t cand;
	int32_t round;      /* elected in this round */
	struct tl_dec v;
};

/* CDF export (generateCdfJson): a record's selection changes, and the
 * ballots in reading order. */
struct cdfev {
	int32_t next;
	int32_t round;
	int32_t recip;
	struct tl_dec ftv;
};

struct cdfballot {
	uint32_t rec;
	uint32_t idoff;     /* computed ID in cdfids */
	int32_t prec;       /* index in cdfprec, -1 none */
};

struct tl_rtab {
	teller_ctx *ctx;
	const struct tl_rctab_cfg *cfg;
	const struct tl_rctab_opts *opts;
	int ncand, uwi, ndecl;
	const char **names;
	struct strtab toks;
	struct tl_vec *tokinfo;   /* of struct tok */
	struct strtab prec, batch;
	bool cdf;                 /* generateCdfJson */
	struct tl_vec *cdfballots; /* of struct cdfballot */
	struct tl_vec *cdfids;    /* computed IDs, NUL-separated */
	struct tl_vec *cdfev;     /* of struct cdfev */
	struct strtab cdfprec;    /* precincts in order of appearance */
	const char *gendate;
	bool any_prec, any_batch;
	/* rctab_cvr.csv, written as the CVRs are read (rctab.md 8.6) */
	bool cvx;
	struct tl_out cvo;
	void *cvwud;
	int cvmax;                /* Rank 1..cvmax columns */
	int cursrc;               /* source being read */
	const struct tl_cvr_provider *curprov; /* its provider */
	struct tl_vec *cvcell;    /* one rank cell being built */
	/* per source: the row's first three fields, and each token's
	 * one-name rank field, both as written (",name", quoted if need
	 * be); cvoff[token] is 1 + offset in cvtxt, 0 not yet */
	int cvsrc;
	struct tl_vec *cvpre, *cvtxt, *cvoff;
	/* records */
	struct tl_vec *recs;      /* of struct rrec */
	struct tl_vec *cells;     /* of uint32_t */
	uint32_t *rslots;
	size_t nrslots;
	struct tl_vec *keyv;      /* scratch key */
	struct tl_vec *kepts;     /* of struct kept */
	const char *cur_file;
	struct {
		const char *p;
		int tok;
	} cache[64];              /* string pointer -> token, verified */
	struct sent {
		const void *slots;
		int32_t sl[2];
		uint32_t rec;
		int64_t hits;     /* ballots whose string counts are owed */
	} *stab;                  /* stable slots pointer and slices ->
				   * record, open addressing */
	size_t nstab, nstabslots;
	/* per pass */
	int seats, pass, nslice;
	bool *excluded;
	int *won, *elim;
	bool *won_tie, *elim_tie;
	int nwon, nelim;
	int nround;
	struct tl_vec *rounds;    /* of struct tl_rround */
	uint64_t *xkeys;          /* transfer map */
	struct tl_dec *xvals;
	size_t nx, nxslots;
	struct tl_jrand rng;
	int *perm;                /* tie-break order (config or generated) */
	int nperm;
	int nties_used;
	bool *tie_used;
	uint32_t *scratch;
	int *scratch2;
	uint32_t *seen;           /* strings seen on one ballot */
	const char **tkeys;       /* tie-break scratch, ncand each */
	int *tord, *tgrp;
	size_t maxtoks;           /* most strings on one record */
};

#define TOK(t, i) (&TL_VEC_AT((t)->tokinfo, struct tok, (i)))
#define REC(t, i) (&TL_VEC_AT((t)->recs, struct rrec, (i)))
#define ROUND(t, r) (&TL_VEC_AT((t)->rounds, struct tl_rround, (r) - 1))

static bool
uses_surplus(const struct tl_rtab *t)
{
	/* rctab.md 4.7: seats > 1 and not bottomsUp */
	return t->seats > 1 && t->cfg->mode != TL_WM_BOTTOMS_UP;
}

static int
tok_get(struct tl_rtab *t, const char *s)
{
	int i = strtab_get(t->ctx, &t->toks, s, true);
	struct tok z = { -1, false, false, 0 };

	if (i == -2)
		return -1;
	if ((size_t)i == t->tokinfo->len) {
		z.ov = strcmp(s, TL_CVR_OVERVOTE) == 0;
		if (tl_vec_push(t->ctx, t->tokinfo, &z) == NULL)
			return -1;
	}
	return i;
}

/* ------------------------------------------------------------------ */
/* reading: one callback per CVR                                       */

static uint32_t
keyhash(const uint32_t *k, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= k[i];
		h *= 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	return (uint32_t)h;
}

static int
rec_grow(struct tl_rtab *t)
{
	size_t n = t->nrslots * 2, i, j;
	uint32_t *ns = tl_alloc(t->ctx, n, sizeof(uint32_t));

	if (ns == NULL)
		return TELLER_ENOMEM;
	for (j = 0; j < t->recs->len; j++) {
		for (i = REC(t, j)->hash & (n - 1); ns[i] != 0;
		    i = (i + 1) & (n - 1))
			;
		ns[i] = (uint32_t)j + 1;
	}
	t->rslots = ns;
	t->nrslots = n;
	return TELLER_OK;
}

/* Remember one ballot for the CDF export. */
static int
cdf_ballot(struct tl_rtab *t, const struct tl_cvr *r, uint32_t rec)
{
	struct cdfballot b;
	size_t n = strlen(r->computed_id) + 1;

	b.rec = rec;
	b.idoff = (uint32_t)t->cdfids->len;
	b.prec = -1;
	if (r->precinct != NULL) {
		b.prec = strtab_get(t->ctx, &t->cdfprec, r->precinct, true);
		if (b.prec < 0)
			return TELLER_ENOMEM;
	}
	if (t->cdfids->len + n > UINT32_MAX ||
	    tl_vec_reserve(t->ctx, t->cdfids, n) != TELLER_OK)
		return tl_fail(t->ctx, TELLER_ELIMIT, "too many ballots for "
		    "the CDF export");
	memcpy((char *)t->cdfids->data + t->cdfids->len, r->computed_id, n);
	t->cdfids->len += n;
	return tl_vec_push(t->ctx, t->cdfballots, &b) == NULL ?
	    TELLER_ENOMEM : TELLER_OK;
}

static size_t
stab_hash(const void *p, const int *sl)
{
	uint64_t h = (uint64_t)(uintptr_t)p;

	h ^= ((uint64_t)(uint32_t)sl[0] << 32) ^ (uint32_t)sl[1];
	h *= 0x9E3779B97F4A7C15u;
	return (size_t)(h >> 32);
}

/* The stable-slots entry for (p, sl): a hit, or the empty one. */
static struct sent *
stab_find(const struct tl_rtab *t, const void *p, const int *sl)
{
	size_t mask = t->nstabslots - 1, i;
	struct sent *e;

	for (i = stab_hash(p, sl) & mask;; i = (i + 1) & mask) {
		e = &t->stab[i];
		if (e->slots == NULL || (e->slots == p && e->sl[0] == sl[0] &&
		    e->sl[1] == sl[1]))
			return e;
	}
}

/* Note a stable record's slots pointer (rctab_cvr.h) as keying record
 * rec under slices sl. */
static int
remember(struct tl_rtab *t, const struct tl_cvr *r, const int *sl,
    uint32_t rec)
{
	struct sent *e;
	size_t i, j;

	if (!r->stable)
		return TELLER_OK;
	if ((t->nstab + 1) * 2 > t->nstabslots) {
		size_t n = t->nstabslots == 0 ? 1024 : t->nstabslots * 2;
		struct sent *ns = tl_alloc(t->ctx, n, sizeof *ns);
		if (ns == NULL)
			return TELLER_ENOMEM;
		for (i = 0; i < t->nstabslots; i++) {
			if (t->stab[i].slots == NULL)
				continue;
			for (j = stab_hash(t->stab[i].slots, t->stab[i].sl) &
			    (n - 1); ns[j].slots != NULL; j = (j + 1) & (n - 1))
				;
			ns[j] = t->stab[i];
		}
		t->stab = ns;
		t->nstabslots = n;
	}
	e = stab_find(t, r->slots, sl);
	if (e->slots == NULL)
		t->nstab++;
	e->slots = r->slots;
	e->sl[0] = sl[0];
	e->sl[1] = sl[1];
	e->rec = rec;
	return TELLER_OK;
}

/* Add the string counts owed by the stable-slots table (each hit is a
 * ballot identical to its record) and zero them; then empty the table
 * when clear is set (stable pointers hold for one reader call only). */
static void
stab_settle(struct tl_rtab *t, bool clear)
{
	size_t i;
	uint32_t pos, end, j, n;

	for (i = 0; i < t->nstabslots && t->nstab > 0; i++) {
		struct sent *e = &t->stab[i];
		const struct rrec *rec;
		const uint32_t *c;
		if (e->slots == NULL || e->hits == 0)
			continue;
		rec = REC(t, e->rec);
		c = &TL_VEC_AT(t->cells, uint32_t, rec->off);
		for (pos = 0, end = rec->len - 2; pos < end; pos += 2 + n) {
			n = c[pos + 1];
			for (j = 0; j < n; j++)
				TOK(t, c[pos + 2 + j])->count += e->hits;
		}
		e->hits = 0;
	}
	if (clear && t->nstab > 0) {
		memset(t->stab, 0, t->nstabslots * sizeof *t->stab);
		t->nstab = 0;
	}
}

/* ------------------------------------------------------------------ */
/* rctab_cvr.csv: RCTab's simplified CVR export (rctab.md 8.6)         */

/* The text RCTab prints for CVR string s of source src: the canonical
 * name of a name or alias, the source's own label for a write-in,
 * "overvote", or "" (Java null) for a string no candidate owns. */
static const char *
cvx_name(struct tl_rtab *t, const struct tl_cvr_source *src, const char *s)
{
	int ti;

	if (strcmp(s, TL_CVR_UWI) == 0)
		return src->uwi_label;
	if (strcmp(s, TL_CVR_OVERVOTE) == 0)
		return TL_CVR_OVERVOTE;
	ti = strtab_get(t->ctx, &t->toks, s, false);
	if (ti >= 0 && TOK(t, ti)->cand >= 0)
		return TOK(t, ti)->cand == t->uwi ? src->uwi_label :
		    t->names[TOK(t, ti)->cand];
	if (*src->uwi_label != '\0' && strcmp(s, src->uwi_label) == 0)
		return src->uwi_label;
	return "";
}

static int
cvx_begin(struct tl_rtab *t)
{
	const struct tl_rctab_sink *k = &t->opts->sink;
	static const char *const head[] = { "Source Filepath",
	    "CVR Provider", "Contest Id", "RCTab CVR Id", "Tabulator Id",
	    "Batch Id", "Vendor Id", "Precinct", "Precinct Portion" };
	teller_write_fn w;
	char buf[32];
	bool first = true;
	size_t i;
	int r;

	t->cvcell = tl_vec_new(t->ctx, 1);
	t->cvpre = tl_vec_new(t->ctx, 1);
	t->cvtxt = tl_vec_new(t->ctx, 1);
	t->cvoff = tl_vec_new(t->ctx, sizeof(uint32_t));
	if (t->cvcell == NULL || t->cvpre == NULL || t->cvtxt == NULL ||
	    t->cvoff == NULL)
		return TELLER_ENOMEM;
	t->cvsrc = -1;
	if (k->open(k->ud, "rctab_cvr.csv", &w, &t->cvwud) != 0)
		return tl_fail(t->ctx, TELLER_EWRITE, "rctab_cvr.csv: cannot "
		    "write");
	t->cvx = true;
	/* maxRankingsAllowed, or the declared candidates for "max" */
	t->cvmax = t->cfg->max_rank > 0 ? t->cfg->max_rank : t->cfg->ncand;
	tl_out_init(&t->cvo, t->ctx, w, t->cvwud);
	for (i = 0; i < sizeof head / sizeof head[0]; i++)
		tl_rctab_csvf(&t->cvo, &first, head[i]);
	for (r = 1; r <= t->cvmax; r++) {
		snprintf(buf, sizeof buf, "Rank %d", r);
		tl_rctab_csvf(&t->cvo, &first, buf);
	}
	tl_out_str(&t->cvo, t->opts->crlf ? "\r\n" : "\n");
	return TELLER_OK;
}

/* Flush and close the export; rc is the reading's outcome. */
static int
cvx_end(struct tl_rtab *t, int rc)
{
	const struct tl_rctab_sink *k = &t->opts->sink;
	int frc;

	if (!t->cvx)
		return rc;
	t->cvx = false;
	frc = tl_out_flush(&t->cvo);
	if (k->close(k->ud, t->cvwud) != 0 && frc == TELLER_OK)
		frc = tl_fail(t->ctx, TELLER_EWRITE, "rctab_cvr.csv: cannot "
		    "write");
	return rc != TELLER_OK ? rc : frc;
}

struct vecw {
	teller_ctx *ctx;
	struct tl_vec *v;
};

static int
vec_write(void *ud, const char *p, size_t n)
{
	struct vecw *w = ud;

	if (tl_vec_reserve(w->ctx, w->v, n) != TELLER_OK)
		return 1;
	memcpy((char *)w->v->data + w->v->len, p, n);
	w->v->len += n;
	return 0;
}

/* Append field s to v as tl_rctab_csvf writes it; with nul, a NUL
 * after it. */
static int
vec_field(struct tl_rtab *t, struct tl_vec *v, bool first, const char *s,
    bool nul)
{
	struct vecw w = { t->ctx, v };
	struct tl_out o;

	tl_out_init(&o, t->ctx, vec_write, &w);
	tl_rctab_csvf(&o, &first, s);
	if (nul)
		tl_out_mem(&o, "", 1);
	return tl_out_flush(&o);
}

/* The token of CVR string s (the pointer cache of on_cvr first). */
static int
cvx_tok(struct tl_rtab *t, const char *s)
{
	size_t ci = ((uintptr_t)s >> 3) & 63;
	int ti;

	if (t->cache[ci].p == s && strcmp(((const char **)
	    t->toks.strs->data)[t->cache[ci].tok], s) == 0)
		return t->cache[ci].tok;
	if ((ti = tok_get(t, s)) < 0)
		return -1;
	t->cache[ci].p = s;
	t->cache[ci].tok = ti;
	return ti;
}

/* The rank field of a one-string rank, from the cache or made now. */
static int
cvx_one(struct tl_rtab *t, const struct tl_cvr_source *src, const char *s)
{
	int ti = cvx_tok(t, s);
	uint32_t *off, z = 0, at;
	const char *p;

	if (ti < 0)
		return TELLER_ENOMEM;
	while (t->cvoff->len <= (size_t)ti)
		if (tl_vec_push(t->ctx, t->cvoff, &z) == NULL)
			return TELLER_ENOMEM;
	off = &TL_VEC_AT(t->cvoff, uint32_t, ti);
	if (*off == 0) {
		if (t->cvtxt->len >= UINT32_MAX / 2)
			return tl_fail(t->ctx, TELLER_ELIMIT, "too many "
			    "candidate strings");
		at = (uint32_t)t->cvtxt->len;
		if (vec_field(t, t->cvtxt, false, cvx_name(t, src, s), true)
		    != TELLER_OK)
			return TELLER_ENOMEM;
		off = &TL_VEC_AT(t->cvoff, uint32_t, ti);
		*off = at + 1;
	}
	p = (const char *)t->cvtxt->data + *off - 1;
	tl_out_str(&t->cvo, p);
	return TELLER_OK;
}

static int
cvx_row(struct tl_rtab *t, const struct tl_cvr *r)
{
	const struct tl_cvr_source *src = &t->cfg->src[t->cursrc];
	struct tl_out *o = &t->cvo;
	bool first = true;
	int rank, s = 0, j;

	if (t->cvsrc != t->cursrc) {
		/* a new source: its fields, and its write-in label; the
		 * readers that give RCTab's CVR a contest id */
		bool cid = t->curprov->export_contest_id;
		t->cvsrc = t->cursrc;
		t->cvpre->len = 0;
		t->cvtxt->len = 0;
		memset(t->cvoff->data, 0, t->cvoff->len * sizeof(uint32_t));
		if (vec_field(t, t->cvpre, true, src->raw_path, false) !=
		    TELLER_OK ||
		    vec_field(t, t->cvpre, false, src->provider, false) !=
		    TELLER_OK ||
		    vec_field(t, t->cvpre, false, cid ? src->contest_id : "",
		    false) != TELLER_OK)
			return TELLER_ENOMEM;
	}
	tl_out_mem(o, t->cvpre->data, t->cvpre->len);
	first = false;
#define NN(x) ((x) != NULL ? (x) : "")
	tl_rctab_csvf(o, &first, NN(r->computed_id));
	tl_rctab_csvf(o, &first, NN(r->tabulator_id));
	tl_rctab_csvf(o, &first, NN(r->batch));
	tl_rctab_csvf(o, &first, NN(r->supplied_id));
	tl_rctab_csvf(o, &first, NN(r->precinct));
	tl_rctab_csvf(o, &first, NN(r->precinct_portion));
#undef NN
	for (rank = 1; rank <= t->cvmax; rank++) {
		const struct tl_cvr_slot *sl;
		while (s < r->nslots && r->slots[s].rank < rank)
			s++;
		if (s == r->nslots || r->slots[s].rank != rank) {
			tl_rctab_csvf(o, &first, "undervote");
			continue;
		}
		sl = &r->slots[s];
		if (sl->n == 1) {
			if (cvx_one(t, src, sl->cands[0]) != TELLER_OK)
				return TELLER_ENOMEM;
			continue;
		}
		/* several strings at a rank: one per line in the cell */
		t->cvcell->len = 0;
		for (j = 0; j < sl->n; j++) {
			const char *nm = cvx_name(t, src, sl->cands[j]);
			size_t n = strlen(nm);
			if (tl_vec_reserve(t->ctx, t->cvcell, n + 2) !=
			    TELLER_OK)
				return TELLER_ENOMEM;
			if (j > 0)
				((char *)t->cvcell->data)[t->cvcell->len++] =
				    '\n';
			memcpy((char *)t->cvcell->data + t->cvcell->len, nm,
			    n);
			t->cvcell->len += n;
		}
		((char *)t->cvcell->data)[t->cvcell->len] = '\0';
		tl_rctab_csvf(o, &first, t->cvcell->data);
	}
	tl_out_str(o, t->opts->crlf ? "\r\n" : "\n");
	return o->err != 0 ? TELLER_EWRITE : TELLER_OK;
}

static int
on_cvr(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	struct tl_rtab *t = ud;
	const struct tl_rctab_cfg *cfg = t->cfg;
	uint32_t *k, h;
	size_t n = 0, need = 2, i, mask;
	int s, j, last = 0, sl[2] = { -1, -1 };
	struct rrec *rec, z;
	/* a merged record (rctab_cvr.h) stands for weight ballots */
	int64_t w = r->weight > 0 ? r->weight : 1;

	if (t->cvx && (s = cvx_row(t, r)) != TELLER_OK)
		return s;

	if (r->precinct != NULL) {
		t->any_prec = true;
		if (cfg->by_precinct && r->precinct[0] != '\0') {
			sl[0] = strtab_get(ctx, &t->prec, r->precinct, true);
			if (sl[0] < 0)
				return TELLER_ENOMEM;
		}
	}
	if (r->batch != NULL) {
		t->any_batch = true;
		if (cfg->by_batch && r->batch[0] != '\0') {
			sl[1] = strtab_get(ctx, &t->batch, r->batch, true);
			if (sl[1] < 0)
				return TELLER_ENOMEM;
		}
	}
	if (r->stable && t->nstab > 0) {
		/* the reader promises: same slots pointer, same slots, and
		 * those slots were checked and keyed when first seen */
		struct sent *e = stab_find(t, r->slots, sl);
		if (e->slots != NULL) {
			/* string counts settle after the source */
			e->hits += w;
			REC(t, e->rec)->w += w;
			return t->cdf ? cdf_ballot(t, r, e->rec) : TELLER_OK;
		}
	}
	for (s = 0; s < r->nslots; s++)
		need += 2 + (size_t)r->slots[s].n;
	if (need > t->maxtoks)
		t->maxtoks = need;
	if (t->keyv->cap < need &&
	    tl_vec_reserve(ctx, t->keyv, need - t->keyv->len) != TELLER_OK)
		return TELLER_ENOMEM;
	k = t->keyv->data;
	for (s = 0; s < r->nslots; s++) {
		const struct tl_cvr_slot *sl0 = &r->slots[s];
		if (sl0->rank <= last || sl0->n <= 0)
			return tl_fail_at(ctx, TELLER_EPARSE, r->line, 0,
			    "CVR \"%s\": ranks out of order", r->computed_id);
		if (cfg->max_rank > 0 && sl0->rank > cfg->max_rank)
			return tl_fail_at(ctx, TELLER_EPARSE, r->line, 0,
			    "CVR \"%s\" has a ranking %d, but the contest has "
			    "max ranking %d (maxRankingsAllowed)",
			    r->computed_id, sl0->rank, cfg->max_rank);
		last = sl0->rank;
		k[n++] = (uint32_t)sl0->rank;
		k[n++] = (uint32_t)sl0->n;
		for (j = 0; j < sl0->n; j++) {
			const char *cs = sl0->cands[j];
			size_t ci = ((uintptr_t)cs >> 3) & 63;
			int ti;
			if (t->cache[ci].p == cs && strcmp(((const char **)
			    t->toks.strs->data)[t->cache[ci].tok], cs) == 0) {
				ti = t->cache[ci].tok;
			} else {
				ti = tok_get(t, cs);
				if (ti < 0)
					return TELLER_ENOMEM;
				t->cache[ci].p = cs;
				t->cache[ci].tok = ti;
			}
			TOK(t, ti)->count += w;
			k[n++] = (uint32_t)ti;
		}
	}
	k[n++] = (uint32_t)sl[0];
	k[n++] = (uint32_t)sl[1];
	h = keyhash(k, n);
	mask = t->nrslots - 1;
	for (i = h & mask; t->rslots[i] != 0; i = (i + 1) & mask) {
		rec = REC(t, t->rslots[i] - 1);
		if (rec->hash == h && rec->len == n &&
		    memcmp(&TL_VEC_AT(t->cells, uint32_t, rec->off), k,
		    n * sizeof(uint32_t)) == 0) {
			rec->w += w;
			if (remember(t, r, sl, t->rslots[i] - 1) != TELLER_OK)
				return TELLER_ENOMEM;
			return t->cdf ? cdf_ballot(t, r, t->rslots[i] - 1) :
			    TELLER_OK;
		}
	}
	if (t->recs->len >= ctx->lim.patterns)
		return tl_fail(ctx, TELLER_ELIMIT, "more than %zu distinct "
		    "ballots", ctx->lim.patterns);
	if (t->cells->len + n > UINT32_MAX)
		return tl_fail(ctx, TELLER_ELIMIT, "ballot data too large");
	memset(&z, 0, sizeof z);
	z.off = (uint32_t)t->cells->len;
	z.len = (uint32_t)n;
	z.hash = h;
	z.sl[0] = sl[0];
	z.sl[1] = sl[1];
	z.w = w;
	z.maxrank = last;
	z.nranks = r->nslots;
	if (tl_vec_reserve(ctx, t->cells, n) != TELLER_OK)
		return TELLER_ENOMEM;
	memcpy(&TL_VEC_AT(t->cells, uint32_t, t->cells->len), k,
	    n * sizeof(uint32_t));
	t->cells->len += n;
	if (tl_vec_push(ctx, t->recs, &z) == NULL)
		return TELLER_ENOMEM;
	t->rslots[i] = (uint32_t)t->recs->len;
	if (remember(t, r, sl, (uint32_t)t->recs->len - 1) != TELLER_OK)
		return TELLER_ENOMEM;
	if (t->cdf && cdf_ballot(t, r, (uint32_t)t->recs->len - 1) !=
	    TELLER_OK)
		return TELLER_ENOMEM;
	if (t->recs->len * 2 > t->nrslots)
		return rec_grow(t);
	return TELLER_OK;
}

/* After each source: every CVR string must be a candidate name or
 * alias, or this source's write-in or overvote label (rctab.md 7,
 * including the #889 quirk: the stored "overvote" string passes only
 * when this source's overvoteLabel is literally "overvote"). */
static int
check_unrecognized(struct tl_rtab *t, const struct tl_cvr_source *src)
{
	const char **strs = t->toks.strs->data;
	size_t i;

	for (i = 0; i < t->tokinfo->len; i++) {
		struct tok *k = TOK(t, i);
		if (k->cand >= 0 || k->count == 0)
			continue;
		if (*src->uwi_label != '\0' && t->uwi >= 0 &&
		    strcmp(strs[i], src->uwi_label) == 0) {
			k->cand = t->uwi;
			continue;
		}
		if (*src->overvote_label != '\0' &&
		    strcmp(strs[i], src->overvote_label) == 0)
			continue;
		return tl_fail(t->ctx, TELLER_EPARSE, "Unrecognized candidate "
		    "\"%s\" appears %lld time(s)!", strs[i],
		    (long long)k->count);
	}
	return TELLER_OK;
}

static int
read_all(struct tl_rtab *t)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	int i, rc;

	for (i = 0; i < cfg->nsrc; i++) {
		const struct tl_cvr_source *src = &cfg->src[i];
		const struct tl_cvr_provider *pv =
		    tl_cvr_provider_find(src->provider);
		struct tl_cvr_source one = *src;
		t->ctx->file = src->path;
		t->cursrc = i;
		t->curprov = pv;
		if (pv == NULL)
			return tl_fail(t->ctx, TELLER_EINTERNAL, "provider "
			    "%s has no reader", src->provider);
		/* repeats may come merged when no slice or export needs
		 * each ballot's id, precinct or batch */
		one.merge = !cfg->by_precinct && !cfg->by_batch && !t->cdf &&
		    !t->cvx;
		one.hart_sig = t->opts->hart_sig;
		one.hart_modulus = t->opts->hart_modulus;
		one.hart_exponent = t->opts->hart_exponent;
		src = &one;
		/* stable pointers are promised per reader call only */
		stab_settle(t, true);
		rc = pv->read(t->ctx, src, on_cvr, t);
		if (rc != TELLER_OK)
			return t->ctx->err != TELLER_OK ? t->ctx->err : rc;
		stab_settle(t, false);
		if ((rc = check_unrecognized(t, src)) != TELLER_OK)
			return rc;
	}
	t->ctx->file = cfg->path;
	if (t->recs->len == 0)
		return tl_fail(t->ctx, TELLER_EPARSE, "No cast vote records "
		    "found!");
	return TELLER_OK;
}

/* Read every source in order, writing rctab_cvr.csv on the way when
 * asked (RCTab writes it after reading, before tabulating). */
static int
read_sources(struct tl_rtab *t)
{
	int rc;

	if (t->opts->cvr_csv && (rc = cvx_begin(t)) != TELLER_OK)
		return rc;
	rc = read_all(t);
	return cvx_end(t, rc);
}

/* ------------------------------------------------------------------ */
/* transfers                                                           */

static uint64_t
xkey(int round, int slice, int src, int dst)
{
	return ((uint64_t)round << 48) | ((uint64_t)slice << 28) |
	    ((uint64_t)(src + 1) << 14) | (uint64_t)(dst + 2);
}

static int
xfer_add(struct tl_rtab *t, int round, int slice, int src, int dst,
    struct tl_dec v)
{
	uint64_t key = xkey(round, slice, src, dst);
	size_t mask = t->nxslots - 1, i;
	uint64_t h;

	if ((t->nx + 1) * 2 > t->nxslots) {
		size_t n = t->nxslots * 2, j;
		uint64_t *nk = tl_alloc(t->ctx, n, sizeof(uint64_t));
		struct tl_dec *nv = tl_alloc(t->ctx, n, sizeof(struct tl_dec));
		if (nk == NULL || nv == NULL)
			return TELLER_ENOMEM;
		for (j = 0; j < t->nxslots; j++) {
			if (t->xkeys[j] == 0)
				continue;
			h = t->xkeys[j] * 0x9E3779B97F4A7C15u;
			for (i = (h >> 20) & (n - 1); nk[i] != 0;
			    i = (i + 1) & (n - 1))
				;
			nk[i] = t->xkeys[j];
			nv[i] = t->xvals[j];
		}
		t->xkeys = nk;
		t->xvals = nv;
		t->nxslots = n;
		mask = n - 1;
	}
	h = key * 0x9E3779B97F4A7C15u;
	for (i = (h >> 20) & mask; t->xkeys[i] != 0; i = (i + 1) & mask)
		if (t->xkeys[i] == key)
			return tl_dec_add(t->ctx, t->xvals[i], v, &t->xvals[i]);
	t->xkeys[i] = key;
	t->xvals[i] = v;
	t->nx++;
	return TELLER_OK;
}

const struct tl_dec *
tl_rtab_xfer(const struct tl_rtab *t, int round, int slice, int src, int dst)
{
	uint64_t key = xkey(round, slice, src, dst);
	uint64_t h = key * 0x9E3779B97F4A7C15u;
	size_t mask = t->nxslots - 1, i;

	for (i = (h >> 20) & mask; t->xkeys[i] != 0; i = (i + 1) & mask)
		if (t->xkeys[i] == key)
			return &t->xvals[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* the round loop (rctab.md 4.2 - 4.7)                                 */

/* isCandidateContinuing by canonical id (rctab.md 4.1). */
static bool
continuing(const struct tl_rtab *t, int c)
{
	if (c < 0 || t->excluded[c])
		return false;
	if (t->won[c] != 0)
		return t->cfg->until_two;
	return t->elim[c] == 0;
}

/* The same test on a raw CVR string: an alias is never found in the
 * status maps, so it always counts as continuing. */
static bool
raw_continuing(const struct tl_rtab *t, uint32_t ti)
{
	const struct tok *k = TOK(t, ti);

	if (k->ov)
		return false;
	if (!k->is_name)
		return true;
	return continuing(t, k->cand);
}

static struct tl_dec *
tally_at(struct tl_rtab *t, int round, int slice, int c)
{
	return &ROUND(t, round)->tally[(size_t)slice * (size_t)t->ncand +
	    (size_t)c];
}

static struct tl_dec *
st_at(struct tl_rtab *t, int round, int slice, int st)
{
	return &ROUND(t, round)->st[(size_t)slice * TL_ST_N + (size_t)st];
}

/* Add v to the slices of rec: into a tally (c >= 0) or a status sum. */
static int
add_slices(struct tl_rtab *t, int round, const struct rrec *rec, int c,
    int st, struct tl_dec v)
{
	int sl[3] = { 0, -1, -1 }, i, rc;

	if (rec->sl[0] >= 0)
		sl[1] = 1 + rec->sl[0];
	if (rec->sl[1] >= 0)
		sl[2] = 1 + (int)t->prec.strs->len + rec->sl[1];
	for (i = 0; i < 3; i++) {
		struct tl_dec *d;
		if (sl[i] < 0)
			continue;
		d = c >= 0 ? tally_at(t, round, sl[i], c) :
		    st_at(t, round, sl[i], st);
		if ((rc = tl_dec_add(t->ctx, *d, v, d)) != TELLER_OK)
			return rc;
		if (c >= 0 && (rc = tl_dec_add(t->ctx,
		    *st_at(t, round, sl[i], TL_ST_ACTIVE), v,
		    st_at(t, round, sl[i], TL_ST_ACTIVE))) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

/* recordSelectionForCastVoteRecord: transfer bookkeeping, then the new
 * recipient (sel >= 0) or status. */
static int
select_rec(struct tl_rtab *t, int round, struct rrec *rec, int sel, int st,
    struct tl_dec v)
{
	int rc, sl;

	if (tl_dec_sign(rec->ftv) > 0) {
		int src = rec->recip >= 0 ? rec->recip : TL_XFER_UNCOUNTED;
		int dst = sel >= 0 ? sel : TL_XFER_EXHAUSTED;
		if ((rc = xfer_add(t, round, 0, src, dst, v)) != TELLER_OK)
			return rc;
		for (sl = 0; sl < 2; sl++) {
			if (rec->sl[sl] < 0)
				continue;
			if ((rc = xfer_add(t, round, sl == 0 ? 1 + rec->sl[0]
			    : 1 + (int)t->prec.strs->len + rec->sl[1], src,
			    dst, v)) != TELLER_OK)
				return rc;
		}
	}
	rec->recip = sel;
	if (sel < 0)
		rec->status = st;
	if (t->cdf) {
		/* logCdfSnapshotData: the recipient and its FTV */
		struct cdfev e = { -1, round, sel, rec->ftv };
		if (tl_vec_push(t->ctx, t->cdfev, &e) == NULL)
			return TELLER_ENOMEM;
		if (rec->evtail >= 0)
			TL_VEC_AT(t->cdfev, struct cdfev, rec->evtail).next =
			    (int32_t)t->cdfev->len - 1;
		else
			rec->evhead = (int32_t)t->cdfev->len - 1;
		rec->evtail = (int32_t)t->cdfev->len - 1;
	}
	if (st != TL_ST_ACTIVE)
		return add_slices(t, round, rec, -1, st, v);
	return add_slices(t, round, rec, sel, st, v);
}

/* computeTalliesForRound for one record (rctab.md 4.3). */
static int
assign(struct tl_rtab *t, int round, struct rrec *rec)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	const uint32_t *k = &TL_VEC_AT(t->cells, uint32_t, rec->off);
	const uint32_t *end = k + rec->len - 2;
	uint32_t *seen = t->seen;
	int nseen = 0, last = 0, rank, n, j, ncont;
	struct tl_dec v;
	int rc;

	if ((rc = tl_dec_mul_int(t->ctx, rec->ftv, rec->w, &v)) != TELLER_OK)
		return rc;
	if (rec->status != TL_ST_ACTIVE)
		return add_slices(t, round, rec, -1, rec->status, v);
	if (rec->recip >= 0 && continuing(t, rec->recip))
		return add_slices(t, round, rec, rec->recip, TL_ST_ACTIVE, v);
	if (rec->nranks == 0)
		return select_rec(t, round, rec, -1, TL_ST_UNDERVOTE, v);
	for (; k < end; k += 2 + n) {
		rank = (int)k[0];
		n = (int)k[1];
		/* a. final-round surplus */
		if (uses_surplus(t) && t->nwon >= t->seats)
			return select_rec(t, round, rec, -1, TL_ST_FRS, v);
		/* b. skipped ranks */
		if (cfg->max_skip >= 0 && rank - last > cfg->max_skip + 1)
			return select_rec(t, round, rec, -1, TL_ST_SKIPPED, v);
		last = rank;
		/* c. duplicates, compared as raw strings */
		if (cfg->dup_exhaust) {
			for (j = 0; j < n; j++) {
				int a;
				for (a = 0; a < nseen; a++)
					if (seen[a] == k[2 + j])
						return select_rec(t, round, rec,
						    -1, TL_ST_REPEATED, v);
				seen[nseen++] = k[2 + j];
			}
		}
		/* d. overvote decision */
		{
			bool explicit_ov = false, skip = false, exhaust = false;
			for (j = 0; j < n; j++)
				if (TOK(t, k[2 + j])->ov)
					explicit_ov = true;
			if (explicit_ov) {
				if (n != 1)
					return tl_fail(t->ctx, TELLER_EPARSE,
					    "Found multiple candidates when "
					    "explicit overvote label was "
					    "provided!");
				if (cfg->overvote == TL_OV_EXHAUST)
					exhaust = true;
				else if (cfg->overvote == TL_OV_SKIP)
					skip = true;
				else
					return tl_fail(t->ctx, TELLER_ERULE,
					    "explicit overvote label with "
					    "overvoteRule "
					    "exhaustIfMultipleContinuing");
			} else if (n > 1) {
				if (cfg->overvote == TL_OV_EXHAUST) {
					exhaust = true;
				} else if (cfg->overvote == TL_OV_SKIP) {
					skip = true;
				} else {
					for (ncont = 0, j = 0; j < n; j++)
						if (raw_continuing(t, k[2 + j]))
							ncont++;
					exhaust = ncont >= 2;
				}
			}
			if (exhaust)
				return select_rec(t, round, rec, -1,
				    TL_ST_OVERVOTE, v);
			if (skip) {
				if (rank == rec->maxrank)
					return select_rec(t, round, rec, -1,
					    TL_ST_EXHAUSTED, v);
				continue;
			}
		}
		/* e. the first continuing candidate at this rank */
		for (j = 0; j < n; j++) {
			int c = TOK(t, k[2 + j])->cand;
			if (continuing(t, c))
				return select_rec(t, round, rec, c,
				    TL_ST_ACTIVE, v);
		}
		/* f. out of rankings */
		if (rank == rec->maxrank)
			return select_rec(t, round, rec, -1, TL_ST_EXHAUSTED,
			    v);
	}
	return TELLER_OK;
}

static int
new_round(struct tl_rtab *t, int round)
{
	struct tl_rround z, *r;
	size_t nt = (size_t)t->nslice * (size_t)t->ncand;
	int c;

	memset(&z, 0, sizeof z);
	z.tally = tl_alloc(t->ctx, nt, sizeof(struct tl_dec));
	z.present = tl_alloc(t->ctx, (size_t)t->ncand, 1);
	z.st = tl_alloc(t->ctx, (size_t)t->nslice * TL_ST_N,
	    sizeof(struct tl_dec));
	z.locked = tl_alloc(t->ctx, (size_t)t->nslice, sizeof(struct tl_dec));
	if (z.tally == NULL || z.present == NULL || z.st == NULL ||
	    z.locked == NULL || tl_vec_push(t->ctx, t->rounds, &z) == NULL)
		return TELLER_ENOMEM;
	r = ROUND(t, round);
	for (c = 0; c < t->ncand; c++)
		r->present[c] = continuing(t, c);
	return TELLER_OK;
}

/* numActiveBallots: the ACTIVE sum plus the final-round surplus. */
static int
active_sum(struct tl_rtab *t, int round, int slice, struct tl_dec *out)
{
	return tl_dec_add(t->ctx, *st_at(t, round, slice, TL_ST_ACTIVE),
	    *st_at(t, round, slice, TL_ST_FRS), out);
}

/* calculateAndSetWinningThreshold (rctab.md 4.4). */
static int
set_threshold(struct tl_rtab *t, int round)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	struct tl_rround *r = ROUND(t, round);
	struct tl_dec v, q, aug;
	int dec, rc;
	bool recompute;

	if (round == 1)
		recompute = true;
	else if (t->seats > 1 || cfg->first_round)
		recompute = false;
	else if (cfg->until_two && t->nwon > 0)
		recompute = false;
	else
		recompute = true;
	if (!recompute) {
		r->threshold = ROUND(t, round - 1)->threshold;
		return TELLER_OK;
	}
	if ((rc = active_sum(t, round, 0, &v)) != TELLER_OK)
		return rc;
	if (cfg->mode == TL_WM_BOTTOMS_PCT)
		return tl_dec_mul(t->ctx, v, cfg->pct, v.s + cfg->pct.s,
		    TL_DEC_DOWN, &r->threshold);
	if (cfg->hare)
		return tl_dec_div(t->ctx, v, tl_dec_int(t->seats), 0,
		    TL_DEC_UP, &r->threshold);
	dec = cfg->non_integer ? cfg->dp : 0;
	if ((rc = tl_dec_div(t->ctx, v, tl_dec_int(t->seats + 1), dec,
	    TL_DEC_DOWN, &q)) != TELLER_OK)
		return rc;
	aug.v = 1;
	aug.s = dec;
	return tl_dec_add(t->ctx, q, aug, &r->threshold);
}

static int
cmp_name(const struct tl_rtab *t, int a, int b)
{
	return tl_java_cmp(t->names[a], t->names[b]);
}

/* Sort ids by String.compareTo of their names (insertion sort). */
static void
sort_by_name(const struct tl_rtab *t, int *ids, int n)
{
	int i, j, x;

	for (i = 1; i < n; i++) {
		x = ids[i];
		for (j = i; j > 0 && cmp_name(t, ids[j - 1], x) > 0; j--)
			ids[j] = ids[j - 1];
		ids[j] = x;
	}
}

/* Ask the --tiebreak answers for the tie among tied[0..n-1]. */
static int
ask(struct tl_rtab *t, int round, const int *tied, int n, bool winner,
    int *out)
{
	const struct tl_rctab_opts *o = t->opts;
	char list[512];
	size_t len = 0;
	int i, j;

	for (i = 0; i < o->nties; i++) {
		if (t->tie_used[i])
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(o->ties[i], t->names[tied[j]]) == 0) {
				t->tie_used[i] = true;
				*out = tied[j];
				return TELLER_OK;
			}
	}
	list[0] = '\0';
	for (j = 0; j < n && len < sizeof list - 8; j++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
		    j > 0 ? ", " : "", t->names[tied[j]]);
	{
		char vbuf[TL_DEC_BUFSZ];
		tl_dec_str(vbuf, *tally_at(t, round, 0, tied[0]));
		char pbuf[32] = "";
		if (t->pass > 0)
			snprintf(pbuf, sizeof pbuf, " of pass %d", t->pass);
		return tl_fail(t->ctx, TELLER_ETIE, "tie in round %d%s for "
		    "the %s among: %s (each has %s vote(s)); give the %s "
		    "with --tiebreak NAME", round, pbuf,
		    winner ? "winner" : "loser",
		    list, vbuf, winner ? "winner" : "candidate to eliminate");
	}
}

/* Tiebreak.selectCandidate (rctab.md 5). tied is sorted in place. */
static int
tiebreak(struct tl_rtab *t, int round, int *tied, int n, bool winner,
    int *out)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	int *cont = t->scratch2, ncont, rr, i, j, best, pos;

	sort_by_name(t, tied, n);
	switch (cfg->tiebreak) {
	case TL_TB_RANDOM:
		*out = tied[tl_jrand_index(&t->rng, n)];
		return TELLER_OK;
	case TL_TB_ASK:
		return ask(t, round, tied, n, winner, out);
	case TL_TB_ORDER:
	case TL_TB_PERM:
		best = -1;
		pos = -1;
		for (i = 0; i < t->nperm; i++)
			for (j = 0; j < n; j++)
				if (t->perm[i] == tied[j] &&
				    (best < 0 || !winner)) {
					best = tied[j];
					pos = i;
				}
		if (best < 0)
			return tl_fail(t->ctx, TELLER_ERULE, "tie-break: no "
			    "tied candidate is in the permutation");
		(void)pos;
		*out = best;
		return TELLER_OK;
	default:
		break;
	}
	/* previous round counts, then random / ask (rctab.md 5.1) */
	memcpy(cont, tied, (size_t)n * sizeof(int));
	ncont = n;
	for (rr = round - 1; rr >= 1 && ncont > 1; rr--) {
		const char **keys = t->tkeys;
		int *order = t->tord, *grp = t->tgrp, ng = 0, m = ncont;
		struct tl_dec bestv = { 0, 0 };
		for (i = 0; i < m; i++)
			keys[i] = t->names[cont[i]];
		tl_java_order(keys, m, tl_java_cap_copy(m), order,
		    t->scratch);
		for (i = 0; i < m; i++) {
			int c = cont[order[i]], d;
			struct tl_dec v = *tally_at(t, rr, 0, c);
			d = ng == 0 ? 0 : tl_dec_cmp(v, bestv);
			if (ng == 0 || (winner ? d > 0 : d < 0)) {
				ng = 0;
				bestv = v;
			} else if (d != 0) {
				continue;
			}
			grp[ng++] = c;
		}
		memcpy(cont, grp, (size_t)ng * sizeof(int));
		ncont = ng;
	}
	if (ncont == 1) {
		*out = cont[0];
		return TELLER_OK;
	}
	if (cfg->tiebreak == TL_TB_PREV_RANDOM) {
		*out = cont[tl_jrand_index(&t->rng, ncont)];
		return TELLER_OK;
	}
	return ask(t, round, cont, ncont, winner, out);
}

/* The present candidates of a round whose tally compares to v as
 * wanted (0 equal), into out; returns the count. */
static int
with_tally(struct tl_rtab *t, int round, struct tl_dec v, int *out)
{
	struct tl_rround *r = ROUND(t, round);
	int c, n = 0;

	for (c = 0; c < t->ncand; c++)
		if (r->present[c] && tl_dec_cmp(r->tally[c], v) == 0)
			out[n++] = c;
	return n;
}

static int
present_count(struct tl_rtab *t, int round)
{
	int c, n = 0;

	for (c = 0; c < t->ncand; c++)
		n += ROUND(t, round)->present[c];
	return n;
}

/* Highest (or lowest) present tally of a round. */
static struct tl_dec
extreme(struct tl_rtab *t, int round, bool high)
{
	struct tl_rround *r = ROUND(t, round);
	struct tl_dec b = { 0, 0 };
	bool any = false;
	int c;

	for (c = 0; c < t->ncand; c++) {
		if (!r->present[c])
			continue;
		if (!any || (high ? tl_dec_cmp(r->tally[c], b) > 0 :
		    tl_dec_cmp(r->tally[c], b) < 0))
			b = r->tally[c];
		any = true;
	}
	return b;
}

/* identifyWinners (rctab.md 4.5); fills win[], returns count or <0. */
static int
identify_winners(struct tl_rtab *t, int round, int *win, bool *tie)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	struct tl_rround *r = ROUND(t, round);
	int c, n = 0, unfilled = t->seats - t->nwon, nact, rc;

	*tie = false;
	if (t->uwi >= 0 && r->present[t->uwi] &&
	    tl_dec_sign(r->tally[t->uwi]) != 0)
		return 0;
	nact = present_count(t, round);
	if (cfg->mode == TL_WM_BOTTOMS_PCT) {
		for (c = 0; c < t->ncand; c++)
			if (r->present[c] && tl_dec_cmp(r->tally[c],
			    r->threshold) <= 0)
				return 0;
		for (c = 0; c < t->ncand; c++)
			if (r->present[c])
				win[n++] = c;
		return n;
	}
	if (unfilled > 0) {
		if (nact <= unfilled) {
			for (c = 0; c < t->ncand; c++)
				if (r->present[c])
					win[n++] = c;
		} else if (cfg->first_round && nact - 1 == t->seats) {
			n = with_tally(t, round, extreme(t, round, true), win);
		} else if (cfg->mode != TL_WM_BOTTOMS_UP) {
			for (c = 0; c < t->ncand; c++)
				if (r->present[c] && c != t->uwi &&
				    tl_dec_cmp(r->tally[c], r->threshold) >= 0)
					win[n++] = c;
		}
	}
	if ((n > 1 && (cfg->mode == TL_WM_MULTI_ONE || cfg->first_round)) ||
	    (t->seats == 1 && n == 0 && nact == 2 && unfilled == 1)) {
		n = with_tally(t, round, extreme(t, round, true), win);
		if (n > 1) {
			if ((rc = tiebreak(t, round, win, n, true, &c)) !=
			    TELLER_OK)
				return -1;
			win[0] = c;
			n = 1;
			*tie = true;
		}
	}
	return n;
}

/* runBatchElimination (rctab.md 4.6.3). */
static int
batch_eliminate(struct tl_rtab *t, int round, int *out)
{
	struct tl_rround *r = ROUND(t, round);
	int *seen = t->scratch2, nseen = 0, nel = 0, prev = 0, c, i, rc;
	int ncand_pass = 0;
	struct tl_dec run = { 0, 0 }, cur, add;
	bool have = false;

	for (c = 0; c < t->ncand; c++)
		ncand_pass += !t->excluded[c];
	for (;;) {
		/* next distinct tally above the last one */
		bool found = false;
		int cnt = 0, before = nel;
		for (c = 0; c < t->ncand; c++) {
			if (!r->present[c] || (have &&
			    tl_dec_cmp(r->tally[c], cur) <= 0))
				continue;
			if (!found || tl_dec_cmp(r->tally[c], add) < 0)
				add = r->tally[c];
			found = true;
		}
		if (!found)
			break;
		cur = add;
		have = true;
		if (tl_dec_cmp(run, cur) < 0) {
			for (i = nel; i < nseen; i++)
				out[nel++] = seen[i];
		}
		for (c = 0; c < t->ncand; c++)
			if (r->present[c] && tl_dec_cmp(r->tally[c], cur) == 0)
			{
				seen[nseen++] = c;
				cnt++;
			}
		if ((rc = tl_dec_mul(t->ctx, cur, tl_dec_int(cnt), t->cfg->dp,
		    TL_DEC_DOWN, &add)) != TELLER_OK ||
		    (rc = tl_dec_add(t->ctx, run, add, &run)) != TELLER_OK)
			return -1;
		if (nel > before)
			prev = before;
	}
	if (t->cfg->until_two && nel + t->nelim == ncand_pass - 1)
		nel = prev;
	return nel;
}

/* Elimination (rctab.md 4.6); returns the count, or <0 on error. */
static int
eliminate(struct tl_rtab *t, int round, int *out, bool *tie)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	struct tl_rround *r = ROUND(t, round);
	int c, n = 0, rc;

	*tie = false;
	if (t->uwi >= 0 && r->present[t->uwi] &&
	    tl_dec_sign(r->tally[t->uwi]) > 0) {
		out[0] = t->uwi;
		return 1;
	}
	if (cfg->cutoff && cfg->mode == TL_WM_BOTTOMS_PCT) {
		for (c = 0; c < t->ncand; c++)
			if (r->present[c] && tl_dec_cmp(r->tally[c],
			    r->threshold) < 0)
				out[n++] = c;
		if (n > 0)
			return n;
	}
	if (cfg->batch) {
		n = batch_eliminate(t, round, out);
		if (n < 0)
			return -1;
		if (n >= 2)
			return n;
	}
	n = with_tally(t, round, extreme(t, round, false), out);
	if (n > 1) {
		if ((rc = tiebreak(t, round, out, n, false, &c)) != TELLER_OK)
			return -1;
		out[0] = c;
		*tie = true;
	}
	return n > 0 ? 1 : 0;
}

/* recordCurrentRecipientAsWinner for every ballot of W (rctab.md 4.7). */
static int
transfer_surplus(struct tl_rtab *t, int round, int w)
{
	struct tl_rround *r = ROUND(t, round);
	struct tl_dec extra, f = { 0, 0 }, tv, keptv;
	struct kept z;
	size_t i;
	int rc;

	if ((rc = tl_dec_sub(t->ctx, r->tally[w], r->threshold, &extra)) !=
	    TELLER_OK)
		return rc;
	if (tl_dec_sign(extra) > 0 && (rc = tl_dec_div(t->ctx, extra,
	    r->tally[w], t->cfg->dp, TL_DEC_DOWN, &f)) != TELLER_OK)
		return rc;
	for (i = 0; i < t->recs->len; i++) {
		struct rrec *rec = REC(t, i);
		if (rec->recip != w || rec->status != TL_ST_ACTIVE)
			continue;
		if ((rc = tl_dec_mul(t->ctx, rec->ftv, f, t->cfg->dp,
		    TL_DEC_DOWN, &tv)) != TELLER_OK ||
		    (rc = tl_dec_sub(t->ctx, rec->ftv, tv, &keptv)) !=
		    TELLER_OK)
			return rc;
		z.next = rec->kept;
		z.cand = w;
		z.round = round;
		z.v = keptv;
		if (tl_vec_push(t->ctx, t->kepts, &z) == NULL)
			return TELLER_ENOMEM;
		rec->kept = (int32_t)t->kepts->len - 1;
		/* FTV = 1 - sum(kept) = old FTV - kept, exactly */
		if ((rc = tl_dec_sub(t->ctx, rec->ftv, keptv, &rec->ftv)) !=
		    TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

/* updateWinnerTallies (rctab.md 4.7), seats > 1. */
static int
update_winner_tallies(struct tl_rtab *t, int round)
{
	struct tl_rround *r = ROUND(t, round), *p;
	int c, s, rc;
	size_t i;
	bool any = false;

	if (round == 1)
		return TELLER_OK;
	p = ROUND(t, round - 1);
	for (c = 0; c < t->ncand; c++) {
		if (t->won[c] == 0 || t->won[c] == round)
			continue;
		r->present[c] = 1;
		for (s = 0; s < t->nslice; s++)
			*tally_at(t, round, s, c) = t->won[c] == round - 1 ?
			    tl_dec_int(0) : *tally_at(t, round - 1, s, c);
		any = any || t->won[c] == round - 1;
	}
	(void)p;
	if (any) {
		for (i = 0; i < t->recs->len; i++) {
			struct rrec *rec = REC(t, i);
			int32_t k;
			for (k = rec->kept; k >= 0;
			    k = TL_VEC_AT(t->kepts, struct kept, k).next) {
				struct kept *kp = &TL_VEC_AT(t->kepts,
				    struct kept, k);
				struct tl_dec v;
				int sl[3] = { 0, -1, -1 }, j;
				if (t->won[kp->cand] != round - 1)
					continue;
				if ((rc = tl_dec_mul_int(t->ctx, kp->v, rec->w,
				    &v)) != TELLER_OK)
					return rc;
				if (rec->sl[0] >= 0)
					sl[1] = 1 + rec->sl[0];
				if (rec->sl[1] >= 0)
					sl[2] = 1 + (int)t->prec.strs->len +
					    rec->sl[1];
				for (j = 0; j < 3; j++) {
					struct tl_dec *d;
					if (sl[j] < 0)
						continue;
					d = tally_at(t, round, sl[j], kp->cand);
					if ((rc = tl_dec_add(t->ctx, *d, v, d))
					    != TELLER_OK)
						return rc;
				}
			}
		}
		for (c = 0; c < t->ncand; c++) {
			struct tl_dec res;
			if (t->won[c] != round - 1)
				continue;
			if ((rc = tl_dec_sub(t->ctx, r->tally[c],
			    r->threshold, &res)) != TELLER_OK)
				return rc;
			if (tl_dec_sign(res) > 0) {
				if ((rc = tl_dec_add(t->ctx, r->residual, res,
				    &r->residual)) != TELLER_OK ||
				    (rc = xfer_add(t, round, 0, c,
				    TL_XFER_RESIDUAL, res)) != TELLER_OK)
					return rc;
				r->tally[c] = r->threshold;
			}
		}
	}
	for (s = 0; s < t->nslice; s++) {
		struct tl_dec *l = &r->locked[s];
		*l = tl_dec_int(0);
		for (c = 0; c < t->ncand; c++)
			if (t->won[c] != 0 && t->won[c] != round &&
			    (rc = tl_dec_add(t->ctx, *l, *tally_at(t, round,
			    s, c), l)) != TELLER_OK)
				return rc;
	}
	return TELLER_OK;
}

/* shouldContinueTabulating (rctab.md 4.2), before round t->nround+1. */
static bool
should_continue(struct tl_rtab *t)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	int ncand = 0, c;
	bool elim_last = false, won_last = false;

	for (c = 0; c < t->ncand; c++) {
		ncand += !t->excluded[c];
		if (t->nround > 0 && t->elim[c] == t->nround)
			elim_last = true;
		if (t->nround > 0 && t->won[c] == t->nround)
			won_last = true;
	}
	if (cfg->stop_after > 0 && t->nround >= cfg->stop_after)
		return false;
	if (t->nwon == t->ndecl && t->seats > ncand)
		return false;
	if (cfg->until_two)
		return t->nelim + t->nwon + 1 < ncand || elim_last;
	if (cfg->mode == TL_WM_BOTTOMS_PCT)
		return t->nwon == 0;
	return t->nwon < t->seats || (uses_surplus(t) && won_last);
}

static int
tabulate(struct tl_rtab *t)
{
	int *ids = t->scratch2 + t->ncand, n, i, rc, round, c;
	bool tie;
	size_t j;

	while (should_continue(t)) {
		round = ++t->nround;
		if (round >= 65535)
			return tl_fail(t->ctx, TELLER_ELIMIT,
			    "too many rounds");
		if ((rc = new_round(t, round)) != TELLER_OK)
			return rc;
		for (j = 0; j < t->recs->len; j++)
			if ((rc = assign(t, round, REC(t, j))) != TELLER_OK)
				return rc;
		ROUND(t, round)->residual = round == 1 ? tl_dec_int(0) :
		    ROUND(t, round - 1)->residual;
		if ((rc = set_threshold(t, round)) != TELLER_OK)
			return rc;
		n = identify_winners(t, round, ids, &tie);
		if (n < 0)
			return t->ctx->err;
		if (n > 0) {
			for (i = 0; i < n; i++) {
				t->won[ids[i]] = round;
				t->won_tie[ids[i]] = tie;
				t->nwon++;
			}
			if (uses_surplus(t))
				for (i = 0; i < n; i++)
					if ((rc = transfer_surplus(t, round,
					    ids[i])) != TELLER_OK)
						return rc;
		} else {
			int ncand = 0;
			for (c = 0; c < t->ncand; c++)
				ncand += !t->excluded[c];
			if (t->nwon < t->seats || (t->cfg->until_two &&
			    t->nelim < ncand - 2) ||
			    t->cfg->mode == TL_WM_BOTTOMS_PCT) {
				n = eliminate(t, round, ids, &tie);
				if (n < 0)
					return t->ctx->err;
				if (n == 0)
					return tl_fail(t->ctx, TELLER_ERULE,
					    "Failed to eliminate any "
					    "candidates!");
				for (i = 0; i < n; i++) {
					t->elim[ids[i]] = round;
					t->elim_tie[ids[i]] = tie;
					t->nelim++;
				}
			}
		}
		if (t->seats > 1 &&
		    (rc = update_winner_tallies(t, round)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

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
	    strtab_init(ctx, &t->toks) != TELLER_OK ||
	    strtab_init(ctx, &t->prec) != TELLER_OK ||
	    strtab_init(ctx, &t->batch) != TELLER_OK)
		return TELLER_ENOMEM;
	t->cdf = cfg->cdf_json || t->opts->convert_cdf;
	if (t->cdf) {
		t->cdfballots = tl_vec_new(ctx, sizeof(struct cdfballot));
		t->cdfids = tl_vec_new(ctx, 1);
		t->cdfev = tl_vec_new(ctx, sizeof(struct cdfev));
		if (t->cdfballots == NULL || t->cdfids == NULL ||
		    t->cdfev == NULL ||
		    strtab_init(ctx, &t->cdfprec) != TELLER_OK)
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
			int ti = tok_get(t, a < 0 ? t->names[i] :
			    cd->aliases[a]);
			if (ti < 0)
				return TELLER_ENOMEM;
			TOK(t, ti)->cand = i;
			TOK(t, ti)->is_name = a < 0;
		}
	}
	if ((rc = read_sources(t)) != TELLER_OK)
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
		sort_by_name(t, t->perm, t->nperm);
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

/* One CVRSnapshot: the original (ev NULL) or round r's interpretation. */
static void
cdf_snapshot(struct tl_rtab *t, struct tl_out *o, const struct rrec *rec,
    const char *sid, int round, const struct cdfev *ev, bool first_snap)
{
	const char **strs = t->toks.strs->data;
	struct cdfsel sel[64];
	char buf[600], idb[700];
	int n = cdf_sels(t, rec, sel, 64), i, j;

	if (n < 0) {
		/* recorded on ctx; the caller checks before flushing */
		tl_fail(t->ctx, TELLER_ELIMIT, "CDF export: a ballot ranks "
		    "more than 64 strings or one 16 times");
		n = 0;
	}
	bool f1, f2, f3, f4;

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
	for (i = 0; i < n; i++) {
		const char *name = strs[sel[i].tok];
		const char *alloc = "unknown";
		struct tl_dec nv = tl_dec_int(1);
		char frac[TL_DEC_BUFSZ] = "";
		tl_i128 ip, one = 1;
		if (ev != NULL) {
			/* the snapshot data: kept values of earlier winners,
			 * then the recipient with its FTV */
			int32_t kk;
			bool found = false;
			for (kk = rec->kept; kk >= 0 && !found;
			    kk = TL_VEC_AT(t->kepts, struct kept, kk).next) {
				const struct kept *kp = &TL_VEC_AT(t->kepts,
				    struct kept, kk);
				if (kp->round < ev->round &&
				    strcmp(t->names[kp->cand], name) == 0) {
					nv = kp->v;
					found = true;
				}
			}
			if (!found && ev->recip >= 0 &&
			    strcmp(t->names[ev->recip], name) == 0) {
				nv = ev->ftv;
				found = true;
			}
			alloc = found ? "yes" : "no";
		}
		for (j = 0; j < nv.s; j++)
			one *= 10;
		ip = nv.v / one;
		if (!(nv.v == 1 && nv.s == 0) && nv.v % one > 0) {
			struct tl_dec rem = { nv.v % one, nv.s };
			tl_dec_str(frac, rem);
			memmove(frac, frac + 1, strlen(frac));
		}
		tl_out_str(o, i == 0 ? " {" : ", {");
		f3 = true;
		tl_rctab_jfield(o, 5, &f3, "@type");
		tl_rctab_jstr(o, "CVR.CVRContestSelection");
		tl_rctab_jfield(o, 5, &f3, "ContestSelectionId");
		memcpy(buf, "cs-", 3);
		tl_rctab_sanitize(buf + 3, sizeof buf - 3, name, true);
		tl_rctab_jstr(o, buf);
		tl_rctab_jfield(o, 5, &f3, "SelectionPosition");
		tl_out_str(o, "[");
		for (j = 0; j < sel[i].nranks; j++) {
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
			tl_out_fmt(o, "%lld", (long long)ip);
			tl_rctab_jfield(o, 6, &f4, "Rank");
			tl_out_fmt(o, "%d", sel[i].ranks[j]);
			tl_rctab_jindent(o, 5);
			tl_out_str(o, "}");
			/* only the first of duplicate rankings is allocable */
			if (strcmp(alloc, "yes") == 0)
				alloc = "no";
		}
		tl_out_str(o, " ]");
		tl_rctab_jindent(o, 4);
		tl_out_str(o, "}");
	}
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

static int
cdf_write(struct tl_rtab *t, teller_write_fn w, void *ud)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	struct tl_out o;
	char sid[600], buf[700];
	const char **precs = t->cdfprec.strs->data, **names, **k2;
	int np = (int)t->cdfprec.strs->len, i, j, r, *set, *gpu, *gpn;
	uint32_t *scratch;
	bool f0 = true, f1, f2, f3, any_ov = false;
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
	for (b = 0; b < t->cdfballots->len; b++) {
		const struct cdfballot *cb = &TL_VEC_AT(t->cdfballots,
		    struct cdfballot, b);
		const struct rrec *rec = REC(t, cb->rec);
		const struct cdfev *ev = NULL;
		int32_t e = rec->evhead;
		tl_rctab_sanitize(sid, sizeof sid,
		    (const char *)t->cdfids->data + cb->idoff, false);
		tl_out_str(&o, b == 0 ? " {" : ", {");
		f1 = true;
		tl_rctab_jfield(&o, 2, &f1, "@type");
		tl_rctab_jstr(&o, "CVR");
		tl_rctab_jfield(&o, 2, &f1, "BallotPrePrintedId");
		tl_rctab_jstr(&o, sid);
		if (cfg->by_precinct) {
			tl_rctab_jfield(&o, 2, &f1, "BallotStyleUnitId");
			if (cb->prec >= 0) {
				snprintf(buf, sizeof buf, "gpu-%d",
				    gpn[cb->prec]);
				tl_rctab_jstr(&o, buf);
			} else {
				tl_out_str(&o, "null");
			}
		}
		tl_rctab_jfield(&o, 2, &f1, "CVRSnapshot");
		tl_out_str(&o, "[");
		cdf_snapshot(t, &o, rec, sid, 0, NULL, true);
		for (r = 1; r <= t->nround; r++) {
			while (e >= 0 && TL_VEC_AT(t->cdfev, struct cdfev,
			    e).round <= r) {
				ev = &TL_VEC_AT(t->cdfev, struct cdfev, e);
				e = ev->next;
			}
			if (ev == NULL)
				return tl_fail(t->ctx, TELLER_EINTERNAL,
				    "CDF snapshot missing for %s", sid);
			cdf_snapshot(t, &o, rec, sid, r, ev, false);
		}
		tl_out_str(&o, " ]");
		tl_rctab_jfield(&o, 2, &f1, "CurrentSnapshotId");
		if (t->nround > 0)
			snprintf(buf, sizeof buf, "ballot-%s-round-%d", sid,
			    t->nround);
		else
			snprintf(buf, sizeof buf, "ballot-%s", sid);
		tl_rctab_jstr(&o, buf);
		tl_rctab_jfield(&o, 2, &f1, "ElectionId");
		tl_rctab_jstr(&o, "election-001");
		tl_rctab_jindent(&o, 1);
		tl_out_str(&o, "}");
	}
	if (t->cdfballots->len > 0)
		tl_out_str(&o, " ]");
	/* Election: every name (and "overvote" if a source has an overvote
	 * label), sorted */
	for (i = 0; i < cfg->nsrc; i++)
		if (*cfg->src[i].overvote_label != '\0')
			any_ov = true;
	for (i = 0; i < t->ncand; i++)
		names[i] = t->names[i];
	r = t->ncand;
	if (any_ov)
		names[r++] = TL_CVR_OVERVOTE;
	for (i = 1; i < r; i++) {
		const char *x = names[i];
		for (j = i; j > 0 && tl_java_cmp(names[j - 1], x) > 0; j--)
			names[j] = names[j - 1];
		names[j] = x;
	}
	tl_rctab_jfield(&o, 1, &f0, "Election");
	tl_out_str(&o, "[ {");
	f1 = true;
	tl_rctab_jfield(&o, 2, &f1, "@id");
	tl_rctab_jstr(&o, "election-001");
	tl_rctab_jfield(&o, 2, &f1, "@type");
	tl_rctab_jstr(&o, "Election");
	tl_rctab_jfield(&o, 2, &f1, "Candidate");
	tl_out_str(&o, "[");
	for (i = 0; i < r; i++) {
		tl_out_str(&o, i == 0 ? " {" : ", {");
		f2 = true;
		cdf_id(&o, 3, &f2, "@id", "c-", names[i]);
		tl_rctab_jfield(&o, 3, &f2, "Name");
		tl_rctab_jstr(&o, names[i]);
		tl_rctab_jindent(&o, 2);
		tl_out_str(&o, "}");
	}
	tl_out_str(&o, " ]");
	tl_rctab_jfield(&o, 2, &f1, "Contest");
	tl_out_str(&o, "[ {");
	f2 = true;
	tl_rctab_jfield(&o, 3, &f2, "@id");
	tl_rctab_jstr(&o, "contest-001");
	tl_rctab_jfield(&o, 3, &f2, "@type");
	tl_rctab_jstr(&o, "CandidateContest");
	tl_rctab_jfield(&o, 3, &f2, "ContestSelection");
	tl_out_str(&o, "[");
	for (i = 0; i < r; i++) {
		tl_out_str(&o, i == 0 ? " {" : ", {");
		f3 = true;
		cdf_id(&o, 4, &f3, "@id", "cs-", names[i]);
		tl_rctab_jfield(&o, 4, &f3, "@type");
		tl_rctab_jstr(&o, "ContestSelection");
		tl_rctab_jfield(&o, 4, &f3, "CandidateIds");
		memcpy(buf, "c-", 2);
		tl_rctab_sanitize(buf + 2, sizeof buf - 2, names[i], true);
		tl_out_str(&o, "[ ");
		tl_rctab_jstr(&o, buf);
		tl_out_str(&o, " ]");
		tl_rctab_jindent(&o, 3);
		tl_out_str(&o, "}");
	}
	tl_out_str(&o, " ]");
	tl_rctab_jfield(&o, 3, &f2, "Name");
	tl_rctab_jstr(&o, cfg->contest);
	tl_rctab_jindent(&o, 2);
	tl_out_str(&o, "} ]");
	tl_rctab_jfield(&o, 2, &f1, "ElectionScopeId");
	tl_rctab_jstr(&o, "gpu-election");
	tl_rctab_jindent(&o, 1);
	tl_out_str(&o, "} ]");
	if (t->opts->generated_date != NULL) {
		tl_rctab_jfield(&o, 1, &f0, "GeneratedDate");
		tl_rctab_jstr(&o, t->opts->generated_date);
	}
	tl_rctab_jfield(&o, 1, &f0, "GpUnit");
	tl_out_str(&o, "[ {");
	f1 = true;
	tl_rctab_jfield(&o, 2, &f1, "@id");
	tl_rctab_jstr(&o, "gpu-election");
	tl_rctab_jfield(&o, 2, &f1, "@type");
	tl_rctab_jstr(&o, "GpUnit");
	tl_rctab_jfield(&o, 2, &f1, "Name");
	if (cfg->jurisdiction != NULL)
		tl_rctab_jstr(&o, cfg->jurisdiction);
	else
		tl_out_str(&o, "null");
	tl_rctab_jfield(&o, 2, &f1, "OtherType");
	tl_rctab_jstr(&o, "Election Scope Jurisdiction");
	tl_rctab_jfield(&o, 2, &f1, "Type");
	tl_rctab_jstr(&o, "other");
	tl_rctab_jindent(&o, 1);
	tl_out_str(&o, "}");
	for (i = 0; i < np; i++) {
		tl_out_str(&o, ", {");
		f1 = true;
		tl_rctab_jfield(&o, 2, &f1, "@id");
		snprintf(buf, sizeof buf, "gpu-%d", gpn[gpu[i]]);
		tl_rctab_jstr(&o, buf);
		tl_rctab_jfield(&o, 2, &f1, "@type");
		tl_rctab_jstr(&o, "GpUnit");
		tl_rctab_jfield(&o, 2, &f1, "Name");
		tl_rctab_jstr(&o, precs[gpu[i]]);
		tl_rctab_jfield(&o, 2, &f1, "Type");
		tl_rctab_jstr(&o, "precinct");
		tl_rctab_jindent(&o, 1);
		tl_out_str(&o, "}");
	}
	tl_out_str(&o, " ]");
	tl_rctab_jfield(&o, 1, &f0, "ReportGeneratingDeviceIds");
	tl_out_str(&o, "[ \"rd-001\" ]");
	tl_rctab_jfield(&o, 1, &f0, "ReportingDevice");
	tl_out_str(&o, "[ {");
	f1 = true;
	tl_rctab_jfield(&o, 2, &f1, "@id");
	tl_rctab_jstr(&o, "rd-001");
	tl_rctab_jfield(&o, 2, &f1, "@type");
	tl_rctab_jstr(&o, "CVR.ReportingDevice");
	tl_rctab_jfield(&o, 2, &f1, "Application");
	tl_rctab_jstr(&o, "RCTab");
	tl_rctab_jfield(&o, 2, &f1, "Manufacturer");
	tl_rctab_jstr(&o, "Bright Spots");
	tl_rctab_jindent(&o, 1);
	tl_out_str(&o, "} ]");
	tl_rctab_jfield(&o, 1, &f0, "Version");
	tl_rctab_jstr(&o, "1.0.0");
	tl_rctab_jindent(&o, 0);
	tl_out_str(&o, "}");
	if (t->ctx->err != TELLER_OK)
		return t->ctx->err;
	return tl_out_flush(&o);
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
	rc = cdf_write(t, w, wud);
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
	v.uses_surplus = uses_surplus(t);
	v.tab = t;
	pfx[0] = '\0';
	if (t->pass > 0)
		snprintf(pfx, sizeof pfx, "_%d", t->pass);
	snprintf(name, sizeof name, "summary%s.json", pfx);
	if ((rc = emit(t, &v, name, 0, NULL, NULL, true)) != TELLER_OK)
		return rc;
	snprintf(name, sizeof name, "summary%s.csv", pfx);
	if ((rc = emit(t, &v, name, 0, NULL, NULL, false)) != TELLER_OK)
		return rc;
	for (kind = 0; kind < 2; kind++) {
		struct strtab *st = kind == 0 ? &t->prec : &t->batch;
		struct strtab seen;
		const char **ids = st->strs->data;
		int base = kind == 0 ? 1 : 1 + (int)t->prec.strs->len;
		if (strtab_init(t->ctx, &seen) != TELLER_OK)
			return TELLER_ENOMEM;
		for (s = 0; s < (int)st->strs->len; s++) {
			int dup = 0;
			char uniq[420];
			tl_rctab_sanitize(sid, sizeof sid, ids[s], false);
			snprintf(uniq, sizeof uniq, "%s", sid);
			while (strtab_get(t->ctx, &seen, uniq, false) >= 0)
				snprintf(uniq, sizeof uniq, "%s_%d", sid,
				    ++dup);
			if (strtab_get(t->ctx, &seen, uniq, true) < 0)
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

int
tl_rctab_run(teller_ctx *ctx, const struct tl_rctab_cfg *cfg,
    const struct tl_rctab_opts *opts)
{
	struct tl_rtab *t = tl_alloc(ctx, 1, sizeof *t);
	int rc, pass, c, newwin;

	if (t == NULL)
		return TELLER_ENOMEM;
	t->ctx = ctx;
	t->cfg = cfg;
	t->opts = opts;
	if ((rc = setup(t)) != TELLER_OK)
		return rc;
	ctx->file = cfg->path;
	if (opts->convert_cdf) {
		/* --convert-to-cdf: the original snapshots only */
		t->nround = 0;
		return cdf_emit(t, "cdf_cvr.json");
	}
	if (cfg->mode != TL_WM_MULTIPASS) {
		if ((rc = start_pass(t, 0)) != TELLER_OK ||
		    (rc = tabulate(t)) != TELLER_OK)
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
			    (rc = tabulate(t)) != TELLER_OK)
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
