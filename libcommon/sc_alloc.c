/* Checked allocation and the growable buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"

int sc_mul_size(size_t a, size_t b, size_t *out)
{
	if (b && a > SIZE_MAX / b)
		return sc_seterr(SC_ENOMEM, "size overflow (%zu x %zu)", a, b);
	*out = a * b;
	return 0;
}

void *sc_malloc(size_t n, size_t size)
{
	size_t t = 0;
	void *p;
	if (sc_mul_size(n, size, &t) < 0)
		return NULL;
	p = malloc(t ? t : 1);
	if (!p)
		sc_seterr(SC_ENOMEM, "out of memory allocating %zu bytes", t);
	return p;
}

void *sc_calloc(size_t n, size_t size)
{
	size_t t = 0;
	void *p;
	if (sc_mul_size(n, size, &t) < 0)
		return NULL;
	p = calloc(t ? n : 1, t ? size : 1);
	if (!p)
		sc_seterr(SC_ENOMEM, "out of memory allocating %zu bytes", t);
	return p;
}

void *sc_realloc(void *old, size_t n, size_t size)
{
	size_t t = 0;
	void *p;
	if (sc_mul_size(n, size, &t) < 0)
		return NULL;
	p = realloc(old, t ? t : 1);
	if (!p)
		sc_seterr(SC_ENOMEM, "out of memory allocating %zu bytes", t);
	return p;
}

char *sc_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (!p) {
		sc_seterr(SC_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(p, s, n);
	return p;
}

int sc_buf_grow(struct sc_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;
	if (extra > SIZE_MAX - b->len - 1)
		return sc_seterr(SC_ENOMEM, "buffer size overflow");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return sc_seterr(SC_ENOMEM, "out of memory");
	b->data = p;
	b->cap = cap;
	return 0;
}

int sc_buf_add(struct sc_buf *b, const void *p, size_t n)
{
	if (sc_buf_grow(b, n) < 0)
		return SC_ENOMEM;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int sc_buf_adds(struct sc_buf *b, const char *s) { return sc_buf_add(b, s, strlen(s)); }

int sc_buf_addf(struct sc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return sc_seterr(SC_EINPUT, "format error");
	if (sc_buf_grow(b, (size_t)n) < 0)
		return SC_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void sc_buf_release(struct sc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
