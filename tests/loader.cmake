# The plugin loader: test plugins built as real .so files, and the unit test
# that loads them through plugin_registry.
include(${CMAKE_CURRENT_LIST_DIR}/plugins/plugins.cmake)

sluice_add_unit_test(test_plugin_loader unit/test_plugin_loader.c)
target_compile_definitions(test_plugin_loader PRIVATE
  SLUICE_TEST_LOADER_PLUGIN_DIR="${SLUICE_TEST_LOADER_PLUGIN_DIR}")
get_property(sluice_test_plugin_targets GLOBAL PROPERTY SLUICE_TEST_PLUGIN_TARGETS)
add_dependencies(test_plugin_loader ${sluice_test_plugin_targets})
