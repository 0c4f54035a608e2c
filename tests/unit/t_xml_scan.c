/* SPDX-License-Identifier: MIT */
/*
 * t_xml_scan.c -- the fast XML scanner (tl_xml_scan, lib/rctab/
 * cvr_xml.c, issue 17) gives the callbacks what expat gives them: each
 * document below, and every XML file of $SHARED/data/rctab, is read by
 * both with callbacks that write down every event (depth, name, line,
 * attributes, text; the children of elements named s... skipped), and,
 * once for each of a set of events, with a
 * callback that refuses that event (tl_xml_fail: line and column). The
 * transcripts, return codes and messages must be the same wherever the
 * scanner does not give up; the documents of the subset (and the CDF
 * files of RCTab's cases) must be read by the scanner to the end. Then
 * the CDF reader: each CDF XML case of RCTab read with the scanner and
 * with expat alone gives the same records and errors, also when the
 * scanner gives up early or late in the first pass.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "cli.h"
#include "cvr_util.h"
#include "rctab_cvr.h"

/* A growing transcript. */
struct rec {
	char *b;
	size_t n, cap;
	long ev, failk; /* events seen; the one to refuse (0: none) */
	int skipd;      /* depth of the element skipped (0: none) */
	int rc;
};

/* Element ids (x->idnames) for the id runs: names not here are "?". */
static const char *const test_ids[] = { "r", "a", "b", "c", "d", "e",
    "sk", "s", "t", "q", "e2", "Election", "CVR", "GpUnit", "Rank", NULL };

/* The local name of the innermost element, as the run knows it. */
static const char *
name_of(const struct tl_xml *x)
{
	unsigned id;

	if (x->idnames == NULL)
		return x->path[x->depth - 1];
	id = x->ids[x->depth - 1];
	return id > 0 ? x->idnames[id - 1] : "?";
}

static void
app(struct rec *r, const char *fmt, ...)
{
	va_list ap;
	int k;

	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(r->b + r->n, r->cap - r->n, fmt, ap);
		va_end(ap);
		if (k >= 0 && (size_t)k < r->cap - r->n)
			break;
		r->cap = r->cap * 2 + (size_t)k + 64;
		if ((r->b = realloc(r->b, r->cap)) == NULL)
			abort();
	}
	r->n += (size_t)k;
}

static int
on_start(struct tl_xml *x, const char **attrs)
{
	struct rec *r = x->ud;
	size_t i;

	if (r->skipd > 0 && x->depth > r->skipd)
		return TELLER_OK;
	/* children of elements named s... are skipped */
	if (name_of(x)[0] == 's') {
		x->skip = true;
		r->skipd = x->depth;
	}
	app(r, "<%d %s L%ld", x->depth, name_of(x), tl_xml_line(x));
	for (i = 0; attrs[i] != NULL; i += 2)
		app(r, " %s=[%s]", attrs[i], attrs[i + 1]);
	app(r, "\n");
	if (++r->ev == r->failk)
		return tl_xml_fail(x, TELLER_EPARSE, "start %ld", r->ev);
	return TELLER_OK;
}

static int
on_end(struct tl_xml *x, const char *text, size_t n)
{
	struct rec *r = x->ud;

	if (r->skipd > 0 && x->depth > r->skipd)
		return TELLER_OK;
	if (x->depth == r->skipd)
		r->skipd = 0;
	app(r, ">%d %s L%ld [%.*s]\n", x->depth, name_of(x), tl_xml_line(x),
	    (int)n, text);
	if (++r->ev == r->failk)
		return tl_xml_fail(x, TELLER_ELIMIT, "end %ld", r->ev);
	return TELLER_OK;
}

/* Read buf by the scanner (fast) or expat, refusing event failk; the
 * transcript and outcome in r. mode 0: paths; 1: ids (x->idnames); 2:
 * ids, trusted (the scanner read buf before). Returns whether the
 * scanner gave up. */
