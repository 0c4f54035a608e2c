/* SPDX-License-Identifier: MIT */
/*
 * cmd_ties.c -- `teller ties` (audit.md 7, 8.7): every way the lots of a
 * count can fall. Depth first: count with rules.no_seed; where the count
 * stops at a lot (teller_lot_pending), count again once for each
 * candidate the lot can fall on (k branches, not k!), each given as a
 * hand lot, with probability 1/k. A stop whose state the method names
 * (irv) is remembered, so a state met again adds its outcomes without
 * counting; a lot that cannot change who is elected (irv bulk exclusion)
 * is followed one way only. Each distinct outcome (the elected, in order
 * of election) gets its exact probability under fair lots, and the lots
 * of the first way found to it. --max-branches N (counts run) stops the
 * search: "complete": false.
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

#define SYNOPSIS "teller ties [-m METHOD] [-s SEATS] [-f FORMAT] " \
	"[--max-branches N] [--json FILE] FILE..."

/* A probability p/q, in lowest terms. */
struct frac {
	uint64_t p, q;
};

/* A lot on the way: its stage, the tied (input order), the SPEC order. */
struct lot {
	int stage, n;
	int *tied, *order;
	char *spec;
};

struct outcome {
	int *elected, nelected;
	struct frac pr;
	struct lot *lots;   /* the first way found */
	int nlots;
};

/* One outcome's share of a stop's future. */
struct share {
	int outcome;
	struct frac pr;
};

struct dist {
	struct share *s;
	int n, cap;
};

struct memo {
	unsigned char key[32];
	struct dist d;
	bool used;
};

struct ties {
	const char *method, *json;
	int seats, format;
	long max_branches, branches;
	bool complete;
	const teller_contest *c;
	const teller_profile *p;
	struct lot *path;   /* the lots so far */
	int depth, cap;
	struct outcome *out;
	int nout, capout;
	struct memo *memo;  /* open addressing, nmemo of capmemo used */
	size_t nmemo, capmemo;
	int status;         /* an exit status once something failed */
};

static void *
grow(void *p, int *cap, int need, size_t size)
{
	int n = *cap > 0 ? *cap : 4;

	while (n < need)
		n *= 2;
	if (n == *cap)
		return p;
	p = realloc(p, (size_t)n * size);
	if (p == NULL) {
		fprintf(stderr, "teller: out of memory\n");
		exit(3);
	}
	*cap = n;
	return p;
}

static uint64_t
gcd(uint64_t a, uint64_t b)
{
	while (b != 0) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* *a += b; false on overflow (then *a is unchanged). */
static bool
frac_add(struct frac *a, struct frac b)
{
	uint64_t g = gcd(a->q, b.q), l, x, y, p, h;

	if (__builtin_mul_overflow(a->q / g, b.q, &l) ||
	    __builtin_mul_overflow(a->p, l / a->q, &x) ||
	    __builtin_mul_overflow(b.p, l / b.q, &y) ||
	    __builtin_add_overflow(x, y, &p))
		return false;
	h = gcd(p, l);
	a->p = p / h;
	a->q = l / h;
	return true;
}

/* a * b; false on overflow. */
static bool
frac_mul(struct frac a, struct frac b, struct frac *out)
{
	uint64_t g1 = gcd(a.p, b.q), g2 = gcd(b.p, a.q), p, q;

	if (g1 == 0)
		g1 = 1;
	if (g2 == 0)
		g2 = 1;
	if (__builtin_mul_overflow(a.p / g1, b.p / g2, &p) ||
	    __builtin_mul_overflow(a.q / g2, b.q / g1, &q))
		return false;
	out->p = p;
	out->q = q;
	return true;
}

/* Add share pr of outcome k into d. */
static bool
dist_add(struct dist *d, int k, struct frac pr)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (d->s[i].outcome == k)
			return frac_add(&d->s[i].pr, pr);
	d->s = grow(d->s, &d->cap, d->n + 1, sizeof(*d->s));
	d->s[d->n].outcome = k;
	d->s[d->n++].pr = pr;
	return true;
}

