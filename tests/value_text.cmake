# The host's text forms of values (sluice_value_to_text) and Java numbers
# (sluice_format_double), which StringConverter and FileStreamSink share.
sluice_add_unit_test(test_value_text unit/test_value_text.c)
