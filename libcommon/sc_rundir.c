/* Run directory manifests, provenance and step stamps. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <hdf5.h>
#include <openssl/crypto.h>
#include <zstd.h>

#include "sc_alloc.h"
#include "sc_canonjson.h"
#include "sc_json.h"
#include "sc_opts.h"
#include "sc_rundir.h"
#include "sc_stream.h"

char *openblas_get_config(void);

static int add_file_digest(cJSON *arr, const char *path, const char *role)
{
	char hex[SC_SHA256_HEXLEN + 1];
	uint64_t size = 0;
	cJSON *o;
	int rc = sc_sha256_file(path, &size, hex);
	if (rc < 0)
		return rc;
	o = cJSON_CreateObject();
	if (role)
		cJSON_AddStringToObject(o, "role", role);
	cJSON_AddStringToObject(o, "path", path);
	cJSON_AddStringToObject(o, "sha256", hex);
	cJSON_AddNumberToObject(o, "size", (double)size);
	cJSON_AddItemToArray(arr, o);
	return 0;
}

static int canon_digest(const cJSON *j, char hex[SC_SHA256_HEXLEN + 1])
{
	struct sc_buf b = SC_BUF_INIT;
	int rc = sc_canonjson_print(&b, j, 0);
	if (rc == 0)
		rc = sc_sha256_mem(b.data, b.len, hex);
	sc_buf_release(&b);
	return rc;
}

static int write_json(const char *path, const cJSON *j)
{
	struct sc_buf b = SC_BUF_INIT;
	struct sc_stream *s = NULL;
	int rc = sc_canonjson_print(&b, j, 1);
	if (rc == 0)
		rc = sc_buf_add(&b, "\n", 1);
	if (rc == 0 && !(s = sc_open(path, "w")))
		rc = SC_EIO;
	if (rc == 0 && (rc = sc_write(s, b.data, b.len)) == 0) {
		rc = sc_close(s);
		s = NULL;
	}
	sc_abort(s);
	sc_buf_release(&b);
	return rc;
}

static cJSON *read_json(const char *path)
{
	struct sc_stream *s = sc_open(path, "r");
	struct sc_buf b = SC_BUF_INIT;
	cJSON *j = NULL;
	char chunk[65536];
	ssize_t k;
	if (!s)
		return NULL;
	while ((k = sc_read(s, chunk, sizeof chunk)) > 0 && b.len < (16u << 20))
		if (sc_buf_add(&b, chunk, (size_t)k) < 0)
			break;
	if (k == 0)
		j = cJSON_ParseWithLength(b.data ? b.data : "", b.len);
	sc_abort(s);
	sc_buf_release(&b);
	return j;
}

int sc_rundir_key(const char *step, char *const *parts, size_t nparts, char *const *inputs,
		  size_t ninputs, char hex[SC_SHA256_HEXLEN + 1])
{
	cJSON *k = cJSON_CreateObject(), *p, *in;
	int rc = 0;
	cJSON_AddStringToObject(k, "step", step);
	p = cJSON_AddArrayToObject(k, "parts");
	for (size_t i = 0; i < nparts; i++)
		cJSON_AddItemToArray(p, cJSON_CreateString(parts[i]));
	in = cJSON_AddArrayToObject(k, "inputs");
	for (size_t i = 0; rc == 0 && i < ninputs; i++)
		rc = add_file_digest(in, inputs[i], NULL);
	if (rc == 0)
		rc = canon_digest(k, hex);
	cJSON_Delete(k);
	return rc;
}

static int step_path(struct sc_buf *b, const char *dir, const char *step, const char *leaf)
{
	if (!*step || strchr(step, '/') || !strcmp(step, ".") || !strcmp(step, ".."))
		return sc_seterr(SC_EUSAGE, "step name '%s' must be a plain name", step);
	return sc_buf_addf(b, "%s/steps/%s%s%s", dir, step, leaf ? "/" : "", leaf ? leaf : "");
}

int sc_rundir_check(const char *dir, const char *step, const char *key)
{
	struct sc_buf p = SC_BUF_INIT;
	cJSON *st = NULL, *o;
	int rc = step_path(&p, dir, step, "stamp.json"), ok = 0;
	if (rc < 0)
		return rc;
	if (access(p.data, F_OK) != 0 || !(st = read_json(p.data)))
		goto out;
	if (!sc_json_get_string(st, "key") || strcmp(sc_json_get_string(st, "key"), key) != 0)
		goto out;
	ok = 1;
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(st, "outputs")) {
		char hex[SC_SHA256_HEXLEN + 1];
		uint64_t size = 0;
		const char *path = sc_json_get_string(o, "path"), *want = sc_json_get_string(o, "sha256");
		if (!path || !want || sc_sha256_file(path, &size, hex) < 0 || strcmp(hex, want) != 0) {
			ok = 0;
			break;
		}
	}
out:
	sc_clearerr();
	cJSON_Delete(st);
	sc_buf_release(&p);
	return ok;
}

static int mkdirs(const char *path)
{
	char *t = sc_strdup(path);
	int rc = 0;
	if (!t)
		return SC_ENOMEM;
	for (char *q = t + 1;; q++) {
		if (*q == '/' || *q == '\0') {
			char c = *q;
			*q = '\0';
			if (mkdir(t, 0777) < 0 && errno != EEXIST) {
				rc = sc_seterr(SC_EIO, "cannot create '%s': %s", t, strerror(errno));
				break;
			}
			*q = c;
			if (!c)
				break;
		}
	}
	free(t);
	return rc;
}

int sc_rundir_stamp(const char *dir, const char *step, const char *key, char *const *outs, size_t nouts)
{
	struct sc_buf d = SC_BUF_INIT, p = SC_BUF_INIT;
	cJSON *st = cJSON_CreateObject(), *arr;
	int rc;
	cJSON_AddStringToObject(st, "schema", "scbench.step_stamp/1");
	cJSON_AddStringToObject(st, "step", step);
	cJSON_AddStringToObject(st, "key_sha256", key);
	cJSON_AddStringToObject(st, "key", key);
	arr = cJSON_AddArrayToObject(st, "outputs");
	rc = 0;
	for (size_t i = 0; rc == 0 && i < nouts; i++)
		rc = add_file_digest(arr, outs[i], NULL);
	if (rc == 0 && (rc = step_path(&d, dir, step, NULL)) == 0 && (rc = mkdirs(d.data)) == 0 &&
	    (rc = step_path(&p, dir, step, "stamp.json")) == 0)
		rc = write_json(p.data, st);
	cJSON_Delete(st);
	sc_buf_release(&d);
	sc_buf_release(&p);
	return rc;
}

static void add_strings(cJSON *o, const char *k, char *const *v, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, k);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
}

/* "k=v" pairs into an object (values kept as strings: canonical and unambiguous). */
static int add_params(cJSON *o, char *const *kv, size_t n)
{
	cJSON *p = cJSON_AddObjectToObject(o, "params");
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(kv[i], '=');
		char k[256];
		if (!eq || eq == kv[i] || (size_t)(eq - kv[i]) >= sizeof k)
			return sc_seterr(SC_EUSAGE, "parameter '%s' is not KEY=VALUE", kv[i]);
		snprintf(k, sizeof k, "%.*s", (int)(eq - kv[i]), kv[i]);
		cJSON_DeleteItemFromObjectCaseSensitive(p, k);
		cJSON_AddStringToObject(p, k, eq + 1);
	}
	return 0;
}

