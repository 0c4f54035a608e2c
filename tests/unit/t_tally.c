/* SPDX-License-Identifier: MIT */
/*
 * t_tally.c -- the tally-level entry point (teller_tally_*, desk.md 7):
 * ballots are counted by profile (teller_count), the tallies a manual
 * count would produce are derived from the same ballots here, counted by
 * tally, and the text and JSON reports compared byte for byte (fptp,
 * block and sv, with lots and an SV second stage, and Tower Hamlets
 * 2014); then the stops (a lot needed, the SV second stage needed) and
 * the figures a tally refuses.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "teller.h"
#include "oom.h"

#define MAXC 16

/* A ballot row: weight and two columns; a cell holds "" (no mark), a
 * name, or names joined by '|' (several marks in that column). */
struct row {
	long long w;
	const char *c1;
	const char *c2;
};

/* An election: method, seats, candidates, rows, lots ("STAGE:A<B"). */
struct elec {
	const char *method;
	int seats;
	const char *title;
	const char *cand[MAXC];
	const char *party[MAXC];
	const struct row *rows;
	const char *lots[4];
	const char *raw; /* the CSV file itself, if read from one */
};

/* A growable buffer the writers append to. */
struct buf {
	char *p;
	size_t n, cap;
};

static int
bput(void *ud, const char *p, size_t n)
{
	struct buf *b = ud;

	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *q = realloc(b->p, cap);
		if (q == NULL)
			return 1;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

static int
ncand(const struct elec *e)
{
	int n = 0;

	while (n < MAXC && e->cand[n] != NULL)
		n++;
	return n;
}

static int
nlots(const struct elec *e)
{
	int n = 0;

	while (n < 4 && e->lots[n] != NULL)
		n++;
	return n;
}

/* The election as a teller CSV file. */
static void
to_csv(const struct elec *e, struct buf *b)
{
	const struct row *r;
	char line[512];
	int i;

	snprintf(line, sizeof(line), "# title: %s\n# seats: %d\n", e->title,
	    e->seats);
	bput(b, line, strlen(line));
	for (i = 0; i < ncand(e); i++) {
		snprintf(line, sizeof(line), "# candidate: %s | %s\n",
		    e->cand[i], e->party[i] ? e->party[i] : "");
		bput(b, line, strlen(line));
	}
	bput(b, "weight,rank1,rank2\n", 19);
	for (r = e->rows; r->w > 0; r++) {
		snprintf(line, sizeof(line), "%lld,%s,%s\n", r->w, r->c1,
		    r->c2);
		bput(b, line, strlen(line));
	}
}

/* The marks of a cell: their candidate numbers into ids; returns how
 * many (-1 for an unknown name). */
static int
marks(const struct elec *e, const char *cell, int *ids)
{
	int n = 0, i;

	while (*cell != '\0') {
		const char *end = strchr(cell, '|');
		size_t len = end ? (size_t)(end - cell) : strlen(cell);

		for (i = 0; i < ncand(e); i++)
			if (strlen(e->cand[i]) == len &&
			    strncmp(e->cand[i], cell, len) == 0)
				break;
		if (i == ncand(e))
			return -1;
		ids[n++] = i;
		cell += len + (end != NULL);
	}
	return n;
}

/* The figures a manual count of e would produce, as a manual count sorts
 * the papers (the simple marks these rows hold). */
struct figs {
	long long votes[MAXC];
	long long valid, too_many, unmarked, uncertain, part;
	long long xfer[MAXC][MAXC];
	long long nt[MAXC][6];
	long long col2[7];
};

static void
derive_plurality(const struct elec *e, struct figs *f)
{
	const struct row *r;
	int ids[2 * MAXC], n1, n2, i, j;

	for (r = e->rows; r->w > 0; r++) {
		int all[2 * MAXC], k = 0;

		n1 = marks(e, r->c1, ids);
		n2 = marks(e, r->c2, ids + n1);
		for (i = 0; i < n1 + n2; i++) {
			for (j = 0; j < k && all[j] != ids[i]; j++)
				;
			if (j == k)
				all[k++] = ids[i];
		}
		if (k == 0)
			f->unmarked += r->w;
		else if (k > e->seats)
			f->too_many += r->w;
		else {
			f->valid += r->w;
			for (i = 0; i < k; i++)
				f->votes[all[i]] += r->w;
		}
	}
}

static void
derive_sv(const struct elec *e, const int *remain, struct figs *f)
{
	const struct row *r;
	int a[MAXC], b[MAXC], n1, n2, first;

	for (r = e->rows; r->w > 0; r++) {
		n1 = marks(e, r->c1, a);
		n2 = marks(e, r->c2, b);
		if (n1 == 0) {
			if (n2 == 0)
				f->unmarked += r->w;
			else
				f->uncertain += r->w;
			continue;
		}
		if (n1 > 1) {
			f->too_many += r->w;
			continue;
		}
		first = a[0];
		f->votes[first] += r->w;
		f->valid += r->w;
		f->col2[n2 == 0 ? TELLER_NT_NO_SECOND_PREFERENCE : n2 > 1 ?
		    TELLER_NT_REJECTED_SECOND_TOO_MANY : b[0] == first ?
		    TELLER_NT_SECOND_SAME_AS_FIRST : TELLER_NT_SECOND_GOOD] +=
		    r->w;
		if (remain == NULL || remain[first])
			continue;
		if (n2 == 0)
			f->nt[first][TELLER_NT_NO_SECOND_PREFERENCE] += r->w;
		else if (n2 > 1)
			f->nt[first][TELLER_NT_REJECTED_SECOND_TOO_MANY] +=
			    r->w;
		else if (b[0] == first)
			f->nt[first][TELLER_NT_SECOND_SAME_AS_FIRST] += r->w;
		else if (!remain[b[0]])
			f->nt[first][TELLER_NT_SECOND_FOR_ELIMINATED] += r->w;
		else
			f->xfer[first][b[0]] += r->w;
	}
}

/* Count e by profile; *text and *json get the reports. Returns the
 * count's code. */
static int
by_profile(const struct elec *e, int no_seed, struct buf *text,
    struct buf *json, int *remain)
{
	struct buf csv = { 0 };
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	teller_result *r;
	teller_rules rules;
	int rc, i;

	if (e->raw != NULL)
		bput(&csv, e->raw, strlen(e->raw));
	else
		to_csv(e, &csv);
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	rc = teller_read(ctx, TELLER_FMT_CSV, "t.csv", csv.p, csv.n, &c, &p);
	CHECK_INT(rc, TELLER_OK);
	teller_rules_init(&rules, e->method);
	rules.seats = e->seats;
	rules.lots = e->lots;
	rules.nlots = nlots(e);
	rules.no_seed = no_seed;
	if (rc == TELLER_OK)
		rc = teller_count(ctx, c, p, &rules, &r);
	if (rc == TELLER_OK) {
		CHECK_INT(teller_report(ctx, r, TELLER_REP_TEXT, bput, text),
		    TELLER_OK);
		CHECK_INT(teller_report(ctx, r, TELLER_REP_JSON, bput, json),
		    TELLER_OK);
		CHECK_INT(teller_result_status(r), TELLER_STATUS_FINAL);
		for (i = 0; remain != NULL && i < ncand(e); i++)
			remain[i] = teller_result_remaining(r, (size_t)i);
	}
	teller_ctx_free(ctx);
	free(csv.p);
	return rc;
}

/* A lot "STAGE:A<B<C" as teller_tally_add_lot takes it. */
static void
add_lot(teller_tally *t, const struct elec *e, const char *spec)
{
	size_t tied[MAXC], n = 0;
	const char *s = strchr(spec, ':') + 1;
	char name[128];

	while (*s != '\0') {
		const char *end = strchr(s, '<');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		int id;

		memcpy(name, s, len);
		name[len] = '\0';
		for (id = 0; id < ncand(e) && strcmp(e->cand[id], name); id++)
			;
		tied[n++] = (size_t)id;
		s += len + (end != NULL);
	}
	CHECK_INT(teller_tally_add_lot(t, tied, n, tied[n - 1]), TELLER_OK);
}

/* Build the tally of e from figures f (col2: give the second column). */
static teller_tally *
tally_of(teller_ctx *ctx, const struct elec *e, const struct figs *f,
    int stage2, int col2)
{
	const char *regime = strcmp(e->method, "sv") == 0 ? "mer2007-sv"
	    : "lepar2006";
	teller_tally *t;
	int i, j;

	t = teller_tally_new(ctx, e->method, e->seats, (size_t)ncand(e));
	CHECK(t != NULL, "%s", teller_errmsg(ctx));
	if (t == NULL)
		return NULL;
	CHECK_INT(teller_tally_set_title(t, e->title), TELLER_OK);
	for (i = 0; i < ncand(e); i++) {
		CHECK_INT(teller_tally_set_candidate(t, (size_t)i, e->cand[i],
		    e->party[i]), TELLER_OK);
		CHECK_INT(teller_tally_set_votes(t, (size_t)i, f->votes[i]),
		    TELLER_OK);
	}
	CHECK_INT(teller_tally_set_valid_papers(t, f->valid), TELLER_OK);
	CHECK_INT(teller_tally_set_rejected(t, regime, "too_many",
	    f->too_many), TELLER_OK);
	CHECK_INT(teller_tally_set_rejected(t, regime, "unmarked",
	    f->unmarked), TELLER_OK);
	CHECK_INT(teller_tally_set_rejected(t, regime, "uncertain",
	    f->uncertain), TELLER_OK);
	if (strcmp(e->method, "block") == 0)
		CHECK_INT(teller_tally_set_rejected(t, regime,
		    "rejected_in_part", f->part), TELLER_OK);
	for (i = 0; stage2 && i < ncand(e); i++) {
		for (j = 0; j < ncand(e); j++)
			if (f->xfer[i][j] > 0)
				CHECK_INT(teller_tally_set_transfer(t,
				    (size_t)i, (size_t)j, f->xfer[i][j]),
				    TELLER_OK);
		for (j = 1; j <= 5; j++)
			if (f->nt[i][j] > 0)
				CHECK_INT(teller_tally_set_nontransferable(t,
				    (size_t)i, j, f->nt[i][j]), TELLER_OK);
	}
	for (i = 1; col2 && i <= 6; i++)
		if (i != TELLER_NT_SECOND_FOR_ELIMINATED)
			CHECK_INT(teller_tally_set_second_column(t, i,
			    f->col2[i]), TELLER_OK);
	for (i = 0; i < nlots(e); i++)
		add_lot(t, e, e->lots[i]);
	return t;
}

/* Remove the JSON's "crosstab" member (two-space indent, one a line). */
static void
cut_crosstab(char *j)
{
	char *a = j != NULL ? strstr(j, "\n  \"crosstab\": {") : NULL;
	char *b = a != NULL ? strstr(a, "\n  },") : NULL;

	if (a != NULL && b != NULL)
		memmove(a, b + 5, strlen(b + 5) + 1);
}

/* Count e by profile and by tally; the reports must be the same bytes. */
static void
same_reports(const struct elec *e)
{
	struct buf pt = { 0 }, pj = { 0 }, tt = { 0 }, tj = { 0 };
	struct figs f;
	int remain[MAXC] = { 0 }, sv = strcmp(e->method, "sv") == 0, rc;
	teller_ctx *ctx;
	teller_tally *t;
	teller_result *r = NULL;

	rc = by_profile(e, 0, &pt, &pj, remain);
	CHECK_INT(rc, TELLER_OK);
	memset(&f, 0, sizeof(f));
	if (sv)
		derive_sv(e, remain, &f);
	else
		derive_plurality(e, &f);
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	t = tally_of(ctx, e, &f, 1, sv);
	if (t != NULL) {
		rc = teller_tally_count(t, &r);
		CHECK(rc == TELLER_OK, "%s: %s", e->title, teller_errmsg(ctx));
	}
	if (r != NULL) {
		CHECK_INT(teller_report(ctx, r, TELLER_REP_TEXT, bput, &tt),
		    TELLER_OK);
		CHECK_INT(teller_report(ctx, r, TELLER_REP_JSON, bput, &tj),
		    TELLER_OK);
		CHECK_INT(teller_result_status(r), TELLER_STATUS_FINAL);
	}
	CHECK(pt.p && tt.p && strcmp(pt.p, tt.p) == 0,
	    "%s: text differs:\n--- profile\n%s\n--- tally\n%s", e->title,
	    pt.p ? pt.p : "", tt.p ? tt.p : "");
	/* only a profile knows every paper's second preference: the SV
	 * cross-table (reports.md 12) is a profile count's alone */
	cut_crosstab(pj.p);
	CHECK(pj.p && tj.p && strcmp(pj.p, tj.p) == 0,
	    "%s: JSON differs:\n--- profile\n%s\n--- tally\n%s", e->title,
	    pj.p ? pj.p : "", tj.p ? tj.p : "");
	teller_tally_free(t);
	teller_ctx_free(ctx);
	free(pt.p);
	free(pj.p);
	free(tt.p);
	free(tj.p);
}

static const struct row fptp_rows[] = {
	{ 120, "Ann", "" }, { 120, "Bob", "" }, { 40, "Cy", "" },
	{ 7, "Ann|Bob", "" }, { 3, "", "" }, { 0, NULL, NULL }
};
static const struct elec fptp_tie = {
	"fptp", 1, "Little Snoring, Ward 1",
	{ "Ann", "Bob", "Cy" }, { "Red", "Blue", "" }, fptp_rows,
	{ "1:Ann<Bob" }, NULL
};
static const struct row fptp_rows2[] = {
	{ 1234, "Ann", "" }, { 999, "Bob", "" }, { 1500, "Cy", "" },
	{ 12, "Ann|Cy", "" }, { 0, NULL, NULL }
};
static const struct elec fptp_plain = {
	"fptp", 1, "Little Snoring, Ward 2",
	{ "Ann", "Bob", "Cy" }, { "Red", "Blue", "Green" }, fptp_rows2,
	{ NULL }, NULL
};
static const struct row block_rows[] = {
	{ 300, "Ann|Bob", "" }, { 120, "Cy|Dee", "" }, { 80, "Bob", "" },
	{ 100, "Cy", "Ann" }, { 30, "Dee", "" }, { 5, "Ann|Bob|Cy", "" },
	{ 9, "", "" }, { 0, NULL, NULL }
};
/* Ann 400, Bob 380, Cy 220, Dee 150: no tie */
static const struct elec block_plain = {
	"block", 2, "Much Wenlock, Town Ward",
	{ "Ann", "Bob", "Cy", "Dee" }, { "A", "B", "C", "D" }, block_rows,
	{ NULL }, NULL
};
static const struct row block_rows2[] = {
	{ 300, "Ann", "" }, { 200, "Bob|Cy", "" }, { 40, "Dee|Ann", "" },
	{ 2, "Ann|Bob|Cy", "" }, { 4, "", "" }, { 0, NULL, NULL }
};
/* Ann 340, Bob 200, Cy 200: Bob and Cy tie for the second seat */
static const struct elec block_tie = {
	"block", 2, "Much Wenlock, Farley Ward",
	{ "Ann", "Bob", "Cy", "Dee" }, { "A", "B", "C", "D" }, block_rows2,
	{ "1:Bob<Cy" }, NULL
};
static const struct row sv_rows[] = {
	{ 400, "Ann", "" }, { 80, "Ann", "Bob" }, { 350, "Bob", "Ann" },
	{ 200, "Cy", "Ann" }, { 150, "Cy", "Bob" }, { 60, "Cy", "" },
	{ 20, "Cy", "Cy" }, { 15, "Cy", "Dee" }, { 8, "Cy", "Ann|Bob" },
	{ 90, "Dee", "Bob" }, { 30, "Dee", "Cy" }, { 11, "Ann|Dee", "" },
	{ 6, "", "" }, { 4, "", "Bob" }, { 0, NULL, NULL }
};
/* first: Ann 480, Bob 350, Cy 453, Dee 120 of 1403: Ann and Cy remain */
static const struct elec sv_two = {
	"sv", 1, "Mayor of Borsetshire",
	{ "Ann", "Bob", "Cy", "Dee" }, { "Red", "Blue", "Green", "" },
	sv_rows, { NULL }, NULL
};
static const struct row sv_rows2[] = {
	{ 500, "Ann", "" }, { 500, "Bob", "" }, { 300, "Cy", "Ann" },
	{ 300, "Cy", "Bob" }, { 40, "Cy", "" }, { 0, NULL, NULL }
};
/* first: Ann 500, Bob 500, Cy 640, Dee 0: Ann and Bob tie for second,
 * so three remain (para 3(3)); Dee is eliminated with no papers */
static const struct elec sv_three = {
	"sv", 1, "Mayor of Ambridge",
	{ "Ann", "Bob", "Cy", "Dee" }, { "", "", "", "" }, sv_rows2,
	{ NULL }, NULL
};
static const struct row sv_rows4[] = {
	{ 500, "Ann", "" }, { 450, "Bob", "" }, { 100, "Cy", "Ann" },
	{ 140, "Cy", "Bob" }, { 20, "Dee", "Bob" }, { 10, "Dee", "Ann" },
	{ 0, NULL, NULL }
};
/* Ann 500 + 100 + 10 = 610, Bob 450 + 140 + 20 = 610: a lot */
static const struct elec sv_lot = {
	"sv", 1, "Mayor of Felpersham",
	{ "Ann", "Bob", "Cy", "Dee" }, { "", "", "", "" }, sv_rows4,
	{ "2:Ann<Bob" }, NULL
};

static void
test_tally_same_reports(void)
{
	same_reports(&fptp_plain);
	same_reports(&fptp_tie);
	same_reports(&block_plain);
	same_reports(&block_tie);
	same_reports(&sv_two);
	same_reports(&sv_three);
	same_reports(&sv_lot);
}

/* examples/tower-hamlets-2014/ballots.csv (tests run from the repo
 * root) into e: directives, then weight,rank1,rank2 rows. Cells point
 * into the buffer returned (the caller frees it and rows). */
static char *
read_example(struct elec *e, struct row **rows)
{
	FILE *f = fopen("examples/tower-hamlets-2014/ballots.csv", "rb");
	char *buf, *line, *save = NULL;
	size_t len, nrow = 0, nc = 0;

	if (f == NULL)
		return NULL;
	buf = malloc(1 << 16);
	len = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	buf[len] = '\0';
	e->raw = strdup(buf);
	*rows = calloc(256, sizeof(**rows));
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *c1, *c2, *bar;

		if (strncmp(line, "# title: ", 9) == 0)
			e->title = line + 9;
		else if (strncmp(line, "# candidate: ", 13) == 0 &&
		    (bar = strstr(line, " | ")) != NULL) {
			*bar = '\0';
			e->cand[nc] = line + 13;
			e->party[nc++] = bar + 3;
		} else if (line[0] >= '1' && line[0] <= '9' && nrow < 255 &&
		    (c1 = strchr(line, ',')) != NULL &&
		    (c2 = strchr(c1 + 1, ',')) != NULL) {
			*c1++ = '\0';
			*c2++ = '\0';
			(*rows)[nrow].w = atoll(line);
			(*rows)[nrow].c1 = c1;
			(*rows)[nrow++].c2 = c2;
		}
	}
	e->rows = *rows;
	return buf;
}

