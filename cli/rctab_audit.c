/* SPDX-License-Identifier: MIT */
/*
 * rctab_audit.c -- the manifest of a `teller rctab` run (audit.md 4.2,
 * 8.4) and what `teller verify` needs to re-run one: the input callbacks
 * that record every file the run reads (the config, every CVR, a Hart
 * key or signature), the rules text (RFC 8785 JCS) of the options that
 * change the outputs' bytes, and a run into memory that hashes each
 * output instead of writing it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "cli.h"

/* "out of memory", unless this thread is quiet (cli_quiet). */
static void
say_oom(void)
{
	if (!cli_quiet)
		fprintf(stderr, "teller: out of memory\n");
}

/* ---- recording the inputs ---- */

/* The hashing thread: paths in the order recorded, until stopped with
 * none left. */
static void *
rec_hasher(void *ud)
{
	struct cli_rec *r = ud;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		if (r->hashed < r->n) {
			int i = r->hashed;
			const char *p = r->paths[i];
			char hex[65];
			unsigned long long n = 0;

			pthread_mutex_unlock(&r->mu);
			if (cli_file_sha256(p, hex, &n) != 0)
				hex[0] = '\0';
			pthread_mutex_lock(&r->mu);
			memcpy(r->hex[i], hex, sizeof hex);
			r->bytes[i] = n;
			r->hashed++;
			pthread_cond_broadcast(&r->cv);
		} else if (r->stop) {
			break;
		} else {
			pthread_cond_wait(&r->cv, &r->mu);
		}
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Record path (under r->mu); a failure sets oom. */
static void
rec_add(struct cli_rec *r, const char *path)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->paths[i], path) == 0)
			return;
	if (r->n == r->cap) {
		int nc = r->cap == 0 ? 16 : r->cap * 2;
		char **np = realloc(r->paths, (size_t)nc * sizeof(*np));
		char (*nh)[65] = np ? realloc(r->hex, (size_t)nc *
		    sizeof(*nh)) : NULL;
		unsigned long long *nb = nh ? realloc(r->bytes, (size_t)nc *
		    sizeof(*nb)) : NULL;

		if (np)
			r->paths = np;
		if (nh)
			r->hex = nh;
		if (nb == NULL) {
			r->oom = 1;
			return;
		}
		r->bytes = nb;
		r->cap = nc;
	}
	if ((r->paths[r->n] = strdup(path)) == NULL) {
		r->oom = 1;
		return;
	}
	r->hex[r->n][0] = '\0';
	r->bytes[r->n] = 0;
	r->n++;
	if (!r->started) {
		if (pthread_create(&r->th, NULL, rec_hasher, r) == 0)
			r->started = 1;
		else
			r->oom = 1;	/* no hashes: the manifest fails */
	}
	pthread_cond_broadcast(&r->cv);
}

static int
rec_open(void *ud, const char *path, const char **buf, size_t *len,
    void **handle)
{
	struct cli_rec *r = ud;
	int e = cli_files.open(cli_files.ud, path, buf, len, handle);

	if (e != 0)
		return e;
	pthread_mutex_lock(&r->mu);
	rec_add(r, path);
	pthread_mutex_unlock(&r->mu);
	return 0;
}

static void
rec_release(void *ud, void *handle, const char *p, size_t n)
{
	(void)ud;
	if (cli_files.release != NULL)
		cli_files.release(cli_files.ud, handle, p, n);
}

static void
rec_close(void *ud, void *handle)
{
	(void)ud;
	cli_files.close(cli_files.ud, handle);
}

static int
rec_list(void *ud, const char *dir, int (*fn)(void *, const char *),
    void *fud)
{
	(void)ud;
	return cli_files.list(cli_files.ud, dir, fn, fud);
}

static int
rec_kind(void *ud, const char *path)
{
	(void)ud;
	return cli_files.kind(cli_files.ud, path);
}

void
cli_rec_init(struct cli_rec *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->in.open = rec_open;
	r->in.release = rec_release;
	r->in.close = rec_close;
	r->in.list = rec_list;
	r->in.kind = rec_kind;
	r->in.ud = r;
}

void
cli_rec_finish(struct cli_rec *r)
{
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	if (r->started)
		pthread_join(r->th, NULL);
	r->started = 0;
}

