// SPDX-License-Identifier: GPL-2.0
/*
 * A process that takes page faults, for testing vmastat's fault commands
 * with the real module (tests/vm-test.sh).  First it maps 64 pages of
 * anonymous memory, writes them and unmaps them (a range that took faults
 * and is unmapped), and reads a file through a mapping (file faults); then
 * it drops and rewrites 16 pages with MADV_DONTNEED every millisecond,
 * ITERATIONS times (default: until killed), and exits 0.  "ready" is
 * printed after the first part.
 *
 *	tests/faulter [ITERATIONS]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), n = argc > 1 ? atol(argv[1]) : -1, i;
	struct timespec ms = { 0, 1000000 };
	volatile char sum = 0;
	char *p;
	int fd;

	p = mmap(NULL, 64 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(p, 1, 64 * page);
	munmap(p, 64 * page);

	fd = open(argv[0], O_RDONLY);
	if (fd >= 0) {
		p = mmap(NULL, 4 * page, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED)
			for (i = 0; i < 4; i++)
				sum += p[i * page];
		close(fd);
	}

	p = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (i = 0; n < 0 || i < n; i++) {
		memset(p, (int)i, 16 * page);
		madvise(p, 16 * page, MADV_DONTNEED);
		nanosleep(&ms, NULL);
	}
	return sum == 42;
}