static bool
run_mode(const char *buf, size_t len, bool fast, long failk, int depth,
    int mode, struct rec *r)
{
	teller_ctx *ctx;
	teller_limits lim;
	struct tl_xml x;
	const char *file;
	long line, col;
	bool unsure = false;
	int rc;

	r->n = 0;
	r->ev = 0;
	r->skipd = 0;
	r->failk = failk;
	if (r->b == NULL) {
		r->cap = 256;
		if ((r->b = malloc(r->cap)) == NULL)
			abort();
	}
	r->b[0] = '\0';
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	teller_limits_init(&lim);
	if (depth > 0)
		lim.depth = depth;
	teller_ctx_set_limits(ctx, &lim);
	memset(&x, 0, sizeof(x));
	x.start = on_start;
	x.end = on_end;
	x.ud = r;
	x.idnames = mode > 0 ? test_ids : NULL;
	x.trusted = mode == 2;
	if (fast)
		rc = tl_xml_scan(ctx, &x, "f.xml", buf, len, &unsure);
	else
		rc = tl_xml_parse(ctx, &x, "f.xml", buf, len);
	teller_errpos(ctx, &file, &line, &col);
	app(r, "= %d %ld:%ld %s\n", rc, line, col, rc != TELLER_OK ?
	    teller_errmsg(ctx) : "");
	r->rc = rc;
	teller_ctx_free(ctx);
	return unsure;
}

static bool
run(const char *buf, size_t len, bool fast, long failk, int depth,
    struct rec *r)
{
	return run_mode(buf, len, fast, failk, depth, 0, r);
}

/* With ids (mode 1), and trusted (mode 2, when the scanner reads buf
 * without an error): the same as expat with ids, for every event
 * refused in turn (every step-th). */
static void
same_ids(const char *what, const char *buf, size_t len, int depth)
{
	struct rec a = { NULL, 0, 0, 0, 0, 0, 0 }, b = a;
	long k, n, step;
	int mode;
	bool u;

	u = run_mode(buf, len, true, 0, depth, 1, &a);
	if (u) {
		free(a.b);
		return;
	}
	for (mode = 1; mode <= 2; mode++) {
		if (mode == 2 && a.rc != TELLER_OK)
			break;
		(void)run_mode(buf, len, false, 0, depth, 1, &b);
		n = b.ev;
		step = n > 400 ? n / 199 : 1;
		for (k = 0; k <= n; k += k == 0 ? 1 : step) {
			u = run_mode(buf, len, true, k, depth, mode, &a);
			(void)run_mode(buf, len, false, k, depth, 1, &b);
			CHECK(!u && strcmp(a.b, b.b) == 0, "%s, ids mode %d, "
			    "event %ld refused: scanner\n%.3000s\nexpat\n"
			    "%.3000s", what, mode, k, a.b, b.b);
		}
		if (mode == 1)
			(void)run_mode(buf, len, true, 0, depth, 1, &a);
	}
	free(a.b);
	free(b.b);
}

/* Whether buf reads the same both ways, for every event refused in
 * turn (every step-th for long documents). *scanned: whether the
 * scanner read it. */
static void
same(const char *what, const char *buf, size_t len, int depth,
    bool *scanned)
{
	struct rec a = { NULL, 0, 0, 0, 0, 0, 0 }, b = a;
	long k, n, step;

	same_ids(what, buf, len, depth);
	*scanned = !run(buf, len, true, 0, depth, &a);
	if (!*scanned) {
		free(a.b);
		return;
	}
	(void)run(buf, len, false, 0, depth, &b);
	CHECK(strcmp(a.b, b.b) == 0, "%s: scanner\n%.2000s\nexpat\n%.2000s",
	    what, a.b, b.b);
	n = b.ev;
	step = n > 400 ? n / 199 : 1;
	for (k = 1; k <= n; k += step) {
		bool u = run(buf, len, true, k, depth, &a);

		(void)run(buf, len, false, k, depth, &b);
		CHECK(!u && strcmp(a.b, b.b) == 0, "%s, event %ld refused: "
		    "scanner\n%.3000s\nexpat\n%.3000s", what, k, a.b, b.b);
	}
	free(a.b);
	free(b.b);
}

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

struct tcase {
	const char *xml;
	bool scanned; /* in the subset: the scanner must read it */
	int depth;    /* lim.depth (0: default) */
};

