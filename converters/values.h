/*
 * Kafka's org.apache.kafka.connect.data.Values text forms, used by
 * SimpleHeaderConverter: convertToString writes any value as text, and
 * parseString reads such text back, inferring the schema.
 */
#ifndef CONVERTERS_VALUES_H
#define CONVERTERS_VALUES_H

#include <sluice/sluice.h>

/*
 * Appends Values.convertToString(schema, value): numbers as Java prints
 * them, strings as they are (quoted and escaped inside arrays and maps),
 * bytes as base64, arrays "[1,2]", maps and structs {"k":v}, Date, Time and
 * Timestamp values as ISO-8601 text in UTC. value NULL appends "null".
 */
void values_to_string(const sluice_schema_t *schema, const sluice_value_t *value,
                      sluice_buf_t *out);

/*
 * Values.parseString: the value text of len bytes (UTF-8) stands for, and
 * its schema: "true"/"false" → BOOLEAN, "null" → null, integers → the
 * narrowest of INT8…INT64 (larger ones a Decimal), other numbers FLOAT32
 * (FLOAT64 past float's range), ISO-8601 dates, times and timestamps →
 * Date / Time / Timestamp, [..] → ARRAY and {..} → MAP when their elements
 * parse, anything else → STRING. *schema gets a new reference and *value a
 * value the caller owns (NULL for null). *schema is NULL for null, and for
 * an array or map whose elements share no schema; such a container never
 * holds a Decimal, Date, Time or Timestamp, whose type only a schema could
 * keep (that text is a STRING), so values_to_string writes it back as read.
 */
void values_parse(const char *text, size_t len, const sluice_schema_t **schema,
                  sluice_value_t **value);

#endif
