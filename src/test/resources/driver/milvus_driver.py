"""Drives a Milvus 2.3 server with pymilvus, the independent client of the tests and the benchmark.

Usage: milvus_driver.py URI < operations.jsonl
Each input line is one JSON operation {"op": ..., ...}; each output line is its JSON result.
insert and upsert write the rows of the keys "ids", or of "count" keys from "start"; "timeout" (seconds)
bounds a write.
A failed operation prints {"error": "..."} and the driver goes on with the next line.
Rows are generated from their primary key and a version number, so that two runs produce equal rows.
"""
import base64
import json
import random
import sys
import time

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, db, utility

DIM = 8
BIN_DIM = 16
ALIAS = "driver"


def schema_fields(kind, dim):
    pk = FieldSchema("id", DataType.INT64, is_primary=True)
    vec = FieldSchema("vec", DataType.FLOAT_VECTOR, dim=dim)
    if kind == "basic":
        return [pk, FieldSchema("name", DataType.VARCHAR, max_length=256), FieldSchema("meta", DataType.JSON), vec], False
    if kind == "dynamic":
        return [pk, FieldSchema("name", DataType.VARCHAR, max_length=256), vec], True
    if kind == "autoid":
        return [FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True),
                FieldSchema("name", DataType.VARCHAR, max_length=256), vec], False
    if kind == "varchar_pk":
        return [FieldSchema("id", DataType.VARCHAR, is_primary=True, max_length=64),
                FieldSchema("n", DataType.INT64), vec], False
    if kind == "partition_key":
        return [pk, FieldSchema("tenant", DataType.VARCHAR, max_length=64, is_partition_key=True), vec], False
    if kind == "all_types":
        return [pk,
                FieldSchema("b", DataType.BOOL),
                FieldSchema("i8", DataType.INT8),
                FieldSchema("i16", DataType.INT16),
                FieldSchema("i32", DataType.INT32),
                FieldSchema("f", DataType.FLOAT),
                FieldSchema("d", DataType.DOUBLE),
                FieldSchema("s", DataType.VARCHAR, max_length=128),
                FieldSchema("j", DataType.JSON),
                FieldSchema("arr", DataType.ARRAY, element_type=DataType.INT64, max_capacity=8),
                FieldSchema("bv", DataType.BINARY_VECTOR, dim=BIN_DIM)], False
    raise ValueError("unknown schema kind " + kind)


def vector(pk, version, dim):
    rnd = random.Random(pk * 1000003 + version)
    return [round(rnd.random(), 4) for _ in range(dim)]


