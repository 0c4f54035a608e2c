/* SPDX-License-Identifier: MIT */
/*
 * cvr_json.c -- JSON for the vendor CVR readers: the depth pre-check, a
 * positioned loader, JSON paths for messages, the span scanner for
 * streamed documents and the compact trees (struct tl_jv) every JSON
 * value of lib/rctab is read into: a fast scanner for a strict subset of
 * JSON, jansson for the rest (and for duplicate keys and errors). This is
 * the only file that includes <jansson.h>.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cvr_jsimd.h"
#include "cvr_util.h"
#include "tl_io.h"

int
tl_cvr_json_depth(teller_ctx *ctx, const char *file, const char *buf,
    size_t len)
{
	long line = 1, col = 0;
	int depth = 0;
	bool str = false, esc = false;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = buf[i];

		col++;
		if (c == '\n') {
			line++;
			col = 0;
			continue;
		}
		if (str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				str = false;
			continue;
		}
		if (c == '"') {
			str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > ctx->lim.depth)
				return tl_fail_in(ctx, file, TELLER_ELIMIT,
				    line, col, "JSON nested more than %d deep",
				    ctx->lim.depth);
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return TELLER_OK;
}

void
tl_jpath_init(struct tl_jpath *p)
{
	p->n = 0;
	p->b[0] = '\0';
	p->nr = p->ns = 0;
}

/* Append s[0..n) to p, cut at the buffer's end as vsnprintf would. */
static void
jpath_cat(struct tl_jpath *p, const char *s, size_t n)
{
	size_t room = sizeof(p->b) - 1 - p->n;

	if (n > room)
		n = room;
	memcpy(p->b + p->n, s, n);
	p->n += n;
}

/* Render fmt into b: the formats used (literal text, %s, %zu, %ld)
 * without stdio, anything else through vsnprintf. */
static void
jpath_vput(struct tl_jpath *p, const char *fmt, va_list ap0)
{
	const char *f;
	va_list ap;
	int k;

	if (p->n + 1 >= sizeof(p->b))
		return;
	for (f = fmt; *f != '\0'; f++) {
		if (*f == '%' && !(f[1] == 's' ||
		    (f[1] == 'z' && f[2] == 'u') ||
		    (f[1] == 'l' && f[2] == 'd')))
			break;
	}
	if (*f == '\0') {
		va_copy(ap, ap0);
		for (f = fmt; *f != '\0'; f++) {
			const char *lit = f;
			char num[24], *e = num + sizeof(num), *q = e;
			unsigned long long u;
			bool neg = false;

			while (*f != '\0' && *f != '%')
				f++;
			jpath_cat(p, lit, (size_t)(f - lit));
			if (*f == '\0')
				break;
			if (f[1] == 's') {
				const char *a = va_arg(ap, const char *);
				if (a == NULL)
					a = "(null)";
				jpath_cat(p, a, strlen(a));
				f++;
				continue;
			}
			if (f[1] == 'z') {
				u = va_arg(ap, size_t);
			} else {
				long v = va_arg(ap, long);
				neg = v < 0;
				u = neg ? 0ULL - (unsigned long long)v :
				    (unsigned long long)v;
			}
			f += 2;
			do {
				*--q = (char)('0' + u % 10);
				u /= 10;
			} while (u != 0);
			if (neg)
				*--q = '-';
			jpath_cat(p, q, (size_t)(e - q));
		}
		va_end(ap);
		p->b[p->n] = '\0';
		return;
	}
	va_copy(ap, ap0);
	k = vsnprintf(p->b + p->n, sizeof(p->b) - p->n, fmt, ap);
	va_end(ap);
	if (k > 0) {
		p->n += (size_t)k;
		if (p->n >= sizeof(p->b))
			p->n = sizeof(p->b) - 1;
	}
	p->b[p->n] = '\0';
}

/* Put the segments not yet in b there. */
static void
jpath_flush(struct tl_jpath *p)
{
	for (; p->nr < p->ns; p->nr++) {
		char t[24], *e = t + sizeof(t), *q = e;
		size_t i = p->s[p->nr].i;

		p->s[p->nr].at = p->n;
		jpath_cat(p, p->s[p->nr].name, strlen(p->s[p->nr].name));
		if (i == SIZE_MAX)
			continue;
		*--q = ']';
		do {
			*--q = (char)('0' + i % 10);
			i /= 10;
		} while (i != 0);
		*--q = '[';
		jpath_cat(p, q, (size_t)(e - q));
	}
	p->b[p->n] = '\0';
}

/* A segment kept as name and index, rendered only if asked for. Past
 * TL_JPATH_SEGS segments are dropped (the text would be cut anyway). */
static size_t
jpath_lazy(struct tl_jpath *p, const char *name, size_t i)
{
	size_t old = p->ns;

	if (old < TL_JPATH_SEGS) {
		p->s[old].name = name;
		p->s[old].i = i;
		p->ns++;
	}
	return old;
}

size_t
tl_jpath_push(struct tl_jpath *p, const char *fmt, ...)
{
	size_t old = p->ns;
	va_list ap;

	if (strchr(fmt, '%') == NULL)
		return jpath_lazy(p, fmt, SIZE_MAX);
	jpath_flush(p);
	if (old >= TL_JPATH_SEGS)
		return old;
	p->s[old].name = NULL;
	p->s[old].at = p->n;
	p->ns = p->nr = old + 1;
	va_start(ap, fmt);
	jpath_vput(p, fmt, ap);
	va_end(ap);
	return old;
}

size_t
tl_jpath_idx(struct tl_jpath *p, const char *name, size_t i)
{
	return jpath_lazy(p, name, i);
}

void
tl_jpath_pop(struct tl_jpath *p, size_t old)
{
	if (old >= p->ns)
		return;
	p->ns = old;
	if (old < p->nr) {
		p->nr = old;
		p->n = p->s[old].at;
		p->b[p->n] = '\0';
	}
}

const char *
tl_jpath_str(struct tl_jpath *p)
{
	jpath_flush(p);
	return p->b;
}

/* A scanning cursor. Line and column are worked out only when asked
 * for (jc_sync): they are those of buf[li]. */
struct jcur {
	const char *file; /* the input's name, for errors */
	const char *buf;
	size_t len, i;
	long line, col; /* of buf[li] */
	size_t rel;     /* buf[0 .. rel) handed to tl_release */
	size_t li;
};

/* Bring line and column up to buf[i]: one memchr per line. */
static void
jc_sync(struct jcur *c)
{
	while (c->li < c->i) {
		const char *nl = memchr(c->buf + c->li, '\n', c->i - c->li);

		if (nl == NULL) {
			c->col += (long)(c->i - c->li);
			c->li = c->i;
			break;
		}
		c->line++;
		c->col = 1;
		c->li = (size_t)(nl - c->buf) + 1;
	}
}

/* Tell the caller (tl_release) the bytes scanned since the last call are
 * done with, every TL_IO_DROP_STEP bytes: a span may be parsed again
 * later, which the hook allows (the pages fault back in). */
static void
jc_release(teller_ctx *ctx, struct jcur *c)
{
	if (c->i - c->rel >= TL_IO_DROP_STEP) {
		/* Lines are counted before the pages go, so that they are
		 * never read again. */
		jc_sync(c);
		tl_release(ctx, c->buf + c->rel, c->i - c->rel);
		c->rel = c->i;
	}
}

static void
jc_adv(struct jcur *c)
{
	c->i++;
}

static void
jc_ws(struct jcur *c)
{
	while (c->i < c->len && (c->buf[c->i] == ' ' || c->buf[c->i] == '\t' ||
	    c->buf[c->i] == '\n' || c->buf[c->i] == '\r'))
		c->i++;
}

static int
jc_fail(teller_ctx *ctx, struct jcur *c, int err, const char *what)
{
	jc_sync(c);
	return tl_fail_in(ctx, c->file, err, c->line, c->col, "invalid JSON: "
	    "%s", what);
}

#if defined(__SSE2__)
/* The bytes of interest of s[0..64) as bit masks (bit k for s[k]):
 * quotes, backslashes, '{' or '[', '}' or ']'. */
struct jc_bits {
	uint64_t q, bs, op, cl;
};

