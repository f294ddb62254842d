# End-to-end tests of the sluice command: shell scripts that run the real
# binary (and, for the example plugin, an installed copy of it).
find_program(SLUICE_BASH bash REQUIRED)

# sluice_add_e2e_test(name script args...)
function(sluice_add_e2e_test name script)
  add_test(NAME ${name} COMMAND ${SLUICE_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/${script} ${ARGN})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1")
endfunction()

sluice_add_e2e_test(cli_e2e cli.sh
  $<TARGET_FILE:sluice> $<TARGET_FILE:test_plugin_good_plugin> $<TARGET_FILE:test_plugin_bad_abi_plugin>)

sluice_add_e2e_test(example_plugin_e2e example_plugin.sh
  ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/examples/counter-source)
# It installs the whole build tree, so everything must be built; it takes a
# while and must not race another test writing into the build tree.
set_tests_properties(example_plugin_e2e PROPERTIES RUN_SERIAL TRUE)
