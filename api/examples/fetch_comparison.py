"""Response counts and the latest comparison of a wave from POET's API, in Python (requests).

export POET_URL=https://poet.example.org POET_TOKEN=poet_...   # a token from the API tokens page
python fetch_comparison.py north-partnership baseline-2026      # slugs, as in the pages' addresses
"""

import csv
import os
import sys
import time

import requests

API = os.environ.get("POET_URL", "https://poet.example.org").rstrip("/") + "/api/v1"
session = requests.Session()
session.headers["Authorization"] = f"Bearer {os.environ['POET_TOKEN']}"


def get(path, **query):
    """The JSON answer of one GET; waits as long as a 429 says; stops with the problem's words."""
    while True:
        response = session.get(API + path, params=query, timeout=60)
        if response.status_code == 429:  # over the token's rate limit
            time.sleep(int(response.headers.get("Retry-After", "60")))
            continue
        if response.status_code >= 400:  # an RFC 9457 problem: `detail` says what to do
            problem = response.json() if "json" in response.headers["Content-Type"] else {}
            sys.exit(f"{response.status_code} {problem.get('detail', response.reason)}")
        return response.json()


def every_item(path):
    """All the items of a paged list ({"items": [...], "count": n}), 100 at a time."""
    items = []
    while True:
        page = get(path, limit=100, offset=len(items))
        items += page["items"]
        if not page["items"] or len(items) >= page["count"]:
            return items


def response_counts(partnership, wave):
    """Invited and completed by organisation and staff group; a hidden count is None."""
    return get(f"/partnerships/{partnership}/waves/{wave}/response-counts/")


def comparison_rows(partnership, wave):
    """The rows of the latest comparison run: the comparison CSV's rows, as dictionaries."""
    return every_item(f"/partnerships/{partnership}/waves/{wave}/comparison/rows/")


def shown(row, figure):
    """A figure, or why it is hidden ("hidden: fewer than 10 people")."""
    value = row[figure]
    return row[f"{figure}_hidden"] if value is None else value


if __name__ == "__main__":
    partnership, wave = sys.argv[1], sys.argv[2]
    counts = response_counts(partnership, wave)
    print("Completed:", shown(counts["overall"], "completed"), "of", counts["overall"]["invited"])
    for organisation in counts["by_organisation"]:
        print(f"  {organisation['name']}: {shown(organisation, 'completed')}")
    rows = comparison_rows(partnership, wave)
    with open("comparison.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]) if rows else ["outcome"])
        writer.writeheader()
        writer.writerows(rows)
    hidden = sum(1 for row in rows if row["suppressed"])
    print(f"comparison.csv: {len(rows)} rows, {hidden} hidden (too few people)")
