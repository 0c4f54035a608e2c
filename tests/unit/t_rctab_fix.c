/* SPDX-License-Identifier: MIT */
/*
 * t_rctab_fix.c -- input checks on the RCTab CVR side: the generic CSV
 * reader refuses a NUL or invalid UTF-8 anywhere, at its true line and
 * column even past the first checked piece (lib/cvr_csv.c); the xlsx
 * reader refuses a DOCTYPE and caps a cell's and a shared string's text
 * (lib/xlsx.c); the RCTab JSON string writer never emits raw control
 * characters or invalid UTF-8 (lib/rctab_out.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "harness.h"
#include "cli.h"
#include "rctab.h"

/* A context whose inputs come from the file system, as the teller
 * command's do (cli/files.c): the library reads no file itself. */
static int
tt_ctx_new(const teller_alloc *alloc, teller_ctx **ctx)
{
	int rc = teller_ctx_new(alloc, ctx);

	if (rc == TELLER_OK)
		teller_ctx_set_input(*ctx, &cli_files);
	return rc;
}

static long long nrec;
static char prec[64];

static int
rec(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	(void)ctx;
	(void)ud;
	nrec++;
	snprintf(prec, sizeof prec, "%s", r->precinct ? r->precinct : "-");
	return TELLER_OK;
}

static char path[64];

/* Write n bytes of text to path and read it as a generic CSV CVR;
 * returns the code, the message in err and the error position. */
