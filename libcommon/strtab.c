/* Open-addressing string table with FNV-1a hashing and keys packed in one arena. */
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "strtab.h"

struct sc_strtab {
	int64_t *slots;   /* id + 1, 0 = empty */
	uint64_t *hashes; /* per id */
	size_t *off;      /* per id: offset of the key in arena */
	size_t *len;      /* per id */
	char *arena;
	size_t arena_len, arena_cap;
	int64_t n, cap_ids;
	size_t nslots; /* power of two */
};

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ull;
	}
	return h ^ (h >> 29);
}

struct sc_strtab *sc_strtab_new(void)
{
	struct sc_strtab *t = sc_calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->nslots = 64;
	if (!(t->slots = sc_calloc(t->nslots, sizeof *t->slots))) {
		free(t);
		return NULL;
	}
	return t;
}

void sc_strtab_free(struct sc_strtab *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t->hashes);
	free(t->off);
	free(t->len);
	free(t->arena);
	free(t);
}

static int64_t probe(const struct sc_strtab *t, const char *key, size_t len, uint64_t h,
		     size_t *slot)
{
	size_t mask = t->nslots - 1, i = (size_t)h & mask;
	for (;;) {
		int64_t v = t->slots[i];
		if (v == 0) {
			*slot = i;
			return -1;
		}
		v--;
		if (t->hashes[v] == h && t->len[v] == len &&
		    memcmp(t->arena + t->off[v], key, len) == 0) {
			*slot = i;
			return v;
		}
		i = (i + 1) & mask;
	}
}

static int rehash(struct sc_strtab *t)
{
	size_t ns = t->nslots * 2, mask = ns - 1;
	int64_t *s = sc_calloc(ns, sizeof *s);
	if (!s)
		return SC_ENOMEM;
	for (int64_t id = 0; id < t->n; id++) {
		size_t i = (size_t)t->hashes[id] & mask;
		while (s[i])
			i = (i + 1) & mask;
		s[i] = id + 1;
	}
	free(t->slots);
	t->slots = s;
	t->nslots = ns;
	return 0;
}

static int grow_ids(struct sc_strtab *t)
{
	int64_t nc = t->cap_ids ? t->cap_ids * 2 : 64;
	uint64_t *h = sc_realloc(t->hashes, (size_t)nc, sizeof *h);
	size_t *o, *l;
	if (!h)
		return SC_ENOMEM;
	t->hashes = h;
	if (!(o = sc_realloc(t->off, (size_t)nc, sizeof *o)))
		return SC_ENOMEM;
	t->off = o;
	if (!(l = sc_realloc(t->len, (size_t)nc, sizeof *l)))
		return SC_ENOMEM;
	t->len = l;
	t->cap_ids = nc;
	return 0;
}

int64_t sc_strtab_intern(struct sc_strtab *t, const char *key, size_t len, int *added)
{
	uint64_t h = hash_bytes(key, len);
	size_t slot;
	int64_t id = probe(t, key, len, h, &slot);
	if (added)
		*added = 0;
	if (id >= 0)
		return id;
	if (t->n == t->cap_ids && grow_ids(t) < 0)
		return SC_ENOMEM;
	if (len + 1 > t->arena_cap - t->arena_len) {
		size_t nc = t->arena_cap ? t->arena_cap : 1024;
		char *a;
		while (nc - t->arena_len < len + 1) {
			if (nc > SIZE_MAX / 2)
				return sc_seterr(SC_ENOMEM, "string table too large");
			nc *= 2;
		}
		if (!(a = sc_realloc(t->arena, nc, 1)))
			return SC_ENOMEM;
		t->arena = a;
		t->arena_cap = nc;
	}
	id = t->n++;
	t->hashes[id] = h;
	t->off[id] = t->arena_len;
	t->len[id] = len;
	memcpy(t->arena + t->arena_len, key, len);
	t->arena[t->arena_len + len] = '\0';
	t->arena_len += len + 1;
	t->slots[slot] = id + 1;
	if ((size_t)t->n * 2 > t->nslots && rehash(t) < 0)
		return SC_ENOMEM;
	if (added)
		*added = 1;
	return id;
}

int64_t sc_strtab_find(const struct sc_strtab *t, const char *key, size_t len)
{
	size_t slot;
	return probe(t, key, len, hash_bytes(key, len), &slot);
}

int64_t sc_strtab_count(const struct sc_strtab *t) { return t->n; }

const char *sc_strtab_key(const struct sc_strtab *t, int64_t id, size_t *len)
{
	if (len)
		*len = t->len[id];
	return t->arena + t->off[id];
}
