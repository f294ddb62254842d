/* The built-in config providers, with Kafka's class names. */
#include "providers.h"

static const sluice_class_t *const config_provider_classes[] = {
    &file_config_provider_class,
    &directory_config_provider_class,
    &env_var_config_provider_class,
    NULL,
};

SLUICE_PLUGIN_DECLARE("config-providers", SLUICE_VERSION_STRING, config_provider_classes)
