#!/usr/bin/env python3
"""Score plumbline on the real-code corpus against hand-written labels.

Usage: score.py [--plumbline BIN] [--corpus DIR] [--dump FILE] [--unlabelled]

Runs `plumbline check --format json` with the default config over each corpus folder
written by write_corpus.py, joins the findings with labels.tsv on (repo, path, line, rule)
and prints, per rule: findings, right, wrong, unclear, unlabelled and precision
right / (right + wrong); then the recall of the `must-find` labels.
--dump writes every finding (repo, path, line, rule, message) as TSV, for labelling;
--unlabelled lists the findings that have no label yet.
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VERDICTS = ("right", "wrong", "unclear", "must-find")


def repos():
    with open(os.path.join(HERE, "repos.txt")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                yield line.split()[0].split("/")[1]


def load_labels():
    """Map (repo, path, line, rule) -> (verdict, why)."""
    labels = {}
    with open(os.path.join(HERE, "labels.tsv"), newline="") as f:
        for n, row in enumerate(csv.reader(f, delimiter="\t"), 1):
            if not row or row[0].startswith("#"):
                continue
            if len(row) != 6 or row[4] not in VERDICTS:
                sys.exit(f"labels.tsv:{n}: want repo, path, line, rule, verdict ({'|'.join(VERDICTS)}), why")
            repo, path, line, rule, verdict, why = row
            labels[(repo, path, int(line), rule)] = (verdict, why)
    return labels


def run(binary, corpus, repo):
    """Findings of one repository as (repo, relative path, line, rule, message)."""
    folder = os.path.join(corpus, repo)
    out = subprocess.run(
        [binary, "check", "--format", "json", "--color", "never", "."],
        cwd=folder, capture_output=True, text=True,
    )
    if out.returncode not in (0, 1):
        sys.exit(f"{repo}: plumbline exited {out.returncode}: {out.stderr.strip()}")
    for f in json.loads(out.stdout)["findings"]:
        path = os.path.normpath(f["path"])
        yield (repo, path, f["start"]["line"], f["rule"], f["message"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plumbline", default=os.path.join(ROOT, "target/release/plumbline"))
    ap.add_argument("--corpus", default=os.environ.get("PLUMBLINE_CORPUS", "/work/corpus"))
    ap.add_argument("--dump")
    ap.add_argument("--unlabelled", action="store_true")
    args = ap.parse_args()

    labels = load_labels()
    findings = []
    for repo in repos():
        if not os.path.isdir(os.path.join(args.corpus, repo)):
            print(f"skipped {repo}: {args.corpus}/{repo} is absent (run write_corpus.py)")
            continue
        findings.extend(run(args.plumbline, args.corpus, repo))

    if args.dump:
        with open(args.dump, "w") as f:
            for row in findings:
                f.write("\t".join(map(str, row)) + "\n")

    table = collections.defaultdict(collections.Counter)
    found = set()
    for repo, path, line, rule, message in findings:
        key = (repo, path, line, rule)
        found.add(key)
        verdict = labels.get(key, ("unlabelled", ""))[0]
        if verdict == "must-find":
            verdict = "right"
        table[rule][verdict] += 1
        if verdict == "unlabelled" and args.unlabelled:
            print(f"unlabelled\t{repo}\t{path}\t{line}\t{rule}\t{message}")

    print(f"| rule | findings | right | wrong | unclear | unlabelled | precision |")
    print(f"|---|---|---|---|---|---|---|")
    totals = collections.Counter()
    for rule in sorted(table):
        c = table[rule]
        n = sum(c.values())
        totals.update(c)
        totals["n"] += n
        judged = c["right"] + c["wrong"]
        precision = f"{c['right'] / judged:.2f}" if judged else "-"
        print(f"| {rule} | {n} | {c['right']} | {c['wrong']} | {c['unclear']} | {c['unlabelled']} | {precision} |")
    judged = totals["right"] + totals["wrong"]
    precision = f"{totals['right'] / judged:.2f}" if judged else "-"
    print(f"| all | {totals['n']} | {totals['right']} | {totals['wrong']} | {totals['unclear']} | {totals['unlabelled']} | {precision} |")

    must = [k for k, (v, _) in labels.items() if v == "must-find"]
    hit = [k for k in must if k in found]
    print(f"\nmust-find recall: {len(hit)}/{len(must)}")
    for k in sorted(set(must) - set(hit)):
        print("  missed:", *k)


if __name__ == "__main__":
    main()
