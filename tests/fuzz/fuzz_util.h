/* Shared by the fuzz targets: hand a byte buffer to code that reads a path. */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes data to an anonymous in-memory file; path receives "/proc/self/fd/N". Returns the
 * descriptor (close it when done) or -1. */
static inline int fuzz_memfile(const unsigned char *data, size_t size, char path[64])
{
	int fd = memfd_create("fuzz", 0);
	size_t off = 0;
	if (fd < 0)
		return -1;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
