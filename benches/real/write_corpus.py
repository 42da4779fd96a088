#!/usr/bin/env python3
"""Write each repository's tree at its recorded commit into a corpus folder.

Usage: write_corpus.py MIRROR_ROOT [CORPUS_DIR]

MIRROR_ROOT holds bare git folders named `<owner>+<name>/repo` (or `<owner>+<name>`);
CORPUS_DIR (default /work/corpus) receives one folder per repository, named `<name>`.
The corpus lives outside the repository and is never committed. Blobs that the bare
folder does not hold (large files fetched lazily) are skipped and counted.
"""
import os
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))


def read_repos():
    """Yield (owner/name, commit) from repos.txt."""
    with open(os.path.join(HERE, "repos.txt")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                repo, commit = line.split()
                yield repo, commit


def git_dir(mirror_root, repo):
    base = os.path.join(mirror_root, repo.replace("/", "+"))
    return os.path.join(base, "repo") if os.path.isdir(os.path.join(base, "repo")) else base


def write_tree(gitdir, commit, out):
    """Write every blob of `commit` under `out`; return (written, skipped)."""
    listing = subprocess.run(
        ["git", "--git-dir", gitdir, "ls-tree", "-r", "-z", commit],
        check=True, capture_output=True,
    ).stdout
    entries = []
    for rec in listing.split(b"\0"):
        if not rec:
            continue
        meta, path = rec.split(b"\t", 1)
        mode, kind, sha = meta.split(b" ")
        if kind == b"blob" and mode != b"120000":
            entries.append((sha, path))
    proc = subprocess.Popen(
        ["git", "--git-dir", gitdir, "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    requests = b"".join(sha + b"\n" for sha, _ in entries)

    def feed():
        proc.stdin.write(requests)
        proc.stdin.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    written = skipped = 0
    for sha, path in entries:
        header = proc.stdout.readline()
        if header.endswith(b" missing\n"):
            skipped += 1
            continue
        size = int(header.split()[2])
        data = proc.stdout.read(size)
        proc.stdout.read(1)
        target = os.path.join(out, os.fsdecode(path))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
        written += 1
    feeder.join()
    proc.wait()
    return written, skipped


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    mirror_root = sys.argv[1]
    corpus = sys.argv[2] if len(sys.argv) > 2 else "/work/corpus"
    for repo, commit in read_repos():
        out = os.path.join(corpus, repo.split("/")[1])
        if os.path.isdir(out):
            print(f"{repo}: {out} exists, kept")
            continue
        written, skipped = write_tree(git_dir(mirror_root, repo), commit, out)
        print(f"{repo}@{commit[:12]}: {written} files, {skipped} missing blobs skipped", flush=True)


if __name__ == "__main__":
    main()
