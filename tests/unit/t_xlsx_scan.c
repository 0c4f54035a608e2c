/* SPDX-License-Identifier: MIT */
/*
 * t_xlsx_scan.c -- the xlsx sheet scanner (lib/rctab/xlsx.c, issue 17)
 * gives the rows and errors expat gives: each sheet below is read by the
 * scanner (expat taking over where it must) and by expat alone, and the
 * rows handed over, the return code and the message must be the same.
 * The plain sheets must be read by the scanner to the end; the others
 * must be handed to expat without a row given twice. Then whole
 * workbooks: a large sheet deflated (inflated whole) and compressed with
 * bzip2 (streamed through the scanner in 64 KiB pieces, tags cut at
 * their ends) give the same rows, also when expat must take over late
 * or a tag is longer than the streaming window. TELLER_OOM=1: each
 * allocation of a workbook's read failing in turn gives ENOMEM, leaking
 * nothing, inflated whole, streamed, and with expat taking over.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "harness.h"
#include "cli.h"
#include "oom.h"
#include "rctab.h"

static char lg[16384];
static size_t lgn;
static long fail_row; /* the row fn refuses (0: none) */

/* Append "row:col=text;...|" to lg (a length that is not the text's
 * marked). */
static int
onrow(teller_ctx *ctx, void *ud, long row, const struct tl_xlsx_cell *c,
    int n)
{
	int i;

	(void)ud;
	lgn += (size_t)snprintf(lg + lgn, sizeof lg - lgn, "%ld:", row);
	for (i = 0; i < n && lgn < sizeof lg; i++)
		lgn += (size_t)snprintf(lg + lgn, sizeof lg - lgn, "%d=%s%s;",
		    c[i].col, c[i].text, c[i].len == strlen(c[i].text) ? "" :
		    "(bad len)");
	if (lgn < sizeof lg)
		lgn += (size_t)snprintf(lg + lgn, sizeof lg - lgn, "|");
	if (lgn >= sizeof lg)
		lgn = sizeof lg - 1;
	if (row == fail_row)
		return tl_fail(ctx, TELLER_EPARSE, "row %ld refused", row);
	return TELLER_OK;
}

static const char *const sst[] = { "Alice", "Bob", "undervote" };

/* Read xml (fast or expat only) with line_bytes (0: default); the
 * outcome as text in out. */
static void
run(const char *xml, bool fast, size_t line_bytes, char *out, size_t cap,
    bool *scanned)
{
	teller_ctx *ctx;
	teller_limits lim;
	const char *file;
	long line, col;
	int rc;

	lgn = 0;
	lg[0] = '\0';
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		snprintf(out, cap, "no context");
		return;
	}
	teller_limits_init(&lim);
	if (line_bytes > 0)
		lim.line_bytes = line_bytes;
	teller_ctx_set_limits(ctx, &lim);
	rc = tl_xlsx_sheet_xml(ctx, xml, strlen(xml), sst, 3, fast, scanned,
	    onrow, NULL);
	teller_errpos(ctx, &file, &line, &col);
	snprintf(out, cap, "%d %ld:%ld %s || %s", rc, line, col,
	    rc != TELLER_OK ? teller_errmsg(ctx) : "", lg);
	teller_ctx_free(ctx);
}

#define D1 "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
#define WS "<worksheet xmlns=\"http://schemas.openxmlformats.org/" \
    "spreadsheetml/2006/main\" xmlns:x14ac=\"x\" mc:Ignorable=\"x14ac\">"
#define R1 "<row r=\"1\" spans=\"1:3\"><c r=\"A1\" t=\"s\"><v>0</v></c>" \
    "<c r=\"B1\" t=\"s\"><v>1</v></c></row>"
#define R2 "<row r=\"2\"><c r=\"A2\"><v>12.50</v></c><c r=\"C2\" " \
    "t=\"b\"><v>1</v></c></row>"
