/* SPDX-License-Identifier: MIT */
/*
 * ckprof.c -- teller-check's reader of an effective profile text,
 * teller-profile/1 (audit.md 4.3), as `teller canon --profile effective`
 * writes it: candidates by name, then one line per distinct pattern, its
 * weight and its preferences, one candidate a rank.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sha256.h"

/* Undo the text escapes of 4.3 in place; -1 on a bad escape. */
static int
unescape(char *s)
{
	char *d = s;

	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			*d++ = *s;
			continue;
		}
		s++;
		if (*s == '\\')
			*d++ = '\\';
		else if (*s == 't')
			*d++ = '\t';
		else if (*s == 'n')
			*d++ = '\n';
		else if (*s == 'r')
			*d++ = '\r';
		else
			return -1;
	}
	*d = '\0';
	return 0;
}

static int
bad(const char *path, long line, const char *what)
{
	fprintf(stderr, "teller-check: %s:%ld:1: %s\n", path, line, what);
	return -1;
}

/* A whole non-negative decimal at *s ending at a TAB, '=' or NUL: *v, *s
 * past it. */
static int
whole(char **s, int64_t *v)
{
	char *p = *s, save;
	int rc;

	while (**s >= '0' && **s <= '9')
		(*s)++;
	if (**s != '\0' && **s != '\t' && **s != '=')
		return -1;
	save = **s;
	**s = '\0';
	rc = ck_parse(p, 0, v);
	**s = save;
	return rc;
}

static int
pattern(struct ck_prof *pf, char *s)
{
	int64_t w, j;
	uint32_t start = (uint32_t)pf->nprefs;
	struct ck_pat *pt;
	uint32_t ranks = 0;

	if (whole(&s, &w) != 0 || w <= 0)
		return -1;
	if (pf->npat == pf->cappat) {
		size_t n = pf->cappat ? 2 * pf->cappat : 256;
		struct ck_pat *q = realloc(pf->pat, n * sizeof(*q));
		if (q == NULL)
			return -1;
		pf->pat = q;
		pf->cappat = n;
	}
	while (*s == '\t' || (*s == '=' && pf->nprefs > start)) {
		ranks += *s++ == '\t';
		if (whole(&s, &j) != 0 || j >= pf->ncand)
			return -1;
		if (pf->nprefs == pf->capprefs) {
			size_t n = pf->capprefs ? 2 * pf->capprefs : 1024;
			int *q = realloc(pf->prefs, n * sizeof(*q));
			if (q == NULL)
				return -1;
			pf->prefs = q;
			pf->capprefs = n;
		}
		pf->prefs[pf->nprefs++] = (int)j;
	}
	if (*s != '\0' || pf->nprefs == start)
		return -1;
	pt = &pf->pat[pf->npat++];
	pt->w = w;
	pt->off = start;
	pt->len = (uint32_t)(pf->nprefs - start);
	pt->ranks = ranks;
	return 0;
}

/* 0 if no pattern names a candidate twice (seen: [ncand] zeros). */
static int
no_repeats(const struct ck_prof *pf, char *seen)
{
	size_t i;
	uint32_t k;

	for (i = 0; i < pf->npat; i++) {
		const int *p = pf->prefs + pf->pat[i].off;
		for (k = 0; k < pf->pat[i].len; k++) {
			if (seen[p[k]] == 1)
				return -1;
			seen[p[k]] = 1;
		}
		for (k = 0; k < pf->pat[i].len; k++)
			seen[p[k]] = 0;
	}
	return 0;
}

/* The ranks of a pattern line: from its first TAB (weight-only: ""). */
static const char *
ranks_of(const char *line)
{
	const char *t = strchr(line, '\t');

	return t != NULL ? t : "";
}

static int
by_ranks(const void *a, const void *b)
{
	return strcmp(ranks_of(*(char *const *)a), ranks_of(*(char *const *)b));
}

static int
by_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A sectioned profile's pattern lines sl[0..n) (methods.md 4.3: each
 * began "s\t<id>\t"), pooled as the count pools them: sections dropped,
 * equal rankings merged with their weights added, the lines sorted by
 * bytes. The certificate's "pattern" numbers the pooled lines. 0, or -1.
 */
static int
pool(struct ck_prof *pf, char **sl, size_t n)
{
	char **out = calloc(n + 1, sizeof(*out));
	size_t i, j, m = 0;
	int64_t w, sum;
	int rc = 0;
	char *p;

	if (out == NULL)
		return -1;
	qsort(sl, n, sizeof(*sl), by_ranks);
	for (i = 0; i < n && rc == 0; i = j) {
		const char *r = ranks_of(sl[i]);
		size_t len = strlen(r) + 24;
		for (j = i, sum = 0; rc == 0 && j < n &&
		    strcmp(ranks_of(sl[j]), r) == 0; j++) {
			p = sl[j];
			rc = whole(&p, &w) != 0 || ck_add(sum, w, &sum) != 0;
		}
		if (rc == 0 && (out[m] = malloc(len)) == NULL)
			rc = -1;
		if (rc == 0)
			snprintf(out[m++], len, "%lld%s", (long long)sum, r);
	}
	if (rc == 0 && m > 1)
		qsort(out, m, sizeof(*out), by_bytes);
	for (i = 0; i < m; i++) {
		if (rc == 0)
			rc = pattern(pf, out[i]);
		free(out[i]);
	}
	free(out);
	return rc;
}

