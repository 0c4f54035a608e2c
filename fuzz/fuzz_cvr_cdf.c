/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cvr_cdf.c -- libFuzzer target for RCTab's NIST CDF reader
 * (lib/cvr_cdf.c): an input starting with '<' (after blanks or a byte
 * order mark) is written as cvr.xml, any other as cvr.json, and read for
 * contest "Mayor" with overvote label "overvote" for some lengths.
 * Checks as fuzz_cvr.h. An XML input is read twice, by the fast scanner
 * (with its trusted second pass) and by expat alone (tl_cvr_cdf_expat):
 * the records (ids, marks, lines), the code, message and position must
 * be the same (issue 17).
 */
#include "fuzz_cvr.h"

/* What one read of an XML input gave. */
struct cdf_out {
	struct fz_seen s;
	uint64_t lines;    /* the records' lines, hashed in order */
	int rc;
	long line, col;
	char msg[256];
};

static int
cdf_record(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	struct cdf_out *o = ud;

	o->lines = o->lines * 1099511628211u + (uint64_t)r->line;
	return fz_record(ctx, &o->s, r);
}

/* Read src by the scanner or expat alone into o; false if no context. */
static bool
cdf_once(const struct tl_cvr_source *src, bool expat, bool stop, long max,
    struct cdf_out *o)
{
	teller_ctx *ctx = fz_ctx();

	memset(o, 0, sizeof *o);
	if (ctx == NULL)
		return false;
	o->s.stop_after = stop ? 1 : 0;
	o->s.max = max;
	tl_cvr_cdf_expat = expat;
	o->rc = tl_cvr_read_cdf(ctx, src, cdf_record, o);
	tl_cvr_cdf_expat = false;
	if (!o->s.after_error)
		fz_check(ctx, o->rc);
	teller_errpos(ctx, NULL, &o->line, &o->col);
	snprintf(o->msg, sizeof o->msg, "%s", teller_errmsg(ctx));
	teller_ctx_free(ctx);
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_cvr_source src;
	teller_ctx *ctx;
	const char *name = "cvr.json";
	char path[256];
	size_t i = 0;

	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < size && (data[i] == ' ' || data[i] == '\n' ||
	    data[i] == '\r' || data[i] == '\t'))
		i++;
	if (i < size && data[i] == '<')
		name = "cvr.xml";
	fz_rm(strcmp(name, "cvr.xml") == 0 ? "cvr.json" : "cvr.xml");
	if (fz_put(name, data, size) != 0 || (ctx = fz_ctx()) == NULL)
		return 0;
	fz_source(&src, "cdf", fz_path(path, sizeof path, name));
	src.contest_id = "Mayor";
	if (size % 3 == 1)
		src.overvote_label = "overvote";
	if (size % 4 == 2)
		src.max_rankings = 2;
	fz_run(tl_cvr_read_cdf, ctx, &src, size % 5 == 0,
	    (long)size + 1);
	teller_ctx_free(ctx);
	if (strcmp(name, "cvr.xml") == 0) {
		static struct cdf_out a, b;

		if (!cdf_once(&src, false, size % 5 == 0, (long)size + 1, &a) ||
		    !cdf_once(&src, true, size % 5 == 0, (long)size + 1, &b))
			return 0;
		if (a.rc != b.rc || a.s.n != b.s.n || a.s.sum != b.s.sum ||
		    a.lines != b.lines || a.line != b.line || a.col != b.col ||
		    strcmp(a.msg, b.msg) != 0) {
			fprintf(stderr, "scanner: rc %d, %ld records, %ld:%ld "
			    "%s\nexpat:   rc %d, %ld records, %ld:%ld %s\n",
			    a.rc, a.s.n, a.line, a.col, a.msg, b.rc, b.s.n,
			    b.line, b.col, b.msg);
			FUZZ_ASSERT(!"the scanner and expat differ");
		}
	}
	return 0;
}
