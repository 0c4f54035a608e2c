/* SPDX-License-Identifier: MIT */
/*
 * ajson.h -- the audit subsystem's small JSON reader (ajson.c).
 */
#ifndef TL_AJSON_H
#define TL_AJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tl_int.h"

enum { TL_JNULL, TL_JBOOL, TL_JNUM, TL_JSTR, TL_JARR, TL_JOBJ };

struct tl_jv {
	int t;               /* TL_J* */
	const char *s;       /* number, string (raw, no quotes), word */
	size_t n;
	const char *key;     /* member name (raw), in an object */
	size_t keyn;
	struct tl_jv *kid;   /* first element or member */
	struct tl_jv *next;  /* next sibling */
	size_t nkid;
	long line, col;      /* where the value starts */
};

/* Parse (buf, len) into *root (arena); name for error positions. EPARSE
 * with line and column, ENOMEM. */
int tl_ajson_parse(teller_ctx *ctx, const char *name, const char *buf,
    size_t len, struct tl_jv **root);
/* Member key of object o, or NULL. */
const struct tl_jv *tl_ajson_get(const struct tl_jv *o, const char *key);
/* An integer number (no fraction or exponent) into *out. */
bool tl_ajson_int(const struct tl_jv *v, int64_t *out);
/* Is v the string s (compared raw)? */
bool tl_ajson_is(const struct tl_jv *v, const char *s);

#endif /* TL_AJSON_H */
