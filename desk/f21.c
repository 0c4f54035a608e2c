/* SPDX-License-Identifier: MIT */
/* f21.c -- the F21 audit export (§6.6) as a tarball, and its check:
 *   count.db         the book by SQLite's online backup (backup.c), less
 *                    what is no record of the count (live sessions, the
 *                    derived event_key), then VACUUMed: the same book
 *                    gives the same bytes, whatever serve did meanwhile
 *   journal.jsonl    the journal (§10), as `export` writes it
 *   documents/       every issued document as the RO reads it through
 *                    GET forms/F (§9.3): the form at each version or
 *                    round the book has issued, else as it stands;
 *                    with --pdf-browser each page's PDF too (pdf.c)
 *   pdf.txt          with --pdf-browser: the PDFs made and not made
 *   verify.txt       the verification of that count.db, checkpoint too
 *   manifest.sha256  sha256sum's form over every other member
 * Everything but count.db is made from count.db, so the check (verify
 * EXPORT, restore EXPORT) makes it again from the tarball's count.db
 * and compares, after the manifest; the PDFs and pdf.txt, a browser's
 * work, are the manifest's alone to check. No private key goes in (the local
 * CA's files stay beside the book). The tar format is tarball.c's. */
#include "desk.h"
#include "tarball.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The members being made; names and data are owned. */
struct bag {
	struct d_tar_member *m;
	size_t n, cap;
};

static int
bag_add(struct bag *b, const char *name, unsigned char *data, size_t len,
    int dir)
{
	char *nm = strdup(name);

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		struct d_tar_member *g = realloc(b->m, cap * sizeof *g);

		if (!g)
			nm = (free(nm), NULL);
		else
			b->m = g, b->cap = cap;
	}
	if (!nm) {
		free(data);
		return -1;
	}
	b->m[b->n].name = nm;
	b->m[b->n].data = data;
	b->m[b->n].len = len;
	b->m[b->n].dir = dir;
	b->n++;
	return 0;
}

static void
bag_free(struct bag *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free((char *)b->m[i].name);
		free((unsigned char *)b->m[i].data);
	}
	free(b->m);
	memset(b, 0, sizeof *b);
}

static const struct d_tar_member *
find(const struct d_tar_member *m, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].name, name) == 0)
			return &m[i];
	return NULL;
}

static void
sha_hex(const unsigned char *p, size_t n, char out[65])
{
	unsigned char h[32];

	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(out, 65, h, 32);
}

/* The file at path, malloc'ed (one byte more than *len), or NULL. */
unsigned char *
d_slurp_path(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	long sz;

	if (f && fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)sz + 1)) &&
	    fread(b, 1, (size_t)sz, f) != (size_t)sz)
		b = (free(b), NULL);
	else if (b)
		*len = (size_t)sz;
	if (f)
		fclose(f);
	return b;
}

/* ---- a scratch directory for the copy of the book ---- */

