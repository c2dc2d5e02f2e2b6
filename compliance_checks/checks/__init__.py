"""The live checks, one per file, grouped by AWS service (``<service>/<check_id>.py``)."""
