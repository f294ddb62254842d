/* The FileStream connectors, with Kafka's class names. */
#include "file_connectors.h"

static const sluice_class_t *const file_connector_classes[] = {
    &file_stream_source_class,
    &file_stream_sink_class,
    NULL,
};

SLUICE_PLUGIN_DECLARE("file-connectors", FILE_CONNECTORS_VERSION, file_connector_classes)