int
cli_rec_sha256(const struct cli_rec *r, const char *path, char hex[65],
    unsigned long long *bytes)
{
	int i;

	for (i = 0; i < r->hashed; i++)
		if (strcmp(r->paths[i], path) == 0 && r->hex[i][0] != '\0') {
			memcpy(hex, r->hex[i], 65);
			if (bytes != NULL)
				*bytes = r->bytes[i];
			return 0;
		}
	return -1;
}

void
cli_rec_free(struct cli_rec *r)
{
	int i;

	cli_rec_finish(r);
	for (i = 0; i < r->n; i++)
		free(r->paths[i]);
	free(r->paths);
	free(r->hex);
	free(r->bytes);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
}

/* ---- text ---- */

int
cli_buf_add(struct cli_buf *b, const char *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *t = realloc(b->s, cap);
		if (t == NULL) {
			b->oom = 1;
			return -1;
		}
		b->s = t;
		b->cap = cap;
	}
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = '\0';
	return 0;
}

int
cli_buf_write(void *ud, const char *p, size_t n)
{
	return cli_buf_add(ud, p, n);
}

static int
buf_write(void *ud, const char *p, size_t n)
{
	return cli_buf_add(ud, p, n);
}

void
cli_buf_str(struct cli_buf *b, const char *s)
{
	cli_buf_add(b, s, strlen(s));
}

/* A JSON string as RFC 8785 writes it (so also fine in the manifest). */
void
cli_buf_jstr(struct cli_buf *b, const char *s)
{
	char e[8];

	if (s == NULL) {
		cli_buf_str(b, "null");
		return;
	}
	cli_buf_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		const char *q = NULL;
		switch (c) {
		case '"': q = "\\\""; break;
		case '\\': q = "\\\\"; break;
		case '\b': q = "\\b"; break;
		case '\f': q = "\\f"; break;
		case '\n': q = "\\n"; break;
		case '\r': q = "\\r"; break;
		case '\t': q = "\\t"; break;
		default: break;
		}
		if (q != NULL) {
			cli_buf_str(b, q);
		} else if (c < 0x20) {
			snprintf(e, sizeof(e), "\\u%04x", c);
			cli_buf_str(b, e);
		} else {
			cli_buf_add(b, s, 1);
		}
	}
	cli_buf_add(b, "\"", 1);
}

static const char *
sig_name(int mode)
{
	return mode == TELLER_HART_SIG_REQUIRE ? "require" :
	    mode == TELLER_HART_SIG_OFF ? "off" : "check";
}

int
cli_rctab_sig_mode(const char *name)
{
	if (name == NULL || strcmp(name, "check") == 0)
		return TELLER_HART_SIG_CHECK;
	if (strcmp(name, "require") == 0)
		return TELLER_HART_SIG_REQUIRE;
	if (strcmp(name, "off") == 0)
		return TELLER_HART_SIG_OFF;
	return -1;
}

void
cli_rctab_rules(struct cli_buf *b, const teller_rctab_options *o)
{
	int i;

	cli_buf_str(b, "{\"citation\":\"RCTab contest config "
	    "(docs/rctab.md)\",\"method\":\"rctab\",\"options\":"
	    "{\"convert_to_cdf\":");
	cli_buf_str(b, o->convert_to_cdf ? "true" : "false");
	cli_buf_str(b, ",\"crlf\":");
	cli_buf_str(b, o->crlf ? "true" : "false");
	cli_buf_str(b, ",\"cvr_export\":");
	cli_buf_str(b, o->no_cvr_export ? "false" : "true");
	cli_buf_str(b, ",\"generated_date\":");
	cli_buf_jstr(b, o->generated_date);
	cli_buf_str(b, ",\"hart_signatures\":");
	cli_buf_jstr(b, sig_name(o->hart_signatures));
	cli_buf_str(b, ",\"tiebreak\":[");
	for (i = 0; i < o->nties; i++) {
		if (i > 0)
			cli_buf_add(b, ",", 1);
		cli_buf_jstr(b, o->ties[i]);
	}
	cli_buf_str(b, "]}}");
}

const char *
cli_rctab_writer(const char *name, bool html)
{
	size_t n = strlen(name);
	const char *base = strrchr(name, '/');

	base = base != NULL ? base + 1 : name;
	if (html)
		return "html";
	if (strcmp(base, "rctab_cvr.csv") == 0)
		return "rctab-cvr-csv";
	if (strcmp(base, "cdf_cvr.json") == 0)
		return "rctab-cdf-json";
	if (n >= 5 && strcmp(name + n - 5, ".json") == 0)
		return "rctab-summary-json";
	if (n >= 4 && strcmp(name + n - 4, ".csv") == 0)
		return "rctab-summary-csv";
	return "rctab";
}

