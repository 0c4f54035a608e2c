/* SPDX-License-Identifier: MIT */
/*
 * t_xlsx_par.c -- the pipelined read of ES&S workbooks (lib/rctab/xlsx.c,
 * "the pipelined read", issue 17): a contest of three .xlsx files, run
 * with 1, 2 and 3 threads, writes byte-identical files (summary and
 * rctab_cvr.csv) and stops with the same code and message when a later
 * file is bad: broken XML near its end, an unknown candidate, a missing
 * ID cell (the row function fails while the worker is ahead), a missing
 * file, a file that is no zip. The files are large enough to fill the
 * queue between the threads; one is compressed with bzip2 (streamed
 * through the scanner) and one has a comment, so expat takes over.
 * With threads, rctab_cvr.csv is written by a thread of its own; when it
 * cannot be written, early or just before a bad XML that the reading
 * thread reaches first, the error is still the one-thread run's. The
 * next workbook is read ahead (tl_xlsx_read_ahead): opened before the
 * last row of the one before, the same rows; its error reported only
 * when read, never when a read ahead is dropped.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "harness.h"
#include "partest.h"

#define ROWS 9000
#define NFILES 3

/* ------------------------------------------------------------------ */
/* workbooks                                                           */

/* What file k's sheet has at row odd_row (0: nothing odd). */
enum odd { O_NONE, O_BADXML, O_UNKNOWN, O_NOID, O_COMMENT };

/* Sheet of file k: a header row, then ROWS ballots (ID, 3 ranks). */
static char *
mksheet(int k, enum odd odd, int odd_row, size_t *n)
{
	size_t cap = (size_t)ROWS * 260 + 1000, m;
	char *b = malloc(cap);
	unsigned long x = 12345u + (unsigned long)k * 777u;
	int i, j;

	if (b == NULL)
		abort();
	m = (size_t)snprintf(b, cap, "<?xml version=\"1.0\" encoding=\"UTF-8\""
	    " standalone=\"yes\"?>\r\n<worksheet xmlns=\"m\"><sheetData>"
	    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>6</v></c></row>");
	for (i = 2; i <= ROWS + 1; i++) {
		if (odd == O_COMMENT && i == odd_row)
			m += (size_t)snprintf(b + m, cap - m, "<!-- c -->");
		m += (size_t)snprintf(b + m, cap - m, "<row r=\"%d\" spans="
		    "\"1:4\">", i);
		if (!(odd == O_NOID && i == odd_row))
			m += (size_t)snprintf(b + m, cap - m, "<c r=\"A%d\">"
			    "<v>%d</v></c>", i, k * 100000 + i);
		for (j = 0; j < 3; j++) {
			x = x * 1103515245u + 12345u;
			if (odd == O_UNKNOWN && i == odd_row && j == 1)
				m += (size_t)snprintf(b + m, cap - m, "<c r="
				    "\"%c%d\" t=\"inlineStr\"><is><t>Zed</t>"
				    "</is></c>", 'B' + j, i);
			else
				m += (size_t)snprintf(b + m, cap - m, "<c r="
				    "\"%c%d\" t=\"s\"><v>%lu</v></c>", 'B' + j,
				    i, (x >> 16) % 6);
		}
		m += (size_t)snprintf(b + m, cap - m, "</row>");
		if (odd == O_BADXML && i == odd_row)
			m += (size_t)snprintf(b + m, cap - m, "</oops>");
	}
	m += (size_t)snprintf(b + m, cap - m, "</sheetData></worksheet>");
	*n = m;
	return b;
}

/* Write file k of the contest (method: the sheet's compression). */
static int
mkbook(int k, enum odd odd, int odd_row, zip_int32_t method)
{
	static const char wbx[] = "<workbook xmlns:r=\"r\"><sheets><sheet "
	    "name=\"S\" r:id=\"rId1\"/></sheets></workbook>";
	static const char sstx[] = "<sst><si><t>Alice</t></si><si><t>Bob"
	    "</t></si><si><t>Carol</t></si><si><t>Dave</t></si><si><t>"
	    "undervote</t></si><si><t>overvote</t></si><si><t>ID</t></si>"
	    "</sst>";
	const char *names[3] = { "xl/workbook.xml", "xl/sharedStrings.xml",
	    "xl/worksheets/sheet1.xml" };
	const char *data[3] = { wbx, sstx, NULL };
	size_t len[3] = { sizeof wbx - 1, sizeof sstx - 1, 0 };
	char path[128];
	char *sheet;
	zip_t *z;
	zip_int64_t idx;
	int e = 0, i, rc;

	sheet = mksheet(k, odd, odd_row, &len[2]);
	data[2] = sheet;
	snprintf(path, sizeof path, "%s/cvr_%d.xlsx", dir, k);
	unlink(path);
	if ((z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e)) == NULL) {
		free(sheet);
		return -1;
	}
	for (i = 0; i < 3; i++) {
		zip_source_t *zs = zip_source_buffer(z, data[i], len[i], 0);
		if (zs == NULL || (idx = zip_file_add(z, names[i], zs,
		    ZIP_FL_ENC_UTF_8)) < 0) {
			zip_source_free(zs);
			zip_discard(z);
			free(sheet);
			return -1;
		}
		if (i == 2 && zip_set_file_compression(z, (zip_uint64_t)idx,
		    method, 0) != 0) {
			zip_discard(z);
			free(sheet);
			return -1;
		}
	}
	rc = zip_close(z) == 0 ? 0 : -1;
	free(sheet);
	return rc;
}

