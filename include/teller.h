/* SPDX-License-Identifier: MIT */
/*
 * teller.h -- the one public header of libteller, an exact election-count
 * engine. Readers turn files into a contest and a ballot profile; methods
 * count a profile under a rule set into a result; writers render results.
 * Everything the library returns is borrowed from the context (teller_ctx)
 * and lives until teller_ctx_free().
 */
#ifndef TELLER_H
#define TELLER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TELLER_VERSION_MAJOR 0
#define TELLER_VERSION_MINOR 1
#define TELLER_VERSION_PATCH 0
#define TELLER_VERSION "0.1.0"

#if defined(__GNUC__)
#define TELLER_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TELLER_PRINTF(a, b)
#endif

/* Error codes. Numbers are never reused or reordered; new ones go last. */
enum teller_err {
	TELLER_OK = 0,
	TELLER_ENOMEM = 1,     /* an allocation failed */
	TELLER_EPARSE = 2,     /* input is malformed (position recorded) */
	TELLER_ELIMIT = 3,     /* input exceeds a teller_limits cap */
	TELLER_EOVERFLOW = 4,  /* a number does not fit exactly */
	TELLER_EINVAL = 5,     /* bad argument or option (usage) */
	TELLER_EIO = 6,        /* an input file could not be read */
	TELLER_ERULE = 7,      /* valid input the chosen rules cannot count */
	TELLER_ETIE = 8,       /* count stopped: a tie needs a person */
	TELLER_ECONFIG = 9,    /* a contest config is invalid */
	TELLER_EINTERNAL = 10, /* an invariant failed: a bug in teller */
	TELLER_EWRITE = 11,    /* an output could not be written */
	TELLER_EDUP = 12,      /* a duplicate (candidate name, ballot id) */
	TELLER_ERANGE = 13,    /* a number out of its allowed range */
	TELLER_EENCODING = 14, /* invalid UTF-8 or NUL byte in text */
	TELLER_ESTOP = 15,     /* count stopped: no valid paper, or a lot
				* given that does not match the tie */
	TELLER_EVERIFY = 16    /* verification failed (raire --check) */
};

/* Opaque handles. */
typedef struct teller_ctx teller_ctx;
typedef struct teller_contest teller_contest;
typedef struct teller_profile teller_profile;
typedef struct teller_result teller_result;

/* Optional caller allocator: realloc semantics, with the old size given.
 * new_size == 0 frees. Lets tests fail the Nth allocation. */
typedef struct teller_alloc {
	void *(*realloc)(void *ud, void *p, size_t old_size, size_t new_size);
	void *ud;
} teller_alloc;

/* Caps on everything input can grow. Exceeding one gives TELLER_ELIMIT.
 * Defaults (teller_limits_init) are documented in teller.3. */
typedef struct teller_limits {
	size_t input_bytes;    /* bytes of one input file: 4 GiB (or
				* SIZE_MAX, if less) */
	size_t line_bytes;     /* one line of text input: 16 MiB */
	int candidates;        /* candidates in a contest: 10000 */
	int seats;             /* seats: 1000 */
	int ranks;             /* ranks on one ballot: 1000 */
	size_t patterns;       /* distinct ballot patterns: 50 million */
	int64_t ballots;       /* total ballot weight: 10^15 */
	int depth;             /* JSON/XML nesting depth: 256 */
	uint64_t unzip_bytes;  /* decompressed bytes of one zip member: 2 GiB */
	uint32_t unzip_ratio;  /* decompressed/compressed ratio cap: 1000 */
} teller_limits;

/* Input formats; TELLER_FMT_AUTO detects from content. */
enum teller_format {
	TELLER_FMT_AUTO = 0,
	TELLER_FMT_BLT = 1,
	TELLER_FMT_CSV = 2,
	TELLER_FMT_PREFLIB = 3,
	TELLER_FMT_PROFILE = 4 /* teller's own compact profile file */
};

/* Report kinds for teller_report(). */
enum teller_report_kind {
	TELLER_REP_TEXT = 0,       /* UK-style declaration + stage table */
	TELLER_REP_JSON = 1,       /* result JSON (DESIGN.md contract) */
	TELLER_REP_CSV = 2,        /* one row per stage x candidate */
	TELLER_REP_STAGESHEET = 3, /* council stage sheet, column per stage */
	TELLER_REP_HTML = 4        /* HTML page with SVG charts */
};

/* Rules for a count: the method and its typed options. */
typedef struct teller_rules {
	const char *method; /* "fptp", "block", "sv", "irv",
			     * "stv-scottish"... */
	int seats;          /* 0 = from the input file, else 1 */
	const char *seed;   /* seed string of the rivest-sha256 sampler
			     * for lots (audit.md 4.4; NULL = "1"; copied
			     * into the result) */
	int strict;         /* nonzero: refuse input the rule has no
			     * answer for */
	/* Lots drawn by hand (audit.md 4.4), used in order: each
	 * "STAGE:NAME<NAME<..." lists the tied candidates in increasing
	 * favour (the lot goes against the first). Borrowed. */
	const char *const *lots;
	int nlots;
	int no_seed;        /* nonzero: a lot not given in lots stops the
			     * count (TELLER_ETIE) instead of being drawn
			     * by the seeded generator */
	const char *strength; /* schulze, ranked-pairs: "winning" or
			       * "margin"; NULL: the method's default
			       * (methods.md 6.5, 6.6) */
	const char *regime; /* sv: whose rules the statements cite:
			     * "borough-mayor" (NULL: the default),
			     * "london", "pcc", "ca-mayor"; else EINVAL */
	/* methods.md 2-4 (0 / NULL when not used) */
	int ranks;          /* contingent: read only the first N ranks */
	int votes;          /* limited: votes per ballot (--votes L) */
	int min_share;      /* exhaustive: --min-share P, per cent */
	/* exhaustive: rounds 2.. (round 1 is the profile counted), each
	 * with its own contest; borrowed */
	const teller_contest *const *round_contests;
	const teller_profile *const *round_profiles;
	int nrounds;
	/* The electorate for the declaration and its turnout (reports.md
	 * 4.1); 0: as the input's '# electorate:' says, else unknown */
	int64_t electorate;
} teller_rules;

