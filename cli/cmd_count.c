/* SPDX-License-Identifier: MIT */
/*
 * cmd_count.c -- `teller count`: read one or more input files (merged into
 * one profile), count under a method, write the declaration and any of
 * JSON, CSV, HTML and the stage sheet. No counting logic here.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "cli.h"
#include "gzout.h"
#include "lots.h"
#include "opts.h"

#define SYNOPSIS "teller count [-m METHOD] [-s SEATS] [-f FORMAT] " \
	"[-r KIND] [--json FILE] [--csv FILE] [--html FILE] [--stages FILE] " \
	"[--seed S] [--lot SPEC]... [--lots FILE] [--no-seed] [-j N] " \
	"[--manifest FILE | --no-manifest] [--certificate FILE] " \
	"[--date YYYY-MM-DD] [--sensitivity rounding [--rounding parcel]] " \
	"FILE..."

struct count_args {
	const char *method;
	int seats;
	int format;
	int report; /* teller_report_kind, or -1 for none */
	const char *json, *csv, *html, *stages;
	const char *cert;   /* --certificate FILE, or NULL */
	const char *layout; /* --layout, or NULL: by method */
	const char *lang;   /* --lang, or NULL: by layout */
	const char *meta;   /* --meta FILE, or NULL */
	const char *regime; /* --regime, or NULL: the default */
	const char *seed; /* rivest-sha256 seed string */
	int threads; /* teller_ctx_set_threads: 0 = one per CPU */
	char **lots; /* --lot and --lots specs, in order (malloc'd) */
	int nlots;
	int no_seed;
	const char *manifest; /* --manifest FILE, or NULL */
	int no_manifest;
	const char *date;     /* --date, or NULL */
	const char *strength; /* --strength, or NULL */
	int ranks, votes, min_share; /* methods.md 2-3 */
	char **sect;          /* --section ID:WEIGHT[:NAME], in order */
	int nsect;
	int sect_used;        /* matched to inputs so far */
	long long electorate; /* --electorate, or 0 */
	char *const *in;      /* the input paths, for sect_in */
	int nin;
	char **sect_in;       /* the --section each input got, or NULL */
	int sens;             /* --sensitivity rounding */
	int parcel;           /* --rounding parcel */
};

static int
parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
add_lot(struct count_args *a, const char *s, size_t n)
{
	char **l = realloc(a->lots, ((size_t)a->nlots + 1) * sizeof(*l));

	if (l == NULL)
		return -1;
	a->lots = l;
	if ((l[a->nlots] = strndup(s, n)) == NULL)
		return -1;
	a->nlots++;
	return 0;
}

/* --section ID:WEIGHT[:NAME] (methods.md 4.3 c); the weight is checked
 * by the library when the section is given to its input. */
static int
add_section(struct count_args *a, const char *s)
{
	const char *c = strchr(s, ':');
	char **l;

	if (c == NULL || c == s || c[1] == '\0' || c[1] == ':') {
		fprintf(stderr, "teller: --section '%s': write "
		    "ID:WEIGHT[:NAME]\n", s);
		return -1;
	}
	if ((l = realloc(a->sect, ((size_t)a->nsect + 1) * sizeof(*l))) ==
	    NULL)
		return -1;
	a->sect = l;
	if ((l[a->nsect] = strdup(s)) == NULL)
		return -1;
	a->nsect++;
	return 0;
}

/* cli_read_inputs_fix: the next --section to the next input that has
 * no section directives (BLT, PrefLib). */
static int
fix_section(void *ud, teller_ctx *ctx, const char *path, int fmt,
    teller_contest *c, teller_profile *p)
{
	struct count_args *a = ud;
	char *id, *w, *name;
	int rc, i;

	if (a->nsect == 0 || teller_contest_nsections(c) > 0 ||
	    (fmt != TELLER_FMT_BLT && fmt != TELLER_FMT_PREFLIB))
		return 0;
	if (a->sect_used == a->nsect) {
		fprintf(stderr, "teller: %s: no --section left for it (%d "
		    "given: one per BLT or PrefLib input)\n", path,
		    a->nsect);
		return 2;
	}
	id = a->sect[a->sect_used++];
	for (i = 0; i < a->nin; i++)
		if (a->in[i] == path && a->sect_in != NULL &&
		    (a->sect_in[i] = strdup(id)) == NULL) {
			fprintf(stderr, "teller: out of memory\n");
			return 3;
		}
	w = strchr(id, ':');
	*w++ = '\0';
	if ((name = strchr(w, ':')) != NULL)
		*name++ = '\0';
	rc = teller_profile_section(ctx, c, p, id, w, name);
	return rc == TELLER_OK ? 0 : cli_report_error(ctx);
}

