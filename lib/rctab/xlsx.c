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
 *
 * Speed (issue 17): a member whose sizes the zip directory gives, up to
 * XLSX_WHOLE_MAX uncompressed, is inflated whole in one libdeflate call
 * (its CRC checked); anything else, or anything libdeflate or the CRC
 * does not accept, is streamed through libzip as before, so the errors
 * stay libzip's. The sheet is then read by a scanner made for the narrow
 * XML subset spreadsheet writers emit (sheet_scan); at the first thing
 * outside it, expat reads the member again from the start, the rows the
 * scanner already gave skipped, so rows and errors are expat's.
 */

#include <expat.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

#include "par.h"
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

struct part;
/* What a fast reader of a member returns to have expat read it. */
#define XLSX_FALLBACK (-2)
/* A fast reader of a member (the sheet), given it a piece at a time:
 * len bytes at buf, what it left unused last time first; final: the
 * member ends there. *used: what it read. TELLER_OK, an error, or
 * XLSX_FALLBACK to have expat read the member from the start. */
typedef int (*scan_fn)(struct part *pt, const char *buf, size_t len,
    bool final, size_t *used);

/* What every part's handlers share: the first member of each part's
 * state (struct wb, sst, sheet), so that the handlers below can take any
 * of them as user data. */
struct part {
	teller_ctx *ctx;
	const char *file;    /* the workbook's name, for errors */
	XML_Parser p;
	const char *member;  /* zip member being parsed, for messages */
	scan_fn scan;        /* fast reader of the member, or NULL */
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

/* Members inflated whole up to this size; larger ones are streamed, so
 * memory stays flat as sheets grow. */
#define XLSX_WHOLE_MAX ((zip_uint64_t)32 << 20)
/* Pieces expat is given (as libzip's reads were), so its events, and so
 * the positions of its errors, are the same either way. */
#define XLSX_PIECE 65536


/*
 * The uncompressed bytes of member idx in one allocation (*out, of
 * st->size bytes; free with tl_free), when the directory gives its sizes
 * and CRC, it is stored or deflated, unencrypted, at most
 * XLSX_WHOLE_MAX, and libdeflate inflates it to exactly that size with
 * that CRC. Returns 1 with *out set, 0 to stream it instead, or -1 out of
 * memory (recorded).
 */
static int
member_whole(teller_ctx *ctx, zip_t *za, zip_uint64_t idx,
    const zip_stat_t *st, char **out)
{
	const zip_uint64_t need = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE |
	    ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC | ZIP_STAT_ENCRYPTION_METHOD;
	struct libdeflate_decompressor *d;
	enum libdeflate_result r;
	zip_file_t *zf;
	zip_int64_t got;
	char *comp, *buf;
	size_t size, csize;
	bool stored;

	*out = NULL;
	if ((st->valid & need) != need || st->size == 0 ||
	    st->size > XLSX_WHOLE_MAX || st->comp_size > XLSX_WHOLE_MAX ||
	    st->encryption_method != ZIP_EM_NONE ||
	    (st->comp_method != ZIP_CM_DEFLATE &&
	    st->comp_method != ZIP_CM_STORE))
		return 0;
	stored = st->comp_method == ZIP_CM_STORE;
	if (stored && st->comp_size != st->size)
		return 0;
	size = (size_t)st->size;
	csize = (size_t)st->comp_size;
	if ((comp = tl_realloc(ctx, NULL, 0, csize + 1)) == NULL)
		return -1;
	zf = zip_fopen_index(za, idx, ZIP_FL_COMPRESSED);
	got = zf == NULL ? -1 : zip_fread(zf, comp, csize + 1);
	if (zf != NULL)
		zip_fclose(zf);
	if (got < 0 || (zip_uint64_t)got != csize) {
		tl_free(ctx, comp, csize + 1);
		return 0;
	}
	if (stored) {
		buf = comp;
	} else {
		if ((buf = tl_realloc(ctx, NULL, 0, size)) == NULL) {
			tl_free(ctx, comp, csize + 1);
			return -1;
		}
		if ((d = libdeflate_alloc_decompressor()) == NULL) {
			tl_free(ctx, buf, size);
			tl_free(ctx, comp, csize + 1);
			tl_oom(ctx);
			return -1;
		}
		r = libdeflate_deflate_decompress(d, comp, csize, buf, size,
		    NULL);
		libdeflate_free_decompressor(d);
		tl_free(ctx, comp, csize + 1);
		if (r != LIBDEFLATE_SUCCESS) {
			tl_free(ctx, buf, size);
			return 0;
		}
	}
	if (libdeflate_crc32(0, buf, size) != st->crc) {
		tl_free(ctx, buf, stored ? csize + 1 : size);
		return 0;
	}
	*out = buf;
	return 1;
}

/* The end of parse_member when expat fails (rc as there). */
static int
expat_error(teller_ctx *ctx, const char *file, XML_Parser p,
    const char *name)
{
	if (ctx->err != TELLER_OK)
		return ctx->err;
	return tl_fail_in(ctx, file, TELLER_EPARSE,
	    (long)XML_GetCurrentLineNumber(p),
	    (long)XML_GetCurrentColumnNumber(p) + 1, "%s: %s", name,
	    XML_ErrorString(XML_GetErrorCode(p)));
}

/* Parse a whole member's bytes with p, in the pieces libzip gave. */
static int
parse_whole(teller_ctx *ctx, const char *file, XML_Parser p,
    const char *name,
    const char *buf, size_t len)
{
	size_t off, n;

	for (off = 0; off < len; off += n) {
		n = len - off < XLSX_PIECE ? len - off : XLSX_PIECE;
		if (XML_Parse(p, buf + off, (int)n, 0) == XML_STATUS_ERROR)
			return expat_error(ctx, file, p, name);
	}
	if (XML_Parse(p, buf, 0, 1) == XML_STATUS_ERROR)
		return expat_error(ctx, file, p, name);
	return TELLER_OK;
}

/* Read from zf a piece of member st->name (at most XLSX_PIECE bytes to
 * buf, *total so far), with the errors and caps of a streamed member. */
static zip_int64_t
read_piece(teller_ctx *ctx, const char *file, zip_file_t *zf,
    const zip_stat_t *st, const char *name, char *buf, uint64_t *total)
{
	zip_int64_t n = zip_fread(zf, buf, XLSX_PIECE);

	if (n < 0) {
		tl_fail_in(ctx, file, TELLER_EPARSE, 0, 0,
		    "%s: corrupt zip data", name);
		return -1;
	}
	*total += (uint64_t)n;
	if (*total > ctx->lim.unzip_bytes ||
	    ((st->valid & ZIP_STAT_COMP_SIZE) && *total > (1u << 20) &&
	    *total / (st->comp_size + 1) > ctx->lim.unzip_ratio)) {
		tl_fail_in(ctx, file, TELLER_ELIMIT, 0, 0,
		    "%s: decompresses beyond the limits (zip bomb?)", name);
		return -1;
	}
	return n;
}

/* Window of a streamed member for its fast reader: a piece and what
 * the last one left (a tag cut by its end). */
#define XLSX_WINDOW (4 * XLSX_PIECE)

/*
 * Stream member idx (not inflated whole) through pt->scan a piece at a
 * time, as expat would be: the same pieces, the same errors and caps, in
 * the same order. XLSX_FALLBACK: expat must read it from the start (a
 * tag longer than the window is too).
 */
static int
scan_member(teller_ctx *ctx, zip_t *za, zip_uint64_t idx,
    const zip_stat_t *st, struct part *pt)
{
	zip_file_t *zf;
	zip_int64_t n;
	uint64_t total = 0;
	size_t have = 0, used;
	char *win;
	int rc;

	if ((win = tl_realloc(ctx, NULL, 0, XLSX_WINDOW)) == NULL)
		return TELLER_ENOMEM;
	zf = zip_fopen_index(za, idx, 0);
	if (zf == NULL) {
		tl_free(ctx, win, XLSX_WINDOW);
		return XLSX_FALLBACK; /* expat's path says why */
	}
	for (;;) {
		if (have > XLSX_WINDOW - XLSX_PIECE) {
			/* a tag longer than the window: the scanner gives
			 * up at it */
			rc = pt->scan(pt, win, have, true, &used);
			break;
		}
		n = read_piece(ctx, pt->file, zf, st, pt->member, win + have,
		    &total);
		if (n < 0) {
			rc = ctx->err;
			break;
		}
		have += (size_t)n;
		rc = pt->scan(pt, win, have, n == 0, &used);
		if (rc != TELLER_OK || n == 0)
			break;
		memmove(win, win + used, have - used);
		have -= used;
	}
	zip_fclose(zf);
	tl_free(ctx, win, XLSX_WINDOW);
	return rc;
}

static int
parse_member(teller_ctx *ctx, const char *file, zip_t *za, const char *name,
    XML_Parser p, struct part *pt, bool optional)
{
	zip_int64_t idx = zip_name_locate(za, name, 0);
	zip_stat_t st;
	zip_file_t *zf;
	char buf[XLSX_PIECE];
	zip_int64_t n;
	uint64_t total = 0;
	char *all;
	int rc;

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
	rc = member_whole(ctx, za, (zip_uint64_t)idx, &st, &all);
	if (rc < 0)
		return TELLER_ENOMEM;
	if (rc > 0) {
		size_t used;
		rc = pt->scan == NULL ? XLSX_FALLBACK : pt->scan(pt, all,
		    (size_t)st.size, true, &used);
		if (rc == XLSX_FALLBACK)
			rc = parse_whole(ctx, file, p, name, all,
			    (size_t)st.size);
		/* a stored member's buffer is its compressed one */
		tl_free(ctx, all, st.comp_method == ZIP_CM_STORE ?
		    (size_t)st.size + 1 : (size_t)st.size);
		return rc;
	}
	if (pt->scan != NULL) {
		rc = scan_member(ctx, za, (zip_uint64_t)idx, &st, pt);
		if (rc != XLSX_FALLBACK)
			return rc;
	}
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
			zip_fclose(zf);
			return expat_error(ctx, file, p, name);
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

/* Where sheet_scan is between pieces: the open elements' names. */
#define SCAN_DEPTH 64
/* The longest row tag tail scan_quick_row keeps. */
#define SCAN_TAIL 96
struct scan {
	bool started, done;  /* past the XML declaration; the root ended */
	int depth;
	char name[SCAN_DEPTH][24];
	size_t len[SCAN_DEPTH];
	unsigned char kind[SCAN_DEPTH]; /* enum sh_elem of each */
	/* the last row tag read whole that began "row r=\"DIGITS\"": what
	 * followed its digits, up to its '>' (0 bytes: none yet) */
	char tail[SCAN_TAIL];
	size_t ntail;
};

struct sheet {
	struct part pt;      /* first: see struct part */
	teller_ctx *ctx;
	XML_Parser p;
	const struct tl_vec *sst;
	struct tl_vec *sstlen;   /* of size_t: strlen of each shared string */
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
	size_t rowbytes;     /* the row's texts, shared ones included */
	int err;
	bool fast;           /* sheet_scan is reading */
	long given;          /* rows given to fn */
	long skip;           /* rows expat does not give again */
	struct scan scan;
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

/* The elements of a sheet that matter, by local name. */
enum sh_elem { SH_OTHER, SH_C, SH_V, SH_ROW, SH_IS, SH_T };

static enum sh_elem
sh_kind(const char *l, size_t n)
{
	if (n == 1)
		return l[0] == 'c' ? SH_C : l[0] == 'v' ? SH_V :
		    l[0] == 't' ? SH_T : SH_OTHER;
	if (n == 2 && l[0] == 'i' && l[1] == 's')
		return SH_IS;
	if (n == 3 && memcmp(l, "row", 3) == 0)
		return SH_ROW;
	return SH_OTHER;
}

/* An element opens: r and t its attributes of those local names (NULL
 * if absent; r ends at any byte that is not a letter or digit, t is tn
 * bytes long). */
static void
sh_open(struct sheet *s, enum sh_elem k, const char *r, const char *t,
    size_t tn)
{
	size_t i;

	if (s->err != TELLER_OK)
		return;
	switch (k) {
	case SH_C:
		if (!s->in_row)
			break;
		if (r == NULL || (i = (size_t)refcol(r)) == 0)
			i = (size_t)s->col + 1;
		s->col = (int)i;
		if (t == NULL) {
			t = "n";
			tn = 1;
		}
		for (i = 0; i < tn && t[i] != '\0' && i + 1 < sizeof s->type;
		    i++)
			s->type[i] = t[i];
		s->type[i] = '\0';
		s->have_val = false;
		s->val->len = 0;
		break;
	case SH_V:
		s->in_v = 1;
		s->have_val = true;
		s->val->len = 0;
		break;
	case SH_ROW:
		s->row = r != NULL ? uint_of(r) : s->row + 1;
		s->in_row = true;
		s->col = 0;
		s->cells->len = 0;
		s->texts->len = 0;
		s->rowbytes = 0;
		(void)refrow;
		break;
	case SH_IS:
		s->in_is = 1;
		s->have_val = true;
		s->val->len = 0;
		break;
	case SH_T:
		if (s->in_is)
			s->in_is_t = 1;
		break;
	case SH_OTHER:
		break;
	}
}

static void XMLCALL
sh_start(void *ud, const char *name, const char **a)
{
	struct sheet *s = ud;
	const char *l = local(name), *t = attr(a, "t");

	sh_open(s, sh_kind(l, strlen(l)), attr(a, "r"), t,
	    t != NULL ? strlen(t) : 0);
}

/* Character data: kept inside <v> and an inline string's <t>. */
static void
sh_chars(struct sheet *s, const char *t, size_t n)
{
	if ((!s->in_v && !s->in_is_t) || n == 0 || s->err != TELLER_OK)
		return;
	if (n > s->ctx->lim.line_bytes - s->val->len) {
		s->err = s->fast ? XLSX_FALLBACK : part_fail(&s->pt,
		    TELLER_ELIMIT, "a cell longer than the line limit");
		return;
	}
	/* room for add_cell's NUL too */
	if (s->val->cap - s->val->len <= n &&
	    tl_vec_reserve(s->ctx, s->val, n + 1) != TELLER_OK) {
		s->err = TELLER_ENOMEM;
		if (!s->fast)
			XML_StopParser(s->p, XML_FALSE);
		return;
	}
	memcpy((char *)s->val->data + s->val->len, t, n);
	s->val->len += n;
}

static void XMLCALL
sh_text(void *ud, const char *t, int n)
{
	if (n > 0)
		sh_chars(ud, t, (size_t)n);
}

/* Whether v (n bytes) is a number fmt_number gives as it is: a few
 * digits, no leading zero. */
static inline bool
plain_int(const char *v, size_t n)
{
	size_t i;

	if (n == 0 || n > 100 || (v[0] == '0' && n > 1))
		return false;
	for (i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return false;
	return true;
}

/* Append the finished cell's text. The scanner (s->fast) leaves every
 * error but running out of memory to expat. */
static void
add_cell(struct sheet *s)
{
	char num[160];
	const char *txt;
	size_t n;
	struct tl_xlsx_cell c;

	n = s->val->len;
	if (s->val->cap == n && tl_vec_reserve(s->ctx, s->val, 1) !=
	    TELLER_OK) {
		s->err = TELLER_ENOMEM;
		return;
	}
	((char *)s->val->data)[n] = '\0';
	txt = s->val->data;
	c.shared = false;
	if (s->type[0] == 's' && s->type[1] == '\0') {
		long i = uint_of(txt);
		if (i < 0 || (size_t)i >= s->sst->len) {
			s->err = s->fast ? XLSX_FALLBACK : tl_fail_in(s->ctx,
			    s->pt.file, TELLER_EPARSE, s->row, s->col,
			    "shared string %ld does not exist", i);
			return;
		}
		txt = TL_VEC_AT(s->sst, const char *, i);
		n = TL_VEC_AT(s->sstlen, size_t, i);
		c.shared = true;
	} else if (IS(s->type, "b")) {
		txt = strcmp(txt, "1") == 0 ? "TRUE" : "FALSE";
		n = strlen(txt);
	} else if (IS(s->type, "n") && !plain_int(txt, n)) {
		fmt_number(txt, n, num, sizeof num);
		txt = num;
		n = strlen(txt);
	} else {
		n = strlen(txt);
	}
	/* a row is a line: shared strings repeated across its cells must
	 * not add up without bound either */
	if (n + 1 > s->ctx->lim.line_bytes - s->rowbytes) {
		s->err = s->fast ? XLSX_FALLBACK : part_fail(&s->pt,
		    TELLER_ELIMIT, "a row longer than the line limit");
		return;
	}
	s->rowbytes += n + 1;
	c.col = s->col;
	c.len = n;
	if (c.shared) {
		/* the shared string itself: no copy */
		c.text = txt;
		if (tl_vec_push(s->ctx, s->cells, &c) == NULL)
			s->err = TELLER_ENOMEM;
		return;
	}
	c.text = (const char *)(uintptr_t)s->texts->len; /* offset for now */
	if (tl_vec_reserve(s->ctx, s->texts, n + 1) != TELLER_OK ||
	    tl_vec_push(s->ctx, s->cells, &c) == NULL) {
		s->err = TELLER_ENOMEM;
		return;
	}
	memcpy((char *)s->texts->data + s->texts->len, txt, n + 1);
	s->texts->len += n + 1;
}

/* An element closes. */
static void
sh_close(struct sheet *s, enum sh_elem k)
{
	size_t i;

	if (s->err != TELLER_OK)
		return;
	switch (k) {
	case SH_V:
		s->in_v = 0;
		break;
	case SH_C:
		if (s->in_row && s->have_val)
			add_cell(s);
		break;
	case SH_T:
		s->in_is_t = 0;
		break;
	case SH_IS:
		s->in_is = 0;
		break;
	case SH_ROW: {
		struct tl_xlsx_cell *c = s->cells->data;
		if (!s->in_row)
			break;
		s->in_row = false;
		/* expat after the scanner: the rows it gave are not given
		 * again */
		if (s->skip > 0) {
			s->skip--;
			break;
		}
		for (i = 0; i < s->cells->len; i++)
			if (!c[i].shared)
				c[i].text = (const char *)s->texts->data +
				    (uintptr_t)c[i].text;
		s->err = s->fn(s->ctx, s->ud, s->row, c, (int)s->cells->len);
		if (s->err == TELLER_OK)
			s->given++;
		break;
	}
	case SH_OTHER:
		break;
	}
}

static void XMLCALL
sh_end(void *ud, const char *name)
{
	struct sheet *s = ud;
	const char *l = local(name);

	sh_close(s, sh_kind(l, strlen(l)));
	if (s->err != TELLER_OK)
		XML_StopParser(s->p, XML_FALSE);
}

/*
 * The sheet scanner. It reads the subset of XML that spreadsheet writers
 * emit and gives the same events as expat: an optional standard XML
 * declaration, then elements with short ASCII names and attributes in
 * quotes, text of printable ASCII and white space. A comment, processing
 * instruction, DOCTYPE, CDATA section, reference (&), ']', carriage
 * return in a cell's text, control or non-ASCII byte, malformed tag, end
 * tag that does not match, duplicate attribute, nesting deeper than
 * SCAN_DEPTH, text outside the root or anything after it, and every
 * error the handlers would report at expat's position, make it return
 * XLSX_FALLBACK before the row concerned is given: expat then reads the
 * part again from the start (the rows given are skipped), so every
 * result and error is expat's. It reads a piece at a time (sheet_scan
 * says how much it used: a tag cut by the piece's end waits for the
 * next), so a streamed member is read in the same order as by expat.
 */
#define SCAN_ATTRS 32

enum { SC_PLAIN = 1, SC_WS = 2, SC_NAME1 = 4, SC_NAME = 8, SC_REF = 16,
    SC_AVAL = 32 };

/* Byte classes: SC_PLAIN text (printable ASCII but '<', '&' and ']', or
 * white space), SC_WS white space, SC_NAME1 a name's first byte, SC_NAME
 * its others (ASCII only: anything else is expat's), SC_AVAL a byte of an
 * attribute value in double quotes (printable ASCII but '<', '&', '"'). */
#define SC_(c) ((((c) >= 0x20 && (c) < 0x80 && (c) != '<' && (c) != '&' && \
    (c) != ']') || (c) == '\t' || (c) == '\n' || (c) == '\r' ? SC_PLAIN : 0) | \
    ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r' ? SC_WS : 0) | \
    (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || \
    (c) == '_' || (c) == ':' ? SC_NAME1 | SC_NAME : 0) | \
    (((c) >= '0' && (c) <= '9') || (c) == '-' || (c) == '.' ? SC_NAME : 0) | \
    (((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'z') || \
    ((c) >= 'A' && (c) <= 'Z') ? SC_REF : 0) | \
    ((c) >= 0x20 && (c) < 0x80 && (c) != '<' && (c) != '&' && (c) != '"' ? \
    SC_AVAL : 0))
#define SC4_(c) SC_(c), SC_((c) + 1), SC_((c) + 2), SC_((c) + 3)
#define SC16_(c) SC4_(c), SC4_((c) + 4), SC4_((c) + 8), SC4_((c) + 12)
#define SC64_(c) SC16_(c), SC16_((c) + 16), SC16_((c) + 32), SC16_((c) + 48)
static const unsigned char sc_class[256] = {
	SC64_(0), SC64_(64), SC64_(128), SC64_(192)
};

#define SC_IS(c, k) ((sc_class[(unsigned char)(c)] & (k)) != 0)

/* End of the name starting at p (p itself if there is none). */
static inline const char *
scan_name_end(const char *p, const char *e)
{
	if (p == e || !SC_IS(*p, SC_NAME1))
		return p;
	for (p++; p < e && SC_IS(*p, SC_NAME); p++)
		;
	return p;
}

/* Local part of the name [n, e). */
static inline const char *
scan_local(const char *n, const char *e, size_t *len)
{
	const char *l = n;

	for (; n < e; n++)
		if (*n == ':')
			l = n + 1;
	*len = (size_t)(e - l);
	return l;
}

/* What a tag cut by the end of a piece returns: wait for more. */
#define SCAN_MORE (-3)

/* Read the start tag after its '<' at *pp; on success *pp is after its
 * '>', and *empty says whether it was "/>". */
static int
scan_start_tag(struct sheet *s, const char **pp, const char *e,
    const char **nm, size_t *nmlen, bool *empty)
{
	const char *p = *pp, *ne, *an[SCAN_ATTRS], *r = NULL, *t = NULL, *l, *v;
	size_t al[SCAN_ATTRS], na = 0, tn = 0, ll, i;
	bool ws;

	ne = scan_name_end(p, e);
	if (ne == e)
		return SCAN_MORE;
	if (ne == p)
		return XLSX_FALLBACK;
	*nm = p;
	*nmlen = (size_t)(ne - p);
	p = ne;
	for (;;) {
		for (ws = false; p < e && SC_IS(*p, SC_WS); p++)
			ws = true;
		if (p == e)
			return SCAN_MORE;
		if (*p == '>' || *p == '/')
			break;
		ne = scan_name_end(p, e);
		if (ne == e)
			return SCAN_MORE;
		if (!ws || ne == p || na == SCAN_ATTRS)
			return XLSX_FALLBACK;
		for (i = 0; i < na; i++)
			if (al[i] == (size_t)(ne - p) &&
			    memcmp(an[i], p, al[i]) == 0)
				return XLSX_FALLBACK;
		an[na] = p;
		al[na++] = (size_t)(ne - p);
		l = scan_local(p, ne, &ll);
		for (p = ne; p < e && SC_IS(*p, SC_WS); p++)
			;
		if (p == e)
			return SCAN_MORE;
		if (*p++ != '=')
			return XLSX_FALLBACK;
		for (; p < e && SC_IS(*p, SC_WS); p++)
			;
		if (p == e)
			return SCAN_MORE;
		if (*p != '"' && *p != '\'')
			return XLSX_FALLBACK;
		v = ++p;
		for (; p < e && *p != v[-1]; p++)
			if ((unsigned char)*p < 0x20 ||
			    (unsigned char)*p >= 0x80 || *p == '<' ||
			    *p == '&')
				return XLSX_FALLBACK;
		if (p == e)
			return SCAN_MORE;
		if (ll == 1 && l[0] == 'r' && r == NULL) {
			r = v;
		} else if (ll == 1 && l[0] == 't' && t == NULL) {
			t = v;
			tn = (size_t)(p - v);
		}
		p++;
	}
	*empty = *p == '/';
	if (*empty && ++p == e)
		return SCAN_MORE;
	if (*empty && *p != '>')
		return XLSX_FALLBACK;
	*pp = p + 1;
	l = scan_local(*nm, *nm + *nmlen, &ll);
	sh_open(s, sh_kind(l, ll), r, t, tn);
	return s->err;
}

/* Sheets expat took over from the scanner, for tests. */
static atomic_long takeovers;

long
tl_xlsx_takeovers(void)
{
	return atomic_load(&takeovers);
}

/* Read the end tag after its "<" at *pp (at its '/'); on success *pp is
 * after its '>' and the element is closed (s->err says how that went). */
static int
scan_end_tag(struct sheet *s, const char **pp, const char *e)
{
	struct scan *sc = &s->scan;
	const char *p = *pp + 1, *q;

	if (sc->depth > 0 && sc->len[sc->depth - 1] == 3 &&
	    sc->kind[sc->depth - 1] == SH_ROW && e - p >= 4 &&
	    memcmp(p, "row>", 4) == 0) {
		/* "</row>" closing the row named "row": the commonest */
		p += 4;
		goto close;
	}
	q = scan_name_end(p, e);
	if (q == e)
		return SCAN_MORE;
	if (sc->depth == 0 || (size_t)(q - p) != sc->len[sc->depth - 1] ||
	    (q - p == 1 ? *p != sc->name[sc->depth - 1][0] :
	    memcmp(p, sc->name[sc->depth - 1], (size_t)(q - p)) != 0))
		return XLSX_FALLBACK;
	for (p = q; p < e && SC_IS(*p, SC_WS); p++)
		;
	if (p == e)
		return SCAN_MORE;
	if (*p++ != '>')
		return XLSX_FALLBACK;
close:
	*pp = p;
	sc->depth--;
	sh_close(s, (enum sh_elem)sc->kind[sc->depth]);
	sc->done = sc->depth == 0;
	return TELLER_OK;
}

/* End of a run of bytes of class k from p (at most e). */
static inline const char *
scan_run(const char *p, const char *e, unsigned char k)
{
	while (p < e && SC_IS(*p, k))
		p++;
	return p;
}

/*
 * The tags that make up nearly all of a sheet, read without the general
 * machinery: "<v>" and "<c r=\"REF\">" or "<c r=\"REF\" t=\"T\">" (REF
 * letters and digits, T letters). The tag after its '<' at *pp: true
 * when it was one of these, read whole (*pp after its '>'), the element
 * opened and pushed as scan_start_tag would; false to read it the
 * general way (nothing done).
 */
static bool
scan_quick_tag(struct sheet *s, const char **pp, const char *e)
{
	struct scan *sc = &s->scan;
	const char *p = *pp, *r, *re, *t = NULL, *te = NULL;
	enum sh_elem k;

	if (e - p >= 2 && p[0] == 'v' && p[1] == '>') {
		k = SH_V;
		r = NULL;
		p += 2;
	} else if (e - p >= 6 && p[0] == 'c' && p[1] == ' ' &&
	    p[2] == 'r' && p[3] == '=' && p[4] == '"') {
		k = SH_C;
		r = p + 5;
		re = scan_run(r, e, SC_REF);
		if (re == e || *re != '"')
			return false;
		p = re + 1;
		if (e - p >= 5 && p[0] == ' ' && p[1] == 't' && p[2] == '=' &&
		    p[3] == '"') {
			t = p + 4;
			te = scan_run(t, e, SC_REF);
			if (te == e || *te != '"')
				return false;
			p = te + 1;
		}
		if (p == e || *p != '>')
			return false;
		p++;
	} else {
		return false;
	}
	*pp = p;
	sh_open(s, k, r, t, t != NULL ? (size_t)(te - t) : 0);
	sc->name[sc->depth][0] = k == SH_V ? 'v' : 'c';
	sc->len[sc->depth] = 1;
	sc->kind[sc->depth++] = (unsigned char)k;
	return true;
}

/* The digits of a row tag's "r=\"DIGITS\"" after its '<' at t (t + 7),
 * followed by '"', or NULL; e: the end of the piece. */
static inline const char *
scan_row_digits(const char *t, const char *e)
{
	const char *d;

	if (e - t < 8 || memcmp(t, "row r=\"", 7) != 0)
		return NULL;
	for (d = t + 7; d < e && *d >= '0' && *d <= '9'; d++)
		;
	return d > t + 7 && d < e && *d == '"' ? d : NULL;
}

/* Keep the row tag [t, gt] (after its '<', to its '>'), read whole by
 * scan_quick_row, when it begins "row r=\"DIGITS\"": what follows the
 * digits, to match the next rows' tags against. */
static void
scan_row_keep(struct scan *sc, const char *t, const char *gt)
{
	const char *d = scan_row_digits(t, gt);

	sc->ntail = 0;
	if (d != NULL && (size_t)(gt + 1 - d) <= SCAN_TAIL) {
		sc->ntail = (size_t)(gt + 1 - d);
		memcpy(sc->tail, d, sc->ntail);
	}
}

/* A row tag after its '<' at t that is the kept one but for its
 * digits: the same attributes, already checked, with r's value digits
 * as before. Its '>', or NULL. */
static inline const char *
scan_row_again(const struct scan *sc, const char *t, const char *e)
{
	const char *d;

	if (sc->ntail == 0 || (d = scan_row_digits(t, e)) == NULL ||
	    (size_t)(e - d) < sc->ntail || memcmp(d, sc->tail, sc->ntail) != 0)
		return NULL;
	return d + sc->ntail - 1;
}

/*
 * A row's start tag as writers emit it: "<row" then attributes each
 * written ' NAME="VALUE"' (at most SCAN_ATTRS, none twice), then '>'.
 * The tag after its '<' at *pp: true when it was one, read whole (*pp
 * after its '>'), the row opened and pushed as scan_start_tag would;
 * false to read it the general way (nothing done).
 */
static bool
scan_quick_row(struct sheet *s, const char **pp, const char *e)
{
	struct scan *sc = &s->scan;
	const char *p = *pp, *an[SCAN_ATTRS], *r = NULL, *l, *ne;
	size_t al[SCAN_ATTRS], na = 0, ll, i;

	if (e - p < 4 || memcmp(p, "row", 3) != 0)
		return false;
	if ((p = scan_row_again(sc, p, e)) != NULL) {
		r = *pp + 7;
		goto open;
	}
	p = *pp;
	for (p += 3; p < e && *p == ' '; p = ne + 1) {
		ne = scan_name_end(++p, e);
		if (ne == p || e - ne < 3 || ne[0] != '=' || ne[1] != '"' ||
		    na == SCAN_ATTRS)
			return false;
		for (i = 0; i < na; i++)
			if (al[i] == (size_t)(ne - p) &&
			    memcmp(an[i], p, al[i]) == 0)
				return false;
		an[na] = p;
		al[na++] = (size_t)(ne - p);
		l = scan_local(p, ne, &ll);
		if (ll == 1 && l[0] == 'r' && r == NULL)
			r = ne + 2;
		ne = scan_run(ne + 2, e, SC_AVAL);
		if (ne == e || *ne != '"')
			return false;
	}
	if (p == e || *p != '>')
		return false;
	scan_row_keep(sc, *pp, p);
open:
	*pp = p + 1;
	sh_open(s, SH_ROW, r, NULL, 0);
	memcpy(sc->name[sc->depth], "row", 3);
	sc->len[sc->depth] = 3;
	sc->kind[sc->depth++] = (unsigned char)SH_ROW;
	return true;
}

/*
 * A whole cell of the commonest kinds, read in one go: "<c r=\"REF\">"
 * or "<c r=\"REF\" t=\"s\">", then "<v>DIGITS</v></c>" (REF letters and
 * digits, 1 to 9 digits), inside a row. The cell after its '<' at *pp:
 * true when it was one, read whole (*pp after the last '>') and left as
 * the four tags read one by one leave it (the column, type and value
 * set, the cell added, nothing on the stack); false to read it tag by
 * tag (nothing done). What would fail (a missing shared string, a
 * limit) is left to the tags too; running out of memory is s->err.
 */
static bool
scan_quick_cell(struct sheet *s, const char **pp, const char *e)
{
	const char *p = *pp, *r, *re, *v;
	struct tl_xlsx_cell c;
	size_t n;
	bool shared = false;
	long i = 0, col;

	if (!s->in_row || s->scan.depth + 1 >= SCAN_DEPTH || e - p < 24 ||
	    memcmp(p, "c r=\"", 5) != 0)
		return false;
	r = p + 5;
	re = scan_run(r, e, SC_REF);
	if (e - re < 16 || *re != '"')
		return false;
	p = re + 1;
	if (memcmp(p, " t=\"s\"", 6) == 0) {
		shared = true;
		p += 6;
	}
	if (e - p < 14 || memcmp(p, "><v>", 4) != 0)
		return false;
	v = p += 4;
	while (p < e && *p >= '0' && *p <= '9' && p - v < 10)
		p++;
	n = (size_t)(p - v);
	if (n == 0 || n > 9 || e - p < 9 || memcmp(p, "</v></c>", 8) != 0)
		return false;
	if (shared) {
		/* uint_of's value: at most 9 digits */
		for (i = 0; v < p; v++)
			i = i * 10 + (*v - '0');
		v -= n;
		if ((size_t)i >= s->sst->len ||
		    TL_VEC_AT(s->sstlen, size_t, i) + 1 >
		    s->ctx->lim.line_bytes - s->rowbytes)
			return false;
	} else if ((*v == '0' && n > 1) ||
	    n + 1 > s->ctx->lim.line_bytes - s->rowbytes) {
		return false;
	}
	/* sh_chars's limit, and room for the value copied in 9 bytes and
	 * add_cell's NUL */
	if (n > s->ctx->lim.line_bytes)
		return false;
	if (s->val->cap < 16 && tl_vec_reserve(s->ctx, s->val, 16) !=
	    TELLER_OK) {
		s->err = TELLER_ENOMEM;
		return true;
	}
	col = refcol(r);
	s->col = col > 0 ? (int)col : s->col + 1;
	s->type[0] = shared ? 's' : 'n';
	s->type[1] = '\0';
	s->have_val = true;
	s->in_v = 0;
	/* the value (at most 9 digits, and "</v></c>" after them): 9
	 * bytes copied, n kept */
	memcpy(s->val->data, v, 8);
	((char *)s->val->data)[8] = v[8];
	((char *)s->val->data)[n] = '\0';
	s->val->len = n;
	*pp = p + 8;
	/* add_cell, its checks made above */
	c.col = s->col;
	c.shared = shared;
	if (shared) {
		c.text = TL_VEC_AT(s->sst, const char *, i);
		c.len = TL_VEC_AT(s->sstlen, size_t, i);
		if (s->cells->len < s->cells->cap)
			((struct tl_xlsx_cell *)s->cells->data)[
			    s->cells->len++] = c;
		else if (tl_vec_push(s->ctx, s->cells, &c) == NULL)
			s->err = TELLER_ENOMEM;
	} else {
		c.len = n;
		c.text = (const char *)(uintptr_t)s->texts->len;
		if (tl_vec_reserve(s->ctx, s->texts, n + 1) != TELLER_OK ||
		    tl_vec_push(s->ctx, s->cells, &c) == NULL) {
			s->err = TELLER_ENOMEM;
			return true;
		}
		memcpy((char *)s->texts->data + s->texts->len, v, n);
		((char *)s->texts->data)[s->texts->len + n] = '\0';
		s->texts->len += n + 1;
	}
	s->rowbytes += c.len + 1;
	return true;
}

/* The quick readers above, in turn: true when one read the tag. */
static inline bool
scan_quick(struct sheet *s, const char **pp, const char *e)
{
	return scan_quick_cell(s, pp, e) || scan_quick_tag(s, pp, e) ||
	    scan_quick_row(s, pp, e);
}

/* Back to the top for expat: the rows given are skipped. */
static int
scan_fallback(struct sheet *s)
{
	atomic_fetch_add(&takeovers, 1);
	s->fast = false;
	s->err = TELLER_OK;
	s->skip = s->given;
	s->row = 0;
	s->in_row = s->have_val = false;
	s->col = s->in_v = s->in_is_t = s->in_is = 0;
	s->val->len = s->cells->len = s->texts->len = 0;
	s->rowbytes = 0;
	return XLSX_FALLBACK;
}

/*
 * Scan the next piece of the sheet, len bytes at buf (what the last call
 * left unused first; final: the member ends there). *used: the bytes
 * read (the rest is a tag cut by the piece's end). TELLER_OK, an error
 * of the row function or memory, or XLSX_FALLBACK.
 */
static int
sheet_scan(struct part *pt, const char *buf, size_t len, bool final,
    size_t *used)
{
	static const char d1[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" "
	    "standalone=\"yes\"?>";
	static const char d2[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
	struct sheet *s = (struct sheet *)pt;
	struct scan *sc = &s->scan;
	const char *p = buf, *e = buf + len, *q, *nm, *l, *tag;
	size_t nmlen, ll;
	int rc;
	bool empty;

	*used = 0;
	if (!sc->started) {
		if (len < sizeof d1 - 1 && !final)
			return TELLER_OK;
		sc->started = true;
		s->fast = true;
		if (len >= sizeof d1 - 1 && memcmp(p, d1, sizeof d1 - 1) == 0)
			p += sizeof d1 - 1;
		else if (len >= sizeof d2 - 1 &&
		    memcmp(p, d2, sizeof d2 - 1) == 0)
			p += sizeof d2 - 1;
	}
	s->fast = true;
	for (;;) {
		for (q = p; p < e && SC_IS(*p, SC_PLAIN); p++)
			;
		if (p < e && *p != '<')
			return scan_fallback(s);
		if (sc->depth == 0) {
			for (; q < p; q++)
				if (!SC_IS(*q, SC_WS))
					return scan_fallback(s);
		} else if (q < p && (s->in_v || s->in_is_t)) {
			/* expat gives a carriage return as a newline */
			if (memchr(q, '\r', (size_t)(p - q)) != NULL)
				return scan_fallback(s);
			sh_chars(s, q, (size_t)(p - q));
			if (s->err != TELLER_OK)
				goto stop;
		}
		if (p == e)
			break;
		tag = p;
		if (++p == e) {
			rc = SCAN_MORE;
		} else if (*p == '/') {
			rc = scan_end_tag(s, &p, e);
			if (rc == XLSX_FALLBACK)
				return scan_fallback(s);
			if (rc != SCAN_MORE && s->err != TELLER_OK)
				goto stop;
			if (rc == TELLER_OK)
				continue;
		} else if (sc->done || sc->depth == SCAN_DEPTH) {
			return scan_fallback(s);
		} else if (scan_quick(s, &p, e)) {
			if (s->err != TELLER_OK)
				goto stop;
			continue;
		} else {
			rc = scan_start_tag(s, &p, e, &nm, &nmlen, &empty);
			if (rc == TELLER_OK && empty) {
				l = scan_local(nm, nm + nmlen, &ll);
				sh_close(s, sh_kind(l, ll));
				rc = s->err;
				sc->done = sc->depth == 0;
			} else if (rc == TELLER_OK) {
				if (nmlen > sizeof sc->name[0])
					return scan_fallback(s);
				memcpy(sc->name[sc->depth], nm, nmlen);
				l = scan_local(nm, nm + nmlen, &ll);
				sc->kind[sc->depth] = (unsigned char)sh_kind(l,
				    ll);
				sc->len[sc->depth++] = nmlen;
			}
			if (rc != TELLER_OK && rc != SCAN_MORE) {
				s->err = rc;
				goto stop;
			}
		}
		if (rc == SCAN_MORE) {
			/* a tag cut by the piece's end: wait for the rest */
			if (final)
				return scan_fallback(s);
			p = tag;
			break;
		}
	}
	if (final && !sc->done)
		return scan_fallback(s);
	*used = (size_t)(p - buf);
	s->fast = false;
	return TELLER_OK;
stop:
	if (s->err == XLSX_FALLBACK)
		return scan_fallback(s);
	s->fast = false;
	return s->err;
}

/* Map the workbook at path through the caller (tl_io) into m. On
 * failure nothing is left open. */
static int
open_map(teller_ctx *ctx, const char *path, struct tl_map *m)
{
	int rc;

	/* what is not a regular file is not a workbook (as when libzip
	 * opened the path itself) */
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
	return TELLER_OK;
}

/* Open the workbook mapped at m as a zip archive read by z. On failure
 * nothing is left open (m stays mapped). */
static int
open_zip(teller_ctx *ctx, const char *path, struct tl_map *m,
    struct zsrc *z, zip_t **za)
{
	zip_source_t *zs;
	zip_error_t ze;

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
read_workbook(teller_ctx *ctx, const char *file, zip_t *za,
    struct wb *w)
{
	int rc;

	memset(w, 0, sizeof *w);
	w->ctx = ctx;
	if ((rc = parse_with(ctx, file, za, "xl/workbook.xml", false, &w->pt, w,
	    wb_start, NULL, NULL, NULL)) != TELLER_OK)
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

/* Set up sh to give the rows of a sheet to fn, shared strings strs. */
static int
sheet_init(teller_ctx *ctx, struct sheet *sh, const struct tl_vec *strs,
    tl_xlsx_row_fn fn, void *ud)
{
	size_t i;

	memset(sh, 0, sizeof *sh);
	sh->ctx = ctx;
	sh->sst = strs;
	sh->fn = fn;
	sh->ud = ud;
	sh->val = tl_vec_new(ctx, 1);
	sh->cells = tl_vec_new(ctx, sizeof(struct tl_xlsx_cell));
	sh->texts = tl_vec_new(ctx, 1);
	sh->sstlen = tl_vec_new(ctx, sizeof(size_t));
	sh->pt.scan = sheet_scan;
	if (sh->val == NULL || sh->cells == NULL || sh->texts == NULL ||
	    sh->sstlen == NULL ||
	    tl_vec_reserve(ctx, sh->sstlen, strs->len) != TELLER_OK)
		return tl_oom(ctx);
	for (i = 0; i < strs->len; i++)
		((size_t *)sh->sstlen->data)[i] = strlen(TL_VEC_AT(strs,
		    const char *, i));
	sh->sstlen->len = strs->len;
	return TELLER_OK;
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
	if ((rc = sheet_init(ctx, &sh, sst->strs, fn, ud)) != TELLER_OK)
		return rc;
	rc = parse_with(ctx, file, za, name, false, &sh.pt, &sh, sh_start,
	    sh_end, sh_text, &sh.p);
	if (rc == TELLER_OK && sh.err != TELLER_OK)
		rc = sh.err;
	tl_vec_release(ctx, sh.sstlen);
	return rc;
}

int
tl_xlsx_sheet_xml(teller_ctx *ctx, const char *xml, size_t len,
    const char *const *strs, size_t nstrs, bool fast, bool *scanned,
    tl_xlsx_row_fn fn, void *ud)
{
	struct tl_vec *sv = tl_vec_new(ctx, sizeof(const char *));
	struct sheet sh;
	size_t i;
	int rc;

	if (scanned != NULL)
		*scanned = false;
	if (sv == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < nstrs; i++)
		if (tl_vec_push(ctx, sv, &strs[i]) == NULL)
			return TELLER_ENOMEM;
	if ((rc = sheet_init(ctx, &sh, sv, fn, ud)) != TELLER_OK)
		return rc;
	sh.pt.member = "xl/worksheets/sheet1.xml";
	if (fast) {
		size_t used;
		rc = sheet_scan(&sh.pt, xml, len, true, &used);
		if (rc != XLSX_FALLBACK) {
			if (scanned != NULL)
				*scanned = rc == TELLER_OK;
			return rc;
		}
	}
	if ((sh.p = XML_ParserCreate(NULL)) == NULL)
		return tl_oom(ctx);
	sh.pt.ctx = ctx;
	sh.pt.p = sh.p;
	XML_SetUserData(sh.p, &sh);
	XML_SetElementHandler(sh.p, sh_start, sh_end);
	XML_SetCharacterDataHandler(sh.p, sh_text);
	XML_SetStartDoctypeDeclHandler(sh.p, on_doctype);
	XML_SetEntityDeclHandler(sh.p, on_entity);
	rc = parse_whole(ctx, NULL, sh.p, sh.pt.member, xml, len);
	XML_ParserFree(sh.p);
	if (rc == TELLER_OK && sh.err != TELLER_OK)
		rc = sh.err;
	return rc;
}

/* The rows of the workbook mapped at m (named path), to fn. */
static int
read_map(teller_ctx *ctx, const char *path, struct tl_map *m,
    tl_xlsx_row_fn fn, void *ud)
{
	struct wb w;
	struct sst sst;
	struct zsrc zsrc;
	zip_t *za;
	int rc;

	if ((rc = open_zip(ctx, path, m, &zsrc, &za)) != TELLER_OK)
		return rc;
	if ((rc = read_workbook(ctx, path, za, &w)) == TELLER_OK &&
	    (rc = read_sst(ctx, path, za, &w, &sst)) == TELLER_OK)
		rc = read_sheet(ctx, path, za, &w, &sst, fn, ud);
	zip_discard(za);
	zip_error_fini(&zsrc.err);
	return rc;
}

/*
 * The pipelined read (ctx->threads > 1): a worker (par.h's frame) reads
 * the workbook, with a context of its own, and copies each row it gives
 * into chunks; the calling thread takes the chunks in order and hands
 * the rows to fn, so fn sees exactly the rows of a one-thread read, in
 * the same order, on the calling thread. At most PIPE_DEPTH chunks wait,
 * so memory stays flat whatever the sheet's size. When the worker fails
 * (after the rows it gave), its error is copied over as it was recorded;
 * when fn fails, the worker is stopped and its rows and error dropped,
 * as a one-thread read stops at fn's error.
 */
#define PIPE_CHUNK ((size_t)128 << 10)
#define PIPE_DEPTH 8 /* even: a waiting worker is woken at half */

/* A chunk of rows: each a struct prow, its cells (texts as offsets from
 * the chunk's data), the texts; each row 8-byte aligned. */
struct pchunk {
	size_t len, cap;     /* bytes of data used, allocated */
	struct pchunk *next; /* in the queue */
	max_align_t data[];
};

struct prow {
	long row;
	int n;
	size_t size;         /* bytes of this row in the chunk */
};

struct pipe {
	teller_ctx *ctx;     /* the calling thread's */
	teller_ctx *wctx;    /* the worker's */
	const char *path;
	struct tl_map *m;
	pthread_mutex_t mu;
	pthread_cond_t cv;   /* the queue changed, or stop */
	struct pchunk *head, *tail, *cur; /* queue; the worker's chunk */
	int queued;
	bool stop;           /* the caller is done: the worker must end */
	bool done;           /* the worker ended, with rc */
	int rc;
};

/* Hand the worker's chunk to the queue, waiting for room; false when
 * told to stop. */
static bool
pipe_push(struct pipe *pp)
{
	bool ok;

	pthread_mutex_lock(&pp->mu);
	while (pp->queued >= PIPE_DEPTH && !pp->stop)
		pthread_cond_wait(&pp->cv, &pp->mu);
	ok = !pp->stop;
	if (ok && pp->cur != NULL) {
		pp->cur->next = NULL;
		if (pp->tail != NULL)
			pp->tail->next = pp->cur;
		else
			pp->head = pp->cur;
		pp->tail = pp->cur;
		pp->queued++;
		pp->cur = NULL;
		/* the caller waits only for an empty queue */
		if (pp->queued == 1)
			pthread_cond_broadcast(&pp->cv);
	}
	pthread_mutex_unlock(&pp->mu);
	return ok;
}

/* The worker's row function: copy the row into the chunk. */
static int
pipe_row(teller_ctx *wctx, void *ud, long row, const struct tl_xlsx_cell *c,
    int n)
{
	struct pipe *pp = ud;
	size_t size = sizeof(struct prow) + (size_t)n * sizeof *c, at, k;
	struct tl_xlsx_cell *dc;
	struct prow *pr;
	char *d;
	int i;

	for (i = 0; i < n; i++)
		if (!c[i].shared)
			size += c[i].len + 1;
	size = (size + 7) & ~(size_t)7;
	if (pp->cur != NULL && pp->cur->cap - pp->cur->len < size &&
	    !pipe_push(pp))
		return TELLER_EINTERNAL; /* stopped: dropped by the caller */
	if (pp->cur == NULL) {
		size_t cap = size > PIPE_CHUNK ? size : PIPE_CHUNK;
		pp->cur = tl_realloc(wctx, NULL, 0, sizeof *pp->cur + cap);
		if (pp->cur == NULL)
			return TELLER_ENOMEM;
		pp->cur->len = 0;
		pp->cur->cap = cap;
	}
	d = (char *)pp->cur->data + pp->cur->len;
	pr = (struct prow *)(void *)d;
	pr->row = row;
	pr->n = n;
	pr->size = size;
	dc = (struct tl_xlsx_cell *)(void *)(pr + 1);
	at = sizeof *pr + (size_t)n * sizeof *c;
	/* shared strings stay the worker's until the caller is done; a
	 * row without cells may come with no cell array at all */
	if (n > 0)
		memcpy(dc, c, (size_t)n * sizeof *c);
	for (i = 0; i < n; i++) {
		if (c[i].shared)
			continue;
		k = c[i].len + 1;
		memcpy(d + at, c[i].text, k);
		dc[i].text = (const char *)(uintptr_t)at;
		at += k;
	}
	pp->cur->len += size;
	return TELLER_OK;
}

/* The worker (a tl_par_fn). */
static void
pipe_main(void *arg, const struct tl_par_part *pt)
{
	struct pipe *pp = arg;
	int rc;

	(void)pt;
	rc = read_map(pp->wctx, pp->path, pp->m, pipe_row, pp);
	/* the rows given before an error are the caller's too */
	if (pp->cur != NULL && !pipe_push(pp) && rc == TELLER_OK)
		rc = TELLER_EINTERNAL;
	pthread_mutex_lock(&pp->mu);
	pp->done = true;
	pp->rc = rc;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

/* The next chunk, waiting for it; NULL when the worker ended. */
static struct pchunk *
pipe_take(struct pipe *pp)
{
	struct pchunk *c;

	pthread_mutex_lock(&pp->mu);
	while (pp->head == NULL && !pp->done)
		pthread_cond_wait(&pp->cv, &pp->mu);
	c = pp->head;
	if (c != NULL) {
		pp->head = c->next;
		if (pp->head == NULL)
			pp->tail = NULL;
		pp->queued--;
		/* a worker waiting for room (the queue full) is woken when
		 * half of it is taken, not at each chunk: fewer switches */
		if (pp->queued == PIPE_DEPTH / 2)
			pthread_cond_broadcast(&pp->cv);
	}
	pthread_mutex_unlock(&pp->mu);
	return c;
}

static void
chunk_free(teller_ctx *ctx, struct pchunk *c)
{
	tl_free(ctx, c, sizeof *c + c->cap);
}

/* Hand the rows of chunk c to fn; its return. */
static int
pipe_give(teller_ctx *ctx, struct pchunk *c, tl_xlsx_row_fn fn, void *ud)
{
	char *d = (char *)c->data;
	size_t off, i;
	int rc;

	for (off = 0; off < c->len; off += ((struct prow *)(void *)
	    (d + off))->size) {
		struct prow *pr = (struct prow *)(void *)(d + off);
		struct tl_xlsx_cell *cl = (struct tl_xlsx_cell *)(void *)
		    (pr + 1);
		for (i = 0; i < (size_t)pr->n; i++)
			if (!cl[i].shared)
				cl[i].text = d + off + (uintptr_t)cl[i].text;
		if ((rc = fn(ctx, ud, pr->row, cl, pr->n)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

/* Copy the worker's recorded error to the caller's context. */
static int
pipe_error(teller_ctx *ctx, const teller_ctx *w, int rc)
{
	if (w->oom)
		ctx->oom = true;
	if (ctx->err != TELLER_OK)
		return ctx->err;
	if (w->err == TELLER_OK)
		return tl_fail(ctx, rc, "worker failed");
	ctx->err = w->err;
	memcpy(ctx->msg, w->msg, sizeof ctx->msg);
	memcpy(ctx->errfile, w->errfile, sizeof ctx->errfile);
	ctx->line = w->line;
	ctx->col = w->col;
	return ctx->err;
}

/* Set up pp to read path (mapped at m, or to be) for ctx: -1 if it
 * cannot be. */
static int
pipe_init(teller_ctx *ctx, struct pipe *pp, const char *path,
    struct tl_map *m)
{
	memset(pp, 0, sizeof *pp);
	if (teller_ctx_new(&ctx->alloc, &pp->wctx) != TELLER_OK)
		return -1;
	pp->wctx->lim = ctx->lim;
	pp->wctx->inname = ctx->inname;
	pp->wctx->release = ctx->release;
	pp->wctx->release_ud = ctx->release_ud;
	pp->wctx->input = ctx->input;
	pp->wctx->has_input = ctx->has_input;
	pp->ctx = ctx;
	pp->path = path;
	pp->m = m;
	if (pthread_mutex_init(&pp->mu, NULL) != 0) {
		teller_ctx_free(pp->wctx);
		return -1;
	}
	if (pthread_cond_init(&pp->cv, NULL) != 0) {
		pthread_mutex_destroy(&pp->mu);
		teller_ctx_free(pp->wctx);
		return -1;
	}
	return 0;
}

/* Stop pp's worker (if started in par), drop what it left, and free
 * pp; rc is the caller's outcome, and what is returned unless the
 * worker failed (its error then, copied to ctx unless quiet). m (if
 * not NULL): a map opened with the worker's context, closed before it
 * is freed. */
static int
pipe_fini(teller_ctx *ctx, struct pipe *pp, struct tl_par *par, int rc,
    bool quiet, struct tl_map *m)
{
	struct pchunk *c;

	pthread_mutex_lock(&pp->mu);
	pp->stop = true;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	tl_par_stop(par, 1, 2);
	if (rc == TELLER_OK && pp->rc != TELLER_OK && !quiet)
		rc = pipe_error(ctx, pp->wctx, pp->rc);
	while (pp->head != NULL) {
		c = pp->head;
		pp->head = c->next;
		chunk_free(ctx, c);
	}
	if (pp->cur != NULL)
		chunk_free(ctx, pp->cur);
	pthread_cond_destroy(&pp->cv);
	pthread_mutex_destroy(&pp->mu);
	if (m != NULL)
		tl_io_unmap(m);
	teller_ctx_free(pp->wctx);
	return rc;
}

/*
 * The next workbook of a multi-file contest, read ahead: as the calling
 * thread begins to take a workbook's rows, the next one is opened and
 * its worker started, so that it inflates its sheet (a sheet is inflated
 * whole before its first row: 10-25 ms for Minneapolis' 17 MB) while the
 * calling thread takes the rows of the first, not after (issue 17: it
 * had waited out most of each inflation, a core idle). So two workbooks
 * at most are read at once, each queue PIPE_DEPTH chunks. It is
 * opened and read with the worker's context: what fails there is
 * reported only when (and if) the calling thread comes to that file,
 * exactly as a read started then would report it; a read ahead that
 * cannot be started is simply not made.
 */
struct tl_xlsx_ahead {
	struct pipe pp;
	struct tl_par par;
	struct tl_map m;
	bool mapped;
};

void
tl_xlsx_ahead_free(teller_ctx *ctx, struct tl_xlsx_ahead *a)
{
	if (a == NULL)
		return;
	(void)pipe_fini(ctx, &a->pp, &a->par, TELLER_OK, true,
	    a->mapped ? &a->m : NULL);
	tl_free(ctx, a, sizeof *a);
}

/* Start reading path ahead; NULL if it cannot be (nothing reported). */
static struct tl_xlsx_ahead *
ahead_start(teller_ctx *ctx, const char *path)
{
	struct tl_xlsx_ahead *a = tl_realloc(ctx, NULL, 0, sizeof *a);

	if (a == NULL)
		return NULL;
	memset(a, 0, sizeof *a);
	if (pipe_init(ctx, &a->pp, path, &a->m) != 0) {
		tl_free(ctx, a, sizeof *a);
		return NULL;
	}
	a->par.n = 2;
	if (open_map(a->pp.wctx, path, &a->m) == TELLER_OK) {
		a->mapped = true;
		if (tl_par_start(&a->par, 1, pipe_main, &a->pp))
			return a;
	}
	tl_xlsx_ahead_free(ctx, a);
	return NULL;
}

/* Give the rows of pp's worker to fn; when next is not NULL, start
 * reading it ahead into *ahead first. */
static int
pipe_drain(teller_ctx *ctx, struct pipe *pp, tl_xlsx_row_fn fn, void *ud,
    const char *next, struct tl_xlsx_ahead **ahead)
{
	struct pchunk *c;
	int rc = TELLER_OK;

	if (next != NULL && *ahead == NULL)
		*ahead = ahead_start(ctx, next);
	while ((c = pipe_take(pp)) != NULL) {
		rc = pipe_give(ctx, c, fn, ud);
		chunk_free(ctx, c);
		if (rc != TELLER_OK)
			break;
	}
	return rc;
}

/* Read m through the pipeline; -1 if no worker could be started (the
 * caller reads it itself). next, ahead: as pipe_drain. */
static int
read_pipe(teller_ctx *ctx, const char *path, struct tl_map *m,
    tl_xlsx_row_fn fn, void *ud, const char *next,
    struct tl_xlsx_ahead **ahead)
{
	struct tl_par par;
	struct pipe pp;
	int rc;

	memset(&par, 0, sizeof par);
	if (pipe_init(ctx, &pp, path, m) != 0)
		return -1;
	par.n = 2;
	if (!tl_par_start(&par, 1, pipe_main, &pp)) {
		(void)pipe_fini(ctx, &pp, &par, TELLER_OK, true, NULL);
		return -1;
	}
	rc = pipe_drain(ctx, &pp, fn, ud, next, ahead);
	return pipe_fini(ctx, &pp, &par, rc, false, NULL);
}

int
tl_xlsx_read_ahead(teller_ctx *ctx, const char *path, const char *next,
    struct tl_xlsx_ahead **ahead, tl_xlsx_row_fn fn, void *ud)
{
	struct tl_xlsx_ahead *a = *ahead;
	struct tl_map m;
	int rc;

	*ahead = NULL;
	if (a != NULL && strcmp(a->pp.path, path) == 0) {
		/* read ahead: its rows, then its outcome, as read_pipe */
		rc = pipe_drain(ctx, &a->pp, fn, ud, next, ahead);
		rc = pipe_fini(ctx, &a->pp, &a->par, rc, false, &a->m);
		tl_free(ctx, a, sizeof *a);
		return rc;
	}
	tl_xlsx_ahead_free(ctx, a);
	if ((rc = open_map(ctx, path, &m)) != TELLER_OK)
		return rc;
	rc = -1;
	if (ctx->threads > 1)
		rc = read_pipe(ctx, path, &m, fn, ud, next, ahead);
	if (rc == -1)
		rc = read_map(ctx, path, &m, fn, ud);
	tl_io_unmap(&m);
	return rc;
}

int
tl_xlsx_read(teller_ctx *ctx, const char *path, tl_xlsx_row_fn fn, void *ud)
{
	struct tl_xlsx_ahead *a = NULL;

	return tl_xlsx_read_ahead(ctx, path, NULL, &a, fn, ud);
}