#define END "</sheetData></worksheet>"

struct tcase {
	const char *xml;
	bool scanned;      /* the scanner reads it to the end */
	size_t line_bytes; /* 0: default */
	long fail_row;
};

static const struct tcase cases[] = {
	/* plain: the scanner reads them */
	{ D1 WS "<sheetData>" R1 R2 END "\n", true, 0, 0 },
	{ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" WS "<sheetData>" R1
	    END, true, 0, 0 },
	{ WS "<sheetData/></worksheet>", true, 0, 0 },
	{ "<x:worksheet xmlns:x=\"y\"><x:sheetData><x:row><x:c><x:v>7</x:v>"
	    "</x:c><x:c x:r=\"D5\" r='F5' t = 'inlineStr'><x:is><x:t>Zed"
	    "</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>",
	    true, 0, 0 },
	{ WS "<sheetData>\r\n<row\r\nr=\"3\" >\t<c r=\"A3\"/><c><v> 1E3 "
	    "</v></c><c t=\"n\"><v>-0.0</v></c><c t=\"n\"><v>1.2300E-2</v>"
	    "</c><c t=\"str\"><v>a'\"b></v></c><c t=\"verylongtypename\">"
	    "<v>x</v></c><v>9</v></row >" END, true, 0, 0 },
	{ WS "<sheetData><row r=\"4\"><c r=\"A4\" t=\"s\"><v>2</v></c>"
	    "<c r=\"B4\" t=\"inlineStr\"><is><r><t>in</t></r><t>line</t>"
	    "</is></c></row><row><c r=\"ZZ5\"><v>5</v></c></row>" END,
	    true, 0, 0 },
	/* whole cells read in one go (scan_quick_cell), and cells near
	 * them it must leave to the tags */
	{ WS "<sheetData><row r=\"1\"><c r=\"A1\" t=\"str\"><c r=\"B1\" "
	    "t=\"s\"><v>1</v></c></c><c r=\"b7\"><v>0</v></c><c r=\"D1\">"
	    "<v>007</v></c><c r=\"E1\"><v>1234567890</v></c><c r=\"F1\" "
	    "t=\"s\"><v>000000002</v></c></row>" END, true, 0, 0 },
	{ WS "<sheetData><c r=\"A1\" t=\"s\"><v>0</v></c><row r=\"2\"><c "
	    "r=\"A2\" t=\"inlineStr\"><is><t>x<c r=\"B2\"><v>5</v></c>y"
	    "</t></is></c><c r=\"C2\" t=\"s\"><v>2</v></c></row>" END, true,
	    0, 0 },
	{ WS "<sheetData><row><v><c r=\"A1\" t=\"s\"><v>0</v></c>9</v>"
	    "</row>" END, true, 0, 0 },
	/* row tags read in one go (scan_quick_row) or not */
	{ WS "<sheetData><row r=\"4\" spans=\"1:5\" x14ac:dyDescent=\"0.3\">"
	    "<c r=\"A4\" t=\"s\"><v>0</v></c></row><row x:r=\"7\" r=\"8\" "
	    "t=\"x\"><c><v>1</v></c></row><row spans='1' r=\"9\"><v>2</v>"
	    "</row><row  r=\"10\" ><c r=\"A10\"><v>3</v></c></row><row>"
	    "<c r=\"B11\"><v>4</v></c></row><rows r=\"12\"/><row r=\"13\" "
	    "ht=\"\"/></sheetData></worksheet>", true, 0, 0 },
	/* a row tag like the last one read whole but for its number (the
	 * kept tail), and ones that only look like it */
	{ WS "<sheetData>" R1 "<row r=\"2\" spans=\"1:3\"><c r=\"A2\" "
	    "t=\"s\"><v>2</v></c></row><row r=\"2x\" spans=\"1:3\"></row>"
	    "<row r=\"30\" spans=\"1:3\"/><row r=\"31\" spans=\"1:3\">"
	    "</row><row r=\"\" spans=\"1:3\"></row><row r=\"40\" "
	    "spans=\"1:3\" ><v>1</v></row>" END, true, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\" spans=\"1:3\" spans=\"1:3\">"
	    "</row>" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\" spans=\"1:3\"></row><row "
	    "r=\"3\" spans=\"1:3\" r=\"4\"></row>" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\" spans=\"1:3\"></row><row "
	    "r=\"3\" spans=\"1:3\"" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\" s=\"1\" r=\"3\"><c><v>1</v>"
	    "</c></row>" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\" s=\"1\" s=\"3\"></row>" END,
	    false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\" s=\"a<b\"></row>" END, false,
	    0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\" s=\"\xc3\xb8\"></row>" END,
	    false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\"s=\"1\"></row>" END, false, 0,
	    0 },
	{ WS "<sheetData>" R1 "<row r=\"2\" =\"1\"></row>" END, false, 0,
	    0 },
	{ WS "<sheetData>" R1 "<row r=\"2\"></rows>" END, false, 0, 0 },
	{ WS "<sheetData><row r=\"2\" s=\"\x01\"></row>" END, false, 0,
	    0 },
	{ WS "<sheetData>" R1 "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v>"
	    "</c></row>" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v>"
	    "</c><c r=\"B2\" t=\"s\"><v>0</v></c></row>" END, false, 11,
	    0 },
	{ WS "<sheetData>" R1 "<row r=\"2\"><c r=\"A2\"><v>12345</v></c>"
	    "<c r=\"B2\"><v>123456</v></c></row>" END, false, 11, 0 },
	/* expat takes over: same rows, none twice */
	{ D1 WS "<sheetData>" R1 "<!-- note -->" R2 END, false, 0, 0 },
	{ D1 WS "<sheetData>" R1 R2 "<row r=\"3\"><c t=\"inlineStr\"><is>"
	    "<t>A &amp; B</t></is></c></row>" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row><c><v><![CDATA[42]]></v></c></row>" END,
	    false, 0, 0 },
	{ WS "<sheetData>" R1 "<?pi x?>" R2 END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row><c t=\"inlineStr\"><is><t>J\xc3\xb8rn"
	    "</t></is></c></row>" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row><c><v>1\r\n2</v></c></row>" END,
	    false, 0, 0 },
	{ WS "<sheetData>" R1 "<row><c t=\"str\"><v>a]b</v></c></row>" END,
	    false, 0, 0 },
	{ "<?xml version='1.0'?>" WS "<sheetData>" R1 END, false, 0, 0 },
	{ "\xef\xbb\xbf" WS "<sheetData>" R1 END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row><c r=\"A\tB\"><v>1</v></c></row>" END,
	    false, 0, 0 },
	/* errors: expat's, after the same rows */
	{ WS "<sheetData>" R1 R2 "<row><c></row>" END, false, 0, 0 },
	{ WS "<sheetData>" R1 R2, false, 0, 0 },
	{ WS "<sheetData>" R1 END "<more/>", false, 0, 0 },
	{ WS "<sheetData>" R1 END "text", false, 0, 0 },
	{ "text" WS "<sheetData>" R1 END, false, 0, 0 },
	{ "", false, 0, 0 },
	{ "  \n", false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\" r=\"3\"/>" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\"s=\"3\"/>" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"<\"/>" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\"><c t=\"s\"><v>3</v></c></row>"
	    END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\"><c t=\"s\"><v>x</v></c></row>"
	    END, false, 0, 0 },
	{ "<!DOCTYPE w>" WS "<sheetData>" R1 END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row><c><v>&#49;</v></c></row>" END, false,
	    0, 0 },
	{ WS "<sheetData>" R1 "<row><c><v>\x01</v></c></row>" END, false, 0,
	    0 },
	{ WS "<sheetData>" R1 "< row/>" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "<row/ >" END, false, 0, 0 },
	{ WS "<sheetData>" R1 "</ sheetData></worksheet>", false, 0, 0 },
	{ WS "<sheetData><row r=\"1\"><c><v>1</v></c></row>\n<row r=\"2\">"
	    "<c>\n<v>12345\n6789012</v></c></row>" END, false, 8, 0 },
	{ WS "<sheetData>" R1 "<row r=\"2\"><c t=\"s\"><v>0</v></c><c "
	    "t=\"s\"><v>0</v></c></row>" END, false, 11, 0 },
	/* the reader's own error, from the scanner or after expat took
	 * over */
	{ WS "<sheetData>" R1 R2 END, false, 0, 2 },
	{ WS "<sheetData>" R1 "<!---->" R2 "<row r=\"3\"/>" END, false, 0,
	    3 },
	{ WS "<sheetData>" R1 R2 "<row r=\"3\"/><!---->" END, false, 0, 2 },
};

