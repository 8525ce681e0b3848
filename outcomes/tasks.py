"""Background work of the follow-up: the jobs it registers."""

from outcomes.services.imports import IMPORT_JOB, run_import
from poet.services import register_job_kind

# An uploaded answers file too large to import in the request.
register_job_kind(IMPORT_JOB, run_import, title="importing answers")
