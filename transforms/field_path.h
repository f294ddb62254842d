/*
 * Field paths as Kafka's SingleFieldPath (KIP-821): with syntax V1 a path is
 * one top-level field name; with V2 dots separate nested steps, and a step
 * wrapped in backticks may contain dots (`a.b`.c; \` inside backticks for a
 * backtick followed by a dot).
 */
#ifndef TRANSFORMS_FIELD_PATH_H
#define TRANSFORMS_FIELD_PATH_H

#include <sluice/sluice.h>

typedef struct tf_path {
    char **steps;
    size_t count; /* at least 1 */
    char *text;   /* the path as configured, for messages */
} tf_path_t;

/* The field.syntax.version key of the transforms that take paths. */
#define TF_FIELD_SYNTAX_VERSION_KEY                                                                \
    {                                                                                              \
        .name = "field.syntax.version", .type = SLUICE_CONFIG_STRING, .default_value = "V1",       \
        .importance = SLUICE_IMPORTANCE_HIGH, .validator = SLUICE_ONE_OF_NOCASE("V1", "V2"),       \
        .doc = "How field paths are read. V1: a path is one field at the top level of the "        \
               "struct or map. V2: dots separate the steps into nested structs or maps, and a "    \
               "step containing dots is wrapped in backticks, e.g. `foo.bar`.baz for the field "   \
               "baz inside the field named foo.bar.",                                              \
    }

/* Parses text (v2: the V2 syntax). Returns 0, or -1 with the reason in errstr. */
int tf_path_parse(tf_path_t *path, const char *text, bool v2, char *errstr, size_t errstr_size);

void tf_path_clear(tf_path_t *path);

/*
 * The schema of the field at path inside the STRUCT schema (borrowed), or
 * NULL when there is none. Returns -1 (errstr set) when a step other than the
 * last lands on a schema that is not a struct, else 0.
 */
int tf_path_field_schema(const tf_path_t *path, const sluice_schema_t *schema,
                         const sluice_schema_t **field, char *errstr, size_t errstr_size);

/*
 * The value at path in a STRUCT value (borrowed; NULL when absent or null),
 * taking the defaults of null fields when with_default is set. Returns -1
 * (errstr set) when an intermediate value is not a struct, else 0.
 */
int tf_path_struct_value(const tf_path_t *path, const sluice_value_t *st, bool with_default,
                         const sluice_value_t **value, char *errstr, size_t errstr_size);

/* The same for a schemaless MAP with STRING keys. */
int tf_path_map_value(const tf_path_t *path, const sluice_value_t *map,
                      const sluice_value_t **value, char *errstr, size_t errstr_size);

#endif
