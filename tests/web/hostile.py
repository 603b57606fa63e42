"""Data for the hostile-release tests (issue 18): stored URLs an attacker wrote."""

# Each url with whether it may be a link. Browsers drop tabs and newlines anywhere in a URL and leading/trailing
# C0 controls and spaces before reading the scheme (WHATWG URL parsing), so all of these are script.
HOSTILE_URLS = {
    "javascript:alert(1)": False,
    " JaVaScRiPt:alert(1)": False,
    "java\tscript:alert(1)": False,
    "java\nscript:alert(1)": False,
    "\x01javascript:alert(1)": False,
    "data:text/html,<script>alert(1)</script>": False,
    "vbscript:msgbox(1)": False,
    "//evil.example/x": False,  # scheme-relative: not an http(s) URL as stored
    "ftp://example.com/file": False,
    "https://example.com/ok": True,
    " HTTP://example.com/upper": True,
}