static int
on_lot(void *ud, const char *spec, size_t n)
{
	return add_lot(ud, spec, n);
}

/* --lots FILE (cli/lots.c: SPEC lines or a JSON lots[] array). */
static int
read_lots(struct count_args *a, const char *path)
{
	struct cli_input in;
	int rc;

	if (cli_load(path, &in) != 0)
		return -1;
	rc = cli_lots_parse(path, in.buf, in.len, on_lot, a);
	cli_unload(&in);
	return rc;
}

static int
on_opt(void *ud, int id, const char *arg)
{
	struct count_args *a = ud;
	unsigned long long v;

	switch (id) {
	case 'm':
		if (!teller_method_known(arg)) {
			fprintf(stderr, "teller: unknown method '%s' (see "
			    "teller count --help)\n", arg);
			return -1;
		}
		a->method = arg;
		break;
	case 's':
		if (parse_uint(arg, 100000, &v) != 0 || v == 0) {
			fprintf(stderr, "teller: --seats: '%s' is not a "
			    "positive number\n", arg);
			return -1;
		}
		a->seats = (int)v;
		break;
	case 'f':
		a->format = teller_format_parse(arg);
		if (a->format < 0) {
			fprintf(stderr, "teller: unknown format '%s'\n", arg);
			return -1;
		}
		break;
	case 'r':
		if (strcmp(arg, "text") == 0)
			a->report = TELLER_REP_TEXT;
		else if (strcmp(arg, "stages") == 0)
			a->report = TELLER_REP_STAGESHEET;
		else if (strcmp(arg, "json") == 0)
			a->report = TELLER_REP_JSON;
		else if (strcmp(arg, "csv") == 0)
			a->report = TELLER_REP_CSV;
		else if (strcmp(arg, "html") == 0)
			a->report = TELLER_REP_HTML;
		else if (strcmp(arg, "none") == 0)
			a->report = -1;
		else {
			fprintf(stderr, "teller: unknown report '%s'\n", arg);
			return -1;
		}
		break;
	case OPT_JSON: a->json = arg; break;
	case OPT_CSV: a->csv = arg; break;
	case OPT_HTML: a->html = arg; break;
	case OPT_LAYOUT: a->layout = arg; break;
	case OPT_LANG: a->lang = arg; break;
	case OPT_META: a->meta = arg; break;
	case OPT_REGIME: a->regime = arg; break;
	case OPT_STAGES: a->stages = arg; break;
	case OPT_CERTIFICATE: a->cert = arg; break;
	case OPT_SENSITIVITY:
	case OPT_ROUNDING:
		if (strcmp(arg, id == OPT_SENSITIVITY ? "rounding" :
		    "parcel") != 0) {
			fprintf(stderr, "teller: --%s %s: only \"%s\"\n",
			    id == OPT_SENSITIVITY ? "sensitivity" :
			    "rounding", arg, id == OPT_SENSITIVITY ?
			    "rounding" : "parcel");
			return -1;
		}
		*(id == OPT_SENSITIVITY ? &a->sens : &a->parcel) = 1;
		break;
	case OPT_SEED:
		if (arg[0] == '\0') {
			fprintf(stderr, "teller: --seed: the seed is empty\n");
			return -1;
		}
		a->seed = arg;
		break;
	case 'j':
		return cli_threads(arg, &a->threads);
	case OPT_LOT:
		return add_lot(a, arg, strlen(arg));
	case OPT_LOTS:
		return read_lots(a, arg);
	case OPT_NO_SEED:
		a->no_seed = 1;
		break;
	case OPT_STRENGTH:
		if (strcmp(arg, "winning") != 0 && strcmp(arg, "margin") != 0) {
			fprintf(stderr, "teller: --strength: '%s': say winning "
			    "or margin\n", arg);
			return -1;
		}
		a->strength = arg;
		break;
	case OPT_MANIFEST:
		if (strcmp(arg, "-") == 0 || arg[0] == '\0') {
			fprintf(stderr, "teller: --manifest: give a file (its "
			    "sidecar goes beside it)\n");
			return -1;
		}
		a->manifest = arg;
		break;
	case OPT_NO_MANIFEST: a->no_manifest = 1; break;
	case OPT_DATE:
		if (!cli_date_ok(arg)) {
			fprintf(stderr, "teller: --date: '%s' is not a date "
			    "YYYY-MM-DD\n", arg);
			return -1;
		}
		a->date = arg;
		break;
	case OPT_SECTION:
		return add_section(a, arg);
	case OPT_RANKS:
	case OPT_VOTES:
	case OPT_MIN_SHARE:
		if (parse_uint(arg, id == OPT_MIN_SHARE ? 100 : 100000, &v) !=
		    0 || (v == 0 && id != OPT_MIN_SHARE)) {
			fprintf(stderr, "teller: --%s: '%s' is not a %s\n",
			    id == OPT_RANKS ? "ranks" : id == OPT_VOTES ?
			    "votes" : "min-share", arg, id == OPT_MIN_SHARE ?
			    "per cent 0..100" : "positive number");
			return -1;
		}
		*(id == OPT_RANKS ? &a->ranks : id == OPT_VOTES ? &a->votes :
		    &a->min_share) = (int)v;
		break;
	case OPT_ELECTORATE:
		if (parse_uint(arg, 1000000000000ULL, &v) != 0 || v == 0) {
			fprintf(stderr, "teller: --electorate: '%s' is not a "
			    "whole number of electors 1..1000000000000\n",
			    arg);
			return -1;
		}
		a->electorate = (long long)v;
		break;
	case 'h':
		cli_help(stdout, SYNOPSIS, count_opts);
		exit(0);
	default:
		return -1;
	}
	return 0;
}

