# The converters plugin, loaded as the real converters.so through the
# plugin registry.
sluice_add_unit_test(test_json_converter unit/test_json_converter.c unit/converter_harness.c)
add_dependencies(test_json_converter converters)
sluice_add_unit_test(test_converters unit/test_converters.c unit/converter_harness.c)
add_dependencies(test_converters converters)
