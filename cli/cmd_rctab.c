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

#include "audit.h"
#include "cli.h"
#include "opts.h"

struct sink {
	const char *dir;
	char **paths;  /* files opened, for the report or the clean-up */
	struct cli_hfile **open;	/* per path, until closed */
	char (*hex)[65];	/* per path: its SHA-256 once closed, or "" */
	int n, cap;
};

#define SYNOPSIS "teller rctab CONFIG.json [-o DIR] [--tiebreak NAME]... " \
	"[--crlf] [--threads N] [-x] [--no-cvr-export] " \
	"[--hart-signatures MODE] [--hart-key FILE] [--no-manifest] " \
	"[--ballot-ids] [--date YYYY-MM-DD]"

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
    "  DIR/manifest.json                     what was read and "
    "written, with\n"
    "                                        SHA-256 hashes (teller "
    "verify re-runs it)\n"
    "Each file written gets FILE.sha256 beside it (sha256sum format).\n"
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
	bool help, no_manifest, ids; /* ids: --ballot-ids */
	const char *date;  /* --date */
	int argc;        /* the invocation, for the manifest */
	char **argv;
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
	case OPT_NO_MANIFEST: a->no_manifest = true; break;
	case OPT_BALLOT_IDS: a->ids = true; break;
	case OPT_DATE:
		if (!cli_date_ok(arg)) {
			fprintf(stderr, "teller: --date: '%s' is not a date "
			    "YYYY-MM-DD\n", arg);
			return -1;
		}
		a->date = arg;
		break;
	case OPT_HART_SIGS:
		if (cli_rctab_sig_mode(arg) >= 0)
			a->opts.hart_signatures = cli_rctab_sig_mode(arg);
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

/* The date of the run: --date, else SOURCE_DATE_EPOCH's day, else
 * NULL (never the clock: audit.md 4.2, 4.5). */
static const char *
run_date(const struct rargs *a, char buf[16])
{
	return a->date != NULL ? a->date : cli_source_date(buf);
}

/* GeneratedDate of the CDF export: the run's date, else the config's
 * contestDate (when a date YYYY-MM-DD), at midnight UTC in RCTab's
 * shape; NULL (left out) when neither. Never the clock, so that a run
 * is byte-reproducible. */
static const char *
gen_date(const struct rargs *a, const char *contest, char *buf,
    size_t size)
{
	char d[16];
	const char *day = run_date(a, d);

	if (day == NULL && contest != NULL && cli_date_ok(contest))
		day = contest;
	if (day == NULL)
		return NULL;
	snprintf(buf, size, "%sT00:00:00+00:00", day);
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
	struct cli_hfile *h;

	if (path == NULL)
		return -1;
	if (make_parents(path) != 0) {
		fprintf(stderr, "teller: %s: %s\n", path, strerror(errno));
		free(path);
		return -1;
	}
	if (s->n == s->cap) {
		int nc = s->cap == 0 ? 16 : s->cap * 2;
		char **np = realloc(s->paths, (size_t)nc * sizeof(char *));
		struct cli_hfile **no = np ? realloc(s->open, (size_t)nc *
		    sizeof(*no)) : NULL;
		char (*nh)[65] = no ? realloc(s->hex, (size_t)nc *
		    sizeof(*nh)) : NULL;

		if (np)
			s->paths = np;
		if (no)
			s->open = no;
		if (nh == NULL) {
			free(path);
			return -1;
		}
		s->hex = nh;
		s->cap = nc;
	}
	if ((h = cli_hfile_open(path)) == NULL) {
		fprintf(stderr, "teller: %s: %s\n", path, strerror(errno));
		free(path);
		return -1;
	}
	s->open[s->n] = h;
	s->hex[s->n][0] = '\0';
	s->paths[s->n++] = path;
	*w = cli_hfile_write;
	*wud = h;
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

	for (i = 0; i < s->n; i++) {
		if (s->open[i] != NULL) {	/* never closed: a failed run */
			char hex[65];

			cli_hfile_close(s->open[i], hex);
		}
		free(s->paths[i]);
	}
	free(s->paths);
	free(s->open);
	free(s->hex);
}

static int
sink_close(void *ud, void *wud)
{
	struct sink *s = ud;

	for (int i = 0; i < s->n; i++)
		if (s->open[i] == wud) {
			s->open[i] = NULL;
			return cli_hfile_close(wud, s->hex[i]);
		}
	return 1;
}

/* ---- the manifest (audit.md 4.2, 8.4) ---- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *
in_role(const struct rargs *a, const char *config, const char *path)
{
	size_t n = strlen(path);

	if (strcmp(path, config) == 0)
		return "config";
	if (a->opts.hart_key != NULL && strcmp(path, a->opts.hart_key) == 0)
		return "hart-key";
	if (n > 8 && strcmp(path + n - 8, ".sig.xml") == 0)
		return "signature";
	return "cvr";
}

/* One input or output of the manifest: path relative to dir, its size
 * (bytes not NULL) and hash: hex as given when not empty (an output
 * hashed as it was written), else rec's hash of an input read by the
 * run, else the file's read now. Returns 0, or -1 after printing the
 * error. */
