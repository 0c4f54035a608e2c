/* SPDX-License-Identifier: MIT */
/*
 * cvr_xml.c -- streaming XML for the vendor CVR readers (expat): element
 * paths, positioned errors, no DTDs.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <expat.h>

#include "cvr_util.h"

const char *
tl_xml_local(const char *name)
{
	const char *c = strrchr(name, ':');

	return c != NULL ? c + 1 : name;
}

int
tl_xml_fail(struct tl_xml *x, int err, const char *fmt, ...)
{
	XML_Parser p = x->parser;
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->err = tl_fail_in(x->ctx, x->file, err,
	    (long)XML_GetCurrentLineNumber(p),
	    (long)XML_GetCurrentColumnNumber(p) + 1, "%s", msg);
	XML_StopParser(p, XML_FALSE);
	return x->err;
}

long
tl_xml_line(const struct tl_xml *x)
{
	return (long)XML_GetCurrentLineNumber((XML_Parser)x->parser);
}

bool
tl_xml_at(const struct tl_xml *x, const char *const *names)
{
	int n = 0, i;

	while (names[n] != NULL)
		n++;
	if (n > x->depth)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(x->path[x->depth - n + i], names[i]) != 0)
			return false;
	return true;
}

/* Rebuild x->path from the name pool (the pool may have moved). */
static void
xml_paths(struct tl_xml *x)
{
	int i;

	for (i = 0; i < x->depth; i++)
		TL_VEC_AT(x->ptrs, const char *, i) =
		    (const char *)x->names->data +
		    TL_VEC_AT(x->offs, size_t, i);
	x->path = x->ptrs->data;
}

static void XMLCALL
xml_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct tl_xml *x = ud;
	const char *ln = tl_xml_local(name);
	size_t n = strlen(ln), off = x->names->len;

	if (x->err != TELLER_OK)
		return;
	if (x->depth >= x->ctx->lim.depth) {
		tl_xml_fail(x, TELLER_ELIMIT, "XML nested more than %d deep",
		    x->ctx->lim.depth);
		return;
	}
	if (tl_vec_reserve(x->ctx, x->names, n + 1) != 0 ||
	    tl_vec_push(x->ctx, x->offs, &off) == NULL ||
	    tl_vec_reserve(x->ctx, x->ptrs, 1) != 0) {
		x->err = TELLER_ENOMEM;
		XML_StopParser(x->parser, XML_FALSE);
		return;
	}
	memcpy((char *)x->names->data + off, ln, n + 1);
	x->names->len += n + 1;
	x->depth++;
	x->ptrs->len = (size_t)x->depth;
	xml_paths(x);
	x->text->len = 0;
	if (x->start != NULL && x->start(x, attrs) != TELLER_OK) {
		if (x->err == TELLER_OK)
			x->err = x->ctx->err != TELLER_OK ? x->ctx->err :
			    TELLER_EINTERNAL;
		XML_StopParser(x->parser, XML_FALSE);
	}
}

static void XMLCALL
xml_end(void *ud, const XML_Char *name)
{
	struct tl_xml *x = ud;
	char nul = '\0';

	(void)name;
	if (x->err != TELLER_OK || x->depth == 0)
		return;
	if (tl_vec_push(x->ctx, x->text, &nul) == NULL) {
		x->err = TELLER_ENOMEM;
		XML_StopParser(x->parser, XML_FALSE);
		return;
	}
	xml_paths(x);
	if (x->end != NULL && x->end(x, x->text->data, x->text->len - 1) !=
	    TELLER_OK) {
		if (x->err == TELLER_OK)
			x->err = x->ctx->err != TELLER_OK ? x->ctx->err :
			    TELLER_EINTERNAL;
		XML_StopParser(x->parser, XML_FALSE);
		return;
	}
	x->text->len = 0;
	x->depth--;
	x->names->len = TL_VEC_AT(x->offs, size_t, x->depth);
	x->offs->len = (size_t)x->depth;
	x->ptrs->len = (size_t)x->depth;
}

static void XMLCALL
xml_chars(void *ud, const XML_Char *s, int len)
{
	struct tl_xml *x = ud;

	if (x->err != TELLER_OK || len <= 0)
		return;
	if (tl_vec_reserve(x->ctx, x->text, (size_t)len + 1) != 0) {
		x->err = TELLER_ENOMEM;
		XML_StopParser(x->parser, XML_FALSE);
		return;
	}
	memcpy((char *)x->text->data + x->text->len, s, (size_t)len);
	x->text->len += (size_t)len;
}

static void XMLCALL
xml_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int internal)
{
	struct tl_xml *x = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)internal;
	if (x->err == TELLER_OK)
		tl_xml_fail(x, TELLER_EPARSE, "a DOCTYPE is not allowed");
}

int
tl_xml_parse(teller_ctx *ctx, struct tl_xml *x, const char *file,
    const char *buf, size_t len)
{
	XML_Parser p;
	size_t off = 0;
	int err = TELLER_OK;

	x->ctx = ctx;
	x->file = file;
	x->depth = 0;
	x->err = TELLER_OK;
	x->path = NULL;
	if (x->names == NULL) {
		x->names = tl_vec_new(ctx, 1);
		x->offs = tl_vec_new(ctx, sizeof(size_t));
		x->ptrs = tl_vec_new(ctx, sizeof(const char *));
		x->text = tl_vec_new(ctx, 1);
	}
	if (x->names == NULL || x->offs == NULL || x->ptrs == NULL ||
	    x->text == NULL)
		return tl_oom(ctx);
	x->names->len = x->offs->len = x->ptrs->len = x->text->len = 0;
	if ((p = XML_ParserCreate(NULL)) == NULL)
		return tl_oom(ctx);
	x->parser = p;
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, xml_start, xml_end);
	XML_SetCharacterDataHandler(p, xml_chars);
	XML_SetStartDoctypeDeclHandler(p, xml_doctype);
	/* Fed in 1 MiB pieces, so expat buffers only a partial token. */
	do {
		size_t n = len - off > (1u << 20) ? (1u << 20) : len - off;
		int final = off + n == len;

		if (XML_Parse(p, buf + off, (int)n, final) ==
		    XML_STATUS_ERROR) {
			if (x->err != TELLER_OK)
				err = x->err;
			else
				err = tl_fail_in(ctx, file, TELLER_EPARSE,
				    (long)XML_GetCurrentLineNumber(p),
				    (long)XML_GetCurrentColumnNumber(p) + 1,
				    "invalid XML: %s",
				    XML_ErrorString(XML_GetErrorCode(p)));
			break;
		}
		/* expat keeps what it still needs: these bytes are done */
		tl_release(ctx, buf + off, n);
		off += n;
	} while (off < len);
	if (err == TELLER_OK && x->err != TELLER_OK)
		err = x->err;
	if (err == TELLER_ENOMEM)
		tl_oom(ctx);
	XML_ParserFree(p);
	x->parser = NULL;
	return err;
}
