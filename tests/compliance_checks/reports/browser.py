"""Headless Chromium driven from the command line, without any Python package: screenshots,
PDF printing, and ``--dump-dom`` of a wrapper page that shows the report in an iframe of an exact
width and writes what the layout engine computed (widths, which columns show, whether the filter
works) into its own DOM.

The report keeps its Content-Security-Policy: its own script must run under it, so a wrong hash
leaves the filter dead and the measurement says so.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
SKIP_REASON = "Chromium is not installed (Debian: apt-get install -y chromium; CI installs it with make setup-browser)"
# A4 landscape less the print margins (10 mm each side) at 96 px per inch: the width print lays out.
A4_LANDSCAPE_PRINTABLE_PX = round((297 - 20) / 25.4 * 96)

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

# The wrapper shows the page in an iframe exactly ``width`` CSS pixels wide (a headless window is
# never narrower than 500), and, once it has loaded, measures it, tries the filter, and writes the
# result as JSON into the wrapper's DOM. The page is the iframe's ``srcdoc``: same origin as the
# wrapper, and under its own Content-Security-Policy, which the wrapper does not touch.
WRAPPER = """<!DOCTYPE html><html><head><meta charset="utf-8">
<style>body{margin:0}iframe{border:0;display:block}</style></head><body>
<iframe id="page" width="%(width)d" height="900" srcdoc="%(srcdoc)s"></iframe><script>
window.addEventListener('load',function(){
var win=document.getElementById('page').contentWindow,doc=win.document,probe=%(probe)s;
var vw=doc.documentElement.clientWidth,out={innerWidth:vw,scrollWidth:doc.documentElement.scrollWidth};
out.overflowing=[].slice.call(doc.querySelectorAll('body *')).filter(function(e){
  var r=e.getBoundingClientRect();return r.width>0&&r.right>vw+0.5;
}).slice(0,5).map(function(e){return e.tagName+'.'+e.className+' right='+Math.round(e.getBoundingClientRect().right);});
out.tables=[].slice.call(doc.querySelectorAll('table.findings')).map(function(t){
  var heads=[].slice.call(t.querySelectorAll('thead th')).filter(function(h){
    return h.getBoundingClientRect().width>0;});
  return {heads:heads.map(function(h){var r=h.getBoundingClientRect();
    return {text:h.textContent,left:Math.round(r.left),right:Math.round(r.right),width:Math.round(r.width)};}),
    cardCells:[].slice.call(t.querySelectorAll('tr.finding td')).filter(function(c){
      return win.getComputedStyle(c).display==='block';}).length,
    cells:t.querySelectorAll('tr.finding td').length};
});
var form=doc.getElementById('filter'),rows=[].slice.call(doc.querySelectorAll('tr.finding'));
function shown(){return rows.filter(function(r){return !r.hidden;}).length;}
out.filterShown=!!form&&!form.hidden;out.rows=rows.length;
if(form){
  form.q.value=probe;form.q.dispatchEvent(new win.Event('input',{bubbles:true}));
  out.matching=shown();out.shownText=doc.getElementById('shown').textContent;
  form.q.value='';form.q.dispatchEvent(new win.Event('input',{bubbles:true}));
  form.status.value='FAIL';form.status.dispatchEvent(new win.Event('change',{bubbles:true}));
  out.failing=shown();
}
var pre=document.createElement('pre');pre.id='measurement';pre.textContent=JSON.stringify(out);
document.body.appendChild(pre);
});
</script></body></html>"""


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def run(url: str, profile: Path, width: int, height: int, *extra: str) -> str:
    assert CHROMIUM is not None
    command = [CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", *extra, url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def print_layout(page: str) -> str:
    """The page with its print rules applied on screen (the style's hash updated in its policy, as
    the page allows its original style), to measure the layout print gives it."""
    page = page.replace("@media print{", "@media all{", 1)
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    page, count = re.subn(r"style-src '[^']+'", f"style-src '{_sha256(style.group(1))}'", page, count=1)
    assert count == 1, "the page has no style-src in its Content-Security-Policy"
    return page


def measure(page: str, tmp: Path, width: int, probe: str = "") -> dict[str, Any]:
    wrapper = tmp / f"measure-{width}.html"
    wrapper.write_text(
        WRAPPER % {"width": width, "srcdoc": html.escape(page, quote=True), "probe": json.dumps(probe)},
        encoding="utf-8",
    )
    dom = run(wrapper.as_uri(), tmp / "profile", max(width + 40, 600), 900, "--dump-dom", "--virtual-time-budget=5000")
    found = re.search(r'<pre id="measurement">(.*?)</pre>', dom, re.S)
    assert found, "the measuring script did not run"
    return json.loads(html.unescape(found.group(1)))


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
