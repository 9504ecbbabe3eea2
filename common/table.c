/* table.c: text tables of listing commands (see table.h). */
#include "common/table.h"

#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

void xo_table_init(struct xo_table *t, const struct xo_table_col *cols,
                   size_t ncols)
{
    memset(t, 0, sizeof(*t));
    if (ncols > XO_TABLE_MAX_COLS)
        ncols = XO_TABLE_MAX_COLS;
    t->ncols = ncols;
    memcpy(t->cols, cols, ncols * sizeof(*cols));
    for (size_t c = 0; c < ncols; c++) {
        size_t h = strlen(cols[c].header);
        if (t->cols[c].width < h)
            t->cols[c].width = h;
    }
}

void xo_table_add(struct xo_table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->cells = xo_xrealloc(t->cells, t->cap * t->ncols * sizeof(char *));
    }
    for (size_t c = 0; c < t->ncols; c++) {
        const char *v = cells[c] ? cells[c] : "-";
        t->cells[t->nrows * t->ncols + c] = xo_xstrdup(v);
        size_t len = strlen(v);
        if (t->cols[c].width < len)
            t->cols[c].width = len;
    }
    t->nrows++;
}

static void print_row(const struct xo_table *t, const char *const *cells,
                      FILE *f)
{
    for (size_t c = 0; c < t->ncols; c++) {
        const struct xo_table_col *col = &t->cols[c];
        if (c)
            fprintf(f, "%*s", (int)(col->gap ? col->gap : 1), "");
        bool last = c + 1 == t->ncols;
        if (col->right)
            fprintf(f, "%*s", (int)col->width, cells[c]);
        else if (last)
            fputs(cells[c], f);
        else
            fprintf(f, "%-*s", (int)col->width, cells[c]);
    }
    fputc('\n', f);
}

void xo_table_print(struct xo_table *t, FILE *f)
{
    const char *head[XO_TABLE_MAX_COLS];
    for (size_t c = 0; c < t->ncols; c++)
        head[c] = t->cols[c].header;
    print_row(t, head, f);
    for (size_t r = 0; r < t->nrows; r++)
        print_row(t, (const char *const *)&t->cells[r * t->ncols], f);
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}
