/* Document blocks and their Markdown and HTML renderings. */
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_doc.h"

enum kind { HEADING, PARA, TABLE, FIGURE };

struct block {
	enum kind kind;
	int level;
	char *text, *path, *svg, *align;
	size_t ncols, nrows;
	char **cells; /* (nrows + 1) * ncols, row 0 = header */
};

struct sc_doc {
	struct block *b;
	size_t n;
};

struct sc_doc *sc_doc_new(void)
{
	return sc_calloc(1, sizeof(struct sc_doc));
}

void sc_doc_free(struct sc_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		struct block *b = &d->b[i];
		free(b->text);
		free(b->path);
		free(b->svg);
		free(b->align);
		for (size_t k = 0; b->cells && k < (b->nrows + 1) * b->ncols; k++)
			free(b->cells[k]);
		free(b->cells);
	}
	free(d->b);
	free(d);
}

static struct block *push(struct sc_doc *d, enum kind k)
{
	struct block *p = sc_realloc(d->b, d->n + 1, sizeof *p);
	if (!p)
		return NULL;
	d->b = p;
	memset(&p[d->n], 0, sizeof *p);
	p[d->n].kind = k;
	return &p[d->n++];
}

int sc_doc_heading(struct sc_doc *d, int level, const char *text)
{
	struct block *b = push(d, HEADING);
	if (!b || !(b->text = sc_strdup(text)))
		return SC_ENOMEM;
	b->level = level < 1 ? 1 : level > 6 ? 6 : level;
	return 0;
}

int sc_doc_para(struct sc_doc *d, const char *text)
{
	struct block *b = push(d, PARA);
	return b && (b->text = sc_strdup(text)) ? 0 : SC_ENOMEM;
}

static int add_row(struct block *b, const char *const *cells)
{
	char **p = sc_realloc(b->cells, (b->nrows + 2) * b->ncols, sizeof *p);
	if (!p)
		return SC_ENOMEM;
	b->cells = p;
	for (size_t k = 0; k < b->ncols; k++)
		if (!(p[(b->nrows + 1) * b->ncols + k] = sc_strdup(cells[k] ? cells[k] : "")))
			return SC_ENOMEM;
	b->nrows++;
	return 0;
}

int sc_doc_table(struct sc_doc *d, size_t ncols, const char *const *head, const char *align)
{
	struct block *b = push(d, TABLE);
	if (!b || !(b->align = sc_strdup(align)))
		return SC_ENOMEM;
	if (strlen(align) != ncols || ncols == 0)
		return sc_seterr(SC_EUSAGE, "table alignment does not match its columns");
	b->ncols = ncols;
	if (!(b->cells = sc_calloc(ncols, sizeof *b->cells)))
		return SC_ENOMEM;
	for (size_t k = 0; k < ncols; k++) /* the header is row 0 */
		if (!(b->cells[k] = sc_strdup(head[k] ? head[k] : "")))
			return SC_ENOMEM;
	return 0;
}

int sc_doc_row(struct sc_doc *d, const char *const *cells)
{
	if (!d->n || d->b[d->n - 1].kind != TABLE)
		return sc_seterr(SC_EUSAGE, "row without a table");
	return add_row(&d->b[d->n - 1], cells);
}

int sc_doc_figure(struct sc_doc *d, const char *alt, const char *path, const char *svg)
{
	struct block *b = push(d, FIGURE);
	if (!b || !(b->text = sc_strdup(alt)) || !(b->path = sc_strdup(path)) || !(b->svg = sc_strdup(svg)))
		return SC_ENOMEM;
	return 0;
}

/* Markdown table cell: escape pipes and backslashes, flatten newlines. */
static int md_cell(struct sc_buf *o, const char *s)
{
	int strong = s[0] == SC_DOC_STRONG[0], rc = 0;
	if (strong)
		s++;
	if (strong && *s)
		rc = sc_buf_adds(o, "**");
	for (; rc == 0 && *s; s++)
		rc = *s == '|' ? sc_buf_adds(o, "\\|") : *s == '\n' ? sc_buf_adds(o, " ") :
		     *s == '*' || *s == '_' || *s == '\\' ? sc_buf_addf(o, "\\%c", *s) : sc_buf_add(o, s, 1);
	if (rc == 0 && strong && s[-1] != SC_DOC_STRONG[0])
		rc = sc_buf_adds(o, "**");
	return rc;
}

static int md_table(struct sc_buf *o, const struct block *b)
{
	int rc = 0;
	for (size_t r = 0; rc == 0 && r <= b->nrows; r++) {
		for (size_t k = 0; rc == 0 && k < b->ncols; k++)
			if ((rc = sc_buf_adds(o, k ? " | " : "| ")) == 0)
				rc = md_cell(o, b->cells[r * b->ncols + k]);
		if (rc == 0)
			rc = sc_buf_adds(o, " |\n");
		if (rc == 0 && r == 0) {
			for (size_t k = 0; rc == 0 && k < b->ncols; k++)
				rc = sc_buf_adds(o, b->align[k] == 'r' ? "|---:" : b->align[k] == 'c' ? "|:---:" : "|---");
			if (rc == 0)
				rc = sc_buf_adds(o, "|\n");
		}
	}
	return rc;
}

