/* SPDX-License-Identifier: MIT */
/*
 * xlsx.c -- a small streaming reader for the first worksheet of an .xlsx
 * workbook (rctab.md 7.1): libzip opens the package, expat streams
 * workbook.xml and its relationships to find sheet 1, the shared strings,
 * then the sheet itself, row by row. Cells are reported as text the way
 * Apache POI's DataFormatter prints them under the General format.
 * Decompression is capped (ctx->lim.unzip_bytes, unzip_ratio), each cell's
 * and shared string's text at ctx->lim.line_bytes, the file at
 * input_bytes; a DOCTYPE is refused in every part, as POI does.
 */

#include <expat.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

#include "rctab.h"
#include "tl_io.h"

/* Local name of a possibly prefixed XML name (names are short: one
 * inline pass, no library call per element). */
static inline const char *
local(const char *n)
{
	const char *l = n;

	for (; *n != '\0'; n++)
		if (*n == ':')
			l = n + 1;
	return l;
}

/* l == lit, for a short literal (compilers expand this inline). */
#define IS(l, lit) (strcmp((l), (lit)) == 0)

static const char *
attr(const char **a, const char *name)
{
	for (; a[0] != NULL; a += 2)
		if (strcmp(local(a[0]), name) == 0)
			return a[1];
	return NULL;
}

/* What every part's handlers share: the first member of each part's
 * state (struct wb, sst, sheet), so that the handlers below can take any
 * of them as user data. */
struct part {
	teller_ctx *ctx;
	const char *file;    /* the workbook's name, for errors */
	XML_Parser p;
	const char *member;  /* zip member being parsed, for messages */
};

/* Fail at the parser's position, naming the member, and stop it. */
static int
part_fail(struct part *pt, int err, const char *what)
{
	int rc = tl_fail_in(pt->ctx, pt->file, err,
	    (long)XML_GetCurrentLineNumber(pt->p),
	    (long)XML_GetCurrentColumnNumber(pt->p) + 1, "%s: %s", pt->member,
	    what);

	XML_StopParser(pt->p, XML_FALSE);
	return rc;
}

/* POI refuses any DOCTYPE in a package part (and with it every entity
 * declaration: "&al;" must never become "Alice"). */
static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)internal;
	part_fail(ud, TELLER_EPARSE, "a DOCTYPE is not allowed");
}

static void XMLCALL
on_entity(void *ud, const XML_Char *name, int param, const XML_Char *val,
    int vlen, const XML_Char *base, const XML_Char *sysid,
    const XML_Char *pubid, const XML_Char *notation)
{
	(void)name;
	(void)param;
	(void)val;
	(void)vlen;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	part_fail(ud, TELLER_EPARSE, "an entity declaration is not allowed");
}

/* Stream zip member `name` through parser p, whose user data starts
 * with pt. Missing member: returns -1 when optional, else an error. */
/*
 * The workbook as a libzip source: the bytes the caller gave (tl_io),
 * handed back (tl_io_release) behind libzip as it reads a member's
 * compressed data in order, so a mapped workbook never stays resident
 * as a whole. What is released ends on a ZSRC_GAP boundary of the
 * address space at least ZSRC_GAP behind the reader, so each release
 * covers whole pages (the next one starts where it ended) and
 * fault-around does not map released pages again. A seek (the central
 * directory, a local header) starts a new run; what libzip reads again
 * simply faults back in.
 */
#define ZSRC_GAP ((uintptr_t)64 << 10)

struct zsrc {
	const struct tl_map *m;
	zip_uint64_t off;  /* libzip's position */
	zip_uint64_t next; /* where the last read ended */
	zip_uint64_t lo;   /* first byte of this run not released */
	zip_error_t err;
};

