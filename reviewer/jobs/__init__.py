"""The job queue (huey on SQLite or Redis), the review job, retries and dead letters."""
