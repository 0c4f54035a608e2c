/* SPDX-License-Identifier: MIT */
/* obspool.h -- observe's login events, spooled for serve to write into
 * the book's audit log (obspool.c has the contract). */
#ifndef DESK_OBSPOOL_H
#define DESK_OBSPOOL_H

#include "desk.h"

#define D_SPOOL_NAME "observe-events.jsonl"

/* observe's side */
int d_spool_open(const char *dir);
void d_spool_add(const char *action, const char *user, const char *role,
    const char *tried, const char *ip);
void d_spool_close(void);

/* serve's side */
void d_spool_pickup(struct desk *d, const char *dir);

#endif
