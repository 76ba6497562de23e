/* Artifact bundle verification and sealing (Multiverse schema_version "1" + x_scbench). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sc_alloc.h"
#include "sc_bundle.h"
#include "sc_canonjson.h"
#include "sc_embfile.h"
#include "sc_opts.h"

#define MAX_DEPTH 32

/* ---------- parsing ---------- */

void sc_manifest_release(struct sc_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->e[i].name);
	free(m->e);
	m->e = NULL;
	m->n = 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct sc_manifest_entry *)a)->name,
		      ((const struct sc_manifest_entry *)b)->name);
}

static int parse_entry(const cJSON *it, struct sc_manifest_entry *e)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
	const cJSON *sha = cJSON_GetObjectItemCaseSensitive(it, "sha256");
	const cJSON *size = cJSON_GetObjectItemCaseSensitive(it, "size");
	if (!cJSON_IsObject(it) || !cJSON_IsString(name) || !cJSON_IsString(sha) || !cJSON_IsNumber(size))
		return sc_seterr(SC_EINPUT, "artifact entries need a string name and sha256 and a numeric size");
	if (!sc_sha256_is_hex(sha->valuestring, 0))
		return sc_seterr(SC_EINPUT, "artifact '%s': sha256 is not 64 hex digits", name->valuestring);
	if (!(size->valuedouble >= 0 && size->valuedouble <= 9007199254740992.0) ||
	    size->valuedouble != floor(size->valuedouble))
		return sc_seterr(SC_EINPUT, "artifact '%s': size is not a non-negative integer", name->valuestring);
	if (!(e->name = sc_strdup(name->valuestring)))
		return SC_ENOMEM;
	for (int i = 0; i < SC_SHA256_HEXLEN; i++)
		e->sha256[i] = (char)(sha->valuestring[i] | 0x20); /* hex digits: lowercase */
	e->sha256[SC_SHA256_HEXLEN] = '\0';
	e->size = (uint64_t)size->valuedouble;
	return 0;
}

int sc_manifest_parse(const char *text, size_t len, struct sc_manifest *m, const char **code)
{
	cJSON *root = NULL;
	const cJSON *sv, *arts, *it, *x;
	int rc = SC_EINPUT;
	memset(m, 0, sizeof *m);
	*code = "MANIFEST_PARSE";
	if (!(root = cJSON_ParseWithLength(text, len)) || !cJSON_IsObject(root)) {
		sc_seterr(SC_EINPUT, "manifest is not a JSON object");
		goto out;
	}
	*code = "SCHEMA_VERSION";
	sv = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
	if (!cJSON_IsString(sv) || strcmp(sv->valuestring, "1") != 0) {
		sc_seterr(SC_EINPUT, "manifest schema_version is not \"1\"");
		goto out;
	}
	*code = "MANIFEST_SHAPE";
	arts = cJSON_GetObjectItemCaseSensitive(root, "artifacts");
	if (!cJSON_IsArray(arts) || cJSON_GetArraySize(arts) > SC_BUNDLE_MAX_ENTRIES) {
		sc_seterr(SC_EINPUT, "manifest has no artifacts array");
		goto out;
	}
	if (!(m->e = sc_calloc((size_t)cJSON_GetArraySize(arts) + 1, sizeof *m->e))) {
		rc = SC_ENOMEM;
		goto out;
	}
	cJSON_ArrayForEach(it, arts) {
		if ((rc = parse_entry(it, &m->e[m->n])) < 0)
			goto out;
		m->n++;
	}
	if (m->e)
		qsort(m->e, m->n, sizeof *m->e, cmp_entry);
	for (size_t i = 1; i < m->n; i++)
		if (strcmp(m->e[i - 1].name, m->e[i].name) == 0) {
			rc = sc_seterr(SC_EINPUT, "artifact '%s' is listed twice", m->e[i].name);
			goto out;
		}
	x = cJSON_GetObjectItemCaseSensitive(root, "x_scbench");
	it = cJSON_GetObjectItemCaseSensitive(x, "coverage");
	m->coverage_all = cJSON_IsString(it) && strcmp(it->valuestring, "all") == 0;
	*code = NULL;
	rc = 0;
out:
	if (rc < 0)
		sc_manifest_release(m);
	cJSON_Delete(root);
	return rc;
}

int sc_sidecar_parse(const char *text, size_t len, char hex[SC_SHA256_HEXLEN + 1])
{
	static const char fname[] = SC_BUNDLE_MANIFEST;
	size_t fl = sizeof fname - 1;
	if (len && text[len - 1] == '\n')
		len--;
	if (len != SC_SHA256_HEXLEN + 2 + fl || memchr(text, '\n', len) ||
	    !(text[64] == ' ' && (text[65] == ' ' || text[65] == '*')) ||
	    memcmp(text + 66, fname, fl) != 0)
		return sc_seterr(SC_EINPUT, "sidecar is not one line '<sha256>  %s'", fname);
	memcpy(hex, text, SC_SHA256_HEXLEN);
	hex[SC_SHA256_HEXLEN] = '\0';
	if (!sc_sha256_is_hex(hex, 0))
		return sc_seterr(SC_EINPUT, "sidecar digest is not 64 hex digits");
	for (int i = 0; i < SC_SHA256_HEXLEN; i++)
		hex[i] = (char)(hex[i] | 0x20);
	return 0;
}

