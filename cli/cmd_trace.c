/* SPDX-License-Identifier: MIT */
/*
 * cmd_trace.c -- `teller trace` (audit.md 6, 8.7): where a ballot went
 * at every round of an RCTab contest, from the tabulator's own decisions
 * (teller_rctab_trace): one row a round (stage, event, holder, value,
 * transfer value) as text or JSON, or RCTab's audit-log lines. A ballot
 * is named by its CVR id (--ballot-id) or by its ranking (--ranking
 * "A>B>C", no id needed); without either, --format rctab-audit writes
 * every ballot, sorted by id. A ballot file (BLT, CSV...) is not an
 * RCTab config: its trace by pattern is cmd_trace_pattern's (one call
 * site below).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "opts.h"

#define SYNOPSIS "teller trace (--ballot-id ID | --ranking R) " \
	"[--format text|json|rctab-audit] [--tiebreak NAME]... CONFIG.json\n" \
	"       teller trace --format rctab-audit CONFIG.json\n" \
	"       teller trace [-m METHOD] [-f FORMAT] (--pattern N | " \
	"--ranking R) FILE..."

static const char about[] =
    "\nWhere a ballot went in every round of an RCTab contest: counted "
    "for,\ntransferred to, stayed with, or non-transferable (overvote, "
    "skipped\nrankings, repeated, exhausted choices), with its value and "
    "transfer\nvalue. Ballot ids exist only in CVR exports that carry "
    "them; --ranking\nneeds no id, the private way for a voter to "
    "follow their own ballot.\n\n"
    "UK ballot papers are never traceable: their numbers link to "
    "electors\nthrough the corresponding number list.\n"
    "teller never takes an elector number; a ballot file (BLT, CSV) "
    "is\ntraced by pattern, never by paper.\n\n"
    "exit status: 0 traced, 1 bad config or CVR, or no such ballot, 2 "
    "usage,\n3 system error, 4 a tie needs a --tiebreak answer.\n";

struct targs {
	const char *id, *ranking, *pattern, *format;
	const char **ties;
	int nties, threads;
	bool help, other; /* other: -m or -f, for ballot files */
};

static int
on_opt(void *ud, int id, const char *arg)
{
	struct targs *a = ud;

	switch (id) {
	case OPT_BALLOT_ID: a->id = arg; break;
	case OPT_RANKING: a->ranking = arg; break;
	case OPT_PATTERN: a->pattern = arg; break;
	case OPT_TFORMAT:
		if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0 &&
		    strcmp(arg, "rctab-audit") != 0) {
			fprintf(stderr, "teller: trace: --format wants text, "
			    "json or rctab-audit, not '%s'\n", arg);
			return -1;
		}
		a->format = arg;
		break;
	case 'm': case 'f': a->other = true; break;
	case OPT_TTIEBREAK: a->ties[a->nties++] = arg; break;
	case OPT_TTHREADS: return cli_threads(arg, &a->threads);
	case 'h': a->help = true; break;
	default: return -1;
	}
	return 0;
}

/* ---- a ballot file: cmd_trace_pattern (cli/cmd_trace_pattern.c)
 * traces --pattern/--ranking in BLT, CSV and other ballot files. */
static int
trace_ballot_file(int argc, char **argv)
{
	return cmd_trace_pattern(argc, argv);
}

/* ---- what the tabulator tells ---- */

struct tev {
	size_t pat;
	int pass, round;
	const char *holder;  /* the tabulator's name, or NULL */
	const char *reason;  /* static, or NULL */
	char *tv;
};

struct tballot {
	char *id;
	size_t pat;
};

struct tstate {
	const struct targs *a;
	bool all;             /* every ballot (rctab-audit, no selector) */
	struct tballot *b;    /* the ballots traced */
	size_t nb, capb;
	unsigned char *want;  /* [pattern]: traced */
	size_t nwant;
	char *ranking;        /* the first traced ballot's, as marked */
	struct tev *ev;
	size_t nev, capev;
	int npass;            /* passes seen (multi-pass: 1..seats) */
	int nround[64];       /* rounds of pass p at p */
	int oom;
};

static int
want_pat(struct tstate *s, size_t pat)
{
	if (pat >= s->nwant) {
		size_t n = pat * 2 + 16;
		unsigned char *w = realloc(s->want, n);
		if (w == NULL)
			return -1;
		memset(w + s->nwant, 0, n - s->nwant);
		s->want = w;
		s->nwant = n;
	}
	s->want[pat] = 1;
	return 0;
}

