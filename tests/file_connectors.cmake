# The FileStream connectors plugin (plugins/file), loaded through the real
# registry and driven through its connector and task callbacks.
sluice_add_unit_test(test_file_connectors unit/test_file_connectors.c)
target_link_libraries(test_file_connectors PRIVATE Threads::Threads)
add_dependencies(test_file_connectors file-connectors)
