/*
 * A test plugin whose transform takes the name good_plugin's transform has.
 * Its other class is fine, yet the whole library must be refused, with a
 * message naming both files.
 */
#include <sluice/sluice.h>

#include <stddef.h>

static sluice_result_t dup_create(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                                  char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)config;
    (void)errstr;
    (void)errstr_size;
    *self = NULL;
    return SLUICE_OK;
}

static sluice_result_t dup_apply(void *self, sluice_record_t *record, char *errstr,
                                 size_t errstr_size)
{
    (void)self;
    (void)record;
    (void)errstr;
    (void)errstr_size;
    return SLUICE_DROP;
}

static bool dup_test(void *self, const sluice_record_t *record)
{
    (void)self;
    (void)record;
    return true;
}

static void dup_destroy(void *self)
{
    (void)self;
}

static const sluice_transform_ops_t dup_transform_ops = {
    .struct_size = sizeof(sluice_transform_ops_t),
    .create = dup_create,
    .apply = dup_apply,
    .destroy = dup_destroy,
};

static const sluice_predicate_ops_t dup_predicate_ops = {
    .struct_size = sizeof(sluice_predicate_ops_t),
    .create = dup_create,
    .test = dup_test,
    .destroy = dup_destroy,
};

static const sluice_class_t innocent_predicate = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_PREDICATE,
    .name = "org.sluice.test.duplicate.Always",
    .version = "0.0.1",
    .predicate = &dup_predicate_ops,
};

static const sluice_class_t clashing_transform = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_TRANSFORM,
    .name = "org.sluice.test.Uppercase",
    .version = "0.0.1",
    .transform = &dup_transform_ops,
};

static const sluice_class_t *const dup_classes[] = {&innocent_predicate, &clashing_transform, NULL};

SLUICE_PLUGIN_DECLARE("duplicate-test-plugin", "0.0.1", dup_classes)
