"""Hostile strings for every text path into a page (from the project's security notes)."""

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "`",
    "${alert(1)}",
    "\\`",
    "C:\\users\\x",
    "{{7*7}}",
    "{% raw %}",
    "{#x#}",
    "'\"><svg onload=alert(1)>",
    "javascript:alert(1)",
]
