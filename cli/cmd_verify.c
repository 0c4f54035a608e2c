/* SPDX-License-Identifier: MIT */
/*
 * cmd_verify.c -- `teller verify MANIFEST` (audit.md 4.6, 8.5): check the
 * manifest against its sidecar, the inputs against their hashes, re-read
 * them with the recorded formats, re-count with the recorded rules, seed
 * and lots, render the recorded outputs again, and compare everything
 * with the manifest, item by item. Exit 0 verified, 5 failed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "gzout.h"
#include "opts.h"

#define SYNOPSIS "teller verify MANIFEST [--inputs-dir D] " \
	"[--outputs-dir D] [--json FILE]"

struct verify_args {
	const char *inputs_dir, *outputs_dir, *json;
};

struct item {
	char *name;
	char *expected, *got;
	const char *status; /* ok absent missing changed differs
			     * lot-mismatch */
	char *note;
	bool soft;          /* an output rendered otherwise by another
			     * engine version: the result item decides */
};

struct run {
	struct item *items;
	size_t n, cap;
	int oom;
};

static int
on_opt(void *ud, int id, const char *arg)
{
	struct verify_args *a = ud;

	switch (id) {
	case OPT_INPUTS_DIR: a->inputs_dir = arg; return 0;
	case OPT_OUTPUTS_DIR: a->outputs_dir = arg; return 0;
	case OPT_JSON: a->json = arg; return 0;
	case 'h':
		cli_help(stdout, SYNOPSIS, verify_opts);
		exit(0);
	default:
		return -1;
	}
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* Record item name (a prefix and a path) with its values and status. */
static void
add_item(struct run *r, const char *pre, const char *name,
    const char *expected, const char *got, const char *status,
    const char *note)
{
	struct item *it;
	size_t a = strlen(pre), b = strlen(name);

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct item *t = realloc(r->items, cap * sizeof(*t));
		if (t == NULL) {
			r->oom = 1;
			return;
		}
		r->items = t;
		r->cap = cap;
	}
	it = &r->items[r->n];
	if ((it->name = malloc(a + b + 1)) == NULL) {
		r->oom = 1;
		return;
	}
	memcpy(it->name, pre, a);
	memcpy(it->name + a, name, b + 1);
	it->expected = dup_or_null(expected);
	it->got = dup_or_null(got);
	it->status = status;
	it->note = dup_or_null(note);
	it->soft = false;
	r->n++;
}

/* The manifest's bytes against MANIFEST.sha256. Returns true if the
 * sidecar is there and disagrees. */
static bool
check_sidecar(struct run *r, const char *path, const char *buf, size_t len)
{
	char want[65], got[65], *side;
	FILE *f;
	bool bad = false;

	cli_mem_sha256(buf, len, got);
	if ((side = malloc(strlen(path) + 8)) == NULL) {
		r->oom = 1;
		return false;
	}
	memcpy(side, path, strlen(path));
	memcpy(side + strlen(path), ".sha256", 8);
	f = fopen(side, "r");
	free(side);
	if (f == NULL) {
		add_item(r, "manifest", "", NULL, got, "absent",
		    "no sidecar");
		return false;
	}
	if (fscanf(f, "%64s", want) != 1)
		want[0] = '\0';
	fclose(f);
	bad = strcmp(want, got) != 0;
	add_item(r, "manifest", "", want, got, bad ? "changed" : "ok", NULL);
	return bad;
}

/* Each recorded input: there, the same size, the same SHA-256?
 * paths[i] gets where it was found. Returns false if any is missing. */
static bool
check_inputs(struct run *r, const struct mj *ins, const char *base,
    char **paths)
{
	const struct mj *in;
	bool all = true;
	size_t i;

	for (i = 0; (in = mj_at(ins, i)) != NULL; i++) {
		const char *p = mj_str(in, "path");
		const char *want = mj_str(in, "sha256");
		const char *bytes = mj_str(in, "bytes");
		unsigned long long n = 0;
		char got[65], nb[32];

		if (p == NULL || want == NULL) {
			add_item(r, "input:", "?", NULL, NULL, "differs",
			    "the manifest records no path or sha256");
			all = false;
			continue;
		}
		paths[i] = cli_join(base, p);
		if (paths[i] == NULL || cli_file_sha256(paths[i], got,
		    &n) != 0) {
			add_item(r, "input:", p, want, NULL, "missing",
			    strerror(errno));
			all = false;
			continue;
		}
		snprintf(nb, sizeof(nb), "%llu", n);
		if (strcmp(want, got) != 0 || bytes == NULL ||
		    strcmp(bytes, nb) != 0)
			add_item(r, "input:", p, want, got, "changed",
			    bytes != NULL && strcmp(bytes, nb) != 0 ?
			    "size differs" : NULL);
		else
			add_item(r, "input:", p, want, got, "ok", NULL);
	}
	return all;
}

