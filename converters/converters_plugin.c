/*
 * The converters plugin: Kafka Connect's built-in converters and header
 * converters, under Kafka's class names so that existing worker and
 * connector configs work unchanged.
 */
#include "converters.h"

static const sluice_class_t *const converters_classes[] = {
    &json_converter_class,          &json_header_converter_class,
    &string_converter_class,        &string_header_converter_class,
    &byte_array_converter_class,    &byte_array_header_converter_class,
    &short_converter_class,         &short_header_converter_class,
    &integer_converter_class,       &integer_header_converter_class,
    &long_converter_class,          &long_header_converter_class,
    &float_converter_class,         &float_header_converter_class,
    &double_converter_class,        &double_header_converter_class,
    &boolean_converter_class,       &boolean_header_converter_class,
    &simple_header_converter_class, NULL,
};

SLUICE_PLUGIN_DECLARE("converters", CONVERTERS_VERSION, converters_classes)
