"""Shared pieces of the peer benchmarks: timing, machine info, result rows and the table printer.

Timing follows shared/PEERS.md: warm-up first, then >= 7 timed repeats, reporting the median (and
the min). Each implementation is timed in back-to-back blocks after its own warm-up, in two passes
with the order reversed (see compare()).
"""
import datetime
import gc
import math
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field

import numpy as np

REPEAT = 10         # timed samples per implementation (>= 7)
PASSES = 5          # blocks per implementation (REPEAT / PASSES samples each), order reversed each pass
WARMUP = 2          # untimed calls before each block (also builds mnnx's plan)...
WARMUP_S = 0.2      # ...and for at least this long
MIN_SAMPLE_S = 0.005  # a sample loops the call until it lasts at least this long (µs-scale rows)

OTHER_LOAD_MAX = 0.1    # a timed block is retried if other processes used more cores than this meanwhile
ROW_RETRY_BUDGET_S = 12  # ...for at most this long per row; then blocks are kept and counted noisy

BENCH_THREADS = 2   # mnnx and torch threads; numpy's BLAS is checked with threadpoolctl


# ---------------------------------------------------------------------------------------------
# malloc: make the peers' temporaries reusable (conservative for mnnx, and reproducible)
#
# numpy and torch allocate every temporary with malloc. With glibc's defaults, whether a 16 MiB
# temporary comes back as reused heap memory or as fresh pages from the OS (4096 page faults, plus
# zeroing) depends on glibc's adaptive mmap/trim thresholds, i.e. on everything the process
# allocated before. Measured: the same torch W1 call took 12 ms or 38 ms (0 or 24,512 faults per
# call) and numpy's 9 ms or 16 ms, depending only on what ran earlier in the process. mnnx keeps
# its own cache of large blocks, so it does not pay this. Fixing the thresholds (no mmap for
# blocks up to 32 MiB, never trim the heap) lets every library reuse memory in steady state: the
# peers get their best case, results stop depending on run order. MNNX_BENCH_DEFAULT_MALLOC=1
# keeps glibc's defaults instead.

MALLOC_NOTE = "glibc defaults (MNNX_BENCH_DEFAULT_MALLOC=1)"


def _fix_malloc():
    global MALLOC_NOTE
    if os.environ.get("MNNX_BENCH_DEFAULT_MALLOC") == "1":
        return
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
        ok = libc.mallopt(M_MMAP_THRESHOLD, 32 << 20) and libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
        if ok:
            MALLOC_NOTE = ("glibc mallopt: mmap threshold 32 MiB, trim threshold 1 GiB (freed temporaries "
                           "are reused, not faulted in again; the peers' best case)")
    except (OSError, AttributeError):
        MALLOC_NOTE = "glibc defaults (mallopt unavailable)"


_fix_malloc()


# ---------------------------------------------------------------------------------------------
# timing

@dataclass
class Timing:
    median: float   # seconds per call
    min: float      # seconds per call
    samples: list   # seconds per call, one per repeat
    number: int     # calls per sample
    retried: int = 0   # blocks thrown away because another process was using the CPU
    noisy: int = 0     # samples kept although another process was using the CPU (retry budget spent)
    faults: float = 0  # minor page faults per call (median over samples): fresh memory from the OS


def _calibrate(fn):
    """How many calls make a sample of at least MIN_SAMPLE_S (1 for ms-scale calls)."""
    t = time.perf_counter()
    fn()
    dt = time.perf_counter() - t
    if dt >= MIN_SAMPLE_S:
        return 1
    return min(100_000, max(1, math.ceil(MIN_SAMPLE_S / max(dt, 1e-7))))


