/* SPDX-License-Identifier: MIT */
/*
 * tl_int.h -- declarations shared inside lib/ (never installed).
 * Module prefixes: tl_ctx_/tl_fail (ctx.c), tl_arena_ (ctx.c), tl_vec_
 * (ctx.c), tl_num_ (num.c), tl_contest_/tl_profile_ (profile.c), tl_tie_
 * (tie.c), tl_result_ (result.c), tl_fmt_* readers, tl_m_* methods,
 * tl_rep_* writers.
 */
#ifndef TL_INT_H
#define TL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "teller.h"

/* ------------------------------------------------------------------ */
/* context, errors, memory (ctx.c)                                     */

struct tl_vec;

struct teller_ctx {
	teller_alloc alloc;
	teller_limits lim;
	int err;              /* first error code, TELLER_OK if none */
	char msg[256];        /* its message */
	const char *file;     /* current input name (borrowed from caller) */
	char errfile[256];    /* input name at the time of the error */
	long line, col;       /* its position, 0 if unknown */
	bool oom;             /* sticky out-of-memory flag */
	struct tl_block *blocks; /* arena blocks, newest first */
	struct tl_vec **vecs; /* growable vectors to free at the end */
	size_t nvecs, capvecs;
	int threads;          /* teller_ctx_set_threads (>= 1, resolved) */
	teller_release_fn release; /* teller_ctx_set_release, or NULL */
	void *release_ud;
	teller_input input;   /* teller_ctx_set_input (lib/rctab/rctab_io.c) */
	bool has_input;
};

/* Tell the caller (teller_ctx_set_release) that bytes [p, p + n) of the
 * input buffer will not be needed again. Safe from any reader thread. */
void tl_release(teller_ctx *ctx, const char *p, size_t n);

/* Record err as the context's first error (later ones are ignored) and
 * return err, so callers write `return tl_fail(ctx, ...)`. Position is
 * unknown. */
int tl_fail(teller_ctx *ctx, int err, const char *fmt, ...)
    TELLER_PRINTF(3, 4);

/* As tl_fail, with a 1-based line and column in ctx->file. */
int tl_fail_at(teller_ctx *ctx, int err, long line, long col,
    const char *fmt, ...) TELLER_PRINTF(5, 6);

/* Record out-of-memory (static message; never allocates). */
int tl_oom(teller_ctx *ctx);

/* Raw allocation through the caller allocator. NULL on failure (and the
 * OOM flag set). */
void *tl_realloc(teller_ctx *ctx, void *p, size_t old, size_t sz);
void tl_free(teller_ctx *ctx, void *p, size_t sz);

/* Arena: zeroed memory living until teller_ctx_free. NULL on OOM (error
 * recorded). Size overflow is checked. */
void *tl_alloc(teller_ctx *ctx, size_t n, size_t size);
char *tl_strndup(teller_ctx *ctx, const char *s, size_t n);
char *tl_strdup(teller_ctx *ctx, const char *s);

/* Growable vector of fixed-size elements, freed with the context.
 * Allocate with tl_vec_new; grow with tl_vec_reserve / tl_vec_push. */
struct tl_vec {
	void *data;
	size_t len;  /* elements in use */
	size_t cap;  /* elements allocated */
	size_t size; /* bytes per element */
};
struct tl_vec *tl_vec_new(teller_ctx *ctx, size_t elem_size);
/* Ensure room for `more` further elements. */
int tl_vec_reserve(teller_ctx *ctx, struct tl_vec *v, size_t more);
/* Append one element (copied from elem); returns pointer to it or NULL. */
void *tl_vec_push(teller_ctx *ctx, struct tl_vec *v, const void *elem);
#define TL_VEC_AT(v, type, i) (((type *)(v)->data)[i])

/* ------------------------------------------------------------------ */
/* exact numbers (num.c)                                               */

/* A fixed-point decimal: value * 10^dp held in an int64_t. The scale dp
 * belongs to the rule set, not the number. */
