/* SPDX-License-Identifier: MIT */
/*
 * cvr_util.h -- helpers shared by the vendor CVR readers (cvr_dominion.c,
 * cvr_cdf.c, cvr_clearballot.c, cvr_hart.c): a record builder that turns
 * (rank, string) marks into rank slots as RCTab's CandidateRankingsList
 * does, Java-like integer parsing, a JSON nesting pre-check, JSON
 * values (struct tl_jv, the one JSON value type of lib/rctab: jansson is
 * only a parser inside cvr_json.c) and streaming XML. Defined in
 * cvr_build.c (the builder, integers, paths), cvr_json.c (JSON) and
 * cvr_xml.c (XML).
 */
#ifndef CVR_UTIL_H
#define CVR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rctab_cvr.h"

/* Builder for one cast vote record. Strings live in a pool and are
 * referred to by offset (the pool moves while it grows); tl_cvrb_str
 * turns an offset into a pointer once the record is complete. */
struct tl_cvrb {
	teller_ctx *ctx;
	const char *file;     /* the input the marks are read from (errors) */
	struct tl_vec *pool;  /* char */
	struct tl_vec *marks; /* struct tl_cvrb_mark */
	struct tl_vec *slots; /* struct tl_cvr_slot */
	struct tl_vec *cands; /* const char * */
};

/* Set up b (vectors freed with the context). ENOMEM. */
int tl_cvrb_init(teller_ctx *ctx, struct tl_cvrb *b) TL_MUST_CHECK;
/* Forget the current record. */
void tl_cvrb_reset(struct tl_cvrb *b);
/* Copy s[0..n) into the pool, NUL-ended; *off is its offset. ENOMEM. */
int tl_cvrb_add(struct tl_cvrb *b, const char *s, size_t n, size_t *off)
    TL_MUST_CHECK;
/* Pointer to the pooled string at off (valid until the next add). */
const char *tl_cvrb_str(const struct tl_cvrb *b, size_t off);
/* Add a mark: candidate string s at rank. Ranks must be >= 1 and at
 * most ctx->lim.ranks (EPARSE / ELIMIT, message names the rank). */
int tl_cvrb_mark(struct tl_cvrb *b, long rank, const char *s, size_t n)
    TL_MUST_CHECK;
/* tl_cvrb_mark of NUL-ended s, not copied: s lives as long as the
 * reader (an arena or static string), so the record hands the same
 * pointer for the same name each time (the tabulator's cache of names
 * keys on it). */
int tl_cvrb_mark_kept(struct tl_cvrb *b, long rank, const char *s)
    TL_MUST_CHECK;
/* Number of marks so far. */
size_t tl_cvrb_nmarks(const struct tl_cvrb *b);
/* Highest rank marked, 0 if none. */
long tl_cvrb_maxrank(const struct tl_cvrb *b);
/* Group the marks into r->slots / r->nslots: increasing rank, strings at
 * one rank in the order they were added (CandidateRankingsList). The
 * other fields of r are left alone. ENOMEM. */
int tl_cvrb_finish(struct tl_cvrb *b, struct tl_cvr *r) TL_MUST_CHECK;

/* Java Integer.parseInt on s[0..n): optional sign, ASCII digits, fits in
 * 32 bits. Returns false if Java would throw. */
bool tl_cvr_parse_int(const char *s, size_t n, long *out);

/* The maximum rank a reader may accept: maxRankingsAllowed, or 0 for no
 * limit ("max"). */
int tl_cvr_max_ranks(const struct tl_cvr_source *src);

/* Refuse JSON nested deeper than ctx->lim.depth (ELIMIT at the line and
 * column of the bracket that goes too deep in the input named file).
 * Strings are skipped correctly; the text need not be valid JSON. */
int tl_cvr_json_depth(teller_ctx *ctx, const char *file, const char *buf,
    size_t len) TL_MUST_CHECK;

/*
 * Streaming over a large JSON document without building it whole: the
 * top-level object is scanned for its members' value spans, and a big
 * array member is handed over one element at a time, each parsed alone
 * into a compact tree (below). Positions in errors are those of the
 * whole file.
 */
struct tl_jspan {
	const char *p;  /* first byte of the value */
	size_t n;       /* its length */
	long line, col; /* its position in the file, 1-based */
	const char *file; /* the file's name, for errors */
};
/* A top-level member: key (decoded) and value span. */
struct tl_jmember {
	char *key;
	struct tl_jspan val;
};
/* Scan buf as one JSON object; *members gets its members in file order
 * (arena). EPARSE at the position of a syntax error found while scanning
 * (values are fully checked only when parsed), ELIMIT past lim.depth. */