static void
zsrc_release(struct zsrc *z)
{
	const char *b = z->m->buf;
	uintptr_t a = (uintptr_t)(b + z->off);

	if (a < ZSRC_GAP)
		return;
	a = (a - ZSRC_GAP) & ~(ZSRC_GAP - 1);
	if (a > (uintptr_t)(b + z->lo) + ZSRC_GAP) {
		size_t end = (size_t)(a - (uintptr_t)b);
		tl_io_release(z->m, b + z->lo, end - (size_t)z->lo);
		z->lo = end;
	}
}

static zip_int64_t
zsrc_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct zsrc *z = ud;
	zip_uint64_t size = z->m->len;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		z->off = z->next = z->lo = 0;
		return 0;
	case ZIP_SOURCE_READ:
		if (len > size - z->off)
			len = size - z->off;
		if (z->off != z->next)
			z->lo = z->off;
		memcpy(data, z->m->buf + z->off, (size_t)len);
		z->off += len;
		z->next = z->off;
		zsrc_release(z);
		return (zip_int64_t)len;
	case ZIP_SOURCE_CLOSE:
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		if (len < sizeof *st)
			return -1;
		zip_stat_init(st);
		st->size = size;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof *st;
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&z->err, data, len);
	case ZIP_SOURCE_SEEK: {
		zip_int64_t o = zip_source_seek_compute_offset(z->off, size,
		    data, len, &z->err);
		if (o < 0)
			return -1;
		z->off = (zip_uint64_t)o;
		return 0;
	}
	case ZIP_SOURCE_TELL:
		return (zip_int64_t)z->off;
	case ZIP_SOURCE_SUPPORTS:
		return ZIP_SOURCE_SUPPORTS_SEEKABLE;
	default:
		zip_error_set(&z->err, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

static int
parse_member(teller_ctx *ctx, const char *file, zip_t *za, const char *name,
    XML_Parser p, struct part *pt, bool optional)
{
	zip_int64_t idx = zip_name_locate(za, name, 0);
	zip_stat_t st;
	zip_file_t *zf;
	char buf[65536];
	zip_int64_t n;
	uint64_t total = 0;

	if (idx < 0) {
		if (optional)
			return -1;
		return tl_fail_in(ctx, file, TELLER_EPARSE, 0, 0,
		    "%s: missing from the "
		    "workbook", name);
	}
	if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) != 0)
		return tl_fail_in(ctx, file, TELLER_EPARSE, 0, 0,
		    "%s: unreadable", name);
	if ((st.valid & ZIP_STAT_SIZE) && st.size > ctx->lim.unzip_bytes)
		return tl_fail_in(ctx, file, TELLER_ELIMIT, 0, 0,
		    "%s: %llu bytes "
		    "uncompressed, more than the limit", name,
		    (unsigned long long)st.size);
	if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) &&
	    st.size > (1u << 20) &&
	    st.size / (st.comp_size + 1) > ctx->lim.unzip_ratio)
		return tl_fail_in(ctx, file, TELLER_ELIMIT, 0, 0,
		    "%s: compression ratio "
		    "above %u (zip bomb?)", name, ctx->lim.unzip_ratio);
	pt->ctx = ctx;
	pt->file = file;
	pt->p = p;
	pt->member = name;
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	XML_SetEntityDeclHandler(p, on_entity);
	zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
	if (zf == NULL)
		return tl_fail_in(ctx, file, TELLER_EPARSE, 0, 0,
		    "%s: cannot open: %s", name,
		    zip_strerror(za));
	for (;;) {
		n = zip_fread(zf, buf, sizeof buf);
		if (n < 0) {
			zip_fclose(zf);
			return tl_fail_in(ctx, file, TELLER_EPARSE, 0, 0,
			    "%s: corrupt zip "
			    "data", name);
		}
		total += (uint64_t)n;
		if (total > ctx->lim.unzip_bytes ||
		    ((st.valid & ZIP_STAT_COMP_SIZE) && total > (1u << 20) &&
		    total / (st.comp_size + 1) > ctx->lim.unzip_ratio)) {
			zip_fclose(zf);
			return tl_fail_in(ctx, file, TELLER_ELIMIT, 0, 0,
			    "%s: decompresses "
			    "beyond the limits (zip bomb?)", name);
		}
		if (XML_Parse(p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
			int rc = ctx->err;
			zip_fclose(zf);
			if (rc != TELLER_OK)
				return rc;
			return tl_fail_in(ctx, file, TELLER_EPARSE,
			    (long)XML_GetCurrentLineNumber(p),
			    (long)XML_GetCurrentColumnNumber(p) + 1, "%s: %s",
			    name, XML_ErrorString(XML_GetErrorCode(p)));
		}
		if (n == 0)
			break;
	}
	zip_fclose(zf);
	return TELLER_OK;
}

