/* SPDX-License-Identifier: MIT */
/*
 * cvr_hartsig.c -- Hart's detached signatures (docs/rctab.md 7.5): next
 * to each CVR file FILE.xml a FILE.xml.sig.xml holds an XML-DSig
 * <Signature> whose SignedInfo names FILE and its digest. RCTab checks,
 * in this order: the signature's RSAKeyValue is the expected public key;
 * the Reference URI names this file; the file's digest (SHA-1, -256 or
 * -512) matches DigestValue; and SignatureValue is an RSA PKCS#1 v1.5
 * SHA-256 signature of the canonical SignedInfo, rebuilt from its parsed
 * values as .NET writes it (default namespace on SignedInfo, C14N 1.0:
 * no empty-element tags, attributes and text escaped). Crypto is
 * OpenSSL's libcrypto (EVP, OpenSSL 3 API).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "cvr_util.h"
#include "rctab_cvr.h"
#include "tl_io.h"

/* The key RCTab 2.0.1 ships for Hart files (SecurityConfig). */
static const char hart_modulus[] =
    "vifu/KSlTnBHOtl0IuHEc1R3A4sH1vKCKU9G/8/LtD6Ih5aWq7SuyuGYgIUUzErm"
    "FC92kv4chXKBFwti5wSfoHqtTpmlAvlIsLvi4zrllaoewShzUCG/sqAH3Zw4JBOb"
    "6wk20064bkiejXbaxEZticxgs08ZU9bHmpWrlldbIJmgt3gOjhG68+ATfShREpuL"
    "eAV9lGU2+Y6OdKtUHVewSeyIfz3+Rpajc/f2UPtO6uA09FzmzryWhhtZHiXpev2o"
    "VWCpT1MH5JVgrWykX9fWcxJMTHdvZnMxYzJF6ox3vGtx6x8Eib8H4RT4KutWphPP"
    "T3vLDkhYXP9TAP+B1edxwQ==";
static const char hart_exponent[] = "AQAB";

enum { F_C14N, F_SIGM, F_URI, F_DIGM, F_DIGV, F_SIGV, F_MOD, F_EXP, F_N };

struct sig {
	teller_ctx *ctx;
	struct tl_vec *pool;  /* char */
	size_t off[F_N];
	bool has[F_N];
};

static int
keep(struct sig *s, int f, const char *v, size_t n)
{
	if (tl_vec_reserve(s->ctx, s->pool, n + 1) != TELLER_OK)
		return TELLER_ENOMEM;
	s->off[f] = s->pool->len;
	memcpy((char *)s->pool->data + s->pool->len, v, n);
	((char *)s->pool->data)[s->pool->len + n] = '\0';
	s->pool->len += n + 1;
	s->has[f] = true;
	return TELLER_OK;
}

static const char *
field(const struct sig *s, int f)
{
	return s->has[f] ? (const char *)s->pool->data + s->off[f] : NULL;
}

#define AT(x, ...) tl_xml_at((x), (const char *const[]){__VA_ARGS__, NULL})

static int
attr(struct sig *s, const char **attrs, const char *name, int f)
{
	int i;

	for (i = 0; attrs[i] != NULL; i += 2)
		if (strcmp(tl_xml_local(attrs[i]), name) == 0)
			return keep(s, f, attrs[i + 1], strlen(attrs[i + 1]));
	return TELLER_OK;
}

static int
s_start(struct tl_xml *x, const char **attrs)
{
	struct sig *s = x->ud;

	if (AT(x, "SignedInfo", "CanonicalizationMethod"))
		return attr(s, attrs, "Algorithm", F_C14N);
	if (AT(x, "SignedInfo", "SignatureMethod"))
		return attr(s, attrs, "Algorithm", F_SIGM);
	if (AT(x, "SignedInfo", "Reference"))
		return attr(s, attrs, "URI", F_URI);
	if (AT(x, "Reference", "DigestMethod"))
		return attr(s, attrs, "Algorithm", F_DIGM);
	return TELLER_OK;
}

