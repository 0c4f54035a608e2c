/* SPDX-License-Identifier: MIT */
/*
 * rctab_out.c -- RCTab's detailed report, as JSON (Jackson's default
 * pretty printer, keys sorted, rctab.md 8.1) and as CSV (Apache Commons
 * CSV default format, rctab.md 8.2), for the whole contest or one
 * precinct/batch slice (8.3). Numbers print as BigDecimal.toString().
 */
#include <stdio.h>
#include <string.h>

#include "rctab.h"

#define GENERATED_BY "teller " TELLER_VERSION
#define jstr tl_rctab_jstr
#define indent tl_rctab_jindent
#define field tl_rctab_jfield

static struct tl_dec
tally(const struct tl_rview *v, int round, int slice, int c)
{
	const struct tl_rround *r = &v->rounds[round - 1];

	if (!r->present[c])
		return tl_dec_int(0);
	return r->tally[(size_t)slice * (size_t)v->ncand + (size_t)c];
}

static struct tl_dec
stsum(const struct tl_rview *v, int round, int slice, int st)
{
	return v->rounds[round - 1].st[(size_t)slice * TL_ST_N + (size_t)st];
}

/* a + b and a - b for the writers: the first failure (EOVERFLOW, on
 * ctx) is kept in *err, which the writer returns once it has done, so a
 * sum that does not fit never reaches a report that is kept. */
static struct tl_dec
dadd(teller_ctx *ctx, int *err, struct tl_dec a, struct tl_dec b)
{
	struct tl_dec r = a;
	int rc = tl_dec_add(ctx, a, b, &r);

	if (rc != TELLER_OK && *err == TELLER_OK)
		*err = rc;
	return r;
}

static struct tl_dec
dsub(teller_ctx *ctx, int *err, struct tl_dec a, struct tl_dec b)
{
	struct tl_dec r = a;
	int rc = tl_dec_sub(ctx, a, b, &r);

	if (rc != TELLER_OK && *err == TELLER_OK)
		*err = rc;
	return r;
}

/* Active Ballots: ACTIVE + final-round surplus + locked-in winners. */
static struct tl_dec
active(teller_ctx *ctx, int *err, const struct tl_rview *v, int round,
    int slice)
{
	struct tl_dec a = stsum(v, round, slice, TL_ST_ACTIVE);

	a = dadd(ctx, err, a, stsum(v, round, slice, TL_ST_FRS));
	return dadd(ctx, err, a, v->rounds[round - 1].locked[slice]);
}

/* A writer's end: its first arithmetic error, else the flush's. */
static int
wend(struct tl_out *o, int err)
{
	int rc = tl_out_flush(o);

	return err != TELLER_OK ? err : rc;
}

static void
out_dec(struct tl_out *o, struct tl_dec d)
{
	char buf[TL_DEC_BUFSZ];

	tl_out_mem(o, buf, tl_dec_str(buf, d));
}

/* Sort ids by name (String.compareTo). */
static void
sort_ids(const struct tl_rview *v, int *ids, int n)
{
	int i, j, x;

	for (i = 1; i < n; i++) {
		x = ids[i];
		for (j = i; j > 0 && tl_java_cmp(v->names[ids[j - 1]],
		    v->names[x]) > 0; j--)
			ids[j] = ids[j - 1];
		ids[j] = x;
	}
}