/* ---- workbook.xml and its rels: the first sheet's part name ---- */

struct wb {
	struct part pt;     /* first: see struct part */
	teller_ctx *ctx;
	char rid[256];      /* r:id of the first <sheet> */
	char target[512];   /* its Target in workbook.xml.rels */
	char sst[512];      /* sharedStrings Target, if listed */
	bool have_sheet;
};

static void XMLCALL
wb_start(void *ud, const char *name, const char **a)
{
	struct wb *w = ud;
	const char *id;

	if (!w->have_sheet && strcmp(local(name), "sheet") == 0 &&
	    (id = attr(a, "id")) != NULL) {
		snprintf(w->rid, sizeof w->rid, "%s", id);
		w->have_sheet = true;
	}
}

static void XMLCALL
rels_start(void *ud, const char *name, const char **a)
{
	struct wb *w = ud;
	const char *id, *tg, *ty;

	if (strcmp(local(name), "Relationship") != 0)
		return;
	id = attr(a, "Id");
	tg = attr(a, "Target");
	ty = attr(a, "Type");
	if (id == NULL || tg == NULL)
		return;
	if (strcmp(id, w->rid) == 0)
		snprintf(w->target, sizeof w->target, "%s", tg);
	if (ty != NULL && strlen(ty) >= 13 &&
	    strcmp(ty + strlen(ty) - 13, "sharedStrings") == 0)
		snprintf(w->sst, sizeof w->sst, "%s", tg);
}

/* Part name of a Target relative to xl/. */
static void
part(char *out, size_t cap, const char *target)
{
	if (target[0] == '/')
		snprintf(out, cap, "%s", target + 1);
	else
		snprintf(out, cap, "xl/%s", target);
}

/* ---- sharedStrings.xml ---- */

struct sst {
	struct part pt;       /* first: see struct part */
	teller_ctx *ctx;
	struct tl_vec *strs;  /* of const char * */
	struct tl_vec *text;  /* current <si> text */
	int in_si, in_t;
	int err;
};

static void XMLCALL
sst_start(void *ud, const char *name, const char **a)
{
	struct sst *s = ud;
	const char *l = local(name);

	(void)a;
	if (strcmp(l, "si") == 0) {
		s->in_si = 1;
		s->text->len = 0;
	} else if (s->in_si && strcmp(l, "t") == 0) {
		s->in_t = 1;
	}
}

static void XMLCALL
sst_end(void *ud, const char *name)
{
	struct sst *s = ud;
	const char *l = local(name);
	char *str;

	if (strcmp(l, "t") == 0) {
		s->in_t = 0;
	} else if (strcmp(l, "si") == 0 && s->in_si) {
		s->in_si = 0;
		str = tl_strndup(s->ctx, s->text->data, s->text->len);
		if (str == NULL || tl_vec_push(s->ctx, s->strs, &str) == NULL)
			s->err = TELLER_ENOMEM;
	}
}

