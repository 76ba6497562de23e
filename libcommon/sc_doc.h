/* A small document model (headings, paragraphs, tables, figures) rendered to Markdown (GFM
 * pipe tables) or to a self-contained HTML page with the SVG figures inline. report-md builds
 * one document and renders it either way, so the two outputs always agree.
 *
 * Table cells are plain text; a cell starting with SC_DOC_STRONG ("\x01") is rendered bold.
 * Paragraph text may use `code` spans. Renderers escape everything else. */
#ifndef SC_DOC_H
#define SC_DOC_H

#include <stddef.h>

#include "sc_err.h"
#include "sc_stream.h"

#define SC_DOC_STRONG "\x01"

struct sc_doc;

struct sc_doc *sc_doc_new(void);
void sc_doc_free(struct sc_doc *d);
int sc_doc_heading(struct sc_doc *d, int level, const char *text) SC_RESULT_USED;
int sc_doc_para(struct sc_doc *d, const char *text) SC_RESULT_USED;
/* Start a table: align is a string of 'l'/'r'/'c', one per column. */
int sc_doc_table(struct sc_doc *d, size_t ncols, const char *const *head, const char *align) SC_RESULT_USED;
/* Add a row to the last table (exactly ncols cells). */
int sc_doc_row(struct sc_doc *d, const char *const *cells) SC_RESULT_USED;
/* A figure: Markdown links to path; HTML inlines svg (copied). */
int sc_doc_figure(struct sc_doc *d, const char *alt, const char *path, const char *svg) SC_RESULT_USED;

int sc_doc_write_md(const struct sc_doc *d, struct sc_stream *s) SC_RESULT_USED;
int sc_doc_write_html(const struct sc_doc *d, struct sc_stream *s, const char *title) SC_RESULT_USED;

#endif
