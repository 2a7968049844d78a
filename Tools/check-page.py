#!/usr/bin/env python3
"""Loads a Myolog page in a real headless Chromium and checks what a reader would see.

    check-page.py report PAGE.html --show SHOW.json --timeline TIMELINE.json [--screenshot OUT.png]
    check-page.py ui URL?token=TOKEN --patients N [--search TEXT --expect NAME]
    check-page.py text PAGE.html|URL?token=TOKEN --then PATH [--contains TEXT]... [--present|--absent SELECTOR]...
                  [--order ID,ID,...] [--screenshot OUT.png [--clip SELECTOR]]

Chromium is driven through the DevTools protocol over a pipe (`--remote-debugging-pipe`): no
port, no extra package. `report`: the page is loaded with the network emulated offline, and every
request the page makes is recorded (any besides the page itself fails the check), as is every
console message, exception and log error; then, from the *rendered* page: one trigger-point marker
per finding (active and latent from `show --json`, resolved from `timeline --json`), each marker
drawn on the patient's side as recorded (measured against its figure's midline: in the front view
the patient's left is on the reader's right), one pain-chart point per score with the score's
value, region, context and event in its data attributes, one outcome chart per instrument course
(`outcomeCourses`) with one point per scored answer set carrying its shown score, context and
event, its polyline through them (in steps for an instrument of bands), better scores drawn higher,
and the band of "no meaningful change yet" — baseline ± the MCID/MDC — holding exactly the points
within the threshold of the baseline, its table one row per answer set; SVG titles and
descriptions, no script.
A screenshot of the whole page must be non-blank and A4-wide-ish. `ui`: URL is the address `myolog
ui` printed, with its `?token=`: opening it signs the browser in, after which the address bar holds
no token and the page's script cannot read it (the cookie is HttpOnly); the patient list has N
rows; submitting the search form for TEXT lists NAME; following a patient link shows a page with
the body chart. `text`: what typed text became on the rendered page — each TEXT appears, as the
characters typed, in the page's text; each --present SELECTOR matches an element, each --absent
SELECTOR (what a note written as markup would have made: `script`, `h2.fake`, `#injected`)
matches none; the sections with the ids in --order
exist in that order; the layout holds: every table body row has as many cells as its header
row (a note closing a cell and opening a row would break that) and nothing is wider than the
window; no request, no console message, no script. --screenshot writes a PNG of the page, or of
only the parts --clip selects (the page's other sections hidden once the checks are done; a
section holding a selected part stays, and the picture is cropped to the parts).
Prints `ok: …` and exits 0, or one `FAIL: …` line per problem and exits 1.
"""
import argparse, base64, json, os, select, shutil, struct, subprocess, sys, tempfile, time, urllib.parse, zlib


