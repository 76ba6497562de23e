/* Ontology readers (CAS resource JSON, OBO, OBO-Graphs JSON) and ancestor closure. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ontology.h"
#include "sc_alloc.h"
#include "sc_stream.h"
#include "strtab.h"
#include "sc_stream_util.h"

/* Collected terms and edges before indexing. */
struct obuild {
	struct sc_strtab *tab;  /* term ids */
	struct sc_strtab *refs; /* parent ids as written (resolved against tab at the end) */
	char **names;
	uint8_t *obs;
	int64_t cap;
	int64_t *ec, *ep; /* edge child (tab id), parent (refs id) */
	int64_t ne, ecap;
	int64_t **anc; /* explicit ancestors per tab id (refs ids), NULL = none */
	int64_t *anc_n;
	int explicit_anc;
	const char *what;
};

static int ob_init(struct obuild *b, const char *what)
{
	memset(b, 0, sizeof *b);
	b->what = what;
	b->tab = sc_strtab_new();
	b->refs = sc_strtab_new();
	return b->tab && b->refs ? 0 : SC_ENOMEM;
}

static void ob_release(struct obuild *b)
{
	int64_t n = b->tab ? sc_strtab_count(b->tab) : 0;
	for (int64_t i = 0; i < n && b->names; i++)
		free(b->names[i]);
	for (int64_t i = 0; i < n && b->anc; i++)
		free(b->anc[i]);
	free(b->names);
	free(b->obs);
	free(b->ec);
	free(b->ep);
	free(b->anc);
	free(b->anc_n);
	sc_strtab_free(b->tab);
	sc_strtab_free(b->refs);
}

/* Term id for key (added when new); *added tells. */
static int64_t ob_term(struct obuild *b, const char *id, size_t len, int *added)
{
	int64_t t = sc_strtab_intern(b->tab, id, len, added);
	if (t < 0)
		return t;
	if (t >= SC_ONTO_MAX_TERMS)
		return sc_seterr(SC_EINPUT, "%s: more than %d terms", b->what, SC_ONTO_MAX_TERMS);
	if (t >= b->cap) {
		int64_t nc = b->cap ? b->cap * 2 : 1024;
		char **n = sc_realloc(b->names, (size_t)nc, sizeof *n);
		uint8_t *o;
		int64_t **a, *an;
		if (!n)
			return SC_ENOMEM;
		b->names = n;
		if (!(o = sc_realloc(b->obs, (size_t)nc, 1)))
			return SC_ENOMEM;
		b->obs = o;
		if (!(a = sc_realloc(b->anc, (size_t)nc, sizeof *a)))
			return SC_ENOMEM;
		b->anc = a;
		if (!(an = sc_realloc(b->anc_n, (size_t)nc, sizeof *an)))
			return SC_ENOMEM;
		b->anc_n = an;
		for (int64_t i = b->cap; i < nc; i++) {
			b->names[i] = NULL;
			b->obs[i] = 0;
			b->anc[i] = NULL;
			b->anc_n[i] = 0;
		}
		b->cap = nc;
	}
	return t;
}

static int ob_edge(struct obuild *b, int64_t child, const char *parent, size_t len)
{
	int64_t p = sc_strtab_intern(b->refs, parent, len, NULL);
	if (p < 0)
		return (int)p;
	if (b->ne == b->ecap) {
		int64_t nc = b->ecap ? b->ecap * 2 : 1024;
		int64_t *c = sc_realloc(b->ec, (size_t)nc, sizeof *c), *q;
		if (!c)
			return SC_ENOMEM;
		b->ec = c;
		if (!(q = sc_realloc(b->ep, (size_t)nc, sizeof *q)))
			return SC_ENOMEM;
		b->ep = q;
		b->ecap = nc;
	}
	b->ec[b->ne] = child;
	b->ep[b->ne] = p;
	b->ne++;
	return 0;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return x < y ? -1 : x > y;
}

struct idsort {
	const char *s;
	int64_t id;
};

static int cmp_ids(const void *a, const void *b)
{
	return strcmp(((const struct idsort *)a)->s, ((const struct idsort *)b)->s);
}

