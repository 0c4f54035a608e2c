/* SPDX-License-Identifier: MIT */
/*
 * cvr_hart.c -- RCTab's Hart reader (docs/rctab.md section 7.5): a folder
 * of XML files, one per ballot sheet. Each Contest whose Id is contestId
 * is one cast vote record; an Option's Value is a string of 0/1 where
 * character i set means rank i. Candidate strings are the Option Ids
 * (GUIDs); the undeclaredWriteInLabel Id becomes the write-in.
 */
#include <stdio.h>
#include <string.h>

#include "cvr_util.h"
#include "tl_io.h"

/* One (rank, string) mark of a contest being read, or a contest start. */
struct hmark {
	long rank;  /* 0: starts a matching contest */
	size_t off; /* string in the pool */
};

struct hart {
	teller_ctx *ctx;
	const struct tl_cvr_source *src;
	struct tl_vec *pool;   /* char: strings of the current file */
	struct tl_vec *marks;  /* struct hmark of the current contest */
	struct tl_vec *done;   /* struct hmark: all matching contests */
	/* the current Contest and Option */
	bool has_cid, has_oid, has_val;
	size_t cid, oid, val;  /* offsets in pool */
	/* file-level fields (last one wins, as with Jackson) */
	bool has_batch, has_guid, has_split, has_pname, has_pid;
	size_t batch, guid, pname, pid;
	struct tl_cvrb b;
};

static int
pool_add(struct hart *h, const char *s, size_t n, size_t *off)
{
	if (tl_vec_reserve(h->ctx, h->pool, n + 1) != 0)
		return tl_oom(h->ctx);
	*off = h->pool->len;
	memcpy((char *)h->pool->data + *off, s, n);
	((char *)h->pool->data)[*off + n] = '\0';
	h->pool->len += n + 1;
	return TELLER_OK;
}

static const char *
pstr(const struct hart *h, size_t off)
{
	return (const char *)h->pool->data + off;
}

#define AT(x, ...) tl_xml_at((x), (const char *const[]){__VA_ARGS__, NULL})

static int
h_start(struct tl_xml *x, const char **attrs)
{
	struct hart *h = x->ud;

	(void)attrs;
	if (x->depth == 3 && AT(x, "Contests", "Contest")) {
		h->has_cid = false;
		h->marks->len = 0;
	} else if (x->depth == 5 && AT(x, "Contest", "Options", "Option")) {
		h->has_oid = h->has_val = false;
	} else if (x->depth == 2 && AT(x, "PrecinctSplit")) {
		h->has_split = true;
		h->has_pname = h->has_pid = false;
	}
	return TELLER_OK;
}

/* An Option ends: its marks (Value characters set to 1). */
static int
option_end(struct tl_xml *x, struct hart *h)
{
	const char *v, *code;
	struct hmark m;
	size_t i;
	long rank = 0, maxr = tl_cvr_max_ranks(h->src);

	if (!h->has_oid)
		return tl_xml_fail(x, TELLER_EPARSE, "Option without an Id");
	if (!h->has_val)
		return tl_xml_fail(x, TELLER_EPARSE, "Option without a Value");
	code = pstr(h, h->oid);
	if (h->src->uwi_label[0] != '\0' &&
	    strcmp(code, h->src->uwi_label) == 0) {
		if (pool_add(h, TL_CVR_UWI, strlen(TL_CVR_UWI), &m.off) != 0)
			return TELLER_ENOMEM;
		code = pstr(h, h->oid); /* the pool may have moved */
	} else {
		m.off = h->oid;
	}
	/* Rank i is the i-th UTF-16 unit of Value, as Java's substring. */
	v = pstr(h, h->val);
	for (i = 0; v[i] != '\0'; i++) {
		unsigned char c = (unsigned char)v[i];
		if ((c & 0xC0) == 0x80)
			continue;
		rank += c >= 0xF0 ? 2 : 1;
		if (c != '1')
			continue;
		if (maxr > 0 && rank > maxr)
			return tl_xml_fail(x, TELLER_EPARSE, "Option '%s' "
			    "ranks %ld, more than the %ld ranks allowed", code,
			    rank, maxr);
		if (rank > h->ctx->lim.ranks)
			return tl_xml_fail(x, TELLER_ELIMIT, "Option '%s' "
			    "ranks %ld, more than the limit of %d", code, rank,
			    h->ctx->lim.ranks);
		m.rank = rank;
		if (tl_vec_push(h->ctx, h->marks, &m) == NULL)
			return TELLER_ENOMEM;
	}
	return TELLER_OK;
}

