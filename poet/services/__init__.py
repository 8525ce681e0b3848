"""The core's business rules, called by views, tasks, commands and the admin alike.

`audit` (the audit log), `jobs` (background work) and `setup` (partnerships, members, waves, k).
"""

from poet.services.audit import record_audit
from poet.services.jobs import (
    JobRefused,
    RetryLater,
    claim_job,
    create_job,
    enqueue,
    fail_job,
    finish_job,
    jobs_run_in_background,
    register_job_kind,
    report_progress,
    requeue_stalled_jobs,
    requeue_waiting_jobs,
    run_job,
    start_job,
)
from poet.services.setup import (
    SetupError,
    add_member,
    add_named,
    change_role,
    create_partnership,
    create_wave,
    remove_member,
    remove_named,
    set_keep_source_files,
    set_minimum_group_size,
    set_thresholds,
    unique_slug,
    unique_username,
)

__all__ = [
    "JobRefused",
    "RetryLater",
    "SetupError",
    "add_member",
    "add_named",
    "change_role",
    "claim_job",
    "create_job",
    "create_partnership",
    "create_wave",
    "enqueue",
    "fail_job",
    "finish_job",
    "jobs_run_in_background",
    "record_audit",
    "register_job_kind",
    "remove_member",
    "remove_named",
    "report_progress",
    "requeue_stalled_jobs",
    "requeue_waiting_jobs",
    "run_job",
    "set_keep_source_files",
    "set_minimum_group_size",
    "set_thresholds",
    "start_job",
    "unique_slug",
    "unique_username",
]
