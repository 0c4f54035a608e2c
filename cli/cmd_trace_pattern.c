/* SPDX-License-Identifier: MIT */
/*
 * cmd_trace_pattern.c -- `teller trace --pattern N | --ranking R`
 * (audit.md 6, 8.7): where the papers of one effective ballot pattern
 * went at every stage. Under Scottish STV and IRV all papers of a
 * pattern share a path, so the path is read from the count's own
 * certificate (teller_count_certified, into memory): one row a stage,
 * its event, holder, the pattern's value and the value of each paper.
 * A ranking needs no ballot id: the private way for a voter.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "mjson.h"
#include "opts.h"

#define SYNOPSIS "teller trace [-m METHOD] [-s SEATS] [-f FORMAT] " \
	"(--pattern N | --ranking \"A>B>C\") [--format text|json] FILE..."

struct tp_args {
	const char *method;
	int seats;
	int format;
	long pattern;        /* -1 unless --pattern */
	const char *ranking; /* --ranking, or NULL */
	bool json;
};

static int
on_opt(void *ud, int id, const char *arg)
{
	struct tp_args *a = ud;
	char *end;
	long v;

	switch (id) {
	case 'm':
		if (!teller_method_known(arg)) {
			fprintf(stderr, "teller: unknown method '%s'\n", arg);
			return -1;
		}
		a->method = arg;
		return 0;
	case 's':
		v = strtol(arg, &end, 10);
		if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || v < 1 ||
		    v > 100000) {
			fprintf(stderr, "teller: --seats: '%s' is not a "
			    "positive number\n", arg);
			return -1;
		}
		a->seats = (int)v;
		return 0;
	case 'f':
		if ((a->format = teller_format_parse(arg)) < 0) {
			fprintf(stderr, "teller: unknown format '%s'\n", arg);
			return -1;
		}
		return 0;
	case OPT_PATTERN:
		v = strtol(arg, &end, 10);
		if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || v < 0) {
			fprintf(stderr, "teller: --pattern: '%s' is not a "
			    "pattern number (from 0)\n", arg);
			return -1;
		}
		a->pattern = v;
		return 0;
	case OPT_RANKING:
		a->ranking = arg;
		return 0;
	case OPT_TFORMAT:
		if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0) {
			fprintf(stderr, "teller: --format: '%s': say text or "
			    "json\n", arg);
			return -1;
		}
		a->json = strcmp(arg, "json") == 0;
		return 0;
	case 'h':
		cli_help(stdout, SYNOPSIS, trace_pattern_opts);
		exit(0);
	default:
		return -1;
	}
}

/* The effective profile text's pattern lines: line i (0-based) of the
 * patterns in *ln, its names in names[] (ncand of them). */
struct prof {
	char **names;
	int ncand;
	char **lines;
	size_t nlines;
};

/* Undo the text escapes of audit.md 4.3 in place. */
static void
unescape(char *s)
{
	char *d = s;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*d++ = *s == 't' ? '\t' : *s == 'n' ? '\n' :
			    *s == 'r' ? '\r' : *s;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

static int
split_profile(char *text, struct prof *pf)
{
	char *line, *nl;
	size_t cap = 0;

	memset(pf, 0, sizeof(*pf));
	for (line = text; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		if (strncmp(line, "c\t", 2) == 0) {
			char **t = realloc(pf->names, ((size_t)pf->ncand + 1) *
			    sizeof(*t)), *tab;
			if (t == NULL)
				return -1;
			pf->names = t;
			tab = strchr(line + 2, '\t');
			if (tab == NULL)
				return -1;
			unescape(tab + 1);
			t[pf->ncand++] = tab + 1;
		} else if (line[0] >= '0' && line[0] <= '9') {
			if (pf->nlines == cap) {
				char **t;
				cap = cap ? 2 * cap : 256;
				if ((t = realloc(pf->lines, cap *
				    sizeof(*t))) == NULL)
					return -1;
				pf->lines = t;
			}
			pf->lines[pf->nlines++] = line;
		}
	}
	return 0;
}

/* The pattern line whose ranks are the names of "A>B>C", or -1. */
static long
find_ranking(const struct prof *pf, const char *ranking)
{
	char *want = malloc(strlen(ranking) * 4 + 64), *w;
	const char *p = ranking;
	long found = -1;
	size_t i;
	int j;

	if (want == NULL)
		return -1;
	w = want;
	while (*p != '\0') {
		const char *e = strchr(p, '>');
		size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
		for (j = 0; j < pf->ncand; j++)
			if (strlen(pf->names[j]) == n &&
			    memcmp(pf->names[j], p, n) == 0)
				break;
		if (j == pf->ncand) {
			fprintf(stderr, "teller: --ranking: no candidate "
			    "'%.*s' (or a withdrawn one)\n", (int)n, p);
			free(want);
			return -2;
		}
		w += sprintf(w, "\t%d", j);
		p = e != NULL ? e + 1 : p + n;
	}
	for (i = 0; i < pf->nlines && found < 0; i++) {
		const char *t = strchr(pf->lines[i], '\t');
		if (t != NULL && strcmp(t, want) == 0)
			found = (long)i;
	}
	free(want);
	return found;
}

/* Decimal text at dp places to an integer of 10^-dp, and back. */
static long long
units(const char *s, int dp)
{
	long long v = 0;
	int frac = -1;

	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '.') {
			frac = 0;
			continue;
		}
		if (frac >= dp)
			continue;
		v = v * 10 + (*s - '0');
		if (frac >= 0)
			frac++;
	}
	for (frac = frac < 0 ? 0 : frac; frac < dp; frac++)
		v *= 10;
	return v;
}