/* The Tower Hamlets 2014 mayoral count, by profile and by tally. */
static void
test_tally_tower_hamlets(void)
{
	struct elec e = { "sv", 1, "", { NULL }, { NULL }, NULL, { NULL },
		NULL };
	struct row *rows = NULL;
	char *buf = read_example(&e, &rows);

	CHECK(buf != NULL && e.title[0] != '\0' && ncand(&e) == 10,
	    "read the Tower Hamlets example");
	if (buf != NULL)
		same_reports(&e);
	free(buf);
	free(rows);
	free((char *)e.raw);
}

/* Count e's figures by tally with or without the second stage and the
 * lots: returns the code; *out the result (in ctx). */
static int
count_tally(teller_ctx *ctx, const struct elec *e, int stage2, int lots,
    teller_result **out)
{
	struct elec copy = *e;
	struct buf text = { 0 }, json = { 0 };
	struct figs f;
	int remain[MAXC] = { 0 }, rc;
	teller_tally *t;

	*out = NULL;
	if (!lots)
		memset(copy.lots, 0, sizeof(copy.lots));
	rc = by_profile(e, 0, &text, &json, remain);
	CHECK_INT(rc, TELLER_OK);
	free(text.p);
	free(json.p);
	memset(&f, 0, sizeof(f));
	if (strcmp(e->method, "sv") == 0)
		derive_sv(e, remain, &f);
	else
		derive_plurality(e, &f);
	if ((t = tally_of(ctx, &copy, &f, stage2, 0)) == NULL)
		return -1;
	return teller_tally_count(t, out);
}

