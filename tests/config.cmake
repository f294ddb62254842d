# The configuration layer: properties files, typed configs, config providers.
sluice_add_unit_test(test_properties unit/test_properties.c)
sluice_add_unit_test(test_config unit/test_config.c)
sluice_add_unit_test(test_config_providers unit/test_config_providers.c)
# The provider tests load the real built plugin.
add_dependencies(test_config_providers config-providers)
