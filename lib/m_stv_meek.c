/* SPDX-License-Identifier: MIT */
/*
 * m_stv_meek.c -- STV by Meek's method (Hill, Wichmann and Woodall 1987,
 * Algorithm 123) as Droop's `meek` rule counts it with its defaults.
 *
 * Precision and tolerance: guarded arithmetic, 18 places + 9 guard digits
 * (every value an integer count of 10^-27, each product and quotient
 * floored on its own); values within 0.5 * 10^-18 compare equal; an
 * iteration stops when the total surplus is <= omega = 10^-9, when it no
 * longer falls, when someone is elected, or when sure losers appear
 * (batch defeat, Droop's defeat_batch=safe). Results are shown at 9
 * places, rounded half up as Droop prints them (display=9); the rounding
 * residue goes to the loss row, which can be a few 10^-9 below zero.
 *
 * Ballots are held as a prefix tree of their clean rankings: a node's
 * weight is the number of ballots through it, and a distribution walks
 * only the prefixes made of elected and defeated candidates, so its cost
 * does not grow with the number of ballots. Because every ballot through
 * a node carries the same weight there, sums over the tree equal Droop's
 * per-ballot sums exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "stv.h"

#define MEEK_DP 9

struct node {
	int32_t parent; /* -1 for the root */
	int32_t nkids;  /* children */
	int cand;
	int64_t m;      /* ballots through this node */
	int64_t mend;   /* ballots ending here */
	int32_t child;  /* first child, -1 if none */
	int32_t next;   /* next sibling, -1 if none */
};

struct gv {
	tl_g v;
	int i;
};

struct meek {
	teller_ctx *ctx;
	const struct teller_contest *c;
	struct teller_result *r;
	struct stv_ballots b;
	int ncand, seats, nelected, nhopeful;
	int *state;
	tl_g *kf, *vote;
	tl_g quota, votes, surplus, exhausted, omega;
	struct tl_vec *nodes; /* of struct node; node 0 is the root */
	struct tl_vec *spare; /* the other buffer for rebuilding */
	int32_t *map;         /* old node -> new node while rebuilding */
	tl_g *stack_w;
	int32_t *stack_n;
	struct gv *gv;        /* scratch for sorting, [ncand] */
	int32_t *hash;        /* (parent, cand) -> node + 1, 0 empty */
	size_t hmask;
	size_t visits, dead;  /* nodes walked by the last distribution, and
	                         how many of them were defeated */
	/* transfers (xfer below): the keep factors and states of the last
	 * recorded stage, per-ballot scratch, the flow matrix */
	tl_g *kf_at, *kold, *knew, *flow;
	tl_fix *val;
	int *state_at, *touch;
	bool have_at;
	struct tl_cert *cert;  /* the certificate, or NULL (audit.md 5) */
	int niter;             /* distributions since the last stage */
};

#define NODE(m, i) (&TL_VEC_AT((m)->nodes, struct node, (i)))

/* Hash slot for (parent, cand). */
static size_t
slot_of(int32_t parent, int cand, size_t mask)
{
	uint64_t h = ((uint64_t)(uint32_t)parent << 20) ^ (uint64_t)cand;

	h *= UINT64_C(0x9E3779B97F4A7C15);
	return (size_t)(h >> 20) & mask;
}

#define WIDE 8 /* children beyond which a node's children are hashed */

static void
hash_put(struct meek *m, const struct node *nodes, int32_t i)
{
	size_t h = slot_of(nodes[i].parent, nodes[i].cand, m->hmask);

	while (m->hash[h] != 0)
		h = (h + 1) & m->hmask;
	m->hash[h] = i + 1;
}

/* Child of parent (in tree v) with candidate cand, created if absent;
 * -1 on OOM. A child is always stored after its parent. Narrow nodes
 * keep a list of children; the children of a node with more than WIDE
 * of them also go in a hash table (open addressing, at least twice the
 * largest tree), so wide nodes cost constant time too. Its own table,
 * not a tl_strtab: keys are (node, candidate) integer pairs, and it is
 * emptied and refilled each time the tree is rebuilt. */
static int32_t
child(struct meek *m, struct tl_vec *v, int32_t parent, int cand)
{
	struct node *nodes = v->data, nd;
	int32_t i;

	if (nodes[parent].nkids <= WIDE) {
		for (i = nodes[parent].child; i >= 0; i = nodes[i].next)
			if (nodes[i].cand == cand)
				return i;
	} else {
		size_t h = slot_of(parent, cand, m->hmask);
		for (; m->hash[h] != 0; h = (h + 1) & m->hmask) {
			i = m->hash[h] - 1;
			if (nodes[i].parent == parent && nodes[i].cand == cand)
				return i;
		}
	}
	nd.parent = parent;
	nd.cand = cand;
	nd.nkids = 0;
	nd.m = nd.mend = 0;
	nd.child = -1;
	nd.next = nodes[parent].child;
	if (tl_vec_push(m->ctx, v, &nd) == NULL)
		return -1;
	nodes = v->data;
	i = (int32_t)v->len - 1;
	nodes[parent].child = i;
	if (++nodes[parent].nkids == WIDE + 1) {
		for (int32_t k = nodes[parent].child; k >= 0; k = nodes[k].next)
			hash_put(m, nodes, k);
	} else if (nodes[parent].nkids > WIDE + 1) {
		hash_put(m, nodes, i);
	}
	return i;
}