static inline void
jc_bits64(const unsigned char *s, struct jc_bits *m)
{
	const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	const __m128i sp = _mm_set1_epi8(0x20), op = _mm_set1_epi8('{');
	const __m128i cl = _mm_set1_epi8('}');
	uint64_t mq = 0, mbs = 0, mop = 0, mcl = 0;

	/* Unrolled by hand into locals: the loop's count and the stores to
	 * *m cost a third of the walk. '[' | 0x20 is '{', ']' | 0x20 is
	 * '}'. */
#define JC_BITS16(k) do { \
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *) \
		    (s + 16 * (k))); \
		__m128i y = _mm_or_si128(v, sp); \
		mq |= (uint64_t)(unsigned)_mm_movemask_epi8( \
		    _mm_cmpeq_epi8(v, q)) << (16 * (k)); \
		mbs |= (uint64_t)(unsigned)_mm_movemask_epi8( \
		    _mm_cmpeq_epi8(v, bs)) << (16 * (k)); \
		mop |= (uint64_t)(unsigned)_mm_movemask_epi8( \
		    _mm_cmpeq_epi8(y, op)) << (16 * (k)); \
		mcl |= (uint64_t)(unsigned)_mm_movemask_epi8( \
		    _mm_cmpeq_epi8(y, cl)) << (16 * (k)); \
	} while (0)
	JC_BITS16(0);
	JC_BITS16(1);
	JC_BITS16(2);
	JC_BITS16(3);
#undef JC_BITS16
	m->q = mq;
	m->bs = mbs;
	m->op = mop;
	m->cl = mcl;
}

/* The number of bits set in x (no popcnt instruction assumed). */
static inline int
jc_pop(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555u;
	x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
	return (int)((x * 0x0101010101010101u) >> 56);
}

/* Bit k: the XOR of bits 0..k of x (inside a string, for quotes). */
static inline uint64_t
jc_prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}
#endif

/* The bracket walk of jc_value, one byte b[p] of interest at a time:
 * in a string (*str) a quote ends it and a backslash hides the next
 * byte (*skip: bytes before it are not looked at); outside, a quote
 * starts one and brackets count. 1 when the value ends after b[p], -1
 * past the depth limit, -2 at the end of input, else 0. */
static inline int
jc_step(const unsigned char *b, size_t p, size_t len, bool *str,
    size_t *skip, int *depth, int base, int lim)
{
	unsigned char ch = b[p];

	if (p < *skip)
		return 0;
	if (*str) {
		if (ch == '"') {
			*str = false;
			return *depth == base;
		}
		if (ch == '\\') {
			if (p + 2 > len)
				return -2;
			*skip = p + 2;
		}
		return 0;
	}
	if (ch == '"') {
		*str = true;
	} else if (ch == '{' || ch == '[') {
		if (++*depth > lim)
			return -1;
	} else if (ch == '}' || ch == ']') {
		return --*depth == base;
	}
	return 0;
}

/* The popcnt instruction where the processor has it (chosen at run
 * time: the baseline x86-64 lacks it), else jc_pop's bit sums. */
#if defined(__SSE2__) && defined(__GNUC__) && \
    (defined(__x86_64__) || defined(__i386__))
#define JC_HW 1
#define JC_INLINE __attribute__((always_inline)) inline
#else
#define JC_HW 0
#define JC_INLINE inline
#endif

/* Move past one value starting at c->i (already at its first byte),
 * recording its span. Brackets are only counted (jansson checks the
 * value when it is parsed); nesting is limited to lim.depth + base.
 * With SSE2 the bytes are looked at 64 at a time; hw: count bits with
 * popcnt (only in a function built for it). */
#if JC_HW
/* With AVX2 (avx): pass over the blocks from b[*i] that tl_jsimd_blocks
 * can, up to the next release (jc_release), into the walk's state.
 * True when no whole block is left. */
static inline bool
jc_forward(teller_ctx *ctx, const struct jcur *c, size_t *i, int *depth,
    bool *str, size_t *skip, int base)
{
	struct tl_jwalk w;
	size_t stop = c->rel + TL_IO_DROP_STEP + 63;

	if (!(*skip <= *i + 1 && *depth > base))
		return false;
	w.depth = *depth;
	w.str = *str;
	w.skip = *skip;
	*i = tl_jsimd_blocks((const unsigned char *)c->buf, *i,
	    stop < c->len ? stop : c->len, &w, base, ctx->lim.depth);
	*depth = w.depth;
	*str = w.str;
	*skip = w.skip;
	return c->len - *i < 64;
}
#endif

static JC_INLINE int
jc_value_body(teller_ctx *ctx, struct jcur *c, int base,
    struct tl_jspan *sp, bool hw, bool avx)
{
	const unsigned char *b = (const unsigned char *)c->buf;
	size_t i, p = 0, skip, len = c->len;
	int depth = base, r = 0;
	bool str = false;

	(void)avx; /* unused without JC_HW */
	jc_sync(c);
	sp->file = c->file;
	sp->p = c->buf + c->i;
	sp->line = c->line;
	sp->col = c->col;
	if (c->i >= c->len)
		return jc_fail(ctx, c, TELLER_EPARSE, "a value expected");
	if (c->buf[c->i] != '{' && c->buf[c->i] != '[' &&
	    c->buf[c->i] != '"') {
		/* A scalar: up to a delimiter. */
		while (c->i < c->len && strchr(",]} \t\r\n", c->buf[c->i]) ==
		    NULL)
			c->i++;
		sp->n = (size_t)(c->buf + c->i - sp->p);
		if (sp->n == 0)
			return jc_fail(ctx, c, TELLER_EPARSE,
			    "a value expected");
		return TELLER_OK;
	}
	i = skip = c->i;
#if defined(__SSE2__)
	for (; r == 0 && len - i >= 64; i += 64) {
		struct jc_bits m;
		uint64_t in, op, cl, all;
		int no, nc;

		if (i - c->rel >= TL_IO_DROP_STEP) {
			c->i = i;
			jc_release(ctx, c);
		}
#if JC_HW
		if (avx && jc_forward(ctx, c, &i, &depth, &str, &skip, base))
			break;
#endif
		jc_bits64(b + i, &m);
		/* A block that cannot end the value nor go past the limit,
		 * whose backslashes are all in strings: the bytes escaped
		 * (after an odd run of backslashes), strings by the parity
		 * of the other quotes before each byte, brackets outside
		 * them only counted. */
		if (skip <= i + 1 && depth > base) {
			uint64_t pe = skip == i + 1, esc = 0, carry = 0;

			if (m.bs != 0 || pe)
				esc = tl_jescaped(m.bs, pe, &carry);
			in = jc_prefix_xor(m.q & ~esc) ^
			    (str ? ~(uint64_t)0 : 0);
			op = m.op & ~in;
			cl = m.cl & ~in;
			no = hw ? __builtin_popcountll(op) : jc_pop(op);
			nc = hw ? __builtin_popcountll(cl) : jc_pop(cl);
			if ((m.bs & ~in) == 0 && depth - nc > base &&
			    depth + no <= ctx->lim.depth) {
				depth += no - nc;
				str = (in >> 63) != 0;
				if (carry)
					skip = i + 65;
				continue;
			}
		}
		all = m.q | m.bs | m.op | m.cl;
		for (; all != 0 && r == 0; all &= all - 1) {
			p = i + (size_t)__builtin_ctzll(all);
			r = jc_step(b, p, len, &str, &skip, &depth, base,
			    ctx->lim.depth);
		}
	}
	if (r == 0)
		p = i;
#else
	p = i;
#endif
	while (r == 0 && p < len) {
		r = jc_step(b, p, len, &str, &skip, &depth, base,
		    ctx->lim.depth);
		if (r == 0)
			p++;
	}
	if (r == 1) {
		c->i = p + 1;
		sp->n = (size_t)(c->buf + c->i - sp->p);
		return TELLER_OK;
	}
	if (r == -1) {
		c->i = p;
		jc_sync(c);
		return tl_fail_in(ctx, c->file, TELLER_ELIMIT, c->line, c->col,
		    "JSON nested more than %d deep", ctx->lim.depth);
	}
	c->i = len;
	return jc_fail(ctx, c, TELLER_EPARSE, "unexpected end of input");
}

#if JC_HW
__attribute__((target("popcnt"))) static int
jc_value_popcnt(teller_ctx *ctx, struct jcur *c, int base,
    struct tl_jspan *sp)
{
	return jc_value_body(ctx, c, base, sp, true, tl_jsimd_ok());
}
#endif

static int
jc_value(teller_ctx *ctx, struct jcur *c, int base, struct tl_jspan *sp)
{
#if JC_HW
	if (__builtin_cpu_supports("popcnt"))
		return jc_value_popcnt(ctx, c, base, sp);
#endif
	return jc_value_body(ctx, c, base, sp, false, false);
}