/* The contest's three files, all plain but file k (odd at row r):
 * only the files that change are written again. */
static void
mkall(int k, enum odd odd, int r)
{
	static bool plain[NFILES + 1];
	int i;

	for (i = 1; i <= NFILES; i++) {
		if (i != k && plain[i])
			continue;
		CHECK(mkbook(i, i == k ? odd : O_NONE, r, i == 2 ?
		    ZIP_CM_BZIP2 : ZIP_CM_DEFLATE) == 0, "mkbook %d", i);
		plain[i] = i != k;
	}
}

/* ------------------------------------------------------------------ */
/* a whole run with n threads                                          */

/* rctab_cvr.csv's writer: its calls counted, those from a thread other
 * than main's noted; call cvx_fail (1..; 0: none) fails after a pause
 * of cvx_pause microseconds (< 1 s) (the reading thread gets ahead of it). */
static int cvx_calls, cvx_fail;
static long cvx_pause;
static atomic_long cvx_other;

static int
w_cvx(void *ud, const char *p, size_t n)
{
	if (!pthread_equal(pthread_self(), main_tid))
		atomic_fetch_add(&cvx_other, 1);
	if (++cvx_calls == cvx_fail) {
		struct timespec ts = { 0, cvx_pause * 1000 };
		nanosleep(&ts, NULL);
		return 1;
	}
	b_put(ud, p, n);
	return 0;
}

/* Run the config in dir with nt threads, rctab_cvr.csv written by
 * w_cvx (its calls counted from 0) too: pt_run. */
static int
run(int nt, struct buf *all, char *msg, size_t msgn)
{
	cvx_calls = 0;
	return pt_run(nt, true, all, msg, msgn);
}

/* Runs with 2 and 3 threads give what the one-thread run gives; that
 * run's code. */
static int
same_run(const char *what)
{
	struct buf a = { 0 }, b = { 0 };
	char ma[256], mb[256];
	int ra, rb, nt;

	ra = run(1, &a, ma, sizeof ma);
	for (nt = 2; nt <= 3; nt++) {
		rb = run(nt, &b, mb, sizeof mb);
		CHECK(ra == rb, "%s, %d threads: rc %d vs %d", what, nt, ra,
		    rb);
		CHECK(strcmp(ma, mb) == 0, "%s, %d threads: \"%s\" vs \"%s\"",
		    what, nt, ma, mb);
		CHECK(a.n == b.n && memcmp(a.p, b.p, a.n) == 0, "%s, %d "
		    "threads: outputs differ (%zu vs %zu bytes)", what, nt,
		    a.n, b.n);
	}
	if (ra == TELLER_EWRITE)
		CHECK(strstr(ma, "could not be written") != NULL, "%s: %s",
		    what, ma);
	else if (ra != TELLER_OK)
		CHECK(strstr(ma, "cvr_") != NULL, "%s: message names no file: "
		    "%s", what, ma);
	else
		CHECK(a.n > 100000, "%s: only %zu bytes written", what, a.n);
	free(a.p);
	free(b.p);
	return ra;
}

