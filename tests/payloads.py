"""Hostile strings for every text path into a page (from the project's security notes).

The ``CANARY`` payloads would set ``window.__canary`` if they ever ran, so a browser test can see a
script that ran without a dialog. The Jinja2 payloads would render as ``49``, a folder name, ``xxx``
or nothing if the text were ever compiled as a template.
"""

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

CANARY = [
    "<img src=x onerror=\"window.__canary='img'\">",
    "</script><script>window.__canary='script'</script>",
    "${window.__canary='template'}",
    "`+(window.__canary='backtick')+`",
    "\\`;window.__canary='backslash';//",
    "'\"><svg onload=\"window.__canary='svg'\">",
    "</style><script>window.__canary='style'</script>",
    "]]><!--<script>window.__canary='comment'</script>-->",
]

JINJA = [
    "{{ cycler.__init__.__globals__.os.getcwd() }}",
    "{% for i in range(3) %}x{% endfor %}",
    "{# hidden #}",
    "{{ '{{7*7}}' }}",
    "{%",
    "}}",
]

ALL = PAYLOADS + CANARY + JINJA