/* ---- a run into memory ---- */

/* The prefix the library puts in front of every output's name in a
 * re-run: never a real folder, since nothing is written. */
#define MEM_DIR "@rctab-out"

struct memsink {
	struct cli_rctab_out *outs;
	int n, cap;
	int oom;
};

struct memfile {
	struct cli_buf b;
	char *name;
};

static int
mem_open(void *ud, const char *path, teller_write_fn *w, void **wud)
{
	struct memfile *f = calloc(1, sizeof(*f));
	size_t k = strlen(MEM_DIR "/");

	(void)ud;
	if (f == NULL)
		return -1;
	if (strncmp(path, MEM_DIR "/", k) != 0)
		k = 0;
	if ((f->name = strdup(path + k)) == NULL) {
		free(f);
		return -1;
	}
	*w = buf_write;
	*wud = &f->b;
	return 0;
}

static int
mem_close(void *ud, void *wud)
{
	struct memsink *s = ud;
	struct memfile *f = (struct memfile *)wud; /* b is its first member */
	int rc = f->b.oom ? -1 : 0;

	if (rc == 0 && s->n == s->cap) {
		int nc = s->cap == 0 ? 16 : s->cap * 2;
		struct cli_rctab_out *np = realloc(s->outs, (size_t)nc *
		    sizeof(*np));
		if (np == NULL)
			rc = -1;
		else {
			s->outs = np;
			s->cap = nc;
		}
	}
	if (rc == 0) {
		cli_mem_sha256(f->b.s != NULL ? f->b.s : "", f->b.n,
		    s->outs[s->n].hex);
		s->outs[s->n++].name = f->name;
	} else {
		free(f->name);
		s->oom = 1;
	}
	free(f->b.s);
	free(f);
	return rc;
}

int
cli_rctab_rerun(const char *config, teller_rctab_options *o,
    const char *html, struct cli_rctab_out **outs, int *nout,
    struct cli_rctab_lots *lots)
{
	struct memsink s = { NULL, 0, 0, 0 };
	teller_rctab *r;
	teller_ctx *ctx;
	char *hpath = NULL;
	int rc;

	*outs = NULL;
	*nout = 0;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 3;
	teller_ctx_set_input(ctx, &cli_files);
	if (html != NULL) {
		if ((hpath = malloc(strlen(html) + sizeof(MEM_DIR "/"))) ==
		    NULL) {
			teller_ctx_free(ctx);
			return 3;
		}
		sprintf(hpath, MEM_DIR "/%s", html);
	}
	o->html = hpath;
	o->output_dir = MEM_DIR;
	o->output.open = mem_open;
	o->output.close = mem_close;
	o->output.ud = &s;
	if (lots != NULL) {
		o->lot = cli_rctab_lot;
		o->lot_ud = lots;
	}
	rc = teller_rctab_load(ctx, config, o, &r);
	if (rc == TELLER_OK) {
		const char *seed = teller_rctab_seed(r);
		if (lots != NULL && seed != NULL &&
		    (lots->seed = strdup(seed)) == NULL)
			s.oom = 1;
		rc = teller_rctab_run(ctx, r);
		teller_rctab_free(r);
	}
	o->lot = NULL;
	o->lot_ud = NULL;
	if (rc != TELLER_OK)
		rc = cli_report_error(ctx);
	else if (s.oom || (lots != NULL && lots->b.oom))
		rc = 3;
	teller_ctx_free(ctx);
	free(hpath);
	o->html = NULL;
	*outs = s.outs;
	*nout = s.n;
	return rc;
}

void
cli_rctab_outs_free(struct cli_rctab_out *outs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(outs[i].name);
	free(outs);
}

/* Is path an RCTab contest config (a JSON object naming
 * cvrFileSources)? */
bool
cli_is_rctab_config(const char *path)
{
	char buf[65536];
	size_t n, i = 0;
	FILE *f;

	if (strcmp(path, "-") == 0 || (f = fopen(path, "rb")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
	    buf[i] == '\r'))
		i++;
	return i < n && buf[i] == '{' && memchr(buf, '\0', n) == NULL &&
	    strstr(buf, "\"cvrFileSources\"") != NULL;
}