class Browser:
    """Headless Chromium over --remote-debugging-pipe: NUL-separated JSON messages on fds 3/4."""

    def __init__(self):
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not binary:
            sys.exit("check-page: chromium is not installed (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="myolog-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes on fd 4.
        def child_fds():
            # Through fresh numbers first: a pipe end may already be 3 or 4, and dup2 onto itself
            # would keep its close-on-exec flag.
            read_end, write_end = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)
        flags = ["--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                 "--hide-scrollbars", "--font-render-hinting=none", f"--user-data-dir={self.profile}", "about:blank"]
        # close_fds=False: fds 3 and 4 are made in the child by child_fds (dup2 leaves them
        # inheritable); every other pipe end is close-on-exec already (os.pipe's default).
        self.process = subprocess.Popen([binary] + flags, preexec_fn=child_fds, close_fds=False,
                                        stdout=subprocess.DEVNULL, stderr=open(os.environ.get("CHECK_PAGE_CHROMIUM_LOG", os.devnull), "w"))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        return self.next_id

    def receive(self, deadline):
        while b"\0" not in self.buffer:
            remaining = deadline - time.time()
            if remaining <= 0 or not select.select([self.from_chrome], [], [], remaining)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None, timeout=30):
        wanted = self.send(method, params, session)
        deadline = time.time() + timeout
        while True:
            message = self.receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def page(self, method, params=None, timeout=30):
        return self.call(method, params, self.session, timeout)

    def wait_for(self, method, timeout=30):
        deadline = time.time() + timeout
        for index, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(index)
        while True:
            message = self.receive(deadline)
            if message.get("method") == method:
                return message
            self.events.append(message)

    def navigate(self, url):
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.page("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression):
        result = self.page("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate: {result['exceptionDetails']}")
        return result["result"].get("value")

    def drain(self, seconds=0.3):
        """Events that arrive shortly after load (late console messages, blocked requests)."""
        deadline = time.time() + seconds
        try:
            while True:
                self.events.append(self.receive(deadline))
        except TimeoutError:
            pass

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def start(browser, offline):
    for domain in ("Page", "Network", "Runtime", "Log"):
        browser.page(f"{domain}.enable")
    if offline:
        browser.page("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    browser.page("Emulation.setDeviceMetricsOverride", {"width": 1000, "height": 1400, "deviceScaleFactor": 1, "mobile": False})


def problems_from_events(browser, allowed_urls):
    """Requests other than the page's own, console messages, exceptions, log errors."""
    problems = []
    for event in browser.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not any(url.startswith(allowed) for allowed in allowed_urls) and not url.startswith("data:"):
                problems.append(f"the page made a request: {url}")
        elif method == "Runtime.consoleAPICalled":
            problems.append(f"console.{params.get('type')}: {[a.get('value') for a in params.get('args', [])]}")
        elif method == "Runtime.exceptionThrown":
            problems.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            problems.append(f"console {params['entry']['level']}: {params['entry']['text']}")
    return problems


# Facts read off the rendered page: marker centres against their figure's outline, pain points.
FACTS = r"""
(() => {
  const centre = r => ({x: r.left + r.width / 2, y: r.top + r.height / 2});
  const figures = {};
  for (const figure of document.querySelectorAll('svg.body-chart g.figure')) {
    const outline = figure.querySelector('polygon.outline').getBoundingClientRect();
    figures[figure.dataset.view] = {midline: outline.left + outline.width / 2, width: outline.width};
  }
  const markers = [...document.querySelectorAll('svg.body-chart g.tp')].map(g => ({
    event: g.dataset.event, muscle: g.dataset.muscle, side: g.dataset.side, status: g.dataset.status,
    view: g.closest('g.figure').dataset.view, title: (g.querySelector('title') || {}).textContent || '',
    marks: [...g.querySelectorAll('circle.tp-mark')].map(c => centre(c.getBoundingClientRect()).x)}));
  const points = [...document.querySelectorAll('svg.pain-chart circle.pain-point')].map(c => ({
    event: c.dataset.event, score: Number(c.dataset.score), region: c.dataset.region, context: c.dataset.context,
    y: centre(c.getBoundingClientRect()).y}));
  const svgs = [...document.querySelectorAll('svg')].map(s => ({cls: s.getAttribute('class'),
    title: !!s.querySelector(':scope > title'), desc: !!s.querySelector(':scope > desc')}));
  return {figures, markers, points, svgs, scripts: document.scripts.length,
          findingRows: document.querySelectorAll('#trigger-point-table tbody tr').length,
          painRows: document.querySelectorAll('#pain-table tbody tr').length,
          width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight};
})()
"""


# Facts read off the rendered outcome charts: points, their lines, the band, the tables.
OUTCOME_FACTS = r"""
(() => [...document.querySelectorAll('svg.outcome-chart')].map(s => {
  const centre = r => r.top + r.height / 2;
  const band = s.querySelector('rect.mcid-band');
  const box = band && band.getBoundingClientRect();
  const table = document.getElementById(`outcome-${s.dataset.instrument}-v${s.dataset.version}-table`);
  return {instrument: s.dataset.instrument, version: Number(s.dataset.version), score: s.dataset.score,
    higherIs: s.dataset.higherIs, stepped: s.dataset.stepped === 'true',
    points: [...s.querySelectorAll('circle.outcome-point')].map(c => ({event: c.dataset.event, series: c.dataset.series,
      score: c.dataset.score, context: c.dataset.context, y: centre(c.getBoundingClientRect())})),
    lines: [...s.querySelectorAll('g.outcome-series')].map(g => ({series: g.dataset.series,
      vertices: (l => l ? l.points.numberOfItems : 0)(g.querySelector('polyline.series-line'))})),
    band: box ? {top: box.top, bottom: box.bottom, kind: band.dataset.kind, threshold: band.dataset.threshold,
                 baseline: band.dataset.baseline} : null,
    rows: table ? table.tBodies[0].rows.length : -1};
}))()
"""


def check_outcome_charts(browser, show, problems):
    """Each course of `show --json` against its rendered chart; returns the number of charts."""
    charts = browser.evaluate(OUTCOME_FACTS)
    courses, outcomes = show.get("outcomeCourses", []), show.get("outcomes", [])
    if len(charts) != len(courses):
        problems.append(f"outcome charts: {len(charts)} drawn for {len(courses)} instrument courses")
    for course in courses:
        name = f"{course['instrument']} v{course['version']}"
        chart = next((c for c in charts if c["instrument"] == course["instrument"] and c["version"] == course["version"]), None)
        if chart is None:
            problems.append(f"{name}: no outcome chart")
            continue
        key = course["score"]
        sets = [o for o in outcomes if o["instrument"] == course["instrument"] and o["version"] == course["version"]]
        if chart["rows"] != len(sets):
            problems.append(f"{name} table: {chart['rows']} rows for {len(sets)} answer sets")
        scored = {o["eventId"]: dict(o, score=o["scores"][key]) for o in sets if key in o["scores"]}
        drawn = [p for p in chart["points"] if p["series"] == key]
        list(matched(f"{name} chart", drawn, scored, ("score", "context"), problems))
        line = next((l for l in chart["lines"] if l["series"] == key), {"vertices": 0})
        want = 0 if len(scored) < 2 else 2 * len(scored) - 1 if chart["stepped"] else len(scored)
        if line["vertices"] != want:
            problems.append(f"{name} chart: the line has {line['vertices']} vertices for {len(scored)} scored answer sets (want {want})")
        # The direction the record implies (a change and its improvement agree in sign when
        # higher is better), else the chart's own word for it.
        change, improvement = course.get("change"), course.get("improvement")
        better_is_higher = (float(change) > 0) == (float(improvement) > 0) if change and float(change) != 0 else chart["higherIs"] == "better"
        if (chart["higherIs"] == "better") != better_is_higher:
            problems.append(f"{name} chart: says higher is {chart['higherIs']}, the course's change and improvement say otherwise")
        for a in drawn:
            for b in drawn:
                a_better = float(a["score"]) > float(b["score"]) if better_is_higher else float(a["score"]) < float(b["score"])
                if a_better and not a["y"] < b["y"]:
                    problems.append(f"{name} chart: {a['score']} (better) is not drawn above {b['score']}")
        threshold, band, baseline = course.get("threshold"), chart["band"], course["baseline"]
        if threshold is None or baseline["score"] is None:
            if band:
                problems.append(f"{name} chart: a band drawn without an MCID or MDC, or without a scored baseline")
            continue
        if band is None:
            problems.append(f"{name} chart: no {threshold['kind']} band")
            continue
        if band["kind"] != threshold["kind"] or float(band["threshold"]) != float(threshold["points"]) or band["baseline"] != baseline["score"]:
            problems.append(f"{name} chart: band {band['kind']} {band['threshold']} from {band['baseline']}; the course says "
                            f"{threshold['kind']} {threshold['points']} from {baseline['score']}")
        b, t = float(baseline["score"]), float(threshold["points"])
        for point in drawn:
            entry = scored.get(point["event"])
            if entry is None or entry["occurredAt"] < baseline["occurredAt"] or abs(abs(float(point["score"]) - b) - t) < 0.051:
                continue  # before this course, or on the band's edge as rounded
            inside = band["top"] < point["y"] < band["bottom"]
            if inside != (abs(float(point["score"]) - b) < t):
                problems.append(f"{name} chart: {point['score']} is drawn {'inside' if inside else 'outside'} the band of {b} ± {t}")
    return len(charts)


def expected_findings(show, timeline):
    """Active and latent from show --json; resolved: found, not retracted, resolved by a resolution not retracted."""
    findings = {tp["eventId"]: dict(tp, status=tp["status"]) for tp in show["activeTriggerPoints"] + show["latentTriggerPoints"]}
    found = {line["eventId"]: line for line in timeline if line["type"] == "TriggerPointFound" and line["status"] != "retracted"}
    for line in timeline:
        if line["type"] == "TriggerPointResolved" and line["status"] != "retracted":
            finding = line["payload"].get("finding")
            if finding in found and finding not in findings:
                payload = found[finding]["payload"]
                findings[finding] = {"eventId": finding, "muscle": payload["muscle"], "side": payload["side"], "status": "resolved"}
    return findings


def matched(what, drawn, recorded, keys, problems):
    """Pairs each drawn item with the record's entry of its event, noting a count that differs, an
    item for no entry, and any of `keys` on which the two disagree."""
    if len(drawn) != len(recorded):
        problems.append(f"{what}: {len(drawn)} drawn for {len(recorded)} in the record")
    for item in drawn:
        entry = recorded.get(item["event"])
        if entry is None:
            problems.append(f"{what}: {item['event']} is drawn but is not in the record")
            continue
        for key in keys:
            if item[key] != entry[key]:
                problems.append(f"{what}: {item['event']} is drawn with {key} {item[key]}, the record says {entry[key]}")
        yield item, entry


def check_screenshot(data, problems):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        problems.append("screenshot: not a PNG")
        return (0, 0)
    width, height = struct.unpack(">II", data[16:24])
    pixels, offset = b"", 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            pixels += data[offset + 8:offset + 8 + length]
        offset += 12 + length
    raw = zlib.decompress(pixels)
    # A blank page's rows are one colour: a handful of distinct bytes after PNG's filters.
    if len(set(raw)) < 32:
        problems.append(f"screenshot: blank ({len(set(raw))} distinct byte values)")
    if not (900 <= width <= 1100) or height < 1000:
        problems.append(f"screenshot: {width}×{height} pixels; expected about 1000 wide and at least 1000 tall")
    return (width, height)


def check_report(arguments):
    show = json.load(open(arguments.show))
    timeline = json.load(open(arguments.timeline))
    url = "file://" + os.path.abspath(arguments.page)
    browser = Browser()
    problems = []
    try:
        start(browser, offline=True)
        browser.navigate(url)
        browser.drain()
        problems += problems_from_events(browser, [url])
        facts = browser.evaluate(FACTS)
        expected = expected_findings(show, timeline)
        if facts["findingRows"] != len(expected):
            problems.append(f"findings table: {facts['findingRows']} rows for {len(expected)} findings")
        for marker, finding in matched("body chart", facts["markers"], expected, ("muscle", "side", "status"), problems):
            figure = facts["figures"][marker["view"]]
            # Which side of the figure's midline each mark is on, as the reader sees it.
            on_patients_left = [(x > figure["midline"]) == (marker["view"] == "front") for x in marker["marks"]]
            want = {"left": [True], "right": [False], "bilateral": [False, True]}[finding["side"]]
            if sorted(on_patients_left) != want:
                problems.append(f"body chart: {finding['muscle']} ({finding['side']}) is drawn on the patient's "
                                f"{'/'.join('left' if s else 'right' for s in on_patients_left)} in the {marker['view']} view")
            if not marker["title"]:
                problems.append(f"body chart: marker {marker['event']} has no title")
        scores = {s["eventId"]: s for s in show["painScores"]}
        if facts["painRows"] != len(scores):
            problems.append(f"pain table: {facts['painRows']} rows for {len(scores)} scores")
        list(matched("pain chart", facts["points"], scores, ("score", "region", "context"), problems))
        outcome_charts = check_outcome_charts(browser, show, problems)
        # Higher scores are drawn higher: the rendered y order agrees with the values.
        for a in facts["points"]:
            for b in facts["points"]:
                if a["score"] > b["score"] and not a["y"] < b["y"]:
                    problems.append(f"pain chart: score {a['score']} is not drawn above score {b['score']}")
                    break
        for svg in facts["svgs"]:
            if not (svg["title"] and svg["desc"]):
                problems.append(f"svg {svg['cls']}: needs a <title> and a <desc>")
        if facts["scripts"]:
            problems.append(f"{facts['scripts']} script elements; a report needs none")
        shot = base64.b64decode(browser.page("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, timeout=60)["data"])
        size = check_screenshot(shot, problems)
        if arguments.screenshot:
            with open(arguments.screenshot, "wb") as out:
                out.write(shot)
    finally:
        browser.close()
    return verdict(problems, f"{len(facts['markers'])} trigger-point markers on their sides, {len(facts['points'])} pain points, "
                             f"no request, no console message, screenshot {size[0]}×{size[1]}, {outcome_charts} outcome charts")


def check_ui(arguments):
    browser = Browser()
    problems = []
    parts = urllib.parse.urlsplit(arguments.url)
    base = f"{parts.scheme}://{parts.netloc}"
    token = urllib.parse.parse_qs(parts.query).get("token", [""])[0]
    try:
        start(browser, offline=False)
        # Sign in as a person would: open the printed address; the viewer redirects to the list.
        browser.navigate(arguments.url)
        if token and token in browser.evaluate("location.href"):
            problems.append("sign-in: the token is still in the address bar")
        if token and token in browser.evaluate("document.cookie"):
            problems.append("sign-in: the page's script can read the token (the cookie is not HttpOnly)")
        rows = browser.evaluate("document.querySelectorAll('#patient-list tbody tr').length")
        if rows != arguments.patients:
            problems.append(f"patient list: {rows} rows, expected {arguments.patients}")
        if arguments.search:
            browser.events = [e for e in browser.events if e.get("method") != "Page.loadEventFired"]
            browser.evaluate(f"(() => {{ const f = document.querySelector('form#search'); f.q.value = {json.dumps(arguments.search)}; f.submit(); }})()")
            browser.wait_for("Page.loadEventFired")
            names = browser.evaluate("[...document.querySelectorAll('#patient-list tbody tr td.name')].map(td => td.textContent)")
            if names != [arguments.expect]:
                problems.append(f"search {arguments.search!r}: listed {names}, expected [{arguments.expect!r}]")
        link = browser.evaluate("(document.querySelector('#patient-list tbody a') || {}).href || ''")
        if not link.startswith(base + "/patients/"):
            problems.append(f"patient list: no link to a patient page ({link!r})")
        else:
            browser.navigate(link)
            facts = browser.evaluate(FACTS)
            if not any(svg["cls"] == "body-chart" for svg in facts["svgs"]) or not any(svg["cls"] == "pain-chart" for svg in facts["svgs"]):
                problems.append(f"patient page {link}: no body chart or pain chart")
            if len(facts["markers"]) != facts["findingRows"]:
                problems.append(f"patient page {link}: {len(facts['markers'])} markers for {facts['findingRows']} findings")
            timeline = browser.evaluate("(document.querySelector('nav a[href$=\"/timeline\"]') || {}).href || ''")
            if not timeline:
                problems.append(f"patient page {link}: no link to the timeline")
            else:
                browser.navigate(timeline)
                if not browser.evaluate("document.querySelectorAll('#timeline-table tbody tr').length"):
                    problems.append(f"timeline {timeline}: no rows")
        browser.navigate(base + "/conflicts")
        if browser.evaluate("document.querySelector('h1') && document.querySelector('h1').textContent") != "Conflicts":
            problems.append("conflicts page: no 'Conflicts' heading")
        browser.drain()
        problems += problems_from_events(browser, [base + "/"])
    finally:
        browser.close()
    return verdict(problems, f"{arguments.patients} patients listed, search followed, patient page, timeline and conflicts rendered, no console message")


# The layout facts `text` checks: tables whose rows do not match their header, overflow.
LAYOUT = r"""
(() => {
  const cells = row => [...row.cells].reduce((n, c) => n + (c.colSpan || 1), 0);
  const tables = [...document.querySelectorAll('table')].map(t => {
    const head = t.tHead && t.tHead.rows[0];
    const want = head ? cells(head) : null;
    const bad = want === null ? [] : [...t.querySelectorAll(':scope > tbody > tr')].filter(r => cells(r) !== want).length;
    const stray = [...t.querySelectorAll(':scope > tr, :scope > td')].length;
    return {id: t.id || t.className || '(table)', want, bad, stray, rows: t.tBodies.length ? t.tBodies[0].rows.length : 0};
  });
  return {tables, width: document.documentElement.scrollWidth, window: window.innerWidth, scripts: document.scripts.length,
          text: document.body.textContent};
})()
"""


def check_text(arguments):
    target = arguments.page if "://" in arguments.page else "file://" + os.path.abspath(arguments.page)
    browser = Browser()
    problems = []
    try:
        start(browser, offline=target.startswith("file:"))
        browser.navigate(target)
        allowed = target.split("?")[0]
        if arguments.then:  # a `ui` address signs in first; then the page to check, on the same server
            parts = urllib.parse.urlsplit(target)
            allowed = f"{parts.scheme}://{parts.netloc}/"
            browser.navigate(allowed.rstrip("/") + arguments.then)
        browser.drain()
        problems += problems_from_events(browser, [allowed])
        facts = browser.evaluate(LAYOUT)
        for text in arguments.contains or []:
            if text not in facts["text"]:
                problems.append(f"text: {text!r} is not shown as typed")
        for selector in arguments.present or []:
            if not browser.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length"):
                problems.append(f"page: nothing matches {selector!r}")
        for selector in arguments.absent or []:
            found = browser.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length")
            if found:
                problems.append(f"markup: {found} element(s) match {selector!r}; a note became markup")
        if arguments.order:
            ids = arguments.order.split(",")
            positions = browser.evaluate(f"""(() => {{ const all = [...document.querySelectorAll('*')];
                return {json.dumps(ids)}.map(id => all.indexOf(document.getElementById(id))); }})()""")
            for id, position in zip(ids, positions):
                if position < 0:
                    problems.append(f"section #{id} is missing")
            present = [p for p in positions if p >= 0]
            if present != sorted(present):
                problems.append(f"sections are not in the order {ids}: positions {positions}")
        for table in facts["tables"]:
            if table["bad"] or table["stray"]:
                problems.append(f"table {table['id']}: {table['bad']} body row(s) without {table['want']} cells, {table['stray']} stray row(s) or cell(s)")
        if facts["width"] > facts["window"]:
            problems.append(f"layout: the page is {facts['width']} px wide in a {facts['window']} px window")
        if facts["scripts"]:
            problems.append(f"{facts['scripts']} script element(s)")
        if arguments.screenshot:
            params = {"format": "png", "captureBeyondViewport": True}
            if arguments.clip:
                # After every check: the picture shows only the parts asked for, one after another.
                box = browser.evaluate(f"""(() => {{ const keep = {json.dumps(arguments.clip)};
                    for (const part of document.querySelectorAll('main > *, footer')) if (!part.matches(keep) && !part.querySelector(keep)) part.style.display = 'none';
                    const els = [...document.querySelectorAll(keep)];
                    if (!els.length) return null;
                    const rs = els.map(e => e.getBoundingClientRect());
                    const top = Math.min(...rs.map(r => r.top)) + window.scrollY, bottom = Math.max(...rs.map(r => r.bottom)) + window.scrollY;
                    return {{x: 0, y: Math.max(0, top - 8), width: document.documentElement.scrollWidth, height: bottom - top + 16}}; }})()""")
                if box is None:
                    problems.append(f"screenshot: nothing matches {arguments.clip!r}")
                else:
                    params["clip"] = dict(box, scale=1)
            shot = base64.b64decode(browser.page("Page.captureScreenshot", params, timeout=60)["data"])
            if shot[:8] != b"\x89PNG\r\n\x1a\n":
                problems.append("screenshot: not a PNG")
            with open(arguments.screenshot, "wb") as out:
                out.write(shot)
    finally:
        browser.close()
    return verdict(problems, f"{len(arguments.contains or [])} texts shown as typed, {len(arguments.absent or [])} injections absent, "
                             f"{len(facts['tables'])} tables whole, no request, no console message")


def verdict(problems, summary):
    """One `FAIL:` line per problem and exit status 1, or `ok: summary` and 0."""
    for problem in problems:
        print("FAIL:", problem)
    if problems:
        return 1
    print(f"ok: {summary}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report")
    report.add_argument("page")
    report.add_argument("--show", required=True)
    report.add_argument("--timeline", required=True)
    report.add_argument("--screenshot")
    ui = commands.add_parser("ui")
    ui.add_argument("url")
    ui.add_argument("--patients", type=int, required=True)
    ui.add_argument("--search")
    ui.add_argument("--expect")
    text = commands.add_parser("text")
    text.add_argument("page")
    text.add_argument("--contains", action="append")
    text.add_argument("--absent", action="append")
    text.add_argument("--present", action="append")
    text.add_argument("--order")
    text.add_argument("--screenshot")
    text.add_argument("--clip")
    text.add_argument("--then", help="with a ui address: the path to check once signed in")
    arguments = parser.parse_args()
    checks = {"report": check_report, "ui": check_ui, "text": check_text}
    sys.exit(checks[arguments.command](arguments))


if __name__ == "__main__":
    main()
