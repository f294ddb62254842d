/*
 * A test plugin that calls a host function this sluice does not have (as a
 * plugin built against a newer sluice might). The loader binds libraries
 * immediately, so it must be refused at load time, naming the symbol,
 * instead of killing the process when the function is first called.
 */
#include <sluice/sluice.h>

/* Deliberately not provided by any sluice binary. */
void sluice_function_from_the_future(void);

static sluice_result_t future_create(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                                     char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)config;
    (void)errstr;
    (void)errstr_size;
    sluice_function_from_the_future();
    *self = NULL;
    return SLUICE_OK;
}

static sluice_result_t future_apply(void *self, sluice_record_t *record, char *errstr,
                                    size_t errstr_size)
{
    (void)self;
    (void)record;
    (void)errstr;
    (void)errstr_size;
    return SLUICE_OK;
}

static void future_destroy(void *self)
{
    (void)self;
}

static const sluice_transform_ops_t future_ops = {
    .struct_size = sizeof(sluice_transform_ops_t),
    .create = future_create,
    .apply = future_apply,
    .destroy = future_destroy,
};

static const sluice_class_t future_transform = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_TRANSFORM,
    .name = "org.sluice.test.FutureTransform",
    .version = "1.0.0",
    .transform = &future_ops,
};

static const sluice_class_t *const future_classes[] = {&future_transform, NULL};

SLUICE_PLUGIN_DECLARE("undefined-symbol-test-plugin", "1.0.0", future_classes)