static int
scratch_make(char dir[4096])
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, 4096, "%s/teller-f21-XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static void
scratch_remove(const char *dir)
{
	static const char *const f[] = { "count.db", "count.db-wal",
		"count.db-shm", "count.db-journal", NULL };
	char p[4200];

	for (int i = 0; f[i]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, f[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* The header's counters of how the file was made rather than what it
 * holds (SQLite's file format §1.3): the file change counter (24), the
 * schema cookie (40) and version-valid-for (92, equal to the first),
 * all set to 1 in the closed file, no journal beside it. */
static int
same_counters(const char *path)
{
	static const unsigned char one[4] = { 0, 0, 0, 1 };
	int fd = open(path, O_RDWR), rc;

	if (fd < 0)
		return -1;
	rc = pwrite(fd, one, 4, 24) == 4 && pwrite(fd, one, 4, 40) == 4 &&
	    pwrite(fd, one, 4, 92) == 4 ? 0 : -1;
	return close(fd) || rc ? -1 : 0;
}

/* The copy less what is no record of the count, rebuilt by VACUUM so
 * that its bytes depend on its rows only: the same rows, the same
 * bytes, however the book got there (served, restored). */
static int
scrub(const char *path)
{
	sqlite3 *db;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "DELETE FROM session;"
		    "DROP TABLE IF EXISTS session_device;"
		    "DROP TABLE IF EXISTS event_key;"
		    "PRAGMA journal_mode=DELETE; VACUUM;", NULL, NULL, NULL);
	if (sqlite3_close(db) != SQLITE_OK)
		rc = SQLITE_ERROR;
	return rc == SQLITE_OK ? same_counters(path) : -1;
}

/* ---- the members made from the book ---- */

static int
journal_member(struct desk *d, struct bag *b)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f)
		return -1;
	rc = d_journal_write(d, f);
	if (fclose(f) || rc) {
		free(buf);
		return -1;
	}
	return bag_add(b, "journal.jsonl", (unsigned char *)buf, len, 0);
}

struct form_q {
	const char *contest;
};

static const char *
form_query(void *cls, const char *key)
{
	return strcmp(key, "contest") == 0 ?
	    ((struct form_q *)cls)->contest : NULL;
}

/* GET forms/F<n>?contest=C[&version|round=V] as the render user (tok);
 * the page, or NULL unless 200. */
static char *
render(struct desk *d, const char *tok, int c, int n, const char *qv,
    const char *qr)
{
	struct d_http h;
	struct form_q q = { d->cs[c].id };
	char url[64], auth[96];

	memset(&h, 0, sizeof h);
	snprintf(url, sizeof url, "/api/v1/forms/F%d", n);
	snprintf(auth, sizeof auth, "Bearer %s", tok);
	h.method = "GET";
	h.url = url;
	h.auth = auth;
	h.ip = "127.0.0.1";
	h.query = form_query;
	h.qcls = &q;
	h.q_version = qv;
	h.q_round = qr;
	d_api(d, &h);
	if (h.status != 200 || !h.resp) {
		free(h.resp);
		return NULL;
	}
	return h.resp;
}

static int
doc_add(struct bag *b, const char *cid, int n, const char *tag, int v,
    char *html)
{
	char name[100];

	snprintf(name, sizeof name, "documents/%s-F%d%s%.0d.html", cid, n,
	    tag, v);
	return bag_add(b, name, (unsigned char *)html, strlen(html), 0);
}

/* The verification statements contest c has issued (F6's versions). */
static int
statements(struct desk *d, int c)
{
	sqlite3_stmt *st;
	int k = 0;

	if (sqlite3_prepare_v2(d->db, "SELECT count(*) FROM event WHERE"
	    " action = 'verification.issue' AND line ->> 'contest' = ?", -1,
	    &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, d->cs[c].id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		k = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return k;
}

/* The versions of F11-F13 (n) of round r before the latest (§3.5: the
 * latest is the round's own document): C-Fn-rR-vV.html. */
static int
earlier_docs(struct desk *d, const char *tok, int c, int n, int r,
    struct bag *b)
{
	char form[16], rs[16], vs[16], tag[24];
	int k;

	snprintf(form, sizeof form, "F%d", n);
	k = d_stmt_versions(d, c, form, r, 1);
	snprintf(rs, sizeof rs, "%d", r);
	snprintf(tag, sizeof tag, "-r%d-v", r);
	for (int v = 1; v < k; v++) {
		char *html;

		snprintf(vs, sizeof vs, "%d", v);
		if ((html = render(d, tok, c, n, vs, rs)) &&
		    doc_add(b, d->cs[c].id, n, tag, v, html))
			return -1;
	}
	return 0;
}

/* Form n of contest c: each version (F6, F14, F15) or round (F11-F13,
 * with each earlier version of the round's) issued, else the form as it
 * stands, when the RO may read it. */
static int
form_docs(struct desk *d, const char *tok, int c, int n, struct bag *b)
{
	const char *by = n == 6 || n == 14 || n == 15 ? "-v" :
	    n >= 11 && n <= 13 ? "-r" : NULL;
	int last = n == 6 ? statements(d, c) : by && by[1] == 'v' ?
	    d->cs[c].version : d->cs[c].round;
	char *html;

	if (!by)
		return (html = render(d, tok, c, n, NULL, NULL)) ?
		    doc_add(b, d->cs[c].id, n, "", 0, html) : 0;
	for (int v = 1; v <= last; v++) {
		char s[16];

		snprintf(s, sizeof s, "%d", v);
		html = render(d, tok, c, n, by[1] == 'v' ? s : NULL,
		    by[1] == 'r' ? s : NULL);
		if (!html)
			break;
		if (doc_add(b, d->cs[c].id, n, by, v, html) ||
		    (by[1] == 'r' && earlier_docs(d, tok, c, n, v, b)))
			return -1;
	}
	return 0;
}

static const struct d_user *
ro_of(const struct desk *d)
{
	for (int i = 0; i < d->nusers; i++)
		if (strcmp(d->users[i].role, "ro") == 0)
			return &d->users[i];
	return NULL;
}

static int
documents(struct desk *d, struct bag *b)
{
	unsigned char r[24];
	char tok[64];
	int rc = 0;

	if (!ro_of(d))
		return -1;
	randombytes_buf(r, sizeof r);
	sodium_bin2hex(tok, sizeof tok, r, sizeof r);
	d_api_render_docs_as((struct d_user *)ro_of(d), tok);
	for (int c = 0; rc == 0 && c < d->ncs; c++)
		for (int n = 1; rc == 0 && n <= 21; n++)
			rc = form_docs(d, tok, c, n, b);
	d_api_render_as(NULL, NULL);
	return rc ? rc : bag_add(b, "documents/", NULL, 0, 1);
}

static int
verify_member(struct desk *d, struct bag *b)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -1;
	fprintf(f, "teller-desk verify count.db: the chain, the rules and"
	    " the integrity check hold\n");
	fprintf(f, "events %lld\nentries %lld\ngenesis %s\n", d->seq,
	    d->entries, d->genesis);
	fprintf(f, "checkpoint #%lld \xc2\xb7 %.16s\nchain head %s\n",
	    d->seq, d->last_hash, d->last_hash);
	for (int c = 0; c < d->ncs; c++)
		fprintf(f, "contest %s %s\n", d->cs[c].id,
		    d_state_name(d->cs[c].state));
	if (fclose(f)) {
		free(buf);
		return -1;
	}
	return bag_add(b, "verify.txt", (unsigned char *)buf, len, 0);
}

/* Everything the export makes from the book d: journal, documents,
 * verify.txt. */
static int
made_from(struct desk *d, struct bag *b)
{
	/* the reads below write nothing to the copy they are made from */
	sqlite3_exec(d->db, "PRAGMA query_only = ON", NULL, NULL, NULL);
	return journal_member(d, b) || verify_member(d, b) ||
	    documents(d, b) ? -1 : 0;
}

/* ---- the PDF step (--pdf-browser, pdf.c) ---- */

/* "documents/X.html" to "documents/X.pdf" in pn; 0, or -1 when name is
 * no document page. */
static int
pdf_name(const char *name, char *pn, size_t n)
{
	size_t k = strlen(name);

	if (strncmp(name, "documents/", 10) || k < 15 ||
	    strcmp(name + k - 5, ".html"))
		return -1;
	snprintf(pn, n, "%.*s.pdf", (int)(k - 5), name);
	return 0;
}

/* documents/X.pdf for each documents/X.html the browser prints, and
 * pdf.txt saying which were made and which not. A failure is said
 * there and on stderr, and stops the step (no browser waited on twice
 * over), but not the export: the HTML is the document. */
static void
pdf_pages(struct bag *b, const char *dir, long long t, FILE *f)
{
	size_t n0 = b->n;
	const char *fail = NULL;
	char pn[120], why[400];

	if (d_pdf_begin(dir)) {
		snprintf(why, sizeof why, "%.300s/pdf: %s", dir,
		    strerror(errno));
		fail = why;
		fprintf(stderr, "teller-desk: export: %s\n", why);
		fprintf(f, "failed all: %s\n", why);
	}
	for (size_t i = 0; i < n0; i++) {
		unsigned char *pdf = NULL;
		size_t len = 0;

		if (b->m[i].dir || pdf_name(b->m[i].name, pn, sizeof pn))
			continue;
		if (!fail && !(pdf = d_pdf_print(dir, (const char *)
		    b->m[i].data, b->m[i].len, t, &len, why, sizeof why))) {
			fail = why;
			fprintf(stderr, "teller-desk: export: %s: %s\n", pn,
			    why);
			fprintf(f, "failed %s: %s\n", pn, why);
		} else if (!pdf)
			fprintf(f, "failed %s: not tried, after the failure"
			    " above\n", pn);
		else if (bag_add(b, pn, pdf, len, 0) == 0)
			fprintf(f, "made %s\n", pn);
	}
	d_pdf_end(dir);
}

static int
pdf_members(struct bag *b, const char *dir, long long t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -1;
	fprintf(f, "teller-desk export: documents/*.pdf printed from"
	    " documents/*.html by %s (headless, print to PDF); checked by"
	    " manifest.sha256 only, not made again by verify\n",
	    d_pdf_browser_get());
	pdf_pages(b, dir, t, f);
	if (fclose(f)) {
		free(buf);
		return -1;
	}
	return bag_add(b, "pdf.txt", (unsigned char *)buf, len, 0);
}

static int
manifest_member(struct bag *b)
{
	char *buf = NULL, hx[65];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -1;
	qsort(b->m, b->n, sizeof *b->m, d_tar_by_name);
	for (size_t i = 0; i < b->n; i++)
		if (!b->m[i].dir) {
			sha_hex(b->m[i].data, b->m[i].len, hx);
			fprintf(f, "%s  %s\n", hx, b->m[i].name);
		}
	if (fclose(f)) {
		free(buf);
		return -1;
	}
	return bag_add(b, "manifest.sha256", (unsigned char *)buf, len, 0);
}

/* The tar's one time: the last event's, whole seconds (0 for none). */
static long long
last_time(struct desk *d)
{
	sqlite3_stmt *st;
	struct tm tm;
	long long t = 0;

	memset(&tm, 0, sizeof tm);
	if (sqlite3_prepare_v2(d->db, "SELECT line ->> 'at' FROM event ORDER"
	    " BY seq DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
	    sscanf((const char *)sqlite3_column_text(st, 0), "%d-%d-%dT%d:%d:"
	    "%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	    &tm.tm_min, &tm.tm_sec) == 6) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		t = (long long)timegm(&tm);
	}
	sqlite3_finalize(st);
	return t > 0 ? t : 0;
}

/* ---- making ---- */

static int
write_tar(const char *out, struct bag *b, long long mtime, char *err,
    size_t n)
{
	char part[4200];
	FILE *f;
	int fd, rc;

	snprintf(part, sizeof part, "%s.partial", out);
	unlink(part);
	/* the export holds the book: as private as the book */
	if ((fd = open(part, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 ||
	    !(f = fdopen(fd, "wb"))) {
		if (fd >= 0)
			close(fd);
		snprintf(err, n, "%s: %s", part, strerror(errno));
		return -1;
	}
	rc = d_tar_write(f, b->m, b->n, mtime, err, n);
	if (rc == 0 && (fflush(f) || fsync(fileno(f)))) {
		snprintf(err, n, "%s: %s", part, strerror(errno));
		rc = -1;
	}
	if (fclose(f) && rc == 0) {
		snprintf(err, n, "%s: %s", part, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && rename(part, out)) {
		snprintf(err, n, "%s: %s", out, strerror(errno));
		rc = -1;
	}
	if (rc)
		unlink(part);
	return rc;
}

/* The copy of the book in dir/count.db as bytes (b's member) and as
 * the book d (op's check). 0, or an exit code. */
static int
copy_in(const char *dir, d_f21_open op, struct desk *d, struct bag *b,
    char *err, size_t n)
{
	char p[4200];
	unsigned char *bytes;
	size_t len = 0;
	int rc;

	snprintf(p, sizeof p, "%s/count.db", dir);
	if (scrub(p) || !(bytes = d_slurp_path(p, &len))) {
		snprintf(err, n, "%s: cannot make the copy", p);
		return 3;
	}
	if (bag_add(b, "count.db", bytes, len, 0))
		return 3;
	if ((rc = op(d, p))) {
		snprintf(err, n, "the book fails its check: no export");
		return rc;
	}
	return 0;
}

int
d_f21_make(sqlite3 *from, const char *out, d_f21_open op,
    struct d_f21 *res, char *err, size_t n)
{
	char dir[4096], p[4200];
	struct bag b = { NULL, 0, 0 };
	struct desk d;
	int rc = 3;

	memset(res, 0, sizeof *res);
	if (scratch_make(dir)) {
		snprintf(err, n, "%s: %s", dir, strerror(errno));
		return 3;
	}
	snprintf(p, sizeof p, "%s/count.db", dir);
	if (d_backup_copy(from, 0, p)) {
		snprintf(err, n, "%s: cannot copy the book", p);
		goto done;
	}
	if ((rc = copy_in(dir, op, &d, &b, err, n)))
		goto done;
	rc = 3;
	if (made_from(&d, &b) || (d_pdf_browser_get() &&
	    pdf_members(&b, dir, last_time(&d))) || manifest_member(&b))
		snprintf(err, n, "cannot make the export's members");
	else if (write_tar(out, &b, last_time(&d), err, n) == 0) {
		res->seq = d.seq;
		snprintf(res->hash, sizeof res->hash, "%s", d.last_hash);
		res->members = b.n;
		rc = 0;
	}
	d_close(&d);
done:
	bag_free(&b);
	scratch_remove(dir);
	return rc;
}

/* ---- checking ---- */

/* One manifest line "HEX  NAME\n": its member must be there with that
 * SHA-256, once. */
static int
manifest_line(const char *ln, size_t k, const struct d_tar_member *m,
    size_t n, char *listed, char *err, size_t en)
{
	char hx[65], name[260];
	const struct d_tar_member *x;

	if (k < 67 || k - 66 >= sizeof name || ln[64] != ' ' ||
	    ln[65] != ' ') {
		snprintf(err, en, "manifest.sha256: a line not in sha256sum's"
		    " form: \"%.*s\"", (int)(k < 80 ? k : 80), ln);
		return -1;
	}
	memcpy(name, ln + 66, k - 66);
	name[k - 66] = 0;
	if (!(x = find(m, n, name)) || x->dir) {
		snprintf(err, en, "%s: listed in the manifest, missing from"
		    " the export", name);
		return -1;
	}
	if (listed[x - m]++) {
		snprintf(err, en, "manifest.sha256: %s listed twice", name);
		return -1;
	}
	sha_hex(x->data, x->len, hx);
	if (memcmp(hx, ln, 64) != 0) {
		snprintf(err, en, "%s: changed (its SHA-256 is not the"
		    " manifest's)", name);
		return -1;
	}
	return 0;
}

/* The manifest over the members: each listed member there, unchanged;
 * no regular member unlisted (a directory only as "documents"). */
static int
manifest_check(const struct d_tar_member *m, size_t n, char *err,
    size_t en)
{
	static const char *const need[] = { "count.db", "journal.jsonl",
		"verify.txt", NULL };
	const struct d_tar_member *mf = find(m, n, "manifest.sha256");
	char *listed = calloc(n + 1, 1);
	const char *p, *end;
	int rc = 0;

	if (!mf || !listed) {
		snprintf(err, en, "manifest.sha256: missing from the export");
		free(listed);
		return -1;
	}
	listed[mf - m] = 1;
	p = (const char *)mf->data;
	end = p + mf->len;
	while (rc == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl) {
			snprintf(err, en, "manifest.sha256: the last line has"
			    " no newline");
			rc = -1;
			break;
		}
		rc = manifest_line(p, (size_t)(nl - p), m, n, listed, err,
		    en);
		p = nl + 1;
	}
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (!listed[i] && !(m[i].dir && strcmp(m[i].name,
		    "documents") == 0)) {
			snprintf(err, en, "%s: in the export, not in the"
			    " manifest", m[i].name);
			rc = -1;
		}
	for (int i = 0; rc == 0 && need[i]; i++)
		if (!find(m, n, need[i])) {
			snprintf(err, en, "%s: missing from the export",
			    need[i]);
			rc = -1;
		}
	free(listed);
	return rc;
}

/* The PDF step's members (pdf.txt, documents/X.pdf beside a page
 * documents/X.html the book has issued): the manifest's to check, not
 * made again. */
static int
pdf_member(const char *name, const struct bag *b)
{
	char pn[120];

	if (strcmp(name, "pdf.txt") == 0)
		return 1;
	for (size_t i = 0; i < b->n; i++)
		if (!b->m[i].dir && pdf_name(b->m[i].name, pn, sizeof pn) ==
		    0 && strcmp(pn, name) == 0)
			return 1;
	return 0;
}

/* The members made again from count.db against the tarball's: the
 * same names, the same bytes; the PDF step's aside. */
static int
same_members(const struct bag *b, const struct d_tar_member *m, size_t n,
    char *err, size_t en)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct d_tar_member *x = find(m, n, b->m[i].name);

		if (b->m[i].dir)
			continue;
		if (!x) {
			snprintf(err, en, "%s: missing from the export (the"
			    " book has issued it)", b->m[i].name);
			return -1;
		}
		if (x->len != b->m[i].len || memcmp(x->data, b->m[i].data,
		    x->len) != 0) {
			snprintf(err, en, "%s: not what count.db gives (%s)",
			    x->name, strcmp(x->name, "journal.jsonl") == 0 ?
			    "not the book's journal" : "made again, it"
			    " differs");
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!m[i].dir && strcmp(m[i].name, "count.db") &&
		    strcmp(m[i].name, "manifest.sha256") &&
		    !find(b->m, b->n, m[i].name) &&
		    !pdf_member(m[i].name, b)) {
			snprintf(err, en, "%s: not a document count.db has"
			    " issued", m[i].name);
			return -1;
		}
	return 0;
}

/* count.db of the export to dir/count.db, checked by op as a book, the
 * rest made again from it and compared. */
static int
book_check(const struct d_tar_member *m, size_t n, const char *dir,
    d_f21_open op, char **text, char *err, size_t en)
{
	const struct d_tar_member *db = find(m, n, "count.db");
	const struct d_tar_member *vt = find(m, n, "verify.txt");
	struct bag b = { NULL, 0, 0 };
	struct desk d;
	char p[4200];
	FILE *f;
	int rc;

	snprintf(p, sizeof p, "%s/count.db", dir);
	if (!(f = fopen(p, "wb")) || fwrite(db->data, 1, db->len, f) !=
	    db->len || fclose(f)) {
		snprintf(err, en, "%s: %s", p, strerror(errno));
		return 3;
	}
	if ((rc = op(&d, p))) {
		snprintf(err, en, "count.db: fails its check (chain or"
		    " rules), above");
		return 5;
	}
	rc = made_from(&d, &b) ? 3 : same_members(&b, m, n, err, en) ? 5 : 0;
	if (rc == 3)
		snprintf(err, en, "cannot make the members again");
	d_close(&d);
	bag_free(&b);
	if (rc == 0 && text && (*text = malloc(vt->len + 1))) {
		memcpy(*text, vt->data, vt->len);
		(*text)[vt->len] = 0;
	}
	return rc;
}

int
d_f21_is_tar(const char *path)
{
	unsigned char h[263];
	FILE *f = fopen(path, "rb");
	int yes;

	if (!f)
		return 0;
	yes = fread(h, 1, sizeof h, f) == sizeof h &&
	    memcmp(h + 257, "ustar", 6) == 0;
	fclose(f);
	return yes;
}

int
d_f21_check(const char *file, d_f21_open op, char dir[4096], char **text,
    char *err, size_t en)
{
	struct d_tar_member *m = NULL;
	unsigned char *buf;
	size_t len = 0, n = 0;
	int rc;

	dir[0] = 0;
	if (text)
		*text = NULL;
	if (!(buf = d_slurp_path(file, &len))) {
		snprintf(err, en, "%s", strerror(errno));
		return 1;
	}
	if (d_tar_read(buf, len, &m, &n, err, en) ||
	    manifest_check(m, n, err, en))
		rc = 5;
	else if (scratch_make(dir)) {
		snprintf(err, en, "%s: %s", dir, strerror(errno));
		dir[0] = 0;
		rc = 3;
	} else
		rc = book_check(m, n, dir, op, text, err, en);
	d_tar_free(m, n);
	free(buf);
	return rc;
}

void
d_f21_scratch_remove(const char *dir)
{
	if (dir && dir[0])
		scratch_remove(dir);
}

/* The manifest's lines as [{name, sha256}], manifest.sha256 itself
 * last, for the export.made event (F21's index reads them there). */
static json_t *
manifest_json(const struct d_tar_member *mf)
{
	const char *p = (const char *)mf->data, *end = p + mf->len, *nl;
	json_t *a = json_array();
	char hx[65];

	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p =
	    nl + 1)
		if (nl - p > 66)
			json_array_append_new(a, json_pack("{s:s%, s:s%}",
			    "name", p + 66, (size_t)(nl - p - 66), "sha256",
			    p, (size_t)64));
	sha_hex(mf->data, mf->len, hx);
	json_array_append_new(a, json_pack("{s:s, s:s}", "name",
	    "manifest.sha256", "sha256", hx));
	return a;
}

/* What fn makes of the tarball file's member name; NULL when the file
 * is no tarball or has no such member. */
static json_t *
of_member(const char *file, const char *name,
    json_t *(*fn)(const struct d_tar_member *))
{
	struct d_tar_member *m = NULL;
	const struct d_tar_member *mf;
	unsigned char *buf;
	size_t len = 0, n = 0;
	char err[300];
	json_t *a = NULL;

	if (!(buf = d_slurp_path(file, &len)))
		return NULL;
	if (d_tar_read(buf, len, &m, &n, err, sizeof err) == 0 &&
	    (mf = find(m, n, name)))
		a = fn(mf);
	d_tar_free(m, n);
	free(buf);
	return a;
}

json_t *
d_f21_members(const char *file)
{
	return of_member(file, "manifest.sha256", manifest_json);
}

/* pdf.txt's "failed WHY" lines, as strings; NULL when none. */
static json_t *
pdf_failures(const struct d_tar_member *pt)
{
	const char *p = (const char *)pt->data, *end = p + pt->len;
	const char *nl;
	json_t *a = NULL;

	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p)));
	    p = nl + 1)
		if (nl - p > 7 && memcmp(p, "failed ", 7) == 0) {
			if (!a)
				a = json_array();
			json_array_append_new(a, json_stringn(p + 7,
			    (size_t)(nl - p - 7)));
		}
	return a;
}