/* Render r as JSON into a fresh buffer (the caller frees b->p). */
static void
json_of(teller_ctx *ctx, const teller_result *r, struct buf *b)
{
	memset(b, 0, sizeof(*b));
	CHECK_INT(teller_report(ctx, r, TELLER_REP_JSON, bput, b), TELLER_OK);
	if (b->p == NULL)
		bput(b, "", 0);
}

/* A tie without a recorded lot stops the count with the tie in the
 * result, as a profile count with no seed stops (exit 4). */
static void
test_tally_lot_needed(void)
{
	const struct elec *cases[] = { &fptp_tie, &block_tie, &sv_lot };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct elec nolot = *cases[i];
		teller_result *r;
		teller_ctx *ctx;
		struct buf j, txt = { 0 };
		int rc;

		memset(nolot.lots, 0, sizeof(nolot.lots));
		CHECK_INT(by_profile(&nolot, 1, &txt, &txt, NULL),
		    TELLER_ETIE);
		free(txt.p);
		if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
			abort();
		rc = count_tally(ctx, cases[i], 1, 0, &r);
		CHECK_INT(rc, TELLER_ETIE);
		CHECK_INT(teller_exit_status(rc), 4);
		CHECK(strstr(teller_errmsg(ctx), "tied for election") &&
		    strstr(teller_errmsg(ctx), "teller_tally_add_lot"), "%s",
		    teller_errmsg(ctx));
		CHECK(r != NULL, "no result with the tie");
		if (r == NULL) {
			teller_ctx_free(ctx);
			continue;
		}
		CHECK_INT(teller_result_status(r), TELLER_STATUS_LOT_NEEDED);
		json_of(ctx, r, &j);
		CHECK(strstr(j.p, "\"resolved_by\": \"pending\"") &&
		    strstr(j.p, "\"chosen\": null") &&
		    strstr(j.p, "\"status\": \"lot_needed\""), "%s", j.p);
		free(j.p);
		CHECK_INT(teller_report(ctx, r, TELLER_REP_TEXT, bput, &txt),
		    TELLER_OK);
		CHECK(txt.p && strstr(txt.p, "not settled") &&
		    strstr(txt.p, "Count stopped"), "%s", txt.p);
		free(txt.p);
		txt.p = NULL;
		txt.n = txt.cap = 0;
		CHECK_INT(teller_report(ctx, r, TELLER_REP_STAGESHEET, bput,
		    &txt), TELLER_OK);
		free(txt.p);
		txt.p = NULL;
		txt.n = txt.cap = 0;
		teller_ctx_free(ctx);
	}
}

