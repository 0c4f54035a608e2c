/* SPDX-License-Identifier: MIT */
/*
 * t_cvr_hartsig.c -- Hart .sig.xml signatures (docs/rctab.md 7.5). A key
 * pair is made at test time (no private key is kept), a Hart CVR file is
 * signed the way Hart's .NET signer does it, and the reader must accept
 * it, and refuse it when the file, the signature, the key or the named
 * file differ, or when a required signature is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "harness.h"
#include "cli.h"
#include "rctab.h"

/* A context whose inputs come from the file system, as the teller
 * command's do (cli/files.c): the library reads no file itself. */
static int
tt_ctx_new(const teller_alloc *alloc, teller_ctx **ctx)
{
	int rc = teller_ctx_new(alloc, ctx);

	if (rc == TELLER_OK)
		teller_ctx_set_input(*ctx, &cli_files);
	return rc;
}

static char dir[64];

static void
put(const char *name, const char *text)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static void
b64(const unsigned char *p, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
}

static const char cvr[] =
    "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>"
    "<Cvr xmlns=\"http://tempuri.org/CVRDesign.xsd\"><Contests><Contest>"
    "<Name>Mayor</Name><Id>c1</Id><Options>"
    "<Option><Name>A</Name><Id>g-a</Id><Value>10</Value></Option>"
    "<Option><Name>B</Name><Id>g-b</Id><Value>01</Value></Option>"
    "</Options></Contest></Contests><BatchNumber>7</BatchNumber>"
    "<PrecinctSplit><Name>101</Name><Id>p-1</Id></PrecinctSplit>"
    "<CvrGuid>guid-1</CvrGuid></Cvr>";

/* Sign `data` as file `uri` with key k; write the .sig.xml text to out:
 * laid out as Hart writes it (self-closing tags), which the verifier
 * must canonicalize. */
static int
sign(EVP_PKEY *k, const char *data, const char *uri, char *out, size_t cap)
{
	unsigned char md[64], sg[512];
	char dv[128], sv[1024], nb[1024], eb[64], si[2048];
	unsigned char nbin[512], ebin[8];
	unsigned int mdn;
	size_t sgn = sizeof sg;
	BIGNUM *n = NULL, *e = NULL;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int nn, ne;

	EVP_Digest(data, strlen(data), md, &mdn, EVP_sha256(), NULL);
	b64(md, mdn, dv);
	/* the canonical SignedInfo (C14N 1.0 of what Hart signs) */
	snprintf(si, sizeof si, "<SignedInfo xmlns=\"http://www.w3.org/2000/"
	    "09/xmldsig#\"><CanonicalizationMethod Algorithm=\"http://www.w3."
	    "org/TR/2001/REC-xml-c14n-20010315\"></CanonicalizationMethod>"
	    "<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/"
	    "xmldsig-more#rsa-sha256\"></SignatureMethod><Reference URI=\"%s"
	    "\"><DigestMethod Algorithm=\"http://www.w3.org/2001/04/"
	    "xmlenc#sha256\"></DigestMethod><DigestValue>%s</DigestValue>"
	    "</Reference></SignedInfo>", uri, dv);
	if (m == NULL || EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, k)
	    != 1 || EVP_DigestSign(m, sg, &sgn, (const unsigned char *)si,
	    strlen(si)) != 1)
		return -1;
	EVP_MD_CTX_free(m);
	b64(sg, sgn, sv);
	if (EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
		return -1;
	nn = BN_bn2bin(n, nbin);
	ne = BN_bn2bin(e, ebin);
	BN_free(n);
	BN_free(e);
	b64(nbin, (size_t)nn, nb);
	b64(ebin, (size_t)ne, eb);
	snprintf(out, cap, "<Signature xmlns=\"http://www.w3.org/2000/09/"
	    "xmldsig#\"><SignedInfo><CanonicalizationMethod Algorithm="
	    "\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\" />"
	    "<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/"
	    "xmldsig-more#rsa-sha256\" />\n<Reference URI=\"%s\">"
	    "<DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#"
	    "sha256\" /><DigestValue>%s</DigestValue></Reference>"
	    "</SignedInfo><SignatureValue>%s</SignatureValue><KeyInfo>"
	    "<KeyValue><RSAKeyValue><Modulus>%s</Modulus><Exponent>%s"
	    "</Exponent></RSAKeyValue></KeyValue></KeyInfo></Signature>",
	    uri, dv, sv, nb, eb);
	return 0;
}

/* A sink that drops what it is given. */
static int
w_null(void *ud, const char *p, size_t n)
{
	(void)ud;
	(void)p;
	(void)n;
	return 0;
}

static int
s_open(void *ud, const char *name, teller_write_fn *w, void **wud)
{
	(void)ud;
	(void)name;
	*w = w_null;
	*wud = NULL;
	return 0;
}

static int
s_close(void *ud, void *wud)
{
	(void)ud;
	(void)wud;
	return 0;
}