static const struct tcase cases[] = {
	{ DECL "<a><b x=\"1\" y='2'>t</b>\n  <c/><d  >u\nv</d ></a>\n",
	    true, 0 },
	{ "<?xml version='1.0'?><r xmlns=\"n\" xmlns:xsi=\"i\"><xsi:e "
	    "xsi:type=\"T\" ObjectId=\"o1\">x&gt;</xsi:e></r>", false, 0 },
	{ "<?xml version='1.0'?><r xmlns=\"n\" xmlns:xsi=\"i\"><xsi:e "
	    "xsi:type=\"T\" ObjectId=\"o1\">x></xsi:e><e2 a = \"x>y\"/></r>",
	    true, 0 },
	{ "\n\n  <r>\n\t<s>J\xc3\xb8rn \xe2\x82\xac \xf0\x9f\x98\x80</s>"
	    "<t a=\"\xc3\xa9\xc3\xa9\">\xc3\xa9</t>\n</r>\n\n", true, 0 },
	{ "<r><a><b><c/></b></a></r>", true, 3 },
	{ "<r><a><b><c/></b></a></r>", true, 4 },
	{ "<r>a]b]]c</r>", true, 0 },
	/* elements named s... skip their children (x->skip) */
	{ "<r><sk a='1'>t1<c>x<d/></c>t2<e/>t3</sk><sk/><q>z<s/></q></r>",
	    true, 0 },
	{ "<r><sk><a><b><c/></b></a></sk></r>", true, 3 },
	{ "<r><sk><a><b><c/></b></a></sk></r>", true, 5 },
	{ "<r><sk><a><b><c/></b></a></sk></r>", true, 6 },
	{ "<r><sk><a><b a='1' a='2'/></a></sk></r>", false, 0 },
	{ "<r><sk><a><b></a></b></sk></r>", false, 0 },
	{ "<r><sk><a>&amp;</a></sk></r>", false, 0 },
	/* the skipped children's fast loop (scan_skipped): texts of 16
	 * bytes and more, what it hands back to the checking scan */
	{ "<r><sk>\n    <a>\n        <b>plain text of more than 16</b>\n"
	    "    </a>\n    <c/>\n  a tail of more than sixteen\n</sk></r>",
	    true, 0 },
	{ "<r><sk>aaaaaaaaaaaaaaaaaaaa<a/>bbbbbbbbbbbbbbbbbbbbb<c>x</c>"
	    "cccccccccccccccccccccc</sk><s>dddddddddddddddddd</s></r>",
	    true, 0 },
	{ "<r><sk><a>abcdefghijklmnopqrstu&amp;</a></sk></r>", false, 0 },
	{ "<r><sk><a>abcdefghijklmnopq]r]]s</a></sk></r>", true, 0 },
	{ "<r><sk><a>abcdefghijklmnopq]r]]>s</a></sk></r>", false, 0 },
	{ "<r><sk><a>abcdefghijklmnopq\xc3\xa9rstuvwxyz0123456</a>"
	    "</sk></r>", true, 0 },
	{ "<r><sk><a>abcdefghijklmnopqrs\x01tuvwxyz0123456</a></sk></r>",
	    false, 0 },
	{ "<r><sk><a>abcdefghijklmnopqrs\rtuvwxyz0123456</a></sk></r>",
	    false, 0 },
	{ "<r><sk><a>x</a ><b></b\n><c  /></sk></r>", true, 0 },
	{ "<r><sk><a><b x='1'>t</b><p:c>u</p:c><p:d/></a></sk></r>",
	    true, 0 },
	{ "<r><sk><a><!-- c --></a>x<!-- d -->y</sk></r>", true, 0 },
	{ "<r><sk><a><b>xxxxxxxxxxxxxxxxxxxx</a></b></sk></r>", false, 0 },
	{ "<r><sk><a><b>xxxxxxxxxxxxxxxxxxxx</bb></a></sk></r>", false, 0 },
	{ "<r><sk><a><b>xxxxxxxxxxxxxxxxxxxx</b></a></sk></r>", true, 0 },
	{ "<r><sk><a>xxxxxxxxxxxxxxxxxxxx<", false, 0 },
	{ "<r><sk><a><b><c></c></b></a></sk></r>", true, 4 },
	{ "<r><sk><a><b><c></c></b></a></sk></r>", true, 5 },
	{ "<r><sk><a><b><c></c></b></a></sk></r>", true, 6 },
	{ "<r><sk><a><b><c/></b></a></sk></r>", true, 5 },
	{ "<r/>", true, 0 },
	{ "<r></r>   \n", true, 0 },
	{ "<r><a/><a/><a/>text<a/>tail</r>", true, 0 },
	/* outside the subset: expat decides */
	{ "<r>a]]>b</r>", false, 0 },
	{ "<r><a>x<!-- c -->y<!---->z</a><!-- \xc3\xa9 - -->\n</r>",
	    true, 0 },
	{ "<!-- p -->\n<!--q--><r/><!-- e -->\n", true, 0 },
	{ DECL "<!-- p --><r/>", true, 0 },
	{ "<r><!-- a -- b --></r>", false, 0 },
	{ "<r><!-- a ---></r>", false, 0 },
	{ "<r><!-- a </r>", false, 0 },
	{ "<r><!- a --></r>", false, 0 },
	{ "<r><![CDATA[x]]></r>", false, 0 },
	{ "<r><?pi x?></r>", false, 0 },
	{ "<!DOCTYPE r><r/>", false, 0 },
	{ "\xef\xbb\xbf<r/>", false, 0 },
	{ "<r>a\r\nb</r>", false, 0 },
	{ "<r a=\"1\" a=\"2\"/>", false, 0 },
	{ "<r a=\"1\"b=\"2\"/>", false, 0 },
	{ "<r a=\"x\ty\"/>", false, 0 },
	{ "<r a=\"&amp;\"/>", false, 0 },
	{ "<r>&#65;</r>", false, 0 },
	{ "<r><a></b></r>", false, 0 },
	{ "<r><a>", false, 0 },
	{ "<r/><s/>", false, 0 },
	{ "<r/>x", false, 0 },
	{ "", false, 0 },
	{ "   ", false, 0 },
	{ "<r>\xc3</r>", false, 0 },
	/* a bad byte, then eight good ones or more before the tag */
	{ "<r>ab\xb3" "cdefghijklmnop</r>", false, 0 },
	{ "<r>abcdefghijklm\x01nopqrstuvw<a/>\n\t x</r>", false, 0 },
	{ "<r>\n\t\t\t\t\t\t\t\t<a>\n        </a>\n</r>", true, 0 },
	{ "<r>\xed\xa0\x80</r>", false, 0 },
	{ "<r>\xef\xbf\xbe</r>", false, 0 },
	{ "<r>\x01</r>", false, 0 },
	{ "<r:a:b/>", false, 0 },
	{ "<1r/>", false, 0 },
	{ "<?xml version=\"1.1\"?><r/>", false, 0 },
	{ "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>", false, 0 },
	{ "<?xml encoding=\"UTF-8\"?><r/>", false, 0 },
	{ "<?xml-stylesheet href=\"a\"?><r/>", false, 0 },
	{ " <?xml version=\"1.0\"?><r/>", false, 0 },
};