/* SV with stage-1 figures only: the remaining set, or the winner. */
static void
test_tally_sv_stage1(void)
{
	teller_result *r;
	teller_ctx *ctx;
	struct buf j;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	CHECK_INT(count_tally(ctx, &sv_two, 0, 0, &r), TELLER_OK);
	CHECK(r != NULL, "no result");
	if (r != NULL) {
		CHECK_INT(teller_result_status(r),
		    TELLER_STATUS_STAGE2_NEEDED);
		CHECK_INT(teller_result_nelected(r), 0);
		CHECK(teller_result_remaining(r, 0) &&
		    !teller_result_remaining(r, 1) &&
		    teller_result_remaining(r, 2) &&
		    !teller_result_remaining(r, 3) &&
		    !teller_result_remaining(r, 99), "remaining: Ann, Cy");
		json_of(ctx, r, &j);
		CHECK(strstr(j.p, "\"status\": \"stage2_needed\",\n"
		    "  \"remaining\": [\"Ann\", \"Cy\"],") != NULL, "%s",
		    j.p);
		free(j.p);
	}
	/* all tied for second remain (LGA 2000 Sch.2 para 3(3)) */
	CHECK_INT(count_tally(ctx, &sv_three, 0, 0, &r), TELLER_OK);
	if (r != NULL) {
		CHECK_INT(teller_result_status(r),
		    TELLER_STATUS_STAGE2_NEEDED);
		json_of(ctx, r, &j);
		CHECK(strstr(j.p, "\"remaining\": [\"Ann\", \"Bob\", "
		    "\"Cy\"]") != NULL, "%s", j.p);
		free(j.p);
	}
	teller_ctx_free(ctx);
}

