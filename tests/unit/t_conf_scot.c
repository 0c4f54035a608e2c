/* SPDX-License-Identifier: MIT */
/*
 * t_conf_scot.c -- conformance on the Scottish council elections: for
 * every $SHARED/conformance/scot/DIR/F.blt.json, read the ballots in
 * $SHARED/data/scot/blt/DIR/F.blt,
 * check each candidate's name and party, count with "stv-scottish" and
 * compare with the expected count per docs/stv.md section 6 (Droop's empty
 * zero-surplus stages dropped; groups elected together compared as sets).
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "tl_int.h"

static int nfiles, nok;

/* The aspects compared, one CHECK each per file. */
enum { A_NAMES, A_QUOTA, A_STAGES, A_ELECTED, A_EXCLUDED, A_TIES, A_N };
static const char *const aspect[A_N] = { "names and parties",
	"valid papers and quota",
	"stages", "elected", "exclusion order", "ties" };

/* Record a difference in aspect a; print the first few. */
#define DIFF(a, ...)                                                      \
	do {                                                              \
		if (bad[a]++ < 3) {                                       \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
		}                                                         \
	} while (0)

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	b = malloc((size_t)n + 1);
	if (b != NULL && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (b != NULL) {
		b[n] = '\0';
		*len = (size_t)n;
	}
	return b;
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s != NULL ? s : "";
}

/* Is stage i of the expected list one of Droop's empty surplus stages
 * (same votes, non-transferable and loss as the stage before)? */
static bool
empty_stage(json_t *stages, size_t i)
{
	json_t *a, *b;

	if (i == 0)
		return false;
	a = json_array_get(stages, i - 1);
	b = json_array_get(stages, i);
	return strcmp(jstr(b, "kind"), "surplus") == 0 &&
	    json_equal(json_object_get(a, "votes"),
	    json_object_get(b, "votes")) &&
	    json_equal(json_object_get(a, "non_transferable"),
	    json_object_get(b, "non_transferable")) &&
	    json_equal(json_object_get(a, "loss_by_fractions"),
	    json_object_get(b, "loss_by_fractions"));
}

