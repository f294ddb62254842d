# The transforms plugin, loaded as the real transforms.so through the plugin
# registry.
sluice_add_unit_test(test_transforms unit/test_transforms.c)
add_dependencies(test_transforms transforms)