typedef int64_t tl_fix;

#define TL_DP_MAX 18

enum tl_round {
	TL_ROUND_DOWN = 0,  /* toward zero (truncate) */
	TL_ROUND_FLOOR,     /* toward -infinity */
	TL_ROUND_CEIL,      /* toward +infinity */
	TL_ROUND_UP,        /* away from zero */
	TL_ROUND_HALF_UP,   /* nearest, ties away from zero */
	TL_ROUND_HALF_EVEN  /* nearest, ties to even */
};

/* 10^dp for 0 <= dp <= 18. */
int64_t tl_num_pow10(int dp);

/* Checked arithmetic: TELLER_OK or TELLER_EOVERFLOW (recorded on ctx). */
int tl_num_add(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out);
int tl_num_sub(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out);
int tl_num_mul(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out);

/* out = a * b / c, rounded by mode, computed with an exact 128-bit
 * intermediate. c == 0 gives TELLER_EINTERNAL. */
int tl_num_muldiv(teller_ctx *ctx, int64_t a, int64_t b, int64_t c,
    enum tl_round mode, int64_t *out);

/* out = a / c rounded by mode. */
int tl_num_div(teller_ctx *ctx, int64_t a, int64_t c, enum tl_round mode,
    int64_t *out);

/* Change scale from dp `from` to dp `to`, rounding by mode. */
int tl_num_rescale(teller_ctx *ctx, tl_fix a, int from, int to,
    enum tl_round mode, tl_fix *out);

/* Write v at dp places as an exact decimal ("-12.34000"), NUL-ended.
 * buf must hold TL_NUM_BUFSZ bytes. Returns the length. */
#define TL_NUM_BUFSZ 48
size_t tl_num_fmt(char *buf, tl_fix v, int dp);

/* Parse an exact decimal ("12", "-3.5", "0.00001") of at most dp places
 * into *out at scale dp. Returns 0, or -1 if not a decimal, -2 if too
 * many places, -3 if it overflows. Never touches ctx. */
int tl_num_parse(const char *s, size_t n, int dp, tl_fix *out);

/* Decimal places in a decimal string s (0 if none), or -1 if invalid. */
int tl_num_places(const char *s, size_t n);

/* Guarded fixed point (num.c, end): value * 10^27 in a signed 128-bit
 * integer (18 places + 9 guard digits, Droop's default); every product
 * and quotient floored on its own. Used by stv-wigm and stv-meek. */
__extension__ typedef __int128 tl_g;
#define TL_G_DP 27
tl_g tl_g_one(void);
/* n * 10^27; EOVERFLOW beyond |n| <= 10^11. */
int tl_g_from_int(teller_ctx *ctx, int64_t n, tl_g *out);
/* floor(a * b / 10^27) and floor(a * 10^27 / b); EOVERFLOW, EINTERNAL. */
int tl_g_mul(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out);
int tl_g_div(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out);
/* -1, 0, 1; values within 0.5 * 10^-18 compare equal (Droop). */
int tl_g_cmp(tl_g a, tl_g b);
/* floor(a) at dp places, and a rounded half up at dp places (as Droop
 * prints); the caller knows the result fits in 64 bits. */
tl_fix tl_g_fix(tl_g a, int dp);
tl_fix tl_g_round(tl_g a, int dp);

/* ------------------------------------------------------------------ */
/* contest and profile (profile.c)                                     */

struct tl_cand {
	const char *name;  /* UTF-8, never NULL */
	const char *party; /* UTF-8, "" if none */
	bool withdrawn;    /* removed from every ranking before counting */
	bool writein;      /* a write-in pseudo-candidate */
};

