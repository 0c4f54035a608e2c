/* SPDX-License-Identifier: MIT */
/*
 * cmd_rctab.c -- `teller rctab CONFIG.json [-o DIR] [--tiebreak NAME]...`:
 * run an RCTab contest config and write RCTab's detailed report as
 * DIR/summary.json and DIR/summary.csv (plus per-pass and per-slice
 * files). The library names the files; this command opens them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "opts.h"

struct sink {
	const char *dir;
	char **paths;  /* files opened, for the report or the clean-up */
	int n, cap;
};

#define SYNOPSIS "teller rctab CONFIG.json [-o DIR] [--tiebreak NAME]... " \
	"[--crlf] [--threads N] [-x] [--no-cvr-export] " \
	"[--hart-signatures MODE] [--hart-key FILE]"

/* The --help text after the options (cli_help renders the table). */
static const char about[] =
    "\nRun an RCTab contest config (CVR paths are relative to the "
    "config's\nfolder) and write RCTab's detailed report:\n"
    "  DIR/summary.json, DIR/summary.csv     the contest\n"
    "  DIR/summary_K.json, DIR/summary_K.csv pass K of multiPassIrv\n"
    "  DIR/Tabulate by Precinct/ID_precinct_summary.{json,csv}\n"
    "  DIR/Tabulate by Batch/ID_batch_summary.{json,csv}\n"
    "  DIR/rctab_cvr.csv                     every CVR as read, one "
    "row each\n"
    "  DIR/cdf_cvr.json                      with generateCdfJson "
    "(NIST CDF)\n"
    "On success one line on stderr names the files written; on "
    "failure\nnone is left behind.\n\n"
    "exit status: 0 counted, 1 bad config or CVR, 2 usage, 3 "
    "system error,\n4 a tie needs a --tiebreak answer.\n";

/* What the options say: the library's options and the --tiebreak
 * answers (ties has room for every argument). */
struct rargs {
	teller_rctab_options opts;
	const char **ties;
	int nties;
	bool help;
};

static int
on_opt(void *ud, int id, const char *arg)
{
	struct rargs *a = ud;

	switch (id) {
	case 'o': a->opts.output_dir = arg; break;
	case OPT_TIEBREAK: a->ties[a->nties++] = arg; break;
	case OPT_CRLF: a->opts.crlf = 1; break;
	case OPT_RHTML: a->opts.html = arg; break;
	case OPT_THREADS: return cli_threads(arg, &a->opts.threads);
	case 'x': a->opts.convert_to_cdf = 1; break;
	case OPT_NO_CVR_EXPORT: a->opts.no_cvr_export = 1; break;
	case OPT_HART_KEY: a->opts.hart_key = arg; break;
	case OPT_HART_SIGS:
		if (strcmp(arg, "check") == 0)
			a->opts.hart_signatures = TELLER_HART_SIG_CHECK;
		else if (strcmp(arg, "require") == 0)
			a->opts.hart_signatures = TELLER_HART_SIG_REQUIRE;
		else if (strcmp(arg, "off") == 0)
			a->opts.hart_signatures = TELLER_HART_SIG_OFF;
		else {
			fprintf(stderr, "teller: rctab: --hart-signatures "
			    "wants check, require or off, not '%s'\n", arg);
			return -1;
		}
		break;
	case 'h': a->help = true; break;
	default: return -1;
	}
	return 0;
}

/* GeneratedDate of the CDF export: local time, ISO 8601 with a colon in
 * the zone; NULL if the clock fails. */
static const char *
gen_date(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tmv;
	size_t n;

	if (localtime_r(&now, &tmv) == NULL ||
	    (n = strftime(buf, size - 1, "%Y-%m-%dT%H:%M:%S%z", &tmv)) < 5)
		return NULL;
	memmove(buf + n - 1, buf + n - 2, 3);
	buf[n - 2] = ':';
	return buf;
}

