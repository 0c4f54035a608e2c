/* SPDX-License-Identifier: MIT */
/*
 * audit.c -- what `teller count`, `canon` and `verify` share: reading
 * and merging the inputs with their hashes, paths relative to a
 * manifest's folder, and sha256sum sidecars (audit.md 4.2).
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "audit.h"
#include "cli.h"

int
cli_read_inputs(teller_ctx *ctx, const int *fmts, int fmt,
    char *const *paths, int n, struct cli_in_info *info, teller_contest **c,
    teller_profile **p)
{
	return cli_read_inputs_fix(ctx, fmts, fmt, paths, n, info, NULL, NULL,
	    c, p);
}

int
cli_read_inputs_fix(teller_ctx *ctx, const int *fmts, int fmt,
    char *const *paths, int n, struct cli_in_info *info, cli_fix_fn fix,
    void *ud, teller_contest **c, teller_profile **p)
{
	int i, status = 0;

	*c = NULL;
	*p = NULL;
	for (i = 0; i < n && status == 0; i++) {
		const char *path = paths[i];
		int f = fmts != NULL ? fmts[i] : fmt, df = f;
		teller_contest *ci;
		teller_profile *pi;
		struct cli_input in;

		if (cli_load(path, &in) != 0)
			return 1;
		/* hash first, dropping pages behind; the reader then drops
		 * what it has consumed (cli_release) */
		if (info != NULL) {
			cli_sha256_hex(&in, info[i].sha256);
			info[i].bytes = in.len;
			info[i].format = teller_format_name(
			    f != TELLER_FMT_AUTO ?
			    (enum teller_format)f :
			    teller_format_detect(in.buf, in.len));
		}
		if (fix != NULL && f == TELLER_FMT_AUTO)
			df = teller_format_detect(in.buf, in.len);
		teller_ctx_set_release(ctx, cli_release, &in);
		if (teller_read(ctx, (enum teller_format)f, path, in.buf,
		    in.len, &ci, &pi) != TELLER_OK) {
			status = cli_report_error(ctx);
		} else if (fix != NULL &&
		    (status = fix(ud, ctx, path, df, ci, pi)) != 0) {
			;
		} else if (*c != NULL && teller_profile_merge(ctx, *c, *p, ci,
		    pi) != TELLER_OK) {
			status = cli_report_error(ctx);
		} else if (*c == NULL) {
			*c = ci;
			*p = pi;
		}
		teller_ctx_set_release(ctx, NULL, NULL);
		cli_unload(&in);
	}
	return status;
}

int
cli_file_sha256(const char *path, char hex[65], unsigned long long *bytes)
{
	struct cli_input in;

	hex[0] = '\0';
	if (strcmp(path, "-") == 0)
		return -1;
	{
		FILE *f = fopen(path, "rb");
		if (f == NULL)
			return -1;
		fclose(f);
	}
	if (cli_load(path, &in) != 0)
		return -1;
	cli_sha256_hex(&in, hex);
	if (bytes != NULL)
		*bytes = in.len;
	cli_unload(&in);
	return hex[0] != '\0' ? 0 : -1;
}

void
cli_mem_sha256(const char *buf, size_t len, char hex[65])
{
	struct cli_input in;

	memset(&in, 0, sizeof(in));
	in.buf = buf;
	in.len = len;
	cli_sha256_hex(&in, hex);
}

int
cli_write_sidecar(const char *path, const char *hex)
{
	const char *base = strrchr(path, '/');
	size_t n = strlen(path);
	char *side = malloc(n + 8);
	FILE *f;
	int rc = 0;

	if (side == NULL) {
		fprintf(stderr, "teller: out of memory\n");
		return -1;
	}
	memcpy(side, path, n);
	memcpy(side + n, ".sha256", 8);
	base = base != NULL ? base + 1 : path;
	if ((f = fopen(side, "w")) == NULL ||
	    fprintf(f, "%s  %s\n", hex, base) < 0)
		rc = -1;
	if (f != NULL && fclose(f) != 0)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "teller: %s: %s\n", side, strerror(errno));
	free(side);
	return rc;
}

char *
cli_dirname(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return strdup(".");
	if (s == path)
		return strdup("/");
	return strndup(path, (size_t)(s - path));
}

char *
cli_join(const char *dir, const char *rel)
{
	size_t a, b;
	char *s;

	if (rel[0] == '/' || strcmp(dir, ".") == 0 || strcmp(rel, "-") == 0)
		return strdup(rel);
	a = strlen(dir);
	b = strlen(rel);
	if ((s = malloc(a + b + 2)) == NULL)
		return NULL;
	memcpy(s, dir, a);
	s[a] = '/';
	memcpy(s + a + 1, rel, b + 1);
	return s;
}

