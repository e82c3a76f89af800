"""The autoregressive [mem] baseline's objective (Kuratov et al., ACL 2025) written once more in PyTorch, over the
independent reference model (../shared/reference/hf_llama.py), to check ProtoLens's engine.mem.MemFitter.

Input: [mem, BOS, t_0 ... t_{N-2}] as inputs_embeds (the vector first, then the tokenizer's output with BOS, as
the parent code orders it); the output at the position before t_i predicts t_i (the output at mem is not
supervised); loss = mean over the N tokens of the cross-entropy. Writes a JSON fixture with the starting vector,
loss, gradient, teacher-forced argmax, and the loss after each of 20 torch.optim.AdamW updates (the paper's
settings: lr 0.01, betas 0.9/0.9, eps 1e-8, weight decay 0.01).

  /usr/bin/python3 bench/reference_mem.py --reference ../shared/reference \
      --model ../shared/models/stories260k-hf --out engine/src/test/resources/mem/stories260k-lily.json
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

ap = argparse.ArgumentParser()
ap.add_argument('--reference', required=True)
ap.add_argument('--model', required=True)
ap.add_argument('--text', default='Lily and Ben went to the park to play with a red ball.')
ap.add_argument('--seed', type=int, default=0)
ap.add_argument('--steps', type=int, default=20)
ap.add_argument('--out', required=True)
a = ap.parse_args()
sys.path.insert(0, a.reference)
torch.set_num_threads(1)
import oracle  # noqa: E402

env = oracle.Env.get(a.model)
ids = env.targets(a.text)              # no BOS: the text's tokens, as the one-step objective's targets
with_bos = env.targets(a.text, bos=True)
bos = with_bos[0] if len(with_bos) == len(ids) + 1 else None
model = env.model
d = env.d
g = torch.Generator().manual_seed(a.seed)
mem0 = torch.randn(d, generator=g)
context = ([bos] if bos is not None else []) + ids[:-1]
tgt = torch.tensor(ids, dtype=torch.long)


def objective(mem):
    emb = model.embed[torch.tensor(context, dtype=torch.long)]
    z = torch.cat([mem[None, :], emb], dim=0)[None]
    logits = model.forward(inputs_embeds=z)[0]
    sup = logits[1:] if bos is not None else logits
    ce = F.cross_entropy(sup, tgt, reduction='none')
    return ce.mean(), ce, sup


mem = mem0.clone().requires_grad_(True)
loss, ce, sup = objective(mem)
loss.backward()
out = {
    'model': os.path.basename(os.path.normpath(a.model)), 'text': a.text, 'token_ids': ids, 'bos': bos,
    'mem': mem0.tolist(), 'loss': float(loss), 'per_position_ce': ce.tolist(), 'grad': mem.grad.tolist(),
    'argmax': sup.argmax(-1).tolist(),
    'teacher_forced_accuracy': float((sup.argmax(-1) == tgt).float().mean()),
}
p = mem0.clone().requires_grad_(True)
opt = torch.optim.AdamW([p], lr=0.01, betas=(0.9, 0.9), eps=1e-8, weight_decay=0.01)
losses = []
for k in range(a.steps + 1):
    opt.zero_grad()
    l, _, _ = objective(p)
    losses.append(float(l))
    if k < a.steps:
        l.backward()
        opt.step()
out['adamw_loss'] = losses
out['adamw_mem'] = p.detach().tolist()
os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
with open(a.out, 'w') as f:
    json.dump(out, f)
print('loss %.6f, |grad| %.6f, tf accuracy %.3f, loss after %d AdamW updates %.6f' % (
    out['loss'], float(torch.tensor(out['grad']).norm()), out['teacher_forced_accuracy'], a.steps, losses[-1]))
