/*
 * DropHeaders: removes every header whose key is one of `headers`.
 */
#include "transforms.h"

/* clang-format off */
static const sluice_config_key_t drop_headers_config[] = {
    {.name = "headers", .type = SLUICE_CONFIG_LIST, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH, .validator = SLUICE_NON_EMPTY,
     .doc = "The keys of the headers to remove (every header with one of these keys goes)."},
    SLUICE_CONFIG_END};
/* clang-format on */

static void drop_headers_destroy(void *self)
{
    tf_names_t *names = self;
    if (!names)
        return;
    tf_names_clear(names);
    free(names);
}

static sluice_result_t drop_headers_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                           void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    tf_names_t *names = tf_calloc(1, sizeof(*names));
    tf_names_from_config(names, config, "headers");
    if (names->count == 0) {
        drop_headers_destroy(names);
        return tf_fail(errstr, errstr_size,
                       "Invalid value [] for configuration headers: Empty list");
    }
    *self = names;
    return SLUICE_OK;
}

static sluice_result_t drop_headers_apply(void *self, sluice_record_t *record, char *errstr,
                                          size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    const tf_names_t *names = self;
    sluice_headers_t *headers = sluice_record_headers(record);
    if (sluice_headers_count(headers) == 0)
        return SLUICE_OK;
    for (size_t i = 0; i < names->count; i++)
        sluice_headers_remove(headers, names->items[i]);
    return SLUICE_OK;
}

static const sluice_transform_ops_t drop_headers_ops = {
    .struct_size = sizeof(sluice_transform_ops_t),
    .create = drop_headers_create,
    .apply = drop_headers_apply,
    .destroy = drop_headers_destroy,
};

const sluice_class_t tf_drop_headers_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_TRANSFORM,
    .name = TF_PACKAGE "DropHeaders",
    .version = TF_VERSION,
    .doc = "Removes the headers with the given keys from every record.",
    .config = drop_headers_config,
    .transform = &drop_headers_ops,
};
