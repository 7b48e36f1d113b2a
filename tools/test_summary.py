#!/usr/bin/env python3
"""Sums the JUnit XML Bazel wrote for every test target into one closing line.

usage: test_summary.py TESTLOGS_DIR < list of test labels
A target without a test.xml (it failed to build, or was not run) counts as one
failed test. Prints the failing cases, then `N passed, N failed`.
"""
import os
import sys
import xml.etree.ElementTree as ET


def main():
    testlogs = sys.argv[1]
    passed = failed = skipped = 0
    failures = []
    for label in sys.stdin.read().split():
        path = os.path.join(testlogs, label.lstrip("/").replace(":", "/"))
        # A sharded test writes shard_K_of_N/test.xml instead of test.xml.
        xml_paths = [os.path.join(path, "test.xml")]
        if not os.path.exists(xml_paths[0]) and os.path.isdir(path):
            xml_paths = sorted(os.path.join(path, d, "test.xml") for d in os.listdir(path)
                               if d.startswith("shard_"))
        if not xml_paths or not all(os.path.exists(p) for p in xml_paths):
            failed += 1
            failures.append(f"{label} (no result: build failure or not run)")
            continue
        try:
            roots = [ET.parse(p).getroot() for p in xml_paths]
        except ET.ParseError:
            failed += 1
            failures.append(f"{label} (unreadable test.xml)")
            continue
        for root in roots:
            p, f, s, names = count_one(label, root)
            passed += p
            failed += f
            skipped += s
            failures.extend(names)
    for f in failures:
        print(f"FAILED: {f}")
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 0


def count_one(label, root):
    """(passed, failed, skipped, failure names) of one JUnit XML tree."""
    cases = list(root.iter("testcase"))
    if not cases:
        # Bazel's own XML for a non-JUnit test: one case per target.
        suites = list(root.iter("testsuite")) or [root]
        bad = any(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
        return (0, 1, 0, [label]) if bad else (1, 0, 0, [])
    passed = failed = skipped = 0
    failures = []
    for case in cases:
        name = f"{label} {case.get('classname', '')}.{case.get('name', '')}"
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            failures.append(name)
        elif case.find("skipped") is not None or case.get("result") == "suppressed" \
                or case.get("status") == "notrun":
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped, failures


if __name__ == "__main__":
    sys.exit(main())
