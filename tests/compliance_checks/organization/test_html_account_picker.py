"""The HTML report of an organization audit in headless Chromium, under its own Content-Security-
Policy: an auditor picks one account (the filter's Account field, or a row of the accounts table)
and sees that account's findings only."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from compliance_checks.reports import html_report
from compliance_checks.reports.model import Report
from tests.compliance_checks.reports import browser

pytestmark = pytest.mark.skipif(browser.CHROMIUM is None, reason=browser.SKIP_REASON)

# Loads the page in an iframe, then: picks an account in the filter, counts the rows shown; resets;
# clicks that account's link in the accounts table, counts again.
WRAPPER = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<iframe id="page" width="1400" height="900" srcdoc="%(srcdoc)s"></iframe><script>
window.addEventListener('load',function(){
var win=document.getElementById('page').contentWindow,doc=win.document,account=%(account)s,out={};
var form=doc.getElementById('filter'),rows=[].slice.call(doc.querySelectorAll('tr.finding'));
function shown(){return rows.filter(function(r){return !r.hidden;}).map(function(r){return r.dataset.account;});}
out.all=shown().length;
form.account.value=account;form.account.dispatchEvent(new win.Event('change',{bubbles:true}));
out.picked=shown();out.text=doc.getElementById('shown').textContent;
form.account.value='';form.account.dispatchEvent(new win.Event('change',{bubbles:true}));
out.reset=shown().length;
doc.querySelector('a[data-pick-account="'+account+'"]').click();
out.clicked=shown();out.selected=form.account.value;
var pre=document.createElement('pre');pre.id='measurement';pre.textContent=JSON.stringify(out);
document.body.appendChild(pre);
});
</script></body></html>"""


def test_given_an_account_picked_then_only_its_findings_show(organization_report: Report, tmp_path: Path) -> None:
    page = html_report.render(organization_report)
    account = next(f.account_id for f in organization_report.findings if f.status.value == "FAIL")
    mine = sum(1 for f in organization_report.findings if organization_report.account_of(f) == account)
    wrapper = tmp_path / "pick.html"
    wrapper.write_text(
        WRAPPER % {"srcdoc": html.escape(page, quote=True), "account": json.dumps(account)}, encoding="utf-8"
    )
    dom = browser.run(wrapper.as_uri(), tmp_path / "profile", 1440, 900, "--dump-dom", "--virtual-time-budget=5000")
    found = re.search(r'<pre id="measurement">(.*?)</pre>', dom, re.S)
    assert found, "the measuring script did not run"
    measured = json.loads(html.unescape(found.group(1)))
    total = len(organization_report.findings)
    assert measured["all"] == measured["reset"] == total
    assert measured["picked"] == [account] * mine
    assert measured["text"] == f"{mine} of {total} findings shown"
    assert measured["clicked"] == [account] * mine
    assert measured["selected"] == account