static void cpu_info(cJSON *o)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	long mem = 0;
	if (f) {
		while (fgets(line, sizeof line, f))
			if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
				char *v = strchr(line, ':') + 2;
				v[strcspn(v, "\n")] = '\0';
				cJSON_AddStringToObject(o, "cpu_model", v);
				break;
			}
		fclose(f);
	}
	if (!cJSON_GetObjectItem(o, "cpu_model"))
		cJSON_AddStringToObject(o, "cpu_model", "unknown");
	cJSON_AddNumberToObject(o, "cpu_cores", (double)sysconf(_SC_NPROCESSORS_ONLN));
	if ((f = fopen("/proc/meminfo", "r"))) {
		if (fscanf(f, "MemTotal: %ld kB", &mem) == 1)
			cJSON_AddNumberToObject(o, "memory_bytes", (double)mem * 1024);
		fclose(f);
	}
}

static cJSON *provenance(const struct sc_run_spec *s)
{
	cJSON *o = cJSON_CreateObject(), *lib, *env;
	struct utsname u;
	unsigned maj = 0, min = 0, rel = 0;
	char buf[256];
	const char *envs[] = { "SCBENCH_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", NULL };
	cJSON_AddStringToObject(o, "schema", "scbench.provenance/1");
	cJSON_AddStringToObject(o, "scbench_version", SC_VERSION);
	add_strings(o, "tools", s->tools, s->ntools);
	if (s->git) {
		size_t n = strlen(s->git);
		cJSON_AddStringToObject(o, "git_describe", s->git);
		cJSON_AddBoolToObject(o, "dirty", n >= 6 && !strcmp(s->git + n - 6, "-dirty"));
	} else {
		cJSON_AddNullToObject(o, "git_describe");
		cJSON_AddNullToObject(o, "dirty");
	}
	lib = cJSON_AddObjectToObject(o, "libraries");
	H5get_libversion(&maj, &min, &rel);
	snprintf(buf, sizeof buf, "%u.%u.%u", maj, min, rel);
	cJSON_AddStringToObject(lib, "hdf5", buf);
	cJSON_AddStringToObject(lib, "zstd", ZSTD_versionString());
	cJSON_AddStringToObject(lib, "cjson", cJSON_Version());
	cJSON_AddStringToObject(lib, "openssl", OpenSSL_version(OPENSSL_VERSION));
	cJSON_AddStringToObject(lib, "openblas", openblas_get_config());
#if defined(__clang__)
	cJSON_AddStringToObject(o, "compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
	cJSON_AddStringToObject(o, "compiler", "gcc " __VERSION__);
#endif
	if (uname(&u) == 0) {
		snprintf(buf, sizeof buf, "%s %s %s", u.sysname, u.release, u.machine);
		cJSON_AddStringToObject(o, "os", buf);
		if (s->record_host)
			cJSON_AddStringToObject(o, "hostname", u.nodename);
	}
	cpu_info(o);
	env = cJSON_AddObjectToObject(o, "environment");
	for (int i = 0; envs[i]; i++)
		if (getenv(envs[i]))
			cJSON_AddStringToObject(env, envs[i], getenv(envs[i]));
	return o;
}

int sc_rundir_init(const char *dir, const struct sc_run_spec *s, int force, char spec[SC_SHA256_HEXLEN + 1])
{
	struct sc_buf mp = SC_BUF_INIT, pp = SC_BUF_INIT;
	cJSON *sp = cJSON_CreateObject(), *man = NULL, *old = NULL, *in, *prov = NULL;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	int rc;
	cJSON_AddStringToObject(sp, "workflow", s->workflow);
	cJSON_AddStringToObject(sp, "workflow_version", s->version);
	if ((rc = add_params(sp, s->params, s->nparams)) < 0)
		goto out;
	{
		cJSON *a = cJSON_AddArrayToObject(sp, "seeds");
		for (size_t i = 0; i < s->nseeds; i++)
			cJSON_AddItemToArray(a, cJSON_CreateNumber(strtod(s->seeds[i], NULL)));
	}
	in = cJSON_AddArrayToObject(sp, "inputs");
	for (size_t i = 0; rc == 0 && i < s->ninputs; i++) {
		const char *eq = strchr(s->inputs[i], '=');
		char role[128];
		if (!eq || eq == s->inputs[i] || (size_t)(eq - s->inputs[i]) >= sizeof role) {
			rc = sc_seterr(SC_EUSAGE, "input '%s' is not ROLE=PATH", s->inputs[i]);
			break;
		}
		snprintf(role, sizeof role, "%.*s", (int)(eq - s->inputs[i]), s->inputs[i]);
		rc = add_file_digest(in, eq + 1, role);
	}
	if (rc < 0 || (rc = canon_digest(sp, spec)) < 0)
		goto out;
	if ((rc = mkdirs(dir)) < 0 || (rc = sc_buf_addf(&mp, "%s/manifest.json", dir)) < 0 ||
	    (rc = sc_buf_addf(&pp, "%s/provenance.json", dir)) < 0)
		goto out;
	if ((old = read_json(mp.data)) && sc_json_get_string(old, "spec_sha256") &&
	    strcmp(sc_json_get_string(old, "spec_sha256"), spec) != 0 && !force) {
		rc = sc_seterr(SC_EINPUT, "'%s' holds a run with other inputs or parameters (use --force or "
			       "another directory)", dir);
		goto out;
	}
	sc_clearerr();
	man = cJSON_Duplicate(sp, 1);
	cJSON_AddStringToObject(man, "schema", "scbench.run_manifest/1");
	add_strings(man, "command", s->argv, s->argc);
	cJSON_AddStringToObject(man, "spec_sha256", spec);
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(man, "created_at", now);
	if (old && sc_json_get_string(old, "created_at") && !strcmp(sc_json_get_string(old, "spec_sha256") ? sc_json_get_string(old, "spec_sha256") : "", spec)) {
		cJSON_DeleteItemFromObjectCaseSensitive(man, "created_at");
		cJSON_AddStringToObject(man, "created_at", sc_json_get_string(old, "created_at"));
	}
	prov = provenance(s);
	if ((rc = write_json(mp.data, man)) == 0)
		rc = write_json(pp.data, prov);
out:
	cJSON_Delete(sp);
	cJSON_Delete(man);
	cJSON_Delete(old);
	cJSON_Delete(prov);
	sc_buf_release(&mp);
	sc_buf_release(&pp);
	return rc;
}