struct teller_contest {
	const char *title;    /* "" if none */
	int seats;            /* from the file; 0 if the file does not say */
	int ncand;
	struct tl_vec *cands; /* of struct tl_cand */
	/*
	 * Droop [tie]: candidate ids, in the order given; NULL if none.
	 * Droop's semantics (jklundell/droop, BltFileFormat.md: "[tie ...]:
	 * a list of candidate IDs or nicknames specifying a predetermined
	 * tiebreaking order"; every rule's breakTie returns
	 * C.byTieOrder(tied)[0], "choose the tied candidate who is earliest
	 * in a predetermined random tiebreaking order"): whatever the tie
	 * decides, the tied candidate EARLIEST in the list is the one
	 * chosen -- excluded (defeated) in a tie for exclusion, elected in
	 * a tie for election, taken first in a tie for which surplus to
	 * transfer. So for exclusion the first listed loses; for election
	 * the first listed wins. (Droop's scotland rule first tries the
	 * earlier stages, then uses this order as the lot.) The list names
	 * every candidate exactly once (ntie_order == ncand).
	 */
	int *tie_order;
	int ntie_order;
};
#define TL_CAND(c, i) (&TL_VEC_AT((c)->cands, struct tl_cand, (i)))

/* Candidate ids are 0-based indices into the contest. */
typedef uint16_t tl_cid;
#define TL_CID_MAX 65000

/*
 * A ballot pattern: the ranks as marked. Cells of pattern p are
 * cells[p.off .. p.off + p.len): for each rank, a count n then n candidate
 * ids (n == 0 skipped rank, n > 1 overvote; repeats across ranks kept).
 * The weight is at scale 10^wdp (wdp == 0 for plain counts).
 */
struct tl_pat {
	uint32_t off;    /* first cell */
	uint32_t len;    /* number of cells */
	uint32_t nranks; /* ranks marked (including skipped ones) */
	uint32_t hash;   /* hash of the cells */
	int64_t w;       /* weight, scale 10^wdp, > 0 */
};

struct teller_profile {
	int ncand;
	int wdp;              /* decimal places of weights */
	struct tl_vec *pats;  /* of struct tl_pat */
	struct tl_vec *cells; /* of tl_cid */
	uint64_t *slots;      /* open-addressing table: hash << 32 | index + 1
			       * (0 = empty), so probes rarely touch patterns */
	size_t nslots;        /* power of two */
	struct tl_vec *table; /* owns slots (freed with the context) */
	size_t indexed;       /* patterns [0, indexed) are in slots; the rest
			       * were stored by tl_profile_add_keys, which
			       * knew them new, and are put in when needed */
	int64_t total;        /* sum of weights, scale 10^wdp */
	int64_t lines;        /* ballots (lines/records) read, unweighted */
	int64_t empty;        /* weight of ballots with no marks at all */
	struct tl_strtab *ids; /* ballot ids read (copies), or NULL if the
				* input gave none; see teller_profile_merge */
};

/* New empty contest / profile. */
struct teller_contest *tl_contest_new(teller_ctx *ctx);
/* Append a candidate (name and party copied; party may be NULL). Returns
 * its id, or -1 with the error recorded (ELIMIT past limits.candidates). */
int tl_contest_add(teller_ctx *ctx, struct teller_contest *c,
    const char *name, size_t nlen, const char *party, size_t plen);
/* Length of the valid UTF-8 sequence at s (n >= 1 bytes available), or 0
 * for NUL, a bad or overlong sequence, a surrogate, or past U+10FFFF. */
size_t tl_utf8_len(const unsigned char *s, size_t n);
/* Check names: non-empty, valid UTF-8, no NUL, unique. EDUP / EENCODING. */
int tl_contest_check_names(teller_ctx *ctx, const struct teller_contest *c);
/* Candidate id with exactly this name, or -1. */
int tl_contest_find(const struct teller_contest *c, const char *name,
    size_t n);

struct teller_profile *tl_profile_new(teller_ctx *ctx, int ncand);

/* Builder for one pattern: call tl_profile_begin, then tl_profile_rank
 * once per rank with that rank's marks, then tl_profile_end with the
 * weight (scale 10^wdp). Identical patterns are merged. */
