/* Streaming delimited-record reader and the pandas-compatible CSV writer. */
#include <stdlib.h>
#include <string.h>

#include "cas_csv.h"
#include "sc_json.h"

int sc_csv_open(struct sc_csv *r, struct sc_stream *s, char delim, int quoting)
{
	memset(r, 0, sizeof *r);
	r->s = s;
	r->delim = delim;
	r->quoting = quoting;
	r->nextline = 1;
	r->cap = 1 << 20;
	if (!(r->buf = sc_malloc(r->cap, 1)))
		return SC_ENOMEM;
	return 0;
}

void sc_csv_release(struct sc_csv *r)
{
	free(r->buf);
	free(r->f);
	free(r->fl);
	r->buf = NULL;
	r->f = NULL;
	r->fl = NULL;
}

/* Read more bytes after r->end; compacts and grows the buffer as needed. */
static int refill(struct sc_csv *r)
{
	ssize_t got;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end + 1 >= r->cap) {
		char *nb;
		if (r->cap >= SC_CSV_MAX_RECORD)
			return sc_seterr(SC_EINPUT, "'%s' line %ld: record longer than %u bytes "
					 "(unterminated quote?)", sc_stream_name(r->s), r->nextline,
					 SC_CSV_MAX_RECORD);
		if (!(nb = sc_realloc(r->buf, r->cap * 2, 1)))
			return SC_ENOMEM;
		r->buf = nb;
		r->cap *= 2;
	}
	got = sc_read(r->s, r->buf + r->end, r->cap - 1 - r->end);
	if (got < 0)
		return (int)got;
	if (got == 0)
		r->eof = 1;
	r->end += (size_t)got;
	return 0;
}

static int add_field(struct sc_csv *r, char *p, size_t n)
{
	if (r->nf == r->capf) {
		int nc = r->capf ? r->capf * 2 : 16;
		char **f;
		size_t *fl;
		if (nc > SC_CSV_MAX_FIELDS)
			return sc_seterr(SC_EINPUT, "'%s' line %ld: more than %d fields",
					 sc_stream_name(r->s), r->lineno, SC_CSV_MAX_FIELDS);
		if (!(f = sc_realloc(r->f, (size_t)nc, sizeof *f)))
			return SC_ENOMEM;
		r->f = f;
		if (!(fl = sc_realloc(r->fl, (size_t)nc, sizeof *fl)))
			return SC_ENOMEM;
		r->fl = fl;
		r->capf = nc;
	}
	r->f[r->nf] = p;
	r->fl[r->nf] = n;
	r->nf++;
	return 0;
}

/* Find the end of the record starting at r->start: index of its '\n' (or r->end at EOF),
 * counting the newlines it spans. -1 when more input is needed. */
static long record_end(struct sc_csv *r, long *lines)
{
	size_t i = r->start;
	int inq = 0;
	*lines = 0;
	if (!r->quoting) {
		char *nl = memchr(r->buf + i, '\n', r->end - i);
		if (nl)
			return nl - r->buf;
		return r->eof ? (long)r->end : -1;
	}
	for (; i < r->end; i++) {
		char c = r->buf[i];
		if (c == '"')
			inq = !inq;
		else if (c == '\n') {
			if (!inq)
				return (long)i;
			(*lines)++;
		}
	}
	return r->eof ? (long)r->end : -1;
}

/* Split buf[a, e) into fields in place. */
static int split(struct sc_csv *r, size_t a, size_t e)
{
	char *p = r->buf + a, *end = r->buf + e;
	if (end > p && end[-1] == '\r')
		end--;
	*end = '\0';
	r->nf = 0;
	for (;;) {
		char *fs = p, *w;
		if (r->quoting && *p == '"') {
			w = fs;
			p++;
			for (;;) {
				if (p >= end)
					return sc_seterr(SC_EINPUT, "'%s' line %ld: unterminated quoted field",
							 sc_stream_name(r->s), r->lineno);
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						*w++ = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				*w++ = *p++;
			}
			if (p < end && *p != r->delim)
				return sc_seterr(SC_EINPUT, "'%s' line %ld: text after a closing quote",
						 sc_stream_name(r->s), r->lineno);
		} else if (!r->quoting) {
			char *d = memchr(p, r->delim, (size_t)(end - p));
			p = d ? d : end;
			w = p;
		} else {
			while (p < end && *p != r->delim) {
				if (r->quoting && *p == '"')
					return sc_seterr(SC_EINPUT, "'%s' line %ld: stray quote in an "
							 "unquoted field", sc_stream_name(r->s), r->lineno);
				p++;
			}
			w = p;
		}
		if (add_field(r, fs, (size_t)(w - fs)) < 0)
			return SC_ENOMEM;
		if (p >= end) {
			*w = '\0';
			return 0;
		}
		*w = '\0'; /* w <= p, and *p is the delimiter */
		p++;
	}
}

int sc_csv_next(struct sc_csv *r)
{
	for (;;) {
		long lines, e;
		int rc;
		if (r->start >= r->end && r->eof)
			return 0;
		e = record_end(r, &lines);
		if (e < 0) {
			if ((rc = refill(r)) < 0)
				return rc;
			continue;
		}
		if (r->start == r->end) /* EOF reached during refill */
			return 0;
		r->lineno = r->nextline;
		r->nextline += 1 + lines;
		if (memchr(r->buf + r->start, '\0', (size_t)e - r->start))
			return sc_seterr(SC_EINPUT, "'%s' line %ld: NUL byte in text",
					 sc_stream_name(r->s), r->lineno);
		rc = split(r, r->start, (size_t)e);
		r->start = (size_t)e + ((size_t)e < r->end ? 1 : 0);
		return rc < 0 ? rc : 1;
	}
}

int sc_csv_is_na(const char *p, size_t n)
{
	if (n > 8) /* the longest token is "#N/A N/A" */
		return 0;
	static const char *const na[] = { "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN",
					  "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
					  "NULL", "NaN", "n/a", "nan", "null" };
	for (size_t i = 0; i < sizeof na / sizeof *na; i++)
		if (strlen(na[i]) == n && memcmp(na[i], p, n) == 0)
			return 1;
	return 0;
}

int sc_csv_put_field(struct sc_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\n\r"))
		return sc_buf_adds(b, s);
	if (sc_buf_add(b, "\"", 1) < 0)
		return SC_ENOMEM;
	for (; *s; s++)
		if ((*s == '"' && sc_buf_add(b, "\"\"", 2) < 0) || (*s != '"' && sc_buf_add(b, s, 1) < 0))
			return SC_ENOMEM;
	return sc_buf_add(b, "\"", 1);
}

int sc_csv_put_double(struct sc_buf *b, double v)
{
	char num[40];
	sc_fmt_double(v, 0, num);
	if (strcmp(num, "NaN") == 0)
		num[0] = '\0'; /* pandas writes NaN as an empty field */
	else if (strcmp(num, "Infinity") == 0)
		strcpy(num, "inf");
	else if (strcmp(num, "-Infinity") == 0)
		strcpy(num, "-inf");
	return sc_buf_adds(b, num);
}

int sc_csv_put_int(struct sc_buf *b, long long v) { return sc_buf_addf(b, "%lld", v); }
