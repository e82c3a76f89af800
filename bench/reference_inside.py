"""The Inside screen's numbers from the independent PyTorch reference, the peer of `engine.inside` (ProtoLens's
lens, attention and knock-outs come from its own forward pass with a probe inside it; these come from a separate,
HF-convention forward written here over ../shared/reference/hf_llama.py's weights and pieces).

Reads an input safetensors file:
  e, m        F32 [d]     the proto-token vectors
  pattern     I64 [n]     per input position 0 = e, 1 = m
  tf_ids      I64 [T]     the ordinary (teacher-forced) pass's input ids (BOS + text[:-1] where the model has BOS)
  knock_layer I64 [1]     the layer (from 1) whose attention the one-layer knock-outs remove
and writes an output safetensors file, per input position (the caller maps positions to the text's tokens):
  lens.<pass>.<site>.logits   F32 [L+1, n, V]  the logit lens: residual -> final RMSNorm -> lm_head, rows 0..L
                                                (row 0 = the input; site after_attention: x + attn of layer l)
  attention                   F32 [L, H, n, n] softmax(q k^T / sqrt(hd) + causal) of the one-step pass
  knock.<what>.logits         F32 [n, V]       the one-step pass with <what> removed in knock_layer only:
                                                e: key j < i that is an e position; among_m: key j < i that is m,
                                                for a query i that is m (the diagonal is never removed)
<pass> is one_step (inputs_embeds = [e, m, ...] by the pattern) or teacher_forced (tf_ids), <site> after_layer or
after_attention. Everything in float32, one thread.

  /usr/bin/python3 bench/reference_inside.py --reference ../shared/reference --model DIR --input IN --out OUT
"""
import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

ap = argparse.ArgumentParser()
ap.add_argument('--reference', required=True, help='path to shared/reference')
ap.add_argument('--model', required=True)
ap.add_argument('--input', required=True)
ap.add_argument('--out', required=True)
a = ap.parse_args()
sys.path.insert(0, a.reference)
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
torch.set_num_threads(1)
from ggml_io import read_safetensors, write_safetensors  # noqa: E402
from hf_llama import HFLlama  # noqa: E402


def forward(m, x, knock=None):
    """HF LlamaModel.forward with output_hidden_states and output_attentions, eager attention, and an optional
    extra additive mask per layer (a dict layer -> (n, n) mask with -inf where attention is removed).
    Returns (logits, hidden after each layer [L+1], hidden after each layer's attention [L], attentions [L])."""
    B, T, d = x.shape
    H, KV, hd = m.n_heads, m.n_kv, m.head_dim
    rep = H // KV
    cos, sin = m.rope_cos_sin(T)
    cos, sin = cos[None, None], sin[None, None]
    causal = torch.full((T, T), torch.finfo(torch.float32).min).triu(1)
    hidden, after_attn, attentions = [x], [], []
    for l in range(m.n_layers):
        p = 'model.layers.%d.' % l
        W = m.W
        h = m.rms(x, W[p + 'input_layernorm.weight'])
        q = (h @ W[p + 'self_attn.q_proj.weight'].T).view(B, T, H, hd).transpose(1, 2)
        k = (h @ W[p + 'self_attn.k_proj.weight'].T).view(B, T, KV, hd).transpose(1, 2)
        v = (h @ W[p + 'self_attn.v_proj.weight'].T).view(B, T, KV, hd).transpose(1, 2)
        q = q * cos + m.rotate_half(q) * sin
        k = k * cos + m.rotate_half(k) * sin
        k = k[:, :, None].expand(B, KV, rep, T, hd).reshape(B, H, T, hd)   # repeat_kv
        v = v[:, :, None].expand(B, KV, rep, T, hd).reshape(B, H, T, hd)
        scores = (q @ k.transpose(2, 3)) * (1.0 / math.sqrt(hd)) + causal
        if knock is not None and (l + 1) in knock:
            scores = scores + knock[l + 1]
        att = F.softmax(scores, dim=-1, dtype=torch.float32)
        attentions.append(att)
        o = (att @ v).transpose(1, 2).reshape(B, T, H * hd)
        x = x + o @ W[p + 'self_attn.o_proj.weight'].T
        after_attn.append(x)
        h = m.rms(x, W[p + 'post_attention_layernorm.weight'])
        x = x + (F.silu(h @ W[p + 'mlp.gate_proj.weight'].T) * (h @ W[p + 'mlp.up_proj.weight'].T)) \
            @ W[p + 'mlp.down_proj.weight'].T
        hidden.append(x)
    return lens(m, x), hidden, after_attn, attentions


def lens(m, residual):
    return m.rms(residual, m.W['model.norm.weight']) @ m.lm_head.T


def knock_mask(what, pattern):
    n = len(pattern)
    mask = torch.zeros(n, n)
    for i in range(n):
        for j in range(i):
            if (what == 'e' and pattern[j] == 0) or (what == 'among_m' and pattern[j] == 1 and pattern[i] == 1):
                mask[i, j] = float('-inf')
    return mask


inp, _ = read_safetensors(a.input)
model = HFLlama(a.model)
e = torch.from_numpy(inp['e'].astype(np.float32))
mv = torch.from_numpy(inp['m'].astype(np.float32))
pattern = [int(x) for x in inp['pattern']]
tf_ids = torch.from_numpy(inp['tf_ids'].astype(np.int64))[None]
layer = int(inp['knock_layer'][0])
z = torch.stack([e if k == 0 else mv for k in pattern])[None]

out = {}
with torch.no_grad():
    for name, x in (('one_step', z), ('teacher_forced', model.embed[tf_ids])):
        logits, hidden, after_attn, attentions = forward(model, x)
        out['lens.%s.after_layer.logits' % name] = ('F32', torch.stack([lens(model, h)[0] for h in hidden]).numpy())
        out['lens.%s.after_attention.logits' % name] = (
            'F32', torch.stack([lens(model, h)[0] for h in [hidden[0]] + after_attn]).numpy())
        if name == 'one_step':
            out['attention'] = ('F32', torch.stack([t[0] for t in attentions]).numpy())
            out['logits'] = ('F32', logits[0].numpy())
    for what in ('e', 'among_m'):
        logits, _, _, _ = forward(model, z, knock={layer: knock_mask(what, pattern)})
        out['knock.%s.logits' % what] = ('F32', logits[0].numpy())
write_safetensors(a.out, out, metadata={'format': 'protolens-reference-inside/1', 'knock_layer': layer})
print('wrote %s: %d tensors, knock-outs in layer %d' % (a.out, len(out), layer))
