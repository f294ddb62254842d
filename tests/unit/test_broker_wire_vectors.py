#!/usr/bin/python3
"""Generates test_broker_wire_vectors.c: Kafka wire bytes produced by a real
client library, kafka-python 2.0.2 (Debian's python3-kafka), offline.

Run with Debian's interpreter (/usr/bin/python3), which has the kafka module:

    /usr/bin/python3 tests/unit/test_broker_wire_vectors.py > tests/unit/test_broker_wire_vectors.c

Requests are whole frames as kafka-python's KafkaProtocol puts them on the
socket (size, header v1 with client id "kafka-python-2.0.2", body). Responses
are bodies as kafka-python's Response classes serialise them (what a Kafka
broker sends after the correlation id). The values are what the clients
send in practice: a consumer's JoinGroup carries a ConsumerProtocol
subscription, Produce carries a record batch built by kafka-python's own
DefaultRecordBatchBuilder, and so on. Nothing here talks to a network.
"""
import sys

from kafka.coordinator.protocol import (ConsumerProtocolMemberAssignment,
                                        ConsumerProtocolMemberMetadata)
from kafka.protocol import admin, commit, fetch, group, metadata, offset, produce
from kafka.protocol.parser import KafkaProtocol
from kafka.record.default_records import DefaultRecordBatchBuilder

CLIENT_ID = 'kafka-python-2.0.2'
vectors = []  # (name, kind, api_key, version, bytes)


def req(name, request, correlation_id):
    proto = KafkaProtocol(client_id=CLIENT_ID)
    proto.send_request(request, correlation_id=correlation_id)
    vectors.append((name, 'REQUEST', request.API_KEY, request.API_VERSION,
                    proto.send_bytes()))


def resp(name, response):
    data = response.encode()
    vectors.append((name, 'RESPONSE', response.API_KEY, response.API_VERSION, data))


def record_batch():
    builder = DefaultRecordBatchBuilder(magic=2, compression_type=0, is_transactional=0,
                                        producer_id=-1, producer_epoch=-1, base_sequence=-1,
                                        batch_size=16384)
    builder.append(0, timestamp=1700000000000, key=b'key-0', value=b'value-0', headers=[])
    builder.append(1, timestamp=1700000000001, key=None, value=b'value-1',
                   headers=[('h', b'v')])
    return bytes(builder.build())


BATCH = record_batch()
# kafka-python's Struct.encode holds its object weakly: keep the objects.
_subscription = ConsumerProtocolMemberMetadata(0, ['orders'], b'')
_assignment = ConsumerProtocolMemberAssignment(0, [('orders', [0, 1, 2])], b'')
SUBSCRIPTION = _subscription.encode()
ASSIGNMENT = _assignment.encode()

# ---- requests ----
req('api_versions_v0_request', admin.ApiVersionRequest[0](), 1)
req('api_versions_v1_request', admin.ApiVersionRequest[1](), 2)
req('api_versions_v2_request', admin.ApiVersionRequest[2](), 3)
req('metadata_v0_request_all', metadata.MetadataRequest[0]([]), 4)
req('metadata_v1_request_all', metadata.MetadataRequest[1](None), 5)
req('metadata_v2_request', metadata.MetadataRequest[2](['orders']), 6)
req('metadata_v3_request', metadata.MetadataRequest[3](['orders', 'payments']), 7)
req('metadata_v4_request', metadata.MetadataRequest[4](['orders'], True), 8)
req('metadata_v5_request', metadata.MetadataRequest[5](None, False), 9)
for v in range(3, 8):
    req('produce_v%d_request' % v,
        produce.ProduceRequest[v](None, 1, 30000, [('orders', [(0, BATCH)])]), 100 + v)
req('fetch_v4_request',
    fetch.FetchRequest[4](-1, 500, 1, 52428800, 0, [('orders', [(0, 42, 1048576)])]), 200)
for v in (5, 6):
    req('fetch_v%d_request' % v,
        fetch.FetchRequest[v](-1, 500, 1, 52428800, 1,
                              [('orders', [(0, 42, -1, 1048576), (1, 7, -1, 1048576)])]),
        200 + v)
for v in (7, 8):
    req('fetch_v%d_request' % v,
        fetch.FetchRequest[v](-1, 500, 1, 52428800, 0, 0, -1,
                              [('orders', [(0, 42, -1, 1048576)])], []), 200 + v)
for v in (9, 10):
    req('fetch_v%d_request' % v,
        fetch.FetchRequest[v](-1, 500, 1, 52428800, 0, 0, -1,
                              [('orders', [(0, 5, 42, -1, 1048576)])],
                              # kafka-python cannot encode a forgotten topic (its
                              # schema names the String class, not an instance).
                              []), 200 + v)