static void
test_cases(void)
{
	size_t i;
	bool scanned;
	char what[32];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(what, sizeof(what), "case %zu", i);
		same(what, cases[i].xml, strlen(cases[i].xml), cases[i].depth,
		    &scanned);
		CHECK(scanned == cases[i].scanned, "%s: scanned %d", what,
		    (int)scanned);
	}
}

static const char *
shared_dir(void)
{
	const char *s = getenv("SHARED");

	return s != NULL && s[0] != '\0' ? s : "../shared";
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (b = malloc((size_t)n + 1)) != NULL &&
	    fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	if (b != NULL) {
		*len = (size_t)n;
		b[n] = '\0';
	}
	fclose(f);
	return b;
}

/* Every .xml file of dir and its folders. *nfiles, *ncdf: files read,
 * of which CDF reports (which the scanner must read). */
static void
walk(const char *dir, int *nfiles, int *ncdf)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[1024];
	struct stat st;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name), len;
		bool scanned, cdf;
		char *buf;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (stat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(p, nfiles, ncdf);
			continue;
		}
		if (n < 4 || strcmp(de->d_name + n - 4, ".xml") != 0 ||
		    (buf = slurp(p, &len)) == NULL)
			continue;
		same(p, buf, len, 0, &scanned);
		cdf = strstr(buf, "CastVoteRecordReport") != NULL;
		if (cdf) {
			CHECK(scanned, "%s: the scanner gave up", p);
			++*ncdf;
		}
		++*nfiles;
		free(buf);
	}
	closedir(d);
}

