/*
 * The transforms plugin: Kafka Connect's built-in single message transforms
 * and predicates, under Kafka's class names so that existing connector
 * configs work unchanged.
 */
#include "transforms.h"

static const sluice_class_t *const transforms_classes[] = {
    &tf_filter_class,
    &tf_insert_field_key_class,
    &tf_insert_field_value_class,
    &tf_replace_field_key_class,
    &tf_replace_field_value_class,
    &tf_hoist_field_key_class,
    &tf_hoist_field_value_class,
    &tf_extract_field_key_class,
    &tf_extract_field_value_class,
    &tf_value_to_key_class,
    &tf_regex_router_class,
    &tf_timestamp_router_class,
    &tf_insert_header_class,
    &tf_drop_headers_class,
    &tf_topic_name_matches_class,
    &tf_record_is_tombstone_class,
    &tf_has_header_key_class,
    NULL,
};

SLUICE_PLUGIN_DECLARE("transforms", TF_VERSION, transforms_classes)