static void XMLCALL
sst_text(void *ud, const char *t, int n)
{
	struct sst *s = ud;

	if (!s->in_t || n <= 0 || s->err != TELLER_OK)
		return;
	if ((size_t)n > s->ctx->lim.line_bytes - s->text->len) {
		s->err = part_fail(&s->pt, TELLER_ELIMIT, "a shared string "
		    "longer than the line limit");
		return;
	}
	if (tl_vec_reserve(s->ctx, s->text, (size_t)n) != TELLER_OK) {
		s->err = TELLER_ENOMEM;
		return;
	}
	memcpy((char *)s->text->data + s->text->len, t, (size_t)n);
	s->text->len += (size_t)n;
}

/* ---- the sheet ---- */

struct sheet {
	struct part pt;      /* first: see struct part */
	teller_ctx *ctx;
	XML_Parser p;
	const struct tl_vec *sst;
	tl_xlsx_row_fn fn;
	void *ud;
	long row;            /* current row number */
	bool in_row;
	int col;             /* current cell column */
	char type[16];       /* t attribute */
	int in_v, in_is_t, in_is;
	bool have_val;
	struct tl_vec *val;  /* text of <v> / inline string */
	struct tl_vec *cells;  /* of struct tl_xlsx_cell */
	struct tl_vec *texts;  /* NUL-separated cell texts */
	int err;
};

/* A non-negative decimal integer (row numbers, string indexes); -1 if
 * not one. */
static long
uint_of(const char *s)
{
	long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if (v < 1000000000L)
			v = v * 10 + (*s - '0');
	return v;
}

/* Column number of a cell reference like "AB12", or 0. */
static int
refcol(const char *r)
{
	int c = 0;

	for (; *r >= 'A' && *r <= 'Z'; r++) {
		c = c * 26 + (*r - 'A' + 1);
		if (c > 100000)
			return 0;
	}
	return c;
}

static long
refrow(const char *r)
{
	long v = 0;

	while (*r >= 'A' && *r <= 'Z')
		r++;
	for (; *r >= '0' && *r <= '9'; r++)
		if (v < 100000000)
			v = v * 10 + (*r - '0');
	return v;
}

/* POI General format of a numeric cell value: integers without a
 * fraction, others as the exact decimal without trailing zeros (no
 * floating point). */
static void
fmt_number(const char *v, size_t n, char *out, size_t cap)
{
	char dg[128], ip[200], fp[200];
	size_t nd = 0, i = 0, ni = 0, nf = 0, k = 0;
	long intd = -1, ex = 0, point, j;
	bool neg = false, exneg = false;

	if (i < n && (v[i] == '-' || v[i] == '+'))
		neg = v[i++] == '-';
	for (; i < n; i++) {
		if (v[i] >= '0' && v[i] <= '9') {
			if (nd + 1 < sizeof dg)
				dg[nd++] = v[i];
		} else if (v[i] == '.' && intd < 0) {
			intd = (long)nd;
		} else if (v[i] == 'E' || v[i] == 'e') {
			i++;
			if (i < n && (v[i] == '-' || v[i] == '+'))
				exneg = v[i++] == '-';
			for (; i < n && v[i] >= '0' && v[i] <= '9'; i++)
				if (ex < 100)
					ex = ex * 10 + (v[i] - '0');
			break;
		} else {
			snprintf(out, cap, "%.*s", (int)n, v);
			return;
		}
	}
	if (intd < 0)
		intd = (long)nd;
	point = intd + (exneg ? -ex : ex);
	for (j = 0; j < point && ni + 1 < sizeof ip; j++)
		ip[ni++] = j < (long)nd ? dg[j] : '0';
	for (j = point < 0 ? point : point; j < (long)nd && nf + 1 < sizeof fp;
	    j++)
		fp[nf++] = j < 0 ? '0' : dg[j];
	while (nf > 0 && fp[nf - 1] == '0')
		nf--;
	for (i = 0; i + 1 < ni && ip[i] == '0'; i++)
		;
	if (neg && (ni - i > 1 || (ni > 0 && ip[i] != '0') || nf > 0))
		out[k++] = '-';
	if (ni == 0)
		out[k++] = '0';
	for (; i < ni && k + 2 < cap; i++)
		out[k++] = ip[i];
	if (nf > 0 && k + 2 < cap) {
		out[k++] = '.';
		for (i = 0; i < nf && k + 1 < cap; i++)
			out[k++] = fp[i];
	}
	out[k] = '\0';
}

