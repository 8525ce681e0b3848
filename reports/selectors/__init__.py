"""Reads of the reports app: comparison runs (`runs`), a wave's answers as the analysis input
frames (`frames`), and download jobs (`downloads`).

The latest run is re-exported here because pages across the house ask for it.
"""

from reports.selectors.runs import latest_job, latest_run, run_rows

__all__ = ["latest_job", "latest_run", "run_rows"]
