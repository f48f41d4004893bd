#!/usr/bin/env python3
"""The dependency rule of ../shared/docs/architecture.md ("Folders and the dependency rule"),
checked on the code: every `#include "..."` in src/** names a header of a folder that the
including folder may depend on (by path from src/), only the named folders include LLVM, asmjit
and libclang, only src/platform/ calls mmap/mprotect/dlopen/dlsym (and their Windows twins), and
the CMake libraries of src/ link only the libraries of the folders they may depend on.
Prints one `file:line: ...` per violation and fails when there is any.
Usage: tests/layering.py [--root DIR] (DIR: the checkout, the parent of this file's folder)."""
import argparse, os, re, sys

# folder (under src/) -> the folders it may include headers from (itself always allowed).
# `frontend` is src/frontend's own files (the check-and-lower driver), not its subfolders.
ALLOWED = {
    "support": set(),
    "frontend/syntax": {"support"},
    "frontend/sema": {"support", "frontend/syntax"},
    "frontend/lower": {"support", "ir", "frontend/sema", "frontend/syntax"},
    "frontend": {"support", "ir", "frontend/syntax", "frontend/sema", "frontend/lower"},
    "cimport": {"support", "frontend/sema"},  # the C declaration types (frontend/sema/c_decls.h)
    "ir": {"support"},
    "interp": {"support", "ir", "platform"},
    "ctjit": {"support", "ir", "platform"},
    "platform": {"support"},
    "aot": {"support", "ir"},
    "driver": None,  # everything
}
# Folders with subfolders of their own in the table: a file directly in them is the folder's own.
NESTED = {"frontend"}

# Third-party headers that only one folder may include: (pattern, the folder, what it is).
ONLY_INCLUDES = [
    (re.compile(r"^\s*#\s*include\s*<(llvm|llvm-c)/"), "aot", "LLVM"),
    (re.compile(r"^\s*#\s*include\s*<asmjit/"), "ctjit", "asmjit"),
    (re.compile(r"^\s*#\s*include\s*<clang-c/"), "cimport", "libclang"),
]
# OS calls that only src/platform/ makes (executable memory, dynamic symbols). dladdr (which
# importC's cache uses to find its own shared object) is not one of them.
ONLY_PLATFORM_CALLS = re.compile(
    r"\b(mmap|mprotect|dlopen|dlsym|VirtualAlloc|VirtualProtect|LoadLibrary[AW]?|GetProcAddress)\s*\(")

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
SOURCE_EXTS = (".h", ".hpp", ".cpp", ".cc", ".c", ".def", ".inc")


def folder_of(rel):
    """The table's folder of a path relative to src/ (None when no row of the table holds it)."""
    parts = rel.split("/")
    if len(parts) < 2:
        return None
    top = parts[0]
    if top in NESTED and len(parts) > 2:
        sub = top + "/" + parts[1]
        return sub if sub in ALLOWED else None
    return top if top in ALLOWED else None


def strip_comments_and_strings(text):
    """The text with comments and string/char literals blanked (newlines kept, so lines match)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):  # 1'000 is a number
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(" ")
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def check_sources(src, problems):
    files = 0
    includes = 0
    for folder, dirs, names in os.walk(src):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(SOURCE_EXTS):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, src).replace(os.sep, "/")
            shown = "src/" + rel
            owner = folder_of(rel)
            files += 1
            text = open(path, encoding="utf-8", errors="replace").read()
            if owner is None:
                problems.append(f"{shown}:1: folder `{os.path.dirname(rel)}` has no row in the dependency table "
                                "(tests/layering.py and architecture.md)")
                continue
            allowed = ALLOWED[owner]
            for number, line in enumerate(text.splitlines(), 1):
                m = INCLUDE.match(line)
                if m:
                    includes += 1
                    target = m.group(1)
                    if not os.path.isfile(os.path.join(src, target)):
                        problems.append(f"{shown}:{number}: #include \"{target}\" is not a path from src/ "
                                        "(headers are included by their path from src/)")
                        continue
                    dep = folder_of(target)
                    if dep is None:
                        problems.append(f"{shown}:{number}: #include \"{target}\": its folder has no row in the table")
                    elif dep != owner and allowed is not None and dep not in allowed:
                        may = ", ".join(sorted(allowed)) or "nothing"
                        problems.append(f"{shown}:{number}: {owner} includes \"{target}\" ({dep}); "
                                        f"{owner} may depend on {may}")
                for pattern, only, what in ONLY_INCLUDES:
                    if pattern.match(line) and owner != only:
                        problems.append(f"{shown}:{number}: only src/{only}/ includes {what} headers: {line.strip()}")
            if owner != "platform":
                code = strip_comments_and_strings(text)
                for number, line in enumerate(code.split("\n"), 1):
                    m = ONLY_PLATFORM_CALLS.search(line)
                    if m:
                        problems.append(f"{shown}:{number}: only src/platform/ calls {m.group(1)}()")
    return files, includes


CMAKE_CALL = re.compile(r"\b(thrustc_library|thrustc_add_library|target_link_libraries|add_library|add_executable)"
                        r"\s*\(([^)]*)\)", re.S)


def check_cmake(src, problems):
    """Each library of src/ links only the libraries of folders it may depend on."""
    defined = {}  # target -> (folder, CMakeLists path)
    links = []    # (target, dependency, CMakeLists path, line)
    for folder, dirs, names in os.walk(src):
        if "CMakeLists.txt" not in names:
            continue
        path = os.path.join(folder, "CMakeLists.txt")
        rel_dir = os.path.relpath(folder, src).replace(os.sep, "/")
        owner = folder_of(rel_dir + "/CMakeLists.txt")
        text = re.sub(r"#[^\n]*", "", open(path, encoding="utf-8").read())
        for m in CMAKE_CALL.finditer(text):
            args = m.group(2).split()
            if not args:
                continue
            line = text.count("\n", 0, m.start()) + 1
            if m.group(1) != "target_link_libraries":
                defined[args[0]] = (owner, path)
            deps = args[1:] if m.group(1) in ("thrustc_library", "target_link_libraries") else []
            for d in deps:
                links.append((args[0], d, path, line))
    checked = 0
    for target, dep, path, line in links:
        if target not in defined or dep not in defined or target == dep:
            continue
        owner, dep_owner = defined[target][0], defined[dep][0]
        checked += 1
        allowed = ALLOWED.get(owner)
        if owner is None or dep_owner is None or dep_owner == owner or allowed is None:
            continue
        if dep_owner not in allowed:
            shown = "src/" + os.path.relpath(path, src).replace(os.sep, "/")
            problems.append(f"{shown}:{line}: {target} ({owner}) links {dep} ({dep_owner}); "
                            f"{owner} may depend on {', '.join(sorted(allowed)) or 'nothing'}")
    return checked


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    src = os.path.join(os.path.abspath(parser.parse_args().root), "src")
    problems = []
    files, includes = check_sources(src, problems)
    links = check_cmake(src, problems)
    for p in problems:
        print(f"FAIL {p}")
    print(f"layering: {files} files, {includes} includes, {links} library links checked; {len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