/* ---- whole workbooks ---- */

static char xpath[64];
static char *big;
static size_t bign, bigcap;

static int
onrow_big(teller_ctx *ctx, void *ud, long row,
    const struct tl_xlsx_cell *c, int n)
{
	char tmp[64];
	int i;
	size_t k;

	(void)ctx;
	(void)ud;
	for (i = -1; i < n; i++) {
		if (i < 0)
			k = (size_t)snprintf(tmp, sizeof tmp, "%ld:", row);
		else
			k = (size_t)snprintf(tmp, sizeof tmp, "%d=%.40s;",
			    c[i].col, c[i].text);
		if (bign + k + 2 > bigcap) {
			char *q = realloc(big, bigcap * 2 + k + 64);
			if (q == NULL)
				return TELLER_ENOMEM;
			big = q;
			bigcap = bigcap * 2 + k + 64;
		}
		memcpy(big + bign, tmp, k + 1);
		bign += k;
	}
	big[bign++] = '|';
	big[bign] = '\0';
	return TELLER_OK;
}

/* Zip workbook, shared strings and sheet (compressed with method) to
 * xpath. */
static int
mkbook(const char *sheet, size_t n, zip_int32_t method)
{
	static const char wbx[] = "<workbook xmlns:r=\"r\"><sheets><sheet "
	    "name=\"S\" r:id=\"rId1\"/></sheets></workbook>";
	static const char sstx[] = "<sst><si><t>Alice</t></si><si><t>Bob"
	    "</t></si><si><t>undervote</t></si></sst>";
	const char *names[3] = { "xl/workbook.xml", "xl/sharedStrings.xml",
	    "xl/worksheets/sheet1.xml" };
	const char *data[3] = { wbx, sstx, sheet };
	size_t len[3] = { sizeof wbx - 1, sizeof sstx - 1, n };
	zip_t *z;
	zip_int64_t idx;
	int e = 0, i;

	unlink(xpath);
	if ((z = zip_open(xpath, ZIP_CREATE | ZIP_TRUNCATE, &e)) == NULL)
		return -1;
	for (i = 0; i < 3; i++) {
		zip_source_t *zs = zip_source_buffer(z, data[i], len[i], 0);
		if (zs == NULL || (idx = zip_file_add(z, names[i], zs,
		    ZIP_FL_ENC_UTF_8)) < 0) {
			zip_source_free(zs);
			zip_discard(z);
			return -1;
		}
		if (i == 2 && zip_set_file_compression(z, (zip_uint64_t)idx,
		    method, 0) != 0) {
			zip_discard(z);
			return -1;
		}
	}
	return zip_close(z) == 0 ? 0 : -1;
}

