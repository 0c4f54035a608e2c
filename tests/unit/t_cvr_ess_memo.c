/* SPDX-License-Identifier: MIT */
/*
 * t_cvr_ess_memo.c -- the ES&S reader's memo (lib/rctab/cvr_ess.c): rows
 * whose ranking cells are all shared strings come as stable slots, the
 * same pointer for the same cells and another for other cells, and every
 * row's slots are what the rules of rctab.md 7.1 give (a model here):
 * trimmed cells, labels mapped, overvote delimiter, blanks as write-ins;
 * cells that need a copy (trimmed at the end, split) or are inline
 * strings or numbers are never kept. With 1 and 2 threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "harness.h"
#include "cli.h"
#include "rctab.h"

#define ROWS 3000

static char dir[64];

/* The shared strings; the test's rows pick from them. */
static const char *const sst[] = { "Alice", "Bob", "  Carol", "Dave  ",
    "undervote", "over", "UWI", "Alice|Bob", "Bob | Dave" };
#define NSST ((int)(sizeof sst / sizeof sst[0]))

/* Cell of row i, column c (2..4): -1 none, -2 an inline "Bob", -3 the
 * number 7, else a shared string index. */
static int
cell(int i, int c)
{
	unsigned long x = (unsigned long)i * 2654435761u + (unsigned long)c *
	    40503u;

	x ^= x >> 13;
	x %= (unsigned long)(NSST + 3);
	if (i % 97 == 0 && c == 3)
		return -2;
	if (i % 89 == 0 && c == 4)
		return -3;
	return x < 3 ? -1 : (int)x - 3;
}

static int
mkbook(const char *path)
{
	static const char wbx[] = "<workbook xmlns:r=\"r\"><sheets><sheet "
	    "name=\"S\" r:id=\"rId1\"/></sheets></workbook>";
	const char *names[3] = { "xl/workbook.xml", "xl/sharedStrings.xml",
	    "xl/worksheets/sheet1.xml" };
	size_t cap = (size_t)ROWS * 400 + 4096, m = 0, sm = 0;
	char *sh = malloc(cap), *ss = malloc(4096);
	const char *data[3];
	size_t len[3];
	zip_t *z;
	int e = 0, i, c, k, rc;

	if (sh == NULL || ss == NULL)
		abort();
	sm += (size_t)snprintf(ss + sm, 4096 - sm, "<sst>");
	for (k = 0; k < NSST; k++)
		sm += (size_t)snprintf(ss + sm, 4096 - sm, "<si><t xml:space="
		    "\"preserve\">%s</t></si>", sst[k]);
	sm += (size_t)snprintf(ss + sm, 4096 - sm, "</sst>");
	m += (size_t)snprintf(sh + m, cap - m, "<?xml version=\"1.0\" "
	    "encoding=\"UTF-8\"?>\n<worksheet xmlns=\"m\"><sheetData>"
	    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>ID</t></is>"
	    "</c></row>");
	for (i = 2; i <= ROWS + 1; i++) {
		m += (size_t)snprintf(sh + m, cap - m, "<row r=\"%d\"><c r="
		    "\"A%d\"><v>%d</v></c>", i, i, i);
		for (c = 2; c <= 4; c++) {
			k = cell(i, c);
			if (k == -2)
				m += (size_t)snprintf(sh + m, cap - m, "<c r="
				    "\"%c%d\" t=\"inlineStr\"><is><t>Bob</t>"
				    "</is></c>", 'A' + c - 1, i);
			else if (k == -3)
				m += (size_t)snprintf(sh + m, cap - m, "<c r="
				    "\"%c%d\"><v>7</v></c>", 'A' + c - 1, i);
			else if (k >= 0)
				m += (size_t)snprintf(sh + m, cap - m, "<c r="
				    "\"%c%d\" t=\"s\"><v>%d</v></c>",
				    'A' + c - 1, i, k);
		}
		m += (size_t)snprintf(sh + m, cap - m, "</row>");
	}
	m += (size_t)snprintf(sh + m, cap - m, "</sheetData></worksheet>");
	data[0] = wbx;
	len[0] = sizeof wbx - 1;
	data[1] = ss;
	len[1] = sm;
	data[2] = sh;
	len[2] = m;
	unlink(path);
	rc = -1;
	if ((z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e)) == NULL)
		goto out;
	for (k = 0; k < 3; k++) {
		zip_source_t *zs = zip_source_buffer(z, data[k], len[k], 0);
		if (zs == NULL || zip_file_add(z, names[k], zs,
		    ZIP_FL_ENC_UTF_8) < 0) {
			zip_source_free(zs);
			zip_discard(z);
			goto out;
		}
	}
	rc = zip_close(z) == 0 ? 0 : -1;
out:
	free(sh);
	free(ss);
	return rc;
}

/* ------------------------------------------------------------------ */
/* the model: row i's slots as text ("rank:a=b;rank:c;")               */

static void
trim(const char **s, const char **e)
{
	while (*s < *e && (unsigned char)**s <= ' ')
		(*s)++;
	while (*e > *s && (unsigned char)(*e)[-1] <= ' ')
		(*e)--;
}

/* One part [s, e) of a cell, mapped, appended to out; 0 if skipped. */
static int
part(const char *s, const char *e, char *out)
{
	size_t n = (size_t)(e - s);

	if (n == 9 && memcmp(s, "undervote", 9) == 0)
		return 0;
	if (n == 4 && memcmp(s, "over", 4) == 0)
		strcat(out, TL_CVR_OVERVOTE);
	else if (n == 3 && memcmp(s, "UWI", 3) == 0)
		strcat(out, TL_CVR_UWI);
	else
		strncat(out, s, n);
	return 1;
}