int sc_bundle_name_check(const char *name)
{
	const char *seg = name;
	if (!*name || name[0] == '/' || name[0] == '~')
		return sc_seterr(SC_EINPUT, "'%s' is not a relative path inside the bundle", name);
	for (const char *p = name;; p++) {
		if (*p == '/' || *p == '\0') {
			size_t n = (size_t)(p - seg);
			if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return sc_seterr(SC_EINPUT, "'%s' has an empty, '.' or '..' segment", name);
			if (!*p)
				break;
			seg = p + 1;
		} else if ((unsigned char)*p < 0x20 || *p == '\\' || *p == 0x7f) {
			return sc_seterr(SC_EINPUT, "'%s' holds a control character or backslash", name);
		}
	}
	return 0;
}

/* ---------- safe opening ---------- */

enum open_result { OPEN_OK, OPEN_MISSING, OPEN_SYMLINK, OPEN_NOT_REGULAR, OPEN_ERROR };

/* Open name under dirfd one component at a time without following any symlink. */
static enum open_result open_inside(int dirfd, const char *name, int *fd, struct stat *sb)
{
	char comp[4096];
	const char *p = name;
	int cur = dirfd;
	enum open_result r = OPEN_ERROR;
	*fd = -1;
	if (strlen(name) >= sizeof comp)
		return OPEN_ERROR;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		int nfd;
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (fstatat(cur, comp, sb, AT_SYMLINK_NOFOLLOW) < 0) {
			r = errno == ENOENT || errno == ENOTDIR ? OPEN_MISSING : OPEN_ERROR;
			goto out;
		}
		if (S_ISLNK(sb->st_mode)) {
			r = OPEN_SYMLINK;
			goto out;
		}
		if (slash ? !S_ISDIR(sb->st_mode) : !S_ISREG(sb->st_mode)) {
			r = slash ? OPEN_MISSING : OPEN_NOT_REGULAR;
			goto out;
		}
		nfd = openat(cur, comp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (slash ? O_DIRECTORY : 0));
		if (nfd < 0) {
			r = errno == ELOOP ? OPEN_SYMLINK : OPEN_ERROR;
			goto out;
		}
		if (cur != dirfd)
			close(cur);
		cur = nfd;
		if (!slash)
			break;
		p = slash + 1;
	}
	if (fstat(cur, sb) < 0 || !S_ISREG(sb->st_mode)) {
		r = OPEN_NOT_REGULAR;
		goto out;
	}
	*fd = cur;
	cur = dirfd;
	r = OPEN_OK;
out:
	if (cur != dirfd)
		close(cur);
	return r;
}

/* Read a whole small file under dirfd (no symlinks). 1 read, 0 missing, <0 error. */
static int slurp(int dirfd, const char *name, size_t max, struct sc_buf *b)
{
	struct stat sb;
	int fd, rc;
	enum open_result r = open_inside(dirfd, name, &fd, &sb);
	if (r == OPEN_MISSING)
		return 0;
	if (r != OPEN_OK)
		return sc_seterr(SC_EINPUT, "'%s' is not a regular file inside the bundle", name);
	rc = 1;
	if ((uint64_t)sb.st_size > max) {
		rc = sc_seterr(SC_EINPUT, "'%s' is larger than %zu bytes", name, max);
	} else {
		for (;;) {
			ssize_t k;
			if ((rc = sc_buf_grow(b, 65536)) < 0)
				break;
			k = read(fd, b->data + b->len, 65536);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				rc = k < 0 ? sc_seterr(SC_EIO, "cannot read '%s': %s", name, strerror(errno)) : 1;
				break;
			}
			b->len += (size_t)k;
			if (b->len > max) {
				rc = sc_seterr(SC_EINPUT, "'%s' is larger than %zu bytes", name, max);
				break;
			}
		}
	}
	close(fd);
	return rc;
}

/* ---------- verification ---------- */

static void verdict(struct sc_bundle_status *st, const char *status, const char *code,
		    const char *fmt, ...) SC_FORMAT(4, 5);
static void verdict(struct sc_bundle_status *st, const char *status, const char *code,
		    const char *fmt, ...)
{
	va_list ap;
	st->status = status;
	st->code = code;
	va_start(ap, fmt);
	vsnprintf(st->reason, sizeof st->reason, fmt, ap);
	va_end(ap);
}

