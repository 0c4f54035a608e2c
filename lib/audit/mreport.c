/* SPDX-License-Identifier: MIT */
/*
 * mreport.c -- writing a margin (audit.md 8.2): one line of text, or the
 * result JSON of the count with a top-level "margin" object.
 */
#include <string.h>

#include "margin.h"

static const char *const kinds[] = { "exact", "upper_bound", "lower_bound",
	"interval" };
static const char *const models[] = { "change", "add", "delete" };

/* 0 exact, 1 upper bound, 2 lower bound, 3 interval (audit.md 1). */
static int
kind(const struct teller_margin *m)
{
	if (m->upper >= 0 && m->lower >= m->upper)
		return 0;
	if (m->upper < 0)
		return 2;
	return m->lower > 0 && !m->bound_only ? 3 : 1;
}

static const char *
cname(const struct teller_margin *m, int id)
{
	return TL_CAND(m->result->contest, id)->name;
}

static void
names(struct tl_out *o, const struct teller_margin *m, const int *ids, int n)
{
	int i;

	if (n < 0) {
		tl_out_str(o, "null");
		return;
	}
	tl_out_str(o, "[");
	for (i = 0; i < n; i++) {
		tl_out_str(o, i ? ", " : "");
		tl_out_json_str(o, cname(m, ids[i]));
	}
	tl_out_str(o, "]");
}

static void
num_or_null(struct tl_out *o, int64_t v)
{
	if (v < 0)
		tl_out_str(o, "null");
	else
		tl_out_fmt(o, "%lld", (long long)v);
}

static void
witness(struct tl_out *o, const struct teller_margin *m)
{
	size_t i;

	if (m->changes == NULL || m->upper < 0) {
		tl_out_str(o, "null");
		return;
	}
	tl_out_str(o, "{\n    \"changes\": [");
	for (i = 0; i < m->changes->len; i++) {
		const struct tl_mchg *c = &TL_VEC_AT(m->changes,
		    struct tl_mchg, i);
		tl_out_fmt(o, "%s{\"papers\": %lld, \"from\": ", i ? ",\n      "
		    : "\n      ", (long long)c->papers);
		names(o, m, c->from, c->nfrom);
		tl_out_str(o, ", \"to\": ");
		names(o, m, c->to, c->nto);
		tl_out_str(o, "}");
	}
	tl_out_str(o, m->changes->len ? "],\n    \"winners\": " :
	    "],\n    \"winners\": ");
	names(o, m, m->after, m->nafter);
	tl_out_fmt(o, ",\n    \"by_lot\": %s}", m->by_lot ? "true" :
	    "false");
}

static void
proof(struct tl_out *o, const struct teller_margin *m)
{
	const struct tl_ab *b = m->ab;
	size_t i;
	int k;

	switch (m->proof) {
	case TL_PROOF_CLOSED:
		tl_out_str(o, "{\"kind\": \"closed-form\"}");
		return;
	case TL_PROOF_BNB:
		tl_out_fmt(o, "{\"kind\": \"branch-and-bound\", \"nodes\": "
		    "%ld, \"lps\": %ld}", m->nodes, m->lps);
		return;
	case TL_PROOF_RAIRE:
		break;
	default:
		tl_out_str(o, "null");
		return;
	}
	tl_out_fmt(o, "{\"kind\": \"raire\", \"min_margin_votes\": %lld, "
	    "\"assertions\": [", (long long)m->min_votes);
	for (i = 0; i < m->raire.n; i++) {
		const struct tl_asrt *a = &m->raire.a[i];
		tl_out_fmt(o, "%s{\"type\": \"%s\", \"winner\": ",
		    i ? ",\n      " : "\n      ", a->kind == TL_NEB ? "NEB" :
		    "NEN");
		tl_out_json_str(o, cname(m, b->cand[a->w]));
		tl_out_str(o, ", \"loser\": ");
		tl_out_json_str(o, cname(m, b->cand[a->l]));
		if (a->kind == TL_NEN) {
			bool first = true;
			tl_out_str(o, ", \"continuing\": [");
			for (k = 0; k < b->nc; k++)
				if (a->s >> k & 1) {
					tl_out_str(o, first ? "" : ", ");
					tl_out_json_str(o, cname(m,
					    b->cand[k]));
					first = false;
				}
			tl_out_str(o, "]");
		}
		tl_out_fmt(o, ", \"margin_votes\": %lld}",
		    (long long)(a->tw - a->tl));
	}
	tl_out_str(o, "]}");
}