/* Add child's shares, each times f, into d. */
static bool
dist_merge(struct dist *d, const struct dist *child, struct frac f)
{
	struct frac x;
	int i;

	for (i = 0; i < child->n; i++)
		if (!frac_mul(child->s[i].pr, f, &x) ||
		    !dist_add(d, child->s[i].outcome, x))
			return false;
	return true;
}

static size_t
memo_slot(const struct ties *t, const unsigned char key[32])
{
	size_t h = 0;
	int i;

	for (i = 0; i < 8; i++)
		h = h << 8 | key[i];
	h &= t->capmemo - 1;
	while (t->memo[h].used && memcmp(t->memo[h].key, key, 32) != 0)
		h = (h + 1) & (t->capmemo - 1);
	return h;
}

static const struct dist *
memo_find(const struct ties *t, const unsigned char key[32])
{
	size_t h;

	if (t->capmemo == 0)
		return NULL;
	h = memo_slot(t, key);
	return t->memo[h].used ? &t->memo[h].d : NULL;
}

static void
memo_put(struct ties *t, const unsigned char key[32], const struct dist *d)
{
	struct memo *m;
	size_t i, h;

	if (2 * (t->nmemo + 1) > t->capmemo) {
		struct memo *old = t->memo;
		size_t n = t->capmemo;

		t->capmemo = n > 0 ? 2 * n : 64;
		t->memo = calloc(t->capmemo, sizeof(*t->memo));
		if (t->memo == NULL) {
			fprintf(stderr, "teller: out of memory\n");
			exit(3);
		}
		for (i = 0; i < n; i++)
			if (old[i].used)
				t->memo[memo_slot(t, old[i].key)] = old[i];
		free(old);
	}
	h = memo_slot(t, key);
	m = &t->memo[h];
	memcpy(m->key, key, 32);
	m->d.n = m->d.cap = 0;
	m->d.s = NULL;
	m->used = true;
	t->nmemo++;
	for (i = 0; i < (size_t)d->n; i++)
		(void)dist_add(&m->d, d->s[i].outcome, d->s[i].pr);
}

static int *
ints(const int *a, int n)
{
	int *b = malloc((size_t)(n > 0 ? n : 1) * sizeof(int));

	if (b == NULL) {
		fprintf(stderr, "teller: out of memory\n");
		exit(3);
	}
	if (n > 0 && a != NULL)
		memcpy(b, a, (size_t)n * sizeof(int));
	return b;
}

/* The outcome of a finished count r: its index, added (with the lots of
 * the path) if new. */
static int
outcome_of(struct ties *t, const teller_result *r)
{
	int n = teller_result_nelected(r), k, i, j;
	int *el = ints(NULL, n);

	for (i = 0; i < n; i++) {
		const char *name = teller_result_elected(r, i);
		el[i] = -1;
		for (j = 0; j < teller_contest_ncand(t->c); j++)
			if (strcmp(name, teller_contest_name(t->c, j)) == 0)
				el[i] = j;
	}
	for (k = 0; k < t->nout; k++)
		if (t->out[k].nelected == n && memcmp(t->out[k].elected, el,
		    (size_t)n * sizeof(int)) == 0) {
			free(el);
			return k;
		}
	t->out = grow(t->out, &t->capout, t->nout + 1, sizeof(*t->out));
	t->out[k].elected = el;
	t->out[k].nelected = n;
	t->out[k].pr.p = 0;
	t->out[k].pr.q = 1;
	t->out[k].nlots = t->depth;
	t->out[k].lots = malloc((size_t)(t->depth + 1) * sizeof(struct lot));
	if (t->out[k].lots == NULL) {
		fprintf(stderr, "teller: out of memory\n");
		exit(3);
	}
	for (i = 0; i < t->depth; i++) {
		struct lot *l = &t->out[k].lots[i];
		*l = t->path[i];
		l->tied = ints(l->tied, l->n);
		l->order = ints(l->order, l->n);
		l->spec = NULL;
	}
	t->nout++;
	return k;
}

