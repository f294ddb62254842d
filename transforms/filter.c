/*
 * Filter: drops every record. It is meant to run under a predicate
 * (transforms.<name>.predicate), so that only the records the predicate
 * selects (or, with negate=true, does not select) are dropped.
 */
#include "transforms.h"

static sluice_result_t filter_create(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                                     char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)config;
    (void)errstr;
    (void)errstr_size;
    static char stateless; /* a non-NULL self, though there is no state */
    *self = &stateless;
    return SLUICE_OK;
}

static sluice_result_t filter_apply(void *self, sluice_record_t *record, char *errstr,
                                    size_t errstr_size)
{
    (void)self;
    (void)record;
    (void)errstr;
    (void)errstr_size;
    return SLUICE_DROP;
}

static void filter_destroy(void *self)
{
    (void)self;
}

static const sluice_transform_ops_t filter_ops = {
    .struct_size = sizeof(sluice_transform_ops_t),
    .create = filter_create,
    .apply = filter_apply,
    .destroy = filter_destroy,
};

static const sluice_config_key_t filter_config[] = {SLUICE_CONFIG_END};

const sluice_class_t tf_filter_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_TRANSFORM,
    .name = TF_PACKAGE "Filter",
    .version = TF_VERSION,
    .doc = "Drops every record; use it with a predicate to drop only the records that match.",
    .config = filter_config,
    .transform = &filter_ops,
};