int tl_json_members(teller_ctx *ctx, const char *file, const char *buf,
    size_t len, struct tl_jmember **members, size_t *n) TL_MUST_CHECK;
/*
 * Compact trees, the one JSON value type of lib/rctab (whole small files
 * such as the config and Dominion manifests, a Dominion session, a CDF
 * CVR or election data): nodes in preorder in one reused vector, a
 * container's first child right after it, strings decoded into one
 * reused pool (NUL-ended). The fast scanner accepts a strict subset of
 * what jansson accepts and gives the same values; anything else (reals,
 * \u0000, bad input, ...) goes to jansson, whose error is reported, or
 * whose tree is copied into the same node form. Member lookup gives the
 * last of equal keys, as jansson's parser keeps it. Positions are not
 * kept in the nodes: every error that names a line and column is a
 * syntax error, found while parsing, with the position of the whole
 * file (tl_jspan).
 */
enum {
	TL_JNULL, TL_JTRUE, TL_JFALSE, TL_JINT, TL_JREAL, TL_JSTR, TL_JARR,
	TL_JOBJ
};
struct tl_jv {
	const char *key; /* member name, klen bytes (not NUL-ended: it may
			  * point into the input), NULL outside objects */
	union {
		long long i;   /* TL_JINT (jansson's json_int_t) */
		const char *s; /* TL_JSTR, NUL-ended, length n, no NUL
				* inside (the fast scanner gives \u0000 up
				* to jansson, which refuses it) */
	} u;
	size_t n;    /* string length, or number of elements / members */
	size_t next; /* bytes to the next sibling in nodes (no multiply
		      * to step), 0 if last */
	size_t koff; /* (scanner's) key offset in its pool, while parsing */
	size_t klen;
	int type;
};
struct tl_jdoc {
	struct tl_vec *nodes; /* struct tl_jv */
	struct tl_vec *pool;  /* char */
	void *fb;             /* jansson tree of a fallback parse, or NULL
			       * (a json_t, known only in cvr_json.c) */
};
/* Set up d (vectors freed with the context). ENOMEM. */
int tl_jdoc_init(teller_ctx *ctx, struct tl_jdoc *d) TL_MUST_CHECK;
/* Parse span s (any JSON value) into d; *root valid until the next
 * parse or free. Errors: EPARSE "invalid JSON: ..." with jansson's words
 * at the position in the whole file, ELIMIT / ENOMEM. */
int tl_jdoc_parse(teller_ctx *ctx, struct tl_jdoc *d,
    const struct tl_jspan *s, const struct tl_jv **root) TL_MUST_CHECK;
/* A syntax error as jansson gives it: 1-based line and column, text. */
struct tl_jerr {
	long line, col;
	char text[160];
};
/* tl_jdoc_load's flags: refuse an object with two equal keys (as
 * jansson's JSON_REJECT_DUPLICATES). */
enum { TL_JNODUPS = 1 };
/* Parse buf[0..len) as one JSON document (an object or an array, blanks
 * around it) as jansson's json_loadb would, into d; the tree does not
 * point into buf. TELLER_OK (je gets line and column -1 and an empty
 * text, as jansson's), ENOMEM, or EPARSE with *je set (nothing is
 * recorded: the caller words the message). */
int tl_jdoc_load(teller_ctx *ctx, struct tl_jdoc *d, const char *buf,
    size_t len, int flags, struct tl_jerr *je, const struct tl_jv **root)
    TL_MUST_CHECK;
/* Map path, check depth (tl_cvr_json_depth), skip a UTF-8 byte order
 * mark (as Jackson) and load it into d. Errors: EIO / ELIMIT from
 * mapping, EPARSE "invalid JSON: ..." at jansson's line and column;
 * every error is in the input path. */
int tl_jdoc_file(teller_ctx *ctx, struct tl_jdoc *d, const char *path,
    const struct tl_jv **root) TL_MUST_CHECK;
/* Release a fallback tree (the vectors stay for reuse). */
void tl_jdoc_free(struct tl_jdoc *d);
/* Scan buf[0..n) alone (tests): TELLER_OK if the fast scanner takes it
 * whole, else nonzero (no error recorded). */
