"""Stoplight Prism as a validating mock of the KFP REST API, for the contract and browser tests."""
