/*
 * `sluice plugins`: lists every class the built-in plugins and any
 * --plugin-path provide, or prints one class's configuration table, the same
 * table the runtime validates against (so the documentation cannot drift).
 */
#include "cli.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/sluice.h>

#include "mem.h"
#include "plugin_registry.h"

static void plugins_usage(FILE *out)
{
    fprintf(out,
            "Usage: sluice plugins [list] [--plugin-path PATH] [--type TYPE]\n"
            "       sluice plugins describe CLASS [--plugin-path PATH]\n"
            "\n"
            "Lists the plugin classes sluice can load (name, type, version, aliases,\n"
            "library), or prints the configuration keys of one class.\n"
            "\n"
            "Options:\n"
            "  --plugin-path PATH  Also load these libraries or directories (comma-separated,\n"
            "                      as the worker's plugin.path); may be repeated. The\n"
            "                      built-in plugins are always loaded.\n"
            "  --type TYPE         List only classes of TYPE: source, sink, converter,\n"
            "                      header_converter, transformation, predicate,\n"
            "                      config_provider.\n"
            "  -h, --help          Show this help.\n"
            "\n"
            "CLASS is a class name, an alias, or its simple name (JsonConverter, Json).\n");
}

/* ---- loading -------------------------------------------------------------------- */

/*
 * A registry with the built-in plugins and each --plugin-path entry.
 * *failures counts refused libraries and unreadable paths (each already
 * logged with its reason).
 */
static plugin_registry_t *plugins_load(const char *const *paths, size_t npaths, int *failures)
{
    plugin_registry_t *registry = plugin_registry_new();
    char errstr[4096] = "";
    *failures = 0;
    int n = plugin_registry_load_builtin(registry, errstr, sizeof errstr);
    *failures += n < 0 ? 1 : n;
    for (size_t i = 0; i < npaths; i++) {
        n = plugin_registry_load_path_list(registry, paths[i], errstr, sizeof errstr);
        *failures += n < 0 ? 1 : n;
    }
    return registry;
}

static bool kind_parse(const char *text, sluice_class_kind_t *kind)
{
    for (int k = SLUICE_CLASS_SOURCE_CONNECTOR; k <= SLUICE_CLASS_CONFIG_PROVIDER; k++) {
        if (strcmp(text, sluice_class_kind_name((sluice_class_kind_t)k)) == 0) {
            *kind = (sluice_class_kind_t)k;
            return true;
        }
    }
    return false;
}

/* ---- listing -------------------------------------------------------------------- */

static void list_add_unique(const char **names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(names[i], name) == 0)
            return;
    names[(*n)++] = name;
}

/*
 * Every other name that finds cls: its declared aliases, then the simple
 * names Kafka accepts (when they are unambiguous), comma-separated into out.
 */
static void class_aliases(const plugin_registry_t *registry, const sluice_class_t *cls,
                          sluice_buf_t *out)
{
    size_t declared = 0;
    while (cls->aliases && cls->aliases[declared])
        declared++;
    const char **names = mem_alloc((declared + 2) * sizeof(*names));
    size_t n = 0;
    for (size_t i = 0; i < declared; i++)
        list_add_unique(names, &n, cls->aliases[i]);

    /* The candidate short names, checked by the registry's own lookup. */
    const char *simple = plugin_registry_simple_name(cls->name);
    const char *suffix = plugin_registry_kind_suffix(cls->kind);
    const char *pos = NULL;
    for (const char *p = strstr(simple, suffix); p; p = strstr(p + 1, suffix))
        pos = p;
    char *pruned = pos && pos > simple ? mem_strndup(simple, (size_t)(pos - simple)) : NULL;
    const char *implicit[] = {simple, pruned};
    for (size_t i = 0; i < 2; i++) {
        if (implicit[i] && strcmp(implicit[i], cls->name) != 0 &&
            plugin_registry_find(registry, cls->kind, implicit[i]) == cls)
            list_add_unique(names, &n, implicit[i]);
    }
    for (size_t i = 0; i < n; i++)
        sluice_buf_printf(out, "%s%s", i ? ", " : "", names[i]);
    free(pruned);
    free(names);
}

typedef struct list_entry {
    const sluice_class_t *cls;
    const char *file;
} list_entry_t;

/* Kafka's listing order: by type (source, sink, converter …), then name. */
static int list_entry_compare(const void *a, const void *b)
{
    const list_entry_t *x = a, *y = b;
    if (x->cls->kind != y->cls->kind)
        return (int)x->cls->kind < (int)y->cls->kind ? -1 : 1;
    return strcmp(x->cls->name, y->cls->name);
}

