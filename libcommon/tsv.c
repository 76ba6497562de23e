/* Tab-separated tables with a header. */
#include "tsv.h"

#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_stream_util.h"

#define TSV_MAX_COLS 4096

int sc_tsv_parse(const char *data, size_t len, struct sc_tsv *t)
{
	int ret = SC_ENOMEM;
	int64_t cap = 0, lineno = 0;
	memset(t, 0, sizeof(*t));
	if (memchr(data, '\0', len))
		return sc_seterr(SC_EINPUT, "table holds a NUL byte");
	if (!(t->buf = sc_malloc(len + 1, 1)))
		return SC_ENOMEM;
	memcpy(t->buf, data, len);
	t->buf[len] = '\0';
	char *p = t->buf, *end = t->buf + len;
	while (p < end || (p == end && lineno == 0)) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		*le = '\0';
		if (le > p && le[-1] == '\r')
			le[-1] = '\0';
		lineno++;
		if (*p || lineno == 1) {
			int nf = 1;
			for (char *q = p; *q; q++)
				nf += *q == '\t';
			if (nf > TSV_MAX_COLS) {
				ret = sc_seterr(SC_EINPUT, "line %lld: too many columns", (long long)lineno);
				goto fail;
			}
			if (lineno == 1) {
				t->ncol = nf;
				if (!(t->head = sc_malloc((size_t)nf, sizeof(char *))))
					goto fail;
			} else if (nf != t->ncol) {
				ret = sc_seterr(SC_EINPUT, "line %lld has %d fields, the header %d",
						(long long)lineno, nf, t->ncol);
				goto fail;
			} else if (t->nrow == cap) {
				int64_t nc = cap ? 2 * cap : 256;
				char **f = sc_realloc(t->field, (size_t)nc * (size_t)t->ncol, sizeof(char *));
				if (!f)
					goto fail;
				t->field = f;
				cap = nc;
			}
			char **dst = lineno == 1 ? t->head : t->field + t->nrow * t->ncol;
			int k = 0;
			dst[k++] = p;
			for (char *q = p; *q; q++)
				if (*q == '\t') {
					*q = '\0';
					dst[k++] = q + 1;
				}
			if (lineno > 1)
				t->nrow++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
fail:
	sc_tsv_release(t);
	return ret;
}

int sc_tsv_read(struct sc_stream *s, struct sc_tsv *t)
{
	struct sc_buf b = SC_BUF_INIT;
	int ret;
	if ((ret = sc_stream_slurp(s, 0, &b)) < 0)
		goto out;
	if ((ret = sc_tsv_parse(b.data ? b.data : "", b.len, t)) < 0)
		sc_preferr(ret, "%s", sc_stream_name(s));
out:
	sc_buf_release(&b);
	return ret;
}

int sc_tsv_col(const struct sc_tsv *t, const char *name)
{
	for (int c = 0; c < t->ncol; c++)
		if (!strcmp(t->head[c], name))
			return c;
	return sc_seterr(SC_EINPUT, "table has no '%s' column", name);
}

void sc_tsv_release(struct sc_tsv *t)
{
	if (!t)
		return;
	free(t->head);
	free(t->field);
	free(t->buf);
	memset(t, 0, sizeof(*t));
}
