"""The NetSuite connector: client credentials with a signed JWT, SuiteQL reads, note records."""
