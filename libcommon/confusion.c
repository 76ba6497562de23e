/* Confusion matrices: the builder (interning + top-k rule), arithmetic, and the JSONL record. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "confusion.h"
#include "strtab.h"

int sc_unknown_parse(const char *s, int allow_self, enum sc_unknown *out)
{
	if (strcmp(s, "error") == 0)
		*out = SC_UNKNOWN_ERROR;
	else if (strcmp(s, "skip") == 0)
		*out = SC_UNKNOWN_SKIP;
	else if (allow_self && strcmp(s, "self") == 0)
		*out = SC_UNKNOWN_SELF;
	else
		return sc_seterr(SC_EUSAGE, "--unknown: '%s' is not error|skip%s", s,
				 allow_self ? "|self" : "");
	return 0;
}

static void free_strings(char **s, int64_t n)
{
	for (int64_t i = 0; s && i < n; i++)
		free(s[i]);
	free(s);
}

void sc_cm_release(struct sc_cm *m)
{
	if (!m)
		return;
	cJSON_Delete(m->meta);
	free_strings(m->labels, m->n_labels);
	free(m->ti);
	free(m->pi);
	free(m->cnt);
	memset(m, 0, sizeof *m);
}

cJSON *sc_cm_meta_new(void)
{
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddStringToObject(o, "schema", SC_CM_SCHEMA)) {
		cJSON_Delete(o);
		sc_seterr(SC_ENOMEM, "out of memory");
		return NULL;
	}
	return o;
}

int64_t sc_cm_total(const struct sc_cm *m)
{
	int64_t t = 0;
	for (int64_t i = 0; i < m->nnz; i++)
		t += m->cnt[i];
	return t;
}

int sc_cm_same_labels(const struct sc_cm *a, const struct sc_cm *b)
{
	if (a->n_labels != b->n_labels)
		return 0;
	for (int64_t i = 0; i < a->n_labels; i++)
		if (strcmp(a->labels[i], b->labels[i]) != 0)
			return 0;
	return 1;
}

static int alloc_entries(struct sc_cm *m, int64_t n)
{
	m->ti = sc_malloc((size_t)n, sizeof *m->ti);
	m->pi = sc_malloc((size_t)n, sizeof *m->pi);
	m->cnt = sc_malloc((size_t)n, sizeof *m->cnt);
	return m->ti && m->pi && m->cnt ? 0 : SC_ENOMEM;
}

static char **dup_strings(char *const *s, int64_t n)
{
	char **d = sc_calloc((size_t)n, sizeof *d);
	for (int64_t i = 0; d && i < n; i++)
		if (!(d[i] = sc_strdup(s[i]))) {
			free_strings(d, n);
			return NULL;
		}
	return d;
}

int sc_cm_copy(struct sc_cm *dst, const struct sc_cm *src)
{
	memset(dst, 0, sizeof *dst);
	dst->k = src->k;
	if ((src->meta && !(dst->meta = cJSON_Duplicate(src->meta, 1))) ||
	    !(dst->labels = dup_strings(src->labels, src->n_labels)))
		goto fail;
	dst->n_labels = src->n_labels;
	if (alloc_entries(dst, src->nnz) < 0)
		goto fail;
	dst->nnz = src->nnz;
	memcpy(dst->ti, src->ti, (size_t)src->nnz * sizeof *dst->ti);
	memcpy(dst->pi, src->pi, (size_t)src->nnz * sizeof *dst->pi);
	memcpy(dst->cnt, src->cnt, (size_t)src->nnz * sizeof *dst->cnt);
	return 0;
fail:
	sc_cm_release(dst);
	return sc_seterr(SC_ENOMEM, "out of memory copying a confusion matrix");
}

static int cmp_entry(int32_t ai, int32_t aj, int32_t bi, int32_t bj)
{
	if (ai != bi)
		return ai < bi ? -1 : 1;
	return aj < bj ? -1 : aj > bj;
}

int sc_cm_add(struct sc_cm *acc, const struct sc_cm *add)
{
	struct sc_cm r = { 0 };
	int64_t a = 0, b = 0, n = 0;
	if (!sc_cm_same_labels(acc, add))
		return sc_seterr(SC_EINPUT, "label orders differ (different ontology versions?)");
	if (alloc_entries(&r, acc->nnz + add->nnz) < 0) {
		sc_cm_release(&r);
		return SC_ENOMEM;
	}
	while (a < acc->nnz || b < add->nnz) {
		int c = a == acc->nnz ? 1 : b == add->nnz ? -1 :
			cmp_entry(acc->ti[a], acc->pi[a], add->ti[b], add->pi[b]);
		if (c <= 0) {
			r.ti[n] = acc->ti[a];
			r.pi[n] = acc->pi[a];
			r.cnt[n] = acc->cnt[a++];
			if (c == 0)
				r.cnt[n] += add->cnt[b++];
		} else {
			r.ti[n] = add->ti[b];
			r.pi[n] = add->pi[b];
			r.cnt[n] = add->cnt[b++];
		}
		n++;
	}
	free(acc->ti);
	free(acc->pi);
	free(acc->cnt);
	acc->ti = r.ti;
	acc->pi = r.pi;
	acc->cnt = r.cnt;
	acc->nnz = n;
	return 0;
}

/* ---- record I/O ---- */