static void
fmt_units(char *b, size_t n, long long v, int dp)
{
	long long u = 1;
	int i;

	for (i = 0; i < dp; i++)
		u *= 10;
	if (dp == 0)
		snprintf(b, n, "%lld", v);
	else
		snprintf(b, n, "%lld.%0*lld", v / u, dp, v % u);
}

struct row {
	int stage;
	char event[160];
	char holder[256];    /* "" for none */
	char value[48], tv[48];
};

struct walk {
	struct row *rows;
	int nrows;
	long long papers, per;  /* papers, value per paper (10^-dp) */
	int dp;
	char holder[256];
	char reason[128];       /* non-transferable: why, or "" */
};

static int
add_row(struct walk *w, int stage, const char *event)
{
	struct row *r = realloc(w->rows, ((size_t)w->nrows + 1) *
	    sizeof(*r));

	if (r == NULL)
		return -1;
	w->rows = r;
	r = &w->rows[w->nrows++];
	r->stage = stage;
	snprintf(r->event, sizeof(r->event), "%s", event);
	snprintf(r->holder, sizeof(r->holder), "%s", w->reason[0] != '\0' ?
	    "" : w->holder);
	fmt_units(r->value, sizeof(r->value), w->papers * w->per, w->dp);
	fmt_units(r->tv, sizeof(r->tv), w->per, w->dp);
	return 0;
}

