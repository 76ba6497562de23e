/* Per-cell label tables, the cellarium-cas annotate directory, and building matrices. */
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cas_annotate.h"
#include "ontology.h"
#include "sc_h5ad.h"
#include "sc_stream_util.h"

void sc_cas_strings_free(char **s, int64_t n)
{
	for (int64_t i = 0; s && i < n; i++)
		free(s[i]);
	free(s);
}

/* ---- per-cell tables ---- */

static int header_find(struct sc_rows *r, char *const *hdr, const size_t *hl, int nh,
		       char *const *cols, int ncols, int nreq, int *navail)
{
	*navail = 0;
	for (int c = 0; c < ncols; c++) {
		int found = -1;
		for (int i = 0; i < nh; i++)
			if (hl[i] == strlen(cols[c]) && memcmp(hdr[i], cols[c], hl[i]) == 0) {
				if (found >= 0)
					return sc_seterr(SC_EINPUT, "'%s': column '%s' appears twice in "
							 "the header", r->what, cols[c]);
				found = i;
			}
		if (found < 0) {
			if (c < nreq)
				return sc_seterr(SC_EINPUT, "'%s': no column '%s' in the header", r->what,
						 cols[c]);
			break;
		}
		r->idx[c] = found;
		*navail = c + 1;
	}
	return 0;
}

int sc_rows_open(struct sc_rows *r, struct sc_stream *s, enum sc_rows_fmt fmt, char *const *cols,
		 int ncols, int nreq, int *navail)
{
	int rc;
	const char *p;
	memset(r, 0, sizeof *r);
	r->what = sc_stream_name(s);
	r->ncols = ncols;
	r->idx = sc_calloc((size_t)ncols, sizeof *r->idx);
	r->val = sc_calloc((size_t)ncols, sizeof *r->val);
	r->vlen = sc_calloc((size_t)ncols, sizeof *r->vlen);
	if (!r->idx || !r->val || !r->vlen)
		return SC_ENOMEM;
	if ((rc = sc_csv_open(&r->csv, s, fmt == SC_ROWS_CSV ? ',' : '\0', fmt == SC_ROWS_CSV)) < 0)
		return rc;
	do {
		if ((rc = sc_csv_next(&r->csv)) < 0)
			return rc;
		if (rc == 0)
			return sc_seterr(SC_EINPUT, "'%s': empty table (no header)", r->what);
	} while (r->csv.nf == 1 && r->csv.fl[0] == 0);
	if (fmt == SC_ROWS_CSV)
		return header_find(r, r->csv.f, r->csv.fl, r->csv.nf, cols, ncols, nreq, navail);
	for (p = r->csv.f[0]; *p == ' ' || *p == '\t'; p++)
		;
	if (fmt == SC_ROWS_JSONL || (fmt == SC_ROWS_AUTO && *p == '{')) {
		r->fmt = SC_ROWS_JSONL;
		if (!(r->rec = cJSON_Parse(r->csv.f[0])) || !cJSON_IsObject(r->rec))
			return sc_seterr(SC_EINPUT, "'%s' line %ld: not a JSON object", r->what,
					 r->csv.lineno);
		*navail = 0;
		for (int c = 0; c < ncols; c++) {
			if (!cJSON_GetObjectItemCaseSensitive(r->rec, cols[c])) {
				if (c < nreq)
					return sc_seterr(SC_EINPUT, "'%s': first record has no field '%s'",
							 r->what, cols[c]);
				break;
			}
			*navail = c + 1;
		}
		if (!(r->keys = sc_calloc((size_t)ncols, sizeof *r->keys)))
			return SC_ENOMEM;
		for (int c = 0; c < ncols; c++)
			if (!(r->keys[c] = sc_strdup(cols[c])))
				return SC_ENOMEM;
		return 0;
	}
	/* TSV: split the header line, then read the body tab-separated */
	{
		char *hdr[1024];
		size_t hl[1024];
		int nh = 0;
		char *q = r->csv.f[0];
		r->fmt = SC_ROWS_TSV;
		for (;;) {
			char *t = strchr(q, '\t');
			if (nh == 1024)
				return sc_seterr(SC_EINPUT, "'%s': more than 1024 header columns", r->what);
			hdr[nh] = q;
			hl[nh++] = t ? (size_t)(t - q) : strlen(q);
			if (!t)
				break;
			q = t + 1;
		}
		r->csv.delim = '\t';
		return header_find(r, hdr, hl, nh, cols, ncols, nreq, navail);
	}
}

