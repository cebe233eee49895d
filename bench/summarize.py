"""Combine several `run_all.py --json` runs into one markdown table (the form of RESULTS.md).

    python bench/summarize.py run1.json run2.json run3.json

Per row: each time is the median over runs of the per-run medians; the ratio is the median over
runs of the per-run ratios, with its range across runs. The verdict uses the median ratio and says
'borderline' when the range straddles the target (PEERS.md: differences under ~1.5x can be noise)."""
import json
import statistics
import sys


def _fmt(v):
    return f"{v:.3f}" if v < 10 else f"{v:.2f}" if v < 100 else f"{v:.1f}"


def main(paths):
    runs = []
    for p in paths:
        d = json.load(open(p))
        runs += d if isinstance(d, list) else [d]   # run_all --runs N writes a list
    summarize(runs)


def summarize(runs, file=None):
    """Print the combined table of several runs (each {"machine": [...], "rows": [row_dict, ...]})."""
    out = file or sys.stdout
    n = len(runs)
    for key in ("mnnx:", "mnnx extension built:"):
        seen = {next((m for m in r["machine"] if m.startswith(key)), None) for r in runs}
        if len(seen) > 1:
            print(f"WARNING: the runs measured different mnnx builds: {sorted(map(str, seen))}", file=sys.stderr)
    head = ("| workload | mnnx | mnnx | peer | peer | ratio peer/mnnx (median of runs) | range over runs "
            "| target | verdict |")
    print(head, file=out)
    print("|" + "---|" * (head.count(" | ") + 1), file=out)
    met = total = 0
    for i, row in enumerate(runs[0]["rows"]):
        rs = [r["rows"][i] for r in runs]
        assert all(r["workload"] == row["workload"] and r["mnnx_label"] == row["mnnx_label"] for r in rs)
        scale, u = (1e3, "ms") if row["unit"] == "ms" else (1e6, "µs/op")
        mx = statistics.median(r["mnnx"]["median"] for r in rs) * scale
        for j, peer in enumerate(row["peers"]):
            pt = statistics.median(r["peers"][peer]["median"] for r in rs) * scale
            ratios = [r["ratios"][peer] for r in rs]
            med = statistics.median(ratios)
            tgt = row["targets"].get(peer)
            verdict = ""
            if tgt is not None:
                total += 1
                ok = med >= tgt
                met += ok
                verdict = "met" if ok else "NOT met"
                if min(ratios) < tgt <= max(ratios):
                    verdict += " (borderline: runs on both sides)"
                if any(r["mnnx"]["noisy"] or r["peers"][peer]["noisy"] for r in rs):
                    verdict += " (noisy)"
            print(f"| {row['workload'] if j == 0 else ''} | {row['mnnx_label'] if j == 0 else ''} "
                  f"| {_fmt(mx) + ' ' + u if j == 0 else ''} | {peer} | {_fmt(pt)} {u} | **{med:.2f}x** "
                  f"| {min(ratios):.2f}–{max(ratios):.2f}x | {'>= %gx' % tgt if tgt is not None else '—'} "
                  f"| {verdict} |", file=out)
    print(f"\nTargets met: {met} of {total} (median over {n} run{'s' if n > 1 else ''}).", file=out)


if __name__ == "__main__":
    main(sys.argv[1:])