def _sample(fn, number):
    """(seconds per call, minor page faults per call)"""
    gcold = gc.isenabled()
    gc.disable()
    try:
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t = time.perf_counter()
        for _ in range(number):
            fn()
        dt = time.perf_counter() - t
        return dt / number, (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / number
    finally:
        if gcold:
            gc.enable()


def _warm(fn):
    """Call fn at least WARMUP times and for at least WARMUP_S seconds: besides caches and mnnx's
    plan, the idle second vCPU of these VMs needs a moment of steady work before a 2-thread library
    gets both cores (a call after an idle gap runs at about 1-thread speed; see README)."""
    t = time.perf_counter()
    n = 0
    while n < WARMUP or time.perf_counter() - t < WARMUP_S:
        fn()
        n += 1


def compare(fns, repeat=REPEAT, passes=PASSES, block_warmup=True):
    """Time several implementations of one workload: {name: fn} -> {name: Timing}.

    Each implementation is timed in blocks of back-to-back calls (steady state, as in a loop),
    each block after its own warm-up; there are PASSES passes over the implementations, the order
    reversed every pass, so slow drift hits all alike. Timing blocks rather than alternating
    single calls keeps one library's threads (OpenMP spinning, a pool going to sleep, the other
    vCPU idling during a 1-thread numpy call) from distorting the next library's sample.
    A block during which other processes used more than OTHER_LOAD_MAX cores is retried (2 cores:
    one busy neighbour distorts every 2-thread timing); after ROW_RETRY_BUDGET_S of retrying,
    blocks are kept anyway and counted as noisy.

    passes=repeat, block_warmup=False gives single calls alternating between the implementations
    (after one warm-up each): right for µs-per-op loops that run on one thread, where slow phases of
    the VM (~100 ms, a few tens of percent) would otherwise land on one implementation's block."""
    assert repeat >= 7, "PEERS.md: medians of >= 7 repeats"
    names = list(fns)
    per_block = math.ceil(repeat / passes)
    if not block_warmup:
        for fn in fns.values():
            _warm(fn)
    samples = {name: [] for name in names}
    faults = {name: [] for name in names}
    numbers, retried, noisy = {}, {name: 0 for name in names}, {name: 0 for name in names}
    t_start = time.perf_counter()
    for p in range(passes):
        for name in (names if p % 2 == 0 else names[::-1]):
            fn = fns[name]
            while True:
                gc.collect()
                if block_warmup:
                    _warm(fn)
                if name not in numbers:
                    numbers[name] = _calibrate(fn)
                mon = LoadMonitor(precise=True)
                got = [_sample(fn, numbers[name]) for _ in range(per_block)]
                if mon.other_cores() <= OTHER_LOAD_MAX:
                    break
                if time.perf_counter() - t_start > ROW_RETRY_BUDGET_S:
                    noisy[name] += len(got)
                    break
                retried[name] += 1
                time.sleep(0.2)
            samples[name] += [g[0] for g in got]
            faults[name] += [g[1] for g in got]
    out = {}
    for name in names:
        s = samples[name]
        out[name] = Timing(median=float(np.median(s)), min=float(min(s)), samples=s, number=numbers[name],
                           retried=retried[name], noisy=noisy[name], faults=float(np.median(faults[name])))
    return out


def timeit(fn, repeat=REPEAT):
    """Time one callable: Timing with median and min seconds per call."""
    return compare({"fn": fn}, repeat)["fn"]


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


def row_dict(row):
    """A row as plain data (for run_all.py --json and summarize.py)."""
    def t(x):
        return {"median": x.median / row.per, "min": x.min / row.per, "samples": [v / row.per for v in x.samples],
                "retried": x.retried, "noisy": x.noisy, "faults": x.faults}
    return {"workload": row.workload, "mnnx_label": row.mnnx_label, "unit": row.unit, "mnnx": t(row.mnnx),
            "peers": {p: t(x) for p, x in row.peers.items()}, "targets": row.targets,
            "ratios": {p: row.ratio(p) for p in row.peers}}


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
    retried = [f"{r.workload} ({r.mnnx_label}) {t.retried}" for r in rows for t in [r.mnnx]
               if t.retried] + [f"{r.workload} ({p}) {t.retried}" for r in rows for p, t in r.peers.items()
                                if t.retried]
    if retried:
        notes.append("- blocks retried because other processes were busy: " + "; ".join(dict.fromkeys(retried)))
    noisy = [f"{r.workload} ({r.mnnx_label if t is r.mnnx else p}): {t.noisy} of {len(t.samples)} samples"
             for r in rows for p, t in [("mnnx", r.mnnx)] + list(r.peers.items()) if t.noisy]
    flt = [f"{r.workload} ({r.mnnx_label if t is r.mnnx else p}) {t.faults:,.0f}"
           for r in rows for p, t in [("mnnx", r.mnnx)] + list(r.peers.items()) if t.faults >= 256]
    if flt:
        notes.append("- page faults per call (memory fresh from the OS each call, >= 1 MiB): "
                     + "; ".join(dict.fromkeys(flt)))
    if noisy:
        notes.append("- taken while other processes were busy (retry budget spent), treat as noisy: "
                     + "; ".join(dict.fromkeys(noisy)))
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
    info.append(("malloc", MALLOC_NOTE))
    info.append(("2-thread scaling now", f"{two_core_scaling():.2f}x (compute loop, 2 threads vs 1; ~2 = both "
                                         "vCPUs free)"))
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            info.append((f"WARNING {var}", f"set to {os.environ[var]!r}: run with `env -u {var}` "
                                           "(see bench/README.md)"))
    info.append(("timing", f"{REPEAT} samples per implementation in {PASSES} blocks of back-to-back calls "
                           f"(order reversed per pass), each block after >= {WARMUP} calls and >= "
                           f"{WARMUP_S * 1e3:g} ms of warm-up; samples of >= {MIN_SAMPLE_S * 1e3:g} ms; "
                           "median (min); W7: 12 single calls alternating between implementations"))
    return [f"{k}: {v}" for k, v in info]


def two_core_scaling(seconds=0.6):
    """Throughput of two threads running a compute-bound loop (numpy exp on an L2-sized array, GIL
    released) relative to one thread: ~2.0 when both vCPUs are real, idle cores; lower when the
    host shares them (hyperthread siblings, neighbours), which caps every 2-thread result."""
    import threading
    x = np.random.default_rng(0).random(1 << 15, dtype=np.float32)
    out = np.empty_like(x)

    def work(count, res, i):
        o = np.empty_like(x)
        t = time.perf_counter()
        n = 0
        while time.perf_counter() - t < seconds:
            for _ in range(20):
                np.exp(x, out=o)
            n += 20
        res[i] = n / (time.perf_counter() - t)

    r1 = [0.0]
    work(0, r1, 0)
    r2 = [0.0, 0.0]
    ts = [threading.Thread(target=work, args=(0, r2, i)) for i in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    del out
    return (r2[0] + r2[1]) / r1[0]


def print_machine_info(file=None):
    lines = machine_info()
    for line in lines:
        print(f"- {line}", file=file or sys.stdout)
    return lines


def run_standalone(run):
    """What each bench script does when run by itself: machine info, its rows, the load meanwhile."""
    warn_if_busy()
    print_machine_info()
    print()
    mon = LoadMonitor()
    rows = run()
    table(rows)
    print(f"\nother processes used {mon.other_cores():.2f} cores during the run")
