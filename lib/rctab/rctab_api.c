/* SPDX-License-Identifier: MIT */
/*
 * rctab_api.c -- the public RCTab entry point (teller.h): load a config
 * (and the Hart key the options name), say where its outputs go, run it.
 * A thin layer over rctab_config.c and rctab_tab.c: it turns the public
 * options into struct tl_rctab_opts and puts the output folder in front
 * of every name the tabulator writes.
 */
#include <stdio.h>
#include <string.h>

#include "tl_int.h"
#include "rctab.h"

struct teller_rctab {
	teller_ctx *ctx;
	struct tl_rctab_cfg *cfg;
	const teller_rctab_options *o;
	const char *dir;         /* the output folder */
	const char *modulus, *exponent; /* the Hart key, NULL: RCTab's */
	struct tl_vec *name;     /* scratch: folder/name */
};

void
teller_rctab_options_init(teller_rctab_options *o)
{
	memset(o, 0, sizeof *o);
	o->threads = 1;
	o->hart_signatures = TELLER_HART_SIG_CHECK;
}

/* outputDirectory (rctab.md 3.2): relative to the config's folder; the
 * folder itself when blank. */
static const char *
config_outdir(teller_ctx *ctx, const struct tl_rctab_cfg *cfg)
{
	const char *o = cfg->out_dir;
	size_t n;
	char *p;

	while (o != NULL && (*o == ' ' || *o == '\t'))
		o++;
	if (o == NULL || *o == '\0')
		return tl_strdup(ctx, cfg->dir);
	if (o[0] == '/' || strcmp(cfg->dir, ".") == 0)
		return tl_strdup(ctx, o);
	n = strlen(cfg->dir) + strlen(o) + 2;
	if ((p = tl_alloc(ctx, n, 1)) != NULL)
		snprintf(p, n, "%s/%s", cfg->dir, o);
	return p;
}

int
teller_rctab_load(teller_ctx *ctx, const char *path,
    const teller_rctab_options *o, teller_rctab **out)
{
	teller_rctab *r;
	int rc;

	*out = NULL;
	if (o == NULL || path == NULL || o->output.open == NULL ||
	    o->output.close == NULL)
		return tl_fail(ctx, TELLER_EINVAL, "teller_rctab_load: no "
		    "config path or no output callbacks");
	if (o->hart_signatures < TELLER_HART_SIG_CHECK ||
	    o->hart_signatures > TELLER_HART_SIG_OFF)
		return tl_fail(ctx, TELLER_EINVAL, "teller_rctab_load: "
		    "hart_signatures %d is not a teller_hart_sig",
		    o->hart_signatures);
	if ((r = tl_alloc(ctx, 1, sizeof *r)) == NULL)
		return TELLER_ENOMEM;
	r->ctx = ctx;
	r->o = o;
	if ((r->name = tl_vec_new(ctx, 1)) == NULL)
		return TELLER_ENOMEM;
	if (o->hart_key != NULL && (rc = tl_hart_key_load(ctx, o->hart_key,
	    &r->modulus, &r->exponent)) != TELLER_OK)
		return rc;
	if ((rc = tl_rctab_config_load(ctx, path, &r->cfg)) != TELLER_OK)
		return rc;
	r->dir = o->output_dir != NULL ? o->output_dir :
	    config_outdir(ctx, r->cfg);
	if (r->dir == NULL)
		return tl_fail(ctx, TELLER_ENOMEM, "out of memory");
	*out = r;
	return TELLER_OK;
}

const char *
teller_rctab_output_dir(const teller_rctab *r)
{
	return r->dir;
}

/* Whether name is the HTML report's path as given (html), or that of a
 * pass of it: html with "_K" before its extension (rctab_tab.c). */
static bool
html_path(const char *html, const char *name)
{
	const char *dot, *slash, *q;
	size_t stem;

	if (html == NULL)
		return false;
	if (name == html)
		return true;
	dot = strrchr(html, '.');
	slash = strrchr(html, '/');
	if (dot == NULL || (slash != NULL && dot < slash))
		dot = html + strlen(html);
	stem = (size_t)(dot - html);
	if (strncmp(name, html, stem) != 0 || name[stem] != '_')
		return false;
	for (q = name + stem + 1; *q >= '0' && *q <= '9'; q++)
		;
	return q > name + stem + 1 && strcmp(q, dot) == 0;
}

/* The tabulator's sink: the caller's, with the folder put in front. */
static int
sink_open(void *ud, const char *name, teller_write_fn *w, void **wud)
{
	teller_rctab *r = ud;
	size_t dn = strlen(r->dir), nn = strlen(name);
	char *p;

	r->name->len = 0;
	if (tl_vec_reserve(r->ctx, r->name, dn + nn + 2) != TELLER_OK)
		return -1;
	p = r->name->data;
	/* the HTML report's path (the very string given) is the caller's */
	if (html_path(r->o->html, name))
		dn = 0;
	if (dn > 0) {
		memcpy(p, r->dir, dn);
		p[dn++] = '/';
	}
	memcpy(p + dn, name, nn + 1);
	return r->o->output.open(r->o->output.ud, p, w, wud);
}

