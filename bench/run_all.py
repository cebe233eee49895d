"""Run every peer benchmark in one process and print the machine info and one table (markdown).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/run_all.py

Ratios are peer time / mnnx time (> 1: mnnx is faster); each row's target and verdict is shown."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1,
                    help="run the whole suite this many times in this process (one mnnx build) and also "
                         "print the combined table (median ratio over runs and its range)")
    ap.add_argument("--json", metavar="PATH", help="also write the machine info and rows as JSON (for summarize.py)")
    args = ap.parse_args()
    import bench_elementwise
    import bench_reduce
    import bench_overhead
    import summarize
    common.setup_threads()
    idle_load = common.warn_if_busy()
    print("## Machine\n")
    info = common.print_machine_info()
    runs, noisy_machine = [], idle_load > 0.1
    for k in range(args.runs):
        rows, loads = [], []
        for mod in (bench_elementwise, bench_reduce, bench_overhead):
            t = time.perf_counter()
            mon = common.LoadMonitor()
            rows += mod.run()
            loads.append((mod.__name__, mon.other_cores(), time.perf_counter() - t))
            print(f"(run {k + 1}: {mod.__name__}: {loads[-1][2]:.1f} s, results checked against the peers; "
                  f"other processes used {loads[-1][1]:.2f} cores meanwhile)", file=sys.stderr)
        print(f"\n## Results{f' (run {k + 1} of {args.runs})' if args.runs > 1 else ''}\n")
        print("Times: median (min) of back-to-back samples (see machine info); ratio = peer median / mnnx median, "
              "> 1 means mnnx is faster.\n")
        common.table(rows)
        met = sum(r.verdict(p).startswith("met") for r in rows for p in r.targets)
        total = sum(1 for r in rows for p in r.targets)
        print(f"\nTargets met: {met} of {total}.")
        print("\nOther load (cores used by other processes): "
              + ", ".join(f"{name} {load:.2f} ({secs:.0f} s)" for name, load, secs in loads) + ".")
        noisy_machine |= max(load for _, load, _ in loads) > 0.1
        runs.append({"machine": info, "other_load": {n: l for n, l, _ in loads},
                     "rows": [common.row_dict(r) for r in rows]})
    if args.runs > 1:
        print(f"\n## Combined over {args.runs} runs\n")
        summarize.summarize(runs)
    print(f"\nOther load before the run: {idle_load:.2f} cores; 2-thread scaling after the run: "
          f"{common.two_core_scaling():.2f}x.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs if args.runs > 1 else runs[0], f, indent=1)
    if noisy_machine:
        print("WARNING: the machine was not idle throughout; blocks taken under load were retried (see the notes "
              "under each table); rows marked (noisy) should be re-measured.")


if __name__ == "__main__":
    main()
