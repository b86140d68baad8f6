"""Log in as the demo secretariat over HTTP and print the session cookie (for wrk -H)."""

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

from portal.demo import DEMO_PASSWORD


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    page = opener.open(base + "/log-ind").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    form = {"email": "sekretariat@vink.example.org", "password": DEMO_PASSWORD, "csrf_token": token}
    try:
        opener.open(base + "/log-ind", urllib.parse.urlencode(form).encode())
    except urllib.error.HTTPError as redirect:
        if redirect.code != 302:
            raise
    print("; ".join(f"{cookie.name}={cookie.value}" for cookie in jar))


if __name__ == "__main__":
    main(sys.argv[1])
