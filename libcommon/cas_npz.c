/* npz (stored ZIP of .npy arrays) and Python-json meta writers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cas_npz.h"

uint32_t sc_crc32(uint32_t crc, const void *p, size_t n)
{
	static uint32_t table[256];
	static int ready;
	const unsigned char *b = p;
	if (!ready) { /* benign race: every thread computes the same table */
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = 1;
	}
	crc = ~crc;
	for (size_t i = 0; i < n; i++)
		crc = table[(crc ^ b[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* numpy 1.24's .npy v1.0 header for a 0-d or 1-d array. */
static int npy_header(struct sc_buf *b, const char *descr, int ndim, long long len)
{
	struct sc_buf h = SC_BUF_INIT;
	char shape[40];
	size_t pad;
	int rc = SC_ENOMEM;
	if (ndim == 0)
		snprintf(shape, sizeof shape, "()");
	else
		snprintf(shape, sizeof shape, "(%lld,)", len);
	if (sc_buf_addf(&h, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape) < 0)
		goto out;
	if (ndim > 0) { /* room for the shape to grow in place: 21 digits */
		char d[32];
		int nd = snprintf(d, sizeof d, "%lld", len);
		for (int i = nd; i < 21; i++)
			if (sc_buf_add(&h, " ", 1) < 0)
				goto out;
	}
	pad = 64 - (h.len + 1 + 10) % 64;
	for (size_t i = 0; i < pad; i++)
		if (sc_buf_add(&h, " ", 1) < 0)
			goto out;
	if (sc_buf_add(&h, "\n", 1) < 0 || sc_buf_add(b, "\x93NUMPY\x01\x00", 8) < 0)
		goto out;
	{
		unsigned char l[2] = { (unsigned char)(h.len & 0xff), (unsigned char)(h.len >> 8) };
		if (h.len > 0xffff || sc_buf_add(b, l, 2) < 0 || sc_buf_add(b, h.data, h.len) < 0)
			goto out;
	}
	rc = 0;
out:
	sc_buf_release(&h);
	return rc;
}

static int put_le(struct sc_buf *b, uint64_t v, int bytes)
{
	unsigned char x[8];
	for (int i = 0; i < bytes; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	return sc_buf_add(b, x, (size_t)bytes);
}

/* One member: its .npy bytes. */
static int npy_member(const struct sc_cm *m, int which, struct sc_buf *b)
{
	int64_t n = m->n_labels, r = 0;
	switch (which) {
	case 0: /* indices: column of each entry, row-major = our sorted order */
		if (npy_header(b, "<i4", 1, m->nnz) < 0)
			return SC_ENOMEM;
		for (int64_t e = 0; e < m->nnz; e++)
			if (put_le(b, (uint32_t)m->pi[e], 4) < 0)
				return SC_ENOMEM;
		return 0;
	case 1: /* indptr */
		if (npy_header(b, "<i4", 1, n + 1) < 0 || put_le(b, 0, 4) < 0)
			return SC_ENOMEM;
		for (int64_t i = 0; i < n; i++) {
			while (r < m->nnz && m->ti[r] == i)
				r++;
			if (put_le(b, (uint64_t)r, 4) < 0)
				return SC_ENOMEM;
		}
		return 0;
	case 2: return npy_header(b, "|S3", 0, 0) < 0 || sc_buf_add(b, "csr", 3) < 0 ? SC_ENOMEM : 0;
	case 3:
		return npy_header(b, "<i8", 1, 2) < 0 || put_le(b, (uint64_t)n, 8) < 0 ||
				       put_le(b, (uint64_t)n, 8) < 0 ? SC_ENOMEM : 0;
	default:
		if (npy_header(b, "<i8", 1, m->nnz) < 0)
			return SC_ENOMEM;
		for (int64_t e = 0; e < m->nnz; e++)
			if (put_le(b, (uint64_t)m->cnt[e], 8) < 0)
				return SC_ENOMEM;
		return 0;
	}
}

/* ZIP headers: local (central = 0) or central directory entry. */
static int zip_header(struct sc_buf *z, int central, const char *name, uint32_t crc, uint32_t size,
		      uint32_t offset)
{
	size_t nl = strlen(name);
	int rc = put_le(z, central ? 0x02014b50u : 0x04034b50u, 4);
	if (central)
		rc |= put_le(z, 20, 2);                    /* version made by */
	rc |= put_le(z, 20, 2) | put_le(z, 0, 2) | put_le(z, 0, 2); /* needed, flags, stored */
	rc |= put_le(z, 0, 2) | put_le(z, 0x21, 2);               /* 1980-01-01 00:00 */
	rc |= put_le(z, crc, 4) | put_le(z, size, 4) | put_le(z, size, 4);
	rc |= put_le(z, nl, 2) | put_le(z, 0, 2);
	if (central)
		rc |= put_le(z, 0, 2) | put_le(z, 0, 2) | put_le(z, 0, 2) | put_le(z, 0, 4) |
		      put_le(z, offset, 4);
	rc |= sc_buf_add(z, name, nl);
	return rc ? SC_ENOMEM : 0;
}

int sc_cas_npz_write(struct sc_stream *s, const struct sc_cm *m)
{
	static const char *const names[5] = { "indices.npy", "indptr.npy", "format.npy",
					      "shape.npy", "data.npy" };
	struct sc_buf z = SC_BUF_INIT, cd = SC_BUF_INIT, a = SC_BUF_INIT;
	int rc = SC_ENOMEM;
	if (m->n_labels >= INT32_MAX || m->nnz >= (1 << 28))
		return sc_seterr(SC_EINPUT, "matrix too large for a plain (non-zip64) npz");
	for (int i = 0; i < 5; i++) {
		uint32_t crc, off = (uint32_t)z.len;
		a.len = 0;
		if (npy_member(m, i, &a) < 0)
			goto out;
		crc = sc_crc32(0, a.data, a.len);
		if (zip_header(&z, 0, names[i], crc, (uint32_t)a.len, 0) < 0 ||
		    sc_buf_add(&z, a.data, a.len) < 0 ||
		    zip_header(&cd, 1, names[i], crc, (uint32_t)a.len, off) < 0)
			goto out;
	}
	{
		uint32_t cdoff = (uint32_t)z.len;
		if (sc_buf_add(&z, cd.data, cd.len) < 0 || put_le(&z, 0x06054b50u, 4) < 0 ||
		    put_le(&z, 0, 4) < 0 || put_le(&z, 5, 2) < 0 || put_le(&z, 5, 2) < 0 ||
		    put_le(&z, cd.len, 4) < 0 || put_le(&z, cdoff, 4) < 0 || put_le(&z, 0, 2) < 0)
			goto out;
	}
	rc = sc_write(s, z.data, z.len);
out:
	sc_buf_release(&z);
	sc_buf_release(&cd);
	sc_buf_release(&a);
	return rc;
}

/* ---- Python json.dumps(indent=2, ensure_ascii=True) ---- */

static int py_str(struct sc_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (sc_buf_add(b, "\"", 1) < 0)
		return SC_ENOMEM;
	while (*p) {
		uint32_t cp = *p;
		int extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0, rc;
		if (cp >= 0x80) {
			cp &= extra == 3 ? 0x07 : extra == 2 ? 0x0f : 0x1f;
			for (int i = 1; i <= extra; i++) {
				if ((p[i] & 0xc0) != 0x80) { /* not UTF-8: escape the byte */
					extra = 0;
					cp = *p;
					break;
				}
				cp = (cp << 6) | (p[i] & 0x3f);
			}
		}
		p += 1 + extra;
		if (cp == '"' || cp == '\\')
			rc = sc_buf_addf(b, "\\%c", (char)cp);
		else if (cp == '\n' || cp == '\r' || cp == '\t' || cp == '\b' || cp == '\f')
			rc = sc_buf_addf(b, "\\%c", cp == '\n' ? 'n' : cp == '\r' ? 'r' : cp == '\t' ? 't' :
								    cp == '\b' ? 'b' : 'f');
		else if (cp < 0x20 || (cp >= 0x80 && cp < 0x10000))
			rc = sc_buf_addf(b, "\\u%04x", cp);
		else if (cp >= 0x10000)
			rc = sc_buf_addf(b, "\\u%04x\\u%04x", 0xd800 + ((cp - 0x10000) >> 10),
					 0xdc00 + ((cp - 0x10000) & 0x3ff));
		else
			rc = sc_buf_add(b, (char[]){ (char)cp }, 1) < 0 ? SC_ENOMEM : 0;
		if (rc < 0)
			return SC_ENOMEM;
	}
	return sc_buf_add(b, "\"", 1);
}

/* A list of strings (or, with strs NULL, of two copies of an integer) at indent level 1. */
static int py_list(struct sc_buf *b, const cJSON *arr, const char *const *strs, int64_t n)
{
	int64_t cnt = arr ? cJSON_GetArraySize(arr) : n;
	const cJSON *it = arr ? arr->child : NULL;
	if (cnt == 0)
		return sc_buf_adds(b, "[]");
	if (sc_buf_adds(b, "[\n") < 0)
		return SC_ENOMEM;
	for (int64_t i = 0; i < cnt; i++) {
		const char *v = arr ? (cJSON_IsString(it) ? it->valuestring : "") : strs[i];
		if (sc_buf_adds(b, "    ") < 0 || py_str(b, v) < 0 ||
		    sc_buf_adds(b, i + 1 < cnt ? ",\n" : "\n") < 0)
			return SC_ENOMEM;
		if (it)
			it = it->next;
	}
	return sc_buf_adds(b, "  ]");
}

static int py_key(struct sc_buf *b, const char *k, int first)
{
	return sc_buf_adds(b, first ? "{\n  " : ",\n  ") < 0 || py_str(b, k) < 0 ||
			       sc_buf_adds(b, ": ") < 0 ? SC_ENOMEM : 0;
}

static int py_kstr(struct sc_buf *b, const char *k, const struct sc_cm *m, int first)
{
	const char *v = sc_json_get_string(m->meta, k);
	if (py_key(b, k, first) < 0)
		return SC_ENOMEM;
	return v ? py_str(b, v) : sc_buf_adds(b, "null");
}

int sc_cas_meta_write(struct sc_stream *s, const struct sc_cm *m)
{
	const int grp = cJSON_GetObjectItemCaseSensitive(m->meta, "group") != NULL;
	struct sc_buf b = SC_BUF_INIT;
	int rc = SC_ENOMEM;
	long long n = m->n_labels;
	if (grp) {
		long long ns = 0;
		const char *g = sc_json_get_string(m->meta, "group");
		if (py_key(&b, "model_name", 1) < 0 || py_str(&b, g ? g : "") < 0 ||
		    py_key(&b, "source_annotate_dirs", 0) < 0 ||
		    py_list(&b, cJSON_GetObjectItemCaseSensitive(m->meta, "source_annotate_dirs"), NULL,
			    0) < 0)
			goto out;
		if (sc_json_get_int64(m->meta, "n_samples_aggregated", 0, 1LL << 40, &ns) < 0)
			ns = 0;
		if (py_key(&b, "label_order", 0) < 0 ||
		    py_list(&b, NULL, (const char *const *)m->labels, m->n_labels) < 0 ||
		    sc_buf_addf(&b, ",\n  \"matrix_shape\": [\n    %lld,\n    %lld\n  ]", n, n) < 0 ||
		    sc_buf_addf(&b, ",\n  \"n_samples_aggregated\": %lld\n}", ns) < 0)
			goto out;
	} else {
		if (py_kstr(&b, "model_name", m, 1) < 0 || py_kstr(&b, "test_sample", m, 0) < 0 ||
		    py_kstr(&b, "annotate_dir", m, 0) < 0 || py_kstr(&b, "gt_label", m, 0) < 0 ||
		    py_kstr(&b, "inferred_label", m, 0) < 0 || py_key(&b, "label_order", 0) < 0 ||
		    py_list(&b, NULL, (const char *const *)m->labels, m->n_labels) < 0 ||
		    sc_buf_addf(&b, ",\n  \"matrix_shape\": [\n    %lld,\n    %lld\n  ]", n, n) < 0 ||
		    sc_buf_addf(&b, ",\n  \"f_measure_top_k\": %d", m->k) < 0 ||
		    py_key(&b, "f_measure_inferred_labels", 0) < 0 ||
		    py_list(&b, cJSON_GetObjectItemCaseSensitive(m->meta, "inferred_labels"), NULL, 0) < 0 ||
		    sc_buf_adds(&b, "\n}") < 0)
			goto out;
	}
	rc = sc_write(s, b.data, b.len);
out:
	sc_buf_release(&b);
	return rc;
}