static void set_val(struct sc_rows *r, int c, char *p, size_t n)
{
	if (r->fmt != SC_ROWS_JSONL && sc_csv_is_na(p, n)) {
		p = "nan";
		n = 3;
	}
	r->val[c] = p;
	r->vlen[c] = n;
}

static int json_val(struct sc_rows *r, int c)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(r->rec, r->keys[c]);
	if (!it || cJSON_IsNull(it)) {
		r->val[c] = "nan";
		r->vlen[c] = 3;
	} else if (cJSON_IsString(it)) {
		r->val[c] = it->valuestring;
		r->vlen[c] = strlen(it->valuestring);
	} else if (cJSON_IsNumber(it)) {
		char num[40];
		sc_fmt_double(it->valuedouble, 1, num);
		r->num.len = 0;
		if (sc_buf_adds(&r->num, num) < 0)
			return SC_ENOMEM;
		r->val[c] = r->num.data; /* one numeric value per row at most is kept */
		r->vlen[c] = r->num.len;
	} else {
		return sc_seterr(SC_EINPUT, "'%s' line %ld: field '%s' is not a string", r->what,
				 r->csv.lineno, r->keys[c]);
	}
	return 0;
}

int sc_rows_next(struct sc_rows *r)
{
	int rc;
	if (r->fmt == SC_ROWS_JSONL) {
		if (r->row > 0 || !r->rec) {
			cJSON_Delete(r->rec);
			r->rec = NULL;
			do {
				if ((rc = sc_csv_next(&r->csv)) <= 0)
					return rc;
			} while (strspn(r->csv.f[0], " \t\r") == r->csv.fl[0]);
			if (!(r->rec = cJSON_Parse(r->csv.f[0])) || !cJSON_IsObject(r->rec))
				return sc_seterr(SC_EINPUT, "'%s' line %ld: not a JSON object", r->what,
						 r->csv.lineno);
		}
		for (int c = 0; c < r->ncols; c++)
			if ((rc = json_val(r, c)) < 0)
				return rc;
		r->row++;
		return 1;
	}
	do {
		if ((rc = sc_csv_next(&r->csv)) <= 0)
			return rc;
	} while (r->csv.nf == 1 && r->csv.fl[0] == 0);
	for (int c = 0; c < r->ncols; c++) {
		int i = r->idx[c];
		if (i < r->csv.nf)
			set_val(r, c, r->csv.f[i], r->csv.fl[i]);
		else
			set_val(r, c, "", 0);
	}
	r->row++;
	return 1;
}

void sc_rows_release(struct sc_rows *r)
{
	sc_csv_release(&r->csv);
	free(r->idx);
	free(r->val);
	free(r->vlen);
	sc_cas_strings_free(r->keys, r->keys ? r->ncols : 0);
	cJSON_Delete(r->rec);
	sc_buf_release(&r->num);
	memset(r, 0, sizeof *r);
}

/* ---- annotate directory ---- */

int sc_cas_rank_columns(const char *inferred, int top_k, char ***cols)
{
	size_t n = strlen(inferred);
	char **c = sc_calloc((size_t)top_k, sizeof *c);
	if (!c)
		return SC_ENOMEM;
	*cols = c;
	if (top_k == 1)
		return (c[0] = sc_strdup(inferred)) ? 0 : SC_ENOMEM;
	if (n < 2 || strcmp(inferred + n - 2, "_1") != 0)
		return sc_seterr(SC_EUSAGE, "--inferred-label '%s' must end in '_1' when --top-k > 1",
				 inferred);
	for (int k = 0; k < top_k; k++) {
		struct sc_buf b = SC_BUF_INIT;
		if (sc_buf_addf(&b, "%.*s_%d", (int)(n - 2), inferred, k + 1) < 0)
			return SC_ENOMEM;
		c[k] = b.data;
	}
	return 0;
}

