"""Everything that changes the staff survey: each function checks its rules and records its own
audit entry. Views, tasks and commands call these; they write nothing themselves."""
