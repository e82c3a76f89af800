#!/usr/bin/env python3
"""Summarises the per-fit lines `protolens bench --fit-speed` writes to stderr (name=steps/seconds, "-" = not
reached), e.g. for a run stopped before its end. Same statistics as the bench's JSON: failures count as never
reaching, medians and p90 are lower quantiles. Usage: summarize.py LOG"""
import math, re, sys

runs = {}
for line in open(sys.argv[1]):
    for name, steps, secs in re.findall(r" ([a-z0-9.+-]+)=(\d+|-)(?:/([\d.]+)s)?", line):
        runs.setdefault(name, []).append((steps != "-", int(steps) if steps != "-" else None,
                                          float(secs) if secs else math.nan))

def q(v, p):
    v = sorted(v)
    x = v[min(len(v) - 1, math.ceil(p * len(v)) - 1)]
    return None if x == math.inf or x != x else x

base = None
for name, rs in runs.items():
    steps = [s if ok else math.inf for ok, s, _ in rs]
    secs = [t if ok else math.inf for ok, _, t in rs]
    row = dict(fits=len(rs), success=sum(ok for ok, _, _ in rs) / len(rs), steps_median=q(steps, .5),
               steps_p90=q(steps, .9), seconds_median=q(secs, .5), seconds_p90=q(secs, .9))
    if base is None:
        base = row
    r = lambda k: None if row[k] is None or not base[k] else round(row[k] / base[k], 2)
    print(f"{name:16s} fits {row['fits']:3d}  success {row['success']:.2f}  steps median {row['steps_median']} "
          f"p90 {row['steps_p90']}  s median {row['seconds_median']} p90 {row['seconds_p90']}  "
          f"median s vs paper {r('seconds_median')}  median steps vs paper {r('steps_median')}")
