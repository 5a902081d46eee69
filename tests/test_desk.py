"""`verify serve`: the desk in a browser, over a real store. The pages and the security through
Starlette's test client; the desk as a reviewer uses it in headless Chromium, against a real
server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from verify.desk.app import make_app
from verify.store.db import open_store

from .conftest import copy_store, needs_browser, reported_story

TOKEN = "desk-token-for-the-tests-0123456789"


@pytest.fixture(scope="module")
def reported(tmp_path_factory) -> Path:
    db, _ = reported_story(tmp_path_factory.mktemp("desk"))
    return db


@pytest.fixture
def db(reported, tmp_path) -> Path:
    return copy_store(reported, tmp_path / "desk.db")


def client(db: Path, host: str = "127.0.0.1", token: str = TOKEN, logged_in: bool = True) -> TestClient:
    app = make_app(str(db), token=token, reviewer="desk-editor", host=host)
    web = TestClient(app, base_url=f"http://{host}:8020")
    if logged_in:
        assert web.get(f"/?token={token}", follow_redirects=False).status_code == 303  # the cookie is set
    return web


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)


def latest_findings(db: Path) -> list[dict]:
    store = open_store(db, create=False)
    try:
        run = store.rows("SELECT id FROM runs WHERE command = 'report' ORDER BY started_at DESC LIMIT 1")[0]["id"]
        return store.rows("SELECT * FROM findings WHERE run_id = ? ORDER BY position", [run])
    finally:
        store.close()


def decision_count(db: Path) -> int:
    store = open_store(db, create=False)
    try:
        return store.conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
    finally:
        store.close()


def test_every_page_renders_from_the_store(db):
    web = client(db)
    stories = web.get("/")
    assert stories.status_code == 200 and "/stories/saraqeb" in stories.text
    story = web.get("/stories/saraqeb").text
    assert "Coverage" in story and 'class="claim-col"' in story and "Disputes" in story
    contradiction = next(f for f in latest_findings(db) if f["kind"] == "contradiction")
    finding = web.get(f"/findings/{contradiction['id']}").text
    assert finding.count('mark class="claim-text"') == 2 and "Record the decision" in finding
    assert "characters " in finding and "reported" in finding  # offsets and dates of each claim
    assert "Saraqeb" in web.get("/search", params={"q": "Saraqeb", "story": "saraqeb"}).text
    audit = web.get("/audit").text
    assert "audit chain intact" in audit and re.search(r'<code id="head">\d+:[0-9a-f]{64}</code>', audit)
    assert web.get("/check").status_code == 200
    document = contradiction["claims"][0].rsplit(".", 1)[0]
    page = web.get(f"/documents/{document}").text
    assert f'id="claim-{contradiction["claims"][0]}"' in page and '<pre class="text">' in page
    assert f'href="/documents/{document}#claim-' in finding  # the finding links each claim's document


@pytest.mark.parametrize(
    "path", ["/findings/f-000000000000", "/stories/nosuch", "/audit/runs/r-nosuch", "/documents/nosuch", "/nowhere"]
)
def test_a_bad_id_is_a_404_page(db, path):
    response = client(db).get(path)
    assert response.status_code == 404 and "Traceback" not in response.text


def test_every_response_carries_a_policy_with_no_inline_script(db):
    response = client(db).get("/stories/saraqeb")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert "<script>" not in response.text and 'src="/static/desk.js"' in response.text
    assert response.headers["x-frame-options"] == "DENY"


def test_writes_need_the_token_and_the_csrf_token(db):
    finding = latest_findings(db)[0]["id"]
    form = {"decision": "dismiss", "note": "not the same strike", "reviewer": "someone"}
    anonymous = client(db, logged_in=False)
    page = anonymous.get(f"/findings/{finding}").text
    assert 'name="csrf"' not in page  # no token, no form
    assert anonymous.post(f"/findings/{finding}/review", data=form).status_code == 403
    web = client(db)
    assert web.post(f"/findings/{finding}/review", data=form).status_code == 403  # the token, but no CSRF token
    assert web.post(f"/findings/{finding}/review", data=form | {"csrf": "0" * 64}).status_code == 403
    assert anonymous.post("/check", data={"text": "The army took Saraqeb.", "csrf": "0" * 64}).status_code == 403
    assert decision_count(db) == 0
    token = csrf(web.get(f"/findings/{finding}").text)
    done = web.post(f"/findings/{finding}/review", data=form | {"csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and decision_count(db) == 1
    assert "someone" in web.get(f"/findings/{finding}").text  # the reviewer's name is recorded


def test_beyond_loopback_every_request_needs_the_token(db):
    outside = client(db, host="192.0.2.10", logged_in=False)
    assert outside.get("/").status_code == 403
    assert client(db, host="192.0.2.10").get("/").status_code == 200


def test_an_unknown_host_name_is_refused(db):
    """DNS rebinding: a page elsewhere that resolves its own name to 127.0.0.1 gets nothing."""
    web = TestClient(make_app(str(db), token=TOKEN), base_url="http://evil.example:8020")
    assert web.get("/").status_code == 400


def test_request_bodies_are_capped(db):
    web = client(db)
    token = csrf(web.get("/check").text)
    response = web.post("/check", data={"text": "x" * 1_100_000, "csrf": token})
    assert response.status_code == 413


def test_stored_text_is_escaped_and_inert(db, tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "The army said it still holds Saraqeb <script>alert(1)</script> \x1b]0;owned\x07 after heavy fighting.\n"
    )
    store = open_store(db)
    from verify.ingest.documents import ingest

    ingest(store, [hostile], outlet="sana", story="saraqeb")
    store.close()
    web = client(db)
    page = web.get("/search", params={"q": "holds", "story": "saraqeb"}).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x1b" not in page and "\x07" not in page


def test_a_dismissed_finding_leaves_the_matrix_and_the_disputes(db):
    web = client(db)
    before = web.get("/stories/saraqeb").text
    contradiction = next(f for f in latest_findings(db) if f["kind"] == "contradiction")
    assert contradiction["id"] in before
    token = csrf(web.get(f"/findings/{contradiction['id']}").text)
    form = {"decision": "dismiss", "note": "a different strike", "reviewer": "desk-editor", "csrf": token}
    assert web.post(f"/findings/{contradiction['id']}/review", data=form, follow_redirects=False).status_code == 303
    after = web.get("/stories/saraqeb").text
    assert f'id="{contradiction["id"]}"' not in after and f"/findings/{contradiction['id']}" not in after
    assert "1 dismissed finding(s) hidden" in after
    shown = web.get("/stories/saraqeb", params={"dismissed": "shown"}).text
    assert f'id="{contradiction["id"]}"' in shown


def test_two_reviewers_deciding_at_once_are_both_recorded(db):
    findings = [f["id"] for f in latest_findings(db)][:6]
    web = client(db)
    token = csrf(web.get(f"/findings/{findings[0]}").text)
    statuses = []

    def reviewer(name: str) -> None:
        own = client(db)
        for finding in findings:
            form = {"decision": "confirm", "note": f"checked by {name}", "reviewer": name, "csrf": token}
            statuses.append(own.post(f"/findings/{finding}/review", data=form, follow_redirects=False).status_code)

    started = time.perf_counter()
    threads = [threading.Thread(target=reviewer, args=(n,)) for n in ("amira", "ben")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    assert statuses == [303] * 12 and decision_count(db) == 12, (statuses, seconds)
    assert "audit chain intact" in web.get("/audit").text


# -- in a real browser -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live(db):
    """A real desk (uvicorn) on a free port of 127.0.0.1, stopped after the test."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            make_app(str(db), token=TOKEN, reviewer="desk-editor"), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", db
    server.should_exit = True
    thread.join(timeout=10)


