"""Fit-step timing of the independent PyTorch reference (../shared/reference/oracle.py), the peer of
`protolens bench`: the same model folder, the first N tokens of the same text, the reference's own objective,
init and AdamW; every step is forward + loss + accuracy + backward + AdamW, exactly its `fit` loop, never stopping
at 100 % (like --stop-acc 1.01). Prints per-step median/min/mean after the warm-up steps, and the whole run's
wall time per step the way oracle.py fit reports it (warm-up included)."""
import argparse
import os
import sys
import time

import torch

ap = argparse.ArgumentParser()
ap.add_argument('--reference', required=True, help='path to shared/reference')
ap.add_argument('--model', required=True)
ap.add_argument('--text', required=True)
ap.add_argument('--length', type=int, default=16)
ap.add_argument('--steps', type=int, default=40)
ap.add_argument('--warmup', type=int, default=5)
ap.add_argument('--seed', type=int, default=0)
ap.add_argument('--threads', type=int, default=1)
a = ap.parse_args()
sys.path.insert(0, a.reference)
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
torch.set_num_threads(a.threads)
import oracle  # noqa: E402

env = oracle.Env.get(a.model)
ids = env.targets(a.text)[:a.length]
if len(ids) < a.length:
    sys.exit('the text has only %d tokens; --length is %d' % (len(ids), a.length))
obj = oracle.Objective(env.model, [ids])
E0, m0, _ = oracle.init_vectors(env.d, a.seed, 'normal', env.emb_std)
E = E0.clone().requires_grad_(True)
m = m0.clone().requires_grad_(True)
opt = torch.optim.AdamW([E, m], **oracle.ADAMW)
stamps = []
t0 = time.perf_counter()
for s in range(a.warmup + a.steps + 1):
    stamps.append(time.perf_counter())
    logits = obj.forward(E, m)
    loss, acc, _, _, _ = obj.loss_acc(logits)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
wall = time.perf_counter() - t0
per = sorted((stamps[i + 1] - stamps[i]) * 1000 for i in range(a.warmup, len(stamps) - 1))
print('{"ms_per_step_median": %.3f, "ms_per_step_min": %.3f, "ms_per_step_mean": %.3f, "timed_steps": %d,'
      ' "ms_per_step_whole_run": %.3f, "threads": %d}'
      % (per[len(per) // 2], per[0], sum(per) / len(per), len(per), wall * 1000 / (a.warmup + a.steps + 1),
         a.threads))
