# JsonConverter's reading fast path against its jansson path, through the
# real converters.so.
sluice_add_unit_test(test_json_fast_path unit/test_json_fast_path.c unit/converter_harness.c)
add_dependencies(test_json_fast_path converters)
