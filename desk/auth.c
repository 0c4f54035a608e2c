/* SPDX-License-Identifier: MIT */
/* auth.c -- passwords (Argon2id through crypto_pwhash_str), generated
 * passwords, and token hashes (§6.2, §6.3). */
#include "desk.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>

/* Hashing runs outside the book's lock, at most two at once (§6.2): a
 * login storm neither stalls the entries nor exhausts the memory. Where
 * it runs says which lock a hash lets go of: in serve the whole book
 * lock (through d_book_unlock and d_book_lock, which publish), in
 * observe its own mutex, in a command none. */
static enum d_auth_where where;
static pthread_mutex_t *own_lock;	/* observe's (D_AUTH_OBSERVE) */
static sem_t hashing;

void
d_auth_init(enum d_auth_where w, pthread_mutex_t *own)
{
	where = w;
	own_lock = own;
	sem_init(&hashing, 0, 2);
}

static void
hash_begin(void)
{
	if (where == D_AUTH_COMMAND)
		return;
	if (where == D_AUTH_SERVE)
		d_book_unlock();
	else
		pthread_mutex_unlock(own_lock);
	while (sem_wait(&hashing) != 0)
		;
}

static void
hash_end(void)
{
	if (where == D_AUTH_COMMAND)
		return;
	sem_post(&hashing);
	if (where == D_AUTH_SERVE)
		d_book_lock();
	else
		pthread_mutex_lock(own_lock);
}

static const char *const words[] = {
	"amber", "anchor", "apple", "arrow", "badge", "basket", "beacon",
	"berry", "bottle", "bridge", "butter", "cabin", "candle", "canvas",
	"castle", "cedar", "chalk", "cherry", "circle", "clover", "copper",
	"cotton", "crane", "crystal", "daisy", "dolphin", "ember", "falcon",
	"feather", "fern", "forest", "garden", "ginger", "glacier", "granite",
	"harbour", "hazel", "island", "jasmine", "kettle", "lantern",
	"lemon", "linen", "maple", "marble", "meadow", "mint", "nectar",
	"oak", "orbit", "otter", "pebble", "pepper", "pilot", "plum",
	"quartz", "quill", "raven", "ribbon", "river", "saddle", "salmon",
	"silver", "sparrow", "spruce", "stone", "thistle", "timber", "tulip",
	"velvet", "walnut", "willow", "winter", "yarrow"
};

/* Four words from the list, joined by '-'. */
void
d_words(char *buf, size_t n)
{
	size_t k = 0, nw = sizeof words / sizeof *words;

	buf[0] = 0;
	for (int i = 0; i < 4; i++) {
		const char *w = words[randombytes_uniform((uint32_t)nw)];
		int m = snprintf(buf + k, n - k, "%s%s", i ? "-" : "", w);

		if (m < 0 || (size_t)m >= n - k)
			break;
		k += (size_t)m;
	}
}

static int
strong_role(const char *role)
{
	return strcmp(role, "ro") == 0 || strcmp(role, "dro") == 0 ||
	    strcmp(role, "manager") == 0 || strcmp(role, "admin") == 0 ||
	    strcmp(role, "auditor") == 0;
}

int
d_pw_hash(const char *pw, const char *role, char out[128])
{
	int strong = strong_role(role), rc;

	hash_begin();
	rc = crypto_pwhash_str(out, pw, strlen(pw),
	    strong ? crypto_pwhash_OPSLIMIT_MODERATE :
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    strong ? crypto_pwhash_MEMLIMIT_MODERATE :
	    crypto_pwhash_MEMLIMIT_INTERACTIVE);
	hash_end();
	return rc;
}

int
d_pw_check(const char *hash, const char *pw)
{
	int ok;

	if (!hash)
		return 0;
	hash_begin();
	ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
	hash_end();
	return ok;
}

void
d_token_hash(const char *token, char out[65])
{
	unsigned char h[32];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, 32);
}
