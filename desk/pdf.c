/* SPDX-License-Identifier: MIT */
/* pdf.c -- the PDFs of F21's issued documents (§6.6 "HTML, PDF where
 * made"; §5 Printing), by a headless browser named with --pdf-browser:
 * each page, with print.css beside it in place of serve's
 * /static/print.css, printed by
 *   BROWSER --headless --no-sandbox ... --no-pdf-header-footer
 *           --print-to-pdf=OUT file://PAGE
 * in a child process of its own (posix_spawn, no shell): its own
 * process group, its own profile in the scratch directory, stdout and
 * stderr to a log there, and a time limit (TELLER_DESK_PDF_S, default
 * 60 s) after which the group is killed. What differs from one print
 * to the next is made the book's: the PDF's two dates set to the last
 * event's time, the structure tags' node numbers shifted to start at 1;
 * so the same book and the same browser give the same PDF. The forms
 * themselves are html_forms.c's: nothing here knows what a form says. */
#include "desk.h"
#include "html.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *browser;	/* --pdf-browser, or NULL: no PDFs */

void
d_pdf_browser(const char *path)
{
	browser = path;
}

const char *
d_pdf_browser_get(void)
{
	return browser;
}

static int
put_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (fwrite(s, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f) ? -1 : 0;
}

int
d_pdf_begin(const char *dir)
{
	char p[4200];

	snprintf(p, sizeof p, "%s/pdf", dir);
	if (mkdir(p, 0700))
		return -1;
	snprintf(p, sizeof p, "%s/pdf/print.css", dir);
	return put_file(p, d_print_css, strlen(d_print_css));
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path), 0;
}

void
d_pdf_end(const char *dir)
{
	char p[4200];

	snprintf(p, sizeof p, "%s/pdf", dir);
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The page as the browser reads it: serve's stylesheet link made
 * relative, to the print.css d_pdf_begin wrote beside it. */
static int
page_file(const char *path, const char *html, size_t len)
{
	static const char link[] = "href=\"/static/print.css\"";
	const char *at = memmem(html, len, link, sizeof link - 1);
	FILE *f = fopen(path, "wb");
	size_t k = at ? (size_t)(at - html) : len;
	int bad;

	if (!f)
		return -1;
	bad = fwrite(html, 1, k, f) != k;
	if (at && !bad) {
		fputs("href=\"print.css\"", f);
		k += sizeof link - 1;
		bad = fwrite(html + k, 1, len - k, f) != len - k;
	}
	return fclose(f) || bad ? -1 : 0;
}

/* The last line the browser said (its why, as a rule), in out. */
static void
log_tail(const char *logp, char *out, size_t n)
{
	FILE *f = fopen(logp, "r");
	char ln[512];

	snprintf(out, n, "(it said nothing)");
	while (f && fgets(ln, sizeof ln, f)) {
		ln[strcspn(ln, "\n")] = 0;
		if (ln[0])
			snprintf(out, n, "%.160s", ln);
	}
	if (f)
		fclose(f);
}

/* The browser's run: 0 when it exited 0 within the limit, else -1 with
 * why (its exit, its signal, the limit). */
static int
run(char *const argv[], const char *logp, char *why, size_t n)
{
	long lim = d_env_seconds("TELLER_DESK_PDF_S", 600, 60);
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none;
	struct timespec now, end;
	pid_t pid, w;
	int ws = 0, rc;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += lim;
	sigemptyset(&none);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETPGROUP);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, logp, O_WRONLY | O_CREAT |
	    O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawn(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc) {
		snprintf(why, n, "%s: %s", argv[0], strerror(rc));
		return -1;
	}
	while ((w = waitpid(pid, &ws, WNOHANG)) == 0 &&
	    clock_gettime(CLOCK_MONOTONIC, &now) == 0 &&
	    (now.tv_sec < end.tv_sec || (now.tv_sec == end.tv_sec &&
	    now.tv_nsec < end.tv_nsec)))
		nanosleep(&tick, NULL);
	/* the browser's helpers too, whether it finished or not */
	kill(-pid, SIGKILL);
	if (w == 0) {
		waitpid(pid, &ws, 0);
		snprintf(why, n, "no PDF within %ld s (TELLER_DESK_PDF_S):"
		    " stopped", lim);
		return -1;
	}
	if (w < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws)) {
		char last[200];

		log_tail(logp, last, sizeof last);
		snprintf(why, n, "%s %s %d: %s", argv[0],
		    w > 0 && WIFSIGNALED(ws) ? "killed by signal" : "exit",
		    w > 0 && WIFSIGNALED(ws) ? WTERMSIG(ws) : w > 0 ?
		    WEXITSTATUS(ws) : -1, last);
		return -1;
	}
	return 0;
}