/* The --lot SPEC of lot l (names in l->order joined by '<'). */
static char *
spec_of(const struct ties *t, const struct lot *l)
{
	size_t len = 24, at;
	char *s;
	int i;

	for (i = 0; i < l->n; i++)
		len += strlen(teller_contest_name(t->c, l->order[i])) + 1;
	if ((s = malloc(len)) == NULL) {
		fprintf(stderr, "teller: out of memory\n");
		exit(3);
	}
	at = (size_t)snprintf(s, len, "%d:", l->stage);
	for (i = 0; i < l->n; i++)
		at += (size_t)snprintf(s + at, len - at, "%s%s", i ? "<" : "",
		    teller_contest_name(t->c, l->order[i]));
	return s;
}

/* The lots of the path as rules.lots (specs, borrowed). */
static const char **
path_specs(const struct ties *t)
{
	const char **v = malloc((size_t)(t->depth + 1) * sizeof(char *));
	int i;

	if (v == NULL) {
		fprintf(stderr, "teller: out of memory\n");
		exit(3);
	}
	for (i = 0; i < t->depth; i++)
		v[i] = t->path[i].spec;
	return v;
}

/* Count with the path's lots into a fresh context: *rc, and the result
 * (outcome index into *k) or the pending lot (copied into *pl, with its
 * tied into tied[] and its state into key[32], *has_key). Returns 0 or an
 * exit status after printing the error. */
struct stop {
	int stage, n, against, order_free;
	bool has_key;
	unsigned char key[32];
	int *tied;
};

static int
count_once(struct ties *t, int *k, struct stop *st)
{
	teller_ctx *ctx;
	teller_rules rules;
	teller_result *r = NULL;
	teller_pending_lot pl;
	const char **specs = path_specs(t);
	const char *meth = t->method;
	int rc, status = 0;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		exit(3);
	}
	if (meth == NULL)
		meth = (t->seats > 1 || (t->seats == 0 &&
		    teller_contest_seats(t->c) > 1)) ? "stv-scottish" : "irv";
	teller_rules_init(&rules, meth);
	rules.seats = t->seats;
	rules.no_seed = 1;
	rules.lots = specs;
	rules.nlots = t->depth;
	t->branches++;
	*k = -1;
	rc = teller_count(ctx, t->c, t->p, &rules, &r);
	if (rc == TELLER_OK && r != NULL) {
		*k = outcome_of(t, r);
	} else if (rc == TELLER_ETIE && teller_lot_pending(ctx, &pl) > 0) {
		st->stage = pl.stage;
		st->n = pl.ntied;
		st->against = pl.against;
		st->order_free = pl.order_free;
		st->has_key = pl.state != NULL;
		if (pl.state != NULL)
			memcpy(st->key, pl.state, 32);
		st->tied = ints(pl.tied, pl.ntied);
	} else {
		status = cli_report_error(ctx);
	}
	teller_ctx_free(ctx);
	free(specs);
	return status;
}

/* Push the lot among st's tied that falls on tied[i]. */
static void
push(struct ties *t, const struct stop *st, int i)
{
	struct lot *l;
	int j, at = 0;

	t->path = grow(t->path, &t->cap, t->depth + 1, sizeof(*t->path));
	l = &t->path[t->depth++];
	l->stage = st->stage;
	l->n = st->n;
	l->tied = ints(st->tied, st->n);
	l->order = ints(st->tied, st->n);
	/* against: the chosen first; else the chosen last */
	if (st->against)
		l->order[at++] = st->tied[i];
	for (j = 0; j < st->n; j++)
		if (j != i)
			l->order[at++] = st->tied[j];
	if (!st->against)
		l->order[at] = st->tied[i];
	l->spec = spec_of(t, l);
}

static void
pop(struct ties *t)
{
	struct lot *l = &t->path[--t->depth];

	free(l->tied);
	free(l->order);
	free(l->spec);
}

/* The outcomes from the path on, as shares into *d; *whole false if the
 * search stopped inside. Returns 0 or an exit status. */
