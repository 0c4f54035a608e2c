/* SPDX-License-Identifier: MIT */
/*
 * cert.h -- count certificates, teller-cert/1 (cert.c, audit.md 5): JSON
 * Lines a method writes while it counts, one record a stage, which
 * check/teller-check replays against the effective profile without
 * deciding anything. A method reads ctx->cert, NULL unless the count is
 * teller_count_certified's (cert_count.c), so the normal count pays one
 * test of a pointer per parcel moved.
 */
#ifndef TL_CERT_H
#define TL_CERT_H

#include "out.h"
#include "profile.h"

/* Why a stage's action was taken (the rule cited). */
struct tl_cert_why {
	const char *rule;  /* "48(1)", "51(1)", ... */
	const int *tie;    /* the tied candidates (ntie > 1), or NULL */
	int ntie;
	bool lot;          /* the tie went to lot */
	int lowest, next;  /* exclusion without a tie: the lowest and the
			    * next lowest candidate (-1: none) */
	tl_fix gap;        /* their difference */
	const bool *in;    /* [ncand] a set the stage names ("remaining":
			    * SV's candidates left in), or NULL */
	const char *inkey; /* the set's key, if not "remaining" (stv-ers97:
			    * "excluded", the candidates excluded together) */
	bool bare;         /* the rule (and tie) only: no lowest, next, gap
			    * or largest (stv-wigm) */
};

struct tl_cert;

/* A certificate of a count of c under method, written through w with
 * ud: map[i] is the line of profile pattern i (of npat) in the effective
 * profile text (tl_canon_effective_map), prof that text's SHA-256 and
 * rules the rules' (teller_count_certified makes one). */
int tl_cert_new(teller_ctx *ctx, const struct teller_contest *c,
    const char *method, uint32_t *map, size_t npat, const char prof[65],
    const char rules[65], teller_write_fn w, void *ud, struct tl_cert **out)
    TL_MUST_CHECK;
/* The header line: the quota and seats; values have dp places. */
void tl_cert_header(struct tl_cert *k, tl_fix quota, int seats, int dp);
/* Papers of profile pattern pat moved at this stage from candidate from
 * to candidate to (-1: non-transferable, for reason), n papers at value v
 * each. Moves of one pattern at one stage are merged. */
int tl_cert_move(struct tl_cert *k, size_t pat, int from, int to, int64_t n,
    tl_fix v, const char *reason) TL_MUST_CHECK;
/* The stage just counted: kind "first", "surplus" (cand, surplus, tv;
 * tv < 0: null, the papers keep their values),
 * "exclude" (cand), "elect" (FPTP, block) or "second" (SV); totals
 * votes[ncand], nt and loss, after the moves of the stage. The record
 * is written by tl_cert_flush, with the elections that follow the stage
 * (tl_cert_elect). */
int tl_cert_stage(struct tl_cert *k, int stage, const char *kind, int cand,
    tl_fix surplus, tl_fix tv, const struct tl_cert_why *why,
    const tl_fix *votes, tl_fix nt, tl_fix loss) TL_MUST_CHECK;
/* Members the method adds to the open stage's record after its moves
 * (stv-meek: its iterations and keep values): JSON text of the form
 * ",\"key\":value...", copied. */
int tl_cert_extra(struct tl_cert *k, const char *json) TL_MUST_CHECK;
/* cand deemed elected after the stage, under rule ("47", "52"). */
int tl_cert_elect(struct tl_cert *k, int cand, const char *rule)
    TL_MUST_CHECK;
/* cand elected after the stage under rule, one of tie[0..ntie) (ntie >
 * 1) on equal votes, by lot (the count's next lot) or not (the rule
 * separates them). */
int tl_cert_elect_tie(struct tl_cert *k, int cand, const char *rule,
    const int *tie, int ntie, bool lot) TL_MUST_CHECK;
/* Write the stage's record, once its elections are known. */
int tl_cert_flush(struct tl_cert *k) TL_MUST_CHECK;
/* The end line; flushes. */
int tl_cert_end(struct tl_cert *k, const struct teller_result *r)
    TL_MUST_CHECK;

/* A plurality count (fptp, block) of seats seats over p that returned rc
 * and *out: with a certificate (ctx->cert), write all of it now (EINVAL
 * for fractional papers; *out NULL on failure). Returns rc or the
 * certificate's error. */
int tl_cert_plurality(teller_ctx *ctx, const struct teller_profile *p,
    int seats, struct teller_result **out, int rc) TL_MUST_CHECK;

#endif /* TL_CERT_H */
