/* SPDX-License-Identifier: MIT */
/*
 * canon.c -- the canonical texts a manifest hashes (audit.md 4.3): the
 * contest (teller-contest/1), the marked and the effective profile
 * (teller-profile/1: independent of ballot order, of how lines are split
 * and of candidate declaration order) and the rules (RFC 8785 JCS).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tl_int.h"
#include "uk_paper.h"

/* One profile line: its rank text (then its whole text) and weight. */
struct cline {
	size_t off;    /* text in the chars vector, then... */
	size_t len;
	const char *s; /* ...its address once the vector stops growing */
	int64_t w;
	size_t plen;   /* the section prefix "s\t<id>\t" that begins the
			* rank text (0 without sections) */
};

/* The canonical profile being built. */
struct canon {
	teller_ctx *ctx;
	const struct teller_contest *c;
	const struct teller_profile *p;
	int *j;               /* [ncand] position in name order, -1 if not
			       * listed (write-ins; withdrawn if effective) */
	struct tl_vec *chars; /* of char: rank texts, then full lines */
	struct tl_vec *lines; /* of struct cline: distinct rank texts */
	uint32_t *slots;      /* open addressing over lines: index + 1, or
			       * 0 for empty (tl_realloc'd) */
	size_t nslots;        /* a power of two, or 0 */
	size_t cur;           /* start of the line being built */
	int64_t curw;         /* its weight */
	size_t curp;          /* its section prefix's length */
	const char *sect;     /* the section of the patterns read, or NULL
			       * (the contest has none) */
	size_t last;          /* line the last line_end ended in */
	tl_cid *buf;          /* [ncand] scratch */
	int *ids;             /* [nids] scratch */
	size_t nids;
};

/* Append s[0..n) escaped as 4.3 says: \ TAB LF CR, nothing else. */
static int
put_esc(struct canon *k, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *e = s[i] == '\\' ? "\\\\" : s[i] == '\t' ? "\\t" :
		    s[i] == '\n' ? "\\n" : s[i] == '\r' ? "\\r" : NULL;
		if (e != NULL) {
			if (tl_vec_push(k->ctx, k->chars, e) == NULL ||
			    tl_vec_push(k->ctx, k->chars, e + 1) == NULL)
				return TELLER_ENOMEM;
		} else if (tl_vec_push(k->ctx, k->chars, s + i) == NULL) {
			return TELLER_ENOMEM;
		}
	}
	return TELLER_OK;
}

static int
put(struct canon *k, const char *s)
{
	size_t n = strlen(s);

	if (tl_vec_reserve(k->ctx, k->chars, n) != TELLER_OK)
		return TELLER_ENOMEM;
	memcpy((char *)k->chars->data + k->chars->len, s, n);
	k->chars->len += n;
	return TELLER_OK;
}

static int
put_int(struct canon *k, long v)
{
	char b[24];
	int i = (int)sizeof(b) - 1;

	b[i] = '\0';
	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	return put(k, b + i);
}

/* One mark: its position j, or w:NAME for a write-in. */
static int
put_mark(struct canon *k, tl_cid id)
{
	const struct tl_cand *cd = TL_CAND(k->c, id);

	if (k->j[id] >= 0)
		return put_int(k, k->j[id]);
	if (put(k, "w:"))
		return TELLER_ENOMEM;
	return put_esc(k, cd->name, strlen(cd->name));
}