static int
explore(struct ties *t, struct dist *d, bool *whole)
{
	struct stop st;
	const struct dist *m;
	int k, i, status, ways;

	*whole = true;
	if (t->branches >= t->max_branches) {
		*whole = false;
		t->complete = false;
		return 0;
	}
	memset(&st, 0, sizeof(st));
	if ((status = count_once(t, &k, &st)) != 0)
		return status;
	if (k >= 0)
		return dist_add(d, k, (struct frac){ 1, 1 }) ? 0 : -1;
	if (st.has_key && (m = memo_find(t, st.key)) != NULL) {
		free(st.tied);
		return dist_merge(d, m, (struct frac){ 1, 1 }) ? 0 : -1;
	}
	ways = st.order_free ? 1 : st.n;
	status = 0;
	for (i = 0; i < ways && status == 0; i++) {
		struct dist child = { NULL, 0, 0 };
		bool w;

		push(t, &st, i);
		status = explore(t, &child, &w);
		pop(t);
		*whole = *whole && w;
		if (status == 0 && !dist_merge(d, &child,
		    (struct frac){ 1, (uint64_t)ways }))
			status = -1;
		free(child.s);
	}
	if (status == 0 && *whole && st.has_key)
		memo_put(t, st.key, d);
	free(st.tied);
	return status;
}

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void
json_names(FILE *f, const struct ties *t, const int *ids, int n)
{
	int i;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", f);
		json_str(f, teller_contest_name(t->c, ids[i]));
	}
	fputc(']', f);
}