static int
h_end(struct tl_xml *x, const char *text, size_t n)
{
	struct hart *h = x->ud;
	struct hmark start = { 0, 0 };
	size_t i;

	switch (x->depth) {
	case 2:
		if (AT(x, "BatchNumber")) {
			h->has_batch = true;
			return pool_add(h, text, n, &h->batch);
		}
		if (AT(x, "CvrGuid")) {
			h->has_guid = true;
			return pool_add(h, text, n, &h->guid);
		}
		break;
	case 3:
		if (AT(x, "PrecinctSplit", "Name")) {
			h->has_pname = true;
			return pool_add(h, text, n, &h->pname);
		}
		if (AT(x, "PrecinctSplit", "Id")) {
			h->has_pid = true;
			return pool_add(h, text, n, &h->pid);
		}
		if (!AT(x, "Contests", "Contest"))
			break;
		if (!h->has_cid)
			return tl_xml_fail(x, TELLER_EPARSE,
			    "Contest without an Id");
		if (strcmp(pstr(h, h->cid), h->src->contest_id) != 0)
			break;
		/* A matching contest: keep its marks for the file's end. */
		if (tl_vec_push(h->ctx, h->done, &start) == NULL)
			return TELLER_ENOMEM;
		for (i = 0; i < h->marks->len; i++)
			if (tl_vec_push(h->ctx, h->done,
			    &TL_VEC_AT(h->marks, struct hmark, i)) == NULL)
				return TELLER_ENOMEM;
		break;
	case 4:
		if (AT(x, "Contests", "Contest", "Id")) {
			h->has_cid = true;
			return pool_add(h, text, n, &h->cid);
		}
		break;
	case 5:
		if (AT(x, "Contest", "Options", "Option"))
			return option_end(x, h);
		break;
	case 6:
		if (AT(x, "Options", "Option", "Id")) {
			h->has_oid = true;
			return pool_add(h, text, n, &h->oid);
		}
		if (AT(x, "Options", "Option", "Value")) {
			h->has_val = true;
			return pool_add(h, text, n, &h->val);
		}
		break;
	default:
		break;
	}
	return TELLER_OK;
}

/* Copy an optional pooled string into the record builder. */
static int
keep(struct hart *h, bool has, size_t off, size_t *out)
{
	if (!has)
		return TELLER_OK;
	return tl_cvrb_add(&h->b, pstr(h, off), strlen(pstr(h, off)), out);
}

/* Hand over the matching contests of one file. */
static int
emit(struct hart *h, const char *path, tl_cvr_fn fn, void *ud)
{
	teller_ctx *ctx = h->ctx;
	size_t i = 0, j, ocid, obatch = 0, oguid = 0, opn = 0, opi = 0;
	struct tl_cvr r;
	int err;

	while (i < h->done->len) {
		tl_cvrb_reset(&h->b);
		for (j = i + 1; j < h->done->len &&
		    TL_VEC_AT(h->done, struct hmark, j).rank != 0; j++) {
			const struct hmark *m = &TL_VEC_AT(h->done,
			    struct hmark, j);
			if ((err = tl_cvrb_mark(&h->b, m->rank, pstr(h, m->off),
			    strlen(pstr(h, m->off)))) != TELLER_OK)
				return err;
		}
		if (!h->has_split)
			return tl_fail_in(ctx, path, TELLER_EPARSE, 0, 0,
			    "no PrecinctSplit in a CVR of contest '%s'",
			    h->src->contest_id);
		/* Computed ID: none in RCTab's Hart reader; the file name
		 * stands in for it. */
		if ((err = tl_cvrb_add(&h->b, tl_cvr_basename(path),
		    strlen(tl_cvr_basename(path)), &ocid)) != TELLER_OK ||
		    (err = keep(h, h->has_batch, h->batch, &obatch)) != 0 ||
		    (err = keep(h, h->has_guid, h->guid, &oguid)) != 0 ||
		    (err = keep(h, h->has_pname, h->pname, &opn)) != 0 ||
		    (err = keep(h, h->has_pid, h->pid, &opi)) != 0)
			return err;
		memset(&r, 0, sizeof(r));
		if ((err = tl_cvrb_finish(&h->b, &r)) != TELLER_OK)
			return err;
		r.computed_id = tl_cvrb_str(&h->b, ocid);
		r.batch = h->has_batch ? tl_cvrb_str(&h->b, obatch) : NULL;
		r.supplied_id = h->has_guid ? tl_cvrb_str(&h->b, oguid) : NULL;
		r.precinct = h->has_pname ? tl_cvrb_str(&h->b, opn) : NULL;
		r.precinct_portion = h->has_pid ? tl_cvrb_str(&h->b, opi) :
		    NULL;
		r.file = path;
		r.line = 0;
		if ((err = fn(ctx, ud, &r)) != TELLER_OK)
			return err;
		i = j;
	}
	return TELLER_OK;
}

