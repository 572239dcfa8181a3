#!/usr/bin/env python3
"""Headless Chromium opens every page of the HTML edition from disk and checks it.

Usage: site_test.py SITE_DIR [--screenshots DIR]

SITE_DIR holds index.html, one NN-topic.html per lesson and, for each, NN-topic.json: the records
the lesson traced, written by the lesson itself (--trace-json) from the same run as the page. For
every page:

- it loads from file:// with no console error and no network request (everything is inline);
- it shows as many records as the trace has, with the trace's titles in order, and each record has
  the byte groups the trace's fields make (one per field; the bit fields of one byte share one),
  computed here from the JSON, not by the renderer;
- the annotations are hidden, a click on a group shows that group's annotation, and the
  "annotate all" switch shows every annotation;
- a deep link (page.html#rN) lands on record N, every section has an anchor, ids are unique;
- printed (CSS print media), every annotation is visible without any interaction;
- on a phone-sized window the page does not scroll sideways.

It saves a screenshot of each page (annotations on) for review. Prints `ok - name` / `not ok -
name: why` per check; exits 1 if any check failed.
"""

import argparse
import base64
import json
import os
import re
import sys
from urllib.parse import urljoin
from urllib.request import pathname2url

os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Peers"))
from peerlib import Report, describe_exception  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 20


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-proxy-server", "--window-size=1100,1400", "--allow-file-access-from-files"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    driver.execute_cdp_cmd("Network.enable", {})
    return driver


def expected_groups(record):
    """The byte groups a record's fields make: one per field, except that consecutive bit
    fields of the same byte share one group (the same rule the page states in its legend)."""
    groups = []
    size = len(record["bytes"].split()) if record["bytes"] else 0
    for field in record["fields"]:
        start = max(0, min(field["start"], size))
        if field["bits"] is not None:
            span = (start, min(start + 1, size))
            if groups and groups[-1][0] == span and groups[-1][1]:
                continue
            groups.append((span, True))
        else:
            groups.append(((start, max(start, min(field["end"], size))), False))
    return len(groups)


