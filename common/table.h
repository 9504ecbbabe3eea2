/*
 * common/table.h: the text tables of listing commands (list, images,
 * volume ls, network ls and inspect).  Columns are as wide as their
 * widest cell, never narrower than the width given, so a long name moves
 * the next column instead of pushing one row out of line (a printf width
 * is only a minimum).  Widths count bytes: names here are ASCII.
 */
#ifndef XL_OCI_COMMON_TABLE_H
#define XL_OCI_COMMON_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define XO_TABLE_MAX_COLS 8

struct xo_table_col {
    const char *header;
    size_t width; /* at least this many bytes (the header counts too) */
    bool right;   /* right-aligned (numbers) */
    size_t gap;   /* spaces before the column; 0 = 1 */
};

struct xo_table {
    size_t ncols;
    struct xo_table_col cols[XO_TABLE_MAX_COLS];
    size_t nrows, cap;
    char **cells; /* nrows x ncols copies */
};

/* A table of `ncols` (1..XO_TABLE_MAX_COLS) columns; the last column is
 * never padded on the right. */
void xo_table_init(struct xo_table *t, const struct xo_table_col *cols,
                   size_t ncols);

/* Adds a row of t->ncols cells (copied; NULL is printed as "-"). */
void xo_table_add(struct xo_table *t, const char *const *cells);

/* Prints the header and the rows to f, then frees the rows. */
void xo_table_print(struct xo_table *t, FILE *f);

#endif