/* The manual lots of the manifest as --lot specs "STAGE:A<B<...". */
static int
hand_lots(const struct mj *lots, char ***out, int *n)
{
	const struct mj *l, *o;
	size_t i, k;

	*out = NULL;
	*n = 0;
	for (i = 0; (l = mj_at(lots, i)) != NULL; i++) {
		const char *src = mj_str(l, "source"), *st = mj_str(l, "stage");
		struct cli_buf b = { NULL, 0, 0, 0 };
		char **t;

		if (src == NULL || strcmp(src, "manual") != 0 || st == NULL)
			continue;
		if (cli_buf_add(&b, st, strlen(st)) || cli_buf_add(&b, ":", 1))
			return -1;
		o = mj_get(l, "order");
		for (k = 0; mj_at(o, k) != NULL; k++) {
			const struct mj *e = mj_at(o, k);
			if ((k > 0 && cli_buf_add(&b, "<", 1)) ||
			    e->type != MJ_STR ||
			    cli_buf_add(&b, e->s, strlen(e->s)))
				return -1;
		}
		t = realloc(*out, ((size_t)*n + 1) * sizeof(*t));
		if (t == NULL)
			return -1;
		*out = t;
		t[(*n)++] = b.s;
	}
	return 0;
}

/* A whole-number option key of op in 0..max into *v (0 when absent).
 * Returns 0, or -1 if it is there and not such a number. */
static int
num_opt(const struct mj *op, const char *key, long long max, long long *v)
{
	const struct mj *n = mj_get(op, key);
	char *end;

	*v = 0;
	if (n == NULL)
		return 0;
	if (n->type != MJ_NUM)
		return -1;
	errno = 0;
	*v = strtoll(n->s, &end, 10);
	return errno != 0 || *end != '\0' || *v < 0 || *v > max ? -1 : 0;
}

/* The rules the manifest records. Returns 0, or -1 if they are not
 * there. */
static int
recorded_rules(const struct mj *m, teller_rules *rules)
{
	const struct mj *ru = mj_get(m, "rules");
	const struct mj *op = mj_get(ru, "options");
	const struct mj *strict = mj_get(op, "strict");
	const char *method = mj_str(ru, "method"), *seats = mj_str(op, "seats");
	const char *lots = mj_str(op, "lots");
	long long v[4];

	if (method == NULL || !teller_method_known(method))
		return -1;
	teller_rules_init(rules, method);
	rules->seats = seats != NULL ? (int)strtol(seats, NULL, 10) : 0;
	if (rules->seats < 0 || rules->seats > 100000)
		return -1;
	rules->strict = strict != NULL && strict->type == MJ_BOOL &&
	    strcmp(strict->s, "true") == 0;
	rules->no_seed = lots != NULL && strcmp(lots, "manual") == 0;
	rules->seed = mj_str(mj_get(m, "randomness"), "seed");
	/* the options recorded only when given (audit.md 4.2) */
	rules->strength = mj_str(op, "strength");
	rules->regime = mj_str(op, "regime");
	if (num_opt(op, "ranks", 100000, v) || num_opt(op, "votes", 100000,
	    v + 1) || num_opt(op, "min_share", 100, v + 2) ||
	    num_opt(op, "electorate", 1000000000000LL, v + 3))
		return -1;
	rules->ranks = (int)v[0];
	rules->votes = (int)v[1];
	rules->min_share = (int)v[2];
	rules->electorate = v[3];
	return 0;
}

/* Compare one value the fresh manifest re-derives with the recorded
 * one: member key of the objects at sub, as text. */
static void
compare(struct run *r, const char *item, const struct mj *old,
    const struct mj *fresh, const char *sub, const char *key,
    const char *bad)
{
	const struct mj *o = sub != NULL ? mj_get(old, sub) : old;
	const struct mj *f = sub != NULL ? mj_get(fresh, sub) : fresh;
	char *a = mj_text(o), *b = mj_text(f);
	const char *ha = key != NULL ? mj_str(o, key) : NULL;
	const char *hb = key != NULL ? mj_str(f, key) : NULL;

	if (a == NULL || b == NULL)
		r->oom = 1;
	else
		add_item(r, item, "", ha != NULL ? ha : a, hb != NULL ? hb : b,
		    strcmp(a, b) == 0 ? "ok" : bad, NULL);
	free(a);
	free(b);
}

static const struct {
	const char *writer;
	enum teller_report_kind kind;
} writers[] = {
	{ "json", TELLER_REP_JSON }, { "csv", TELLER_REP_CSV },
	{ "html", TELLER_REP_HTML }, { "stages", TELLER_REP_STAGESHEET },
	{ "text", TELLER_REP_TEXT },
};

/* The SHA-256 of the re-rendered certificate cert as the output path
 * holds it: gzip compressed as count writes it when path ends in .gz. */
static int
cert_sha256(const char *path, const struct cli_buf *cert, char hex[65])
{
	struct cli_buf z = { NULL, 0, 0, 0 };
	struct cli_gz gz;

	if (!cli_gz_name(path)) {
		cli_mem_sha256(cert->s, cert->n, hex);
		return 0;
	}
	if (cli_gz_open(&gz, cli_buf_write, &z) != 0 ||
	    cli_gz_write(&gz, cert->s, cert->n) != 0 ||
	    cli_gz_close(&gz) != 0 || z.oom) {
		free(z.s);
		return -1;
	}
	cli_mem_sha256(z.s, z.n, hex);
	free(z.s);
	return 0;
}

/* Each recorded output: rendered again (differs), and on disk (changed,
 * or absent). */
