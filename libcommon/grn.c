/* GRN recovery from gene representations: truth parsing and scoring. */
#include "grn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "name_index.h"
#include "rank_metrics.h"
#include "sc_alloc.h"
#include "sc_stream_util.h"

#define MAX_LINE (1u << 20)

/* split line (modified in place) on tabs into at most max fields */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;
	f[n++] = line;
	for (char *p = line; *p; p++)
		if (*p == '\t') {
			*p = '\0';
			if (n == max)
				return -1;
			f[n++] = p + 1;
		}
	return n;
}

static int add_edge(struct sc_grn_truth *t, int64_t *cap, char **f, int c1, int c2, int cw,
		    long lineno)
{
	char *end;
	double w = strtod(f[cw], &end);
	if (end == f[cw] || *end || !isfinite(w))
		return sc_seterr(SC_EINPUT, "truth line %ld: weight '%.40s' is not a finite number",
				 lineno, f[cw]);
	if (!*f[c1] || !*f[c2])
		return sc_seterr(SC_EINPUT, "truth line %ld: empty gene name", lineno);
	if (t->n == *cap) {
		int64_t nc = *cap ? 2 * *cap : 256;
		struct sc_grn_edge *ne = sc_realloc(t->e, (size_t)nc, sizeof(*ne));
		if (!ne)
			return SC_ENOMEM;
		t->e = ne;
		*cap = nc;
	}
	struct sc_grn_edge *e = &t->e[t->n];
	e->g1 = sc_strdup(f[c1]);
	e->g2 = sc_strdup(f[c2]);
	e->weight = w;
	if (!e->g1 || !e->g2) {
		free(e->g1);
		free(e->g2);
		return SC_ENOMEM;
	}
	t->n++;
	return 0;
}

/* one line (without its newline) into t; lineno 1 is the header */
static int parse_line(struct sc_grn_truth *t, int64_t *cap, char *line, long lineno, int col[3],
		      int *ncol)
{
	char *f[64];
	size_t len = strlen(line);
	if (len && line[len - 1] == '\r')
		line[len - 1] = '\0';
	int nf = split_tabs(line, f, 64);
	if (lineno == 1) {
		static const char *const want[3] = { "gene1", "gene2", "weight" };
		if (nf < 0)
			return sc_seterr(SC_EINPUT, "truth header has too many columns");
		for (int k = 0; k < 3; k++) {
			col[k] = -1;
			for (int i = 0; i < nf; i++)
				if (!strcmp(f[i], want[k]))
					col[k] = i;
			if (col[k] < 0)
				return sc_seterr(SC_EINPUT, "truth header lacks a '%s' column", want[k]);
		}
		*ncol = nf;
		return 0;
	}
	if (nf == 1 && !*f[0])
		return 0; /* blank line */
	if (nf != *ncol)
		return sc_seterr(SC_EINPUT, "truth line %ld has %d fields, the header %d", lineno,
				 nf, *ncol);
	return add_edge(t, cap, f, col[0], col[1], col[2], lineno);
}

int sc_grn_truth_parse(const char *buf, size_t len, struct sc_grn_truth *t)
{
	int ret = 0, col[3] = { -1, -1, -1 }, ncol = 0;
	int64_t cap = 0;
	long lineno = 0;
	char *line = NULL;
	size_t pos = 0;
	while (pos < len && !ret) {
		size_t e = pos;
		while (e < len && buf[e] != '\n')
			e++;
		if (memchr(buf + pos, '\0', e - pos)) {
			ret = sc_seterr(SC_EINPUT, "truth line %ld holds a NUL byte", lineno + 1);
			break;
		}
		free(line);
		if (!(line = sc_malloc(e - pos + 1, 1))) {
			ret = SC_ENOMEM;
			break;
		}
		memcpy(line, buf + pos, e - pos);
		line[e - pos] = '\0';
		ret = parse_line(t, &cap, line, ++lineno, col, &ncol);
		pos = e + 1;
	}
	free(line);
	if (!ret && lineno == 0)
		ret = sc_seterr(SC_EINPUT, "truth table is empty");
	if (ret)
		sc_grn_truth_release(t);
	return ret;
}

int sc_grn_truth_read(struct sc_stream *s, struct sc_grn_truth *t)
{
	struct sc_buf b = SC_BUF_INIT;
	int ret;
	if ((ret = sc_stream_slurp(s, 0, &b)) < 0)
		goto out;
	ret = sc_grn_truth_parse(b.data ? b.data : "", b.len, t);
	if (ret < 0)
		sc_preferr(ret, "%s", sc_stream_name(s));
out:
	sc_buf_release(&b);
	return ret;
}

void sc_grn_truth_release(struct sc_grn_truth *t)
{
	if (!t)
		return;
	for (int64_t i = 0; i < t->n; i++) {
		free(t->e[i].g1);
		free(t->e[i].g2);
	}
	free(t->e);
	t->e = NULL;
	t->n = 0;
}