static int read_json_file(const char *path, cJSON **out)
{
	struct sc_stream *s = sc_open(path, "r");
	struct sc_buf b = SC_BUF_INIT;
	int rc = 0;
	*out = NULL;
	if (!s)
		return SC_EIO;
	if ((rc = sc_stream_slurp(s, 1u << 30, &b)) > 0)
		rc = sc_seterr(SC_EINPUT, "'%s': file too large", path);
	if (sc_close(s) < 0 && rc == 0)
		rc = SC_EIO;
	if (rc == 0 && (!(*out = cJSON_ParseWithLength(b.data ? b.data : "", b.len)) ||
			!cJSON_IsObject(*out))) {
		cJSON_Delete(*out);
		*out = NULL;
		rc = sc_seterr(SC_EINPUT, "'%s': not a JSON object", path);
	}
	sc_buf_release(&b);
	return rc;
}

static char *join(const char *dir, const char *name)
{
	struct sc_buf b = SC_BUF_INIT;
	if (sc_buf_addf(&b, "%s/%s", dir, name) < 0)
		return NULL;
	return b.data;
}

int sc_cas_meta_read(const char *dir, struct sc_cas_meta *m)
{
	static const char *const req[] = { "inferred_labels.csv", "metadata.json",
					   "ontology_resource.json", "ontology_response.json" };
	char *path = NULL;
	cJSON *j = NULL;
	const cJSON *mn;
	int rc = SC_EINPUT;
	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < 4; i++) {
		struct stat st;
		free(path);
		if (!(path = join(dir, req[i]))) {
			rc = SC_ENOMEM;
			goto out;
		}
		if (stat(path, &st) < 0) {
			rc = sc_seterr(SC_EINPUT, "'%s' is not an annotate directory: no %s", dir, req[i]);
			goto out;
		}
	}
	free(path);
	if (!(path = join(dir, "metadata.json")) || (rc = read_json_file(path, &j)) < 0)
		goto out;
	rc = SC_EINPUT;
	if (!sc_json_get_string(j, "input_path")) {
		rc = sc_seterr(SC_EINPUT, "'%s': no string input_path", path);
		goto out;
	}
	mn = cJSON_GetObjectItemCaseSensitive(j, "model_name");
	if (mn && !cJSON_IsString(mn)) {
		rc = sc_seterr(SC_EINPUT, "'%s': model_name is %s, not a string", path,
			       cJSON_IsNull(mn) ? "null" : "not a string");
		goto out;
	}
	if (!(m->input_path = sc_strdup(sc_json_get_string(j, "input_path"))) ||
	    !(m->model_name = sc_strdup(mn ? mn->valuestring : "unknown"))) {
		rc = SC_ENOMEM;
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		sc_cas_meta_release(m);
	free(path);
	cJSON_Delete(j);
	return rc;
}

void sc_cas_meta_release(struct sc_cas_meta *m)
{
	free(m->input_path);
	free(m->model_name);
	m->input_path = m->model_name = NULL;
}

int sc_cas_cl_names(const char *path, char ***names, int64_t *n)
{
	cJSON *j = NULL;
	const cJSON *a, *it;
	int64_t i = 0;
	int rc;
	*names = NULL;
	*n = 0;
	if ((rc = read_json_file(path, &j)) < 0)
		return rc;
	a = cJSON_GetObjectItemCaseSensitive(j, "cl_names");
	rc = SC_EINPUT;
	if (!cJSON_IsArray(a)) {
		rc = sc_seterr(SC_EINPUT, "'%s': no cl_names array", path);
		goto out;
	}
	if (!(*names = sc_calloc((size_t)cJSON_GetArraySize(a), sizeof **names))) {
		rc = SC_ENOMEM;
		goto out;
	}
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it)) {
			rc = sc_seterr(SC_EINPUT, "'%s': cl_names holds a non-string", path);
			goto out;
		}
		if (!((*names)[i++] = sc_strdup(it->valuestring))) {
			rc = SC_ENOMEM;
			goto out;
		}
		*n = i;
	}
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