/* An SV tally of four candidates for the refusals below. */
static teller_tally *
sv4(teller_ctx *ctx, long long a, long long b, long long c, long long d)
{
	teller_tally *t = teller_tally_new(ctx, "sv", 1, 4);

	if (t == NULL)
		abort();
	teller_tally_set_votes(t, 0, a);
	teller_tally_set_votes(t, 1, b);
	teller_tally_set_votes(t, 2, c);
	teller_tally_set_votes(t, 3, d);
	return t;
}

/* Figures that cannot be right are refused, naming what is wrong. */
static void
test_tally_refused(void)
{
	teller_result *r;
	teller_ctx *ctx;
	teller_tally *t;
	size_t tied[2] = { 0, 1 };

#define FRESH()                                                         \
	do {                                                            \
		teller_ctx_free(ctx);                                   \
		if (teller_ctx_new(NULL, &ctx) != TELLER_OK)            \
			abort();                                        \
	} while (0)
#define REFUSED(call, code, text)                                        \
	do {                                                            \
		CHECK_INT((call), (code));                              \
		CHECK(strstr(teller_errmsg(ctx), (text)) != NULL, "%s", \
		    teller_errmsg(ctx));                                \
		FRESH();                                                \
	} while (0)

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	/* new */
	CHECK(teller_tally_new(ctx, "irv", 1, 3) == NULL, "irv refused");
	CHECK_INT(teller_errcode(ctx), TELLER_EINVAL);
	FRESH();
	CHECK(teller_tally_new(ctx, "fptp", 2, 3) == NULL, "fptp 2 seats");
	FRESH();
	CHECK(teller_tally_new(ctx, "block", 3, 2) == NULL, "3 seats, 2");
	FRESH();
	/* setters */
	t = sv4(ctx, 1, 1, 1, 1);
	REFUSED(teller_tally_set_votes(t, 0, -1), TELLER_ERANGE, "-1");
	t = sv4(ctx, 1, 1, 1, 1);
	REFUSED(teller_tally_set_votes(t, 4, 1), TELLER_EINVAL,
	    "not a candidate");
	t = sv4(ctx, 1, 1, 1, 1);
	REFUSED(teller_tally_set_rejected(t, "lepar2006", "too_many", 1),
	    TELLER_EINVAL, "not one for sv");
	t = sv4(ctx, 1, 1, 1, 1);
	REFUSED(teller_tally_set_rejected(t, "mer2007-sv", "bogus", 1),
	    TELLER_EINVAL, "no reason code 'bogus'");
	t = sv4(ctx, 1, 1, 1, 1);
	REFUSED(teller_tally_set_nontransferable(t, 0, 7, 1), TELLER_EINVAL,
	    "not a reason");
	t = sv4(ctx, 1, 1, 1, 1);
	REFUSED(teller_tally_set_transfer(t, 1, 1, 1), TELLER_EINVAL,
	    "to itself");
	t = sv4(ctx, 1, 1, 1, 1);
	REFUSED(teller_tally_set_candidate(t, 1, "Candidate 1", NULL),
	    TELLER_EDUP, "");
	t = sv4(ctx, 1, 1, 1, 1);
	REFUSED(teller_tally_add_lot(t, tied, 2, 2), TELLER_EINVAL,
	    "not among the tied");
	t = teller_tally_new(ctx, "fptp", 1, 3);
	REFUSED(teller_tally_set_transfer(t, 0, 1, 1), TELLER_EINVAL,
	    "no second stage");

	/* fptp: valid papers are the votes */
	t = teller_tally_new(ctx, "fptp", 1, 2);
	teller_tally_set_votes(t, 0, 10);
	teller_tally_set_votes(t, 1, 5);
	teller_tally_set_valid_papers(t, 16);
	REFUSED(teller_tally_count(t, &r), TELLER_ERANGE,
	    "16 valid papers but 15 votes");
	/* block: valid papers required; votes within seats x papers */
	t = teller_tally_new(ctx, "block", 2, 3);
	teller_tally_set_votes(t, 0, 10);
	REFUSED(teller_tally_count(t, &r), TELLER_EINVAL,
	    "valid papers are needed");
	t = teller_tally_new(ctx, "block", 2, 3);
	teller_tally_set_votes(t, 0, 10);
	teller_tally_set_votes(t, 1, 10);
	teller_tally_set_votes(t, 2, 10);
	teller_tally_set_valid_papers(t, 14);
	REFUSED(teller_tally_count(t, &r), TELLER_ERANGE,
	    "30 votes from 14 valid papers: more than 2 a paper");
	t = teller_tally_new(ctx, "block", 2, 3);
	teller_tally_set_votes(t, 0, 10);
	teller_tally_set_valid_papers(t, 9);
	REFUSED(teller_tally_count(t, &r), TELLER_ERANGE,
	    "Candidate 1 has 10 votes from 9 valid papers");
	t = teller_tally_new(ctx, "block", 2, 3);
	teller_tally_set_votes(t, 0, 5);
	teller_tally_set_votes(t, 1, 4);
	teller_tally_set_valid_papers(t, 10);
	REFUSED(teller_tally_count(t, &r), TELLER_ERANGE,
	    "each valid paper has a vote");
	/* no valid paper */
	t = teller_tally_new(ctx, "fptp", 1, 2);
	teller_tally_set_rejected(t, "rpa1983", "unmarked", 3);
	REFUSED(teller_tally_count(t, &r), TELLER_ESTOP, "no valid paper");

	/* sv: first 40, 30, 20, 10: Ann and Bob remain */
	t = sv4(ctx, 40, 30, 20, 10);
	teller_tally_set_transfer(t, 0, 1, 5);
	REFUSED(teller_tally_count(t, &r), TELLER_ERANGE,
	    "Candidate 1 remains");
	t = sv4(ctx, 40, 30, 20, 10);
	teller_tally_set_transfer(t, 2, 3, 20);
	REFUSED(teller_tally_count(t, &r), TELLER_ERANGE,
	    "to Candidate 4, who does not remain");
	t = sv4(ctx, 40, 30, 20, 10);
	teller_tally_set_transfer(t, 2, 0, 15);
	teller_tally_set_nontransferable(t, 2,
	    TELLER_NT_NO_SECOND_PREFERENCE, 6);
	teller_tally_set_nontransferable(t, 3,
	    TELLER_NT_NO_SECOND_PREFERENCE, 10);
	REFUSED(teller_tally_count(t, &r), TELLER_ERANGE,
	    "Candidate 3's papers at the second stage: 21 sorted, but 20");
	t = sv4(ctx, 40, 30, 20, 10);
	teller_tally_set_transfer(t, 2, 0, 15);
	teller_tally_set_nontransferable(t, 2,
	    TELLER_NT_NO_SECOND_PREFERENCE, 5);
	REFUSED(teller_tally_count(t, &r), TELLER_ERANGE,
	    "Candidate 4's papers at the second stage: 0 sorted, but 10");
	/* exactly half is not a majority (uk-rules.md 1.4 case 12) */
	t = sv4(ctx, 60, 30, 20, 10);
	CHECK_INT(teller_tally_count(t, &r), TELLER_OK);
	CHECK(r != NULL && teller_result_status(r) ==
	    TELLER_STATUS_STAGE2_NEEDED, "60 of 120 is no majority");
	t = sv4(ctx, 61, 30, 20, 10);
	CHECK_INT(teller_tally_count(t, &r), TELLER_OK);
	CHECK(r != NULL && teller_result_status(r) == TELLER_STATUS_FINAL &&
	    teller_result_nelected(r) == 1, "61 of 121 is a majority");
	/* a majority: no second stage */
	t = sv4(ctx, 70, 30, 20, 10);
	teller_tally_set_transfer(t, 2, 0, 5);
	REFUSED(teller_tally_count(t, &r), TELLER_EINVAL, "no second stage");
	/* and the good figures count: Ann 40 + 15, Bob 30 + 10 */
	t = sv4(ctx, 40, 30, 20, 10);
	teller_tally_set_transfer(t, 2, 0, 15);
	teller_tally_set_nontransferable(t, 2,
	    TELLER_NT_SECOND_FOR_ELIMINATED, 5);
	teller_tally_set_transfer(t, 3, 1, 10);
	CHECK_INT(teller_tally_count(t, &r), TELLER_OK);
	CHECK(r != NULL && teller_result_nelected(r) == 1 &&
	    strcmp(teller_result_elected(r, 0), "Candidate 1") == 0,
	    "Ann elected");
	/* a lot that matches no tie */
	teller_tally_add_lot(t, tied, 2, 1);
	REFUSED(teller_tally_count(t, &r), TELLER_ESTOP, "was not used");
	teller_tally_free(NULL);
	teller_ctx_free(ctx);
#undef REFUSED
#undef FRESH
}

