# The worker's and connectors' configuration layer (worker/worker_config.c,
# worker/connector_config.c), checked against the real built plugins.
sluice_add_unit_test(test_worker_config unit/test_worker_config.c)
add_dependencies(test_worker_config converters file-connectors transforms)
