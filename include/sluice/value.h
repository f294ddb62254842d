/*
 * Sluice public plugin ABI: values, as in Kafka Connect's data model.
 *
 * A value is a tree with a single owner. A NULL pointer is Kafka's null.
 * Functions that store a value (array append, map put, struct put, record
 * setters) take ownership of it; getters return borrowed pointers that stay
 * valid until the container changes or is destroyed.
 *
 * A value that does not change can instead be shared: sluice_value_ref adds
 * an owner, and each owner gives its reference up with sluice_value_destroy
 * (stored values are given up by their container). While a value has more
 * than one owner it is read-only: appending to, putting into or taking from
 * it (or from a container inside it) is a bug and stops the process. A
 * source that gives every record the same source partition shares one value
 * instead of copying it per record. Do not share a record's key or value:
 * transforms may change those in place.
 *
 * Value types mirror schema types. Logical types use their underlying type:
 * a Date is an INT32 (days), a Time an INT32 (ms), a Timestamp an INT64 (ms)
 * and a Decimal BYTES holding the unscaled value in two's-complement
 * big-endian (as Java's BigInteger.toByteArray), its scale in the schema.
 */
#ifndef SLUICE_VALUE_H
#define SLUICE_VALUE_H

#include "buf.h"
#include "schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- primitives -------------------------------------------------------- */

sluice_value_t *sluice_value_int8(int8_t v);
sluice_value_t *sluice_value_int16(int16_t v);
sluice_value_t *sluice_value_int32(int32_t v);
sluice_value_t *sluice_value_int64(int64_t v);
sluice_value_t *sluice_value_float32(float v);
sluice_value_t *sluice_value_float64(double v);
sluice_value_t *sluice_value_boolean(bool v);

/* A STRING holding a copy of len bytes of str (UTF-8, need not be NUL-terminated). */
sluice_value_t *sluice_value_string(const char *str, size_t len);

/* A STRING holding a copy of the NUL-terminated str. */
sluice_value_t *sluice_value_cstring(const char *str);

/* A STRING that takes str, which must come from malloc() and have a NUL at
 * str[len]; it is freed with free(). */
sluice_value_t *sluice_value_string_take(char *str, size_t len);

/* BYTES holding a copy of len bytes. */
sluice_value_t *sluice_value_bytes(const void *data, size_t len);

/* ---- containers -------------------------------------------------------- */

/* An empty ARRAY. */
sluice_value_t *sluice_value_array_new(void);

/* Appends item (taken; NULL appends a null element). */
void sluice_value_array_append(sluice_value_t *array, sluice_value_t *item);

size_t sluice_value_array_count(const sluice_value_t *array);
const sluice_value_t *sluice_value_array_get(const sluice_value_t *array, size_t i);

/* An empty MAP. Entries keep insertion order. */
sluice_value_t *sluice_value_map_new(void);

/* An empty MAP with room for capacity entries made with it in one
 * allocation (up to 16; a map grows past it as any other), for maps whose
 * size is known, such as a source offset built per record. */
sluice_value_t *sluice_value_map_new_sized(size_t capacity);

/* Puts key → value, taking both. A key equal (sluice_value_equals) to an
 * existing one replaces that entry's value in place and frees the new key. */
void sluice_value_map_put(sluice_value_t *map, sluice_value_t *key, sluice_value_t *value);

/* Convenience: key is a STRING copied from str. */
void sluice_value_map_put_str(sluice_value_t *map, const char *key, sluice_value_t *value);

size_t sluice_value_map_count(const sluice_value_t *map);
const sluice_value_t *sluice_value_map_key_at(const sluice_value_t *map, size_t i);
const sluice_value_t *sluice_value_map_value_at(const sluice_value_t *map, size_t i);

/* The value stored under the STRING key str, or NULL when absent (or null). */
const sluice_value_t *sluice_value_map_get_str(const sluice_value_t *map, const char *key);

/* A STRUCT for a STRUCT schema (a reference is taken); every field starts
 * null. Returns NULL when schema is not a struct. */
sluice_value_t *sluice_value_struct_new(const sluice_schema_t *schema);

/*
 * Sets a field, taking value (NULL sets null). The value's type must match
 * the field's schema type (nested values are checked when the struct is
 * validated). Returns 0, or -1 with errstr naming the field when there is no
 * such field or the type is wrong; value is freed on failure too.
 */
int sluice_value_struct_put(sluice_value_t *st, const char *field, sluice_value_t *value,
                            char *errstr, size_t errstr_size);

/* The same by field index. */
int sluice_value_struct_put_at(sluice_value_t *st, size_t index, sluice_value_t *value,
                               char *errstr, size_t errstr_size);

/* A field's value (NULL when null or no such field). */
const sluice_value_t *sluice_value_struct_get(const sluice_value_t *st, const char *field);
const sluice_value_t *sluice_value_struct_get_at(const sluice_value_t *st, size_t index);

/* Detaches a field's value, leaving null; the caller owns the result. */
sluice_value_t *sluice_value_struct_take_at(sluice_value_t *st, size_t index);

/* The struct's schema (borrowed). */
const sluice_schema_t *sluice_value_struct_schema(const sluice_value_t *st);

/* ---- reading ----------------------------------------------------------- */

/* The value's type. Undefined for NULL (check for null first). */
sluice_type_t sluice_value_type(const sluice_value_t *value);

