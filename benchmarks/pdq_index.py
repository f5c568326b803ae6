"""PDQ index benchmark: Haven's exact index against python-threatexchange's PDQIndex
(FAISS multi-hash) and a brute-force scan, side by side in one run.

    .venv/bin/python benchmarks/pdq_index.py                  # 1M and 10M hashes
    .venv/bin/python benchmarks/pdq_index.py --sizes 100000 --queries 500   # quick

Each contender runs in its own process on the same synthetic bank (uniform random
hashes plus families of near-duplicates, seeded) and the same queries (exact copies,
near copies with up to ~40 bits flipped, and unrelated hashes), at threshold 31. It
prints lookups per second (batched, and single lookups from as many threads as
cores), p99 single-lookup latency, index memory (resident set growth from building,
with the input freed) and the whole process's resident set, build time, and recall
and precision against the brute-force answer. For Haven it also times a restart from a
snapshot on disk (memory-mapped) to the first answer, and how soon an added or
removed hash is seen.
"""

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

THRESHOLD = 31
FAMILY_SHARE = 0.1  # a tenth of the bank are near-duplicates of a parent
FAMILY_SIZE = 10


# -- data (identical in every process) -------------------------------------------------


def flip_masks(rng, count: int, mean_bits: float) -> np.ndarray:
    """Random 256-bit masks with about `mean_bits` bits set, as (count, 32) bytes."""
    bits = rng.random((count, 256)) < mean_bits / 256
    return np.packbits(bits, axis=1)


