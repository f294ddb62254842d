# The sink task loop (worker/sink_task.c) against the integrated broker run
# in-process, with the real FileStreamSink and JsonConverter plugins and a
# probe sink (tests/plugins/sink_probe_plugin.c) for put retries,
# pre_commit and seeks.
set(SLUICE_SINK_PROBE_DIR ${CMAKE_BINARY_DIR}/test-plugins-sink)
add_library(test_plugin_sink_probe MODULE ${CMAKE_CURRENT_LIST_DIR}/plugins/sink_probe_plugin.c)
target_link_libraries(test_plugin_sink_probe PRIVATE sluice_headers)
set_target_properties(test_plugin_sink_probe PROPERTIES
  PREFIX ""
  OUTPUT_NAME sink_probe
  LIBRARY_OUTPUT_DIRECTORY ${SLUICE_SINK_PROBE_DIR})

sluice_add_broker_test(test_sink_task unit/test_sink_task.c)
target_compile_definitions(test_sink_task PRIVATE
  SLUICE_TEST_SINK_PROBE="${SLUICE_SINK_PROBE_DIR}/sink_probe.so")
add_dependencies(test_sink_task converters file-connectors transforms test_plugin_sink_probe)