/* Writer callback: write n bytes; return 0 on success, nonzero on error. */
typedef int (*teller_write_fn)(void *ud, const char *p, size_t n);

/* ---- lifecycle ---- */

/* Initialise *lim to the documented defaults. */
void teller_limits_init(teller_limits *lim);

/* Create a context. alloc may be NULL (libc). On success *out owns all
 * later allocations. Returns TELLER_OK or TELLER_ENOMEM. */
int teller_ctx_new(const teller_alloc *alloc, teller_ctx **out);

/* Free the context and everything borrowed from it. NULL is a no-op. */
void teller_ctx_free(teller_ctx *ctx);

/* Replace the context's limits (copied). */
void teller_ctx_set_limits(teller_ctx *ctx, const teller_limits *lim);

/* Threads a reader may use: 1 (the default) reads in the calling thread
 * only; 0 means one per online CPU; at most 16 are used. With more than
 * one, the allocator passed to teller_ctx_new is called from several
 * threads at once and must allow that (libc's does). The profile read is
 * the same, pattern for pattern and in the same order, whatever n is. */
void teller_ctx_set_threads(teller_ctx *ctx, int n);

/* Called by a reader to say it will not need bytes [p, p + n) of the
 * buffer given to teller_read again, so a caller that mapped a large file
 * may drop those pages (madvise MADV_DONTNEED) and keep memory bounded.
 * A hint only: the reader may still read them, which must keep working,
 * and may release some bytes twice (when a parallel read falls back to
 * one thread). May be called from several of the reader's threads at
 * once. */
typedef void (*teller_release_fn)(void *ud, const char *p, size_t n);
void teller_ctx_set_release(teller_ctx *ctx, teller_release_fn fn,
    void *ud);

/* ---- errors ---- */

/* The first error recorded on ctx (TELLER_OK if none). */
int teller_errcode(const teller_ctx *ctx);

/* Its message (owned by ctx; "" if none). */
const char *teller_errmsg(const teller_ctx *ctx);

/* Its input position: file name (NULL if none), 1-based line and column
 * (0 if unknown). Any out pointer may be NULL. */
void teller_errpos(const teller_ctx *ctx, const char **file, long *line,
    long *col);

/* Forget the recorded error so ctx can be used again. */
void teller_errclear(teller_ctx *ctx);

/* Static text for an error code. */
const char *teller_strerror(int code);

/* Process exit status for an error code: 0 ok, 1 bad input, 2 usage,
 * 3 system/internal, 4 count stopped, 5 verification failed. */
int teller_exit_status(int code);

/* ---- input ---- */

/* Read one input held in (buf, len); name is used in error positions.
 * fmt TELLER_FMT_AUTO detects the format from content. On success the
 * contest and profile are borrowed from ctx. Errors: EPARSE, ELIMIT,
 * EOVERFLOW, EDUP, ERANGE, EENCODING, ENOMEM. */
int teller_read(teller_ctx *ctx, enum teller_format fmt, const char *name,
    const char *buf, size_t len, teller_contest **contest,
    teller_profile **profile);

/* Name of a format ("blt", "csv", "preflib", "profile"), or NULL. */
const char *teller_format_name(enum teller_format fmt);

/* Parse a format name; returns -1 if unknown. */
int teller_format_parse(const char *name);

/* Guess the format of (buf, len). */
enum teller_format teller_format_detect(const char *buf, size_t len);

/* Candidates in the contest, and the i-th name/party (borrowed). */
int teller_contest_ncand(const teller_contest *c);
const char *teller_contest_name(const teller_contest *c, int i);
const char *teller_contest_party(const teller_contest *c, int i);
int teller_contest_seats(const teller_contest *c);
/* Set one fact of the declaration that the ballots do not hold
 * (reports.md 2, --meta): key "authority", "election", "area",
 * "date_of_poll", "returning_officer" or "place" (text, value copied),
 * "electorate" or "ballot_papers_issued" (a whole number, not fewer
 * than the papers counted). Errors: EINVAL (unknown key, malformed or
 * inconsistent value), ERANGE, ENOMEM. */
int teller_result_set_meta(teller_ctx *ctx, teller_result *r,
    const char *key, const char *value);
/* Set the description (party) of the candidate named name as the
 * declaration prints it, in place of the input's (reports.md 2, --meta
 * "descriptions"); desc copied. Errors: EINVAL (no such candidate), EDUP
 * (given twice), ENOMEM. */
int teller_result_set_description(teller_ctx *ctx, teller_result *r,
    const char *name, const char *desc);
/* The electorate a '# electorate:' directive gives, or 0. */
int64_t teller_contest_electorate(const teller_contest *c);
/* College sections the input declares (methods.md 4.3), 0 if none. */
int teller_contest_nsections(const teller_contest *c);

/* Add profile q (read with contest cq) into profile p (contest cp).
 * The candidates must agree by name and order, and the seats where both
 * give them (cp takes cq's seats if it has none). Errors: EPARSE (naming
 * the first candidate that differs), EOVERFLOW, ELIMIT, ENOMEM. */
int teller_profile_merge(teller_ctx *ctx, teller_contest *cp,
    teller_profile *p, const teller_contest *cq, const teller_profile *q);

