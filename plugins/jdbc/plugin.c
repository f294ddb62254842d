/* The JDBC connectors for MySQL/MariaDB, with Confluent's class names. */
#include "jdbc_common.h"
#include "jdbc_source.h"
#if __has_include("jdbc_sink.h")
#include "jdbc_sink.h"
#define JDBC_HAVE_SINK 1
#endif

static const sluice_class_t *const jdbc_connector_classes[] = {
    &jdbc_source_connector_class,
#ifdef JDBC_HAVE_SINK
    &jdbc_sink_connector_class,
#endif
    NULL,
};

SLUICE_PLUGIN_DECLARE("jdbc-connectors", JDBC_CONNECTORS_VERSION, jdbc_connector_classes)