/* Append ",[i,j,c]" (printf is the bottleneck for wide matrices). */
static int put_entry(struct sc_buf *b, int comma, int32_t i, int32_t j, int64_t c)
{
	char tmp[80], *p = tmp + sizeof tmp;
	uint64_t v[3] = { (uint64_t)i, (uint64_t)j, (uint64_t)c };
	*--p = ']';
	for (int x = 2; x >= 0; x--) {
		do
			*--p = (char)('0' + v[x] % 10);
		while (v[x] /= 10);
		*--p = x ? ',' : '[';
	}
	if (comma)
		*--p = ',';
	return sc_buf_add(b, p, (size_t)(tmp + sizeof tmp - p));
}

int sc_cm_write(struct sc_stream *s, const struct sc_cm *m)
{
	struct sc_buf b = SC_BUF_INIT;
	cJSON *lab = NULL;
	int rc = SC_ENOMEM;
	if (!m->meta)
		return sc_seterr(SC_EUSAGE, "confusion matrix without metadata");
	if (sc_json_print(&b, m->meta) < 0 || b.len < 2)
		goto out;
	b.len--; /* drop the closing brace */
	if (b.len > 1 && sc_buf_add(&b, ",", 1) < 0)
		goto out;
	/* labels through cJSON strings for escaping */
	if (!(lab = cJSON_CreateArray()))
		goto out;
	for (int64_t i = 0; i < m->n_labels; i++)
		if (!cJSON_AddItemToArray(lab, cJSON_CreateString(m->labels[i])))
			goto out;
	if (sc_buf_adds(&b, "\"label_order\":") < 0 || sc_json_print(&b, lab) < 0 ||
	    sc_buf_adds(&b, ",\"entries\":[") < 0)
		goto out;
	for (int64_t i = 0; i < m->nnz; i++)
		if (put_entry(&b, i > 0, m->ti[i], m->pi[i], m->cnt[i]) < 0)
			goto out;
	if (sc_buf_adds(&b, "]}\n") < 0)
		goto out;
	rc = sc_write(s, b.data, b.len);
out:
	cJSON_Delete(lab);
	sc_buf_release(&b);
	return rc;
}

struct trip {
	int32_t i, j;
	int64_t c;
};

static int cmp_trip(const void *x, const void *y)
{
	const struct trip *a = x, *b = y;
	return cmp_entry(a->i, a->j, b->i, b->j);
}

/* Sort and merge triples into m's entry arrays. */
static int set_entries(struct sc_cm *m, struct trip *t, int64_t n)
{
	int64_t w = 0;
	qsort(t, (size_t)n, sizeof *t, cmp_trip);
	for (int64_t r = 0; r < n; r++) {
		if (w > 0 && t[w - 1].i == t[r].i && t[w - 1].j == t[r].j) {
			if (t[r].c > INT64_MAX - t[w - 1].c)
				return sc_seterr(SC_EINPUT, "count overflow");
			t[w - 1].c += t[r].c;
		} else {
			t[w++] = t[r];
		}
	}
	if (alloc_entries(m, w) < 0)
		return SC_ENOMEM;
	for (int64_t r = 0; r < w; r++) {
		m->ti[r] = t[r].i;
		m->pi[r] = t[r].j;
		m->cnt[r] = t[r].c;
	}
	m->nnz = w;
	return 0;
}