static void
margin_json(struct tl_out *o, const struct teller_margin *m)
{
	const struct teller_result *r = m->result;
	int k = kind(m);

	tl_out_fmt(o, "  \"margin\": {\n    \"method\": \"%s\", \"model\": "
	    "\"%s\", \"unit\": \"ballots\",\n    \"kind\": \"%s\", "
	    "\"value\": ", m->method, models[m->model], kinds[k]);
	num_or_null(o, k == 0 ? m->upper : -1);
	tl_out_fmt(o, ", \"lower\": %lld, \"upper\": ", (long long)m->lower);
	num_or_null(o, m->upper);
	tl_out_str(o, ",\n    \"strict\": ");
	num_or_null(o, m->strict);
	tl_out_str(o, ", \"last_round_margin\": ");
	num_or_null(o, m->lrm);
	tl_out_str(o, ", \"reported_winners\": ");
	names(o, m, r->elected->data, (int)r->elected->len);
	tl_out_str(o, ",\n    \"witness\": ");
	witness(o, m);
	tl_out_str(o, ",\n    \"proof\": ");
	proof(o, m);
	tl_out_fmt(o, ",\n    \"search\": {\"nodes\": %ld, \"lps\": %ld, "
	    "\"complete\": %s, \"stopped_by\": ", m->nodes, m->lps,
	    k == 0 ? "true" : "false");
	if (m->stopped_by != NULL)
		tl_out_fmt(o, "\"%s\"}\n  }\n}\n", m->stopped_by);
	else
		tl_out_str(o, "null}\n  }\n}\n");
}

/* A growable buffer, for the result JSON taken apart. */
struct buf {
	teller_ctx *ctx;
	char *p;
	size_t n, cap;
};

static int
buf_write(void *ud, const char *p, size_t n)
{
	struct buf *b = ud;

	if (b->n + n > b->cap) {
		size_t cap = (b->n + n) * 2;
		char *q = tl_realloc(b->ctx, b->p, b->cap, cap);
		if (q == NULL)
			return -1;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	return 0;
}

int
teller_margin_report(teller_ctx *ctx, const teller_result *r,
    const teller_margin *m, int json, teller_write_fn write, void *ud)
{
	struct tl_out o;
	struct buf b = { ctx, NULL, 0, 0 };
	int rc;

	tl_out_init(&o, ctx, write, ud);
	if (!json) {
		int k = kind(m);
		if (k == 0)
			tl_out_fmt(&o, "margin: %lld ballot%s (exact",
			    (long long)m->upper, m->upper == 1 ? "" : "s");
		else if (k == 2)
			tl_out_fmt(&o, "margin: at least %lld ballot%s (%s",
			    (long long)m->lower, m->lower == 1 ? "" : "s",
			    kinds[k]);
		else
			tl_out_fmt(&o, "margin: %lld to %lld ballots (%s",
			    (long long)m->lower, (long long)m->upper,
			    kinds[k]);
		if (m->lrm >= 0)
			tl_out_fmt(&o, "; last-round %lld", (long long)m->lrm);
		if (m->strict >= 0)
			tl_out_fmt(&o, "; strict %lld", (long long)m->strict);
		if (m->stopped_by != NULL)
			tl_out_fmt(&o, "; stopped by %s", m->stopped_by);
		tl_out_str(&o, ")\n");
		return tl_out_flush(&o);
	}
	/* the result JSON without its closing brace, then "margin" */
	if ((rc = tl_rep_json(ctx, r, buf_write, &b)) != TELLER_OK) {
		tl_free(ctx, b.p, b.cap);
		return rc;
	}
	while (b.n > 0 && b.p[b.n - 1] != '}')
		b.n--;
	if (b.n > 0)
		b.n--;
	while (b.n > 0 && (b.p[b.n - 1] == '\n' || b.p[b.n - 1] == ' '))
		b.n--;
	tl_out_mem(&o, b.p, b.n);
	tl_out_str(&o, ",\n");
	tl_free(ctx, b.p, b.cap);
	margin_json(&o, m);
	return tl_out_flush(&o);
}
