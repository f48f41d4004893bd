#!/usr/bin/env python3
"""Golden tests: one file holds the input, the thrustc arguments and the expected output.

Format (comment prefix `//` for .thrust, `;` for .tir):
    // args: -print tokens          thrustc arguments; the input file name is appended
    <input>
    // ---- expected (exit N) ----
    // <expected line>              stdout followed by stderr, each line behind the prefix

Only the part above the marker is given to thrustc, as a file of the same name in a temporary
folder (so diagnostics print `name.thrust:line:col`). `--update` rewrites the expected part; review
the change as a diff.

Other files beside it (modules to import, 13) are written in sections before the marker:
    // ---- file lib/other.thrust ----
    // <line of other.thrust>       each line behind the prefix, up to the next section or marker
They stay comments in the main file, so it compiles as it is.
"""
import argparse, os, re, subprocess, sys, tempfile

MARKER = re.compile(r"^(//|;) ---- expected \(exit (-?\d+)\) ----$")
FILE_MARKER = re.compile(r"^(//|;) ---- file (\S+) ----$")


def extra_files(prefix, source):
    """{relative path: text} of the `---- file NAME ----` sections of source."""
    files, current = {}, None
    for line in source.split("\n"):
        m = FILE_MARKER.match(line)
        if m:
            current = m.group(2)
            files[current] = []
        elif current is not None:
            files[current].append(line[len(prefix) + 1:] if line.startswith(prefix + " ") else line[len(prefix):])
    return {name: "\n".join(lines).rstrip("\n") + "\n" for name, lines in files.items()}


def split(path):
    prefix = ";" if path.endswith(".tir") else "//"
    lines = open(path, encoding="utf-8", errors="surrogateescape").read().split("\n")
    for i, line in enumerate(lines):
        m = MARKER.match(line)
        if m:
            expected = [l[len(prefix) + 1:] if l.startswith(prefix + " ") else l[len(prefix):]
                        for l in lines[i + 1:] if l.strip() != ""]
            return prefix, "\n".join(lines[:i]) + "\n", expected, int(m.group(2))
    return prefix, "\n".join(lines), None, None


def run(thrustc, path, prefix, source, extra):
    args = []
    for line in source.split("\n"):
        if line.startswith(prefix + " args:"):
            args = line[len(prefix) + 6:].split()
            break
    with tempfile.TemporaryDirectory() as tmp:
        name = os.path.basename(path)
        with open(os.path.join(tmp, name), "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(source)
        for other, text in extra_files(prefix, source).items():
            os.makedirs(os.path.dirname(os.path.join(tmp, other)), exist_ok=True)
            with open(os.path.join(tmp, other), "w", encoding="utf-8") as f:
                f.write(text)
        env = dict(os.environ, NO_COLOR="1")
        p = subprocess.run([thrustc] + extra + args + [name], cwd=tmp, capture_output=True, env=env, timeout=60)
    out = (p.stdout + p.stderr).decode("utf-8", "replace").rstrip("\n")
    return (out.split("\n") if out else []), p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--thrustc", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--extra", action="append", default=[],
                    help="another thrustc argument (e.g. --extra=-ct-backend --extra=interp): the same "
                         "expectations must hold with it")
    ap.add_argument("files", nargs="+")
    opts = ap.parse_args()
    opts.thrustc = os.path.abspath(opts.thrustc)  # it runs from a temporary folder
    failed = 0
    for path in opts.files:
        prefix, source, expected, exit_code = split(path)
        got, code = run(opts.thrustc, path, prefix, source, opts.extra)
        if opts.update:
            body = "".join(f"{prefix} {l}".rstrip() + "\n" for l in got)
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(source.rstrip("\n") + "\n" + f"{prefix} ---- expected (exit {code}) ----\n" + body)
            print(f"updated {path}")
            continue
        if expected is None:
            print(f"{path}: no expected section (run with --update)")
            failed += 1
        elif [l.rstrip() for l in got] != [l.rstrip() for l in expected] or code != exit_code:
            failed += 1
            print(f"FAIL {path}: exit {code} (expected {exit_code})")
            import difflib
            for l in difflib.unified_diff(expected, got, "expected", "got", lineterm=""):
                print(l)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