/* Put every ballot of profile p (read with contest c from an input with
 * no section directives: BLT, PrefLib) in one electoral-college section
 * (methods.md 4.3 c, `--section ID:WEIGHT[:NAME]`): id non-empty without
 * '|'; weight as in '# section:' (40, 0.4, 1/3); name NULL or "" for the
 * id. Strings are copied. Errors: EINVAL (bad id or weight, or c has
 * sections already), ENOMEM, and tl_profile_merge's. */
int teller_profile_section(teller_ctx *ctx, teller_contest *c,
    teller_profile *p, const char *id, const char *weight, const char *name);

/* Write contest c and profile p as a TELLERP1 profile file (see
 * teller-formats(5)) through write(ud, ...). Equal profiles give equal
 * bytes. Errors: EWRITE, ENOMEM. */
int teller_profile_write(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, teller_write_fn write, void *ud);

/* Distinct patterns in a profile, and the total ballot count as a
 * decimal string (borrowed). */
size_t teller_profile_npatterns(const teller_profile *p);

/* ---- counting ---- */

/* Initialise *r for method (default seats 0 = from input, seed "1"). */
void teller_rules_init(teller_rules *r, const char *method);

/* Is name a known method? (nonzero if so) */
int teller_method_known(const char *name);

/* The i-th method name (0-based, from the library's one method table),
 * or NULL past the last: for (i = 0; (m = teller_method_name(i)); i++). */
const char *teller_method_name(int i);

/* For `teller methods`: the i-th method's title, the ballots it reads
 * and its seats ("1", "S", "S (default 1)", "the set"), static strings.
 * Returns TELLER_OK, or TELLER_EINVAL past the last method. */
int teller_method_info(int i, const char **title, const char **reads,
    const char **seats);

/* Count the profile under rules. On success *out is borrowed from ctx.
 * Every paper read is accounted for: papers = valid papers + the
 * rejected heads, or EINTERNAL. Errors: EINVAL (unknown method, bad
 * seats, a bad lot), ERULE, ETIE (a lot needed and not given), ESTOP
 * (no valid paper; a lot given that does not match the tie, or unused),
 * EOVERFLOW, EINTERNAL (conservation check failed), ENOMEM. */
int teller_count(teller_ctx *ctx, const teller_contest *contest,
    const teller_profile *profile, const teller_rules *rules,
    teller_result **out);
/* teller_count, also writing a count certificate (audit.md 5,
 * teller-cert/1 JSON Lines) through write with ud as it counts; for
 * fptp, block, sv, irv, stv-scottish and stv-wigm (another method:
 * EINVAL). */
int teller_count_certified(teller_ctx *ctx, const teller_contest *contest,
    const teller_profile *profile, const teller_rules *rules,
    teller_write_fn write, void *ud, teller_result **out);

/*
 * The lot the last teller_count on ctx stopped at (TELLER_ETIE: rules
 * .no_seed, no hand lot left for it), so that a caller can draw it, or
 * try every way it can fall (`teller ties`), and count again with it in
 * rules.lots. One of the tied is chosen: with against nonzero the one
 * the lot goes against (excluded, passed over: the first of a SPEC),
 * else the one it favours (the last). state is set (32 bytes, SHA-256)
 * when the method can name the whole state of its count at the lot (irv:
 * the stage, the continuing set, which fixes every pile, and every
 * stage's totals, which ties look back to), so that two stops with equal
 * state go on alike; else NULL. order_free is nonzero when the lot
 * cannot change who is elected (irv: the tied have fewer votes together
 * than any other continuing candidate, so all go next in any order, and
 * no later tie can look back to those stages). Pointers are borrowed
 * from ctx until its next count.
 */
typedef struct teller_pending_lot {
	int stage;           /* as STAGE in a --lot SPEC */
	const char *purpose; /* "exclusion", "surplus", "election", "order
			      * of election", "pair order", "finalist" */
	int against;
	int ntied;
	const int *tied;     /* candidate numbers, input order */
	const unsigned char *state;
	int order_free;
} teller_pending_lot;
/* Fills *out; returns ntied, 0 (out zeroed) if the last count did not
 * stop at a lot. */
int teller_lot_pending(const teller_ctx *ctx, teller_pending_lot *out);

/* Names of the elected candidates in order: n and the i-th (borrowed). */
int teller_result_nelected(const teller_result *r);
const char *teller_result_elected(const teller_result *r, int i);

/* Record an input for the result's "inputs" list (sha256 as hex). */
int teller_result_add_input(teller_ctx *ctx, teller_result *r,
    const char *path, const char *sha256_hex);

/* ---- tally-level counting (a manual count's figures) ---- */

/*
 * A manual count produces tallies, not ballots: votes per candidate, valid
 * papers, rejected papers by reason, and for the Supplementary Vote the
 * second stage's transfers. A teller_tally takes those figures and counts
 * them through the same code as teller_count (the caller never decides
 * who is elected), into a teller_result that teller_report renders. For
 * the same election the reports are byte-identical to a profile count's.
 * A teller_tally lives in ctx's memory: strings given are copied.
 */
typedef struct teller_tally teller_tally;

/* Why a paper of an eliminated candidate is not transferred at the SV
 * second stage (LGA 2000 Sch.2 para 3(5); MER 2007 Sch.1 r.52; the names
 * of docs/desk.md 2.10). */
enum teller_nontransferable {
	TELLER_NT_NO_SECOND_PREFERENCE = 1,   /* no_second_preference */
	TELLER_NT_SECOND_SAME_AS_FIRST = 2,   /* second_same_as_first */
	TELLER_NT_SECOND_FOR_ELIMINATED = 3,  /* second_for_eliminated */
	TELLER_NT_REJECTED_SECOND_TOO_MANY = 4, /* rejected_second:too_many */
	TELLER_NT_REJECTED_SECOND_UNCERTAIN = 5, /* rejected_second:uncertain */
	TELLER_NT_SECOND_GOOD = 6 /* teller_tally_set_second_column only: a
				   * good second preference for another
				   * candidate */
};