/* ------------------------------------------------------------------ */
/* the next workbook read ahead (tl_xlsx_read_ahead)                   */

/* Rows given so far, a hash of them, and how many had been given when
 * a file named cvr_2 was opened (-1: not yet). */
static long rows_seen, rows_at_open2;
static long xrow_pause; /* ns every 1000 rows when reading ahead */
static unsigned long rows_hash;

static int
in_open(void *ud, const char *path, const char **buf, size_t *len,
    void **h)
{
	(void)ud;
	if (strstr(path, "cvr_2") != NULL && rows_at_open2 < 0)
		rows_at_open2 = rows_seen;
	return cli_files.open(cli_files.ud, path, buf, len, h);
}

static int
in_kind(void *ud, const char *path)
{
	(void)ud;
	return cli_files.kind(cli_files.ud, path);
}

static void
in_close(void *ud, void *h)
{
	(void)ud;
	cli_files.close(cli_files.ud, h);
}

static int
on_xrow(teller_ctx *ctx, void *ud, long row, const struct tl_xlsx_cell *c,
    int n)
{
	int i;
	const char *p;

	(void)ctx;
	if (ud != NULL && rows_seen % 1000 == 0) {
		/* slower than the worker, as the tabulator is */
		struct timespec ts = { 0, xrow_pause };
		nanosleep(&ts, NULL);
	}
	rows_seen++;
	rows_hash = rows_hash * 31 + (unsigned long)row;
	for (i = 0; i < n; i++)
		for (p = c[i].text; *p != '\0'; p++)
			rows_hash = rows_hash * 131 + (unsigned char)*p;
	return TELLER_OK;
}

/* Read file k with ctx, reading ahead file next (0: none) into *a: the
 * rows to on_xrow (slowly when reading ahead). */
static int
read_k(teller_ctx *ctx, int k, int next, struct tl_xlsx_ahead **a)
{
	static char pk[NFILES + 1][128];
	int i;

	/* once: a read ahead's worker reads its path */
	for (i = 1; i <= NFILES && pk[i][0] == '\0'; i++)
		snprintf(pk[i], sizeof pk[i], "%s/cvr_%d.xlsx", dir, i);
	return tl_xlsx_read_ahead(ctx, pk[k], next > 0 ? pk[next] : NULL, a,
	    on_xrow, next > 0 ? pk[k] : NULL);
}

/* Read file 1 reading file 2 ahead into *a: the row function slower
 * and slower until the worker ends first (as with a slow machine or a
 * sanitizer's build); its code. */
static int
read_1_ahead(teller_ctx *ctx, struct tl_xlsx_ahead **a)
{
	int rc = TELLER_OK;

	for (xrow_pause = 3000000; xrow_pause < 1000000000 && *a == NULL &&
	    rc == TELLER_OK; xrow_pause *= 4) {
		rows_at_open2 = -1;
		rows_seen = 0;
		rc = read_k(ctx, 1, 2, a);
	}
	return rc;
}