int sc_cas_truth_h5ad(const char *path, const char *col, char ***truth, int64_t *n)
{
	struct sc_h5ad *h = sc_h5ad_open(path, NULL);
	struct sc_column c;
	int rc = SC_ENOMEM;
	memset(&c, 0, sizeof c);
	*truth = NULL;
	*n = 0;
	if (!h)
		return sc_preferr(SC_EINPUT, "truth");
	if ((rc = sc_h5ad_obs_column(h, col, &c)) < 0)
		goto out;
	rc = SC_ENOMEM;
	if (!(*truth = sc_calloc((size_t)c.n, sizeof **truth)))
		goto out;
	for (int64_t i = 0; i < c.n; i++) {
		const char *v = sc_col_string(&c, i);
		if (!((*truth)[i] = sc_strdup(v ? v : "nan")))
			goto out;
		*n = i + 1;
	}
	rc = 0;
out:
	sc_column_release(&c);
	sc_h5ad_close(h);
	return rc;
}

/* ---- building ---- */

static int add_meta(struct sc_cm *out, int top_k, int navail, char *const *cols,
		    const char *sample, const char *model, const char *test_sample,
		    const char *annotate_dir, const struct sc_cas_opts *o, int64_t cells)
{
	for (int k = 0; k < top_k; k++) {
		cJSON *m = sc_cm_meta_new(), *a;
		int ke = k + 1 < navail ? k + 1 : navail;
		if (!m)
			return SC_ENOMEM;
		out[k].meta = m;
		cJSON_AddStringToObject(m, "sample", sample);
		cJSON_AddStringToObject(m, "model_name", model);
		cJSON_AddStringToObject(m, "test_sample", test_sample);
		if (annotate_dir)
			cJSON_AddStringToObject(m, "annotate_dir", annotate_dir);
		cJSON_AddStringToObject(m, "gt_label", o->gt_label);
		cJSON_AddStringToObject(m, "inferred_label", o->inferred_label);
		cJSON_AddNumberToObject(m, "k", k + 1);
		if (!(a = cJSON_AddArrayToObject(m, "inferred_labels")))
			return SC_ENOMEM;
		for (int i = 0; i < ke; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(cols[i]));
		if (!cJSON_AddNumberToObject(m, "n_cells", (double)cells))
			return SC_ENOMEM;
	}
	return 0;
}

/* Feed rows of pred (and truth, from the array or a second table) to the builder. */
static int feed(struct sc_cm_builder *b, struct sc_rows *pred, int navail, int pred_has_truth,
		char *const *truth, int64_t ntruth, struct sc_rows *tr)
{
	int rc;
	for (;;) {
		const char *t;
		size_t tl;
		if ((rc = sc_rows_next(pred)) < 0)
			return rc;
		if (rc == 0)
			break;
		if (pred_has_truth) {
			t = pred->val[0];
			tl = pred->vlen[0];
		} else if (tr) {
			if ((rc = sc_rows_next(tr)) < 0)
				return rc;
			if (rc == 0)
				return sc_seterr(SC_EINPUT, "truth '%s' has %lld cells, predictions '%s' "
						 "more", tr->what, (long long)tr->row, pred->what);
			t = tr->val[0];
			tl = tr->vlen[0];
		} else {
			if (pred->row > ntruth)
				return sc_seterr(SC_EINPUT, "truth has %lld cells, predictions '%s' more",
						 (long long)ntruth, pred->what);
			t = truth[pred->row - 1];
			tl = strlen(t);
		}
		if ((rc = sc_cm_builder_add(b, t, tl, pred->val + pred_has_truth,
					    pred->vlen + pred_has_truth, navail)) < 0)
			return rc;
	}
	if (tr && (rc = sc_rows_next(tr)) != 0)
		return rc < 0 ? rc : sc_seterr(SC_EINPUT, "truth '%s' has more cells than predictions "
					       "'%s' (%lld)", tr->what, pred->what,
					       (long long)pred->row);
	if (!tr && !pred_has_truth && pred->row != ntruth)
		return sc_seterr(SC_EINPUT, "truth has %lld cells, predictions '%s' %lld (they must "
				 "have the same length)", (long long)ntruth, pred->what,
				 (long long)pred->row);
	return 0;
}

