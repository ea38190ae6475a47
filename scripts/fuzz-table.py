#!/usr/bin/env python3
"""Prints docs/HARDENING.md's fuzzing table from run-fuzzers.sh summaries.

Usage: fuzz-table.py SUMMARY.tsv [LONG_SUMMARY.tsv ...]
The first file is the short run (`make fuzz FUZZ_SECONDS=N`); later ones are long runs
(`make fuzz-long`, or one target at a time with FUZZ_TARGETS), whose executions fill the
"long run" column (10M marks a target that reached ten million). What each target parses
is the first sentence of its harness's header comment (tests/fuzz/<name>_fuzz.cpp).
"Findings fixed" counts the rows of docs/fuzz-runs/findings.tsv for the target (what a run
found, and the regression test that keeps it fixed).
"""
import csv
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def rows(path):
    with open(path, newline="") as f:
        return {r["target"]: r for r in csv.DictReader(f, delimiter="\t")}


def parses(target):
    name = target[len("fuzz_"):]
    source = os.path.join(ROOT, "tests", "fuzz", f"{name}_fuzz.cpp")
    if name.startswith("dialogue_"):
        return f"the whole `{name[len('dialogue_'):]}` emulator, driven like a connection"
    if not os.path.exists(source):
        return ""
    text = []
    with open(source) as f:
        for line in f:
            if not line.startswith("//"):
                break
            text.append(line[2:].strip())
    words = " ".join(text)
    words = re.sub(r"^libFuzzer target(:| for)\s*", "", words)
    sentence = re.split(r"(?<=[a-z)])[:.] | — | must never| never crash", words, maxsplit=1)[0]
    if sentence.count("(") > sentence.count(")"):
        sentence = sentence[:sentence.rindex("(")]
    return sentence.strip(" ,").replace("|", "/")


def findings():
    path = os.path.join(ROOT, "docs", "fuzz-runs", "findings.tsv")
    counts = {}
    if os.path.exists(path):
        with open(path, newline="") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                counts[r["target"]] = counts.get(r["target"], 0) + 1
    return counts


def human(n):
    n = int(n)
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 1000:
        return f"{n / 1000:.0f}k"
    return str(n)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    short = rows(sys.argv[1])
    long = {}
    for path in sys.argv[2:]:
        long.update(rows(path))
    fixed = findings()
    print("| target | parses | seeds | executions (short run) | long run | result | findings fixed |")
    print("|---|---|---|---|---|---|---|")
    for target in sorted(set(short) | set(long)):
        s = short.get(target, {})
        l = long.get(target)
        long_cell = ""
        if l:
            reached = int(l["executions"]) >= 10_000_000
            long_cell = ("**10M** " if reached else "") + f"{human(l['executions'])} in {l['seconds']}s"
        result = l["result"] if l and l["result"] != "ok" else s.get("result", "")
        execs = f"{human(s['executions'])} in {s['seconds']}s" if s else ""
        seeds = (s or l)["seed_files"]
        found = fixed.get(target, "")
        print(f"| `{target}` | {parses(target)} | {seeds} | {execs} | {long_cell} | {result} | {found} |")


if __name__ == "__main__":
    main()
