#!/usr/bin/env python3
"""Every doctest case must reach CTest whole. doctest_discover_tests registers one CTest test per
TEST_CASE, named by it; a `;` in the name splits it into CMake list items, and each piece then
runs a filter that matches no case, which doctest reports as a success. So a name with `;` would
silently never run. This test fails on any such name in tests/unit/**/*_test.cpp."""
import glob, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = re.compile(r'TEST_CASE\(\s*"((?:[^"\\]|\\.)*)"')

bad = []
for path in sorted(glob.glob(os.path.join(HERE, "unit", "**", "*_test.cpp"), recursive=True)):
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        for name in NAME.findall(line):
            if ";" in name:
                bad.append(f"{os.path.relpath(path, HERE)}:{number}: {name}")
for b in bad:
    print(f"FAIL a `;` in a test case name splits it in CTest and it never runs: {b}")
print(f"{len(bad)} test case name(s) with `;`")
sys.exit(1 if bad else 0)
