"""Models of the flow-class and database-defined workflow tests."""
