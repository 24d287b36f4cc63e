#!/usr/bin/python3
"""reports_test.py SEPTUM SCHEMA POLICY... — the machine-readable reports of `septum check`.

For every policy (accepted and rejected ones): the SARIF output validates against the
official SARIF 2.1.0 schema, every result has a physical location in the policy file with a
line inside it (when the diagnostic has one), and the JUnit output is well-formed XML with
the structure JUnit consumers read (testsuites > testsuite > testcase; counts that match the
cases; at most one of failure/error/skipped per case; one case per obligation plus the front
end). The JSON output parses and agrees with the exit status. Uses Debian's python3 with
python3-jsonschema (draft-04 validation).
"""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema

OBLIGATIONS = ["P01-phys-disjoint", "P02-kernel-ram", "P03-guest-disjoint", "P04-device-unique", "P05-dma-confined",
               "P06-irq-owner", "P07-schedule", "P08-authority", "P09-flows"]


def run(septum, fmt, policy):
    p = subprocess.run([septum, "check", "--format=" + fmt, policy], capture_output=True, text=True, timeout=120)
    if p.returncode not in (0, 1):
        raise AssertionError(f"{policy}: --format={fmt} exited {p.returncode}: {p.stderr}")
    return p.returncode, p.stdout


def check_sarif(schema, policy, text, status):
    doc = json.loads(text)
    jsonschema.validate(doc, schema)
    lines = open(policy, encoding="utf-8", errors="replace").read().count("\n") + 1
    results = doc["runs"][0]["results"]
    rule_ids = {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert set(OBLIGATIONS) <= rule_ids, "every obligation is a rule"
    for r in results:
        assert r["ruleId"] in rule_ids, f"{policy}: result with unknown rule {r['ruleId']}"
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == policy
        if "region" in loc:
            assert 1 <= loc["region"]["startLine"] <= lines, f"{policy}: line out of the file"
            assert loc["region"]["endColumn"] > loc["region"]["startColumn"]
    errors = [r for r in results if r["level"] == "error"]
    assert (status == 1) == bool(errors), f"{policy}: SARIF errors do not match the exit status"
    return len(results)


def check_junit(policy, text, status, proofs_ran):
    root = ET.fromstring(text)
    assert root.tag == "testsuites", root.tag
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    cases = suite.findall("testcase")
    names = [c.get("name") for c in cases]
    assert names == ["front-end"] + OBLIGATIONS, names
    counts = {"failure": 0, "error": 0, "skipped": 0}
    for c in cases:
        kinds = [child.tag for child in c if child.tag in counts]
        assert len(kinds) <= 1, f"{policy}: {c.get('name')} has {kinds}"
        for k in kinds:
            counts[k] += 1
        float(c.get("time"))
    for element in (root, suite):
        assert int(element.get("tests")) == len(cases)
        assert int(element.get("failures")) == counts["failure"]
        assert int(element.get("errors")) == counts["error"]
        assert int(element.get("skipped")) == counts["skipped"]
    assert (status == 1) == (counts["failure"] + counts["error"] > 0), f"{policy}: JUnit verdict differs from the exit status"


def main():
    septum, schema_path = sys.argv[1], sys.argv[2]
    policies = [p for p in sys.argv[3:] if p.endswith(".policy")]
    schema = json.load(open(schema_path))
    results = 0
    for policy in policies:
        status, sarif = run(septum, "sarif", policy)
        results += check_sarif(schema, policy, sarif, status)
        status_json, text = run(septum, "json", policy)
        report = json.loads(text)
        assert status_json == status and report["accepted"] == (status == 0)
        status_junit, junit = run(septum, "junit", policy)
        assert status_junit == status
        check_junit(policy, junit, status, report["proofs"] is not None)
    print(f"ok: {len(policies)} policies, {results} SARIF results validated, JUnit well formed")
    assert len(policies) > 10


if __name__ == "__main__":
    main()