static int is_special(const char *name)
{
	return strcmp(name, SC_BUNDLE_MANIFEST) == 0 || strcmp(name, SC_BUNDLE_SIDECAR) == 0 ||
	       strcmp(name, ".mvd_owner") == 0;
}

static int entry_listed(const struct sc_manifest *m, const char *name)
{
	struct sc_manifest_entry key = { (char *)name, "", 0 };
	return bsearch(&key, m->e, m->n, sizeof *m->e, cmp_entry) != NULL;
}

/* Walk the tree for files the manifest does not list (and symlinks or specials anywhere). */
static int find_unlisted(int dfd, const char *prefix, const struct sc_manifest *m, int depth,
			 struct sc_bundle_status *st)
{
	DIR *d = NULL;
	struct dirent *de;
	int fd = dup(dfd), found = 0;
	if (fd < 0 || depth > MAX_DEPTH || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		verdict(st, "bad_artifact_manifest", "NOT_REGULAR", "cannot walk the bundle at '%s'", prefix);
		return 1;
	}
	while (!found && (de = readdir(d))) {
		char rel[4096];
		struct stat sb;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(rel, sizeof rel, "%s%s", prefix, de->d_name);
		if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISLNK(sb.st_mode)) {
			verdict(st, "bad_artifact_manifest", "SYMLINK", "'%s' is a symlink", rel);
			found = 1;
		} else if (S_ISDIR(sb.st_mode)) {
			int sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			char pre[4100];
			snprintf(pre, sizeof pre, "%s/", rel);
			if (sub < 0) {
				verdict(st, "bad_artifact_manifest", "NOT_REGULAR", "cannot open '%s'", rel);
				found = 1;
			} else {
				found = find_unlisted(sub, pre, m, depth + 1, st);
				close(sub);
			}
		} else if (!S_ISREG(sb.st_mode)) {
			verdict(st, "bad_artifact_manifest", "NOT_REGULAR", "'%s' is not a regular file", rel);
			found = 1;
		} else if (!(depth == 0 && is_special(rel)) && !entry_listed(m, rel)) {
			verdict(st, "bad_artifact_manifest", "UNLISTED_FILE", "'%s' is not listed in the manifest", rel);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

static const char *entry_status(const char *name)
{
	return strcmp(name, SC_BUNDLE_EMBEDDING) == 0 ? "no_embeddings" : "bad_artifact_manifest";
}

/* Steps 6 and 7: names, existence, sizes (all before hashing), then digests. */
static int check_entries(int dfd, const struct sc_manifest *m, struct sc_bundle_status *st)
{
	const char *missing = NULL, *badsize = NULL;
	for (size_t i = 0; i < m->n; i++)
		if (sc_bundle_name_check(m->e[i].name) < 0) {
			verdict(st, "bad_artifact_manifest", "PATH_ESCAPE", "%s", sc_errmsg());
			return 1;
		}
	for (size_t i = 0; i < m->n; i++) {
		struct stat sb;
		int fd;
		enum open_result r = open_inside(dfd, m->e[i].name, &fd, &sb);
		if (r == OPEN_SYMLINK || r == OPEN_NOT_REGULAR || r == OPEN_ERROR) {
			verdict(st, "bad_artifact_manifest", r == OPEN_SYMLINK ? "SYMLINK" : "NOT_REGULAR",
				"'%s' %s", m->e[i].name, r == OPEN_SYMLINK ? "is or goes through a symlink" :
				"is not a readable regular file");
			return 1;
		}
		if (r == OPEN_MISSING && !missing)
			missing = m->e[i].name;
		if (r == OPEN_OK) {
			if ((uint64_t)sb.st_size != m->e[i].size && !badsize)
				badsize = m->e[i].name;
			close(fd);
		}
	}
	if (missing) {
		verdict(st, entry_status(missing), "LISTED_FILE_MISSING", "listed file '%s' is missing", missing);
		return 1;
	}
	if (badsize) {
		verdict(st, entry_status(badsize), "SIZE_MISMATCH", "'%s' does not have the listed size", badsize);
		return 1;
	}
	for (size_t i = 0; i < m->n; i++) {
		struct stat sb;
		char hex[SC_SHA256_HEXLEN + 1];
		uint64_t got = 0;
		int fd, rc;
		if (open_inside(dfd, m->e[i].name, &fd, &sb) != OPEN_OK) {
			verdict(st, "bad_artifact_manifest", "NOT_REGULAR", "'%s' changed during verification", m->e[i].name);
			return 1;
		}
		rc = sc_sha256_fd(fd, m->e[i].name, &got, hex);
		close(fd);
		if (rc < 0)
			return rc;
		st->files_checked++;
		st->bytes_hashed += got;
		if (got != m->e[i].size || strcmp(hex, m->e[i].sha256) != 0) {
			verdict(st, entry_status(m->e[i].name), got != m->e[i].size ? "SIZE_MISMATCH" : "CHECKSUM_MISMATCH",
				"'%s' does not match its listed %s", m->e[i].name, got != m->e[i].size ? "size" : "sha256");
			return 1;
		}
	}
	return 0;
}

/* Steps 3-7: the manifest, its sidecar and the files it lists. 1 = verdict set. */
static int check_manifest(int dfd, const struct sc_verify_opts *o, struct sc_bundle_status *st)
{
	struct sc_buf body = SC_BUF_INIT, side = SC_BUF_INIT;
	struct sc_manifest m = { 0 };
	char want[SC_SHA256_HEXLEN + 1];
	const char *code = NULL;
	int rc;
	if ((rc = slurp(dfd, SC_BUNDLE_MANIFEST, SC_BUNDLE_MAX_MANIFEST, &body)) <= 0) {
		verdict(st, "bad_artifact_manifest", "MANIFEST_MISSING", "%s",
			rc == 0 ? "artifact_manifest.json is missing" : sc_errmsg());
		rc = 1;
		goto out;
	}
	if ((rc = slurp(dfd, SC_BUNDLE_SIDECAR, 4096, &side)) <= 0) {
		verdict(st, "bad_artifact_manifest", rc == 0 ? "SIDECAR_MISSING" : "SIDECAR_MALFORMED", "%s",
			rc == 0 ? "artifact_manifest.sha256 is missing (an unsigned manifest is refused)" : sc_errmsg());
		rc = 1;
		goto out;
	}
	rc = 1;
	if (sc_sidecar_parse(side.data, side.len, want) < 0) {
		verdict(st, "bad_artifact_manifest", "SIDECAR_MALFORMED", "%s", sc_errmsg());
		goto out;
	}
	if ((rc = sc_sha256_mem(body.data, body.len, st->manifest_sha256)) < 0)
		goto out;
	rc = 1;
	if (strcmp(want, st->manifest_sha256) != 0) {
		verdict(st, "bad_artifact_manifest", "SIDECAR_MISMATCH",
			"artifact_manifest.json does not match its sidecar digest");
		goto out;
	}
	if (sc_manifest_parse(body.data, body.len, &m, &code) < 0) {
		if (!code) {
			rc = SC_ENOMEM;
			goto out;
		}
		verdict(st, "bad_artifact_manifest", code, "%s", sc_errmsg());
		goto out;
	}
	if ((rc = check_entries(dfd, &m, st)) != 0)
		goto out;
	rc = (m.coverage_all || o->strict) ? find_unlisted(dfd, "", &m, 0, st) : 0;
out:
	sc_manifest_release(&m);
	sc_buf_release(&body);
	sc_buf_release(&side);
	return rc;
}

static int has_ext(const char *p, const char *ext)
{
	size_t n = strlen(p), e = strlen(ext);
	return n > e && strcmp(p + n - e, ext) == 0;
}

/* Step 9: the dataset. 1 = verdict set. */
static int check_dataset(const char *ds, const struct sc_embinfo *ei, struct sc_bundle_status *st)
{
	struct stat sb;
	char **names = NULL, hex[SC_SHA256_HEXLEN + 1];
	int64_t n = 0;
	int rc = 1;
	if (stat(ds, &sb) < 0) {
		verdict(st, "missing_dataset", "DATASET_MISSING", "dataset '%s' does not exist", ds);
		return 1;
	}
	if (!has_ext(ds, ".h5ad") && !has_ext(ds, ".h5mu")) {
		verdict(st, "unsupported_dataset", "DATASET_EXT", "dataset '%s' is not .h5ad or .h5mu", ds);
		return 1;
	}
	if (sc_dataset_obs_names(ds, &names, &n) < 0) {
		verdict(st, "unsupported_dataset", "DATASET_UNREADABLE", "%s", sc_errmsg());
		goto out;
	}
	if (ei->rows != n) {
		verdict(st, "obs_mismatch", "EMBEDDING_WRONG_N_OBS",
			"embedding has %lld rows, dataset has %lld cells", (long long)ei->rows, (long long)n);
		goto out;
	}
	if (ei->obs_sha256[0] && names) {
		if ((rc = sc_obs_names_sha256(names, n, hex)) < 0)
			goto out;
		rc = 1;
		if (strcasecmp(hex, ei->obs_sha256) != 0) {
			verdict(st, "obs_mismatch", "OBS_ORDER_MISMATCH",
				"embedding rows are bound to other cells (obs_names_sha256 differs from the dataset's)");
			goto out;
		}
	}
	rc = 0;
out:
	sc_embfile_names_free(names, n);
	return rc;
}

/* Step 8: the embedding's layout and values. 1 = verdict set. */
static int check_embedding(const char *dir, int dfd, const struct sc_verify_opts *o,
			   struct sc_embinfo *ei, struct sc_bundle_status *st)
{
	struct sc_buf path = SC_BUF_INIT;
	struct stat sb = { 0 };
	const char *code = NULL;
	int rc = 1;
	if (fstatat(dfd, SC_BUNDLE_EMBEDDING, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(sb.st_mode)) {
		verdict(st, "bad_artifact_manifest", S_ISLNK(sb.st_mode) ? "SYMLINK" : "NOT_REGULAR",
			"embeddings.h5 is not a regular file");
		return 1;
	}
	if ((rc = sc_buf_addf(&path, "%s/%s", dir, SC_BUNDLE_EMBEDDING)) < 0)
		return rc;
	rc = 1;
	if (sc_embfile_inspect(path.data, ei, &code) < 0) {
		verdict(st, "no_embeddings", code, "%s", sc_errmsg());
		goto out;
	}
	st->n_obs = ei->rows;
	st->n_dim = ei->cols;
	if (ei->rows == 0 || ei->cols == 0) {
		verdict(st, "no_embeddings", "EMBEDDING_BAD_LAYOUT", "latent is empty (%lld x %lld)",
			(long long)ei->rows, (long long)ei->cols);
		goto out;
	}
	if (1.0 - (double)ei->nonfinite / ((double)ei->rows * (double)ei->cols) < o->finite_min) {
		verdict(st, "no_embeddings", "EMBEDDING_TOO_MANY_NONFINITE",
			"latent holds %llu NaN/Inf values", (unsigned long long)ei->nonfinite);
		goto out;
	}
	if (ei->attr_n_obs >= 0 && ei->attr_n_obs != ei->rows) {
		verdict(st, "obs_mismatch", "EMBEDDING_WRONG_N_OBS", "latent has %lld rows but its n_obs says %lld",
			(long long)ei->rows, (long long)ei->attr_n_obs);
		goto out;
	}
	rc = 0;
out:
	sc_buf_release(&path);
	return rc;
}

int sc_bundle_verify(const char *dir, const struct sc_verify_opts *o, struct sc_bundle_status *st)
{
	struct stat sb;
	struct sc_embinfo ei;
	int dfd = -1, rc = 0;
	memset(st, 0, sizeof *st);
	st->n_obs = st->n_dim = -1;
	if (lstat(dir, &sb) < 0 || (!S_ISDIR(sb.st_mode) && !S_ISLNK(sb.st_mode))) {
		verdict(st, "missing_artifact_dir", "DIR_MISSING", "'%s' is not a directory", dir);
		return 0;
	}
	if (S_ISLNK(sb.st_mode)) {
		verdict(st, "missing_artifact_dir", "DIR_IS_SYMLINK", "'%s' is a symlink", dir);
		return 0;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		verdict(st, "missing_artifact_dir", "DIR_MISSING", "cannot open '%s': %s", dir, strerror(errno));
		return 0;
	}
	if (fstatat(dfd, SC_BUNDLE_EMBEDDING, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		verdict(st, "no_embeddings", "EMBEDDING_MISSING", "embeddings.h5 is missing");
		goto out;
	}
	if ((rc = check_manifest(dfd, o, st)) != 0 || (rc = check_embedding(dir, dfd, o, &ei, st)) != 0 ||
	    (o->dataset && (rc = check_dataset(o->dataset, &ei, st)) != 0))
		goto out;
	verdict(st, "ready", NULL, "%lld files verified", st->files_checked);
out:
	close(dfd);
	return rc < 0 ? rc : 0;
}

cJSON *sc_bundle_status_json(const char *dir, const struct sc_bundle_status *st)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "schema", "scbench.status/1");
	cJSON_AddStringToObject(o, "artifact_dir", dir);
	cJSON_AddStringToObject(o, "status", st->status);
	if (st->code)
		cJSON_AddStringToObject(o, "code", st->code);
	else
		cJSON_AddNullToObject(o, "code");
	cJSON_AddStringToObject(o, "reason", st->reason);
	if (st->manifest_sha256[0])
		cJSON_AddStringToObject(o, "manifest_sha256", st->manifest_sha256);
	else
		cJSON_AddNullToObject(o, "manifest_sha256");
	cJSON_AddNumberToObject(o, "files_checked", (double)st->files_checked);
	cJSON_AddNumberToObject(o, "bytes_hashed", (double)st->bytes_hashed);
	if (st->n_obs >= 0) {
		cJSON_AddNumberToObject(o, "n_obs", (double)st->n_obs);
		cJSON_AddNumberToObject(o, "n_dim", (double)st->n_dim);
	}
	return o;
}

/* ---------- sealing ---------- */

struct file_list {
	char **name;
	size_t n, cap;
};

static void file_list_release(struct file_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->name[i]);
	free(l->name);
}

static int file_list_add(struct file_list *l, const char *name)
{
	if (l->n >= SC_BUNDLE_MAX_ENTRIES)
		return sc_seterr(SC_EINPUT, "more than %d files in the bundle", SC_BUNDLE_MAX_ENTRIES);
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		char **p = sc_realloc(l->name, cap, sizeof *p);
		if (!p)
			return SC_ENOMEM;
		l->name = p;
		l->cap = cap;
	}
	if (!(l->name[l->n] = sc_strdup(name)))
		return SC_ENOMEM;
	l->n++;
	return 0;
}

