/* SPDX-License-Identifier: MIT */
/*
 * rep_compare.c -- `teller compare` (methods.md 8): the same ballots
 * counted by many methods, side by side. Text: title, ballots,
 * candidates, the pairwise matrix with the Smith set, one line per
 * method (elected, stages, whether a lot was drawn, stopped), then each
 * candidate with the methods that elect it. JSON: the keys of 8, each
 * results[i] the full result JSON of that count.
 */
#include <stdio.h>
#include <string.h>

#include "tl_int.h"

struct cmp {
	teller_ctx *ctx;
	const struct teller_result *pw;
	int seats;
	const char *const *methods;
	const teller_result *const *res;
	const char *const *errors;
	int n;
};

static bool
lot_drawn(const struct teller_result *r)
{
	size_t i;

	for (i = 0; i < r->ties->len; i++) {
		enum tl_tie_how h = TL_VEC_AT(r->ties, struct tl_tie, i).how;
		if (h == TL_TIE_LOT || h == TL_TIE_HAND)
			return true;
	}
	return false;
}

static bool
elects(const struct teller_result *r, int cand)
{
	size_t i;

	for (i = 0; r != NULL && i < r->elected->len; i++)
		if (TL_VEC_AT(r->elected, int, i) == cand)
			return true;
	return false;
}

static int
condorcet_winner(const struct teller_result *pw)
{
	int x, y, n = pw->ncand, win = -1;

	for (x = 0; x < n && win < 0; x++) {
		bool all = !TL_CAND(pw->contest, x)->withdrawn;
		for (y = 0; y < n && all; y++)
			if (y != x && !TL_CAND(pw->contest, y)->withdrawn)
				all = pw->pairwise[(size_t)x * (size_t)n +
				    (size_t)y] > pw->pairwise[(size_t)y *
				    (size_t)n + (size_t)x];
		if (all)
			win = x;
	}
	return win;
}

static void
text(struct tl_out *o, const struct cmp *c)
{
	const struct teller_result *pw = c->pw;
	int i, k, nm = 6;
	char b[TL_NUM_BUFSZ];

	tl_out_str(o, "COMPARISON OF METHODS\n");
	if (pw->contest->title[0] != '\0')
		tl_out_fmt(o, "%s\n", pw->contest->title);
	tl_num_fmt(b, pw->papers, pw->dp);
	tl_out_fmt(o, "Ballot papers: %s\n", b);
	tl_num_fmt(b, pw->valid, pw->dp);
	tl_out_fmt(o, "Valid (ranking a candidate): %s\nCandidates: ", b);
	for (i = 0; i < pw->ncand; i++)
		tl_out_fmt(o, "%s%s", i > 0 ? "; " : "",
		    TL_CAND(pw->contest, i)->name);
	tl_out_str(o, "\n");
	tl_rep_text_pairwise(o, pw);
	i = condorcet_winner(pw);
	tl_out_fmt(o, "Condorcet winner: %s\n\n", i >= 0 ?
	    TL_CAND(pw->contest, i)->name : "none");
	for (i = 0; i < c->n; i++)
		if ((int)strlen(c->methods[i]) > nm)
			nm = (int)strlen(c->methods[i]);
	tl_out_pad(o, "Method", nm, false);
	tl_out_str(o, "  Stages  Lot  Elected\n");
	for (i = 0; i < c->n; i++) {
		const struct teller_result *r = c->res[i];
		size_t e;
		tl_out_pad(o, c->methods[i], nm, false);
		if (r == NULL) {
			tl_out_fmt(o, "  error: %s\n", c->errors[i] != NULL ?
			    c->errors[i] : "not counted");
			continue;
		}
		tl_out_fmt(o, "  %6zu  %-3s  ", r->stages->len,
		    lot_drawn(r) ? "yes" : "no");
		for (e = 0; e < r->elected->len; e++)
			tl_out_fmt(o, "%s%s", e > 0 ? "; " : "",
			    TL_CAND(r->contest, TL_VEC_AT(r->elected, int,
			    e))->name);
		if (r->elected->len == 0)
			tl_out_str(o, "(none)");
		if (r->stopped != NULL)
			tl_out_fmt(o, "  [stopped: %s]", r->stopped);
		tl_out_str(o, "\n");
	}
	tl_out_str(o, "\nElected by:\n");
	for (k = 0; k < pw->ncand; k++) {
		int m = 0;
		tl_out_fmt(o, "  %s: ", TL_CAND(pw->contest, k)->name);
		for (i = 0; i < c->n; i++)
			if (elects(c->res[i], k))
				tl_out_fmt(o, "%s%s", m++ > 0 ? ", " : "",
				    c->methods[i]);
		tl_out_str(o, m == 0 ? "(none)\n" : "\n");
	}
}