int tl_profile_begin(teller_ctx *ctx, struct teller_profile *p);
int tl_profile_rank(teller_ctx *ctx, struct teller_profile *p,
    const tl_cid *marks, int n);
int tl_profile_end(teller_ctx *ctx, struct teller_profile *p, int64_t w);

/* Add a whole pattern of single marks (ids[i] at rank i+1). */
int tl_profile_add_simple(teller_ctx *ctx, struct teller_profile *p,
    const tl_cid *ids, int n, int64_t w);

/* A pattern already laid out as cells (see struct tl_pat), for
 * tl_profile_add_cells. */
struct tl_cells {
	const tl_cid *cells; /* not inside the profile's own cells */
	size_t len;          /* number of cells */
	int64_t w;           /* weight, scale 10^wdp */
};
/* Add n patterns in order, exactly as n begin/rank/end calls would (same
 * merging, limits, errors), but hashing and prefetching them in batches.
 * No pattern may be open. *done: how many were added before an error. */
int tl_profile_add_cells(teller_ctx *ctx, struct teller_profile *p,
    const struct tl_cells *b, size_t n, size_t *done);

/*
 * Packed ballots, for a reader's fast path when every candidate id fits
 * in bits bits and a whole ranking in 64: one candidate per rank, rank k
 * in bits k*bits.. as id + 1 (0 ends the ranking, so a key is never 0).
 * A tl_keys maps keys already seen to their pattern, so a repeat costs
 * one probe and no cells; it belongs to one profile and one thread.
 */
struct tl_kslot {
	uint64_t key;       /* 0 = empty */
	uint64_t idx;       /* its pattern */
};
struct tl_keys {
	int bits;           /* bits a rank, 1..16 */
	struct tl_kslot *slot; /* [nslots] open addressing */
	size_t nslots, n;   /* table size (power of two), keys held */
	struct tl_vec *own; /* owns slot (freed with the context) */
	size_t known;       /* patterns [0, known) of the profile are in the
			     * table if they can be packed at all */
	/* A tally (tl_keys_tally) keeps the counts itself, no profile: */
	struct tl_vec *order; /* the keys (uint64_t) as first seen */
	struct tl_vec *wsum;  /* their summed weights (int64_t) */
	int64_t total, lines; /* weight and ballots tallied */
};
/* The key of a blank paper (no rank marked). Rankings use at most 63
 * bits (tl_keys_bits), so no ranking packs to it. */
#define TL_KEY_BLANK ((uint64_t)1 << 63)
/* Bits a rank for ncand candidates (ids 1..ncand), or 0 if a ranking of
 * up to maxr ranks does not fit in 63 bits. */
int tl_keys_bits(int ncand, int maxr);
/* Give back k's table (k can be used again: it starts empty). */
void tl_keys_free(teller_ctx *ctx, struct tl_keys *k);
/* Tally n packed ballots in k alone (k->order, k->wsum): what a profile
 * would hold, in the order it would hold it, to be added to one later
 * with tl_profile_add_keys. Fails (ELIMIT) past lim.ballots in weight or
 * lim.patterns in keys, so the caller can read the ballots again. */
int tl_keys_tally(teller_ctx *ctx, struct tl_keys *k, const uint64_t *key,
    const int64_t *w, size_t n);
/* As tl_profile_add_cells for n packed ballots key[i] of weight w[i]. */
int tl_profile_add_keys(teller_ctx *ctx, struct teller_profile *p,
    struct tl_keys *k, const uint64_t *key, const int64_t *w, size_t n,
    size_t *done);

/* Raise the weight scale to wdp (existing weights multiplied). */
int tl_profile_set_wdp(teller_ctx *ctx, struct teller_profile *p, int wdp);

/* Sum another profile into p (same ncand; weights rescaled). */
int tl_profile_merge(teller_ctx *ctx, struct teller_profile *p,
    const struct teller_profile *q);