static int
s_end(struct tl_xml *x, const char *text, size_t n)
{
	struct sig *s = x->ud;

	if (AT(x, "Reference", "DigestValue"))
		return keep(s, F_DIGV, text, n);
	if (x->depth == 2 && AT(x, "SignatureValue"))
		return keep(s, F_SIGV, text, n);
	if (AT(x, "RSAKeyValue", "Modulus"))
		return keep(s, F_MOD, text, n);
	if (AT(x, "RSAKeyValue", "Exponent"))
		return keep(s, F_EXP, text, n);
	return TELLER_OK;
}

/* Java String.trim into a pool copy's place: returns start, sets *n. */
static const char *
trimmed(const char *v, size_t *n)
{
	size_t k = strlen(v);

	while (k > 0 && (unsigned char)*v <= ' ') {
		v++;
		k--;
	}
	while (k > 0 && (unsigned char)v[k - 1] <= ' ')
		k--;
	*n = k;
	return v;
}

static bool
same_trimmed(const char *a, const char *b)
{
	size_t na, nb;

	a = trimmed(a, &na);
	b = trimmed(b, &nb);
	return na == nb && memcmp(a, b, na) == 0;
}

/* Strict base64 (Java's Base64.getDecoder()) of v[0..n): the bytes in
 * out (room for n), their number in *len; false if not base64. */
static bool
b64(const char *v, size_t n, unsigned char *out, size_t *len)
{
	size_t pad = 0, i;
	int k;

	if (n % 4 != 0 || n > (size_t)1 << 20)
		return false;
	for (i = 0; i < n; i++) {
		char c = v[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/';
		if (c == '=' && i + 2 >= n && (i + 1 == n || v[i + 1] == '='))
			pad++;
		else if (!ok)
			return false;
	}
	k = EVP_DecodeBlock(out, (const unsigned char *)v, (int)n);
	if (k < 0 || (size_t)k < pad)
		return false;
	*len = (size_t)k - pad;
	return true;
}

/* C14N escaping of attribute values (attr) or text. */
static int
put_esc(teller_ctx *ctx, struct tl_vec *v, const char *s, bool isattr)
{
	for (; *s != '\0'; s++) {
		const char *e = NULL;
		char c = *s;
		size_t n;
		if (c == '&')
			e = "&amp;";
		else if (c == '<')
			e = "&lt;";
		else if (c == '>' && !isattr)
			e = "&gt;";
		else if (c == '"' && isattr)
			e = "&quot;";
		else if (c == '\t' && isattr)
			e = "&#x9;";
		else if (c == '\n' && isattr)
			e = "&#xA;";
		else if (c == '\r')
			e = "&#xD;";
		n = e != NULL ? strlen(e) : 1;
		if (tl_vec_reserve(ctx, v, n + 1) != TELLER_OK)
			return TELLER_ENOMEM;
		memcpy((char *)v->data + v->len, e != NULL ? e : s, n);
		v->len += n;
	}
	return TELLER_OK;
}

static int
put_raw(teller_ctx *ctx, struct tl_vec *v, const char *s)
{
	size_t n = strlen(s);

	if (tl_vec_reserve(ctx, v, n + 1) != TELLER_OK)
		return TELLER_ENOMEM;
	memcpy((char *)v->data + v->len, s, n);
	v->len += n;
	return TELLER_OK;
}

/* The canonical SignedInfo RCTab signs over (see the top comment). */
static int
canonical(const struct sig *s, struct tl_vec *v)
{
	teller_ctx *ctx = s->ctx;

	v->len = 0;
	if (put_raw(ctx, v, "<SignedInfo xmlns=\"http://www.w3.org/2000/09/"
	    "xmldsig#\"><CanonicalizationMethod Algorithm=\"") != 0 ||
	    put_esc(ctx, v, field(s, F_C14N), true) != 0 ||
	    put_raw(ctx, v, "\"></CanonicalizationMethod><SignatureMethod "
	    "Algorithm=\"") != 0 ||
	    put_esc(ctx, v, field(s, F_SIGM), true) != 0 ||
	    put_raw(ctx, v, "\"></SignatureMethod><Reference URI=\"") != 0 ||
	    put_esc(ctx, v, field(s, F_URI), true) != 0 ||
	    put_raw(ctx, v, "\"><DigestMethod Algorithm=\"") != 0 ||
	    put_esc(ctx, v, field(s, F_DIGM), true) != 0 ||
	    put_raw(ctx, v, "\"></DigestMethod><DigestValue>") != 0 ||
	    put_esc(ctx, v, field(s, F_DIGV), false) != 0 ||
	    put_raw(ctx, v, "</DigestValue></Reference></SignedInfo>") != 0)
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* RSA PKCS#1 v1.5 SHA-256 verification with key (n, e): 1 good, 0 bad,
 * -1 the key or OpenSSL failed. */
static int
rsa_verify(const unsigned char *n, size_t nn, const unsigned char *e,
    size_t ne, const unsigned char *msg, size_t nmsg,
    const unsigned char *sg, size_t nsg)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	BIGNUM *bn = BN_bin2bn(n, (int)nn, NULL);
	BIGNUM *be = BN_bin2bn(e, (int)ne, NULL);
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int r = -1;

	if (bld == NULL || bn == NULL || be == NULL || pc == NULL ||
	    md == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    EVP_PKEY_fromdata_init(pc) <= 0 ||
	    EVP_PKEY_fromdata(pc, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0 ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) <= 0)
		goto out;
	r = EVP_DigestVerify(md, sg, nsg, msg, nmsg) == 1 ? 1 : 0;
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(pc);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return r;
}

static const EVP_MD *
digest_for(const char *url)
{
	if (strcmp(url, "http://www.w3.org/2001/04/xmlenc#sha512") == 0)
		return EVP_sha512();
	if (strcmp(url, "http://www.w3.org/2001/04/xmlenc#sha256") == 0)
		return EVP_sha256();
	if (strcmp(url, "http://www.w3.org/2000/09/xmldsig#sha1") == 0)
		return EVP_sha1();
	return NULL;
}

/* The canonicalizations that give the rebuilt SignedInfo unchanged
 * (it has no comments and one namespace, used by its root). */
static bool
c14n_known(const char *url)
{
	static const char *const ok[] = {
		"http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
		"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
		"http://www.w3.org/2001/10/xml-exc-c14n#",
		"http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
		"http://www.w3.org/2006/12/xml-c14n11",
		"http://www.w3.org/2006/12/xml-c14n11#WithComments",
	};
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(url, ok[i]) == 0)
			return true;
	return false;
}

