#!/usr/bin/env python3
"""Puts a lesson's exercises and answers (Markdown written by the lesson itself with
--exercises-markdown) into its README, replacing the "## Exercises" section's body.

Usage: readme-exercises.py README.md EXERCISES.md
The section's body sits between two markers; the first run puts them in place of whatever the
section held.
"""
import re
import sys

BEGIN = "<!-- exercises: written by `make golden` from the lesson itself; edit the lesson -->"
END = "<!-- /exercises -->"

readme_path, exercises_path = sys.argv[1], sys.argv[2]
readme = open(readme_path, encoding="utf-8").read()
exercises = open(exercises_path, encoding="utf-8").read().rstrip("\n") + "\n"
block = f"{BEGIN}\n\n{exercises}\n{END}\n"
if BEGIN in readme and END in readme:
    start = readme.index(BEGIN)
    end = readme.index(END) + len(END) + 1
    readme = readme[:start] + block + readme[end:]
else:
    match = re.search(r"^## Exercises\n", readme, re.M)
    if not match:
        sys.exit(f"{readme_path}: no '## Exercises' section")
    following = re.search(r"^## ", readme[match.end():], re.M)
    stop = match.end() + following.start() if following else len(readme)
    readme = readme[:match.end()] + "\n" + block + ("\n" if following else "") + readme[stop:]
open(readme_path, "w", encoding="utf-8").write(readme)