/* Iterative DFS over parents: SC_EINPUT naming a term on a cycle. */
static int check_acyclic(const struct sc_onto *o, const char *what)
{
	uint8_t *color = sc_calloc((size_t)o->n, 1);
	int64_t *stack = sc_malloc((size_t)o->n, sizeof *stack), *pos = sc_malloc((size_t)o->n, sizeof *pos);
	int rc = SC_ENOMEM;
	if (!color || !stack || !pos)
		goto out;
	for (int64_t s = 0; s < o->n; s++) {
		int64_t sp = 0;
		if (color[s])
			continue;
		stack[sp] = s;
		pos[sp++] = o->par_off[s];
		color[s] = 1;
		while (sp > 0) {
			int64_t v = stack[sp - 1];
			if (pos[sp - 1] < o->par_off[v + 1]) {
				int64_t u = o->par[pos[sp - 1]++];
				if (color[u] == 1) {
					rc = sc_seterr(SC_EINPUT, "%s: cyclic is_a through '%s'", what,
						       o->ids[u]);
					goto out;
				}
				if (!color[u]) {
					color[u] = 1;
					stack[sp] = u;
					pos[sp++] = o->par_off[u];
				}
			} else {
				color[v] = 2;
				sp--;
			}
		}
	}
	rc = 0;
out:
	free(color);
	free(stack);
	free(pos);
	return rc;
}

/* Sorted ids, names and the id index; rank[tab id] = term index. */
static int index_terms(struct obuild *b, struct sc_onto *o, int64_t *rank)
{
	int64_t n = o->n;
	struct idsort *ix = sc_malloc((size_t)n, sizeof *ix);
	int rc = SC_ENOMEM;
	o->ids = sc_calloc((size_t)n, sizeof *o->ids);
	o->names = sc_calloc((size_t)n, sizeof *o->names);
	o->obsolete = sc_calloc((size_t)n, 1);
	if (!ix || !o->ids || !o->names || !o->obsolete || !(o->index = sc_strtab_new()))
		goto out;
	for (int64_t i = 0; i < n; i++) {
		ix[i].s = sc_strtab_key(b->tab, i, NULL);
		ix[i].id = i;
	}
	qsort(ix, (size_t)n, sizeof *ix, cmp_ids);
	for (int64_t i = 0; i < n; i++) {
		rank[ix[i].id] = i;
		if (!(o->ids[i] = sc_strdup(ix[i].s)) ||
		    sc_strtab_intern(o->index, ix[i].s, strlen(ix[i].s), NULL) < 0)
			goto out;
		o->names[i] = b->names[ix[i].id];
		b->names[ix[i].id] = NULL;
		o->obsolete[i] = b->obs[ix[i].id];
	}
	rc = 0;
out:
	free(ix);
	return rc;
}

/* CSR parents from the edges whose parent is a known term (rmap >= 0), each list sorted. */
static int index_parents(const struct obuild *b, struct sc_onto *o, const int64_t *rank,
			 const int64_t *rmap)
{
	int64_t n = o->n, *fill = NULL;
	o->par_off = sc_calloc((size_t)n + 1, sizeof *o->par_off);
	o->par = sc_malloc((size_t)b->ne, sizeof *o->par);
	fill = sc_malloc((size_t)n, sizeof *fill);
	if (!o->par_off || !o->par || !fill) {
		free(fill);
		return SC_ENOMEM;
	}
	for (int64_t e = 0; e < b->ne; e++)
		if (rmap[b->ep[e]] >= 0)
			o->par_off[rank[b->ec[e]] + 1]++;
	for (int64_t i = 0; i < n; i++)
		o->par_off[i + 1] += o->par_off[i];
	memcpy(fill, o->par_off, (size_t)n * sizeof *fill);
	for (int64_t e = 0; e < b->ne; e++)
		if (rmap[b->ep[e]] >= 0)
			o->par[fill[rank[b->ec[e]]]++] = (int32_t)rmap[b->ep[e]];
	for (int64_t i = 0; i < n; i++)
		qsort(o->par + o->par_off[i], (size_t)(o->par_off[i + 1] - o->par_off[i]),
		      sizeof *o->par, cmp_i32);
	free(fill);
	return 0;
}

