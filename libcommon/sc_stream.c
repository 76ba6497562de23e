/* sc_stream: buffered fd I/O with zstd detection, zstd output and temp+rename outputs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "sc_stream.h"

#define BUFSZ (1u << 17)

struct sc_stream {
	int fd, writing, zstd, eof, own_fd;
	char *name, *target, *tmp; /* tmp: temporary path when writing atomically */
	unsigned char *raw;        /* raw bytes from/to the fd */
	size_t rpos, rlen;
	unsigned char *dec; /* decompressed bytes (zstd reading) */
	size_t dpos, dlen;
	size_t frame_left; /* last ZSTD_decompressStream hint: 0 at a frame end */
	ZSTD_DCtx *dctx;
	ZSTD_CCtx *cctx;
	uint64_t offset;
};

/* Temporaries removed on SIGINT/SIGTERM so a killed run leaves no half-written file. */
#define MAXTMP 32
static char *pending[MAXTMP];
static int handlers_set;

static void on_signal(int sig)
{
	for (int i = 0; i < MAXTMP; i++)
		if (pending[i])
			unlink(pending[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void pending_add(char *p)
{
	if (!handlers_set) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
		handlers_set = 1;
	}
	for (int i = 0; i < MAXTMP; i++)
		if (!pending[i]) {
			pending[i] = p;
			return;
		}
}

static void pending_del(const char *p)
{
	for (int i = 0; i < MAXTMP; i++)
		if (pending[i] == p)
			pending[i] = NULL;
}

static void stream_free(struct sc_stream *s)
{
	if (!s)
		return;
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	ZSTD_freeDCtx(s->dctx);
	ZSTD_freeCCtx(s->cctx);
	free(s->raw);
	free(s->dec);
	free(s->name);
	free(s->target);
	free(s->tmp);
	free(s);
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Fill raw[] from the fd (appending after what is left). Returns bytes added, 0 at EOF. */
static ssize_t fill_raw(struct sc_stream *s)
{
	ssize_t n;
	if (s->rpos > 0 && s->rpos < s->rlen)
		memmove(s->raw, s->raw + s->rpos, s->rlen - s->rpos);
	s->rlen -= s->rpos;
	s->rpos = 0;
	do
		n = read(s->fd, s->raw + s->rlen, BUFSZ - s->rlen);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sc_seterr(SC_EIO, "read error '%s': %s", s->name, strerror(errno));
	s->rlen += (size_t)n;
	return n;
}

static int open_read(struct sc_stream *s, const char *path)
{
	static const unsigned char zmagic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	struct stat st;

	if (!path || strcmp(path, "-") == 0) {
		s->fd = 0;
		s->name = sc_strdup("<stdin>");
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0)
			return sc_seterr(SC_EINPUT, "cannot open '%s': %s", path, strerror(errno));
		s->own_fd = 1;
		s->name = sc_strdup(path);
		if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode))
			return sc_seterr(SC_EINPUT, "cannot read '%s': is a directory", path);
	}
	if (!s->name || !(s->raw = malloc(BUFSZ)))
		return sc_seterr(SC_ENOMEM, "out of memory");
	while (s->rlen < 4) {
		ssize_t n = fill_raw(s);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
	}
	if (s->rlen >= 4 && memcmp(s->raw, zmagic, 4) == 0) {
		s->zstd = 1;
		s->dctx = ZSTD_createDCtx();
		s->dec = malloc(BUFSZ);
		if (!s->dctx || !s->dec)
			return sc_seterr(SC_ENOMEM, "out of memory");
	}
	return 0;
}

