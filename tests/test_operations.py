"""Operations: idempotent reruns, readers never break writers, crash safety, the UI's API."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse import PROJECT_ROOT, connect, snapshot_path

pytestmark = pytest.mark.e2e
CSI = str(Path(sys.executable).parent / "csi")
COMPARED = {
    "marts.fct_deals": "deal_id",
    "marts.bridge_deal_documents": "mention_id",
    "marts.dim_companies": "company",
    "analytics.market_share": "market, period, metric, provider",
    "analytics.concentration": "market, period, metric",
}


def table(warehouse: str, name: str, order: str) -> list[tuple]:
    with duckdb.connect(warehouse, read_only=True) as con:
        return con.execute(f"select * from {name} order by {order}").fetchall()


def test_second_run_leaves_marts_and_analytics_identical(recorded_run, tmp_path):
    from pipelines.definitions import run_everything
    from pipelines.defs.resources import CsiSettings

    first, _, _ = recorded_run
    second = str(tmp_path / "again.duckdb")
    shutil.copyfile(first, second)
    refresh, digest, _ = run_everything(
        CsiSettings(warehouse=second, digest_dir=str(tmp_path / "d"))
    )
    assert refresh.success and digest.success
    for name, order in COMPARED.items():
        assert table(first, name, order) == table(second, name, order), name
    with duckdb.connect(second, read_only=True) as con:
        docs = con.execute("select count(*), count(distinct sha256) from raw.documents").fetchone()
        dupes = con.execute(
            "select count(*) from raw.fetch_log where outcome = 'duplicate'"
        ).fetchone()[0]
    assert docs[0] == docs[1]  # nothing stored twice
    assert dupes > 0  # the rerun saw the same documents again


def _hold_write_lock(path: str) -> subprocess.Popen:
    code = (
        "import sys; from pipelines.warehouse import write_lock\n"
        f"with write_lock({path!r}):\n    print('locked', flush=True); sys.stdin.read()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_readers_use_the_snapshot_while_a_writer_works(tmp_path):
    wh = str(tmp_path / "wh.duckdb")
    with connect(wh) as con:
        con.execute("create table t as select 1 as v")
    from pipelines.warehouse import publish_snapshot

    publish_snapshot(wh)
    with connect(wh) as con:
        con.execute("update t set v = 2")  # a change made after the last completed run
    writer = _hold_write_lock(wh)
    try:
        with connect(wh, read_only=True) as con:  # does not wait, does not fail
            assert con.execute("select v from t").fetchone()[0] == 1
    finally:
        writer.communicate("")
    with connect(wh, read_only=True) as con:  # writer gone: the live file again
        assert con.execute("select v from t").fetchone()[0] == 2
    assert snapshot_path(wh).exists()


def test_a_writer_waits_for_a_reader_instead_of_failing(tmp_path):
    wh = str(tmp_path / "wh.duckdb")
    with connect(wh) as con:
        con.execute("create table t as select 1 as v")
    order: list[str] = []
    reading = threading.Event()

    def writer():
        reading.wait()
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                "from pipelines.warehouse import connect\n"
                f"with connect({wh!r}) as con: con.execute('update t set v = 3')",
            ],
            capture_output=True,
            text=True,
        )
        order.append(f"writer rc={proc.returncode} {proc.stderr[-200:]}")

    thread = threading.Thread(target=writer)
    thread.start()
    with connect(wh, read_only=True) as con:
        reading.set()
        time.sleep(1.0)  # hold the reader open while the writer tries; not a timing assertion
        order.append("reader done")
        assert con.execute("select v from t").fetchone()[0] == 1
    thread.join(timeout=60)
    assert order[0] == "reader done" and order[1].startswith("writer rc=0"), order
    with connect(wh, read_only=True) as con:
        assert con.execute("select v from t").fetchone()[0] == 3


# -- crash safety -------------------------------------------------------------------------------
class _BlockingSite(BaseHTTPRequestHandler):
    """A feed whose second article hangs until released: the run is then mid-ingestion."""

    release = threading.Event()
    reached = threading.Event()

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path == "/feed.xml":
            items = "".join(
                f"<item><title>Item {i}</title><link>{base}/a{i}</link>"
                f"<pubDate>Mon, 0{i} Sep 2025 10:00:00 GMT</pubDate></item>"
                for i in (1, 2, 3)
            )
            body = f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>"
            ctype = "application/rss+xml"
        elif self.path.startswith("/a"):
            if self.path == "/a2":
                type(self).reached.set()
                type(self).release.wait(timeout=120)
            body = (
                "<html><head><title>Nebius signs Microsoft</title></head><body><article>"
                "<p>Nebius said on Monday it signed a five-year, $17.4 billion agreement to "
                f"supply Microsoft with GPU capacity. Item {self.path}.</p></article></body></html>"
            )
            ctype = "text/html"
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def crash_env(tmp_path):
    _BlockingSite.release.clear()
    _BlockingSite.reached.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BlockingSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    notes = tmp_path / "notes"
    shutil.copytree(PROJECT_ROOT / "sources" / "notes", notes)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - {name: notes, kind: local, path: notes, genre: press_release}\n"
        f"  - {{name: slow_feed, kind: rss, url: 'http://127.0.0.1:{server.server_port}/feed.xml',"
        " rate_limit_per_s: 10}\n",
        encoding="utf-8",
    )
    env = dict(os.environ, DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    env.pop("DAGSTER_HOME", None)
    yield tmp_path, sources, env
    _BlockingSite.release.set()
    server.shutdown()


def _start_run(tmp_path, sources, env) -> subprocess.Popen:
    return subprocess.Popen(
        [
            CSI,
            "run",
            "--sources",
            str(sources),
            "--warehouse",
            str(tmp_path / "wh.duckdb"),
            "--out",
            str(tmp_path / "digests"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _assert_clean_rerun(tmp_path, sources, env) -> None:
    _BlockingSite.release.set()
    rerun = subprocess.run(
        [
            CSI,
            "run",
            "--sources",
            str(sources),
            "--warehouse",
            str(tmp_path / "wh.duckdb"),
            "--out",
            str(tmp_path / "digests"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    wh = str(tmp_path / "wh.duckdb")
    with duckdb.connect(wh, read_only=True) as con:
        n, distinct = con.execute(
            "select count(*), count(distinct source || sha256) from raw.documents"
        ).fetchone()
        deals = con.execute(
            "select count(*), count(distinct deal_id) from marts.fct_deals"
        ).fetchone()
        pairs = con.execute(
            "select count(*) from (select buyer, provider, deal_type, announced_on, count(*) c "
            "from marts.fct_deals group by all having c > 1)"
        ).fetchone()[0]
        nebius = con.execute(
            "select count(*) from marts.fct_deals where buyer = 'Microsoft' and provider = 'Nebius'"
        ).fetchone()[0]
    assert n == distinct and n >= 10  # 8 notes + 3 feed items, none twice
    assert deals[0] == deals[1] and pairs == 0
    assert nebius >= 1


def test_sigkill_during_ingestion_then_rerun(crash_env):
    tmp_path, sources, env = crash_env
    proc = _start_run(tmp_path, sources, env)
    try:
        assert _BlockingSite.reached.wait(timeout=120), "the run never reached the feed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        stored = con.execute("select source, count(*) from raw.documents group by 1").fetchall()
    assert dict(stored) == {"notes": 8}  # the finished source is kept, the killed one absent
    _assert_clean_rerun(tmp_path, sources, env)


def _dbt_child_running(pid: int) -> bool:
    for proc_dir in Path("/proc").iterdir():
        if not proc_dir.name.isdigit():
            continue
        try:
            cmd = (proc_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            stat = (proc_dir / "stat").read_text().split()
        except OSError:
            continue
        if "dbt build" in cmd and int(stat[4]) == pid:  # same process group
            return True
    return False


def test_sigkill_during_dbt_then_rerun(crash_env):
    tmp_path, sources, env = crash_env
    _BlockingSite.release.set()  # ingestion goes through; we kill in dbt
    proc = _start_run(tmp_path, sources, env)
    try:
        deadline = time.monotonic() + 180
        while not _dbt_child_running(proc.pid):
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "dbt never started"
            time.sleep(0.05)
        time.sleep(1.5)  # let dbt get into its models before the kill
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    _assert_clean_rerun(tmp_path, sources, env)


# -- the UI's GraphQL API -------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gql(port: int, query: str, variables: dict | None = None) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


def test_webserver_graph_and_materialize_everything(tmp_path):
    from pipelines.defs.dbt import dbt_project

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(PROJECT_ROOT / ".dagster" / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    env = dict(
        os.environ,
        DAGSTER_HOME=str(home),
        CSI_WAREHOUSE=str(tmp_path / "wh.duckdb"),
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    dagster = Path(sys.executable).parent / "dagster"
    server = subprocess.Popen(
        [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                nodes = _gql(port, "{ assetNodes { assetKey { path } } }")["data"]["assetNodes"]
                break
            except (OSError, KeyError, TypeError):
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(1)
        keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
        manifest = json.loads(dbt_project.manifest_path.read_text())
        models = {
            f"{n['schema']}/{n['name']}"
            for n in manifest["nodes"].values()
            if n["resource_type"] in ("model", "seed")
        }
        python_assets = {
            "source_catalog",
            "raw_documents",
            "parsed_documents",
            "deal_mentions",
            "market_share",
            "concentration",
            "warehouse_snapshot",
            "weekly_digest",
        }
        assert models <= keys and python_assets <= keys, (models | python_assets) - keys
        repo = _gql(
            port,
            "{ repositoriesOrError { ... on RepositoryConnection { nodes { name "
            "location { name } } } } }",
        )["data"]["repositoriesOrError"]["nodes"][0]
        launched = _gql(
            port,
            "mutation($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename "
            "... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }",
            {
                "p": {
                    "selector": {
                        "repositoryLocationName": repo["location"]["name"],
                        "repositoryName": repo["name"],
                        "jobName": "refresh_everything",
                    }
                }
            },
        )["data"]["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        deadline = time.monotonic() + 300
        status = None
        while status not in ("SUCCESS", "FAILURE", "CANCELED"):
            assert time.monotonic() < deadline, f"run still {status}"
            time.sleep(2)
            status = _gql(
                port,
                "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }",
                {"id": run_id},
            )["data"]["runOrError"]["status"]
        assert status == "SUCCESS"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_deals").fetchone()[0] > 10