static void
check_outputs(struct run *r, teller_ctx *ctx, const teller_result *res,
    const struct mj *outs, const char *base, const char *engine_note,
    const struct cli_buf *cert)
{
	const struct mj *o;
	size_t i, k;

	for (i = 0; (o = mj_at(outs, i)) != NULL; i++) {
		const char *p = mj_str(o, "path"), *w = mj_str(o, "writer");
		const struct mj *opt = mj_get(o, "options");
		const char *want = mj_str(o, "sha256"), *st = "ok";
		const char *note = NULL;
		struct cli_buf b = { NULL, 0, 0, 0 };
		char re[65] = "", disk[65] = "", *path;

		if (p == NULL || w == NULL || want == NULL) {
			add_item(r, "output:", p != NULL ? p : "?", want, NULL,
			    "differs", "incomplete record");
			continue;
		}
		for (k = 0; k < sizeof(writers) / sizeof(*writers); k++)
			if (strcmp(writers[k].writer, w) == 0)
				break;
		if (strcmp(w, "certificate") == 0) {
			/* written by the re-count itself (audit.md 5) */
			if (res == NULL || cert->s == NULL) {
				st = "differs";
				note = res == NULL ? "not re-counted" :
				    "cannot render";
			} else if (cert_sha256(p, cert, re) != 0) {
				st = "differs";
				note = "cannot render";
			} else {
				if (strcmp(re, want) != 0) {
					st = "differs";
					note = engine_note;
				}
			}
		} else if (res == NULL ||
		    k == sizeof(writers) / sizeof(*writers) ||
		    (writers[k].kind == TELLER_REP_HTML ?
		    teller_report_html_lang(ctx, res, mj_str(opt, "layout"),
		    mj_str(opt, "lang"), cli_buf_write, &b) : teller_report(ctx,
		    res, writers[k].kind, cli_buf_write, &b)) != TELLER_OK) {
			teller_errclear(ctx);
			st = "differs";
			note = res == NULL ? "not re-counted" : "cannot render";
		} else {
			cli_mem_sha256(b.s != NULL ? b.s : "", b.n, re);
			if (strcmp(re, want) != 0) {
				st = "differs";
				note = engine_note;
			}
		}
		free(b.s);
		path = cli_join(base, p);
		if (path == NULL || cli_file_sha256(path, disk, NULL) != 0) {
			if (strcmp(st, "ok") == 0)
				st = "absent";
		} else if (strcmp(disk, want) != 0) {
			st = "changed";
		}
		free(path);
		add_item(r, "output:", p, want, strcmp(st, "changed") == 0 ||
		    re[0] == '\0' ? disk : re, st, note);
		/* 4.6 step 7: under another engine version an output
		 * rendered otherwise is noted, not a failure */
		if (engine_note != NULL && note == engine_note && r->n > 0 &&
		    strcmp(st, "differs") == 0)
			r->items[r->n - 1].soft = true;
	}
}

/* The ballot inputs read again: each path and the --section recorded
 * for it. */
struct reread {
	char *const *paths;
	const char *const *sect;
	int n;
};

/* cli_read_inputs_fix: the recorded section of this input, if any. */
static int
fix_section(void *ud, teller_ctx *ctx, const char *path, int fmt,
    teller_contest *c, teller_profile *p)
{
	const struct reread *rr = ud;
	char *id, *w, *name;
	int i, rc;

	(void)fmt;
	for (i = 0; i < rr->n; i++)
		if (rr->paths[i] == path && rr->sect[i] != NULL)
			break;
	if (i == rr->n)
		return 0;
	if ((id = strdup(rr->sect[i])) == NULL)
		return 3;
	if ((w = strchr(id, ':')) == NULL) {
		free(id);
		return 1;
	}
	*w++ = '\0';
	if ((name = strchr(w, ':')) != NULL)
		*name++ = '\0';
	rc = teller_profile_section(ctx, c, p, id, w, name);
	free(id);
	return rc == TELLER_OK ? 0 : 1;
}

/* Read the ballot inputs as the count did: merged, or with -m
 * exhaustive one round a file (round 1 in *c, *p; the rest in rules).
 * Returns 0 or an exit status. */
static int
reread(teller_ctx *ctx, const int *fmts, const struct reread *rr,
    struct cli_in_info *info, teller_rules *rules, teller_contest ***rc,
    teller_profile ***rp, teller_contest **c, teller_profile **p)
{
	int i, st;

	if (strcmp(rules->method, "exhaustive") != 0)
		return cli_read_inputs_fix(ctx, fmts, 0, rr->paths, rr->n,
		    info, fix_section, (void *)rr, c, p);
	*rc = calloc((size_t)rr->n, sizeof(**rc));
	*rp = calloc((size_t)rr->n, sizeof(**rp));
	if (*rc == NULL || *rp == NULL)
		return 3;
	for (i = 0; i < rr->n; i++)
		if ((st = cli_read_inputs_fix(ctx, fmts + i, 0, rr->paths + i,
		    1, info + i, fix_section, (void *)rr, &(*rc)[i],
		    &(*rp)[i])) != 0)
			return st;
	*c = (*rc)[0];
	*p = (*rp)[0];
	rules->round_contests = (const teller_contest *const *)*rc + 1;
	rules->round_profiles = (const teller_profile *const *)*rp + 1;
	rules->nrounds = rr->n - 1;
	return 0;
}


