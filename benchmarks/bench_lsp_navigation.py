#!/usr/bin/env python3
"""Completion, go-to-definition and find-references latency over LSP, on the largest corpus
workspace (issue 5 §9: median and p95, target ≤ 20 ms).

Run it by hand (it is not a test):

    .venv/bin/python benchmarks/bench_lsp_navigation.py             # 100 requests per case
    .venv/bin/python benchmarks/bench_lsp_navigation.py --requests 50 --json

`benchmarks/bench_navigation.py` times the engine calls alone; this script times what an editor
sees: `cargo-lens serve --stdio` in a subprocess, driven by the plain JSON-RPC client of
`bench_lsp.py` (no pygls on the client side; a reader thread stamps each message as it is read).
One sample is the time from writing a request to reading its response, so JSON-RPC framing, the
server's (de)serialisation, the hop to its analysis worker and back all count.

paradigmxyz__reth (146 manifests, 144 members) is copied to a fresh temporary directory, which is
the workspace folder. The server is started, initialised, and left to index every manifest (the
"N manifests in 1 folder(s)" log message that ends indexing); then `crates/net/network/Cargo.toml`
and the root `Cargo.toml` are opened, as an editor with both tabs would have them, and each case
runs in turn:

* completion/dependency key: `reth-` typed on a new line of the member's `[dependencies]`
  (an unsaved edit): ~300 `name.workspace = true` items from the root.
* completion/features: inside `features = ["` of `reth-network-types` (a workspace path dependency).
* completion/members path: inside a new `"crates/` entry of the root's `members` (unsaved root).
* definition/`workspace = true`: on `reth-eth-wire.workspace` → the root's entry.
* definition/members entry: on the root's `"crates/net/network"` → its manifest.
* references/workspace entry: on `reth-primitives-traits` in `[workspace.dependencies]` → every
  manifest that inherits it.
* references/package name: on `name = "reth-network"` → every dependent.

Before a case, its unsaved edit (if any) is sent and the client waits for the diagnostics of that
version, so the case starts from an analysed state; afterwards the text is put back. Two modes:

* steady: the same request again and again on an unchanged text (what hovering about, jumping back
  and forth, or reopening the completion list costs).
* after-edit: every request follows a didChange of the same document (a comment line appended at
  its end, so the position still holds), sent at once: the request waits for the edit's
  analysis (the diagnostics of every manifest) in the server's single worker, then finds every
  per-text cache stale. This is the first request after a keystroke, the worst case.
* edit-analysed: as after-edit, but the client waits for the edit's diagnostics before sending
  the request: the request's own cost on stale caches, without the wait for the analysis.
  after-edit minus edit-analysed is the time spent queued behind the analysis.

A few warm-up requests are not counted. Prints median / p95 / max in milliseconds per case.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    DEFAULT_CORPUS,
    cargo_lens_exe,
    copy_corpus_entry,
    fmt_ms,
    lens_env,
    loadavg,
    machine,
    percentile,
    scratch_dir,
    table,
)
from bench_lsp import Client, is_publish, uri  # noqa: E402

TARGET = 0.020
MEMBER_REL = os.path.join("crates", "net", "network", "Cargo.toml")


def position(text: str, offset: int) -> dict:
    """An LSP position (UTF-16 code units) of a code-point offset."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    ch = sum(2 if ord(c) > 0xFFFF else 1 for c in text[start:offset])
    return {"line": line, "character": ch}


def capabilities() -> dict:
    return {
        "general": {"positionEncodings": ["utf-16"]},
        "textDocument": {
            "synchronization": {"didSave": True, "dynamicRegistration": False},
            "publishDiagnostics": {"versionSupport": True},
            "completion": {"completionItem": {"snippetSupport": False}},
            "definition": {"linkSupport": False},
            "references": {},
        },
        "workspace": {"workspaceFolders": True, "configuration": False},
        "window": {"workDoneProgress": False},
    }


class Doc:
    def __init__(self, client: Client, path: str):
        self.client = client
        self.uri = uri(path)
        with open(path, encoding="utf-8") as f:
            self.disk = f.read()
        self.text = self.disk
        self.version = 1
        client.notify("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "toml", "version": 1, "text": self.text}})

    def set_text(self, text: str) -> int:
        self.text = text
        self.version += 1
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [{"text": text}]})
        return self.version

    def append(self, line: str) -> None:
        """An incremental edit: ``line`` added at the end (offsets before it stay valid)."""
        end = position(self.text, len(self.text))
        self.text += line
        self.version += 1
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": self.version},
            "contentChanges": [{"range": {"start": end, "end": end}, "text": line}]})

    def settle(self) -> None:
        """Wait for the diagnostics of the current version (the edit has been analysed)."""
        v = self.version
        self.client.wait(lambda m: is_publish(m, self.uri, v))


def cases(root: Doc, member: Doc) -> list[dict]:
    """(feature, case, document, its text for the case, offset, method, extra params)."""
    rt, mt = root.disk, member.disk
    out = []
    anchor = "[dependencies]\n"
    typed = mt.replace(anchor, anchor + "reth-\n", 1)
    out.append(dict(feature="completion", case="dependency key (`reth-`)", doc=member, text=typed,
                    offset=typed.index(anchor) + len(anchor) + len("reth-"), method="textDocument/completion"))
    needle = 'reth-network-types = { workspace = true, features = ["'
    out.append(dict(feature="completion", case="features of a workspace path dep", doc=member, text=mt,
                    offset=mt.index(needle) + len(needle), method="textDocument/completion"))
    at = rt.index("members = [") + len("members = [")
    typed_root = rt[:at] + '\n    "crates/",' + rt[at:]
    out.append(dict(feature="completion", case="members entry path (`crates/`)", doc=root, text=typed_root,
                    offset=at + len('\n    "crates/'), method="textDocument/completion"))
    out.append(dict(feature="definition", case="`workspace = true` → root entry", doc=member, text=mt,
                    offset=mt.index("reth-eth-wire.workspace") + 3, method="textDocument/definition"))
    out.append(dict(feature="definition", case="members entry → manifest", doc=root, text=rt,
                    offset=rt.index('"crates/net/network"') + 3, method="textDocument/definition"))
    deps_at = rt.index("[workspace.dependencies]")
    out.append(dict(feature="references", case="[workspace.dependencies] entry → inheritors", doc=root, text=rt,
                    offset=rt.index("\nreth-primitives-traits ", deps_at) + 3, method="textDocument/references"))
    out.append(dict(feature="references", case="package name → dependents", doc=member, text=mt,
                    offset=mt.index('name = "reth-network"') + len('name = "') + 2, method="textDocument/references"))
    return out


