/* SPDX-License-Identifier: MIT */
/*
 * sens_meek.c -- rounding sensitivity for stv-meek (audit.md 7: "Meek:
 * statutory vs higher precision (10^-18 in 128 bits)"). The statutory
 * count is m_stv_meek.c's: Droop's guarded arithmetic (18 places and 9
 * guard digits, values within 0.5 * 10^-18 equal), totals shown at 9
 * places. This file counts Meek again with every value an integer count
 * of 10^-18 in 128 bits, each product and quotient floored on its own and
 * compared exactly -- Droop's `meek` at precision 18 without guard
 * digits -- the keep factors and the convergence test (total surplus <=
 * omega = 10^-9, or no longer falling) at that precision, and compares
 * decisions and stage totals.
 *
 * It does not call the method: the same rules (Hill, Wichmann and
 * Woodall's Algorithm 123 as Droop orders it: distribute, quota, elect,
 * surplus, converge, batch defeat, keep factors) are written again here
 * over the clean preference lists of tl_stv_prepare. Papers ranking
 * candidates equal are not recounted (ERULE).
 */
#include <gmp.h>
#include <string.h>

#include "audit.h"
#include "sens.h"
#include "sens_stv.h"
#include "stv.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

#define ONE ((i128)1000000000000000000) /* 10^18: one vote */
#define OMEGA ((i128)1000000000)        /* 10^-9 */

enum { M_ELECTED, M_OMEGA, M_STABLE, M_BATCH };

struct mk {
	teller_ctx *ctx;
	const struct teller_contest *c;
	struct stv_ballots b;
	int ncand, seats, nelected, nhopeful;
	int *state;
	i128 *kf, *vote;
	i128 quota, surplus;
	mpz_t x, y;
	int *batch, *sorted, *gstart, *tmp;
	struct tl_sens_run run;
};

/* q = v / 10^18, v >= 0 */
static void
q_set(mpq_t q, i128 v)
{
	u128 u = (u128)v;

	mpz_set_ui(mpq_numref(q), (unsigned long)(uint64_t)(u >> 64));
	mpz_mul_2exp(mpq_numref(q), mpq_numref(q), 64);
	mpz_add_ui(mpq_numref(q), mpq_numref(q), (unsigned long)(uint64_t)u);
	mpz_set_ui(mpq_denref(q), 1000000000);
	mpz_mul_ui(mpq_denref(q), mpq_denref(q), 1000000000);
	mpq_canonicalize(q);
}

static void
z_set(mpz_t z, i128 v)
{
	u128 u = (u128)v;

	mpz_set_ui(z, (unsigned long)(uint64_t)(u >> 64));
	mpz_mul_2exp(z, z, 64);
	mpz_add_ui(z, z, (unsigned long)(uint64_t)u);
}

static i128
z_get(const mpz_t z)
{
	mpz_t t;
	i128 v;

	mpz_init(t);
	mpz_fdiv_q_2exp(t, z, 64);
	v = (i128)mpz_get_ui(t) << 64;
	mpz_fdiv_r_2exp(t, z, 64);
	v += (i128)mpz_get_ui(t);
	mpz_clear(t);
	return v;
}

/* Each paper from the top at 1: a defeated candidate passes it on whole,
 * a hopeful keeps it, an elected one keeps floor(w * kf) and passes on
 * floor(w * (1 - kf)); what passes the last preference is exhausted. */
static void
distribute(struct mk *m)
{
	size_t k;
	uint32_t j;
	int i;

	for (i = 0; i < m->ncand; i++)
		m->vote[i] = 0;
	for (k = 0; k < m->b.n; k++) {
		i128 w = ONE, n = m->b.w[k];
		for (j = m->b.off[k]; j < m->b.off[k + 1] && w > 0; j++) {
			int c = m->b.ids[j];
			i128 kf = m->kf[c];
			if (kf == 0)
				continue;
			if (kf == ONE) {
				m->vote[c] += w * n;
				w = 0;
				break;
			}
			m->vote[c] += w * kf / ONE * n;
			w = w * (ONE - kf) / ONE;
		}
	}
}

