/* SPDX-License-Identifier: MIT */
/*
 * t_rctab_api.c -- the public RCTab entry point (teller_rctab_load/run)
 * with inputs and outputs that are not files: the config and its CVR come
 * from memory through a teller_input, the reports go to memory through a
 * teller_output. Without input callbacks nothing is read (the library
 * opens no file itself), a missing CVR is refused at load, the output
 * folder prefixes every name, and the release hook sees only bytes of the
 * buffers it gave.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "teller.h"

#define CONFIG \
	"{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{" \
	"\"contestName\":\"T\",\"outputDirectory\":\"out\"}," \
	"\"cvrFileSources\":[{\"filePath\":\"cvr.csv\"," \
	"\"provider\":\"genericCsv\",\"firstVoteColumnIndex\":\"2\"," \
	"\"firstVoteRowIndex\":\"2\"}]," \
	"\"candidates\":[{\"name\":\"A\"},{\"name\":\"B\"},{\"name\":\"C\"}]," \
	"\"rules\":{\"tiebreakMode\":\"useCandidateOrder\"," \
	"\"overvoteRule\":\"alwaysSkipToNextRank\"," \
	"\"winnerElectionMode\":\"singleWinnerMajority\"," \
	"\"numberOfWinners\":\"1\",\"decimalPlacesForVoteArithmetic\":\"4\"," \
	"\"maxSkippedRanksAllowed\":\"unlimited\"," \
	"\"maxRankingsAllowed\":\"max\"}}"

/* A > B 4, B > A 3, C > B 2: C goes, B wins 5-4 */
#define CVR "id,A,B,C\n1,1,2,\n2,1,2,\n3,1,2,\n4,1,2,\n" \
	"5,2,1,\n6,2,1,\n7,2,1,\n8,,2,1\n9,,2,1\n"

struct mem {
	const char *path, *text;
	int opens, closes;
};

static struct mem files[] = {
	{ "mem/config.json", CONFIG, 0, 0 },
	{ "mem/cvr.csv", CVR, 0, 0 },
};
#define NFILES ((int)(sizeof files / sizeof files[0]))

static int released, stray;

static int
m_open(void *ud, const char *path, const char **buf, size_t *len,
    void **h)
{
	int i;

	(void)ud;
	for (i = 0; i < NFILES; i++) {
		if (strcmp(files[i].path, path) == 0) {
			files[i].opens++;
			*buf = files[i].text;
			*len = strlen(files[i].text);
			*h = &files[i];
			return 0;
		}
	}
	return strcmp(path, "mem") == 0 ? -1 : ENOENT;
}

static void
m_release(void *ud, void *h, const char *p, size_t n)
{
	const struct mem *f = h;
	size_t len = strlen(f->text);

	(void)ud;
	released++;
	if (p < f->text || p + n > f->text + len)
		stray++;
}

static void
m_close(void *ud, void *h)
{
	(void)ud;
	((struct mem *)h)->closes++;
}

static int
m_list(void *ud, const char *dir, int (*fn)(void *, const char *),
    void *fud)
{
	(void)ud;
	(void)fn;
	(void)fud;
	(void)dir;
	return ENOTDIR;
}

static int
m_kind(void *ud, const char *path)
{
	int i;

	(void)ud;
	for (i = 0; i < NFILES; i++)
		if (strcmp(files[i].path, path) == 0)
			return TELLER_PATH_FILE;
	return strcmp(path, "mem") == 0 ? TELLER_PATH_DIR : TELLER_PATH_NONE;
}

static const teller_input mem_input = {
	m_open, m_release, m_close, m_list, m_kind, NULL
};

static char outname[8][128];
static char out[8][8192];
static size_t outn[8];
static int nout, nclosed;

static int
o_write(void *ud, const char *p, size_t n)
{
	int i = (int)(intptr_t)ud;

	if (outn[i] + n >= sizeof out[i])
		return 1;
	memcpy(out[i] + outn[i], p, n);
	outn[i] += n;
	out[i][outn[i]] = '\0';
	return 0;
}

static int
o_open(void *ud, const char *path, teller_write_fn *w, void **wud)
{
	(void)ud;
	if (nout >= 8)
		return 1;
	snprintf(outname[nout], sizeof outname[nout], "%s", path);
	outn[nout] = 0;
	out[nout][0] = '\0';
	*w = o_write;
	*wud = (void *)(intptr_t)nout++;
	return 0;
}

static int
o_close(void *ud, void *wud)
{
	(void)ud;
	(void)wud;
	nclosed++;
	return 0;
}

static int
find_out(const char *name)
{
	int i;

	for (i = 0; i < nout; i++)
		if (strcmp(outname[i], name) == 0)
			return i;
	return -1;
}

