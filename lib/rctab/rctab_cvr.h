/* SPDX-License-Identifier: MIT */
/*
 * rctab_cvr.h -- the contract between RCTab's CVR readers (lib/cvr_*.c)
 * and the RCTab tabulator (lib/rctab_*.c). A reader turns one
 * cvrFileSources[] entry into cast vote records exactly as RCTab's Java
 * reader would (docs/rctab.md section 7): raw candidate strings per rank,
 * not yet mapped to names or aliases, and hands each record to a callback.
 * Readers never apply rules.
 */
#ifndef RCTAB_CVR_H
#define RCTAB_CVR_H

#include <stdbool.h>
#include <stddef.h>

#include "tl_int.h"

/* The internal string RCTab uses for an explicit overvote label. */
#define TL_CVR_OVERVOTE "overvote"
/* The pseudo-candidate an undeclaredWriteInLabel maps to. */
#define TL_CVR_UWI "Undeclared Write-ins"

/* One cvrFileSources[] entry, validated by the config reader. Strings
 * are NUL-terminated, "" when unset; indexes are 1-based, 0 when unset. */
struct tl_cvr_source {
	const char *provider;   /* ess dominion cdf clearBallot hart
				 * genericCsv */
	const char *path;       /* filePath resolved against the config
				 * folder */
	const char *raw_path;   /* filePath as written in the config */
	const char *contest_id; /* contestId */
	int first_vote_col;     /* firstVoteColumnIndex */
	int first_vote_row;     /* firstVoteRowIndex */
	int id_col;             /* idColumnIndex */
	int precinct_col;       /* precinctColumnIndex */
	int batch_col;          /* batchColumnIndex */
	const char *overvote_delimiter;
	const char *overvote_label;   /* already validated; readers map it to
				       * TL_CVR_OVERVOTE */
	const char *skipped_rank_label;
	const char *uwi_label;        /* undeclaredWriteInLabel */
	bool blank_is_uwi;            /* treatBlankAsUndeclaredWriteIn */
	int max_rankings;             /* maxRankingsAllowed, 0 = "max" */
	int ncand;                    /* configured candidates (for readers
				       * that must know them, e.g. CDF) */
	const char *const *cand_names;
	/* Set by the tabulator, not the config: repeats of a stable record
	 * (below) may be handed over as one record with weight > 1, whose
	 * ids, precinct and batch are those of any one of them (or NULL). */
	bool merge;
	/* Hart FILE.sig.xml signatures (rctab.md 7.5), set by the
	 * tabulator: TL_SIG_CHECK verifies those present, TL_SIG_REQUIRE
	 * wants one for every CVR file (as RCTab's validating builds),
	 * TL_SIG_OFF ignores them. The key they must be signed with, as
	 * base64 RSAKeyValue Modulus and Exponent; NULL: the key RCTab
	 * ships. */
	int hart_sig;
	const char *hart_modulus, *hart_exponent;
	/* Set by the tabulator for the ES&S reader: the next source's path
	 * when it is ES&S too (else NULL), and where a read of it started
	 * ahead is kept between the calls (tl_xlsx_read_ahead; NULL: none
	 * is made). */
	const char *next_path;
	struct tl_xlsx_ahead **ahead;
};

enum { TL_SIG_CHECK = 0, TL_SIG_REQUIRE, TL_SIG_OFF };

/* One rank slot: the raw strings marked there, in reader order. A slot
 * with n == 0 is never passed (skipped ranks are simply absent). */
struct tl_cvr_slot {
	int rank;              /* >= 1, increasing along the record */
	int n;                 /* strings at this rank (> 1: overvote) */
	const char *const *cands;
};

/* One cast vote record. Every pointer is valid only during the callback:
 * the tabulator copies what it keeps. */