static void
json_head(struct tl_out *o, const struct cmp *c)
{
	const struct teller_result *pw = c->pw;
	size_t i;
	int k;

	tl_out_str(o, "{\n  \"generated_by\": \"teller " TELLER_VERSION
	    "\",\n  \"title\": ");
	tl_out_json_str(o, pw->contest->title);
	tl_out_fmt(o, ",\n  \"seats\": %d,\n  \"seed\": ", c->seats);
	tl_out_json_str(o, pw->seed != NULL ? pw->seed : "1");
	tl_out_str(o, ",\n  \"candidates\": [");
	for (k = 0; k < pw->ncand; k++) {
		tl_out_str(o, k > 0 ? ",\n    {\"name\": " :
		    "\n    {\"name\": ");
		tl_out_json_str(o, TL_CAND(pw->contest, k)->name);
		tl_out_str(o, ", \"party\": ");
		tl_out_json_str(o, TL_CAND(pw->contest, k)->party);
		tl_out_str(o, "}");
	}
	tl_out_str(o, "\n  ],\n  \"inputs\": [");
	for (i = 0; i < pw->inputs->len; i++) {
		const struct tl_input *in =
		    &TL_VEC_AT(pw->inputs, struct tl_input, i);
		tl_out_str(o, i > 0 ? ", {\"path\": " : "{\"path\": ");
		tl_out_json_str(o, in->path);
		tl_out_str(o, ", \"sha256\": ");
		tl_out_json_str(o, in->sha256);
		tl_out_str(o, "}");
	}
	tl_out_str(o, "],\n  \"valid\": \"");
	tl_out_num(o, pw->valid, pw->dp);
	tl_out_str(o, "\",\n");
	tl_rep_json_matrix(o, pw, "pairwise", pw->pairwise);
	tl_rep_json_set(o, pw, "smith", pw->smith);
	tl_rep_json_set(o, pw, "schwartz", pw->schwartz);
	k = condorcet_winner(pw);
	tl_out_str(o, "  \"condorcet_winner\": ");
	if (k >= 0)
		tl_out_json_str(o, TL_CAND(pw->contest, k)->name);
	else
		tl_out_str(o, "null");
	tl_out_str(o, ",\n  \"results\": [\n");
}

static void
json_tail(struct tl_out *o, const struct cmp *c)
{
	int i, k, m;

	tl_out_str(o, "\n  ],\n  \"winners\": {");
	for (k = 0; k < c->pw->ncand; k++) {
		tl_out_str(o, k > 0 ? ",\n    " : "\n    ");
		tl_out_json_str(o, TL_CAND(c->pw->contest, k)->name);
		tl_out_str(o, ": [");
		for (i = m = 0; i < c->n; i++)
			if (elects(c->res[i], k)) {
				tl_out_str(o, m++ > 0 ? ", " : "");
				tl_out_json_str(o, c->methods[i]);
			}
		tl_out_str(o, "]");
	}
	tl_out_str(o, "\n  }\n}\n");
}

static int
json(struct tl_out *o, const struct cmp *c, teller_write_fn w, void *ud)
{
	int i, rc;

	json_head(o, c);
	for (i = 0; i < c->n; i++) {
		if (i > 0)
			tl_out_str(o, ",\n");
		if (c->res[i] == NULL) {
			tl_out_str(o, "{\"method\": ");
			tl_out_json_str(o, c->methods[i]);
			tl_out_str(o, ", \"error\": ");
			tl_out_json_str(o, c->errors[i] != NULL ?
			    c->errors[i] : "not counted");
			tl_out_str(o, "}");
			continue;
		}
		/* the result exactly as teller count --json writes it */
		if ((rc = tl_out_flush(o)) != TELLER_OK ||
		    (rc = tl_rep_json(c->ctx, c->res[i], w, ud)) != TELLER_OK)
			return rc;
	}
	json_tail(o, c);
	return TELLER_OK;
}

int
teller_compare_report(teller_ctx *ctx, const teller_result *pw, int seats,
    const char *const *methods, const teller_result *const *res,
    const char *const *errors, int n, int as_json, teller_write_fn w,
    void *ud)
{
	struct tl_out o;
	struct cmp c;
	int rc;

	if (pw == NULL || pw->pairwise == NULL || pw->smith == NULL ||
	    pw->schwartz == NULL || n < 0)
		return tl_fail(ctx, TELLER_EINVAL, "compare: no pairwise "
		    "count");
	c.ctx = ctx;
	c.pw = pw;
	c.seats = seats;
	c.methods = methods;
	c.res = res;
	c.errors = errors;
	c.n = n;
	tl_out_init(&o, ctx, w, ud);
	if (!as_json)
		text(&o, &c);
	else if ((rc = json(&o, &c, w, ud)) != TELLER_OK)
		return rc;
	return tl_out_flush(&o);
}
