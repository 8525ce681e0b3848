# Response counts and the latest comparison of a wave from POET's API, with curl (and jq).
export POET_URL=https://poet.example.org POET_TOKEN=poet_...  # a token from the API tokens page
WAVE="$POET_URL/api/v1/partnerships/north-partnership/waves/baseline-2026"
poet() {  # --retry waits as a 429's Retry-After says; an error prints its problem details
  curl --silent --show-error --fail-with-body --retry 5 \
    -H "Authorization: Bearer $POET_TOKEN" "$WAVE$1"
}

# Response counts: a hidden count is null, and completed_hidden says why
poet /response-counts/ | jq '.overall, (.by_organisation[] | {name, completed, completed_hidden})'

# The latest comparison run, then its rows, 100 a page (add &offset=100 for the next)
poet /comparison/
poet "/comparison/rows/?limit=100&offset=0" | jq -r '.count, (.items[] | [.outcome, .measure, .breakdown, .group, .n_staff, .mean_staff, .suppressed] | @csv)'
