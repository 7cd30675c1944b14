"""Moved to aws.py (the one retry policy); this name goes once nothing imports it."""

from .aws import RetryPolicy as RetryPolicy
from .aws import is_transient as is_transient