static int
null_write(void *ud, const char *p, size_t n)
{
	(void)ud;
	(void)p;
	(void)n;
	return 0;
}

static int
null_open(void *ud, const char *path, teller_write_fn *w, void **wud)
{
	(void)path;
	*w = null_write;
	*wud = ud;
	return 0;
}

static int
null_close(void *ud, void *wud)
{
	(void)ud;
	(void)wud;
	return 0;
}

void
cli_null_output(teller_output *o)
{
	o->open = null_open;
	o->close = null_close;
	o->ud = NULL;
}

/* Load config for reading only (no output): an exit status. */
static int
read_only_load(teller_ctx **ctx, teller_rctab_options *o, const char *config,
    const char *hart_key, int hart_sig, teller_rctab **r)
{
	teller_rctab_options_init(o);
	o->threads = 0;
	o->hart_key = hart_key;
	o->hart_signatures = hart_sig;
	cli_null_output(&o->output);
	o->output_dir = "";
	if (teller_ctx_new(NULL, ctx) != TELLER_OK) {
		say_oom();
		return 3;
	}
	teller_ctx_set_input(*ctx, &cli_files);
	if (teller_rctab_load(*ctx, config, o, r) != TELLER_OK)
		return cli_report_error(*ctx);
	return 0;
}

int
cli_rctab_canon(const char *config, const char *hart_key, int hart_sig,
    int kind, teller_write_fn w, void *ud)
{
	teller_rctab_options o;
	teller_rctab *r = NULL;
	teller_ctx *ctx = NULL;
	int rc;

	rc = read_only_load(&ctx, &o, config, hart_key, hart_sig, &r);
	if (rc == 0) {
		rc = kind == CLI_CANON_IDS ? teller_rctab_ballot_ids(ctx, r, w,
		    ud) : teller_rctab_canon(ctx, r,
		    (enum teller_canon_kind)kind, w, ud);
		if (rc != TELLER_OK)
			rc = cli_report_error(ctx);
	}
	teller_rctab_free(r);
	teller_ctx_free(ctx);
	return rc;
}

int
cli_rctab_ballot_ids(const char *config, const char *hart_key,
    int hart_sig, teller_write_fn w, void *ud)
{
	return cli_rctab_canon(config, hart_key, hart_sig, CLI_CANON_IDS, w,
	    ud);
}

/* The canonical text of kind into b (NUL-ended); an exit status. */
static int
canon_text(const char *config, const char *hart_key, int hart_sig, int kind,
    struct cli_buf *b)
{
	int rc = cli_rctab_canon(config, hart_key, hart_sig, kind, buf_write,
	    b);

	if (rc == 0 && (b->oom || cli_buf_add(b, "", 0) != 0)) {
		say_oom();
		rc = 3;
	}
	return rc;
}

/* The marked and effective profile texts into m and e (NUL-ended), the
 * CVRs read once; an exit status. */
static int
profiles_text(const char *config, const char *hart_key, int hart_sig,
    struct cli_buf *m, struct cli_buf *e)
{
	teller_rctab_options o;
	teller_rctab *r = NULL;
	teller_ctx *ctx = NULL;
	int rc = read_only_load(&ctx, &o, config, hart_key, hart_sig, &r);

	if (rc == 0 && teller_rctab_canon_profiles(ctx, r, buf_write, m,
	    buf_write, e) != TELLER_OK)
		rc = cli_report_error(ctx);
	teller_rctab_free(r);
	teller_ctx_free(ctx);
	if (rc == 0 && (m->oom || e->oom || cli_buf_add(m, "", 0) != 0 ||
	    cli_buf_add(e, "", 0) != 0)) {
		say_oom();
		rc = 3;
	}
	return rc;
}

int
cli_rctab_ballot_ids_sha256(const char *config, const char *hart_key,
    int hart_sig, char hex[65])
{
	struct cli_buf b = { NULL, 0, 0, 0 };
	int rc = canon_text(config, hart_key, hart_sig, CLI_CANON_IDS, &b);

	if (rc == 0)
		cli_mem_sha256(b.s, b.n, hex);
	free(b.s);
	return rc;
}

/* The next TAB- or LF-ended field of *p, unescaped (audit.md 4.3) onto
 * a NUL-ended copy in b's tail; *p moves past its end. */