json_t *
d_f21_pdf_failed(const char *file)
{
	return of_member(file, "pdf.txt", pdf_failures);
}

/* ---- serve's exports (POST exports, S-24) ---- */

static const char *export_dir;

void
d_f21_dir(const char *dir)
{
	export_dir = dir;
}

const char *
d_f21_dir_get(void)
{
	return export_dir;
}

/* `teller-desk export SNAP --tar OUT` as a process of its own, so that
 * the documents are rendered from the snapshot's own model, not
 * serve's. 0 when it made OUT. */
int
d_f21_spawn(const char *snap, const char *out)
{
	char *argv[] = { (char *)"teller-desk", (char *)"export",
		(char *)(uintptr_t)snap, (char *)"--tar",
		(char *)(uintptr_t)out, NULL, NULL, NULL };

	if (d_pdf_browser_get()) {
		argv[5] = (char *)"--pdf-browser";
		argv[6] = (char *)(uintptr_t)d_pdf_browser_get();
	}

	return d_spawn_self(argv) == 0 ? 0 : -1;
}

int
d_f21_snap(struct desk *d, char dir[4096], char *err, size_t n)
{
	char snap[4200];

	if (scratch_make(dir)) {
		snprintf(err, n, "no scratch directory: %s", strerror(errno));
		dir[0] = 0;
		return -1;
	}
	snprintf(snap, sizeof snap, "%s/count.db", dir);
	if (d_backup_copy(d->db, 0, snap)) {
		scratch_remove(dir);
		dir[0] = 0;
		snprintf(err, n, "cannot copy the book");
		return -1;
	}
	return 0;
}

