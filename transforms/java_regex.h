/*
 * Java regular expressions (java.util.regex.Pattern), as Kafka's RegexRouter
 * and TopicNameMatches take them, run on POSIX regcomp/regexec.
 *
 * The pattern is translated to a POSIX extended expression and anchored, so
 * it always matches a whole string, as Java's Matcher.matches(). The
 * translation keeps Java's meaning for what both dialects can express and
 * refuses the rest with a message naming the construct:
 *   - kept: literals and escaped punctuation, . ^ $ | ( ), greedy * + ? and
 *     {n}, {n,}, {n,m}, bracket classes with ranges and negation, \d \s \w
 *     (in and out of brackets), \D \S \W (outside brackets), \t \n \r \f,
 *     \Q...\E quoting, non-capturing (?:...) groups (group numbers stay
 *     Java's);
 *   - refused: reluctant (*?) and possessive (*+) quantifiers, look-around,
 *     named and atomic groups, inline flags such as (?i), back-references,
 *     \b \B \A \z \Z \G, \p{...} classes, \x \u \0 \c escapes, nested
 *     classes and && intersections.
 * Where a pattern can match a string in several ways, POSIX takes the
 * leftmost-longest match and Java the first alternative that works, so the
 * text a capturing group holds may differ for such ambiguous patterns
 * (whether the whole string matches never does).
 */
#ifndef TRANSFORMS_JAVA_REGEX_H
#define TRANSFORMS_JAVA_REGEX_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct tf_regex tf_regex_t;

/* Compiles a Java pattern. Returns NULL with the reason in errstr. */
tf_regex_t *tf_regex_new(const char *pattern, char *errstr, size_t errstr_size);

/* NULL does nothing. */
void tf_regex_destroy(tf_regex_t *re);

/* Java's capturing group count (Matcher.groupCount()). */
size_t tf_regex_group_count(const tf_regex_t *re);

/*
 * True when the whole of text matches. groups, when not NULL, must hold
 * group_count + 1 entries and gets the span of the whole match (0) and of
 * each Java group (-1 offsets for a group that took no part).
 */
bool tf_regex_matches(const tf_regex_t *re, const char *text, regmatch_t *groups);

/* The check behind the regex config validators: compiles and frees. */
int tf_regex_check(const char *name, const char *value, char *errstr, size_t errstr_size);

#endif
