// SPDX-License-Identifier: GPL-2.0
/*
 * race - load and unload a module over and over while three threads take
 * page faults and a fourth forks and execs.  With tools/bench/nullprobe
 * (an empty kretprobe on handle_mm_fault()) it shows the QEMU problem
 * that Documentation/vmastat/testing.rst describes; see ./run.
 *
 *   race MODULE.ko NAME CYCLES
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void *storm(void *arg)
{
	const size_t len = 64 << 12;

	for (unsigned long it = 0;; it++) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		volatile char sink;

		if (p == MAP_FAILED)
			continue;
		for (int i = 0; i < 64; i++) {
			if ((i + it) % 4 == 0)
				sink = p[i << 12];
			p[i << 12] = 1;
		}
		(void)sink;
		munmap(p, len);
		if (it % 4 == 0)
			usleep(1000);
	}
	return arg;
}

static void *forker(void *arg)
{
	for (unsigned long n = 0;; n++) {
		pid_t c = fork();

		if (c == 0) {
			static char buf[16384];

			memset(buf, (int)n, sizeof(buf));
			if (n % 32 == 7)
				execl("/bin/true", "true", (char *)NULL);
			_exit(0);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t th;
	int cycles;

	if (argc != 4) {
		fprintf(stderr, "usage: race MODULE.ko NAME CYCLES\n");
		return 2;
	}
	cycles = atoi(argv[3]);
	for (int i = 0; i < 3; i++)
		pthread_create(&th, NULL, storm, NULL);
	pthread_create(&th, NULL, forker, NULL);
	for (int c = 1; c <= cycles; c++) {
		int fd = open(argv[1], O_RDONLY | O_CLOEXEC);

		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
			perror(argv[1]);
			return 1;
		}
		close(fd);
		usleep(150000);
		while (syscall(SYS_delete_module, argv[2], O_NONBLOCK))
			usleep(1000);
		printf("cycle %d\n", c);
		fflush(stdout);
	}
	return 0;
}