/* Build the tree from the clean rankings. */
static int
build(struct meek *m)
{
	struct node root = { -1, 0, -1, 0, 0, -1, -1 };
	size_t k;

	size_t cap = 16;

	while (cap < 2 * ((size_t)m->b.off[m->b.n] + 1))
		cap *= 2;
	m->hmask = cap - 1;
	if ((m->hash = tl_alloc(m->ctx, cap, sizeof(int32_t))) == NULL)
		return TELLER_ENOMEM;
	if ((m->nodes = tl_vec_new(m->ctx, sizeof(struct node))) == NULL ||
	    (m->spare = tl_vec_new(m->ctx, sizeof(struct node))) == NULL ||
	    tl_vec_push(m->ctx, m->nodes, &root) == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < m->b.n; k++) {
		int32_t at = 0;
		uint32_t j;

		for (j = m->b.off[k]; j < m->b.off[k + 1]; j++) {
			if ((at = child(m, m->nodes, at, m->b.ids[j])) < 0)
				return TELLER_ENOMEM;
			NODE(m, at)->m += m->b.w[k];
		}
		NODE(m, at)->mend += m->b.w[k];
	}
	m->stack_w = tl_alloc(m->ctx, m->nodes->len + 1, sizeof(tl_g));
	m->stack_n = tl_alloc(m->ctx, m->nodes->len + 1, sizeof(int32_t));
	m->map = tl_alloc(m->ctx, m->nodes->len + 1, sizeof(int32_t));
	return m->stack_w && m->stack_n && m->map ? TELLER_OK : TELLER_ENOMEM;
}

/*
 * After a defeat, rebuild the tree without the defeated: a defeated
 * candidate (kf = 0) passes every ballot on unchanged, so splicing its
 * node out (its children merge into its parent, ballots ending there end
 * at the parent) gives the same sums and a smaller tree to walk. Parents
 * come before children, so one pass in index order does it.
 */
static int
rebuild(struct meek *m)
{
	struct tl_vec *old = m->nodes, *nw = m->spare;
	struct node root = { -1, 0, -1, 0, 0, -1, -1 };
	size_t i;

	nw->len = 0;
	memset(m->hash, 0, (m->hmask + 1) * sizeof(int32_t));
	if (tl_vec_push(m->ctx, nw, &root) == NULL)
		return TELLER_ENOMEM;
	m->map[0] = 0;
	((struct node *)nw->data)->mend = ((struct node *)old->data)->mend;
	for (i = 1; i < old->len; i++) {
		const struct node *o = &((struct node *)old->data)[i];
		int32_t p = m->map[o->parent], x;

		if (m->state[o->cand] == STV_DEFEATED) {
			m->map[i] = p;
			((struct node *)nw->data)[p].mend += o->mend;
			continue;
		}
		if ((x = child(m, nw, p, o->cand)) < 0)
			return TELLER_ENOMEM;
		m->map[i] = x;
		((struct node *)nw->data)[x].m += o->m;
		((struct node *)nw->data)[x].mend += o->mend;
	}
	m->nodes = nw;
	m->spare = old;
	return TELLER_OK;
}

/* *acc += w * n, checked. */
static int
gadd(struct meek *m, tl_g *acc, tl_g w, int64_t n)
{
	return tl_g_addmul(m->ctx, acc, w, n);
}

#define EQ_WORK_MAX 50000000 /* recursion steps per distribution */

/*
 * Droop meek distributeVotes(), ballots with equal rankings: at rank i the
 * weight is split equally (floored) among the rank's hopeful and elected
 * candidates; each keeps floor(share * kf) and passes floor(share *
 * (1 - kf)) on to rank i + 1 separately. As in Droop, a rank whose
 * candidates are all defeated ends the ballot; weight left at the end is
 * non-transferable here (Droop's residual).
 */
static int
dist_eq(struct meek *m, size_t k, uint32_t i, tl_g w, long *work)
{
	const struct stv_ballots *b = &m->b;
	uint32_t r0 = TL_VEC_AT(b->eqoff, uint32_t, k);
	uint32_t nr = TL_VEC_AT(b->eqoff, uint32_t, k + 1) - r0;
	int64_t mult = TL_VEC_AT(b->eqw, int64_t, k);
	uint32_t a, z, j;
	int n = 0, rc;
	tl_g share, keep, rest, left;

	if (++*work > EQ_WORK_MAX)
		return tl_fail(m->ctx, TELLER_ELIMIT, "stv-meek: equal "
		    "rankings branch too much to distribute");
	if (tl_g_eq(w, tl_g_zero()))
		return TELLER_OK;
	if (i >= nr)
		return gadd(m, &m->exhausted, w, mult);
	a = TL_VEC_AT(b->eqrank, uint32_t, r0 + i);
	z = r0 + i + 1 < b->eqrank->len ? TL_VEC_AT(b->eqrank, uint32_t,
	    r0 + i + 1) : (uint32_t)b->eqids->len;
	for (j = a; j < z; j++) {
		int c = TL_VEC_AT(b->eqids, tl_cid, j);
		if (m->state[c] == STV_HOPEFUL || m->state[c] == STV_ELECTED)
			n++;
	}
	if (n == 0)
		return gadd(m, &m->exhausted, w, mult);
	share = tl_g_div_int(w, n); /* Droop: weight / V(n), floored */
	for (j = a; j < z; j++) {
		int c = TL_VEC_AT(b->eqids, tl_cid, j);
		if (m->state[c] != STV_HOPEFUL && m->state[c] != STV_ELECTED)
			continue;
		if ((rc = tl_g_mul(m->ctx, share, m->kf[c], &keep)) != 0 ||
		    (rc = tl_g_sub(m->ctx, tl_g_one(), m->kf[c], &left)) != 0 ||
		    (rc = tl_g_mul(m->ctx, share, left, &rest)) != 0 ||
		    (rc = gadd(m, &m->vote[c], keep, mult)) != 0 ||
		    (rc = dist_eq(m, k, i + 1, rest, work)) != 0)
			return rc;
	}
	return TELLER_OK;
}

/*
 * Droop meek distributeVotes(): each ballot starts at weight 1; at each
 * candidate with a keep factor kf != 0 it leaves keep = floor(w * kf) and
 * goes on with floor(w * (1 - kf)) (OpenSTV MeekSTV rounding, which Droop
 * uses), stopping when the weight is <= 0 (guarded comparison). Weight
 * left at the end of a ranking is non-transferable.
 */