def requests_made(driver):
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver):
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def visible_notes(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.note')).filter(n => n.offsetParent !== null).length")


def save_screenshot(driver, folder, name):
    """The whole page (annotations on where there are records), for a person to review."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1100, max(1400, min(16000, height)))
    driver.save_screenshot(os.path.join(folder, name.replace(".html", ".png")))
    driver.set_window_size(1100, 1400)


def check_page(driver, report, path, trace, screenshots):
    name = os.path.basename(path)
    url = urljoin("file:", pathname2url(os.path.abspath(path)))
    requests_made(driver)  # forget earlier pages' requests
    driver.get_log("browser")
    driver.set_window_size(1100, 1400)
    driver.get(url)
    others = [u for u in requests_made(driver) if not u.startswith("file://") and not u.startswith("data:")]
    report.check(f"{name}: no network request", not others, f"requested {others[:3]}")
    errors = console_errors(driver)
    report.check(f"{name}: no console error", not errors, f"{errors[:2]}")

    info = driver.execute_script("""
        const recs = Array.from(document.querySelectorAll('figure.rec'));
        const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id);
        return {
          titles: recs.map(r => r.querySelector('.rt').textContent),
          groups: recs.map(r => r.querySelectorAll('button.g').length),
          notes: recs.map(r => r.querySelectorAll('.note').length),
          recordIds: recs.map(r => r.id),
          ids: ids,
          sections: Array.from(document.querySelectorAll('section')).map(s => [s.id, !!s.querySelector('h2 a.anchor[href="#' + s.id + '"]')]),
          declared: Number(document.body.dataset.records),
        };""")
    report.check(f"{name}: {len(trace)} records, as many as the trace",
                 len(info["titles"]) == len(trace) == info["declared"],
                 f"page shows {len(info['titles'])} (declares {info['declared']}), trace has {len(trace)}")
    wrong_titles = [(i, t, r["title"]) for i, (t, r) in enumerate(zip(info["titles"], trace)) if t != r["title"]]
    report.check(f"{name}: record titles in trace order", not wrong_titles, f"first mismatch {wrong_titles[:1]}")
    want_groups = [expected_groups(r) for r in trace]
    report.check(f"{name}: {sum(want_groups)} byte groups, as the trace's fields make",
                 info["groups"] == want_groups and info["notes"] == want_groups,
                 f"groups {sum(info['groups'])}, notes {sum(info['notes'])}, expected {sum(want_groups)}; "
                 f"first differing record "
                 f"{next((i for i, (a, b) in enumerate(zip(info['groups'], want_groups)) if a != b), None)}")
    duplicates = sorted({i for i in info["ids"] if info["ids"].count(i) > 1})
    report.check(f"{name}: ids are unique", not duplicates, f"duplicated {duplicates[:5]}")
    unanchored = [s for s, has in info["sections"] if not s or not has]
    report.check(f"{name}: every section has its own anchor", info["sections"] and not unanchored,
                 f"sections without anchors: {unanchored[:3]}")

    if trace:
        report.check(f"{name}: annotations start hidden", visible_notes(driver) == 0,
                     f"{visible_notes(driver)} visible before any click")
        first = driver.find_elements(By.CSS_SELECTOR, "figure.rec button.g")[0]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
        first.click()
        opened = driver.execute_script("""
            const g = arguments[0];
            const n = g.closest('figure.rec').querySelector('.note[data-g="' + g.dataset.g + '"]');
            return [n.offsetParent !== null, g.getAttribute('aria-expanded'), n.textContent];""", first)
        report.check(f"{name}: clicking a byte group shows its annotation",
                     opened[0] and opened[1] == "true" and trace[0]["fields"][0]["name"] in opened[2],
                     f"visible {opened[0]}, aria-expanded {opened[1]}, text {opened[2][:60]!r}")
        driver.find_element(By.ID, "annotate-all").click()
        total = sum(want_groups)
        report.check(f"{name}: 'annotate all' shows all {total} annotations", visible_notes(driver) == total,
                     f"{visible_notes(driver)} visible")
        if screenshots:
            save_screenshot(driver, screenshots, name)
        driver.find_element(By.ID, "annotate-all").click()

        target = info["recordIds"][len(trace) // 2]
        driver.get(url + "#" + target)
        landed = driver.execute_script("""
            const t = document.querySelector(':target');
            if (!t) return null;
            const r = t.getBoundingClientRect();
            return [t.id, r.top >= -2 && r.top < window.innerHeight / 2, window.scrollY, r.top];""")
        report.check(f"{name}: deep link #{target} lands on that record",
                     landed is not None and landed[0] == target and landed[1] and landed[2] > 0,
                     f"got {landed}")

        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        printed = visible_notes(driver)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        report.check(f"{name}: printed, every annotation is expanded", printed == total,
                     f"{printed} of {total} visible in print media")

    elif screenshots:
        save_screenshot(driver, screenshots, name)

    driver.set_window_size(390, 844)
    overflow = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    report.check(f"{name}: fits a phone's width (no sideways scrolling)", overflow[0] <= overflow[1],
                 f"page is {overflow[0]} px wide in a {overflow[1]} px window")
    driver.set_window_size(1100, 1400)


def check_handout(driver, report, site, lessons, screenshots):
    """The printable handout: one section per lesson, each printed on exactly one page, on A4 and
    on Letter (Chromium's own PDF, through the DevTools protocol); each with its checks."""
    path = os.path.join(site, "handout.html")
    report.check("handout: site/handout.html exists", os.path.exists(path))
    if not os.path.exists(path):
        return
    driver.get(urljoin("file:", pathname2url(os.path.abspath(path))))
    sections = driver.find_elements(By.CSS_SELECTOR, "section.handout-page")
    report.check(f"handout: {lessons} lesson sections", len(sections) == lessons, f"found {len(sections)}")
    missing = [s.get_attribute("id") for s in sections
               if "wslab check" not in s.text or not s.find_elements(By.CSS_SELECTOR, "h3")]
    report.check("handout: every lesson lists its wslab check commands", not missing, f"missing in {missing}")
    for name, width, height in (("A4", 8.27, 11.69), ("Letter", 8.5, 11)):
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {
            "paperWidth": width, "paperHeight": height, "marginTop": 0.47, "marginBottom": 0.47,
            "marginLeft": 0.47, "marginRight": 0.47, "preferCSSPageSize": True})
        data = base64.b64decode(pdf["data"])
        count = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
        report.check(f"handout: one printed page per lesson on {name}", count == lessons, f"{count} pages")
        if screenshots:
            with open(os.path.join(screenshots, f"handout-{name}.pdf"), "wb") as f:
                f.write(data)