static int
man_file(struct cli_buf *b, const char *dir, const char *path, bool first,
    const struct cli_rec *rec, char hex[65], unsigned long long *bytes)
{
	char *rel = cli_relpath(dir, path);

	if (rel == NULL || (hex[0] == '\0' && (rec == NULL ||
	    cli_rec_sha256(rec, path, hex, bytes) != 0) &&
	    cli_file_sha256(path, hex, bytes) != 0)) {
		fprintf(stderr, "teller: %s: cannot hash it for the manifest "
		    "in %s\n", path, dir);
		free(rel);
		return -1;
	}
	cli_buf_str(b, first ? "\n    { \"path\": " : ",\n    { \"path\": ");
	cli_buf_jstr(b, rel);
	free(rel);
	return 0;
}

/* Write DIR/manifest.json and a .sha256 beside every output and the
 * manifest. Returns an exit status. */
static int
write_manifest(const char *config, const struct rargs *a,
    const struct sink *sk, const struct cli_rec *rec,
    const struct cli_rctab_lots *lots, struct cli_buf canon[4])
{
	struct cli_buf b = { NULL, 0, 0, 0 }, rules = { NULL, 0, 0, 0 };
	struct cli_buf ob = { NULL, 0, 0, 0 };
	char hex[65], rhex[65] = "", reshex[65] = "", date[16], *mpath;
	char **ins = NULL;
	const char *res = NULL, *d;
	unsigned long long bytes;
	int i, k, nin = 0, rc = 3;
	FILE *f;

	if ((mpath = cli_join(sk->dir, "manifest.json")) == NULL ||
	    (ins = calloc((size_t)rec->n + 1, sizeof(*ins))) == NULL)
		goto out;
	for (i = 0; i < rec->n; i++)
		if (strcmp(rec->paths[i], config) != 0)
			ins[nin++] = rec->paths[i];
	qsort(ins, (size_t)nin, sizeof(*ins), cmp_str);
	memmove(ins + 1, ins, (size_t)nin * sizeof(*ins));
	ins[0] = (char *)config;
	nin++;
	cli_buf_str(&b, "{ \"teller_manifest\": 1,\n  \"engine\": { \"name\": "
	    "\"teller\", \"version\": \"" TELLER_VERSION "\", \"commit\": "
	    "null, \"arith\": \"fixed-i64\" },\n  \"invocation\": "
	    "[\"teller\"");
	for (i = 0; i < a->argc; i++) {
		cli_buf_str(&b, ", ");
		cli_buf_jstr(&b, a->argv[i]);
	}
	cli_buf_str(&b, "],\n  \"date\": ");
	d = run_date(a, date);
	cli_buf_jstr(&b, d);
	cli_buf_str(&b, ",\n  \"inputs\": [");
	for (i = 0; i < nin; i++) {
		const char *role = in_role(a, config, ins[i]);
		hex[0] = '\0';
		if (man_file(&b, sk->dir, ins[i], i == 0, rec, hex,
		    &bytes) != 0) {
			rc = 1;
			goto out;
		}
		cli_buf_str(&b, ", \"role\": ");
		cli_buf_jstr(&b, role);
		cli_buf_str(&b, ", \"format\": ");
		cli_buf_jstr(&b, strcmp(role, "config") == 0 ? "rctab-config" :
		    NULL);
		snprintf(date, sizeof(date), "%llu", bytes);
		cli_buf_str(&b, ", \"bytes\": ");
		cli_buf_str(&b, date);
		cli_buf_str(&b, ", \"sha256\": ");
		cli_buf_jstr(&b, hex);
		cli_buf_str(&b, " }");
	}
	cli_rctab_rules(&rules, &a->opts);
	if (rules.oom)
		goto out;
	cli_mem_sha256(rules.s, rules.n, rhex);
	/* the JCS text itself, with its hash as the last member */
	/* the canonical contest and profiles (audit.md 4.3), and with
	 * --ballot-ids the canonical ballot ids: made by the run from its
	 * own read of the CVRs (run) */
	cli_buf_str(&b, " ],\n  ");
	if ((rc = cli_rctab_canon_json_of(canon, a->ids, &b)) != 0)
		goto out;
	rc = 3;
	cli_buf_str(&b, ",\n  \"rules\": ");
	cli_buf_add(&b, rules.s, rules.n - 1);
	cli_buf_str(&b, ",\"sha256\":");
	cli_buf_jstr(&b, rhex);
	cli_buf_str(&b, "},\n  ");
	cli_rctab_lots_json(lots, &b);
	for (i = 0, k = 0; i < sk->n; i++) {
		const char *p = sk->paths[i];
		bool html = a->opts.html != NULL &&
		    strcmp(p, a->opts.html) == 0;
		memcpy(hex, sk->hex[i], sizeof hex);
		if (man_file(&ob, sk->dir, p, k++ == 0, NULL, hex, NULL) !=
		    0) {
			rc = 1;
			goto out;
		}
		cli_buf_str(&ob, ", \"writer\": ");
		cli_buf_jstr(&ob, cli_rctab_writer(p, html));
		cli_buf_str(&ob, ", \"options\": {}, \"sha256\": ");
		cli_buf_jstr(&ob, hex);
		cli_buf_str(&ob, " }");
		if (cli_write_sidecar(p, hex) != 0) {
			rc = 3;
			goto out;
		}
		d = strrchr(p, '/');
		d = d != NULL ? d + 1 : p;
		if (res == NULL || strcmp(d, "summary.json") == 0) {
			res = p;
			memcpy(reshex, hex, sizeof hex);
		}
	}
	/* result: the contest's detailed report (cdf_cvr.json for -x) */
	cli_buf_str(&b, ",\n  \"result\": { \"report\": ");
	if (res != NULL) {
		char *rel = cli_relpath(sk->dir, res);
		cli_buf_jstr(&b, rel);
		free(rel);
		cli_buf_str(&b, ", \"sha256\": ");
		cli_buf_jstr(&b, reshex);
	} else {
		cli_buf_str(&b, "null, \"sha256\": null");
	}
	cli_buf_str(&b, " },\n  \"outputs\": [");
	cli_buf_add(&b, ob.s != NULL ? ob.s : "", ob.n);
	cli_buf_str(&b, ob.n > 0 ? " ] }\n" : "] }\n");
	if (b.oom || ob.oom || rec->oom || lots->b.oom)
		goto out;
	if ((f = fopen(mpath, "wb")) == NULL ||
	    fwrite(b.s, 1, b.n, f) != b.n || fclose(f) != 0) {
		fprintf(stderr, "teller: %s: %s\n", mpath, strerror(errno));
		goto out;
	}
	cli_mem_sha256(b.s, b.n, hex);
	rc = cli_write_sidecar(mpath, hex) != 0 ? 3 : 0;
out:
	if (rc == 3 && (b.oom || ob.oom || rules.oom || rec->oom ||
	    ins == NULL))
		fprintf(stderr, "teller: out of memory\n");
	free(b.s);
	free(ob.s);
	free(rules.s);
	free(ins);
	free(mpath);
	return rc;
}

