/* SPDX-License-Identifier: MIT */
/*
 * read.c -- input dispatch: format names, detection from content, and the
 * common checks every reader's output gets (names, limits).
 */
#include <string.h>

#include "decl.h"
#include "tl_int.h"

/* A reader of teller_read: parse (buf, len), the input ctx->inname. */
typedef int (*reader_fn)(teller_ctx *, const char *, size_t,
    teller_contest **, teller_profile **);

/* The formats, by enum teller_format: each one's name and reader (none
 * for "auto", which detection settles). */
static const struct format {
	const char *name;
	reader_fn read;
} formats[] = {
	[TELLER_FMT_AUTO] = { "auto", NULL },
	[TELLER_FMT_BLT] = { "blt", tl_fmt_blt },
	[TELLER_FMT_CSV] = { "csv", tl_fmt_csv },
	[TELLER_FMT_PREFLIB] = { "preflib", tl_fmt_preflib },
	[TELLER_FMT_PROFILE] = { "profile", tl_fmt_profile },
};
_Static_assert(TL_NELEM(formats) == TELLER_FMT_PROFILE + 1,
    "a format without its name and reader");

/* Other names -f takes: PrefLib's file extensions. */
static const struct {
	const char *name;
	enum teller_format fmt;
} format_aliases[] = {
	{ "soc", TELLER_FMT_PREFLIB }, { "soi", TELLER_FMT_PREFLIB },
	{ "toc", TELLER_FMT_PREFLIB }, { "toi", TELLER_FMT_PREFLIB },
};

const char *
teller_format_name(enum teller_format fmt)
{
	if ((int)fmt < 0 || (size_t)fmt >= TL_NELEM(formats))
		return NULL;
	return formats[fmt].name;
}

int
teller_format_parse(const char *name)
{
	size_t i;

	for (i = 0; i < TL_NELEM(formats); i++)
		if (strcmp(formats[i].name, name) == 0)
			return (int)i;
	for (i = 0; i < TL_NELEM(format_aliases); i++)
		if (strcmp(format_aliases[i].name, name) == 0)
			return (int)format_aliases[i].fmt;
	return -1;
}

/* Does l (n bytes) contain s? */
static bool
contains(const char *l, size_t n, const char *s)
{
	size_t k = strlen(s), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(l + i, s, k) == 0)
			return true;
	return false;
}

/* Integers on a line before any '#', separated by blanks (a trailing
 * comma, as in CSV residue, is allowed); -1 if anything else is there. */
static int
count_ints(const char *l, size_t n)
{
	size_t i = 0;
	int nums = 0;

	while (i < n && l[i] != '#') {
		if (l[i] == ' ' || l[i] == '\t' || l[i] == '\r' ||
		    (l[i] == ',' && nums > 0)) {
			i++;
			continue;
		}
		if (l[i] < '0' || l[i] > '9')
			return -1;
		while (i < n && l[i] >= '0' && l[i] <= '9')
			i++;
		nums++;
	}
	return nums;
}

/*
 * Guess the format from the first lines. '#' lines: PrefLib's upper-case
 * keys mean PrefLib, teller's CSV directives mean CSV, others are comments
 * (BLT allows them too). The first other line decides: two integers is a
 * BLT header, one integer the old PrefLib header, anything else CSV.
 */
enum teller_format
teller_format_detect(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	/* lines end in '\n' (or "\r\n"); in a file with no '\n' at all,
	 * in '\r' (old Mac), as the readers split them */
	char sep = memchr(buf, '\n', len) != NULL ? '\n' : '\r';

	if (len >= 8 && memcmp(buf, "TELLERP1", 8) == 0)
		return TELLER_FMT_PROFILE;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *e = memchr(p, sep, (size_t)(end - p));
		const char *l = p;
		size_t n;
		int k;

		if (e == NULL)
			e = end;
		p = e + 1;
		while (l < e && (*l == ' ' || *l == '\t' || *l == '\r'))
			l++;
		n = (size_t)(e - l);
		if (n == 0)
			continue;
		if (l[0] == '#') {
			if (contains(l, n, "NUMBER ALTERNATIVES") ||
			    contains(l, n, "FILE NAME:") ||
			    contains(l, n, "DATA TYPE:"))
				return TELLER_FMT_PREFLIB;
			if (tl_text_istarts(l, n, "# title:") ||
			    tl_text_istarts(l, n, "# seats:") ||
			    tl_text_istarts(l, n, "# candidate:"))
				return TELLER_FMT_CSV;
			continue;
		}
		if (n >= 2 && l[0] == '/' && l[1] == '*')
			return TELLER_FMT_BLT;
		k = count_ints(l, n);
		return k == 2 ? TELLER_FMT_BLT
		    : k == 1 ? TELLER_FMT_PREFLIB : TELLER_FMT_CSV;
	}
	return TELLER_FMT_BLT;
}