static int
on_ballot(void *ud, const char *id, const char *ranking, size_t pat)
{
	struct tstate *s = ud;
	const struct targs *a = s->a;
	struct tballot *b;

	if (!s->all && (a->id != NULL ? strcmp(id, a->id) != 0 :
	    strcmp(ranking, a->ranking) != 0))
		return 0;
	if (s->nb == s->capb) {
		size_t cap = s->capb ? s->capb * 2 : 64;
		if ((b = realloc(s->b, cap * sizeof(*b))) == NULL)
			goto oom;
		s->b = b;
		s->capb = cap;
	}
	if ((s->b[s->nb].id = strdup(id)) == NULL)
		goto oom;
	s->b[s->nb++].pat = pat;
	if (s->ranking == NULL && (s->ranking = strdup(ranking)) == NULL)
		goto oom;
	if (want_pat(s, pat) != 0)
		goto oom;
	return 0;
oom:
	s->oom = 1;
	return -1;
}

static int
on_event(void *ud, int pass, int round, size_t pat, const char *holder,
    const char *reason, const char *tv)
{
	struct tstate *s = ud;
	struct tev *e;

	if (pat >= s->nwant || !s->want[pat])
		return 0;
	if (s->nev == s->capev) {
		size_t cap = s->capev ? s->capev * 2 : 256;
		if ((e = realloc(s->ev, cap * sizeof(*e))) == NULL)
			goto oom;
		s->ev = e;
		s->capev = cap;
	}
	e = &s->ev[s->nev];
	e->pat = pat;
	e->pass = pass;
	e->round = round;
	e->holder = holder;
	e->reason = reason;
	if ((e->tv = strdup(tv)) == NULL)
		goto oom;
	s->nev++;
	return 0;
oom:
	s->oom = 1;
	return -1;
}

static int
on_pass_end(void *ud, int pass, int nround)
{
	struct tstate *s = ud;

	if (pass < 0 || pass >= (int)(sizeof(s->nround) /
	    sizeof(*s->nround)))
		return -1;
	s->nround[pass] = nround;
	if (pass + 1 > s->npass)
		s->npass = pass + 1;
	return 0;
}

/* ---- exact values: a decimal times a whole number ---- */

/* tv * n into out (cap bytes), keeping tv's scale; n is a count of
 * ballots (far below 2^64 / 10). */
static void
dec_times(const char *tv, unsigned long long n, char *out, size_t cap)
{
	char dig[128], res[160];
	const char *dot = strchr(tv, '.');
	size_t nd = 0, scale = dot != NULL ? strlen(dot + 1) : 0, i, k;
	int len;
	unsigned long long carry = 0;

	for (i = 0; tv[i] != '\0' && nd < sizeof(dig) - 1; i++)
		if (tv[i] >= '0' && tv[i] <= '9')
			dig[nd++] = tv[i];
	/* schoolbook, least significant digit first, into res reversed */
	for (k = 0, i = nd; i-- > 0 && k < sizeof(res) - 1;) {
		unsigned long long v = (unsigned long long)(dig[i] - '0') *
		    n + carry;
		res[k++] = (char)('0' + (int)(v % 10));
		carry = v / 10;
	}
	while (carry > 0 && k < sizeof(res) - 1) {
		res[k++] = (char)('0' + (int)(carry % 10));
		carry /= 10;
	}
	while (k <= scale)
		res[k++] = '0';
	/* drop leading zeros of the integer part */
	while (k > scale + 1 && res[k - 1] == '0')
		k--;
	len = 0;
	for (i = k; i-- > 0;) {
		if ((size_t)len + 2 >= cap)
			break;
		out[len++] = res[i];
		if (i == scale && scale > 0)
			out[len++] = '.';
	}
	out[len] = '\0';
}

/* ---- rows ---- */

struct row {
	char stage[32];
	char event[64];
	const char *holder;
	char value[128];
	char tv[96];
};

/* The rows of pattern pat (events ev[0..n), in order) for each pass:
 * one a round until the ballot became non-transferable. */