/* Explicit ancestor lists (resource ancestors_dictionary), by term index. */
static int index_explicit(const struct obuild *b, struct sc_onto *o, const int64_t *rank,
			  const int64_t *rmap)
{
	int64_t n = o->n, tot = 0, w = 0;
	o->explicit_anc = 1;
	for (int64_t t = 0; t < n; t++)
		tot += b->anc_n[t];
	o->has_anc = sc_calloc((size_t)n, 1);
	o->anc_off = sc_calloc((size_t)n + 1, sizeof *o->anc_off);
	o->anc = sc_malloc((size_t)tot, sizeof *o->anc);
	if (!o->has_anc || !o->anc_off || !o->anc)
		return SC_ENOMEM;
	/* terms in index order: invert rank */
	{
		int64_t *byrank = sc_malloc((size_t)n, sizeof *byrank);
		if (!byrank)
			return SC_ENOMEM;
		for (int64_t t = 0; t < n; t++)
			byrank[rank[t]] = t;
		for (int64_t i = 0; i < n; i++) {
			int64_t t = byrank[i];
			o->anc_off[i] = w;
			o->has_anc[i] = b->anc[t] != NULL;
			for (int64_t j = 0; j < b->anc_n[t]; j++)
				if (rmap[b->anc[t][j]] >= 0)
					o->anc[w++] = (int32_t)rmap[b->anc[t][j]];
		}
		free(byrank);
	}
	o->anc_off[n] = w;
	return 0;
}

/* Index the collected terms: sorted ids, CSR parents (edges to unknown parents dropped). */
static int ob_finish(struct obuild *b, int acyclic, struct sc_onto **out)
{
	struct sc_onto *o = sc_calloc(1, sizeof *o);
	int64_t n = sc_strtab_count(b->tab), nref = sc_strtab_count(b->refs);
	int64_t *rank = sc_malloc((size_t)n, sizeof *rank), *rmap = sc_malloc((size_t)nref, sizeof *rmap);
	int rc = SC_ENOMEM;
	if (!o || !rank || !rmap)
		goto out;
	o->n = n;
	if ((rc = index_terms(b, o, rank)) < 0)
		goto out;
	for (int64_t r = 0; r < nref; r++) {
		size_t len;
		const char *s = sc_strtab_key(b->refs, r, &len);
		int64_t t = sc_strtab_find(b->tab, s, len);
		rmap[r] = t < 0 ? -1 : rank[t];
	}
	if ((rc = index_parents(b, o, rank, rmap)) < 0 ||
	    (b->explicit_anc && (rc = index_explicit(b, o, rank, rmap)) < 0) ||
	    (acyclic && (rc = check_acyclic(o, b->what)) < 0))
		goto out;
	*out = o;
	o = NULL;
	rc = 0;
out:
	free(rank);
	free(rmap);
	sc_onto_free(o);
	return rc;
}

void sc_onto_free(struct sc_onto *o)
{
	if (!o)
		return;
	for (int64_t i = 0; i < o->n; i++) {
		if (o->ids)
			free(o->ids[i]);
		if (o->names)
			free(o->names[i]);
	}
	free(o->ids);
	free(o->names);
	free(o->obsolete);
	free(o->par_off);
	free(o->par);
	free(o->has_anc);
	free(o->anc_off);
	free(o->anc);
	sc_strtab_free(o->index);
	free(o);
}

int64_t sc_onto_find(const struct sc_onto *o, const char *id)
{
	return sc_strtab_find(o->index, id, strlen(id));
}

int64_t sc_onto_ancestors(const struct sc_onto *o, int64_t t, uint8_t *mark, int32_t **out,
			  int64_t *cap)
{
	int64_t n = 0, head = 0;
	if (*cap < o->n + 1) {
		int32_t *p = sc_realloc(*out, (size_t)o->n + 1, sizeof *p);
		if (!p)
			return SC_ENOMEM;
		*out = p;
		*cap = o->n + 1;
	}
	(*out)[n++] = (int32_t)t;
	mark[t] = 1;
	if (o->explicit_anc) {
		if (o->has_anc[t])
			for (int64_t j = o->anc_off[t]; j < o->anc_off[t + 1]; j++)
				if (!mark[o->anc[j]]) {
					mark[o->anc[j]] = 1;
					(*out)[n++] = o->anc[j];
				}
	} else {
		while (head < n) {
			int64_t v = (*out)[head++];
			for (int64_t j = o->par_off[v]; j < o->par_off[v + 1]; j++)
				if (!mark[o->par[j]]) {
					mark[o->par[j]] = 1;
					(*out)[n++] = o->par[j];
				}
		}
	}
	for (int64_t i = 0; i < n; i++)
		mark[(*out)[i]] = 0;
	qsort(*out, (size_t)n, sizeof **out, cmp_i32);
	return n;
}

