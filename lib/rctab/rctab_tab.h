/* SPDX-License-Identifier: MIT */
/*
 * rctab_tab.h -- the tabulator's state, shared by its four parts:
 * rctab_read.c (reading the CVR sources into weighted records, and the
 * rctab_cvr.csv export), rctab_round.c (RCTab's round loop: transfers,
 * thresholds, tie-breaks, winners and eliminations), rctab_cdf.c (the
 * NIST CDF export) and rctab_tab.c (set-up, passes and outputs).
 */
#ifndef RCTAB_TAB_H
#define RCTAB_TAB_H

#include "rctab.h"

/* ------------------------------------------------------------------ */
/* interned strings                                                    */

/* The lookup is the one string set (tl_strtab); strs keeps a
 * NUL-terminated copy of each string, in index order, for the writers. */
struct strtab {
	struct tl_strtab set;
	struct tl_vec *strs;  /* of const char * */
};

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

/* A stable slots pointer and slices -> record (rctab_read.c). */
struct sent {
	const void *slots;
	int32_t sl[2];
	uint32_t rec;
	uint32_t txt;     /* its rank fields in cvrank, or 0 */
	int64_t hits;     /* ballots whose string counts are owed */
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
	/* the rows, written through cvo's write function in pieces of up
	 * to CVX_BUF bytes (cvo itself writes only the header) */
	char *cvb;
	size_t cvn;
	int cverr;
	/* with threads > 1: the pieces are written by a thread of their
	 * own (rctab_read.c), cvb one of its buffers; NULL: written here */
	struct cvw *cvw;
	/* the next ES&S workbook, read ahead (rctab.h tl_xlsx_read_ahead) */
	struct tl_xlsx_ahead *ahead;
	/* per source: the rank fields of each stable record (rctab_cvr.h),
	 * as written with the line's end, each after its length (a
	 * uint32_t); a stable-slots entry's txt is 1 + its offset, 0 not
	 * kept. cvlast: that of the row just written, 0 if none */
	struct tl_vec *cvrank;
	uint32_t cvlast;
	/* per source: cvrec[record] is 1 + the offset in cvrank of the
	 * rank fields of the record's rows, 0 not kept (a row's rank
	 * fields follow from its record's key; issue 17) */
	struct tl_vec *cvrec;
	/* records */
	struct tl_vec *recs;      /* of struct rrec */
	struct tl_vec *cells;     /* of uint32_t */
	uint32_t *rslots;         /* record hash -> index + 1 (open
				   * addressing over uint32 keys, not
				   * strings: not a tl_strtab) */
	size_t nrslots;
	struct tl_vec *rslotv;    /* rslots once grown, or NULL */
	struct tl_vec *keyv;      /* scratch key */
	struct tl_vec *kepts;     /* of struct kept */
	const char *cur_file;
	struct {
		const char *p;
		int tok;
	} cache[64];              /* string pointer -> token, verified */
	struct tl_vec *sents;     /* of struct sent, in the order met */
	uint64_t *stab;           /* index of sents (rctab_read.c
				   * stab_find), open addressing */
	size_t nstab, nstabslots;
	struct tl_vec *stabv;     /* stab's storage, or NULL */
	/* per pass */
	int seats, pass, nslice;
	bool *excluded;
	int *won, *elim;
	bool *won_tie, *elim_tie;
	int nwon, nelim;
	int nround;
	struct tl_vec *rounds;    /* of struct tl_rround */
	uint64_t *xkeys;          /* transfer map: (round, slice, from,
				   * to) packed -> xvals, open addressing */
	struct tl_dec *xvals;
	size_t nx, nxslots;
	struct tl_vec *xkeyv, *xvalv; /* their storage once grown */
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
	struct tl_vec *trbuf;     /* opts->trace: a ranking's text */
};

#define TOK(t, i) (&TL_VEC_AT((t)->tokinfo, struct tok, (i)))
#define REC(t, i) (&TL_VEC_AT((t)->recs, struct rrec, (i)))
#define ROUND(t, r) (&TL_VEC_AT((t)->rounds, struct tl_rround, (r) - 1))

static inline bool
tl_rtab_uses_surplus(const struct tl_rtab *t)
{
	/* rctab.md 4.7: seats > 1 and not bottomsUp */
	return t->seats > 1 && t->cfg->mode != TL_WM_BOTTOMS_UP;
}

/* interned strings (rctab_read.c): index of s, added if add; -1 absent,
 * -2 out of memory */
int tl_rtab_strtab_init(teller_ctx *ctx, struct strtab *t) TL_MUST_CHECK;
int tl_rtab_strtab_get(teller_ctx *ctx, struct strtab *t, const char *s,
    bool add) TL_MUST_CHECK;
/* The token of a CVR string, added if new; -1 out of memory. */
int tl_rtab_tok_get(struct tl_rtab *t, const char *s);
/* Read every source in order into t's records (rctab_read.c). */
int tl_rtab_read_sources(struct tl_rtab *t) TL_MUST_CHECK;
/* The round loop of one pass (rctab_round.c). */
int tl_rtab_tabulate(struct tl_rtab *t) TL_MUST_CHECK;
int tl_rtab_tiebreak(struct tl_rtab *t, int round, int *tied, int n,
    bool winner, int *out) TL_MUST_CHECK;
void tl_rtab_sort_by_name(const struct tl_rtab *t, int *ids, int n);
/* The CDF export of the records read (rctab_cdf.c). */
int tl_rtab_cdf_write(struct tl_rtab *t, teller_write_fn w, void *ud)
    TL_MUST_CHECK;

#endif
