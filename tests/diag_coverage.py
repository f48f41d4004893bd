#!/usr/bin/env python3
"""Every diagnostic kind in src/support/diagnostics.def and every warning in warnings.def is
triggered by at least one golden test (its `[Kind]`, or `[Kind Wnnnn]` for a warning, appears in
an expected section under tests/golden/)."""
import os, re, sys

root = os.path.dirname(os.path.abspath(__file__))
support = os.path.join(root, "..", "src", "support")
kinds = re.findall(r"^THRUSTC_DIAG\((\w+),", open(os.path.join(support, "diagnostics.def")).read(), re.M)
kinds += re.findall(r"^THRUSTC_WARNING\((\w+),", open(os.path.join(support, "warnings.def")).read(), re.M)
seen = set()
for folder, _, files in os.walk(os.path.join(root, "golden")):
    for name in files:
        text = open(os.path.join(folder, name), encoding="utf-8", errors="replace").read()
        marker = re.search(r"^(//|;) ---- expected", text, re.M)
        if marker:
            seen.update(re.findall(r"\[(\w+)(?: W\d{4})?\]", text[marker.start():]))
missing = [k for k in kinds if k not in seen]
print(f"{len(kinds) - len(missing)} of {len(kinds)} diagnostic kinds have a golden test")
for k in missing:
    print(f"  no golden test triggers [{k}]")
sys.exit(1 if missing else 0)