/* One stage record: the pattern's move, if any. */
static int
stage_row(struct walk *w, const struct mj *rec, long pat, int stage)
{
	const struct mj *ms = mj_get(rec, "moves"), *m;
	const struct mj *act = mj_get(rec, "action");
	const char *kind = mj_str(act, "kind"), *cand = mj_str(act, "cand");
	/* the surplus of the pattern's holder is being transferred */
	bool own = kind != NULL && strcmp(kind, "surplus") == 0 &&
	    cand != NULL && w->reason[0] == '\0' &&
	    strcmp(cand, w->holder) == 0;
	char ev[160];

	for (m = ms != NULL ? ms->kid : NULL; m != NULL; m = m->next) {
		const char *ps = mj_str(m, "pattern");
		const struct mj *to = mj_get(m, "to");
		const char *why = mj_str(m, "reason");
		if (ps == NULL || strtol(ps, NULL, 10) != pat)
			continue;
		/* a transfer value of 0 (r.48: truncated): the papers do
		 * not move, and stay whole with the candidate, as part of
		 * the quota */
		if (own && (to == NULL || to->type != MJ_STR) && why != NULL &&
		    strcmp(why, "zero value") == 0)
			return add_row(w, stage, "kept as part of quota");
		w->per = units(mj_str(m, "value"), w->dp);
		if (to != NULL && to->type == MJ_STR) {
			snprintf(w->holder, sizeof(w->holder), "%s", to->s);
			return add_row(w, stage, "transferred to");
		}
		snprintf(w->reason, sizeof(w->reason), "%s",
		    mj_str(m, "reason") != NULL ? mj_str(m, "reason") : "");
		snprintf(ev, sizeof(ev), "non-transferable: %s", w->reason);
		return add_row(w, stage, ev);
	}
	if (w->reason[0] != '\0') {
		snprintf(ev, sizeof(ev), "non-transferable: %s", w->reason);
		return add_row(w, stage, ev);
	}
	/* the surplus of the pattern's holder moved other papers only (a
	 * later parcel, audit.md 6): these stay, as part of the quota */
	if (own)
		return add_row(w, stage, "kept as part of quota");
	return add_row(w, stage, "stayed with");
}

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
print(const struct tp_args *a, const struct prof *pf, long pat,
    const struct walk *w)
{
	const char *t = strchr(pf->lines[pat], '\t');
	char papers[48];
	int i, first = 1;

	fmt_units(papers, sizeof(papers), w->papers, 0);
	if (a->json) {
		printf("{ \"pattern\": %ld, \"ranking\": [", pat);
	} else {
		printf("pattern %ld: ", pat);
	}
	while (t != NULL) {
		int j = (int)strtol(t + 1, NULL, 10);
		if (a->json) {
			printf(first ? "" : ", ");
			json_str(stdout, pf->names[j]);
		} else {
			printf("%s%s", first ? "" : " > ", pf->names[j]);
		}
		first = 0;
		t = strchr(t + 1, '\t');
	}
	if (!a->json) {
		printf(" (%s paper%s)\n", papers, w->papers == 1 ? "" : "s");
		for (i = 0; i < w->nrows; i++) {
			const struct row *r = &w->rows[i];
			bool kept = strcmp(r->event, "kept as part of quota") ==
			    0;
			printf("stage %d: %s%s%s%s, value %s, transfer value "
			    "%s\n", r->stage, r->event, r->holder[0] == '\0' ?
			    "" : kept ? " (" : " ", r->holder,
			    kept && r->holder[0] != '\0' ? ")" : "", r->value,
			    r->tv);
		}
		return;
	}
	printf("], \"papers\": \"%s\", \"rows\": [", papers);
	for (i = 0; i < w->nrows; i++) {
		printf("%s\n  { \"stage\": %d, \"event\": ", i ? "," : "",
		    w->rows[i].stage);
		json_str(stdout, w->rows[i].event);
		printf(", \"holder\": ");
		if (w->rows[i].holder[0] != '\0')
			json_str(stdout, w->rows[i].holder);
		else
			printf("null");
		printf(", \"value\": \"%s\", \"transfer_value\": \"%s\" }",
		    w->rows[i].value, w->rows[i].tv);
	}
	printf(" ] }\n");
}

/* Walk the certificate cert for pattern pat (papers of it, counted
 * first for first). */
static int
walk(char *cert, long pat, long long papers, const char *first,
    struct walk *w)
{
	char *line, *nl;
	int stage = 0;

	memset(w, 0, sizeof(*w));
	w->papers = papers;
	snprintf(w->holder, sizeof(w->holder), "%s", first);
	for (line = cert; *line != '\0'; line = nl + 1) {
		struct mj *rec;
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		if ((rec = mj_parse(line, (size_t)(nl - line))) == NULL)
			return -1;
		if (mj_get(rec, "teller_cert") != NULL) {
			const char *dp = mj_str(rec, "dp");
			w->dp = dp != NULL ? atoi(dp) : 5;
		} else if (mj_get(rec, "stage") != NULL) {
			stage++;
			if (stage == 1)
				w->per = units("1", w->dp);
			if (stage > 1 && stage_row(w, rec, pat, stage) != 0) {
				mj_free(rec);
				return -1;
			}
		}
		mj_free(rec);
	}
	return 0;
}

/* The first preference of pattern line l. */
static const char *
first_of(const struct prof *pf, const char *l)
{
	const char *t = strchr(l, '\t');

	return t != NULL ? pf->names[strtol(t + 1, NULL, 10)] : "";
}