static void
check_ahead(void)
{
	teller_input in = { in_open, NULL, in_close, NULL, in_kind, NULL };
	struct tl_xlsx_ahead *a = NULL;
	unsigned long h1, h2;
	teller_ctx *ctx;
	long n1;

	/* file 2 alone, one thread: its rows */
	CHECK(teller_ctx_new(NULL, &ctx) == TELLER_OK, "ctx");
	teller_ctx_set_input(ctx, &in);
	rows_seen = 0;
	rows_hash = 0;
	CHECK_INT(read_k(ctx, 2, 0, &a), TELLER_OK);
	CHECK(a == NULL, "one thread read ahead");
	n1 = rows_seen;
	h1 = rows_hash;
	/* file 1 with 2 threads opens file 2 before its own last row, and
	 * file 2 read ahead gives the same rows */
	teller_ctx_set_threads(ctx, 2);
	CHECK_INT(read_1_ahead(ctx, &a), TELLER_OK);
	CHECK(a != NULL, "file 2 not read ahead");
	CHECK(rows_at_open2 >= 0 && rows_at_open2 < rows_seen, "file 2 "
	    "opened after %ld of %ld rows", rows_at_open2, rows_seen);
	rows_seen = 0;
	rows_hash = 0;
	CHECK_INT(read_k(ctx, 2, 0, &a), TELLER_OK);
	h2 = rows_hash;
	CHECK(a == NULL, "read ahead left");
	CHECK(rows_seen == n1 && h1 == h2, "file 2 read ahead: %ld rows, "
	    "%ld alone", rows_seen, n1);
	teller_ctx_free(ctx);

	/* file 2 bad: a read ahead not used reports nothing, one used
	 * reports what a read started then reports */
	mkall(2, O_BADXML, 40);
	CHECK(teller_ctx_new(NULL, &ctx) == TELLER_OK, "ctx");
	teller_ctx_set_input(ctx, &in);
	teller_ctx_set_threads(ctx, 2);
	CHECK_INT(read_1_ahead(ctx, &a), TELLER_OK);
	CHECK(a != NULL, "bad file 2 not read ahead");
	tl_xlsx_ahead_free(ctx, a);
	a = NULL;
	CHECK_INT(teller_errcode(ctx), TELLER_OK);
	CHECK_INT(read_1_ahead(ctx, &a), TELLER_OK);
	CHECK(a != NULL, "bad file 2 not read ahead");
	CHECK_INT(read_k(ctx, 2, 3, &a), TELLER_EPARSE);
	CHECK(strstr(teller_errmsg(ctx), "mismatched tag") != NULL,
	    "bad file 2 read ahead: %s", teller_errmsg(ctx));
	tl_xlsx_ahead_free(ctx, a);
	teller_ctx_free(ctx);
	mkall(0, O_NONE, 0);
}

static void
write_config(void)
{
	char cfg[4096];
	size_t m;
	int i;

	m = (size_t)snprintf(cfg, sizeof cfg, "{\"tabulatorVersion\":\"TEST\","
	    "\"outputSettings\":{\"contestName\":\"X\"},\"cvrFileSources\":[");
	for (i = 1; i <= NFILES; i++)
		m += (size_t)snprintf(cfg + m, sizeof cfg - m, "%s{"
		    "\"filePath\":\"cvr_%d.xlsx\",\"provider\":\"ess\","
		    "\"firstVoteColumnIndex\":\"2\","
		    "\"firstVoteRowIndex\":\"2\","
		    "\"idColumnIndex\":\"1\",\"overvoteLabel\":\"overvote\","
		    "\"skippedRankLabel\":\"undervote\","
		    "\"undeclaredWriteInLabel\":\"UWI\"}", i > 1 ? "," : "", i);
	snprintf(cfg + m, sizeof cfg - m, "],"
	    "\"candidates\":[{\"name\":\"Alice\"},{\"name\":\"Bob\"},"
	    "{\"name\":\"Carol\"},{\"name\":\"Dave\"}]," PT_RULES "}");
	if (!pt_write_config(cfg))
		abort();
}

/* The export's computed ids ("<file>-<data row>", counted up a row at
 * a time by the reader) across the carries: each id once, none past the
 * last row. */
static void
check_ids(const struct buf *out)
{
	static const long ids[] = { 1, 9, 10, 11, 99, 100, 101, 999, 1000,
	    1001, ROWS - 1, ROWS };
	char want[64], *at;
	size_t i;

	for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		snprintf(want, sizeof want, ",cvr_2.xlsx-%ld,", ids[i]);
		at = strstr(out->p, want);
		CHECK(at != NULL && strstr(at + 1, want) == NULL,
		    "computed id %s: not there once", want);
	}
	snprintf(want, sizeof want, ",cvr_2.xlsx-%d,", ROWS + 1);
	CHECK(strstr(out->p, want) == NULL, "computed id %s", want);
}