/* Is arg option name (given as "--NAME", "--NAME=V" or an abbreviation
 * getopt_long took) with value want, the value being arg's "=V" or next?
 */
static bool
is_opt(const char *arg, const char *next, const char *name,
    const char *want)
{
	const char *eq;
	size_t n;

	if (strncmp(arg, "--", 2) != 0)
		return false;
	arg += 2;
	eq = strchr(arg, '=');
	n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	if (n < 2 || n > strlen(name) || strncmp(arg, name, n) != 0)
		return false;
	return strcmp(eq != NULL ? eq + 1 : next, want) == 0;
}

/* The recorded invocation's --sensitivity rounding (audit.md 7): 0 none,
 * 1 rounding, 2 also --rounding parcel. */
static int
recorded_sensitivity(const struct mj *m)
{
	const struct mj *v = mj_get(m, "invocation");
	int sens = 0, parcel = 0;

	for (v = v != NULL ? v->kid : NULL; v != NULL; v = v->next) {
		const char *s = v->type == MJ_STR ? v->s : "";
		const char *nx = v->next != NULL && v->next->type == MJ_STR ?
		    v->next->s : "";
		if (strcmp(s, "--") == 0)
			break;
		sens |= is_opt(s, nx, "sensitivity", "rounding");
		parcel |= is_opt(s, nx, "rounding", "parcel");
	}
	return sens ? 1 + parcel : 0;
}
/* Re-read, re-count and compare (steps 3-6). */
static void
recount(struct run *r, const struct mj *m, char **paths, size_t nin,
    const struct verify_args *a, const char *mdir)
{
	const struct mj *ins = mj_get(m, "inputs"), *fresh = NULL;
	char **lots = NULL;
	int *fmts = calloc(nin + 1, sizeof(int)), nlots = 0, rc, i;
	struct cli_in_info *info = calloc(nin + 1, sizeof(*info));
	char **bpaths = calloc(nin + 1, sizeof(*bpaths)), *meta = NULL;
	const char **sect = calloc(nin + 1, sizeof(*sect));
	size_t *bidx = calloc(nin + 1, sizeof(*bidx)), nb = 0;
	struct reread rr;
	teller_contest **rcs = NULL;
	teller_profile **rps = NULL;
	struct cli_buf mb = { NULL, 0, 0, 0 }, cb = { NULL, 0, 0, 0 };
	teller_ctx *ctx = NULL;
	teller_contest *c = NULL;
	teller_profile *p = NULL;
	teller_result *res = NULL;
	teller_rules rules;
	teller_manifest_info mi;
	const char *rec_ver = mj_str(mj_get(m, "engine"), "version");
	const char *note = NULL;
	char enote[128];
	size_t k;

	if (rec_ver != NULL && strcmp(rec_ver, TELLER_VERSION) != 0) {
		snprintf(enote, sizeof(enote), "engine %s -> %s", rec_ver,
		    TELLER_VERSION);
		note = enote;
	}
	if (fmts == NULL || info == NULL || bpaths == NULL || sect == NULL ||
	    bidx == NULL || teller_ctx_new(NULL, &ctx)) {
		r->oom = 1;
		goto out;
	}
	/* the ballot inputs; --meta FILE is an input of role "meta" */
	for (k = 0; k < nin; k++) {
		const struct mj *in = mj_at(ins, k);
		const char *f = mj_str(in, "format"), *role = mj_str(in,
		    "role");
		if (role != NULL && strcmp(role, "meta") == 0) {
			meta = paths[k];
			continue;
		}
		fmts[nb] = f != NULL ? teller_format_parse(f) :
		    TELLER_FMT_AUTO;
		if (fmts[nb] < 0)
			fmts[nb] = TELLER_FMT_AUTO;
		bpaths[nb] = paths[k];
		sect[nb] = mj_str(in, "section");
		bidx[nb++] = k;
	}
	if (recorded_rules(m, &rules) != 0) {
		add_item(r, "rules", "", NULL, NULL, "differs",
		    "the manifest records no known method");
		goto out;
	}
	if (hand_lots(mj_get(m, "lots"), &lots, &nlots) != 0) {
		r->oom = 1;
		goto out;
	}
	rules.lots = (const char *const *)lots;
	rules.nlots = nlots;
	rr.paths = bpaths;
	rr.sect = sect;
	rr.n = (int)nb;
	if (nb == 0 || reread(ctx, fmts, &rr, info, &rules, &rcs, &rps, &c,
	    &p) != 0) {
		add_item(r, "contest", "", NULL, NULL, "differs",
		    "the inputs cannot be read again");
		goto out;
	}
	for (k = 0; mj_at(mj_get(m, "outputs"), k) != NULL; k++)
		if (mj_str(mj_at(mj_get(m, "outputs"), k), "writer") != NULL &&
		    strcmp(mj_str(mj_at(mj_get(m, "outputs"), k), "writer"),
		    "certificate") == 0)
			break;
	/* a certificate among the outputs: the re-count writes it again */
	rc = mj_at(mj_get(m, "outputs"), k) != NULL ?
	    teller_count_certified(ctx, c, p, &rules, cli_buf_write, &cb,
	    &res) :
	    teller_count(ctx, c, p, &rules, &res);
	if (rc == TELLER_ESTOP || rc == TELLER_ETIE) {
		add_item(r, "lots", "", NULL, NULL, "lot-mismatch",
		    teller_errmsg(ctx));
		add_item(r, "result", "", mj_str(mj_get(m, "result"),
		    "sha256"), NULL, "differs", "not re-counted");
		goto out;
	}
	if (rc == TELLER_OK && (i = recorded_sensitivity(m)) > 0)
		rc = teller_sensitivity(ctx, c, p, &rules, res, i == 2);
	if (rc != TELLER_OK) {
		add_item(r, "result", "", NULL, NULL, "differs",
		    teller_errmsg(ctx));
		goto out;
	}
	for (k = 0; k < nb; k++)
		if (teller_result_add_input(ctx, res,
		    mj_str(mj_at(ins, bidx[k]), "path"),
		    info[k].sha256) != 0) {
			r->oom = 1;
			goto out;
		}
	if (meta != NULL && cli_apply_meta(ctx, res, meta) != 0) {
		add_item(r, "result", "", NULL, NULL, "differs",
		    "the --meta input cannot be read again");
		goto out;
	}
	memset(&mi, 0, sizeof(mi));
	if (teller_manifest_write(ctx, c, p, &rules, res, &mi, cli_buf_write,
	    &mb) != TELLER_OK || (fresh = mj_parse(mb.s, mb.n)) == NULL) {
		add_item(r, "result", "", NULL, NULL, "differs",
		    "cannot write the manifest again");
		goto out;
	}
	compare(r, "contest", m, fresh, "contest", "sha256", "differs");
	for (i = 0; i < 2; i++) {
		const char *key = i == 0 ? "sha256_marked" : "sha256_effective";
		const struct mj *po = mj_get(m, "profile");
		const struct mj *pf = mj_get(fresh, "profile");
		const char *x = mj_str(po, key), *y = mj_str(pf, key);
		/* the counts beside the hashes must agree too */
		const char *xs = mj_str(po, i == 0 ? "papers" : "patterns");
		const char *ys = mj_str(pf, i == 0 ? "papers" : "patterns");
		bool same = x != NULL && y != NULL && strcmp(x, y) == 0 &&
		    xs != NULL && ys != NULL && strcmp(xs, ys) == 0;
		add_item(r, i == 0 ? "profile:marked" : "profile:effective", "",
		    x, y, same ? "ok" : "differs", xs != NULL && ys != NULL &&
		    strcmp(xs, ys) != 0 ? (i == 0 ? "papers differ" :
		    "patterns differ") : NULL);
	}
	compare(r, "rules", m, fresh, "rules", "sha256", "differs");
	{
		/* the seed and every lot */
		char *x = mj_text(mj_get(m, "lots"));
		char *y = mj_text(mj_get(fresh, "lots"));
		char *u = mj_text(mj_get(m, "randomness"));
		char *v = mj_text(mj_get(fresh, "randomness"));
		if (x == NULL || y == NULL || u == NULL || v == NULL)
			r->oom = 1;
		else
			add_item(r, "lots", "", x, y, strcmp(x, y) == 0 &&
			    strcmp(u, v) == 0 ? "ok" : "lot-mismatch", NULL);
		free(x);
		free(y);
		free(u);
		free(v);
	}
	compare(r, "result", m, fresh, "result", "sha256", "differs");
out:
	check_outputs(r, ctx, res, mj_get(m, "outputs"), a->outputs_dir ?
	    a->outputs_dir : mdir, note, &cb);
	mj_free((struct mj *)fresh);
	free(mb.s);
	free(cb.s);
	for (i = 0; i < nlots; i++)
		free(lots[i]);
	free(lots);
	free(fmts);
	free(info);
	free(bpaths);
	free(sect);
	free(bidx);
	free(rcs);
	free(rps);
	teller_ctx_free(ctx);
}