static const char *
field(const char **p, struct cli_buf *b)
{
	const char *s = *p;
	size_t at = b->n;

	for (; *s != '\0' && *s != '\t' && *s != '\n'; s++) {
		char c = *s;
		if (c == '\\' && s[1] != '\0') {
			s++;
			c = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ?
			    '\r' : *s;
		}
		cli_buf_add(b, &c, 1);
	}
	cli_buf_add(b, "", 1);
	*p = *s == '\t' ? s + 1 : s;
	return b->oom ? "" : b->s + at;
}

/* The manifest's "contest" value from its canonical text ct (hash hex):
 * { "title", "seats", "candidates": [...], "sha256" }. */
static void
contest_json(struct cli_buf *b, const char *ct, const char *hex)
{
	struct cli_buf f = { NULL, 0, 0, 0 };
	const char *p = strchr(ct, '\n'), *v;
	int n = 0;

	cli_buf_str(b, "{ \"title\": ");
	while (p != NULL && *++p != '\0') {
		f.n = 0;
		v = field(&p, &f);
		if (strcmp(v, "title") == 0) {
			cli_buf_jstr(b, field(&p, &f));
			cli_buf_str(b, ", \"seats\": ");
		} else if (strcmp(v, "seats") == 0) {
			cli_buf_str(b, field(&p, &f));
			cli_buf_str(b, ",\n    \"candidates\": [");
		} else if (strcmp(v, "cand") == 0) {
			size_t mark;
			(void)field(&p, &f);
			mark = f.n;
			(void)field(&p, &f);
			(void)field(&p, &f); /* party: RCTab has none */
			cli_buf_str(b, n++ > 0 ? ",\n      { \"name\": " :
			    "\n      { \"name\": ");
			cli_buf_jstr(b, f.oom ? "" : f.s + mark);
			cli_buf_str(b, ", \"party\": null, \"withdrawn\": ");
			cli_buf_str(b, strcmp(field(&p, &f), "1") == 0 ?
			    "true }" : "false }");
		}
		p = strchr(p, '\n');
	}
	cli_buf_str(b, n > 0 ? " ], \"sha256\": " : "], \"sha256\": ");
	cli_buf_jstr(b, hex);
	cli_buf_str(b, " }");
	b->oom |= f.oom;
	free(f.s);
}

/* Papers (the weights of the marked text mt added) and patterns (the
 * lines of the effective text et). */
static void
profile_counts(const char *mt, const char *et, char papers[24],
    long *patterns)
{
	unsigned long long sum = 0;
	const char *p;

	*patterns = 0;
	for (p = et; (p = strchr(p, '\n')) != NULL && *++p != '\0';)
		if (*p >= '0' && *p <= '9')
			(*patterns)++;
	for (p = mt; (p = strchr(p, '\n')) != NULL && *++p != '\0';)
		if (*p >= '0' && *p <= '9')
			sum += strtoull(p, NULL, 10);
	snprintf(papers, 24, "%llu", sum);
}

int
cli_rctab_canon_json_of(struct cli_buf t[4], bool ids, struct cli_buf *b)
{
	char hex[4][65], papers[24], num[24];
	long patterns;
	int i;

	for (i = 0; i < (ids ? 4 : 3); i++) {
		if (t[i].oom || cli_buf_add(&t[i], "", 0) != 0) {
			say_oom();
			return 3;
		}
		cli_mem_sha256(t[i].s, t[i].n, hex[i]);
	}
	cli_buf_str(b, "\"contest\": ");
	contest_json(b, t[0].s, hex[0]);
	profile_counts(t[1].s, t[2].s, papers, &patterns);
	cli_buf_str(b, ",\n  \"profile\": { \"canon\": "
	    "\"teller-profile/1\", \"papers\": ");
	cli_buf_jstr(b, papers);
	snprintf(num, sizeof num, "%ld", patterns);
	cli_buf_str(b, ", \"patterns\": ");
	cli_buf_str(b, num);
	cli_buf_str(b, ",\n    \"sha256_marked\": ");
	cli_buf_jstr(b, hex[1]);
	cli_buf_str(b, ", \"sha256_effective\": ");
	cli_buf_jstr(b, hex[2]);
	cli_buf_str(b, ",\n    \"sha256_ballot_ids\": ");
	cli_buf_jstr(b, ids ? hex[3] : NULL);
	cli_buf_str(b, " }");
	if (b->oom) {
		say_oom();
		return 3;
	}
	return 0;
}