static int
discard(void *ud, const char *p, size_t n)
{
	(void)ud;
	(void)p;
	(void)n;
	return 0;
}

/* A whole tally count with a second stage, a lot and both reports. */
static int
oom_tally(teller_ctx *ctx, void *arg)
{
	static const size_t tied[2] = { 0, 1 };
	teller_result *r;
	teller_tally *t;
	int rc;

	(void)arg;
	if ((t = teller_tally_new(ctx, "sv", 1, 4)) == NULL)
		return teller_errcode(ctx);
	if ((rc = teller_tally_set_title(t, "Mayor")) != TELLER_OK ||
	    (rc = teller_tally_set_candidate(t, 0, "Ann", "Red")) != 0 ||
	    (rc = teller_tally_set_candidate(t, 1, "Bob", NULL)) != 0 ||
	    (rc = teller_tally_set_votes(t, 0, 40)) != TELLER_OK ||
	    (rc = teller_tally_set_votes(t, 1, 40)) != TELLER_OK ||
	    (rc = teller_tally_set_votes(t, 2, 20)) != TELLER_OK ||
	    (rc = teller_tally_set_rejected(t, "mer2007-sv", "unmarked",
	    3)) != TELLER_OK ||
	    (rc = teller_tally_set_transfer(t, 2, 0, 5)) != TELLER_OK ||
	    (rc = teller_tally_set_transfer(t, 2, 1, 5)) != TELLER_OK ||
	    (rc = teller_tally_set_nontransferable(t, 2,
	    TELLER_NT_NO_SECOND_PREFERENCE, 10)) != TELLER_OK ||
	    (rc = teller_tally_add_lot(t, tied, 2, 1)) != TELLER_OK ||
	    (rc = teller_tally_count(t, &r)) != TELLER_OK ||
	    (rc = teller_report(ctx, r, TELLER_REP_TEXT, discard, NULL)) !=
	    TELLER_OK)
		return rc;
	return teller_report(ctx, r, TELLER_REP_JSON, discard, NULL);
}

/* Every allocation of a tally count may fail: ENOMEM, nothing leaked. */
static void
test_tally_oom(void)
{
	if (oom_enabled())
		oom_loop("tally", oom_tally, NULL);
	else
		CHECK_INT(oom_run_fn(oom_tally, NULL, 0, NULL), TELLER_OK);
}

int
main(void)
{
	test_tally_same_reports();
	test_tally_tower_hamlets();
	test_tally_lot_needed();
	test_tally_sv_stage1();
	test_tally_refused();
	test_tally_oom();
	return h_done();
}