/* ---- cellarium-cas resource ---- */

static int parse_resource(const cJSON *root, struct obuild *b)
{
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(root, "cl_names");
	const cJSON *ch = cJSON_GetObjectItemCaseSensitive(root, "children_dictionary");
	const cJSON *anc = cJSON_GetObjectItemCaseSensitive(root, "ancestors_dictionary");
	const cJSON *lab = cJSON_GetObjectItemCaseSensitive(root, "cell_ontology_term_id_to_cell_type");
	const cJSON *it, *c;
	int added;
	if (!cJSON_IsArray(names) && !cJSON_IsObject(ch) && !cJSON_IsObject(anc))
		return sc_seterr(SC_EINPUT, "%s: not an ontology resource (no cl_names, "
				 "children_dictionary or ancestors_dictionary)", b->what);
	if (names && !cJSON_IsArray(names))
		return sc_seterr(SC_EINPUT, "%s: cl_names is not an array", b->what);
	cJSON_ArrayForEach(it, names) {
		if (!cJSON_IsString(it))
			return sc_seterr(SC_EINPUT, "%s: cl_names holds a non-string", b->what);
		if (ob_term(b, it->valuestring, strlen(it->valuestring), &added) < 0)
			return SC_ENOMEM;
		if (!added)
			return sc_seterr(SC_EINPUT, "%s: cl_names lists '%s' twice", b->what,
					 it->valuestring);
	}
	if (ch && !cJSON_IsObject(ch))
		return sc_seterr(SC_EINPUT, "%s: children_dictionary is not an object", b->what);
	cJSON_ArrayForEach(it, ch) {
		int64_t p;
		if (!cJSON_IsArray(it))
			return sc_seterr(SC_EINPUT, "%s: children_dictionary['%s'] is not a list",
					 b->what, it->string);
		if ((p = ob_term(b, it->string, strlen(it->string), NULL)) < 0)
			return (int)p;
		cJSON_ArrayForEach(c, it) {
			int64_t k;
			if (!cJSON_IsString(c))
				return sc_seterr(SC_EINPUT, "%s: children_dictionary['%s'] holds a "
						 "non-string", b->what, it->string);
			if ((k = ob_term(b, c->valuestring, strlen(c->valuestring), NULL)) < 0 ||
			    ob_edge(b, k, it->string, strlen(it->string)) < 0)
				return SC_ENOMEM;
		}
	}
	if (anc && !cJSON_IsObject(anc))
		return sc_seterr(SC_EINPUT, "%s: ancestors_dictionary is not an object", b->what);
	if (anc && anc->child) {
		b->explicit_anc = 1;
		cJSON_ArrayForEach(it, anc) {
			int64_t t, n = cJSON_GetArraySize(it), j = 0;
			if (!cJSON_IsArray(it))
				return sc_seterr(SC_EINPUT, "%s: ancestors_dictionary['%s'] is not a list",
						 b->what, it->string);
			if ((t = ob_term(b, it->string, strlen(it->string), NULL)) < 0)
				return (int)t;
			free(b->anc[t]);
			if (!(b->anc[t] = sc_malloc((size_t)n, sizeof **b->anc)))
				return SC_ENOMEM;
			cJSON_ArrayForEach(c, it) {
				int64_t r;
				if (!cJSON_IsString(c))
					return sc_seterr(SC_EINPUT, "%s: ancestors_dictionary['%s'] holds "
							 "a non-string", b->what, it->string);
				if (ob_term(b, c->valuestring, strlen(c->valuestring), NULL) < 0 ||
				    (r = sc_strtab_intern(b->refs, c->valuestring, strlen(c->valuestring),
							  NULL)) < 0)
					return SC_ENOMEM;
				b->anc[t][j++] = r;
			}
			b->anc_n[t] = j;
		}
	}
	for (it = cJSON_IsObject(lab) ? lab->child : NULL; it; it = it->next) {
		int64_t t = sc_strtab_find(b->tab, it->string, strlen(it->string));
		if (t >= 0 && cJSON_IsString(it) && !b->names[t] &&
		    !(b->names[t] = sc_strdup(it->valuestring)))
			return SC_ENOMEM;
	}
	return 0;
}

