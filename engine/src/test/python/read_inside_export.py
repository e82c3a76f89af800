#!/usr/bin/env python3
"""What Python sees in a `protolens inside` export folder: every .npy read with numpy.load, and inside.safetensors
read with the reference's own reader (../shared/reference/ggml_io.read_safetensors; there is no `safetensors`
package on the project's machines). Prints one JSON object: per array its dtype, shape, NaN count, the sum of its
finite values (float64) and its first values. Used by InsideFilesTest.

  python3 read_inside_export.py REFERENCE_DIR EXPORT_DIR > seen.json
"""
import glob
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
from ggml_io import read_safetensors  # noqa: E402


def describe(a):
    f = a.astype(np.float64)
    finite = f[np.isfinite(f)]
    first = [None if not math.isfinite(x) else x for x in f.flat[:6].tolist()]
    return {'dtype': str(a.dtype), 'shape': list(a.shape), 'nan': int(np.isnan(f).sum()),
            'sum': float(finite.sum()), 'first': first}


d = sys.argv[2]
out = {'npy': {}, 'safetensors': {}}
for p in sorted(glob.glob(os.path.join(d, '*.npy'))):
    out['npy'][os.path.basename(p)] = describe(np.load(p, allow_pickle=False))
tensors, meta = read_safetensors(os.path.join(d, 'inside.safetensors'), as_float32=False)
for name, a in sorted(tensors.items()):
    out['safetensors'][name] = describe(a)
out['metadata'] = meta
json.dump(out, sys.stdout)