int tl_jdoc_fast(teller_ctx *ctx, struct tl_jdoc *d, const char *buf,
    size_t n, const struct tl_jv **root) TL_MUST_CHECK;
/* Call fn for each element of the array in span s, parsed alone into a
 * compact tree (valid until fn returns), and its index. */
typedef int (*tl_jv_elem_fn)(void *ud, size_t i, const struct tl_jv *e);
int tl_json_elements_v(teller_ctx *ctx, const struct tl_jspan *s,
    tl_jv_elem_fn fn, void *ud) TL_MUST_CHECK;
/* The member names a reader looks up (at any depth): members of other
 * names are checked as the fast scanner checks them but not built, so
 * a tree may lack them (tl_jv_get gives NULL; an object's n counts the
 * members kept). A tree the scanner gives up on (jansson's) has all. */
#define TL_JKEYS_MAX 32
struct tl_jkeys {
	const char *name[TL_JKEYS_MAX];
	size_t len[TL_JKEYS_MAX];
	unsigned char slot[128]; /* 1 + index into name by hash, 0: none */
	unsigned char slot2[128]; /* the same by the first two bytes of
				   * the name as written (its closing
				   * quote for a one-byte name) */
};
/* Set ks to the NULL-ended names (at most TL_JKEYS_MAX). */
void tl_jkeys_init(struct tl_jkeys *ks, const char *const *names);
/* tl_json_elements_v keeping only the members named in keep (NULL for
 * all). */
int tl_json_elements_k(teller_ctx *ctx, const struct tl_jspan *s,
    const struct tl_jkeys *keep, tl_jv_elem_fn fn, void *ud) TL_MUST_CHECK;

/*
 * Read the JSON object in m (the input named file): each member not
 * named name is checked (parsed) and left, and the last member named
 * name, which must be an array ("NAME: expected an array"), is read as
 * tl_json_elements_k reads it. The callbacks and errors are those of
 * tl_json_members, a parse of the other members in file order, then
 * the array's elements. Done in one pass when the first member of that
 * name is an array and no later member can have that name; otherwise,
 * and whenever that pass fails, in two (m is rewound), which hand over
 * only the elements the first did not and decide the error.
 */
struct tl_map;
int tl_json_array_member(teller_ctx *ctx, struct tl_map *m,
    const char *file, const char *name, const struct tl_jkeys *keep,
    tl_jv_elem_fn fn, void *ud) TL_MUST_CHECK;
/* Tests: when set, tl_json_array_member always reads in two passes. */
extern bool tl_json_two_passes;

/* First element of an array, NULL if none or v is not an array (as
 * json_array_foreach); the next sibling, NULL after the last. */
static inline const struct tl_jv *
tl_jv_first(const struct tl_jv *v)
{
	return v != NULL && v->type == TL_JARR && v->n > 0 ? v + 1 : NULL;
}
static inline const struct tl_jv *
tl_jv_next(const struct tl_jv *e)
{
	return e->next != 0 ? (const struct tl_jv *)(const void *)
	    ((const char *)e + e->next) : NULL;
}
static inline bool
tl_jv_is(const struct tl_jv *v, int type)
{
	return v != NULL && v->type == type;
}
static inline bool
tl_jv_isbool(const struct tl_jv *v)
{
	return v != NULL && (v->type == TL_JTRUE || v->type == TL_JFALSE);
}
/* Whether a[0..n) and b[0..n) are equal: the first, the middle and the
 * last eight (or four) bytes as words, which covers up to 24 (8) bytes. */
/* Lookups inlined where they are made: a literal key's length and bytes
 * then compare as constants. */
#if defined(__GNUC__)
#define TL_JV_INLINE __attribute__((always_inline)) inline
#else
#define TL_JV_INLINE inline
#endif