/* Read xpath; the outcome (code, message, rows) in a new string. */
static char *
readbook(void)
{
	teller_ctx *ctx;
	char *out;
	int rc;

	bign = 0;
	if (big != NULL)
		big[0] = '\0';
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return NULL;
	teller_ctx_set_input(ctx, &cli_files);
	rc = tl_xlsx_read(ctx, xpath, onrow_big, NULL);
	out = malloc(bign + 300);
	if (out != NULL)
		snprintf(out, bign + 300, "%d %s || %s", rc, rc != TELLER_OK ?
		    teller_errmsg(ctx) : "", big != NULL ? big : "");
	teller_ctx_free(ctx);
	return out;
}

/* A sheet of rows rows; at row odd, odd (a comment, a long tag). */
static char *
mksheet(int rows, int at, const char *odd, size_t *n)
{
	size_t cap = (size_t)rows * 200 + strlen(odd) + 1000, k;
	char *b = malloc(cap);
	int i;

	if (b == NULL)
		return NULL;
	k = (size_t)snprintf(b, cap, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
	    "standalone=\"yes\"?>\r\n<worksheet xmlns=\"m\"><sheetData>");
	for (i = 1; i <= rows; i++) {
		if (i == at)
			k += (size_t)snprintf(b + k, cap - k, "%s", odd);
		k += (size_t)snprintf(b + k, cap - k, "<row r=\"%d\" spans="
		    "\"1:3\" x14ac:dyDescent=\"0.3\"><c r=\"A%d\" t=\"s\">"
		    "<v>%d</v></c><c r=\"B%d\"><v>%d.%d</v></c><c r=\"C%d\" "
		    "t=\"inlineStr\"><is><t>name %d</t></is></c></row>", i, i,
		    i % 3, i, i, i % 7, i, i * 7);
	}
	k += (size_t)snprintf(b + k, cap - k, "</sheetData></worksheet>");
	*n = k;
	return b;
}

