"""policy-reviewer: policy-as-code review of AWS infrastructure as code."""

__version__ = "0.1.0"