static TL_JV_INLINE bool
tl_jkey_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, v;
	uint32_t x4, y4, u4, v4;
	size_t i;

	if (n >= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + n - 8, 8);
		memcpy(&v, b + n - 8, 8);
		if (x != y || u != v)
			return false;
		if (n <= 16)
			return true;
		if (n <= 24) {
			/* The middle eight: a CDF member name is often 17
			 * to 19 bytes long. */
			memcpy(&x, a + 8, 8);
			memcpy(&y, b + 8, 8);
			return x == y;
		}
		return memcmp(a + 8, b + 8, n - 16) == 0;
	}
	if (n >= 4) {
		memcpy(&x4, a, 4);
		memcpy(&y4, b, 4);
		memcpy(&u4, a + n - 4, 4);
		memcpy(&v4, b + n - 4, 4);
		return x4 == y4 && u4 == v4;
	}
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* json_object_get of key[0..kl): the member (null included), NULL if
 * absent or o is not an object. Inline: with a literal key (the
 * readers' lookups) the length and the bytes compared are constants. */
static TL_JV_INLINE const struct tl_jv *
tl_jv_getn(const struct tl_jv *o, const char *key, size_t kl)
{
	const struct tl_jv *e, *hit = NULL;

	if (!tl_jv_is(o, TL_JOBJ) || o->n == 0)
		return NULL;
	for (e = o + 1; e != NULL; e = tl_jv_next(e))
		if (e->klen == kl && (kl == 0 || e->key[0] == key[0]) &&
		    tl_jkey_eq(e->key, key, kl))
			hit = e;
	return hit;
}
/* tl_jv_getn of a NUL-ended key (inline: the length of a literal is
 * known when compiling). */
static TL_JV_INLINE const struct tl_jv *
tl_jv_get(const struct tl_jv *o, const char *key)
{
	return tl_jv_getn(o, key, strlen(key));
}
/* Member key of object o as Java's HashMap.get sees it: NULL when o is
 * not an object, the key is absent or its value is null. */
static TL_JV_INLINE const struct tl_jv *
tl_jv_jget(const struct tl_jv *o, const char *key)
{
	const struct tl_jv *v = tl_jv_getn(o, key, strlen(key));

	return v != NULL && v->type == TL_JNULL ? NULL : v;
}
/* v as a Java Integer (a JSON integer in 32 bits); inline, as the
 * lookups. */
static inline bool
tl_jv_int(const struct tl_jv *v, long *out)
{
	if (!tl_jv_is(v, TL_JINT) || v->u.i < INT32_MIN || v->u.i > INT32_MAX)
		return false;
	*out = (long)v->u.i;
	return true;
}
/* The text of a JSON value as Java's toString() of what Jackson gives
 * (string as is, boolean, integer in decimal). Writes into buf (size
 * bufsz). Returns false for other types or if it does not fit. */
bool tl_jv_text(const struct tl_jv *v, char *buf, size_t bufsz);
/* Number of elements of an array (0 for anything else, as
 * json_array_size); element i of an array, NULL if none. */
size_t tl_jv_len(const struct tl_jv *v);
const struct tl_jv *tl_jv_at(const struct tl_jv *v, size_t i);


/* A JSON path for messages, such as Sessions[3].Original.Cards[0].
 * Pushed for every record but read only on an error, so segments of
 * literal text and "name[i]" are kept as pointer and index and put
 * into b only by tl_jpath_str: b and n hold s[0 .. nr) alone. */
#define TL_JPATH_SEGS 64
struct tl_jpath {
	char b[192];
	size_t n;
	size_t nr, ns; /* segments rendered, segments */
	struct {
		const char *name; /* static text, NULL if rendered */
		size_t i;         /* index, or SIZE_MAX for none */
		size_t at;        /* where it starts in b, once rendered */
	} s[TL_JPATH_SEGS];
};
void tl_jpath_init(struct tl_jpath *p);
/* Append a printf-formatted segment (one with no conversion is kept
 * as the pointer fmt: a static string); returns a mark for pop. */
size_t tl_jpath_push(struct tl_jpath *p, const char *fmt, ...)
    TELLER_PRINTF(2, 3);
/* tl_jpath_push(p, "%s[%zu]", name, i), quicker; name static. */
size_t tl_jpath_idx(struct tl_jpath *p, const char *name, size_t i);
void tl_jpath_pop(struct tl_jpath *p, size_t old);
/* The path as text (b, n brought up to date). */
const char *tl_jpath_str(struct tl_jpath *p);

/* Join dir and name with one '/' into a new arena string (NULL on OOM). */
char *tl_cvr_path(teller_ctx *ctx, const char *dir, const char *name)
    TL_MUST_CHECK;

/* The last component of path (after the last '/'). */
const char *tl_cvr_basename(const char *path);

/*
 * Streaming XML over expat with namespaces ignored (elements are known
 * by their local name, as Jackson's XmlMapper sees them). start is called
 * on each element, end with its text content (the character data directly
 * inside it, NUL-ended). path[0..depth) are the local names of the open
 * elements, path[depth-1] being the current one. A callback returns
 * TELLER_OK or an error already recorded (use tl_xml_fail for position).
 * A DOCTYPE is refused; nesting deeper than ctx->lim.depth is ELIMIT.
 */
struct tl_xml;
typedef int (*tl_xml_start_fn)(struct tl_xml *x, const char **attrs);
typedef int (*tl_xml_end_fn)(struct tl_xml *x, const char *text,
    size_t n);
struct tl_xml {
	teller_ctx *ctx;
	const char *file;       /* the input's name, for errors */
	void *parser;           /* XML_Parser */
	tl_xml_start_fn start;
	tl_xml_end_fn end;
	void *ud;
	int depth;
	const char **path;      /* local names, valid during callbacks */
	struct tl_vec *names;   /* char pool of the open names */
	struct tl_vec *offs;    /* size_t offsets into names */
	struct tl_vec *ptrs;    /* const char *, rebuilt per element */
	struct tl_vec *text;    /* char data of the current element */
	int err;
	/* Set by start: the element's children need no callbacks (start
	 * and end do nothing for them, in any nesting). tl_xml_scan then
	 * only checks them; expat calls them all. */
	bool skip;
	/* tl_xml_scan's state (parser is NULL while it runs) */
	int sskip;              /* in a skipped element: 1 + open children */
	const char *sbuf;       /* the input */
	size_t spos;            /* offset of the current event */
	size_t snl;             /* input counted for sline so far */
	size_t sbol;            /* offset of the line holding snl */
	long sline;             /* lines started before snl */
	struct tl_vec *sq;      /* qualified names of the open elements */
	struct tl_vec *sqo;     /* size_t offsets into sq */
	struct tl_vec *sa;      /* attribute names and values, NUL-ended */
	struct tl_vec *sav;     /* const char *attrs[] for start */
	/*
	 * Optional, set by the caller: the local names of the elements it
	 * tells apart (NULL-ended, at most 250). Then x->path is not kept
	 * (NULL): x->ids[d] is the 1-based index in idnames of the local
	 * name of the open element at depth d + 1 (0: another name), and
	 * the text given to end is not NUL-ended.
	 */
	const char *const *idnames;
	const unsigned char *ids;
	/* Set by the caller of tl_xml_scan: buf was scanned to its end by
	 * tl_xml_scan before (no error, not unsure) with the same limits,
	 * so it is read again without its checks: the same events. */
	bool trusted;
	struct tl_vec *idv;     /* unsigned char: ids of the open elements */
	unsigned char idtab[256]; /* name hash -> index + 1 */
	unsigned char idlen[256]; /* name hash -> its name's length */
	const char *tp;         /* trusted: the text, a span of the input */
	size_t tn;
	bool tspan;             /* the text is (tp, tn), not in text */
};
/* Parse buf, the input named file (errors name it). x->start/end/ud
 * set by the caller; zero x once, then reuse it for several files. */
int tl_xml_parse(teller_ctx *ctx, struct tl_xml *x, const char *file,
    const char *buf, size_t len) TL_MUST_CHECK;
/*
 * The fast scanner: tl_xml_parse for the subset of XML that CVR exports
 * are written in (ASCII names with at most one prefix, attributes without
 * references or blanks other than spaces, UTF-8 text without references,
 * carriage returns, comments, CDATA or processing instructions, an XML
 * declaration of UTF-8 1.0 at most). Within it, the callbacks see what
 * expat gives them: the same events, texts and positions (tl_xml_line,
 * tl_xml_fail). At anything outside it, *unsure is set and TELLER_OK
 * returned: the callbacks have seen a prefix of the events only, and
 * the caller must start again with tl_xml_parse.
 */
int tl_xml_scan(teller_ctx *ctx, struct tl_xml *x, const char *file,
    const char *buf, size_t len, bool *unsure) TL_MUST_CHECK;
/* Record an error at the parser's current line and column. */
int tl_xml_fail(struct tl_xml *x, int err, const char *fmt, ...)
    TELLER_PRINTF(3, 4);
/* The parser's current line (1-based). */
long tl_xml_line(struct tl_xml *x);
/* Whether the open element path ends with the given local names
 * (NULL-terminated list, outermost first). */
bool tl_xml_at(const struct tl_xml *x, const char *const *names);
/* The local name of an attribute name ("xsi:type" -> "type"). */
const char *tl_xml_local(const char *name);

#endif