/* Parse one span (any JSON value) with file positions in errors. */
static int
json_span(teller_ctx *ctx, const struct tl_jspan *s, json_t **out)
{
	json_error_t je;

	*out = json_loadb(s->p, s->n, JSON_DECODE_ANY, &je);
	if (*out == NULL) {
		long line = s->line + je.line - 1;
		long col = je.line <= 1 ? s->col + je.column - 1 : je.column;
		return tl_fail_in(ctx, s->file, TELLER_EPARSE, line, col,
		    "invalid JSON: %s", je.text);
	}
	return TELLER_OK;
}

int
tl_json_members(teller_ctx *ctx, const char *file, const char *buf,
    size_t len, struct tl_jmember **members, size_t *n)
{
	struct jcur c = { file, buf, len, 0, 1, 1, 0, 0 };
	struct tl_vec *v;
	struct tl_jmember m;
	struct tl_jspan ks;
	json_t *k;
	int err;

	*members = NULL;
	*n = 0;
	if ((v = tl_vec_new(ctx, sizeof(m))) == NULL)
		return TELLER_ENOMEM;
	/* Jackson skips a UTF-8 byte order mark. */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		c.i = c.li = 3;
	jc_ws(&c);
	if (c.i >= len || buf[c.i] != '{')
		return jc_fail(ctx, &c, TELLER_EPARSE, "'{' expected");
	jc_adv(&c);
	jc_ws(&c);
	if (c.i < len && buf[c.i] == '}') {
		jc_adv(&c);
	} else {
		for (;;) {
			jc_ws(&c);
			if (c.i >= len || buf[c.i] != '"')
				return jc_fail(ctx, &c, TELLER_EPARSE,
				    "a member name expected");
			if ((err = jc_value(ctx, &c, 1, &ks)) != TELLER_OK ||
			    (err = json_span(ctx, &ks, &k)) != TELLER_OK)
				return err;
			m.key = tl_strndup(ctx, json_string_value(k),
			    json_string_length(k));
			json_decref(k);
			if (m.key == NULL)
				return TELLER_ENOMEM;
			jc_ws(&c);
			if (c.i >= len || buf[c.i] != ':')
				return jc_fail(ctx, &c, TELLER_EPARSE,
				    "':' expected");
			jc_adv(&c);
			jc_ws(&c);
			if ((err = jc_value(ctx, &c, 1, &m.val)) != TELLER_OK)
				return err;
			if (tl_vec_push(ctx, v, &m) == NULL)
				return TELLER_ENOMEM;
			jc_ws(&c);
			if (c.i < len && buf[c.i] == ',') {
				jc_adv(&c);
				continue;
			}
			if (c.i < len && buf[c.i] == '}') {
				jc_adv(&c);
				break;
			}
			return jc_fail(ctx, &c, TELLER_EPARSE,
			    "',' or '}' expected");
		}
	}
	jc_ws(&c);
	if (c.i < len)
		return jc_fail(ctx, &c, TELLER_EPARSE,
		    "end of input expected");
	if (c.i > c.rel)
		tl_release(ctx, c.buf + c.rel, c.i - c.rel);
	*members = v->data;
	*n = v->len;
	return TELLER_OK;
}

/*
 * The fast scanner of compact trees. It takes only what jansson's parser
 * takes, with the same values: strict JSON with integers of at most 18
 * digits, strings of valid UTF-8 without control characters or \u0000;
 * reals and anything else make it give up (jp_fail) and the caller asks
 * jansson. Nesting was already bounded by jc_value (lim.depth).
 *
 * The cursor is passed and returned by value (NULL: give up), so that
 * it stays in a register: kept in struct jp it was loaded and stored
 * again around every write to the node and string vectors, which may
 * alias it.
 */
struct jp {
	teller_ctx *ctx;
	const char *end;
	struct tl_vec *nodes;
	struct tl_vec *pv;  /* the pool; its len stays 0, cap is the room */
	char *pool;         /* pv->data */
	size_t pn;          /* bytes used */
	int depth, maxdepth;
	int err;            /* ENOMEM while pushing, else 0 */
	bool own;           /* member names always in the pool */
	const struct tl_jkeys *keep; /* members kept, NULL for all */
};

/* A member name as the scanner keeps it (struct tl_jv's key, klen and
 * koff); key NULL and koff JP_FAIL outside objects. */
struct jkey {
	const char *key;
	size_t klen, koff;
};

#define JP_FAIL ((size_t)-1)

/* For the few small functions the member loop must not call out to. */
#if defined(__GNUC__)
#define JP_INLINE __attribute__((always_inline)) inline
#else
#define JP_INLINE inline
#endif

static inline struct tl_jv *
jp_node(struct jp *j, size_t i)
{
	return (struct tl_jv *)j->nodes->data + i;
}