/* Where a count stands (teller_result_status). */
enum teller_status {
	TELLER_STATUS_FINAL = 0,         /* complete: the elected are known */
	TELLER_STATUS_STAGE2_NEEDED = 1, /* SV: no majority; the second
					  * stage is to be counted among
					  * the remaining candidates
					  * (teller_result_remaining) */
	TELLER_STATUS_LOT_NEEDED = 2     /* stopped: an equality of votes
					  * that only a lot can settle (the
					  * tie is in the result, unsettled) */
};

/* New tally for method "fptp", "block" or "sv", seats (1 for fptp and
 * sv), ncand candidates numbered 0..ncand-1 in ballot order (named
 * "Candidate 1"... until teller_tally_set_candidate). Every figure starts
 * unset (0). Returns NULL with the error in ctx: EINVAL (unknown method,
 * bad seats, fewer than one candidate or fewer than seats), ELIMIT,
 * ENOMEM. */
teller_tally *teller_tally_new(teller_ctx *ctx, const char *method,
    int seats, size_t ncand);

/* The contest's title ("" by default) and candidate cand's name and
 * party (party may be NULL), as printed on the ballot paper (copied).
 * Errors: EINVAL (cand out of range), EENCODING, EDUP (a name given
 * twice), ENOMEM. */
int teller_tally_set_title(teller_tally *t, const char *title);
int teller_tally_set_candidate(teller_tally *t, size_t cand,
    const char *name, const char *party);

/* Candidate cand's votes (for sv: valid first preferences). Replaces any
 * earlier figure. Errors: EINVAL (cand out of range), ERANGE (negative). */
int teller_tally_set_votes(teller_tally *t, size_t cand, int64_t votes);

/* Valid ballot papers. Required for block (votes are not papers there:
 * rejected-in-part papers are inside it); for fptp and sv, if given, it
 * must equal the sum of the votes. Errors: ERANGE (negative). */
int teller_tally_set_valid_papers(teller_tally *t, int64_t papers);

/* Rejected papers under reason code (docs/desk.md 2.8) of regime:
 * regime "lepar2006" or "lepcr2006" (fptp, block), "rpa1983" or
 * "mer-fptp-2023" (fptp), "mer2007-sv" (sv); code "no_official_mark",
 * "too_many", "identifying_mark", "unmarked", "uncertain", and for
 * lepar2006/lepcr2006 block "rejected_in_part" (papers counted in part:
 * inside the valid papers, not rejected). The regime maps codes to the
 * printed heads; "unmarked" and "uncertain" print under one head. Every
 * call on one tally names the same regime. "too_many", "unmarked" and
 * "uncertain" are always printed (0 if not given); the others only once
 * given. Replaces an earlier figure for the code. Errors: EINVAL
 * (unknown regime or code, a regime for another method, a second
 * regime), ERANGE (negative). */
int teller_tally_set_rejected(teller_tally *t, const char *regime,
    const char *code, int64_t papers);

/* SV second stage: papers of eliminated candidate from whose second
 * preference is for remaining candidate to (para 3(5)-(6)). Replaces an
 * earlier figure for the pair. Who is eliminated is checked by
 * teller_tally_count. Errors: EINVAL (not sv, from == to, out of range),
 * ERANGE (negative). */
int teller_tally_set_transfer(teller_tally *t, size_t from, size_t to,
    int64_t papers);

/* SV second stage: papers of eliminated candidate from not transferred,
 * for reason (enum teller_nontransferable, not TELLER_NT_SECOND_GOOD).
 * Replaces an earlier figure. Errors: EINVAL, ERANGE as above. */
int teller_tally_set_nontransferable(teller_tally *t, size_t from,
    int reason, int64_t papers);

/* Optional, SV: the second column of every valid paper, as an e-count
 * declares it (GLA Rules 2007 Sch.3 r.57(2)(e)), by head: TELLER_NT_
 * SECOND_GOOD (for another candidate), _SECOND_SAME_AS_FIRST,
 * _NO_SECOND_PREFERENCE (unmarked), _REJECTED_SECOND_TOO_MANY,
 * _REJECTED_SECOND_UNCERTAIN. Printed with the second stage only if
 * given; the five then sum to the valid papers. Errors: EINVAL (not sv,
 * bad head), ERANGE (negative). */
int teller_tally_set_second_column(teller_tally *t, int head,
    int64_t papers);

/* A lot drawn by hand among tied[0..n) (candidate numbers, n >= 2,
 * each once) that favoured drawn (one of them: the candidate elected,
 * or allotted the additional vote, LEPAR 2006 Sch.2 r.49; LGA 2000
 * Sch.2 para 3(8)). Lots are used in the order added, one for each
 * equality the count meets (block: one a seat); each must match a tie
 * that arises. Errors: EINVAL (bad numbers, drawn not among tied),
 * ENOMEM. */
int teller_tally_add_lot(teller_tally *t, const size_t *tied, size_t n,
    size_t drawn);

/*
 * Count the figures. *out is borrowed from ctx (valid until
 * teller_ctx_free) and set whenever a result exists, also when the count
 * stops. Returns:
 * - TELLER_OK with teller_result_status(*out) TELLER_STATUS_FINAL: the
 *   elected are known;
 * - TELLER_OK with TELLER_STATUS_STAGE2_NEEDED (sv, no transfer or
 *   non-transferable given, no candidate with more than half the valid
 *   first preferences): *out holds stage 1 and the remaining set; the
 *   result JSON says "status": "stage2_needed" and "remaining": [names];
 * - TELLER_ETIE (count stopped, exit 4) with TELLER_STATUS_LOT_NEEDED:
 *   an equality of votes needs a lot (teller_tally_add_lot); *out holds
 *   the count so far and the tie ("resolved_by": "pending" in the JSON,
 *   "status": "lot_needed");
 * - TELLER_ESTOP (*out NULL): no valid paper, or a lot that does not
 *   match the tie that arose, or one not used;
 * - ERANGE (*out NULL) for figures that cannot be right: a block total
 *   over seats x valid papers or a candidate's over the valid papers;
 *   valid papers that differ from the votes (fptp, sv); transfers from a
 *   candidate that is not eliminated or to one that is not remaining; an
 *   eliminated candidate's second-stage papers that do not add up to
 *   their first preferences (too many or too few); a second column that
 *   does not add up; EINVAL (block without valid papers; a second stage
 *   after a majority or with two candidates); EOVERFLOW; ENOMEM.
 * The message names the candidate and the figures. The figures may be
 * changed and the tally counted again.
 */