static int is_seal_temp(const char *name)
{
	return strncmp(name, SC_BUNDLE_MANIFEST ".tmp", sizeof SC_BUNDLE_MANIFEST + 3) == 0 ||
	       strncmp(name, "." SC_BUNDLE_SIDECAR ".tmp", sizeof SC_BUNDLE_SIDECAR + 4) == 0;
}

/* Every regular file under dfd; refuse anything that cannot be listed safely. */
static int collect(int dfd, const char *prefix, int depth, struct file_list *l)
{
	DIR *d = NULL;
	struct dirent *de;
	int fd = dup(dfd), rc = 0;
	if (fd < 0 || depth > MAX_DEPTH || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return sc_seterr(SC_EIO, "cannot list '%s' (or nested too deep)", *prefix ? prefix : ".");
	}
	while (rc == 0 && (de = readdir(d))) {
		char rel[4096];
		struct stat sb;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(rel, sizeof rel, "%s%s", prefix, de->d_name) >= sizeof rel - 1)
			rc = sc_seterr(SC_EINPUT, "path too long under '%s'", prefix);
		else if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			rc = sc_seterr(SC_EIO, "cannot stat '%s': %s", rel, strerror(errno));
		else if (depth == 0 && (is_special(rel) || is_seal_temp(rel)))
			continue;
		else if (sc_bundle_name_check(rel) < 0)
			rc = sc_seterr(SC_EINPUT, "cannot list '%s': names with control characters or "
				       "backslashes are refused", rel);
		else if (S_ISLNK(sb.st_mode))
			rc = sc_seterr(SC_EINPUT, "'%s' is a symlink: a bundle must hold the file itself", rel);
		else if (S_ISDIR(sb.st_mode)) {
			int sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			char pre[4100];
			snprintf(pre, sizeof pre, "%s/", rel);
			if (sub < 0)
				rc = sc_seterr(SC_EIO, "cannot open '%s': %s", rel, strerror(errno));
			else {
				rc = collect(sub, pre, depth + 1, l);
				close(sub);
			}
		} else if (!S_ISREG(sb.st_mode))
			rc = sc_seterr(SC_EINPUT, "'%s' is not a regular file (device, FIFO or socket)", rel);
		else
			rc = file_list_add(l, rel);
	}
	closedir(d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *role_of(const char *name)
{
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	if (!strcmp(name, SC_BUNDLE_EMBEDDING))
		return "embedding";
	if (!strcmp(name, "metrics.json"))
		return "metrics";
	if (!strcmp(name, "metrics.jsonl"))
		return "metrics_log";
	if (!strcmp(name, "job_spec.json"))
		return "job_spec";
	if (has_ext(base, ".log"))
		return "log";
	if (has_ext(base, ".png") || has_ext(base, ".svg"))
		return "plot";
	return "generic";
}

static int uuid4(char out[37])
{
	unsigned char r[16];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return sc_seterr(SC_EIO, "getrandom failed: %s", strerror(errno));
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
		 r[13], r[14], r[15]);
	return 0;
}

