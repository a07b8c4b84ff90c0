"""The example shop project: orders with a payment and a shipping workflow."""