/*
 * The reader input (buf, len) goes to, asked for fmt. The only place
 * that decides: the readers never hand input to each other. Past
 * detection, two kind corrections are kept from the first readers: "csv"
 * that is old PrefLib or a profile file of any version is read as such,
 * and "preflib" that is neither PrefLib format is read as CSV (and so
 * may be a profile file).
 */
static enum teller_format
settle(enum teller_format fmt, const char *buf, size_t len)
{
	if (fmt == TELLER_FMT_AUTO)
		fmt = teller_format_detect(buf, len);
	if (fmt == TELLER_FMT_PREFLIB && !tl_preflib_sniff_old(buf, len) &&
	    !tl_preflib_sniff_new(buf, len))
		fmt = TELLER_FMT_CSV;
	if (fmt == TELLER_FMT_CSV && tl_preflib_sniff_old(buf, len))
		fmt = TELLER_FMT_PREFLIB;
	else if (fmt == TELLER_FMT_CSV && len >= 7 &&
	    memcmp(buf, "TELLERP", 7) == 0)
		fmt = TELLER_FMT_PROFILE;
	return fmt;
}

int
teller_read(teller_ctx *ctx, enum teller_format fmt, const char *name,
    const char *buf, size_t len, teller_contest **contest,
    teller_profile **profile)
{
	enum teller_format got;
	int rc;

	*contest = NULL;
	*profile = NULL;
	ctx->inname = name;
	if (len > ctx->lim.input_bytes)
		return tl_fail(ctx, TELLER_ELIMIT, "input is %zu bytes, more "
		    "than the limit of %zu", len, ctx->lim.input_bytes);
	got = settle(fmt, buf, len);
	if ((int)got < 0 || (size_t)got >= TL_NELEM(formats) ||
	    formats[got].read == NULL)
		return tl_fail(ctx, TELLER_EINVAL, "unknown input format");
	rc = formats[got].read(ctx, buf, len, contest, profile);
	if (rc == TELLER_OK && ctx->err != TELLER_OK)
		rc = ctx->err;
	if (rc == TELLER_OK && (*contest == NULL || *profile == NULL))
		rc = tl_fail(ctx, TELLER_EINTERNAL, "reader returned nothing");
	if (rc == TELLER_OK)
		rc = tl_contest_check_names(ctx, *contest);
	if (rc == TELLER_OK)
		rc = tl_decl_check_read(ctx, *contest, *profile);
	if (rc != TELLER_OK) {
		*contest = NULL;
		*profile = NULL;
	}
	return rc;
}

/* The same ballot id in two inputs is the same paper read twice:
 * refused (EDUP) rather than counted twice. p keeps every id seen. */
static int
merge_ids(teller_ctx *ctx, teller_profile *p, const teller_profile *q)
{
	struct tl_strtab *ids;
	size_t i, n;

	if (q->ids == NULL)
		return TELLER_OK;
	if ((ids = tl_profile_ids(ctx, p)) == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < tl_strtab_count(q->ids); i++) {
		const char *s = tl_strtab_get(q->ids, i, &n);
		bool added;

		if (tl_strtab_put(ctx, ids, s, n, &added) < 0)
			return ctx->err;
		if (!added)
			return tl_fail(ctx, TELLER_EDUP, "ballot id \"%.*s\" "
			    "is in an earlier input too: the same paper would "
			    "be counted twice", (int)(n > 60 ? 60 : n), s);
	}
	return TELLER_OK;
}

/* College sections (methods.md 4.3 b): q's sections into p's, by id;
 * a section declared twice must carry the same weight. */