#define TL_PAT(p, i) (&TL_VEC_AT((p)->pats, struct tl_pat, (i)))
#define TL_CELLS(p, pat) (&TL_VEC_AT((p)->cells, tl_cid, (pat)->off))

/* Iterate ranks of a pattern: start with r = tl_rank_first(p, pat), then
 * while r.cells: use r.n, r.ids, then r = tl_rank_next(r). Inline: the
 * methods' inner loops walk every rank of every pattern. */
struct tl_rank {
	const tl_cid *ids; /* marks at this rank */
	int n;             /* how many */
	const tl_cid *cells; /* cursor; NULL when done */
	const tl_cid *end;
};
static inline struct tl_rank
tl_rank_first(const struct teller_profile *p, const struct tl_pat *pat)
{
	struct tl_rank r;
	const tl_cid *c = TL_CELLS(p, pat);

	r.end = c + pat->len;
	r.cells = c;
	if (c >= r.end) {
		r.cells = NULL;
		r.ids = NULL;
		r.n = 0;
		return r;
	}
	r.n = c[0];
	r.ids = c + 1;
	return r;
}

static inline struct tl_rank
tl_rank_next(struct tl_rank r)
{
	r.cells += r.n + 1;
	if (r.cells >= r.end) {
		r.cells = NULL;
		r.ids = NULL;
		r.n = 0;
		return r;
	}
	r.n = r.cells[0];
	r.ids = r.cells + 1;
	return r;
}


/*
 * "Clean" preference list as most STV/IRV rules read a ballot: walk the
 * ranks, skip withdrawn candidates and skipped ranks, keep each candidate's
 * first appearance only. Writes up to max ids into out and returns how
 * many. The walk stops at the first rank with several live marks (an
 * overvote or equal ranking), setting *had_equal (may be NULL).
 */
int tl_pat_clean(const struct teller_contest *c, const struct teller_profile *p,
    const struct tl_pat *pat, tl_cid *out, int max, bool *had_equal);

/* ------------------------------------------------------------------ */
/* tie-break (tie.c)                                                   */

/* SplitMix64 stream: documented in tie.c and teller.3. */
struct tl_rng {
	uint64_t state;
};
void tl_tie_seed(struct tl_rng *r, uint64_t seed);
uint64_t tl_tie_next(struct tl_rng *r);
/* Uniform index in [0, n) by rejection sampling (n >= 1). */
int tl_tie_lot(struct tl_rng *r, int n);

/*
 * Lots in one count: the returning officer's, drawn by hand and given in
 * order (teller_rules.lots, audit.md 4.4), else the seeded generator, or
 * with rules->no_seed a stop (TELLER_ETIE) that prints the --lot syntax.
 */
struct tl_hand_lot {
	int stage;    /* the stage the tie is recorded at */
	int n;
	int *order;   /* candidate ids in increasing favour */
	const char *spec;
};
struct tl_lots {
	struct tl_rng rng;
	const struct teller_contest *c;
	const teller_rules *rules;
	struct tl_hand_lot *hand; /* [rules->nlots], parsed */
	int used;                 /* hand lots used so far */
};
/* Parse lot spec s against contest c into *out (EINVAL naming the spec
 * on a bad stage, an unknown or repeated name, fewer than two names). */
int tl_lot_parse(teller_ctx *ctx, const struct teller_contest *c,
    const char *s, struct tl_hand_lot *out);
/* Seed the generator and parse the hand lots of rules. */
int tl_lots_init(teller_ctx *ctx, struct tl_lots *l,
    const struct teller_contest *c, const teller_rules *rules);
