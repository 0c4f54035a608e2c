/* SPDX-License-Identifier: MIT */
/*
 * audit.h -- the audit subsystem (lib/audit/): exact margins of victory
 * (margin.c, irv_bb.c), RAIRE assertions (raire.c, raire_json.c) over the
 * effective profile (ballots.c), and the one LP module (lp_glpk.c, the
 * only code that includes <glpk.h> or uses floating point).
 */
#ifndef TL_AUDIT_H
#define TL_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tl_int.h"

/* Candidates a margin or RAIRE computation handles (bit sets in a
 * uint64_t). */
#define TL_AB_MAXC 64

/*
 * The effective profile of a single-winner ranked count (audit.md 1):
 * each pattern read as the IRV count reads it (tl_pat_clean), withdrawn
 * candidates gone, candidates renumbered 0..nc-1 among those standing.
 * Papers with no effective preference are left out.
 */
struct tl_ab {
	int nc;          /* standing candidates, <= TL_AB_MAXC */
	int *cand;       /* [nc] contest id of each */
	size_t n;        /* rankings */
	int64_t *w;      /* [n] papers with ranking i, > 0 */
	uint32_t *off;   /* [n + 1] ranking i is ids[off[i] .. off[i+1]) */
	uint8_t *ids;    /* local candidate ids */
	int64_t total;   /* sum of w */
	int64_t papers;  /* papers read (the profile's total) */
};

/* Build b from p (weights must be whole papers: ERULE otherwise). */
int tl_ab_build(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, struct tl_ab *b);

/* t[x] = papers whose first candidate in set s is x (others 0). */
void tl_ab_tally(const struct tl_ab *b, uint64_t s, int64_t *t);

/* Every candidate who can win an IRV count of b when each tie for
 * exclusion (and the final tie) may go either way, as a bit set; 0 with
 * an error recorded on failure. */
uint64_t tl_ab_winners(teller_ctx *ctx, const struct tl_ab *b);

/* One change of a witness: papers of ranking `from` (an index into the
 * ballots, or -1 for added papers) made into ranking to[0..nto) (nto 0:
 * removed). */
struct tl_chg {
	int64_t papers;
	long from;
	uint8_t to[TL_AB_MAXC];
	int nto;
};

/* b with the changes applied, as a new struct tl_ab; EINTERNAL if the
 * changes take more papers of a ranking than it has. */
int tl_ab_apply(teller_ctx *ctx, const struct tl_ab *b,
    const struct tl_chg *ch, size_t nch, struct tl_ab *out);

/* Re-count b through teller_count under rules (single-winner IRV-like
 * methods) as a check: its winner must be in mask. */
int tl_ab_recount(teller_ctx *ctx, const struct teller_contest *c,
    const struct tl_ab *b, const teller_rules *rules, uint64_t mask);

/* ---- RAIRE (raire.c) ---- */

enum tl_asrt_kind { TL_NEB = 0, TL_NEN = 1 };

struct tl_asrt {
	enum tl_asrt_kind kind;
	int w, l;        /* winner and loser, local ids */
	uint64_t s;      /* NEN: continuing set */
	int64_t tw, tl;  /* tallies of w and l (NEB: fp(w), t_{w,l}(l)) */
};

/* How difficulties are ordered: cmp(ud, w1, l1, w2, l2) < 0 when
 * tallies (w1, l1) are less difficult than (w2, l2) (margin w - l <= 0
 * is infinitely difficult); NULL: by margin alone (larger is easier). */
struct tl_diff {
	int (*cmp)(void *ud, int64_t n, int64_t w1, int64_t l1, int64_t w2,
	    int64_t l2);
	void *ud;
	int64_t n;       /* auditable papers */
};
int tl_diff_cmp(const struct tl_diff *d, int64_t w1, int64_t l1, int64_t w2,
    int64_t l2);

/* Trimming (raire-rs AssertionTrimmingAlgorithm.md). */
enum { TL_TRIM_NONE = 0, TL_TRIM_TREE = 1, TL_TRIM_ASSERTIONS = 2 };

struct tl_raire {
	struct tl_asrt *a;  /* the assertions (tl_alloc'd) */
	size_t n;
	size_t hardest;     /* index of the most difficult */
	int64_t work_find;  /* suffixes popped while searching */
	int64_t work_trim;  /* suffixes visited while trimming */
	int64_t work_winner;
};

/* Assertions proving `winner` (local id) the IRV winner of b, optimal
 * for d, trimmed as asked. ERULE if winner cannot be proved (a tie).
 * max_nodes limits the search (0: none; ELIMIT when reached). */
int tl_raire_solve(teller_ctx *ctx, const struct tl_ab *b, int winner,
    const struct tl_diff *d, int trim, struct tl_raire *out);

/* Tallies of assertion a over b (sets a->tw, a->tl). */
void tl_raire_tally(const struct tl_ab *b, struct tl_asrt *a);

/* Is every elimination order not ending in winner contradicted by one of
 * a[0..n)? If not, *order (length *len, eliminated first) is one that
 * is not. *work counts suffixes visited. */
bool tl_raire_sufficient(int nc, int winner, const struct tl_asrt *a,
    size_t n, int *order, int *len, int64_t *work);

/* Does a contradict suffix sigma[0..k) (sigma[k-1] last standing)? 1
 * contradicts, 0 accepts or cannot tell yet. */
bool tl_raire_contradicts(const struct tl_asrt *a, const int *sigma, int k);

/* ---- the LP module (lp_glpk.c) ---- */

/* A small linear or integer program: minimise sum of obj[j] x[j],
 * lo[j] <= x[j] <= hi[j] (hi < 0: no upper bound), rows of coefficients
 * (-1, 0, +1 only) with row r: sum_j a[r][j] x[j] <= rhs[r] (eq[r]:
 * equal). Integer coefficients and bounds; the solver may use floating
 * point, so its answers are only hints: a value is turned into an exact
 * lower bound by rounding up with a tolerance, and integer solutions are
 * checked exactly by the caller. */
struct tl_lp {
	int ncol, nrow;
	int64_t *lo, *hi, *obj; /* [ncol] */
	int8_t *a;              /* [nrow * ncol] */
	int64_t *rhs;           /* [nrow] */
	bool *eq;               /* [nrow] */
	int64_t cutoff;         /* integer programs: > 0 and the LP bound
				 * already >= cutoff: no integer search
				 * (*bound is that LP bound, x unset) */
};

/* Solve; integer: all columns integer. On success *bound = a lower bound
 * on the optimum (ceil(v - 1e-6)), *infeasible set when there is no
 * solution, and for integer programs x[ncol] the solution rounded to
 * integers. EINTERNAL if the solver fails. */
int tl_lp_solve(teller_ctx *ctx, const struct tl_lp *lp, bool integer,
    int64_t *bound, bool *infeasible, int64_t *x);

#endif /* TL_AUDIT_H */