req('fetch_v11_request',
    fetch.FetchRequest[11](-1, 500, 1, 52428800, 1, 0, -1,
                           [('orders', [(2, 5, 42, -1, 1048576)])], [], 'rack-a'), 211)
req('list_offsets_v1_request',
    offset.OffsetRequest[1](-1, [('orders', [(0, -1), (1, -2)])]), 301)
req('list_offsets_v2_request',
    offset.OffsetRequest[2](-1, 1, [('orders', [(0, 1700000000000)])]), 302)
req('list_offsets_v3_request',
    offset.OffsetRequest[3](-1, 0, [('orders', [(0, -1)])]), 303)
req('offset_commit_v2_request',
    commit.OffsetCommitRequest[2]('my-group', 3, 'member-1', -1,
                                  [('orders', [(0, 42, ''), (1, 7, 'meta')])]), 402)
req('offset_commit_v3_request',
    commit.OffsetCommitRequest[3]('my-group', 3, 'member-1', -1,
                                  [('orders', [(0, 42, '')])]), 403)
req('offset_fetch_v1_request',
    commit.OffsetFetchRequest[1]('my-group', [('orders', [0, 1, 2])]), 501)
req('offset_fetch_v2_request_all', commit.OffsetFetchRequest[2]('my-group', None), 502)
req('offset_fetch_v3_request',
    commit.OffsetFetchRequest[3]('my-group', [('orders', [0])]), 503)
req('find_coordinator_v0_request', commit.GroupCoordinatorRequest[0]('my-group'), 600)
req('find_coordinator_v1_request', commit.GroupCoordinatorRequest[1]('my-group', 0), 601)
req('join_group_v0_request',
    group.JoinGroupRequest[0]('my-group', 10000, '', 'consumer',
                              [('range', SUBSCRIPTION), ('roundrobin', SUBSCRIPTION)]), 700)
req('join_group_v1_request',
    group.JoinGroupRequest[1]('my-group', 10000, 300000, '', 'consumer',
                              [('range', SUBSCRIPTION)]), 701)
req('join_group_v2_request',
    group.JoinGroupRequest[2]('my-group', 10000, 300000, 'kafka-python-2.0.2-abc', 'consumer',
                              [('range', SUBSCRIPTION)]), 702)
req('sync_group_v0_request',
    group.SyncGroupRequest[0]('my-group', 1, 'member-1', [('member-1', ASSIGNMENT)]), 800)
req('sync_group_v1_request', group.SyncGroupRequest[1]('my-group', 1, 'member-2', []), 801)
req('heartbeat_v0_request', group.HeartbeatRequest[0]('my-group', 1, 'member-1'), 900)
req('heartbeat_v1_request', group.HeartbeatRequest[1]('my-group', 2, 'member-1'), 901)
req('leave_group_v0_request', group.LeaveGroupRequest[0]('my-group', 'member-1'), 1000)
req('leave_group_v1_request', group.LeaveGroupRequest[1]('my-group', 'member-1'), 1001)
req('describe_groups_v0_request', admin.DescribeGroupsRequest[0](['my-group']), 1100)
req('describe_groups_v1_request', admin.DescribeGroupsRequest[1](['g1', 'g2']), 1101)
req('describe_groups_v2_request', admin.DescribeGroupsRequest[2](['my-group']), 1102)
req('describe_groups_v3_request', admin.DescribeGroupsRequest[3](['my-group'], True), 1103)
for v in range(3):
    req('list_groups_v%d_request' % v, admin.ListGroupsRequest[v](), 1200 + v)
req('create_topics_v0_request',
    admin.CreateTopicsRequest[0]([('orders', 3, 1, [], [])], 30000), 1300)
for v in range(1, 4):
    req('create_topics_v%d_request' % v,
        admin.CreateTopicsRequest[v](
            [('orders', 3, 1, [], [('cleanup.policy', 'compact'), ('retention.ms', None)]),
             ('manual', -1, -1, [(0, [1]), (1, [1])], [])],
            30000, v == 2), 1300 + v)
for v in range(4):
    req('delete_topics_v%d_request' % v,
        admin.DeleteTopicsRequest[v](['orders', 'payments'], 30000), 1400 + v)
req('create_partitions_v0_request',
    admin.CreatePartitionsRequest[0]([('orders', (6, None))], 30000, False), 1500)
req('create_partitions_v1_request',
    admin.CreatePartitionsRequest[1]([('orders', (3, [[1], [1]]))], 30000, True), 1501)
req('describe_configs_v0_request',
    admin.DescribeConfigsRequest[0]([(2, 'orders', None)]), 1600)
