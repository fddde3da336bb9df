"""Capstone: an hourly bike-share demand service, from raw data to a monitored, retrained API."""

__version__ = "0.1.0"