static int
parse(struct ck_prof *pf, const char *path, char *buf)
{
	char *line = buf, *nl, *p;
	long ln = 0;
	char *seen, **sl = NULL;
	size_t nsl = 0;

	for (; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			return bad(path, ln + 1, "the last line does not end "
			    "in a newline");
		*nl = '\0';
		ln++;
		if (ln == 1) {
			if (strcmp(line, "teller-profile/1") != 0)
				return bad(path, ln, "not a teller-profile/1 "
				    "text");
			continue;
		}
		if (strncmp(line, "c\t", 2) == 0 && pf->npat == 0) {
			char **q;
			int64_t j;
			p = line + 2;
			if (whole(&p, &j) != 0 || j != pf->ncand ||
			    *p != '\t' || unescape(p + 1) != 0)
				return bad(path, ln, "bad candidate line");
			if ((q = realloc(pf->names, ((size_t)pf->ncand + 1) *
			    sizeof(*q))) == NULL)
				return bad(path, ln, "out of memory");
			pf->names = q;
			if ((q[pf->ncand] = strdup(p + 1)) == NULL)
				return bad(path, ln, "out of memory");
			if (pf->ncand > 0 && strcmp(q[pf->ncand - 1],
			    q[pf->ncand]) >= 0)
				return bad(path, ln, "candidates are not in "
				    "name order");
			pf->ncand++;
			continue;
		}
		if (strncmp(line, "s\t", 2) == 0 && pf->npat == 0 &&
		    (p = strchr(line + 2, '\t')) != NULL) {
			/* a section's line: pooled once all are read */
			char **q = realloc(sl, (nsl + 1) * sizeof(*q));
			if (q == NULL) {
				free(sl);
				return bad(path, ln, "out of memory");
			}
			sl = q;
			sl[nsl++] = p + 1;
			continue;
		}
		if (nsl > 0 || pattern(pf, line) != 0) {
			free(sl);
			return bad(path, ln, "not a pattern of an effective "
			    "profile (a whole weight, then the ranks)");
		}
	}
	if (nsl > 0 && pool(pf, sl, nsl) != 0) {
		free(sl);
		return bad(path, ln, "a section's pattern is not one of an "
		    "effective profile, or the weights overflow");
	}
	free(sl);
	if (ln == 0)
		return bad(path, 1, "empty file");
	if ((seen = calloc((size_t)pf->ncand + 1, 1)) == NULL)
		return bad(path, ln, "out of memory");
	if (no_repeats(pf, seen) != 0) {
		free(seen);
		return bad(path, ln, "a pattern names a candidate twice");
	}
	free(seen);
	return 0;
}

int
ck_prof_read(struct ck_prof *pf, const char *path)
{
	size_t n;
	char *buf = ck_slurp(path, &n);
	struct tl_sha256 s;
	int rc;

	memset(pf, 0, sizeof(*pf));
	if (buf == NULL)
		return -1;
	tl_sha256_init(&s);
	tl_sha256_update(&s, buf, n);
	tl_sha256_hex(&s, pf->sha256);
	if (strlen(buf) != n) {
		free(buf);
		return bad(path, 1, "a NUL byte in the text");
	}
	rc = parse(pf, path, buf);
	free(buf);
	return rc;
}

/* Candidate j named name, or -1 (names are in byte order). */
int
ck_prof_cand(const struct ck_prof *pf, const char *name)
{
	int lo = 0, hi = pf->ncand - 1;

	while (name != NULL && lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int d = strcmp(pf->names[mid], name);
		if (d == 0)
			return mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

void
ck_prof_free(struct ck_prof *pf)
{
	int i;

	for (i = 0; i < pf->ncand; i++)
		free(pf->names[i]);
	free(pf->names);
	free(pf->pat);
	free(pf->prefs);
	memset(pf, 0, sizeof(*pf));
}

char *
ck_slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *q;
	size_t cap = 0, got;

	*n = 0;
	if (f == NULL) {
		fprintf(stderr, "teller-check: %s: cannot be read\n", path);
		return NULL;
	}
	for (;;) {
		if (*n + 65536 + 1 > cap) {
			cap = cap ? 2 * cap : 1 << 20;
			if ((q = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				fprintf(stderr, "teller-check: out of "
				    "memory\n");
				return NULL;
			}
			buf = q;
		}
		got = fread(buf + *n, 1, 65536, f);
		*n += got;
		if (got < 65536)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		fprintf(stderr, "teller-check: %s: cannot be read\n", path);
		return NULL;
	}
	fclose(f);
	buf[*n] = '\0';
	return buf;
}
