/* Binary stream headers and the float32 matrix stream. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sc_json.h"
#include "sc_matrix.h"

int sc_hdr_read(struct sc_stream *s, const char *magic, cJSON **hdr)
{
	struct sc_buf line = SC_BUF_INIT;
	size_t ml = strlen(magic);
	const char *end = NULL;
	cJSON *j = NULL;
	int rc;

	*hdr = NULL;
	rc = sc_getline(s, &line, SC_HDR_MAX_LINE);
	if (rc == 0) {
		rc = sc_seterr(SC_EINPUT, "'%s': empty input (expected a %s stream)",
			       sc_stream_name(s), magic);
		goto out;
	}
	if (rc < 0) {
		if (!strstr(sc_errmsg(), "line longer"))
			goto out;
		rc = sc_seterr(SC_EINPUT, "'%s': not a %s stream (no header line)", sc_stream_name(s),
			       magic);
		goto out;
	}
	if (line.len < ml + 1 || memcmp(line.data, magic, ml) != 0 || line.data[ml] != ' ') {
		char seen[9] = { 0 };
		for (size_t i = 0; i < 8 && i < line.len; i++)
			seen[i] = (line.data[i] >= 0x20 && line.data[i] < 0x7f) ? line.data[i] : '?';
		rc = sc_seterr(SC_EINPUT, "'%s': not a %s stream (wrong magic '%s')",
			       sc_stream_name(s), magic, seen);
		goto out;
	}
	j = cJSON_ParseWithOpts(line.data + ml + 1, &end, 0);
	if (!j || !cJSON_IsObject(j) || (end && *end && *end != '\r')) {
		rc = sc_seterr(SC_EINPUT, "'%s': %s header is not a JSON object", sc_stream_name(s),
			       magic);
		goto out;
	}
	*hdr = j;
	j = NULL;
	rc = 0;
out:
	cJSON_Delete(j);
	sc_buf_release(&line);
	return rc;
}

int sc_hdr_read_any(struct sc_stream *s, char magic[16], cJSON **hdr)
{
	struct sc_buf line = SC_BUF_INIT;
	const char *sp, *end = NULL;
	int rc;
	*hdr = NULL;
	rc = sc_getline(s, &line, SC_HDR_MAX_LINE);
	if (rc == 0)
		rc = sc_seterr(SC_EINPUT, "'%s': empty input", sc_stream_name(s));
	if (rc < 0)
		goto out;
	sp = memchr(line.data, ' ', line.len < 16 ? line.len : 16);
	if (!sp || sp == line.data) {
		rc = sc_seterr(SC_EINPUT, "'%s': not an scbench binary stream (no 'MAGIC {json}' header)",
			       sc_stream_name(s));
		goto out;
	}
	memcpy(magic, line.data, (size_t)(sp - line.data));
	magic[sp - line.data] = '\0';
	*hdr = cJSON_ParseWithOpts(sp + 1, &end, 0);
	if (!*hdr || !cJSON_IsObject(*hdr)) {
		cJSON_Delete(*hdr);
		*hdr = NULL;
		rc = sc_seterr(SC_EINPUT, "'%s': %s header is not a JSON object", sc_stream_name(s), magic);
		goto out;
	}
	rc = 0;
out:
	sc_buf_release(&line);
	return rc;
}

int sc_hdr_write(struct sc_stream *s, const char *magic, const cJSON *hdr)
{
	struct sc_buf b = SC_BUF_INIT;
	int rc = sc_buf_adds(&b, magic);
	if (rc == 0)
		rc = sc_buf_add(&b, " ", 1);
	if (rc == 0)
		rc = sc_json_print(&b, hdr);
	if (rc == 0)
		rc = sc_buf_add(&b, "\n", 1);
	if (rc == 0)
		rc = sc_write(s, b.data, b.len);
	sc_buf_release(&b);
	return rc;
}

int sc_mat_read_header(struct sc_stream *s, int64_t *rows, int64_t *cols, cJSON **hdr)
{
	long long r, c;
	const char *dt;
	int rc = sc_hdr_read(s, SC_MAT_MAGIC, hdr);
	if (rc < 0)
		return rc;
	if ((rc = sc_json_get_int64(*hdr, "rows", 0, SC_MAT_MAX_ROWS, &r)) < 0 ||
	    (rc = sc_json_get_int64(*hdr, "cols", 0, SC_MAT_MAX_COLS, &c)) < 0) {
		rc = sc_preferr(SC_EINPUT, "'%s': bad matrix header", sc_stream_name(s));
		goto fail;
	}
	dt = sc_json_get_string(*hdr, "dtype");
	if (!dt || strcmp(dt, "f32le") != 0) {
		rc = sc_seterr(SC_EINPUT, "'%s': matrix dtype '%s' not supported (expected f32le)",
			       sc_stream_name(s), dt ? dt : "(missing)");
		goto fail;
	}
	if ((double)r * (double)c * 4.0 > (double)SC_MAT_MAX_BYTES) {
		rc = sc_seterr(SC_EINPUT, "'%s': matrix header claims an absurd size (%lld x %lld)",
			       sc_stream_name(s), r, c);
		goto fail;
	}
	*rows = r;
	*cols = c;
	return 0;
fail:
	cJSON_Delete(*hdr);
	*hdr = NULL;
	return rc;
}

static void to_native(float *buf, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	for (size_t i = 0; i < n; i++) {
		uint32_t u;
		memcpy(&u, buf + i, 4);
		u = __builtin_bswap32(u);
		memcpy(buf + i, &u, 4);
	}
#else
	(void)buf;
	(void)n;
#endif
}

int sc_mat_read_rows(struct sc_stream *s, float *buf, int64_t nrows, int64_t cols)
{
	size_t n = (size_t)nrows * (size_t)cols;
	int rc = sc_read_exact(s, buf, n * sizeof(float), "matrix payload");
	if (rc == 0)
		to_native(buf, n);
	return rc;
}

int sc_mat_read_end(struct sc_stream *s)
{
	int rc = sc_at_eof(s);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return sc_seterr(SC_EINPUT, "'%s': unexpected data after the matrix payload",
				 sc_stream_name(s));
	return 0;
}

int sc_mat_read(struct sc_stream *s, struct sc_matrix *m)
{
	int64_t rows, cols, done = 0, cap = 0;
	cJSON *hdr = NULL;
	float *data = NULL;
	int rc = sc_mat_read_header(s, &rows, &cols, &hdr);
	if (rc < 0)
		return rc;
	/* grow with the data actually present: a lying header cannot force a huge allocation */
	while (done < rows) {
		int64_t want = rows - done, chunk;
		if (cap - done < want) {
			int64_t ncap = cap ? cap * 2 : (cols ? (1 << 20) / cols + 1 : rows);
			float *p;
			if (ncap > rows)
				ncap = rows;
			p = sc_realloc(data, (size_t)ncap * (size_t)(cols ? cols : 1), sizeof(float));
			if (!p) {
				rc = SC_ENOMEM;
				goto fail;
			}
			data = p;
			cap = ncap;
		}
		chunk = cap - done;
		if (chunk > want)
			chunk = want;
		rc = sc_mat_read_rows(s, data + done * cols, chunk, cols);
		if (rc < 0) {
			rc = sc_seterr(SC_EINPUT,
				       "'%s': truncated matrix stream: header says %lld rows of %lld, "
				       "input ends before row %lld",
				       sc_stream_name(s), (long long)rows, (long long)cols,
				       (long long)(done + chunk));
			goto fail;
		}
		done += chunk;
	}
	if ((rc = sc_mat_read_end(s)) < 0)
		goto fail;
	if (!data && !(data = sc_malloc(1, sizeof(float)))) {
		rc = SC_ENOMEM;
		goto fail;
	}
	m->rows = rows;
	m->cols = cols;
	m->data = data;
	m->meta = hdr;
	return 0;