int sc_doc_write_md(const struct sc_doc *d, struct sc_stream *s)
{
	struct sc_buf o = SC_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < d->n; i++) {
		const struct block *b = &d->b[i];
		if (i)
			rc = sc_buf_adds(&o, "\n");
		if (rc)
			break;
		switch (b->kind) {
		case HEADING: rc = sc_buf_addf(&o, "%.*s %s\n", b->level, "######", b->text); break;
		case PARA: rc = sc_buf_addf(&o, "%s\n", b->text); break;
		case TABLE: rc = md_table(&o, b); break;
		case FIGURE: rc = sc_buf_addf(&o, "![%s](%s)\n", b->text, b->path); break;
		}
	}
	if (rc == 0 && o.len)
		rc = sc_write(s, o.data, o.len);
	sc_buf_release(&o);
	return rc;
}

static int html_text(struct sc_buf *o, const char *s, int code_spans)
{
	int rc = 0, in_code = 0;
	for (; rc == 0 && *s; s++) {
		switch (*s) {
		case '&': rc = sc_buf_adds(o, "&amp;"); break;
		case '<': rc = sc_buf_adds(o, "&lt;"); break;
		case '>': rc = sc_buf_adds(o, "&gt;"); break;
		case '"': rc = sc_buf_adds(o, "&quot;"); break;
		case '`':
			if (code_spans) {
				rc = sc_buf_adds(o, in_code ? "</code>" : "<code>");
				in_code = !in_code;
				break;
			}
			/* fall through */
		default: rc = sc_buf_add(o, s, 1);
		}
	}
	if (rc == 0 && in_code)
		rc = sc_buf_adds(o, "</code>");
	return rc;
}

static int html_table(struct sc_buf *o, const struct block *b)
{
	int rc = sc_buf_adds(o, "<table>\n");
	for (size_t r = 0; rc == 0 && r <= b->nrows; r++) {
		rc = sc_buf_adds(o, "<tr>");
		for (size_t k = 0; rc == 0 && k < b->ncols; k++) {
			const char *c = b->cells[r * b->ncols + k];
			int strong = c[0] == SC_DOC_STRONG[0];
			const char *al = b->align[k] == 'r' ? "right" : b->align[k] == 'c' ? "center" : "left";
			rc = sc_buf_addf(o, "<%s style=\"text-align:%s\">%s", r ? "td" : "th", al, strong ? "<strong>" : "");
			if (rc == 0)
				rc = html_text(o, c + strong, 0);
			if (rc == 0)
				rc = sc_buf_addf(o, "%s</%s>", strong ? "</strong>" : "", r ? "td" : "th");
		}
		if (rc == 0)
			rc = sc_buf_adds(o, "</tr>\n");
	}
	return rc ? rc : sc_buf_adds(o, "</table>\n");
}

int sc_doc_write_html(const struct sc_doc *d, struct sc_stream *s, const char *title)
{
	struct sc_buf o = SC_BUF_INIT;
	int rc = sc_buf_adds(&o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	if (rc == 0)
		rc = html_text(&o, title, 0);
	if (rc == 0)
		rc = sc_buf_adds(&o, "</title>\n<style>\nbody{font-family:sans-serif;max-width:1100px;margin:2em auto;"
				     "padding:0 1em;color:#222}\ntable{border-collapse:collapse;margin:1em 0}\n"
				     "th,td{border:1px solid #ccc;padding:3px 8px;font-variant-numeric:tabular-nums}\n"
				     "th{background:#f3f3f3}\ncode{background:#f3f3f3;padding:0 3px}\n"
				     "figure{margin:1em 0}\nsvg{max-width:100%;height:auto}\n</style>\n</head>\n<body>\n");
	for (size_t i = 0; rc == 0 && i < d->n; i++) {
		const struct block *b = &d->b[i];
		switch (b->kind) {
		case HEADING:
			if ((rc = sc_buf_addf(&o, "<h%d>", b->level)) == 0 && (rc = html_text(&o, b->text, 1)) == 0)
				rc = sc_buf_addf(&o, "</h%d>\n", b->level);
			break;
		case PARA:
			if ((rc = sc_buf_adds(&o, "<p>")) == 0 && (rc = html_text(&o, b->text, 1)) == 0)
				rc = sc_buf_adds(&o, "</p>\n");
			break;
		case TABLE: rc = html_table(&o, b); break;
		case FIGURE:
			if ((rc = sc_buf_adds(&o, "<figure>\n")) == 0 && (rc = sc_buf_adds(&o, b->svg)) == 0 &&
			    (rc = sc_buf_adds(&o, "<figcaption>")) == 0 && (rc = html_text(&o, b->text, 0)) == 0)
				rc = sc_buf_adds(&o, "</figcaption>\n</figure>\n");
			break;
		}
	}
	if (rc == 0)
		rc = sc_buf_adds(&o, "</body>\n</html>\n");
	if (rc == 0)
		rc = sc_write(s, o.data, o.len);
	sc_buf_release(&o);
	return rc;
}
