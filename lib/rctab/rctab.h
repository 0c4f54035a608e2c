/* SPDX-License-Identifier: MIT */
/*
 * rctab.h -- the RCTab engine inside libteller: java.util.Random and
 * HashMap order (rctab_java.c), the contest config (rctab_config.c), the
 * tabulator (rctab_tab.c) and its JSON/CSV writers (rctab_out.c). Vote
 * values are num.h's decimals (num_dec.c). docs/rctab.md is the
 * specification every clause cited here refers to.
 */
#ifndef RCTAB_H
#define RCTAB_H

#include "rctab_cvr.h"

/* ------------------------------------------------------------------ */
/* Java behaviour (rctab.md 5.2, 6.2)                                  */

struct tl_jrand {
	uint64_t s;
};
void tl_jrand_seed(struct tl_jrand *r, int64_t seed);
int32_t tl_jrand_next(struct tl_jrand *r, int bits);
/* nextInt(bound), bound > 0. */
int32_t tl_jrand_int(struct tl_jrand *r, int32_t bound);
/* (int)(nextDouble() * n), computed exactly as the double product. */
int tl_jrand_index(struct tl_jrand *r, int n);
/* The 53-bit integer m with nextDouble() == m * 2^-53. */
uint64_t tl_jrand_double53(struct tl_jrand *r);

/* String.hashCode of a UTF-8 string (over UTF-16 code units). */
int32_t tl_java_hash(const char *s);
/* String.compareTo order (UTF-16 code units). */
int tl_java_cmp(const char *a, const char *b);
/* Iteration order of a java.util.HashMap with table capacity cap after
 * inserting keys[0..n-1] in that order: fills order[0..n-1] with
 * indexes into keys. bucket is scratch space for n values. */
void tl_java_order(const char *const *keys, int n, int cap, int *order,
    uint32_t *bucket);
/* Table capacity after n puts into `new HashMap<>()`. */
int tl_java_cap_default(int n);
/* Table capacity of `new HashSet<>(collection of n)`. */
int tl_java_cap_copy(int n);

/* ------------------------------------------------------------------ */
/* contest config (rctab.md 3)                                         */

enum tl_rctab_tb {
	TL_TB_RANDOM, TL_TB_ASK, TL_TB_PREV_RANDOM, TL_TB_PREV_ASK,
	TL_TB_ORDER, TL_TB_PERM
};
enum tl_rctab_ov { TL_OV_SKIP, TL_OV_EXHAUST, TL_OV_MULTI };
enum tl_rctab_mode {
	TL_WM_SINGLE, TL_WM_MULTI_ONE, TL_WM_MULTI_MANY, TL_WM_BOTTOMS_UP,
	TL_WM_BOTTOMS_PCT, TL_WM_MULTIPASS
};

struct tl_rctab_cand {
	const char *name;
	const char **aliases;
	int naliases;
	bool excluded;
};

struct tl_rctab_cfg {
	const char *path;     /* the config file as given */
	const char *dir;      /* its folder ("." if none) */
	const char *contest;  /* outputSettings, NULL when null/missing */
	const char *date;
	const char *jurisdiction;
	const char *office;
	const char *out_dir;  /* outputDirectory as written, NULL if none */
	bool by_precinct, by_batch, cdf_json;
	struct tl_cvr_source *src;
	int nsrc;
	struct tl_rctab_cand *cands; /* config order; the write-in
				      * pseudo-candidate is not here */
	int ncand;
	bool uwi;            /* "Undeclared Write-ins" is in play */
	int tiebreak;        /* enum tl_rctab_tb */
	int64_t seed;
	bool has_seed;
	int overvote;        /* enum tl_rctab_ov */
	int mode;            /* enum tl_rctab_mode */
	int seats;
	struct tl_dec pct;   /* bottoms-up percentage as a fraction */
	const char *pct_text;
	int dp;              /* decimalPlacesForVoteArithmetic */
	int max_skip;        /* -1 unlimited */
	int max_rank;        /* 0 = "max" */
	bool non_integer, hare, batch, cutoff, until_two, first_round,
	    dup_exhaust;
	int stop_after;      /* 0 = none */
};

/* Load and validate config path. Errors name the file and the field:
 * ECONFIG (invalid), EIO, EPARSE (not JSON). */
int tl_rctab_config_load(teller_ctx *ctx, const char *path,
    struct tl_rctab_cfg **out) TL_MUST_CHECK;

/* ------------------------------------------------------------------ */
/* running a config                                                     */

/* Output sink: the library names each file (relative, '/'-separated,
 * e.g. "summary.json", "Tabulate by Precinct/p1_precinct_summary.csv")
 * and writes it through the callbacks; the caller opens the files. */
struct tl_rctab_sink {
	int (*open)(void *ud, const char *name, teller_write_fn *w,
	    void **wud);
	int (*close)(void *ud, void *wud);
	void *ud;
};

