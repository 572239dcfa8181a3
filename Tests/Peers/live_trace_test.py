#!/usr/bin/env python3
"""Headless Chromium -> the live trace of `wslab serve --live-trace`.

Usage: live_trace_test.py http://127.0.0.1:PORT/

1. Opens the teacher view at /trace (every connection, live).
2. Opens the page at / with ?autotest=hello: it follows its own connection (/trace/ws?follow=TOKEN),
   connects with ?trace=TOKEN, sends "hello" and waits for the echo.
3. Checks the page's panel: the handshake the browser really sent (its User-Agent and its
   permessage-deflate offer), a masked text frame from the client whose unmasked payload is
   "hello" (the server runs with --no-deflate, so the payload is not compressed), the server's
   echo; and the teacher view: the same connection, with the same frame.
Prints `ok - name` / `not ok - name: why`; exits 1 if any check failed.
"""

import os
import sys
import time

os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser_test import WAIT, make_driver  # noqa: E402
from peerlib import Report, describe_exception  # noqa: E402

PANEL = """
return Array.from(document.querySelectorAll(arguments[0] + ' figure.rec')).map(f => ({
  title: f.querySelector('.rt').textContent,
  dir: (f.querySelector('.dir') || {}).textContent || '',
  src: (f.querySelector('.src') || {}).textContent || '',
  notes: Array.from(f.querySelectorAll('.note .f')).map(n => n.textContent),
}));
"""


def main():
    url = sys.argv[1].rstrip("/") + "/"
    report = Report("live trace: ")
    driver = None
    try:
        driver = make_driver(tls=False)
        driver.get(url + "trace")
        WebDriverWait(driver, WAIT).until(
            lambda d: "following every connection" in d.find_element(By.ID, "status").text)
        report.ok("the teacher view at /trace follows every connection")
        teacher = driver.current_window_handle

        driver.switch_to.new_window("tab")
        driver.get(url + "?autotest=hello")
        WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "status").text == "done")
        report.check("the page follows its own connection",
                     "this page's connection" in driver.find_element(By.ID, "trace-status").text,
                     driver.find_element(By.ID, "trace-status").text)
        # The close frames may still be on their way: wait for the client's text frame.
        WebDriverWait(driver, WAIT).until(
            lambda d: any('frame: text "hello" (masked' in r["title"] for r in d.execute_script(PANEL, "#trace")))
        records = driver.execute_script(PANEL, "#trace")
        request = next((r for r in records if r["title"].startswith("HTTP request head: GET /?trace=")), None)
        report.check("the panel shows the handshake the browser sent", request is not None,
                     f"records: {[r['title'] for r in records][:5]}")
        if request:
            notes = " | ".join(request["notes"])
            report.check("with the browser's own User-Agent and its permessage-deflate offer",
                         "User-Agent" in notes and "permessage-deflate" in notes, notes[:300])
        frame = next(r for r in records if 'frame: text "hello" (masked' in r["title"])
        notes = " | ".join(frame["notes"])
        report.check("a masked text frame from the client, unmasked by the server: \"hello\"",
                     frame["dir"] == "client → server" and "masking key" in notes
                     and 'unmasked: "hello"' in notes, f"{frame['dir']}; {notes[:300]}")
        report.check("the server's echo, unmasked",
                     any(r["title"] == 'frame: text "hello" (7 bytes)' and r["dir"] == "server → client"
                         for r in records), f"records: {[r['title'] for r in records]}")
        connection = frame["src"]

        driver.switch_to.window(teacher)
        time.sleep(0.5)
        seen = driver.execute_script(PANEL, f"#conn-{connection}") if connection else []
        report.check(f"the teacher view shows the same connection ({connection}) and frame",
                     any('frame: text "hello" (masked' in r["title"] for r in seen),
                     f"{len(seen)} records in #conn-{connection}")
        options = [o.text for o in driver.find_elements(By.CSS_SELECTOR, "#filter option")]
        report.check("the teacher view can filter by connection", connection in options, f"options {options}")
    except Exception as e:  # noqa: BLE001
        report.fail("headless Chromium", describe_exception(e))
    finally:
        if driver is not None:
            driver.quit()
    report.exit()


if __name__ == "__main__":
    main()
