// SPDX-License-Identifier: GPL-2.0
/*
 * A process with awkward mappings, for comparing "vmastat maps" with
 * /proc/PID/smaps in a VM (tests/vm-test.sh): thousands of small
 * unmergeable mappings, names with a newline, invalid UTF-8 and ~4000
 * bytes, a deleted file, a memfd, shared anonymous memory, an anonymous
 * name, mlock, MADV_HUGEPAGE with a THP.  Prints "ready" when set up,
 * then waits to be killed.
 *
 *	tests/mapper DIR     DIR: a writable directory (e.g. /dev/shm)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

static long page;

static void *map_file(const char *path, int prot, int flags, int unlink_it)
{
	int fd = open(path, O_RDWR | O_CREAT, 0600);
	void *p;

	if (fd < 0 || ftruncate(fd, 4 * page) < 0) {
		perror(path);
		exit(1);
	}
	p = mmap(NULL, 2 * page, prot, flags, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	if (prot & PROT_WRITE)
		memset(p, 1, page);
	else
		(void)*(volatile char *)p;
	if (unlink_it)
		unlink(path);
	close(fd);
	return p;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/dev/shm";
	char path[PATH_MAX + 64], deep[PATH_MAX];
	size_t len;
	char *p;
	int i, fd;

	page = sysconf(_SC_PAGESIZE);

	/* many small mappings that cannot merge: alternate protections */
	for (i = 0; i < 3000; i++) {
		p = mmap(NULL, page, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		if (i % 2 == 0 && i % 3 == 0)
			*p = 1;
	}

	/* awkward names */
	snprintf(path, sizeof(path), "%s/vmastat new\nline", dir);
	map_file(path, PROT_READ | PROT_WRITE, MAP_SHARED, 1);
	snprintf(path, sizeof(path), "%s/vmastat bad \xff\xfe utf8 \xc3\xa9 \"q\" \\b", dir);
	map_file(path, PROT_READ, MAP_PRIVATE, 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/vmastat-deleted", dir);
	map_file(path, PROT_READ | PROT_WRITE, MAP_PRIVATE, 1);

	/* a path of ~4000 bytes, mapped 12 times: more names than one batch holds */
	snprintf(deep, sizeof(deep), "%s", dir);
	while (strlen(deep) + 250 < 3900) {
		len = strlen(deep);
		deep[len++] = '/';
		memset(deep + len, 'd', 200);
		deep[len + 200] = '\0';
		mkdir(deep, 0700);
	}
	snprintf(path, sizeof(path), "%s/long-file", deep);
	for (i = 0; i < 12; i++)
		map_file(path, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED, i == 11);

	while (strlen(deep) > strlen(dir)) {	/* leave no trace in DIR */
		rmdir(deep);
		*strrchr(deep, '/') = '\0';
	}

	/* memfd, shared anonymous memory, an anonymous name */
	fd = memfd_create("vmastat-memfd", 0);
	if (fd >= 0 && ftruncate(fd, 8 * page) == 0) {
		p = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED)
			memset(p, 2, 3 * page);
	}
	p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		memset(p, 3, 2 * page);
	p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		memset(p, 4, page);
		prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, 4 * page,
		      (unsigned long)"vmastat-anon");
	}

	/* mlock */
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		mlock(p, 2 * page);

	/* a transparent huge page, if the kernel gives one */
	p = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		char *h = (char *)(((unsigned long)p + (2 << 20) - 1) & ~((2UL << 20) - 1));

		madvise(h, 4 << 20, MADV_HUGEPAGE);
		memset(h, 5, 2 << 20);
	}

	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
