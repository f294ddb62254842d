# The data model: schemas, values, decimals, records.
sluice_add_unit_test(test_schema unit/test_schema.c)
sluice_add_unit_test(test_value unit/test_value.c)
sluice_add_unit_test(test_record unit/test_record.c)