static void
one(const char *shared, const char *jpath)
{
	json_error_t je;
	json_t *j = json_load_file(jpath, 0, &je), *cands, *stages, *el, *ex;
	char bpath[4096], a[TL_NUM_BUFSZ];
	const char *file;
	char *buf;
	size_t len, i, ns, k;
	teller_ctx *ctx = NULL;
	teller_contest *c;
	teller_profile *p;
	teller_result *r;
	teller_rules rules;
	int rc, bad[A_N] = { 0 }, nbad = 0, *map, nstage;

	nfiles++;
	CHECK(j != NULL, "%s: %s", jpath, je.text);
	if (j == NULL)
		return;
	file = jstr(j, "file");
	snprintf(bpath, sizeof(bpath), "%s/data/scot/blt/%s", shared, file);
	buf = slurp(bpath, &len);
	CHECK(buf != NULL, "%s: cannot read", bpath);
	if (buf == NULL || teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		json_decref(j);
		free(buf);
		return;
	}
	rc = teller_read(ctx, TELLER_FMT_BLT, file, buf, len, &c, &p);
	CHECK(rc == TELLER_OK, "%s: read: %s", file, teller_errmsg(ctx));
	if (rc != TELLER_OK)
		goto out;
	cands = json_object_get(j, "candidates");
	CHECK_INT(teller_contest_ncand(c), json_array_size(cands));
	for (i = 0; i < json_array_size(cands) &&
	     (int)i < teller_contest_ncand(c); i++) {
		json_t *o = json_array_get(cands, i);
		if (strcmp(teller_contest_name(c, (int)i), jstr(o, "name")) != 0
		    || strcmp(teller_contest_party(c, (int)i),
		    jstr(o, "party")) != 0)
			DIFF(A_NAMES, "%s: candidate %zu: [%s|%s] expected "
			    "[%s|%s]", file, i + 1,
			    teller_contest_name(c, (int)i),
			    teller_contest_party(c, (int)i), jstr(o, "name"),
			    jstr(o, "party"));
	}
	teller_rules_init(&rules, "stv-scottish");
	rc = teller_count(ctx, c, p, &rules, &r);
	CHECK(rc == TELLER_OK, "%s: count: %s", file, teller_errmsg(ctx));
	if (rc != TELLER_OK)
		goto out;
	tl_num_fmt(a, r->quota, r->dp);
	if (strcmp(a, jstr(j, "quota")) != 0)
		DIFF(A_QUOTA, "%s: quota %s, expected %s", file, a,
		    jstr(j, "quota"));
	if (r->valid != json_integer_value(json_object_get(j,
	    "valid_ballots")) * 100000)
		DIFF(A_QUOTA, "%s: %lld valid papers (at 5 dp), expected %lld",
		    file, (long long)r->valid, (long long)json_integer_value(
		    json_object_get(j, "valid_ballots")));
	/* expected stages, Droop's empty ones dropped; map[expected stage
	 * number] = our stage number */
	stages = json_object_get(j, "stages");
	ns = json_array_size(stages);
	map = calloc(ns + 2, sizeof(int));
	nstage = 0;
	for (i = 0; i < ns; i++) {
		json_t *es = json_array_get(stages, i), *v;
		const struct tl_stage *g;
		const char *kind;
		enum tl_stage_kind want_kind;

		if (empty_stage(stages, i)) {
			map[i + 1] = nstage;
			continue;
		}
		map[i + 1] = ++nstage;
		if ((size_t)nstage > r->stages->len) {
			DIFF(A_STAGES, "%s: only %zu stages, expected more",
			    file, r->stages->len);
			break;
		}
		g = TL_STAGE(r, nstage - 1);
		kind = jstr(es, "kind");
		want_kind = strcmp(kind, "surplus") == 0 ? TL_STAGE_SURPLUS :
		    strcmp(kind, "exclusion") == 0 ? TL_STAGE_EXCLUSION :
		    TL_STAGE_FIRST;
		if (g->kind != want_kind || (want_kind != TL_STAGE_FIRST &&
		    g->subject + 1 != json_integer_value(json_object_get(es,
		    "candidate")))) {
			DIFF(A_STAGES, "%s: stage %d: kind %d subject %d, "
			    "expected %s %lld", file, nstage, g->kind,
			    g->subject + 1, kind, json_integer_value(
			    json_object_get(es, "candidate")));
		}
		v = json_object_get(es, "votes");
		for (k = 0; k < json_array_size(v) && (int)k < r->ncand; k++) {
			tl_num_fmt(a, g->votes[k], r->dp);
			if (strcmp(a, json_string_value(json_array_get(v, k)))
			    != 0) {
				DIFF(A_STAGES, "%s: stage %d candidate %zu: "
				    "%s, expected %s", file, nstage, k + 1, a,
				    json_string_value(json_array_get(v, k)));
			}
		}
		tl_num_fmt(a, g->nontrans, r->dp);
		if (strcmp(a, jstr(es, "non_transferable")) != 0) {
			DIFF(A_STAGES, "%s: stage %d non-transferable %s, "
			    "expected %s", file, nstage, a,
			    jstr(es, "non_transferable"));
		}
		tl_num_fmt(a, g->loss, r->dp);
		if (strcmp(a, jstr(es, "loss_by_fractions")) != 0) {
			DIFF(A_STAGES, "%s: stage %d loss %s, expected %s",
			    file, nstage, a, jstr(es, "loss_by_fractions"));
		}
	}
	if ((size_t)nstage != r->stages->len) {
		DIFF(A_STAGES, "%s: %zu stages, expected %d", file,
		    r->stages->len, nstage);
	}
	/* elected: in order, those elected after the same stage as a set */
	el = json_object_get(j, "elected_in_order");
	if (json_array_size(el) != r->elected->len) {
		DIFF(A_ELECTED, "%s: %zu elected, expected %zu", file,
		    r->elected->len, json_array_size(el));
	} else {
		for (i = 0; i < json_array_size(el); i++) {
			json_t *o = json_array_get(el, i);
			int id = (int)json_integer_value(json_object_get(o,
			    "id")) - 1;
			json_int_t as = json_integer_value(json_object_get(o,
			    "after_stage"));
			bool found = false;
			int st = (as >= 0 && (size_t)as <= ns) ? map[as] : -1;
			/* ours must elect id at the same (mapped) stage */
			for (k = 0; k < r->stages->len; k++) {
				const struct tl_stage *g = TL_STAGE(r, k);
				int q;
				for (q = 0; q < g->nelected; q++)
					if (g->elected[q] == id)
						found = (int)k + 1 == st;
			}
			if (!found) {
				DIFF(A_ELECTED, "%s: candidate %d not elected "
				    "at "
				    "stage %d", file, id + 1, st);
			}
		}
		/* order between different stages */
		for (i = 1; i < r->elected->len; i++) {
			int prev = TL_VEC_AT(r->elected, int, i - 1) + 1;
			int cur = TL_VEC_AT(r->elected, int, i) + 1;
			json_int_t sp = -1, sc = -1;
			for (k = 0; k < json_array_size(el); k++) {
				json_t *o = json_array_get(el, k);
				json_int_t id = json_integer_value(
				    json_object_get(o, "id"));
				json_int_t as = json_integer_value(
				    json_object_get(o, "after_stage"));
				if (id == prev)
					sp = as;
				if (id == cur)
					sc = as;
			}
			if (sp > sc) {
				DIFF(A_ELECTED, "%s: election order %d before "
				    "%d",
				    file, prev, cur);
			}
		}
	}
	ex = json_object_get(j, "excluded_in_order");
	if (json_array_size(ex) != r->excluded->len) {
		DIFF(A_EXCLUDED, "%s: %zu excluded, expected %zu", file,
		    r->excluded->len, json_array_size(ex));
	} else {
		for (i = 0; i < json_array_size(ex); i++)
			if (json_integer_value(json_array_get(ex, i)) !=
			    TL_VEC_AT(r->excluded, int, i) + 1) {
				DIFF(A_EXCLUDED, "%s: exclusion %zu differs",
				    file,
				    i + 1);
			}
	}
	/* every expected tie must be among ours, settled the same way */
	for (i = 0; i < json_array_size(json_object_get(j, "ties")); i++) {
		json_t *t = json_array_get(json_object_get(j, "ties"), i);
		json_int_t ch = json_integer_value(json_object_get(t,
		    "chosen"));
		bool found = false;
		for (k = 0; k < r->ties->len; k++) {
			const struct tl_tie *tt = &TL_VEC_AT(r->ties,
			    struct tl_tie, k);
			if (tt->chosen + 1 == ch &&
			    tt->ntied == (int)json_array_size(
			    json_object_get(t, "tied")) &&
			    (tt->how == TL_TIE_EARLIER) == (strstr(jstr(t,
			    "resolved_by"), "prior") != NULL))
				found = true;
		}
		if (!found) {
			DIFF(A_TIES, "%s: tie %zu not settled the same "
			    "way", file,
			    i + 1);
		}
	}
	free(map);
	for (i = 0; i < A_N; i++) {
		CHECK(bad[i] == 0, "%s: %s: %d differences", file, aspect[i],
		    bad[i]);
		nbad += bad[i];
	}
	if (nbad == 0)
		nok++;
out:
	teller_ctx_free(ctx);
	free(buf);
	json_decref(j);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(void)
{
	const char *shared = getenv("SHARED");
	char root[4096], **list = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d;
	struct dirent *e;
	struct stat sb;

	if (shared == NULL || *shared == '\0')
		shared = "../shared";
	snprintf(root, sizeof(root), "%s/conformance/scot", shared);
	if (stat(root, &sb) != 0) {
		printf("SKIP: %s not found\n", shared);
		return h_done();
	}
	d = opendir(root);
	while (d != NULL && (e = readdir(d)) != NULL) {
		char sub[8192];
		DIR *d2;
		struct dirent *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", root, e->d_name);
		if ((d2 = opendir(sub)) == NULL)
			continue;
		while ((f = readdir(d2)) != NULL) {
			size_t l = strlen(f->d_name);
			if (l < 5 || strcmp(f->d_name + l - 5, ".json") != 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				list = realloc(list, cap * sizeof(*list));
			}
			list[n] = malloc(strlen(sub) + l + 2);
			sprintf(list[n++], "%s/%s", sub, f->d_name);
		}
		closedir(d2);
	}
	if (d != NULL)
		closedir(d);
	qsort(list, n, sizeof(*list), cmp);
	CHECK(n > 0, "no conformance files under %s", root);
	for (i = 0; i < n; i++) {
		one(shared, list[i]);
		free(list[i]);
	}
	free(list);
	printf("conformance: %d of %d files match\n", nok, nfiles);
	return h_done();
}
