/* SPDX-License-Identifier: MIT */
/*
 * check.h -- teller-check (audit.md 5): replays a count certificate,
 * teller-cert/1, against the effective profile it names, deciding
 * nothing. Shared between its files: the profile reader (ckprof.c).
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cknum.h"

/* One distinct effective pattern: weight papers whose preferences are
 * prefs[off..off+len), candidate numbers in name order, in ranks ranks
 * (ranks < len: marks share a rank, j=k, as block's one rank does). */
struct ck_pat {
	int64_t w;
	uint32_t off, len, ranks;
};

struct ck_prof {
	int ncand;
	char **names;       /* [ncand], in byte order */
	struct ck_pat *pat; /* [npat], in the text's order */
	size_t npat, cappat;
	int *prefs;
	size_t nprefs, capprefs;
	char sha256[65];    /* of the file's bytes */
};

/* Read the profile text at path; 0, or -1 with the reason printed. */
int ck_prof_read(struct ck_prof *pf, const char *path);
/* The candidate named name, or -1. */
int ck_prof_cand(const struct ck_prof *pf, const char *name);
void ck_prof_free(struct ck_prof *pf);
/* The whole file, NUL-terminated, its length in *n; NULL (reason
 * printed) if it cannot be read. */
char *ck_slurp(const char *path, size_t *n);

struct mj;

/* What every method's checker shares with the replay (check.c), which
 * reads the records, checks stage numbers and the end record. A
 * checker's state begins with it. */
struct ck_run {
	const char *path;   /* the certificate */
	struct ck_prof *pf;
	long line;          /* of the record being checked */
	int stage;          /* the record's stage number */
	int nelected;
	int *order;         /* [ncand] the elected, in order (make allocates
			     * it, drop frees it) */
	bool done;          /* the count is over: only the end may follow */
	int64_t **hist;     /* [stage - 1][ncand] totals after each stage
			     * (ck_remember); the replay frees it */
	int nhist;
};

/* A method's checker: make its state over pf (NULL: out of memory), check
 * the header h, each stage record (stage number already checked) and
 * drop it. header and stage return 0 valid, 5 invalid, 1 unreadable. */
struct ck_ops {
	struct ck_run *(*make)(struct ck_prof *pf);
	int (*header)(struct ck_run *r, const struct mj *h);
	int (*stage)(struct ck_run *r, const struct mj *rec);
	void (*drop)(struct ck_run *r);
};

/* Print the failure at v (or the record) of r's stage; returns 5. */
int ck_fail(struct ck_run *r, const struct mj *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The record's tallies (every candidate once), nt and loss, at dp
 * places, are votes, nt and loss, and add up to valid. 0, or 5. */
int ck_totals(struct ck_run *r, const struct mj *rec, int dp,
    const int64_t *votes, int64_t nt, int64_t loss, int64_t valid);
/* Keep votes[ncand], the totals after the stage, in r->hist: 0, or 5
 * (out of memory). */
int ck_remember(struct ck_run *r, const int64_t *votes);
/* The header's ballot_order, every candidate once: place[j] is j's
 * place on the ballot paper. 0, or 5. */
int ck_ballot_order(struct ck_run *r, const struct mj *h, int *place);
/* What an STV header holds: seats (1..ncand) into *seats, values at dp
 * places, the profile's hash, rankings only (one candidate a rank), the
 * papers into *papers, the ballot order into place. 0, or 5. */
int ck_stv_header(struct ck_run *r, const struct mj *h, int dp, int *seats,
    int64_t *papers, int *place);

/* Guarded values (ckwigm.c): integers in units of 10^-27. floor(a * b /
 * c) for c > 0, the product in 256 bits (the quotient must fit); a at 9
 * places rounded half up, as the count shows it. */
__extension__ typedef unsigned __int128 u128;
u128 ck_gmuldiv(u128 a, u128 b, u128 c);
int64_t ck_gshow(u128 a);

/* stv-wigm (ckwigm.c), stv-ers97 (ckers.c), stv-meek (ckmeek.c). */
extern const struct ck_ops ck_wigm_ops, ck_ers97_ops, ck_meek_ops;

#endif /* CHECK_H */
