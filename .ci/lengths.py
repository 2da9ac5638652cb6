#!/usr/bin/env python3
"""Fails when a Rust source file under src/ is longer than MAX_FILE lines or a function in it
longer than MAX_FN lines (from its `fn` line to its closing brace, doc comments not counted).

Usage: python3 .ci/lengths.py [MAX_FN [MAX_FILE]]   (defaults 80 and 600)

A reader holds a function of a screen or so in the head; past that, name its steps. Strings,
character literals and line comments are blanked before braces are counted, so a `{` in a
string does not open a block. Standard library only.
"""
import re
import subprocess
import sys

FN = re.compile(r"\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?(extern\s+\"C\"\s+)?fn\s+(\w+)")
STRING = re.compile(r'"(\\.|[^"\\])*"')
CHAR = re.compile(r"'(\\.|[^'\\])'")


def code(line):
    """The line with strings, characters and a trailing comment blanked."""
    line = STRING.sub('""', line)
    line = CHAR.sub("''", line)
    return line.split("//")[0]


def long_functions(path, lines, max_fn):
    found = []
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m or line.strip().startswith("//"):
            continue
        depth, opened = 0, False
        for j in range(i, len(lines)):
            text = code(lines[j])
            for ch in text:
                if ch == "{":
                    depth += 1
                    opened = True
                elif ch == "}":
                    depth -= 1
            if opened and depth <= 0:
                break
            if not opened and text.rstrip().endswith(";"):
                break  # a declaration without a body
        n = j - i + 1
        if n > max_fn:
            found.append(f"{path}:{i + 1}: fn {m.group(7)} is {n} lines (at most {max_fn})")
    return found


def main():
    max_fn = int(sys.argv[1]) if len(sys.argv) > 1 else 80
    max_file = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    files = subprocess.check_output(["git", "ls-files", "src/*.rs"], text=True).split()
    problems = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) > max_file:
            problems.append(f"{path}: {len(lines)} lines (at most {max_file}): split it along a seam")
        problems += long_functions(path, lines, max_fn)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} over the limits; name the steps of long functions, move tests "
              "and helpers of long files into modules of their own", file=sys.stderr)
        return 1
    print(f"{len(files)} files under src/: every file at most {max_file} lines, every function at most {max_fn}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