def row(kind, pk, version, dim):
    key = "k%d'\"\\" % pk if kind == "varchar_pk" else pk
    r = {"id": key, "vec": vector(pk, version, dim)}
    if kind in ("basic", "dynamic", "autoid"):
        r["name"] = "row-%d-v%d" % (pk, version)
    if kind == "basic":
        r["meta"] = {"pk": pk, "version": version, "tags": ["a", "b"][: pk % 3]}
    if kind == "dynamic":
        r["extra"] = pk * 10 + version
        r["label"] = "dyn-%d" % pk
    if kind == "autoid":
        del r["id"]
    if kind == "varchar_pk":
        r["n"] = pk * 100 + version
    if kind == "partition_key":
        r["tenant"] = "tenant-%d" % (pk % 5)
    if kind == "all_types":
        del r["vec"]
        r.update({"b": pk % 2 == 0, "i8": pk % 100, "i16": pk % 30000, "i32": pk * 7 + version,
                  "f": float(pk) / 4, "d": pk / 3.0 + version, "s": "s-%d-v%d" % (pk, version),
                  "j": {"n": pk, "v": version, "nested": {"x": [1, 2]}},
                  "arr": [pk, version, 3],
                  "bv": bytes([(pk + i + version) % 256 for i in range(BIN_DIM // 8)])})
    return r


def collection(op):
    use_db(op)
    return Collection(op["name"], using=ALIAS)


def use_db(op):
    db.using_database(op.get("db", "default"), using=ALIAS)


def keys(op):
    if op.get("schema") == "varchar_pk":
        return ["k%d'\"\\" % pk for pk in op["ids"]]
    return op["ids"]


def jsonable(value):
    if hasattr(value, "item") and not isinstance(value, (list, dict, bytes)):
        value = value.item()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, list) and value and isinstance(value[0], bytes):
        return base64.b64encode(b"".join(value)).decode()
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, (list, tuple)) or type(value).__name__ == "RepeatedScalarContainer":
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def dump(op):
    c = collection(op)
    names = [f.name for f in c.schema.fields]
    out = names + (["*"] if c.schema.enable_dynamic_field else [])
    rows = []
    last = None
    pk_field = c.schema.primary_field
    while True:
        if pk_field.dtype == DataType.VARCHAR:
            expr = 'id > "%s"' % last.replace("\\", "\\\\").replace('"', '\\"') if last is not None else 'id != ""'
        else:
            expr = "id > %d" % last if last is not None else "id > -9223372036854775807"
        page = c.query(expr=expr, output_fields=out, limit=16000, consistency_level="Strong")
        if not page:
            break
        page.sort(key=lambda r: r["id"])
        rows.extend(page)
        last = page[-1]["id"]
        if len(page) < 16000:
            break
    rows = [{k: jsonable(v) for k, v in sorted(r.items())} for r in rows]
    rows.sort(key=lambda r: str(r["id"]) if pk_field.dtype == DataType.VARCHAR else r["id"])
    return {"count": len(rows), "rows": rows}


def describe(op):
    use_db(op)
    if not utility.has_collection(op["name"], using=ALIAS):
        return {"exists": False}
    c = Collection(op["name"], using=ALIAS)
    state = str(utility.load_state(op["name"], using=ALIAS))
    return {"exists": True,
            "fields": [{"name": f.name, "type": str(f.dtype), "params": {k: str(v) for k, v in f.params.items()},
                        "primary": f.is_primary, "auto_id": bool(f.auto_id),
                        "partition_key": bool(getattr(f, "is_partition_key", False))} for f in c.schema.fields],
            "dynamic": bool(c.schema.enable_dynamic_field),
            "partitions": sorted(p.name for p in c.partitions),
            "indexes": sorted([{"field": i.field_name, "name": i.index_name, "params": i.params} for i in c.indexes],
                              key=lambda i: i["field"]),
            "shards": c.num_shards,
            "load_state": state.split(".")[-1]}


def run(op):
    kind = op.get("op")
    dim = op.get("dim", DIM)
    if kind == "create_database":
        db.create_database(op["db"], using=ALIAS)
        return {}
    if kind == "drop_database":
        db.drop_database(op["db"], using=ALIAS)
        return {}
    if kind == "list_databases":
        return {"databases": sorted(db.list_database(using=ALIAS))}
    if kind == "list_collections":
        use_db(op)
        return {"collections": sorted(utility.list_collections(using=ALIAS))}
    if kind == "create_collection":
        use_db(op)
        fields, dynamic = schema_fields(op["schema"], dim)
        extra = {"num_partitions": op.get("num_partitions", 4)} if op["schema"] == "partition_key" else {}
        Collection(op["name"], CollectionSchema(fields, enable_dynamic_field=dynamic), using=ALIAS,
                   shards_num=op.get("shards", 1), consistency_level=op.get("consistency", "Bounded"), **extra)
        return {}
    if kind == "drop_collection":
        use_db(op)
        utility.drop_collection(op["name"], using=ALIAS)
        return {}
    if kind == "create_partition":
        collection(op).create_partition(op["partition"])
        return {}
    if kind == "drop_partition":
        c = collection(op)
        c.release()
        c.drop_partition(op["partition"])
        return {}
    if kind == "create_index":
        vec = "bv" if op.get("schema") == "all_types" else "vec"
        params = ({"index_type": "BIN_FLAT", "metric_type": "HAMMING", "params": {}} if vec == "bv"
                  else {"index_type": op.get("index_type", "IVF_FLAT"), "metric_type": "L2", "params": {"nlist": 16}})
        collection(op).create_index(vec, params, index_name=op.get("index_name", "vec_idx"))
        return {}
    if kind == "drop_index":
        collection(op).drop_index(index_name=op.get("index_name", "vec_idx"))
        return {}
    if kind == "load":
        collection(op).load()
        return {}
    if kind == "release":
        collection(op).release()
        return {}
    if kind == "flush":
        collection(op).flush()
        return {}
    if kind in ("insert", "upsert"):
        c = collection(op)
        version = op.get("version", 0)
        batch = op.get("batch", 1000)
        ids = op["ids"] if "ids" in op else list(range(op["start"], op["start"] + op["count"]))
        total = 0
        pks = []
        for start in range(0, len(ids), batch):
            rows = [row(op["schema"], pk, version, dim) for pk in ids[start:start + batch]]
            result = (c.upsert if kind == "upsert" else c.insert)(rows, partition_name=op.get("partition"),
                                                                  timeout=op.get("timeout"))
            total += result.insert_count if kind == "insert" else result.upsert_count
            if op["schema"] == "autoid":
                pks.extend(result.primary_keys)
            if op.get("pause_ms"):
                time.sleep(op["pause_ms"] / 1000.0)
        return {"count": total, "primary_keys": pks}
    if kind == "delete":
        c = collection(op)
        ks = keys(op)
        if op.get("schema") == "varchar_pk":
            expr = "id in [%s]" % ",".join('"%s"' % k.replace("\\", "\\\\").replace('"', '\\"') for k in ks)
        else:
            expr = "id in %s" % json.dumps(ks)
        c.delete(expr, partition_name=op.get("partition"), timeout=op.get("timeout"))
        return {}
    if kind == "dump":
        return dump(op)
    if kind == "describe":
        return describe(op)
    if kind == "collection_id":
        return {"id": collection(op).describe()["collection_id"]}
    if kind == "count":
        c = collection(op)
        parts = [op["partition"]] if op.get("partition") else None
        # Strong waits for the target's time to pass the query's: a target in replicate mode whose task
        # stopped never gets there, so a test reading it then asks for "Eventually"
        return {"count": c.query(expr="", output_fields=["count(*)"], partition_names=parts,
                                 consistency_level=op.get("consistency", "Strong"))[0]["count(*)"]}
    raise ValueError("unknown op " + str(kind))


def main():
    uri = sys.argv[1]
    connections.connect(alias=ALIAS, uri=uri, timeout=30)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            result = run(json.loads(line))
        except Exception as e:  # every failure is reported to the caller, which asserts on it
            result = {"error": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(result, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