/* Write report kind to path ("-" = stdout). Returns an exit status. */
static int
write_report(teller_ctx *ctx, const teller_result *r,
    enum teller_report_kind kind, const char *path,
    const struct count_args *a)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int rc;

	if (f == NULL) {
		perror(path);
		return 3;
	}
	rc = kind == TELLER_REP_HTML ? teller_report_html_lang(ctx, r,
	    a->layout, a->lang, cli_write_file, f) : teller_report(ctx, r,
	    kind, cli_write_file, f);
	if (f != stdout) {
		if (fclose(f) != 0 && rc == TELLER_OK)
			rc = TELLER_EWRITE;
	} else if (fflush(f) != 0 && rc == TELLER_OK) {
		rc = TELLER_EWRITE;
	}
	if (rc != TELLER_OK) {
		if (teller_errcode(ctx) != TELLER_OK)
			return cli_report_error(ctx);
		fprintf(stderr, "teller: %s: write failed\n", path);
		return 3;
	}
	return 0;
}

/* Is output path out one of the inputs (same name, or the same file)?
 * Writing it would destroy the ballots. */
static bool
is_input(const char *out, char **in, int n)
{
	struct stat so, si;
	bool have;
	int i;

	if (out == NULL || strcmp(out, "-") == 0)
		return false;
	have = stat(out, &so) == 0;
	for (i = 0; i < n; i++)
		if (strcmp(out, in[i]) == 0 || (have && stat(in[i], &si) == 0 &&
		    si.st_dev == so.st_dev && si.st_ino == so.st_ino))
			return true;
	return false;
}

static void
free_lots(struct count_args *a)
{
	int i;

	for (i = 0; i < a->nlots; i++)
		free(a->lots[i]);
	free(a->lots);
	for (i = 0; i < a->nsect; i++)
		free(a->sect[i]);
	free(a->sect);
}

static bool
to_stdout(const char *p)
{
	return p != NULL && strcmp(p, "-") == 0;
}

/* teller_count, writing the certificate a asks for (audit.md 5), gzip
 * compressed when its name ends in .gz. */