/* Split the resolved path s in place into its components. */
static size_t
split(char *s, char **part, size_t max)
{
	size_t n = 0;

	while (*s != '\0' && n < max) {
		while (*s == '/')
			*s++ = '\0';
		if (*s == '\0')
			break;
		part[n++] = s;
		while (*s != '\0' && *s != '/')
			s++;
	}
	return n;
}

/* Append s at out + *at. */
static void
cat(char *out, size_t *at, const char *s)
{
	size_t n = strlen(s);

	memcpy(out + *at, s, n + 1);
	*at += n;
}

char *
cli_relpath(const char *dir, const char *path)
{
	char d[PATH_MAX], f[PATH_MAX], *dp[PATH_MAX / 2], *fp[PATH_MAX / 2];
	char *out;
	size_t nd, nf, k = 0, i, len = 1, at = 0;

	if (strcmp(path, "-") == 0)
		return strdup("-");
	if (realpath(dir, d) == NULL || realpath(path, f) == NULL)
		return NULL;
	nd = split(d, dp, PATH_MAX / 2);
	nf = split(f, fp, PATH_MAX / 2);
	while (k < nd && k + 1 < nf && strcmp(dp[k], fp[k]) == 0)
		k++;
	for (i = k; i < nf; i++)
		len += strlen(fp[i]) + 1;
	if ((out = malloc(len + (nd - k) * 3)) == NULL)
		return NULL;
	out[0] = '\0';
	for (i = k; i < nd; i++)
		cat(out, &at, "../");
	for (i = k; i < nf; i++) {
		cat(out, &at, fp[i]);
		if (i + 1 < nf)
			cat(out, &at, "/");
	}
	return out;
}

bool
cli_date_ok(const char *s)
{
	int i, m, d;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return false;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	return s[10] == '\0' && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

const char *
cli_source_date(char buf[16])
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	unsigned long long v = 0;
	struct tm tm;
	time_t t;

	if (e == NULL || *e == '\0')
		return NULL;
	for (; *e >= '0' && *e <= '9' && v < 1000000000000ULL; e++)
		v = v * 10 + (unsigned long long)(*e - '0');
	if (*e != '\0')
		return NULL;
	t = (time_t)v;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 16, "%Y-%m-%d", &tm) == 0)
		return NULL;
	return buf;
}

/* --meta FILE: a JSON object of the declaration's facts (reports.md 2),
 * each member a string or a number, set on r. Returns an exit status. */
/* --meta "descriptions": {"NAME": "description", ...}. */
static int
meta_desc(teller_ctx *ctx, teller_result *r, const char *path,
    const struct mj *d)
{
	const struct mj *v;

	if (d->type != MJ_OBJ) {
		fprintf(stderr, "teller: %s:%ld:%ld: --meta: descriptions must "
		    "be an object of candidate names and descriptions\n",
		    path, d->line, d->col);
		return 1;
	}
	for (v = d->kid; v != NULL; v = v->next) {
		if (v->type != MJ_STR) {
			fprintf(stderr, "teller: %s:%ld:%ld: --meta: the "
			    "description of %s must be a string\n", path,
			    v->line, v->col, v->key);
			return 1;
		}
		if (teller_result_set_description(ctx, r, v->key, v->s) !=
		    TELLER_OK) {
			fprintf(stderr, "teller: %s:%ld:%ld: %s\n", path,
			    v->line, v->col, teller_errmsg(ctx));
			return 1;
		}
	}
	return 0;
}

int
cli_apply_meta(teller_ctx *ctx, teller_result *r, const char *path)
{
	struct mj *m;
	const struct mj *v;
	char *buf;
	size_t len;
	int status = 0;

	if (cli_slurp(path, &buf, &len) != 0)
		return 1;
	m = mj_parse(buf, len);
	free(buf);
	if (m == NULL || m->type != MJ_OBJ) {
		fprintf(stderr, "teller: %s: --meta: not a JSON object\n",
		    path);
		mj_free(m);
		return 1;
	}
	for (v = m->kid; status == 0 && v != NULL; v = v->next) {
		if (strcmp(v->key, "descriptions") == 0) {
			status = meta_desc(ctx, r, path, v);
		} else if (v->type != MJ_STR && v->type != MJ_NUM) {
			fprintf(stderr, "teller: %s: --meta: %s must be a "
			    "string or a number\n", path, v->key);
			status = 1;
		} else if (teller_result_set_meta(ctx, r, v->key, v->s) !=
		    TELLER_OK) {
			fprintf(stderr, "teller: %s: %s\n", path,
			    teller_errmsg(ctx));
			status = 1;
		}
	}
	mj_free(m);
	return status;
}