/*
 * Settle by lot a tie of kind among cand[0..n) (n >= 2, input order) at
 * stage: *idx is the index in cand the lot falls on, against it (against:
 * the one excluded or passed over) or for it. After the hand lots, an
 * input's tie order (Droop [tie]) settles it as Droop does: the earliest
 * listed is the one excluded, or the one favoured. A seeded draw takes the
 * same stream as tl_tie_lot. *draw is what the result records: the lot
 * index, or for a hand lot its number (1-based) in rules->lots. Errors:
 * ESTOP (the next hand lot is for another tie), ETIE (no_seed and no
 * hand lot left).
 */
int tl_lots_draw(teller_ctx *ctx, struct tl_lots *l, int stage, int kind,
    bool against, const int *cand, int n, int *idx, uint64_t *draw,
    int *how);
/* Index in cand[0..n) of the candidate earliest in c's tie order (Droop
 * [tie]), or -1 if c has none. */
int tl_tie_order_first(const struct teller_contest *c, const int *cand,
    int n);

/* ------------------------------------------------------------------ */
/* results (result.c)                                                  */

enum tl_stage_kind {
	TL_STAGE_FIRST = 0,  /* first preferences / the poll */
	TL_STAGE_SURPLUS,    /* transfer of a surplus */
	TL_STAGE_EXCLUSION,  /* exclusion of one or more candidates */
	TL_STAGE_SECOND,     /* SV: second preferences of the excluded */
	TL_STAGE_ITERATION,  /* Meek: one converged round */
	TL_STAGE_FINAL       /* last vacancies filled, no transfer */
};

enum tl_tie_how {
	TL_TIE_EARLIER = 0, /* settled by an earlier stage's totals */
	TL_TIE_LOT,         /* settled by lot (seeded PRNG) */
	TL_TIE_ORDER,       /* settled by input order (rule says so) */
	TL_TIE_FIRSTPREF,   /* settled by first preferences */
	TL_TIE_HAND,        /* settled by a lot drawn by hand (--lot) */
	TL_TIE_TIEORDER     /* settled by the input's tie order ([tie]) */
};

enum tl_tie_kind {
	TL_TIEK_EXCLUDE = 0, /* who is excluded */
	TL_TIEK_SURPLUS,     /* whose surplus goes first */
	TL_TIEK_ELECT,       /* who is elected (last seat, final stage) */
	TL_TIEK_ORDER        /* order of election among equals */
};

struct tl_tie {
	int stage;      /* stage number at which it was decided */
	int kind;       /* enum tl_tie_kind */
	int how;        /* enum tl_tie_how */
	int ntied;
	int *tied;      /* candidate ids */
	int chosen;     /* the candidate chosen */
	uint64_t draw;  /* for TL_TIE_LOT: the lot index drawn */
};

struct tl_stage {
	int number;         /* 1-based */
	int kind;           /* enum tl_stage_kind */
	int subject;        /* candidate whose surplus/papers moved, or -1 */
	tl_fix *votes;      /* [ncand] totals at the end of the stage */
	tl_fix nontrans;    /* cumulative non-transferable (exhausted) */
	tl_fix loss;        /* cumulative loss by fractions */
	tl_fix value;       /* transfer value used, if any (else -1) */
	int *elected;       /* candidates elected at this stage */
	int nelected;
	int *excluded;      /* candidates excluded at this stage */
	int nexcluded;
	const char *note;   /* clause or remark, "" if none */
};

/* A named count of rejected or non-transferable ballots. */
struct tl_tally {
	const char *name;   /* e.g. "unmarked or void for uncertainty" */
	const char *cite;   /* clause, "" if none */
	tl_fix n;           /* at the result's dp */
};

struct tl_input {
	const char *path;
	const char *sha256;
};

