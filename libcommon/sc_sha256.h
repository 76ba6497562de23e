/* SHA-256 digests through libcrypto's EVP interface (hardware-accelerated where the CPU has
 * SHA extensions), streamed in 1 MiB reads so large files hash at disk speed in O(1) memory.
 * Digests are written as 64 lowercase hex characters plus a NUL. */
#ifndef SC_SHA256_H
#define SC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "sc_err.h"

#define SC_SHA256_HEXLEN 64

struct sc_sha256;

/* An incremental digest (caller frees with sc_sha256_free, which accepts NULL). */
struct sc_sha256 *sc_sha256_new(void);
int sc_sha256_update(struct sc_sha256 *h, const void *p, size_t n) SC_RESULT_USED;
/* Finish into hex[65]; the object can be reused after sc_sha256_reset. */
int sc_sha256_final(struct sc_sha256 *h, char hex[SC_SHA256_HEXLEN + 1]) SC_RESULT_USED;
int sc_sha256_reset(struct sc_sha256 *h) SC_RESULT_USED;
void sc_sha256_free(struct sc_sha256 *h);

/* Digest of a memory block. */
int sc_sha256_mem(const void *p, size_t n, char hex[SC_SHA256_HEXLEN + 1]) SC_RESULT_USED;
/* Digest of everything readable from fd (from its current offset); *size gets the byte count.
 * name is used in messages only. The descriptor is borrowed. */
int sc_sha256_fd(int fd, const char *name, uint64_t *size,
		 char hex[SC_SHA256_HEXLEN + 1]) SC_RESULT_USED;
/* Digest of a file by path (follows symlinks; bundle code uses sc_sha256_fd on safe fds). */
int sc_sha256_file(const char *path, uint64_t *size, char hex[SC_SHA256_HEXLEN + 1]) SC_RESULT_USED;
/* Whether s is exactly 64 hex digits (lowercase only when lower_only). */
int sc_sha256_is_hex(const char *s, int lower_only);

#endif
