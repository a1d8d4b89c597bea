// SPDX-License-Identifier: GPL-2.0
/*
 * demo - a small workload for `make demo`: a few allocations of the kinds
 * a student meets first, each touched partly; `make demo` runs it under
 * `vmastat run`, which reports its mappings and faults as it exits.  With
 * --stop it stops itself (SIGSTOP) instead, so that its address space can
 * be read at leisure (`vmastat maps PID`).
 *
 *   small malloc (brk heap):   30 KiB, all touched
 *   large malloc (mmap):      200 KiB, first 64 KiB touched
 *   file mapping:             this program's own binary, first page read
 *   shared anonymous:         128 KiB (shmem), 2 pages touched
 *   a malloc that is never touched: 1 MiB (VSZ grows, RSS does not)
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void touch(char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
}

int main(int argc, char **argv)
{
	char *small = malloc(30 * 1024);
	char *large = malloc(200 * 1024);
	char *untouched = malloc(1024 * 1024);
	char *shared = mmap(NULL, 128 * 1024, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int fd = open(argv[0], O_RDONLY);
	char *file = fd < 0 ? MAP_FAILED :
		mmap(NULL, 64 * 1024, PROT_READ, MAP_PRIVATE, fd, 0);
	volatile char sink;

	if (!small || !large || !untouched || shared == MAP_FAILED ||
	    file == MAP_FAILED) {
		perror("demo: allocation failed");
		return 1;
	}
	touch(small, 30 * 1024);
	touch(large, 64 * 1024);
	touch(shared, 2 * 4096);
	sink = file[0];
	(void)sink;

	printf("demo: pid %d: small=%p (brk) large=%p (mmap) untouched=%p\n",
	       getpid(), (void *)small, (void *)large, (void *)untouched);
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "--stop"))
		raise(SIGSTOP);
	return 0;
}