/* index of gene name s, -1 if absent; with duplicates the last (pandas dict-of-names keeps
 * the last position) */
static int64_t lookup(const struct sc_name_ix *v, int64_t n, const char *s)
{
	return sc_name_ix_find(v, n, s, 1);
}

struct pair_ix {
	int64_t a, b, edge;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct pair_ix *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return (p->edge > q->edge) - (p->edge < q->edge);
}

int sc_grn_score(const float *emb, int64_t n, int64_t d, const float *expr, int64_t g,
		 char *const *names, const struct sc_grn_truth *t, int64_t min_cells,
		 struct sc_grn_result *r)
{
	int ret = SC_ENOMEM;
	struct sc_name_ix *nx = sc_malloc((size_t)g, sizeof(*nx));
	double *rep = sc_calloc((size_t)g, (size_t)d * sizeof(double));
	int64_t *cnt = sc_calloc((size_t)g, sizeof(*cnt));
	struct pair_ix *pv = sc_malloc((size_t)t->n + 1, sizeof(*pv));
	double *score = sc_malloc((size_t)t->n + 1, sizeof(*score));
	uint8_t *lab = sc_malloc((size_t)t->n + 1, 1), *used = sc_calloc((size_t)g, 1);
	int64_t m = 0;

	memset(r, 0, sizeof(*r));
	if (!nx || !rep || !cnt || !pv || !score || !lab || !used)
		goto out;
	/* gene representations: sum embeddings of expressing cells, then divide */
	for (int64_t i = 0; i < n; i++) {
		const float *x = expr + i * g, *e = emb + i * d;
		for (int64_t j = 0; j < g; j++)
			if (x[j] > 0) {
				cnt[j]++;
				double *rj = rep + j * d;
				for (int64_t u = 0; u < d; u++)
					rj[u] += e[u];
			}
	}
	for (int64_t j = 0; j < g; j++) {
		nx[j] = (struct sc_name_ix){ names[j], j };
		for (int64_t u = 0; cnt[j] >= min_cells && u < d; u++)
			rep[j * d + u] /= (double)cnt[j];
	}
	sc_name_ix_sort(nx, g);
	/* evaluable edges in file order */
	for (int64_t k = 0; k < t->n; k++) {
		int64_t a = lookup(nx, g, t->e[k].g1), b = lookup(nx, g, t->e[k].g2);
		if (a < 0 || b < 0 || cnt[a] < min_cells || cnt[b] < min_cells)
			continue;
		const double *va = rep + a * d, *vb = rep + b * d;
		double dot = 0, na = 0, nb = 0;
		for (int64_t u = 0; u < d; u++) {
			dot += va[u] * vb[u];
			na += va[u] * va[u];
			nb += vb[u] * vb[u];
		}
		na = sqrt(na);
		nb = sqrt(nb);
		score[m] = na == 0 || nb == 0 ? 0.0 : dot / (na * nb);
		pv[m] = (struct pair_ix){ a, b, k };
		used[a] = used[b] = 1;
		m++;
	}
	/* the label of a directed pair is its last weight in the file */
	qsort(pv, (size_t)m, sizeof(*pv), cmp_pair);
	for (int64_t s = 0; s < m;) {
		int64_t e = s;
		while (e + 1 < m && pv[e + 1].a == pv[s].a && pv[e + 1].b == pv[s].b)
			e++;
		uint8_t l = t->e[pv[e].edge].weight > 0;
		for (int64_t q = s; q <= e; q++)
			pv[q].a = l; /* reuse: label per edge, restored to file order below */
		s = e + 1;
	}
	/* map labels back to the evaluable edges in file order: score[] is in file order and
	 * pv[].edge names the file edge */
	{
		int64_t *pos = sc_malloc((size_t)t->n + 1, sizeof(*pos));
		if (!pos)
			goto out;
		for (int64_t k = 0; k < t->n; k++)
			pos[k] = -1;
		for (int64_t q = 0; q < m; q++)
			pos[pv[q].edge] = pv[q].a;
		for (int64_t k = 0, q = 0; k < t->n; k++)
			if (pos[k] >= 0)
				lab[q++] = (uint8_t)pos[k];
		free(pos);
	}
	r->n_edges = m;
	for (int64_t j = 0; j < g; j++)
		r->n_genes += used[j];
	int64_t npos = 0;
	for (int64_t q = 0; q < m; q++)
		npos += lab[q];
	if (m < 2 || npos == 0 || npos == m) {
		r->auroc = r->auprc = 0.5;
		r->reason = m < 2 ? "fewer than 2 evaluable edges (scModelForge's degenerate result)"
				  : "one label class among the evaluable edges (scModelForge's "
				    "degenerate result)";
	} else {
		r->auroc = sc_roc_auc(score, lab, m);
		r->auprc = sc_average_precision(score, lab, m);
	}
	ret = 0;
out:
	free(nx);
	free(rep);
	free(cnt);
	free(pv);
	free(score);
	free(lab);
	free(used);
	return ret;
}
