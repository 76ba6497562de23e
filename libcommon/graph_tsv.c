/* Graph TSV and partition readers (see graph_tsv.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_tsv.h"
#include <cjson/cJSON.h>

#include "sc_alloc.h"

struct trip {
	int32_t i, j;
	float w;
};

static int cmp_trip(const void *a, const void *b)
{
	const struct trip *x = a, *y = b;
	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	return (x->j > y->j) - (x->j < y->j);
}

static int parse_index(const char *s, char **end, int64_t n, int64_t *out)
{
	errno = 0;
	long long v = strtoll(s, end, 10);
	if (*end == s || errno || v < 0 || v >= n)
		return -1;
	*out = v;
	return 0;
}

int sc_graph_tsv_read(struct sc_stream *s, int64_t n, struct sc_csr *g)
{
	struct sc_buf line = SC_BUF_INIT;
	struct trip *t = NULL;
	size_t nt = 0, cap = 0;
	long lineno = 0;
	int ret = 0;
	if (n < 1 || n > INT32_MAX)
		return sc_seterr(SC_EUSAGE, "graph: cell count out of range");
	for (;;) {
		ret = sc_getline(s, &line, 1u << 20);
		if (ret <= 0)
			break;
		lineno++;
		char *p = line.data, *end;
		int64_t i, j;
		while (line.len > 0 && (line.data[line.len - 1] == '\n' || line.data[line.len - 1] == '\r'))
			line.data[--line.len] = 0;
		if (line.len == 0)
			continue;
		if (parse_index(p, &end, n, &i) < 0 || *end != '\t' ||
		    parse_index(end + 1, &end, n, &j) < 0 || *end != '\t') {
			ret = sc_seterr(SC_EINPUT, "graph: line %ld: expected i<TAB>j<TAB>w with indices below %lld",
					lineno, (long long)n);
			goto out;
		}
		p = end + 1;
		errno = 0;
		double w = strtod(p, &end);
		if (end == p || *end || !isfinite(w) || w < 0 || w > 3.4e38) {
			ret = sc_seterr(SC_EINPUT, "graph: line %ld: weight is not a finite number >= 0", lineno);
			goto out;
		}
		if (nt == cap) {
			size_t nc = cap ? cap * 2 : 4096;
			struct trip *nt2 = sc_realloc(t, nc, sizeof *t);
			if (!nt2) {
				ret = SC_ENOMEM;
				goto out;
			}
			t = nt2;
			cap = nc;
		}
		t[nt].i = (int32_t)i;
		t[nt].j = (int32_t)j;
		t[nt++].w = (float)w;
	}
	if (ret < 0)
		goto out;
	qsort(t, nt, sizeof *t, cmp_trip);
	size_t m = 0;
	for (size_t a = 0; a < nt; a++) {
		if (m > 0 && t[m - 1].i == t[a].i && t[m - 1].j == t[a].j)
			t[m - 1].w += t[a].w;
		else
			t[m++] = t[a];
	}
	ret = sc_csr_alloc(g, n, n, (int64_t)m);
	if (ret < 0)
		goto out;
	for (size_t a = 0; a < m; a++) {
		g->indptr[t[a].i + 1]++;
		g->indices[a] = t[a].j;
		g->data[a] = t[a].w;
	}
	for (int64_t r = 0; r < n; r++)
		g->indptr[r + 1] += g->indptr[r];
	ret = 0;
out:
	free(t);
	sc_buf_release(&line);
	return ret;
}

/* The cluster id of one partition line: "id", "row<TAB>id" or a JSON object with key. */
static int parse_id_line(char *p, int64_t row, const char *key, long long *v)
{
	char *end;
	if (p[0] == '{') {
		cJSON *o = cJSON_Parse(p);
		const cJSON *it = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
		int bad = !cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble) ||
			  it->valuedouble < 0 || it->valuedouble > INT32_MAX - 1;
		if (!bad)
			*v = (long long)it->valuedouble;
		cJSON_Delete(o);
		if (bad)
			return sc_seterr(SC_EINPUT, "partition: line %lld: no integer '%s' >= 0",
					 (long long)row + 1, key);
		return 0;
	}
	char *tab = strchr(p, '\t');
	if (tab) { /* "row<TAB>id": the row must be the line's position */
		errno = 0;
		long long ix = strtoll(p, &end, 10);
		if (end != tab || errno || ix != row)
			return sc_seterr(SC_EINPUT, "partition: line %lld: expected row %lld in the first column",
					 (long long)row + 1, (long long)row);
		p = tab + 1;
	}
	errno = 0;
	*v = strtoll(p, &end, 10);
	if (end == p || *end || errno || *v < 0 || *v > INT32_MAX - 1)
		return sc_seterr(SC_EINPUT, "partition: line %lld: expected a cluster id >= 0",
				 (long long)row + 1);
	return 0;
}

int sc_partition_read(struct sc_stream *s, int64_t n, const char *key, int32_t *ids,
		      int32_t *n_clusters)
{
	struct sc_buf line = SC_BUF_INIT;
	int64_t row = 0;
	int32_t mx = -1;
	int seen_line = 0;
	int ret = 0;
	long long v = 0;
	for (;;) {
		ret = sc_getline(s, &line, 1u << 20);
		if (ret <= 0)
			break;
		while (line.len > 0 && (line.data[line.len - 1] == '\n' || line.data[line.len - 1] == '\r'))
			line.data[--line.len] = 0;
		if (line.len == 0)
			continue;
		char *p = line.data;
		if (!seen_line++ && p[0] != '{' && (p[0] < '0' || p[0] > '9'))
			continue; /* a header line such as "cell<TAB>cluster" */
		if ((ret = parse_id_line(p, row, key ? key : "leiden", &v)) < 0)
			goto out;
		if (row >= n) {
			ret = sc_seterr(SC_EINPUT, "partition: more than %lld rows (one per cell expected)",
					(long long)n);
			goto out;
		}
		ids[row++] = (int32_t)v;
		if (v > mx)
			mx = (int32_t)v;
	}
	if (ret < 0)
		goto out;
	if (row != n) {
		ret = sc_seterr(SC_EINPUT, "partition: %lld rows for %lld cells", (long long)row,
				(long long)n);
		goto out;
	}
	if (mx + 1 > n) {
		ret = sc_seterr(SC_EINPUT, "partition: cluster ids up to %d for %lld cells", mx,
				(long long)n);
		goto out;
	}
	*n_clusters = mx + 1;
	ret = 0;
out:
	sc_buf_release(&line);
	return ret;
}