/* Java's new File(uri).getName(): the part after the last '/'. */
static const char *
last_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

/* Parse the XML file path with callbacks into s; errors name path. */
static int
parse_into(teller_ctx *ctx, const char *path, struct sig *s)
{
	struct tl_xml x;
	struct tl_map m;
	int err;

	memset(s, 0, sizeof *s);
	s->ctx = ctx;
	if ((s->pool = tl_vec_new(ctx, 1)) == NULL)
		return tl_oom(ctx);
	if ((err = tl_io_map(ctx, path, path, &m)) != TELLER_OK)
		return err;
	memset(&x, 0, sizeof x);
	x.start = s_start;
	x.end = s_end;
	x.ud = s;
	err = tl_xml_parse(ctx, &x, path, m.buf, m.len);
	tl_io_unmap(&m);
	return err;
}

int
tl_hart_key_load(teller_ctx *ctx, const char *path, const char **modulus,
    const char **exponent)
{
	struct sig s;
	size_t n;
	const char *v;
	int err;

	if ((err = parse_into(ctx, path, &s)) != TELLER_OK)
		return err;
	if (!s.has[F_MOD] || !s.has[F_EXP])
		return tl_fail_in(ctx, path, TELLER_EPARSE, 0, 0, "no "
		    "RSAKeyValue with a Modulus and an Exponent");
	v = trimmed(field(&s, F_MOD), &n);
	*modulus = tl_strndup(ctx, v, n);
	v = trimmed(field(&s, F_EXP), &n);
	*exponent = tl_strndup(ctx, v, n);
	return *modulus == NULL || *exponent == NULL ? tl_oom(ctx) :
	    TELLER_OK;
}

