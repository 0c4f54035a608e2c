/* SPDX-License-Identifier: MIT */
/*
 * fuzz_count.c -- libFuzzer target for the whole path: read any format
 * (detected from content), then count with every method in tl_methods[]
 * and render every report kind. A count either succeeds with a result
 * that passes the conservation check and elects at most the seats, or
 * fails with a recorded error; nothing may crash or hang. An input
 * without sections is then put in one (--section, methods.md 4.3 c) and
 * counted again by college and exhaustive.
 */
#include "fuzz_common.h"

/* Count by method name and render every report; the invariants above. */
static void
count_one(teller_ctx *ctx, teller_contest *c, teller_profile *p,
    const char *name)
{
	teller_rules rules;
	teller_result *res;
	int rc, k;

	teller_rules_init(&rules, name);
	rules.seed = "42";
	teller_errclear(ctx);
	rc = teller_count(ctx, c, p, &rules, &res);
	if (rc != TELLER_OK) {
		FUZZ_ASSERT(rc != TELLER_EINTERNAL);
		fuzz_check_error(ctx, rc);
		return;
	}
	FUZZ_ASSERT(res != NULL);
	FUZZ_ASSERT(teller_result_nelected(res) >= 0);
	FUZZ_ASSERT(res->seats <= 0 ||
	    teller_result_nelected(res) <= res->seats);
	if (res->stages->len > 0)
		FUZZ_ASSERT(tl_result_check(ctx, res) == TELLER_OK);
	for (k = TELLER_REP_TEXT; k <= TELLER_REP_HTML; k++) {
		teller_errclear(ctx);
		rc = teller_report(ctx, res, (enum teller_report_kind)k,
		    fuzz_null_write, NULL);
		FUZZ_ASSERT(rc == TELLER_OK || rc == TELLER_ENOMEM ||
		    teller_errcode(ctx) == rc);
		FUZZ_ASSERT(rc != TELLER_EINTERNAL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tl_method *m;
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	int rc;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 0;
	fuzz_limits(ctx);
	/* counting is costlier than reading: keep contests small */
	ctx->lim.candidates = 40;
	ctx->lim.patterns = 5000;
	ctx->lim.seats = 10;
	rc = teller_read(ctx, TELLER_FMT_AUTO, "fuzz", (const char *)data,
	    size, &c, &p);
	if (rc != TELLER_OK) {
		fuzz_check_error(ctx, rc);
		teller_ctx_free(ctx);
		return 0;
	}
	fuzz_check_profile(c, p);
	for (m = tl_methods; m->name != NULL; m++)
		count_one(ctx, c, p, m->name);
	teller_errclear(ctx);
	if (teller_contest_nsections(c) == 0) {
		rc = teller_profile_section(ctx, c, p, "s", "2/3", NULL);
		FUZZ_ASSERT(rc == TELLER_OK || rc == TELLER_ENOMEM ||
		    rc == TELLER_ELIMIT || rc == TELLER_EOVERFLOW);
		if (rc == TELLER_OK) {
			count_one(ctx, c, p, "college");
			count_one(ctx, c, p, "exhaustive");
		}
	}
	teller_ctx_free(ctx);
	return 0;
}
