"""A test app: state proxies, the log inline, and (in ``broken``) misconfigured models."""