static int
merge_sections(teller_ctx *ctx, teller_contest *cp, teller_profile *p,
    const teller_contest *cq, const teller_profile *q)
{
	size_t j, k;
	int rc;

	if (q->nsub == 0 && p->nsub == 0)
		return TELLER_OK;
	if (q->nsub == 0 || p->nsub == 0)
		return tl_fail(ctx, TELLER_EPARSE, "%s sections but the first "
		    "input %s: give every input its sections", q->nsub > 0 ?
		    "has" : "has no", p->nsub > 0 ? "has" : "has none");
	for (j = 0; j < cq->sects->len; j++) {
		const struct tl_section *b = &TL_VEC_AT(cq->sects,
		    struct tl_section, j);
		struct teller_profile **sub;

		for (k = 0; k < cp->sects->len; k++) {
			const struct tl_section *a = &TL_VEC_AT(cp->sects,
			    struct tl_section, k);
			if (strcmp(a->id, b->id) != 0)
				continue;
			if (a->num != b->num || a->den != b->den)
				return tl_fail(ctx, TELLER_EPARSE, "section "
				    "\"%s\" has weight %s, in an earlier "
				    "input %s", b->id, b->weight, a->weight);
			break;
		}
		if (k == cp->sects->len) {
			sub = tl_alloc(ctx, (size_t)p->nsub + 1, sizeof(*sub));
			if (sub == NULL || tl_vec_push(ctx, cp->sects, b) ==
			    NULL || (sub[p->nsub] = tl_profile_new(ctx,
			    p->ncand)) == NULL)
				return TELLER_ENOMEM;
			memcpy(sub, p->sub, (size_t)p->nsub * sizeof(*sub));
			p->sub = sub;
			p->nsub++;
		}
		if ((rc = tl_profile_merge(ctx, p->sub[k], q->sub[j])) !=
		    TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

int
teller_profile_merge(teller_ctx *ctx, teller_contest *cp, teller_profile *p,
    const teller_contest *cq, const teller_profile *q)
{
	int i, rc;

	if (cp->ncand != cq->ncand)
		return tl_fail(ctx, TELLER_EPARSE, "has %d candidates, the "
		    "first input has %d", cq->ncand, cp->ncand);
	for (i = 0; i < cp->ncand; i++)
		if (strcmp(TL_CAND(cp, i)->name, TL_CAND(cq, i)->name) != 0)
			return tl_fail(ctx, TELLER_EPARSE, "candidate %d is "
			    "\"%s\", the first input has \"%s\"", i + 1,
			    TL_CAND(cq, i)->name, TL_CAND(cp, i)->name);
	if (cp->seats != 0 && cq->seats != 0 && cp->seats != cq->seats)
		return tl_fail(ctx, TELLER_EPARSE, "has %d seats, the first "
		    "input has %d", cq->seats, cp->seats);
	if (cp->seats == 0)
		cp->seats = cq->seats;
	if (cq->tie_order != NULL && cp->tie_order != NULL &&
	    memcmp(cq->tie_order, cp->tie_order, (size_t)cp->ncand *
	    sizeof(int)) != 0)
		return tl_fail(ctx, TELLER_EPARSE, "its tie order ([tie]) "
		    "differs from the first input's");
	if (cp->tie_order == NULL && cq->tie_order != NULL) {
		cp->tie_order = cq->tie_order;
		cp->ntie_order = cq->ntie_order;
	}
	if ((rc = merge_ids(ctx, p, q)) != TELLER_OK ||
	    (rc = merge_sections(ctx, cp, p, cq, q)) != TELLER_OK ||
	    (rc = tl_decl_merge(ctx, cp, cq)) != TELLER_OK)
		return rc;
	return tl_profile_merge(ctx, p, q);
}

int
teller_profile_section(teller_ctx *ctx, teller_contest *c, teller_profile *p,
    const char *id, const char *weight, const char *name)
{
	struct tl_section sec;
	struct teller_profile **sub;
	int rc;

	/* methods.md 4.3 (c): an input with no directives, one section */
	if (c->sects != NULL && c->sects->len > 0)
		return tl_fail(ctx, TELLER_EINVAL, "--section: the input "
		    "declares its own sections");
	if (id[0] == '\0' || strchr(id, '|') != NULL)
		return tl_fail(ctx, TELLER_EINVAL, "--section: the id \"%s\" "
		    "is empty or has a '|'", id);
	if (!tl_csv_section_weight(weight, strlen(weight), &sec.num,
	    &sec.den))
		return tl_fail(ctx, TELLER_EINVAL, "--section %s: weight "
		    "\"%s\" is not a positive number or fraction (40, 0.4, "
		    "1/3)", id, weight);
	sec.id = tl_strdup(ctx, id);
	sec.weight = tl_strdup(ctx, weight);
	sec.name = name != NULL && name[0] != '\0' ? tl_strdup(ctx, name) :
	    sec.id;
	sub = tl_alloc(ctx, 1, sizeof(*sub));
	if (sec.id == NULL || sec.weight == NULL || sec.name == NULL ||
	    sub == NULL || (c->sects == NULL &&
	    (c->sects = tl_vec_new(ctx, sizeof(sec))) == NULL) ||
	    tl_vec_push(ctx, c->sects, &sec) == NULL ||
	    (sub[0] = tl_profile_new(ctx, p->ncand)) == NULL)
		return TELLER_ENOMEM;
	/* the section's own profile beside the pooled one, as the CSV
	 * reader keeps them */
	if ((rc = tl_profile_merge(ctx, sub[0], p)) != TELLER_OK)
		return rc;
	p->sub = sub;
	p->nsub = 1;
	return TELLER_OK;
}

int
teller_profile_write(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, teller_write_fn write, void *ud)
{
	return tl_profile_write(ctx, c, p, write, ud);
}