static size_t
build_rows(const struct tstate *s, size_t pat, unsigned long long papers,
    struct row **out)
{
	struct row *rows;
	size_t n = 0, cap = 0, i, e = 0;
	int p, r;

	*out = NULL;
	for (p = 0; p < s->npass; p++)
		cap += (size_t)s->nround[p];
	if ((rows = calloc(cap + 1, sizeof(*rows))) == NULL)
		return (size_t)-1;
	for (p = 0; p < s->npass; p++) {
		const char *holder = NULL, *tv = "1";
		bool any = false, gone = false;
		for (r = 1; r <= s->nround[p] && !gone; r++) {
			const struct tev *ev = NULL;
			struct row *w = &rows[n];
			for (i = e; i < s->nev; i++)
				if (s->ev[i].pat == pat && s->ev[i].pass == p &&
				    s->ev[i].round == r) {
					ev = &s->ev[i];
					e = i + 1;
					break;
				}
			if (ev == NULL && !any)
				continue;
			if (s->npass > 1 || p > 0)
				snprintf(w->stage, sizeof(w->stage), "%d.%d",
				    p, r);
			else
				snprintf(w->stage, sizeof(w->stage), "%d", r);
			if (ev != NULL && ev->holder == NULL) {
				snprintf(w->event, sizeof(w->event),
				    "non-transferable: %s", ev->reason);
				w->holder = NULL;
				tv = ev->tv;
				gone = true;
			} else if (ev != NULL) {
				snprintf(w->event, sizeof(w->event), "%s",
				    any ? "transferred to" : "counted for");
				holder = ev->holder;
				w->holder = holder;
				tv = ev->tv;
			} else {
				snprintf(w->event, sizeof(w->event),
				    "stayed with");
				w->holder = holder;
			}
			any = true;
			snprintf(w->tv, sizeof(w->tv), "%s", tv);
			dec_times(tv, papers, w->value, sizeof(w->value));
			n++;
		}
	}
	*out = rows;
	return n;
}