/* Winners by round, within a round by name. */
static int
winners(const struct tl_rview *v, int *ids)
{
	int r, c, n = 0, k;

	for (r = 1; r <= v->nround; r++) {
		k = n;
		for (c = 0; c < v->ncand; c++)
			if (v->won[c] == r)
				ids[n++] = c;
		sort_ids(v, ids + k, n - k);
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

void
tl_rctab_jstr(struct tl_out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t l;

	tl_out_mem(o, "\"", 1);
	for (; *p != '\0'; p++) {
		switch (*p) {
		case '"': tl_out_mem(o, "\\\"", 2); break;
		case '\\': tl_out_mem(o, "\\\\", 2); break;
		case '\n': tl_out_mem(o, "\\n", 2); break;
		case '\r': tl_out_mem(o, "\\r", 2); break;
		case '\t': tl_out_mem(o, "\\t", 2); break;
		case '\b': tl_out_mem(o, "\\b", 2); break;
		case '\f': tl_out_mem(o, "\\f", 2); break;
		default:
			if (*p < 0x20) {
				char u[6] = { '\\', 'u', '0', '0',
				    hex[*p >> 4], hex[*p & 15] };
				tl_out_mem(o, u, 6);
			} else if (*p < 0x80) {
				tl_out_mem(o, (const char *)p, 1);
			} else if ((l = tl_utf8_len(p, strnlen(
			    (const char *)p, 4))) == 0) {
				/* readers refuse bad UTF-8; should one let a
				 * byte through, the JSON stays valid */
				tl_out_mem(o, "\xEF\xBF\xBD", 3);
			} else {
				tl_out_mem(o, (const char *)p, l);
				p += l - 1;
			}
		}
	}
	tl_out_mem(o, "\"", 1);
}

void
tl_rctab_jindent(struct tl_out *o, int level)
{
	int i;

	tl_out_mem(o, "\n", 1);
	for (i = 0; i < level; i++)
		tl_out_mem(o, "  ", 2);
}

/* Start a field at nesting level (first: no comma). */
void
tl_rctab_jfield(struct tl_out *o, int level, bool *first, const char *key)
{
	if (!*first)
		tl_out_mem(o, ",", 1);
	*first = false;
	indent(o, level);
	jstr(o, key);
	tl_out_str(o, " : ");
}

static void
jdec_field(struct tl_out *o, int level, bool *first, const char *key,
    struct tl_dec d)
{
	char buf[TL_DEC_BUFSZ];

	field(o, level, first, key);
	tl_dec_str(buf, d);
	jstr(o, buf);
}

static void
jstr_field(struct tl_out *o, int level, bool *first, const char *key,
    const char *s)
{
	field(o, level, first, key);
	if (s == NULL)
		tl_out_str(o, "null");
	else
		jstr(o, s);
}

/* Transfers of round+1 from candidate c, keys sorted. */
static void
transfers(struct tl_out *o, const struct tl_rview *v, int round, int slice,
    int c, int level)
{
	int keys[16400], n = 0, d, i, j, x;
	const struct tl_dec *val;
	bool first = true;

	if (round < v->nround) {
		for (d = TL_XFER_RESIDUAL; d < v->ncand && n < 16400; d++)
			if (tl_rtab_xfer(v->tab, round + 1, slice, c, d) !=
			    NULL)
				keys[n++] = d;
	}
	/* sort targets by their key string */
	for (i = 1; i < n; i++) {
		x = keys[i];
		for (j = i; j > 0; j--) {
			const char *a = keys[j - 1] >= 0 ?
			    v->names[keys[j - 1]] : keys[j - 1] ==
			    TL_XFER_EXHAUSTED ? "exhausted" :
			    "residual surplus";
			const char *b = x >= 0 ? v->names[x] :
			    x == TL_XFER_EXHAUSTED ? "exhausted" :
			    "residual surplus";
			if (tl_java_cmp(a, b) <= 0)
				break;
			keys[j] = keys[j - 1];
		}
		keys[j] = x;
	}
	if (n == 0) {
		tl_out_str(o, "{ }");
		return;
	}
	tl_out_str(o, "{");
	for (i = 0; i < n; i++) {
		d = keys[i];
		val = tl_rtab_xfer(v->tab, round + 1, slice, c, d);
		jdec_field(o, level + 1, &first, d >= 0 ? v->names[d] :
		    d == TL_XFER_EXHAUSTED ? "exhausted" : "residual surplus",
		    *val);
	}
	indent(o, level);
	tl_out_str(o, "}");
}

/* The "config" object: contest, date, office and so on (with the slice's
 * batch or precinct when it is one). */
static void
json_config(struct tl_out *o, const struct tl_rctab_cfg *cfg,
    const char *slice_kind, const char *slice_id)
{
	bool f2 = true;

	tl_out_str(o, "{");
	if (slice_kind != NULL && strcmp(slice_kind, "batch") == 0)
		jstr_field(o, 2, &f2, "batch", slice_id);
	jstr_field(o, 2, &f2, "contest", cfg->contest);
	jstr_field(o, 2, &f2, "date", cfg->date);
	jstr_field(o, 2, &f2, "generatedBy", GENERATED_BY);
	jstr_field(o, 2, &f2, "jurisdiction", cfg->jurisdiction);
	jstr_field(o, 2, &f2, "office", cfg->office);
	if (slice_kind != NULL && strcmp(slice_kind, "precinct") == 0)
		jstr_field(o, 2, &f2, "precinct", slice_id);
	indent(o, 1);
	tl_out_str(o, "}");
}

/* A round's "inactiveBallots" object. */
static void
json_inactive(struct tl_out *o, const struct tl_rview *v, int r, int slice)
{
	bool f3 = true;

	tl_out_str(o, "{");
	jdec_field(o, 3, &f3, "exhaustedChoices",
	    stsum(v, r, slice, TL_ST_EXHAUSTED));
	if (v->uses_surplus && r == v->nround)
		jdec_field(o, 3, &f3, "finalRoundSurplus",
		    stsum(v, r, slice, TL_ST_FRS));
	jdec_field(o, 3, &f3, "overvotes", stsum(v, r, slice, TL_ST_OVERVOTE));
	jdec_field(o, 3, &f3, "repeatedRankings",
	    stsum(v, r, slice, TL_ST_REPEATED));
	jdec_field(o, 3, &f3, "skippedRankings",
	    stsum(v, r, slice, TL_ST_SKIPPED));
	indent(o, 2);
	tl_out_str(o, "}");
}

/* A round's "tally" object: the candidates still in it, by name. */
static void
json_tally(struct tl_out *o, const struct tl_rview *v, int r, int slice,
    int *ids)
{
	const struct tl_rround *rr = &v->rounds[r - 1];
	bool f3 = true;
	int c, i, n = 0;

	for (c = 0; c < v->ncand; c++)
		if (rr->present[c])
			ids[n++] = c;
	sort_ids(v, ids, n);
	if (n == 0) {
		tl_out_str(o, "{ }");
		return;
	}
	tl_out_str(o, "{");
	for (i = 0; i < n; i++)
		jdec_field(o, 3, &f3, v->names[ids[i]],
		    tally(v, r, slice, ids[i]));
	indent(o, 2);
	tl_out_str(o, "}");
}

/* A round's "tallyResults" array: those elected, then those eliminated,
 * each group by name, each with its transfers. */
static void
json_results(struct tl_out *o, const struct tl_rview *v, int r, int slice,
    int *ids)
{
	int c, i, n = 0, ne;

	for (c = 0; c < v->ncand; c++)
		if (v->won[c] == r)
			ids[n++] = c;
	sort_ids(v, ids, n);
	ne = n;
	for (c = 0; c < v->ncand; c++)
		if (v->elim[c] == r)
			ids[n++] = c;
	sort_ids(v, ids + ne, n - ne);
	if (n == 0)
		tl_out_str(o, "[ ]");
	else
		tl_out_str(o, "[");
	for (i = 0; i < n; i++) {
		bool f3 = true;
		tl_out_str(o, i == 0 ? " {" : ", {");
		jstr_field(o, 3, &f3, i < ne ? "elected" : "eliminated",
		    v->names[ids[i]]);
		field(o, 3, &f3, "transfers");
		transfers(o, v, r, slice, ids[i], 3);
		indent(o, 2);
		tl_out_str(o, "}");
	}
	if (n > 0)
		tl_out_str(o, " ]");
}

/* One element of "results": round r. */
static void
json_round(struct tl_out *o, const struct tl_rview *v, int r, int slice,
    int *ids)
{
	bool f2 = true;

	tl_out_str(o, r == 1 ? " {" : ", {");
	field(o, 2, &f2, "inactiveBallots");
	json_inactive(o, v, r, slice);
	field(o, 2, &f2, "round");
	tl_out_fmt(o, "%d", r);
	field(o, 2, &f2, "tally");
	json_tally(o, v, r, slice, ids);
	field(o, 2, &f2, "tallyResults");
	json_results(o, v, r, slice, ids);
	jdec_field(o, 2, &f2, "threshold", v->rounds[r - 1].threshold);
	indent(o, 1);
	tl_out_str(o, "}");
}

/* The "summary" object. */
static void
json_summary(teller_ctx *ctx, int *err, struct tl_out *o,
    const struct tl_rview *v, int slice)
{
	struct tl_dec total;
	bool f2 = true;
	int i;

	tl_out_str(o, "{");
	jdec_field(o, 2, &f2, "finalThreshold",
	    v->rounds[v->nround - 1].threshold);
	field(o, 2, &f2, "numCandidates");
	tl_out_fmt(o, "%d", v->ncand);
	field(o, 2, &f2, "numWinners");
	tl_out_fmt(o, "%d", v->seats);
	total = stsum(v, 1, slice, TL_ST_ACTIVE);
	for (i = 1; i < TL_ST_N; i++)
		total = dadd(ctx, err, total, stsum(v, 1, slice, i));
	jdec_field(o, 2, &f2, "totalNumBallots", total);
	field(o, 2, &f2, "undervotes");
	out_dec(o, stsum(v, 1, slice, TL_ST_UNDERVOTE));
	indent(o, 1);
	tl_out_str(o, "}");
}

int
tl_rctab_write_json(teller_ctx *ctx, const struct tl_rview *v, int slice,
    const char *slice_kind, const char *slice_id, teller_write_fn w,
    void *ud)
{
	struct tl_out o;
	int r, *ids, err = TELLER_OK;
	bool first;

	ids = tl_alloc(ctx, (size_t)v->ncand + 1, sizeof(int));
	if (ids == NULL)
		return TELLER_ENOMEM;
	tl_out_init(&o, ctx, w, ud);
	tl_out_str(&o, "{");
	first = true;
	field(&o, 1, &first, "config");
	json_config(&o, v->cfg, slice_kind, slice_id);
	jstr_field(&o, 1, &first, "jsonFormatVersion", "1");
	field(&o, 1, &first, "results");
	tl_out_str(&o, "[");
	for (r = 1; r <= v->nround; r++)
		json_round(&o, v, r, slice, ids);
	tl_out_str(&o, " ]");
	field(&o, 1, &first, "summary");
	json_summary(ctx, &err, &o, v, slice);
	indent(&o, 0);
	tl_out_str(&o, "}");
	return wend(&o, err);
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */

struct csv {
	struct tl_out *o;
	bool first;
	bool crlf;
};

void
tl_rctab_csvf(struct tl_out *o, bool *first, const char *s)
{
	size_t n = strlen(s), i;
	bool q = false;

	if (!*first)
		tl_out_mem(o, ",", 1);
	if (n == 0) {
		q = *first;
	} else if ((unsigned char)s[0] <= '#') {
		q = true;
	} else {
		for (i = 0; i < n; i++)
			if (s[i] == ',' || s[i] == '"' || s[i] == '\r' ||
			    s[i] == '\n')
				q = true;
		if ((unsigned char)s[n - 1] <= ' ')
			q = true;
	}
	*first = false;
	if (!q) {
		tl_out_mem(o, s, n);
		return;
	}
	tl_out_mem(o, "\"", 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			tl_out_mem(o, "\"", 1);
		tl_out_mem(o, s + i, 1);
	}
	tl_out_mem(o, "\"", 1);
}

static void
cf(struct csv *c, const char *s)
{
	tl_rctab_csvf(c->o, &c->first, s);
}

static void
cdec(struct csv *c, struct tl_dec d)
{
	char buf[TL_DEC_BUFSZ];

	tl_dec_str(buf, d);
	cf(c, buf);
}

static void
cend(struct csv *c)
{
	tl_out_str(c->o, c->crlf ? "\r\n" : "\n");
	c->first = true;
}

/* A whole record of 1 or 2 fields (s2 may be NULL). */
static void
crow(struct csv *c, const char *s1, const char *s2)
{
	cf(c, s1);
	if (s2 != NULL)
		cf(c, s2);
	cend(c);
}

static void
cnull(struct csv *c)
{
	if (!c->first)
		tl_out_mem(c->o, ",", 1);
	c->first = false;
}

/* Names of candidates decided in round r, "; "-joined, "*" if tied. */
static void
decided(struct csv *c, const struct tl_rview *v, int r, bool elected,
    int *ids, bool *anytie)
{
	char buf[8192];
	size_t len = 0;
	int n = 0, k, x;

	for (k = 0; k < v->ncand; k++)
		if ((elected ? v->won[k] : v->elim[k]) == r)
			ids[n++] = k;
	sort_ids(v, ids, n);
	buf[0] = '\0';
	for (k = 0; k < n; k++) {
		x = ids[k];
		bool tie = elected ? v->won_tie[x] : v->elim_tie[x];
		size_t nl = strlen(v->names[x]);
		if (len + nl + 4 >= sizeof buf)
			break;
		if (k > 0) {
			memcpy(buf + len, "; ", 2);
			len += 2;
		}
		memcpy(buf + len, v->names[x], nl);
		len += nl;
		if (tie) {
			buf[len++] = '*';
			*anytie = true;
		}
		buf[len] = '\0';
	}
	cf(c, buf);
}

/* A label and a field that may be null (an empty cell). */
static void
crow_opt(struct csv *c, const char *label, const char *s)
{
	cf(c, label);
	if (s != NULL)
		cf(c, s);
	else
		cnull(c);
	cend(c);
}

/* The "Contest Information" block, with its blank line after. */
static void
csv_info(struct csv *c, const struct tl_rview *v, const char *slice_kind,
    const char *slice_id, int *ids)
{
	const struct tl_rctab_cfg *cfg = v->cfg;
	char buf[TL_DEC_BUFSZ * 2], wbuf[8192];
	size_t len;
	int n, i;

	crow(c, "Contest Information", NULL);
	crow(c, "Generated By", GENERATED_BY);
	crow(c, "CSV Format Version", "1");
	crow(c, "Type of Election", cfg->mode == TL_WM_SINGLE ?
	    "Single-Winner" : "Multi-Winner");
	crow(c, "Contest", cfg->contest);
	crow_opt(c, "Jurisdiction", cfg->jurisdiction);
	crow_opt(c, "Office", cfg->office);
	crow_opt(c, "Date", cfg->date);
	n = winners(v, ids);
	len = 0;
	wbuf[0] = '\0';
	for (i = 0; i < n; i++) {
		size_t nl = strlen(v->names[ids[i]]);
		if (len + nl + 3 >= sizeof wbuf)
			break;
		if (i > 0) {
			memcpy(wbuf + len, ", ", 2);
			len += 2;
		}
		memcpy(wbuf + len, v->names[ids[i]], nl + 1);
		len += nl;
	}
	crow(c, "Winner(s)", wbuf);
	if (slice_kind == NULL) {
		tl_dec_str(buf, v->rounds[v->nround - 1].threshold);
		crow(c, "Final Threshold", buf);
	} else {
		crow(c, strcmp(slice_kind, "precinct") == 0 ? "Precinct" :
		    "Batch", slice_id);
	}
	cend(c);
}

/* The "Contest Summary" block, with its blank line after. */
static void
csv_summary(teller_ctx *ctx, int *err, struct csv *c,
    const struct tl_rview *v, int slice)
{
	const struct tl_rctab_cfg *cfg = v->cfg;
	char buf[TL_DEC_BUFSZ * 2];
	struct tl_dec total;
	int i, k;

	crow(c, "Contest Summary", NULL);
	cf(c, "Number to be Elected");
	if (cfg->mode == TL_WM_BOTTOMS_PCT) {
		char pbuf[512];
		snprintf(pbuf, sizeof pbuf, "All candidates over the %s%% "
		    "threshold", cfg->pct_text);
		cf(c, pbuf);
	} else {
		snprintf(buf, sizeof buf, "%d", v->seats);
		cf(c, buf);
	}
	cend(c);
	for (k = 0, i = 0; i < v->ncand; i++)
		k += !v->excluded[i];
	snprintf(buf, sizeof buf, "%d", k);
	crow(c, "Number of Candidates", buf);
	total = stsum(v, 1, slice, TL_ST_ACTIVE);
	for (i = 1; i < TL_ST_N; i++)
		total = dadd(ctx, err, total, stsum(v, 1, slice, i));
	tl_dec_str(buf, total);
	crow(c, "Total Number of Ballots", buf);
	tl_dec_str(buf, stsum(v, 1, slice, TL_ST_UNDERVOTE));
	crow(c, "Number of Undervotes (No Rankings)", buf);
	cend(c);
}

/* The "Rounds" header and the Eliminated / Elected rows. */
static void
csv_decisions(struct csv *c, const struct tl_rview *v,
    const char *slice_kind, int *ids, bool *anytie)
{
	char buf[TL_DEC_BUFSZ * 2];
	int r, k;

	cf(c, "Rounds");
	for (r = 1; r <= v->nround; r++) {
		snprintf(buf, sizeof buf, "Round %d Votes", r);
		cf(c, buf);
		cf(c, "% of vote");
		cf(c, "transfer");
	}
	cend(c);
	for (k = 0; k < 2; k++) {
		if (slice_kind == NULL)
			cf(c, k == 0 ? "Eliminated" : "Elected");
		else
			cf(c, k == 0 ? "Eliminated\xe2\x80\xa0" :
			    "Elected\xe2\x80\xa0");
		for (r = 1; r <= v->nround; r++) {
			decided(c, v, r, k == 1, ids, anytie);
			cnull(c);
			cnull(c);
		}
		cend(c);
	}
}

/* One candidate's "% of vote" cell in round r (rctab.md 8.2): its votes
 * t over the active ballots of the round the mode divides by. */
static void
csv_pct(teller_ctx *ctx, int *err, struct csv *c, const struct tl_rview *v,
    int slice, int cand, int r, struct tl_dec t)
{
	const struct tl_rctab_cfg *cfg = v->cfg;
	char buf[TL_DEC_BUFSZ * 2];
	struct tl_dec div;
	size_t len;
	int dr;

	if (cfg->mode == TL_WM_SINGLE || cfg->mode == TL_WM_BOTTOMS_PCT)
		dr = cfg->first_round ? 1 : r;
	else
		dr = 1;
	div = active(ctx, err, v, dr, slice);
	if (tl_dec_sign(div) == 0) {
		cnull(c);
		return;
	}
	len = tl_dec_pct(buf, t, div);
	if (len == 0 && *err == TELLER_OK)
		*err = tl_fail(ctx, TELLER_EOVERFLOW, "%% of vote: %s's votes "
		    "or the active ballots do not fit", v->names[cand]);
	buf[len++] = '%';
	buf[len] = '\0';
	cf(c, buf);
}

/* One row a candidate: votes, % of vote and transfer, round by round. */
static void
csv_candidates(teller_ctx *ctx, int *err, struct csv *c,
    const struct tl_rview *v, int slice)
{
	struct tl_dec t1, t2;
	int i, r, cand;

	for (i = 0; i < v->nrow; i++) {
		cand = v->roworder[i];
		cf(c, v->names[cand]);
		for (r = 1; r <= v->nround; r++) {
			t1 = tally(v, r, slice, cand);
			cdec(c, t1);
			csv_pct(ctx, err, c, v, slice, cand, r, t1);
			if (r == v->nround) {
				cf(c, "0");
			} else {
				t2 = tally(v, r + 1, slice, cand);
				cdec(c, dsub(ctx, err, t2, t1));
			}
		}
		cend(c);
	}
}

/* The "Active Ballots" row and, for the whole contest, the thresholds. */
static void
csv_active(teller_ctx *ctx, int *err, struct csv *c,
    const struct tl_rview *v, int slice, const char *slice_kind)
{
	int r;

	cf(c, "Active Ballots");
	for (r = 1; r <= v->nround; r++) {
		cdec(c, active(ctx, err, v, r, slice));
		cnull(c);
		cnull(c);
	}
	cend(c);
	if (slice_kind != NULL)
		return;
	cf(c, "Current Round Threshold");
	for (r = 1; r <= v->nround; r++) {
		cdec(c, v->rounds[r - 1].threshold);
		cnull(c);
		cnull(c);
	}
	cend(c);
}

static const int inact[4] = { TL_ST_OVERVOTE, TL_ST_SKIPPED,
    TL_ST_EXHAUSTED, TL_ST_REPEATED };

/* Inactive ballots of kind k (0..3: inact[k]; 4: all four) in round r. */
static struct tl_dec
inact_sum(teller_ctx *ctx, int *err, const struct tl_rview *v, int r,
    int slice, int k)
{
	struct tl_dec d;
	int st;

	if (k < 4)
		return stsum(v, r, slice, inact[k]);
	d = tl_dec_int(0);
	for (st = 0; st < 4; st++)
		d = dadd(ctx, err, d, stsum(v, r, slice, inact[st]));
	return d;
}

/* The four "Inactive Ballots by ..." rows and their total. */
static void
csv_inactive(teller_ctx *ctx, int *err, struct csv *c,
    const struct tl_rview *v, int slice)
{
	static const char *const inact_name[4] = {
	    "Inactive Ballots by Overvotes",
	    "Inactive Ballots by Skipped Rankings",
	    "Inactive Ballots by Exhausted Choices",
	    "Inactive Ballots by Repeated Rankings" };
	struct tl_dec t1, t2;
	int k, r;

	for (k = 0; k <= 4; k++) {
		cf(c, k < 4 ? inact_name[k] : "Inactive Ballots Total");
		for (r = 1; r <= v->nround; r++) {
			t1 = inact_sum(ctx, err, v, r, slice, k);
			cdec(c, t1);
			cnull(c);
			if (r == v->nround) {
				cf(c, "0");
			} else {
				t2 = inact_sum(ctx, err, v, r + 1, slice, k);
				cdec(c, dsub(ctx, err, t2, t1));
			}
		}
		cend(c);
	}
}

/* The "Residual surplus" (whole contest, when there is one) and "Final
 * Round Surplus" (when the rules use it) rows. */
static void
csv_surplus(struct csv *c, const struct tl_rview *v, int slice,
    const char *slice_kind)
{
	struct tl_dec d;
	int r;

	if (slice_kind == NULL &&
	    tl_dec_sign(v->rounds[v->nround - 1].residual) > 0) {
		cf(c, "Residual surplus");
		for (r = 1; r <= v->nround; r++) {
			cdec(c, v->rounds[r - 1].residual);
			cnull(c);
			cnull(c);
		}
		cend(c);
	}
	if (!v->uses_surplus)
		return;
	cf(c, "Final Round Surplus");
	for (r = 1; r <= v->nround; r++) {
		d = stsum(v, r, slice, TL_ST_FRS);
		/* empty when it equals BigDecimal.ZERO (scale 0) */
		if (tl_dec_sign(d) != 0 || tl_dec_scale(d) != 0)
			cdec(c, d);
		else
			cnull(c);
		cnull(c);
		cnull(c);
	}
	cend(c);
}

int
tl_rctab_write_csv(teller_ctx *ctx, const struct tl_rview *v, int slice,
    const char *slice_kind, const char *slice_id, bool crlf,
    teller_write_fn w, void *ud)
{
	struct tl_out o;
	struct csv c = { &o, true, crlf };
	int *ids;
	bool anytie = false;
	int err = TELLER_OK;

	ids = tl_alloc(ctx, (size_t)v->ncand + 1, sizeof(int));
	if (ids == NULL)
		return TELLER_ENOMEM;
	tl_out_init(&o, ctx, w, ud);
	csv_info(&c, v, slice_kind, slice_id, ids);
	csv_summary(ctx, &err, &c, v, slice);
	csv_decisions(&c, v, slice_kind, ids, &anytie);
	csv_candidates(ctx, &err, &c, v, slice);
	csv_active(ctx, &err, &c, v, slice, slice_kind);
	csv_inactive(ctx, &err, &c, v, slice);
	csv_surplus(&c, v, slice, slice_kind);
	if (slice_kind != NULL) {
		cend(&c);
		char nb[160];
		snprintf(nb, sizeof nb, "\xe2\x80\xa0" "Elect/Eliminate "
		    "decisions are from the full contest. All other results "
		    "on this report are at the %s level.", slice_kind);
		crow(&c, nb, NULL);
	}
	if (anytie) {
		cend(&c);
		crow(&c, "*Tie resolved in accordance with election law",
		    NULL);
	}
	return wend(&o, err);
}