static void
test_shared(void)
{
	char root[512];
	int nfiles = 0, ncdf = 0;

	snprintf(root, sizeof(root), "%s/data/rctab", shared_dir());
	walk(root, &nfiles, &ncdf);
	if (nfiles == 0) {
		printf("SKIP: %s not found\n", root);
		return;
	}
	CHECK(ncdf >= 2, "%d CDF files", ncdf);
}

/* The CDF reader's records as text. */
static int
on_cvr(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	struct rec *t = ud;
	int i, j;

	(void)ctx;
	app(t, "%s|%s|%s|%s|%ld|", r->computed_id, r->supplied_id ?
	    r->supplied_id : "-", r->precinct ? r->precinct : "-",
	    r->batch ? r->batch : "-", r->line);
	for (i = 0; i < r->nslots; i++)
		for (j = 0; j < r->slots[i].n; j++)
			app(t, "%d=%s;", r->slots[i].rank,
			    r->slots[i].cands[j]);
	app(t, "\n");
	return TELLER_OK;
}

static void
cdf_read(const char *path, const char *contest, int maxr, bool expat,
    struct rec *t)
{
	struct tl_cvr_source src;
	teller_ctx *ctx;
	const char *file;
	long line, col;
	int rc;

	t->n = 0;
	if (t->b == NULL) {
		t->cap = 256;
		if ((t->b = malloc(t->cap)) == NULL)
			abort();
	}
	t->b[0] = '\0';
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	teller_ctx_set_input(ctx, &cli_files);
	memset(&src, 0, sizeof(src));
	src.provider = "cdf";
	src.path = path;
	src.contest_id = contest;
	src.overvote_label = "";
	src.max_rankings = maxr;
	tl_cvr_cdf_expat = expat;
	rc = tl_cvr_read_cdf(ctx, &src, on_cvr, t);
	tl_cvr_cdf_expat = false;
	teller_errpos(ctx, &file, &line, &col);
	app(t, "= %d %ld:%ld %s\n", rc, line, col, rc != TELLER_OK ?
	    teller_errmsg(ctx) : "");
	teller_ctx_free(ctx);
}

static void
test_cdf(void)
{
	static const struct {
		const char *file, *contest;
		int maxr;
	} cs[] = {
		{ "nist_xml_cdf_2/nist_xml_cdf_2.xml",
		    "For Governor and Lieutenant Governor", 0 },
		{ "unisyn_cvrs/101-RCV-CVT_TEST_3_UNIOVS2103-2.xml",
		    "For City C Chief of Police (1/3)", 0 },
		{ "unisyn_cvrs/101-RCV-CVT_TEST_3_UNIOVS2103-2.xml",
		    "For City C Mayor (1/3)", 0 },
		{ "unisyn_cvrs/101-RCV-CVT_TEST_3_UNIOVS2103-2.xml",
		    "For County Coroner (1/2)", 0 },
		{ "unisyn_cvrs/101-RCV-CVT_TEST_3_UNIOVS2103-2.xml",
		    "For County Coroner (1/2)", 1 },
		{ "unisyn_cvrs/101-RCV-CVT_TEST_3_UNIOVS2103-2.xml",
		    "no such contest", 0 },
		{ "unisyn_cvrs/797-GEN-OVCS_Sess_3_Combined_UVSOVS22516.xml",
		    "For City C Mayor (1/3)", 0 },
	};
	struct rec a = { NULL, 0, 0, 0, 0, 0, 0 }, b = a;
	char p[1024];
	size_t i;

	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		snprintf(p, sizeof(p), "%s/data/rctab/%s", shared_dir(),
		    cs[i].file);
		cdf_read(p, cs[i].contest, cs[i].maxr, false, &a);
		cdf_read(p, cs[i].contest, cs[i].maxr, true, &b);
		CHECK(strcmp(a.b, b.b) == 0, "%s %s: scanner\n%.2000s\n"
		    "expat\n%.2000s", cs[i].file, cs[i].contest, a.b, b.b);
		CHECK(a.n > 20, "%s: %.200s", cs[i].file, a.b);
	}
	free(a.b);
	free(b.b);
}