static void
books(void)
{
	static const struct {
		int at;
		const char *odd;
	} v[] = {
		{ 0, "" },
		{ 3500, "<!-- late -->" },
		{ 3900, "<row r=\"0\"><c><v>&amp;</v></c></row>" },
		{ 2000, NULL }, /* a tag longer than the window */
		{ 3990, "<row><c t=\"s\"><v>9</v></c></row>" },
	};
	char *sheet, *a, *b, *odd;
	size_t i, n;
	long t0;

	snprintf(xpath, sizeof xpath, "/tmp/t_xlsx_scan.%ld.xlsx",
	    (long)getpid());
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		odd = NULL;
		if (v[i].odd == NULL && (odd = malloc(300100)) != NULL) {
			memcpy(odd, "<row x=\"", 8);
			memset(odd + 8, 'x', 300000);
			memcpy(odd + 300008, "\"/>", 4);
		}
		sheet = mksheet(4000, v[i].at, odd != NULL ? odd : v[i].odd,
		    &n);
		CHECK(sheet != NULL && n > 500000, "sheet %zu", i);
		if (sheet == NULL)
			continue;
		CHECK_INT(mkbook(sheet, n, ZIP_CM_DEFLATE), 0);
		t0 = tl_xlsx_takeovers();
		a = readbook();
		/* the plain sheet and the long tag: the scanner reads them
		 * whole; the others go to expat */
		CHECK_INT(tl_xlsx_takeovers() - t0, i == 0 || i == 3 ? 0 : 1);
		CHECK_INT(mkbook(sheet, n, ZIP_CM_BZIP2), 0);
		t0 = tl_xlsx_takeovers();
		b = readbook();
		/* streamed: the long tag too goes to expat */
		CHECK_INT(tl_xlsx_takeovers() - t0, i == 0 ? 0 : 1);
		CHECK(a != NULL && b != NULL && strcmp(a, b) == 0,
		    "book %zu: deflated and bzip2 differ", i);
		if (i < 4)
			CHECK(a != NULL && strstr(a, "|4000:1=Bob;2=4000.3;"
			    "3=name 28000;|") != NULL, "book %zu: %.60s", i,
			    a ? a : "");
		else
			CHECK(a != NULL && strncmp(a, "2 shared string 9",
			    17) == 0 && strstr(a, "|3989:") != NULL &&
			    strstr(a, "|3990:") == NULL, "book %zu: %.60s", i,
			    a ? a : "");
		free(a);
		free(b);
		free(sheet);
		free(odd);
	}
	unlink(xpath);
	free(big);
}