/* ---- OBO-Graphs ---- */

/* "http://purl.obolibrary.org/obo/CL_0000084" -> "CL:0000084"; other ids unchanged. The
 * result is malloc'd. */
static char *curie(const char *iri)
{
	static const char pre[] = "http://purl.obolibrary.org/obo/";
	const char *s = iri;
	char *out, *u;
	if (strncmp(iri, pre, sizeof pre - 1) == 0)
		s = iri + sizeof pre - 1;
	if (!(out = sc_strdup(s)))
		return NULL;
	if (s != iri && (u = strchr(out, '_')))
		*u = ':';
	return out;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static int graph_nodes(const cJSON *nodes, struct obuild *b)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, nodes) {
		const char *id = jstr(it, "id"), *type = jstr(it, "type"), *lbl = jstr(it, "lbl");
		const cJSON *dep = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(it, "meta"), "deprecated");
		char *c;
		int64_t t;
		if (!cJSON_IsObject(it) || !id)
			return sc_seterr(SC_EINPUT, "%s: a graph node without a string \"id\"", b->what);
		if (type && strcmp(type, "CLASS") != 0)
			continue;
		if (!(c = curie(id)))
			return SC_ENOMEM;
		t = ob_term(b, c, strlen(c), NULL);
		free(c);
		if (t < 0)
			return (int)t;
		if (lbl && !b->names[t] && !(b->names[t] = sc_strdup(lbl)))
			return SC_ENOMEM;
		b->obs[t] = cJSON_IsTrue(dep);
	}
	return 0;
}