static int
stage(struct mk *m, enum tl_stage_kind kind, int subject)
{
	mpq_t *v = tl_alloc(m->ctx, (size_t)m->ncand + 1, sizeof(mpq_t));
	int k = (int)kind, i;

	if (v == NULL || tl_vec_push(m->ctx, m->run.kinds, &k) == NULL ||
	    tl_vec_push(m->ctx, m->run.subj, &subject) == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < m->ncand; i++) {
		mpq_init(v[i]);
		q_set(v[i], m->vote[i]);
	}
	if (tl_vec_push(m->ctx, m->run.snaps, &v) == NULL) {
		for (i = 0; i < m->ncand; i++)
			mpq_clear(v[i]);
		return TELLER_ENOMEM;
	}
	return TELLER_OK;
}

static int
elect(struct mk *m, int i)
{
	m->state[i] = STV_ELECTED;
	m->nelected++;
	m->nhopeful--;
	return tl_vec_push(m->ctx, m->run.elected, &i) != NULL ? TELLER_OK :
	    TELLER_ENOMEM;
}

static int
defeat(struct mk *m, int i)
{
	m->state[i] = STV_DEFEATED;
	m->nhopeful--;
	m->kf[i] = 0;
	return tl_vec_push(m->ctx, m->run.excluded, &i) != NULL ? TELLER_OK :
	    TELLER_ENOMEM;
}

/* Droop's batchDefeat: hopefuls by vote in groups (one within the
 * surplus of a group's first joins it); the longest run of lowest groups
 * whose votes and the surplus stay below the next group, leaving enough
 * hopefuls. Returns the batch size; batch[] in candidate order. */
static int
batch_defeat(struct mk *m)
{
	int *s = m->sorted, n = 0, ng = 0, i, j, g, maxg = -1, nc = 0, maxdef;
	i128 gv = 0, tot = 0;

	for (i = 0; i < m->ncand; i++)
		if (m->state[i] == STV_HOPEFUL)
			s[n++] = i;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && m->vote[s[j - 1]] > m->vote[s[j]]; j--) {
			int x = s[j];
			s[j] = s[j - 1];
			s[j - 1] = x;
		}
	for (i = 0; i < n; i++) {
		if (ng > 0 && gv + m->surplus >= m->vote[s[i]])
			continue;
		if (ng == 0 && m->surplus >= m->vote[s[i]]) {
			m->gstart[ng++] = i;
			continue;
		}
		m->gstart[ng++] = i;
		gv = m->vote[s[i]];
	}
	m->gstart[ng] = n;
	maxdef = m->nhopeful - (m->seats - m->nelected);
	for (g = 0; g + 1 < ng; g++) {
		nc += m->gstart[g + 1] - m->gstart[g];
		if (nc > maxdef)
			break;
		for (i = m->gstart[g]; i < m->gstart[g + 1]; i++)
			tot += m->vote[s[i]];
		if (tot + m->surplus < m->vote[s[m->gstart[g + 1]]])
			maxg = g;
	}
	if (maxg < 0)
		return 0;
	n = 0;
	for (i = 0; i < m->ncand; i++)
		for (g = 0; g < m->gstart[maxg + 1]; g++)
			if (s[g] == i)
				m->batch[n++] = i;
	return n;
}

/* Iterate to convergence (Droop's iterate()): *status why it stopped,
 * *nbatch the sure losers found. */
