/* SHA-256 on libcrypto EVP, streamed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "sc_alloc.h"
#include "sc_sha256.h"

#define CHUNK (1u << 20)

struct sc_sha256 {
	EVP_MD_CTX *ctx;
};

struct sc_sha256 *sc_sha256_new(void)
{
	struct sc_sha256 *h = sc_calloc(1, sizeof *h);
	if (!h)
		return NULL;
	if (!(h->ctx = EVP_MD_CTX_new()) || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		sc_sha256_free(h);
		sc_seterr(SC_ENOMEM, "cannot initialise a SHA-256 context");
		return NULL;
	}
	return h;
}

int sc_sha256_update(struct sc_sha256 *h, const void *p, size_t n)
{
	if (n && EVP_DigestUpdate(h->ctx, p, n) != 1)
		return sc_seterr(SC_EIO, "SHA-256 update failed");
	return 0;
}

static void to_hex(const unsigned char *md, char *hex)
{
	static const char x[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = x[md[i] >> 4];
		hex[2 * i + 1] = x[md[i] & 15];
	}
	hex[64] = '\0';
}

int sc_sha256_final(struct sc_sha256 *h, char hex[SC_SHA256_HEXLEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(h->ctx, md, &len) != 1 || len != 32)
		return sc_seterr(SC_EIO, "SHA-256 finalisation failed");
	to_hex(md, hex);
	return 0;
}

int sc_sha256_reset(struct sc_sha256 *h)
{
	if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		return sc_seterr(SC_EIO, "SHA-256 reset failed");
	return 0;
}

void sc_sha256_free(struct sc_sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

int sc_sha256_mem(const void *p, size_t n, char hex[SC_SHA256_HEXLEN + 1])
{
	struct sc_sha256 *h = sc_sha256_new();
	int rc = h ? 0 : SC_ENOMEM;
	if (rc == 0 && (rc = sc_sha256_update(h, p, n)) == 0)
		rc = sc_sha256_final(h, hex);
	sc_sha256_free(h);
	return rc;
}

int sc_sha256_fd(int fd, const char *name, uint64_t *size, char hex[SC_SHA256_HEXLEN + 1])
{
	struct sc_sha256 *h = NULL;
	unsigned char *buf = NULL;
	uint64_t total = 0;
	int rc = SC_ENOMEM;
	if (!(h = sc_sha256_new()) || !(buf = sc_malloc(CHUNK, 1)))
		goto out;
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t r = read(fd, buf, CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = sc_seterr(SC_EIO, "cannot read '%s': %s", name, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		if ((rc = sc_sha256_update(h, buf, (size_t)r)) < 0)
			goto out;
		total += (uint64_t)r;
	}
	if ((rc = sc_sha256_final(h, hex)) < 0)
		goto out;
	if (size)
		*size = total;
	rc = 0;
out:
	free(buf);
	sc_sha256_free(h);
	return rc;
}

int sc_sha256_file(const char *path, uint64_t *size, char hex[SC_SHA256_HEXLEN + 1])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	if (fd < 0)
		return sc_seterr(SC_EIO, "cannot open '%s': %s", path, strerror(errno));
	rc = sc_sha256_fd(fd, path, size, hex);
	close(fd);
	return rc;
}

int sc_sha256_is_hex(const char *s, int lower_only)
{
	int i;
	for (i = 0; i < SC_SHA256_HEXLEN; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (!lower_only && c >= 'A' && c <= 'F')))
			return 0;
	}
	return s[i] == '\0';
}
