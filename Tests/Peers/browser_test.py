#!/usr/bin/env python3
"""Headless Chromium (Selenium + Debian's chromium-driver) -> the page `wslab serve` serves at `/`.

Usage: browser_test.py [--expect-no-deflate] [--screenshot PNG] http://127.0.0.1:PORT/
       browser_test.py https://127.0.0.1:PORT/      (wss://; the certificate may be self-signed)

1. Loads `URL?autotest=MESSAGE`: the page's own script connects to ws(s):// + location.host +
   location.pathname, sends MESSAGE and, when the echo arrives, fills #echo and #extensions and
   sets #status to `done`. The test waits (bounded) and checks the echo and that the browser
   negotiated permessage-deflate.
2. Uses the page as a person would: clicks Connect, types a message, clicks Send, and waits for
   the echo in #echo and in the log.
Prints `ok - name` / `not ok - name: why` per check; exits 1 if any check failed.
"""

import argparse
import os
import sys
import time
from urllib.parse import quote

# Never let Selenium Manager go looking for drivers or browsers on the network.
os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import Report, describe_exception  # noqa: E402

WAIT = 20  # seconds, every WebDriverWait and the page load

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def make_driver(tls):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-proxy-server", "--window-size=1000,900"):
        options.add_argument(flag)
    if tls:
        options.add_argument("--ignore-certificate-errors")  # the test certificate is self-signed
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    return driver


def text(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def page_state(driver):
    """What the page shows, for failure messages."""
    try:
        log = driver.find_element(By.ID, "log").text.replace("\n", " | ")
        return (f"status={text(driver, 'status')!r} echo={text(driver, 'echo')!r} "
                f"extensions={text(driver, 'extensions')!r} log: {log[-400:]}")
    except WebDriverException as e:
        return f"(page state unavailable: {describe_exception(e)})"


def console_log(driver):
    try:
        return [entry["message"] for entry in driver.get_log("browser")]
    except WebDriverException:
        return []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--expect-no-deflate", action="store_true")
    parser.add_argument("--screenshot")
    args = parser.parse_args()

    base = args.url if args.url.endswith("/") else args.url + "/"
    tls = base.startswith("https://")
    scheme = "wss" if tls else "ws"
    report = Report(f"chromium -> wslab serve ({scheme}): ")
    message = f"héllo from chromium over {scheme} ✓"

    try:
        driver = make_driver(tls)
    except WebDriverException as e:
        report.fail("start headless chromium", describe_exception(e))
        report.exit()
    try:
        # 1. Automatic run.
        try:
            driver.get(base + "?autotest=" + quote(message))
            report.check("page served at / has the client", "WSLab" in driver.title
                         and driver.find_elements(By.ID, "connect"), f"title {driver.title!r}")
        except WebDriverException as e:
            report.fail("page served at / has the client", describe_exception(e))
            report.exit()

        try:
            WebDriverWait(driver, WAIT, poll_frequency=0.1).until(
                lambda d: text(d, "status") == "done" or text(d, "status").startswith("error"))
        except TimeoutException:
            pass
        status = text(driver, "status")
        if report.check("autotest: page connected, sent and got the echo", status == "done",
                        f"after {WAIT} s: {page_state(driver)}"):
            echo = text(driver, "echo")
            report.check("autotest: echo equals the message", echo == message,
                         f"expected {message!r}, got {echo!r}")
            extensions = text(driver, "extensions")
            print(f"# ws.extensions = {extensions!r}; ws.protocol = {text(driver, 'protocol')!r}", flush=True)
            if args.expect_no_deflate:
                report.check("autotest: no extension negotiated", "permessage-deflate" not in extensions,
                             f"ws.extensions = {extensions!r}")
            else:
                report.check("autotest: ws.extensions contains permessage-deflate",
                             "permessage-deflate" in extensions, f"ws.extensions = {extensions!r}")

        # 2. The page as a person uses it.
        name = "interactive: connect, type, send, see the echo"
        try:
            WebDriverWait(driver, WAIT, poll_frequency=0.1).until(
                lambda d: d.find_element(By.ID, "connect").is_enabled())
            driver.find_element(By.ID, "connect").click()
            WebDriverWait(driver, WAIT, poll_frequency=0.1).until(lambda d: text(d, "status") == "open")
            typed = f"typed in the page {time.time():.0f} — ok"
            box = driver.find_element(By.ID, "message")
            box.send_keys(typed)
            driver.find_element(By.ID, "send").click()
            WebDriverWait(driver, WAIT, poll_frequency=0.1).until(lambda d: text(d, "echo") == typed)
            log = driver.find_element(By.ID, "log").text
            report.check(name, f"→ {typed}" in log and f"← {typed}" in log,
                         f"the log does not show the sent and received message: {log[-300:]!r}")
            driver.find_element(By.ID, "disconnect").click()
            WebDriverWait(driver, WAIT, poll_frequency=0.1).until(lambda d: text(d, "status") == "closed")
            log = driver.find_element(By.ID, "log").text
            report.check("interactive: disconnect closes with 1000", "closed: code 1000" in log,
                         f"log: {log[-300:]!r}")
        except (TimeoutException, WebDriverException) as e:
            report.fail(name, f"{describe_exception(e)}; {page_state(driver)}")

        if args.screenshot:
            driver.save_screenshot(args.screenshot)
        if report.failed:
            for line in console_log(driver):
                print(f"# browser console: {line}", flush=True)
    finally:
        driver.quit()
    report.exit()


if __name__ == "__main__":
    main()
