/* SPDX-License-Identifier: MIT */
/*
 * t_xlsx_scan.c -- the xlsx sheet scanner (lib/rctab/xlsx.c, issue 17)
 * gives the rows and errors expat gives: each sheet below is read by the
 * scanner (expat taking over where it must) and by expat alone, and the
 * rows handed over, the return code and the message must be the same.
 * The plain sheets must be read by the scanner to the end; the others
 * must be handed to expat without a row given twice.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rctab.h"

static char lg[16384];
static size_t lgn;
static long fail_row; /* the row fn refuses (0: none) */

/* Append "row:col=text;...|" to lg. */
static int
onrow(teller_ctx *ctx, void *ud, long row, const struct tl_xlsx_cell *c,
    int n)
{
	int i;

	(void)ud;
	lgn += (size_t)snprintf(lg + lgn, sizeof lg - lgn, "%ld:", row);
	for (i = 0; i < n && lgn < sizeof lg; i++)
		lgn += (size_t)snprintf(lg + lgn, sizeof lg - lgn, "%d=%s;",
		    c[i].col, c[i].text);
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

int
main(void)
{
	char a[20000], b[20000], deep[4096];
	bool scanned, ignored;
	size_t i, k;
	int d;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fail_row = cases[i].fail_row;
		run(cases[i].xml, true, cases[i].line_bytes, a, sizeof a,
		    &scanned);
		run(cases[i].xml, false, cases[i].line_bytes, b, sizeof b,
		    &ignored);
		CHECK(strcmp(a, b) == 0, "case %zu:\n  scanner %s\n  expat   %s",
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
	return h_done();
}
