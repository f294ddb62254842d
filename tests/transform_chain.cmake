# The worker's transform chain (transforms= / predicates=), over the real
# transforms.so loaded through the plugin registry.
sluice_add_unit_test(test_transform_chain unit/test_transform_chain.c)
add_dependencies(test_transform_chain transforms)