int teller_tally_count(teller_tally *t, teller_result **out);

/* Release t (its memory goes with ctx in any case). NULL is a no-op. */
void teller_tally_free(teller_tally *t);

/* Where result r stands (enum teller_status); a profile count's result
 * is always TELLER_STATUS_FINAL. */
int teller_result_status(const teller_result *r);

/*
 * `teller compare` (methods.md 8): write the comparison of n counts of
 * the same ballots, methods[i] counted into res[i] (or failed with
 * errors[i], res[i] NULL), as text (json == 0) or JSON (json != 0) to w.
 * pw is a count of the same ballots by a pairwise method (condorcet):
 * it gives the title, candidates, inputs, valid votes, the matrix, the
 * Smith and Schwartz sets and the Condorcet winner. Every pointer is
 * borrowed. Errors: TELLER_EWRITE, TELLER_EINVAL (pw without a matrix).
 */
int teller_compare_report(teller_ctx *ctx, const teller_result *pw,
    int seats, const char *const *methods, const teller_result *const *res,
    const char *const *errors, int n, int json, teller_write_fn w,
    void *ud);

/* Why the count elected nobody (methods.md 1.4: condorcet without a
 * Condorcet winner), or NULL. Owned by the result. The CLI exits 4. */
const char *teller_result_stopped(const teller_result *r);

/* Nonzero if candidate cand remains for the SV second stage (status
 * TELLER_STATUS_STAGE2_NEEDED, or a final sv result with a second
 * stage). */
int teller_result_remaining(const teller_result *r, size_t cand);

/* ---- reports ---- */

/* Render result r as kind through write(ud, ...). Errors: EWRITE (the
 * callback failed), ENOMEM, EINVAL (unknown kind). */
int teller_report(teller_ctx *ctx, const teller_result *r,
    enum teller_report_kind kind, teller_write_fn write, void *ud);

/* ---- canonical forms and the manifest (audit.md 4) ---- */

/* Canonical texts (audit.md 4.3): what a manifest's hashes are taken
 * over. */
enum teller_canon_kind {
	TELLER_CANON_CONTEST = 0,   /* teller-contest/1 */
	TELLER_CANON_MARKED = 1,    /* teller-profile/1, papers as read */
	TELLER_CANON_EFFECTIVE = 2, /* teller-profile/1, as rules counts */
	TELLER_CANON_RULES = 3      /* the rules object, RFC 8785 JCS */
};

/* Write the canonical text of kind for contest c, profile p and rules
 * (rules may be NULL for CONTEST and MARKED) through write(ud, ...).
 * Equal profiles give equal bytes whatever the ballot order, however the
 * lines are split and whatever the candidates' declared order. Errors:
 * EINVAL (unknown method or kind), EOVERFLOW, EWRITE, ENOMEM. */
int teller_canon(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, const teller_rules *rules,
    enum teller_canon_kind kind, teller_write_fn write, void *ud);

/* As teller_canon, but its SHA-256 as 64 lower-case hex digits into
 * out (NUL-ended; "" on error). */
int teller_canon_sha256(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, const teller_rules *rules,
    enum teller_canon_kind kind, char out[65]);

/* A file a manifest records: an input or an output. */
typedef struct teller_manifest_file {
	const char *path;   /* relative to the manifest's folder,
			     * '/'-separated; "-" for standard input */
	const char *kind;   /* input: role ("ballots", NULL = that);
			     * output: writer ("json", "csv", "html",
			     * "stages") */
	const char *format; /* input: format name ("blt"...); else NULL */
	uint64_t bytes;     /* input: size in bytes */
	const char *sha256; /* SHA-256, 64 lower-case hex digits */
	/* recorded only when not NULL (audit.md 4.2): input: the
	 * --section "ID:WEIGHT[:NAME]" applied to it; output (html): its
	 * --layout and --lang */
	const char *section;
	const char *layout, *lang;
} teller_manifest_file;

/* What the caller knows of a count for its manifest. Borrowed. */
typedef struct teller_manifest_info {
	const char *const *argv; /* the invocation */
	int argc;
	const char *date;        /* YYYY-MM-DD, or NULL (no clock time) */
	const teller_manifest_file *inputs;
	int ninputs;
	const teller_manifest_file *outputs;
	int noutputs;
} teller_manifest_info;

/* Write the manifest (audit.md 4.2, "teller_manifest": 1) of result r,
 * counted from c and p under rules, through write(ud, ...): m's files,
 * the canonical hashes, the rules, seed and every lot, the result JSON's
 * hash. Equal counts give equal bytes. Errors: EWRITE, EOVERFLOW,
 * EINVAL, ENOMEM. */
int teller_manifest_write(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, const teller_rules *rules,
    const teller_result *r, const teller_manifest_info *m,
    teller_write_fn write, void *ud);
/* Render r as the HTML report (docs/reports.md) in layout
 * "uk-declaration", "uk-sv", "scot-stv" or "rcv"; NULL = by method.
 * Errors: EINVAL (unknown layout), EWRITE, ENOMEM. */
int teller_report_html(teller_ctx *ctx, const teller_result *r,
    const char *layout, teller_write_fn write, void *ud);
