/* SPDX-License-Identifier: MIT */
/*
 * fuzz_xlsx_sheet.c -- differential libFuzzer target for the xlsx sheet
 * scanner (lib/rctab/xlsx.c, issue 17): the input is a worksheet's XML,
 * read by the scanner (expat taking over where it must) and by expat
 * alone, with three shared strings; the rows given, the return code, the
 * message and its position must be the same. The input's length chooses
 * a small line limit and a row the row function refuses.
 */
#include "fuzz_common.h"
#include "rctab.h"

struct fx_log {
	char *p;
	size_t n, cap;
	long refuse; /* the row refused (0: none) */
};

static void
fx_put(struct fx_log *g, const char *s, size_t n)
{
	if (g->n + n + 1 > g->cap) {
		size_t cap = (g->n + n + 1) * 2;
		char *q = realloc(g->p, cap);
		FUZZ_ASSERT(q != NULL);
		g->p = q;
		g->cap = cap;
	}
	memcpy(g->p + g->n, s, n);
	g->n += n;
	g->p[g->n] = '\0';
}

static int
fx_row(teller_ctx *ctx, void *ud, long row, const struct tl_xlsx_cell *c,
    int n)
{
	struct fx_log *g = ud;
	char num[64];
	int i, k;

	k = snprintf(num, sizeof num, "%ld:", row);
	fx_put(g, num, (size_t)k);
	for (i = 0; i < n; i++) {
		k = snprintf(num, sizeof num, "%d=", c[i].col);
		fx_put(g, num, (size_t)k);
		fx_put(g, c[i].text, strlen(c[i].text) + 1);
	}
	fx_put(g, "|", 1);
	if (row == g->refuse)
		return tl_fail(ctx, TELLER_EPARSE, "row %ld refused", row);
	return TELLER_OK;
}

static const char *const fx_sst[] = { "Alice", "Bob", "undervote" };

/* Read the sheet; the outcome into g. */
static void
fx_read(const uint8_t *data, size_t size, bool fast, struct fx_log *g)
{
	teller_ctx *ctx;
	const char *file;
	long line, col;
	char head[64];
	int rc, k;
	bool scanned;

	FUZZ_ASSERT(teller_ctx_new(NULL, &ctx) == TELLER_OK);
	fuzz_limits(ctx);
	if (size % 3 == 1)
		ctx->lim.line_bytes = 16 + size % 61;
	g->n = 0;
	g->refuse = size % 5 == 2 ? (long)(size % 7) : 0;
	rc = tl_xlsx_sheet_xml(ctx, (const char *)data, size, fx_sst, 3,
	    fast, &scanned, fx_row, g);
	teller_errpos(ctx, &file, &line, &col);
	k = snprintf(head, sizeof head, "#%d %ld:%ld ", rc, line, col);
	fx_put(g, head, (size_t)k);
	if (rc != TELLER_OK) {
		fx_put(g, teller_errmsg(ctx), strlen(teller_errmsg(ctx)));
		FUZZ_ASSERT(!scanned);
	}
	teller_ctx_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fx_log a = { NULL, 0, 0, 0 }, b = { NULL, 0, 0, 0 };

	fx_read(data, size, true, &a);
	fx_read(data, size, false, &b);
	if (a.n != b.n || memcmp(a.p, b.p, a.n) != 0) {
		fprintf(stderr, "scanner: %.*s\nexpat:   %.*s\n", (int)a.n,
		    a.p, (int)b.n, b.p);
		FUZZ_ASSERT(!"the scanner and expat differ");
	}
	free(a.p);
	free(b.p);
	return 0;
}