/* A boolean member of the recorded options (dflt when not there). */
static bool
opt_bool(const struct mj *op, const char *key, bool dflt)
{
	const struct mj *v = mj_get(op, key);

	if (v == NULL || v->type != MJ_BOOL)
		return dflt;
	return strcmp(v->s, "true") == 0;
}

/* One recorded output of an RCTab run against its re-run (differs) and
 * the file on disk (changed, or absent). */
static void
rctab_output(struct run *r, const struct mj *o, const char *base,
    const struct cli_rctab_out *outs, int nout, bool ran,
    const char *engine_note)
{
	const char *p = mj_str(o, "path"), *want = mj_str(o, "sha256");
	const char *st = "ok", *note = NULL, *re = NULL;
	char disk[65] = "", *path;
	int k;

	if (p == NULL || want == NULL) {
		add_item(r, "output:", p != NULL ? p : "?", want, NULL,
		    "differs", "incomplete record");
		return;
	}
	for (k = 0; k < nout; k++)
		if (strcmp(outs[k].name, p) == 0)
			re = outs[k].hex;
	if (re == NULL) {
		st = "differs";
		note = ran ? "not written by the re-run" : "not re-run";
	} else if (strcmp(re, want) != 0) {
		st = "differs";
		note = engine_note;
	}
	path = cli_join(base, p);
	if (path == NULL || cli_file_sha256(path, disk, NULL) != 0) {
		if (strcmp(st, "ok") == 0)
			st = "absent";
	} else if (strcmp(disk, want) != 0) {
		st = "changed";
	}
	free(path);
	add_item(r, "output:", p, want, strcmp(st, "changed") == 0 ||
	    re == NULL ? disk : re, st, note);
	if (engine_note != NULL && note == engine_note && r->n > 0 &&
	    strcmp(st, "differs") == 0)
		r->items[r->n - 1].soft = true;
}

