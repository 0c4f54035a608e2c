/* SPDX-License-Identifier: MIT */
/*
 * runner.c -- run a command N times and print its median wall time and
 * the largest peak resident memory (from wait4's rusage), so benchmarks
 * need nothing beyond libc.  usage: runner N CMD [ARGS...]
 * Output: "median_s=0.123456 min_s=... max_s=... peak_kb=12345
 * cpu_s=0.123456", cpu_s the median user + system time (the command's
 * and the children it waited for), steadier than wall time on a loaded
 * machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

static int
cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	long long ns[101], cpu[101];
	long peak = 0;
	int n, i;

	if (argc < 3 || (n = atoi(argv[1])) < 1 || n > 101) {
		fprintf(stderr, "usage: runner N CMD [ARGS...]\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		struct timespec t0, t1;
		struct rusage ru;
		int st;
		pid_t pid;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid = fork();
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &st, 0, &ru) < 0) {
			perror("runner");
			return 3;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "runner: %s failed (status %d)\n",
			    argv[2], st);
			return 1;
		}
		ns[i] = (t1.tv_sec - t0.tv_sec) * 1000000000LL +
		    (t1.tv_nsec - t0.tv_nsec);
		cpu[i] = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
		    1000000000LL + (ru.ru_utime.tv_usec +
		    ru.ru_stime.tv_usec) * 1000LL;
		if (ru.ru_maxrss > peak)
			peak = ru.ru_maxrss;
	}
	qsort(ns, (size_t)n, sizeof(*ns), cmp);
	qsort(cpu, (size_t)n, sizeof(*cpu), cmp);
	printf("median_s=%lld.%06lld min_s=%lld.%06lld max_s=%lld.%06lld "
	    "peak_kb=%ld cpu_s=%lld.%06lld\n", ns[n / 2] / 1000000000LL,
	    ns[n / 2] % 1000000000LL / 1000, ns[0] / 1000000000LL,
	    ns[0] % 1000000000LL / 1000, ns[n - 1] / 1000000000LL,
	    ns[n - 1] % 1000000000LL / 1000, peak, cpu[n / 2] / 1000000000LL,
	    cpu[n / 2] % 1000000000LL / 1000);
	return 0;
}