/* Each "/KEY (D:YYYYMMDDHHMMSS+HH'MM')" of the PDF set to the time t in
 * UTC: the print's own clock is no part of the document. */
static void
set_dates(unsigned char *p, size_t len, long long t)
{
	static const char *const key[] = { "/CreationDate (D:",
		"/ModDate (D:", NULL };
	time_t tt = (time_t)t;
	struct tm tm;
	char when[32];

	gmtime_r(&tt, &tm);
	strftime(when, sizeof when, "%Y%m%d%H%M%S+00'00'", &tm);
	for (int i = 0; key[i]; i++) {
		size_t k = strlen(key[i]);
		unsigned char *at = memmem(p, len, key[i], k);

		if (at && (size_t)(at - p) + k + 21 <= len &&
		    (at[k + 14] == '+' || at[k + 14] == '-') &&
		    at[k + 17] == '\'' && at[k + 20] == '\'')
			memcpy(at + k, when, 21);
	}
}

/* The value of the tag "(nodeNNNNNNNN)" at p, or -1 when p is none. */
static long
node_at(const unsigned char *p, const unsigned char *end)
{
	long v = 0;

	if (end - p < 14 || memcmp(p, "(node", 5) || p[13] != ')')
		return -1;
	for (int i = 5; i < 13; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* The structure tags' names "(nodeNNNNNNNN)", the browser's DOM node
 * numbers, which start wherever its counter stood: shifted to start at
 * 1. The same width and order, so the name tree stays sorted. */
static void
renumber_nodes(unsigned char *p, size_t len)
{
	const unsigned char *end = p + len;
	unsigned char *q;
	long lo = -1, v;
	char num[24];

	for (q = p; (q = memmem(q, (size_t)(end - q), "(node", 5)); q++)
		if ((v = node_at(q, end)) >= 0 && (lo < 0 || v < lo))
			lo = v;
	if (lo <= 1)
		return;
	for (q = p; (q = memmem(q, (size_t)(end - q), "(node", 5)); q++)
		if ((v = node_at(q, end)) >= 0) {
			snprintf(num, sizeof num, "%08ld", v - lo + 1);
			memcpy(q + 5, num, 8);
		}
}

unsigned char *
d_pdf_print(const char *dir, const char *html, size_t len, long long t,
    size_t *out, char *why, size_t n)
{
	char page[4200], pdf[4200], logp[4200], prof[4300], opt[4300],
	    url[4300];
	char *argv[] = { (char *)(uintptr_t)browser, (char *)"--headless",
		(char *)"--no-sandbox", (char *)"--disable-gpu",
		(char *)"--no-first-run", (char *)"--disable-extensions",
		prof, (char *)"--no-pdf-header-footer", opt, url, NULL };
	unsigned char *b;

	snprintf(page, sizeof page, "%s/pdf/page.html", dir);
	snprintf(pdf, sizeof pdf, "%s/pdf/page.pdf", dir);
	snprintf(logp, sizeof logp, "%s/pdf/browser.log", dir);
	snprintf(prof, sizeof prof, "--user-data-dir=%s/pdf/profile", dir);
	snprintf(opt, sizeof opt, "--print-to-pdf=%s", pdf);
	snprintf(url, sizeof url, "file://%s", page);
	unlink(pdf);
	if (!browser || page_file(page, html, len)) {
		snprintf(why, n, "%s: cannot write the page", page);
		return NULL;
	}
	if (run(argv, logp, why, n))
		return NULL;
	if (!(b = d_slurp_path(pdf, out)) || *out < 5 || memcmp(b, "%PDF-", 5)) {
		free(b);
		snprintf(why, n, "%s exit 0, but no PDF in %s", browser, pdf);
		return NULL;
	}
	set_dates(b, *out, t);
	renumber_nodes(b, *out);
	return b;
}
