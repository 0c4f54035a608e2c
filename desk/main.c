/* SPDX-License-Identifier: MIT */
/* main.c -- teller-desk: the commands init, serve, user, export, import
 * and verify (§7). Exit codes as teller: 0 done, 1 bad input, 2 bad
 * usage, 3 system error; verify 5 when the book fails. */
#include "desk.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int d_plan_check_header(const json_t *plan, char *err, size_t n);
json_t *d_plan_load(const char *file, const char *text, size_t len,
    char *err, size_t n);

static char *
slurp(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap);

	while (b) {
		size_t r = fread(b + n, 1, cap - n - 1, f);

		n += r;
		if (r == 0)
			break;
		if (n + 1 == cap) {
			char *nb = realloc(b, cap * 2);

			if (!nb) {
				free(b);
				return NULL;
			}
			b = nb;
			cap *= 2;
		}
	}
	if (b)
		b[n] = 0;
	*len = n;
	return b;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *b;

	if (!f)
		return NULL;
	b = slurp(f, len);
	if (f != stdin)
		fclose(f);
	return b;
}

static int usage(void);
int d_reload(struct desk *d);

int
d_reload(struct desk *d)
{
	char err[400];
	struct desk *old = malloc(sizeof *old);

	/* The old model is kept until d_close (a rare path: a write that
	 * could not be saved): requests waiting on the lock may still hold
	 * pointers to its users. Without memory for the record it leaks. */
	if (old) {
		*old = *d;
		old->db = NULL;
		d->retired = old;
	} else
		d_bix_free(d);
	d->bix = NULL;
	d->cs = NULL;
	d->boxes = NULL;
	d->users = NULL;
	d->users_old = NULL;
	d->bs = NULL;
	d->sheets = NULL;
	d->tallies = NULL;
	d->ntallies = d->captallies = 0;
	d->delegs = NULL;
	d->pool = NULL;
	d->ncs = d->nboxes = d->nusers = d->nbs = d->nsheets = 0;
	d->capusers = 0;
	d->capbs = d->capsheets = 0;
	d->plan = NULL;
	d->seq = d->entries = 0;
	return d_load(d, err, sizeof err);
}

static void
strip_secrets(json_t *plan)
{
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(plan, "users"), i, x)
		json_object_del(x, "password");
	json_array_foreach(json_object_get(plan, "devices"), i, x)
		json_object_del(x, "token");
}

static int
init_users(struct desk *d, const json_t *full)
{
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(full, "users"), i, x) {
		const char *un = json_string_value(json_object_get(x,
		    "username"));
		const char *role = json_string_value(json_object_get(x,
		    "role"));
		const json_t *pw = json_object_get(x, "password");
		const json_t *mc = json_object_get(x, "must_change_password");
		char gen[128], hash[128], sql[512];

		if (pw)
			snprintf(gen, sizeof gen, "%s", json_string_value(pw));
		else {
			d_words(gen, sizeof gen);
			printf("password %s %s\n", un, gen);
		}
		if (d_pw_hash(gen, role, hash))
			return -1;
		sqlite3_snprintf(sizeof sql, sql, "INSERT INTO user VALUES(%Q,"
		    " %Q, %d, 0)", un, hash, mc ? json_is_true(mc) : 1);
		if (sqlite3_exec(d->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return -1;
	}
	json_array_foreach(json_object_get(full, "devices"), i, x) {
		const json_t *r = json_object_get(x, "roles");
		char th[65], roles[256] = "", sql[600];
		size_t k;
		json_t *y;

		d_token_hash(json_string_value(json_object_get(x, "token")),
		    th);
		json_array_foreach(r, k, y)
			snprintf(roles + strlen(roles), sizeof roles -
			    strlen(roles), "%s%s", k ? " " : "",
			    json_string_value(y));
		sqlite3_snprintf(sizeof sql, sql, "INSERT INTO device VALUES("
		    "%Q, %Q, %Q)", json_string_value(json_object_get(x,
		    "name")), th, roles);
		if (sqlite3_exec(d->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return -1;
	}
	return 0;
}

static int
init_entry(struct desk *d, const char *action, json_t *body)
{
	struct d_req rq;
	struct d_out out;
	struct d_err e;
	struct d_user *ro = NULL;
	char at[40], key[32], hash[65], *line = NULL;
	json_t *ev;
	int rc;

	for (int i = 0; i < d->nusers; i++)
		if (strcmp(d->users[i].role, "ro") == 0)
			ro = &d->users[i];
	memset(&rq, 0, sizeof rq);
	memset(&e, 0, sizeof e);
	d_now(at, sizeof at);
	rq.action = action;
	rq.contest = -1;
	rq.user = ro;
	rq.device = "init";
	rq.at = at;
	rq.entry = d->entries + 1;
	rq.body = body;
	if (d_exec(d, &rq, &out, &e)) {
		fprintf(stderr, "teller-desk: plan %s: %s\n", action, e.msg);
		json_decref(body);
		return -1;
	}
	snprintf(key, sizeof key, "init-%lld", rq.entry);
	ev = d_event_line(d, &rq, &out, key, d_states(d, &out));
	rc = d_seal(d, ev, &line, hash) || d_commit(d, line, d->seq + 1,
	    rq.entry, action, hash, NULL, NULL, NULL, NULL);
	if (!rc)
		d->entries = rq.entry;
	free(line);
	json_decref(ev);
	d_out_clear(&out);
	json_decref(body);
	return rc ? -1 : 0;
}

/* The plan's ledger facts as entries 1, 2, 3 ... (§8). */
static int
init_entries(struct desk *d, const json_t *plan)
{
	size_t i, j;
	json_t *x, *t;

	json_array_foreach(json_object_get(plan, "users"), i, x)
		json_array_foreach(json_object_get(x, "tables"), j, t) {
			json_t *b = json_is_integer(t) ? json_pack("{s:O,"
			    " s:O, s:O, s:n}", "user", json_object_get(x,
			    "username"), "table", t, "role",
			    json_object_get(x, "role"), "until") :
			    json_pack("{s:O, s:O, s:O, s:n}", "user",
			    json_object_get(x, "username"), "table",
			    json_object_get(t, "table"), "role",
			    json_object_get(t, "role"), "until");

			if (init_entry(d, "assignment.record", b))
				return -1;
		}
	json_array_foreach(json_object_get(plan, "agents"), i, x)
		if (init_entry(d, "agent.appoint", json_deep_copy(x)))
			return -1;
	json_array_foreach(json_object_get(plan, "delegations"), i, x)
		if (init_entry(d, "delegation.record", json_deep_copy(x)))
			return -1;
	return 0;
}

static void
make_genesis(const json_t *plan, char out[65])
{
	const json_t *el = json_object_get(plan, "election");
	unsigned char rnd[32], h[32];
	crypto_hash_sha256_state st;
	const char *name = json_string_value(json_object_get(el, "name"));
	const char *pd = json_string_value(json_object_get(el, "poll_date"));

	randombytes_buf(rnd, sizeof rnd);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)
	    "teller-desk genesis", 19);
	crypto_hash_sha256_update(&st, (const unsigned char *)name,
	    strlen(name));
	crypto_hash_sha256_update(&st, (const unsigned char *)pd, strlen(pd));
	crypto_hash_sha256_update(&st, rnd, sizeof rnd);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, 32);
}