static int graph_edges(const cJSON *edges, struct obuild *b)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, edges) {
		const char *sub = jstr(it, "sub"), *pred = jstr(it, "pred"), *obj = jstr(it, "obj");
		char *cs = NULL, *co = NULL;
		int64_t t;
		int rc = 0;
		if (!cJSON_IsObject(it) || !sub || !pred || !obj)
			return sc_seterr(SC_EINPUT, "%s: a graph edge without string sub/pred/obj",
					 b->what);
		if (strcmp(pred, "is_a") != 0)
			continue;
		if (!(cs = curie(sub)) || !(co = curie(obj)))
			rc = SC_ENOMEM;
		else if ((t = sc_strtab_find(b->tab, cs, strlen(cs))) >= 0)
			rc = ob_edge(b, t, co, strlen(co));
		free(cs);
		free(co);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int parse_obographs(const cJSON *root, struct obuild *b)
{
	const cJSON *graphs = cJSON_GetObjectItemCaseSensitive(root, "graphs"), *g;
	int rc;
	if (!cJSON_IsArray(graphs))
		return sc_seterr(SC_EINPUT, "%s: \"graphs\" is not an array", b->what);
	cJSON_ArrayForEach(g, graphs) {
		const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(g, "nodes");
		if (nodes && !cJSON_IsArray(nodes))
			return sc_seterr(SC_EINPUT, "%s: graph \"nodes\" is not an array", b->what);
		if ((rc = graph_nodes(nodes, b)) < 0)
			return rc;
	}
	cJSON_ArrayForEach(g, graphs) {
		const cJSON *edges = cJSON_GetObjectItemCaseSensitive(g, "edges");
		if (edges && !cJSON_IsArray(edges))
			return sc_seterr(SC_EINPUT, "%s: graph \"edges\" is not an array", b->what);
		if ((rc = graph_edges(edges, b)) < 0)
			return rc;
	}
	return 0;
}

/* ---- OBO ---- */

struct stanza {
	int in_term;
	long line;
	int64_t term; /* -1 until id: */
	char *name;
	int obsolete;
	size_t ne0;     /* is_a targets pending until id is known */
	char **isa;
	size_t nisa, cisa;
};

static void stanza_clear(struct stanza *s)
{
	for (size_t i = 0; i < s->nisa; i++)
		free(s->isa[i]);
	free(s->isa);
	free(s->name);
	memset(s, 0, sizeof *s);
	s->term = -1;
}

static int stanza_end(struct stanza *s, struct obuild *b)
{
	int rc = 0;
	if (!s->in_term)
		goto out;
	if (s->term < 0) {
		rc = sc_seterr(SC_EINPUT, "%s line %ld: [Term] stanza without an id", b->what, s->line);
		goto out;
	}
	b->obs[s->term] = (uint8_t)s->obsolete;
	b->names[s->term] = s->name;
	s->name = NULL;
	for (size_t i = 0; i < s->nisa; i++)
		if ((rc = ob_edge(b, s->term, s->isa[i], strlen(s->isa[i]))) < 0)
			goto out;
out:
	stanza_clear(s);
	return rc;
}

/* The first whitespace-delimited token of v (v is trimmed on the left). */
static size_t token(const char *v, size_t n)
{
	size_t i = 0;
	while (i < n && !isspace((unsigned char)v[i]) && v[i] != '!' && v[i] != '{')
		i++;
	return i;
}

static int obo_tag(struct stanza *s, struct obuild *b, const char *tag, size_t tl, const char *v,
		   size_t vl, long line)
{
	size_t n = token(v, vl);
	int added;
#define TAG(x) (tl == sizeof(x) - 1 && memcmp(tag, x, tl) == 0)
	if (TAG("id")) {
		if (s->term >= 0)
			return sc_seterr(SC_EINPUT, "%s line %ld: a second id in one stanza", b->what, line);
		if (n == 0)
			return sc_seterr(SC_EINPUT, "%s line %ld: empty id", b->what, line);
		if ((s->term = ob_term(b, v, n, &added)) < 0)
			return (int)s->term;
		if (!added)
			return sc_seterr(SC_EINPUT, "%s line %ld: term '%.*s' defined twice", b->what,
					 line, (int)n, v);
	} else if (TAG("name")) {
		while (vl > 0 && isspace((unsigned char)v[vl - 1]))
			vl--;
		free(s->name);
		if (!(s->name = sc_malloc(vl + 1, 1)))
			return SC_ENOMEM;
		memcpy(s->name, v, vl);
		s->name[vl] = '\0';
	} else if (TAG("is_a")) {
		char **p;
		if (n == 0)
			return sc_seterr(SC_EINPUT, "%s line %ld: is_a without a target", b->what, line);
		if (s->nisa == s->cisa) {
			size_t nc = s->cisa ? s->cisa * 2 : 4;
			if (!(p = sc_realloc(s->isa, nc, sizeof *p)))
				return SC_ENOMEM;
			s->isa = p;
			s->cisa = nc;
		}
		if (!(s->isa[s->nisa] = sc_malloc(n + 1, 1)))
			return SC_ENOMEM;
		memcpy(s->isa[s->nisa], v, n);
		s->isa[s->nisa++][n] = '\0';
	} else if (TAG("is_obsolete")) {
		s->obsolete = n == 4 && memcmp(v, "true", 4) == 0;
	}
#undef TAG
	return 0;
}

static int parse_obo(const char *text, size_t len, struct obuild *b)
{
	struct stanza s;
	size_t pos = 0;
	long line = 0;
	int rc = 0;
	memset(&s, 0, sizeof s);
	s.term = -1;
	while (pos < len && rc == 0) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos), *colon;
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		pos += n + (nl != NULL);
		line++;
		while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
			n--;
		while (n > 0 && (*l == ' ' || *l == '\t')) {
			l++;
			n--;
		}
		if (n == 0 || *l == '!')
			continue;
		if (memchr(l, '\0', n)) {
			rc = sc_seterr(SC_EINPUT, "%s line %ld: NUL byte", b->what, line);
			break;
		}
		if (*l == '[') {
			if (l[n - 1] != ']') {
				rc = sc_seterr(SC_EINPUT, "%s line %ld: malformed stanza header", b->what,
					       line);
				break;
			}
			if ((rc = stanza_end(&s, b)) < 0)
				break;
			s.in_term = n == 6 && memcmp(l, "[Term]", 6) == 0;
			s.line = line;
			continue;
		}
		if (!(colon = memchr(l, ':', n)) || colon == l) {
			rc = sc_seterr(SC_EINPUT, "%s line %ld: not a 'tag: value' line", b->what, line);
			break;
		}
		if (s.in_term) {
			const char *v = colon + 1;
			size_t vl = n - (size_t)(v - l);
			while (vl > 0 && isspace((unsigned char)*v)) {
				v++;
				vl--;
			}
			rc = obo_tag(&s, b, l, (size_t)(colon - l), v, vl, line);
		}
	}
	if (rc == 0)
		rc = stanza_end(&s, b);
	stanza_clear(&s);
	if (rc == 0 && sc_strtab_count(b->tab) == 0)
		rc = sc_seterr(SC_EINPUT, "%s: no [Term] stanza (not an OBO file?)", b->what);
	return rc;
}