int
main(void)
{
	teller_rctab_options o;
	teller_rctab *r = NULL;
	teller_ctx *ctx;
	const char *file;
	int i, k;

	teller_rctab_options_init(&o);
	CHECK_INT(o.threads, 1);
	CHECK_INT(o.hart_signatures, TELLER_HART_SIG_CHECK);
	CHECK(o.output_dir == NULL && o.no_cvr_export == 0, "defaults");
	o.output.open = o_open;
	o.output.close = o_close;

	/* no input callbacks: nothing is read, not even a real file */
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 1;
	CHECK_INT(teller_rctab_load(ctx, "tests/accept/README", &o, &r),
	    TELLER_EIO);
	CHECK(r == NULL, "no handle on failure");
	CHECK(strstr(teller_errmsg(ctx), "no input callbacks") != NULL,
	    "%s", teller_errmsg(ctx));
	teller_rctab_free(r);
	teller_ctx_free(ctx);

	/* no output callbacks: a usage error */
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 1;
	teller_ctx_set_input(ctx, &mem_input);
	o.output.open = NULL;
	CHECK_INT(teller_rctab_load(ctx, "mem/config.json", &o, &r),
	    TELLER_EINVAL);
	o.output.open = o_open;
	teller_ctx_free(ctx);

	/* a path the input does not have */
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 1;
	teller_ctx_set_input(ctx, &mem_input);
	CHECK_INT(teller_rctab_load(ctx, "mem/nothing.json", &o, &r),
	    TELLER_EIO);
	CHECK(strstr(teller_errmsg(ctx), "mem/nothing.json") != NULL,
	    "%s", teller_errmsg(ctx));
	teller_ctx_free(ctx);
	/* a folder is not a config */
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 1;
	teller_ctx_set_input(ctx, &mem_input);
	CHECK_INT(teller_rctab_load(ctx, "mem", &o, &r), TELLER_EIO);
	CHECK(strstr(teller_errmsg(ctx), "not a regular file") != NULL,
	    "%s", teller_errmsg(ctx));
	teller_ctx_free(ctx);

	/* the contest, all in memory */
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 1;
	teller_ctx_set_input(ctx, &mem_input);
	CHECK_INT(teller_rctab_load(ctx, "mem/config.json", &o, &r),
	    TELLER_OK);
	CHECK(r != NULL && strcmp(teller_rctab_output_dir(r), "mem/out") ==
	    0, "outputDirectory under the config's folder: %s",
	    r != NULL ? teller_rctab_output_dir(r) : "(null)");
	CHECK_INT(files[0].opens, 1);
	CHECK_INT(files[0].closes, 1);
	CHECK_INT(r != NULL ? teller_rctab_run(ctx, r) : -1, TELLER_OK);
	teller_rctab_free(r);
	CHECK_INT(files[1].opens, files[1].closes);
	CHECK(files[1].opens >= 1, "the CVR was read");
	CHECK_INT(stray, 0);
	CHECK_INT(nclosed, nout);
	CHECK((k = find_out("mem/out/summary.json")) >= 0, "summary.json");
	CHECK(k >= 0 && strstr(out[k], "\"B\" : \"5\"") != NULL,
	    "B wins 5-4");
	CHECK(find_out("mem/out/summary.csv") >= 0, "summary.csv");
	CHECK((k = find_out("mem/out/rctab_cvr.csv")) >= 0, "CVR export");
	CHECK(k >= 0 && strstr(out[k], "\ncvr.csv,genericCsv,,9,") != NULL,
	    "every record exported");
	teller_errpos(ctx, &file, NULL, NULL);
	CHECK_INT(teller_errcode(ctx), TELLER_OK);
	teller_ctx_free(ctx);

	/* an output folder of "" gives bare names; no CVR export */
	nout = nclosed = 0;
	o.output_dir = "";
	o.no_cvr_export = 1;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 1;
	teller_ctx_set_input(ctx, &mem_input);
	CHECK_INT(teller_rctab_load(ctx, "mem/config.json", &o, &r),
	    TELLER_OK);
	CHECK_INT(teller_rctab_run(ctx, r), TELLER_OK);
	CHECK(find_out("summary.json") >= 0, "bare name");
	CHECK(find_out("rctab_cvr.csv") < 0, "no export");
	for (i = 0; i < nout; i++)
		CHECK(strchr(outname[i], '/') == NULL, "%s", outname[i]);
	teller_ctx_free(ctx);

	/* a CVR the config names but the input lacks: refused at load */
	files[1].path = "mem/gone.csv";
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 1;
	teller_ctx_set_input(ctx, &mem_input);
	CHECK_INT(teller_rctab_load(ctx, "mem/config.json", &o, &r),
	    TELLER_ECONFIG);
	CHECK(strstr(teller_errmsg(ctx), "does not exist") != NULL, "%s",
	    teller_errmsg(ctx));
	teller_ctx_free(ctx);
	(void)released;
	return h_done();
}