/* Typed getters; the value must be of that type (else 0 / false / NULL). */
int8_t sluice_value_get_int8(const sluice_value_t *value);
int16_t sluice_value_get_int16(const sluice_value_t *value);
int32_t sluice_value_get_int32(const sluice_value_t *value);
int64_t sluice_value_get_int64(const sluice_value_t *value);
float sluice_value_get_float32(const sluice_value_t *value);
double sluice_value_get_float64(const sluice_value_t *value);
bool sluice_value_get_boolean(const sluice_value_t *value);

/* STRING: the bytes, NUL-terminated; *len (may be NULL) gets the length.
 * For NULL or another type: NULL, and *len is set to 0. */
const char *sluice_value_get_string(const sluice_value_t *value, size_t *len);

/* BYTES: the bytes; *len (may be NULL) gets the length. For NULL or another
 * type: NULL, and *len is set to 0. */
const uint8_t *sluice_value_get_bytes(const sluice_value_t *value, size_t *len);

/* ---- whole values ------------------------------------------------------ */

/* A deep copy; NULL gives NULL. */
sluice_value_t *sluice_value_copy(const sluice_value_t *value);

/*
 * Adds an owner to value and returns it (NULL gives NULL): the value is
 * freed when its last owner destroys it, and is read-only until then (see
 * the top of this file). Cheaper than a copy for a value many records carry
 * unchanged. Any thread; owners may destroy their references concurrently.
 */
sluice_value_t *sluice_value_ref(const sluice_value_t *value);

/* Deep equality of type and content; NULL equals NULL. Floats compare by bits,
 * so NaN equals the same NaN (as Java's Float.equals). */
bool sluice_value_equals(const sluice_value_t *a, const sluice_value_t *b);

/* Frees a value and everything it holds, or, for a shared value, gives up
 * one reference. NULL does nothing. */
void sluice_value_destroy(sluice_value_t *value);

/*
 * Checks value against schema as ConnectSchema.validateValue does: null is
 * allowed only for an optional schema or one with a default; types must
 * match; array items, map keys and values and struct fields are checked
 * recursively; a struct must have been built for an equal schema; logical
 * types have their underlying type. Returns 0, or -1 with errstr naming the
 * path to the bad part (e.g. "field login_time: expected int64, got string").
 */
int sluice_value_validate(const sluice_schema_t *schema, const sluice_value_t *value, char *errstr,
                          size_t errstr_size);

/* ---- decimals ---------------------------------------------------------- */

/*
 * Writes the decimal unscaled × 10^-scale in plain notation (as
 * BigDecimal.toPlainString: "12.50", "-0.001", "1200" for scale -2),
 * appending to out. unscaled is two's-complement big-endian, len >= 1.
 */
void sluice_decimal_to_string(const uint8_t *unscaled, size_t len, int32_t scale,
                              sluice_buf_t *out);

/*
 * Parses a decimal number ("-12.5", "3", "1.2E+3") and rescales it to scale,
 * appending the minimal two's-complement big-endian unscaled bytes to out.
 * Returns 0, or -1 with errstr when the text is not a number or cannot be
 * represented at that scale without losing digits.
 */
int sluice_decimal_from_string(const char *text, int32_t scale, sluice_buf_t *out, char *errstr,
                               size_t errstr_size);

/* ---- text --------------------------------------------------------------- */

/*
 * Appends the text Kafka's StringConverter and FileStreamSink write for a
 * Connect value: Java's String.valueOf of the Connect object. schema may be
 * NULL; it is used only where it describes the value (same type), for the
 * logical types and to reach nested ones. null is "null"; strings are
 * their bytes; integers and booleans as Java prints them; floats as
 * sluice_format_double; arrays "[a, b]", maps "{k=v, k2=v2}" (entry order),
 * structs "Struct{a=1,b=x}" with null fields left out; a Decimal as
 * BigDecimal.toString ("-1.50", "1.2E+3"); Date, Time and Timestamp as
 * java.util.Date.toString in UTC ("Wed Sep 04 16:43:24 UTC 2019", a Time
 * on 1970-01-01). Where Java would print an object identity or
 * zone-dependent text, the choices are StringConverter's: BYTES at the top
 * are written as they are, inside a container as base64; dates are in UTC
 * whatever the host's zone; a Decimal schema without a usable integer
 * scale leaves the value as BYTES. Nesting is not cut short. Any thread.
 */
void sluice_value_to_text(const sluice_schema_t *schema, const sluice_value_t *value,
                          sluice_buf_t *out);

/*
 * Appends Java's Double.toString(value), or Float.toString((float)value)
 * when is_float, of Java 19 and later: the shortest digits that read back
 * as the value; plain notation with at least one decimal ("100.0",
 * "0.001") for 1e-3 <= |value| < 1e7, else "1.0E7", "1.4E-45" style; "NaN",
 * "Infinity", "-Infinity", "-0.0". Any thread.
 */
void sluice_format_double(double value, bool is_float, sluice_buf_t *out);

/* Appends the standard base64 (RFC 4648 alphabet, '=' padding, no line
 * breaks, as java.util.Base64 and Jackson write) of len bytes. Any thread. */
void sluice_base64_encode(const void *data, size_t len, sluice_buf_t *out);

/* Appends the bytes that base64 text (len characters, standard alphabet)
 * encodes to out, as Jackson and java.util.Base64's MIME decoder read it:
 * whitespace is skipped, '=' padding is required. Returns 0, or -1 with
 * errstr naming the offending character and its offset (out may then hold
 * part of the bytes). Any thread. */
int sluice_base64_decode(const char *text, size_t len, sluice_buf_t *out, char *errstr,
                         size_t errstr_size);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_VALUE_H */