static int
count_cert(teller_ctx *ctx, const struct count_args *a,
    const teller_contest *contest, const teller_profile *profile,
    teller_rules *rules, teller_result **res)
{
	static struct cli_gz gz;
	bool z = a->cert != NULL && cli_gz_name(a->cert);
	FILE *f = NULL;
	int rc, zrc = 0;

	if (a->cert != NULL) {
		f = to_stdout(a->cert) ? stdout : fopen(a->cert, "w");
		if (f == NULL) {
			fprintf(stderr, "teller: %s: %s\n", a->cert,
			    strerror(errno));
			return 1;
		}
	}
	if (z && cli_gz_open(&gz, cli_write_file, f) != 0) {
		fprintf(stderr, "teller: %s: cannot start gzip\n", a->cert);
		if (f != stdout)
			fclose(f);
		return 1;
	}
	rc = f != NULL ? teller_count_certified(ctx, contest, profile, rules,
	    z ? cli_gz_write : cli_write_file, z ? (void *)&gz : (void *)f,
	    res) : teller_count(ctx, contest, profile, rules, res);
	if (z)
		zrc = cli_gz_close(&gz);
	if (f != NULL && ((f == stdout ? fflush(f) : fclose(f)) != 0 ||
	    zrc != 0) && rc == TELLER_OK) {
		fprintf(stderr, "teller: %s: %s\n", a->cert, zrc != 0 ?
		    "cannot write" : strerror(errno));
		if (!to_stdout(a->cert))
			remove(a->cert);
		return 1;
	}
	if (rc != TELLER_OK) {
		if (a->cert != NULL && !to_stdout(a->cert))
			remove(a->cert); /* never a partial certificate */
		return cli_report_error(ctx);
	}
	return 0;
}

/* Count the merged profile under a's options (the method by default irv,
 * or stv-scottish for several seats). Returns an exit status. */
static int
count(teller_ctx *ctx, const struct count_args *a,
    const teller_contest *contest, const teller_profile *profile,
    teller_rules *rules, teller_result **res)
{
	const char *m = a->method;
	teller_rules keep = *rules; /* the rounds, set by run() */

	if (m == NULL)
		m = (a->seats > 1 || (a->seats == 0 &&
		    teller_contest_seats(contest) > 1)) ? "stv-scottish" :
		    "irv";
	teller_rules_init(rules, m);
	rules->seats = a->seats;
	rules->seed = a->seed;
	rules->lots = (const char *const *)a->lots;
	rules->nlots = a->nlots;
	rules->no_seed = a->no_seed;
	rules->strength = a->strength;
	rules->regime = a->regime;
	rules->ranks = a->ranks;
	rules->votes = a->votes;
	rules->min_share = a->min_share;
	rules->electorate = a->electorate;
	rules->round_contests = keep.round_contests;
	rules->round_profiles = keep.round_profiles;
	rules->nrounds = keep.nrounds;
	if (a->seats > 0 && teller_contest_seats(contest) > 0 &&
	    a->seats != teller_contest_seats(contest))
		fprintf(stderr, "teller: note: the input says %d seat%s; "
		    "counting %d as -s says\n", teller_contest_seats(contest),
		    teller_contest_seats(contest) == 1 ? "" : "s", a->seats);
	if (a->electorate > 0 && teller_contest_electorate(contest) > 0 &&
	    a->electorate != teller_contest_electorate(contest))
		fprintf(stderr, "teller: note: the input says the electorate "
		    "is %lld; using %lld as --electorate says\n",
		    (long long)teller_contest_electorate(contest),
		    a->electorate);
	if (teller_contest_nsections(contest) > 0 &&
	    strcmp(m, "college") != 0 && strcmp(m, "exhaustive") != 0)
		fprintf(stderr, "teller: warning: %s pools the %d sections "
		    "the input declares (only college and exhaustive weight "
		    "them)\n", m,
		    teller_contest_nsections(contest));
	return count_cert(ctx, a, contest, profile, rules, res);
}

static bool
is_exhaustive(const struct count_args *a)
{
	return a->method != NULL && strcmp(a->method, "exhaustive") == 0;
}

/* -m exhaustive: one input per round (methods.md 3.3), each read on its
 * own; round 1 is the contest counted, the rest go in rules. */
static int
read_rounds(teller_ctx *ctx, struct count_args *a, char **paths,
    int n, struct cli_in_info *info, teller_contest **c, teller_profile **p,
    teller_contest ***rc, teller_profile ***rp)
{
	int i, status;

	*rc = calloc((size_t)n, sizeof(**rc));
	*rp = calloc((size_t)n, sizeof(**rp));
	if (*rc == NULL || *rp == NULL) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	for (i = 0; i < n; i++)
		if ((status = cli_read_inputs_fix(ctx, NULL, a->format,
		    paths + i, 1, info != NULL ? info + i : NULL, fix_section,
		    a, &(*rc)[i], &(*rp)[i])) != 0)
			return status;
	*c = (*rc)[0];
	*p = (*rp)[0];
	return 0;
}

