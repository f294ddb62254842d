/*
 * Sluice public plugin ABI: include this one header in a plugin.
 */
#ifndef SLUICE_SLUICE_H
#define SLUICE_SLUICE_H

#include "common.h"
#include "buf.h"
#include "strmap.h"
#include "schema.h"
#include "value.h"
#include "record.h"
#include "config.h"
#include "plugin.h"
#include "properties.h"

#endif /* SLUICE_SLUICE_H */