fail:
	free(data);
	cJSON_Delete(hdr);
	return rc;
}

int sc_mat_write_header(struct sc_stream *s, int64_t rows, int64_t cols, const cJSON *extra)
{
	cJSON *h = cJSON_CreateObject();
	const cJSON *it;
	int rc;
	if (!h)
		return sc_seterr(SC_ENOMEM, "out of memory");
	cJSON_AddNumberToObject(h, "rows", (double)rows);
	cJSON_AddNumberToObject(h, "cols", (double)cols);
	cJSON_AddStringToObject(h, "dtype", "f32le");
	if (extra)
		cJSON_ArrayForEach(it, extra)
		{
			if (!strcmp(it->string, "rows") || !strcmp(it->string, "cols") ||
			    !strcmp(it->string, "dtype"))
				continue;
			cJSON_AddItemToObject(h, it->string, cJSON_Duplicate(it, 1));
		}
	rc = sc_hdr_write(s, SC_MAT_MAGIC, h);
	cJSON_Delete(h);
	return rc;
}

int sc_mat_write_rows(struct sc_stream *s, const float *buf, int64_t nrows, int64_t cols)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	for (int64_t i = 0; i < nrows * cols; i++) {
		float f = buf[i];
		to_native(&f, 1);
		if (sc_write(s, &f, 4) < 0)
			return SC_EIO;
	}
	return 0;
#else
	return sc_write(s, buf, (size_t)nrows * (size_t)cols * sizeof(float));
#endif
}

int sc_mat_write(struct sc_stream *s, const struct sc_matrix *m)
{
	int rc = sc_mat_write_header(s, m->rows, m->cols, m->meta);
	if (rc == 0)
		rc = sc_mat_write_rows(s, m->data, m->rows, m->cols);
	return rc;
}

void sc_mat_stats_init(struct sc_mat_stats *st)
{
	*st = (struct sc_mat_stats){ 0, 0, 0, INFINITY, -INFINITY, 0.0, -1 };
}

void sc_mat_stats_add(struct sc_mat_stats *st, const float *rows, int64_t nrows, int64_t cols,
		      int64_t first_row_index)
{
	for (int64_t i = 0; i < nrows; i++)
		for (int64_t j = 0; j < cols; j++) {
			float v = rows[i * cols + j];
			if (isnan(v) || isinf(v)) {
				if (isnan(v))
					st->nan++;
				else
					st->inf++;
				if (st->first_bad_row < 0)
					st->first_bad_row = first_row_index + i;
				continue;
			}
			st->finite++;
			st->sum += v;
			if (v < st->min)
				st->min = v;
			if (v > st->max)
				st->max = v;
		}
}

int64_t sc_mat_first_nonfinite(const struct sc_matrix *m)
{
	for (int64_t i = 0; i < m->rows; i++)
		for (int64_t j = 0; j < m->cols; j++)
			if (!isfinite(m->data[i * m->cols + j]))
				return i;
	return -1;
}

int sc_mat_alloc(struct sc_matrix *m, int64_t rows, int64_t cols)
{
	m->data = sc_calloc((size_t)rows * (size_t)cols, sizeof(float));
	if (!m->data)
		return SC_ENOMEM;
	m->rows = rows;
	m->cols = cols;
	m->meta = NULL;
	return 0;
}

void sc_mat_release(struct sc_matrix *m)
{
	if (!m)
		return;
	free(m->data);
	cJSON_Delete(m->meta);
	m->data = NULL;
	m->meta = NULL;
	m->rows = m->cols = 0;
}
