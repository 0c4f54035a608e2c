/* SPDX-License-Identifier: MIT */
/*
 * fuzz_xml_scan.c -- differential libFuzzer target for the fast XML
 * scanner of the CDF reader (tl_xml_scan, lib/rctab/cvr_xml.c, issue
 * 17): the input is read by the scanner and by expat (tl_xml_parse) with
 * callbacks that write down every event (depth, local name, line,
 * attributes, text) and refuse one of them (tl_xml_fail); unless the
 * scanner gives up, the transcripts, return codes, messages and their
 * positions must be the same. The children of an element whose local
 * name starts with 's' are skipped (x->skip): the scanner only checks
 * them, expat's events for them are ignored. The input's length chooses
 * the event refused and a small nesting limit. Then the same with
 * element ids (x->idnames) instead of paths, and, when the scanner
 * reads the input without an error, trusted (x->trusted): the scan of
 * pass 2 of the CDF reader.
 */
#include "fuzz_common.h"
#include "cvr_util.h"

struct fx_rec {
	char *p;
	size_t n, cap;
	long ev, refuse; /* events seen; the one refused (0: none) */
	int skipd;       /* depth of the element skipped (0: none) */
	int rc;
};

static const char *const fx_ids[] = { "r", "a", "b", "s", "sk", "CVR",
    "Rank", "x:y", NULL };

static const char *
fx_name(const struct tl_xml *x)
{
	unsigned id;

	if (x->idnames == NULL)
		return x->path[x->depth - 1];
	id = x->ids[x->depth - 1];
	return id > 0 ? x->idnames[id - 1] : "?";
}

static void
fx_put(struct fx_rec *g, const char *s, size_t n)
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

static void
fx_head(struct tl_xml *x, struct fx_rec *g, const char *what)
{
	char num[64];
	int k;

	k = snprintf(num, sizeof num, "%s%d L%ld ", what, x->depth,
	    tl_xml_line(x));
	fx_put(g, num, (size_t)k);
	fx_put(g, fx_name(x), strlen(fx_name(x)) + 1);
}

static int
fx_start(struct tl_xml *x, const char **attrs)
{
	struct fx_rec *g = x->ud;
	size_t i;

	if (g->skipd > 0 && x->depth > g->skipd)
		return TELLER_OK;
	/* children of elements named s... are skipped */
	if (fx_name(x)[0] == 's') {
		x->skip = true;
		g->skipd = x->depth;
	}
	fx_head(x, g, "<");
	for (i = 0; attrs[i] != NULL; i++)
		fx_put(g, attrs[i], strlen(attrs[i]) + 1);
	fx_put(g, "\n", 1);
	if (++g->ev == g->refuse)
		return tl_xml_fail(x, TELLER_EPARSE, "start %ld", g->ev);
	return TELLER_OK;
}

static int
fx_end(struct tl_xml *x, const char *text, size_t n)
{
	struct fx_rec *g = x->ud;

	if (g->skipd > 0 && x->depth > g->skipd)
		return TELLER_OK;
	if (x->depth == g->skipd)
		g->skipd = 0;
	fx_head(x, g, ">");
	fx_put(g, text, n);
	fx_put(g, "\n", 1);
	if (++g->ev == g->refuse)
		return tl_xml_fail(x, TELLER_ELIMIT, "end %ld", g->ev);
	return TELLER_OK;
}

/* Read the input; the outcome into g. mode 0: paths; 1: ids; 2: ids,
 * trusted; 3: ids, no event refused. Returns whether the scanner gave
 * up (always false for expat). */
static bool
fx_read(const uint8_t *data, size_t size, bool fast, int mode,
    struct fx_rec *g)
{
	teller_ctx *ctx;
	struct tl_xml x;
	const char *file;
	long line, col;
	char head[64];
	bool unsure = false;
	int rc, k;

	FUZZ_ASSERT(teller_ctx_new(NULL, &ctx) == TELLER_OK);
	fuzz_limits(ctx);
	if (size % 3 == 1)
		ctx->lim.depth = 2 + (int)(size % 5);
	g->n = 0;
	g->ev = 0;
	g->skipd = 0;
	g->refuse = size % 4 == 2 && mode != 3 ? (long)(size % 11) : 0;
	memset(&x, 0, sizeof x);
	x.start = fx_start;
	x.end = fx_end;
	x.ud = g;
	x.idnames = mode > 0 ? fx_ids : NULL;
	x.trusted = mode == 2;
	if (fast)
		rc = tl_xml_scan(ctx, &x, "f.xml", (const char *)data, size,
		    &unsure);
	else
		rc = tl_xml_parse(ctx, &x, "f.xml", (const char *)data, size);
	teller_errpos(ctx, &file, &line, &col);
	k = snprintf(head, sizeof head, "#%d %ld:%ld ", rc, line, col);
	fx_put(g, head, (size_t)k);
	if (rc != TELLER_OK) {
		FUZZ_ASSERT(!unsure);
		fx_put(g, teller_errmsg(ctx), strlen(teller_errmsg(ctx)));
	}
	g->rc = rc;
	teller_ctx_free(ctx);
	return unsure;
}

static void
fx_same(const struct fx_rec *a, const struct fx_rec *b)
{
	if (a->n != b->n || memcmp(a->p, b->p, a->n) != 0) {
		fprintf(stderr, "scanner: %.*s\nexpat:   %.*s\n", (int)a->n,
		    a->p, (int)b->n, b->p);
		FUZZ_ASSERT(!"the scanner and expat differ");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fx_rec a = { NULL, 0, 0, 0, 0, 0, 0 }, b = a;

	if (!fx_read(data, size, true, 0, &a)) {
		fx_read(data, size, false, 0, &b);
		fx_same(&a, &b);
		/* with ids (other elements skipped: it may go further) */
		fx_read(data, size, false, 1, &b);
		if (!fx_read(data, size, true, 1, &a))
			fx_same(&a, &b);
		/* trusted, once the scanner read it all */
		if (!fx_read(data, size, true, 3, &a) && a.rc == TELLER_OK) {
			FUZZ_ASSERT(!fx_read(data, size, true, 2, &a));
			fx_same(&a, &b);
		}
	}
	free(a.p);
	free(b.p);
	return 0;
}