def count(result) -> int:
    if result is None:
        return 0
    if isinstance(result, dict):  # CompletionList
        return len(result.get("items") or [])
    return len(result)


def run_case(client: Client, c: dict, mode: str, requests: int, warmup: int) -> dict:
    doc: Doc = c["doc"]
    if doc.text != c["text"]:
        doc.set_text(c["text"])
        doc.settle()
    params = {"textDocument": {"uri": doc.uri}, "position": position(c["text"], c["offset"])}
    if c["method"] == "textDocument/references":
        params["context"] = {"includeDeclaration": True}
    samples, results, errors = [], set(), []
    for i in range(warmup + requests):
        if mode in ("after-edit", "edit-analysed"):
            doc.append(f"# edit {i}\n")
            if mode == "edit-analysed":
                doc.settle()
        rid, t0 = client.request(c["method"], params)
        t1, msg = client.wait(lambda m: m.get("id") == rid)
        if "error" in msg:
            errors.append(msg["error"])
        if i >= warmup:
            samples.append(t1 - t0)
            results.add(count(msg.get("result")))
    # put the case's text back, analysed, for the next case
    if doc.text != doc.disk:
        doc.set_text(doc.disk)
        doc.settle()
    return {
        "mode": mode, "feature": c["feature"], "case": c["case"], "results": sorted(results), "errors": errors[:3],
        "n": len(samples), "median": statistics.median(samples), "p95": percentile(samples, 95), "max": max(samples),
        "samples": samples,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=100, help="timed requests per case and mode (default 100, at least 50)")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--mode", choices=("steady", "after-edit", "edit-analysed", "all"), default="all")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of tables")
    ap.add_argument("--save", metavar="PATH", help="also write the results as JSON to PATH")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (server stderr is there)")
    args = ap.parse_args(argv)
    requests = max(50, args.requests)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    info = machine()
    lens = cargo_lens_exe()
    scratch = scratch_dir("cargo-lens-bench-nav-")
    env = lens_env(scratch)
    rows: list[dict] = []
    try:
        folder = copy_corpus_entry(args.corpus, "paradigmxyz__reth", scratch)
        client = Client([lens, "serve", "--stdio"], folder, env, os.path.join(scratch, "server.stderr"))
        try:
            t0 = time.perf_counter()
            rid, _ = client.request("initialize", {
                "processId": os.getpid(), "rootUri": uri(folder),
                "workspaceFolders": [{"uri": uri(folder), "name": os.path.basename(folder)}],
                "capabilities": capabilities(),
            })
            client.wait(lambda m: m.get("id") == rid)
            client.notify("initialized", {})
            _, msg = client.wait(lambda m: m.get("method") == "window/logMessage" and "manifests in" in m["params"]["message"])
            log(f"indexed: {msg['params']['message']} after {fmt_ms(time.perf_counter() - t0)}")
            root = Doc(client, os.path.join(folder, "Cargo.toml"))
            member = Doc(client, os.path.join(folder, MEMBER_REL))
            root.settle()
            member.settle()
            for mode in (("steady", "edit-analysed", "after-edit") if args.mode == "all" else (args.mode,)):
                for c in cases(root, member):
                    row = run_case(client, c, mode, requests, args.warmup)
                    log(f"[{mode}] {row['feature']} / {row['case']}: median {fmt_ms(row['median'])}, "
                        f"p95 {fmt_ms(row['p95'])} ({row['results']} results; load {loadavg()})")
                    rows.append(row)
        finally:
            client.close()
    finally:
        if args.keep:
            log(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    info["loadavg_end"] = loadavg()
    payload = {"machine": info, "requests": requests, "warmup": args.warmup, "rows": rows}
    if args.save:
        with open(args.save, "w", encoding="utf-8") as f:
            json.dump(payload, f, indent=2)
    if args.json:
        print(json.dumps(payload, indent=2))
        return 0
    print(f"cargo-lens over LSP on paradigmxyz__reth: {requests} requests per case after {args.warmup} warm-up; "
          f"{info['cpu']}, {info['nproc']} CPUs, Python {info['python']}; load {info['loadavg_start']} → {info['loadavg_end']}; "
          f"{info['source']}\n")
    body = [[r["mode"], r["feature"], r["case"], "/".join(map(str, r["results"])), fmt_ms(r["median"]), fmt_ms(r["p95"]),
             fmt_ms(r["max"]), ("errors: " + str(r["errors"])) if r["errors"] else ""] for r in rows]
    print(table(["mode", "feature", "case", "results", "median", "p95", "max", ""], body))
    for mode in dict.fromkeys(r["mode"] for r in rows):
        worst = max(max(r["median"], r["p95"]) for r in rows if r["mode"] == mode)
        print(f"\n{mode}: worst median/p95 {fmt_ms(worst)} (target ≤ {fmt_ms(TARGET)}): {'met' if worst <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
