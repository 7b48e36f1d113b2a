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
        path = label.lstrip("/").replace(":", "/")
        xml_path = os.path.join(testlogs, path, "test.xml")
        if not os.path.exists(xml_path):
            failed += 1
            failures.append(f"{label} (no result: build failure or not run)")
            continue
        try:
            root = ET.parse(xml_path).getroot()
        except ET.ParseError:
            failed += 1
            failures.append(f"{label} (unreadable test.xml)")
            continue
        cases = list(root.iter("testcase"))
        if not cases:
            # Bazel's own XML for a non-JUnit test: one case per target.
            suites = list(root.iter("testsuite")) or [root]
            bad = any(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
            if bad:
                failed += 1
                failures.append(label)
            else:
                passed += 1
            continue
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
    for f in failures:
        print(f"FAILED: {f}")
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