static int
run(int mode, const char *keyfile)
{
	char path[160], cfg[1024];
	struct tl_rctab_cfg *c;
	struct tl_rctab_opts o;
	teller_ctx *ctx;
	int rc;

	snprintf(cfg, sizeof cfg, "{\"tabulatorVersion\":\"TEST\","
	    "\"outputSettings\":{\"contestName\":\"T\"},\"cvrFileSources\":"
	    "[{\"filePath\":\"cvrs\",\"provider\":\"hart\",\"contestId\":"
	    "\"c1\"}],\"candidates\":[{\"name\":\"A\",\"aliases\":[\"g-a\"]},"
	    "{\"name\":\"B\",\"aliases\":[\"g-b\"]}],\"rules\":{"
	    "\"tiebreakMode\":\"useCandidateOrder\",\"overvoteRule\":"
	    "\"alwaysSkipToNextRank\",\"winnerElectionMode\":"
	    "\"singleWinnerMajority\",\"numberOfWinners\":\"1\","
	    "\"decimalPlacesForVoteArithmetic\":\"4\","
	    "\"maxSkippedRanksAllowed\":\"1\","
	    "\"maxRankingsAllowed\":\"max\"}}");
	put("config.json", cfg);
	snprintf(path, sizeof path, "%s/config.json", dir);
	if (tt_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	memset(&o, 0, sizeof o);
	o.hart_sig = mode;
	rc = TELLER_OK;
	if (keyfile != NULL) {
		snprintf(cfg, sizeof cfg, "%s/%s", dir, keyfile);
		rc = tl_hart_key_load(ctx, cfg, &o.hart_modulus,
		    &o.hart_exponent);
	}
	o.sink.open = s_open;
	o.sink.close = s_close;
	if (rc == TELLER_OK)
		rc = tl_rctab_config_load(ctx, path, &c);
	if (rc == TELLER_OK)
		rc = tl_rctab_run(ctx, c, &o);
	if (rc != TELLER_OK)
		fprintf(stderr, "  (%s)\n", teller_errmsg(ctx));
	teller_ctx_free(ctx);
	return rc;
}

int
main(void)
{
	static char sig[8192], key[4096];
	EVP_PKEY *k1 = EVP_RSA_gen(1024), *k2 = EVP_RSA_gen(1024);
	char *p, *q;

	CHECK(k1 != NULL && k2 != NULL, "RSA key generation");
	if (k1 == NULL || k2 == NULL)
		return h_done();
	snprintf(dir, sizeof dir, "/tmp/t_cvr_hartsig.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(sig, sizeof sig, "%s/cvrs", dir);
	mkdir(sig, 0700);
	put("cvrs/s1.xml", cvr);
	CHECK_INT(sign(k1, cvr, "file:///C:/export/s1.xml", sig, sizeof sig),
	    0);
	put("cvrs/s1.xml.sig.xml", sig);
	/* the key file: the signature's RSAKeyValue */
	p = strstr(sig, "<RSAKeyValue>");
	q = strstr(sig, "</RSAKeyValue>");
	snprintf(key, sizeof key, "%.*s</RSAKeyValue>\n", (int)(q - p), p);
	put("key1.txt", key);

	/* good with its key; RCTab's own key did not sign it */
	CHECK_INT(run(TL_SIG_CHECK, "key1.txt"), TELLER_OK);
	CHECK_INT(run(TL_SIG_REQUIRE, "key1.txt"), TELLER_OK);
	CHECK_INT(run(TL_SIG_CHECK, NULL), TELLER_EPARSE);
	CHECK_INT(run(TL_SIG_OFF, NULL), TELLER_OK);

	/* the file changed after signing */
	put("cvrs/s1.xml", "\xEF\xBB\xBF<?xml version=\"1.0\"?>"
	    "<Cvr><Contests><Contest><Id>c1</Id><Options><Option><Id>g-b"
	    "</Id><Value>1</Value></Option></Options></Contest></Contests>"
	    "<PrecinctSplit><Name>1</Name><Id>p</Id></PrecinctSplit></Cvr>");
	CHECK_INT(run(TL_SIG_CHECK, "key1.txt"), TELLER_EPARSE);
	put("cvrs/s1.xml", cvr);
	CHECK_INT(run(TL_SIG_CHECK, "key1.txt"), TELLER_OK);

	/* a signature value changed (first character flipped) */
	p = strstr(sig, "<SignatureValue>") + strlen("<SignatureValue>");
	*p = *p == 'A' ? 'B' : 'A';
	put("cvrs/s1.xml.sig.xml", sig);
	CHECK_INT(run(TL_SIG_CHECK, "key1.txt"), TELLER_EPARSE);

	/* signed for another file name */
	CHECK_INT(sign(k1, cvr, "file:///C:/export/s2.xml", sig, sizeof sig),
	    0);
	put("cvrs/s1.xml.sig.xml", sig);
	CHECK_INT(run(TL_SIG_CHECK, "key1.txt"), TELLER_EPARSE);

	/* signed by another key (whose own KeyInfo it carries) */
	CHECK_INT(sign(k2, cvr, "file:///C:/export/s1.xml", sig, sizeof sig),
	    0);
	put("cvrs/s1.xml.sig.xml", sig);
	CHECK_INT(run(TL_SIG_CHECK, "key1.txt"), TELLER_EPARSE);

	/* missing: fine unless required */
	snprintf(sig, sizeof sig, "%s/cvrs/s1.xml.sig.xml", dir);
	unlink(sig);
	CHECK_INT(run(TL_SIG_CHECK, "key1.txt"), TELLER_OK);
	CHECK_INT(run(TL_SIG_REQUIRE, "key1.txt"), TELLER_EPARSE);

	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	{
		static const char *const f[] = { "cvrs/s1.xml", "key1.txt",
			"config.json" };
		size_t i;
		for (i = 0; i < sizeof f / sizeof f[0]; i++) {
			snprintf(sig, sizeof sig, "%s/%s", dir, f[i]);
			unlink(sig);
		}
		snprintf(sig, sizeof sig, "%s/cvrs", dir);
		rmdir(sig);
		rmdir(dir);
	}
	return h_done();
}
