"""Shared pieces of the peer benchmarks: timing, machine info, result rows and the table printer.

Timing follows shared/PEERS.md: warm-up first, then >= 7 timed repeats, reporting the median (and
the min). The implementations of one row are timed *interleaved* (round-robin, one sample of each
per round) so that clock-frequency drift or a noisy neighbour hits every peer alike.
"""
import datetime
import gc
import math
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field

import numpy as np

REPEAT = 9          # timed samples per implementation (>= 7)
WARMUP = 2          # untimed calls per implementation before timing (also builds mnnx's plan)
MIN_SAMPLE_S = 0.005  # a sample loops the call until it lasts at least this long (µs-scale rows)

OTHER_LOAD_MAX = 0.1    # a round is retried if other processes used more cores than this meanwhile
ROW_RETRY_BUDGET_S = 12  # ...for at most this long per row; then rounds are kept and counted noisy

BENCH_THREADS = 2   # mnnx and torch threads; numpy's BLAS is checked with threadpoolctl


# ---------------------------------------------------------------------------------------------
# timing

@dataclass
class Timing:
    median: float   # seconds per call
    min: float      # seconds per call
    samples: list   # seconds per call, one per repeat
    number: int     # calls per sample
    retried: int = 0   # rounds thrown away because another process was using the CPU
    noisy: int = 0     # samples kept although another process was using the CPU (retry budget spent)


def _calibrate(fn):
    """How many calls make a sample of at least MIN_SAMPLE_S (1 for ms-scale calls)."""
    t = time.perf_counter()
    fn()
    dt = time.perf_counter() - t
    if dt >= MIN_SAMPLE_S:
        return 1
    return min(100_000, max(1, math.ceil(MIN_SAMPLE_S / max(dt, 1e-7))))


def _sample(fn, number):
    gcold = gc.isenabled()
    gc.disable()
    try:
        t = time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - t) / number
    finally:
        if gcold:
            gc.enable()


def compare(fns, repeat=REPEAT, warmup=WARMUP):
    """Time several implementations of one workload: {name: fn} -> {name: Timing}.

    Each fn is warmed up `warmup` times, then the fns are timed round-robin `repeat` times; the
    order rotates every round so no implementation always runs right after the same other one.
    A round during which other processes used more than OTHER_LOAD_MAX cores is thrown away and
    retried (these machines have 2 cores, so one busy neighbour distorts every 2-thread timing);
    after ROW_RETRY_BUDGET_S of retrying, rounds are kept anyway and counted as noisy."""
    assert repeat >= 7, "PEERS.md: medians of >= 7 repeats"
    names = list(fns)
    for name in names:
        for _ in range(warmup):
            fns[name]()
    numbers = {name: _calibrate(fns[name]) for name in names}
    samples = {name: [] for name in names}
    retried = noisy = r = 0
    t_start = time.perf_counter()
    while len(samples[names[0]]) < repeat:
        gc.collect()
        k = r % len(names)
        r += 1
        mon = LoadMonitor(precise=True)
        got = {name: _sample(fns[name], numbers[name]) for name in names[k:] + names[:k]}
        load = mon.other_cores()
        if load > OTHER_LOAD_MAX:
            if time.perf_counter() - t_start < ROW_RETRY_BUDGET_S:
                retried += 1
                time.sleep(0.1)
                continue
            noisy += 1
        for name in names:
            samples[name].append(got[name])
    out = {}
    for name in names:
        s = samples[name]
        out[name] = Timing(median=float(np.median(s)), min=float(min(s)), samples=s, number=numbers[name],
                           retried=retried, noisy=noisy)
    return out


def timeit(fn, repeat=REPEAT, warmup=WARMUP):
    """Time one callable: Timing with median and min seconds per call."""
    return compare({"fn": fn}, repeat, warmup)["fn"]


# ---------------------------------------------------------------------------------------------
# result rows