/* Every name whose lowercase form ends in "xml" but not ".sig.xml". */
static bool
is_cvr_name(const char *name)
{
	size_t n = strlen(name);

	return tl_text_iends(name, n, "xml") &&
	    !tl_text_iends(name, n, ".sig.xml");
}

/* dir/name in the reusable buffer v (one file's path at a time: the
 * arena must not grow by a path per ballot). NULL on OOM. */
static char *
file_path(teller_ctx *ctx, struct tl_vec *v, const char *dir,
    const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	v->len = 0;
	if (tl_vec_reserve(ctx, v, dl + nl + 2) != TELLER_OK)
		return NULL;
	p = v->data;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl + 1);
	return p;
}

/* RCTab's signature check of one CVR file (rctab.md 7.5): its
 * PATH.sig.xml, when present or required, must verify. */
static int
signature(teller_ctx *ctx, const struct tl_cvr_source *src,
    struct tl_vec *v, const char *path, const struct tl_map *m)
{
	size_t n = strlen(path);
	char *sp;

	v->len = 0;
	if (tl_vec_reserve(ctx, v, n + 9) != TELLER_OK)
		return tl_oom(ctx);
	sp = v->data;
	memcpy(sp, path, n);
	memcpy(sp + n, ".sig.xml", 9);
	if (tl_io_kind(ctx, sp) == TELLER_PATH_NONE) {
		if (src->hart_sig != TL_SIG_REQUIRE)
			return TELLER_OK;
		return tl_fail_in(ctx, path, TELLER_EPARSE, 0, 0, "no "
		    "signature file %s (Hart signatures are required)",
		    tl_cvr_basename(sp));
	}
	return tl_hart_sig_verify(ctx, src, path, sp, m->buf, m->len);
}

int
tl_cvr_read_hart(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	const char **names;
	struct tl_vec *pathbuf, *sigbuf;
	struct tl_xml x;
	struct hart h;
	size_t n, i;
	int err;

	memset(&h, 0, sizeof(h));
	h.ctx = ctx;
	h.src = src;
	if ((err = tl_io_list(ctx, src->path, src->path, &names, &n)) !=
	    TELLER_OK)
		return err;
	h.pool = tl_vec_new(ctx, 1);
	h.marks = tl_vec_new(ctx, sizeof(struct hmark));
	h.done = tl_vec_new(ctx, sizeof(struct hmark));
	pathbuf = tl_vec_new(ctx, 1);
	sigbuf = tl_vec_new(ctx, 1);
	if (h.pool == NULL || h.marks == NULL || h.done == NULL ||
	    pathbuf == NULL || sigbuf == NULL) {
		return tl_oom(ctx);
	}
	if ((err = tl_cvrb_init(ctx, &h.b)) != TELLER_OK)
		return err;
	memset(&x, 0, sizeof(x));
	x.start = h_start;
	x.end = h_end;
	x.ud = &h;
	/* File.listFiles() order is unspecified; bytewise name order is
	 * used (it only affects IDs and messages, not results). */
	for (i = 0; i < n && err == TELLER_OK; i++) {
		struct tl_map m;
		char *path;

		if (!is_cvr_name(names[i]))
			continue;
		if ((path = file_path(ctx, pathbuf, src->path, names[i])) ==
		    NULL) {
			err = TELLER_ENOMEM;
			break;
		}
		h.b.file = path;
		if ((err = tl_io_map(ctx, path, path, &m)) != TELLER_OK)
			break;
		if (src->hart_sig != TL_SIG_OFF &&
		    (err = signature(ctx, src, sigbuf, path, &m)) !=
		    TELLER_OK) {
			tl_io_unmap(&m);
			break;
		}
		h.pool->len = h.marks->len = h.done->len = 0;
		h.has_batch = h.has_guid = h.has_split = false;
		h.has_pname = h.has_pid = false;
		err = tl_xml_parse(ctx, &x, path, m.buf, m.len);
		tl_io_unmap(&m);
		if (err == TELLER_OK)
			err = emit(&h, path, fn, ud);
	}
	return err;
}