/* Create the book's tables and configuration from plan (no secrets) */
static int
create_book(struct desk *d, const char *db, json_t *plan,
    const char *sha, const char *genesis, char *err, size_t n)
{
	char *canon;

	if (access(db, F_OK) == 0) {
		snprintf(err, n, "%s exists already", db);
		return 1;
	}
	if (d_db_open(d, db, 1, 1, err, n) || d_db_schema(d))
		return 3;
	canon = d_canon(plan);
	if (d_db_meta_set(d, "plan", canon) ||
	    d_db_meta_set(d, "plan_sha256", sha) ||
	    d_db_meta_set(d, "genesis", genesis)) {
		free(canon);
		return 3;
	}
	free(canon);
	d->plan = plan;
	snprintf(d->genesis, sizeof d->genesis, "%s", genesis);
	snprintf(d->last_hash, sizeof d->last_hash, "%s", genesis);
	snprintf(d->plan_sha, sizeof d->plan_sha, "%s", sha);
	return d_model_config(d, plan, err, n) ? 1 : 0;
}

/* The local CA's files must not exist yet: terminals may trust an
 * earlier one, which init will not silently replace (§6.4). */
static int
tls_fresh(const char *db)
{
	char p[4200];

	for (int i = D_TLS_CA; i <= D_TLS_KEY; i++) {
		if (d_tls_path(p, sizeof p, db, i)) {
			fprintf(stderr, "teller-desk: %s: name too long\n", db);
			return 2;
		}
		if (access(p, F_OK) == 0) {
			fprintf(stderr, "teller-desk: %s exists already (the"
			    " local CA of another book?): move it away\n", p);
			return 1;
		}
	}
	return 0;
}

static int
cmd_init(const char *db, const char *planf, const char *const *sans,
    int nsans)
{
	struct desk d;
	size_t len;
	char *text, err[600] = "", sha[65], gen[65], fpr[96];
	unsigned char h[32];
	json_t *full, *plan;
	int rc;

	memset(&d, 0, sizeof d);
	if (access(db, F_OK) != 0 && (rc = tls_fresh(db)))
		return rc;
	text = read_file(planf, &len);
	if (!text) {
		fprintf(stderr, "teller-desk: %s: %s\n", planf,
		    strerror(errno));
		return 1;
	}
	if (!(full = d_plan_load(planf, text, len, err, sizeof err))) {
		fprintf(stderr, "teller-desk: %s\n", err);
		free(text);
		return 1;
	}
	crypto_hash_sha256(h, (const unsigned char *)text, len);
	sodium_bin2hex(sha, sizeof sha, h, 32);
	free(text);
	plan = json_deep_copy(full);
	strip_secrets(plan);
	make_genesis(plan, gen);
	rc = create_book(&d, db, plan, sha, gen, err, sizeof err);
	if (rc == 0 && (init_users(&d, full) || init_entries(&d, full)))
		rc = 1;
	if (rc == 0 && d_tls_init(db, sans, nsans, fpr, err, sizeof err))
		rc = 3;
	json_decref(full);
	d_close(&d);
	if (rc) {
		if (err[0] && rc != 1)
			fprintf(stderr, "teller-desk: %s\n", err);
		else if (rc == 1 && strstr(err, "exists"))
			fprintf(stderr, "teller-desk: %s\n", err);
		if (!strstr(err, "exists")) {
			char p[4096];

			unlink(db);
			snprintf(p, sizeof p, "%s-wal", db);
			unlink(p);
			snprintf(p, sizeof p, "%s-shm", db);
			unlink(p);
		}
		return rc;
	}
	if (d_disk_ballast_make(db))
		fprintf(stderr, "teller-desk: %s.ballast: cannot be made (%s):"
		    " serve tries again at start\n", db, strerror(errno));
	printf("genesis %s\n", gen);
	printf("ca-sha256 %s\n", fpr);
	return 0;
}

/* init DB --plan PLAN.json [--san NAME|IP]... */
static int
cmd_init_args(int argc, char **argv)
{
	const char *plan = NULL, *sans[32];
	int nsans = 0;

	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--plan") == 0 && i + 1 < argc && !plan)
			plan = argv[++i];
		else if (strcmp(argv[i], "--san") == 0 && i + 1 < argc &&
		    nsans < 32) {
			if (!d_tls_san_ok(argv[++i])) {
				fprintf(stderr, "teller-desk: --san %s: not a"
				    " DNS name or an IP address\n", argv[i]);
				return 2;
			}
			sans[nsans++] = argv[i];
		} else {
			fprintf(stderr, "teller-desk: init: unexpected %s\n",
			    argv[i]);
			return usage();
		}
	}
	if (!plan)
		return usage();
	return cmd_init(argv[2], plan, sans, nsans);
}