static void
model(int i, bool blank_uwi, char *out)
{
	int c, last = 0, k, np;
	char rk[16];

	out[0] = '\0';
	for (c = 2; c <= 4; c++)
		if (cell(i, c) != -1)
			last = c;
	for (c = 2; c <= last; c++) {
		const char *t, *s, *e, *bar;
		char buf[256];
		size_t at = strlen(out);
		k = cell(i, c);
		snprintf(rk, sizeof rk, "%d:", c - 1);
		strcat(out, rk);
		if (k == -1) {
			if (blank_uwi)
				strcat(out, TL_CVR_UWI ";");
			else
				out[at] = '\0';
			continue;
		}
		t = k == -2 ? "Bob" : k == -3 ? "7" : sst[k];
		s = t;
		e = t + strlen(t);
		trim(&s, &e);
		np = 0;
		buf[0] = '\0';
		for (;;) {
			const char *ps = s, *pe;
			bar = memchr(s, '|', (size_t)(e - s));
			pe = bar != NULL ? bar : e;
			trim(&ps, &pe);
			if (np > 0 && ps < pe)
				strcat(buf, "=");
			np += part(ps, pe, buf);
			if (bar == NULL)
				break;
			s = bar + 1;
		}
		if (np == 0) {
			out[at] = '\0';
			continue;
		}
		strcat(out, buf);
		strcat(out, ";");
	}
}

/* ------------------------------------------------------------------ */
/* the read                                                            */

struct seen {
	bool blank_uwi;
	int bad, stable, rows;
	const void *slots[ROWS + 2];  /* stable slots pointer by row */
	char text[ROWS + 2][256];
};

static int
on_cvr(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	struct seen *s = ud;
	char got[256], want[256], rk[16];
	int i, j;

	(void)ctx;
	got[0] = '\0';
	for (i = 0; i < r->nslots; i++) {
		snprintf(rk, sizeof rk, "%d:", r->slots[i].rank);
		strcat(got, rk);
		for (j = 0; j < r->slots[i].n; j++) {
			if (j > 0)
				strcat(got, "=");
			strcat(got, r->slots[i].cands[j]);
		}
		strcat(got, ";");
	}
	model((int)r->line, s->blank_uwi, want);
	if (strcmp(got, want) != 0 && s->bad++ < 5)
		fprintf(stderr, "row %ld: got \"%s\", want \"%s\"\n", r->line,
		    got, want);
	s->rows++;
	if (r->stable && r->line <= ROWS + 1) {
		s->stable++;
		s->slots[r->line] = r->slots;
		snprintf(s->text[r->line], sizeof s->text[0], "%s", got);
	}
	return TELLER_OK;
}

static void
one(const char *path, int nt, bool blank_uwi)
{
	static struct seen s;
	struct tl_cvr_source src;
	teller_ctx *ctx;
	int rc, i, j, pairs = 0;

	memset(&s, 0, sizeof s);
	s.blank_uwi = blank_uwi;
	memset(&src, 0, sizeof src);
	src.provider = "ess";
	src.path = path;
	src.raw_path = path;
	src.contest_id = "";
	src.first_vote_col = 2;
	src.first_vote_row = 2;
	src.id_col = 1;
	src.overvote_delimiter = "|";
	src.overvote_label = "over";
	src.skipped_rank_label = "undervote";
	src.uwi_label = "UWI";
	src.blank_is_uwi = blank_uwi;
	src.max_rankings = 0;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	teller_ctx_set_input(ctx, &cli_files);
	teller_ctx_set_threads(ctx, nt);
	rc = tl_cvr_read_ess(ctx, &src, on_cvr, &s);
	CHECK(rc == TELLER_OK, "%d threads: %s", nt, teller_errmsg(ctx));
	teller_ctx_free(ctx);
	CHECK_INT(s.rows, ROWS);
	CHECK(s.bad == 0, "%d threads, blank_uwi %d: %d rows differ", nt,
	    blank_uwi, s.bad);
	/* most rows have shared strings only, and come stable */
	CHECK(s.stable > ROWS / 4, "%d threads: only %d stable rows", nt,
	    s.stable);
	/* the same pointer for the same text, another for another; rows
	 * with a copied part, an inline string or a number never stable */
	for (i = 2; i <= ROWS + 1; i++) {
		bool copy = false;
		int c;
		for (c = 2; c <= 4; c++)
			copy = copy || cell(i, c) < -1 || cell(i, c) == 3 ||
			    cell(i, c) >= 7;
		if (copy && s.slots[i] != NULL)
			CHECK(0, "row %d: stable with a copied part", i);
	}
	for (i = 2; i <= ROWS + 1 && i < 400; i++)
		for (j = i + 1; j <= ROWS + 1; j++) {
			if (s.slots[i] == NULL || s.slots[j] == NULL)
				continue;
			if ((s.slots[i] == s.slots[j]) != (cell(i, 2) ==
			    cell(j, 2) && cell(i, 3) == cell(j, 3) &&
			    cell(i, 4) == cell(j, 4))) {
				CHECK(0, "rows %d and %d: pointers %s", i, j,
				    s.slots[i] == s.slots[j] ? "same" :
				    "differ");
				return;
			}
			pairs += s.slots[i] == s.slots[j];
		}
	CHECK(pairs > 0, "no row repeated another's slots");
}

int
main(void)
{
	char path[128];

	snprintf(dir, sizeof dir, "/tmp/t_cvr_ess_memo.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/cvr.xlsx", dir);
	CHECK(mkbook(path) == 0, "mkbook");
	one(path, 1, false);
	one(path, 2, false);
	one(path, 1, true);
	one(path, 2, true);
	unlink(path);
	rmdir(dir);
	return h_done();
}