/* As teller_report_html, with <html lang> set to lang (a BCP 47 tag;
 * NULL: en-GB, en-US for the rcv layout); EINVAL for a malformed tag. */
int teller_report_html_lang(teller_ctx *ctx, const teller_result *r,
    const char *layout, const char *lang, teller_write_fn write, void *ud);

/* ---- inputs that name other files ---- */

/* An RCTab config names CVR files and folders; the library reads them
 * through these callbacks and touches no file itself. Paths are the
 * config's path as given, and the config folder joined with what the
 * config names ("DIR/cvr.csv"). The teller command maps files. */
typedef struct teller_input {
	/* Give the bytes of the regular file at path: *buf, *len (any
	 * buffer for an empty file) until close(ud, *handle). Returns 0,
	 * an errno value, or -1 when path is not a regular file. */
	int (*open)(void *ud, const char *path, const char **buf,
	    size_t *len, void **handle);
	/* A hint: bytes [p, p + n) of an open input will not be read again
	 * soon (they may be, which must keep working), so their whole pages
	 * may be dropped. May be NULL. */
	void (*release)(void *ud, void *handle, const char *p, size_t n);
	void (*close)(void *ud, void *handle);
	/* Call fn(fud, name) for each entry of folder dir but "." and ".."
	 * (any order); stop and return fn's value when it is nonzero.
	 * Returns 0, or an errno value. */
	int (*list)(void *ud, const char *dir,
	    int (*fn)(void *fud, const char *name), void *fud);
	/* What path is: TELLER_PATH_NONE, _FILE or _DIR (or other). */
	int (*kind)(void *ud, const char *path);
	void *ud;
} teller_input;

enum teller_path_kind {
	TELLER_PATH_NONE = 0,  /* nothing there (or not reachable) */
	TELLER_PATH_FILE = 1,  /* a regular file */
	TELLER_PATH_DIR = 2,   /* a folder */
	TELLER_PATH_OTHER = 3  /* something else */
};

/* Install the input callbacks (copied; NULL removes them). Without them
 * an input that names other files fails with TELLER_EIO. */
void teller_ctx_set_input(teller_ctx *ctx, const teller_input *in);

/* ---- RCTab ---- */

/* A loaded RCTab contest config (docs/rctab.md 3). */
typedef struct teller_rctab teller_rctab;

/* Named outputs: open(ud, path, &write, &wud) opens path for writing and
 * gives the writer to write it with (0, or nonzero if it cannot);
 * close(ud, wud) ends it (nonzero: it could not be finished). path is
 * the output folder, '/', and a name the library chooses ("summary.json",
 * "Tabulate by Precinct/P1_precinct_summary.csv"); just the name when
 * the folder is "". With more than one thread (options.threads), the
 * rows of rctab_cvr.csv are written by a thread of the library's: its
 * write function is then called from that thread, one call at a time,
 * in order, between open and close (both called by the caller's). */
typedef struct teller_output {
	int (*open)(void *ud, const char *path, teller_write_fn *write,
	    void **wud);
	int (*close)(void *ud, void *wud);
	void *ud;
} teller_output;

/* Hart CVR signature files (FILE.xml.sig.xml). */
enum teller_hart_sig {
	TELLER_HART_SIG_CHECK = 0,   /* verify those present */
	TELLER_HART_SIG_REQUIRE = 1, /* every CVR file must have one */
	TELLER_HART_SIG_OFF = 2      /* ignore them */
};

/*
 * A per-ballot observer of an RCTab tabulation (audit.md 6), for
 * `teller trace`. NULL in teller_rctab_options (the normal path): no
 * cost. With one, identical ballots are read one by one (not merged)
 * and every ballot is reported; the tabulation and outputs are the same.
 * Each callback returns 0 to go on, nonzero to stop with TELLER_EINVAL.
 */
typedef struct teller_rctab_trace {
	/* A ballot read: its id (the CVR's own id, else RCTab's computed
	 * id), its ranking as marked ("A>B=C>>D": '=' several marks at a
	 * rank, an empty rank skipped; "" no mark), and the pattern it
	 * shares with every identical ballot (0, 1, ...: the index of a
	 * distinct record, in the order first read). */
	int (*ballot)(void *ud, const char *id, const char *ranking,
	    size_t pattern);
	/* In round `round` (1-based) of pass `pass` (0, or 1.. for
	 * multi-pass IRV), the ballots of pattern went to candidate holder,
	 * or (holder NULL) became non-transferable for reason
	 * ("undervote", "overvote", "skipped rankings", "repeated",
	 * "exhausted choices", "final-round surplus"); tv: each ballot's
	 * transfer value as a decimal. Only changes are reported: a
	 * pattern not reported in a round stays where it was. */
	int (*event)(void *ud, int pass, int round, size_t pattern,
	    const char *holder, const char *reason, const char *tv);
	/* Pass `pass` ended after nround rounds. */
	int (*pass_end)(void *ud, int pass, int nround);
	void *ud;
} teller_rctab_trace;

/* One tie-break of an RCTab tabulation (audit.md 4.2 lots[]): a tie
 * that previous rounds (where the mode looks at them) did not settle. */
typedef struct teller_rctab_lot {
	int pass, round;         /* pass 0 (or 1.. multi-pass), round 1.. */
	int winner;              /* nonzero: a winner chosen; 0: the
				  * candidate to eliminate */
	const char *const *tied; /* the tied, in RCTab's order (by name) */
	int ntied;
	const char *chosen;      /* the one chosen */
	const char *source;      /* "seed" (the config's randomSeed),
				  * "manual" (a --tiebreak answer) or
				  * "config" (the candidates' order or the
				  * permutation) */
	const char *rule;        /* the config's tiebreakMode */
} teller_rctab_lot;