int
main(void)
{
	struct buf out1 = { 0 };
	char p[128], msg[256];
	FILE *f;
	int i, ncalls;

	main_tid = pthread_self();
	pt_cvx_write = w_cvx;
	snprintf(dir, sizeof dir, "/tmp/t_xlsx_par.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	write_config();

	mkall(0, O_NONE, 0);
	check_ahead();
	atomic_store(&other_calls, 0);
	CHECK_INT(same_run("plain"), TELLER_OK);
	CHECK(atomic_load(&other_calls) > 0, "no worker thread ran");
	/* rctab_cvr.csv is written by a thread of its own */
	atomic_store(&cvx_other, 0);
	CHECK(run(1, &out1, msg, sizeof msg) == TELLER_OK &&
	    atomic_load(&cvx_other) == 0, "one thread: export off main");
	CHECK(run(2, &out1, msg, sizeof msg) == TELLER_OK &&
	    atomic_load(&cvx_other) > 0, "two threads: export on main");
	check_ids(&out1);
	/* it cannot be written: the error, and where the read stops, are
	 * the one-thread run's */
	cvx_fail = 3;
	CHECK_INT(same_run("export fails early"), TELLER_EWRITE);
	/* ... before a bad XML late in file 3, or after it (the last piece,
	 * written after the read failed); the writer slow to say so, so the
	 * reading thread reaches the bad XML first */
	mkall(3, O_BADXML, ROWS - 5);
	cvx_fail = 0;
	CHECK_INT(run(1, &out1, msg, sizeof msg), TELLER_EPARSE);
	ncalls = cvx_calls;
	CHECK(ncalls > 8, "only %d export writes", ncalls);
	cvx_pause = 300000;
	for (i = 3; i >= 1; i--) {
		cvx_fail = ncalls - i + 1;
		snprintf(p, sizeof p, "export fails at write %d of %d before "
		    "bad XML", cvx_fail, ncalls);
		CHECK_INT(same_run(p), i == 1 ? TELLER_EPARSE : TELLER_EWRITE);
	}
	cvx_fail = 0;
	cvx_pause = 0;
	free(out1.p);
	mkall(3, O_COMMENT, ROWS - 5);
	CHECK_INT(same_run("expat takes over late in file 3"), TELLER_OK);
	mkall(3, O_BADXML, ROWS - 5);
	CHECK_INT(same_run("bad XML late in file 3"), TELLER_EPARSE);
	mkall(2, O_BADXML, ROWS / 2);
	CHECK_INT(same_run("bad XML in the streamed file 2"), TELLER_EPARSE);
	mkall(3, O_UNKNOWN, 50);
	CHECK_INT(same_run("unknown candidate in file 3"), TELLER_EPARSE);
	/* the row function fails early, the worker far ahead */
	mkall(3, O_NOID, 20);
	CHECK_INT(same_run("no ID early in file 3"), TELLER_EPARSE);
	mkall(2, O_NOID, ROWS);
	CHECK_INT(same_run("no ID at the end of file 2"), TELLER_EPARSE);
	/* a bad file later: no zip, then missing */
	mkall(3, O_NONE, 0); /* 1 and 2 plain, 3 replaced below */
	snprintf(p, sizeof p, "%s/cvr_3.xlsx", dir);
	f = fopen(p, "w");
	if (f == NULL)
		return 1;
	fputs("ID,R1\n1,Alice\n", f);
	fclose(f);
	CHECK_INT(same_run("file 3 no zip"), TELLER_EPARSE);
	unlink(p);
	CHECK(same_run("file 3 missing") != TELLER_OK, "missing file read");

	for (i = 1; i <= NFILES; i++) {
		snprintf(p, sizeof p, "%s/cvr_%d.xlsx", dir, i);
		unlink(p);
	}
	snprintf(p, sizeof p, "%s/config.json", dir);
	unlink(p);
	rmdir(dir);
	for (i = 0; i < 8; i++)
		free(outs[i].p);
	return h_done();
}