/* Write every report a asks for; the one on standard output first.
 * Returns an exit status. */
static int
write_reports(teller_ctx *ctx, const teller_result *res,
    const struct count_args *a)
{
	int status = 0;

	if (a->report >= 0 && !to_stdout(a->json) && !to_stdout(a->csv) &&
	    !to_stdout(a->html) && !to_stdout(a->stages) &&
	    !to_stdout(a->cert))
		status = write_report(ctx, res, a->report, "-", a);
	if (status == 0 && a->json != NULL)
		status = write_report(ctx, res, TELLER_REP_JSON, a->json, a);
	if (status == 0 && a->csv != NULL)
		status = write_report(ctx, res, TELLER_REP_CSV, a->csv, a);
	if (status == 0 && a->html != NULL)
		status = write_report(ctx, res, TELLER_REP_HTML, a->html, a);
	if (status == 0 && a->stages != NULL)
		status = write_report(ctx, res, TELLER_REP_STAGESHEET,
		    a->stages, a);
	return status;
}

/* The manifest's path: --manifest, else manifest.json beside the first
 * output file (json, csv, html, stages), unless --no-manifest; NULL for
 * none. malloc'd. */
static char *
manifest_path(const struct count_args *a)
{
	const char *outs[] = { a->json, a->csv, a->html, a->stages,
		a->cert };
	char *dir, *m;
	int i;

	if (a->manifest != NULL)
		return strdup(a->manifest);
	if (a->no_manifest)
		return NULL;
	for (i = 0; i < 5; i++)
		if (outs[i] != NULL && !to_stdout(outs[i]))
			break;
	if (i == 5 || (dir = cli_dirname(outs[i])) == NULL)
		return NULL;
	m = cli_join(dir, "manifest.json");
	free(dir);
	return m;
}

/* Refuse outputs that are inputs. Returns 0 or 2. */
static int
check_outputs(const struct count_args *a, char **in, int n,
    const char *mpath)
{
	const char *outs[] = { a->json, a->csv, a->html, a->stages, a->cert,
		mpath };
	const char *flag[] = { "json", "csv", "html", "stages", "certificate",
		"manifest" };
	int i;

	for (i = 0; i < 6; i++)
		if (is_input(outs[i], in, n)) {
			fprintf(stderr, "teller: --%s %s: that is an input "
			    "file; refusing to overwrite it\n", flag[i],
			    outs[i]);
			return 2;
		}
	return 0;
}

/* The date a manifest records: --date, else SOURCE_DATE_EPOCH's UTC
 * day, else none. */
static const char *
manifest_date(const struct count_args *a, char buf[16])
{
	return a->date != NULL ? a->date : cli_source_date(buf);
}

/* Hash each output file written, write its sidecar, and record it for
 * the manifest in out[]; *n of them. Returns an exit status. */
static int
outputs(const struct count_args *a, const char *mdir,
    teller_manifest_file *out, char (*hex)[65], char **rel, int *n)
{
	const char *outs[] = { a->json, a->csv, a->html, a->stages, a->cert };
	const char *writer[] = { "json", "csv", "html", "stages",
		"certificate" };
	int i;

	*n = 0;
	for (i = 0; i < 5; i++) {
		if (outs[i] == NULL || to_stdout(outs[i]))
			continue;
		if (cli_file_sha256(outs[i], hex[*n], NULL) != 0 ||
		    (rel[*n] = cli_relpath(mdir, outs[i])) == NULL) {
			fprintf(stderr, "teller: %s: cannot be read back\n",
			    outs[i]);
			return 3;
		}
		if (cli_write_sidecar(outs[i], hex[*n]) != 0)
			return 3;
		out[*n].path = rel[*n];
		out[*n].kind = writer[i];
		out[*n].format = NULL;
		out[*n].bytes = 0;
		out[*n].sha256 = hex[*n];
		out[*n].section = NULL;
		out[*n].layout = i == 2 ? a->layout : NULL;
		out[*n].lang = i == 2 ? a->lang : NULL;
		(*n)++;
	}
	return 0;
}

