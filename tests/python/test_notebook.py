#!/usr/bin/python3
"""Executes the example notebook docs/example.ipynb with Debian's nbconvert on generator data
(a copy, in a temporary folder: the one in docs/ is left as it is) and checks that it ran
from scan to chart: no cell failed, the clusters and the evidence tables were shown, and a
figure was drawn. Exits 77 (skipped) with the reason when the module, nbconvert, the Python
kernel or matplotlib is missing."""
import os
import subprocess
import sys
import tempfile


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


try:
    import chorus  # noqa: F401  (only whether it is there)
except ImportError as e:
    skip(f"the chorus module is {os.environ.get('CHORUS_PYTHON_WHY') or 'not importable'} ({e})")
for mod, pkg in (("nbconvert", "jupyter-nbconvert"), ("nbformat", "python3-nbformat"),
                 ("ipykernel", "python3-ipykernel"), ("matplotlib", "python3-matplotlib"),
                 ("pandas", "python3-pandas"), ("networkx", "python3-networkx")):
    try:
        __import__(mod)
    except ImportError:
        skip(f"{pkg} is missing (scripts/setup-deps.sh installs it)")
import nbformat

src = os.path.join(os.environ.get("SRC", "."), "docs", "example.ipynb")
out = tempfile.mkdtemp(prefix="chorus-nb-")
env = dict(os.environ, CHORUS_SYNTH=os.environ.get("SYNTH", "build/chorus-synth"),
           PYDEVD_DISABLE_FILE_VALIDATION="1", MPLBACKEND="module://matplotlib_inline.backend_inline")
r = subprocess.run([sys.executable, "-Xfrozen_modules=off", "-m", "nbconvert", "--to",
                    "notebook", "--execute", "--ExecutePreprocessor.timeout=300",
                    "--ExecutePreprocessor.kernel_name=python3",
                    "--output-dir", out, "--output", "run.ipynb", src],
                   env=env, cwd=os.path.dirname(src), capture_output=True, text=True)
if r.returncode != 0:
    print(r.stdout[-4000:], r.stderr[-4000:])
    print("FAIL: the notebook did not run")
    sys.exit(1)
nb = nbformat.read(os.path.join(out, "run.ipynb"), as_version=4)
fails = []
images, texts = 0, []
for cell in nb.cells:
    for o in cell.get("outputs", []):
        if o.output_type == "error":
            fails.append(f"cell failed: {o.ename}: {o.evalue}")
        data = o.get("data", {})
        images += "image/png" in data
        texts.append(data.get("text/plain", "") + o.get("text", ""))
text = "\n".join(texts)
for want in ("cluster_id", "reasons_text", "leader_handle", "passage", "edges_led"):
    if want not in text:
        fails.append(f"no output shows '{want}'")
if images < 1:
    fails.append("no figure was drawn")
code = sum(1 for c in nb.cells if c.cell_type == "code")
ran = sum(1 for c in nb.cells if c.cell_type == "code" and c.get("execution_count"))
if ran != code:
    fails.append(f"{ran} of {code} code cells ran")
for f in fails:
    print("FAIL:", f)
print(f"notebook: {code} cells ran, {images} figure(s)" if not fails else "notebook: failed")
sys.exit(1 if fails else 0)
