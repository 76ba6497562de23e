/* cm-export: write confusion-matrix records as the cellarium-cas workspace layout, so Python
 * tooling (scipy.sparse.load_npz, the upstream f-measure steps) can read them:
 * DIR/cm_raw_k{k}/<sample>/ or DIR/cm_aggregate_k{k}/<safe group>/, each with
 * confusion_matrix.npz, confusion_matrix_meta.json and the record itself
 * (confusion_matrix.jsonl). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cas_npz.h"
#include "sc.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: cm-export --layout DIR [FILE|-]...\n"
		    "  --layout DIR  workspace to write cm_raw_k*/ and cm_aggregate_k*/ into\n"
		    "  -q, -v, --progress, --version, -h\n");
}

enum { O_LAYOUT = SC_OPT_FIRST_PRIVATE };

struct opts {
	const char *layout;
	char **in;
	int nin;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = { { "layout", required_argument, NULL, O_LAYOUT },
					    SC_COMMON_LONGOPTS,
					    { NULL, 0, NULL, 0 } };
	int c;
	while ((c = getopt_long(argc, argv, "hqv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case O_LAYOUT: o->layout = optarg; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
	}
	if (*exit_now)
		return 0;
	if (!o->layout)
		return sc_seterr(SC_EUSAGE, "--layout DIR is required");
	o->in = argv + optind;
	o->nin = argc - optind;
	return 0;
}

static int mkdir_one(const char *p)
{
	if (mkdir(p, 0777) < 0 && errno != EEXIST)
		return sc_seterr(SC_EIO, "cannot create '%s': %s", p, strerror(errno));
	return 0;
}

/* One file of the record's directory, written atomically. */
static int put(const char *dir, const char *name, const struct sc_cm *m, int what)
{
	char path[4096];
	struct sc_stream *s;
	int rc;
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return sc_seterr(SC_EUSAGE, "path too long");
	if (!(s = sc_open(path, "w")))
		return SC_EIO;
	rc = what == 0 ? sc_cas_npz_write(s, m) : what == 1 ? sc_cas_meta_write(s, m) : sc_cm_write(s, m);
	if (rc < 0) {
		sc_abort(s);
		return rc;
	}
	return sc_close(s);
}

static int export_one(const char *layout, const struct sc_cm *m)
{
	const char *name = sc_json_get_string(m->meta, "sample");
	int grp = cJSON_GetObjectItemCaseSensitive(m->meta, "group") != NULL;
	char kdir[4096], dir[4096];
	int rc;
	if (!name || !*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return sc_seterr(SC_EINPUT, "record sample name '%s' is not a directory name",
				 name ? name : "(missing)");
	if (snprintf(kdir, sizeof kdir, "%s/%s%d", layout, grp ? "cm_aggregate_k" : "cm_raw_k",
		     m->k) >= (int)sizeof kdir ||
	    snprintf(dir, sizeof dir, "%s/%s", kdir, name) >= (int)sizeof dir)
		return sc_seterr(SC_EUSAGE, "path too long");
	if ((rc = mkdir_one(kdir)) < 0 || (rc = mkdir_one(dir)) < 0)
		return rc;
	if ((rc = put(dir, "confusion_matrix.npz", m, 0)) < 0 ||
	    (rc = put(dir, "confusion_matrix_meta.json", m, 1)) < 0 ||
	    (rc = put(dir, "confusion_matrix.jsonl", m, 2)) < 0)
		return sc_preferr(rc, "%s", dir);
	return 0;
}

int main(int argc, char **argv)
{
	static char *dash[] = { "-" };
	struct opts o = { 0 };
	struct sc_stream *s = NULL;
	struct sc_jsonl r;
	struct sc_cm m = { 0 };
	int exit_now = 0, ret = SC_EXIT_INPUT, rc = 0;
	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (o.nin == 0) {
		o.in = dash;
		o.nin = 1;
	}
	if (mkdir_one(o.layout) < 0)
		goto fail;
	for (int i = 0; i < o.nin; i++) {
		if (!(s = sc_open(o.in[i], "r")))
			goto fail;
		sc_jsonl_init(&r, s);
		while ((rc = sc_cm_read(&r, &m)) > 0) {
			rc = export_one(o.layout, &m);
			sc_cm_release(&m);
			if (rc < 0)
				break;
		}
		sc_jsonl_release(&r);
		sc_abort(s);
		s = NULL;
		if (rc < 0)
			goto fail;
	}
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
	sc_abort(s);
done:
	sc_cm_release(&m);
	return ret;
}