int
cli_rctab_canon_json(const char *config, const char *hart_key, int hart_sig,
    bool ids, struct cli_buf *b)
{
	struct cli_buf t[4] = { { NULL, 0, 0, 0 }, { NULL, 0, 0, 0 },
	    { NULL, 0, 0, 0 }, { NULL, 0, 0, 0 } };
	int i, rc;

	rc = canon_text(config, hart_key, hart_sig, TELLER_CANON_CONTEST,
	    &t[0]);
	if (rc == 0)
		rc = profiles_text(config, hart_key, hart_sig, &t[1], &t[2]);
	if (rc == 0 && ids)
		rc = canon_text(config, hart_key, hart_sig, CLI_CANON_IDS,
		    &t[3]);
	if (rc == 0)
		rc = cli_rctab_canon_json_of(t, ids, b);
	for (i = 0; i < 4; i++)
		free(t[i].s);
	return rc;
}

/* ---- lots (audit.md 4.2 lots[]) ---- */

int
cli_rctab_lot(void *ud, const teller_rctab_lot *l)
{
	struct cli_rctab_lots *k = ud;
	char num[64];
	bool first;
	int i;

	k->n++;
	if (strcmp(l->source, "seed") == 0)
		k->draws++;
	snprintf(num, sizeof num, "%d", k->n);
	cli_buf_str(&k->b, k->n > 1 ? ",\n    { \"n\": " : "\n    { \"n\": ");
	cli_buf_str(&k->b, num);
	if (l->pass > 0) {
		snprintf(num, sizeof num, ", \"pass\": %d", l->pass);
		cli_buf_str(&k->b, num);
	}
	snprintf(num, sizeof num, ", \"stage\": %d, \"purpose\": ", l->round);
	cli_buf_str(&k->b, num);
	cli_buf_jstr(&k->b, l->winner ? "election" : "exclusion");
	cli_buf_str(&k->b, ", \"tied\": [");
	for (i = 0; i < l->ntied; i++) {
		if (i > 0)
			cli_buf_str(&k->b, ", ");
		cli_buf_jstr(&k->b, l->tied[i]);
	}
	cli_buf_str(&k->b, "], \"rule\": ");
	cli_buf_jstr(&k->b, l->rule);
	cli_buf_str(&k->b, ", \"source\": ");
	cli_buf_jstr(&k->b, l->source);
	/* the outcome, most favoured last: the one eliminated first, the
	 * one elected last */
	cli_buf_str(&k->b, ", \"evidence\": null, \"order\": [");
	if (!l->winner)
		cli_buf_jstr(&k->b, l->chosen);
	for (i = 0, first = l->winner; i < l->ntied; i++) {
		if (strcmp(l->tied[i], l->chosen) == 0)
			continue;
		if (!first)
			cli_buf_str(&k->b, ", ");
		first = false;
		cli_buf_jstr(&k->b, l->tied[i]);
	}
	if (l->winner) {
		if (!first)
			cli_buf_str(&k->b, ", ");
		cli_buf_jstr(&k->b, l->chosen);
	}
	cli_buf_str(&k->b, "] }");
	return k->b.oom ? -1 : 0;
}

void
cli_rctab_lots_json(const struct cli_rctab_lots *k, struct cli_buf *b)
{
	char num[24];

	cli_buf_str(b, "\"randomness\": { \"rng\": \"java-random\", "
	    "\"seed\": ");
	cli_buf_jstr(b, k->seed);
	snprintf(num, sizeof num, "%d", k->draws);
	cli_buf_str(b, ", \"draws\": ");
	cli_buf_str(b, num);
	cli_buf_str(b, " },\n  \"lots\": [");
	if (k->n > 0) {
		cli_buf_add(b, k->b.s, k->b.n);
		cli_buf_str(b, " ]");
	} else {
		cli_buf_str(b, "]");
	}
	b->oom |= k->b.oom;
}

void
cli_rctab_lots_free(struct cli_rctab_lots *k)
{
	free(k->b.s);
	free(k->seed);
	memset(k, 0, sizeof(*k));
}

/* ---- teller raire of an RCTab config (audit.md 3.6) ---- */

/* Is config single-winner IRV (teller_rctab_single_irv)? An exit
 * status: 0 yes, 1 no (said), else the load's. */