def check_chinese(driver, report, site, pages):
    """The Chinese edition in site/zh-CN/: each translated lesson's page is in Chinese
    (<html lang="zh-CN">), and it and its English twin link each other; the Chinese index links
    every lesson (the untranslated ones to their English pages); its handout prints one page per
    translated lesson."""
    zh = os.path.join(site, "zh-CN")
    translated = sorted(f for f in os.listdir(zh) if f.endswith(".html") and f not in ("index.html", "handout.html")
                        and ".part." not in f) if os.path.isdir(zh) else []
    report.check("zh-CN: the Chinese edition has pages", bool(translated), f"in {zh}")
    for page in translated:
        driver.get(urljoin("file:", pathname2url(os.path.abspath(os.path.join(zh, page)))))
        lang = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        body = driver.find_element(By.TAG_NAME, "body").text
        han = sum(1 for c in body if "\u4e00" <= c <= "\u9fff")
        report.check(f"zh-CN/{page}: lang is zh-CN, and the text is Chinese", lang == "zh-CN" and han > 500,
                     f"lang {lang}, {han} Han characters")
        back = driver.find_elements(By.CSS_SELECTOR, "nav.top a.lang")
        report.check(f"zh-CN/{page}: links its English twin",
                     bool(back) and back[0].get_attribute("href").endswith("/" + page)
                     and "/zh-CN/" not in back[0].get_attribute("href"), f"{[a.get_attribute('href') for a in back]}")
        if back:
            back[0].click()
            there = driver.find_elements(By.CSS_SELECTOR, "nav.top a.lang")
            report.check(f"{page}: the English page links back to the Chinese one",
                         bool(there) and there[0].get_attribute("href").endswith("/zh-CN/" + page),
                         f"{[a.get_attribute('href') for a in there]}")
        report.check(f"zh-CN/{page}: has its exercises with their checks",
                     "练习" in body and "wslab check" in body)
    driver.get(urljoin("file:", pathname2url(os.path.abspath(os.path.join(zh, "index.html")))))
    links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "ol.lessons > li > a")]
    missing = [p for p in pages if not any(l.endswith("/" + p) for l in links)]
    report.check("zh-CN/index.html: links every lesson", len(links) == len(pages) and not missing, f"missing {missing}")
    broken = [l for l in links if not os.path.exists(l.replace("file://", ""))]
    report.check("zh-CN/index.html: every link leads to a page", not broken, f"{broken}")
    driver.get(urljoin("file:", pathname2url(os.path.abspath(os.path.join(zh, "handout.html")))))
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "marginTop": 0.47,
                                                     "marginBottom": 0.47, "marginLeft": 0.47, "marginRight": 0.47})
    count = len(re.findall(rb"/Type\s*/Page\b(?!s)", base64.b64decode(pdf["data"])))
    report.check("zh-CN/handout.html: one printed page per translated lesson", count == len(translated), f"{count}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("site")
    parser.add_argument("--screenshots")
    args = parser.parse_args()
    report = Report()
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
    pages = sorted(f for f in os.listdir(args.site)
                   if f.endswith(".html") and f not in ("index.html", "handout.html") and ".part." not in f)
    report.check("the site has an index and eight lesson pages",
                 os.path.exists(os.path.join(args.site, "index.html")) and len(pages) >= 8, f"pages: {pages}")
    driver = None
    try:
        driver = make_driver()
        index = urljoin("file:", pathname2url(os.path.abspath(os.path.join(args.site, "index.html"))))
        driver.get(index)
        links = [a.get_attribute("href").rsplit("/", 1)[-1]
                 for a in driver.find_elements(By.CSS_SELECTOR, "ol.lessons > li > a")]
        report.check("the index links every lesson page", links == pages, f"links {links}, pages {pages}")
        check_handout(driver, report, args.site, len(pages), args.screenshots)
        check_chinese(driver, report, args.site, pages)
        for page in pages:
            with open(os.path.join(args.site, page.replace(".html", ".json")), encoding="utf-8") as f:
                trace = json.load(f)
            try:
                check_page(driver, report, os.path.join(args.site, page), trace, args.screenshots)
            except Exception as e:  # noqa: BLE001 - one page's failure must not hide the others
                report.fail(f"{page}: checks ran", describe_exception(e))
    except Exception as e:  # noqa: BLE001
        report.fail("headless Chromium", describe_exception(e))
    finally:
        if driver is not None:
            driver.quit()
    report.exit()


if __name__ == "__main__":
    main()