static void XMLCALL
sh_start(void *ud, const char *name, const char **a)
{
	struct sheet *s = ud;
	const char *l = local(name), *r, *t;

	if (s->err != TELLER_OK)
		return;
	if (l[0] == 'c' && l[1] == '\0' && s->in_row) {
		r = attr(a, "r");
		s->col = r != NULL && refcol(r) > 0 ? refcol(r) : s->col + 1;
		t = attr(a, "t");
		if (t == NULL)
			t = "n";
		{
			size_t k;
			for (k = 0; t[k] != '\0' && k + 1 < sizeof s->type; k++)
				s->type[k] = t[k];
			s->type[k] = '\0';
		}
		s->have_val = false;
		s->val->len = 0;
	} else if (l[0] == 'v' && l[1] == '\0') {
		s->in_v = 1;
		s->have_val = true;
		s->val->len = 0;
	} else if (IS(l, "row")) {
		r = attr(a, "r");
		s->row = r != NULL ? uint_of(r) : s->row + 1;
		s->in_row = true;
		s->col = 0;
		s->cells->len = 0;
		s->texts->len = 0;
		(void)refrow;
	} else if (IS(l, "is")) {
		s->in_is = 1;
		s->have_val = true;
		s->val->len = 0;
	} else if (IS(l, "t") && s->in_is) {
		s->in_is_t = 1;
	}
}

static void XMLCALL
sh_text(void *ud, const char *t, int n)
{
	struct sheet *s = ud;

	if ((!s->in_v && !s->in_is_t) || n <= 0 || s->err != TELLER_OK)
		return;
	if ((size_t)n > s->ctx->lim.line_bytes - s->val->len) {
		s->err = part_fail(&s->pt, TELLER_ELIMIT, "a cell longer "
		    "than the line limit");
		return;
	}
	if (tl_vec_reserve(s->ctx, s->val, (size_t)n) != TELLER_OK) {
		s->err = TELLER_ENOMEM;
		XML_StopParser(s->p, XML_FALSE);
		return;
	}
	memcpy((char *)s->val->data + s->val->len, t, (size_t)n);
	s->val->len += (size_t)n;
}

/* Append the finished cell's text. */
static void
add_cell(struct sheet *s)
{
	char num[160];
	const char *txt;
	size_t n;
	struct tl_xlsx_cell c;

	n = s->val->len;
	if (tl_vec_reserve(s->ctx, s->val, 1) != TELLER_OK) {
		s->err = TELLER_ENOMEM;
		return;
	}
	((char *)s->val->data)[n] = '\0';
	txt = s->val->data;
	if (IS(s->type, "s")) {
		long i = uint_of(txt);
		if (i < 0 || (size_t)i >= s->sst->len) {
			s->err = tl_fail_in(s->ctx, s->pt.file, TELLER_EPARSE,
			    s->row, s->col, "shared string %ld does not exist",
			    i);
			return;
		}
		txt = TL_VEC_AT(s->sst, const char *, i);
	} else if (IS(s->type, "b")) {
		txt = strcmp(txt, "1") == 0 ? "TRUE" : "FALSE";
	} else if (IS(s->type, "n")) {
		fmt_number(txt, n, num, sizeof num);
		txt = num;
	}
	n = strlen(txt);
	/* a row is a line: shared strings repeated across its cells must
	 * not add up without bound either */
	if (n + 1 > s->ctx->lim.line_bytes - s->texts->len) {
		s->err = part_fail(&s->pt, TELLER_ELIMIT, "a row longer "
		    "than the line limit");
		return;
	}
	c.col = s->col;
	c.text = (const char *)(uintptr_t)s->texts->len; /* offset for now */
	if (tl_vec_reserve(s->ctx, s->texts, n + 1) != TELLER_OK ||
	    tl_vec_push(s->ctx, s->cells, &c) == NULL) {
		s->err = TELLER_ENOMEM;
		return;
	}
	memcpy((char *)s->texts->data + s->texts->len, txt, n + 1);
	s->texts->len += n + 1;
}