static int open_write(struct sc_stream *s, const char *path, int z)
{
	struct stat st;

	if (!path || strcmp(path, "-") == 0) {
		s->fd = 1;
		s->name = sc_strdup("<stdout>");
	} else if (strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0 ||
		   (stat(path, &st) == 0 && !S_ISREG(st.st_mode))) {
		/* a device, FIFO, terminal or /dev/stdout: write in place, a rename would
		 * replace the special file itself */
		s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (s->fd < 0)
			return sc_seterr(SC_EIO, "cannot open '%s' for writing: %s", path, strerror(errno));
		s->own_fd = 1;
		s->name = sc_strdup(path);
	} else {
		char *real = NULL;
		size_t n;
		/* replace a symlink's target, not the link */
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (real = realpath(path, NULL)))
			path = real;
		n = strlen(path);
		const char *slash = strrchr(path, '/');
		size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
		s->tmp = malloc(n + 32);
		if (!s->tmp) {
			free(real);
			return sc_seterr(SC_ENOMEM, "out of memory");
		}
		snprintf(s->tmp, n + 32, "%.*s.%s.tmp.XXXXXX", (int)dirlen, path, path + dirlen);
		s->fd = mkostemp(s->tmp, O_CLOEXEC);
		if (s->fd < 0) {
			int e = errno;
			free(s->tmp);
			free(real);
			s->tmp = NULL;
			return sc_seterr(SC_EIO, "cannot create output '%s': %s", path, strerror(e));
		}
		(void)!fchmod(s->fd, 0644); /* mkstemp gives 0600; outputs are ordinary files */
		pending_add(s->tmp);
		s->own_fd = 1;
		s->name = sc_strdup(path);
		s->target = sc_strdup(path);
		if (has_suffix(path, ".zst"))
			z = 1;
		free(real);
	}
	if (!s->name || !(s->raw = malloc(BUFSZ)))
		return sc_seterr(SC_ENOMEM, "out of memory");
	if (z) {
		s->zstd = 1;
		s->cctx = ZSTD_createCCtx();
		s->dec = malloc(BUFSZ);
		if (!s->cctx || !s->dec)
			return sc_seterr(SC_ENOMEM, "out of memory");
		ZSTD_CCtx_setParameter(s->cctx, ZSTD_c_compressionLevel, 3);
		ZSTD_CCtx_setParameter(s->cctx, ZSTD_c_checksumFlag, 1);
	}
	return 0;
}

struct sc_stream *sc_open(const char *path, const char *mode)
{
	struct sc_stream *s = calloc(1, sizeof *s);
	int rc;
	if (!s) {
		sc_seterr(SC_ENOMEM, "out of memory");
		return NULL;
	}
	s->fd = -1;
	if (mode[0] == 'r') {
		rc = open_read(s, path);
	} else if (mode[0] == 'w') {
		s->writing = 1;
		rc = open_write(s, path, strchr(mode, 'z') != NULL);
	} else {
		rc = sc_seterr(SC_EUSAGE, "bad open mode '%s'", mode);
	}
	if (rc < 0) {
		sc_abort(s);
		return NULL;
	}
	return s;
}

/* Produce more decompressed bytes into dec[]. Returns bytes available, 0 at clean EOF. */
static ssize_t fill_dec(struct sc_stream *s)
{
	s->dpos = s->dlen = 0;
	while (s->dlen == 0) {
		ZSTD_inBuffer in;
		ZSTD_outBuffer out = { s->dec, BUFSZ, 0 };
		size_t r;
		if (s->rpos == s->rlen) {
			ssize_t n = fill_raw(s);
			if (n < 0)
				return n;
			if (n == 0) {
				if (s->frame_left != 0)
					return sc_seterr(SC_EINPUT, "'%s': truncated zstd stream", s->name);
				return 0;
			}
		}
		in.src = s->raw;
		in.size = s->rlen;
		in.pos = s->rpos;
		r = ZSTD_decompressStream(s->dctx, &out, &in);
		if (ZSTD_isError(r))
			return sc_seterr(SC_EINPUT, "'%s': corrupt zstd data: %s", s->name,
					 ZSTD_getErrorName(r));
		s->frame_left = r;
		s->rpos = in.pos;
		s->dlen = out.pos;
	}
	return (ssize_t)s->dlen;
}

/* Make at least one byte available; returns pointer/len through args, 0 len at EOF. */
static int avail(struct sc_stream *s, const unsigned char **p, size_t *len)
{
	if (s->zstd) {
		if (s->dpos == s->dlen) {
			ssize_t n = fill_dec(s);
			if (n < 0)
				return (int)n;
		}
		*p = s->dec + s->dpos;
		*len = s->dlen - s->dpos;
	} else {
		if (s->rpos == s->rlen) {
			ssize_t n;
			s->rpos = s->rlen = 0;
			n = fill_raw(s);
			if (n < 0)
				return (int)n;
		}
		*p = s->raw + s->rpos;
		*len = s->rlen - s->rpos;
	}
	return 0;
}

static void consume(struct sc_stream *s, size_t n)
{
	if (s->zstd)
		s->dpos += n;
	else
		s->rpos += n;
	s->offset += n;
}

ssize_t sc_read(struct sc_stream *s, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		const unsigned char *p;
		size_t len;
		int rc = avail(s, &p, &len);
		if (rc < 0)
			return rc;
		if (len == 0)
			break;
		if (len > n - got)
			len = n - got;
		memcpy((char *)buf + got, p, len);
		consume(s, len);
		got += len;
	}
	return (ssize_t)got;
}

int sc_read_exact(struct sc_stream *s, void *buf, size_t n, const char *what)
{
	ssize_t got = sc_read(s, buf, n);
	if (got < 0)
		return (int)got;
	if ((size_t)got < n)
		return sc_seterr(SC_EINPUT, "'%s': truncated input: %s ends after %zd of %zu bytes",
				 s->name, what, got, n);
	return 0;
}