int
tl_hart_sig_verify(teller_ctx *ctx, const struct tl_cvr_source *src,
    const char *path, const char *sigpath, const char *data, size_t len)
{
	const char *wmod = src->hart_modulus != NULL ? src->hart_modulus :
	    hart_modulus;
	const char *wexp = src->hart_exponent != NULL ? src->hart_exponent :
	    hart_exponent;
	unsigned char md[EVP_MAX_MD_SIZE], *buf = NULL;
	char mdb64[2 * EVP_MAX_MD_SIZE + 8];
	unsigned int mdn = 0;
	size_t nn, ne, ns, nmod, nexp, nsig;
	const char *mod, *ex, *sv;
	const EVP_MD *alg;
	struct tl_vec *ci;
	struct sig s;
	int err, k;

	if ((err = parse_into(ctx, sigpath, &s)) != TELLER_OK)
		return err;
	for (k = 0; k < F_N; k++)
		if (!s.has[k])
			return tl_fail_in(ctx, sigpath, TELLER_EPARSE, 0, 0,
			    "not a Hart "
			    "signature: no %s", (const char *const[]){
			    "CanonicalizationMethod Algorithm",
			    "SignatureMethod Algorithm", "Reference URI",
			    "DigestMethod Algorithm", "DigestValue",
			    "SignatureValue", "RSAKeyValue Modulus",
			    "RSAKeyValue Exponent" }[k]);
	/* 1. signed with the expected key */
	if (!same_trimmed(field(&s, F_MOD), wmod) ||
	    !same_trimmed(field(&s, F_EXP), wexp))
		return tl_fail_in(ctx, sigpath, TELLER_EPARSE, 0, 0,
		    "signed with an unexpected "
		    "public key (see --hart-key)");
	/* 2. for this file */
	if (strcmp(last_name(field(&s, F_URI)), tl_cvr_basename(path)) != 0)
		return tl_fail_in(ctx, sigpath, TELLER_EPARSE, 0, 0,
		    "signs %s, not %s",
		    last_name(field(&s, F_URI)), tl_cvr_basename(path));
	/* 3. the file as signed */
	if ((alg = digest_for(field(&s, F_DIGM))) == NULL)
		return tl_fail_in(ctx, sigpath, TELLER_EPARSE, 0, 0,
		    "unsupported digest "
		    "algorithm %s", field(&s, F_DIGM));
	if (EVP_Digest(data, len, md, &mdn, alg, NULL) != 1)
		return tl_fail_in(ctx, sigpath, TELLER_EINTERNAL, 0, 0,
		    "digest failed");
	EVP_EncodeBlock((unsigned char *)mdb64, md, (int)mdn);
	if (!same_trimmed(field(&s, F_DIGV), mdb64))
		return tl_fail_in(ctx, sigpath, TELLER_EPARSE, 0, 0,
		    "%s has changed since it "
		    "was signed (digest %s, signed %s)", tl_cvr_basename(path),
		    mdb64, field(&s, F_DIGV));
	/* 4. the signature itself */
	if (!c14n_known(field(&s, F_C14N)))
		return tl_fail_in(ctx, sigpath, TELLER_EPARSE, 0, 0,
		    "unsupported "
		    "canonicalization algorithm %s", field(&s, F_C14N));
	mod = trimmed(wmod, &nmod);
	ex = trimmed(wexp, &nexp);
	sv = trimmed(field(&s, F_SIGV), &nsig);
	if ((buf = tl_alloc(ctx, nmod + nexp + nsig + 3, 1)) == NULL ||
	    (ci = tl_vec_new(ctx, 1)) == NULL)
		return tl_oom(ctx);
	if (!b64(mod, nmod, buf, &nn) || !b64(ex, nexp, buf + nmod + 1, &ne)
	    || !b64(sv, nsig, buf + nmod + nexp + 2, &ns))
		return tl_fail_in(ctx, sigpath, TELLER_EPARSE, 0, 0,
		    "the key or the signature "
		    "is not base64");
	if ((err = canonical(&s, ci)) != TELLER_OK)
		return tl_oom(ctx);
	k = rsa_verify(buf, nn, buf + nmod + 1, ne, ci->data, ci->len,
	    buf + nmod + nexp + 2, ns);
	if (k < 0)
		return tl_fail_in(ctx, sigpath, TELLER_EPARSE, 0, 0,
		    "cannot use the RSA key");
	if (k == 0)
		return tl_fail_in(ctx, sigpath, TELLER_EPARSE, 0, 0,
		    "signature does not match "
		    "%s", tl_cvr_basename(path));
	return TELLER_OK;
}
