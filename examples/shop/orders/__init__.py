"""Orders of the example shop, each with a payment and a shipping workflow."""
