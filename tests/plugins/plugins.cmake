# Test plugins for the loader: real MODULE libraries, built into their own
# directory (never the built-in plugins directory, which the binary loads).
# Included from tests/loader.cmake.
set(SLUICE_TEST_LOADER_PLUGIN_DIR ${CMAKE_BINARY_DIR}/test-plugins)

# sluice_add_test_plugin(file_stem sources... [DEFINITIONS defs...])
function(sluice_add_test_plugin stem)
  cmake_parse_arguments(ARG "" "" "DEFINITIONS" ${ARGN})
  set(target test_plugin_${stem})
  add_library(${target} MODULE ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${target} PRIVATE sluice_headers)
  target_compile_definitions(${target} PRIVATE ${ARG_DEFINITIONS})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${stem}
    LIBRARY_OUTPUT_DIRECTORY ${SLUICE_TEST_LOADER_PLUGIN_DIR})
  set_property(GLOBAL APPEND PROPERTY SLUICE_TEST_PLUGIN_TARGETS ${target})
endfunction()

set(SLUICE_TEST_PLUGIN_SRC ${CMAKE_CURRENT_LIST_DIR})
sluice_add_test_plugin(good_plugin ${SLUICE_TEST_PLUGIN_SRC}/good_plugin.c)
sluice_add_test_plugin(bad_abi_plugin ${SLUICE_TEST_PLUGIN_SRC}/bad_abi_plugin.c)
sluice_add_test_plugin(no_entry_plugin ${SLUICE_TEST_PLUGIN_SRC}/no_entry_plugin.c)
sluice_add_test_plugin(duplicate_plugin ${SLUICE_TEST_PLUGIN_SRC}/duplicate_plugin.c)
sluice_add_test_plugin(undefined_symbol_plugin ${SLUICE_TEST_PLUGIN_SRC}/undefined_symbol_plugin.c)

# One library per defect of bad_descriptor_plugin.c (see its BAD_* cases).
set(SLUICE_BAD_DESCRIPTOR_CASES
  no_converter_ops small_class small_ops no_name unknown_kind null_callback
  null_descriptor small_plugin same_name_twice no_classes bad_config_type)
set(bad_case 1)
foreach(case ${SLUICE_BAD_DESCRIPTOR_CASES})
  sluice_add_test_plugin(bad_descriptor_${case} ${SLUICE_TEST_PLUGIN_SRC}/bad_descriptor_plugin.c
                         DEFINITIONS BAD_CASE=${bad_case})
  math(EXPR bad_case "${bad_case} + 1")
endforeach()
