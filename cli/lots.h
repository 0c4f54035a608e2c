/* SPDX-License-Identifier: MIT */
/* lots.h -- reading a --lots file (cli/lots.c). */
#ifndef LOTS_H
#define LOTS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Parse the lots in (buf, len), read from path: one SPEC a line (blank
 * lines and '#' comments skipped), or a JSON array of objects with
 * "stage" and "order" (names, least favoured first), as the manifest's
 * lots[]. Calls add(ud, spec, n) for each lot in order, spec in the
 * --lot syntax. Returns 0, or -1 after printing
 * "teller: PATH:LINE:COL: what is wrong" (or after add failed).
 */
int cli_lots_parse(const char *path, const char *buf, size_t len,
    int (*add)(void *ud, const char *spec, size_t n), void *ud);

#endif
