/* SPDX-License-Identifier: MIT */
/*
 * opts.c -- the one option table per subcommand. getopt_long's arrays and
 * the --help text are built from it, and tests/suite_docs.sh checks that
 * every long option here appears in doc/teller.1.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "teller.h"

const struct cli_opt count_opts[] = {
	{ "method", 'm', "METHOD", "counting method (%m); default irv, or "
	    "stv-scottish for several seats" },
	{ "seats", 's', "N", "seats to fill (default: from the file, else 1)" },
	{ "format", 'f', "FORMAT", "input format: blt, csv, preflib, profile "
	    "(default: detected from content)" },
	{ "report", 'r', "KIND", "report on standard output: text "
	    "(declaration, default), stages (stage sheet), json, csv, html, "
	    "none" },
	{ "json", OPT_JSON, "FILE", "write the result JSON to FILE (- for "
	    "standard output)" },
	{ "csv", OPT_CSV, "FILE", "write the stages as CSV to FILE" },
	{ "html", OPT_HTML, "FILE", "write an HTML report with charts to FILE" },
	{ "stages", OPT_STAGES, "FILE", "write the stage sheet to FILE" },
	{ "seed", OPT_SEED, "S", "seed string of the rivest-sha256 sampler "
	    "for ties decided by lot (default 1)" },
	{ "lot", OPT_LOT, "SPEC", "a lot drawn by hand, STAGE:NAME<NAME<... "
	    "in increasing favour (repeatable, used in order)" },
	{ "lots", OPT_LOTS, "FILE", "lots drawn by hand, one SPEC a line "
	    "(# comments)" },
	{ "no-seed", OPT_NO_SEED, NULL, "stop (exit 4) at a tie left to a lot "
	    "that no --lot gives, instead of drawing it" },
	{ "threads", 'j', "N", "threads reading the input (default 0: one "
	    "per CPU, at most 16; 1 reads in one thread)" },
	{ "manifest", OPT_MANIFEST, "FILE", "write the manifest to FILE "
	    "(default: manifest.json beside the first output file)" },
	{ "no-manifest", OPT_NO_MANIFEST, NULL, "write no manifest" },
	{ "date", OPT_DATE, "YYYY-MM-DD", "the date the manifest records "
	    "(default: from SOURCE_DATE_EPOCH, else none)" },
	/* methods.md 2-3 */
	{ "ranks", OPT_RANKS, "N", "read only the first N ranks of each "
	    "ballot (a runoff on one ranked ballot)" },
	{ "votes", OPT_VOTES, "L", "the most candidates a ballot may mark "
	    "under a vote limit (1..seats)" },
	{ "min-share", OPT_MIN_SHARE, "P", "with a round's fewest, also "
	    "exclude every candidate under P per cent of its valid votes" },
	{ "help", 'h', NULL, "show this help" },
	{ NULL, 0, NULL, NULL }
};

const struct cli_opt canon_opts[] = {
	{ "method", 'm', "METHOD", "the rules for --profile effective and "
	    "--rules (%m); default irv, or stv-scottish for several seats" },
	{ "seats", 's', "N", "seats to fill (default: from the file, else 1)" },
	{ "format", 'f', "FORMAT", "input format (default: detected)" },
	{ "contest", OPT_CONTEST, NULL, "the contest text (teller-contest/1)" },
	{ "profile", OPT_PROFILE, "KIND", "the profile text "
	    "(teller-profile/1): marked or effective" },
	{ "rules", OPT_RULES, NULL, "the rules as RFC 8785 JSON" },
	{ "help", 'h', NULL, "show this help" },
	{ NULL, 0, NULL, NULL }
};

const struct cli_opt verify_opts[] = {
	{ "inputs-dir", OPT_INPUTS_DIR, "D", "find the inputs under D "
	    "(default: the manifest's folder)" },
	{ "outputs-dir", OPT_OUTPUTS_DIR, "D", "find the outputs under D "
	    "(default: the manifest's folder)" },
	{ "json", OPT_JSON, "FILE", "write the verification as JSON to FILE "
	    "(- for standard output)" },
	{ "help", 'h', NULL, "show this help" },
	{ NULL, 0, NULL, NULL }
};

int
cli_getopt(int argc, char **argv, const struct cli_opt *table,
    int (*fn)(void *ud, int id, const char *arg), void *ud)
{
	struct option lo[64];
	char so[128];
	size_t n = 0, k = 0;
	int c;

	so[k++] = ':';
	for (; table[n].lng != NULL && n < 63; n++) {
		lo[n].name = table[n].lng;
		lo[n].has_arg = table[n].arg ? required_argument : no_argument;
		lo[n].flag = NULL;
		lo[n].val = table[n].shrt;
		if (table[n].shrt < 256 && k + 3 < sizeof(so)) {
			so[k++] = (char)table[n].shrt;
			if (table[n].arg)
				so[k++] = ':';
		}
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	so[k] = '\0';
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == '?' || c == ':') {
			fprintf(stderr, "teller: %s: %s\n",
			    c == ':' ? "option needs an argument"
				     : "unknown option",
			    argv[optind - 1]);
			return -1;
		}
		if (fn(ud, c, optarg) != 0)
			return -1;
	}
	return optind;
}

int
cli_threads(const char *arg, int *out)
{
	unsigned long t = 0;
	char *end = NULL;

	if (arg[0] >= '0' && arg[0] <= '9')
		t = strtoul(arg, &end, 10);
	if (end == NULL || *end != '\0' || t > 1024) {
		fprintf(stderr, "teller: --threads: '%s' is not a whole number "
		    "from 0 to 1024\n", arg);
		return -1;
	}
	*out = (int)t;
	return 0;
}

/* Print help text h, "%m" replaced by the methods of the library's table
 * (teller_method_name), so the list cannot fall behind it. */
static void
help_text(FILE *f, const char *h)
{
	const char *m;
	int i;

	while ((m = strstr(h, "%m")) != NULL) {
		fwrite(h, 1, (size_t)(m - h), f);
		for (i = 0; teller_method_name(i) != NULL; i++)
			fprintf(f, "%s%s", i > 0 ? ", " : "",
			    teller_method_name(i));
		h = m + 2;
	}
	fputs(h, f);
}

void
cli_help(FILE *f, const char *synopsis, const struct cli_opt *t)
{
	fprintf(f, "usage: %s\n\noptions:\n", synopsis);
	for (; t->lng != NULL; t++) {
		char left[64];
		if (t->shrt < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", t->shrt,
			    t->lng, t->arg ? " " : "", t->arg ? t->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", t->lng,
			    t->arg ? " " : "", t->arg ? t->arg : "");
		fprintf(f, "  %-24s ", left);
		help_text(f, t->help);
		fputc('\n', f);
	}
}
