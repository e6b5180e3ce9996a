#!/usr/bin/python3
"""Builds chorus._chorus, the compiled half of the Python module: a CPython extension made by
cffi (API mode) from the public header include/chorus.h, linked with the static libchorus.

usage: build_ffi.py --header include/chorus.h --lib build/libchorus.a --out build/python
                    [--link "-lsqlite3 -ligraph ..."]

The declarations cffi needs are taken from chorus.h itself (comments and preprocessor lines
dropped, CHORUS_NULL left for the compiler to fill in), so the module cannot drift from the
header. The Python half (python/chorus/*.py) is copied beside the extension: --out then holds
an importable package `chorus`. Runs offline; needs python3-cffi, python3-dev and a C compiler.
"""
import argparse
import os
import re
import shlex
import shutil
import sys
import tempfile


def cdef_of(header_text):
    """The declarations of chorus.h in the subset of C that cffi's cdef parses."""
    m = re.search(r'extern "C" \{\n#endif\n(.*)#ifdef __cplusplus\n\}', header_text, re.S)
    if not m:
        raise SystemExit("build_ffi: cannot find the declarations in chorus.h")
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    lines = []
    for line in body.splitlines():
        s = line.strip()
        if s.startswith("#define CHORUS_NULL"):
            lines.append("#define CHORUS_NULL ...")
        elif s.startswith("#"):
            continue        # other macros are not integer constants cffi can take
        else:
            lines.append(line)
    # the callbacks the Python side implements (chorus/__init__.py)
    lines.append("""
extern "Python" void py_diag(void *ctx, const chorus_diag *d);
extern "Python" void py_progress(void *ctx, const chorus_progress *p);
extern "Python" int py_match(void *ctx, const chorus_match *m);
""")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--header", required=True)
    ap.add_argument("--lib", required=True, help="the static libchorus.a")
    ap.add_argument("--out", required=True)
    ap.add_argument("--link", default="", help="the libraries libchorus needs, as linker flags")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    try:
        import cffi
    except ImportError:
        raise SystemExit("build_ffi: python3-cffi is missing (apt-get install python3-cffi)")
    with open(a.header, encoding="utf-8") as f:
        cdef = cdef_of(f.read())
    ffi = cffi.FFI()
    ffi.cdef(cdef)
    link = shlex.split(a.link)
    ffi.set_source(
        "chorus._chorus",
        '#include "chorus.h"\n',
        include_dirs=[os.path.dirname(os.path.abspath(a.header))],
        extra_objects=[os.path.abspath(a.lib)],
        # only the module's init function is exported: libchorus's own symbols stay inside
        extra_link_args=link + ["-lstdc++", "-lpthread", "-lm", "-Wl,--exclude-libs,ALL"],
    )
    pkg = os.path.join(a.out, "chorus")
    os.makedirs(pkg, exist_ok=True)
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chorus")
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            shutil.copyfile(os.path.join(here, name), os.path.join(pkg, name))
    with tempfile.TemporaryDirectory(prefix="chorus-ffi-") as tmp:
        if a.quiet:
            # distutils prints every compiler command; keep the build quiet unless it fails
            import io
            import contextlib
            buf = io.StringIO()
            try:
                with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
                    built = ffi.compile(tmpdir=tmp, verbose=False)
            except Exception:
                sys.stderr.write(buf.getvalue())
                raise
        else:
            built = ffi.compile(tmpdir=tmp, verbose=True)
        dst = os.path.join(pkg, os.path.basename(built))
        shutil.copyfile(built, dst + ".tmp")
        os.replace(dst + ".tmp", dst)   # an importer never sees half a file
    return 0


if __name__ == "__main__":
    sys.exit(main())
