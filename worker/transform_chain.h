/*
 * The transform chain of one connector task, as Kafka's TransformationChain
 * and TransformationStage build it from a connector config:
 *
 *     transforms=insertSource,route
 *     transforms.insertSource.type=org.apache.kafka.connect.transforms.InsertField$Value
 *     transforms.insertSource.static.field=source
 *     transforms.insertSource.static.value=orders-db
 *     transforms.route.type=RegexRouter
 *     transforms.route.regex=(.*)
 *     transforms.route.replacement=copy-$1
 *     transforms.route.predicate=isOrders
 *     transforms.route.negate=false
 *     predicates=isOrders
 *     predicates.isOrders.type=TopicNameMatches
 *     predicates.isOrders.pattern=orders.*
 *
 * Each alias of `transforms` becomes a stage: an instance of the class named
 * by transforms.<alias>.type, configured with the properties under
 * transforms.<alias>. (prefix stripped, without type, predicate and negate),
 * and, when transforms.<alias>.predicate names an alias of `predicates`, its
 * own instance of that predicate (predicates.<p>.type, predicates.<p>.*).
 * Stages run in the order of `transforms`; a stage whose predicate test
 * (xor negate) is false passes the record on untouched.
 *
 * The chain owns every instance, config and context it creates. The retry
 * and tolerance policy (errors.retry.*, errors.tolerance, the dead letter
 * queue) belongs to the caller: the chain reports which stage failed and
 * can resume from it.
 *
 * Thread use: a chain belongs to one task and is used by that task's thread
 * only (transform instances keep unlocked caches).
 */
#ifndef WORKER_TRANSFORM_CHAIN_H
#define WORKER_TRANSFORM_CHAIN_H

#include <sluice/plugin.h>

#include "plugin_registry.h"

typedef struct transform_chain transform_chain_t;

/*
 * Builds the chain described by a connector's properties (the keys
 * transforms, transforms.<alias>.*, predicates, predicates.<alias>.*; other
 * keys are ignored). Classes are found in registry, which must outlive the
 * chain. context names the owner in logs, e.g. "local-file-source|task-0";
 * each transform logs as "<context>|transform-<alias>" and each predicate
 * as "<context>|predicate-<alias>".
 *
 * Empty or absent `transforms` gives a chain with no stages that passes
 * records through. Returns the chain, which the caller destroys, or NULL with
 * every problem found in errstr, one per line, each naming the full key
 * ("Invalid value RegexRoutr for configuration transforms.route.type: Class
 * RegexRoutr could not be found; did you mean
 * org.apache.kafka.connect.transforms.RegexRouter?"). props is only read.
 */
transform_chain_t *transform_chain_new(const plugin_registry_t *registry,
                                       const sluice_strmap_t *props, const char *context,
                                       char *errstr, size_t errstr_size);

/* Destroys every transform and predicate instance (in stage order), their
 * configs and contexts, then the chain. NULL does nothing. */
void transform_chain_destroy(transform_chain_t *chain);

/* The number of stages, and the alias of stage i (borrowed). */
size_t transform_chain_count(const transform_chain_t *chain);
const char *transform_chain_alias_at(const transform_chain_t *chain, size_t i);

/*
 * Runs record through every stage, in place. Returns:
 *   SLUICE_OK    the record, transformed, goes on;
 *   SLUICE_DROP  a stage dropped it (Kafka's null record): the later stages
 *                did not run; the caller still owns and destroys the record;
 *   SLUICE_RETRY / SLUICE_FATAL  a stage failed: errstr holds the stage's
 *                message prefixed with the stage ("transform 'insertSource'
 *                (InsertField$Value) failed: ..."), and
 *                transform_chain_failed_stage tells which stage it was.
 * The record is left as the failing stage saw it (the earlier stages'
 * changes stay), so a retry must resume with transform_chain_apply_from.
 */
sluice_result_t transform_chain_apply(transform_chain_t *chain, sluice_record_t *record,
                                      char *errstr, size_t errstr_size);

/* As transform_chain_apply, starting at stage first (count or more: the
 * record passes untouched). Used to retry the stage that returned
 * SLUICE_RETRY without running the earlier stages twice. */
sluice_result_t transform_chain_apply_from(transform_chain_t *chain, size_t first,
                                           sluice_record_t *record, char *errstr,
                                           size_t errstr_size);

/* Runs stage i alone (its predicate decides whether it applies), with the
 * results of transform_chain_apply. The task loops run the chain stage by
 * stage so that each failure is reported with its own class. */
sluice_result_t transform_chain_apply_stage(transform_chain_t *chain, size_t i,
                                            sluice_record_t *record, char *errstr,
                                            size_t errstr_size);

/* The stage whose failure (or drop) the last apply returned, or -1 when it
 * returned SLUICE_OK. */
int transform_chain_failed_stage(const transform_chain_t *chain);

/* The full class name of stage i (borrowed), e.g. for the dead letter
 * queue's __connect.errors.class.name header. */
const char *transform_chain_class_at(const transform_chain_t *chain, size_t i);

#endif