/* Load and run the config with a's options, writing through sk.
 * Returns an exit status. */
static int
run(const char *config, struct rargs *a, struct sink *sk)
{
	teller_rctab *r;
	teller_ctx *ctx;
	struct cli_rec rec;
	struct cli_rctab_lots lots;
	struct cli_buf canon[4];
	char gendate[64];
	int i, rc;

	memset(canon, 0, sizeof canon);
	if (teller_ctx_new(&cli_alloc, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	memset(&lots, 0, sizeof lots);
	cli_rec_init(&rec);
	teller_ctx_set_input(ctx, a->no_manifest ? &cli_files : &rec.in);
	a->opts.ties = a->ties;
	a->opts.nties = a->nties;
	a->opts.output.open = sink_open;
	a->opts.output.close = sink_close;
	a->opts.output.ud = sk;
	a->opts.lot = cli_rctab_lot;
	a->opts.lot_ud = &lots;
	if (!a->no_manifest) {
		/* the manifest's canonical texts, from the run's own read:
		 * contest, marked, effective, ballot ids (audit.md 4.3) */
		a->opts.canon_marked = cli_buf_write;
		a->opts.canon_marked_ud = &canon[1];
		a->opts.canon_effective = cli_buf_write;
		a->opts.canon_effective_ud = &canon[2];
		a->opts.canon_ids = a->ids ? cli_buf_write : NULL;
		a->opts.canon_ids_ud = &canon[3];
	}
	rc = teller_rctab_load(ctx, config, &a->opts, &r);
	if (rc == TELLER_OK) {
		const char *seed = teller_rctab_seed(r);
		/* read at run time: the options are borrowed until then */
		a->opts.generated_date = gen_date(a, teller_rctab_date(r),
		    gendate, sizeof gendate);
		if (seed != NULL && (lots.seed = strdup(seed)) == NULL)
			lots.b.oom = 1;
		/* -o, or the config's outputDirectory */
		sk->dir = teller_rctab_output_dir(r);
		rc = teller_rctab_run(ctx, r);
		if (rc == TELLER_OK && !a->no_manifest)
			rc = teller_rctab_canon(ctx, r, TELLER_CANON_CONTEST,
			    cli_buf_write, &canon[0]);
		teller_rctab_free(r);
	}
	cli_rec_finish(&rec);
	if (rc != TELLER_OK) {
		sink_unlink(sk);
		rc = cli_report_error(ctx);
	} else if (!a->no_manifest && sk->n > 0 &&
	    (rc = write_manifest(config, a, sk, &rec, &lots, canon)) != 0) {
		sink_unlink(sk);
	} else {
		sink_report(sk);
	}
	teller_ctx_free(ctx);
	cli_rec_free(&rec);
	cli_rctab_lots_free(&lots);
	for (i = 0; i < 4; i++)
		free(canon[i].s);
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
	a.argc = argc;
	a.argv = argv;
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
