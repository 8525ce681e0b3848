"""The pages of the reports app: comparison runs, the formative and summative reports, downloads
and starting the next wave. Thin: each calls a service or a selector and renders."""