static int boot_id(char out[37])
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	int ok = f && fscanf(f, "%36s", out) == 1 && strlen(out) == 36;
	if (f)
		fclose(f);
	return ok ? 0 : uuid4(out);
}

static cJSON *produced_at(void)
{
	struct timespec w, m;
	struct tm tm;
	char wall[64], bid[37];
	cJSON *o = cJSON_CreateObject();
	clock_gettime(CLOCK_REALTIME, &w);
	clock_gettime(CLOCK_MONOTONIC, &m);
	gmtime_r(&w.tv_sec, &tm);
	snprintf(wall, sizeof wall, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld+00:00", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, w.tv_nsec / 1000);
	if (!o || boot_id(bid) < 0) {
		cJSON_Delete(o);
		return NULL;
	}
	cJSON_AddStringToObject(o, "wall", wall);
	cJSON_AddNumberToObject(o, "monotonic_ns", (double)m.tv_sec * 1e9 + (double)m.tv_nsec);
	cJSON_AddStringToObject(o, "tz", "UTC");
	cJSON_AddStringToObject(o, "mvd_boot_id", bid);
	return o;
}

/* sha256 of the canonical compact text of item. */
static int canon_sha(const cJSON *item, char hex[SC_SHA256_HEXLEN + 1])
{
	struct sc_buf b = SC_BUF_INIT;
	int rc = sc_canonjson_print(&b, item, 0);
	if (rc == 0)
		rc = sc_sha256_mem(b.data ? b.data : "", b.len, hex);
	sc_buf_release(&b);
	return rc;
}

/* Multiverse's identity fields, from job_spec.json when the bundle has one. */
static int identity(int dfd, cJSON *man, const cJSON *fp)
{
	struct sc_buf js = SC_BUF_INIT, parts = SC_BUF_INIT;
	cJSON *spec = NULL, *params = NULL;
	char mh[65], ph[65], fh[65], lr[65];
	const char *img = "artifact-seal@" SC_VERSION, *contract = "1";
	int rc = slurp(dfd, "job_spec.json", SC_BUNDLE_MAX_MANIFEST, &js);
	if (rc < 0)
		goto out;
	if ((rc = sc_sha256_mem(js.data ? js.data : "", js.len, mh)) < 0)
		goto out;
	spec = js.len ? cJSON_ParseWithLength(js.data, js.len) : NULL;
	params = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(spec, "hyperparameters"), 1);
	if (!params)
		params = cJSON_CreateObject();
	if ((rc = canon_sha(params, ph)) < 0 || (rc = canon_sha(fp, fh)) < 0)
		goto out;
	if ((rc = sc_buf_add(&parts, mh, 64)) < 0 || (rc = sc_buf_add(&parts, "", 1)) < 0 ||
	    (rc = sc_buf_add(&parts, fh, 64)) < 0 || (rc = sc_buf_add(&parts, "", 1)) < 0 ||
	    (rc = sc_buf_adds(&parts, img)) < 0 || (rc = sc_buf_add(&parts, "", 1)) < 0 ||
	    (rc = sc_buf_add(&parts, ph, 64)) < 0 || (rc = sc_buf_add(&parts, "", 1)) < 0 ||
	    (rc = sc_buf_adds(&parts, contract)) < 0 || (rc = sc_sha256_mem(parts.data, parts.len, lr)) < 0)
		goto out;
	cJSON_AddStringToObject(man, "manifest_hash", mh);
	cJSON_AddStringToObject(man, "params_hash", ph);
	cJSON_AddStringToObject(man, "logical_run_id", lr);
	cJSON_AddStringToObject(man, "mv_contract_version", contract);
	{
		cJSON *ii = cJSON_AddObjectToObject(man, "image_identity");
		cJSON_AddStringToObject(ii, "kind", "unverified_local");
		cJSON_AddStringToObject(ii, "value", img);
		cJSON_AddStringToObject(ii, "note", "scbench");
	}
	rc = 0;
out:
	cJSON_Delete(spec);
	cJSON_Delete(params);
	sc_buf_release(&js);
	sc_buf_release(&parts);
	return rc;
}