static int parse_labels(const cJSON *arr, struct sc_cm *m)
{
	struct sc_strtab *tab = NULL;
	const cJSON *it;
	int64_t n = cJSON_GetArraySize(arr), i = 0;
	int rc = SC_EINPUT, added;
	if (!cJSON_IsArray(arr))
		return sc_seterr(SC_EINPUT, "\"label_order\" is missing or not an array");
	if (n > SC_CM_MAX_LABELS)
		return sc_seterr(SC_EINPUT, "\"label_order\" has %lld labels (limit %d)",
				 (long long)n, SC_CM_MAX_LABELS);
	if (!(tab = sc_strtab_new()) || !(m->labels = sc_calloc((size_t)n, sizeof *m->labels))) {
		rc = SC_ENOMEM;
		goto out;
	}
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it)) {
			rc = sc_seterr(SC_EINPUT, "\"label_order\"[%lld] is not a string", (long long)i);
			goto out;
		}
		if (sc_strtab_intern(tab, it->valuestring, strlen(it->valuestring), &added) < 0) {
			rc = SC_ENOMEM;
			goto out;
		}
		if (!added) {
			rc = sc_seterr(SC_EINPUT, "\"label_order\" lists '%s' twice", it->valuestring);
			goto out;
		}
		if (!(m->labels[i] = sc_strdup(it->valuestring))) {
			rc = SC_ENOMEM;
			goto out;
		}
		m->n_labels = ++i;
	}
	rc = 0;
out:
	sc_strtab_free(tab);
	return rc;
}

static int parse_entries(const cJSON *arr, struct sc_cm *m)
{
	int64_t n = cJSON_GetArraySize(arr), i = 0;
	struct trip *t = NULL;
	const cJSON *e;
	int rc = SC_EINPUT;
	if (!cJSON_IsArray(arr))
		return sc_seterr(SC_EINPUT, "\"entries\" is missing or not an array");
	if (!(t = sc_malloc((size_t)n, sizeof *t)))
		return SC_ENOMEM;
	cJSON_ArrayForEach(e, arr) {
		double v[3];
		const cJSON *x;
		int j = 0;
		if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) != 3) {
			rc = sc_seterr(SC_EINPUT, "\"entries\"[%lld] is not [truth, prediction, count]",
				       (long long)i);
			goto out;
		}
		cJSON_ArrayForEach(x, e) {
			if (!cJSON_IsNumber(x) || x->valuedouble != floor(x->valuedouble)) {
				rc = sc_seterr(SC_EINPUT, "\"entries\"[%lld] holds a non-integer",
					       (long long)i);
				goto out;
			}
			v[j++] = x->valuedouble;
		}
		if (!(v[0] >= 0 && v[0] < (double)m->n_labels && v[1] >= 0 &&
		      v[1] < (double)m->n_labels)) {
			rc = sc_seterr(SC_EINPUT, "\"entries\"[%lld]: label index out of range [0, %lld)",
				       (long long)i, (long long)m->n_labels);
			goto out;
		}
		if (!(v[2] >= 1 && v[2] <= 9007199254740992.0)) {
			rc = sc_seterr(SC_EINPUT, "\"entries\"[%lld]: count must be a positive integer",
				       (long long)i);
			goto out;
		}
		t[i].i = (int32_t)v[0];
		t[i].j = (int32_t)v[1];
		t[i].c = (int64_t)v[2];
		i++;
	}
	rc = set_entries(m, t, i);
out:
	free(t);
	return rc;
}

