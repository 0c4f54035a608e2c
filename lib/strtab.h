/* SPDX-License-Identifier: MIT */
/*
 * strtab.h -- a set of byte strings, numbered in order of addition
 * (strtab.c).
 */
#ifndef TL_STRTAB_H
#define TL_STRTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

/* A set of byte strings, each numbered in order of addition; storage
 * freed with the context. add returns the string's index
 * (new or existing) or -1 (error recorded); find returns it or -1. */
struct tl_strtab {
	struct tl_vec *ents;  /* of struct tl_strent (strtab.c) */
	struct tl_vec *chars; /* the strings' bytes */
	struct tl_vec *slots; /* of uint64_t: hash << 32 | index + 1 */
};
int tl_strtab_init(teller_ctx *ctx, struct tl_strtab *t) TL_MUST_CHECK;
/* Strings held, and the i-th (not NUL-ended; its length in *n). */
size_t tl_strtab_count(const struct tl_strtab *t);
const char *tl_strtab_get(const struct tl_strtab *t, size_t i, size_t *n);
int tl_strtab_find(const struct tl_strtab *t, const char *s, size_t n);
int tl_strtab_add(teller_ctx *ctx, struct tl_strtab *t, const char *s,
    size_t n) TL_MUST_CHECK;
/* Index of s, adding it if new (*added tells which); -1 on error. */
int tl_strtab_put(teller_ctx *ctx, struct tl_strtab *t, const char *s,
    size_t n, bool *added) TL_MUST_CHECK;

#endif /* TL_STRTAB_H */