int sc_cas_build_dir(const char *dir, const char *truth_path, const struct sc_cas_opts *o,
		     struct sc_cm *out, int64_t *skipped)
{
	struct sc_cas_meta meta = { 0 };
	struct sc_cm_builder *b = NULL;
	struct sc_stream *ps = NULL, *ts = NULL;
	struct sc_rows pr = { 0 }, tr = { 0 };
	char **cols = NULL, **truth = NULL, **universe = NULL, *path = NULL, *res = NULL;
	char absdir[PATH_MAX], *dcopy = NULL;
	int64_t ntruth = 0, nu = 0;
	int rc, navail = 0;
	for (int k = 0; k < o->top_k; k++)
		memset(&out[k], 0, sizeof out[k]);
	if ((rc = sc_cas_rank_columns(o->inferred_label, o->top_k, &cols)) < 0 ||
	    (rc = sc_cas_meta_read(dir, &meta)) < 0)
		goto out;
	rc = SC_ENOMEM;
	if (!(path = join(dir, "inferred_labels.csv")) || !(res = join(dir, "ontology_resource.json")) ||
	    !(b = sc_cm_builder_new(o->top_k)) || !(dcopy = sc_strdup(dir)))
		goto out;
	if (!realpath(dir, absdir)) {
		rc = sc_seterr(SC_EIO, "'%s': cannot resolve the path", dir);
		goto out;
	}
	if ((rc = sc_cas_cl_names(res, &universe, &nu)) < 0)
		goto out;
	if (truth_path) {
		char *tc[1] = { (char *)o->gt_label };
		int na;
		if (!(ts = sc_open(truth_path, "r"))) {
			rc = SC_EIO;
			goto out;
		}
		if ((rc = sc_rows_open(&tr, ts, SC_ROWS_AUTO, tc, 1, 1, &na)) < 0)
			goto out;
	} else if ((rc = sc_cas_truth_h5ad(meta.input_path, o->gt_label, &truth, &ntruth)) < 0) {
		sc_preferr(rc, "%s", dir);
		goto out;
	}
	if (!(ps = sc_open(path, "r"))) {
		rc = SC_EIO;
		goto out;
	}
	if ((rc = sc_rows_open(&pr, ps, SC_ROWS_CSV, cols, o->top_k, 1, &navail)) < 0 ||
	    (rc = feed(b, &pr, navail, 0, truth, ntruth, truth_path ? &tr : NULL)) < 0 ||
	    (rc = sc_cm_builder_finish(b, universe, nu, o->unknown, dir, out, skipped)) < 0 ||
	    (rc = add_meta(out, o->top_k, navail, cols, basename(dcopy), meta.model_name,
			   meta.input_path, absdir, o, sc_cm_total(&out[0]))) < 0)
		goto out;
	rc = 0;
out:
	sc_rows_release(&pr);
	sc_rows_release(&tr);
	sc_abort(ps);
	sc_abort(ts);
	if (rc < 0)
		for (int k = 0; k < o->top_k; k++)
			sc_cm_release(&out[k]);
	sc_cm_builder_free(b);
	sc_cas_meta_release(&meta);
	sc_cas_strings_free(cols, o->top_k);
	sc_cas_strings_free(truth, ntruth);
	sc_cas_strings_free(universe, nu);
	free(path);
	free(res);
	free(dcopy);
	return rc;
}