static int
irv_only(const char *config)
{
	teller_rctab_options o;
	teller_rctab *r = NULL;
	teller_ctx *ctx = NULL;
	int rc = read_only_load(&ctx, &o, config, NULL, TELLER_HART_SIG_CHECK,
	    &r);

	if (rc == 0 && !teller_rctab_single_irv(r)) {
		fprintf(stderr, "teller: %s: raire: not a single-winner IRV "
		    "contest (singleWinnerMajority, one seat, no early stop, "
		    "not exhaustIfMultipleContinuing)\n", config);
		rc = 1;
	}
	teller_rctab_free(r);
	teller_ctx_free(ctx);
	return rc;
}

/* The line of text t that begins with key and a TAB (its rest), or
 * NULL. */
static const char *
keyed_line(const char *t, const char *key)
{
	size_t n = strlen(key);

	for (; t != NULL && *t != '\0'; t = strchr(t, '\n'),
	    t = t != NULL ? t + 1 : NULL)
		if (strncmp(t, key, n) == 0 && t[n] == '\t')
			return t + n + 1;
	return NULL;
}

/* Append line s (up to LF) of canonical text to b, its TABs as sep. */
static void
add_fields(struct cli_buf *b, const char *s, const char *sep, int add)
{
	char num[24];

	for (;;) {
		const char *e = s + strcspn(s, "\t\n");
		if (add != 0) {
			snprintf(num, sizeof num, "%ld", strtol(s, NULL, 10) +
			    add);
			cli_buf_str(b, num);
		} else {
			cli_buf_add(b, s, (size_t)(e - s));
		}
		if (*e != '\t')
			break;
		cli_buf_str(b, sep);
		s = e + 1;
	}
}

int
cli_rctab_irv_read(teller_ctx *ctx, const char *config, teller_contest **c,
    teller_profile **p)
{
	struct cli_buf t[3] = { { NULL, 0, 0, 0 }, { NULL, 0, 0, 0 },
	    { NULL, 0, 0, 0 } }, b = { NULL, 0, 0, 0 };
	static const int kinds[3] = { TELLER_CANON_CONTEST,
	    TELLER_CANON_MARKED, TELLER_CANON_EFFECTIVE };
	char papers[24], num[160];
	unsigned long long eff = 0, all;
	const char *q, *title;
	long npat, ncand = 0;
	int i, rc;

	if ((rc = irv_only(config)) != 0)
		return rc;
	rc = canon_text(config, NULL, TELLER_HART_SIG_CHECK, kinds[0], &t[0]);
	if (rc == 0)
		rc = profiles_text(config, NULL, TELLER_HART_SIG_CHECK, &t[1],
		    &t[2]);
	if (rc != 0)
		goto out;
	profile_counts(t[1].s, t[2].s, papers, &npat);
	all = strtoull(papers, NULL, 10);
	for (q = t[2].s; (q = strchr(q, '\n')) != NULL && *++q != '\0';) {
		if (*q == 'c')
			ncand++;
		else
			eff += strtoull(q, NULL, 10);
	}
	/* teller's own profile file (fmt_profile.c): the effective
	 * rankings, and the papers with none as blank ones, so every
	 * paper read is auditable */
	title = keyed_line(t[0].s, "title");
	cli_buf_str(&b, "TELLERP1\ntitle ");
	if (title != NULL)
		cli_buf_add(&b, title, strcspn(title, "\n"));
	snprintf(num, sizeof num, "\nseats 1\nwdp 0\nballots %s\n"
	    "candidates %ld\n", papers, ncand);
	cli_buf_str(&b, num);
	for (q = t[2].s; (q = strchr(q, '\n')) != NULL && *++q != '\0';)
		if (*q == 'c') {
			const char *nm = strchr(q + 2, '\t');
			cli_buf_str(&b, "c - ");
			if (nm != NULL)
				cli_buf_add(&b, nm + 1, strcspn(nm + 1, "\n"));
			cli_buf_str(&b, "\t\n");
		}
	snprintf(num, sizeof num, "patterns %ld\n", npat + (all > eff));
	cli_buf_str(&b, num);
	for (q = t[2].s; (q = strchr(q, '\n')) != NULL && *++q != '\0';) {
		const char *r = q + strcspn(q, "\t\n");
		if (*q == 'c')
			continue;
		cli_buf_add(&b, q, (size_t)(r - q));
		cli_buf_str(&b, ":");
		if (*r == '\t') {
			cli_buf_str(&b, " ");
			add_fields(&b, r + 1, " ", 1);
		}
		cli_buf_str(&b, "\n");
	}
	if (all > eff) {
		snprintf(num, sizeof num, "%llu:\n", all - eff);
		cli_buf_str(&b, num);
	}
	snprintf(num, sizeof num, "end %s\n", papers);
	cli_buf_str(&b, num);
	if (b.oom) {
		say_oom();
		rc = 3;
	} else if (teller_read(ctx, TELLER_FMT_PROFILE, config, b.s, b.n, c,
	    p) != TELLER_OK) {
		rc = cli_report_error(ctx);
	}
out:
	for (i = 0; i < 3; i++)
		free(t[i].s);
	free(b.s);
	return rc;
}