struct tl_rctab_opts {
	const char *const *ties; /* --tiebreak NAME answers, in order */
	int nties;
	bool crlf;               /* CSV lines end in CRLF, as RCTab writes */
	struct tl_rctab_sink sink;
	const char *generated_date; /* CDF GeneratedDate; NULL: omitted */
	bool cvr_csv;            /* also write rctab_cvr.csv (rctab.md 8.6) */
	int hart_sig;            /* TL_SIG_CHECK, _REQUIRE or _OFF */
	const char *hart_modulus, *hart_exponent; /* NULL: RCTab's key */
	const char *html;        /* the HTML report's path, opened through
				  * the sink as is (rctab_api.c); or NULL */
	const teller_rctab_trace *trace; /* per-ballot observer (teller.h),
				  * NULL in the normal path */
	int (*lot)(void *ud, const teller_rctab_lot *l); /* teller.h */
	void *lot_ud;
	bool convert_cdf;        /* read and write cdf_cvr.json (and
				  * rctab_cvr.csv if cvr_csv), no tabulation:
				  * RCTab's --convert-to-cdf */
	/* the canonical marked and effective profiles and ballot ids of
	 * the records read (teller.h teller_rctab_options), each through
	 * its write function when not NULL */
	teller_write_fn canon_marked, canon_effective, canon_ids;
	void *canon_marked_ud, *canon_effective_ud, *canon_ids_ud;
};

/* Read the CVRs of a loaded config, tabulate, and write the outputs.
 * ETIE when an interactive tie-break needs an answer not given. */
int tl_rctab_run(teller_ctx *ctx, const struct tl_rctab_cfg *cfg,
    const struct tl_rctab_opts *opts) TL_MUST_CHECK;

/* Read the CVRs of a loaded config and write the canonical ballot-id
 * text (audit.md 4.3): "teller-ballot-ids/1", the candidates by name
 * bytes ("c\tJ\tNAME"), then "<id>\t<effective ranks>" a ballot,
 * sorted by bytes. No tabulation, no output file. */
int tl_rctab_ballot_ids(teller_ctx *ctx, const struct tl_rctab_cfg *cfg,
    const struct tl_rctab_opts *opts, teller_write_fn w, void *ud)
    TL_MUST_CHECK;

/* Read the CVRs of a loaded config and write the canonical text of kind
 * (enum teller_canon_kind: CONTEST, MARKED or EFFECTIVE; audit.md 4.3,
 * teller_rctab_canon). No tabulation, no output file. */
int tl_rctab_canon(teller_ctx *ctx, const struct tl_rctab_cfg *cfg,
    const struct tl_rctab_opts *opts, int kind, teller_write_fn w, void *ud)
    TL_MUST_CHECK;
/* The marked profile text through wm and the effective one through we
 * (either NULL: not written), the CVRs read once. */
int tl_rctab_canon_profiles(teller_ctx *ctx, const struct tl_rctab_cfg *cfg,
    const struct tl_rctab_opts *opts, teller_write_fn wm, void *um,
    teller_write_fn we, void *ue) TL_MUST_CHECK;

/* ------------------------------------------------------------------ */
/* tabulation state shared by rctab_tab.c and rctab_out.c              */

/* Ballot statuses (rctab.md 4.3): index into per-round status sums. */
enum tl_rst {
	TL_ST_ACTIVE = 0, TL_ST_UNDERVOTE, TL_ST_EXHAUSTED, TL_ST_OVERVOTE,
	TL_ST_SKIPPED, TL_ST_REPEATED, TL_ST_FRS, TL_ST_N
};

/* One round, for every slice (0 = the whole contest). */
struct tl_rround {
	struct tl_dec *tally;  /* [nslice * ncand] */
	uint8_t *present;      /* [ncand]: in this round's tally */
	struct tl_dec *st;     /* [nslice * TL_ST_N] status sums */
	struct tl_dec *locked; /* [nslice] winners' adjusted tallies */
	struct tl_dec threshold;
	struct tl_dec residual; /* cumulative residual surplus */
};

/* Transfer targets besides candidates. */
#define TL_XFER_EXHAUSTED (-1)
#define TL_XFER_RESIDUAL (-2)
#define TL_XFER_UNCOUNTED (-1)

struct tl_rtab;

/* Sum of transfers in round r (1-based) of slice from src to dst, or
 * NULL if none was recorded. */
const struct tl_dec *tl_rtab_xfer(const struct tl_rtab *t, int round,
    int slice, int src, int dst);

/* The view of a finished tabulation that the writers need. */
struct tl_rview {
	const struct tl_rctab_cfg *cfg;
	int ncand;            /* config candidates + write-in */
	const char *const *names;
	int uwi;              /* index of the write-in, or -1 */
	int seats;            /* this pass */
	const bool *excluded; /* this pass */
	const int *won;       /* round elected, 0 if not */
	const int *elim;      /* round eliminated, 0 if not */
	const bool *won_tie, *elim_tie;
	int nround;
	const struct tl_rround *rounds; /* [nround], round r at r-1 */
	const int *roworder;  /* CSV candidate rows: ids, nrow of them */
	int nrow;
	bool uses_surplus;
	const struct tl_rtab *tab;
};