/* Write the manifest at mpath and its sidecar. Returns an exit status. */
static int
write_manifest(teller_ctx *ctx, const teller_manifest_info *m,
    const teller_contest *c, const teller_profile *p,
    const teller_rules *rules, const teller_result *res, const char *mpath)
{
	FILE *f = fopen(mpath, "w");
	char hex[65];
	int rc;

	if (f == NULL) {
		perror(mpath);
		return 3;
	}
	rc = teller_manifest_write(ctx, c, p, rules, res, m, cli_write_file,
	    f);
	if (fclose(f) != 0 && rc == TELLER_OK)
		rc = TELLER_EWRITE;
	if (rc != TELLER_OK) {
		if (teller_errcode(ctx) != TELLER_OK)
			return cli_report_error(ctx);
		fprintf(stderr, "teller: %s: write failed\n", mpath);
		return 3;
	}
	if (cli_file_sha256(mpath, hex, NULL) != 0 ||
	    cli_write_sidecar(mpath, hex) != 0)
		return 3;
	return 0;
}

/* The manifest's record of the inputs, paths relative to mdir. */
static int
input_files(char **paths, int n, const struct cli_in_info *info,
    const char *mdir, char *const *sect_in, teller_manifest_file *f,
    char **rel)
{
	struct stat st;
	int i;

	if (mdir != NULL && stat(mdir, &st) != 0) {
		fprintf(stderr, "teller: %s: %s (the folder of the outputs "
		    "and the manifest)\n", mdir, strerror(errno));
		return 3;
	}
	for (i = 0; i < n; i++) {
		rel[i] = mdir != NULL ? cli_relpath(mdir, paths[i]) :
		    strdup(paths[i]);
		if (rel[i] == NULL) {
			fprintf(stderr, "teller: %s: cannot give its path from "
			    "the manifest's folder %s\n", paths[i], mdir);
			return 3;
		}
		f[i].path = rel[i];
		f[i].kind = "ballots";
		f[i].format = info[i].format;
		f[i].bytes = info[i].bytes;
		f[i].sha256 = info[i].sha256;
		f[i].section = sect_in != NULL ? sect_in[i] : NULL;
		f[i].layout = f[i].lang = NULL;
	}
	return 0;
}

/* --meta FILE as the manifest's input of role "meta" in *f. Returns an
 * exit status. */
static int
meta_input(const char *path, const char *mdir, teller_manifest_file *f,
    char **rel, char hex[65])
{
	unsigned long long n = 0;

	if (cli_file_sha256(path, hex, &n) != 0) {
		fprintf(stderr, "teller: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if ((*rel = mdir != NULL ? cli_relpath(mdir, path) :
	    strdup(path)) == NULL) {
		fprintf(stderr, "teller: %s: cannot give its path from the "
		    "manifest's folder\n", path);
		return 3;
	}
	memset(f, 0, sizeof(*f));
	f->path = *rel;
	f->kind = "meta";
	f->bytes = n;
	f->sha256 = hex;
	return 0;
}

