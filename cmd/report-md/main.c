/* report-md: metric JSONL (any mix of tasks, datasets and models) to a Markdown report:
 * per dataset a models x metrics table, the scIB aggregate and ranking, baseline deltas,
 * timings, provenance and sources; --figures writes SVG figures linked from it and --html a
 * page embedding them. The output is a pure function of the input. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sc.h"
#include "sc_report.h"
#include "sc_sha256.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: report-md [--baseline FILE] [--figures DIR] [--html FILE] [--scale minmax|none]\n"
		    "                 [--title TEXT] [--no-sources] [-o FILE] [FILE...]\n"
		    "  --baseline FILE  add a table of changes from this metric JSONL\n"
		    "  --figures DIR    write SVG figures into DIR and link them\n"
		    "  --html FILE      also write an HTML page with the figures inline\n"
		    "  --scale S        aggregate scIB scores on min-max scaled metrics (default) or raw\n"
		    "  --title TEXT     report title (default \"scbench report\")\n"
		    "  --no-sources     leave out the file:line appendix\n"
		    "  -o FILE          Markdown output (default stdout); inputs default to stdin\n"
		    "  -q, -v, --progress, --version, -h\n");
}

enum { O_BASE = SC_OPT_FIRST_PRIVATE, O_FIG, O_HTML, O_SCALE, O_TITLE, O_NOSRC };

struct opts {
	struct sc_report_opts r;
	const char *base, *figdir, *html, *out;
	char **in;
	int nin;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = { { "baseline", required_argument, NULL, O_BASE },
					    { "figures", required_argument, NULL, O_FIG },
					    { "html", required_argument, NULL, O_HTML },
					    { "no-sources", no_argument, NULL, O_NOSRC },
					    { "output", required_argument, NULL, 'o' },
					    { "scale", required_argument, NULL, O_SCALE },
					    { "title", required_argument, NULL, O_TITLE },
					    SC_COMMON_LONGOPTS,
					    { NULL, 0, NULL, 0 } };
	static char *stdin_only[] = { "-" };
	int c;
	o->out = "-";
	o->r.title = "scbench report";
	o->r.minmax = 1;
	o->r.sources = 1;
	while ((c = getopt_long(argc, argv, "ho:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'o': o->out = optarg; break;
		case O_BASE: o->base = optarg; break;
		case O_FIG: o->figdir = optarg; break;
		case O_HTML: o->html = optarg; break;
		case O_NOSRC: o->r.sources = 0; break;
		case O_SCALE:
			if (strcmp(optarg, "minmax") && strcmp(optarg, "none"))
				return sc_seterr(SC_EUSAGE, "--scale must be minmax or none");
			o->r.minmax = !strcmp(optarg, "minmax");
			break;
		case O_TITLE: o->r.title = optarg; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
	}
	o->in = optind < argc ? argv + optind : stdin_only;
	o->nin = optind < argc ? argc - optind : 1;
	return 0;
}

/* The figure link as seen from the Markdown file: DIR relative to the output's directory. */
static const char *fig_link(const char *out, const char *dir)
{
	const char *slash = strrchr(out, '/');
	size_t n = slash ? (size_t)(slash - out) : 0;
	if (!strcmp(out, "-"))
		return dir;
	if (!slash)
		return dir;
	return strncmp(dir, out, n) == 0 && dir[n] == '/' ? dir + n + 1 : dir;
}

static int load(char **paths, int n, struct sc_metricset *set, struct sc_report_input *in, char (*sha)[65])
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < n; i++) {
		struct sc_stream *s = sc_open(paths[i], "r");
		in[i].name = paths[i];
		in[i].sha256 = NULL;
		if (!s)
			return SC_EIO;
		rc = sc_metricset_read(set, s);
		sc_abort(s);
		if (rc == 0 && strcmp(paths[i], "-") && (rc = sc_sha256_file(paths[i], NULL, sha[i])) == 0)
			in[i].sha256 = sha[i];
	}
	return rc < 0 ? rc : sc_metricset_finish(set);
}

static int write_text(const char *path, const char *text)
{
	struct sc_stream *s = sc_open(path, "w");
	if (!s || sc_puts(s, text) < 0) {
		sc_abort(s);
		return SC_EIO;
	}
	return sc_close(s);
}

static int write_figures(const char *dir, const struct sc_report *r)
{
	struct sc_buf p = SC_BUF_INIT;
	int rc = 0;
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return sc_seterr(SC_EIO, "cannot create '%s': %s", dir, strerror(errno));
	for (size_t i = 0; rc == 0 && i < r->nfig; i++) {
		p.len = 0;
		if ((rc = sc_buf_addf(&p, "%s/%s", dir, r->fig[i].name)) == 0)
			rc = write_text(p.data, r->fig[i].svg);
	}
	sc_buf_release(&p);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sc_metricset cur = { 0 }, base = { 0 };
	struct sc_report rep = { 0 };
	struct sc_report_input *in = NULL, bin;
	struct sc_stream *out = NULL, *html = NULL;
	char (*sha)[65] = NULL, bsha[65];
	int exit_now = 0, ret = SC_EXIT_INPUT;

	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	o.r.figlink = o.figdir ? fig_link(o.out, o.figdir) : NULL;
	if (!(in = sc_calloc((size_t)o.nin, sizeof *in)) || !(sha = sc_calloc((size_t)o.nin, sizeof *sha)))
		goto out;
	if (!(out = sc_open(o.out, "w")) || (o.html && !(html = sc_open(o.html, "w"))))
		goto out;
	if (load(o.in, o.nin, &cur, in, sha) < 0 || (o.base && load((char **)&o.base, 1, &base, &bin, &bsha) < 0))
		goto out;
	if (sc_report_build(&cur, o.base ? &base : NULL, in, (size_t)o.nin, &o.r, &rep) < 0)
		goto out;
	if ((o.figdir && write_figures(o.figdir, &rep) < 0) || sc_doc_write_md(rep.doc, out) < 0 ||
	    (html && sc_doc_write_html(rep.doc, html, o.r.title) < 0))
		goto out;
	ret = sc_close(html) < 0 ? SC_EXIT_INPUT : SC_EXIT_OK;
	html = NULL;
	if (ret == SC_EXIT_OK && sc_close(out) < 0)
		ret = SC_EXIT_INPUT;
	out = NULL;
	if (ret == SC_EXIT_OK && sc_close_stdout() < 0)
		ret = SC_EXIT_INPUT;
out:
	if (ret != SC_EXIT_OK)
		sc_err_lib();
	sc_abort(out);
	sc_abort(html);
	sc_report_release(&rep);
	sc_metricset_release(&cur);
	sc_metricset_release(&base);
	free(in);
	free(sha);
	return ret;
}