typedef struct teller_rctab_options {
	const char *output_dir; /* NULL: the config's outputDirectory,
				 * relative to its folder (that folder if
				 * blank) */
	int threads;            /* as teller_ctx_set_threads (default 1) */
	const char *const *ties; /* answers to interactive tie-breaks:
				  * the candidate chosen, in order */
	int nties;
	int crlf;               /* CSV lines end in CRLF, as RCTab's */
	int convert_to_cdf;     /* read the CVRs, write cdf_cvr.json (and
				 * rctab_cvr.csv) only: no tabulation */
	int no_cvr_export;      /* do not write rctab_cvr.csv */
	int hart_signatures;    /* enum teller_hart_sig */
	const char *hart_key;   /* file with the RSAKeyValue Hart files
				 * must be signed with (read through the
				 * input callbacks); NULL: RCTab's key */
	const char *generated_date; /* CDF GeneratedDate; NULL: omitted */
	teller_output output;   /* where the files go (required) */
	const char *html;       /* also write the HTML report (reports.md
				 * 4.4) to this path, outside the folder;
				 * NULL: none */
	const teller_rctab_trace *trace; /* per-ballot observer, or NULL */
	/* Told of every tie-break, in order (nonzero return: stop with
	 * TELLER_EINVAL); NULL: none. */
	int (*lot)(void *ud, const teller_rctab_lot *l);
	void *lot_ud;
	/* The canonical texts of audit.md 4.3 made from the run's own read
	 * of the CVRs (no second read), each written through its function
	 * (not NULL) once the CVRs are read, before the count: the marked
	 * and the effective profile (as teller_rctab_canon_profiles) and
	 * the ballot ids (as teller_rctab_ballot_ids; this one makes the
	 * run read identical ballots one by one, as a trace does). A write
	 * that fails fails the run. NULL: not made, no cost. */
	teller_write_fn canon_marked, canon_effective, canon_ids;
	void *canon_marked_ud, *canon_effective_ud, *canon_ids_ud;
} teller_rctab_options;

/* Initialise *o to the defaults (every flag off, one thread). */
void teller_rctab_options_init(teller_rctab_options *o);

/* Read the Hart key of o (if any), then load and check the config at
 * path; o is borrowed until teller_rctab_run. Errors (naming the file
 * and the field): ECONFIG, EPARSE, EIO, ELIMIT, ENOMEM. */
int teller_rctab_load(teller_ctx *ctx, const char *path,
    const teller_rctab_options *o, teller_rctab **out);

/* The folder the outputs go to (borrowed from ctx). */
const char *teller_rctab_output_dir(const teller_rctab *r);

/* Read the CVRs, tabulate, and write the outputs through o->output.
 * Errors: those of the CVR readers (EPARSE, EIO, ELIMIT, EENCODING...),
 * ETIE (an interactive tie-break needs an answer not given), EWRITE,
 * EOVERFLOW, ENOMEM. A failed run may leave outputs opened: the caller
 * removes them. */
int teller_rctab_run(teller_ctx *ctx, teller_rctab *r);

/* Release r (its memory goes with ctx in any case). NULL is a no-op. */
/* Read r's CVRs (no tabulation, no output) and write the canonical
 * ballot-id text of audit.md 4.3 (teller canon --ballot-ids): the line
 * "teller-ballot-ids/1", each candidate "c\tJ\tNAME" by name bytes,
 * then "<id>\t<J>..." a ballot (its effective ranks under the config's
 * rules, the multiple-continuing overvote rule taken at round 1), the
 * lines sorted by bytes. */
int teller_rctab_ballot_ids(teller_ctx *ctx, teller_rctab *r,
    teller_write_fn write, void *ud);

/* Read r's CVRs (no tabulation, no output) and write the canonical text
 * of kind (audit.md 4.3): CONTEST (title: contestName, seats:
 * numberOfWinners, the declared candidates then "Undeclared Write-ins"
 * when in play; withdrawn = excluded), MARKED (every ballot as read:
 * a rank is the candidates marked there, '-' an empty rank between
 * marks, "w:TEXT" a mark that names no candidate, such as an overvote
 * label) or EFFECTIVE (as teller_rctab_ballot_ids ranks a ballot).
 * EINVAL for RULES. */
int teller_rctab_canon(teller_ctx *ctx, teller_rctab *r,
    enum teller_canon_kind kind, teller_write_fn write, void *ud);
/* The marked profile text through wm(um, ...) and the effective one
 * through we(ue, ...) (either write NULL: not written), the CVRs read
 * once. */
int teller_rctab_canon_profiles(teller_ctx *ctx, teller_rctab *r,
    teller_write_fn wm, void *um, teller_write_fn we, void *ue);

/* The config's randomSeed as decimal text, or NULL when it has none. */
const char *teller_rctab_seed(const teller_rctab *r);
/* The config's contestDate as written, or NULL when it has none. */
const char *teller_rctab_date(const teller_rctab *r);
/* Nonzero when the config is a single-winner IRV contest whose effective
 * rankings (teller_rctab_canon EFFECTIVE) do not depend on the round:
 * singleWinnerMajority, one seat, no stopTabulationEarlyAfterRound, and
 * not the exhaustIfMultipleContinuing overvote rule (teller raire). */
int teller_rctab_single_irv(const teller_rctab *r);

void teller_rctab_free(teller_rctab *r);

/* ---- audit: margins of victory and RAIRE (lib/audit/, audit.md) ---- */

/* Change models of a margin (audit.md 1). */
enum teller_margin_model {
	TELLER_MARGIN_CHANGE = 0, /* papers' rankings replaced */
	TELLER_MARGIN_ADD = 1,    /* papers added only */
	TELLER_MARGIN_DELETE = 2  /* papers removed only */
};

