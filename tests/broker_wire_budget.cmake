# The wire codec's per-decode allocation budget: hostile requests refused,
# large real ones decoded.
sluice_add_broker_test(test_broker_wire_budget unit/test_broker_wire_budget.c)