/* A recorded item of the manifest m (key, then member sub) against
 * the same in fresh: ok, or status. */
static void
compare_sub(struct run *r, const char *item, const struct mj *m,
    const struct mj *fresh, const char *key, const char *sub,
    const char *note)
{
	const char *x = mj_str(mj_get(m, key), sub);
	const char *y = mj_str(mj_get(fresh, key), sub);

	add_item(r, item, "", x, y, x != NULL && y != NULL &&
	    strcmp(x, y) == 0 ? "ok" : "differs", y == NULL ? note : NULL);
}

/* Step 3 of an RCTab run: the contest, the marked and effective
 * profiles (with their papers and patterns) and, when recorded, the
 * ballot ids, re-derived from config's CVRs. */
static void
rctab_canon(struct run *r, const struct mj *m, const char *config,
    const teller_rctab_options *o)
{
	static const char note[] = "cannot re-read the CVRs";
	const struct mj *po = mj_get(m, "profile");
	struct cli_buf b = { NULL, 0, 0, 0 };
	struct mj *fresh = NULL;
	bool ids = mj_str(po, "sha256_ballot_ids") != NULL;
	int i;

	cli_buf_str(&b, "{ ");
	if (config != NULL && o->hart_signatures >= 0 &&
	    cli_rctab_canon_json(config, o->hart_key, o->hart_signatures,
	    ids, &b) == 0) {
		cli_buf_str(&b, " }");
		if (!b.oom)
			fresh = mj_parse(b.s, b.n);
	}
	if (b.oom)
		r->oom = 1;
	compare_sub(r, "contest", m, fresh, "contest", "sha256", note);
	for (i = 0; i < 2; i++) {
		const char *cnt = i == 0 ? "papers" : "patterns";
		const char *xs = mj_str(po, cnt);
		const char *ys = mj_str(mj_get(fresh, "profile"), cnt);
		compare_sub(r, i == 0 ? "profile:marked" : "profile:effective",
		    m, fresh, "profile", i == 0 ? "sha256_marked" :
		    "sha256_effective", note);
		if (r->n > 0 && strcmp(r->items[r->n - 1].status, "ok") == 0 &&
		    (xs == NULL || ys == NULL || strcmp(xs, ys) != 0)) {
			r->items[r->n - 1].status = "differs";
			free(r->items[r->n - 1].note);
			r->items[r->n - 1].note = strdup(i == 0 ?
			    "papers differ" : "patterns differ");
		}
	}
	if (ids)
		compare_sub(r, "profile:ballot-ids", m, fresh, "profile",
		    "sha256_ballot_ids", note);
	mj_free(fresh);
	free(b.s);
}

/* Step 5's lots of an RCTab run: the recorded seed and lots against
 * those of the re-run (NULL: it failed). */
static void
rctab_lots(struct run *r, const struct mj *m, const struct cli_rctab_lots *k)
{
	struct cli_buf b = { NULL, 0, 0, 0 };
	struct mj *fresh = NULL;
	char *x, *y = NULL, *u, *v = NULL;

	if (k != NULL) {
		cli_buf_str(&b, "{ ");
		cli_rctab_lots_json(k, &b);
		cli_buf_str(&b, " }");
		if (!b.oom)
			fresh = mj_parse(b.s, b.n);
		else
			r->oom = 1;
	}
	x = mj_text(mj_get(m, "lots"));
	u = mj_text(mj_get(m, "randomness"));
	if (fresh != NULL) {
		y = mj_text(mj_get(fresh, "lots"));
		v = mj_text(mj_get(fresh, "randomness"));
	}
	if (x == NULL || u == NULL || (fresh != NULL && (y == NULL ||
	    v == NULL)))
		r->oom = 1;
	else
		add_item(r, "lots", "", x, y, y != NULL && strcmp(x, y) == 0 &&
		    strcmp(u, v) == 0 ? "ok" : "lot-mismatch", fresh == NULL ?
		    "not re-run" : NULL);
	free(x);
	free(y);
	free(u);
	free(v);
	mj_free(fresh);
	free(b.s);
}

/* Steps 4-6 for a `teller rctab` run (audit.md 8.4): the rules from the
 * recorded options, the config re-run into memory, the result report
 * and every output compared. */
