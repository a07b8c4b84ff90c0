"""The battery's models: one item model per locking mode, and a log with a fault point."""