static int
iterate(struct mk *m, int *status, int *nbatch)
{
	i128 last = (i128)m->b.total * ONE, votes;
	int i, rc, any;

	for (;;) {
		distribute(m);
		votes = 0;
		for (i = 0; i < m->ncand; i++)
			if (m->state[i] == STV_HOPEFUL ||
			    m->state[i] == STV_ELECTED)
				votes += m->vote[i];
		m->quota = votes / (m->seats + 1);
		any = 0;
		for (i = 0; i < m->ncand; i++)
			if (m->state[i] == STV_HOPEFUL &&
			    m->vote[i] > m->quota) {
				if (!any && (rc = stage(m, TL_STAGE_ITERATION,
				    -1)) != TELLER_OK)
					return rc;
				any = 1;
				if ((rc = elect(m, i)) != TELLER_OK)
					return rc;
			}
		m->surplus = 0;
		for (i = 0; i < m->ncand; i++)
			if (m->state[i] == STV_ELECTED)
				m->surplus += m->vote[i] - m->quota;
		if (any) {
			*status = M_ELECTED;
			return TELLER_OK;
		}
		if (m->surplus <= OMEGA) {
			*status = M_OMEGA;
			return TELLER_OK;
		}
		if (m->surplus >= last) {
			*status = M_STABLE;
			return TELLER_OK;
		}
		if ((*nbatch = batch_defeat(m)) > 0) {
			*status = M_BATCH;
			return TELLER_OK;
		}
		last = m->surplus;
		/* kf = floor(floor(kf * quota) / vote), at 10^-18 */
		for (i = 0; i < m->ncand; i++) {
			if (m->state[i] != STV_ELECTED || m->vote[i] <= 0)
				continue;
			z_set(m->x, m->kf[i]);
			z_set(m->y, m->quota);
			mpz_mul(m->x, m->x, m->y);
			z_set(m->y, ONE);
			mpz_fdiv_q(m->x, m->x, m->y);
			mpz_mul(m->x, m->x, m->y);
			z_set(m->y, m->vote[i]);
			mpz_fdiv_q(m->x, m->x, m->y);
			m->kf[i] = z_get(m->x);
		}
	}
}

