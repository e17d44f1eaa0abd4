"""Drives the rig's source Milvus through pymilvus so that the fact ITs can read back, from etcd and
Kafka, what a CDC would see. Prints one JSON object describing what it did (names, ids, timestamps).

usage: python source_workload.py SOURCE_URI SUFFIX
"""
import json
import sys

from pymilvus import (Collection, CollectionSchema, DataType, FieldSchema, Partition, connections, db,
                      utility)

DIM = 4
# autoID rows: enough that both shards get some (rows are hashed by pk)
ROWS = 20
BIG_ROWS = 24000
BIG_DIM = 128


def vectors(n, seed):
    return [[float(seed + i), 0.5, 0.25, 0.125] for i in range(n)]


def describe(collection):
    info = collection.describe()
    return {'name': collection.name, 'id': info['collection_id'], 'shards': info['num_shards']}


def auto_id_collection(name):
    """AutoID primary key, dynamic field enabled, two shards, one extra partition holding ROWS rows."""
    schema = CollectionSchema([
        FieldSchema('pk', DataType.INT64, is_primary=True, auto_id=True),
        FieldSchema('title', DataType.VARCHAR, max_length=64),
        FieldSchema('vec', DataType.FLOAT_VECTOR, dim=DIM),
    ], enable_dynamic_field=True, description='autoID with dynamic field')
    collection = Collection(name, schema, shards_num=2)
    Partition(collection, 'p1')
    result = collection.insert([{'title': f't{i}', 'vec': v, 'color': f'c{i}'}
                                for i, v in enumerate(vectors(ROWS, 0))], partition_name='p1')
    out = describe(collection)
    out.update(insert_ts=result.timestamp, insert_pks=list(result.primary_keys))
    collection.create_index('vec', {'index_type': 'FLAT', 'metric_type': 'L2', 'params': {}})
    collection.load()
    collection.flush()
    collection.release()
    collection.drop_index()
    return out


def varchar_key_collection(name, alias):
    """VarChar primary key: insert "a", "b", delete "a"; an alias."""
    collection = Collection(name, CollectionSchema([
        FieldSchema('key', DataType.VARCHAR, is_primary=True, max_length=16),
        FieldSchema('vec', DataType.FLOAT_VECTOR, dim=DIM),
    ]))
    collection.insert([['a', 'b'], vectors(2, 30)])
    collection.delete('key in ["a"]')
    utility.create_alias(name, alias)
    out = describe(collection)
    out['alias'] = alias
    return out


def manual_id_collection(name):
    """Manual primary key: insert 1..3, delete 1, upsert 2; a partition created and dropped."""
    schema = CollectionSchema([
        FieldSchema('id', DataType.INT64, is_primary=True),
        FieldSchema('vec', DataType.FLOAT_VECTOR, dim=DIM),
    ])
    collection = Collection(name, schema)
    Partition(collection, 'gone').drop()
    inserted = collection.insert([[1, 2, 3], vectors(3, 10)])
    deleted = collection.delete('id in [1]')
    upserted = collection.upsert([[2], vectors(1, 20)])
    out = describe(collection)
    out.update(insert_ts=inserted.timestamp, delete_ts=deleted.timestamp, upsert_ts=upserted.timestamp)
    return out


def big_insert_collection(name):
    """One insert of BIG_ROWS 128-dim vectors (about 12 MB): more than the proxy puts into one message."""
    collection = Collection(name, CollectionSchema([
        FieldSchema('id', DataType.INT64, is_primary=True),
        FieldSchema('vec', DataType.FLOAT_VECTOR, dim=BIG_DIM),
    ]))
    row = [0.5] * BIG_DIM
    result = collection.insert([list(range(BIG_ROWS)), [row] * BIG_ROWS])
    out = describe(collection)
    out.update(insert_ts=result.timestamp, rows=BIG_ROWS)
    return out


def dropped_collection(name):
    collection = Collection(name, CollectionSchema([
        FieldSchema('id', DataType.INT64, is_primary=True),
        FieldSchema('vec', DataType.FLOAT_VECTOR, dim=DIM),
    ]))
    out = describe(collection)
    collection.drop()
    return out


def main():
    uri, suffix = sys.argv[1], sys.argv[2]
    connections.connect(uri=uri)
    database = f'facts_db_{suffix}'
    db.create_database(database)
    db.create_database(f'facts_gone_{suffix}')
    db.drop_database(f'facts_gone_{suffix}')
    report = {'database': database, 'dropped_database': f'facts_gone_{suffix}', 'default': {}, 'other': {}}
    report['default']['manual'] = manual_id_collection(f'facts_manual_{suffix}')
    report['default']['dropped'] = dropped_collection(f'facts_dropped_{suffix}')
    report['default']['big'] = big_insert_collection(f'facts_big_{suffix}')
    report['default']['varchar'] = varchar_key_collection(f'facts_text_{suffix}', f'facts_alias_{suffix}')
    db.using_database(database)
    report['other']['auto'] = auto_id_collection(f'facts_auto_{suffix}')
    report['other']['collections'] = utility.list_collections()
    print(json.dumps(report))


if __name__ == '__main__':
    main()
