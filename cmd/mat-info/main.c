/* mat-info: show what flows through a pipe. For any scbench binary stream it prints the magic
 * and header; for a matrix stream it also checks the payload and counts finite, NaN and Inf
 * values, with min, max and sum. One JSON record on stdout; --head N adds the first N rows. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: mat-info [--head N] [--check-finite] [FILE|-]\n"
		    "  --head N        also print the first N rows as JSON arrays (one per line)\n"
		    "  --check-finite  exit 1 when the matrix holds NaN or Inf\n"
		    "  -q, -v, --progress, --version, -h\n");
}

enum { O_HEAD = SC_OPT_FIRST_PRIVATE, O_FINITE };

struct opts {
	long long head;
	int check_finite;
	const char *in;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = { { "head", required_argument, NULL, O_HEAD },
					    { "check-finite", no_argument, NULL, O_FINITE },
					    SC_COMMON_LONGOPTS,
					    { NULL, 0, NULL, 0 } };
	int c;
	while ((c = getopt_long(argc, argv, "hqv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case O_HEAD:
			if (sc_parse_long("--head", optarg, 0, 1000000, &o->head) < 0)
				return SC_EUSAGE;
			break;
		case O_FINITE: o->check_finite = 1; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
	}
	if (argc - optind > 1)
		return sc_seterr(SC_EUSAGE, "at most one input");
	o->in = optind < argc ? argv[optind] : "-";
	return 0;
}

/* Read the payload in blocks, accumulate statistics, keep the first rows for --head. */
static int scan(struct sc_stream *in, int64_t rows, int64_t cols, long long head,
		struct sc_mat_stats *st, float **first)
{
	int64_t block = cols ? (1 << 18) / cols + 1 : rows, done = 0;
	int64_t keep = head < rows ? head : rows;
	float *buf = sc_malloc((size_t)(block < rows ? block : rows) * (size_t)cols + 1, sizeof(float));
	int rc = 0;
	*first = sc_malloc((size_t)keep * (size_t)cols + 1, sizeof(float));
	if (!buf || !*first) {
		rc = SC_ENOMEM;
		goto out;
	}
	sc_mat_stats_init(st);
	while (done < rows) {
		int64_t nb = rows - done < block ? rows - done : block;
		if ((rc = sc_mat_read_rows(in, buf, nb, cols)) < 0) {
			rc = sc_seterr(SC_EINPUT, "'%s': truncated matrix stream: header says %lld rows, "
				       "input ends before row %lld", sc_stream_name(in), (long long)rows,
				       (long long)(done + nb));
			goto out;
		}
		if (done < keep)
			memcpy(*first + done * cols, buf,
			       (size_t)((keep - done < nb ? keep - done : nb) * cols) * sizeof(float));
		sc_mat_stats_add(st, buf, nb, cols, done);
		done += nb;
	}
	rc = sc_mat_read_end(in);
out:
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sc_stream *in = NULL;
	struct sc_mat_stats st;
	struct sc_buf b = SC_BUF_INIT;
	cJSON *hdr = NULL, *rec = NULL;
	float *first = NULL;
	char magic[16];
	int exit_now = 0, ret = SC_EXIT_INPUT;
	long long rows, cols;

	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (!(in = sc_open(o.in, "r")) || sc_hdr_read_any(in, magic, &hdr) < 0)
		goto fail;
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "magic", magic);
	cJSON_AddItemToObject(rec, "header", cJSON_Duplicate(hdr, 1));
	if (strcmp(magic, SC_MAT_MAGIC) == 0) {
		const char *dt = sc_json_get_string(hdr, "dtype");
		if (sc_json_get_int64(hdr, "rows", 0, SC_MAT_MAX_ROWS, &rows) < 0 ||
		    sc_json_get_int64(hdr, "cols", 0, SC_MAT_MAX_COLS, &cols) < 0 || !dt ||
		    strcmp(dt, "f32le") != 0 || (double)rows * (double)cols * 4 > (double)SC_MAT_MAX_BYTES) {
			sc_preferr(SC_EINPUT, "'%s': bad matrix header", sc_stream_name(in));
			goto fail;
		}
		if (scan(in, rows, cols, o.head, &st, &first) < 0)
			goto fail;
		cJSON_AddNumberToObject(rec, "rows", (double)rows);
		cJSON_AddNumberToObject(rec, "cols", (double)cols);
		cJSON_AddNumberToObject(rec, "finite", (double)st.finite);
		cJSON_AddNumberToObject(rec, "nan", (double)st.nan);
		cJSON_AddNumberToObject(rec, "inf", (double)st.inf);
		sc_json_add_number(rec, "min", st.min);
		sc_json_add_number(rec, "max", st.max);
		cJSON_AddNumberToObject(rec, "sum", st.sum);
		if (st.first_bad_row >= 0)
			cJSON_AddNumberToObject(rec, "first_nonfinite_row", (double)st.first_bad_row);
	} else {
		sc_buf_release(&b);
	}
	if (sc_json_print(&b, rec) < 0 || sc_buf_add(&b, "\n", 1) < 0)
		goto fail;
	fputs(b.data, stdout);
	for (long long i = 0; first && i < o.head && i < rows; i++) {
		b.len = 0;
		cJSON *a = cJSON_CreateArray();
		for (long long j = 0; j < cols; j++)
			cJSON_AddItemToArray(a, cJSON_CreateNumber(first[i * cols + j]));
		if (sc_json_print(&b, a) < 0)
			goto fail;
		cJSON_Delete(a);
		printf("%s\n", b.data);
	}
	if (sc_close_stdout() < 0)
		goto fail;
	ret = (o.check_finite && first && (st.nan || st.inf)) ? SC_EXIT_CHECK : SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
done:
	sc_abort(in);
	cJSON_Delete(hdr);
	cJSON_Delete(rec);
	sc_buf_release(&b);
	free(first);
	return ret;
}
