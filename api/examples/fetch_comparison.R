# Response counts and the latest comparison of a wave from POET's API, in R (httr2).
# Set POET_URL (your POET's address) and POET_TOKEN (a token from the API tokens page) first.
library(httr2)

partnership <- "north-partnership"  # slugs, as in the pages' addresses
wave <- "baseline-2026"

poet <- function(path) {
  request(Sys.getenv("POET_URL")) |>
    req_url_path(sprintf("/api/v1/partnerships/%s/waves/%s%s", partnership, wave, path)) |>
    req_auth_bearer_token(Sys.getenv("POET_TOKEN")) |>
    req_retry(max_tries = 5) |>  # over the rate limit (429): waits as Retry-After says
    req_error(body = function(resp) resp_body_json(resp)$detail)  # the problem's words
}

# Response counts: a hidden count is NULL, and completed_hidden says why
counts <- poet("/response-counts/") |> req_perform() |> resp_body_json()
counts$overall$completed
sapply(counts$by_organisation, function(row) row$completed_hidden)

# The latest comparison run, then all its rows as a data frame (pages of 100)
run <- poet("/comparison/") |> req_perform() |> resp_body_json()
pages <- poet("/comparison/rows/") |>
  req_url_query(limit = 100) |>
  req_perform_iterative(
    next_req = iterate_with_offset(
      "offset", start = 0, offset = 100,
      resp_complete = function(resp) length(resp_body_json(resp)$items) < 100
    ),
    max_reqs = Inf
  )
rows <- resps_data(pages, function(resp) resp_body_json(resp, simplifyVector = TRUE)$items)
subset(rows, breakdown == "all" & !suppressed, c(outcome, measure, mean_staff, mean_users))