/* Everything after the options: read, count, write. */
static int
run(struct count_args *a, int argc, char **argv, int first)
{
	int nfiles = argc - first, i, status, nout = 0;
	char *mpath = manifest_path(a), *mdir = NULL, **rel = NULL;
	char *orel[5] = { NULL, NULL, NULL, NULL, NULL }, ohex[5][65];
	char mhex[65], date[16];
	teller_manifest_file *inf = NULL, outf[5];
	struct cli_in_info *info = NULL;
	teller_ctx *ctx = NULL;
	teller_contest *contest = NULL;
	teller_profile *profile = NULL;
	teller_result *res = NULL;
	teller_rules rules;
	teller_contest **rcs = NULL;
	teller_profile **rps = NULL;

	memset(&rules, 0, sizeof(rules));

	if ((status = check_outputs(a, argv + first, nfiles, mpath)) != 0)
		goto out;
	status = 3;
	info = calloc((size_t)nfiles, sizeof(*info));
	/* one more: --meta FILE is an input too (role "meta") */
	inf = calloc((size_t)nfiles + 1, sizeof(*inf));
	rel = calloc((size_t)nfiles + 1, sizeof(*rel));
	a->in = argv + first;
	a->nin = nfiles;
	a->sect_in = calloc((size_t)nfiles, sizeof(*a->sect_in));
	if (info == NULL || inf == NULL || rel == NULL || a->sect_in == NULL ||
	    (mpath != NULL && (mdir = cli_dirname(mpath)) == NULL) ||
	    teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		goto out;
	}
	teller_ctx_set_threads(ctx, a->threads);
	if (is_exhaustive(a))
		status = read_rounds(ctx, a, argv + first, nfiles, info,
		    &contest, &profile, &rcs, &rps);
	else
		status = cli_read_inputs_fix(ctx, NULL, a->format, argv + first,
		    nfiles, mpath != NULL || a->report == TELLER_REP_JSON ||
		    a->json != NULL ? info : NULL, fix_section, a,
		    &contest, &profile);
	if (status == 0 && a->sect_used < a->nsect) {
		fprintf(stderr, "teller: --section: %d given, for %d BLT or "
		    "PrefLib input%s\n", a->nsect, a->sect_used,
		    a->sect_used == 1 ? "" : "s");
		status = 2;
	}
	if (status == 0 && is_exhaustive(a)) {
		rules.round_contests = (const teller_contest *const *)rcs + 1;
		rules.round_profiles = (const teller_profile *const *)rps + 1;
		rules.nrounds = nfiles - 1;
	}
	if (status == 0)
		status = count(ctx, a, contest, profile, &rules, &res);
	if (status == 0 && a->sens && teller_sensitivity(ctx, contest,
	    profile, &rules, res, a->parcel) != TELLER_OK)
		status = cli_report_error(ctx);
	/* with a manifest, the result names inputs as the manifest does */
	if (status == 0)
		status = input_files(argv + first, nfiles, info, mdir,
		    a->sect_in, inf, rel);
	for (i = 0; status == 0 && i < nfiles; i++)
		if (teller_result_add_input(ctx, res, rel[i],
		    info[i].sha256) != TELLER_OK)
			status = cli_report_error(ctx);
	if (status == 0 && a->meta != NULL)
		status = cli_apply_meta(ctx, res, a->meta);
	if (status == 0 && a->meta != NULL && mpath != NULL)
		status = meta_input(a->meta, mdir, &inf[nfiles], &rel[nfiles],
		    mhex);
	if (status == 0)
		status = write_reports(ctx, res, a);

	if (status == 0 && mpath != NULL)
		status = outputs(a, mdir, outf, ohex, orel, &nout);
	if (status == 0 && mpath != NULL) {
		const char **av = calloc((size_t)first + (size_t)nfiles + 1,
		    sizeof(char *));
		teller_manifest_info m;

		if (av == NULL) {
			fprintf(stderr, "teller: out of memory\n");
			status = 3;
			goto out;
		}
		av[0] = "teller";
		for (i = 0; i < argc; i++)
			av[i + 1] = argv[i];
		m.argv = av;
		m.argc = argc + 1;
		m.date = manifest_date(a, date);
		m.inputs = inf;
		m.ninputs = nfiles + (a->meta != NULL);
		m.outputs = outf;
		m.noutputs = nout;
		status = write_manifest(ctx, &m, contest, profile, &rules, res,
		    mpath);
		free(av);
	}
	if (status == 0 && teller_result_stopped(res) != NULL) {
		/* methods.md 1.4: every report written, then exit 4 */
		fprintf(stderr, "teller: the count stopped: %s\n",
		    teller_result_stopped(res));
		status = 4;
	}
out:
	free(rcs);
	free(rps);
	for (i = 0; rel != NULL && i <= nfiles; i++)
		free(rel[i]);
	for (i = 0; a->sect_in != NULL && i < nfiles; i++)
		free(a->sect_in[i]);
	free(a->sect_in);
	a->sect_in = NULL;
	for (i = 0; i < 5; i++)
		free(orel[i]);
	free(rel);
	free(inf);
	free(info);
	free(mdir);
	free(mpath);
	teller_ctx_free(ctx);
	return status;
}

int
cmd_count(int argc, char **argv)
{
	struct count_args a = {
		.format = TELLER_FMT_AUTO, .report = TELLER_REP_TEXT,
		.seed = "1" };
	int first, status;

	first = cli_getopt(argc, argv, count_opts, on_opt, &a);
	if (first >= 0 && a.parcel && !a.sens) {
		fprintf(stderr, "teller: --rounding parcel needs "
		    "--sensitivity rounding\n");
		first = -1;
	}
	if (first < 0) {
		fprintf(stderr, "usage: %s\n", SYNOPSIS);
		free_lots(&a);
		return 2;
	}
	if (argc - first < 1) {
		fprintf(stderr, "teller: count: no input file\nusage: %s\n",
		    SYNOPSIS);
		free_lots(&a);
		return 2;
	}
	status = run(&a, argc, argv, first);
	free_lots(&a);
	return status;
}