int sc_getline(struct sc_stream *s, struct sc_buf *line, size_t max)
{
	int any = 0;
	line->len = 0;
	if (line->data)
		line->data[0] = '\0';
	for (;;) {
		const unsigned char *p, *nl;
		size_t len, take;
		int rc = avail(s, &p, &len);
		if (rc < 0)
			return rc;
		if (len == 0)
			return any;
		any = 1;
		nl = memchr(p, '\n', len);
		take = nl ? (size_t)(nl - p) : len;
		if (line->len + take > max)
			return sc_seterr(SC_EINPUT, "'%s': line longer than %zu bytes", s->name, max);
		if (sc_buf_add(line, p, take) < 0)
			return SC_ENOMEM;
		consume(s, take + (nl ? 1 : 0));
		if (nl)
			return 1;
	}
}

int sc_at_eof(struct sc_stream *s)
{
	const unsigned char *p;
	size_t len;
	int rc = avail(s, &p, &len);
	if (rc < 0)
		return rc;
	return len == 0;
}

static int write_fd(struct sc_stream *s, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(s->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return sc_seterr(SC_EIO, "write error '%s': %s", s->name, strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int flush_raw(struct sc_stream *s)
{
	int rc = write_fd(s, s->raw, s->rlen);
	s->rlen = 0;
	return rc;
}

/* Feed n bytes to the compressor (or end the frame when end is set). */
static int zwrite(struct sc_stream *s, const void *buf, size_t n, int end)
{
	ZSTD_inBuffer in = { buf, n, 0 };
	size_t r;
	do {
		ZSTD_outBuffer out = { s->dec, BUFSZ, 0 };
		r = ZSTD_compressStream2(s->cctx, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(r))
			return sc_seterr(SC_EIO, "zstd compression failed: %s", ZSTD_getErrorName(r));
		if (out.pos && write_fd(s, s->dec, out.pos) < 0)
			return SC_EIO;
	} while (in.pos < in.size || (end && r != 0));
	return 0;
}

int sc_write(struct sc_stream *s, const void *buf, size_t n)
{
	s->offset += n;
	if (s->rlen + n > BUFSZ) {
		int rc = s->zstd ? zwrite(s, s->raw, s->rlen, 0) : flush_raw(s);
		s->rlen = 0;
		if (rc < 0)
			return rc;
		if (n > BUFSZ)
			return s->zstd ? zwrite(s, buf, n, 0) : write_fd(s, buf, n);
	}
	memcpy(s->raw + s->rlen, buf, n);
	s->rlen += n;
	return 0;
}

int sc_puts(struct sc_stream *s, const char *str) { return sc_write(s, str, strlen(str)); }

int sc_printf(struct sc_stream *s, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n, rc;
	char *big;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return sc_seterr(SC_EIO, "format error");
	if ((size_t)n < sizeof small)
		return sc_write(s, small, (size_t)n);
	big = malloc((size_t)n + 1);
	if (!big)
		return sc_seterr(SC_ENOMEM, "out of memory");
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = sc_write(s, big, (size_t)n);
	free(big);
	return rc;
}

int sc_close(struct sc_stream *s)
{
	int rc = 0;
	if (!s)
		return 0;
	if (!s->writing) {
		stream_free(s);
		return 0;
	}
	if (s->zstd) {
		rc = zwrite(s, s->raw, s->rlen, 1);
		s->rlen = 0;
	} else {
		rc = flush_raw(s);
	}
	if (rc == 0 && s->tmp && fsync(s->fd) < 0)
		rc = sc_seterr(SC_EIO, "cannot sync '%s': %s", s->name, strerror(errno));
	if (s->own_fd) {
		if (close(s->fd) < 0 && rc == 0)
			rc = sc_seterr(SC_EIO, "cannot close '%s': %s", s->name, strerror(errno));
		s->fd = -1;
	}
	if (s->tmp) {
		if (rc == 0 && rename(s->tmp, s->target) < 0)
			rc = sc_seterr(SC_EIO, "cannot rename output into '%s': %s", s->target,
				       strerror(errno));
		if (rc < 0)
			unlink(s->tmp);
		pending_del(s->tmp);
	}
	stream_free(s);
	return rc;
}

void sc_abort(struct sc_stream *s)
{
	if (!s)
		return;
	if (s->tmp) {
		if (s->own_fd && s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		unlink(s->tmp);
		pending_del(s->tmp);
	}
	stream_free(s);
}

const char *sc_stream_name(const struct sc_stream *s) { return s->name; }

int sc_stream_isatty(const struct sc_stream *s) { return isatty(s->fd); }

uint64_t sc_stream_offset(const struct sc_stream *s) { return s->offset; }

int sc_close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return sc_seterr(SC_EIO, "write error on stdout: %s", strerror(errno));
	return 0;
}