/* Write buf[0..n) with text ins put in at the first at (NULL: before
 * the last line) to path. */
static bool
put_with(const char *path, const char *buf, size_t n, const char *at,
    const char *ins)
{
	const char *q = at != NULL ? strstr(buf, at) : NULL;
	FILE *f;
	size_t k;

	if (at == NULL) {
		for (k = n - 1; k > 0 && buf[k - 1] != '\n'; k--)
			;
		q = buf + k;
	}
	if (q == NULL || (f = fopen(path, "wb")) == NULL)
		return false;
	k = (size_t)(q - buf);
	fwrite(buf, 1, k, f);
	fputs(ins, f);
	fwrite(q, 1, n - k, f);
	return fclose(f) == 0;
}

/* Files the scanner gives up on, early or at the very end of pass 1:
 * expat reads both passes again from a clean state (no Candidate seen
 * twice, no record given twice), as expat alone would. */
static void
test_cdf_fallback(void)
{
	static const struct {
		const char *at, *ins;
	} cs[] = {
		{ NULL, "\t<cdf:Note>a &amp; b</cdf:Note>\n" },
		{ "<cdf:CVR>", "<cdf:Note><![CDATA[x]]></cdf:Note>" },
		{ "<cdf:Version>", "<?pi x?>" },
		{ NULL, "\t<cdf:Note>a &amp; b</cdf:Note>\n<bad>" },
	};
	struct rec a = { NULL, 0, 0, 0, 0, 0, 0 }, b = a;
	char src[1024], path[256];
	size_t i, n;
	char *buf;

	snprintf(src, sizeof(src), "%s/data/rctab/nist_xml_cdf_2/"
	    "nist_xml_cdf_2.xml", shared_dir());
	if ((buf = slurp(src, &n)) == NULL)
		return;
	snprintf(path, sizeof(path), "/tmp/t_xml_scan_%ld.xml",
	    (long)getpid());
	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		struct tl_xml x;
		teller_ctx *ctx;
		bool unsure = false;
		int rc;

		CHECK(put_with(path, buf, n, cs[i].at, cs[i].ins), "%s", path);
		/* the scanner alone gives up on it */
		{
			size_t len;
			char *t = slurp(path, &len);

			if (t == NULL || teller_ctx_new(NULL, &ctx) != 0)
				abort();
			memset(&x, 0, sizeof(x));
			rc = tl_xml_scan(ctx, &x, path, t, len, &unsure);
			CHECK(rc == TELLER_OK && unsure, "case %zu: %d", i, rc);
			teller_ctx_free(ctx);
			free(t);
		}
		cdf_read(path, "For Governor and Lieutenant Governor", 0, false,
		    &a);
		cdf_read(path, "For Governor and Lieutenant Governor", 0, true,
		    &b);
		CHECK(strcmp(a.b, b.b) == 0, "case %zu: scanner\n%.2000s\n"
		    "expat\n%.2000s", i, a.b, b.b);
		CHECK(i == 3 ? strstr(a.b, "= 2 ") != NULL :
		    strstr(a.b, "= 0 ") != NULL && a.n > 40, "case %zu: %s",
		    i, a.b);
	}
	remove(path);
	free(buf);
	free(a.b);
	free(b.b);
}

/* Elements of a CVR's marks found outside a CVRSnapshot, or outside a
 * snapshot's CVRContest, are not read (RCTab's CVR and snapshot have no
 * such children): the records are those of the file without them. They
 * go just after the first CVR's CVRContest of the contest, so a Rank
 * that took it for its own would change the first record. */
