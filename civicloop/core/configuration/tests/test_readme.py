"""The README's "Your own collaborative" runs exactly as written, from a fresh workspace.

Every command in the section's shell blocks is run, in order, as a user runs it (in a
subprocess, from a folder holding the repository's ``examples/``); a command that fails,
or a section that no longer has the steps a newcomer needs, fails the test.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[4]
SECTION = "## Your own collaborative"


def section_commands(readme: str) -> list[str]:
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    text = readme[start : end if end != -1 else None]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def test_the_readme_section_lists_the_whole_path():
    commands = section_commands((REPO / "README.md").read_text(encoding="utf-8"))
    for step in ("init", "collaborative new", "createuser", "config apply", "load", "learn trends"):
        assert any(c.startswith(f"civicloop {step}") for c in commands), step


def test_every_command_in_the_readme_section_works(tmp_path):
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICLOOP_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["COLUMNS"] = "200"
    # createuser asks for the password; the test answers through its environment variable.
    env["CIVICLOOP_PASSWORD"] = "reads by third grade"
    outputs = {}
    for command in section_commands((REPO / "README.md").read_text(encoding="utf-8")):
        words = shlex.split(command)
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            env[name] = value
            continue
        assert words[0] == "civicloop", f"not a civicloop command: {command}"
        done = subprocess.run(
            [sys.executable, "-m", "civicloop.cli", *words[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        outputs[command] = done.stdout
    said = "\n".join(outputs.values())
    assert "would create indicator third-grade-reading" in said
    assert "create result early-reading" in said
    assert "27 new" in said
    trends = next(out for command, out in outputs.items() if "learn trends" in command)
    assert "improving" in trends
    exported = yaml.safe_load((tmp_path / "lakeside.yaml").read_text(encoding="utf-8"))
    targets = exported["results"][0]["indicators"][0]["targets"]
    assert targets == [
        {"period": "2027", "value": 50.0, "note": "interim"},
        {"period": "2030", "value": 60.0, "note": ""},
    ]