def wait_for(driver, css: str, text: str) -> str:
    """The text of the element at ``css`` once it holds ``text`` (the page after a form was sent)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def found(d):
        try:
            shown = d.find_element(By.CSS_SELECTOR, css).text
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        return shown if text in shown and shown else False

    return WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,)).until(found)


@needs_browser
def test_the_desk_in_a_real_browser(live, browser, run, tmp_path):
    """Screenshots go to $VERIFY_SCREENSHOTS (docs/ holds the committed ones), else a temporary folder."""
    from selenium.webdriver.common.by import By

    base, db = live
    driver = browser
    shots = Path(os.environ.get("VERIFY_SCREENSHOTS") or tmp_path)
    driver.get(f"{base}/?token={TOKEN}")
    assert "saraqeb" in driver.find_element(By.TAG_NAME, "body").text
    driver.save_screenshot(str(shots / "desk-stories.png"))
    driver.get(f"{base}/stories/saraqeb")
    contradiction = next(f for f in latest_findings(db) if f["kind"] == "contradiction")
    assert driver.find_elements(By.ID, contradiction["id"])
    driver.save_screenshot(str(shots / "desk-story.png"))
    # the filters: only contradictions
    for kind in ("agreement", "partial", "omission", "revision"):
        driver.find_element(By.CSS_SELECTOR, f"input[name=kind][value={kind}]").click()
    visible = [s for s in driver.find_elements(By.CSS_SELECTOR, "section.finding") if s.is_displayed()]
    assert visible and all("contradiction" in s.get_attribute("class") for s in visible)
    # dismiss one: it leaves the findings, the matrix and the disputes
    driver.get(f"{base}/findings/{contradiction['id']}")
    driver.save_screenshot(str(shots / "desk-finding.png"))
    driver.find_element(By.CSS_SELECTOR, "input[name=decision][value=dismiss]").click()
    driver.find_element(By.NAME, "note").send_keys("the Observatory counts a different day")
    driver.find_element(By.CSS_SELECTOR, "#review button[type=submit]").click()
    wait_for(driver, "ol.decisions", "dismiss")
    driver.get(f"{base}/stories/saraqeb")
    assert not driver.find_elements(By.ID, contradiction["id"])
    assert contradiction["id"] not in driver.find_element(By.TAG_NAME, "main").text
    # confirm another with a rating: it is published as ClaimReview
    other = next(f for f in latest_findings(db) if f["kind"] == "contradiction" and f["id"] != contradiction["id"])
    driver.get(f"{base}/findings/{other['id']}")
    driver.find_element(By.CSS_SELECTOR, "input[name=decision][value=confirm]").click()
    driver.find_element(By.NAME, "note").send_keys("AFP photos show rebels in the centre")
    driver.find_element(By.CSS_SELECTOR, "select[name=rating] option[value=false]").click()
    driver.find_element(By.NAME, "url").send_keys("https://factcheck.example/saraqeb")
    driver.find_element(By.CSS_SELECTOR, "#review button[type=submit]").click()
    wait_for(driver, "ol.decisions", "rated false")
    published = run("--db", db, "export", "claimreview", "--story", "saraqeb", "--organisation", "Desk Check")
    assert published.exit_code == 0 and "https://factcheck.example/saraqeb" in published.stdout
    # check a draft
    driver.get(f"{base}/check")
    driver.find_element(By.CSS_SELECTOR, "select[name=story] option[value=saraqeb]").click()
    driver.find_element(By.NAME, "text").send_keys(
        "Government forces remain in full control of Saraqeb, the army said on Thursday.\n"
        "Two Turkish soldiers were killed in an air strike in Idlib on Thursday."
    )
    driver.find_element(By.CSS_SELECTOR, "#check button[type=submit]").click()
    results = wait_for(driver, "#results", "")
    assert "contradicted" in results or "supported" in results
    driver.save_screenshot(str(shots / "desk-check.png"))
    runs = json.loads(run("--db", db, "audit", "runs", "--json").stdout)
    assert runs[-1]["command"] == "check" and runs[-1]["status"] == "complete"  # recorded like the command's
    driver.get(f"{base}/audit")
    assert "audit chain intact" in driver.find_element(By.ID, "chain").text
    driver.save_screenshot(str(shots / "desk-audit.png"))
    # a write without the token is refused
    request = urllib.request.Request(
        f"{base}/findings/{other['id']}/review", data=b"decision=dismiss&note=x", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


def test_serve_refuses_a_missing_store_and_a_short_token(run, db, tmp_path):
    missing = run("--db", tmp_path / "none.db", "serve")
    assert missing.exit_code == 1 and "no database at" in missing.stderr
    short = run("--db", db, "serve", "--token", "abc")
    assert short.exit_code == 1 and "at least 16 characters" in short.stderr