req('describe_configs_v1_request',
    admin.DescribeConfigsRequest[1]([(2, 'orders', ['retention.ms']), (4, '1', None)], True),
    1601)
req('describe_configs_v2_request',
    admin.DescribeConfigsRequest[2]([(2, 'orders', [])], False), 1602)

# ---- responses ----
resp('api_versions_v0_response',
     admin.ApiVersionResponse[0](0, [(0, 3, 7), (1, 4, 11), (18, 0, 2)]))
resp('api_versions_v1_response', admin.ApiVersionResponse[1](0, [(3, 0, 6)], 0))
resp('api_versions_v2_response', admin.ApiVersionResponse[2](35, [(18, 0, 2)], 100))
resp('metadata_v0_response',
     metadata.MetadataResponse[0]([(1, 'localhost', 9092)],
                                  [(0, 'orders', [(0, 0, 1, [1], [1]), (0, 1, 1, [1], [1])]),
                                   (3, 'missing', [])]))
resp('metadata_v1_response',
     metadata.MetadataResponse[1]([(1, 'localhost', 9092, None)], 1,
                                  [(0, 'orders', False, [(0, 0, 1, [1], [1])]),
                                   (0, '__consumer_offsets', True, [])]))
resp('metadata_v2_response',
     metadata.MetadataResponse[2]([(1, 'localhost', 9092, 'rack-a')], 'cluster-xyz', 1,
                                  [(0, 'orders', False, [(0, 0, 1, [1], [1])])]))
for v in (3, 4):
    resp('metadata_v%d_response' % v,
         metadata.MetadataResponse[v](0, [(1, 'localhost', 9092, None)], None, 1,
                                      [(5, 'new-topic', False, [])]))
resp('metadata_v5_response',
     metadata.MetadataResponse[5](0, [(1, 'localhost', 9092, None)], 'cluster-xyz', 1,
                                  [(0, 'orders', False, [(0, 0, 1, [1], [1], [])])]))
for v in (3, 4):
    resp('produce_v%d_response' % v,
         produce.ProduceResponse[v]([('orders', [(0, 0, 42, -1)])], 0))
for v in (5, 6, 7):
    resp('produce_v%d_response' % v,
         produce.ProduceResponse[v]([('orders', [(0, 0, 42, 1700000000000, 0)])], 0))
resp('fetch_v4_response',
     fetch.FetchResponse[4](0, [('orders', [(0, 0, 44, 44, [], BATCH)])]))
for v in (5, 6):
    resp('fetch_v%d_response' % v,
         fetch.FetchResponse[v](0, [('orders', [(0, 0, 44, 44, 0, [], BATCH),
                                                (1, 1, 10, 10, 0, [], b'')])]))
for v in range(7, 11):
    resp('fetch_v%d_response' % v,
         fetch.FetchResponse[v](0, 0, 0, [('orders', [(0, 0, 44, 44, 0, [(5, 40)], BATCH)])]))
resp('fetch_v11_response',
     fetch.FetchResponse[11](0, 0, 0, [('orders', [(0, 0, 44, 44, 0, [], -1, BATCH)])]))
resp('list_offsets_v1_response',
     offset.OffsetResponse[1]([('orders', [(0, 0, -1, 44), (1, 3, -1, -1)])]))
for v in (2, 3):
    resp('list_offsets_v%d_response' % v,
         offset.OffsetResponse[v](0, [('orders', [(0, 0, 1700000000000, 12)])]))
resp('offset_commit_v2_response',
     commit.OffsetCommitResponse[2]([('orders', [(0, 0), (1, 27)])]))
resp('offset_commit_v3_response', commit.OffsetCommitResponse[3](0, [('orders', [(0, 0)])]))
resp('offset_fetch_v1_response',
     commit.OffsetFetchResponse[1]([('orders', [(0, 42, '', 0), (1, -1, '', 0)])]))
resp('offset_fetch_v2_response',
     commit.OffsetFetchResponse[2]([('orders', [(0, 42, 'meta', 0)])], 0))
resp('offset_fetch_v3_response', commit.OffsetFetchResponse[3](0, [], 16))
resp('find_coordinator_v0_response',
     commit.GroupCoordinatorResponse[0](0, 1, 'localhost', 9092))
# No v1 response: kafka-python's GroupCoordinatorResponse_v1 lacks the
# ThrottleTimeMs that FindCoordinatorResponse.json has from v1 (its admin
# client pins v0, so the gap does not bite it).
resp('join_group_v0_response',
     group.JoinGroupResponse[0](0, 1, 'range', 'member-1', 'member-1',
                                [('member-1', SUBSCRIPTION), ('member-2', SUBSCRIPTION)]))
