/* SPDX-License-Identifier: MIT */
/*
 * mjson.h -- the one small JSON reader of cli/ (cli/mjson.c): a manifest
 * for `teller verify`, a lots[] file for `teller count --lots`. Every
 * value keeps its LINE:COL, so what is wrong with it can be told as
 * "teller: FILE:LINE:COL: what is wrong".
 */
#ifndef MJSON_H
#define MJSON_H

#include <stddef.h>

enum mj_type { MJ_NULL, MJ_BOOL, MJ_NUM, MJ_STR, MJ_ARR, MJ_OBJ };

struct mj {
	enum mj_type type;
	char *s;          /* MJ_STR: the decoded string; MJ_NUM: its text;
			   * MJ_BOOL: "true"/"false" */
	char *key;        /* the member name when inside an object */
	struct mj *kid;   /* first element or member */
	struct mj *next;  /* next sibling */
	size_t n;         /* elements or members */
	long line, col;   /* where the value starts (1-based; col in bytes) */
};

/* Why and where a text is not JSON. */
struct mj_err {
	long line, col;
	const char *what; /* static */
};

/* Parse (buf, len); NULL if it is not JSON (or out of memory), with the
 * reason in *err unless err is NULL. */
struct mj *mj_parse_err(const char *buf, size_t len, struct mj_err *err);
/* mj_parse_err without the reason. */
struct mj *mj_parse(const char *buf, size_t len);
/* Print "teller: PATH:LINE:COL: what" for err; returns -1. */
int mj_perror(const char *path, const struct mj_err *err);
/* Print "teller: PATH:LINE:COL: what" at value v (1:1 if v is NULL);
 * returns -1. */
int mj_fail(const char *path, const struct mj *v, const char *what);
void mj_free(struct mj *v);
/* Member key of object o, or NULL. */
const struct mj *mj_get(const struct mj *o, const char *key);
/* The string of a member (MJ_STR or MJ_NUM), or NULL. */
const char *mj_str(const struct mj *o, const char *key);
/* The i-th element of an array, or NULL. */
const struct mj *mj_at(const struct mj *a, size_t i);
/* v written back as compact JSON (keys in their order), malloc'd. */
char *mj_text(const struct mj *v);

#endif
