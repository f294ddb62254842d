/* What every sluice subcommand shares: version, option parsing, tables. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include <sluice/common.h>

#include "mem.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION SLUICE_VERSION_STRING
#endif

const char *cli_version(void)
{
    return SLUICE_VERSION;
}

void cli_print_version(FILE *out)
{
    fprintf(out, "sluice %s\n", cli_version());
    fprintf(out, "plugin ABI version %d\n", SLUICE_ABI_VERSION);
}

int cli_not_implemented(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "sluice %s: not implemented yet\n", argv[0]);
    return CLI_EXIT_FAILURE;
}

int cli_option_value(int argc, char **argv, int *i, const char *option, const char **value)
{
    const char *arg = argv[*i];
    size_t len = strlen(option);
    if (strncmp(arg, option, len) != 0)
        return 0;
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return 1;
    }
    if (arg[len] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "sluice: option %s needs a value\n", option);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

/* ---- tables -------------------------------------------------------------------- */

struct cli_table {
    size_t ncols;
    char **cells; /* rows * ncols, the header row first */
    size_t rows;  /* including the header */
    size_t cap;
};

static void table_append(cli_table_t *table, const char *const *cells)
{
    mem_grow((void **)&table->cells, &table->cap, (table->rows + 1) * table->ncols,
             sizeof(*table->cells));
    for (size_t c = 0; c < table->ncols; c++)
        table->cells[table->rows * table->ncols + c] = mem_strdup(cells[c] ? cells[c] : "");
    table->rows++;
}

cli_table_t *cli_table_new(size_t ncols, const char *const *headers)
{
    cli_table_t *table = mem_calloc(1, sizeof(*table));
    table->ncols = ncols;
    table_append(table, headers);
    return table;
}

void cli_table_destroy(cli_table_t *table)
{
    if (!table)
        return;
    for (size_t i = 0; i < table->rows * table->ncols; i++)
        free(table->cells[i]);
    free(table->cells);
    free(table);
}

void cli_table_add_row(cli_table_t *table, const char *const *cells)
{
    table_append(table, cells);
}

size_t cli_table_rows(const cli_table_t *table)
{
    return table->rows - 1;
}

void cli_table_print(const cli_table_t *table, FILE *out)
{
    size_t *width = mem_calloc(table->ncols, sizeof(*width));
    for (size_t r = 0; r < table->rows; r++) {
        for (size_t c = 0; c < table->ncols; c++) {
            size_t len = strlen(table->cells[r * table->ncols + c]);
            if (len > width[c])
                width[c] = len;
        }
    }
    for (size_t r = 0; r < table->rows; r++) {
        /* Trailing empty cells would leave trailing blanks: stop before them. */
        size_t last = table->ncols;
        while (last > 1 && !table->cells[r * table->ncols + last - 1][0])
            last--;
        for (size_t c = 0; c < last; c++) {
            const char *cell = table->cells[r * table->ncols + c];
            for (const char *p = cell; *p; p++)
                fputc(*p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p, out);
            if (c + 1 < last)
                fprintf(out, "%*s", (int)(width[c] - strlen(cell) + 2), "");
        }
        fputc('\n', out);
    }
    free(width);
}