@dataclass
class Row:
    """One workload: the mnnx timing, the peers' timings, and the targets (peer -> minimum ratio).

    A ratio is peer time / mnnx time, so > 1 means mnnx is faster."""
    workload: str                 # e.g. "W1 tanh(a*b+c)*0.5+exp(-a), 4M f32"
    mnnx: Timing
    peers: dict                   # peer name -> Timing
    targets: dict = field(default_factory=dict)   # peer name -> minimum ratio (peer / mnnx)
    unit: str = "ms"              # "ms" per call, or "us" (scaled by `per`)
    per: int = 1                  # divide times by this (e.g. ops per call) before printing
    mnnx_label: str = "mnnx"
    note: str = ""

    def ratio(self, peer):
        return self.peers[peer].median / self.mnnx.median

    def verdict(self, peer):
        if peer not in self.targets:
            return ""
        v = "met" if self.ratio(peer) >= self.targets[peer] else "NOT met"
        return v + (" (noisy)" if self.mnnx.noisy or self.peers[peer].noisy else "")


def _fmt_t(seconds, unit, per):
    v = seconds / per * (1e3 if unit == "ms" else 1e6)
    return f"{v:.3f}" if v < 10 else f"{v:.2f}" if v < 100 else f"{v:.1f}"


def table(rows, file=None):
    """Print rows as one markdown table (readable in a terminal too); return the text.

    One line per (workload, peer): mnnx median/min, peer median/min, ratio, target, verdict."""
    file = file or sys.stdout
    head = ("| workload | mnnx | mnnx median (min) | peer | peer median (min) | ratio peer/mnnx "
            "| target | verdict |")
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for row in rows:
        u = "µs/op" if row.unit == "us" else "ms"
        m = f"{_fmt_t(row.mnnx.median, row.unit, row.per)} ({_fmt_t(row.mnnx.min, row.unit, row.per)}) {u}"
        for i, (peer, t) in enumerate(row.peers.items()):
            p = f"{_fmt_t(t.median, row.unit, row.per)} ({_fmt_t(t.min, row.unit, row.per)}) {u}"
            tgt = f">= {row.targets[peer]:g}x" if peer in row.targets else "—"
            lines.append(f"| {row.workload if i == 0 else ''} | {row.mnnx_label if i == 0 else ''} "
                         f"| {m if i == 0 else ''} | {peer} | {p} | **{row.ratio(peer):.2f}x** | {tgt} "
                         f"| {row.verdict(peer)} |")
    text = "\n".join(lines) + "\n"
    print(text, file=file, end="")
    notes = [f"- {r.workload} ({r.mnnx_label}): {r.note}" for r in rows if r.note]
    retried = [f"{r.workload} ({r.mnnx_label}) {r.mnnx.retried}" for r in rows if r.mnnx.retried]
    if retried:
        notes.append("- rounds retried because other processes were busy: " + "; ".join(retried))
    for r in rows:
        if r.mnnx.noisy:
            notes.append(f"- {r.workload} ({r.mnnx_label}): {r.mnnx.noisy} of {len(r.mnnx.samples)} rounds "
                         "ran while other processes were busy (retry budget spent): treat as noisy")
    if notes:
        print("\n" + "\n".join(notes), file=file)
        text += "\n" + "\n".join(notes) + "\n"
    return text


# ---------------------------------------------------------------------------------------------
# other load on the machine (2 cores: one busy neighbour halves a 2-thread peer and wrecks its noise)

def _cpu_busy_seconds():
    """Busy CPU seconds of the whole machine since boot (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        vals = [int(v) for v in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)   # idle + iowait
    return (sum(vals[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _other_tasks_cpu_seconds():
    """CPU time of every thread of every other process, from /proc/*/task/*/schedstat (ns
    resolution, ~6 ms to read). Threads that exit between two reads are missed."""
    me, total = str(os.getpid()), 0
    for d in os.scandir("/proc"):
        if not d.name.isdigit() or d.name == me:
            continue
        try:
            for t in os.scandir(f"/proc/{d.name}/task"):
                with open(f"/proc/{d.name}/task/{t.name}/schedstat", "rb") as f:
                    total += int(f.read().split()[0])
        except OSError:
            pass
    return total / 1e9


class LoadMonitor:
    """CPU used by *other* processes since start(), in cores (0 = quiet machine).

    Default: whole-machine busy time from /proc/stat minus this process's own (tick resolution,
    good over seconds). precise=True: other threads' schedstat run times (good over ~50 ms)."""

    def __init__(self, precise=False):
        self.precise = precise
        self.start()

    def _read(self):
        if self.precise:
            return _other_tasks_cpu_seconds()
        return _cpu_busy_seconds() - _own_cpu_seconds()

    def start(self):
        self._v = self._read()
        self._wall = time.perf_counter()

    def other_cores(self):
        v = self._read()
        wall = time.perf_counter() - self._wall
        return max(0.0, (v - self._v) / max(wall, 1e-9))


