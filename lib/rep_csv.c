/* SPDX-License-Identifier: MIT */
/*
 * rep_csv.c -- the stages as CSV (RFC 4180): one row per stage and
 * candidate, plus non-transferable and loss-by-fractions rows, so a
 * spreadsheet can pivot it. Numbers are exact decimal strings; text
 * that a spreadsheet would run as a formula is neutralised.
 */
#include <string.h>

#include "tl_int.h"

/*
 * A text cell. One that a spreadsheet would take for a formula (it
 * begins with '=', '+', '-', '@', TAB or CR: OWASP's CSV-injection rule)
 * gets a leading '\''; then it is quoted if it holds ',', '"', CR or LF.
 * Numbers do not come here (a negative change stays a number).
 */
static void
field(struct tl_out *o, const char *s)
{
	bool formula = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';

	if (strpbrk(s, ",\"\r\n") == NULL) {
		if (formula)
			tl_out_str(o, "'");
		tl_out_str(o, s);
		return;
	}
	tl_out_str(o, formula ? "\"'" : "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"')
			tl_out_str(o, "\"");
		tl_out_mem(o, s, 1);
	}
	tl_out_str(o, "\"");
}

static const char *
status(const struct tl_stage *s, int id)
{
	int k;

	for (k = 0; k < s->nelected; k++)
		if (s->elected[k] == id)
			return "elected";
	for (k = 0; k < s->nexcluded; k++)
		if (s->excluded[k] == id)
			return "excluded";
	return "";
}

int
tl_rep_csv(teller_ctx *ctx, const struct teller_result *r,
    teller_write_fn w, void *ud)
{
	static const char *const kinds[] = { "first_preferences", "surplus",
		"exclusion", "second_preferences", "iteration", "final",
		"scores", "pairwise", "round", "transfer", "runoff", "votes" };
	_Static_assert(TL_NELEM(kinds) == TL_STAGE_KIND_COUNT,
	    "kinds: one name a kind");
	struct tl_out o;
	size_t s;
	int i;

	tl_out_init(&o, ctx, w, ud);
	tl_out_str(&o, "stage,kind,subject,candidate,votes,change,event\r\n");
	for (s = 0; s < r->stages->len; s++) {
		const struct tl_stage *st = TL_STAGE(r, s);
		const struct tl_stage *pv = s > 0 ? TL_STAGE(r, s - 1) : NULL;
		const char *subj = st->subject >= 0
		    ? TL_CAND(r->contest, st->subject)->name : "";
		for (i = 0; i <= r->ncand + 1; i++) {
			tl_fix v, before;
			const char *name;
			if (i < r->ncand) {
				v = st->votes[i];
				before = pv ? pv->votes[i] : 0;
				name = TL_CAND(r->contest, i)->name;
			} else if (i == r->ncand) {
				v = st->nontrans;
				before = pv ? pv->nontrans : 0;
				name = "(non-transferable)";
			} else {
				v = st->loss;
				before = pv ? pv->loss : 0;
				name = "(loss by fractions)";
			}
			tl_out_fmt(&o, "%d,%s,", st->number, kinds[st->kind]);
			field(&o, subj);
			tl_out_str(&o, ",");
			field(&o, name);
			tl_out_str(&o, ",");
			tl_out_num(&o, v, r->dp);
			tl_out_str(&o, ",");
			tl_out_num(&o, v - before, r->dp);
			tl_out_str(&o, ",");
			tl_out_str(&o, i < r->ncand ? status(st, i) : "");
			tl_out_str(&o, "\r\n");
		}
	}
	return tl_out_flush(&o);
}