/* The snapshot (the caller holds the book's lock), then the export made
 * from it with the lock dropped. 0, or -1 with e set. */
static int
export_to(struct desk *d, const char *out, struct d_err *e)
{
	char dir[4096], snap[4200], why[200];
	int rc;

	if (d_f21_snap(d, dir, why, sizeof why))
		return d_fail(e, 503, "read_only", "", "%s", why);
	snprintf(snap, sizeof snap, "%s/count.db", dir);
	d_book_unlock();
	rc = d_f21_spawn(snap, out);
	d_book_lock();
	scratch_remove(dir);
	if (rc)
		return d_fail(e, 503, "read_only", "", "%s: the export could"
		    " not be made (see serve's log)", out);
	d_f21_auto_ok();
	return 0;
}

int
d_f21_post(struct desk *d, const struct d_user *u, const char *ip,
    const json_t *body, json_t **answer, struct d_err *e)
{
	char out[4200], user[64], role[24], hash[65];
	long long seq = d->seq;

	if (strcmp(u->role, "ro") && strcmp(u->role, "manager") &&
	    strcmp(u->role, "admin"))
		return d_forbid(e, "role", "§3.2: backup and export are the"
		    " RO's, the manager's and ADMIN's");
	if (json_object_size(body) != 0)
		return d_fail(e, 400, "bad_request", "", "the body is {}");
	if (!export_dir)
		return d_fail(e, 409, "wrong_state", "§6.6", "serve was"
		    " started without --export-dir: no removable media");
	snprintf(out, sizeof out, "%s/f21-%06lld.tar", export_dir, seq);
	if (access(out, F_OK) == 0)
		return d_fail(e, 409, "wrong_state", "§6.6", "%s exists"
		    " already", out);
	snprintf(user, sizeof user, "%s", u->username);
	snprintf(role, sizeof role, "%s", u->role);
	snprintf(hash, sizeof hash, "%s", d->last_hash);
	if (export_to(d, out, e))
		return -1;
	if (d_log_event(d, "export.made", user, role, ip, json_pack("{s:s,"
	    " s:s, s:I, s:s, s:o*, s:o*}", "kind", "f21", "file", out, "seq",
	    (json_int_t)seq, "hash", hash, "members", d_f21_members(out),
	    "pdf_failed", d_f21_pdf_failed(out))))
		return d_fail(e, 507, "not_saved", "", "NOT SAVED \xe2\x80"
		    "\x94 the export %s is made, but its event could not be"
		    " written", out);
	*answer = json_pack("{s:I, s:s, s:{s:I, s:s}}", "event",
	    (json_int_t)d->seq, "file", out, "checkpoint", "seq",
	    (json_int_t)seq, "hash", hash);
	return 0;
}