/* The artifacts[] array: every listed file hashed through a no-symlink open. */
static int artifacts(int dfd, const char *dir, const struct file_list *l, cJSON *arr, int64_t *rows)
{
	for (size_t i = 0; i < l->n; i++) {
		struct stat sb;
		char hex[SC_SHA256_HEXLEN + 1];
		uint64_t size = 0;
		int fd, rc, valid = 1;
		cJSON *e;
		if (open_inside(dfd, l->name[i], &fd, &sb) != OPEN_OK)
			return sc_seterr(SC_EINPUT, "'%s' changed while sealing", l->name[i]);
		rc = sc_sha256_fd(fd, l->name[i], &size, hex);
		close(fd);
		if (rc < 0)
			return rc;
		if (!strcmp(l->name[i], SC_BUNDLE_EMBEDDING)) {
			struct sc_buf p = SC_BUF_INIT;
			struct sc_embinfo ei;
			const char *code;
			if ((rc = sc_buf_addf(&p, "%s/%s", dir, SC_BUNDLE_EMBEDDING)) < 0)
				return rc;
			valid = sc_embfile_inspect(p.data, &ei, &code) == 0;
			if (valid)
				*rows = ei.rows;
			sc_buf_release(&p);
		}
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", l->name[i]);
		cJSON_AddBoolToObject(e, "produced", 1);
		cJSON_AddStringToObject(e, "role", role_of(l->name[i]));
		cJSON_AddStringToObject(e, "sha256", hex);
		cJSON_AddNumberToObject(e, "size", (double)size);
		cJSON_AddBoolToObject(e, "validated", valid);
		cJSON_AddItemToArray(arr, e);
	}
	return 0;
}