static int
distribute(struct meek *m)
{
	tl_g one = tl_g_one(), zero = tl_g_zero();
	size_t sp = 0;
	int i, rc;

	/* Splice out the defeated once walking through them costs more
	 * than the rest of the walk (the sums do not change). */
	if (m->dead > 64 && 2 * m->dead > m->visits &&
	    (rc = rebuild(m)) != TELLER_OK)
		return rc;
	m->visits = m->dead = 0;
	m->niter++;
	for (i = 0; i < m->ncand; i++)
		m->vote[i] = zero;
	m->exhausted = zero;
	if ((rc = gadd(m, &m->exhausted, one, NODE(m, 0)->mend)) != 0)
		return rc;
	for (int32_t ch = NODE(m, 0)->child; ch >= 0; ch = NODE(m, ch)->next) {
		m->stack_n[sp] = ch;
		m->stack_w[sp++] = one;
	}
	while (sp > 0) {
		int32_t n = m->stack_n[--sp];
		tl_g w = m->stack_w[sp], kf, keep, rest, left;
		const struct node *nd = NODE(m, n);
		int c = nd->cand;

		kf = m->kf[c];
		m->visits++;
		if (tl_g_eq(kf, zero)) {
			m->dead++;
			rest = w; /* defeated: passed over */
		} else if (tl_g_eq(kf, one)) {
			/* keep = w, rest = floor(w * 0) = 0: stop */
			if ((rc = gadd(m, &m->vote[c], w, nd->m)) != 0)
				return rc;
			continue;
		} else {
			if ((rc = tl_g_mul(m->ctx, w, kf, &keep)) != 0 ||
			    (rc = tl_g_sub(m->ctx, one, kf, &left)) != 0 ||
			    (rc = tl_g_mul(m->ctx, w, left, &rest)) != 0)
				return rc;
			if ((rc = gadd(m, &m->vote[c], keep, nd->m)) != 0)
				return rc;
			if (tl_g_cmp(rest, zero) <= 0)
				continue; /* what is left is lost */
		}
		if ((rc = gadd(m, &m->exhausted, rest, nd->mend)) != 0)
			return rc;
		for (int32_t ch = nd->child; ch >= 0;
		    ch = NODE(m, ch)->next) {
			m->stack_n[sp] = ch;
			m->stack_w[sp++] = rest;
		}
	}
	for (size_t k = 0; k < m->b.neq; k++) {
		long work = 0;
		if ((rc = dist_eq(m, k, 0, one, &work)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

static int
elect(struct meek *m, int i, const char *rule)
{
	int rc;

	m->state[i] = STV_ELECTED;
	m->nelected++;
	m->nhopeful--;
	if (m->cert != NULL && (rc = tl_cert_elect(m->cert, i, rule)) != 0)
		return rc;
	return tl_result_elect(m->ctx, m->r, i);
}

static void
defeat(struct meek *m, int i)
{
	m->state[i] = STV_DEFEATED;
	m->nhopeful--;
	m->kf[i] = tl_g_zero();
}

/*
 * Transfers (reports.md 12) between two recorded stages. Several elected
 * candidates give at once, and a defeated one's papers move with them,
 * so who gave to whom is defined per ballot from the keep factors:
 *
 * 1. Each ballot (value 1) is split by distribute()'s own arithmetic
 *    under the keep factors of the previous stage and under the current
 *    ones: the value kept by each candidate, the value left at the end
 *    (non-transferable) and the value lost to flooring.
 * 2. On that ballot, what the candidates (and rows) whose share fell
 *    lost goes to those whose share rose, in proportion to the rise:
 *    giver g to receiver r gets loss_g * rise_r / (sum of rises).
 * 3. Summed over the ballots this gives gross flows, in which an elected
 *    candidate can both give (its keep factor fell) and receive (from a
 *    defeated candidate's papers). Value that passes through such a
 *    candidate is credited from where it came to where it went: for each
 *    candidate c in ballot order, with In and Out its gross inflow and
 *    outflow, x -> c and c -> y become x -> y by
 *    flow(x, c) * flow(c, y) / max(In, Out) (x -> x dropped). Each
 *    candidate then only gives or only receives, and its net change is
 *    unchanged.
 * 4. The flows from candidates who lost votes at the stage to each
 *    candidate who gained (and to the non-transferable row) are rounded
 *    at the result's places; the largest absorbs the rounding, so each
 *    receiver's transfers add up to its gain exactly; what is left of a
 *    giver's loss is its loss by fractions (the display rounding and the
 *    flooring). The transfers thus add up to every gain exactly.
 *
 * Arithmetic in tl_g, floored as everywhere here. Above XFER_MAX
 * candidates (step 3 is cubic) no transfers are recorded.
 */
#define XFER_MAX 500
#define XN(m) ((m)->ncand + 2) /* candidates, non-transferable, floored */

/* Value ballot b (one paper) gives under keep factors kf, as
 * distribute() walks it: k[c] += kept, k[ncand] += left at the end. */
static int
keeps(struct meek *m, const tl_g *kf, size_t b, tl_g *k)
{
	tl_g one = tl_g_one(), zero = tl_g_zero(), w = one, keep, rest, left;
	uint32_t j;
	int c, rc;

	for (j = m->b.off[b]; j < m->b.off[b + 1]; j++) {
		c = m->b.ids[j];
		if (tl_g_eq(kf[c], zero))
			continue;
		if (tl_g_eq(kf[c], one))
			return tl_g_add(m->ctx, k[c], w, &k[c]);
		if ((rc = tl_g_mul(m->ctx, w, kf[c], &keep)) != 0 ||
		    (rc = tl_g_sub(m->ctx, one, kf[c], &left)) != 0 ||
		    (rc = tl_g_mul(m->ctx, w, left, &rest)) != 0 ||
		    (rc = tl_g_add(m->ctx, k[c], keep, &k[c])) != 0)
			return rc;
		if (tl_g_cmp(rest, zero) <= 0)
			return TELLER_OK;
		w = rest;
	}
	return tl_g_add(m->ctx, k[m->ncand], w, &k[m->ncand]);
}

/* Ballots with equal rankings (mult papers, value tot): dist_eq()
 * itself, under kf and state, into k. */
static int
keeps_eq(struct meek *m, const tl_g *kf, const int *state, size_t b,
    tl_g *k)
{
	tl_g *kf0 = m->kf, *v0 = m->vote, ex0 = m->exhausted;
	int *st0 = m->state, rc;
	long work = 0;

	m->kf = (tl_g *)kf;
	m->state = (int *)state;
	m->vote = k;
	m->exhausted = tl_g_zero();
	rc = dist_eq(m, b, 0, tl_g_one(), &work);
	k[m->ncand] = m->exhausted;
	m->kf = kf0;
	m->state = st0;
	m->vote = v0;
	m->exhausted = ex0;
	return rc;
}

/* Whether ballot b's value may be split differently under kf_at and kf:
 * some candidate before its first one kept whole (kf = 1) under both
 * has a keep factor that changed. */
static bool
moved(const struct meek *m, size_t b)
{
	tl_g one = tl_g_one();
	uint32_t j;

	for (j = m->b.off[b]; j < m->b.off[b + 1]; j++) {
		int c = m->b.ids[j];
		if (!tl_g_eq(m->kf_at[c], m->kf[c]))
			return true;
		if (tl_g_eq(m->kf[c], one))
			return false;
	}
	return false;
}

/* Step 2 for one ballot of value tot (nt entries of touch), counted
 * mult times; clears kold and knew at touch. */
static int
split(struct meek *m, const int *touch, int nt, tl_g tot, int64_t mult)
{
	int n = XN(m), i, j, rc, lost = m->ncand + 1;
	tl_g lo = tot, ln = tot, d, s = tl_g_zero(), r, f;
	tl_g *ko = m->kold, *kn = m->knew;

	for (i = 0; i < nt; i++)
		if (touch[i] != lost && ((rc = tl_g_sub(m->ctx, lo,
		    ko[touch[i]], &lo)) != 0 || (rc = tl_g_sub(m->ctx, ln,
		    kn[touch[i]], &ln)) != 0))
			return rc;
	ko[lost] = lo;
	kn[lost] = ln;
	for (i = 0; i < nt; i++)
		if (tl_g_cmp_exact(kn[touch[i]], ko[touch[i]]) > 0 &&
		    ((rc = tl_g_sub(m->ctx, kn[touch[i]], ko[touch[i]], &d)) ||
		    (rc = tl_g_add(m->ctx, s, d, &s))))
			return rc;
	for (i = 0; !tl_g_eq(s, tl_g_zero()) && i < nt; i++) {
		int x = touch[i];
		if (tl_g_cmp_exact(kn[x], ko[x]) <= 0)
			continue;
		if ((rc = tl_g_sub(m->ctx, kn[x], ko[x], &d)) != 0 ||
		    (rc = tl_g_div(m->ctx, d, s, &r)) != 0)
			return rc;
		for (j = 0; j < nt; j++) {
			int g = touch[j];
			if (tl_g_cmp_exact(kn[g], ko[g]) >= 0)
				continue;
			if ((rc = tl_g_sub(m->ctx, ko[g], kn[g], &d)) != 0 ||
			    (rc = tl_g_mul(m->ctx, d, r, &f)) != 0 ||
			    (rc = gadd(m, &m->flow[(size_t)g * (size_t)n +
			    (size_t)x], f, mult)) != 0)
				return rc;
		}
	}
	for (i = 0; i < nt; i++)
		ko[touch[i]] = kn[touch[i]] = tl_g_zero();
	return TELLER_OK;
}

/* Step 3: route what passes through each node. */
static int
pass_through(struct meek *m)
{
	size_t n = (size_t)XN(m), c, x, y;
	tl_g *F = m->flow, *ry = m->kold, zero = tl_g_zero();
	int rc;

	for (c = 0; c < n; c++) {
		tl_g in = zero, out = zero, mx, f;
		for (x = 0; x < n; x++)
			if (x != c && ((rc = tl_g_add(m->ctx, in, F[x * n + c],
			    &in)) != 0 || (rc = tl_g_add(m->ctx, out,
			    F[c * n + x], &out)) != 0))
				return rc;
		if (tl_g_eq(in, zero) || tl_g_eq(out, zero))
			continue;
		mx = tl_g_cmp_exact(in, out) >= 0 ? in : out;
		for (y = 0; y < n; y++)
			if (y == c)
				ry[y] = zero;
			else if ((rc = tl_g_div(m->ctx, F[c * n + y], mx,
			    &ry[y])) != 0)
				return rc;
		for (x = 0; x < n; x++) {
			if (x == c || tl_g_eq(F[x * n + c], zero))
				continue;
			tl_g a = F[x * n + c];
			for (y = 0; y < n; y++) {
				if (tl_g_eq(ry[y], zero))
					continue;
				if ((rc = tl_g_mul(m->ctx, a, ry[y], &f)) ||
				    (rc = tl_g_sub(m->ctx, F[x * n + c], f,
				    &F[x * n + c])) || (rc = tl_g_sub(m->ctx,
				    F[c * n + y], f, &F[c * n + y])) ||
				    (x != y && (rc = tl_g_add(m->ctx,
				    F[x * n + y], f, &F[x * n + y]))))
					return rc;
			}
		}
		for (y = 0; y < n; y++)
			ry[y] = zero;
	}
	return TELLER_OK;
}

/* Step 4: record on stage st (previous pv). */
static int
record(struct meek *m, const struct tl_stage *st, const struct tl_stage *pv)
{
	size_t n = (size_t)XN(m), g, r;
	int nc = m->ncand, big = -1, rc;
	tl_fix *e = m->val, sum, want;
	const tl_g *F = m->flow;

	for (g = 0; g < (size_t)nc; g++)
		if (st->votes[g] < pv->votes[g] && (big < 0 ||
		    pv->votes[g] - st->votes[g] > pv->votes[big] -
		    st->votes[big]))
			big = (int)g;
	if (big < 0)
		return TELLER_OK;
	memset(e, 0, n * n * sizeof(*e));
	for (r = 0; r <= (size_t)nc; r++) {
		size_t best = (size_t)big;
		want = r < (size_t)nc ? st->votes[r] - pv->votes[r] :
		    st->nontrans - pv->nontrans;
		if (want <= 0 && r < (size_t)nc)
			continue;
		sum = 0;
		for (g = 0; want > 0 && g < (size_t)nc; g++) {
			if (st->votes[g] >= pv->votes[g])
				continue;
			e[g * n + r] = tl_g_round(F[g * n + r], MEEK_DP);
			sum += e[g * n + r];
			if (tl_g_cmp_exact(F[g * n + r], F[best * n + r]) > 0)
				best = g;
		}
		e[best * n + r] += want - sum;
	}
	for (g = 0; g < (size_t)nc; g++) {
		if (st->votes[g] >= pv->votes[g])
			continue;
		sum = 0;
		for (r = 0; r <= (size_t)nc; r++) {
			sum += e[g * n + r];
			if ((rc = tl_result_transfer(m->ctx, m->r, (int)g,
			    r < (size_t)nc ? (int)r : TL_TO_NONTRANS,
			    e[g * n + r])) != TELLER_OK)
				return rc;
		}
		if ((rc = tl_result_transfer(m->ctx, m->r, (int)g, TL_TO_LOSS,
		    pv->votes[g] - st->votes[g] - sum)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

/* The transfers of the stage just recorded (st), from the one before. */
static int
xfer(struct meek *m, const struct tl_stage *st, const struct tl_stage *pv)
{
	size_t n = (size_t)XN(m), b;
	int nt, rc, i;
	tl_g one = tl_g_one(), tot;

	if (m->ncand > XFER_MAX)
		return TELLER_OK;
	for (b = 0; b < n * n; b++)
		m->flow[b] = tl_g_zero();
	for (b = 0; b < m->b.n; b++) {
		nt = 0;
		if (m->b.off[b + 1] - m->b.off[b] > (uint32_t)m->ncand)
			return tl_fail(m->ctx, TELLER_EINTERNAL, "stv-meek: a "
			    "ranking repeats a candidate");
		if (!moved(m, b))
			continue;
		for (uint32_t j = m->b.off[b]; j < m->b.off[b + 1]; j++)
			m->touch[nt++] = m->b.ids[j];
		m->touch[nt++] = m->ncand;
		m->touch[nt++] = m->ncand + 1;
		if ((rc = keeps(m, m->kf_at, b, m->kold)) != 0 ||
		    (rc = keeps(m, m->kf, b, m->knew)) != 0 ||
		    (rc = split(m, m->touch, nt, one, m->b.w[b])) != 0)
			return rc;
	}
	for (i = 0; i < (int)n; i++)
		m->touch[i] = i;
	for (b = 0; b < m->b.neq; b++) {
		int64_t mult = TL_VEC_AT(m->b.eqw, int64_t, b);
		if ((rc = keeps_eq(m, m->kf_at, m->state_at, b, m->kold)) ||
		    (rc = keeps_eq(m, m->kf, m->state, b, m->knew)) ||
		    (rc = tl_g_from_int(m->ctx, mult, &tot)) ||
		    (rc = split(m, m->touch, (int)n, tot, 1)) != 0)
			return rc;
	}
	if ((rc = pass_through(m)) != TELLER_OK)
		return rc;
	return record(m, st, pv);
}

/* Record a stage with the current votes (rounded at MEEK_DP), the
 * non-transferable weight, and the loss making up the rest; after the
 * first, its transfers. */
static struct tl_stage *
stage(struct meek *m, enum tl_stage_kind kind, int subject)
{
	tl_fix *v = tl_alloc(m->ctx, (size_t)m->ncand + 1, sizeof(tl_fix));
	tl_fix nt, sum = 0;
	struct tl_stage *st;
	char q[TL_NUM_BUFSZ], *note;
	int i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < m->ncand; i++) {
		v[i] = tl_g_round(m->vote[i], MEEK_DP);
		sum += v[i];
	}
	nt = tl_g_round(m->exhausted, MEEK_DP);
	st = tl_result_stage(m->ctx, m->r, kind, subject, v, nt,
	    m->r->valid - sum - nt);
	if (st == NULL || (note = tl_alloc(m->ctx, 64, 1)) == NULL)
		return NULL;
	tl_num_fmt(q, tl_g_round(m->quota, MEEK_DP), MEEK_DP);
	snprintf(note, 64, "quota %s", q);
	st->note = note;
	if (m->have_at && xfer(m, st, TL_STAGE(m->r, m->r->stages->len - 2))
	    != TELLER_OK)
		return NULL;
	memcpy(m->kf_at, m->kf, (size_t)m->ncand * sizeof(tl_g));
	memcpy(m->state_at, m->state, (size_t)m->ncand * sizeof(int));
	m->have_at = true;
	return st;
}

/* a (0 <= a <= 1, a keep factor) at 27 places into buf (32 bytes):
 * its first 9 places by tl_g_fix, the other 18 what is left. */
static int
g27(struct meek *m, tl_g a, char *buf)
{
	tl_fix hi = tl_g_fix(a, 9);
	tl_g h;
	int rc;

	if ((rc = tl_g_from_int(m->ctx, hi, &h)) != TELLER_OK ||
	    (rc = tl_g_sub(m->ctx, a, tl_g_div_int(h, 1000000000), &h)) !=
	    TELLER_OK)
		return rc;
	if (hi < 0 || h.hi != 0 || h.lo >= UINT64_C(1000000000000000000))
		return tl_fail(m->ctx, TELLER_EINTERNAL, "stv-meek: a keep "
		    "factor out of range");
	snprintf(buf, 64, "%lld.%09lld%018llu", (long long)(hi / 1000000000),
	    (long long)(hi % 1000000000), (unsigned long long)h.lo);
	return TELLER_OK;
}

/*
 * The certificate's record of stage st (audit.md 5): the action (kind,
 * cand, why), then "iterations", the distributions since the stage
 * before (the last one gave st's tallies), and "keep", the keep factors
 * that distribution used, exactly (27 places), in ballot order. The
 * checker replays the iterations from the keep factors it holds, and
 * compares the last ones: no search (doc/teller-check.1).
 */
static int
cert_stage(struct meek *m, const struct tl_stage *st, const char *kind,
    int cand, const struct tl_cert_why *why)
{
	size_t cap = (size_t)m->ncand * 40 + 64, n;
	char *x, g[64];
	int i, rc, niter = m->niter;

	m->niter = 0;
	if (m->cert == NULL)
		return TELLER_OK;
	if ((rc = tl_cert_stage(m->cert, st->number, kind, cand, 0, 0, why,
	    st->votes, st->nontrans, st->loss)) != TELLER_OK ||
	    st->number == 1)
		return rc;
	if ((x = tl_alloc(m->ctx, cap, 1)) == NULL)
		return TELLER_ENOMEM;
	n = (size_t)snprintf(x, cap, ",\"iterations\":%d,\"keep\":[", niter);
	for (i = 0; i < m->ncand; i++) {
		const struct tl_cand *cd = TL_CAND(m->c, i);
		if (cd->withdrawn || cd->writein)
			continue;
		if ((rc = g27(m, m->kf[i], g)) != TELLER_OK)
			return rc;
		n += (size_t)snprintf(x + n, cap - n, "%s\"%s\"",
		    x[n - 1] != '[' ? "," : "", g);
	}
	snprintf(x + n, cap - n, "]");
	return tl_cert_extra(m->cert, x);
}

/* The record of a batch defeat: the sure losers, cited together. */
static int
cert_batch(struct meek *m, const struct tl_stage *st, const int *batch,
    int nbatch)
{
	struct tl_cert_why why;
	bool *in;
	int i;

	if (m->cert == NULL)
		return cert_stage(m, st, "exclude", batch[0], NULL);
	if ((in = tl_alloc(m->ctx, (size_t)m->ncand + 1, sizeof(bool))) ==
	    NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < nbatch; i++)
		in[batch[i]] = true;
	memset(&why, 0, sizeof(why));
	why.rule = "sure losers";
	why.in = in;
	why.inkey = "excluded";
	why.bare = true;
	return cert_stage(m, st, "exclude", batch[0], &why);
}

static int
by_gv(const void *x, const void *y)
{
	const struct gv *a = x, *b = y;
	int d = tl_g_cmp_exact(a->v, b->v);

	if (d != 0)
		return d;
	return (a->i > b->i) - (a->i < b->i);
}

/* Candidates sorted by (vote, ballot order). Droop compares the votes
 * with its equality band; the order of votes within 0.5 * 10^-18 of each
 * other cannot change the groups batch_defeat() forms from it. */
static void
by_vote(struct meek *m, int *a, int n)
{
	struct gv *t = m->gv;
	int i;

	if (n < 2)
		return;
	for (i = 0; i < n; i++) {
		t[i].v = m->vote[a[i]];
		t[i].i = a[i];
	}
	qsort(t, (size_t)n, sizeof(*t), by_gv);
	for (i = 0; i < n; i++)
		a[i] = t[i].i;
}

/*
 * Droop meek batchDefeat(): group the hopefuls by vote (a candidate within
 * `surplus` of the group's first joins it), then take the longest run of
 * lowest groups whose total plus the surplus is below the next group's
 * lowest vote, leaving enough hopefuls for the seats. The batch size
 * goes to *nbatch, batch[] in ballot order.
 */
static int
batch_defeat(struct meek *m, int *batch, int *sorted, int *gstart,
    int *nbatch)
{
	int n = 0, ng = 0, i, g, maxg = -1, ncand = 0, maxdef, rc;
	tl_g gv = tl_g_zero(), tot = tl_g_zero(), t;

	for (i = 0; i < m->ncand; i++)
		if (m->state[i] == STV_HOPEFUL)
			sorted[n++] = i;
	by_vote(m, sorted, n);
	*nbatch = 0;
	for (i = 0; i < n; i++) {
		if (ng > 0 && (rc = tl_g_add(m->ctx, gv, m->surplus, &t)) != 0)
			return rc;
		if (ng > 0 && tl_g_cmp(t, m->vote[sorted[i]]) >= 0)
			continue; /* joins the current group */
		if (ng == 0 && tl_g_cmp(m->surplus, m->vote[sorted[i]]) >= 0) {
			gstart[ng++] = i; /* first group starts at vote 0 */
			continue;
		}
		gstart[ng++] = i;
		gv = m->vote[sorted[i]];
	}
	gstart[ng] = n;
	maxdef = m->nhopeful - (m->seats - m->nelected);
	for (g = 0; g + 1 < ng; g++) {
		ncand += gstart[g + 1] - gstart[g];
		if (ncand > maxdef)
			break;
		for (i = gstart[g]; i < gstart[g + 1]; i++)
			if ((rc = tl_g_add(m->ctx, tot, m->vote[sorted[i]],
			    &tot)) != 0)
				return rc;
		if ((rc = tl_g_add(m->ctx, tot, m->surplus, &t)) != 0)
			return rc;
		if (tl_g_cmp(t, m->vote[sorted[gstart[g + 1]]]) < 0)
			maxg = g;
	}
	if (maxg < 0)
		return TELLER_OK;
	n = 0;
	for (i = 0; i < m->ncand; i++)
		for (g = 0; g < gstart[maxg + 1]; g++)
			if (sorted[g] == i)
				batch[n++] = i;
	*nbatch = n;
	return TELLER_OK;
}

enum { IS_ELECTED, IS_OMEGA, IS_STABLE, IS_BATCH };

/*
 * Droop meek iterate(): distribute, recompute the quota (D.3), elect
 * (D.4), total surplus (D.6), test for completion (D.7), update the keep
 * factors (D.8) as kf = floor(floor(kf * quota) / vote).
 */
static int
iterate(struct meek *m, int *status, int *batch, int *nbatch, int *tmp1,
    int *tmp2)
{
	struct tl_stage *st = NULL;
	tl_g last, t;
	int i, rc, any;

	if ((rc = tl_g_from_int(m->ctx, m->b.total, &last)) != TELLER_OK)
		return rc;
	for (;;) {
		if ((rc = distribute(m)) != TELLER_OK)
			return rc;
		m->votes = tl_g_zero();
		for (i = 0; i < m->ncand; i++)
			if ((m->state[i] == STV_HOPEFUL ||
			    m->state[i] == STV_ELECTED) &&
			    (rc = tl_g_add(m->ctx, m->votes, m->vote[i],
			    &m->votes)) != TELLER_OK)
				return rc;
		/* D.3: quota = votes / (seats + 1) */
		m->quota = tl_g_div_int(m->votes, m->seats + 1);
		/* D.4: elect hopefuls with vote > quota */
		any = 0;
		for (i = 0; i < m->ncand; i++)
			if (m->state[i] == STV_HOPEFUL &&
			    tl_g_cmp(m->vote[i], m->quota) > 0) {
				if (!any && ((st = stage(m,
				    TL_STAGE_ITERATION, -1)) == NULL ||
				    (rc = cert_stage(m, st, "elect", -1,
				    NULL)) != TELLER_OK))
					return st == NULL ? TELLER_ENOMEM : rc;
				any = 1;
				if ((rc = elect(m, i, "quota")) != TELLER_OK)
					return rc;
			}
		/* D.6: total surplus of the elected */
		m->surplus = tl_g_zero();
		for (i = 0; i < m->ncand; i++)
			if (m->state[i] == STV_ELECTED && ((rc = tl_g_sub(
			    m->ctx, m->vote[i], m->quota, &t)) != TELLER_OK ||
			    (rc = tl_g_add(m->ctx, m->surplus, t,
			    &m->surplus)) != TELLER_OK))
				return rc;
		/* D.7: iteration complete? */
		if (any) {
			*status = IS_ELECTED;
			return TELLER_OK;
		}
		if (tl_g_cmp(m->surplus, m->omega) <= 0) {
			*status = IS_OMEGA;
			return TELLER_OK;
		}
		if (tl_g_cmp(m->surplus, last) >= 0) {
			*status = IS_STABLE;
			return TELLER_OK;
		}
		if ((rc = batch_defeat(m, batch, tmp1, tmp2, nbatch)) != 0)
			return rc;
		if (*nbatch > 0) {
			*status = IS_BATCH;
			return TELLER_OK;
		}
		last = m->surplus;
		/* D.8: new keep factors */
		for (i = 0; i < m->ncand; i++) {
			if (m->state[i] != STV_ELECTED)
				continue;
			if ((rc = tl_g_mul(m->ctx, m->kf[i], m->quota, &t)) ||
			    (rc = tl_g_div(m->ctx, t, m->vote[i], &m->kf[i])))
				return rc;
		}
	}
}

/*
 * The count: round 0 (first preferences, equal first preferences split),
 * then iterate to convergence, defeat or elect, and record each stage,
 * until the seats are filled. One piece: the batch, the status and the
 * last stage's kind carry from one round to the next.
 */
static int
run(struct meek *m)
{
	size_t nn = (size_t)m->ncand + 1;
	int *batch = tl_alloc(m->ctx, nn, sizeof(int));
	int *tmp1 = tl_alloc(m->ctx, nn, sizeof(int));
	int *tmp2 = tl_alloc(m->ctx, nn + 1, sizeof(int));
	int status, nbatch = 0, i, rc, lastkind = TL_STAGE_FIRST;
	struct tl_stage *st;

	if (batch == NULL || tmp1 == NULL || tmp2 == NULL)
		return TELLER_ENOMEM;
	/* Round 0: first preferences (whole ballots). */
	for (int32_t ch = NODE(m, 0)->child; ch >= 0; ch = NODE(m, ch)->next)
		if ((rc = gadd(m, &m->vote[NODE(m, ch)->cand], tl_g_one(),
		    NODE(m, ch)->m)) != TELLER_OK)
			return rc;
	/* Ballots with equal first preferences: floor(1/n) to each. */
	for (size_t k = 0; k < m->b.neq; k++) {
		uint32_t r0 = TL_VEC_AT(m->b.eqoff, uint32_t, k), j, z;
		int64_t mult = TL_VEC_AT(m->b.eqw, int64_t, k);
		j = TL_VEC_AT(m->b.eqrank, uint32_t, r0);
		z = r0 + 1 < m->b.eqrank->len ? TL_VEC_AT(m->b.eqrank,
		    uint32_t, r0 + 1) : (uint32_t)m->b.eqids->len;
		for (uint32_t q = j; q < z; q++)
			if ((rc = gadd(m, &m->vote[TL_VEC_AT(m->b.eqids, tl_cid,
			    q)], tl_g_div_int(tl_g_one(), z - j), mult)))
				return rc;
	}
	if ((st = stage(m, TL_STAGE_FIRST, -1)) == NULL)
		return TELLER_ENOMEM;
	if ((rc = cert_stage(m, st, "first", -1, NULL)) != TELLER_OK)
		return rc;
	if ((rc = tl_result_check(m->ctx, m->r)) != TELLER_OK)
		return rc;
	/* countComplete(): hopeful <= seats left, or no seats left. */
	while (!(m->nhopeful <= m->seats - m->nelected ||
	    m->seats - m->nelected <= 0)) {
		if ((rc = iterate(m, &status, batch, &nbatch, tmp1, tmp2)))
			return rc;
		if (status == IS_ELECTED) {
			lastkind = TL_STAGE_ITERATION;
		} else if (status == IS_BATCH) {
			/* Defeat the sure losers together (ballot order). */
			if ((st = stage(m, TL_STAGE_EXCLUSION, batch[0])) ==
			    NULL)
				return TELLER_ENOMEM;
			st->note = "sure losers defeated together";
			if ((rc = cert_batch(m, st, batch, nbatch)) != 0)
				return rc;
			for (i = 0; i < nbatch; i++) {
				defeat(m, batch[i]);
				if ((rc = tl_result_exclude(m->ctx, m->r,
				    batch[i])) != TELLER_OK)
					return rc;
			}
			lastkind = TL_STAGE_EXCLUSION;
		} else {
			/* Defeat the lowest; anyone within the surplus of
			 * the lowest counts as tied: tie order decides. */
			int low = -1, n = 0, k, who;
			struct tl_cert_why why;
			tl_g band;
			enum tl_tie_how how;

			for (i = 0; i < m->ncand; i++)
				if (m->state[i] == STV_HOPEFUL && (low < 0 ||
				    tl_g_cmp_exact(m->vote[i],
				    m->vote[low]) < 0))
					low = i;
			if ((rc = tl_g_add(m->ctx, m->vote[low], m->surplus,
			    &band)) != TELLER_OK)
				return rc;
			for (i = 0; i < m->ncand; i++)
				if (m->state[i] == STV_HOPEFUL &&
				    tl_g_cmp(band, m->vote[i]) >= 0)
					tmp1[n++] = i;
			/* Droop: byTieOrder(tied)[0] -- the input's [tie]
			 * order, else ballot order */
			k = tl_tie_order_first(m->c, tmp1, n);
			how = k < 0 ? TL_TIE_ORDER : TL_TIE_TIEORDER;
			who = tmp1[k < 0 ? 0 : k];
			if ((st = stage(m, TL_STAGE_EXCLUSION, who)) == NULL)
				return TELLER_ENOMEM;
			st->note = status == IS_OMEGA ? "lowest defeated "
			    "(surplus <= omega)" : "lowest defeated (surplus "
			    "stable)";
			memset(&why, 0, sizeof(why));
			why.rule = status == IS_OMEGA ? "omega" : "stable";
			why.tie = tmp1;
			why.ntie = n;
			why.bare = true;
			if ((rc = cert_stage(m, st, "exclude", who, &why)) != 0)
				return rc;
			defeat(m, who);
			if ((rc = tl_result_exclude(m->ctx, m->r, who)))
				return rc;
			if (n > 1 && (rc = tl_result_tie(m->ctx, m->r,
			    TL_TIEK_EXCLUDE, how, tmp1, n, who, 0)) !=
			    TELLER_OK)
				return rc;
			lastkind = TL_STAGE_EXCLUSION;
		}
		if ((rc = tl_result_check(m->ctx, m->r)) != TELLER_OK)
			return rc;
	}
	/* Elect or defeat the remaining hopefuls (ballot order). After a
	 * defeat, show the redistribution they are elected on. */
	if (m->nhopeful > 0 && m->nelected < m->seats &&
	    lastkind == TL_STAGE_EXCLUSION) {
		if ((rc = distribute(m)) != TELLER_OK)
			return rc;
		if ((st = stage(m, TL_STAGE_FINAL, -1)) == NULL)
			return TELLER_ENOMEM;
		if ((rc = cert_stage(m, st, "final", -1, NULL)) != TELLER_OK)
			return rc;
		if ((rc = tl_result_check(m->ctx, m->r)) != TELLER_OK)
			return rc;
	}
	for (i = 0; i < m->ncand; i++) {
		if (m->state[i] != STV_HOPEFUL)
			continue;
		if (m->nelected < m->seats) {
			if ((rc = elect(m, i, "rest")) != TELLER_OK)
				return rc;
		} else {
			defeat(m, i);
		}
	}
	return TELLER_OK;
}

int
tl_m_stv_meek(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct meek m;
	tl_g n;
	int rc, i;

	*out = NULL;
	memset(&m, 0, sizeof(m));
	m.ctx = ctx;
	m.c = c;
	m.ncand = c->ncand;
	if ((rc = tl_stv_prepare(ctx, c, p, rules, "stv-meek", true, &m.b,
	    &m.seats)) != TELLER_OK)
		return rc;
	if (m.b.total > INT64_C(9000000000))
		return tl_fail(ctx, TELLER_EOVERFLOW, "stv-meek: more than "
		    "9*10^9 ballots");
	m.r = tl_result_new(ctx, c, "stv-meek", m.seats, MEEK_DP);
	m.state = tl_alloc(ctx, (size_t)m.ncand + 1, sizeof(int));
	m.kf = tl_alloc(ctx, (size_t)m.ncand + 1, sizeof(tl_g));
	m.vote = tl_alloc(ctx, (size_t)m.ncand + 1, sizeof(tl_g));
	m.gv = tl_alloc(ctx, (size_t)m.ncand + 1, sizeof(struct gv));
	if (m.r == NULL || m.state == NULL || m.kf == NULL ||
	    m.vote == NULL || m.gv == NULL)
		return TELLER_ENOMEM;
	{
		size_t xn = (size_t)m.ncand + 2;
		m.kf_at = tl_alloc(ctx, xn, sizeof(tl_g));
		m.state_at = tl_alloc(ctx, xn, sizeof(int));
		m.kold = tl_alloc(ctx, xn, sizeof(tl_g));
		m.knew = tl_alloc(ctx, xn, sizeof(tl_g));
		m.touch = tl_alloc(ctx, xn, sizeof(int));
		if (m.ncand <= XFER_MAX) {
			m.flow = tl_alloc(ctx, xn * xn, sizeof(tl_g));
			m.val = tl_alloc(ctx, xn * xn, sizeof(tl_fix));
		}
		if (m.kf_at == NULL || m.state_at == NULL || m.kold == NULL ||
		    m.knew == NULL || m.touch == NULL || (m.ncand <= XFER_MAX
		    && (m.flow == NULL || m.val == NULL)))
			return TELLER_ENOMEM;
	}
	m.nhopeful = tl_stv_states(c, m.state);
	if ((rc = build(&m)) != TELLER_OK)
		return rc;
	for (i = 0; i < m.ncand; i++)
		m.kf[i] = m.state[i] == STV_HOPEFUL ? tl_g_one() : tl_g_zero();
	/* omega = 1/10^9 (Droop: precision // 2 with guarded arithmetic) */
	m.omega = tl_g_div_int(tl_g_one(), 1000000000);
	if ((rc = tl_g_from_int(ctx, m.b.total, &n)) != TELLER_OK)
		return rc;
	m.quota = tl_g_div_int(n, m.seats + 1);
	m.r->valid = m.b.total * tl_num_pow10(MEEK_DP);
	if ((rc = tl_stv_rejected(ctx, m.r, &m.b)) != TELLER_OK)
		return rc;
	m.r->has_quota = true;
	m.r->quota = tl_g_round(m.quota, MEEK_DP);
	if ((m.cert = ctx->cert) != NULL) {
		if (c->tie_order != NULL || m.b.neq > 0)
			return tl_fail(ctx, TELLER_EINVAL, "stv-meek: no count "
			    "certificate with a [tie] order or equal rankings");
		tl_cert_header(m.cert, m.r->quota, m.seats, MEEK_DP);
	}
	if ((rc = run(&m)) != TELLER_OK ||
	    (m.cert != NULL && (rc = tl_cert_end(m.cert, m.r)) != 0))
		return rc;
	*out = m.r;
	return TELLER_OK;
}
