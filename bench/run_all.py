"""Run every peer benchmark in one process and print the machine info and one table (markdown).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/run_all.py

Ratios are peer time / mnnx time (> 1: mnnx is faster); each row's target and verdict is shown."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402


def main():
    import bench_elementwise
    import bench_reduce
    import bench_overhead
    common.setup_threads()
    idle_load = common.warn_if_busy()
    print("## Machine\n")
    common.print_machine_info()
    rows, loads = [], []
    for mod in (bench_elementwise, bench_reduce, bench_overhead):
        t = time.perf_counter()
        mon = common.LoadMonitor()
        rows += mod.run()
        loads.append((mod.__name__, mon.other_cores(), time.perf_counter() - t))
        print(f"({mod.__name__}: {loads[-1][2]:.1f} s, results checked against the peers; other processes "
              f"used {loads[-1][1]:.2f} cores meanwhile)", file=sys.stderr)
    print("\n## Results\n")
    print("Times: median (min) of interleaved repeats; ratio = peer median / mnnx median, > 1 means mnnx "
          "is faster.\n")
    common.table(rows)
    met = sum(r.verdict(p).startswith("met") for r in rows for p in r.targets)
    total = sum(1 for r in rows for p in r.targets)
    print(f"\nTargets met: {met} of {total}.")
    print(f"\nOther load (cores used by other processes): {idle_load:.2f} before the run; "
          + ", ".join(f"{name} {load:.2f} ({secs:.0f} s)" for name, load, secs in loads) + ".")
    if max([idle_load] + [load for _, load, _ in loads]) > 0.1:
        print("WARNING: the machine was not idle; 2-thread timings (mnnx, torch) are pessimistic and noisy. "
              "Re-run on a quiet machine before drawing conclusions.")


if __name__ == "__main__":
    main()
