#!/usr/bin/env python3
"""Benchmark of milvus-cdc on the rig: direct baseline, replication throughput, lag, cost, scaling,
and the initial copy of existing rows (snapshot "initial").

Run through scripts/bench, which brings the rig up and puts RIG_* into the environment. Progress goes
to stderr; stdout gets a markdown table and, as its last line, one JSON object with the figures.
Nothing is asserted: exit 0 when every figure was measured, 1 with a message when something broke.
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pymilvus import (Collection, CollectionSchema, DataType, FieldSchema, MilvusException, connections, db,
                      utility)
from pymilvus.client.types import LoadState

PROJECT_DIR = Path(__file__).resolve().parent.parent
BUILD_DIR = "target-bench"
COUNT_POLL_S = 0.2
PROBE_POLL_S = 0.1
SERVER_START_TIMEOUT_S = 300
SERVER_STOP_TIMEOUT_S = 20
REPLICATED_DDL_TIMEOUT_S = 180
INDEX_PARAMS = {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 128}}
# Disk: a row is kept by each Milvus it reaches about three times (message queue, binlog, index), and
# dropped collections are reclaimed only hours later (Milvus GC), so every run's rows stay on the rig.
# A phase starts only when its estimated bytes leave MIN_FREE_BYTES free.
COPIES_DIRECT = 3
COPIES_REPLICATED = 6
# Issue 13 measured the reference on a server "fresh, warmed by a 5,000-row run"; this server gets the
# same before phase 2, so phase 2's CPU is not mostly the JIT compiling the engine's first rows.
WARM_UP_ROWS = 5_000
ROW_OVERHEAD_BYTES = 48  # id, tag and JSON of one row, roughly
MIN_FREE_BYTES = 5 * 2**30
GB = 2**30
STARTED = time.monotonic()


class BenchError(Exception):
    """Something broke: the message says what, and what was seen."""


def progress(message):
    print(f"[bench {time.monotonic() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


# --- settings ----------------------------------------------------------------------------------

@dataclass
class Settings:
    quick: bool
    rows: int
    batch: int
    concurrency: int
    dim: int
    shards: int
    lag_seconds: float
    lag_rate: float  # rows/s; 0 = half the direct baseline
    scaling: list  # (shards, dim) pairs
    timeout_s: float
    stall_s: float
    jfr: str
    snapshot_only: bool = False
    write_mode: str = "api"
    class_list: str = ""


def parse_settings(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small run (a few minutes)")
    parser.add_argument("--rows", type=int, help="rows per throughput run (default 200000, quick 100000)")
    parser.add_argument("--batch", type=int, default=1000, help="rows per insert call")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads that insert")
    parser.add_argument("--dim", type=int, default=128, help="vector dimension of the main runs")
    parser.add_argument("--shards", type=int, default=1, help="shards_num of the main runs")
    parser.add_argument("--lag-seconds", type=float, help="duration of each steady load (default 60, quick 30)")
    parser.add_argument("--lag-rate", type=float, default=0, help="rows/s of the steady load (default: half the direct baseline)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling runs of a full run")
    parser.add_argument("--timeout", type=float, help="seconds a replication may take after the last write (default 900, quick 300)")
    parser.add_argument("--stall", type=float, default=120, help="seconds without progress on the target before giving up")
    parser.add_argument("--snapshot-only", action="store_true",
                        help="measure only the direct baseline and the initial copy (phase 5)")
    parser.add_argument("--write-mode", choices=["api", "replicate", "both"], default="api",
                        help="the task's write_mode; replicate needs a rig whose target is in replicate mode "
                             "(scripts/rig up --target-replicate-mode) and --lag-rate, and measures phase 2 and the "
                             "lag only: such a target takes no direct writes; both runs the whole api-mode bench, "
                             "then phase 2 and the lag of a replicate-mode task into the rig's standby "
                             "(scripts/rig up --standby), against the same target-alone floor")
    parser.add_argument("--jfr", default="", help="record a JFR profile of the server during the replication run into this file")
    parser.add_argument("--class-list", default="",
                        help="write the classes the replicating server loads into this file (-XX:DumpLoadedClassList), "
                             "as scripts/lib/cds-classes.lst, whose archive scripts/run maps")
    args = parser.parse_args(argv)
    quick = args.quick
    # the main setting again first: the same server, now warm, as a reference for the others
    scaling = [] if quick or args.no_scaling else list(dict.fromkeys([
        (args.shards, args.dim), (2, args.dim), (4, args.dim), (8, args.dim), (args.shards, 768)]))
    settings = Settings(
        quick=quick,
        rows=args.rows or (100_000 if quick else 200_000),
        batch=args.batch,
        concurrency=args.concurrency,
        dim=args.dim,
        shards=args.shards,
        lag_seconds=args.lag_seconds or (30 if quick else 60),
        lag_rate=args.lag_rate,
        scaling=scaling,
        timeout_s=args.timeout or (300 if quick else 900),
        stall_s=args.stall,
        jfr=args.jfr,
        snapshot_only=args.snapshot_only,
        write_mode=args.write_mode,
        class_list=os.path.abspath(args.class_list) if args.class_list else "",
    )
    if settings.write_mode != "api" and (settings.snapshot_only or not settings.lag_rate):
        parser.error(f"--write-mode {settings.write_mode} needs --lag-rate (a target in replicate mode has no direct "
                     "baseline, and both modes' lags are measured at one rate) and cannot run --snapshot-only")
    if min(settings.rows, settings.batch, settings.concurrency, settings.dim, settings.shards) <= 0:
        parser.error("--rows, --batch, --concurrency, --dim and --shards must be positive")
    return settings


def rig_env(name):
    value = os.environ.get(name)
    if not value:
        raise BenchError(f"{name} is not set: run through scripts/bench (it evaluates 'scripts/rig env')")
    return value


# --- data --------------------------------------------------------------------------------------

@dataclass
class Batch:
    ids: list
    tags: list
    metas: list
    vectors: np.ndarray

    def columns(self):
        return [self.ids, self.tags, self.metas, self.vectors]


def make_batches(rows, batch_size, dim, seed=7):
    """The same rows for every run of one dimension, generated before any clock starts."""
    rng = np.random.default_rng(seed)
    batches = []
    for start in range(0, rows, batch_size):
        ids = list(range(start, min(start + batch_size, rows)))
        batches.append(Batch(ids=ids,
                             tags=[f"tag-{i % 1000}" for i in ids],
                             metas=[{"n": i, "even": i % 2 == 0} for i in ids],
                             vectors=rng.random((len(ids), dim), dtype=np.float32)))
    return batches


def schema(dim):
    return CollectionSchema([
        FieldSchema("id", DataType.INT64, is_primary=True, auto_id=False),
        FieldSchema("tag", DataType.VARCHAR, max_length=64),
        FieldSchema("meta", DataType.JSON),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=dim),
    ])


# --- Milvus helpers ----------------------------------------------------------------------------

def connect(alias, uri, database="default"):
    connections.connect(alias=alias, uri=uri, db_name=database)


def create_database(server_alias, name):
    if name not in db.list_database(using=server_alias):
        db.create_database(name, using=server_alias)


def drop_database(server_alias, uri, name):
    """Drops a database and its collections; used in cleanup, so it never raises."""
    alias = f"drop-{name}-{server_alias}"
    try:
        if name not in db.list_database(using=server_alias):
            return
        connect(alias, uri, name)
        for collection in utility.list_collections(using=alias):
            utility.drop_collection(collection, using=alias)
        db.drop_database(name, using=server_alias)
    except Exception as e:  # noqa: BLE001 - cleanup goes on with the next item
        progress(f"warning: cannot drop database {name} ({server_alias}): {e}")
    finally:
        connections.disconnect(alias)


def create_loaded_collection(alias, name, dim, shards):
    """Index and load come before the rows, so that a Strong count can run at any time."""
    collection = Collection(name, schema(dim), using=alias, shards_num=shards)
    collection.create_index("vec", INDEX_PARAMS)
    collection.load()
    return collection


def strong_count(collection, consistency="Strong"):
    return collection.query(expr="", output_fields=["count(*)"], consistency_level=consistency)[0]["count(*)"]


def write_all(collection, batches, concurrency, method="insert"):
    """Writes every batch (insert or upsert) with `concurrency` threads; returns (first write, last
    ack) monotonic times."""
    write = getattr(collection, method)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for _ in pool.map(lambda b: write(b.columns()), batches):
            pass
    return started, time.monotonic()


def wait_for_count(collection, rows, timeout_s, stall_s, describe_failure, consistency="Strong"):
    """Polls a count until it reaches `rows`; returns the time the query that saw them started. A
    Strong count on a target in replicate mode waits for the CDC's tick to pass the query's own
    time, which would hide the catch-up: there the count is read with Eventually, what is visible now."""
    deadline = time.monotonic() + timeout_s
    seen, last_progress = -1, time.monotonic()
    while True:
        now = time.monotonic()
        try:
            count = strong_count(collection, consistency)
        except MilvusException as e:  # e.g. the shared rig's target restarting: counts as no progress
            progress(f"  {collection.name}: count failed: {e.message}")
            count = seen
        if count >= rows:
            return now
        if count != seen:
            seen, last_progress = count, now
            progress(f"  {collection.name}: {count}/{rows} rows on the target")
        if now > deadline or now - last_progress > stall_s:
            why = "timeout" if now > deadline else f"no progress for {stall_s:.0f}s"
            raise BenchError(f"{collection.name}: the target has {count} of {rows} rows ({why}); {describe_failure()}")
        time.sleep(COUNT_POLL_S)


# --- the CDC server ----------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_proc(pid, name):
    return Path(f"/proc/{pid}/{name}").read_text()


def process_cpu_seconds(pid):
    """utime+stime of a process (fields 14 and 15 of proc(5)); 0 when it is gone."""
    try:
        fields = read_proc(pid, "stat").rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


THREAD_CPU_LINE = re.compile(r'^"(?P<name>.*)" .*\bcpu=(?P<ms>[0-9.]+)ms .*\bnid=(?P<nid>\S+)')


def cpu_by_thread_group(before, after, total, limit=10):
    """The CPU each group of threads (names without ids, see thread_group) used between two samples of
    thread_cpu_seconds, most first; what the listed threads do not account for (threads that ended, the
    sampling itself) closes the list so that its sum is the process's."""
    groups = Counter()
    for (name, nid), seconds in after.items():
        groups[thread_group(name)] += seconds - before.get((name, nid), 0.0)
    listed = groups.most_common(limit)
    return [*listed, ("(not in a listed group, or ended)", total - sum(seconds for _, seconds in listed))]