typedef struct teller_margin_opts {
	int model;            /* enum teller_margin_model */
	long max_nodes;       /* IRV branch and bound nodes (default 1e6) */
	/* Polled during long searches: nonzero means the time budget is
	 * spent (the library has no clock). May be NULL. */
	int (*stop)(void *ud);
	void *stop_ud;
} teller_margin_opts;

typedef struct teller_margin teller_margin;

/* Defaults: change model, 1000000 nodes, no budget. */
void teller_margin_opts_init(teller_margin_opts *o);

/* Count profile under rules, then find the margin of victory: exact
 * where audit.md 2 says exact (fptp, block, sv, irv; STV: an upper
 * bound, labelled);
 * every upper bound comes with a witness that a re-count through
 * teller_count confirms. *res and *out are borrowed from ctx. Errors:
 * those of teller_count; ERULE (a method without margins yet, weighted
 * papers), ELIMIT (more than 64 candidates), EINTERNAL (a witness
 * failed its re-count), ENOMEM. */
int teller_margin_find(teller_ctx *ctx, const teller_contest *contest,
    const teller_profile *profile, const teller_rules *rules,
    const teller_margin_opts *opts, teller_result **res,
    teller_margin **out);

/* Write the margin: json 0, one line ("margin: 109 ballots (exact;
 * last-round 192)"); json 1, the result JSON of the count with a
 * top-level "margin" (audit.md 8.2). Errors: EWRITE, ENOMEM. */
int teller_margin_report(teller_ctx *ctx, const teller_result *r,
    const teller_margin *m, int json, teller_write_fn write, void *ud);

/* RAIRE audit types (audit.md 3.2) and trimming algorithms. */
enum teller_raire_audit {
	TELLER_RAIRE_ONE_ON_MARGIN = 0,
	TELLER_RAIRE_ONE_ON_MARGIN_SQ = 1,
	TELLER_RAIRE_BRAVO = 2,
	TELLER_RAIRE_MACRO = 3
};
enum teller_raire_trim {
	TELLER_TRIM_NONE = 0,
	TELLER_TRIM_MINIMIZE_TREE = 1,
	TELLER_TRIM_MINIMIZE_ASSERTIONS = 2
};

typedef struct teller_raire_opts {
	int audit;                  /* enum teller_raire_audit */
	int64_t auditable;          /* total_auditable_ballots; 0: papers */
	const char *risk_limit;     /* JSON number text, or NULL */
	const char *error_inflation; /* JSON number text, or NULL */
	int trim;                   /* enum teller_raire_trim */
	int shangrla;               /* write SHANGRLA's JSON instead */
	/* Difficulty (audit.md 3.2) of an assertion with winner and loser
	 * tallies w, l over n auditable papers: the library has no floating
	 * point, so the caller computes it. cmp < 0 when (w1, l1) is less
	 * difficult than (w2, l2); text writes it as a JSON number. NULL:
	 * margins only (cmp by margin; "difficulty" omitted). */
	int (*cmp)(void *ud, int64_t n, int64_t w1, int64_t l1, int64_t w2,
	    int64_t l2);
	int (*text)(void *ud, int64_t n, int64_t w, int64_t l, char *buf,
	    size_t size);
	void *ud;
	int timing;                 /* unused by the library: seconds 0 */
	/* teller_raire_check: does the stated difficulty s (JSON number
	 * text, len bytes) agree with tallies (w, l) over n papers? 1 yes,
	 * 0 no. NULL: stated difficulties are not checked. */
	int (*same)(void *ud, int64_t n, int64_t w, int64_t l,
	    const char *s, size_t len);
} teller_raire_opts;

void teller_raire_opts_init(teller_raire_opts *o);

/* Write the RAIRE problem JSON (audit.md 3.3) of the effective profile;
 * the winner is teller's count's. Errors: ERULE (not single-winner
 * ranked papers), ETIE (winner by lot), EWRITE, ENOMEM. */
int teller_raire_problem(teller_ctx *ctx, const teller_contest *contest,
    const teller_profile *profile, const teller_rules *rules,
    const teller_raire_opts *o, teller_write_fn write, void *ud);

/* Find optimal assertions and write the solution JSON (audit.md 3.4) or
 * SHANGRLA's (3.5). Errors: as teller_raire_problem. */
int teller_raire_solve(teller_ctx *ctx, const teller_contest *contest,
    const teller_profile *profile, const teller_rules *rules,
    const teller_raire_opts *o, teller_write_fn write, void *ud);

/* Check a solution JSON (sol, len; name for messages) against the
 * profile: every stated margin recomputed, each positive, and every
 * elimination order ending in another winner contradicted (audit.md
 * 3.6 item 4). TELLER_OK when sufficient; TELLER_EVERIFY with the first
 * failing assertion or uncontradicted order in the message; EPARSE for
 * a malformed solution. */
int teller_raire_check(teller_ctx *ctx, const teller_contest *contest,
    const teller_profile *profile, const teller_rules *rules,
    const teller_raire_opts *o, const char *name, const char *sol,
    size_t len);

/* Rounding sensitivity (audit.md 7, --sensitivity rounding): count
 * r's profile again in exact fractions, and with parcel nonzero also
 * truncating each parcel's total instead of each paper's value (stv.md
 * 2.7), and attach the comparison with r's decisions and stage totals
 * to r for its reports (JSON "sensitivity"). r is the result of
 * teller_count for the same contest, profile and rules. Methods:
 * stv-scottish, stv-wigm, and irv, which rounds nothing and so is
 * the same without a second count (parcel: stv-scottish only).
 * Errors: ERULE (another method; fractional weights), EOVERFLOW,
 * EINTERNAL, ENOMEM. */
int teller_sensitivity(teller_ctx *ctx, const teller_contest *contest,
    const teller_profile *profile, const teller_rules *rules,
    teller_result *r, int parcel);

#ifdef __cplusplus
}
#endif
#endif /* TELLER_H */