/* The HTML report of the contest (rctab_html.c): rcv layout; of pass
 * `pass` of `npass` for multi-pass IRV (0: not multi-pass). */
int tl_rctab_write_html(teller_ctx *ctx, const struct tl_rview *v,
    int pass, int npass, teller_write_fn w, void *ud) TL_MUST_CHECK;

/* Write the detailed report of slice (0 = contest; slice_kind "precinct"
 * or "batch" and slice_id otherwise) as RCTab's JSON / CSV. */
int tl_rctab_write_json(teller_ctx *ctx, const struct tl_rview *v,
    int slice, const char *slice_kind, const char *slice_id,
    teller_write_fn w, void *ud) TL_MUST_CHECK;
int tl_rctab_write_csv(teller_ctx *ctx, const struct tl_rview *v,
    int slice, const char *slice_kind, const char *slice_id, bool crlf,
    teller_write_fn w, void *ud) TL_MUST_CHECK;

/* ------------------------------------------------------------------ */
/* xlsx (xlsx.c)                                                       */

/* One non-empty cell of a worksheet row: 1-based column and its text. */
struct tl_xlsx_cell {
	int col;
	bool shared;      /* text is in the workbook's shared strings:
			   * valid until the read returns */
	size_t len;       /* strlen(text) */
	const char *text;
};

/* Called once per <row> of the first sheet, cells in column order; the
 * pointers are valid during the call. Return TELLER_OK to go on. */
typedef int (*tl_xlsx_row_fn)(teller_ctx *ctx, void *ud, long row,
    const struct tl_xlsx_cell *cells, int n);

/* Stream the first worksheet of the workbook at path. EPARSE (not a
 * workbook, bad XML), ELIMIT (a member decompresses beyond the limits). */
int tl_xlsx_read(teller_ctx *ctx, const char *path, tl_xlsx_row_fn fn,
    void *ud) TL_MUST_CHECK;

/* A workbook's read started ahead (xlsx.c). */
struct tl_xlsx_ahead;
/* As tl_xlsx_read, for the files of a multi-file contest: *ahead (a read
 * started ahead by the previous call, or NULL) is used if it reads path
 * and freed if not; with more than one thread and next not NULL, the
 * read of next is started ahead as this one's rows begin and left in
 * *ahead (two workbooks at most are read at once). The rows and errors
 * are tl_xlsx_read's: a read ahead reports nothing until the call that
 * reads its file. */
int tl_xlsx_read_ahead(teller_ctx *ctx, const char *path, const char *next,
    struct tl_xlsx_ahead **ahead, tl_xlsx_row_fn fn, void *ud)
    TL_MUST_CHECK;
/* Stop and free a read started ahead (NULL: nothing). */
void tl_xlsx_ahead_free(teller_ctx *ctx, struct tl_xlsx_ahead *a);

/* Rows of a worksheet's XML (len bytes at xml) with shared strings strs,
 * as tl_xlsx_read gives them from a member inflated whole: by the fast
 * scanner, expat taking over at anything outside its subset (fast), or
 * by expat alone (!fast). *scanned (if not NULL): the scanner read it
 * all. For tests and fuzzing: both must give the same rows and errors. */
int tl_xlsx_sheet_xml(teller_ctx *ctx, const char *xml, size_t len,
    const char *const *strs, size_t nstrs, bool fast, bool *scanned,
    tl_xlsx_row_fn fn, void *ud) TL_MUST_CHECK;
/* Sheets the scanner handed to expat so far, in this process (tests). */
long tl_xlsx_takeovers(void);

/* JSON pieces in Jackson's pretty-printer layout (rctab_out.c): a string
 * literal, a newline with the indent of a nesting level, and the start of
 * a field ("key" : ) preceded by a comma unless *first. */
void tl_rctab_jstr(struct tl_out *o, const char *s);
void tl_rctab_jindent(struct tl_out *o, int level);
void tl_rctab_jfield(struct tl_out *o, int level, bool *first,
    const char *key);
/* One CSV field with Commons CSV's minimal quoting (rctab.md 8.2),
 * preceded by a comma unless *first; clears *first. */
void tl_rctab_csvf(struct tl_out *o, bool *first, const char *s);

/* sanitizeStringForOutput: every UTF-16 unit outside [a-zA-Z0-9_.-]
 * becomes '_' (a supplementary character gives two); lower: ASCII
 * lower-case too. Writes at most cap bytes with the NUL. */
void tl_rctab_sanitize(char *d, size_t cap, const char *s, bool lower);

#endif
