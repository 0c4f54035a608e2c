/* SPDX-License-Identifier: MIT */
/*
 * check.h -- teller-check (audit.md 5): replays a count certificate,
 * teller-cert/1, against the effective profile it names, deciding
 * nothing. Shared between its files: the profile reader (ckprof.c).
 */
#ifndef CHECK_H
#define CHECK_H

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

/* Check the stv-wigm certificate buf (of file path) against pf
 * (ckwigm.c): 0 valid, 5 invalid, 1 unreadable. */
int ck_wigm(struct ck_prof *pf, const char *path, char *buf);

#endif /* CHECK_H */
