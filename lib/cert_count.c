/* SPDX-License-Identifier: MIT */
/*
 * cert_count.c -- teller_count_certified: a count that writes its
 * certificate (audit.md 5). It prepares what the certificate names (each
 * pattern's line in the effective profile text, that text's hash and the
 * rules' hash) and hands the method a struct tl_cert through ctx; kept
 * apart from cert.c so that no method depends on canon.c, which looks
 * methods up.
 */
#include "tl_int.h"
#include "cert.h"

int
teller_count_certified(teller_ctx *ctx, const teller_contest *contest,
    const teller_profile *profile, const teller_rules *rules,
    teller_write_fn write, void *ud, teller_result **out)
{
	const struct tl_method *m;
	char prof[65], rh[65];
	uint32_t *map;
	struct tl_cert *k;
	size_t n;
	int rc;

	*out = NULL;
	if (write == NULL || rules == NULL ||
	    (m = tl_method_find(rules->method)) == NULL)
		return teller_count(ctx, contest, profile, rules, out);
	n = profile->pats->len;
	if ((map = tl_alloc(ctx, n + 1, sizeof(uint32_t))) == NULL)
		return TELLER_ENOMEM;
	/* map numbers the pooled text's lines; the hash is the one the
	 * manifest records, with a sectioned profile's sections (4.3) */
	if ((rc = tl_canon_effective_map(ctx, contest, profile, rules, prof,
	    map)) != TELLER_OK ||
	    (contest->sects != NULL && contest->sects->len > 0 &&
	    (rc = teller_canon_sha256(ctx, contest, profile, rules,
	    TELLER_CANON_EFFECTIVE, prof)) != TELLER_OK) ||
	    (rc = teller_canon_sha256(ctx, contest, NULL, rules,
	    TELLER_CANON_RULES, rh)) != TELLER_OK ||
	    (rc = tl_cert_new(ctx, contest, m->name, map, n, prof, rh, write,
	    ud, &k)) != TELLER_OK)
		return rc;
	ctx->cert = k;
	rc = teller_count(ctx, contest, profile, rules, out);
	ctx->cert = NULL;
	return rc;
}