resp('join_group_v1_response',
     group.JoinGroupResponse[1](0, 2, 'range', 'member-1', 'member-2', []))
resp('join_group_v2_response',
     group.JoinGroupResponse[2](0, 27, -1, '', '', 'member-3', []))
resp('sync_group_v0_response', group.SyncGroupResponse[0](0, ASSIGNMENT))
resp('sync_group_v1_response', group.SyncGroupResponse[1](0, 27, b''))
resp('heartbeat_v0_response', group.HeartbeatResponse[0](27))
resp('heartbeat_v1_response', group.HeartbeatResponse[1](0, 0))
resp('leave_group_v0_response', group.LeaveGroupResponse[0](0))
resp('leave_group_v1_response', group.LeaveGroupResponse[1](0, 25))
resp('describe_groups_v0_response',
     admin.DescribeGroupsResponse[0]([(0, 'my-group', 'Stable', 'consumer', 'range',
                                       [('member-1', 'client-1', '/127.0.0.1', SUBSCRIPTION,
                                         ASSIGNMENT)])]))
for v in (1, 2):
    resp('describe_groups_v%d_response' % v,
         admin.DescribeGroupsResponse[v](0, [(69, 'gone', 'Dead', '', '', [])]))
# No v3 response: kafka-python's DescribeGroupsResponse_v3 schema drops
# AuthorizedOperations (a misplaced parenthesis); the C tests build v3/v4 from
# the JSON schema instead.
resp('list_groups_v0_response', admin.ListGroupsResponse[0](0, [('my-group', 'consumer')]))
for v in (1, 2):
    resp('list_groups_v%d_response' % v,
         admin.ListGroupsResponse[v](0, 0, [('my-group', 'consumer'), ('connect-cluster',
                                                                         'connect')]))
resp('create_topics_v0_response', admin.CreateTopicsResponse[0]([('orders', 0)]))
resp('create_topics_v1_response',
     admin.CreateTopicsResponse[1]([('orders', 36, "Topic 'orders' already exists.")]))
for v in (2, 3):
    resp('create_topics_v%d_response' % v,
         admin.CreateTopicsResponse[v](0, [('orders', 0, None),
                                           ('bad', 38, 'Replication factor: 3 larger than '
                                                       'available brokers: 1.')]))
resp('delete_topics_v0_response', admin.DeleteTopicsResponse[0]([('orders', 0)]))
for v in (1, 2, 3):
    resp('delete_topics_v%d_response' % v,
         admin.DeleteTopicsResponse[v](0, [('orders', 0), ('missing', 3)]))
resp('create_partitions_v0_response',
     admin.CreatePartitionsResponse[0](0, [('orders', 0, None)]))
resp('create_partitions_v1_response',
     admin.CreatePartitionsResponse[1](0, [('orders', 37, 'Topic currently has 6 partitions, '
                                                          'which is higher than the requested '
                                                          '3.')]))
resp('describe_configs_v0_response',
     admin.DescribeConfigsResponse[0](0, [(0, None, 2, 'orders',
                                           [('retention.ms', '604800000', False, True, False),
                                            ('ssl.key.password', None, True, False, True)])]))
for v in (1, 2):
    resp('describe_configs_v%d_response' % v,
         admin.DescribeConfigsResponse[v](0, [(0, None, 2, 'orders',
                                               [('cleanup.policy', 'compact', False, 1, False,
                                                 [('cleanup.policy', 'compact', 1),
                                                  ('log.cleanup.policy', 'delete', 5)])])]))


def c_bytes(data):
    lines = []
    for i in range(0, len(data), 16):
        lines.append('    ' + ' '.join('0x%02x,' % b for b in data[i:i + 16]))
    return '\n'.join(lines)


out = sys.stdout
out.write('/* GENERATED by test_broker_wire_vectors.py from kafka-python 2.0.2: do not edit.\n'
          ' * Real client output (see the script for what each vector is). */\n')
out.write('#include "test_broker_wire_vectors.h"\n\n')
for name, kind, key, version, data in vectors:
    out.write('static const uint8_t %s[] = {\n%s\n};\n\n' % (name, c_bytes(data)))
out.write('const test_wire_vector_t test_wire_vectors[] = {\n')
for name, kind, key, version, data in vectors:
    out.write('    {"%s", TEST_WIRE_%s, %d, %d, %s, sizeof %s},\n'
              % (name, kind, key, version, name, name))
out.write('};\n\nconst size_t test_wire_vector_count = '
          'sizeof test_wire_vectors / sizeof test_wire_vectors[0];\n')