static int
cmp_mark(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* One rank of several marks, j=k=... ascending (write-ins, which have no
 * position, after the listed ones, in id order). */
static int
put_rank(struct canon *k, const tl_cid *ids, int n)
{
	int i;

	if (n == 0)
		return put(k, "-");
	if (n == 1)
		return put_mark(k, ids[0]);
	if ((size_t)n > k->nids) {
		/* a rank can repeat a mark: more marks than candidates */
		k->ids = tl_alloc(k->ctx, (size_t)n, sizeof(int));
		if (k->ids == NULL)
			return TELLER_ENOMEM;
		k->nids = (size_t)n;
	}
	for (i = 0; i < n; i++)
		k->ids[i] = k->j[ids[i]] >= 0 ? k->j[ids[i]] :
		    k->c->ncand + ids[i];
	qsort(k->ids, (size_t)n, sizeof(int), cmp_mark);
	for (i = 0; i < n; i++) {
		int m = k->ids[i];
		if ((i > 0 && put(k, "=")) ||
		    (m < k->c->ncand ? put_int(k, m) :
		    put_mark(k, (tl_cid)(m - k->c->ncand))))
			return TELLER_ENOMEM;
	}
	return TELLER_OK;
}

/* Start a line of weight w; the caller appends "\t<rank>" per rank,
 * then calls line_end. */
static int
line_begin(struct canon *k, int64_t w)
{
	k->cur = k->chars->len;
	k->curw = w;
	k->curp = 0;
	/* a paper's section is part of what was marked: the same ranks in
	 * two sections are two lines (merged only within a section) */
	if (k->sect != NULL) {
		if (put(k, "s\t") || put_esc(k, k->sect, strlen(k->sect)) ||
		    put(k, "\t"))
			return TELLER_ENOMEM;
		k->curp = k->chars->len - k->cur;
	}
	return TELLER_OK;
}

/* FNV-1a of n bytes at s. */
static uint32_t
fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Double the table (or make it) and put every line back in. */
static int
grow(struct canon *k)
{
	size_t n = k->nslots ? k->nslots * 2 : 1024, i, j;
	uint32_t *t = tl_realloc(k->ctx, NULL, 0, n * sizeof(uint32_t));
	const char *base = k->chars->data;

	if (t == NULL)
		return TELLER_ENOMEM;
	memset(t, 0, n * sizeof(uint32_t));
	for (i = 0; i < k->lines->len; i++) {
		const struct cline *l = &TL_VEC_AT(k->lines, struct cline, i);
		for (j = fnv(base + l->off, l->len) & (n - 1); t[j] != 0;
		    j = (j + 1) & (n - 1))
			;
		t[j] = (uint32_t)i + 1;
	}
	if (k->slots != NULL)
		tl_free(k->ctx, k->slots, k->nslots * sizeof(uint32_t));
	k->slots = t;
	k->nslots = n;
	return TELLER_OK;
}

/* End the line: a rank text seen before adds its weight to that line
 * (4.3 step 4: identical lines merged) and is dropped; a new one is
 * kept. */
static int
line_end(struct canon *k)
{
	const char *base = k->chars->data, *s = base + k->cur;
	size_t n = k->chars->len - k->cur, j;
	struct cline l = { k->cur, n, NULL, k->curw, k->curp };
	int rc;

	if (2 * (k->lines->len + 1) > k->nslots && (rc = grow(k)))
		return rc;
	for (j = fnv(s, n) & (k->nslots - 1); k->slots[j] != 0;
	    j = (j + 1) & (k->nslots - 1)) {
		struct cline *o = &TL_VEC_AT(k->lines, struct cline,
		    k->slots[j] - 1);
		if (o->len == n && memcmp(base + o->off, s, n) == 0) {
			k->chars->len = k->cur;
			k->last = k->slots[j] - 1;
			return tl_num_add(k->ctx, o->w, k->curw, &o->w) ?
			    TELLER_EOVERFLOW : TELLER_OK;
		}
	}
	if (k->lines->len >= UINT32_MAX - 1)
		return tl_fail(k->ctx, TELLER_ELIMIT, "canon: too many "
		    "distinct lines");
	if (tl_vec_push(k->ctx, k->lines, &l) == NULL)
		return TELLER_ENOMEM;
	k->slots[j] = (uint32_t)k->lines->len;
	k->last = k->lines->len - 1;
	return TELLER_OK;
}

/* The marked line of pat: every rank as marked. */
static int
marked_line(struct canon *k, const struct tl_pat *pat)
{
	struct tl_rank r;

	if (line_begin(k, pat->w))
		return TELLER_ENOMEM;
	for (r = tl_rank_first(k->p, pat); r.cells != NULL;
	    r = tl_rank_next(r))
		if (put(k, "\t") || put_rank(k, r.ids, r.n))
			return TELLER_ENOMEM;
	return line_end(k);
}

/* Effective line of single candidates ids[0..n) (n == 0: none). */
static int
single_line(struct canon *k, const struct tl_pat *pat, const int *ids,
    int n)
{
	int i;

	if (n == 0)
		return TELLER_OK;
	if (line_begin(k, pat->w))
		return TELLER_ENOMEM;
	for (i = 0; i < n; i++)
		if (put(k, "\t") || put_mark(k, (tl_cid)ids[i]))
			return TELLER_ENOMEM;
	return line_end(k);
}

/* The effective line of pat under method m, seats seats. */
static int
effective_line(struct canon *k, const struct tl_method *m, int seats,
    struct tl_uk_seen *seen, const struct tl_pat *pat)
{
	int n, i, u, any, rc;

	if (strcmp(m->name, "sv") == 0) {
		struct tl_uk_sv_paper pp;
		if ((rc = tl_uk_sv_paper(k->ctx, k->c, k->p, pat, 0, seen,
		    &pp)) != TELLER_OK)
			return rc;
		if (pp.first_head != TL_UK_VALID)
			return TELLER_OK;
		k->ids[0] = pp.first;
		k->ids[1] = pp.second;
		return single_line(k, pat, k->ids,
		    pp.second_head == TL_UK_VALID ? 2 : 1);
	}
	if (strcmp(m->name, "fptp") == 0 || strcmp(m->name, "block") == 0) {
		enum tl_uk_head h;
		if ((rc = tl_uk_marks(k->ctx, k->c, k->p, pat, 0, -1, seen,
		    k->ids, &n, &u, &any)) != TELLER_OK)
			return rc;
		h = tl_uk_block_head(n, u, seats, 0);
		if ((h != TL_UK_VALID && h != TL_UK_PART) || n == 0)
			return TELLER_OK;
		for (i = 0; i < n; i++)
			k->buf[i] = (tl_cid)k->ids[i];
		if (line_begin(k, pat->w) || put(k, "\t") ||
		    put_rank(k, k->buf, n))
			return TELLER_ENOMEM;
		return line_end(k);
	}
	/* irv and stv-*: the clean list, cut at an equal rank */
	n = tl_pat_clean(k->c, k->p, pat, k->buf, k->c->ncand, NULL);
	for (i = 0; i < n; i++)
		k->ids[i] = k->buf[i];
	return single_line(k, pat, k->ids, n);
}

static int
cmp_line(const void *a, const void *b)
{
	const struct cline *x = *(const struct cline *const *)a;
	const struct cline *y = *(const struct cline *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int d = memcmp(x->s, y->s, n);

	return d != 0 ? d : (x->len > y->len) - (x->len < y->len);
}

/* Canonical decimal of weight w at scale wdp into b. */
static void
weight_text(char b[TL_NUM_BUFSZ], int64_t w, int wdp)
{
	size_t n = tl_num_fmt(b, w, wdp);

	if (wdp > 0) {
		while (n > 0 && b[n - 1] == '0')
			n--;
		if (n > 0 && b[n - 1] == '.')
			n--;
		b[n] = '\0';
	}
}

/* Candidate ids in name-byte order (listed ones only) into k->j. */
static int
number(struct canon *k, bool effective)
{
	const struct teller_contest *c = k->c;
	int i, a, n = 0;

	for (i = 0; i < c->ncand; i++) {
		const struct tl_cand *cd = TL_CAND(c, i);
		k->j[i] = -1;
		if (cd->writein || (effective && cd->withdrawn))
			continue;
		k->ids[n++] = i;
	}
	/* insertion sort by name bytes: candidates are few */
	for (i = 1; i < n; i++)
		for (a = i; a > 0 && strcmp(TL_CAND(c, k->ids[a - 1])->name,
		    TL_CAND(c, k->ids[a])->name) > 0; a--) {
			int t = k->ids[a];
			k->ids[a] = k->ids[a - 1];
			k->ids[a - 1] = t;
		}
	for (i = 0; i < n; i++)
		k->j[k->ids[i]] = i;
	return n;
}

/* Make each line "<weight>[\t<ranks>]" and sort them by bytes into
 * *out (k->lines->len of them, in the arena). */
static int
full_lines(struct canon *k, const struct cline ***out)
{
	size_t n = k->lines->len, i;
	const struct cline **v;
	char w[TL_NUM_BUFSZ];

	*out = v = tl_alloc(k->ctx, n + 1, sizeof(*v));
	if (v == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < n; i++) {
		struct cline *l = &TL_VEC_AT(k->lines, struct cline, i);
		size_t at = k->chars->len;
		weight_text(w, l->w, k->p->wdp);
		/* "[s\t<id>\t]<weight>[\t<ranks>]" */
		if (tl_vec_reserve(k->ctx, k->chars, l->len + strlen(w)))
			return TELLER_ENOMEM;
		memcpy((char *)k->chars->data + k->chars->len,
		    (const char *)k->chars->data + l->off, l->plen);
		k->chars->len += l->plen;
		if (put(k, w))
			return TELLER_ENOMEM;
		memcpy((char *)k->chars->data + k->chars->len,
		    (const char *)k->chars->data + l->off + l->plen,
		    l->len - l->plen);
		k->chars->len += l->len - l->plen;
		l->off = at;
		l->len = k->chars->len - at;
	}
	for (i = 0; i < n; i++) {
		struct cline *l = &TL_VEC_AT(k->lines, struct cline, i);
		l->s = (const char *)k->chars->data + l->off;
		v[i] = l;
	}
	qsort(v, n, sizeof(*v), cmp_line);
	return TELLER_OK;
}

static int
canon_init(teller_ctx *ctx, struct canon *k, const struct teller_contest *c,
    const struct teller_profile *p)
{
	k->ctx = ctx;
	k->c = c;
	k->p = p;
	k->j = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	k->nids = (size_t)c->ncand + 2;
	k->ids = tl_alloc(ctx, k->nids, sizeof(int));
	k->buf = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_cid));
	k->chars = tl_vec_new(ctx, 1);
	k->lines = tl_vec_new(ctx, sizeof(struct cline));
	k->slots = NULL;
	k->nslots = 0;
	k->sect = NULL;
	if (k->j == NULL || k->ids == NULL || k->buf == NULL ||
	    k->chars == NULL || k->lines == NULL)
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* Seats the count fills: -s, else the input's, else one. */
static int
seats_of(const struct teller_contest *c, const teller_rules *rules)
{
	return rules != NULL && rules->seats > 0 ? rules->seats :
	    c->seats > 0 ? c->seats : 1;
}

/* map[i]: from an index into k->lines to its place in sorted v. */
static int
renumber(struct canon *k, const struct cline **v, uint32_t *map)
{
	size_t n = k->lines->len, i;
	const struct cline *base = &TL_VEC_AT(k->lines, struct cline, 0);
	uint32_t *at = tl_alloc(k->ctx, n + 1, sizeof(uint32_t));

	if (at == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < n; i++)
		at[v[i] - base] = (uint32_t)i;
	for (i = 0; i < k->p->pats->len; i++)
		if (map[i] != UINT32_MAX)
			map[i] = at[map[i]];
	return TELLER_OK;
}

/* Does p keep its papers by college section (methods.md 4.3): the
 * contest declares sections and p holds each one's ballots? */
static bool
sectioned(const struct teller_contest *c, const struct teller_profile *p)
{
	return c->sects != NULL && c->sects->len > 0 && p->sub != NULL &&
	    p->nsub == (int)c->sects->len;
}

/* The lines of every section's patterns, each line beginning with its
 * section's id ("s\t<id>\t"); k->sect stays set (the pooled patterns
 * are then not read again). Weights at the pooled profile's scale. */
static int
section_lines(struct canon *k, const struct tl_method *m, int seats,
    struct tl_uk_seen *seen)
{
	const struct teller_profile *pool = k->p;
	size_t i;
	int s, rc = TELLER_OK;

	for (s = 0; s < pool->nsub && rc == TELLER_OK; s++) {
		const struct teller_profile *sp = pool->sub[s];
		int64_t f = 1;
		int d;
		k->sect = TL_VEC_AT(k->c->sects, struct tl_section,
		    (size_t)s).id;
		k->p = sp;
		for (d = sp->wdp; d < pool->wdp; d++)
			f *= 10;
		if (sp->wdp > pool->wdp || pool->wdp - sp->wdp > 18)
			return tl_fail(k->ctx, TELLER_EINVAL, "canon: section "
			    "%s has finer weights than the profile", k->sect);
		for (i = 0; i < sp->pats->len && rc == TELLER_OK; i++) {
			struct tl_pat pat = *TL_PAT(sp, i);
			if (pat.w > INT64_MAX / f)
				return tl_fail(k->ctx, TELLER_EOVERFLOW,
				    "canon: weight overflow");
			pat.w *= f;
			rc = m == NULL ? marked_line(k, &pat) :
			    effective_line(k, m, seats, seen, &pat);
		}
	}
	k->p = pool;
	if (k->sect == NULL)
		k->sect = "";
	return rc;
}

/* The profile text (m == NULL: marked) through o. With map, map[i] is
 * the index of pattern i's line in the text (0 = the first pattern
 * line), or UINT32_MAX if it has none. */
static int
canon_profile(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const struct tl_method *m, int seats,
    struct tl_out *o, size_t *npat, uint32_t *map)
{
	struct canon k;
	struct tl_uk_seen seen;
	const struct cline **v;
	size_t i;
	int rc, nc, a;

	if ((rc = canon_init(ctx, &k, c, p)) != TELLER_OK ||
	    (rc = tl_uk_seen_init(ctx, &seen, c->ncand)) != TELLER_OK)
		return rc;
	nc = number(&k, m != NULL);
	tl_out_str(o, "teller-profile/1\n");
	for (a = 0; a < nc; a++) {
		const char *s = TL_CAND(c, k.ids[a])->name;
		size_t at = k.chars->len;
		if (put_esc(&k, s, strlen(s)))
			return TELLER_ENOMEM;
		tl_out_fmt(o, "c\t%d\t", a);
		tl_out_mem(o, (const char *)k.chars->data + at,
		    k.chars->len - at);
		tl_out_str(o, "\n");
		k.chars->len = at;
	}
	rc = map == NULL && sectioned(c, p) ? section_lines(&k, m, seats,
	    &seen) : TELLER_OK;
	for (i = 0; i < p->pats->len && rc == 0 && k.sect == NULL; i++) {
		const struct tl_pat *pat = TL_PAT(p, i);
		k.last = SIZE_MAX;
		rc = m == NULL ? marked_line(&k, pat) :
		    effective_line(&k, m, seats, &seen, pat);
		if (map != NULL)
			map[i] = k.last == SIZE_MAX ? UINT32_MAX :
			    (uint32_t)k.last;
	}
	k.p = p;
	if (k.slots != NULL)
		tl_free(ctx, k.slots, k.nslots * sizeof(uint32_t));
	if (rc != TELLER_OK || (rc = full_lines(&k, &v)) != TELLER_OK)
		return rc;
	if (npat != NULL)
		*npat = k.lines->len;
	if (map != NULL && (rc = renumber(&k, v, map)) != TELLER_OK)
		return rc;
	for (i = 0; i < k.lines->len; i++) {
		tl_out_mem(o, v[i]->s, v[i]->len);
		tl_out_str(o, "\n");
	}
	return TELLER_OK;
}

/* The text-escape of s through o (4.3). */
static void
out_esc(struct tl_out *o, const char *s)
{
	for (; *s != '\0'; s++) {
		const char *e = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" :
		    *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : NULL;
		if (e != NULL)
			tl_out_str(o, e);
		else
			tl_out_mem(o, s, 1);
	}
}

static void
canon_contest(const struct teller_contest *c, struct tl_out *o)
{
	int i, n = 0;

	tl_out_str(o, "teller-contest/1\ntitle\t");
	out_esc(o, c->title);
	tl_out_fmt(o, "\nseats\t%d\n", c->seats);
	for (i = 0; i < c->ncand; i++) {
		const struct tl_cand *cd = TL_CAND(c, i);
		if (cd->writein)
			continue;
		tl_out_fmt(o, "cand\t%d\t", n++);
		out_esc(o, cd->name);
		tl_out_str(o, "\t");
		out_esc(o, cd->party);
		tl_out_str(o, cd->withdrawn ? "\t1\n" : "\t0\n");
	}
}

/* A JSON string as RFC 8785 writes it (ES2015 JSON.stringify). */
void
tl_canon_json_str(struct tl_out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	tl_out_str(o, "\"");
	for (; *p != '\0'; p++) {
		const char *e = *p == '"' ? "\\\"" : *p == '\\' ? "\\\\" :
		    *p == '\b' ? "\\b" : *p == '\f' ? "\\f" : *p == '\n' ?
		    "\\n" : *p == '\r' ? "\\r" : *p == '\t' ? "\\t" : NULL;
		if (e != NULL)
			tl_out_str(o, e);
		else if (*p < 0x20)
			tl_out_fmt(o, "\\u%04x", *p);
		else
			tl_out_mem(o, (const char *)p, 1);
	}
	tl_out_str(o, "\"");
}

void
tl_canon_rules_options(struct tl_out *o, const struct teller_contest *c,
    const teller_rules *rules)
{
	/* JCS: keys sorted; an option only when given, so a count without
	 * it keeps the hash it always had (audit.md 4.2) */
	tl_out_str(o, "{");
	if (rules->electorate > 0)
		tl_out_fmt(o, "\"electorate\":%lld,",
		    (long long)rules->electorate);
	tl_out_fmt(o, "\"lots\":\"%s\",", rules->no_seed ? "manual" :
	    "manual-then-seed");
	if (rules->min_share > 0)
		tl_out_fmt(o, "\"min_share\":%d,", rules->min_share);
	if (rules->ranks > 0)
		tl_out_fmt(o, "\"ranks\":%d,", rules->ranks);
	if (rules->regime != NULL) {
		tl_out_str(o, "\"regime\":");
		tl_canon_json_str(o, rules->regime);
		tl_out_str(o, ",");
	}
	tl_out_fmt(o, "\"seats\":%d,", seats_of(c, rules));
	if (rules->strength != NULL) {
		tl_out_str(o, "\"strength\":");
		tl_canon_json_str(o, rules->strength);
		tl_out_str(o, ",");
	}
	tl_out_fmt(o, "\"strict\":%s", rules->strict ? "true" : "false");
	if (rules->votes > 0)
		tl_out_fmt(o, ",\"votes\":%d", rules->votes);
	tl_out_str(o, "}");
}

/* The rules object without sha256, as JCS: keys sorted, no spaces. */
static void
canon_rules(struct tl_out *o, const struct teller_contest *c,
    const struct tl_method *m, const teller_rules *rules)
{
	tl_out_str(o, "{\"citation\":");
	tl_canon_json_str(o, m->title);
	tl_out_str(o, ",\"method\":");
	tl_canon_json_str(o, m->name);
	tl_out_str(o, ",\"options\":");
	tl_canon_rules_options(o, c, rules);
	tl_out_str(o, "}");
}

int
teller_canon(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, const teller_rules *rules,
    enum teller_canon_kind kind, teller_write_fn write, void *ud)
{
	const struct tl_method *m = NULL;
	struct tl_out o;
	int rc = TELLER_OK;

	if (kind == TELLER_CANON_EFFECTIVE || kind == TELLER_CANON_RULES) {
		m = rules != NULL ? tl_method_find(rules->method) : NULL;
		if (m == NULL)
			return tl_fail(ctx, TELLER_EINVAL, "canon: unknown "
			    "method '%s'", rules != NULL && rules->method ?
			    rules->method : "(none)");
	}
	tl_out_init(&o, ctx, write, ud);
	switch (kind) {
	case TELLER_CANON_CONTEST:
		canon_contest(c, &o);
		break;
	case TELLER_CANON_MARKED:
	case TELLER_CANON_EFFECTIVE:
		rc = canon_profile(ctx, c, p, m, seats_of(c, rules), &o,
		    NULL, NULL);
		break;
	case TELLER_CANON_RULES:
		canon_rules(&o, c, m, rules);
		break;
	default:
		return tl_fail(ctx, TELLER_EINVAL, "canon: unknown kind %d",
		    (int)kind);
	}
	if (rc != TELLER_OK)
		return rc;
	return tl_out_flush(&o);
}

int
tl_canon_hash_write(void *ud, const char *p, size_t n)
{
	tl_sha256_update(ud, p, n);
	return 0;
}

/* Is every paper of p one candidate a rank, none twice, none withdrawn
 * or written in, none blank? Then a ranked method's effective profile is
 * the marked one, byte for byte. */
static int
plain(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, bool *yes)
{
	uint32_t *seen, stamp = 0;
	size_t i;
	int k;

	*yes = false;
	for (k = 0; k < c->ncand; k++)
		if (TL_CAND(c, k)->withdrawn || TL_CAND(c, k)->writein)
			return TELLER_OK;
	if ((seen = tl_alloc(ctx, (size_t)c->ncand + 1,
	    sizeof(uint32_t))) == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < p->pats->len; i++) {
		const struct tl_pat *pat = TL_PAT(p, i);
		const tl_cid *cells = TL_CELLS(p, pat);
		uint32_t j;

		stamp++;
		if (pat->len == 0)
			return TELLER_OK;
		for (j = 0; j < pat->len; j += 2) {
			if (cells[j] != 1 || j + 1 >= pat->len ||
			    seen[cells[j + 1]] == stamp)
				return TELLER_OK;
			seen[cells[j + 1]] = stamp;
		}
	}
	*yes = true;
	return TELLER_OK;
}

int
tl_canon_profiles(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    char marked[65], char effective[65], size_t *npat)
{
	const struct tl_method *m = tl_method_find(rules->method);
	struct tl_sha256 s;
	struct tl_out o;
	bool same = false;
	int rc;

	marked[0] = effective[0] = '\0';
	if (m == NULL)
		return tl_fail(ctx, TELLER_EINVAL, "canon: unknown method "
		    "'%s'", rules->method != NULL ? rules->method : "(none)");
	/* irv and stv-* read a plain paper as marked (tl_pat_clean) */
	if (strcmp(m->name, "sv") != 0 && strcmp(m->name, "fptp") != 0 &&
	    strcmp(m->name, "block") != 0 &&
	    (rc = plain(ctx, c, p, &same)) != TELLER_OK)
		return rc;
	tl_sha256_init(&s);
	tl_out_init(&o, ctx, tl_canon_hash_write, &s);
	if ((rc = canon_profile(ctx, c, p, NULL, 0, &o, npat, NULL)) !=
	    TELLER_OK ||
	    (rc = tl_out_flush(&o)) != TELLER_OK)
		return rc;
	tl_sha256_hex(&s, marked);
	if (same) {
		memcpy(effective, marked, 65);
		return TELLER_OK;
	}
	tl_sha256_init(&s);
	tl_out_init(&o, ctx, tl_canon_hash_write, &s);
	if ((rc = canon_profile(ctx, c, p, m, seats_of(c, rules), &o,
	    npat, NULL)) != TELLER_OK || (rc = tl_out_flush(&o)) != TELLER_OK)
		return rc;
	tl_sha256_hex(&s, effective);
	return TELLER_OK;
}

int
teller_canon_sha256(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, const teller_rules *rules,
    enum teller_canon_kind kind, char out[65])
{
	struct tl_sha256 s;
	int rc;

	out[0] = '\0';
	tl_sha256_init(&s);
	if ((rc = teller_canon(ctx, c, p, rules, kind, tl_canon_hash_write,
	    &s)))
		return rc;
	tl_sha256_hex(&s, out);
	return TELLER_OK;
}

int
tl_canon_effective_map(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    char effective[65], uint32_t *map)
{
	const struct tl_method *m = tl_method_find(rules->method);
	struct tl_sha256 s;
	struct tl_out o;
	int rc;

	effective[0] = '\0';
	if (m == NULL)
		return tl_fail(ctx, TELLER_EINVAL, "canon: unknown method "
		    "'%s'", rules->method != NULL ? rules->method : "(none)");
	tl_sha256_init(&s);
	tl_out_init(&o, ctx, tl_canon_hash_write, &s);
	if ((rc = canon_profile(ctx, c, p, m, seats_of(c, rules), &o, NULL,
	    map)) != TELLER_OK || (rc = tl_out_flush(&o)) != TELLER_OK)
		return rc;
	tl_sha256_hex(&s, effective);
	return TELLER_OK;
}
