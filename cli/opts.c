/* SPDX-License-Identifier: MIT */
/*
 * opts.c -- the one option table per subcommand. getopt_long's arrays and
 * the --help text are built from it, and tests/suite_docs.sh checks that
 * every option here appears in doc/teller.1 and the reverse.
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
	{ "html", OPT_HTML, "FILE", "write an HTML report with charts to "
	    "FILE" },
	{ "regime", OPT_REGIME, "NAME", "whose rules an SV count cites: "
	    "borough-mayor (default), london, pcc, ca-mayor" },
	{ "layout", OPT_LAYOUT, "NAME", "layout of the HTML report (see "
	    "teller(1)); default by method" },
	{ "lang", OPT_LANG, "TAG", "language of the HTML report's <html "
	    "lang> (default en-GB, en-US for the rcv layout)" },
	{ "meta", OPT_META, "FILE", "JSON of facts the ballots do not hold: "
	    "authority, election, area, date_of_poll, electorate, "
	    "ballot_papers_issued, returning_officer, place" },
	{ "electorate", OPT_ELECTORATE, "N", "electors on the register, for "
	    "the declaration's turnout (overrides '# electorate:')" },
	{ "stages", OPT_STAGES, "FILE", "write the stage sheet to FILE" },
	{ "seed", OPT_SEED, "S", "seed string of the rivest-sha256 sampler "
	    "for ties decided by lot (default 1)" },
	{ "lot", OPT_LOT, "SPEC", "a lot drawn by hand, STAGE:NAME<NAME<... "
	    "in increasing favour (repeatable, used in order)" },
	{ "lots", OPT_LOTS, "FILE", "lots drawn by hand, one SPEC a line "
	    "(# comments)" },
	{ "no-seed", OPT_NO_SEED, NULL, "stop (exit 4) at a tie left to a lot "
	    "that no --lot gives, instead of drawing it" },
	{ "strength", OPT_STRENGTH, "KIND", "pairwise link strength for "
	    "beatpaths and locked pairs: winning or margin" },
	{ "threads", 'j', "N", "threads reading the input (default 0: one "
	    "per CPU, at most 16; 1 reads in one thread)" },
	{ "manifest", OPT_MANIFEST, "FILE", "write the manifest to FILE "
	    "(default: manifest.json beside the first output file)" },
	{ "no-manifest", OPT_NO_MANIFEST, NULL, "write no manifest" },
	{ "certificate", OPT_CERTIFICATE, "FILE", "write a count certificate "
	    "(teller-cert/1) for teller-check to FILE (stv-scottish, irv)" },
	{ "date", OPT_DATE, "YYYY-MM-DD", "the date the manifest records "
	    "(default: from SOURCE_DATE_EPOCH, else none)" },
	{ "sensitivity", OPT_SENSITIVITY, "rounding", "count again in "
	    "exact fractions (Meek: at 10^-18) and compare (STV: Scottish, "
	    "ERS97, WIGM, Meek; IRV)" },
	{ "rounding", OPT_ROUNDING, "parcel", "with --sensitivity: also "
	    "count truncating per parcel, not per paper (Scottish STV)" },
	/* methods.md 2-3 */
	{ "ranks", OPT_RANKS, "N", "read only the first N ranks of each "
	    "ballot (a runoff on one ranked ballot)" },
	{ "votes", OPT_VOTES, "L", "the most candidates a ballot may mark "
	    "under a vote limit (1..seats)" },
	{ "min-share", OPT_MIN_SHARE, "P", "with a round's fewest, also "
	    "exclude every candidate under P per cent of its valid votes" },
	{ "section", OPT_SECTION, "ID:WEIGHT[:NAME]", "the weighted "
	    "section of the next BLT or PrefLib input's ballots (once per "
	    "such input)" },
	{ "help", 'h', NULL, "show this help" },
	{ NULL, 0, NULL, NULL }
};

