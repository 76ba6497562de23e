/* Graph connectivity in both flavours (see graph_conn.h). */
#include <math.h>
#include <stdlib.h>

#include "graph_conn.h"
#include "sc_alloc.h"

static int32_t uf_find(int32_t *p, int32_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

int sc_graph_components_by_label(const struct sc_csr *g, const int32_t *label, int32_t *comp)
{
	for (int64_t i = 0; i < g->rows; i++)
		comp[i] = (int32_t)i;
	for (int64_t i = 0; i < g->rows; i++)
		for (int64_t p = g->indptr[i]; p < g->indptr[i + 1]; p++) {
			int32_t j = g->indices[p];
			if (j < 0 || j >= g->rows)
				return sc_seterr(SC_EINPUT, "graph: column %d out of range", j);
			if (label[j] != label[i] || g->data[p] == 0)
				continue;
			int32_t a = uf_find(comp, (int32_t)i), b = uf_find(comp, j);
			if (a != b)
				comp[a > b ? a : b] = a < b ? a : b;
		}
	for (int64_t i = 0; i < g->rows; i++)
		comp[i] = uf_find(comp, (int32_t)i);
	return 0;
}

/* Mean over labels of largest component size / label size, from component roots. */
static int score_components(const int32_t *comp, int64_t n, const int32_t *label,
			    int32_t n_labels, double *per_label, double *score)
{
	int ret = SC_ENOMEM;
	int64_t *size = sc_calloc((size_t)n, sizeof(int64_t));
	int64_t *best = sc_calloc((size_t)n_labels, sizeof(int64_t));
	int64_t *cnt = sc_calloc((size_t)n_labels, sizeof(int64_t));
	double total = 0;
	if (!size || !best || !cnt)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		size[comp[i]]++;
		cnt[label[i]]++;
	}
	for (int64_t i = 0; i < n; i++)
		if (size[comp[i]] > best[label[i]])
			best[label[i]] = size[comp[i]];
	for (int32_t l = 0; l < n_labels; l++) {
		double v = cnt[l] ? (double)best[l] / (double)cnt[l] : NAN;
		if (per_label)
			per_label[l] = v;
		total += v;
	}
	*score = n_labels > 0 ? total / n_labels : NAN;
	ret = 0;
out:
	free(size);
	free(best);
	free(cnt);
	return ret;
}

int sc_graph_conn_scib(const struct sc_csr *g, const int32_t *label, int32_t n_labels,
		       double *per_label, double *score)
{
	int32_t *comp = sc_malloc((size_t)g->rows, sizeof(int32_t));
	int ret = SC_ENOMEM;
	if (!comp)
		goto out;
	ret = sc_graph_components_by_label(g, label, comp);
	if (ret < 0)
		goto out;
	ret = score_components(comp, g->rows, label, n_labels, per_label, score);
out:
	free(comp);
	return ret;
}

/* Iterative Tarjan over the arcs i -> idx[i][*] that stay within a label. */
int sc_graph_conn_knn_scc(const int32_t *idx, int64_t n, int64_t k, const int32_t *label,
			  int32_t n_labels, double *per_label, double *score)
{
	int ret = SC_ENOMEM;
	int32_t *index = sc_malloc((size_t)n, sizeof(int32_t)), *low = sc_malloc((size_t)n, sizeof(int32_t));
	int32_t *stack = sc_malloc((size_t)n, sizeof(int32_t)), *comp = sc_malloc((size_t)n, sizeof(int32_t));
	int32_t *cs = sc_malloc((size_t)n, sizeof(int32_t));
	int64_t *ce = sc_malloc((size_t)n, sizeof(int64_t));
	unsigned char *on = sc_calloc((size_t)n, 1);
	int32_t counter = 0;
	int64_t sp = 0;
	if (!index || !low || !stack || !comp || !cs || !ce || !on)
		goto out;
	for (int64_t i = 0; i < n; i++)
		index[i] = -1;
	for (int64_t r = 0; r < n; r++) {
		if (index[r] >= 0)
			continue;
		int64_t csp = 0;
		cs[csp] = (int32_t)r;
		ce[csp++] = 0;
		index[r] = low[r] = counter++;
		stack[sp++] = (int32_t)r;
		on[r] = 1;
		while (csp > 0) {
			int32_t v = cs[csp - 1];
			if (ce[csp - 1] < k) {
				int32_t w = idx[(int64_t)v * k + ce[csp - 1]++];
				if (w < 0 || w >= n || w == v || label[w] != label[v])
					continue;
				if (index[w] < 0) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					on[w] = 1;
					cs[csp] = w;
					ce[csp++] = 0;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			csp--;
			if (csp > 0 && low[v] < low[cs[csp - 1]])
				low[cs[csp - 1]] = low[v];
			if (low[v] == index[v]) {
				int32_t w;
				do {
					w = stack[--sp];
					on[w] = 0;
					comp[w] = v;
				} while (w != v);
			}
		}
	}
	ret = score_components(comp, n, label, n_labels, per_label, score);
out:
	free(index);
	free(low);
	free(stack);
	free(comp);
	free(cs);
	free(ce);
	free(on);
	return ret;
}
