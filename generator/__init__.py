"""smsgen: generate, control and publish the documentation of an ISO 28000:2022 security management system."""

__version__ = "0.1.0"