const struct cli_opt trace_pattern_opts[] = {
	{ "method", 'm', "METHOD", "counting method: stv-scottish or irv "
	    "(default irv, or stv-scottish for several seats)" },
	{ "seats", 's', "N", "seats to fill (default: from the file, else 1)" },
	{ "input-format", 'f', "FORMAT", "input format (default: detected)" },
	{ "pattern", OPT_PATTERN, "N", "trace pattern N of the effective "
	    "profile (teller canon --profile effective, from 0)" },
	{ "ranking", OPT_RANKING, "A>B>C", "trace the papers counted with "
	    "this ranking (no ballot id needed)" },
	{ "format", OPT_TFORMAT, "KIND", "text (default) or json" },
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
	{ "ballot-ids", OPT_BALLOT_IDS, NULL, "each ballot's id and "
	    "effective ranks (teller-ballot-ids/1; CVR input: an RCTab "
	    "config)" },
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

const struct cli_opt rctab_opts[] = {
	{ "output", 'o', "DIR", "output folder (default: the config's "
	    "outputDirectory, relative to the config's folder; that folder "
	    "if blank)" },
	{ "tiebreak", OPT_TIEBREAK, "NAME", "answer for a stopCountingAndAsk "
	    "or previousRoundCountsThenAsk tie: the candidate chosen (repeat "
	    "for later ties)" },
	{ "crlf", OPT_CRLF, NULL, "end CSV lines with CRLF, as RCTab does" },
	{ "threads", OPT_THREADS, "N", "threads reading a CVR (default 0: one "
	    "per CPU; the result is the same whatever N is)" },
	{ "convert-to-cdf", 'x', NULL, "read the CVRs and write "
	    "DIR/cdf_cvr.json and DIR/rctab_cvr.csv only, without "
	    "tabulating" },
	{ "html", OPT_RHTML, "FILE", "also write the HTML report (rcv "
	    "layout) to FILE; multi-pass: FILE_K.html, a page a pass" },
	{ "no-cvr-export", OPT_NO_CVR_EXPORT, NULL, "do not write "
	    "DIR/rctab_cvr.csv" },
	{ "hart-signatures", OPT_HART_SIGS, "MODE", "Hart FILE.xml.sig.xml "
	    "signatures: check those present (default), require one for "
	    "every CVR file, or off" },
	{ "hart-key", OPT_HART_KEY, "FILE", "the RSAKeyValue (Modulus, "
	    "Exponent) Hart files must be signed with (default: the key "
	    "RCTab ships)" },
	{ "no-manifest", OPT_NO_MANIFEST, NULL, "write no DIR/manifest.json "
	    "(audit.md 4.2) and no .sha256 files" },
	{ "ballot-ids", OPT_BALLOT_IDS, NULL, "also record the hash of the "
	    "canonical ballot ids (teller canon --ballot-ids) in the "
	    "manifest" },
	{ "date", OPT_DATE, "YYYY-MM-DD", "the date the manifest records and "
	    "cdf_cvr.json's GeneratedDate (default: SOURCE_DATE_EPOCH's "
	    "day, else the config's contestDate; never the clock)" },
	{ "help", 'h', NULL, "show this help" },
	{ NULL, 0, NULL, NULL }
};

const struct cli_opt profile_opts[] = {
	{ "output", 'o', "OUT", "write the profile file to OUT (default: "
	    "standard output)" },
	{ "format", 'f', "FORMAT", "input format: blt, csv, preflib, profile "
	    "(default: detected from content)" },
	{ "threads", 'j', "N", "threads reading the input (default 0: one "
	    "per CPU, at most 16; 1 reads in one thread)" },
	{ "help", 'h', NULL, "show this help" },
	{ NULL, 0, NULL, NULL }
};

const struct cli_opt merge_opts[] = {
	{ "output", 'o', "OUT", "write the summed profile file to OUT "
	    "(default: standard output)" },
	{ "help", 'h', NULL, "show this help" },
	{ NULL, 0, NULL, NULL }
};

const struct cli_opt margin_opts[] = {
	{ "method", 'm', "METHOD", "counting method (%m); default irv, or "
	    "the multi-member plurality vote for several seats" },
	{ "seats", 's', "N", "seats to fill (default: from the file, else 1)" },
	{ "format", 'f', "FORMAT", "input format: blt, csv, preflib, profile "
	    "(default: detected from content)" },
	{ "adds-only", OPT_ADDS_ONLY, NULL, "margin in papers added only" },
	{ "deletes-only", OPT_DELETES_ONLY, NULL, "margin in papers removed "
	    "only" },
	{ "max-nodes", OPT_MAX_NODES, "N", "stop the IRV search after N "
	    "nodes, giving an interval (default 1000000)" },
	{ "budget", OPT_BUDGET, "SECS", "stop the IRV search after SECS "
	    "seconds of wall clock, giving an interval" },
	{ "json", OPT_JSON, "FILE", "write the result JSON with its margin to "
	    "FILE (- for standard output)" },
	{ "threads", 'j', "N", "threads reading the input (as for count)" },
	{ "help", 'h', NULL, "show this help" },
	{ NULL, 0, NULL, NULL }
};

const struct cli_opt raire_opts[] = {
	{ "input-format", 'f', "FORMAT", "input format: blt, csv, preflib, "
	    "profile (default: detected from content)" },
	{ "audit", OPT_AUDIT, "TYPE", "OneOnMargin (default), OneOnMarginSq, "
	    "BRAVO, MACRO (aliases Margin, MarginSq)" },
	{ "auditable", OPT_AUDITABLE, "N", "total auditable ballots (default: "
	    "every paper read)" },
	{ "risk-limit", OPT_RISK_LIMIT, "ALPHA", "risk limit (BRAVO, MACRO: "
	    "required)" },
	{ "error-inflation", OPT_ERROR_INFLATION, "GAMMA", "error inflation "
	    "factor, >= 1 (MACRO: required)" },
	{ "trim", OPT_TRIM, "ALGO", "None, MinimizeTree (default), "
	    "MinimizeAssertions" },
	{ "assertions", OPT_ASSERTIONS, NULL, "write the solution JSON "
	    "(assertions) instead of the problem JSON" },
	{ "check", OPT_CHECK, "SOLUTION", "check that SOLUTION's assertions "
	    "prove the winner (exit 5 if not)" },
	{ "format", OPT_RFORMAT, "FMT", "with --assertions: raire (default) "
	    "or shangrla" },
	{ "timing", OPT_TIMING, NULL, "accepted; seconds are written as 0 so "
	    "output is byte-reproducible" },
	{ "cvr-level", OPT_CVR_LEVEL, "DIR", "also write DIR/ballots.csv: "
	    "each ballot's id and effective ranking (an RCTab config: CVRs "
	    "carry ids)" },
	{ "output", 'o', "FILE", "write to FILE (default standard output)" },
	{ "threads", 'j', "N", "threads reading the input (as for count)" },
	{ "help", 'h', NULL, "show this help" },
	{ NULL, 0, NULL, NULL }
};

/* `teller compare` (methods.md 8). */
const struct cli_opt compare_opts[] = {
	{ "method", 'm', "LIST", "comma-separated methods to compare, in "
	    "order (default: every one-seat method of methods.md 8 known)" },
	{ "seats", 's', "N", "seats for the methods that take several" },
	{ "format", 'f', "FORMAT", "input format (default: detected)" },
	{ "seed", OPT_SEED, "N", "seed for lots, each method from the same "
	    "(default 1)" },
	{ "strength", OPT_STRENGTH, "KIND", "pairwise link strength for "
	    "beatpaths and locked pairs: winning or margin" },
	{ "report", 'r', "KIND", "on standard output: text (default) or "
	    "json" },
	{ "json", OPT_JSON, "FILE", "write the comparison JSON to FILE" },
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

const struct cli_opt trace_opts[] = {
	{ "ballot-id", OPT_BALLOT_ID, "ID", "the ballot with this CVR id "
	    "(RCTab configs only)" },
	{ "ranking", OPT_RANKING, "R", "every ballot ranked exactly R, e.g. "
	    "\"A>B>C\" ('=' several marks at a rank, an empty rank skipped)" },
	{ "pattern", OPT_PATTERN, "N", "ballot pattern N of a ballot file "
	    "(BLT, CSV...)" },
	{ "format", OPT_TFORMAT, "FMT", "text (default), json, or "
	    "rctab-audit (RCTab's audit-log lines; every ballot without "
	    "--ballot-id or --ranking)" },
	{ "method", 'm', "METHOD", "counting method (ballot files)" },
	{ "input-format", 'f', "FORMAT", "input format (ballot files)" },
	{ "tiebreak", OPT_TTIEBREAK, "NAME", "answer for an interactive "
	    "RCTab tie, as teller rctab --tiebreak" },
	{ "threads", OPT_TTHREADS, "N", "threads reading a CVR (default 0: "
	    "one per CPU)" },
	{ "help", 'h', NULL, "show this help" },
	{ NULL, 0, NULL, NULL }
};

const struct cli_opt ties_opts[] = {
	{ "method", 'm', "METHOD", "counting method (%m); default irv, or "
	    "stv-scottish for several seats" },
	{ "seats", 's', "N", "seats to fill (default: from the file, else 1)" },
	{ "format", 'f', "FORMAT", "input format: blt, csv, preflib, profile "
	    "(default: detected from content)" },
	{ "max-branches", OPT_MAX_BRANCHES, "N", "stop after N counts "
	    "(default 1000000); the answer is then incomplete" },
	{ "json", OPT_JSON, "FILE", "write the outcomes as JSON to FILE "
	    "(- for standard output)" },
	{ "help", 'h', NULL, "show this help" },
	{ NULL, 0, NULL, NULL }
};