struct teller_result {
	const char *method;
	const char *method_title; /* e.g. "Supplementary Vote (LGA 2000 Sch.2)" */
	const struct teller_contest *contest;
	int ncand;
	int seats;
	int dp;             /* decimal places of every number */
	bool has_quota;
	tl_fix quota;
	tl_fix valid;       /* valid ballots (weight) at dp */
	tl_fix papers;      /* ballot papers read (weight) at dp; set by
			     * teller_count from the profile */
	tl_fix valid_papers; /* papers that count: valid for single-vote
			      * methods, set by the method otherwise (block:
			      * papers, not votes); -1 = same as valid */
	uint64_t seed;
	struct tl_vec *stages;   /* of struct tl_stage */
	struct tl_vec *elected;  /* of int, in order of election */
	struct tl_vec *excluded; /* of int, in order of exclusion */
	struct tl_vec *ties;     /* of struct tl_tie */
	struct tl_vec *rejected; /* of struct tl_tally: rejected ballots */
	struct tl_vec *notes;    /* of struct tl_tally: other counts (SV) */
	struct tl_vec *inputs;   /* of struct tl_input */
	const char **lots;       /* the hand lots given (copies), [nlots] */
	int nlots;
};
#define TL_STAGE(r, i) (&TL_VEC_AT((r)->stages, struct tl_stage, (i)))

/* New empty result for method over contest, numbers at dp places. */
struct teller_result *tl_result_new(teller_ctx *ctx,
    const struct teller_contest *c, const char *method, int seats, int dp);
/* Append a stage with a copy of votes[ncand]; returns it or NULL. */
struct tl_stage *tl_result_stage(teller_ctx *ctx, struct teller_result *r,
    int kind, int subject, const tl_fix *votes, tl_fix nontrans,
    tl_fix loss);
/* Record events on the newest stage and in the result's order lists. */
int tl_result_elect(teller_ctx *ctx, struct teller_result *r, int cand);
int tl_result_exclude(teller_ctx *ctx, struct teller_result *r, int cand);
/* Record a tie (tied copied). */
int tl_result_tie(teller_ctx *ctx, struct teller_result *r, int kind,
    int how, const int *tied, int ntied, int chosen, uint64_t draw);
int tl_result_tally(teller_ctx *ctx, struct teller_result *r, bool rejected,
    const char *name, const char *cite, tl_fix n);
/* Conservation: sum(votes) + nontrans + loss == valid at the newest stage;
 * else TELLER_EINTERNAL naming the stage. */
int tl_result_check(teller_ctx *ctx, const struct teller_result *r);

/* ------------------------------------------------------------------ */
/* methods (m_*.c) and readers (fmt_*.c)                               */

typedef int (*tl_method_fn)(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out);

struct tl_method {
	const char *name;  /* CLI name */
	const char *title; /* for reports, with its legal source */
	tl_method_fn fn;
	bool single;       /* elects one candidate only */
};

/* The one method table (methods.c); NULL-name terminated. */
extern const struct tl_method tl_methods[];
const struct tl_method *tl_method_find(const char *name);

int tl_m_fptp(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **);
int tl_m_block(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **);
int tl_m_sv(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **);
int tl_m_irv(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **);
int tl_m_stv_scottish(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **);
int tl_m_stv_ers97(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **);
int tl_m_stv_wigm(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **);
int tl_m_stv_meek(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **);

/* Readers: parse (buf, len) (ctx->file names it in errors). */
int tl_fmt_blt(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p);
int tl_fmt_csv(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p);
int tl_fmt_preflib(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p);
int tl_fmt_profile(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p);

/* Write contest + profile as a TELLERP1 profile file (fmt_profile.c).
 * Patterns are sorted, so equal profiles give equal bytes. */
int tl_profile_write(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, teller_write_fn write, void *ud);

/* Is (buf, len) PrefLib's pre-2022 numeric-header format? (fmt_preflib.c;
 * the CSV reader hands such input over to the PrefLib reader.) */
bool tl_preflib_sniff_old(const char *buf, size_t len);

/* Refuse NUL bytes and invalid UTF-8 with EENCODING at line:col
 * (fmt_csv.c; shared by the text readers). */
int tl_text_check(teller_ctx *ctx, const char *buf, size_t len);

