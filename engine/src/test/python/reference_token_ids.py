#!/usr/bin/env python3
"""Token ids of texts from the reference tokenizer (../shared/reference/tokenizers_ref.py, pure Python).

  python3 reference_token_ids.py REFERENCE_DIR TOKENIZER_JSON < texts.json > ids.json

texts.json is a JSON list of strings; the output is a JSON list of
{"text": s, "ids": ids with BOS, "ids_plain": ids without special tokens}. Used by
TinyLlamaTokenizerTest, which also keeps a copy of the output for machines without python3
(rewrite it with: mvn test -pl engine -Dtest=TinyLlamaTokenizerTest -Dprotolens.regenerate=true).
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
from tokenizers_ref import HFTokenizerSim  # noqa: E402

tok = HFTokenizerSim(sys.argv[2])
texts = json.load(sys.stdin)
out = [{'text': t, 'ids': tok.encode(t, True), 'ids_plain': tok.encode(t, False)} for t in texts]
json.dump(out, sys.stdout, ensure_ascii=False)