int sc_cm_from_json(cJSON *rec, struct sc_cm *out)
{
	const char *schema = sc_json_get_string(rec, "schema");
	cJSON *lab = NULL, *ent = NULL;
	long long k;
	int rc = SC_EINPUT;
	memset(out, 0, sizeof *out);
	if (!schema || strcmp(schema, SC_CM_SCHEMA) != 0) {
		rc = sc_seterr(SC_EINPUT, "not a confusion-matrix record (schema %s%s%s, want %s)",
			       schema ? "'" : "", schema ? schema : "missing", schema ? "'" : "",
			       SC_CM_SCHEMA);
		goto out;
	}
	if (sc_json_get_int64(rec, "k", 1, SC_CM_MAX_K, &k) < 0)
		goto out;
	lab = cJSON_DetachItemFromObjectCaseSensitive(rec, "label_order");
	ent = cJSON_DetachItemFromObjectCaseSensitive(rec, "entries");
	if ((rc = parse_labels(lab, out)) < 0 || (rc = parse_entries(ent, out)) < 0)
		goto out;
	out->k = (int)k;
	out->meta = rec;
	rec = NULL;
out:
	cJSON_Delete(rec);
	cJSON_Delete(lab);
	cJSON_Delete(ent);
	if (rc < 0)
		sc_cm_release(out);
	return rc;
}

int sc_cm_read(struct sc_jsonl *r, struct sc_cm *out)
{
	cJSON *rec = NULL;
	int rc = sc_jsonl_next(r, &rec);
	memset(out, 0, sizeof *out);
	if (rc <= 0)
		return rc;
	if ((rc = sc_cm_from_json(rec, out)) < 0)
		return sc_preferr(rc, "'%s' line %ld", sc_stream_name(r->s), r->lineno);
	return 1;
}

/* ---- builder ---- */

struct sc_cm_builder {
	int top_k;
	struct sc_strtab *tab;
	uint64_t *keys; /* key + 1; 0 = empty */
	int64_t *counts;
	size_t nslots, used;
	int64_t cells;
};

/* key = truth id << 36 | rank-1 id << 8 | hit rank */
#define KEY(t, p, h) (((uint64_t)(t) << 36) | ((uint64_t)(p) << 8) | (uint64_t)(h))
#define MAX_IDS (1 << 28)

struct sc_cm_builder *sc_cm_builder_new(int top_k)
{
	struct sc_cm_builder *b;
	if (top_k < 1 || top_k > SC_CM_MAX_K) {
		sc_seterr(SC_EUSAGE, "top-k %d out of range [1, %d]", top_k, SC_CM_MAX_K);
		return NULL;
	}
	if (!(b = sc_calloc(1, sizeof *b)))
		return NULL;
	b->top_k = top_k;
	b->nslots = 1024;
	b->tab = sc_strtab_new();
	b->keys = sc_calloc(b->nslots, sizeof *b->keys);
	b->counts = sc_calloc(b->nslots, sizeof *b->counts);
	if (!b->tab || !b->keys || !b->counts) {
		sc_cm_builder_free(b);
		return NULL;
	}
	return b;
}

void sc_cm_builder_free(struct sc_cm_builder *b)
{
	if (!b)
		return;
	sc_strtab_free(b->tab);
	free(b->keys);
	free(b->counts);
	free(b);
}

void sc_cm_builder_reset(struct sc_cm_builder *b)
{
	memset(b->keys, 0, b->nslots * sizeof *b->keys);
	memset(b->counts, 0, b->nslots * sizeof *b->counts);
	b->used = 0;
	b->cells = 0;
}

int64_t sc_cm_builder_cells(const struct sc_cm_builder *b) { return b->cells; }

static size_t slot_of(uint64_t key, size_t mask)
{
	uint64_t h = key * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 17) & mask;
}

static int grow_map(struct sc_cm_builder *b)
{
	size_t ns = b->nslots * 2, mask = ns - 1;
	uint64_t *k = sc_calloc(ns, sizeof *k);
	int64_t *c = sc_calloc(ns, sizeof *c);
	if (!k || !c) {
		free(k);
		free(c);
		return SC_ENOMEM;
	}
	for (size_t i = 0; i < b->nslots; i++) {
		size_t s;
		if (!b->keys[i])
			continue;
		s = slot_of(b->keys[i] - 1, mask);
		while (k[s])
			s = (s + 1) & mask;
		k[s] = b->keys[i];
		c[s] = b->counts[i];
	}
	free(b->keys);
	free(b->counts);
	b->keys = k;
	b->counts = c;
	b->nslots = ns;
	return 0;
}