static void
unlink_book(const char *db)
{
	char p[4096];

	unlink(db);
	snprintf(p, sizeof p, "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db);
	unlink(p);
}

/* An SQLite file is a whole number of pages: one that is not was cut
 * short (a crash mid-copy), even when what is left reads as a book. */
static void
whole_pages(struct desk *d, const char *db, char *why, size_t n)
{
	sqlite3_stmt *st;
	struct stat sb;
	long long ps = 0;

	if (sqlite3_prepare_v2(d->db, "PRAGMA page_size", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		ps = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (ps > 0 && stat(db, &sb) == 0 && (long long)sb.st_size % ps != 0)
		snprintf(why, n, "the file is cut short: %lld bytes, not a"
		    " whole number of %lld-byte pages",
		    (long long)sb.st_size, ps);
}

/* Open book db and check it (§4.2's start-up check): PRAGMA
 * integrity_check, then the hash chain as the book loads: from seq 1,
 * or (from_backup, serve) from the last backup's checkpoint when its
 * event still has the hash backup.made recorded; the events before it
 * are replayed, their hashes left to verify. 0: sound;
 * 5: it fails either, why says how (naming the first failing seq) and
 * d keeps what loaded before it; 6: as 5, but not even the plan loaded;
 * 1, 3: no such file, cannot open (said on stderr, d closed). */
static int
check_book(struct desk *d, const char *db, int lock, int from_backup,
    char *why, size_t n)
{
	char err[600];
	sqlite3_stmt *st;

	memset(d, 0, sizeof *d);
	why[0] = '\0';
	if (access(db, F_OK) != 0) {
		fprintf(stderr, "teller-desk: %s: %s\n", db, strerror(errno));
		return 1;
	}
	if (d_db_open(d, db, 0, lock, err, sizeof err)) {
		fprintf(stderr, "teller-desk: %s\n", err);
		d_close(d);
		return 3;
	}
	if (sqlite3_prepare_v2(d->db, "PRAGMA integrity_check", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		snprintf(why, n, "integrity_check: %s", sqlite3_errmsg(d->db));
	else if (strcmp((const char *)sqlite3_column_text(st, 0), "ok"))
		snprintf(why, n, "integrity_check: %.200s",
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!why[0])
		whole_pages(d, db, why, n);
	if (from_backup && (d->trusted = d_backup_checkpoint(d->db)) > 0)
		fprintf(stderr, "teller-desk: %s: the chain checked from the"
		    " last backup's checkpoint, #%lld (verify checks it"
		    " all)\n", db, d->trusted);
	if (d_load(d, err, sizeof err)) {
		snprintf(why + strlen(why), n - strlen(why), "%s%.200s",
		    why[0] ? "; " : "", err);
		if (strncmp(err, "seq ", 4) != 0)
			return 6;
	}
	return why[0] ? 5 : 0;
}

/* How a failing book is named on stderr instead of its path: an
 * export's count.db is checked from a scratch copy whose path would
 * tell the user nothing ("EXPORT: count.db" instead). */
static const char *book_shown;

/* A book for a command that needs it whole: 0, or check_book's codes
 * (said on stderr, d closed). */
static int
open_book(struct desk *d, const char *db, int lock)
{
	char why[480];
	int rc = check_book(d, db, lock, 0, why, sizeof why);

	if (rc == 5 || rc == 6) {
		fprintf(stderr, "teller-desk: %s: %s\n", book_shown ?
		    book_shown : db, why);
		d_close(d);	/* what the load read before it stopped */
		rc = 5;
	}
	return rc;
}

/* serve's book: one that fails its check is served read-only with what
 * loaded before the first failing seq, the reason in d->fail (§4.2). */
static int
open_served(struct desk *d, const char *db)
{
	char why[480];
	int rc = check_book(d, db, 1, 1, why, sizeof why);

	if (rc == 6) {		/* nothing to serve */
		fprintf(stderr, "teller-desk: %s: %s\n", db, why);
		d_close(d);
		return 3;
	}
	if (rc != 5) {
		/* reads by key (a book without event_key gains it); if
		 * it cannot be kept, the reads scan the events instead */
		if (rc == 0 && d_db_keys(d))
			fprintf(stderr, "teller-desk: %s: no event_key (%s):"
			    " reads scan the book\n", db,
			    sqlite3_errmsg(d->db));
		return rc;
	}
	d->read_only = D_RO_BROKEN;
	snprintf(d->fail, sizeof d->fail, "the book is read-only: it fails"
	    " its check at start (%.300s); run teller-desk verify and"
	    " restore the last good backup", why);
	fprintf(stderr, "teller-desk: %s: %s\n", db, d->fail);
	return 0;
}

/* serve's default (§6.4): the local CA that init left beside book db. */
static int
local_ca(const char *db)
{
	char crt[4200], key[4200], ca[4200];

	if (d_tls_path(crt, sizeof crt, db, D_TLS_CERT) ||
	    d_tls_path(key, sizeof key, db, D_TLS_KEY) ||
	    d_tls_path(ca, sizeof ca, db, D_TLS_CA))
		return 2;
	if (access(db, F_OK) != 0)
		return 0;	/* open_served says so */
	if (access(crt, F_OK) != 0) {
		fprintf(stderr, "teller-desk: %s: no local CA beside the book;"
		    " serve needs it, --tls-cert and --tls-key, or"
		    " --insecure-http on loopback\n", crt);
		return 2;
	}
	return d_serve_tls(crt, key) || d_serve_ca(ca) ? 1 : 0;
}

/* §6.4: the server certificate (cert, or the local CA's) expiring
 * within 30 days is said on stderr and in a banner. */
static void
cert_expiry(const char *db, const char *cert)
{
	char p[4200];

	if (cert)
		snprintf(p, sizeof p, "%s", cert);
	else if (d_tls_path(p, sizeof p, db, D_TLS_CERT))
		return;
	d_tls_expiry_check(p, (long long)time(NULL));
}

/* A serve option's directory: there and writable, else said. */
static int
writable_dir(const char *dir, const char *opt)
{
	struct stat sb;

	if (stat(dir, &sb) || !S_ISDIR(sb.st_mode) || access(dir, W_OK)) {
		fprintf(stderr, "teller-desk: %s %s: not a writable"
		    " directory\n", opt, dir);
		return 0;
	}
	return 1;
}

/* --backup-keep N: 0 (keep every backup) to 1000000; 0 or -1 (said). */
static int
keep_arg(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (!*s || *end || n < 0 || n > 1000000) {
		fprintf(stderr, "teller-desk: --backup-keep %s: a number of"
		    " backups, 0 (keep all) to 1000000\n", s);
		return -1;
	}
	d_backup_keep(n);
	return 0;
}

/* --pdf-browser PATH: an absolute path to a program this user may run
 * (the child is spawned without a shell, and without PATH). */
static int
pdf_browser_arg(const char *path)
{
	if (path[0] != '/' || access(path, X_OK)) {
		fprintf(stderr, "teller-desk: --pdf-browser %s: not an absolute"
		    " path to a program that can run\n", path);
		return -1;
	}
	d_pdf_browser(path);
	return 0;
}

static int
cmd_serve(int argc, char **argv)
{
	const char *listen = "0.0.0.0:443", *cert = NULL, *key = NULL;
	int insecure = 0, rc, dir = 0, keep = 0;
	struct desk d;

	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strcmp(argv[i], "--insecure-http") == 0)
			insecure = 1;
		else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
			d_serve_host(argv[++i]);
		else if (strcmp(argv[i], "--observe") == 0 && i + 1 < argc)
			d_serve_observer(argv[++i]);
		else if (strcmp(argv[i], "--http-redirect") == 0 &&
		    i + 1 < argc)
			d_serve_redirect(argv[++i]);
		else if (strcmp(argv[i], "--read-model") == 0 &&
		    i + 1 < argc)
			d_rm_dir(argv[++i]);
		else if (strcmp(argv[i], "--tls-cert") == 0 && i + 1 < argc)
			cert = argv[++i];
		else if (strcmp(argv[i], "--tls-key") == 0 && i + 1 < argc)
			key = argv[++i];
		else if (strcmp(argv[i], "--origin") == 0 && i + 1 < argc)
			i++;
		else if (strcmp(argv[i], "--backup-dir") == 0 &&
		    i + 1 < argc) {
			struct stat sb;

			if (stat(argv[++i], &sb) || !S_ISDIR(sb.st_mode) ||
			    access(argv[i], W_OK)) {
				fprintf(stderr, "teller-desk: --backup-dir %s:"
				    " not a writable directory\n", argv[i]);
				return 2;
			}
			d_backup_dir(argv[i]);
			dir = 1;
		} else if (strcmp(argv[i], "--export-dir") == 0 &&
		    i + 1 < argc) {
			if (!writable_dir(argv[++i], "--export-dir"))
				return 2;
			d_f21_dir(argv[i]);
		} else if (strcmp(argv[i], "--pdf-browser") == 0 &&
		    i + 1 < argc) {
			if (pdf_browser_arg(argv[++i]))
				return 2;
		} else if (strcmp(argv[i], "--backup-keep") == 0 &&
		    i + 1 < argc) {
			if (keep_arg(argv[++i]))
				return 2;
			keep = 1;
		} else {
			fprintf(stderr, "teller-desk: unknown option %s\n",
			    argv[i]);
			return 2;
		}
	}
	if (keep && !dir) {
		fprintf(stderr, "teller-desk: --backup-keep needs"
		    " --backup-dir\n");
		return 2;
	}
	if ((cert != NULL) != (key != NULL) || (cert && insecure)) {
		fprintf(stderr, "teller-desk: --tls-cert and --tls-key go"
		    " together, without --insecure-http\n");
		return 2;
	}
	if (cert && d_serve_tls(cert, key))
		return 1;
	if (!cert && !insecure && (rc = local_ca(argv[2])))
		return rc;
	if (!insecure)
		cert_expiry(argv[2], cert);
	if ((rc = open_served(&d, argv[2])))
		return rc;
	rc = d_serve(&d, listen, insecure);
	d_close(&d);
	return rc;
}

static int
cmd_export(const char *db, const char *out)
{
	struct desk d;
	FILE *f = stdout;
	int rc = open_book(&d, db, 0);

	if (rc)
		return rc;
	if (out && !(f = fopen(out, "w"))) {
		fprintf(stderr, "teller-desk: %s: %s\n", out, strerror(errno));
		d_close(&d);
		return 3;
	}
	rc = d_journal_write(&d, f) ? 3 : 0;
	if (f != stdout && fclose(f))
		rc = 3;
	d_close(&d);
	return rc;
}


/* f21.c's check of a book: as verify opens one. */
static int
open_checked(struct desk *d, const char *db)
{
	return open_book(d, db, 0);
}

/* d_f21_check of the tarball file, its count.db named by the file and
 * the member in what the check says on stderr. */
static int
check_export(const char *file, char dir[4096], char **text, char *err,
    size_t n)
{
	char shown[4200];
	int rc;

	snprintf(shown, sizeof shown, "%s: count.db", file);
	book_shown = shown;
	rc = d_f21_check(file, open_checked, dir, text, err, n);
	book_shown = NULL;
	return rc;
}

/* export DB --tar FILE: the F21 tarball (f21.c) from a snapshot of the
 * book; like export it writes nothing to the book (serve's POST exports
 * is the one that logs export.made). */
static int
cmd_export_tar(const char *db, const char *out)
{
	struct desk d;
	struct d_f21 r;
	char err[600] = "";
	int rc = open_book(&d, db, 0);

	if (rc)
		return rc;
	rc = d_f21_make(d.db, out, open_checked, &r, err, sizeof err);
	d_close(&d);
	if (rc) {
		fprintf(stderr, "teller-desk: %s: %s\n", out, err);
		return rc;
	}
	printf("%s #%lld %.16s\n", out, r.seq, r.hash);
	return 0;
}

/* export DB [-o FILE] [--tar FILE [--pdf-browser PATH]] */
static int
cmd_export_args(int argc, char **argv)
{
	const char *o = NULL, *tar = NULL;
	int rc = 0;

	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc && !o)
			o = argv[++i];
		else if (strcmp(argv[i], "--tar") == 0 && i + 1 < argc &&
		    !tar)
			tar = argv[++i];
		else if (strcmp(argv[i], "--pdf-browser") == 0 &&
		    i + 1 < argc && !d_pdf_browser_get()) {
			if (pdf_browser_arg(argv[++i]))
				return 2;
		} else
			return usage();
	}
	if (d_pdf_browser_get() && !tar) {
		fprintf(stderr, "teller-desk: --pdf-browser needs --tar\n");
		return 2;
	}
	if (o || !tar)
		rc = cmd_export(argv[2], o);
	return rc == 0 && tar ? cmd_export_tar(argv[2], tar) : rc;
}

/* A paper line (§10): that user's API call now, flagged back-filled,
 * on the device "import"; stored when store. */
static int
paper_line(struct desk *d, json_t *ev, int store, char *err, size_t n)
{
	static const char *const ok[] = { "action", "contest", "user", "data",
		"paper_time", "idem", "supersedes", "reason_code",
		"reason_text", NULL };
	const char *act = json_string_value(json_object_get(ev, "action"));
	const char *cid = json_string_value(json_object_get(ev, "contest"));
	const char *un = json_string_value(json_object_get(ev, "user"));
	const char *pt = json_string_value(json_object_get(ev, "paper_time"));
	const char *idem = json_string_value(json_object_get(ev, "idem"));
	const struct d_action *a = act ? d_action_find(act) : NULL;
	struct d_req rq;
	struct d_out out;
	struct d_err e;
	char at[40], key[40], hash[65], *line = NULL;
	json_t *line_ev;
	int rc;

	memset(&rq, 0, sizeof rq);
	memset(&e, 0, sizeof e);
	if (d_body_keys(ev, ok, &e) || !a || !un || !pt ||
	    !json_is_object(json_object_get(ev, "data"))) {
		snprintf(err, n, "paper line: %s", e.msg[0] ? e.msg :
		    "action, user, data and paper_time are required");
		return -1;
	}
	d_now(at, sizeof at);
	rq.action = a->name;
	rq.contest = cid ? d_contest_find(d, cid) : -1;
	rq.user = d_user_find(d, un);
	rq.device = "import";
	rq.at = at;
	rq.entry = d->entries + 1;
	rq.body = json_object_get(ev, "data");
	rq.paper_time = pt;
	rq.reauth_ok = 1;
	if ((cid && rq.contest < 0) || !rq.user) {
		snprintf(err, n, "paper line: unknown contest or user");
		return -1;
	}
	if (d_exec(d, &rq, &out, &e)) {
		snprintf(err, n, "entry %lld (%s): %s", rq.entry, act, e.msg);
		return -1;
	}
	snprintf(key, sizeof key, "%s", idem ? idem : "");
	if (!idem)
		snprintf(key, sizeof key, "paper-%lld", rq.entry);
	line_ev = d_event_line(d, &rq, &out, key, d_states(d, &out));
	rc = d_seal(d, line_ev, &line, hash);
	if (rc == 0 && store)
		rc = d_commit(d, line, d->seq + 1, rq.entry, act, hash, NULL,
		    NULL, NULL, NULL);
	else if (rc == 0) {
		d->seq++;
		snprintf(d->last_hash, sizeof d->last_hash, "%s", hash);
	}
	if (rc == 0)
		d->entries = rq.entry;
	else
		snprintf(err, n, "entry %lld (%s): cannot write", rq.entry,
		    act);
	free(line);
	json_decref(line_ev);
	d_out_clear(&out);
	return rc ? -1 : 0;
}

/* A sealed line the book holds already (seq <= its last): the same
 * hash, skipped. */
static int
held_line(struct desk *d, const json_t *ev, char *err, size_t n)
{
	long long seq = json_integer_value(json_object_get(ev, "seq"));
	const char *h = json_string_value(json_object_get(ev, "hash"));
	sqlite3_stmt *st;
	int same = 0;

	if (sqlite3_prepare_v2(d->db, "SELECT hash FROM event WHERE seq = ?",
	    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, seq);
		same = sqlite3_step(st) == SQLITE_ROW && h &&
		    strcmp((const char *)sqlite3_column_text(st, 0), h) == 0;
		sqlite3_finalize(st);
	}
	if (!same)
		snprintf(err, n, "chain broken: the book's seq %lld differs",
		    seq);
	return same ? 0 : -1;
}

/* Open what a journal goes into: a new book from its header, the
 * existing book, or (db NULL, verify) memory only. 0 or an exit code. */
static int
journal_target(struct desk *d, const char *db, const json_t *hd,
    const char *file, int *existing)
{
	char err[600];
	json_t *plan = json_deep_copy(json_object_get(hd, "plan"));
	const char *gen = json_string_value(json_object_get(hd, "genesis"));
	const char *sha = json_string_value(json_object_get(hd,
	    "plan_sha256"));
	int rc;

	*existing = db && access(db, F_OK) == 0;
	if (*existing) {
		json_decref(plan);
		if ((rc = open_book(d, db, 1)))
			return rc == 5 ? 1 : rc;
		if (hd && (!gen || !sha || strcmp(gen, d->genesis) ||
		    strcmp(sha, d->plan_sha))) {
			fprintf(stderr, "teller-desk: %s:1: the header is not"
			    " this book's (genesis or plan)\n", file);
			return 1;
		}
	} else if (!hd || !plan || !gen || !sha) {
		fprintf(stderr, "teller-desk: %s:1: no journal header\n", file);
		json_decref(plan);
		return 1;
	} else if (d_plan_check_header(plan, err, sizeof err)) {
		fprintf(stderr, "teller-desk: %s:1: the header's %s\n", file,
		    err);
		json_decref(plan);
		return 1;
	} else if (db) {
		rc = create_book(d, db, plan, sha, gen, err, sizeof err);
		if (rc) {
			fprintf(stderr, "teller-desk: %s\n", err);
			if (!d->plan)
				json_decref(plan);
			return rc;
		}
	} else {
		d->plan = plan;
		snprintf(d->genesis, sizeof d->genesis, "%s", gen);
		snprintf(d->last_hash, sizeof d->last_hash, "%s", gen);
		if (d_model_config(d, plan, err, sizeof err))
			return 1;
	}
	if (db)
		sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	return 0;
}

/* Import (store) or verify (db NULL) a journal, line by line; all or
 * nothing. */
static int
run_journal(const char *db, const char *file, char *text)
{
	struct desk d;
	char *save = NULL, *ln, err[600];
	json_t *hd;
	int lineno = 1, rc, existing, paper = 0;

	memset(&d, 0, sizeof d);
	ln = strtok_r(text, "\n", &save);
	hd = ln ? json_loads(ln, 0, NULL) : NULL;
	if (hd && !json_is_string(json_object_get(hd, "format"))) {
		json_decref(hd);
		hd = NULL;	/* no header: the first line is an event */
	} else
		ln = strtok_r(NULL, "\n", &save), lineno++;
	rc = journal_target(&d, db, hd, file, &existing);
	json_decref(hd);
	for (; rc == 0 && ln; ln = strtok_r(NULL, "\n", &save), lineno++) {
		json_t *ev = json_loads(ln, 0, NULL);
		int sealed = ev && json_object_get(ev, "seq") != NULL;
		long long seq = json_integer_value(json_object_get(ev, "seq"));
		int bad;

		if (!ev)
			bad = snprintf(err, sizeof err, "not JSON") > 0;
		else if (sealed && paper)
			bad = snprintf(err, sizeof err, "a sealed line after"
			    " a paper line") > 0;
		else if (sealed && existing && seq <= d.seq && seq > 0)
			bad = held_line(&d, ev, err, sizeof err);
		else if (sealed)
			bad = d_replay_line(&d, ev, db != NULL, ln, err,
			    sizeof err);
		else
			bad = (paper = 1, paper_line(&d, ev, db != NULL, err,
			    sizeof err));
		if (bad) {
			fprintf(stderr, "teller-desk: %s:%d: seq %lld: %s\n",
			    file, lineno, d.seq + 1, err);
			rc = db ? 1 : 5;
		}
		json_decref(ev);
	}
	if (db && d.db) {
		sqlite3_exec(d.db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL,
		    NULL);
		if (!rc)
			sqlite3_exec(d.db, "INSERT OR IGNORE INTO"
			    " user(username, pw_hash) SELECT value ->>"
			    " 'username', NULL FROM json_each((SELECT value"
			    " FROM meta WHERE key = 'plan') -> 'users')",
			    NULL, NULL, NULL);
	}
	d_close(&d);
	if (rc && db && !existing)
		unlink_book(db);
	return rc;
}

static int
cmd_journal(const char *db, const char *file)
{
	size_t len;
	char *text = read_file(file, &len);
	int rc;

	if (!text) {
		fprintf(stderr, "teller-desk: %s: %s\n", file,
		    strerror(errno));
		return 1;
	}
	rc = run_journal(db, file, text);
	free(text);
	return rc;
}

/* The hash of event seq in a book or a journal, or "" if none. */
static void
hash_of(const char *path, int is_db, long long seq, char out[65])
{
	out[0] = 0;
	if (is_db) {
		sqlite3 *db;
		sqlite3_stmt *st;

		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
		    SQLITE_OK && sqlite3_prepare_v2(db, "SELECT hash FROM event"
		    " WHERE seq = ?", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, seq);
			if (sqlite3_step(st) == SQLITE_ROW)
				snprintf(out, 65, "%s", (const char *)
				    sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
		sqlite3_close(db);
	} else {
		size_t len;
		char *text = read_file(path, &len), *save = NULL, *ln;

		for (ln = text ? strtok_r(text, "\n", &save) : NULL; ln;
		    ln = strtok_r(NULL, "\n", &save)) {
			json_t *ev = json_loads(ln, 0, NULL);

			if (json_integer_value(json_object_get(ev, "seq")) ==
			    seq)
				snprintf(out, 65, "%s", json_string_value(
				    json_object_get(ev, "hash")));
			json_decref(ev);
		}
		free(text);
	}
}

/* Each --checkpoint SEQ:HASH (a prefix of the hash, as printed on the
 * forms) must match the event of that seq. */
static int
checkpoints(const char *label, const char *path, int is_db, int argc,
    char **argv)
{
	for (int i = 3; i < argc; i++) {
		char h[65], *colon;
		long long seq;

		if (strcmp(argv[i], "--checkpoint") != 0 || i + 1 >= argc)
			return 2;
		seq = strtoll(argv[++i], &colon, 10);
		if (*colon != ':' || seq < 1 || strlen(colon + 1) < 8)
			return 2;
		hash_of(path, is_db, seq, h);
		if (strncmp(h, colon + 1, strlen(colon + 1)) != 0) {
			fprintf(stderr, "teller-desk: %s: seq %lld: checkpoint"
			    " differs: the book is not the one on paper\n",
			    label, seq);
			return 5;
		}
	}
	return 0;
}

/* verify EXPORT: the F21 tarball's manifest, its book, the members
 * made again (f21.c), then the checkpoints against its book; on
 * success its verify.txt on stdout. */
static int
verify_export(int argc, char **argv)
{
	char dir[4096], err[600] = "", p[4200], *text = NULL;
	int rc = check_export(argv[2], dir, &text, err, sizeof err);

	if (rc)
		fprintf(stderr, "teller-desk: %s: %s\n", argv[2], err);
	else {
		snprintf(p, sizeof p, "%s/count.db", dir);
		rc = checkpoints(argv[2], p, 1, argc, argv);
		if (rc == 0 && text)
			fputs(text, stdout);
	}
	free(text);
	d_f21_scratch_remove(dir);
	return rc == 3 ? 3 : rc == 1 ? 1 : rc ? (rc == 2 ? 2 : 5) : 0;
}

static int
cmd_verify(int argc, char **argv)
{
	const char *path = argv[2];
	FILE *f = fopen(path, "rb");
	char head[16] = "";
	struct desk d;
	int rc, db;

	if (!f) {
		fprintf(stderr, "teller-desk: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fread(head, 1, 15, f) < 1)
		head[0] = 0;
	fclose(f);
	db = strncmp(head, "SQLite format 3", 15) == 0;
	if (!db && d_f21_is_tar(path))
		return verify_export(argc, argv);
	if (!db) {
		rc = cmd_journal(NULL, path) == 0 ? 0 : 5;
	} else {
		rc = open_book(&d, path, 0);
		if (rc == 0)
			d_close(&d);
		rc = rc == 0 ? 0 : rc == 5 ? 5 : 1;
	}
	return rc ? rc : checkpoints(path, path, db, argc, argv);
}

/* §6.1: while the book's last air-gap finding is not overridden, no
 * account or device change (what); said on stderr. */
static int
airgap_refuses(struct desk *d, const char *what)
{
	char f[200];

	if (!d_airgap_book_blocked(d, f, sizeof f))
		return 0;
	fprintf(stderr, "teller-desk: §6.1: not air-gapped (%s): %s changes"
	    " are refused until the returning officer overrides (serve,"
	    " S-24 or POST airgap/override)\n", f, what);
	return 1;
}

/* A change of accounts.c run by the command line: its answer's secret
 * printed as `password USERNAME WORDS` or `device NAME TOKEN`, its
 * refusal on stderr (exit 1; 3 when the book could not be written). */
int
d_acct_command(struct desk *d, d_acct_fn fn, json_t *body)
{
	struct d_err e;
	json_t *a = NULL;
	const char *pw, *tok;

	memset(&e, 0, sizeof e);
	if (fn(d, NULL, NULL, body, &a, &e)) {
		fprintf(stderr, "teller-desk: %s\n", e.msg);
		json_decref(e.details);
		return e.status >= 500 ? 3 : 1;
	}
	pw = json_string_value(json_object_get(a, "password"));
	tok = json_string_value(json_object_get(a, "token"));
	if (pw)
		printf("password %s %s\n", json_string_value(json_object_get(
		    body, "username")), pw);
	if (tok)
		printf("device %s %s\n", json_string_value(json_object_get(
		    body, "name")), tok);
	json_decref(a);
	return 0;
}

/* user DB add JSON|-, disable USERNAME, password USERNAME [PASSWORD]:
 * the body of the API call (accounts.c) made from argv; NULL on bad
 * usage or input (said on stderr, *rc set). */
static json_t *
user_body(int argc, char **argv, d_acct_fn *fn, int *rc)
{
	json_error_t je;
	json_t *b;

	*rc = 2;
	if (argc == 5 && strcmp(argv[3], "add") == 0) {
		*fn = d_acct_user_add;
		b = strcmp(argv[4], "-") == 0 ? json_loadf(stdin,
		    JSON_REJECT_DUPLICATES, &je) : json_loads(argv[4],
		    JSON_REJECT_DUPLICATES, &je);
		if (!b || !json_is_object(b)) {
			fprintf(stderr, "teller-desk: %s:%d:%d: %s\n",
			    strcmp(argv[4], "-") ? "argument" : "stdin",
			    je.line, je.column, b ? "not a JSON object" :
			    je.text);
			json_decref(b);
			*rc = 1;
			return NULL;
		}
		return b;
	}
	if (argc == 5 && strcmp(argv[3], "disable") == 0) {
		*fn = d_acct_user_disable;
		return json_pack("{s:s}", "username", argv[4]);
	}
	if ((argc == 5 || argc == 6) && strcmp(argv[3], "password") == 0) {
		*fn = d_acct_user_password;
		return json_pack("{s:s, s:s?}", "username", argv[4],
		    "password", argc == 6 ? argv[5] : NULL);
	}
	fprintf(stderr, "usage: teller-desk user DB add JSON|-\n"
	    "       teller-desk user DB disable USERNAME\n"
	    "       teller-desk user DB password USERNAME [PASSWORD]\n");
	return NULL;
}

static int
cmd_user(int argc, char **argv)
{
	struct desk d;
	d_acct_fn fn = NULL;
	json_t *body;
	int rc;

	if (!(body = user_body(argc, argv, &fn, &rc)))
		return rc;
	if ((rc = open_book(&d, argv[2], 1))) {
		json_decref(body);
		return rc == 5 ? 1 : rc;
	}
	rc = airgap_refuses(&d, "account") ? 1 : d_acct_command(&d, fn,
	    body);
	json_decref(body);
	d_close(&d);
	return rc;
}

/* device DB add NAME ROLE... | list | revoke NAME (device.c). */
static int
cmd_device(int argc, char **argv)
{
	struct desk d;
	int rc;

	if (argc < 4)
		return d_cmd_device(NULL, 0, argv);
	if ((rc = open_book(&d, argv[2], 1)))
		return rc == 5 ? 1 : rc;
	if (strcmp(argv[3], "list") != 0 && airgap_refuses(&d, "device")) {
		d_close(&d);
		return 1;
	}
	rc = d_cmd_device(&d, argc - 3, argv + 3);
	d_close(&d);
	return rc;
}

/* backup's check, in this process: as verify checks a book. */
static int
backup_check(const char *part, long long *seq, char hash[65], char *err,
    size_t n)
{
	struct desk chk;

	if (open_book(&chk, part, 0) != 0) {
		snprintf(err, n, "%s: the backup fails its check", part);
		return -1;
	}
	*seq = chk.seq;
	snprintf(hash, 65, "%s", chk.last_hash);
	d_close(&chk);
	return 0;
}

/* backup DB DIR: DIR/count-SEQ.db and the local CA's files beside it,
 * written as DIR/count-SEQ.db.partial and checked like verify before it
 * takes its name, so a crash mid-backup leaves no file that looks like
 * a backup (§11.2 F4); backup.c, as serve's own backups. */
static int
cmd_backup(const char *db, const char *dir)
{
	struct desk d;
	struct d_backup b;
	char err[600] = "";
	int rc = open_book(&d, db, 0);

	if (rc)
		return rc;
	rc = d_backup_make(d.db, 0, db, dir, d.seq, backup_check, &b, err,
	    sizeof err);
	d_close(&d);
	if (rc) {
		fprintf(stderr, "teller-desk: %s\n", err);
		return 3;
	}
	printf("%s #%lld %.16s\n", b.path, b.seq, b.hash);
	return 0;
}

static int restore_book(const char *backup, const char *db);

/* restore EXPORT DB: the F21 tarball checked as verify checks it (any
 * failure refuses, the book untouched), then its count.db restored as
 * a backup is; an export carries no CA files (no private key). */
static int
restore_export(const char *file, const char *db)
{
	char dir[4096], err[600] = "", p[4200];
	int rc;

	if (access(db, F_OK) == 0) {
		fprintf(stderr, "teller-desk: %s exists already\n", db);
		return 1;
	}
	rc = check_export(file, dir, NULL, err, sizeof err);
	if (rc) {
		fprintf(stderr, "teller-desk: %s: %s: refused, nothing"
		    " written\n", file, err);
		d_f21_scratch_remove(dir);
		return rc == 3 ? 3 : 1;
	}
	snprintf(p, sizeof p, "%s/count.db", dir);
	rc = restore_book(p, db);
	d_f21_scratch_remove(dir);
	return rc;
}

/* restore BACKUP|EXPORT DB: an F21 tarball as restore_export, else a
 * backup book as restore_book. */
static int
cmd_restore(const char *backup, const char *db)
{
	if (d_f21_is_tar(backup))
		return restore_export(backup, db);
	return restore_book(backup, db);
}

/* restore BACKUP DB: DB claimed first, under the lock serve, import and
 * restore take (§7: a running serve or a second restore on it refuses,
 * nothing written); then the backup's chain and rules; then the copy
 * and the local CA's files the backup has beside it (refusing
 * different ones already there). */
static int
restore_book(const char *backup, const char *db)
{
	struct desk b;
	char err[600] = "";
	int fd = d_db_claim(db, err, sizeof err), rc;

	if (fd < 0) {
		fprintf(stderr, "teller-desk: %s: refused, nothing written\n",
		    err);
		return 1;
	}
	if ((rc = open_book(&b, backup, 0))) {
		fprintf(stderr, "teller-desk: %s: refused, the book is"
		    " untouched\n", backup);
		rc = rc == 5 ? 1 : rc;
	} else if (d_backup_restore_ca(backup, db, 0, err, sizeof err)) {
		fprintf(stderr, "teller-desk: %s\n", err);
		d_close(&b);
		rc = 1;
	} else {
		rc = d_backup_copy(b.db, 0, db) ? 3 : 0;
		d_close(&b);
		if (rc == 0 && d_backup_restore_ca(backup, db, 1, err,
		    sizeof err))
			rc = 3;
		if (rc)
			fprintf(stderr, "teller-desk: %s: cannot write%s%s\n",
			    db, err[0] ? ": " : "", err);
	}
	if (rc)
		unlink_book(db);	/* ours: made by the claim */
	close(fd);
	return rc;
}

/* tls DB renew [--san NAME|IP]... [--days N]: a new server certificate
 * from the local CA, which (and its fingerprint) stays; refused while
 * serve holds the book. */
static int
cmd_tls(int argc, char **argv)
{
	const char *sans[32];
	struct d_tls_renewed r;
	struct desk d;
	char err[600] = "", day[16];
	long days = 397;
	int nsans = 0, rc;
	time_t na;
	struct tm tm;

	if (argc < 4 || strcmp(argv[3], "renew") != 0)
		return usage();
	for (int i = 4; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--san") == 0 && i + 1 < argc &&
		    nsans < 32 && d_tls_san_ok(argv[i + 1]))
			sans[nsans++] = argv[++i];
		else if (strcmp(argv[i], "--days") == 0 && i + 1 < argc &&
		    (days = strtol(argv[++i], &end, 10)) >= 1 && days <= 397 &&
		    !*end)
			;
		else {
			fprintf(stderr, "teller-desk: tls renew: bad %s (--san"
			    " a DNS name or IP, --days 1 to 397)\n",
			    argv[i]);
			return 2;
		}
	}
	if ((rc = open_book(&d, argv[2], 1)))
		return rc == 5 ? 1 : rc;
	if (d_tls_renew(argv[2], sans, nsans, days, &r, err, sizeof err)) {
		fprintf(stderr, "teller-desk: %s\n", err);
		d_close(&d);
		return 1;
	}
	na = (time_t)r.not_after;
	gmtime_r(&na, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	{
		json_t *nm = json_array();

		for (int i = 0; i < r.nnames; i++)
			json_array_append_new(nm, json_string(r.names[i]));
		d_log_event(&d, "tls.renew", NULL, NULL, NULL, json_pack(
		    "{s:o, s:s, s:s, s:s}", "names", nm, "not_after", day,
		    "server_sha256", r.fpr, "ca_sha256", r.ca_fpr));
	}
	d_close(&d);
	printf("server-sha256 %s\nnot-after %s\nca-sha256 %s\n", r.fpr, day,
	    r.ca_fpr);
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: teller-desk init DB --plan PLAN.json"
	    " [--san NAME|IP]...\n"
	    "       teller-desk serve DB [--listen ADDR:PORT]"
	    " [--http-redirect ADDR:PORT]\n"
	    "       teller-desk serve DB --listen ADDR:PORT --insecure-http\n"
	    "       teller-desk serve DB --listen ADDR:PORT --tls-cert F"
	    " --tls-key F\n"
	    "         [--observe ADDR:PORT] [--host NAME]...\n"
	    "         [--backup-dir DIR] [--export-dir DIR]"
	    " [--pdf-browser PATH]\n"
	    "         [--read-model DIR]\n"
	    "       teller-desk observe DIR [--listen ADDR:PORT]"
	    " [--insecure-http | --tls-cert F --tls-key F]\n"
	    "         [--host NAME]... [--sessions FILE]"
	    " [--per-ip-limit N]\n"
	    "       teller-desk device DB add NAME ROLE...|list|revoke NAME\n"
	    "       teller-desk user DB password USERNAME [PASSWORD]\n"
	    "       teller-desk export DB [-o FILE]"
	    " [--tar FILE [--pdf-browser PATH]]\n"
	    "       teller-desk import DB JOURNAL.jsonl\n"
	    "       teller-desk verify DB|JOURNAL|EXPORT"
	    " [--checkpoint SEQ:HASH]...\n"
	    "       teller-desk backup DB DIR\n"
	    "       teller-desk restore BACKUP|EXPORT DB\n"
	    "       teller-desk tls DB renew [--san NAME|IP]... [--days N]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "teller-desk: libsodium failed\n");
		return 3;
	}
	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "init") == 0)
		return cmd_init_args(argc, argv);
	if (strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc, argv);
	if (strcmp(argv[1], "observe") == 0)
		return d_observe(argc, argv);
	if (strcmp(argv[1], "user") == 0)
		return cmd_user(argc, argv);
	if (strcmp(argv[1], "device") == 0)
		return cmd_device(argc, argv);
	if (strcmp(argv[1], "export") == 0)
		return cmd_export_args(argc, argv);
	if (strcmp(argv[1], "import") == 0 && argc == 4)
		return cmd_journal(argv[2], argv[3]);
	if (strcmp(argv[1], "backup") == 0 && argc == 4)
		return cmd_backup(argv[2], argv[3]);
	if (strcmp(argv[1], "restore") == 0 && argc == 4)
		return cmd_restore(argv[2], argv[3]);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc, argv);
	if (strcmp(argv[1], "tls") == 0)
		return cmd_tls(argc, argv);
	return usage();
}
