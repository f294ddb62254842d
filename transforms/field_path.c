/*
 * Field path parsing and lookup (KIP-821's SingleFieldPath).
 */
#include "field_path.h"

#include "transforms.h"

static void tf_path_add(tf_path_t *path, const char *text, size_t len)
{
    path->steps = tf_realloc(path->steps, (path->count + 1) * sizeof(char *));
    path->steps[path->count++] = tf_strndup(text, len);
}

static int tf_path_incomplete(const char *text, size_t backtick, char *errstr, size_t errstr_size)
{
    snprintf(errstr, errstr_size,
             "Incomplete backtick pair in path: [%s], consider adding a backslash before backtick "
             "at position %zu to escape it",
             text, backtick);
    return -1;
}

/* Reads the backticked step opening at text[*i]; on return *i is past it and
 * the '.' that follows. */
static int tf_path_quoted(tf_path_t *path, const char *text, size_t len, size_t *i, char *errstr,
                          size_t errstr_size)
{
    size_t open = *i;
    size_t start = open + 1, at = start;
    sluice_buf_t *step = sluice_buf_new();
    int rc = -1;
    for (;;) {
        const char *close = strchr(text + at, '`');
        if (!close) {
            tf_path_incomplete(text, open, errstr, errstr_size);
            goto done;
        }
        size_t c = (size_t)(close - text);
        bool escaped = text[c - 1] == '\\';
        if (c + 1 >= len) { /* the last character */
            if (escaped) {
                tf_path_incomplete(text, open, errstr, errstr_size);
                goto done;
            }
            sluice_buf_append(step, text + start, c - start);
            *i = c + 1;
            break;
        }
        if (text[c + 1] != '.') { /* part of the name: keep looking */
            at = c + 1;
            continue;
        }
        if (escaped) { /* \` before a dot: a backtick in the name */
            sluice_buf_append(step, text + start, c - 1 - start);
            sluice_buf_putc(step, '`');
            at = start = c + 1;
            continue;
        }
        sluice_buf_append(step, text + start, c - start);
        *i = c + 2;
        break;
    }
    tf_path_add(path, sluice_buf_data(step), sluice_buf_len(step));
    rc = 0;
done:
    sluice_buf_destroy(step);
    return rc;
}

int tf_path_parse(tf_path_t *path, const char *text, bool v2, char *errstr, size_t errstr_size)
{
    memset(path, 0, sizeof *path);
    path->text = tf_strdup(text);
    if (!v2) {
        tf_path_add(path, text, strlen(text));
        return 0;
    }
    size_t len = strlen(text);
    if (len == 0) {
        snprintf(errstr, errstr_size, "the field path is empty");
        tf_path_clear(path);
        return -1;
    }
    size_t i = 0;
    while (i < len) {
        if (text[i] == '`') {
            if (tf_path_quoted(path, text, len, &i, errstr, errstr_size) < 0) {
                tf_path_clear(path);
                return -1;
            }
            continue;
        }
        const char *dot = strchr(text + i, '.');
        size_t end = dot ? (size_t)(dot - text) : len;
        tf_path_add(path, text + i, end - i);
        i = dot ? end + 1 : len;
    }
    if (text[len - 1] == '.')
        tf_path_add(path, "", 0);
    return 0;
}

void tf_path_clear(tf_path_t *path)
{
    for (size_t i = 0; i < path->count; i++)
        free(path->steps[i]);
    free(path->steps);
    free(path->text);
    memset(path, 0, sizeof *path);
}

int tf_path_field_schema(const tf_path_t *path, const sluice_schema_t *schema,
                         const sluice_schema_t **field, char *errstr, size_t errstr_size)
{
    *field = NULL;
    const sluice_schema_t *current = schema;
    for (size_t s = 0; s < path->count; s++) {
        if (sluice_schema_type(current) != SLUICE_TYPE_STRUCT) {
            snprintf(errstr, errstr_size, "Cannot look up fields on non-struct type %s%s%s",
                     sluice_type_name(sluice_schema_type(current)), s ? " at field " : "",
                     s ? path->steps[s - 1] : "");
            return -1;
        }
        int i = sluice_schema_field_index(current, path->steps[s]);
        if (i < 0)
            return 0;
        current = sluice_schema_field_schema(current, (size_t)i);
    }
    *field = current;
    return 0;
}

int tf_path_struct_value(const tf_path_t *path, const sluice_value_t *st, bool with_default,
                         const sluice_value_t **value, char *errstr, size_t errstr_size)
{
    *value = NULL;
    const sluice_value_t *current = st;
    for (size_t s = 0; s < path->count; s++) {
        if (s > 0 && (!current || sluice_value_type(current) != SLUICE_TYPE_STRUCT)) {
            if (!current)
                return 0;
            snprintf(errstr, errstr_size,
                     "Only Struct objects supported for [nested field access], found: %s (at "
                     "field %s)",
                     tf_type_of(current), path->steps[s - 1]);
            return -1;
        }
        int i = sluice_schema_field_index(sluice_value_struct_schema(current), path->steps[s]);
        if (i < 0)
            return 0;
        bool last = s + 1 == path->count;
        /* intermediate steps use the default as Struct.get does */
        current = tf_struct_field(current, (size_t)i, last ? with_default : true);
    }
    *value = current;
    return 0;
}

int tf_path_map_value(const tf_path_t *path, const sluice_value_t *map,
                      const sluice_value_t **value, char *errstr, size_t errstr_size)
{
    *value = NULL;
    const sluice_value_t *current = map;
    for (size_t s = 0; s < path->count; s++) {
        if (s > 0 && (!current || sluice_value_type(current) != SLUICE_TYPE_MAP)) {
            if (!current)
                return 0;
            snprintf(errstr, errstr_size,
                     "Only Map objects supported in absence of schema for [nested field access], "
                     "found: %s (at field %s)",
                     tf_type_of(current), path->steps[s - 1]);
            return -1;
        }
        current = sluice_value_map_get_str(current, path->steps[s]);
    }
    *value = current;
    return 0;
}