static int
oom_book(teller_ctx *ctx, void *arg)
{
	(void)arg;
	teller_ctx_set_input(ctx, &cli_files);
	bign = 0;
	return tl_xlsx_read(ctx, xpath, onrow_big, NULL);
}

static void
oom_books(void)
{
	char *sheet;
	size_t n;

	snprintf(xpath, sizeof xpath, "/tmp/t_xlsx_scan.%ld.xlsx",
	    (long)getpid());
	sheet = mksheet(800, 0, "", &n);
	CHECK(sheet != NULL && n > 2 * 65536, "oom sheet");
	if (sheet != NULL) {
		CHECK_INT(mkbook(sheet, n, ZIP_CM_DEFLATE), 0);
		oom_loop("xlsx inflated whole", oom_book, NULL);
		CHECK_INT(mkbook(sheet, n, ZIP_CM_BZIP2), 0);
		oom_loop("xlsx streamed", oom_book, NULL);
		free(sheet);
	}
	sheet = mksheet(800, 700, "<!-- expat -->", &n);
	if (sheet != NULL) {
		CHECK_INT(mkbook(sheet, n, ZIP_CM_DEFLATE), 0);
		oom_loop("xlsx, expat taking over", oom_book, NULL);
		free(sheet);
	}
	unlink(xpath);
	free(big);
}

int
main(void)
{
	char a[20000], b[20000], deep[4096];
	bool scanned, ignored;
	size_t i, k;
	int d;

	if (oom_enabled()) {
		oom_books();
		return h_done();
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fail_row = cases[i].fail_row;
		run(cases[i].xml, true, cases[i].line_bytes, a, sizeof a,
		    &scanned);
		run(cases[i].xml, false, cases[i].line_bytes, b, sizeof b,
		    &ignored);
		CHECK(strcmp(a, b) == 0, "case %zu:\n scanner %s\n expat %s",
		    i, a, b);
		CHECK(scanned == cases[i].scanned, "case %zu: scanned %d",
		    i, (int)scanned);
	}
	fail_row = 0;
	/* what the first sheet gives, spelled out */
	run(cases[0].xml, true, 0, a, sizeof a, &scanned);
	CHECK_STR(a, "0 0:0  || 1:1=Alice;2=Bob;|2:1=12.5;3=TRUE;|");
	run(cases[4].xml, true, 0, a, sizeof a, &scanned);
	CHECK_STR(a, "0 0:0  || 3:2= 1E3 ;3=0;4=0.0123;5=a'\"b>;6=x;|");
	/* nesting beyond the scanner's stack */
	k = (size_t)snprintf(deep, sizeof deep, "%s", WS "<sheetData>" R1);
	for (d = 0; d < 70; d++)
		k += (size_t)snprintf(deep + k, sizeof deep - k, "<g>");
	k += (size_t)snprintf(deep + k, sizeof deep - k, "%s", R2);
	for (d = 0; d < 70; d++)
		k += (size_t)snprintf(deep + k, sizeof deep - k, "</g>");
	snprintf(deep + k, sizeof deep - k, "%s", END);
	run(deep, true, 0, a, sizeof a, &scanned);
	run(deep, false, 0, b, sizeof b, &ignored);
	CHECK_STR(a, b);
	CHECK(!scanned, "deep: scanned");
	CHECK_STR(a, "0 0:0  || 1:1=Alice;2=Bob;|2:1=12.5;3=TRUE;|");
	books();
	return h_done();
}