static int
trace(teller_ctx *ctx, const struct tp_args *a, teller_contest *c,
    teller_profile *p)
{
	struct cli_buf cb = { NULL, 0, 0, 0 }, pb = { NULL, 0, 0, 0 };
	teller_result *res = NULL;
	teller_rules rules;
	struct prof pf;
	struct walk w;
	long pat = a->pattern;
	int status = 0;

	teller_rules_init(&rules, a->method != NULL ? a->method :
	    (a->seats > 1 || (a->seats == 0 && teller_contest_seats(c) > 1)) ?
	    "stv-scottish" : "irv");
	rules.seats = a->seats;
	if (strcmp(rules.method, "block") == 0) {
		/* one paper, several candidates: no single path to follow */
		fprintf(stderr, "teller: trace: a block vote paper counts for "
		    "every candidate marked; there is no path to trace\n");
		return 2;
	}
	if (strcmp(rules.method, "stv-meek") == 0) {
		/* its certificate moves no papers: keep factors share each
		 * paper among all the candidates on it */
		fprintf(stderr, "teller: trace: stv-meek shares every paper "
		    "among the candidates on it by keep factors; there is no "
		    "path to trace\n");
		return 2;
	}
	if (teller_count_certified(ctx, c, p, &rules, cli_buf_write, &cb,
	    &res) != TELLER_OK || teller_canon(ctx, c, p, &rules,
	    TELLER_CANON_EFFECTIVE, cli_buf_write, &pb) != TELLER_OK) {
		free(cb.s);
		free(pb.s);
		return cli_report_error(ctx);
	}
	memset(&w, 0, sizeof(w));
	if (split_profile(pb.s, &pf) != 0) {
		fprintf(stderr, "teller: trace: out of memory\n");
		status = 3;
	} else if (a->ranking != NULL &&
	    (pat = find_ranking(&pf, a->ranking)) < 0) {
		if (pat == -1)
			fprintf(stderr, "teller: --ranking: no paper is "
			    "counted with the ranking %s\n", a->ranking);
		status = 1;
	} else if (pat >= (long)pf.nlines) {
		fprintf(stderr, "teller: --pattern: %ld: the effective "
		    "profile has %zu patterns (from 0)\n", pat, pf.nlines);
		status = 1;
	} else if (walk(cb.s, pat, atoll(pf.lines[pat]), first_of(&pf,
	    pf.lines[pat]), &w) != 0) {
		fprintf(stderr, "teller: trace: cannot read the certificate "
		    "back\n");
		status = 3;
	} else {
		/* stage 1: counted for the first preference */
		struct walk one = w;
		snprintf(one.holder, sizeof(one.holder), "%s",
		    first_of(&pf, pf.lines[pat]));
		one.per = units("1", w.dp);
		one.reason[0] = '\0';
		one.rows = NULL;
		one.nrows = 0;
		if (add_row(&one, 1, "counted for") != 0) {
			status = 3;
		} else {
			int i;
			for (i = 0; i < w.nrows && status == 0; i++) {
				struct row *r = realloc(one.rows,
				    ((size_t)one.nrows + 1) * sizeof(*r));
				if (r == NULL) {
					status = 3;
					break;
				}
				one.rows = r;
				one.rows[one.nrows++] = w.rows[i];
			}
			/* "stayed with" rows name the holder so far */
			for (i = 1; i < one.nrows; i++)
				if (strcmp(one.rows[i].event, "stayed with") ==
				    0)
					memcpy(one.rows[i].holder,
					    one.rows[i - 1].holder,
					    sizeof(one.rows[i].holder));
			if (status == 0)
				print(a, &pf, pat, &one);
		}
		free(one.rows);
	}
	free(w.rows);
	free(pf.names);
	free(pf.lines);
	free(cb.s);
	free(pb.s);
	return status;
}

int
cmd_trace_pattern(int argc, char **argv)
{
	struct tp_args a = { NULL, 0, TELLER_FMT_AUTO, -1, NULL, false };
	teller_ctx *ctx = NULL;
	teller_contest *c;
	teller_profile *p;
	int first, status;

	first = cli_getopt(argc, argv, trace_pattern_opts, on_opt, &a);
	if (first < 0 || first >= argc || (a.pattern < 0) ==
	    (a.ranking == NULL)) {
		if (first >= 0)
			fprintf(stderr, "teller: trace: %s\n", first >= argc ?
			    "no input file" : "give one of --pattern N and "
			    "--ranking R");
		fprintf(stderr, "usage: %s\n", SYNOPSIS);
		return 2;
	}
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	status = cli_read_inputs(ctx, NULL, a.format, argv + first,
	    argc - first, NULL, &c, &p);
	if (status == 0)
		status = trace(ctx, &a, c, p);
	if (status == 0 && fflush(stdout) != 0) {
		fprintf(stderr, "teller: standard output: write failed\n");
		status = 3;
	}
	teller_ctx_free(ctx);
	return status;
}
