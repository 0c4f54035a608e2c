/* SPDX-License-Identifier: MIT */
/*
 * cmd_rctab.c -- `teller rctab CONFIG.json [-o DIR] [--tiebreak NAME]...`:
 * run an RCTab contest config and write RCTab's detailed report as
 * DIR/summary.json and DIR/summary.csv (plus per-pass and per-slice
 * files). The library names the files; this command opens them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

struct sink {
	const char *dir;
	char **paths;  /* files opened, for the report or the clean-up */
	int n, cap;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: teller rctab CONFIG.json [-o DIR] [--tiebreak NAME]... "
	    "[--crlf]\n"
	    "                    [--threads N] [--convert-to-cdf] "
	    "[--no-cvr-export]\n"
	    "                    [--hart-signatures check|require|off] "
	    "[--hart-key FILE]\n\n"
	    "Run an RCTab contest config (CVR paths are relative to the "
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
	    "options:\n"
	    "  -o DIR           output folder (default: the config's "
	    "outputDirectory,\n"
	    "                   relative to the config's folder; that "
	    "folder if blank)\n"
	    "  --tiebreak NAME  answer for a stopCountingAndAsk or "
	    "previousRoundCountsThenAsk\n"
	    "                   tie: the candidate chosen (repeat for "
	    "later ties)\n"
	    "  --crlf           end CSV lines with CRLF, as RCTab does\n"
	    "  --threads N      threads reading a CVR (default 0: one per "
	    "CPU; the\n"
	    "                   result is the same whatever N is)\n"
	    "  -x, --convert-to-cdf\n"
	    "                   read the CVRs and write DIR/cdf_cvr.json "
	    "and\n"
	    "                   DIR/rctab_cvr.csv only, without "
	    "tabulating\n"
	    "  --no-cvr-export  do not write DIR/rctab_cvr.csv\n"
	    "  --hart-signatures MODE\n"
	    "                   Hart FILE.xml.sig.xml signatures: check "
	    "those present\n"
	    "                   (default), require one for every CVR file, "
	    "or off\n"
	    "  --hart-key FILE  the RSAKeyValue (Modulus, Exponent) Hart "
	    "files must be\n"
	    "                   signed with (default: the key RCTab "
	    "ships)\n"
	    "  -h, --help       this help\n\n"
	    "exit status: 0 counted, 1 bad config or CVR, 2 usage, 3 "
	    "system error,\n4 a tie needs a --tiebreak answer.\n");
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

int
cmd_rctab(int argc, char **argv)
{
	const char *config = NULL;
	const char **ties;
	teller_rctab_options opts;
	teller_rctab *r;
	struct sink sk;
	teller_ctx *ctx;
	int i, nties = 0, rc;
	char gendate[64];

	teller_rctab_options_init(&opts);
	opts.threads = 0; /* one per CPU unless --threads says */
	memset(&sk, 0, sizeof sk);
	ties = calloc((size_t)argc + 1, sizeof(char *));
	if (ties == NULL) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			free(ties);
			return 0;
		} else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
			opts.output_dir = argv[++i];
		} else if (strcmp(a, "--tiebreak") == 0 && i + 1 < argc) {
			ties[nties++] = argv[++i];
		} else if (strncmp(a, "--tiebreak=", 11) == 0) {
			ties[nties++] = a + 11;
		} else if (strcmp(a, "--crlf") == 0) {
			opts.crlf = 1;
		} else if (strcmp(a, "--convert-to-cdf") == 0 ||
		    strcmp(a, "-x") == 0) {
			opts.convert_to_cdf = 1;
		} else if (strcmp(a, "--no-cvr-export") == 0) {
			opts.no_cvr_export = 1;
		} else if (strcmp(a, "--hart-key") == 0 && i + 1 < argc) {
			opts.hart_key = argv[++i];
		} else if (strcmp(a, "--hart-signatures") == 0 &&
		    i + 1 < argc) {
			const char *v = argv[++i];
			if (strcmp(v, "check") == 0) {
				opts.hart_signatures =
				    TELLER_HART_SIG_CHECK;
			} else if (strcmp(v, "require") == 0) {
				opts.hart_signatures =
				    TELLER_HART_SIG_REQUIRE;
			} else if (strcmp(v, "off") == 0) {
				opts.hart_signatures =
				    TELLER_HART_SIG_OFF;
			} else {
				fprintf(stderr, "teller: rctab: "
				    "--hart-signatures wants check, require "
				    "or off, not '%s'\n", v);
				free(ties);
				return 2;
			}
		} else if ((strcmp(a, "--threads") == 0 && i + 1 < argc) ||
		    strncmp(a, "--threads=", 10) == 0) {
			const char *v = a[9] == '=' ? a + 10 : argv[++i];
			char *e;
			long n;
			errno = 0;
			n = strtol(v, &e, 10);
			if (errno != 0 || e == v || *e != '\0' || n < 0 ||
			    n > 1024) {
				fprintf(stderr, "teller: rctab: --threads "
				    "wants a number from 0 to 1024, not "
				    "'%s'\n", v);
				free(ties);
				return 2;
			}
			opts.threads = (int)n;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "teller: rctab: unknown option '%s'\n",
			    a);
			usage(stderr);
			free(ties);
			return 2;
		} else if (config == NULL) {
			config = a;
		} else {
			fprintf(stderr, "teller: rctab: one config only\n");
			free(ties);
			return 2;
		}
	}
	if (config == NULL) {
		usage(stderr);
		free(ties);
		return 2;
	}
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		free(ties);
		return 3;
	}
	{
		/* GeneratedDate of the CDF export: local time, ISO 8601 */
		time_t now = time(NULL);
		struct tm tmv;
		size_t n;
		if (localtime_r(&now, &tmv) != NULL &&
		    (n = strftime(gendate, sizeof gendate - 1,
		    "%Y-%m-%dT%H:%M:%S%z", &tmv)) >= 5) {
			memmove(gendate + n - 1, gendate + n - 2, 3);
			gendate[n - 2] = ':';
			opts.generated_date = gendate;
		}
	}
	teller_ctx_set_input(ctx, &cli_files);
	opts.ties = ties;
	opts.nties = nties;
	opts.output.open = sink_open;
	opts.output.close = sink_close;
	opts.output.ud = &sk;
	rc = teller_rctab_load(ctx, config, &opts, &r);
	if (rc == TELLER_OK) {
		/* -o, or the config's outputDirectory */
		sk.dir = teller_rctab_output_dir(r);
		rc = teller_rctab_run(ctx, r);
		teller_rctab_free(r);
	}
	if (rc != TELLER_OK) {
		sink_unlink(&sk);
		rc = cli_report_error(ctx);
	} else {
		sink_report(&sk);
	}
	sink_free(&sk);
	teller_ctx_free(ctx);
	free(ties);
	return rc;
}