/* s unescaped (audit.md 4.3) up to TAB or LF, as one CSV field. */
static void
csv_field(struct cli_buf *b, const char *s)
{
	struct cli_buf f = { NULL, 0, 0, 0 };
	const char *v;

	v = field(&s, &f);
	if (strpbrk(v, ",\"\r\n") == NULL) {
		cli_buf_str(b, v);
	} else {
		cli_buf_str(b, "\"");
		for (; *v != '\0'; v++) {
			if (*v == '"')
				cli_buf_str(b, "\"");
			cli_buf_add(b, v, 1);
		}
		cli_buf_str(b, "\"");
	}
	b->oom |= f.oom;
	free(f.s);
}

int
cli_rctab_cvr_level(const char *config, const char *dir)
{
	struct cli_buf ids = { NULL, 0, 0, 0 }, eff = { NULL, 0, 0, 0 };
	struct cli_buf b = { NULL, 0, 0, 0 }, nm = { NULL, 0, 0, 0 };
	const char *q;
	long *map = NULL;
	char *path = NULL, num[24];
	int rc, n = 0, i;
	FILE *f;

	if ((rc = canon_text(config, NULL, TELLER_HART_SIG_CHECK,
	    CLI_CANON_IDS, &ids)) != 0 || (rc = canon_text(config, NULL,
	    TELLER_HART_SIG_CHECK, TELLER_CANON_EFFECTIVE, &eff)) != 0)
		goto out;
	rc = 3;
	/* the ballot-id text numbers every candidate by name, the
	 * effective text (and so the problem JSON) leaves the excluded
	 * out: map one to the other by name */
	for (q = ids.s; (q = strchr(q, '\n')) != NULL && *++q == 'c';)
		n++;
	if ((map = calloc((size_t)n + 1, sizeof(*map))) == NULL)
		goto out;
	for (i = 0, q = ids.s; i < n; i++) {
		const char *nmq, *hit;
		long j = -1;
		q = strchr(q, '\n') + 1;
		nmq = strchr(q + 2, '\t') + 1;
		nm.n = 0;
		cli_buf_str(&nm, "\t");
		cli_buf_add(&nm, nmq, strcspn(nmq, "\n"));
		cli_buf_str(&nm, "\n");
		for (hit = eff.s; !nm.oom && (hit = strstr(hit, nm.s)) !=
		    NULL; hit++) {
			const char *ls = hit;
			while (ls > eff.s && ls[-1] != '\n')
				ls--;
			if (ls[0] == 'c' && ls[1] == '\t') {
				j = strtol(ls + 2, NULL, 10);
				break;
			}
		}
		map[i] = j;
	}
	cli_buf_str(&b, "ballot_id,prefs\n");
	for (; (q = strchr(q, '\n')) != NULL && *++q != '\0';) {
		const char *r;
		bool first = true;
		csv_field(&b, q);
		cli_buf_str(&b, ",");
		r = q + strcspn(q, "\t\n");
		while (*r == '\t') {
			long j = strtol(r + 1, NULL, 10);
			if (j >= 0 && j < n && map[j] >= 0) {
				snprintf(num, sizeof num, "%s%ld", first ? "" :
				    " ", map[j]);
				cli_buf_str(&b, num);
				first = false;
			}
			r = r + 1 + strcspn(r + 1, "\t\n");
		}
		cli_buf_str(&b, "\n");
	}
	if (b.oom || nm.oom || (path = cli_join(dir, "ballots.csv")) == NULL) {
		say_oom();
		goto out;
	}
	if ((mkdir(dir, 0777) != 0 && errno != EEXIST) ||
	    (f = fopen(path, "wb")) == NULL || (fwrite(b.s, 1, b.n, f) !=
	    b.n) + fclose(f) != 0) {
		fprintf(stderr, "teller: %s: %s\n", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(ids.s);
	free(eff.s);
	free(b.s);
	free(nm.s);
	free(map);
	free(path);
	return rc;
}