static void XMLCALL
sh_end(void *ud, const char *name)
{
	struct sheet *s = ud;
	const char *l = local(name);
	size_t i;

	if (s->err != TELLER_OK)
		return;
	if (IS(l, "v")) {
		s->in_v = 0;
	} else if (IS(l, "c")) {
		if (s->in_row && s->have_val)
			add_cell(s);
	} else if (IS(l, "t")) {
		s->in_is_t = 0;
	} else if (IS(l, "is")) {
		s->in_is = 0;
	} else if (IS(l, "row") && s->in_row) {
		struct tl_xlsx_cell *c = s->cells->data;
		s->in_row = false;
		for (i = 0; i < s->cells->len; i++)
			c[i].text = (const char *)s->texts->data +
			    (uintptr_t)c[i].text;
		s->err = s->fn(s->ctx, s->ud, s->row, c, (int)s->cells->len);
	}
	if (s->err != TELLER_OK)
		XML_StopParser(s->p, XML_FALSE);
}

/* Open the workbook at path as a zip archive read from m (mapped
 * through the caller) by zs. On failure nothing is left open. */
static int
open_zip(teller_ctx *ctx, const char *path, struct tl_map *m,
    struct zsrc *z, zip_t **za)
{
	zip_source_t *zs;
	zip_error_t ze;
	int rc;

	/* The workbook's bytes come through the caller (tl_io); what is
	 * not a regular file is not a workbook (as when libzip opened the
	 * path itself). */
	if (tl_io_kind(ctx, path) != TELLER_PATH_FILE)
		return tl_fail_in(ctx, path, TELLER_EPARSE, 0, 0,
		    "not an xlsx (zip) file");
	if ((rc = tl_io_open(ctx, path, path, m)) != TELLER_OK)
		return rc;
	if (m->len > ctx->lim.input_bytes) {
		size_t len = m->len;
		tl_io_unmap(m);
		return tl_fail_in(ctx, path, TELLER_ELIMIT, 0, 0,
		    "%lld bytes, more than the "
		    "limit of %zu", (long long)len, ctx->lim.input_bytes);
	}
	zip_error_init(&ze);
	memset(z, 0, sizeof *z);
	z->m = m;
	zip_error_init(&z->err);
	zs = zip_source_function_create(zsrc_cb, z, &ze);
	*za = zs == NULL ? NULL : zip_open_from_source(zs, ZIP_RDONLY, &ze);
	zip_error_fini(&ze);
	if (*za == NULL) {
		if (zs != NULL)
			zip_source_free(zs);
		zip_error_fini(&z->err);
		tl_io_unmap(m);
		return tl_fail_in(ctx, path, TELLER_EPARSE, 0, 0,
		    "not an xlsx (zip) file");
	}
	return TELLER_OK;
}

/* Parse member name of za (optional: -1 if it is missing) with a new
 * parser calling start, end and text with ud; if keep is not NULL it
 * holds the parser while it runs. */
static int
parse_with(teller_ctx *ctx, const char *file, zip_t *za, const char *name,
    bool optional,
    struct part *pt, void *ud, XML_StartElementHandler start,
    XML_EndElementHandler end, XML_CharacterDataHandler text,
    XML_Parser *keep)
{
	XML_Parser p = XML_ParserCreate(NULL);
	int rc;

	if (p == NULL)
		return tl_oom(ctx);
	if (keep != NULL)
		*keep = p;
	XML_SetUserData(p, ud);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	rc = parse_member(ctx, file, za, name, p, pt, optional);
	XML_ParserFree(p);
	return rc;
}