static void
json_str(FILE *f, const char *s)
{
	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* audit.md 8.7: { "ranking", "papers", "rows" }. */
static void
write_json(FILE *f, const char *ranking, unsigned long long papers,
    const struct row *rows, size_t n)
{
	const char *p = ranking, *e;
	size_t i;
	bool first = true;

	fputs("{ \"ranking\": [", f);
	while (*p != '\0') {
		char name[1024];
		size_t k;
		e = strchr(p, '>');
		k = e != NULL ? (size_t)(e - p) : strlen(p);
		if (k >= sizeof(name))
			k = sizeof(name) - 1;
		memcpy(name, p, k);
		name[k] = '\0';
		fputs(first ? "" : ", ", f);
		first = false;
		json_str(f, name);
		if (e == NULL)
			break;
		p = e + 1;
	}
	fprintf(f, "], \"papers\": \"%llu\",\n  \"rows\": [", papers);
	for (i = 0; i < n; i++) {
		fputs(i > 0 ? ",\n    { \"stage\": " : "\n    { \"stage\": ",
		    f);
		if (strchr(rows[i].stage, '.') != NULL)
			json_str(f, rows[i].stage);
		else
			fputs(rows[i].stage, f);
		fputs(", \"event\": ", f);
		json_str(f, rows[i].event);
		fputs(", \"holder\": ", f);
		json_str(f, rows[i].holder);
		fputs(", \"value\": ", f);
		json_str(f, rows[i].value);
		fputs(", \"transfer_value\": ", f);
		json_str(f, rows[i].tv);
		fputs(" }", f);
	}
	fputs(n > 0 ? " ] }\n" : "] }\n", f);
}

static void
write_text(FILE *f, const struct targs *a, const char *ranking,
    unsigned long long papers, const struct row *rows, size_t n)
{
	size_t i;

	if (a->id != NULL)
		fprintf(f, "ballot %s: %s\n", a->id, ranking);
	else
		fprintf(f, "ranking %s: %llu ballot%s\n", ranking, papers,
		    papers == 1 ? "" : "s");
	fprintf(f, "%-6s %-40s %-28s %-12s %s\n", "stage", "event", "holder",
	    "value", "transfer_value");
	for (i = 0; i < n; i++)
		fprintf(f, "%-6s %-40s %-28s %-12s %s\n", rows[i].stage,
		    rows[i].event, rows[i].holder != NULL ? rows[i].holder :
		    "-", rows[i].value, rows[i].tv);
}

/* RCTab's audit-log detail of a reason (its Tabulator's words). */
static const char *
rctab_detail(const char *reason)
{
	if (strcmp(reason, "skipped rankings") == 0)
		return "undervote";
	if (strcmp(reason, "exhausted choices") == 0)
		return "no continuing candidates";
	if (strcmp(reason, "repeated") == 0)
		return "duplicate candidate";
	return reason;
}

/* RCTab's per-ballot audit-log lines (CastVoteRecord.logRoundOutcome in
 * RCTab's source), without its time stamp and raw data:
 * "[Round] N [CVR] ID [counted for|transferred to|became inactive]
 * DETAIL", and " [value] V" when a counted ballot's value is not 1. */
static void
write_audit(FILE *f, const struct tstate *s, const struct tballot *b)
{
	size_t i;

	for (i = 0; i < s->nev; i++) {
		const struct tev *e = &s->ev[i];
		if (e->pat != b->pat)
			continue;
		fprintf(f, "[Round] %d [CVR] %s", e->round, b->id);
		if (e->holder == NULL) {
			fprintf(f, " [became inactive] %s\n",
			    rctab_detail(e->reason));
			continue;
		}
		fprintf(f, " [%s] %s", e->round == 1 ? "counted for" :
		    "transferred to", e->holder);
		if (strcmp(e->tv, "1") != 0)
			fprintf(f, " [value] %s", e->tv);
		fputc('\n', f);
	}
}

static int
cmp_ballot(const void *x, const void *y)
{
	const struct tballot *a = x, *b = y;
	int c = strcmp(a->id, b->id);

	return c != 0 ? c : a->pat < b->pat ? -1 : a->pat > b->pat;
}

/* The events grouped by pattern, each group in order (a stable
 * counting sort), so that a ballot's lines are found at once. */
static int
group_events(struct tstate *s)
{
	size_t *start, i, np = s->nwant;
	struct tev *g;

	if ((start = calloc(np + 1, sizeof(*start))) == NULL ||
	    (g = malloc((s->nev + 1) * sizeof(*g))) == NULL) {
		free(start);
		return -1;
	}
	for (i = 0; i < s->nev; i++)
		start[s->ev[i].pat + 1]++;
	for (i = 1; i <= np; i++)
		start[i] += start[i - 1];
	for (i = 0; i < s->nev; i++)
		g[start[s->ev[i].pat]++] = s->ev[i];
	free(s->ev);
	s->ev = g;
	free(start);
	return 0;
}

/* rctab-audit of every ballot, sorted by id. */
static void
write_audit_all(FILE *f, struct tstate *s)
{
	size_t *first = NULL, i, j;

	qsort(s->b, s->nb, sizeof(*s->b), cmp_ballot);
	if (group_events(s) == 0 &&
	    (first = malloc((s->nwant + 1) * sizeof(*first))) != NULL) {
		struct tstate one = *s;
		for (i = 0; i <= s->nwant; i++)
			first[i] = SIZE_MAX;
		for (i = s->nev; i-- > 0;)
			first[s->ev[i].pat] = i;
		for (i = 0; i < s->nb; i++) {
			size_t p = s->b[i].pat;
			if (p >= s->nwant || first[p] == SIZE_MAX)
				continue;
			for (j = first[p]; j < s->nev && s->ev[j].pat == p;)
				j++;
			one.ev = s->ev + first[p];
			one.nev = j - first[p];
			write_audit(f, &one, &s->b[i]);
		}
	} else {
		for (i = 0; i < s->nb; i++)
			write_audit(f, s, &s->b[i]);
	}
	free(first);
}

/* ---- running the config ---- */

static int
trace_rctab(const char *config, const struct targs *a)
{
	struct tstate s;
	teller_rctab_trace tr;
	teller_rctab_options o;
	teller_rctab *r;
	teller_ctx *ctx;
	const char *fmt = a->format != NULL ? a->format : "text";
	struct row *rows = NULL;
	size_t i, nrows;
	int rc;

	memset(&s, 0, sizeof(s));
	s.a = a;
	s.all = a->id == NULL && a->ranking == NULL;
	tr.ballot = on_ballot;
	tr.event = on_event;
	tr.pass_end = on_pass_end;
	tr.ud = &s;
	teller_rctab_options_init(&o);
	o.threads = a->threads;
	o.ties = a->ties;
	o.nties = a->nties;
	o.no_cvr_export = 1;
	o.hart_signatures = TELLER_HART_SIG_CHECK;
	o.trace = &tr;
	cli_null_output(&o.output);
	o.output_dir = "";
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	teller_ctx_set_input(ctx, &cli_files);
	rc = teller_rctab_load(ctx, config, &o, &r);
	if (rc == TELLER_OK) {
		rc = teller_rctab_run(ctx, r);
		teller_rctab_free(r);
	}
	if (s.oom) {
		fprintf(stderr, "teller: out of memory\n");
		rc = 3;
	} else if (rc != TELLER_OK) {
		rc = cli_report_error(ctx);
	} else if (!s.all && s.nb == 0) {
		fprintf(stderr, "teller: %s: no ballot %s '%s'\n", config,
		    a->id != NULL ? "with id" : "ranked", a->id != NULL ?
		    a->id : a->ranking);
		rc = 1;
	} else if (strcmp(fmt, "rctab-audit") == 0) {
		if (s.all) {
			write_audit_all(stdout, &s);
		} else {
			qsort(s.b, s.nb, sizeof(*s.b), cmp_ballot);
			for (i = 0; i < s.nb; i++)
				write_audit(stdout, &s, &s.b[i]);
		}
	} else {
		for (i = 1; i < s.nb; i++)
			if (s.b[i].pat != s.b[0].pat)
				break;
		if (i < s.nb) {
			/* the same id on ballots marked otherwise: no one
			 * path to show */
			fprintf(stderr, "teller: %s: %zu ballots have id "
			    "'%s', marked differently\n", config, s.nb,
			    a->id);
			rc = 1;
		} else if ((nrows = build_rows(&s, s.b[0].pat, s.nb,
		    &rows)) == (size_t)-1) {
			fprintf(stderr, "teller: out of memory\n");
			rc = 3;
		} else if (strcmp(fmt, "json") == 0) {
			write_json(stdout, s.ranking, s.nb, rows, nrows);
		} else {
			write_text(stdout, a, s.ranking, s.nb, rows, nrows);
		}
	}
	if (rc == 0 && fflush(stdout) != 0) {
		fprintf(stderr, "teller: standard output: %s\n",
		    strerror(errno));
		rc = 3;
	}
	teller_ctx_free(ctx);
	free(rows);
	for (i = 0; i < s.nb; i++)
		free(s.b[i].id);
	for (i = 0; i < s.nev; i++)
		free(s.ev[i].tv);
	free(s.b);
	free(s.ev);
	free(s.want);
	free(s.ranking);
	return rc;
}

int
cmd_trace(int argc, char **argv)
{
	struct targs a;
	int first, rc = 2;

	memset(&a, 0, sizeof(a));
	if ((a.ties = calloc((size_t)argc + 1, sizeof(char *))) == NULL) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	first = cli_getopt(argc, argv, trace_opts, on_opt, &a);
	if (first < 0) {
		fprintf(stderr, "usage: %s\n", SYNOPSIS);
	} else if (a.help) {
		cli_help(stdout, SYNOPSIS, trace_opts);
		fputs(about, stdout);
		rc = 0;
	} else if (first >= argc) {
		cli_help(stderr, SYNOPSIS, trace_opts);
		fputs(about, stderr);
	} else if (first + 1 != argc || !cli_is_rctab_config(argv[first])) {
		/* the one call site (see trace_ballot_file) */
		rc = trace_ballot_file(argc, argv);
	} else if (a.pattern != NULL || a.other) {
		fprintf(stderr, "teller: trace: an RCTab config carries its "
		    "rules: no --pattern, -m or -f\n");
	} else if (a.id != NULL && a.ranking != NULL) {
		fprintf(stderr, "teller: trace: --ballot-id or --ranking, "
		    "not both\n");
	} else if (a.id == NULL && a.ranking == NULL && (a.format == NULL ||
	    strcmp(a.format, "rctab-audit") != 0)) {
		fprintf(stderr, "teller: trace: give --ballot-id ID or "
		    "--ranking R (or --format rctab-audit for every "
		    "ballot)\n");
	} else {
		rc = trace_rctab(argv[first], &a);
	}
	free(a.ties);
	return rc;
}