static void
test_cdf_foreign(void)
{
	static const char *const ins[] = {
		"</CVRSnapshot><Foo><CVRContest><CVRContestSelection>"
		    "<Rank>3</Rank></CVRContestSelection></CVRContest></Foo>"
		    "<CVRSnapshot ObjectId=\"x\">",
		"<Bar><CVRContestSelection><SelectionPosition><Rank>3</Rank>"
		    "</SelectionPosition></CVRContestSelection></Bar>",
	};
	static const char contest[] = "For County Coroner (1/2)";
	/* just after the contest's CVRContest in the first CVR */
	static const char at[] = "<CVRContest>\n"
	    "                <ContestId>CON_115";
	struct rec a = { NULL, 0, 0, 0, 0, 0, 0 }, b = a, o = a;
	char src[1024], path[256];
	size_t i, n;
	char *buf;

	snprintf(src, sizeof(src), "%s/data/rctab/unisyn_cvrs/"
	    "101-RCV-CVT_TEST_3_UNIOVS2103-2.xml", shared_dir());
	if ((buf = slurp(src, &n)) == NULL)
		return;
	snprintf(path, sizeof(path), "/tmp/t_xml_scan_f%ld.xml",
	    (long)getpid());
	/* the same name for both: the computed ids name the file */
	CHECK(put_with(path, buf, n, at, ""), "%s", path);
	cdf_read(path, contest, 0, false, &o);
	CHECK(strstr(o.b, "= 0 ") != NULL && o.n > 20, "%.200s", o.b);
	for (i = 0; i < sizeof(ins) / sizeof(ins[0]); i++) {
		CHECK(put_with(path, buf, n, at, ins[i]), "%s", path);
		cdf_read(path, contest, 0, false, &a);
		cdf_read(path, contest, 0, true, &b);
		CHECK(strcmp(a.b, b.b) == 0, "case %zu: scanner\n%.2000s\n"
		    "expat\n%.2000s", i, a.b, b.b);
		CHECK(strcmp(a.b, o.b) == 0, "case %zu: with\n%.600s\n"
		    "without\n%.600s", i, a.b, o.b);
	}
	remove(path);
	free(buf);
	free(a.b);
	free(b.b);
	free(o.b);
}

/* Marks kept by the reader (tl_cvrb_mark_kept) and copied ones, mixed:
 * the same slots, and a kept name is handed over as its own pointer. */
static void
test_cvrb_kept(void)
{
	static const char alice[] = "Alice";
	struct tl_cvrb b;
	struct tl_cvr r;
	teller_ctx *ctx;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	/* the readers name the input before the first mark (errors) */
	memset(&b, 0, sizeof(b));
	b.file = "kept.xml";
	CHECK(tl_cvrb_init(ctx, &b) == TELLER_OK, "init");
	CHECK(tl_cvrb_mark(&b, 2, "Bob", 3) == TELLER_OK, "mark");
	CHECK(tl_cvrb_mark_kept(&b, 1, alice) == TELLER_OK, "kept");
	CHECK(tl_cvrb_mark(&b, 1, "Carol", 5) == TELLER_OK, "mark");
	CHECK(tl_cvrb_mark_kept(&b, 0, alice) == TELLER_EPARSE, "rank 0");
	memset(&r, 0, sizeof(r));
	CHECK(tl_cvrb_finish(&b, &r) == TELLER_OK, "finish");
	CHECK(r.nslots == 2 && r.slots[0].rank == 1 && r.slots[0].n == 2 &&
	    r.slots[1].rank == 2 && r.slots[1].n == 1, "%d slots",
	    r.nslots);
	if (r.nslots == 2) {
		CHECK(r.slots[0].cands[0] == alice, "kept pointer");
		CHECK(strcmp(r.slots[0].cands[1], "Carol") == 0 &&
		    strcmp(r.slots[1].cands[0], "Bob") == 0, "copies");
	}
	teller_ctx_free(ctx);
}

int
main(void)
{
	test_cases();
	test_shared();
	test_cdf();
	test_cdf_fallback();
	test_cdf_foreign();
	test_cvrb_kept();
	return h_done();
}