/*
 * The input a forward-only text reader has consumed but not yet checked
 * (tl_text_check's rules) and released (tl_release), so it is checked and
 * dropped a few MiB at a time behind the reader instead of all at once
 * before it (fmt_csv.c). Init it where checking starts; call tl_behind
 * with the start of what the reader still needs (once a line is cheap);
 * finish with tl_behind_end, which checks the rest: an encoding error
 * anywhere replaces any other error, as if all was checked first.
 */
#define TL_RELEASE_STEP ((size_t)4 << 20)
struct tl_behind {
	const char *buf, *end; /* the whole input */
	const char *kept;      /* first byte not yet checked and released */
};
void tl_behind_init(struct tl_behind *b, const char *buf, size_t len);
int tl_behind_flush(teller_ctx *ctx, struct tl_behind *b, const char *p);
int tl_behind_end(teller_ctx *ctx, struct tl_behind *b, int rc);
static inline int
tl_behind(teller_ctx *ctx, struct tl_behind *b, const char *p)
{
	if ((size_t)(p - b->kept) < TL_RELEASE_STEP)
		return TELLER_OK;
	return tl_behind_flush(ctx, b, p);
}

/* A set of byte strings, each numbered in order of addition; storage
 * freed with the context (fmt_csv.c). add returns the string's index
 * (new or existing) or -1 (error recorded); find returns it or -1. */
struct tl_strtab {
	struct tl_vec *ents;  /* of struct tl_strent (fmt_csv.c) */
	struct tl_vec *chars; /* the strings' bytes */
	struct tl_vec *slots; /* of uint64_t: hash << 32 | index + 1 */
};
int tl_strtab_init(teller_ctx *ctx, struct tl_strtab *t);
/* Strings held, and the i-th (not NUL-ended; its length in *n). */
size_t tl_strtab_count(const struct tl_strtab *t);
const char *tl_strtab_get(const struct tl_strtab *t, size_t i, size_t *n);
int tl_strtab_find(const struct tl_strtab *t, const char *s, size_t n);
int tl_strtab_add(teller_ctx *ctx, struct tl_strtab *t, const char *s,
    size_t n);
/* Index of s, adding it if new (*added tells which); -1 on error. */
int tl_strtab_put(teller_ctx *ctx, struct tl_strtab *t, const char *s,
    size_t n, bool *added);

/* Writers. */
int tl_rep_text(teller_ctx *, const struct teller_result *, teller_write_fn,
    void *);
int tl_rep_json(teller_ctx *, const struct teller_result *, teller_write_fn,
    void *);
int tl_rep_csv(teller_ctx *, const struct teller_result *, teller_write_fn,
    void *);
int tl_rep_stagesheet(teller_ctx *, const struct teller_result *,
    teller_write_fn, void *);
int tl_rep_html(teller_ctx *, const struct teller_result *, teller_write_fn,
    void *);

/* Buffered output helper for writers (rep_util.c). */
struct tl_out {
	teller_ctx *ctx;
	teller_write_fn write;
	void *ud;
	char buf[4096];
	size_t n;
	int err;
};
void tl_out_init(struct tl_out *o, teller_ctx *ctx, teller_write_fn w,
    void *ud);
void tl_out_str(struct tl_out *o, const char *s);
void tl_out_mem(struct tl_out *o, const char *s, size_t n);
void tl_out_fmt(struct tl_out *o, const char *fmt, ...) TELLER_PRINTF(2, 3);
void tl_out_num(struct tl_out *o, tl_fix v, int dp);
/* JSON string literal with escapes. */
void tl_out_json_str(struct tl_out *o, const char *s);
/* Pad s to width w (UTF-8 aware) left- or right-aligned. */
void tl_out_pad(struct tl_out *o, const char *s, int w, bool right);
/* Flush; returns TELLER_OK or the recorded error. */
int tl_out_flush(struct tl_out *o);

#endif /* TL_INT_H */
