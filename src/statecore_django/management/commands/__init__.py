"""``manage.py statecore_graph`` and ``manage.py statecore_stale_states``."""