static int
readcsv(const char *text, size_t n, char *err, size_t errn, long *line,
    long *col)
{
	struct tl_cvr_source src;
	teller_ctx *ctx;
	FILE *f = fopen(path, "wb");
	int rc;

	if (f == NULL)
		return -1;
	fwrite(text, 1, n, f);
	fclose(f);
	memset(&src, 0, sizeof src);
	src.provider = "genericCsv";
	src.path = path;
	src.contest_id = src.overvote_delimiter = src.overvote_label = "";
	src.skipped_rank_label = src.uwi_label = "";
	src.first_vote_col = 3;
	src.first_vote_row = 2;
	src.id_col = 1;
	src.precinct_col = 2;
	nrec = 0;
	if (tt_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	rc = tl_cvr_read_csv(ctx, &src, rec, NULL);
	snprintf(err, errn, "%s", rc ? teller_errmsg(ctx) : "");
	teller_errpos(ctx, NULL, line, col);
	teller_ctx_free(ctx);
	return rc;
}

/* A CSV of `rows` ballots "rN,P1,1,2\n" with bad bytes `bad` (length
 * bn) put in the precinct cell of row `at` (0: none); *len its size. */
static char *
bigcsv(long rows, long at, const char *bad, size_t bn, size_t *len)
{
	size_t cap = (size_t)rows * 40 + 64, n = 0;
	char *b = malloc(cap);
	long i;

	if (b == NULL)
		return NULL;
	n += (size_t)snprintf(b + n, cap - n, "id,precinct,A,B\n");
	for (i = 1; i <= rows; i++) {
		n += (size_t)snprintf(b + n, cap - n, "r%ld,P", i);
		if (i == at) {
			memcpy(b + n, bad, bn);
			n += bn;
		}
		n += (size_t)snprintf(b + n, cap - n, "1,%d,%d\n",
		    i % 2 ? 1 : 2, i % 2 ? 2 : 1);
	}
	*len = n;
	return b;
}

/* ---- xlsx ---- */

static char xpath[64];

/* Write an .xlsx with this workbook, shared strings (NULL: none) and
 * sheet1. */
static int
mkxlsx(const char *wb, const char *sst, const char *sheet)
{
	zip_t *z;
	int e = 0;
	const char *names[3] = { "xl/workbook.xml", "xl/sharedStrings.xml",
	    "xl/worksheets/sheet1.xml" };
	const char *data[3] = { wb, sst, sheet };
	int i;

	unlink(xpath);
	z = zip_open(xpath, ZIP_CREATE | ZIP_TRUNCATE, &e);
	if (z == NULL)
		return -1;
	for (i = 0; i < 3; i++) {
		zip_source_t *s;
		if (data[i] == NULL)
			continue;
		s = zip_source_buffer(z, data[i], strlen(data[i]), 0);
		if (s == NULL || zip_file_add(z, names[i], s,
		    ZIP_FL_ENC_UTF_8) < 0) {
			zip_source_free(s);
			zip_discard(z);
			return -1;
		}
	}
	return zip_close(z) == 0 ? 0 : -1;
}

static char cells[256];

static int
onrow(teller_ctx *ctx, void *ud, long row, const struct tl_xlsx_cell *c,
    int n)
{
	int i;
	size_t k = strlen(cells);

	(void)ctx;
	(void)ud;
	for (i = 0; i < n && k < sizeof cells - 1; i++)
		k += (size_t)snprintf(cells + k, sizeof cells - k, "%ld/%d=%s|",
		    row, c[i].col, strlen(c[i].text) < 20 ? c[i].text : "long");
	return TELLER_OK;
}

/* Read xpath with line_bytes (0: default) and input_bytes (0: default)
 * caps; message in err. */
static int
readx(size_t line_bytes, size_t input_bytes, char *err, size_t errn)
{
	teller_ctx *ctx;
	teller_limits lim;
	int rc;

	if (tt_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	teller_limits_init(&lim);
	if (line_bytes > 0)
		lim.line_bytes = line_bytes;
	if (input_bytes > 0)
		lim.input_bytes = input_bytes;
	teller_ctx_set_limits(ctx, &lim);
	cells[0] = '\0';
	rc = tl_xlsx_read(ctx, xpath, onrow, NULL);
	snprintf(err, errn, "%s", rc ? teller_errmsg(ctx) : "");
	teller_ctx_free(ctx);
	return rc;
}

static const char wb[] = "<workbook xmlns:r=\"r\"><sheets><sheet "
    "name=\"S\" r:id=\"rId1\"/></sheets></workbook>";

/* ---- JSON strings ---- */

static char jout[256];
static size_t jn;

static int
jw(void *ud, const char *p, size_t n)
{
	(void)ud;
	if (jn + n >= sizeof jout)
		return 1;
	memcpy(jout + jn, p, n);
	jn += n;
	jout[jn] = '\0';
	return 0;
}

static const char *
jstr(const char *s)
{
	teller_ctx *ctx;
	struct tl_out o;

	jn = 0;
	jout[0] = '\0';
	if (tt_ctx_new(NULL, &ctx) != TELLER_OK)
		return "";
	tl_out_init(&o, ctx, jw, NULL);
	tl_rctab_jstr(&o, s);
	if (tl_out_flush(&o) != TELLER_OK)
		jout[0] = '\0';
	teller_ctx_free(ctx);
	return jout;
}

int
main(void)
{
	char err[256], *b;
	long line, col;
	size_t n;
	int fd;
	static const char big[] = "<si><t>";

	snprintf(path, sizeof path, "/tmp/t_rctab_fix.XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	snprintf(xpath, sizeof xpath, "/tmp/t_rctab_fix_x.XXXXXX");
	if ((fd = mkstemp(xpath)) < 0)
		return 1;
	close(fd);

	/* NUL in a header name: refused, not read as "Bo" */
	{
		static const char t[] = "id,precinct,Alice,Bo\0b\nr1,p1,1,2\n";
		CHECK_INT(readcsv(t, sizeof t - 1, err, sizeof err, &line,
		    &col), TELLER_EENCODING);
		CHECK_STR(err, "NUL byte in text");
		CHECK_INT((int)line, 1);
		CHECK_INT((int)col, 21);
	}
	/* NUL after a vote (would be trimmed away as blank) */
	{
		static const char t[] = "id,precinct,A,B\nr1,p1,1\0,2\n";
		CHECK_INT(readcsv(t, sizeof t - 1, err, sizeof err, &line,
		    &col), TELLER_EENCODING);
		CHECK_INT((int)line, 2);
		CHECK_INT((int)col, 8);
	}
	/* invalid UTF-8 in a precinct id, and a truncated sequence at the
	 * very end of the file */
	{
		static const char t[] = "id,precinct,A,B\nr1,p\xff,1,2\n";
		static const char u[] = "id,precinct,A,B\nr1,p,1,2\xc3";
		CHECK_INT(readcsv(t, sizeof t - 1, err, sizeof err, &line,
		    &col), TELLER_EENCODING);
		CHECK_STR(err, "invalid UTF-8");
		CHECK_INT((int)line, 2);
		CHECK_INT((int)col, 5);
		CHECK_INT(readcsv(u, sizeof u - 1, err, sizeof err, &line,
		    &col), TELLER_EENCODING);
		CHECK_INT((int)line, 2);
		CHECK_INT((int)col, 9);
	}
	/* a rank cell: digits only, at most 1000000009 (the digits before
	 * the last at most 10^8, as RCTab's reader here always read) */
	{
		static const char t[] = "id,precinct,A,B\n"
		    "r1,p1,1000000009,2\n";
		static const char u[] = "id,precinct,A,B\n"
		    "r1,p1,1000000010,2\n";
		CHECK_INT(readcsv(t, sizeof t - 1, err, sizeof err, &line,
		    &col), TELLER_OK);
		CHECK_INT(readcsv(u, sizeof u - 1, err, sizeof err, &line,
		    &col), TELLER_EPARSE);
		CHECK_STR(err, "Row 1 expected number at column 3, but got "
		    "\"1000000010\" instead.");
	}
	/* valid UTF-8 is read as is */
	{
		static const char t[] = "id,precinct,A,B\n"
		    "r1,Z\xc3\xbcrich,1,2\n";
		CHECK_INT(readcsv(t, sizeof t - 1, err, sizeof err, &line,
		    &col), TELLER_OK);
		CHECK_STR(prec, "Z\xc3\xbcrich");
	}
	/* ~4 MB: a bad byte far past the first checked piece keeps its true
	 * line and column; a clean file of the same size reads in full */
	b = bigcsv(200000, 150001, "\xe2\x82", 2, &n);
	CHECK(b != NULL, "malloc");
	if (b != NULL) {
		CHECK_INT(readcsv(b, n, err, sizeof err, &line, &col),
		    TELLER_EENCODING);
		CHECK_INT((int)line, 150002);
		CHECK_INT((int)col, 10);
		free(b);
	}
	b = bigcsv(200000, 199999, "\0", 1, &n);
	if (b != NULL) {
		CHECK_INT(readcsv(b, n, err, sizeof err, &line, &col),
		    TELLER_EENCODING);
		CHECK_INT((int)line, 200000);
		CHECK_INT((int)col, 10);
		free(b);
	}
	b = bigcsv(200000, 0, "", 0, &n);
	if (b != NULL) {
		CHECK_INT(readcsv(b, n, err, sizeof err, &line, &col),
		    TELLER_OK);
		CHECK_INT((int)nrec, 200000);
		free(b);
	}

	/* xlsx: a plain workbook reads */
	CHECK_INT(mkxlsx(wb, "<sst><si><t>Alice</t></si></sst>",
	    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v>"
	    "</c><c r=\"B1\"><v>7</v></c></row></sheetData></worksheet>"), 0);
	CHECK_INT(readx(0, 0, err, sizeof err), TELLER_OK);
	CHECK_STR(cells, "1/1=Alice|1/2=7|");
	/* a DOCTYPE (with an entity) in any part is refused, naming it */
	CHECK_INT(mkxlsx(wb, "<!DOCTYPE sst [<!ENTITY al \"Alice\">]>"
	    "<sst><si><t>&al;</t></si></sst>",
	    "<worksheet><sheetData/></worksheet>"), 0);
	CHECK_INT(readx(0, 0, err, sizeof err), TELLER_EPARSE);
	CHECK(strstr(err, "xl/sharedStrings.xml") != NULL &&
	    strstr(err, "DOCTYPE") != NULL, "doctype: %s", err);
	CHECK_INT(mkxlsx("<!DOCTYPE w><workbook/>", NULL,
	    "<worksheet><sheetData/></worksheet>"), 0);
	CHECK_INT(readx(0, 0, err, sizeof err), TELLER_EPARSE);
	CHECK(strstr(err, "xl/workbook.xml") != NULL, "doctype: %s", err);
	CHECK_INT(mkxlsx(wb, NULL, "<!DOCTYPE x [<!ENTITY a \"1\">]>"
	    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>&a;</v></c>"
	    "</row></sheetData></worksheet>"), 0);
	CHECK_INT(readx(0, 0, err, sizeof err), TELLER_EPARSE);
	CHECK(strstr(err, "xl/worksheets/sheet1.xml") != NULL,
	    "doctype: %s", err);
	CHECK_STR(cells, "");
	/* a shared string or a cell longer than line_bytes: ELIMIT */
	{
		char *s = malloc(5000);
		size_t k;
		CHECK(s != NULL, "malloc");
		if (s != NULL) {
			k = (size_t)snprintf(s, 5000, "<sst>%s", big);
			memset(s + k, 'x', 3000);
			snprintf(s + k + 3000, 5000 - k - 3000,
			    "</t></si></sst>");
			CHECK_INT(mkxlsx(wb, s, "<worksheet><sheetData/>"
			    "</worksheet>"), 0);
			CHECK_INT(readx(4096, 0, err, sizeof err), TELLER_OK);
			CHECK_INT(readx(2048, 0, err, sizeof err),
			    TELLER_ELIMIT);
			CHECK(strstr(err, "xl/sharedStrings.xml") != NULL,
			    "sst cap: %s", err);
			/* many short runs in one <si> add up */
			k = (size_t)snprintf(s, 5000, "<sst><si>");
			while (k < 4000)
				k += (size_t)snprintf(s + k, 5000 - k,
				    "<r><t>abcdefgh</t></r>");
			snprintf(s + k, 5000 - k, "</si></sst>");
			CHECK_INT(mkxlsx(wb, s, "<worksheet><sheetData/>"
			    "</worksheet>"), 0);
			CHECK_INT(readx(1024, 0, err, sizeof err),
			    TELLER_ELIMIT);
			k = (size_t)snprintf(s, 5000, "<worksheet><sheetData>"
			    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
			memset(s + k, 'y', 3000);
			snprintf(s + k + 3000, 5000 - k - 3000,
			    "</t></is></c></row></sheetData></worksheet>");
			CHECK_INT(mkxlsx(wb, NULL, s), 0);
			CHECK_INT(readx(4096, 0, err, sizeof err), TELLER_OK);
			CHECK_STR(cells, "1/1=long|");
			CHECK_INT(readx(2048, 0, err, sizeof err),
			    TELLER_ELIMIT);
			CHECK(strstr(err, "xl/worksheets/sheet1.xml") != NULL,
			    "cell cap: %s", err);
			free(s);
		}
	}
	/* the .xlsx file itself against input_bytes */
	CHECK_INT(readx(0, 100, err, sizeof err), TELLER_ELIMIT);

	/* JSON strings: controls escaped, invalid UTF-8 replaced */
	CHECK_STR(jstr("a\x01" "b\x1f\"\\"), "\"a\\u0001b\\u001f\\\"\\\\\"");
	CHECK_STR(jstr("p\xff" "1"), "\"p\xef\xbf\xbd" "1\"");
	CHECK_STR(jstr("Z\xc3\xbc" "\xe2\x82"), "\"Z\xc3\xbc\xef\xbf\xbd"
	    "\xef\xbf\xbd\"");
	CHECK_STR(jstr("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");

	unlink(path);
	unlink(xpath);
	return h_done();
}
