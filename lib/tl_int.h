/* SPDX-License-Identifier: MIT */
/*
 * tl_int.h -- everything shared inside lib/ (never installed): an
 * umbrella over the module headers, one a module, each named for the file
 * that defines what it declares (a function's prefix names that file):
 *
 *   ctx.h     tl_ctx_, tl_fail, tl_alloc, tl_vec_   (ctx.c)
 *   num.h     tl_num_, tl_g_                       (num.c)
 *             tl_dec_                              (num_dec.c)
 *   text.h    tl_utf8_len, tl_text_, tl_behind_    (text.c)
 *   strtab.h  tl_strtab_                           (strtab.c)
 *   profile.h tl_contest_, tl_profile_, tl_pat_    (profile.c)
 *   keys.h    tl_keys_                             (keys.c)
 *   sha256.h  tl_sha256_                         (sha256.c)
 *   tie.h     tl_tie_, tl_lot_, tl_lots_           (tie.c)
 *   result.h  tl_result_                           (result.c)
 *   methods.h tl_method_, tl_m_*                   (methods.c, m_*.c)
 *   fmt.h     tl_fmt_* readers                     (fmt_*.c, read.c)
 *   out.h     tl_out_                              (out.c)
 *   report.h  tl_rep_* writers                     (rep_*.c, report.c)
 *   canon.h   tl_canon_                            (canon.c)
 *
 * Method-private headers (uk_paper.h, stv.h) are included by the methods
 * that use them only. A file may include just the headers it needs.
 */
#ifndef TL_INT_H
#define TL_INT_H

#include "ctx.h"
#include "num.h"
#include "text.h"
#include "strtab.h"
#include "profile.h"
#include "keys.h"
#include "sha256.h"
#include "tie.h"
#include "result.h"
#include "methods.h"
#include "fmt.h"
#include "out.h"
#include "report.h"
#include "canon.h"

#endif /* TL_INT_H */
