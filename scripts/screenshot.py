"""Screenshot pages of a running portal with Debian's chromium: a look at what we build.

Usage: .venv/bin/python scripts/screenshot.py URL OUT.png [--width 390] [--login EMAIL]
       [--element CSS]  (only that element and what is around it on screen, not the whole page)
"""

import argparse
import os

from playwright.sync_api import sync_playwright

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--login")
    parser.add_argument("--password", default="vink-demo-2026")
    parser.add_argument(
        "--new-password",
        default="seven quiet benches measure pages",
        help="chosen when the portal asks for one (a demo user's first login); log in with it"
        " next time (--password)",
    )
    parser.add_argument("--element", help="a CSS selector: the screen around its first match")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=LAUNCH_ARGS
        )
        page = browser.new_page(viewport={"width": args.width, "height": 900})
        page.on("console", lambda message: print("console:", message.type, message.text))
        if args.login:
            base = args.url.split("/", 3)[:3]
            page.goto("/".join(base) + "/log-ind")
            page.fill("#email", args.login)
            page.fill("#password", args.password)
            with page.expect_navigation():
                page.click("main button[type=submit]")
            if "/ny-adgangskode" in page.url:
                page.fill("#password", args.new_password)
                page.fill("#repeat", args.new_password)
                with page.expect_navigation():
                    page.click("main button[type=submit]")
        page.goto(args.url)
        if args.element:
            page.locator(args.element).first.scroll_into_view_if_needed()
            page.screenshot(path=args.out)  # the screen as a user sees it there
        else:
            page.screenshot(path=args.out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
