/* graph-extract: a neighbour graph another tool stored in an .h5ad (obsp/connectivities,
 * obsp/distances, or uns/neighbors in files before anndata 0.7) as a CSR graph stream, or a
 * distances graph as a kNN stream, so that its clustering and graph metrics can be scored. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "knn_io.h"
#include "sc.h"
#include "sc_h5ad.h"
#include "umap_conn.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: graph-extract [--obsp KEY] [--knn] [--mod NAME] [-z] [-o FILE] FILE.h5ad\n"
		"  --obsp KEY   the graph: obsp[KEY], or uns/neighbors[KEY] in old files\n"
		"               (default connectivities)\n"
		"  --knn        write a distances graph (e.g. --obsp distances) as a kNN stream\n"
		"  --mod NAME   modality of an .h5mu\n"
		"  -o FILE      output (default stdout); -z compresses with zstd\n"
		"  -q, -v, --progress, --version, -h\n");
}

enum { O_OBSP = SC_OPT_FIRST_PRIVATE, O_KNN, O_MOD };

struct opts {
	const char *key, *mod, *in, *out;
	int knn, z;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = { { "obsp", required_argument, NULL, O_OBSP },
					    { "knn", no_argument, NULL, O_KNN },
					    { "mod", required_argument, NULL, O_MOD },
					    { "output", required_argument, NULL, 'o' },
					    SC_COMMON_LONGOPTS,
					    { NULL, 0, NULL, 0 } };
	int c;
	while ((c = getopt_long(argc, argv, "ho:qvz", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'o': o->out = optarg; break;
		case 'z': o->z = 1; break;
		case O_OBSP: o->key = optarg; break;
		case O_KNN: o->knn = 1; break;
		case O_MOD: o->mod = optarg; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
	}
	if (*exit_now)
		return 0;
	if (argc - optind != 1)
		return sc_seterr(SC_EUSAGE, "one .h5ad file expected");
	o->in = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .key = "connectivities" };
	struct sc_h5ad *h = NULL;
	struct sc_stream *out = NULL;
	struct sc_csr g = SC_CSR_INIT;
	struct sc_knn k = SC_KNN_INIT;
	cJSON *meta = NULL;
	int exit_now = 0, ret = SC_EXIT_INPUT;

	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (!(h = sc_h5ad_open(o.in, o.mod)) || !(out = sc_open(o.out, o.z ? "wz" : "w")))
		goto fail;
	if (!o.out && sc_stream_isatty(out)) {
		sc_seterr(SC_EUSAGE, "refusing to write a binary stream to a terminal (use -o)");
		goto fail;
	}
	if (sc_h5ad_read_obsp(h, o.key, &g) < 0 || sc_csr_validate(&g) < 0 || sc_csr_sort_rows(&g) < 0)
		goto fail;
	meta = cJSON_CreateObject();
	cJSON_AddStringToObject(meta, "source", "graph-extract");
	cJSON_AddStringToObject(meta, "file", o.in);
	cJSON_AddStringToObject(meta, "key", o.key);
	if (o.knn) {
		if (sc_csr_to_knn(&g, &k) < 0 || sc_knn_write(out, &k, SC_KNN_EUCLIDEAN, meta) < 0)
			goto fail;
	} else if (sc_graph_write(out, &g, meta) < 0) {
		goto fail;
	}
	if (sc_close_ptr(&out) < 0)
		goto fail;
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
done:
	sc_abort(out);
	sc_h5ad_close(h);
	sc_csr_release(&g);
	sc_knn_release(&k);
	cJSON_Delete(meta);
	return ret;
}