def other_load(seconds=1.0):
    """Cores' worth of CPU used by other processes over `seconds` of sleeping here."""
    m = LoadMonitor()
    time.sleep(seconds)
    return m.other_cores()


def warn_if_busy(file=None, threshold=0.1):
    load = other_load()
    if load > threshold:
        print(f"WARNING: other processes are using {load:.2f} cores of {os.cpu_count()} right now; "
              "2-thread timings will be slow and noisy (see bench/README.md)", file=file or sys.stderr)
    return load


# ---------------------------------------------------------------------------------------------
# machine info

def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return " ".join(f for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512vl",
                                                "avx512_bf16", "avx512_vnni") if f in flags)
    except OSError:
        pass
    return ""


def _git_rev():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        rev = subprocess.run(["git", "-C", here, "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", here, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return rev + (" (+ uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _ext_built(mod):
    """The native extension's file time (the engine is rebuilt often: which build was measured)."""
    path = getattr(mod, "__file__", None)
    if not path:
        return "unknown"
    mtime = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc)
    return f"{mtime:%Y-%m-%d %H:%M:%S} UTC ({os.path.basename(path)})"


def setup_threads():
    """Give mnnx and torch the same number of threads (PEERS.md: torch.set_num_threads(2))."""
    import mnnx
    mnnx.set_num_threads(BENCH_THREADS)
    try:
        import torch
        torch.set_num_threads(BENCH_THREADS)
    except ImportError:
        pass


def machine_info():
    """A list of 'key: value' strings describing the machine and the software versions."""
    import mnnx
    import mnnx.debug
    info = [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("cpu", _cpu_model()),
        ("cpu flags", _cpu_flags()),
        ("cores (os.cpu_count / affinity)", f"{os.cpu_count()} / {len(os.sched_getaffinity(0))}"),
        ("python", platform.python_version()),
        ("numpy", np.__version__),
    ]
    try:
        import torch
        info.append(("torch", f"{torch.__version__}, {torch.get_num_threads()} threads"))
    except ImportError:
        info.append(("torch", "not installed"))
    info += [
        ("mnnx", f"{mnnx.__version__} (git {_git_rev()}), ISA {mnnx.debug.isa()}, "
                 f"{mnnx.get_num_threads()} threads"),
        ("mnnx extension built", _ext_built(mnnx._C)),
    ]
    try:
        from threadpoolctl import threadpool_info
        blas = [p for p in threadpool_info() if p.get("user_api") == "blas" and "numpy" in p.get("filepath", "")]
        if not blas:
            blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        for p in blas:
            info.append(("numpy BLAS (threadpoolctl)",
                         f"{p.get('internal_api')} {p.get('version')}, core {p.get('architecture')}, "
                         f"{p.get('num_threads')} threads, {os.path.basename(p.get('filepath', ''))}"))
    except ImportError:
        info.append(("numpy BLAS (threadpoolctl)", "threadpoolctl not installed"))
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            info.append((f"WARNING {var}", f"set to {os.environ[var]!r}: run with `env -u {var}` "
                                           "(see bench/README.md)"))
    info.append(("timing", f"warm-up {WARMUP}, {REPEAT} interleaved repeats, median (min); "
                           f"samples of >= {MIN_SAMPLE_S * 1e3:g} ms"))
    return [f"{k}: {v}" for k, v in info]


def print_machine_info(file=None):
    lines = machine_info()
    for line in lines:
        print(f"- {line}", file=file or sys.stdout)
    return lines
