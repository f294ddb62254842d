# The herder's C API against the integrated broker run in-process, with the
# real file connectors (and the config providers, for placeholders kept
# unresolved in the connector store).
sluice_add_broker_test(test_herder unit/test_herder.c)
add_dependencies(test_herder converters file-connectors config-providers)