/* The workbook and its relations: where the shared strings and the
 * first sheet are. */
static int
read_workbook(teller_ctx *ctx, const char *file, zip_t *za, struct wb *w)
{
	int rc;

	memset(w, 0, sizeof *w);
	w->ctx = ctx;
	if ((rc = parse_with(ctx, file, za, "xl/workbook.xml", false, &w->pt,
	    w, wb_start, NULL, NULL, NULL)) != TELLER_OK)
		return rc;
	rc = parse_with(ctx, file, za, "xl/_rels/workbook.xml.rels", true,
	    &w->pt, w, rels_start, NULL, NULL, NULL);
	return rc == -1 ? TELLER_OK : rc;
}

/* The shared strings (none if the workbook has no such part). */
static int
read_sst(teller_ctx *ctx, const char *file, zip_t *za, const struct wb *w,
    struct sst *sst)
{
	char name[1100];
	int rc;

	memset(sst, 0, sizeof *sst);
	sst->ctx = ctx;
	sst->strs = tl_vec_new(ctx, sizeof(char *));
	sst->text = tl_vec_new(ctx, 1);
	if (sst->strs == NULL || sst->text == NULL)
		return TELLER_ENOMEM;
	if (w->sst[0] != '\0')
		part(name, sizeof name, w->sst);
	else
		snprintf(name, sizeof name, "xl/sharedStrings.xml");
	rc = parse_with(ctx, file, za, name, true, &sst->pt, sst, sst_start,
	    sst_end, sst_text, NULL);
	if (rc != TELLER_OK && rc != -1)
		return rc;
	return sst->err;
}

/* The first sheet, row by row to fn. */
static int
read_sheet(teller_ctx *ctx, const char *file, zip_t *za, const struct wb *w,
    const struct sst *sst, tl_xlsx_row_fn fn, void *ud)
{
	struct sheet sh;
	char name[1100];
	int rc;

	if (w->target[0] != '\0')
		part(name, sizeof name, w->target);
	else
		snprintf(name, sizeof name, "xl/worksheets/sheet1.xml");
	memset(&sh, 0, sizeof sh);
	sh.ctx = ctx;
	sh.sst = sst->strs;
	sh.fn = fn;
	sh.ud = ud;
	sh.val = tl_vec_new(ctx, 1);
	sh.cells = tl_vec_new(ctx, sizeof(struct tl_xlsx_cell));
	sh.texts = tl_vec_new(ctx, 1);
	if (sh.val == NULL || sh.cells == NULL || sh.texts == NULL)
		return tl_oom(ctx);
	rc = parse_with(ctx, file, za, name, false, &sh.pt, &sh, sh_start,
	    sh_end, sh_text, &sh.p);
	if (rc == TELLER_OK && sh.err != TELLER_OK)
		rc = sh.err;
	return rc;
}

int
tl_xlsx_read(teller_ctx *ctx, const char *path, tl_xlsx_row_fn fn, void *ud)
{
	struct wb w;
	struct sst sst;
	struct zsrc zsrc;
	struct tl_map m;
	zip_t *za;
	int rc;

	if ((rc = open_zip(ctx, path, &m, &zsrc, &za)) != TELLER_OK)
		return rc;
	if ((rc = read_workbook(ctx, path, za, &w)) == TELLER_OK &&
	    (rc = read_sst(ctx, path, za, &w, &sst)) == TELLER_OK)
		rc = read_sheet(ctx, path, za, &w, &sst, fn, ud);
	zip_discard(za);
	zip_error_fini(&zsrc.err);
	tl_io_unmap(&m);
	return rc;
}
