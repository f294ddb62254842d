typedef int sluice_placeholder_t;
