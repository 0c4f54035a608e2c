/* SPDX-License-Identifier: MIT */
/*
 * t_reject.c -- the reject corpus through the library: every file
 * tests/reject/E<CODE>-<what>.<ext> must fail teller_read (or, if read,
 * teller_count with "irv") with exactly TELLER_E<CODE>, a message, and a
 * line > 0 for parse errors. (tests/suite_reject.sh checks the CLI.)
 */
#include <dirent.h>
#include <stdlib.h>

#include "harness.h"
#include "teller.h"

static const struct {
	const char *name;
	int code;
} codes[] = {
	{ "ENOMEM", TELLER_ENOMEM }, { "EPARSE", TELLER_EPARSE },
	{ "ELIMIT", TELLER_ELIMIT }, { "EOVERFLOW", TELLER_EOVERFLOW },
	{ "EINVAL", TELLER_EINVAL }, { "EIO", TELLER_EIO },
	{ "ERULE", TELLER_ERULE }, { "ETIE", TELLER_ETIE },
	{ "ECONFIG", TELLER_ECONFIG }, { "EINTERNAL", TELLER_EINTERNAL },
	{ "EWRITE", TELLER_EWRITE }, { "EDUP", TELLER_EDUP },
	{ "ERANGE", TELLER_ERANGE }, { "EENCODING", TELLER_EENCODING },
};

static int
code_of(const char *file)
{
	size_t i, n = strcspn(file, "-");

	for (i = 0; i < sizeof(codes) / sizeof(*codes); i++)
		if (strlen(codes[i].name) == n &&
		    strncmp(codes[i].name, file, n) == 0)
			return codes[i].code;
	return -1;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	*len = b != NULL ? fread(b, 1, (size_t)n, f) : 0;
	fclose(f);
	return b;
}

static void
one(const char *dir, const char *file)
{
	char path[1024];
	int want = code_of(file), rc;
	size_t len = 0;
	char *buf;
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	long line = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	CHECK(want > 0, "%s: no error code in the name", file);
	if (want <= 0 || (buf = slurp(path, &len)) == NULL)
		return;
	teller_ctx_new(NULL, &ctx);
	rc = teller_read(ctx, TELLER_FMT_AUTO, path, buf, len, &c, &p);
	if (rc == TELLER_OK) {
		teller_rules r;
		teller_result *res;
		teller_rules_init(&r, "irv");
		rc = teller_count(ctx, c, p, &r, &res);
	}
	teller_errpos(ctx, NULL, &line, NULL);
	CHECK(rc == want, "%s: got %s (%s), want %s", file,
	    teller_strerror(rc), teller_errmsg(ctx), teller_strerror(want));
	CHECK(rc == TELLER_OK || teller_errmsg(ctx)[0] != '\0',
	    "%s: no message", file);
	if (rc == TELLER_EPARSE)
		CHECK(line > 0, "%s: parse error without a line (%s)", file,
		    teller_errmsg(ctx));
	if (getenv("T_VERBOSE") != NULL)
		printf("%-50s %ld %s\n", file, line, teller_errmsg(ctx));
	teller_ctx_free(ctx);
	free(buf);
}

int
main(void)
{
	const char *dir = getenv("REJECT_DIR") != NULL ? getenv("REJECT_DIR")
						       : "tests/reject";
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	CHECK(d != NULL, "cannot open %s (run from the repository root)",
	    dir);
	if (d == NULL)
		return h_done();
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != 'E')
			continue; /* ., .., subdirectories like rctab/ */
		one(dir, e->d_name);
		n++;
	}
	closedir(d);
	CHECK(n >= 60, "only %d reject files", n);
	return h_done();
}