def make_bank(size: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    families = int(size * FAMILY_SHARE) // FAMILY_SIZE
    uniform = size - families * FAMILY_SIZE
    bank = np.empty((size, 32), dtype=np.uint8)
    bank[:uniform] = rng.integers(0, 256, size=(uniform, 32), dtype=np.uint8)
    if families:
        parents = rng.integers(0, 256, size=(families, 32), dtype=np.uint8)
        children = np.repeat(parents, FAMILY_SIZE, axis=0)
        for start in range(0, len(children), 1_000_000):
            chunk = children[start : start + 1_000_000]
            chunk ^= flip_masks(rng, len(chunk), 12.0)
        bank[uniform:] = children
    return bank


def make_queries(bank: np.ndarray, count: int, seed: int = 2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    picks = bank[rng.integers(0, len(bank), count)]
    queries = rng.integers(0, 256, size=(count, 32), dtype=np.uint8)
    exact = count // 10
    near = count * 4 // 10
    queries[:exact] = picks[:exact]
    queries[exact : exact + near] = picks[exact : exact + near] ^ flip_masks(rng, near, 16.0)
    return queries


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- contenders (each runs in a child process) ----------------------------------------


# Throughput is the best of a few rounds, for every contender alike: the machine is a
# shared virtual machine, and a round that lands on a noisy neighbour says little.
ROUNDS = 3


def best_of(rounds: int, work, count: int):
    """(best rate in items a second, the last result) over `rounds` runs of `work`."""
    best, result = 0.0, None
    for _ in range(rounds):
        started = time.perf_counter()
        result = work()
        best = max(best, count / (time.perf_counter() - started))
    return best, result


def latency_p99(search_one, queries, limit: int) -> float:
    times = []
    for query in queries[:limit]:
        started = time.perf_counter()
        search_one(query)
        times.append(time.perf_counter() - started)
    return float(np.percentile(times, 99) * 1000)


def concurrent_rate(search_one, queries, threads: int, seconds: float = 5.0) -> float:
    """Single lookups from `threads` threads at once: lookups per second."""
    done = [0] * threads
    stop = time.perf_counter() + seconds

    def work(n):
        i = n
        while time.perf_counter() < stop:
            search_one(queries[i % len(queries)])
            done[n] += 1
            i += threads

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / (time.perf_counter() - started)


def run_brute(args) -> dict:
    from haven.matching.pdq_index import _in_parallel, _scan, hex_to_words

    bank = make_bank(args.size)
    queries = make_queries(bank, args.queries)
    words = hex_to_words(bank)
    del bank
    gc.collect()
    query_words = hex_to_words(queries)
    alive = np.ones(len(words), np.uint8)

    def scan(batch, threshold=THRESHOLD):
        return _scan(words, alive, len(words), batch, threshold)

    scan(query_words[:2])
    started = time.perf_counter()
    numbers, rows, _ = _in_parallel(scan, query_words, THRESHOLD)
    elapsed = time.perf_counter() - started  # one round: a scan is slow and steady
    truth: list[list[int]] = [[] for _ in range(len(query_words))]
    for number, row in zip(numbers.tolist(), rows.tolist(), strict=True):
        truth[number].append(row)
    Path(args.truth).write_text(json.dumps(truth))
    return {
        "name": "brute force scan (numba, all cores)",
        "build_s": 0.0,
        "batch_qps": len(query_words) / elapsed,
        "concurrent_qps": concurrent_rate(
            lambda q: scan(q[None, :]), query_words, os.cpu_count() or 1, seconds=3.0
        ),
        "p99_ms": latency_p99(lambda q: scan(q[None, :]), query_words, 50),
        "index_mb": words.nbytes / 2**20,
        "rss_mb": rss_mb(),
        "recall": 1.0,
        "precision": 1.0,
    }


def score(truth: list[list[int]], found: list[set[int]]) -> tuple[float, float]:
    expected = sum(len(t) for t in truth)
    got = sum(len(f) for f in found)
    correct = sum(len(set(t) & f) for t, f in zip(truth, found, strict=True))
    return (correct / expected if expected else 1.0), (correct / got if got else 1.0)


def run_haven(args) -> dict:
    from haven.matching.pdq_index import PdqIndex, release_free_memory

    PdqIndex.build(np.zeros((2, 32), np.uint8), [0, 1]).query(["00" * 32], THRESHOLD)
    warm = PdqIndex.build(
        np.random.default_rng(0).integers(0, 256, (70000, 32), np.uint8), np.arange(70000)
    )
    warm.query(["00" * 32], THRESHOLD)
    del warm
    gc.collect()
    release_free_memory()
    baseline = rss_mb()
    bank = make_bank(args.size)
    queries = [q.tobytes().hex() for q in make_queries(bank, args.queries)]
    started = time.perf_counter()
    index = PdqIndex.build(bank, np.arange(args.size))
    build_s = time.perf_counter() - started
    del bank
    gc.collect()
    release_free_memory()
    index_mb = rss_mb() - baseline
    truth = json.loads(Path(args.truth).read_text())
    index.query(queries[:50], THRESHOLD)

    def batched():
        found = []
        for start in range(0, len(queries), 100):
            found.extend(index.query(queries[start : start + 100], THRESHOLD))
        return found

    batch_qps, results = best_of(ROUNDS, batched, len(queries))
    recall, precision = score(truth, [{i for i, _ in r} for r in results])
    result = {
        "name": "Haven PdqIndex (exact multi-index)",
        "build_s": build_s,
        "batch_qps": batch_qps,
        "concurrent_qps": concurrent_rate(
            lambda q: index.query([q], THRESHOLD), queries, os.cpu_count() or 1
        ),
        "p99_ms": latency_p99(lambda q: index.query([q], THRESHOLD), queries, 1000),
        "index_mb": index_mb,
        "rss_mb": rss_mb(),
        "peak_rss_mb": peak_mb(),
        "recall": recall,
        "precision": precision,
    }
    # Changes while serving: visible to the very next query, no rebuild.
    fresh = np.random.default_rng(99).integers(0, 256, (1000, 32), np.uint8)
    started = time.perf_counter()
    index.add(fresh, np.arange(args.size, args.size + 1000))
    found = index.query([fresh[0].tobytes().hex()], 0)[0]
    result["add_1000_visible_ms"] = (time.perf_counter() - started) * 1000
    assert found == [(args.size, 0)]
    started = time.perf_counter()
    index.remove(np.arange(0, 1000))
    result["remove_1000_visible_ms"] = (time.perf_counter() - started) * 1000
    index.remove(np.arange(args.size, args.size + 1000))
    started = time.perf_counter()
    index.save(Path(args.snapshot))
    result["snapshot_write_s"] = time.perf_counter() - started
    return result


def run_restart(args) -> dict:
    from haven.matching.pdq_index import PdqIndex

    bank_queries = make_queries(make_bank(min(args.size, 1000)), 10)
    query = bank_queries[0].tobytes().hex()
    # Start cold: drop the snapshot's pages from the page cache, as after a reboot.
    for path in Path(args.snapshot).iterdir():
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    started = time.perf_counter()
    index = PdqIndex.load(Path(args.snapshot))
    index.query([query], THRESHOLD)
    first_answer = time.perf_counter() - started
    index.warm()
    return {
        "name": "Haven restart from snapshot",
        "first_answer_s": first_answer,
        "fully_warm_s": time.perf_counter() - started,
    }


def run_threatexchange(args) -> dict:
    from threatexchange.signal_type.pdq.pdq_index import PDQIndex

    from haven.matching.pdq_index import release_free_memory

    PDQIndex([("00" * 32, 0)]).query("00" * 32)
    gc.collect()
    release_free_memory()
    baseline = rss_mb()
    bank = make_bank(args.size)
    queries = [q.tobytes().hex() for q in make_queries(bank, args.queries)]
    entries = [(row.tobytes().hex(), i) for i, row in enumerate(bank)]
    del bank
    started = time.perf_counter()
    index = PDQIndex(entries)
    build_s = time.perf_counter() - started
    del entries
    gc.collect()
    release_free_memory()  # the same courtesy Haven's build does itself
    index_mb = rss_mb() - baseline
    truth = json.loads(Path(args.truth).read_text())
    index.query(queries[0])
    single_qps, found = best_of(
        ROUNDS,
        lambda: [{match.metadata for match in index.query(q)} for q in queries],
        len(queries),
    )
    batch_qps, _ = best_of(
        ROUNDS,
        lambda: index.index.search_with_distance_in_result(queries, THRESHOLD),
        len(queries),
    )
    recall, precision = score(truth, found)
    return {
        "name": "threatexchange PDQIndex (FAISS multi-hash)",
        "build_s": build_s,
        "batch_qps": max(batch_qps, single_qps),
        "concurrent_qps": concurrent_rate(index.query, queries, os.cpu_count() or 1),
        "p99_ms": latency_p99(index.query, queries, 1000),
        "index_mb": index_mb,
        "rss_mb": rss_mb(),
        "peak_rss_mb": peak_mb(),
        "recall": recall,
        "precision": precision,
    }


CONTENDERS = {
    "brute": run_brute,
    "haven": run_haven,
    "restart": run_restart,
    "threatexchange": run_threatexchange,
}


# -- driver ----------------------------------------------------------------------------


def child(kind: str, size: int, queries: int, work: Path) -> dict:
    command = [
        sys.executable, __file__, "--child", kind, "--size", str(size),
        "--queries", str(queries), "--truth", str(work / f"truth-{size}.json"),
        "--snapshot", str(work / f"snap-{size}"),
    ]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    return f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB, Python {platform.python_version()}"


def print_table(size: int, rows: list[dict]) -> None:
    print(f"\n{size:,} hashes, threshold {THRESHOLD}")
    header = (
        f"{'index':44} {'batch/s':>9} {'concur/s':>9} {'p99 ms':>7} "
        f"{'index MB':>9} {'RSS MB':>7} {'build s':>8} {'recall':>7} {'prec.':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        if "batch_qps" not in r:
            continue
        print(
            f"{r['name']:44} {r['batch_qps']:9.0f} {r['concurrent_qps']:9.0f} "
            f"{r['p99_ms']:7.2f} {r['index_mb']:9.0f} {r['rss_mb']:7.0f} "
            f"{r['build_s']:8.1f} {r['recall']:7.2%} {r['precision']:6.1%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument(
        "--threatexchange-max",
        type=int,
        default=1_000_000,
        help="largest bank to build PDQIndex for (it is slow and large)",
    )
    parser.add_argument("--child")
    parser.add_argument("--size", type=int)
    parser.add_argument("--truth")
    parser.add_argument("--snapshot")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CONTENDERS[args.child](args)))
        return
    print(f"Machine: {machine()}")
    summary = {}
    with tempfile.TemporaryDirectory(prefix="haven-bench-") as tmp:
        work = Path(tmp)
        for size in [int(s) for s in args.sizes.split(",")]:
            queries = args.queries if size < 5_000_000 else max(500, args.queries // 2)
            rows = [child("brute", size, queries, work), child("haven", size, queries, work)]
            restart = child("restart", size, queries, work)
            if size <= args.threatexchange_max:
                rows.append(child("threatexchange", size, queries, work))
            print_table(size, rows)
            haven = rows[1]
            print(
                f"Haven: restart from a cold snapshot answers in {restart['first_answer_s']:.2f}s "
                f"(every page read in {restart['fully_warm_s']:.2f}s); 1,000 added hashes "
                f"visible after {haven['add_1000_visible_ms']:.1f} ms, 1,000 removals after "
                f"{haven['remove_1000_visible_ms']:.1f} ms; snapshot written in "
                f"{haven['snapshot_write_s']:.1f}s; peak RSS {haven['peak_rss_mb']:.0f} MB."
            )
            if len(rows) > 2:
                te = rows[2]
                print(
                    f"Haven / PDQIndex: {haven['batch_qps'] / te['batch_qps']:.1f}x batched "
                    f"lookups/s, {haven['concurrent_qps'] / te['concurrent_qps']:.1f}x "
                    f"concurrent single lookups/s, {haven['index_mb'] / te['index_mb']:.2f}x "
                    f"index memory, {haven['rss_mb'] / te['rss_mb']:.2f}x process RSS."
                )
            brute = rows[0]
            print(f"Haven / brute force: {haven['batch_qps'] / brute['batch_qps']:.0f}x lookups/s")
            summary[size] = {"rows": rows, "restart": restart}
    print("\nJSON " + json.dumps(summary))


if __name__ == "__main__":
    main()