static void
rctab_recount(struct run *r, const struct mj *m, char **paths, size_t nin,
    const struct verify_args *a, const char *mdir)
{
	const struct mj *ins = mj_get(m, "inputs"), *rl = mj_get(m, "rules");
	const struct mj *op = mj_get(rl, "options"), *tb, *o;
	const struct mj *outs = mj_get(m, "outputs"), *res;
	const char *config = NULL, *html = NULL, *want, *got = NULL;
	const char *rec_ver = mj_str(mj_get(m, "engine"), "version");
	const char *enote = NULL;
	teller_rctab_options opts;
	struct cli_buf jcs = { NULL, 0, 0, 0 };
	struct cli_rctab_out *ro = NULL;
	struct cli_rctab_lots lots;
	char hex[65], note[128];
	const char **ties = NULL;
	int nro = 0, rc = 1;
	size_t i;

	teller_rctab_options_init(&opts);
	opts.threads = 0;
	memset(&lots, 0, sizeof(lots));
	for (i = 0; i < nin; i++) {
		const char *role = mj_str(mj_at(ins, i), "role");
		if (role != NULL && strcmp(role, "config") == 0 &&
		    config == NULL)
			config = paths[i];
		else if (role != NULL && strcmp(role, "hart-key") == 0)
			opts.hart_key = paths[i];
	}
	tb = mj_get(op, "tiebreak");
	if ((ties = calloc((tb != NULL ? tb->n : 0) + 1,
	    sizeof(*ties))) == NULL) {
		r->oom = 1;
		return;
	}
	for (i = 0; tb != NULL && (o = mj_at(tb, i)) != NULL; i++)
		if (o->type == MJ_STR)
			ties[opts.nties++] = o->s;
	opts.ties = ties;
	opts.crlf = opt_bool(op, "crlf", false);
	opts.convert_to_cdf = opt_bool(op, "convert_to_cdf", false);
	opts.no_cvr_export = !opt_bool(op, "cvr_export", true);
	opts.generated_date = mj_str(op, "generated_date");
	opts.hart_signatures = cli_rctab_sig_mode(mj_str(op,
	    "hart_signatures"));
	for (i = 0; (o = mj_at(outs, i)) != NULL; i++) {
		const char *w = mj_str(o, "writer");
		if (w != NULL && strcmp(w, "html") == 0)
			html = mj_str(o, "path");
	}
	/* step 3: the canonical contest and profiles (and ballot ids,
	 * when recorded) re-derived from the CVRs */
	rctab_canon(r, m, config, &opts);
	/* step 4: the rules' hash from the options re-derived */
	cli_rctab_rules(&jcs, &opts);
	want = mj_str(rl, "sha256");
	if (jcs.oom) {
		r->oom = 1;
	} else {
		cli_mem_sha256(jcs.s, jcs.n, hex);
		add_item(r, "rules", "", want, hex, want != NULL &&
		    strcmp(want, hex) == 0 && opts.hart_signatures >= 0 ?
		    "ok" : "differs", NULL);
	}
	free(jcs.s);
	if (rec_ver != NULL && strcmp(rec_ver, TELLER_VERSION) != 0) {
		snprintf(note, sizeof(note), "engine %s -> %s", rec_ver,
		    TELLER_VERSION);
		enote = note;
	}
	/* step 5: re-run, the seed and every lot recorded; the result is
	 * the recorded report's bytes */
	if (config != NULL && opts.hart_signatures >= 0)
		rc = cli_rctab_rerun(config, &opts, html, &ro, &nro, &lots);
	rctab_lots(r, m, rc == 0 ? &lots : NULL);
	cli_rctab_lots_free(&lots);
	res = mj_get(m, "result");
	want = mj_str(res, "sha256");
	for (i = 0; rc == 0 && mj_str(res, "report") != NULL &&
	    i < (size_t)nro; i++)
		if (strcmp(ro[i].name, mj_str(res, "report")) == 0)
			got = ro[i].hex;
	add_item(r, "result", "", want, got, got != NULL && want != NULL &&
	    strcmp(got, want) == 0 ? "ok" : "differs", config == NULL ?
	    "the manifest records no config" : rc != 0 ? "the re-run failed" :
	    got == NULL ? "the re-run wrote no such report" : NULL);
	/* step 6 */
	for (i = 0; (o = mj_at(outs, i)) != NULL; i++)
		rctab_output(r, o, a->outputs_dir != NULL ? a->outputs_dir :
		    mdir, ro, nro, rc == 0, enote);
	cli_rctab_outs_free(ro, nro);
	free(ties);
}

/* Is m the manifest of a `teller rctab` run? */
static bool
is_rctab(const struct mj *m)
{
	const char *meth = mj_str(mj_get(m, "rules"), "method");

	return meth != NULL && strcmp(meth, "rctab") == 0;
}

