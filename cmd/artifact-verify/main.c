/* artifact-verify: check model-run artifact bundles (Multiverse's format): the manifest
 * against its sha256 sidecar, every listed file's size and SHA-256, path safety, the
 * embedding's layout and, with --dataset, its binding to the dataset's cells. One
 * scbench.status/1 record per bundle; exit 1 when any bundle is not ready. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"
#include "sc_bundle.h"
#include "sc_canonjson.h"
#include "sc_embfile.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: artifact-verify [--dataset FILE] [--finite-min X] [--strict]\n"
		    "                       [--embedding-out FILE] [-o FILE] DIR...\n"
		    "  --dataset FILE   check rows and obs binding against this .h5ad/.h5mu\n"
		    "  --finite-min X   minimum fraction of finite embedding values (default 1)\n"
		    "  --strict         refuse unlisted files even in bundles not sealed by scbench\n"
		    "  --embedding-out FILE  when the (single) bundle is ready, write its embedding\n"
		    "                   as a matrix stream ('-' = stdout; records then need -o)\n"
		    "  -o FILE          write the status records to FILE (default stdout)\n"
		    "  -q, -v, --progress, --version, -h\n");
}

enum { O_DATASET = SC_OPT_FIRST_PRIVATE, O_FINITE, O_STRICT, O_EMBOUT };

struct opts {
	struct sc_verify_opts v;
	const char *out, *emb_out;
	char **dirs;
	int ndirs;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = { { "dataset", required_argument, NULL, O_DATASET },
					    { "embedding-out", required_argument, NULL, O_EMBOUT },
					    { "finite-min", required_argument, NULL, O_FINITE },
					    { "output", required_argument, NULL, 'o' },
					    { "strict", no_argument, NULL, O_STRICT },
					    SC_COMMON_LONGOPTS,
					    { NULL, 0, NULL, 0 } };
	int c;
	o->v.finite_min = 1.0;
	o->out = "-";
	while ((c = getopt_long(argc, argv, "ho:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'o': o->out = optarg; break;
		case O_DATASET: o->v.dataset = optarg; break;
		case O_EMBOUT: o->emb_out = optarg; break;
		case O_FINITE:
			if (sc_parse_double("--finite-min", optarg, 0, 1, &o->v.finite_min) < 0)
				return SC_EUSAGE;
			break;
		case O_STRICT: o->v.strict = 1; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
	}
	if (*exit_now)
		return 0;
	if (optind >= argc)
		return sc_seterr(SC_EUSAGE, "no bundle directory given");
	o->dirs = argv + optind;
	o->ndirs = argc - optind;
	if (o->emb_out && o->ndirs != 1)
		return sc_seterr(SC_EUSAGE, "--embedding-out takes exactly one DIR");
	if (o->emb_out && !strcmp(o->emb_out, "-") && !strcmp(o->out, "-"))
		return sc_seterr(SC_EUSAGE, "--embedding-out - and the records cannot both go to stdout");
	return 0;
}

/* Verify one bundle and write its record; 1 when it is not ready. */
static int verify_one(struct sc_stream *out, const char *dir, const struct sc_verify_opts *v)
{
	struct sc_bundle_status st;
	struct sc_buf b = SC_BUF_INIT;
	cJSON *rec = NULL;
	int rc;
	if ((rc = sc_bundle_verify(dir, v, &st)) < 0)
		return rc;
	if (!(rec = sc_bundle_status_json(dir, &st)))
		return sc_seterr(SC_ENOMEM, "out of memory");
	if ((rc = sc_canonjson_print(&b, rec, 0)) == 0 && (rc = sc_buf_add(&b, "\n", 1)) == 0)
		rc = sc_write(out, b.data, b.len);
	if (rc == 0 && strcmp(st.status, "ready") != 0) {
		sc_log(2, "%s: %s (%s)", dir, st.status, st.reason);
		rc = 1;
	}
	sc_buf_release(&b);
	cJSON_Delete(rec);
	return rc;
}

/* The verified bundle's embedding as a matrix stream. */
static int export_embedding(const char *dir, const char *path)
{
	struct sc_buf p = SC_BUF_INIT;
	struct sc_stream *s = NULL;
	int rc = sc_buf_addf(&p, "%s/%s", dir, SC_BUNDLE_EMBEDDING);
	if (rc == 0 && !(s = sc_open(path, "w")))
		rc = SC_EIO;
	if (rc == 0 && (rc = sc_embfile_export(p.data, s)) == 0) {
		rc = sc_close(s);
		s = NULL;
	}
	sc_abort(s);
	sc_buf_release(&p);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sc_stream *out = NULL;
	int exit_now = 0, failed = 0, rc = 0;

	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (!(out = sc_open(o.out, "w")))
		goto fail;
	for (int i = 0; i < o.ndirs; i++) {
		if ((rc = verify_one(out, o.dirs[i], &o.v)) < 0)
			goto fail;
		failed |= rc;
	}
	if (sc_close_ptr(&out) < 0)
		goto fail;
	if (o.emb_out && !failed && export_embedding(o.dirs[0], o.emb_out) < 0)
		goto fail2;
	if (sc_close_stdout() < 0)
		goto fail2;
	return failed ? SC_EXIT_CHECK : SC_EXIT_OK;
fail:
	sc_abort(out);
fail2:
	sc_err_lib();
	return SC_EXIT_INPUT;
}