int sc_cas_build_plain(const char *truth_path, const char *pred_path, char *const *universe,
		       int64_t n_universe, const struct sc_cas_opts *o, const char *sample,
		       const char *model, struct sc_cm *out, int64_t *skipped)
{
	struct sc_cm_builder *b = NULL;
	struct sc_stream *ps = NULL, *ts = NULL;
	struct sc_rows pr = { 0 }, tr = { 0 };
	char **cols = NULL, **all = NULL;
	int same = strcmp(truth_path, pred_path) == 0 && strcmp(pred_path, "-") != 0;
	int rc, navail = 0, na;
	for (int k = 0; k < o->top_k; k++)
		memset(&out[k], 0, sizeof out[k]);
	if ((rc = sc_cas_rank_columns(o->inferred_label, o->top_k, &cols)) < 0)
		goto out;
	rc = SC_ENOMEM;
	if (!(b = sc_cm_builder_new(o->top_k)) || !(all = sc_calloc((size_t)o->top_k + 1, sizeof *all)))
		goto out;
	all[0] = (char *)o->gt_label;
	for (int k = 0; k < o->top_k; k++)
		all[k + 1] = cols[k];
	if (!(ps = sc_open(pred_path, "r"))) {
		rc = SC_EIO;
		goto out;
	}
	if (same) {
		if ((rc = sc_rows_open(&pr, ps, SC_ROWS_AUTO, all, o->top_k + 1, 2, &navail)) < 0)
			goto out;
		navail--;
	} else {
		if (!(ts = sc_open(truth_path, "r"))) {
			rc = SC_EIO;
			goto out;
		}
		if ((rc = sc_rows_open(&tr, ts, SC_ROWS_AUTO, all, 1, 1, &na)) < 0 ||
		    (rc = sc_rows_open(&pr, ps, SC_ROWS_AUTO, cols, o->top_k, 1, &navail)) < 0)
			goto out;
	}
	if ((rc = feed(b, &pr, navail, same, NULL, 0, same ? NULL : &tr)) < 0 ||
	    (rc = sc_cm_builder_finish(b, universe, n_universe, o->unknown, sample, out, skipped)) < 0 ||
	    (rc = add_meta(out, o->top_k, navail, cols, sample, model, sample, NULL, o,
			   sc_cm_total(&out[0]))) < 0)
		goto out;
	rc = 0;
out:
	sc_rows_release(&pr);
	sc_rows_release(&tr);
	sc_abort(ps);
	sc_abort(ts);
	if (rc < 0)
		for (int k = 0; k < o->top_k; k++)
			sc_cm_release(&out[k]);
	sc_cm_builder_free(b);
	sc_cas_strings_free(cols, o->top_k);
	free(all);
	return rc;
}

int sc_cas_label_order_read(const char *labels, const char *onto, char ***u, int64_t *n)
{
	struct sc_onto *on = NULL;
	struct sc_stream *s;
	struct sc_buf line = SC_BUF_INIT;
	int64_t cap = 0;
	int rc = 0;
	*u = NULL;
	*n = 0;
	if (onto) {
		if ((rc = sc_onto_read(onto, SC_ONTO_AUTO, &on)) < 0)
			return rc;
		*u = on->ids; /* take the sorted ids */
		*n = on->n;
		on->ids = NULL;
		sc_onto_free(on);
		return 0;
	}
	if (!labels)
		return 0;
	if (!(s = sc_open(labels, "r")))
		return SC_EIO;
	while ((rc = sc_getline(s, &line, 1 << 20)) > 0) {
		if (line.len && line.data[line.len - 1] == '\r')
			line.data[--line.len] = '\0';
		if (line.len == 0)
			continue;
		if (*n == cap) {
			char **p = sc_realloc(*u, (size_t)(cap = cap ? cap * 2 : 256), sizeof *p);
			if (!p) {
				rc = SC_ENOMEM;
				break;
			}
			*u = p;
		}
		if (!((*u)[*n] = sc_strdup(line.data))) {
			rc = SC_ENOMEM;
			break;
		}
		(*n)++;
	}
	sc_buf_release(&line);
	if (sc_close(s) < 0 && rc == 0)
		rc = SC_EIO;
	if (rc == 0 && *n == 0)
		rc = sc_seterr(SC_EINPUT, "'%s': no labels", labels);
	return rc;
}
