/* artifact-seal: write the manifest and sidecar of a model-run artifact bundle, listing every
 * file (logs and job_spec included), after optionally writing embeddings.h5 from a matrix
 * stream and binding its rows to the dataset's cells (obs names digest on "latent").
 * Prints the manifest's SHA-256. artifact-verify(1) checks what this writes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sc.h"
#include "sc_bundle.h"
#include "sc_embfile.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: artifact-seal [--embedding FILE] [--dataset FILE | --obs FILE]\n"
		    "                     [--dataset-slug NAME] [--attempt-id UUID] DIR\n"
		    "  --embedding FILE   write DIR/embeddings.h5 from this matrix stream ('-' = stdin)\n"
		    "  --dataset FILE     bind the embedding to this .h5ad/.h5mu's obs names\n"
		    "  --obs FILE         bind it to the obs_name column of this obs JSONL\n"
		    "  --dataset-slug S   dataset_fingerprint.slug (default: the dataset's base name)\n"
		    "  --attempt-id UUID  physical_attempt_id (default: a random UUID4)\n"
		    "  -q, -v, --progress, --version, -h\n");
}

enum { O_EMB = SC_OPT_FIRST_PRIVATE, O_DATASET, O_OBS, O_SLUG, O_ATTEMPT };

struct opts {
	const char *emb, *dataset, *obs, *slug, *attempt, *dir;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = { { "attempt-id", required_argument, NULL, O_ATTEMPT },
					    { "dataset", required_argument, NULL, O_DATASET },
					    { "dataset-slug", required_argument, NULL, O_SLUG },
					    { "embedding", required_argument, NULL, O_EMB },
					    { "obs", required_argument, NULL, O_OBS },
					    SC_COMMON_LONGOPTS,
					    { NULL, 0, NULL, 0 } };
	int c;
	while ((c = getopt_long(argc, argv, "hqv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case O_ATTEMPT: o->attempt = optarg; break;
		case O_DATASET: o->dataset = optarg; break;
		case O_EMB: o->emb = optarg; break;
		case O_OBS: o->obs = optarg; break;
		case O_SLUG: o->slug = optarg; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
	}
	if (*exit_now)
		return 0;
	if (o->dataset && o->obs)
		return sc_seterr(SC_EUSAGE, "--dataset and --obs are exclusive");
	if (o->attempt && (strlen(o->attempt) != 36 || strspn(o->attempt, "0123456789abcdef-") != 36))
		return sc_seterr(SC_EUSAGE, "--attempt-id must be a lowercase UUID");
	if (argc - optind != 1)
		return sc_seterr(SC_EUSAGE, "exactly one bundle directory");
	o->dir = argv[optind];
	return 0;
}

/* The obs names to bind to, from --dataset or --obs (none when neither is given). */
static int load_names(const struct opts *o, char ***names, int64_t *n)
{
	struct sc_stream *in;
	int rc;
	if (o->dataset) {
		if ((rc = sc_dataset_obs_names(o->dataset, names, n)) == 0 && !*names)
			rc = sc_seterr(SC_EINPUT, "'%s': cannot read obs names of a pre-0.7 file", o->dataset);
		return rc;
	}
	if (!o->obs)
		return 0;
	if (!(in = sc_open(o->obs, "r")))
		return SC_EIO;
	rc = sc_obs_jsonl_names(in, names, n);
	sc_abort(in);
	return rc;
}

/* Write or bind embeddings.h5 as asked. */
static int prepare_embedding(const struct opts *o, const char *digest, int64_t n)
{
	struct sc_buf p = SC_BUF_INIT;
	struct sc_stream *in = NULL;
	int rc;
	if ((rc = sc_buf_addf(&p, "%s/%s", o->dir, SC_BUNDLE_EMBEDDING)) < 0)
		goto out;
	if (o->emb) {
		if (!(in = sc_open(o->emb, "r")))
			rc = SC_EIO;
		else
			rc = sc_embfile_write(p.data, in, digest, n);
	} else if (digest) {
		struct sc_embinfo ei;
		const char *code;
		if ((rc = sc_embfile_inspect(p.data, &ei, &code)) == 0) {
			if (ei.rows != n)
				rc = sc_seterr(SC_EINPUT, "embeddings.h5 has %lld rows but there are %lld obs names",
					       (long long)ei.rows, (long long)n);
			else
				rc = sc_embfile_bind(p.data, digest, n);
		}
	}
out:
	sc_abort(in);
	sc_buf_release(&p);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sc_seal_opts so = { NULL, -1, NULL, NULL, NULL };
	char **names = NULL, digest[SC_SHA256_HEXLEN + 1], dsha[SC_SHA256_HEXLEN + 1], hex[SC_SHA256_HEXLEN + 1];
	char slug[256];
	int64_t n = 0;
	int exit_now = 0, ret = SC_EXIT_INPUT;

	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (load_names(&o, &names, &n) < 0)
		goto out;
	if (names && sc_obs_names_sha256(names, n, digest) < 0)
		goto out;
	if (prepare_embedding(&o, names ? digest : NULL, n) < 0)
		goto out;
	if (o.dataset) {
		const char *b = strrchr(o.dataset, '/') ? strrchr(o.dataset, '/') + 1 : o.dataset;
		snprintf(slug, sizeof slug, "%.*s", (int)strcspn(b, "."), b);
		if (sc_sha256_file(o.dataset, NULL, dsha) < 0)
			goto out;
		so.dataset_sha256 = dsha;
		so.dataset_slug = slug;
	}
	if (o.slug)
		so.dataset_slug = o.slug;
	if (names) {
		so.obs_sha256 = digest;
		so.n_obs = n;
	}
	so.attempt_id = o.attempt;
	if (sc_bundle_seal(o.dir, &so, hex) < 0)
		goto out;
	printf("%s  %s/%s\n", hex, o.dir, SC_BUNDLE_MANIFEST);
	ret = sc_close_stdout() < 0 ? SC_EXIT_INPUT : SC_EXIT_OK;
	if (ret)
		sc_err_lib();
	sc_embfile_names_free(names, n);
	return ret;
out:
	sc_err_lib();
	sc_embfile_names_free(names, n);
	return ret;
}