static int write_all_at(int dfd, const char *name, const char *data, size_t n)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644), rc = 0;
	size_t done = 0;
	if (fd < 0)
		return sc_seterr(SC_EIO, "cannot create '%s': %s", name, strerror(errno));
	while (done < n) {
		ssize_t w = write(fd, data + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = sc_seterr(SC_EIO, "cannot write '%s': %s", name, strerror(errno));
			break;
		}
		done += (size_t)w;
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = sc_seterr(SC_EIO, "cannot fsync '%s': %s", name, strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = sc_seterr(SC_EIO, "cannot close '%s': %s", name, strerror(errno));
	if (rc < 0)
		unlinkat(dfd, name, 0);
	return rc;
}

/* Manifest to a temporary, sidecar atomically, manifest renamed last, directory synced. */
static int commit(int dfd, const struct sc_buf *body, char hex[SC_SHA256_HEXLEN + 1])
{
	static const char mtmp[] = SC_BUNDLE_MANIFEST ".tmp", stmp[] = "." SC_BUNDLE_SIDECAR ".tmp";
	char side[128];
	int rc;
	if ((rc = sc_sha256_mem(body->data, body->len, hex)) < 0)
		return rc;
	snprintf(side, sizeof side, "%s  %s\n", hex, SC_BUNDLE_MANIFEST);
	if ((rc = write_all_at(dfd, mtmp, body->data, body->len)) < 0)
		return rc;
	if ((rc = write_all_at(dfd, stmp, side, strlen(side))) < 0)
		goto fail;
	if (renameat(dfd, stmp, dfd, SC_BUNDLE_SIDECAR) < 0 ||
	    renameat(dfd, mtmp, dfd, SC_BUNDLE_MANIFEST) < 0) {
		rc = sc_seterr(SC_EIO, "cannot rename the manifest into place: %s", strerror(errno));
		goto fail;
	}
	(void)fsync(dfd); /* some filesystems refuse a directory fsync; the renames still hold */
	return 0;
fail:
	unlinkat(dfd, mtmp, 0);
	unlinkat(dfd, stmp, 0);
	return rc;
}

int sc_bundle_seal(const char *dir, const struct sc_seal_opts *o, char hex[SC_SHA256_HEXLEN + 1])
{
	struct file_list l = { 0 };
	struct sc_buf body = SC_BUF_INIT;
	cJSON *man = NULL, *arr, *fp, *x, *by;
	char attempt[37];
	int64_t rows = -1;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rc;
	if (dfd < 0)
		return sc_seterr(SC_EINPUT, "cannot open bundle directory '%s': %s", dir, strerror(errno));
	if ((rc = collect(dfd, "", 0, &l)) < 0)
		goto out;
	if (l.name)
		qsort(l.name, l.n, sizeof *l.name, cmp_str);
	rc = SC_ENOMEM;
	if (!(man = cJSON_CreateObject()) || !(arr = cJSON_AddArrayToObject(man, "artifacts")))
		goto out;
	if ((rc = artifacts(dfd, dir, &l, arr, &rows)) < 0)
		goto out;
	if (o->attempt_id)
		snprintf(attempt, sizeof attempt, "%s", o->attempt_id);
	else if ((rc = uuid4(attempt)) < 0)
		goto out;
	cJSON_AddStringToObject(man, "schema_version", "1");
	cJSON_AddStringToObject(man, "physical_attempt_id", attempt);
	cJSON_AddStringToObject(man, "owner_token", attempt);
	fp = cJSON_AddObjectToObject(man, "dataset_fingerprint");
	cJSON_AddStringToObject(fp, "slug", o->dataset_slug ? o->dataset_slug : "unknown");
	cJSON_AddNumberToObject(fp, "n_obs", (double)(o->n_obs >= 0 ? o->n_obs : rows >= 0 ? rows : 0));
	if (o->dataset_sha256)
		cJSON_AddStringToObject(fp, "path_sha256", o->dataset_sha256);
	if ((rc = identity(dfd, man, fp)) < 0)
		goto out;
	rc = SC_ENOMEM;
	if (!cJSON_AddItemToObject(man, "produced_at", produced_at()))
		goto out;
	by = cJSON_AddObjectToObject(man, "produced_by");
	cJSON_AddStringToObject(by, "mvd_version", "scbench " SC_VERSION);
	cJSON_AddArrayToObject(man, "state_transitions");
	x = cJSON_AddObjectToObject(man, "x_scbench");
	cJSON_AddStringToObject(x, "schema", "scbench.bundle/1");
	cJSON_AddStringToObject(x, "coverage", "all");
	cJSON_AddStringToObject(x, "sealed_by", "artifact-seal " SC_VERSION);
	if (o->obs_sha256) {
		cJSON_AddStringToObject(x, "obs_names_sha256", o->obs_sha256);
		cJSON_AddNumberToObject(x, "n_obs", (double)(o->n_obs >= 0 ? o->n_obs : rows));
	}
	if ((rc = sc_canonjson_print(&body, man, 1)) < 0 || (rc = commit(dfd, &body, hex)) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		sc_preferr(rc, "sealing '%s'", dir);
	cJSON_Delete(man);
	sc_buf_release(&body);
	file_list_release(&l);
	close(dfd);
	return rc;
}