/* ---- entry points ---- */

int sc_onto_format_parse(const char *s, enum sc_onto_format *out)
{
	if (strcmp(s, "auto") == 0)
		*out = SC_ONTO_AUTO;
	else if (strcmp(s, "resource") == 0)
		*out = SC_ONTO_RESOURCE;
	else if (strcmp(s, "obo") == 0)
		*out = SC_ONTO_OBO;
	else if (strcmp(s, "obographs") == 0)
		*out = SC_ONTO_OBOGRAPH;
	else
		return sc_seterr(SC_EUSAGE, "--ontology-format: '%s' is not auto|resource|obo|obographs",
				 s);
	return 0;
}

int sc_onto_parse(const char *text, size_t len, enum sc_onto_format fmt, const char *what,
		  struct sc_onto **out)
{
	struct obuild b;
	cJSON *root = NULL;
	size_t i = 0;
	int rc;
	*out = NULL;
	if ((rc = ob_init(&b, what)) < 0)
		goto out;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (fmt == SC_ONTO_AUTO && i < len && text[i] == '{')
		fmt = SC_ONTO_RESOURCE; /* refined below */
	else if (fmt == SC_ONTO_AUTO)
		fmt = SC_ONTO_OBO;
	if (fmt != SC_ONTO_OBO) {
		if (!(root = cJSON_ParseWithLength(text, len)) || !cJSON_IsObject(root)) {
			rc = sc_seterr(SC_EINPUT, "%s: not a JSON object", what);
			goto out;
		}
		if (cJSON_GetObjectItemCaseSensitive(root, "graphs"))
			fmt = SC_ONTO_OBOGRAPH;
		rc = fmt == SC_ONTO_OBOGRAPH ? parse_obographs(root, &b) : parse_resource(root, &b);
	} else {
		rc = parse_obo(text, len, &b);
	}
	if (rc < 0)
		goto out;
	if (sc_strtab_count(b.tab) == 0) {
		rc = sc_seterr(SC_EINPUT, "%s: no terms", what);
		goto out;
	}
	rc = ob_finish(&b, fmt != SC_ONTO_RESOURCE, out);
out:
	cJSON_Delete(root);
	ob_release(&b);
	return rc;
}

int sc_onto_read(const char *path, enum sc_onto_format fmt, struct sc_onto **out)
{
	struct sc_stream *s = sc_open(path, "r");
	struct sc_buf b = SC_BUF_INIT;
	int rc;
	*out = NULL;
	if (!s)
		return SC_EIO;
	if ((rc = sc_stream_slurp(s, SC_ONTO_MAX_BYTES, &b)) != 0) {
		if (rc > 0)
			rc = sc_seterr(SC_EINPUT, "'%s': larger than %u bytes", path, SC_ONTO_MAX_BYTES);
		goto out;
	}
	rc = sc_onto_parse(b.data ? b.data : "", b.len, fmt, path, out);
out:
	sc_buf_release(&b);
	if (sc_close(s) < 0 && rc == 0)
		rc = SC_EIO;
	return rc;
}
