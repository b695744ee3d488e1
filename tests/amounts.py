"""The amounts the issues list, as printed, with their parsed value, unit and qualifier.

Shared by the parser's tests (test_facts.py) and the ingest tests (test_ingest.py), which
find the same amounts inside sentences.
"""

ISSUE_AMOUNTS = [
    ("1.2万公里", 1.2, "万公里", None),
    ("4022.25亿元", 4022.25, "亿元", None),
    ("150亿美元", 150, "亿美元", None),
    ("30.54亿元", 30.54, "亿元", None),
    ("11.7万平米", 11.7, "万平米", None),
    ("9535平方公里", 9535, "平方公里", None),
    ("11.6%", 11.6, "%", None),
    ("5-7班", 5, "班", "range"),
    ("160多家", 160, "家", "more_than"),
    ("１２３亿元", 123, "亿元", None),
    ("一百二十三个", 123, "个", None),
    ("２０％", 20, "%", None),
]