static void
write_json(FILE *f, const struct ties *t)
{
	int k, i;

	fprintf(f, "{\n  \"complete\": %s,\n  \"branches\": %ld,\n"
	    "  \"outcomes\": [", t->complete ? "true" : "false", t->branches);
	for (k = 0; k < t->nout; k++) {
		const struct outcome *o = &t->out[k];
		fputs(k > 0 ? ",\n    {\"elected\": " : "\n    {\"elected\": ",
		    f);
		json_names(f, t, o->elected, o->nelected);
		fprintf(f, ", \"probability\": \"%llu/%llu\", \"lots\": [",
		    (unsigned long long)o->pr.p, (unsigned long long)o->pr.q);
		for (i = 0; i < o->nlots; i++) {
			fprintf(f, "%s{\"stage\": %d, \"tied\": ", i ? ", " :
			    "", o->lots[i].stage);
			json_names(f, t, o->lots[i].tied, o->lots[i].n);
			fputs(", \"order\": ", f);
			json_names(f, t, o->lots[i].order, o->lots[i].n);
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs(t->nout > 0 ? "\n  ]\n}\n" : "]\n}\n", f);
}

/* One line an outcome: probability, the elected, the lots of the first
 * way found to it. */
static void
write_text(FILE *f, const struct ties *t)
{
	int k, i;

	for (k = 0; k < t->nout; k++) {
		const struct outcome *o = &t->out[k];
		fprintf(f, "%llu/%llu elected:", (unsigned long long)o->pr.p,
		    (unsigned long long)o->pr.q);
		for (i = 0; i < o->nelected; i++)
			fprintf(f, "%s %s", i ? "," : "",
			    teller_contest_name(t->c, o->elected[i]));
		if (o->nelected == 0)
			fputs(" none", f);
		if (o->nlots == 0)
			fputs(" (no lot)", f);
		for (i = 0; i < o->nlots; i++) {
			char *s = spec_of(t, &o->lots[i]);
			fprintf(f, "%s--lot '%s'", i ? " " : " by ", s);
			free(s);
		}
		fputc('\n', f);
	}
	if (!t->complete)
		fprintf(f, "incomplete: stopped after %ld counts "
		    "(--max-branches)\n", t->branches);
}

static int
on_opt(void *ud, int id, const char *arg)
{
	struct ties *t = ud;
	char *end;
	long long v;

	switch (id) {
	case 'm':
		if (!teller_method_known(arg)) {
			fprintf(stderr, "teller: unknown method '%s' (see "
			    "teller ties --help)\n", arg);
			return -1;
		}
		if (strcmp(arg, "exhaustive") == 0) {
			/* its rounds are files of their own (cmd_count.c),
			 * which ties would merge into one profile */
			fprintf(stderr, "teller: ties: exhaustive is not "
			    "supported (one file a round)\n");
			return -1;
		}
		t->method = arg;
		return 0;
	case 's':
	case OPT_MAX_BRANCHES:
		errno = 0;
		v = strtoll(arg, &end, 10);
		if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
		    v <= 0 || v > (id == 's' ? 100000 : 2000000000)) {
			fprintf(stderr, "teller: --%s: '%s' is not a positive "
			    "number\n", id == 's' ? "seats" : "max-branches",
			    arg);
			return -1;
		}
		if (id == 's')
			t->seats = (int)v;
		else
			t->max_branches = (long)v;
		return 0;
	case 'f':
		if ((t->format = teller_format_parse(arg)) < 0) {
			fprintf(stderr, "teller: unknown format '%s'\n", arg);
			return -1;
		}
		return 0;
	case OPT_JSON: t->json = arg; return 0;
	case 'h':
		cli_help(stdout, SYNOPSIS, ties_opts);
		exit(0);
	default:
		return -1;
	}
}

static int
run(teller_ctx *ctx, struct ties *t, char **files, int n)
{
	teller_contest *c;
	teller_profile *p;
	struct dist d = { NULL, 0, 0 };
	bool whole;
	FILE *f;
	int status, k;

	if ((status = cli_read_inputs(ctx, NULL, t->format, files, n, NULL,
	    &c, &p)) != 0)
		return status;
	t->c = c;
	t->p = p;
	for (k = 0; k < teller_contest_ncand(c); k++)
		if (strchr(teller_contest_name(c, k), '<') != NULL) {
			fprintf(stderr, "teller: ties: candidate '%s': a lot "
			    "cannot name a candidate whose name has '<'\n",
			    teller_contest_name(c, k));
			return 1;
		}
	status = explore(t, &d, &whole);
	if (status < 0) {
		fprintf(stderr, "teller: ties: a probability needs more than "
		    "64 bits\n");
		status = 3;
	}
	for (k = 0; k < d.n && status == 0; k++)
		t->out[d.s[k].outcome].pr = d.s[k].pr;
	free(d.s);
	if (status != 0)
		return status;
	if (t->json == NULL) {
		write_text(stdout, t);
		return fflush(stdout) != 0 ? 3 : 0;
	}
	if ((f = strcmp(t->json, "-") == 0 ? stdout : fopen(t->json, "w")) ==
	    NULL) {
		perror(t->json);
		return 3;
	}
	write_json(f, t);
	if ((f == stdout ? fflush(f) : fclose(f)) != 0) {
		fprintf(stderr, "teller: %s: write failed\n", t->json);
		return 3;
	}
	return 0;
}

static void
ties_free(struct ties *t)
{
	size_t i;
	int k, j;

	for (k = 0; k < t->nout; k++) {
		for (j = 0; j < t->out[k].nlots; j++) {
			free(t->out[k].lots[j].tied);
			free(t->out[k].lots[j].order);
		}
		free(t->out[k].lots);
		free(t->out[k].elected);
	}
	free(t->out);
	while (t->depth > 0)
		pop(t);
	free(t->path);
	for (i = 0; i < t->capmemo; i++)
		free(t->memo[i].d.s);
	free(t->memo);
}

int
cmd_ties(int argc, char **argv)
{
	struct ties t;
	teller_ctx *ctx;
	int first, status;

	memset(&t, 0, sizeof(t));
	t.max_branches = 1000000;
	t.complete = true;
	first = cli_getopt(argc, argv, ties_opts, on_opt, &t);
	if (first < 0) {
		fprintf(stderr, "usage: %s\n", SYNOPSIS);
		return 2;
	}
	if (first >= argc) {
		fprintf(stderr, "teller: ties: no input file\nusage: %s\n",
		    SYNOPSIS);
		return 2;
	}
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	status = run(ctx, &t, argv + first, argc - first);
	ties_free(&t);
	teller_ctx_free(ctx);
	return status;
}