class CdcServer:
    """One `scripts/run` process (it execs java, so its pid is the JVM's) with its own port and store."""

    def __init__(self, workdir, java_opts=""):
        self.dir = Path(tempfile.mkdtemp(prefix="server-", dir=workdir))
        self.address = f"127.0.0.1:{free_port()}"
        self.log_path = self.dir / "server.log"
        config = self.dir / "cdc.yaml"
        config.write_text(self._config_text())
        env = dict(os.environ, MILVUS_CDC_BUILD_DIR=BUILD_DIR)
        if java_opts:
            env["JAVA_OPTS"] = f"{env.get('JAVA_OPTS', '')} {java_opts}".strip()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([str(PROJECT_DIR / "scripts/run"), "--config", str(config)],
                                            cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.process.pid
        self._wait_healthy()
        progress(f"CDC server pid {self.pid} on {self.address}, log {self.log_path}")

    def _config_text(self):
        """The rig's cdc.yaml with this server's own address and a fresh embedded store."""
        lines = [line for line in Path(rig_env("RIG_CDC_CONFIG")).read_text().splitlines()
                 if not line.startswith(("address:", "dataDir:"))]
        return "\n".join([f"address: {self.address}", f"dataDir: {self.dir / 'data'}", *lines]) + "\n"

    def _wait_healthy(self):
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S  # includes a build when the sources changed
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"the CDC server exited with {self.process.returncode} during start; "
                                 f"last lines of its log:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://{self.address}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise BenchError(f"the CDC server did not answer /health within {SERVER_START_TIMEOUT_S}s; "
                         f"last lines of its log:\n{self.log_tail()}")

    def request(self, request_type, request_data):
        body = json.dumps({"request_type": request_type, "request_data": request_data}).encode()
        req = urllib.request.Request(f"http://{self.address}/cdc", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as answer:
            reply = json.loads(answer.read())
        if reply.get("code") != 200:
            raise BenchError(f"{request_type} answered {reply.get('code')}: {reply.get('message')}")
        return reply.get("data") or {}

    def create_task(self, target_uri, database, write_mode):
        data = self.request("create", {
            "milvus_connect_param": {"uri": target_uri, "connect_timeout": 10},
            "db_collections": {database: [{"name": "*"}]},
            "write_mode": write_mode,
        })
        return data["task_id"]

    def task_summary(self, task_id):
        """State and reason of a task, for failure messages; never raises."""
        try:
            task = self.request("get", {"task_id": task_id})["task"]
            return f"task {task_id} state {task.get('state')}, reason {task.get('reason', '(none)')!r}"
        except Exception as e:  # noqa: BLE001 - this is already an error report
            return f"task {task_id}: get failed: {e}"

    def cpu_seconds(self):
        return process_cpu_seconds(self.pid)

    def peak_rss_mb(self):
        for line in read_proc(self.pid, "status").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise BenchError(f"no VmHWM in /proc/{self.pid}/status")

    def class_archive_mapped(self):
        """Whether the JVM mapped the class data archive scripts/lib/java-main dumps next to the jar."""
        return any(line.endswith("/milvus-cdc.jsa") for line in read_proc(self.pid, "maps").splitlines())

    def jcmd(self, *args):
        return subprocess.run(["jcmd", str(self.pid), *args], check=True, capture_output=True, text=True).stdout

    def thread_cpu_seconds(self):
        """utime+stime of each live thread of the JVM, by (name, native id), from the cpu= of `jcmd Thread.print`
        (the kernel's own thread names are cut to 15 characters, which leaves a task's threads alike)."""
        threads = {}
        for line in self.jcmd("Thread.print").splitlines():
            match = THREAD_CPU_LINE.match(line)
            if match:
                threads[(match["name"], match["nid"])] = float(match["ms"]) / 1000
        return threads

    def live_heap_mb(self):
        """Java heap in use right after a full GC: what the server holds, whatever the heap's size.
        G1 prints one heap line, the serial and parallel collectors one line per generation (JDK 25 names
        the serial ones DefNew and Tenured)."""
        self.jcmd("GC.run")
        used = re.findall(r"(?:heap|generation|gen|DefNew|Tenured)\s+total \d+K, used (\d+)K", self.jcmd("GC.heap_info"))
        if not used:
            raise BenchError("jcmd GC.heap_info printed no heap usage")
        return sum(int(kilobytes) for kilobytes in used) / 1024

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError as e:
            return f"(no log: {e})"

    def stop(self):
        if self.process.poll() is not None:
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            progress(f"CDC server {self.pid} still running {SERVER_STOP_TIMEOUT_S}s after SIGTERM; killing it")
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait()


# --- the shared rig ----------------------------------------------------------------------------

def rig_pid_records():
    """The rig's record ("pid starttime") of each of its servers, from their pid files."""
    pids = Path(rig_env("RIG_CDC_CONFIG")).parent / "pids"
    return {f.stem: f.read_text().strip() for f in sorted(pids.glob("*.pid"))}


def rig_milvus_processes():
    """The record of each Milvus server: it changes when one is restarted."""
    records = rig_pid_records()
    return {name: records.get(name, "") for name in ("milvus-source", "milvus-target")}


def rig_free_bytes():
    """Free space on the filesystem that holds the rig's data."""
    return shutil.disk_usage(Path(rig_env("RIG_CDC_CONFIG")).parent).free


def ensure_disk(rows, dim, copies, what):
    needed = rows * (4 * dim + ROW_OVERHEAD_BYTES) * copies
    free = rig_free_bytes()
    if free - needed < MIN_FREE_BYTES:
        raise BenchError(
            f"not enough disk space for {what}: it writes about {needed / GB:.1f} GB into the rig, "
            f"{free / GB:.1f} GB are free and {MIN_FREE_BYTES / GB:.0f} GB must stay free. The rig keeps the files "
            f"of dropped collections for hours (Milvus GC) and Kafka's log for days; on a rig you own, "
            f"'scripts/rig down' removes them")


def rig_pids():
    """The pid of each server of the rig."""
    return {name: record.split()[0] for name, record in rig_pid_records().items() if record}


def machine_jiffies():
    """(busy, total) CPU time of the whole machine from the first line of /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return sum(values) - idle, sum(values)


class CpuShare:
    """Where the machine's CPU went during a measurement: its busy share and each server's cores."""

    def __init__(self, cdc_pid):
        self.pids = {**rig_pids(), **({"cdc": cdc_pid} if cdc_pid else {})}
        self.start = time.monotonic()
        self.jiffies = machine_jiffies()
        self.cpu = {name: process_cpu_seconds(pid) for name, pid in self.pids.items()}

    def summary(self):
        wall = time.monotonic() - self.start
        busy, total = (now - before for now, before in zip(machine_jiffies(), self.jiffies))
        cores = {name: (process_cpu_seconds(pid) - self.cpu[name]) / wall for name, pid in self.pids.items()}
        shown = ", ".join(f"{name} {value:.2f}" for name, value in sorted(cores.items(), key=lambda c: -c[1]) if value >= 0.01)
        return f"machine busy {100 * busy / max(total, 1):.0f}%; cores: {shown}"


class PhaseWatch:
    """What else happened on the shared rig during one measurement: the load average at its start,
    where the CPU went, and whether a Milvus server was restarted (other tests stop and start the target)."""

    def __init__(self, cdc_pid=None):
        self.load = os.getloadavg()[0]
        self.milvus = rig_milvus_processes()
        self.cpu = CpuShare(cdc_pid)

    def restarted(self):
        now = rig_milvus_processes()
        return [name for name, record in self.milvus.items() if now[name] != record]

    def conditions(self):
        restarted = self.restarted()
        note = f"load {self.load:.1f}; {self.cpu.summary()}"
        return note + (f"; DISTURBED: {', '.join(restarted)} restarted" if restarted else "")


# --- the measurements --------------------------------------------------------------------------

@dataclass
class SnapshotRun:
    """The initial copy of `rows` existing rows by a fresh server: `seconds` from `create` until it
    streamed (its start, counting the source's rows, the copy, the index and the load on the target),
    `copy_seconds` from `create` until `get` showed every row copied (the rows' part alone)."""
    rows: int
    seconds: float
    copy_seconds: float
    peak_rss_mb: float
    conditions: str = ""

    @property
    def rows_per_s(self):
        return self.rows / self.seconds

    @property
    def copy_rows_per_s(self):
        return self.rows / self.copy_seconds


@dataclass
class Throughput:
    rows: int
    seconds: float
    insert_seconds: float  # first write to last ack on the writing side
    cpu_seconds: float = 0.0
    conditions: str = ""

    @property
    def rows_per_s(self):
        return self.rows / self.seconds

    @property
    def acked_rows_per_s(self):
        """The rate at which the written Milvus acknowledged the inserts."""
        return self.rows / self.insert_seconds

    @property
    def catch_up_seconds(self):
        """From the last acknowledged insert until the counted rows were complete."""
        return self.seconds - self.insert_seconds

    @property
    def cpu_s_per_million_rows(self):
        return self.cpu_seconds / (self.rows / 1e6)

    @property
    def cores_used(self):
        return self.cpu_seconds / self.seconds


@dataclass
class Lag:
    label: str
    target_rate: float
    achieved_rate: float
    rows: int
    probes_ms: list = field(default_factory=list)  # in the order the probes were acknowledged
    cpu_seconds: float = 0.0
    conditions: str = ""
    direct: bool = False  # written into the target itself, without the CDC
    cpu_by_thread: list = field(default_factory=list)  # (thread group, seconds), for a lag through the CDC

    def percentile(self, p, probes=None):
        """Nearest-rank percentile of the probe lags in ms."""
        ordered = sorted(self.probes_ms if probes is None else probes)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    def trend(self):
        """Median lag of the first and of the last tenth of the probes: a growing lag is a backlog."""
        tenth = max(1, len(self.probes_ms) // 10)
        return self.percentile(50, self.probes_ms[:tenth]), self.percentile(50, self.probes_ms[-tenth:])

    @property
    def cpu_s_per_million_rows(self):
        return self.cpu_seconds / (self.rows / 1e6)


class Probes:
    """Probe rows of the steady load: when the source acknowledged each, when the target showed it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._acked = {}  # id -> monotonic time
        self._seen = {}

    def acked(self, probe_id):
        with self._lock:
            self._acked[probe_id] = time.monotonic()

    def pending(self, limit=1000):
        with self._lock:
            return sorted(i for i in self._acked if i not in self._seen)[:limit]

    def seen(self, ids, when):
        with self._lock:
            for probe_id in ids:
                self._seen.setdefault(probe_id, when)

    def count(self):
        return len(self._acked)

    def unseen(self):
        return len(self._acked) - len(self._seen)

    def lags_ms(self):
        """Visibility minus acknowledgement of every probe, in the order they were acknowledged."""
        in_ack_order = sorted(self._acked, key=self._acked.get)
        return [(self._seen[i] - self._acked[i]) * 1000 for i in in_ack_order]


def paced_insert(collection, template, batch_count, rate, concurrency, on_probe_acked):
    """Inserts batch k at start + k * batch / rate (or as soon as a thread is free when behind),
    reusing the template's rows under new ids; the first row of each batch is its probe.
    Returns (rows written, seconds taken)."""
    started = time.monotonic()
    batch_size = len(template[0].ids)
    next_batch, lock = iter(range(batch_count)), threading.Lock()

    def writer():
        while True:
            with lock:
                k = next(next_batch, None)
            if k is None:
                return
            delay = started + k * batch_size / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            rows = template[k % len(template)]
            ids = [k * batch_size + j for j in range(len(rows.ids))]
            collection.insert([ids, rows.tags, rows.metas, rows.vectors])
            on_probe_acked(ids[0])

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(writer) for _ in range(concurrency)]:
            future.result()
    rows = sum(len(template[k % len(template)].ids) for k in range(batch_count))
    return rows, time.monotonic() - started


def watch_probes(target, probes, writing_done, stall_s):
    """Marks each acknowledged probe seen when a query on the target first returns it (Session
    consistency); once the writers are done, gives up after stall_s without a new probe seen."""
    last_progress = time.monotonic()
    while True:
        pending = probes.pending()
        if not pending and writing_done.is_set():
            return
        if pending:
            try:
                found = target.query(expr=f"id in {pending}", output_fields=["id"], consistency_level="Session")
            except MilvusException as e:  # e.g. the shared rig's target restarting
                progress(f"  lag probe query failed, retrying: {e.message}")
                found = []
            now = time.monotonic()
            probes.seen([row["id"] for row in found], now)
            if found or not writing_done.is_set():
                last_progress = now
        if writing_done.is_set() and time.monotonic() - last_progress > stall_s:
            return
        time.sleep(PROBE_POLL_S)


class Bench:
    """Owns the databases, the servers and the task of one run; `close` removes all of them."""

    ALIASES = ("source", "target", "source-cdc", "target-cdc", "target-direct", "source-snapshot", "target-snapshot")

    def __init__(self, settings, target_uri, write_mode):
        self.settings = settings
        self.write_mode = write_mode
        self.source_uri = rig_env("RIG_SOURCE_URI")
        self.target_uri = target_uri
        self.direct_db = f"bench_direct_{os.getpid()}"
        # a run of both modes creates the replicate task's database after the api task's was dropped
        self.cdc_db = f"bench_cdc_{os.getpid()}" + ("" if write_mode == "api" else f"_{write_mode}")
        self.snapshot_db = f"bench_snapshot_{os.getpid()}"
        self.workdir = tempfile.mkdtemp(prefix="milvus-cdc-bench-")
        self.server = None
        self.task_id = None
        self.batches_by_dim = {}
        self.collections_made = 0
        connect("source", self.source_uri)
        connect("target", self.target_uri)

    def batches(self, dim):
        if dim not in self.batches_by_dim:
            self.batches_by_dim[dim] = make_batches(self.settings.rows, self.settings.batch, dim)
        return self.batches_by_dim[dim]

    def unique(self, name):
        """Collection names are never reused in a run: a dropped one may still be on its way to the target."""
        self.collections_made += 1
        return f"{name}_{self.collections_made}"

    def observed(self, what, measure, *args):
        """Runs a measurement; runs it once more when a Milvus server restarted meanwhile, and notes
        the conditions of the run kept."""
        for attempt in (1, 2):
            watch = PhaseWatch(self.server.pid if self.server else None)
            try:
                result = measure(*args)
            except BenchError:
                if attempt == 2 or not watch.restarted():
                    raise
                progress(f"WARNING: {what} failed while {', '.join(watch.restarted())} restarted; measuring again")
                continue
            result.conditions = watch.conditions()
            if attempt == 2 or not watch.restarted():
                return result
            progress(f"WARNING: {', '.join(watch.restarted())} restarted during {what}; measuring again")
        return result

    def measure_direct(self, dim, shards, method="insert"):
        return self.observed(f"direct {method} dim {dim} shards {shards}", self._direct, dim, shards, method)

    def measure_replication(self, dim, shards, profile=False):
        return self.observed(f"replication dim {dim} shards {shards}", self._replication, dim, shards, profile)

    def measure_snapshot(self, dim, shards):
        return self.observed(f"snapshot dim {dim} shards {shards}", self._snapshot, dim, shards)

    def measure_lag(self, label, rate, direct=False):
        return self.observed(f"lag {label}", self._lag, label, rate, direct)

    # phase 1
    def _direct(self, dim, shards, method):
        ensure_disk(self.settings.rows, dim, COPIES_DIRECT, f"direct {method} dim {dim}")
        create_database("target", self.direct_db)
        connect("target-direct", self.target_uri, self.direct_db)
        collection = create_loaded_collection("target-direct", self.unique(f"direct_d{dim}_s{shards}"), dim, shards)
        batches = self.batches(dim)
        progress(f"direct {method}: {self.settings.rows} rows, dim {dim}, {shards} shard(s) into the target")
        first_write, last_ack = write_all(collection, batches, self.settings.concurrency, method)
        done = wait_for_count(collection, self.settings.rows, self.settings.timeout_s, self.settings.stall_s,
                              lambda: "direct writes to the target did not all arrive")
        collection.drop()
        return Throughput(self.settings.rows, done - first_write, last_ack - first_write)

    # phases 2 and 4
    def start_task(self):
        create_database("source", self.cdc_db)
        self.server = CdcServer(self.workdir, f"-Xshare:off -XX:DumpLoadedClassList={self.settings.class_list}"
                                if self.settings.class_list else "")
        self.task_id = self.server.create_task(self.target_uri, self.cdc_db, self.write_mode)
        progress(f"task {self.task_id} replicates database {self.cdc_db}")
        connect("source-cdc", self.source_uri, self.cdc_db)
        self._wait_replicated(lambda: self.cdc_db in db.list_database(using="target"), "database " + self.cdc_db)
        connect("target-cdc", self.target_uri, self.cdc_db)

    def replicated_collection(self, name, dim, shards):
        """Creates, indexes and loads `name` on the source; returns both sides once the target has it loaded."""
        source = create_loaded_collection("source-cdc", name, dim, shards)
        self._wait_replicated(lambda: utility.has_collection(name, using="target-cdc")
                              and utility.load_state(name, using="target-cdc") == LoadState.Loaded
                              and bool(Collection(name, using="target-cdc").indexes),
                              f"collection {name} loaded with its index")
        return source, Collection(name, using="target-cdc")

    def _wait_replicated(self, done, what):
        deadline = time.monotonic() + REPLICATED_DDL_TIMEOUT_S
        while not self._quietly(done):
            if time.monotonic() > deadline:
                raise BenchError(f"{what} did not appear on the target within {REPLICATED_DDL_TIMEOUT_S}s; "
                                 f"{self.failure_context()}")
            if self.task_id is not None and self._task_state() == "Paused":
                raise BenchError(f"the task paused while waiting for {what}; {self.failure_context()}")
            time.sleep(0.5)

    def _task_state(self):
        return self.server.request("get", {"task_id": self.task_id})["task"].get("state")

    @staticmethod
    def _quietly(check):
        try:
            return check()
        except MilvusException:
            return False

    def warm_up(self, dim, shards):
        """Replicates WARM_UP_ROWS rows through the task into a collection of their own, then drops it."""
        name = self.unique(f"warm_d{dim}_s{shards}")
        source, target = self.replicated_collection(name, dim, shards)
        batches = make_batches(WARM_UP_ROWS, self.settings.batch, dim, seed=11)
        progress(f"warm-up: {WARM_UP_ROWS} rows through the task")
        write_all(source, batches, self.settings.concurrency)
        wait_for_count(target, WARM_UP_ROWS, self.settings.timeout_s, self.settings.stall_s, self.failure_context,
                       self.target_consistency())
        source.drop()

    def target_consistency(self):
        """A Strong count on a target in replicate mode waits for the task's own tick (wait_for_count)."""
        return "Eventually" if self.write_mode == "replicate" else "Strong"

    def _replication(self, dim, shards, profile):
        ensure_disk(self.settings.rows, dim, COPIES_REPLICATED, f"replication dim {dim}")
        name = self.unique(f"cdc_d{dim}_s{shards}")
        source, target = self.replicated_collection(name, dim, shards)
        batches = self.batches(dim)
        progress(f"replication: {self.settings.rows} rows, dim {dim}, {shards} shard(s) into the source")
        if profile:
            self.server.jcmd("JFR.start", "name=bench", "settings=profile", f"filename={self.settings.jfr}")
        cpu_before = self.server.cpu_seconds()
        first_write, last_ack = write_all(source, batches, self.settings.concurrency)
        done = wait_for_count(target, self.settings.rows, self.settings.timeout_s, self.settings.stall_s,
                              self.failure_context,
                              self.target_consistency())
        cpu = self.server.cpu_seconds() - cpu_before
        if profile:
            self.server.jcmd("JFR.stop", "name=bench")
        source.drop()
        return Throughput(self.settings.rows, done - first_write, last_ack - first_write, cpu)

    # phase 5
    def _snapshot(self, dim, shards):
        """The same rows as phase 1, written into the source before a task exists; then a fresh server
        (its peak RSS is the copy's) copies them with snapshot "initial"."""
        ensure_disk(self.settings.rows, dim, COPIES_REPLICATED, f"snapshot dim {dim}")
        create_database("source", self.snapshot_db)
        connect("source-snapshot", self.source_uri, self.snapshot_db)
        name = self.unique(f"snap_d{dim}_s{shards}")
        source = create_loaded_collection("source-snapshot", name, dim, shards)
        progress(f"snapshot: {self.settings.rows} rows, dim {dim}, {shards} shard(s) into the source before the task")
        write_all(source, self.batches(dim), self.settings.concurrency)
        source.flush()
        server = CdcServer(self.workdir)
        try:
            started = time.monotonic()
            task_id = server.request("create", {
                "milvus_connect_param": {"uri": self.target_uri, "connect_timeout": 10},
                "db_collections": {self.snapshot_db: [{"name": name}]},
                "snapshot": "initial",
            })["task_id"]
            # the server logs the copy's own parts (rows/s, reading, waiting for the target)
            progress(f"snapshot: create answered in {time.monotonic() - started:.1f} s")
            copied, streaming = self._wait_copied(server, task_id)
            connect("target-snapshot", self.target_uri, self.snapshot_db)
            on_target = strong_count(Collection(name, using="target-snapshot"))
            if on_target != self.settings.rows:
                raise BenchError(f"the copy ended with {on_target} of {self.settings.rows} rows on the target")
            rss = server.peak_rss_mb()
            server.request("delete", {"task_id": task_id})
        finally:
            server.stop()
        source.drop()
        return SnapshotRun(self.settings.rows, streaming - started, copied - started, rss)

    def _wait_copied(self, server, task_id):
        """Polls `get` until the task streams after its copy; returns when every row was copied and
        when it streamed."""
        deadline = time.monotonic() + self.settings.timeout_s
        copied = None
        while True:
            task = server.request("get", {"task_id": task_id})["task"]
            if task.get("state") == "Paused":
                raise BenchError(f"the snapshot task paused: {task.get('reason')}")
            status = task.get("snapshot_status", {})
            now = time.monotonic()
            if copied is None and sum(c.get("rows_copied", 0) for c in status.get("collections", [])) >= self.settings.rows:
                copied = now
            if status.get("phase") == "streaming":
                return (copied or now), now
            if time.monotonic() > deadline:
                raise BenchError(f"the copy did not end within {self.settings.timeout_s:.0f}s: {task.get('snapshot_status')}")
            time.sleep(0.2)

    # phase 3
    def _lag(self, label, rate, direct):
        """Probe lags of a steady load into the source, seen on the target; with `direct`, of the same
        load written into the target itself and seen there (the target's own lag, a floor for the CDC's)."""
        s = self.settings
        batch_count = max(1, round(rate * s.lag_seconds / s.batch))
        ensure_disk(batch_count * s.batch, s.dim, COPIES_DIRECT if direct else COPIES_REPLICATED, f"lag {label}")
        if direct:
            create_database("target", self.direct_db)
            connect("target-direct", self.target_uri, self.direct_db)
            source = target = create_loaded_collection("target-direct", self.unique(f"lag_{label}"), s.dim, s.shards)
        else:
            source, target = self.replicated_collection(self.unique(f"lag_{label}"), s.dim, s.shards)
        progress(f"lag ({label}): {batch_count} batches of {s.batch} rows at {rate:.0f} rows/s for {s.lag_seconds:.0f}s")
        probes = Probes()
        writing_done = threading.Event()
        watcher = threading.Thread(target=watch_probes, args=(target, probes, writing_done, s.stall_s), daemon=True)
        watcher.start()
        threads_before = {} if direct else self.server.thread_cpu_seconds()
        cpu_before = self.server.cpu_seconds()
        rows, elapsed = paced_insert(source, self.batches(s.dim), batch_count, rate, s.concurrency, probes.acked)
        writing_done.set()
        watcher.join()
        cpu = self.server.cpu_seconds() - cpu_before
        by_thread = [] if direct else cpu_by_thread_group(threads_before, self.server.thread_cpu_seconds(), cpu)
        if probes.unseen():
            raise BenchError(f"lag: {probes.unseen()} of {probes.count()} probes never appeared on the target; "
                             f"{self.failure_context()}")
        source.drop()
        return Lag(label, rate, rows / elapsed, rows, probes.lags_ms(), cpu, direct=direct, cpu_by_thread=by_thread)

    def failure_context(self):
        if self.server is None:
            return "no CDC server"
        return (f"{self.server.task_summary(self.task_id)}; last lines of the server log "
                f"({self.server.log_path}):\n{self.server.log_tail()}")

    def close(self, succeeded):
        """Deletes the task, stops the server, drops every database of the run on both sides; keeps
        the server's files only when the run failed."""
        if self.server is not None:
            if self.task_id is not None:
                try:
                    self.server.request("delete", {"task_id": self.task_id, "ignore_not_found": True})
                except Exception as e:  # noqa: BLE001 - cleanup goes on
                    progress(f"warning: cannot delete task {self.task_id}: {e}")
            self.server.stop()
        drop_database("source", self.source_uri, self.cdc_db)
        drop_database("target", self.target_uri, self.cdc_db)
        drop_database("target", self.target_uri, self.direct_db)
        drop_database("source", self.source_uri, self.snapshot_db)
        drop_database("target", self.target_uri, self.snapshot_db)
        for alias in self.ALIASES:  # a later run of the same process may connect them to another target
            connections.disconnect(alias)
        if succeeded:
            shutil.rmtree(self.workdir, ignore_errors=True)
        else:
            progress(f"server files kept in {self.workdir}")


# --- profile -----------------------------------------------------------------------------------

ENGINE_PACKAGE = "dev.milvuscdc."
DURATION_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


@dataclass
class Profile:
    samples: int
    top_methods: list  # (method, samples): the running method
    engine_methods: list  # (method, samples): the engine's method nearest the top of the stack
    threads: list  # (thread group, samples)
    parked: list  # (thread group and engine method, seconds): where the engine's threads waited


@dataclass
class JfrEvent:
    thread: str
    seconds: float
    frames: list  # from the top of the stack

    def engine_frame(self):
        return next((f for f in self.frames if f.startswith(ENGINE_PACKAGE)), "(no engine frame)")


def jfr_events(jfr_file, event_type):
    """The events of one type, from `jfr print`."""
    printed = subprocess.run(["jfr", "print", "--stack-depth", "128", "--events", event_type, jfr_file],
                             check=True, capture_output=True, text=True).stdout
    event, in_stack = None, False
    for line in printed.splitlines():
        text = line.strip()
        if text.startswith(event_type + " {"):
            event = JfrEvent("", 0.0, [])
        elif event is None:
            continue
        elif text.startswith(("sampledThread = ", "eventThread = ")):
            event.thread = text.split('"')[1]
        elif text.startswith("duration = "):
            value, unit = text.split()[2:4]
            event.seconds = float(value) * DURATION_UNITS.get(unit, 0.0)
        elif text.startswith("stackTrace = ["):
            in_stack = True
        elif in_stack and text == "]":
            in_stack = False
            yield event
            event = None
        elif in_stack and text != "...":
            event.frames.append(re.sub(r" line: \d+$", "", text))


def thread_group(name):
    """Thread names without task ids and numbers, e.g. cdc-<task>-by-dev-rootcoord-dml_3 -> cdc-*-dml_N."""
    name = re.sub(r"[0-9a-f]{32}", "*", name)
    name = re.sub(r"by-dev-rootcoord-dml_\d+", "dml_N", name)
    return re.sub(r"\d+", "N", name)


def profile_of(jfr_file, limit=12):
    top, engine, threads, parked = Counter(), Counter(), Counter(), Counter()
    for sample in jfr_events(jfr_file, "jdk.ExecutionSample"):
        if sample.frames:
            top[sample.frames[0]] += 1
            engine[sample.engine_frame()] += 1
            threads[thread_group(sample.thread)] += 1
    for park in jfr_events(jfr_file, "jdk.ThreadPark"):
        waiting_in = park.engine_frame()
        if park.thread.startswith("cdc-") and waiting_in.startswith(ENGINE_PACKAGE):  # not idle pools
            parked[f"{re.sub('[0-9a-f]{32}', '*', park.thread)}: {waiting_in}"] += park.seconds
    return Profile(sum(top.values()), top.most_common(limit), engine.most_common(limit), threads.most_common(limit),
                   [(name, round(seconds, 1)) for name, seconds in parked.most_common(limit)])


# --- output ------------------------------------------------------------------------------------

@dataclass
class Results:
    direct_before: Throughput
    cdc: Throughput
    peak_rss_mb: float  # fresh server, end of phase 2
    live_heap_mb: float = 0.0  # after a full GC at the end of phase 2
    direct_upsert: Throughput = None  # how fast the target takes the upserts the engine sends
    direct_after: Throughput = None  # the baseline again, so that a noisy moment shows
    lags: list = field(default_factory=list)  # first: the rate (half the direct baseline)
    peak_rss_end_mb: float = 0.0
    class_archive_mapped: bool = False
    write_mode: str = "api"
    scaling: list = field(default_factory=list)  # ((shards, dim), (direct, cdc) or the refusal)
    profile: Profile = None
    snapshot: SnapshotRun = None
    source_version: str = ""
    disk_used_bytes: int = 0

    @property
    def direct_rows_per_s(self):
        """The baseline of the ratio: the mean of the runs before and after phase 2."""
        return (self.direct_before.rows_per_s + self.direct_after.rows_per_s) / 2

    @property
    def ratio(self):
        return self.cdc.rows_per_s / self.direct_rows_per_s


def fmt(value, digits=0):
    return f"{value:,.{digits}f}"


AS_ABOVE = "as above"


def lag_rows(settings, lag):
    first, last = lag.trend()
    path = "into the target directly, no CDC" if lag.direct else "into the source, seen on the target"
    how = (f"{lag.label} ({path}): target {fmt(lag.target_rate)} rows/s (achieved {fmt(lag.achieved_rate)}) for "
           f"{settings.lag_seconds:.0f} s, dim {settings.dim}, shards {settings.shards}, {len(lag.probes_ms)} probes "
           f"(first row of each batch of {settings.batch}), Session reads every {PROBE_POLL_S * 1000:.0f} ms; "
           f"median lag of the first/last tenth {fmt(first)}/{fmt(last)} ms")
    rows = [("3 lag", f"lag_p{p}_ms", fmt(lag.percentile(p)), how if p == 50 else AS_ABOVE, lag.conditions)
            for p in (50, 95, 99)]
    rows.append(("3 lag", "lag_max_ms", fmt(max(lag.probes_ms)), AS_ABOVE, lag.conditions))
    if not lag.direct:
        rows.append(("4 cost", "cpu_s_per_million_rows", fmt(lag.cpu_s_per_million_rows, 1),
                     f"during lag {lag.label}: server utime+stime {lag.cpu_seconds:.1f} s for {lag.rows} rows",
                     lag.conditions))
    return rows


def scaling_rows(base, scaling):
    rows = []
    for (shards, dim), outcome in scaling:
        label = f"{base}, dim {dim}, shards {shards}"
        if isinstance(outcome, str):
            rows.append(("5 scaling", "refused", "-", f"{label}: {outcome}", ""))
            continue
        direct, cdc = outcome
        rows += [
            ("5 scaling", "direct_rows_per_s", fmt(direct.rows_per_s), label, direct.conditions),
            ("5 scaling", "cdc_rows_per_s", fmt(cdc.rows_per_s),
             f"source acknowledged at {cdc.insert_seconds:.1f} s ({fmt(cdc.acked_rows_per_s)} rows/s), "
             f"target complete at {cdc.seconds:.1f} s", cdc.conditions),
            ("5 scaling", "ratio", fmt(cdc.rows_per_s / direct.rows_per_s, 2), "cdc / direct of this setting", ""),
            ("5 scaling", "cpu_s_per_million_rows", fmt(cdc.cpu_s_per_million_rows, 1),
             f"server utime+stime {cdc.cpu_seconds:.1f} s", cdc.conditions),
        ]
    return rows


def table_rows(settings, r):
    """(phase, figure, value, settings, conditions) for every figure."""
    base = f"rows {settings.rows}, batch {settings.batch}, concurrency {settings.concurrency}"
    main = f"{base}, dim {settings.dim}, shards {settings.shards}"
    rows = [
        ("1 direct", "direct_rows_per_s (before phase 2)", fmt(r.direct_before.rows_per_s),
         f"{main}; inserts acknowledged at {r.direct_before.insert_seconds:.1f} s, "
         f"all counted at {r.direct_before.seconds:.1f} s", r.direct_before.conditions),
        ("1 direct", "direct_rows_per_s (after phase 2)", fmt(r.direct_after.rows_per_s),
         f"{main}; inserts acknowledged at {r.direct_after.insert_seconds:.1f} s, "
         f"all counted at {r.direct_after.seconds:.1f} s", r.direct_after.conditions),
        ("1 direct", "direct_rows_per_s", fmt(r.direct_rows_per_s), "mean of the two", ""),
        ("1 direct", "direct_upsert_rows_per_s", fmt(r.direct_upsert.rows_per_s),
         f"{main}; the same rows written with upsert (as the engine writes rows it may have written before) into an empty collection",
         r.direct_upsert.conditions),
    ]
    rows += replication_rows(main, r)
    for lag in r.lags:
        rows += lag_rows(settings, lag)
    rows += scaling_rows(base, r.scaling)
    return rows + snapshot_rows(main, r.direct_before, r.snapshot)


def replication_rows(main, r):
    """Phase 2 and the cost; the ratio to the direct baseline only where there is one."""
    rows = [
        ("2 replication", "cdc_rows_per_s", fmt(r.cdc.rows_per_s),
         f"{main}; source inserts acknowledged at {r.cdc.insert_seconds:.1f} s, target complete at {r.cdc.seconds:.1f} s",
         r.cdc.conditions),
    ]
    if r.direct_before is not None:
        rows.append(("2 replication", "ratio", fmt(r.ratio, 2), "cdc_rows_per_s / direct_rows_per_s, same rows", ""))
    return rows + [
        ("2 replication", "source_rows_per_s", fmt(r.cdc.acked_rows_per_s),
         "rate at which the source acknowledged the inserts of phase 2 (an upper bound for cdc_rows_per_s)",
         r.cdc.conditions),
        ("2 replication", "catch_up_s", fmt(r.cdc.catch_up_seconds, 1),
         "from the last source acknowledgement until the target count was complete", r.cdc.conditions),
        ("4 cost", "cpu_s_per_million_rows", fmt(r.cdc.cpu_s_per_million_rows, 1),
         f"during phase 2: server utime+stime {r.cdc.cpu_seconds:.1f} s (a server warmed by {WARM_UP_ROWS:,} rows, as the reference was)",
         r.cdc.conditions),
        ("4 cost", "cores_used", fmt(r.cdc.cores_used, 2), "server CPU seconds per second of phase 2 (of 2 cores)",
         r.cdc.conditions),
        ("4 cost", "peak_rss_mb", fmt(r.peak_rss_mb), "VmHWM of the server (fresh, then warmed) at the end of phase 2", ""),
        ("4 cost", "live_heap_mb", fmt(r.live_heap_mb), "Java heap used after a full GC (jcmd GC.run) at the end of phase 2", ""),
        ("4 cost", "rig_disk_used_gb", fmt(r.disk_used_bytes / GB, 1),
         "free space the rig's filesystem lost during the run (others' writes included); not reclaimed for hours", ""),
        ("4 cost", "peak_rss_mb (end of run)", fmt(r.peak_rss_end_mb), "VmHWM of the same server after every phase", ""),
        ("4 cost", "class_archive_mapped", "yes" if r.class_archive_mapped else "NO",
         "the server mapped milvus-cdc.jsa, the class data archive of scripts/lib/java-main (/proc/<pid>/maps)", ""),
    ]


def snapshot_rows(main, direct, snapshot):
    return [
        ("5 snapshot", "snapshot_rows_per_s", fmt(snapshot.rows_per_s),
         f"{main}; existing rows copied by a task with snapshot initial, from create until it streamed "
         f"({snapshot.seconds:.1f} s)", snapshot.conditions),
        ("5 snapshot", "snapshot_ratio", fmt(snapshot.rows_per_s / direct.rows_per_s, 2),
         "snapshot_rows_per_s / direct_rows_per_s (before phase 2), same rows", ""),
        ("5 snapshot", "snapshot_copy_rows_per_s", fmt(snapshot.copy_rows_per_s),
         f"the rows alone: from create until get showed every row copied ({snapshot.copy_seconds:.1f} s; "
         f"no index or load)", ""),
        ("5 snapshot", "snapshot_copy_ratio", fmt(snapshot.copy_rows_per_s / direct.rows_per_s, 2),
         "snapshot_copy_rows_per_s / direct_rows_per_s (before phase 2), same rows", ""),
        ("5 snapshot", "snapshot_peak_rss_mb", fmt(snapshot.peak_rss_mb), "VmHWM of a fresh server at the end of its copy", ""),
    ]


def snapshot_summary(direct, snapshot):
    return {
        "snapshot_rows_per_s": round(snapshot.rows_per_s, 1),
        "snapshot_ratio": round(snapshot.rows_per_s / direct.rows_per_s, 3),
        "snapshot_copy_rows_per_s": round(snapshot.copy_rows_per_s, 1),
        "snapshot_copy_ratio": round(snapshot.copy_rows_per_s / direct.rows_per_s, 3),
        "snapshot_peak_rss_mb": round(snapshot.peak_rss_mb, 1),
    }


def print_profile(settings, profile, seconds):
    print(f"\nJFR profile of the server during phase 2 ({seconds:.0f} s, {settings.jfr}): "
          f"{profile.samples} execution samples")
    for title, counts in (("running method", profile.top_methods),
                          ("engine method nearest the top of the stack", profile.engine_methods),
                          ("thread", profile.threads)):
        print(f"\n| samples | share | {title} |")
        print("|---:|---:|---|")
        for name, count in counts:
            print(f"| {count} | {100 * count / profile.samples:.1f}% | `{name}` |")
    print("\n| seconds parked | engine thread: engine method waiting (jdk.ThreadPark, parks of 10 ms or more) |")
    print("|---:|---|")
    for name, seconds in profile.parked:
        print(f"| {seconds} | `{name}` |")


def print_cpu_by_thread(lag):
    if not lag.cpu_by_thread:
        return
    print(f"\nServer CPU by thread during lag {lag.label} ({lag.rows:,} rows; jcmd Thread.print before and after):")
    print("\n| CPU s | s per million rows | share | thread group |")
    print("|---:|---:|---:|---|")
    for name, seconds in lag.cpu_by_thread:
        print(f"| {seconds:.2f} | {seconds / (lag.rows / 1e6):.1f} | {100 * seconds / lag.cpu_seconds:.0f}% | `{name}` |")


def print_server_cpu(settings, results):
    """Where the server's CPU went: phase 2's JFR profile, when one was asked for, and each lag run's threads."""
    if results.profile:
        print_profile(settings, results.profile, results.cdc.seconds)
    for lag in results.lags:
        print_cpu_by_thread(lag)


def lag_summary(prefix, lag):
    first, last = lag.trend()
    return {f"{prefix}rate_rows_per_s": round(lag.target_rate, 1),
            f"{prefix}achieved_rows_per_s": round(lag.achieved_rate, 1),
            **{f"{prefix}p{p}_ms": round(lag.percentile(p), 1) for p in (50, 95, 99)},
            f"{prefix}max_ms": round(max(lag.probes_ms), 1),
            f"{prefix}first_tenth_p50_ms": round(first, 1), f"{prefix}last_tenth_p50_ms": round(last, 1)}


def measured_conditions(r):
    yield "direct before", r.direct_before.conditions
    yield "direct after", r.direct_after.conditions
    yield "direct upsert", r.direct_upsert.conditions
    yield "replication", r.cdc.conditions
    for lag in r.lags:
        yield f"lag {lag.label}", lag.conditions
    for (shards, dim), outcome in r.scaling:
        if not isinstance(outcome, str):
            yield f"scaling direct dim {dim} shards {shards}", outcome[0].conditions
            yield f"scaling replication dim {dim} shards {shards}", outcome[1].conditions
    yield "snapshot", r.snapshot.conditions


def source_version():
    """The commit the server was built from, `-dirty` when tracked files had changes. Read-only git
    calls: another process may be committing in this work tree."""
    def git(*args):
        return subprocess.run(["git", "--no-optional-locks", "-C", str(PROJECT_DIR), *args],
                              capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def summary(settings, r):
    return {
        **replication_summary(settings, r),
        "direct_rows_per_s": round(r.direct_rows_per_s, 1),
        "direct_rows_per_s_before": round(r.direct_before.rows_per_s, 1),
        "direct_rows_per_s_after": round(r.direct_after.rows_per_s, 1),
        "ratio": round(r.ratio, 3),
        "direct_upsert_rows_per_s": round(r.direct_upsert.rows_per_s, 1),
        "rig_disk_used_gb": round(r.disk_used_bytes / GB, 2),
        **snapshot_summary(r.direct_before, r.snapshot),
        "disturbed": [what for what, conditions in measured_conditions(r) if "DISTURBED" in conditions],
        "scaling": [{"shards": shards, "dim": dim, **({"refused": o} if isinstance(o, str) else {
            "direct_rows_per_s": round(o[0].rows_per_s, 1), "cdc_rows_per_s": round(o[1].rows_per_s, 1),
            "ratio": round(o[1].rows_per_s / o[0].rows_per_s, 3), "source_rows_per_s": round(o[1].acked_rows_per_s, 1),
            "cpu_s_per_million_rows": round(o[1].cpu_s_per_million_rows, 2)})} for (shards, dim), o in r.scaling],
    }


def replication_summary(settings, r):
    """The figures of phase 2, the lags and the server's cost: all that a replicate-mode run measures."""
    lag, *more_lags = r.lags
    return {
        "mode": "quick" if settings.quick else "full",
        "write_mode": r.write_mode,
        "source_version": r.source_version,
        "rows": settings.rows, "batch": settings.batch, "concurrency": settings.concurrency,
        "dim": settings.dim, "shards": settings.shards,
        "cdc_rows_per_s": round(r.cdc.rows_per_s, 1),
        "source_rows_per_s": round(r.cdc.acked_rows_per_s, 1),
        "catch_up_s": round(r.cdc.catch_up_seconds, 2),
        "cores_used": round(r.cdc.cores_used, 3),
        **lag_summary("lag_", lag),
        **{k: v for extra in more_lags for k, v in lag_summary(f"lag_{extra.label}_", extra).items()},
        "cpu_s_per_million_rows": round(r.cdc.cpu_s_per_million_rows, 2),
        "peak_rss_mb": round(r.peak_rss_mb, 1),
        "live_heap_mb": round(r.live_heap_mb, 1),
        "peak_rss_end_mb": round(r.peak_rss_end_mb, 1),
        "class_archive_mapped": r.class_archive_mapped,
    }


# The reference Go CDC (zilliztech/milvus-cdc v1.0.0) measured on this rig in issue 13: the better
# of its two runs, writing through ReplicateMessage into a target with common.ttMsgEnabled=false;
# 100,000 rows, batches of 1,000 from 4 threads, lag at a steady 4,000 rows/s (docs/performance.md).
REFERENCE = {"flow_ratio": 0.95, "catch_up_s": 0.30, "lag_p50_ms": 113, "lag_p99_ms": 1123,
             "cpu_s_per_million_rows": 11.2, "peak_rss_mb": 79}
REFERENCE_LAG_RATE = 4000


def bar_rows(r, floor=None):
    """(figure, this run, reference, goal, met) for every figure issue 13 compares; a figure is met
    when it reaches both the reference's value and the goal. `floor`: the target-alone lag, when it was
    measured on another target than r's (the replicate mode's standby takes no direct writes)."""
    lag = next((x for x in r.lags if not x.direct), None)
    floor = floor or next((x for x in r.lags if x.direct), None)
    flow = r.cdc.rows_per_s / r.cdc.acked_rows_per_s
    rows = [("replicated / source rate (phase 2)", fmt(flow, 2), fmt(REFERENCE["flow_ratio"], 2), ">= 0.95",
             flow >= max(0.95, REFERENCE["flow_ratio"])),
            ("catch_up_s (phase 2)", fmt(r.cdc.catch_up_seconds, 2), fmt(REFERENCE["catch_up_s"], 2), "<= 0.40",
             r.cdc.catch_up_seconds <= min(0.4, REFERENCE["catch_up_s"])),
            ("cpu_s_per_million_rows (phase 2)", fmt(r.cdc.cpu_s_per_million_rows, 1),
             fmt(REFERENCE["cpu_s_per_million_rows"], 1), "<= 10", r.cdc.cpu_s_per_million_rows <= 10),
            ("peak_rss_mb (end of run)", fmt(r.peak_rss_end_mb), fmt(REFERENCE["peak_rss_mb"]), "<= 200",
             r.peak_rss_end_mb <= min(200, REFERENCE["peak_rss_mb"]))]
    if lag:
        rows.append((f"cpu_s_per_million_rows (lag at {fmt(lag.target_rate)} rows/s)", fmt(lag.cpu_s_per_million_rows, 1),
                     fmt(REFERENCE["cpu_s_per_million_rows"], 1), "<= 10", lag.cpu_s_per_million_rows <= 10))
    if lag and not floor:  # a target in replicate mode takes no direct writes: the reference is the only bar
        for p in (50, 99):
            reference = REFERENCE[f"lag_p{p}_ms"]
            same_rate = abs(lag.target_rate - REFERENCE_LAG_RATE) < 1
            rows.append((f"lag_p{p}_ms at {fmt(lag.target_rate)} rows/s", fmt(lag.percentile(p)),
                         fmt(reference) if same_rate else f"{fmt(reference)} (at {fmt(REFERENCE_LAG_RATE)} rows/s)",
                         "no target-alone run", same_rate and lag.percentile(p) <= reference))
    if lag and floor:
        same_rate = abs(lag.target_rate - REFERENCE_LAG_RATE) < 1
        for p, slack in ((50, 100), (99, 300)):
            goal = floor.percentile(p) + slack
            reference = REFERENCE[f"lag_p{p}_ms"]
            rows.append((f"lag_p{p}_ms at {fmt(lag.target_rate)} rows/s", fmt(lag.percentile(p)),
                         fmt(reference) if same_rate else f"{fmt(reference)} (at {fmt(REFERENCE_LAG_RATE)} rows/s)",
                         f"<= {fmt(goal)} (target alone + {slack})",
                         lag.percentile(p) <= goal and (not same_rate or lag.percentile(p) <= reference)))
    return rows


def print_bar(settings, results, floor=None):
    print()
    print(f"Against the reference (issue 13; its workload: 100,000 rows, batch 1,000, concurrency 4; this run: "
          f"rows {settings.rows}, batch {settings.batch}, concurrency {settings.concurrency}, "
          f"write_mode {results.write_mode}):")
    print()
    print("| figure | this run | reference v1.0.0 | goal | met |")
    print("|---|---:|---:|---|---|")
    for figure, value, reference, goal, met in bar_rows(results, floor):
        print(f"| {figure} | {value} | {reference} | {goal} | {'yes' if met else 'no'} |")


def report(settings, results):
    print("| phase | figure | value | settings | conditions |")
    print("|---|---|---:|---|---|")
    for row in table_rows(settings, results):
        print("| " + " | ".join(row) + " |")
    print_server_cpu(settings, results)
    print_bar(settings, results)


def report_replicate(settings, results, floor=None):
    main = (f"rows {settings.rows}, batch {settings.batch}, concurrency {settings.concurrency}, dim {settings.dim}, "
            f"shards {settings.shards}, write_mode replicate")
    print("| phase | figure | value | settings | conditions |")
    print("|---|---|---:|---|---|")
    for row in replication_rows(main, results) + lag_rows(settings, results.lags[0]):
        print("| " + " | ".join(row) + " |")
    print_server_cpu(settings, results)
    print_bar(settings, results, floor)


# --- main --------------------------------------------------------------------------------------

def run_scaling(bench, settings):
    results = []
    for shards, dim in settings.scaling:
        try:
            direct = bench.measure_direct(dim, shards)
        except MilvusException as e:
            if "shard num" not in str(e):
                raise
            progress(f"scaling: {shards} shards refused by Milvus: {e.message}")
            results.append(((shards, dim), e.message))
            continue
        cdc = bench.measure_replication(dim, shards)
        progress(f"scaling dim {dim} shards {shards}: direct {direct.rows_per_s:.0f}, cdc {cdc.rows_per_s:.0f} rows/s")
        results.append(((shards, dim), (direct, cdc)))
    return results


def measure_lags(bench, settings, direct_rows_per_s, cdc):
    """The issue's rate (half the direct baseline), the same load written into the target directly
    (what the target alone adds: the floor of the CDC's lag on this machine), then a quarter of the
    measured replication rate (the lag of a server that keeps up with ease)."""
    lags = []
    half_direct = settings.lag_rate or direct_rows_per_s / 2
    for label, rate, direct in (("half_direct", half_direct, False),
                                ("target_only", half_direct, True),
                                ("quarter_cdc", cdc.rows_per_s / 4, False)):
        lag = bench.measure_lag(label, rate, direct)
        progress(f"lag ({label}): p50 {lag.percentile(50):.0f} ms, p99 {lag.percentile(99):.0f} ms")
        lags.append(lag)
    return lags


def run_snapshot_only(settings):
    """Phase 1 and phase 5 alone: the copy rate against the direct insert rate of the same rows."""
    bench = Bench(settings, rig_env("RIG_TARGET_URI"), "api")
    succeeded = False
    try:
        direct = bench.measure_direct(settings.dim, settings.shards)
        progress(f"direct: {direct.rows_per_s:.0f} rows/s")
        snapshot = bench.measure_snapshot(settings.dim, settings.shards)
        progress(f"snapshot: {snapshot.rows_per_s:.0f} rows/s until it streamed, {snapshot.copy_rows_per_s:.0f} rows/s"
                 f" for the rows alone, peak RSS {snapshot.peak_rss_mb:.0f} MB")
        succeeded = True
    finally:
        bench.close(succeeded)
    main = (f"rows {settings.rows}, batch {settings.batch}, concurrency {settings.concurrency}, "
            f"dim {settings.dim}, shards {settings.shards}")
    print("| phase | figure | value | settings | conditions |")
    print("|---|---|---:|---|---|")
    for row in [("1 direct", "direct_rows_per_s", fmt(direct.rows_per_s), main, direct.conditions),
                *snapshot_rows(main, direct, snapshot)]:
        print("| " + " | ".join(row) + " |")
    print()
    print(json.dumps({"mode": "snapshot-only", "source_version": source_version(), "rows": settings.rows,
                      "dim": settings.dim, "shards": settings.shards,
                      "direct_rows_per_s": round(direct.rows_per_s, 1), **snapshot_summary(direct, snapshot)}))


def measure_replicate(settings, target_uri):
    """The replicate write mode into a target in replicate mode: phase 2 and the lag at --lag-rate.
    Such a target refuses direct writes, so there is no direct baseline, no target-alone lag, and no
    scaling or snapshot phase (an initial copy writes through the ordinary API)."""
    bench = Bench(settings, target_uri, "replicate")
    version = source_version()
    succeeded = False
    try:
        bench.batches(settings.dim)
        bench.start_task()
        bench.warm_up(settings.dim, settings.shards)
        cdc = bench.measure_replication(settings.dim, settings.shards, profile=bool(settings.jfr))
        results = Results(None, cdc, bench.server.peak_rss_mb(), bench.server.live_heap_mb(), write_mode="replicate")
        results.class_archive_mapped = bench.server.class_archive_mapped()
        progress(f"replication (replicate mode): {cdc.rows_per_s:.0f} rows/s, {cdc.cpu_seconds:.1f} CPU s, "
                 f"peak RSS {results.peak_rss_mb:.0f} MB")
        lag = bench.measure_lag("lag_rate", settings.lag_rate)
        progress(f"lag (replicate mode): p50 {lag.percentile(50):.0f} ms, p99 {lag.percentile(99):.0f} ms")
        results.lags = [lag]
        results.peak_rss_end_mb = bench.server.peak_rss_mb()
        results.source_version = version
        results.profile = profile_of(settings.jfr) if settings.jfr else None
        succeeded = True
    finally:
        bench.close(succeeded)
    return results


def measure_api(settings):
    """Every phase of the ordinary write mode, into the rig's target."""
    bench = Bench(settings, rig_env("RIG_TARGET_URI"), "api")
    version = source_version()  # scripts/bench has just built the server from this tree
    free_at_start = rig_free_bytes()
    progress(f"{free_at_start / GB:.1f} GB free on the rig's filesystem")
    succeeded = False
    try:
        bench.batches(settings.dim)
        direct = bench.measure_direct(settings.dim, settings.shards)
        progress(f"direct: {direct.rows_per_s:.0f} rows/s")
        bench.start_task()
        bench.warm_up(settings.dim, settings.shards)
        cdc = bench.measure_replication(settings.dim, settings.shards, profile=bool(settings.jfr))
        results = Results(direct, cdc, bench.server.peak_rss_mb(), bench.server.live_heap_mb())
        results.class_archive_mapped = bench.server.class_archive_mapped()
        progress(f"replication: {cdc.rows_per_s:.0f} rows/s, {cdc.cpu_seconds:.1f} CPU s, "
                 f"peak RSS {results.peak_rss_mb:.0f} MB")
        results.direct_after = bench.measure_direct(settings.dim, settings.shards)
        progress(f"direct again: {results.direct_after.rows_per_s:.0f} rows/s")
        results.direct_upsert = bench.measure_direct(settings.dim, settings.shards, "upsert")
        progress(f"direct upsert: {results.direct_upsert.rows_per_s:.0f} rows/s")
        results.lags = measure_lags(bench, settings, results.direct_rows_per_s, cdc)
        results.scaling = run_scaling(bench, settings)
        results.snapshot = bench.measure_snapshot(settings.dim, settings.shards)
        progress(f"snapshot: {results.snapshot.rows_per_s:.0f} rows/s, peak RSS {results.snapshot.peak_rss_mb:.0f} MB")
        results.peak_rss_end_mb = bench.server.peak_rss_mb()
        results.source_version = version
        results.disk_used_bytes = free_at_start - rig_free_bytes()
        results.profile = profile_of(settings.jfr) if settings.jfr else None
        succeeded = True
    finally:
        bench.close(succeeded)
    return results


def run(settings):
    if settings.snapshot_only:
        run_snapshot_only(settings)
    elif settings.write_mode == "replicate":
        if os.environ.get("RIG_TARGET_REPLICATE_MODE") != "true":
            raise BenchError("--write-mode replicate needs a rig whose target is in replicate mode: "
                             "scripts/rig down, then scripts/rig up --target-replicate-mode")
        results = measure_replicate(settings, rig_env("RIG_TARGET_URI"))
        report_replicate(settings, results)
        print()
        print(json.dumps(replication_summary(settings, results)))
    elif settings.write_mode == "both":
        standby = os.environ.get("RIG_STANDBY_URI")
        if not standby:
            raise BenchError("--write-mode both needs a rig with a standby target in replicate mode: "
                             "scripts/rig down, then scripts/rig up --standby")
        api = measure_api(settings)
        replicate = measure_replicate(settings, standby)
        report(settings, api)
        print()
        print("The replicate write mode, the same run, into the standby (the target-alone lag above is its floor):")
        print()
        report_replicate(settings, replicate, floor=next(x for x in api.lags if x.direct))
        print()
        print(json.dumps({**summary(settings, api), "replicate": replication_summary(settings, replicate)}))
    else:
        results = measure_api(settings)
        report(settings, results)
        print()
        print(json.dumps(summary(settings, results)))


def interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv):
    settings = parse_settings(argv)
    signal.signal(signal.SIGTERM, interrupt)  # so that `close` still removes the server and databases
    try:
        run(settings)
    except BenchError as e:
        progress(f"FAILED: {e}")
        return 1
    except MilvusException as e:
        progress(f"FAILED: Milvus answered {e.code}: {e.message}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