int sc_cm_builder_add(struct sc_cm_builder *b, const char *truth, size_t tl, char *const *ranks,
		      const size_t *rl, int nr)
{
	int64_t t, p;
	int h = b->top_k;
	size_t mask, s;
	uint64_t key;
	if (nr < 1)
		return sc_seterr(SC_EINPUT, "a cell without a prediction");
	t = sc_strtab_intern(b->tab, truth, tl, NULL);
	p = sc_strtab_intern(b->tab, ranks[0], rl[0], NULL);
	if (t < 0 || p < 0)
		return SC_ENOMEM;
	if (t >= MAX_IDS || p >= MAX_IDS)
		return sc_seterr(SC_EINPUT, "more than %d distinct labels", MAX_IDS);
	if (nr > b->top_k)
		nr = b->top_k;
	if (t == p)
		h = 0;
	else
		for (int r = 1; r < nr; r++)
			if (rl[r] == tl && memcmp(ranks[r], truth, tl) == 0) {
				h = r;
				break;
			}
	key = KEY(t, p, h) + 1;
	mask = b->nslots - 1;
	for (s = slot_of(key - 1, mask); b->keys[s] && b->keys[s] != key; s = (s + 1) & mask)
		;
	if (!b->keys[s]) {
		b->keys[s] = key;
		b->used++;
	}
	b->counts[s]++;
	b->cells++;
	if (b->used * 2 > b->nslots && grow_map(b) < 0)
		return SC_ENOMEM;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Map every interned id to its index in the label order; builds the order when none is given. */
static int map_labels(struct sc_cm_builder *b, char *const *universe, int64_t nu,
		      int64_t *map, char ***labels, int64_t *nl)
{
	int64_t n = sc_strtab_count(b->tab), m = 0;
	struct sc_strtab *u = NULL;
	char **order = NULL;
	int rc = SC_ENOMEM, added;
	if (universe) {
		if (!(u = sc_strtab_new()))
			goto out;
		for (int64_t i = 0; i < nu; i++) {
			if (sc_strtab_intern(u, universe[i], strlen(universe[i]), &added) < 0)
				goto out;
			if (!added) {
				rc = sc_seterr(SC_EINPUT, "label order lists '%s' twice", universe[i]);
				goto out;
			}
		}
		for (int64_t id = 0; id < n; id++) {
			size_t len;
			const char *s = sc_strtab_key(b->tab, id, &len);
			map[id] = sc_strtab_find(u, s, len);
		}
		if (!(*labels = dup_strings(universe, nu)))
			goto out;
		*nl = nu;
		rc = 0;
		goto out;
	}
	/* observed labels: every truth and rank-1 id that has cells */
	for (int64_t id = 0; id < n; id++)
		map[id] = -1;
	for (size_t s = 0; s < b->nslots; s++)
		if (b->keys[s]) {
			uint64_t k = b->keys[s] - 1;
			map[k >> 36] = 0;
			map[(k >> 8) & (MAX_IDS - 1)] = 0;
		}
	if (!(order = sc_calloc((size_t)n, sizeof *order)))
		goto out;
	for (int64_t id = 0; id < n; id++)
		if (map[id] == 0)
			order[m++] = (char *)sc_strtab_key(b->tab, id, NULL);
	qsort(order, (size_t)m, sizeof *order, cmp_str);
	for (int64_t i = 0; i < m; i++)
		map[sc_strtab_find(b->tab, order[i], strlen(order[i]))] = i;
	if (!(*labels = dup_strings(order, m)))
		goto out;
	*nl = m;
	rc = 0;
out:
	free(order);
	sc_strtab_free(u);
	return rc;
}

/* The error for labels outside the order: up to 10 of each side, sorted. */
static int unknown_error(struct sc_cm_builder *b, const int64_t *map, const char *what)
{
	struct sc_buf msg = SC_BUF_INIT;
	int64_t n = sc_strtab_count(b->tab), nt = 0, np = 0;
	const char **tl = sc_calloc((size_t)n, sizeof *tl), **pl = sc_calloc((size_t)n, sizeof *pl);
	uint8_t *seen = sc_calloc((size_t)n * 2, 1);
	int rc = SC_ENOMEM;
	if (!tl || !pl || !seen)
		goto out;
	for (size_t s = 0; s < b->nslots; s++) {
		uint64_t k;
		int64_t t, p;
		if (!b->keys[s])
			continue;
		k = b->keys[s] - 1;
		t = (int64_t)(k >> 36);
		p = (int64_t)((k >> 8) & (MAX_IDS - 1));
		if (map[t] < 0 && !seen[2 * t]++)
			tl[nt++] = sc_strtab_key(b->tab, t, NULL);
		if (map[p] < 0 && !seen[2 * p + 1]++)
			pl[np++] = sc_strtab_key(b->tab, p, NULL);
	}
	qsort(tl, (size_t)nt, sizeof *tl, cmp_str);
	qsort(pl, (size_t)np, sizeof *pl, cmp_str);
	for (int side = 0; side < 2; side++) {
		const char **l = side ? pl : tl;
		int64_t cnt = side ? np : nt;
		if (!cnt)
			continue;
		if (sc_buf_addf(&msg, "%s%s label%s", msg.len ? "; " : "", side ? "predicted" : "truth",
				cnt > 1 ? "s" : "") < 0)
			goto out;
		for (int64_t i = 0; i < cnt && i < 10; i++)
			if (sc_buf_addf(&msg, "%s '%s'", i ? "," : "", l[i]) < 0)
				goto out;
		if (cnt > 10 && sc_buf_addf(&msg, " and %lld more", (long long)(cnt - 10)) < 0)
			goto out;
	}
	rc = sc_seterr(SC_EINPUT, "labels not in the label order (ontology cl_names) in %s: %s",
		       what ? what : "input", msg.data ? msg.data : "");
out:
	free(tl);
	free(pl);
	free(seen);
	sc_buf_release(&msg);
	return rc;
}

int sc_cm_builder_finish(struct sc_cm_builder *b, char *const *universe, int64_t n_universe,
			 enum sc_unknown unknown, const char *what, struct sc_cm *out,
			 int64_t *skipped)
{
	int64_t n = sc_strtab_count(b->tab), *map = NULL, nl = 0, nt = 0, skip = 0;
	char **labels = NULL;
	struct trip *t = NULL;
	int rc = SC_ENOMEM, bad = 0;
	for (int k = 0; k < b->top_k; k++)
		memset(&out[k], 0, sizeof out[k]);
	if (!(map = sc_malloc((size_t)n, sizeof *map)) ||
	    (rc = map_labels(b, universe, n_universe, map, &labels, &nl)) < 0)
		goto out;
	rc = SC_ENOMEM;
	if (!(t = sc_malloc(b->used, sizeof *t)))
		goto out;
	for (size_t s = 0; s < b->nslots; s++) {
		uint64_t k;
		if (!b->keys[s])
			continue;
		k = b->keys[s] - 1;
		if (map[k >> 36] < 0 || map[(k >> 8) & (MAX_IDS - 1)] < 0) {
			bad = 1;
			skip += b->counts[s];
		}
	}
	if (bad && unknown != SC_UNKNOWN_SKIP) {
		rc = unknown_error(b, map, what);
		goto out;
	}
	for (int k = 1; k <= b->top_k; k++) {
		nt = 0;
		for (size_t s = 0; s < b->nslots; s++) {
			uint64_t key;
			int64_t ti, pi;
			int h;
			if (!b->keys[s])
				continue;
			key = b->keys[s] - 1;
			ti = map[key >> 36];
			pi = map[(key >> 8) & (MAX_IDS - 1)];
			h = (int)(key & 0xff);
			if (ti < 0 || pi < 0)
				continue;
			t[nt].i = (int32_t)ti;
			t[nt].j = (int32_t)(h < k ? ti : pi);
			t[nt].c = b->counts[s];
			nt++;
		}
		out[k - 1].k = k;
		if ((rc = set_entries(&out[k - 1], t, nt)) < 0)
			goto out;
		if (!(out[k - 1].labels = k == 1 ? labels : dup_strings(out[0].labels, nl))) {
			rc = SC_ENOMEM;
			goto out;
		}
		if (k == 1)
			labels = NULL;
		out[k - 1].n_labels = nl;
	}
	if (skipped)
		*skipped = skip;
	rc = 0;
out:
	if (rc < 0)
		for (int k = 0; k < b->top_k; k++)
			sc_cm_release(&out[k]);
	free_strings(labels, labels ? nl : 0);
	free(map);
	free(t);
	return rc;
}