static int
count(struct mk *m)
{
	int status, nbatch = 0, i, rc, lastkind = TL_STAGE_FIRST;

	distribute(m);
	if ((rc = stage(m, TL_STAGE_FIRST, -1)) != TELLER_OK)
		return rc;
	while (!(m->nhopeful <= m->seats - m->nelected ||
	    m->seats - m->nelected <= 0)) {
		if ((rc = iterate(m, &status, &nbatch)) != TELLER_OK)
			return rc;
		if (status == M_ELECTED) {
			lastkind = TL_STAGE_ITERATION;
		} else if (status == M_BATCH) {
			if ((rc = stage(m, TL_STAGE_EXCLUSION, m->batch[0])) !=
			    TELLER_OK)
				return rc;
			for (i = 0; i < nbatch; i++)
				if ((rc = defeat(m, m->batch[i])) != TELLER_OK)
					return rc;
			lastkind = TL_STAGE_EXCLUSION;
		} else {
			/* the lowest; within the surplus of it: tie order.
			 * Floored without guard digits, the surplus can end
			 * a hair below 0: the band is then the lowest alone */
			int low = -1, n = 0, k;
			i128 band = m->surplus > 0 ? m->surplus : 0;
			for (i = 0; i < m->ncand; i++)
				if (m->state[i] == STV_HOPEFUL && (low < 0 ||
				    m->vote[i] < m->vote[low]))
					low = i;
			for (i = 0; i < m->ncand; i++)
				if (m->state[i] == STV_HOPEFUL &&
				    m->vote[low] + band >= m->vote[i])
					m->tmp[n++] = i;
			k = tl_tie_order_first(m->c, m->tmp, n);
			low = m->tmp[k < 0 ? 0 : k];
			if ((rc = stage(m, TL_STAGE_EXCLUSION, low)) !=
			    TELLER_OK || (rc = defeat(m, low)) != TELLER_OK)
				return rc;
			lastkind = TL_STAGE_EXCLUSION;
		}
	}
	if (m->nhopeful > 0 && m->nelected < m->seats &&
	    lastkind == TL_STAGE_EXCLUSION) {
		distribute(m);
		if ((rc = stage(m, TL_STAGE_FINAL, -1)) != TELLER_OK)
			return rc;
	}
	for (i = 0; i < m->ncand; i++) {
		if (m->state[i] != STV_HOPEFUL)
			continue;
		if (m->nelected >= m->seats)
			break; /* the rest lose, not excluded at a stage */
		if ((rc = elect(m, i)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

int
tl_sens_meek_count(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const struct teller_result *r, struct tl_sens_cmp *out)
{
	struct mk m;
	teller_rules ru;
	size_t nn = (size_t)c->ncand + 2, k;
	int rc, i;

	if (rules != NULL)
		ru = *rules;
	else
		teller_rules_init(&ru, "stv-meek");
	ru.seats = r->seats;
	memset(&m, 0, sizeof(m));
	m.ctx = ctx;
	m.c = c;
	m.ncand = c->ncand;
	if ((rc = tl_stv_prepare(ctx, c, p, &ru, "stv-meek", true, &m.b,
	    &m.seats)) != TELLER_OK)
		return rc;
	if (m.b.neq > 0)
		return tl_fail(ctx, TELLER_ERULE, "--sensitivity rounding: "
		    "stv-meek papers with equal rankings are not recounted");
	if (m.b.total > INT64_C(9000000000))
		return tl_fail(ctx, TELLER_EOVERFLOW, "sensitivity: more than "
		    "9*10^9 ballots");
	if (m.b.total * tl_num_pow10(r->dp) != r->valid)
		return tl_fail(ctx, TELLER_EINTERNAL, "sensitivity: %lld valid "
		    "papers read, the count has another number",
		    (long long)m.b.total);
	for (k = 0; k < m.b.n; k++)
		if (m.b.off[k + 1] - m.b.off[k] > (uint32_t)m.ncand)
			return tl_fail(ctx, TELLER_EINTERNAL, "sensitivity: a "
			    "ranking repeats a candidate");
	m.state = tl_alloc(ctx, nn, sizeof(int));
	m.kf = tl_alloc(ctx, nn, sizeof(i128));
	m.vote = tl_alloc(ctx, nn, sizeof(i128));
	m.batch = tl_alloc(ctx, nn, sizeof(int));
	m.sorted = tl_alloc(ctx, nn, sizeof(int));
	m.gstart = tl_alloc(ctx, nn + 1, sizeof(int));
	m.tmp = tl_alloc(ctx, nn, sizeof(int));
	m.run.ncand = c->ncand;
	m.run.snaps = tl_vec_new(ctx, sizeof(mpq_t *));
	m.run.kinds = tl_vec_new(ctx, sizeof(int));
	m.run.subj = tl_vec_new(ctx, sizeof(int));
	m.run.elected = tl_vec_new(ctx, sizeof(int));
	m.run.excluded = tl_vec_new(ctx, sizeof(int));
	if (m.state == NULL || m.kf == NULL || m.vote == NULL ||
	    m.batch == NULL || m.sorted == NULL || m.gstart == NULL ||
	    m.tmp == NULL || m.run.snaps == NULL || m.run.kinds == NULL ||
	    m.run.subj == NULL || m.run.elected == NULL ||
	    m.run.excluded == NULL)
		return TELLER_ENOMEM;
	m.nhopeful = tl_stv_states(c, m.state);
	for (i = 0; i < m.ncand; i++)
		m.kf[i] = m.state[i] == STV_HOPEFUL ? ONE : 0;
	mpz_init(m.x);
	mpz_init(m.y);
	rc = count(&m);
	if (rc == TELLER_OK)
		rc = tl_sens_compare(ctx, r, &m.run, out);
	for (k = 0; k < m.run.snaps->len; k++)
		for (i = 0; i < m.ncand; i++)
			mpq_clear(TL_VEC_AT(m.run.snaps, mpq_t *, k)[i]);
	mpz_clear(m.x);
	mpz_clear(m.y);
	return rc;
}