static bool
failed(const struct item *it)
{
	return strcmp(it->status, "ok") != 0 &&
	    strcmp(it->status, "absent") != 0 && !it->soft;
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
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* --json FILE: audit.md 8.5. Returns 0 or 3. */
static int
write_json(const struct run *r, const char *path, const char *manifest,
    const char *recorded, bool ok)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	size_t i;
	int bad;

	if (f == NULL) {
		perror(path);
		return 3;
	}
	fputs("{ \"teller_verify\": 1, \"manifest\": ", f);
	json_str(f, manifest);
	fputs(",\n  \"engine\": { \"recorded\": ", f);
	json_str(f, recorded);
	fputs(", \"running\": \"" TELLER_VERSION "\" },\n  \"items\": [", f);
	for (i = 0; i < r->n; i++) {
		const struct item *it = &r->items[i];
		fputs(i > 0 ? ",\n    { \"item\": " : "\n    { \"item\": ", f);
		json_str(f, it->name);
		fputs(", \"expected\": ", f);
		json_str(f, it->expected);
		fputs(", \"got\": ", f);
		json_str(f, it->got);
		fprintf(f, ", \"status\": \"%s\"", it->status);
		if (it->note != NULL) {
			fputs(", \"note\": ", f);
			json_str(f, it->note);
		}
		fputs(" }", f);
	}
	fprintf(f, " ],\n  \"verdict\": \"%s\" }\n", ok ? "ok" : "failed");
	bad = f == stdout ? fflush(f) != 0 : fclose(f) != 0;
	if (bad) {
		fprintf(stderr, "teller: %s: write failed\n", path);
		return 3;
	}
	return 0;
}

/* The table, the verdict; failures named on stderr. */
static bool
report(const struct run *r, const char *manifest, bool to_stdout)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct item *it = &r->items[i];
		if (!to_stdout)
			printf("%-28s %s  %s  %s%s%s\n", it->name,
			    it->expected != NULL && it->expected[0] ?
			    it->expected : "-", it->got != NULL &&
			    it->got[0] ? it->got : "-", it->status,
			    it->note != NULL ? "  # " : "",
			    it->note != NULL ? it->note : "");
		if (failed(it)) {
			ok = false;
			fprintf(stderr, "teller: %s: %s %s%s%s\n", manifest,
			    it->name, it->status, it->note != NULL ? ": " : "",
			    it->note != NULL ? it->note : "");
		}
	}
	if (!to_stdout)
		printf("verdict: %s\n", ok ? "ok" : "failed");
	if (!ok)
		fprintf(stderr, "teller: %s: verification failed\n", manifest);
	return ok;
}

static void
free_run(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->items[i].name);
		free(r->items[i].expected);
		free(r->items[i].got);
		free(r->items[i].note);
	}
	free(r->items);
}

/* Steps 1-6 on the manifest at path; *rec: the recorded version. */
static int
verify(struct run *r, const char *path, const struct verify_args *a,
    struct mj **out)
{
	char *buf = NULL, *mdir = cli_dirname(path), **paths = NULL;
	const struct mj *ins, *v;
	struct mj *m;
	struct mj_err perr;
	size_t len = 0, nin = 0, i;
	bool side_bad;
	int status = 0;

	*out = NULL;
	if (mdir == NULL || cli_slurp(path, &buf, &len) != 0) {
		free(mdir);
		return 1;
	}
	side_bad = check_sidecar(r, path, buf, len);
	m = mj_parse_err(buf, len, &perr);
	free(buf);
	v = mj_get(m, "teller_manifest");
	if (m == NULL || v == NULL || v->type != MJ_NUM ||
	    strcmp(v->s, "1") != 0) {
		if (!side_bad && m == NULL)
			mj_perror(path, &perr);
		else if (!side_bad)
			mj_fail(path, v != NULL ? v : m,
			    "not a teller manifest of version 1");
		mj_free(m);
		free(mdir);
		return side_bad ? 0 : 1;
	}
	*out = m;
	ins = mj_get(m, "inputs");
	nin = ins != NULL ? ins->n : 0;
	if ((paths = calloc(nin + 1, sizeof(*paths))) == NULL) {
		r->oom = 1;
	} else if (check_inputs(r, ins, a->inputs_dir != NULL ?
	    a->inputs_dir : mdir, paths) && nin > 0) {
		if (is_rctab(m))
			rctab_recount(r, m, paths, nin, a, mdir);
		else
			recount(r, m, paths, nin, a, mdir);
	} else {
		add_item(r, "result", "", mj_str(mj_get(m, "result"),
		    "sha256"), NULL, "differs", nin == 0 ? "not re-counted: "
		    "the manifest records no input" : "not re-counted: an "
		    "input is missing");
	}
	for (i = 0; paths != NULL && i < nin; i++)
		free(paths[i]);
	free(paths);
	free(mdir);
	return status;
}

int
cmd_verify(int argc, char **argv)
{
	struct verify_args a = { NULL, NULL, NULL };
	struct run r = { NULL, 0, 0, 0 };
	struct mj *m = NULL;
	int first, status;
	bool ok;

	first = cli_getopt(argc, argv, verify_opts, on_opt, &a);
	if (first < 0 || argc - first != 1) {
		if (first >= 0)
			fprintf(stderr, "teller: verify: give one manifest\n");
		fprintf(stderr, "usage: %s\n", SYNOPSIS);
		return 2;
	}
	status = verify(&r, argv[first], &a, &m);
	if (status == 0 && r.oom) {
		fprintf(stderr, "teller: out of memory\n");
		status = 3;
	}
	if (status == 0) {
		ok = report(&r, argv[first], a.json != NULL &&
		    strcmp(a.json, "-") == 0);
		if (a.json != NULL)
			status = write_json(&r, a.json, argv[first],
			    mj_str(mj_get(m, "engine"), "version"), ok);
		if (status == 0 && !ok)
			status = 5;
	}
	mj_free(m);
	free_run(&r);
	return status;
}
