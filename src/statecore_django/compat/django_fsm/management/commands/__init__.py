"""``graph_transitions``."""