static int plugins_list(const plugin_registry_t *registry, bool filter, sluice_class_kind_t kind)
{
    size_t count = plugin_registry_count(registry);
    list_entry_t *entries = mem_calloc(count ? count : 1, sizeof(*entries));
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        const sluice_class_t *cls = plugin_registry_class_at(registry, i);
        if (filter && cls->kind != kind)
            continue;
        entries[n++] = (list_entry_t){cls, plugin_registry_file_at(registry, i)};
    }
    qsort(entries, n, sizeof(*entries), list_entry_compare);

    static const char *const headers[] = {"CLASS", "TYPE", "VERSION", "ALIASES", "LIBRARY"};
    cli_table_t *table = cli_table_new(5, headers);
    sluice_buf_t *aliases = sluice_buf_new();
    for (size_t i = 0; i < n; i++) {
        sluice_buf_reset(aliases);
        class_aliases(registry, entries[i].cls, aliases);
        const char *cells[] = {entries[i].cls->name, sluice_class_kind_name(entries[i].cls->kind),
                               entries[i].cls->version, sluice_buf_data(aliases), entries[i].file};
        cli_table_add_row(table, cells);
    }
    if (n > 0)
        cli_table_print(table, stdout);
    else
        printf("No plugin classes found.\n");
    sluice_buf_destroy(aliases);
    cli_table_destroy(table);
    free(entries);
    return CLI_EXIT_OK;
}

/* ---- describing ------------------------------------------------------------------- */

/* A number as Kafka prints a range bound: integers without a fraction. */
static void put_number(sluice_buf_t *out, double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 9.0e18)
        sluice_buf_printf(out, "%lld", (long long)v);
    else
        sluice_buf_printf(out, "%.17g", v);
}

/* The validator as Kafka's ConfigDef documents "Valid Values". */
static void put_validator(sluice_buf_t *out, const sluice_config_validator_t *validator)
{
    switch (validator->kind) {
    case SLUICE_VALIDATOR_RANGE: {
        bool has_min = validator->min > -DBL_MAX;
        bool has_max = validator->max < DBL_MAX;
        sluice_buf_putc(out, '[');
        if (has_min)
            put_number(out, validator->min);
        else
            sluice_buf_puts(out, "...");
        sluice_buf_puts(out, ",");
        if (has_min && has_max)
            sluice_buf_puts(out, "...,");
        if (has_max)
            put_number(out, validator->max);
        else
            sluice_buf_puts(out, "...");
        sluice_buf_putc(out, ']');
        break;
    }
    case SLUICE_VALIDATOR_ONE_OF:
    case SLUICE_VALIDATOR_ONE_OF_NOCASE:
    case SLUICE_VALIDATOR_LIST_OF:
        sluice_buf_putc(out, '[');
        for (size_t i = 0; validator->values && validator->values[i]; i++)
            sluice_buf_printf(out, "%s%s", i ? ", " : "", validator->values[i]);
        sluice_buf_putc(out, ']');
        if (validator->kind == SLUICE_VALIDATOR_ONE_OF_NOCASE)
            sluice_buf_puts(out, " (any case)");
        break;
    case SLUICE_VALIDATOR_NON_EMPTY: sluice_buf_puts(out, "non-empty string"); break;
    case SLUICE_VALIDATOR_NON_EMPTY_NO_CTRL:
        sluice_buf_puts(out, "non-empty string without ISO control characters");
        break;
    case SLUICE_VALIDATOR_NONE:
    case SLUICE_VALIDATOR_CUSTOM:
    default: break;
    }
}

static void put_default(sluice_buf_t *out, const sluice_config_key_t *key)
{
    if (key->required)
        sluice_buf_puts(out, "(required)");
    else if (!key->default_value)
        sluice_buf_puts(out, "null");
    else if (key->type == SLUICE_CONFIG_PASSWORD)
        sluice_buf_puts(out, "[hidden]");
    else if (!key->default_value[0])
        sluice_buf_puts(out, "\"\"");
    else
        sluice_buf_puts(out, key->default_value);
}

static void print_config_table(const sluice_config_key_t *keys)
{
    if (!keys || !keys[0].name) {
        printf("  (no configuration keys)\n");
        return;
    }
    static const char *const headers[] = {"NAME",         "TYPE",       "DEFAULT",
                                          "VALID VALUES", "IMPORTANCE", "DOC"};
    cli_table_t *table = cli_table_new(6, headers);
    sluice_buf_t *def = sluice_buf_new();
    sluice_buf_t *valid = sluice_buf_new();
    bool any_required = false;
    for (size_t i = 0; keys[i].name; i++) {
        const sluice_config_key_t *key = &keys[i];
        sluice_buf_reset(def);
        sluice_buf_reset(valid);
        put_default(def, key);
        put_validator(valid, &key->validator);
        any_required |= key->required;
        char *name = mem_alloc(strlen(key->name) + 3);
        sprintf(name, "%s%s", key->name, key->required ? " *" : "");
        const char *cells[] = {name,
                               sluice_config_type_name(key->type),
                               sluice_buf_data(def),
                               sluice_buf_data(valid),
                               sluice_importance_name(key->importance),
                               key->doc};
        cli_table_add_row(table, cells);
        free(name);
    }
    cli_table_print(table, stdout);
    if (any_required)
        printf("\n* required: the key has no default and must be set.\n");
    sluice_buf_destroy(valid);
    sluice_buf_destroy(def);
    cli_table_destroy(table);
}

