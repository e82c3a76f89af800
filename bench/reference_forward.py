"""Forward-pass timing of the independent PyTorch reference (../shared/reference/hf_llama.py), the peer of
`protolens bench --forward-only`: same model folder, N random input embeddings, no gradients."""
import argparse
import os
import sys
import time

import torch

ap = argparse.ArgumentParser()
ap.add_argument('--reference', required=True, help='path to shared/reference')
ap.add_argument('--model', required=True)
ap.add_argument('--length', type=int, default=64)
ap.add_argument('--runs', type=int, default=20)
ap.add_argument('--warmup', type=int, default=3)
ap.add_argument('--threads', type=int, default=1)
a = ap.parse_args()
sys.path.insert(0, a.reference)
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
torch.set_num_threads(a.threads)
from hf_llama import HFLlama  # noqa: E402

m = HFLlama(a.model)
z = torch.randn(1, a.length, m.d, generator=torch.Generator().manual_seed(0))
times = []
with torch.no_grad():
    for i in range(a.warmup + a.runs):
        t0 = time.perf_counter()
        m.forward(inputs_embeds=z)
        if i >= a.warmup:
            times.append((time.perf_counter() - t0) * 1000)
times.sort()
print('{"ms_forward_median": %.3f, "ms_forward_min": %.3f, "runs": %d, "threads": %d}'
      % (times[len(times) // 2], times[0], len(times), a.threads))