/* Past the blanks at p: one test for the usual byte that is none. */
static inline const char *
jp_ws(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= ' ' && (*p == ' ' ||
	    *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* Strings are pool offsets while the pool may move (jdoc_scan turns
 * them into pointers): u.i for a string, koff for a member name. */
static inline size_t
jp_push(struct jp *j, int type, const struct jkey *k)
{
	struct tl_vec *nv = j->nodes;
	size_t at = nv->len;
	struct tl_jv *v;

	if (at == nv->cap && tl_vec_reserve(j->ctx, nv, 1) != TELLER_OK) {
		j->err = TELLER_ENOMEM;
		return JP_FAIL;
	}
	v = (struct tl_jv *)nv->data + at;
	v->key = k->key;
	v->klen = k->klen;
	v->koff = k->koff;
	v->u.i = 0;
	v->n = 0;
	v->next = 0;
	v->type = type;
	nv->len = at + 1;
	return at;
}

static int
jp_hex(const char *s, unsigned *out)
{
	unsigned v = 0;
	int k;

	for (k = 0; k < 4; k++) {
		unsigned char c = (unsigned char)s[k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, at most U+10FFFF), 0 if invalid or cut by end. */
static size_t
jp_utf8(const unsigned char *s, const unsigned char *end)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t n, k;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if ((size_t)(end - s) < n || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < n; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* Bytes a string holds as they are: ASCII from 0x20 but '"', '\\'. */
static const unsigned char jp_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* The first byte at or after s that is not jp_plain (or end). */
static inline const unsigned char *
jp_run(const unsigned char *s, const unsigned char *end)
{
#if defined(__SSE2__)
	const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	const __m128i sp = _mm_set1_epi8(0x20);

	while (end - s >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
		/* signed: bytes from 0x80 are below 0x20 too */
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
		    _mm_cmplt_epi8(v, sp)));

		if (m != 0)
			return s + __builtin_ctz(m);
		s += 16;
	}
#endif
	while (s < end && jp_plain[*s])
		s++;
	return s;
}

/* Code point u (at most U+10FFFF) as UTF-8 at d; returns the end. */
static char *
jp_put_utf8(char *d, unsigned u)
{
	if (u < 0x80) {
		*d++ = (char)u;
	} else if (u < 0x800) {
		*d++ = (char)(0xC0 | (u >> 6));
		*d++ = (char)(0x80 | (u & 0x3F));
	} else if (u < 0x10000) {
		*d++ = (char)(0xE0 | (u >> 12));
		*d++ = (char)(0x80 | ((u >> 6) & 0x3F));
		*d++ = (char)(0x80 | (u & 0x3F));
	} else {
		*d++ = (char)(0xF0 | (u >> 18));
		*d++ = (char)(0x80 | ((u >> 12) & 0x3F));
		*d++ = (char)(0x80 | ((u >> 6) & 0x3F));
		*d++ = (char)(0x80 | (u & 0x3F));
	}
	return d;
}

/* The four hex digits at *sp (just past "\u"; a surrogate pair takes
 * the next escape too) decoded as UTF-8 at *dp; both move past. False
 * to give up (bad digits, \u0000, a lone surrogate). */
static bool
jp_uescape(const unsigned char **sp, const unsigned char *end, char **dp)
{
	const unsigned char *s = *sp;
	unsigned u, lo;

	if (end - s < 4 || jp_hex((const char *)s, &u) != 0)
		return false;
	s += 4;
	if (u == 0 || (u >= 0xDC00 && u <= 0xDFFF))
		return false;
	if (u >= 0xD800 && u <= 0xDBFF) {
		if (end - s < 6 || s[0] != '\\' || s[1] != 'u' ||
		    jp_hex((const char *)s + 2, &lo) != 0 ||
		    lo < 0xDC00 || lo > 0xDFFF)
			return false;
		s += 6;
		u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
	}
	*dp = jp_put_utf8(*dp, u);
	*sp = s;
	return true;
}

#if defined(__SSE2__)
/* The usual string at s (just past its '"'): plain ASCII of at most 16
 * bytes, with room in the pool for one block and the NUL. Copied as
 * jp_string would (*out, *len, *pp the byte after it) and true, or
 * false for jp_string's general way. */
static inline bool
jp_short(struct jp *j, const unsigned char *s, size_t *out, size_t *len,
    const char **pp)
{
	const unsigned char *end = (const unsigned char *)j->end, *r;
	char *d = j->pool + j->pn;
	size_t n;

	if (end - s < 16 || j->pn + 32 > j->pv->cap)
		return false;
	r = jp_run(s, end);
	n = (size_t)(r - s);
	if (n > 16 || r >= end || *r != '"')
		return false;
	_mm_storeu_si128((__m128i *)(void *)d,
	    _mm_loadu_si128((const __m128i *)(const void *)s));
	d[n] = '\0';
	*out = j->pn;
	*len = n;
	j->pn += n + 1;
	*pp = (const char *)r + 1;
	return true;
}
#endif

/* jp_string's general way: any string, escapes and growing the pool
 * included. Out of line, so that the usual short string costs no call
 * (jp_string). */
static __attribute__((noinline)) const char *
jp_string_long(struct jp *j, const char *p, size_t *out, size_t *len)
{
	const unsigned char *s = (const unsigned char *)p + 1;
	const unsigned char *end = (const unsigned char *)j->end;
	char *pool = j->pool;
	char *d = pool + j->pn, *dend = pool + j->pv->cap - 8;

	for (;;) {
		unsigned char c;

		/* Plain ASCII in one run. */
		const unsigned char *r = jp_run(s, end);
		size_t n = (size_t)(r - s);

		if (d >= dend || (size_t)(dend - d) <= n + 16) {
			/* Room for the run (or a 16-byte block), the next
			 * byte or escape and the NUL. */
			size_t used = (size_t)(d - pool);
			size_t want = used + n + 32;

			if (want < 2 * j->pv->cap)
				want = 2 * j->pv->cap;
			if (tl_vec_reserve(j->ctx, j->pv, want) != TELLER_OK) {
				j->err = TELLER_ENOMEM;
				return NULL;
			}
			pool = j->pool = j->pv->data;
			d = pool + used;
			dend = pool + j->pv->cap - 8;
			continue;
		}
#if defined(__SSE2__)
		/* A short run as one block (the pool has the room). */
		if (n <= 16 && end - s >= 16)
			_mm_storeu_si128((__m128i *)(void *)d,
			    _mm_loadu_si128((const __m128i *)(const void *)s));
		else
#endif
			memcpy(d, s, n);
		d += n;
		s = r;
		if (s >= end)
			return NULL;
		c = *s;
		if (c == '"') {
			s++;
			break;
		}
		if (c < 0x20)
			return NULL;
		if (c >= 0x80) {
			size_t k = jp_utf8(s, end);
			if (k == 0)
				return NULL;
			memcpy(d, s, k);
			d += k;
			s += k;
			continue;
		}
		/* An escape. */
		if (end - s < 2)
			return NULL;
		c = s[1];
		s += 2;
		switch (c) {
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		case '/': *d++ = '/'; break;
		case 'b': *d++ = '\b'; break;
		case 'f': *d++ = '\f'; break;
		case 'n': *d++ = '\n'; break;
		case 'r': *d++ = '\r'; break;
		case 't': *d++ = '\t'; break;
		case 'u':
			if (!jp_uescape(&s, end, &d))
				return NULL;
			break;
		default:
			return NULL;
		}
	}
	*d++ = '\0';
	*out = j->pn;
	*len = (size_t)(d - pool) - j->pn - 1;
	j->pn = (size_t)(d - pool);
	return (const char *)s;
}

/* A string at p (on its '"') decoded into the pool; *out its start,
 * *len its length. Returns the byte after it, NULL to give up. */
static JP_INLINE const char *
jp_string(struct jp *j, const char *p, size_t *out, size_t *len)
{
#if defined(__SSE2__)
	if (jp_short(j, (const unsigned char *)p + 1, out, len, &p))
		return p;
#endif
	return jp_string_long(j, p, out, len);
}

/* The literal w (n bytes) at p: the byte after it, or NULL. */
static inline const char *
jp_lit(const char *p, const char *end, const char *w, size_t n)
{
	if ((size_t)(end - p) < n || memcmp(p, w, n) != 0)
		return NULL;
	return p + n;
}

/* A member name at p (on its '"'): pointing into the text when it has
 * no escapes nor other bytes to check, else decoded into the pool.
 * Returns the byte after it, NULL to give up. */
static inline const char *
jp_key(struct jp *j, const char *p, struct jkey *k)
{
	const unsigned char *s = (const unsigned char *)p + 1;
	const unsigned char *end = (const unsigned char *)j->end;

	s = jp_run(s, end);
	if (s < end && *s == '"' && !j->own) {
		k->key = p + 1;
		k->klen = (size_t)((const char *)s - p) - 1;
		k->koff = JP_FAIL;
		return (const char *)s + 1;
	}
	k->key = NULL;
	return jp_string(j, p, &k->koff, &k->klen);
}

/* An integer at p, -?(0|[1-9][0-9]*) of at most 18 digits, into *out:
 * the byte after it. NULL for anything else, a real included. */
static inline const char *
jp_num(const char *p, const char *end, long long *out)
{
	bool neg = false;
	uint64_t u;
	unsigned dg;
	size_t room;

	if (*p == '-') {
		neg = true;
		if (++p >= end)
			return NULL;
	}
	if ((dg = (unsigned char)*p - 0x30u) > 9)
		return NULL;
	p++;
	u = dg;
	if (dg != 0) {
		/* Up to 17 more digits; an 18th (past 10^18 - 1) is
		 * found below and makes it give up. */
		room = (size_t)(end - p) < 17 ? (size_t)(end - p) : 17;
		while (room-- > 0 && (dg = (unsigned char)*p - 0x30u) < 10) {
			u = u * 10 + dg;
			p++;
		}
	}
	if (p < end && ((unsigned char)*p - 0x30u < 10 || *p == '.' ||
	    *p == 'e' || *p == 'E'))
		return NULL;
	*out = neg ? -(long long)u : (long long)u;
	return p;
}

/* jp_skip_string's general way from s, inside the string (escapes,
 * bytes to check); out of line as jp_string_long. */
static __attribute__((noinline)) const char *
jp_skip_long(struct jp *j, const unsigned char *s)
{
	const unsigned char *end = (const unsigned char *)j->end;
	char tmp[8], *d;

	for (;;) {
		unsigned char c;
		size_t n;

		s = jp_run(s, end);
		if (s >= end)
			return NULL;
		c = *s;
		if (c == '"')
			break;
		if (c < 0x20)
			return NULL;
		if (c >= 0x80) {
			if ((n = jp_utf8(s, end)) == 0)
				return NULL;
			s += n;
			continue;
		}
		if (end - s < 2)
			return NULL;
		c = s[1];
		s += 2;
		if (c == 'u') {
			d = tmp;
			if (!jp_uescape(&s, end, &d))
				return NULL;
		} else if (c != '"' && c != '\\' && c != '/' && c != 'b' &&
		    c != 'f' && c != 'n' && c != 'r' && c != 't') {
			return NULL;
		}
	}
	return (const char *)s + 1;
}

/* Move past the string at p (on its '"') as jp_string would take it,
 * keeping nothing. NULL to give up. The usual string, plain bytes up
 * to its closing quote, without a call. */
static JP_INLINE const char *
jp_skip_string(struct jp *j, const char *p)
{
	const unsigned char *s = jp_run((const unsigned char *)p + 1,
	    (const unsigned char *)j->end);

	if (s < (const unsigned char *)j->end && *s == '"')
		return (const char *)s + 1;
	return jp_skip_long(j, s);
}

static const char *jp_skip(struct jp *j, const char *p);

/* Move past the object or array at p as jp_container would take it,
 * keeping nothing. NULL to give up. */
static const char *
jp_skip_container(struct jp *j, const char *p)
{
	const char *end = j->end;
	bool obj = *p == '{';
	char close = obj ? '}' : ']';

	if (++j->depth > j->maxdepth)
		return NULL;
	p = jp_ws(p + 1, end);
	if (p < end && *p == close) {
		j->depth--;
		return p + 1;
	}
	for (;;) {
		if (obj) {
			if (p >= end || *p != '"' ||
			    (p = jp_skip_string(j, p)) == NULL)
				return NULL;
			p = jp_ws(p, end);
			if (p >= end || *p != ':')
				return NULL;
			p = jp_ws(p + 1, end);
		}
		if ((p = jp_skip(j, p)) == NULL)
			return NULL;
		p = jp_ws(p, end);
		if (p >= end)
			return NULL;
		if (*p == ',') {
			p = jp_ws(p + 1, end);
			continue;
		}
		if (*p != close)
			return NULL;
		j->depth--;
		return p + 1;
	}
}

/* Move past one value at p as jp_value would take it, keeping nothing
 * (a member whose name is not kept). NULL to give up. */
static const char *
jp_skip(struct jp *j, const char *p)
{
	const char *end = j->end;
	long long v;

	if (p >= end)
		return NULL;
	switch (*p) {
	case '{':
	case '[':
		return jp_skip_container(j, p);
	case '"':
		return jp_skip_string(j, p);
	case 't':
		return jp_lit(p, end, "true", 4);
	case 'f':
		return jp_lit(p, end, "false", 5);
	case 'n':
		return jp_lit(p, end, "null", 4);
	default:
		return jp_num(p, end, &v);
	}
}

/* jp_skip with integers, true and false taken inline and strings
 * called for directly: most members left out are such. */
static JP_INLINE const char *
jp_skip_inline(struct jp *j, const char *p)
{
	long long v;

	if (p < j->end) {
		unsigned char c = (unsigned char)*p;

		if (c - 0x30u < 10 || c == '-')
			return jp_num(p, j->end, &v);
		if (c == '"')
			return jp_skip_string(j, p);
		if (c == 't')
			return jp_lit(p, j->end, "true", 4);
		if (c == 'f')
			return jp_lit(p, j->end, "false", 5);
	}
	return jp_skip(j, p);
}

/* The hash of a member name in a struct tl_jkeys. */
static unsigned
jkeys_hash(const char *k, size_t n)
{
	if (n == 0)
		return 0;
	return ((unsigned)n * 13u + (unsigned char)k[0] * 7u +
	    (unsigned char)k[n - 1] * 3u + (unsigned char)k[n / 2]) & 127u;
}

/* The hash of the first two bytes of a member name as it stands in
 * the text (slot2 of a struct tl_jkeys). */
static inline unsigned
jkeys_hash2(unsigned char a, unsigned char b)
{
	return ((unsigned)a * 7u + (unsigned)b * 3u) & 127u;
}

void
tl_jkeys_init(struct tl_jkeys *ks, const char *const *names)
{
	size_t i, n;
	unsigned h;

	memset(ks, 0, sizeof(*ks));
	for (i = 0; names[i] != NULL && i < TL_JKEYS_MAX; i++) {
		n = strlen(names[i]);
		ks->name[i] = names[i];
		ks->len[i] = n;
		h = jkeys_hash(names[i], n);
		while (ks->slot[h] != 0)
			h = (h + 1) & 127u;
		ks->slot[h] = (unsigned char)(i + 1);
		/* Only a name of plain bytes can stand as it is. */
		if (n == 0 || jp_run((const unsigned char *)names[i],
		    (const unsigned char *)names[i] + n) !=
		    (const unsigned char *)names[i] + n)
			continue;
		h = jkeys_hash2((unsigned char)names[i][0],
		    n > 1 ? (unsigned char)names[i][1] : '"');
		while (ks->slot2[h] != 0)
			h = (h + 1) & 127u;
		ks->slot2[h] = (unsigned char)(i + 1);
	}
}

/* Whether member name k[0..n) is one of ks. */
static bool
jkeys_has(const struct tl_jkeys *ks, const char *k, size_t n)
{
	unsigned h = jkeys_hash(k, n), e;

	while ((e = ks->slot[h]) != 0) {
		h = (h + 1) & 127u;
		if (ks->len[e - 1] == n && tl_jkey_eq(ks->name[e - 1], k, n))
			return true;
	}
	return false;
}

/* A member name at p (on its '"') matched against j->keep as it is
 * written, before its end is looked for: *kept whether it is one of
 * them. Returns the byte after it, NULL to give up. (A name written
 * plainly, with no escapes, whose first two bytes lead to no kept name
 * of its bytes and length is no kept name: names with escapes or other
 * bytes are decoded and looked up as before.) Not with j->own. */
static inline const char *
jp_key_keep(struct jp *j, const char *p, struct jkey *k, bool *kept)
{
	const struct tl_jkeys *ks = j->keep;
	const unsigned char *s = (const unsigned char *)p + 1;
	const unsigned char *end = (const unsigned char *)j->end;
	bool tried = false;
	unsigned h, e;

	if (end - s >= 2 && s[0] != '"') {
		tried = true;
		h = jkeys_hash2(s[0], s[1]);
		while ((e = ks->slot2[h]) != 0) {
			size_t n = ks->len[e - 1];

			h = (h + 1) & 127u;
			if ((size_t)(end - s) > n && s[n] == '"' &&
			    tl_jkey_eq((const char *)s, ks->name[e - 1], n)) {
				k->key = (const char *)s;
				k->klen = n;
				k->koff = JP_FAIL;
				*kept = true;
				return (const char *)s + n + 1;
			}
		}
	}
	if ((p = jp_key(j, p, k)) == NULL)
		return NULL;
	if (tried && k->key != NULL)
		*kept = false;
	else
		*kept = jkeys_has(ks, k->key != NULL ? k->key :
		    j->pool + k->koff, k->klen);
	return p;
}

static const char *jp_container(struct jp *j, const char *p,
    const struct jkey *k, size_t *out);

/* One value at p (p < end, no leading blanks) that is not an object
 * or array, member name k: its node index in *out; the byte after it,
 * NULL to give up. Inline in the member loop, which then calls out only
 * for a nested container. */
static JP_INLINE const char *
jp_scalar(struct jp *j, const char *p, const struct jkey *k, size_t *out)
{
	const char *end = j->end;
	size_t at, s, n;
	long long v;
	int type;

	switch (*p) {
	case '"':
		if ((p = jp_string(j, p, &s, &n)) == NULL ||
		    (at = jp_push(j, TL_JSTR, k)) == JP_FAIL)
			return NULL;
		jp_node(j, at)->u.i = (long long)s;
		jp_node(j, at)->n = n;
		*out = at;
		return p;
	case 't':
		p = jp_lit(p, end, "true", 4);
		type = TL_JTRUE;
		break;
	case 'f':
		p = jp_lit(p, end, "false", 5);
		type = TL_JFALSE;
		break;
	case 'n':
		p = jp_lit(p, end, "null", 4);
		type = TL_JNULL;
		break;
	default:
		if ((p = jp_num(p, end, &v)) == NULL ||
		    (at = jp_push(j, TL_JINT, k)) == JP_FAIL)
			return NULL;
		jp_node(j, at)->u.i = v;
		*out = at;
		return p;
	}
	if (p == NULL || (at = jp_push(j, type, k)) == JP_FAIL)
		return NULL;
	*out = at;
	return p;
}

/* One value at p (no leading blanks), member name k: its node index in
 * *out; the byte after it, NULL to give up. */
static const char *
jp_value(struct jp *j, const char *p, const struct jkey *k, size_t *out)
{
	if (p >= j->end)
		return NULL;
	if (*p == '{' || *p == '[')
		return jp_container(j, p, k, out);
	return jp_scalar(j, p, k, out);
}

/* An object or array at p (on its '{' or '['), member name k: its node
 * index in *out; the byte after it, NULL to give up. */
static const char *
jp_container(struct jp *j, const char *p, const struct jkey *k,
    size_t *out)
{
	const char *end = j->end;
	bool obj = *p == '{';
	char close = obj ? '}' : ']';
	size_t at, prev = JP_FAIL, kid, cnt = 0;
	struct jkey mk = { NULL, 0, JP_FAIL };
	/* read once: stores into the pool (char) may alias *j */
	const struct tl_jkeys *keep = j->keep;
	bool as_written = keep != NULL && !j->own;

	if (++j->depth > j->maxdepth ||
	    (at = jp_push(j, obj ? TL_JOBJ : TL_JARR, k)) == JP_FAIL)
		return NULL;
	p = jp_ws(p + 1, end);
	if (p < end && *p == close) {
		j->depth--;
		*out = at;
		return p + 1;
	}
	for (;;) {
		if (obj) {
			bool kept = true;

			if (p >= end || *p != '"')
				return NULL;
			if (as_written)
				p = jp_key_keep(j, p, &mk, &kept);
			else if ((p = jp_key(j, p, &mk)) != NULL &&
			    keep != NULL)
				kept = jkeys_has(keep, mk.key != NULL ?
				    mk.key : j->pool + mk.koff, mk.klen);
			if (p == NULL)
				return NULL;
			/* Compact text first: no blanks around ':'. */
			if (p >= end || *p != ':') {
				p = jp_ws(p, end);
				if (p >= end || *p != ':')
					return NULL;
			}
			p = jp_ws(p + 1, end);
			if (!kept) {
				/* Checked as it would be read, but not
				 * kept. */
				if ((p = jp_skip_inline(j, p)) == NULL)
					return NULL;
				goto next;
			}
		}
		if (p >= end)
			return NULL;
		if (*p == '{' || *p == '[')
			p = jp_container(j, p, &mk, &kid);
		else
			p = jp_scalar(j, p, &mk, &kid);
		if (p == NULL)
			return NULL;
		if (prev != JP_FAIL)
			jp_node(j, prev)->next = (kid - prev) *
			    sizeof(struct tl_jv);
		prev = kid;
		cnt++;
next:
		if (p >= end || (*p != ',' && *p != close)) {
			p = jp_ws(p, end);
			if (p >= end)
				return NULL;
		}
		if (*p == ',') {
			p = jp_ws(p + 1, end);
			continue;
		}
		if (*p != close)
			return NULL;
		j->depth--;
		jp_node(j, at)->n = cnt;
		*out = at;
		return p + 1;
	}
}

int
tl_jdoc_init(teller_ctx *ctx, struct tl_jdoc *d)
{
	d->fb = NULL;
	d->nodes = tl_vec_new(ctx, sizeof(struct tl_jv));
	d->pool = tl_vec_new(ctx, 1);
	if (d->nodes == NULL || d->pool == NULL)
		return tl_oom(ctx);
	return TELLER_OK;
}

void
tl_jdoc_free(struct tl_jdoc *d)
{
	json_decref(d->fb);
	d->fb = NULL;
}

/* Scan the value at buf[0..n) (container nesting at most maxdepth;
 * with own, no member name points into buf); *used gets its length.
 * TELLER_OK, ENOMEM, or -1 to give up. */
static int
jdoc_scan(teller_ctx *ctx, struct tl_jdoc *d, const char *buf, size_t n,
    int maxdepth, bool own, const struct tl_jkeys *keep, size_t *used,
    const struct tl_jv **root)
{
	struct tl_jv *v, *e;
	const struct jkey nokey = { NULL, 0, JP_FAIL };
	const char *p;
	size_t at;
	struct jp j;

	tl_jdoc_free(d);
	d->nodes->len = 0;
	d->pool->len = 0;
	if (d->pool->cap < 4096 && tl_vec_reserve(ctx, d->pool, 4096) != 0)
		return TELLER_ENOMEM;
	j.ctx = ctx;
	j.end = buf + n;
	j.nodes = d->nodes;
	j.pv = d->pool;
	j.pool = d->pool->data;
	j.pn = 0;
	j.depth = 0;
	/* jansson stops at 2048 levels (and recursion wants a bound):
	 * deeper values are left to it. */
	j.maxdepth = maxdepth < 1024 ? maxdepth : 1024;
	j.err = 0;
	j.own = own;
	j.keep = keep;
	if ((p = jp_value(&j, buf, &nokey, &at)) == NULL)
		return j.err != 0 ? j.err : -1;
	/* Offsets to pointers, now that the pool stays put (none when
	 * the pool is empty: no string nor decoded name was kept). */
	v = d->nodes->data;
	if (j.pn > 0)
		for (e = v; e < v + d->nodes->len; e++) {
			if (e->koff != JP_FAIL)
				e->key = j.pool + e->koff;
			if (e->type == TL_JSTR)
				e->u.s = j.pool + (size_t)e->u.i;
		}
	*used = (size_t)(p - buf);
	*root = v;
	return TELLER_OK;
}

int
tl_jdoc_fast(teller_ctx *ctx, struct tl_jdoc *d, const char *buf,
    size_t n, const struct tl_jv **root)
{
	size_t used;
	int err;

	err = jdoc_scan(ctx, d, buf, n, ctx->lim.depth, false, NULL, &used,
	    root);
	if (err == TELLER_OK && used != n)
		err = -1;
	return err;
}

static int jdoc_copy(teller_ctx *ctx, struct tl_jdoc *d, json_t *v,
    const char *key);

/* Copy child e (key: its member name, or NULL) after the node copied
 * just before it, at *prev (JP_FAIL for the first child), and link that
 * one to it. */
static int
jdoc_kid(teller_ctx *ctx, struct tl_jdoc *d, json_t *e, const char *key,
    size_t *prev)
{
	size_t kid = d->nodes->len;
	int err;

	if ((err = jdoc_copy(ctx, d, e, key)) != TELLER_OK)
		return err;
	if (*prev != JP_FAIL)
		((struct tl_jv *)d->nodes->data)[*prev].next = (kid - *prev) *
		    sizeof(struct tl_jv);
	*prev = kid;
	return TELLER_OK;
}

/* Copy jansson's tree v into d's nodes (strings stay in the tree). */
static int
jdoc_copy(teller_ctx *ctx, struct tl_jdoc *d, json_t *v, const char *key)
{
	struct tl_jv n;
	size_t prev = JP_FAIL, i;
	const char *k;
	json_t *e;
	int err;

	memset(&n, 0, sizeof(n));
	n.key = key;
	n.klen = key != NULL ? strlen(key) : 0;
	n.koff = JP_FAIL;
	switch (json_typeof(v)) {
	case JSON_OBJECT: n.type = TL_JOBJ; n.n = json_object_size(v); break;
	case JSON_ARRAY: n.type = TL_JARR; n.n = json_array_size(v); break;
	case JSON_STRING:
		n.type = TL_JSTR;
		n.u.s = json_string_value(v);
		n.n = json_string_length(v);
		break;
	case JSON_INTEGER:
		n.type = TL_JINT;
		n.u.i = json_integer_value(v);
		break;
	case JSON_REAL: n.type = TL_JREAL; break;
	case JSON_TRUE: n.type = TL_JTRUE; break;
	case JSON_FALSE: n.type = TL_JFALSE; break;
	default: n.type = TL_JNULL; break;
	}
	if (tl_vec_push(ctx, d->nodes, &n) == NULL)
		return TELLER_ENOMEM;
	if (n.type == TL_JOBJ) {
		json_object_foreach(v, k, e)
			if ((err = jdoc_kid(ctx, d, e, k, &prev)) != TELLER_OK)
				return err;
	} else if (n.type == TL_JARR) {
		json_array_foreach(v, i, e)
			if ((err = jdoc_kid(ctx, d, e, NULL, &prev)) !=
			    TELLER_OK)
				return err;
	}
	return TELLER_OK;
}

/* The fallback tree v (a new reference) copied into d. */
static int
jdoc_adopt(teller_ctx *ctx, struct tl_jdoc *d, json_t *v,
    const struct tl_jv **root)
{
	int err;

	d->nodes->len = 0;
	d->fb = v;
	if ((err = jdoc_copy(ctx, d, v, NULL)) != TELLER_OK)
		return err;
	*root = d->nodes->data;
	return TELLER_OK;
}

int
tl_jdoc_parse(teller_ctx *ctx, struct tl_jdoc *d, const struct tl_jspan *s,
    const struct tl_jv **root)
{
	json_t *v;
	size_t used;
	int err;

	err = jdoc_scan(ctx, d, s->p, s->n, ctx->lim.depth, false, NULL,
	    &used, root);
	if (err == TELLER_ENOMEM || (err == TELLER_OK && used == s->n))
		return err;
	/* Not in the fast subset: jansson decides, and reports. */
	if ((err = json_span(ctx, s, &v)) != TELLER_OK)
		return err;
	return jdoc_adopt(ctx, d, v, root);
}

static bool
jdoc_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Without TL_JNODUPS, a document the fast scanner takes whole (an object
 * or array between blanks) is one jansson takes, with the same values;
 * anything else, and every document with TL_JNODUPS (the scanner does not
 * look for equal keys), is parsed by jansson. */
int
tl_jdoc_load(teller_ctx *ctx, struct tl_jdoc *d, const char *buf,
    size_t len, int flags, struct tl_jerr *je, const struct tl_jv **root)
{
	size_t a = 0, b = len, used;
	json_error_t jerr;
	json_t *v;
	int err;

	je->line = je->col = -1;
	je->text[0] = '\0';
	while (a < b && jdoc_blank(buf[a]))
		a++;
	while (b > a && jdoc_blank(buf[b - 1]))
		b--;
	if (!(flags & TL_JNODUPS) && a < b && (buf[a] == '{' ||
	    buf[a] == '[')) {
		err = jdoc_scan(ctx, d, buf + a, b - a, ctx->lim.depth, true,
		    NULL, &used, root);
		if (err == TELLER_ENOMEM || (err == TELLER_OK &&
		    used == b - a))
			return err;
	}
	tl_jdoc_free(d);
	v = json_loadb(buf, len, flags & TL_JNODUPS ?
	    JSON_REJECT_DUPLICATES : 0, &jerr);
	if (v == NULL) {
		je->line = jerr.line;
		je->col = jerr.column;
		snprintf(je->text, sizeof(je->text), "%s", jerr.text);
		return TELLER_EPARSE;
	}
	return jdoc_adopt(ctx, d, v, root);
}

int
tl_jdoc_file(teller_ctx *ctx, struct tl_jdoc *d, const char *path,
    const struct tl_jv **root)
{
	struct tl_map m;
	struct tl_jerr je;
	size_t skip = 0;
	int err;

	if ((err = tl_io_map(ctx, path, path, &m)) != TELLER_OK)
		return err;
	if ((err = tl_cvr_json_depth(ctx, path, m.buf, m.len)) != TELLER_OK) {
		tl_io_unmap(&m);
		return err;
	}
	/* Jackson skips a UTF-8 byte order mark; jansson does not. */
	if (m.len >= 3 && memcmp(m.buf, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	err = tl_jdoc_load(ctx, d, m.buf + skip, m.len - skip, 0, &je, root);
	tl_io_unmap(&m);
	if (err == TELLER_EPARSE)
		return tl_fail_in(ctx, path, TELLER_EPARSE, je.line, je.col,
		    "invalid JSON: %s", je.text);
	return err;
}

/* Each element is scanned once by the fast scanner, which also finds
 * its end; line and column are only worked out when needed (an element
 * it gives up on, an error). An element taken fast is valid JSON, so its
 * end is where jc_value would put it. */
int
tl_json_elements_v(teller_ctx *ctx, const struct tl_jspan *s,
    tl_jv_elem_fn fn, void *ud)
{
	return tl_json_elements_k(ctx, s, NULL, fn, ud);
}

/* The elements of the array at c->i (its '['), each scanned alone
 * (keep: the members to build) and handed to fn; c->i ends after the
 * ']'. */
static int
jc_elements(teller_ctx *ctx, struct jcur *c, const struct tl_jkeys *keep,
    tl_jv_elem_fn fn, void *ud)
{
	const struct tl_jv *e;
	struct tl_jspan es;
	struct tl_jdoc d;
	size_t i = 0, used;
	int err;

	if ((err = tl_jdoc_init(ctx, &d)) != TELLER_OK)
		return err;
	jc_adv(c);
	jc_ws(c);
	if (c->i < c->len && c->buf[c->i] == ']') {
		jc_adv(c);
		return TELLER_OK;
	}
	for (;; i++) {
		jc_ws(c);
		err = -1;
		if (c->i < c->len && (c->buf[c->i] == '{' ||
		    c->buf[c->i] == '[')) {
			err = jdoc_scan(ctx, &d, c->buf + c->i, c->len - c->i,
			    ctx->lim.depth - 2, false, keep, &used, &e);
			if (err == TELLER_ENOMEM)
				break;
			if (err == TELLER_OK)
				c->i += used;
		}
		if (err != TELLER_OK) {
			if ((err = jc_value(ctx, c, 2, &es)) != TELLER_OK ||
			    (err = tl_jdoc_parse(ctx, &d, &es, &e)) !=
			    TELLER_OK)
				break;
		}
		err = fn(ud, i, e);
		tl_jdoc_free(&d);
		if (err != TELLER_OK)
			break;
		jc_release(ctx, c);
		jc_ws(c);
		if (c->i < c->len && c->buf[c->i] == ',') {
			c->i++;
			continue;
		}
		if (c->i < c->len && c->buf[c->i] == ']') {
			jc_adv(c);
			break;
		}
		err = jc_fail(ctx, c, TELLER_EPARSE, "',' or ']' expected");
		break;
	}
	tl_jdoc_free(&d);
	return err;
}

/* With keep, members of other names are checked but left out of the
 * trees the fast scanner builds (an element it gives up on is read
 * whole). */
int
tl_json_elements_k(teller_ctx *ctx, const struct tl_jspan *s,
    const struct tl_jkeys *keep, tl_jv_elem_fn fn, void *ud)
{
	struct jcur c = { s->file, s->p, s->n, 0, s->line, s->col, 0, 0 };

	if (s->n == 0 || s->p[0] != '[')
		return jc_fail(ctx, &c, TELLER_EPARSE, "an array expected");
	return jc_elements(ctx, &c, keep, fn, ud);
}

/* ------------------------------------------------------------------ */
/* An object read for one large array member (tl_json_array_member)   */

/* The first error recorded on ctx, set aside while a read is redone. */
struct jsaved {
	int err;
	long line, col;
	char msg[sizeof(((teller_ctx *)0)->msg)];
	char file[sizeof(((teller_ctx *)0)->errfile)];
};

static void
jsaved_take(teller_ctx *ctx, struct jsaved *s)
{
	s->err = ctx->err;
	s->line = ctx->line;
	s->col = ctx->col;
	memcpy(s->msg, ctx->msg, sizeof(s->msg));
	memcpy(s->file, ctx->errfile, sizeof(s->file));
	ctx->err = TELLER_OK;
}

static int
jsaved_put(teller_ctx *ctx, const struct jsaved *s)
{
	ctx->err = s->err;
	ctx->line = s->line;
	ctx->col = s->col;
	memcpy(ctx->msg, s->msg, sizeof(s->msg));
	memcpy(ctx->errfile, s->file, sizeof(s->file));
	return s->err;
}

/* The caller's element callback, counted on the one pass; on the two
 * passes that redo a failed one, the elements it handed over already
 * are skipped and the callback that failed fails again alike. */
struct jfeed {
	teller_ctx *ctx;
	tl_jv_elem_fn fn;
	void *ud;
	size_t done;  /* one pass: callbacks that returned TELLER_OK */
	bool failed;  /* one pass: the callback of element done failed */
	size_t skip;  /* two passes: elements [0, skip) handed over */
	bool refail;  /* two passes: element skip fails with saved */
	struct jsaved saved;
};

static int
jfeed_cb(void *ud, size_t i, const struct tl_jv *e)
{
	struct jfeed *f = ud;
	int err;

	if (i < f->skip)
		return TELLER_OK;
	if (i == f->skip && f->refail)
		return jsaved_put(f->ctx, &f->saved);
	if ((err = f->fn(f->ud, i, e)) != TELLER_OK) {
		f->failed = true;
		return err;
	}
	f->done++;
	return TELLER_OK;
}

/* Whether the text at buf[0..k) holds name as written or a \u escape
 * (bytes up to buf[room) may be read to tell). Looked for 64 bytes at a
 * time with AVX2 where the processor has it, else SSE2. */
static bool
jc_name_seen(const char *buf, size_t k, size_t room, const char *name)
{
	const unsigned char *b = (const unsigned char *)buf;
	size_t nl = strlen(name), i = 0;
	bool seen;

	if (nl > 0 && tl_jsimd_ok()) {
		i = tl_jsimd_name(b, 0, k, room, name, nl, &seen);
		if (seen)
			return true;
	}
#if defined(__SSE2__)
	const __m128i bs = _mm_set1_epi8('\\'), c0 = _mm_set1_epi8(name[0]);

	for (; k - i >= 64; i += 64) {
		uint64_t m = 0;

		/* unrolled by hand: the loop's own count cost a third */
#define JC_HITS(k) do { \
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *) \
		    (b + i + 16 * (k))); \
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128( \
		    _mm_cmpeq_epi8(v, bs), _mm_cmpeq_epi8(v, c0))) << \
		    (16 * (k)); \
	} while (0)
		JC_HITS(0);
		JC_HITS(1);
		JC_HITS(2);
		JC_HITS(3);
#undef JC_HITS
		for (; m != 0; m &= m - 1) {
			size_t p = i + (size_t)__builtin_ctzll(m);

			if (b[p] == '\\' ? p + 1 < room && b[p + 1] == 'u' :
			    room - p >= nl && memcmp(b + p, name, nl) == 0)
				return true;
		}
	}
#endif
	for (; i < k; i++) {
		if (b[i] == '\\' ? i + 1 < room && b[i + 1] == 'u' :
		    b[i] == (unsigned char)name[0] && room - i >= nl &&
		    memcmp(b + i, name, nl) == 0)
			return true;
	}
	return false;
}

/* Whether no member after buf[0..n) can be named name: the text holds
 * neither name as written nor a \u escape (the only escape that makes
 * a letter). The bytes looked at are released as it goes (the caller
 * rewinds its map before it reads them again). */
static bool
jc_name_alone(teller_ctx *ctx, const char *buf, size_t n, const char *name)
{
	size_t at, k;

	for (at = 0; at < n; at += k) {
		k = n - at < TL_IO_DROP_STEP ? n - at : TL_IO_DROP_STEP;
		if (jc_name_seen(buf + at, k, n - at, name))
			return false;
		tl_release(ctx, buf + at, k);
	}
	return true;
}

/* A member name at c->i decoded (jansson) onto the arena, with the
 * ':' after it passed. */
static int
jc_key(teller_ctx *ctx, struct jcur *c, char **key)
{
	struct tl_jspan ks;
	json_t *k;
	int err;

	jc_ws(c);
	if (c->i >= c->len || c->buf[c->i] != '"')
		return jc_fail(ctx, c, TELLER_EPARSE, "a member name expected");
	if ((err = jc_value(ctx, c, 1, &ks)) != TELLER_OK ||
	    (err = json_span(ctx, &ks, &k)) != TELLER_OK)
		return err;
	*key = tl_strndup(ctx, json_string_value(k), json_string_length(k));
	json_decref(k);
	if (*key == NULL)
		return TELLER_ENOMEM;
	jc_ws(c);
	if (c->i >= c->len || c->buf[c->i] != ':')
		return jc_fail(ctx, c, TELLER_EPARSE, "':' expected");
	jc_adv(c);
	jc_ws(c);
	return TELLER_OK;
}

/* A member's value at c->i other than the array: walked and parsed
 * (checked), as the two passes check it. */
static int
jc_other(teller_ctx *ctx, struct jcur *c, struct tl_jdoc *jd)
{
	struct tl_jspan vs;
	const struct tl_jv *v;
	int err;

	if ((err = jc_value(ctx, c, 1, &vs)) != TELLER_OK)
		return err;
	err = tl_jdoc_parse(ctx, jd, &vs, &v);
	tl_jdoc_free(jd);
	return err;
}

/* The one pass: members in file order, the first named name read
 * element by element where it stands. *sure is left false (and no
 * callback made) when that cannot give what the two passes give: no
 * such member, its value not an array, or another member of that name
 * possible after it. */
static int
jstream_one(teller_ctx *ctx, struct tl_map *m, const char *file,
    const char *name, const struct tl_jkeys *keep, struct jfeed *f,
    bool *sure)
{
	struct jcur c = { file, m->buf, m->len, 0, 1, 1, 0, 0 };
	struct tl_jdoc jd;
	bool seen = false;
	char *key = NULL;
	int err;

	if ((err = tl_jdoc_init(ctx, &jd)) != TELLER_OK)
		return err;
	if (c.len >= 3 && memcmp(c.buf, "\xEF\xBB\xBF", 3) == 0)
		c.i = c.li = 3;
	jc_ws(&c);
	if (c.i >= c.len || c.buf[c.i] != '{')
		return jc_fail(ctx, &c, TELLER_EPARSE, "'{' expected");
	jc_adv(&c);
	jc_ws(&c);
	if (c.i < c.len && c.buf[c.i] == '}')
		return TELLER_OK;
	for (;;) {
		if ((err = jc_key(ctx, &c, &key)) != TELLER_OK)
			return err;
		if (strcmp(key, name) != 0) {
			err = jc_other(ctx, &c, &jd);
		} else if (seen) {
			/* jc_name_alone said it could not be */
			return tl_fail_in(ctx, file, TELLER_EINTERNAL, 0, 0,
			    "a second member %s", name);
		} else {
			if (c.i >= c.len || c.buf[c.i] != '[' ||
			    !jc_name_alone(ctx, c.buf + c.i, c.len - c.i, name))
				return TELLER_OK;
			tl_io_rewind(m);
			seen = *sure = true;
			err = jc_elements(ctx, &c, keep, jfeed_cb, f);
		}
		if (err != TELLER_OK)
			return err;
		jc_ws(&c);
		if (c.i < c.len && c.buf[c.i] == ',') {
			jc_adv(&c);
			continue;
		}
		if (c.i < c.len && c.buf[c.i] == '}') {
			jc_adv(&c);
			break;
		}
		return jc_fail(ctx, &c, TELLER_EPARSE, "',' or '}' expected");
	}
	jc_ws(&c);
	if (c.i < c.len)
		return jc_fail(ctx, &c, TELLER_EPARSE, "end of input expected");
	if (c.i > c.rel)
		tl_release(ctx, c.buf + c.rel, c.i - c.rel);
	return TELLER_OK;
}

/* The two passes: every member's span (tl_json_members), each member
 * other than name parsed in file order, then the last one named name
 * read element by element. */
static int
jstream_two(teller_ctx *ctx, struct tl_map *m, const char *file,
    const char *name, const struct tl_jkeys *keep, struct jfeed *f)
{
	const struct tl_jspan *arr = NULL;
	struct tl_jmember *mem;
	const struct tl_jv *v;
	struct tl_jdoc jd;
	size_t n, i;
	int err;

	tl_io_rewind(m);
	if ((err = tl_json_members(ctx, file, m->buf, m->len, &mem, &n)) !=
	    TELLER_OK)
		return err;
	tl_io_rewind(m);
	if ((err = tl_jdoc_init(ctx, &jd)) != TELLER_OK)
		return err;
	for (i = 0; i < n; i++) {
		if (strcmp(mem[i].key, name) == 0) {
			arr = &mem[i].val;
			continue;
		}
		err = tl_jdoc_parse(ctx, &jd, &mem[i].val, &v);
		tl_jdoc_free(&jd);
		if (err != TELLER_OK)
			return err;
	}
	if (arr == NULL || arr->p[0] != '[')
		return tl_fail_in(ctx, file, TELLER_EPARSE, arr ? arr->line :
		    1, arr ? arr->col : 1, "%s: expected an array", name);
	return tl_json_elements_k(ctx, arr, keep, jfeed_cb, f);
}

bool tl_json_two_passes;

int
tl_json_array_member(teller_ctx *ctx, struct tl_map *m, const char *file,
    const char *name, const struct tl_jkeys *keep, tl_jv_elem_fn fn,
    void *ud)
{
	struct jfeed f;
	bool sure = false;
	int err = TELLER_OK;

	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	f.fn = fn;
	f.ud = ud;
	if (!tl_json_two_passes)
		err = jstream_one(ctx, m, file, name, keep, &f, &sure);
	if ((err == TELLER_OK && sure) || err == TELLER_ENOMEM || ctx->oom)
		return err;
	/* Not sure, or an error the two passes may word or place
	 * otherwise (an error after the array comes first there): they
	 * decide, without handing over an element twice. */
	if (err != TELLER_OK)
		jsaved_take(ctx, &f.saved);
	f.skip = f.done;
	f.refail = f.failed;
	return jstream_two(ctx, m, file, name, keep, &f);
}

size_t
tl_jv_len(const struct tl_jv *v)
{
	return tl_jv_is(v, TL_JARR) ? v->n : 0;
}

const struct tl_jv *
tl_jv_at(const struct tl_jv *v, size_t i)
{
	const struct tl_jv *e;

	for (e = tl_jv_first(v); e != NULL && i > 0; i--)
		e = tl_jv_next(e);
	return e;
}


bool
tl_jv_text(const struct tl_jv *v, char *buf, size_t bufsz)
{
	int k;

	if (tl_jv_is(v, TL_JINT) && v->u.i >= 0 && v->u.i < 10000 &&
	    bufsz > 4) {
		/* The usual id: a small integer, written without a call. */
		unsigned u = (unsigned)v->u.i;
		char *d = buf;

		if (u >= 1000)
			*d++ = (char)('0' + u / 1000);
		if (u >= 100)
			*d++ = (char)('0' + u / 100 % 10);
		if (u >= 10)
			*d++ = (char)('0' + u / 10 % 10);
		*d++ = (char)('0' + u % 10);
		*d = '\0';
		return true;
	}
	if (tl_jv_is(v, TL_JSTR)) {
		if (v->n >= bufsz)
			return false;
		memcpy(buf, v->u.s, v->n + 1);
		return true;
	}
	if (tl_jv_isbool(v)) {
		k = snprintf(buf, bufsz, "%s", v->type == TL_JTRUE ? "true" :
		    "false");
		return k > 0 && (size_t)k < bufsz;
	}
	if (tl_jv_is(v, TL_JINT)) {
		/* As "%" JSON_INTEGER_FORMAT, without stdio. */
		char t[24], *e = t + sizeof(t), *q = e;
		unsigned long long u = v->u.i < 0 ?
		    0ULL - (unsigned long long)v->u.i :
		    (unsigned long long)v->u.i;

		do {
			*--q = (char)('0' + u % 10);
			u /= 10;
		} while (u != 0);
		if (v->u.i < 0)
			*--q = '-';
		if ((size_t)(e - q) >= bufsz)
			return false;
		memcpy(buf, q, (size_t)(e - q));
		buf[e - q] = '\0';
		return true;
	}
	return false;
}