static void describe_class(const plugin_registry_t *registry, const sluice_class_t *cls)
{
    sluice_buf_t *aliases = sluice_buf_new();
    class_aliases(registry, cls, aliases);
    printf("%s\n", cls->name);
    printf("  Type:    %s\n", sluice_class_kind_name(cls->kind));
    printf("  Version: %s\n", cls->version);
    if (sluice_buf_len(aliases))
        printf("  Aliases: %s\n", sluice_buf_data(aliases));
    printf("  Library: %s\n", plugin_registry_file_of(registry, cls));
    if (cls->doc)
        printf("  %s\n", cls->doc);
    printf("\nConfiguration:\n");
    print_config_table(cls->config);
    bool connector =
        cls->kind == SLUICE_CLASS_SOURCE_CONNECTOR || cls->kind == SLUICE_CLASS_SINK_CONNECTOR;
    if (connector && cls->task_config && cls->task_config != cls->config) {
        printf("\nTask configuration:\n");
        print_config_table(cls->task_config);
    }
    sluice_buf_destroy(aliases);
}

static int plugins_describe(const plugin_registry_t *registry, const char *name)
{
    const sluice_class_t *found = plugin_registry_find_any(registry, name);
    if (!found) {
        const char *close[5];
        size_t n = plugin_registry_suggest(registry, (sluice_class_kind_t)0, name, close, 5);
        fprintf(stderr, "sluice: no plugin class named '%s'", name);
        if (n == 1) {
            fprintf(stderr, "; did you mean %s?\n", close[0]);
        } else if (n > 1) {
            fprintf(stderr, "; did you mean one of these?\n");
            for (size_t i = 0; i < n; i++)
                fprintf(stderr, "    %s\n", close[i]);
        } else {
            fprintf(stderr, "\n");
        }
        fprintf(stderr, "Run 'sluice plugins' to list every class.\n");
        return CLI_EXIT_FAILURE;
    }
    /* A name may serve several kinds (a converter that is also a header
     * converter, as Kafka's StringConverter): describe each. */
    bool first = true;
    for (size_t i = 0; i < plugin_registry_count(registry); i++) {
        const sluice_class_t *cls = plugin_registry_class_at(registry, i);
        if (strcmp(cls->name, found->name) != 0)
            continue;
        if (!first)
            printf("\n");
        describe_class(registry, cls);
        first = false;
    }
    return CLI_EXIT_OK;
}

/* ---- the command --------------------------------------------------------------------- */

int cli_plugins(int argc, char **argv)
{
    const char **paths = mem_calloc((size_t)argc, sizeof(*paths));
    size_t npaths = 0;
    const char *words[3];
    size_t nwords = 0;
    bool filter = false;
    sluice_class_kind_t kind = SLUICE_CLASS_SOURCE_CONNECTOR;
    int status = CLI_EXIT_USAGE;

    for (int i = 1; i < argc; i++) {
        const char *value;
        int got;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            plugins_usage(stdout);
            status = CLI_EXIT_OK;
            goto done;
        }
        if ((got = cli_option_value(argc, argv, &i, "--plugin-path", &value)) != 0) {
            if (got < 0)
                goto usage;
            paths[npaths++] = value;
            continue;
        }
        if ((got = cli_option_value(argc, argv, &i, "--type", &value)) != 0) {
            if (got < 0)
                goto usage;
            if (!kind_parse(value, &kind)) {
                fprintf(stderr, "sluice plugins: unknown type '%s'\n", value);
                goto usage;
            }
            filter = true;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "sluice plugins: unknown option '%s'\n", argv[i]);
            goto usage;
        }
        if (nwords == sizeof words / sizeof words[0]) {
            fprintf(stderr, "sluice plugins: unexpected argument '%s'\n", argv[i]);
            goto usage;
        }
        words[nwords++] = argv[i];
    }

    bool describe = nwords > 0 && strcmp(words[0], "describe") == 0;
    if (nwords > 0 && !describe && strcmp(words[0], "list") != 0) {
        fprintf(stderr, "sluice plugins: unknown action '%s'\n", words[0]);
        goto usage;
    }
    if (describe && nwords != 2) {
        fprintf(stderr, nwords < 2 ? "sluice plugins describe: which class?\n"
                                   : "sluice plugins describe: one class at a time\n");
        goto usage;
    }
    if (describe && filter) {
        fprintf(stderr, "sluice plugins describe: --type only applies to listing\n");
        goto usage;
    }
    if (!describe && nwords > 1) {
        fprintf(stderr, "sluice plugins: unexpected argument '%s'\n", words[1]);
        goto usage;
    }

    int failures = 0;
    plugin_registry_t *registry = plugins_load(paths, npaths, &failures);
    if (describe) {
        status = plugins_describe(registry, words[1]);
    } else {
        status = plugins_list(registry, filter, kind);
        if (failures > 0) {
            fprintf(stderr,
                    "sluice: %d plugin librar%s or path%s could not be loaded (reasons above)\n",
                    failures, failures == 1 ? "y" : "ies", failures == 1 ? "" : "s");
            status = CLI_EXIT_FAILURE;
        }
    }
    plugin_registry_destroy(registry);
    goto done;

usage:
    plugins_usage(stderr);
    status = CLI_EXIT_USAGE;
done:
    free(paths);
    return status;
}