struct tl_cvr {
	const char *computed_id;  /* RCTab's computed ID (section 7) */
	const char *supplied_id;  /* NULL if none */
	const char *precinct;     /* NULL if none */
	const char *precinct_portion; /* NULL if none */
	const char *batch;        /* NULL if none */
	const char *tabulator_id; /* NULL if none (Dominion, Clear Ballot) */
	const char *file;         /* where it came from (for messages) */
	long line;                /* line / row / record number, 0 unknown */
	int nslots;
	const struct tl_cvr_slot *slots;
	/* true: slots and every string they point to stay valid and
	 * unchanged until the reader returns, and the same slots pointer
	 * seen again carries the same slots, so the tabulator may key on
	 * the pointer. false (memset default): copy, never trust. */
	bool stable;
	/* A stable record may also carry a word the reader keeps with its
	 * slots until it returns, 0 when they are first handed over, for
	 * the tabulator's own use (where it keeps them: a hint it checks);
	 * the pointer is valid during the call. NULL: none. */
	uint32_t *hint;
	/* ballots this record stands for: 0 or 1 for one; more only for a
	 * stable record when the source allows merge */
	int64_t weight;
};

/* Called once per record; return TELLER_OK to go on, else an error code
 * (already recorded on ctx) to stop the reader. */
typedef int (*tl_cvr_fn)(teller_ctx *ctx, void *ud, const struct tl_cvr *r);

/* Each reader: read source src, calling fn for every record in file
 * order. Errors name the file and the line/row, JSON path or zip member:
 * EIO (missing file/folder), EPARSE, ELIMIT (zip bomb, depth), ENOMEM. */
int tl_cvr_read_ess(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud) TL_MUST_CHECK;
int tl_cvr_read_dominion(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud) TL_MUST_CHECK;
int tl_cvr_read_cdf(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud) TL_MUST_CHECK;
/* Tests: when set, CDF XML is read by expat alone (not the scanner). */
extern bool tl_cvr_cdf_expat;
int tl_cvr_read_clearballot(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud) TL_MUST_CHECK;
int tl_cvr_read_hart(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud) TL_MUST_CHECK;
int tl_cvr_read_csv(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud) TL_MUST_CHECK;

/* The CVR providers (cvr_provider.c): the name a config gives, the
 * reader, and the rules that differ between them (rctab.md 7). */
enum tl_cvr_kind {
	TL_CVR_ESS, TL_CVR_DOMINION, TL_CVR_CDF, TL_CVR_CLEARBALLOT,
	TL_CVR_HART, TL_CVR_CSV
};
struct tl_cvr_provider {
	const char *name;       /* as in cvrFileSources[].provider */
	enum tl_cvr_kind kind;
	int (*read)(teller_ctx *ctx, const struct tl_cvr_source *src,
	    tl_cvr_fn fn, void *ud);
	bool rowcol;            /* a table: firstVoteColumnIndex and the
				 * column fields, skippedRankLabel,
				 * treatBlankAsUndeclaredWriteIn */
	bool overvote_label;    /* overvoteLabel allowed */
	bool export_contest_id; /* rctab_cvr.csv gives its contest id */
};
/* The provider called name, or NULL. */
const struct tl_cvr_provider *tl_cvr_provider_find(const char *name);
/* The i-th provider (0-based, RCTab's order), or NULL past the last. */
const struct tl_cvr_provider *tl_cvr_provider_at(int i);

/* Verify Hart signature file sigpath for CVR file path, whose bytes are
 * data[0..len), against src's key (cvr_hartsig.c). EPARSE naming
 * sigpath when it is not a valid signature of that file by that key. */
int tl_hart_sig_verify(teller_ctx *ctx, const struct tl_cvr_source *src,
    const char *path, const char *sigpath, const char *data, size_t len)
    TL_MUST_CHECK;
/* Read an <RSAKeyValue><Modulus>..</Modulus><Exponent>..</Exponent>
 * file (as RCTab's public_key.txt) into base64 strings on ctx's arena. */
int tl_hart_key_load(teller_ctx *ctx, const char *path,
    const char **modulus, const char **exponent) TL_MUST_CHECK;

#endif
