/* Kafka's names for the kinds of plugin class, as its REST API prints them. */
#include <sluice/plugin.h>

#include <stddef.h>

static const char *const class_kind_names[] = {
    [SLUICE_CLASS_SOURCE_CONNECTOR] = "source",
    [SLUICE_CLASS_SINK_CONNECTOR] = "sink",
    [SLUICE_CLASS_CONVERTER] = "converter",
    [SLUICE_CLASS_HEADER_CONVERTER] = "header_converter",
    [SLUICE_CLASS_TRANSFORM] = "transformation",
    [SLUICE_CLASS_PREDICATE] = "predicate",
    [SLUICE_CLASS_CONFIG_PROVIDER] = "config_provider",
};

SLUICE_EXPORT const char *sluice_class_kind_name(sluice_class_kind_t kind)
{
    /* The kind may come from a plugin, so any int value is possible. */
    int k = (int)kind;
    if (k < SLUICE_CLASS_SOURCE_CONNECTOR || k > SLUICE_CLASS_CONFIG_PROVIDER)
        return NULL;
    return class_kind_names[k];
}
