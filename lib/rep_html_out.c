/* SPDX-License-Identifier: MIT */
/*
 * rep_html_out.c -- what every part of the HTML report writes the same
 * way: escaped text, numbers with thousands separators, names in <bdi>,
 * the exact decimal in data-votes, and the word for a stage.
 */
#include <string.h>

#include "rep_html.h"

void
tl_rep_html_out_esc(struct tl_out *o, const char *s)
{
	const char *p = s;

	for (; *s != '\0'; s++) {
		const char *e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
		    : *s == '&' ? "&amp;" : *s == '"' ? "&quot;"
		    : *s == '\'' ? "&#39;" : NULL;
		if (e == NULL)
			continue;
		tl_out_mem(o, p, (size_t)(s - p));
		tl_out_str(o, e);
		p = s + 1;
	}
	tl_out_mem(o, p, (size_t)(s - p));
}

void
tl_rep_html_out_num(struct tl_out *o, tl_fix v, int dp)
{
	char b[TL_NUM_BUFSZ];
	size_t n = tl_num_fmt(b, v, dp), i = 0, k;
	const char *dot = memchr(b, '.', n);
	size_t ilen = dot != NULL ? (size_t)(dot - b) : n;

	if (b[0] == '-') {
		tl_out_mem(o, b, 1);
		i = 1;
	}
	for (k = i; k < ilen; k++) {
		if (k > i && (ilen - k) % 3 == 0)
			tl_out_str(o, ",");
		tl_out_mem(o, b + k, 1);
	}
	tl_out_mem(o, b + ilen, n - ilen);
}

void
tl_rep_html_out_name(struct tl_html *h, int c)
{
	tl_out_str(&h->o, "<bdi>");
	tl_rep_html_out_esc(&h->o, TL_CAND(h->r->contest, c)->name);
	tl_out_str(&h->o, "</bdi>");
}

void
tl_rep_html_out_votes(struct tl_html *h, tl_fix v)
{
	tl_out_str(&h->o, " data-votes=\"");
	tl_out_num(&h->o, v, h->r->dp);
	tl_out_str(&h->o, "\"");
}

const char *
tl_rep_html_out_stage_word(const struct tl_html *h)
{
	return h->us ? "Round" : "Stage";
}