/* mkdir -p for the folders of path (not the last component). */
static int
make_parents(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static int
sink_open(void *ud, const char *name, teller_write_fn *w, void **wud)
{
	struct sink *s = ud;
	char *path = strdup(name);
	FILE *f;

	if (path == NULL)
		return -1;
	if (make_parents(path) != 0) {
		fprintf(stderr, "teller: %s: %s\n", path, strerror(errno));
		free(path);
		return -1;
	}
	f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "teller: %s: %s\n", path, strerror(errno));
		free(path);
		return -1;
	}
	if (s->n == s->cap) {
		int nc = s->cap == 0 ? 16 : s->cap * 2;
		char **np = realloc(s->paths, (size_t)nc * sizeof(char *));
		if (np == NULL) {
			fclose(f);
			free(path);
			return -1;
		}
		s->paths = np;
		s->cap = nc;
	}
	s->paths[s->n++] = path;
	*w = cli_write_file;
	*wud = f;
	return 0;
}

/* After a failure: remove what was written, so no partial result is
 * left to be mistaken for a count. */
static void
sink_unlink(struct sink *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		remove(s->paths[i]);
}

/* The one line on success, on stderr so stdout stays free for
 * scripts: every file when a few, else a count and the folder. */
static void
sink_report(const struct sink *s)
{
	int i, show = s->n <= 8 ? s->n : 6;

	fprintf(stderr, "teller: wrote ");
	for (i = 0; i < show; i++)
		fprintf(stderr, "%s%s", i > 0 ? ", " : "", s->paths[i]);
	if (show < s->n)
		fprintf(stderr, " and %d more in %s", s->n - show, s->dir);
	fprintf(stderr, "\n");
}

static void
sink_free(struct sink *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		free(s->paths[i]);
	free(s->paths);
}

static int
sink_close(void *ud, void *wud)
{
	(void)ud;
	return fclose((FILE *)wud) != 0;
}

/* Load and run the config with a's options, writing through sk.
 * Returns an exit status. */
static int
run(const char *config, struct rargs *a, struct sink *sk)
{
	teller_rctab *r;
	teller_ctx *ctx;
	char gendate[64];
	int rc;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	a->opts.generated_date = gen_date(gendate, sizeof gendate);
	teller_ctx_set_input(ctx, &cli_files);
	a->opts.ties = a->ties;
	a->opts.nties = a->nties;
	a->opts.output.open = sink_open;
	a->opts.output.close = sink_close;
	a->opts.output.ud = sk;
	rc = teller_rctab_load(ctx, config, &a->opts, &r);
	if (rc == TELLER_OK) {
		/* -o, or the config's outputDirectory */
		sk->dir = teller_rctab_output_dir(r);
		rc = teller_rctab_run(ctx, r);
		teller_rctab_free(r);
	}
	if (rc != TELLER_OK) {
		sink_unlink(sk);
		rc = cli_report_error(ctx);
	} else {
		sink_report(sk);
	}
	teller_ctx_free(ctx);
	return rc;
}

int
cmd_rctab(int argc, char **argv)
{
	struct rargs a;
	struct sink sk;
	int first, rc = 2;

	memset(&a, 0, sizeof a);
	memset(&sk, 0, sizeof sk);
	teller_rctab_options_init(&a.opts);
	a.opts.threads = 0; /* one per CPU unless --threads says */
	a.ties = calloc((size_t)argc + 1, sizeof(char *));
	if (a.ties == NULL) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	first = cli_getopt(argc, argv, rctab_opts, on_opt, &a);
	if (first < 0) {
		fprintf(stderr, "usage: %s\n", SYNOPSIS);
	} else if (a.help) {
		cli_help(stdout, SYNOPSIS, rctab_opts);
		fputs(about, stdout);
		rc = 0;
	} else if (first >= argc) {
		cli_help(stderr, SYNOPSIS, rctab_opts);
		fputs(about, stderr);
	} else if (first + 1 < argc) {
		fprintf(stderr, "teller: rctab: one config only\n");
	} else {
		rc = run(argv[first], &a, &sk);
	}
	sink_free(&sk);
	free(a.ties);
	return rc;
}