static int
sink_close(void *ud, void *wud)
{
	teller_rctab *r = ud;

	return r->o->output.close(r->o->output.ud, wud);
}

int
teller_rctab_run(teller_ctx *ctx, teller_rctab *r)
{
	const teller_rctab_options *o = r->o;
	struct tl_rctab_opts opts;

	memset(&opts, 0, sizeof opts);
	opts.ties = o->ties;
	opts.nties = o->nties;
	opts.crlf = o->crlf != 0;
	opts.generated_date = o->generated_date;
	opts.html = o->html;
	opts.cvr_csv = o->no_cvr_export == 0;
	opts.convert_cdf = o->convert_to_cdf != 0;
	opts.trace = o->trace;
	opts.lot = o->lot;
	opts.lot_ud = o->lot_ud;
	opts.canon_marked = o->canon_marked;
	opts.canon_marked_ud = o->canon_marked_ud;
	opts.canon_effective = o->canon_effective;
	opts.canon_effective_ud = o->canon_effective_ud;
	opts.canon_ids = o->canon_ids;
	opts.canon_ids_ud = o->canon_ids_ud;
	opts.hart_sig = o->hart_signatures == TELLER_HART_SIG_REQUIRE ?
	    TL_SIG_REQUIRE : o->hart_signatures == TELLER_HART_SIG_OFF ?
	    TL_SIG_OFF : TL_SIG_CHECK;
	opts.hart_modulus = r->modulus;
	opts.hart_exponent = r->exponent;
	opts.sink.open = sink_open;
	opts.sink.close = sink_close;
	opts.sink.ud = r;
	teller_ctx_set_threads(ctx, o->threads);
	return tl_rctab_run(ctx, r->cfg, &opts);
}

int
teller_rctab_ballot_ids(teller_ctx *ctx, teller_rctab *r,
    teller_write_fn write, void *ud)
{
	const teller_rctab_options *o = r->o;
	struct tl_rctab_opts opts;

	memset(&opts, 0, sizeof opts);
	opts.hart_sig = o->hart_signatures == TELLER_HART_SIG_REQUIRE ?
	    TL_SIG_REQUIRE : o->hart_signatures == TELLER_HART_SIG_OFF ?
	    TL_SIG_OFF : TL_SIG_CHECK;
	opts.hart_modulus = r->modulus;
	opts.hart_exponent = r->exponent;
	teller_ctx_set_threads(ctx, o->threads);
	return tl_rctab_ballot_ids(ctx, r->cfg, &opts, write, ud);
}

/* The reading options of r (no output, no observer). */
static void
read_opts(teller_ctx *ctx, const teller_rctab *r, struct tl_rctab_opts *opts)
{
	const teller_rctab_options *o = r->o;

	memset(opts, 0, sizeof *opts);
	opts->hart_sig = o->hart_signatures == TELLER_HART_SIG_REQUIRE ?
	    TL_SIG_REQUIRE : o->hart_signatures == TELLER_HART_SIG_OFF ?
	    TL_SIG_OFF : TL_SIG_CHECK;
	opts->hart_modulus = r->modulus;
	opts->hart_exponent = r->exponent;
	teller_ctx_set_threads(ctx, o->threads);
}

int
teller_rctab_canon(teller_ctx *ctx, teller_rctab *r,
    enum teller_canon_kind kind, teller_write_fn write, void *ud)
{
	struct tl_rctab_opts opts;

	if (kind != TELLER_CANON_CONTEST && kind != TELLER_CANON_MARKED &&
	    kind != TELLER_CANON_EFFECTIVE)
		return tl_fail(ctx, TELLER_EINVAL, "teller_rctab_canon: kind "
		    "%d is not a contest or a profile", (int)kind);
	read_opts(ctx, r, &opts);
	return tl_rctab_canon(ctx, r->cfg, &opts, (int)kind, write, ud);
}

int
teller_rctab_canon_profiles(teller_ctx *ctx, teller_rctab *r,
    teller_write_fn wm, void *um, teller_write_fn we, void *ue)
{
	struct tl_rctab_opts opts;

	read_opts(ctx, r, &opts);
	return tl_rctab_canon_profiles(ctx, r->cfg, &opts, wm, um, we, ue);
}

const char *
teller_rctab_seed(const teller_rctab *r)
{
	char b[24];

	if (!r->cfg->has_seed)
		return NULL;
	snprintf(b, sizeof b, "%lld", (long long)r->cfg->seed);
	return tl_strdup(r->ctx, b);
}

const char *
teller_rctab_date(const teller_rctab *r)
{
	return r->cfg->date;
}

int
teller_rctab_single_irv(const teller_rctab *r)
{
	const struct tl_rctab_cfg *cfg = r->cfg;

	return cfg->mode == TL_WM_SINGLE && cfg->seats == 1 &&
	    cfg->stop_after == 0 && cfg->overvote != TL_OV_MULTI;
}

void
teller_rctab_free(teller_rctab *r)
{
	/* Everything r holds lives in its context's arena; forgetting the
	 * options is all there is to do. */
	if (r != NULL)
		r->o = NULL;
}
